"""A simulated lab of Cisco routers served over real SSH on the loopback interface.

Each router replays recorded command output behind a Cisco-like CLI (IOS or IOS-XR), so
netmiko, paramiko or a person with ``ssh`` can talk to it as if it were the real device.

Run it as its own process::

    NETACCEPT_USERNAME=... NETACCEPT_PASSWORD=... NETACCEPT_SECRET=... \\
        python -m netaccept.lab --spec SPEC.json --ready-file PATH

or use :class:`LabProcess` from Python (tests), or :func:`serve` inside an event loop.

A spec with a ``"dns"`` section also serves DNS over UDP on the same host (see
:mod:`netaccept.labdns`); its port appears in the ready file under ``"_dns"``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import ipaddress
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, cast

import asyncssh

if TYPE_CHECKING:
    # Imported lazily at run time: only a lab that serves DNS needs dnspython.
    from netaccept.labdns import DnsRecord, DnsServer

__all__ = [
    "DNS_READY_KEY",
    "ENV_PASSWORD",
    "ENV_SECRET",
    "ENV_USERNAME",
    "LabBindError",
    "LabCredentials",
    "LabDnsSpec",
    "LabProcess",
    "LabRouter",
    "LabRouterSpec",
    "LabSpec",
    "Platform",
    "RunningLab",
    "check_loopback",
    "load_recording",
    "load_spec",
    "main",
    "routers_from_spec",
    "serve",
]

Platform = Literal["cisco_ios", "cisco_xr"]
PLATFORMS: tuple[Platform, ...] = ("cisco_ios", "cisco_xr")

ENV_USERNAME = "NETACCEPT_USERNAME"
ENV_PASSWORD = "NETACCEPT_PASSWORD"
ENV_SECRET = "NETACCEPT_SECRET"

EXIT_OK = 0
EXIT_REFUSED = 3

# The ready file's key for the DNS server's port. Router names cannot start with "_".
DNS_READY_KEY = "_dns"

# Hostnames end up inside the prompt, so keep them to characters no prompt regex chokes on.
# The first character is a letter or digit, so no router name clashes with DNS_READY_KEY.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_WS_RE = re.compile(r"\s+")
_READ_SIZE = 4096
# Commands a real IOS box accepts at the user-mode (">") prompt; the rest need "enable".
_IOS_USER_MODE = ("show version", "ping", "traceroute")
_MAX_BAD_SECRETS = 3


def _normalise(command: str) -> str:
    return _WS_RE.sub(" ", command).strip()


def _check_name(name: str) -> None:
    if not _NAME_RE.match(name):
        raise ValueError(f"invalid router name {name!r}: use letters, digits, '.', '_', '-'")


def _check_common(name: str, platform: str, port: int, latency: float) -> None:
    _check_name(name)
    if platform not in PLATFORMS:
        raise ValueError(f"router {name}: platform must be one of {PLATFORMS}, not {platform!r}")
    if not 0 <= port <= 65535:
        raise ValueError(f"router {name}: port {port} out of range")
    if not math.isfinite(latency) or latency < 0:
        raise ValueError(f"router {name}: latency must be a finite number >= 0")


def check_loopback(host: str) -> None:
    """Raise ValueError unless host is a loopback IP literal (127.0.0.0/8 or ::1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"host {host!r} is not an IP address; the lab binds loopback only"
        ) from None
    if not address.is_loopback:
        raise ValueError(f"host {host} is not a loopback address; the lab binds loopback only")


@dataclass(frozen=True)
class LabRouter:
    """One simulated router: its hostname, CLI flavour and recorded outputs."""

    name: str
    platform: Platform
    outputs: Mapping[str, str]
    port: int = 0
    latency: float = 0.0

    def __post_init__(self) -> None:
        _check_common(self.name, self.platform, self.port, self.latency)


@dataclass(frozen=True)
class LabCredentials:
    """Login and enable credentials shared by every router in a lab."""

    username: str
    # repr=False so secrets never land in logs or pytest failure output.
    password: str = field(repr=False)
    secret: str = field(repr=False)


