"""The real-sshd harness (tests/sshd.py) against Debian's OpenSSH server (issue 10, point 5).

What the sshd tests of netaccept stand on, proven first: the config is checked, the server
stops whatever the test does, the jump host forwards, and the legacy router speaks only the
old algorithms and answers a shell as the recording's router does.
"""

from __future__ import annotations

import contextlib
import json
import pwd
import re
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko
import pytest
from netmiko import ConnectHandler

from tests.conftest import LAB_RECORDINGS
from tests.sshd import (
    HOST,
    LEGACY_CIPHERS,
    LEGACY_CLIENT_OPTIONS,
    LEGACY_KEX,
    TEST_USER,
    Sshd,
    SshdError,
    SshdOptions,
    jump_host,
    legacy_router,
)

pytestmark = pytest.mark.lab

IOS = LAB_RECORDINGS / "chi-gsr-01.json"
XR = LAB_RECORDINGS / "chi-xr-01.json"
SECRET = "En-" + secrets.token_hex(6)
TIMEOUT = 10.0


def recorded(path: Path, command: str) -> str:
    outputs: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["outputs"]
    return outputs[command]


def crlf(text: str) -> bytes:
    """A recorded output as the router prints it: every line ended by CRLF."""
    return "".join(line + "\r\n" for line in text.replace("\r\n", "\n").split("\n")).encode()


@dataclass(frozen=True)
class SshRun:
    returncode: int
    stdout: bytes  # exactly what the server sent
    stderr: str  # the client's errors and debug lines


def ssh(sshd: Sshd, *remote: str, options: tuple[str, ...]) -> SshRun:
    """OpenSSH's own client, run once against `sshd`."""
    argv = sshd.ssh_argv(*remote, options=options)
    done = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, check=False)
    stderr = done.stderr.decode(errors="replace").replace("\r\n", "\n")  # ssh logs in CRLF
    return SshRun(done.returncode, done.stdout, stderr)


def client(sshd: Sshd, **login: Any) -> Any:
    """paramiko logged in to `sshd`, its host key pinned, no agent and no stray keys."""
    ssh_client = paramiko.SSHClient()
    ssh_client.load_host_keys(str(sshd.known_hosts_path))
    ssh_client.set_missing_host_key_policy(paramiko.RejectPolicy())
    ssh_client.connect(
        HOST,
        sshd.port,
        username=sshd.user,
        allow_agent=False,
        look_for_keys=False,
        timeout=TIMEOUT,
        **login,
    )
    return ssh_client


class Terminal:
    """One interactive channel: send a line, read until the expected end."""

    def __init__(self, channel: Any) -> None:
        self._channel = channel
        channel.settimeout(TIMEOUT)

    def read_until(self, end: bytes) -> bytes:
        data = b""
        while not data.endswith(end):
            chunk = self._channel.recv(65536)
            assert chunk, f"the channel closed after {data!r}, before {end!r}"
            data += chunk
        return data

    def send(self, line: str) -> None:
        self._channel.send(line + "\r")

    def type(self, line: str, until: bytes) -> bytes:
        self.send(line)
        return self.read_until(until)

    def read_to_end(self) -> tuple[bytes, int]:
        """What the server sends until it closes the session, and the exit status."""
        data = b""
        while chunk := self._channel.recv(65536):
            data += chunk
        return data, self._channel.recv_exit_status()


@pytest.fixture(scope="module", autouse=True)
def wall_time(request: pytest.FixtureRequest) -> Iterator[None]:
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:  # no terminal in an xdist worker
        with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
            reporter.write_line(f"\nsshd harness tests: {elapsed:.2f} s wall time")


@pytest.fixture(scope="module")
def jump() -> Iterator[Sshd]:
    with Sshd(jump_host()) as sshd:
        yield sshd


@pytest.fixture(scope="module")
def ios() -> Iterator[Sshd]:
    with Sshd(legacy_router(IOS, SECRET)) as sshd:
        yield sshd


