"""The acceptance ledger: every run, device and port result, and where each port stands.

Sections 1.4(b) and 1.4(c) of the agreement need memory across runs: a certificate says which
attempt a port's test is, when its results were delivered and when the port is deemed
accepted. This module keeps that memory in one SQLite file (by default
`reports/ledger.sqlite`, with its `-wal` and `-shm` companions while in use).

Rules (the certificate statements follow them word for word):

* **Attempt.** An attempt is one recorded run whose result for the port is `pass` or `fail`.
  Attempts are counted per order id (whatever device or interface the order is on), in the
  order runs are *recorded* in the ledger, and are never renumbered afterwards.
* **Cycle.** Attempts are numbered within a cycle, from 1. A cycle ends when the port passes.
  A run opens a new cycle when the port has no open cycle (none yet, or the last one ended
  with a pass): its reason (`initial`, `repair`, `restoration`) becomes the cycle's reason.
  While a cycle is open (its last attempt failed) every run continues it, whatever reason the
  run gives, so relabelling a retest cannot reset the count of section 1.4(b); the
  statement then names both the cycle's reason and the run's.
* **Initial connection once.** `initial` opens a cycle only for an order with no counted
  attempt at all. An `initial` run on a port that already passed (for instance a device
  retested because another of its ports failed) is recorded but counts as no attempt,
  states no new acceptance period, and says so.
* **Incomplete.** A port whose result is `incomplete` (the tests could not be completed)
  counts as no attempt, opens no cycle and states no acceptance period; its statement says
  so and how many attempts the open cycle has so far.
* **Acceptance period.** `deemed_accepted_on` = the delivery date + the period, in calendar
  days, only for a counted `pass`. The period is `acceptance_days_new` for a cycle opened by
  `initial`, `acceptance_days_repair` for one opened by `repair` or `restoration`. Results are
  delivered at the end of the run: the delivery date is the UTC date of `finished`.
* **Remedies.** A counted `fail` whose attempt number is at least `attempts_before_remedies`
  makes the customer's options of section 1.4(b) available; the statement lists them.
* **Same run twice.** Recording a run id again with exactly the same content (run, devices,
  ports and terms) changes nothing and returns the acceptances stored the first time, so a
  crashed report writer can safely be re-run. The same run id with any other content raises
  `DuplicateRunError`.

Concurrency: every write is one `BEGIN IMMEDIATE` transaction in WAL mode with a 30 s busy
timeout, so several processes can record runs at once; the writes are serialised and the
attempt numbers come out consecutive (a UNIQUE constraint on order, cycle and attempt
guards it too). One `Ledger` object belongs to one thread.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Final

SCHEMA_VERSION: Final = 1
BUSY_TIMEOUT_S: Final = 30.0
DEFAULT_LEDGER: Final = Path("reports") / "ledger.sqlite"

# The same values as netaccept.report.certificates.REASONS / REASON_TEXT (a test keeps them equal);
# kept here so that certificates can import the ledger without an import cycle.
REASONS: Final = ("initial", "repair", "restoration")
REASON_TEXT: Final = {
    "initial": "initial connection",
    "repair": "repair",
    "restoration": "restoration",
}
VERDICTS: Final = ("pass", "fail", "incomplete")

_REMEDIES: Final = (
    "the customer may (i) permit the provider to continue to attempt to meet the acceptance "
    "tests, (ii) require a different port, or (iii) discontinue the port with the fee "
    "reduction of section 1.4(b)."
)
_ORDINALS: Final = (
    "first", "second", "third", "fourth", "fifth",
    "sixth", "seventh", "eighth", "ninth", "tenth",
)  # fmt: skip
_STAMP: Final = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so the text sorts as the time does


class LedgerError(Exception):
    """The ledger cannot be used, or a run cannot be recorded; the message says what to do."""


class DuplicateRunError(LedgerError):
    """A run id already in the ledger was recorded again with different content."""


@dataclass(frozen=True)
class AcceptanceTerms:
    """The contract's redacted numbers, from the inventory's contract section."""

    acceptance_days_new: int = 5  # 1.4(c), initial connection
    acceptance_days_repair: int = 2  # 1.4(c), repair or restoration
    attempts_before_remedies: int = 2  # 1.4(b)

    def days_for(self, cycle_reason: str) -> int:
        """The acceptance period of a cycle opened for `cycle_reason`."""
        return (
            self.acceptance_days_new if cycle_reason == "initial" else self.acceptance_days_repair
        )


@dataclass(frozen=True)
class PortRecord:
    """One ordered port's result in a run."""

    order: str
    device: str
    interface: str
    speed: str
    customer: str
    verdict: str  # pass | fail | incomplete


