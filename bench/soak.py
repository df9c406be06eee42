"""Soak: a lab fleet of 500 routers, 5% with a random fault, certified in one `netaccept run`.

    python -m bench.soak [--routers 500] [--fault-rate 0.05] [--seed 2026] [--workers 64]

The fleet clones the two healthy lab routers (IOS `nyc-gsr-01`, IOS-XR `nyc-gsr-02`) in
turn. A seeded random 5% of them carry one fault: every kind of the transport fault
matrix at least once (a `LabFault` of the lab, over real SSH), the others drawn half from
it, half from the check fault catalogue (`netaccept.lab.faults`, a recording that breaks
exactly one check). Then one run, and:

- every healthy router (and every merely slow one) is certified pass, every check;
- every router with a check fault fails exactly that check, naming the fault's object;
- every router with a transport fault is flagged: its checks that did not pass are `error`
  with the fault's reason (the connection-level ones: every check);
- every router of the fleet has its certificate: no session lost.

It prints the figures (wall time, routers/s, peak RSS of the run, failed sessions) and
exits 1 if any expectation is not met. Reproducible: the same seed, the same fleet.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import dns.reversename

from bench.fleet import ROOT, Fleet, make_fleet
from netaccept.core.catalogue import PlatformName
from netaccept.lab.dns import DnsRecord
from netaccept.lab.faults import BASE, CATALOGUE, Fault
from netaccept.lab.keys import generate_host_key_pair
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import FaultKind, LabCredentials, LabFault

# Short, so that a dead router costs seconds (the keys exist in the inventory's `timeouts`).
TIMEOUTS = {"connect": 3, "banner": 2, "auth": 5, "command": 3, "retry_delay": 0.3}

# Transport fault -> what its checks' messages say. `slow` (below the timeouts) is decided
# normally; the connection-level ones leave no check decided.
TRANSPORT: dict[FaultKind, str | None] = {
    "refuse": "connection refused",
    "blackhole": "no TCP connection within",
    "no_banner": "no SSH banner",
    "host_key_changed": "changed",
    "auth_fail": "authentication failed",
    "enable_wrong": "could not enter privileged mode",
    "disconnect_mid_output": "closed the connection during",
    "hang": "no longer answers",
    "prompt_change": "the prompt changed",
    "garbage": "holds binary noise",
    "truncated": "stops before the configuration's 'end'",
    "invalid_input": "% Invalid input",
    "slow": None,
}
CONNECTION_LEVEL = {
    "refuse",
    "blackhole",
    "no_banner",
    "host_key_changed",
    "auth_fail",
    "enable_wrong",
}
IOS_ONLY = {"enable_wrong"}  # IOS-XR logs straight into exec mode: no enable to refuse


@dataclass(frozen=True)
class Planted:
    """The fault one router carries: a transport kind or a check fault of the catalogue."""

    kind: FaultKind | Literal["check"]
    lab_fault: LabFault | None = None
    check_fault: Fault | None = None

    @property
    def label(self) -> str:
        return f"check:{self.check_fault.name}" if self.check_fault else self.kind


def plant(size: int, rate: float, seed: int) -> dict[int, Planted]:
    """Which routers carry which fault: seeded, so the same seed gives the same fleet.

    Every transport fault kind is planted at least once when there are enough faulty
    routers; the rest are drawn at random, half transport faults, half check faults.
    """
    rng = random.Random(seed)
    faulty = rng.sample(range(size), round(size * rate))
    unplanted = list(TRANSPORT)
    planted: dict[int, Planted] = {}
    for number in faulty:
        platform: PlatformName = "cisco_ios" if number % 2 == 0 else "cisco_xr"
        kinds = [k for k in TRANSPORT if platform == "cisco_ios" or k not in IOS_ONLY]
        first = [k for k in unplanted if k in kinds]
        if first or rng.random() < 0.5:
            kind = first[0] if first else rng.choice(kinds)
            if kind in unplanted:
                unplanted.remove(kind)
            params: dict[str, Any] = {}
            if kind == "garbage":
                params["seed"] = rng.randrange(1 << 16)
            if kind == "slow":
                params["latency"] = 0.3  # a tenth of timeouts.command
            if kind == "truncated":
                params["command"] = "show running-config"  # the output with a known last line
            if kind == "host_key_changed":
                params["after_connections"] = 0  # the pinned key is the previous one: build()
            planted[number] = Planted(kind, lab_fault=LabFault(kind, **params))
        else:
            choices = [f for f in CATALOGUE if f.platform == platform]
            planted[number] = Planted("check", check_fault=rng.choice(choices))
    return dict(sorted(planted.items()))


def build(directory: Path, size: int, rate: float, seed: int) -> tuple[Fleet, dict[str, Planted]]:
    """The fleet's recordings and lab specs, with the faults applied."""
    fleet = make_fleet(size, directory, only=tuple(BASE.values()))
    planted = plant(size, rate, seed)
    faults: dict[str, Planted] = {}
    devices = {d["name"]: d for d in fleet.document["devices"]}
    for number, fault in planted.items():
        router = fleet.routers[number]
        name = router.name
        faults[name] = fault
        if fault.lab_fault is not None:
            spec = dataclasses.replace(fleet.specs[number], fault=fault.lab_fault)
            if fault.kind == "host_key_changed":
                # The known_hosts file pins `previous`; the router now presents `current`.
                pair = generate_host_key_pair(directory, name)
                changed = dataclasses.replace(fault.lab_fault, previous_host_key_path=pair.previous)
                spec = dataclasses.replace(spec, host_key_path=pair.current, fault=changed)
            fleet.specs[number] = spec
            continue
        assert fault.check_fault is not None and router.base == BASE[fault.check_fault.platform]
        # The fault is written for the base's own outputs: apply it first, then give the
        # clone its own order ids, as the fleet does.
        source = json.loads((ROOT / "inventory" / "lab" / f"{router.base}.json").read_text())
        outputs = fault.check_fault.apply(source["outputs"])
        for port in devices[name].get("ports", []):
            order = str(port["order"])
            original = order.removesuffix(f"-{number:04d}")
            outputs = {c: o.replace(original, order) for c, o in outputs.items()}
        recording = {**source, "device": name, "outputs": outputs}
        router.recording.write_text(json.dumps(recording), encoding="utf-8")
        if fault.check_fault.loopback and fault.check_fault.ptr:
            reverse = dns.reversename.from_address(fault.check_fault.loopback).to_text()
            fleet.dns_records.append(DnsRecord(reverse, "PTR", fault.check_fault.ptr + "."))
    fleet.document["defaults"] = {**fleet.document["defaults"], "timeouts": TIMEOUTS}
    return fleet, faults


