"""Results survive: a full disk, a busy ledger, a name server given without its port.

Real runs against the simulated lab over SSH. A disk that fills during the run is a tmpfs
of a few hundred KiB mounted over `--out` in a private mount namespace (unprivileged:
a user namespace maps the caller to root there), so the writes fail with a real ENOSPC:
the ledger must then hold exactly the devices whose certificate files are all on disk,
their certificates must be complete, and the run exits 7. A ledger locked by another
process is waited for with a message, and the run goes on once it is free.
`--dns-server 127.0.0.1` asks port 53: the lab's name server listens there, in a private
network namespace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netaccept.core.evidence import sha256_text
from netaccept.inventory import load_inventory
from netaccept.ledger import Ledger
from tests.cli.test_broken_environment import (
    DEVICES,
    Following,
    LockHolder,
    in_private_mount,
    namespaces_unavailable,
    run_dirs,
)
from tests.conftest import LAB_INVENTORY, ROOT, Lab, Result, netaccept

pytestmark = pytest.mark.lab

CERTIFICATE = ("json", "html", "xml")  # a device's certificate files


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).close()
    return path


def test_a_locked_ledger_is_waited_for_with_a_message_then_the_run_goes_on(
    lab: Lab, tmp_path: Path, ledger: Path
) -> None:
    holder = LockHolder.start(ledger)
    run = Following.start(
        ["run", "--inventory", str(LAB_INVENTORY), "--no-progress", "--ledger", str(ledger),
         *lab.args(), "--out", str(tmp_path / "reports")],
        lab.env(),
        waits_for="waiting for the ledger",
    )  # fmt: skip
    try:
        assert run.seen.wait(30), run.stderr
        time.sleep(1.0)  # a wait of a while, then the other process lets go
        holder.release()
        code = run.finish(120)
    finally:
        holder.release()
        run.stop()
    assert code == 1, run.stderr
    assert f"waiting for the ledger {ledger}: it is locked by another process" in run.stderr
    with Ledger(ledger, create=False) as book:
        assert {row.device for row in book.history()} == set(DEVICES)


# ---------------------------------------------------------------- the disk fills during the run


def allocated(directory: Path) -> int:
    """The bytes `directory`'s files take on a tmpfs: each file rounded up to whole pages."""
    return sum(allocated_file(p) for p in directory.rglob("*") if p.is_file())


