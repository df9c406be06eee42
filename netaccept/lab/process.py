"""The simulated lab in a child process, for tests and ``netaccept demo``.

:class:`LabProcess` writes the lab's spec file (:mod:`netaccept.lab.spec`) to a temporary
directory, starts ``python -m netaccept.lab`` with the credentials in its environment
(never in argv), waits for the ready file with every router's port, and stops the
process on exit. It can also pin the host key each router presents in a known_hosts file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from netaccept.lab.keys import generate_host_key, known_hosts_line
from netaccept.lab.offers import offer
from netaccept.lab.spec import (
    DNS_READY_KEY,
    ENV_PASSWORD,
    ENV_SECRET,
    ENV_USERNAME,
    LabCredentials,
    LabRouterSpec,
    check_loopback,
)

if TYPE_CHECKING:
    from netaccept.lab.dns import DnsRecord

__all__ = ["LabProcess"]


class LabProcess:
    """Context manager running the lab in its own process (``sys.executable -m netaccept.lab``).

    ``ports`` maps router name to bound port once ``__enter__`` returns. With
    ``dns_records`` (even an empty list) the lab also serves DNS over UDP on ``host`` at
    ``dns_port`` (0: a free port), and ``dns_port`` is the bound port once started (else None).

    Without ``host_key_path`` a throw-away lab host key is generated for this run, so that
    :meth:`known_hosts_lines` can pin every router's key for a strict client.
    """

    def __init__(
        self,
        routers: Sequence[LabRouterSpec],
        credentials: LabCredentials,
        *,
        ready_timeout: float = 30.0,
        host: str = "127.0.0.1",
        host_key_path: Path | None = None,
        dns_records: Sequence[DnsRecord] | None = None,
        dns_port: int = 0,
    ) -> None:
        check_loopback(host)
        if isinstance(dns_port, bool) or not 0 <= dns_port <= 65535:
            raise ValueError(f"dns_port {dns_port} out of range")
        self.routers = tuple(routers)
        self.credentials = credentials
        self.ready_timeout = ready_timeout
        self.host = host
        self.host_key_path = host_key_path
        self.dns_records = tuple(dns_records) if dns_records is not None else None
        self._dns_bind_port = dns_port
        self.ports: dict[str, int] = {}
        self.dns_port: int | None = None  # the DNS server's bound port, once started
        self.returncode: int | None = None  # the child's exit code, once stopped
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmpdir: Path | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def stderr_text(self) -> str:
        """Everything the child wrote to stdout/stderr so far."""
        if self._tmpdir is None:
            return ""
        try:
            return (self._tmpdir / "lab.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    @property
    def lab_host_key_path(self) -> Path | None:
        """The private host key of the routers without their own (once started)."""
        if self.host_key_path is not None:
            return Path(self.host_key_path)
        return self._tmpdir / "lab_host_key" if self._tmpdir is not None else None

    def known_hosts_lines(self) -> list[str]:
        """known_hosts lines (OpenSSH format) for the key each router presents first.

        Routers with a ``refuse`` or ``no_banner`` fault present none; a ``host_key_changed``
        router is pinned to its ``previous_host_key_path`` (skipped without one: that key is
        generated inside the lab), so that its change is detected.
        """
        lab_key = self.lab_host_key_path
        if lab_key is None:
            raise RuntimeError("the lab is not running")
        lines = []
        for router in self.routers:
            fault = router.fault
            if fault is not None and fault.kind in ("refuse", "blackhole", "no_banner"):
                continue
            key = router.host_key_path or lab_key
            if fault is not None and fault.kind == "host_key_changed":
                if fault.previous_host_key_path is None:
                    continue
                key = fault.previous_host_key_path
            lines.append(known_hosts_line(self.host, self.ports[router.name], key))
        return lines

    def _legacy_host_key(self, router: LabRouterSpec) -> LabRouterSpec:
        """A router offering a legacy set gets the host key its real software has (RSA)."""
        legacy = offer(router.ssh_offer)
        if legacy is None or router.host_key_path is not None:
            return router
        assert self._tmpdir is not None
        path = self._tmpdir / f"{router.name}.{legacy.host_key_algorithm}.key"
        generate_host_key(path, legacy.host_key_algorithm, legacy.host_key_bits)
        return replace(router, host_key_path=path)

    def write_known_hosts(self, path: Path) -> Path:
        """Write :meth:`known_hosts_lines` to `path` (replacing it); return `path`."""
        path = Path(path)
        path.write_text("".join(line + "\n" for line in self.known_hosts_lines()), "utf-8")
        return path

    def __enter__(self) -> LabProcess:
        self._tmpdir = Path(tempfile.mkdtemp(prefix="netaccept-lab-"))
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def _start(self) -> None:
        assert self._tmpdir is not None
        spec: dict[str, Any] = {
            "host": self.host,
            "routers": [router.to_json() for router in self.routers],
        }
        lab_key = self.lab_host_key_path
        assert lab_key is not None
        if self.host_key_path is None:
            generate_host_key(lab_key)
        spec["host_key_path"] = str(lab_key.resolve())
        self.routers = tuple(self._legacy_host_key(router) for router in self.routers)
        spec["routers"] = [router.to_json() for router in self.routers]
        if self.dns_records is not None:
            spec["dns"] = {
                "port": self._dns_bind_port,
                "records": [record.to_json() for record in self.dns_records],
            }
        spec_path = self._tmpdir / "spec.json"
        spec_path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
        ready_path = self._tmpdir / "ready.json"

        env = dict(os.environ)
        # Credentials travel in the environment only: argv is visible to every local user.
        env[ENV_USERNAME] = self.credentials.username
        env[ENV_PASSWORD] = self.credentials.password
        env[ENV_SECRET] = self.credentials.secret
        # Make this package importable in the child whatever its working directory is.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)

        cmd = [
            sys.executable,
            "-m",
            "netaccept.lab",
            "--spec",
            str(spec_path),
            "--ready-file",
            str(ready_path),
            "--exit-with-parent",
        ]
        # A file, not a pipe: nobody drains a pipe while the lab runs, and a full one blocks it.
        with (self._tmpdir / "lab.log").open("wb") as log:
            self._proc = subprocess.Popen(
                cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )

        deadline = time.monotonic() + self.ready_timeout
        while True:
            if ready_path.exists():
                ports = json.loads(ready_path.read_text(encoding="utf-8"))
                # Keys starting with "_" are services (DNS), not routers.
                self.ports = {
                    str(name): int(port)
                    for name, port in ports.items()
                    if not str(name).startswith("_")
                }
                dns_port = ports.get(DNS_READY_KEY)
                self.dns_port = int(dns_port) if dns_port is not None else None
                return
            code = self._proc.poll()
            if code is not None:
                raise RuntimeError(
                    f"lab process exited with code {code} before it was ready:\n"
                    f"{self.stderr_text()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"lab process not ready after {self.ready_timeout} s:\n{self.stderr_text()}"
                )
            time.sleep(0.05)

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None:
            self.returncode = proc.returncode
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()
