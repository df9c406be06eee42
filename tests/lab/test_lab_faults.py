"""The lab's transport-level faults, seen from real paramiko and netmiko clients.

One lab process serves a router per fault kind (IOS, and IOS-XR where the CLI differs);
each test shows that the fault looks on the wire like the real failure it stands for.
"""

from __future__ import annotations

import errno
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paramiko
import pytest
from netmiko import ConnectHandler, NetmikoAuthenticationException, NetmikoTimeoutException
from netmiko.exceptions import ReadTimeout

from netaccept.lab.keys import (
    generate_host_key,
    generate_host_key_pair,
    host_public_key,
    known_hosts_line,
)
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabFault, LabRouterSpec, PlatformName, load_spec
from netaccept.session.hostkeys import (
    HostKeyOutcome,
    HostKeyPolicy,
    HostKeyRefused,
    KnownHostsPolicy,
    fingerprint,
)

pytestmark = pytest.mark.lab

HOST = "127.0.0.1"
CREDS = LabCredentials(username="acceptance", password="Pw-3c81e0", secret="En-9d24af")
XR = "RP/0/RP0/CPU0:"
SLOW_LATENCY = 0.4

# Three commands plus one long one, the same on both platforms so the faults compare.
LOG = [f"Nov 22 10:{i:02d}:00: %SYS-5-CONFIG_I: line {i:03d}" for i in range(41)]
OUTPUTS = {
    "show version": "Cisco IOS Software, Version 12.0(32)SY8\nROM: Bootstrap\nuptime 5 weeks",
    "show clock": "*10:00:00.000 UTC Sun Nov 22 2026",
    "show users": "    Line       User       Host(s)              Idle       Location\n"
    "*  2 vty 0     acceptance idle                 00:00:00 127.0.0.1",
    "show logging": "\n".join(LOG),
}


def crlf(text: str) -> str:
    return "".join(line + "\r\n" for line in text.split("\n"))


FAULTS: dict[str, tuple[PlatformName, LabFault | None]] = {
    "healthy": ("cisco_ios", None),
    "refuse": ("cisco_ios", LabFault("refuse")),
    "auth-fail": ("cisco_ios", LabFault("auth_fail")),
    "auth-fail-xr": ("cisco_xr", LabFault("auth_fail")),
    "no-banner": ("cisco_ios", LabFault("no_banner")),
    "disconnect": ("cisco_ios", LabFault("disconnect_mid_output")),
    "disconnect-xr": (
        "cisco_xr",
        LabFault("disconnect_mid_output", command="show logging", after_bytes=100),
    ),
    "hang": ("cisco_ios", LabFault("hang", command="show logging", after_bytes=120)),
    "hang-xr": ("cisco_xr", LabFault("hang")),
    "truncated": ("cisco_ios", LabFault("truncated", command="show logging")),
    "garbage": ("cisco_ios", LabFault("garbage", command="show clock", size=300, seed=7)),
    "invalid": ("cisco_ios", LabFault("invalid_input", command="show users")),
    "invalid-xr": ("cisco_xr", LabFault("invalid_input")),
    "slow": ("cisco_ios", LabFault("slow", latency=SLOW_LATENCY)),
    "enable-wrong": ("cisco_ios", LabFault("enable_wrong")),
    "renamed": ("cisco_ios", LabFault("prompt_change", after_commands=2)),
    "demoted": ("cisco_ios", LabFault("prompt_change", after_commands=1, mode="unprivileged")),
    "renamed-xr": (
        "cisco_xr",
        LabFault("prompt_change", after_commands=2, new_hostname="other-name"),
    ),
    "key-changes": ("cisco_ios", LabFault("host_key_changed")),
}


