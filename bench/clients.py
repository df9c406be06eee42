"""The alternatives the harness is measured against, each run as its own process.

    python -m bench.clients floor|nornir|naive|paramiko --manifest FLEET.json [--limit N]

`floor`: a minimal asyncssh client, no polling at all (it awaits each read and stops at
the prompt), every router at once: the physical limit of SSH round trips on this machine.
`nornir`: what a Nornir task does with nornir_netmiko: netmiko with its defaults, 20 worker
threads, `send_command(command, use_textfsm=True)` per command.
`naive`: a plain script: netmiko with its defaults, one router after another.
`paramiko`: paramiko alone (no netmiko), blocking reads, a thread per router as netmiko
has (128 at once; $BENCH_PARAMIKO_WORKERS): the limit of any paramiko-based transport.

Every client opens one session per router, enters privileged mode on IOS, turns paging
off, runs the router's commands in order, and checks each output against the recording
the lab serves. It prints one JSON line: sessions ok and failed, commands, mismatches.
Credentials come from NETACCEPT_USERNAME / _PASSWORD / _SECRET.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Target:
    name: str
    platform: str
    port: int
    commands: tuple[str, ...]
    recording: Path


@dataclass
class Outcome:
    """What one client achieved on one router."""

    ok: bool = False
    commands: int = 0
    mismatches: list[str] = field(default_factory=list)
    error: str = ""


def load_targets(manifest: Path, limit: int | None) -> list[Target]:
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    targets = [
        Target(e["name"], e["platform"], e["port"], tuple(e["commands"]), Path(e["recording"]))
        for e in entries
    ]
    return targets[:limit] if limit else targets


def credentials() -> tuple[str, str, str]:
    password = os.environ["NETACCEPT_PASSWORD"]
    return (
        os.environ["NETACCEPT_USERNAME"],
        password,
        os.environ.get("NETACCEPT_SECRET", password),
    )


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r", "").strip("\n").split("\n"))


def verify(targets: Sequence[Target], got: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Commands whose output differs from the recording the lab served, per router."""
    wrong: dict[str, list[str]] = {}
    for target in targets:
        outputs = json.loads(target.recording.read_text(encoding="utf-8"))["outputs"]
        for command, text in got.get(target.name, {}).items():
            if _norm(text) != _norm(outputs[command]):
                wrong.setdefault(target.name, []).append(command)
    return wrong


# ---------------------------------------------------------------- the floor (asyncssh)


async def _read_until(reader: Any, endings: tuple[str, ...], timeout: float = 60.0) -> str:
    parts: list[str] = []
    tail = ""
    while True:
        chunk = await asyncio.wait_for(reader.read(65536), timeout)
        if not chunk:
            raise EOFError("the router closed the session")
        parts.append(chunk)
        tail = (tail + chunk)[-512:]
        if tail.rstrip(" ").endswith(endings):
            return "".join(parts)


async def _floor_one(target: Target, login: tuple[str, str, str]) -> dict[str, str]:
    import asyncssh

    username, password, secret = login
    outputs: dict[str, str] = {}
    async with asyncssh.connect(
        HOST,
        target.port,
        username=username,
        password=password,
        known_hosts=None,
        client_keys=None,
        agent_path=None,
        preferred_auth="password",
    ) as conn:
        writer, reader, _ = await conn.open_session(term_type="vt100", term_size=(511, 1000))
        banner = await _read_until(reader, (">", "#"))
        prompt = banner.replace("\r", "").split("\n")[-1].strip()
        if prompt.endswith(">"):
            writer.write("enable\n")
            await _read_until(reader, ("Password:",))
            writer.write(secret + "\n")
            prompt = prompt[:-1] + "#"
            await _read_until(reader, ("\n" + prompt,))
        for setting in ("terminal length 0", "terminal width 511"):
            writer.write(setting + "\n")
            await _read_until(reader, ("\n" + prompt,))
        for command in target.commands:
            writer.write(command + "\n")
            text = await _read_until(reader, ("\n" + prompt,))
            body = text.split("\n", 1)[1] if "\n" in text else ""  # drop the echoed command
            outputs[command] = body[: len(body) - len(prompt)]
        writer.write("exit\n")
    return outputs


async def _floor(targets: Sequence[Target]) -> dict[str, Outcome | dict[str, str]]:
    login = credentials()
    results = await asyncio.gather(*(_floor_one(t, login) for t in targets), return_exceptions=True)
    return {
        t.name: (r if isinstance(r, dict) else Outcome(error=f"{type(r).__name__}: {r}"))
        for t, r in zip(targets, results, strict=True)
    }


def run_floor(targets: Sequence[Target]) -> dict[str, Outcome | dict[str, str]]:
    return asyncio.run(_floor(targets))


# ---------------------------------------------------------------- netmiko, defaults


PARSE_ERRORS: list[str] = []


