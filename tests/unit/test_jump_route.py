"""A device's route: the inventory's jump hosts, or an OpenSSH client configuration's."""

from __future__ import annotations

from pathlib import Path

import pytest

from netaccept.inventory import CredentialsMissing, Hop, Ssh, load_inventory
from netaccept.session.jump import KeySettings, Route, route
from tests.conftest import LAB_INVENTORY

DEVICE = load_inventory(LAB_INVENTORY).device("nyc-gsr-01")  # 127.0.0.1:20001


def test_direct_without_jump_or_config() -> None:
    assert route(DEVICE) == Route("127.0.0.1", 20001, ())


def test_inventory_jump_hosts_in_order() -> None:
    device = DEVICE.model_copy(update={"ssh": Ssh(jump=["ops@b1:2222", "b2"])})
    assert route(device).hops == (Hop("ops", "b1", 2222), Hop(None, "b2", 22))


def test_ssh_config_gives_hostname_port_and_proxyjump(tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text(
        "Host nyc-*\n    ProxyJump jump-nyc\n"
        "Host gsr1\n    HostName 10.0.0.1\n    Port 2022\n    ProxyJump jump-nyc,ops@b2:2200\n"
        "Host jump-nyc\n    HostName 192.0.2.250\n    User bastion\n    Port 2201\n"
    )
    device = DEVICE.model_copy(
        update={"host": "gsr1", "port": 22, "ssh": Ssh(config_file=str(config))}
    )
    found = route(device)
    assert (found.host, found.port) == ("10.0.0.1", 2022)
    assert found.hops == (Hop("bastion", "192.0.2.250", 2201), Hop("ops", "b2", 2200))


def test_inventory_port_and_jump_win_over_the_config(tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text("Host 127.0.0.1\n    Port 2022\n    ProxyJump from-config\n")
    device = DEVICE.model_copy(
        update={"ssh": Ssh(config_file=str(config), jump=["from-inventory"])}
    )
    found = route(device)
    assert found.port == 20001  # the inventory gave one
    assert found.hops == (Hop(None, "from-inventory", 22),)


def test_a_passphrase_variable_that_is_not_set_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NETACCEPT_KEY_PASSPHRASE", raising=False)
    key = tmp_path / "id"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    device = DEVICE.model_copy(
        update={"ssh": Ssh(key_file=str(key), key_passphrase_env="NETACCEPT_KEY_PASSPHRASE")}
    )
    with pytest.raises(
        CredentialsMissing, match="set the environment variable NETACCEPT_KEY_PASSPHRASE"
    ):
        KeySettings.of(device)
    monkeypatch.setenv("NETACCEPT_KEY_PASSPHRASE", "s3cret")
    keys = KeySettings.of(device)
    assert keys.passphrase == "s3cret" and keys.key_file == str(key)


@pytest.mark.parametrize(("sock", "expected"), [("", False), ("/tmp/agent.sock", True)])
def test_the_agent_is_asked_when_an_agent_socket_is_set(
    monkeypatch: pytest.MonkeyPatch, sock: str, expected: bool
) -> None:
    monkeypatch.setenv("SSH_AUTH_SOCK", sock)
    assert KeySettings.of(DEVICE).agent is expected
