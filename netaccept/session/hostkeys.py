"""SSH host key verification against a known_hosts file, with three policies.

Pure logic, used by the SSH transport: given the key a router presented during key exchange
(before any password is sent), decide whether to go on, and say what to do when not.

- ``strict`` (the default without a terminal, i.e. CI): only keys already in the file.
- ``accept-new`` (the default at a terminal): an unknown host's key is recorded on first use;
  a key different from the recorded one is refused.
- ``insecure``: anything is accepted, with a loud warning; nothing is recorded.

The file is OpenSSH's known_hosts format (``[host]:port keytype base64``; ``host`` alone for
port 22), so ``ssh-keygen -R``/``-F`` work on it and lines can be copied from
``~/.ssh/known_hosts``. Read: comma-separated host patterns with ``*``/``?`` and ``!``
negation, hashed hosts (``|1|salt|hash``), ``@revoked``; ``@cert-authority`` lines are
ignored (no certificates). Malformed lines are reported with file and line and never stop
the other entries from working. New entries are written under an exclusive lock (on the
file's directory) by atomic replacement, so concurrent sessions, threads or processes never
corrupt the file or record a host twice.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import hmac
import ipaddress
import logging
import os
import re
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import paramiko

from netaccept.core.evidence import write_atomic

__all__ = [
    "DEFAULT_KNOWN_HOSTS",
    "POLICY_HELP",
    "HostKeyDecision",
    "HostKeyOutcome",
    "HostKeyPolicy",
    "HostKeyRefused",
    "KnownHostEntry",
    "KnownHosts",
    "KnownHostsPolicy",
    "KnownHostsProblem",
    "check_host_key",
    "fingerprint",
    "known_hosts_name",
]

log = logging.getLogger(__name__)

POLICY_HELP = (
    "strict: only host keys already in the known_hosts file (the default without a terminal, "
    "e.g. CI); accept-new: record a new router's key on first use and refuse a changed one "
    "(the default at a terminal); insecure: accept any key, with a warning"
)
"""The help of the command line's host key policy option (netaccept run and pytest)."""

DEFAULT_KNOWN_HOSTS = Path("~/.netaccept/known_hosts")
"""Where host keys are kept unless ``--known-hosts`` says otherwise (``~`` is expanded)."""

SSH_PORT = 22
# The last parse of each known_hosts file, with the bytes it was parsed from.
_PARSED: dict[Path, tuple[bytes, KnownHosts]] = {}
_PARSED_LOCK = threading.Lock()
_MARKERS = ("@revoked", "@cert-authority")
_KEY_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@._+-]{0,63}$")


class HostKeyPolicy(StrEnum):
    """What to do with a host key that is not (or no longer) the recorded one."""

    STRICT = "strict"
    ACCEPT_NEW = "accept-new"
    INSECURE = "insecure"

    @classmethod
    def default(cls, interactive: bool | None = None) -> HostKeyPolicy:
        """``accept-new`` at a terminal (a technician), ``strict`` without one (CI).

        `interactive` defaults to whether standard input is a terminal; under pytest's
        capture ask while the capture is suspended, as for credentials.
        """
        if interactive is None:
            interactive = sys.stdin.isatty()
        return cls.ACCEPT_NEW if interactive else cls.STRICT

    @classmethod
    def parse(cls, value: str) -> HostKeyPolicy:
        """The policy named `value` (raises ValueError listing the choices)."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(policy.value for policy in cls)
            raise ValueError(f"unknown host key policy {value!r}: use one of {choices}") from None


class HostKeyOutcome(StrEnum):
    """The decision on one presented key."""

    ACCEPTED = "accepted"  # known and matching, or --host-key-policy insecure
    RECORDED = "recorded"  # unknown, now recorded (accept-new)
    REFUSED_UNKNOWN = "refused-unknown"  # unknown, and the policy is strict
    REFUSED_CHANGED = "refused-changed"  # the host is known with another key
    REFUSED_REVOKED = "refused-revoked"  # the key is marked @revoked
    REFUSED_ERROR = "refused-error"  # the file cannot be read or written, or its entry is bad


@dataclass(frozen=True)
class KnownHostsProblem:
    """A line of a known_hosts file that could not be used."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class KnownHostEntry:
    """One usable known_hosts line."""

    line: int
    hosts: str  # the host field as written (patterns, or |1|salt|hash)
    key_type: str
    key_base64: str
    marker: str | None = None  # "@revoked" or "@cert-authority"

    @property
    def blob(self) -> bytes:
        return base64.b64decode(self.key_base64)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_base64)

    def matches(self, name: str) -> bool:
        """Whether this entry is for `name` (as built by :func:`known_hosts_name`)."""
        return _host_field_matches(self.hosts, name)


