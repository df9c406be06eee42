"""Verdicts: what a check decided about a device, and how decisions roll up.

A check starts undecided. Each thing it examines becomes a finding, met or not met;
the check's status is `fail` if any finding is not met, `pass` only if at least one
finding was recorded and all were met, and `error` when it could not decide at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"


class Overall(StrEnum):
    """A certificate's verdict: `pass` only when every applicable check passed."""

    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"


class Undecidable(Exception):
    """The check cannot decide: missing output, rejected command, parse failure, missing data."""


class CheckFailed(AssertionError):
    """Raised after a check body when one or more of its findings were not met."""


@dataclass(frozen=True)
class Finding:
    """One atomic observation: what was examined and whether it met the contract."""

    met: bool
    message: str
    subject: str | None = None  # the interface (or other object) the finding is about


@dataclass
class Verdict:
    """The findings of one check on one device, collected while the check runs."""

    check_id: str
    device: str
    findings: list[Finding] = field(default_factory=list)

    def ok(self, message: str, subject: str | None = None) -> None:
        """Record a finding that meets the contract (about `subject`, e.g. an interface)."""
        self.findings.append(Finding(True, message, subject))

    def fail(self, message: str, subject: str | None = None) -> None:
        """Record a finding that does not meet the contract."""
        self.findings.append(Finding(False, message, subject))

    def expect(self, condition: bool, ok: str, fail: str, subject: str | None = None) -> bool:
        """Record `ok` if `condition` holds, else `fail`; return `condition`."""
        (self.ok if condition else self.fail)(ok if condition else fail, subject)
        return condition

    @property
    def failures(self) -> list[str]:
        return [f.message for f in self.findings if not f.met]

    @property
    def decided(self) -> bool:
        return bool(self.findings)


def overall(statuses: Iterable[Status]) -> Overall:
    """Roll check statuses up to a certificate verdict.

    Anything undecided makes the certificate incomplete (it cannot certify what it did not
    test); otherwise any failure fails it. Skipped checks (not applicable per the
    inventory) do not count. No decided check at all is incomplete, never a pass.
    """
    counted = [s for s in statuses if s is not Status.SKIPPED]
    if not counted or Status.ERROR in counted:
        return Overall.INCOMPLETE
    if Status.FAIL in counted:
        return Overall.FAIL
    return Overall.PASS
