"""Facts: typed things a check can ask for, and how each is obtained on each platform.

A fact names the command to run (in the platform's own syntax, possibly built from the
device's inventory values), the TextFSM template that parses it, and how the parsed rows
become a typed value. Checks request facts by name as pytest fixtures; the plugin
collects the commands of every selected check before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from netaccept.core.catalogue import Platform
from netaccept.core.verdicts import Undecidable
from netaccept.inventory import Device, Software
from netaccept.platforms import configuration
from netaccept.platforms.config import Config
from netaccept.platforms.parsing import ParseError, Row

T = TypeVar("T")


# ---------------------------------------------------------------- the facts themselves


@dataclass(frozen=True)
class SoftwareFacts:
    """What `show version` says about the running software and the route processor."""

    hostname: str
    version: str
    image: str
    model: str
    processor_board_id: str
    uptime: str
    memory_kb: int | None


@dataclass(frozen=True)
class Chassis:
    """The chassis entry of `show inventory`: the equipment's identity for the certificate."""

    name: str
    description: str
    pid: str
    serial: str


@dataclass(frozen=True)
class BgpSession:
    neighbor: str
    remote_as: int
    up_down: str
    state: str
    prefixes: int | None

    @property
    def established(self) -> bool:
        return self.prefixes is not None


@dataclass(frozen=True)
class IsisAdjacency:
    system_id: str
    interface: str
    level: str
    state: str

    @property
    def up(self) -> bool:
        return self.state.lower() == "up"

    @property
    def levels(self) -> set[str]:
        """`{"L1", "L2"}` for an L1L2 adjacency."""
        return {f"L{n}" for n in self.level.removeprefix("L").split("L") if n}


@dataclass(frozen=True)
class Directory:
    """A `dir` listing: the files in one folder and the file system's space."""

    path: str
    files: Mapping[str, int]
    total_bytes: int
    free_bytes: int


@dataclass(frozen=True)
class FileDigest:
    path: str
    md5: str


@dataclass(frozen=True)
class InterfaceState:
    """One interface of `show interfaces`."""

    name: str
    link: str
    protocol: str
    description: str
    address: str
    # None: the output gave no such counter for this interface (the check cannot judge it).
    input_errors: int | None
    crc: int | None
    output_errors: int | None

    @property
    def up_up(self) -> bool:
        return self.link.lower() == "up" and self.protocol.lower() == "up"

    @property
    def admin_down(self) -> bool:
        return "administratively" in self.link.lower() or self.link.lower() == "admin-down"


@dataclass(frozen=True)
class InterfaceDescription:
    """One row of `show interfaces description`."""

    interface: str
    status: str
    protocol: str
    description: str


@dataclass(frozen=True)
class PingResult:
    """One ping test: where from, where to, and how it went."""

    command: str
    target: str
    source: str
    sent: int
    received: int
    success_percent: int
    rtt_avg_ms: int | None


@dataclass(frozen=True)
class ProbeResult:
    """The latest operation of one response-time probe (IP SLA / RTR)."""

    id: int
    return_code: str
    latest_rtt_ms: int | None
    state: str

    @property
    def ok(self) -> bool:
        return self.return_code.strip().lower() == "ok"


@dataclass(frozen=True)
class TacacsServerStats:
    """The counters of one TACACS+ server (`show tacacs`)."""

    address: str
    port: int
    packets_in: int
    packets_out: int
    failed_connects: int
    timeouts: int


@dataclass(frozen=True)
class MemoryFacts:
    """Route processor memory: processor pool (IOS) or application memory (IOS-XR)."""

    total_bytes: int
    free_bytes: int

    @property
    def free_percent(self) -> float:
        return 100.0 * self.free_bytes / self.total_bytes if self.total_bytes else 0.0


@dataclass(frozen=True)
class LogMessage:
    """One buffered log message."""

    when: datetime | None
    facility: str
    severity: int | None  # None for a message without a %FACILITY-SEVERITY-MNEMONIC code
    mnemonic: str
    text: str

    @property
    def tag(self) -> str:
        if self.severity is None:
            return "(no code)"
        return f"%{self.facility}-{self.severity}-{self.mnemonic}"


@dataclass(frozen=True)
class LogFacts:
    """The router's clock and its log buffer."""

    clock: datetime
    messages: list[LogMessage]


# ---------------------------------------------------------------- how facts are obtained


