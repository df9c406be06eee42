"""Signed certificates: an Ed25519 signature over a certificate and every file it relies on.

A signed device directory holds, next to `certificate.json`, a `certificate.sig`:

    {"schema": "netaccept.signature/1", "algorithm": "ed25519",
     "key": "ed25519:SHA256:<base64 of SHA-256 of the raw public key, no padding>",
     "signed_at": "2026-11-22T19:23:26.000Z",
     "manifest": {"certificate.html": "<sha256>", "certificate.json": "<sha256>",
                  "evidence/01-show-version.txt": "<sha256>", ...},
     "signature": "<base64 of the 64-byte Ed25519 signature>"}

The signature is over `canonical_json({"certificate": <certificate.json parsed>,
"manifest": <manifest>})`. The manifest maps each covered file, relative to the device
directory, to the SHA-256 of its bytes. It covers every evidence file the certificate
lists (in `evidence` and in each check's `evidence`), `certificate.html`,
`certificate.xml` and `certificate.pdf` when present (the copies people and other systems
read; one that appears after signing is reported), and `certificate.json` itself
as bytes, so that even a change that leaves the parsed JSON equal (whitespace, say) is
detected. `signed_at` is informational: it is not covered by the signature.

Verification recomputes the payload from the files on disk, so it needs nothing but the
device directory and the public key. Without a public key only integrity can be checked
(the files against `certificate.sig` and the certificate's own hashes); such a result is
labelled UNVERIFIED-KEY, because anyone able to edit the files could also have rewritten
`certificate.sig`.

No function here prints, logs or returns key material; error messages name files only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from netaccept.core.evidence import fsync_directory, iso, utc_now, write_atomic

SIGNATURE_SCHEMA = "netaccept.signature/1"
# Kept in step with netaccept.report.certificates.SCHEMA (not imported: certificates may import us).
CERTIFICATE_SCHEMA = "netaccept.certificate/1"
ALGORITHM = "ed25519"
CERTIFICATE_JSON = "certificate.json"
CERTIFICATE_SIG = "certificate.sig"
COPIES = ("certificate.html", "certificate.xml", "certificate.pdf")
"""Renderings of the certificate for people and other systems, covered when present.

A copy written after signing is reported as not covered: sign last."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"ed25519:SHA256:[A-Za-z0-9+/]{43}")
_CHUNK = 1 << 20

SignatureState = Literal["valid", "invalid", "unchecked", "missing"]


class SigningError(Exception):
    """A key or a path cannot be used: a usage error, reported without any key material."""


# ---------------------------------------------------------------- canonical form


def canonical_json(data: Any) -> bytes:
    """The one byte string that represents `data`, whatever its key order or whitespace.

    Object keys are sorted (by code point), there is no whitespace between tokens
    (`separators=(",", ":")`), non-ASCII characters are written as themselves rather than
    `\\u` escapes (`ensure_ascii=False`) and the text is encoded as UTF-8. Strings, integers,
    booleans and null are therefore written one way only; floats use Python's shortest
    round-trip representation (certificates carry none today). NaN and infinities are
    refused (`ValueError`), as is text that cannot be encoded as UTF-8 (a lone surrogate).
    Two JSON texts that differ only in key order, whitespace or `\\u` escapes have equal
    canonical bytes. (This is not RFC 8785: it is what `json.dumps` does, pinned down.)
    """
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def signed_payload(certificate: Any, manifest: Mapping[str, str]) -> bytes:
    """The bytes an Ed25519 signature of `certificate.sig` is over."""
    return canonical_json({"certificate": certificate, "manifest": dict(manifest)})


