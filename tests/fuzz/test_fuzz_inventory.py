"""Fuzzing the inventory loader: whatever the file holds, the answer is a readable problem.

Thousands of broken inventories, made by mutating the lab's own `inventory/lab.yaml` line by
line and by hypothesis. For every one: `load_inventory` either loads it or raises
`InventoryError` (never anything else), and every problem reads `FILE:LINE: FIELD: MESSAGE`
with a line inside the file. A misspelt key is answered with the nearest valid key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from netaccept.inventory import Inventory, InventoryError, load_inventory
from tests.conftest import LAB_INVENTORY

LAB_TEXT = LAB_INVENTORY.read_text(encoding="utf-8")
LAB_LINES = LAB_TEXT.splitlines(keepends=True)
LAB_DATA: dict[str, Any] = yaml.safe_load(LAB_TEXT)

# Values of the wrong type, or of the right type and a wrong value, for any field.
WRONG_VALUES = (
    "[]", "{}", "null", "true", "-1", "0", "99999999999999999999999999999999", "1e400", ".nan",
    "'x; reload'", '"a\\nb"', "[1, [2, {3: 4}]]", "{a: 1}", "2001-02-30", "!!binary AAAA",
    "*nowhere", "'", "[", "&anchor", "@", "\u00e9\u00e8\u202e", "'" + "9" * 5000 + "'",
)  # fmt: skip

KEY_LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[a-z_]+):(?P<rest>.*)$")
PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>[^:\n]+): (?P<message>\S.*)$")


def load_text(tmp_path: Path, content: str | bytes) -> Inventory | InventoryError:
    """Load `content` as an inventory; the only exception allowed through is InventoryError."""
    path = tmp_path / "inventory.yaml"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    try:
        return load_inventory(path)
    except InventoryError as exc:
        assert_readable(exc, path, content)
        return exc


def assert_readable(exc: InventoryError, path: Path, content: str | bytes) -> None:
    """Every problem is one line `FILE:LINE: FIELD: MESSAGE`, the line inside the file."""
    assert exc.problems, "an InventoryError must say what is wrong"
    text = str(exc)
    lines = text.splitlines()
    assert len(lines) == len(exc.problems), text
    text_of = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    last = len(text_of.splitlines()) + 1  # YAML's line breaks are a subset of these
    for line, problem in zip(lines, exc.problems, strict=True):
        match = PROBLEM_LINE.match(line)
        assert match, f"not FILE:LINE: FIELD: MESSAGE: {line!r}"
        assert match["file"] == str(path)
        assert problem.line is not None and 1 <= problem.line <= last, line
        assert "Traceback" not in line and "pydantic.dev" not in line


def unknown_key_message(result: Inventory | InventoryError, key: str) -> bool:
    return isinstance(result, InventoryError) and any(
        f"did you mean {key!r}" in p.message for p in result.problems
    )


# ---------------------------------------------------------------- systematic mutations


def key_lines() -> list[tuple[int, re.Match[str]]]:
    found = []
    for number, line in enumerate(LAB_LINES):
        match = KEY_LINE.match(line.rstrip("\n"))
        if match and not line.lstrip().startswith("#"):
            found.append((number, match))
    return found


def with_line(number: int, replacement: str) -> str:
    return "".join(LAB_LINES[:number]) + replacement + "".join(LAB_LINES[number + 1 :])


def value_mutations() -> Iterator[tuple[int, str]]:
    """Every `key: value` line of the lab inventory with wrong values, each value many times."""
    for number, match in key_lines():
        for step in range(PER_LINE):
            value = WRONG_VALUES[(number * PER_LINE + step) % len(WRONG_VALUES)]
            yield number, with_line(number, f"{match['indent']}{match['key']}: {value}\n")


PER_LINE = 8


def test_every_field_with_every_wrong_value_is_a_readable_problem(tmp_path: Path) -> None:
    cases = failed = 0
    for _number, text in value_mutations():
        cases += 1
        failed += isinstance(load_text(tmp_path, text), InventoryError)
    assert cases > 1000
    assert failed > cases * 0.9, "most wrong values must be refused"


def typos(key: str) -> list[str]:
    """A dropped letter, two letters swapped, a doubled letter: misspellings close to `key`."""
    out = {key[:i] + key[i + 1 :] for i in range(1, len(key))}
    out |= {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(1, len(key) - 1)}
    out |= {key[: i + 1] + key[i] + key[i + 1 :] for i in range(1, len(key))}
    return sorted(t for t in out if t != key and len(t) > 2)


def test_a_misspelt_key_anywhere_suggests_the_key_it_resembles(tmp_path: Path) -> None:
    cases = 0
    siblings = _siblings()
    for number, match in key_lines():
        key = match["key"]
        if len(key) < 4 or number not in siblings:
            continue
        # Only typos that are not themselves another valid key at that level.
        candidates = [t for t in typos(key) if t not in siblings[number]][:3]
        for typo in candidates:
            cases += 1
            text = with_line(number, f"{match['indent']}{typo}:{match['rest']}\n")
            result = load_text(tmp_path, text)
            assert isinstance(result, InventoryError), typo
            problem = next(
                (p for p in result.problems if p.line == number + 1 and "unknown" in p.message),
                None,
            )
            assert problem is not None, (typo, str(result))
            suggestion = re.search(r"did you mean '([^']+)'", problem.message)
            assert suggestion, problem
            # The nearest valid key: the original, unless a valid key is closer still.
            assert suggestion[1] in siblings[number], problem
    assert cases > 300


def _siblings() -> dict[int, set[str]]:
    """For each line holding a key: the keys valid at that place, from the models."""
    from netaccept.inventory import Contract, Device, Lab, Settings, Site, _fields_at

    sections: dict[str, type[BaseModel]] = {
        "settings": Settings,
        "lab": Lab,
        "contract": Contract,
    }
    out: dict[int, set[str]] = {}
    node = yaml.compose(LAB_TEXT)
    assert node is not None

    def walk(n: yaml.Node, loc: tuple[Any, ...]) -> None:
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                here = (*loc, k.value)
                valid = _valid_at(here)
                if valid:  # the first key of a line is the one the line is about
                    out.setdefault(k.start_mark.line, valid)
                walk(v, here)
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, (*loc, i))

    def _valid_at(loc: tuple[Any, ...]) -> set[str]:
        top = loc[0]
        if len(loc) == 1:
            return {"defaults", "groups", "sites", "devices", "settings", "lab", "contract"}
        if top in sections:
            return set(_fields_at(sections[top], loc[1:]))
        if top == "sites" and len(loc) == 3:
            return set(Site.model_fields)
        if top == "devices" and len(loc) >= 3:
            return set(_fields_at(Device, loc[2:]))
        if top == "defaults":
            return set(_fields_at(Device, loc[1:]))
        if top == "groups" and len(loc) >= 3:
            return set(_fields_at(Device, loc[2:]))
        return set()

    walk(node, ())
    return out


LINE_EDITS: dict[str, Callable[[int], str]] = {
    "dropped": lambda n: "".join(LAB_LINES[:n] + LAB_LINES[n + 1 :]),
    "doubled": lambda n: "".join(LAB_LINES[: n + 1] + LAB_LINES[n:]),
    "truncated after": lambda n: "".join(LAB_LINES[:n]),
    "cut mid-line": lambda n: "".join(LAB_LINES[:n]) + LAB_LINES[n][: len(LAB_LINES[n]) // 2],
    "tab-indented": lambda n: with_line(n, "\t" + LAB_LINES[n]),
    "dedented": lambda n: with_line(n, LAB_LINES[n].lstrip(" ")),
    "indented": lambda n: with_line(n, "   " + LAB_LINES[n]),
    "NUL": lambda n: with_line(n, LAB_LINES[n][:3] + "\x00" + LAB_LINES[n][3:]),
    "quote": lambda n: with_line(n, LAB_LINES[n].rstrip("\n") + ' "\n'),
    "control": lambda n: with_line(n, LAB_LINES[n][:2] + "\x1b[2J" + LAB_LINES[n][2:]),
}


@pytest.mark.parametrize("edit", list(LINE_EDITS))
def test_every_line_dropped_doubled_cut_or_garbled_is_a_readable_problem(
    tmp_path: Path, edit: str
) -> None:
    # Each edit on every other line, the edits taking turns: every line gets five of them.
    offset = list(LINE_EDITS).index(edit) % 2
    for number in range(offset, len(LAB_LINES), 2):
        load_text(tmp_path, LINE_EDITS[edit](number))


def test_a_byte_that_is_not_utf8_on_any_line_is_reported_at_that_line(tmp_path: Path) -> None:
    raw = LAB_TEXT.encode("utf-8")
    starts = [0] + [i + 1 for i, b in enumerate(raw) if b == 0x0A][:-1]
    for number, start in enumerate(starts):
        for bad in [(b"\xff", b"\xc3", b"\xe9t\xe9")[number % 3]]:
            result = load_text(tmp_path, raw[:start] + bad + raw[start:])
            assert isinstance(result, InventoryError)
            assert result.problems[0].line == number + 1
            assert "UTF-8" in result.problems[0].message


def test_a_device_listed_twice_is_reported_at_the_second_with_the_first(tmp_path: Path) -> None:
    names = [d["name"] for d in LAB_DATA["devices"]]
    for first in names:
        for second in names:
            if first == second:
                continue
            text = LAB_TEXT.replace(f"- name: {second}", f"- name: {first}")
            result = load_text(tmp_path, text)
            assert isinstance(result, InventoryError)
            assert any(f"duplicate device name {first!r}" in p.message for p in result.problems)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)

DOCUMENTS = {
    "empty": "",
    "blank lines": "\n\n\n",
    "comment only": "# nothing\n",
    "a scalar": "42\n",
    "a list": "- a\n- b\n",
    "null": "~\n",
    "two documents": LAB_TEXT + "\n---\n" + LAB_TEXT,
    "document end": "...\n",
    "byte order mark": "\ufeff" + LAB_TEXT,
    "CRLF": LAB_TEXT.replace("\n", "\r\n"),
    "flow nesting": "devices: " + "[" * 100_000,
    "block nesting": "devices:\n" + "".join(" " * i + "- \n" for i in range(300)),
    "compact nesting": "devices: " + "- " * 50_000 + "x\n",
    "mapping nesting": "".join("  " * i + f"k{i}:\n" for i in range(200)),
    "alias bomb": BOMB,
    "alias bomb in devices": BOMB + "devices: *i\n",
    "self alias": "a: &a [*a]\n",
    "undefined alias": "devices: *nowhere\n",
    "merge of a scalar": "defaults: &d 1\ndevices:\n  - <<: *d\n",
    "merge key": LAB_TEXT.replace("defaults:\n", "defaults: &d\n") + "extra:\n  <<: *d\n",
    "python tag": "devices: !!python/object/apply:os.system [ls]\n",
    "unknown tag": "devices: !custom [1]\n",
    "binary tag": "devices: !!binary '@@@'\n",
    "set": "devices: !!set {a, b}\n",
    "omap": "devices: !!omap [a: 1, b: 2]\n",
    "complex key": "? [a, b]\n: c\n",
    "huge int": "settings: {workers: " + "9" * 10_000 + "}\n" + LAB_TEXT.split("settings:")[0],
    "huge line": "devices: [" + "a" * 1_000_000 + "]\n",
    "many devices": "devices:\n" + "  - {name: r}\n" * 5_000,
    "directive": "%YAML 9.9\n---\n" + LAB_TEXT,
    "bad timestamp": "settings: {workers: 2001-02-30}\n",
    "bad timestamp as key": "2001-13-45: x\n",
    "key with a colon": '"a: b": 1\n' + LAB_TEXT,
    "key with a newline": '"a\\nb": 1\n' + LAB_TEXT,
    "device name with a colon": LAB_TEXT.replace("- name: nyc-gsr-01", "- name: 'nyc:gsr'"),
    "tabs": LAB_TEXT.replace("  ", "\t"),
    "bell": "devices: \x07\n",
    "surrogate": 'devices: "\\ud800"\n',
    "description format attribute": LAB_TEXT.replace("{order} {customer}", "{order.upper}"),
    "description format index": LAB_TEXT.replace("{order} {customer}", "{order[x]}"),
    "description format nested": LAB_TEXT.replace("{order} {customer}", "{order:{speed}}"),
    "settings zero": LAB_TEXT.replace("  workers: 16", "  workers: 0").replace(
        "settings:\n  workers: 0", "settings: 0"
    ),
    "settings empty list": LAB_TEXT.replace("settings:\n  workers: 16", "settings: []"),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_odd_documents_are_a_readable_problem_or_load(tmp_path: Path, name: str) -> None:
    result = load_text(tmp_path, DOCUMENTS[name])
    if name not in ("byte order mark", "CRLF", "directive"):
        assert isinstance(result, InventoryError), name


def test_the_lab_inventory_itself_loads(tmp_path: Path) -> None:
    assert isinstance(load_text(tmp_path, LAB_TEXT), Inventory)


def test_a_settings_section_of_the_wrong_type_is_refused_even_when_falsy(tmp_path: Path) -> None:
    result = load_text(tmp_path, DOCUMENTS["settings empty list"])
    assert isinstance(result, InventoryError)
    assert any(p.field.startswith("settings") for p in result.problems)


def test_an_unknown_nested_key_suggests_from_its_own_section(tmp_path: Path) -> None:
    text = LAB_TEXT.replace(
        "    neighbors:\n        - {address: 10.200.0.2",
        "    neigbors:\n        - {address: 10.200.0.2",
    )
    result = load_text(tmp_path, text)
    assert isinstance(result, InventoryError)
    assert unknown_key_message(result, "neighbors"), str(result)


def test_an_unknown_check_in_not_applicable_suggests_the_check(tmp_path: Path) -> None:
    text = LAB_TEXT.replace(
        "  - name: nyc-gsr-01\n", "  - name: nyc-gsr-01\n    not_applicable: {rpms_tst: x}\n"
    )
    result = load_text(tmp_path, text)
    assert isinstance(result, InventoryError)
    assert any("did you mean 'rpms_test'" in p.message for p in result.problems), str(result)


# ---------------------------------------------------------------- hypothesis

SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["cisco_ios", "cisco_xr", "NYC1", "10.0.0.1", "Loopback0", "gsr-ios"])
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
PATHS: list[tuple[Any, ...]] = [
    *(
        ("settings",), ("settings", "workers"), ("lab",), ("contract", "provider"), ("defaults",),
        ("defaults", "dns"), ("defaults", "dns", "servers"), ("defaults", "rpms", "probes"),
        ("defaults", "vty", "permitted_prefixes"), ("groups",), ("groups", "gsr-ios"),
        ("groups", "gsr-ios", "software"), ("sites",), ("sites", "NYC1"), ("devices",),
        ("devices", 0), ("devices", 0, "name"), ("devices", 0, "host"), ("devices", 0, "port"),
        ("devices", 0, "bgp", "neighbors"), ("devices", 0, "isis", "neighbors", 0),
        ("devices", 0, "ports", 0, "interface"), ("devices", 1, "site"), ("devices", 1, "groups"),
    )
]  # fmt: skip


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data.get(head), rest, value)}
    if isinstance(data, list) and isinstance(head, int) and head < len(data):
        return [*data[:head], _replace(data[head], rest, value), *data[head + 1 :]]
    return data


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
HYPOTHESIS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI cannot pass by luck
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Sections whose keys are all field names (not free names such as sites' or groups').
FIELD_SECTIONS: list[tuple[Any, ...]] = [
    ("settings",), ("lab",), ("contract",), ("defaults",), ("defaults", "dns"),
    ("groups", "gsr-ios"), ("groups", "gsr-ios", "software"), ("sites", "NYC1"), ("devices", 0),
]  # fmt: skip


@HYPOTHESIS
@given(path=st.sampled_from(PATHS), value=VALUES)
def test_any_value_anywhere_is_loaded_or_a_readable_problem(
    tmp_path: Path, path: tuple[Any, ...], value: Any
) -> None:
    data = _replace(LAB_DATA, path, value)
    load_text(tmp_path, dump(data))


@HYPOTHESIS
@given(key=st.text(max_size=20).map(lambda k: "zz" + k), where=st.sampled_from(FIELD_SECTIONS))
def test_any_extra_key_anywhere_is_refused_readably(
    tmp_path: Path, key: str, where: tuple[Any, ...]
) -> None:
    data = _replace(LAB_DATA, (*where, key), "x")
    assert data != LAB_DATA, where  # the key really went in
    assert isinstance(load_text(tmp_path, dump(data)), InventoryError), (where, key)


@HYPOTHESIS
@given(text=st.text(max_size=400))
def test_any_text_is_loaded_or_a_readable_problem(tmp_path: Path, text: str) -> None:
    load_text(tmp_path, text)


@HYPOTHESIS
@given(blob=st.binary(max_size=400), at=st.integers(min_value=0, max_value=len(LAB_TEXT)))
def test_any_bytes_spliced_into_the_lab_inventory_are_a_readable_problem(
    tmp_path: Path, blob: bytes, at: int
) -> None:
    raw = LAB_TEXT.encode("utf-8")
    load_text(tmp_path, raw[:at] + blob + raw[at:])
