"""The published formats: `schemas/certificate.schema.json` (JSON) and `schemas/certificate.xsd`
(the XML of section 2.4), proven against real certificates of a replayed lab run.

- every certificate of the run is valid JSON and valid XML, and each schema rejects a
  certificate broken in each way that matters (a field missing or added, a bad status,
  digest, format name, reference);
- the JSON Schema cannot drift from the pydantic model: the property names at every
  nesting level are the model's, and every enumeration is the code's own;
- the XML carries the facts of the JSON and nothing else.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from jsonschema import Draft202012Validator

from netaccept.core.catalogue import CHECK_IDS, PLATFORM_NAMES
from netaccept.core.verdicts import Overall, Status
from netaccept.report.certificates import (
    REASON_TEXT,
    REASONS,
    SCHEMA,
    AcceptanceOut,
    Certificate,
    NotRun,
    SshOut,
    with_acceptance,
)
from netaccept.report.xmlcert import NAMESPACE, certificate_xml, write_certificate_xml
from netaccept.session.transport import ReplayTransport, SshTransport
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, ROOT, Result, netaccept

JSON_SCHEMA_PATH = ROOT / "schemas" / "certificate.schema.json"
XSD_PATH = ROOT / "schemas" / "certificate.xsd"
NS = {"c": NAMESPACE}
LAB_DEVICES = ("nyc-gsr-01", "nyc-gsr-02", "nyc-gsr-03", "chi-gsr-01", "chi-gsr-02", "chi-xr-01")

Json = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Fixtures: the schemas, and the certificates of one replayed run of the lab inventory
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceCertificate:
    device_dir: Path
    data: Json  # certificate.json as written

    @property
    def model(self) -> Certificate:
        return load_certificate(self.data)


def load_certificate(data: Mapping[str, Any]) -> Certificate:
    """The model of a certificate.json document (whose `schema` the model holds as `schema_`)."""
    fields = dict(data)
    return Certificate.model_validate({"schema_": fields.pop("schema"), **fields})


@pytest.fixture(scope="module")
def json_schema() -> Json:
    schema: Json = json.loads(JSON_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@pytest.fixture(scope="module")
def validator(json_schema: Json) -> Draft202012Validator:
    return Draft202012Validator(json_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD_PATH))


@pytest.fixture(scope="module")
def replay_run(tmp_path_factory: pytest.TempPathFactory) -> Result:
    out = tmp_path_factory.mktemp("reports")
    result = netaccept(
        "run", "--inventory", str(LAB_INVENTORY), "--replay", str(LAB_RECORDINGS),
        "--technician", "J. Doe", "--reason", "repair", "--no-progress", out=out,
    )  # fmt: skip
    assert result.code == 1, result.stderr  # two lab routers are faulty on purpose
    return result


@pytest.fixture(scope="module")
def certificates(replay_run: Result) -> list[DeviceCertificate]:
    found = [
        DeviceCertificate(path.parent, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(replay_run.run_dir.glob("*/certificate.json"))
    ]
    assert sorted(c.data["device"]["name"] for c in found) == sorted(LAB_DEVICES)
    return found


@pytest.fixture(scope="module")
def faulty(certificates: list[DeviceCertificate]) -> DeviceCertificate:
    """nyc-gsr-03: failed checks, findings, evidence and an ordered port."""
    return next(c for c in certificates if c.data["device"]["name"] == "nyc-gsr-03")


def json_errors(validator: Draft202012Validator, document: Json) -> list[str]:
    """Each validation error as `<JSON path>: <message>`."""
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def xml_errors(xsd: xmlschema.XMLSchema, text: str) -> list[str]:
    """Each validation error as `<element path, without prefixes or positions>: <reason>`."""
    return [
        f"{_PREFIX_OR_POSITION.sub('', e.path or '')}: {e.reason}" for e in xsd.iter_errors(text)
    ]


_PREFIX_OR_POSITION = re.compile(r"[A-Za-z0-9_]+:|\[[0-9]+\]")


# --------------------------------------------------------------------------------------------
# The schemas themselves
# --------------------------------------------------------------------------------------------


def test_json_schema_is_a_valid_draft_2020_12_schema(json_schema: Json) -> None:
    assert json_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(json_schema)


def test_xsd_targets_the_certificate_namespace_with_qualified_elements(
    xsd: xmlschema.XMLSchema,
) -> None:
    assert xsd.target_namespace == NAMESPACE
    assert xsd.element_form_default == "qualified"
    assert list(xsd.elements) == ["acceptanceCertificate"]


def object_nodes(schema: Json) -> Iterator[tuple[str, Json]]:
    """Every object schema in `schema` with its path (`$.ports[].checks[]`), `$ref`s resolved."""

    def resolve(node: Json) -> Json:
        while "$ref" in node:
            ref = str(node["$ref"])
            assert ref.startswith("#/$defs/"), ref
            node = {**schema["$defs"][ref.removeprefix("#/$defs/")], **_without(node, "$ref")}
        return node

    def walk(node: Json, path: str) -> Iterator[tuple[str, Json]]:
        node = resolve(node)
        if "properties" in node or node.get("type") == "object":
            yield path, node
        for name, child in node.get("properties", {}).items():
            yield from walk(child, f"{path}.{name}")
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], f"{path}[]")
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in node.get(key, []):
                yield from walk(branch, path)

    yield from walk(schema, "$")


def _without(node: Json, key: str) -> Json:
    return {k: v for k, v in node.items() if k != key}


def property_tree(schema: Json) -> dict[str, set[str]]:
    tree: dict[str, set[str]] = {}
    for path, node in object_nodes(schema):
        tree.setdefault(path, set()).update(node.get("properties", {}))
    return tree


def test_json_schema_has_the_models_property_names_at_every_level(json_schema: Json) -> None:
    model = property_tree(Certificate.model_json_schema(mode="serialization"))
    # The model holds `schema` as `schema_` (to_json renames it), and types the summary as
    # a mapping keyed by status, which the published schema spells out.
    model["$"] = {"schema" if name == "schema_" else name for name in model["$"]}
    assert model.get("$.summary", set()) == set()
    model["$.summary"] = {status.value for status in Status}

    assert property_tree(json_schema) == model


def test_json_schema_is_closed_and_requires_every_property(json_schema: Json) -> None:
    # to_json writes every field, null or empty included: a missing one is a broken document.
    for path, node in object_nodes(json_schema):
        assert node.get("additionalProperties") is False, path
        assert set(node.get("required", [])) == set(node["properties"]), path


def test_every_json_property_has_a_title_and_a_description(json_schema: Json) -> None:
    for path, node in object_nodes(json_schema):
        for name, prop in node["properties"].items():
            assert prop.get("title"), f"{path}.{name} has no title"
            assert prop.get("description"), f"{path}.{name} has no description"


def test_json_schema_enumerations_are_the_codes_own(json_schema: Json) -> None:
    defs = json_schema["$defs"]
    props = json_schema["properties"]
    assert props["schema"]["const"] == SCHEMA
    assert defs["status"]["enum"] == [s.value for s in Status]
    assert defs["verdict"]["enum"] == [v.value for v in Overall]
    assert defs["checkId"]["enum"] == list(CHECK_IDS)
    assert defs["line"]["maximum"] == len(CHECK_IDS)
    assert props["device"]["properties"]["platform"]["enum"] == list(PLATFORM_NAMES)
    assert props["run"]["properties"]["reason"]["enum"] == list(REASONS)
    assert props["run"]["properties"]["reason_text"]["enum"] == [REASON_TEXT[r] for r in REASONS]
    assert props["run"]["properties"]["transport"]["enum"] == [
        SshTransport.name,
        ReplayTransport.name,
    ]
    assert defs["sha256"]["pattern"] == "^[0-9a-f]{64}$"


def xsd_enumeration(type_name: str) -> list[str]:
    tree = ET.parse(XSD_PATH)
    xs = "{http://www.w3.org/2001/XMLSchema}"
    simple = tree.find(f"{xs}simpleType[@name='{type_name}']")
    assert simple is not None, type_name
    return [str(e.get("value")) for e in simple.iter(f"{xs}enumeration")]


def test_xsd_enumerations_are_the_codes_own() -> None:
    assert xsd_enumeration("Status") == [s.value for s in Status]
    assert xsd_enumeration("Verdict") == [v.value for v in Overall]
    assert xsd_enumeration("CheckId") == list(CHECK_IDS)
    assert xsd_enumeration("Platform") == list(PLATFORM_NAMES)
    assert xsd_enumeration("Reason") == list(REASONS)
    assert xsd_enumeration("ReasonText") == [REASON_TEXT[r] for r in REASONS]
    assert xsd_enumeration("Transport") == [SshTransport.name, ReplayTransport.name]


# --------------------------------------------------------------------------------------------
# Real certificates validate
# --------------------------------------------------------------------------------------------


def test_every_certificate_of_a_replayed_lab_run_is_valid_json(
    certificates: list[DeviceCertificate], validator: Draft202012Validator
) -> None:
    for cert in certificates:
        assert json_errors(validator, cert.data) == [], cert.device_dir.name


def test_certificate_json_loads_into_the_model_without_loss(
    certificates: list[DeviceCertificate],
) -> None:
    # The XML is written from the model: it must hold exactly what certificate.json holds.
    for cert in certificates:
        assert json.loads(cert.model.to_json()) == cert.data


def test_certificate_json_is_written_exactly_as_json_dumps_would(
    certificates: list[DeviceCertificate],
) -> None:
    # to_json() uses pydantic's serialiser for speed: the bytes (which are signed) must be
    # those of the plain json.dumps form, UTF-8 kept as it is.
    for cert in certificates:
        model = cert.model
        customer = model.model_copy(update={"certificate_id": "Zürich — Société ✓"})
        for one in (model, customer):
            data = one.model_dump(mode="json")
            data = {"schema": data.pop("schema_"), **data}
            assert one.to_json() == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        text = (cert.device_dir / "certificate.json").read_text(encoding="utf-8")
        assert text == model.to_json()


def test_every_certificate_of_a_replayed_lab_run_is_valid_xml(
    certificates: list[DeviceCertificate], xsd: xmlschema.XMLSchema
) -> None:
    for cert in certificates:
        # The file the run wrote, not a copy written here.
        text = (cert.device_dir / "certificate.xml").read_text(encoding="utf-8")
        assert text == certificate_xml(cert.model), cert.device_dir.name
        assert xml_errors(xsd, text) == [], cert.device_dir.name


def test_xml_document_is_utf8_declared_namespaced_and_pretty_printed(
    faulty: DeviceCertificate,
) -> None:
    text = certificate_xml(faulty.model)
    lines = text.splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8"?>'
    assert lines[1].startswith(f'<acceptanceCertificate xmlns="{NAMESPACE}" ')
    assert "\n  <contract>\n    <agreement>" in text
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{{{NAMESPACE}}}acceptanceCertificate"
    assert root.get("id") == faulty.data["certificate_id"]
    assert root.get("schemaVersion") == "1"


def test_write_certificate_xml_leaves_no_temporary_file(
    faulty: DeviceCertificate, tmp_path: Path
) -> None:
    path = write_certificate_xml(tmp_path / "nyc-gsr-03", faulty.model)
    assert path.read_text(encoding="utf-8") == certificate_xml(faulty.model)
    assert [p.name for p in path.parent.iterdir()] == ["certificate.xml"]


# --------------------------------------------------------------------------------------------
# The JSON Schema rejects broken certificates, at the place that is broken
# --------------------------------------------------------------------------------------------


def _delete(*path: str | int) -> Callable[[Json], None]:
    def mutate(doc: Json) -> None:
        node: Any = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _set(value: Any, *path: str | int) -> Callable[[Json], None]:
    def mutate(doc: Json) -> None:
        node: Any = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


JSON_BREAKAGES: dict[str, tuple[Callable[[Json], None], str]] = {
    "missing verdict": (_delete("verdict"), "$"),
    "missing chassis serial": (_delete("device", "chassis_serial"), "$.device"),
    "missing finding subject": (
        _delete("checks", 0, "findings", 0, "subject"),
        "$.checks[0].findings[0]",
    ),
    "missing port acceptance": (_delete("ports", 0, "acceptance"), "$.ports[0]"),
    "unknown top-level field": (_set("x", "signature"), "$"),
    "unknown field in a check": (_set(1, "checks", 0, "duration_s"), "$.checks[0]"),
    "unknown field in the manifest": (_set("x", "evidence", 0, "size"), "$.evidence[0]"),
    "bad check status": (_set("passed", "checks", 0, "status"), "$.checks[0].status"),
    "bad port check status": (
        _set("ok", "ports", 0, "checks", 0, "status"),
        "$.ports[0].checks[0].status",
    ),
    "bad verdict": (_set("accepted", "verdict"), "$.verdict"),
    "bad reason": (_set("upgrade", "run", "reason"), "$.run.reason"),
    "bad platform": (_set("junos", "device", "platform"), "$.device.platform"),
    "bad check id": (_set("bgp", "checks", 0, "id"), "$.checks[0].id"),
    "upper-case sha256": (
        _set("A" * 64, "evidence", 0, "sha256"),
        "$.evidence[0].sha256",
    ),
    "short sha256": (
        _set("ab" * 16, "checks", 0, "evidence", 0, "sha256"),
        "$.checks[0].evidence[0].sha256",
    ),
    "wrong schema": (_set("netaccept.certificate/2", "schema"), "$.schema"),
    "timestamp without a zone": (
        _set("2026-11-22T19:24:59.916", "run", "started"),
        "$.run.started",
    ),
    "count as a string": (_set("17", "summary", "pass"), "$.summary.pass"),
    "missing status in the summary": (_delete("summary", "skipped"), "$.summary"),
}


@pytest.mark.parametrize("breakage", JSON_BREAKAGES)
def test_json_schema_rejects_a_broken_certificate(
    breakage: str, faulty: DeviceCertificate, validator: Draft202012Validator
) -> None:
    mutate, where = JSON_BREAKAGES[breakage]
    document = copy.deepcopy(faulty.data)
    mutate(document)
    errors = json_errors(validator, document)
    assert any(e.startswith(f"{where}: ") for e in errors), errors


# --------------------------------------------------------------------------------------------
# The XSD rejects the same breakages in the XML
# --------------------------------------------------------------------------------------------


def _xml_delete(xpath: str) -> Callable[[ET.Element], None]:
    def mutate(root: ET.Element) -> None:
        parent = root.find(f"{xpath}/..", NS)
        child = root.find(xpath, NS)
        assert parent is not None and child is not None, xpath
        parent.remove(child)

    return mutate


def _xml_text(xpath: str, text: str) -> Callable[[ET.Element], None]:
    def mutate(root: ET.Element) -> None:
        element = root.find(xpath, NS)
        assert element is not None, xpath
        element.text = text

    return mutate


def _xml_add(xpath: str, tag: str) -> Callable[[ET.Element], None]:
    def mutate(root: ET.Element) -> None:
        element = root.find(xpath, NS)
        assert element is not None, xpath
        ET.SubElement(element, f"{{{NAMESPACE}}}{tag}").text = "x"

    return mutate


def _xml_attribute(xpath: str, name: str, value: str) -> Callable[[ET.Element], None]:
    def mutate(root: ET.Element) -> None:
        element = root if xpath == "." else root.find(xpath, NS)
        assert element is not None, xpath
        element.set(name, value)

    return mutate


# Each breakage, and the error it must cause (a regular expression, path first).
XML_BREAKAGES: dict[str, tuple[Callable[[ET.Element], None], str]] = {
    "missing verdict": (
        _xml_delete("c:verdict"),
        r"^/acceptanceCertificate: .*'c:verdict' expected",
    ),
    "missing check status": (
        _xml_delete("c:checks/c:check/c:status"),
        r"^/acceptanceCertificate/checks/check: .*'c:status' expected",
    ),
    "missing run start": (
        _xml_delete("c:run/c:started"),
        r"^/acceptanceCertificate/run: .*'c:started' expected",
    ),
    "unknown element": (
        _xml_add(".", "signature"),
        r"^/acceptanceCertificate: Unexpected child with tag '\w+:signature'",
    ),
    "unknown element in a check": (
        _xml_add("c:checks/c:check", "durationS"),
        r"^/acceptanceCertificate/checks/check: Unexpected child with tag '\w+:durationS'",
    ),
    "bad check status": (
        _xml_text("c:checks/c:check/c:status", "passed"),
        r"^/acceptanceCertificate/checks/check/status: ",
    ),
    "bad port verdict": (
        _xml_text("c:ports/c:port/c:verdict", "accepted"),
        r"^/acceptanceCertificate/ports/port/verdict: ",
    ),
    "bad reason": (_xml_text("c:run/c:reason", "upgrade"), r"^/acceptanceCertificate/run/reason: "),
    "bad sha256": (
        _xml_text("c:evidence/c:output/c:sha256", "A" * 64),
        r"^/acceptanceCertificate/evidence/output/sha256: ",
    ),
    "bad timestamp": (
        _xml_text("c:run/c:started", "2026-11-22T19:24:59.916"),
        r"^/acceptanceCertificate/run/started: ",
    ),
    "wrong schema version": (
        _xml_attribute(".", "schemaVersion", "2"),
        r"^/acceptanceCertificate: attribute schemaVersion='2'",
    ),
    "bad check id": (
        _xml_attribute("c:checks/c:check", "id", "bgp"),
        r"^/acceptanceCertificate/checks/check: attribute id='bgp'",
    ),
    "evidence missing from the manifest": (
        _xml_text("c:checks/c:check/c:evidence/c:output/c:file", "evidence/99-forged.txt"),
        r"^/acceptanceCertificate: .*evidence/99-forged\.txt.*evidenceFileKey",
    ),
    "a port check that the run does not have": (
        _xml_delete("c:checks/c:check"),
        r"^/acceptanceCertificate: .*intrapop_links.*checkKey",
    ),
}


@pytest.mark.parametrize("breakage", XML_BREAKAGES)
def test_xsd_rejects_a_broken_certificate(
    breakage: str, faulty: DeviceCertificate, xsd: xmlschema.XMLSchema
) -> None:
    mutate, where = XML_BREAKAGES[breakage]
    root = ET.fromstring(certificate_xml(faulty.model))
    mutate(root)
    errors = xml_errors(xsd, ET.tostring(root, encoding="unicode"))
    assert any(re.search(where, e) for e in errors), errors


# --------------------------------------------------------------------------------------------
# The XML carries the JSON's facts, and nothing else
# --------------------------------------------------------------------------------------------


def _find(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path, NS)
    assert found is not None, path
    return found


def _text(element: ET.Element, path: str) -> str:
    return _find(element, path).text or ""


def test_xml_carries_the_same_facts_as_the_json(certificates: list[DeviceCertificate]) -> None:
    for cert in certificates:
        data = cert.data
        root = ET.fromstring(certificate_xml(cert.model))
        assert _text(root, "c:verdict") == data["verdict"]
        assert _text(root, "c:device/c:chassisSerial") == data["device"]["chassis_serial"]
        assert [
            (c.get("id"), _text(c, "c:status")) for c in root.iterfind("c:checks/c:check", NS)
        ] == [(c["id"], c["status"]) for c in data["checks"]]
        assert [_text(o, "c:sha256") for o in root.iterfind("c:evidence/c:output", NS)] == [
            e["sha256"] for e in data["evidence"]
        ]
        for check_xml, check in zip(
            root.iterfind("c:checks/c:check", NS), data["checks"], strict=True
        ):
            assert [
                _text(o, "c:sha256") for o in check_xml.iterfind("c:evidence/c:output", NS)
            ] == [e["sha256"] for e in check["evidence"]]
        assert [
            (p.get("order"), _text(p, "c:verdict")) for p in root.iterfind("c:ports/c:port", NS)
        ] == [(p["order"], p["verdict"]) for p in data["ports"]]


def test_lab_run_xml_shows_the_faulty_routers_failures(
    certificates: list[DeviceCertificate],
) -> None:
    by_device = {
        c.data["device"]["name"]: ET.fromstring(certificate_xml(c.model)) for c in certificates
    }
    failed = {
        (device, str(check.get("id")))
        for device, root in by_device.items()
        for check in root.iterfind("c:checks/c:check", NS)
        if _text(check, "c:status") == "fail"
    }
    assert failed == {
        ("nyc-gsr-03", "isis_neighbors"),
        ("nyc-gsr-03", "ios_version"),
        ("nyc-gsr-03", "loopback_dns"),
        ("chi-gsr-02", "bgp_neighbors"),
        ("chi-gsr-02", "flash"),
    }
    assert _text(by_device["nyc-gsr-01"], "c:device/c:chassisSerial") == "SAD09320A1K"
    assert _text(by_device["chi-gsr-02"], "c:run/c:reason") == "repair"


def ssh_from_xml(ssh: ET.Element | None) -> Json | None:
    if ssh is None:
        return None
    return {
        "kex": ssh.get("kex"),
        "host_key_type": ssh.get("hostKeyType"),
        "cipher": ssh.get("cipher"),
        "mac": ssh.get("mac"),
        "weak": [str(w.text) for w in ssh.findall("c:weak", NS)],
    }


def certificate_from_xml(text: str) -> Json:
    """Read certificate.json's document back out of certificate.xml (the inverse of the writer)."""
    root = ET.fromstring(text)

    def optional(element: ET.Element, path: str) -> str | None:
        found = element.find(path, NS)
        return None if found is None else found.text or ""

    def boolean(element: ET.Element, path: str) -> bool:
        value = _text(element, path)
        assert value in ("true", "false"), value
        return value == "true"

    def outputs(element: ET.Element) -> list[Json]:
        return [
            {
                "command": _text(o, "c:command"),
                "sha256": _text(o, "c:sha256"),
                "file": _text(o, "c:file"),
                "captured_at": _text(o, "c:capturedAt"),
            }
            for o in element.iterfind("c:evidence/c:output", NS)
        ]

    def keys(element: ET.Element) -> Json:
        return {"id": element.get("id"), "line": int(str(element.get("line")))}

    def acceptance(port: ET.Element) -> Json | None:
        found = port.find("c:acceptance", NS)
        if found is None:
            return None
        return {
            "attempt": int(_text(found, "c:attempt")),
            "delivered_on": _text(found, "c:deliveredOn"),
            "deemed_accepted_on": optional(found, "c:deemedAcceptedOn"),
            "remedies_available": boolean(found, "c:remediesAvailable"),
            "statement": _text(found, "c:statement"),
        }

    contract, device, run = _find(root, "c:contract"), _find(root, "c:device"), _find(root, "c:run")
    site = _find(device, "c:site")
    assert root.get("schemaVersion") == "1"
    return {
        "schema": SCHEMA,
        "certificate_id": root.get("id"),
        "contract": {
            "agreement": _text(contract, "c:agreement"),
            "provider": optional(contract, "c:provider"),
            "customer": optional(contract, "c:customer"),
            "acceptance_days_new": int(_text(contract, "c:acceptanceDaysNew")),
            "acceptance_days_repair": int(_text(contract, "c:acceptanceDaysRepair")),
            "attempts_before_remedies": int(_text(contract, "c:attemptsBeforeRemedies")),
        },
        "device": {
            "name": _text(device, "c:name"),
            "site": {
                "id": site.get("id"),
                "name": _text(site, "c:name"),
                "address": _text(site, "c:address"),
            },
            "platform": _text(device, "c:platform"),
            "host": _text(device, "c:host"),
            "port": int(_text(device, "c:port")),
            "hostname_reported": optional(device, "c:hostnameReported"),
            "model": optional(device, "c:model"),
            "chassis_pid": optional(device, "c:chassisPid"),
            "chassis_description": optional(device, "c:chassisDescription"),
            "chassis_serial": optional(device, "c:chassisSerial"),
            "processor_board_id": optional(device, "c:processorBoardId"),
            "software_version": optional(device, "c:softwareVersion"),
            "image": optional(device, "c:image"),
            "host_key": optional(device, "c:hostKey"),
            "host_key_verification": optional(device, "c:hostKeyVerification"),
            "ssh": ssh_from_xml(device.find("c:ssh", NS)),
        },
        "run": {
            "id": run.get("id"),
            "started": _text(run, "c:started"),
            "finished": _text(run, "c:finished"),
            "reason": _text(run, "c:reason"),
            "reason_text": _text(run, "c:reasonText"),
            "technician": _text(run, "c:technician"),
            "harness": _text(run, "c:harness"),
            "transport": _text(run, "c:transport"),
            "inventory": _text(run, "c:inventory"),
        },
        "ports": [
            {
                "order": port.get("order"),
                "interface": _text(port, "c:interface"),
                "speed": _text(port, "c:speed"),
                "customer": _text(port, "c:customer"),
                "verdict": _text(port, "c:verdict"),
                "checks": [
                    {
                        **keys(check),
                        "schedule2": _text(check, "c:schedule2"),
                        "status": _text(check, "c:status"),
                        "message": _text(check, "c:message"),
                        "scope": _text(check, "c:scope"),
                    }
                    for check in port.iterfind("c:checks/c:check", NS)
                ],
                "acceptance": acceptance(port),
            }
            for port in root.iterfind("c:ports/c:port", NS)
        ],
        "verdict": _text(root, "c:verdict"),
        "summary": {s.tag.split("}")[1]: int(s.text or "") for s in _find(root, "c:summary")},
        "scope": _text(root, "c:scope"),
        "not_run": [
            {**keys(c), "schedule2": _text(c, "c:schedule2"), "reason": _text(c, "c:reason")}
            for c in root.iterfind("c:notRun/c:check", NS)
        ],
        "identity_errors": [e.text or "" for e in root.iterfind("c:identityErrors/c:error", NS)],
        "checks": [
            {
                **keys(check),
                "schedule2": _text(check, "c:schedule2"),
                "status": _text(check, "c:status"),
                "message": _text(check, "c:message"),
                "findings": [
                    {
                        "met": boolean(f, "c:met"),
                        "message": _text(f, "c:message"),
                        "subject": optional(f, "c:subject"),
                    }
                    for f in check.iterfind("c:findings/c:finding", NS)
                ],
                "evidence": outputs(check),
            }
            for check in root.iterfind("c:checks/c:check", NS)
        ],
        "evidence": outputs(root),
        "since_acceptance": since_acceptance(root.find("c:sinceAcceptance", NS)),
    }


