"""The contract's rules: which attempt a port's result is, its acceptance period, its remedies.

Sections 1.4(b) and 1.4(c) of the agreement need memory across runs: a certificate says which
attempt a port's test is, when its results were delivered and when the port is deemed
accepted. Given a port's latest counted attempt (which `netaccept.ledger.store` reads from the
ledger), the functions here decide where a new result counts (`_place`) and word what the
certificate states (`_acceptance`). Nothing here touches the database.

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
* **Diagnostic.** A run that does not decide every applicable Schedule 2 check of the port's
  device (`--check`, `-k`, `-m`, a check left out) is a diagnostic run: recorded, shown in
  the history, but it counts as no attempt, opens, continues and restarts no cycle and no
  acceptance period, and its statement says in words that it is not an acceptance test.
* **The customer's answer.** After a counted `pass` the customer may accept the port, or
  reject it before the day it would be deemed accepted (section 1.4(c)). A rejection
  reopens the cycle: the next counted run is the cycle's next attempt, as after a `fail`
  (section 1.4(b)). A rejection on or after that day is refused, naming the day the period
  ended. With no answer the port is deemed accepted on that day.
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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

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
    # The run did not decide every applicable check of the device: no acceptance test.
    diagnostic: bool = False


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
class _Counted:
    """The port's latest counted attempt."""

    cycle: int
    cycle_reason: str
    attempt: int
    verdict: str
    delivered_on: date
    deemed_accepted_on: date | None
    answer: str | None = None  # the customer's answer to this attempt: accept | reject
    answered: datetime | None = None

    @property
    def rejected(self) -> bool:
        """The customer rejected this pass: the cycle is open again (section 1.4(b))."""
        return self.answer == "reject"

    @property
    def open(self) -> bool:
        """Whether the cycle goes on: the attempt failed, or its pass was rejected."""
        return self.verdict == "fail" or self.rejected


@dataclass(frozen=True)
class _Placement:
    cycle: int | None
    cycle_reason: str | None
    attempt: int | None


def _place(
    last: _Counted | None, reason: str, verdict: str, diagnostic: bool = False
) -> _Placement:
    """Which cycle and attempt a result counts as; all None when it counts as no attempt."""
    if verdict == "incomplete" or diagnostic:
        return _Placement(None, None, None)
    if last is not None and last.open:  # an open cycle goes on, whatever the reason
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
    if port.diagnostic:
        return PortAcceptance(
            port.order, 0, delivered, None, False, _diagnostic_statement(run_text, delivered, last)
        )
    if placement.attempt is None or placement.cycle_reason is None:
        if port.verdict == "incomplete":
            statement = (
                f"The {run_text} tests of this port could not be completed (results delivered "
                f"on {delivered.isoformat()}): this run does not count as an attempt under "
                "section 1.4(b) and starts no acceptance period under section 1.4(c); the "
                "provider will retest."
            )
            if last is not None and last.open:
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


def _diagnostic_statement(run_text: str, delivered: date, last: _Counted | None) -> str:
    """What a diagnostic run's certificate states: no acceptance test, and where things stand."""
    statement = (
        f"This was a diagnostic run ({run_text}, results delivered on {delivered.isoformat()}), "
        "not an acceptance test: it did not decide every Schedule 2 check that applies to "
        "this port, so it counts as no attempt under section 1.4(b) and starts no acceptance "
        "period under section 1.4(c)."
    )
    if last is None:
        return statement + " No acceptance test of this port is recorded yet."
    if last.open:
        return statement + (
            f" The {REASON_TEXT[last.cycle_reason]} cycle is open after attempt {last.attempt}."
        )
    deemed = (
        f", deemed accepted on {last.deemed_accepted_on.isoformat()} unless the customer "
        "rejected it before then"
        if last.deemed_accepted_on is not None
        else ""
    )
    return statement + (
        f" The port passed its {REASON_TEXT[last.cycle_reason]} acceptance tests on attempt "
        f"{last.attempt} (results delivered on {last.delivered_on.isoformat()}{deemed})."
    )


def _ordinal(n: int) -> str:
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------- the customer's answer

ANSWERS: Final = ("accept", "reject")


def _answer_problem(order: str, last: _Counted | None, answer: str, now: datetime) -> str | None:
    """Why the customer's `answer` for `order` cannot be recorded at `now`; None when it can."""
    if last is None:
        return (
            f"order {order} has no acceptance test in the ledger: there is nothing to {answer} "
            "(a full-scope run that passes is)"
        )
    if last.verdict != "pass":
        return (
            f"order {order} failed its latest attempt ({last.attempt}, results delivered on "
            f"{last.delivered_on.isoformat()}): there is no passed test to {answer}; the "
            "provider retests first"
        )
    if last.answer is not None:
        when = last.answered.date().isoformat() if last.answered else "?"
        verb = "accepted" if last.answer == "accept" else "rejected"
        return f"order {order}: attempt {last.attempt} was already {verb} on {when}"
    deemed = last.deemed_accepted_on
    if deemed is not None and now.date() >= deemed:
        return (
            f"order {order}: the acceptance period ended on {deemed.isoformat()}, when the "
            f"port was deemed accepted (section 1.4(c)); it can no longer be {answer}ed"
            + ("" if answer == "reject" else " again")
        )
    return None


def _standing(last: _Counted | None, now: datetime) -> str:
    """Where the port stands at `now`, in one sentence."""
    if last is None:
        return "no acceptance test recorded yet"
    cycle = REASON_TEXT[last.cycle_reason]
    if last.verdict == "fail":
        return f"{cycle} cycle open: attempt {last.attempt} failed; the provider retests"
    if last.answer == "reject":
        when = last.answered.date().isoformat() if last.answered else "?"
        return (
            f"{cycle} cycle open: the customer rejected attempt {last.attempt} on {when}; the "
            f"next full-scope run is attempt {last.attempt + 1}"
        )
    if last.answer == "accept":
        when = last.answered.date().isoformat() if last.answered else "?"
        return f"accepted by the customer on {when} (attempt {last.attempt}, {cycle})"
    deemed = last.deemed_accepted_on
    if deemed is None:
        return f"passed attempt {last.attempt} ({cycle})"
    if now.date() >= deemed:
        return f"deemed accepted on {deemed.isoformat()} (attempt {last.attempt}, {cycle})"
    return (
        f"passed attempt {last.attempt} ({cycle}); the customer may reject it until "
        f"{(deemed - timedelta(days=1)).isoformat()}, else it is deemed accepted on "
        f"{deemed.isoformat()}"
    )
