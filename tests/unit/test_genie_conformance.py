"""Conformance with genieparser (issue 11): every golden output read twice, compared fact by fact.

`../shared/corpus/genieparser/<os>/<Parser>/` holds the real outputs of genieparser's test
suite and, beside each, what Genie's own parser read from it: an independent reading. Each
output of a command this project reads is read here through the project's own recipe (the
template and the builder a run uses) and the facts are compared with Genie's: files, sizes and
free space (`dir`), ping statistics, the clock, interface states, descriptions and error
counters, inventory rows, IP SLA results, log messages and the buffer's level, the processor
pool, TACACS+ counters. The BGP summaries, ISIS neighbours and `show version` are compared in
`test_real_output_traps.py` and by the software tests.

Each output has one outcome:
- it agrees;
- Genie is wrong: listed in `GENIE_WRONG` with the facts it gets wrong and why, decided from
  the raw text; every other fact must still agree;
- it is not this command's output (another command, a fragment, a capture edited by hand):
  listed in `NOT_THIS_COMMAND` with the reason, and the project's reader must refuse it
  (ParseError), never read rows from it.
Any other disagreement fails, first of all a row that Genie keeps and this project drops.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from netaccept.core.interfaces import same_interface
from netaccept.inventory import Device, Intrapop, IntrapopLink, load_inventory
from netaccept.platforms import registry
from netaccept.platforms.facts import SEVERITY_NAMES
from netaccept.platforms.parsing import ParseError, read
from tests.conftest import LAB_INVENTORY
from tests.unit.test_check_decisions import build as build_fact
from tests.unit.test_check_decisions import recorded
from tests.unit.test_real_output_traps import (
    GENIE,
    IOS,
    XR,
    build,
    changed,
    genie,
    genie_expected,
)

Facts = dict[str, Any]
"""One output's facts, by what they are about (`file boot`, `GigabitEthernet0/0`, ...)."""

# --------------------------------------------------------------------------------------------
# The outputs, as the router printed them
# --------------------------------------------------------------------------------------------

# What a capture of the router's answer never holds: the command echoed after a prompt
# (`PE1>show ...`, `#show ...`, `dir drec0:`, `ping 10.66.12.12`), a prompt alone, or
# pyATS's `[time] +++ device: executing command ... +++` banner.
_NOT_OUTPUT = re.compile(
    r"^\s*(?:[\w.-]*[#>]\s*(?:(?:sh\w*|dir|ping)\b.*)?"
    r"|(?:dir|ping)\s+\S+\s*"
    r"|(?:\[[^]]*\]\s*)?\+{2,}\s.*\s\+{2,})$"
)


def router_output(path: str) -> str:
    """The golden output as a session captures it: no echo, no prompt, no added indentation."""
    lines = [line for line in genie(path).splitlines() if not _NOT_OUTPUT.match(line)]
    return textwrap.dedent("\n".join(lines)).strip("\n") + "\n"


def device_for(path: str) -> Device:
    return XR if path.startswith("iosxr/") else IOS


# --------------------------------------------------------------------------------------------
# Each folder's facts: ours through the project's recipe, Genie's from its expected parse
# --------------------------------------------------------------------------------------------


def _ours_dir(device: Device, output: str) -> Facts:
    listing = build("image_directory", device, output)
    facts: Facts = {f"file {name}": size for name, size in listing.files.items()}
    return facts | {"bytes total": listing.total_bytes, "bytes free": listing.free_bytes}


def _theirs_dir(expected: Any) -> Facts:
    found = expected["dir"]
    if "dir_name" in found:  # IOS-XR: the totals as printed, "1012660 kbytes"
        files, totals = found["files"], (found.get("total_bytes"), found.get("total_free_bytes"))
    else:
        folder = found[found["dir"]]
        files, totals = folder["files"], (folder.get("bytes_total"), folder.get("bytes_free"))
    facts: Facts = {f"file {name}": int(file["size"]) for name, file in files.items()}
    for what, total in zip(("bytes total", "bytes free"), totals, strict=True):
        if total is not None:
            number, _, unit = str(total).partition(" ")
            facts[what] = int(number) * (1024 if unit == "kbytes" else 1)
    return facts


def _one_ping(device: Device) -> Device:
    link = IntrapopLink(interface="Loopback0", peer="peer", peer_address="192.0.2.99")
    return device.model_copy(update={"intrapop": Intrapop(links=[link])})


def _ours_ping(device: Device, output: str) -> Facts:
    [ping] = build("intrapop_pings", _one_ping(device), output)
    return {
        "sent": ping.sent,
        "received": ping.received,
        "success percent": ping.success_percent,
        "average ms": ping.rtt_avg_ms,
    }


