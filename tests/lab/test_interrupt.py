"""Ctrl-C and SIGTERM in the middle of a run: what completed is kept, nothing else is.

A real `netaccept run` is signalled while two lab routers have been captured in full and
four slow ones (every command takes seconds) are in the middle of theirs. The completed
routers keep their evidence and certificates and are recorded in the ledger; the slow
ones are listed as not completed, never certified; the run index says interrupted; the
exit code is 2; and the sessions in flight are closed at once, not at their timeouts.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netaccept.inventory import Device, load_inventory
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabFault, LabRouterSpec
from netaccept.lab.zone import lab_zone
from netaccept.report.certificates import new_run_id, reserve_run_dir
from netaccept.run.capture import capture
from netaccept.run.interrupt import StopRequest
from netaccept.session.algorithms import SshAlgorithms
from netaccept.session.captured import DeviceCapture
from netaccept.session.transport import DeviceUnavailable, SessionLost
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, Lab

FAST = ("nyc-gsr-01", "nyc-gsr-02")  # captured in full before the signal
SLOW = ("nyc-gsr-03", "chi-gsr-01", "chi-gsr-02", "chi-xr-01")  # mid-capture at the signal
LATENCY = 2.0  # seconds per command on the slow routers: about 40 s for their 19 commands


# ---------------------------------------------------------------- a real run, signalled


@pytest.fixture(scope="module")
def slow_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    inventory = load_inventory(LAB_INVENTORY)
    credentials = LabCredentials("intr", "intr-password-4711", "intr-secret-4711")
    specs = [
        LabRouterSpec(
            d.name,
            d.platform,
            LAB_RECORDINGS / f"{d.name}.json",
            fault=LabFault("slow", latency=LATENCY) if d.name in SLOW else None,
        )
        for d in inventory.devices
    ]
    with LabProcess(specs, credentials, dns_records=lab_zone(inventory)) as running:
        assert running.dns_port is not None
        known_hosts = running.write_known_hosts(tmp_path_factory.mktemp("ssh") / "known_hosts")
        yield Lab(dict(running.ports), credentials, running.dns_port, known_hosts)


@dataclass
class RunningNetaccept:
    """`netaccept run --debug` in a child process, its stderr read line by line as it comes."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def follow(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def wait_for(self, *needles: str, timeout: float) -> None:
        """Until every needle appears in some line of stderr (the capture log)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not all(any(n in line for line in self.lines) for n in needles):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.proc.poll() is not None:
                    missing = [n for n in needles if not any(n in line for line in self.lines)]
                    raise AssertionError(f"never logged {missing}:\n{''.join(self.lines)[-3000:]}")
                self.changed.wait(min(remaining, 0.5))

    @property
    def stderr(self) -> str:
        with self.changed:
            return "".join(self.lines)


def start_run(lab: Lab, out: Path, *extra: str) -> RunningNetaccept:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment.update(lab.env())
    args = ["run", "--inventory", str(LAB_INVENTORY), "--workers", "6", "--no-progress"]
    args += ["--debug", *lab.args(), "--out", str(out), *extra]
    proc = subprocess.Popen(
        [sys.executable, "-m", "netaccept", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    running = RunningNetaccept(proc)
    threading.Thread(target=running.follow, daemon=True).start()
    return running


@dataclass(frozen=True)
class Interrupted:
    code: int
    seconds_to_exit: float
    stdout: str
    stderr: str
    out: Path

    @property
    def run_dir(self) -> Path:
        runs = [p for p in self.out.iterdir() if p.is_dir()]
        assert len(runs) == 1, runs
        return runs[0]

    def run_json(self) -> dict[str, object]:
        data: dict[str, object] = json.loads((self.run_dir / "run.json").read_text())
        return data


@pytest.fixture(scope="module", params=[signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def interrupted(
    request: pytest.FixtureRequest, slow_lab: Lab, tmp_path_factory: pytest.TempPathFactory
) -> Interrupted:
    out = tmp_path_factory.mktemp("reports")
    running = start_run(slow_lab, out)
    try:
        # Evidence of progress, not a guessed delay: the fast routers are captured in full
        # and every slow one has its session open and is working through its commands.
        running.wait_for(
            *(f"{name}: captured" for name in FAST),
            *(f"{name}: session open" for name in SLOW),
            timeout=90,
        )
        signalled = time.monotonic()
        running.proc.send_signal(request.param)
        stdout, _ = running.proc.communicate(timeout=60)
        seconds = time.monotonic() - signalled
    finally:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.communicate()
    return Interrupted(running.proc.returncode, seconds, stdout, running.stderr, out)


@pytest.mark.lab
def test_an_interrupted_run_exits_2_promptly(interrupted: Interrupted) -> None:
    assert interrupted.code == 2, interrupted.stderr[-3000:]
    # The slow routers' commands take LATENCY s each, 19 of them: closing their sessions
    # must not wait for the command in flight, let alone for the timeouts.
    assert interrupted.seconds_to_exit < 15, interrupted.seconds_to_exit
    assert "Traceback" not in interrupted.stdout + interrupted.stderr


@pytest.mark.lab
def test_completed_routers_keep_evidence_and_certificates(interrupted: Interrupted) -> None:
    run_dir = interrupted.run_dir
    for name in FAST:
        cert = json.loads((run_dir / name / "certificate.json").read_text())
        assert cert["scope"] == "full"
        assert cert["verdict"] in ("pass", "fail")
        assert (run_dir / name / "certificate.html").is_file()
        assert (run_dir / name / "certificate.xml").is_file()
        evidence = list((run_dir / name / "evidence").iterdir())
        assert len(evidence) == len(cert["evidence"]) > 10


@pytest.mark.lab
def test_routers_in_flight_are_listed_as_not_completed_never_certified(
    interrupted: Interrupted,
) -> None:
    run = interrupted.run_json()
    signal_name = run["interrupted_by"]
    assert run["interrupted"] is True and run["complete"] is False
    assert run["verdict"] == "incomplete"
    assert [d["name"] for d in run["devices"]] == list(FAST)  # type: ignore[attr-defined]
    not_completed = {n["name"]: n["reason"] for n in run["not_completed"]}  # type: ignore[attr-defined]
    assert set(not_completed) == set(SLOW)
    for name, reason in not_completed.items():
        assert f"interrupted ({signal_name})" in reason and "not completed" in reason
        assert not (interrupted.run_dir / name).exists()
    assert "INTERRUPTED" in interrupted.stdout
    assert all(name in interrupted.stdout for name in SLOW)


@pytest.mark.lab
def test_the_run_index_html_says_interrupted(interrupted: Interrupted) -> None:
    html = (interrupted.run_dir / "index.html").read_text()
    signal_name = interrupted.run_json()["interrupted_by"]
    assert 'id="run-interrupted"' in html
    assert f"Interrupted ({signal_name}): this run is incomplete." in html
    assert 'data-verdict="incomplete"' in html
    for name in SLOW:
        assert f'<li data-device="{name}">' in html
    # The unfinished devices count: six devices, two passed, four incomplete.
    total, unfinished = len(FAST) + len(SLOW), len(SLOW)
    assert f"<dt>Devices</dt><dd>{total}</dd>" in html
    assert f"<dt>Incomplete</dt><dd>{unfinished}</dd>" in html
    assert f"{len(FAST)} of {total} devices passed; {unfinished} incomplete." in html


@pytest.mark.lab
def test_the_ledger_records_only_the_completed_routers(interrupted: Interrupted) -> None:
    run_id = interrupted.run_dir.name
    with sqlite3.connect(interrupted.out / "ledger.sqlite") as db:
        runs = db.execute("SELECT run_id FROM runs").fetchall()
        devices = db.execute("SELECT device FROM devices WHERE run_id = ?", (run_id,)).fetchall()
        ports = db.execute("SELECT DISTINCT device FROM port_results").fetchall()
    assert runs == [(run_id,)]
    assert sorted(d for (d,) in devices) == sorted(FAST)
    assert {d for (d,) in ports} <= set(FAST)


@pytest.mark.lab
def test_no_temporary_file_is_left_behind(interrupted: Interrupted) -> None:
    assert not [p for p in interrupted.out.rglob("*") if p.name.endswith((".tmp", ".partial"))]


# ---------------------------------------------------------------- capture, without a lab


def device(name: str) -> Device:
    return load_inventory(LAB_INVENTORY).device(name)


class BlockingSession:
    """Answers at once until `block_from`, then blocks in `run` until it is closed."""

    host_key: str | None = None
    host_key_check: str | None = None
    algorithms: SshAlgorithms | None = None

    def __init__(self, block_from: int, sent: list[str]) -> None:
        self._block_from = block_from
        self._sent = sent
        self._closed = threading.Event()
        self.closed_at: float | None = None

    def run(self, command: str) -> str:
        self._sent.append(command)
        if len(self._sent) >= self._block_from:
            self._closed.wait(30)
            raise SessionLost("the router closed the session")
        return "ok"

    def close(self) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()
        self._closed.set()


class FakeTransport:
    name = "ssh"

    def __init__(self, block_from: dict[str, int]) -> None:
        self.block_from = block_from
        self.sent: dict[str, list[str]] = {}
        self.sessions: dict[str, BlockingSession] = {}

    def open(self, device: Device) -> BlockingSession:
        sent = self.sent.setdefault(device.name, [])
        session = BlockingSession(self.block_from.get(device.name, 10**6), sent)
        self.sessions[device.name] = session
        return session


COMMANDS = [f"show version {n}" for n in range(8)]


def run_capture_then_stop(
    transport: FakeTransport, names: Sequence[str], workers: int
) -> tuple[dict[str, DeviceCapture], float]:
    """Capture `names`; request a stop once every device is either done or blocked."""
    stop = StopRequest()
    plan = [(device(name), COMMANDS) for name in names]
    stopped_at: list[float] = []

    def stop_when_stuck() -> None:
        while len(transport.sessions) < min(workers, len(names)):
            time.sleep(0.01)
        time.sleep(0.2)
        stopped_at.append(time.monotonic())
        stop.request("SIGINT")

    threading.Thread(target=stop_when_stuck, daemon=True).start()
    result = capture(plan, transport, workers=workers, stop=stop)
    return result, stopped_at[0]


def test_a_stop_closes_the_sessions_in_flight_and_sends_nothing_more() -> None:
    transport = FakeTransport({"chi-gsr-01": 3})
    started = time.monotonic()
    result, stopped_at = run_capture_then_stop(transport, ["nyc-gsr-01", "chi-gsr-01"], 2)
    assert time.monotonic() - started < 5  # not the session's 30 s
    assert result["nyc-gsr-01"].complete and not result["nyc-gsr-01"].unavailable
    assert len(result["nyc-gsr-01"].evidence) == len(COMMANDS)
    stuck = result["chi-gsr-01"]
    assert not stuck.complete
    assert stuck.interrupted is not None
    assert "interrupted (SIGINT) after 2 of 8" in stuck.interrupted
    assert transport.sent["chi-gsr-01"] == COMMANDS[:3]  # the third was in flight; no fourth
    closed_at = transport.sessions["chi-gsr-01"].closed_at
    assert closed_at is not None and closed_at - stopped_at < 1.0


def test_devices_not_yet_started_at_the_stop_are_interrupted_not_connected() -> None:
    names = ["nyc-gsr-01", "nyc-gsr-02", "chi-gsr-01"]
    transport = FakeTransport(dict.fromkeys(names, 2))
    result, _ = run_capture_then_stop(transport, names, 1)
    assert list(result) == names  # every device of the plan, in its order
    assert set(transport.sessions) == {"nyc-gsr-01"}  # the others were never opened
    assert all(not cap.complete for cap in result.values())
    assert result["chi-gsr-01"].interrupted is not None
    assert "before its capture finished" in result["chi-gsr-01"].interrupted
    assert "interrupted" in result["chi-gsr-01"].reason_missing("show version 0")


# ---------------------------------------------------------------- run directories


def test_two_runs_started_in_the_same_second_get_two_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    draws = iter(["aaaaaa", "aaaaaa", "bbbbbb"])  # the second run first draws the same id
    monkeypatch.setattr("netaccept.report.certificates.secrets.token_hex", lambda _n: next(draws))
    first = reserve_run_dir(tmp_path, frozen, new_run_id(frozen))
    (first / "run.json").write_text("first")
    second = reserve_run_dir(tmp_path, frozen, new_run_id(frozen))
    assert first.name == "20261122T100000Z-aaaaaa"
    assert second.name == "20261122T100000Z-bbbbbb"
    assert (first / "run.json").read_text() == "first"


def test_concurrent_replays_into_one_reports_directory_both_survive(tmp_path: Path) -> None:
    recording = LAB_RECORDINGS
    out = tmp_path / "reports"
    args = [sys.executable, "-m", "netaccept", "run", "--inventory", str(LAB_INVENTORY)]
    args += ["--replay", str(recording), "--no-progress", "--out", str(out)]
    args += ["--device", "nyc-gsr-01", "--check", "ios_version"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    procs = [
        subprocess.Popen(args, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), proc.returncode
    runs = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(runs) == 3
    for run in runs:
        assert json.loads((run / "run.json").read_text())["run"]["id"] == run.name


# ---------------------------------------------------------------- the signal handler

HANDLER_PROGRAM = """
import sys, time
from netaccept.run.interrupt import SignalStop, StopRequest
stop = StopRequest()
SignalStop(stop).install()
print("ready", flush=True)
while not stop:
    time.sleep(0.01)
