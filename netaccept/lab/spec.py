"""What a simulated lab serves: its spec file, the routers in it, their faults and recordings.

Everything here is plain data and validation; nothing imports asyncssh, so a spec can be
built, checked and written (:class:`netaccept.lab.process.LabProcess`) without the SSH
stack. The SSH side is :mod:`netaccept.lab.server`.

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

Credentials never appear in a spec: the lab's process reads them from the environment
(:data:`ENV_USERNAME`, :data:`ENV_PASSWORD`, :data:`ENV_SECRET`).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from netaccept.core.catalogue import PLATFORM_NAMES, PlatformName
from netaccept.lab.offers import offer
from netaccept.platforms.registry import platform as registered

if TYPE_CHECKING:
    # Imported lazily at run time: only a lab that serves DNS needs dnspython.
    from netaccept.lab.dns import DnsRecord

__all__ = [
    "DNS_READY_KEY",
    "ECHO_WRAP_STYLES",
    "ENV_PASSWORD",
    "ENV_SECRET",
    "ENV_USERNAME",
    "FAULT_KINDS",
    "PAGER_STYLES",
    "FaultKind",
    "LabCredentials",
    "LabDnsSpec",
    "LabFault",
    "LabRouter",
    "LabRouterSpec",
    "LabSpec",
    "PlatformName",
    "PromptChangeMode",
    "check_loopback",
    "check_name",
    "load_recording",
    "load_spec",
    "normalise",
    "routers_from_spec",
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


def normalise(command: str) -> str:
    """`command` with runs of whitespace collapsed to one space and no outer whitespace."""
    return _WS_RE.sub(" ", command).strip()


def check_name(name: str) -> None:
    """Raise ValueError unless `name` is a valid router name (it ends up in the prompt)."""
    if not _NAME_RE.match(name):
        raise ValueError(f"invalid router name {name!r}: use letters, digits, '.', '_', '-'")


def _check_latencies(name: str, latencies: Mapping[str, float]) -> None:
    for command, seconds in latencies.items():
        if isinstance(seconds, bool) or not math.isfinite(seconds) or seconds < 0:
            raise ValueError(
                f"router {name}: the latency of {command!r} must be a finite number >= 0"
            )


def _check_common(
    name: str, platform: str, port: int, latency: float, fault: LabFault | None = None
) -> None:
    check_name(name)
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
# Transport faults
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
    "banner_then_silent",
    "pager",
    "echo_wrap",
    "prompt_in_output",
    "split_crlf",
    "endless_output",
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
    "banner_then_silent": frozenset(),
    "pager": _COMMAND_PARAMS | {"lines", "style"},
    "echo_wrap": frozenset({"width", "style"}),
    "prompt_in_output": _COMMAND_PARAMS | {"pause"},
    "split_crlf": _COMMAND_PARAMS | {"pause"},
    "endless_output": _COMMAND_PARAMS,
}
# The ways a pager prompt is drawn and erased, and a wrapped echo is drawn (first: default).
PAGER_STYLES = ("backspace", "ansi")
ECHO_WRAP_STYLES = ("crlf", "space_cr", "scroll")
_STYLES: dict[str, tuple[str, ...]] = {"pager": PAGER_STYLES, "echo_wrap": ECHO_WRAP_STYLES}
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

    Sessions that misbehave the way real terminals do (every command, unless ``command`` or
    ``nth`` is given):

    - ``banner_then_silent``: the SSH version line is sent at once, then nothing more: no
      key exchange; the connection is held until the client gives up.
    - ``pager``: ``terminal length`` is ignored and outputs are paged at ``lines`` lines
      (default 24: 23 lines, then the pager prompt). ``style`` ``backspace`` (default):
      `` --More-- ``, erased with backspaces, spaces and backspaces; ``ansi``:
      ``<--- More --->``, erased with CR and ESC [K. A space shows the next page, RETURN one
      more line, any other key ends the output.
    - ``echo_wrap``: ``terminal width`` is ignored and the echo of a line longer than
      ``width`` columns (default 80, prompt included) is wrapped: ``style`` ``crlf``
      (default; CR LF inserted at the margin), ``space_cr`` (a space and a CR, as line
      editors force the wrap) or ``scroll`` (the line scrolls horizontally: backspaces, then
      ``$`` and the shifted window, as IOS does).
    - ``prompt_in_output``: the output holds a line that is exactly the prompt (the first
      such line of the recording, else one inserted halfway), and the router pauses
      ``pause`` seconds (default 0.5) after it, before that line's CR LF.
    - ``split_crlf``: every CR and every LF of the output's line ends goes out on its own,
      ``pause`` seconds apart (default 0.01), so that they arrive in separate reads.
    - ``endless_output``: the output never ends: log lines follow it without a pause and
      without a prompt, until the client closes the session.
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
    lines: int | None = None
    width: int | None = None
    style: str | None = None
    pause: float | None = None

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
        if self.command is not None and not normalise(self.command):
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
            check_name(self.new_hostname)
        self._check_terminal()

    def _check_terminal(self) -> None:
        """The parameters of the misbehaving terminals (pager, echo_wrap and the pauses)."""
        if self.lines is not None and (isinstance(self.lines, bool) or self.lines < 2):
            raise ValueError(f"fault {self.kind}: lines must be an integer >= 2")
        if self.width is not None and (isinstance(self.width, bool) or self.width < 40):
            raise ValueError(f"fault {self.kind}: width must be an integer >= 40")
        styles = _STYLES.get(self.kind, ())
        if self.style is not None and self.style not in styles:
            raise ValueError(f"fault {self.kind}: style must be one of {', '.join(styles)}")
        if self.pause is not None and (not math.isfinite(self.pause) or self.pause < 0):
            raise ValueError(f"fault {self.kind}: pause must be a finite number of seconds >= 0")

    def selects(self, line: str, index: int) -> bool:
        """Whether the command `line`, the session's `index`-th (from 1), is hit."""
        if self.command is not None:
            return normalise(line) == normalise(self.command)
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
            if name in ("command", "mode", "new_hostname", "style"):
                if not isinstance(value, str):
                    raise ValueError(f"fault {kind}: {name} must be a string")
                params[name] = value
            elif name == "previous_host_key_path":
                if not isinstance(value, str) or not value:
                    raise ValueError(f"fault {kind}: {name} must be a path")
                params[name] = Path(value)
            elif name in ("latency", "pause"):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"fault {kind}: {name} must be a number")
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
    ssh_offer: str = "modern"  # see netaccept.lab.offers
    # Seconds particular commands take instead of `latency` (a 100-packet ping, `verify`).
    latencies: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_common(self.name, self.platform, self.port, self.latency, self.fault)
        _check_latencies(self.name, self.latencies)
        offer(self.ssh_offer)

    @property
    def delay(self) -> float:
        """Seconds every command waits: the latency, or a ``slow`` fault's."""
        if self.fault is not None and self.fault.kind == "slow":
            return max(self.latency, self.fault.latency)
        return self.latency

    def delay_for(self, command: str) -> float:
        """Seconds `command` waits: its own latency if it has one, else `delay`."""
        own = self.latencies.get(command)
        return self.delay if own is None else max(own, self.delay)


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
    ssh_offer: str = "modern"  # what the router offers in its key exchange (lab.offers)
    latencies: Mapping[str, float] = field(default_factory=dict)  # see LabRouter

    def __post_init__(self) -> None:
        _check_common(self.name, self.platform, self.port, self.latency, self.fault)
        _check_latencies(self.name, self.latencies)
        offer(self.ssh_offer)

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
        if self.ssh_offer != "modern":
            data["ssh_offer"] = self.ssh_offer
        if self.latencies:
            data["latencies"] = dict(self.latencies)
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
                    ssh_offer=str(entry.get("ssh_offer", "modern")),
                    latencies={
                        str(c): float(v) for c, v in dict(entry.get("latencies", {})).items()
                    },
                )
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"spec {path}: bad router entry {entry!r}: {exc}") from exc
    names = [r.name for r in routers]
    if len(set(names)) != len(names):
        raise ValueError(f"spec {path}: router names must be unique")
    dns = _load_dns_section(path, data.get("dns"))
    return LabSpec(tuple(routers), host, Path(key_path) if key_path else None, dns)