def _theirs_ping(expected: Any) -> Facts:
    statistics = expected["ping"]["statistics"]
    average = statistics.get("round_trip", {}).get("avg_ms")
    return {
        "sent": statistics["send"],
        "received": statistics["received"],
        "success percent": int(statistics["success_rate_percent"]),
        "average ms": None if average is None else int(average),
    }


def _with_lab(device: Device, command: str, output: str) -> dict[str, str]:
    """The lab router's recorded outputs, with `output` as its answer to `command`."""
    outputs, _dns = recorded(device)
    return {**outputs, command: output}


def _ours_clock(device: Device, output: str) -> Facts:
    # The clock as the logs check reads it (the log buffer and configuration the lab's).
    logs = build_fact("logs", device, _with_lab(device, "show clock", output))
    [source] = [s for s in registry.sources("logs", device) if s.command == "show clock"]
    [row] = read(source.reader, output, source.command)
    return {"clock": logs.clock, "time zone": row["TIMEZONE"]}


def _theirs_clock(expected: Any) -> Facts:
    when = f"{expected['year']} {expected['month']} {expected['day']} {expected['time']}"
    return {
        "clock": datetime.strptime(when.split(".")[0], "%Y %b %d %H:%M:%S"),
        "time zone": expected["timezone"],
    }


def _enabled(link: str) -> bool:
    """The interface is not shut down (nor deleted), as Genie's `enabled` says."""
    return link not in ("administratively down", "admin-down", "deleted")


def _ours_interfaces(device: Device, output: str) -> Facts:
    return {
        state.name: {
            "enabled": _enabled(state.link),
            # Without its note: "down (disabled)" is down, as Genie keeps it.
            "line protocol": re.sub(r"\s*\(.*\)$", "", state.protocol) or None,
            "description": state.description,
            "input errors": state.input_errors,
            "CRC": state.crc,
            "output errors": state.output_errors,
        }
        for state in build("interfaces_state", device, output)
    }


def _theirs_interfaces(expected: Any) -> Facts:
    # Genie's `oper_status` is its copy of the line protocol, not the first state. IOS-XR
    # prints no counters for a loopback or Null0: no errors to count, where Genie has none.
    facts: Facts = {}
    for name, interface in expected.items():
        counters = interface.get("counters", {})
        if "in_errors" not in counters and name.startswith(("Loopback", "Null")):
            counters = {"in_errors": 0, "in_crc_errors": 0, "out_errors": 0}
        facts[name] = {
            "enabled": interface["enabled"],
            "line protocol": interface.get("line_protocol"),
            "description": interface.get("description", ""),
            "input errors": counters.get("in_errors"),
            "CRC": counters.get("in_crc_errors"),
            "output errors": counters.get("out_errors"),
        }
    return facts


def _ours_descriptions(device: Device, output: str) -> Facts:
    return {
        row.interface: (row.status, row.protocol, row.description)
        for row in build("descriptions", device, output)
    }


def _theirs_descriptions(expected: Any) -> Facts:
    return {
        name: (row["status"], row["protocol"], row["description"])
        for name, row in expected["interfaces"].items()
    }


def _ours_inventory(device: Device, output: str) -> Facts:
    # Every row the chassis is chosen from, as the chassis fact's reader reads them.
    chassis = build("chassis", device, output)
    [source] = registry.sources("chassis", device)
    rows = read(source.reader, output, source.command)
    facts: Facts = {f"{r['NAME']} | {r['PID']} | {r['SN']}": r["DESCR"] for r in rows}
    return facts | {"chassis": f"{chassis.name} | {chassis.pid} | {chassis.serial}"}


