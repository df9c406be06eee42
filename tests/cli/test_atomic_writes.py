"""Nothing half-written: a writer that fails mid-write leaves the previous file, or none.

Each of the harness's writers is made to fail in the middle of writing, for real: in a
child process whose file size limit (RLIMIT_FSIZE) is smaller than the new file, so the
operating system accepts the first bytes and refuses the rest, as a full disk does. The
run directory must then hold exactly what it held before, byte for byte, and no
temporary file.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netaccept.core.evidence import Evidence, iso, read_recording, sha256_text, write_recording
from netaccept.inventory import load_inventory
from netaccept.report.certificates import (
    Certificate,
    EvidenceRef,
    Identity,
    RunInfo,
    _slug,
    build_certificate,
    write_device,
    write_evidence,
    write_index,
)
from netaccept.report.signing import generate_keypair, sign_certificate
from netaccept.report.xmlcert import write_certificate_xml
from netaccept.session.captured import DeviceCapture
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT

WRITERS = (
    "evidence",
    "certificate_json_html",
    "certificate_xml",
    "run_index",
    "recording",
    "signature",
)
LIMIT = 600  # bytes: every file above is larger, so each write fails part-way


def _writers(directory: Path, version: int) -> dict[str, Callable[[], object]]:
    """The harness's writers, producing different content for each `version`."""
    inventory = load_inventory(LAB_INVENTORY)
    device = inventory.device("nyc-gsr-01")
    moment = datetime(2026, 11, 22, 10, version, tzinfo=UTC)
    capture = DeviceCapture(device, "replay", moment, moment)
    outputs = read_recording(LAB_RECORDINGS / "nyc-gsr-01.json").outputs
    for command, output in outputs.items():
        text = output + f"\n! version {version}\n" * (1 + version * 50)
        capture.evidence[command] = Evidence.of(command, text, moment)
    info = RunInfo("run-1", moment, moment, "initial", f"technician {version}", "replay", inventory)
    run_dir = directory / "run-1"
    device_dir = run_dir / device.name
    key = directory / "signing.key"
    if not key.exists():
        generate_keypair(key, directory / "signing.pub")

    def certificate() -> Certificate:
        refs = write_evidence(device_dir, capture) if version == 0 else _refs(device_dir, capture)
        return build_certificate(info, device, Identity(), capture, [], refs)

    def evidence() -> object:
        return write_evidence(device_dir, capture)

    def device_files() -> object:
        cert = certificate()
        return write_device(run_dir, cert, {c: e.output for c, e in capture.evidence.items()})

    def xml() -> object:
        return write_certificate_xml(device_dir, certificate())

    def index() -> object:
        return write_index(run_dir, info, [certificate()])

    def recording() -> object:
        return write_recording(
            directory / "recording", device.name, device.platform, list(capture.evidence.values())
        )

    def signature() -> object:
        return sign_certificate(device_dir, key)

    return {
        "evidence": evidence,
        "certificate_json_html": device_files,
        "certificate_xml": xml,
        "run_index": index,
        "recording": recording,
        "signature": signature,
    }


def _refs(device_dir: Path, capture: DeviceCapture) -> dict[str, EvidenceRef]:
    """The evidence manifest of the files already on disk (version 0), without rewriting."""
    refs: dict[str, EvidenceRef] = {}
    for number, (command, evidence) in enumerate(capture.evidence.items(), start=1):
        relative = f"evidence/{number:02d}-{_slug(command)}.txt"
        text = (device_dir / relative).read_text(encoding="utf-8")
        refs[command] = EvidenceRef(
            command=command,
            sha256=sha256_text(text),
            file=relative,
            captured_at=iso(evidence.captured_at),
        )
    return refs


def crash_child(directory: str, writer: str) -> None:
    """In a child process: write every file once, then rerun `writer` over a small limit."""
    root = Path(directory)
    for write in _writers(root, 0).values():
        write()
    print(json.dumps({"before": snapshot(root)}), flush=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG from write(), not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, resource.RLIM_INFINITY))
    try:
        _writers(root, 1)[writer]()
    except OSError as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
    else:
        print(json.dumps({"error": None}), flush=True)


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("writer", WRITERS)
def test_a_writer_that_fails_mid_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, writer: str
) -> None:
    code = "from tests.cli.test_atomic_writes import crash_child; "
    code += f"crash_child({str(tmp_path)!r}, {writer!r})"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    before_line, error_line = proc.stdout.strip().splitlines()[-2:]
    before = json.loads(before_line)["before"]
    error = json.loads(error_line)["error"]
    assert error is not None and "File too large" in error, error  # it really failed mid-write
    assert snapshot(tmp_path) == before  # every file as it was, nothing added (no temporary)
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".") or ".tmp" in p.name]


def test_the_harness_writes_files_only_through_write_atomic() -> None:
    """No writer in the package opens a file for writing except the atomic helpers."""
    allowed = {
        "evidence.py",  # write_atomic itself
        "keys.py",  # key files: exclusive create of a temporary, then link
        "lab.py",  # the simulated routers' own files (keys, spec, log), not reports
        "cli.py",  # `netaccept lab`: its spec in a temporary directory
        "pdf.py",  # Chromium prints to .NAME.partial, renamed when it is a PDF
    }
    offenders = []
    for path in sorted((ROOT / "netaccept").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        writes = any(
            marker in text
            for marker in ("write_text(", "write_bytes(", 'open("w', "open('w", '"wb")', '"w")')
        )
        if writes and path.name not in allowed:
            offenders.append(path.name)
    assert not offenders, f"write through netaccept.core.evidence.write_atomic: {offenders}"
