"""The `netaccept` command: run the suite, serve the lab, list the checks, run the demo."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from netaccept import __version__
from netaccept.cli.answers import cmd_accept, cmd_reject
from netaccept.cli.common import EXIT_CODES, print_error
from netaccept.cli.config import ConfigError, apply_config, configured_command, load_config
from netaccept.cli.init import add_init_parser
from netaccept.cli.reports import (
    cmd_checks,
    cmd_diff,
    cmd_history,
    cmd_keygen,
    cmd_pdf,
    cmd_report_merge,
    cmd_sign,
    cmd_verify,
)
from netaccept.cli.runs import cmd_demo, cmd_lab, cmd_run
from netaccept.core.exitcodes import ExitCode
from netaccept.ledger import DEFAULT_LEDGER
from netaccept.run.options import add_cli_options

# ---------------------------------------------------------------- parser


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

    sign = sub.add_parser(
        "sign",
        help="sign (or sign again) the certificates of a finished run",
        description="Sign every certificate of a run directory (or one device directory) with "
        "an Ed25519 private key: certificate.sig, and SHA256SUMS with its OpenSSH signature "
        "SHA256SUMS.sig for ssh-keygen -Y verify and sha256sum -c. Signing again replaces the "
        "signatures, e.g. after the PDFs were added. Then verifies what it signed.",
        epilog="exit codes: 0 signed and verified, 1 signed but something does not verify "
        "(e.g. a file no certificate lists), 4 usage error (no such run, unusable key, "
        "inconsistent evidence)",
    )
    sign.add_argument("path", metavar="RUN", help="run directory or device directory")
    sign.add_argument("--key", required=True, metavar="FILE", help="the Ed25519 private key")
    sign.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="the private key's passphrase is in this environment variable",
    )
    sign.add_argument(
        "--pdf",
        action="store_true",
        help="first print each certificate to certificate.pdf beside its HTML (headless Chromium)",
    )
    from netaccept.report.pdf import PAPERS

    sign.add_argument(
        "--paper", choices=PAPERS, default="A4", help="paper size for --pdf (default: A4)"
    )
    sign.add_argument("--chromium", metavar="PATH", help="Chromium or Chrome to use for --pdf")
    sign.set_defaults(func=cmd_sign)

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
        "must share inventory, contract, reason and transport, and no device may be in two. "
        "Shards must be every shard of one count, each once, and no run without --shard among "
        "them.",
        epilog="exit codes: as `netaccept run` for the merged results (0 pass, 1 fail, "
        "6 undecided or not completed, or partial); 4 the runs cannot be merged",
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
    merge.add_argument(
        "--allow-partial",
        action="store_true",
        help="merge even with shards missing (or runs that record no shard): the merged run "
        "is marked partial, lists the devices it lacks, and never passes (exit 6)",
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

    diff = sub.add_parser(
        "diff",
        help="what changed between two runs, on the facts the checks read",
        description="Compare two run directories device by device: BGP sessions and their "
        "AS, ISIS adjacencies and levels, interface states and descriptions, software and "
        "image, chassis, and the configuration the checks read, each read from the runs' "
        "evidence. Uptimes, counters, time stamps and message counts are never differences. "
        "Changes are information, not a verdict: the checks decide acceptance.",
        epilog="exit codes: 0 compared (with or without changes), 4 the runs cannot be "
        "compared (not a run, different inventories, no device in common, unknown --device)",
    )
    diff.add_argument("run_a", metavar="RUN_A", help="the earlier run directory (before)")
    diff.add_argument("run_b", metavar="RUN_B", help="the later run directory (after)")
    diff.add_argument("--device", "-d", metavar="NAME", help="only this device")
    diff.add_argument("--json", action="store_true", help="as JSON")
    diff.set_defaults(func=cmd_diff)

    for name, func, what in (
        ("accept", cmd_accept, "the customer accepts a passed port (section 1.4(c))"),
        ("reject", cmd_reject, "the customer rejects a passed port within its acceptance period"),
    ):
        answer = sub.add_parser(name, help=what, description=what)
        answer.add_argument("--order", required=True, metavar="ID", help="the Port Service Order")
        if name == "reject":
            answer.add_argument("--reason", metavar="TEXT", help="why (required)")
        answer.add_argument(
            "--by", metavar="NAME", help="who answers for the customer (default: your login)"
        )
        answer.add_argument(
            "--ledger",
            default=str(DEFAULT_LEDGER),
            metavar="FILE",
            help=f"the ledger written by `netaccept run` (default: {DEFAULT_LEDGER})",
        )
        answer.set_defaults(func=func, reason=None)

    add_init_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    command = configured_command(sys.argv[1:] if argv is None else argv)
    if command is not None:  # netaccept.toml's values become that command's defaults
        try:
            apply_config(parser, command, load_config(Path.cwd()))
        except ConfigError as exc:
            print_error(f"the configuration cannot be used:\n{exc}")
            return ExitCode.USAGE
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print_error("interrupted")
        return ExitCode.INTERRUPTED
    return code


__all__ = ["Path", "main"]
