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
    IOS-XR `schedule operation` with a start time) for good (`life forever`: without it the
    probe stops an hour after it starts).
    Fails naming each probe that is missing, unscheduled, scheduled for a limited life, or
    configured differently (expected and found).
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
        elif found.life_seconds is not None:
            problems.append(
                f"scheduled with a life of {found.life_seconds} s: it stops running "
                f"{found.life_seconds} s after it starts, expected life forever"
            )
        if problems:
            verdict.fail(f"probe {probe.id}: " + "; ".join(problems))
        else:
            verdict.ok(
                f"probe {probe.id} {probe.type} to {probe.target} "
                f"every {probe.frequency} s, scheduled for good"
            )


@check("rpms_test")
def test_rpms_test(device: Device, probe_results: list[ProbeResult], verdict: Verdict) -> None:
    """Test RPMS (Schedule 2, line 3).

    Reads IOS `show ip sla statistics`, or `show rtr operational-state` when `rpms.cli` is
    `rtr` (classic 12.0S images), and IOS-XR `show ipsla statistics`, with `show clock`.
    Passes when every probe of `rpms.probes` is running - its latest operation started at
    most three of its periods (`frequency`, and at least a minute past one period) before
    the router's clock, and its state, where the router prints one, is Active - and that
    operation has return code OK and a latest RTT at most its `rtt_max_ms` (default
    `rpms.rtt_max_ms`, 100 ms).
    Fails naming each probe with no result, a failed return code (as the router says it),
    an RTT over the threshold, or that is not running (its state, or the age of its latest
    operation). An error when a latest start time cannot be read against the clock.
    """
    _expected(device, "rpms_test")
    results = {r.id: r for r in probe_results}
    unknown = []
    for probe in device.rpms.probes:
        result = results.get(probe.id)
        limit = probe.rtt_max_ms or device.rpms.rtt_max_ms
        if result is None:
            verdict.fail(f"probe {probe.id} has no statistics on the router")
            continue
        problems = [*_latest(result, limit), *_not_running(result, probe.frequency)]
        if problems:
            verdict.fail(f"probe {probe.id} " + "; ".join(problems))
        elif result.age_seconds is None:
            unknown.append(f"probe {probe.id} (latest start {result.latest_start or 'not given'})")
        else:
            verdict.ok(
                f"probe {probe.id} OK, RTT {result.latest_rtt_ms} ms (maximum {limit} ms), "
                f"latest operation {_duration(result.age_seconds)} ago"
            )
    if unknown and not verdict.failures:
        raise Undecidable(
            "the latest operation's start time cannot be read against the router's clock "
            f"for {', '.join(unknown)}: it cannot be told whether the probe still runs"
        )


def _latest(result: ProbeResult, limit: int) -> list[str]:
    """What is wrong with the latest operation's outcome."""
    if not result.ok:
        return [f"latest return code {result.return_code}, expected OK"]
    if result.latest_rtt_ms is None:
        return ["reports no latest RTT"]
    if result.latest_rtt_ms > limit:
        return [f"RTT {result.latest_rtt_ms} ms, maximum {limit} ms"]
    return []


def _not_running(result: ProbeResult, frequency: int) -> list[str]:
    """Why the probe is not running: its state, or a latest operation older than a few periods.

    A probe without `life forever` stops an hour after it starts and keeps showing its last
    (successful) operation, weeks old.
    """
    problems = []
    if result.state and result.state.lower() != "active":
        problems.append(f"is {result.state}, expected Active")
    age = result.age_seconds
    if age is not None and age > max(3 * frequency, frequency + 60):
        problems.append(
            f"latest operation started {result.latest_start}, {_duration(age)} before the "
            f"router's clock: more than three of its {frequency} s periods, it is not running"
        )
    return problems


def _duration(seconds: int) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