# ---------------------------------------------------------------- keys


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """`ed25519:SHA256:<base64 of SHA-256 of the 32 raw public key bytes, no padding>`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")
    return f"ed25519:SHA256:{digest}"


def generate_keypair(private_path: Path, public_path: Path, passphrase: bytes | None = None) -> str:
    """Create an Ed25519 key pair; return the public key's fingerprint.

    The private key is PEM (PKCS8), encrypted only when `passphrase` is given, mode 0600;
    the public key is PEM (SubjectPublicKeyInfo), mode 0644. Each file appears complete or
    not at all, and an existing file is never overwritten (`SigningError`).
    """
    private_path, public_path = Path(private_path), Path(public_path)
    if private_path.absolute() == public_path.absolute():
        raise SigningError("the private and the public key must go to two different files")
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise SigningError(f"{path} already exists; refusing to overwrite a key file")
    if passphrase is not None and not passphrase:
        raise SigningError("the passphrase is empty; give none for an unencrypted key")
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _create_new(private_path, private_pem, 0o600)
    try:
        _create_new(public_path, public_pem, 0o644)
    except BaseException:
        private_path.unlink(missing_ok=True)  # ours: created just above
        raise
    return fingerprint(key.public_key())


def _create_new(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to a new file `path` atomically; fail if `path` exists."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise SigningError(f"{path} already exists; refusing to overwrite a key file") from None
        except OSError:
            # No hard links on this file system: exclusive create, then write.
            _create_exclusive(path, data, mode)
    finally:
        Path(tmp).unlink(missing_ok=True)
    fsync_directory(path.parent)


def _create_exclusive(path: Path, data: bytes, mode: int) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise SigningError(f"{path} already exists; refusing to overwrite a key file") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def load_private_key(path: Path, passphrase: bytes | None = None) -> Ed25519PrivateKey:
    """Read an Ed25519 private key (PEM, PKCS8 or OpenSSH); `SigningError` if unusable."""
    data = _read_key_file(path, "private")
    try:
        if b"BEGIN OPENSSH PRIVATE KEY" in data:
            key: object = serialization.load_ssh_private_key(data, password=passphrase)
        else:
            key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        raise SigningError(
            f"{path}: the private key is encrypted and needs a passphrase"
            if passphrase is None
            else f"{path}: the private key is not encrypted; give no passphrase"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise SigningError(
            f"{path}: not a readable private key (wrong passphrase, or not a PEM private key)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read an Ed25519 public key (PEM, or an OpenSSH `ssh-ed25519 ...` line)."""
    data = _read_key_file(path, "public")
    if b"PRIVATE KEY" in data:
        raise SigningError(
            f"{path} holds a private key; give the public key file (keep the private one secret)"
        )
    try:
        if data.lstrip().startswith(b"ssh-ed25519 "):
            key: object = serialization.load_ssh_public_key(data.strip())
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise SigningError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{path}: not an Ed25519 public key")
    return key


def _read_key_file(path: Path, kind: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SigningError(f"{path}: no such {kind} key file") from None
    except IsADirectoryError:
        raise SigningError(f"{path}: is a directory, not a {kind} key file") from None
    except OSError as exc:
        raise SigningError(f"{path}: cannot read the {kind} key file: {exc.strerror}") from None


# ---------------------------------------------------------------- files and manifests


def _parse_json(raw: bytes) -> tuple[Any, str | None]:
    """(value, None), or (None, why the bytes are not one JSON document)."""
    if not raw.strip():
        return None, "empty (truncated?)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (invalid byte at offset {exc.start})"

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(text, parse_constant=refuse), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})"
    except ValueError as exc:
        return None, f"not valid JSON ({exc})"
    except RecursionError:
        return None, "not valid JSON (nested too deeply)"


def _safe_relative(name: str) -> bool:
    """A plain relative path inside the directory: no `..`, no absolute path, no tricks."""
    if not name or "\\" in name or "\x00" in name or PurePosixPath(name).is_absolute():
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


class _Unreadable(Exception):
    pass


