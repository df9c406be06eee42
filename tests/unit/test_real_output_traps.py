"""Traps found in real router output (issue 11): each one a false pass or a dropped row.

Every case reads real output in place from the shared corpus (`../shared/corpus`): the
ntc-templates fixtures, and genieparser's golden outputs with Genie's own reading of each
beside it (an independent parse, not ours). Where the corpus has no output showing a fault,
the case takes a real output and changes the one line a faulty router would print
differently, and says so.

- BGP: 4-byte AS numbers in asdot (`65000.1001`) on the router and in the inventory; IPv6
  neighbours, whose address wraps the row onto two lines; several address-family blocks in
  one output, each row judged.
- ISIS: a neighbour listed once per level, every row judged; `L1L2` rows; system ids long
  enough to wrap; interface abbreviations of the faster Ethernets.
- DRAM: `XK/YK bytes of memory` is main plus I/O memory; IOS-XE's physical memory line.
"""

from __future__ import annotations

import ast
import ipaddress
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netaccept.core.asnumbers import asplain as asn
from netaccept.core.interfaces import same_interface
from netaccept.core.verdicts import Status
from netaccept.inventory import (
    Bgp,
    BgpNeighbor,
    Device,
    InventoryError,
    Isis,
    IsisNeighbor,
    Memory,
    load_inventory,
)
from netaccept.lab.faults import BASE
from netaccept.platforms import registry
from netaccept.platforms.facts import FACTS, BgpSession, IsisAdjacency
from netaccept.platforms.parsing import read
from tests.conftest import LAB_INVENTORY, ROOT
from tests.unit.test_check_decisions import build as build_fact
from tests.unit.test_check_decisions import decide, recorded

CORPUS = ROOT.parent / "shared" / "corpus"
NTC = CORPUS / "ntc-templates"
GENIE = CORPUS / "genieparser"
INVENTORY = load_inventory(LAB_INVENTORY)
IOS = INVENTORY.device(BASE["cisco_ios"])
XR = INVENTORY.device(BASE["cisco_xr"])

# --------------------------------------------------------------------------------------------
# Reading the corpus
# --------------------------------------------------------------------------------------------

# A command echo (`Router#show ...`, a bare `show ...`) or pyATS's `+++ ... +++` banner:
# a router's answer, as a session captures it, holds neither.
_ECHO = re.compile(r"^\s*(?:\S+#\s*)?show\s|^\s*\+\+\+")


def corpus_file(path: Path) -> str:
    if not path.is_file():
        pytest.fail(f"corpus file {path} is missing: the shared corpus must be at {CORPUS}")
    return path.read_text(encoding="utf-8")


def ntc(platform: str, command_dir: str, name: str) -> str:
    return corpus_file(NTC / platform / command_dir / name)


def genie(path: str) -> str:
    """A genieparser golden output as the router printed it: no echo, no added indentation."""
    lines = [line for line in corpus_file(GENIE / path).splitlines() if not _ECHO.match(line)]
    return textwrap.dedent("\n".join(lines).expandtabs()).strip("\n") + "\n"


def genie_expected(path: str) -> Any:
    """What Genie's own parser read from the output beside it (a Python literal)."""
    text = corpus_file(GENIE / path.replace("_output.txt", "_expected.py"))
    return ast.literal_eval(text.split("=", 1)[1].strip())


def genie_outputs(*folders: str) -> list[Any]:
    outputs = sorted(p for folder in folders for p in (GENIE / folder).glob("*_output.txt"))
    if not outputs:
        return [pytest.param(f"{folders[0]}/MISSING_output.txt", id=f"{folders[0]}-MISSING")]
    return [pytest.param(str(p.relative_to(GENIE)), id=str(p.relative_to(GENIE))) for p in outputs]


def build(fact: str, device: Device, output: str) -> Any:
    """`fact` read from `output` by the device platform's recipe, as a run reads it."""
    recipe = registry.recipe(FACTS[fact], device.platform)
    sources = recipe.sources(device)
    assert len({s.command for s in sources}) == 1, "a fact of one command"
    return recipe.build([read(s.reader, output, s.command, s.empty_ok) for s in sources], device)