@dataclass(frozen=True)
class LabRouterSpec:
    """One entry of the spec file: a router backed by a recording on disk."""

    name: str
    platform: Platform
    recording: Path
    port: int = 0
    latency: float = 0.0

    def __post_init__(self) -> None:
        _check_common(self.name, self.platform, self.port, self.latency)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "platform": self.platform,
            "recording": str(Path(self.recording).resolve()),
            "port": self.port,
            "latency": self.latency,
        }


@dataclass(frozen=True)
class LabDnsSpec:
    """The spec file's optional ``"dns"`` section: records served over UDP on the lab host.

    ``domain`` is informational (it is logged); record names are taken as written.
    """

    records: tuple[DnsRecord, ...] = ()
    port: int = 0
    domain: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.port, bool) or not 0 <= self.port <= 65535:
            raise ValueError(f"dns: port {self.port} out of range")


@dataclass(frozen=True)
class LabSpec:
    """The parsed spec file."""

    routers: tuple[LabRouterSpec, ...]
    host: str = "127.0.0.1"
    host_key_path: Path | None = None
    dns: LabDnsSpec | None = None


class LabBindError(OSError):
    """A router's listening socket could not be bound."""

    def __init__(self, router: str, host: str, port: int, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, f"router {router}: cannot listen on {host}:{port}: {reason}")
        self.router = router
        self.host = host
        self.port = port


def load_recording(path: Path) -> tuple[str, Platform, dict[str, str]]:
    """Read a device recording; return (device name, platform, command -> raw output)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"recording {path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"recording {path}: top level must be a JSON object")
    device = data.get("device")
    platform = data.get("platform")
    outputs = data.get("outputs")
    if not isinstance(device, str) or not device:
        raise ValueError(f"recording {path}: 'device' must be a non-empty string")
    if platform not in PLATFORMS:
        raise ValueError(f"recording {path}: 'platform' must be one of {PLATFORMS}")
    if not isinstance(outputs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()
    ):
        raise ValueError(f"recording {path}: 'outputs' must map command strings to strings")
    return device, cast(Platform, platform), dict(outputs)


def _load_dns_section(path: Path, raw: Any) -> LabDnsSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"spec {path}: 'dns' must be an object")
    domain = raw.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise ValueError(f"spec {path}: 'dns.domain' must be a string")
    port = raw.get("port", 0)
    if isinstance(port, bool) or not isinstance(port, int):
        raise ValueError(f"spec {path}: 'dns.port' must be an integer")
    entries = raw.get("records", [])
    if not isinstance(entries, list):
        raise ValueError(f"spec {path}: 'dns.records' must be a list")
    from netaccept.labdns import DnsRecord

    try:
        return LabDnsSpec(tuple(DnsRecord.from_json(entry) for entry in entries), port, domain)
    except ValueError as exc:
        raise ValueError(f"spec {path}: {exc}") from exc


def load_spec(path: Path) -> LabSpec:
    """Parse and validate a spec file (raises ValueError with a readable message)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"spec {path}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("routers"), list):
        raise ValueError(f"spec {path}: expected an object with a 'routers' list")
    host = data.get("host", "127.0.0.1")
    if not isinstance(host, str):
        raise ValueError(f"spec {path}: 'host' must be a string")
    key_path = data.get("host_key_path")
    if key_path is not None and not isinstance(key_path, str):
        raise ValueError(f"spec {path}: 'host_key_path' must be a string")
    routers: list[LabRouterSpec] = []
    for entry in data["routers"]:
        if not isinstance(entry, dict):
            raise ValueError(f"spec {path}: each router must be an object")
        try:
            routers.append(
                LabRouterSpec(
                    name=str(entry["name"]),
                    platform=entry["platform"],
                    recording=Path(str(entry["recording"])),
                    port=int(entry.get("port", 0)),
                    latency=float(entry.get("latency", 0.0)),
                )
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"spec {path}: bad router entry {entry!r}: {exc}") from exc
    names = [r.name for r in routers]
    if len(set(names)) != len(names):
        raise ValueError(f"spec {path}: router names must be unique")
    dns = _load_dns_section(path, data.get("dns"))
    return LabSpec(tuple(routers), host, Path(key_path) if key_path else None, dns)


