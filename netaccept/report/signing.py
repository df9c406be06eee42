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

Beside it, `SHA256SUMS` lists every other file of the manifest as `sha256sum` lines, and
`SHA256SUMS.sig` is their OpenSSH signature (`ssh-keygen -Y sign` format, namespace
`netaccept-certificate`, the same key): both are covered by `certificate.sig`'s manifest,
and let a certificate be checked with `ssh-keygen -Y verify` and `sha256sum -c` alone
(see `netaccept.report.sshsig`).

`sign_certificate` writes `certificate.sig`; it refuses a certificate whose evidence is
missing or does not match, since a signature vouches for what is on disk.

The code is in four modules, and every name of `__all__` stays importable from here:
`netaccept.report.manifest` (the canonical form, the payload and the manifest's files),
`netaccept.report.keys` (key pairs, loading keys, fingerprints, `SigningError`),
`netaccept.report.verify` (`verify`) and `netaccept.report.verify_report` (its result).

No function here prints, logs or returns key material; error messages name files only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from netaccept.core.evidence import iso, utc_now, write_atomic
from netaccept.report import sshsig
from netaccept.report.keys import (
    Signer,
    SigningError,
    fingerprint,
    generate_keypair,
    load_private_key,
    load_public_key,
)
from netaccept.report.manifest import (
    ALGORITHM,
    CERTIFICATE_JSON,
    CERTIFICATE_SIG,
    CHECKSUMS,
    SHA256SUMS,
    SHA256SUMS_SIG,
    SIGNATURE_SCHEMA,
    _covered,
    _evidence_refs,
    _existing_copies,
    _parse_json,
    _sha256_file,
    _Unreadable,
    canonical_json,
    signed_payload,
)
from netaccept.report.verify import verify
from netaccept.report.verify_report import DeviceVerification, VerifyReport


def sign_certificate(
    device_dir: Path, private_key: Path | Ed25519PrivateKey, passphrase: bytes | None = None
) -> Path:
    """Sign `device_dir/certificate.json` and its files; write and return `certificate.sig`.

    `private_key`: the key, or the path of its file (read with `passphrase`). Signing again
    (after a PDF was added, or with another key) replaces the signature files.

    Writes `SHA256SUMS` and `SHA256SUMS.sig` first (`netaccept.report.sshsig`), then
    `certificate.sig`, whose manifest covers them too. Refuses (`SigningError`) a
    certificate that is missing, malformed, or whose evidence files are missing or do not
    match their SHA-256 in the certificate: a signature vouches for what is on disk, so it
    must be consistent.
    """
    device_dir = Path(device_dir)
    key = (
        private_key
        if isinstance(private_key, Ed25519PrivateKey)
        else load_private_key(private_key, passphrase)
    )
    certificate, manifest = _certificate_manifest(device_dir)
    try:
        sums = sshsig.sha256sums(manifest)
    except ValueError as exc:
        raise SigningError(f"{device_dir}: {exc}") from None
    armored = sshsig.sign(key, sums).encode("ascii")
    for name, data in ((SHA256SUMS, sums), (SHA256SUMS_SIG, armored)):
        write_atomic(device_dir / name, data, durable=True)
        manifest[name] = hashlib.sha256(data).hexdigest()
    try:
        payload = signed_payload(certificate, manifest)
    except ValueError as exc:
        raise SigningError(
            f"{device_dir / CERTIFICATE_JSON}: cannot be put in canonical form: {exc}"
        ) from None
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


def _certificate_manifest(device_dir: Path) -> tuple[Any, dict[str, str]]:
    """The parsed certificate and the SHA-256 of each file it relies on (not the checksum
    files, which are made from these); `SigningError` when they are not consistent."""
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
    copies = [name for name in _existing_copies(device_dir) if name not in CHECKSUMS]
    manifest: dict[str, str] = {}
    for name in _covered(refs, copies):
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
    return certificate, manifest


__all__ = [
    "ALGORITHM",
    "SIGNATURE_SCHEMA",
    "DeviceVerification",
    "Signer",
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