@dataclass(frozen=True)
class KnownHosts:
    """A parsed known_hosts file: its usable entries and its problems."""

    path: Path
    entries: tuple[KnownHostEntry, ...] = ()
    problems: tuple[KnownHostsProblem, ...] = ()
    # Host fields of malformed lines, by line, to tell whether one might be about a host.
    _bad_hosts: tuple[tuple[int, str], ...] = field(default=(), repr=False)

    @classmethod
    def load(cls, path: Path) -> KnownHosts:
        """Parse `path`; a missing file is empty. Raises OSError if it cannot be read.

        The file is read every time (a session must see what another recorded a moment
        ago), but parsed again only when its bytes changed: a fleet's sessions share one
        parse of a file of a thousand lines instead of parsing it a thousand times.
        """
        path = Path(path).expanduser()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        with _PARSED_LOCK:
            cached = _PARSED.get(path)
        if cached is not None and cached[0] == data:
            return cached[1]
        known = cls.parse(path, data)
        with _PARSED_LOCK:
            _PARSED[path] = (data, known)
        return known

    @classmethod
    def parse(cls, path: Path, data: bytes) -> KnownHosts:
        entries: list[KnownHostEntry] = []
        problems: list[KnownHostsProblem] = []
        bad_hosts: list[tuple[int, str]] = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                problems.append(KnownHostsProblem(path, number, "not valid UTF-8 text"))
                continue
            if not text or text.startswith("#"):
                continue
            entry, reason = _parse_line(number, text)
            if entry is not None:
                entries.append(entry)
                continue
            problems.append(KnownHostsProblem(path, number, reason))
            words = text.split()
            if words and words[0].startswith("@"):
                words = words[1:]
            if words:
                bad_hosts.append((number, words[0]))
        return cls(path, tuple(entries), tuple(problems), tuple(bad_hosts))

    def lookup(self, host: str, port: int) -> tuple[KnownHostEntry, ...]:
        """Entries (without a marker) for host:port."""
        return self._matching(None, known_hosts_name(host, port))

    def revoked(self, host: str, port: int) -> tuple[KnownHostEntry, ...]:
        return self._matching("@revoked", known_hosts_name(host, port))

    def _matching(self, marker: str | None, name: str) -> tuple[KnownHostEntry, ...]:
        exact, others = self._index.get(marker, ({}, ()))
        found = [*exact.get(name, ()), *(e for e in others if e.matches(name))]
        return tuple(sorted(found, key=lambda e: e.line))

    @functools.cached_property
    def _index(
        self,
    ) -> dict[str | None, tuple[dict[str, list[KnownHostEntry]], tuple[KnownHostEntry, ...]]]:
        """By marker: the entries whose host field is plain names, by name (OpenSSH compares
        names without case), and the others (patterns, negations, hashed names)."""
        index: dict[str | None, tuple[dict[str, list[KnownHostEntry]], list[KnownHostEntry]]]
        index = {}
        for entry in self.entries:
            exact, others = index.setdefault(entry.marker, ({}, []))
            names = entry.hosts.split(",")
            if entry.hosts.startswith("|") or any(c in entry.hosts for c in "*?!"):
                others.append(entry)
                continue
            for name in {n.lower() for n in names if n}:
                exact.setdefault(name, []).append(entry)
        return {marker: (exact, tuple(others)) for marker, (exact, others) in index.items()}

    def problems_for(self, host: str, port: int) -> tuple[KnownHostsProblem, ...]:
        """Malformed lines whose host field names host:port (they might be its entry)."""
        name = known_hosts_name(host, port)
        lines = {line for line, hosts in self._bad_hosts if _host_field_matches(hosts, name)}
        return tuple(p for p in self.problems if p.line in lines)


