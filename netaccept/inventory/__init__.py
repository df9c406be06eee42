"""The inventory: sites, devices, their ordered ports and the values each check expects.

An inventory is a YAML file the customer's engineers can read and review (section 2.2).
Values are layered: `defaults`, then the device's site `defaults`, then each group it
names (in order), then the device itself; mappings merge, everything else is replaced.

Loading never shows a traceback for a bad file: every problem becomes an
`InventoryError` naming the file, the line and the field, and what to do about it.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import os
import re
import string
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyAddress,
    IPvAnyNetwork,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from netaccept.core.catalogue import CHECK_IDS, Platform

# Names and values that end up inside commands or file names are constrained by type here,
# so no inventory value can smuggle a second command or a path onto the wire or the disk.
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
InterfaceName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z-]*[0-9]+(?:[/.:][0-9]+)*$")
]


def _no_dot_segments(path: str) -> str:
    if any(part in (".", "..") for part in path.split(":", 1)[1].split("/")):
        raise ValueError(f"{path!r}: '.' and '..' are not allowed in a file path")
    return path


# A file on the router: `disk0:name` or `disk0:folder/name`.
FilePath = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9]*:/?[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$"),
    AfterValidator(_no_dot_segments),
]
# The pattern is checked before `to_lower` applies, so it must accept both cases.
Md5 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{32}$", to_lower=True)]
EnvVar = Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]*$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
CheckId = Literal[
    "intrapop_links", "rpms_config", "rpms_test", "ip_connectivity", "isis_config",
    "bgp_config", "isis_neighbors", "bgp_neighbors", "interfaces", "loopback_dns",
    "ftp_tftp_source", "console_login", "last_resort_password", "tacacs", "vty_acl",
    "ios_version", "flash", "rp_memory", "logs", "interface_descriptions",
]  # fmt: skip

M = TypeVar("M", bound=BaseModel)

_SECRET_KEYS = re.compile(r"(?i)^(password|passwd|secret|enable_secret|enable_password|key)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Credentials(_Model):
    """Where the login credentials come from: names of environment variables, never values."""

    username_env: EnvVar = "NETACCEPT_USERNAME"
    password_env: EnvVar = "NETACCEPT_PASSWORD"
    secret_env: EnvVar = "NETACCEPT_SECRET"


class Timeouts(_Model):
    """Seconds to wait on a router before the checks that need it become `error`."""

    connect: float = Field(20.0, gt=0, le=600)  # the TCP connection
    banner: float = Field(20.0, gt=0, le=600)  # the SSH banner, once TCP is connected
    auth: float = Field(20.0, gt=0, le=600)  # the answer to the login (TACACS+ may be slow)
    command: float = Field(60.0, gt=0, le=3600)  # each command, up to the prompt
    retry_delay: float = Field(2.0, ge=0, le=60)  # before the one retry of a transient failure


class Software(_Model):
    """The approved software for the device: `ios_version` and `flash` compare against it."""

    version: Text
    image: FilePath
    md5: Md5 | None = None

    @property
    def filesystem(self) -> str:
        """`disk0:` for `disk0:c12k.bin` or `disk0:/dir/c12k.bin`."""
        return self.image.split(":", 1)[0] + ":"

    @property
    def directory(self) -> str:
        """The folder part of the image path, '' when the image sits at the root."""
        rest = self.image.split(":", 1)[1].lstrip("/")
        return rest.rpartition("/")[0]

    @property
    def filename(self) -> str:
        return self.image.rpartition("/")[2].split(":")[-1]


class Flash(_Model):
    """Thresholds for `flash` (Schedule 2 line 17)."""

    min_free_bytes: int = Field(16 * 1024 * 1024, ge=0)


class BgpNeighbor(_Model):
    address: IPvAnyAddress  # IPv4Address | IPv6Address, validated as one type: one clear error
    remote_as: int = Field(ge=1, le=4294967295)
    min_prefixes: int = Field(0, ge=0)
    description: Text | None = None
    update_source: InterfaceName | None = None


class Bgp(_Model):
    """Expected BGP: `bgp_config` (line 6) and `bgp_neighbors` (line 8)."""

    local_as: int | None = Field(None, ge=1, le=4294967295)
    neighbors: list[BgpNeighbor] = Field(default_factory=list)

    @field_validator("neighbors")
    @classmethod
    def _unique(cls, neighbors: list[BgpNeighbor]) -> list[BgpNeighbor]:
        seen = [str(n.address) for n in neighbors]
        dupes = sorted({a for a in seen if seen.count(a) > 1})
        if dupes:
            raise ValueError(f"neighbour listed twice: {', '.join(dupes)}")
        return neighbors


class IsisNeighbor(_Model):
    system_id: Name
    interface: InterfaceName
    level: Literal["L1", "L2", "L1L2"] = "L2"


IsisNet = Annotated[
    str, StringConstraints(pattern=r"^[0-9A-Fa-f]{2}(\.[0-9A-Fa-f]{4}){1,6}\.[0-9A-Fa-f]{2}$")
]


class Isis(_Model):
    """Expected ISIS: `isis_config` (line 5) and `isis_neighbors` (line 7)."""

    tag: Name | None = None
    net: IsisNet | None = None
    is_type: Literal["level-1", "level-2-only", "level-1-2"] = "level-2-only"
    metric_style: Literal["wide", "narrow", "transition"] = "wide"
    interfaces: list[InterfaceName] = Field(default_factory=list)
    passive_interfaces: list[InterfaceName] = Field(default_factory=lambda: ["Loopback0"])
    neighbors: list[IsisNeighbor] = Field(default_factory=list)


class Ping(_Model):
    """How a ping test is run and judged."""

    count: int = Field(5, ge=1, le=10000)
    size: int = Field(100, ge=36, le=18024)
    min_success_percent: int = Field(100, ge=0, le=100)


class IntrapopLink(_Model):
    interface: InterfaceName
    peer: Name
    peer_address: IPvAnyAddress


class Intrapop(_Model):
    """Links to other routers in the same POP, for `intrapop_links` (line 1)."""

    links: list[IntrapopLink] = Field(default_factory=list)
    ping: Ping = Ping(count=100, size=1500, min_success_percent=100)


class ConnectivityTarget(_Model):
    address: IPvAnyAddress
    name: Text


class Connectivity(_Model):
    """Targets pinged from the loopback, for `ip_connectivity` (line 4)."""

    targets: list[ConnectivityTarget] = Field(default_factory=list)
    ping: Ping = Ping()


class Probe(_Model):
    """A response-time probe the customer's monitoring polls (IP SLA, formerly RTR)."""

    id: int = Field(ge=1, le=2147483647)
    type: Literal["icmp-echo"] = "icmp-echo"
    target: IPvAnyAddress
    frequency: int = Field(60, ge=1, le=604800)
    rtt_max_ms: int | None = Field(None, ge=1)


