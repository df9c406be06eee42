"""A simulated lab of Cisco routers served over real SSH on the loopback interface.

Each router replays recorded command output behind a Cisco-like CLI (IOS or IOS-XR), so
netmiko, paramiko or a person with ``ssh`` can talk to it as if it were the real device.

Run it as its own process::

    NETACCEPT_USERNAME=... NETACCEPT_PASSWORD=... NETACCEPT_SECRET=... \\
        python -m netaccept.lab --spec SPEC.json --ready-file PATH

or use :class:`LabProcess` from Python (tests), or :func:`serve` inside an event loop.

A spec with a ``"dns"`` section also serves DNS over UDP on the same host (see
:mod:`netaccept.lab.dns`); its port appears in the ready file under ``"_dns"``.

Spec file (JSON)::

    {"host": "127.0.0.1", "host_key_path": "lab_key",          # optional, every router
     "routers": [{"name": "r1", "platform": "cisco_ios", "recording": "r1.json",
                  "port": 0, "latency": 0.0,                    # optional
                  "host_key_path": "r1_key",                    # optional, this router only
                  "fault": {"kind": "hang", "command": "show logging"}}],   # optional
     "dns": {"port": 0, "records": [...]}}                      # optional

A router's ``fault`` makes it fail at the transport level the way a real one does (see
:class:`LabFault` for the kinds and their parameters). Every router, faulty or not, is in
the ready file with its port, so a client tries it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import ipaddress
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

import asyncssh

from netaccept.core.catalogue import PLATFORM_NAMES, PlatformName
from netaccept.core.exitcodes import ExitCode
from netaccept.platforms.registry import platform as registered

if TYPE_CHECKING:
    # Imported lazily at run time: only a lab that serves DNS needs dnspython.
    from netaccept.lab.dns import DnsRecord, DnsServer

__all__ = [
    "DNS_READY_KEY",
    "ENV_PASSWORD",
    "ENV_SECRET",
    "ENV_USERNAME",
    "FAULT_KINDS",
    "FaultKind",
    "HostKeyPair",
    "LabBindError",
    "LabCredentials",
    "LabDnsSpec",
    "LabFault",
    "LabProcess",
    "LabRouter",
    "LabRouterSpec",
    "LabSpec",
    "PlatformName",
    "RunningLab",
    "check_loopback",
    "generate_host_key",
    "generate_host_key_pair",
    "host_public_key",
    "known_hosts_line",
    "load_recording",
    "load_spec",
    "main",
    "routers_from_spec",
    "serve",
]


ENV_USERNAME = "NETACCEPT_USERNAME"
ENV_PASSWORD = "NETACCEPT_PASSWORD"
ENV_SECRET = "NETACCEPT_SECRET"


# The ready file's key for the DNS server's port. Router names cannot start with "_".
DNS_READY_KEY = "_dns"

# Hostnames end up inside the prompt, so keep them to characters no prompt regex chokes on.
# The first character is a letter or digit, so no router name clashes with DNS_READY_KEY.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_WS_RE = re.compile(r"\s+")
_READ_SIZE = 4096
# Commands a real IOS box accepts at the user-mode (">") prompt; the rest need "enable".
_MAX_BAD_SECRETS = 3


def _normalise(command: str) -> str:
    return _WS_RE.sub(" ", command).strip()


def _check_name(name: str) -> None:
    if not _NAME_RE.match(name):
        raise ValueError(f"invalid router name {name!r}: use letters, digits, '.', '_', '-'")


def _check_common(
    name: str, platform: str, port: int, latency: float, fault: LabFault | None = None
) -> None:
    _check_name(name)
    if platform not in PLATFORM_NAMES:
        raise ValueError(
            f"router {name}: platform must be one of {PLATFORM_NAMES}, not {platform!r}"
        )
    if isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(f"router {name}: port {port} out of range")
    if not math.isfinite(latency) or latency < 0:
        raise ValueError(f"router {name}: latency must be a finite number >= 0")
    if fault is not None:
        if not isinstance(fault, LabFault):
            raise ValueError(f"router {name}: fault must be a LabFault, not {fault!r}")
        persona = registered(platform)
        if not persona.lab.user_mode and fault.kind == "enable_wrong":
            raise ValueError(
                f"router {name}: {persona.label} has no enable secret, so no enable_wrong"
            )
        if not persona.lab.user_mode and fault.mode == "unprivileged":
            raise ValueError(
                f"router {name}: {persona.label} has no user mode; use prompt_change mode "
                "'hostname'"
            )


def check_loopback(host: str) -> None:
    """Raise ValueError unless host is a loopback IP literal (127.0.0.0/8 or ::1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"host {host!r} is not an IP address; the lab binds loopback only"
        ) from None
    if not address.is_loopback:
        raise ValueError(f"host {host} is not a loopback address; the lab binds loopback only")


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------

