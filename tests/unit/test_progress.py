"""The capture progress display (issue 14): a device that captured nothing shows no full bar."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from netaccept.inventory import load_inventory
from netaccept.run import terminal
from tests.conftest import LAB_INVENTORY


def test_a_failed_device_shows_what_it_captured_and_the_run_still_ends_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(
        terminal,
        "Console",
        lambda **_: Console(file=screen, force_terminal=True, width=120, color_system=None),
    )
    devices = load_inventory(LAB_INVENTORY).devices[:2]
    plan = [(d, [f"show {n}" for n in range(10)]) for d in devices]
    with terminal.capture_progress(plan, enabled=True, transport="ssh") as update:
        assert update is not None
        update(devices[0].name, "start", 0)
        update(devices[0].name, "failed", 0)  # refused: no command captured
        update(devices[1].name, "start", 0)
        for n in range(1, 11):
            update(devices[1].name, "command", n)
        update(devices[1].name, "done", 10)
    last = screen.getvalue().rsplit("Capturing 2 devices", 1)[1].splitlines()
    overall, failed, completed = last[0], last[1], last[2]
    assert overall.split()[-2] == "10/10"  # the run ends full: it waits for no lost command
    assert failed.split()[1:3] == ["0/10", "failed"]  # not a full bar: nothing was captured
    assert completed.split()[-3:-1] == ["10/10", "done"]
