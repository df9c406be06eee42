"""The `netaccept` command: run the suite, serve the lab, list the checks, run the demo."""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import secrets
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.table import Table

from netaccept import __version__
from netaccept.core.catalogue import CATALOGUE, PLATFORM_NAMES
from netaccept.core.exitcodes import ExitCode, exit_codes_help
from netaccept.core.paths import project_dir
from netaccept.inventory import Inventory, InventoryError, load_inventory
from netaccept.ledger import DEFAULT_LEDGER
from netaccept.run.options import add_cli_options, pytest_args
from netaccept.run.pipeline import exit_code_for
from netaccept.run.shard import Shard, ShardError
from netaccept.session.hostkeys import HostKeyPolicy

EXIT_CODES = exit_codes_help()


def _err(message: str) -> None:
    Console(stderr=True, highlight=False).print(f"[bold red]netaccept:[/] {message}")


def _load(path: str, devices: Sequence[str] = ()) -> Inventory:
    return load_inventory(path).select(list(devices))


# ---------------------------------------------------------------- run


def _pytest_args(args: argparse.Namespace, extra: Sequence[str] = ()) -> list[str]:
    argv = [
        str(project_dir("checks")),
        "-p", "no:cacheprovider",
        # Only the plugins a run uses: autoloading would start every pytest plugin installed
        # beside netaccept in each run (hypothesis's alone costs a second).
        "--disable-plugin-autoload", "-p", "netaccept.run.plugin",
        # This process imported the plugin already (for its exit codes): pytest says it
        # cannot rewrite its asserts, which it has none of.
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        "-o", "addopts=",
        "-qq", "--no-header", "--tb=no", "-rN", "--netaccept-quiet",
        *pytest_args(args),
    ]  # fmt: skip
    if getattr(args, "processes", None):
        # pytest-xdist: the devices are dealt out between the processes (netaccept.run.xdist).
        argv += ["-p", "xdist", "-n", args.processes]
    if getattr(args, "junitxml", None):
        argv += ["--junitxml", args.junitxml]
    return [*argv, *extra]


def _run_pytest(argv: list[str]) -> int:
    import pytest

    return int(pytest.main(argv))


def cmd_run(args: argparse.Namespace) -> int:
    try:
        inventory = _load(args.inventory, args.device)
    except InventoryError as exc:
        _err(f"the inventory cannot be used:\n{exc}")
        return ExitCode.USAGE
    if args.shard is not None:
        names = args.shard.select(d.name for d in inventory.devices)
        if not names:
            _err(
                f"--shard {args.shard}: this share of the {len(inventory.devices)} selected "
                "device(s) is empty (more shards than devices); nothing to test"
            )
            return ExitCode.NOTHING
        args.device = names
    if getattr(args, "debug", False):
        from netaccept.session.debuglog import enable_debug_logging

        enable_debug_logging()
    if not args.junitxml:
        return _run_pytest(_pytest_args(args))
    # pytest writes the JUnit file in place: have it write a temporary file beside it,
    # renamed over the real one when complete, so that a crash never leaves half of it.
    junit = Path(args.junitxml)
    partial = junit.with_name(f".{junit.name}.{os.getpid()}.partial")
    args.junitxml = str(partial)
    try:
        code = _run_pytest(_pytest_args(args))
        if partial.exists():
            partial.replace(junit)
    finally:
        args.junitxml = str(junit)
        partial.unlink(missing_ok=True)
    return code


# ---------------------------------------------------------------- lab


