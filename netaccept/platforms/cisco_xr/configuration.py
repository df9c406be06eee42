"""IOS-XR: how the running configuration spells each concern.

Interfaces listed under `router isis` (with their address families, and not shut down there),
neighbours and neighbor-groups under `router bgp`, `line default|template` with
`access-class ingress` and the `ipv4 access-list` and `ipv6 access-list` of that name,
`ipsla` operations, `domain name-server`; AAA is always on.
"""

from __future__ import annotations

from netaccept.core.asnumbers import asplain as asn
from netaccept.core.interfaces import same_interface
from netaccept.platforms.config import Config, Line
from netaccept.platforms.configuration import (
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
    metric = None
    for family in router.find(r"address-family ipv4"):
        metric = metric or child_value(family, r"metric-style\s+(\S+)")
    interfaces, passive = [], []
    for interface in router.find(r"interface\s"):
        name = interface.text.split()[1]
        if interface.first(r"shutdown\s*$"):
            continue  # ISIS does not run on it at all: neither enabled nor passive
        if interface.first(r"passive\b"):
            passive.append(name)
        elif interface.first(r"address-family ipv4"):
            interfaces.append(name)
    return IsisConfig(tag, nets, is_type, metric, interfaces, passive)


def bgp_config(config: Config) -> BgpConfig | None:
    router = config.first(r"router bgp\s+\d")
    if router is None:
        return None
    local_as = asn(router.text.split()[2])
    groups = {g.text.split()[1]: g for g in router.find(r"neighbor-group\s")}
    neighbors = {}
    for n in router.find(rf"neighbor\s+{IPv4}"):
        address = n.text.split()[1]
        group = groups.get(child_value(n, r"use neighbor-group\s+(\S+)") or "")

        def pick(pattern: str, n: Line = n, group: Line | None = group) -> str | None:
            return child_value(n, pattern) or (child_value(group, pattern) if group else None)

        remote = pick(r"remote-as\s+(\S+)")
        neighbors[address] = BgpNeighborConfig(
            address,
            asn(remote) if remote else None,
            pick(r"update-source\s+(\S+)"),
            pick(r"description\s+(.+)"),
        )
    return BgpConfig(local_as, neighbors)


def transfer_sources(config: Config) -> TransferSources:
    return TransferSources(
        top_value(config, r"ftp client(?: vrf \S+)? source-interface\s+(\S+)"),
        top_value(config, r"tftp client(?: vrf \S+)? source-interface\s+(\S+)"),
    )


def vty_config(config: Config) -> VtyConfig:
    acls = {
        family: {
            acl.text.split()[2]: [e for c in acl.children if (e := _xr_ace(c.text))]
            for acl in config.find(rf"{family} access-list\s+\S+")
        }
        for family in ("ipv4", "ipv6")
    }
    lines = []
    for line in config.find(r"line (default|template\s+\S+)\s*$"):
        name = child_value(line, r"access-class ingress\s+(\S+)")
        lines.append(
            VtyLine(
                line.text,
                name,
                (child_value(line, r"transport input\s+(.+)") or "").split(),
                # `access-class ingress NAME` applies the IPv6 list of that name as well.
                name if name in acls["ipv6"] else None,
            )
        )
    return VtyConfig(lines, acls["ipv4"], acls["ipv6"], ipv6_interfaces(config))


def _xr_ace(text: str) -> AclEntry | None:
    words = text.split()
    if words and words[0].isdigit():
        words = words[1:]  # the sequence number
    return acl_entry(words, text)


def probes_config(config: Config) -> list[ProbeConfig]:
    ipsla = config.first(r"ipsla\s*$")
    if ipsla is None:
        return []
    schedules = {int(s.text.split()[2]): s for s in ipsla.find(r"schedule operation\s+\d+")}
    scheduled = {
        number
        for number, s in schedules.items()
        if s.first(r"start-time\s+(?!pending\b)") is not None
    }
    probes = []
    for op in ipsla.find(r"operation\s+\d+"):
        number = int(op.text.split()[1])
        kind_line = op.first(r"type\s")
        kind = "-".join(kind_line.text.split()[1:]) if kind_line else "unknown"
        body = kind_line or op
        target = child_value(body, rf"destination address\s+({IPv4})")
        frequency = int(child_value(body, r"frequency\s+(\d+)") or 60)
        schedule = schedules.get(number)
        words = [w for c in schedule.children for w in c.text.split()] if schedule else []
        probes.append(
            ProbeConfig(
                id=number,
                kind=kind,
                target=target,
                frequency=frequency,
                scheduled=number in scheduled,
                text=op.text,
                life_seconds=probe_life(words),
            )
        )
    return probes


def console_config(config: Config) -> ConsoleConfig:
    return console_line(config, aaa_always=True)


def log_time_config(config: Config) -> LogTimeConfig:
    # The default time base of IOS-XR's stamps is not settled here: where the configuration
    # says nothing, a message counts in the window if either time base puts it there.
    return log_time(config, localtime_default=None)


def aaa_config(config: Config) -> AaaConfig:
    return aaa_and_credentials(config, aaa_always=True)


def tacacs_config(config: Config) -> TacacsConfig:
    return TacacsConfig(
        tacacs_servers(config), top_value(config, r"tacacs source-interface\s+(\S+)")
    )


def name_config(config: Config, loopback: str) -> NameConfig:
    servers: list[str] = []
    for line in config.find(r"domain name-server\s"):
        servers.extend(line.text.split()[2:])
    domain = top_value(config, r"domain name\s+(\S+)")
    address = None
    # The inventory may abbreviate the name (`Lo0`), as it may everywhere else.
    interface = next(
        (i for i in config.find(r"interface\s") if same_interface(i.text.split()[1], loopback)),
        None,
    )
    if interface is not None:
        address = child_value(interface, rf"ipv?4? ?address\s+({IPv4})")
    return NameConfig(top_value(config, r"hostname\s+(\S+)"), domain, servers, address)
