"""Shared fixtures: the simulated lab in its own process, and the CLI as a user runs it."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netaccept.inventory import load_inventory
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabRouterSpec
from netaccept.lab.zone import lab_zone

ROOT = Path(__file__).resolve().parents[1]
LAB_INVENTORY = ROOT / "inventory" / "lab.yaml"
LAB_RECORDINGS = ROOT / "inventory" / "lab"
CORPUS = ROOT.parent / "shared" / "corpus" / "ntc-templates"


@dataclass(frozen=True)
class Lab:
    ports: Mapping[str, int]
    credentials: LabCredentials
    dns_port: int
    known_hosts: Path  # every router's host key, pinned: the runs verify keys strictly

    def endpoints(self, **override: int) -> list[str]:
        ports = {**self.ports, **override}
        return [f"{name}=127.0.0.1:{port}" for name, port in ports.items()]

    def args(self, **override: int) -> list[str]:
        """`netaccept run` options that point every device and DNS at this lab."""
        return [
            *endpoint_args(self.endpoints(**override)),
            "--dns-server", self.dns_server,
            "--host-key-policy", "strict", "--known-hosts", str(self.known_hosts),
        ]  # fmt: skip

    @property
    def dns_server(self) -> str:
        return f"127.0.0.1:{self.dns_port}"

    def env(self) -> dict[str, str]:
        return {
            "NETACCEPT_USERNAME": self.credentials.username,
            "NETACCEPT_PASSWORD": self.credentials.password,
            "NETACCEPT_SECRET": self.credentials.secret,
        }


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The built-in lab's six routers, served over SSH on free loopback ports."""
    inventory = load_inventory(LAB_INVENTORY)
    credentials = LabCredentials(
        "lab-" + secrets.token_hex(4), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    )
    specs = [
        LabRouterSpec(
            d.name,
            d.platform,
            LAB_RECORDINGS / f"{d.name}.json",
            # As in the demo: the GSRs offer only their software's legacy SSH algorithms.
            ssh_offer=inventory.lab.ssh_offers.get(d.name, "modern"),
        )
        for d in inventory.devices
    ]
    with LabProcess(specs, credentials, dns_records=lab_zone(inventory)) as running:
        assert running.dns_port is not None
        known_hosts = running.write_known_hosts(tmp_path_factory.mktemp("ssh") / "known_hosts")
        yield Lab(dict(running.ports), credentials, running.dns_port, known_hosts)


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str
    out: Path

    @property
    def run_dir(self) -> Path:
        runs = sorted(p for p in self.out.iterdir() if p.is_dir())
        assert len(runs) == 1, f"expected one run directory in {self.out}, found {runs}"
        return runs[0]

    def certificate(self, device: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.run_dir / device / "certificate.json").read_text(encoding="utf-8")
        )
        return data

    def statuses(self) -> dict[tuple[str, str], str]:
        run = json.loads((self.run_dir / "run.json").read_text(encoding="utf-8"))
        return {
            (d["name"], check): status
            for d in run["devices"]
            for check, status in d["checks"].items()
        }

    def check(self, device: str, check_id: str) -> dict[str, Any]:
        for check in self.certificate(device)["checks"]:
            if check["id"] == check_id:
                return dict(check)
        raise AssertionError(f"{check_id} not in the certificate of {device}")


def free_port() -> int:
    """A loopback port with nothing listening on it (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def netaccept(
    *args: str, out: Path, env: Mapping[str, str] | None = None, timeout: float = 180
) -> Result:
    """Run the `netaccept` command in a child process, as a user would."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    environment.update(env or {})
    environment["COLUMNS"] = "200"
    proc = subprocess.run(
        [sys.executable, "-m", "netaccept", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr, out)


def endpoint_args(endpoints: Sequence[str]) -> list[str]:
    args: list[str] = []
    for endpoint in endpoints:
        args += ["--endpoint", endpoint]
    return args
