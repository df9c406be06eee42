"""What a router's CLI prints around an output, and the output found in it.

A router's CLI is made for a person at a terminal. It echoes the command, wrapped at the
terminal's width (CR LF, or a space and a CR, inserted at the margin) or scrolled
horizontally (backspaces, then `$` and a shifted window); it pages a long output behind a
pager prompt (` --More-- `, `<--- More --->`) which it erases with backspaces or ANSI codes
once a key is pressed; and its CR LF line ends may arrive in separate reads.

`OutputReading` follows one command's output as it arrives: it finds the echo however
mangled, answers each pager prompt with a space, and takes the router's exact prompt for
the end only once two empty lines sent after it have each brought the same prompt back,
alone on the lines that follow. A pause alone proves nothing: a router may print a line
that is exactly its prompt inside an output (a log line, a configured banner), even two in
a row, and pause there, but it answers the empty lines only once the command has finished.
(Ambiguous still: an output whose last line is the prompt, that line being taken for the
prompt; and one holding three prompt lines in a row, each after a pause.) Its `output` is
the evidence: the text between the echo and the prompt, pager prompts and their erasing
taken out, line ends normalised once for the whole output, as netmiko does for one read.

Keys sent here run nothing: a space (the next page) and an empty line (the prompt again).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = ["ANSWERS", "EMPTY_LINE", "SPACE", "OutputReading", "find_echo", "normalise_line_ends"]

SPACE = " "
"""The key sent to a pager prompt: the next page, as a person would press it."""
EMPTY_LINE = ""
"""An empty line (RETURN): the CLI only prints its prompt again."""
ANSWERS = 2
"""Empty lines sent to confirm the end of an output; the prompt must come back for each."""

_LINE_END = re.compile("\r\r\r\n|\r\r\n|\r\n|\n\r")  # netmiko's normalize_linefeeds()
# Pager prompts, possibly in reverse video; what erases them once a key is pressed.
_SGR = r"(?:\x1b\[[0-9;]*m)?"
_PAGER = rf"{_SGR}(?: ?--More-- ?|<--- More --->){_SGR}"
_ERASE = r"(?:\x08+|\x1b\[[0-9;]*[A-Za-z]|\r(?!\n)| +(?=[\x08\r\x1b]))*"
_PAGER_AT_END = re.compile(rf"(?<=[\r\n])(?P<pager>{_PAGER})(?:[\x08 ]|\x1b\[[0-9;]*[A-Za-z])*\Z")
_PAGER_ERASED = re.compile(_PAGER + _ERASE)
_PAGER_TAIL = 64  # a pager prompt and the cursor moves after it fit in the last 64 characters
_PROMPT_TAIL = 256  # a prompt line is shorter: longer lines are not looked at
_CSI = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])")
# A wrap inserted at the margin: spaces, CR and/or LF, spaces.
_WRAP = r"(?:[ ]*[\r\n]+[ ]*)"
_MIN_WINDOW = 8  # a scrolled echo shows at least this much of the command


def normalise_line_ends(text: str) -> str:
    """CR LF (and CR CR LF, LF CR) as LF, then any other CR as LF: netmiko's normalisation."""
    return _LINE_END.sub("\n", text).replace("\r", "\n")


@functools.lru_cache(maxsize=512)
def _echo_pattern(command: str) -> re.Pattern[str]:
    """`command` as echoed by a terminal that may wrap it anywhere."""
    parts = [rf"(?:{_WRAP}|[ ])" if char == " " else re.escape(char) for char in command]
    return re.compile(f"{_WRAP}?".join(parts))


def find_echo(text: str, command: str, prompt: str | None = None, start: int = 0) -> int | None:
    """Where the echo of `command` ends in `text`: just after the line end that ends it.

    The echo is the command as sent, or wrapped (CR LF, or a space and CR, at the margin),
    or scrolled behind `$` markers (the line as a terminal shows it is `$` and a window of
    the command); it is looked for from the line around `start`. None while it has not
    come whole, with its line end.
    """
    start = text.rfind("\n", 0, start) + 1
    match = _echo_pattern(command).search(text, start)
    end = match.end() if match else _scrolled_echo(text, start, command, prompt)
    if end is None:
        return None
    newline = text.find("\n", end)
    return None if newline < 0 else newline + 1


def _scrolled_echo(text: str, start: int, command: str, prompt: str | None) -> int | None:
    """The end of the first line from `start` that a terminal shows as a `$` window of
    `command`."""
    for raw in text[start:].split("\n"):
        shown = _visible(raw)
        if prompt and shown.startswith(prompt):
            shown = shown[len(prompt) :]
        if _is_window(shown.rstrip(), command):
            return start + len(raw)
        start += len(raw) + 1
    return None


def _visible(raw: str) -> str:
    """What a terminal shows of one line: backspaces and CR move the cursor, text overwrites
    (ESC [K erases to the end of the line, ESC [nD and ESC [nC move the cursor)."""
    cells: list[str] = []
    column = 0
    index = 0
    while index < len(raw):
        char = raw[index]
        csi = _CSI.match(raw, index) if char == "\x1b" else None
        if csi is not None:
            count = int(csi.group(1)) if csi.group(1).isdigit() else 1
            final = csi.group(2)
            if final == "K":
                del cells[column:]
            elif final in "CD":
                column = max(0, column + (count if final == "C" else -count))
            index = csi.end()
            continue
        if char == "\b":
            column = max(0, column - 1)
        elif char == "\r":
            column = 0
        elif char.isprintable():
            cells.extend(" " * (column + 1 - len(cells)))
            cells[column] = char
            column += 1
        index += 1
    return "".join(cells)


