"""The inventory's `ssh` section: keys named (never given), jump hosts, an ssh config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from netaccept.inventory import Hop, InventoryError, load_inventory
from tests.conftest import LAB_INVENTORY


def inventory_with(tmp_path: Path, ssh_yaml: str) -> Path:
    """The lab inventory with an `ssh:` block added to `defaults` (at a known line)."""
    text = LAB_INVENTORY.read_text(encoding="utf-8")
    text = text.replace("defaults:\n", "defaults:\n" + ssh_yaml, 1)
    text = text.replace("recordings: lab", f"recordings: {LAB_INVENTORY.parent / 'lab'}")
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, ssh_yaml: str) -> str:
    with pytest.raises(InventoryError) as caught:
        load_inventory(inventory_with(tmp_path, ssh_yaml))
    return str(caught.value)


def test_key_file_jump_and_agent_are_read(tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n")
    inv = load_inventory(
        inventory_with(
            tmp_path, f"  ssh: {{key_file: {key}, jump: ops@bastion:2222, agent: false}}\n"
        )
    )
    ssh = inv.devices[0].ssh
    assert ssh.key_file == str(key) and ssh.agent is False
    assert ssh.jump == ["ops@bastion:2222"]  # one hop written as a string is a list of one
    assert Hop.parse(ssh.jump[0]) == Hop("ops", "bastion", 2222)
    assert ssh.legacy_algorithms is True  # the group's setting, merged with the defaults' ssh


def test_a_public_key_is_not_a_private_key(tmp_path: Path) -> None:
    pub = tmp_path / "id_ed25519.pub"
    pub.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI netaccept\n")
    message = problem(tmp_path, f"  ssh: {{key_file: {pub}}}\n")
    assert f"{tmp_path / 'inventory.yaml'}:" in message
    assert "ssh.key_file" in message and "is not a private key" in message


def test_a_missing_key_file_is_an_inventory_error(tmp_path: Path) -> None:
    message = problem(tmp_path, f"  ssh: {{key_file: {tmp_path / 'nope'}}}\n")
    assert "ssh.key_file" in message and "cannot read the key file" in message


@pytest.mark.parametrize("jump", ["ops@", "host:99999", "a b", "user@host:port"])
def test_a_malformed_jump_host_is_an_inventory_error(tmp_path: Path, jump: str) -> None:
    message = problem(tmp_path, f"  ssh: {{jump: [{jump!r}]}}\n")
    assert "ssh.jump" in message


def test_an_unknown_ssh_key_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    message = problem(tmp_path, "  ssh: {legacy_algorithm: true}\n")
    assert "ssh.legacy_algorithm" in message and "legacy_algorithms" in message


@pytest.mark.parametrize(
    ("text", "hop"),
    [
        ("bastion", Hop(None, "bastion", 22)),
        ("u@[2001:db8::1]:2022", Hop("u", "2001:db8::1", 2022)),
    ],
)
def test_hops_parse_as_openssh_writes_them(text: str, hop: Hop) -> None:
    assert Hop.parse(text) == hop
