"""The acceptance lifecycle through the command line (issue 13): diagnostics, the customer's answer.

Runs test the lab's routers over SSH into one reports directory, so that they share its
ledger (`OUT/ledger.sqlite`), as a technician's runs at one site do (a replay records no
attempt: it tests no router).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from netaccept.inventory import load_inventory
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabRouterSpec
from netaccept.lab.zone import lab_zone
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, Lab, netaccept

pytestmark = pytest.mark.lab

DEVICE = "nyc-gsr-01"  # healthy: passes every check
ORDER = "PSO-2001-0042"


def run(lab: Lab, out: Path, *extra: str) -> dict[str, Any]:
    """A run of DEVICE into its own run directory under `out`; its certificate."""
    before = set(out.iterdir()) if out.exists() else set()
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), *lab.args(), "--device", DEVICE,
        "--no-progress", *extra, out=out, env=lab.env(),
    )  # fmt: skip
    assert result.code in (0, 1), result.stdout + result.stderr
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p not in before]
    cert: dict[str, Any] = json.loads((run_dir / DEVICE / "certificate.json").read_text())
    cert["_html"] = (run_dir / DEVICE / "certificate.html").read_text()
    return cert


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netaccept", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


def sub(text: str, pattern: str, replacement: str) -> str:
    """`text` with `pattern` replaced; the pattern must be there (no silent no-op edit)."""
    changed, count = re.subn(pattern, replacement, text, flags=re.M)
    assert count, f"{pattern!r} not found"
    return changed


def port(cert: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in cert["ports"] if p["order"] == ORDER)
    return found


def history(out: Path) -> dict[str, Any]:
    shown = cli("history", "--ledger", str(out / "ledger.sqlite"), "--order", ORDER, "--json")
    assert shown.returncode == 0, shown.stderr
    story: dict[str, Any] = json.loads(shown.stdout)
    return story


def test_single_check_runs_are_diagnostics_and_never_attempts(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    for _ in range(3):
        cert = run(lab, out, "--check", "bgp_neighbors")
        assert cert["scope"] == "partial"
        acceptance = port(cert)["acceptance"]
        assert acceptance["attempt"] == 0 and acceptance["deemed_accepted_on"] is None
        assert "diagnostic run" in acceptance["statement"]
        assert "not an acceptance test" in cert["_html"]
    story = history(out)
    assert [(r["diagnostic"], r["attempt"]) for r in story["results"]] == [(True, None)] * 3
    assert story["standing"][ORDER] == "no acceptance test recorded yet"
    # The first full-scope run is attempt 1.
    full = run(lab, out)
    assert full["scope"] == "full" and port(full)["acceptance"]["attempt"] == 1


def test_a_rejection_reopens_the_cycle_and_the_history_tells_it(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    ledger = str(out / "ledger.sqlite")
    assert port(run(lab, out))["acceptance"]["attempt"] == 1
    rejected = cli("reject", "--order", ORDER, "--reason", "CRC errors at night",
                   "--by", "Example Backbone NOC", "--ledger", ledger)  # fmt: skip
    assert rejected.returncode == 0, rejected.stderr
    assert "the next full-scope run is attempt 2" in rejected.stdout
    assert port(run(lab, out))["acceptance"]["attempt"] == 2
    story = history(out)
    assert [r["attempt"] for r in story["results"]] == [1, 2]
    (answer,) = story["answers"]
    assert (answer["answer"], answer["attempt"], answer["by"], answer["reason"]) == (
        "reject", 1, "Example Backbone NOC", "CRC errors at night",
    )  # fmt: skip
    assert story["standing"][ORDER].startswith("passed attempt 2")
    table = cli("history", "--ledger", ledger, "--order", ORDER)
    assert "rejected by Example Backbone NOC" in table.stdout
    assert f"{ORDER} today: passed attempt 2" in table.stdout
    accepted = cli("accept", "--order", ORDER, "--by", "J. Customer", "--ledger", ledger)
    assert accepted.returncode == 0, accepted.stderr
    assert "accepted by the customer on" in history(out)["standing"][ORDER]


def test_bad_answers_are_one_line_and_exit_4_leaving_the_ledger_unchanged(
    lab: Lab, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    ledger = str(out / "ledger.sqlite")
    run(lab, out)
    cases = [
        (("reject", "--order", ORDER), "needs its reason"),
        (("accept", "--order", "PSO-9999-0000"), "has no acceptance test"),
        (("accept", "--order", ORDER, "--ledger", str(tmp_path / "nowhere.sqlite")), "no ledger"),
    ]
    for args, message in cases:
        done = cli(*args, *(() if "--ledger" in args else ("--ledger", ledger)))
        assert done.returncode == 4, (args, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) <= 2  # one message (rich may wrap it)
    assert history(out)["answers"] == []
    assert cli("accept", "--order", ORDER, "--ledger", ledger).returncode == 0
    twice = cli("accept", "--order", ORDER, "--ledger", ledger)
    assert twice.returncode == 4 and "already accepted" in twice.stderr


# ---------------------------------------------------------------- 3. the accepted baseline


def test_a_repair_shows_what_changed_since_acceptance(lab: Lab, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    ledger = str(out / "ledger.sqlite")
    accepted = run(lab, out)
    assert port(accepted)["acceptance"]["attempt"] == 1
    assert accepted["since_acceptance"] is None
    done = cli("accept", "--order", ORDER, "--by", "J. Customer", "--ledger", ledger)
    assert done.returncode == 0, done.stderr
    # Months later the same router is repaired; meanwhile its iBGP session to 192.0.2.6 was
    # removed (from the configuration too). The lab serves it so, over SSH.
    recording = json.loads((LAB_RECORDINGS / f"{DEVICE}.json").read_text(encoding="utf-8"))
    outputs = recording["outputs"]
    outputs["show ip bgp summary"] = sub(outputs["show ip bgp summary"], r"^192\.0\.2\.6 .*\n?", "")
    outputs["show running-config"] = sub(
        outputs["show running-config"], r"^ neighbor 192\.0\.2\.6 .*\n", ""
    )
    path = tmp_path / f"{DEVICE}.json"
    path.write_text(json.dumps(recording), encoding="utf-8")
    inventory = load_inventory(LAB_INVENTORY)
    spec = LabRouterSpec(
        DEVICE, "cisco_ios", path, ssh_offer=inventory.lab.ssh_offers.get(DEVICE, "modern")
    )
    with LabProcess([spec], lab.credentials, dns_records=lab_zone(inventory)) as repaired:
        assert repaired.dns_port is not None
        later = Lab(
            dict(repaired.ports), lab.credentials, repaired.dns_port,
            repaired.write_known_hosts(tmp_path / "known_hosts"),
        )  # fmt: skip
        cert = run(later, out, "--reason", "repair")
    since = cert["since_acceptance"]
    assert since["order"] == ORDER and since["accepted"].startswith("accepted by J. Customer")
    assert since["baseline_run"] == accepted["run"]["id"]
    texts = [c["text"] for c in since["changes"]]
    assert "BGP neighbour 192.0.2.6 (AS 64500): was Established, now gone" in texts
    assert any(t.startswith("router bgp neighbor 192.0.2.6: removed") for t in texts)
    assert len(texts) == 2, texts  # nothing volatile shows as a change
    assert "What changed since acceptance" in cert["_html"] and texts[0] in cert["_html"]
    xml = (out / cert["run"]["id"] / DEVICE / "certificate.xml").read_text(encoding="utf-8")
    assert "<sinceAcceptance" in xml and "192.0.2.6" in xml
