"""Verifying signed certificates: a device directory, a `certificate.json` or a run directory.

Verification recomputes the signed payload from the files on disk, so it needs nothing but
the device directory and the public key. Each file is compared with what the signed
manifest and the certificate say it should be, and every difference is named: a file
changed after signing (and by which hash), missing, added after signing, not covered by the
signature, or a manifest entry or `certificate.json` altered. Anything in a signed device
directory that the signature does not cover fails, whatever it is; files are read only if
they are regular files (never through a link, never a FIFO or a device) and never beyond
their size or the cap for their kind. Without a public key only integrity can be checked
(the files against `certificate.sig` and the certificate's own hashes); such a result is
labelled UNVERIFIED-KEY, because anyone able to edit the files could also have rewritten
`certificate.sig`.

A certificate names its device and its run, and both are signed: it must stand in the
directory named after its device, and in a run directory it must be of that run (the
directory's name, or its run.json's id when the directory was renamed; for a merged run,
one of the runs run.json says it was merged from). So a genuine certificate of another run
or of another device put in a run's place is refused. In a run directory, a device that
`run.json` lists but whose files are gone is reported too, as is a device directory that
has lost its certificate.

Problems with certificates are reported (`VerifyReport`), never raised; `SigningError` is
raised only for a usage error. No key material is printed, logged or returned.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from netaccept.report.keys import SigningError, fingerprint, load_public_key
from netaccept.report.manifest import (
    ALGORITHM,
    CERTIFICATE_JSON,
    CERTIFICATE_SIG,
    CHECKSUMS,
    COPIES,
    SIGNATURE_SCHEMA,
    _covered,
    _describe,
    _evidence_refs,
    _existing_copies,
    _kind,
    _parse_json,
    _read_bounded,
    _Ref,
    _safe_relative,
    _sha256_file,
    _Unreadable,
    signed_payload,
)
from netaccept.report.verify_report import DeviceVerification, VerifyReport

_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"ed25519:SHA256:[A-Za-z0-9+/]{43}")
_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")  # certificates.new_run_id
RUN_JSON = "run.json"
_MAX_ENTRIES = 10_000  # in a device directory, or a run directory: far beyond any real one
_MAX_LISTED = 20  # files not covered named one by one; the rest are counted
_MAX_KEY_BYTES = 64 << 10


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


def verify(
    path: Path, public_key_path: Path | None = None, *, public_key: Ed25519PublicKey | None = None
) -> VerifyReport:
    """Verify a device directory, a `certificate.json` (its directory) or a run directory.

    The key is read from `public_key_path`, or given as `public_key` (`netaccept sign` checks
    what it signed). Problems with the certificates are reported, never raised; `SigningError`
    is raised only for a usage error: `path` does not exist or holds no certificate, or the
    public key file cannot be used.
    """
    path = Path(path)
    if public_key_path is not None:
        public_key = _load_public_key(public_key_path)
    key = fingerprint(public_key) if public_key is not None else None
    try:
        scope = _scope(path)
    except OSError as exc:
        raise SigningError(f"{path}: cannot be read: {exc.strerror}") from None
    report = VerifyReport(target=path, key=key, problems=scope.problems, notes=scope.notes)
    for directory in scope.devices:
        device = _verify_device(directory, public_key, key, scope)
        report.devices.append(device)
        report.problems.extend(device.problems)
        report.checked.extend(device.checked)
        report.notes.extend(device.notes)
    if scope.run_dir is not None and scope.binding.runs is None:
        report.problems.extend(_mixed_runs(scope.run_dir, report.devices))
    if scope.in_run:
        report.notes.append(
            "run.json and index.html are not signed; rely on each device's certificate"
        )
    return report


def device_directories(path: Path) -> list[Path]:
    """The device directories `verify(path)` checks: `path`'s, or each of a run directory.

    `SigningError` when `path` does not exist or holds no certificate."""
    try:
        return _scope(Path(path)).devices
    except OSError as exc:
        raise SigningError(f"{path}: cannot be read: {exc.strerror}") from None


def _load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key, refusing a FIFO, a device or a huge file before reading it."""
    try:
        found = Path(path).stat()
    except OSError:
        found = None  # load_public_key says what is wrong
    if found is not None and not stat.S_ISDIR(found.st_mode):
        if not stat.S_ISREG(found.st_mode):
            raise SigningError(f"{path}: {_kind(found.st_mode)}, not a regular file; give the "
                               "public key file (PEM)")  # fmt: skip
        if found.st_size > _MAX_KEY_BYTES:
            raise SigningError(
                f"{path}: {found.st_size:,} bytes, too large for a public key file; give the "
                "public key file (PEM)"
            )
    return load_public_key(path)


