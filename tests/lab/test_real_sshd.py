"""netaccept against SSH servers nobody here wrote: Debian's OpenSSH `sshd` (issue 10, point 5).

(a) a router: sshd offering only what a GSR on IOS 12.0S offers (SHA-1 key exchange, an RSA
1024 `ssh-rsa` host key, CBC ciphers, `hmac-sha1`), its ForceCommand a router shell that
serves the lab recording of nyc-gsr-01 (tests/router_shell.py); `netaccept run` certifies
it only with `ssh.legacy_algorithms`, and says why not without it;
(b) a jump host: sshd as a bastion (modern algorithms, public keys, TCP forwarding) in
front of the simulated lab's routers, one hop or a chain of two, its host key verified as
the routers' are; an unreachable bastion is an error naming the hop.
"""

from __future__ import annotations

import dataclasses
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Lab, Result, free_port, netaccept
from tests.sshd import Sshd, jump_host, legacy_router

pytestmark = pytest.mark.lab

GSR = "nyc-gsr-01"  # IOS 12.0S
XR = "nyc-gsr-02"
SECRET = "En-" + secrets.token_hex(6)


@pytest.fixture(scope="module")
def router() -> Iterator[Sshd]:
    with Sshd(legacy_router(LAB_RECORDINGS / f"{GSR}.json", SECRET)) as sshd:
        yield sshd


@pytest.fixture(scope="module")
def keyed_router() -> Iterator[Sshd]:
    """The legacy router, taking RSA client keys signed with SHA-2 as well: OpenSSH 9 says
    so in server-sig-algs whatever its configuration, and paramiko follows that (a real
    12.0S sends no server-sig-algs, and paramiko then signs with ssh-rsa)."""
    options = dataclasses.replace(
        legacy_router(LAB_RECORDINGS / f"{GSR}.json", SECRET),
        pubkey_accepted_algorithms=("ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"),
    )
    with Sshd(options) as sshd:
        yield sshd


@pytest.fixture(scope="module")
def bastion() -> Iterator[Sshd]:
    with Sshd(jump_host()) as sshd:
        yield sshd


def inventory(tmp_path: Path, **ssh: dict[str, Any]) -> Path:
    """The lab inventory with `ssh` settings per device (merged over the group's)."""
    data = yaml.safe_load(LAB_INVENTORY.read_text(encoding="utf-8"))
    for device in data["devices"]:
        if device["name"] in ssh:
            device["ssh"] = ssh[device["name"]]
    data["lab"]["recordings"] = str(LAB_RECORDINGS)
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(
    tmp_path: Path, inventory_path: Path, device: str, address: str, known_hosts: list[str],
    lab: Lab, env: dict[str, str],
) -> Result:  # fmt: skip
    hosts = tmp_path / "known_hosts"
    hosts.write_text("".join(line + "\n" for line in known_hosts), encoding="utf-8")
    started = time.monotonic()
    result = netaccept(
        "run", "--inventory", str(inventory_path), "--device", device, "--no-progress",
        "--endpoint", f"{device}={address}", "--dns-server", lab.dns_server,
        "--host-key-policy", "strict", "--known-hosts", str(hosts),
        out=tmp_path / "reports", env=env,
    )  # fmt: skip
    print(f"netaccept run against sshd: {time.monotonic() - started:.1f} s")
    return result


def router_env(router: Sshd) -> dict[str, str]:
    assert router.password is not None
    return {
        "NETACCEPT_USERNAME": router.user,
        "NETACCEPT_PASSWORD": router.password,
        "NETACCEPT_SECRET": SECRET,
    }


# ---------------------------------------------------------------- (a) a legacy router


