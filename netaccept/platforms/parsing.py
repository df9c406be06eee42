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

from netaccept.core.paths import project_dir
from netaccept.platforms.accounting import TABLES, account
from netaccept.platforms.errors import ParseError

__all__ = ["MAX_LINE", "ParseError", "Row", "Template", "parse", "read", "rejection", "template"]

Row = dict[str, Any]

_XR_TIMESTAMP = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ [\d:.]+ \S+$")
# C0 controls but tab, line ends and form feed (IOS-XR pages some tables), DEL, and U+FFFD
# (what undecodable bytes become): no show command prints them; they are line noise, and a
# template silently skips the line they spoil.
_NOISE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_HEX = re.compile(r"[0-9A-F]+")  # key and certificate data inside a configuration
_REJECTED = re.compile(
    r"^\s*% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command|"
    r"Bad IP address|Permission denied|This command is not authorized).*$",
    re.M,
)


MAX_LINE = 1024
"""The longest line a template is given (real show output stays under 600 characters)."""


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
    if "%" not in output:  # every rejection starts with one: most outputs skip the search
        return None
    match = _REJECTED.search(output)
    return match.group(0).strip() if match else None


def _refuse_noise(output: str, command: str) -> None:
    noise = _NOISE.search(output)
    if noise:
        line = output.count("\n", 0, noise.start()) + 1
        raise ParseError(
            f"the output of {command!r} holds binary noise ({noise.group()!r} on line {line}): "
            "it is damaged, not what the router prints"
        )


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
    _refuse_noise(output, command)
    if not output.strip() or (empty_ok and not has_content(output)):
        # No output at all is a lost answer, which must not read as "no neighbours" or "no
        # such interface" (IOS-XR's answer of a lone timestamp is an answer: no entries).
        # An empty log buffer still comes with its header.
        raise ParseError(f"{command!r} printed nothing")
    longest = max(output.splitlines(), key=len, default="")
    if len(longest) > MAX_LINE:
        # Some templates' expressions backtrack in cubic time on a long line: 500 digits
        # take half a second, 2,000 half a minute. No show command prints such lines.
        raise ParseError(
            f"the output of {command!r} has a line of {len(longest)} characters "
            f"(more than {MAX_LINE}): it is damaged, not what the router prints"
        )
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
    table = TABLES.get(ref)
    if table is not None:
        account(table, ref, output, rows, command)
    return rows


def read(reader: str, output: str, command: str, empty_ok: bool = False) -> Any:
    """Read `output` with `reader`: a TextFSM template, or `config` for a configuration."""
    if reader != "config":
        return parse(reader, output, command, empty_ok)
    refused = rejection(output)
    if refused:
        raise ParseError(f"the router rejected {command!r}: {refused}")
    _refuse_noise(output, command)
    from netaccept.platforms.config import parse_config

    config = parse_config(output)
    if not config.lines:
        raise ParseError(f"{command!r} printed no configuration")
    for line in config.walk():
        keyword = line.text.split(maxsplit=1)[0]
        if keyword != keyword.lower() and not _HEX.fullmatch(keyword):
            # Every configuration line starts with a lower-case command (key and certificate
            # data aside): `EXEC-TIMEOUT 0 0` is damage, and unread it would fall back to the
            # default, which may pass where the real line fails.
            raise ParseError(
                f"line {line.number} of the output of {command!r} does not start with a "
                f"command ({line.text[:60]!r}): the output is damaged"
            )
    tail = [line.strip() for line in output.splitlines() if line.strip()]
    if tail[-1] != "end":
        # Both platforms close the configuration with `end`: without it the output was cut
        # short, and a missing line reads as a default that may pass.
        raise ParseError(f"the output of {command!r} stops before the configuration's 'end'")
    return config