@pytest.fixture(scope="module")
def xr() -> Iterator[Sshd]:
    with Sshd(legacy_router(XR, SECRET)) as sshd:
        yield sshd


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A TCP echo server on 127.0.0.1 (one connection), standing for a lab router."""
    with socket.create_server((HOST, 0)) as server:
        server.settimeout(TIMEOUT)

        def echo() -> None:
            conn, _ = server.accept()
            with conn:
                while data := conn.recv(4096):
                    conn.sendall(data)

        thread = threading.Thread(target=echo, daemon=True)
        thread.start()
        yield server.getsockname()[1]
        thread.join(TIMEOUT)


def every_command_line() -> Iterator[bytes]:
    """The command line of every process on the machine, as any user can read it."""
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):  # the process ended meanwhile
            yield path.read_bytes()


def kexinit_offer(debug: str) -> dict[str, list[str]]:
    """The server's KEXINIT algorithm lists, from `ssh -o LogLevel=DEBUG2`."""
    offer: dict[str, list[str]] = {}
    _, _, server_part = debug.partition("peer server KEXINIT proposal")
    for name in ("KEX algorithms", "host key algorithms", "ciphers stoc", "MACs stoc"):
        match = re.search(rf"^debug2: {name}: (.*)$", server_part, re.MULTILINE)
        assert match, f"no {name!r} in the server's proposal: {debug}"
        offer[name] = [alg for alg in match.group(1).split(",") if "kex-strict" not in alg]
    return offer


# -- the harness itself ---------------------------------------------------------------------


def test_a_config_sshd_rejects_fails_with_sshd_s_own_message() -> None:
    with (
        pytest.raises(SshdError, match=r"sshd -t rejects .*Bad SSH2 cipher spec 'no-such-cbc'"),
        Sshd(SshdOptions(ciphers=("no-such-cbc",))),
    ):
        pass


def a_failing_test(seen: dict[str, Any]) -> None:
    with Sshd(jump_host()) as sshd:
        seen.update(pid=sshd.pid, port=sshd.port, directory=sshd.directory)
        raise RuntimeError("the test failed")


def test_sshd_is_stopped_and_its_directory_removed_when_the_test_body_fails() -> None:
    seen: dict[str, Any] = {}
    with pytest.raises(RuntimeError, match="the test failed"):
        a_failing_test(seen)
    assert not Path(f"/proc/{seen['pid']}").exists()
    assert not seen["directory"].exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, seen["port"]), timeout=TIMEOUT).close()


def test_the_test_user_exists_only_for_sshd_and_logs_in_with_its_password(ios: Sshd) -> None:
    with pytest.raises(KeyError):
        pwd.getpwnam(TEST_USER)  # the machine's accounts are untouched
    assert ios.user == TEST_USER and ios.password
    ssh_client = client(ios, password=ios.password)
    ssh_client.close()
    assert f"Accepted password for {TEST_USER}" in ios.wait_for_log("Accepted password")


def test_the_enable_secret_is_in_no_config_and_no_command_line(ios: Sshd) -> None:
    ssh_client = client(ios, password=ios.password)
    try:
        Terminal(ssh_client.invoke_shell()).read_until(b"chi-gsr-01>")  # the shell runs now
        command_lines = list(every_command_line())
    finally:
        ssh_client.close()
    assert "router_shell.py" in ios.config_path.read_text()
    assert SECRET not in ios.config_path.read_text()
    assert any(b"router_shell.py" in line for line in command_lines)
    assert not any(SECRET.encode() in line for line in command_lines)
    assert (ios.directory / "router_session.json").stat().st_mode & 0o777 == 0o600


# -- the legacy Cisco router ------------------------------------------------------------------


