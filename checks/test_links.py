"""Links and ports: Schedule 2 lines 1 (IntraPOP links), 4 (IP connectivity),
9 (all interfaces) and 20 (interface descriptions)."""

from __future__ import annotations

from netaccept.check import check
from netaccept.core.interfaces import interface_key, same_interface
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device
from netaccept.platforms.facts import InterfaceDescription, InterfaceState, PingResult


def _find(interfaces: list[InterfaceState], name: str) -> InterfaceState | None:
    return next((i for i in interfaces if same_interface(i.name, name)), None)


@check("intrapop_links")
def test_intrapop_links(
    device: Device,
    interfaces_state: list[InterfaceState],
    intrapop_pings: list[PingResult],
    verdict: Verdict,
) -> None:
    """Test IntraPOP Links (Schedule 2, line 1).

    Passes when every link of `intrapop.links` is up/up and a ping across it to the peer's
    address, sourced from the link (`intrapop.ping`: count 100, size 1500 by default),
    succeeds at least `intrapop.ping.min_success_percent` (default 100 %).
    Fails naming each link that is down (with its states) or whose ping fell short
    (received of sent).
    """
    links = device.intrapop.links
    if not links:
        raise Undecidable(
            f"the inventory lists no intra-POP links for {device.name}: add intrapop.links, "
            "or list intrapop_links under not_applicable with a reason"
        )
    minimum = device.intrapop.ping.min_success_percent
    for link, ping in zip(links, intrapop_pings, strict=True):
        state = _find(interfaces_state, link.interface)
        where = f"{link.interface} to {link.peer}"
        if state is None:
            verdict.fail(f"{where}: no interface {link.interface} on the router")
            continue
        verdict.expect(
            state.up_up,
            ok=f"{where} is up/up",
            fail=f"{where} is {state.link}/{state.protocol}, expected up/up",
        )
        verdict.expect(
            ping.success_percent >= minimum,
            ok=f"{where}: ping {ping.target} "
            f"{ping.received}/{ping.sent} ({ping.success_percent} %)",
            fail=f"{where}: ping {ping.target} {ping.received}/{ping.sent} "
            f"({ping.success_percent} %), minimum {minimum} %",
        )


@check("ip_connectivity")
def test_ip_connectivity(
    device: Device, connectivity_pings: list[PingResult], verdict: Verdict
) -> None:
    """Verify IP connectivity (Schedule 2, line 4).

    Passes when a ping sourced from the loopback (`loopback`, default Loopback0) to every
    target of `connectivity.targets` (the customer's POP, the DNAC, NOC hosts) succeeds at
    least `connectivity.ping.min_success_percent` (default 100 %; count 5, size 100).
    Fails naming each target that fell short, with received of sent.
    """
    targets = device.connectivity.targets
    if not targets:
        raise Undecidable(
            f"the inventory lists no connectivity targets for {device.name}: add "
            "connectivity.targets, or list ip_connectivity under not_applicable with a reason"
        )
    minimum = device.connectivity.ping.min_success_percent
    for target, ping in zip(targets, connectivity_pings, strict=True):
        verdict.expect(
            ping.success_percent >= minimum,
            ok=f"{target.name} {target.address} from {ping.source}: "
            f"{ping.received}/{ping.sent} ({ping.success_percent} %)",
            fail=f"{target.name} {target.address} from {ping.source}: "
            f"{ping.received}/{ping.sent} ({ping.success_percent} %), minimum {minimum} %",
        )


@check("interfaces")
def test_interfaces(
    device: Device, interfaces_state: list[InterfaceState], verdict: Verdict
) -> None:
    """Verify all interfaces (Schedule 2, line 9).

    The interfaces in service are the loopback, the ordered ports, the intra-POP links, the
    ISIS interfaces and those listed in `interfaces.in_service`. Passes when each is up/up
    with input errors, CRC and output errors at most `interfaces.max_input_errors`,
    `max_crc`, `max_output_errors` (default 0 each); with `interfaces.unused: shutdown`,
    every other interface must also be administratively down.
    Fails naming each interface that is missing, not up/up (with its states), over a
    counter threshold (counter, value and threshold), or unused but not shut down.
    """
    policy = device.interfaces
    wanted = [device.loopback, *(p.interface for p in device.ports)]
    wanted += [link.interface for link in device.intrapop.links]
    wanted += device.isis.interfaces if device.isis else []
    wanted += policy.in_service
    in_service = list(dict.fromkeys(wanted))
    keys = {interface_key(name) for name in in_service}
    unknown = []  # in-service interfaces whose error counters the output does not give
    for name in in_service:
        state = _find(interfaces_state, name)
        if state is None:
            verdict.fail(f"{name}: no such interface on the router", subject=name)
            continue
        problems = []
        missing = []
        if not state.up_up:
            problems.append(f"{state.link}/{state.protocol}, expected up/up")
        for counter, value, limit in (
            ("input errors", state.input_errors, policy.max_input_errors),
            ("CRC", state.crc, policy.max_crc),
            ("output errors", state.output_errors, policy.max_output_errors),
        ):
            if value is None:
                missing.append(counter)
            elif value > limit:
                problems.append(f"{value} {counter} (maximum {limit})")
        if problems:
            verdict.fail(f"{name}: " + "; ".join(problems), subject=name)
        elif missing:
            unknown.append(f"{name}: the output of 'show interfaces' gives no {missing[0]} count")
        else:
            verdict.ok(f"{name} up/up, no errors over threshold", subject=name)
    if policy.unused == "shutdown":
        for state in interfaces_state:
            if interface_key(state.name) not in keys and not state.admin_down:
                verdict.fail(f"{state.name} is not in service but {state.link}, expected shutdown")
    if unknown and not verdict.failures:
        # A definite failure elsewhere fails the check; otherwise it cannot be decided.
        raise Undecidable(
            "; ".join(unknown) + " for it (damaged, or a format the template does not know); "
            "open the evidence file"
        )


@check("interface_descriptions")
def test_interface_descriptions(
    device: Device, descriptions: list[InterfaceDescription], verdict: Verdict
) -> None:
    """Updated interface description (Schedule 2, line 20).

    Passes when the description of every ordered port (`ports`) is exactly the agreed
    format `descriptions.format` (default "{order} {customer}") filled in with that port's
    order, customer, speed and interface.
    Fails naming each port whose description is missing or differs (expected and found).
    """
    if not device.ports:
        raise Undecidable(
            f"the inventory lists no ordered ports for {device.name}: add ports, or list "
            "interface_descriptions under not_applicable with a reason"
        )
    for port in device.ports:
        expected = device.descriptions.format.format(
            order=port.order, customer=port.customer, speed=port.speed, interface=port.interface
        )
        row = next((d for d in descriptions if same_interface(d.interface, port.interface)), None)
        if row is None:
            verdict.fail(
                f"{port.interface} (order {port.order}): no such interface on the router",
                subject=port.interface,
            )
            continue
        verdict.expect(
            row.description.strip() == expected,
            ok=f"{port.interface}: {expected!r}",
            fail=f"{port.interface} (order {port.order}): description "
            f"{row.description.strip() or '(none)'!r}, expected {expected!r}",
            subject=port.interface,
        )