def _lab_specs(inventory: Inventory) -> list[object]:
    from netaccept.lab.spec import LabRouterSpec

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
    from netaccept.lab import server as lab

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
        return ExitCode.USAGE
    except _LabError as exc:
        _err(str(exc))
        return ExitCode.USAGE
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="netaccept-lab-") as tmp:
        spec_file = Path(tmp) / "spec.json"
        from netaccept.lab.zone import lab_zone

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
    from netaccept.lab.process import LabProcess
    from netaccept.lab.spec import LabCredentials

    inventory_path = args.inventory or str(project_dir("inventory") / "lab.yaml")
    try:
        inventory = _load(inventory_path)
        specs = _lab_specs(inventory)
    except InventoryError as exc:
        _err(f"the inventory cannot be used:\n{exc}")
        return ExitCode.USAGE
    except _LabError as exc:
        _err(str(exc))
        return ExitCode.USAGE
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
    from netaccept.lab.zone import lab_zone

    with (
        LabProcess(free, credentials, dns_records=lab_zone(inventory)) as running,  # type: ignore[arg-type]
        tempfile.TemporaryDirectory(prefix="netaccept-demo-") as keys,
    ):
        # The lab's host keys are known (it made them): the demo verifies them strictly,
        # as CI does, unless told otherwise.
        known_hosts = args.known_hosts or str(running.write_known_hosts(Path(keys) / "known_hosts"))
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
            sign_key=args.sign_key,
            ledger=args.ledger,
            host_key_policy=args.host_key_policy or HostKeyPolicy.STRICT.value,
            known_hosts=known_hosts,
        )
        extra: list[str] = []
        for name, port in running.ports.items():
            extra += ["--netaccept-endpoint", f"{name}=127.0.0.1:{port}"]
        code = _run_pytest(_pytest_args(ns, extra))
    if code in (ExitCode.USAGE, ExitCode.INTERRUPTED, 3):
        return code
    console.print(
        "The demo lab has faulty routers on purpose (chi-gsr-02, nyc-gsr-03): their failures "
        f"above are expected. `netaccept run` on this lab exits {code}."
    )
    return ExitCode.PASS


# ---------------------------------------------------------------- checks


def cmd_checks(args: argparse.Namespace) -> int:
    from netaccept.check import IMPLEMENTED, facts_used, load_checks, platforms_supported

    load_checks()
    if args.markdown:
        from netaccept.report.reference import checks_markdown

        inventory = load_inventory(project_dir("inventory") / "lab.yaml")
        # One example device per platform: the first of each in the lab inventory.
        examples = {d.platform: d for d in reversed(inventory.devices)}
        print(checks_markdown([examples[name] for name in PLATFORM_NAMES]), end="")
        return ExitCode.PASS
    table = Table(title="Schedule 2 acceptance tests", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("id", style="bold")
    table.add_column("Schedule 2 line")
    for name in PLATFORM_NAMES:
        table.add_column(name)
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
                "implemented": {p: p in platforms for p in PLATFORM_NAMES},
                "facts": facts_used(fn) if fn else [],
            }
        )
        marks = ["[green]yes[/]" if p in platforms else "[dim]not yet[/]" for p in PLATFORM_NAMES]
        facts = ", ".join(facts_used(fn)) if fn else ""
        table.add_row(str(info.line), info.id, info.schedule2, *marks, facts)
    if args.json:
        import json

        print(json.dumps(rows, indent=2))
    else:
        Console(highlight=False).print(table)
    return ExitCode.PASS