@dataclass(frozen=True)
class _RunSummary:
    """What a run directory's run.json says (not signed: a hint, checked against the rest)."""

    run_id: str | None
    merged_from: tuple[str, ...]
    devices: tuple[str, ...]


@dataclass(frozen=True)
class _Binding:
    """The runs a certificate may be of, given where it stands (`runs` None: no run there)."""

    runs: frozenset[str] | None
    where: str


@dataclass
class _Scope:
    """What `verify` was asked about: its device directories and the run they stand in."""

    devices: list[Path]
    in_run: bool  # `path` is a run directory
    run_dir: Path | None  # the run directory the devices stand in, if any
    binding: _Binding
    links: dict[str, str] = field(default_factory=dict)  # device name -> what it is instead
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _is_device_dir(directory: Path) -> bool:
    names = (CERTIFICATE_JSON, CERTIFICATE_SIG, *COPIES, "evidence")
    return any(os.path.lexists(directory / name) for name in names)


def _stands_in_run(directory: Path) -> bool:
    return os.path.lexists(directory / RUN_JSON) or bool(_RUN_ID.fullmatch(directory.name))


def _scope(path: Path) -> _Scope:
    device: Path | None = None
    if path.name in (CERTIFICATE_JSON, CERTIFICATE_SIG) and os.path.lexists(path):
        device = path.parent  # whatever the file is, its directory's check names it
    elif not path.exists():
        raise SigningError(f"{path}: no such file or directory")
    elif not path.is_dir():
        raise SigningError(f"{path}: not a certificate.json, a device directory or a run directory")
    elif _is_device_dir(path):
        device = path
    if device is None:
        return _run_scope(path)
    # Where it stands is where the path given puts it: a link to a device directory elsewhere
    # is not that run's device.
    device = Path(os.path.abspath(device))  # noqa: PTH100 (lexical: resolve follows links)
    run_dir = device.parent if _stands_in_run(device.parent) else None
    scope = _Scope([device], False, run_dir, _Binding(None, ""))
    if run_dir is not None and device.is_symlink():
        scope.links[device.name] = _describe(device, device.lstat().st_mode)
    _bind(scope)
    return scope


def _run_scope(run_dir: Path) -> _Scope:
    scope = _Scope([], True, run_dir, _Binding(None, ""))
    summary = _bind(scope)
    found: dict[str, Path] = {}
    for count, child in enumerate(run_dir.iterdir()):
        if count >= _MAX_ENTRIES:
            scope.problems.append(f"{run_dir.name}: more than {_MAX_ENTRIES:,} entries, far more "
                                  "than a run has: the rest were not examined")  # fmt: skip
            break
        if child.name.startswith("."):
            continue
        mode = child.lstat().st_mode
        if stat.S_ISLNK(mode) and (child.is_dir() or child.name in summary.devices):
            scope.links[child.name] = _describe(child, mode)
            found[child.name] = child
        elif stat.S_ISDIR(mode) and _is_device_dir(child):
            found[child.name] = child
    for name in summary.devices:
        found.setdefault(name, run_dir / name)
    if not found:
        raise SigningError(
            f"{run_dir}: no certificate.json here or in its subdirectories; give a run "
            "directory (reports/<run-id>), a device directory or a certificate.json"
        )
    scope.devices = [found[name] for name in sorted(found)]
    return scope


def _read_run_json(run_dir: Path) -> tuple[_RunSummary, str | None]:
    """What run.json says, and a note when it cannot be used (devices are then found by
    directory, and the run by the directory's name)."""
    nothing = _RunSummary(None, (), ())
    try:
        raw = _read_bounded(run_dir, RUN_JSON)
    except _Unreadable as exc:
        return nothing, f"{RUN_JSON}: {exc}: not read; devices found by directory"
    if raw is None:
        return nothing, None
    data, error = _parse_json(raw)
    devices = data.get("devices") if isinstance(data, dict) else None
    if error or not isinstance(data, dict) or not isinstance(devices, list):
        return nothing, f"{RUN_JSON}: {error or 'no device list'}; devices found by directory"
    names = [d.get("name") for d in devices if isinstance(d, dict)]
    run = data.get("run")
    run_id = run.get("id") if isinstance(run, dict) else None
    merged = data.get("merged_from")
    merged = merged if isinstance(merged, list) else []
    shards = [m.get("id") for m in merged if isinstance(m, dict)]
    summary = _RunSummary(
        run_id if isinstance(run_id, str) else None,
        tuple(m for m in shards if isinstance(m, str)),
        tuple(n for n in names if isinstance(n, str) and _safe_relative(n) and "/" not in n),
    )
    return summary, None


