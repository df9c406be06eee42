"""The inventory: layering, and a readable FILE:LINE: FIELD: MESSAGE for every mistake."""

from __future__ import annotations

import builtins
import json
import re
from pathlib import Path

import pytest

from netaccept.core.catalogue import CHECK_IDS
from netaccept.inventory import (
    CredentialsMissing,
    Inventory,
    InventoryError,
    Problem,
    Software,
    load_inventory,
    resolve_credentials,
)

LAB_INVENTORY = Path(__file__).resolve().parents[2] / "inventory" / "lab.yaml"

# A minimal valid inventory. Tests append lines to it, so its line numbers matter:
#   1 sites / 2 NYC1 / 3 CHI1 / 4 devices / 5 - name / 6 host / 7 platform / 8 site
ONE_DEVICE = """\
sites:
  NYC1: {name: 60 Hudson Street, address: "60 Hudson Street, New York"}
  CHI1: {name: Lakeside, address: "350 East Cermak Road, Chicago"}
devices:
  - name: r1
    host: 10.0.0.1
    platform: cisco_ios
    site: NYC1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Inventory:
    return load_inventory(write(tmp_path, text))


def problems(tmp_path: Path, text: str) -> list[Problem]:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, text)
    assert caught.value.problems, "an InventoryError must say what is wrong"
    return caught.value.problems


def problem_for(found: list[Problem], field: str) -> Problem:
    """The one problem about `field` (exact match)."""
    matching = [p for p in found if p.field == field]
    assert len(matching) == 1, f"expected one problem for {field!r}, got {found}"
    return matching[0]


# ------------------------------------------------------------------ the lab inventory


def test_lab_inventory_loads_six_devices_at_two_sites() -> None:
    inventory = load_inventory(LAB_INVENTORY)

    assert [d.name for d in inventory.devices] == [
        "nyc-gsr-01", "nyc-gsr-02", "nyc-gsr-03", "chi-gsr-01", "chi-gsr-02", "chi-xr-01",
    ]  # fmt: skip
    assert set(inventory.sites) == {"NYC1", "CHI1"}
    assert inventory.sites["CHI1"].name == "Lakeside Technology Center"
    assert inventory.settings.workers == 16
    assert inventory.lab_recordings == LAB_INVENTORY.parent / "lab"


def test_lab_device_takes_platform_and_software_from_its_group_and_flash_from_defaults() -> None:
    device = load_inventory(LAB_INVENTORY).device("nyc-gsr-02")

    assert device.platform == "cisco_xr"
    assert device.software is not None
    assert device.software.version == "3.9.1"
    assert device.software.image == "disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm"
    assert device.software.md5 == "c7d25e8a0f3b491e6a2d8c5f7e19b034"
    assert device.flash.min_free_bytes == 104857600
    assert device.timeouts.connect == 20
    assert device.port == 20002
    assert [str(n.address) for n in device.bgp.neighbors] == [  # type: ignore[union-attr]
        "10.210.0.2", "192.0.2.1", "192.0.2.4",
    ]  # fmt: skip


def test_lab_devices_in_another_group_get_that_groups_software() -> None:
    device = load_inventory(LAB_INVENTORY).device("chi-gsr-02")

    assert device.platform == "cisco_ios"
    assert device.software is not None
    assert device.software.version == "12.0(32)SY8"


# ------------------------------------------------------------------ layering

LAYERS = """\
defaults:
  port: 1001
  timeouts: {connect: 1, command: 1}
  flash: {min_free_bytes: 1}
groups:
  first:
    port: 1003
    timeouts: {command: 3}
  second:
    port: 1004
sites:
  NYC1:
    name: 60 Hudson Street
    address: 60 Hudson Street, New York
    defaults:
      port: 1002
      timeouts: {connect: 2}
      flash: {min_free_bytes: 2}
devices:
  - {name: defaults-only, host: h0, platform: cisco_ios, site: NYC1}
  - {name: first-then-second, host: h1, platform: cisco_ios, site: NYC1, groups: [first, second]}
  - {name: second-then-first, host: h2, platform: cisco_ios, site: NYC1, groups: [second, first]}
  - {name: own-port, host: h3, platform: cisco_ios, site: NYC1, groups: [first], port: 1005}
