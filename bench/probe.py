"""Phase timings of one `netaccept run`, loaded into it with PYTEST_PLUGINS=bench.probe.

Writes wall and CPU seconds per phase, and the peak RSS when each ends, to the file named
by $NETACCEPT_BENCH_TIMINGS: collection (which includes start_capture: the commands
planned and the capture started), tests (the devices decided as their captures complete:
facts parsed on demand and verdicts, the checks run as pytest tests), finish (certificates,
evidence, ledger, index; it includes summary, which pytest runs inside its own
sessionfinish) and summary (the console table). The capture itself runs in the background
from start_capture on: its start and end (time.monotonic(), like `tests_end`) are marks.
Its wrappers are the outermost. It only wraps pytest hooks: netaccept runs exactly as it
does without it.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

ENV = "NETACCEPT_BENCH_TIMINGS"
_phases: dict[str, dict[str, float]] = {}
# Wall-clock instants (time.time(), comparable with the parent's): this module loaded (the
# interpreter, netaccept's CLI and pytest have started), configure begun and ended (the
# netaccept plugin loads the inventory there), and unconfigure (after which only the exit).
_marks: dict[str, float] = {"loaded": time.time()}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(name: str) -> Generator[None, Any, Any]:
    wall, cpu = time.perf_counter(), _cpu()
    try:
        return (yield)
    finally:
        phase = _phases.setdefault(name, {"wall": 0.0, "cpu": 0.0})
        phase["wall"] += time.perf_counter() - wall
        phase["cpu"] += _cpu() - cpu
        # Peak RSS so far (MB) when the phase ends: which phase makes the process grow.
        phase["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection(session: pytest.Session) -> Generator[None, Any, Any]:
    return (yield from _timed("collection"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> Generator[None, Any, Any]:
    # netaccept plans the commands here and starts the capture in the background.
    return (yield from _timed("start_capture"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, Any, Any]:
    try:
        return (yield from _timed("tests"))
    finally:
        _marks["tests_end"] = time.monotonic()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> Generator[None, Any, Any]:
    try:
        return (yield from _timed("finish"))
    finally:
        run = session.config.pluginmanager.get_plugin("netaccept-run")
        span = getattr(run, "capture_span", None)
        if span is not None:  # when the capture started and its last device was done
            _marks["capture_start"], _marks["capture_end"] = span


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Generator[None, Any, Any]:
    return (yield from _timed("summary"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _marks["configure"] = time.time()


def pytest_sessionstart(session: pytest.Session) -> None:
    _marks["configured"] = time.time()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    _marks["unconfigure"] = time.time()
    target = os.environ.get(ENV)
    if target:
        Path(target).write_text(json.dumps({**_phases, "marks": _marks}), encoding="utf-8")