def _sha256_file(directory: Path, name: str) -> str | None:
    """SHA-256 of `directory/name`, None when it does not exist; `_Unreadable` otherwise."""
    if not _safe_relative(name):
        raise _Unreadable("not a plain relative path inside the device directory")
    path = directory / name
    if not path.exists() and not path.is_symlink():
        return None
    try:
        inside = path.resolve().is_relative_to(directory.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise _Unreadable("resolves outside the device directory")
    if not path.is_file():
        raise _Unreadable("not a regular file")
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror}") from None
    return digest.hexdigest()


@dataclass(frozen=True)
class _Ref:
    file: str
    sha256: str


def _evidence_refs(certificate: Any) -> tuple[list[_Ref], list[str]]:
    """Every evidence reference of a parsed certificate, and what is malformed about it."""
    if not isinstance(certificate, dict):
        return [], ["not a JSON object"]
    errors: list[str] = []
    schema = certificate.get("schema")
    if schema != CERTIFICATE_SCHEMA:
        errors.append(f"schema is {schema!r}, expected {CERTIFICATE_SCHEMA!r}")
    lists: list[tuple[str, Any]] = [("evidence", certificate.get("evidence"))]
    checks = certificate.get("checks", [])
    if isinstance(checks, list):
        for number, check in enumerate(checks):
            where = f"checks[{number}].evidence"
            lists.append((where, check.get("evidence") if isinstance(check, dict) else None))
    else:
        errors.append("`checks` is not a list")
    refs: list[_Ref] = []
    for where, entries in lists:
        if not isinstance(entries, list):
            errors.append(f"`{where}` is missing or not a list")
            continue
        for number, entry in enumerate(entries):
            file = entry.get("file") if isinstance(entry, dict) else None
            sha = entry.get("sha256") if isinstance(entry, dict) else None
            if not isinstance(file, str) or not isinstance(sha, str):
                errors.append(f"`{where}[{number}]` has no `file` and `sha256` strings")
            elif not _safe_relative(file):
                errors.append(f"`{where}[{number}].file` {file!r} is not a relative path inside")
            else:
                refs.append(_Ref(file, sha))
    return refs, errors


def _covered(certificate_refs: list[_Ref], existing_copies: list[str]) -> list[str]:
    """The files a manifest covers, given the certificate's evidence and the copies present."""
    return sorted({CERTIFICATE_JSON, *existing_copies, *(r.file for r in certificate_refs)})


def _existing_copies(device_dir: Path) -> list[str]:
    return [name for name in COPIES if (device_dir / name).exists()]


# ---------------------------------------------------------------- signing


def sign_certificate(
    device_dir: Path, private_key: Path | Ed25519PrivateKey, passphrase: bytes | None = None
) -> Path:
    """Sign `device_dir/certificate.json` and its files; write and return `certificate.sig`.

    `private_key`: the key, or the path of its file (read with `passphrase`).

    Refuses (`SigningError`) a certificate that is missing, malformed, or whose evidence
    files are missing or do not match their SHA-256 in the certificate: a signature vouches
    for what is on disk, so it must be consistent.
    """
    device_dir = Path(device_dir)
    key = (
        private_key
        if isinstance(private_key, Ed25519PrivateKey)
        else load_private_key(private_key, passphrase)
    )
    certificate_path = device_dir / CERTIFICATE_JSON
    try:
        raw = certificate_path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{certificate_path}: cannot read: {exc.strerror}") from None
    certificate, error = _parse_json(raw)
    if error:
        raise SigningError(f"{certificate_path}: {error}")
    refs, errors = _evidence_refs(certificate)
    if errors:
        raise SigningError(f"{certificate_path}: " + "; ".join(errors))
    manifest: dict[str, str] = {}
    for name in _covered(refs, _existing_copies(device_dir)):
        if name == CERTIFICATE_JSON:
            manifest[name] = hashlib.sha256(raw).hexdigest()
            continue
        try:
            found = _sha256_file(device_dir, name)
        except _Unreadable as exc:
            raise SigningError(f"{device_dir / name}: {exc}") from None
        if found is None:
            raise SigningError(f"{device_dir / name}: missing; the certificate lists it")
        manifest[name] = found
    for ref in refs:
        if manifest[ref.file] != ref.sha256:
            raise SigningError(
                f"{device_dir / ref.file}: sha256 is {manifest[ref.file]}, but the certificate "
                f"says {ref.sha256}; refusing to sign inconsistent evidence"
            )
    try:
        payload = signed_payload(certificate, manifest)
    except ValueError as exc:
        raise SigningError(f"{certificate_path}: cannot be put in canonical form: {exc}") from None
    document = {
        "schema": SIGNATURE_SCHEMA,
        "algorithm": ALGORITHM,
        "key": fingerprint(key.public_key()),
        "signed_at": iso(utc_now()),
        "manifest": manifest,
        "signature": base64.b64encode(key.sign(payload)).decode("ascii"),
    }
    path = device_dir / CERTIFICATE_SIG
    write_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n", durable=True)
    return path


