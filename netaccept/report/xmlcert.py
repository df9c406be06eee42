"""The certificate as XML, for the electronic interface of section 2.4.

`certificate.xml` sits next to `certificate.json` and carries the same facts, no more:
it is written from the `Certificate` model only. It conforms to `schemas/certificate.xsd`
(namespace `urn:netaccept:certificate:1`). Keys (a check's id and Schedule 2 line, a
port's order, a site's and a run's id) are attributes and everything else is an element;
a JSON null is an omitted element; a JSON list is a wrapper element, present when empty.

XML 1.0 cannot carry most control characters: any in a text (never expected, since
messages are the harness's own words and commands refuse them) is written as U+FFFD. The
JSON keeps the exact text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from netaccept.core.evidence import write_atomic
from netaccept.core.verdicts import Status
from netaccept.report.certificates import (
    SCHEMA,
    AcceptanceOut,
    Certificate,
    CheckOut,
    ContractOut,
    DeviceOut,
    EvidenceRef,
    NotRun,
    PortOut,
    RunOut,
)

NAMESPACE = "urn:netaccept:certificate:1"
SCHEMA_VERSION = "1"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters outside XML 1.0's `Char` production.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def certificate_xml(cert: Certificate) -> str:
    """The certificate as a UTF-8 XML document (with its declaration), pretty-printed."""
    if cert.schema_ != SCHEMA:
        raise ValueError(f"cannot write a {cert.schema_!r} certificate as XML; expected {SCHEMA}")
    root = ET.Element(
        "acceptanceCertificate",
        {"xmlns": NAMESPACE, "id": _text(cert.certificate_id), "schemaVersion": SCHEMA_VERSION},
    )
    _contract(root, cert.contract)
    _device(root, cert.device)
    _run(root, cert.run)
    ports = ET.SubElement(root, "ports")
    for port in cert.ports:
        _port(ports, port)
    _leaf(root, "verdict", cert.verdict.value)
    summary = ET.SubElement(root, "summary")
    for status in Status:  # the schema's order, whatever the order of the JSON's keys
        if status.value in cert.summary:
            _leaf(summary, status.value, str(cert.summary[status.value]))
    _leaf(root, "scope", cert.scope)
    not_run = ET.SubElement(root, "notRun")
    for item in cert.not_run:
        _not_run(not_run, item)
    errors = ET.SubElement(root, "identityErrors")
    for error in cert.identity_errors:
        _leaf(errors, "error", error)
    checks = ET.SubElement(root, "checks")
    for check in cert.checks:
        _check(checks, check)
    _outputs(root, cert.evidence)
    if cert.since_acceptance is not None:
        since = cert.since_acceptance
        element = ET.SubElement(
            root,
            "sinceAcceptance",
            {"baselineRun": since.baseline_run, "order": since.order, "accepted": since.accepted},
        )
        for change in since.changes:
            _leaf(element, "change", change.text).attrib.update(
                {"section": change.section, "key": change.key, "kind": change.kind}
            )
        for skipped in since.not_compared:
            _leaf(element, "notCompared", skipped.why).set("section", skipped.section)
    ET.indent(root, space="  ")
    # A CR in a text would be read back as LF; as a character reference it survives.
    body = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return DECLARATION + body + "\n"


def write_certificate_xml(device_dir: Path, cert: Certificate) -> Path:
    """Write `certificate.xml` for one device next to its `certificate.json`; return its path."""
    path = device_dir / "certificate.xml"
    write_atomic(path, certificate_xml(cert))
    return path


# ---------------------------------------------------------------- sections


def _contract(parent: ET.Element, contract: ContractOut) -> None:
    element = ET.SubElement(parent, "contract")
    _leaf(element, "agreement", contract.agreement)
    _optional(element, "provider", contract.provider)
    _optional(element, "customer", contract.customer)
    _leaf(element, "acceptanceDaysNew", str(contract.acceptance_days_new))
    _leaf(element, "acceptanceDaysRepair", str(contract.acceptance_days_repair))
    _leaf(element, "attemptsBeforeRemedies", str(contract.attempts_before_remedies))


def _device(parent: ET.Element, device: DeviceOut) -> None:
    element = ET.SubElement(parent, "device")
    _leaf(element, "name", device.name)
    site = ET.SubElement(element, "site", {"id": _text(device.site.id)})
    _leaf(site, "name", device.site.name)
    _leaf(site, "address", device.site.address)
    _leaf(element, "platform", device.platform)
    _leaf(element, "host", device.host)
    _leaf(element, "port", str(device.port))
    # The equipment as the router reported it; what could not be read is left out.
    _optional(element, "hostnameReported", device.hostname_reported)
    _optional(element, "model", device.model)
    _optional(element, "chassisPid", device.chassis_pid)
    _optional(element, "chassisDescription", device.chassis_description)
    _optional(element, "chassisSerial", device.chassis_serial)
    _optional(element, "processorBoardId", device.processor_board_id)
    _optional(element, "softwareVersion", device.software_version)
    _optional(element, "image", device.image)
    _optional(element, "hostKey", device.host_key)
    _optional(element, "hostKeyVerification", device.host_key_verification)
    if device.ssh is not None:
        ssh = ET.SubElement(
            element,
            "ssh",
            {
                "kex": _text(device.ssh.kex),
                "hostKeyType": _text(device.ssh.host_key_type),
                "cipher": _text(device.ssh.cipher),
                "mac": _text(device.ssh.mac),
            },
        )
        for weak in device.ssh.weak:
            _leaf(ssh, "weak", weak)


def _run(parent: ET.Element, run: RunOut) -> None:
    element = ET.SubElement(parent, "run", {"id": _text(run.id)})
    _leaf(element, "started", run.started)
    _leaf(element, "finished", run.finished)
    _leaf(element, "reason", run.reason)
    _leaf(element, "reasonText", run.reason_text)
    _leaf(element, "technician", run.technician)
    _leaf(element, "harness", run.harness)
    _leaf(element, "transport", run.transport)
    _leaf(element, "inventory", run.inventory)


def _port(parent: ET.Element, port: PortOut) -> None:
    element = ET.SubElement(parent, "port", {"order": _text(port.order)})
    _leaf(element, "interface", port.interface)
    _leaf(element, "speed", port.speed)
    _leaf(element, "customer", port.customer)
    _leaf(element, "verdict", port.verdict.value)
    checks = ET.SubElement(element, "checks")
    for check in port.checks:
        item = ET.SubElement(checks, "check", _keys(check.id, check.line))
        _leaf(item, "schedule2", check.schedule2)
        _leaf(item, "status", check.status.value)
        _leaf(item, "message", check.message)
        _leaf(item, "scope", check.scope)
    if port.acceptance is not None:
        _acceptance(element, port.acceptance)


def _acceptance(parent: ET.Element, acceptance: AcceptanceOut) -> None:
    element = ET.SubElement(parent, "acceptance")
    _leaf(element, "attempt", str(acceptance.attempt))
    _leaf(element, "deliveredOn", acceptance.delivered_on)
    _optional(element, "deemedAcceptedOn", acceptance.deemed_accepted_on)
    _leaf(element, "remediesAvailable", _boolean(acceptance.remedies_available))
    _leaf(element, "statement", acceptance.statement)


def _not_run(parent: ET.Element, item: NotRun) -> None:
    element = ET.SubElement(parent, "check", _keys(item.id, item.line))
    _leaf(element, "schedule2", item.schedule2)
    _leaf(element, "reason", item.reason)


def _check(parent: ET.Element, check: CheckOut) -> None:
    element = ET.SubElement(parent, "check", _keys(check.id, check.line))
    _leaf(element, "schedule2", check.schedule2)
    _leaf(element, "status", check.status.value)
    _leaf(element, "message", check.message)
    findings = ET.SubElement(element, "findings")
    for finding in check.findings:
        item = ET.SubElement(findings, "finding")
        _leaf(item, "met", _boolean(finding.met))
        _leaf(item, "message", finding.message)
        _optional(item, "subject", finding.subject)
    _outputs(element, check.evidence)


def _outputs(parent: ET.Element, refs: Sequence[EvidenceRef]) -> None:
    element = ET.SubElement(parent, "evidence")
    for ref in refs:
        output = ET.SubElement(element, "output")
        _leaf(output, "command", ref.command)
        _leaf(output, "sha256", ref.sha256)
        _leaf(output, "file", ref.file)
        _leaf(output, "capturedAt", ref.captured_at)


# ---------------------------------------------------------------- helpers


def _leaf(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _text(text)
    return element


def _optional(parent: ET.Element, tag: str, text: str | None) -> None:
    if text is not None:
        _leaf(parent, tag, text)


def _keys(check_id: str, line: int) -> dict[str, str]:
    return {"id": _text(check_id), "line": str(line)}


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)