def judged(
    check_id: str, device: Device, fact: str, output: str, command: str | None = None
) -> tuple[Status, str]:
    """The check's verdict with `output` as the answer to `command` (the fact's first one)."""
    outputs, dns = recorded(device)
    answered = command or registry.commands(fact, device)[0]
    return decide(check_id, device, {**outputs, answered: output}, dns)


def changed(text: str, old: str, new: str) -> str:
    """`text` with one line changed the way a faulty router prints it."""
    assert text.count(old) == 1, f"the corpus file changed: {old!r} is not in it once"
    return text.replace(old, new)


def expecting_bgp(device: Device, *neighbors: tuple[str, int | str]) -> Device:
    bgp = Bgp(neighbors=[BgpNeighbor(address=a, remote_as=n) for a, n in neighbors])
    return device.model_copy(update={"bgp": bgp})


def expecting_isis(device: Device, *neighbors: tuple[str, str, str]) -> Device:
    isis = Isis(
        neighbors=[IsisNeighbor(system_id=s, interface=i, level=level) for s, i, level in neighbors]
    )
    return device.model_copy(update={"isis": isis})


# --------------------------------------------------------------------------------------------
# 1. 4-byte AS numbers: asdot on the router, asdot or asplain in the inventory
# --------------------------------------------------------------------------------------------

DOT_PEER_AS = (
    "cisco_ios",
    "show_ip_bgp_summary",
    "cisco_ios_show_ip_bgp_summary_with_dot_peer_as.raw",
)


def test_ios_reads_an_asdot_neighbour_as_asplain() -> None:
    sessions = build("bgp_sessions", IOS, ntc(*DOT_PEER_AS))
    assert {s.neighbor: s.remote_as for s in sessions} == {
        "100.127.255.1": 65000 * 65536 + 1000,
        "100.127.255.7": 65000 * 65536 + 1001,
        "100.127.255.9": 65000 * 65536 + 1002,
        "192.88.99.1": 662 * 65536 + 47492,
    }


def test_asdot_neighbour_does_not_pass_for_the_as_before_the_dot() -> None:
    """The false pass: AS 65000.1001 read as 65000, and an inventory expecting 65000."""
    device = expecting_bgp(IOS, ("100.127.255.7", 65000))
    status, message = judged("bgp_neighbors", device, "bgp_sessions", ntc(*DOT_PEER_AS))
    assert status is Status.FAIL, message
    assert "100.127.255.7 is in AS 4259841001 (65000.1001), expected AS 65000" in message


@pytest.mark.parametrize("written", ["65000.1001", 4259841001, "4259841001"])
def test_asdot_neighbour_passes_against_either_notation_in_the_inventory(
    written: int | str,
) -> None:
    device = expecting_bgp(IOS, ("100.127.255.7", written))
    status, message = judged("bgp_neighbors", device, "bgp_sessions", ntc(*DOT_PEER_AS))
    assert status is Status.PASS, message


def test_xr_reads_asdot_neighbours_in_every_address_family() -> None:
    """IOS-XR asdot peers: ntc's template raises on them, so the check could never pass."""
    output = genie("iosxr/ShowBgpInstanceSummary/golden_output3_output.txt")
    sessions = build("bgp_sessions", XR, output)
    assert [(s.address_family, s.neighbor, s.remote_as) for s in sessions] == [
        ("VPNv4 Unicast", "10.16.2.2", 100),
        ("VPNv4 Unicast", "10.36.3.3", 60000 * 65536 + 60001),
        ("VPNv6 Unicast", "10.16.2.2", 100),
        ("VPNv6 Unicast", "10.36.3.3", 60000 * 65536 + 60002),
    ]


def test_xr_asdot_neighbour_in_another_as_in_one_family_fails() -> None:
    device = expecting_bgp(XR, ("10.16.2.2", 100), ("10.36.3.3", "60000.60002"))
    output = genie("iosxr/ShowBgpInstanceSummary/golden_output3_output.txt")
    status, message = judged("bgp_neighbors", device, "bgp_sessions", output)
    assert status is Status.FAIL, message
    assert "10.36.3.3 is in AS 3932220001 (60000.60001) in VPNv4 Unicast" in message


INVENTORY_AS = """\
sites:
  NYC1: {name: 60 Hudson Street, address: "60 Hudson Street, New York"}
devices:
  - name: r1
    host: 10.0.0.1
    platform: cisco_ios
    site: NYC1
    bgp:
      local_as: LOCAL
      neighbors:
        - {address: 192.0.2.1, remote_as: REMOTE}
"""


