"""More TextFSM templates the harness parses with, proven through
`netaccept.platforms.parsing.parse`.

The project's own templates for IP SLA / RTR, memory, TACACS+, logging and clock outputs, and
the ntc-templates the harness uses for interfaces, descriptions, ping, TACACS+ and clock.

Evidence, as in test_templates.py:
- the real device outputs of the shared corpus (`../shared/corpus/ntc-templates`, read in
  place, one test case per `.raw` file, compared with the `.yml` beside it) where the corpus
  has the command;
- outputs written here in the true format of the routers under test (a GSR PRP on IOS
  12.0(32)SY8, a GSR PRP on IOS-XR 3.9.1) and of the later releases the templates also know.

The corpus is required: when it is absent every corpus test fails (it is never skipped).
An ntc-templates defect is recorded as `xfail(strict=True)` with the defect as the reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from netaccept.platforms.parsing import ParseError, parse

NTC_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ntc-templates"

Row = dict[str, Any]

# --------------------------------------------------------------------------------------------
# Corpus helpers
# --------------------------------------------------------------------------------------------


def corpus_cases(platform: str, command_dir: str, *extra: Any) -> list[Any]:
    """pytest params `(*extra, raw)`, one per `.raw` file; one failing case when none exist."""
    folder = NTC_CORPUS / platform / command_dir
    raws = sorted(folder.glob("*.raw")) if folder.is_dir() else []
    if not raws:
        return [
            pytest.param(*extra, folder / "MISSING.raw", id=f"{platform}-{command_dir}-MISSING")
        ]
    return [pytest.param(*extra, raw, id=raw.name) for raw in raws]


def read_raw(raw: Path) -> str:
    if not raw.is_file():
        pytest.fail(
            f"corpus file {raw} is missing: the shared corpus must be present beside the "
            f"checkout at {NTC_CORPUS}"
        )
    return raw.read_text(encoding="utf-8")


def expected_records(raw: Path) -> list[Row]:
    """The yml's `parsed_sample`, with the keys upper-cased like the template's Value names."""
    yml = raw.with_suffix(".yml")
    if not yml.is_file():
        pytest.fail(f"corpus file {yml} (the expected records of {raw.name}) is missing")
    records: list[Row] = yaml.safe_load(yml.read_text(encoding="utf-8"))["parsed_sample"]
    return [{key.upper(): value for key, value in record.items()} for record in records]


def project(rows: list[Row], fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(row[field] for field in fields) for row in rows]


def only_row(rows: list[Row]) -> Row:
    assert len(rows) == 1, f"expected exactly one row, got {rows}"
    return rows[0]


def test_corpus_is_present() -> None:
    assert NTC_CORPUS.is_dir(), f"the shared corpus is missing at {NTC_CORPUS}"


INVALID_INPUT = """\
show ipsla statistics
     ^
% Invalid input detected at '^' marker.
"""

XR_TIMESTAMP = "Sun Nov 22 10:00:11.234 UTC\n"

# --------------------------------------------------------------------------------------------
# own:cisco_ios_show_ip_sla_statistics
# --------------------------------------------------------------------------------------------

IOS_SLA_15 = """\
IPSLAs Latest Operation Statistics

IPSLA operation id: 10
        Latest RTT: 2 milliseconds
Latest operation start time: 09:59:01 UTC Sun Nov 22 2026
Latest operation return code: OK
Number of successes: 48
Number of failures: 0
Operation time to live: Forever

IPSLA operation id: 20
        Latest RTT: NoConnection/Busy/Timeout
Latest operation start time: 09:59:31 UTC Sun Nov 22 2026
Latest operation return code: Timeout
Number of successes: 40
Number of failures: 8
Operation time to live: Forever

IPSLA operation id: 30
Type of operation: udp-jitter
        Latest RTT: 5 milliseconds
Latest operation start time: 09:59:45 UTC Sun Nov 22 2026
Latest operation return code: OK
RTT Values:
        Number Of RTT: 10               RTT Min/Avg/Max: 4/5/7 milliseconds
Latency one-way time:
        Number of Latency one-way Samples: 0
        Source to Destination Latency one way Min/Avg/Max: 0/0/0 milliseconds
        Destination to Source Latency one way Min/Avg/Max: 0/0/0 milliseconds
Jitter Time:
        Number of SD Jitter Samples: 9
        Number of DS Jitter Samples: 9
        Source to Destination Jitter Min/Avg/Max: 0/1/2 milliseconds
        Destination to Source Jitter Min/Avg/Max: 0/1/2 milliseconds
Over Threshold:
        Number Of RTT Over Threshold: 0 (0%)
Packet Loss Values:
        Loss Source to Destination: 0
        Loss Destination to Source: 0
        Out Of Sequence: 0      Tail Drop: 0
        Packet Late Arrival: 0  Packet Skipped: 0
Number of successes: 48
Number of failures: 0
Operation time to live: Forever

IPSLA operation id: 40
Number of successes: Unknown
Number of failures: Unknown
Operation time to live: 0
"""

IOS_SLA_124 = """\
Round Trip Time (RTT) for       Index 10
        Latest RTT: 2 milliseconds
Latest operation start time: *09:59:01.123 UTC Sun Nov 22 2026
Latest operation return code: OK
Number of successes: 48
Number of failures: 0
Operation time to live: Forever

Round Trip Time (RTT) for       Index 20
        Latest RTT: NoConnection/Busy/Timeout
Latest operation start time: *09:59:31.456 UTC Sun Nov 22 2026
Latest operation return code: No connection
Number of successes: 0
Number of failures: 48
Operation time to live: Forever
"""


def test_own_ios_ip_sla_statistics_15x() -> None:
    rows = parse("own:cisco_ios_show_ip_sla_statistics", IOS_SLA_15, "show ip sla statistics")
    assert rows == [
        {
            "ID": "10",
            "LATEST_RTT": "2",
            "RETURN_CODE": "OK",
            "SUCCESSES": "48",
            "FAILURES": "0",
            "START_TIME": "09:59:01 UTC Sun Nov 22 2026",
        },
        {
            "ID": "20",
            "LATEST_RTT": "",
            "RETURN_CODE": "Timeout",
            "SUCCESSES": "40",
            "FAILURES": "8",
            "START_TIME": "09:59:31 UTC Sun Nov 22 2026",
        },
        {
            "ID": "30",
            "LATEST_RTT": "5",
            "RETURN_CODE": "OK",
            "SUCCESSES": "48",
            "FAILURES": "0",
            "START_TIME": "09:59:45 UTC Sun Nov 22 2026",
        },
        # Never started: the row is there, with nothing a check could take for a success.
        {
            "ID": "40",
            "LATEST_RTT": "",
            "RETURN_CODE": "",
            "SUCCESSES": "",
            "FAILURES": "",
            "START_TIME": "",
        },
    ]


def test_own_ios_ip_sla_statistics_12_4() -> None:
    rows = parse("own:cisco_ios_show_ip_sla_statistics", IOS_SLA_124, "show ip sla statistics")
    assert project(rows, ("ID", "LATEST_RTT", "RETURN_CODE", "SUCCESSES", "FAILURES")) == [
        ("10", "2", "OK", "48", "0"),
        ("20", "", "No connection", "0", "48"),
    ]
    assert rows[0]["START_TIME"] == "*09:59:01.123 UTC Sun Nov 22 2026"


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(IOS_SLA_124.replace("2 milliseconds", "2150 microseconds"), id="rtt-in-us"),
        pytest.param("Entry number: 10\nLatest RTT (milliseconds): 2\n", id="rtr-output"),
        pytest.param(
            "IP SLAs Infrastructure Engine-III\nEntry number: 10\n", id="show-ip-sla-config"
        ),
    ],
)
def test_own_ios_ip_sla_statistics_unknown_output_raises(output: str) -> None:
    with pytest.raises(ParseError, match="could not parse"):
        parse("own:cisco_ios_show_ip_sla_statistics", output, "show ip sla statistics")


# --------------------------------------------------------------------------------------------
# own:cisco_ios_show_rtr_operational_state (IOS 12.0S)
# --------------------------------------------------------------------------------------------

IOS_RTR = """\
Entry number: 10
Modification time: *09:12:01.123 UTC Sun Nov 22 2026
Number of Octets Used by this Entry: 1480
Number of operations attempted: 48
Number of operations skipped: 0
Current seconds left in Life: Forever
Operational state of entry: Active
Last time this entry was reset: Never
Connection loss occurred: FALSE
Timeout occurred: FALSE
Over thresholds occurred: FALSE
Latest RTT (milliseconds): 2
Latest operation start time: *09:59:01.123 UTC Sun Nov 22 2026
Latest operation return code: OK
RTT Values:
RTTAvg: 2       RTTMin: 2       RTTMax: 2
NumOfRTT: 1     RTTSum: 2       RTTSum2: 4

