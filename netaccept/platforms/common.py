"""Builders the Cisco platforms share: the parsed rows of like outputs into typed facts.

IOS and IOS-XR print many tables alike (show version, show inventory, BGP summaries, ISIS
neighbours, dir, ping, IP SLA, show logging with show clock); a platform's recipes name its
own commands and templates and use these builders for the rows. Each raises `ParseError`
(through the recipe) on rows that are not in the expected form, so a check says error, never
crashes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from netaccept.core.asnumbers import asplain as asn
from netaccept.core.verdicts import Undecidable
from netaccept.inventory import Device, Ping, Software
from netaccept.platforms.config import Config
from netaccept.platforms.configuration import LogTimeConfig
from netaccept.platforms.facts import (
    SEVERITY_NAMES,
    BgpSession,
    Chassis,
    Directory,
    FileDigest,
    InterfaceDescription,
    IsisAdjacency,
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
    """`show version`'s one record. The image is unknown (empty) where no `System image file`
    line is printed: IOS's "Running default software", 64-bit IOS-XR (see its recipe)."""
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
        image_unknown="" if row["IMAGE"] else "show version prints no system image file",
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


def bgp_sessions(rows: list[Row], _device: Device) -> list[BgpSession]:
    """A BGP summary's rows (own templates, IOS and IOS-XR alike), one per neighbour and family.

    The AS is read in asplain or asdot, IPv6 addresses are compared in canonical form, and
    IOS-XR's "!" (an eBGP session without policy) does not hide an established count ("0!").
    """
    sessions = []
    for r in rows:
        state = str(r["STATE_OR_PREFIXES_RECEIVED"])
        if not r["NEIGHBOR_AS"] or not state:
            raise ParseError(f"BGP neighbour {r['BGP_NEIGHBOR']} has no row after its address")
        sessions.append(
            BgpSession(
                neighbor=ipaddress.ip_address(r["BGP_NEIGHBOR"]).compressed,
                remote_as=asn(r["NEIGHBOR_AS"]),
                up_down=r["UP_DOWN"],
                state=state,
                prefixes=int_or_none(state.removesuffix("!")),
                address_family=r["ADDRESS_FAMILY"],
            )
        )
    return sessions


def isis_adjacencies(rows: list[Row], _device: Device) -> list[IsisAdjacency]:
    """An ISIS neighbour table's rows, each whole (a wrapped system id has the rest of its row)."""
    adjacencies = []
    for r in rows:
        if not (r["INTERFACE"] and r["TYPE"] and r["STATE"]):
            raise ParseError(f"ISIS neighbour {r['SYSTEM_ID']} has no row after its system id")
        adjacencies.append(IsisAdjacency(r["SYSTEM_ID"], r["INTERFACE"], r["TYPE"], r["STATE"]))
    return adjacencies


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


def image_file(device: Device) -> str:
    """The approved image as a file on flash; Undecidable when it names a package."""
    software = approved(device)
    if not software.is_file:
        raise Undecidable(
            f"software.image {software.image} of {device.name} names a package (64-bit "
            "IOS-XR's boot image), not a file on flash: the flash check needs a file; list "
            "flash under not_applicable with that reason"
        )
    return software.image


def dir_path(device: Device) -> str:
    image_file(device)
    software = approved(device)
    return software.filesystem + software.directory


def md5(rows: list[Row], device: Device) -> FileDigest:
    row = one_row(rows, "MD5")
    return FileDigest(image_file(device), str(row["MD5"]).lower())


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


def probes(parsed: list[Any], _device: Device) -> list[ProbeResult]:
    """The probes' statistics, each latest operation's age read against `show clock`."""
    rows, clock_rows = parsed
    clock = _clock(clock_rows)
    zone = str(one_row(clock_rows, "clock").get("TIMEZONE") or "")
    return [
        ProbeResult(
            id=int(r["ID"]),
            return_code=r["RETURN_CODE"],
            latest_rtt_ms=int(r["LATEST_RTT"])
            if str(r.get("LATEST_RTT") or "").isdigit()
            else None,
            state=r.get("STATE", "") or "",
            latest_start=str(r.get("START_TIME") or ""),
            age_seconds=_age(str(r.get("START_TIME") or ""), clock, zone),
        )
        for r in rows
        if str(r.get("ID") or "").isdigit()
    ]


