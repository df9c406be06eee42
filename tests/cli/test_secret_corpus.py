"""No planted secret reaches any output of a run (issue 12).

Every syntax of `tests/secret_syntaxes.py` is planted, with its markers, into the lab's
recordings: the IOS ones into each IOS router's running configuration, the IOS-XR ones into
each IOS-XR router's, every line after one of the bytes a line can arrive with (an ANSI
reset, NUL, DEL, a byte-order mark), and each command again into `show logging` as the
configuration logger prints it. A whole run replays them, with `--debug`; then every file it
wrote and its console are searched for every marker.
"""

from __future__ import annotations

import json
from pathlib import Path

from netaccept.session.masking import MASK
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, netaccept
from tests.secret_syntaxes import CFGLOG, IOS, PREFIXES, XR, XR_CFGLOG, all_planted

PLATFORM = {"cisco_ios": IOS, "cisco_xr": XR}


def plant(recording: dict[str, object], markers: set[str]) -> None:
    outputs = recording["outputs"]
    assert isinstance(outputs, dict)
    platform = PLATFORM[str(recording["platform"])]
    blocks = all_planted(platform)
    lines: list[str] = []
    logged: list[str] = []
    logger = CFGLOG if platform == IOS else XR_CFGLOG
    for number, (text, found) in enumerate(blocks):
        markers.update(found)
        prefix = PREFIXES[number % len(PREFIXES)]
        lines += [f"{prefix}{line}" for line in text.splitlines()] + ["!"]
        logged += [f"{logger}{line.strip()}" for line in text.splitlines()]
    config = str(outputs["show running-config"])
    head, end, tail = config.rpartition("\nend")
    assert end, "the recorded configuration ends with `end`"
    outputs["show running-config"] = head + "\n" + "\n".join(lines) + end + tail
    outputs["show logging"] = (
        str(outputs["show logging"]).rstrip("\n") + "\n" + "\n".join(logged) + "\n"
    )


def test_no_marker_of_100_planted_syntaxes_reaches_any_output(tmp_path: Path) -> None:
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    markers: set[str] = set()
    for path in LAB_RECORDINGS.glob("*.json"):
        recording = json.loads(path.read_text(encoding="utf-8"))
        plant(recording, markers)
        (recordings / path.name).write_text(json.dumps(recording), encoding="utf-8")
    assert len(markers) >= 100

    out = tmp_path / "reports"
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(recordings), "--no-progress",
        "--debug", "--junitxml", str(out / "junit.xml"), out=out,
    )  # fmt: skip
    # Configurations with NUL or DEL bytes are refused as damaged (error): what matters here
    # is that they, too, are stored masked.
    assert result.code in (0, 1, 6), result.stdout + result.stderr
    written = {
        path: path.read_bytes().decode("utf-8", errors="replace")
        for path in out.rglob("*")
        if path.is_file()
    }
    assert len(written) > 50
    leaks = {
        marker: [str(p.relative_to(out)) for p, text in written.items() if marker in text]
        for marker in markers
    }
    leaks = {m: where for m, where in leaks.items() if where}
    console = result.stdout + result.stderr
    assert not leaks, leaks
    assert not [m for m in markers if m in console]
    # The secrets really went through the run: the evidence shows them masked.
    evidence = "".join(t for p, t in written.items() if p.name.endswith("show-running-config.txt"))
    assert evidence.count(MASK) >= len(markers) // 2
