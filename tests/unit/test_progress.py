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


def test_ctrl_c_at_a_terminal_prints_its_notice_above_the_display_once(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import signal

    from netaccept.run.interrupt import SignalStop, StopRequest

    screen = io.StringIO()
    monkeypatch.setattr(
        terminal,
        "Console",
        lambda **_: Console(file=screen, force_terminal=True, width=120, color_system=None),
    )
    devices = load_inventory(LAB_INVENTORY).devices[:1]
    plan = [(d, [f"show {n}" for n in range(4)]) for d in devices]
    stop = StopRequest()
    handler = SignalStop(stop)
    with terminal.capture_progress(plan, enabled=True, transport="ssh") as update:
        assert update is not None
        update(devices[0].name, "command", 1)
        handler._handle(signal.SIGINT, None)  # Ctrl-C, as the signal would call it
        update(devices[0].name, "interrupted", 1)
    assert stop.reason == "SIGINT"
    assert "no new command" not in capfd.readouterr().err  # not written under the display
    shown = screen.getvalue()
    assert shown.count("netaccept: SIGINT: no new command is sent") == 1
    # Printed above the display: the last frame still follows it, whole.
    after = shown.rsplit("no new command is sent", 1)[1]
    assert "1/4 interrupted" in after


def test_without_a_terminal_the_notice_goes_straight_to_stderr(
    capfd: pytest.CaptureFixture[str],
) -> None:
    import signal

    from netaccept.run.interrupt import SignalStop, StopRequest

    SignalStop(StopRequest())._handle(signal.SIGINT, None)
    assert "netaccept: SIGINT: no new command is sent" in capfd.readouterr().err