def _netmiko_one(target: Target, use_textfsm: bool) -> dict[str, str]:
    from netmiko import ConnectHandler
    from textfsm import TextFSMError

    username, password, secret = credentials()
    conn = ConnectHandler(
        device_type=target.platform,
        host=HOST,
        port=target.port,
        username=username,
        password=password,
        secret=secret,
    )
    try:
        if target.platform == "cisco_ios":
            conn.enable()
        outputs: dict[str, str] = {}
        for command in target.commands:
            try:
                result = conn.send_command(command, use_textfsm=use_textfsm)
            except TextFSMError:
                # ntc's index picks a template that raises on this output (the README's
                # reason for choosing templates explicitly); the round trip was made.
                PARSE_ERRORS.append(f"{target.platform} {command}")
                continue
            if isinstance(result, str):  # structured results cannot be compared
                outputs[command] = result
        return outputs
    finally:
        conn.disconnect()


def _guard(work: Callable[[], dict[str, str]]) -> Outcome | dict[str, str]:
    try:
        return work()
    except Exception as exc:  # a failed session is counted, not fatal
        return Outcome(error=f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}")


def run_nornir(targets: Sequence[Target], workers: int = 20) -> dict[str, Outcome | dict[str, str]]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            t.name: pool.submit(_guard, partial(_netmiko_one, t, use_textfsm=True)) for t in targets
        }
        return {name: f.result() for name, f in futures.items()}


def run_naive(targets: Sequence[Target]) -> dict[str, Outcome | dict[str, str]]:
    return {t.name: _guard(partial(_netmiko_one, t, use_textfsm=False)) for t in targets}


# ---------------------------------------------------------------- raw paramiko


def _paramiko_until(channel: Any, endings: tuple[bytes, ...], timeout: float = 60.0) -> bytes:
    channel.settimeout(timeout)
    data = b""
    while not data.rstrip(b" ").endswith(endings):
        chunk = channel.recv(65536)
        if not chunk:
            raise EOFError("the router closed the session")
        data += chunk
    return data


def _paramiko_one(target: Target) -> dict[str, str]:
    import socket

    import paramiko

    username, password, secret = credentials()
    sock = socket.create_connection((HOST, target.port), timeout=20)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(
            HOST, target.port, username, password, sock=sock, allow_agent=False, look_for_keys=False
        )
        channel = client.invoke_shell("vt100", 511, 1000)
        banner = _paramiko_until(channel, (b">", b"#")).replace(b"\r", b"")
        prompt = banner.split(b"\n")[-1].strip()
        if prompt.endswith(b">"):
            channel.sendall(b"enable\n")
            _paramiko_until(channel, (b"Password:",))
            channel.sendall(secret.encode() + b"\n")
            prompt = prompt[:-1] + b"#"
            _paramiko_until(channel, (b"\n" + prompt,))
        for setting in (b"terminal length 0", b"terminal width 511"):
            channel.sendall(setting + b"\n")
            _paramiko_until(channel, (b"\n" + prompt,))
        outputs: dict[str, str] = {}
        for command in target.commands:
            channel.sendall(command.encode() + b"\n")
            text = _paramiko_until(channel, (b"\n" + prompt,)).decode("utf-8", "replace")
            body = text.split("\n", 1)[1] if "\n" in text else ""
            outputs[command] = body[: len(body) - len(prompt)]
        channel.close()
        return outputs
    finally:
        client.close()


def run_paramiko(targets: Sequence[Target]) -> dict[str, Outcome | dict[str, str]]:
    workers = int(os.environ.get("BENCH_PARAMIKO_WORKERS", "128"))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {t.name: pool.submit(_guard, partial(_paramiko_one, t)) for t in targets}
        return {name: f.result() for name, f in futures.items()}


# ---------------------------------------------------------------- main

RUNNERS: dict[str, Callable[[Sequence[Target]], dict[str, Outcome | dict[str, str]]]] = {
    "floor": run_floor,
    "nornir": run_nornir,
    "naive": run_naive,
    "paramiko": run_paramiko,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clients")
    parser.add_argument("client", choices=sorted(RUNNERS))
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--limit", type=int, help="only the first N routers")
    args = parser.parse_args(argv)
    targets = load_targets(args.manifest, args.limit)
    started = time.perf_counter()
    results = RUNNERS[args.client](targets)
    elapsed = time.perf_counter() - started
    got = {name: r for name, r in results.items() if isinstance(r, dict)}
    wrong = verify(targets, got)
    failed = {name: r.error for name, r in results.items() if isinstance(r, Outcome)}
    summary = {
        "elapsed": elapsed,
        "routers": len(targets),
        "ok": len(got),
        "failed": len(failed),
        "commands": sum(len(o) for o in got.values()),
        "mismatched": sum(len(c) for c in wrong.values()),
        "parse_errors": len(PARSE_ERRORS),
        "errors": sorted(set(failed.values()))[:3],
        "mismatch_examples": [f"{n}: {c[0]}" for n, c in list(wrong.items())[:3]],
    }
    print(json.dumps(summary), flush=True)
    return 0 if not failed and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