@dataclass(frozen=True)
class Source:
    """One command and the reader of its output: `ntc:NAME`, `own:NAME` or `config`."""

    command: str
    reader: str
    empty_ok: bool = False  # an empty table is a valid answer (an empty log buffer)


@dataclass(frozen=True)
class Recipe(Generic[T]):
    """How one platform yields a fact: its commands and readers, and how the results combine."""

    sources: Callable[[Device], list[Source]]
    build: Callable[[list[Any], Device], T]

    def __post_init__(self) -> None:
        object.__setattr__(self, "build", _decided(self.sources, self.build))


# What a builder raises when parsed rows lack a field or hold a value it cannot convert
# (a mangled number, a date out of range): the output is not what was expected.
_MALFORMED = (KeyError, ValueError, IndexError, TypeError, OverflowError, ZeroDivisionError)


def _decided(
    sources: Callable[[Device], list[Source]], build: Callable[[list[Any], Device], T]
) -> Callable[[list[Any], Device], T]:
    """`build`, raising ParseError for malformed rows: a check then says error, never crashes."""

    def guarded(parsed: list[Any], device: Device) -> T:
        try:
            return build(parsed, device)
        except _MALFORMED as exc:
            commands = ", ".join(repr(s.command) for s in sources(device))
            raise ParseError(
                f"the output of {commands} is not in the expected form "
                f"({type(exc).__name__}: {exc})"
            ) from None

    return guarded


def one(
    command: Callable[[Device], str], reader: str, build: Callable[[Any, Device], T]
) -> Recipe[T]:
    """A fact read from a single command."""
    return Recipe(lambda d: [Source(command(d), reader)], lambda parsed, d: build(parsed[0], d))


