"""Routing: Schedule 2 lines 5-8 (ISIS and BGP configuration and neighbors)."""

from __future__ import annotations

from netaccept.check import check
from netaccept.core.interfaces import same_interface
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device
from netaccept.platforms.configuration import BgpConfig, IsisConfig
from netaccept.platforms.facts import BgpSession, IsisAdjacency


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


@check("isis_config")
def test_isis_config(device: Device, isis_config: IsisConfig | None, verdict: Verdict) -> None:
    """Verify ISIS configuration (Schedule 2, line 5).

    Passes when the running configuration has `router isis` (with the tag `isis.tag` when
    given) with the NET `isis.net`, is-type `isis.is_type` (default level-2-only),
    metric-style `isis.metric_style` (default wide), ISIS enabled on every interface of
    `isis.interfaces`, and every interface of `isis.passive_interfaces` (default Loopback0)
    passive.
    Fails naming the missing process, the NET, is-type or metric-style found instead of the
    expected one, and each interface without ISIS or not passive.
    """
    expected = device.isis
    if expected is None or expected.net is None:
        raise Undecidable(
            f"the inventory gives no isis.net for {device.name}: add it (and isis.interfaces), "
            "or list isis_config under not_applicable with a reason"
        )
    if isis_config is None:
        verdict.fail("no router isis in the running configuration")
        return
    if expected.tag is not None:
        verdict.expect(
            isis_config.tag == expected.tag,
            ok=f"router isis {expected.tag}",
            fail=f"router isis {isis_config.tag or '(no tag)'}, expected tag {expected.tag}",
        )
    verdict.expect(
        expected.net.lower() in [n.lower() for n in isis_config.nets],
        ok=f"net {expected.net}",
        fail=f"net {', '.join(isis_config.nets) or '(none)'}, expected {expected.net}",
    )
    verdict.expect(
        isis_config.is_type == expected.is_type,
        ok=f"is-type {expected.is_type}",
        fail=f"is-type {isis_config.is_type or '(not set: level-1-2)'}, "
        f"expected {expected.is_type}",
    )
    verdict.expect(
        isis_config.metric_style == expected.metric_style,
        ok=f"metric-style {expected.metric_style}",
        fail=f"metric-style {isis_config.metric_style or '(not set: narrow)'}, "
        f"expected {expected.metric_style}",
    )
    for interface in expected.interfaces:
        verdict.expect(
            any(same_interface(interface, i) for i in isis_config.interfaces),
            ok=f"ISIS enabled on {interface}",
            fail=f"ISIS not enabled on {interface}",
        )
    for interface in expected.passive_interfaces:
        verdict.expect(
            any(same_interface(interface, i) for i in isis_config.passive),
            ok=f"{interface} passive",
            fail=f"{interface} not passive",
        )


@check("bgp_config")
def test_bgp_config(device: Device, bgp_config: BgpConfig | None, verdict: Verdict) -> None:
    """Verify BGP configuration (Schedule 2, line 6).

    Passes when the running configuration has `router bgp` with the local AS `bgp.local_as`
    and, for every neighbour of `bgp.neighbors`, its `remote-as`, and its `update-source`
    and `description` where the inventory gives them.
    Fails naming the local AS found, each neighbour not configured, and each setting of a
    neighbour that differs (expected and found).
    """
    expected = device.bgp
    if expected is None or expected.local_as is None or not expected.neighbors:
        raise Undecidable(
            f"the inventory gives no bgp.local_as and bgp.neighbors for {device.name}: add them, "
            "or list bgp_config under not_applicable with a reason"
        )
    if bgp_config is None:
        verdict.fail("no router bgp in the running configuration")
        return
    verdict.expect(
        bgp_config.local_as == expected.local_as,
        ok=f"router bgp {expected.local_as}",
        fail=f"router bgp {bgp_config.local_as}, expected local AS {expected.local_as}",
    )
    for neighbor in expected.neighbors:
        address = str(neighbor.address)
        found = bgp_config.neighbors.get(address)
        if found is None:
            verdict.fail(f"neighbor {address} is not configured")
            continue
        problems = []
        if found.remote_as != neighbor.remote_as:
            problems.append(f"remote-as {found.remote_as}, expected {neighbor.remote_as}")
        if neighbor.update_source and not (
            found.update_source and same_interface(found.update_source, neighbor.update_source)
        ):
            problems.append(
                f"update-source {found.update_source or '(none)'}, "
                f"expected {neighbor.update_source}"
            )
        if neighbor.description and found.description != neighbor.description:
            problems.append(
                f"description {found.description or '(none)'!r}, expected {neighbor.description!r}"
            )
        if problems:
            verdict.fail(f"neighbor {address}: " + "; ".join(problems))
        else:
            verdict.ok(f"neighbor {address} remote-as {found.remote_as}")