# ---------------------------------------------------------------- judging


def judge(name: str, cert: dict[str, Any] | None, fault: Planted | None) -> str | None:
    """What is wrong with this router's certificate, or None."""
    if cert is None:
        return "no certificate: its session was lost"
    checks = {c["id"]: c for c in cert["checks"]}
    statuses = {i: c["status"] for i, c in checks.items()}
    if fault is None or fault.kind == "slow":
        bad = {i: checks[i]["message"] for i, s in statuses.items() if s != "pass"}
        if bad or cert["verdict"] != "pass":
            return f"healthy but {cert['verdict']}: {bad}"
        return None
    if fault.check_fault is not None:
        broken = fault.check_fault
        expected = {i: "fail" if i == broken.check else "pass" for i in statuses}
        if statuses != expected:
            wrong = {i: (s, checks[i]["message"]) for i, s in statuses.items() if s != expected[i]}
            return f"{broken.name}: expected only {broken.check} to fail, got {wrong}"
        if broken.names not in checks[broken.check]["message"]:
            return f"{broken.name}: {broken.names!r} not in {checks[broken.check]['message']!r}"
        return None
    assert fault.lab_fault is not None
    phrase = TRANSPORT[fault.lab_fault.kind]
    assert phrase is not None
    errors = [i for i, s in statuses.items() if s == "error"]
    if cert["verdict"] == "pass" or not errors:
        return f"{fault.kind}: not flagged ({cert['verdict']})"
    for check_id, status in statuses.items():
        message = checks[check_id]["message"]
        if status == "pass" and fault.kind in CONNECTION_LEVEL:
            return f"{fault.kind}: {check_id} passed without a connection"
        if status == "fail":
            return f"{fault.kind}: {check_id} failed instead of error: {message}"
        if status == "error" and phrase not in message:
            return f"{fault.kind}: {check_id}: {phrase!r} not in {message!r}"
    return None


