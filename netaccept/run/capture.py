"""Capture: run every command each device needs, once, concurrently across devices.

The commands come from the selected checks; the outputs become evidence. A device that
cannot be reached, or a command that fails, is recorded with its reason so that the
checks which needed it become `error` with that reason, never `pass`.

A stop request (Ctrl-C, SIGTERM) is honoured between commands: no new session or command
is started, the sessions in flight are closed (which ends a read at once rather than at
its timeout), and every device that did not finish is marked interrupted, never complete.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from netaccept.core.evidence import Evidence, utc_now
from netaccept.inventory import CredentialsMissing, Device
from netaccept.run.interrupt import StopRequest
from netaccept.session.captured import DeviceCapture
from netaccept.session.commands import ForbiddenCommand, ensure_read_only
from netaccept.session.masking import mask_secrets
from netaccept.session.transport import (
    CommandFailed,
    DeviceUnavailable,
    Session,
    SessionLost,
    Transport,
)

ProgressCallback = Callable[[str, str, int], None]
"""Called as (device name, event, commands done): events are start, command, done, failed,
interrupted."""

log = logging.getLogger(__name__)

# After a stop request, how long the sessions in flight get to notice that they were closed.
STOP_GRACE_S = 2.0


class _Stopped(Exception):
    """The run was asked to stop: no further command on this device."""

    def __init__(self, tried: int) -> None:
        super().__init__(tried)
        self.tried = tried  # commands run before the stop


class LiveSessions:
    """The sessions open right now, so that a stop request can close them from outside."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[Session] = set()

    def add(self, session: Session) -> None:
        with self._lock:
            self._open.add(session)

    def discard(self, session: Session) -> None:
        with self._lock:
            self._open.discard(session)

    def close_all(self) -> int:
        """Close every open session (a blocked read then ends at once); return how many."""
        with self._lock:
            sessions = list(self._open)
            self._open.clear()  # closed once: the next call closes only sessions opened since
        for session in sessions:
            with contextlib.suppress(Exception):  # best effort: the session may be half gone
                session.close()
        return len(sessions)


def capture_device(
    device: Device,
    commands: Sequence[str],
    transport: Transport,
    progress: ProgressCallback | None = None,
    *,
    stop: StopRequest | None = None,
    live: LiveSessions | None = None,
) -> DeviceCapture:
    """Run `commands` on `device` in order over one session, until `stop` is requested."""
    stop = stop if stop is not None else StopRequest()
    result = DeviceCapture(device, transport.name, utc_now())
    notify = progress or (lambda _name, _event, _done: None)
    notify(device.name, "start", 0)
    runnable = _screen(commands, result)
    session: Session | None = None
    tried = 0
    try:
        if stop:
            raise _Stopped(0)
        log.debug("%s: opening a session to %s:%d", device.name, device.host, device.port)
        session = transport.open(device)
        log.info("%s: session open, %d commands to run", device.name, len(runnable))
        if live is not None:
            live.add(session)
        result.host_key = session.host_key
        result.host_key_check = session.host_key_check
        result.algorithms = session.algorithms
        tried = _run_commands(session, runnable, result, notify, stop)
    except _Stopped as stopped:
        tried = stopped.tried
        result.interrupted = _interrupted(
            device, stop, f"after {tried} of {len(runnable)} commands"
        )
        notify(device.name, "interrupted", tried)
        log.info("%s", result.interrupted)
    except (DeviceUnavailable, CredentialsMissing) as exc:
        if stop:  # its login was cut short, or never began: the stop's doing, not the router's
            result.interrupted = _interrupted(device, stop, "before its session was open")
            notify(device.name, "interrupted", 0)
            log.info("%s (%s)", result.interrupted, exc)
        else:
            result.unavailable = str(exc)
            notify(device.name, "failed", 0)
            log.info("%s", result.unavailable)
    except Exception as exc:  # a transport bug must not take the other devices down with it
        result.unavailable = (
            f"{device.name} ({device.host}:{device.port}): internal error while capturing: "
            f"{type(exc).__name__}: {exc}; please report it with this message"
        )
        notify(device.name, "failed", 0)
    finally:
        if session is not None:
            session.close()
            if live is not None:
                live.discard(session)
        result.finished = utc_now()
    return result


