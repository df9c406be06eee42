"""The options of a run, declared once: `netaccept run|demo` and `pytest --netaccept-*` read them.

Each `RunOption` is one setting of a run. The CLI offers it as `--NAME` (on `run`, and on
`demo` where `demo` says so), the pytest plugin as `--netaccept-NAME`, and `pytest_args`
turns a parsed `netaccept run` into the pytest command line that runs it. A new option is
one entry here (and, if the run reads it, one `config.option.netaccept_NAME`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from netaccept.core.catalogue import CHECK_IDS
from netaccept.report.certificates import REASONS
from netaccept.run.shard import Shard, ShardError
from netaccept.session.hostkeys import DEFAULT_KNOWN_HOSTS, POLICY_HELP, HostKeyPolicy

Kind = Literal["value", "flag", "append"]


@dataclass(frozen=True)
class RunOption:
    """One setting of a run, with where it is offered."""

    name: str
    """`reason`: `--reason` on the command line, `--netaccept-reason` for pytest."""
    help: str
    kind: Kind = "value"
    metavar: str | None = None
    choices: Sequence[str] | None = None
    default: Any = None
    type: Callable[[str], Any] | None = None
    short: str | None = None
    """The CLI's one-letter form (`-d`), if any."""
    cli: bool = True
    """Offered by `netaccept run`."""
    demo: bool = False
    """Offered by `netaccept demo` as well."""
    pytest: bool = True
    """Offered by the pytest plugin as `--netaccept-NAME` (and passed on by `netaccept run`)."""

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    def _keywords(self) -> dict[str, Any]:
        keywords: dict[str, Any] = {"help": self.help}
        if self.kind == "flag":
            keywords["action"] = "store_true"
            return keywords
        if self.kind == "append":
            keywords["action"] = "append"
            keywords["default"] = [] if self.default is None else self.default
        elif self.default is not None:
            keywords["default"] = self.default
        for key in ("metavar", "choices", "type"):
            if getattr(self, key) is not None:
                keywords[key] = getattr(self, key)
        return keywords


def shard_value(text: str) -> Shard:
    """`--shard`: I/N, or `auto` and `auto/N` from the CI's variables; else a usage error."""
    try:
        return Shard.from_option(text, os.environ)
    except ShardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


OPTIONS: tuple[RunOption, ...] = (
    RunOption("inventory", "inventory YAML (for pytest: enables netaccept)", metavar="FILE",
              short="-i", demo=True),
    RunOption("reason", "why the ports are tested, section 1.4(a) (default: initial)",
              choices=REASONS, default="initial", demo=True),
    RunOption("out", "reports directory (default: reports)", metavar="DIR", default="reports",
              demo=True),
    RunOption("technician", "who runs the tests (default: $NETACCEPT_TECHNICIAN or the login "
              "name)", metavar="NAME", demo=True),
    RunOption("record", "also save every raw output as a recording", metavar="DIR", demo=True),
    RunOption("no-progress", "no progress display", kind="flag", demo=True),
    RunOption("sign-key", "sign each certificate with this Ed25519 private key (passphrase, if "
              "any, in NETACCEPT_SIGN_PASSPHRASE)", metavar="FILE", demo=True),
    RunOption("ledger", "the acceptance ledger (default: OUT/ledger.sqlite)", metavar="FILE",
              demo=True),
    RunOption("host-key-policy", POLICY_HELP, choices=[p.value for p in HostKeyPolicy],
              demo=True),
    RunOption("known-hosts", "the routers' SSH host keys, OpenSSH format (default: "
              f"{DEFAULT_KNOWN_HOSTS})", metavar="FILE", demo=True),
    RunOption("replay", "decide from a recording, no connection", metavar="DIR"),
    RunOption("device", "only this device (repeatable)", kind="append", metavar="NAME",
              short="-d"),
    RunOption("check", "only this check (repeatable)", kind="append", metavar="ID",
              choices=CHECK_IDS, short="-c"),
    RunOption("workers", "sessions open at once (default: settings.workers in the "
              "inventory, 256)", metavar="N", type=int),
    RunOption("logins", "SSH logins in progress at once (default: settings.logins in the "
              "inventory, 32)", metavar="N", type=int),
    RunOption("endpoint", "reach a device at another address (a lab, a port forward)",
              kind="append", metavar="NAME=HOST:PORT"),
    RunOption("dns-server", "ask this name server for loopback_dns instead of dns.servers "
              "(port 53 unless given)", metavar="HOST[:PORT]"),
    RunOption("shard", "only share I of N of the devices (sorted by name, dealt out in turn: the "
              "same share on every machine), recorded in run.json; `auto` takes it from GitLab's "
              "CI_NODE_INDEX and CI_NODE_TOTAL, `auto/N` from a Kubernetes Indexed Job's "
              "JOB_COMPLETION_INDEX (from 0); merge the shards with `netaccept report merge`",
              metavar="I/N", type=shard_value),
    RunOption("quiet", "no pytest progress letters (netaccept run shows its own summary)",
              kind="flag", cli=False),
)  # fmt: skip


def spelled(config: pytest.Config, name: str) -> str:
    """Option `name` as the user gave it: `--out` to `netaccept run`, `--netaccept-out` to pytest.

    `netaccept run` and `netaccept demo` (alone) pass `--netaccept-quiet`.
    """
    return f"--{name}" if config.option.netaccept_quiet else f"--netaccept-{name}"


def add_pytest_options(parser: pytest.Parser) -> None:
    """The plugin's `--netaccept-*` options."""
    group = parser.getgroup("netaccept", "router acceptance tests (Schedule 2)")
    for option in OPTIONS:
        if option.pytest:
            keywords = option._keywords()
            if option.name == "check":
                keywords.pop("choices")  # the plugin names the valid ids in its own error
            if option.name == "shard":
                # `netaccept run --shard` selects the share's devices itself and passes the
                # shard on to be recorded in run.json: with pytest, select with -k or
                # --netaccept-device.
                keywords["help"] = argparse.SUPPRESS
            group.addoption(f"--netaccept-{option.name}", **keywords)


def add_cli_options(parser: argparse.ArgumentParser, *, demo: bool = False) -> None:
    """`netaccept run`'s options (`demo`: the subset `netaccept demo` offers)."""
    for option in OPTIONS:
        if not option.cli or (demo and not option.demo):
            continue
        flags = [f"--{option.name}", *([option.short] if option.short else [])]
        keywords = option._keywords()
        if option.name == "inventory" and not demo:
            keywords["required"] = True
        parser.add_argument(*flags, **keywords)


def pytest_args(args: argparse.Namespace) -> list[str]:
    """The `--netaccept-*` arguments that give pytest the run `args` describes.

    A namespace without an option (the demo's) leaves it out. Without a replay, the host
    key policy is decided here, where standard input is still the user's terminal (or not).
    """
    argv: list[str] = []
    for option in OPTIONS:
        if not (option.cli and option.pytest):
            continue
        value = getattr(args, option.dest, None)
        flag = f"--netaccept-{option.name}"
        if option.kind == "flag":
            argv += [flag] if value else []
        elif option.kind == "append":
            for each in value or []:
                argv += [flag, str(each)]
        elif option.name == "host-key-policy":
            if not getattr(args, "replay", None):
                argv += [flag, value or HostKeyPolicy.default().value]
        elif option.name == "known-hosts":
            if value and not getattr(args, "replay", None):
                argv += [flag, value]
        elif value is not None and value != "":
            argv += [flag, str(value)]  # 0 too: `--workers 0` is refused, not dropped
    return argv
