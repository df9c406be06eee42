"""`netaccept diff`: two real runs (replays of the lab's recordings) compared on their facts.

The later run's recordings differ from the earlier run's in a few real ways (a BGP neighbour
gone from the table and the configuration, an ISIS adjacency stuck in INIT, a description
and a line protocol changed, another software version) and in every volatile way a router
has (uptimes, counters, up/down times, prefix and message counts, clocks, time stamps,
configuration change stamps, ntp clock-period): exactly the real ones must be listed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, netaccept

IOS, XR = "nyc-gsr-01", "nyc-gsr-02"
Outputs = dict[str, str]


def sub(text: str, pattern: str, replacement: str) -> str:
    """`text` with `pattern` replaced; the pattern must be there (no silent no-op edit)."""
    changed, count = re.subn(pattern, replacement, text, flags=re.M)
    assert count, f"{pattern!r} not found: the edit would test nothing"
    return changed


def clock_period(outputs: Outputs, value: int) -> None:
    """An `ntp clock-period` line, which IOS rewrites as the clock drifts."""
    config = outputs["show running-config"]
    outputs["show running-config"] = sub(
        config, r"^ntp source ", f"ntp clock-period {value}\n\\g<0>"
    )


def ios_before(outputs: Outputs) -> None:
    clock_period(outputs, 17179869)


def ios_volatile(outputs: Outputs) -> None:
    """Everything that differs between two looks at the same healthy IOS router."""
    o = outputs
    o["show version"] = sub(o["show version"], r"uptime is .*", "uptime is 1 year, 13 weeks, 1 day")
    o["show version"] = sub(
        o["show version"], r"control processor is .*", "control processor is 9w"
    )
    bgp = sub(o["show ip bgp summary"], r"12w3d ", "13w0d ")  # up/down times
    bgp = sub(bgp, r" 5120$", " 5187")  # prefixes received
    bgp = sub(bgp, r"262418  124066", "263001  124555")  # message counts
    bgp = sub(bgp, r"table version is \d+", "table version is 3199999")
    o["show ip bgp summary"] = bgp
    o["show isis neighbors"] = sub(o["show isis neighbors"], r"UP    27", "UP    9 ")  # holdtime
    interfaces = sub(
        o["show interfaces"], r"1680585675500 packets input", "1680999999999 packets input"
    )
    interfaces = sub(interfaces, r"input rate 306412000 bits/sec", "input rate 299000000 bits/sec")
    o["show interfaces"] = interfaces
    logging = sub(o["show logging"], r"630 messages logged", "702 messages logged")
    o["show logging"] = logging.rstrip("\n") + (
        "\nNov 22 10:03:44.871 UTC: %SEC-6-IPACCESSLOGS: list 20 denied 203.0.113.46 1 packet\n"
    )
    o["show clock"] = sub(o["show clock"], r"10:00:25\.189", "10:04:02.511")
    config = sub(o["show running-config"], r"change at 09:12:01", "change at 10:02:44")
    config = sub(config, r"updated at 09:12:09", "updated at 10:02:50")
    o["show running-config"] = sub(
        config, r"Current configuration : \d+", "Current configuration : 5402"
    )
    clock_period(o, 17180012)
    o["show tacacs"] = sub(o["show tacacs"], r"54554", "54601")
    o["show memory statistics"] = sub(o["show memory statistics"], r"535123906", "536000000")
    sla = sub(o["show ip sla statistics"], r"successes: 30646", "successes: 30650")
    o["show ip sla statistics"] = sub(sla, r"09:59:22\.415", "10:03:22.415")


def ios_changed(outputs: Outputs) -> None:
    """The real changes since the earlier run, on top of the volatile ones."""
    ios_volatile(outputs)
    o = outputs
    o["show ip bgp summary"] = sub(o["show ip bgp summary"], r"^192\.0\.2\.6 .*\n?", "")
    o["show running-config"] = sub(o["show running-config"], r"^ neighbor 192\.0\.2\.6 .*\n", "")
    o["show isis neighbors"] = sub(o["show isis neighbors"], r"(PO3/0\s+\S+\s+)UP ", r"\1INIT")
    o["show version"] = sub(o["show version"], r"Version 12\.0\(32\)SY8,", "Version 12.0(33)S11,")
    described = "PSO-2001-0042 Example Backbone Corp (re-terminated)"
    o["show interfaces"] = sub(
        o["show interfaces"],
        r"Description: PSO-2001-0042 Example Backbone Corp$",
        f"Description: {described}",
    )
    o["show interfaces"] = sub(
        o["show interfaces"],
        r"^POS4/1 is up, line protocol is up",
        "POS4/1 is up, line protocol is down",
    )
    o["show interfaces description"] = sub(
        o["show interfaces description"], r"PSO-2001-0042 Example Backbone Corp$", described
    )


def xr_volatile(outputs: Outputs) -> None:
    """IOS-XR stamps every output with the time; uptimes, counters and times move on."""
    for command, text in outputs.items():
        outputs[command] = re.sub(
            r"^Sun Nov 22 10:00:\d\d\.\d{3} UTC$", "Mon Dec  7 21:15:01.250 UTC", text, flags=re.M
        )
    o = outputs
    o["show version"] = sub(
        o["show version"], r"uptime is .*", "uptime is 49 weeks, 1 day, 3 minutes"
    )
    bgp = sub(o["show bgp summary"], r"31w5d ", "33w4d ")
    bgp = sub(bgp, r" 5136$", " 5201")
    o["show bgp summary"] = sub(
        bgp, r"main routing table version \d+", "main routing table version 2299999"
    )
    o["show isis neighbors"] = sub(o["show isis neighbors"], r"Up    26", "Up    8 ")
    o["show logging"] = sub(o["show logging"], r"494 messages logged", "511 messages logged")


def xr_changed(outputs: Outputs) -> None:
    xr_volatile(outputs)
    o = outputs
    o["show isis neighbors"] = sub(o["show isis neighbors"], r"(PO0/3/0/0\s+\S+\s+)Up  ", r"\1Init")


def run(out: Path, edits: dict[str, Callable[[Outputs], None]], *extra: str) -> Path:
    """A replay of the lab's recordings of the devices in `edits`, each edited; its run dir."""
    recordings = out / "recordings"
    recordings.mkdir(parents=True)
    args = ["run", "--inventory", str(LAB_INVENTORY), "--replay", str(recordings), "--no-progress"]
    for device, edit in edits.items():
        recording = json.loads((LAB_RECORDINGS / f"{device}.json").read_text(encoding="utf-8"))
        edit(recording["outputs"])
        (recordings / f"{device}.json").write_text(json.dumps(recording), encoding="utf-8")
        args += ["--device", device]
    result = netaccept(*args, *extra, out=out / "reports")
    assert result.code in (0, 1), result.stderr
    return result.run_dir