# ---------------------------------------------------------------- keygen and verify


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create the Ed25519 key pair that signs certificates; print only the fingerprint."""
    from rich.markup import escape

    from netaccept.report.signing import SigningError, generate_keypair

    passphrase: bytes | None = None
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env, "")
        if not value:
            _err(f"{escape(args.passphrase_env)} is not set or empty; it must hold the passphrase")
            return ExitCode.USAGE
        passphrase = value.encode("utf-8")
    try:
        key_fingerprint = generate_keypair(
            Path(args.private), Path(args.public), passphrase=passphrase
        )
    except SigningError as exc:
        _err(escape(str(exc)))
        return ExitCode.USAGE
    except OSError as exc:
        _err(escape(f"cannot write the key files: {exc.strerror} ({exc.filename})"))
        return ExitCode.USAGE
    print(f"private key  {args.private}  (mode 0600; keep it secret, never commit or send it)")
    print(f"public key   {args.public}  (give this file to whoever verifies certificates)")
    print(f"fingerprint  {key_fingerprint}")
    return ExitCode.PASS


def cmd_verify(args: argparse.Namespace) -> int:
    """Check certificate.sig of a device or of every device of a run; exit 0 only if intact."""
    from rich.markup import escape

    from netaccept.report.signing import SigningError, verify

    public_key = Path(args.public_key) if args.public_key else None
    try:
        report = verify(Path(args.path), public_key)
    except SigningError as exc:
        _err(escape(str(exc)))
        return ExitCode.USAGE
    sys.stdout.write(report.render(verbose=args.verbose))
    return ExitCode.PASS if report.ok else ExitCode.FAIL


# ---------------------------------------------------------------- pdf


def cmd_pdf(args: argparse.Namespace) -> int:
    """Certificates (or a whole run) to PDF with headless Chromium."""
    from netaccept.report.pdf import ChromiumError, ChromiumNotFound, pdf_jobs, render_pdfs

    path = Path(args.path)
    out = Path(args.out) if args.out else None
    if out is not None and path.is_dir() and out.suffix.lower() == ".pdf":
        _err(
            "with a run directory, --out is the directory that receives <device>.pdf and index.pdf"
        )
        return ExitCode.USAGE
    try:
        jobs = pdf_jobs(path, out)
    except (FileNotFoundError, ValueError) as exc:
        _err(str(exc))
        return ExitCode.USAGE
    signed = [pdf for _html, pdf in jobs if pdf.parent.joinpath("certificate.sig").is_file()]
    if signed:
        # A file written into a signed certificate's directory afterwards is one the
        # signature does not cover: `netaccept verify` would then fail. Refuse before.
        _err(
            f"{signed[0].parent} is signed: a PDF written there now would make "
            "`netaccept verify` fail; print to another directory with --out DIR"
        )
        return ExitCode.USAGE
    try:
        written = render_pdfs(path, out, paper=args.paper, chromium=args.chromium)
    except (ChromiumNotFound, FileNotFoundError, ValueError) as exc:
        _err(str(exc))
        return ExitCode.USAGE
    except ChromiumError as exc:
        _err(str(exc))
        return ExitCode.INTERNAL
    for pdf in written:
        print(pdf)
    return ExitCode.PASS


# ---------------------------------------------------------------- history


def cmd_history(args: argparse.Namespace) -> int:
    """Every recorded run, port by port, from the acceptance ledger."""
    from rich import box
    from rich.markup import escape
    from rich.text import Text

    from netaccept.ledger import Ledger, LedgerError

    try:
        with Ledger(Path(args.ledger), create=False) as ledger:
            rows = ledger.history(order=args.order, device=args.device)
    except LedgerError as exc:
        _err(escape(str(exc)))
        return ExitCode.USAGE
    if args.json:
        import json

        print(json.dumps([row.to_json() for row in rows], indent=2))
        return ExitCode.PASS
    if args.order:
        subject = f"order {args.order}"
    elif args.device:
        subject = f"device {args.device}"
    else:
        subject = "every run"
    if not rows:
        Console(stderr=True, highlight=False).print(
            Text(f"No run is recorded for {subject} in {args.ledger}.")
        )
        return ExitCode.PASS
    table = Table(
        title=Text(f"Acceptance history: {subject} ({args.ledger})"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        pad_edge=False,
    )
    columns = ["started (UTC)", "run", "reason", "technician"]
    columns += [] if args.device else ["device"]
    columns += [] if args.order else ["order"]
    columns += ["interface", "verdict", "attempt", "deemed accepted"]
    for column in columns:
        table.add_column(column, overflow="fold")
    styles = {"pass": "green", "fail": "bold red", "incomplete": "yellow"}
    for row in rows:
        if row.attempt is None:
            attempt = Text("none" if row.order else "", style="dim")
        else:
            attempt = Text(str(row.attempt))
            if row.cycle_reason != row.reason:
                attempt.append(f" ({row.cycle_reason})")
            if row.remedies_available:
                attempt.append(" 1.4(b)", style="bold")
        cells = {
            "started (UTC)": Text(row.started.strftime("%Y-%m-%d %H:%M")),
            "run": Text(row.run_id),
            "reason": Text(row.reason),
            "technician": Text(row.technician),
            "device": Text(row.device),
            "order": Text(row.order or "-"),
            "interface": Text(row.interface or ""),
            "verdict": Text(row.verdict, style=styles.get(row.verdict, "")),
            "attempt": attempt,
            "deemed accepted": Text(str(row.deemed_accepted_on or "")),
        }
        table.add_row(*(cells[column] for column in columns))
    console = Console(highlight=False)
    console.print(table)
    console.print(
        Text(
            "attempt: counted within the port's cycle, whose reason is shown when it is not "
            "the run's; 1.4(b): the customer's options of section 1.4(b) apply; none: the run "
            "counts as no attempt (incomplete, or a retest of a port that already passed); "
            "order -: the run tested no ordered port on that device.",
            style="dim",
        )
    )
    return ExitCode.PASS


# ---------------------------------------------------------------- report merge


def cmd_report_merge(args: argparse.Namespace) -> int:
    """Several shards' runs as one run index and one ledger."""
    from rich.markup import escape

    from netaccept.report.merge import MergeError, merge

    try:
        merged = merge(
            [Path(p) for p in args.runs],
            Path(args.out),
            ledger=Path(args.ledger) if args.ledger else None,
            inventory=Path(args.inventory) if args.inventory else None,
        )
    except MergeError as exc:
        _err(escape(str(exc)))
        return ExitCode.USAGE
    print(f"merged {len(merged.runs)} run(s), {merged.devices} device(s): {merged.run_dir}")
    print(f"Report: {merged.index}")
    if merged.ledger is not None:
        print(f"Ledger: {merged.ledger}")
    run = json.loads((merged.run_dir / "run.json").read_text(encoding="utf-8"))
    statuses = [s for d in run["devices"] for s in d["checks"].values()]
    return exit_code_for(statuses, not_completed=bool(run["not_completed"]))


