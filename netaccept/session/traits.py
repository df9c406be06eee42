"""What a session needs to know of a platform's command line; each platform gives its own.

The session layer knows no platform by name: `netaccept.platforms` describes each one with a
`CliTraits`, and the run hands them to the transport.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CliTraits:
    """How to drive one platform's CLI over SSH."""

    driver: str
    """netmiko's device_type for the login and the session (`cisco_ios`, `cisco_xr`)."""
    base_prompt_length: int
    """What netmiko's driver keeps of the prompt as `base_prompt` (it strips the trailing
    `#`/`>` and abbreviates, as the router abbreviates its hostname in config mode)."""
    enable: bool
    """The login may land in user mode (`name>`), and `enable` leads to privileged mode."""