def diff(*args: str | Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "netaccept", "diff", *map(str, args)],
        capture_output=True, text=True, env=environment, stdin=subprocess.DEVNULL,
        cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The accepted run and a repair run of the same two routers."""
    base = tmp_path_factory.mktemp("diff")
    accepted = run(base / "accepted", {IOS: ios_before, XR: lambda o: None})
    repair = run(base / "repair", {IOS: ios_changed, XR: xr_changed}, "--reason", "repair")
    return accepted, repair


def changes(result: subprocess.CompletedProcess[str], device: str) -> list[str]:
    report: dict[str, Any] = json.loads(result.stdout)
    (found,) = [d for d in report["devices"] if d["device"] == device]
    return [c["text"] for c in found["changes"]]


def test_diff_lists_exactly_the_real_changes_of_an_ios_router(runs: tuple[Path, Path]) -> None:
    result = diff(*runs, "--json")
    assert result.returncode == 0, result.stderr
    assert changes(result, IOS) == [
        "software version: was 12.0(32)SY8, now 12.0(33)S11",
        "BGP neighbour 192.0.2.6 (AS 64500): was Established, now gone",
        "ISIS adjacency with chi-gsr-01 on PO3/0 (L2): was UP, now INIT",
        'interface POS4/0: description was "PSO-2001-0042 Example Backbone Corp", '
        'now "PSO-2001-0042 Example Backbone Corp (re-terminated)"',
        "interface POS4/1: line protocol was up, now down",
        "router bgp neighbor 192.0.2.6: removed (was remote AS 64500, update-source "
        'Loopback0, description "chi-xr-01")',
    ]


def test_diff_lists_exactly_the_real_change_of_an_ios_xr_router(runs: tuple[Path, Path]) -> None:
    result = diff(*runs, "--json")
    assert changes(result, XR) == [
        "ISIS adjacency with chi-xr-01 on PO0/3/0/0 (L2): was Up, now Init",
    ]


def test_diff_json_carries_sections_values_and_both_runs(runs: tuple[Path, Path]) -> None:
    report = json.loads(diff(*runs, "--json").stdout)
    assert report["schema"] == "netaccept.diff/1"
    assert report["before"]["id"] == runs[0].name and report["after"]["id"] == runs[1].name
    assert report["after"]["reason"] == "repair"
    (ios,) = [d for d in report["devices"] if d["device"] == IOS]
    gone = next(c for c in ios["changes"] if c["section"] == "bgp")
    assert gone == {
        "section": "bgp",
        "key": "192.0.2.6",
        "kind": "removed",
        "before": {"remote_as": 64500, "state": "Established"},
        "after": None,
        "text": "BGP neighbour 192.0.2.6 (AS 64500): was Established, now gone",
    }
    assert ios["not_compared"] == {}


def test_diff_of_a_run_with_itself_has_no_change(runs: tuple[Path, Path]) -> None:
    result = diff(runs[1], runs[1])
    assert result.returncode == 0
    assert f"{IOS}: no change" in result.stdout and f"{XR}: no change" in result.stdout


def test_diff_prints_the_changes_per_device_and_exits_0(runs: tuple[Path, Path]) -> None:
    result = diff(*runs)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"^{IOS}: 6 changes\s*$", result.stdout, re.M)
    assert re.search(rf"^{XR}: 1 change\s*$", result.stdout, re.M)
    assert "BGP neighbour 192.0.2.6 (AS 64500): was Established, now gone" in result.stdout
    assert f"to run {runs[1].name} (repair)" in result.stdout
    assert "not a verdict" in result.stdout


def test_diff_of_one_device_shows_only_that_device(runs: tuple[Path, Path]) -> None:
    report = json.loads(diff(*runs, "--device", XR, "--json").stdout)
    assert [d["device"] for d in report["devices"]] == [XR]


def test_a_section_one_run_did_not_capture_is_not_compared_not_gone(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    partial = run(tmp_path, {IOS: ios_before}, "--check", "bgp_neighbors")
    report = json.loads(diff(runs[0], partial, "--json").stdout)
    (ios,) = report["devices"]
    assert ios["changes"] == []  # nothing is reported gone because it was not looked at
    assert "'show interfaces' is not in the evidence" in ios["not_compared"]["interfaces"]
    assert report["only_before"] == [XR]


# ---------------------------------------------------------------- refusals: one line, exit 4


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 4, result.stdout + result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_a_directory_that_is_not_a_run_is_refused(runs: tuple[Path, Path], tmp_path: Path) -> None:
    refused(diff(runs[0], tmp_path), "not a run directory")
    refused(diff(tmp_path / "nowhere", runs[1]), "not a run directory")


def test_runs_of_different_inventories_are_refused(runs: tuple[Path, Path], tmp_path: Path) -> None:
    other = shutil.copytree(runs[1], tmp_path / runs[1].name)
    summary = json.loads((other / "run.json").read_text(encoding="utf-8"))
    summary["run"]["inventory"] = "inventory/another-pop.yaml"
    (other / "run.json").write_text(json.dumps(summary), encoding="utf-8")
    refused(diff(runs[0], other), "another-pop.yaml", "one inventory")


def test_runs_with_no_device_in_common_are_refused(runs: tuple[Path, Path], tmp_path: Path) -> None:
    elsewhere = run(tmp_path, {"chi-xr-01": lambda o: None})
    refused(diff(runs[0], elsewhere), "no device in common")


def test_an_unknown_device_is_refused(runs: tuple[Path, Path]) -> None:
    refused(diff(*runs, "--device", "lon-gsr-09"), "--device lon-gsr-09")
