"""Classic IOS and IOS-XE: how the running configuration spells each concern.

`ip router isis` under the interfaces, `neighbor X remote-as` (with peer-groups) under
`router bgp`, `line vty` with numbered and named access lists (and `ipv6 access-class`), `ip sla`,
`ip sla monitor` and the 12.0S `rtr` probes, `ip name-server`; log stamps are in UTC unless
`service timestamps log datetime ... localtime` says otherwise.
"""

from __future__ import annotations

import re

from netaccept.core.asnumbers import asplain as asn
from netaccept.core.interfaces import same_interface
from netaccept.platforms.config import Config
from netaccept.platforms.configuration import (
    PROBE_LIFE_DEFAULT,
    AaaConfig,
    AclEntry,
    BgpConfig,
    BgpNeighborConfig,
    ConsoleConfig,
    IPv4,
    IsisConfig,
    LogTimeConfig,
    NameConfig,
    ProbeConfig,
    TacacsConfig,
    TransferSources,
    VtyConfig,
    VtyLine,
    aaa_and_credentials,
    acl_entry,
    child_value,
    console_line,
    ipv6_interfaces,
    log_time,
    probe_life,
    tacacs_servers,
    top_value,
)


def isis_config(config: Config) -> IsisConfig | None:
    router = config.first(r"router isis\b")
    if router is None:
        return None
    words = router.text.split()
    tag = words[2] if len(words) > 2 else None
    nets = [m.group(1) for c in router.find(r"net\s") if (m := c.match(r"net\s+(\S+)"))]
    is_type = child_value(router, r"is-type\s+(\S+)")
    metric = child_value(router, r"metric-style\s+(\S+)")
    passive = [c.text.split()[1] for c in router.find(r"passive-interface\s+(?!default)\S")]
    pattern = r"ip router isis" + (rf"\s+{re.escape(tag)}\s*$" if tag else r"\s*$")
    interfaces = [
        i.text.split()[1] for i in config.find(r"interface\s") if i.first(pattern) is not None
    ]
    return IsisConfig(tag, nets, is_type, metric, interfaces, passive)


def bgp_config(config: Config) -> BgpConfig | None:
    router = config.first(r"router bgp\s+\d")
    if router is None:
        return None
    local_as = asn(router.text.split()[2])
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
            asn(remote) if remote else None,
            merged.get("update-source"),
            merged.get("description"),
        )
    for who, peer_group in members.items():
        if who not in neighbors and re.fullmatch(IPv4, who):
            merged = settings.get(peer_group, {})
            remote = merged.get("remote-as")
            neighbors[who] = BgpNeighborConfig(
                who, asn(remote) if remote else None, merged.get("update-source"),
                merged.get("description"),
            )  # fmt: skip
    return BgpConfig(local_as, neighbors)


def transfer_sources(config: Config) -> TransferSources:
    return TransferSources(
        top_value(config, r"ip ftp source-interface\s+(\S+)"),
        top_value(config, r"ip tftp source-interface\s+(\S+)"),
    )


def vty_config(config: Config) -> VtyConfig:
    lines = [
        VtyLine(
            line.text,
            child_value(line, r"access-class\s+(\S+)\s+in\b"),
            (child_value(line, r"transport input\s+(.+)") or "").split(),
            child_value(line, r"ipv6 access-class\s+(\S+)\s+in\b"),
        )
        for line in config.find(r"line vty\s")
    ]
    acls: dict[str, list[AclEntry]] = {}
    for line in config.find(r"access-list\s+\d+\s+(permit|deny)\s"):
        words = line.text.split()
        entry = acl_entry(words[2:], line.text)
        if entry:
            acls.setdefault(words[1], []).append(entry)
    for acl in config.find(r"ip access-list (standard|extended)\s+\S+"):
        name = acl.text.split()[3]
        entries = []
        for child in acl.children:
            words = child.text.split()
            if words and words[0].isdigit():
                words = words[1:]
            entry = acl_entry(words, child.text)
            if entry:
                entries.append(entry)
        acls[name] = entries
    return VtyConfig(lines, acls, _ipv6_acls(config), ipv6_interfaces(config))


def _ipv6_acls(config: Config) -> dict[str, list[AclEntry]]:
    """`ipv6 access-list NAME` and its entries (`sequence N` before an entry is dropped)."""
    acls: dict[str, list[AclEntry]] = {}
    for acl in config.find(r"ipv6 access-list\s+\S+"):
        entries = []
        for child in acl.children:
            words = child.text.split()
            if words[:1] == ["sequence"]:
                words = words[2:]
            if entry := acl_entry(words, child.text):
                entries.append(entry)
        acls[acl.text.split()[2]] = entries
    return acls


def probes_config(config: Config) -> list[ProbeConfig]:
    probes = []
    schedules = set()
    lives: dict[int, int | None] = {}
    for line in config.find(r"(ip sla(?: monitor)?|rtr) schedule\s+\d+"):
        words = line.text.split()
        ident = int(next(w for w in words if w.isdigit()))
        lives[ident] = probe_life(words)
        if "start-time" in words and "pending" not in words:
            schedules.add(ident)
    for op in config.find(r"(ip sla(?: monitor)?|rtr)\s+\d+\s*$"):
        number = int(op.text.split()[-1])
        kind, target = "unknown", None
        echo = op.first(rf"icmp-echo\s+({IPv4})")
        legacy = op.first(rf"type echo protocol ipIcmpEcho\s+({IPv4})")
        if echo is not None:
            kind, target = "icmp-echo", echo.text.split()[1]
        elif legacy is not None:
            kind, target = "icmp-echo", legacy.text.split()[4]
        frequency = int(child_value(op, r"frequency\s+(\d+)") or 60)
        probes.append(
            ProbeConfig(
                id=number,
                kind=kind,
                target=target,
                frequency=frequency,
                scheduled=number in schedules,
                text=op.text,
                life_seconds=lives.get(number, PROBE_LIFE_DEFAULT),
            )
        )
    return probes


def console_config(config: Config) -> ConsoleConfig:
    return console_line(config, aaa_always=False)


def log_time_config(config: Config) -> LogTimeConfig:
    # Without `localtime`, `service timestamps log datetime` stamps in UTC (IOS's default).
    return log_time(config, localtime_default=False)


def aaa_config(config: Config) -> AaaConfig:
    return aaa_and_credentials(config, aaa_always=False)


def tacacs_config(config: Config) -> TacacsConfig:
    return TacacsConfig(
        tacacs_servers(config), top_value(config, r"ip tacacs source-interface\s+(\S+)")
    )


def name_config(config: Config, loopback: str) -> NameConfig:
    servers: list[str] = []
    for line in config.find(r"ip name-server\s"):
        servers.extend(w for w in line.text.split()[2:] if re.fullmatch(IPv4, w))
    domain = top_value(config, r"ip domain[ -]name\s+(?!vrf\s)(\S+)")
    address = None
    # The inventory may abbreviate the name (`Lo0`), as it may everywhere else.
    interface = next(
        (i for i in config.find(r"interface\s") if same_interface(i.text.split()[1], loopback)),
        None,
    )
    if interface is not None:
        address = child_value(interface, rf"ipv?4? ?address\s+({IPv4})")
    return NameConfig(top_value(config, r"hostname\s+(\S+)"), domain, servers, address)