def routers_from_spec(spec: LabSpec) -> list[LabRouter]:
    """Load every recording named in the spec."""
    routers = []
    for entry in spec.routers:
        _device, platform, outputs = load_recording(entry.recording)
        if platform != entry.platform:
            raise ValueError(
                f"router {entry.name}: spec says {entry.platform} but recording "
                f"{entry.recording} is {platform}"
            )
        routers.append(LabRouter(entry.name, entry.platform, outputs, entry.port, entry.latency))
    return routers


# ---------------------------------------------------------------------------------------------
# SSH server side
# ---------------------------------------------------------------------------------------------

_host_key: asyncssh.SSHKey | None = None


def _default_host_key() -> asyncssh.SSHKey:
    # One key per process: cheap, and every router in a lab presents the same identity.
    global _host_key
    if _host_key is None:
        _host_key = asyncssh.generate_private_key("ssh-ed25519")
    return _host_key


class _CommandTable:
    """Recorded outputs with exact and whitespace-insensitive lookup."""

    def __init__(self, outputs: Mapping[str, str]) -> None:
        self._exact = dict(outputs)
        self._loose: dict[str, str] = {}
        for command, text in outputs.items():
            # First recording wins if two keys collapse to the same command.
            self._loose.setdefault(_normalise(command), text)

    def lookup(self, line: str) -> str | None:
        if line in self._exact:
            return self._exact[line]
        return self._loose.get(_normalise(line))


class _RouterServer(asyncssh.SSHServer):
    """Per-connection auth handler: password only, checked in constant time."""

    def __init__(self, credentials: LabCredentials, lab: RunningLab) -> None:
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
        return user_ok and pass_ok


