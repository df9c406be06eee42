"""Field-ready edges of `netaccept run` (issue 14): options that must not be taken silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, netaccept


def test_a_misspelt_endpoint_name_is_refused_naming_the_close_one(tmp_path: Path) -> None:
    # Ignored, the run of nyc-gsr-01 would go to the inventory's (production) address.
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", "nyc-gsr-01",
        "--endpoint", "nyc-gsr01=127.0.0.1:2222", "--no-progress", out=tmp_path,
    )  # fmt: skip
    assert result.code == 4, result.stdout + result.stderr
    assert "--endpoint 'nyc-gsr01=127.0.0.1:2222'" in result.stderr
    assert "did you mean nyc-gsr-01?" in result.stderr
    assert "--netaccept-endpoint" not in result.stderr
    assert not list(tmp_path.glob("*/nyc-gsr-01"))


def test_an_endpoint_for_a_known_device_not_selected_is_fine(tmp_path: Path) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS),
        "--device", "nyc-gsr-01", "--endpoint", "chi-xr-01=127.0.0.1:2222", "--no-progress",
        out=tmp_path,
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr


def test_an_endpoint_port_out_of_range_is_refused(tmp_path: Path) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--endpoint", "nyc-gsr-01=127.0.0.1:70000",
        "--no-progress", out=tmp_path,
    )  # fmt: skip
    assert result.code == 4 and "port 1-65535" in result.stderr


def test_zero_workers_is_refused(tmp_path: Path) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS),
        "--workers", "0", "--no-progress", out=tmp_path,
    )  # fmt: skip
    assert result.code == 4, result.stdout + result.stderr
    assert "--workers 0" in result.stderr and "1 or more" in result.stderr


def test_the_lab_without_credentials_says_so_before_serving() -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    env["NETACCEPT_USERNAME"] = "tech"
    done = subprocess.run(
        [sys.executable, "-m", "netaccept", "lab", "--inventory", str(LAB_INVENTORY)],
        capture_output=True, text=True, cwd=ROOT, env={**env, "COLUMNS": "200"}, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    assert "NETACCEPT_PASSWORD, NETACCEPT_SECRET" in done.stderr
    assert "Serving" not in done.stdout + done.stderr


def test_plain_pytest_from_any_directory_runs_the_bundled_checks(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--netaccept-inventory", str(LAB_INVENTORY), "--netaccept-replay", str(LAB_RECORDINGS),
         "--netaccept-out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the lab's two faulty routers
    assert "115 passed" in done.stdout and "5 failed" in done.stdout


@pytest.mark.parametrize("delay", [0.05, 0.3])
def test_ctrl_c_while_netaccept_starts_is_one_line_and_exit_2(delay: float, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    started = subprocess.Popen(
        [sys.executable, "-m", "netaccept", "run", "--inventory", str(LAB_INVENTORY),
         "--replay", str(LAB_RECORDINGS), "--out", str(tmp_path), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        # A shell's background job would ignore SIGINT; a user's Ctrl-C reaches it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    # Once Python catches SIGINT (before that, a signal would kill any program); Linux says
    # so in /proc. Then a little later, while netaccept still imports its libraries.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = Path(f"/proc/{started.pid}/status").read_text()
        caught = int(next(x for x in status.splitlines() if x.startswith("SigCgt:")).split()[1], 16)
        if caught & (1 << (signal.SIGINT - 1)):
            break
        time.sleep(0.005)
    time.sleep(delay)
    started.send_signal(signal.SIGINT)
    output, _ = started.communicate(timeout=120)
    # 2, as an interrupted run; or, where Python re-raises the signal on its way out (as it
    # does for a Ctrl-C met while it shuts down), the shell's "killed by SIGINT".
    assert started.returncode in (2, -signal.SIGINT), output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output
    assert "interrupted" in output.lower()