# ---------------------------------------------------------------- verification


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


@dataclass
class DeviceVerification:
    """What was found for one device directory."""

    name: str
    directory: Path
    signature: SignatureState = "missing"
    files_matched: int = 0
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        if self.problems:
            return "FAILED"
        return "VERIFIED" if self.signature == "valid" else "UNVERIFIED-KEY"


@dataclass
class VerifyReport:
    """The outcome of `verify`: `ok` when no problem was found.

    `ok` means integrity: every covered file is as signed. It means authenticity as well
    only when a public key was given (`authenticated`); without one, `status` is
    UNVERIFIED-KEY.
    """

    target: Path
    key: str | None
    devices: list[DeviceVerification] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def authenticated(self) -> bool:
        return (
            self.ok
            and self.key is not None
            and bool(self.devices)
            and all(d.signature == "valid" for d in self.devices)
        )

    @property
    def status(self) -> str:
        if not self.ok:
            return "FAILED"
        return "VERIFIED" if self.authenticated else "UNVERIFIED-KEY"

    def render(self, verbose: bool = False) -> str:
        failed = sum(1 for d in self.devices if not d.ok)
        count = f"{len(self.devices)} device{'s' if len(self.devices) != 1 else ''}"
        if self.status == "FAILED":
            head = f"FAILED: {failed} of {count} did not verify ({self.target})"
        elif self.status == "VERIFIED":
            head = f"VERIFIED: {count}, signed with {self.key} ({self.target})"
        else:
            head = f"UNVERIFIED-KEY: {count}, files intact, signer not checked ({self.target})"
        lines = [head]
        if self.key is None:
            lines.append(
                "UNVERIFIED-KEY: no public key was given, so no signature was checked and "
                "authenticity cannot be established. The files match certificate.sig and the "
                "certificates' own hashes (integrity only), but whoever can edit them can also "
                "rewrite certificate.sig. Verify with --public-key FILE."
            )
        else:
            lines.append(f"public key: {self.key}")
        width = max((len(d.name) for d in self.devices), default=0)
        for device in self.devices:
            if device.problems:
                plural = "s" if len(device.problems) != 1 else ""
                detail = f"{len(device.problems)} problem{plural}"
            elif device.signature == "valid":
                detail = f"signature valid, {device.files_matched} files match"
            else:
                detail = f"signature NOT checked, {device.files_matched} files match"
            lines.append(f"  {device.name:<{width}}  {device.status:<14}  {detail}")
        if self.problems:
            lines.append("Problems:")
            lines.extend(f"  {p}" for p in self.problems)
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  {n}" for n in self.notes)
        if verbose and self.checked:
            lines.append("Checked:")
            lines.extend(f"  {c}" for c in self.checked)
        return "\n".join(lines) + "\n"


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


__all__ = [
    "ALGORITHM",
    "SIGNATURE_SCHEMA",
    "DeviceVerification",
    "SigningError",
    "VerifyReport",
    "canonical_json",
    "fingerprint",
    "generate_keypair",
    "load_private_key",
    "load_public_key",
    "sign_certificate",
    "signed_payload",
    "verify",
]
