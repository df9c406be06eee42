"""What the running configuration says, as typed facts; each platform reads its own spelling.

A platform's rules (`netaccept.platforms.<name>.configuration`) read one concern each out of
a parsed `show running-config` (see `netaccept.platforms.config`) into the types below; the
checks compare these with the inventory and never look at configuration text themselves.
The helpers at the end are shared by the platforms whose spellings overlap.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from netaccept.platforms.config import Config, Line

IPv4 = r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class IsisConfig:
    """`router isis`: the process and the interfaces it runs on."""

    tag: str | None
    nets: list[str]
    is_type: str | None
    metric_style: str | None
    interfaces: list[str]
    passive: list[str]


@dataclass(frozen=True)
class BgpNeighborConfig:
    address: str
    remote_as: int | None
    update_source: str | None
    description: str | None


@dataclass(frozen=True)
class BgpConfig:
    local_as: int
    neighbors: dict[str, BgpNeighborConfig]


@dataclass(frozen=True)
class TransferSources:
    """`ip ftp|tftp source-interface` (IOS), `ftp|tftp client source-interface` (IOS-XR)."""

    ftp: str | None
    tftp: str | None


@dataclass(frozen=True)
class ConsoleConfig:
    """`line con 0` (IOS) or `line console` (IOS-XR)."""

    found: bool
    login_list: str | None
    no_login: bool
    login_local: bool
    exec_timeout_minutes: float | None
    line: str


@dataclass(frozen=True)
class LocalCredential:
    """A local user or the enable secret; `hashed` when stored as a one-way hash."""

    kind: str
    name: str
    encryption: str

    @property
    def hashed(self) -> bool:
        return self.encryption in ("5", "8", "9", "10")


@dataclass(frozen=True)
class AaaConfig:
    new_model: bool
    login_lists: dict[str, list[str]]
    credentials: list[LocalCredential]


@dataclass(frozen=True)
class TacacsConfig:
    servers: list[str]
    source_interface: str | None


@dataclass(frozen=True)
class AclEntry:
    action: str
    source: Network | None  # None = any
    text: str

    def inside(self, prefixes: Iterable[Network]) -> bool:
        """The entry's source lies inside one of `prefixes` of its own IP version (any: no)."""
        source = self.source
        if isinstance(source, ipaddress.IPv4Network):
            return any(
                isinstance(p, ipaddress.IPv4Network) and source.subnet_of(p) for p in prefixes
            )
        if isinstance(source, ipaddress.IPv6Network):
            return any(
                isinstance(p, ipaddress.IPv6Network) and source.subnet_of(p) for p in prefixes
            )
        return False


@dataclass(frozen=True)
class VtyLine:
    name: str
    access_class: str | None
    transport_input: list[str]
    # The IPv6 list that filters the line too: IOS `ipv6 access-class`; on IOS-XR the IPv6
    # access list of the access-class's name, which `access-class ingress` applies as well.
    ipv6_access_class: str | None = None


@dataclass(frozen=True)
class VtyConfig:
    lines: list[VtyLine]
    acls: dict[str, list[AclEntry]] = field(default_factory=dict)
    ipv6_acls: dict[str, list[AclEntry]] = field(default_factory=dict)
    # Interfaces with an IPv6 address (or `ipv6 enable`): the router takes logins over IPv6.
    ipv6_interfaces: list[str] = field(default_factory=list)


def ipv6_interfaces(config: Config) -> list[str]:
    """The interfaces that have an IPv6 address, a link-local one included (both platforms)."""
    return [
        interface.text.split()[1]
        for interface in config.find(r"interface\s+\S+")
        if interface.first(r"ipv6\s+(address|enable)\b") is not None
        and interface.first(r"shutdown\s*$") is None
    ]


@dataclass(frozen=True)
class ProbeConfig:
    id: int
    kind: str
    target: str | None
    frequency: int
    scheduled: bool
    text: str
    # How long the schedule runs the probe once started; None for `life forever` (or a
    # recurring schedule that covers the whole day). Both platforms' default is 3600 s.
    life_seconds: int | None


PROBE_LIFE_DEFAULT = 3600


@dataclass(frozen=True)
class LogTimeConfig:
    """How the log buffer's time stamps relate to the router's clock.

    `clock timezone NAME HOURS [MINUTES]` and `clock summer-time NAME ...` set the clock's
    local time; `service timestamps log datetime` stamps messages in UTC unless it says
    `localtime`. The clock (`show clock`) is always in local time.
    """

    zone: str | None  # the `clock timezone` name; None: none configured, the clock is UTC
    utc_offset: timedelta | None  # None: not a fixed offset (an IOS-XR region name)
    summer_zone: str | None
    summer_shift: timedelta
    # Stamps in local time; None where the configuration does not say and the platform's
    # default is not known: the stamps may then be in either time base.
    localtime: bool | None

    def clock_offset(self, clock_zone: str) -> timedelta | None:
        """The offset from UTC of a clock that shows `clock_zone`; None if it cannot be told."""
        if self.zone is None:
            # No `clock timezone`: the clock runs in UTC, and says so.
            return timedelta(0) if clock_zone.upper() == "UTC" else None
        if self.utc_offset is None:
            return None
        shown = clock_zone.lower()
        if self.summer_zone is not None and shown == self.summer_zone.lower():
            return self.utc_offset + self.summer_shift
        return self.utc_offset if shown == self.zone.lower() else None

    def stamp_shifts(self, clock_zone: str) -> list[timedelta] | None:
        """What to add to a log stamp to read it in the clock's time base.

        One shift when the time base of the stamps is known; both possible ones when the
        configuration does not say (a message is then in a window when either puts it
        there); None when the stamps are (or may be) in UTC and the clock's offset from UTC
        cannot be told (a zone the configuration does not name, or a region name).
        """
        if self.localtime:
            return [timedelta(0)]
        offset = self.clock_offset(clock_zone)
        if offset is None:
            return None
        return [offset] if self.localtime is False else sorted({timedelta(0), offset})


