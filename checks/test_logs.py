"""Logs: Schedule 2 line 19 (Examine Logs)."""

from __future__ import annotations

import re
from datetime import timedelta

from netaccept.check import check
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device
from netaccept.platforms.facts import SEVERITY_NAMES, LogFacts, LogMessage

# Messages that mean a crash or a flap whatever their severity.
_ALWAYS = re.compile(r"traceback|crashinfo|%SYS-\d-(RESTART|MALLOCFAIL)|CPUHOG", re.I)
# An ordered port going down is logged as %LINK-3-UPDOWN: severity 3 at least must be kept.
_PORT_DOWN_SEVERITY = 3


@check("logs")
def test_logs(device: Device, logs: LogFacts, verdict: Verdict) -> None:
    """Examine Logs (Schedule 2, line 19).

    Reads the log buffer against the router's own clock, in one time base: stamps in UTC
    (`service timestamps log datetime` without `localtime`) are read in the clock's zone by
    its `clock timezone` / `clock summer-time` offset; where the configuration does not say
    which (IOS-XR without `service timestamps log`), a message is in the window when either
    reading puts it there.
    Passes when no message of the last `logs.window_hours` (default 24) has a severity at or
    above `logs.max_severity` (0 emergencies ... 7 debugging; default 3, errors), nor
    mentions a traceback, crash or CPU hog, other than messages matching a regular
    expression of `logs.allow`; and when no message in the window reports an ordered port
    going down (which `logs.allow` never exempts).
    Fails listing each offending message with its time and tag. A message whose time cannot
    be read counts as inside the window. An error, never a pass, when `show logging` is not
    a log buffer (an authorization failure), when buffer logging is disabled or keeps fewer
    levels than the check looks for (down to `logs.max_severity`, and errors where there are
    ordered ports: `%LINK-3-UPDOWN`), or when the stamps are in UTC and the clock's offset
    cannot be told.
    """
    policy = device.logs
    _buffer_keeps(max(policy.max_severity, _PORT_DOWN_SEVERITY if device.ports else 0), logs)
    since = logs.clock - timedelta(hours=policy.window_hours)
    allowed = [re.compile(pattern) for pattern in policy.allow]
    examined = 0
    for message in logs.messages:
        if message.when is not None and message.when < since:
            continue
        examined += 1
        why, subject = _offence(device, message, allowed)
        if why:
            when = message.when.isoformat(sep=" ") if message.when else "(no time)"
            verdict.fail(f"{when} {message.tag}: {message.text} ({why})", subject=subject)
    if not verdict.failures:
        verdict.ok(
            f"{examined} messages in the last {policy.window_hours} h before "
            f"{logs.clock.isoformat(sep=' ')}, none at severity {policy.max_severity} or above"
        )


def _buffer_keeps(severity: int, logs: LogFacts) -> None:
    """Undecidable unless the log buffer keeps messages of `severity` (and all above it)."""
    wanted = f"{SEVERITY_NAMES[severity]} ({severity})"
    if logs.buffer_level is None:
        raise Undecidable(
            "buffer logging is disabled ('Buffer logging: disabled'): the router keeps no "
            f"messages to examine; set logging buffered to {wanted} or a more verbose level"
        )
    if logs.buffer_level < severity:
        kept = f"{SEVERITY_NAMES[logs.buffer_level]} ({logs.buffer_level})"
        raise Undecidable(
            f"the log buffer keeps only messages of level {kept} and above: messages of "
            f"{wanted} are not kept, so none could be examined; set logging buffered to "
            f"{SEVERITY_NAMES[severity]} or a more verbose level"
        )


def _offence(
    device: Device, message: LogMessage, allowed: list[re.Pattern[str]]
) -> tuple[str | None, str | None]:
    """Why `message` fails the check (and the ordered port it names), or (None, None)."""
    flapped = [
        p.interface
        for p in device.ports
        if re.search(r"UPDOWN|CHANGED", message.mnemonic)
        and re.search(rf"\b{re.escape(p.interface)}\b.*\bdown\b", message.text, re.I)
    ]
    if flapped:
        # An allow-list entry is for noise; an ordered port going down is never noise.
        return "ordered port down", flapped[0]
    line = f"{message.tag}: {message.text}"
    if any(a.search(line) for a in allowed):
        return None, None
    if message.severity is not None and message.severity <= device.logs.max_severity:
        return "severity", None
    return ("crash", None) if _ALWAYS.search(line) else (None, None)
