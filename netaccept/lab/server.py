"""A simulated lab of Cisco routers served over real SSH on the loopback interface.

Each router replays recorded command output behind a Cisco-like CLI (IOS or IOS-XR), so
netmiko, paramiko or a person with ``ssh`` can talk to it as if it were the real device.

Run it as its own process::

    NETACCEPT_USERNAME=... NETACCEPT_PASSWORD=... NETACCEPT_SECRET=... \\
        python -m netaccept.lab --spec SPEC.json --ready-file PATH

or use :class:`netaccept.lab.process.LabProcess` from Python (tests), or :func:`serve`
inside an event loop.

This module is the server side: password authentication, one listener per router (or,
for a transport fault, a socket that refuses, drops or never speaks SSH, or a listener
that changes host key), :class:`RunningLab` to stop it all, and :func:`main` of the lab's
process. The spec file is described in :mod:`netaccept.lab.spec`, the CLI of one session
in :mod:`netaccept.lab.session`, the host keys in :mod:`netaccept.lab.keys`.

A spec with a ``"dns"`` section also serves DNS over UDP on the same host (see
:mod:`netaccept.lab.dns`); its port appears in the ready file under ``"_dns"``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import ipaddress
import json
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Coroutine, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import asyncssh

from netaccept.core.exitcodes import ExitCode
from netaccept.lab.keys import default_host_key, load_host_key
from netaccept.lab.offers import offer
from netaccept.lab.session import CommandTable, RouterSession
from netaccept.lab.spec import (
    DNS_READY_KEY,
    ENV_PASSWORD,
    ENV_SECRET,
    ENV_USERNAME,
    LabCredentials,
    LabDnsSpec,
    LabRouter,
    check_loopback,
    load_spec,
    routers_from_spec,
)

if TYPE_CHECKING:
    # Imported lazily at run time: only a lab that serves DNS needs dnspython.
    from netaccept.lab.dns import DnsServer

__all__ = ["LabBindError", "RunningLab", "main", "serve"]


class LabBindError(OSError):
    """A router's listening socket could not be bound."""

    def __init__(self, router: str, host: str, port: int, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, f"router {router}: cannot listen on {host}:{port}: {reason}")
        self.router = router
        self.host = host
        self.port = port


class _RouterServer(asyncssh.SSHServer):
    """Per-connection auth handler: password only, checked in constant time."""

    def __init__(self, router: LabRouter, credentials: LabCredentials, lab: RunningLab) -> None:
        self._router = router
        self._credentials = credentials
        self._lab = lab
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._lab._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._lab._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        user_ok = hmac.compare_digest(username.encode(), self._credentials.username.encode())
        pass_ok = hmac.compare_digest(password.encode(), self._credentials.password.encode())
        if self._router.fault is not None and self._router.fault.kind == "auth_fail":
            return False
        return user_ok and pass_ok


# What a Cisco SSH server sends first (its version line); ``banner_then_silent`` stops there.
_STUCK_BANNER = b"SSH-2.0-Cisco-1.25\r\n"


class _SilentProtocol(asyncio.Protocol):
    """A TCP peer that accepts and never says a word: no SSH banner, nothing (``no_banner``);
    or only its SSH version line, and then no key exchange (``banner_then_silent``)."""

    def __init__(self, lab: RunningLab, banner: bytes = b"") -> None:
        self._lab = lab
        self._banner = banner
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._lab._silent.add(transport)
        if self._banner:
            cast(asyncio.WriteTransport, transport).write(self._banner)

    def data_received(self, data: bytes) -> None:
        pass  # the client's own banner and whatever follows: read and ignored

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._lab._silent.discard(self._transport)


class RunningLab:
    """Handle on a started lab: bound ports, and close() to stop listening and hang up."""

    def __init__(self) -> None:
        self.ports: dict[str, int] = {}
        self._acceptors: list[asyncssh.SSHAcceptor] = []
        self._connections: set[asyncssh.SSHServerConnection] = set()
        # Fault plumbing: bound-only sockets ("refuse"), listening sockets accepted by hand
        # ("host_key_changed"), silent TCP servers and their connections ("no_banner").
        self._sockets: list[socket.socket] = []
        self._servers: list[asyncio.Server] = []
        self._silent: set[asyncio.BaseTransport] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for acceptor in self._acceptors:
            acceptor.close()
        for acceptor in self._acceptors:
            with contextlib.suppress(Exception):
                await acceptor.wait_closed()
        self._acceptors.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()
        for server in self._servers:
            server.close()
        for transport in list(self._silent):
            transport.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), timeout=5)
        self._servers.clear()
        self._silent.clear()
        connections = list(self._connections)
        for conn in connections:
            conn.close()
        for conn in connections:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.wait_closed(), timeout=5)
        self._connections.clear()

    async def __aenter__(self) -> RunningLab:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _tcp_socket(host: str) -> socket.socket:
    family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    return socket.socket(family, socket.SOCK_STREAM)


