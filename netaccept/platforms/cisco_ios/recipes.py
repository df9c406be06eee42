"""Classic IOS and IOS-XE (the GSR 12000 on 12.0S, ISR/ASR on 15.x, IOS-XE): the recipes.

Each fact's commands in IOS syntax, the template that reads each output (`ntc:` from
ntc-templates, `own:` from `templates/textfsm/`, where ntc-templates has none or is wrong),
and how the rows become the typed fact.
"""

from __future__ import annotations

from typing import Any

from netaccept.inventory import Device
from netaccept.platforms import common, facts
from netaccept.platforms.common import approved, dir_path, num
from netaccept.platforms.facts import (
    BgpSession,
    InterfaceState,
    IsisAdjacency,
    MemoryFacts,
    Recipe,
    Source,
    TacacsServerStats,
    one,
)
from netaccept.platforms.parsing import ParseError, Row


def _bgp_ios(rows: list[Row], _device: Device) -> list[BgpSession]:
    return [
        BgpSession(
            neighbor=r["BGP_NEIGHBOR"],
            remote_as=int(str(r["NEIGHBOR_AS"]).split(".")[0]),
            up_down=r["UP_DOWN"],
            state=r["STATE_OR_PREFIXES_RECEIVED"],
            prefixes=common.int_or_none(r["STATE_OR_PREFIXES_RECEIVED"]),
        )
        for r in rows
        if r["BGP_NEIGHBOR"]
    ]


def _isis_ios(rows: list[Row], _device: Device) -> list[IsisAdjacency]:
    return [IsisAdjacency(r["SYSTEM_ID"], r["INTERFACE"], r["TYPE"], r["STATE"]) for r in rows]


def _interfaces_ios(rows: list[Row], _device: Device) -> list[InterfaceState]:
    # The own template reads the three counters on every IOS interface type: one missing is
    # a damaged or unknown output, not zero errors.
    return [
        InterfaceState(
            name=r["INTERFACE"],
            link=r["LINK_STATUS"],
            protocol=r["PROTOCOL_STATUS"],
            description=r["DESCRIPTION"],
            address=r["IP_ADDRESS"],
            input_errors=common.count(r, "INPUT_ERRORS"),
            crc=common.count(r, "CRC"),
            output_errors=common.count(r, "OUTPUT_ERRORS"),
        )
        for r in rows
    ]


def _tacacs_ios(rows: list[Row], _device: Device) -> list[TacacsServerStats]:
    return [
        TacacsServerStats(
            address=r["SERVER"],
            port=num(r, "PORT") or 49,
            packets_in=num(r, "PACKETS_IN"),
            packets_out=num(r, "PACKETS_OUT"),
            failed_connects=num(r, "FAILED_CONNECTS"),
            timeouts=num(r, "TIMEOUTS"),
        )
        for r in rows
        if r.get("SERVER")
    ]


def _memory_ios(rows: list[Row], _device: Device) -> MemoryFacts:
    pool = next((r for r in rows if str(r["POOL"]).lower() == "processor"), None)
    if pool is None:
        raise ParseError("show memory statistics has no Processor pool")
    return MemoryFacts(total_bytes=int(pool["TOTAL"]), free_bytes=int(pool["FREE"]))


def _sla_command(device: Device) -> Source:
    if device.rpms.cli == "rtr":  # 12.0S: the probes are `rtr` operations
        return Source("show rtr operational-state", "own:cisco_ios_show_rtr_operational_state")
    return Source("show ip sla statistics", "own:cisco_ios_show_ip_sla_statistics")


RECIPES: dict[str, Recipe[Any]] = {
    facts.SOFTWARE.name: one(
        lambda d: "show version", "own:cisco_ios_show_version", common.software
    ),
    facts.CHASSIS.name: one(
        lambda d: "show inventory", "ntc:cisco_ios_show_inventory", common.chassis
    ),
    facts.BGP_SESSIONS.name: one(
        lambda d: "show ip bgp summary", "ntc:cisco_ios_show_ip_bgp_summary", _bgp_ios
    ),
    facts.ISIS_ADJACENCIES.name: one(
        lambda d: "show isis neighbors", "ntc:cisco_ios_show_isis_neighbors", _isis_ios
    ),
    facts.IMAGE_DIRECTORY.name: one(
        lambda d: f"dir {dir_path(d)}", "ntc:cisco_ios_dir", common.directory
    ),
    facts.IMAGE_MD5.name: one(
        lambda d: f"verify /md5 {approved(d).image}", "own:cisco_ios_verify_md5", common.md5
    ),
    facts.INTERFACES.name: one(
        lambda d: "show interfaces", "own:cisco_ios_show_interfaces", _interfaces_ios
    ),
    facts.DESCRIPTIONS.name: one(
        lambda d: "show interfaces description",
        "ntc:cisco_ios_show_interfaces_description",
        common.descriptions,
    ),
    facts.INTRAPOP_PINGS.name: common.ping_recipe(
        "ntc:cisco_ios_ping", "repeat", common.intrapop_targets
    ),
    facts.CONNECTIVITY_PINGS.name: common.ping_recipe(
        "ntc:cisco_ios_ping", "repeat", common.connectivity_targets
    ),
    facts.PROBE_RESULTS.name: Recipe(
        lambda d: [_sla_command(d)], lambda parsed, d: common.probes(parsed[0], d)
    ),
    facts.TACACS_SERVERS.name: one(
        lambda d: "show tacacs", "own:cisco_ios_show_tacacs", _tacacs_ios
    ),
    facts.MEMORY.name: one(
        lambda d: "show memory statistics", "own:cisco_ios_show_memory_statistics", _memory_ios
    ),
    facts.LOGS.name: Recipe(
        lambda d: [
            Source("show logging", "own:cisco_ios_show_logging", empty_ok=True),
            Source("show clock", "ntc:cisco_ios_show_clock"),
        ],
        common.logs,
    ),
}