class _RouterSession:
    """The CLI state of one SSH session (mode, pending line, enable attempts)."""

    def __init__(
        self,
        router: LabRouter,
        table: _CommandTable,
        credentials: LabCredentials,
        process: asyncssh.SSHServerProcess[str],
    ) -> None:
        self._router = router
        self._table = table
        self._secret = credentials.secret
        self._process = process
        self._ios = router.platform == "cisco_ios"
        self._privileged = not self._ios  # XR logs straight into exec mode
        self._reading_secret = False
        self._bad_secrets = 0
        self._line: list[str] = []
        self._after_cr = False  # so "\r\n" counts as one line end even across reads
        self._escape = 0  # 1 after ESC, 2 inside a CSI sequence (arrow keys from humans)
        self._pending: list[str] = []
        self._closing = False

    @property
    def prompt(self) -> str:
        if not self._ios:
            return f"RP/0/RP0/CPU0:{self._router.name}#"
        return f"{self._router.name}{'#' if self._privileged else '>'}"

    async def run(self) -> None:
        try:
            command = self._process.command
            if command is not None:
                # `ssh host "show version"`: answer once without echo or prompt.
                await self._exec(command)
                return
            self._emit("\r\n" + self.prompt)
            await self._flush()
            while not self._closing:
                try:
                    chunk = await self._process.stdin.read(_READ_SIZE)
                except (
                    asyncssh.TerminalSizeChanged,
                    asyncssh.BreakReceived,
                    asyncssh.SignalReceived,
                ):
                    continue  # window resizes etc. are not input
                if not chunk:
                    break  # client sent EOF
                await self._feed(chunk)
        except (OSError, asyncssh.Error):
            pass  # client vanished mid-command; only this session is affected
        finally:
            with contextlib.suppress(OSError, asyncssh.Error):
                self._process.exit(0)

    async def _exec(self, command: str) -> None:
        if self._router.latency > 0:
            await asyncio.sleep(self._router.latency)
        output = self._answer(command)
        if output is None:
            self._emit(self._invalid(command, with_prompt=False))
        else:
            self._emit(output)
        await self._flush()

    def _emit(self, text: str) -> None:
        self._pending.append(text)

    async def _flush(self) -> None:
        # One write per burst keeps echo, output and prompt in as few packets as possible.
        if self._pending:
            data = "".join(self._pending)
            self._pending.clear()
            self._process.stdout.write(data)
            await self._process.stdout.drain()

    async def _feed(self, chunk: str) -> None:
        for char in chunk:
            if self._closing:
                break
            if self._after_cr:
                self._after_cr = False
                if char == "\n":
                    continue
            if self._escape:
                if self._escape == 1:
                    self._escape = 2 if char in "[O" else 0
                elif "@" <= char <= "~":
                    self._escape = 0
                continue
            if char in "\r\n":
                self._after_cr = char == "\r"
                line = "".join(self._line)
                self._line.clear()
                await self._end_line(line)
            elif char in "\x7f\x08":
                if self._line:
                    self._line.pop()
                    if not self._reading_secret:
                        self._emit("\b \b")
            elif char == "\x03":  # Ctrl-C abandons the line, as on a router
                self._line.clear()
                self._reading_secret = False
                self._emit("\r\n" + self.prompt)
            elif char == "\x1b":
                self._escape = 1
            elif char.isprintable():
                self._line.append(char)
                if not self._reading_secret:
                    self._emit(char)
            # Other control characters are ignored.
        await self._flush()

    async def _end_line(self, line: str) -> None:
        self._emit("\r\n")
        if self._reading_secret:
            self._reading_secret = False
            self._check_secret(line)
            return
        command = _normalise(line)
        if not command:
            self._emit(self.prompt)
            return
        if self._router.latency > 0:
            await self._flush()  # the echo goes out at once; only the answer is slow
            await asyncio.sleep(self._router.latency)
        self._run_command(line, command)

    def _check_secret(self, attempt: str) -> None:
        if hmac.compare_digest(attempt.encode(), self._secret.encode()):
            self._privileged = True
            self._bad_secrets = 0
        else:
            self._bad_secrets += 1
            if self._bad_secrets >= _MAX_BAD_SECRETS:
                self._bad_secrets = 0
                self._emit("% Bad secrets\r\n\r\n")
            else:
                self._emit("% Access denied\r\n\r\n")
        self._emit(self.prompt)

    def _run_command(self, line: str, command: str) -> None:
        words = command.split(" ")
        keyword = words[0].lower()
        if len(words) == 1 and keyword in ("exit", "logout", "quit"):
            self._closing = True
            return
        if len(keyword) >= 4 and "terminal".startswith(keyword):
            self._emit(self.prompt)  # terminal length/width/...: accepted, silent
            return
        if command == "enable":
            if self._privileged:
                self._emit(self.prompt)
            else:
                self._emit("Password: ")
                self._reading_secret = True
            return
        if self._ios and command == "disable":
            self._privileged = False
            self._emit(self.prompt)
            return
        output = self._answer(line)
        if output is None:
            self._emit(self._invalid(line, with_prompt=True))
        else:
            self._emit(output + self.prompt)

    def _answer(self, line: str) -> str | None:
        """The recorded output with CRLF line ends, or None if the CLI would reject it."""
        command = _normalise(line)
        if not self._privileged and not any(
            command == allowed or command.startswith(allowed + " ") for allowed in _IOS_USER_MODE
        ):
            return None
        text = self._table.lookup(line)
        if text is None:
            return None
        if not text:
            return ""
        return "".join(part + "\r\n" for part in text.replace("\r\n", "\n").split("\n"))

    def _invalid(self, line: str, *, with_prompt: bool) -> str:
        # The caret sits under the start of the command, offset by the prompt it follows.
        indent = len(line) - len(line.lstrip()) + (len(self.prompt) if with_prompt else 0)
        text = " " * indent + "^\r\n% Invalid input detected at '^' marker.\r\n\r\n"
        return text + (self.prompt if with_prompt else "")


