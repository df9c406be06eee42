"""The tuning ladder: the capture phase alone, with the transport as it was and each change.

    python -m bench.ladder --inventory INV --manifest FLEET.json --rung NAME --workers W

Runs `netaccept.run.capture.capture` (what `netaccept run` does before the checks) with one
rung's session class and prints one JSON line: capture wall and CPU seconds, evidence
count, failed devices. The rungs, each adding one change to the one before:

- `before`: the transport before tuning: `ConnectHandler` (netmiko's own session
  preparation), `check_enable_mode`/`enable`, `find_prompt`, and `send_command` with the
  prompt as `expect_string` per command.
- `nodelay`: + the TCP connection opened with TCP_NODELAY and handed over as `sock=`.
- `cmd_verify_off`: + `send_command(..., cmd_verify=False)`: what netmiko itself offers.
- `evented_reads`: `before` + `nodelay`, but each command is one round trip: write the
  command, wait on paramiko's data event, stop at the echo and then the exact prompt.
- `tuned`: + the login driven the same way (netmiko's session preparation steps, no
  sleeps): `netaccept.session.transport.SshTransport` as it is now.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import resource
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from netaccept.inventory import Device, load_inventory, resolve_credentials
from netaccept.platforms.registry import CLI
from netaccept.run.capture import capture
from netaccept.session.algorithms import SshAlgorithms
from netaccept.session.commands import ensure_read_only
from netaccept.session.transport import SessionLost, SshTransport, Transport


class BeforeSession:
    """netaccept's NetmikoSession before tuning (netmiko's defaults, send_command)."""

    host_key: str | None = None
    host_key_check: str | None = None
    algorithms: SshAlgorithms | None = None
    NODELAY = False
    CMD_VERIFY = True

    def __init__(self, device: Device, username: str, password: str, secret: str) -> None:
        from netmiko import ConnectHandler

        self._device = device
        extra: dict[str, Any] = {}
        if self.NODELAY:
            sock = socket.create_connection((device.host, device.port), device.timeouts.connect)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            extra["sock"] = sock
        self._conn: Any = ConnectHandler(
            device_type=device.platform,
            host=device.host,
            port=device.port,
            username=username,
            password=password,
            secret=secret,
            conn_timeout=device.timeouts.connect,
            auth_timeout=device.timeouts.connect,
            banner_timeout=device.timeouts.connect,
            allow_agent=False,
            use_keys=False,
            ssh_config_file=None,
            fast_cli=True,
            **extra,
        )
        if device.platform == "cisco_ios" and not self._conn.check_enable_mode():
            self._conn.enable()
        self._prompt = self._conn.find_prompt()

    def run(self, command: str) -> str:
        ensure_read_only(command)
        output = self._conn.send_command(
            command,
            expect_string=re.escape(self._prompt),
            read_timeout=self._device.timeouts.command,
            cmd_verify=self.CMD_VERIFY,
        )
        return str(output)

    def close(self) -> None:
        if self.NODELAY:  # disconnect() alone then races paramiko's thread (logged errors)
            with contextlib.suppress(Exception):
                self._conn.remote_conn.close()
        with contextlib.suppress(Exception):
            self._conn.disconnect()


class NodelaySession(BeforeSession):
    NODELAY = True


class CmdVerifyOffSession(NodelaySession):
    CMD_VERIFY = False


class EventedReadsSession(NodelaySession):
    """The old login, and the tuned transport's command reads."""

    def __init__(self, device: Device, username: str, password: str, secret: str) -> None:
        super().__init__(device, username, password, secret)
        import threading

        self._channel = self._conn.remote_conn
        self._ready = threading.Event()
        self._channel.in_buffer.set_event(self._ready)

    def run(self, command: str) -> str:
        ensure_read_only(command)
        line = command.strip()
        end = "\n" + self._prompt
        self._conn.write_channel(self._conn.normalize_cmd(line))
        deadline = time.monotonic() + self._device.timeouts.command
        text = ""
        while not (text.endswith(end) and line in text):
            chunk = self._conn.read_channel()
            if chunk:
                text += chunk
                continue
            if self._channel.closed or time.monotonic() > deadline:
                raise SessionLost(f"{command!r} did not finish")
            self._ready.wait(max(0.0, deadline - time.monotonic()))
        text = text[text.find(line) :]
        return str(self._conn.strip_prompt(self._conn.strip_command(line, text)))


class _Rung:
    name = "ssh"

    def __init__(self, session: type[BeforeSession]) -> None:
        import netmiko  # noqa: F401  (imported once, as SshTransport does)

        self._session = session

    def open(self, device: Device) -> BeforeSession:
        username, password, secret = resolve_credentials(device)
        return self._session(device, username, password, secret)


def transport(rung: str) -> Transport:
    if rung == "tuned":
        return SshTransport(CLI)
    sessions: dict[str, type[BeforeSession]] = {
        "before": BeforeSession,
        "nodelay": NodelaySession,
        "cmd_verify_off": CmdVerifyOffSession,
        "evented_reads": EventedReadsSession,
    }
    return _Rung(sessions[rung])


RUNGS = ("before", "nodelay", "cmd_verify_off", "evented_reads", "tuned")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ladder")
    parser.add_argument("--inventory", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--rung", choices=RUNGS, required=True)
    parser.add_argument("--workers", type=int, required=True)
    args = parser.parse_args(argv)
    inventory = load_inventory(args.inventory)
    commands = {e["name"]: e["commands"] for e in json.loads(args.manifest.read_text())}
    plan = [(d, commands[d.name]) for d in inventory.devices]
    chosen = transport(args.rung)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    results = capture(plan, chosen, workers=args.workers)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    failed = [n for n, r in results.items() if r.unavailable or r.failures]
    print(
        json.dumps(
            {
                "capture_wall": wall,
                "capture_cpu": usage.ru_utime + usage.ru_stime - cpu,
                "evidence": sum(len(r.evidence) for r in results.values()),
                "failed": len(failed),
            }
        ),
        flush=True,
    )
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