def test_the_legacy_router_offers_only_the_legacy_algorithms(ios: Sshd) -> None:
    done = ssh(ios, "show version", options=("LogLevel=DEBUG2", *LEGACY_CLIENT_OPTIONS))
    assert done.returncode == 0, done.stderr
    assert kexinit_offer(done.stderr) == {
        "KEX algorithms": ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"],
        "host key algorithms": ["ssh-rsa"],
        "ciphers stoc": ["aes128-cbc", "3des-cbc", "aes256-cbc"],
        "MACs stoc": ["hmac-sha1"],
    }
    fingerprint = subprocess.run(
        ["ssh-keygen", "-l", "-f", str(ios.directory / "host_key.pub")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert (fingerprint[0], fingerprint[-1]) == ("1024", "(RSA)")


@pytest.mark.parametrize("cipher", LEGACY_CIPHERS)
@pytest.mark.parametrize("kex", LEGACY_KEX)
def test_each_legacy_key_exchange_and_cipher_is_negotiated(
    ios: Sshd, kex: str, cipher: str
) -> None:
    only = (
        f"KexAlgorithms={kex}",
        f"Ciphers={cipher}",
        "MACs=hmac-sha1",
        "HostKeyAlgorithms=ssh-rsa",
    )
    done = ssh(ios, "show version", options=("LogLevel=DEBUG1", *only, *LEGACY_CLIENT_OPTIONS))
    assert done.returncode == 0, done.stderr
    assert f"kex: algorithm: {kex}\n" in done.stderr
    assert "kex: host key algorithm: ssh-rsa\n" in done.stderr
    assert f"server->client cipher: {cipher} MAC: hmac-sha1 " in done.stderr
    assert f"client->server cipher: {cipher} MAC: hmac-sha1 " in done.stderr
    assert done.stdout == crlf(recorded(IOS, "show version"))  # no echo, no prompt


@pytest.mark.parametrize(
    ("client_options", "refusal"),
    [
        ((), "no matching key exchange method found"),
        (("KexAlgorithms=+diffie-hellman-group14-sha1",), "no matching host key type found"),
        (
            ("KexAlgorithms=+diffie-hellman-group14-sha1", "HostKeyAlgorithms=+ssh-rsa"),
            "no matching cipher found",
        ),
        ((*LEGACY_CLIENT_OPTIONS, "MACs=hmac-sha2-256,hmac-sha2-512"), "no matching MAC found"),
    ],
    ids=["modern-kex", "modern-host-key", "modern-cipher", "modern-mac"],
)
def test_a_client_without_the_legacy_algorithms_is_refused(
    ios: Sshd, client_options: tuple[str, ...], refusal: str
) -> None:
    done = ssh(ios, "show version", options=client_options)
    assert done.returncode == 255
    assert f"Unable to negotiate with {HOST} port {ios.port}: {refusal}" in done.stderr
    assert refusal in ios.wait_for_log(f"{refusal}. Their offer:")
    assert done.stdout == b""


def test_the_legacy_router_shell_answers_as_an_ios_router(ios: Sshd) -> None:
    ssh_client = client(ios, password=ios.password)
    transport = ssh_client.get_transport()
    assert (transport.host_key_type, transport.local_mac) == ("ssh-rsa", "hmac-sha1")
    assert transport.local_cipher in LEGACY_CIPHERS
    try:
        cli = Terminal(ssh_client.invoke_shell())  # with a pty, as netmiko asks
        assert cli.read_until(b">") == b"\r\nchi-gsr-01>"
        assert cli.type("terminal length 0", b">") == b"terminal length 0\r\nchi-gsr-01>"
        assert cli.type("terminal width 511", b">") == b"terminal width 511\r\nchi-gsr-01>"
        version = crlf(recorded(IOS, "show version"))
        assert cli.type("show version", b"\r\nchi-gsr-01>") == (
            b"show version\r\n" + version + b"chi-gsr-01>"
        )
        assert (
            cli.type("show running-config", b">")
            == (  # not in user mode
                b"show running-config\r\n" + b" " * len("chi-gsr-01>") + b"^\r\n"
                b"% Invalid input detected at '^' marker.\r\n\r\nchi-gsr-01>"
            )
        )
        assert cli.type("enable", b": ") == b"enable\r\nPassword: "
        assert cli.type("not-the-secret", b">") == b"\r\n% Access denied\r\n\r\nchi-gsr-01>"
        assert cli.type("enable", b": ") == b"enable\r\nPassword: "
        assert cli.type(SECRET, b"#") == b"\r\nchi-gsr-01#"  # the secret is not echoed
        assert cli.type("show clock", b"\r\nchi-gsr-01#") == (
            b"show clock\r\n" + crlf(recorded(IOS, "show clock")) + b"chi-gsr-01#"
        )
        assert cli.type("show no-such-thing", b"#") == (
            b"show no-such-thing\r\n" + b" " * len("chi-gsr-01#") + b"^\r\n"
            b"% Invalid input detected at '^' marker.\r\n\r\nchi-gsr-01#"
        )
        cli.send("exit")
        assert cli.read_to_end() == (b"exit\r\n", 0)
    finally:
        ssh_client.close()


def test_netmiko_logs_in_to_the_legacy_router_and_enables(ios: Sshd) -> None:
    conn = ConnectHandler(
        device_type="cisco_ios",
        host=HOST,
        port=ios.port,
        username=ios.user,
        password=ios.password,
        secret=SECRET,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(ios.known_hosts_path),
        allow_agent=False,
        use_keys=False,
        conn_timeout=TIMEOUT,
    )
    try:
        assert conn.find_prompt() == "chi-gsr-01>"
        conn.enable()
        assert conn.find_prompt() == "chi-gsr-01#"
        assert conn.send_command("show version") == recorded(IOS, "show version").rstrip("\n")
    finally:
        conn.disconnect()


def test_an_ios_xr_recording_logs_straight_into_exec_mode(xr: Sshd) -> None:
    conn = ConnectHandler(
        device_type="cisco_xr",
        host=HOST,
        port=xr.port,
        username=xr.user,
        password=xr.password,
        ssh_strict=True,
        system_host_keys=False,
        alt_host_keys=True,
        alt_key_file=str(xr.known_hosts_path),
        allow_agent=False,
        use_keys=False,
        conn_timeout=TIMEOUT,
    )
    try:
        assert conn.find_prompt() == "RP/0/RP0/CPU0:chi-xr-01#"
        assert conn.send_command("show version") == recorded(XR, "show version").rstrip("\n")
    finally:
        conn.disconnect()


# -- the jump host ----------------------------------------------------------------------------


def test_the_jump_host_refuses_sha1_key_exchange_and_passwords(jump: Sshd) -> None:
    offered = jump.effective_config()
    assert not [a for a in offered["kexalgorithms"].split(",") if a.endswith("sha1")]
    assert not [m for m in offered["macs"].split(",") if "sha1" in m or "md5" in m]
    done = ssh(jump, "true", options=("KexAlgorithms=diffie-hellman-group14-sha1",))
    assert done.returncode == 255
    assert "no matching key exchange method found" in done.stderr
    with pytest.raises(paramiko.BadAuthenticationType) as refused:
        client(jump, password="any-password")
    assert refused.value.allowed_types == ["publickey"]


def test_the_jump_host_forwards_a_direct_tcpip_channel(jump: Sshd, echo_port: int) -> None:
    ssh_client = client(jump, key_filename=str(jump.client_key_path))
    try:
        assert ssh_client.get_transport().host_key_type == "ssh-ed25519"
        channel = ssh_client.get_transport().open_channel(
            "direct-tcpip", (HOST, echo_port), (HOST, 0), timeout=TIMEOUT
        )
        channel.settimeout(TIMEOUT)
        channel.sendall(b"through the jump host\n")
        received = b""
        while not received.endswith(b"\n"):
            received += channel.recv(4096)
        channel.close()
    finally:
        ssh_client.close()
    assert received == b"through the jump host\n"


def test_the_jump_host_carries_a_session_to_the_legacy_router(jump: Sshd, ios: Sshd) -> None:
    bastion = client(jump, key_filename=str(jump.client_key_path))
    try:
        tunnel = bastion.get_transport().open_channel(
            "direct-tcpip", (HOST, ios.port), (HOST, 0), timeout=TIMEOUT
        )
        router = client(ios, password=ios.password, sock=tunnel)
        try:
            assert router.get_transport().local_cipher in LEGACY_CIPHERS
            _, stdout, _ = router.exec_command("show version", timeout=TIMEOUT)
            assert stdout.read() == crlf(recorded(IOS, "show version"))
        finally:
            router.close()
    finally:
        bastion.close()
