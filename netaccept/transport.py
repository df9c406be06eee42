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


def _fingerprint(key: Any) -> str:
    digest = hashlib.sha256(key.asbytes()).digest()
    return f"{key.get_name()} SHA256:{base64.b64encode(digest).decode().rstrip('=')}"


class NetmikoSession:
    """A netmiko connection, enabled on IOS, with the router's own prompt as the end marker."""

    def __init__(self, device: Device, username: str, password: str, secret: str) -> None:
        from netmiko import ConnectHandler
        from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException

        self._device = device
        where = f"{device.host}:{device.port}"
        try:
            self._conn = ConnectHandler(
                device_type=device.platform,
                host=device.host,
                port=device.port,
                username=username,
                password=password,
                secret=secret,
                conn_timeout=device.timeouts.connect,
                auth_timeout=device.timeouts.connect,
                banner_timeout=device.timeouts.connect,
                read_timeout_override=None,
                allow_agent=False,
                use_keys=False,
                ssh_config_file=None,
                fast_cli=True,
            )
        except NetmikoAuthenticationException:
            raise DeviceUnavailable(
                f"{device.name} ({where}): authentication failed; check the username and "
                f"password in {device.credentials.username_env} / {device.credentials.password_env}"
            ) from None
        except NetmikoTimeoutException as exc:
            raise DeviceUnavailable(
                f"{device.name} ({where}): no SSH session within {device.timeouts.connect:g} s "
                f"({_first_line(exc)}); check the address, the port and any firewall in between"
            ) from None
        except (TimeoutError, OSError, EOFError, ValueError) as exc:
            raise DeviceUnavailable(
                f"{device.name} ({where}): connection failed: {_first_line(exc)}"
            ) from None
        except Exception as exc:  # paramiko raises many types; none may escape as a crash
            raise DeviceUnavailable(
                f"{device.name} ({where}): SSH error: {type(exc).__name__}: {_first_line(exc)}"
            ) from None
        self.host_key = self._read_host_key()
        try:
            if device.platform == "cisco_ios" and not self._conn.check_enable_mode():
                self._conn.enable()
            self._prompt = self._conn.find_prompt()
        except Exception as exc:
            self.close()
            raise DeviceUnavailable(
                f"{device.name} ({where}): could not enter privileged mode: {_first_line(exc)}; "
                f"check the enable secret in {device.credentials.secret_env}"
            ) from None

    def _read_host_key(self) -> str | None:
        try:
            client = self._conn.remote_conn_pre
            return _fingerprint(client.get_transport().get_remote_server_key())  # type: ignore[union-attr]
        except Exception:  # a missing fingerprint is reported as unknown, not fatal
            return None

    def run(self, command: str) -> str:
        ensure_read_only(command)
        from netmiko.exceptions import ReadTimeout

        try:
            output = self._conn.send_command(
                command,
                expect_string=re.escape(self._prompt),
                read_timeout=self._device.timeouts.command,
            )
        except ReadTimeout:
            raise SessionLost(
                f"{command!r} did not finish within {self._device.timeouts.command:g} s "
                "(timeouts.command); the session was abandoned"
            ) from None
        except (OSError, EOFError) as exc:
            raise SessionLost(f"session lost during {command!r}: {_first_line(exc)}") from None
        except Exception as exc:
            raise SessionLost(
                f"session failed during {command!r}: {type(exc).__name__}: {_first_line(exc)}"
            ) from None
        if not isinstance(output, str):  # only with use_textfsm/ttp/genie, never used here
            raise SessionLost(f"unexpected structured output for {command!r}")
        return output

    def close(self) -> None:
        # The session may already be gone; there is nothing left to release then.
        with contextlib.suppress(Exception):
            self._conn.disconnect()


class SshTransport:
    """Live SSH through netmiko, credentials from the environment (or a prompt)."""

    name = "ssh"

    def open(self, device: Device) -> NetmikoSession:
        username, password, secret = resolve_credentials(device)
        return NetmikoSession(device, username, password, secret)


def rejected(output: str) -> str | None:
    """The router's rejection line if `output` is a CLI error rather than a result."""
    match = _REJECTED.search(output)
    return match.group(0).strip() if match else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