FaultKind = Literal[
    "refuse",
    "blackhole",
    "auth_fail",
    "no_banner",
    "disconnect_mid_output",
    "hang",
    "truncated",
    "garbage",
    "invalid_input",
    "slow",
    "enable_wrong",
    "prompt_change",
    "host_key_changed",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
PromptChangeMode = Literal["hostname", "unprivileged"]

# The parameters each kind takes (besides "kind"); anything else in a spec is an error.
_COMMAND_PARAMS = frozenset({"command", "nth"})
_FAULT_PARAMS: dict[str, frozenset[str]] = {
    "refuse": frozenset(),
    "blackhole": frozenset(),
    "auth_fail": frozenset(),
    "no_banner": frozenset(),
    "disconnect_mid_output": _COMMAND_PARAMS | {"after_bytes"},
    "hang": _COMMAND_PARAMS | {"after_bytes"},
    "truncated": _COMMAND_PARAMS,
    "garbage": _COMMAND_PARAMS | {"size", "seed"},
    "invalid_input": _COMMAND_PARAMS,
    "slow": frozenset({"latency"}),
    "enable_wrong": frozenset(),
    "prompt_change": frozenset({"after_commands", "mode", "new_hostname"}),
    "host_key_changed": frozenset({"previous_host_key_path", "after_connections"}),
}
# Without "command" or "nth", these hit the 3rd command of a session; the others hit every one.
_DEFAULT_NTH: dict[str, int] = {"disconnect_mid_output": 3, "hang": 3}
_MAX_GARBAGE = 1 << 20


@dataclass(frozen=True)
class LabFault:
    """A transport-level failure one router simulates, as the real thing does on the wire.

    Spec file: ``"fault": {"kind": KIND, PARAM: VALUE, ...}``. Commands are counted per SSH
    session, from 1, over the lines the CLI answers from the recording (or rejects): not
    empty lines, ``terminal ...``, ``enable``, ``disable`` or ``exit``.

    - ``refuse``: nothing listens on the port (it is bound, never listened on, so the ready
      file reports it and a client gets ECONNREFUSED).
    - ``blackhole``: connection attempts are never answered, as behind a firewall that drops
      packets or with no route: the port listens with a backlog of one that the lab fills
      itself and never accepts, so the kernel drops every further SYN and a client's
      connect times out (on loopback, without sending anything anywhere else).
    - ``auth_fail``: every username/password is rejected.
    - ``no_banner``: TCP is accepted but no SSH banner is ever sent; the connection is held,
      silently, until the client gives up.
    - ``disconnect_mid_output``: the command ``command`` (or the ``nth`` one; default the 3rd)
      prints ``after_bytes`` bytes of its output (default half), then the TCP connection is
      dropped without an SSH disconnect or channel close.
    - ``hang``: the same selection prints ``after_bytes`` (default half) and then nothing
      more: no prompt, no echo of later input; the session stays open.
    - ``truncated``: the output is cut to its first half, then the prompt follows normally.
    - ``garbage``: the output is replaced by ``size`` random bytes (default the output's size,
      at least 64) that include NUL and invalid UTF-8, then the prompt; ``seed`` makes them
      reproducible.
    - ``invalid_input``: the command is answered with ``% Invalid input detected at '^'``.
      ``truncated``, ``garbage`` and ``invalid_input`` hit every command unless ``command``
      or ``nth`` is given.
    - ``slow``: every command waits ``latency`` seconds (the same as the router's latency).
    - ``enable_wrong``: every enable secret is rejected (IOS).
    - ``prompt_change``: after ``after_commands`` commands (default 2) the prompt changes, as
      if someone changed the configuration mid-session: ``mode`` ``hostname`` (default; the
      hostname becomes ``new_hostname``, default NAME-new) or ``unprivileged`` (IOS drops
      from ``#`` to ``>``).
    - ``host_key_changed``: the first ``after_connections`` connections (default 1) get the
      key in ``previous_host_key_path`` (default: a key generated when the lab starts), later
      ones the router's own host key. With ``after_connections`` 0 every connection gets
      the router's key, for a client that pinned the previous one (see
      :func:`generate_host_key_pair`).
    """

    kind: FaultKind
    command: str | None = None
    nth: int | None = None
    after_bytes: int | None = None
    size: int | None = None
    seed: int | None = None
    latency: float = 0.0
    after_commands: int = 2
    mode: PromptChangeMode = "hostname"
    new_hostname: str | None = None
    previous_host_key_path: Path | None = None
    after_connections: int = 1

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"fault kind must be one of {', '.join(FAULT_KINDS)}, not {self.kind!r}"
            )
        given = {
            f.name for f in fields(self) if f.name != "kind" and getattr(self, f.name) != f.default
        }
        extra = given - _FAULT_PARAMS[self.kind]
        if extra:
            allowed = ", ".join(sorted(_FAULT_PARAMS[self.kind])) or "none"
            raise ValueError(
                f"fault {self.kind}: unexpected {', '.join(sorted(extra))} (parameters: {allowed})"
            )
        if self.command is not None and self.nth is not None:
            raise ValueError(f"fault {self.kind}: give either command or nth, not both")
        if self.command is not None and not _normalise(self.command):
            raise ValueError(f"fault {self.kind}: command must not be empty")
        for name in ("nth", "size", "after_commands"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or value < 1):
                raise ValueError(f"fault {self.kind}: {name} must be an integer >= 1")
        for name in ("after_bytes", "after_connections"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or value < 0):
                raise ValueError(f"fault {self.kind}: {name} must be an integer >= 0")
        if self.size is not None and self.size > _MAX_GARBAGE:
            raise ValueError(f"fault {self.kind}: size must be at most {_MAX_GARBAGE}")
        if self.kind == "slow" and (not math.isfinite(self.latency) or self.latency <= 0):
            raise ValueError("fault slow: latency must be a finite number of seconds > 0")
        if self.mode not in ("hostname", "unprivileged"):
            raise ValueError("fault prompt_change: mode must be 'hostname' or 'unprivileged'")
        if self.new_hostname is not None:
            if self.mode != "hostname":
                raise ValueError("fault prompt_change: new_hostname needs mode 'hostname'")
            _check_name(self.new_hostname)

    def selects(self, line: str, index: int) -> bool:
        """Whether the command `line`, the session's `index`-th (from 1), is hit."""
        if self.command is not None:
            return _normalise(line) == _normalise(self.command)
        nth = self.nth if self.nth is not None else _DEFAULT_NTH.get(self.kind)
        return nth is None or index == nth

    @classmethod
    def from_json(cls, data: Any) -> LabFault:
        """Parse the spec file's ``"fault"`` object (raises ValueError)."""
        if not isinstance(data, dict):
            raise ValueError("fault must be an object with a 'kind'")
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}, not {kind!r}")
        extra = set(data) - _FAULT_PARAMS[kind] - {"kind"}
        if extra:
            allowed = ", ".join(sorted(_FAULT_PARAMS[kind])) or "none"
            raise ValueError(
                f"fault {kind}: unexpected {', '.join(sorted(extra))} (parameters: {allowed})"
            )
        params: dict[str, Any] = {}
        for name, value in data.items():
            if name == "kind":
                continue
            if name in ("command", "mode", "new_hostname"):
                if not isinstance(value, str):
                    raise ValueError(f"fault {kind}: {name} must be a string")
                params[name] = value
            elif name == "previous_host_key_path":
                if not isinstance(value, str) or not value:
                    raise ValueError(f"fault {kind}: {name} must be a path")
                params[name] = Path(value)
            elif name == "latency":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"fault {kind}: latency must be a number")
                params[name] = float(value)
            else:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"fault {kind}: {name} must be an integer")
                params[name] = value
        return cls(kind=kind, **params)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "kind" or value == f.default:
                continue
            data[f.name] = str(Path(value).resolve()) if isinstance(value, Path) else value
        return data