def inventory_with(tmp_path: Path, local: str, remote: str) -> Device:
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY_AS.replace("LOCAL", local).replace("REMOTE", remote), "utf-8")
    return load_inventory(path).devices[0]


@pytest.mark.parametrize(
    ("written", "asplain"),
    [
        ("'65010.12'", 4260495372),
        ("4260495372", 4260495372),
        ("'4260495372'", 4260495372),
        ('"1.0"', 65536),
        ("'0.65535'", 65535),
        ("64500", 64500),
        ("'65535.65535'", 4294967295),
    ],
)
def test_inventory_accepts_asplain_and_quoted_asdot(
    tmp_path: Path, written: str, asplain: int
) -> None:
    device = inventory_with(tmp_path, written, written)
    assert device.bgp is not None
    assert device.bgp.local_as == asplain
    assert device.bgp.neighbors[0].remote_as == asplain


@pytest.mark.parametrize(
    ("written", "says"),
    [
        # YAML reads an unquoted asdot as a number: 65010.1 and 65010.10 become the same float.
        ("65010.12", "quotes"),
        ("65010.10", "quotes"),
        ("'65536.1'", "65535"),
        ("'1.65536'", "65535"),
        ("'0.0'", "1 to 4294967295"),
        ("0", "1 to 4294967295"),
        ("4294967296", "1 to 4294967295"),
        ("'AS65010'", "asplain"),
        ("true", "asplain"),
        ("'1.2.3'", "asplain"),
    ],
)
def test_inventory_rejects_an_as_number_it_cannot_read_exactly(
    tmp_path: Path, written: str, says: str
) -> None:
    with pytest.raises(InventoryError) as caught:
        inventory_with(tmp_path, "64500", written)
    [problem] = caught.value.problems
    assert problem.field.endswith("neighbors[0].remote_as"), problem
    assert says in problem.message, problem.message


@pytest.mark.parametrize("text", ["1", "64500", "65535", "1.0", "1.10", "65010.12", "65535.65535"])
def test_inventory_and_router_side_read_an_as_number_alike(tmp_path: Path, text: str) -> None:
    device = inventory_with(tmp_path, f"'{text}'", f"'{text}'")
    assert device.bgp is not None
    assert device.bgp.neighbors[0].remote_as == asn(text)


# --------------------------------------------------------------------------------------------
# 2. IPv6 neighbours (wrapped rows) and several address families in one output
# --------------------------------------------------------------------------------------------


def test_ios_reads_ipv6_neighbours_wrapped_or_not() -> None:
    output = genie("ios/ShowBgpAllSummary/golden_output2_output.txt")
    assert "2001:DB8:20:4:6::6\n        4          400" in output  # the wrapped row
    sessions = build("bgp_sessions", IOS, output)
    vpnv6 = [
        (s.neighbor, s.remote_as, s.state) for s in sessions if s.address_family == "VPNv6 Unicast"
    ]
    assert vpnv6 == [
        ("10.16.2.2", 100, "10"),
        ("10.36.3.3", 100, "10"),
        ("2001:db8:4:6::6", 300, "5"),
        ("2001:db8:20:4:6::6", 400, "5"),
    ]


def test_expected_ipv6_neighbour_on_a_wrapped_row_is_found() -> None:
    device = expecting_bgp(IOS, ("2001:db8:20:4:6::6", 400))
    output = genie("ios/ShowBgpAllSummary/golden_output2_output.txt")
    status, message = judged("bgp_neighbors", device, "bgp_sessions", output)
    assert status is Status.PASS, message
    assert "2001:db8:20:4:6::6 (AS 400) Established, 5 prefixes" in message


def test_unexpected_idle_ipv6_neighbour_on_a_wrapped_row_fails() -> None:
    # Real: IOS-XE `show ip bgp summary` whose only session is an IPv6 one, Idle, wrapped.
    device = expecting_bgp(IOS, ("10.0.0.1", 100))
    output = genie("iosxe/ShowIpBgpSummary/golden_output2_output.txt")
    status, message = judged("bgp_neighbors", device, "bgp_sessions", output)
    assert status is Status.FAIL, message
    assert "unexpected neighbour 1000:192:168:0:1::1 (AS 100) is Idle" in message