def since_acceptance(element: ET.Element | None) -> dict[str, Any] | None:
    """A repair's changes since acceptance, as the JSON gives them; None when absent."""
    if element is None:
        return None
    return {
        "baseline_run": element.get("baselineRun"),
        "order": element.get("order"),
        "accepted": element.get("accepted"),
        "changes": [
            {
                "section": c.get("section"),
                "key": c.get("key"),
                "kind": c.get("kind"),
                "text": c.text or "",
            }
            for c in element.iterfind("c:change", NS)
        ],
        "not_compared": [
            {"section": n.get("section"), "why": n.text or ""}
            for n in element.iterfind("c:notCompared", NS)
        ],
    }


def test_xml_reads_back_as_the_json_of_every_lab_certificate(
    certificates: list[DeviceCertificate],
) -> None:
    for cert in certificates:
        assert certificate_from_xml(certificate_xml(cert.model)) == cert.data


def scalars(value: Any) -> Iterator[str]:
    """Every scalar of a JSON document, as the XML writes it."""
    if isinstance(value, dict):
        for item in value.values():
            yield from scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from scalars(item)
    elif isinstance(value, bool):
        yield "true" if value else "false"
    elif value is not None:
        yield str(value)


def test_xml_says_nothing_that_the_json_does_not(certificates: list[DeviceCertificate]) -> None:
    for cert in certificates:
        facts = set(scalars(cert.data))
        root = ET.fromstring(certificate_xml(cert.model))
        for element in root.iter():
            if len(element) == 0 and element.text:
                assert element.text in facts, (element.tag, element.text)
            for name, value in element.attrib.items():
                if (element, name) != (root, "schemaVersion"):
                    assert value in facts, (element.tag, name, value)