def _bind(scope: _Scope) -> _RunSummary:
    """Set `scope.binding` from where its devices stand; return what run.json says."""
    run_dir = scope.run_dir
    if run_dir is None:
        scope.binding = _Binding(None, "a directory that is no run directory (no run.json)")
        return _RunSummary(None, (), ())
    summary, note = _read_run_json(run_dir)
    if note:
        scope.notes.append(note)
    name = run_dir.resolve().name
    named_after_run = bool(_RUN_ID.fullmatch(name))
    own = name if named_after_run else summary.run_id
    if summary.run_id and named_after_run and summary.run_id != name:
        scope.problems.append(
            f"{RUN_JSON}: describes run {summary.run_id!r}, but its run directory is {name!r}"
        )
    if summary.merged_from:
        runs = ", ".join(summary.merged_from)
        scope.binding = _Binding(
            frozenset(summary.merged_from),
            f"merged run {own or name!r}, of runs {runs} (as its run.json says)",
        )
        scope.notes.append(
            f"{name}: a merged run: its certificates may be of runs {runs}, as run.json's "
            "merged_from says; run.json is not signed, so confirm them with the provider"
        )
        if own in summary.merged_from:
            scope.problems.append(
                f"{RUN_JSON}: lists run {own!r} among the runs it was merged from, but a merged "
                "run has an id of its own, which none of its certificates names"
            )
    elif own is None:
        scope.binding = _Binding(None, f"run directory {name!r}, which names no run")
    elif named_after_run:
        scope.binding = _Binding(frozenset({own}), f"run directory {name!r}")
    else:
        scope.binding = _Binding(
            frozenset({own}), f"run directory {name!r} of run {own!r} (as its run.json says)"
        )
    return summary


def _mixed_runs(run_dir: Path, devices: list[DeviceVerification]) -> list[str]:
    """With no run to bind to (a renamed run directory without run.json), its certificates
    must at least all be of one run."""
    by_run: dict[str, list[str]] = {}
    for device in devices:
        if device.run is not None:
            by_run.setdefault(device.run, []).append(device.name)
    if len(by_run) < 2:
        return []
    runs = "; ".join(f"run {run}: {', '.join(names)}" for run, names in sorted(by_run.items()))
    return [
        f"{run_dir.name}: holds certificates of {len(by_run)} runs ({runs}) and no run.json "
        "says which run it is"
    ]


def _verify_device(
    directory: Path, public_key: Ed25519PublicKey | None, key: str | None, scope: _Scope
) -> DeviceVerification:
    name = directory.name
    if name in scope.links:
        device = DeviceVerification(name=name, directory=directory)
        device.problems.append(
            f"{name}: the device directory is {scope.links[name]}: refused, a signed device "
            "directory must be the directory itself"
        )
        return device
    try:
        return _DeviceCheck(directory, public_key, key, scope).run()
    except OSError as exc:  # a directory that cannot be listed or stat'ed
        device = DeviceVerification(name=name, directory=directory)
        where = Path(exc.filename).name if exc.filename else name
        device.problems.append(f"{name}: {where}: cannot be read: {exc.strerror}")
        return device


def _uncovered(directory: Path, allowed: set[str]) -> tuple[list[tuple[str, str]], bool]:
    """Each entry under `directory` that is neither an `allowed` file nor a directory on the
    way to one, with what it is; and whether the walk stopped at `_MAX_ENTRIES`. Nothing is
    opened or followed."""
    ways = {"/".join(n.split("/")[:i]) for n in allowed for i in range(1, n.count("/") + 1)}
    found: list[tuple[str, str]] = []
    pending, seen = [""], 0
    while pending:
        prefix = pending.pop()
        with os.scandir(directory / prefix) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        if prefix and not entries and prefix not in ways:
            found.append((prefix, "not covered by the signature: an empty directory, added after "
                          "signing"))  # fmt: skip
        for entry in entries:
            seen += 1
            if seen > _MAX_ENTRIES:
                return sorted(found), True
            name = f"{prefix}/{entry.name}" if prefix else entry.name
            found_stat = entry.stat(follow_symlinks=False)
            mode = found_stat.st_mode
            if stat.S_ISDIR(mode) and name in allowed:
                continue  # a directory where a signed file should be: the reader names it
            if stat.S_ISDIR(mode):
                pending.append(name)
            elif name in ways:
                what = _describe(Path(entry.path), mode)
                found.append((name, f"{what} where a directory of signed files should be: refused"))
            elif name not in allowed:
                what = (
                    f"a file of {found_stat.st_size:,} bytes"
                    if stat.S_ISREG(mode)
                    else _describe(Path(entry.path), mode)
                )
                found.append((name, f"not covered by the signature: {what}, added after signing"))
    return sorted(found), False


