"""Config: a small hierarchical parser for Cisco IOS and IOS-XR running configurations.

`parse_config` turns the output of `show running-config` into a tree of frozen `Line`s,
nested by indentation, for checks that must look inside sections (`router isis CORE` /
`interface X` / `address-family ipv4 unicast`). Checks search it with `re.match` patterns.

Why not ciscoconfparse2 (0.9.18, evaluated from its wheel and PyPI metadata): it is
GPL-3.0-only while this project is Apache-2.0; it brings 13 runtime dependencies (attrs,
loguru, traitlets, typeguard, pyparsing, passlib, hier-config, dnspython, ...), several pinned
exactly, among them `hypothesis==6.152.7`, which clashes with our dev pin; and its wheel
installs a top-level `tests` package that shadows ours. Its objects are mutable editing
handles without a `py.typed` marker, where the facts layer wants typed frozen values, and its
~26,000 lines decide for us how IOS-XR `!` closers, `exit-*` lines and banners are read. This
module is small enough to read in one sitting and states those rules itself:

- a line deeper than the one before is its child; a shallower line closes sections (any
  consistent indent works; a tab counts as 8 columns);
- skipped: blank lines, every line starting with `!` at any indent (closers, `! ` comments,
  `!! IOS XR Configuration ...`), `end`, the IOS-XR timestamp, `Building configuration...`,
  `Current configuration : N bytes` and `Configuration of Partition - ...` headers;
- `exit`, `exit-address-family` and the other `exit-*` lines are skipped and close the open
  sections at their own indent or deeper (IOS prints them level with the section they close);
- a top-level `banner TYPE D` is one `Line` whose text is the whole banner up to the closing
  delimiter `D` (IOS prints Ctrl-C as the two characters `^C`), so banner content never
  reads as configuration. A banner that is never closed runs to the end of the text: the
  output was cut short, and reading its remainder as configuration could let a check pass
  on text that is only a banner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_XR_TIMESTAMP = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ [\d:.]+ \S+$")
_HEADER = re.compile(
    r"^(Building configuration\.\.\.|Current configuration ?: ?\d+ bytes"
    r"|Configuration of Partition - .*|end)$"
)
_EXIT = re.compile(r"^exit(-[a-z-]+)?$")
_FLAT_OPENER = re.compile(r"^(address-family|template peer-(session|policy)) ")
_BANNER_TYPES = r"(?:exec|incoming|login|motd|prompt-timeout|slip-ppp|config-save)"
# The lookahead keeps a bare `banner motd` from being read as a banner delimited by `m`.
_BANNER = re.compile(
    rf"^banner(?: +{_BANNER_TYPES})? +(?!{_BANNER_TYPES}\b)(?P<delim>\^C|\S)(?P<rest>.*)$"
)


@dataclass(frozen=True)
class Line:
    """One configuration line and the lines nested under it."""

    text: str
    number: int
    children: tuple[Line, ...] = field(default=(), repr=False)

    def find(self, pattern: str) -> list[Line]:
        """Direct children whose text matches `pattern` at its start."""
        match = re.compile(pattern).match
        return [child for child in self.children if match(child.text)]

    def first(self, pattern: str) -> Line | None:
        match = re.compile(pattern).match
        return next((child for child in self.children if match(child.text)), None)

    def match(self, pattern: str) -> re.Match[str] | None:
        return re.match(pattern, self.text)

    def walk(self) -> Iterator[Line]:
        """Every descendant, depth first, in the order of the output."""
        # Iterative so that absurdly deep indentation cannot exhaust the recursion limit.
        stack = list(reversed(self.children))
        while stack:
            line = stack.pop()
            yield line
            stack.extend(reversed(line.children))


@dataclass(frozen=True)
class Config:
    """A parsed running configuration: its top-level lines."""

    lines: tuple[Line, ...]

    def find(self, pattern: str) -> list[Line]:
        """Top-level lines whose text matches `pattern` at its start."""
        match = re.compile(pattern).match
        return [line for line in self.lines if match(line.text)]

    def first(self, pattern: str) -> Line | None:
        match = re.compile(pattern).match
        return next((line for line in self.lines if match(line.text)), None)

    def walk(self) -> Iterator[Line]:
        """Every line at any depth, in the order of the output."""
        for line in self.lines:
            yield line
            yield from line.walk()

    def find_all(self, pattern: str) -> list[Line]:
        """Lines at any depth whose text matches `pattern` at its start."""
        match = re.compile(pattern).match
        return [line for line in self.walk() if match(line.text)]

    def section_text(self, line: Line) -> str:
        """`line` and its descendants, one space of indent per level, for messages and evidence."""
        out = [line.text]
        stack = [(child, 1) for child in reversed(line.children)]
        while stack:
            child, depth = stack.pop()
            out.append(" " * depth + child.text)
            stack.extend((grandchild, depth + 1) for grandchild in reversed(child.children))
        return "\n".join(out)


@dataclass
class _Entry:
    """A meaningful line of the output: depth is twice its indent, odd once moved under an
    IOS 12 flat block opener (see `_nest_flat_blocks`)."""

    depth: int
    text: str
    number: int


@dataclass
class _Open:
    """A section still open while building the tree: its line and the children closed so far."""

    depth: int
    text: str
    number: int
    children: list[Line] = field(default_factory=list)


def _indent(raw: str) -> int:
    prefix = raw[: len(raw) - len(raw.lstrip())]
    return len(prefix.expandtabs(8))


def _skipped(text: str, indent: int) -> bool:
    if not text or text.startswith("!"):
        return True
    return indent == 0 and bool(_HEADER.match(text) or _XR_TIMESTAMP.match(text))


def _banner_end(raws: list[str], start: int, delim: str, rest: str) -> int:
    """Index of the banner's last raw line (the one holding the closing delimiter)."""
    if delim in rest:
        return start
    for index in range(start + 1, len(raws)):
        if delim in raws[index]:
            return index
    return len(raws) - 1


