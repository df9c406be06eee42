"""Transports: how the raw output of a command is obtained for a device.

Two implementations of one small interface: netmiko over SSH for real routers (and the
lab), and replay from a recording. Both refuse any command outside the read-only
allow-list before anything else happens.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from netaccept.commands import ensure_read_only
from netaccept.evidence import Recording, RecordingError, read_recording, recording_path
from netaccept.inventory import Device, resolve_credentials


class TransportError(Exception):
    """Base of everything that stops the harness from getting an output."""


class DeviceUnavailable(TransportError):
    """No session could be opened: every command of the device is undecidable."""


class CommandFailed(TransportError):
    """This one command produced no usable output; the session is still usable."""


class SessionLost(TransportError):
    """The session died mid-way: the remaining commands cannot be run on it."""


class Session(Protocol):
    """An open conversation with one device."""

    host_key: str | None

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

_REJECTED = re.compile(
    r"^\s*% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command)", re.M
)
_PASSWORD_PROMPT = re.compile(r"(?i)password:\s*$")
# What netmiko's Cisco drivers keep of the prompt as `base_prompt` (it strips the trailing
# `#`/`>` and abbreviates, because the router abbreviates its hostname in config mode).
_BASE_PROMPT_LENGTH = {"cisco_ios": 16, "cisco_xr": 31}
# Exactly what netmiko's IOS and IOS-XR session_preparation() send.
_SESSION_SETTINGS = ("terminal width 511", "terminal length 0")


def _fingerprint(key: Any) -> str:
    digest = hashlib.sha256(key.asbytes()).digest()
    return f"{key.get_name()} SHA256:{base64.b64encode(digest).decode().rstrip('=')}"


class _Timeout(Exception):
    """The router printed nothing that ends the read before the deadline."""


class _Closed(Exception):
    """The router or the network closed the session."""


class _NotEnabled(Exception):
    """IOS refused the enable secret (or has none set)."""


def _prompt_line(text: str) -> str | None:
    """The last line of `text` if it is a complete CLI prompt (`NAME#`, `NAME>`), else None."""
    line = text[text.rfind("\n") + 1 :].strip()
    return line if line[-1:] in ("#", ">") else None


class NetmikoSession:
    """A netmiko connection, enabled on IOS, with the router's own prompt as the end marker.

    netmiko opens the connection (paramiko, authentication, the interactive shell) and does
    the channel I/O (`write_channel`, `read_channel`, which normalises line ends and keeps
    its read buffer) and the stripping of echo and prompt. What netmiko does by timing, this
    class does by waiting for data: netmiko's loops sleep 10-100 ms between reads
    (`send_command` at least 25 ms per command, its session preparation and `find_prompt`
    about 250 ms per login), which at hundreds of routers is most of a run. Here every read
    waits on paramiko's "data ready" event and ends as soon as the router has printed the
    echo of the command and then its own, exact prompt at the start of the last line, so a
    command takes one round trip. The session preparation is netmiko's (terminal width 511,
    terminal length 0, then `enable` on IOS), driven the same way.

    The TCP connection is opened here with TCP_NODELAY and handed to paramiko (`sock=`):
    without it, Nagle's algorithm holds back small writes (each command) on some paths.
    """

    def __init__(
        self,
        device: Device,
        username: str,
        password: str,
        secret: str,
        *,
        key_policy: Any = None,
    ) -> None:
        from netmiko import ConnectHandler
        from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException

        self._device = device
        self._conn: Any = None
        self._channel: Any = None
        self.host_key: str | None = None
        where = f"{device.host}:{device.port}"
        connect = device.timeouts.connect
        try:
            sock = _tcp_connect(device.host, device.port, connect)
        except TimeoutError:
            raise DeviceUnavailable(
                f"{device.name} ({where}): no SSH session within {connect:g} s (TCP connect "
                "timed out); check the address, the port and any firewall in between"
            ) from None
        except OSError as exc:
            raise DeviceUnavailable(
                f"{device.name} ({where}): no SSH session ({_os_reason(exc)}); check the "
                "address, the port and any firewall in between"
            ) from None
        try:
            self._conn = ConnectHandler(
                device_type=device.platform,
                host=device.host,
                port=device.port,
                username=username,
                password=password,
                secret=secret,
                conn_timeout=connect,
                auth_timeout=connect,
                banner_timeout=connect,
                allow_agent=False,
                use_keys=False,
                ssh_config_file=None,
                fast_cli=True,
                sock=sock,
                auto_connect=False,  # the session preparation below replaces netmiko's
            )
            if key_policy is not None:
                self._conn.key_policy = key_policy
            self._conn.establish_connection()
        except NetmikoAuthenticationException:
            self._abandon(sock)
            raise DeviceUnavailable(
                f"{device.name} ({where}): authentication failed; check the username and "
                f"password in {device.credentials.username_env} / {device.credentials.password_env}"
            ) from None
        except NetmikoTimeoutException as exc:
            self._abandon(sock)
            raise DeviceUnavailable(
                f"{device.name} ({where}): no SSH session within {connect:g} s "
                f"({_first_line(exc)}); check the address, the port and any firewall in between"
            ) from None
        except (TimeoutError, OSError, EOFError, ValueError) as exc:
            self._abandon(sock)
            raise DeviceUnavailable(
                f"{device.name} ({where}): connection failed: {_first_line(exc)}"
            ) from None
        except Exception as exc:  # paramiko raises many types; none may escape as a crash
            self._abandon(sock)
            raise DeviceUnavailable(
                f"{device.name} ({where}): SSH error: {type(exc).__name__}: {_first_line(exc)}"
            ) from None
        self._channel = self._conn.remote_conn
        # Set by paramiko whenever data arrives or the channel closes (documented for
        # BufferedPipe.set_event); cleared when everything has been read.
        self._ready = threading.Event()
        self._channel.in_buffer.set_event(self._ready)
        self.host_key = self._read_host_key()
        try:
            prompt = self._prepare(time.monotonic() + connect)
        except _NotEnabled as exc:
            self.close()
            raise DeviceUnavailable(
                f"{device.name} ({where}): could not enter privileged mode: {exc}; "
                f"check the enable secret in {device.credentials.secret_env}"
            ) from None
        except _Timeout:
            self.close()
            raise DeviceUnavailable(
                f"{device.name} ({where}): no CLI prompt within {connect:g} s after login "
                "(timeouts.connect)"
            ) from None
        except Exception as exc:  # closed by the router, or a channel error
            self.close()
            raise DeviceUnavailable(
                f"{device.name} ({where}): the session ended during login: {_first_line(exc)}"
            ) from None
        self._prompt = prompt
        self._conn.base_prompt = prompt[:-1][: _BASE_PROMPT_LENGTH.get(device.platform, 31)]

    def _abandon(self, sock: socket.socket) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.disconnect()  # also removes netmiko's secrets filter from its log
        sock.close()

    def _read_host_key(self) -> str | None:
        try:
            client = self._conn.remote_conn_pre
            return _fingerprint(client.get_transport().get_remote_server_key())
        except Exception:  # a missing fingerprint is reported as unknown, not fatal
            return None

    # -- reading

    def _read(self, done: Callable[[str], bool], deadline: float) -> str:
        """Read until `done(everything read so far)`; waits for data, never polls."""
        text = ""
        while True:
            chunk: str = self._conn.read_channel()
            if chunk:
                text += chunk
                if done(text):
                    return text
                continue
            if self._channel.closed or self._channel.eof_received:
                raise _Closed("the router closed the session")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout
            self._ready.wait(remaining)

    def _send(self, line: str, deadline: float) -> tuple[str, str]:
        """Send `line`; read its echo and what follows up to a prompt: (output, prompt)."""
        self._conn.write_channel(self._conn.normalize_cmd(line))
        found: list[str] = []

        def done(text: str) -> bool:
            echo = text.find(line)
            if echo < 0:
                return False
            prompt = _prompt_line(text[echo + len(line) :])
            if prompt is None:
                return False
            found.append(prompt)
            return True

        text = self._read(done, deadline)
        return text[text.find(line) :], found[0]

    def _prepare(self, deadline: float) -> str:
        """netmiko's session preparation, then `enable` on IOS; returns the prompt."""
        conn = self._conn
        conn.write_channel(conn.RETURN)  # as netmiko does: some routers wait for a key
        self._read(lambda text: _prompt_line(text) is not None, deadline)
        prompt = ""
        for setting in _SESSION_SETTINGS:
            _output, prompt = self._send(setting, deadline)
        if self._device.platform == "cisco_ios" and not prompt.endswith("#"):
            prompt = self._enable(deadline)
        return prompt

    def _enable(self, deadline: float) -> str:
        conn = self._conn
        conn.write_channel(conn.normalize_cmd("enable"))

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
        ends = ("\n" + self._prompt, "\n" + self._prompt[:-1] + ">")
        tail = len(ends[0]) + 8

        def done(text: str) -> bool:
            # The router's own prompt alone on the last line, after the echo of the command
            # (so that no earlier prompt can end the read); or the same prompt in user mode,
            # if privileged mode was lost mid-session. Only the tail is looked at: an output
            # of megabytes arrives in many chunks.
            return text[-tail:].rstrip(" ").endswith(ends) and text.find(line) >= 0

        try:
            self._conn.write_channel(self._conn.normalize_cmd(line))
            text = self._read(done, time.monotonic() + timeout)
        except _Timeout:
            raise SessionLost(
                f"{command!r} did not finish within {timeout:g} s "
                "(timeouts.command); the session was abandoned"
            ) from None
        except _Closed as exc:
            raise SessionLost(f"session lost during {command!r}: {exc}") from None
        except (OSError, EOFError) as exc:
            raise SessionLost(f"session lost during {command!r}: {_first_line(exc)}") from None
        except Exception as exc:
            raise SessionLost(
                f"session failed during {command!r}: {type(exc).__name__}: {_first_line(exc)}"
            ) from None
        if not text.rstrip(" ").endswith(ends[0]):
            raise SessionLost(
                f"the router left privileged mode during {command!r} (its prompt is now "
                f"{ends[1].strip()!r}); the session was abandoned"
            )
        text = text[text.find(line) :]
        return str(self._conn.strip_prompt(self._conn.strip_command(line, text)))

    def close(self) -> None:
        # Closing the channel first ends the CLI session on the router at once (as `exit`
        # would) and leaves netmiko's disconnect() nothing to wait for; the session may
        # already be gone, and then there is nothing left to release.
        if self._conn is None:
            return
        if self._channel is not None:
            with contextlib.suppress(Exception):
                self._channel.close()
        with contextlib.suppress(Exception):
            self._conn.disconnect()


def _tcp_connect(host: str, port: int, timeout: float) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    with contextlib.suppress(OSError):  # an optimisation only, not on every socket type
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or _first_line(exc)).lower()


class SshTransport:
    """Live SSH through netmiko, credentials from the environment (or a prompt).

    `key_policy`, if given, makes paramiko's host key policy for each device (the default
    is netmiko's: accept and remember in memory only).
    """

    name = "ssh"

    def __init__(self, key_policy: Callable[[Device], Any] | None = None) -> None:
        # Imported here, once, rather than by the first of many sessions opening at once.
        import netmiko  # noqa: F401

        self._key_policy = key_policy

    def open(self, device: Device) -> NetmikoSession:
        username, password, secret = resolve_credentials(device)
        policy = self._key_policy(device) if self._key_policy is not None else None
        return NetmikoSession(device, username, password, secret, key_policy=policy)


def rejected(output: str) -> str | None:
    """The router's rejection line if `output` is a CLI error rather than a result."""
    match = _REJECTED.search(output)
    return match.group(0).strip() if match else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