print("stop requested by", stop.reason, flush=True)
time.sleep(60)  # the reports being written: a second signal must not wait for this
print("not aborted", flush=True)
"""


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_second_signal_aborts_at_once_with_exit_code_2(number: signal.Signals) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HANDLER_PROGRAM],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(number)
    assert proc.stdout.readline().strip() == f"stop requested by {number.name}"
    started = time.monotonic()
    proc.send_signal(number)
    stdout, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 2
    assert time.monotonic() - started < 5
    assert "not aborted" not in stdout
    assert f"{number.name} again: aborted at once" in stderr


@pytest.mark.parametrize("allowed", [1, 0])
def test_a_system_that_refuses_more_threads_still_captures_every_device(
    monkeypatch: pytest.MonkeyPatch, allowed: int
) -> None:
    # A container's thread limit (ulimit -u, pids.max) can refuse a worker thread: the
    # workers that did start (or the capture's own thread) capture every device, and the
    # run never waits forever.
    started = threading.Thread.start
    workers = [f"netaccept-capture-{n}" for n in range(allowed)]

    def refuse_after_the_first(self: threading.Thread) -> None:
        # (the capture's own watching thread is "netaccept-capture", without a number)
        if self.name.startswith("netaccept-capture-") and self.name not in workers:
            raise RuntimeError("can't start new thread")
        started(self)

    monkeypatch.setattr(threading.Thread, "start", refuse_after_the_first)
    transport = FakeTransport({})
    names = ["nyc-gsr-01", "nyc-gsr-02", "chi-gsr-01"]
    result = capture([(device(name), COMMANDS) for name in names], transport, workers=3)
    assert list(result) == names
    assert all(cap.complete and len(cap.evidence) == len(COMMANDS) for cap in result.values())


def test_a_device_waiting_for_a_login_slot_is_never_connected_after_a_stop() -> None:
    # Every slot is taken (logins=1, held here): the session waits for one. Once the run
    # is stopped it gives up at once, without connecting, and the device is interrupted.
    from netaccept.session import transport as ssh

    stopped = threading.Event()
    gate = ssh.LoginGate(1, stopped.is_set)
    held = gate.semaphore.acquire()
    assert held
    threading.Timer(0.2, stopped.set).start()
    started = time.monotonic()
    with pytest.raises(ssh.DeviceUnavailable, match="stopped before its login"), gate:
        pytest.fail("the slot was given after the stop")
    assert time.monotonic() - started < 1.0


class FailingAfterStop(FakeTransport):
    """A login that fails because the run was stopped while it was in progress."""

    def __init__(self, stop: StopRequest) -> None:
        super().__init__({})
        self.stop = stop

    def open(self, device: Device) -> BlockingSession:
        self.stop.request("SIGINT")
        raise DeviceUnavailable(f"{device.name}: the router closed the connection")


def test_a_login_that_fails_after_the_stop_is_interrupted_not_unavailable() -> None:
    stop = StopRequest()
    result = capture(
        [(device("nyc-gsr-01"), COMMANDS)], FailingAfterStop(stop), workers=1, stop=stop
    )
    cap = result["nyc-gsr-01"]
    assert cap.unavailable is None and not cap.complete
    assert cap.interrupted is not None and "interrupted (SIGINT)" in cap.interrupted
