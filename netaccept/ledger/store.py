"""The ledger's SQLite file: opening or creating it, its transactions, and recording runs.

`Ledger` opens the file (by default `reports/ledger.sqlite`, with its `-wal` and `-shm`
companions while in use), creates the tables of `netaccept.ledger.schema` in a new file, and
refuses, with a message that says what to do, a file that is not a netaccept ledger, is
damaged or was written by a newer netaccept. `record_run` checks a run, places each port's
result by the rules of `netaccept.ledger.rules` and stores it all in one transaction;
recording the same run again with the same content changes nothing.

Concurrency: every write is one `BEGIN IMMEDIATE` transaction in WAL mode, so several
processes can record runs at once; the writes are serialised and the attempt numbers come
out consecutive (a UNIQUE constraint on order, cycle and attempt guards it too). A write
lock held by another process is waited for (30 s by default) in short steps, so that a
signal (Ctrl-C) is handled at once and a `waiting` callback can say what the wait is for.
`recording` holds the lock while its caller writes the certificates, and stores only the
devices whose certificates were written. One `Ledger` object belongs to one thread.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Final

from netaccept.ledger.history import _HISTORY_QUERY, AnswerRow, HistoryRow, _history_row
from netaccept.ledger.rules import (
    ANSWERS,
    REASONS,
    VERDICTS,
    AcceptanceTerms,
    PortAcceptance,
    PortRecord,
    _acceptance,
    _answer_problem,
    _Counted,
    _place,
    _Placement,
    _standing,
)
from netaccept.ledger.schema import (
    _SCHEMA,
    _STAMP,
    MIGRATIONS,
    SCHEMA_VERSION,
    _date_or_none,
    _iso_or_none,
    _utc,
)

BUSY_TIMEOUT_S: Final = 30.0
DEFAULT_LEDGER: Final = Path("reports") / "ledger.sqlite"
_WAIT_STEP_S: Final = 0.1  # SQLite waits for a lock this long at a time: signals in between

Waiting = Callable[[float], None]
"""Told, every step of a wait for another process's lock, how many seconds it has lasted.

It may raise to stop waiting (the exception leaves the ledger as it was)."""


class LedgerError(Exception):
    """The ledger cannot be used, or a run cannot be recorded; the message says what to do."""


class DuplicateRunError(LedgerError):
    """A run id already in the ledger was recorded again with different content."""


@dataclass
class PendingRun:
    """A run being recorded: what its ports' certificates state, and the devices left out."""

    acceptance: dict[str, PortAcceptance]
    """Per order id: the port's attempt, dates and statement, for its certificate."""
    dropped: set[str] = field(default_factory=set)
    snapshots: dict[str, str] = field(default_factory=dict)
    """Per device: its facts in this run (JSON, masked), stored as a possible baseline."""

    def drop(self, device: str) -> None:
        """Leave `device` and its ports out of the ledger (its certificate is not on disk)."""
        self.dropped.add(device)


@dataclass(frozen=True)
class Baseline:
    """The facts of the run in which a port was accepted: what a repair is compared with."""

    run_id: str
    device: str
    order: str
    accepted_on: date
    how: str  # "accepted by NAME on DATE" or "deemed accepted on DATE"
    snapshot: str  # JSON, masked like the evidence (netaccept.report.diff.Snapshot)


