"""Getting started (issue 14): `netaccept init`, and the defaults of netaccept.toml.

`init` writes files that load as they are, never over the user's own; `--example` gives a
directory where the replay of docs/getting-started.md works with no router. A netaccept.toml (or
`[tool.netaccept]` in pyproject.toml) in the current directory sets the defaults of the
options people set once; the command line wins, and a bad file is a usage error naming the
file, the line and the key.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from netaccept.cli import runs
from netaccept.cli.config import KEYS
from netaccept.cli.main import main
from netaccept.inventory import load_inventory
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Result


def netaccept_in(directory: Path, *args: str) -> Result:
    """`netaccept ARGS` started in `directory`, as a user there would."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment["COLUMNS"] = "200"
    proc = subprocess.run(
        [sys.executable, "-m", "netaccept", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=180,
        cwd=directory,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr, directory)


def replay_lab(directory: Path, *args: str) -> Result:
    return netaccept_in(
        directory, "run", "--replay", str(LAB_RECORDINGS), "--device", "nyc-gsr-01",
        "--no-progress", *args,
    )  # fmt: skip


def run_dirs(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir()) if out.is_dir() else []


# ---------------------------------------------------------------- init


def test_init_writes_a_skeleton_inventory_that_loads_and_a_commented_config(
    tmp_path: Path,
) -> None:
    target = tmp_path / "pop"

    result = netaccept_in(tmp_path, "init", "pop")

    assert result.code == 0, result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["inventory.yaml", "netaccept.toml"]
    inventory = load_inventory(target / "inventory.yaml")
    assert len(inventory.devices) >= 1 and inventory.sites
    assert "CHANGE" in (target / "inventory.yaml").read_text(encoding="utf-8")
    config = tomllib.loads((target / "netaccept.toml").read_text(encoding="utf-8"))
    assert set(config) <= set(KEYS)
    documented = (target / "netaccept.toml").read_text(encoding="utf-8")
    assert all(f"{key} = " in documented for key in KEYS)
    assert "netaccept run" in result.stdout and "cd pop" in result.stdout


def test_init_example_gives_a_directory_where_the_replay_works_with_no_router(
    tmp_path: Path,
) -> None:
    assert netaccept_in(tmp_path, "init", "--example").code == 0
    assert load_inventory(tmp_path / "inventory" / "lab.yaml").devices

    result = netaccept_in(
        tmp_path, "run", "--inventory", "inventory/lab.yaml", "--replay", "inventory/lab",
        "--no-progress",
    )  # fmt: skip

    assert result.code == 1, result.stdout + result.stderr  # two lab routers fail on purpose
    (run,) = run_dirs(tmp_path / "reports")
    assert sorted(p.name for p in run.iterdir() if p.is_dir()) == sorted(
        d.name for d in load_inventory(LAB_INVENTORY).devices
    )


def test_init_leaves_existing_files_alone_and_names_them_unless_forced(tmp_path: Path) -> None:
    mine = tmp_path / "inventory.yaml"
    mine.write_text("# my own inventory\n", encoding="utf-8")

    refused = netaccept_in(tmp_path, "init")

    assert refused.code == 4
    assert "inventory.yaml" in refused.stderr and "--force" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "# my own inventory\n"
    assert not (tmp_path / "netaccept.toml").exists()  # nothing half-written
    forced = netaccept_in(tmp_path, "init", "--force")
    assert forced.code == 0, forced.stderr
    assert load_inventory(mine).devices


# ---------------------------------------------------------------- netaccept.toml


def _config(directory: Path, text: str, name: str = "netaccept.toml") -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_the_config_file_sets_a_run_s_defaults_and_the_command_line_overrides_them(
    tmp_path: Path,
) -> None:
    _config(tmp_path, f'inventory = "{LAB_INVENTORY}"\nout = "from-config"\n')

    configured = replay_lab(tmp_path)
    overridden = replay_lab(
        tmp_path, "--inventory", str(tmp_path / "missing.yaml"), "--out", "from-cli"
    )

    assert configured.code == 0, configured.stdout + configured.stderr
    assert len(run_dirs(tmp_path / "from-config")) == 1
    assert not (tmp_path / "reports").exists()
    assert overridden.code == 4 and "missing.yaml" in overridden.stderr  # its --inventory
    replayed = replay_lab(tmp_path, "--out", "from-cli")
    assert replayed.code == 0, replayed.stdout + replayed.stderr
    assert len(run_dirs(tmp_path / "from-cli")) == 1
    assert len(run_dirs(tmp_path / "from-config")) == 1


def test_tool_netaccept_in_pyproject_is_read_when_there_is_no_netaccept_toml(
    tmp_path: Path,
) -> None:
    _config(tmp_path, f'[project]\nname = "x"\n\n[tool.netaccept]\nout = "from-pyproject"\n'
            f'inventory = "{LAB_INVENTORY}"\n', name="pyproject.toml")  # fmt: skip

    assert replay_lab(tmp_path).code == 0
    assert len(run_dirs(tmp_path / "from-pyproject")) == 1


def test_the_configured_ledger_and_host_settings_reach_the_run_and_yield_to_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, f'inventory = "{LAB_INVENTORY}"\nledger = "config.sqlite"\n'
            'known_hosts = "hosts"\ndns_server = "127.0.0.1:5353"\n')  # fmt: skip
    monkeypatch.chdir(tmp_path)
    seen: list[list[str]] = []

    def run_pytest(argv: list[str]) -> int:
        seen.append(argv)
        return 0

    monkeypatch.setattr(runs, "_run_pytest", run_pytest)

    assert main(["run", "--host-key-policy", "strict"]) == 0
    assert main(["run", "--ledger", "cli.sqlite", "--dns-server", "192.0.2.53"]) == 0

    def value(argv: list[str], flag: str) -> str:
        return argv[argv.index(flag) + 1]

    configured, overridden = seen
    assert value(configured, "--netaccept-ledger") == "config.sqlite"
    assert value(configured, "--netaccept-known-hosts") == "hosts"
    assert value(configured, "--netaccept-dns-server") == "127.0.0.1:5353"
    assert value(overridden, "--netaccept-ledger") == "cli.sqlite"
    assert value(overridden, "--netaccept-dns-server") == "192.0.2.53"


def test_history_reads_the_configured_ledger_unless_told_another(tmp_path: Path) -> None:
    _config(tmp_path, 'ledger = "config.sqlite"\n')

    configured = netaccept_in(tmp_path, "history")
    overridden = netaccept_in(tmp_path, "history", "--ledger", "cli.sqlite")

    assert configured.code == 4 and "config.sqlite" in configured.stderr
    assert overridden.code == 4 and "cli.sqlite" in overridden.stderr
    assert "config.sqlite" not in overridden.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('out = "r"\noutt = "reports"\n', ["netaccept.toml:2", "outt", "unknown key", "ledger"]),
        ("ledger = 3\n", ["netaccept.toml:1", "ledger", "expected a string", "got 3"]),
        ("out = [\n", ["netaccept.toml", "not valid TOML"]),
    ],
    ids=["unknown key", "wrong type", "not TOML"],
)
def test_a_bad_config_file_stops_the_run_naming_file_line_and_key(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    _config(tmp_path, text)

    result = replay_lab(tmp_path, "--inventory", str(LAB_INVENTORY))

    assert result.code == 4, result.stdout + result.stderr
    assert all(part in result.stderr for part in expected), result.stderr
    assert not (tmp_path / "reports").exists() and not (tmp_path / "r").exists()