class Lab:
    def __init__(self, process: LabProcess, keys: dict[str, Path], known_hosts: Path) -> None:
        self.process = process
        self.keys = keys
        self.known_hosts = known_hosts

    def port(self, name: str) -> int:
        return self.process.ports[name]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    directory = tmp_path_factory.mktemp("fault-lab")
    recordings = {}
    for platform in ("cisco_ios", "cisco_xr"):
        path = directory / f"{platform}.json"
        path.write_text(
            json.dumps({"device": platform, "platform": platform, "outputs": OUTPUTS}),
            encoding="utf-8",
        )
        recordings[platform] = path
    pair = generate_host_key_pair(directory, "pinned")
    keys = {
        "healthy": generate_host_key(directory / "healthy.key"),
        "pinned": pair.current,
        "pinned.previous": pair.previous,
    }
    specs = [
        LabRouterSpec(
            name,
            platform,
            recordings[platform],
            host_key_path=keys.get(name),
            fault=fault,
        )
        for name, (platform, fault) in FAULTS.items()
    ]
    # The router that changed its key since the client pinned it: it serves the current key.
    specs.append(
        LabRouterSpec(
            "pinned",
            "cisco_ios",
            recordings["cisco_ios"],
            host_key_path=pair.current,
            fault=LabFault(
                "host_key_changed", previous_host_key_path=pair.previous, after_connections=0
            ),
        )
    )
    with LabProcess(specs, CREDS) as running:
        known_hosts = directory / "known_hosts"
        known_hosts.write_text(
            known_hosts_line(HOST, running.ports["pinned"], pair.previous) + "\n",
            encoding="utf-8",
        )
        yield Lab(running, keys, known_hosts)
    assert running.returncode == 0, running.stderr_text()


# --- clients ---------------------------------------------------------------------------------


def client(lab: Lab, name: str, **kwargs: Any) -> paramiko.SSHClient:
    ssh = paramiko.SSHClient()
    policy = kwargs.pop("policy", paramiko.AutoAddPolicy())
    ssh.set_missing_host_key_policy(policy)
    options: dict[str, Any] = {
        "username": CREDS.username,
        "password": CREDS.password,
        "look_for_keys": False,
        "allow_agent": False,
        "timeout": 5,
    }
    options.update(kwargs)
    ssh.connect(HOST, port=lab.port(name), **options)
    return ssh


def shell(lab: Lab, name: str) -> tuple[paramiko.SSHClient, paramiko.Channel]:
    ssh = client(lab, name)
    channel = ssh.invoke_shell(term="vt100", width=200, height=40)
    channel.settimeout(0.1)
    return ssh, channel


def read_for(channel: paramiko.Channel, seconds: float, until: bytes | None = None) -> bytes:
    """Everything received within `seconds`, stopping early at `until` or at EOF."""
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until is not None and data.endswith(until):
            break
        try:
            chunk = channel.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data


def command(channel: paramiko.Channel, line: str, prompt: bytes, seconds: float = 5) -> bytes:
    channel.send(line.encode() + b"\r")
    data = read_for(channel, seconds, until=prompt)
    assert data.endswith(prompt), f"{line!r}: no {prompt!r} in {data!r}"
    return data


def login(lab: Lab, name: str) -> tuple[paramiko.SSHClient, paramiko.Channel, bytes]:
    """An IOS shell in privileged mode, or an XR shell; and its prompt."""
    ssh, channel = shell(lab, name)
    platform = FAULTS[name][0] if name in FAULTS else "cisco_ios"
    if platform == "cisco_xr":
        prompt = f"{XR}{name}#".encode()
        assert read_for(channel, 5, until=prompt).endswith(prompt)
        return ssh, channel, prompt
    assert read_for(channel, 5, until=f"{name}>".encode()).endswith(f"{name}>".encode())
    channel.send(b"enable\r")
    read_for(channel, 5, until=b"Password: ")
    prompt = f"{name}#".encode()
    channel.send(CREDS.secret.encode() + b"\r")
    assert read_for(channel, 5, until=prompt).endswith(prompt)
    return ssh, channel, prompt


def netmiko(lab: Lab, name: str, **overrides: Any) -> Any:
    params: dict[str, Any] = {
        "device_type": FAULTS[name][0] if name in FAULTS else "cisco_ios",
        "host": HOST,
        "port": lab.port(name),
        "username": CREDS.username,
        "password": CREDS.password,
        "secret": CREDS.secret,
        "fast_cli": True,
        "conn_timeout": 5,
    }
    params.update(overrides)
    return ConnectHandler(**params)