Entry number: 20
Modification time: *09:12:01.456 UTC Sun Nov 22 2026
Number of Octets Used by this Entry: 1480
Number of operations attempted: 48
Number of operations skipped: 0
Current seconds left in Life: Forever
Operational state of entry: Active
Last time this entry was reset: Never
Connection loss occurred: FALSE
Timeout occurred: TRUE
Over thresholds occurred: FALSE
Latest RTT (milliseconds): NoConnection/Busy/Timeout
Latest operation start time: *09:59:31.456 UTC Sun Nov 22 2026
Latest operation return code: Timeout
RTT Values:
RTTAvg: 0       RTTMin: 0       RTTMax: 0
NumOfRTT: 0     RTTSum: 0       RTTSum2: 0

Entry number: 30
Modification time: *09:12:02.000 UTC Sun Nov 22 2026
Number of Octets Used by this Entry: 5968
Number of operations attempted: 0
Number of operations skipped: 0
Current seconds left in Life: Forever
Operational state of entry: Pending
Last time this entry was reset: Never
Connection loss occurred: FALSE
Timeout occurred: FALSE
Over thresholds occurred: FALSE
Latest RTT (milliseconds): 0
Latest operation start time: Pending
Latest operation return code: Unknown
"""


def test_own_ios_rtr_operational_state_12_0s() -> None:
    rows = parse("own:cisco_ios_show_rtr_operational_state", IOS_RTR, "show rtr op")
    assert rows == [
        {
            "ID": "10",
            "STATE": "Active",
            "LATEST_RTT": "2",
            "RETURN_CODE": "OK",
            "ATTEMPTED": "48",
            "START_TIME": "*09:59:01.123 UTC Sun Nov 22 2026",
            "TIMEOUT": "FALSE",
            "CONNECTION_LOSS": "FALSE",
        },
        {
            "ID": "20",
            "STATE": "Active",
            "LATEST_RTT": "",
            "RETURN_CODE": "Timeout",
            "ATTEMPTED": "48",
            "START_TIME": "*09:59:31.456 UTC Sun Nov 22 2026",
            "TIMEOUT": "TRUE",
            "CONNECTION_LOSS": "FALSE",
        },
        {
            "ID": "30",
            "STATE": "Pending",
            "LATEST_RTT": "0",
            "RETURN_CODE": "Unknown",
            "ATTEMPTED": "0",
            "START_TIME": "Pending",
            "TIMEOUT": "FALSE",
            "CONNECTION_LOSS": "FALSE",
        },
    ]


def test_own_ios_rtr_operational_state_on_ip_sla_output_raises() -> None:
    with pytest.raises(ParseError, match="could not parse"):
        parse("own:cisco_ios_show_rtr_operational_state", IOS_SLA_15, "show rtr op")


# --------------------------------------------------------------------------------------------
# own:cisco_xr_show_ipsla_statistics
# --------------------------------------------------------------------------------------------

XR_IPSLA = (
    XR_TIMESTAMP
    + """
Entry number: 10
    Modification time: 09:12:01.123 UTC Sun Nov 22 2026
    Start time       : 09:12:01.125 UTC Sun Nov 22 2026
    Number of operations attempted: 48
    Number of operations skipped  : 0
    Current seconds left in Life  : Forever
    Operational state of entry    : Active
    Operational frequency(seconds): 60
    Connection loss occurred      : FALSE
    Timeout occurred              : FALSE
    Latest RTT (milliseconds)     : 2
    Latest operation start time   : 09:59:01.125 UTC Sun Nov 22 2026
    Next operation start time     : 10:00:01.125 UTC Sun Nov 22 2026
    Latest operation return code  : OK
    RTT Values:
      RTTAvg  : 2          RTTMin: 2          RTTMax : 2
      NumOfRTT: 1          RTTSum: 2          RTTSum2: 4

Entry number: 20
    Modification time: 09:12:01.456 UTC Sun Nov 22 2026
    Start time       : 09:12:01.458 UTC Sun Nov 22 2026
    Number of operations attempted: 48
    Number of operations skipped  : 0
    Current seconds left in Life  : Forever
    Operational state of entry    : Active
    Operational frequency(seconds): 60
    Connection loss occurred      : FALSE
    Timeout occurred              : TRUE
    Latest RTT (milliseconds)     : Unknown
    Latest operation start time   : 09:59:31.458 UTC Sun Nov 22 2026
    Next operation start time     : 10:00:31.458 UTC Sun Nov 22 2026
    Latest operation return code  : Timeout
    RTT Values:
      RTTAvg  : 0          RTTMin: 0          RTTMax : 0
      NumOfRTT: 0          RTTSum: 0          RTTSum2: 0
    Path Tracing Statistics:
      Hop 1 : 10.1.0.6
"""
)


def test_own_xr_ipsla_statistics_3_9() -> None:
    rows = parse("own:cisco_xr_show_ipsla_statistics", XR_IPSLA, "show ipsla statistics")
    assert rows == [
        {
            "ID": "10",
            "STATE": "Active",
            "LATEST_RTT": "2",
            "RETURN_CODE": "OK",
            "ATTEMPTED": "48",
            "START_TIME": "09:59:01.125 UTC Sun Nov 22 2026",
            "TIMEOUT": "FALSE",
            "CONNECTION_LOSS": "FALSE",
        },
        {
            "ID": "20",
            "STATE": "Active",
            "LATEST_RTT": "",
            "RETURN_CODE": "Timeout",
            "ATTEMPTED": "48",
            "START_TIME": "09:59:31.458 UTC Sun Nov 22 2026",
            "TIMEOUT": "TRUE",
            "CONNECTION_LOSS": "FALSE",
        },
    ]


def test_own_xr_ipsla_statistics_without_entries_is_empty() -> None:
    assert parse("own:cisco_xr_show_ipsla_statistics", XR_TIMESTAMP, "show ipsla stat") == []


def test_own_xr_ipsla_statistics_on_ios_output_raises() -> None:
    with pytest.raises(ParseError, match="could not parse"):
        parse("own:cisco_xr_show_ipsla_statistics", IOS_SLA_15, "show ipsla statistics")


# --------------------------------------------------------------------------------------------
# own:cisco_ios_show_memory_statistics
# --------------------------------------------------------------------------------------------

MEMORY_HEADER = "                Head    Total(b)     Used(b)     Free(b)   Lowest(b)  Largest(b)\n"
GSR_IOS_MEMORY = (
    MEMORY_HEADER
    + "Processor   6200A0E0  1906176800   254823104  1651353696  1640283920  1605427548\n"
    + "      I/O   1E000000    33554432     3920496    29633936    29437080    29621948\n"
)
ISR_IOS_MEMORY = (
    MEMORY_HEADER
    + "Processor   2B9FFA60   834283424   133066436   701216988   698838712   621738068\n"
    + "      I/O    F600000    44040192     8493320    35546872    35296556    35385852\n"
    + "Driver te   3EA00000     1048576          44     1048532     1048532     1048532\n"
)
XE_IOS_MEMORY = (
    "Tracekey : 1#2b2f3c3d5a6f8e9a1c2d3e4f5a6b7c8d\n\n"
    + MEMORY_HEADER
    + "Processor  7F4C3A5010   4129159528   337233720   3791925808   3786548640   3781206344\n"
    + " lsmpi_io  7F4BE2A1A8      6295128     6294304         824         824         412\n"
    + "reserve P  7F4C3A5068       102404          92      102312      102312      102312\n"
)


def test_own_ios_memory_statistics_gsr_12_0s() -> None:
    rows = parse("own:cisco_ios_show_memory_statistics", GSR_IOS_MEMORY, "show memory statistics")
    assert rows == [
        {
            "POOL": "Processor",
            "TOTAL": "1906176800",
            "USED": "254823104",
            "FREE": "1651353696",
            "LOWEST": "1640283920",
            "LARGEST": "1605427548",
        },
        {
            "POOL": "I/O",
            "TOTAL": "33554432",
            "USED": "3920496",
            "FREE": "29633936",
            "LOWEST": "29437080",
            "LARGEST": "29621948",
        },
    ]


@pytest.mark.parametrize(
    ("output", "pools"),
    [
        pytest.param(ISR_IOS_MEMORY, ["Processor", "I/O", "Driver te"], id="15x-driver-te"),
        pytest.param(XE_IOS_MEMORY, ["Processor", "lsmpi_io", "reserve P"], id="xe-tracekey"),
    ],
)
def test_own_ios_memory_statistics_later_releases(output: str, pools: list[str]) -> None:
    rows = parse("own:cisco_ios_show_memory_statistics", output, "show memory statistics")
    assert [row["POOL"] for row in rows] == pools
    assert all(int(row["USED"]) + int(row["FREE"]) == int(row["TOTAL"]) for row in rows), (
        "the sample rows are consistent: used + free = total"
    )
    assert rows[-1]["FREE"] == output.splitlines()[-1].split()[-3]


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(GSR_IOS_MEMORY + "Fast        6200B0E0      131072\n", id="short-row"),
        pytest.param("Processor memory is low\n", id="not-a-table"),
    ],
)
def test_own_ios_memory_statistics_unknown_line_raises(output: str) -> None:
    with pytest.raises(ParseError, match="neither the header nor a pool row"):
        parse("own:cisco_ios_show_memory_statistics", output, "show memory statistics")


# --------------------------------------------------------------------------------------------
# own:cisco_xr_show_memory_summary
# --------------------------------------------------------------------------------------------

GSR_XR_MEMORY = (
    XR_TIMESTAMP
    + """
