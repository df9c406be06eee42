"""Broken recordings given to `--replay`, broken certificates given to `verify`.

Each must end in a clear message naming the file and what is wrong, through the command a
technician runs, never in a traceback: a recording that cannot be used makes its router's
checks `error` (the other routers are decided normally); a certificate that cannot be
verified fails verification with a non-zero exit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from netaccept.core.evidence import RecordingError, read_recording, write_atomic
from netaccept.report.signing import sign_certificate
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, Result, netaccept
from tests.unit.test_signing import build_device, make_keys

Breakage = Callable[[Path, dict[str, object]], object]


def _json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


RECORDING_BREAKAGES: dict[str, tuple[Breakage, str]] = {
    "truncated JSON": (
        lambda p, d: p.write_text(json.dumps(d)[:300], encoding="utf-8"),
        "malformed at (top level)",
    ),
    "outputs of the wrong type": (lambda p, d: _json(p, {**d, "outputs": ["show version"]}),
                                  "malformed at outputs"),
    "an output of the wrong type": (
        lambda p, d: _json(p, {**d, "outputs": {"show version": 12}}),
        "malformed at outputs.show version",
    ),
    "platform missing": (
        lambda p, d: _json(p, {k: v for k, v in d.items() if k != "platform"}),
        "malformed at platform",
    ),
    "binary file": (lambda p, d: p.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00"), "cannot read"),
    "empty file": (lambda p, d: p.write_bytes(b""), "malformed at (top level)"),
    "a directory": (lambda p, d: p.mkdir(), "cannot read"),
    "a list": (lambda p, d: _json(p, [d]), "malformed at (top level)"),
    "another platform": (
        lambda p, d: _json(p, {**d, "platform": "cisco_xr" if d["platform"] == "cisco_ios"
                               else "cisco_ios"}),
        "recorded from a",
    ),
    "another device": (lambda p, d: _json(p, {**d, "device": "chi-gsr-02"}), "of device"),
    "missing": (lambda p, d: None, "no recording"),
    "unknown key": (lambda p, d: _json(p, {**d, "outptus": {}}), "malformed at outptus"),
}  # fmt: skip

DEVICES = ["nyc-gsr-01", "nyc-gsr-02", "nyc-gsr-03", "chi-gsr-01", "chi-gsr-02", "chi-xr-01"]


def broken_recordings(directory: Path, breakages: list[str]) -> dict[str, str]:
    """The lab's recordings, the first devices each broken one way; device -> breakage."""
    directory.mkdir()
    broken = dict(zip(DEVICES, breakages, strict=False))
    for device in DEVICES:
        data = json.loads((LAB_RECORDINGS / f"{device}.json").read_text(encoding="utf-8"))
        path = directory / f"{device}.json"
        if device in broken:
            RECORDING_BREAKAGES[broken[device]][0](path, data)
        else:
            _json(path, data)
    return broken


def replay(tmp_path: Path, breakages: list[str]) -> tuple[Result, dict[str, str]]:
    broken = broken_recordings(tmp_path / "recordings", breakages)
    args = ["run", "--inventory", str(LAB_INVENTORY), "--replay", str(tmp_path / "recordings")]
    args += ["--no-progress", "--check", "bgp_neighbors", "--check", "rp_memory"]
    return netaccept(*args, out=tmp_path / "reports"), broken


HALVES = [list(RECORDING_BREAKAGES)[:6], list(RECORDING_BREAKAGES)[6:]]


@pytest.mark.parametrize("breakages", HALVES, ids=["first-six", "last-six"])
def test_a_broken_recording_is_an_error_naming_the_file_and_the_fault(
    tmp_path: Path, breakages: list[str]
) -> None:
    result, broken = replay(tmp_path, breakages)
    console = result.stdout + result.stderr
    assert "Traceback" not in console, console
    assert result.code == 6, console  # incomplete: some checks could not be decided
    statuses = result.statuses()
    for device in DEVICES:
        for check in ("bgp_neighbors", "rp_memory"):
            if device in broken:
                assert statuses[(device, check)] == "error", (device, broken[device])
                message = result.check(device, check)["message"]
                assert f"{device}.json" in message, (broken[device], message)
                assert RECORDING_BREAKAGES[broken[device]][1] in message, (
                    broken[device],
                    message,
                )
            else:
                assert statuses[(device, check)] in ("pass", "fail"), device


def test_a_replay_directory_that_does_not_exist_is_an_error_not_a_traceback(
    tmp_path: Path,
) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(tmp_path / "nowhere"),
        "--device", "nyc-gsr-01", "--check", "flash", "--no-progress", out=tmp_path / "reports",
    )  # fmt: skip
    console = result.stdout + result.stderr
    assert "Traceback" not in console
    assert result.code != 0
    assert "nowhere" in console or "nowhere" in json.dumps(result.check("nyc-gsr-01", "flash"))