def answer(line: str) -> bytes:
    """The echo and output of a healthy command, without the prompt."""
    return (line + "\r\n" + crlf(OUTPUTS[line])).encode()


# --- the ready file and the spec file --------------------------------------------------------


def test_every_router_is_in_the_ready_file_with_its_own_port(lab: Lab) -> None:
    ports = lab.process.ports
    assert set(ports) == {*FAULTS, "pinned"}
    assert len(set(ports.values())) == len(ports)


def test_spec_file_round_trip_and_validation(tmp_path: Path) -> None:
    recording = tmp_path / "r.json"
    recording.write_text(json.dumps({"device": "r", "platform": "cisco_ios", "outputs": {}}))
    specs = [
        LabRouterSpec("a", "cisco_ios", recording, fault=fault)
        for fault in (
            LabFault("hang", nth=2, after_bytes=0),
            LabFault("garbage", size=10, seed=1),
            LabFault("prompt_change", mode="unprivileged"),
            LabFault("host_key_changed", previous_host_key_path=tmp_path / "k"),
        )
    ]
    for spec in specs:
        path = tmp_path / "spec.json"
        path.write_text(json.dumps({"routers": [spec.to_json()]}))
        (loaded,) = load_spec(path).routers
        assert loaded.fault == spec.fault
    bad = [
        ({"kind": "explode"}, "fault kind must be one of"),
        ({"kind": "refuse", "command": "show clock"}, "unexpected command"),
        ({"kind": "hang", "command": "show clock", "nth": 2}, "either command or nth"),
        ({"kind": "slow"}, "latency must be"),
        ({"kind": "hang", "after_bytes": -1}, "after_bytes must be an integer >= 0"),
        ({"kind": "prompt_change", "mode": "sideways"}, "mode must be"),
        ({"kind": "garbage", "size": "big"}, "size must be an integer"),
        ("hang", "must be an object"),
    ]
    for fault, message in bad:
        entry = {"name": "a", "platform": "cisco_ios", "recording": str(recording)}
        path = tmp_path / "spec.json"
        path.write_text(json.dumps({"routers": [{**entry, "fault": fault}]}))
        with pytest.raises(ValueError, match=message) as excinfo:
            load_spec(path)
        assert "router a" in str(excinfo.value)
    with pytest.raises(ValueError, match="IOS-XR has no enable secret"):
        LabRouterSpec("x", "cisco_xr", recording, fault=LabFault("enable_wrong"))
    with pytest.raises(ValueError, match="IOS-XR has no user mode"):
        LabRouterSpec(
            "x", "cisco_xr", recording, fault=LabFault("prompt_change", mode="unprivileged")
        )


# --- before SSH: refused, silent ---------------------------------------------------------------


def test_refuse_gives_connection_refused(lab: Lab) -> None:
    with socket.socket() as sock:
        assert sock.connect_ex((HOST, lab.port("refuse"))) == errno.ECONNREFUSED
    with pytest.raises(paramiko.ssh_exception.NoValidConnectionsError) as raw:
        client(lab, "refuse")
    assert {e.errno for e in raw.value.errors.values()} == {errno.ECONNREFUSED}
    with pytest.raises(NetmikoTimeoutException, match="TCP connection to device failed") as nm:
        netmiko(lab, "refuse")
    # netmiko keeps the cause only as the exception's context: the transport can read it.
    assert isinstance(nm.value.__context__, OSError)


def test_no_banner_holds_tcp_open_and_says_nothing(lab: Lab) -> None:
    with socket.create_connection((HOST, lab.port("no-banner")), timeout=0.5) as sock:
        sock.sendall(b"SSH-2.0-probe\r\n")
        with pytest.raises(TimeoutError):
            sock.recv(100)  # a real SSH server speaks first, within milliseconds
    started = time.monotonic()
    with pytest.raises(paramiko.SSHException, match="Error reading SSH protocol banner"):
        client(lab, "no-banner", banner_timeout=1)
    assert 0.9 < time.monotonic() - started < 5
    with pytest.raises(NetmikoTimeoutException, match="Error reading SSH protocol banner"):
        netmiko(lab, "no-banner", banner_timeout=1)


