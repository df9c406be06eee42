"""The ``netaccept`` command: ``python -m netaccept`` and the installed script.

The warnings netaccept's libraries raise are silenced before those libraries are imported
(:mod:`netaccept.core.libwarnings`); netaccept's own warnings still show.
"""

import sys

from netaccept.core.libwarnings import quiet_library_warnings


def main() -> int:
    quiet_library_warnings()
    # Imported after the filters: netmiko, paramiko and cryptography may warn at import.
    from netaccept.cli.main import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
