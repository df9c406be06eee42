"""Nothing leaks: planted secrets never reach a file the harness writes or its console.

Every lab router's configuration carries distinctive secrets (enable and user secrets,
TACACS+ and RADIUS keys, SNMP communities, key-chain keys, NTP and BGP keys), each
containing the marker PLANTED; the login credentials come from the environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, Lab, free_port, netaccept

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


PASSPHRASE = "sign-passphrase-LEAKCHECK-31337"


def test_nothing_leaks_with_debug_logging_every_format_and_a_failing_router(
    lab: Lab, tmp_path: Path
) -> None:
    """Record, replay, JSON/HTML/XML/JUnit/signed outputs, DEBUG logs, a failing router.

    `--debug` logs netaccept, netmiko (every read and write on the channel) and paramiko
    at DEBUG; one router is unreachable and two fail checks. Then every file written and
    every line printed is scanned for every secret.
    """
    env = {**lab.env(), "NETACCEPT_SIGN_PASSPHRASE": PASSPHRASE}
    key = tmp_path / "keys" / "signing.pem"
    keygen = subprocess.run(
        [sys.executable, "-m", "netaccept", "keygen", "--private", str(key),
         "--public", str(tmp_path / "keys" / "signing.pub"),
         "--passphrase-env", "NETACCEPT_SIGN_PASSPHRASE"],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "NETACCEPT_SIGN_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert keygen.returncode == 0, keygen.stderr
    record = tmp_path / "recording"
    unreachable = {"chi-xr-01": free_port()}  # nothing listens there: an error with a reason
    live = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--record", str(record), "--debug",
        "--junitxml", str(tmp_path / "junit-live.xml"), "--sign-key", str(key),
        *lab.args(**unreachable), out=tmp_path / "live", env=env,
    )  # fmt: skip
    replay = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(record), "--debug",
        "--junitxml", str(tmp_path / "junit-replay.xml"), "--sign-key", str(key),
        out=tmp_path / "replay", env={"NETACCEPT_SIGN_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    # The plugin under plain pytest, verbose, with pytest's own live log at DEBUG.
    plain = subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "checks"), "-p", "no:cacheprovider",
         "-o", "addopts=", "-v", "--log-cli-level=DEBUG",
         "--netaccept-inventory", str(LAB_INVENTORY), "--netaccept-no-progress",
         "--netaccept-out", str(tmp_path / "plain"),
         "--junitxml", str(tmp_path / "junit-plain.xml"),
         "--netaccept-dns-server", lab.dns_server, "--netaccept-host-key-policy", "strict",
         "--netaccept-known-hosts", str(lab.known_hosts),
         *[a for e in lab.endpoints() for a in ("--netaccept-endpoint", e)]],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}, **env},
    )  # fmt: skip
    assert live.code == 6, live.stderr[-2000:]  # chi-xr-01 could not be decided
    assert replay.code == 6 and plain.returncode == 1, (replay.stderr[-2000:], plain.stdout[-2000:])
    # The logging was really on, and really saw the routers' configurations go by.
    assert "DEBUG paramiko.transport" in live.stderr and "DEBUG netmiko" in live.stderr
    assert "read_channel: <" in live.stderr
    assert "DEBUG" in plain.stdout and "read_channel: <" in plain.stdout
    assert "chi-xr-01" in live.stdout and "refused" in live.stdout
    for run in ("live", "replay"):
        assert list((tmp_path / run).rglob("certificate.sig"))
        assert list((tmp_path / run).rglob("certificate.xml"))
    files = written_text(tmp_path)
    assert len(files) > 300
    secrets = {
        *planted_values(),
        lab.credentials.password,
        lab.credentials.secret,
        PASSPHRASE,
    }
    consoles = {
        "live": live.stdout + live.stderr,
        "replay": replay.stdout + replay.stderr,
        "pytest -v --log-cli-level=DEBUG": plain.stdout + plain.stderr,
        "keygen": keygen.stdout + keygen.stderr,
    }
    for secret in secrets:
        shown = [name for name, text in consoles.items() if secret in text]
        assert not shown, f"{secret!r} printed by {shown}"
        leaked = [str(path) for path, text in files.items() if secret in text]
        assert not leaked, f"{secret!r} written to {leaked}"
    assert not [name for name, text in consoles.items() if MARKER in text]
    assert not [p for p, text in files.items() if MARKER in text]