Physical Memory: 2048M total
 Application Memory : 1787M (1314M available)
 Image: 43M (bootram: 43M)
 Reserved: 128M, IOMem: 0, flashfsys: 0
 Total shared window: 22M
"""
)

XR_MEMORY_NODES = (
    XR_TIMESTAMP
    + """
node:      node0_RP0_CPU0
------------------------------------------------------------------

Physical Memory: 32768M total (24385M available)
 Application Memory : 32768M (24385M available)
 Image: 4M (bootram: 0M)
 Reserved: 0M, IOMem: 0M, flashfsys: 0M
 Total shared window: 1G

node:      node0_0_CPU0
------------------------------------------------------------------

\fPhysical Memory: 3071M total (1381M available)
 Application Memory : 2868M (1381M available)
 Image: 244M (bootram: 39M)
 Reserved: 205M, IPC: 133M, Stack: 72M
 Total shared memory:  47M (64 segments)
"""
)


def test_own_xr_memory_summary_gsr_3_9() -> None:
    rows = parse("own:cisco_xr_show_memory_summary", GSR_XR_MEMORY, "show memory summary")
    assert rows == [
        {"NODE": "", "PHYSICAL_MB": "2048", "APPLICATION_MB": "1787", "AVAILABLE_MB": "1314"}
    ]


def test_own_xr_memory_summary_per_node() -> None:
    rows = parse("own:cisco_xr_show_memory_summary", XR_MEMORY_NODES, "show memory summary")
    assert rows == [
        {
            "NODE": "node0_RP0_CPU0",
            "PHYSICAL_MB": "32768",
            "APPLICATION_MB": "32768",
            "AVAILABLE_MB": "24385",
        },
        {
            "NODE": "node0_0_CPU0",
            "PHYSICAL_MB": "3071",
            "APPLICATION_MB": "2868",
            "AVAILABLE_MB": "1381",
        },
    ]


def test_own_xr_memory_summary_physical_available_when_no_application_line() -> None:
    output = XR_TIMESTAMP + "Physical Memory: 16384M total (9021M available)\n"
    rows = parse("own:cisco_xr_show_memory_summary", output, "show memory summary")
    assert rows == [
        {"NODE": "", "PHYSICAL_MB": "16384", "APPLICATION_MB": "", "AVAILABLE_MB": "9021"}
    ]


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(
            GSR_XR_MEMORY.replace("Physical Memory: 2048M total", "Physical Memory: 2G total"),
            id="gigabytes",
        ),
        pytest.param(
            GSR_XR_MEMORY.replace("1787M (1314M available)", "1.7G (1.3G available)"),
            id="decimal-gigabytes",
        ),
    ],
)
def test_own_xr_memory_summary_other_unit_raises(output: str) -> None:
    with pytest.raises(ParseError, match="not in megabytes"):
        parse("own:cisco_xr_show_memory_summary", output, "show memory summary")


def test_own_xr_memory_summary_unknown_line_raises() -> None:
    with pytest.raises(ParseError, match="a line is not known"):
        parse("own:cisco_xr_show_memory_summary", GSR_IOS_MEMORY, "show memory summary")


# --------------------------------------------------------------------------------------------
# own:cisco_xr_show_tacacs
# --------------------------------------------------------------------------------------------

GSR_XR_TACACS = (
    XR_TIMESTAMP
    + """
Server: 192.0.2.10/49 opens=142 closes=142 aborts=0 errors=0
        packets in=428 packets out=428
        status=up single-connect=false

Server: 192.0.2.11/49 opens=0 closes=0 aborts=0 errors=3
        packets in=0 packets out=0
        status=down single-connect=false
"""
)

XR_TACACS_LATER = (
    XR_TIMESTAMP
    + """
Server: 192.0.2.10/49 vrf=default [private]
        opens=142 closes=142 aborts=0 errors=0
        packets in=428 packets out=428
        status=up single-connect=false family=IPv4

Server: 2001:db8::11/4949 vrf=MGMT
        opens=7 closes=6 aborts=1 errors=0
        packets in=20 packets out=21
        status=up single-connect=true family=IPv6
"""
)

TACACS_FIELDS = (
    "SERVER",
    "PORT",
    "OPENS",
    "CLOSES",
    "ABORTS",
    "ERRORS",
    "PACKETS_IN",
    "PACKETS_OUT",
    "STATUS",
)


def test_own_xr_tacacs_gsr_3_9() -> None:
    rows = parse("own:cisco_xr_show_tacacs", GSR_XR_TACACS, "show tacacs")
    assert project(rows, TACACS_FIELDS) == [
        ("192.0.2.10", "49", "142", "142", "0", "0", "428", "428", "up"),
        ("192.0.2.11", "49", "0", "0", "0", "3", "0", "0", "down"),
    ]


def test_own_xr_tacacs_later_releases() -> None:
    rows = parse("own:cisco_xr_show_tacacs", XR_TACACS_LATER, "show tacacs")
    assert project(rows, TACACS_FIELDS) == [
        ("192.0.2.10", "49", "142", "142", "0", "0", "428", "428", "up"),
        ("2001:db8::11", "4949", "7", "6", "1", "0", "20", "21", "up"),
    ]


def test_own_xr_tacacs_without_status_line_and_space() -> None:
    output = (
        "Server:192.0.2.10/49 opens=1 closes=1 aborts=0 errors=0\n packets in=2 packets out=2\n"
    )
    rows = parse("own:cisco_xr_show_tacacs", output, "show tacacs")
    assert project(rows, TACACS_FIELDS) == [("192.0.2.10", "49", "1", "1", "0", "0", "2", "2", "")]


def test_own_xr_tacacs_unknown_line_raises() -> None:
    output = GSR_XR_TACACS + "        hold-down timer=30 remaining=12\n"
    with pytest.raises(ParseError, match="show tacacs: a line is not known"):
        parse("own:cisco_xr_show_tacacs", output, "show tacacs")


# --------------------------------------------------------------------------------------------
# own:cisco_ios_show_tacacs (the ntc template raises on IOS 12.x)
# --------------------------------------------------------------------------------------------

GSR_IOS_TACACS = """\

Tacacs+ Server     :    192.0.2.10/49
              Socket opens:        142
             Socket closes:        142
             Socket aborts:          0
             Socket errors:          0
           Socket Timeouts:          0
   Failed Connect Attempts:          0
        Total Packets Sent:        428
        Total Packets Recv:        427
          Expected Replies:          0
       No current connection

Tacacs+ Server     :    192.0.2.11/49
              Socket opens:          0
             Socket closes:          0
             Socket aborts:          0
             Socket errors:          3
           Socket Timeouts:          3
   Failed Connect Attempts:          3
        Total Packets Sent:          0
        Total Packets Recv:          0
          Expected Replies:          0
       No current connection
"""

IOS_TACACS_FIELDS = (
    "SERVER",
    "PORT",
    "SERVER_NAME",
    "OPENS",
    "CLOSES",
    "ABORTS",
    "ERRORS",
    "TIMEOUTS",
    "FAILED_CONNECTS",
    "PACKETS_OUT",
    "PACKETS_IN",
    "STATUS",
)


def test_own_ios_tacacs_gsr_12_0s() -> None:
    rows = parse("own:cisco_ios_show_tacacs", GSR_IOS_TACACS, "show tacacs")
    assert project(rows, IOS_TACACS_FIELDS) == [
        ("192.0.2.10", "49", "", "142", "142", "0", "0", "0", "0", "428", "427", ""),
        ("192.0.2.11", "49", "", "0", "0", "0", "3", "3", "3", "0", "0", ""),
    ]


# ntc field -> own field, for the fields both templates have.
NTC_TACACS_FIELDS = {
    "TACACS_SERVER": "SERVER",
    "TACACS_SERVER_NAME": "SERVER_NAME",
    "SERVER_PORT": "PORT",
    "SOCKET_OPENS": "OPENS",
    "SOCKET_CLOSES": "CLOSES",
    "SOCKET_ABORTS": "ABORTS",
    "SOCKET_ERRORS": "ERRORS",
    "SOCKET_TIMEOUTS": "TIMEOUTS",
    "FAILED_CONNECTIONS": "FAILED_CONNECTS",
    "PACKETS_SENT": "PACKETS_OUT",
    "PACKET_RECEIVED": "PACKETS_IN",
}


@pytest.mark.parametrize("raw", corpus_cases("cisco_ios", "show_tacacs"))
def test_own_ios_tacacs_on_corpus(raw: Path) -> None:
    output = read_raw(raw)
    rows = parse("own:cisco_ios_show_tacacs", output, "show tacacs")
    expected = expected_records(raw)
    assert project(rows, tuple(NTC_TACACS_FIELDS.values())) == project(
        expected, tuple(NTC_TACACS_FIELDS)
    )
    statuses = [line.split(":")[1].strip() for line in output.splitlines() if "Status:" in line]
    assert [row["STATUS"] for row in rows if row["STATUS"]] == statuses


def test_own_ios_tacacs_unknown_first_line_raises() -> None:
    with pytest.raises(ParseError, match="before the first server"):
        parse("own:cisco_ios_show_tacacs", GSR_XR_TACACS, "show tacacs")


# --------------------------------------------------------------------------------------------
# own:cisco_xr_show_logging
# --------------------------------------------------------------------------------------------

XR_LOG_HEADER = (
    XR_TIMESTAMP
    + """\
Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)
    Console logging: level warnings, 12 messages logged
    Monitor logging: level debugging, 0 messages logged
    Trap logging: level informational, 1240 messages logged
    Logging to 192.0.2.50, 1240 message lines logged
    Buffer logging: level debugging, 1234 messages logged

