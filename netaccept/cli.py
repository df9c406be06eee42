"""The `netaccept` command: run the suite, serve the lab, list the checks, run the demo."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from netaccept import __version__
from netaccept.catalogue import CATALOGUE, CHECK_IDS, PLATFORMS
from netaccept.certificates import REASONS
from netaccept.inventory import Inventory, InventoryError, load_inventory
from netaccept.paths import project_dir
from netaccept.plugin import EXIT_INTERRUPTED, EXIT_PASS, EXIT_USAGE

EXIT_CODES = """exit codes:
  0  every selected check on every selected device passed
  1  at least one check failed (and every check was decided)
  2  interrupted (Ctrl-C)
  3  internal error
  4  usage or inventory error
  5  no check was selected, nothing was tested
  6  at least one check could not be decided (unreachable, timeout, rejected command,
     unparsable output, missing data): the certificate is incomplete
"""


def _err(message: str) -> None:
    Console(stderr=True, highlight=False).print(f"[bold red]netaccept:[/] {message}")


def _load(path: str, devices: Sequence[str] = ()) -> Inventory:
    return load_inventory(path).select(list(devices))


# ---------------------------------------------------------------- run


def _pytest_args(args: argparse.Namespace, extra: Sequence[str] = ()) -> list[str]:
    argv = [
        str(project_dir("checks")),
        "-p", "no:cacheprovider",
        "-o", "addopts=",
        "-qq", "--no-header", "--tb=no", "-rN", "--netaccept-quiet",
        "--netaccept-inventory", args.inventory,
        "--netaccept-reason", args.reason,
        "--netaccept-out", args.out,
    ]  # fmt: skip
    for name in args.device:
        argv += ["--netaccept-device", name]
    for check_id in args.check:
        argv += ["--netaccept-check", check_id]
    if args.record:
        argv += ["--netaccept-record", args.record]
    if args.replay:
        argv += ["--netaccept-replay", args.replay]
    if args.technician:
        argv += ["--netaccept-technician", args.technician]
    if args.workers:
        argv += ["--netaccept-workers", str(args.workers)]
    if args.no_progress:
        argv.append("--netaccept-no-progress")
    if args.junitxml:
        argv += ["--junitxml", args.junitxml]
    for endpoint in getattr(args, "endpoint", []):
        argv += ["--netaccept-endpoint", endpoint]
    if getattr(args, "dns_server", None):
        argv += ["--netaccept-dns-server", args.dns_server]
    return [*argv, *extra]


def _run_pytest(argv: list[str]) -> int:
    import pytest

    return int(pytest.main(argv))


def cmd_run(args: argparse.Namespace) -> int:
    try:
        _load(args.inventory, args.device)
    except InventoryError as exc:
        _err(f"the inventory cannot be used:\n{exc}")
        return EXIT_USAGE
    return _run_pytest(_pytest_args(args))


# ---------------------------------------------------------------- lab


def _lab_specs(inventory: Inventory) -> list[object]:
    from netaccept.lab import LabRouterSpec

    specs: list[object] = []
    problems: list[str] = []
    for device in inventory.devices:
        recording = inventory.lab_recordings / f"{device.name}.json"
        if not recording.is_file():
            problems.append(f"{device.name}: no recording at {recording}")
            continue
        specs.append(
            LabRouterSpec(
                name=device.name, platform=device.platform, recording=recording, port=device.port
            )
        )
    if problems:
        raise _LabError("\n".join(problems))
    return specs


class _LabError(Exception):
    pass


def cmd_lab(args: argparse.Namespace) -> int:
    from netaccept import lab

    try:
        inventory = _load(args.inventory, args.device)
        for device in inventory.devices:
            try:
                loopback = ipaddress.ip_address(device.host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                raise _LabError(
                    f"{device.name}: host {device.host} is not a loopback address; the lab only "
                    "serves on 127.0.0.1"
                )
        specs = _lab_specs(inventory)
    except InventoryError as exc:
        _err(f"the inventory cannot be used:\n{exc}")
        return EXIT_USAGE
    except _LabError as exc:
        _err(str(exc))
        return EXIT_USAGE
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="netaccept-lab-") as tmp:
        spec_file = Path(tmp) / "spec.json"
        from netaccept.labzone import lab_zone

        ports = {d.dns.port for d in inventory.devices if d.dns is not None} or {5353}
        spec = {
            "host": "127.0.0.1",
            "routers": [s.to_json() for s in specs],  # type: ignore[attr-defined]
            "dns": {"port": min(ports), "records": [r.to_json() for r in lab_zone(inventory)]},
        }
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        ready = args.ready_file or str(Path(tmp) / "ready.json")
        Console(stderr=True, highlight=False).print(
            "Serving "
            + ", ".join(f"{d.name} on 127.0.0.1:{d.port}" for d in inventory.devices)
            + f", and DNS on 127.0.0.1:{min(ports)}/udp"
            + "\nCredentials: the values of NETACCEPT_USERNAME, NETACCEPT_PASSWORD and "
            "NETACCEPT_SECRET. Stop with Ctrl-C."
        )
        return lab.main(["--spec", str(spec_file), "--ready-file", ready])


# ---------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the lab on free loopback ports with throw-away credentials and run the suite."""
    from netaccept.lab import LabCredentials, LabProcess

    inventory_path = args.inventory or str(project_dir("inventory") / "lab.yaml")
    try:
        inventory = _load(inventory_path)
        specs = _lab_specs(inventory)
    except InventoryError as exc:
        _err(f"the inventory cannot be used:\n{exc}")
        return EXIT_USAGE
    except _LabError as exc:
        _err(str(exc))
        return EXIT_USAGE
    # Fresh random credentials for this demo only: nothing to commit, nothing to print.
    credentials = LabCredentials(
        username="netaccept-demo",
        password=secrets.token_urlsafe(18),
        secret=secrets.token_urlsafe(18),
    )
    free = [spec.__class__(**{**spec.__dict__, "port": 0}) for spec in specs]
    console = Console(stderr=True, highlight=False)
    console.print(
        f"[bold]netaccept {__version__} demo[/]: starting the simulated lab "
        f"({len(free)} routers) on 127.0.0.1"
    )
    os.environ["NETACCEPT_USERNAME"] = credentials.username
    os.environ["NETACCEPT_PASSWORD"] = credentials.password
    os.environ["NETACCEPT_SECRET"] = credentials.secret
    from netaccept.labzone import lab_zone

    with LabProcess(free, credentials, dns_records=lab_zone(inventory)) as running:  # type: ignore[arg-type]
        ns = argparse.Namespace(
            inventory=inventory_path,
            reason=args.reason,
            out=args.out,
            device=[],
            check=[],
            record=args.record,
            replay=None,
            technician=args.technician,
            workers=None,
            no_progress=args.no_progress,
            junitxml=None,
            dns_server=f"127.0.0.1:{running.dns_port}",
        )
        extra: list[str] = []
        for name, port in running.ports.items():
            extra += ["--netaccept-endpoint", f"{name}=127.0.0.1:{port}"]
        code = _run_pytest(_pytest_args(ns, extra))
    if code in (EXIT_USAGE, EXIT_INTERRUPTED, 3):
        return code
    console.print(
        "The demo lab has faulty routers on purpose (chi-gsr-02, nyc-gsr-03): their failures "
        f"above are expected. `netaccept run` on this lab exits {code}."
    )
    return EXIT_PASS