class Ledger:
    """The acceptance ledger in one SQLite file. Use as a context manager, or call close()."""

    def __init__(
        self, path: Path | str, *, create: bool = True, waiting: Waiting | None = None
    ) -> None:
        """Open the ledger at `path`, creating it (and its directory) when `create` is true.

        Raises LedgerError when the file is missing (create=False), is not SQLite, is a SQLite
        database of something else, is damaged, or was written by a newer netaccept.
        `waiting` is told while a write waits for another process's lock (see `Waiting`).
        """
        self.path = Path(path)
        self._waiting = waiting
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
        if version is not None and version < SCHEMA_VERSION:
            self._migrate(version)
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

    def _migrate(self, version: int) -> None:
        """Bring a ledger of an older schema up to this one, in place, in one transaction."""
        with self._transaction():
            current = self._version() or version  # another process may have migrated it
            for target in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(
                    "INSERT INTO schema_version (version, applied) VALUES (?, ?)",
                    (target, datetime.now(UTC).strftime(_STAMP)),
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
            if "full" in str(exc) or "I/O error" in str(exc):
                raise LedgerError(
                    f"cannot write the ledger {self.path} ({exc}): free space on its file "
                    "system (or give --ledger a file on another one) and run again; the ledger "
                    "is as it was before this run"
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
    def _transaction(self, patience: float | None = None) -> Iterator[None]:
        self._begin(BUSY_TIMEOUT_S if patience is None else patience)
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # SQLite may have rolled back already (disk full...)
                self._db.execute("ROLLBACK")
            raise

    def _begin(self, patience: float) -> None:
        """BEGIN IMMEDIATE: the write lock, waited for up to `patience` seconds if it is held.

        SQLite sleeps inside its own code while it waits; in short steps a signal handler
        (Ctrl-C) runs between them, and `waiting` hears how long the wait has lasted.
        """
        started = time.monotonic()
        self._db.execute(f"PRAGMA busy_timeout = {int(_WAIT_STEP_S * 1000)}")
        try:
            while True:
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    waited = time.monotonic() - started
                    if not _busy(exc):
                        raise
                    if waited >= patience:
                        raise LedgerError(
                            f"the ledger {self.path} stayed locked by another process for more "
                            f"than {patience:.0f} s ({exc}); retry when the other run has "
                            "finished"
                        ) from exc
                    if self._waiting is not None:
                        self._waiting(waited)
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    # ------------------------------------------------------------ before a run

    def check_ready(self, patience: float | None = None) -> None:
        """Before a run: every page of the file reads, and its write lock can be taken.

        Raises LedgerError, saying what to do, when the file is damaged (SQLite's quick
        check) or another process holds the lock longer than `patience` (default the busy
        timeout, read when called). Changes nothing.
        """
        with self._errors():
            problems = [str(row[0]) for row in self._db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise self._unusable(sqlite3.DatabaseError("; ".join(problems[:3])))
            with self._transaction(patience):
                pass  # taken, and released: nothing written

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

        Returns, per order id, what the port's certificate states. See the rules in
        `netaccept.ledger.rules`.
        """
        with self.recording(
            run_id, started, finished, reason, technician, devices, ports, terms
        ) as pending:
            return pending.acceptance

    @contextmanager
    def recording(
        self,
        run_id: str,
        started: datetime,
        finished: datetime,
        reason: str,
        technician: str,
        devices: Sequence[tuple[str, str, str]],
        ports: Sequence[PortRecord],
        terms: AcceptanceTerms,
        *,
        patience: float | None = None,
    ) -> Iterator[PendingRun]:
        """Record a run in one transaction that lasts while the caller writes its certificates.

        Yields, with the write lock held (waited for up to `patience` seconds, default the
        busy timeout), what each port's certificate states. The caller writes the
        certificates and `drop`s each device whose certificate did not reach the disk. When
        the block ends the run is stored with the devices kept (nothing at all when none
        is); when it raises, nothing is stored.
        """
        reason = str(reason)
        devices = [(str(d), str(s), str(v)) for d, s, v in devices]
        ports = [
            PortRecord(
                p.order, p.device, p.interface, p.speed, p.customer, str(p.verdict), p.diagnostic
            )
            for p in ports
        ]
        _validate(run_id, started, finished, reason, devices, ports, terms)
        stamps = (
            started.astimezone(UTC).strftime(_STAMP),
            finished.astimezone(UTC).strftime(_STAMP),
        )
        delivered = finished.astimezone(UTC).date()
        with self._errors(), self._transaction(patience):
            row = self._db.execute(
                "SELECT fingerprint FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is not None:
                if row[0] != _fingerprint(
                    run_id, *stamps, reason, technician, devices, ports, terms
                ):
                    raise DuplicateRunError(
                        f"run {run_id} is already in the ledger {self.path} with other "
                        "content; a run is recorded once (give the new run its own id)"
                    )
                yield PendingRun(self._stored(run_id))
                return
            placements: dict[str, _Placement] = {}
            pending = PendingRun({})
            for port in ports:
                last = self._last_counted(port.order)
                placements[port.order] = _place(last, reason, port.verdict, port.diagnostic)
                pending.acceptance[port.order] = _acceptance(
                    port, placements[port.order], last, reason, delivered, terms
                )
            yield pending
            kept = [d for d in devices if d[0] not in pending.dropped]
            if kept:
                self._insert(
                    run_id, stamps, delivered, reason, technician, terms, kept,
                    [(p, placements[p.order], pending.acceptance[p.order])
                     for p in ports if p.device not in pending.dropped],
                )  # fmt: skip
                self._db.executemany(
                    "INSERT INTO baselines (run_id, device, snapshot) VALUES (?, ?, ?)",
                    [(run_id, name, text) for name, text in pending.snapshots.items()
                     if name in {d[0] for d in kept}],
                )  # fmt: skip

    def _insert(
        self,
        run_id: str,
        stamps: tuple[str, str],
        delivered: date,
        reason: str,
        technician: str,
        terms: AcceptanceTerms,
        devices: Sequence[tuple[str, str, str]],
        ports: Sequence[tuple[PortRecord, _Placement, PortAcceptance]],
    ) -> None:
        """The rows of a run: the run, its devices, its ports with their placements."""
        fingerprint = _fingerprint(
            run_id, *stamps, reason, technician, devices, [p for p, _, _ in ports], terms
        )
        self._db.execute(
            "INSERT INTO runs (run_id, started, finished, delivered_on, reason, technician,"
            " acceptance_days_new, acceptance_days_repair, attempts_before_remedies,"
            " fingerprint, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                *stamps,
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
        self._db.executemany(
            "INSERT INTO port_results (run_id, order_id, device, interface, speed,"
            " customer, verdict, cycle, cycle_reason, attempt, delivered_on,"
            " deemed_accepted_on, remedies_available, statement, diagnostic)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
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
                    int(port.diagnostic),
                )
                for port, placement, acceptance in ports
            ],
        )

    def _last_counted(self, order: str) -> _Counted | None:
        row = self._db.execute(
            "SELECT p.cycle, p.cycle_reason, p.attempt, p.verdict, p.delivered_on,"
            " p.deemed_accepted_on, a.answer, a.answered"
            " FROM port_results p LEFT JOIN answers a ON a.order_id = p.order_id"
            " AND a.cycle = p.cycle AND a.attempt = p.attempt"
            " WHERE p.order_id = ? AND p.attempt IS NOT NULL ORDER BY p.seq DESC LIMIT 1",
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
            answer=None if row[6] is None else str(row[6]),
            answered=None if row[7] is None else _utc(row[7]),
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

    def answer(self, order: str, answer: str, *, by: str, reason: str = "", now: datetime) -> str:
        """Record the customer's `answer` (accept | reject) to the order's latest pass, at `now`.

        Returns where the port stands afterwards. Raises LedgerError, changing nothing, for
        an unknown order, a port whose latest attempt failed, an attempt answered already, a
        rejection without a reason, and any answer on or after the day the port was deemed
        accepted (section 1.4(c)).
        """
        if answer not in ANSWERS:
            raise LedgerError(f"unknown answer {answer!r}; one of {', '.join(ANSWERS)}")
        if now.tzinfo is None:
            raise LedgerError("the time of an answer must be timezone-aware (use UTC)")
        if not by.strip():
            raise LedgerError("say who answers for the customer (--by NAME)")
        if answer == "reject" and not reason.strip():
            raise LedgerError(f"a rejection of order {order} needs its reason (--reason TEXT)")
        with self._errors(), self._transaction():
            last = self._last_counted(order)
            problem = _answer_problem(order, last, answer, now)
            if problem is not None or last is None:
                raise LedgerError(problem or f"order {order} has no acceptance test")
            stamp = now.astimezone(UTC).strftime(_STAMP)
            self._db.execute(
                "INSERT INTO answers (order_id, cycle, attempt, answer, answered, by, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (order, last.cycle, last.attempt, answer, stamp, by.strip(), reason.strip()),
            )
            return _standing(self._last_counted(order), now)

    def baseline(self, orders: Sequence[str], now: datetime) -> Baseline | None:
        """The facts of the latest accepted full-scope run of any of `orders`, at `now`.

        A counted pass is accepted when the customer accepted it, or when, unrejected, the
        day it is deemed accepted has come (section 1.4(c)). None when no such run left facts.
        """
        with self._errors():
            rows = self._db.execute(
                "SELECT p.run_id, p.device, p.order_id, p.attempt, p.deemed_accepted_on,"
                " a.answer, a.answered, a.by, b.snapshot"
                " FROM port_results p JOIN baselines b ON b.run_id = p.run_id"
                " AND b.device = p.device LEFT JOIN answers a ON a.order_id = p.order_id"
                " AND a.cycle = p.cycle AND a.attempt = p.attempt"
                f" WHERE p.order_id IN ({', '.join('?' * len(orders))})"
                " AND p.attempt IS NOT NULL AND p.verdict = 'pass' ORDER BY p.seq DESC",
                list(orders),
            ).fetchall()
        for row in rows:
            if row[5] == "reject":
                continue
            if row[5] == "accept":
                answered = _utc(row[6])
                how = f"accepted by {row[7]} on {answered.date().isoformat()}"
                return Baseline(str(row[0]), str(row[1]), str(row[2]), answered.date(), how, row[8])
            deemed = _date_or_none(row[4])
            if deemed is not None and now.date() >= deemed:
                how = f"deemed accepted on {deemed.isoformat()}"
                return Baseline(str(row[0]), str(row[1]), str(row[2]), deemed, how, str(row[8]))
        return None

    def standing(self, order: str, now: datetime) -> str:
        """Where the order's port stands at `now` (attempts, the customer's answer, acceptance)."""
        with self._errors():
            return _standing(self._last_counted(order), now)

    def answers(self, order: str | None = None) -> list[AnswerRow]:
        """The customer's answers, oldest first; only `order`'s when given."""
        with self._errors():
            rows = self._db.execute(
                "SELECT order_id, cycle, attempt, answer, answered, by, reason FROM answers"
                " WHERE (:order IS NULL OR order_id = :order) ORDER BY seq",
                {"order": order},
            ).fetchall()
        return [
            AnswerRow(str(r[0]), int(r[2]), str(r[3]), _utc(r[4]), str(r[5]), str(r[6]))
            for r in rows
        ]

    def orders(self, *, order: str | None = None, device: str | None = None) -> list[str]:
        """The order ids the ledger knows, first recorded first; filtered like `history`."""
        with self._errors():
            rows = self._db.execute(
                "SELECT order_id, MIN(seq) FROM port_results"
                " WHERE (:order IS NULL OR order_id = :order)"
                " AND (:device IS NULL OR device = :device) GROUP BY order_id ORDER BY 2",
                {"order": order, "device": device},
            ).fetchall()
        return [str(r[0]) for r in rows]

    def history(self, *, order: str | None = None, device: str | None = None) -> list[HistoryRow]:
        """Port results (and port-less devices) of every run, oldest first; optionally filtered.

        With `order`, only that order's results; with `device`, only that device's rows.
        """
        with self._errors():
            rows = self._db.execute(_HISTORY_QUERY, {"order": order, "device": device}).fetchall()
        return [_history_row(r) for r in rows]


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _validate(
    run_id: str,
    started: datetime,
    finished: datetime,
    reason: str,
    devices: Sequence[tuple[str, str, str]],
    ports: Sequence[PortRecord],
    terms: AcceptanceTerms,
) -> None:
    names = [name for name, _, _ in devices]
    problems = [
        *_run_problems(run_id, started, finished, reason, terms),
        *_device_problems(devices, names),
        *_port_problems(ports, names),
    ]
    if problems:
        raise LedgerError(f"run {run_id or '?'} cannot be recorded: " + "; ".join(problems))


def _run_problems(
    run_id: str, started: datetime, finished: datetime, reason: str, terms: AcceptanceTerms
) -> list[str]:
    """What is wrong with the run itself: its id, its times, its reason, the terms."""
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
    return problems


def _device_problems(devices: Sequence[tuple[str, str, str]], names: list[str]) -> list[str]:
    """Devices listed twice, and unknown device verdicts."""
    problems: list[str] = []
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"device {name} is listed twice")
    for name, _, verdict in devices:
        if verdict not in VERDICTS:
            problems.append(f"device {name}: unknown verdict {verdict!r}")
    return problems


def _port_problems(ports: Sequence[PortRecord], names: list[str]) -> list[str]:
    """Orders listed twice, and ports without an order id, a known device or a known verdict."""
    problems: list[str] = []
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
    return problems


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
