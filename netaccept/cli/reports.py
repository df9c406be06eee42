"""`netaccept checks`, `keygen`, `sign`, `verify`, `pdf`, `history`, `report merge`, `diff`:
what a run leaves."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from netaccept.cli.common import print_error
from netaccept.core.catalogue import CATALOGUE, PLATFORM_NAMES
from netaccept.core.console import output_console
from netaccept.core.exitcodes import ExitCode
from netaccept.core.paths import project_dir
from netaccept.inventory import load_inventory
from netaccept.run.pipeline import exit_code_for

if TYPE_CHECKING:
    from netaccept.ledger.history import HistoryRow
    from netaccept.report.pdf import Paper

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
    # Fits 80 columns: ids and names wrap between each other, never inside one.
    table = Table(
        title="Schedule 2 acceptance tests (platforms: where the check is implemented)",
        title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True, pad_edge=False,
    )  # fmt: skip
    table.add_column("#", justify="right")
    table.add_column("id", style="bold", no_wrap=True)  # an id to type
    table.add_column("Schedule 2 line")
    table.add_column("platforms")
    table.add_column("facts", overflow="fold")
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
        implemented = "\n".join(p for p in PLATFORM_NAMES if p in platforms) or "[dim]not yet[/]"
        facts = "\n".join(facts_used(fn)) if fn else ""
        table.add_row(str(info.line), info.id, info.schedule2, implemented, facts)
    if args.json:
        import json

        print(json.dumps(rows, indent=2))
    else:
        output_console().print(table)
    return ExitCode.PASS


# ---------------------------------------------------------------- keygen and verify


def _passphrase(variable: str | None) -> bytes | ExitCode | None:
    """The key's passphrase from environment `variable` (None when none is named); a usage
    error, said, when the variable is named but empty."""
    if not variable:
        return None
    value = os.environ.get(variable, "")
    if not value:
        from rich.markup import escape

        print_error(f"{escape(variable)} is not set or empty; it must hold the passphrase")
        return ExitCode.USAGE
    return value.encode("utf-8")


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create the Ed25519 key pair that signs certificates; print only the fingerprint."""
    from rich.markup import escape

    from netaccept.report.signing import SigningError, generate_keypair

    passphrase = _passphrase(args.passphrase_env)
    if isinstance(passphrase, ExitCode):
        return passphrase
    try:
        key_fingerprint = generate_keypair(
            Path(args.private), Path(args.public), passphrase=passphrase
        )
    except SigningError as exc:
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    except OSError as exc:
        print_error(escape(f"cannot write the key files: {exc.strerror} ({exc.filename})"))
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
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    sys.stdout.write(report.render(verbose=args.verbose))
    return ExitCode.PASS if report.ok else ExitCode.FAIL


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign (or sign again) every certificate of a finished run, then verify what was signed."""
    from rich.markup import escape

    from netaccept.report.signing import SigningError, load_private_key, sign_certificate, verify
    from netaccept.report.sshsig import allowed_signers_line
    from netaccept.report.verify import device_directories

    passphrase = _passphrase(args.passphrase_env)
    if isinstance(passphrase, ExitCode):
        return passphrase
    path = Path(args.path)
    try:
        key = load_private_key(Path(args.key), passphrase)
        devices = device_directories(path)
        if args.pdf:
            code = _print_pdfs(path, args.paper, args.chromium)
            if code != ExitCode.PASS:
                return code
        for directory in devices:
            sign_certificate(directory, key)
        report = verify(path, public_key=key.public_key())
    except SigningError as exc:
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    except OSError as exc:
        print_error(escape(f"cannot write the signature: {exc.strerror} ({exc.filename})"))
        return ExitCode.USAGE
    sys.stdout.write(report.render(verbose=False))
    print(
        f"allowed_signers line for ssh-keygen -Y verify: {allowed_signers_line(key.public_key())}"
    )
    return ExitCode.PASS if report.ok else ExitCode.FAIL


def _print_pdfs(path: Path, paper: Paper, chromium: str | None) -> int:
    """Each certificate's PDF beside its HTML, before signing (`netaccept sign --pdf`)."""
    from netaccept.report.pdf import ChromiumError, ChromiumNotFound, render_pdfs

    try:
        render_pdfs(path, None, paper=paper, chromium=chromium)
    except (ChromiumNotFound, FileNotFoundError, ValueError) as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    except ChromiumError as exc:
        print_error(str(exc))
        return ExitCode.INTERNAL
    return ExitCode.PASS


