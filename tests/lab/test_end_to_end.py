"""End to end: the CLI against the simulated lab over real SSH, judged by what it writes."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from netaccept.core.catalogue import CHECK_IDS
from tests.conftest import LAB_INVENTORY, Lab, Result, free_port, netaccept

pytestmark = pytest.mark.lab

HEALTHY = ("nyc-gsr-01", "nyc-gsr-02", "chi-gsr-01", "chi-xr-01")
ALL = CHECK_IDS


@dataclass(frozen=True)
class LabRun:
    result: Result
    record: Path


@pytest.fixture(scope="module")
def lab_run(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> LabRun:
    out = tmp_path_factory.mktemp("reports")
    record = tmp_path_factory.mktemp("recording")
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--record", str(record),
        "--technician", "J. Doe", "--reason", "repair",
        *lab.args(), out=out, env=lab.env(),
    )  # fmt: skip
    return LabRun(result, record)


def test_healthy_routers_pass_every_check(lab_run: LabRun) -> None:
    result = lab_run.result
    for device in HEALTHY:
        cert = result.certificate(device)
        assert cert["verdict"] == "pass", (device, cert["checks"])
        assert {c["id"]: c["status"] for c in cert["checks"]} == dict.fromkeys(ALL, "pass")


def test_each_fault_fails_exactly_its_check_and_says_why(lab_run: LabRun) -> None:
    result = lab_run.result
    assert result.code == 1, result.stderr
    statuses = result.statuses()
    failing = {key for key, status in statuses.items() if status != "pass"}
    assert failing == {
        ("nyc-gsr-03", "isis_neighbors"),
        ("nyc-gsr-03", "ios_version"),
        ("nyc-gsr-03", "loopback_dns"),
        ("chi-gsr-02", "bgp_neighbors"),
        ("chi-gsr-02", "flash"),
    }
    assert all(statuses[key] == "fail" for key in failing)
    isis = result.check("nyc-gsr-03", "isis_neighbors")["message"]
    assert "nyc-gsr-02" in isis and "Init" in isis
    assert "3.8.4" in result.check("nyc-gsr-03", "ios_version")["message"]
    dns = result.check("nyc-gsr-03", "loopback_dns")["message"]
    assert "PTR of 192.0.2.3 is nyc-gsr-09.lab.example.net" in dns
    bgp = result.check("chi-gsr-02", "bgp_neighbors")["message"]
    assert "192.0.2.1" in bgp and "Idle" in bgp
    flash = result.check("chi-gsr-02", "flash")["message"]
    assert (
        "a41d7c09e6b25f38d90c4e7a1b3f6d28" in flash and "3f9c2b7e81d04a56c7e2f19b0d8a64e5" in flash
    )
    assert result.certificate("chi-gsr-02")["verdict"] == "fail"


def test_certificate_identifies_the_equipment_as_the_router_reported_it(lab_run: LabRun) -> None:
    result = lab_run.result
    cert = result.certificate("nyc-gsr-01")
    assert cert["schema"] == "netaccept.certificate/1"
    device = cert["device"]
    assert device["chassis_serial"] == "SAD09320A1K"
    assert device["model"] == "GSR12012"
    assert device["software_version"] == "12.0(32)SY8"
    assert device["site"] == {
        "id": "NYC1", "name": "60 Hudson Street",
        "address": "60 Hudson Street, New York, NY 10013, USA",
    }  # fmt: skip
    # The GSR on 12.0S presents what its software has: an RSA key, signed with ssh-rsa.
    assert device["host_key"].startswith("ssh-rsa SHA256:")
    assert device["ssh"]["host_key_type"] == "ssh-rsa"
    assert device["host_key_verification"].startswith("matches line ")
    assert device["host_key_verification"].endswith("(--host-key-policy strict)")
    assert cert["run"]["reason"] == "repair" and cert["run"]["technician"] == "J. Doe"
    assert cert["run"]["transport"] == "ssh"
    assert cert["scope"] == "full" and cert["not_run"] == []
    assert [p["order"] for p in cert["ports"]] == ["PSO-2001-0042", "PSO-2001-0043"]
    xr = result.certificate("nyc-gsr-02")["device"]
    assert (xr["chassis_serial"], xr["software_version"]) == ("SAD09410B7M", "3.9.1")


def test_evidence_files_match_their_hashes_and_the_checks_cite_them(lab_run: LabRun) -> None:
    result = lab_run.result
    for device in (*HEALTHY, "nyc-gsr-03", "chi-gsr-02"):
        cert = result.certificate(device)
        device_dir = result.run_dir / device
        manifest = {e["command"]: e for e in cert["evidence"]}
        assert "show version" in manifest
        for entry in cert["evidence"]:
            data = (device_dir / entry["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        for check in cert["checks"]:
            assert check["evidence"], f"{device} {check['id']} cites no evidence"
            for ref in check["evidence"]:
                assert manifest[ref["command"]]["sha256"] == ref["sha256"]


def test_index_and_html_certificates_are_written(lab_run: LabRun) -> None:
    result = lab_run.result
    index = (result.run_dir / "index.html").read_text(encoding="utf-8")
    for device in (*HEALTHY, "nyc-gsr-03", "chi-gsr-02"):
        assert f'href="{device}/certificate.html"' in index
        html = (result.run_dir / device / "certificate.html").read_text(encoding="utf-8")
        assert "SAD" in html and "Verify BGP neighbors" in html
    assert "is Idle, expected Established" in index
    assert f"Report:{(result.run_dir / 'index.html').resolve()}" in "".join(result.stdout.split())


def test_replay_of_a_recording_gives_the_same_verdicts(lab_run: LabRun, tmp_path: Path) -> None:
    live, record = lab_run.result, lab_run.record
    assert sorted(p.name for p in record.iterdir()) == sorted(
        f"{d}.json" for d in (*HEALTHY, "nyc-gsr-03", "chi-gsr-02")
    )
    replayed = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(record), out=tmp_path
    )
    assert replayed.code == live.code
    assert replayed.statuses() == live.statuses()
    assert replayed.certificate("nyc-gsr-01")["run"]["transport"] == "replay"
    assert [e["sha256"] for e in replayed.certificate("chi-xr-01")["evidence"]] == [
        e["sha256"] for e in live.certificate("chi-xr-01")["evidence"]
    ]


def test_unreachable_router_is_error_for_all_its_checks_while_others_complete(
    lab: Lab, tmp_path: Path
) -> None:
    dead = free_port()
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--no-progress",
        *lab.args(**{"chi-xr-01": dead}), out=tmp_path, env=lab.env(),
    )  # fmt: skip
    assert result.code == 6, result.stdout
    cert = result.certificate("chi-xr-01")
    assert cert["verdict"] == "incomplete"
    assert {c["status"] for c in cert["checks"]} == {"error"}
    for check in cert["checks"]:
        assert f"127.0.0.1:{dead}" in check["message"]
    assert cert["identity_errors"]
    assert result.certificate("nyc-gsr-01")["verdict"] == "pass"
    assert result.certificate("chi-gsr-02")["verdict"] == "fail"
    assert "Traceback" not in result.stdout + result.stderr


def test_a_port_forward_to_another_router_is_an_identity_error(lab: Lab, tmp_path: Path) -> None:
    # nyc-gsr-01's address reaches chi-gsr-01 (a wrong port forward): over real SSH, the
    # router that answers calls itself chi-gsr-01, and nothing is certified as nyc-gsr-01's.
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", "nyc-gsr-01", "--no-progress",
        *lab.args(**{"nyc-gsr-01": lab.ports["chi-gsr-01"]}), out=tmp_path, env=lab.env(),
    )  # fmt: skip
    assert result.code == 6, result.stdout
    cert = result.certificate("nyc-gsr-01")
    assert cert["verdict"] == "incomplete"
    errors = cert["identity_errors"]
    assert any("calls itself chi-gsr-01, not nyc-gsr-01" in e for e in errors), errors


def test_wrong_password_is_an_error_that_names_the_variable(lab: Lab, tmp_path: Path) -> None:
    env = {**lab.env(), "NETACCEPT_PASSWORD": "not-the-password"}
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", "nyc-gsr-01", "--no-progress",
        *lab.args(), out=tmp_path, env=env,
    )  # fmt: skip
    assert result.code == 6
    for check in result.certificate("nyc-gsr-01")["checks"]:
        assert check["status"] == "error"
        assert "authentication failed" in check["message"]
        assert "NETACCEPT_PASSWORD" in check["message"]
    assert "not-the-password" not in result.stdout + result.stderr


def test_selected_device_and_check_only(lab: Lab, tmp_path: Path) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", "chi-xr-01", "--check", "flash",
        *lab.args(), out=tmp_path, env=lab.env(),
    )  # fmt: skip
    assert result.code == 0, result.stdout
    assert sorted(p.name for p in result.run_dir.iterdir() if p.is_dir()) == ["chi-xr-01"]
    cert = result.certificate("chi-xr-01")
    assert [c["id"] for c in cert["checks"]] == ["flash"]
    assert cert["verdict"] == "pass" and cert["scope"] == "partial"
    assert {n["id"]: n["reason"] for n in cert["not_run"]}[
        "ios_version"
    ] == "not selected for this run"


def test_pytest_directly_with_junitxml_carries_device_and_check(lab: Lab, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    junit = tmp_path / "junit.xml"
    args = [
        sys.executable, "-m", "pytest", str(LAB_INVENTORY.parents[1] / "checks"),
        "-p", "no:cacheprovider", "--netaccept-inventory", str(LAB_INVENTORY),
        "--netaccept-out", str(tmp_path / "reports"), "--netaccept-no-progress",
        "--junitxml", str(junit), "-k", "nyc-gsr-03",
    ]  # fmt: skip
    args += ["--netaccept-dns-server", lab.dns_server]
    args += ["--netaccept-host-key-policy", "strict"]
    args += ["--netaccept-known-hosts", str(lab.known_hosts)]
    for endpoint in lab.endpoints():
        args += ["--netaccept-endpoint", endpoint]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")} | lab.env()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    cases = ET.parse(junit).getroot().iter("testcase")
    seen = {}
    for case in cases:
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        seen[(props["netaccept.device"], props["netaccept.check"])] = (
            props["netaccept.status"],
            case.find("failure") is not None,
        )
    failing = {"isis_neighbors", "ios_version", "loopback_dns"}
    assert seen == {
        ("nyc-gsr-03", check_id): ("fail", True) if check_id in failing else ("pass", False)
        for check_id in CHECK_IDS
    }
    run_dirs = [p for p in (tmp_path / "reports").iterdir() if p.is_dir()]
    assert len(run_dirs) == 1
    assert json.loads((run_dirs[0] / "run.json").read_text())["verdict"] == "fail"


def test_run_junitxml_is_written_whole_by_a_rename(lab: Lab, tmp_path: Path) -> None:
    junit = tmp_path / "ci" / "junit.xml"
    junit.parent.mkdir()
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", "nyc-gsr-01", "--check", "flash",
        "--junitxml", str(junit), *lab.args(), out=tmp_path / "reports", env=lab.env(),
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr
    assert [p.name for p in junit.parent.iterdir()] == ["junit.xml"]  # no partial file left
    assert "warning" not in (result.stdout + result.stderr).lower()
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert len(cases) == 1
    names = {p.get("name") for p in cases[0].iter("property")}
    assert {"netaccept.device", "netaccept.check", "netaccept.status"} <= names
    assert "netaccept.result" not in names  # the internal result record stays internal
