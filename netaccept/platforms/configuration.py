"""What the running configuration says, as typed facts, for IOS and IOS-XR alike.

Each function reads one concern out of a parsed `show running-config` (see
`netaccept.platforms.config`): the checks compare these facts with the inventory and never look at
configuration text themselves. Where the two platforms spell a thing differently, both
spellings are read here, side by side, so a reader can compare them.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from netaccept.core.catalogue import Platform
from netaccept.core.interfaces import same_interface
from netaccept.platforms.config import Config, Line

IPv4 = r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"


# ---------------------------------------------------------------- ISIS


@dataclass(frozen=True)
class IsisConfig:
    """`router isis`: the process and the interfaces it runs on."""

    tag: str | None
    nets: list[str]
    is_type: str | None
    metric_style: str | None
    interfaces: list[str]
    passive: list[str]


def isis_config(config: Config, platform: Platform) -> IsisConfig | None:
    router = config.first(r"router isis\b")
    if router is None:
        return None
    words = router.text.split()
    tag = words[2] if len(words) > 2 else None
    nets = [m.group(1) for c in router.find(r"net\s") if (m := c.match(r"net\s+(\S+)"))]
    is_type = _value(router, r"is-type\s+(\S+)")
    if platform == "cisco_xr":
        metric = None
        for family in router.find(r"address-family ipv4"):
            metric = metric or _value(family, r"metric-style\s+(\S+)")
        interfaces, passive = [], []
        for interface in router.find(r"interface\s"):
            name = interface.text.split()[1]
            if interface.first(r"passive\b"):
                passive.append(name)
            elif interface.first(r"address-family ipv4"):
                interfaces.append(name)
        return IsisConfig(tag, nets, is_type, metric, interfaces, passive)
    metric = _value(router, r"metric-style\s+(\S+)")
    passive = [c.text.split()[1] for c in router.find(r"passive-interface\s+(?!default)\S")]
    pattern = r"ip router isis" + (rf"\s+{re.escape(tag)}\s*$" if tag else r"\s*$")
    interfaces = [
        i.text.split()[1] for i in config.find(r"interface\s") if i.first(pattern) is not None
    ]
    return IsisConfig(tag, nets, is_type, metric, interfaces, passive)


# ---------------------------------------------------------------- BGP


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


def bgp_config(config: Config, platform: Platform) -> BgpConfig | None:
    router = config.first(r"router bgp\s+\d")
    if router is None:
        return None
    local_as = _asn(router.text.split()[2])
    if platform == "cisco_xr":
        groups = {g.text.split()[1]: g for g in router.find(r"neighbor-group\s")}
        neighbors = {}
        for n in router.find(rf"neighbor\s+{IPv4}"):
            address = n.text.split()[1]
            group = groups.get(_value(n, r"use neighbor-group\s+(\S+)") or "")

            def pick(pattern: str, n: Line = n, group: Line | None = group) -> str | None:
                return _value(n, pattern) or (_value(group, pattern) if group else None)

            remote = pick(r"remote-as\s+(\S+)")
            neighbors[address] = BgpNeighborConfig(
                address,
                _asn(remote) if remote else None,
                pick(r"update-source\s+(\S+)"),
                pick(r"description\s+(.+)"),
            )
        return BgpConfig(local_as, neighbors)
    settings: dict[str, dict[str, str]] = {}
    members: dict[str, str] = {}
    for line in [
        *router.children,
        # `address-family ipv4 vrf X` holds the VRF's (CE) neighbours, not global sessions.
        *(c for af in router.find(r"address-family\s+(?!\S+\s+vrf\s)") for c in af.children),
    ]:
        m = line.match(
            r"neighbor\s+(\S+)\s+(remote-as|update-source|description|peer-group)\s*(.*)$"
        )
        if not m:
            continue
        who, what, value = m.group(1), m.group(2), m.group(3).strip()
        if what == "peer-group":
            if value:
                members[who] = value
            continue
        settings.setdefault(who, {}).setdefault(what, value)
    neighbors = {}
    for who, values in settings.items():
        if not re.fullmatch(IPv4, who):
            continue
        inherited = settings.get(members.get(who, ""), {})
        merged = {**inherited, **values}
        remote = merged.get("remote-as")
        neighbors[who] = BgpNeighborConfig(
            who,
            _asn(remote) if remote else None,
            merged.get("update-source"),
            merged.get("description"),
        )
    for who, peer_group in members.items():
        if who not in neighbors and re.fullmatch(IPv4, who):
            merged = settings.get(peer_group, {})
            remote = merged.get("remote-as")
            neighbors[who] = BgpNeighborConfig(
                who, _asn(remote) if remote else None, merged.get("update-source"),
                merged.get("description"),
            )  # fmt: skip
    return BgpConfig(local_as, neighbors)


def _asn(text: str) -> int:
    """An AS number in asplain (`65546`) or asdot (`1.10`, high.low) notation, as asplain."""
    high, _, low = text.partition(".")
    return int(high) * 65536 + int(low) if low else int(high)


# ---------------------------------------------------------------- management plane


@dataclass(frozen=True)
class TransferSources:
    """`ip ftp|tftp source-interface` (IOS), `ftp|tftp client source-interface` (IOS-XR)."""

    ftp: str | None
    tftp: str | None


def transfer_sources(config: Config, platform: Platform) -> TransferSources:
    if platform == "cisco_xr":
        return TransferSources(
            _top(config, r"ftp client(?: vrf \S+)? source-interface\s+(\S+)"),
            _top(config, r"tftp client(?: vrf \S+)? source-interface\s+(\S+)"),
        )
    return TransferSources(
        _top(config, r"ip ftp source-interface\s+(\S+)"),
        _top(config, r"ip tftp source-interface\s+(\S+)"),
    )


@dataclass(frozen=True)
class ConsoleConfig:
    """`line con 0` (IOS) or `line console` (IOS-XR)."""

    found: bool
    login_list: str | None
    no_login: bool
    login_local: bool
    exec_timeout_minutes: float | None
    line: str


def console_config(config: Config, platform: Platform) -> ConsoleConfig:
    line = config.first(r"line con(?:sole)?\b(?:\s+0)?\s*$")
    if line is None:
        return ConsoleConfig(False, None, False, False, None, "")
    aaa = platform == "cisco_xr" or config.first(r"aaa new-model\s*$") is not None
    login_list = _value(line, r"login authentication\s+(\S+)")
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


def aaa_config(config: Config, platform: Platform) -> AaaConfig:
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
        new_model=platform == "cisco_xr" or config.first(r"aaa new-model\s*$") is not None,
        login_lists=lists,
        credentials=credentials,
    )


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


@dataclass(frozen=True)
class TacacsConfig:
    servers: list[str]
    source_interface: str | None


def tacacs_config(config: Config, platform: Platform) -> TacacsConfig:
    servers: list[str] = []
    for line in config.find(rf"tacacs-server host\s+{IPv4}"):
        servers.append(line.text.split()[2])
    for server in config.find(r"tacacs server\s"):
        address = _value(server, rf"address ipv4\s+({IPv4})")
        if address:
            servers.append(address)
    for group in config.find(r"aaa group server tacacs\+"):
        for child in group.children:
            # `server A`, and `server-private A [port N] [key T V]` known to this group only
            if m := child.match(rf"server(?:-private| name)?\s+({IPv4})\b"):
                servers.append(m.group(1))
    if platform == "cisco_xr":
        source = _top(config, r"tacacs source-interface\s+(\S+)")
    else:
        source = _top(config, r"ip tacacs source-interface\s+(\S+)")
    return TacacsConfig(list(dict.fromkeys(servers)), source)


# ---------------------------------------------------------------- vty lines and their ACLs


@dataclass(frozen=True)
class AclEntry:
    action: str
    source: ipaddress.IPv4Network | None  # None = any
    text: str


@dataclass(frozen=True)
class VtyLine:
    name: str
    access_class: str | None
    transport_input: list[str]


@dataclass(frozen=True)
class VtyConfig:
    lines: list[VtyLine]
    acls: dict[str, list[AclEntry]] = field(default_factory=dict)


def vty_config(config: Config, platform: Platform) -> VtyConfig:
    if platform == "cisco_xr":
        lines = [
            VtyLine(
                line.text,
                _value(line, r"access-class ingress\s+(\S+)"),
                (_value(line, r"transport input\s+(.+)") or "").split(),
            )
            for line in config.find(r"line (default|template\s+\S+)\s*$")
        ]
        xr_acls = {
            acl.text.split()[2]: [e for c in acl.children if (e := _xr_ace(c.text))]
            for acl in config.find(r"ipv4 access-list\s+\S+")
        }
        return VtyConfig(lines, xr_acls)
    lines = [
        VtyLine(
            line.text,
            _value(line, r"access-class\s+(\S+)\s+in\b"),
            (_value(line, r"transport input\s+(.+)") or "").split(),
        )
        for line in config.find(r"line vty\s")
    ]
    acls: dict[str, list[AclEntry]] = {}
    for line in config.find(r"access-list\s+\d+\s+(permit|deny)\s"):
        words = line.text.split()
        entry = _ios_ace(words[2:], line.text)
        if entry:
            acls.setdefault(words[1], []).append(entry)
    for acl in config.find(r"ip access-list (standard|extended)\s+\S+"):
        name = acl.text.split()[3]
        entries = []
        for child in acl.children:
            words = child.text.split()
            if words and words[0].isdigit():
                words = words[1:]
            entry = _ios_ace(words, child.text)
            if entry:
                entries.append(entry)
        acls[name] = entries
    return VtyConfig(lines, acls)


def _source(words: list[str]) -> tuple[ipaddress.IPv4Network | None, int] | None:
    """The source of an ACE from its first words; (None, n) for any; n words consumed."""
    if not words:
        return None
    if words[0] == "any":
        return None, 1
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


def _ios_ace(words: list[str], text: str) -> AclEntry | None:
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


def _xr_ace(text: str) -> AclEntry | None:
    words = text.split()
    if words and words[0].isdigit():
        words = words[1:]  # the sequence number
    return _ios_ace(words, text)


# ---------------------------------------------------------------- response-time probes


@dataclass(frozen=True)
class ProbeConfig:
    id: int
    kind: str
    target: str | None
    frequency: int
    scheduled: bool
    text: str


def probes_config(config: Config, platform: Platform) -> list[ProbeConfig]:
    if platform == "cisco_xr":
        ipsla = config.first(r"ipsla\s*$")
        if ipsla is None:
            return []
        scheduled = {
            int(s.text.split()[2])
            for s in ipsla.find(r"schedule operation\s+\d+")
            if s.first(r"start-time\s+(?!pending\b)") is not None
        }
        probes = []
        for op in ipsla.find(r"operation\s+\d+"):
            number = int(op.text.split()[1])
            kind_line = op.first(r"type\s")
            kind = "-".join(kind_line.text.split()[1:]) if kind_line else "unknown"
            body = kind_line or op
            target = _value(body, rf"destination address\s+({IPv4})")
            frequency = int(_value(body, r"frequency\s+(\d+)") or 60)
            probes.append(
                ProbeConfig(
                    number,
                    kind,
                    target,
                    frequency,
                    number in scheduled,
                    op.text,
                )
            )
        return probes
    probes = []
    schedules = set()
    for line in config.find(r"(ip sla(?: monitor)?|rtr) schedule\s+\d+"):
        words = line.text.split()
        ident = next(w for w in words if w.isdigit())
        if "start-time" in words and "pending" not in words:
            schedules.add(int(ident))
    for op in config.find(r"(ip sla(?: monitor)?|rtr)\s+\d+\s*$"):
        number = int(op.text.split()[-1])
        kind, target = "unknown", None
        echo = op.first(rf"icmp-echo\s+({IPv4})")
        legacy = op.first(rf"type echo protocol ipIcmpEcho\s+({IPv4})")
        if echo is not None:
            kind, target = "icmp-echo", echo.text.split()[1]
        elif legacy is not None:
            kind, target = "icmp-echo", legacy.text.split()[4]
        frequency = int(_value(op, r"frequency\s+(\d+)") or 60)
        probes.append(ProbeConfig(number, kind, target, frequency, number in schedules, op.text))
    return probes


# ---------------------------------------------------------------- DNS and loopback


@dataclass(frozen=True)
class NameConfig:
    """The router's hostname, domain, name servers and loopback address."""

    hostname: str | None
    domain: str | None
    name_servers: list[str]
    loopback_address: str | None


