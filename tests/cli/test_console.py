"""What a CI job and a shared folder meet (issue 14): readable files, whole lines, quiet pipes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from netaccept.ledger import AcceptanceTerms, Ledger, PortRecord
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT

# Long enough that an 80-column console would break it: as a CI workspace path is.
DEEP = "a-ci-workspace-with-a-long-name/builds/netaccept-acceptance/job-123456789"


def run_cli(
    *args: str,
    umask: int = 0o022,
    columns: int | None = None,
    stdout: int = subprocess.PIPE,
) -> subprocess.CompletedProcess[str]:
    """`netaccept ARGS` as a CI job runs it: no terminal, no $COLUMNS unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, "-m", "netaccept", *args],
        stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env,
        cwd=ROOT, umask=umask, timeout=120, check=False,
    )  # fmt: skip


def replay(out: Path, *more: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS),
        "--device", "nyc-gsr-01", "--no-progress", "--out", str(out), *more, umask=umask,
    )  # fmt: skip


# ---------------------------------------------------------------- file modes


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755),
                                                              (0o077, 0o600, 0o700)])  # fmt: skip
def test_report_files_follow_the_umask(
    tmp_path: Path, umask: int, file_mode: int, dir_mode: int
) -> None:
    out = tmp_path / "reports"
    result = replay(out, "--record", str(tmp_path / "recorded"), umask=umask)
    assert result.returncode == 0, result.stdout + result.stderr
    written = [*out.rglob("*"), *(tmp_path / "recorded").rglob("*")]
    files = [p for p in written if p.is_file()]
    assert any(p.name == "certificate.json" for p in files)
    assert any(p.name == "nyc-gsr-01.json" for p in files)  # the recording
    modes = {p.relative_to(tmp_path).as_posix(): oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
    assert set(modes.values()) == {oct(file_mode)}, modes
    dirs = {oct(stat.S_IMODE(p.stat().st_mode)) for p in written if p.is_dir()}
    assert dirs == {oct(dir_mode)}


# ---------------------------------------------------------------- whole lines


def test_without_a_terminal_a_path_in_an_error_is_one_line(tmp_path: Path) -> None:
    ledger = tmp_path / DEEP / "ledger.sqlite"
    result = run_cli("history", "--ledger", str(ledger))
    assert result.returncode == 4, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("netaccept:")]
    assert str(ledger) in line


def test_without_a_terminal_the_run_summary_names_files_on_one_line(tmp_path: Path) -> None:
    recordings = tmp_path / DEEP
    recordings.mkdir(parents=True)  # empty: no recording of nyc-gsr-01
    result = run_cli(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(recordings),
        "--device", "nyc-gsr-01", "--no-progress", "--out", str(tmp_path / "reports"),
    )  # fmt: skip
    assert result.returncode == 6, result.stdout + result.stderr
    missing = f"no recording at {recordings / 'nyc-gsr-01.json'}"
    assert any(missing in line for line in result.stdout.splitlines()), result.stdout
    assert any(str(tmp_path / "reports") in line for line in result.stdout.splitlines())


def test_run_messages_name_the_options_of_netaccept_run(tmp_path: Path) -> None:
    result = replay(tmp_path / "reports", "--replay", str(tmp_path / "none"))
    assert result.returncode == 4
    assert f"--replay: no directory {tmp_path / 'none'}" in result.stdout + result.stderr
    assert "--netaccept-" not in result.stdout + result.stderr


# ---------------------------------------------------------------- history and checks at 80


def a_ledger_of_real_sized_names(path: Path) -> Path:
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    with Ledger(path) as book:
        for n, verdict in enumerate(["fail", "incomplete", "pass"]):
            moment = start + timedelta(days=n)
            book.record_run(
                f"20261102T09000{n}Z-5ca14d", moment, moment + timedelta(minutes=5), "initial",
                "Jo Technician-Longname", [("chi-xr-01", "CHI1", verdict)],
                [PortRecord("PSO-2001-0103", "chi-xr-01", "GigabitEthernet0/0/0/1", "10GE",
                            "Example Corp", verdict)],
                AcceptanceTerms(),
            )  # fmt: skip
    return path


def lines_fit(text: str, width: int) -> None:
    too_long = [line for line in text.splitlines() if len(line.rstrip()) > width]
    assert not too_long, "\n".join(too_long)


def words(text: str) -> set[str]:
    return {word for line in text.splitlines() for word in line.split()}


def test_history_fits_80_columns_and_never_breaks_an_id(tmp_path: Path) -> None:
    ledger = a_ledger_of_real_sized_names(tmp_path / "ledger.sqlite")
    shown = run_cli("history", "--ledger", str(ledger), columns=80)
    assert shown.returncode == 0, shown.stderr
    title, table = shown.stdout.split("attempt: counted")[0].split("\n", 1)
    assert str(ledger) in title  # a path, whole even beyond 80 columns
    lines_fit(table, 80)
    names = {"PSO-2001-0103", "chi-xr-01", "GigabitEthernet0/0/0/1", "2026-11-02"}
    names |= {f"20261102T09000{n}Z-5ca14d" for n in range(3)}
    assert names <= words(table), table
    assert {"incomplete", "attempt", "2026-11-09"} <= words(table)


def test_checks_fit_80_columns_and_never_break_an_id_or_a_fact() -> None:
    listed = run_cli("checks", "--json")
    rows = json.loads(listed.stdout)
    shown = run_cli("checks", columns=80)
    assert shown.returncode == 0, shown.stderr
    lines_fit(shown.stdout, 80)
    names = {row["id"] for row in rows} | {fact for row in rows for fact in row["facts"]}
    assert names <= words(shown.stdout), names - words(shown.stdout)


# ---------------------------------------------------------------- a reader that goes away


@pytest.mark.parametrize("command", [["checks", "--json"], ["history", "--json"]])
def test_a_reader_that_stops_reading_ends_the_command_quietly(
    tmp_path: Path, command: Sequence[str]
) -> None:
    ledger = a_ledger_of_real_sized_names(tmp_path / "ledger.sqlite")
    args = [*command, "--ledger", str(ledger)] if command[0] == "history" else [*command]
    read, write = os.pipe()
    os.close(read)  # as `| head -1` after its line: every write fails
    try:
        result = run_cli(*args, stdout=write)
    finally:
        os.close(write)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.stderr == ""
    assert result.returncode == 141
