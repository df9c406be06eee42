"""Routing adjacencies: Schedule 2 lines 7 (Verify ISIS neighbors) and 8 (Verify BGP neighbors)."""

from __future__ import annotations

from netaccept.check import check
from netaccept.facts import BgpSession, IsisAdjacency
from netaccept.interfaces import same_interface
from netaccept.inventory import Device
from netaccept.verdicts import Undecidable, Verdict


@check("isis_neighbors")
def test_isis_neighbors(
    device: Device, isis_adjacencies: list[IsisAdjacency], verdict: Verdict
) -> None:
    """Verify ISIS neighbors (Schedule 2, line 7).

    Passes when every adjacency listed under `isis.neighbors` is Up, on the expected
    interface, at the expected level (an L1L2 adjacency satisfies L1 and L2).
    Fails naming each expected neighbour that is missing, not Up (with its state), on
    another interface, or at another level.
    """
    if device.isis is None or not device.isis.neighbors:
        raise Undecidable(
            f"the inventory lists no expected ISIS neighbours for {device.name}: add "
            "isis.neighbors, or list isis_neighbors under not_applicable with a reason"
        )
    for expected in device.isis.neighbors:
        found = [a for a in isis_adjacencies if a.system_id == expected.system_id]
        here = [a for a in found if same_interface(a.interface, expected.interface)]
        if not found:
            verdict.fail(
                f"no adjacency with {expected.system_id} (expected on {expected.interface})"
            )
        elif not here:
            verdict.fail(
                f"{expected.system_id} is adjacent on {', '.join(a.interface for a in found)}, "
                f"expected on {expected.interface}"
            )
        else:
            adjacency = here[0]
            name, interface = expected.system_id, adjacency.interface
            required = {"L1", "L2"} if expected.level == "L1L2" else {expected.level}
            if not adjacency.up:
                verdict.fail(f"{name} on {interface} is {adjacency.state}, expected Up")
            elif not required <= adjacency.levels:
                verdict.fail(
                    f"{name} on {interface} is {adjacency.level}, expected {expected.level}"
                )
            else:
                verdict.ok(f"{name} Up on {interface} ({adjacency.level})")


@check("bgp_neighbors")
def test_bgp_neighbors(device: Device, bgp_sessions: list[BgpSession], verdict: Verdict) -> None:
    """Verify BGP neighbors (Schedule 2, line 8).

    Passes when every session listed under `bgp.neighbors` is Established with the
    expected remote AS and at least its `min_prefixes` prefixes received.
    Fails naming each expected neighbour that is missing, not Established (with its
    state), in another AS, or short of prefixes; and each configured session that is down
    although the inventory does not expect it.
    """
    if device.bgp is None or not device.bgp.neighbors:
        raise Undecidable(
            f"the inventory lists no expected BGP neighbours for {device.name}: add "
            "bgp.neighbors, or list bgp_neighbors under not_applicable with a reason"
        )
    sessions = {s.neighbor: s for s in bgp_sessions}
    expected_addresses = {str(n.address) for n in device.bgp.neighbors}
    for expected in device.bgp.neighbors:
        address, asn = str(expected.address), expected.remote_as
        session = sessions.get(address)
        if session is None:
            verdict.fail(f"neighbour {address} (AS {expected.remote_as}) is not configured")
        elif session.remote_as != expected.remote_as:
            verdict.fail(f"neighbour {address} is in AS {session.remote_as}, expected AS {asn}")
        elif not session.established:
            verdict.fail(f"neighbour {address} (AS {asn}) is {session.state}, expected Established")
        elif session.prefixes is not None and session.prefixes < expected.min_prefixes:
            verdict.fail(
                f"neighbour {address} Established but {session.prefixes} prefixes received, "
                f"expected at least {expected.min_prefixes}"
            )
        else:
            verdict.ok(f"neighbour {address} (AS {asn}) Established, {session.prefixes} prefixes")
    for address, session in sessions.items():
        if address not in expected_addresses and not session.established:
            verdict.fail(
                f"unexpected neighbour {address} (AS {session.remote_as}) is {session.state}; "
                "add it to bgp.neighbors or remove it from the router"
            )
