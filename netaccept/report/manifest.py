"""What a certificate signature is over: canonical JSON, the payload and the file manifest.

The names and schemas of a signed device directory (`certificate.json`, `certificate.sig`
and the copies beside them), the canonical byte form a signature is computed over
(`canonical_json`, `signed_payload`), and the files a manifest covers: every evidence file
a certificate lists, the copies and checksum files present and `certificate.json` itself,
each hashed with SHA-256 and refused when its name is not a plain relative path inside the
device directory, when it is not a regular file (a symbolic link, a FIFO, a device: never
followed or opened) or reached through a link, or when it is larger than a file of its kind
may be: every read is bounded by the size the file had when it was opened (`_read_bounded`,
`_sha256_file`).
`netaccept.report.signing` writes a manifest and `netaccept.report.verify` checks one; the
file format is described in `netaccept.report.signing`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

SIGNATURE_SCHEMA = "netaccept.signature/1"
# Kept in step with netaccept.report.certificates.SCHEMA (not imported: certificates may import us).
CERTIFICATE_SCHEMA = "netaccept.certificate/1"
ALGORITHM = "ed25519"
CERTIFICATE_JSON = "certificate.json"
CERTIFICATE_SIG = "certificate.sig"
COPIES = ("certificate.html", "certificate.xml", "certificate.pdf")
"""Renderings of the certificate for people and other systems, covered when present.

A copy written after signing is reported as not covered: sign last."""
SHA256SUMS = "SHA256SUMS"
SHA256SUMS_SIG = "SHA256SUMS.sig"
CHECKSUMS = (SHA256SUMS, SHA256SUMS_SIG)
"""`sha256sum` lines for the certificate's other files and their OpenSSH signature
(`netaccept.report.sshsig`): written when signing, and covered by `certificate.sig` too."""

_CHUNK = 1 << 20


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


MAX_JSON_BYTES = 32 << 20
"""The most `certificate.json`, `certificate.sig` or `run.json` may be: a certificate of a
router with thousands of interfaces is a few MB. Anything larger is refused unread."""
MAX_FILE_BYTES = 1 << 30
"""The most an evidence file or a copy may be: far beyond any router output or PDF."""


class _Unreadable(Exception):
    """A file that is refused before or while it is read; the message says why."""


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _describe(path: Path, mode: int) -> str:
    """`_kind`, with where a symbolic link points (a link is never followed)."""
    if not stat.S_ISLNK(mode):
        return _kind(mode)
    try:
        return f"a symbolic link to {path.readlink()}"
    except OSError:
        return "a symbolic link"


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror}") from None


def _open_regular(directory: Path, name: str, limit: int) -> tuple[int, int] | None:
    """(open descriptor, size) of `directory/name`, None when it does not exist.

    Refuses (`_Unreadable`) a name that is not a plain relative path, a path through a
    symbolic link or anything that is not a regular file (a link, a FIFO, a device: none is
    followed or opened for reading), and a file larger than `limit`, unread.
    """
    if not _safe_relative(name):
        raise _Unreadable("not a plain relative path inside the device directory")
    parts = name.split("/")
    current = directory
    for part in parts[:-1]:
        current = current / part
        found = _lstat(current)
        if found is None:
            return None
        if not stat.S_ISDIR(found.st_mode):
            raise _Unreadable(f"reached through {part}, {_describe(current, found.st_mode)}")
    path = current / parts[-1]
    found = _lstat(path)
    if found is None:
        return None
    if not stat.S_ISREG(found.st_mode):
        raise _Unreadable(f"{_describe(path, found.st_mode)}, not a regular file")
    # O_NOFOLLOW and O_NONBLOCK: a link or FIFO swapped in since lstat neither is followed
    # nor blocks the open; fstat then tells what was opened.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror}") from None
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino):
        os.close(fd)
        raise _Unreadable("was replaced while it was being opened")
    if opened.st_size > limit:
        os.close(fd)
        raise _Unreadable(
            f"{opened.st_size:,} bytes, larger than the {limit:,} bytes such a file may be "
            "(not read)"
        )
    return fd, opened.st_size


def _read_into(directory: Path, name: str, limit: int, sink: Callable[[bytes], object]) -> bool:
    """Feed a regular file's bytes to `sink`, never more than its size when opened.

    False when it does not exist; `_Unreadable` when it is refused (see `_open_regular`) or
    changes size while it is read.
    """
    opened = _open_regular(directory, name, limit)
    if opened is None:
        return False
    fd, size = opened
    try:
        remaining = size
        while remaining > 0:
            chunk = os.read(fd, min(_CHUNK, remaining))
            if not chunk:
                raise _Unreadable("shrank while it was read")
            remaining -= len(chunk)
            sink(chunk)
        if os.read(fd, 1):
            raise _Unreadable("grew while it was read")
    except OSError as exc:
        raise _Unreadable(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    return True


def _read_bounded(directory: Path, name: str, limit: int = MAX_JSON_BYTES) -> bytes | None:
    """The whole of a regular file no larger than `limit`; None when it does not exist."""
    parts: list[bytes] = []
    return b"".join(parts) if _read_into(directory, name, limit, parts.append) else None


def _sha256_file(directory: Path, name: str, limit: int = MAX_FILE_BYTES) -> str | None:
    """SHA-256 of `directory/name`, None when it does not exist; `_Unreadable` otherwise."""
    digest = hashlib.sha256()
    return digest.hexdigest() if _read_into(directory, name, limit, digest.update) else None


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
    """The copies and checksum files present, whatever they are: one that is a link or a FIFO
    is refused by name."""
    return [name for name in (*COPIES, *CHECKSUMS) if os.path.lexists(device_dir / name)]
