"""Nothing leaks: planted secrets never reach a file the harness writes or its console.

Every lab router's configuration carries distinctive secrets (enable and user secrets,
TACACS+ and RADIUS keys, SNMP communities, key-chain keys, NTP and BGP keys), each
containing the marker PLANTED; the login credentials come from the environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Lab, netaccept

pytestmark = pytest.mark.lab

MARKER = "PLANTED"


def planted_values() -> set[str]:
    """Every planted secret value, read from the lab recordings themselves."""
    values: set[str] = set()
    for path in LAB_RECORDINGS.glob("*.json"):
        config = json.loads(path.read_text(encoding="utf-8"))["outputs"]["show running-config"]
        for word in config.split():
            if MARKER in word:
                values.add(word)
    return values


def written_text(*roots: Path) -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8", errors="replace")
        for root in roots
        for path in root.rglob("*")
        if path.is_file()
    }


def test_the_lab_really_plants_secrets_of_every_kind() -> None:
    values = planted_values()
    assert len(values) >= 40
    config = json.loads((LAB_RECORDINGS / "nyc-gsr-01.json").read_text())["outputs"][
        "show running-config"
    ]
    for kind in ("enable secret 5", "secret 5", "key 7", "snmp-server community", "key-string"):
        assert any(kind in line and MARKER in line for line in config.splitlines()), kind


def test_no_secret_reaches_any_file_or_the_console(lab: Lab, tmp_path: Path) -> None:
    record = tmp_path / "recording"
    live = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--record", str(record),
        "--junitxml", str(tmp_path / "junit.xml"), *lab.args(), out=tmp_path / "live",
        env=lab.env(),
    )  # fmt: skip
    replay = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(record),
        out=tmp_path / "replay",
    )  # fmt: skip
    assert live.code == replay.code == 1
    files = written_text(tmp_path)
    assert len(files) > 100
    secrets = {*planted_values(), lab.credentials.password, lab.credentials.secret}
    console = live.stdout + live.stderr + replay.stdout + replay.stderr
    for secret in secrets:
        assert secret not in console
        leaked = [str(path) for path, text in files.items() if secret in text]
        assert not leaked, f"{secret!r} written to {leaked}"
    assert not [p for p, text in files.items() if MARKER in text]
    evidence = next((tmp_path / "live").rglob("*show-running-config.txt")).read_text()
    assert "secret 5 <removed>" in evidence and "key 7 <removed>" in evidence


def test_last_resort_password_decides_without_the_secret(lab: Lab, tmp_path: Path) -> None:
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--device", "nyc-gsr-01",
        "--check", "last_resort_password", *lab.args(), out=tmp_path, env=lab.env(),
    )  # fmt: skip
    check = result.check("nyc-gsr-01", "last_resort_password")
    assert check["status"] == "pass"
    assert "hashed (type 5)" in check["message"]
    assert MARKER not in json.dumps(result.certificate("nyc-gsr-01"))
