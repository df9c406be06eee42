"""Checks that need no netaccept: `SHA256SUMS` and its OpenSSH signature `SHA256SUMS.sig`.

A signed device directory also holds `SHA256SUMS`, one `sha256sum` line (`<hex>  <name>`)
per file of the certificate (`certificate.json`, its copies and every evidence file), and
`SHA256SUMS.sig`, an SSHSIG signature of `SHA256SUMS` made with the same Ed25519 key as
`certificate.sig`, in namespace `netaccept-certificate`: the format of
`ssh-keygen -Y sign` (OpenSSH's PROTOCOL.sshsig). So a customer with nothing but OpenSSH
and coreutils can check a certificate:

    ssh-keygen -Y verify -f allowed_signers -I netaccept -n netaccept-certificate \\
        -s SHA256SUMS.sig < SHA256SUMS
    sha256sum -c SHA256SUMS

The signature is computed here with `cryptography`; ssh-keygen is never run.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Mapping

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

NAMESPACE = "netaccept-certificate"
IDENTITY = "netaccept"
"""The principal an allowed_signers line names; `ssh-keygen -Y verify -I` must give it."""
_MAGIC = b"SSHSIG"
_VERSION = 1
_HASH = "sha512"
_WRAP = 70  # columns of the armored signature, as ssh-keygen writes it


def _string(data: bytes) -> bytes:
    """An SSH wire `string`: uint32 length, then the bytes."""
    return struct.pack(">I", len(data)) + data


def public_key_blob(public_key: Ed25519PublicKey) -> bytes:
    """The SSH wire form of an Ed25519 public key: string "ssh-ed25519", string key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _string(b"ssh-ed25519") + _string(raw)


def openssh_public_key(public_key: Ed25519PublicKey) -> str:
    """`ssh-ed25519 AAAA...`, as in an authorized_keys or allowed_signers file."""
    encoding, form = serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    return public_key.public_bytes(encoding, form).decode("ascii")


def ssh_fingerprint(public_key: Ed25519PublicKey) -> str:
    """`SHA256:...`, the fingerprint `ssh-keygen -l` and `ssh-keygen -Y verify` print."""
    digest = hashlib.sha256(public_key_blob(public_key)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def allowed_signers_line(public_key: Ed25519PublicKey) -> str:
    """The allowed_signers line that trusts this key for certificates, and nothing else."""
    return f'{IDENTITY} namespaces="{NAMESPACE}" {openssh_public_key(public_key)}'


def sign(key: Ed25519PrivateKey, message: bytes, namespace: str = NAMESPACE) -> str:
    """The armored SSHSIG signature of `message`, as `ssh-keygen -Y sign -n namespace` makes."""
    digest = hashlib.sha512(message).digest()
    fields = _string(namespace.encode()) + _string(b"") + _string(_HASH.encode())
    signed = _MAGIC + fields + _string(digest)
    signature = _string(b"ssh-ed25519") + _string(key.sign(signed))
    blob = (
        _MAGIC
        + struct.pack(">I", _VERSION)
        + _string(public_key_blob(key.public_key()))
        + fields
        + _string(signature)
    )
    text = base64.b64encode(blob).decode("ascii")
    lines = [text[i : i + _WRAP] for i in range(0, len(text), _WRAP)]
    armored = ["-----BEGIN SSH SIGNATURE-----", *lines, "-----END SSH SIGNATURE-----"]
    return "\n".join(armored) + "\n"


def sha256sums(hashes: Mapping[str, str]) -> bytes:
    """`sha256sum` lines, `<hex>  <name>`, sorted by name; `ValueError` for a name that
    `sha256sum -c` would read differently (a line break or a backslash in it)."""
    lines = []
    for name in sorted(hashes):
        if any(c in name for c in "\n\r\\"):
            raise ValueError(f"{name!r}: a file name sha256sum cannot list as it is")
        lines.append(f"{hashes[name]}  {name}\n")
    return "".join(lines).encode("utf-8")
