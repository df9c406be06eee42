"""``python -m netaccept.lab``: the simulated lab's own process (started by LabProcess).

The warnings its libraries raise at import (asyncssh under cryptography 51) are not the
user's: they are silenced before the server module imports asyncssh.
"""

import sys

from netaccept.core.libwarnings import quiet_library_warnings

if __name__ == "__main__":
    quiet_library_warnings()
    from netaccept.lab.server import main

    sys.exit(main())