"""


def test_layers_apply_defaults_then_site_defaults_then_groups_in_order_then_device(
    tmp_path: Path,
) -> None:
    inventory = load(tmp_path, LAYERS)

    assert {d.name: d.port for d in inventory.devices} == {
        "defaults-only": 1002,
        "first-then-second": 1004,
        "second-then-first": 1003,
        "own-port": 1005,
    }


def test_mappings_merge_key_by_key_across_layers(tmp_path: Path) -> None:
    inventory = load(tmp_path, LAYERS)

    plain = inventory.device("defaults-only")
    assert (plain.timeouts.connect, plain.timeouts.command) == (2, 1)
    assert plain.flash.min_free_bytes == 2
    grouped = inventory.device("first-then-second")
    assert (grouped.timeouts.connect, grouped.timeouts.command) == (2, 3)


def test_a_device_adds_one_key_to_a_mapping_its_group_provides(tmp_path: Path) -> None:
    device = load(
        tmp_path,
        """\
groups:
  xr:
    software: {version: "3.9.1", image: "disk0:c12k.bin"}
sites:
  NYC1: {name: a, address: b}
devices:
  - name: r1
    host: 10.0.0.1
    platform: cisco_xr
    site: NYC1
    groups: [xr]
    software: {md5: c7d25e8a0f3b491e6a2d8c5f7e19b034}
""",
    ).devices[0]

    assert device.software == Software(
        version="3.9.1", image="disk0:c12k.bin", md5="c7d25e8a0f3b491e6a2d8c5f7e19b034"
    )


def test_a_list_on_the_device_replaces_the_groups_list(tmp_path: Path) -> None:
    device = load(
        tmp_path,
        """\
groups:
  core:
    bgp:
      neighbors:
        - {address: 192.0.2.1, remote_as: 64500}
        - {address: 192.0.2.2, remote_as: 64500}
sites:
  NYC1: {name: a, address: b}
devices:
  - name: r1
    host: 10.0.0.1
    platform: cisco_ios
    site: NYC1
    groups: [core]
    bgp:
      neighbors:
        - {address: 192.0.2.9, remote_as: 64501}
""",
    ).devices[0]

    assert device.bgp is not None
    assert [(str(n.address), n.remote_as) for n in device.bgp.neighbors] == [("192.0.2.9", 64501)]


def test_layering_does_not_leak_one_devices_values_into_another(tmp_path: Path) -> None:
    inventory = load(
        tmp_path,
        """\
defaults:
  timeouts: {connect: 5}
sites:
  NYC1: {name: a, address: b}
devices:
  - {name: r1, host: h1, platform: cisco_ios, site: NYC1, timeouts: {command: 99}}
  - {name: r2, host: h2, platform: cisco_ios, site: NYC1}
""",
    )

    assert inventory.device("r1").timeouts.command == 99
    assert inventory.device("r2").timeouts.command == 60
    assert inventory.device("r2").timeouts.connect == 5


# ------------------------------------------------------------------ errors, located


def test_wrong_type_is_reported_at_its_line_with_the_field(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE + '    port: "twenty"\n')

    problem = problem_for(found, "devices[0] (r1) port")
    assert problem.line == 9
    assert "valid integer" in problem.message
    assert problem.path == tmp_path / "inventory.yaml"


def test_unknown_device_field_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE.replace("platform:", "plaform:"))

    problem = problem_for(found, "devices[0] (r1) plaform")
    assert problem.line == 7
    assert "unknown field" in problem.message
    assert "did you mean 'platform'" in problem.message


def test_unknown_top_level_section_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE + "setings:\n  workers: 4\n")

    problem = problem_for(found, "setings")
    assert problem.line == 9
    assert "unknown section" in problem.message
    assert "did you mean 'settings'" in problem.message


def test_missing_required_field_points_at_the_device(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE.replace("    platform: cisco_ios\n", ""))

    problem = problem_for(found, "devices[0] (r1) platform")
    assert problem.line == 5
    assert "required field is missing" in problem.message


def test_invalid_value_from_a_group_points_at_the_groups_line_not_the_devices(
    tmp_path: Path,
) -> None:
    found = problems(
        tmp_path,
        """\
groups:
  broken:
    platform: cisco_nxos
sites:
  NYC1: {name: a, address: b}
devices:
  - name: r1
    host: 10.0.0.1
    site: NYC1
    groups: [broken]
