"""`make bench`: the acceptance suite over SSH against a simulated fleet, and its alternatives.

    python -m bench.run [--sizes 200,1000] [--latencies 0,300,gsr] [--quick] [--ladder]

For each latency (milliseconds every command takes, or `gsr`: each command what it takes
on a GSR 12000, see bench/fleet.gsr_seconds) and fleet size: generate N routers (the six
lab routers cloned, both platforms, every Schedule 2 command), serve them with the lab in
its own process, and measure, each client in its own process, one after another on the same fleet:

- floor: a minimal asyncssh client, every router at once (bench/clients.py);
- harness: `netaccept run` over SSH, the full suite with certificates, as a user runs it
  (a generated inventory with the lab's real ports), timed by phase (bench/probe.py);
- nornir: netmiko defaults, 20 threads, `send_command(..., use_textfsm=True)`, at 300 ms
  and on the GSR profile (there a 20-router subset, extrapolated to N);
- naive: netmiko defaults, one router after another, on a subset (extrapolated to N), at
  0 ms only.

Wall time, CPU time and peak RSS of each client process (os.wait4), the lab's CPU time
over the same interval (from /proc) and the CPU other processes used meanwhile. The
table goes to the terminal and into bench/RESULTS.md between its markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.fleet import GSR, Fleet, make_fleet
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
RAW = ROOT / "bench" / "results.json"  # the measurements behind RESULTS.md (--render)
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LADDER_BEGIN, LADDER_END = "<!-- ladder:begin -->", "<!-- ladder:end -->"
LADDER_WORKERS = 128  # the ladder's pool sizes are its own (see `ladder`)
TICK = os.sysconf("SC_CLK_TCK")
NAIVE_SUBSET = 6  # one router of each of the six lab routers
NORNIR_WORKERS = 20
NORNIR_SUBSET = 20  # on the GSR profile: one round of its 20 threads, then extrapolated
# What the fleet's faulty clones must fail (the lab's two faulty routers); all else passes.
EXPECTED_FAILURES = {
    "nyc-gsr-03": {"isis_neighbors", "ios_version", "loopback_dns"},
    "chi-gsr-02": {"bgp_neighbors", "flash"},
}


@dataclass
class Measure:
    """One client process on one fleet."""

    client: str
    wall: float
    cpu: float
    rss_mb: float
    lab_cpu: float
    other_cpu: float
    code: int
    routers: int
    ok: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Cell:
    """Everything measured for one (latency, size)."""

    latency: str  # milliseconds per command, or "gsr"
    size: int
    workers: int | None  # --workers, else the inventory's defaults
    commands: int
    measures: dict[str, Measure] = field(default_factory=dict)
    estimates: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- measuring


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine_busy() -> float:
    """CPU seconds all processes have used since boot (every core)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def _wait_quiet(max_wait: float, threshold: float = 0.3) -> float:
    """Wait (up to max_wait s) until other processes use < threshold of a core; their share."""
    deadline = time.monotonic() + max_wait
    while True:
        before = _machine_busy()
        time.sleep(0.5)
        share = (_machine_busy() - before) / 0.5
        if share < threshold or time.monotonic() > deadline:
            return share


def _run(
    client: str,
    argv: list[str],
    env: dict[str, str],
    lab_pid: int,
    log: Path,
    routers: int,
    max_wait: float,
    timeout: float = 1800,
) -> Measure:
    _wait_quiet(max_wait)
    lab0, busy0 = _proc_cpu(lab_pid), _machine_busy()
    spawned = time.time()
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.005)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    lab_cpu = _proc_cpu(lab_pid) - lab0
    other = max(0.0, _machine_busy() - busy0 - cpu - lab_cpu)
    measure = Measure(
        client, wall, cpu, usage.ru_maxrss / 1024, lab_cpu, other, proc.returncode, routers
    )
    measure.extra["spawned"], measure.extra["ended"] = spawned, spawned + wall
    return measure


