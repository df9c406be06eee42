"""netaccept's exit codes, once: the `netaccept` command, a pytest run with the plugin, the lab.

A CI job reads them to know what happened without parsing any output, so they never change
once published.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASS = 0
    """Every selected check on every selected device passed."""
    FAIL = 1
    """At least one check failed (and every check was decided)."""
    INTERRUPTED = 2
    """Interrupted (Ctrl-C or SIGTERM): the devices that completed are kept."""
    INTERNAL = 3
    """Internal error; for the lab's own process: it refused to start."""
    USAGE = 4
    """Usage or inventory error, or an output path or ledger that cannot be used: found
    before any router is contacted."""
    NOTHING = 5
    """No check was selected, nothing was tested."""
    UNDECIDED = 6
    """At least one check could not be decided, or a device could not be identified: the
    certificate is incomplete."""
    NOT_SAVED = 7
    """The results could not all be written (disk full, I/O error, the ledger unusable at
    the end): what was written is kept, and only the devices whose certificates are on
    disk are in the ledger."""


_HELP = {
    ExitCode.PASS: "every selected check on every selected device passed",
    ExitCode.FAIL: "at least one check failed (and every check was decided)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
    ExitCode.INTERNAL: "internal error",
    ExitCode.USAGE: "usage or inventory error, or an output path or the ledger cannot be used "
    "(found\n     before any router is contacted)",
    ExitCode.NOTHING: "no check was selected, nothing was tested",
    ExitCode.UNDECIDED: "at least one check could not be decided (unreachable, timeout, "
    "rejected command,\n     unparsable output, missing data), or a device could not be "
    "identified: the certificate\n     is incomplete",
    ExitCode.NOT_SAVED: "the results could not all be written (disk full, I/O error, ledger): "
    "what was\n     written is kept; only the devices whose certificates are on disk are in "
    "the ledger",
}


def exit_codes_help() -> str:
    """The exit codes as the `netaccept` command's help prints them."""
    lines = [f"  {code.value}  {_HELP[code]}" for code in ExitCode]
    return "exit codes:\n" + "\n".join(lines) + "\n"
