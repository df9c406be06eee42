"""The acceptance ledger: every run, device and port result, and where each port stands.

Sections 1.4(b) and 1.4(c) of the agreement need memory across runs: a certificate says which
attempt a port's test is, when its results were delivered and when the port is deemed
accepted. This package keeps that memory in one SQLite file (by default
`reports/ledger.sqlite`, with its `-wal` and `-shm` companions while in use).

The package, by concern (every public name is importable from `netaccept.ledger`):

* `netaccept.ledger.rules`: the contract's rules (attempts, cycles, acceptance periods,
  remedies) and the statements they give a certificate;
* `netaccept.ledger.store`: `Ledger`, the SQLite file, its transactions and concurrency
  (waiting for another process's lock; a run recorded while its certificates are written);
* `netaccept.ledger.schema`: the tables, and how times and dates are stored in them;
* `netaccept.ledger.history`: the rows of every recorded run that `netaccept history` shows.
"""

from netaccept.ledger.history import AnswerRow, HistoryRow
from netaccept.ledger.rules import (
    ANSWERS,
    REASON_TEXT,
    REASONS,
    VERDICTS,
    AcceptanceTerms,
    PortAcceptance,
    PortRecord,
)
from netaccept.ledger.schema import SCHEMA_VERSION
from netaccept.ledger.store import (
    BUSY_TIMEOUT_S,
    DEFAULT_LEDGER,
    Baseline,
    DuplicateRunError,
    Ledger,
    LedgerError,
    PendingRun,
    Waiting,
)

__all__ = [
    "ANSWERS",
    "BUSY_TIMEOUT_S",
    "DEFAULT_LEDGER",
    "REASONS",
    "REASON_TEXT",
    "SCHEMA_VERSION",
    "VERDICTS",
    "AcceptanceTerms",
    "AnswerRow",
    "Baseline",
    "DuplicateRunError",
    "HistoryRow",
    "Ledger",
    "LedgerError",
    "PendingRun",
    "PortAcceptance",
    "PortRecord",
    "Waiting",
]