@dataclass(frozen=True)
class PortAcceptance:
    """What the certificate states for a port under sections 1.4(b) and 1.4(c)."""

    order: str
    attempt: int  # 1 for the first attempt of a cycle; 0 when this run counts as no attempt
    delivered_on: date  # the UTC date of the run's end
    deemed_accepted_on: date | None  # delivered_on + period, only for a counted pass
    remedies_available: bool  # a counted fail at or beyond attempts_before_remedies
    statement: str  # one paragraph for the certificate

    @property
    def counted(self) -> bool:
        """Whether this run counts as an attempt (not incomplete, not a retest of a passed port)."""
        return self.attempt > 0


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
        }


@dataclass(frozen=True)
class _Counted:
    """The port's latest counted attempt."""

    cycle: int
    cycle_reason: str
    attempt: int
    verdict: str
    delivered_on: date
    deemed_accepted_on: date | None


@dataclass(frozen=True)
class _Placement:
    cycle: int | None
    cycle_reason: str | None
    attempt: int | None


_SCHEMA: Final = f"""
CREATE TABLE schema_version (
    version INTEGER NOT NULL PRIMARY KEY,
    applied TEXT NOT NULL
);
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    delivered_on TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN {REASONS!r}),
    technician TEXT NOT NULL,
    acceptance_days_new INTEGER NOT NULL,
    acceptance_days_repair INTEGER NOT NULL,
    attempts_before_remedies INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    recorded TEXT NOT NULL
);
CREATE TABLE devices (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    device TEXT NOT NULL,
    site TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN {VERDICTS!r}),
    PRIMARY KEY (run_id, device)
);
CREATE INDEX devices_by_device ON devices (device);
CREATE TABLE port_results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    device TEXT NOT NULL,
    interface TEXT NOT NULL,
    speed TEXT NOT NULL,
    customer TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN {VERDICTS!r}),
    cycle INTEGER CHECK (cycle >= 1),
    cycle_reason TEXT CHECK (cycle_reason IN {REASONS!r}),
    attempt INTEGER CHECK (attempt >= 1),
    delivered_on TEXT NOT NULL,
    deemed_accepted_on TEXT,
    remedies_available INTEGER NOT NULL CHECK (remedies_available IN (0, 1)),
    statement TEXT NOT NULL,
    UNIQUE (run_id, order_id),
    UNIQUE (order_id, cycle, attempt),
    CHECK ((cycle IS NULL) = (attempt IS NULL) AND (cycle IS NULL) = (cycle_reason IS NULL)),
    FOREIGN KEY (run_id, device) REFERENCES devices (run_id, device)
);
CREATE INDEX port_results_by_order ON port_results (order_id, seq);
CREATE INDEX port_results_by_run ON port_results (run_id, device);
"""