def _inventory_entries(found: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every entry of Genie's inventory (it nests them by slot and PID), with its key."""
    if isinstance(found, dict):
        if "pid" in found and "sn" in found:
            yield key, found
        for inner_key, value in found.items():
            yield from _inventory_entries(value, str(inner_key))


def _entry(key: str, entry: Any) -> str:
    return f"{str(entry.get('name', key)).strip()} | {entry['pid']} | {entry['sn']}"


def _theirs_inventory(expected: Any) -> Facts:
    # A blank before a closing quote (`DESCR: "... 7 slot switch "`) says nothing: Genie
    # keeps it in some outputs and not in others; the project never does.
    facts: Facts = {
        _entry(key, entry): str(entry.get("descr", "")).strip()
        for key, entry in _inventory_entries(expected)
    }
    for pid, chassis in expected.get("main", {}).get("chassis", {}).items():
        facts["chassis"] = _entry(pid, chassis)
    return facts


def _ours_probes(device: Device, output: str) -> Facts:
    command = registry.commands("probe_results", device)[0]
    probes = build_fact("probe_results", device, _with_lab(device, command, output))
    return {
        f"probe {p.id}": (p.return_code, p.latest_rtt_ms, p.latest_start.lstrip("*."))
        for p in probes
    }


def _theirs_probes(expected: Any) -> Facts:
    def rtt(text: str) -> int | None:
        match = re.fullmatch(r"(\d+) milliseconds?", text)
        return int(match.group(1)) if match else None

    return {
        f"probe {number}": (
            probe["return_code"],
            rtt(probe.get("rtt_stats", "")),
            probe["start_time"].lstrip("*."),
        )
        for number, probe in expected["ids"].items()
    }


_SPACE = re.compile(r"\s+")
# What precedes a message's text in the log lines Genie keeps: the node (IOS-XR), a sequence
# number, `*`, a date or uptime stamp with its time zone, the process (IOS-XR, `spp[113]:`).
_STAMP = re.compile(
    r"^(?:[A-Za-z0-9]+(?:/[A-Za-z0-9_]+)+:)?(?:\d+:\s+)?[*.]?"
    r"(?:[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{1,2}:\d{2}:\d{2}(?:\.\d+)?"
    r"(?:\s+[A-Za-z][\w+-]*)?|\d+[ywdh]\d+[wdhm]):\s+(?:[\w-]+\[\d+\]:\s+)?"
)
# IOS-XR prints a blank before the code's colon: `%MGBL-SYS-5-CONFIG_I : Configured ...`.
_CODE = re.compile(r"^(%[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-[0-7]-[A-Za-z0-9_]+)\s+:")


def _ours_logs(device: Device, output: str) -> Facts:
    logs = build_fact("logs", device, _with_lab(device, "show logging", output))
    texts = Counter(
        _SPACE.sub(" ", (f"{m.tag}: " if m.severity is not None else "") + m.text).strip()
        for m in logs.messages
    )
    level = "disabled" if logs.buffer_level is None else SEVERITY_NAMES[logs.buffer_level]
    return {"buffer": level} | {f"log: {text}": n for text, n in texts.items()}


def _theirs_logs(expected: Any) -> Facts:
    # Keyed by text, so that one line read differently is one disagreement, not a shift.
    texts = Counter(
        _SPACE.sub(" ", _CODE.sub(r"\1:", _STAMP.sub("", line))).strip()
        for line in expected.get("logs", [])
    )
    facts: Facts = {f"log: {text}": n for text, n in texts.items()}
    buffer = expected.get("logging", {}).get("buffer", {})
    if buffer:
        facts["buffer"] = buffer.get("level", "disabled")
    return facts


def _ours_memory(device: Device, output: str) -> Facts:
    memory = build_fact("memory", device, _with_lab(device, "show memory statistics", output))
    return {"processor total": memory.total_bytes, "processor free": memory.free_bytes}


def _theirs_memory(expected: Any) -> Facts:
    pool = expected["name"]["processor"]
    return {"processor total": pool["total"], "processor free": pool["free"]}


def _ours_tacacs(device: Device, output: str) -> Facts:
    return {
        f"{server.address}/{server.port}": {
            "packets in": server.packets_in,
            "packets out": server.packets_out,
            "failed connects": server.failed_connects,
            "timeouts": server.timeouts,
        }
        for server in build("tacacs_servers", device, output)
    }


def _theirs_tacacs(expected: Any) -> Facts:
    facts: Facts = {}
    for name, server in expected["server"].items():
        if "server_address" in server:  # IOS: one block of counters per server
            facts[f"{server['server_address']}/{server['server_port']}"] = {
                "packets in": server["total_packets_recv"],
                "packets out": server["total_packets_sent"],
                "failed connects": server["failed_connect_attempts"],
                "timeouts": server["socket_timeouts"],
            }
        else:  # IOS-XR: "address/port", where a failed connection is an error or an abort
            facts[name] = {
                "packets in": int(server["packets_in"]),
                "packets out": int(server["packets_out"]),
                "failed connects": int(server["errors"]) + int(server["aborts"]),
                "timeouts": 0,
            }
    return facts


@dataclass(frozen=True)
class Reading:
    """How one Genie parser's outputs are compared: our facts, Genie's facts."""

    ours: Callable[[Device, str], Facts]
    theirs: Callable[[Any], Facts]
    interface_names: bool = False
    """The facts are keyed by interface names, which Genie spells out and we keep as printed."""
    optional: tuple[str, ...] = ()
    """Facts compared only where Genie states them (the chassis: Genie names one only where
    an entry says it is the chassis; the project always chooses one)."""


READINGS: dict[str, Reading] = {
    "Dir": Reading(_ours_dir, _theirs_dir),
    "Ping": Reading(_ours_ping, _theirs_ping),
    "ShowClock": Reading(_ours_clock, _theirs_clock),
    "ShowInterfaces": Reading(_ours_interfaces, _theirs_interfaces, interface_names=True),
    "ShowInterfacesDescription": Reading(
        _ours_descriptions, _theirs_descriptions, interface_names=True
    ),
    "ShowInventory": Reading(_ours_inventory, _theirs_inventory, optional=("chassis",)),
    "ShowIpSlaStatistics": Reading(_ours_probes, _theirs_probes),
    "ShowLogging": Reading(_ours_logs, _theirs_logs),
    "ShowMemoryStatistics": Reading(_ours_memory, _theirs_memory),
    "ShowTacacs": Reading(_ours_tacacs, _theirs_tacacs),
}
"""Genie's parsers of the commands this project reads, besides BGP, ISIS and show version."""

NOT_READ: dict[str, str] = {
    "ShowAccessLists": "show access-lists",
    "ShowIpAccessLists": "show ip access-lists",
    "ShowIpInterfaceBrief": "show ip interface brief",
    "ShowLine": "show line",
    "ShowIsisAdjacency": "show isis adjacency",
    "ShowBgpInstanceAllAll": "show bgp instance all all all",
}
"""Genie's parsers of commands this project never sends, with the command: no comparison.
Access lists and the lines are read from the running configuration."""


def _outputs() -> list[str]:
    return sorted(
        str(path.relative_to(GENIE))
        for folder in READINGS
        for path in GENIE.glob(f"*/{folder}/*_output.txt")
    )


OUTPUTS = _outputs()


# --------------------------------------------------------------------------------------------
# The verdict on each disagreement, decided from the raw text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotThisCommand:
    """An output that is not what the project's command prints on a router."""

    cause: str
    why: str


@dataclass(frozen=True)
class GenieWrong:
    """The facts Genie reads wrong from one output, and the raw text that says so."""

    cause: str
    facts: tuple[str, ...]
    why: str


EDITED = "edited capture"
OTHER_COMMAND = "another command's output"
FRAGMENT = "fragment or session log"

# Every line of an interface block is indented below its heading (IOS by two blanks, the
# counters by five; IOS-XR by two): a capture never puts them flush with the heading.
_FLUSH = "the block's lines are flush left with the heading: a router indents them"

NOT_THIS_COMMAND: dict[str, NotThisCommand] = {
    "iosxe/Dir/golden_output_c9200_output.txt": NotThisCommand(
        OTHER_COMMAND,
        "`dir drec0:`, the Catalyst 9200's drive-recorder store, listed as "
        "'Attributes  Size  Name' between dashed rules, with no 'bytes total' line: not the "
        "listing of a flash folder, which is what the project's `dir` asks for",
    ),
    "ios/ShowInterfaces/golden_output_2_output.txt": NotThisCommand(EDITED, _FLUSH),
    "iosxe/ShowInterfaces/golden_interface_output_13_output.txt": NotThisCommand(EDITED, _FLUSH),
    "iosxe/ShowInterfaces/golden_interface_output_output.txt": NotThisCommand(EDITED, _FLUSH),
    "iosxe/ShowInterfaces/golden_output_2_output.txt": NotThisCommand(EDITED, _FLUSH),
    "iosxe/ShowInterfaces/golden_output_6_output.txt": NotThisCommand(EDITED, _FLUSH),
    "iosxe/ShowInterfaces/golden_output2_output.txt": NotThisCommand(
        EDITED,
        "line 376 ('Last clearing of \"show interface\" counters never') is flush left "
        "inside an indented block",
    ),
    "iosxe/ShowInterfaces/golden_output_1_output.txt": NotThisCommand(
        EDITED,
        "every line is indented two blanks more than a router prints, but two headings: "
        "BDI105's heading stands indented like a block line",
    ),
    "iosxr/ShowInterfaces/golden_output2_output.txt": NotThisCommand(
        EDITED, "the heading is indented like its block's lines (all six blanks)"
    ),
    "iosxr/ShowInterfaces/golden_output3_output.txt": NotThisCommand(
        EDITED, "the heading is indented like its block's lines (all six blanks)"
    ),
    "iosxe/ShowInventory/golden_output_asr1002_output.txt": NotThisCommand(
        FRAGMENT,
        "a pyATS session log: a prompt, pyATS's banner and a mangled echo ('how inventory') "
        "stand before the table",
    ),
    "iosxe/ShowIpSlaStatistics/golden_output_3_output.txt": NotThisCommand(
        FRAGMENT,
        "it starts inside an operation's block ('Latest operation return code: OK', "
        "'Number of successes: 23') whose 'IPSLA operation id' line was cut off",
    ),
    "ios/ShowLogging/golden_output_2_output.txt": NotThisCommand(
        OTHER_COMMAND,
        "`show logging | include Rollback`: two matching lines, no header, no 'Buffer "
        "logging' line",
    ),
    "iosxe/ShowLogging/golden_output_2_output.txt": NotThisCommand(
        OTHER_COMMAND,
        "`show logging | include Rollback`: two matching lines, no header, no 'Buffer "
        "logging' line",
    ),
}
"""Outputs the project's reader must refuse (ParseError), with the reason, by path."""

# Genie files inventory entries by slot and PID: two entries with the same PID in a slot
# overwrite each other, and the stack's own entry becomes a flag (`swstack`).
_BY_PID = "Genie keys entries by PID"
_NOT_A_MESSAGE = "Genie reads a line that is no message as one"
# The first line of a full log buffer can be the tail of the oldest message, whose stamp and
# code were overwritten. The project reads it as no message (the templates' header says so).
_WRAPPED = "Genie reads a wrapped buffer's tail as a message"
_DMI_TAIL = (
    "User 'developer' authenticated successfully from 172.16.196.146:0 and was authorized for "
    "rest over http. External groups: PRIV15"
)
_AP_TAIL = (
    "OIN_DISJOIN: Chassis 2 R0/0: wncd: AP Event: AP Name: L11_2003_AP2 Mac: ccdb.93df.bbe0 "
    "Session-IP: 9.2.91.59[5264] 9.2.89.30[5246] Disjoined Tag modified"
)

GENIE_WRONG: dict[str, GenieWrong] = {
    "iosxe/ShowInventory/golden_output_6_output.txt": GenieWrong(
        _BY_PID,
        ("c93xx Stack | C9300-48U | FCW88888888",),
        "'NAME: \"c93xx Stack\" ... SN: FCW88888888' is an entry; Genie keeps only `swstack`",
    ),
    "iosxe/ShowInventory/golden_output_c3850_output.txt": GenieWrong(
        _BY_PID,
        ("c38xx Stack | WS-C3850-24P-E | FCW1932D0LB",),
        "'NAME: \"c38xx Stack\" ... SN: FCW1932D0LB' is an entry; Genie keeps only `swstack`",
    ),
    "iosxe/ShowInventory/golden_output_7_output.txt": GenieWrong(
        _BY_PID,
        (
            "chassis",
            "Switch 1 Chassis | C9500X-28C8D | FDO24460AE5",
            "Switch 1 Fan Tray 1 | C9K-FAN-1U-R | ACI24460UD6",
            "Switch 1 Fan Tray 2 | C9K-FAN-1U-R | ACI24460UCU",
            "Switch 1 Fan Tray 3 | C9K-FAN-1U-R | ACI24460UFF",
            "Switch 1 Fan Tray 4 | C9K-FAN-1U-R | ACI24460UEV",
            "Switch 1 Fan Tray 5 | C9K-FAN-1U-R | ACI24460UEK",
            "Switch 1 Power Supply Module 1 | C9K-PWR-1500WAC-R | QCS2446613K",
            "Switch 2 Fan Tray 1 | C9K-FAN-1U-R | ACI25140NQF",
            "Switch 2 Fan Tray 2 | C9K-FAN-1U-R | ACI25140NT3",
            "Switch 2 Fan Tray 3 | C9K-FAN-1U-R | ACI251110KV",
            "Switch 2 Fan Tray 4 | C9K-FAN-1U-R | ACI25140NU8",
            "Switch 2 Fan Tray 5 | C9K-FAN-1U-R | ACI251110MU",
            "Switch 2 Power Supply Module 1 | C9K-PWR-1500WAC-R | QCS2514610Z",
        ),
        "the output lists six fan trays and two power supplies per switch and two chassis, each "
        "with its own serial; Genie keeps the last of each PID: fan tray 6, power supply 2, "
        "'Switch 2 Chassis' as the chassis",
    ),
    "iosxe/ShowIpSlaStatistics/golden_output_2_output.txt": GenieWrong(
        "Genie cuts a value at its first blank",
        ("probe 53", "probe 54"),
        "'Latest operation return code: No connection' and '... Socket connect error': "
        "Genie keeps 'No' and 'Socket'",
    ),
    "ios/ShowLogging/golden_output_4_output.txt": GenieWrong(
        _WRAPPED,
        (f"log: {_DMI_TAIL}",),
        "' User 'developer' authenticated ...' stands alone below 'Log Buffer (4096 bytes):' "
        "after 2213 messages logged: the tail of a message whose stamp and code the full buffer "
        "overwrote (IOS-XE's %DMI-5-AUTH_PASSED), not a message",
    ),
    "iosxe/ShowLogging/golden_output_4_output.txt": GenieWrong(
        _WRAPPED,
        (f"log: {_DMI_TAIL}",),
        "' User 'developer' authenticated ...' stands alone below 'Log Buffer (4096 bytes):' "
        "after 2213 messages logged: the tail of a message whose stamp and code the full buffer "
        "overwrote (IOS-XE's %DMI-5-AUTH_PASSED), not a message",
    ),
    "iosxe/ShowLogging/golden_output_15_output.txt": GenieWrong(
        _WRAPPED,
        (f"log: {_AP_TAIL}",),
        "'OIN_DISJOIN: Chassis 2 R0/0: wncd: AP Event: ...' heads a 5000-byte buffer after 1230 "
        "messages logged: the tail of a %CAPWAPAC_SMGR_TRACE_MESSAGE-5-AP_JOIN_DISJOIN message "
        "the full buffer overwrote, not a message",
    ),
    "iosxe/ShowLogging/golden_output_16_output.txt": GenieWrong(
        _NOT_A_MESSAGE,
        ("log: Logging to: vty2(1297)",),
        "'Logging to: vty2(1297)' is the header's line under 'Monitor logging', above 'Buffer "
        "logging'; the buffer below 'Log Buffer (10000000 bytes):' is empty",
    ),
    "iosxe/ShowLogging/golden_output_18_output.txt": GenieWrong(
        _NOT_A_MESSAGE,
        ("log: {output removed here for brevity and privacy}",),
        "'{output removed here for brevity and privacy}' is the note of whoever removed the "
        "messages from the capture, not a message",
    ),
    "iosxe/ShowLogging/golden_output_19_output.txt": GenieWrong(
        _NOT_A_MESSAGE,
        (
            "log: Inactive Message Discriminator:",
            "log: test mnemonics drops CONFIG_I",
            'log: dis1 msg-body drops "Configured from console by cisco"',
            "log: test2 msg-body drops Configured from console by cisco on vty0 (173.39.61.194)",
        ),
        "'Inactive Message Discriminator:' and its three rows are the header's table of "
        "discriminators; the output has no 'Log Buffer' and so no message",
    ),
    "iosxr/ShowLogging/golden_output_output.txt": GenieWrong(
        _NOT_A_MESSAGE,
        ("log: RP/0/RP0/CPU0:R2_xr#",),
        "'RP/0/RP0/CPU0:R2_xr#' after the last message is the router's prompt",
    ),
}
"""Outputs where Genie's reading is wrong, with the facts it gets wrong and why, by path."""

OURS_FIXED: dict[str, str] = {
    "iosxe/Ping/golden_output4_output.txt": "'B!!!!' (IPv6: packet too big) raised",
    "iosxe/Ping/golden_output_3_output.txt": "'Reply data will be validated' raised",
    "iosxe/ShowTacacs/golden_output1_output.txt": "IOS-XE 17's 'Show Tacacs' banner raised",
    "iosxe/ShowTacacs/golden_output2_output.txt": "IOS-XE 17's 'Show Tacacs' banner raised",
    "iosxe/ShowTacacs/golden_output3_output.txt": "IOS-XE 17's 'Show Tacacs' banner raised",
    "iosxe/ShowInterfaces/golden_output_3_output.txt": (
        "'pseudowire1 is up' (no line protocol) was no heading: the row was lost and its "
        "description given to the interface above"
    ),
    "iosxe/ShowInterfaces/golden_output_5_output.txt": (
        "'Vlan1 is administratively down, line protocol is down , Autostate Enabled': the row "
        "was lost"
    ),
    "iosxr/ShowInterfaces/golden_output1_output.txt": (
        "an l2transport sub-interface's '0 input drops, 0 queue drops, 0 input errors' and "
        "'... 0 output errors' were not read"
    ),
    "iosxe/ShowInventory/golden_output_1_output.txt": "PID 'Samsung SSD 860 EVO 250GB' cut",
    "iosxe/ShowInventory/golden_output_3_output.txt": "'Switch1 Mux Buffer 1 ' kept its blank",
    "iosxe/ShowInventory/golden_output_5_output.txt": "serial '******' read as none",
    "iosxe/ShowInventory/golden_output_7_output.txt": "serial 'APF25020BCA-B' cut at '-'",
    "iosxe/ShowInventory/golden_output_8_output.txt": "serial 'DTS2232A211-A' cut at '-'",
    "iosxe/ShowInventory/golden_output_c9500x_output.txt": "serials cut at '-'",
}
"""Outputs this comparison found the project's reader wrong on, now fixed: what was wrong."""


# --------------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------------


def _letters_and_numbers(name: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z-]*)(.*)$", name)
    assert match is not None
    return match.group(1).lower().replace("-", ""), match.group(2)


