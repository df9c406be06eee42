"""The warnings netaccept's libraries raise are theirs to fix, not the user's to read.

asyncssh, cryptography, paramiko and netmiko raise deprecation and user warnings at import
or use (asyncssh under cryptography 51: five ``CryptographyDeprecationWarning: DSA
is deprecated`` at import). A technician cannot act on them, and they push the lines that
matter off the screen. netaccept's own entry points - the ``netaccept`` command, the lab's
process and a pytest run with ``--netaccept-inventory`` - ignore them by category *and* the
module the warning is attributed to, so:

- a warning netaccept's own code causes (a deprecated call made from a netaccept module is
  attributed to that module) still shows;
- nothing is filtered for a user's own test suite that merely has the plugin installed;
- this project's tests run with warnings as errors, each library warning named there
  (``pyproject.toml``), so a new one is seen by a test first.

Only the standard library is imported here: the filters go in before the libraries load.
"""

from __future__ import annotations

import warnings

__all__ = ["CATEGORIES", "LIBRARIES", "MODULES", "filterwarnings_lines", "quiet_library_warnings"]

LIBRARIES = ("asyncssh", "cryptography", "paramiko", "netmiko")
# The module a warning is attributed to, as a regular expression (matched at the start).
MODULES = rf"({'|'.join(LIBRARIES)})(\.|$)"
# UserWarning covers cryptography's CryptographyDeprecationWarning (a subclass of it).
CATEGORIES: tuple[type[Warning], ...] = (
    DeprecationWarning,
    PendingDeprecationWarning,
    FutureWarning,
    UserWarning,
)


def quiet_library_warnings() -> None:
    """Ignore the libraries' warnings in this process, from now on."""
    for category in CATEGORIES:
        warnings.filterwarnings("ignore", category=category, module=MODULES)


def filterwarnings_lines() -> list[str]:
    """The same filters as pytest ``filterwarnings`` lines (pytest resets the process's filters
    around each test, so a run under pytest needs them in its own configuration)."""
    return [f"ignore::{category.__name__}:{MODULES}" for category in CATEGORIES]
