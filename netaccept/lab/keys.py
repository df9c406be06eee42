"""The lab's SSH host keys: generating them, reading them, and pinning them for a client.

A router presents the lab's host key (one per process, generated unless the spec names a
file) or its own ``host_key_path``. Tests pin those keys in a known_hosts file
(:func:`known_hosts_line`) so that a strict client connects, and use
:func:`generate_host_key_pair` to stage a key change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from netaccept.lab.spec import check_name

__all__ = [
    "HostKeyPair",
    "default_host_key",
    "generate_host_key",
    "generate_host_key_pair",
    "host_public_key",
    "known_hosts_line",
    "load_host_key",
]


_host_key: asyncssh.SSHKey | None = None


def default_host_key() -> asyncssh.SSHKey:
    """The lab's host key when the spec names none, generated on first use."""
    # One key per process: cheap, and every router in a lab presents the same identity.
    global _host_key
    if _host_key is None:
        _host_key = asyncssh.generate_private_key("ssh-ed25519")
    return _host_key


def load_host_key(path: Path, owner: str) -> asyncssh.SSHKey:
    """Read a private host key file; `owner` ("lab", "router NAME") prefixes the error."""
    try:
        return asyncssh.read_private_key(path)
    except (OSError, asyncssh.KeyImportError) as exc:
        raise ValueError(f"{owner}: cannot read host key {path}: {exc}") from exc


@dataclass(frozen=True)
class HostKeyPair:
    """Two private host key files for one router: the key it had, and the one it has now."""

    previous: Path
    current: Path


def generate_host_key(path: Path, algorithm: str = "ssh-ed25519", bits: int | None = None) -> Path:
    """Write a new private host key (OpenSSH format, mode 0600) to `path`; return `path`.

    `bits`: the key size of an RSA key (a legacy router's is 1024).
    """
    key = (
        asyncssh.generate_private_key(algorithm, key_size=bits)
        if bits
        else asyncssh.generate_private_key(algorithm)
    )
    data = key.export_private_key()
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def generate_host_key_pair(
    directory: Path, name: str = "router", algorithm: str = "ssh-ed25519"
) -> HostKeyPair:
    """Two distinct host keys in `directory`, for host-key-change tests.

    Pin ``previous`` in a known_hosts file (:func:`known_hosts_line`) and serve ``current``
    as the router's ``host_key_path`` (or serve both in turn with a ``host_key_changed``
    fault whose ``previous_host_key_path`` is ``previous``).
    """
    check_name(name)
    directory = Path(directory)
    return HostKeyPair(
        generate_host_key(directory / f"{name}.previous.key", algorithm),
        generate_host_key(directory / f"{name}.current.key", algorithm),
    )


def host_public_key(key_path: Path) -> tuple[str, str]:
    """The (key type, base64 blob) of the public half of a private host key file."""
    key = load_host_key(Path(key_path), "lab")
    key_type, blob = key.export_public_key("openssh").decode("ascii").split()[:2]
    return key_type, blob


def known_hosts_line(host: str, port: int, key_path: Path) -> str:
    """The known_hosts line (OpenSSH format, no newline) that pins `key_path` for host:port."""
    from netaccept.session.hostkeys import known_hosts_name

    key_type, blob = host_public_key(key_path)
    return f"{known_hosts_name(host, port)} {key_type} {blob}"