def _abbreviates(short: str, full: str) -> bool:
    """`short` is `full` as a router abbreviates it: `BE12` Bundle-Ether12, `Vp1` Virtual-PPP1."""
    (letters, numbers), (full_letters, full_numbers) = map(_letters_and_numbers, (short, full))
    if numbers != full_numbers or not letters or letters[0] != full_letters[:1]:
        return False
    rest = iter(full_letters)
    return all(letter in rest for letter in letters)


def _by_genies_names(ours: Facts, theirs: Facts) -> Facts:
    """Our facts keyed by Genie's spelling of each interface name, where one name fits."""
    renamed: Facts = {}
    for name, value in ours.items():
        fits = [full for full in theirs if same_interface(name, full)]
        fits = fits or [full for full in theirs if _abbreviates(name, full)]
        renamed[fits[0] if len(fits) == 1 else name] = value
    return renamed


def _reading(path: str) -> Reading:
    return READINGS[path.split("/")[1]]


def both_readings(path: str) -> tuple[Facts, Facts]:
    """Our facts and Genie's from one golden output, keyed alike."""
    reading = _reading(path)
    ours = reading.ours(device_for(path), router_output(path))
    theirs = reading.theirs(genie_expected(path))
    if reading.interface_names:
        ours = _by_genies_names(ours, theirs)
    for fact in reading.optional:
        if fact not in theirs:
            ours.pop(fact, None)
    return ours, theirs