@pytest.mark.parametrize("name", list(RECORDING_BREAKAGES))
def test_read_recording_raises_only_recording_error_naming_the_file(
    tmp_path: Path, name: str
) -> None:
    broken = broken_recordings(tmp_path / "recordings", [name])
    path = tmp_path / "recordings" / f"{DEVICES[0]}.json"
    if name == "another platform":
        assert read_recording(path).platform != "cisco_ios"  # refused by the transport
        return
    with pytest.raises(RecordingError) as caught:
        read_recording(path)
    assert str(path) in str(caught.value)
    assert RECORDING_BREAKAGES[broken[DEVICES[0]]][1] in str(caught.value)


# ---------------------------------------------------------------- verify


def verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`netaccept verify` as a user runs it (conftest's helper adds --out, which verify lacks)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    return subprocess.run(
        [sys.executable, "-m", "netaccept", "verify", *args],
        capture_output=True, text=True, env=environment, stdin=subprocess.DEVNULL,
        timeout=120, cwd=ROOT, check=False,
    )  # fmt: skip


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(0, len(data), 7):
        data[i] = (data[i] * 31 + 7) % 256
    path.write_bytes(bytes(data))


def _manifest_wrong_type(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    document["manifest"] = ["certificate.json"]
    path.write_text(json.dumps(document), encoding="utf-8")


def _manifest_escapes(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    document["manifest"]["../../etc/passwd"] = "0" * 64
    path.write_text(json.dumps(document), encoding="utf-8")


def _signature_not_base64(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    document["signature"] = "not base64 at all!"
    path.write_text(json.dumps(document), encoding="utf-8")


def _replace_by_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


CERTIFICATE_BREAKAGES: dict[str, tuple[str, Callable[[Path], object]]] = {
    "certificate truncated": ("certificate.json", _truncate),
    "certificate garbled": ("certificate.json", _garble),
    "certificate empty": ("certificate.json", lambda p: p.write_bytes(b"")),
    "certificate missing": ("certificate.json", lambda p: p.unlink()),
    "certificate binary": ("certificate.json", lambda p: p.write_bytes(b"\xff\xfe\x00\x01")),
    "certificate a directory": ("certificate.json", _replace_by_directory),
    "signature truncated": ("certificate.sig", _truncate),
    "signature garbled": ("certificate.sig", _garble),
    "signature empty": ("certificate.sig", lambda p: p.write_bytes(b"")),
    "signature missing": ("certificate.sig", lambda p: p.unlink()),
    "signature not base64": ("certificate.sig", _signature_not_base64),
    "manifest a list": ("certificate.sig", _manifest_wrong_type),
    "manifest escapes the directory": ("certificate.sig", _manifest_escapes),
    "evidence truncated": ("evidence", _truncate),
}


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A signed device directory and the public key, made once."""
    base = tmp_path_factory.mktemp("signed")
    keys = make_keys(base)
    device_dir = build_device(base / "reports" / "20261122T192324Z-d5ff03", "nyc-gsr-01")
    sign_certificate(device_dir, keys.private)
    return device_dir, keys.public


@pytest.mark.parametrize("name", list(CERTIFICATE_BREAKAGES))
def test_verify_of_a_broken_certificate_fails_naming_the_file(
    tmp_path: Path, signed: tuple[Path, Path], name: str
) -> None:
    original, public = signed
    device_dir = tmp_path / original.name
    shutil.copytree(original, device_dir)
    file, breakage = CERTIFICATE_BREAKAGES[name]
    target = device_dir / file
    if file == "evidence":
        target = sorted((device_dir / "evidence").iterdir())[0]
        file = f"evidence/{target.name}"
    breakage(target)

    proc = verify_cli(str(device_dir), "--public-key", str(public))

    console = proc.stdout + proc.stderr
    assert proc.returncode != 0, console
    assert "Traceback" not in console, console
    assert file.rsplit("/", 1)[-1] in console, console


def test_verify_of_a_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    proc = verify_cli(str(tmp_path / "nowhere"))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "nowhere" in proc.stdout + proc.stderr


def test_verify_with_a_broken_public_key_file_is_a_clear_error(
    tmp_path: Path, signed: tuple[Path, Path]
) -> None:
    device_dir, _public = signed
    bad_key = tmp_path / "bad.pub"
    bad_key.write_bytes(b"-----BEGIN PUBLIC KEY-----\ngarbage\n")
    proc = verify_cli(str(device_dir), "--public-key", str(bad_key))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "bad.pub" in proc.stdout + proc.stderr


# ---------------------------------------------------------------- atomic writes


def test_write_atomic_replaces_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "file.txt"
    write_atomic(path, "first")
    write_atomic(path, "second", durable=True)
    assert path.read_text(encoding="utf-8") == "second"
    assert [p.name for p in path.parent.iterdir()] == ["file.txt"]


def test_write_atomic_fsyncs_only_when_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "evidence.txt", "x")
    assert synced == []
    write_atomic(tmp_path / "certificate.sig", "y", durable=True)
    assert len(synced) == 2  # the file, then its directory