""",
    )

    problem = problem_for(found, "devices[0] (r1) platform")
    assert problem.line == 3
    assert "'cisco_ios' or 'cisco_xr'" in problem.message
    assert "(got 'cisco_nxos')" in problem.message


def test_invalid_value_from_site_defaults_points_at_the_site(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
sites:
  NYC1:
    name: a
    address: b
    defaults:
      flash: {min_free_bytes: -1}
devices:
  - {name: r1, host: 10.0.0.1, platform: cisco_ios, site: NYC1}
""",
    )

    problem = problem_for(found, "devices[0] (r1) flash.min_free_bytes")
    assert problem.line == 6


@pytest.mark.parametrize("interface", ["POS1/0\nshow run", "Gi0/1; reload", "POS1/0\n", ""])
def test_interface_name_that_is_not_a_plain_name_is_rejected(
    tmp_path: Path, interface: str
) -> None:
    ports = f"    ports:\n      - order: PSO-1\n        interface: {json.dumps(interface)}\n"
    found = problems(tmp_path, ONE_DEVICE + ports + "        speed: OC-3\n        customer: X\n")

    problem = problem_for(found, "devices[0] (r1) ports[0].interface")
    assert problem.line == 11
    assert repr(interface) in problem.message


def test_isis_neighbour_interface_with_a_second_command_is_rejected(tmp_path: Path) -> None:
    isis = '    isis:\n      neighbors:\n        - {system_id: r2, interface: "Gi0/1; reload"}\n'
    found = problems(tmp_path, ONE_DEVICE + isis)

    assert problem_for(found, "devices[0] (r1) isis.neighbors[0].interface").line == 11


def test_malformed_md5_is_rejected_at_its_line(tmp_path: Path) -> None:
    software = (
        "    software:\n      version: '1.0'\n      image: disk0:c12k.bin\n      md5: abc123\n"
    )
    found = problems(tmp_path, ONE_DEVICE + software)

    problem = problem_for(found, "devices[0] (r1) software.md5")
    assert problem.line == 12
    assert "'abc123'" in problem.message


def test_md5_in_upper_case_is_accepted_and_kept_in_lower_case(tmp_path: Path) -> None:
    software = (
        "    software:\n      version: '1.0'\n      image: disk0:c12k.bin\n"
        "      md5: 3F9C2B7E81D04A56C7E2F19B0D8A64E5\n"
    )
    device = load(tmp_path, ONE_DEVICE + software).devices[0]

    assert device.software is not None
    assert device.software.md5 == "3f9c2b7e81d04a56c7e2f19b0d8a64e5"


def test_invalid_ipv4_bgp_neighbour_is_one_readable_problem_at_its_line(tmp_path: Path) -> None:
    bgp = (
        "    bgp:\n      neighbors:\n"
        "        - {address: 192.0.2.1, remote_as: 64500}\n"
        "        - {address: 10.0.0.256, remote_as: 64500}\n"
    )
    found = problems(tmp_path, ONE_DEVICE + bgp)

    assert len(found) == 1
    problem = problem_for(found, "devices[0] (r1) bgp.neighbors[1].address")
    assert problem.line == 12
    assert "not a valid IPv4 or IPv6 address" in problem.message


def test_bgp_neighbour_listed_twice_is_rejected(tmp_path: Path) -> None:
    bgp = (
        "    bgp:\n      neighbors:\n"
        "        - {address: 192.0.2.1, remote_as: 64500}\n"
        "        - {address: 192.0.2.1, remote_as: 64501}\n"
    )
    found = problems(tmp_path, ONE_DEVICE + bgp)

    problem = problem_for(found, "devices[0] (r1) bgp.neighbors")
    assert problem.line == 10
    assert "neighbour listed twice: 192.0.2.1" in problem.message


def test_duplicate_device_name_is_reported_at_the_second_one(tmp_path: Path) -> None:
    found = problems(
        tmp_path, ONE_DEVICE + "  - {name: r1, host: 10.0.0.2, platform: cisco_ios, site: NYC1}\n"
    )

    problem = problem_for(found, "devices[1].name")
    assert problem.line == 9
    assert "duplicate device name 'r1' (also devices[0])" in problem.message


def test_duplicate_yaml_key_is_reported_with_both_lines(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE + "    host: 10.0.0.2\n")

    problem = problem_for(found, "devices[0].host")
    assert problem.line == 9
    assert "duplicate key (first at line 6)" in problem.message