def _bind(router: LabRouter, host: str, *, listen: bool) -> socket.socket:
    sock = _tcp_socket(host)
    try:
        if listen:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, router.port))
        if listen:
            sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise LabBindError(router.name, host, router.port, exc) from exc
    return sock


def _ssh_options(router: LabRouter, credentials: LabCredentials, lab: RunningLab) -> dict[str, Any]:
    """asyncssh server options for one router (everything but its host keys)."""
    table = CommandTable(router.outputs)

    def make_server() -> _RouterServer:
        return _RouterServer(router, credentials, lab)

    async def handle(process: asyncssh.SSHServerProcess[str]) -> None:
        await RouterSession(router, table, credentials, process).run()

    return {
        "server_factory": make_server,
        "process_factory": handle,
        # Echo is ours: asyncssh's line editor echoes queued input before prompts.
        "line_editor": False,
        "encoding": "utf-8",
        # Undecodable input is dropped by the CLI; "garbage" output goes out byte for byte.
        "errors": "surrogateescape",
        "password_auth": True,
        "kbdint_auth": False,
        "public_key_auth": False,
        "gss_host": None,
        "agent_forwarding": False,
        "x11_forwarding": False,
        "allow_scp": False,
        **_offer_options(router),
    }


def _host_keys(router: LabRouter, key: asyncssh.SSHKey) -> list[Any]:
    """The router's host key, signing only with the algorithms its software offers."""
    legacy = offer(router.ssh_offer)
    if legacy is None:
        return [key]
    pair = asyncssh.load_keypairs([key])[0]
    pair.host_key_algorithms = [legacy.host_key_algorithm.encode("ascii")]
    return [pair]


def _offer_options(router: LabRouter) -> dict[str, Any]:
    """The algorithms the router's software offers (lab.offers); none given: asyncssh's."""
    legacy = offer(router.ssh_offer)
    if legacy is None:
        return {}
    return {
        "kex_algs": list(legacy.kex),
        "encryption_algs": list(legacy.ciphers),
        "mac_algs": list(legacy.macs),
        "compression_algs": ["none"],
    }


async def _serve_key_switching(
    router: LabRouter,
    host: str,
    keys: tuple[asyncssh.SSHKey, asyncssh.SSHKey],
    after_connections: int,
    options: dict[str, Any],
    lab: RunningLab,
) -> int:
    """Accept connections by hand so each can get its own host key (``host_key_changed``)."""
    listener = _bind(router, host, listen=True)
    lab._sockets.append(listener)
    loop = asyncio.get_running_loop()

    async def run_one(sock: socket.socket, key: asyncssh.SSHKey) -> None:
        try:
            await asyncssh.run_server(sock, server_host_keys=[key], **options)
        except (TimeoutError, OSError, asyncssh.Error):
            sock.close()  # the client left during key exchange or login

    async def accept() -> None:
        count = 0
        while True:
            try:
                sock, _peer = await loop.sock_accept(listener)
            except OSError:
                return  # the listener was closed
            count += 1
            lab._spawn(run_one(sock, keys[0] if count <= after_connections else keys[1]))

    lab._spawn(accept())
    return int(listener.getsockname()[1])


async def _serve_router(
    router: LabRouter,
    credentials: LabCredentials,
    host: str,
    lab_key: asyncssh.SSHKey,
    lab: RunningLab,
) -> int:
    """Start one router (faults included); return its port."""
    fault = router.fault
    kind = fault.kind if fault is not None else None
    if kind == "refuse":
        # Bound, never listened on: the port stays ours and every SYN gets a reset.
        sock = _bind(router, host, listen=False)
        lab._sockets.append(sock)
        return int(sock.getsockname()[1])
    if kind == "blackhole":
        sock = _bind(router, host, listen=False)
        sock.listen(0)
        # Fill the accept queue (never accepted): from now on the kernel drops SYNs.
        filler = _tcp_socket(host)
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(sock.getsockname())
        lab._sockets += [sock, filler]
        return int(sock.getsockname()[1])
    if kind in ("no_banner", "banner_then_silent"):
        banner = _STUCK_BANNER if kind == "banner_then_silent" else b""
        loop = asyncio.get_running_loop()
        try:
            server = await loop.create_server(
                lambda: _SilentProtocol(lab, banner), host, router.port
            )
        except OSError as exc:
            raise LabBindError(router.name, host, router.port, exc) from exc
        lab._servers.append(server)
        return int(server.sockets[0].getsockname()[1])
    key = (
        load_host_key(router.host_key_path, f"router {router.name}")
        if router.host_key_path
        else lab_key
    )
    options = _ssh_options(router, credentials, lab)
    if fault is not None and fault.kind == "host_key_changed":
        previous = (
            load_host_key(fault.previous_host_key_path, f"router {router.name}")
            if fault.previous_host_key_path
            else asyncssh.generate_private_key(key.get_algorithm())
        )
        return await _serve_key_switching(
            router, host, (previous, key), fault.after_connections, options, lab
        )
    try:
        acceptor = await asyncssh.listen(
            host, router.port, server_host_keys=_host_keys(router, key), **options
        )
    except OSError as exc:
        raise LabBindError(router.name, host, router.port, exc) from exc
    lab._acceptors.append(acceptor)
    return int(acceptor.get_port())


