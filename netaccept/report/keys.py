"""Ed25519 signing keys: a new key pair, loading a private or a public key, fingerprints.

`generate_keypair` writes the private key as PEM (PKCS8, encrypted when a passphrase is
given, mode 0600) and the public key as PEM (SubjectPublicKeyInfo, mode 0644); each file
appears complete or not at all, and an existing file is never overwritten. The loaders
read PEM and OpenSSH keys and refuse anything that is not an Ed25519 key of the expected
kind. A key is named by its fingerprint, `ed25519:SHA256:<base64 of SHA-256 of the raw
public key, no padding>`, as `certificate.sig` names the key that signed it.

No function here prints, logs or returns key material; error messages name files only.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from netaccept.core.evidence import fsync_directory
from netaccept.report.sshsig import ssh_fingerprint


class SigningError(Exception):
    """A key or a path cannot be used: a usage error, reported without any key material."""


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """`ed25519:SHA256:<base64 of SHA-256 of the 32 raw public key bytes, no padding>`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii").rstrip("=")
    return f"ed25519:SHA256:{digest}"


@dataclass(frozen=True)
class Signer:
    """The public names of a signing key, as a certificate shows them before it is signed."""

    fingerprint: str  # as certificate.sig and `netaccept verify` name it
    ssh_fingerprint: str  # as `ssh-keygen -Y verify` and `ssh-keygen -l` print it

    @classmethod
    def of(cls, key: Ed25519PrivateKey | Ed25519PublicKey) -> Signer:
        public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
        return cls(fingerprint(public), ssh_fingerprint(public))


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