# ---------------------------------------------------------------- checks


def cmd_checks(args: argparse.Namespace) -> int:
    from netaccept.check import IMPLEMENTED, facts_used, load_checks, platforms_supported

    load_checks()
    if args.markdown:
        from netaccept.reference import checks_markdown

        inventory = load_inventory(project_dir("inventory") / "lab.yaml")
        print(
            checks_markdown(inventory.device("nyc-gsr-01"), inventory.device("nyc-gsr-02")), end=""
        )
        return EXIT_PASS
    table = Table(title="Schedule 2 acceptance tests", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("id", style="bold")
    table.add_column("Schedule 2 line")
    table.add_column("cisco_ios")
    table.add_column("cisco_xr")
    table.add_column("facts")
    rows = []
    for info in CATALOGUE:
        fn = IMPLEMENTED.get(info.id)
        platforms = platforms_supported(fn) if fn else []
        rows.append(
            {
                "id": info.id,
                "line": info.line,
                "schedule2": info.schedule2,
                "implemented": {p: p in platforms for p in ("cisco_ios", "cisco_xr")},
                "facts": facts_used(fn) if fn else [],
            }
        )
        marks = ["[green]yes[/]" if p in platforms else "[dim]not yet[/]" for p in PLATFORMS]
        facts = ", ".join(facts_used(fn)) if fn else ""
        table.add_row(str(info.line), info.id, info.schedule2, *marks, facts)
    if args.json:
        import json

        print(json.dumps(rows, indent=2))
    else:
        Console(highlight=False).print(table)
    return EXIT_PASS


# ---------------------------------------------------------------- parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netaccept",
        description="Schedule 2 router acceptance tests over SSH, with acceptance certificates.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"netaccept {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def run_options(p: argparse.ArgumentParser, inventory_required: bool = True) -> None:
        p.add_argument(
            "--inventory", "-i", required=inventory_required, metavar="FILE", help="inventory YAML"
        )
        p.add_argument(
            "--reason",
            choices=REASONS,
            default="initial",
            help="why the ports are tested, section 1.4(a) (default: initial)",
        )
        p.add_argument(
            "--out", default="reports", metavar="DIR", help="reports directory (default: reports)"
        )
        p.add_argument("--technician", metavar="NAME", help="who runs the tests")
        p.add_argument("--record", metavar="DIR", help="also save every raw output as a recording")
        p.add_argument("--no-progress", action="store_true", help="no progress display")

    run = sub.add_parser(
        "run",
        help="run the acceptance suite",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run_options(run)
    run.add_argument("--replay", metavar="DIR", help="decide from a recording, no connection")
    run.add_argument(
        "--device",
        "-d",
        action="append",
        default=[],
        metavar="NAME",
        help="only this device (repeatable)",
    )
    run.add_argument(
        "--check",
        "-c",
        action="append",
        default=[],
        metavar="ID",
        choices=CHECK_IDS,
        help="only this check (repeatable)",
    )
    run.add_argument("--workers", type=int, metavar="N", help="devices captured at once")
    run.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="NAME=HOST:PORT",
        help="reach a device at another address (a lab, a port forward)",
    )
    run.add_argument("--junitxml", metavar="FILE", help="also write JUnit XML")
    run.add_argument(
        "--dns-server",
        metavar="HOST:PORT",
        help="ask this name server for loopback_dns instead of dns.servers",
    )
    run.set_defaults(func=cmd_run)

    lab = sub.add_parser("lab", help="serve the simulated routers on 127.0.0.1")
    lab.add_argument("--inventory", "-i", required=True, metavar="FILE")
    lab.add_argument("--device", "-d", action="append", default=[], metavar="NAME")
    lab.add_argument(
        "--ready-file", metavar="FILE", help="write {device: port} here when listening"
    )
    lab.set_defaults(func=cmd_lab)

    demo = sub.add_parser("demo", help="start the lab and run the suite against it")
    run_options(demo, inventory_required=False)
    demo.set_defaults(func=cmd_demo)

    checks = sub.add_parser("checks", help="list the checks with their Schedule 2 line")
    checks.add_argument("--json", action="store_true", help="as JSON")
    checks.add_argument(
        "--markdown",
        action="store_true",
        help="the check reference (commands, expectations, pass/fail) as Markdown",
    )
    checks.set_defaults(func=cmd_checks)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    return code


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Path", "main"]