@dataclass(frozen=True)
class NameConfig:
    """The router's hostname, domain, name servers and loopback address."""

    hostname: str | None
    domain: str | None
    name_servers: list[str]
    loopback_address: str | None


# ---------------------------------------------------------------- shared readers


def console_line(config: Config, *, aaa_always: bool) -> ConsoleConfig:
    """`line con 0` / `line console`; `aaa_always`: AAA is on whatever the configuration says."""
    line = config.first(r"line con(?:sole)?\b(?:\s+0)?\s*$")
    if line is None:
        return ConsoleConfig(False, None, False, False, None, "")
    aaa = aaa_always or config.first(r"aaa new-model\s*$") is not None
    login_list = child_value(line, r"login authentication\s+(\S+)")
    if login_list is None and aaa:
        login_list = "default"  # with AAA on, a line without a list uses the default list
    timeout = line.first(r"exec-timeout\s")
    minutes: float | None = 10.0  # the platforms' default when the line says nothing
    if timeout is not None:
        parts = [int(p) for p in timeout.text.split()[1:3] if p.isdigit()]
        minutes = parts[0] + (parts[1] / 60 if len(parts) > 1 else 0)
    return ConsoleConfig(
        found=True,
        login_list=login_list,
        no_login=line.first(r"no login\s*$") is not None,
        login_local=line.first(r"login local\s*$") is not None,
        exec_timeout_minutes=minutes,
        line=line.text,
    )


def aaa_and_credentials(config: Config, *, aaa_always: bool) -> AaaConfig:
    """Login lists and local credentials (`username` lines, the enable secret)."""
    lists: dict[str, list[str]] = {}
    for line in config.find(r"aaa authentication login\s"):
        words = line.text.split()[3:]
        if words:
            lists[words[0]] = _methods(words[1:])
    credentials: list[LocalCredential] = []
    for line in config.find(r"enable (secret|password)\b"):
        kind = line.text.split()[1]
        credentials.append(
            LocalCredential(f"enable {kind}", "enable", _encryption(line.text.split()[2:], kind))
        )
    for user in config.find(r"username\s"):
        words = user.text.split()
        name = words[1]
        found = False
        for i, word in enumerate(words[2:], start=2):  # not the name itself
            if word in ("secret", "password"):
                credentials.append(
                    LocalCredential(f"username {word}", name, _encryption(words[i + 1 :], word))
                )
                found = True
                break  # the rest of the line is the secret
        for child in user.children:  # IOS-XR: the secret sits on its own line
            cwords = child.text.split()
            if cwords and cwords[0] in ("secret", "password"):
                credentials.append(
                    LocalCredential(
                        f"username {cwords[0]}", name, _encryption(cwords[1:], cwords[0])
                    )
                )
                found = True
        if not found:
            credentials.append(LocalCredential("username nopassword", name, "none"))
    return AaaConfig(
        new_model=aaa_always or config.first(r"aaa new-model\s*$") is not None,
        login_lists=lists,
        credentials=credentials,
    )


def probe_life(words: list[str]) -> int | None:
    """Seconds of `life N` in a schedule's words (`life forever`: None; absent: the default).

    A recurring schedule whose life covers the day runs every day without a gap.
    """
    life = words[words.index("life") + 1] if "life" in words[:-1] else None
    if life == "forever":
        return None
    seconds = int(life) if life is not None and life.isdigit() else PROBE_LIFE_DEFAULT
    return None if "recurring" in words and seconds >= 86400 else seconds


def log_time(config: Config, *, localtime_default: bool | None) -> LogTimeConfig:
    """`clock timezone`, `clock summer-time` and `service timestamps log`, as both platforms
    spell them; `localtime_default`: the stamps' time base where the configuration is silent."""
    zone, offset = None, None
    timezone = config.first(r"clock timezone\s+\S+")
    if timezone is not None:
        words = timezone.text.split()
        zone, offset = words[2], _utc_offset(words[3:])
    summer = config.first(r"clock summer-time\s+\S+")
    summer_words = summer.text.split() if summer is not None else []
    # `recurring` / `date` and eight words of start and end, then the shift in minutes.
    shift = summer_words[12] if len(summer_words) == 13 and summer_words[12].isdigit() else "60"
    stamps = config.first(r"service timestamps log\b")
    localtime = localtime_default
    if stamps is not None:
        localtime = "localtime" in stamps.text.split()
    return LogTimeConfig(
        zone=zone,
        utc_offset=offset,
        summer_zone=summer_words[2] if summer_words else None,
        summer_shift=timedelta(minutes=int(shift)),
        localtime=localtime,
    )


