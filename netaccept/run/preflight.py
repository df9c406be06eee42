"""Before any router is contacted: every path the run will write to, and the ledger.

A run that finds at its end that it cannot write its results has used every router's
session, and the technician's time, for nothing. So the reports directory, the recording
directory, the JUnit file and the ledger are each checked first: a directory must be (or
become) a directory this process can create a file in; the ledger must open as a netaccept
ledger, read in full (SQLite's quick check) and let its write lock be taken. A ledger
locked by another process is waited for, with a message (`LedgerWait`), and Ctrl-C stops
the wait. Each problem names the option, the path, what is wrong and what to do.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netaccept.ledger import Ledger, LedgerError
from netaccept.run.interrupt import StopRequest

NOT_CONTACTED = "nothing was tested: no router was contacted"


class PreflightError(Exception):
    """The run's outputs cannot all be written; the message lists each problem."""


@dataclass(frozen=True)
class Output:
    """A path the run writes to, and the option that named it (as the user spelt it)."""

    option: str
    path: Path


@dataclass(frozen=True)
class Outputs:
    """Everything a run writes: reports, and where given, a recording, JUnit and the ledger."""

    out: Output
    record: Output | None = None
    junitxml: Output | None = None
    ledger: Output | None = None  # None: a replay records nothing in the ledger


def check_outputs(outputs: Outputs, waiting: LedgerWait | None = None) -> None:
    """Raise PreflightError, listing every problem, unless the run can write all it must.

    Creates the directories that are missing and the ledger if it is new, as the run
    would; otherwise changes nothing.
    """
    problems = [directory_problem(outputs.out)]
    if outputs.record is not None:
        problems.append(directory_problem(outputs.record))
    if outputs.junitxml is not None:
        problems.append(file_problem(outputs.junitxml, "a JUnit XML file"))
    ledger = outputs.ledger
    if ledger is not None and not (problems[0] and ledger.path.parent == outputs.out.path):
        problems.append(ledger_problem(ledger, waiting))
    found = [problem for problem in problems if problem]
    if found:
        raise PreflightError("\n".join(found))


def directory_problem(output: Output) -> str | None:
    """What keeps the run from writing files in the directory `output` names (None: nothing)."""
    option, path = output.option, output.path
    if path.exists() and not path.is_dir():
        return (
            f"{option} {path} is a file, not a directory: give {option} a directory "
            "(netaccept creates it if it is missing)"
        )
    problem = _unwritable(path)
    if problem:
        return f"{option} {path}: {problem}: give {option} a directory you can write"
    return None


def file_problem(output: Output, what: str) -> str | None:
    """What keeps the run from writing the file `output` names (None: nothing)."""
    option, path = output.option, output.path
    if path.is_dir():
        return f"{option} {path} is a directory: give {option} a file name for {what}"
    problem = _unwritable(path.parent)
    if problem:
        return f"{option} {path}: {problem}: give {option} a file in a directory you can write"
    return None


def ledger_problem(output: Output, waiting: LedgerWait | None = None) -> str | None:
    """What keeps the run from recording its results in the ledger (None: nothing)."""
    option, path = output.option, output.path
    if path.is_dir():
        return (
            f"{option} {path} is a directory: give the ledger file's path "
            f"(e.g. {path / 'ledger.sqlite'})"
        )
    problem = _unwritable(path.parent)  # SQLite writes -wal and -shm files beside the ledger
    if problem:
        return (
            f"{option} {path}: {problem}: give {option} a file in a directory you can write "
            "(SQLite writes its -wal and -shm files beside it)"
        )
    try:
        with Ledger(path, waiting=waiting) as ledger:
            ledger.check_ready()
    except LedgerError as exc:
        return f"{option}: {exc}"
    return None


def _unwritable(directory: Path) -> str | None:
    """Why no file can be created in `directory`, created if missing (None: one can)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".netaccept-write-test-")
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and Path(exc.filename) != directory else ""
        return f"cannot write there: {exc.strerror or exc}{where}"
    return None


# ---------------------------------------------------------------- waiting for the ledger


class WaitStopped(Exception):
    """The run was asked to stop (Ctrl-C, SIGTERM) while it waited for the ledger."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class LedgerWait:
    """Says on the terminal that the run waits for a ledger another process has locked.

    Told by the ledger how long a wait has lasted (see `netaccept.ledger.store.Waiting`): it
    says so at once, and again every `every` seconds. With `stop`, a stop request (the run's
    Ctrl-C handler) made after this was created ends the wait with WaitStopped (a run
    interrupted earlier still waits to record what completed; a second Ctrl-C aborts it);
    without it, Ctrl-C raises KeyboardInterrupt between the ledger's short waits.
    """

    def __init__(
        self, path: Path, capman: Any, *, stop: StopRequest | None = None, every: float = 10.0
    ) -> None:
        self.path = path
        self._capman = capman
        self._stop = stop if stop is None or stop.reason is None else None
        self._every = every
        self._said: float | None = None

    def __call__(self, waited: float) -> None:
        if self._stop is not None and self._stop.reason is not None:
            raise WaitStopped(self._stop.reason)
        now = time.monotonic()
        if self._said is None:
            self._say(
                f"netaccept: waiting for the ledger {self.path}: it is locked by another "
                "process (another run recording its results?); Ctrl-C to stop"
            )
        elif now - self._said >= self._every:
            self._say(f"netaccept: still waiting for the ledger {self.path} ({waited:.0f} s)")
        else:
            return
        self._said = now

    def _say(self, line: str) -> None:
        with _terminal(self._capman):
            sys.stderr.write(line + "\n")
            sys.stderr.flush()


@contextlib.contextmanager
def _terminal(capman: Any) -> Iterator[None]:
    """The real terminal while pytest's capture is active (if it is)."""
    if capman is None:
        yield
        return
    with capman.global_and_fixture_disabled():
        yield