Log Buffer (307200 bytes):

"""
)

GSR_XR_LOGGING = (
    XR_LOG_HEADER
    + """\
RP/0/7/CPU0:Nov 22 09:12:01.123 : config[65739]: %MGBL-SYS-5-CONFIG_I : \
Configured from console by netops on vty0 (192.0.2.40)
LC/0/1/CPU0:Nov 22 09:13:14.456 : ifmgr[159]: %PKT_INFRA-LINK-3-UPDOWN : \
Interface POS0/1/0/0, changed state to Down
RP/0/7/CPU0:Nov  2 09:13:20.001 UTC: bgp[1052]: %ROUTING-BGP-5-ADJCHANGE : \
neighbor 10.1.0.6 Down - Interface flap (VRF: default)
RP/0/7/CPU0:Nov 22 09:14:02 : sysmgr[90]: bgp(1) (jid 1052) (pid 213051) abnormally terminated
LC/0/1/CPU0:Nov 22 09:15:00.100 : pse[228]: %L2-PSE-3-PARITY_ERROR : PSE parity error detected:
    PSE 0, block tcam, addr 0x0001f4c0
    corrected

"""
)

XR_LOG_FIELDS = (
    "NODE",
    "YEAR",
    "MONTH",
    "DAY",
    "TIME",
    "PROCESS",
    "FACILITY",
    "SEVERITY",
    "MNEMONIC",
    "MESSAGE",
)


def test_own_xr_logging_gsr_3_9() -> None:
    rows = parse("own:cisco_xr_show_logging", GSR_XR_LOGGING, "show logging")
    assert project(rows, XR_LOG_FIELDS) == [
        (
            "RP/0/7/CPU0",
            "",
            "Nov",
            "22",
            "09:12:01.123",
            "config",
            "MGBL-SYS",
            "5",
            "CONFIG_I",
            "Configured from console by netops on vty0 (192.0.2.40)",
        ),
        (
            "LC/0/1/CPU0",
            "",
            "Nov",
            "22",
            "09:13:14.456",
            "ifmgr",
            "PKT_INFRA-LINK",
            "3",
            "UPDOWN",
            "Interface POS0/1/0/0, changed state to Down",
        ),
        (
            "RP/0/7/CPU0",
            "",
            "Nov",
            "2",
            "09:13:20.001",
            "bgp",
            "ROUTING-BGP",
            "5",
            "ADJCHANGE",
            "neighbor 10.1.0.6 Down - Interface flap (VRF: default)",
        ),
        # No %code: a row all the same, of unknown severity.
        (
            "RP/0/7/CPU0",
            "",
            "Nov",
            "22",
            "09:14:02",
            "sysmgr",
            "",
            "",
            "",
            "bgp(1) (jid 1052) (pid 213051) abnormally terminated",
        ),
        (
            "LC/0/1/CPU0",
            "",
            "Nov",
            "22",
            "09:15:00.100",
            "pse",
            "L2-PSE",
            "3",
            "PARITY_ERROR",
            "PSE parity error detected:",
        ),
    ]
    assert [row["CONTINUATION"] for row in rows] == [
        [],
        [],
        [],
        [],
        ["PSE 0, block tcam, addr 0x0001f4c0", "corrected"],
    ]


def test_own_xr_logging_ignores_a_prompt_line() -> None:
    output = GSR_XR_LOGGING + "RP/0/7/CPU0:nyc-gsr-02#\n"
    rows = parse("own:cisco_xr_show_logging", output, "show logging")
    assert rows == parse("own:cisco_xr_show_logging", GSR_XR_LOGGING, "show logging")


def test_own_xr_logging_with_year() -> None:
    output = (
        XR_LOG_HEADER
        + "RP/0/RSP0/CPU0:2026 Nov 22 09:12:01.123 UTC: config[65739]: %MGBL-SYS-5-CONFIG_I : "
        "Configured from console by netops on vty0 (192.0.2.40)\n"
        + "0/RP0/CPU0:2026 Nov 22 09:12:02.456 UTC: shelfmgr[1234]: "
        "%PLATFORM-SHELFMGR-6-CARD_INSERTED : 0/0 inserted\n"
    )
    rows = parse("own:cisco_xr_show_logging", output, "show logging")
    assert project(rows, ("NODE", "YEAR", "MONTH", "DAY", "TIME", "SEVERITY", "MNEMONIC")) == [
        ("RP/0/RSP0/CPU0", "2026", "Nov", "22", "09:12:01.123", "5", "CONFIG_I"),
        ("0/RP0/CPU0", "2026", "Nov", "22", "09:12:02.456", "6", "CARD_INSERTED"),
    ]


def test_own_xr_logging_unknown_timestamp_raises() -> None:
    output = GSR_XR_LOGGING + "RP/0/7/CPU0:22/11/2026 09:16:00 : config[1]: %MGBL-SYS-5-X : y\n"
    with pytest.raises(ParseError, match="time stamp that is not known"):
        parse("own:cisco_xr_show_logging", output, "show logging")


def test_own_xr_logging_empty_buffer_is_not_a_result() -> None:
    """No message makes no row, and parse() cannot tell that from an unknown output."""
    with pytest.raises(ParseError, match="found nothing"):
        parse("own:cisco_xr_show_logging", XR_LOG_HEADER, "show logging")


# --------------------------------------------------------------------------------------------
# own:cisco_ios_show_logging (ntc's loses messages in the formats of the routers under test)
# --------------------------------------------------------------------------------------------

IOS_LOG_HEADER = """\
Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)
    Console logging: level warnings, 12 messages logged
    Monitor logging: level debugging, 0 messages logged
    Buffer logging: level debugging, 1234 messages logged
    Logging Exception size (4096 bytes)
    Trap logging: level informational, 1240 message lines logged
        Logging to 192.0.2.50, 1240 message lines logged

Log Buffer (307200 bytes):

"""

GSR_IOS_LOGGING = (
    IOS_LOG_HEADER
    + """\
