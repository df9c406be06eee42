"""Reading an inventory file: its bytes, as UTF-8 text, as YAML with the line of every value.

The result is a `_Document`: the file's values, the line each location in it (`Loc`, the keys
and indexes from the top) starts on, and the problems found so far, which every later step of
loading adds to. A file that cannot be read, decoded or parsed stops here with one problem.
YAML is parsed defensively: nesting and alias expansion are bounded, so a hostile file is an
error message, not a crashed or exhausted process.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netaccept.inventory.errors import InventoryError, Problem, _dotted

Loc = tuple[str | int, ...]


@dataclass
class _Document:
    """An inventory file's values, the line of each location in them, and what is wrong so far."""

    file: Path
    data: Any
    lines: dict[Loc, int]
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, else of its nearest enclosing location that has one, else 1."""
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def problem(self, loc: Loc, message: str, field: str | None = None) -> Problem:
        """A problem at `loc`, named by `field` or else by the dotted `loc`."""
        return Problem(self.file, self.line_of(loc), field or _dotted(loc), message)

    def report(self, loc: Loc, message: str, field: str | None = None) -> None:
        """Add a problem at `loc` to the document's problems."""
        self.problems.append(self.problem(loc, message, field))


def _read_document(file: Path) -> _Document:
    """Read and parse `file`; raise InventoryError if it is not readable UTF-8 YAML.

    Duplicate keys do not stop the reading: they are the document's first problems.
    """
    text = _read_text(file)
    lines: dict[Loc, int] = {}
    raw_problems: list[str] = []
    try:
        data = _parse(text, lines, raw_problems)
    except yaml.YAMLError as exc:
        line = min(_yaml_line(exc, text), len(text.splitlines()) or 1)
        raise InventoryError([Problem(file, line, "(YAML)", _yaml_reason(exc))]) from None
    except _TooBig as exc:
        raise InventoryError([Problem(file, exc.line, "(YAML)", exc.message)]) from None
    problems = [
        Problem(file, int(ln), fld, msg) for ln, fld, msg in (p.split("\t") for p in raw_problems)
    ]
    return _Document(file, data, lines, problems)


def _read_text(file: Path) -> str:
    """The text of `file`; raise InventoryError if it cannot be read or is not UTF-8."""
    try:
        raw_bytes = file.read_bytes()
    except FileNotFoundError:
        raise InventoryError([Problem(file, None, "(file)", "no such file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InventoryError([Problem(file, None, "(file)", f"cannot read it: {reason}")]) from None
    try:
        return raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise InventoryError(
            [
                Problem(
                    file,
                    line,
                    "(file)",
                    f"not UTF-8 text: byte {raw_bytes[exc.start]:#04x} at offset {exc.start}; "
                    "save the inventory as UTF-8",
                )
            ]
        ) from None


# An inventory is a handful of levels deep. libyaml's C composer recurses once per level and
# overflows the C stack (a segmentation fault, not an exception) some 20,000 levels down:
# a text that could nest that deep has its depth measured on the event stream (produced
# without recursion) before it is composed. Aliases share nodes, so a few lines of anchors
# can stand for billions of values ("billion laughs"): the walk in `_lines` counts them.
_MAX_DEPTH = 64
_MAX_VALUES = 200_000  # a 500-router inventory holds some 50,000
_SAFE_TO_COMPOSE = 5_000  # levels libyaml composes without any risk to the stack
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TooBig(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _too_deep(line: int) -> _TooBig:
    return _TooBig(line, f"nested more than {_MAX_DEPTH} levels deep; an inventory needs a few")


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth of `text`, computed without parsing it.

    Flow collections need one bracket per level. A block collection nested in another is
    indented further, except a sequence in a mapping (same column: hence the factor 2) and
    the compact forms (`- - a`, `- a: b`, `? x`) whose indicators sit on the same line.
    """
    flow = text.count("[") + text.count("{")
    block = 0
    for line in text.splitlines():
        body = line.lstrip(" ")
        indicators = body.count("-") + body.count(":") + body.count("?")
        block = max(block, 2 * (len(line) - len(body) + 1) + indicators)
    return flow + block + 2


def _check_depth(text: str) -> None:
    """Raise _TooBig if `text` nests too deep to compose safely; free for ordinary files."""
    if _depth_bound(text) <= _SAFE_TO_COMPOSE:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                raise _too_deep(event.start_mark.line + 1 if event.start_mark else 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _lines(node: yaml.Node, loc: Loc, out: dict[Loc, int], problems: list[str]) -> None:
    """Map every location in the document to its line; note duplicate keys."""
    visits = 0
    stack: list[tuple[yaml.Node, Loc, int]] = [(node, loc, 0)]
    while stack:
        node, loc, depth = stack.pop()
        line = node.start_mark.line + 1
        visits += 1
        if visits > _MAX_VALUES:
            raise _TooBig(
                line,
                f"its aliases expand to more than {_MAX_VALUES:,} values; "
                "repeat less through anchors (&) and aliases (*)",
            )
        if depth > _MAX_DEPTH:
            raise _too_deep(line)
        out.setdefault(loc, line)
        children: list[tuple[yaml.Node, Loc, int]] = []
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                key_line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    where = _dotted(loc + (key,))
                    problems.append(
                        f"{key_line}\t{where}\tduplicate key (first at line {seen[key]})"
                    )
                seen[key] = key_line
                out[loc + (key,)] = key_line
                children.append((value_node, loc + (key,), depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                out[loc + (index,)] = item.start_mark.line + 1
                children.append((item, loc + (index,), depth + 1))
        stack.extend(reversed(children))


def _parse(text: str, lines: dict[Loc, int], problems: list[str]) -> Any:
    """Parse `text` once: map its lines (into `lines`), then construct its values."""
    _check_depth(text)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # the pure-Python composer, when libyaml is missing
            raise _too_deep(1) from None
        if node is None:
            return None
        _lines(node, (), lines, problems)  # before construction, which flattens merge keys
        return _construct(loader, node)
    finally:
        loader.dispose()


def _construct(loader: Any, node: yaml.Node) -> Any:
    """Python values from the composed `node` (merge keys applied, aliases shared)."""
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError) as exc:
        # A scalar that resolves to a type it cannot be, e.g. the timestamp 2001-02-30.
        bad = _bad_scalar(loader, node)
        line = bad.start_mark.line + 1 if bad else node.start_mark.line + 1
        value = f" {bad.value!r}" if bad else ""
        raise _TooBig(line, f"not valid YAML: cannot read the value{value}: {exc}") from None


def _bad_scalar(loader: Any, node: yaml.Node) -> yaml.ScalarNode | None:
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return current
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def _yaml_line(exc: yaml.YAMLError, text: str) -> int:
    for attr in ("problem_mark", "context_mark"):
        mark = getattr(exc, attr, None)
        if mark is not None:
            return int(mark.line) + 1
    position = getattr(exc, "position", None)  # a ReaderError: a character YAML forbids
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1
    return 1


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return (
            f"not valid YAML: the character {char!r} ({ord(char[:1] or ' '):#04x}) is not allowed"
        )
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    return f"not valid YAML: {reason}" + (f" ({context})" if context else "")