def _env(credentials: LabCredentials, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETACCEPT_", "PYTEST_"))}
    env.update(
        NETACCEPT_USERNAME=credentials.username,
        NETACCEPT_PASSWORD=credentials.password,
        NETACCEPT_SECRET=credentials.secret,
        NETACCEPT_TECHNICIAN="bench",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
        COLUMNS="160",
        **extra,
    )
    return env


def _client_summary(log: Path) -> dict[str, Any]:
    for line in reversed(log.read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    return {}


def _harness_check(out: Path) -> tuple[bool, str, dict[str, int]]:
    """Did every router get certified, with exactly the verdicts the fleet was built for?"""
    runs = [p for p in out.iterdir() if p.is_dir()] if out.is_dir() else []
    if len(runs) != 1:
        return False, "no run directory", {}
    run = json.loads((runs[0] / "run.json").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    wrong = 0
    for device in run["devices"]:
        base = device["name"].rsplit("-", 1)[0]
        for check, status in device["checks"].items():
            counts[status] = counts.get(status, 0) + 1
            expected = "fail" if check in EXPECTED_FAILURES.get(base, ()) else "pass"
            wrong += status != expected
    note = f"{len(run['devices'])} certificates; " + ", ".join(
        f"{n} {s}" for s, n in sorted(counts.items())
    )
    if wrong:
        note += f"; {wrong} verdicts not as built"
    return wrong == 0, note, counts


def latency_label(latency: str) -> str:
    return "GSR profile" if latency == GSR else f"{latency} ms"


def _fleet_latency(latency: str) -> float | str:
    return GSR if latency == GSR else int(latency) / 1000


def measure_cell(
    latency: str,
    size: int,
    work: Path,
    args: argparse.Namespace,
    per_router: dict[str, float],
) -> Cell:
    """Measure every client on one fleet; `per_router` carries seconds per router of the
    alternatives not run on every size (filled in here, used for the estimates)."""
    credentials = LabCredentials(
        "bench", secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    )  # throw-away
    directory = work / f"l{latency}-n{size}"
    fleet = make_fleet(size, directory, _fleet_latency(latency))
    workers = args.workers
    print(f"\n== {latency_label(latency)}, N={size}: starting the lab", flush=True)
    with LabProcess(
        fleet.specs, credentials, dns_records=fleet.dns_records, ready_timeout=300
    ) as lab:
        assert lab.pid is not None and lab.dns_port is not None
        fleet.write(lab.ports, lab.dns_port, workers)
        lab.write_known_hosts(fleet.known_hosts)  # the harness verifies host keys strictly
        commands = sum(len(r.commands) for r in fleet.routers)
        cell = Cell(latency, size, workers, commands)
        runs = _clients(fleet, size, latency, args)
        for client, argv, extra_env, routers in runs:
            log = directory / f"{client}.log"
            env = _env(credentials, **extra_env)
            m = _run(client, argv, env, lab.pid, log, routers, args.max_wait)
            _judge(m, log, directory)
            cell.measures[client] = m
            print(_line(cell, m), flush=True)
        for name in ("nornir", "naive"):
            if name in cell.measures:
                m = cell.measures[name]
                per_router[name] = m.wall / m.routers
            subset = name in cell.measures and cell.measures[name].routers < size
            if name in per_router and (subset or name not in cell.measures):
                cell.estimates[name] = per_router[name] * size
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)
    return cell


def _clients(
    fleet: Fleet, size: int, latency: str, args: argparse.Namespace
) -> list[tuple[str, list[str], dict[str, str], int]]:
    python = sys.executable
    manifest = str(fleet.manifest)
    out = fleet.directory / "reports"
    host_keys = ["--host-key-policy", "strict", "--known-hosts", str(fleet.known_hosts)]
    runs: list[tuple[str, list[str], dict[str, str], int]] = [
        ("floor", [python, "-m", "bench.clients", "floor", "--manifest", manifest], {}, size),
        (
            "harness",
            [python, "-m", "netaccept", "run", "--inventory", str(fleet.inventory)]
            + ["--no-progress", "--out", str(out), *host_keys],
            {
                "PYTEST_PLUGINS": "bench.probe",
                "NETACCEPT_BENCH_TIMINGS": str(fleet.directory / "phases.json"),
            },
            size,
        ),
    ]
    if size in args.xdist_sizes and args.processes > 1 and latency == "0":
        # Scale out: the same run in pytest-xdist processes (netaccept.run.xdist); one run
        # at the end.
        argv = [python, "-m", "netaccept", "run", "--inventory", str(fleet.inventory)]
        argv += ["--no-progress", "--out", str(fleet.directory / "reports-xdist")]
        argv += [*host_keys, "--processes", str(args.processes)]
        runs.append(("xdist", argv, {}, size))
    # Nornir-style where its comparison is a target (at real latencies); at 0 ms it was 1.1-1.5x
    # the harness in every earlier run, and the minutes go to the N=1000 fleets instead.
    if size <= args.nornir_max and latency != "0":
        argv = [python, "-m", "bench.clients", "nornir", "--manifest", manifest]
        subset = min(NORNIR_SUBSET, size) if latency == GSR else size
        if subset < size:
            argv += ["--limit", str(subset)]
        runs.append(("nornir", argv, {}, subset))
    if size == min(args.sizes) and args.naive and latency == "0":
        subset = min(NAIVE_SUBSET, size)
        argv = [python, "-m", "bench.clients", "naive", "--manifest", manifest]
        runs.append(("naive", [*argv, "--limit", str(subset)], {}, subset))
    return runs


def _judge(m: Measure, log: Path, directory: Path) -> None:
    if m.client == "xdist":
        ok, note, counts = _harness_check(directory / "reports-xdist")
        m.extra["counts"] = counts
        m.ok, m.note = ok and m.code in (0, 1), note
        if m.code not in (0, 1):
            m.note += f"; exit code {m.code} (see {log})"
        return
    if m.client == "harness":
        ok, note, counts = _harness_check(directory / "reports")
        phases = directory / "phases.json"
        m.extra["phases"] = json.loads(phases.read_text()) if phases.exists() else {}
        m.extra["counts"] = counts
        m.ok, m.note = ok and m.code in (0, 1), note
        if m.code not in (0, 1):
            m.note += f"; exit code {m.code} (see {log})"
        return
    summary = _client_summary(log)
    m.extra.update(summary)
    m.ok = m.code == 0 and summary.get("failed", 1) == 0 and summary.get("mismatched", 1) == 0
    parts = [f"{summary.get('ok', 0)}/{summary.get('routers', m.routers)} sessions"]
    if summary.get("failed"):
        parts.append(f"{summary['failed']} failed: {summary.get('errors')}")
    if summary.get("mismatched"):
        parts.append(f"{summary['mismatched']} outputs differ from the recordings")
    if summary.get("parse_errors"):
        parts.append(f"{summary['parse_errors']} TextFSMError from ntc's index, caught")
    m.note = "; ".join(parts)


# ---------------------------------------------------------------- reporting


def _cell_from(data: dict[str, Any]) -> Cell:
    measures = {k: Measure(**v) for k, v in data.pop("measures").items()}
    return Cell(**data, measures=measures)


def _line(cell: Cell, m: Measure) -> str:
    return (
        f"  {m.client:8s} wall {m.wall:7.2f} s  cpu {m.cpu:7.2f} s  rss {m.rss_mb:6.0f} MB  "
        f"lab {m.lab_cpu / m.wall:4.0%} of a core  others {m.other_cpu:5.2f} s  {m.note}"
    )


def _sessions(m: Measure) -> float:
    """Seconds spent on the SSH sessions themselves, without the interpreter's start."""
    if m.client == "harness":
        return _phases(m)["capture"]
    return float(m.extra.get("elapsed", m.wall))


def _rss_after(m: Measure, phase: str) -> float:
    return float(m.extra.get("phases", {}).get(phase, {}).get("peak_rss_mb", 0.0))


def _phases(m: Measure) -> dict[str, float]:
    """Wall seconds per phase of the harness (the probe's phases nest; the capture overlaps
    the decisions: `tail` is what the decisions took after the last device was captured)."""
    raw = dict(m.extra.get("phases", {}))
    marks = raw.pop("marks", {})
    wall = {k: float(v["wall"]) for k, v in raw.items()}
    collection, starting = wall.get("collection", 0.0), wall.get("start_capture", 0.0)
    finish, summary = wall.get("finish", 0.0), wall.get("summary", 0.0)
    tests = wall.get("tests", 0.0)
    capture = tail = 0.0
    if "capture_start" in marks and "capture_end" in marks:
        capture = marks["capture_end"] - marks["capture_start"]
        tail = max(0.0, marks.get("tests_end", marks["capture_end"]) - marks["capture_end"])
    phases = {
        "collection": collection - starting,
        "start_capture": starting,
        "capture": capture,
        "tests": tests,
        "tail": tail,
        "finish": finish - summary,
        "summary": summary,
    }
    if marks and "spawned" in m.extra:
        # the interpreter, imports, the CLI's own inventory check, pytest's start
        phases["start"] = marks["configure"] - m.extra["spawned"]
        phases["configure"] = marks["configured"] - marks["configure"]  # loads the inventory
        phases["exit"] = m.extra["ended"] - marks["unconfigure"]  # freeing it all
    else:
        phases["start"] = m.wall - collection - tests - finish
        phases["configure"] = phases["exit"] = 0.0
    return phases


def _cpu_per_router_ms(m: Measure) -> float:
    return 1000 * m.cpu / m.routers


_LABELS = {
    "floor": "raw floor (asyncssh, every router at once)",
    "harness": "**harness** (`netaccept run`)",
    "xdist": "harness, {processes} processes (`--processes {processes}`)",
    "nornir": f"Nornir-style ({NORNIR_WORKERS} threads, textfsm)",
    "naive": "naive sequential",
}


def _client_rows(cell: Cell, args: Any) -> list[str]:
    rows: list[str] = []
    floor, harness = cell.measures.get("floor"), cell.measures.get("harness")
    where = f"| {latency_label(cell.latency)} | {cell.size}"
    for name in ("floor", "harness", "xdist", "nornir", "naive"):
        m = cell.measures.get(name)
        label = _LABELS[name].format(processes=args.processes)
        if name in ("harness", "xdist") and cell.workers:
            label += f", {cell.workers} workers"
        est = cell.estimates.get(name)
        if m is None:
            if est and harness:
                rows.append(
                    f"{where} | {label} | ~{est:.0f} (est.) | | | | | | | "
                    f"~{est / harness.wall:.0f}x harness | not run: {_estimate_note(name)} |"
                )
            continue
        subset = m.routers < cell.size
        if subset:
            label += f" ({m.routers}-router subset)"
        ratio = ""
        if name in ("harness", "xdist") and floor:
            ratio = f"{m.wall / floor.wall:.2f}x floor"
        elif name != "floor" and harness and not subset:
            ratio = f"{m.wall / harness.wall:.1f}x harness"
        rows.append(
            f"{where} | {label} | {m.wall:.2f} "
            f"| {'' if name == 'xdist' else f'{_sessions(m):.2f}'} | {m.cpu:.2f} "
            f"| {_cpu_per_router_ms(m):.0f} | {m.rss_mb:.0f} | {m.lab_cpu / m.wall:.0%} "
            f"| {m.other_cpu:.1f} | {ratio} | {'ok' if m.ok else '**FAILED**'}: {m.note} |"
        )
        if subset and est and harness:
            rows.append(
                f"{where} | {_LABELS[name].format(processes=args.processes)}, extrapolated to "
                f"N={cell.size} | ~{est:.0f} (est.) | | | | | | | ~{est / harness.wall:.1f}x "
                f"harness | {m.wall / m.routers:.2f} s per router x {cell.size} |"
            )
    return rows


def render(cells: Sequence[Cell], started: datetime, elapsed: float, args: Any) -> str:
    rows = [
        "| latency | N | client | wall s | sessions s | CPU s | CPU ms per router | peak RSS MB "
        "| lab CPU % of wall | others' CPU s | ratio | outcome |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        rows += _client_rows(cell, args)
    phases = [
        "| latency | N | wall s | start | configure | collection | capture (SSH, in the "
        "background) | capture vs floor | tests (decided as captured) | decisions after the "
        "last capture | finish (certificates) | summary | exit | peak RSS MB at the end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        h, floor = cell.measures.get("harness"), cell.measures.get("floor")
        if h is None or not h.extra.get("phases"):
            continue
        p = _phases(h)
        vs = f"{p['capture'] / _sessions(floor):.2f}x" if floor and p["capture"] else ""
        phases.append(
            f"| {latency_label(cell.latency)} | {cell.size} | {h.wall:.2f} | {p['start']:.2f} "
            f"| {p['configure']:.2f} | {p['collection'] + p['start_capture']:.2f} "
            f"| {p['capture']:.2f} | {vs} | {p['tests']:.2f} | {p['tail']:.2f} "
            f"| {p['finish']:.2f} | {p['summary']:.2f} | {p['exit']:.2f} | {h.rss_mb:.0f} |"
        )
    return "\n".join(
        [
            BEGIN,
            f"Measured {started:%Y-%m-%d %H:%M} UTC by `python -m bench.run "
            f"{' '.join(args.argv)}` in {elapsed / 60:.1f} min on: {machine()}.",
            "",
            *rows,
            "",
            "The harness's phases, wall seconds: `start` is the interpreter, the imports, the "
            "CLI's inventory check and pytest's start; `configure` the netaccept plugin loading "
            "the inventory; `collection` includes planning the commands and starting the "
            "capture; the capture runs in the background while `tests` decides each device as "
            "soon as it is captured; `exit` from pytest's end to the process's:",
            "",
            *phases,
            "",
            *targets(cells, elapsed),
            END,
        ]
    )


def _estimate_note(name: str) -> str:
    return {
        "nornir": "over the time budget; the largest fleet's time per router x N",
        "naive": f"the {NAIVE_SUBSET}-router subset's time per router x N",
    }[name]


def targets(cells: Sequence[Cell], elapsed: float) -> list[str]:
    """The issue's targets, each with the measured figure; never rounded into a pass."""

    def find(latency: str, size: int) -> Cell | None:
        return next((c for c in cells if c.latency == latency and c.size == size), None)

    lines = ["Targets:", ""]

    def add(text: str, met: bool | None) -> None:
        mark = "n/a" if met is None else ("met" if met else "**not met**")
        lines.append(f"- {text}: {mark}")

    for latency, size, limit in (("300", 1000, 2.0), ("0", 200, 3.0), (GSR, 1000, 2.0)):
        cell = find(latency, size)
        if cell and "harness" in cell.measures and "floor" in cell.measures:
            h, f = cell.measures["harness"], cell.measures["floor"]
            add(
                f"N={size}, {latency_label(latency)}: harness wall <= {limit}x the floor: "
                f"{h.wall:.2f} s vs {f.wall:.2f} s = {h.wall / f.wall:.2f}x",
                h.wall <= limit * f.wall,
            )
    for cell in cells:
        harness = cell.measures.get("harness")
        if cell.size != 1000 or harness is None:
            continue
        h = harness
        failed = h.extra.get("counts", {}).get("error", 0)
        add(
            f"N=1000, {latency_label(cell.latency)}: harness CPU per router "
            f"{_cpu_per_router_ms(h):.0f} ms <= 40 ms",
            _cpu_per_router_ms(h) <= 40,
        )
        add(
            f"N=1000, {latency_label(cell.latency)}: peak RSS {h.rss_mb:.0f} MB <= 400 MB, "
            f"failed sessions {failed}, every verdict as built: {h.ok}",
            h.rss_mb <= 400 and failed == 0 and h.ok,
        )
    cell = find("300", 200)
    if cell and "harness" in cell.measures and "nornir" in cell.measures:
        nornir, h = cell.measures["nornir"], cell.measures["harness"]
        ratio = nornir.wall / h.wall
        add(f"N=200, 300 ms: Nornir-style >= 5x slower than the harness: {ratio:.1f}x", ratio >= 5)
    add(f"the benchmark ran in {elapsed / 60:.1f} min (< 10)", elapsed < 600)
    return lines


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    versions = ", ".join(f"{p} {version(p)}" for p in ("netmiko", "paramiko", "asyncssh"))
    return (
        f"{os.cpu_count()} x {model}, {memory:.0f} GiB RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}, {versions}"
    )


def write_results(text: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the text between `begin` and `end` in RESULTS.md (append it if missing)."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        current = head + text + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    RESULTS.write_text(current, encoding="utf-8")


# ---------------------------------------------------------------- the ladder


def ladder(work: Path, args: argparse.Namespace) -> str:
    """The capture phase at N=200 with each tuning step, and with several pool sizes."""
    started = datetime.now(UTC)
    lines = [
        LADDER_BEGIN,
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `python -m bench.run "
        f"{' '.join(args.argv)}` on: {machine()}; the median of {args.repeat} run(s) each.",
        "",
        "| latency | transport | workers | capture wall s | capture CPU s | lab CPU s "
        "| others' CPU s | outcome |",
        "|---|---|---|---|---|---|---|---|",
    ]
    steps = [(r, 32) for r in ("before", "nodelay", "cmd_verify_off", "evented_reads", "tuned")]
    steps += [("tuned", w) for w in (8, 128, 200)]
    for latency_ms in [int(v) for v in args.latencies if v != GSR]:
        directory = work / f"ladder-l{latency_ms}"
        fleet = make_fleet(200, directory, latency_ms / 1000)
        credentials = LabCredentials("bench", secrets.token_urlsafe(12), secrets.token_urlsafe(12))
        with LabProcess(fleet.specs, credentials, dns_records=fleet.dns_records) as lab:
            assert lab.pid is not None and lab.dns_port is not None
            fleet.write(lab.ports, lab.dns_port, 32)
            for rung, workers in steps:
                argv = [sys.executable, "-m", "bench.ladder", "--rung", rung]
                argv += ["--workers", str(workers), "--inventory", str(fleet.inventory)]
                argv += ["--manifest", str(fleet.manifest)]
                log = directory / f"{rung}-{workers}.log"
                tries = []
                for _ in range(args.repeat):
                    m = _run(rung, argv, _env(credentials), lab.pid, log, 200, args.max_wait)
                    result = _client_summary(log)
                    ok = m.code == 0 and result.get("failed") == 0
                    tries.append((float(result.get("capture_wall", 0)), m, result, ok))
                tries.sort(key=lambda t: t[0])
                _wall, m, result, ok = tries[len(tries) // 2]  # the median run
                spread = f" (of {tries[0][0]:.2f}-{tries[-1][0]:.2f})" if len(tries) > 1 else ""
                lines.append(
                    f"| {latency_ms} ms | {rung} | {workers} "
                    f"| {result.get('capture_wall', 0):.2f}{spread} "
                    f"| {result.get('capture_cpu', 0):.2f} | {m.lab_cpu:.2f} | {m.other_cpu:.1f} "
                    f"| {'ok' if all(t[3] for t in tries) else '**FAILED**'}: "
                    f"{result.get('evidence', 0)} outputs |"
                )
                print(lines[-1], flush=True)
            for client in ("paramiko", "floor"):  # the limits, for reference
                argv = [sys.executable, "-m", "bench.clients", client]
                argv += ["--manifest", str(fleet.manifest)]
                log = directory / f"{client}.log"
                m = _run(client, argv, _env(credentials), lab.pid, log, 200, args.max_wait)
                result = _client_summary(log)
                ok = m.code == 0 and result.get("failed") == 0
                label = {
                    "paramiko": "raw paramiko, no netmiko (reference)",
                    "floor": "raw floor, asyncssh (reference)",
                }[client]
                workers_text = str(LADDER_WORKERS) if client == "paramiko" else "all"
                lines.append(
                    f"| {latency_ms} ms | {label} | {workers_text} "
                    f"| {result.get('elapsed', 0):.2f} | {m.cpu:.2f} (process) | {m.lab_cpu:.2f} "
                    f"| {m.other_cpu:.1f} | {'ok' if ok else '**FAILED**'}: "
                    f"{result.get('commands', 0)} outputs |"
                )
                print(lines[-1], flush=True)
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return "\n".join([*lines, LADDER_END])


# ---------------------------------------------------------------- main


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip()]


def _latencies(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    for value in values:
        if value != GSR and not value.isdigit():
            raise argparse.ArgumentTypeError(f"{value!r}: milliseconds, or {GSR}")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", type=_ints, default=[200, 1000], help="fleet sizes")
    parser.add_argument(
        "--latencies",
        type=_latencies,
        default=["0", "300", GSR],
        help="ms per command, or gsr: each command what it takes on a GSR (default 0,300,gsr)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="N=20 and 200 at 0 and 300 ms only; no N=1000"
    )
    parser.add_argument(
        "--workers", type=int, help="the harness's settings.workers (default: the inventory's)"
    )
    parser.add_argument(
        "--nornir-max", type=int, default=200, help="largest N to run Nornir-style on"
    )
    parser.add_argument("--no-naive", dest="naive", action="store_false")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="also the harness in N xdist processes at 0 ms (default 1: not; on two cores it "
        "was 0.8-1.2x one process in every earlier run)",
    )
    parser.add_argument(
        "--xdist-sizes",
        type=_ints,
        default=[200],
        help="fleet sizes to run the xdist harness on (default 200: N=1000 costs 6 minutes)",
    )
    parser.add_argument(
        "--ladder", action="store_true", help="also the tuning ladder (capture only, N=200)"
    )
    parser.add_argument("--ladder-only", action="store_true", help="only the tuning ladder")
    parser.add_argument(
        "--repeat", type=int, default=1, help="ladder: runs per step, the median is shown"
    )
    parser.add_argument(
        "--max-wait", type=float, default=5.0, help="seconds to wait for a quiet machine"
    )
    parser.add_argument("--keep", action="store_true", help="keep the fleets and reports")
    parser.add_argument("--no-write", dest="write", action="store_false", help="no RESULTS.md")
    parser.add_argument(
        "--render", action="store_true", help=f"only re-render RESULTS.md from {RAW.name}"
    )
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    if args.quick:
        args.sizes, args.latencies = [20, 200], ["0", "300"]
    if args.render:
        saved = json.loads(RAW.read_text(encoding="utf-8"))
        loaded = [_cell_from(c) for c in saved["cells"]]
        args.argv = saved["argv"]
        text = render(loaded, datetime.fromisoformat(saved["started"]), saved["elapsed"], args)
        if args.write:
            write_results(text)
        print(text)
        return 0
    started, clock = datetime.now(UTC), time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="netaccept-bench-"))
    print(f"netaccept bench: {machine()}\nwork directory {work}", flush=True)
    cells: list[Cell] = []
    ladder_table = ""
    try:
        if not args.ladder_only:
            for latency in args.latencies:
                per_router: dict[str, float] = {}
                for size in sorted(args.sizes):
                    cells.append(measure_cell(latency, size, work, args, per_router))
        if args.ladder or args.ladder_only:
            ladder_table = ladder(work, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - clock
    if cells:
        text = render(cells, started, elapsed, args)
        print("\n" + text)
        if args.write:
            write_results(text)
            raw = {
                "started": started.isoformat(),
                "elapsed": elapsed,
                "argv": args.argv,
                "cells": [asdict(c) for c in cells],
            }
            RAW.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    if ladder_table:
        print("\n" + ladder_table)
        if args.write:
            write_results(ladder_table, LADDER_BEGIN, LADDER_END)
    if args.write:
        print(f"\nwritten to {RESULTS}")
    failed = [m for c in cells for m in c.measures.values() if not m.ok]
    return 1 if failed or "FAILED" in ladder_table else 0


if __name__ == "__main__":
    sys.exit(main())