class Ledger:
    """The acceptance ledger in one SQLite file. Use as a context manager, or call close()."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        """Open the ledger at `path`, creating it (and its directory) when `create` is true.

        Raises LedgerError when the file is missing (create=False), is not SQLite, is a SQLite
        database of something else, is damaged, or was written by a newer netaccept.
        """
        self.path = Path(path)
        if self.path.is_dir():
            raise LedgerError(f"{self.path} is a directory; give the ledger file's path")
        if not self.path.exists():
            if not create:
                raise LedgerError(
                    f"no ledger at {self.path}: it is written by `netaccept run`; "
                    "give --ledger FILE to read another one"
                )
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"cannot create the ledger at {self.path}: {exc}") from exc
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open the ledger {self.path}: {exc}") from exc
        try:
            with self._errors():
                self._setup()
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _setup(self) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._db.execute("PRAGMA foreign_keys = ON")
        if self._version() is None:
            with self._transaction():
                if self._version() is None:  # another process may have created it meanwhile
                    tables = self._tables()
                    if tables:
                        raise LedgerError(
                            f"{self.path} is a SQLite database but not a netaccept ledger "
                            f"(it has tables {', '.join(sorted(tables))} and no schema_version); "
                            "give --ledger the path of the ledger, or a new file name"
                        )
                    # One statement at a time: executescript() would COMMIT this transaction.
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(
                        "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
                        (SCHEMA_VERSION, datetime.now(UTC).strftime(_STAMP)),
                    )
        version = self._version()
        if version != SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path} is a ledger of schema version {version}, and this netaccept "
                f"reads version {SCHEMA_VERSION}: use the netaccept that wrote it "
                "(or a newer one)"
            )
        mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise LedgerError(
                f"{self.path}: SQLite cannot use write-ahead logging there (journal mode "
                f"{mode}); keep the ledger on a local file system"
            )

    def _tables(self) -> set[str]:
        rows = self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return {str(row[0]) for row in rows}

    def _version(self) -> int | None:
        if "schema_version" not in self._tables():
            return None
        row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's errors as LedgerError, naming the file and what to do."""
        try:
            yield
        except LedgerError:
            raise
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise LedgerError(
                    f"the ledger {self.path} stayed locked by another process for more than "
                    f"{BUSY_TIMEOUT_S:.0f} s ({exc}); retry when the other run has finished"
                ) from exc
            if "readonly" in str(exc):
                raise LedgerError(
                    f"cannot write the ledger {self.path} ({exc}): give --ledger a file you may "
                    "write, with its directory (SQLite also writes -wal and -shm files there)"
                ) from exc
            raise self._unusable(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from exc

    def _unusable(self, exc: sqlite3.Error) -> LedgerError:
        return LedgerError(
            f"{self.path} is not a usable netaccept ledger (SQLite: {exc}). If --ledger names "
            "the wrong file, give the ledger's path; if the ledger is damaged, move it aside "
            "(keep it for the record) and restore it from a backup, or let the next run start "
            "a new ledger at that path"
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:  # SQLite may have rolled back already (disk full...)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------ writing

    def record_run(
        self,
        run_id: str,
        started: datetime,
        finished: datetime,
        reason: str,
        technician: str,
        devices: Sequence[tuple[str, str, str]],
        ports: Sequence[PortRecord],
        terms: AcceptanceTerms,
    ) -> dict[str, PortAcceptance]:
        """Record a run (devices as (device, site, verdict)) in one transaction.

        Returns, per order id, what the port's certificate states. See the module's rules.
        """
        reason = str(reason)
        devices = [(str(d), str(s), str(v)) for d, s, v in devices]
        ports = [
            PortRecord(p.order, p.device, p.interface, p.speed, p.customer, str(p.verdict))
            for p in ports
        ]
        _validate(run_id, started, finished, reason, devices, ports, terms)
        started_text = started.astimezone(UTC).strftime(_STAMP)
        finished_text = finished.astimezone(UTC).strftime(_STAMP)
        delivered = finished.astimezone(UTC).date()
        fingerprint = _fingerprint(
            run_id, started_text, finished_text, reason, technician, devices, ports, terms
        )
        with self._errors(), self._transaction():
            row = self._db.execute(
                "SELECT fingerprint FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is not None:
                if row[0] != fingerprint:
                    raise DuplicateRunError(
                        f"run {run_id} is already in the ledger {self.path} with other "
                        "content; a run is recorded once (give the new run its own id)"
                    )
                return self._stored(run_id)
            self._db.execute(
                "INSERT INTO runs (run_id, started, finished, delivered_on, reason, technician,"
                " acceptance_days_new, acceptance_days_repair, attempts_before_remedies,"
                " fingerprint, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    started_text,
                    finished_text,
                    delivered.isoformat(),
                    reason,
                    technician,
                    terms.acceptance_days_new,
                    terms.acceptance_days_repair,
                    terms.attempts_before_remedies,
                    fingerprint,
                    datetime.now(UTC).strftime(_STAMP),
                ),
            )
            self._db.executemany(
                "INSERT INTO devices (run_id, device, site, verdict) VALUES (?, ?, ?, ?)",
                [(run_id, *device) for device in devices],
            )
            result: dict[str, PortAcceptance] = {}
            for port in ports:
                last = self._last_counted(port.order)
                placement = _place(last, reason, port.verdict)
                acceptance = _acceptance(port, placement, last, reason, delivered, terms)
                self._db.execute(
                    "INSERT INTO port_results (run_id, order_id, device, interface, speed,"
                    " customer, verdict, cycle, cycle_reason, attempt, delivered_on,"
                    " deemed_accepted_on, remedies_available, statement)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run_id,
                        port.order,
                        port.device,
                        port.interface,
                        port.speed,
                        port.customer,
                        port.verdict,
                        placement.cycle,
                        placement.cycle_reason,
                        placement.attempt,
                        delivered.isoformat(),
                        _iso_or_none(acceptance.deemed_accepted_on),
                        int(acceptance.remedies_available),
                        acceptance.statement,
                    ),
                )
                result[port.order] = acceptance
            return result

    def _last_counted(self, order: str) -> _Counted | None:
        row = self._db.execute(
            "SELECT cycle, cycle_reason, attempt, verdict, delivered_on, deemed_accepted_on"
            " FROM port_results WHERE order_id = ? AND attempt IS NOT NULL"
            " ORDER BY seq DESC LIMIT 1",
            (order,),
        ).fetchone()
        if row is None:
            return None
        return _Counted(
            cycle=int(row[0]),
            cycle_reason=str(row[1]),
            attempt=int(row[2]),
            verdict=str(row[3]),
            delivered_on=date.fromisoformat(row[4]),
            deemed_accepted_on=_date_or_none(row[5]),
        )

    def _stored(self, run_id: str) -> dict[str, PortAcceptance]:
        rows = self._db.execute(
            "SELECT order_id, attempt, delivered_on, deemed_accepted_on, remedies_available,"
            " statement FROM port_results WHERE run_id = ? ORDER BY seq",
            (run_id,),
        ).fetchall()
        return {
            str(r[0]): PortAcceptance(
                order=str(r[0]),
                attempt=int(r[1] or 0),
                delivered_on=date.fromisoformat(r[2]),
                deemed_accepted_on=_date_or_none(r[3]),
                remedies_available=bool(r[4]),
                statement=str(r[5]),
            )
            for r in rows
        }

    # ------------------------------------------------------------ reading

    def attempt_of(self, order: str, reason: str) -> int:
        """Attempts counted so far in the order's latest cycle opened for `reason` (0: none)."""
        if reason not in REASONS:
            raise LedgerError(f"unknown reason {reason!r}; one of {', '.join(REASONS)}")
        with self._errors():
            row = self._db.execute(
                "SELECT attempt FROM port_results WHERE order_id = ? AND cycle_reason = ?"
                " AND attempt IS NOT NULL ORDER BY seq DESC LIMIT 1",
                (order, reason),
            ).fetchone()
        return 0 if row is None else int(row[0])

    def history(self, *, order: str | None = None, device: str | None = None) -> list[HistoryRow]:
        """Port results (and port-less devices) of every run, oldest first; optionally filtered.

        With `order`, only that order's results; with `device`, only that device's rows.
        """
        with self._errors():
            rows = self._db.execute(
                "SELECT r.run_id, r.started, r.finished, r.reason, r.technician, d.device,"
                " d.site, d.verdict, p.order_id, p.interface, p.verdict, p.attempt,"
                " p.cycle_reason, r.delivered_on, p.deemed_accepted_on, p.remedies_available"
                " FROM runs r JOIN devices d ON d.run_id = r.run_id"
                " LEFT JOIN port_results p ON p.run_id = d.run_id AND p.device = d.device"
                " WHERE (:order IS NULL OR p.order_id = :order)"
                " AND (:device IS NULL OR d.device = :device)"
                " AND (p.seq IS NOT NULL OR NOT EXISTS (SELECT 1 FROM port_results q"
                "      WHERE q.run_id = d.run_id AND q.device = d.device))"
                " ORDER BY r.started, r.seq, d.device, p.seq",
                {"order": order, "device": device},
            ).fetchall()
        return [
            HistoryRow(
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
            )
            for r in rows
        ]


# ---------------------------------------------------------------- the rules


def _place(last: _Counted | None, reason: str, verdict: str) -> _Placement:
    """Which cycle and attempt a result counts as; all None when it counts as no attempt."""
    if verdict == "incomplete":
        return _Placement(None, None, None)
    if last is not None and last.verdict == "fail":  # an open cycle goes on, whatever the reason
        return _Placement(last.cycle, last.cycle_reason, last.attempt + 1)
    if reason == "initial" and last is not None:  # initial connection happens once
        return _Placement(None, None, None)
    return _Placement(1 if last is None else last.cycle + 1, reason, 1)


def _acceptance(
    port: PortRecord,
    placement: _Placement,
    last: _Counted | None,
    reason: str,
    delivered: date,
    terms: AcceptanceTerms,
) -> PortAcceptance:
    run_text = REASON_TEXT[reason]
    if placement.attempt is None or placement.cycle_reason is None:
        if port.verdict == "incomplete":
            statement = (
                f"The {run_text} tests of this port could not be completed (results delivered "
                f"on {delivered.isoformat()}): this run does not count as an attempt under "
                "section 1.4(b) and starts no acceptance period under section 1.4(c); the "
                "provider will retest."
            )
            if last is not None and last.verdict == "fail":
                statement += (
                    f" Failed attempts so far in the {REASON_TEXT[last.cycle_reason]} cycle: "
                    f"{last.attempt}."
                )
        else:
            assert last is not None  # _place counts every other result without history
            earlier = (
                f"This port already passed its {REASON_TEXT[last.cycle_reason]} acceptance "
                f"tests on attempt {last.attempt} (results delivered on "
                f"{last.delivered_on.isoformat()}"
                + (
                    f", deemed accepted on {last.deemed_accepted_on.isoformat()} unless the "
                    "customer rejected it before then)."
                    if last.deemed_accepted_on is not None
                    else ")."
                )
            )
            if port.verdict == "pass":
                statement = (
                    f"{earlier} It passed this {run_text} retest too (results delivered on "
                    f"{delivered.isoformat()}); the retest does not count as an attempt and "
                    "states no new acceptance period (sections 1.4(b) and 1.4(c))."
                )
            else:
                statement = (
                    f"{earlier} It failed this {run_text} retest (results delivered on "
                    f"{delivered.isoformat()}); the retest does not count as an initial "
                    "connection attempt: the port is to be repaired and tested with reason "
                    "repair, which opens a repair cycle (section 1.4(a))."
                )
        return PortAcceptance(port.order, 0, delivered, None, False, statement)

    attempt = placement.attempt
    label = REASON_TEXT[placement.cycle_reason]
    if placement.cycle_reason != reason:
        label += f"; run reason: {run_text}"
    if port.verdict == "pass":
        deemed = delivered + timedelta(days=terms.days_for(placement.cycle_reason))
        statement = (
            f"Attempt {attempt} ({label}). Test results delivered on {delivered.isoformat()}; "
            f"the port is deemed accepted on {deemed.isoformat()} unless the customer rejects "
            "it before then (section 1.4(c))."
        )
        return PortAcceptance(port.order, attempt, delivered, deemed, False, statement)
    threshold = terms.attempts_before_remedies
    failed = (
        f"Attempt {attempt} ({label}) failed; test results delivered on {delivered.isoformat()}"
    )
    if attempt < threshold:
        statement = f"{failed}; the provider will retest (section 1.4(b))."
        return PortAcceptance(port.order, attempt, delivered, None, False, statement)
    if attempt == threshold:
        statement = f"{failed}. After this {_ordinal(threshold)} failed attempt {_REMEDIES}"
    else:
        statement = (
            f"{failed}. As after every failed attempt from the {_ordinal(threshold)} on, "
            f"{_REMEDIES}"
        )
    return PortAcceptance(port.order, attempt, delivered, None, True, statement)


# ---------------------------------------------------------------- helpers


def _validate(
    run_id: str,
    started: datetime,
    finished: datetime,
    reason: str,
    devices: Sequence[tuple[str, str, str]],
    ports: Sequence[PortRecord],
    terms: AcceptanceTerms,
) -> None:
    problems: list[str] = []
    if not run_id:
        problems.append("the run id is empty")
    if started.tzinfo is None or finished.tzinfo is None:
        problems.append("started and finished must be timezone-aware (use UTC)")
    elif finished < started:
        problems.append(f"the run finished ({finished}) before it started ({started})")
    if reason not in REASONS:
        problems.append(f"unknown reason {reason!r}; one of {', '.join(REASONS)}")
    if terms.acceptance_days_new < 0 or terms.acceptance_days_repair < 0:
        problems.append("acceptance periods must be 0 days or more")
    if terms.attempts_before_remedies < 1:
        problems.append("attempts_before_remedies must be 1 or more")
    names = [name for name, _, _ in devices]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"device {name} is listed twice")
    for name, _, verdict in devices:
        if verdict not in VERDICTS:
            problems.append(f"device {name}: unknown verdict {verdict!r}")
    orders = [port.order for port in ports]
    for order in sorted({o for o in orders if orders.count(o) > 1}):
        problems.append(f"order {order} is listed twice")
    for port in ports:
        if not port.order:
            problems.append(f"a port on {port.device} has an empty order id")
        if port.device not in names:
            problems.append(f"order {port.order}: device {port.device} is not among the devices")
        if port.verdict not in VERDICTS:
            problems.append(f"order {port.order}: unknown verdict {port.verdict!r}")
    if problems:
        raise LedgerError(f"run {run_id or '?'} cannot be recorded: " + "; ".join(problems))


def _fingerprint(
    run_id: str,
    started: str,
    finished: str,
    reason: str,
    technician: str,
    devices: Sequence[tuple[str, str, str]],
    ports: Sequence[PortRecord],
    terms: AcceptanceTerms,
) -> str:
    content = {
        "run": [run_id, started, finished, reason, technician],
        "devices": sorted(list(d) for d in devices),
        "ports": sorted(
            [p.order, p.device, p.interface, p.speed, p.customer, p.verdict] for p in ports
        ),
        "terms": [
            terms.acceptance_days_new,
            terms.acceptance_days_repair,
            terms.attempts_before_remedies,
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()


def _ordinal(n: int) -> str:
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _utc(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def _iso_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


__all__ = [
    "DEFAULT_LEDGER",
    "REASONS",
    "SCHEMA_VERSION",
    "AcceptanceTerms",
    "DuplicateRunError",
    "HistoryRow",
    "Ledger",
    "LedgerError",
    "PortAcceptance",
    "PortRecord",
]
