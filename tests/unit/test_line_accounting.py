"""Line accounting (issue 11): no table row a check depends on is ever dropped unseen.

A TextFSM template skips every line no rule matches. Each template a recipe names is
declared in `netaccept.platforms.accounting` as a table whose every line is accounted for,
a template that raises on any line it does not read, or a one-record output. These tests keep
the declaration complete, and prove each table's accounting on real output: the lab's
recordings and the shared corpus, with one realistic line a router could print and the
template does not read inserted into the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from netaccept.core.evidence import read_recording, recording_path
from netaccept.inventory import load_inventory
from netaccept.platforms import registry
from netaccept.platforms.accounting import RECORDS, SELF_ACCOUNTED, TABLES, account, declared
from netaccept.platforms.facts import FACTS
from netaccept.platforms.parsing import ParseError, parse, template
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT
from tests.unit.test_real_output_traps import genie

PLATFORMS = ROOT / "netaccept" / "platforms"
NTC = ROOT.parent / "shared" / "corpus" / "ntc-templates"
_REF = re.compile(r"""["']((?:ntc|own):\w+)["']""")


def named_refs() -> set[str]:
    """Every template reference written in the platforms' code."""
    return {ref for path in PLATFORMS.rglob("*.py") for ref in _REF.findall(path.read_text())}


def test_every_template_a_recipe_names_is_declared() -> None:
    undeclared = sorted(ref for ref in named_refs() - {"ntc:NAME", "own:NAME"} if not declared(ref))
    assert not undeclared, (
        f"declare each in netaccept/platforms/accounting.py (TABLES, SELF_ACCOUNTED or RECORDS): "
        f"{undeclared}"
    )


def test_no_declaration_names_a_template_nobody_uses() -> None:
    stale = sorted({*TABLES, *SELF_ACCOUNTED, *RECORDS} - named_refs())
    assert not stale
    for ref in {*TABLES, *SELF_ACCOUNTED, *RECORDS}:
        assert template(ref).path.is_file()


def test_a_template_is_declared_once() -> None:
    kinds = [set(TABLES), set(SELF_ACCOUNTED), set(RECORDS)]
    assert not (kinds[0] & kinds[1] or kinds[0] & kinds[2] or kinds[1] & kinds[2])


# --------------------------------------------------------------------------------------------
# Real outputs of each table: the lab's recordings, the corpus where the lab has none
# --------------------------------------------------------------------------------------------


def _recorded_sources() -> Iterator[tuple[str, str, str]]:
    inventory = load_inventory(LAB_INVENTORY)
    for device in inventory.devices:
        path = recording_path(LAB_RECORDINGS, device.name)
        if not path.is_file():
            continue
        outputs = read_recording(path).outputs
        recipes = registry.platform(device.platform).recipes
        for name in FACTS:
            if name not in recipes:
                continue
            for source in recipes[name].sources(device):
                if source.reader != "config" and source.command in outputs:
                    yield source.reader, source.command, outputs[source.command]


def _samples() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for ref, command, output in _recorded_sources():
        found.setdefault(ref, (command, output))
    return found


SAMPLES = _samples()
# Tables the lab's recordings do not show, read from the corpus instead.
CORPUS_SAMPLES = {
    "own:cisco_ios_show_ip_sla_statistics": (
        "show ip sla statistics",
        NTC / "cisco_ios/show_ip_sla_statistics/cisco_ios_show_ip_sla_statistics.raw",
    ),
}


def sample(ref: str) -> tuple[str, str]:
    if ref in SAMPLES:
        return SAMPLES[ref]
    command, path = CORPUS_SAMPLES[ref]
    return command, path.read_text()


def test_every_table_has_a_real_sample() -> None:
    missing = [ref for ref in {*TABLES, *SELF_ACCOUNTED} if ref not in SAMPLES | CORPUS_SAMPLES]
    assert not missing


@pytest.mark.parametrize("ref", sorted({*TABLES, *SELF_ACCOUNTED}))
def test_a_real_output_of_each_table_is_fully_accounted_for(ref: str) -> None:
    command, output = sample(ref)
    assert parse(ref, output, command, empty_ok=True)


# A self-accounted template raises on any line it does not read: any row-like line will do.
UNKNOWN = "ZZ9/9/9     unknown-format      42"
# A line each table's router could print that its template does not read, inserted before
# the last line that `at` matches (the last row: inside the table, not before it).
VARIANTS: dict[str, tuple[str, str]] = {
    # A file without a date: the template needs a date column and drops it.
    "ntc:cisco_ios_dir": (r"^\s*\d+\s+[-d]", "   99  -rw-      123456  ghost.bin"),
    # A system id long enough to wrap onto a line of its own.
    "ntc:cisco_xr_show_isis_neighbors": (
        r"^\S+\s+\S+\s+\S+\s+Up\s",
        "chi-gsr-09-very-long-name\n                 Gi0/3/0/9        *PtoP*         Up    25"
        "       L2   Capable",
    ),
    "own:cisco_ios_show_interfaces": (r"^\S+ is ", "POS9/0 is up (err-disabled)"),
    # A server heading the template does not know: the server's lines merge into the next.
    "own:cisco_ios_show_tacacs": (r"^\s*Tacacs\+", "Tacacs+ Server : 10.9.9.9/49 (private)"),
    # An operation heading the template does not know: its results merge into the next one.
    "own:cisco_ios_show_ip_sla_statistics": (
        r"^\s*(?:IPSLAs?\s+operation|Round\s+Trip)",
        "IPSLA operation id: 99 (udp-jitter)",
    ),
    "own:cisco_ios_show_rtr_operational_state": (
        r"^\s*Entry\s+[Nn]umber",
        "Entry number: 99 (inactive)",
    ),
    "own:cisco_xr_show_ipsla_statistics": (r"^\s*Entry\s+number", "Entry number: 99 (inactive)"),
    # A row-shaped line the template's rule for the timestamp line swallows.
    "ntc:cisco_xr_show_interfaces_description": (r"^\S+\s+(?:up|down|admin-down)\s", UNKNOWN),
    # A message with a stamp the template does not know: read as the continuation of the
    # message above, it would lend that message its severity.
    "own:cisco_ios_show_logging": (
        r"^(?:\d+:\s+)?[*.]?[A-Z][a-z]{2}\s+\d",
        "22/11/2026 09:14:01 UTC: %LINK-3-UPDOWN: Interface POS9/0, changed state to down",
    ),
    "own:cisco_xr_show_logging": (
        r"^RP/",
        "22/11/2026 09:14:01 UTC: %PKT_INFRA-LINK-3-UPDOWN : Interface POS0/9/0/0, "
        "changed state to Down",
    ),
}


def _insert(output: str, at: str, line: str) -> str:
    lines = output.splitlines()
    matching = [i for i, text in enumerate(lines) if re.match(at, text)]
    assert len(matching) > 1, f"the sample has fewer than two lines matching {at!r}"
    where = matching[-1]  # before the last row: inside the table
    return "\n".join([*lines[:where], line, *lines[where:]]) + "\n"


def _insert_before_last(output: str, line: str) -> str:
    lines = output.rstrip().splitlines()
    return "\n".join([*lines[:-1], line, lines[-1]]) + "\n"


def test_every_table_has_a_variant() -> None:
    assert set(VARIANTS) == set(TABLES)


@pytest.mark.parametrize("ref", sorted(TABLES))
def test_a_row_the_template_cannot_read_makes_the_table_an_error(ref: str) -> None:
    command, output = sample(ref)
    at, line = VARIANTS[ref]
    with pytest.raises(ParseError, match=r"line \d+ of the output") as raised:
        parse(ref, _insert(output, at, line), command, empty_ok=True)
    # The error quotes the line, or the first line of a wrapped one.
    assert line.splitlines()[0].strip()[:60] in str(raised.value)


@pytest.mark.parametrize("ref", sorted(SELF_ACCOUNTED))
def test_a_self_accounted_template_raises_on_a_line_it_does_not_read(ref: str) -> None:
    command, output = sample(ref)
    with pytest.raises(ParseError):
        parse(ref, _insert_before_last(output, UNKNOWN), command, empty_ok=True)


# --------------------------------------------------------------------------------------------
# The accounting itself
# --------------------------------------------------------------------------------------------

XR_ISIS = "ntc:cisco_xr_show_isis_neighbors"


def test_accounting_quotes_the_line_and_its_number() -> None:
    command, output = sample(XR_ISIS)
    changed = _insert(output, VARIANTS[XR_ISIS][0], "chi-gsr-09-very-long-name")
    number = changed.splitlines().index("chi-gsr-09-very-long-name") + 1
    with pytest.raises(ParseError, match=rf"^line {number} of the output of 'show isis neighbors'"):
        parse(XR_ISIS, changed, command)


def test_a_row_read_with_other_values_than_its_line_shows_is_an_error() -> None:
    # ntc's XR template reads a level as `(L\d)+`: a row it reads as L1 where the line
    # says L1L2 (or any value not on the line) is not the row the router printed.
    command, output = sample(XR_ISIS)
    rows = parse(XR_ISIS, output, command)
    forged = [{**rows[0], "TYPE": "L1" if rows[0]["TYPE"] != "L1" else "L2"}, *rows[1:]]
    with pytest.raises(ParseError, match="did not read"):
        account(TABLES[XR_ISIS], XR_ISIS, output, forged, command)


def test_prompts_exec_timestamps_and_xr_timestamps_are_known_anywhere() -> None:
    command, output = sample(XR_ISIS)
    noisy = (
        "Sun Nov 22 10:00:00.598 UTC\nLoad for five secs: 2%/0%; one minute: 1%\n"
        f"Time source is NTP, 10:00:00.598 UTC Sun Nov 22 2026\n{output.rstrip()}\n"
        "RP/0/7/CPU0:chi-xr-01#\n"
    )
    assert parse(XR_ISIS, noisy, command) == parse(XR_ISIS, output, command)


def test_the_fragment_at_the_top_of_a_full_log_buffer_is_not_a_message() -> None:
    command, output = sample("own:cisco_ios_show_logging")
    head, marker, tail = output.partition("Log Buffer")
    assert marker, "the sample has a log buffer"
    first, _, rest = tail.partition("\n")
    fragment = f"{head}{marker}{first}\n\n    changed state to up\n{rest}"
    assert parse("own:cisco_ios_show_logging", fragment, command, empty_ok=True)


def test_a_corpus_xr_isis_table_with_a_wrapped_system_id_is_an_error_not_a_lost_row() -> None:
    # genieparser's IOS-XR output with the first row's system id wrapped, as IOS-XR prints
    # one longer than its column.
    output = genie("iosxr/ShowIsisNeighbors/golden_output_1_output.txt")
    rows = parse(XR_ISIS, output, "show isis neighbors")
    first = next(line for line in output.splitlines() if line.startswith(rows[0]["SYSTEM_ID"]))
    wrapped = output.replace(
        first, first.replace(rows[0]["SYSTEM_ID"], rows[0]["SYSTEM_ID"] + "\n" + " " * 16, 1)
    )
    with pytest.raises(ParseError, match="neither a ISIS adjacency row"):
        parse(XR_ISIS, wrapped, "show isis neighbors")