def each(
    commands: Callable[[Device], list[str]], reader: str, build: Callable[[list[Any], Device], T]
) -> Recipe[T]:
    """A fact read from several commands of the same kind (one ping per target, say)."""
    return Recipe(lambda d: [Source(c, reader) for c in commands(d)], build)


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A named fact with a recipe per supported platform."""

    name: str
    description: str
    recipes: Mapping[Platform, Recipe[T]]

    def recipe(self, platform: Platform) -> Recipe[T]:
        try:
            return self.recipes[platform]
        except KeyError:
            raise Undecidable(f"{self.description} is not implemented for {platform}") from None

    def sources(self, device: Device) -> list[Source]:
        return self.recipe(device.platform).sources(device)

    def commands(self, device: Device) -> list[str]:
        return [source.command for source in self.sources(device)]


def _one(rows: list[Row], what: str) -> Row:
    if len(rows) != 1:
        raise ParseError(f"expected one {what} record, found {len(rows)}")
    return rows[0]


def _approved(device: Device) -> Software:
    if device.software is None:
        raise Undecidable(
            f"the inventory gives no approved software for {device.name}: set software.version "
            "and software.image (and software.md5) on the device, its site or group, or defaults"
        )
    return device.software


def _software(rows: list[Row], _device: Device) -> SoftwareFacts:
    row = _one(rows, "show version")
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


def _chassis(rows: list[Row], _device: Device) -> Chassis:
    if not rows:
        raise ParseError("show inventory lists no equipment")
    # The chassis is listed first; prefer an entry that says so.
    chosen = next(
        (r for r in rows if re.search(r"chassis|rack", r["NAME"], re.I)),
        rows[0],
    )
    return Chassis(chosen["NAME"], chosen["DESCR"], chosen["PID"], chosen["SN"])


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _bgp_ios(rows: list[Row], _device: Device) -> list[BgpSession]:
    return [
        BgpSession(
            neighbor=r["BGP_NEIGHBOR"],
            remote_as=int(str(r["NEIGHBOR_AS"]).split(".")[0]),
            up_down=r["UP_DOWN"],
            state=r["STATE_OR_PREFIXES_RECEIVED"],
            prefixes=_int_or_none(r["STATE_OR_PREFIXES_RECEIVED"]),
        )
        for r in rows
        if r["BGP_NEIGHBOR"]
    ]


def _bgp_xr(rows: list[Row], _device: Device) -> list[BgpSession]:
    return [
        BgpSession(
            neighbor=r["BGP_NEIGH"],
            remote_as=int(r["NEIGH_AS"]),
            up_down=r["UP_DOWN"],
            state=r["STATE_PFXRCD"],
            prefixes=_int_or_none(r["STATE_PFXRCD"]),
        )
        for r in rows
        if r["BGP_NEIGH"]
    ]


def _isis_ios(rows: list[Row], _device: Device) -> list[IsisAdjacency]:
    return [IsisAdjacency(r["SYSTEM_ID"], r["INTERFACE"], r["TYPE"], r["STATE"]) for r in rows]


def _isis_xr(rows: list[Row], _device: Device) -> list[IsisAdjacency]:
    return [IsisAdjacency(r["SYSTEM_ID"], r["INTERFACE"], r["TYPE"], r["STATE"]) for r in rows]


def _directory(rows: list[Row], device: Device) -> Directory:
    if not rows:
        raise ParseError("dir printed no listing")
    totals = [r for r in rows if r.get("TOTAL_SIZE") and r.get("TOTAL_FREE")]
    if not totals:
        raise ParseError("dir printed no 'bytes total (bytes free)' line")
    # Linux-based IOS-XR counts the totals in kbytes; IOS and classic IOS-XR in bytes.
    multiplier = 1024 if totals[-1].get("UNIT") == "kbytes" else 1
    files = {r["NAME"]: int(r["SIZE"]) for r in rows if r.get("NAME") and r.get("SIZE")}
    return Directory(
        path=_dir_path(device),
        files=files,
        total_bytes=int(totals[-1]["TOTAL_SIZE"]) * multiplier,
        free_bytes=int(totals[-1]["TOTAL_FREE"]) * multiplier,
    )


def _dir_path(device: Device) -> str:
    software = _approved(device)
    return software.filesystem + software.directory


def _md5(rows: list[Row], device: Device) -> FileDigest:
    row = _one(rows, "MD5")
    return FileDigest(_approved(device).image, str(row["MD5"]).lower())


SOFTWARE: Fact[SoftwareFacts] = Fact(
    "software",
    "the running software (show version)",
    {
        "cisco_ios": one(lambda d: "show version", "own:cisco_ios_show_version", _software),
        "cisco_xr": one(lambda d: "show version", "own:cisco_xr_show_version", _software),
    },
)

CHASSIS: Fact[Chassis] = Fact(
    "chassis",
    "the chassis identity (show inventory)",
    {
        "cisco_ios": one(lambda d: "show inventory", "ntc:cisco_ios_show_inventory", _chassis),
        "cisco_xr": one(lambda d: "show inventory", "ntc:cisco_xr_admin_show_inventory", _chassis),
    },
)

BGP_SESSIONS: Fact[list[BgpSession]] = Fact(
    "bgp_sessions",
    "the BGP session table (show ip bgp summary / show bgp summary)",
    {
        "cisco_ios": one(
            lambda d: "show ip bgp summary", "ntc:cisco_ios_show_ip_bgp_summary", _bgp_ios
        ),
        # ntc-templates has no `show bgp summary` template for IOS-XR; the table is the same
        # as `show ip bgp summary`, whose template is named here explicitly.
        "cisco_xr": one(lambda d: "show bgp summary", "ntc:cisco_xr_show_ip_bgp_summary", _bgp_xr),
    },
)

ISIS_ADJACENCIES: Fact[list[IsisAdjacency]] = Fact(
    "isis_adjacencies",
    "the ISIS adjacency table (show isis neighbors)",
    {
        "cisco_ios": one(
            lambda d: "show isis neighbors", "ntc:cisco_ios_show_isis_neighbors", _isis_ios
        ),
        "cisco_xr": one(
            lambda d: "show isis neighbors", "ntc:cisco_xr_show_isis_neighbors", _isis_xr
        ),
    },
)

IMAGE_DIRECTORY: Fact[Directory] = Fact(
    "image_directory",
    "the flash listing of the approved image's folder (dir)",
    {
        "cisco_ios": one(lambda d: f"dir {_dir_path(d)}", "ntc:cisco_ios_dir", _directory),
        # ntc-templates' cisco_xr_dir knows only the Linux-based layout, not classic XR's.
        "cisco_xr": one(lambda d: f"dir {_dir_path(d)}", "own:cisco_xr_dir", _directory),
    },
)

IMAGE_MD5: Fact[FileDigest] = Fact(
    "image_md5",
    "the MD5 of the approved image on flash (verify /md5 / show md5 file)",
    {
        "cisco_ios": one(
            lambda d: f"verify /md5 {_approved(d).image}", "own:cisco_ios_verify_md5", _md5
        ),
        "cisco_xr": one(
            lambda d: f"show md5 file {_approved(d).image}", "own:cisco_xr_show_md5_file", _md5
        ),
    },
)


def _num(row: Row, key: str) -> int:
    value = str(row.get(key) or "0")
    return int(value) if value.isdigit() else 0


def _count(row: Row, key: str) -> int | None:
    """A counter the template read, or None where the output had none (never a made-up 0)."""
    return _int_or_none(str(row.get(key) or ""))


def _interfaces_ios(rows: list[Row], _device: Device) -> list[InterfaceState]:
    # The own template reads the three counters on every IOS interface type: one missing is
    # a damaged or unknown output, not zero errors.
    return [
        InterfaceState(
            name=r["INTERFACE"],
            link=r["LINK_STATUS"],
            protocol=r["PROTOCOL_STATUS"],
            description=r["DESCRIPTION"],
            address=r["IP_ADDRESS"],
            input_errors=_count(r, "INPUT_ERRORS"),
            crc=_count(r, "CRC"),
            output_errors=_count(r, "OUTPUT_ERRORS"),
        )
        for r in rows
    ]


def _interfaces_xr(rows: list[Row], _device: Device) -> list[InterfaceState]:
    # ntc's cisco_xr_show_interfaces names the line protocol ADMIN_STATE.
    return [
        InterfaceState(
            name=r["INTERFACE"],
            link=r["LINK_STATUS"],
            protocol=r["ADMIN_STATE"],
            description=r["DESCRIPTION"],
            address=r["IP_ADDRESS"],
            input_errors=_xr_count(r, "INPUT_ERRORS"),
            crc=_xr_count(r, "CRC"),
            output_errors=_xr_count(r, "OUTPUT_ERRORS"),
        )
        for r in rows
    ]


# IOS-XR prints no packet counters at all for these: no errors to count, rather than unknown.
_XR_NO_COUNTERS = ("Loopback", "Null")


def _xr_count(row: Row, key: str) -> int | None:
    value = _count(row, key)
    if value is None and str(row.get("INTERFACE", "")).startswith(_XR_NO_COUNTERS):
        return 0
    return value


def _descriptions(rows: list[Row], _device: Device) -> list[InterfaceDescription]:
    return [
        InterfaceDescription(
            interface=r.get("PORT") or r.get("INTERFACE") or "",
            status=r["STATUS"],
            protocol=r["PROTOCOL"],
            description=r["DESCRIPTION"],
        )
        for r in rows
    ]


def _ping_command(platform: Platform, target: str, count: int, size: int, source: str) -> str:
    repeat = "repeat" if platform == "cisco_ios" else "count"
    return f"ping {target} {repeat} {count} size {size} source {source}"


def _intrapop_commands(device: Device) -> list[str]:
    ping = device.intrapop.ping
    return [
        _ping_command(
            device.platform, str(link.peer_address), ping.count, ping.size, link.interface
        )
        for link in device.intrapop.links
    ]


def _connectivity_commands(device: Device) -> list[str]:
    ping = device.connectivity.ping
    return [
        _ping_command(device.platform, str(t.address), ping.count, ping.size, device.loopback)
        for t in device.connectivity.targets
    ]


def _pings(
    commands: Callable[[Device], list[str]],
) -> Callable[[list[Any], Device], list[PingResult]]:
    def build(parsed: list[Any], device: Device) -> list[PingResult]:
        results = []
        for command, rows in zip(commands(device), parsed, strict=True):
            row = _one(rows, "ping summary")
            if not str(row.get("SUCCESS_PCT") or "").isdigit():
                raise ParseError(f"{command!r} printed no 'Success rate' line")
            words = command.split()
            results.append(
                PingResult(
                    command=command,
                    target=words[1],
                    source=words[-1],
                    sent=_num(row, "SENT_QTY"),
                    received=_num(row, "SUCCESS_QTY"),
                    success_percent=_num(row, "SUCCESS_PCT"),
                    rtt_avg_ms=int(row["RTT_AVG"])
                    if str(row.get("RTT_AVG") or "").isdigit()
                    else None,
                )
            )
        return results

    return build


def _probes(rows: list[Row], _device: Device) -> list[ProbeResult]:
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


def _sla_command(device: Device) -> tuple[str, str]:
    if device.platform == "cisco_xr":
        return "show ipsla statistics", "own:cisco_xr_show_ipsla_statistics"
    if device.rpms.cli == "rtr":
        return "show rtr operational-state", "own:cisco_ios_show_rtr_operational_state"
    return "show ip sla statistics", "own:cisco_ios_show_ip_sla_statistics"


def _sla_recipe() -> Recipe[list[ProbeResult]]:
    return Recipe(lambda d: [Source(*_sla_command(d))], lambda parsed, d: _probes(parsed[0], d))


def _tacacs_ios(rows: list[Row], _device: Device) -> list[TacacsServerStats]:
    return [
        TacacsServerStats(
            address=r["SERVER"],
            port=_num(r, "PORT") or 49,
            packets_in=_num(r, "PACKETS_IN"),
            packets_out=_num(r, "PACKETS_OUT"),
            failed_connects=_num(r, "FAILED_CONNECTS"),
            timeouts=_num(r, "TIMEOUTS"),
        )
        for r in rows
        if r.get("SERVER")
    ]


def _tacacs_xr(rows: list[Row], _device: Device) -> list[TacacsServerStats]:
    return [
        TacacsServerStats(
            address=r["SERVER"],
            port=_num(r, "PORT") or 49,
            packets_in=_num(r, "PACKETS_IN"),
            packets_out=_num(r, "PACKETS_OUT"),
            failed_connects=_num(r, "ERRORS") + _num(r, "ABORTS"),
            timeouts=0,
        )
        for r in rows
        if r.get("SERVER")
    ]


def _memory_ios(rows: list[Row], _device: Device) -> MemoryFacts:
    pool = next((r for r in rows if str(r["POOL"]).lower() == "processor"), None)
    if pool is None:
        raise ParseError("show memory statistics has no Processor pool")
    return MemoryFacts(total_bytes=int(pool["TOTAL"]), free_bytes=int(pool["FREE"]))


def _memory_xr(rows: list[Row], _device: Device) -> MemoryFacts:
    row = _one(rows, "memory summary")
    total = row.get("APPLICATION_MB") or row.get("PHYSICAL_MB") or ""
    return MemoryFacts(
        total_bytes=int(total) * 1024 * 1024, free_bytes=int(row["AVAILABLE_MB"]) * 1024 * 1024
    )


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip


def _clock(rows: list[Row]) -> datetime:
    row = _one(rows, "clock")
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


def _logs(parsed: list[Any], _device: Device) -> LogFacts:
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


INTERFACES: Fact[list[InterfaceState]] = Fact(
    "interfaces_state",
    "the interface table (show interfaces)",
    {
        "cisco_ios": one(
            lambda d: "show interfaces", "own:cisco_ios_show_interfaces", _interfaces_ios
        ),
        "cisco_xr": one(
            lambda d: "show interfaces", "ntc:cisco_xr_show_interfaces", _interfaces_xr
        ),
    },
)

DESCRIPTIONS: Fact[list[InterfaceDescription]] = Fact(
    "descriptions",
    "the interface descriptions (show interfaces description)",
    {
        "cisco_ios": one(
            lambda d: "show interfaces description",
            "ntc:cisco_ios_show_interfaces_description",
            _descriptions,
        ),
        "cisco_xr": one(
            lambda d: "show interfaces description",
            "ntc:cisco_xr_show_interfaces_description",
            _descriptions,
        ),
    },
)

INTRAPOP_PINGS: Fact[list[PingResult]] = Fact(
    "intrapop_pings",
    "pings across the intra-POP links",
    {
        "cisco_ios": each(_intrapop_commands, "ntc:cisco_ios_ping", _pings(_intrapop_commands)),
        "cisco_xr": each(_intrapop_commands, "ntc:cisco_xr_ping", _pings(_intrapop_commands)),
    },
)

CONNECTIVITY_PINGS: Fact[list[PingResult]] = Fact(
    "connectivity_pings",
    "pings from the loopback to the connectivity targets",
    {
        "cisco_ios": each(
            _connectivity_commands, "ntc:cisco_ios_ping", _pings(_connectivity_commands)
        ),
        "cisco_xr": each(
            _connectivity_commands, "ntc:cisco_xr_ping", _pings(_connectivity_commands)
        ),
    },
)

PROBE_RESULTS: Fact[list[ProbeResult]] = Fact(
    "probe_results",
    "the response-time probes' latest results (show ip sla statistics / show rtr "
    "operational-state / show ipsla statistics)",
    {"cisco_ios": _sla_recipe(), "cisco_xr": _sla_recipe()},
)

TACACS_SERVERS: Fact[list[TacacsServerStats]] = Fact(
    "tacacs_servers",
    "the TACACS+ server counters (show tacacs)",
    {
        "cisco_ios": one(lambda d: "show tacacs", "own:cisco_ios_show_tacacs", _tacacs_ios),
        "cisco_xr": one(lambda d: "show tacacs", "own:cisco_xr_show_tacacs", _tacacs_xr),
    },
)

MEMORY: Fact[MemoryFacts] = Fact(
    "memory",
    "the route processor's memory use (show memory statistics / show memory summary)",
    {
        "cisco_ios": one(
            lambda d: "show memory statistics", "own:cisco_ios_show_memory_statistics", _memory_ios
        ),
        "cisco_xr": one(
            lambda d: "show memory summary", "own:cisco_xr_show_memory_summary", _memory_xr
        ),
    },
)

LOGS: Fact[LogFacts] = Fact(
    "logs",
    "the log buffer and the router's clock (show logging, show clock)",
    {
        "cisco_ios": Recipe(
            lambda d: [
                Source("show logging", "own:cisco_ios_show_logging", empty_ok=True),
                Source("show clock", "ntc:cisco_ios_show_clock"),
            ],
            _logs,
        ),
        "cisco_xr": Recipe(
            lambda d: [
                Source("show logging", "own:cisco_xr_show_logging", empty_ok=True),
                Source("show clock", "own:cisco_xr_show_clock"),
            ],
            _logs,
        ),
    },
)


def _from_config(name: str, description: str, extract: Callable[[Config, Device], T]) -> Fact[T]:
    """A fact read out of `show running-config` (the same on both platforms' command line)."""
    recipe = one(lambda d: "show running-config", "config", extract)
    return Fact(name, description, {"cisco_ios": recipe, "cisco_xr": recipe})


ISIS_CONFIG = _from_config(
    "isis_config",
    "router isis in the running configuration",
    lambda c, d: configuration.isis_config(c, d.platform),
)
BGP_CONFIG = _from_config(
    "bgp_config",
    "router bgp in the running configuration",
    lambda c, d: configuration.bgp_config(c, d.platform),
)
TRANSFER_SOURCES = _from_config(
    "transfer_sources",
    "the ftp and tftp source interfaces in the running configuration",
    lambda c, d: configuration.transfer_sources(c, d.platform),
)
CONSOLE_CONFIG = _from_config(
    "console_config",
    "the console line in the running configuration",
    lambda c, d: configuration.console_config(c, d.platform),
)
AAA_CONFIG = _from_config(
    "aaa_config",
    "AAA and local credentials in the running configuration",
    lambda c, d: configuration.aaa_config(c, d.platform),
)
TACACS_CONFIG = _from_config(
    "tacacs_config",
    "the TACACS+ servers in the running configuration",
    lambda c, d: configuration.tacacs_config(c, d.platform),
)
VTY_CONFIG = _from_config(
    "vty_config",
    "the vty lines and access lists in the running configuration",
    lambda c, d: configuration.vty_config(c, d.platform),
)
PROBES_CONFIG = _from_config(
    "probes_config",
    "the IP SLA / RTR probes in the running configuration",
    lambda c, d: configuration.probes_config(c, d.platform),
)
NAME_CONFIG = _from_config(
    "name_config", "the hostname, name servers and loopback address in the running configuration",
    lambda c, d: configuration.name_config(c, d.platform, d.loopback),
)  # fmt: skip


FACTS: dict[str, Fact[Any]] = {
    fact.name: fact
    for fact in (
        SOFTWARE, CHASSIS, BGP_SESSIONS, ISIS_ADJACENCIES, IMAGE_DIRECTORY, IMAGE_MD5,
        INTERFACES, DESCRIPTIONS, INTRAPOP_PINGS, CONNECTIVITY_PINGS, PROBE_RESULTS,
        TACACS_SERVERS, MEMORY, LOGS, ISIS_CONFIG, BGP_CONFIG, TRANSFER_SOURCES,
        CONSOLE_CONFIG, AAA_CONFIG, TACACS_CONFIG, VTY_CONFIG, PROBES_CONFIG, NAME_CONFIG,
    )
}  # fmt: skip

IDENTITY: tuple[Fact[Any], ...] = (SOFTWARE, CHASSIS)
"""Captured from every device, whatever checks run: the certificate identifies the equipment."""