def test_unexpected_idle_ipv6_neighbour_among_established_ones_fails() -> None:
    # Real output; the wrapped IPv6 session changed to Idle, as a router whose peer is down.
    output = changed(
        genie("ios/ShowBgpAllSummary/golden_output2_output.txt"),
        "        4          400      67      73       66    0    0 01:03:11        5",
        "        4          400      67      73       66    0    0 never    Idle",
    )
    device = expecting_bgp(IOS, ("10.16.2.2", 100), ("10.36.3.3", 100))
    status, message = judged("bgp_neighbors", device, "bgp_sessions", output)
    assert status is Status.FAIL, message
    assert "unexpected neighbour 2001:db8:20:4:6::6 (AS 400) is Idle" in message


def test_neighbour_idle_in_one_address_family_fails_though_up_in_the_next() -> None:
    # Real output; 10.16.2.2's VPNv4 session changed to Idle (its VPNv6 one still up).
    output = changed(
        genie("ios/ShowBgpAllSummary/golden_output2_output.txt"),
        "10.16.2.2         4          100      82      88       56    0    0 01:12:00       10",
        "10.16.2.2         4          100      82      88       56    0    0 never    Idle",
    )
    device = expecting_bgp(IOS, ("10.16.2.2", 100))
    status, message = judged("bgp_neighbors", device, "bgp_sessions", output)
    assert status is Status.FAIL, message
    assert "10.16.2.2 (AS 100) is Idle in VPNv4 Unicast, expected Established" in message


def test_xr_reads_a_wrapped_ipv6_neighbour() -> None:
    output = genie("iosxr/ShowBgpInstanceSummary/golden_output4_output.txt")
    sessions = build("bgp_sessions", XR, output)
    assert [(s.address_family, s.neighbor, s.remote_as, s.prefixes) for s in sessions] == [
        ("VPNv4 Unicast", "10.16.2.2", 100, 10),
        ("VPNv4 Unicast", "10.36.3.3", 60000 * 65536 + 60001, 10),
        ("VPNv6 Unicast", "2001:db8:20:1:5::5", 60000 * 65536 + 60002, 10),
    ]


def test_xr_reads_every_instance_and_marks_a_session_without_policy() -> None:
    # `0!`: Established, no routes accepted for lack of a policy; `Idle!`: down.
    output = ntc(
        "cisco_xr", "show_bgp_instance_all_summary", "cisco_xr_show_bgp_instance_all_summary.raw"
    )
    sessions = build("bgp_sessions", XR, output)
    assert [(s.state, s.prefixes) for s in sessions] == [
        ("4", 4), ("Active", None), ("0", 0), ("10", 10), ("0!", 0), ("Idle!", None),
    ]  # fmt: skip


def _genie_sessions(expected: Any) -> Iterator[tuple[str, str, str | int | None]]:
    """(address, state, AS) for every neighbour row Genie found, wherever it nests them."""
    if not isinstance(expected, dict):
        return
    for key, value in expected.items():
        if key == "neighbor" and isinstance(value, dict):
            for address, neighbour in value.items():
                for family in neighbour.get("address_family", {}).values():
                    yield address, str(family["state_pfxrcd"]), family.get("as")
        else:
            yield from _genie_sessions(value)


def _canonical(address: str) -> str:
    return ipaddress.ip_address(address).compressed


BGP_GENIE = genie_outputs(
    "ios/ShowBgpAllSummary", "ios/ShowBgpSummary", "iosxe/ShowBgpAllSummary",
    "iosxe/ShowBgpSummary", "iosxe/ShowIpBgpAllSummary", "iosxe/ShowIpBgpSummary",
)  # fmt: skip


@pytest.mark.parametrize("path", BGP_GENIE)
def test_ios_bgp_reader_keeps_every_row_genie_keeps(path: str) -> None:
    output = genie(path)
    theirs = sorted(
        (_canonical(a), s, asn(str(n)) if n is not None else None)
        for a, s, n in _genie_sessions(genie_expected(path))
    )
    if not theirs:
        pytest.skip(f"{path}: Genie found no neighbour row")
    sessions: list[BgpSession] = build("bgp_sessions", IOS, output)
    ours = sorted((s.neighbor, s.state, s.remote_as) for s in sessions)
    # Genie keys a neighbour by address and address family: a neighbour listed several times
    # in one family (once per VRF) is its last row there, and every one of its rows here.
    assert set(theirs) <= set(ours)
    assert {row[0] for row in ours} == {row[0] for row in theirs}
    assert len(ours) >= len(theirs)


