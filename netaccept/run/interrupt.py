"""Ctrl-C and SIGTERM in the middle of a run: stop starting work, keep what is done.

The first signal only records the request (one attribute store: safe in a signal handler,
whatever the main thread was doing). Capture checks it before every session and every
command and closes the sessions in flight; the plugin then writes the devices that
completed and marks the run interrupted. A second signal aborts at once, writing nothing
more: every file is written atomically and the ledger in one transaction, so what is on
disk stays consistent.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

from netaccept.core.exitcodes import ExitCode

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Notices:
    """Where the stop notice goes while a live progress display owns the terminal.

    Written straight to standard error, the notice would be drawn over by the display's next
    frame (and could cut a frame in half); while `live`, the handler only leaves it here and
    the display prints it above itself (netaccept.run.terminal).
    """

    def __init__(self) -> None:
        self.live = False
        self.pending: str | None = None

    def take(self) -> str | None:
        notice, self.pending = self.pending, None
        return notice


NOTICES = _Notices()

RUN_GUARDED = threading.Event()
"""Set once a run's signal handlers are in place: a Ctrl-C before then (while netaccept
starts) finds no router contacted and nothing written."""


class StopRequest:
    """Whether, and by which signal, the run was asked to stop. False until requested."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    def __bool__(self) -> bool:
        return self.reason is not None


class SignalStop:
    """While active, SIGINT and SIGTERM request `stop`; the second one exits at once.

    `on_request` runs inside the signal handler (keep it to attribute stores). Only the
    main thread can install signal handlers; elsewhere this does nothing.
    """

    def __init__(
        self,
        stop: StopRequest,
        *,
        on_request: Callable[[str], None] | None = None,
        signals: Sequence[signal.Signals] = STOP_SIGNALS,
    ) -> None:
        self.stop = stop
        self._on_request = on_request
        self._signals = tuple(signals)
        self._previous: dict[signal.Signals, Any] = {}

    @property
    def active(self) -> bool:
        return bool(self._previous)

    def install(self) -> None:
        if self.active or threading.current_thread() is not threading.main_thread():
            return
        for number in self._signals:
            self._previous[number] = signal.signal(number, self._handle)
            RUN_GUARDED.set()

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, number: int, _frame: FrameType | None) -> None:
        name = signal.Signals(number).name
        if self.stop:
            # os.write, not print: a handler may run while the main thread is inside print.
            os.write(2, f"\nnetaccept: {name} again: aborted at once\n".encode())
            os._exit(ExitCode.INTERRUPTED)
        self.stop.request(name)
        notice = (
            f"netaccept: {name}: no new command is sent; the sessions in flight are closed "
            "and the devices that completed are written (again to abort at once)"
        )
        if NOTICES.live:
            NOTICES.pending = notice  # one attribute store: the display prints it
        else:
            os.write(2, f"\n{notice}\n".encode())
        if self._on_request is not None:
            self._on_request(name)
