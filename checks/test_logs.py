"""Logs: Schedule 2 line 19 (Examine Logs)."""

from __future__ import annotations

import re
from datetime import timedelta

from netaccept.check import check
from netaccept.core.verdicts import Verdict
from netaccept.inventory import Device
from netaccept.platforms.facts import LogFacts

# Messages that mean a crash or a flap whatever their severity.
_ALWAYS = re.compile(r"traceback|crashinfo|%SYS-\d-(RESTART|MALLOCFAIL)|CPUHOG", re.I)


@check("logs")
def test_logs(device: Device, logs: LogFacts, verdict: Verdict) -> None:
    """Examine Logs (Schedule 2, line 19).

    Reads the log buffer against the router's own clock. Passes when no message of the last
    `logs.window_hours` (default 24) has a severity at or above `logs.max_severity`
    (0 emergencies ... 7 debugging; default 3, errors), nor mentions a traceback, crash or
    CPU hog, other than messages matching a regular expression of `logs.allow`; and when no
    message in the window reports an ordered port going down.
    Fails listing each offending message with its time and tag. A message whose time cannot
    be read counts as inside the window.
    """
    policy = device.logs
    since = logs.clock - timedelta(hours=policy.window_hours)
    allowed = [re.compile(pattern) for pattern in policy.allow]
    ports = [p.interface for p in device.ports]
    examined = 0
    for message in logs.messages:
        if message.when is not None and message.when < since:
            continue
        examined += 1
        line = f"{message.tag}: {message.text}"
        if any(a.search(line) for a in allowed):
            continue
        when = message.when.isoformat(sep=" ") if message.when else "(no time)"
        severe = message.severity is not None and message.severity <= policy.max_severity
        crash = bool(_ALWAYS.search(line))
        flapped = [
            p
            for p in ports
            if re.search(r"UPDOWN|CHANGED", message.mnemonic)
            and re.search(rf"\b{re.escape(p)}\b.*\bdown\b", message.text, re.I)
        ]
        if severe or crash or flapped:
            why = "severity" if severe else "crash" if crash else "ordered port down"
            subject = flapped[0] if flapped else None
            verdict.fail(f"{when} {line} ({why})", subject=subject)
    if not verdict.failures:
        verdict.ok(
            f"{examined} messages in the last {policy.window_hours} h before "
            f"{logs.clock.isoformat(sep=' ')}, none at severity {policy.max_severity} or above"
        )