def _parse_fault(raw: Any) -> LabFault | None:
    if raw is None or isinstance(raw, LabFault):
        return raw
    return LabFault.from_json(raw)


@dataclass(frozen=True)
class LabRouter:
    """One simulated router: its hostname, CLI flavour, recorded outputs and optional fault.

    ``host_key_path`` gives this router its own host key (else the lab's); ``fault`` makes
    it misbehave (see :class:`LabFault`).
    """

    name: str
    platform: PlatformName
    outputs: Mapping[str, str]
    port: int = 0
    latency: float = 0.0
    host_key_path: Path | None = None
    fault: LabFault | None = None

    def __post_init__(self) -> None:
        _check_common(self.name, self.platform, self.port, self.latency, self.fault)

    @property
    def delay(self) -> float:
        """Seconds every command waits: the latency, or a ``slow`` fault's."""
        if self.fault is not None and self.fault.kind == "slow":
            return max(self.latency, self.fault.latency)
        return self.latency


@dataclass(frozen=True)
class LabCredentials:
    """Login and enable credentials shared by every router in a lab."""

    username: str
    # repr=False so secrets never land in logs or pytest failure output.
    password: str = field(repr=False)
    secret: str = field(repr=False)


@dataclass(frozen=True)
class LabRouterSpec:
    """One entry of the spec file: a router backed by a recording on disk."""

    name: str
    platform: PlatformName
    recording: Path
    port: int = 0
    latency: float = 0.0
    host_key_path: Path | None = None
    fault: LabFault | None = None

    def __post_init__(self) -> None:
        _check_common(self.name, self.platform, self.port, self.latency, self.fault)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "platform": self.platform,
            "recording": str(Path(self.recording).resolve()),
            "port": self.port,
            "latency": self.latency,
        }
        if self.host_key_path is not None:
            data["host_key_path"] = str(Path(self.host_key_path).resolve())
        if self.fault is not None:
            data["fault"] = self.fault.to_json()
        return data


@dataclass(frozen=True)
class LabDnsSpec:
    """The spec file's optional ``"dns"`` section: records served over UDP on the lab host.

    ``domain`` is informational (it is logged); record names are taken as written.
    """

    records: tuple[DnsRecord, ...] = ()
    port: int = 0
    domain: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.port, bool) or not 0 <= self.port <= 65535:
            raise ValueError(f"dns: port {self.port} out of range")


@dataclass(frozen=True)
class LabSpec:
    """The parsed spec file."""

    routers: tuple[LabRouterSpec, ...]
    host: str = "127.0.0.1"
    host_key_path: Path | None = None
    dns: LabDnsSpec | None = None


class LabBindError(OSError):
    """A router's listening socket could not be bound."""

    def __init__(self, router: str, host: str, port: int, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, f"router {router}: cannot listen on {host}:{port}: {reason}")
        self.router = router
        self.host = host
        self.port = port


def load_recording(path: Path) -> tuple[str, PlatformName, dict[str, str]]:
    """Read a device recording; return (device name, platform, command -> raw output)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"recording {path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"recording {path}: top level must be a JSON object")
    device = data.get("device")
    platform = data.get("platform")
    outputs = data.get("outputs")
    if not isinstance(device, str) or not device:
        raise ValueError(f"recording {path}: 'device' must be a non-empty string")
    if platform not in PLATFORM_NAMES:
        raise ValueError(f"recording {path}: 'platform' must be one of {PLATFORM_NAMES}")
    if not isinstance(outputs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()
    ):
        raise ValueError(f"recording {path}: 'outputs' must map command strings to strings")
    return device, cast(PlatformName, platform), dict(outputs)


def _load_dns_section(path: Path, raw: Any) -> LabDnsSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"spec {path}: 'dns' must be an object")
    domain = raw.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise ValueError(f"spec {path}: 'dns.domain' must be a string")
    port = raw.get("port", 0)
    if isinstance(port, bool) or not isinstance(port, int):
        raise ValueError(f"spec {path}: 'dns.port' must be an integer")
    entries = raw.get("records", [])
    if not isinstance(entries, list):
        raise ValueError(f"spec {path}: 'dns.records' must be a list")
    from netaccept.lab.dns import DnsRecord

    try:
        return LabDnsSpec(tuple(DnsRecord.from_json(entry) for entry in entries), port, domain)
    except ValueError as exc:
        raise ValueError(f"spec {path}: {exc}") from exc


def load_spec(path: Path) -> LabSpec:
    """Parse and validate a spec file (raises ValueError with a readable message)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"spec {path}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("routers"), list):
        raise ValueError(f"spec {path}: expected an object with a 'routers' list")
    host = data.get("host", "127.0.0.1")
    if not isinstance(host, str):
        raise ValueError(f"spec {path}: 'host' must be a string")
    key_path = data.get("host_key_path")
    if key_path is not None and not isinstance(key_path, str):
        raise ValueError(f"spec {path}: 'host_key_path' must be a string")
    routers: list[LabRouterSpec] = []
    for entry in data["routers"]:
        if not isinstance(entry, dict):
            raise ValueError(f"spec {path}: each router must be an object")
        router_key = entry.get("host_key_path")
        if router_key is not None and (not isinstance(router_key, str) or not router_key):
            raise ValueError(f"spec {path}: router {entry.get('name')}: bad 'host_key_path'")
        try:
            fault = _parse_fault(entry.get("fault"))
        except ValueError as exc:
            raise ValueError(f"spec {path}: router {entry.get('name')}: {exc}") from exc
        try:
            routers.append(
                LabRouterSpec(
                    name=str(entry["name"]),
                    platform=entry["platform"],
                    recording=Path(str(entry["recording"])),
                    port=int(entry.get("port", 0)),
                    latency=float(entry.get("latency", 0.0)),
                    host_key_path=Path(router_key) if router_key else None,
                    fault=fault,
                )
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"spec {path}: bad router entry {entry!r}: {exc}") from exc
    names = [r.name for r in routers]
    if len(set(names)) != len(names):
        raise ValueError(f"spec {path}: router names must be unique")
    dns = _load_dns_section(path, data.get("dns"))
    return LabSpec(tuple(routers), host, Path(key_path) if key_path else None, dns)


