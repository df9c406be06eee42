"""`netaccept verify` cannot be fooled or hung (issue 12).

Each test starts from real signed runs of the lab's recordings, made once per module and
all signed with the same key, as a provider's runs are: two shards in which every device
passes (`rp_memory` only), merged by `netaccept report merge`, and a failing run in which
chi-gsr-02 fails `bgp_neighbors`.
An attacker then edits a copy of the failing run and must be caught: a genuine certificate
of another run or device put in its place, anything the signature does not cover added to
a signed device directory, and files that are not regular files (links, FIFOs, `/dev/zero`)
or absurdly large. Whatever could hang or exhaust memory runs `netaccept verify` in a
child process with a timeout, so that a regression fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netaccept.core.exitcodes import ExitCode
from netaccept.report.signing import VerifyReport, generate_keypair, verify
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, netaccept

DEVICE = "chi-gsr-02"  # fails bgp_neighbors in the failing run, passes in the passing one
OTHER = "chi-gsr-01"  # the same platform and site: its certificate could pass for DEVICE's
EVIDENCE = "evidence/01-show-version.txt"
TIMEOUT = 30.0  # seconds; a verify of these runs takes about one


@dataclass(frozen=True)
class SignedRuns:
    passing: Path  # run directory: a shard whose devices, DEVICE among them, all pass
    failing: Path  # run directory: DEVICE fails
    merged: Path  # run directory: the two passing shards merged
    public_key: Path


def signed_run(base: Path, name: str, key: Path, *extra: str) -> Path:
    """A real replay of the lab, signed; its run directory."""
    args = ["run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS)]
    args += ["--no-progress", "--sign-key", str(key), *extra]
    result = netaccept(*args, out=base / name)
    assert result.code in (ExitCode.PASS, ExitCode.FAIL), result.stdout + result.stderr
    return result.run_dir


@pytest.fixture(scope="module")
def signed_runs(tmp_path_factory: pytest.TempPathFactory) -> SignedRuns:
    base = tmp_path_factory.mktemp("signed-runs")
    private, public = base / "signing.pem", base / "signing.pub"
    generate_keypair(private, public)
    runs = {
        "shard-1": ("--shard", "1/2", "--check", "rp_memory"),
        "shard-2": ("--shard", "2/2", "--check", "rp_memory"),
        "failing": ("--check", "bgp_neighbors", "--check", "rp_memory"),
    }
    with ThreadPoolExecutor(len(runs)) as pool:  # three processes at once
        futures = {n: pool.submit(signed_run, base, n, private, *args) for n, args in runs.items()}
        made = {name: future.result() for name, future in futures.items()}
    merge = netaccept("report", "merge", str(base / "shard-1"), str(base / "shard-2"),
                      out=base / "merged")  # fmt: skip
    assert merge.code == ExitCode.PASS, merge.stdout + merge.stderr
    passing = next(made[s] for s in ("shard-1", "shard-2") if (made[s] / DEVICE).is_dir())
    assert certificate(passing / DEVICE)["verdict"] == "pass"
    assert certificate(made["failing"] / DEVICE)["verdict"] == "fail"
    return SignedRuns(passing, made["failing"], merge.run_dir, public)


@pytest.fixture
def run(signed_runs: SignedRuns, tmp_path: Path) -> Path:
    """A copy of the failing run, under its own name, for the attacker to edit."""
    copy = tmp_path / "reports" / signed_runs.failing.name
    shutil.copytree(signed_runs.failing, copy)
    return copy


def certificate(device_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((device_dir / "certificate.json").read_bytes())
    return data


def verify_cli(target: Path, public_key: Path) -> subprocess.CompletedProcess[str]:
    """`netaccept verify TARGET --public-key KEY` in a child process that cannot hang us."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment["COLUMNS"] = "200"  # error messages unwrapped
    try:
        return subprocess.run(
            [sys.executable, "-m", "netaccept", "verify", str(target), "--public-key",
             str(public_key)],
            capture_output=True, text=True, env=environment, stdin=subprocess.DEVNULL,
            timeout=TIMEOUT, cwd=ROOT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"netaccept verify {target} did not finish in {TIMEOUT:.0f} s (it hangs)")