@dataclass(frozen=True)
class HostKeyDecision:
    """The verdict on the key one host presented, and what to tell the technician."""

    outcome: HostKeyOutcome
    policy: HostKeyPolicy
    host: str
    port: int
    key_type: str
    fingerprint: str
    known_hosts: Path
    message: str
    line: int | None = None  # the matching, recorded or conflicting line
    previous: tuple[str, ...] = ()  # fingerprints on record when the key changed
    warnings: tuple[str, ...] = ()  # malformed lines elsewhere in the file, etc.
    # The key is the recorded one, or was recorded now: false for an insecure pass.
    verified: bool = False

    @property
    def accepted(self) -> bool:
        """Whether the connection may go on (a password may be sent)."""
        return self.outcome in (HostKeyOutcome.ACCEPTED, HostKeyOutcome.RECORDED)

    def __str__(self) -> str:
        return self.message


class HostKeyRefused(Exception):
    """The host key was refused; raised from the paramiko policy before authentication.

    Deliberately not a paramiko ``SSHException``: netmiko turns those into timeouts.
    """

    def __init__(self, decision: HostKeyDecision) -> None:
        super().__init__(decision.message)
        self.decision = decision


# ---------------------------------------------------------------- helpers


def fingerprint(key_base64: str) -> str:
    """OpenSSH's fingerprint of a public key blob: ``SHA256:`` + unpadded base64."""
    digest = hashlib.sha256(base64.b64decode(key_base64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def known_hosts_name(host: str, port: int) -> str:
    """How known_hosts names host:port: ``host`` for port 22, else ``[host]:port``."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host if port == SSH_PORT else f"[{host}]:{port}"


def _display(host: str, port: int) -> str:
    try:
        v6 = ipaddress.ip_address(host).version == 6
    except ValueError:
        v6 = False
    return f"[{host}]:{port}" if v6 else f"{host}:{port}"


def _glob(pattern: str, name: str) -> bool:
    return _glob_regex(pattern).fullmatch(name) is not None


@functools.lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(
            ".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern.lower()
        )
    )


def _hashed_matches(field_: str, name: str) -> bool:
    parts = field_.split("|")
    # "|1|salt|hash" splits into ["", "1", salt, hash]
    salt = base64.b64decode(parts[2])
    wanted = base64.b64decode(parts[3])
    actual = hmac.new(salt, name.encode("utf-8"), hashlib.sha1).digest()
    return hmac.compare_digest(actual, wanted)


def _host_field_matches(hosts: str, name: str) -> bool:
    if hosts.startswith("|"):
        try:
            return _hashed_matches(hosts, name)
        except (IndexError, binascii.Error, ValueError):
            return False
    matched = False
    for pattern in hosts.split(","):
        if not pattern:
            continue
        if pattern.startswith("!"):
            if _glob(pattern[1:], name):
                return False  # a negated match rules the whole line out
        elif _glob(pattern, name):
            matched = True
    return matched


def _blob_type(blob: bytes) -> str | None:
    if len(blob) < 4:
        return None
    (length,) = struct.unpack(">I", blob[:4])
    if length > 64 or len(blob) < 4 + length:
        return None
    try:
        return blob[4 : 4 + length].decode("ascii")
    except UnicodeDecodeError:
        return None


def _decode_key(key_type: str, key_base64: str) -> tuple[bytes | None, str]:
    """The key blob, or None and the reason it is unusable."""
    if not _KEY_TYPE_RE.match(key_type):
        return None, f"{key_type!r} is not a key type"
    try:
        blob = base64.b64decode(key_base64, validate=True)
    except (binascii.Error, ValueError):
        return None, "the key is not valid base64"
    embedded = _blob_type(blob)
    if embedded is None:
        return None, "the key is not an SSH public key"
    if embedded != key_type:
        return None, f"the key is a {embedded} key, but the line says {key_type}"
    return blob, ""


def _parse_line(number: int, text: str) -> tuple[KnownHostEntry | None, str]:
    words = text.split()
    marker: str | None = None
    if words[0].startswith("@"):
        marker = words.pop(0)
        if marker not in _MARKERS:
            return None, f"unknown marker {marker} (only @revoked and @cert-authority exist)"
    if len(words) < 3:
        return None, "expected HOSTS KEYTYPE BASE64-KEY [COMMENT]"
    hosts, key_type, key_base64 = words[:3]
    if hosts.startswith("|"):
        parts = hosts.split("|")
        if len(parts) != 4 or parts[1] != "1":
            return None, "unsupported hashed host (expected |1|SALT|HASH)"
        try:
            base64.b64decode(parts[2], validate=True)
            base64.b64decode(parts[3], validate=True)
        except (binascii.Error, ValueError):
            return None, "hashed host is not valid base64"
    elif any(not pattern for pattern in hosts.split(",")):
        return None, f"empty host name in {hosts!r}"
    blob, reason = _decode_key(key_type, key_base64)
    if blob is None:
        return None, reason
    return KnownHostEntry(number, hosts, key_type, key_base64, marker), ""


def _count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _lines_text(lines: list[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on the directory of ``path`` (threads and processes alike: one flock
    each). The directory, not a ``PATH.lock`` file beside it: nothing is left behind, and a
    lock file could not be removed safely while another process waits on it."""
    fd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        import fcntl  # POSIX only: imported here so that `netaccept verify` runs on Windows

        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` durably, keeping its permissions (0600 for a new file)."""
    mode = 0o600
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o777
    write_atomic(path, data, durable=True, mode=mode)


# ---------------------------------------------------------------- the decision


@dataclass(frozen=True)
class _Context:
    path: Path
    host: str
    port: int
    key_type: str
    key_base64: str
    policy: HostKeyPolicy

    @property
    def where(self) -> str:
        return _display(self.host, self.port)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_base64)

    @property
    def entry_line(self) -> str:
        return f"{known_hosts_name(self.host, self.port)} {self.key_type} {self.key_base64}"

    def decision(
        self,
        outcome: HostKeyOutcome,
        message: str,
        *,
        line: int | None = None,
        previous: tuple[str, ...] = (),
        warnings: tuple[str, ...] = (),
        verified: bool = False,
    ) -> HostKeyDecision:
        return HostKeyDecision(
            outcome,
            self.policy,
            self.host,
            self.port,
            self.key_type,
            self.fingerprint,
            self.path,
            message,
            line,
            previous,
            warnings,
            verified,
        )

    def insecure(
        self, why: str, warnings: tuple[str, ...], line: int | None = None
    ) -> HostKeyDecision:
        message = (
            f"INSECURE: host key of {self.where} ({self.key_type} {self.fingerprint}) was not "
            f"verified{why} (--host-key-policy insecure): whoever answers at this address "
            "gets the login credentials and can forge every output; use strict or accept-new"
        )
        return self.decision(HostKeyOutcome.ACCEPTED, message, line=line, warnings=warnings)


def _decide(ctx: _Context, known: KnownHosts) -> HostKeyDecision | None:
    """The decision from the file's contents, or None when the host is simply unknown."""
    warnings = tuple(str(p) for p in known.problems)
    blob = base64.b64decode(ctx.key_base64)
    for entry in known.revoked(ctx.host, ctx.port):
        if entry.blob == blob:
            if ctx.policy is HostKeyPolicy.INSECURE:
                return ctx.insecure(
                    f", and it is marked @revoked at line {entry.line} of {ctx.path}",
                    warnings,
                    entry.line,
                )
            return ctx.decision(
                HostKeyOutcome.REFUSED_REVOKED,
                f"host key of {ctx.where} ({ctx.key_type} {ctx.fingerprint}) is marked @revoked "
                f"at line {entry.line} of {ctx.path}: do not connect; the key was withdrawn "
                "because it is compromised or the router decommissioned",
                line=entry.line,
                warnings=warnings,
            )
    entries = known.lookup(ctx.host, ctx.port)
    for entry in entries:
        if entry.key_type == ctx.key_type and entry.blob == blob:
            if ctx.policy is HostKeyPolicy.INSECURE:
                message = (
                    f"host key of {ctx.where} ({ctx.key_type} {ctx.fingerprint}) matches line "
                    f"{entry.line} of {ctx.path} (verified although --host-key-policy is insecure)"
                )
            else:
                message = (
                    f"host key of {ctx.where} ({ctx.key_type} {ctx.fingerprint}) matches line "
                    f"{entry.line} of {ctx.path}"
                )
            return ctx.decision(
                HostKeyOutcome.ACCEPTED, message, line=entry.line, warnings=warnings, verified=True
            )
    if entries:
        lines = [e.line for e in entries]
        same_type = all(e.key_type == ctx.key_type for e in entries)
        was = ", ".join(
            e.fingerprint if same_type else f"{e.key_type} {e.fingerprint}" for e in entries
        )
        now = ctx.fingerprint if same_type else f"{ctx.key_type} {ctx.fingerprint}"
        previous = tuple(e.fingerprint for e in entries)
        if ctx.policy is HostKeyPolicy.INSECURE:
            return ctx.insecure(
                f"; it does NOT match {_lines_text(lines)} of {ctx.path} (was {was})",
                warnings,
                lines[0],
            )
        name = known_hosts_name(ctx.host, ctx.port)
        return ctx.decision(
            HostKeyOutcome.REFUSED_CHANGED,
            f"host key of {ctx.where} changed (was {was}, now {now}): if the router was "
            f"replaced, remove {_lines_text(lines)} of {ctx.path} "
            f"(ssh-keygen -R '{name}' -f {ctx.path}); otherwise do not connect — this may be "
            "an attack",
            line=lines[0],
            previous=previous,
            warnings=warnings,
        )
    suspects = known.problems_for(ctx.host, ctx.port)
    if suspects:
        if ctx.policy is HostKeyPolicy.INSECURE:
            return ctx.insecure(
                f" (its entry is unusable: {suspects[0]})", warnings, suspects[0].line
            )
        return ctx.decision(
            HostKeyOutcome.REFUSED_ERROR,
            f"the entry for {ctx.where} in {ctx.path} is malformed ({suspects[0]}): fix or "
            f"remove {_lines_text([p.line for p in suspects])}; the presented key is "
            f"{ctx.key_type} {ctx.fingerprint}",
            line=suspects[0].line,
            warnings=warnings,
        )
    return None


def check_host_key(
    known_hosts: Path,
    host: str,
    port: int,
    key_type: str,
    key_base64: str,
    policy: HostKeyPolicy = HostKeyPolicy.STRICT,
) -> HostKeyDecision:
    """Decide on the key host:port presented, per `policy`, against the file `known_hosts`.

    With ``accept-new`` an unknown host's key is appended (the file and its directory are
    created, mode 0600/0700) under an exclusive lock, by atomic replacement. Raises
    ValueError only for a presented key that is not a well-formed SSH public key.
    """
    policy = HostKeyPolicy(policy)
    _blob, reason = _decode_key(key_type, key_base64)
    if _blob is None:
        raise ValueError(f"presented host key of {_display(host, port)}: {reason}")
    path = Path(known_hosts).expanduser()
    ctx = _Context(path, host, port, key_type, key_base64, policy)
    try:
        known = KnownHosts.load(path)
    except OSError as exc:
        why = f"cannot read {path}: {exc.strerror or exc}"
        if policy is HostKeyPolicy.INSECURE:
            return ctx.insecure(f" ({why})", (why,))
        return ctx.decision(
            HostKeyOutcome.REFUSED_ERROR,
            f"host key of {ctx.where} ({key_type} {ctx.fingerprint}) cannot be checked: {why}; "
            "fix its permissions or choose another file with --known-hosts",
        )
    decided = _decide(ctx, known)
    if decided is not None:
        return decided
    warnings = tuple(str(p) for p in known.problems)
    if policy is HostKeyPolicy.INSECURE:
        return ctx.insecure(f"; it is not in {path}", warnings)
    if policy is HostKeyPolicy.STRICT:
        return ctx.decision(
            HostKeyOutcome.REFUSED_UNKNOWN,
            f"host key of {ctx.where} is unknown ({key_type} {ctx.fingerprint}, not in {path}) "
            "and --host-key-policy strict accepts only known keys: confirm the fingerprint "
            f"with the router's administrator, then add this line to {path}: "
            f"{ctx.entry_line}  (or connect once with --host-key-policy accept-new)",
            warnings=warnings,
        )
    return _record(ctx)


def _record(ctx: _Context) -> HostKeyDecision:
    path = ctx.path
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = path.resolve()  # a symlinked file is updated, not replaced by a copy
        with _locked(target):
            try:
                data = target.read_bytes()
            except FileNotFoundError:
                data = b""
            # Another session may have recorded this host while we waited for the lock.
            known = KnownHosts.parse(path, data)
            decided = _decide(ctx, known)
            if decided is not None:
                return decided
            if data and not data.endswith(b"\n"):
                data += b"\n"
            line = _count_lines(data) + 1
            _atomic_write(target, data + ctx.entry_line.encode("ascii") + b"\n")
    except OSError as exc:
        return ctx.decision(
            HostKeyOutcome.REFUSED_ERROR,
            f"host key of {ctx.where} ({ctx.key_type} {ctx.fingerprint}) is unknown and cannot "
            f"be recorded in {path}: {exc.strerror or exc}; fix the permissions or choose "
            "another file with --known-hosts",
        )
    return ctx.decision(
        HostKeyOutcome.RECORDED,
        f"host key of {ctx.where} was unknown; recorded {ctx.key_type} {ctx.fingerprint} as "
        f"line {line} of {path} (--host-key-policy accept-new): a different key will be "
        "refused from now on",
        line=line,
        warnings=tuple(str(p) for p in known.problems),
        verified=True,
    )


# ---------------------------------------------------------------- paramiko


class KnownHostsPolicy(paramiko.MissingHostKeyPolicy):  # type: ignore[misc]
    """A paramiko policy that applies :func:`check_host_key` to every connection.

    Give the client no host keys of its own (netmiko's default: ``system_host_keys`` and
    ``alt_host_keys`` False), so paramiko asks this policy about every key. It runs after
    key exchange and before authentication; a refusal closes the client and raises
    :class:`HostKeyRefused`. ``decision`` holds the last decision.
    """

    def __init__(
        self,
        known_hosts: Path,
        policy: HostKeyPolicy,
        host: str,
        port: int,
    ) -> None:
        self.known_hosts = Path(known_hosts)
        self.policy = HostKeyPolicy(policy)
        self.host = host
        self.port = port
        self.decision: HostKeyDecision | None = None

    def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
        decision = check_host_key(
            self.known_hosts,
            self.host,
            self.port,
            str(key.get_name()),
            str(key.get_base64()),
            self.policy,
        )
        self.decision = decision
        if not decision.accepted:
            with contextlib.suppress(Exception):
                client.close()
            raise HostKeyRefused(decision)
        if not decision.verified:
            log.warning("%s", decision.message)