async def serve(
    routers: Sequence[LabRouter],
    credentials: LabCredentials,
    host: str = "127.0.0.1",
    *,
    host_key_path: Path | None = None,
) -> RunningLab:
    """Start listening for every router on host (loopback only) in the running event loop.

    Raises ValueError for a non-loopback host, duplicate names or an unreadable host key,
    and LabBindError if a port cannot be bound (routers already started are closed again
    first).
    """
    check_loopback(host)
    names = [router.name for router in routers]
    if len(set(names)) != len(names):
        raise ValueError("router names must be unique")
    key = load_host_key(host_key_path, "lab") if host_key_path else default_host_key()
    lab = RunningLab()
    try:
        for router in routers:
            lab.ports[router.name] = await _serve_router(router, credentials, host, key, lab)
    except BaseException:
        await lab.close()
        raise
    return lab


# ---------------------------------------------------------------------------------------------
# Command line entry point
# ---------------------------------------------------------------------------------------------


def _err(message: str) -> None:
    print(f"lab: {message}", file=sys.stderr, flush=True)


def _write_ready_file(path: Path, ports: Mapping[str, int]) -> None:
    # Write-then-rename so a watcher never reads half a file.
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=".ready-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(ports), handle)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


async def _run_lab(
    routers: Sequence[LabRouter],
    credentials: LabCredentials,
    host: str,
    host_key_path: Path | None,
    ready_file: Path,
    exit_with_parent: bool,
    dns: LabDnsSpec | None = None,
) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    parent = os.getppid()
    try:
        try:
            lab = await serve(routers, credentials, host, host_key_path=host_key_path)
        except LabBindError as exc:
            _err(exc.strerror or str(exc))
            return ExitCode.INTERNAL
        except ValueError as exc:
            _err(f"refusing to start: {exc}")
            return ExitCode.INTERNAL
        dns_server: DnsServer | None = None
        try:
            ready = dict(lab.ports)
            if dns is not None:
                from netaccept.lab.dns import DnsServer

                dns_server = DnsServer(dns.records)
                try:
                    ready[DNS_READY_KEY] = await dns_server.start(host, dns.port)
                except OSError as exc:
                    _err(f"dns: cannot listen on {host}:{dns.port}/udp: {exc.strerror or exc}")
                    return ExitCode.INTERNAL
            _write_ready_file(ready_file, ready)
            _err(f"{len(lab.ports)} routers listening on {host}")
            if dns is not None:
                zone = f" for {dns.domain}" if dns.domain else ""
                _err(f"DNS{zone} ({len(dns.records)} records) on {host}:{ready[DNS_READY_KEY]}/udp")
            while not stop.is_set():
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=0.5)
                if exit_with_parent and os.getppid() != parent:
                    break  # our owner died without stopping us; don't linger
        finally:
            if dns_server is not None:
                dns_server.close()
            await lab.close()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return ExitCode.PASS


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m netaccept.lab``; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m netaccept.lab",
        description="Serve simulated Cisco routers over SSH on loopback. Credentials come from "
        f"{ENV_USERNAME}, {ENV_PASSWORD} and {ENV_SECRET}.",
    )
    parser.add_argument("--spec", type=Path, required=True, help="lab spec JSON file")
    parser.add_argument("--ready-file", type=Path, required=True, help="where to write ports")
    parser.add_argument(
        "--exit-with-parent", action="store_true", help="stop when the parent process exits"
    )
    args = parser.parse_args(argv)

    required = (ENV_USERNAME, ENV_PASSWORD, ENV_SECRET)
    missing = [name for name in required if not os.environ.get(name)]
    if missing:
        _err(f"refusing to start: environment variable(s) not set: {', '.join(missing)}")
        return ExitCode.INTERNAL
    credentials = LabCredentials(
        os.environ[ENV_USERNAME], os.environ[ENV_PASSWORD], os.environ[ENV_SECRET]
    )
    try:
        spec = load_spec(args.spec)
        check_loopback(spec.host)
        routers = routers_from_spec(spec)
    except ValueError as exc:
        _err(f"refusing to start: {exc}")
        return ExitCode.INTERNAL
    return asyncio.run(
        _run_lab(
            routers,
            credentials,
            spec.host,
            spec.host_key_path,
            args.ready_file,
            args.exit_with_parent,
            spec.dns,
        )
    )