def _differences(ours: Facts, theirs: Facts) -> str:
    return "\n".join(
        f"  {key}: ours {ours.get(key, '(none)')!r}, Genie's {theirs.get(key, '(none)')!r}"
        for key in sorted(set(ours) | set(theirs))
        if ours.get(key, "(none)") != theirs.get(key, "(none)")
    )


@pytest.mark.parametrize("path", OUTPUTS)
def test_our_reading_agrees_with_genies(path: str) -> None:
    if path in NOT_THIS_COMMAND:
        with pytest.raises(ParseError):
            _reading(path).ours(device_for(path), router_output(path))
        return
    ours, theirs = both_readings(path)
    wrong = GENIE_WRONG.get(path)
    listed = set(wrong.facts) if wrong else set()
    dropped = set(theirs) - set(ours) - listed
    assert not dropped, f"{path}: we drop what Genie keeps:\n{_differences(ours, theirs)}"
    differing = {key for key in set(ours) | set(theirs) if ours.get(key) != theirs.get(key)}
    assert differing == listed, f"{path}:\n{_differences(ours, theirs)}"


def test_every_verdict_names_a_golden_output() -> None:
    listed = {*NOT_THIS_COMMAND, *GENIE_WRONG, *OURS_FIXED}
    assert listed <= set(OUTPUTS), sorted(listed - set(OUTPUTS))
    assert not set(NOT_THIS_COMMAND) & {*GENIE_WRONG, *OURS_FIXED}