def test_unknown_site_is_reported_with_a_suggestion_and_the_defined_sites(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE.replace("site: NYC1", "site: NYC2"))

    problem = problem_for(found, "devices[0].site")
    assert problem.line == 8
    assert "no site 'NYC2'" in problem.message
    assert "did you mean 'NYC1'" in problem.message
    assert "sites: NYC1, CHI1" in problem.message


def test_unknown_group_is_reported_with_a_suggestion_and_the_defined_groups(
    tmp_path: Path,
) -> None:
    found = problems(
        tmp_path,
        "groups:\n  gsr-ios: {platform: cisco_ios}\n  gsr-xr: {platform: cisco_xr}\n"
        + ONE_DEVICE
        + "    groups: [gsr-ios, gsr-xe]\n",
    )

    problem = problem_for(found, "devices[0].groups[1]")
    assert problem.line == 12
    assert "no group 'gsr-xe'" in problem.message
    assert "did you mean 'gsr-xr'" in problem.message
    assert "groups: gsr-ios, gsr-xr" in problem.message


@pytest.mark.parametrize(
    ("layer", "line", "field"),
    [
        ("groups:\n  g:\n    site: NOWHERE\n", 3, "groups.g.site"),
        ("groups:\n  g:\n    name: shared\n", 3, "groups.g.name"),
        ("defaults:\n  host: 10.9.9.9\n", 2, "defaults.host"),
    ],
)
def test_a_devices_own_key_in_a_shared_layer_is_rejected(
    tmp_path: Path, layer: str, line: int, field: str
) -> None:
    found = problems(tmp_path, layer + ONE_DEVICE)

    problem = problem_for(found, field)
    assert problem.line == line
    assert "belongs on each device" in problem.message


def test_a_devices_own_key_in_site_defaults_is_rejected(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """\
sites:
  NYC1:
    name: a
    address: b
    defaults: {groups: [g]}
devices:
  - {name: r1, host: 10.0.0.1, platform: cisco_ios, site: NYC1}
""",
    )

    assert problem_for(found, "sites.NYC1.defaults.groups").line == 5


def test_malformed_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE + "    ports: [\n  - oops: {\n")

    assert len(found) == 1
    assert found[0].field == "(YAML)"
    assert found[0].line == 10
    assert found[0].message.startswith("not valid YAML: ")


@pytest.mark.parametrize(
    ("text", "line"),
    [("- name: r1\n- name: r2\n", 1), ("just a sentence\n", 1), ("", 1), ("# only\n", 1)],
)
def test_a_document_that_is_not_a_mapping_is_rejected(tmp_path: Path, text: str, line: int) -> None:
    found = problems(tmp_path, text)

    assert len(found) == 1
    assert found[0].line == line
    assert "must be a mapping with a 'devices' list" in found[0].message


@pytest.mark.parametrize("devices", ["devices: []\n", "devices:\n", "sites: {}\n"])
def test_an_inventory_without_devices_is_rejected(tmp_path: Path, devices: str) -> None:
    found = problems(tmp_path, devices)

    assert problem_for(found, "devices").message == (
        "no devices: list at least one under 'devices'"
    )


def test_devices_that_are_not_a_list_are_rejected(tmp_path: Path) -> None:
    found = problems(tmp_path, "devices:\n  r1: {host: 10.0.0.1}\n")

    assert problem_for(found, "devices").message == "must be a list"


def test_a_missing_file_is_one_problem_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"

    with pytest.raises(InventoryError) as caught:
        load_inventory(missing)

    assert caught.value.problems == [Problem(missing, None, "(file)", "no such file")]
    assert str(caught.value) == f"{missing}: (file): no such file"


