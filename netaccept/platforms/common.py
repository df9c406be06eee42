"""Builders the Cisco platforms share: the parsed rows of like outputs into typed facts.

IOS and IOS-XR print many tables alike (show version, show inventory, dir, ping, IP SLA,
show logging with show clock); a platform's recipes name its own commands and templates and
use these builders for the rows. Each raises `ParseError` (through the recipe) on rows that
are not in the expected form, so a check says error, never crashes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from netaccept.core.verdicts import Undecidable
from netaccept.inventory import Device, Ping, Software
from netaccept.platforms.facts import (
    Chassis,
    Directory,
    FileDigest,
    InterfaceDescription,
    LogFacts,
    LogMessage,
    PingResult,
    ProbeResult,
    Recipe,
    SoftwareFacts,
    each,
)
from netaccept.platforms.parsing import ParseError, Row

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip


def one_row(rows: list[Row], what: str) -> Row:
    if len(rows) != 1:
        raise ParseError(f"expected one {what} record, found {len(rows)}")
    return rows[0]


def approved(device: Device) -> Software:
    if device.software is None:
        raise Undecidable(
            f"the inventory gives no approved software for {device.name}: set software.version "
            "and software.image (and software.md5) on the device, its site or group, or defaults"
        )
    return device.software


def software(rows: list[Row], _device: Device) -> SoftwareFacts:
    row = one_row(rows, "show version")
    if not row["VERSION"]:
        raise ParseError("show version has no software version line")
    return SoftwareFacts(
        hostname=row["HOSTNAME"],
        version=row["VERSION"],
        image=row["IMAGE"],
        model=row["MODEL"],
        processor_board_id=row.get("PROCESSOR_BOARD_ID", ""),
        uptime=row["UPTIME"],
        memory_kb=_kilobytes(row.get("MEMORY_KB") or row.get("MEMORY") or ""),
    )


def _kilobytes(text: str) -> int | None:
    """`2097152`, `2097152K`, `2048M` or `64GB` as kilobytes; None when absent."""
    match = re.fullmatch(r"(\d+)\s*([KMG]?)B?", text.strip(), re.I)
    if not match:
        return None
    scale = {"": 1, "K": 1, "M": 1024, "G": 1024 * 1024}[match.group(2).upper()]
    return int(match.group(1)) * scale


def chassis(rows: list[Row], _device: Device) -> Chassis:
    if not rows:
        raise ParseError("show inventory lists no equipment")
    # The chassis is listed first; prefer an entry that says so.
    chosen = next(
        (r for r in rows if re.search(r"chassis|rack", r["NAME"], re.I)),
        rows[0],
    )
    return Chassis(chosen["NAME"], chosen["DESCR"], chosen["PID"], chosen["SN"])


def int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def directory(rows: list[Row], device: Device) -> Directory:
    if not rows:
        raise ParseError("dir printed no listing")
    totals = [r for r in rows if r.get("TOTAL_SIZE") and r.get("TOTAL_FREE")]
    if not totals:
        raise ParseError("dir printed no 'bytes total (bytes free)' line")
    # Linux-based IOS-XR counts the totals in kbytes; IOS and classic IOS-XR in bytes.
    multiplier = 1024 if totals[-1].get("UNIT") == "kbytes" else 1
    files = {r["NAME"]: int(r["SIZE"]) for r in rows if r.get("NAME") and r.get("SIZE")}
    return Directory(
        path=dir_path(device),
        files=files,
        total_bytes=int(totals[-1]["TOTAL_SIZE"]) * multiplier,
        free_bytes=int(totals[-1]["TOTAL_FREE"]) * multiplier,
    )


def dir_path(device: Device) -> str:
    software = approved(device)
    return software.filesystem + software.directory


def md5(rows: list[Row], device: Device) -> FileDigest:
    row = one_row(rows, "MD5")
    return FileDigest(approved(device).image, str(row["MD5"]).lower())


def num(row: Row, key: str) -> int:
    value = str(row.get(key) or "0")
    return int(value) if value.isdigit() else 0


def count(row: Row, key: str) -> int | None:
    """A counter the template read, or None where the output had none (never a made-up 0)."""
    return int_or_none(str(row.get(key) or ""))


def descriptions(rows: list[Row], _device: Device) -> list[InterfaceDescription]:
    return [
        InterfaceDescription(
            interface=r.get("PORT") or r.get("INTERFACE") or "",
            status=r["STATUS"],
            protocol=r["PROTOCOL"],
            description=r["DESCRIPTION"],
        )
        for r in rows
    ]


def pings(
    commands: Callable[[Device], list[str]],
) -> Callable[[list[Any], Device], list[PingResult]]:
    def build(parsed: list[Any], device: Device) -> list[PingResult]:
        results = []
        for command, rows in zip(commands(device), parsed, strict=True):
            row = one_row(rows, "ping summary")
            if not str(row.get("SUCCESS_PCT") or "").isdigit():
                raise ParseError(f"{command!r} printed no 'Success rate' line")
            words = command.split()
            results.append(
                PingResult(
                    command=command,
                    target=words[1],
                    source=words[-1],
                    sent=num(row, "SENT_QTY"),
                    received=num(row, "SUCCESS_QTY"),
                    success_percent=num(row, "SUCCESS_PCT"),
                    rtt_avg_ms=int(row["RTT_AVG"])
                    if str(row.get("RTT_AVG") or "").isdigit()
                    else None,
                )
            )
        return results

    return build


def probes(rows: list[Row], _device: Device) -> list[ProbeResult]:
    return [
        ProbeResult(
            id=int(r["ID"]),
            return_code=r["RETURN_CODE"],
            latest_rtt_ms=int(r["LATEST_RTT"])
            if str(r.get("LATEST_RTT") or "").isdigit()
            else None,
            state=r.get("STATE", "") or "",
        )
        for r in rows
        if str(r.get("ID") or "").isdigit()
    ]


def _clock(rows: list[Row]) -> datetime:
    row = one_row(rows, "clock")
    hms = str(row["TIME"]).split(".")[0]
    hour, minute, second = (int(x) for x in hms.split(":"))
    month = _MONTHS[str(row["MONTH"])[:3].lower()]
    # The clock's time zone is the one the log timestamps use too: compare them as naive times.
    return datetime(int(row["YEAR"]), month, int(row["DAY"]), hour, minute, second)


def _stamp(row: Row, clock: datetime) -> datetime | None:
    month_name = str(row.get("MONTH") or "")[:3].lower()
    time = str(row.get("TIME") or "")
    if month_name not in _MONTHS or not str(row.get("DAY") or "").isdigit() or not time:
        return None
    parts = [int(x) for x in time.split(".")[0].split(":")]
    while len(parts) < 3:
        parts.append(0)
    month = _MONTHS[month_name]
    year = int(row["YEAR"]) if str(row.get("YEAR") or "").isdigit() else clock.year
    hour, minute, second = parts[:3]
    stamp = datetime(year, month, int(row["DAY"]), hour, minute, second)
    if not row.get("YEAR") and stamp > clock:
        stamp = stamp.replace(year=clock.year - 1)  # no year printed: December logs in January
    return stamp


def logs(parsed: list[Any], _device: Device) -> LogFacts:
    log_rows, clock_rows = parsed
    clock = _clock(clock_rows)
    messages = []
    for r in log_rows:
        text = r.get("MESSAGE") or ""
        more = r.get("CONTINUATION") or []
        severity = str(r.get("SEVERITY") or "")
        messages.append(
            LogMessage(
                when=_stamp(r, clock),
                facility=str(r.get("FACILITY") or ""),
                severity=int(severity) if severity.isdigit() else None,
                mnemonic=str(r.get("MNEMONIC") or ""),
                text=" ".join([text if isinstance(text, str) else " ".join(text), *more]).strip(),
            )
        )
    return LogFacts(clock=clock, messages=messages)


def ping_recipe(
    reader: str, repeat: str, plan: Callable[[Device], tuple[Ping, list[tuple[str, str]]]]
) -> Recipe[list[PingResult]]:
    """Pings of the `(target, source)` pairs of `plan`; `repeat` is how the platform says count."""

    def commands(device: Device) -> list[str]:
        ping, pairs = plan(device)
        return [
            f"ping {target} {repeat} {ping.count} size {ping.size} source {source}"
            for target, source in pairs
        ]

    return each(commands, reader, pings(commands))


def intrapop_targets(device: Device) -> tuple[Ping, list[tuple[str, str]]]:
    """Each intra-POP link's peer address, pinged from the link itself."""
    pairs = [(str(link.peer_address), link.interface) for link in device.intrapop.links]
    return device.intrapop.ping, pairs


def connectivity_targets(device: Device) -> tuple[Ping, list[tuple[str, str]]]:
    """Each connectivity target, pinged from the loopback."""
    return device.connectivity.ping, [
        (str(t.address), device.loopback) for t in device.connectivity.targets
    ]
