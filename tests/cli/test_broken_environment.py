"""A broken environment is found before any router is contacted.

A `--out` or `--record` that is a file, a `--ledger` that is a directory, not SQLite,
truncated, damaged, another program's database or locked by another process, a read-only
reports directory, a `--junitxml` that is a directory, a `--dns-server` that is no address:
each stops `netaccept run` with exit 4 and a message naming the path, the problem and the
fix. Every router of the inventory points at a trap that counts the connections it is
offered: it must stay untouched (and a run with nothing broken shows that it counts). A
ledger locked by another process is waited for with a message, and Ctrl-C stops the wait.

What needs a real lab (a disk that fills during the run, a lock released during the wait,
a name server on port 53) is in tests/lab/test_results_survive.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from netaccept.inventory import load_inventory
from netaccept.ledger import AcceptanceTerms, Ledger, PortRecord
from tests.conftest import LAB_INVENTORY, ROOT, Result, netaccept

DEVICES = tuple(d.name for d in load_inventory(LAB_INVENTORY).devices)
CREDENTIALS = {
    "NETACCEPT_USERNAME": "trap",
    "NETACCEPT_PASSWORD": "trap-password",
    "NETACCEPT_SECRET": "trap-secret",
}
NOT_TESTED = "nothing was tested: no router was contacted"


# ---------------------------------------------------------------- a router that must not be called


class Trap:
    """One loopback TCP port standing in for every router: counts the connections offered."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.connections = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def args(self, known_hosts: Path) -> list[str]:
        """`netaccept run` options that send every router of the lab inventory here."""
        args = ["--inventory", str(LAB_INVENTORY), "--no-progress"]
        for name in DEVICES:
            args += ["--endpoint", f"{name}=127.0.0.1:{self.port}"]
        return [*args, "--host-key-policy", "strict", "--known-hosts", str(known_hosts)]

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(5)
        self._sock.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    running = Trap()
    yield running
    running.close()


def run_against(trap: Trap, tmp_path: Path, args: Sequence[str], out: Path) -> Result:
    return netaccept(
        "run", *trap.args(tmp_path / "known_hosts"), *args, out=out, env=CREDENTIALS, timeout=120
    )


def run_dirs(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir()) if out.is_dir() else []


def test_the_trap_counts_the_routers_a_run_contacts(trap: Trap, tmp_path: Path) -> None:
    """The control: with nothing broken, the run gets to the routers (and finds no SSH)."""
    result = run_against(trap, tmp_path, [], tmp_path / "reports")
    assert result.code == 6, result.stderr
    assert trap.connections >= len(DEVICES)


# ---------------------------------------------------------------- found before any router


def a_ledger_with_runs(path: Path, runs: int = 40) -> Path:
    """A real ledger holding `runs` runs of one port (large enough to cut or damage)."""
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    with Ledger(path) as book:
        for n in range(runs):
            moment = start + timedelta(hours=n)
            book.record_run(
                f"run-{n:03d}", moment, moment + timedelta(minutes=5), "initial", "J. Doe",
                [("nyc-gsr-01", "NYC1", "fail")],
                [PortRecord("PSO-1", "nyc-gsr-01", "POS4/0", "OC-12", "Example Corp", "fail")],
                AcceptanceTerms(),
            )  # fmt: skip
    return path


def _not_sqlite(tmp: Path) -> tuple[list[str], Path, Path | str]:
    ledger = tmp / "ledger.sqlite"
    ledger.write_bytes(b"this is a certificate, not a database\n" * 300)
    return ["--ledger", str(ledger)], tmp / "reports", ledger


