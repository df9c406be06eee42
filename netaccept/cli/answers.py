"""`netaccept accept` and `netaccept reject`: the customer's answer to a passed port (1.4(c))."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from pathlib import Path

from rich.markup import escape
from rich.text import Text

from netaccept.cli.common import print_error
from netaccept.core.console import output_console
from netaccept.core.exitcodes import ExitCode


def _answer(args: argparse.Namespace, answer: str) -> int:
    from netaccept.ledger import Ledger, LedgerError

    by = args.by if args.by is not None else getpass.getuser()
    try:
        with Ledger(Path(args.ledger), create=False) as ledger:
            standing = ledger.answer(
                args.order, answer, by=by, reason=args.reason or "", now=datetime.now(UTC)
            )
    except LedgerError as exc:
        print_error(escape(str(exc)))
        return ExitCode.USAGE
    verb = "accepted" if answer == "accept" else "rejected"
    output_console().print(
        Text(f"Order {args.order}: {verb} by {by}, recorded in {args.ledger}. Now: {standing}.")
    )
    return ExitCode.PASS


def cmd_accept(args: argparse.Namespace) -> int:
    """The customer accepts the port of an order that passed (before it is deemed accepted)."""
    return _answer(args, "accept")


def cmd_reject(args: argparse.Namespace) -> int:
    """The customer rejects the port of an order that passed, inside the acceptance period."""
    return _answer(args, "reject")