def _screen(commands: Sequence[str], result: DeviceCapture) -> list[str]:
    """The commands that may be sent; the others are failures before anything is attempted."""
    for command in commands:  # nothing unsafe may even be attempted
        try:
            ensure_read_only(command)
        except ForbiddenCommand as exc:
            result.failures[command] = str(exc)
    return [c for c in commands if c not in result.failures]


def _run_commands(
    session: Session,
    runnable: Sequence[str],
    result: DeviceCapture,
    notify: ProgressCallback,
    stop: StopRequest,
) -> int:
    """Run `runnable` in order over `session`; the number tried (raises _Stopped on a stop)."""
    device = result.device
    tried = 0
    for done, command in enumerate(runnable, start=1):
        if stop:
            raise _Stopped(tried)
        try:
            output = session.run(command)
        except CommandFailed as exc:
            result.failures[command] = str(exc)
        except SessionLost as exc:
            if stop:  # closed by the stop request, not lost
                raise _Stopped(tried) from None
            for rest in runnable[done - 1 :]:
                result.failures[rest] = f"{device.name} ({device.host}:{device.port}): {exc}"
            notify(device.name, "failed", done)
            return tried
        else:
            # Secrets are masked before the output is stored, shown or hashed: the
            # masked text is the evidence.
            result.evidence[command] = Evidence.of(command, mask_secrets(output))
        tried = done
        notify(device.name, "command", done)
    notify(device.name, "done", len(runnable))
    log.info("%s: captured, %d commands", device.name, len(runnable))
    return tried


def _interrupted(device: Device, stop: StopRequest, where: str) -> str:
    return (
        f"{device.name} ({device.host}:{device.port}): not completed: the run was interrupted "
        f"({stop.reason}) {where}; run it again to certify this device"
    )