def routers_from_spec(spec: LabSpec) -> list[LabRouter]:
    """Load every recording named in the spec."""
    routers = []
    for entry in spec.routers:
        _device, platform, outputs = load_recording(entry.recording)
        if platform != entry.platform:
            raise ValueError(
                f"router {entry.name}: spec says {entry.platform} but recording "
                f"{entry.recording} is {platform}"
            )
        routers.append(
            LabRouter(
                entry.name,
                entry.platform,
                outputs,
                entry.port,
                entry.latency,
                host_key_path=entry.host_key_path,
                fault=entry.fault,
            )
        )
    return routers


# ---------------------------------------------------------------------------------------------
# SSH server side
# ---------------------------------------------------------------------------------------------

_host_key: asyncssh.SSHKey | None = None


def _default_host_key() -> asyncssh.SSHKey:
    # One key per process: cheap, and every router in a lab presents the same identity.
    global _host_key
    if _host_key is None:
        _host_key = asyncssh.generate_private_key("ssh-ed25519")
    return _host_key


def _load_host_key(path: Path, owner: str) -> asyncssh.SSHKey:
    try:
        return asyncssh.read_private_key(path)
    except (OSError, asyncssh.KeyImportError) as exc:
        raise ValueError(f"{owner}: cannot read host key {path}: {exc}") from exc


@dataclass(frozen=True)
class HostKeyPair:
    """Two private host key files for one router: the key it had, and the one it has now."""

    previous: Path
    current: Path


def generate_host_key(path: Path, algorithm: str = "ssh-ed25519") -> Path:
    """Write a new private host key (OpenSSH format, mode 0600) to `path`; return `path`."""
    key = asyncssh.generate_private_key(algorithm)
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
    _check_name(name)
    directory = Path(directory)
    return HostKeyPair(
        generate_host_key(directory / f"{name}.previous.key", algorithm),
        generate_host_key(directory / f"{name}.current.key", algorithm),
    )


def host_public_key(key_path: Path) -> tuple[str, str]:
    """The (key type, base64 blob) of the public half of a private host key file."""
    key = _load_host_key(Path(key_path), "lab")
    key_type, blob = key.export_public_key("openssh").decode("ascii").split()[:2]
    return key_type, blob


def known_hosts_line(host: str, port: int, key_path: Path) -> str:
    """The known_hosts line (OpenSSH format, no newline) that pins `key_path` for host:port."""
    from netaccept.session.hostkeys import known_hosts_name

    key_type, blob = host_public_key(key_path)
    return f"{known_hosts_name(host, port)} {key_type} {blob}"


class _CommandTable:
    """Recorded outputs with exact and whitespace-insensitive lookup."""

    def __init__(self, outputs: Mapping[str, str]) -> None:
        self._exact = dict(outputs)
        self._loose: dict[str, str] = {}
        for command, text in outputs.items():
            # First recording wins if two keys collapse to the same command.
            self._loose.setdefault(_normalise(command), text)

    def lookup(self, line: str) -> str | None:
        if line in self._exact:
            return self._exact[line]
        return self._loose.get(_normalise(line))


class _RouterServer(asyncssh.SSHServer):
    """Per-connection auth handler: password only, checked in constant time."""

    def __init__(self, router: LabRouter, credentials: LabCredentials, lab: RunningLab) -> None:
        self._router = router
        self._credentials = credentials
        self._lab = lab
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._lab._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._lab._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user_ok = hmac.compare_digest(username.encode(), self._credentials.username.encode())
        pass_ok = hmac.compare_digest(password.encode(), self._credentials.password.encode())
        if self._router.fault is not None and self._router.fault.kind == "auth_fail":
            return False
        return user_ok and pass_ok


# Faults that act on the answer to one command, and what follows that answer.
_ANSWER_FAULTS = frozenset(
    {"disconnect_mid_output", "hang", "truncated", "garbage", "invalid_input"}
)
_Then = Literal["prompt", "hang", "drop"]
# How long a dropped connection waits for its last output to leave the socket buffers.
_DROP_SETTLE = 0.1
# Text that makes any garbage invalid UTF-8 and binary, whatever the random bytes are.
_GARBAGE_SEED_BYTES = b"\x00\xff\xfe\xc3\x28\x00\x80"


def _surrogates(data: bytes) -> str:
    # The session's streams encode with surrogateescape: these come out as exactly `data`.
    return data.decode("utf-8", "surrogateescape")


def _first_bytes(text: str, count: int | None) -> str:
    data = text.encode("utf-8", "surrogateescape")
    cut = len(data) // 2 if count is None else min(count, len(data))
    return _surrogates(data[:cut])


