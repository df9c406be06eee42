"""Repository-level pytest configuration.

The netaccept plugin itself is registered through the `pytest11` entry point of the
installed package, so `pytest --netaccept-inventory FILE checks/` works from any
directory. This file only makes the repository's own layout importable when pytest
runs from a checkout (the `checks` package next to the engine).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))