def name_config(config: Config, platform: Platform, loopback: str) -> NameConfig:
    servers: list[str] = []
    if platform == "cisco_xr":
        for line in config.find(r"domain name-server\s"):
            servers.extend(line.text.split()[2:])
        domain = _top(config, r"domain name\s+(\S+)")
    else:
        for line in config.find(r"ip name-server\s"):
            servers.extend(w for w in line.text.split()[2:] if re.fullmatch(IPv4, w))
        domain = _top(config, r"ip domain[ -]name\s+(?!vrf\s)(\S+)")
    address = None
    # The inventory may abbreviate the name (`Lo0`), as it may everywhere else.
    interface = next(
        (i for i in config.find(r"interface\s") if same_interface(i.text.split()[1], loopback)),
        None,
    )
    if interface is not None:
        address = _value(interface, rf"ipv?4? ?address\s+({IPv4})")
    return NameConfig(_top(config, r"hostname\s+(\S+)"), domain, servers, address)


# ---------------------------------------------------------------- helpers


def _value(line: Line | None, pattern: str) -> str | None:
    """Group 1 of the first direct child of `line` matching `pattern`."""
    if line is None:
        return None
    for child in line.children:
        match = child.match(pattern)
        if match:
            return match.group(1).strip()
    return None


def _top(config: Config, pattern: str) -> str | None:
    for line in config.lines:
        match = line.match(pattern)
        if match:
            return match.group(1).strip()
    return None
