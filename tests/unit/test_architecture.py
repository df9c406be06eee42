"""The layout's rules that import contracts cannot state: a platform is one place.

`make lint` (import-linter) keeps the layers; this keeps every platform-specific decision
inside `netaccept/platforms/`: no module outside it compares anything with a platform's
name, so adding a platform never means finding an `if ... else` whose `else` means IOS.
"""

from __future__ import annotations

import ast

from netaccept.core.catalogue import PLATFORM_NAMES
from tests.conftest import ROOT

ENGINE = ROOT / "netaccept"


def branches_on_platform(source: str) -> list[int]:
    """The lines that compare something with a platform's name (==, !=, in, match case)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare | ast.match_case) and any(
            isinstance(c, ast.Constant) and c.value in PLATFORM_NAMES for c in ast.walk(node)
        ):
            lines.append(node.lineno if isinstance(node, ast.Compare) else node.pattern.lineno)
    return lines


def test_no_module_outside_platforms_branches_on_a_platform_name() -> None:
    modules = [p for p in ENGINE.rglob("*.py") if "platforms" not in p.relative_to(ENGINE).parts]
    assert len(modules) > 40
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        for line in branches_on_platform(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_scan_finds_each_kind_of_branch() -> None:
    # The rule above would pass on anything if the scan found nothing: it finds each form.
    source = (
        "def f(p: str) -> int:\n"
        '    if p == "cisco_xr":\n'
        "        return 1\n"
        '    if p in ("cisco_ios", "x"):\n'
        "        return 2\n"
        "    match p:\n"
        '        case "cisco_ios":\n'
        "            return 3\n"
        "    return 0\n"
    )
    assert branches_on_platform(source) == [2, 4, 7]