def test_every_genie_folder_is_compared_or_not_read_here() -> None:
    """A parser folder nobody looked at cannot hide in the corpus."""
    elsewhere = {  # test_real_output_traps.py and the software tests
        "ShowBgpAllSummary", "ShowBgpSummary", "ShowIpBgpAllSummary", "ShowIpBgpSummary",
        "ShowBgpInstanceSummary", "ShowIsisNeighbors", "ShowVersion",
    }  # fmt: skip
    folders = {path.name for path in GENIE.glob("*/*") if path.is_dir()}
    assert folders, f"no genieparser corpus at {GENIE}"
    assert folders - elsewhere - set(NOT_READ) == set(READINGS)


def test_the_commands_genie_is_not_compared_on_are_never_sent() -> None:
    inventory = load_inventory(LAB_INVENTORY)
    sent = {
        command
        for device in inventory.devices
        for fact in registry.platform(device.platform).recipes
        for command in registry.commands(fact, device)
    }
    assert sent
    assert not {c for c in sent if c.startswith(tuple(NOT_READ.values()))}


# --------------------------------------------------------------------------------------------
# The count, for the record
# --------------------------------------------------------------------------------------------


def outcome(path: str) -> str:
    if path in NOT_THIS_COMMAND:
        return f"not this command: {NOT_THIS_COMMAND[path].cause}"
    if path in GENIE_WRONG:
        return f"Genie wrong: {GENIE_WRONG[path].cause}"
    return "agrees, after a fix of ours" if path in OURS_FIXED else "agrees"