def _utc_offset(words: list[str]) -> timedelta | None:
    """`-5`, `5 30`, `-3 30` as an offset; None for anything else (an IOS-XR region name)."""
    if not words or not re.fullmatch(r"[+-]?\d{1,2}", words[0]):
        return None
    hours = int(words[0])
    minutes = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
    sign = -1 if words[0].startswith("-") else 1
    return sign * timedelta(hours=abs(hours), minutes=minutes)


def tacacs_servers(config: Config) -> list[str]:
    """The TACACS+ server addresses, in every syntax both platforms accept."""
    servers: list[str] = []
    for line in config.find(rf"tacacs-server host\s+{IPv4}"):
        servers.append(line.text.split()[2])
    for server in config.find(r"tacacs server\s"):
        address = child_value(server, rf"address ipv4\s+({IPv4})")
        if address:
            servers.append(address)
    for group in config.find(r"aaa group server tacacs\+"):
        for child in group.children:
            # `server A`, and `server-private A [port N] [key T V]` known to this group only
            if m := child.match(rf"server(?:-private| name)?\s+({IPv4})\b"):
                servers.append(m.group(1))
    return list(dict.fromkeys(servers))


def _methods(words: list[str]) -> list[str]:
    methods: list[str] = []
    index = 0
    while index < len(words):
        if words[index] == "group" and index + 1 < len(words):
            methods.append(f"group {words[index + 1]}")
            index += 2
        else:
            methods.append(words[index])
            index += 1
    return methods


def _encryption(words: list[str], keyword: str = "secret") -> str:
    """The encryption type printed before a secret: `5` in `secret 5 <hash>`."""
    if words and words[0] == "level" and len(words) > 2:
        words = words[2:]
    if len(words) >= 2 and words[0].isdigit():
        return words[0]
    # `secret <hash>` without a type is stored hashed; `password <text>` is clear text.
    return "5" if keyword == "secret" else "0"


def _source(words: list[str]) -> tuple[Network | None, int] | None:
    """The source of an ACE from its first words; (None, n) for any; n words consumed."""
    if not words:
        return None
    if words[0] == "any":
        return None, 1
    if ":" in words[0] or (words[0] == "host" and len(words) > 1 and ":" in words[1]):
        return _source6(words)
    if words[0] == "host" and len(words) > 1:
        return ipaddress.IPv4Network(f"{words[1]}/32"), 2
    if "/" in words[0]:
        return ipaddress.IPv4Network(words[0], strict=False), 1
    if re.fullmatch(IPv4, words[0]):
        if len(words) > 1 and re.fullmatch(IPv4, words[1]):
            wildcard = int(ipaddress.IPv4Address(words[1]))
            if wildcard & (wildcard + 1):
                # Not a prefix (`0.0.255.0`, or a subnet mask given as a wildcard): read as
                # any, the worst case, so that a permit of it cannot pass for a prefix.
                return None, 2
            prefix = 32 - wildcard.bit_count()
            return ipaddress.IPv4Network(f"{words[0]}/{prefix}", strict=False), 2
        return ipaddress.IPv4Network(f"{words[0]}/32"), 1
    return None


def _source6(words: list[str]) -> tuple[Network | None, int] | None:
    """An IPv6 source: `host X`, `X/len`; None if not read (a permit of it then counts as any)."""
    try:
        if words[0] == "host":
            return ipaddress.IPv6Network(f"{words[1]}/128"), 2
        if "/" in words[0]:
            return ipaddress.IPv6Network(words[0], strict=False), 1
    except ValueError:
        return None
    return None


def acl_entry(words: list[str], text: str) -> AclEntry | None:
    if not words or words[0] not in ("permit", "deny"):
        return None
    rest = words[1:]
    if rest and _source(rest) is None:
        rest = rest[1:]  # extended ACL: the protocol (ip, tcp, ipv4, gre, 6, ...) comes first
    source = _source(rest)
    if source is None:
        # A source not read here (an object-group, a net-group): a permit of it counts as
        # permitting any, so that the vty check fails on it rather than overlooking it.
        return AclEntry("permit", None, text) if words[0] == "permit" else None
    return AclEntry(words[0], source[0], text)


def child_value(line: Line | None, pattern: str) -> str | None:
    """Group 1 of the first direct child of `line` matching `pattern`."""
    if line is None:
        return None
    for child in line.children:
        match = child.match(pattern)
        if match:
            return match.group(1).strip()
    return None


def top_value(config: Config, pattern: str) -> str | None:
    for line in config.lines:
        match = line.match(pattern)
        if match:
            return match.group(1).strip()
    return None
