"""Classic IOS and IOS-XE (the GSR 12000 on 12.0S, ISR/ASR on 15.x, IOS-XE): the recipes.

Each fact's commands in IOS syntax, the template that reads each output (`ntc:` from
ntc-templates, `own:` from `templates/textfsm/`, where ntc-templates has none or is wrong),
and how the rows become the typed fact.
"""

from __future__ import annotations

from typing import Any

from netaccept.inventory import Device
from netaccept.platforms import common, facts
from netaccept.platforms.cisco_ios.configuration import log_time_config
from netaccept.platforms.common import dir_path, image_file, num
from netaccept.platforms.facts import (
    InterfaceState,
    MemoryFacts,
    Recipe,
    Source,
    TacacsServerStats,
    one,
)
from netaccept.platforms.parsing import ParseError, Row


def _dram_kb(rows: list[Row]) -> int | None:
    """The route processor's DRAM: IOS-XE's physical memory, else main plus I/O memory.

    `with 491520K/32768K bytes of memory` is a 512 MB router: the processor's main memory
    and the I/O (packet) memory carved out of the same DRAM. IOS-XE's own figures on that
    line are IOSd's share; its `8388608K bytes of physical memory` line is the DRAM.
    """
    if not rows:
        return None
    row = common.one_row(rows, "memory")
    if row["PHYSICAL_KB"]:
        return int(row["PHYSICAL_KB"])
    return int(row["MAIN_KB"]) + int(row["IO_KB"] or 0) if row["MAIN_KB"] else None


def _interfaces_ios(rows: list[Row], _device: Device) -> list[InterfaceState]:
    # The own template reads the three counters on every IOS interface type: one missing is
    # a damaged or unknown output, not zero errors.
    return [
        InterfaceState(
            name=r["INTERFACE"],
            link=r["LINK_STATUS"],
            protocol=_protocol(r),
            description=r["DESCRIPTION"],
            address=r["IP_ADDRESS"],
            input_errors=common.count(r, "INPUT_ERRORS"),
            crc=common.count(r, "CRC"),
            output_errors=common.count(r, "OUTPUT_ERRORS"),
        )
        for r in rows
    ]


def _protocol(row: Row) -> str:
    """The line protocol with its note: "up (looped)" and "up (spoofing)" are not up, and
    "down (err-disabled)" says why; a switch port's "up (connected)" is plainly up."""
    note = row.get("PROTOCOL_NOTE") or ""
    if note in ("", "connected"):
        return str(row["PROTOCOL_STATUS"])
    return f"{row['PROTOCOL_STATUS']} ({note})"


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


def _memory_ios(parsed: list[Any], _device: Device) -> MemoryFacts:
    rows, version_rows = parsed
    pool = next((r for r in rows if str(r["POOL"]).lower() == "processor"), None)
    if pool is None:
        raise ParseError("show memory statistics has no Processor pool")
    return MemoryFacts(
        total_bytes=int(pool["TOTAL"]), free_bytes=int(pool["FREE"]), dram_kb=_dram_kb(version_rows)
    )


def _sla_command(device: Device) -> Source:
    if device.rpms.cli == "rtr":  # 12.0S: the probes are `rtr` operations
        return Source("show rtr operational-state", "own:cisco_ios_show_rtr_operational_state")
    return Source("show ip sla statistics", "own:cisco_ios_show_ip_sla_statistics")


RECIPES: dict[str, Recipe[Any]] = {
    facts.SOFTWARE.name: one(
        lambda d: "show version", "own:cisco_ios_show_version", common.software
    ),
    # ntc-templates' cisco_ios_show_inventory cuts serials at a hyphen and PIDs at a blank.
    facts.CHASSIS.name: one(
        lambda d: "show inventory", "own:cisco_ios_show_inventory", common.chassis
    ),
    facts.BGP_SESSIONS.name: one(
        lambda d: "show ip bgp summary", "own:cisco_ios_show_ip_bgp_summary", common.bgp_sessions
    ),
    facts.ISIS_ADJACENCIES.name: one(
        lambda d: "show isis neighbors",
        "own:cisco_ios_show_isis_neighbors",
        common.isis_adjacencies,
    ),
    facts.IMAGE_DIRECTORY.name: one(
        lambda d: f"dir {dir_path(d)}", "ntc:cisco_ios_dir", common.directory
    ),
    facts.IMAGE_MD5.name: one(
        lambda d: f"verify /md5 {image_file(d)}", "own:cisco_ios_verify_md5", common.md5
    ),
    facts.INTERFACES.name: one(
        lambda d: "show interfaces", "own:cisco_ios_show_interfaces", _interfaces_ios
    ),
    facts.DESCRIPTIONS.name: one(
        lambda d: "show interfaces description",
        "ntc:cisco_ios_show_interfaces_description",
        common.descriptions,
    ),
    # ntc-templates' cisco_ios_ping raises on result characters other than ! . U Q.
    facts.INTRAPOP_PINGS.name: common.ping_recipe(
        "own:cisco_ios_ping", "repeat", common.intrapop_targets
    ),
    facts.CONNECTIVITY_PINGS.name: common.ping_recipe(
        "own:cisco_ios_ping", "repeat", common.connectivity_targets
    ),
    facts.PROBE_RESULTS.name: Recipe(
        lambda d: [_sla_command(d), Source("show clock", "ntc:cisco_ios_show_clock")],
        common.probes,
    ),
    facts.TACACS_SERVERS.name: one(
        lambda d: "show tacacs", "own:cisco_ios_show_tacacs", _tacacs_ios
    ),
    # The DRAM from `show version`, read by a template of its own (its memory lines only).
    facts.MEMORY.name: Recipe(
        lambda d: [
            Source("show memory statistics", "own:cisco_ios_show_memory_statistics"),
            Source("show version", "own:cisco_ios_show_version_memory", empty_ok=True),
        ],
        _memory_ios,
    ),
    facts.LOGS.name: Recipe(
        lambda d: [
            Source("show logging", "own:cisco_ios_show_logging", empty_ok=True),
            Source("show logging", "own:cisco_ios_show_logging_buffer"),
            Source("show clock", "ntc:cisco_ios_show_clock"),
            Source("show running-config", "config"),
        ],
        common.logs(log_time_config),
    ),
}
