"""Nothing configured: no inventory value can make the harness send a non-read-only command.

Every value that is interpolated into a command (addresses, interface names, image paths)
is typed at inventory load. Property: for any value the inventory accepts, every command
of every fact of both platforms passes the read-only allow-list; any value with a newline,
`;`, `|` or another unexpected character is refused at load.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from netaccept.core.verdicts import Undecidable
from netaccept.inventory import Device
from netaccept.platforms import registry
from netaccept.platforms.facts import FACTS
from netaccept.session.commands import ensure_read_only
from tests.conftest import LAB_INVENTORY, Lab

SEPARATORS = ["\n", "\r", ";", "|", "!", "#", " ", "\t", "`", "$(", "\x00", "\x1b"]

interface = st.from_regex(r"[A-Za-z][A-Za-z-]{0,20}[0-9]{1,3}(/[0-9]{1,3}){0,3}", fullmatch=True)
address = st.ip_addresses(v=4).map(str)
path = st.from_regex(
    r"[a-z]{1,6}[0-9]?:[A-Za-z0-9._-]{1,20}(/[A-Za-z0-9._-]{1,20}){0,2}", fullmatch=True
)
anything = st.text(min_size=1, max_size=40)


def device(**fields: Any) -> Device:
    base: dict[str, Any] = {
        "name": "r1",
        "host": "127.0.0.1",
        "platform": "cisco_ios",
        "site": "A",
        "software": {"version": "1", "image": "disk0:x.bin", "md5": "0" * 32},
        "dns": {"servers": ["127.0.0.1"], "domain": "example.net"},
    }
    base.update(fields)
    return Device.model_validate(base)


def all_commands(dev: Device) -> list[str]:
    """Every command a run would send to `dev`; a fact that cannot be planned sends none."""
    commands = []
    for fact in FACTS.values():
        try:
            commands += registry.commands(fact, dev)
        except Undecidable:
            continue  # e.g. `flash` with a package name for an image: an error, not a command
    return commands


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    platform=st.sampled_from(["cisco_ios", "cisco_xr"]),
    link=interface,
    loopback=interface,
    peer=address,
    target=address,
    image=path,
)
def test_every_command_built_from_accepted_values_is_read_only(
    platform: str, link: str, loopback: str, peer: str, target: str, image: str
) -> None:
    try:
        dev = device(
            platform=platform,
            loopback=loopback,
            software={"version": "1", "image": image, "md5": "0" * 32},
            intrapop={"links": [{"interface": link, "peer": "r2", "peer_address": peer}]},
            connectivity={"targets": [{"address": target, "name": "t"}]},
        )
    except ValidationError:
        return  # refused at load: nothing is ever sent
    for command in all_commands(dev):
        assert ensure_read_only(command) == command


@settings(max_examples=300, deadline=None)
@given(value=anything, field=st.sampled_from(["loopback", "image", "link"]))
def test_any_value_the_inventory_accepts_yields_read_only_commands(value: str, field: str) -> None:
    fields: dict[str, Any] = {}
    if field == "loopback":
        fields["loopback"] = value
    elif field == "image":
        fields["software"] = {"version": "1", "image": value, "md5": "0" * 32}
    else:
        fields["intrapop"] = {
            "links": [{"interface": value, "peer": "r2", "peer_address": "10.0.0.1"}]
        }
    try:
        dev = device(**fields)
    except ValidationError:
        return
    for command in all_commands(dev):
        assert ensure_read_only(command) == command


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("field", ["loopback", "image", "link"])
def test_separators_in_interpolated_values_are_refused_at_load(separator: str, field: str) -> None:
    fields: dict[str, Any] = {}
    if field == "loopback":
        fields["loopback"] = f"Loopback0{separator}reload"
    elif field == "image":
        fields["software"] = {"version": "1", "image": f"disk0:x{separator}reload", "md5": "0" * 32}
    else:
        fields["intrapop"] = {
            "links": [
                {"interface": f"Gi0/1{separator}reload", "peer": "r2", "peer_address": "10.0.0.1"}
            ]
        }
    with pytest.raises(ValidationError):
        device(**fields)


def test_accepted_values_do_reach_the_commands() -> None:
    dev = device(
        intrapop={"links": [{"interface": "Gi2/0", "peer": "r2", "peer_address": "10.0.0.2"}]},
        connectivity={"targets": [{"address": "10.9.9.9", "name": "NOC"}]},
    )
    commands = all_commands(dev)
    assert "ping 10.0.0.2 repeat 100 size 1500 source Gi2/0" in commands
    assert "ping 10.9.9.9 repeat 5 size 100 source Loopback0" in commands
    assert "verify /md5 disk0:x.bin" in commands


# ---------------------------------------------------------------- on the wire


@pytest.mark.lab
def test_only_allow_listed_lines_reach_the_wire(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every byte netaccept writes to a router's CLI, over real SSH to the whole lab: the
    allow-listed commands, empty lines, and the enable secret after the router asked."""
    from netmiko.base_connection import BaseConnection

    from netaccept.core.verdicts import Undecidable
    from netaccept.inventory import load_inventory
    from netaccept.run.capture import capture
    from netaccept.session.transport import HostKeySettings, SshTransport

    written: list[str] = []
    original = BaseConnection.write_channel

    def spy(self: BaseConnection, out_data: str) -> None:
        written.append(out_data)
        original(self, out_data)

    monkeypatch.setattr(BaseConnection, "write_channel", spy)
    for name, value in lab.env().items():
        monkeypatch.setenv(name, value)
    endpoints = {name: ("127.0.0.1", port) for name, port in lab.ports.items()}
    inventory = load_inventory(LAB_INVENTORY).with_endpoints(endpoints)
    plan = []
    for dev in inventory.devices:
        commands: list[str] = []
        for fact in FACTS.values():
            try:
                commands += [c for c in registry.commands(fact, dev) if c not in commands]
            except Undecidable:
                continue
        plan.append((dev, commands))
    transport = SshTransport(registry.CLI, HostKeySettings(known_hosts=lab.known_hosts))
    captures = capture(plan, transport, workers=6)
    assert all(c.unavailable is None and not c.failures for c in captures.values())
    sent = [line for chunk in written for line in chunk.splitlines() if line.strip()]
    assert len(sent) > 6 * 15
    for line in sent:
        if line == lab.credentials.secret:
            continue
        ensure_read_only(line)
