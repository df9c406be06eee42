"""The twenty acceptance tests of Schedule 2, in the contract's order, with their stable ids.

The ids are part of the certificate format: reports, recordings and later tooling
depend on them, so they never change once published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PlatformName = Literal["cisco_ios", "cisco_xr"]
PLATFORM_NAMES: tuple[PlatformName, ...] = ("cisco_ios", "cisco_xr")


@dataclass(frozen=True)
class CheckInfo:
    """One Schedule 2 line: its position, the contract's words, and its stable id."""

    id: str
    line: int
    schedule2: str
    summary: str


CATALOGUE: tuple[CheckInfo, ...] = (
    CheckInfo(
        "intrapop_links",
        1,
        "Test IntraPOP Links",
        "links to other routers in the same POP are up/up and pass a ping test",
    ),
    CheckInfo(
        "rpms_config",
        2,
        "Verify RPMS configurations",
        "the customer's response-time probes (IP SLA / RTR) are configured and scheduled",
    ),
    CheckInfo(
        "rpms_test",
        3,
        "Test RPMS",
        "each expected probe's latest operation succeeded within its RTT threshold",
    ),
    CheckInfo(
        "ip_connectivity",
        4,
        "Verify IP connectivity",
        "pings sourced from Loopback0 reach every expected target",
    ),
    CheckInfo(
        "isis_config",
        5,
        "Verify ISIS configuration",
        "router isis has the expected NET, is-type and metric-style",
    ),
    CheckInfo(
        "bgp_config",
        6,
        "Verify BGP configuration",
        "router bgp has the expected local AS and neighbours",
    ),
    CheckInfo(
        "isis_neighbors",
        7,
        "Verify ISIS neighbors",
        "every expected ISIS adjacency is up on the expected interface and level",
    ),
    CheckInfo(
        "bgp_neighbors",
        8,
        "Verify BGP neighbors",
        "every expected BGP session is Established with its minimum prefixes",
    ),
    CheckInfo(
        "interfaces",
        9,
        "Verify all interfaces",
        "interfaces in service are up/up with error counters under threshold",
    ),
    CheckInfo(
        "loopback_dns",
        10,
        "Verify DNS (loopback)",
        "Loopback0 has a PTR naming the router and the name resolves back",
    ),
    CheckInfo(
        "ftp_tftp_source",
        11,
        "Verify source interface loopback for ftp and tftp",
        "ip ftp and ip tftp source-interface are the loopback",
    ),
    CheckInfo(
        "console_login", 12, "Verify console login", "the console authenticates and times out"
    ),
    CheckInfo(
        "last_resort_password",
        13,
        "Verify password of last resort",
        "AAA login falls back to a hashed local credential",
    ),
    CheckInfo(
        "tacacs", 14, "Verify TACACS", "AAA uses the expected TACACS+ servers and they answer"
    ),
    CheckInfo(
        "vty_acl",
        15,
        "Verify access-list for vty",
        "every vty line has an access-class permitting only management prefixes",
    ),
    CheckInfo(
        "ios_version",
        16,
        "Verify IOS version",
        "the running software version and image are the approved ones",
    ),
    CheckInfo(
        "flash",
        17,
        "Verify Flash",
        "the running image is on flash with the approved MD5 and enough free space",
    ),
    CheckInfo(
        "rp_memory",
        18,
        "Verify RP memory",
        "route processor memory and free memory meet the thresholds",
    ),
    CheckInfo(
        "logs",
        19,
        "Examine Logs",
        "no log messages at or above the severity threshold in the window",
    ),
    CheckInfo(
        "interface_descriptions",
        20,
        "Updated interface description",
        "every ordered port's description names its order and customer",
    ),
)

CHECKS: dict[str, CheckInfo] = {info.id: info for info in CATALOGUE}
CHECK_IDS: tuple[str, ...] = tuple(CHECKS)


def check_info(check_id: str) -> CheckInfo:
    """The catalogue entry for `check_id`; raises KeyError naming the valid ids."""
    try:
        return CHECKS[check_id]
    except KeyError:
        raise KeyError(
            f"unknown check id {check_id!r}; valid ids: {', '.join(CHECK_IDS)}"
        ) from None