# --------------------------------------------------------------------------------------------
# What a replayed lab run does not show: acceptance status, unidentified equipment, odd text
# --------------------------------------------------------------------------------------------


@pytest.fixture
def eventful(faulty: DeviceCertificate) -> Certificate:
    """nyc-gsr-03 as a partial, unidentified, SSH-tested repair on its second attempt."""
    cert = faulty.model
    device = cert.device.model_copy(
        update={
            "chassis_serial": None,
            "processor_board_id": None,
            "host_key": "ssh-ed25519 SHA256:" + "A1b2+/" * 7 + "C",
            "host_key_verification": "matches line 3 of /tmp/kh (--host-key-policy strict)",
            "ssh": SshOut(
                kex="diffie-hellman-group1-sha1",
                host_key_type="ssh-rsa",
                cipher="aes128-cbc",
                mac="hmac-sha1",
                weak=[
                    "negotiated diffie-hellman-group1-sha1: weak, allowed by ssh.legacy_algorithms",
                    "negotiated ssh-rsa: weak, allowed by ssh.legacy_algorithms",
                ],
            ),
        }
    )
    run = cert.run.model_copy(
        update={"transport": "ssh", "reason": "restoration", "reason_text": "restoration"}
    )
    checks = cert.checks[:-1]
    ports = [p.model_copy(update={"checks": p.checks[:-1]}) for p in cert.ports]
    checks[0] = checks[0].model_copy(
        update={"message": "a bell \x07 and a CR\r\nend", "status": Status.ERROR}
    )
    last = cert.checks[-1]
    cert = cert.model_copy(
        update={
            "device": device,
            "run": run,
            "checks": checks,
            "ports": ports,
            "scope": "partial",
            "not_run": [
                NotRun(id=last.id, line=last.line, schedule2=last.schedule2, reason="not selected")
            ],
            "identity_errors": ["show inventory: no chassis serial number"],
            "verdict": Overall.INCOMPLETE,
        }
    )
    order = cert.ports[0].order
    return with_acceptance(
        cert,
        {
            order: AcceptanceOut(
                attempt=2,
                delivered_on="2026-11-22",
                deemed_accepted_on=None,
                remedies_available=True,
                statement="second attempt failed: the customer may choose a remedy (1.4(b))",
            )
        },
    )


