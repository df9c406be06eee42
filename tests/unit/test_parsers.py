"""The project's own `show interfaces` template for IOS, against the corpus and a GSR POS port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from netaccept.platforms.parsing import parse
from tests.conftest import CORPUS

TEMPLATE = "own:cisco_ios_show_interfaces"
FIELDS = ("INTERFACE", "LINK_STATUS", "DESCRIPTION", "IP_ADDRESS", "INPUT_ERRORS", "CRC")
RAWS = sorted((CORPUS / "cisco_ios" / "show_interfaces").glob("*.raw"))

POS = """\
POS4/0 is up, line protocol is up
  Hardware is Packet over SONET
  Description: PSO-2001-0042 Example Backbone Corp
  Internet address is 10.200.0.1/30
  MTU 4470 bytes, BW 622000 Kbit, DLY 100 usec, rely 255/255, load 12/255
  Encapsulation HDLC, crc 32, loopback not set
  Keepalive set (10 sec)
  Scramble enabled
  Last input 00:00:00, output 00:00:01, output hang never
  Last clearing of "show interface" counters never
  Queueing strategy: fifo
  Output queue 0/40, 0 drops; input queue 0/75, 0 drops
  5 minute input rate 75107000 bits/sec, 9721 packets/sec
  5 minute output rate 71202000 bits/sec, 9013 packets/sec
     97233713012 packets input, 93917163218221 bytes, 0 no buffer
     Received 0 broadcasts, 0 runts, 0 giants, 0 throttles
              0 parity
     12 input errors, 7 CRC, 0 frame, 0 overrun, 0 ignored, 5 abort
     91077239612 packets output, 88103316019844 bytes, 0 underruns
     4 output errors, 0 applique, 1 interface resets
     0 output buffer failures, 0 output buffers swapped out
     2 carrier transitions
POS4/1 is administratively down, line protocol is down
  Hardware is Packet over SONET
  MTU 4470 bytes, BW 155000 Kbit, DLY 100 usec, rely 255/255, load 1/255
     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort
     0 output errors, 0 applique, 0 interface resets
"""


def test_corpus_is_present() -> None:
    assert RAWS, f"no corpus at {CORPUS}: ../shared must sit beside the checkout"


@pytest.mark.parametrize("raw", RAWS, ids=[p.name for p in RAWS])
def test_corpus_interfaces_read_as_ntc_templates_reads_them(raw: Path) -> None:
    rows = parse(TEMPLATE, raw.read_text(encoding="utf-8"), "show interfaces")
    expected: list[dict[str, Any]] = yaml.safe_load(raw.with_suffix(".yml").read_text())[
        "parsed_sample"
    ]
    assert [r["INTERFACE"] for r in rows] == [e["interface"] for e in expected]
    for row, sample in zip(rows, expected, strict=True):
        for field in FIELDS:
            assert row[field] == str(sample[field.lower()]), (row["INTERFACE"], field)
        # ntc keeps the switchport note: "up (connected)"; the state is the first word.
        assert row["PROTOCOL_STATUS"] == str(sample["protocol_status"]).split(" (")[0]
        if sample["output_errors"] != "":
            assert row["OUTPUT_ERRORS"] == str(sample["output_errors"])


def test_pos_output_errors_are_read_where_ntc_reads_none() -> None:
    rows = parse(TEMPLATE, POS, "show interfaces")
    assert [(r["INTERFACE"], r["LINK_STATUS"], r["PROTOCOL_STATUS"]) for r in rows] == [
        ("POS4/0", "up", "up"),
        ("POS4/1", "administratively down", "down"),
    ]
    assert (rows[0]["INPUT_ERRORS"], rows[0]["CRC"], rows[0]["OUTPUT_ERRORS"]) == ("12", "7", "4")
    assert rows[0]["DESCRIPTION"] == "PSO-2001-0042 Example Backbone Corp"
    assert (rows[0]["IP_ADDRESS"], rows[0]["PREFIX_LENGTH"]) == ("10.200.0.1", "30")
