"""Transports: how the raw output of a command is obtained for a device.

Two implementations of one small interface: netmiko over SSH for real routers (and the
lab), and replay from a recording. Both refuse any command outside the read-only
allow-list before anything else happens.
"""

from __future__ import annotations

import contextlib
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from netaccept.core.evidence import Recording, RecordingError, read_recording, recording_path
from netaccept.inventory import Device, resolve_credentials
from netaccept.session.algorithms import (
    RecordingSocket,
    SshAlgorithms,
    disabled_algorithms,
    negotiated,
)
from netaccept.session.commands import ensure_read_only
from netaccept.session.failures import (
    CommandFailed,
    DeviceUnavailable,
    SessionLost,
    TransportError,
    connect_error,
    dropped_message,
    first_line,
    not_ssh,
    os_reason,
    prompt_changed_message,
    stalled_after_banner,
    tcp_error,
)
from netaccept.session.hostkeys import (
    DEFAULT_KNOWN_HOSTS,
    HostKeyDecision,
    HostKeyOutcome,
    HostKeyPolicy,
    KnownHostsPolicy,
)
from netaccept.session.jump import JumpChain, JumpError, Route, route
from netaccept.session.screen import EMPTY_LINE, SPACE, OutputReading, find_echo
from netaccept.session.traits import CliTraits


class Session(Protocol):
    """An open conversation with one device."""

    host_key: str | None
    host_key_check: str | None
    algorithms: SshAlgorithms | None  # negotiated (SSH); None for a replay

    def run(self, command: str) -> str:
        """The raw output of `command` (without the echoed command and the prompt)."""
        ...

    def close(self) -> None: ...


class Transport(Protocol):
    """Opens sessions; `name` appears in certificates ("ssh" or "replay")."""

    name: str

    def open(self, device: Device) -> Session: ...


# ---------------------------------------------------------------- replay


class ReplaySession:
    host_key: str | None = None
    algorithms: SshAlgorithms | None = None
    host_key_check: str | None = None

    def __init__(self, device: Device, recording: Recording, source: Path) -> None:
        self._device = device
        self._recording = recording
        self._source = source

    def run(self, command: str) -> str:
        ensure_read_only(command)
        try:
            return self._recording.outputs[command]
        except KeyError:
            raise CommandFailed(
                f"the recording {self._source} has no output for {command!r}"
            ) from None

    def close(self) -> None:
        pass


class ReplayTransport:
    """Answers from a recording directory (`<device>.json` per device); no connection."""

    name = "replay"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def open(self, device: Device) -> ReplaySession:
        path = recording_path(self.directory, device.name)
        try:
            recording = read_recording(path)
        except RecordingError as exc:
            raise DeviceUnavailable(str(exc)) from None
        if recording.platform != device.platform:
            raise DeviceUnavailable(
                f"{path} was recorded from a {recording.platform} device but the inventory "
                f"says {device.name} is {device.platform}"
            )
        return ReplaySession(device, recording, path)


# ---------------------------------------------------------------- SSH (netmiko)

_PASSWORD_PROMPT = re.compile(r"(?i)password:\s*$")
# Exactly what netmiko's IOS and IOS-XR session_preparation() send.
_SESSION_SETTINGS = ("terminal width 511", "terminal length 0")
# Seconds between the wake-ups of an idle session's transport thread once it is logged in.
_IDLE_WAKEUP_S = 1.0


@dataclass(frozen=True)
class HostKeySettings:
    """How router host keys are verified (``--host-key-policy``, ``--known-hosts``)."""

    policy: HostKeyPolicy = HostKeyPolicy.STRICT
    known_hosts: Path = DEFAULT_KNOWN_HOSTS


def _verification(decision: HostKeyDecision) -> str:
    """How the host key was verified, in words for the certificate."""
    if decision.outcome is HostKeyOutcome.RECORDED:
        return (
            f"unknown before this run; recorded on first use ({decision.key_type} "
            f"{decision.fingerprint}) as line "
            f"{decision.line} of {decision.known_hosts} (--host-key-policy accept-new): check "
            "this fingerprint with the router's administrator"
        )
    if not decision.verified:
        return "NOT verified (--host-key-policy insecure)"
    return (
        f"matches line {decision.line} of {decision.known_hosts} "
        f"(--host-key-policy {decision.policy.value})"
    )