@pytest.mark.parametrize("path", genie_outputs("iosxr/ShowBgpInstanceSummary"))
def test_xr_bgp_reader_keeps_every_row_genie_keeps(path: str) -> None:
    output = genie(path)
    theirs = sorted((_canonical(a), s) for a, s, _n in _genie_sessions(genie_expected(path)))
    if not theirs:
        pytest.skip(f"{path}: Genie found no neighbour row (a VRF table without sessions)")
    sessions: list[BgpSession] = build("bgp_sessions", XR, output)
    assert sorted((s.neighbor, s.state) for s in sessions) == theirs


# --------------------------------------------------------------------------------------------
# 3. ISIS: one row per level, L1L2 rows, wrapped system ids, interface names
# --------------------------------------------------------------------------------------------

ISIS_IOS = ("cisco_ios", "show_isis_neighbors", "cisco_ios_show_isis_neighbors.raw")


def test_neighbour_listed_once_per_level_passes_as_l1l2() -> None:
    """IOS lists an L1L2 adjacency as an L1 row and an L2 row; both Up is an L1L2 pass."""
    device = expecting_isis(IOS, ("vMX1", "GigabitEthernet2", "L1L2"))
    status, message = judged("isis_neighbors", device, "isis_adjacencies", ntc(*ISIS_IOS))
    assert status is Status.PASS, message


def test_a_level_that_is_not_up_fails_though_the_other_level_is_up() -> None:
    # Real output; vMX1's level-2 row changed to INIT (its level-1 row, listed first, Up).
    output = changed(
        ntc(*ISIS_IOS),
        "vMX1            L2   Gi2           10.1.2.1        UP    24",
        "vMX1            L2   Gi2           10.1.2.1        INIT  24",
    )
    for level in ("L1", "L2", "L1L2"):
        device = expecting_isis(IOS, ("vMX1", "GigabitEthernet2", level))
        status, message = judged("isis_neighbors", device, "isis_adjacencies", output)
        assert status is Status.FAIL, (level, message)
        assert "vMX1 on Gi2 is INIT at L2, expected Up" in message, message


def test_an_expected_level_without_its_row_fails() -> None:
    # Real output: vEOS4 has a level-2 row only.
    device = expecting_isis(IOS, ("vEOS4", "GigabitEthernet3", "L1L2"))
    status, message = judged("isis_neighbors", device, "isis_adjacencies", ntc(*ISIS_IOS))
    assert status is Status.FAIL, message
    assert "vEOS4 on Gi3 is L2, expected L1L2" in message


WRAPPED_ISIS = "iosxe/ShowIsisNeighbors/golden_output3_output.txt"


def test_ios_reads_l1l2_rows_and_wrapped_system_ids() -> None:
    adjacencies = build("isis_adjacencies", IOS, genie(WRAPPED_ISIS))
    assert [(a.system_id, a.level, a.interface, a.state) for a in adjacencies] == [
        ("spine2-ott-lisp-c9k-127", "L1L2", "Gi1/0/2", "UP"),
        ("spine1-c9k-100", "L1", "Gi1/0/1", "UP"),
        ("ott-lisp-c9k-127", "L1L2", "Twe1/0/2", "UP"),
        ("ott-lisp-c9k-100", "L2", "Twe1/0/1", "UP"),
    ]


@pytest.mark.parametrize(
    ("system_id", "interface", "level"),
    [
        ("spine2-ott-lisp-c9k-127", "GigabitEthernet1/0/2", "L1L2"),
        ("ott-lisp-c9k-127", "TwentyFiveGigE1/0/2", "L1L2"),
        ("ott-lisp-c9k-100", "TwentyFiveGigE1/0/1", "L2"),
    ],
)
def test_wrapped_and_l1l2_neighbours_are_found(system_id: str, interface: str, level: str) -> None:
    device = expecting_isis(IOS, (system_id, interface, level))
    status, message = judged("isis_neighbors", device, "isis_adjacencies", genie(WRAPPED_ISIS))
    assert status is Status.PASS, message


