"""The defaults people set once: `netaccept.toml`, or `[tool.netaccept]` in `pyproject.toml`.

Both are read from the current directory only, `netaccept.toml` first. A value there becomes
the default of the matching command-line option, so the command line always wins. An
unknown key or a value of the wrong type is a usage error naming the file, the line and the
key, before anything else happens.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = "netaccept.toml"
PYPROJECT_FILE = "pyproject.toml"

KEYS: Mapping[str, str] = {
    "inventory": "the inventory `netaccept run` tests without --inventory",
    "out": "the reports directory (--out)",
    "ledger": "the acceptance ledger (--ledger)",
    "known_hosts": "the routers' host keys, OpenSSH format (--known-hosts)",
    "dns_server": "the name server for loopback_dns, HOST[:PORT] (--dns-server)",
    "sign_key": "the Ed25519 private key that signs certificates (--sign-key)",
}
_PATHS = frozenset({"inventory", "out", "ledger", "known_hosts", "sign_key"})

# Which keys each command takes. The demo keeps its own lab inventory, host keys, name
# server and ledger: the settings for real routers would break it, or mix its attempts
# into the real ledger.
_COMMANDS: Mapping[str, tuple[str, ...]] = {
    "run": ("inventory", "out", "ledger", "known_hosts", "dns_server", "sign_key"),
    "demo": ("out", "sign_key"),
    "history": ("ledger",),
    "accept": ("ledger",),
    "reject": ("ledger",),
}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names file, line and key."""


@dataclass(frozen=True)
class Config:
    """The settings of one configuration file (none: `path` is None)."""

    path: Path | None = None
    values: Mapping[str, str] = field(default_factory=dict)

    def ledger(self) -> str | None:
        """The ledger `history`, `accept` and `reject` read: as set, else OUT's default."""
        if "ledger" in self.values:
            return self.values["ledger"]
        if "out" in self.values:
            return str(Path(self.values["out"]) / "ledger.sqlite")
        return None


def _line_of(text: str, key: str, after: int = 0) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines()[after:], start=after + 1):
        if pattern.match(line):
            return number
    return None


def _table_line(text: str) -> int:
    """The line after `[tool.netaccept]` (0 when absent): where its keys are searched."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^\s*\[\s*tool\.netaccept\s*\]", line):
            return number
    return 0


def _validate(path: Path, text: str, table: Mapping[str, Any], after: int) -> dict[str, str]:
    values: dict[str, str] = {}
    problems: list[str] = []
    for key, value in table.items():
        line = _line_of(text, key, after)
        where = f"{path}:{line}" if line else str(path)
        if key not in KEYS:
            problems.append(f"{where}: {key}: unknown key; expected one of: {', '.join(KEYS)}")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {key}: expected a string, {KEYS[key]}; got {value!r}")
        else:
            values[key] = str(Path(value).expanduser()) if key in _PATHS else value
    if problems:
        raise ConfigError("\n".join(problems))
    return values


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_config(directory: Path) -> Config:
    """`directory`'s netaccept.toml, else its pyproject.toml's [tool.netaccept], else nothing."""
    own = directory / CONFIG_FILE
    if own.is_file():
        text, data = _read(own)
        return Config(own, _validate(own, text, data, 0))
    pyproject = directory / PYPROJECT_FILE
    if not pyproject.is_file():
        return Config()
    text, data = _read(pyproject)
    table = data.get("tool", {}).get("netaccept") if isinstance(data.get("tool"), dict) else None
    if table is None:
        return Config()
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.netaccept] must be a table of settings")
    return Config(pyproject, _validate(pyproject, text, table, _table_line(text)))


def configured_command(argv: Sequence[str]) -> str | None:
    """The subcommand in `argv` that reads the configuration, if any."""
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    return command if command in _COMMANDS else None


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    # argparse offers no public way to reach a subcommand's parser once it is built.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    raise KeyError(command)


def apply_config(parser: argparse.ArgumentParser, command: str, config: Config) -> None:
    """Make `config`'s values `command`'s defaults: the command line still overrides them."""
    values = dict(config.values)
    if command in ("history", "accept", "reject"):
        ledger = config.ledger()
        values = {"ledger": ledger} if ledger else {}
    wanted = {key: values[key] for key in _COMMANDS[command] if key in values}
    if not wanted:
        return
    sub = _subparser(parser, command)
    for action in sub._actions:
        if action.dest in wanted:
            action.default = wanted[action.dest]
            action.required = False  # `run --inventory`, when the file names one
