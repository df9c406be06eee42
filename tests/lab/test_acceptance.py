"""Acceptance lifecycle and tamper evidence, through the CLI against the lab over SSH.

Three runs into one reports directory: the ledger numbers each port's attempts, the
certificates state them with the delivery and deemed-accepted dates (section 1.4), and
signed certificates verify until a single byte changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LAB_INVENTORY, ROOT, Lab, netaccept

pytestmark = pytest.mark.lab


@dataclass(frozen=True)
class Runs:
    out: Path
    runs: list[Path]
    public_key: Path

    def port(self, run: int, device: str, order: str) -> dict[str, Any]:
        cert = json.loads((self.runs[run] / device / "certificate.json").read_text())
        return next(p for p in cert["ports"] if p["order"] == order)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netaccept", *args],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def three_runs(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    work = tmp_path_factory.mktemp("acceptance")
    out = work / "reports"
    keys = cli("keygen", "--private", str(work / "key.pem"), "--public", str(work / "key.pub"))
    assert keys.returncode == 0, keys.stderr
    for reason in ("initial", "initial", "initial"):
        result = netaccept(
            "run", "--inventory", str(LAB_INVENTORY), "--reason", reason, "--no-progress",
            "--device", "chi-gsr-02", "--device", "nyc-gsr-01",
            "--sign-key", str(work / "key.pem"), *lab.args(), out=out, env=lab.env(),
        )  # fmt: skip
        assert result.code == 1, result.stdout + result.stderr
    runs = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(runs) == 3, "a second run into the same reports directory must not overwrite"
    return Runs(out, runs, work / "key.pub")


def test_a_failing_port_counts_its_attempts_and_the_customers_options_appear(
    three_runs: Runs,
) -> None:
    attempts = [three_runs.port(i, "chi-gsr-02", "PSO-2001-0103") for i in range(3)]
    assert [a["verdict"] for a in attempts] == ["fail", "fail", "fail"]
    assert [a["acceptance"]["attempt"] for a in attempts] == [1, 2, 3]
    assert [a["acceptance"]["remedies_available"] for a in attempts] == [False, True, True]
    assert "provider will retest" in attempts[0]["acceptance"]["statement"]
    assert "(ii) require a different port" in attempts[1]["acceptance"]["statement"]
    assert all(a["acceptance"]["deemed_accepted_on"] is None for a in attempts)


def test_a_passing_port_is_deemed_accepted_after_the_new_port_period(three_runs: Runs) -> None:
    first = three_runs.port(0, "nyc-gsr-01", "PSO-2001-0042")
    assert first["verdict"] == "pass"
    acceptance = first["acceptance"]
    delivered = date.fromisoformat(acceptance["delivered_on"])
    assert acceptance["attempt"] == 1
    assert date.fromisoformat(acceptance["deemed_accepted_on"]) == delivered + timedelta(days=5)
    assert "deemed accepted on" in acceptance["statement"]
    # A retest of a port that already passed is no new attempt.
    assert three_runs.port(1, "nyc-gsr-01", "PSO-2001-0042")["acceptance"]["attempt"] == 0


def test_history_reads_the_ledger_back(three_runs: Runs) -> None:
    shown = cli("history", "--ledger", str(three_runs.out / "ledger.sqlite"),
                "--order", "PSO-2001-0103", "--json")  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)["results"]
    assert [(r["attempt"], r["verdict"], r["device"]) for r in rows] == [
        (1, "fail", "chi-gsr-02"), (2, "fail", "chi-gsr-02"), (3, "fail", "chi-gsr-02"),
    ]  # fmt: skip
    table = cli("history", "--ledger", str(three_runs.out / "ledger.sqlite"), "-d", "nyc-gsr-01")
    assert "PSO-2001-0043" in table.stdout


def test_signed_certificates_verify_with_only_the_public_key(three_runs: Runs) -> None:
    checked = cli("verify", str(three_runs.runs[0]), "--public-key", str(three_runs.public_key))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "VERIFIED" in checked.stdout


def test_pdf_refuses_to_write_into_signed_certificates(three_runs: Runs) -> None:
    run = three_runs.runs[0]
    printed = cli("pdf", str(run))
    assert printed.returncode == 4, printed.stdout + printed.stderr
    assert "is signed" in printed.stderr and "--out" in printed.stderr
    assert not list(run.glob("*/certificate.pdf"))
    checked = cli("verify", str(run), "--public-key", str(three_runs.public_key))
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    "victim", ["certificate.json", "certificate.html", "certificate.xml", "evidence"]
)
def test_one_flipped_byte_anywhere_fails_verification_naming_the_file(
    three_runs: Runs, tmp_path: Path, victim: str
) -> None:
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(three_runs.runs[2], copy)
    device = copy / "nyc-gsr-01"
    target = sorted((device / "evidence").iterdir())[3] if victim == "evidence" else device / victim
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    checked = cli("verify", str(copy), "--public-key", str(three_runs.public_key))
    assert checked.returncode == 1
    assert target.name in checked.stdout
    assert "chi-gsr-02" not in [
        line.split()[0] for line in checked.stdout.splitlines() if "FAILED" in line
    ]


def test_a_key_that_cannot_sign_stops_the_run_before_any_router_or_ledger(
    lab: Lab, tmp_path: Path
) -> None:
    key = tmp_path / "key.pem"
    env = {**os.environ, "SIGN_PASS": "correct horse"}
    made = subprocess.run(
        [sys.executable, "-m", "netaccept", "keygen", "--private", str(key),
         "--public", str(tmp_path / "key.pub"), "--passphrase-env", "SIGN_PASS"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    out = tmp_path / "reports"
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--sign-key", str(key), *lab.args(),
        out=out, env=lab.env(),  # no NETACCEPT_SIGN_PASSPHRASE
    )  # fmt: skip
    assert result.code == 4, result.stdout + result.stderr
    assert "needs a passphrase" in result.stderr and "NETACCEPT_SIGN_PASSPHRASE" in result.stderr
    assert not out.exists()  # no certificate, no run index, no ledger attempt