class Capture:
    """Every device of a plan captured in the background, each device available when done.

    At most `workers` sessions are open at once (the transport bounds its own logins, see
    `SshTransport`). `start()` returns at once; `result(name)` waits for one device and
    `results()` for all of them, in the plan's order. Once `stop` is requested no device is
    started, the open sessions are closed, and after at most `grace` seconds every device
    that did not finish is marked interrupted. The workers are daemon threads, so one stuck
    in a connect cannot hold the process after the run.
    """

    def __init__(
        self,
        plan: Sequence[tuple[Device, Sequence[str]]],
        transport: Transport,
        *,
        workers: int,
        progress: ProgressCallback | None = None,
        stop: StopRequest | None = None,
        grace: float = STOP_GRACE_S,
    ) -> None:
        self.plan = list(plan)
        self.transport = transport
        self.workers = max(1, min(workers, len(self.plan)))
        self.progress = progress
        self.stop = stop if stop is not None else StopRequest()
        self.grace = grace
        self._live = LiveSessions()
        self._waiting = deque(self.plan)
        self._lock = threading.Lock()
        self._results: dict[str, DeviceCapture] = {}
        self._ready = {device.name: threading.Event() for device, _commands in self.plan}
        self._running = 0
        self._all_done = threading.Event()
        self._finished = threading.Event()  # every device has its result, interrupted or not
        # time.monotonic() when the capture started and when its last device was done.
        self.started_at: float | None = None
        self.finished_at: float | None = None

    def start(self) -> Capture:
        """Start the workers and the thread that watches for a stop request; return at once."""
        self.started_at = time.monotonic()
        if not self.plan:
            self.finished_at = self.started_at
            self._finished.set()
            return self
        self._running = self.workers
        # The workers are started from the watching thread: `Thread.start` waits for the new
        # thread to run, and with hundreds of sessions busy that is milliseconds each, which
        # the caller (deciding the devices captured so far) should not wait for.
        threading.Thread(target=self._watch, name="netaccept-capture", daemon=True).start()
        return self

    def result(self, name: str) -> DeviceCapture:
        """The capture of device `name`, once it is complete or interrupted."""
        ready = self._ready[name]
        # Polled, not waited on forever: the main thread must stay responsive to signals.
        while not ready.wait(0.1):
            pass
        with self._lock:
            return self._results[name]

    def results(self) -> dict[str, DeviceCapture]:
        """Every device's capture, in the plan's order, once all are complete or interrupted."""
        while not self._finished.wait(0.1):
            pass
        with self._lock:
            return {device.name: self._results[device.name] for device, _ in self.plan}

    def _work(self) -> None:
        try:
            while True:
                with self._lock:
                    if self.stop or not self._waiting:
                        return
                    device, commands = self._waiting.popleft()
                try:
                    result = capture_device(
                        device,
                        commands,
                        self.transport,
                        self.progress,
                        stop=self.stop,
                        live=self._live,
                    )
                except Exception as exc:  # a worker must always report its device
                    result = DeviceCapture(device, self.transport.name, utc_now(), utc_now())
                    result.unavailable = (
                        f"{device.name}: internal error while capturing: "
                        f"{type(exc).__name__}: {exc}; please report it with this message"
                    )
                self._publish(result)
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    self._all_done.set()

    def _publish(self, result: DeviceCapture) -> None:
        name = result.device.name
        with self._lock:
            if name in self._results:  # marked interrupted after the grace: that stands
                return
            self._results[name] = result
        self._ready[name].set()

    def _watch(self) -> None:
        """Wait for the workers; on a stop request close the sessions in flight, and after
        the grace mark every device without a result interrupted."""
        for number in range(self.workers):
            refused = None
            if not self.stop:
                try:
                    threading.Thread(
                        target=self._work, name=f"netaccept-capture-{number}", daemon=True
                    ).start()
                    continue
                except RuntimeError as exc:  # a thread limit (ulimit -u, a container's pids)
                    refused = exc
            # The workers not started are not needed (a stop), or cannot be had: those that
            # run take the whole plan; without any, this thread captures it itself.
            if refused is not None:
                log.warning("%d capture threads of %d: %s", number, self.workers, refused)
            with self._lock:
                self._running -= self.workers - number
                if number == 0 and refused is not None:
                    self._running += 1
                if self._running == 0:
                    self._all_done.set()
            if number == 0 and refused is not None:
                self._work()
            break
        while not self._all_done.wait(0.1):
            if self.stop:
                log.info("stop requested (%s): closing the sessions in flight", self.stop.reason)
                deadline = time.monotonic() + self.grace
                while not self._all_done.wait(0.05) and time.monotonic() < deadline:
                    self._live.close_all()  # again: a session may have opened in the meantime
                break
        notify = self.progress or (lambda _name, _event, _done: None)
        for device, _commands in self.plan:
            with self._lock:
                missing = device.name not in self._results
                if missing:  # never started, or still connecting when the grace ran out
                    now = utc_now()
                    result = DeviceCapture(device, self.transport.name, now, now)
                    result.interrupted = _interrupted(
                        device, self.stop, "before its capture finished"
                    )
                    self._results[device.name] = result
            if missing:
                self._ready[device.name].set()  # first: the display must not hold up a result
                with contextlib.suppress(Exception):
                    notify(device.name, "interrupted", 0)
        self.finished_at = time.monotonic()
        self._finished.set()


def capture(
    plan: Sequence[tuple[Device, Sequence[str]]],
    transport: Transport,
    *,
    workers: int,
    progress: ProgressCallback | None = None,
    stop: StopRequest | None = None,
    grace: float = STOP_GRACE_S,
) -> dict[str, DeviceCapture]:
    """Capture every device's commands with at most `workers` sessions open at once, and
    return when all are captured or interrupted (see `Capture`)."""
    return (
        Capture(plan, transport, workers=workers, progress=progress, stop=stop, grace=grace)
        .start()
        .results()
    )
