"""The fault matrix: every check, on each platform, proven by its own fault over real SSH.

One lab serves the two healthy base routers and, beside them, one copy of the right base
per fault of the catalogue with that fault applied. A single `netaccept run` certifies all
of them; then each fault must fail exactly its own check, with a message naming the
fault's object, while every other check on that router still passes.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import dns.reversename
import pytest
import yaml

from netaccept.core.catalogue import CHECK_IDS, PLATFORM_NAMES
from netaccept.inventory import load_inventory
from netaccept.lab.dns import DnsRecord, zone_for
from netaccept.lab.faults import BASE, CATALOGUE, Fault
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabRouterSpec
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Result, netaccept

pytestmark = pytest.mark.lab


def clone_name(fault: Fault) -> str:
    return f"{BASE[fault.platform]}-{fault.name}"[:63]


@dataclass(frozen=True)
class Matrix:
    result: Result


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    work = tmp_path_factory.mktemp("matrix")
    recordings = work / "lab"
    recordings.mkdir()
    document: dict[str, Any] = yaml.safe_load(LAB_INVENTORY.read_text(encoding="utf-8"))
    bases = {d["name"]: d for d in document["devices"] if d["name"] in BASE.values()}
    inventory = load_inventory(LAB_INVENTORY)
    devices: list[dict[str, Any]] = []
    specs: list[LabRouterSpec] = []
    records: list[DnsRecord] = []

    for platform in PLATFORM_NAMES:
        name = BASE[platform]
        source = json.loads((LAB_RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
        (recordings / f"{name}.json").write_text(json.dumps(source), encoding="utf-8")
        devices.append({**bases[name], "port": 22})
        specs.append(LabRouterSpec(name, platform, recordings / f"{name}.json"))
        device = inventory.device(name)
        assert device.dns is not None
        address = {"cisco_ios": "192.0.2.1", "cisco_xr": "192.0.2.2"}[platform]
        records += zone_for({name: address}, str(device.dns.domain))

    for number, fault in enumerate(CATALOGUE, start=1):
        base = BASE[fault.platform]
        name = clone_name(fault)
        source = json.loads((LAB_RECORDINGS / f"{base}.json").read_text(encoding="utf-8"))
        source["device"] = name
        outputs = fault.apply(source["outputs"])
        # Order ids are unique across an inventory: each copy gets its own, everywhere.
        ports = [
            {**p, "order": f"{p['order']}-F{number:02d}"} for p in bases[base].get("ports", [])
        ]
        for port in bases[base].get("ports", []):
            outputs = {
                c: o.replace(port["order"], f"{port['order']}-F{number:02d}")
                for c, o in outputs.items()
            }
        source["outputs"] = outputs
        (recordings / f"{name}.json").write_text(json.dumps(source), encoding="utf-8")
        base_device = inventory.device(base)
        assert base_device.dns is not None
        devices.append(
            {
                **bases[base],
                "name": name,
                "port": 22,
                "ports": ports,
                "dns": {"name": base_device.dns.fqdn(base)},
            }
        )
        specs.append(LabRouterSpec(name, fault.platform, recordings / f"{name}.json"))
        if fault.loopback and fault.ptr:
            reverse = dns.reversename.from_address(fault.loopback).to_text()
            records.append(DnsRecord(reverse, "PTR", fault.ptr + "."))

    document["devices"] = devices
    document["lab"] = {"recordings": "lab"}
    (work / "inventory.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")

    credentials = LabCredentials("matrix", secrets.token_urlsafe(12), secrets.token_urlsafe(12))
    env = {
        "NETACCEPT_USERNAME": credentials.username,
        "NETACCEPT_PASSWORD": credentials.password,
        "NETACCEPT_SECRET": credentials.secret,
    }
    with LabProcess(specs, credentials, dns_records=records) as lab:
        args = ["run", "--inventory", str(work / "inventory.yaml"), "--no-progress"]
        args += ["--dns-server", f"127.0.0.1:{lab.dns_port}", "--workers", "16"]
        for name, port in lab.ports.items():
            args += ["--endpoint", f"{name}=127.0.0.1:{port}"]
        known_hosts = lab.write_known_hosts(work / "known_hosts")
        args += ["--host-key-policy", "strict", "--known-hosts", str(known_hosts)]
        result = netaccept(*args, out=work / "reports", env=env, timeout=600)
    return Matrix(result)


def test_the_catalogue_has_one_fault_per_check_and_platform() -> None:
    pairs = [(f.check, f.platform) for f in CATALOGUE]
    assert sorted(pairs) == sorted((c, p) for c in CHECK_IDS for p in PLATFORM_NAMES)
    assert len({clone_name(f) for f in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("platform", PLATFORM_NAMES)
def test_the_healthy_base_passes_every_check(matrix: Matrix, platform: str) -> None:
    cert = matrix.result.certificate(BASE[platform])  # type: ignore[index]
    assert {c["id"]: c["status"] for c in cert["checks"]} == dict.fromkeys(CHECK_IDS, "pass")


@pytest.mark.parametrize("fault", CATALOGUE, ids=lambda f: f"{f.platform}-{f.check}")
def test_each_fault_fails_exactly_its_check_naming_its_object(matrix: Matrix, fault: Fault) -> None:
    cert = matrix.result.certificate(clone_name(fault))
    statuses = {c["id"]: c["status"] for c in cert["checks"]}
    expected = {c: "fail" if c == fault.check else "pass" for c in CHECK_IDS}
    assert statuses == expected, [
        (c["id"], c["message"]) for c in cert["checks"] if c["status"] != expected[c["id"]]
    ]
    message = matrix.result.check(clone_name(fault), fault.check)["message"]
    assert fault.names in message, message
    assert cert["verdict"] == "fail"
