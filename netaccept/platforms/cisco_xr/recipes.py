"""IOS-XR (classic 3.x/4.x on the GSR 12000, and 64-bit 6.x and later): the recipes.

Each fact's commands in IOS-XR syntax, the template that reads each output (`ntc:` from
ntc-templates, `own:` from `templates/textfsm/`, where ntc-templates has none or is wrong),
and how the rows become the typed fact.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from netaccept.inventory import Device
from netaccept.platforms import common, facts
from netaccept.platforms.cisco_xr.configuration import log_time_config
from netaccept.platforms.common import dir_path, image_file, num, one_row
from netaccept.platforms.facts import (
    InterfaceState,
    MemoryFacts,
    Recipe,
    SoftwareFacts,
    Source,
    TacacsServerStats,
    Unread,
    one,
)
from netaccept.platforms.parsing import Row


def _interfaces_xr(rows: list[Row], _device: Device) -> list[InterfaceState]:
    return [
        InterfaceState(
            name=r["INTERFACE"],
            link=r["LINK_STATUS"],
            protocol=r["PROTOCOL_STATUS"],
            description=r["DESCRIPTION"],
            address=r["IP_ADDRESS"],
            input_errors=_xr_count(r, "INPUT_ERRORS"),
            crc=_xr_count(r, "CRC"),
            output_errors=_xr_count(r, "OUTPUT_ERRORS"),
        )
        for r in rows
    ]


# IOS-XR prints no packet counters at all for these: no errors to count, rather than unknown.
_XR_NO_COUNTERS = ("Loopback", "Null")


def _xr_count(row: Row, key: str) -> int | None:
    value = common.count(row, key)
    if value is None and str(row.get("INTERFACE", "")).startswith(_XR_NO_COUNTERS):
        return 0
    return value


def _tacacs_xr(rows: list[Row], _device: Device) -> list[TacacsServerStats]:
    return [
        TacacsServerStats(
            address=r["SERVER"],
            port=num(r, "PORT") or 49,
            packets_in=num(r, "PACKETS_IN"),
            packets_out=num(r, "PACKETS_OUT"),
            failed_connects=num(r, "ERRORS") + num(r, "ABORTS"),
            timeouts=0,
        )
        for r in rows
        if r.get("SERVER")
    ]


def _software_xr(parsed: list[Any], device: Device) -> SoftwareFacts:
    """show version's facts; its image, or else the install summary's boot image.

    Classic IOS-XR names the image in show version ("disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm").
    64-bit IOS-XR prints no such line: its image is the package the install summary marks
    "[Boot image]" ("ncs5500-xr-7.3.2"). Where neither names one (IOS-XR 7 LNT), the image
    stays unknown and `image_unknown` says why.
    """
    version_rows, installed = parsed
    software = common.software(version_rows, device)
    if software.image:
        return software
    image, unknown = _boot_image(installed)
    return replace(
        software,
        image=image,
        image_unknown=f"{software.image_unknown}, and {unknown}" if unknown else "",
    )


def _boot_image(installed: list[Row] | Unread) -> tuple[str, str]:
    """The install summary's one boot image, or "" and why there is none."""
    if isinstance(installed, Unread):
        return "", f"show install active summary could not be read ({installed.reason})"
    boot = sorted({r["PACKAGE"] for r in installed if r["BOOT"]})
    if not boot:
        return "", "show install active summary marks no package as the [Boot image]"
    if len(boot) > 1:
        return "", (
            "show install active summary marks several packages as the [Boot image] "
            f"({', '.join(boot)})"
        )
    return boot[0], ""


def _memory_xr(parsed: list[Any], device: Device) -> MemoryFacts:
    rows, version_rows = parsed
    row = one_row(rows, "memory summary")
    total = row.get("APPLICATION_MB") or row.get("PHYSICAL_MB") or ""
    return MemoryFacts(
        total_bytes=int(total) * 1024 * 1024,
        free_bytes=int(row["AVAILABLE_MB"]) * 1024 * 1024,
        dram_kb=common.software(version_rows, device).memory_kb,
    )


RECIPES: dict[str, Recipe[Any]] = {
    # 64-bit IOS-XR names its image only in the install summary. The router may refuse that
    # command (an older release, a restricted account): show version's image still decides.
    facts.SOFTWARE.name: Recipe(
        lambda d: [
            Source("show version", "own:cisco_xr_show_version"),
            Source(
                "show install active summary",
                "own:cisco_xr_show_install_active_summary",
                optional=True,
            ),
        ],
        _software_xr,
    ),
    facts.CHASSIS.name: one(
        lambda d: "show inventory", "ntc:cisco_xr_admin_show_inventory", common.chassis
    ),
    # ntc-templates has no `show bgp summary` template for IOS-XR, and its `show ip bgp
    # summary` one raises on asdot AS numbers, IPv6 neighbours and address-family blocks.
    facts.BGP_SESSIONS.name: one(
        lambda d: "show bgp summary", "own:cisco_xr_show_ip_bgp_summary", common.bgp_sessions
    ),
    facts.ISIS_ADJACENCIES.name: one(
        lambda d: "show isis neighbors", "ntc:cisco_xr_show_isis_neighbors", common.isis_adjacencies
    ),
    # ntc-templates' cisco_xr_dir knows only the Linux-based layout, not classic XR's.
    facts.IMAGE_DIRECTORY.name: one(
        lambda d: f"dir {dir_path(d)}", "own:cisco_xr_dir", common.directory
    ),
    facts.IMAGE_MD5.name: one(
        lambda d: f"show md5 file {image_file(d)}", "own:cisco_xr_show_md5_file", common.md5
    ),
    # ntc-templates' cisco_xr_show_interfaces reads no error counts on l2transport
    # sub-interfaces (their "N input drops, N queue drops, N input errors" lines).
    facts.INTERFACES.name: one(
        lambda d: "show interfaces", "own:cisco_xr_show_interfaces", _interfaces_xr
    ),
    facts.DESCRIPTIONS.name: one(
        lambda d: "show interfaces description",
        "ntc:cisco_xr_show_interfaces_description",
        common.descriptions,
    ),
    facts.INTRAPOP_PINGS.name: common.ping_recipe(
        "ntc:cisco_xr_ping", "count", common.intrapop_targets
    ),
    facts.CONNECTIVITY_PINGS.name: common.ping_recipe(
        "ntc:cisco_xr_ping", "count", common.connectivity_targets
    ),
    facts.PROBE_RESULTS.name: Recipe(
        lambda d: [
            Source("show ipsla statistics", "own:cisco_xr_show_ipsla_statistics"),
            Source("show clock", "own:cisco_xr_show_clock"),
        ],
        common.probes,
    ),
    facts.TACACS_SERVERS.name: one(lambda d: "show tacacs", "own:cisco_xr_show_tacacs", _tacacs_xr),
    # The DRAM from `show version` (the processor line's figure is the DRAM on IOS-XR).
    facts.MEMORY.name: Recipe(
        lambda d: [
            Source("show memory summary", "own:cisco_xr_show_memory_summary"),
            Source("show version", "own:cisco_xr_show_version"),
        ],
        _memory_xr,
    ),
    facts.LOGS.name: Recipe(
        lambda d: [
            Source("show logging", "own:cisco_xr_show_logging", empty_ok=True),
            Source("show logging", "own:cisco_xr_show_logging_buffer"),
            Source("show clock", "own:cisco_xr_show_clock"),
            Source("show running-config", "config"),
        ],
        common.logs(log_time_config),
    ),
}