changed state to up
Nov 22 09:12:01.123 UTC: %SYS-5-CONFIG_I: Configured from console by netops on vty0 (192.0.2.40)
*Nov 22 09:13:01.123 UTC: %LINK-3-UPDOWN: Interface POS4/0, changed state to down
000123: Nov 22 09:14:01.123 UTC: %LINEPROTO-5-UPDOWN: \
Line protocol on Interface POS4/0, changed state to down
000124: *Nov 22 09:15:01.456 UTC: %SYS-2-MALLOCFAIL: Memory allocation of 65536 bytes failed \
from 0x6036A2E8, alignment 8
Pool: Processor  Free: 1022340  Cause: Memory fragmentation
Alternate Pool: None  Free: 0  Cause: No Alternate pool
-Process= "BGP Router", ipl= 0, pid= 182
-Traceback= 6036A2E8 6036B0F4 60368E1C
SLOT 2:Nov 22 09:16:01.123 UTC: %SONET-4-ALARM:  POS2/0: SLOS
"""
)

IOS_LOG_FIELDS = ("MONTH", "DAY", "YEAR", "TIME", "UPTIME", "FACILITY", "SEVERITY", "MNEMONIC")


def test_own_ios_logging_gsr_12_0s() -> None:
    rows = parse("own:cisco_ios_show_logging", GSR_IOS_LOGGING, "show logging")
    assert project(rows, IOS_LOG_FIELDS) == [
        ("Nov", "22", "", "09:12:01.123", "", "SYS", "5", "CONFIG_I"),
        ("Nov", "22", "", "09:13:01.123", "", "LINK", "3", "UPDOWN"),
        ("Nov", "22", "", "09:14:01.123", "", "LINEPROTO", "5", "UPDOWN"),
        ("Nov", "22", "", "09:15:01.456", "", "SYS", "2", "MALLOCFAIL"),
        ("Nov", "22", "", "09:16:01.123", "", "SONET", "4", "ALARM"),
    ]
    assert [row["MESSAGE"] for row in rows] == [
        "Configured from console by netops on vty0 (192.0.2.40)",
        "Interface POS4/0, changed state to down",
        "Line protocol on Interface POS4/0, changed state to down",
        "Memory allocation of 65536 bytes failed from 0x6036A2E8, alignment 8",
        "POS2/0: SLOS",
    ]
    assert rows[3]["CONTINUATION"] == [
        "Pool: Processor  Free: 1022340  Cause: Memory fragmentation",
        "Alternate Pool: None  Free: 0  Cause: No Alternate pool",
        '-Process= "BGP Router", ipl= 0, pid= 182',
        "-Traceback= 6036A2E8 6036B0F4 60368E1C",
    ]
    assert all(row["CONTINUATION"] == [] for index, row in enumerate(rows) if index != 3)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "Nov 22 2026 09:16:01.123 UTC: %SYS-5-CONFIG_I: Configured from console",
            ("Nov", "22", "2026", "09:16:01.123", "", "SYS", "5", "CONFIG_I"),
            id="year",
        ),
        pytest.param(
            "Nov 22 09:17:01.123 CEST: %SYS-5-CONFIG_I: Configured from console",
            ("Nov", "22", "", "09:17:01.123", "", "SYS", "5", "CONFIG_I"),
            id="four-letter-timezone",
        ),
        pytest.param(
            "Nov  2 09:17:01: %SYS-5-CONFIG_I: Configured from console",
            ("Nov", "2", "", "09:17:01", "", "SYS", "5", "CONFIG_I"),
            id="no-msec-no-timezone",
        ),
        pytest.param(
            "000125: 1w2d: %LINK-3-UPDOWN: Interface POS4/0, changed state to up",
            ("", "", "", "", "1w2d", "LINK", "3", "UPDOWN"),
            id="uptime",
        ),
        pytest.param(
            "00:01:23: %SYS-5-RESTART: System restarted --",
            ("", "", "", "", "00:01:23", "SYS", "5", "RESTART"),
            id="uptime-hms",
        ),
        pytest.param(
            "%SYS-5-CONFIG_I: Configured from console",
            ("", "", "", "", "", "SYS", "5", "CONFIG_I"),
            id="no-timestamp",
        ),
        pytest.param(
            "Nov 22 09:18:01.123: %C6KPWR-SP-4-PSOK: power supply 1 turned on.",
            ("Nov", "22", "", "09:18:01.123", "", "C6KPWR-SP", "4", "PSOK"),
            id="facility-with-hyphen",
        ),
        pytest.param(
            "Nov 22 09:19:01.123: CEF-HWIDB: EDSP0 LES switching vector set to Null",
            ("Nov", "22", "", "09:19:01.123", "", "", "", ""),
            id="no-code-unknown-severity",
        ),
    ],
)
def test_own_ios_logging_message_formats(line: str, expected: tuple[str, ...]) -> None:
    output = GSR_IOS_LOGGING + line + "\n"
    rows = parse("own:cisco_ios_show_logging", output, "show logging")
    assert len(rows) == 6, "the earlier messages are unchanged, the new one is its own row"
    assert project(rows[-1:], IOS_LOG_FIELDS) == [expected]
    assert rows[-2]["MNEMONIC"] == "ALARM"


# The fields of ntc's cisco_ios_show_logging that the own template also has (ntc's MESSAGE is a
# list: the first line, then the continuation lines as printed).
IOS_LOG_CORPUS_FIELDS = ("MONTH", "DAY", "FACILITY", "SEVERITY", "MNEMONIC")


@pytest.mark.parametrize("raw", corpus_cases("cisco_ios", "show_logging"))
def test_own_ios_logging_on_corpus(raw: Path) -> None:
    rows = parse("own:cisco_ios_show_logging", read_raw(raw), "show logging")
    expected = expected_records(raw)
    assert len(rows) == len(expected)
    for row, record in zip(rows, expected, strict=True):
        # ntc has no uptime value: it reads an uptime stamp ("7:04") as TIME.
        assert (row["TIME"] or row["UPTIME"]) == record["TIME"]
        lines = [row["MESSAGE"], *row["CONTINUATION"]]
        if record["SEVERITY"] == "" and record["FACILITY"]:
            # ntc reads "CEF-HWIDB: text" as facility CEF, mnemonic HWIDB; the own template
            # keeps such a message whole, of unknown severity.
            assert (row["FACILITY"], row["SEVERITY"], row["MNEMONIC"]) == ("", "", "")
            assert row["MONTH"] == record["MONTH"]
            assert lines[0] == f"{record['FACILITY']}-{record['MNEMONIC']}: {record['MESSAGE'][0]}"
            continue
        assert project([row], IOS_LOG_CORPUS_FIELDS) == project([record], IOS_LOG_CORPUS_FIELDS)
        assert lines == [line.strip() for line in record["MESSAGE"]]


def test_own_ios_logging_empty_buffer_is_not_a_result() -> None:
    """No message makes no row, and parse() cannot tell that from an unknown output."""
    with pytest.raises(ParseError, match="found nothing"):
        parse("own:cisco_ios_show_logging", IOS_LOG_HEADER, "show logging")


# ntc cisco_ios_show_logging defects, each on the GSR output plus one message.


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="ntc cisco_ios_show_logging knows no year in the timestamp ('service timestamps log "
    "datetime ... year'): 'Nov 22 2026 09:16:01.123 UTC: %SYS-5-CONFIG_I: ...' is appended to "
    "the previous message's MESSAGE list instead of being a message of its own",
)
def test_ntc_ios_logging_year_is_a_message() -> None:
    output = GSR_IOS_LOGGING.replace(
        "SLOT 2:Nov 22 09:16:01.123 UTC: %SONET-4-ALARM:  POS2/0: SLOS\n",
        "Nov 22 2026 09:16:01.123 UTC: %SYS-5-CONFIG_I: Configured from console by netops\n",
    )
    rows = parse("ntc:cisco_ios_show_logging", output, "show logging")
    assert [row["MNEMONIC"] for row in rows][-1] == "CONFIG_I"
    assert len(rows) == 5


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="ntc cisco_ios_show_logging reads '000124: *Nov 22 ...' (sequence number, then a "
    "clock that is not authoritative) with MONTH '*Nov' and without recording the message "
    "before it: message 000123 is merged into 000124, its time overwritten",
)
def test_ntc_ios_logging_sequence_and_star_keeps_each_message() -> None:
    output = (
        IOS_LOG_HEADER
        + "000123: Nov 22 09:14:01.123 UTC: %LINEPROTO-5-UPDOWN: Line protocol on Interface "
        "POS4/0, changed state to down\n"
        + "000124: *Nov 22 09:15:01.456 UTC: %LINK-3-UPDOWN: Interface POS4/0, changed state "
        "to up\n"
    )
    rows = parse("ntc:cisco_ios_show_logging", output, "show logging")
    assert [(row["NUMBER"], row["MONTH"], row["TIME"]) for row in rows] == [
        ("000123", "Nov", "09:14:01.123"),
        ("000124", "Nov", "09:15:01.456"),
    ]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="ntc cisco_ios_show_logging has TIMEZONE (\\S{3}): a message stamped with a timezone "
    "of another length ('CEST' in summer, beside 'CET' in winter) is not known: the first is "
    "dropped, a later one becomes a row with every field empty and the raw line as MESSAGE",
)
def test_ntc_ios_logging_four_letter_timezone() -> None:
    output = IOS_LOG_HEADER + (
        "Oct 25 01:59:58.123 CEST: %SYS-5-CONFIG_I: Configured from console by netops\n"
        "Oct 25 02:00:01.123 CET: %LINK-3-UPDOWN: Interface POS4/0, changed state to down\n"
        "Oct 25 02:00:02.123 CET: %LINEPROTO-5-UPDOWN: Line protocol on Interface POS4/0, "
        "changed state to down\n"
        "Mar 29 03:00:01.123 CEST: %LINK-3-UPDOWN: Interface POS4/0, changed state to up\n"
    )
    rows = parse("ntc:cisco_ios_show_logging", output, "show logging")
    assert [(row["MONTH"], row["MNEMONIC"]) for row in rows] == [
        ("Oct", "CONFIG_I"),
        ("Oct", "UPDOWN"),
        ("Oct", "UPDOWN"),
        ("Mar", "UPDOWN"),
    ]


def test_own_ios_logging_ignores_a_prompt_line() -> None:
    output = GSR_IOS_LOGGING + "nyc-gsr-01#\n"
    rows = parse("own:cisco_ios_show_logging", output, "show logging")
    assert rows == parse("own:cisco_ios_show_logging", GSR_IOS_LOGGING, "show logging")
    assert rows[-1]["CONTINUATION"] == []


def test_own_ios_logging_timezone_change() -> None:
    output = IOS_LOG_HEADER + (
        "Oct 25 01:59:58.123 CEST: %SYS-5-CONFIG_I: Configured from console by netops\n"
        "Oct 25 02:00:01.123 CET: %LINK-3-UPDOWN: Interface POS4/0, changed state to down\n"
    )
    rows = parse("own:cisco_ios_show_logging", output, "show logging")
    assert project(rows, ("MONTH", "DAY", "TIME", "MNEMONIC")) == [
        ("Oct", "25", "01:59:58.123", "CONFIG_I"),
        ("Oct", "25", "02:00:01.123", "UPDOWN"),
    ]


# --------------------------------------------------------------------------------------------
# own:cisco_xr_show_clock, ntc:cisco_ios_show_clock
# --------------------------------------------------------------------------------------------

CLOCK = {
    "TIME": "10:00:11.234",
    "TIMEZONE": "UTC",
    "DAYWEEK": "Sun",
    "MONTH": "Nov",
    "DAY": "22",
    "YEAR": "2026",
}


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(XR_TIMESTAMP + "10:00:11.234 UTC Sun Nov 22 2026\n", id="xr"),
        pytest.param(XR_TIMESTAMP + "\n*10:00:11.234 UTC Sun Nov 22 2026\n", id="xr-star"),
        pytest.param(
            XR_TIMESTAMP + "10:00:11.234 UTC Sun Nov 22 2026\nTime source is NTP\n", id="detail"
        ),
    ],
)
def test_own_xr_show_clock(output: str) -> None:
    assert only_row(parse("own:cisco_xr_show_clock", output, "show clock")) == CLOCK


def test_own_xr_show_clock_unknown_line_raises() -> None:
    output = XR_TIMESTAMP + "Clock is not set\n"
    with pytest.raises(ParseError, match="show clock: a line is not known"):
        parse("own:cisco_xr_show_clock", output, "show clock")


@pytest.mark.parametrize(
    "output",
    [
        pytest.param("*10:00:11.234 UTC Sun Nov 22 2026\n", id="not-authoritative"),
        pytest.param(".10:00:11.234 UTC Sun Nov 22 2026\n", id="not-synchronised"),
        pytest.param("10:00:11.234 UTC Sun Nov 22 2026\n", id="synchronised"),
        pytest.param("10:00:11.234 UTC Sun Nov 22 2026\nTime source is NTP\n", id="detail"),
    ],
)
def test_ntc_ios_show_clock(output: str) -> None:
    assert only_row(parse("ntc:cisco_ios_show_clock", output, "show clock")) == CLOCK


# --------------------------------------------------------------------------------------------
# ntc templates against the corpus
# --------------------------------------------------------------------------------------------

IOS_INTERFACE_FIELDS = (
    "INTERFACE",
    "LINK_STATUS",
    "PROTOCOL_STATUS",
    "DESCRIPTION",
    "IP_ADDRESS",
    "PREFIX_LENGTH",
    "INPUT_ERRORS",
    "CRC",
    "OUTPUT_ERRORS",
)
# ntc's IOS-XR template names the line protocol ADMIN_STATE and keeps the prefix length in
# IP_ADDRESS ("10.0.0.2/30", "Unknown" when there is none).
XR_INTERFACE_FIELDS = (
    "INTERFACE",
    "LINK_STATUS",
    "ADMIN_STATE",
    "DESCRIPTION",
    "IP_ADDRESS",
    "INPUT_ERRORS",
    "CRC",
    "OUTPUT_ERRORS",
)
PING_FIELDS = (
    "SENT_QTY",
    "DESTINATION",
    "SOURCE",
    "SUCCESS_PCT",
    "SUCCESS_QTY",
    "RTT_MIN",
    "RTT_AVG",
    "RTT_MAX",
)

# (template, corpus platform, corpus folder, the fields the harness relies on)
NTC_TABLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("ntc:cisco_ios_show_interfaces", "cisco_ios", "show_interfaces", IOS_INTERFACE_FIELDS),
    ("ntc:cisco_xr_show_interfaces", "cisco_xr", "show_interfaces", XR_INTERFACE_FIELDS),
    (
        "ntc:cisco_ios_show_interfaces_description",
        "cisco_ios",
        "show_interfaces_description",
        ("PORT", "STATUS", "PROTOCOL", "DESCRIPTION"),
    ),
    (
        "ntc:cisco_xr_show_interfaces_description",
        "cisco_xr",
        "show_interfaces_description",
        ("INTERFACE", "STATUS", "PROTOCOL", "DESCRIPTION"),
    ),
    ("ntc:cisco_ios_ping", "cisco_ios", "ping", PING_FIELDS),
    ("ntc:cisco_xr_ping", "cisco_xr", "ping", tuple(f for f in PING_FIELDS if f != "SOURCE")),
    (
        "ntc:cisco_ios_show_tacacs",
        "cisco_ios",
        "show_tacacs",
        tuple(NTC_TACACS_FIELDS),
    ),
)

NTC_CASES = [
    case
    for ref, platform, folder, fields in NTC_TABLES
    for case in corpus_cases(platform, folder, ref, folder.replace("_", " "), fields)
]


@pytest.mark.parametrize(("ref", "command", "fields", "raw"), NTC_CASES)
def test_ntc_template_matches_corpus(
    ref: str, command: str, fields: tuple[str, ...], raw: Path
) -> None:
    rows = parse(ref, read_raw(raw), command)
    expected = expected_records(raw)
    assert expected, f"{raw.name}: the yml has no records to compare with"
    assert project(rows, fields) == project(expected, fields)


# --------------------------------------------------------------------------------------------
# ntc:cisco_ios_show_interfaces and ntc:cisco_xr_show_interfaces on the GSR
# --------------------------------------------------------------------------------------------


def with_status_line_space(output: str) -> str:
    """IOS and IOS-XR end "X is up, line protocol is up" with a space; so do the samples."""
    return re.sub(r"(, line protocol is [^\n]*[^\s])\n", r"\1 \n", output)


GSR_IOS_INTERFACES = with_status_line_space("""\
POS4/0 is up, line protocol is up
  Hardware is Packet over Sonet
  Description: ORD-20261122-01 ACME-BACKBONE OC48
  Internet address is 10.1.0.1/30
  MTU 4470 bytes, BW 2488320 Kbit, DLY 100 usec, rely 255/255, load 1/255
  Encapsulation HDLC, crc 32, loopback not set
  Keepalive set (10 sec)
  Scramble enabled
  Last input 00:00:00, output 00:00:00, output hang never
  Last clearing of "show interface" counters never
  Queueing strategy: fifo
  Output queue 0/40, 0 drops; input queue 0/75, 0 drops
  5 minute input rate 2000 bits/sec, 3 packets/sec
  5 minute output rate 1000 bits/sec, 2 packets/sec
     12345678 packets input, 987654321 bytes, 0 no buffer
     Received 0 broadcasts, 0 runts, 0 giants, 0 throttles
              0 parity
     3 input errors, 2 CRC, 0 frame, 0 overrun, 0 ignored, 1 abort
     12345000 packets output, 987650000 bytes, 0 underruns
     4 output errors, 0 applique, 1 interface resets
     0 output buffer failures, 0 output buffers swapped out
     2 carrier transitions