class Rpms(_Model):
    """Probes for `rpms_config` (line 2) and `rpms_test` (line 3)."""

    cli: Literal["ip_sla", "rtr"] = "ip_sla"
    probes: list[Probe] = Field(default_factory=list)
    rtt_max_ms: int = Field(100, ge=1)


class InterfacePolicy(_Model):
    """Thresholds for `interfaces` (line 9)."""

    in_service: list[InterfaceName] = Field(default_factory=list)
    unused: Literal["ignore", "shutdown"] = "ignore"
    max_input_errors: int = Field(0, ge=0)
    max_crc: int = Field(0, ge=0)
    max_output_errors: int = Field(0, ge=0)


DomainName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\.?$")
]


class Dns(_Model):
    """`loopback_dns` (line 10): the router's name and the name servers to ask."""

    name: DomainName | None = None
    domain: DomainName | None = None
    servers: list[IPvAnyAddress] = Field(min_length=1)
    port: int = Field(53, ge=1, le=65535)
    router_name_servers: list[IPvAnyAddress] = Field(default_factory=list)
    timeout: float = Field(3.0, gt=0, le=60)

    def fqdn(self, device: str) -> str | None:
        """The router's expected DNS name: `name`, else `<device>.<domain>`."""
        if self.name:
            return self.name.rstrip(".")
        return f"{device}.{self.domain.rstrip('.')}" if self.domain else None