def _genie_ios_adjacencies(expected: Any) -> Iterator[tuple[str, str, str, str]]:
    for tag in expected["isis"].values():
        for system_id, neighbour in tag["neighbors"].items():
            for level, at_level in neighbour["type"].items():
                for interface, adjacency in at_level["interfaces"].items():
                    yield system_id, level, interface, adjacency["state"]


def _genie_xr_adjacencies(expected: Any) -> Iterator[tuple[str, str, str, str]]:
    for instance in expected["isis"].values():
        for vrf in instance["vrf"].values():
            for interface, on_interface in vrf.get("interfaces", {}).items():
                for system_id, adjacency in on_interface["neighbors"].items():
                    yield system_id, adjacency["type"], interface, adjacency["state"]


def _agree(ours: list[IsisAdjacency], theirs: list[tuple[str, str, str, str]]) -> None:
    assert len(ours) == len(theirs), (ours, theirs)
    for adjacency in ours:
        matching = [
            t
            for t in theirs
            if (t[0], t[1], t[3]) == (adjacency.system_id, adjacency.level, adjacency.state)
            and same_interface(adjacency.interface, t[2])
        ]
        assert len(matching) == 1, (adjacency, theirs)


@pytest.mark.parametrize("path", genie_outputs("iosxe/ShowIsisNeighbors"))
def test_ios_isis_reader_keeps_every_row_genie_keeps(path: str) -> None:
    _agree(
        build("isis_adjacencies", IOS, genie(path)),
        list(_genie_ios_adjacencies(genie_expected(path))),
    )


@pytest.mark.parametrize("path", genie_outputs("iosxr/ShowIsisNeighbors"))
def test_xr_isis_reader_keeps_every_row_genie_keeps(path: str) -> None:
    theirs = list(_genie_xr_adjacencies(genie_expected(path)))
    _agree(build("isis_adjacencies", XR, genie(path)), theirs)


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("Twe1/0/2", "TwentyFiveGigE1/0/2"),
        ("Twe1/0/2", "TwentyFiveGigabitEthernet1/0/2"),
        ("Fo1/1/1", "FortyGigabitEthernet1/1/1"),
        ("Fo0/0/0/1", "FortyGigE0/0/0/1"),
        ("Hu0/0/0/0", "HundredGigE0/0/0/0"),
        ("Hu1/0/49", "HundredGigabitEthernet1/0/49"),
        ("Te0/1/0/3", "TenGigE0/1/0/3"),
        ("Te1/1", "TenGigabitEthernet1/1"),
        ("Tw1/0/1", "TwoGigabitEthernet1/0/1"),
        ("BE10.10", "Bundle-Ether10.10"),
        # `Po` is a Port-channel when its number has no slot (IOS-XE prints `Po12`), a POS
        # port when it has one (`PO4/0` on the GSR).
        ("Po12", "Port-channel12"),
        ("Po12.100", "Port-channel12.100"),
        ("PO4/0", "POS4/0"),
        ("Po4/1", "POS4/1"),
    ],
)
def test_interface_abbreviations_of_the_faster_ethernets(short: str, full: str) -> None:
    assert same_interface(short, full)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Twe1/0/1", "TwoGigabitEthernet1/0/1"),  # Twe is 25G, Tw is 2.5G
        ("Fo1/1/1", "FastEthernet1/1/1"),
        ("Te1/1", "TwentyFiveGigE1/1"),
        ("Po12", "POS12"),
        ("Po4/0", "Port-channel4/0"),
    ],
)
def test_interface_abbreviations_do_not_collide(a: str, b: str) -> None:
    assert not same_interface(a, b)


# --------------------------------------------------------------------------------------------
# 4. Route processor DRAM in `show version`
# --------------------------------------------------------------------------------------------