def _truncated(tmp: Path) -> tuple[list[str], Path, Path | str]:
    ledger = a_ledger_with_runs(tmp / "reports" / "ledger.sqlite")
    data = ledger.read_bytes()
    ledger.write_bytes(data[: len(data) // 2])  # the default ledger, OUT/ledger.sqlite
    return [], tmp / "reports", ledger


def _damaged(tmp: Path) -> tuple[list[str], Path, Path | str]:
    ledger = a_ledger_with_runs(tmp / "ledger.sqlite")
    data = bytearray(ledger.read_bytes())
    page = 4096
    last = len(data) // page - 1  # a page of port results, not the schema on page 1
    data[last * page : last * page + page] = b"\xa5" * page
    ledger.write_bytes(bytes(data))
    return ["--ledger", str(ledger)], tmp / "reports", ledger


def _other_database(tmp: Path) -> tuple[list[str], Path, Path | str]:
    ledger = tmp / "inventory.db"
    with sqlite3.connect(ledger) as db:
        db.execute("CREATE TABLE devices (name TEXT)")
    return ["--ledger", str(ledger)], tmp / "reports", ledger


def _ledger_is_a_directory(tmp: Path) -> tuple[list[str], Path, Path | str]:
    ledger = tmp / "ledgers"
    ledger.mkdir()
    return ["--ledger", str(ledger)], tmp / "reports", ledger


def _out_is_a_file(tmp: Path) -> tuple[list[str], Path, Path | str]:
    out = tmp / "reports"
    out.write_text("not a directory\n", encoding="utf-8")
    return [], out, out


def _out_under_a_file(tmp: Path) -> tuple[list[str], Path, Path | str]:
    parent = tmp / "file"
    parent.write_text("not a directory\n", encoding="utf-8")
    return [], parent / "reports", parent


def _record_is_a_file(tmp: Path) -> tuple[list[str], Path, Path | str]:
    record = tmp / "recording"
    record.write_text("not a directory\n", encoding="utf-8")
    return ["--record", str(record)], tmp / "reports", record


def _junitxml_is_a_directory(tmp: Path) -> tuple[list[str], Path, Path | str]:
    junit = tmp / "junit.xml"
    junit.mkdir()
    return ["--junitxml", str(junit)], tmp / "reports", junit


def _dns_server_not_an_address(tmp: Path) -> tuple[list[str], Path, Path | str]:
    return ["--dns-server", "127.0.0.1:domain"], tmp / "reports", "127.0.0.1:domain"


Arrange = Callable[[Path], tuple[list[str], Path, Path | str]]
BROKEN: dict[str, tuple[Arrange, tuple[str, ...]]] = {
    "a ledger that is not SQLite": (
        _not_sqlite,
        ("is not a usable netaccept ledger", "file is not a database", "move it aside"),
    ),
    "a truncated ledger": (
        _truncated, ("is not a usable netaccept ledger", "malformed", "restore it from a backup"),
    ),
    "a damaged ledger": (
        _damaged, ("is not a usable netaccept ledger", "restore it from a backup"),
    ),
    "another program's database as the ledger": (
        _other_database, ("is a SQLite database but not a netaccept ledger", "a new file name"),
    ),
    "a ledger that is a directory": (
        _ledger_is_a_directory, ("--ledger", "is a directory", "give the ledger file's path"),
    ),
    "--out that is a file": (_out_is_a_file, ("--out", "is a file", "give --out a directory")),
    "--out under a file": (_out_under_a_file, ("--out", "Not a directory", "give --out")),
    "--record that is a file": (
        _record_is_a_file, ("--record", "is a file", "give --record a directory"),
    ),
    "--junitxml that is a directory": (
        _junitxml_is_a_directory, ("--junitxml", "is a directory", "give --junitxml a file"),
    ),
    "--dns-server that is no address": (
        _dns_server_not_an_address, ("--dns-server", "127.0.0.1:domain", "HOST[:PORT]"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("broken", BROKEN)
def test_a_broken_output_or_ledger_stops_the_run_before_any_router(
    trap: Trap, tmp_path: Path, broken: str
) -> None:
    arrange, says = BROKEN[broken]
    args, out, named = arrange(tmp_path)  # named: the path (or value) the message must name
    before = named.read_bytes() if isinstance(named, Path) and named.is_file() else None
    result = run_against(trap, tmp_path, args, out)
    message = result.stderr
    assert result.code == 4, (result.stdout, message)
    assert trap.connections == 0
    assert "Traceback" not in message + result.stdout
    assert str(named) in message
    for words in says:
        assert words in message, (words, message)
    assert run_dirs(out) == []
    if isinstance(named, Path) and before is not None:
        assert named.read_bytes() == before  # left exactly as it was


# ---------------------------------------------------------------- a read-only reports directory


def namespaces_unavailable(*flags: str) -> str | None:
    """Why this machine cannot give a child process private namespaces (None: it can)."""
    if shutil.which("unshare") is None:
        return "util-linux `unshare` is not installed"
    command = "mount -t tmpfs -o size=64k tmpfs /mnt" if "--mount" in flags else "true"
    probe = subprocess.run(
        ["unshare", *flags, "sh", "-c", command],
        capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        return f"`unshare {' '.join(flags)}` is not permitted here: {probe.stderr.strip()}"
    return None


def in_private_mount(
    mounts: str, argv: Sequence[str], env: dict[str, str], keep: tuple[Path, Path] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `argv` in a private user and mount namespace after the shell commands `mounts`.

    `keep` (mounted directory, copy): what the private file system holds when `argv` ends is
    copied to a directory everyone sees, since the mount ends with the namespace.
    """
    copy = f'cp -a "{keep[0]}/." "{keep[1]}/"' if keep else "true"
    script = f'{mounts} || exit 90\n"$@"\ncode=$?\n{copy}\nexit $code'
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment.update({**env, "COLUMNS": "200"})
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script, "sh", *argv],
        capture_output=True, text=True, env=environment, stdin=subprocess.DEVNULL,
        timeout=180, cwd=ROOT, check=False,
    )  # fmt: skip


def test_a_read_only_reports_directory_stops_the_run_before_any_router(
    trap: Trap, tmp_path: Path
) -> None:
    reason = namespaces_unavailable("--map-root-user", "--mount")
    if reason:
        pytest.skip(f"a read-only file system needs a private mount namespace: {reason}")
    out = tmp_path / "reports"
    out.mkdir()
    argv = [sys.executable, "-m", "netaccept", "run", *trap.args(tmp_path / "known_hosts")]
    result = in_private_mount(
        f'mount -t tmpfs -o ro,size=64k tmpfs "{out}"', [*argv, "--out", str(out)], CREDENTIALS
    )
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert trap.connections == 0
    assert "Traceback" not in result.stderr + result.stdout
    assert f"--out {out}" in result.stderr
    assert "Read-only file system" in result.stderr
    assert "give --out a directory you can write" in result.stderr


# ---------------------------------------------------------------- a ledger locked by another

HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()  # until the test lets go
db.execute("ROLLBACK")
"""


@dataclass
class LockHolder:
    """Another process holding the ledger's write lock until `release`."""

    proc: subprocess.Popen[str]

    @classmethod
    def start(cls, ledger: Path) -> LockHolder:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(ledger)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        return cls(proc)

    def release(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
            if self.proc.stdout is not None:
                self.proc.stdout.close()


@dataclass
class Following:
    """A `netaccept` child process whose stderr is read line by line as it comes."""

    proc: subprocess.Popen[str]
    lines: list[str]
    seen: threading.Event

    @classmethod
    def start(cls, argv: Sequence[str], env: dict[str, str], waits_for: str) -> Following:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "netaccept", *argv],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env={**environment, **env, "COLUMNS": "200"}, cwd=ROOT,
        )  # fmt: skip
        following = cls(proc, [], threading.Event())

        def follow() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                following.lines.append(line)
                if waits_for in line:
                    following.seen.set()

        threading.Thread(target=follow, daemon=True).start()
        return following

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def finish(self, timeout: float) -> int:
        """The exit code; the process is killed if it has not exited within `timeout`."""
        try:
            return self.proc.wait(timeout)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        time.sleep(0.1)  # the last lines reach the reader
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).close()
    return path


def test_ctrl_c_while_waiting_for_a_locked_ledger_stops_before_any_router(
    trap: Trap, tmp_path: Path, ledger: Path
) -> None:
    holder = LockHolder.start(ledger)
    out = tmp_path / "reports"
    run = Following.start(
        ["run", *trap.args(tmp_path / "known_hosts"), "--ledger", str(ledger), "--out", str(out)],
        CREDENTIALS,
        waits_for="waiting for the ledger",
    )
    try:
        assert run.seen.wait(30), run.stderr
        signalled = time.monotonic()
        run.proc.send_signal(signal.SIGINT)
        code = run.finish(10)
        stopped_in = time.monotonic() - signalled
    finally:
        run.stop()
        holder.release()
    assert code == 2, run.stderr
    assert stopped_in < 3.0
    assert trap.connections == 0
    assert f"interrupted while waiting for the ledger {ledger}" in run.stderr
    assert "no router was contacted" in run.stderr
    assert "Traceback" not in run.stderr
    assert run_dirs(out) == []


CHILD_WITH_SHORT_PATIENCE = """
import sys
import netaccept.ledger.store as store
store.BUSY_TIMEOUT_S = 1.0
from netaccept.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_ledger_locked_for_longer_than_the_busy_timeout_is_a_usage_error(
    trap: Trap, tmp_path: Path, ledger: Path
) -> None:
    holder = LockHolder.start(ledger)
    out = tmp_path / "reports"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD_WITH_SHORT_PATIENCE, "run",
             *trap.args(tmp_path / "known_hosts"), "--ledger", str(ledger), "--out", str(out)],
            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
            env={**environment, **CREDENTIALS}, cwd=ROOT, check=False,
        )  # fmt: skip
    finally:
        holder.release()
    assert proc.returncode == 4, proc.stderr
    assert time.monotonic() - started < 30
    assert trap.connections == 0
    assert f"waiting for the ledger {ledger}" in proc.stderr
    assert "stayed locked by another process" in proc.stderr
    assert "retry when the other run has finished" in proc.stderr
    assert run_dirs(out) == []