GigabitEthernet2/0 is up, line protocol is up
  Hardware is GigMac 4 Port GigabitEthernet, address is 0012.7f3a.2c00 (bia 0012.7f3a.2c00)
  Description: CORE nyc-gsr-02 Gi0/0/0/0
  Internet address is 10.0.0.1/30
  MTU 1500 bytes, BW 1000000 Kbit, DLY 10 usec, rely 255/255, load 1/255
  Encapsulation ARPA, loopback not set
  Keepalive set (10 sec)
  Full-duplex mode, link type is force-up, media type is SX
  output flow-control is on, input flow-control is on
  ARP type: ARPA, ARP Timeout 04:00:00
  Last input 00:00:00, output 00:00:00, output hang never
  Last clearing of "show interface" counters never
  Queueing strategy: fifo
  Output queue 0/40, 0 drops; input queue 0/75, 0 drops
  5 minute input rate 5000 bits/sec, 6 packets/sec
  5 minute output rate 4000 bits/sec, 5 packets/sec
     2345678 packets input, 234567890 bytes, 0 no buffer
     Received 12 broadcasts, 0 runts, 0 giants, 0 throttles
     5 input errors, 5 CRC, 0 frame, 0 overrun, 0 ignored
     0 watchdog, 345 multicast, 0 pause input
     2345000 packets output, 234560000 bytes, 0 underruns
     0 output errors, 0 collisions, 0 interface resets
     0 babbles, 0 late collision, 0 deferred
     0 lost carrier, 0 no carrier, 0 pause output
     0 output buffer failures, 0 output buffers swapped out
