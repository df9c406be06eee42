"""`netaccept report merge`: the runs of several shards as one run index and one ledger.

Each shard (`netaccept run --shard i/n`, often one CI job each) writes a run directory with
its devices' certificates, and records its run in its ledger. Merging them:

- checks that they belong together: the same inventory, contract, reason and transport,
  and no device (and no run) twice;
- checks that they are every shard of one sharded run, each once: each shard's run.json
  records `"shard": {"index": I, "count": N}` (`null` for a run without --shard). A shard
  missing is refused unless `allow_partial`, and so is a run whose run.json records no shard
  at all (an earlier netaccept's, which may have been any shard): the merged run is then
  marked partial (run.json, a banner in index.html) and lists the inventory's devices that
  are in none of the runs as not completed. Shards of different counts, a shard twice, and
  shards mixed with runs without --shard are always refused. Runs without --shard (each a
  whole run of its devices) merge as they always did;
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
import html
import json
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from netaccept.core.evidence import write_atomic
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
class RecordedShard:
    """What a run's run.json says it is: share `index` (from 1) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class ShardRun:
    """One run directory to merge: its run.json and its devices' certificates."""

    directory: Path
    summary: dict[str, Any]
    certificates: tuple[Certificate, ...]
    shard: RecordedShard | None = None

    @property
    def id(self) -> str:
        return str(self.summary["run"]["id"])

    @property
    def ledger(self) -> Path:
        return self.directory.parent / LEDGER_NAME

    @property
    def records_shard(self) -> bool:
        """Whether its run.json says if it is a shard (`null`: it is none); an earlier
        netaccept's does not."""
        return "shard" in self.summary


