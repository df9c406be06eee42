"""The read-only command allow-list: the only door between the harness and a router.

Every command the harness sends passes `ensure_read_only` first. Anything that is not a
show/ping/traceroute/dir/verify/terminal length|width command (or `enable`, which
only asks for the privileged mode that show commands need), or that carries a
character that could end a line or chain a second command, raises before it reaches
the wire.

Besides these commands (and the login's password and enable secret), the transport sends
only two keys that run nothing: an empty line, to which the CLI answers with its prompt
(to see the first prompt, to confirm the end of an output, to probe a router that went
quiet), and a single space to a pager prompt (` --More-- `), which shows the next page of
an output that a router paged although told `terminal length 0`.
"""

from __future__ import annotations

import re

_ALLOWED = re.compile(
    r"""^(?:
        show\ [\x21-\x7e][\x20-\x7e]*
      | ping\ [\x21-\x7e][\x20-\x7e]*
      | traceroute\ [\x21-\x7e][\x20-\x7e]*
      | dir(?:\ [\x21-\x7e][\x20-\x7e]*)?
      | verify\ /md5\ [\x21-\x7e][\x20-\x7e]*
      | terminal\ length\ [0-9]{1,3}
      | terminal\ width\ [0-9]{1,3}
      | enable
    )$""",
    re.VERBOSE,
)
# Characters no read-only command needs, and that a CLI could read as a separator,
# a pipe into a writing filter (`| append`, `| redirect`), a comment or a control key.
_FORBIDDEN_CHARS = re.compile(r"[|;!#`$\\<>{}\x00-\x1f\x7f]")


class ForbiddenCommand(ValueError):
    """A command outside the read-only allow-list was about to be sent."""


def ensure_read_only(command: str) -> str:
    """Return `command` unchanged if it may be sent to a router, else raise ForbiddenCommand."""
    if _FORBIDDEN_CHARS.search(command):
        raise ForbiddenCommand(
            f"refusing to send {command!r}: it contains a character that read-only "
            "commands never need (newline, control character, | ; ! # ` $ \\ < > { })"
        )
    if command != command.strip() or "  " in command:
        raise ForbiddenCommand(f"refusing to send {command!r}: irregular whitespace")
    if not _ALLOWED.match(command):
        raise ForbiddenCommand(
            f"refusing to send {command!r}: only show, ping, traceroute, dir, verify /md5, "
            "terminal length/width and enable commands may be sent to a router"
        )
    return command
