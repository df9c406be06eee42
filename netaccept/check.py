"""The `@check` decorator: marks a pytest test function as one Schedule 2 acceptance test.

A check is an ordinary pytest test, parametrized per device by the plugin. It asks for
the facts it needs by naming them as arguments (`software`, `bgp_sessions`, ...), reads
its expected values from `device`, and records findings on `verdict`:

    @check("bgp_neighbors")
    def test_bgp_neighbors(device: Device, bgp_sessions: list[BgpSession], verdict: Verdict):
        ...
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from netaccept.core.catalogue import PlatformName, check_info
from netaccept.platforms.facts import FACTS
from netaccept.platforms.registry import supported

F = TypeVar("F", bound=Callable[..., Any])

MARKER = "netaccept"

IMPLEMENTED: dict[str, Callable[..., Any]] = {}
"""Check id -> its test function, filled as check modules are imported."""


def check(check_id: str) -> Callable[[F], F]:
    """Declare `fn` as the implementation of the Schedule 2 check `check_id`."""
    check_info(check_id)  # an unknown id fails at import, naming the valid ones

    def decorate(fn: F) -> F:
        if not (fn.__doc__ or "").strip():
            raise TypeError(f"check {check_id}: the docstring must quote its Schedule 2 line")
        marked = getattr(pytest.mark, check_id)(pytest.mark.netaccept(check_id)(fn))
        IMPLEMENTED[check_id] = marked
        return marked  # type: ignore[no-any-return]

    return decorate


def facts_used(fn: Callable[..., Any]) -> list[str]:
    """The fact names a check function asks for, in argument order."""
    return [name for name in inspect.signature(fn).parameters if name in FACTS]


def platforms_supported(fn: Callable[..., Any]) -> list[PlatformName]:
    """Platforms on which every fact the check needs has a recipe."""
    return supported(facts_used(fn))


def load_checks() -> dict[str, Callable[..., Any]]:
    """Import every check module of `checks/` (as pytest would) and return the implemented ones."""
    import importlib.util

    from netaccept.core.paths import project_dir

    for module in sorted(project_dir("checks").glob("test_*.py")):
        name = f"netaccept_checks.{module.stem}"
        spec = importlib.util.spec_from_file_location(name, module)
        if spec and spec.loader:
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return dict(IMPLEMENTED)


def uses(fn: Callable[..., Any]) -> list[str]:
    """Every fixture a check asks for beyond `device` and `verdict`."""
    return [n for n in inspect.signature(fn).parameters if n not in ("device", "verdict")]