# ------------------------------------------------------------------ literal credentials


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (ONE_DEVICE + "    password: hunter2\n", 9, "devices[0].password"),
        (ONE_DEVICE + "    secret: hunter2\n", 9, "devices[0].secret"),
        (ONE_DEVICE + "    enable_secret: hunter2\n", 9, "devices[0].enable_secret"),
        ("defaults:\n  password: hunter2\n" + ONE_DEVICE, 2, "defaults.password"),
        ("groups:\n  g:\n    secret: hunter2\n" + ONE_DEVICE, 3, "groups.g.secret"),
        (
            ONE_DEVICE + "    credentials:\n      password: hunter2\n",
            10,
            "devices[0].credentials.password",
        ),
        (
            ONE_DEVICE + "    credentials: {username_env: LAB_USER, enable_secret: hunter2}\n",
            9,
            "devices[0].credentials.enable_secret",
        ),
    ],
)
def test_a_literal_credential_is_rejected_with_the_variable_to_use(
    tmp_path: Path, text: str, line: int, field: str
) -> None:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, text)

    problem = problem_for(caught.value.problems, field)
    assert problem.line == line
    assert "literal credential is not allowed" in problem.message
    assert "NETACCEPT_PASSWORD" in problem.message
    assert "credentials." in problem.message
    assert "password_env" in problem.message
    assert "hunter2" not in str(caught.value)


# ------------------------------------------------------------------ how problems read

BAD_INVENTORIES = {
    "wrong type": ONE_DEVICE + '    port: "twenty"\n',
    "unknown field": ONE_DEVICE.replace("platform:", "plaform:"),
    "bad interface": ONE_DEVICE
    + '    isis:\n      neighbors:\n        - {system_id: r2, interface: "Gi0/1; reload"}\n',
    "bad ip": ONE_DEVICE
    + "    bgp:\n      neighbors:\n        - {address: 300.1.1.1, remote_as: 0}\n",
    "unknown check": ONE_DEVICE + "    not_applicable: {rpms: no probes}\n",
    "bad host": ONE_DEVICE.replace("10.0.0.1", "'host name; reload'"),
    "bad settings": ONE_DEVICE + "settings: {workers: lots}\nlab: {recordings: [a]}\n",
    "bad site": "sites:\n  NYC1: {name: a, adress: b}\ndevices:\n  - {name: r1, site: NYC1}\n",
    "duplicate ports": ONE_DEVICE
    + "    ports:\n"
    + "      - {order: PSO-1, interface: POS1/0, speed: OC-3, customer: X}\n"
    + "      - {order: PSO-1, interface: POS1/0, speed: OC-3, customer: X}\n",
    "secret": ONE_DEVICE + "    password: hunter2\n",
    "yaml": "devices: [\n",
    "not a device": "devices:\n  - just a string\n",
    "non-string key": ONE_DEVICE + "    1: one\n",
}


@pytest.mark.parametrize("text", list(BAD_INVENTORIES.values()), ids=list(BAD_INVENTORIES))
def test_every_problem_reads_file_line_field_message(tmp_path: Path, text: str) -> None:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, text)

    path = tmp_path / "inventory.yaml"
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems)
    for line, problem in zip(lines, caught.value.problems, strict=True):
        assert problem.line is not None
        assert line == f"{path}:{problem.line}: {problem.field}: {problem.message}"
        assert re.fullmatch(rf"{re.escape(str(path))}:\d+: [^:\n]+: \S.*", line)


@pytest.mark.parametrize("text", list(BAD_INVENTORIES.values()), ids=list(BAD_INVENTORIES))
def test_no_problem_shows_a_traceback_or_a_pydantic_link(tmp_path: Path, text: str) -> None:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, text)

    for problem in caught.value.problems:
        assert "Traceback" not in problem.message
        assert "errors.pydantic.dev" not in problem.message
        assert "pydantic" not in problem.field
        assert "lax-or-strict" not in problem.field


def test_problems_are_listed_in_file_order(tmp_path: Path) -> None:
    found = problems(
        tmp_path, ONE_DEVICE.replace("platform:", "plaform:") + '    port: "twenty"\nextra: 1\n'
    )

    lines = [p.line or 0 for p in found]
    assert lines == sorted(lines)
    assert lines[-1] == 10


# ------------------------------------------------------------------ select / with_endpoints


def test_select_keeps_only_the_named_devices_in_inventory_order() -> None:
    inventory = load_inventory(LAB_INVENTORY)

    selected = inventory.select(["chi-xr-01", "nyc-gsr-01"])

    assert [d.name for d in selected.devices] == ["nyc-gsr-01", "chi-xr-01"]
    assert selected.sites == inventory.sites


def test_select_of_no_names_keeps_every_device() -> None:
    inventory = load_inventory(LAB_INVENTORY)

    assert inventory.select([]).devices == inventory.devices


