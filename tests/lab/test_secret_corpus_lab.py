"""The 100 planted secret syntaxes through the lab over real SSH, recorded and replayed.

As tests/cli/test_secret_corpus.py, but the planted recordings are served by the simulated
lab over SSH (each router's configuration and `show logging` carry the corpus, lines after
an ANSI reset, NUL, DEL or byte-order mark), the run records them with `--record` and logs
at DEBUG, and a second run replays the recording. No marker may be found in any file the
two runs wrote or on their consoles.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from netaccept.inventory import load_inventory
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabRouterSpec
from netaccept.lab.zone import lab_zone
from tests.cli.test_secret_corpus import plant
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Lab, netaccept

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def planted_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lab, set[str]]]:
    work = tmp_path_factory.mktemp("planted")
    inventory = load_inventory(LAB_INVENTORY)
    markers: set[str] = set()
    specs = []
    for device in inventory.devices:
        recording = json.loads((LAB_RECORDINGS / f"{device.name}.json").read_text("utf-8"))
        plant(recording, markers)
        path = work / f"{device.name}.json"
        path.write_text(json.dumps(recording), encoding="utf-8")
        offer = inventory.lab.ssh_offers.get(device.name, "modern")
        specs.append(LabRouterSpec(device.name, device.platform, path, ssh_offer=offer))
    credentials = LabCredentials("planted", secrets.token_urlsafe(16), secrets.token_urlsafe(16))
    with LabProcess(specs, credentials, dns_records=lab_zone(inventory)) as running:
        assert running.dns_port is not None
        known_hosts = running.write_known_hosts(work / "known_hosts")
        yield Lab(dict(running.ports), credentials, running.dns_port, known_hosts), markers


def test_no_planted_marker_reaches_a_recorded_or_replayed_run(
    planted_lab: tuple[Lab, set[str]], tmp_path: Path
) -> None:
    lab, markers = planted_lab
    assert len(markers) >= 100
    record = tmp_path / "recording"
    live = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--no-progress", "--debug",
        "--record", str(record), "--junitxml", str(tmp_path / "junit.xml"), *lab.args(),
        out=tmp_path / "live", env=lab.env(),
    )  # fmt: skip
    replay = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--no-progress", "--replay", str(record),
        out=tmp_path / "replay",
    )  # fmt: skip
    # Configurations with NUL or DEL bytes are refused as damaged (error), and stored masked.
    assert live.code in (0, 1, 6) and replay.code in (0, 1, 6), live.stdout + live.stderr
    files = {
        path: path.read_bytes().decode("utf-8", errors="replace")
        for path in tmp_path.rglob("*")
        if path.is_file()
    }
    assert len(files) > 100
    assert any(p.parent == record for p in files), "the run recorded the lab"
    console = live.stdout + live.stderr + replay.stdout + replay.stderr
    leaks = {m: [str(p) for p, t in files.items() if m in t] for m in markers}
    assert not {m: w for m, w in leaks.items() if w}
    assert not [m for m in markers if m in console]