SUMMARY: dict[str, int] = {
    "agrees": 95,
    "agrees, after a fix of ours": 13,
    "Genie wrong: Genie keys entries by PID": 3,
    "Genie wrong: Genie cuts a value at its first blank": 1,
    "Genie wrong: Genie reads a line that is no message as one": 4,
    "Genie wrong: Genie reads a wrapped buffer's tail as a message": 3,
    "not this command: edited capture": 9,
    "not this command: another command's output": 3,
    "not this command: fragment or session log": 2,
}
"""How many golden outputs came out each way (the test below prints them by folder)."""


def test_summary_of_the_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    by_folder: dict[str, Counter[str]] = {}
    for path in OUTPUTS:
        folder = "/".join(path.split("/")[:2])
        by_folder.setdefault(folder, Counter())[outcome(path)] += 1
    causes = sorted({cause for counts in by_folder.values() for cause in counts})
    with capsys.disabled():
        print(f"\ngenieparser outputs compared: {len(OUTPUTS)}")
        for folder, counts in sorted(by_folder.items()):
            print(f"  {folder:34} " + "; ".join(f"{counts[c]} {c}" for c in causes if counts[c]))
    total = Counter(outcome(path) for path in OUTPUTS)
    assert dict(total) == SUMMARY
    assert sum(SUMMARY.values()) == len(OUTPUTS)