def refused(proc: subprocess.CompletedProcess[str], *named: str) -> str:
    """Assert that verify failed (exit 1, FAILED, no traceback), naming each of `named`."""
    console = proc.stdout + proc.stderr
    assert proc.returncode == ExitCode.FAIL, console
    assert proc.stdout.startswith("FAILED"), console
    assert "Traceback" not in console, console
    for text in named:
        assert text in console, f"{text!r} not in:\n{console}"
    return console


def problems_of(report: VerifyReport, device: str, file: str) -> list[str]:
    return [p for p in report.problems if p.startswith(f"{device}: {file}: ")]


def assert_refuses(report: VerifyReport, device: str, file: str, *words: str) -> list[str]:
    """`report` failed with a problem on `device`'s `file` that says each of `words`."""
    assert report.status == "FAILED", report.render()
    lines = problems_of(report, device, file)
    assert lines, report.render()
    assert any(all(w in line for w in words) for line in lines), report.render()
    return lines


# ---------------------------------------------------------------- genuine runs still verify


@pytest.mark.parametrize("which", ["passing", "failing", "merged"])
def test_genuine_runs_verify_and_say_which_run_each_certificate_is_of(
    signed_runs: SignedRuns, which: str
) -> None:
    run_dir: Path = getattr(signed_runs, which)
    devices = sorted(d.name for d in run_dir.iterdir() if d.is_dir())
    proc = verify_cli(run_dir, signed_runs.public_key)
    assert proc.returncode == ExitCode.PASS, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"VERIFIED: {len(devices)} devices"), proc.stdout
    rows = [line.split() for line in proc.stdout.splitlines() if "  VERIFIED  " in line]
    assert [(row[0], row[-1]) for row in rows] == [
        (d, certificate(run_dir / d)["run"]["id"]) for d in devices
    ], proc.stdout
    runs = {row[-1] for row in rows}
    if which == "merged":  # each certificate names the shard run that made it
        assert len(runs) == 2 and run_dir.name not in runs and signed_runs.passing.name in runs
    else:
        assert runs == {run_dir.name}


def test_a_certificate_of_a_run_a_merged_run_was_not_merged_from_is_refused(
    signed_runs: SignedRuns, tmp_path: Path
) -> None:
    merged = tmp_path / signed_runs.merged.name
    shutil.copytree(signed_runs.merged, merged)
    shutil.rmtree(merged / DEVICE)
    shutil.copytree(signed_runs.failing / DEVICE, merged / DEVICE)
    report = verify(merged, signed_runs.public_key)
    assert_refuses(report, DEVICE, "certificate.json", signed_runs.failing.name, "merged run")
    assert [d.name for d in report.devices if not d.ok] == [DEVICE]


# ---------------------------------------------------------------- a certificate of another run


def test_a_passing_certificate_of_another_run_copied_into_a_failing_run_is_refused(
    signed_runs: SignedRuns, run: Path
) -> None:
    shutil.rmtree(run / DEVICE)
    shutil.copytree(signed_runs.passing / DEVICE, run / DEVICE)  # with its own certificate.sig

    proc = verify_cli(run, signed_runs.public_key)

    console = refused(proc, f"{DEVICE}: certificate.json: ", signed_runs.passing.name, run.name)
    assert f"  {DEVICE}  " in console and "FAILED: 1 of 6 devices" in console, console
    for target in (run / DEVICE, run / DEVICE / "certificate.json"):  # asked about one device
        assert_refuses(
            verify(target, signed_runs.public_key), DEVICE, "certificate.json",
            signed_runs.passing.name, run.name,
        )  # fmt: skip


def test_a_certificate_of_another_run_is_refused_in_a_renamed_run_directory(
    signed_runs: SignedRuns, run: Path
) -> None:
    delivered = run.rename(run.parent / "delivered-to-customer")
    assert verify(delivered, signed_runs.public_key).status == "VERIFIED"  # run.json names it
    shutil.rmtree(delivered / DEVICE)
    shutil.copytree(signed_runs.passing / DEVICE, delivered / DEVICE)
    report = verify(delivered, signed_runs.public_key)
    assert_refuses(report, DEVICE, "certificate.json", signed_runs.passing.name, run.name)
    assert [d.name for d in report.devices if not d.ok] == [DEVICE]