def test_acceptance_and_missing_identity_validate_in_both_forms(
    eventful: Certificate, validator: Draft202012Validator, xsd: xmlschema.XMLSchema
) -> None:
    data = json.loads(eventful.to_json())
    assert json_errors(validator, data) == []
    text = certificate_xml(eventful)
    assert xml_errors(xsd, text) == []
    expected = copy.deepcopy(data)
    expected["checks"][0]["message"] = data["checks"][0]["message"].replace("\x07", "\ufffd")
    assert certificate_from_xml(text) == expected


def test_deemed_acceptance_date_is_an_xs_date(
    eventful: Certificate, validator: Draft202012Validator, xsd: xmlschema.XMLSchema
) -> None:
    port = eventful.ports[0]
    assert port.acceptance is not None
    accepted = port.acceptance.model_copy(update={"deemed_accepted_on": "2026-11-24"})
    cert = eventful.model_copy(update={"ports": [port.model_copy(update={"acceptance": accepted})]})
    text = certificate_xml(cert)
    assert "<deemedAcceptedOn>2026-11-24</deemedAcceptedOn>" in text
    assert xml_errors(xsd, text) == []
    assert json_errors(validator, json.loads(cert.to_json())) == []

    wrong = accepted.model_copy(update={"deemed_accepted_on": "2026-11-24T00:00:00Z"})
    bad = cert.model_copy(update={"ports": [port.model_copy(update={"acceptance": wrong})]})
    assert xml_errors(xsd, certificate_xml(bad)) != []
    assert json_errors(validator, json.loads(bad.to_json())) != []


def test_text_xml_cannot_carry_is_replaced_and_line_ends_survive(eventful: Certificate) -> None:
    text = certificate_xml(eventful)
    message = _text(ET.fromstring(text), "c:checks/c:check/c:message")
    assert message == "a bell \ufffd and a CR\r\nend"
    assert "\x07" not in text


def test_only_the_certificate_format_it_knows_is_written_as_xml(
    faulty: DeviceCertificate,
) -> None:
    other = faulty.model.model_copy(update={"schema_": "netaccept.certificate/2"})
    with pytest.raises(ValueError, match=re.escape("netaccept.certificate/2")):
        certificate_xml(other)