class RunningLab:
    """Handle on a started lab: bound ports, and close() to stop listening and hang up."""

    def __init__(self) -> None:
        self.ports: dict[str, int] = {}
        self._acceptors: list[asyncssh.SSHAcceptor] = []
        self._connections: set[asyncssh.SSHServerConnection] = set()

    async def close(self) -> None:
        for acceptor in self._acceptors:
            acceptor.close()
        for acceptor in self._acceptors:
            with contextlib.suppress(Exception):
                await acceptor.wait_closed()
        self._acceptors.clear()
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


async def serve(
    routers: Sequence[LabRouter],
    credentials: LabCredentials,
    host: str = "127.0.0.1",
    *,
    host_key_path: Path | None = None,
) -> RunningLab:
    """Start listening for every router on host (loopback only) in the running event loop.

    Raises ValueError for a non-loopback host or duplicate names, and LabBindError if a port
    cannot be bound (routers already started are closed again first).
    """
    check_loopback(host)
    names = [router.name for router in routers]
    if len(set(names)) != len(names):
        raise ValueError("router names must be unique")
    key = asyncssh.read_private_key(host_key_path) if host_key_path else _default_host_key()
    lab = RunningLab()
    try:
        for router in routers:
            table = _CommandTable(router.outputs)

            def make_server() -> _RouterServer:
                return _RouterServer(credentials, lab)

            async def handle(
                process: asyncssh.SSHServerProcess[str],
                router: LabRouter = router,
                table: _CommandTable = table,
            ) -> None:
                await _RouterSession(router, table, credentials, process).run()

            try:
                acceptor = await asyncssh.create_server(
                    make_server,
                    host,
                    router.port,
                    server_host_keys=[key],
                    process_factory=handle,
                    # Echo is ours: asyncssh's line editor echoes queued input before prompts.
                    line_editor=False,
                    encoding="utf-8",
                    errors="replace",
                    password_auth=True,
                    kbdint_auth=False,
                    public_key_auth=False,
                    gss_host=None,
                    agent_forwarding=False,
                    x11_forwarding=False,
                    allow_scp=False,
                )
            except OSError as exc:
                raise LabBindError(router.name, host, router.port, exc) from exc
            lab._acceptors.append(acceptor)
            lab.ports[router.name] = acceptor.get_port()
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
            return EXIT_REFUSED
        dns_server: DnsServer | None = None
        try:
            ready = dict(lab.ports)
            if dns is not None:
                from netaccept.labdns import DnsServer

                dns_server = DnsServer(dns.records)
                try:
                    ready[DNS_READY_KEY] = await dns_server.start(host, dns.port)
                except OSError as exc:
                    _err(f"dns: cannot listen on {host}:{dns.port}/udp: {exc.strerror or exc}")
                    return EXIT_REFUSED
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
    return EXIT_OK


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
        return EXIT_REFUSED
    credentials = LabCredentials(
        os.environ[ENV_USERNAME], os.environ[ENV_PASSWORD], os.environ[ENV_SECRET]
    )
    try:
        spec = load_spec(args.spec)
        check_loopback(spec.host)
        routers = routers_from_spec(spec)
    except ValueError as exc:
        _err(f"refusing to start: {exc}")
        return EXIT_REFUSED
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


# ---------------------------------------------------------------------------------------------
# Running the lab in a child process
# ---------------------------------------------------------------------------------------------


class LabProcess:
    """Context manager running the lab in its own process (``sys.executable -m netaccept.lab``).

    ``ports`` maps router name to bound port once ``__enter__`` returns. With
    ``dns_records`` (even an empty list) the lab also serves DNS over UDP on ``host`` at
    ``dns_port`` (0: a free port), and ``dns_port`` is the bound port once started (else None).
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
        if self.host_key_path is not None:
            spec["host_key_path"] = str(Path(self.host_key_path).resolve())
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
        root = str(Path(__file__).resolve().parent.parent)
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


if __name__ == "__main__":
    sys.exit(main())