def test_run_json_rewritten_to_name_the_other_run_does_not_launder_its_certificate(
    signed_runs: SignedRuns, run: Path
) -> None:
    shutil.rmtree(run / DEVICE)
    shutil.copytree(signed_runs.passing / DEVICE, run / DEVICE)
    summary = json.loads((run / "run.json").read_bytes())
    summary["run"]["id"] = signed_runs.passing.name
    (run / "run.json").write_text(json.dumps(summary), encoding="utf-8")
    report = verify(run, signed_runs.public_key)
    assert not report.ok, report.render()
    assert problems_of(report, DEVICE, "certificate.json"), report.render()
    # Nor does claiming a merge of the passing run and this one: a merged run has an id of
    # its own, which none of its certificates names.
    summary["run"]["id"] = run.name
    summary["merged_from"] = [
        {"id": signed_runs.passing.name, "devices": 1},
        {"id": run.name, "devices": 5},
    ]
    (run / "run.json").write_text(json.dumps(summary), encoding="utf-8")
    report = verify(run, signed_runs.public_key)
    assert not report.ok, report.render()
    assert any(p.startswith("run.json: ") and run.name in p for p in report.problems)


def test_a_lone_device_directory_names_the_run_its_certificate_is_of(
    signed_runs: SignedRuns, tmp_path: Path
) -> None:
    lone = tmp_path / "inbox" / DEVICE
    shutil.copytree(signed_runs.passing / DEVICE, lone)
    report = verify(lone, signed_runs.public_key)
    assert report.status == "VERIFIED", report.render()
    assert [d.run for d in report.devices] == [signed_runs.passing.name]
    assert f"files match, run {signed_runs.passing.name}" in report.render()
    assert any("not checked against a run" in note for note in report.notes), report.render()


def test_certificates_of_two_runs_in_a_renamed_run_directory_without_run_json_are_refused(
    signed_runs: SignedRuns, run: Path
) -> None:
    delivered = run.rename(run.parent / "delivered-to-customer")
    (delivered / "run.json").unlink()
    assert verify(delivered, signed_runs.public_key).status == "VERIFIED"  # one run: fine
    shutil.rmtree(delivered / DEVICE)
    shutil.copytree(signed_runs.passing / DEVICE, delivered / DEVICE)
    report = verify(delivered, signed_runs.public_key)
    assert report.status == "FAILED", report.render()
    mixed = [p for p in report.problems if p.startswith("delivered-to-customer: ")]
    assert mixed and "2 runs" in mixed[0], report.render()
    assert f"run {signed_runs.passing.name}: {DEVICE}" in mixed[0], report.render()


# ---------------------------------------------------------------- a certificate of another device


def test_certificates_swapped_between_device_directories_are_refused(
    signed_runs: SignedRuns, run: Path
) -> None:
    (run / DEVICE).rename(run / "swap")
    (run / OTHER).rename(run / DEVICE)
    (run / "swap").rename(run / OTHER)
    report = verify(run, signed_runs.public_key)
    assert_refuses(report, DEVICE, "certificate.json", repr(OTHER))
    assert_refuses(report, OTHER, "certificate.json", repr(DEVICE))


def test_a_certificate_of_another_device_in_a_lone_device_directory_is_refused(
    signed_runs: SignedRuns, tmp_path: Path
) -> None:
    lone = tmp_path / "inbox" / DEVICE
    shutil.copytree(signed_runs.failing / OTHER, lone)  # OTHER passes; DEVICE does not
    assert_refuses(verify(lone, signed_runs.public_key), DEVICE, "certificate.json", repr(OTHER))


def test_a_device_directory_stripped_of_its_certificate_is_refused(
    signed_runs: SignedRuns, run: Path
) -> None:
    (run / DEVICE / "certificate.json").unlink()
    (run / DEVICE / "certificate.sig").unlink()
    summary = json.loads((run / "run.json").read_bytes())
    summary["devices"] = [d for d in summary["devices"] if d["name"] != DEVICE]
    (run / "run.json").write_text(json.dumps(summary), encoding="utf-8")
    report = verify(run, signed_runs.public_key)
    assert_refuses(report, DEVICE, "certificate.json", "missing")