class _Timeout(Exception):
    """The router printed nothing that ends the read before the deadline."""

    def __init__(self, partial: str = "", *, printing: bool = False) -> None:
        super().__init__("timed out")
        self.partial = partial  # what was read before the deadline
        self.printing = printing  # the router was still sending when the time was up


class _Closed(Exception):
    """The router or the network closed the session."""


class _NotEnabled(Exception):
    """IOS refused the enable secret (or has none set)."""


def _prompt_line(text: str) -> str | None:
    """The last line of `text` if it is a complete CLI prompt (`NAME#`, `NAME>`), else None."""
    line = text[max(text.rfind("\n"), text.rfind("\r")) + 1 :].strip()
    return line if line[-1:] in ("#", ">") else None


class NetmikoSession:
    """A netmiko connection, enabled on IOS, with the router's own prompt as the end marker.

    netmiko opens the connection (paramiko, authentication, the interactive shell) and does
    the channel I/O (`write_channel`, `read_channel`, which keeps its read buffer). What
    netmiko does by timing, this class does by waiting for data: netmiko's loops sleep
    10-100 ms between reads (`send_command` at least 25 ms per command, its session
    preparation and `find_prompt` about 250 ms per login), which at hundreds of routers is
    most of a run. Here every read waits on paramiko's "data ready" event. A command's output
    ends when the router has printed the echo of the command (however its terminal wrapped
    it), then its own, exact prompt alone on the last line, and the same prompt again after
    an empty line (a prompt line inside an output cannot fake that): two round trips. A pager
    prompt is answered with a space, and the evidence is the output as if unpaged
    (`netaccept.session.screen`). The session preparation is netmiko's (terminal width 511,
    terminal length 0, then `enable` on IOS), driven the same way.

    The TCP connection is opened here with TCP_NODELAY and handed to paramiko (`sock=`):
    without it, Nagle's algorithm holds back small writes (each command) on some paths.
    """

    def __init__(
        self,
        device: Device,
        cli: CliTraits,
        username: str,
        password: str,
        secret: str,
        host_keys: HostKeySettings | None = None,
        logins: AbstractContextManager[Any] | None = None,
    ) -> None:
        self._device = device
        self._cli = cli
        self._conn: Any = None
        self._channel: Any = None
        self.host_key: str | None = None
        self.host_key_check: str | None = None
        keys = host_keys or HostKeySettings()
        # Only the connection, the SSH handshake and the authentication wait for a login
        # slot (what loads a router's CPU and the TACACS+ server); the session preparation
        # and the commands run outside it.
        with logins if logins is not None else contextlib.nullcontext():
            policy = self._login(device, cli, username, password, secret, keys)
        self._start(device, cli, keys, policy)

    def _login(
        self,
        device: Device,
        cli: CliTraits,
        username: str,
        password: str,
        secret: str,
        keys: HostKeySettings,
    ) -> KnownHostsPolicy:
        """TCP (or the jump hosts), the SSH handshake, the host key and the authentication."""
        from netmiko import ConnectHandler

        t = device.timeouts
        path = route(device)
        self._jumps = JumpChain(device, path, keys.known_hosts, keys.policy)
        sock = self._path_to(device, path)
        policy = KnownHostsPolicy(keys.known_hosts, keys.policy, path.host, path.port)
        keys_offered = self._jumps.keys
        try:
            self._conn = ConnectHandler(
                device_type=cli.driver,
                host=path.host,
                port=path.port,
                username=username,
                password=password,
                secret=secret,
                conn_timeout=t.connect,
                banner_timeout=t.banner,
                auth_timeout=t.auth,
                # Public keys: the inventory's key file, and the agent's (on by default
                # when SSH_AUTH_SOCK is set); then the password, then keyboard-interactive
                # (paramiko falls back to it when the router allows only that).
                allow_agent=keys_offered.agent,
                use_keys=keys_offered.key_file is not None,
                key_file=keys_offered.key_file,
                passphrase=keys_offered.passphrase,
                ssh_config_file=None,
                fast_cli=True,
                disabled_algorithms=disabled_algorithms(device.ssh.legacy_algorithms),
                sock=sock,
                auto_connect=False,  # the session preparation below replaces netmiko's
            )
            # netmiko offers only paramiko's AutoAdd or Reject. The client loads no host keys
            # of its own (system_host_keys and alt_host_keys are off), so paramiko asks this
            # policy about every key: after key exchange, before the password is sent.
            self._conn.key_policy = policy
            self._conn.establish_connection()
        except Exception as exc:  # paramiko raises many types; none may escape as a crash
            self._abandon(sock)
            head = bytes(sock.head)
            stalled = not_ssh(device, head) or stalled_after_banner(device, exc, head)
            raise stalled or connect_error(device, exc, sock.offer()) from None
        transport = self._conn.remote_conn.get_transport()
        self.algorithms: SshAlgorithms | None = negotiated(transport, sock.offer())
        self._sock = sock
        return policy

    def _start(
        self, device: Device, cli: CliTraits, keys: HostKeySettings, policy: KnownHostsPolicy
    ) -> None:
        """The host key's verdict, then the session preparation (terminal, enable)."""
        where = f"{device.name} ({device.host}:{device.port})"
        sock = self._sock
        decision = policy.decision
        if decision is None:  # paramiko knew the key from elsewhere and never asked
            self._abandon(sock)
            raise DeviceUnavailable(
                f"{where}: the router's host key was not checked against "
                f"{keys.known_hosts}; the session is not used"
            )
        self.host_key = f"{decision.key_type} {decision.fingerprint}"
        self.host_key_check = _verification(decision)
        self._channel = self._conn.remote_conn
        # paramiko's transport thread wakes every 0.1 s (its socket timeout) to look for a
        # close; the handshake is done, and a closed channel wakes a read of ours at once:
        # with hundreds of sessions waiting on slow routers those wake-ups (and a hand-over
        # of the interpreter lock each) were most of a run's CPU.
        with contextlib.suppress(OSError):
            self._channel.get_transport().sock.settimeout(_IDLE_WAKEUP_S)
        # Set by paramiko whenever data arrives or the channel closes (documented for
        # BufferedPipe.set_event); cleared when everything has been read.
        self._ready = threading.Event()
        self._channel.in_buffer.set_event(self._ready)
        try:
            prompt = self._prepare()
        except _NotEnabled as exc:
            self.close()
            raise DeviceUnavailable(
                f"{where}: could not enter privileged mode: {exc}; check the enable secret in "
                f"{device.credentials.secret_env} (it defaults to the password); not retried"
            ) from None
        except _Timeout:
            self.close()
            waited, setting, seconds = self._step
            raise DeviceUnavailable(
                f"{where}: logged in, but {waited} did not come within {seconds:g} s "
                f"({setting}): the router's CLI is stuck or overloaded; run again, or raise "
                f"{setting} for a slow router"
            ) from None
        except Exception as exc:  # closed by the router, or a channel error
            self.close()
            raise DeviceUnavailable(
                f"{where}: the router closed the session during login "
                f"({first_line(exc)}): a vty access-class, an exec timeout or AAA "
                "authorization may refuse this user; run again",
                transient=isinstance(exc, _Closed),
            ) from None
        self._prompt = prompt
        self._conn.base_prompt = prompt[:-1][: cli.base_prompt_length]

    def _path_to(self, device: Device, path: Route) -> RecordingSocket:
        """The connection to the router: TCP, or a channel through the jump hosts."""
        t = device.timeouts
        if not path.hops:
            try:
                return RecordingSocket(_tcp_connect(path.host, path.port, t.connect))
            except OSError as exc:
                raise tcp_error(device, exc) from None
        where = f"{device.name} ({device.host}:{device.port})"

        def connect(host: str, port: int) -> socket.socket:
            return _tcp_connect(host, port, t.connect)

        try:
            return RecordingSocket(self._jumps.open(connect))
        except OSError as exc:
            self._jumps.close()
            hop = path.hops[0]
            raise DeviceUnavailable(
                f"{where}: jump host {hop}: {os_reason(exc)}", transient=True
            ) from None
        except JumpError as exc:
            self._jumps.close()
            raise DeviceUnavailable(f"{where}: {exc}") from None

    def _abandon(self, sock: RecordingSocket) -> None:
        if self._conn is not None:
            self._conn.cleanup = _no_logout
            with contextlib.suppress(Exception):
                self._conn.disconnect()  # also removes netmiko's secrets filter from its log
        sock.close()
        self._jumps.close()

    # -- reading

    def _read(self, done: Callable[[str], bool], deadline: float) -> str:
        """Read until `done(everything read so far)`; waits for data, never polls.

        The text is as the router sent it (line ends are normalised once per output, as CR
        and LF may come in separate reads). The deadline is checked after every read, so a
        router that never stops printing is left at it too.
        """
        text = ""
        heard = time.monotonic()
        while True:
            chunk: str = self._conn.read_channel()
            if chunk:
                text += chunk
                heard = time.monotonic()
                if done(text):
                    return text
            elif self._channel.closed or self._channel.eof_received:
                raise _Closed("the router closed the session")
            now = time.monotonic()
            if now >= deadline:
                raise _Timeout(text, printing=now - heard < _STILL_PRINTING)
            if not chunk:
                self._ready.wait(deadline - now)

    def _press(self, key: str) -> None:
        """Send a key that runs nothing: a space to a pager prompt, or an empty line."""
        if key not in (SPACE, EMPTY_LINE):
            raise ValueError(f"refusing to send {key!r}: not a space or an empty line")
        self._conn.write_channel(key or self._conn.RETURN)

    def _send(self, line: str, deadline: float) -> tuple[str, str]:
        """Send `line`; read its echo and what follows up to a prompt: (output, prompt)."""
        ensure_read_only(line)
        self._conn.write_channel(self._conn.normalize_cmd(line))
        found: list[tuple[int, str]] = []

        def done(text: str) -> bool:
            echo = find_echo(text, line)
            prompt = None if echo is None else _prompt_line(text[echo:])
            if echo is None or prompt is None:
                return False
            found.append((echo, prompt))
            return True

        text = self._read(done, deadline)
        echo, prompt = found[0]
        return text[echo:], prompt

    def _prepare(self) -> str:
        """netmiko's session preparation, then `enable` on IOS; returns the prompt.

        The first prompt must come within timeouts.connect; each step after it is a command
        and has timeouts.command, as any other (a slow router is slow at these too).
        `self._step` says which step a timeout interrupted.
        """
        conn = self._conn
        t = self._device.timeouts
        self._step = "the first CLI prompt", "timeouts.connect", t.connect
        # Raw text from every read: netmiko would normalise each read on its own, and turn a
        # CR LF split between two reads into two line ends (see netaccept.session.screen).
        conn.disable_lf_normalization = True
        conn.write_channel(conn.RETURN)  # as netmiko does: some routers wait for a key
        self._read(lambda text: _prompt_line(text) is not None, time.monotonic() + t.connect)
        prompt = ""
        for setting in _SESSION_SETTINGS:
            self._step = f"the prompt after {setting!r}", "timeouts.command", t.command
            _output, prompt = self._send(setting, time.monotonic() + t.command)
        if self._cli.enable and not prompt.endswith("#"):
            self._step = "the prompt after 'enable'", "timeouts.command", t.command
            prompt = self._enable(time.monotonic() + t.command)
        return prompt

    def _enable(self, deadline: float) -> str:
        conn = self._conn
        conn.write_channel(conn.normalize_cmd(ensure_read_only("enable")))

        def asked(text: str) -> bool:
            after = text[text.find("enable") + len("enable") :] if "enable" in text else ""
            return bool(_PASSWORD_PROMPT.search(after) or _prompt_line(after))

        text = self._read(asked, deadline)
        if _PASSWORD_PROMPT.search(text):
            conn.write_channel(conn.normalize_cmd(conn.secret))
            # A wrong secret gives the user-mode prompt back, or asks again.
            text = self._read(
                lambda text: bool(_prompt_line(text) or _PASSWORD_PROMPT.search(text)), deadline
            )
        prompt = _prompt_line(text)
        if prompt is None or not prompt.endswith("#"):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            said = [line for line in lines if line.startswith("%")]
            where = f"stayed at {prompt!r}" if prompt else f"asked {lines[-1]!r} again"
            raise _NotEnabled(f"the router {where}" + (f" ({said[-1]})" if said else ""))
        return prompt

    # -- the interface

    def run(self, command: str) -> str:
        ensure_read_only(command)
        line = command.strip()
        timeout = self._device.timeouts.command
        # The output ends at the router's own prompt alone on a line after the echo of the
        # command (so that no earlier prompt can end the read), confirmed by the same prompt
        # again after an empty line; pager prompts get a space (netaccept.session.screen).
        # The same prompt in user mode ends it too: privileged mode was lost mid-session.
        reading = OutputReading(line, self._prompt, self._press)
        try:
            self._conn.write_channel(self._conn.normalize_cmd(line))
            text = self._read(reading.done, time.monotonic() + timeout)
        except _Timeout as exc:
            raise SessionLost(self._timed_out(command, exc)) from None
        except (_Closed, OSError, EOFError):
            raise SessionLost(dropped_message(command)) from None
        except Exception as exc:
            raise SessionLost(
                f"the session failed during {command!r}: {type(exc).__name__}: "
                f"{first_line(exc)}; the remaining commands were not run; run again"
            ) from None
        if reading.prompt != self._prompt:
            raise SessionLost(prompt_changed_message(self._prompt, str(reading.prompt), command))
        # What the router printed is the evidence, noise and all: whether it can be read
        # (binary noise, a configuration cut short) is for the parser to say, the same for a
        # live run and a replay.
        return reading.output(text)

    def _timed_out(self, command: str, timeout: _Timeout) -> str:
        """Why `command` did not finish: still printing, hung, prompt changed, connection
        gone, or slow."""
        seconds = self._device.timeouts.command
        partial = timeout.partial
        if timeout.printing:
            return (
                f"{command!r} did not finish within {seconds:g} s (timeouts.command): the "
                f"router was still printing when the time was up ({len(partial)} characters, "
                "no prompt): its output never ends (a flood of log or debug messages on the "
                "terminal?) or is longer than that; the partial output is not used and the "
                "remaining commands were not run; raise timeouts.command if it is only long"
            )
        echo = find_echo(partial, command.strip(), self._prompt)
        prompt = None if echo is None else _prompt_line(partial[echo:])
        if prompt is None or prompt == self._prompt:
            prompt = self._probe_prompt()
        if prompt is None:
            return dropped_message(command)
        if not prompt:
            return (
                f"{command!r} did not finish within {seconds:g} s (timeouts.command) and the "
                "router no longer answers, not even an empty line: the session hung (CLI "
                "stuck or router overloaded); the remaining commands were not run; run "
                "again, or raise timeouts.command if the router is only slow"
            )
        if prompt != self._prompt:
            return prompt_changed_message(self._prompt, prompt, command)
        return (
            f"{command!r} did not finish within {seconds:g} s (timeouts.command), although "
            "the router still answers: the command is slow on this router; raise "
            "timeouts.command"
        )

    def _probe_prompt(self) -> str | None:
        """The prompt the router prints after an empty line: None if the connection is gone,
        "" if it prints none within _PROBE_SECONDS."""
        try:
            self._conn.write_channel(self._conn.RETURN)
            text = self._read(
                lambda text: _prompt_line(text) is not None, time.monotonic() + _PROBE_SECONDS
            )
        except _Timeout:
            return ""
        except Exception:  # closed, reset, or the transport is gone
            return None
        return _prompt_line(text) or ""

    def close(self) -> None:
        # Closing the channel first ends the CLI session on the router at once (as `exit`
        # would) and leaves netmiko's disconnect() nothing to wait for; the session may
        # already be gone, and then there is nothing left to release.
        if self._conn is None:
            return
        if self._channel is not None:
            with contextlib.suppress(Exception):
                self._channel.close()
        # netmiko's disconnect() would first log out politely (`exit`, then wait for the
        # router): with the channel closed that goes nowhere, and on a hung session it waits
        # in vain. Only its release of the connection and of its log filter is wanted.
        self._conn.cleanup = _no_logout
        with contextlib.suppress(Exception):
            self._conn.disconnect()
        self._jumps.close()