def allocated_file(path: Path) -> int:
    page = os.sysconf("SC_PAGE_SIZE")
    return -(-path.stat().st_size // page) * page


def test_a_disk_that_fills_up_records_only_the_devices_whose_certificates_are_written(
    lab: Lab, tmp_path: Path
) -> None:
    reason = namespaces_unavailable("--map-root-user", "--mount")
    if reason:
        pytest.skip(f"a small file system needs a private mount namespace: {reason}")
    run = ["run", "--inventory", str(LAB_INVENTORY), "--no-progress", *lab.args()]
    # The same run on a roomy disk: how much each device's files take.
    reference = netaccept(
        *run, "--ledger", str(tmp_path / "reference.sqlite"), out=tmp_path / "reference",
        env=lab.env(),
    )  # fmt: skip
    assert reference.code == 1, reference.stderr
    sizes = [allocated(reference.run_dir / name) for name in DEVICES]
    room = sizes[0] + sizes[1] + sizes[2] // 2  # two devices and a half
    out, kept, ledger = tmp_path / "small-disk", tmp_path / "kept", tmp_path / "ledger.sqlite"
    out.mkdir()
    kept.mkdir()
    result = in_private_mount(
        f'mount -t tmpfs -o size={room} tmpfs "{out}"',
        [sys.executable, "-m", "netaccept", *run, "--ledger", str(ledger), "--out", str(out)],
        lab.env(),
        keep=(out, kept),
    )
    assert result.returncode == 7, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert "No space left on device" in result.stderr
    assert str(out) in result.stderr
    assert f"free space on the file system of {out}" in result.stderr
    (run_dir,) = run_dirs(kept)
    written = [n for n in DEVICES if (run_dir / n / "certificate.json").is_file()]
    assert 1 <= len(written) < len(DEVICES)
    assert written == list(DEVICES[: len(written)])  # written in order, until the disk filled
    with Ledger(ledger, create=False) as book:
        rows = book.history()
    assert {row.device for row in rows} == set(written)
    for name in DEVICES:
        files = {ext: (run_dir / name / f"certificate.{ext}").is_file() for ext in CERTIFICATE}
        assert set(files.values()) == {name in written}, (name, files)
    for name in written:
        certificate = json.loads((run_dir / name / "certificate.json").read_text("utf-8"))
        for ref in certificate["evidence"]:
            text = (run_dir / name / ref["file"]).read_text(encoding="utf-8")
            assert sha256_text(text) == ref["sha256"]
        for port in certificate["ports"]:
            (row,) = [r for r in rows if r.order == port["order"]]
            assert port["acceptance"]["attempt"] == row.attempt == 1
            assert port["acceptance"]["delivered_on"] == row.delivered_on.isoformat()


def test_a_ledger_on_a_full_disk_records_nothing_and_leaves_no_certificate(
    lab: Lab, tmp_path: Path
) -> None:
    """The certificates are written, then the ledger cannot store the run: none stays."""
    reason = namespaces_unavailable("--map-root-user", "--mount")
    if reason:
        pytest.skip(f"a small file system needs a private mount namespace: {reason}")
    seed = tmp_path / "seed.sqlite"
    Ledger(seed).close()  # a new, empty ledger
    # The ledger's own file system holds the ledger, SQLite's 32 KiB -shm file and two
    # pages more: it opens, its lock is taken, but a run's rows cannot be written.
    room = allocated_file(seed) + 32 * 1024 + 2 * os.sysconf("SC_PAGE_SIZE")
    ledger_fs, kept, out = tmp_path / "ledger-disk", tmp_path / "kept", tmp_path / "reports"
    ledger_fs.mkdir()
    kept.mkdir()
    ledger = ledger_fs / "ledger.sqlite"
    result = in_private_mount(
        f'mount -t tmpfs -o size={room} tmpfs "{ledger_fs}" && cp "{seed}" "{ledger}"',
        [sys.executable, "-m", "netaccept", "run", "--inventory", str(LAB_INVENTORY),
         "--no-progress", *lab.args(), "--ledger", str(ledger), "--out", str(out)],
        lab.env(),
        keep=(ledger_fs, kept),
    )  # fmt: skip
    assert result.returncode == 7, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert f"cannot write the ledger {ledger} (database or disk is full)" in result.stderr
    assert "the ledger is as it was before this run" in result.stderr
    with Ledger(kept / "ledger.sqlite", create=False) as book:
        assert book.history() == []
    (run_dir,) = run_dirs(out)
    assert not list(run_dir.glob("*/certificate.*"))
    for name in DEVICES:  # the evidence stays
        assert any((run_dir / name / "evidence").iterdir())
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert summary["complete"] is False
    assert summary["devices"] == []
    assert {d["name"] for d in summary["not_completed"]} == set(DEVICES)


# ---------------------------------------------------------------- --dns-server without a port

LO_UP = """
import fcntl, socket, struct
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
flags = struct.unpack("16sh", fcntl.ioctl(probe, 0x8913, struct.pack("16sh", b"lo", 0)))[1]
fcntl.ioctl(probe, 0x8914, struct.pack("16sh", b"lo", flags | 1))  # SIOCSIFFLAGS: IFF_UP
"""
DNS_DEVICES = ("nyc-gsr-01", "chi-xr-01")


def dns_on_port_53_child(directory: str) -> None:
    """In a private network namespace: the lab with its name server on port 53, and a run."""
    from netaccept.lab.process import LabProcess
    from netaccept.lab.spec import LabCredentials, LabRouterSpec
    from netaccept.lab.zone import lab_zone
    from tests.conftest import LAB_RECORDINGS

    exec(LO_UP)  # a new network namespace's loopback starts down
    inventory = load_inventory(LAB_INVENTORY)
    credentials = LabCredentials("dns", "dns-password-53", "dns-secret-53")
    specs = [
        LabRouterSpec(
            name,
            inventory.device(name).platform,
            LAB_RECORDINGS / f"{name}.json",
            ssh_offer=inventory.lab.ssh_offers.get(name, "modern"),
        )
        for name in DNS_DEVICES
    ]
    root = Path(directory)
    with LabProcess(specs, credentials, dns_records=lab_zone(inventory), dns_port=53) as lab:
        known_hosts = lab.write_known_hosts(root / "known_hosts")
        args = ["run", "--inventory", str(LAB_INVENTORY), "--check", "loopback_dns"]
        for name in DNS_DEVICES:
            args += ["--device", name, "--endpoint", f"{name}=127.0.0.1:{lab.ports[name]}"]
        args += ["--host-key-policy", "strict", "--known-hosts", str(known_hosts)]
        args += ["--dns-server", "127.0.0.1"]  # no port
        env = {
            "NETACCEPT_USERNAME": credentials.username,
            "NETACCEPT_PASSWORD": credentials.password,
            "NETACCEPT_SECRET": credentials.secret,
        }
        result = netaccept(*args, out=root / "reports", env=env, timeout=120)
    print(json.dumps({"code": result.code, "stderr": result.stderr}), flush=True)


def test_a_dns_server_without_a_port_is_asked_on_port_53(tmp_path: Path) -> None:
    reason = namespaces_unavailable("--map-root-user", "--net")
    if reason:
        pytest.skip(f"a name server on port 53 needs a private network namespace: {reason}")
    code = "from tests.lab.test_results_survive import dns_on_port_53_child; "
    code += f"dns_on_port_53_child({str(tmp_path)!r})"
    proc = subprocess.run(
        ["unshare", "--map-root-user", "--net", sys.executable, "-c", code],
        capture_output=True, text=True, timeout=180, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    result = Result(outcome["code"], "", outcome["stderr"], tmp_path / "reports")
    for name in DNS_DEVICES:
        check = result.check(name, "loopback_dns")
        assert check["status"] == "pass", check
    ptr = (result.run_dir / "nyc-gsr-01" / "evidence").glob("*dns-ptr*")
    assert any("@127.0.0.1:53 NOERROR" in p.read_text(encoding="utf-8") for p in ptr)
    assert result.code == 0, result.stderr
