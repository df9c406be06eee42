"""The ledger's SQLite schema, and how times and dates are stored in it.

Six tables: `schema_version` (the versions of this schema applied to the file, see
`SCHEMA_VERSION`), `runs` (one row per recorded run, with the terms it was recorded under
and a fingerprint of its content), `devices` (each run's devices and their verdicts),
`port_results` (each ordered port's result, with the cycle and attempt it counts as, or
none, whether the run was a diagnostic one, and the statement its certificate carries) and
`answers` (the customer's acceptance or rejection of a counted pass), `baselines` (the
facts a device showed in a full-scope run, kept to compare a later repair with). A UNIQUE constraint
on order, cycle and attempt keeps attempt numbers from repeating. A ledger of an older
version is migrated in place when it is opened (`MIGRATIONS`). Times are stored as
fixed-width UTC text (`_STAMP`), so that the text sorts as the time does; dates as
YYYY-MM-DD.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

from netaccept.ledger.rules import REASONS, VERDICTS

SCHEMA_VERSION: Final = 2
_STAMP: Final = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so the text sorts as the time does

# Version 2: the customer's answers (one per counted pass at most, kept with its time), and
# the facts of each device a full-scope run passed (masked like the evidence): the baseline a
# repair or restoration is compared with once the port is accepted.
_ANSWERS: Final = """
CREATE TABLE answers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    cycle INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('accept', 'reject')),
    answered TEXT NOT NULL,
    by TEXT NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (order_id, cycle, attempt),
    FOREIGN KEY (order_id, cycle, attempt) REFERENCES port_results (order_id, cycle, attempt)
);
CREATE INDEX answers_by_order ON answers (order_id, seq);
CREATE TABLE baselines (
    run_id TEXT NOT NULL,
    device TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (run_id, device),
    FOREIGN KEY (run_id, device) REFERENCES devices (run_id, device)
);
"""

# Version 1 to 2, in place: diagnostic runs, and the customer's answers.
MIGRATIONS: Final = {
    2: "ALTER TABLE port_results ADD COLUMN diagnostic INTEGER NOT NULL DEFAULT 0"
    " CHECK (diagnostic IN (0, 1));" + _ANSWERS,
}

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
    diagnostic INTEGER NOT NULL DEFAULT 0 CHECK (diagnostic IN (0, 1)),
    UNIQUE (run_id, order_id),
    UNIQUE (order_id, cycle, attempt),
    CHECK ((cycle IS NULL) = (attempt IS NULL) AND (cycle IS NULL) = (cycle_reason IS NULL)),
    FOREIGN KEY (run_id, device) REFERENCES devices (run_id, device)
);
CREATE INDEX port_results_by_order ON port_results (order_id, seq);
CREATE INDEX port_results_by_run ON port_results (run_id, device);
{_ANSWERS}"""


def _utc(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def _iso_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
