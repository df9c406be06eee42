"""Performance monitoring probes ("RPMS"): Schedule 2 lines 2 and 3.

"RPMS" is not defined in the contract; it is read here as the response-time probes that
the customer's performance monitoring polls: Cisco IP SLA (formerly RTR/SAA). Both the
`ip sla` and the classic 12.0S `rtr` configuration are read; IOS-XR uses `ipsla`.
"""

from __future__ import annotations

from netaccept.check import check
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device
from netaccept.platforms.configuration import ProbeConfig
from netaccept.platforms.facts import ProbeResult


def _expected(device: Device, check_id: str) -> None:
    if not device.rpms.probes:
        raise Undecidable(
            f"the inventory lists no probes for {device.name}: add rpms.probes, or list "
            f"{check_id} under not_applicable with a reason"
        )


@check("rpms_config")
def test_rpms_config(device: Device, probes_config: list[ProbeConfig], verdict: Verdict) -> None:
    """Verify RPMS configurations (Schedule 2, line 2).

    Passes when every probe of `rpms.probes` is configured with its id, type (icmp-echo),
    target and frequency, and is scheduled to run (`ip sla schedule` / `rtr schedule` /
    IOS-XR `schedule operation` with a start time).
    Fails naming each probe that is missing, unscheduled, or configured differently
    (expected and found).
    """
    _expected(device, "rpms_config")
    configured = {p.id: p for p in probes_config}
    for probe in device.rpms.probes:
        found = configured.get(probe.id)
        if found is None:
            verdict.fail(f"probe {probe.id} ({probe.type} to {probe.target}) is not configured")
            continue
        problems = []
        if found.kind != probe.type:
            problems.append(f"type {found.kind}, expected {probe.type}")
        if found.target != str(probe.target):
            problems.append(f"target {found.target or '(none)'}, expected {probe.target}")
        if found.frequency != probe.frequency:
            problems.append(f"frequency {found.frequency} s, expected {probe.frequency} s")
        if not found.scheduled:
            problems.append("not scheduled")
        if problems:
            verdict.fail(f"probe {probe.id}: " + "; ".join(problems))
        else:
            verdict.ok(
                f"probe {probe.id} {probe.type} to {probe.target} "
                f"every {probe.frequency} s, scheduled"
            )


@check("rpms_test")
def test_rpms_test(device: Device, probe_results: list[ProbeResult], verdict: Verdict) -> None:
    """Test RPMS (Schedule 2, line 3).

    Reads IOS `show ip sla statistics`, or `show rtr operational-state` when `rpms.cli` is
    `rtr` (classic 12.0S images), and IOS-XR `show ipsla statistics`. Passes when every
    probe of `rpms.probes` reports a latest operation with return code OK and a latest RTT
    at most its `rtt_max_ms` (default `rpms.rtt_max_ms`, 100 ms).
    Fails naming each probe with no result, a failed return code (as the router says it),
    or an RTT over the threshold.
    """
    _expected(device, "rpms_test")
    results = {r.id: r for r in probe_results}
    for probe in device.rpms.probes:
        result = results.get(probe.id)
        limit = probe.rtt_max_ms or device.rpms.rtt_max_ms
        if result is None:
            verdict.fail(f"probe {probe.id} has no statistics on the router")
        elif not result.ok:
            verdict.fail(f"probe {probe.id} latest return code {result.return_code}, expected OK")
        elif result.latest_rtt_ms is None:
            verdict.fail(f"probe {probe.id} reports no latest RTT")
        else:
            verdict.expect(
                result.latest_rtt_ms <= limit,
                ok=f"probe {probe.id} OK, RTT {result.latest_rtt_ms} ms (maximum {limit} ms)",
                fail=f"probe {probe.id} RTT {result.latest_rtt_ms} ms, maximum {limit} ms",
            )