class Console(_Model):
    """`console_login` (line 12)."""

    max_exec_timeout_minutes: int = Field(15, ge=1, le=1440)


class Aaa(_Model):
    """`last_resort_password` (line 13) and the AAA part of `tacacs` (line 14)."""

    login_list: Name = "default"


class Tacacs(_Model):
    """`tacacs` (line 14)."""

    servers: list[IPvAnyAddress] = Field(min_length=1)
    source_interface: InterfaceName | None = None


class Vty(_Model):
    """`vty_acl` (line 15)."""

    permitted_prefixes: list[IPvAnyNetwork] = Field(min_length=1)
    transport_input: list[Literal["ssh", "telnet", "none", "all"]] = Field(
        default_factory=lambda: ["ssh"]  # type: ignore[arg-type]
    )


class Memory(_Model):
    """`rp_memory` (line 18)."""

    min_dram_mb: int = Field(512, ge=1)
    min_free_percent: int = Field(20, ge=0, le=100)


class Logs(_Model):
    """`logs` (line 19)."""

    max_severity: int = Field(3, ge=0, le=7)
    window_hours: int = Field(24, ge=1, le=24 * 365)
    allow: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list
    )


_DESCRIPTION_FIELDS = ("order", "customer", "speed", "interface")


class Descriptions(_Model):
    """`interface_descriptions` (line 20): the agreed description format of an ordered port."""

    format: Annotated[str, StringConstraints(min_length=1, max_length=200)] = "{order} {customer}"

    @field_validator("format")
    @classmethod
    def _fields(cls, value: str) -> str:
        # Only the four plain fields: `{order.x}` or `{order[0]}` would raise
        # AttributeError or TypeError at format time, which pydantic does not catch.
        wrong = ValueError(
            f"{value!r}: use only {{order}}, {{customer}}, {{speed}} and {{interface}}"
        )
        try:
            parts = list(string.Formatter().parse(value))
        except ValueError:
            raise wrong from None
        for _text, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in _DESCRIPTION_FIELDS or conversion or "{" in (spec or ""):
                raise wrong
        try:
            value.format(order="o", customer="c", speed="s", interface="i")
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            raise wrong from None
        return value


class PortOrder(_Model):
    """A Port Service Order (section 1.3): a router interface sold to a named customer."""

    order: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
    interface: InterfaceName
    speed: Text
    customer: Text


class Site(_Model):
    """An Equipment Site: a carrier hotel or POP."""

    name: Text
    address: Text
    defaults: dict[str, Any] = Field(default_factory=dict)


class Device(_Model):
    """One router (a Qualified Equipment) with everything its checks expect, fully resolved."""

    name: Name
    host: Text
    port: int = Field(22, ge=1, le=65535)
    platform: Platform
    site: Name
    groups: list[Name] = Field(default_factory=list)
    credentials: Credentials = Credentials()
    timeouts: Timeouts = Timeouts()
    loopback: InterfaceName = "Loopback0"
    software: Software | None = None
    flash: Flash = Flash()
    memory: Memory = Memory()
    bgp: Bgp | None = None
    isis: Isis | None = None
    intrapop: Intrapop = Intrapop()
    connectivity: Connectivity = Connectivity()
    rpms: Rpms = Rpms()
    interfaces: InterfacePolicy = InterfacePolicy()
    dns: Dns | None = None
    transfer_source: InterfaceName | None = None
    console: Console = Console()
    aaa: Aaa = Aaa()
    tacacs: Tacacs | None = None
    vty: Vty | None = None
    logs: Logs = Logs()
    descriptions: Descriptions = Descriptions()
    ports: list[PortOrder] = Field(default_factory=list)
    not_applicable: dict[CheckId, Text] = Field(default_factory=dict)

    @field_validator("host")
    @classmethod
    def _host(cls, host: str) -> str:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if not re.fullmatch(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?", host):
                raise ValueError(f"{host!r} is neither an IP address nor a host name") from None
        return host

    @model_validator(mode="after")
    def _ports_unique(self) -> Device:
        for attr in ("order", "interface"):
            values = [getattr(p, attr) for p in self.ports]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"two ports share the same {attr}: {', '.join(dupes)}")
        return self


