"""End-to-end tests of the simulated lab: a real child process, real SSH, real netmiko."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncssh
import paramiko
import pytest
from netmiko import ConnectHandler, NetmikoAuthenticationException

from netaccept.lab.process import LabProcess
from netaccept.lab.server import main
from netaccept.lab.spec import (
    ENV_PASSWORD,
    ENV_SECRET,
    ENV_USERNAME,
    LabCredentials,
    LabRouterSpec,
    PlatformName,
    load_recording,
)

pytestmark = pytest.mark.lab

HOST = "127.0.0.1"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
CREDS = LabCredentials(username="acceptance", password="Pw-7f3a9c", secret="En-51b2d8")

IOS_NAME = "nyc-gsr-01"
XR_NAME = "lon-asr9k-01"
SLOW_NAME = "sfo-slow-01"
CONCURRENT = 30


def ios_outputs(name: str) -> dict[str, str]:
    return {
        "show version": "\n".join(
            [
                "Cisco IOS XE Software, Version 17.09.04a",
                "Cisco IOS Software [Cupertino], ASR1000 Software "
                "(X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)",
                "Technical Support: http://www.cisco.com/techsupport",
                "",
                f"{name} uptime is 5 weeks, 2 days, 3 hours, 11 minutes",
                'System image file is "bootflash:asr1000-universalk9.17.09.04a.SPA.bin"',
                "",
                "cisco ASR1001-X (1NG) processor with 3755443K/6147K bytes of memory.",
                "Configuration register is 0x2102",
            ]
        ),
        "show ip interface brief": "\n".join(
            [
                "Interface              IP-Address      OK? Method Status                Protocol",
                "GigabitEthernet0/0/0   192.0.2.1       YES NVRAM  up                    up",
                "GigabitEthernet0/0/1   unassigned      YES NVRAM  administratively down down",
                "Loopback0              198.51.100.1    YES NVRAM  up                    up",
            ]
        ),
        "show inventory": "\n".join(
            [
                'NAME: "Chassis", DESCR: "Cisco ASR1001-X Chassis"',
                "PID: ASR1001-X         , VID: V07  , SN: FXS2104Q1AB",
            ]
        ),
    }


def xr_outputs(name: str) -> dict[str, str]:
    return {
        "show version": "\n".join(
            [
                "Cisco IOS XR Software, Version 7.9.2",
                "Copyright (c) 2013-2023 by Cisco Systems, Inc.",
                "",
                "Build Information:",
                " Built By     : ingunawa",
                " Built On     : Tue Jun 27 02:22:09 UTC 2023",
                "",
                "cisco ASR9K () processor",
                "System uptime is 3 weeks 1 day 4 hours 2 minutes",
            ]
        ),
        "show ipv4 interface brief": "\n".join(
            [
                "Interface                      IP-Address      Status          Protocol Vrf-Name",
                "Loopback0                      203.0.113.9     Up              Up       default",
                "TenGigE0/0/0/0                 192.0.2.65      Up              Up       default",
            ]
        ),
    }


def write_recording(
    directory: Path, name: str, platform: PlatformName, outputs: dict[str, str]
) -> Path:
    path = directory / f"{name}.json"
    recording = {
        "device": name,
        "platform": platform,
        "captured_at": "2026-11-22T10:00:00Z",
        "outputs": outputs,
    }
    path.write_text(json.dumps(recording, indent=2), encoding="utf-8")
    return path


def concurrent_router(index: int) -> tuple[str, PlatformName]:
    return f"edge-{index:02d}", "cisco_ios" if index % 2 == 0 else "cisco_xr"


def outputs_for(name: str, platform: PlatformName) -> dict[str, str]:
    return ios_outputs(name) if platform == "cisco_ios" else xr_outputs(name)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabProcess]:
    directory = tmp_path_factory.mktemp("recordings")
    routers: list[tuple[str, PlatformName, float]] = [
        (IOS_NAME, "cisco_ios", 0.0),
        (XR_NAME, "cisco_xr", 0.0),
        (SLOW_NAME, "cisco_ios", 0.3),
    ]
    routers += [(*concurrent_router(index), 0.0) for index in range(CONCURRENT)]
    specs = [
        LabRouterSpec(
            name,
            platform,
            write_recording(directory, name, platform, outputs_for(name, platform)),
            latency=latency,
            # A command of its own latency, as a 100-packet ping or `verify` on a real router.
            latencies={"show version": 0.5} if name == IOS_NAME else {},
        )
        for name, platform, latency in routers
    ]
    with LabProcess(specs, CREDS) as running:
        yield running
    assert running.returncode == 0, running.returncode


def connect(lab: LabProcess, name: str, platform: str, **overrides: Any) -> Any:
    params: dict[str, Any] = {
        "device_type": platform,
        "host": HOST,
        "port": lab.ports[name],
        "username": CREDS.username,
        "password": CREDS.password,
        "secret": CREDS.secret,
    }
    params.update(overrides)
    return ConnectHandler(**params)


def open_shell(lab: LabProcess, name: str) -> tuple[paramiko.SSHClient, paramiko.Channel]:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        HOST,
        port=lab.ports[name],
        username=CREDS.username,
        password=CREDS.password,
        look_for_keys=False,
        allow_agent=False,
        timeout=10,
    )
    return client, client.invoke_shell(term="xterm", width=120, height=40)


def read_until(channel: paramiko.Channel, suffix: str, timeout: float = 10.0) -> str:
    """Read until the received text ends with suffix (a prompt), failing after timeout."""
    data = b""
    deadline = time.monotonic() + timeout
    channel.settimeout(0.2)
    while not data.decode(errors="replace").endswith(suffix):
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {suffix!r}; got {data!r}")
        try:
            chunk = channel.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            raise AssertionError(f"channel closed before {suffix!r}; got {data!r}")
        data += chunk
    return data.decode()


def crlf(text: str) -> str:
    return "".join(line + "\r\n" for line in text.split("\n"))


# --- netmiko ---------------------------------------------------------------------------------


def test_netmiko_ios_enable_and_recorded_outputs(lab: LabProcess) -> None:
    conn = connect(lab, IOS_NAME, "cisco_ios")
    try:
        assert conn.find_prompt() == f"{IOS_NAME}>"
        # Privileged commands are refused in user mode, as on a real box.
        assert "% Invalid input" in conn.send_command("show ip interface brief")
        conn.enable()
        assert conn.find_prompt() == f"{IOS_NAME}#"
        assert conn.send_command("show version") == ios_outputs(IOS_NAME)["show version"]
        # Runs of spaces still find the recorded command.
        output = conn.send_command("show  ip interface   brief")
        assert output == ios_outputs(IOS_NAME)["show ip interface brief"]
        bogus = conn.send_command("show bogus")
        assert "% Invalid input detected at '^' marker." in bogus
        conn.exit_enable_mode()
        assert conn.find_prompt() == f"{IOS_NAME}>"
    finally:
        conn.disconnect()


def test_netmiko_xr_prompt_and_recorded_outputs(lab: LabProcess) -> None:
    conn = connect(lab, XR_NAME, "cisco_xr")
    try:
        assert conn.find_prompt() == f"RP/0/RP0/CPU0:{XR_NAME}#"
        assert conn.send_command("show version") == xr_outputs(XR_NAME)["show version"]
        output = conn.send_command("show ipv4 interface brief")
        assert output == xr_outputs(XR_NAME)["show ipv4 interface brief"]
        assert "% Invalid input" in conn.send_command("show bogus")
    finally:
        conn.disconnect()


def test_wrong_password_is_rejected(lab: LabProcess) -> None:
    with pytest.raises(NetmikoAuthenticationException):
        connect(lab, IOS_NAME, "cisco_ios", password="not-the-password")
    with pytest.raises(NetmikoAuthenticationException):
        connect(lab, IOS_NAME, "cisco_ios", username="intruder")


def test_wrong_enable_secret_stays_in_user_mode(lab: LabProcess) -> None:
    conn = connect(lab, IOS_NAME, "cisco_ios", secret="not-the-secret")
    try:
        with pytest.raises(ValueError, match="enable mode"):
            conn.enable()
        assert conn.find_prompt() == f"{IOS_NAME}>"
    finally:
        conn.disconnect()


def test_thirty_concurrent_netmiko_sessions(lab: LabProcess) -> None:
    def session(index: int) -> list[str]:
        name, platform = concurrent_router(index)
        conn = connect(lab, name, platform)
        try:
            if platform == "cisco_ios":
                conn.enable()
            expected = outputs_for(name, platform)
            second = (
                "show ip interface brief"
                if platform == "cisco_ios"
                else "show ipv4 interface brief"
            )
            problems = []
            for command in ("show version", second):
                if conn.send_command(command) != expected[command]:
                    problems.append(f"{name}: wrong output for {command!r}")
            if "% Invalid input" not in conn.send_command("show bogus"):
                problems.append(f"{name}: bogus command accepted")
            return problems
        finally:
            conn.disconnect()

    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        futures = [pool.submit(session, index) for index in range(CONCURRENT)]
        problems = [problem for future in futures for problem in future.result(timeout=60)]
    assert problems == []


# --- raw SSH, like a person with `ssh` -------------------------------------------------------


def test_raw_shell_with_carriage_returns(lab: LabProcess) -> None:
    client, shell = open_shell(lab, IOS_NAME)
    user, enabled = f"{IOS_NAME}>", f"{IOS_NAME}#"
    outputs = ios_outputs(IOS_NAME)
    try:
        assert read_until(shell, user) == f"\r\n{user}"
        # Exact byte stream: echo, CRLF output lines, prompt.
        shell.send(b"show version\r")
        assert read_until(shell, user) == "show version\r\n" + crlf(outputs["show version"]) + user
        # The secret is not echoed; "\r\n" is a single line end, so no extra prompt follows.
        shell.send(b"enable\r\n")
        assert read_until(shell, "Password: ") == "enable\r\nPassword: "
        shell.send(CREDS.secret.encode() + b"\r\n")
        text = read_until(shell, enabled)
        assert CREDS.secret not in text
        assert text == f"\r\n{enabled}"
        # Typed one key at a time: each key is echoed as it arrives.
        for key in "show inventory":
            shell.send(key.encode())
        shell.send(b"\r")
        text = read_until(shell, enabled)
        assert text == "show inventory\r\n" + crlf(outputs["show inventory"]) + enabled
        shell.send(b"terminal length 0\r")
        assert read_until(shell, enabled) == f"terminal length 0\r\n{enabled}"
        shell.send(b"\r")
        assert read_until(shell, enabled) == f"\r\n{enabled}"
        shell.send(b"show frobnicate\r")
        text = read_until(shell, enabled)
        caret = " " * len(enabled) + "^"
        invalid = "% Invalid input detected at '^' marker."
        assert text == f"show frobnicate\r\n{caret}\r\n{invalid}\r\n\r\n{enabled}"
        shell.send(b"exit\r")
        deadline = time.monotonic() + 5
        while not shell.exit_status_ready():
            assert time.monotonic() < deadline, "exit did not close the session"
            time.sleep(0.02)
    finally:
        client.close()


def test_exec_request_answers_once(lab: LabProcess) -> None:
    client, shell = open_shell(lab, XR_NAME)
    shell.close()
    try:
        _stdin, stdout, _stderr = client.exec_command("show version", timeout=10)
        assert stdout.read().decode() == crlf(xr_outputs(XR_NAME)["show version"])
    finally:
        client.close()


# --- latency and robustness ------------------------------------------------------------------


def test_latency_and_vanishing_client(lab: LabProcess) -> None:
    # A client that hangs up while its command is pending must not upset the server.
    client, shell = open_shell(lab, SLOW_NAME)
    read_until(shell, f"{SLOW_NAME}>")
    shell.send(b"show version\r")
    client.close()

    conn = connect(lab, SLOW_NAME, "cisco_ios")
    try:
        started = time.monotonic()
        output = conn.send_command("show version")
        elapsed = time.monotonic() - started
    finally:
        conn.disconnect()
    assert output == ios_outputs(SLOW_NAME)["show version"]
    assert elapsed >= 0.28


def test_a_command_waits_its_own_latency_and_the_others_do_not(lab: LabProcess) -> None:
    conn = connect(lab, IOS_NAME, "cisco_ios")
    try:
        conn.enable()
        timed = {}
        for command in ("show inventory", "show version"):
            started = time.monotonic()
            output = conn.send_command(command)
            timed[command] = time.monotonic() - started
            assert output == ios_outputs(IOS_NAME)[command]
    finally:
        conn.disconnect()
    assert timed["show version"] >= 0.48, timed
    assert timed["show inventory"] < 0.4, timed


# --- refusing to start -----------------------------------------------------------------------


def write_spec(tmp_path: Path, host: str, port: int = 0) -> Path:
    recording = write_recording(tmp_path, IOS_NAME, "cisco_ios", ios_outputs(IOS_NAME))
    spec = {
        "host": host,
        "routers": [
            {"name": IOS_NAME, "platform": "cisco_ios", "recording": str(recording), "port": port}
        ],
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def set_credential_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USERNAME, CREDS.username)
    monkeypatch.setenv(ENV_PASSWORD, CREDS.password)
    monkeypatch.setenv(ENV_SECRET, CREDS.secret)


def test_refuses_non_loopback_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_credential_env(monkeypatch)
    ready = tmp_path / "ready.json"
    for host in ("192.0.2.10", "0.0.0.0", "localhost"):
        spec = write_spec(tmp_path, host)
        assert main(["--spec", str(spec), "--ready-file", str(ready)]) == 3
        err = capsys.readouterr().err
        assert "loopback" in err
        assert err.count("\n") == 1
    assert not ready.exists()


def test_refuses_missing_credential_env(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, HOST)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}
    env.update({ENV_USERNAME: CREDS.username, ENV_PASSWORD: CREDS.password})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "netaccept.lab",
            "--spec",
            str(spec),
            "--ready-file",
            str(tmp_path / "ready.json"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 3
    assert ENV_SECRET in result.stderr
    assert result.stderr.count("\n") == 1
    assert CREDS.password not in result.stderr + result.stdout
    assert result.stdout == ""


def test_refuses_port_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_credential_env(monkeypatch)
    with socket.socket() as blocker:
        blocker.bind((HOST, 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        spec = write_spec(tmp_path, HOST, port)
        assert main(["--spec", str(spec), "--ready-file", str(tmp_path / "ready.json")]) == 3
    err = capsys.readouterr().err
    assert IOS_NAME in err
    assert f"{HOST}:{port}" in err


def test_lab_process_reports_child_failure(tmp_path: Path) -> None:
    # The recording says IOS but the spec says XR: the child refuses and we see why.
    recording = write_recording(tmp_path, IOS_NAME, "cisco_ios", ios_outputs(IOS_NAME))
    lab = LabProcess([LabRouterSpec(IOS_NAME, "cisco_xr", recording)], CREDS)
    with pytest.raises(RuntimeError, match="exited with code 3") as excinfo, lab:
        pass
    assert "recording" in str(excinfo.value)


def test_load_recording(tmp_path: Path) -> None:
    path = write_recording(tmp_path, XR_NAME, "cisco_xr", xr_outputs(XR_NAME))
    assert load_recording(path) == (XR_NAME, "cisco_xr", xr_outputs(XR_NAME))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"device": "x", "platform": "junos", "outputs": {}}))
    with pytest.raises(ValueError, match="platform"):
        load_recording(bad)


def test_pinned_host_key(tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "lab_host_key"
    key.write_private_key(key_path)
    expected = key.export_public_key("openssh").split()[1].decode()
    recording = write_recording(tmp_path, IOS_NAME, "cisco_ios", ios_outputs(IOS_NAME))
    spec = LabRouterSpec(IOS_NAME, "cisco_ios", recording)
    with LabProcess([spec], CREDS, host_key_path=key_path) as lab:
        client, shell = open_shell(lab, IOS_NAME)
        try:
            read_until(shell, f"{IOS_NAME}>")
            transport = client.get_transport()
            assert transport is not None
            assert transport.get_remote_server_key().get_base64() == expected
        finally:
            client.close()