# ---------------------------------------------------------------- parser


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ShardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _processes(text: str) -> str:
    if text != "auto" and not (text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"{text!r}: a number of processes (1 or more) or auto")
    return text


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 4, as documented (argparse's own 2 means 'interrupted' here)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="netaccept",
        description="Schedule 2 router acceptance tests over SSH, with acceptance certificates.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"netaccept {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run",
        help="run the acceptance suite",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_cli_options(run)
    run.add_argument(
        "--processes",
        "-n",
        type=_processes,
        metavar="N",
        help="run in N pytest-xdist processes (auto: one per core); each captures and "
        "decides its share of the devices, one run directory and ledger entry at the end",
    )
    run.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="only share I of N of the devices (sorted by name, dealt out in turn: the same "
        "share on every machine); merge the shards with `netaccept report merge`",
    )
    run.add_argument("--junitxml", metavar="FILE", help="also write JUnit XML")
    run.add_argument(
        "--debug",
        action="store_true",
        help="log netaccept, netmiko and paramiko at DEBUG to stderr (secrets and router "
        "output masked)",
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
    add_cli_options(demo, demo=True)
    demo.set_defaults(func=cmd_demo)

    checks = sub.add_parser("checks", help="list the checks with their Schedule 2 line")
    checks.add_argument("--json", action="store_true", help="as JSON")
    checks.add_argument(
        "--markdown",
        action="store_true",
        help="the check reference (commands, expectations, pass/fail) as Markdown",
    )
    checks.set_defaults(func=cmd_checks)

    keygen = sub.add_parser(
        "keygen",
        help="create the Ed25519 key pair that signs certificates",
        description="Create an Ed25519 key pair: the private key (PEM, PKCS8, mode 0600) signs "
        "certificates, the public key (PEM) verifies them. Existing files are never "
        "overwritten. Prints the public key's fingerprint, never the key.",
    )
    keygen.add_argument("--private", required=True, metavar="FILE", help="private key to create")
    keygen.add_argument("--public", required=True, metavar="FILE", help="public key to create")
    keygen.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="encrypt the private key with the passphrase in this environment variable",
    )
    keygen.set_defaults(func=cmd_keygen)

    verify = sub.add_parser(
        "verify",
        help="verify signed certificates (a device, a certificate.json or a whole run)",
        description="Check certificate.sig: recompute the signed payload from the files on "
        "disk and name every file that changed, is missing or is not covered. Without "
        "--public-key only integrity is checked, labelled UNVERIFIED-KEY.",
        epilog="exit codes: 0 everything verifies, 1 something does not, "
        "4 usage error (no such path, unusable key file)",
    )
    verify.add_argument(
        "path", metavar="PATH", help="run directory, device directory or certificate.json"
    )
    verify.add_argument(
        "--public-key",
        metavar="FILE",
        help="the signer's public key (PEM); required for authenticity",
    )
    verify.add_argument("--verbose", "-v", action="store_true", help="also list every file checked")
    verify.set_defaults(func=cmd_verify)

    from netaccept.report.pdf import PAPERS

    pdf = sub.add_parser(
        "pdf",
        help="print certificates (or a whole run) to PDF with headless Chromium",
        description=(
            "Print a certificate.html, or every certificate of a run directory and its index, "
            "to PDF with headless Chromium, which never reaches the network. Without --out "
            "each PDF is written beside its HTML (<device>/certificate.pdf, index.pdf)."
        ),
    )
    pdf.add_argument(
        "path", metavar="PATH", help="a certificate.html (or index.html), or a run directory"
    )
    pdf.add_argument("--paper", choices=PAPERS, default="A4", help="paper size (default: A4)")
    pdf.add_argument(
        "--out",
        metavar="FILE",
        help="the PDF to write for one HTML file; for a run directory, the directory that "
        "receives <device>.pdf and index.pdf",
    )
    pdf.add_argument(
        "--chromium",
        metavar="PATH",
        help="Chromium or Chrome to use (default: chromium, chromium-browser or google-chrome)",
    )
    pdf.set_defaults(func=cmd_pdf)

    report = sub.add_parser("report", help="work with the reports of earlier runs")
    report_sub = report.add_subparsers(dest="report_command", required=True)
    merge = report_sub.add_parser(
        "merge",
        help="merge the runs of several shards into one run index and one ledger",
        description="Merge run directories (or reports directories holding one run each, "
        "e.g. the --out of each `netaccept run --shard i/n`) into a new run directory under "
        "OUT: the devices' directories copied as they are, one run.json and index.html over "
        "all of them, and each run copied from the ledger beside it into one ledger. The runs "
        "must share inventory, contract, reason and transport, and no device may be in two.",
        epilog="exit codes: as `netaccept run` for the merged results (0 pass, 1 fail, "
        "6 undecided or not completed); 4 the runs cannot be merged",
    )
    merge.add_argument("runs", nargs="+", metavar="DIR", help="a shard's run or reports directory")
    merge.add_argument(
        "--out", default="reports", metavar="OUT", help="reports directory (default: reports)"
    )
    merge.add_argument(
        "--ledger", metavar="FILE", help="the ledger to merge into (default: OUT/ledger.sqlite)"
    )
    merge.add_argument(
        "--inventory",
        "-i",
        metavar="FILE",
        help="the inventory the shards ran (default: the path their run.json records)",
    )
    merge.set_defaults(func=cmd_report_merge)

    history = sub.add_parser(
        "history", help="the acceptance ledger: every recorded run, port by port"
    )
    history.add_argument(
        "--ledger",
        default=str(DEFAULT_LEDGER),
        metavar="FILE",
        help=f"the ledger written by `netaccept run` (default: {DEFAULT_LEDGER})",
    )
    which = history.add_mutually_exclusive_group()
    which.add_argument("--order", metavar="ID", help="only this Port Service Order")
    which.add_argument("--device", "-d", metavar="NAME", help="only this device")
    history.add_argument("--json", action="store_true", help="as JSON")
    history.set_defaults(func=cmd_history)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return ExitCode.INTERRUPTED
    return code


__all__ = ["Path", "main"]
