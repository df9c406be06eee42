"""The acceptance ledger: attempts across runs, acceptance periods, statements, history, safety."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from netaccept import ledger
from netaccept.core.verdicts import Overall
from netaccept.ledger import (
    SCHEMA_VERSION,
    AcceptanceTerms,
    DuplicateRunError,
    Ledger,
    LedgerError,
    PortAcceptance,
    PortRecord,
    rules,
    store,
)
from netaccept.report import certificates

TERMS = AcceptanceTerms()  # 5 days new, 2 days repair, remedies from the 2nd failed attempt
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REMEDIES = (
    "the customer may (i) permit the provider to continue to attempt to meet the acceptance "
    "tests, (ii) require a different port, or (iii) discontinue the port with the fee "
    "reduction of section 1.4(b)."
)


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "reports" / "ledger.sqlite") as opened:
        yield opened


class Runs:
    """Records runs one day apart; each run ends two hours after it starts."""

    def __init__(self, book: Ledger, terms: AcceptanceTerms = TERMS) -> None:
        self.book = book
        self.terms = terms
        self.count = 0

    def record(
        self,
        reason: str,
        verdicts: dict[str, str],
        *,
        finished: datetime | None = None,
        run_id: str | None = None,
        device: str = "nyc-gsr-01",
    ) -> dict[str, PortAcceptance]:
        started = T0 + timedelta(days=self.count)
        self.count += 1
        ports = [
            PortRecord(order, device, f"GigabitEthernet0/{n}", "GigE", "Acme", verdict)
            for n, (order, verdict) in enumerate(verdicts.items())
        ]
        overall = "fail" if "fail" in verdicts.values() else "pass"
        return self.book.record_run(
            run_id or f"run-{self.count:03d}",
            started,
            finished or started + timedelta(hours=2),
            reason,
            "A. Technician",
            [(device, "NYC1", overall)],
            ports,
            self.terms,
        )

    def one(self, reason: str, verdict: str, **kwargs: Any) -> PortAcceptance:
        return self.record(reason, {"PSO-1": verdict}, **kwargs)["PSO-1"]


# ---------------------------------------------------------------- attempts


def test_attempts_count_within_cycles_across_runs(book: Ledger) -> None:
    runs = Runs(book)
    seen = [
        runs.one("initial", "fail"),
        runs.one("initial", "fail"),
        runs.one("initial", "pass"),
        runs.one("repair", "fail"),
        runs.one("repair", "pass"),
        runs.one("restoration", "pass"),
    ]
    assert [a.attempt for a in seen] == [1, 2, 3, 1, 2, 1]
    assert [a.deemed_accepted_on is not None for a in seen] == [
        False,
        False,
        True,
        False,
        True,
        True,
    ]
    assert seen[2].statement.startswith("Attempt 3 (initial connection). Test results delivered")
    assert seen[3].statement.startswith("Attempt 1 (repair) failed;")
    assert seen[5].statement.startswith("Attempt 1 (restoration).")
    assert book.attempt_of("PSO-1", "initial") == 3
    assert book.attempt_of("PSO-1", "repair") == 2
    assert book.attempt_of("PSO-1", "restoration") == 1
    assert book.attempt_of("PSO-other", "initial") == 0


def test_attempts_are_per_order(book: Ledger) -> None:
    runs = Runs(book)
    first = runs.record("initial", {"PSO-1": "fail", "PSO-2": "pass"})
    second = runs.record("initial", {"PSO-1": "fail", "PSO-3": "fail"})
    assert (first["PSO-1"].attempt, first["PSO-2"].attempt) == (1, 1)
    assert (second["PSO-1"].attempt, second["PSO-3"].attempt) == (2, 1)


def test_a_relabelled_retest_continues_the_open_cycle(book: Ledger) -> None:
    """Calling the retest of a failed new port `repair` resets neither the count nor the period."""
    runs = Runs(book)
    runs.one("initial", "fail")
    second = runs.one("repair", "fail")
    third = runs.one("restoration", "pass")
    assert (second.attempt, second.remedies_available) == (2, True)
    assert second.statement.startswith("Attempt 2 (initial connection; run reason: repair) failed")
    assert third.attempt == 3
    assert third.deemed_accepted_on == third.delivered_on + timedelta(days=5)  # a new port's
    assert book.attempt_of("PSO-1", "initial") == 3
    assert book.attempt_of("PSO-1", "repair") == 0


def test_initial_retest_of_a_port_that_passed_is_no_attempt(book: Ledger) -> None:
    """A device retested for its failed port: its port that already passed is not re-counted."""
    runs = Runs(book)
    first = runs.record("initial", {"PSO-1": "pass", "PSO-2": "fail"})
    second = runs.record("initial", {"PSO-1": "pass", "PSO-2": "pass"})
    third = runs.record("initial", {"PSO-1": "fail"})
    assert second["PSO-2"].attempt == 2
    again = second["PSO-1"]
    assert (again.attempt, again.counted, again.deemed_accepted_on) == (0, False, None)
    assert again.statement == (
        "This port already passed its initial connection acceptance tests on attempt 1 (results "
        f"delivered on {first['PSO-1'].delivered_on}, deemed accepted on "
        f"{first['PSO-1'].deemed_accepted_on} unless the customer rejected it before then). "
        f"It passed this initial connection retest too (results delivered on "
        f"{again.delivered_on}); the retest does not count as an attempt and states no new "
        "acceptance period (sections 1.4(b) and 1.4(c))."
    )
    failed = third["PSO-1"]
    assert (failed.attempt, failed.remedies_available) == (0, False)
    assert "tested with reason repair, which opens a repair cycle" in failed.statement
    assert runs.one("repair", "fail").attempt == 1  # the repair cycle starts at 1
    assert book.attempt_of("PSO-1", "initial") == 1


def test_the_first_recorded_run_may_be_a_repair(book: Ledger) -> None:
    """A port connected before the ledger existed: its first repair opens a repair cycle."""
    runs = Runs(book)
    first = runs.one("repair", "pass")
    assert first.attempt == 1
    assert first.deemed_accepted_on == first.delivered_on + timedelta(days=2)
    assert runs.one("initial", "pass").attempt == 0  # there is no initial connection any more


# ---------------------------------------------------------------- incomplete


def test_an_incomplete_run_counts_as_no_attempt(book: Ledger) -> None:
    runs = Runs(book)
    first = runs.one("initial", "incomplete")
    assert (first.attempt, first.deemed_accepted_on, first.remedies_available) == (0, None, False)
    assert first.statement == (
        "The initial connection tests of this port could not be completed (results delivered "
        f"on {first.delivered_on}): this run does not count as an attempt under section 1.4(b) "
        "and starts no acceptance period under section 1.4(c); the provider will retest."
    )
    assert book.attempt_of("PSO-1", "initial") == 0
    assert runs.one("initial", "fail").attempt == 1
    between = runs.one("initial", "incomplete")
    assert between.statement.endswith("Failed attempts so far in the initial connection cycle: 1.")
    assert runs.one("initial", "fail").attempt == 2
    assert runs.one("initial", "incomplete").attempt == 0
    assert runs.one("initial", "pass").attempt == 3
    rows = book.history(order="PSO-1")
    assert [r.attempt for r in rows] == [None, 1, None, 2, None, 3]
    assert [r.verdict for r in rows][:2] == ["incomplete", "fail"]


# ---------------------------------------------------------------- acceptance periods


def test_periods_new_ports_and_repaired_or_restored_ports(book: Ledger) -> None:
    runs = Runs(book, AcceptanceTerms(acceptance_days_new=7, acceptance_days_repair=3))
    new = runs.one("initial", "pass")
    repaired = runs.one("repair", "pass")
    restored = runs.one("restoration", "pass")
    assert new.deemed_accepted_on == new.delivered_on + timedelta(days=7)
    assert repaired.deemed_accepted_on == repaired.delivered_on + timedelta(days=3)
    assert restored.deemed_accepted_on == restored.delivered_on + timedelta(days=3)


def test_default_periods_are_five_and_two_days(book: Ledger) -> None:
    runs = Runs(book)
    assert runs.one("initial", "pass").deemed_accepted_on == date(2026, 11, 7)
    assert runs.one("repair", "pass").deemed_accepted_on == date(2026, 11, 5)


@pytest.mark.parametrize(
    ("finished", "reason", "delivered", "deemed"),
    [
        (datetime(2026, 1, 29, 17, 0, tzinfo=UTC), "initial", "2026-01-29", "2026-02-03"),
        (datetime(2026, 11, 29, 17, 0, tzinfo=UTC), "repair", "2026-11-29", "2026-12-01"),
        (datetime(2026, 12, 30, 23, 59, tzinfo=UTC), "initial", "2026-12-30", "2027-01-04"),
        (datetime(2028, 2, 27, 12, 0, tzinfo=UTC), "restoration", "2028-02-27", "2028-02-29"),
        (datetime(2027, 2, 27, 12, 0, tzinfo=UTC), "repair", "2027-02-27", "2027-03-01"),
        # the delivery date is the UTC date of the run's end: 23:30 in New York is tomorrow
        (
            datetime(2026, 4, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
            "initial",
            "2026-05-01",
            "2026-05-06",
        ),
    ],
)
def test_deemed_accepted_dates(
    book: Ledger, finished: datetime, reason: str, delivered: str, deemed: str
) -> None:
    result = book.record_run(
        "run-1",
        finished - timedelta(hours=3),
        finished,
        reason,
        "A. Technician",
        [("r1", "NYC1", "pass")],
        [PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "Acme", "pass")],
        TERMS,
    )["PSO-1"]
    assert (result.delivered_on.isoformat(), str(result.deemed_accepted_on)) == (delivered, deemed)
    label = certificates.REASON_TEXT[reason]
    assert result.statement == (
        f"Attempt 1 ({label}). Test results delivered on {delivered}; the port is deemed "
        f"accepted on {deemed} unless the customer rejects it before then (section 1.4(c))."
    )


# ---------------------------------------------------------------- remedies


@pytest.mark.parametrize(("threshold", "word"), [(1, "first"), (2, "second"), (3, "third")])
def test_remedies_are_stated_exactly_from_the_threshold_on(
    book: Ledger, threshold: int, word: str
) -> None:
    runs = Runs(book, AcceptanceTerms(attempts_before_remedies=threshold))
    failures = [runs.one("initial", "fail") for _ in range(threshold + 2)]
    for acceptance in failures:
        n = acceptance.attempt
        assert acceptance.remedies_available is (n >= threshold)
        assert (REMEDIES in acceptance.statement) is (n >= threshold)
        assert acceptance.deemed_accepted_on is None
        prefix = f"Attempt {n} (initial connection) failed; test results delivered on "
        assert acceptance.statement.startswith(prefix)
        if n < threshold:
            assert acceptance.statement.endswith("; the provider will retest (section 1.4(b)).")
        elif n == threshold:
            assert f". After this {word} failed attempt {REMEDIES}" in acceptance.statement
        else:
            assert f"As after every failed attempt from the {word} on, {REMEDIES}" in (
                acceptance.statement
            )
    passed = runs.one("initial", "pass")
    assert (passed.remedies_available, REMEDIES in passed.statement) == (False, False)


def test_the_brief_second_attempt_statement(book: Ledger) -> None:
    runs = Runs(book)
    runs.one("initial", "fail")
    assert runs.one("initial", "fail").statement == (
        "Attempt 2 (initial connection) failed; test results delivered on 2026-11-03. After this "
        f"second failed attempt {REMEDIES}"
    )


def test_remedies_restart_with_a_new_cycle(book: Ledger) -> None:
    runs = Runs(book)
    runs.one("initial", "fail")
    runs.one("initial", "fail")
    runs.one("initial", "pass")
    assert runs.one("repair", "fail").remedies_available is False
    assert runs.one("repair", "fail").remedies_available is True


def test_the_ordinal_beyond_ten() -> None:
    assert [rules._ordinal(n) for n in (2, 10, 11, 12, 13, 21, 22, 23, 101)] == [
        "second", "tenth", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
    ]  # fmt: skip


# ---------------------------------------------------------------- recording


def test_recording_the_same_run_again_returns_what_was_stored(book: Ledger) -> None:
    runs = Runs(book)
    first = runs.record("initial", {"PSO-1": "fail", "PSO-2": "pass"}, run_id="run-x")
    runs.count = 0
    again = runs.record("initial", {"PSO-1": "fail", "PSO-2": "pass"}, run_id="run-x")
    assert again == first
    assert [r.run_id for r in book.history(order="PSO-1")] == ["run-x"]
    assert book.attempt_of("PSO-1", "initial") == 1


def test_the_same_run_id_with_other_content_is_rejected(book: Ledger) -> None:
    runs = Runs(book)
    runs.record("initial", {"PSO-1": "fail"}, run_id="run-x")
    runs.count = 0
    with pytest.raises(DuplicateRunError, match=r"run run-x is already in the ledger .*ledger"):
        runs.record("initial", {"PSO-1": "pass"}, run_id="run-x")
    assert [r.verdict for r in book.history()] == ["fail"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"started": datetime(2026, 11, 2, 9, 0)}, "timezone-aware"),
        ({"finished": T0 - timedelta(seconds=1)}, "finished .* before it started"),
        ({"reason": "upgrade"}, "unknown reason 'upgrade'"),
        ({"devices": []}, "device r1 is not among the devices"),
        ({"devices": [("r1", "NYC1", "pass")] * 2}, "device r1 is listed twice"),
        ({"devices": [("r1", "NYC1", "good")]}, "device r1: unknown verdict 'good'"),
        ({"ports": [PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "A", "ok")]}, "unknown verdict"),
        (
            {"ports": [PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "A", "pass")] * 2},
            "order PSO-1 is listed twice",
        ),
        ({"terms": AcceptanceTerms(attempts_before_remedies=0)}, "attempts_before_remedies"),
        ({"terms": AcceptanceTerms(acceptance_days_repair=-1)}, "0 days or more"),
        ({"run_id": ""}, "run id is empty"),
    ],
)
def test_a_malformed_run_is_refused_and_nothing_is_recorded(
    book: Ledger, change: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {
        "run_id": "run-1",
        "started": T0,
        "finished": T0 + timedelta(hours=1),
        "reason": "initial",
        "technician": "A. Technician",
        "devices": [("r1", "NYC1", "pass")],
        "ports": [PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "Acme", "pass")],
        "terms": TERMS,
        **change,
    }
    with pytest.raises(LedgerError, match=message):
        book.record_run(**arguments)
    assert book.history() == []


def test_a_run_is_recorded_whole_or_not_at_all(
    book: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = rules._acceptance
    calls: list[str] = []

    def second_port_breaks(port: PortRecord, *args: Any) -> PortAcceptance:
        calls.append(port.order)
        if len(calls) == 2:
            raise RuntimeError("the disk went away")
        return real(port, *args)

    monkeypatch.setattr(store, "_acceptance", second_port_breaks)
    with pytest.raises(RuntimeError):
        Runs(book).record("initial", {"PSO-1": "fail", "PSO-2": "fail"})
    assert book.history() == []
    monkeypatch.setattr(store, "_acceptance", real)
    assert Runs(book).one("initial", "fail").attempt == 1


def test_verdict_enums_are_accepted(book: Ledger) -> None:
    result = book.record_run(
        "run-1",
        T0,
        T0 + timedelta(hours=1),
        "initial",
        "A. Technician",
        [("r1", "NYC1", Overall.FAIL)],
        [PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "Acme", Overall.FAIL)],
        TERMS,
    )
    assert result["PSO-1"].attempt == 1
    assert book.history()[0].verdict == "fail"


def test_the_reasons_are_the_certificates_reasons() -> None:
    assert ledger.REASONS == certificates.REASONS
    assert ledger.REASON_TEXT == certificates.REASON_TEXT


# ---------------------------------------------------------------- history


def _two_devices(book: Ledger) -> None:
    """Three runs, recorded out of time order; r2 has no ordered port."""

    def record(run_id: str, day: int, reason: str, ports: Sequence[PortRecord]) -> None:
        started = T0 + timedelta(days=day)
        book.record_run(
            run_id,
            started,
            started + timedelta(minutes=30),
            reason,
            f"tech-{run_id}",
            [("r1", "NYC1", "fail"), ("r2", "CHI1", "pass")],
            ports,
            TERMS,
        )

    record(
        "late",
        3,
        "initial",
        [
            PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "Acme", "pass"),
            PortRecord("PSO-2", "r1", "Gi0/2", "OC-3", "Beta", "fail"),
        ],
    )
    record(
        "early",
        1,
        "initial",
        [
            PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "Acme", "fail"),
            PortRecord("PSO-2", "r1", "Gi0/2", "OC-3", "Beta", "fail"),
        ],
    )


def test_history_is_in_time_order_and_filters_by_order(book: Ledger) -> None:
    _two_devices(book)
    rows = book.history(order="PSO-2")
    assert [(r.run_id, r.verdict, r.attempt) for r in rows] == [
        ("early", "fail", 2),  # attempts follow the order of recording, not of the runs' times
        ("late", "fail", 1),
    ]
    row = rows[0]
    assert (row.started, row.finished) == (
        T0 + timedelta(days=1),
        T0 + timedelta(days=1, minutes=30),
    )
    assert (row.reason, row.technician, row.device, row.site, row.interface) == (
        "initial",
        "tech-early",
        "r1",
        "NYC1",
        "Gi0/2",
    )
    assert (row.cycle_reason, row.remedies_available) == ("initial", True)
    # PSO-1 passed in the run recorded first: the earlier run's initial test no longer counts
    assert [(r.run_id, r.attempt) for r in book.history(order="PSO-1")] == [
        ("early", None),
        ("late", 1),
    ]
    assert book.history(order="PSO-9") == []


def test_history_filters_by_device_and_shows_devices_without_ports(book: Ledger) -> None:
    _two_devices(book)
    r1 = book.history(device="r1")
    assert [(r.run_id, r.order) for r in r1] == [
        ("early", "PSO-1"),
        ("early", "PSO-2"),
        ("late", "PSO-1"),
        ("late", "PSO-2"),
    ]
    r2 = book.history(device="r2")
    assert [(r.run_id, r.order, r.verdict, r.site, r.attempt) for r in r2] == [
        ("early", None, "pass", "CHI1", None),
        ("late", None, "pass", "CHI1", None),
    ]
    assert len(book.history()) == 6
    assert book.history(order="PSO-2", device="r2") == []


def test_history_rows_as_json(book: Ledger) -> None:
    Runs(book).one("initial", "pass")
    document = json.loads(json.dumps([row.to_json() for row in book.history()]))
    assert document == [
        {
            "run_id": "run-001",
            "started": "2026-11-02T09:00:00.000000Z",
            "finished": "2026-11-02T11:00:00.000000Z",
            "reason": "initial",
            "technician": "A. Technician",
            "device": "nyc-gsr-01",
            "site": "NYC1",
            "order": "PSO-1",
            "interface": "GigabitEthernet0/0",
            "verdict": "pass",
            "attempt": 1,
            "cycle_reason": "initial",
            "delivered_on": "2026-11-02",
            "deemed_accepted_on": "2026-11-07",
            "remedies_available": False,
            "diagnostic": False,
        }
    ]


def test_the_ledger_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as first:
        Runs(first).one("initial", "fail")
    with Ledger(path, create=False) as second:
        runs = Runs(second)
        runs.count = 1
        assert runs.one("initial", "fail").attempt == 2
        assert len(second.history()) == 2


# ---------------------------------------------------------------- concurrency


def _writer(path: str, name: str, start: Any) -> None:
    """In a child process: record 20 runs, each testing the same port, failing."""
    start.wait(60)  # both processes are ready: they create the ledger at the same moment
    with Ledger(Path(path)) as book:
        for n in range(20):
            time.sleep(0.005)  # let the other writer in between
            moment = T0 + timedelta(minutes=n)
            book.record_run(
                f"{name}-{n:02d}",
                moment,
                moment + timedelta(seconds=30),
                "initial",
                name,
                [("r1", "NYC1", "fail")],
                [PortRecord("PSO-1", "r1", "Gi0/1", "GigE", "Acme", "fail")],
                TERMS,
            )


def test_concurrent_writers_get_consecutive_unique_attempts(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"  # both processes create it at once, too
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    writers = [
        context.Process(target=_writer, args=(str(path), name, start)) for name in ("a", "b")
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(120)
    assert [p.exitcode for p in writers] == [0, 0]
    with Ledger(path) as book:
        rows = book.history(order="PSO-1")
        assert len(rows) == 40
        assert sorted(r.attempt or 0 for r in rows) == list(range(1, 41))
        by_run = {r.run_id: r.attempt or 0 for r in rows}
        for name in ("a", "b"):  # each writer's own runs got increasing attempts
            mine = [by_run[f"{name}-{n:02d}"] for n in range(20)]
            assert mine == sorted(mine)
        assert book.attempt_of("PSO-1", "initial") == 40


# ---------------------------------------------------------------- the file


def test_the_schema_version_table_and_wal_mode(book: Ledger) -> None:
    db = sqlite3.connect(book.path)
    try:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"schema_version", "runs", "devices", "port_results"} <= tables
    finally:
        db.close()


def test_a_file_that_is_not_sqlite_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is a certificate, not a database\n" * 200)
    with pytest.raises(LedgerError) as caught:
        Ledger(path)
    message = str(caught.value)
    assert str(path) in message
    assert "is not a usable netaccept ledger" in message
    assert "file is not a database" in message
    assert "move it aside" in message and "give the ledger's path" in message
    assert path.read_bytes().startswith(b"this is a certificate")  # left as it was


def test_a_damaged_ledger_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as book:
        Runs(book).one("initial", "fail")
    data = bytearray(path.read_bytes())
    data[:16] = b"\x00" * 16  # the SQLite header is gone
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerError, match=r"is not a usable netaccept ledger .*move it aside"):
        Ledger(path)


def test_another_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "inventory.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE devices (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(LedgerError, match=r"inventory.db is a SQLite database but not a netaccept"):
        Ledger(path)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["devices"]
    finally:
        db.close()


def test_a_ledger_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(LedgerError, match=rf"schema version {SCHEMA_VERSION + 1}"):
        Ledger(path)


def test_a_missing_ledger_is_created_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "ledger.sqlite"
    with pytest.raises(LedgerError, match=r"no ledger at .*ledger.sqlite: it is written by"):
        Ledger(path, create=False)
    assert not path.exists()
    Ledger(path).close()
    assert path.is_file()
    with pytest.raises(LedgerError, match="is a directory"):
        Ledger(tmp_path)


def test_a_ledger_locked_too_long_gives_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).close()
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        with Ledger(path) as book:
            other.execute("BEGIN IMMEDIATE")  # another process is writing, and does not finish
            with pytest.raises(LedgerError, match=r"stayed locked by another process .* retry"):
                Runs(book).one("initial", "fail")
            other.execute("ROLLBACK")
            assert Runs(book).one("initial", "fail").attempt == 1
    finally:
        other.close()