class Settings(_Model):
    """Run-wide settings."""

    workers: int = Field(128, ge=1, le=1024)


class Contract(_Model):
    """The agreement's terms that shape certificates; the contract redacted the numbers."""

    agreement: Text = "Port Access Services Agreement"
    provider: Text | None = None
    customer: Text | None = None
    acceptance_days_new: int = Field(5, ge=0, le=365)  # 1.4(c), initial connection
    acceptance_days_repair: int = Field(2, ge=0, le=365)  # 1.4(c), repair or restoration
    attempts_before_remedies: int = Field(2, ge=1, le=100)  # 1.4(b)


class Lab(_Model):
    """Where the simulated lab finds its routers' recordings (relative to the inventory)."""

    recordings: str = "lab"
    dns_wrong_ptr: dict[Name, DomainName] = Field(default_factory=dict)


@dataclass(frozen=True)
class Inventory:
    """A loaded, validated inventory."""

    path: Path
    sites: Mapping[str, Site]
    devices: tuple[Device, ...]
    settings: Settings
    lab: Lab
    contract: Contract = dataclasses.field(default_factory=Contract)

    def device(self, name: str) -> Device:
        for device in self.devices:
            if device.name == name:
                return device
        raise KeyError(name)

    @property
    def lab_recordings(self) -> Path:
        return (self.path.parent / self.lab.recordings).resolve()

    def select(self, names: Sequence[str]) -> Inventory:
        """Keep only the named devices; an unknown name is an error that lists the valid ones."""
        if not names:
            return self
        known = {d.name for d in self.devices}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InventoryError(
                [
                    Problem(
                        self.path,
                        None,
                        "device",
                        f"no device named {n!r}{_suggest(n, known)}; "
                        f"devices: {', '.join(sorted(known))}",
                    )
                    for n in unknown
                ]
            )
        return dataclasses.replace(self, devices=tuple(d for d in self.devices if d.name in names))

    def with_endpoints(self, endpoints: Mapping[str, tuple[str, int]]) -> Inventory:
        """A copy with some devices' host and port replaced (the lab on free ports)."""
        devices = tuple(
            d.model_copy(update={"host": endpoints[d.name][0], "port": endpoints[d.name][1]})
            if d.name in endpoints
            else d
            for d in self.devices
        )
        return dataclasses.replace(self, devices=devices)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an inventory, located as precisely as the file allows."""

    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        # One line per problem, whatever names from the file the message quotes.
        message = _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], self.message)
        return f"{where}: {self.field}: {message}"


_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class InventoryError(Exception):
    """The inventory cannot be used; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_TOP_KEYS = ("defaults", "groups", "sites", "devices", "settings", "lab", "contract")
_DEVICE_ONLY_KEYS = ("name", "host", "port", "site", "groups", "ports")

# ---------------------------------------------------------------- YAML with line numbers

Loc = tuple[str | int, ...]


