"""Line accounting: every line of a table the checks read is a row, or a line known not to be.

A TextFSM template skips, without a word, every line that no rule matches: that is how rows
vanish from a table and a check passes on what it never saw (an IPv6 neighbour wrapped onto
two lines, an `L1L2` adjacency, a system id long enough to wrap). So every template a recipe
names is declared here as one of three kinds, and a test keeps the declaration complete:

- a `Table`: after the template has read the output, each non-blank line must start a row
  (and the template must have read that row, with the values the line shows), belong to the
  row above it, or be a header, footer or known noise. Any other line makes the fact an
  error that quotes the line. ntc-templates' tables are all accounted for this way, and the
  project's own block tables (interfaces, probes, TACACS+ servers, log messages), whose
  templates skip the lines of a block they do not read.
- `SELF_ACCOUNTED`: the project's own templates (and ntc-templates' few) that end every state
  with a rule raising on any line they do not read; a test inserts an unknown line into a
  real output of each and expects the error.
- `RECORDS`: outputs that are one record rather than a table (`show version`, `show clock`,
  a digest, a ping's result): their readers refuse zero or several records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from netaccept.platforms.errors import ParseError

_XR_TIMESTAMP = re.compile(r"^\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ [\d:.]+ \S+\s*$")
_PROMPT = re.compile(r"^(?:[A-Za-z0-9]+(?:/[A-Za-z0-9_]+)+:)?[A-Za-z][\w.-]*[#>]\s*$")
# Command timestamping (`terminal exec prompt timestamp`) on IOS.
_EXEC_TIMESTAMP = re.compile(r"^(?:Load\s+for\s+|Time\s+source\s+is\s)")
_ANYWHERE = (_XR_TIMESTAMP, _PROMPT, _EXEC_TIMESTAMP)


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class Table:
    """How every non-blank line of one template's output is accounted for.

    `row` matches a line that starts a row; its named groups are values the template must
    have read into that row (compared without surrounding blanks). `body` matches a line that
    belongs to the row above it (an indented detail line of an interface); with `orphans`,
    also before the first row (the fragment of a wrapped message at the top of a full log
    buffer). `known` lines are headers, footers and noise wherever they stand. With `start`,
    the table begins after the first line it matches, and every line before is its header.
    """

    what: str
    row: str
    known: tuple[str, ...] = ()
    body: str | None = None
    orphans: bool = False
    start: str | None = None

    def lines(self, output: str, command: str) -> list[tuple[int, str, dict[str, str]]]:
        """The row lines of `output` (number, text, values); raises on an unaccounted line."""
        row = _re(self.row)
        body = _re(self.body) if self.body else None
        known = [_re(k) for k in self.known]
        started = self.start is None
        rows: list[tuple[int, str, dict[str, str]]] = []
        for number, line in enumerate(output.splitlines(), 1):
            text = line.rstrip()
            if not text.strip() or any(p.match(text) for p in _ANYWHERE):
                continue
            if not started:
                started = bool(_re(str(self.start)).match(text))
                continue
            match = row.match(text)
            if match:
                values = {k: v.strip() for k, v in match.groupdict().items() if v is not None}
                rows.append((number, text, values))
            elif body and (rows or self.orphans) and body.match(text):
                continue
            elif not any(p.match(text) for p in known):
                raise ParseError(
                    f"line {number} of the output of {command!r} is neither a {self.what} "
                    f"row nor a line netaccept knows, so a row may be lost: {text.strip()[:100]!r}"
                )
        return rows


def account(table: Table, ref: str, output: str, rows: list[dict[str, Any]], command: str) -> None:
    """Raise ParseError unless each row line of `output` is one of `rows`, and each row one line."""
    # A row without any of the values a row line shows is the template's summary (an empty
    # file system's free space), not a line of the table.
    keys = _re(table.row).groupindex
    left = [r for r in rows if not keys or any(str(r.get(k) or "").strip() for k in keys)]
    total = len(left)
    for number, text, values in table.lines(output, command):
        found = next((r for r in left if _same(r, values)), None)
        if found is None:
            raise ParseError(
                f"line {number} of the output of {command!r} is a {table.what} row that "
                f"template {ref} did not read: {text.strip()[:100]!r}"
            )
        left.remove(found)
    if left:
        raise ParseError(
            f"template {ref} read {total} {table.what} rows from the output of {command!r}, "
            f"but {total - len(left)} lines show one: the output is not in the format "
            "netaccept knows"
        )


def _same(row: dict[str, Any], values: dict[str, str]) -> bool:
    return all(str(row.get(key, "")).strip() == value for key, value in values.items())


# A line carrying a syslog code (`%LINK-3-UPDOWN:`) is a message of its own, never the
# continuation of the one above: read as such it would lend its severity to a benign one.
_NO_CODE = r"^(?!.*%[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-[0-7]-[A-Za-z0-9_]+\s*:).*\S"
_INDENTED = r"^\s+\S"

TABLES: dict[str, Table] = {
    "ntc:cisco_ios_dir": Table(
        "directory",
        row=r"^\s*\d+\s+[-d][-rwx]\S*\s.*\s(?P<NAME>\S+)\s*$",
        known=(
            r"^Directory\s+of\s+\S+\s*$",
            r"^\d+\s+bytes\s+total\s+\(\d+\s+bytes\s+free\)\s*$",
            r"^No\s+files\s+in\s+directory\s*$",
        ),
    ),
    "ntc:cisco_xr_show_isis_neighbors": Table(
        "ISIS adjacency",
        row=(
            r"^(?P<SYSTEM_ID>\S+)\s+(?P<INTERFACE>\S+)\s+\S+\s+(?P<STATE>\S+)\s+\d+\s+"
            r"(?P<TYPE>L1L2|L1|L2)\s+\S+\s*$"
        ),
        known=(
            r"^IS-IS\s+\S+\s+neighbors:\s*$",
            r"^System\s+Id\s+Interface\s+SNPA\s+State\s+Hold(?:time)?\s+Type\s+IETF-NSF\s*$",
            r"^Total\s+neighbor\s+count:\s+\d+\s*$",
        ),
    ),
    "own:cisco_ios_show_interfaces": Table(
        "interface",
        # A pseudowire's heading has no line protocol: "pseudowire1 is up".
        row=(
            r"^(?P<INTERFACE>\S+)\s+is\s+(?:.*,\s+line\s+protocol\s+is\s+.*"
            r"|(?:up|down|administratively\s+down|deleted)\s*)$"
        ),
        body=_INDENTED,
    ),
    # ntc's template skips any line of three words whose third starts with a digit (meant for
    # the timestamp line): every line but the header and its rule must be a row it read.
    "ntc:cisco_xr_show_interfaces_description": Table(
        "interface description",
        row=r"^(?!Interface\s+Status\s+Protocol\b)(?P<INTERFACE>[^\s-]\S*)\s+\S.*$",
        known=(r"^Interface\s+Status\s+Protocol\s+Description\s*$", r"^-+\s*$"),
    ),
    "own:cisco_ios_show_tacacs": Table(
        "TACACS+ server",
        row=r"^\s*Tacacs\+\s+Server\b(?:\s*:\s*(?P<SERVER>[^\s/]+))?.*$",
        # IOS-XE 17's banner above the servers: "Show Tacacs" between two rules of "=".
        known=(r"^=+\s*$", r"^\s*Show\s+Tacacs\s*$"),
        body=r"^\s*\S.*$",
    ),
    "own:cisco_ios_show_ip_sla_statistics": Table(
        "IP SLA operation",
        row=(
            r"^\s*(?:IPSLAs?\s+operation\s+id|Round\s+Trip\s+Time\s+\(RTT\)\s+for\s+Index)"
            r"\D*(?P<ID>\d+)\b.*$"
        ),
        known=(r"^\s*IPSLAs?\s+Latest\s+Operation\s+Statistics\s*$",),
        body=r"^\s*\S.*$",
    ),
    "own:cisco_ios_show_rtr_operational_state": Table(
        "RTR entry",
        row=r"^\s*Entry\s+[Nn]umber\D*(?P<ID>\d+)\b.*$",
        known=(r"^\s*Current\s+[Oo]perational\s+[Ss]tate\s*$",),
        body=r"^\s*\S.*$",
    ),
    "own:cisco_xr_show_ipsla_statistics": Table(
        "IP SLA entry",
        row=r"^\s*Entry\s+number\D*(?P<ID>\d+)\b.*$",
        body=r"^\s*\S.*$",
    ),
    "own:cisco_ios_show_logging": Table(
        "log message",
        row=(
            r"^(?:\d+:\s+)?(?:SLOT\s*\d+:\s*)?[*.]?"
            r"(?:[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{1,2}:\d{2}:\d{2}(?:\.\d+)?"
            r"(?:\s+[A-Za-z][\w+-]*)?:\s"
            r"|(?:\d+[ywdh]\d+[wdhm]|\d+:\d{2}(?::\d{2})?(?:\.\d+)?):\s"
            r"|%[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*-[0-7]-[A-Za-z0-9_]+:)"
            r".*$"
        ),
        body=_NO_CODE,
        orphans=True,
        start=r"^\s*Log\s+Buffer\s+\(\d+\s+bytes\):\s*$",
    ),
    "own:cisco_xr_show_logging": Table(
        "log message",
        row=r"^[A-Za-z0-9]+(?:/[A-Za-z0-9_]+)+:\S.*$",
        body=_NO_CODE,
        orphans=True,
        start=r"^\s*Log\s+Buffer\s+\(\d+\s+bytes\):\s*$",
    ),
}
"""The tables whose every line is accounted for here, by template reference."""

SELF_ACCOUNTED: dict[str, str] = {
    "own:cisco_ios_show_ip_bgp_summary": "raises on any line of a neighbour table it does not read",
    "own:cisco_xr_show_ip_bgp_summary": "raises on any line of a neighbour table it does not read",
    "own:cisco_ios_show_isis_neighbors": "raises on any line of the table it does not read",
    "own:cisco_ios_show_memory_statistics": "raises on any line but the header and pool rows",
    "own:cisco_xr_dir": "raises on any line it does not read",
    "own:cisco_xr_show_tacacs": "raises on any line it does not read",
    "own:cisco_xr_show_install_active_summary": "raises on any line it does not read",
    "ntc:cisco_xr_admin_show_inventory": "ends with `^. -> Error`",
    "own:cisco_ios_show_inventory": "raises on any line it does not read, and on a NAME alone",
    "own:cisco_xr_show_interfaces": "raises on any line outside an indented interface block",
    "ntc:cisco_ios_show_interfaces_description": "ends every state with `^. -> Error`",
}
"""Templates that raise on every line they do not read, by reference, with how."""

RECORDS: dict[str, str] = {
    "own:cisco_ios_show_version": "one record; software() refuses zero or several",
    "own:cisco_xr_show_version": "one record; software() refuses zero or several",
    "own:cisco_ios_show_version_memory": "the memory lines of show version; one record",
    "ntc:cisco_ios_show_clock": "one line, the time; probes and logs refuse zero or several",
    "own:cisco_xr_show_clock": "one line, the time; raises on any other line",
    "own:cisco_ios_verify_md5": "one digest; raises on an error or a mismatch report",
    "own:cisco_xr_show_md5_file": "one digest; raises on any other line",
    "own:cisco_xr_show_memory_summary": "one record; raises on any line it does not read",
    "own:cisco_ios_show_logging_buffer": "the one Buffer logging line of the header",
    "own:cisco_xr_show_logging_buffer": "the one Buffer logging line of the header",
    "own:cisco_ios_ping": "one result; raises on any line it does not read",
    "ntc:cisco_xr_ping": "one result; ends with `^.* -> Error`",
}
"""Outputs that are one record, not a table, by template reference, with how it is refused."""


def declared(ref: str) -> bool:
    """True when `ref` is declared a table, self-accounted or a record."""
    return ref in TABLES or ref in SELF_ACCOUNTED or ref in RECORDS