class _RouterSession:
    """The CLI state of one SSH session (mode, pending line, enable attempts, fault)."""

    def __init__(
        self,
        router: LabRouter,
        table: _CommandTable,
        credentials: LabCredentials,
        process: asyncssh.SSHServerProcess[str],
    ) -> None:
        self._router = router
        self._table = table
        self._secret = credentials.secret
        self._process = process
        self._persona = registered(router.platform).lab
        # A platform without user mode (IOS-XR) logs straight into exec mode.
        self._privileged = not self._persona.user_mode
        self._hostname = router.name
        self._reading_secret = False
        self._bad_secrets = 0
        self._line: list[str] = []
        self._after_cr = False  # so "\r\n" counts as one line end even across reads
        self._escape = 0  # 1 after ESC, 2 inside a CSI sequence (arrow keys from humans)
        self._pending: list[str] = []
        self._closing = False
        self._fault = router.fault
        self._commands = 0  # commands answered (or rejected) in this session
        self._hung = False  # a "hang" fault struck: nothing more is read or written
        self._drop = False  # a "disconnect_mid_output" fault struck: drop the connection

    @property
    def prompt(self) -> str:
        prompt = self._persona.prompt.format(hostname=self._hostname)
        return prompt if self._privileged else f"{prompt[:-1]}>"

    async def run(self) -> None:
        try:
            command = self._process.command
            if command is not None:
                # `ssh host "show version"`: answer once without echo or prompt.
                await self._exec(command)
                return
            self._emit("\r\n" + self.prompt)
            await self._flush()
            while not self._closing:
                try:
                    chunk = await self._process.stdin.read(_READ_SIZE)
                except (
                    asyncssh.TerminalSizeChanged,
                    asyncssh.BreakReceived,
                    asyncssh.SignalReceived,
                ):
                    continue  # window resizes etc. are not input
                if not chunk:
                    break  # client sent EOF
                await self._feed(chunk)
                if self._drop:
                    await self._drop_connection()
                    return
        except (OSError, asyncssh.Error):
            pass  # client vanished mid-command; only this session is affected
        finally:
            if not self._drop:
                with contextlib.suppress(OSError, asyncssh.Error):
                    self._process.exit(0)

    async def _exec(self, command: str) -> None:
        if self._router.delay > 0:
            await asyncio.sleep(self._router.delay)
        self._commands += 1
        text, then = self._respond(command, with_prompt=False)
        self._emit(text)
        await self._flush()
        if then == "drop":
            self._drop = True
        elif then == "hang":
            while await self._process.stdin.read(_READ_SIZE):
                pass  # say nothing more until the client gives up

    async def _drop_connection(self) -> None:
        """Close the TCP connection without an SSH disconnect or channel close."""
        await asyncio.sleep(_DROP_SETTLE)
        conn = self._process.get_extra_info("connection")
        if conn is not None:
            conn.abort()
        self._closing = True

    def _emit(self, text: str) -> None:
        self._pending.append(text)

    async def _flush(self) -> None:
        # One write per burst keeps echo, output and prompt in as few packets as possible.
        if self._pending:
            data = "".join(self._pending)
            self._pending.clear()
            self._process.stdout.write(data)
            await self._process.stdout.drain()

    async def _feed(self, chunk: str) -> None:
        for char in chunk:
            if self._closing or self._hung or self._drop:
                break  # a hung CLI neither echoes nor answers; a dropped one is gone
            if self._after_cr:
                self._after_cr = False
                if char == "\n":
                    continue
            if self._escape:
                if self._escape == 1:
                    self._escape = 2 if char in "[O" else 0
                elif "@" <= char <= "~":
                    self._escape = 0
                continue
            if char in "\r\n":
                self._after_cr = char == "\r"
                line = "".join(self._line)
                self._line.clear()
                await self._end_line(line)
            elif char in "\x7f\x08":
                if self._line:
                    self._line.pop()
                    if not self._reading_secret:
                        self._emit("\b \b")
            elif char == "\x03":  # Ctrl-C abandons the line, as on a router
                self._line.clear()
                self._reading_secret = False
                self._emit("\r\n" + self.prompt)
            elif char == "\x1b":
                self._escape = 1
            elif char.isprintable():
                self._line.append(char)
                if not self._reading_secret:
                    self._emit(char)
            # Other control characters (and undecodable bytes) are ignored.
        await self._flush()

    async def _end_line(self, line: str) -> None:
        self._emit("\r\n")
        if self._reading_secret:
            self._reading_secret = False
            self._check_secret(line)
            return
        command = _normalise(line)
        if not command:
            self._emit(self.prompt)
            return
        if self._router.delay > 0:
            await self._flush()  # the echo goes out at once; only the answer is slow
            await asyncio.sleep(self._router.delay)
        self._run_command(line, command)

    def _check_secret(self, attempt: str) -> None:
        matches = hmac.compare_digest(attempt.encode(), self._secret.encode())
        if self._fault is not None and self._fault.kind == "enable_wrong":
            matches = False
        if matches:
            self._privileged = True
            self._bad_secrets = 0
        else:
            self._bad_secrets += 1
            if self._bad_secrets >= _MAX_BAD_SECRETS:
                self._bad_secrets = 0
                self._emit("% Bad secrets\r\n\r\n")
            else:
                self._emit("% Access denied\r\n\r\n")
        self._emit(self.prompt)

    def _run_command(self, line: str, command: str) -> None:
        words = command.split(" ")
        keyword = words[0].lower()
        if len(words) == 1 and keyword in ("exit", "logout", "quit"):
            self._closing = True
            return
        if len(keyword) >= 4 and "terminal".startswith(keyword):
            self._emit(self.prompt)  # terminal length/width/...: accepted, silent
            return
        if command == "enable":
            if self._privileged:
                self._emit(self.prompt)
            else:
                self._emit("Password: ")
                self._reading_secret = True
            return
        if self._persona.user_mode and command == "disable":
            self._privileged = False
            self._emit(self.prompt)
            return
        self._commands += 1
        text, then = self._respond(line, with_prompt=True)
        self._emit(text)
        if then == "hang":
            self._hung = True
        elif then == "drop":
            self._drop = True
        else:
            self._maybe_change_prompt()

    def _respond(self, line: str, *, with_prompt: bool) -> tuple[str, _Then]:
        """What the router prints for `line` (the session's current command), and then what."""
        output = self._answer(line)
        prompt = self.prompt if with_prompt else ""
        fault = self._fault
        if (
            fault is None
            or fault.kind not in _ANSWER_FAULTS
            or not fault.selects(line, self._commands)
        ):
            if output is None:
                return self._invalid(line, with_prompt=with_prompt), "prompt"
            return output + prompt, "prompt"
        if fault.kind == "invalid_input":
            return self._invalid(line, with_prompt=with_prompt), "prompt"
        if fault.kind in ("hang", "disconnect_mid_output"):
            text = output if output is not None else self._invalid(line, with_prompt=False)
            then: _Then = "hang" if fault.kind == "hang" else "drop"
            return _first_bytes(text, fault.after_bytes), then
        if output is None:
            return self._invalid(line, with_prompt=with_prompt), "prompt"
        if fault.kind == "truncated":
            text = output[: len(output) // 2]
            if text and not text.endswith("\n"):
                text = text.rstrip("\r") + "\r\n"  # the prompt starts a line, as usual
            return text + prompt, "prompt"
        # garbage
        size = fault.size or max(64, len(output.encode("utf-8", "surrogateescape")))
        seed = fault.seed if fault.seed is not None else f"{self._router.name}:{line}"
        noise = random.Random(seed).randbytes(max(0, size - len(_GARBAGE_SEED_BYTES)))
        data = (_GARBAGE_SEED_BYTES + noise)[:size]
        return _surrogates(data) + "\r\n" + prompt, "prompt"

    def _maybe_change_prompt(self) -> None:
        fault = self._fault
        if fault is None or fault.kind != "prompt_change":
            return
        if self._commands == fault.after_commands:
            if fault.mode == "unprivileged":
                self._privileged = False
            else:
                self._hostname = fault.new_hostname or f"{self._router.name}-new"

    def _answer(self, line: str) -> str | None:
        """The recorded output with CRLF line ends, or None if the CLI would reject it."""
        command = _normalise(line)
        if not self._privileged and not any(
            command == allowed or command.startswith(allowed + " ")
            for allowed in self._persona.user_mode_commands
        ):
            return None
        text = self._table.lookup(line)
        if text is None:
            return None
        if not text:
            return ""
        return "".join(part + "\r\n" for part in text.replace("\r\n", "\n").split("\n"))

    def _invalid(self, line: str, *, with_prompt: bool) -> str:
        # The caret sits under the start of the command, offset by the prompt it follows.
        indent = len(line) - len(line.lstrip()) + (len(self.prompt) if with_prompt else 0)
        text = " " * indent + "^\r\n% Invalid input detected at '^' marker.\r\n\r\n"
        return text + (self.prompt if with_prompt else "")


class _SilentProtocol(asyncio.Protocol):
    """A TCP peer that accepts and never says a word: no SSH banner, nothing (``no_banner``)."""

    def __init__(self, lab: RunningLab) -> None:
        self._lab = lab
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._lab._silent.add(transport)

    def data_received(self, data: bytes) -> None:
        pass  # the client's own banner and whatever follows: read and ignored

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._lab._silent.discard(self._transport)


class RunningLab:
    """Handle on a started lab: bound ports, and close() to stop listening and hang up."""

    def __init__(self) -> None:
        self.ports: dict[str, int] = {}
        self._acceptors: list[asyncssh.SSHAcceptor] = []
        self._connections: set[asyncssh.SSHServerConnection] = set()
        # Fault plumbing: bound-only sockets ("refuse"), listening sockets accepted by hand
        # ("host_key_changed"), silent TCP servers and their connections ("no_banner").
        self._sockets: list[socket.socket] = []
        self._servers: list[asyncio.Server] = []
        self._silent: set[asyncio.BaseTransport] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for acceptor in self._acceptors:
            acceptor.close()
        for acceptor in self._acceptors:
            with contextlib.suppress(Exception):
                await acceptor.wait_closed()
        self._acceptors.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        for server in self._servers:
            server.close()
        for transport in list(self._silent):
            transport.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), timeout=5)
        self._servers.clear()
        self._silent.clear()
        connections = list(self._connections)
        for conn in connections:
            conn.close()
        for conn in connections:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.wait_closed(), timeout=5)
        self._connections.clear()

    async def __aenter__(self) -> RunningLab:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _tcp_socket(host: str) -> socket.socket:
    family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    return socket.socket(family, socket.SOCK_STREAM)