# ---------------------------------------------------------------- running


def run_netaccept(
    fleet: Fleet, credentials: LabCredentials, out: Path, known_hosts: Path
) -> tuple[int, float, float, str]:
    """One `netaccept run` on the whole fleet: (exit code, wall s, peak RSS MB, output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    env |= {
        "NETACCEPT_USERNAME": credentials.username,
        "NETACCEPT_PASSWORD": credentials.password,
        "NETACCEPT_SECRET": credentials.secret,
    }
    argv = [sys.executable, "-m", "netaccept", "run", "--inventory", str(fleet.inventory)]
    argv += ["--out", str(out), "--no-progress", "--host-key-policy", "strict"]
    argv += ["--known-hosts", str(known_hosts)]
    log = out.parent / "run.log"
    started = time.perf_counter()
    with log.open("wb") as output:
        proc = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    return code, wall, usage.ru_maxrss / 1024, log.read_text(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--routers", type=int, default=500)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=64, help="devices captured at once")
    parser.add_argument("--keep", metavar="DIR", help="work here and keep it (default: a temp)")
    args = parser.parse_args(argv)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="netaccept-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    fleet, faults = build(work, args.routers, args.fault_rate, args.seed)
    print(
        f"soak: {args.routers} routers, {len(faults)} with a fault (seed {args.seed}): "
        + ", ".join(
            f"{k} {n}" for k, n in sorted(Counter(f.kind for f in faults.values()).items())
        ),
        flush=True,
    )
    credentials = LabCredentials("soak", secrets.token_urlsafe(12), secrets.token_urlsafe(12))
    with LabProcess(fleet.specs, credentials, dns_records=fleet.dns_records) as lab:
        assert lab.dns_port is not None
        fleet.write(lab.ports, lab.dns_port, args.workers)
        known_hosts = lab.write_known_hosts(work / "known_hosts")
        out = work / "reports"
        code, wall, rss, output = run_netaccept(fleet, credentials, out, known_hosts)

    runs = [p for p in out.iterdir() if p.is_dir()] if out.is_dir() else []
    run_dir = runs[0] if len(runs) == 1 else None
    problems: list[str] = []
    if run_dir is None:
        problems.append(f"expected one run directory in {out}, found {runs}")
    if "Traceback" in output:
        problems.append("a traceback reached the console")
    lost = 0
    for router in fleet.routers:
        path = run_dir / router.name / "certificate.json" if run_dir else None
        cert = json.loads(path.read_text()) if path and path.is_file() else None
        lost += cert is None
        problem = judge(router.name, cert, faults.get(router.name))
        if problem:
            problems.append(f"{router.name} ({router.base}): {problem}")
    flagged = sum(1 for f in faults.values() if f.kind != "slow")
    healthy = args.routers - flagged
    expected_code = 6 if any(f.lab_fault and f.kind != "slow" for f in faults.values()) else 1
    if code != expected_code:
        problems.append(f"exit code {code}, expected {expected_code}")

    print(f"wall time        {wall:.1f} s (one `netaccept run`, lab already listening)")
    print(f"throughput       {args.routers / wall:.1f} routers/s")
    print(f"peak RSS         {rss:.0f} MB (the run's process)")
    print(f"routers          {healthy} healthy or slow, {flagged} with a fault that must show")
    print(f"failed sessions  {lost} lost (no certificate)")
    print(f"exit code        {code}")
    if problems:
        print(f"work directory   {work} (kept for inspection)")
        print(f"\nFAILED: {len(problems)} problems", file=sys.stderr)
        for problem in problems[:50]:
            print(f"  {problem}", file=sys.stderr)
        print(output[-4000:], file=sys.stderr)
        return 1
    print("OK: every healthy router pass, every fault flagged with its reason, nothing lost")
    if args.keep:
        print(f"work directory   {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
