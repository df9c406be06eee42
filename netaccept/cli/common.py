"""What every `netaccept` subcommand shares: its error line and the inventory it loads."""

from __future__ import annotations

from collections.abc import Sequence

from netaccept.core.console import output_console
from netaccept.core.exitcodes import exit_codes_help
from netaccept.inventory import Inventory, load_inventory

EXIT_CODES = exit_codes_help()


def print_error(message: str) -> None:
    output_console(stderr=True).print(f"[bold red]netaccept:[/] {message}")


def load_selected(path: str, devices: Sequence[str] = ()) -> Inventory:
    return load_inventory(path).select(list(devices))