def test_select_of_an_unknown_device_names_it_with_a_suggestion() -> None:
    inventory = load_inventory(LAB_INVENTORY)

    with pytest.raises(InventoryError) as caught:
        inventory.select(["nyc-gsr-01", "nyc-gsr-1"])

    [problem] = caught.value.problems
    assert problem.field == "device"
    assert "no device named 'nyc-gsr-1'" in problem.message
    assert "did you mean 'nyc-gsr-01'" in problem.message
    assert "chi-xr-01" in problem.message


def test_with_endpoints_replaces_host_and_port_of_the_named_devices_only() -> None:
    inventory = load_inventory(LAB_INVENTORY)

    moved = inventory.with_endpoints({"nyc-gsr-02": ("192.0.2.77", 40022)})

    assert (moved.device("nyc-gsr-02").host, moved.device("nyc-gsr-02").port) == (
        "192.0.2.77",
        40022,
    )
    assert moved.device("nyc-gsr-01") == inventory.device("nyc-gsr-01")
    assert inventory.device("nyc-gsr-02").port == 20002


# ------------------------------------------------------------------ software paths


@pytest.mark.parametrize(
    ("image", "filesystem", "directory", "filename"),
    [
        ("disk0:c12k.bin", "disk0:", "", "c12k.bin"),
        ("disk0:/c12k.bin", "disk0:", "", "c12k.bin"),
        ("disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm", "disk0:", "c12k-os-mbi-3.9.1", "mbiprp-rp.vm"),
        ("harddisk:/a/b/image.bin", "harddisk:", "a/b", "image.bin"),
    ],
)
def test_software_image_splits_into_filesystem_directory_and_filename(
    image: str, filesystem: str, directory: str, filename: str
) -> None:
    software = Software(version="1", image=image)

    assert (software.filesystem, software.directory, software.filename) == (
        filesystem,
        directory,
        filename,
    )


# ------------------------------------------------------------------ not_applicable


def test_not_applicable_with_an_unknown_check_id_is_rejected(tmp_path: Path) -> None:
    found = problems(tmp_path, ONE_DEVICE + "    not_applicable:\n      ios_versoin: n/a\n")

    [problem] = found
    assert problem.line == 10
    assert problem.field.startswith("devices[0] (r1) not_applicable.ios_versoin")
    assert "(got 'ios_versoin')" in problem.message


def test_not_applicable_accepts_every_catalogue_check_with_a_reason(tmp_path: Path) -> None:
    reasons = "".join(f"      {check_id}: not sold here\n" for check_id in CHECK_IDS)

    device = load(tmp_path, ONE_DEVICE + "    not_applicable:\n" + reasons).devices[0]

    assert set(device.not_applicable) == set(CHECK_IDS)


# ------------------------------------------------------------------ credentials