def _entries(text: str) -> list[_Entry]:
    """The meaningful lines, `exit*` lines included, each banner folded into one entry."""
    raws = [raw.rstrip() for raw in text.split("\n")]
    entries: list[_Entry] = []
    index = 0
    while index < len(raws):
        raw = raws[index]
        indent = _indent(raw)
        stripped = raw.strip()
        banner = _BANNER.match(stripped) if indent == 0 else None
        if banner:
            last = _banner_end(raws, index, banner["delim"], banner["rest"])
            entries.append(_Entry(0, "\n".join(raws[index : last + 1]), index + 1))
            index = last + 1
            continue
        if not _skipped(stripped, indent):
            entries.append(_Entry(2 * indent, stripped, index + 1))
        index += 1
    return entries


def _nest_flat_blocks(entries: list[_Entry]) -> None:
    """Move the lines of an IOS 12 flat block under its opener.

    IOS 12 prints the lines of `address-family vpnv4` at the opener's own indent and ends the
    block with `exit-address-family` at that indent too; only the closer shows the nesting.
    """
    for index, opener in enumerate(entries):
        if not _FLAT_OPENER.match(opener.text):
            continue
        end = index + 1
        while end < len(entries) and entries[end].depth >= opener.depth:
            if entries[end].depth == opener.depth and (
                _EXIT.match(entries[end].text) or _FLAT_OPENER.match(entries[end].text)
            ):
                break
            end += 1
        closed = end < len(entries) and entries[end].depth == opener.depth
        if not closed or not _EXIT.match(entries[end].text) or end == index + 1:
            continue
        if entries[index + 1].depth != opener.depth:
            continue  # already indented (IOS 12.4 and later): indentation says it all
        for entry in entries[index + 1 : end]:
            entry.depth += 1


def parse_config(text: str) -> Config:
    """Parse a `show running-config` output of IOS or IOS-XR into a tree of lines."""
    entries = _entries(text)
    _nest_flat_blocks(entries)
    roots: list[Line] = []
    stack: list[_Open] = []

    def close_to(depth: int) -> None:
        # Sections are frozen as they close, when all their children are known.
        while stack and stack[-1].depth >= depth:
            done = stack.pop()
            line = Line(done.text, done.number, tuple(done.children))
            (stack[-1].children if stack else roots).append(line)

    for entry in entries:
        close_to(entry.depth)
        if not _EXIT.match(entry.text):
            stack.append(_Open(entry.depth, entry.text, entry.number))
    close_to(0)
    return Config(tuple(roots))
