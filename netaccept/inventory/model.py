"""What an inventory describes: sites, devices, their ordered ports and the values each check
expects, as frozen pydantic models, and the loaded `Inventory` that holds them.

A `Device` is validated fully resolved, after its layers are merged (see `layers`), so a check
reads one value per field. Every model forbids unknown fields: a misspelt key is a problem,
not a setting silently ignored.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    IPvAnyAddress,
    IPvAnyNetwork,
    StringConstraints,
    field_validator,
    model_validator,
)

from netaccept.core.asnumbers import asplain
from netaccept.core.catalogue import PlatformName
from netaccept.inventory.errors import InventoryError, Problem, _suggest

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
# A package that 64-bit IOS-XR names as its boot image (`ncs5500-xr-7.3.2`): not a file.
PackageName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
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


_HOP = re.compile(
    r"^(?:(?P<user>[A-Za-z0-9._-]+)@)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)"
    r"(?::(?P<port>\d{1,5}))?$"
)


@dataclass(frozen=True)
class Hop:
    """A jump host: `[user@]host[:port]` (IPv6 in brackets)."""

    user: str | None
    host: str
    port: int = 22

    @classmethod
    def parse(cls, text: str) -> Hop:
        match = _HOP.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not [user@]host[:port]")
        port = int(match.group("port") or 22)
        if not 1 <= port <= 65535:
            raise ValueError(f"{text!r}: port {port} out of range")
        return cls(match.group("user"), match.group("host").strip("[]"), port)

    def __str__(self) -> str:
        return f"{self.user + '@' if self.user else ''}{self.host}:{self.port}"


def _hop(text: str) -> str:
    Hop.parse(text)
    return text


def _private_key_file(path: str) -> str:
    """A readable private key file (OpenSSH or PEM); never its contents in the inventory."""
    full = Path(path).expanduser()
    try:
        head = full.read_bytes()[:100]
    except OSError as exc:
        raise ValueError(f"{path!r}: cannot read the key file ({exc.strerror})") from None
    if b"PRIVATE KEY-----" not in head:
        raise ValueError(f"{path!r} is not a private key (OpenSSH or PEM format)")
    return path


def _existing_file(path: str) -> str:
    if not Path(path).expanduser().is_file():
        raise ValueError(f"{path!r}: no such file")
    return path


LocalPath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class Ssh(_Model):
    """How the SSH session is opened: algorithms, public keys, jump hosts."""

    legacy_algorithms: bool = False
    """Also offer SHA-1 key exchange, `ssh-rsa` host keys, CBC ciphers and SHA-1 MACs: for
    routers that offer nothing newer (classic IOS 12.0S, IOS-XR 3.x/4.x). Each weak
    algorithm negotiated is flagged on the certificate."""
    key_file: Annotated[LocalPath, AfterValidator(_private_key_file)] | None = None
    """A private key for public-key authentication (to the router and the jump hosts)."""
    key_passphrase_env: EnvVar | None = None
    """The environment variable holding the key file's passphrase, if it has one."""
    agent: bool | None = None
    """Use the ssh-agent's keys; default: when SSH_AUTH_SOCK is set."""
    jump: list[Annotated[str, AfterValidator(_hop)]] = Field(default_factory=list, max_length=8)
    """Jump hosts in order, `[user@]host[:port]` each (as OpenSSH's ProxyJump)."""
    config_file: Annotated[LocalPath, AfterValidator(_existing_file)] | None = None
    """An OpenSSH client configuration: its HostName, Port and ProxyJump for the device."""

    @field_validator("jump", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Software(_Model):
    """The approved software for the device: `ios_version` and `flash` compare against it."""

    version: Text
    # A file on flash (`disk0:c12kprp-k4p-mz.120-32.SY8.bin`), or on 64-bit IOS-XR the boot
    # image package `show install active summary` names (`ncs5500-xr-7.3.2`).
    image: FilePath | PackageName
    md5: Md5 | None = None

    @property
    def is_file(self) -> bool:
        """True when `image` is a file on flash (`fs:path`), not a package name."""
        return ":" in self.image

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


def _as_number(value: object) -> int:
    """An AS number as asplain: an integer, or a string in asplain or asdot (high.low).

    YAML reads an unquoted `65010.12` as a float, in which 65010.1 and 65010.10 are the same
    number: a float is refused, with the advice to quote it. The conversion is the router
    side's too (`netaccept.core.asnumbers`).
    """
    if isinstance(value, float):
        raise ValueError(
            f"{value!r} is a decimal number to YAML: write an asdot AS number in quotes "
            "('65010.12'), since unquoted 65010.1 and 65010.10 read the same"
        )
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,10}(?:\.\d{1,5})?", text):
        raise ValueError(
            f"{value!r} is not an AS number: write it in asplain (4260495372) or in asdot "
            "within quotes ('65010.12')"
        )
    high, _, low = text.partition(".")
    if low and (int(high) > 65535 or int(low) > 65535):
        raise ValueError(f"{text!r}: each half of an asdot AS number is 0 to 65535")
    number = asplain(text)
    if not 1 <= number <= 4294967295:
        raise ValueError(f"AS {text} is out of range: AS numbers are 1 to 4294967295")
    return number