# Read by hand from each output: main + I/O memory, or the physical memory line (IOS-XE).
DRAM_KB = {
    "ios/ShowVersion/golden_output_ios_c1900_output.txt": 491520 + 32768,  # 512 MB
    "ios/ShowVersion/golden_output_ios_cat6k_output.txt": 983008 + 65536,  # 1 GB
    "ios/ShowVersion/golden_output_iosv_output.txt": 435457 + 87040,
    "ios/ShowVersion/device_output_output.txt": 2027520 + 69632,  # 2 GB
    "ios/ShowVersion/golden_output_ios_output.txt": 262144,  # no I/O memory given
    "iosxe/ShowVersion/golden_output_ios_c2600_output.txt": 126976 + 4096,  # 128 MB
    "iosxe/ShowVersion/golden_output_ios_c2600_2_output.txt": 60416 + 5120,  # 64 MB
    "iosxe/ShowVersion/golden_output_ios_1_output.txt": 14336 + 2048,  # 16 MB
    "iosxe/ShowVersion/golden_output_asr901_output.txt": 393216 + 131072,  # 512 MB
    "iosxe/ShowVersion/golden_output_6_output.txt": 8388608,  # ASR1001-X, physical
    "iosxe/ShowVersion/golden_output_isr4k_output.txt": 4194304,  # physical
    "iosxe/ShowVersion/golden_output_3_output.txt": 4194304,  # physical on both lines
}


def dram_kb(device: Device, show_version: str) -> int | None:
    """The route processor's DRAM, as the memory fact reads it from `show version`."""
    outputs, _dns = recorded(device)
    memory = build_fact("memory", device, {**outputs, "show version": show_version})
    return memory.dram_kb  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", sorted(DRAM_KB))
def test_dram_is_main_plus_io_memory_or_the_physical_memory(path: str) -> None:
    assert dram_kb(IOS, genie(path)) == DRAM_KB[path]


@pytest.mark.parametrize("path", genie_outputs("ios/ShowVersion", "iosxe/ShowVersion"))
def test_dram_is_never_less_than_genies_main_memory(path: str) -> None:
    expected = genie_expected(path)
    version = expected.get("version", expected)
    main = version.get("main_mem")
    if main is None:
        pytest.skip(f"{path}: Genie read no main memory")
    physical = version.get("mem_size", {}).get("physical")
    dram = dram_kb(IOS, genie(path))
    assert dram is not None
    assert dram >= int(main)
    if physical is not None:
        assert dram == int(physical)


def test_ios_ntc_corpus_dram_adds_io_memory() -> None:
    output = ntc("cisco_ios", "show_version", "cisco_ios_show_version_01.raw")
    assert dram_kb(IOS, output) == 118784 + 12288  # a Cisco 1801: 128 MB


def test_lab_gsr_dram_adds_io_memory() -> None:
    outputs, _dns = recorded(IOS)
    assert "with 2097152K/8192K bytes of memory" in outputs["show version"]
    assert dram_kb(IOS, outputs["show version"]) == 2097152 + 8192


def test_xr_dram_is_the_processor_memory() -> None:
    outputs, _dns = recorded(XR)
    assert "processor with 2097152K bytes of memory" in outputs["show version"]
    assert dram_kb(XR, outputs["show version"]) == 2097152
    crs = ntc("cisco_xr", "show_version", "cisco_xr_show_version_crs.raw")
    assert dram_kb(XR, crs) == 4194304


def test_show_version_without_a_memory_line_leaves_the_dram_unknown() -> None:
    outputs, _dns = recorded(IOS)
    text = changed(
        outputs["show version"],
        "cisco 12012/PRP (MPC7457) processor (revision 0x00) with 2097152K/8192K bytes of memory.",
        "cisco 12012/PRP (MPC7457) processor (revision 0x00)",
    )
    status, message = judged("rp_memory", IOS, "memory", text, command="show version")
    assert status is Status.ERROR, message
    assert "states no route processor memory" in message


@pytest.mark.parametrize(
    ("path", "min_dram_mb"),
    [
        ("ios/ShowVersion/golden_output_ios_c1900_output.txt", 512),
        ("iosxe/ShowVersion/golden_output_6_output.txt", 8192),
    ],
)
def test_healthy_router_with_the_required_dram_passes(path: str, min_dram_mb: int) -> None:
    device = IOS.model_copy(update={"memory": Memory(min_dram_mb=min_dram_mb)})
    status, message = judged("rp_memory", device, "memory", genie(path), command="show version")
    assert status is Status.PASS, message
    assert f"{min_dram_mb} MB of route processor DRAM" in message


def test_router_short_of_dram_still_fails() -> None:
    device = IOS.model_copy(update={"memory": Memory(min_dram_mb=513)})
    path = "ios/ShowVersion/golden_output_ios_c1900_output.txt"
    status, message = judged("rp_memory", device, "memory", genie(path), command="show version")
    assert status is Status.FAIL, message
    assert "512 MB of route processor DRAM, minimum 513 MB" in message
