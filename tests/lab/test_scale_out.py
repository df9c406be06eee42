"""Scale out: pytest-xdist workers, `--shard i/n` and `report merge`, against the lab over SSH.

One serial run is the reference: a run in two xdist processes, and two shards merged, must
decide every check on every device the same way, and end as one run and one ledger.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from netaccept.run.shard import Shard, ShardError, deal
from netaccept.run.xdist import DeviceScheduling, capture_data, capture_from, device_of
from tests.conftest import LAB_INVENTORY, Lab, Result, netaccept

DEVICES = ("nyc-gsr-01", "nyc-gsr-02", "nyc-gsr-03", "chi-gsr-01", "chi-gsr-02", "chi-xr-01")


# ---------------------------------------------------------------- shares


def test_shares_hold_every_device_once_and_differ_in_size_by_one_at_most() -> None:
    names = [f"r{n:02d}" for n in range(11)]
    for count in (1, 2, 3, 4, 11, 12):
        shares = deal(reversed(names), count)
        dealt = [name for share in shares for name in share]
        assert sorted(dealt) == names
        assert max(map(len, shares)) - min(map(len, shares)) <= 1


def test_a_share_depends_on_the_names_only_not_their_order() -> None:
    assert Shard(2, 3).select(["c", "a", "e", "b", "d"]) == ["b", "e"]
    assert Shard(2, 3).select(["e", "d", "c", "b", "a"]) == ["b", "e"]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "2", "a/b", "-1/2", ""])
def test_a_shard_outside_one_to_n_is_refused(text: str) -> None:
    with pytest.raises(ShardError):
        Shard.parse(text)


@pytest.mark.parametrize("text", ["0/2", "3/2", "x"])
def test_run_refuses_a_bad_shard_as_a_usage_error(text: str, tmp_path: Path) -> None:
    result = netaccept("run", "-i", str(LAB_INVENTORY), "--shard", text, out=tmp_path)
    assert result.code == 4
    assert "--shard" in result.stderr and text in result.stderr


def test_a_share_with_no_device_tests_nothing(tmp_path: Path) -> None:
    result = netaccept(
        "run", "-i", str(LAB_INVENTORY), "-d", "nyc-gsr-01", "--shard", "2/2", out=tmp_path
    )
    assert result.code == 5
    assert "empty" in result.stderr


# ---------------------------------------------------------------- the xdist scheduler


@dataclass
class _Node:
    workerinput: dict[str, object]
    sent: list[int] | None = None
    down: bool = False

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent = list(indices)

    def shutdown(self) -> None:
        self.down = True

    __hash__ = object.__hash__


def test_the_scheduler_sends_each_device_to_the_worker_that_captured_it() -> None:
    names = frozenset(DEVICES)
    shares = {f"gw{k}": frozenset(s) for k, s in enumerate(deal(names, 2))}
    collection = [f"checks/test_x.py::test_{c}[{d}]" for c in ("a", "b") for d in DEVICES]
    scheduler = DeviceScheduling(2, shares, names)
    nodes = [_Node({"workerid": f"gw{k}"}) for k in range(2)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collection)
    scheduler.schedule()
    ran: dict[str, set[object]] = {}
    for node in nodes:
        assert node.down and node.sent is not None
        for index in node.sent:
            device = device_of(collection[index], names)
            assert device is not None
            assert device in shares[str(node.workerinput["workerid"])]
            ran.setdefault(device, set()).add(node.workerinput["workerid"])
    assert set(ran) == names and all(len(workers) == 1 for workers in ran.values())
    assert sorted(i for n in nodes for i in n.sent or []) == list(range(len(collection)))


def test_a_capture_crosses_to_the_controller_unchanged() -> None:
    from netaccept.core.evidence import Evidence, utc_now
    from netaccept.inventory import load_inventory
    from netaccept.session.algorithms import SshAlgorithms
    from netaccept.session.captured import DeviceCapture

    device = load_inventory(LAB_INVENTORY).device("nyc-gsr-01")
    capture = DeviceCapture(device, "ssh", utc_now(), utc_now(), host_key="ssh-ed25519 X")
    capture.algorithms = SshAlgorithms(
        "diffie-hellman-group14-sha1", "ssh-rsa", "aes128-cbc", "hmac-sha1",
        ("negotiated ssh-rsa: weak, allowed by ssh.legacy_algorithms",),
    )  # fmt: skip
    capture.evidence["show version"] = Evidence.of("show version", "Cisco IOS\r\n")
    capture.failures["show bogus"] = "rejected"
    again = capture_from(capture_data(capture), {device.name: device})
    assert again == capture
    assert list(again.evidence) == ["show version"]


# ---------------------------------------------------------------- through the real path


@dataclass(frozen=True)
class Runs:
    serial: Result
    xdist: Result
    shards: tuple[Result, Result]
    merged: Result
    merged_out: Path


def _run(lab: Lab, out: Path, *extra: str) -> Result:
    return netaccept(
        "run", "-i", str(LAB_INVENTORY), "--technician", "J. Doe", "--no-progress",
        *extra, *lab.args(), out=out, env=lab.env(),
    )  # fmt: skip


@pytest.fixture(scope="module")
def runs(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    serial = _run(lab, tmp_path_factory.mktemp("serial"))
    xdist = _run(lab, tmp_path_factory.mktemp("xdist"), "--processes", "2")
    shards = (
        _run(lab, tmp_path_factory.mktemp("shard1"), "--shard", "1/2"),
        _run(lab, tmp_path_factory.mktemp("shard2"), "--shard", "2/2"),
    )
    merged_out = tmp_path_factory.mktemp("merged")
    merged = netaccept("report", "merge", str(shards[0].out), str(shards[1].out), out=merged_out)
    return Runs(serial, xdist, shards, merged, merged_out)


def _ledger_rows(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    with sqlite3.connect(path) as db:
        runs = [r[0] for r in db.execute("SELECT run_id FROM runs ORDER BY seq")]
        devices = db.execute("SELECT run_id, device FROM devices ORDER BY device").fetchall()
    return runs, devices


@pytest.mark.lab
def test_two_xdist_processes_decide_exactly_as_one(runs: Runs) -> None:
    assert runs.serial.code == 1, runs.serial.stderr
    assert runs.xdist.code == runs.serial.code, runs.xdist.stdout + runs.xdist.stderr
    assert len(runs.serial.statuses()) == 20 * len(DEVICES)
    assert runs.xdist.statuses() == runs.serial.statuses()
    for device in DEVICES:
        serial, xdist = runs.serial.certificate(device), runs.xdist.certificate(device)
        assert xdist["verdict"] == serial["verdict"]
        assert [e["sha256"] for e in xdist["evidence"]] == [e["sha256"] for e in serial["evidence"]]
        assert xdist["device"]["chassis_serial"] == serial["device"]["chassis_serial"]


@pytest.mark.lab
def test_an_xdist_run_is_one_run_directory_and_one_ledger_entry(runs: Runs) -> None:
    run_dir = runs.xdist.run_dir  # exactly one, or this raises
    index = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in index["devices"]] == list(DEVICES)  # the inventory's order
    ids, devices = _ledger_rows(runs.xdist.out / "ledger.sqlite")
    assert ids == [run_dir.name]
    assert sorted(d for _, d in devices) == sorted(DEVICES)
    assert "Report:" in runs.xdist.stdout and "FAIL" in runs.xdist.stdout


@pytest.mark.lab
def test_two_shards_hold_every_device_once(runs: Runs) -> None:
    first, second = ({d for d, _ in r.statuses()} for r in runs.shards)
    assert first.isdisjoint(second) and first | second == set(DEVICES)
    assert {r.code for r in runs.shards} <= {0, 1}


@pytest.mark.lab
def test_merged_shards_are_the_serial_run(runs: Runs) -> None:
    merged = runs.merged
    assert merged.code == runs.serial.code, merged.stderr
    run_dir = Result(0, "", "", runs.merged_out).run_dir
    index = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    statuses = {(d["name"], c): s for d in index["devices"] for c, s in d["checks"].items()}
    assert statuses == runs.serial.statuses()
    assert [d["name"] for d in index["devices"]] == list(DEVICES)
    assert index["verdict"] == "fail"
    assert sorted(m["id"] for m in index["merged_from"]) == sorted(
        r.run_dir.name for r in runs.shards
    )
    for device in DEVICES:
        assert (run_dir / device / "certificate.html").is_file()
        assert f'href="{device}/certificate.html"' in (run_dir / "index.html").read_text()
    ids, devices = _ledger_rows(runs.merged_out / "ledger.sqlite")
    assert sorted(ids) == sorted(r.run_dir.name for r in runs.shards)
    assert sorted(d for _, d in devices) == sorted(DEVICES)
    # The passing devices' facts came along: the baselines a later repair is compared with.
    with sqlite3.connect(runs.merged_out / "ledger.sqlite") as db:
        kept = {d for (d,) in db.execute("SELECT device FROM baselines")}
    passed = {d["name"] for d in index["devices"] if d["verdict"] == "pass"}
    assert passed and passed <= kept


@pytest.mark.lab
def test_merging_into_the_same_ledger_again_changes_nothing(runs: Runs, tmp_path: Path) -> None:
    ledger = runs.merged_out / "ledger.sqlite"
    before = _ledger_rows(ledger)
    again = netaccept(
        "report", "merge", *(str(r.out) for r in runs.shards), "--ledger", str(ledger),
        out=tmp_path,
    )  # fmt: skip
    assert again.code == runs.serial.code, again.stderr
    assert _ledger_rows(ledger) == before


@pytest.mark.lab
def test_merge_refuses_a_device_twice_and_names_it(runs: Runs, tmp_path: Path) -> None:
    result = netaccept(
        "report", "merge", str(runs.shards[0].out), str(runs.serial.out), out=tmp_path
    )
    assert result.code == 4
    first_device = sorted(DEVICES)[0]  # share 1 of 2 holds the first name
    assert f"device {first_device} is in both" in " ".join(result.stderr.split())
    assert not any(p.is_dir() for p in tmp_path.iterdir())


def test_merge_refuses_what_is_not_a_run(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = netaccept("report", "merge", str(tmp_path / "empty"), out=tmp_path / "out")
    assert result.code == 4
    assert "neither a run directory" in result.stderr


def test_one_exit_rule_for_run_and_merge() -> None:
    from netaccept.run.pipeline import exit_code_for

    assert exit_code_for(["pass", "skipped"]) == 0
    assert exit_code_for(["pass", "fail"]) == 1
    assert exit_code_for(["fail", "error"]) == 6
    assert exit_code_for([]) == 5 and exit_code_for(["skipped"]) == 5
    # Devices not completed (a worker died): undecided, even if every decided check passed.
    assert exit_code_for(["pass"], not_completed=True) == 6
    assert exit_code_for(["pass"], incomplete=True) == 6  # a device not identified
    assert exit_code_for(["pass"], interrupted=True, not_completed=True) == 2
