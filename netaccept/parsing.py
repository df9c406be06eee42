"""Parsing: TextFSM with the template chosen explicitly for each (platform, command).

Templates are named, never guessed from the command text: netmiko's `use_textfsm` index
lookup picks wrong templates by prefix (IOS-XR `show bgp summary` lands on the BGP table
template) and lets `TextFSMError` escape. A template reference is `ntc:<name>` for one
shipped by ntc-templates, or `own:<name>` for one of this project's `templates/textfsm/`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import textfsm

from netaccept.paths import project_dir

Row = dict[str, Any]

_XR_TIMESTAMP = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ [\d:.]+ \S+$")
_REJECTED = re.compile(
    r"^\s*% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command|"
    r"Bad IP address|Permission denied|This command is not authorized).*$",
    re.M,
)


class ParseError(Exception):
    """The output could not be turned into facts; the checks that needed it cannot decide."""


@dataclass(frozen=True)
class Template:
    """A TextFSM template file and where it comes from."""

    ref: str
    path: Path

    @property
    def source(self) -> str:
        return "ntc-templates" if self.ref.startswith("ntc:") else "netaccept"


def _ntc_dir() -> Path:
    import ntc_templates

    return Path(ntc_templates.__file__).resolve().parent / "templates"


@cache
def template(ref: str) -> Template:
    """Resolve `ntc:NAME` or `own:NAME` to its file; an unknown reference is a programming error."""
    kind, _, name = ref.partition(":")
    if kind == "ntc":
        path = _ntc_dir() / f"{name}.textfsm"
    elif kind == "own":
        path = project_dir("templates") / "textfsm" / f"{name}.textfsm"
    else:
        raise ValueError(f"template reference {ref!r} must start with 'ntc:' or 'own:'")
    if not path.is_file():
        raise ValueError(f"template {ref!r} not found at {path}")
    return Template(ref, path)


_compiled: dict[str, textfsm.TextFSM] = {}
_lock = threading.Lock()


def _fsm(ref: str) -> textfsm.TextFSM:
    # Each template is compiled once; the FSM is reset before every use.
    fsm = _compiled.get(ref)
    if fsm is None:
        with template(ref).path.open(encoding="utf-8") as handle:
            fsm = textfsm.TextFSM(handle)
        _compiled[ref] = fsm
    return fsm


def rejection(output: str) -> str | None:
    """The router's error line if the output is a CLI rejection rather than a result."""
    match = _REJECTED.search(output)
    return match.group(0).strip() if match else None


def has_content(output: str) -> bool:
    """True when the output says something beyond blank lines and an IOS-XR timestamp."""
    return any(
        line.strip() and not _XR_TIMESTAMP.match(line.strip()) for line in output.splitlines()
    )


def parse(ref: str, output: str, command: str, empty_ok: bool = False) -> list[Row]:
    """Rows parsed from `output` by the template `ref`.

    Raises ParseError when the router rejected the command, when the template raises,
    and when a non-empty output yields no row at all (the template did not recognise it).
    """
    refused = rejection(output)
    if refused:
        raise ParseError(f"the router rejected {command!r}: {refused}")
    with _lock:
        fsm = _fsm(ref)
        fsm.Reset()
        try:
            rows: list[Row] = fsm.ParseTextToDicts(output)
        except textfsm.TextFSMError as exc:
            raise ParseError(
                f"template {ref} could not parse the output of {command!r}: {exc}"
            ) from None
    if not rows and has_content(output) and not empty_ok:
        raise ParseError(
            f"template {ref} found nothing in the {len(output.splitlines())}-line output of "
            f"{command!r}; the output is not in the format the template knows"
        )
    return rows


def read(reader: str, output: str, command: str, empty_ok: bool = False) -> Any:
    """Read `output` with `reader`: a TextFSM template, or `config` for a configuration."""
    if reader != "config":
        return parse(reader, output, command, empty_ok)
    refused = rejection(output)
    if refused:
        raise ParseError(f"the router rejected {command!r}: {refused}")
    from netaccept.config import parse_config

    config = parse_config(output)
    if not config.lines:
        raise ParseError(f"{command!r} printed no configuration")
    return config