GigabitEthernet2/1 is administratively down, line protocol is down
  Hardware is GigMac 4 Port GigabitEthernet, address is 0012.7f3a.2c01 (bia 0012.7f3a.2c01)
  MTU 1500 bytes, BW 1000000 Kbit, DLY 10 usec, rely 255/255, load 1/255
  Encapsulation ARPA, loopback not set
  Keepalive set (10 sec)
  Full-duplex mode, link type is autonegotiation, media type is SX
  output flow-control is on, input flow-control is on
  ARP type: ARPA, ARP Timeout 04:00:00
  Last input never, output never, output hang never
  Last clearing of "show interface" counters never
  Queueing strategy: fifo
  Output queue 0/40, 0 drops; input queue 0/75, 0 drops
  5 minute input rate 0 bits/sec, 0 packets/sec
  5 minute output rate 0 bits/sec, 0 packets/sec
     0 packets input, 0 bytes, 0 no buffer
     Received 0 broadcasts, 0 runts, 0 giants, 0 throttles
     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored
     0 watchdog, 0 multicast, 0 pause input
     0 packets output, 0 bytes, 0 underruns
     0 output errors, 0 collisions, 0 interface resets
     0 babbles, 0 late collision, 0 deferred
     0 lost carrier, 0 no carrier, 0 pause output
     0 output buffer failures, 0 output buffers swapped out
Loopback0 is up, line protocol is up
  Hardware is Loopback
  Description: nyc-gsr-01 router-id
  Internet address is 192.0.2.1/32
  MTU 1514 bytes, BW 8000000 Kbit, DLY 5000 usec, rely 255/255, load 1/255
  Encapsulation LOOPBACK, loopback not set
  Last input never, output never, output hang never
  Last clearing of "show interface" counters never
  Queueing strategy: fifo
  Output queue 0/0, 0 drops; input queue 0/75, 0 drops
  5 minute input rate 0 bits/sec, 0 packets/sec
  5 minute output rate 0 bits/sec, 0 packets/sec
     0 packets input, 0 bytes, 0 no buffer
     Received 0 broadcasts, 0 runts, 0 giants, 0 throttles
     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort
     0 packets output, 0 bytes, 0 underruns
     0 output errors, 0 collisions, 0 interface resets
     0 output buffer failures, 0 output buffers swapped out
""")


def test_ntc_ios_show_interfaces_on_gsr_12_0s() -> None:
    rows = parse("ntc:cisco_ios_show_interfaces", GSR_IOS_INTERFACES, "show interfaces")
    assert project(rows, tuple(f for f in IOS_INTERFACE_FIELDS if f != "OUTPUT_ERRORS")) == [
        (
            "POS4/0",
            "up",
            "up",
            "ORD-20261122-01 ACME-BACKBONE OC48",
            "10.1.0.1",
            "30",
            "3",
            "2",
        ),
        (
            "GigabitEthernet2/0",
            "up",
            "up",
            "CORE nyc-gsr-02 Gi0/0/0/0",
            "10.0.0.1",
            "30",
            "5",
            "5",
        ),
        ("GigabitEthernet2/1", "administratively down", "down", "", "", "", "0", "0"),
        ("Loopback0", "up", "up", "nyc-gsr-01 router-id", "192.0.2.1", "32", "0", "0"),
    ]
    assert [row["OUTPUT_ERRORS"] for row in rows[1:]] == ["0", "0", "0"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="ntc cisco_ios_show_interfaces reads OUTPUT_ERRORS only from '... output errors, "
    "N collisions, N interface resets': on POS and serial interfaces IOS prints '4 output "
    "errors, 0 applique, 1 interface resets' and OUTPUT_ERRORS is silently empty",
)
def test_ntc_ios_show_interfaces_pos_output_errors() -> None:
    rows = parse("ntc:cisco_ios_show_interfaces", GSR_IOS_INTERFACES, "show interfaces")
    assert rows[0]["INTERFACE"] == "POS4/0"
    assert rows[0]["OUTPUT_ERRORS"] == "4"


GSR_XR_INTERFACES = XR_TIMESTAMP + with_status_line_space(
    """\
POS0/1/0/0 is up, line protocol is up
  Interface state transitions: 1
  Hardware is Packet over SONET/SDH
  Description: ORD-20261122-02 ACME-BACKBONE OC48
  Internet address is 10.1.0.5/30
  MTU 4474 bytes, BW 2488320 Kbit
     reliability 255/255, txload 0/255, rxload 0/255
  Encapsulation HDLC, crc 32, controller loopback not set, keepalive set (10 sec)
  Last clearing of "show interface" counters never
  5 minute input rate 2000 bits/sec, 3 packets/sec
  5 minute output rate 1000 bits/sec, 2 packets/sec
     12345678 packets input, 987654321 bytes, 0 total input drops
     0 drops for unrecognized upper-level protocol
     Received 0 runts, 0 giants, 0 throttles, 0 parity
     3 input errors, 2 CRC, 0 frame, 0 overrun, 0 ignored, 1 abort
     12345000 packets output, 987650000 bytes, 0 total output drops
     Output 0 broadcast packets, 0 multicast packets
     4 output errors, 0 underruns, 0 applique, 0 resets
     0 output buffer failures, 0 output buffers swapped out
     1 carrier transitions

GigabitEthernet0/0/0/0 is up, line protocol is up
  Interface state transitions: 1
  Hardware is GigabitEthernet, address is 0019.e8a4.1b00 (bia 0019.e8a4.1b00)
  Description: CORE nyc-gsr-01 Gi2/0
  Internet address is 10.0.0.2/30
  MTU 1514 bytes, BW 1000000 Kbit
     reliability 255/255, txload 0/255, rxload 0/255
  Encapsulation ARPA,
  Full-duplex, 1000Mb/s, SX, link type is force-up
  output flow control is off, input flow control is off
  loopback not set,
  ARP type ARPA, ARP timeout 04:00:00
  Last input 00:00:00, output 00:00:00
  Last clearing of "show interface" counters never
  5 minute input rate 5000 bits/sec, 6 packets/sec
  5 minute output rate 4000 bits/sec, 5 packets/sec
     2345678 packets input, 234567890 bytes, 0 total input drops
     0 drops for unrecognized upper-level protocol
     Received 12 broadcast packets, 345 multicast packets
              0 runts, 0 giants, 0 throttles, 0 parity
     5 input errors, 5 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort
     2345000 packets output, 234560000 bytes, 0 total output drops
     Output 12 broadcast packets, 345 multicast packets
     0 output errors, 0 underruns, 0 applique, 0 resets
     0 output buffer failures, 0 output buffers swapped out
     1 carrier transitions

GigabitEthernet0/0/0/3 is administratively down, line protocol is administratively down
  Interface state transitions: 0
  Hardware is GigabitEthernet, address is 0019.e8a4.1b03 (bia 0019.e8a4.1b03)
  Internet address is Unknown
  MTU 1514 bytes, BW 1000000 Kbit
     reliability 255/255, txload 0/255, rxload 0/255
  Encapsulation ARPA,
  Full-duplex, 1000Mb/s, SX, link type is force-up
  output flow control is off, input flow control is off
  loopback not set,
  Last input never, output never
  Last clearing of "show interface" counters never
  5 minute input rate 0 bits/sec, 0 packets/sec
  5 minute output rate 0 bits/sec, 0 packets/sec
     0 packets input, 0 bytes, 0 total input drops
     0 drops for unrecognized upper-level protocol
     Received 0 broadcast packets, 0 multicast packets
              0 runts, 0 giants, 0 throttles, 0 parity
     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort
     0 packets output, 0 bytes, 0 total output drops
     Output 0 broadcast packets, 0 multicast packets
     0 output errors, 0 underruns, 0 applique, 0 resets
     0 output buffer failures, 0 output buffers swapped out
     0 carrier transitions

Loopback0 is up, line protocol is up
  Interface state transitions: 1
  Hardware is Loopback interface(s)
  Description: nyc-gsr-02 router-id
  Internet address is 192.0.2.2/32
  MTU 1514 bytes, BW 0 Kbit
     reliability Unknown, txload Unknown, rxload Unknown
  Encapsulation Loopback,  loopback not set,
  Last input Unknown, output Unknown
  Last clearing of "show interface" counters Unknown
  Input/output data rate is disabled.