AsNumber = Annotated[int, BeforeValidator(_as_number)]


def _address_text(value: object) -> object:
    """An address or prefix is written as text: YAML's `false`, `yes` or a bare number is
    not one (ipaddress would take True for 0.0.0.1, or a number for an address)."""
    if isinstance(value, bool | int | float):
        raise ValueError(f"{value!r} is not an address: write it as text, e.g. 192.0.2.1")
    return value


Address = Annotated[IPvAnyAddress, BeforeValidator(_address_text)]
Network = Annotated[IPvAnyNetwork, BeforeValidator(_address_text)]
"""An AS number written in asplain (`4260495372`) or quoted asdot (`'65010.12'`), as asplain."""


class BgpNeighbor(_Model):
    address: Address  # IPv4Address | IPv6Address, validated as one type: one clear error
    remote_as: AsNumber
    min_prefixes: int = Field(0, ge=0)
    description: Text | None = None
    update_source: InterfaceName | None = None


class Bgp(_Model):
    """Expected BGP: `bgp_config` (line 6) and `bgp_neighbors` (line 8)."""

    local_as: AsNumber | None = None
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
    peer_address: Address


class Intrapop(_Model):
    """Links to other routers in the same POP, for `intrapop_links` (line 1)."""

    links: list[IntrapopLink] = Field(default_factory=list)
    ping: Ping = Ping(count=100, size=1500, min_success_percent=100)


class ConnectivityTarget(_Model):
    address: Address
    name: Text


class Connectivity(_Model):
    """Targets pinged from the loopback, for `ip_connectivity` (line 4)."""

    targets: list[ConnectivityTarget] = Field(default_factory=list)
    ping: Ping = Ping()


class Probe(_Model):
    """A response-time probe the customer's monitoring polls (IP SLA, formerly RTR)."""

    id: int = Field(ge=1, le=2147483647)
    type: Literal["icmp-echo"] = "icmp-echo"
    target: Address
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
    servers: list[Address] = Field(min_length=1)
    port: int = Field(53, ge=1, le=65535)
    router_name_servers: list[Address] = Field(default_factory=list)
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

    servers: list[Address] = Field(min_length=1)
    source_interface: InterfaceName | None = None


class Vty(_Model):
    """`vty_acl` (line 15)."""

    permitted_prefixes: list[Network] = Field(min_length=1)
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
    platform: PlatformName
    site: Name
    groups: list[Name] = Field(default_factory=list)
    credentials: Credentials = Credentials()
    timeouts: Timeouts = Timeouts()
    ssh: Ssh = Ssh()
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
    """Run-wide settings.

    `workers`: the most sessions open at once. An open session costs a router little, and at
    real latencies a run waits on its routers, not on its turn; but each session is two
    threads of this process, and beyond about 256 the hand-overs of Python's interpreter
    lock cost more CPU than waiting saves (bench/RESULTS.md: N=1000 on two cores, 300 ms per
    command: 128 -> 105 s, 256 -> 98 s, 512 -> 100 s, 1000 -> 123 s). `logins`: the most
    connections in their SSH handshake and login at once, which is what loads a router's CPU
    and the TACACS+ server behind it.
    """

    workers: int = Field(256, ge=1, le=4096)
    logins: int = Field(32, ge=1, le=1024)


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
    # What each router's SSH server offers, as its real software would (netaccept.lab.offers).
    ssh_offers: dict[Name, Literal["modern", "ios-12.0s", "xr-4"]] = Field(default_factory=dict)


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
