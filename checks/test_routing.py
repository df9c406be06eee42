"""Routing: Schedule 2 lines 5-8 (ISIS and BGP configuration and neighbors)."""

from __future__ import annotations

from netaccept.check import check
from netaccept.core.interfaces import same_interface
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import BgpNeighbor, Device, IsisNeighbor
from netaccept.platforms.configuration import BgpConfig, IsisConfig
from netaccept.platforms.facts import BgpSession, IsisAdjacency


@check("isis_neighbors")
def test_isis_neighbors(
    device: Device, isis_adjacencies: list[IsisAdjacency], verdict: Verdict
) -> None:
    """Verify ISIS neighbors (Schedule 2, line 7).

    Passes when every adjacency listed under `isis.neighbors` is Up, on the expected
    interface, at the expected level (an L1L2 adjacency satisfies L1 and L2; so do an L1 row
    and an L2 row, as IOS lists it).
    Fails naming each expected neighbour that is missing, on another interface, without a
    row at an expected level, or with any of its rows on that interface not Up (with the
    state, and the level where it has a row per level).
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
            _judge_adjacency(expected, here, verdict)


def _judge_adjacency(expected: IsisNeighbor, rows: list[IsisAdjacency], verdict: Verdict) -> None:
    """Every row of one neighbour on its interface: one per level on IOS, one in all on XR."""
    name, interface = expected.system_id, rows[0].interface
    required = {"L1", "L2"} if expected.level == "L1L2" else {expected.level}
    levels = {level for adjacency in rows for level in adjacency.levels}
    listed = "".join(sorted(levels))
    down = [a for a in rows if not a.up]
    for adjacency in down:
        level = f" at {adjacency.level}" if len(rows) > 1 else ""
        verdict.fail(f"{name} on {adjacency.interface} is {adjacency.state}{level}, expected Up")
    if not required <= levels:
        verdict.fail(f"{name} on {interface} is {listed}, expected {expected.level}")
    elif not down:
        verdict.ok(f"{name} Up on {interface} ({listed})")


@check("bgp_neighbors")
def test_bgp_neighbors(device: Device, bgp_sessions: list[BgpSession], verdict: Verdict) -> None:
    """Verify BGP neighbors (Schedule 2, line 8).

    Passes when every session listed under `bgp.neighbors` is Established with the
    expected remote AS in every address family the router lists it in, and has received at
    least its `min_prefixes` prefixes (over those families). AS numbers compare as numbers,
    whether written in asplain (4260495372) or asdot (65010.12).
    Fails naming each expected neighbour that is missing, not Established (with its
    state and family), in another AS, or short of prefixes; and each configured session
    that is down although the inventory does not expect it (IPv6 neighbours included).
    """
    if device.bgp is None or not device.bgp.neighbors:
        raise Undecidable(
            f"the inventory lists no expected BGP neighbours for {device.name}: add "
            "bgp.neighbors, or list bgp_neighbors under not_applicable with a reason"
        )
    rows: dict[str, list[BgpSession]] = {}
    for session in bgp_sessions:
        rows.setdefault(session.neighbor, []).append(session)
    expected_addresses = {str(n.address) for n in device.bgp.neighbors}
    for expected in device.bgp.neighbors:
        _judge_session(expected, rows.get(str(expected.address), []), verdict)
    for address, sessions in rows.items():
        for session in sessions:
            if address not in expected_addresses and not session.established:
                verdict.fail(
                    f"unexpected neighbour {address} (AS {_as(session.remote_as)}) is "
                    f"{session.state}{_family(session)}; "
                    "add it to bgp.neighbors or remove it from the router"
                )


def _judge_session(expected: BgpNeighbor, sessions: list[BgpSession], verdict: Verdict) -> None:
    """Every row of one expected neighbour: one per address family the output lists."""
    address, asn = str(expected.address), _as(expected.remote_as)
    if not sessions:
        verdict.fail(f"neighbour {address} (AS {asn}) is not configured")
        return
    for session in sessions:
        if session.remote_as != expected.remote_as:
            verdict.fail(
                f"neighbour {address} is in AS {_as(session.remote_as)}{_family(session)}, "
                f"expected AS {asn}"
            )
        elif not session.established:
            verdict.fail(
                f"neighbour {address} (AS {asn}) is {session.state}{_family(session)}, "
                "expected Established"
            )
    if any(s.remote_as != expected.remote_as or not s.established for s in sessions):
        return
    received = sum(s.prefixes or 0 for s in sessions)
    if received < expected.min_prefixes:
        verdict.fail(
            f"neighbour {address} Established but {received} prefixes received, "
            f"expected at least {expected.min_prefixes}"
        )
    else:
        verdict.ok(f"neighbour {address} (AS {asn}) Established, {received} prefixes")


def _as(number: int) -> str:
    """An AS number as asplain, with its asdot form where it has one: `4259841001 (65000.1001)`."""
    return f"{number} ({number >> 16}.{number & 0xFFFF})" if number > 0xFFFF else str(number)


def _family(session: BgpSession) -> str:
    return f" in {session.address_family}" if session.address_family else ""


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
