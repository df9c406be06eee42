"""`netaccept report merge`: the runs of several shards as one run index and one ledger.

Each shard (`netaccept run --shard i/n`, often one CI job each) writes a run directory with
its devices' certificates, and records its run in its ledger. Merging them:

- checks that they belong together: the same inventory, contract, reason and transport,
  and no device (and no run) twice;
- writes a new run directory with every device's directory copied as it is (certificates,
  signatures and evidence are untouched: each still names the shard run that made it) and
  one run.json and index.html over all of them, in the inventory's order, as one run over
  the whole inventory would have;
- copies each shard's run from the ledger beside it (`<reports>/ledger.sqlite`) into one
  ledger, row for row: the attempts and dates its certificates state stay true. A run
  already there with the same content is left alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from netaccept.inventory import Inventory, InventoryError, load_inventory
from netaccept.ledger import BUSY_TIMEOUT_S, Ledger, LedgerError
from netaccept.report.certificates import (
    Certificate,
    ContractOut,
    NotCompleted,
    RunInfo,
    reserve_run_dir,
    write_index,
)

RUN_SCHEMA = "netaccept.run/1"
LEDGER_NAME = "ledger.sqlite"


class MergeError(Exception):
    """The runs cannot be merged; the message names the run and says what to do."""


@dataclass(frozen=True)
class ShardRun:
    """One run directory to merge: its run.json and its devices' certificates."""

    directory: Path
    summary: dict[str, Any]
    certificates: tuple[Certificate, ...]

    @property
    def id(self) -> str:
        return str(self.summary["run"]["id"])

    @property
    def ledger(self) -> Path:
        return self.directory.parent / LEDGER_NAME


@dataclass(frozen=True)
class Merged:
    run_dir: Path
    index: Path
    ledger: Path | None
    runs: tuple[str, ...]
    devices: int


def run_directory(path: Path) -> Path:
    """`path` if it is a run directory; the one run directory inside it if it is a reports
    directory (a shard's --out)."""
    if (path / "run.json").is_file():
        return path
    if not path.is_dir():
        raise MergeError(f"{path}: no such directory")
    runs = sorted(p for p in path.iterdir() if (p / "run.json").is_file())
    if len(runs) == 1:
        return runs[0]
    if not runs:
        raise MergeError(f"{path}: neither a run directory (no run.json) nor a reports directory")
    raise MergeError(
        f"{path} holds {len(runs)} runs ({', '.join(p.name for p in runs)}): give the run "
        "directories to merge themselves"
    )


