"""`netaccept init`: a starting inventory and configuration file, or the lab as an example.

The files come from the project's `templates/init` and `inventory` folders, which the wheel
bundles (`netaccept.core.paths`), so `init` works the same after `pip install netaccept` as
in a checkout.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netaccept.cli.common import print_error
from netaccept.cli.config import CONFIG_FILE
from netaccept.core.exitcodes import ExitCode
from netaccept.core.paths import project_dir

SKELETON = "inventory.yaml"
EXAMPLE = Path("inventory") / "lab.yaml"
EXAMPLE_RECORDINGS = Path("inventory") / "lab"


@dataclass(frozen=True)
class Planned:
    """One file `init` writes: where it comes from, and where it goes under DIR."""

    source: Path
    target: Path


def planned_files(*, example: bool) -> list[Planned]:
    """The skeleton and netaccept.toml; with `example`, the lab inventory and its recordings."""
    init = project_dir("templates") / "init"
    files = [
        Planned(init / "inventory.yaml", Path(SKELETON)),
        Planned(init / "netaccept.toml", Path(CONFIG_FILE)),
    ]
    if example:
        lab = project_dir("inventory")
        files.append(Planned(lab / "lab.yaml", EXAMPLE))
        files += [
            Planned(recording, EXAMPLE_RECORDINGS / recording.name)
            for recording in sorted((lab / "lab").glob("*.json"))
        ]
    return files


def _next_steps(directory: Path, *, example: bool) -> str:
    lines = ["Next:"]
    if directory.resolve() != Path.cwd().resolve():
        lines.append(f"  cd {directory}")
    if example:
        lines += [
            f"  netaccept run --inventory {EXAMPLE} --replay {EXAMPLE_RECORDINGS}"
            "     # the lab from its recordings: no router needed",
            "  netaccept demo"
            "     # the same lab served over SSH on 127.0.0.1, and a run against it",
        ]
    lines += [
        f"  edit {SKELETON}: replace every value marked CHANGE (docs/inventory.md)",
        f"  edit {CONFIG_FILE}: reports directory, ledger, known_hosts, DNS server, signing key",
        "  export NETACCEPT_USERNAME=... NETACCEPT_PASSWORD=...     # or be asked at a terminal",
        f"  netaccept run     # tests the inventory {CONFIG_FILE} names",
    ]
    return "\n".join(lines)


def cmd_init(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if directory.exists() and not directory.is_dir():
        print_error(f"{directory} is not a directory")
        return ExitCode.USAGE
    files = planned_files(example=args.example)
    existing = [directory / f.target for f in files if (directory / f.target).exists()]
    if existing and not args.force:
        print_error(
            "these files exist already and are left as they are (--force overwrites them):\n"
            + "\n".join(f"  {path}" for path in existing)
        )
        return ExitCode.USAGE
    try:
        for planned in files:
            target = directory / planned.target
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(planned.source.read_bytes())
    except OSError as exc:
        name = exc.filename or directory
        print_error(f"{name} could not be written ({exc.strerror or exc})")
        return ExitCode.USAGE
    written = [str(directory / f.target) for f in files if f.target.parent != EXAMPLE_RECORDINGS]
    recordings = len(files) - len(written)
    if recordings:
        written.append(f"{recordings} recordings in {directory / EXAMPLE_RECORDINGS}")
    print("Wrote " + ", ".join(written))
    print(_next_steps(directory, example=args.example))
    return ExitCode.PASS


def add_init_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """`netaccept init [DIR] [--example] [--force]` on the subcommands `sub`."""
    init = sub.add_parser(
        "init",
        help="write a starting inventory and netaccept.toml (--example: the lab as well)",
        description=f"Write DIR/{SKELETON}, a commented inventory skeleton for your sites and "
        f"routers that loads as it is (replace the values marked CHANGE), and "
        f"DIR/{CONFIG_FILE}, the defaults of the runs started in DIR. With --example, also "
        f"the complete lab inventory, DIR/{EXAMPLE}, and its recordings in "
        f"DIR/{EXAMPLE_RECORDINGS}/, so that `netaccept run --inventory {EXAMPLE} --replay "
        f"{EXAMPLE_RECORDINGS}` and the documented commands work there. Existing files are "
        "never overwritten without --force.",
        epilog="exit codes: 0 written, 4 a file exists already (named) or cannot be written",
    )
    init.add_argument(
        "dir", nargs="?", default=".", metavar="DIR", help="where to write (default: here)"
    )
    init.add_argument(
        "--example", action="store_true", help="also write the lab inventory and its recordings"
    )
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    init.set_defaults(func=cmd_init)