CREDENTIAL_VARS = (
    "NETACCEPT_USERNAME", "NETACCEPT_PASSWORD", "NETACCEPT_SECRET", "LAB_USER", "LAB_PASS",
    "LAB_ENABLE",
)  # fmt: skip


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No credential variable set; whatever a test sets (or a prompt stores) is undone after."""
    for var in CREDENTIAL_VARS:
        monkeypatch.setenv(var, "placeholder")  # recorded, so teardown restores the original
        monkeypatch.delenv(var)
    return monkeypatch


def lab_device(tmp_path: Path, credentials: str = "") -> Inventory:
    return load(tmp_path, ONE_DEVICE + credentials)


def test_credentials_come_from_the_default_variables(
    tmp_path: Path, no_credentials: pytest.MonkeyPatch
) -> None:
    no_credentials.setenv("NETACCEPT_USERNAME", "user-a")
    no_credentials.setenv("NETACCEPT_PASSWORD", "pass-a")
    no_credentials.setenv("NETACCEPT_SECRET", "enable-a")
    device = lab_device(tmp_path).devices[0]

    assert resolve_credentials(device, interactive=False) == ("user-a", "pass-a", "enable-a")


def test_credentials_come_from_the_variables_the_device_names(
    tmp_path: Path, no_credentials: pytest.MonkeyPatch
) -> None:
    no_credentials.setenv("NETACCEPT_USERNAME", "default-user")
    no_credentials.setenv("NETACCEPT_PASSWORD", "default-pass")
    no_credentials.setenv("LAB_USER", "lab-user")
    no_credentials.setenv("LAB_PASS", "lab-pass")
    no_credentials.setenv("LAB_ENABLE", "lab-enable")
    credentials = (
        "    credentials: {username_env: LAB_USER, password_env: LAB_PASS, "
        "secret_env: LAB_ENABLE}\n"
    )
    device = lab_device(tmp_path, credentials).devices[0]

    assert resolve_credentials(device, interactive=False) == ("lab-user", "lab-pass", "lab-enable")


def test_enable_secret_defaults_to_the_password_when_its_variable_is_unset(
    tmp_path: Path, no_credentials: pytest.MonkeyPatch
) -> None:
    no_credentials.setenv("NETACCEPT_USERNAME", "user-a")
    no_credentials.setenv("NETACCEPT_PASSWORD", "pass-a")
    device = lab_device(tmp_path).devices[0]

    assert resolve_credentials(device, interactive=False) == ("user-a", "pass-a", "pass-a")


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({"NETACCEPT_PASSWORD": "pass-a"}, "NETACCEPT_USERNAME"),
        ({"NETACCEPT_USERNAME": "user-a"}, "NETACCEPT_PASSWORD"),
    ],
)
def test_a_missing_credential_names_the_variable_to_set_when_nobody_can_type_it(
    tmp_path: Path, no_credentials: pytest.MonkeyPatch, present: dict[str, str], missing: str
) -> None:
    for var, value in present.items():
        no_credentials.setenv(var, value)
    device = lab_device(tmp_path).devices[0]

    with pytest.raises(CredentialsMissing) as caught:
        resolve_credentials(device, interactive=False)

    message = str(caught.value)
    assert message.startswith("r1: ")
    assert f"set the environment variable {missing}" in message
    for value in present.values():
        assert value not in message


def test_a_missing_per_device_variable_is_named_not_the_default(
    tmp_path: Path, no_credentials: pytest.MonkeyPatch
) -> None:
    no_credentials.setenv("NETACCEPT_USERNAME", "user-a")
    no_credentials.setenv("NETACCEPT_PASSWORD", "pass-a")
    device = lab_device(tmp_path, "    credentials: {password_env: LAB_PASS}\n").devices[0]

    with pytest.raises(CredentialsMissing, match="LAB_PASS"):
        resolve_credentials(device, interactive=False)


def test_at_a_terminal_a_missing_credential_is_asked_once_with_the_password_hidden(
    tmp_path: Path, no_credentials: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []

    def typed(prompt: str) -> str:
        asked.append(("visible", prompt))
        return "typed-user"

    def hidden(prompt: str = "") -> str:
        asked.append(("hidden", prompt))
        return "typed-pass"

    no_credentials.setattr(builtins, "input", typed)
    no_credentials.setattr("getpass.getpass", hidden)
    inventory = load(
        tmp_path, ONE_DEVICE + "  - {name: r2, host: 10.0.0.2, platform: cisco_ios, site: NYC1}\n"
    )

    first = resolve_credentials(inventory.device("r1"), interactive=True)
    second = resolve_credentials(inventory.device("r2"), interactive=True)

    assert first == second == ("typed-user", "typed-pass", "typed-pass")
    assert asked == [
        ("visible", "username for r1 (or set NETACCEPT_USERNAME): "),
        ("hidden", "password for r1 (or set NETACCEPT_PASSWORD): "),
    ]


@pytest.mark.parametrize("value", ["false", "true", "3221225985", "1.5"])
@pytest.mark.parametrize(
    "field", ["permitted_prefixes", "address"], ids=["vty prefix", "connectivity address"]
)
def test_an_address_that_yaml_reads_as_no_text_is_a_readable_problem(
    tmp_path: Path, value: str, field: str
) -> None:
    # Found by the inventory fuzzer: `permitted_prefixes: [false]` went on to ipaddress,
    # which took False for 0.0.0.0 (with a DeprecationWarning) instead of a problem.
    text = LAB_INVENTORY.read_text(encoding="utf-8")
    if field == "permitted_prefixes":
        old = "permitted_prefixes: [192.0.2.0/26, 198.51.100.0/24]"
        assert old in text
        text = text.replace(old, f"permitted_prefixes: [{value}]")
    else:
        old = "{address: 192.0.2.100"
        assert old in text
        text = text.replace(old, f"{{address: {value}", 1)
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InventoryError, match="is not an address: write it as text"):
        load_inventory(path)
