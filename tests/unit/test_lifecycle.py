"""The acceptance lifecycle of section 1.4 (issue 13), over a simulated timeline.

Only a full-scope test is an attempt; a diagnostic run never is. The customer may accept a
passed port, or reject it before the day it is deemed accepted, which reopens the cycle; with
no answer the port is deemed accepted on that day. The clock is injected, never slept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from netaccept.ledger import SCHEMA_VERSION, AcceptanceTerms, Ledger, LedgerError, PortRecord

TERMS = AcceptanceTerms()  # 5 days new, 2 days repair, remedies from the 2nd failed attempt
DAY0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ORDER = "PSO-1"


@pytest.fixture
def book(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "ledger.sqlite") as opened:
        yield opened


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


def run(
    book: Ledger, n: float, verdict: str, *, diagnostic: bool = False, reason: str = "initial"
) -> tuple[int, str]:
    """A run finished on day `n`: its attempt number (0: none) and its statement."""
    started = day(n)
    acceptance = book.record_run(
        f"run-day{n}-{'d' if diagnostic else 'f'}-{verdict}",
        started,
        started + timedelta(hours=1),
        reason,
        "A. Technician",
        [("nyc-gsr-01", "NYC1", verdict)],
        [PortRecord(ORDER, "nyc-gsr-01", "POS4/0", "OC-48", "Acme", verdict, diagnostic)],
        TERMS,
    )[ORDER]
    return acceptance.attempt, acceptance.statement


# ---------------------------------------------------------------- 1. only a full-scope test


def test_a_diagnostic_run_is_no_attempt_and_says_it_is_no_acceptance_test(book: Ledger) -> None:
    attempt, statement = run(book, 0, "pass", diagnostic=True)
    assert attempt == 0
    assert "diagnostic run" in statement and "not an acceptance test" in statement
    assert "no acceptance period" in statement
    assert book.standing(ORDER, day(30)) == "no acceptance test recorded yet"


def test_repeated_diagnostic_runs_never_push_a_port_towards_remedies(book: Ledger) -> None:
    assert run(book, 0, "fail")[0] == 1
    for n in range(1, 7):
        attempt, statement = run(book, n / 10, "fail", diagnostic=True)
        assert attempt == 0
        assert "1.4(b) remedies" not in statement and "customer may" not in statement
    assert run(book, 1, "fail")[0] == 2  # the next full-scope run is attempt 2, not 8


def test_a_diagnostic_run_neither_starts_nor_restarts_the_acceptance_period(book: Ledger) -> None:
    run(book, 0, "pass")
    run(book, 3, "pass", diagnostic=True)
    assert book.standing(ORDER, day(5)).startswith("deemed accepted on 2026-11-07")
    rows = book.history(order=ORDER)
    assert [(r.attempt, r.diagnostic, r.deemed_accepted_on) for r in rows] == [
        (1, False, day(5).date()),
        (None, True, None),
    ]


# ---------------------------------------------------------------- 2. the customer's answer


def test_a_rejection_inside_the_period_reopens_the_cycle(book: Ledger) -> None:
    run(book, 0, "pass")  # delivered 2026-11-02, deemed accepted on 2026-11-07
    standing = book.answer(ORDER, "reject", by="Acme NOC", reason="CRC errors", now=day(2))
    assert "rejected attempt 1 on 2026-11-04" in standing
    attempt, statement = run(book, 3, "pass")
    assert attempt == 2
    assert "deemed accepted on 2026-11-10" in statement
    assert book.standing(ORDER, day(7)).startswith("passed attempt 2")
    assert book.standing(ORDER, day(8)).startswith("deemed accepted on 2026-11-10")


def test_a_rejection_then_a_failure_brings_the_remedies(book: Ledger) -> None:
    run(book, 0, "pass")
    book.answer(ORDER, "reject", by="Acme NOC", reason="flapping", now=day(1))
    attempt, statement = run(book, 2, "fail")
    assert attempt == 2 and "1.4(b)" in statement and "customer may" in statement


def test_a_rejection_after_the_period_is_refused_with_the_day_it_ended(book: Ledger) -> None:
    run(book, 0, "pass")
    with pytest.raises(LedgerError, match="acceptance period ended on 2026-11-07"):
        book.answer(ORDER, "reject", by="Acme NOC", reason="late", now=day(5))
    assert book.answers(ORDER) == []
    assert run(book, 6, "pass")[0] == 0  # an initial retest of an accepted port: no attempt


def test_no_answer_means_deemed_accepted_at_the_periods_end(book: Ledger) -> None:
    run(book, 0, "pass")
    assert "may reject it until 2026-11-06" in book.standing(ORDER, day(4))
    assert book.standing(ORDER, day(5)).startswith("deemed accepted on 2026-11-07")


def test_an_explicit_acceptance_is_recorded_and_ends_the_answers(book: Ledger) -> None:
    run(book, 0, "pass")
    standing = book.answer(ORDER, "accept", by="J. Customer", now=day(1))
    assert standing.startswith("accepted by the customer on 2026-11-03")
    (answer,) = book.answers(ORDER)
    assert (answer.answer, answer.by, answer.attempt) == ("accept", "J. Customer", 1)
    with pytest.raises(LedgerError, match="already accepted on 2026-11-03"):
        book.answer(ORDER, "accept", by="J. Customer", now=day(2))
    with pytest.raises(LedgerError, match="already accepted"):
        book.answer(ORDER, "reject", by="J. Customer", reason="changed mind", now=day(2))


@pytest.mark.parametrize(
    ("setup", "answer", "reason", "message"),
    [
        ("none", "accept", "", "has no acceptance test"),
        ("fail", "accept", "", "failed its latest attempt"),
        ("diagnostic", "accept", "", "has no acceptance test"),
        ("pass", "reject", "", "needs its reason"),
        ("pass", "maybe", "", "unknown answer"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    book: Ledger, setup: str, answer: str, reason: str, message: str
) -> None:
    if setup in ("fail", "pass"):
        run(book, 0, setup)
    elif setup == "diagnostic":
        run(book, 0, "pass", diagnostic=True)
    with pytest.raises(LedgerError, match=message):
        book.answer(ORDER, answer, by="Acme", reason=reason, now=day(1))
    assert book.answers() == []


def test_an_answer_needs_a_timezone_and_a_name(book: Ledger) -> None:
    run(book, 0, "pass")
    with pytest.raises(LedgerError, match="timezone"):
        book.answer(ORDER, "accept", by="Acme", now=datetime(2026, 11, 3))
    with pytest.raises(LedgerError, match="--by"):
        book.answer(ORDER, "accept", by=" ", now=day(1))


# ---------------------------------------------------------------- the schema migrates


def test_a_version_1_ledger_is_migrated_in_place_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.execute("INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00.000000Z')")
    db.execute(
        "INSERT INTO runs VALUES (1, 'old-run', '2026-11-02T09:00:00.000000Z',"
        " '2026-11-02T10:00:00.000000Z', '2026-11-02', 'initial', 'T', 5, 2, 2, 'f',"
        " '2026-11-02T10:00:00.000000Z')"
    )
    db.execute("INSERT INTO devices VALUES ('old-run', 'nyc-gsr-01', 'NYC1', 'pass')")
    db.execute(
        "INSERT INTO port_results VALUES (1, 'old-run', 'PSO-1', 'nyc-gsr-01', 'POS4/0',"
        " 'OC-48', 'Acme', 'pass', 1, 'initial', 1, '2026-11-02', '2026-11-07', 0, 'ok')"
    )
    db.commit()
    db.close()
    with Ledger(path) as book:
        (row,) = book.history()
        assert (row.run_id, row.attempt, row.diagnostic) == ("old-run", 1, False)
        book.answer(ORDER, "reject", by="Acme", reason="noisy", now=day(1))
        assert run(book, 2, "pass")[0] == 2
    db = sqlite3.connect(path)
    versions = [v for (v,) in db.execute("SELECT version FROM schema_version ORDER BY 1")]
    db.close()
    assert versions == [1, SCHEMA_VERSION] == [1, 2]


V1_SCHEMA = (Path(__file__).parent / "ledger_v1.sql").read_text(encoding="utf-8")
