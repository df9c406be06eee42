"""What the technician sees: capture progress, then a device x check table and the report path."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from netaccept.core.catalogue import CHECKS
from netaccept.core.console import output_console
from netaccept.run.capture import ProgressCallback
from netaccept.run.interrupt import NOTICES

if TYPE_CHECKING:
    from netaccept.inventory import Device
    from netaccept.report.certificates import Certificate

STYLE = {
    "pass": "bold green",
    "fail": "bold red",
    "error": "bold yellow",
    "skipped": "dim",
    "incomplete": "bold yellow",
}
SYMBOL = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "skipped": "n/a"}

# Beyond this many devices one bar for the whole fleet reads better than a bar each.
_PER_DEVICE_LIMIT = 24


@contextmanager
def capture_progress(
    plan: Sequence[tuple[Device, Sequence[str]]],
    *,
    enabled: bool,
    transport: str,
    stream: IO[str] | None = None,
) -> Iterator[ProgressCallback | None]:
    """A rich progress display fed by the capture callback; nothing when disabled.

    `stream`: where it draws (default stderr). It never redirects sys.stdout or sys.stderr,
    which pytest's capture of the checks' output swaps while the display goes on.
    """
    if not enabled:
        yield None
        return
    console = Console(file=stream or sys.stderr)
    total = sum(len(commands) for _, commands in plan)
    verb = "Replaying" if transport == "replay" else "Capturing"
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        overall = progress.add_task(f"{verb} {len(plan)} devices", total=total, status="")
        expected = [total]  # what the overall bar waits for; less when a device gives up
        per_device = (
            {
                device.name: progress.add_task(
                    f"  {device.name}", total=len(commands), status="waiting"
                )
                for device, commands in plan
            }
            if len(plan) <= _PER_DEVICE_LIMIT
            else {}
        )
        sizes = {device.name: len(commands) for device, commands in plan}
        seen: dict[str, int] = {}
        lock = threading.Lock()

        def update(name: str, event: str, done: int) -> None:
            with lock:
                notice = NOTICES.take()
                if notice is not None:
                    progress.console.print(notice)  # above the display, never drawn over
                step = max(0, done - seen.get(name, 0))
                seen[name] = max(seen.get(name, 0), done)
                if event in ("failed", "interrupted"):
                    # Nothing more will come: the overall bar stops waiting for its commands,
                    # and its own bar shows what was captured, not a full bar.
                    expected[0] -= sizes[name] - seen[name]
                    sizes[name] = seen[name]
                    progress.update(overall, total=max(expected[0], 1))
                progress.advance(overall, step)
                task = per_device.get(name)
                if task is not None:
                    status = {
                        "start": "connecting",
                        "command": "capturing",
                        "done": "[green]done",
                        "failed": "[red]failed",
                        "interrupted": "[yellow]interrupted",
                    }[event]
                    progress.update(task, completed=seen[name], status=status)

        NOTICES.live = console.is_terminal
        try:
            yield update
        finally:
            NOTICES.live = False
            late = NOTICES.take()
            if late is not None:
                progress.console.print(late)


def render_summary(
    certificates: Sequence[Certificate],
    index: Path | None,
    file: IO[str] | None = None,
    *,
    interrupted: str | None = None,
    not_completed: Sequence[tuple[str, str]] = (),
) -> None:
    """The device x check matrix, each device's verdict, the problems, and where the report is.

    After an interruption, also the devices that were not completed (name, reason).
    """
    console = output_console(file)
    ids = sorted({c.id for cert in certificates for c in cert.checks}, key=lambda i: CHECKS[i].line)
    table = Table(
        title=f"Schedule 2 acceptance: {len(ids)} checks on {len(certificates)} devices",
        title_justify="left",
    )
    table.add_column("device", style="bold", no_wrap=True)
    table.add_column("site", no_wrap=True)
    table.add_column("pass", justify="right", style="green")
    table.add_column("fail", justify="right", style="red")
    table.add_column("error", justify="right", style="yellow")
    table.add_column("n/a", justify="right", style="dim")
    table.add_column("verdict", justify="center", no_wrap=True)
    table.add_column("not passed")
    for cert in certificates:
        counts = cert.summary
        verdict = cert.verdict.value
        not_passed = Text(", ").join(
            Text(c.id, style=STYLE[c.status.value])
            for c in cert.checks
            if c.status.value in ("fail", "error")
        )
        table.add_row(
            cert.device.name,
            cert.device.site.id,
            str(counts.get("pass", 0)),
            str(counts.get("fail", 0)) if counts.get("fail") else "",
            str(counts.get("error", 0)) if counts.get("error") else "",
            str(counts.get("skipped", 0)) if counts.get("skipped") else "",
            Text(verdict.upper(), style=STYLE[verdict]),
            not_passed,
        )
    console.print(table)
    problems: list[tuple[str, str, str, str]] = []
    for cert in certificates:
        bad = [c for c in cert.checks if c.status.value in ("fail", "error")]
        # An unreachable router fails every check for the one reason: say it once.
        if len(bad) > 1 and len({c.message for c in bad}) == 1 and cert.identity_errors:
            problems.append(
                (cert.device.name, f"all {len(bad)} checks", bad[0].status.value, bad[0].message)
            )
            continue
        problems += [(cert.device.name, c.id, c.status.value, c.message) for c in bad]
        problems += [(cert.device.name, "identity", "error", e) for e in cert.identity_errors]
    if problems:
        console.print()
        for name, check_id, status, message in problems:
            console.print(
                Text.assemble(
                    (f"{SYMBOL[status]:<5} ", STYLE[status]),
                    (f"{name} {check_id}: ", "bold"),
                    message,
                )
            )
    if interrupted or not_completed:
        console.print()
        console.print(
            Text.assemble(
                (
                    f"INTERRUPTED ({interrupted}) " if interrupted else "NOT COMPLETED ",
                    STYLE["incomplete"],
                ),
                _completion(len(certificates), len(not_completed)),
            )
        )
        for name, reason in not_completed:
            console.print(
                Text.assemble(("  not completed ", "yellow"), (f"{name}: ", "bold"), reason)
            )
    if index is not None:
        console.print()
        console.print(Text.assemble("Report: ", (str(index.resolve()), "bold underline")))


def _devices(count: int) -> str:
    return f"{count} device" if count == 1 else f"{count} devices"


def _completion(certified: int, unfinished: int) -> str:
    """How far an interrupted or unfinished run got, in words."""
    if not unfinished:
        return f"after every device completed: {_devices(certified)} certified"
    again = "run it again" if unfinished == 1 else "run them again"
    return (
        f"{_devices(certified)} completed and certified, {_devices(unfinished)} not "
        f"completed (no certificate): {again}"
    )
