"""The login credentials of a device, at run time: from the environment variables its
inventory entry names, else typed at the terminal, never from the inventory file itself.
"""

from __future__ import annotations

import os

from netaccept.inventory.model import Device


def resolve_credentials(device: Device, *, interactive: bool | None = None) -> tuple[str, str, str]:
    """Username, password and enable secret for `device`, from its environment variables.

    A variable that is not set is asked for at the terminal when one is attached; otherwise
    the error names the variable to set. The enable secret defaults to the password.
    """
    import getpass
    import sys

    refs = device.credentials
    interactive = sys.stdin.isatty() if interactive is None else interactive
    values: list[str] = []
    for var, what in (
        (refs.username_env, "username"),
        (refs.password_env, "password"),
        (refs.secret_env, "enable secret"),
    ):
        value = os.environ.get(var)
        if value is None and what == "enable secret":
            value = values[1] if len(values) > 1 else None
        if value is None and interactive:
            prompt = f"{what} for {device.name} (or set {var}): "
            value = input(prompt) if what == "username" else getpass.getpass(prompt)
            os.environ[var] = value  # ask once per variable, not once per device
        if value is None:
            raise CredentialsMissing(
                f"{device.name}: no {what}: set the environment variable {var} "
                "(or run netaccept from a terminal to be asked for it)"
            )
        values.append(value)
    return values[0], values[1], values[2]


class CredentialsMissing(Exception):
    """A credential variable is not set and nobody is at a terminal to type it."""
