"""Facts: the typed things a check can ask for, by name, whatever the platform.

A fact names what is known (`bgp_sessions`, `isis_config`, ...) and its type; each platform
says how to obtain it - the commands in its own syntax, possibly built from the device's
inventory values, the reader of each output, and how the parsed rows become the typed value
(a `Recipe`, in `netaccept.platforms.<name>`; looked up through `netaccept.platforms.registry`).
Checks request facts by name as pytest fixtures; the run collects the commands of every
selected check before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from netaccept.inventory import Device
from netaccept.platforms.configuration import (
    AaaConfig,
    BgpConfig,
    ConsoleConfig,
    IsisConfig,
    NameConfig,
    ProbeConfig,
    TacacsConfig,
    TransferSources,
    VtyConfig,
)
from netaccept.platforms.parsing import ParseError, read

T = TypeVar("T")


# ---------------------------------------------------------------- the facts themselves


@dataclass(frozen=True)
class SoftwareFacts:
    """What `show version` says about the running software and the route processor."""

    hostname: str
    version: str
    # The running image as the router names it: show version's system image file, or on
    # 64-bit IOS-XR the `[Boot image]` package of `show install active summary`; empty when
    # the router names none, and then `image_unknown` says why.
    image: str
    model: str
    processor_board_id: str
    uptime: str
    # The memory figure the processor line gives first, as printed: on IOS that is main
    # memory without I/O memory, not the DRAM. The DRAM is `MemoryFacts.dram_kb`.
    memory_kb: int | None
    image_unknown: str = ""


@dataclass(frozen=True)
class Chassis:
    """The chassis entry of `show inventory`: the equipment's identity for the certificate."""

    name: str
    description: str
    pid: str
    serial: str


@dataclass(frozen=True)
class BgpSession:
    """One row of a BGP summary: a neighbour in one address family."""

    neighbor: str  # the address in its canonical form (IPv6 compressed, lower case)
    remote_as: int  # asplain, whatever notation the router printed
    up_down: str
    state: str
    prefixes: int | None
    address_family: str = ""  # as printed ("VPNv4 Unicast"); empty where the output names none

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
    latest_start: str  # the latest operation's start time, as printed
    # Seconds from the latest operation's start to the router's clock; None when the
    # router printed no start time that can be read against its clock.
    age_seconds: int | None

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
    """Route processor memory: processor pool (IOS) or application memory (IOS-XR), and the
    DRAM installed (from `show version`)."""

    total_bytes: int
    free_bytes: int
    # IOS: main plus I/O memory, or IOS-XE's physical memory; IOS-XR: the processor's memory.
    # None where `show version` states none.
    dram_kb: int | None = None

    @property
    def free_percent(self) -> float:
        return 100.0 * self.free_bytes / self.total_bytes if self.total_bytes else 0.0


SEVERITY_NAMES = (
    "emergencies", "alerts", "critical", "errors",
    "warnings", "notifications", "informational", "debugging",
)  # fmt: skip
"""The syslog severities by number, as IOS and IOS-XR name them (`logging buffered errors`)."""


@dataclass(frozen=True)
class LogMessage:
    """One buffered log message; `when` is in the time base of the router's clock."""

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
    # The least severe level the buffer keeps (`Buffer logging: level warnings`: 4, so
    # 0-4 are kept); None when buffer logging is disabled.
    buffer_level: int | None


# ---------------------------------------------------------------- how facts are obtained


@dataclass(frozen=True)
class Unread:
    """An optional source's output that could not be read, and why (the router's refusal,
    or the reader's complaint): what its recipe's builder is given instead of rows."""

    reason: str