def _no_logout(command: str = "") -> None:
    """Stands in for netmiko's cleanup(): nothing is sent to a router that is being left."""


# How long a router whose command timed out may take to answer an empty line.
_PROBE_SECONDS = 1.5
# A read that times out with data received this recently: the router was still printing.
_STILL_PRINTING = 0.5


def _tcp_connect(host: str, port: int, timeout: float) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    with contextlib.suppress(OSError):  # an optimisation only, not on every socket type
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class LoginGate:
    """At most `size` logins at once; a session waiting for its turn gives up once `stopped()`.

    A run stopped by Ctrl-C must not connect to, nor authenticate at, any router that had
    not started its login: the wait is taken in short steps that look at the stop.
    """

    def __init__(self, size: int, stopped: Callable[[], bool]) -> None:
        self.semaphore = threading.BoundedSemaphore(size)
        self.stopped = stopped

    def __enter__(self) -> None:
        while not self.semaphore.acquire(timeout=0.1):
            if self.stopped():
                break
        else:
            if not self.stopped():
                return
            self.semaphore.release()
        raise DeviceUnavailable("the run was stopped before its login began")

    def __exit__(self, *exc: object) -> None:
        self.semaphore.release()


class SshTransport:
    """Live SSH through netmiko, credentials from the environment (or a prompt).

    Host keys are verified against a known_hosts file (`host_keys`). A transient connection
    failure (refused, TCP or banner timeout, reset during the handshake) is tried once more
    after timeouts.retry_delay, plus up to half as much jitter so that a POP's routers do
    not all come back at once; authentication, enable and host key failures never are
    (repeated failed logins can lock a TACACS+ account).
    """

    name = "ssh"

    def __init__(
        self,
        cli: Mapping[str, CliTraits],
        host_keys: HostKeySettings | None = None,
        *,
        logins: int | None = None,
    ) -> None:
        # Imported here, once, rather than by the first of many sessions opening at once.
        import netmiko  # noqa: F401

        self.cli = cli  # platform name -> how to drive its CLI (netaccept.platforms)
        self.host_keys = host_keys or HostKeySettings()
        # Whether the run was asked to stop (set by the run): no login starts after it.
        self.stopped: Callable[[], bool] = lambda: False
        # At most `logins` connections in their handshake and authentication at once, across
        # every session this transport opens (None: no bound).
        self.logins = LoginGate(logins, lambda: self.stopped()) if logins else None

    def open(self, device: Device) -> NetmikoSession:
        username, password, secret = resolve_credentials(device)
        cli = self.cli[device.platform]
        try:
            return NetmikoSession(
                device, cli, username, password, secret, self.host_keys, self.logins
            )
        except DeviceUnavailable as exc:
            if not exc.transient:
                raise
        delay = device.timeouts.retry_delay
        waited = threading.Event()  # never set: a wait that looks at the stop in steps
        deadline = time.monotonic() + delay + random.uniform(0, delay / 2)
        while not self.stopped() and time.monotonic() < deadline:
            waited.wait(min(0.1, deadline - time.monotonic()))
        if self.stopped():
            raise DeviceUnavailable("the run was stopped before its login was tried again")
        try:
            return NetmikoSession(
                device, cli, username, password, secret, self.host_keys, self.logins
            )
        except DeviceUnavailable as exc:
            raise DeviceUnavailable(
                f"{exc} (tried twice, {delay:g} s apart)", transient=exc.transient
            ) from None


__all__ = [
    "CommandFailed",
    "DeviceUnavailable",
    "HostKeySettings",
    "LoginGate",
    "NetmikoSession",
    "ReplaySession",
    "ReplayTransport",
    "Session",
    "SessionLost",
    "SshTransport",
    "Transport",
    "TransportError",
]
