"""What is wrong with an inventory, said the way an engineer fixes it: `FILE:LINE: FIELD: what`.

A `Problem` is one such line; an `InventoryError` carries all of a file's problems at once.
Fields are named as dotted paths (`devices[0].bgp.neighbors[1].remote_as`), a misspelt key or
value gets a "did you mean" with the nearest valid one, and pydantic's messages are reworded
for someone editing YAML rather than Python.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an inventory, located as precisely as the file allows."""

    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        # One line per problem, whatever names from the file the message quotes.
        message = _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], self.message)
        return f"{where}: {self.field}: {message}"


_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class InventoryError(Exception):
    """The inventory cannot be used; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _dotted(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
            continue
        # A key that is not a plain word is quoted, so that FILE:LINE: FIELD: stays readable.
        name = part if isinstance(part, str) and _PLAIN_KEY.fullmatch(part) else repr(part)
        name = name.replace(":", "\\x3a")
        text += f".{name}" if text else name
    return text or "(top level)"


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def _suggest(word: str, choices: Iterator[str] | Sequence[str] | set[str]) -> str:
    """` (did you mean 'x'?)` for the valid choice nearest to a misspelt `word`, else ''."""
    options = [c for c in choices if isinstance(c, str)]
    # Typing slips first (a letter dropped, doubled, swapped or wrong): difflib's ratio
    # misses them in short words ('iis' for 'isis').
    scored = sorted((_edits(word.lower(), c.lower()), c) for c in options)
    if scored and scored[0][0] <= max(1, min(len(word), len(scored[0][1])) // 3):
        return f" (did you mean {scored[0][1]!r}?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _edits(a: str, b: str) -> int:
    """Letters inserted, deleted, replaced or swapped with a neighbour to turn `a` into `b`."""
    if abs(len(a) - len(b)) > 3:
        return 4
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The field names valid where the unknown key at `loc` was found (`loc` ends with it)."""
    annotation: Any = model
    for part in loc[:-1]:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """`Bgp` for `Bgp | None` or `Annotated[Bgp, ...]`."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (types.UnionType, typing.Union) and len(args) == 1:
            annotation = args[0]
            continue
        return annotation


def _pydantic_message(error: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        loc = tuple(error["loc"])
        choices = _fields_at(model, loc) if model is not None and loc else []
        return "unknown field" + (_suggest(str(loc[-1]), choices) if choices else "")
    if error["type"] == "missing":
        return "required field is missing (set it on the device, its site or group, or defaults)"
    if error["type"] in ("literal_error", "enum") and "ctx" in error:
        expected = re.findall(r"'([^']*)'", str(error["ctx"].get("expected", "")))
        return f"{message} (got {error['input']!r})" + _suggest(str(error["input"]), expected)
    if error["type"] == "string_pattern_mismatch":
        return f"{error['input']!r} is not a valid value here"
    return message.removeprefix("Value error, ")