@dataclass(frozen=True)
class Source:
    """One command and the reader of its output: `ntc:NAME`, `own:NAME` or `config`."""

    command: str
    reader: str
    empty_ok: bool = False  # an empty table is a valid answer (an empty log buffer)
    # The fact can do without this output (the router may refuse the command): when it
    # cannot be read, the builder is given `Unread` and decides whether it needed it.
    optional: bool = False

    def read(self, output: str) -> Any:
        """`output` read by this source's reader; `Unread` for an optional source that fails."""
        try:
            return read(self.reader, output, self.command, self.empty_ok)
        except ParseError as exc:
            if not self.optional:
                raise
            return Unread(str(exc))


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
    """A named fact; each platform that can obtain it has a recipe for it."""

    name: str
    description: str


# ---------------------------------------------------------------- the facts

SOFTWARE: Fact[SoftwareFacts] = Fact(
    "software", "the running software (show version / show version, show install active summary)"
)
CHASSIS: Fact[Chassis] = Fact("chassis", "the chassis identity (show inventory)")
BGP_SESSIONS: Fact[list[BgpSession]] = Fact(
    "bgp_sessions", "the BGP session table (show ip bgp summary / show bgp summary)"
)
ISIS_ADJACENCIES: Fact[list[IsisAdjacency]] = Fact(
    "isis_adjacencies", "the ISIS adjacency table (show isis neighbors)"
)
IMAGE_DIRECTORY: Fact[Directory] = Fact(
    "image_directory", "the flash listing of the approved image's folder (dir)"
)
IMAGE_MD5: Fact[FileDigest] = Fact(
    "image_md5", "the MD5 of the approved image on flash (verify /md5 / show md5 file)"
)
INTERFACES: Fact[list[InterfaceState]] = Fact(
    "interfaces_state", "the interface table (show interfaces)"
)
DESCRIPTIONS: Fact[list[InterfaceDescription]] = Fact(
    "descriptions", "the interface descriptions (show interfaces description)"
)
INTRAPOP_PINGS: Fact[list[PingResult]] = Fact("intrapop_pings", "pings across the intra-POP links")
CONNECTIVITY_PINGS: Fact[list[PingResult]] = Fact(
    "connectivity_pings", "pings from the loopback to the connectivity targets"
)
PROBE_RESULTS: Fact[list[ProbeResult]] = Fact(
    "probe_results",
    "the response-time probes' latest results (show ip sla statistics / show rtr "
    "operational-state / show ipsla statistics)",
)
TACACS_SERVERS: Fact[list[TacacsServerStats]] = Fact(
    "tacacs_servers", "the TACACS+ server counters (show tacacs)"
)
MEMORY: Fact[MemoryFacts] = Fact(
    "memory", "the route processor's memory use (show memory statistics / show memory summary)"
)
LOGS: Fact[LogFacts] = Fact(
    "logs",
    "the log buffer, its level and the router's clock (show logging, show clock; the "
    "clock's time zone and the stamps' time base from show running-config)",
)
ISIS_CONFIG: Fact[IsisConfig | None] = Fact(
    "isis_config", "router isis in the running configuration"
)
BGP_CONFIG: Fact[BgpConfig | None] = Fact("bgp_config", "router bgp in the running configuration")
TRANSFER_SOURCES: Fact[TransferSources] = Fact(
    "transfer_sources", "the ftp and tftp source interfaces in the running configuration"
)
CONSOLE_CONFIG: Fact[ConsoleConfig] = Fact(
    "console_config", "the console line in the running configuration"
)
AAA_CONFIG: Fact[AaaConfig] = Fact(
    "aaa_config", "AAA and local credentials in the running configuration"
)
TACACS_CONFIG: Fact[TacacsConfig] = Fact(
    "tacacs_config", "the TACACS+ servers in the running configuration"
)
VTY_CONFIG: Fact[VtyConfig] = Fact(
    "vty_config", "the vty lines and access lists in the running configuration"
)
PROBES_CONFIG: Fact[list[ProbeConfig]] = Fact(
    "probes_config", "the IP SLA / RTR probes in the running configuration"
)
NAME_CONFIG: Fact[NameConfig] = Fact(
    "name_config", "the hostname, name servers and loopback address in the running configuration"
)


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