def _bind(router: LabRouter, host: str, *, listen: bool) -> socket.socket:
    sock = _tcp_socket(host)
    try:
        if listen:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, router.port))
        if listen:
            sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise LabBindError(router.name, host, router.port, exc) from exc
    return sock


def _ssh_options(router: LabRouter, credentials: LabCredentials, lab: RunningLab) -> dict[str, Any]:
    """asyncssh server options for one router (everything but its host keys)."""
    table = _CommandTable(router.outputs)

    def make_server() -> _RouterServer:
        return _RouterServer(router, credentials, lab)

    async def handle(process: asyncssh.SSHServerProcess[str]) -> None:
        await _RouterSession(router, table, credentials, process).run()

    return {
        "server_factory": make_server,
        "process_factory": handle,
        # Echo is ours: asyncssh's line editor echoes queued input before prompts.
        "line_editor": False,
        "encoding": "utf-8",
        # Undecodable input is dropped by the CLI; "garbage" output goes out byte for byte.
        "errors": "surrogateescape",
        "password_auth": True,
        "kbdint_auth": False,
        "public_key_auth": False,
        "gss_host": None,
        "agent_forwarding": False,
        "x11_forwarding": False,
        "allow_scp": False,
    }


async def _serve_key_switching(
    router: LabRouter,
    host: str,
    keys: tuple[asyncssh.SSHKey, asyncssh.SSHKey],
    after_connections: int,
    options: dict[str, Any],
    lab: RunningLab,
) -> int:
    """Accept connections by hand so each can get its own host key (``host_key_changed``)."""
    listener = _bind(router, host, listen=True)
    lab._sockets.append(listener)
    loop = asyncio.get_running_loop()

    async def run_one(sock: socket.socket, key: asyncssh.SSHKey) -> None:
        try:
            await asyncssh.run_server(sock, server_host_keys=[key], **options)
        except (TimeoutError, OSError, asyncssh.Error):
            sock.close()  # the client left during key exchange or login

    async def accept() -> None:
        count = 0
        while True:
            try:
                sock, _peer = await loop.sock_accept(listener)
            except OSError:
                return  # the listener was closed
            count += 1
            lab._spawn(run_one(sock, keys[0] if count <= after_connections else keys[1]))

    lab._spawn(accept())
    return int(listener.getsockname()[1])