# ---------------------------------------------------------------- pdf


def cmd_pdf(args: argparse.Namespace) -> int:
    """Certificates (or a whole run) to PDF with headless Chromium."""
    from netaccept.report.pdf import ChromiumError, ChromiumNotFound, pdf_jobs, render_pdfs

    path = Path(args.path)
    out = Path(args.out) if args.out else None
    if out is not None and path.is_dir() and out.suffix.lower() == ".pdf":
        print_error(
            "with a run directory, --out is the directory that receives <device>.pdf and index.pdf"
        )
        return ExitCode.USAGE
    try:
        jobs = pdf_jobs(path, out)
    except (FileNotFoundError, ValueError) as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    signed = [pdf for _html, pdf in jobs if pdf.parent.joinpath("certificate.sig").is_file()]
    if signed:
        # A file written into a signed certificate's directory afterwards is one the
        # signature does not cover: `netaccept verify` would then fail. Refuse before.
        print_error(
            f"{signed[0].parent} is signed: a PDF written there now would make "
            "`netaccept verify` fail; print to another directory with --out DIR, or print and "
            "sign again in one step: netaccept sign RUN --key FILE --pdf"
        )
        return ExitCode.USAGE
    try:
        written = render_pdfs(path, out, paper=args.paper, chromium=args.chromium)
    except (ChromiumNotFound, FileNotFoundError, ValueError) as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    except ChromiumError as exc:
        print_error(str(exc))
        return ExitCode.INTERNAL
    for pdf in written:
        print(pdf)
    return ExitCode.PASS


# ---------------------------------------------------------------- history


def cmd_history(args: argparse.Namespace) -> int:
    """Every recorded run, port by port, from the acceptance ledger."""
    from datetime import UTC, datetime

    from rich.markup import escape

    from netaccept.ledger import Ledger, LedgerError

    now = datetime.now(UTC)
    try:
        with Ledger(Path(args.ledger), create=False) as ledger:
            rows = ledger.history(order=args.order, device=args.device)
            orders = ledger.orders(order=args.order, device=args.device)
            answers = [a for a in ledger.answers(args.order) if a.order in orders]
            standing = {order: ledger.standing(order, now) for order in orders}
    except LedgerError as exc:
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    if args.json:
        import json

        story = {
            "results": [row.to_json() for row in rows],
            "answers": [answer.to_json() for answer in answers],
            "standing": standing,
        }
        print(json.dumps(story, indent=2))
        return ExitCode.PASS
    if args.order:
        subject = f"order {args.order}"
    elif args.device:
        subject = f"device {args.device}"
    else:
        subject = "every run"
    if not rows:
        output_console(stderr=True).print(
            Text(f"No run is recorded for {subject} in {args.ledger}.")
        )
        return ExitCode.PASS
    table = _history_table(
        rows, Text(f"Acceptance history: {subject} ({args.ledger})"), device=args.device,
        order=args.order,
    )  # fmt: skip
    console = output_console()
    console.print(table)
    console.print(
        Text(
            "attempt: counted within the port's cycle, whose reason is shown when it is not "
            "the run's; 1.4(b): the customer's options of section 1.4(b) apply; no attempt: the "
            "run counts as no attempt (incomplete, or a retest of a port that already passed); "
            "diagnostic: not every Schedule 2 check was run, no acceptance test; "
            "order -: the run tested no ordered port on that device.",
            style="dim",
        ),
        soft_wrap=not console.is_terminal,  # prose: at a terminal, wrapped between words
    )
    for answer in answers:
        verb = "accepted" if answer.answer == "accept" else "rejected"
        line = Text(f"{answer.order}: attempt {answer.attempt} {verb} by {answer.by} on ")
        line.append(answer.answered.strftime("%Y-%m-%d %H:%M UTC"))
        if answer.reason:
            line.append(f": {answer.reason}")
        console.print(line)
    for order, text in standing.items():
        console.print(Text(f"{order} today: {text}", style="bold"))
    return ExitCode.PASS


_VERDICT_STYLES = {"pass": "green", "fail": "bold red", "incomplete": "yellow"}


def _attempt_cell(row: HistoryRow) -> Text:
    if row.diagnostic:
        return Text("diagnostic", style="dim")
    if row.attempt is None:
        return Text("no attempt" if row.order else "", style="dim")
    attempt = Text(f"attempt {row.attempt}")
    if row.cycle_reason != row.reason:
        attempt.append(f" ({row.cycle_reason})")
    if row.remedies_available:
        attempt.append(" 1.4(b)", style="bold")
    return attempt