# An inventory is a handful of levels deep. libyaml's C composer recurses once per level and
# overflows the C stack (a segmentation fault, not an exception) some 20,000 levels down:
# a text that could nest that deep has its depth measured on the event stream (produced
# without recursion) before it is composed. Aliases share nodes, so a few lines of anchors
# can stand for billions of values ("billion laughs"): the walk in `_lines` counts them.
_MAX_DEPTH = 64
_MAX_VALUES = 200_000  # a 500-router inventory holds some 50,000
_SAFE_TO_COMPOSE = 5_000  # levels libyaml composes without any risk to the stack
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TooBig(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _too_deep(line: int) -> _TooBig:
    return _TooBig(line, f"nested more than {_MAX_DEPTH} levels deep; an inventory needs a few")


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth of `text`, computed without parsing it.

    Flow collections need one bracket per level. A block collection nested in another is
    indented further, except a sequence in a mapping (same column: hence the factor 2) and
    the compact forms (`- - a`, `- a: b`, `? x`) whose indicators sit on the same line.
    """
    flow = text.count("[") + text.count("{")
    block = 0
    for line in text.splitlines():
        body = line.lstrip(" ")
        indicators = body.count("-") + body.count(":") + body.count("?")
        block = max(block, 2 * (len(line) - len(body) + 1) + indicators)
    return flow + block + 2


def _check_depth(text: str) -> None:
    """Raise _TooBig if `text` nests too deep to compose safely; free for ordinary files."""
    if _depth_bound(text) <= _SAFE_TO_COMPOSE:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                raise _too_deep(event.start_mark.line + 1 if event.start_mark else 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _lines(node: yaml.Node, loc: Loc, out: dict[Loc, int], problems: list[str]) -> None:
    """Map every location in the document to its line; note duplicate keys."""
    visits = 0
    stack: list[tuple[yaml.Node, Loc, int]] = [(node, loc, 0)]
    while stack:
        node, loc, depth = stack.pop()
        line = node.start_mark.line + 1
        visits += 1
        if visits > _MAX_VALUES:
            raise _TooBig(
                line,
                f"its aliases expand to more than {_MAX_VALUES:,} values; "
                "repeat less through anchors (&) and aliases (*)",
            )
        if depth > _MAX_DEPTH:
            raise _too_deep(line)
        out.setdefault(loc, line)
        children: list[tuple[yaml.Node, Loc, int]] = []
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                key_line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    where = _dotted(loc + (key,))
                    problems.append(
                        f"{key_line}\t{where}\tduplicate key (first at line {seen[key]})"
                    )
                seen[key] = key_line
                out[loc + (key,)] = key_line
                children.append((value_node, loc + (key,), depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                out[loc + (index,)] = item.start_mark.line + 1
                children.append((item, loc + (index,), depth + 1))
        stack.extend(reversed(children))


def _parse(text: str, lines: dict[Loc, int], problems: list[str]) -> Any:
    """Parse `text` once: map its lines (into `lines`), then construct its values."""
    _check_depth(text)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # the pure-Python composer, when libyaml is missing
            raise _too_deep(1) from None
        if node is None:
            return None
        _lines(node, (), lines, problems)  # before construction, which flattens merge keys
        return _construct(loader, node)
    finally:
        loader.dispose()


def _construct(loader: Any, node: yaml.Node) -> Any:
    """Python values from the composed `node` (merge keys applied, aliases shared)."""
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError) as exc:
        # A scalar that resolves to a type it cannot be, e.g. the timestamp 2001-02-30.
        bad = _bad_scalar(loader, node)
        line = bad.start_mark.line + 1 if bad else node.start_mark.line + 1
        value = f" {bad.value!r}" if bad else ""
        raise _TooBig(line, f"not valid YAML: cannot read the value{value}: {exc}") from None


def _bad_scalar(loader: Any, node: yaml.Node) -> yaml.ScalarNode | None:
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except (ValueError, TypeError, OverflowError, yaml.YAMLError):
                return current
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def _dotted(loc: Sequence[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
            continue
        # A key that is not a plain word is quoted, so that FILE:LINE: FIELD: stays readable.
        name = part if isinstance(part, str) and _PLAIN_KEY.fullmatch(part) else repr(part)
        name = name.replace(":", "\\x3a")
        text += f".{name}" if text else name
    return text or "(top level)"


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def _suggest(word: str, choices: Iterator[str] | Sequence[str] | set[str]) -> str:
    """` (did you mean 'x'?)` for the valid choice nearest to a misspelt `word`, else ''."""
    options = [c for c in choices if isinstance(c, str)]
    # Typing slips first (a letter dropped, doubled, swapped or wrong): difflib's ratio
    # misses them in short words ('iis' for 'isis').
    scored = sorted((_edits(word.lower(), c.lower()), c) for c in options)
    if scored and scored[0][0] <= max(1, min(len(word), len(scored[0][1])) // 3):
        return f" (did you mean {scored[0][1]!r}?)"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _edits(a: str, b: str) -> int:
    """Letters inserted, deleted, replaced or swapped with a neighbour to turn `a` into `b`."""
    if abs(len(a) - len(b)) > 3:
        return 4
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _merge(
    base: dict[str, Any],
    base_origin: dict[Loc, Loc],
    layer: Mapping[str, Any],
    layer_loc: Loc,
    at: Loc = (),
) -> None:
    """Merge `layer` into `base` in place, remembering which file location each value came from."""
    for key, value in layer.items():
        here = at + (key,)
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base_origin[here] = layer_loc + (key,)
            _merge(base[key], base_origin, value, layer_loc + (key,), here)
        else:
            if key in base:  # only a key set before can have origins to forget
                for old in [k for k in base_origin if k[: len(here)] == here]:
                    del base_origin[old]
            base[key] = _deep_copy(value)
            _record(value, here, layer_loc + (key,), base_origin)


def _record(value: Any, at: Loc, src: Loc, origin: dict[Loc, Loc]) -> None:
    origin[at] = src
    if isinstance(value, Mapping):
        for key, item in value.items():
            _record(item, at + (key,), src + (key,), origin)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _record(item, at + (index,), src + (index,), origin)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _find_literal_secrets(value: Any, loc: Loc, found: list[Loc]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and _SECRET_KEYS.match(key):
                found.append(loc + (key,))
            _find_literal_secrets(item, loc + (key,), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_literal_secrets(item, loc + (index,), found)


def _fields_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The field names valid where the unknown key at `loc` was found (`loc` ends with it)."""
    annotation: Any = model
    for part in loc[:-1]:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """`Bgp` for `Bgp | None` or `Annotated[Bgp, ...]`."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (types.UnionType, typing.Union) and len(args) == 1:
            annotation = args[0]
            continue
        return annotation


def _pydantic_message(error: Mapping[str, Any], model: type[BaseModel] | None = None) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        loc = tuple(error["loc"])
        choices = _fields_at(model, loc) if model is not None and loc else []
        return "unknown field" + (_suggest(str(loc[-1]), choices) if choices else "")
    if error["type"] == "missing":
        return "required field is missing (set it on the device, its site or group, or defaults)"
    if error["type"] in ("literal_error", "enum") and "ctx" in error:
        expected = re.findall(r"'([^']*)'", str(error["ctx"].get("expected", "")))
        return f"{message} (got {error['input']!r})" + _suggest(str(error["input"]), expected)
    if error["type"] == "string_pattern_mismatch":
        return f"{error['input']!r} is not a valid value here"
    return message.removeprefix("Value error, ")


def _yaml_line(exc: yaml.YAMLError, text: str) -> int:
    for attr in ("problem_mark", "context_mark"):
        mark = getattr(exc, attr, None)
        if mark is not None:
            return int(mark.line) + 1
    position = getattr(exc, "position", None)  # a ReaderError: a character YAML forbids
    if isinstance(position, int):
        return text.count("\n", 0, position) + 1
    return 1


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return (
            f"not valid YAML: the character {char!r} ({ord(char[:1] or ' '):#04x}) is not allowed"
        )
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    return f"not valid YAML: {reason}" + (f" ({context})" if context else "")


def load_inventory(path: str | os.PathLike[str]) -> Inventory:
    """Read, merge and validate an inventory file. Raises InventoryError, never a traceback."""
    file = Path(path)
    try:
        raw_bytes = file.read_bytes()
    except FileNotFoundError:
        raise InventoryError([Problem(file, None, "(file)", "no such file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InventoryError([Problem(file, None, "(file)", f"cannot read it: {reason}")]) from None
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise InventoryError(
            [
                Problem(
                    file,
                    line,
                    "(file)",
                    f"not UTF-8 text: byte {raw_bytes[exc.start]:#04x} at offset {exc.start}; "
                    "save the inventory as UTF-8",
                )
            ]
        ) from None

    lines: dict[Loc, int] = {}
    raw_problems: list[str] = []
    try:
        data = _parse(text, lines, raw_problems)
    except yaml.YAMLError as exc:
        line = min(_yaml_line(exc, text), len(text.splitlines()) or 1)
        raise InventoryError([Problem(file, line, "(YAML)", _yaml_reason(exc))]) from None
    except _TooBig as exc:
        raise InventoryError([Problem(file, exc.line, "(YAML)", exc.message)]) from None
    problems = [
        Problem(file, int(ln), fld, msg) for ln, fld, msg in (p.split("\t") for p in raw_problems)
    ]

    def line_of(loc: Loc) -> int:
        while loc and loc not in lines:
            loc = loc[:-1]
        return lines.get(loc, 1)

    def problem(loc: Loc, message: str, field: str | None = None) -> Problem:
        return Problem(file, line_of(loc), field or _dotted(loc), message)

    if not isinstance(data, dict):
        raise InventoryError(
            problems or [problem((), "the inventory must be a mapping with a 'devices' list")]
        )

    secrets: list[Loc] = []
    _find_literal_secrets(data, (), secrets)
    for loc in secrets:
        problems.append(
            problem(
                loc,
                "a literal credential is not allowed in the inventory. Put it in the environment "
                "(NETACCEPT_USERNAME, NETACCEPT_PASSWORD, NETACCEPT_SECRET), or name other "
                "variables per device with credentials.username_env / password_env / secret_env; "
                "when none is set, netaccept prompts for it",
            )
        )

    for key in data:
        if key not in _TOP_KEYS:
            problems.append(problem((key,), f"unknown section{_suggest(str(key), _TOP_KEYS)}"))

    def section(key: str, kind: type) -> Any:
        value = data.get(key)
        if value is None:
            return kind()
        if not isinstance(value, kind):
            problems.append(problem((key,), f"must be a {'list' if kind is list else 'mapping'}"))
            return kind()
        return value

    defaults: dict[str, Any] = section("defaults", dict)
    groups: dict[str, Any] = section("groups", dict)
    raw_sites: dict[str, Any] = section("sites", dict)
    raw_devices: list[Any] = section("devices", list)

    # A device's own keys cannot come from a layer: `site` and `groups` choose the layers
    # (from a group they were silently not checked), and a shared `name` escapes the
    # duplicate-name check.
    shared_layers: list[tuple[Loc, Any]] = [(("defaults",), defaults)]
    shared_layers += [(("groups", g), v) for g, v in groups.items()]
    shared_layers += [
        (("sites", s, "defaults"), v["defaults"])
        for s, v in raw_sites.items()
        if isinstance(v, dict) and isinstance(v.get("defaults"), dict)
    ]
    for layer_loc, layer in shared_layers:
        if not isinstance(layer, dict):
            continue
        for key in layer:
            if key in _DEVICE_ONLY_KEYS and key != "port":
                problems.append(
                    problem(
                        layer_loc + (key,), f"belongs on each device, not in {_dotted(layer_loc)}"
                    )
                )

    sites: dict[str, Site] = {}
    for site_id, raw_site in raw_sites.items():
        try:
            sites[str(site_id)] = Site.model_validate(raw_site)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(
                    problem(("sites", site_id, *err["loc"]), _pydantic_message(err, Site))
                )

    def top(key: str, model: type[M]) -> M:
        try:
            value = data.get(key)
            return model.model_validate({} if value is None else value)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(problem((key, *err["loc"]), _pydantic_message(err, model)))
            return model()

    settings = top("settings", Settings)
    lab = top("lab", Lab)
    contract = top("contract", Contract)

    if not raw_devices and "devices" not in [p.field for p in problems]:
        problems.append(problem(("devices",), "no devices: list at least one under 'devices'"))

    devices: list[Device] = []
    names: dict[str, int] = {}
    for index, raw in enumerate(raw_devices):
        dloc: Loc = ("devices", index)
        if not isinstance(raw, dict):
            problems.append(
                problem(dloc, "each device must be a mapping with name, host, platform, site")
            )
            continue
        label = f"devices[{index}]" + (
            f" ({raw['name']})"
            if isinstance(raw.get("name"), str) and _PLAIN_KEY.fullmatch(raw["name"])
            else ""
        )
        name = raw.get("name")
        if isinstance(name, str):
            if name in names:
                problems.append(
                    problem(
                        dloc + ("name",),
                        f"duplicate device name {name!r} (also devices[{names[name]}])",
                    )
                )
            names[name] = index

        merged: dict[str, Any] = {}
        origin: dict[Loc, Loc] = {}
        layers: list[tuple[Mapping[str, Any], Loc]] = [(defaults, ("defaults",))]
        device_site = raw.get("site")
        if isinstance(device_site, str):
            if device_site not in raw_sites:
                problems.append(
                    problem(
                        dloc + ("site",),
                        f"no site {device_site!r}{_suggest(device_site, list(raw_sites))}; "
                        f"sites: {', '.join(map(str, raw_sites)) or '(none defined)'}",
                    )
                )
            elif isinstance(raw_sites[device_site], dict) and isinstance(
                raw_sites[device_site].get("defaults"), dict
            ):
                layers.append(
                    (raw_sites[device_site]["defaults"], ("sites", device_site, "defaults"))
                )
        raw_groups = raw.get("groups", [])
        if isinstance(raw_groups, list):
            for gi, group in enumerate(raw_groups):
                if not isinstance(group, str) or group not in groups:
                    problems.append(
                        problem(
                            dloc + ("groups", gi),
                            f"no group {group!r}{_suggest(str(group), list(groups))}; "
                            f"groups: {', '.join(map(str, groups)) or '(none defined)'}",
                        )
                    )
                elif not isinstance(groups[group], dict):
                    problems.append(
                        problem(("groups", group), "a group must be a mapping of device fields")
                    )
                else:
                    layers.append((groups[group], ("groups", group)))
        layers.append((raw, dloc))
        for layer, layer_loc in layers:
            _merge(merged, origin, layer, layer_loc)
        try:
            devices.append(Device.model_validate(merged))
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                src = origin.get(loc)
                probe = loc
                while src is None and probe:
                    probe = probe[:-1]
                    src = origin.get(probe)
                src = src or dloc
                field = f"{label} {_dotted(loc)}" if loc else label
                message = _pydantic_message(err, Device)
                problems.append(problem(src, message, field))

    seen_orders: dict[str, str] = {}
    for device in devices:
        for port in device.ports:
            other = seen_orders.setdefault(port.order, device.name)
            if other != device.name:
                index = names.get(device.name, 0)
                problems.append(
                    problem(
                        ("devices", index, "ports"),
                        f"order {port.order} is already on {other}: an order id names one port",
                    )
                )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field))
        raise InventoryError(problems)
    return Inventory(file, sites, tuple(devices), settings, lab, contract)


def resolve_credentials(device: Device, *, interactive: bool | None = None) -> tuple[str, str, str]:
    """Username, password and enable secret for `device`, from its environment variables.

    A variable that is not set is asked for at the terminal when one is attached; otherwise
    the error names the variable to set. The enable secret defaults to the password.
    """
    import getpass
    import sys

    refs = device.credentials
    interactive = sys.stdin.isatty() if interactive is None else interactive
    values: list[str] = []
    for var, what in (
        (refs.username_env, "username"),
        (refs.password_env, "password"),
        (refs.secret_env, "enable secret"),
    ):
        value = os.environ.get(var)
        if value is None and what == "enable secret":
            value = values[1] if len(values) > 1 else None
        if value is None and interactive:
            prompt = f"{what} for {device.name} (or set {var}): "
            value = input(prompt) if what == "username" else getpass.getpass(prompt)
            os.environ[var] = value  # ask once per variable, not once per device
        if value is None:
            raise CredentialsMissing(
                f"{device.name}: no {what}: set the environment variable {var} "
                "(or run netaccept from a terminal to be asked for it)"
            )
        values.append(value)
    return values[0], values[1], values[2]


class CredentialsMissing(Exception):
    """A credential variable is not set and nobody is at a terminal to type it."""


__all__ = [
    "CHECK_IDS",
    "Bgp",
    "BgpNeighbor",
    "Credentials",
    "CredentialsMissing",
    "Device",
    "Flash",
    "Inventory",
    "InventoryError",
    "Isis",
    "IsisNeighbor",
    "PortOrder",
    "Problem",
    "Settings",
    "Site",
    "Software",
    "Timeouts",
    "load_inventory",
    "resolve_credentials",
]