async def _serve_router(
    router: LabRouter,
    credentials: LabCredentials,
    host: str,
    lab_key: asyncssh.SSHKey,
    lab: RunningLab,
) -> int:
    """Start one router (faults included); return its port."""
    fault = router.fault
    kind = fault.kind if fault is not None else None
    if kind == "refuse":
        # Bound, never listened on: the port stays ours and every SYN gets a reset.
        sock = _bind(router, host, listen=False)
        lab._sockets.append(sock)
        return int(sock.getsockname()[1])
    if kind == "blackhole":
        sock = _bind(router, host, listen=False)
        sock.listen(0)
        # Fill the accept queue (never accepted): from now on the kernel drops SYNs.
        filler = _tcp_socket(host)
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(sock.getsockname())
        lab._sockets += [sock, filler]
        return int(sock.getsockname()[1])
    if kind == "no_banner":
        loop = asyncio.get_running_loop()
        try:
            server = await loop.create_server(lambda: _SilentProtocol(lab), host, router.port)
        except OSError as exc:
            raise LabBindError(router.name, host, router.port, exc) from exc
        lab._servers.append(server)
        return int(server.sockets[0].getsockname()[1])
    key = (
        _load_host_key(router.host_key_path, f"router {router.name}")
        if router.host_key_path
        else lab_key
    )
    options = _ssh_options(router, credentials, lab)
    if fault is not None and fault.kind == "host_key_changed":
        previous = (
            _load_host_key(fault.previous_host_key_path, f"router {router.name}")
            if fault.previous_host_key_path
            else asyncssh.generate_private_key(key.get_algorithm())
        )
        return await _serve_key_switching(
            router, host, (previous, key), fault.after_connections, options, lab
        )
    try:
        acceptor = await asyncssh.listen(host, router.port, server_host_keys=[key], **options)
    except OSError as exc:
        raise LabBindError(router.name, host, router.port, exc) from exc
    lab._acceptors.append(acceptor)
    return int(acceptor.get_port())


async def serve(
    routers: Sequence[LabRouter],
    credentials: LabCredentials,
    host: str = "127.0.0.1",
    *,
    host_key_path: Path | None = None,
) -> RunningLab:
    """Start listening for every router on host (loopback only) in the running event loop.

    Raises ValueError for a non-loopback host, duplicate names or an unreadable host key,
    and LabBindError if a port cannot be bound (routers already started are closed again
    first).
    """
    check_loopback(host)
    names = [router.name for router in routers]
    if len(set(names)) != len(names):
        raise ValueError("router names must be unique")
    key = _load_host_key(host_key_path, "lab") if host_key_path else _default_host_key()
    lab = RunningLab()
    try:
        for router in routers:
            lab.ports[router.name] = await _serve_router(router, credentials, host, key, lab)
    except BaseException:
        await lab.close()
        raise
    return lab


# ---------------------------------------------------------------------------------------------
# Command line entry point
# ---------------------------------------------------------------------------------------------


def _err(message: str) -> None:
    print(f"lab: {message}", file=sys.stderr, flush=True)


def _write_ready_file(path: Path, ports: Mapping[str, int]) -> None:
    # Write-then-rename so a watcher never reads half a file.
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=".ready-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(ports), handle)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


async def _run_lab(
    routers: Sequence[LabRouter],
    credentials: LabCredentials,
    host: str,
    host_key_path: Path | None,
    ready_file: Path,
    exit_with_parent: bool,
    dns: LabDnsSpec | None = None,
) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    parent = os.getppid()
    try:
        try:
            lab = await serve(routers, credentials, host, host_key_path=host_key_path)
        except LabBindError as exc:
            _err(exc.strerror or str(exc))
            return ExitCode.INTERNAL
        except ValueError as exc:
            _err(f"refusing to start: {exc}")
            return ExitCode.INTERNAL
        dns_server: DnsServer | None = None
        try:
            ready = dict(lab.ports)
            if dns is not None:
                from netaccept.lab.dns import DnsServer

                dns_server = DnsServer(dns.records)
                try:
                    ready[DNS_READY_KEY] = await dns_server.start(host, dns.port)
                except OSError as exc:
                    _err(f"dns: cannot listen on {host}:{dns.port}/udp: {exc.strerror or exc}")
                    return ExitCode.INTERNAL
            _write_ready_file(ready_file, ready)
            _err(f"{len(lab.ports)} routers listening on {host}")
            if dns is not None:
                zone = f" for {dns.domain}" if dns.domain else ""
                _err(f"DNS{zone} ({len(dns.records)} records) on {host}:{ready[DNS_READY_KEY]}/udp")
            while not stop.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=0.5)
                if exit_with_parent and os.getppid() != parent:
                    break  # our owner died without stopping us; don't linger
        finally:
            if dns_server is not None:
                dns_server.close()
            await lab.close()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return ExitCode.PASS


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m netaccept.lab``; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m netaccept.lab",
        description="Serve simulated Cisco routers over SSH on loopback. Credentials come from "
        f"{ENV_USERNAME}, {ENV_PASSWORD} and {ENV_SECRET}.",
    )
    parser.add_argument("--spec", type=Path, required=True, help="lab spec JSON file")
    parser.add_argument("--ready-file", type=Path, required=True, help="where to write ports")
    parser.add_argument(
        "--exit-with-parent", action="store_true", help="stop when the parent process exits"
    )
    args = parser.parse_args(argv)

    required = (ENV_USERNAME, ENV_PASSWORD, ENV_SECRET)
    missing = [name for name in required if not os.environ.get(name)]
    if missing:
        _err(f"refusing to start: environment variable(s) not set: {', '.join(missing)}")
        return ExitCode.INTERNAL
    credentials = LabCredentials(
        os.environ[ENV_USERNAME], os.environ[ENV_PASSWORD], os.environ[ENV_SECRET]
    )
    try:
        spec = load_spec(args.spec)
        check_loopback(spec.host)
        routers = routers_from_spec(spec)
    except ValueError as exc:
        _err(f"refusing to start: {exc}")
        return ExitCode.INTERNAL
    return asyncio.run(
        _run_lab(
            routers,
            credentials,
            spec.host,
            spec.host_key_path,
            args.ready_file,
            args.exit_with_parent,
            spec.dns,
        )
    )