# --------------------------------------------------------------------------------------------
# What this comparison found wrong in the project's readers, each pinned
# --------------------------------------------------------------------------------------------


def test_a_vlan_heading_ending_in_autostate_is_an_interface() -> None:
    output = router_output("iosxe/ShowInterfaces/golden_output_5_output.txt")
    [vlan] = [i for i in build("interfaces_state", IOS, output) if i.name == "Vlan1"]
    assert (vlan.link, vlan.protocol) == ("administratively down", "down")


def test_a_pseudowire_keeps_its_row_and_its_description() -> None:
    # "pseudowire1 is up" has no line protocol: read as no heading, its description went to
    # the interface above it and the pseudowire was lost.
    output = router_output("iosxe/ShowInterfaces/golden_output_3_output.txt")
    states = {i.name: i for i in build("interfaces_state", IOS, output)}
    assert states["ucse1/0/1"].description == ""
    assert states["pseudowire1"].description == "pseudowire to core router"
    assert not states["pseudowire1"].up_up  # no line protocol is not "up"


def test_xr_l2transport_sub_interface_errors_are_counted() -> None:
    # Real output; the first l2transport sub-interface's counters changed to errors.
    output = router_output("iosxr/ShowInterfaces/golden_output1_output.txt")
    start = output.index("Bundle-Ether100.12 is up")
    end = output.index("\n\n", start)
    block = changed(output[start:end], "0 input errors", "12 input errors")
    block = changed(block, "0 output errors", "3 output errors")
    states = build("interfaces_state", XR, output[:start] + block + output[end:])
    [sub] = [i for i in states if i.name == "Bundle-Ether100.12"]
    assert (sub.input_errors, sub.crc, sub.output_errors) == (12, None, 3)


def test_inventory_serials_and_pids_are_read_whole() -> None:
    c9500 = _ours_inventory(IOS, router_output("iosxe/ShowInventory/golden_output_7_output.txt"))
    assert "HundredGigE1/0/1 | QSFP-100G-CU3M | APF25020BCA-B" in c9500
    isr = _ours_inventory(IOS, router_output("iosxe/ShowInventory/golden_output_1_output.txt"))
    assert "subslot 0/3 disk1 | Samsung SSD 860 EVO 250GB | S3Y9NX0M604745D" in isr


def test_an_ipv6_ping_that_got_packet_too_big_is_read() -> None:
    output = router_output("iosxe/Ping/golden_output4_output.txt")
    [ping] = build("intrapop_pings", _one_ping(IOS), output)
    assert (ping.sent, ping.received, ping.success_percent) == (5, 4, 80)


def test_ios_xe_17_tacacs_banner_is_known() -> None:
    output = router_output("iosxe/ShowTacacs/golden_output2_output.txt")
    [server] = build("tacacs_servers", IOS, output)
    assert (server.address, server.port, server.packets_out) == ("11.15.24.213", 49, 0)