_SLA_TIME = re.compile(
    r"[*.]?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s+(\S+)\s+\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{4})"
)


def _age(start: str, clock: datetime, zone: str) -> int | None:
    """Seconds from `start` ("09:59:22.415 UTC Sun Nov 22 2026") to the clock, if in its zone."""
    match = _SLA_TIME.fullmatch(start.strip())
    if match is None or match.group(4).lower() != zone.lower():
        return None
    hour, minute, second, _, month, day, year = match.groups()
    started = datetime(
        int(year), _MONTHS[month[:3].lower()], int(day), int(hour), int(minute), int(second)
    )
    return max(0, int((clock - started).total_seconds()))


def _clock(rows: list[Row]) -> datetime:
    row = one_row(rows, "clock")
    hms = str(row["TIME"]).split(".")[0]
    hour, minute, second = (int(x) for x in hms.split(":"))
    month = _MONTHS[str(row["MONTH"])[:3].lower()]
    # Local time, naive: the clock's zone is the row's TIMEZONE.
    return datetime(int(row["YEAR"]), month, int(row["DAY"]), hour, minute, second)


# In the clock's time base a stamp is after the clock only when the message came between
# `show clock` and `show logging`, or in the wider reading of stamps whose time base the
# configuration does not give: one more than a day ahead is last year's.
_AHEAD = timedelta(days=1)


def _stamp(row: Row, clock: datetime, shifts: list[timedelta]) -> datetime | None:
    """The message's time in the clock's time base: the latest of its possible readings."""
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
    when = max(stamp + shift for shift in shifts)
    if not row.get("YEAR") and when > clock + _AHEAD:
        # No year printed: December's messages read in January.
        when = stamp.replace(year=clock.year - 1) + (when - stamp)
    return when


def logs(
    time_base: Callable[[Config], LogTimeConfig],
) -> Callable[[list[Any], Device], LogFacts]:
    """The log buffer's builder for a platform whose configuration `time_base` reads.

    Its sources: `show logging` read for its messages and for its buffer line, `show clock`
    and `show running-config` (the clock's time zone and the stamps' time base).
    """

    def build(parsed: list[Any], _device: Device) -> LogFacts:
        log_rows, buffer_rows, clock_rows, config = parsed
        clock = _clock(clock_rows)
        zone = str(one_row(clock_rows, "clock").get("TIMEZONE") or "")
        shifts = time_base(config).stamp_shifts(zone)
        if shifts is None:
            if any(r.get("MONTH") for r in log_rows):
                raise Undecidable(
                    f"the log stamps are (or may be) in UTC and the clock shows {zone}, whose "
                    "offset from UTC the running configuration does not give (clock timezone "
                    "with hours, clock summer-time): the messages cannot be read against the "
                    "clock; add 'localtime' to service timestamps log datetime, or give the "
                    "offset"
                )
            shifts = [timedelta(0)]  # no dated message: nothing to put in a time base
        return LogFacts(
            clock=clock,
            messages=[_message(r, clock, shifts) for r in log_rows],
            buffer_level=_buffer_level(buffer_rows),
        )

    return build


def _message(row: Row, clock: datetime, shifts: list[timedelta]) -> LogMessage:
    text = row.get("MESSAGE") or ""
    more = row.get("CONTINUATION") or []
    severity = str(row.get("SEVERITY") or "")
    return LogMessage(
        when=_stamp(row, clock, shifts),
        facility=str(row.get("FACILITY") or ""),
        severity=int(severity) if severity.isdigit() else None,
        mnemonic=str(row.get("MNEMONIC") or ""),
        text=" ".join([text if isinstance(text, str) else " ".join(text), *more]).strip(),
    )


def _buffer_level(rows: list[Row]) -> int | None:
    """`Buffer logging: level warnings` as 4; None for `Buffer logging: disabled`."""
    row = one_row(rows, "Buffer logging")
    return None if row["STATE"] else SEVERITY_NAMES.index(str(row["LEVEL"]))


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