@dataclass(frozen=True)
class Completeness:
    """Which shards the merged runs are, and why the merged run is partial, if it is."""

    count: int | None  # the shards' N; None when no run is a shard
    merged: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()
    unrecorded: tuple[Path, ...] = ()  # runs whose run.json records no shard

    @property
    def reasons(self) -> list[str]:
        """Why the merged run is partial, one line each; none when it is complete."""
        return self._reasons(hints=False)

    def refusals(self) -> list[str]:
        """The same, with what to do: why the runs are not merged without --allow-partial."""
        return self._reasons(hints=True)

    def _reasons(self, *, hints: bool) -> list[str]:
        partial = "give --allow-partial to merge the others into a run marked partial"
        reasons = []
        if self.missing and self.count:
            them = "it" if len(self.missing) == 1 else "them"
            hint = f": merge {them} too, or {partial}" if hints else ""
            reasons.append(_missing(self.missing, self.count) + hint)
        for directory in self.unrecorded:
            hint = f": run it again, or {partial}" if hints else ""
            reasons.append(
                f"{directory}: its run.json records no shard (an earlier netaccept wrote it), "
                f"so whether every shard is here cannot be checked{hint}"
            )
        return reasons

    @property
    def partial(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        shards = None
        if self.count is not None:
            shards = {
                "count": self.count,
                "merged": list(self.merged),
                "missing": list(self.missing),
            }
        return {"partial": self.partial, "partial_reasons": self.reasons, "shards": shards}


@dataclass(frozen=True)
class Merged:
    run_dir: Path
    index: Path
    ledger: Path | None
    runs: tuple[str, ...]
    devices: int
    partial: bool = False


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
    return ShardRun(directory, summary, tuple(certificates), _recorded_shard(directory, summary))


def _recorded_shard(directory: Path, summary: dict[str, Any]) -> RecordedShard | None:
    value = summary.get("shard")
    if value is None:
        return None
    index = value.get("index") if isinstance(value, dict) else None
    count = value.get("count") if isinstance(value, dict) else None
    if not (type(index) is int and type(count) is int and 1 <= index <= count):
        raise MergeError(
            f"{directory / 'run.json'}: its shard {json.dumps(value)} is not an index from 1 "
            "to a count"
        )
    return RecordedShard(index, count)


def check_together(
    runs: Sequence[ShardRun], inventory: Inventory, *, allow_partial: bool = False
) -> Completeness:
    """Every way the runs fail to be shares of one run, all at once; else which shares they
    are (partial only with `allow_partial`)."""
    found, problems = completeness(runs)
    if not allow_partial:
        problems += found.refusals()
    problems += _run_problems(runs) + _device_problems(runs, inventory)
    if len(problems) == 1:
        raise MergeError(f"cannot merge {len(runs)} run(s): {problems[0]}")
    if problems:
        raise MergeError(
            f"cannot merge {len(runs)} run(s) starting with {runs[0].directory}:\n- "
            + "\n- ".join(problems)
        )
    return found


def completeness(runs: Sequence[ShardRun]) -> tuple[Completeness, list[str]]:
    """Which shards the runs are, and what keeps them from being the shards of one run."""
    unique = list({r.id: r for r in runs}.values())  # a run given twice: see _run_problems
    unrecorded = tuple(r.directory for r in unique if not r.records_shard)
    sharded = [(r.directory, r.shard) for r in unique if r.shard is not None]
    whole = [r.directory for r in unique if r.records_shard and r.shard is None]
    if not sharded:
        return Completeness(None, unrecorded=unrecorded), []
    if whole:
        listed = ", ".join(f"{d} is shard {s}" for d, s in sharded)
        return Completeness(None, unrecorded=unrecorded), [
            f"{', '.join(map(str, whole))} ran without --shard, but {listed}: merge the shards "
            "of one sharded run, or runs without --shard"
        ]
    counts = {s.count for _, s in sharded}
    if len(counts) > 1:
        listed = ", ".join(f"{d} is {s}" for d, s in sharded)
        return Completeness(None, unrecorded=unrecorded), [
            f"shards of different counts ({listed}): merge the shards of one sharded run"
        ]
    count = counts.pop()
    by_index: dict[int, list[Path]] = {}
    for directory, shard in sharded:
        by_index.setdefault(shard.index, []).append(directory)
    problems = [
        f"shard {index}/{count} is given {_times(len(dirs))}: {_and(map(str, dirs))}"
        for index, dirs in sorted(by_index.items())
        if len(dirs) > 1
    ]
    missing = tuple(i for i in range(1, count + 1) if i not in by_index)
    return Completeness(count, tuple(sorted(by_index)), missing, unrecorded), problems


def _missing(indexes: Sequence[int], count: int) -> str:
    if len(indexes) == 1:
        return f"shard {indexes[0]}/{count} is missing"
    return f"shards {_and(f'{i}/{count}' for i in indexes)} are missing"


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times"


def _and(items: Iterable[str]) -> str:
    listed = list(items)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"


def _run_problems(runs: Sequence[ShardRun]) -> list[str]:
    problems: list[str] = []
    for key in ("inventory", "reason", "transport"):
        values = {r.summary["run"][key] for r in runs}
        if len(values) > 1:
            listed = "; ".join(f"{r.directory}: {r.summary['run'][key]}" for r in runs)
            problems.append(f"the runs differ in {key} ({listed})")
    ids = [r.id for r in runs]
    problems += [f"run {i} is given twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return problems


def _device_problems(runs: Sequence[ShardRun], inventory: Inventory) -> list[str]:
    problems: list[str] = []
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
    return problems


def merge(
    paths: Sequence[Path],
    out: Path,
    *,
    ledger: Path | None = None,
    inventory: Path | None = None,
    allow_partial: bool = False,
) -> Merged:
    """Merge the runs at `paths` into a new run directory under `out` and into `ledger`
    (default `out/ledger.sqlite`); with `allow_partial`, even without every shard."""
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
    found = check_together(runs, loaded, allow_partial=allow_partial)
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
    lacking = _not_in_any(runs, loaded, found) if found.partial else []
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
        not_completed=[*not_completed, *lacking],
        extra={
            "shard": None,  # a merged run is no share of anything
            **found.to_json(),
            "merged_from": [
                {
                    "id": r.id,
                    "directory": str(r.directory),
                    "devices": len(r.certificates),
                    # as its run.json records it: an earlier netaccept's records nothing
                    **({"shard": r.shard and vars(r.shard)} if r.records_shard else {}),
                }
                for r in runs
            ],
        },
    )
    if found.partial:
        _add_partial_banner(index, found, lacking)
    return Merged(
        run_dir,
        index,
        target if recorded else None,
        tuple(r.id for r in runs),
        len(certificates),
        partial=found.partial,
    )


def _not_in_any(
    runs: Sequence[ShardRun], inventory: Inventory, found: Completeness
) -> list[NotCompleted]:
    """The inventory's devices in none of the runs of a partial merge: not tested here."""
    present = {c.device.name for r in runs for c in r.certificates}
    present |= {n["name"] for r in runs for n in r.summary.get("not_completed", [])}
    why = "; ".join(found.reasons)
    return [
        NotCompleted(
            d.name,
            d.site,
            f"{d.name}: not in this partial run ({why}): no certificate here; test it and merge "
            "every shard",
        )
        for d in inventory.devices
        if d.name not in present
    ]


def _add_partial_banner(index: Path, found: Completeness, lacking: Sequence[NotCompleted]) -> None:
    """A banner after the run's verdict in index.html: partial, why, and the devices it lacks."""
    page = index.read_text(encoding="utf-8")
    verdict = page.find('id="verdict"')
    end = page.find("</section>", verdict) if verdict >= 0 else -1
    at = end + len("</section>") if end >= 0 else page.index("<body>") + len("<body>")
    items = "".join(
        f'    <li data-device="{html.escape(n.name)}"><strong>{html.escape(n.name)}</strong> '
        f'<span class="muted">({html.escape(n.site)})</span></li>\n'
        for n in lacking
    )
    if lacking:
        lacks = (
            f"The {len(lacking)} device(s) below are in none of its runs and have no "
            "certificate here."
        )
    else:
        lacks = "Every device of the inventory is in one of its runs."
    banner = (
        '\n<section class="banner" id="run-partial" role="alert" data-partial="true" '
        'aria-labelledby="run-partial-title">\n'
        '  <p><strong id="run-partial-title">Partial run, merged with --allow-partial:'
        "</strong>\n"
        f"    {html.escape('; '.join(found.reasons))}. {lacks}</p>\n"
        + (f'  <ul id="not-in-run">\n{items}  </ul>\n' if lacking else "")
        + "</section>"
    )
    write_atomic(index, page[:at] + banner + page[at:])


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------- the ledger

_RUN_COLUMNS = (
    "run_id, started, finished, delivered_on, reason, technician, acceptance_days_new, "
    "acceptance_days_repair, attempts_before_remedies, fingerprint, recorded"
)
_PORT_COLUMNS = (
    "run_id, order_id, device, interface, speed, customer, verdict, cycle, cycle_reason, "
    "attempt, delivered_on, deemed_accepted_on, remedies_available, statement, diagnostic"
)


_Rows = list[tuple[Any, ...]]


def _merge_ledgers(runs: Sequence[ShardRun], target: Path) -> bool:
    """Copy each run's rows from the ledger beside it into `target`; False if none has any.

    A replay is no attempt and is in no ledger; a run recorded anywhere else must be found.
    """
    copies: list[tuple[str, tuple[Any, ...], _Rows, _Rows, _Rows]] = []
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
                baselines = db.execute(  # the facts a later repair is compared with
                    "SELECT run_id, device, snapshot FROM baselines WHERE run_id = ?", (run.id,)
                ).fetchall()
        except (LedgerError, sqlite3.Error) as exc:
            raise MergeError(f"{run.ledger}: {exc}") from None
        if row is None:
            raise MergeError(f"run {run.id} is not in the ledger beside it ({run.ledger})")
        copies.append((run.id, tuple(row), devices, ports, baselines))
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
        for run_id, row, devices, ports, baselines in copies:
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
                    f"INSERT INTO port_results ({_PORT_COLUMNS}) VALUES ({_marks(15)})", ports
                )
            except sqlite3.IntegrityError as exc:
                raise MergeError(
                    f"run {run_id}: its ports' attempts clash with what {target} already "
                    f"records ({exc}): the shards counted attempts against another history. "
                    "Run the shards with one shared --ledger, or merge into the ledger they "
                    "started from"
                ) from None
            db.executemany(
                "INSERT INTO baselines (run_id, device, snapshot) VALUES (?, ?, ?)", baselines
            )
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


__all__ = [
    "Completeness",
    "MergeError",
    "Merged",
    "RecordedShard",
    "ShardRun",
    "load_run",
    "merge",
    "run_directory",
]
