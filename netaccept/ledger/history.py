"""The ledger's history: every recorded port result, run by run, as `netaccept history` shows it.

`HistoryRow` is one port's result in one run, or a device of a run that tested no ordered
port on it. `_HISTORY_QUERY` selects them oldest first (by the run's start, then in the
order the runs were recorded), for one order or one device when asked, and `_history_row`
turns a selected row into a `HistoryRow`; `Ledger.history` runs the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from netaccept.ledger.schema import _STAMP, _date_or_none, _iso_or_none, _utc


@dataclass(frozen=True)
class HistoryRow:
    """One port result of one run; or a device of a run that tested no ordered port."""

    run_id: str
    started: datetime  # UTC
    finished: datetime  # UTC
    reason: str  # the run's reason
    technician: str
    device: str
    site: str
    order: str | None  # None: a device row, the run tested no ordered port on it
    interface: str | None
    verdict: str  # the port's verdict; the device's for a device row
    attempt: int | None  # None when the run counts as no attempt for the port
    cycle_reason: str | None  # the reason of the cycle the attempt counts in
    delivered_on: date
    deemed_accepted_on: date | None
    remedies_available: bool
    diagnostic: bool = False  # a diagnostic run: no acceptance test, never an attempt

    def to_json(self) -> dict[str, str | int | bool | None]:
        """A JSON-ready dict: times as ISO 8601 UTC, dates as YYYY-MM-DD."""
        return {
            "run_id": self.run_id,
            "started": self.started.strftime(_STAMP),
            "finished": self.finished.strftime(_STAMP),
            "reason": self.reason,
            "technician": self.technician,
            "device": self.device,
            "site": self.site,
            "order": self.order,
            "interface": self.interface,
            "verdict": self.verdict,
            "attempt": self.attempt,
            "cycle_reason": self.cycle_reason,
            "delivered_on": self.delivered_on.isoformat(),
            "deemed_accepted_on": _iso_or_none(self.deemed_accepted_on),
            "remedies_available": self.remedies_available,
            "diagnostic": self.diagnostic,
        }


@dataclass(frozen=True)
class AnswerRow:
    """The customer's answer to one counted pass of an order."""

    order: str
    attempt: int
    answer: str  # accept | reject
    answered: datetime  # UTC
    by: str
    reason: str

    def to_json(self) -> dict[str, str | int]:
        return {
            "order": self.order,
            "attempt": self.attempt,
            "answer": self.answer,
            "answered": self.answered.strftime(_STAMP),
            "by": self.by,
            "reason": self.reason,
        }


_HISTORY_QUERY: Final = (
    "SELECT r.run_id, r.started, r.finished, r.reason, r.technician, d.device,"
    " d.site, d.verdict, p.order_id, p.interface, p.verdict, p.attempt,"
    " p.cycle_reason, r.delivered_on, p.deemed_accepted_on, p.remedies_available,"
    " p.diagnostic"
    " FROM runs r JOIN devices d ON d.run_id = r.run_id"
    " LEFT JOIN port_results p ON p.run_id = d.run_id AND p.device = d.device"
    " WHERE (:order IS NULL OR p.order_id = :order)"
    " AND (:device IS NULL OR d.device = :device)"
    " AND (p.seq IS NOT NULL OR NOT EXISTS (SELECT 1 FROM port_results q"
    "      WHERE q.run_id = d.run_id AND q.device = d.device))"
    " ORDER BY r.started, r.seq, d.device, p.seq"
)
"""Port results, and devices of a run with no port result; parameters `order` and `device`."""


def _history_row(r: Sequence[Any]) -> HistoryRow:
    """A row selected by `_HISTORY_QUERY` as a `HistoryRow`."""
    return HistoryRow(
        run_id=str(r[0]),
        started=_utc(r[1]),
        finished=_utc(r[2]),
        reason=str(r[3]),
        technician=str(r[4]),
        device=str(r[5]),
        site=str(r[6]),
        order=None if r[8] is None else str(r[8]),
        interface=None if r[9] is None else str(r[9]),
        verdict=str(r[7] if r[8] is None else r[10]),
        attempt=None if r[11] is None else int(r[11]),
        cycle_reason=None if r[12] is None else str(r[12]),
        delivered_on=date.fromisoformat(r[13]),
        deemed_accepted_on=_date_or_none(r[14]),
        remedies_available=bool(r[15]),
        diagnostic=bool(r[16]),
    )