def _is_window(shown: str, command: str) -> bool:
    """Whether `shown` is `$` and a window of `command` (or a window and `$`, or both)."""
    left = shown.startswith("$")
    right = len(shown) > 1 and shown.endswith("$")
    core = shown[int(left) : len(shown) - int(right)]
    if not (left or right) or len(core) < min(_MIN_WINDOW, len(command)):
        return False
    if left and right:
        return core in command
    return command.endswith(core) if left else command.startswith(core)


def _line_start(text: str, end: int, floor: int) -> int | None:
    """Where the line that ends at `end` starts (after the last CR or LF before it); None if
    it starts before `floor` (only a line end at `floor` or after counts)."""
    found = max(text.rfind("\n", floor, end), text.rfind("\r", floor, end))
    return None if found < 0 else found + 1


class OutputReading:
    """The reading of one command's output, chunk by chunk, until its confirmed end.

    `done(text)` is given everything read so far; it answers pager prompts and sends the
    empty line that confirms the end through `press`, and says when the output is complete.
    `prompts` are the router's exact prompt and the same in user mode (privileged mode lost
    mid-session ends the output too, for the caller to refuse).
    """

    def __init__(self, command: str, prompt: str, press: Callable[[str], None]) -> None:
        self.command = command
        self.prompts = (prompt, prompt[:-1] + ">")
        self._press = press
        self.echo_end: int | None = None  # just after the line end of the echo
        self.pagers: list[int] = []  # where each pager prompt answered starts
        self.marker: int | None = None  # how much had been read when the last empty line went
        self.pending = 0  # empty lines sent since the last pager prompt (which may eat one)
        self.end: int | None = None  # where the prompt line that ends the output starts
        self.prompt: str | None = None  # that prompt
        self._searched = 0  # the echo is not in the text before this (but for its overlap)

    def done(self, text: str) -> bool:
        if self.echo_end is None:
            self.echo_end = find_echo(text, self.command, self.prompts[0], self._searched)
            if self.echo_end is None:
                # Each read is searched once, with room for an echo that came in part.
                overlap = 16 * len(self.command) + 1024
                self._searched = max(0, len(text) - overlap)
                return False
        if self._paged(text):
            return False
        # Only the tail is looked at: an output of megabytes arrives in many reads.
        start = _line_start(text, len(text), max(self.echo_end - 1, len(text) - _PROMPT_TAIL))
        if start is None or text[start:].strip() not in self.prompts:
            return False
        if self.marker is not None:
            # Empty lines went: the end is the prompt followed by the answers to all of them.
            return start > self.marker and self._confirmed(text, start)
        # The prompt, alone on the last line: the end, unless the output goes on. Ask for the
        # prompt again, twice; the CLI prints it only once the command has finished.
        self.marker = len(text)
        for _ in range(ANSWERS):
            self.pending += 1
            self._press(EMPTY_LINE)
        return False

    def _paged(self, text: str) -> bool:
        """Whether `text` stops at a new pager prompt; if so, it is answered with a space."""
        assert self.echo_end is not None
        since = self.pagers[-1] + 1 if self.pagers else 0
        match = _PAGER_AT_END.search(text, max(self.echo_end, since, len(text) - _PAGER_TAIL))
        if match is None:
            return False
        self.pagers.append(match.start("pager"))
        self.pending = 0  # a pager takes an empty line sent ahead for "one more line"
        self.marker = None  # the end is asked for again after the last page
        self._press(SPACE)
        return True

    def _confirmed(self, text: str, last: int) -> bool:
        """Whether the last line (a prompt, read after an empty line was sent) answers an
        empty line: the line before it is a prompt too. The output ends at the first of the
        prompts that end the text, at most one per empty line sent back from the last: when
        the answers to several empty lines arrive together, all of them follow the output."""
        found = None
        line = last
        for _ in range(self.pending):
            found = self._prompt_before(text, line)
            if found is None:
                return False  # not every empty line is answered yet
            line = found[0]
        if found is None:
            return False
        self.end, self.prompt = found
        return True

    def _prompt_before(self, text: str, line: int) -> tuple[int, str] | None:
        """The prompt line just before the line that starts at `line`, with exactly one line
        end between them: (where it starts, the prompt); None if there is none."""
        assert self.echo_end is not None
        gap = line
        while gap > self.echo_end and text[gap - 1] in "\r\n":
            gap -= 1
        if normalise_line_ends(text[gap:line]) != "\n":
            return None
        start = _line_start(text, gap, max(self.echo_end - 1, gap - _PROMPT_TAIL))
        prompt = None if start is None else text[start:gap].strip()
        if start is None or prompt is None or prompt not in self.prompts:
            return None
        return start, prompt

    def output(self, text: str) -> str:
        """The output as if unpaged: between the echo and the prompt line, line ends
        normalised, pager prompts and their erasing (and any other backspace) taken out."""
        assert self.echo_end is not None and self.end is not None
        pieces: list[str] = []
        at = self.echo_end
        for start in self.pagers:
            if at <= start < self.end:
                pieces.append(text[at:start])
                erased = _PAGER_ERASED.match(text, start)
                at = erased.end() if erased else start
        pieces.append(text[at : self.end])
        body = normalise_line_ends("".join(pieces)).replace("\b", "")
        return body.removesuffix("\n")