def test_a_symlinked_device_directory_is_refused_even_to_genuine_files(
    signed_runs: SignedRuns, run: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere" / DEVICE
    shutil.copytree(run / DEVICE, elsewhere)
    shutil.rmtree(run / DEVICE)
    (run / DEVICE).symlink_to(elsewhere, target_is_directory=True)
    for target in (run, run / DEVICE, run / DEVICE / "certificate.json"):
        report = verify(target, signed_runs.public_key)
        assert report.status == "FAILED", report.render()
        assert [d.name for d in report.devices if not d.ok] == [DEVICE], report.render()
        assert any(p.startswith(f"{DEVICE}: ") and "symbolic link" in p for p in report.problems)


# ---------------------------------------------------------------- anything not covered


def test_a_file_added_under_evidence_after_signing_fails_verification(
    signed_runs: SignedRuns, run: Path
) -> None:
    (run / DEVICE / "evidence" / "99-planted.txt").write_text("BGP Established\n", "utf-8")
    proc = verify_cli(run, signed_runs.public_key)
    console = refused(proc, f"{DEVICE}: evidence/99-planted.txt: not covered by the signature")
    assert "not checked (fine)" not in console


def _copy_of_signed(device_dir: Path, name: str) -> None:
    shutil.copyfile(device_dir / EVIDENCE, device_dir / name)


def _write(name: str, text: str = "planted\n") -> Callable[[Path], object]:
    def add(device_dir: Path) -> None:
        (device_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (device_dir / name).write_text(text, encoding="utf-8")

    return add


# name -> (how to add it, what verify names)
ADDITIONS: dict[str, tuple[Callable[[Path], object], str]] = {
    "a file beside the certificate": (_write("notes.txt"), "notes.txt"),
    "a hidden file": (_write(".DS_Store"), ".DS_Store"),
    "a file in a new subdirectory": (_write("evidence/more/01-show-bgp.txt"),
                                     "evidence/more/01-show-bgp.txt"),
    "an empty directory": (lambda d: (d / "attachments").mkdir(), "attachments"),
    "a copy of a signed file": (lambda d: _copy_of_signed(d, EVIDENCE + ".orig"),
                                EVIDENCE + ".orig"),
    "a link to a signed file": (
        lambda d: (d / "evidence" / "latest.txt").symlink_to("01-show-version.txt"),
        "evidence/latest.txt",
    ),
    "a dangling link": (lambda d: (d / "certificate.pdf").symlink_to("nowhere.pdf"),
                        "certificate.pdf"),
    "a link to a directory": (lambda d: (d / "evidence-all").symlink_to("evidence"),
                              "evidence-all"),
}  # fmt: skip


@pytest.mark.parametrize("addition", list(ADDITIONS))
def test_anything_in_a_signed_device_directory_the_signature_does_not_cover_fails(
    signed_runs: SignedRuns, run: Path, addition: str
) -> None:
    add, named = ADDITIONS[addition]
    add(run / DEVICE)
    for target in (run, run / DEVICE):
        report = verify(target, signed_runs.public_key)
        assert_refuses(report, DEVICE, named, "not covered by the signature")
        assert [d.name for d in report.devices if not d.ok] == [DEVICE]


def test_a_fifo_added_to_a_signed_device_directory_fails_without_being_opened(
    signed_runs: SignedRuns, run: Path
) -> None:
    os.mkfifo(run / DEVICE / "evidence" / "pipe")
    refused(verify_cli(run, signed_runs.public_key),
            f"{DEVICE}: evidence/pipe: not covered by the signature", "FIFO")  # fmt: skip


def test_a_renamed_evidence_file_is_named_missing_and_not_covered(
    signed_runs: SignedRuns, run: Path
) -> None:
    old = run / DEVICE / EVIDENCE
    old.rename(old.with_name("01-show-version.bak"))
    report = verify(run, signed_runs.public_key)
    assert_refuses(report, DEVICE, EVIDENCE, "missing")
    assert_refuses(report, DEVICE, "evidence/01-show-version.bak", "not covered by the signature")


def test_thousands_of_planted_files_are_counted_and_the_walk_is_bounded(
    signed_runs: SignedRuns, run: Path
) -> None:
    planted = run / DEVICE / "evidence" / "more"
    planted.mkdir()
    for number in range(10_001):
        (planted / f"{number:05d}.txt").touch()
    report = verify(run / DEVICE, signed_runs.public_key)
    assert report.status == "FAILED"
    named = [p for p in report.problems if p.startswith(f"{DEVICE}: evidence/more/")]
    assert len(named) == 20, report.render()  # then counted, not listed
    assert any("more entries not covered by the signature" in p for p in report.problems)
    assert any("more than 10,000 entries" in p for p in report.problems), report.render()


def test_a_planted_file_name_cannot_write_to_the_terminal(
    signed_runs: SignedRuns, run: Path
) -> None:
    (run / DEVICE / "evidence" / "x\x1b[2J\x1b[1;1HVERIFIED\r.txt").write_text("x", "utf-8")
    text = verify(run, signed_runs.public_key).render()
    assert text.startswith("FAILED") and "\x1b" not in text and "\r" not in text, text
    assert "x\\x1b[2J\\x1b[1;1HVERIFIED\\r.txt: not covered by the signature" in text


# ---------------------------------------------------------------- links, FIFOs, devices, sizes


def _link_to_dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _link_to_genuine_copy(path: Path) -> None:
    copy = path.parent.parent.parent / f"copy-of-{path.name}"
    if path.is_dir():
        shutil.copytree(path, copy)
        shutil.rmtree(path)
    else:
        shutil.copyfile(path, copy)
        path.unlink()
    path.symlink_to(copy)


REPLACEMENTS: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "certificate.json -> /dev/zero": ("certificate.json", _link_to_dev_zero, "symbolic link"),
    "certificate.json a FIFO": ("certificate.json", _fifo, "FIFO"),
    "certificate.sig -> /dev/zero": ("certificate.sig", _link_to_dev_zero, "symbolic link"),
    "certificate.sig a FIFO": ("certificate.sig", _fifo, "FIFO"),
    "certificate.html -> /dev/zero": ("certificate.html", _link_to_dev_zero, "symbolic link"),
    "evidence file -> /dev/zero": (EVIDENCE, _link_to_dev_zero, "symbolic link"),
    "evidence file a FIFO": (EVIDENCE, _fifo, "FIFO"),
    "certificate.json -> its genuine copy": ("certificate.json", _link_to_genuine_copy,
                                             "symbolic link"),
    "evidence/ -> its genuine copy": ("evidence", _link_to_genuine_copy, "symbolic link"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REPLACEMENTS))
def test_a_signed_file_that_is_not_a_regular_file_is_refused_without_hanging(
    signed_runs: SignedRuns, run: Path, case: str
) -> None:
    file, replace, words = REPLACEMENTS[case]
    replace(run / DEVICE / file)
    refused(verify_cli(run / DEVICE, signed_runs.public_key), f"{DEVICE}: {file}: ", words)


@pytest.mark.parametrize("replace", [_link_to_dev_zero, _fifo], ids=["-> /dev/zero", "a FIFO"])
def test_a_certificate_json_given_by_path_that_is_not_a_regular_file_is_refused(
    signed_runs: SignedRuns, run: Path, replace: Callable[[Path], None]
) -> None:
    replace(run / DEVICE / "certificate.json")
    refused(verify_cli(run / DEVICE / "certificate.json", signed_runs.public_key),
            f"{DEVICE}: certificate.json: ", "not a regular file")  # fmt: skip


@pytest.mark.parametrize("replace", [_link_to_dev_zero, _fifo], ids=["-> /dev/zero", "a FIFO"])
def test_a_run_json_that_is_not_a_regular_file_is_not_read(
    signed_runs: SignedRuns, run: Path, replace: Callable[[Path], None]
) -> None:
    replace(run / "run.json")
    proc = verify_cli(run, signed_runs.public_key)
    assert "run.json: " in proc.stdout and "not a regular file" in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_public_key_that_is_not_a_regular_file_is_a_usage_error(
    signed_runs: SignedRuns, run: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "signing.pub"
    os.mkfifo(fifo)
    for key in (fifo, Path("/dev/zero")):
        proc = verify_cli(run, key)
        assert proc.returncode == ExitCode.USAGE, proc.stdout + proc.stderr
        assert str(key) in proc.stderr and "not a regular file" in proc.stderr, proc.stderr


def _sparse(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


@pytest.mark.parametrize(
    ("file", "size"),
    [("certificate.json", 200 << 20), ("certificate.sig", 200 << 20), (EVIDENCE, 64 << 30)],
    ids=["certificate.json 200 MiB", "certificate.sig 200 MiB", "evidence 64 GiB"],
)
def test_a_signed_file_grown_huge_is_refused_by_its_size_without_reading_it(
    signed_runs: SignedRuns, run: Path, file: str, size: int
) -> None:
    _sparse(run / DEVICE / file, size)  # sparse: no disk used, but reading it takes long
    refused(verify_cli(run / DEVICE, signed_runs.public_key), f"{DEVICE}: {file}: ",
            f"{size:,} bytes", "larger than")  # fmt: skip
