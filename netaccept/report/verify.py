"""Verifying signed certificates: a device directory, a `certificate.json` or a run directory.

Verification recomputes the signed payload from the files on disk, so it needs nothing but
the device directory and the public key. Each file is compared with what the signed
manifest and the certificate say it should be, and every difference is named: a file
changed after signing (and by which hash), missing, added after signing, not covered by the
signature, or a manifest entry or `certificate.json` altered. Without a public key only
integrity can be checked (the files against `certificate.sig` and the certificate's own
hashes); such a result is labelled UNVERIFIED-KEY, because anyone able to edit the files
could also have rewritten `certificate.sig`. In a run directory, a device that `run.json`
lists but whose files are gone is reported too.

Problems with certificates are reported (`VerifyReport`), never raised; `SigningError` is
raised only for a usage error. No key material is printed, logged or returned.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from netaccept.report.keys import SigningError, fingerprint, load_public_key
from netaccept.report.manifest import (
    ALGORITHM,
    CERTIFICATE_JSON,
    CERTIFICATE_SIG,
    SIGNATURE_SCHEMA,
    _covered,
    _evidence_refs,
    _existing_copies,
    _parse_json,
    _Ref,
    _safe_relative,
    _sha256_file,
    _Unreadable,
    signed_payload,
)
from netaccept.report.verify_report import DeviceVerification, VerifyReport

_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"ed25519:SHA256:[A-Za-z0-9+/]{43}")


@dataclass(frozen=True)
class _Signature:
    key: str
    signed_at: str
    manifest: dict[str, str]
    signature: bytes


def _parse_signature(raw: bytes) -> tuple[_Signature | None, str | None]:
    data, error = _parse_json(raw)
    if error:
        return None, error
    if not isinstance(data, dict):
        return None, "not a JSON object"
    if data.get("schema") != SIGNATURE_SCHEMA:
        return None, f"schema is {data.get('schema')!r}, expected {SIGNATURE_SCHEMA!r}"
    if data.get("algorithm") != ALGORITHM:
        return None, f"algorithm is {data.get('algorithm')!r}, expected {ALGORITHM!r}"
    key = data.get("key")
    if not isinstance(key, str) or not _FINGERPRINT.fullmatch(key):
        return None, "`key` is not an ed25519:SHA256:... fingerprint"
    signed_at = data.get("signed_at")
    if not isinstance(signed_at, str):
        return None, "`signed_at` is missing"
    manifest = data.get("manifest")
    if not isinstance(manifest, dict) or not manifest:
        return None, "`manifest` is missing or empty"
    for name, sha in manifest.items():
        if not _safe_relative(name):
            return None, f"manifest names {name!r}, not a relative path inside the directory"
        if not isinstance(sha, str) or not _HEX64.fullmatch(sha):
            return None, f"manifest entry for {name} is not a SHA-256 in lowercase hex"
    encoded = data.get("signature")
    try:
        signature = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else b""
    except (binascii.Error, ValueError):
        signature = b""
    if len(signature) != 64:
        return None, "`signature` is not the base64 of a 64-byte Ed25519 signature"
    return _Signature(key, signed_at, dict(manifest), signature), None


def _signature_valid(key: Ed25519PublicKey, signature: bytes, payload: bytes) -> bool:
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        return False
    return True


def verify(path: Path, public_key_path: Path | None = None) -> VerifyReport:
    """Verify a device directory, a `certificate.json` (its directory) or a run directory.

    Problems with the certificates are reported, never raised; `SigningError` is raised only
    for a usage error: `path` does not exist or holds no certificate, or the public key file
    cannot be used.
    """
    path = Path(path)
    public_key = load_public_key(public_key_path) if public_key_path is not None else None
    key = fingerprint(public_key) if public_key is not None else None
    try:
        directories, in_run, notes = _targets(path)
    except OSError as exc:
        raise SigningError(f"{path}: cannot be read: {exc.strerror}") from None
    report = VerifyReport(target=path, key=key, notes=notes)
    for directory in directories:
        try:
            device = _verify_device(directory, public_key, key, in_run)
        except OSError as exc:  # a directory that cannot be listed or stat'ed
            device = DeviceVerification(name=directory.name, directory=directory)
            where = Path(exc.filename).name if exc.filename else directory.name
            device.problems.append(f"{device.name}: {where}: cannot be read: {exc.strerror}")
        report.devices.append(device)
        report.problems.extend(device.problems)
        report.checked.extend(device.checked)
        report.notes.extend(device.notes)
    if in_run:
        report.notes.append(
            "run.json and index.html are not signed; rely on each device's certificate"
        )
    return report


def _is_device_dir(directory: Path) -> bool:
    return (directory / CERTIFICATE_JSON).exists() or (directory / CERTIFICATE_SIG).exists()


def _targets(path: Path) -> tuple[list[Path], bool, list[str]]:
    """(device directories, whether `path` is a run directory, notes)."""
    if not path.exists():
        raise SigningError(f"{path}: no such file or directory")
    if path.is_file():
        if path.name in (CERTIFICATE_JSON, CERTIFICATE_SIG):
            return [path.parent], False, []
        raise SigningError(f"{path}: not a certificate.json, a device directory or a run directory")
    if _is_device_dir(path):
        return [path], False, []
    notes: list[str] = []
    found = {
        child.name: child
        for child in path.iterdir()
        if child.is_dir() and not child.name.startswith(".") and _is_device_dir(child)
    }
    listed, note = _run_devices(path)
    if note:
        notes.append(note)
    for name in listed:
        found.setdefault(name, path / name)
    if not found:
        raise SigningError(
            f"{path}: no certificate.json here or in its subdirectories; give a run directory "
            "(reports/<run-id>), a device directory or a certificate.json"
        )
    return [found[name] for name in sorted(found)], True, notes


def _run_devices(run_dir: Path) -> tuple[list[str], str | None]:
    """The device names run.json lists (so a device whose files vanished is noticed)."""
    run_json = run_dir / "run.json"
    if not run_json.is_file():
        return [], None
    try:
        data, error = _parse_json(run_json.read_bytes())
    except OSError as exc:
        return [], f"run.json: cannot be read ({exc.strerror}); devices found by directory"
    devices = data.get("devices") if isinstance(data, dict) else None
    if error or not isinstance(devices, list):
        return [], f"run.json: {error or 'no device list'}; devices found by directory"
    names = [d.get("name") for d in devices if isinstance(d, dict)]
    return [n for n in names if isinstance(n, str) and _safe_relative(n) and "/" not in n], None


def _verify_device(
    directory: Path, public_key: Ed25519PublicKey | None, key: str | None, in_run: bool
) -> DeviceVerification:
    return _DeviceCheck(directory, public_key, key, in_run).run()


class _DeviceCheck:
    """One device directory: read, hash, check the signature, compare, in that order."""

    def __init__(
        self, directory: Path, public_key: Ed25519PublicKey | None, key: str | None, in_run: bool
    ) -> None:
        self.directory = directory
        self.public_key = public_key
        self.key = key
        self.in_run = in_run
        self.result = DeviceVerification(
            name=directory.resolve().name or str(directory), directory=directory
        )
        self.signature: _Signature | None = None
        self.cert_raw: bytes | None = None
        self.certificate: Any = None
        self.cert_usable = False
        self.refs: list[_Ref] = []
        self.copies: list[str] = []
        self.found: dict[str, str | None] = {}
        self.unreadable: set[str] = set()
        self.formatting_only = False

    # -------------------------------------------------------- helpers

    def problem(self, file: str, text: str) -> None:
        self.result.problems.append(f"{self.result.name}: {file}: {text}")

    @property
    def signed(self) -> dict[str, str]:
        return self.signature.manifest if self.signature else {}

    @property
    def names(self) -> set[str]:
        """Every file something says should be there."""
        return (
            set(self.signed) | {r.file for r in self.refs} | set(self.copies) | {CERTIFICATE_JSON}
        )

    def run(self) -> DeviceVerification:
        self.read_signature()
        self.read_certificate()
        self.hash_files()
        signature_problems = self.check_signature()
        self.compare_files()
        for text in signature_problems:
            self.problem(CERTIFICATE_SIG, text)
        if self.result.signature == "invalid" and not self.result.problems:
            self.problem(CERTIFICATE_SIG, "the signature does not verify over the files on disk")
        self.note_extra_evidence()
        return self.result

    # -------------------------------------------------------- steps

    def read_signature(self) -> None:
        try:
            raw = (self.directory / CERTIFICATE_SIG).read_bytes()
        except FileNotFoundError:
            self.problem(CERTIFICATE_SIG, "missing: the certificate is not signed")
            return
        except OSError as exc:
            self.problem(CERTIFICATE_SIG, f"cannot be read: {exc.strerror}")
            return
        self.signature, error = _parse_signature(raw)
        if error:
            self.problem(CERTIFICATE_SIG, f"malformed, cannot be used: {error}")

    def read_certificate(self) -> None:
        try:
            self.cert_raw = (self.directory / CERTIFICATE_JSON).read_bytes()
        except FileNotFoundError:
            return  # reported with the expected hash by compare_files
        except OSError as exc:
            self.problem(CERTIFICATE_JSON, f"cannot be read: {exc.strerror}")
            return
        self.certificate, error = _parse_json(self.cert_raw)
        if error:
            self.problem(CERTIFICATE_JSON, f"{error}; its signature and evidence cannot be checked")
            return
        self.refs, errors = _evidence_refs(self.certificate)
        for text in errors:
            self.problem(CERTIFICATE_JSON, f"malformed: {text}")
        self.cert_usable = not errors
        self.check_device_name()

    def check_device_name(self) -> None:
        device = self.certificate.get("device") if isinstance(self.certificate, dict) else None
        certified = device.get("name") if isinstance(device, dict) else None
        name = self.result.name
        if not isinstance(certified, str) or certified == name:
            return
        text = f"certifies device {certified!r}, but is in directory {name!r}"
        if self.in_run:
            self.problem(CERTIFICATE_JSON, text)
        else:
            self.result.notes.append(f"{name}: {CERTIFICATE_JSON}: {text}")

    def hash_files(self) -> None:
        self.copies = _existing_copies(self.directory)
        for file in sorted(self.names):
            if file == CERTIFICATE_JSON:
                raw = self.cert_raw
                self.found[file] = hashlib.sha256(raw).hexdigest() if raw is not None else None
                continue
            try:
                self.found[file] = _sha256_file(self.directory, file)
            except _Unreadable as exc:
                self.unreadable.add(file)
                self.problem(file, str(exc))

    def check_signature(self) -> list[str]:
        """Verify the signature over the payload recomputed from disk; its problems, if any."""
        result, signature, name = self.result, self.signature, self.result.name
        if signature is None:
            result.signature = "missing"
            return []
        if self.public_key is None:
            result.signature = "unchecked"
            result.checked.append(
                f"{name}: {CERTIFICATE_SIG}: UNVERIFIED-KEY, signature not checked "
                f"(it names key {signature.key})"
            )
            return []
        result.signature = "invalid"
        problems: list[str] = []
        key_matches = signature.key == self.key
        if not key_matches:
            problems.append(
                f"the key does not match: signed with {signature.key}, "
                f"but the given public key is {self.key}"
            )
        if not self.cert_usable:
            return problems  # the certificate's own problem lines say why
        on_disk = {
            f: h for f in _covered(self.refs, self.copies) if (h := self.found.get(f)) is not None
        }
        try:
            valid = _signature_valid(
                self.public_key, signature.signature, signed_payload(self.certificate, on_disk)
            )
            content_valid = valid or _signature_valid(
                self.public_key,
                signature.signature,
                signed_payload(self.certificate, self.signed),
            )
        except ValueError:
            self.problem(CERTIFICATE_JSON, "holds text that is not valid Unicode")
            return problems
        if valid:
            result.signature = "valid"
            result.checked.append(
                f"{name}: {CERTIFICATE_SIG}: signature valid over certificate.json and "
                f"{len(on_disk) - 1} files, key {self.key}, signed at {signature.signed_at} "
                "(signing time as stated, not itself signed)"
            )
        elif content_valid:
            # The certificate's content and the manifest are as signed; some file is not.
            cert_sha = self.found.get(CERTIFICATE_JSON)
            self.formatting_only = cert_sha != self.signed.get(CERTIFICATE_JSON)
            result.checked.append(
                f"{name}: {CERTIFICATE_SIG}: signature valid for the certificate's content and "
                "the signed manifest, so the expected hashes are authentic"
            )
        elif not key_matches:
            problems.append("the signature does not verify with the given public key")
        elif self.found.get(CERTIFICATE_JSON) != self.signed.get(CERTIFICATE_JSON):
            problems.append(
                "the signature does not verify: certificate.json was altered after signing"
            )
        else:
            problems.append(
                "the signature does not verify: certificate.sig was altered (or made with "
                "another key), or a file was replaced together with its manifest entry"
            )
        return problems

    def compare_files(self) -> None:
        """Each file against what the signed manifest and the certificate say it should be."""
        signed = self.signed
        covered = set(_covered(self.refs, self.copies)) if self.cert_usable else self.names
        cert_hashes: dict[str, set[str]] = {}
        for ref in self.refs:
            cert_hashes.setdefault(ref.file, set()).add(ref.sha256)
        for file in sorted(self.names - self.unreadable):
            actual = self.found.get(file)
            expected: dict[str, list[str]] = {}
            if file in signed:
                expected.setdefault(signed[file], []).append("signed manifest")
            for sha in sorted(cert_hashes.get(file, ())):
                expected.setdefault(sha, []).append("certificate.json")
            if self.result.signature == "valid" and file in signed and file not in covered:
                self.problem(
                    CERTIFICATE_SIG,
                    f"manifest lists {file}, which the signature does not cover "
                    "(entry added after signing)",
                )
                continue
            if actual is None:
                if file == CERTIFICATE_JSON or expected:
                    wanted = ", ".join(
                        f"{sha} ({' and '.join(src)})" for sha, src in expected.items()
                    )
                    self.problem(
                        file, "missing" + (f": expected sha256 {wanted}" if wanted else "")
                    )
                continue
            if self.signature is not None and file not in signed:
                self.not_in_manifest(file, actual, file in cert_hashes)
            mismatched = {sha: src for sha, src in expected.items() if sha != actual}
            for sha, sources in mismatched.items():
                self.mismatch(file, sha, sources, actual)
            if expected and not mismatched:
                self.result.files_matched += 1
                self.result.checked.append(f"{self.result.name}: {file}: sha256 {actual} matches")

    def not_in_manifest(self, file: str, actual: str, listed: bool) -> None:
        if file == CERTIFICATE_JSON:
            self.problem(CERTIFICATE_SIG, "the manifest has no entry for certificate.json")
        elif listed:
            self.problem(
                file,
                "not covered by the signature: certificate.json lists it but the signed "
                f"manifest does not (found sha256 {actual})",
            )
        else:
            self.problem(
                file,
                f"not covered by the signature: added after signing (found sha256 {actual})",
            )

    def mismatch(self, file: str, sha: str, sources: list[str], actual: str) -> None:
        if self.result.signature == "valid" and sources == ["signed manifest"]:
            self.problem(
                CERTIFICATE_SIG,
                f"manifest entry for {file} was altered after signing: expected sha256 "
                f"{actual} (the signed file, as on disk), found {sha}",
            )
        elif sources == ["signed manifest"] and self.result.signature == "unchecked":
            self.problem(
                file,
                f"does not match certificate.sig's manifest: expected sha256 {sha} "
                f"({' and '.join(sources)}), found {actual} (the file or certificate.sig was "
                "altered; without the public key it cannot be told which)",
            )
        elif "signed manifest" in sources:
            extra = (
                " (formatting only: its parsed content is still the signed content)"
                if file == CERTIFICATE_JSON and self.formatting_only
                else ""
            )
            self.problem(
                file,
                f"changed after signing: expected sha256 {sha} "
                f"({' and '.join(sources)}), found {actual}{extra}",
            )
        else:
            extra = (
                " (the file matches the signed manifest: certificate.json was altered)"
                if self.signed.get(file) == actual
                else ""
            )
            self.problem(
                file,
                f"does not match its sha256 in certificate.json: expected {sha}, "
                f"found {actual}{extra}",
            )

    def note_extra_evidence(self) -> None:
        evidence_dir = self.directory / "evidence"
        if not evidence_dir.is_dir():
            return
        names = self.names
        extra = sorted(
            f"evidence/{p.name}"
            for p in evidence_dir.iterdir()
            if p.is_file() and not p.name.startswith(".") and f"evidence/{p.name}" not in names
        )
        if extra:
            self.result.notes.append(
                f"{self.result.name}: not listed in the certificate, not checked (fine): "
                + ", ".join(extra)
            )