def test_legacy_only_sshd_router_is_certified_with_the_setting(
    router: Sshd, lab: Lab, tmp_path: Path
) -> None:
    path = inventory(tmp_path, **{GSR: {"legacy_algorithms": True}})
    result = run(
        tmp_path, path, GSR, f"127.0.0.1:{router.port}", [router.known_hosts_line], lab,
        router_env(router),
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr
    cert = result.certificate(GSR)
    assert cert["verdict"] == "pass"
    ssh = cert["device"]["ssh"]
    assert ssh["kex"] in ("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1")
    assert (ssh["host_key_type"], ssh["mac"]) == ("ssh-rsa", "hmac-sha1")
    assert ssh["cipher"].endswith("-cbc")
    assert len(ssh["weak"]) == 4
    assert cert["device"]["host_key"].startswith("ssh-rsa SHA256:")


def test_legacy_only_sshd_router_without_the_setting_says_what_to_add(
    router: Sshd, lab: Lab, tmp_path: Path
) -> None:
    path = inventory(tmp_path, **{GSR: {"legacy_algorithms": False}})
    before = len(router.log())
    result = run(
        tmp_path, path, GSR, f"127.0.0.1:{router.port}", [router.known_hosts_line], lab,
        router_env(router),
    )  # fmt: skip
    assert result.code == 6, result.stdout + result.stderr
    message = result.check(GSR, "ios_version")["message"]
    assert "offers only legacy SSH algorithms" in message
    assert "key exchange diffie-hellman-group1-sha1, diffie-hellman-group14-sha1" in message
    assert "host keys ssh-rsa" in message
    assert "add `ssh: {legacy_algorithms: true}`" in message
    # Refused during the key exchange: sshd never saw a login attempt.
    assert "password" not in router.log()[before:]


# ---------------------------------------------------------------- (b) jump hosts


@pytest.mark.parametrize("hops", [1, 2])
def test_legacy_router_through_sshd_jump_hosts(
    bastion: Sshd, router: Sshd, lab: Lab, tmp_path: Path, hops: int
) -> None:
    # All OpenSSH: the bastion takes the key file, the router (which does not know the key)
    # then the password. A chain of two goes through the same bastion twice: each hop is an
    # SSH session of its own.
    jump = [f"{bastion.user}@127.0.0.1:{bastion.port}"] * hops
    path = inventory(tmp_path, **{GSR: {"legacy_algorithms": True, "jump": jump,
                                        "key_file": str(bastion.client_key_path)}})  # fmt: skip
    before = bastion.log().count("Accepted publickey")
    result = run(
        tmp_path, path, GSR, f"127.0.0.1:{router.port}",
        [router.known_hosts_line, bastion.known_hosts_line], lab, router_env(router),
    )  # fmt: skip
    assert result.code == 0, result.stdout + result.stderr
    assert result.certificate(GSR)["verdict"] == "pass"
    assert bastion.log().count("Accepted publickey") - before == hops


def test_jump_host_with_unknown_host_key_is_refused_before_the_router(
    bastion: Sshd, router: Sshd, lab: Lab, tmp_path: Path
) -> None:
    jump = f"{bastion.user}@127.0.0.1:{bastion.port}"
    path = inventory(tmp_path, **{GSR: {"legacy_algorithms": True, "jump": jump,
                                        "key_file": str(bastion.client_key_path)}})  # fmt: skip
    before = router.log()
    result = run(
        tmp_path, path, GSR, f"127.0.0.1:{router.port}", [router.known_hosts_line], lab,
        router_env(router),
    )  # not the bastion's key  # fmt: skip
    assert result.code == 6
    message = result.check(GSR, "ios_version")["message"]
    assert f"jump host {jump}: host key of 127.0.0.1:{bastion.port} is unknown" in message
    assert "unknown" in message
    assert router.log() == before  # the router was never contacted


def test_unreachable_jump_host_names_the_hop(lab: Lab, tmp_path: Path) -> None:
    port = free_port()
    jump = f"ops@127.0.0.1:{port}"
    path = inventory(tmp_path, **{XR: {"legacy_algorithms": True, "jump": jump}})
    known = lab.known_hosts.read_text(encoding="utf-8").splitlines()
    result = run(tmp_path, path, XR, f"127.0.0.1:{lab.ports[XR]}", known, lab, lab.env())
    assert result.code == 6
    message = result.check(XR, "ios_version")["message"]
    assert f"{XR} (127.0.0.1:{lab.ports[XR]}): jump host {jump}: connection refused" in message


def test_keyboard_interactive_router_as_tacacs_asks(lab: Lab, tmp_path: Path) -> None:
    # sshd with password authentication off and keyboard-interactive on (PAM's "Password:"
    # prompt, as a TACACS+-backed router asks): the password answers the prompt.
    options = dataclasses.replace(
        legacy_router(LAB_RECORDINGS / f"{GSR}.json", SECRET),
        password_auth=False,
        kbd_interactive_auth=True,
    )
    with Sshd(options) as kbdint:
        path = inventory(tmp_path, **{GSR: {"legacy_algorithms": True}})
        result = run(
            tmp_path, path, GSR, f"127.0.0.1:{kbdint.port}", [kbdint.known_hosts_line], lab,
            router_env(kbdint),
        )  # fmt: skip
        assert result.code == 0, result.stdout + result.stderr
        assert "Accepted keyboard-interactive/pam" in kbdint.log()
        assert "Accepted password" not in kbdint.log()


def test_router_login_with_the_key_file_alone(keyed_router: Sshd, lab: Lab, tmp_path: Path) -> None:
    # The key authorised on the router, and a wrong password: the key is what logs in.
    key = str(keyed_router.client_key_path)
    path = inventory(tmp_path, **{GSR: {"legacy_algorithms": True, "key_file": key}})
    env = {**router_env(keyed_router), "NETACCEPT_PASSWORD": "not-the-password"}
    before = keyed_router.log().count("Accepted publickey")
    result = run(
        tmp_path,
        path,
        GSR,
        f"127.0.0.1:{keyed_router.port}",
        [keyed_router.known_hosts_line],
        lab,
        env,
    )
    assert result.code == 0, result.stdout + result.stderr
    assert keyed_router.log().count("Accepted publickey") == before + 1


def test_router_login_with_the_agent(keyed_router: Sshd, lab: Lab, tmp_path: Path) -> None:
    # No key file: the key is in an ssh-agent, used because SSH_AUTH_SOCK is set.
    agent_sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(agent_sock)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(50):
            if agent_sock.exists():
                break
            time.sleep(0.1)
        env = {**router_env(keyed_router), "SSH_AUTH_SOCK": str(agent_sock),
               "NETACCEPT_PASSWORD": "not-the-password"}  # fmt: skip
        added = subprocess.run(
            ["ssh-add", str(keyed_router.client_key_path)], env={**env, "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        path = inventory(tmp_path, **{GSR: {"legacy_algorithms": True}})
        before = keyed_router.log().count("Accepted publickey")
        known = [keyed_router.known_hosts_line]
        address = f"127.0.0.1:{keyed_router.port}"
        result = run(tmp_path, path, GSR, address, known, lab, env)
        assert result.code == 0, result.stdout + result.stderr
        assert keyed_router.log().count("Accepted publickey") == before + 1
    finally:
        agent.terminate()
        agent.wait(timeout=10)