"""
)


def test_ntc_xr_show_interfaces_on_gsr_3_9() -> None:
    rows = parse("ntc:cisco_xr_show_interfaces", GSR_XR_INTERFACES, "show interfaces")
    assert project(rows, XR_INTERFACE_FIELDS) == [
        (
            "POS0/1/0/0",
            "up",
            "up",
            "ORD-20261122-02 ACME-BACKBONE OC48",
            "10.1.0.5/30",
            "3",
            "2",
            "4",
        ),
        (
            "GigabitEthernet0/0/0/0",
            "up",
            "up",
            "CORE nyc-gsr-01 Gi2/0",
            "10.0.0.2/30",
            "5",
            "5",
            "0",
        ),
        (
            "GigabitEthernet0/0/0/3",
            "administratively down",
            "administratively down",
            "",
            "Unknown",
            "0",
            "0",
            "0",
        ),
        # A loopback prints no counters: they are empty, not zero.
        ("Loopback0", "up", "up", "nyc-gsr-02 router-id", "192.0.2.2/32", "", "", ""),
    ]


# --------------------------------------------------------------------------------------------
# ntc interface descriptions on the GSR
# --------------------------------------------------------------------------------------------

GSR_IOS_DESCRIPTIONS = """\
Interface              Status         Protocol Description
PO4/0                  up             up       ORD-20261122-01 ACME-BACKBONE OC48
Gi2/0                  up             up       CORE nyc-gsr-02 Gi0/0/0/0
Gi2/1                  admin down     down
Et0                    up             up       OOB mgmt
Lo0                    up             up       nyc-gsr-01 router-id
"""

GSR_XR_DESCRIPTIONS = (
    XR_TIMESTAMP
    + """
Interface          Status      Protocol    Description
--------------------------------------------------------------------------------
Lo0                up          up          nyc-gsr-02 router-id
Mg0/7/CPU0/0       up          up          OOB mgmt
PO0/1/0/0          up          up          ORD-20261122-02 ACME-BACKBONE OC48
Gi0/0/0/0          up          up          CORE nyc-gsr-01 Gi2/0
Gi0/0/0/3          admin-down  admin-down
"""
)


def test_ntc_ios_interfaces_description_on_gsr_12_0s() -> None:
    rows = parse(
        "ntc:cisco_ios_show_interfaces_description",
        GSR_IOS_DESCRIPTIONS,
        "show interfaces description",
    )
    assert project(rows, ("PORT", "STATUS", "PROTOCOL", "DESCRIPTION")) == [
        ("PO4/0", "up", "up", "ORD-20261122-01 ACME-BACKBONE OC48"),
        ("Gi2/0", "up", "up", "CORE nyc-gsr-02 Gi0/0/0/0"),
        ("Gi2/1", "admin down", "down", ""),
        ("Et0", "up", "up", "OOB mgmt"),
        ("Lo0", "up", "up", "nyc-gsr-01 router-id"),
    ]


def test_ntc_xr_interfaces_description_on_gsr_3_9() -> None:
    rows = parse(
        "ntc:cisco_xr_show_interfaces_description",
        GSR_XR_DESCRIPTIONS,
        "show interfaces description",
    )
    assert project(rows, ("INTERFACE", "STATUS", "PROTOCOL", "DESCRIPTION")) == [
        ("Lo0", "up", "up", "nyc-gsr-02 router-id"),
        ("Mg0/7/CPU0/0", "up", "up", "OOB mgmt"),
        ("PO0/1/0/0", "up", "up", "ORD-20261122-02 ACME-BACKBONE OC48"),
        ("Gi0/0/0/0", "up", "up", "CORE nyc-gsr-01 Gi2/0"),
        ("Gi0/0/0/3", "admin-down", "admin-down", ""),
    ]


# --------------------------------------------------------------------------------------------
# ntc ping on the GSR
# --------------------------------------------------------------------------------------------

BANGS_100 = "!" * 70 + "\n" + "!" * 30 + "\n"
DOTS_100 = "." * 70 + "\n" + "." * 30 + "\n"


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        pytest.param(
            "Type escape sequence to abort.\n"
            "Sending 100, 1500-byte ICMP Echos to 10.1.0.2, timeout is 2 seconds:\n"
            "Packet sent with a source address of 10.1.0.1 \n"
            + BANGS_100
            + "Success rate is 100 percent (100/100), round-trip min/avg/max = 1/2/4 ms\n",
            ("100", "10.1.0.2", "10.1.0.1", "100", "100", "1", "2", "4"),
            id="intrapop-link-sourced",
        ),
        pytest.param(
            "Type escape sequence to abort.\n"
            "Sending 100, 100-byte ICMP Echos to 198.51.100.7, timeout is 2 seconds:\n"
            "Packet sent with a source address of 192.0.2.1 \n"
            + DOTS_100
            + "Success rate is 0 percent (0/100)\n",
            ("100", "198.51.100.7", "192.0.2.1", "0", "0", "", "", ""),
            id="loopback-sourced-no-answer",
        ),
        pytest.param(
            "Type escape sequence to abort.\n"
            "Sending 100, 100-byte ICMP Echos to 10.1.0.2, timeout is 2 seconds:\n"
            + "!" * 60
            + "."
            + "!" * 9
            + "\n"
            + "!" * 30
            + "\nSuccess rate is 99 percent (99/100), round-trip min/avg/max = 1/1/8 ms\n",
            ("100", "10.1.0.2", "", "99", "99", "1", "1", "8"),
            id="one-lost",
        ),
    ],
)
def test_ntc_ios_ping_on_gsr_12_0s(output: str, expected: tuple[str, ...]) -> None:
    row = only_row(parse("ntc:cisco_ios_ping", output, "ping"))
    assert project([row], PING_FIELDS) == [expected]


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        pytest.param(
            XR_TIMESTAMP + "Type escape sequence to abort.\n"
            "Sending 100, 1500-byte ICMP Echos to 10.1.0.6, timeout is 2 seconds:\n"
            + BANGS_100
            + "Success rate is 100 percent (100/100), round-trip min/avg/max = 1/2/4 ms\n",
            ("100", "10.1.0.6", "100", "100", "1", "2", "4"),
            id="intrapop-link",
        ),
        pytest.param(
            XR_TIMESTAMP + "Type escape sequence to abort.\n"
            "Sending 100, 100-byte ICMP Echos to 198.51.100.7, timeout is 2 seconds:\n"
            + DOTS_100
            + "Success rate is 0 percent (0/100)\n",
            ("100", "198.51.100.7", "0", "0", "", "", ""),
            id="no-answer",
        ),
    ],
)
def test_ntc_xr_ping_on_gsr_3_9(output: str, expected: tuple[str, ...]) -> None:
    row = only_row(parse("ntc:cisco_xr_ping", output, "ping"))
    assert project([row], tuple(f for f in PING_FIELDS if f != "SOURCE")) == [expected]


# --------------------------------------------------------------------------------------------
# ntc:cisco_ios_show_tacacs on IOS 12.0S
# --------------------------------------------------------------------------------------------


@pytest.mark.xfail(
    strict=True,
    raises=ParseError,
    reason="ntc cisco_ios_show_tacacs knows only the 15.x layout ('Server address:', "
    "'Server port:'): on the classic 12.x layout ('Tacacs+ Server     :    192.0.2.10/49') "
    "it reads no address and raises on 'Expected Replies:' and 'No current connection'",
)
def test_ntc_ios_show_tacacs_on_gsr_12_0s() -> None:
    rows = parse("ntc:cisco_ios_show_tacacs", GSR_IOS_TACACS, "show tacacs")
    assert [row["TACACS_SERVER"] for row in rows] == ["192.0.2.10", "192.0.2.11"]


# --------------------------------------------------------------------------------------------
# Outputs that are not results must raise ParseError
# --------------------------------------------------------------------------------------------

OWN_TEMPLATES = (
    "own:cisco_ios_show_ip_sla_statistics",
    "own:cisco_ios_show_rtr_operational_state",
    "own:cisco_xr_show_ipsla_statistics",
    "own:cisco_ios_show_memory_statistics",
    "own:cisco_xr_show_memory_summary",
    "own:cisco_ios_show_tacacs",
    "own:cisco_xr_show_tacacs",
    "own:cisco_ios_show_logging",
    "own:cisco_xr_show_logging",
    "own:cisco_xr_show_clock",
)
NTC_TEMPLATES = (
    "ntc:cisco_ios_show_interfaces",
    "ntc:cisco_xr_show_interfaces",
    "ntc:cisco_ios_show_interfaces_description",
    "ntc:cisco_xr_show_interfaces_description",
    "ntc:cisco_ios_ping",
    "ntc:cisco_xr_ping",
    "ntc:cisco_ios_show_clock",
)


@pytest.mark.parametrize("ref", OWN_TEMPLATES + NTC_TEMPLATES)
def test_invalid_input_raises_for_every_template(ref: str) -> None:
    with pytest.raises(ParseError, match="rejected"):
        parse(ref, INVALID_INPUT, "the command")


@pytest.mark.parametrize("ref", OWN_TEMPLATES)
def test_own_template_on_another_command_output_raises(ref: str) -> None:
    """No own template reads a row out of an output it does not know."""
    output = (
        "Cisco Internetwork Operating System Software\n"
        "IOS (tm) GS Software (C12KPRP-K4P-M), Version 12.0(32)SY8, RELEASE SOFTWARE (fc1)\n"
        "nyc-gsr-01 uptime is 1 year, 12 weeks, 3 days, 4 hours, 5 minutes\n"
    )
    with pytest.raises(ParseError):
        parse(ref, output, "show version")