def _history_table(
    rows: Sequence[HistoryRow], title: Text, *, device: str | None, order: str | None
) -> Table:
    """A row a port, in four columns that fit 80: run, port, verdict, deemed accepted.

    A cell holds one item a line (its run: started, id, reason and technician, said once;
    its port: order, device, interface), so that cells wrap between items, not inside an id.
    """
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True,
        pad_edge=False,
    )  # fmt: skip
    port = "/".join(["order"] * (not order) + ["device"] * (not device) + ["interface"])
    for column in ("run (UTC)", port, "verdict", "deemed accepted"):
        table.add_column(column, overflow="fold")
    previous = None
    for row in rows:
        run = Text()
        if row.run_id != previous:
            if previous is not None:
                table.add_section()
            run = Text("\n").join(
                [Text(row.started.strftime("%Y-%m-%d %H:%M")), Text(row.run_id),
                 Text(f"{row.reason}, {row.technician}", style="dim")]
            )  # fmt: skip
        names = [row.order or "-"] * (not order) + [row.device] * (not device)
        names.append(row.interface or "")
        verdict = Text(row.verdict, style=_VERDICT_STYLES.get(row.verdict, ""))
        if attempt := _attempt_cell(row):
            verdict.append("\n").append_text(attempt)
        deemed = Text(str(row.deemed_accepted_on or ""))
        table.add_row(run, Text("\n".join(names).rstrip("\n")), verdict, deemed)
        previous = row.run_id
    return table


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
            allow_partial=args.allow_partial,
        )
    except MergeError as exc:
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    print(f"merged {len(merged.runs)} run(s), {merged.devices} device(s): {merged.run_dir}")
    print(f"Report: {merged.index}")
    if merged.ledger is not None:
        print(f"Ledger: {merged.ledger}")
    run = json.loads((merged.run_dir / "run.json").read_text(encoding="utf-8"))
    if merged.partial:
        print(f"Partial: {'; '.join(run['partial_reasons'])} (never a pass: exit 6)")
    statuses = [s for d in run["devices"] for s in d["checks"].values()]
    incomplete = any(d["verdict"] == "incomplete" for d in run["devices"])
    # A partial run is undecided, as a run with devices not completed is.
    not_completed = bool(run["not_completed"]) or merged.partial
    return exit_code_for(statuses, not_completed=not_completed, incomplete=incomplete)


# ---------------------------------------------------------------- diff


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two runs, device by device, on the facts the checks read."""
    from rich import box
    from rich.markup import escape
    from rich.text import Text

    from netaccept.report.diff import SECTION_TITLES, DiffError, diff_runs

    try:
        found = diff_runs(Path(args.run_a), Path(args.run_b), device=args.device)
    except DiffError as exc:
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    if args.json:
        print(json.dumps(found.to_json(), indent=2))
        return ExitCode.PASS
    console = output_console()
    console.print(
        Text(f"From run {found.before.id} ({found.before.summary['run'].get('reason')}) ")
        + Text(f"to run {found.after.id} ({found.after.summary['run'].get('reason')})")
    )
    for device in found.devices:
        count = len(device.changes)
        heading = f"{device.device}: " + (
            f"{count} change{'s' if count > 1 else ''}" if count else "no change"
        )
        if not device.changes:
            console.print(Text(heading, style="bold"))
        else:
            table = Table(
                title=Text(heading, style="bold"),
                title_justify="left",
                box=box.SIMPLE_HEAD,
                collapse_padding=True,
                pad_edge=False,
            )
            table.add_column("section")
            table.add_column("change", overflow="fold")
            for change in device.changes:
                table.add_row(Text(SECTION_TITLES.get(change.section, change.section)),
                              Text(change.text))  # fmt: skip
            console.print(table)
        for section, why in device.not_compared.items():
            title = SECTION_TITLES.get(section, section)
            console.print(Text(f"  {title} not compared: {why}", style="dim"))
    for directory, names in ((args.run_a, found.only_before), (args.run_b, found.only_after)):
        if names:
            console.print(Text(f"only in {directory}: {', '.join(names)}", style="dim"))
    console.print(
        Text("Changes are information, not a verdict: the checks decide acceptance.", style="dim")
    )
    return ExitCode.PASS
