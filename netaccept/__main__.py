"""`python -m netaccept` is the `netaccept` command."""

import sys

from netaccept.cli import main

sys.exit(main())