def load_run(path: Path) -> ShardRun:
    directory = run_directory(path)
    try:
        summary = json.loads((directory / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MergeError(f"{directory / 'run.json'}: cannot be read ({exc})") from None
    if not isinstance(summary, dict) or summary.get("schema") != RUN_SCHEMA:
        raise MergeError(f"{directory / 'run.json'}: not a netaccept run ({RUN_SCHEMA})")
    certificates = []
    for device in summary.get("devices", []):
        file = directory / device["certificate"]
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            data["schema_"] = data.pop("schema")
            certificates.append(Certificate.model_validate(data))
        except (OSError, ValueError, KeyError) as exc:
            raise MergeError(f"{file}: not a readable certificate ({exc})") from None
    return ShardRun(directory, summary, tuple(certificates))


def check_together(runs: Sequence[ShardRun], inventory: Inventory) -> None:
    """Every way the runs fail to be shares of one run, all at once."""
    problems: list[str] = []
    first = runs[0]
    for key in ("inventory", "reason", "transport"):
        values = {r.summary["run"][key] for r in runs}
        if len(values) > 1:
            listed = "; ".join(f"{r.directory}: {r.summary['run'][key]}" for r in runs)
            problems.append(f"the runs differ in {key} ({listed})")
    ids = [r.id for r in runs]
    problems += [f"run {i} is given twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    contract = ContractOut(**inventory.contract.model_dump())
    known = {d.name for d in inventory.devices}
    seen: dict[str, Path] = {}
    for run in runs:
        for cert in run.certificates:
            name = cert.device.name
            if name in seen and seen[name] != run.directory:
                problems.append(f"device {name} is in both {seen[name]} and {run.directory}")
            seen.setdefault(name, run.directory)
            if name not in known:
                problems.append(f"device {name} ({run.directory}) is not in {inventory.path}")
            if cert.contract != contract:
                problems.append(
                    f"{run.directory / name}: certified under another contract than "
                    f"{inventory.path} now states"
                )
    if problems:
        raise MergeError(
            f"cannot merge {len(runs)} run(s) starting with {first.directory}:\n- "
            + "\n- ".join(problems)
        )


def merge(
    paths: Sequence[Path],
    out: Path,
    *,
    ledger: Path | None = None,
    inventory: Path | None = None,
) -> Merged:
    """Merge the runs at `paths` into a new run directory under `out` and into `ledger`
    (default `out/ledger.sqlite`)."""
    if not paths:
        raise MergeError("nothing to merge: give the run directories of the shards")
    runs = [load_run(p) for p in paths]
    source = inventory or Path(runs[0].summary["run"]["inventory"])
    try:
        loaded = load_inventory(source)
    except InventoryError as exc:
        raise MergeError(
            f"the inventory the runs used cannot be read ({exc}); give it with --inventory FILE"
        ) from None
    check_together(runs, loaded)
    target = ledger or out / LEDGER_NAME
    recorded = _merge_ledgers(runs, target)

    order = {d.name: n for n, d in enumerate(loaded.devices)}
    certificates = sorted(
        (c for r in runs for c in r.certificates), key=lambda c: order[c.device.name]
    )
    not_completed = [
        NotCompleted(n["name"], n["site"], n["reason"])
        for r in runs
        for n in r.summary.get("not_completed", [])
    ]
    stops = sorted({str(r.summary["interrupted_by"]) for r in runs if r.summary.get("interrupted")})
    first = runs[0].summary["run"]
    started = min(_time(r.summary["run"]["started"]) for r in runs)
    info = RunInfo(
        id="",
        started=started,
        finished=max(_time(r.summary["run"]["finished"]) for r in runs),
        reason=first["reason"],
        technician=", ".join(dict.fromkeys(r.summary["run"]["technician"] for r in runs)),
        transport=first["transport"],
        inventory=loaded,
    )
    run_dir = reserve_run_dir(out, started)
    info = dataclasses.replace(info, id=run_dir.name)
    made_by = {c.device.name: r.directory for r in runs for c in r.certificates}
    for cert in certificates:
        name = cert.device.name
        shutil.copytree(made_by[name] / name, run_dir / name)
    index = write_index(
        run_dir,
        info,
        certificates,
        interrupted=", ".join(stops) or None,
        not_completed=not_completed,
        extra={
            "merged_from": [
                {"id": r.id, "directory": str(r.directory), "devices": len(r.certificates)}
                for r in runs
            ]
        },
    )
    return Merged(
        run_dir, index, target if recorded else None, tuple(r.id for r in runs), len(certificates)
    )


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------- the ledger

_RUN_COLUMNS = (
    "run_id, started, finished, delivered_on, reason, technician, acceptance_days_new, "
    "acceptance_days_repair, attempts_before_remedies, fingerprint, recorded"
)
_PORT_COLUMNS = (
    "run_id, order_id, device, interface, speed, customer, verdict, cycle, cycle_reason, "
    "attempt, delivered_on, deemed_accepted_on, remedies_available, statement"
)


def _merge_ledgers(runs: Sequence[ShardRun], target: Path) -> bool:
    """Copy each run's rows from the ledger beside it into `target`; False if none has any.

    A replay is no attempt and is in no ledger; a run recorded anywhere else must be found.
    """
    copies: list[tuple[str, tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]] = []
    for run in sorted(runs, key=lambda r: r.summary["run"]["started"]):
        if run.summary["run"]["transport"] == "replay":
            continue
        if not run.ledger.is_file():
            raise MergeError(
                f"{run.directory}: no ledger beside it ({run.ledger}); copy the shard's "
                f"{LEDGER_NAME} next to its run directory"
            )
        try:
            Ledger(run.ledger, create=False).close()  # a netaccept ledger of this version
            with contextlib.closing(sqlite3.connect(f"file:{run.ledger}?mode=ro", uri=True)) as db:
                row = db.execute(
                    f"SELECT {_RUN_COLUMNS} FROM runs WHERE run_id = ?", (run.id,)
                ).fetchone()
                devices = db.execute(
                    "SELECT run_id, device, site, verdict FROM devices WHERE run_id = ?",
                    (run.id,),
                ).fetchall()
                ports = db.execute(
                    f"SELECT {_PORT_COLUMNS} FROM port_results WHERE run_id = ? ORDER BY seq",
                    (run.id,),
                ).fetchall()
        except (LedgerError, sqlite3.Error) as exc:
            raise MergeError(f"{run.ledger}: {exc}") from None
        if row is None:
            raise MergeError(f"run {run.id} is not in the ledger beside it ({run.ledger})")
        copies.append((run.id, tuple(row), devices, ports))
    if not copies:
        return False
    try:
        Ledger(target).close()  # created, or checked to be a ledger of this version
        db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (LedgerError, sqlite3.Error) as exc:
        raise MergeError(f"{target}: {exc}") from None
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("BEGIN IMMEDIATE")
        for run_id, row, devices, ports in copies:
            known = db.execute(
                "SELECT fingerprint FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if known is not None:
                if known[0] != row[9]:
                    raise MergeError(
                        f"run {run_id} is already in {target} with other content; "
                        "a run is recorded once"
                    )
                continue  # this very run is there already (a shared ledger, a second merge)
            db.execute(f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES ({_marks(11)})", row)
            db.executemany(
                "INSERT INTO devices (run_id, device, site, verdict) VALUES (?, ?, ?, ?)",
                devices,
            )
            try:
                db.executemany(
                    f"INSERT INTO port_results ({_PORT_COLUMNS}) VALUES ({_marks(14)})", ports
                )
            except sqlite3.IntegrityError as exc:
                raise MergeError(
                    f"run {run_id}: its ports' attempts clash with what {target} already "
                    f"records ({exc}): the shards counted attempts against another history. "
                    "Run the shards with one shared --ledger, or merge into the ledger they "
                    "started from"
                ) from None
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    return True


def _marks(count: int) -> str:
    return ", ".join("?" * count)


__all__ = ["MergeError", "Merged", "ShardRun", "load_run", "merge", "run_directory"]
