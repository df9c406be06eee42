"""Deciding while capturing changes nothing a user reads: the bench fleet, two ways.

The benchmark's fleet (`bench/fleet.py`: the six lab routers cloned, two of them faulty on
purpose) is served with latencies that make the captures complete in the reverse of the
inventory's order: the first routers are the slowest. One `netaccept run` keeps every
router in flight and decides each as soon as it is captured (the defaults); the other
captures one router at a time (`--workers 1 --logins 1`). Every verdict, finding and message,
the order of the results, the JUnit file and the ledger must be the same, and the verdicts
those the fleet was built for.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.fleet import Fleet, make_fleet
from bench.run import EXPECTED_FAILURES
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials
from tests.conftest import ROOT

SIZE = 18  # three clones of each lab router
SLOWEST = 0.06  # seconds per command of the first router; the last one's is 0


@dataclass(frozen=True)
class Served:
    fleet: Fleet
    credentials: LabCredentials


@dataclass(frozen=True)
class Run:
    code: int
    out: Path
    junit: Path
    ledger: Path
    stderr: str

    @property
    def run_dir(self) -> Path:
        (run,) = [p for p in self.out.iterdir() if p.is_dir()]
        return run

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.run_dir / "run.json").read_text())
        return data


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    fleet = make_fleet(SIZE, tmp_path_factory.mktemp("fleet"))
    # The first router of the inventory is the slowest, the last the fastest: in flight
    # together, they are captured in the reverse of the order they are decided in.
    fleet.specs = [
        dataclasses.replace(spec, latency=round(SLOWEST * (SIZE - 1 - n) / (SIZE - 1), 4))
        for n, spec in enumerate(fleet.specs)
    ]
    credentials = LabCredentials("fleet", secrets.token_urlsafe(12), secrets.token_urlsafe(12))
    with LabProcess(fleet.specs, credentials, dns_records=fleet.dns_records) as lab:
        assert lab.dns_port is not None
        fleet.write(lab.ports, lab.dns_port)
        lab.write_known_hosts(fleet.known_hosts)
        yield Served(fleet, credentials)


def run(served: Served, out: Path, *extra: str) -> Run:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment.update(
        NETACCEPT_USERNAME=served.credentials.username,
        NETACCEPT_PASSWORD=served.credentials.password,
        NETACCEPT_SECRET=served.credentials.secret,
        NETACCEPT_TECHNICIAN="equivalence",
    )
    out.mkdir()
    junit, ledger = out.parent / f"{out.name}.xml", out.parent / f"{out.name}.sqlite"
    fleet = served.fleet
    proc = subprocess.run(
        [sys.executable, "-m", "netaccept", "run", "--inventory", str(fleet.inventory)]
        + ["--no-progress", "--out", str(out), "--junitxml", str(junit), "--ledger", str(ledger)]
        + ["--host-key-policy", "strict", "--known-hosts", str(fleet.known_hosts), *extra],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    return Run(proc.returncode, out, junit, ledger, proc.stderr)


@pytest.fixture(scope="module")
def both(served: Served, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    base = tmp_path_factory.mktemp("runs")
    concurrent = run(served, base / "concurrent")
    serial = run(served, base / "serial", "--workers", "1", "--logins", "1")
    for result in (concurrent, serial):
        assert result.code == 1, result.stderr[-3000:]  # the faulty clones fail, nothing errs
    return concurrent, serial


def _results(result: Run) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each device's checks as its certificate records them, in run order, without the times
    (how long a check took, when an output was captured)."""
    out = []
    for device in result.summary()["devices"]:
        cert = json.loads((result.run_dir / device["name"] / "certificate.json").read_text())
        checks = [
            {
                **{k: v for k, v in c.items() if k != "duration_s"},
                "evidence": [
                    {k: v for k, v in e.items() if k != "captured_at"} for e in c["evidence"]
                ],
            }
            for c in cert["checks"]
        ]
        out.append((device["name"], checks))
    return out


def test_the_fleet_is_decided_as_built(both: tuple[Run, Run], served: Served) -> None:
    for result in both:
        summary = result.summary()
        assert summary["complete"] is True
        assert [d["name"] for d in summary["devices"]] == [r.name for r in served.fleet.routers]
        for device in summary["devices"]:
            failed = {check for check, status in device["checks"].items() if status != "pass"}
            assert failed == EXPECTED_FAILURES.get(device["name"].rsplit("-", 1)[0], set())


def test_every_verdict_finding_and_message_is_the_serial_runs(both: tuple[Run, Run]) -> None:
    concurrent, serial = both
    assert _results(concurrent) == _results(serial)
    assert concurrent.summary()["verdict"] == serial.summary()["verdict"]


def _junit(result: Run) -> list[tuple[str, str, str, str]]:
    cases = []
    for case in ET.parse(result.junit).getroot().iter("testcase"):
        outcome = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        cases.append(
            (
                case.get("classname", ""),
                case.get("name", ""),
                "passed" if outcome is None else outcome.tag,
                "" if outcome is None else outcome.get("message", ""),
            )
        )
    return cases


def test_the_junit_file_lists_the_same_cases_in_the_same_order(
    both: tuple[Run, Run], served: Served
) -> None:
    concurrent, serial = both
    cases = _junit(concurrent)
    assert len(cases) == SIZE * 20
    assert cases == _junit(serial)
    # Device after device in the inventory's order, although they were captured the other
    # way round.
    order = [name.rsplit("[", 1)[1].rstrip("]") for _classname, name, _, _ in cases]
    assert list(dict.fromkeys(order)) == [r.name for r in served.fleet.routers]


def _ledger(result: Run) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(result.ledger) as db:
        return {
            "devices": db.execute(
                "SELECT device, site, verdict FROM devices ORDER BY rowid"
            ).fetchall(),
            "ports": db.execute(
                "SELECT order_id, device, interface, speed, customer, verdict, cycle, "
                "cycle_reason, attempt, deemed_accepted_on IS NULL, remedies_available, "
                "statement, diagnostic FROM port_results ORDER BY seq"
            ).fetchall(),
            "baselines": db.execute(
                "SELECT device, snapshot FROM baselines ORDER BY rowid"
            ).fetchall(),
        }


def test_the_ledger_records_the_same_devices_ports_and_attempts(both: tuple[Run, Run]) -> None:
    concurrent, serial = both
    recorded = _ledger(concurrent)
    assert len(recorded["devices"]) == SIZE and recorded["ports"]
    assert recorded == _ledger(serial)