def renamed(outputs: Mapping[str, str], recorded: str, name: str) -> dict[str, str]:
    """`outputs` as the router `name` prints them, recorded from another router.

    A lab serves one recording under many names (fleets, faults, twins): each router calls
    itself by its own name (`show version`, its configuration's `hostname`, its prompts), as
    a real one does, so that the harness's identity check sees the router it asked for. The
    name the outputs use is their configuration's `hostname` (a copied recording may have
    been given another `device`), else `recorded`.
    """
    config = outputs.get("show running-config", "")
    found = re.search(r"^hostname\s+(\S+)\s*$", config, re.M)
    own = found.group(1) if found else recorded
    if own == name:
        return dict(outputs)
    word = re.compile(rf"(?<![\w.-]){re.escape(own)}(?![\w-])")
    return {command: word.sub(name, text) for command, text in outputs.items()}


def routers_from_spec(spec: LabSpec) -> list[LabRouter]:
    """Load every recording named in the spec."""
    routers = []
    for entry in spec.routers:
        recorded, platform, outputs = load_recording(entry.recording)
        if platform != entry.platform:
            raise ValueError(
                f"router {entry.name}: spec says {entry.platform} but recording "
                f"{entry.recording} is {platform}"
            )
        routers.append(
            LabRouter(
                entry.name,
                entry.platform,
                renamed(outputs, recorded, entry.name),
                entry.port,
                entry.latency,
                host_key_path=entry.host_key_path,
                fault=entry.fault,
                ssh_offer=entry.ssh_offer,
                latencies=entry.latencies,
            )
        )
    return routers
