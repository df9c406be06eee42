"""What a certificate signature is over: canonical JSON, the payload and the file manifest.

The names and schemas of a signed device directory (`certificate.json`, `certificate.sig`
and the copies beside them), the canonical byte form a signature is computed over
(`canonical_json`, `signed_payload`), and the files a manifest covers: every evidence file
a certificate lists, the copies present and `certificate.json` itself, each hashed with
SHA-256 and refused when its name is not a plain relative path inside the device directory
or resolves outside it. `netaccept.report.signing` writes a manifest and
`netaccept.report.verify` checks one; the file format is described in
`netaccept.report.signing`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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
