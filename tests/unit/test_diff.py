"""The comparison engine: snapshots of a device's facts, and what `compare` calls a change."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from netaccept.inventory import load_inventory
from netaccept.report.diff import SECTIONS, Change, Snapshot, compare, not_compared, snapshot
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS

INVENTORY = load_inventory(LAB_INVENTORY)
DEVICES = {d.name: d for d in INVENTORY.devices}
IOS, XR = "nyc-gsr-01", "nyc-gsr-02"


def outputs(device: str) -> dict[str, str]:
    data = json.loads((LAB_RECORDINGS / f"{device}.json").read_text(encoding="utf-8"))
    return dict(data["outputs"])


def of(device: str, **edits: str) -> Snapshot:
    """The snapshot of a lab router from its recording, some outputs replaced (`_` for ` `)."""
    texts = outputs(device)
    texts.update({command.replace("_", " "): text for command, text in edits.items()})
    return snapshot(DEVICES[device], texts)


def snap(sections: dict[str, Any], unreadable: dict[str, str] | None = None) -> Snapshot:
    return Snapshot("r1", "cisco_ios", sections, unreadable or {})


def texts(changes: list[Change]) -> list[str]:
    return [c.text for c in changes]


# ---------------------------------------------------------------- reading the evidence


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_every_section_reads_on_every_lab_router(device: str) -> None:
    taken = of(device)
    assert taken.unreadable == {}
    assert set(taken.sections) == {s.name for s in SECTIONS}
    assert taken.sections["software"]["version"]
    assert taken.sections["bgp"] and taken.sections["isis"] and taken.sections["interfaces"]


def test_a_snapshot_holds_no_volatile_value() -> None:
    text = json.dumps(of(IOS).to_json())
    for volatile in ("12w3d", "5120", "uptime", "1 year", "09:12:01", "630", "1680585675500"):
        assert volatile not in text


def test_a_missing_output_makes_its_sections_unreadable_naming_the_command() -> None:
    texts_ = outputs(IOS)
    del texts_["show isis neighbors"]
    del texts_["show running-config"]
    taken = snapshot(DEVICES[IOS], texts_)
    assert taken.unreadable["isis"] == "'show isis neighbors' is not in the evidence"
    assert "'show running-config' is not in the evidence" in taken.unreadable["bgp_config"]
    assert "isis" not in taken.sections and "bgp" in taken.sections


def test_an_output_the_reader_refuses_is_unreadable_not_a_crash() -> None:
    rejected = "show ip bgp summary\n         ^\n% Invalid input detected at '^' marker.\n"
    taken = of(IOS, show_ip_bgp_summary=rejected, show_version="garbage\n")
    assert "bgp" in taken.unreadable and "software" in taken.unreadable
    assert "bgp" not in taken.sections and "interfaces" in taken.sections


def test_a_snapshot_survives_json_unchanged() -> None:
    taken = of(XR)
    again = Snapshot.from_json(json.loads(json.dumps(taken.to_json())))
    assert again == taken
    assert compare(taken, again) == []


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"schema": "netaccept.snapshot/2", "device": "r1", "platform": "cisco_ios", "sections": {}},
        {"schema": "netaccept.snapshot/1", "device": 1, "platform": "cisco_ios", "sections": {}},
        {"schema": "netaccept.snapshot/1", "device": "r1", "platform": "x", "sections": []},
        {"schema": "netaccept.snapshot/1", "device": "r1", "platform": "x", "sections": {"a": 1}},
    ],
)
def test_a_malformed_snapshot_is_a_value_error(data: Any) -> None:
    with pytest.raises(ValueError):
        Snapshot.from_json(data)


def test_a_change_survives_json() -> None:
    (change,) = compare(snap({"bgp": {"192.0.2.4": {"remote_as": 1, "state": "Established"}}}),
                        snap({"bgp": {}}))  # fmt: skip
    assert Change.from_json(json.loads(json.dumps(change.to_json()))) == change
    with pytest.raises(ValueError):
        Change.from_json({"section": "bgp"})


# ---------------------------------------------------------------- what is a change


def test_identical_snapshots_have_no_change() -> None:
    assert compare(of(IOS), of(IOS)) == []
    assert not_compared(of(IOS), of(IOS)) == {}


def test_a_down_session_changing_its_state_word_is_no_change() -> None:
    summary = outputs(IOS)["show ip bgp summary"]

    def state(word: str) -> str:
        return re.sub(r"^(192\.0\.2\.4 .*\s)\d+$", rf"\g<1>{word}", summary, flags=re.M)

    active, idle = (
        of(IOS, show_ip_bgp_summary=state("Active")),
        of(IOS, show_ip_bgp_summary=state("Idle")),
    )
    assert compare(active, idle) == []
    assert texts(compare(of(IOS), active)) == [
        "BGP neighbour 192.0.2.4 (AS 64500): state was Established, now not established"
    ]


def test_a_state_gone_and_new_and_a_setting_removed_and_added() -> None:
    before = snap({
        "bgp": {"192.0.2.4": {"remote_as": 64500, "state": "Established"}},
        "tacacs": {"TACACS+ source-interface": "Loopback0"},
    })  # fmt: skip
    after = snap({
        "bgp": {"192.0.2.9 VPNv4 Unicast": {"remote_as": 64501, "state": "Established"}},
        "tacacs": {"TACACS+ servers": ["192.0.2.10"]},
    })  # fmt: skip
    found = compare(before, after)
    assert texts(found) == [
        "BGP neighbour 192.0.2.4 (AS 64500): was Established, now gone",
        "BGP neighbour 192.0.2.9 (AS 64501, VPNv4 Unicast): new, Established",
        "TACACS+ source-interface: removed (was Loopback0)",
        "TACACS+ servers: added (192.0.2.10)",
    ]
    assert [c.kind for c in found] == ["removed", "added", "removed", "added"]
    assert (
        found[0].before == {"remote_as": 64500, "state": "Established"} and found[0].after is None
    )


def test_a_changed_record_names_each_field_that_changed_and_no_other() -> None:
    before = snap({"interfaces": {"POS4/0": {
        "link": "up", "protocol": "up", "description": "PSO-1 Customer", "address": "10.0.0.1"
    }}})  # fmt: skip
    after = snap({"interfaces": {"POS4/0": {
        "link": "down", "protocol": "down", "description": "PSO-1 Customer", "address": "10.0.0.1"
    }}})  # fmt: skip
    assert texts(compare(before, after)) == [
        "interface POS4/0: link was up, now down; line protocol was up, now down"
    ]


def test_lists_say_what_was_added_and_removed_or_that_only_the_order_changed() -> None:
    before = snap(
        {
            "vty": {"access-list 20": ["permit 192.0.2.0 0.0.0.63", "deny any"]},
            "isis_config": {"router isis CORE": {"interfaces": ["Gi2/0", "PO3/0"]}},
        }
    )
    after = snap(
        {
            "vty": {"access-list 20": ["permit any", "permit 192.0.2.0 0.0.0.63"]},
            "isis_config": {"router isis CORE": {"interfaces": ["PO3/0", "Gi2/0"]}},
        }
    )
    assert texts(compare(before, after)) == [
        "router isis CORE: interfaces: reordered, now PO3/0, Gi2/0",
        'access-list 20: added "permit any", removed "deny any"',
    ]  # in the order of SECTIONS: isis_config before vty


def test_empty_and_missing_values_read_as_none() -> None:
    before = snap({"interfaces": {"Gi2/2": {"description": "", "address": ""}}})
    after = snap({"interfaces": {"Gi2/2": {"description": "spare", "address": ""}}})
    assert texts(compare(before, after)) == ['interface Gi2/2: description was none, now "spare"']


def test_a_field_only_one_snapshot_knows_is_not_a_change() -> None:
    older = snap({"interfaces": {"Gi2/0": {"link": "up", "protocol": "up"}}})
    newer = snap({"interfaces": {"Gi2/0": {"link": "up", "protocol": "up", "address": "10.0.0.1"}}})
    assert compare(older, newer) == []


def test_a_section_one_side_could_not_read_is_not_compared_and_not_gone() -> None:
    before = snap({"bgp": {"192.0.2.4": {"remote_as": 64500, "state": "Established"}},
                   "isis": {"chi-gsr-01 PO3/0 L2": "UP"}})  # fmt: skip
    after = snap({"isis": {}}, {"bgp": "'show ip bgp summary' is not in the evidence"})
    assert texts(compare(before, after)) == [
        "ISIS adjacency with chi-gsr-01 on PO3/0 (L2): was UP, now gone"
    ]
    assert not_compared(before, after) == {
        "bgp": "after: 'show ip bgp summary' is not in the evidence"
    }


def test_a_section_an_older_snapshot_lacks_is_not_recorded() -> None:
    assert not_compared(snap({}), snap({"logging": {"log buffer level": "debugging"}})) == {
        "logging": "before: not recorded"
    }


def test_a_section_of_a_newer_snapshot_is_compared_plainly() -> None:
    before, after = snap({"qos": {"policy CORE": "on"}}), snap({"qos": {"policy CORE": "off"}})
    assert texts(compare(before, after)) == ["policy CORE: was on, now off"]
