"""Evidence and recordings: the raw text a router printed, kept exactly and hashed.

A recording is a directory with one JSON file per device, `<device>.json`:

    {"device": "nyc-gsr-01", "platform": "cisco_ios", "captured_at": "2026-11-22T10:00:00Z",
     "outputs": {"show version": "<raw text>", "show ip bgp summary": "..."}}

Keys are the exact command strings the harness sends. The lab serves recordings,
`--record` writes them and `--replay` reads them.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from netaccept.core.catalogue import PlatformName


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class Evidence:
    """One command's output as the router printed it, when, and its SHA-256."""

    command: str
    output: str
    captured_at: datetime
    sha256: str

    @classmethod
    def of(cls, command: str, output: str, captured_at: datetime | None = None) -> Evidence:
        return cls(command, output, captured_at or utc_now(), sha256_text(output))


class Recording(BaseModel):
    """The recorded outputs of one device."""

    model_config = ConfigDict(extra="forbid")

    device: str
    platform: PlatformName
    captured_at: str
    outputs: dict[str, str]
    dns: dict[str, str] = {}


class RecordingError(Exception):
    """A recording is missing, unreadable or malformed."""


def recording_path(directory: Path, device: str) -> Path:
    return directory / f"{device}.json"


def read_recording(path: Path) -> Recording:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordingError(f"no recording at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordingError(f"cannot read recording {path}: {exc}") from None
    try:
        recording = Recording.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise RecordingError(
            f"recording {path} is malformed at {where}: {first['msg']} "
            '(expected {"device", "platform", "captured_at", "outputs": {command: text}})'
        ) from None
    if recording.device != path.stem:
        # A recording copied under another router's name would certify that router.
        raise RecordingError(
            f"recording {path} is of device {recording.device!r}, not {path.stem!r}: "
            "each recording must be named after the device it was recorded from"
        )
    return recording


def _read_umask() -> int:
    current = os.umask(0o022)  # reading the umask means setting it: put it back at once
    os.umask(current)
    return current


# Read once, at import, in the main thread: not while capture threads create files.
_UMASK = _read_umask()


def default_file_mode() -> int:
    """The permissions `open()` would give a new file: 0666 less the process's umask.

    Reports are read by others (CI artifacts, a shared folder): mkstemp's 0600 would hide them.
    """
    return 0o666 & ~_UMASK


def write_atomic(
    path: Path, data: str | bytes, *, durable: bool = False, mode: int | None = None
) -> None:
    """Write `data` (text as UTF-8) to `path` so that a reader never sees a half-written file.

    A temporary file renamed over `path` survives a crash of this process. With `durable`
    the file and its directory are also flushed to disk, so that it survives a power loss
    too; that costs a disk round trip per file, too much for hundreds of evidence files.
    `mode`: the file's permissions (default: as `open()` would create it, following the umask).
    """
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):  # not on Windows, where the mode means little
                os.fchmod(handle.fileno(), default_file_mode() if mode is None else mode)
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_directory(path.parent)


_TEMPORARY = itertools.count()
_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new file beside `path`, readable by this user only until it is given its mode.

    Named by this process and a counter (mkstemp's random names cost a system call each and
    a directory creation attempt per file: thousands per run); O_EXCL refuses any file that
    is already there, a leftover of a crashed process that had the same PID included.
    """
    for _attempt in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{next(_TEMPORARY)}.tmp")
        try:
            return os.open(tmp, _EXCLUSIVE, 0o600), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:  # the directory is new
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                return os.open(tmp, _EXCLUSIVE, 0o600), tmp
    raise FileExistsError(f"no free temporary name beside {path}")


def fsync_directory(directory: Path) -> None:
    """Make the creations and renames in `directory` durable (where the system can)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_recording(
    directory: Path, device: str, platform: PlatformName, evidence: list[Evidence]
) -> Path:
    captured = min((e.captured_at for e in evidence), default=utc_now())
    recording = Recording(
        device=device,
        platform=platform,
        captured_at=iso(captured),
        outputs={e.command: e.output for e in evidence if not e.command.startswith("dns ")},
        dns={e.command: e.output for e in evidence if e.command.startswith("dns ")},
    )
    path = recording_path(directory, device)
    write_atomic(path, json.dumps(recording.model_dump(), indent=2, ensure_ascii=False) + "\n")
    return path