class _DeviceCheck:
    """One device directory: read, hash, check the signature, compare, in that order."""

    def __init__(
        self, directory: Path, public_key: Ed25519PublicKey | None, key: str | None, scope: _Scope
    ) -> None:
        self.directory = directory
        self.public_key = public_key
        self.key = key
        self.binding = scope.binding
        self.in_run_dir = scope.run_dir is not None
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
        self.refuse_uncovered()
        return self.result

    # -------------------------------------------------------- steps

    def read(self, file: str) -> bytes | None:
        """A JSON file of the directory, bounded; None (and the problem named) if refused."""
        try:
            raw = _read_bounded(self.directory, file)
        except (_Unreadable, OSError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else str(exc)
            self.problem(file, f"{why}: refused")
            self.unreadable.add(file)
            return None
        if raw is None and file == CERTIFICATE_SIG:
            self.problem(CERTIFICATE_SIG, "missing: the certificate is not signed")
        return raw

    def read_signature(self) -> None:
        raw = self.read(CERTIFICATE_SIG)
        if raw is None:
            return
        self.signature, error = _parse_signature(raw)
        if error:
            self.problem(CERTIFICATE_SIG, f"malformed, cannot be used: {error}")

    def read_certificate(self) -> None:
        self.cert_raw = self.read(CERTIFICATE_JSON)
        if self.cert_raw is None:
            return  # missing: reported with the expected hash by compare_files
        self.certificate, error = _parse_json(self.cert_raw)
        if error:
            self.problem(CERTIFICATE_JSON, f"{error}; its signature and evidence cannot be checked")
            return
        self.refs, errors = _evidence_refs(self.certificate)
        for text in errors:
            self.problem(CERTIFICATE_JSON, f"malformed: {text}")
        self.cert_usable = not errors
        if isinstance(self.certificate, dict):
            self.check_device_and_run(self.certificate)

    def check_device_and_run(self, certificate: dict[str, Any]) -> None:
        """The certificate's device and run (both signed) against where it stands."""
        device, run = certificate.get("device"), certificate.get("run")
        certified = device.get("name") if isinstance(device, dict) else None
        run_id = run.get("id") if isinstance(run, dict) else None
        name = self.result.name
        if not isinstance(certified, str) or not isinstance(run_id, str):
            self.problem(CERTIFICATE_JSON, "names no device (`device.name`) or no run "
                         "(`run.id`): it cannot be bound to either")  # fmt: skip
            return
        self.result.run = run_id
        if certified != name:
            self.problem(CERTIFICATE_JSON, f"certifies device {certified!r}, but is in directory "
                         f"{name!r}: a certificate of another device")  # fmt: skip
        if certificate.get("certificate_id") != f"{run_id}/{certified}":
            self.problem(CERTIFICATE_JSON, f"its certificate_id is not {run_id}/{certified}, "
                         "the run and device it names")  # fmt: skip
        runs, where = self.binding.runs, self.binding.where
        if runs is not None and run_id not in runs:
            self.problem(CERTIFICATE_JSON, f"certificate of run {run_id!r}, but it stands in "
                         f"{where}: a certificate of another run")  # fmt: skip
        elif runs is None and not self.in_run_dir:
            self.result.notes.append(
                f"{name}: {CERTIFICATE_JSON}: certificate of run {run_id}; not checked against "
                f"a run: it stands in {where}"
            )

    def hash_files(self) -> None:
        self.copies = _existing_copies(self.directory)
        for file in sorted(self.names):
            if file == CERTIFICATE_JSON:
                raw = self.cert_raw
                self.found[file] = hashlib.sha256(raw).hexdigest() if raw is not None else None
                continue
            if file in self.unreadable:
                continue
            try:
                self.found[file] = _sha256_file(self.directory, file)
            except _Unreadable as exc:
                self.unreadable.add(file)
                signed = file in self.signed or self.signature is None
                self.problem(file, f"{exc}: refused" if signed else
                             f"not covered by the signature: {exc}: refused")  # fmt: skip

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
            if file in signed and file not in covered and self.entry_added(file):
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

    def entry_added(self, file: str) -> bool:
        """Whether the signed manifest lists `file` that its signature cannot cover."""
        if self.result.signature == "valid":
            return True
        # A signature never covers a file the certificate does not list, other than a copy
        # (a copy that is gone is reported missing).
        return self.cert_usable and file not in (*COPIES, *CHECKSUMS)

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

    def refuse_uncovered(self) -> None:
        """Anything in a signed device directory that no one says should be there fails."""
        if self.signature is None:
            return  # not signed: nothing is covered, and that is already the problem
        found, stopped = _uncovered(self.directory, self.names | {CERTIFICATE_SIG})
        for file, text in found[:_MAX_LISTED]:
            self.problem(file, text)
        if len(found) > _MAX_LISTED:
            self.problem(".", f"{len(found) - _MAX_LISTED:,} more entries not covered by the "
                         "signature, added after signing")  # fmt: skip
        if stopped:
            self.problem(".", f"more than {_MAX_ENTRIES:,} entries, far more than a signature "
                         "covers: refused, the rest were not examined")  # fmt: skip
