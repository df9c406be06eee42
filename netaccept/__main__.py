"""The ``netaccept`` command: ``python -m netaccept`` and the installed script.

The warnings netaccept's libraries raise are silenced before those libraries are imported
(:mod:`netaccept.core.libwarnings`); netaccept's own warnings still show.

When the reader of its output goes away (``netaccept history --json | head``), the command
stops quietly with exit status 141, as a shell reports a command ended by SIGPIPE
(``git log | head`` alike): not a traceback, and not a status that passes for a result.
A Ctrl-C while netaccept starts (importing its libraries takes a second or more) says so in
one line and exits 2, as an interrupted run does.
"""

import os
import sys

from netaccept.core.libwarnings import quiet_library_warnings

# 128 + SIGPIPE: what a shell reports when a reader's exit ends a writer.
BROKEN_PIPE = 141
# As `netaccept run` interrupted (netaccept.core.exitcodes.ExitCode.INTERRUPTED), which is
# not imported here: a Ctrl-C may come before anything is.
INTERRUPTED = 2


def main() -> int:
    try:
        return _main()
    except KeyboardInterrupt:
        # Only possible outside a run's own handling of Ctrl-C (see netaccept.run.interrupt).
        from netaccept.run.interrupt import RUN_GUARDED

        where = "" if RUN_GUARDED.is_set() else " while starting: no router was contacted"
        print(f"netaccept: interrupted (Ctrl-C){where}", file=sys.stderr)
        return INTERRUPTED


def _main() -> int:
    quiet_library_warnings()
    # Imported after the filters: netmiko, paramiko and cryptography may warn at import.
    from netaccept.cli.main import main as cli_main

    try:
        code = cli_main()
        sys.stdout.flush()  # here, not at exit, where a broken pipe can only be reported
    except BrokenPipeError:
        # Nothing more can be said to the reader; the exit's own flush must not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