# ---------------------------------------------------------------------------------------------
# Running the lab in a child process
# ---------------------------------------------------------------------------------------------


class LabProcess:
    """Context manager running the lab in its own process (``sys.executable -m netaccept.lab``).

    ``ports`` maps router name to bound port once ``__enter__`` returns. With
    ``dns_records`` (even an empty list) the lab also serves DNS over UDP on ``host`` at
    ``dns_port`` (0: a free port), and ``dns_port`` is the bound port once started (else None).

    Without ``host_key_path`` a throw-away lab host key is generated for this run, so that
    :meth:`known_hosts_lines` can pin every router's key for a strict client.
    """

    def __init__(
        self,
        routers: Sequence[LabRouterSpec],
        credentials: LabCredentials,
        *,
        ready_timeout: float = 30.0,
        host: str = "127.0.0.1",
        host_key_path: Path | None = None,
        dns_records: Sequence[DnsRecord] | None = None,
        dns_port: int = 0,
    ) -> None:
        check_loopback(host)
        if isinstance(dns_port, bool) or not 0 <= dns_port <= 65535:
            raise ValueError(f"dns_port {dns_port} out of range")
        self.routers = tuple(routers)
        self.credentials = credentials
        self.ready_timeout = ready_timeout
        self.host = host
        self.host_key_path = host_key_path
        self.dns_records = tuple(dns_records) if dns_records is not None else None
        self._dns_bind_port = dns_port
        self.ports: dict[str, int] = {}
        self.dns_port: int | None = None  # the DNS server's bound port, once started
        self.returncode: int | None = None  # the child's exit code, once stopped
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmpdir: Path | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stderr_text(self) -> str:
        """Everything the child wrote to stdout/stderr so far."""
        if self._tmpdir is None:
            return ""
        try:
            return (self._tmpdir / "lab.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    @property
    def lab_host_key_path(self) -> Path | None:
        """The private host key of the routers without their own (once started)."""
        if self.host_key_path is not None:
            return Path(self.host_key_path)
        return self._tmpdir / "lab_host_key" if self._tmpdir is not None else None

    def known_hosts_lines(self) -> list[str]:
        """known_hosts lines (OpenSSH format) for the key each router presents first.

        Routers with a ``refuse`` or ``no_banner`` fault present none; a ``host_key_changed``
        router is pinned to its ``previous_host_key_path`` (skipped without one: that key is
        generated inside the lab), so that its change is detected.
        """
        lab_key = self.lab_host_key_path
        if lab_key is None:
            raise RuntimeError("the lab is not running")
        lines = []
        for router in self.routers:
            fault = router.fault
            if fault is not None and fault.kind in ("refuse", "blackhole", "no_banner"):
                continue
            key = router.host_key_path or lab_key
            if fault is not None and fault.kind == "host_key_changed":
                if fault.previous_host_key_path is None:
                    continue
                key = fault.previous_host_key_path
            lines.append(known_hosts_line(self.host, self.ports[router.name], key))
        return lines

    def write_known_hosts(self, path: Path) -> Path:
        """Write :meth:`known_hosts_lines` to `path` (replacing it); return `path`."""
        path = Path(path)
        path.write_text("".join(line + "\n" for line in self.known_hosts_lines()), "utf-8")
        return path

    def __enter__(self) -> LabProcess:
        self._tmpdir = Path(tempfile.mkdtemp(prefix="netaccept-lab-"))
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def _start(self) -> None:
        assert self._tmpdir is not None
        spec: dict[str, Any] = {
            "host": self.host,
            "routers": [router.to_json() for router in self.routers],
        }
        lab_key = self.lab_host_key_path
        assert lab_key is not None
        if self.host_key_path is None:
            generate_host_key(lab_key)
        spec["host_key_path"] = str(lab_key.resolve())
        if self.dns_records is not None:
            spec["dns"] = {
                "port": self._dns_bind_port,
                "records": [record.to_json() for record in self.dns_records],
            }
        spec_path = self._tmpdir / "spec.json"
        spec_path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
        ready_path = self._tmpdir / "ready.json"

        env = dict(os.environ)
        # Credentials travel in the environment only: argv is visible to every local user.
        env[ENV_USERNAME] = self.credentials.username
        env[ENV_PASSWORD] = self.credentials.password
        env[ENV_SECRET] = self.credentials.secret
        # Make this package importable in the child whatever its working directory is.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)

        cmd = [
            sys.executable,
            "-m",
            "netaccept.lab",
            "--spec",
            str(spec_path),
            "--ready-file",
            str(ready_path),
            "--exit-with-parent",
        ]
        # A file, not a pipe: nobody drains a pipe while the lab runs, and a full one blocks it.
        with (self._tmpdir / "lab.log").open("wb") as log:
            self._proc = subprocess.Popen(
                cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )

        deadline = time.monotonic() + self.ready_timeout
        while True:
            if ready_path.exists():
                ports = json.loads(ready_path.read_text(encoding="utf-8"))
                # Keys starting with "_" are services (DNS), not routers.
                self.ports = {
                    str(name): int(port)
                    for name, port in ports.items()
                    if not str(name).startswith("_")
                }
                dns_port = ports.get(DNS_READY_KEY)
                self.dns_port = int(dns_port) if dns_port is not None else None
                return
            code = self._proc.poll()
            if code is not None:
                raise RuntimeError(
                    f"lab process exited with code {code} before it was ready:\n"
                    f"{self.stderr_text()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"lab process not ready after {self.ready_timeout} s:\n{self.stderr_text()}"
                )
            time.sleep(0.05)

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None:
            self.returncode = proc.returncode
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()