# --- login: password, enable secret ----------------------------------------------------------


@pytest.mark.parametrize("name", ["auth-fail", "auth-fail-xr"])
def test_auth_fail_rejects_the_right_password(lab: Lab, name: str) -> None:
    with pytest.raises(paramiko.AuthenticationException):
        client(lab, name)
    with pytest.raises(NetmikoAuthenticationException):
        netmiko(lab, name)
    client(lab, "healthy").close()  # the same credentials work elsewhere


def test_enable_wrong_rejects_the_right_secret(lab: Lab) -> None:
    conn = netmiko(lab, "enable-wrong")
    try:
        with pytest.raises(ValueError, match="enable mode"):
            conn.enable()
        assert conn.find_prompt() == "enable-wrong>"
    finally:
        conn.disconnect()


# --- mid-session: drop, hang -----------------------------------------------------------------


def test_disconnect_mid_output_drops_tcp_after_part_of_the_third_command(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "disconnect")
    try:
        command(channel, "terminal length 0", prompt)  # terminal lines do not count
        assert command(channel, "show version", prompt) == answer("show version") + prompt
        assert command(channel, "show clock", prompt) == answer("show clock") + prompt
        channel.send(b"show logging\r")
        data = read_for(channel, 5)  # stops at EOF
        full = answer("show logging")
        echo = b"show logging\r\n"
        assert data == full[: len(echo) + (len(full) - len(echo)) // 2]
        transport = ssh.get_transport()
        assert transport is not None
        deadline = time.monotonic() + 2
        while transport.is_active() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not transport.is_active()  # the TCP connection is gone...
        assert channel.recv_exit_status() == -1  # ...and the router sent no exit status
    finally:
        ssh.close()


def test_disconnect_after_bytes_and_what_netmiko_makes_of_it(lab: Lab) -> None:
    ssh, channel, _prompt = login(lab, "disconnect-xr")
    try:
        channel.send(b"show logging\r")
        data = read_for(channel, 5)
        echo = b"show logging\r\n"
        assert data == echo + crlf(OUTPUTS["show logging"]).encode()[:100]
    finally:
        ssh.close()
    conn = netmiko(lab, "disconnect-xr")
    try:
        started = time.monotonic()
        # netmiko does not notice the EOF: it waits out read_timeout (the transport should not).
        with pytest.raises(ReadTimeout):
            conn.send_command("show logging", read_timeout=1)
        assert time.monotonic() - started < 3
        assert not conn.remote_conn.get_transport().is_active()
    finally:
        conn.disconnect()


def test_hang_prints_part_then_nothing_not_even_an_echo(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "hang")
    try:
        assert command(channel, "show clock", prompt) == answer("show clock") + prompt
        channel.send(b"show logging\r")
        first = read_for(channel, 1.2)
        assert first == (b"show logging\r\n" + crlf(OUTPUTS["show logging"]).encode())[:134]
        channel.send(b"\r")
        channel.send(b"show clock\r")
        assert read_for(channel, 0.8) == b""  # no prompt, no echo within 2 s in all
        transport = ssh.get_transport()
        assert transport is not None and transport.is_active() and not channel.closed
    finally:
        ssh.close()


def test_hang_third_command_on_xr_is_a_netmiko_read_timeout(lab: Lab) -> None:
    conn = netmiko(lab, "hang-xr")
    try:
        assert conn.send_command("show clock") == OUTPUTS["show clock"]
        assert conn.send_command("show users") == OUTPUTS["show users"]
        started = time.monotonic()
        with pytest.raises(ReadTimeout):
            conn.send_command("show version", read_timeout=1.5)
        assert 1.4 < time.monotonic() - started < 3
        assert conn.remote_conn.get_transport().is_active()  # still connected: hung, not gone
    finally:
        # disconnect() alone would first wait ~10 s for a prompt (netmiko's polite cleanup);
        # closing the SSH connection first makes it immediate.
        started = time.monotonic()
        conn.paramiko_cleanup()
        conn.disconnect()
        assert time.monotonic() - started < 1


# --- wrong answers: truncated, garbage, rejected, slow -----------------------------------------


def test_truncated_output_is_the_first_half_then_the_prompt(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "truncated")
    try:
        data = command(channel, "show logging", prompt)
        full = crlf(OUTPUTS["show logging"])
        half = full[: len(full) // 2]
        assert 0 < len(half) < len(full) and not half.endswith("\n")
        assert data == (b"show logging\r\n" + half.encode() + b"\r\n" + prompt)
        assert command(channel, "show clock", prompt) == answer("show clock") + prompt
    finally:
        ssh.close()


def test_garbage_is_binary_bytes_then_the_prompt(lab: Lab) -> None:
    received = []
    for _ in range(2):
        ssh, channel, prompt = login(lab, "garbage")
        try:
            data = command(channel, "show clock", prompt)
            echo = b"show clock\r\n"
            assert data.startswith(echo) and data.endswith(b"\r\n" + prompt)
            noise = data[len(echo) : -len(b"\r\n" + prompt)]
            received.append(noise)
            assert len(noise) == 300
            assert b"\x00" in noise
            with pytest.raises(UnicodeDecodeError):
                noise.decode("utf-8")
            assert command(channel, "show users", prompt) == answer("show users") + prompt
        finally:
            ssh.close()
    assert received[0] == received[1]  # a seed makes it reproducible
    conn = netmiko(lab, "garbage")
    try:
        conn.enable()
        text = conn.send_command("show clock")
        assert "\x00" in text  # what the harness must recognise as not-an-output
    finally:
        conn.disconnect()


def test_invalid_input_even_for_recorded_commands(lab: Lab) -> None:
    conn = netmiko(lab, "invalid")
    try:
        conn.enable()
        assert "% Invalid input detected at '^' marker." in conn.send_command("show users")
        assert conn.send_command("show clock") == OUTPUTS["show clock"]
    finally:
        conn.disconnect()
    conn = netmiko(lab, "invalid-xr")
    try:
        for line in ("show version", "show clock"):
            assert "% Invalid input detected at '^' marker." in conn.send_command(line)
    finally:
        conn.disconnect()


def test_slow_delays_every_answer(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "slow")
    try:
        started = time.monotonic()
        command(channel, "show clock", prompt)
        command(channel, "show users", prompt)
        assert time.monotonic() - started >= 2 * SLOW_LATENCY - 0.05
    finally:
        ssh.close()


# --- the prompt changes mid-session ----------------------------------------------------------


def test_prompt_change_renames_the_router_after_two_commands(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "renamed")
    try:
        assert command(channel, "show clock", prompt) == answer("show clock") + prompt
        assert command(channel, "show users", prompt) == answer("show users") + prompt
        new = b"renamed-new#"
        assert command(channel, "show clock", new) == answer("show clock") + new
    finally:
        ssh.close()
    conn = netmiko(lab, "renamed")
    try:
        conn.enable()
        old = conn.find_prompt()
        conn.send_command("show clock", expect_string=old)
        conn.send_command("show users", expect_string=old)
        with pytest.raises(ReadTimeout):  # the harness waits for the prompt it knows
            conn.send_command("show clock", expect_string=old, read_timeout=1)
        assert conn.find_prompt() == "renamed-new#"
    finally:
        conn.disconnect()


def test_prompt_change_drops_privilege_on_ios(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "demoted")
    try:
        assert command(channel, "show clock", prompt) == answer("show clock") + prompt
        data = command(channel, "show clock", b"demoted>")
        assert b"% Invalid input detected" in data  # privileged commands now fail
    finally:
        ssh.close()


def test_prompt_change_renames_xr(lab: Lab) -> None:
    ssh, channel, prompt = login(lab, "renamed-xr")
    try:
        command(channel, "show clock", prompt)
        command(channel, "show users", prompt)
        command(channel, "show version", f"{XR}other-name#".encode())
    finally:
        ssh.close()


# --- host keys -------------------------------------------------------------------------------


def presented_key(lab: Lab, name: str) -> paramiko.PKey:
    ssh = client(lab, name)
    try:
        transport = ssh.get_transport()
        assert transport is not None
        key: paramiko.PKey = transport.get_remote_server_key()
        return key
    finally:
        ssh.close()


def test_each_router_can_have_its_own_host_key(lab: Lab) -> None:
    healthy = presented_key(lab, "healthy")
    assert healthy.get_base64() == host_public_key(lab.keys["healthy"])[1]
    assert presented_key(lab, "slow").get_base64() != healthy.get_base64()


def test_host_key_changed_between_connections_is_refused_by_accept_new(
    lab: Lab, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    port = lab.port("key-changes")
    first = KnownHostsPolicy(known_hosts, HostKeyPolicy.ACCEPT_NEW, HOST, port)
    client(lab, "key-changes", policy=first).close()
    assert first.decision is not None and first.decision.outcome is HostKeyOutcome.RECORDED
    second = KnownHostsPolicy(known_hosts, HostKeyPolicy.ACCEPT_NEW, HOST, port)
    with pytest.raises(HostKeyRefused) as excinfo:
        client(lab, "key-changes", policy=second)
    decision = excinfo.value.decision
    assert decision.outcome is HostKeyOutcome.REFUSED_CHANGED
    assert decision.previous == (first.decision.fingerprint,)
    assert decision.fingerprint != first.decision.fingerprint
    assert f"remove line 1 of {known_hosts}" in decision.message
    # And it stays changed: the router now always presents the new key it was refused with.
    for _ in range(2):
        assert fingerprint(presented_key(lab, "key-changes").get_base64()) == decision.fingerprint


def test_pinned_previous_key_refused_strictly_current_key_accepted(lab: Lab) -> None:
    port = lab.port("pinned")
    strict = KnownHostsPolicy(lab.known_hosts, HostKeyPolicy.STRICT, HOST, port)
    with pytest.raises(HostKeyRefused, match=r"changed \(was SHA256:"):
        client(lab, "pinned", policy=strict)
    previous = fingerprint(host_public_key(lab.keys["pinned.previous"])[1])
    assert strict.decision is not None and strict.decision.previous == (previous,)
    current = presented_key(lab, "pinned")
    assert current.get_base64() == host_public_key(lab.keys["pinned"])[1]


def test_netmiko_with_the_policy_injected_refuses_before_login(lab: Lab, tmp_path: Path) -> None:
    """The injection the transport uses: auto_connect=False, key_policy, then _open()."""
    port = lab.port("healthy")
    policy = KnownHostsPolicy(tmp_path / "known_hosts", HostKeyPolicy.STRICT, HOST, port)
    conn = netmiko(lab, "healthy", auto_connect=False)
    conn.key_policy = policy
    try:
        with pytest.raises(HostKeyRefused, match="is unknown"):
            conn._open()
    finally:
        conn.disconnect()
    (tmp_path / "known_hosts").write_text(
        known_hosts_line(HOST, port, lab.keys["healthy"]) + "\n", encoding="utf-8"
    )
    conn = netmiko(lab, "healthy", auto_connect=False)
    conn.key_policy = policy
    try:
        conn._open()
        assert policy.decision is not None and policy.decision.outcome is HostKeyOutcome.ACCEPTED
        conn.enable()
        assert conn.send_command("show clock") == OUTPUTS["show clock"]
    finally:
        conn.disconnect()


def test_known_hosts_lines_pin_every_router_that_speaks_ssh(lab: Lab, tmp_path: Path) -> None:
    path = lab.process.write_known_hosts(tmp_path / "known_hosts")
    pinned = {
        name for name, port in lab.process.ports.items() if f"[{HOST}]:{port} " in path.read_text()
    }
    assert pinned == set(lab.process.ports) - {"refuse", "no-banner", "key-changes"}
    for name in ("healthy", "slow", "hang-xr"):
        policy = KnownHostsPolicy(path, HostKeyPolicy.STRICT, HOST, lab.port(name))
        client(lab, name, policy=policy).close()
        assert policy.decision is not None and policy.decision.outcome is HostKeyOutcome.ACCEPTED
    # The router whose key changed is pinned to the key it had: the change is caught.
    policy = KnownHostsPolicy(path, HostKeyPolicy.STRICT, HOST, lab.port("pinned"))
    with pytest.raises(HostKeyRefused, match="changed"):
        client(lab, "pinned", policy=policy)
