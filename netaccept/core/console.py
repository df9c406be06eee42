"""Where netaccept writes for people: a rich console that never breaks a line to be copied."""

from __future__ import annotations

import os
from typing import IO

from rich.console import Console

# Without a terminal (a CI log, `| tee`) a line is as long as it is: one a user copies (a
# known_hosts line, an `ssh-keygen -R` command, FILE:LINE) must stay whole.
_UNWRAPPED_WIDTH = 100_000


def output_console(file: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """A console that never breaks a line a user may copy.

    At a terminal, tables fit its width and long lines are left to the terminal to fold (soft
    wrap: a copied line is still one line); without one, and without $COLUMNS, nothing wraps.
    """
    out = Console(file=file, stderr=stderr, highlight=False, soft_wrap=True)
    if not out.is_terminal and not os.environ.get("COLUMNS", "").isdigit():
        out.width = _UNWRAPPED_WIDTH
    return out
