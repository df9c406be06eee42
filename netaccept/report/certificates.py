"""Acceptance certificates: one per device, as JSON for machines and HTML for people.

Layout of a run directory:

    reports/<run-id>/index.html              every device and check at a glance
    reports/<run-id>/run.json                the run and each device's verdict
    reports/<run-id>/<device>/certificate.json
    reports/<run-id>/<device>/certificate.html
    reports/<run-id>/<device>/evidence/NN-<command>.txt   raw outputs, hashed in the JSON
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from pydantic import BaseModel, ConfigDict

from netaccept import __version__
from netaccept.core.catalogue import CATALOGUE, CHECKS
from netaccept.core.evidence import iso, write_atomic
from netaccept.core.interfaces import same_interface
from netaccept.core.paths import project_dir
from netaccept.core.verdicts import Overall, Status, overall
from netaccept.inventory import Device, Inventory, PortOrder
from netaccept.session.algorithms import SshAlgorithms
from netaccept.session.captured import DeviceCapture

if TYPE_CHECKING:
    from netaccept.report.keys import Signer

SCHEMA = "netaccept.certificate/1"
REASONS = ("initial", "repair", "restoration")
REASON_TEXT = {
    "initial": "initial connection",
    "repair": "repair",
    "restoration": "restoration",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvidenceRef(_Model):
    command: str
    sha256: str
    file: str
    captured_at: str


class FindingOut(_Model):
    met: bool
    message: str
    subject: str | None = None


class CheckResult(_Model):
    """The outcome of one check on one device, as carried in reports and certificates."""

    id: str
    line: int
    schedule2: str
    device: str
    status: Status
    message: str
    findings: list[FindingOut] = []
    commands: list[str] = []
    duration_s: float = 0.0


class CheckOut(_Model):
    id: str
    line: int
    schedule2: str
    status: Status
    message: str
    findings: list[FindingOut]
    evidence: list[EvidenceRef]


class NotRun(_Model):
    id: str
    line: int
    schedule2: str
    reason: str


class SiteOut(_Model):
    id: str
    name: str
    address: str


class SshOut(_Model):
    """The SSH algorithms the session negotiated, and each weak one, flagged."""

    kex: str
    host_key_type: str
    cipher: str
    mac: str
    weak: list[str]


class DeviceOut(_Model):
    name: str
    site: SiteOut
    platform: str
    host: str
    port: int
    hostname_reported: str | None
    model: str | None
    chassis_pid: str | None
    chassis_description: str | None
    chassis_serial: str | None
    processor_board_id: str | None
    software_version: str | None
    image: str | None
    host_key: str | None
    host_key_verification: str | None
    ssh: SshOut | None


class PortCheckOut(_Model):
    """A check as it applies to one port: narrowed to the port for the port's own checks."""

    id: str
    line: int
    schedule2: str
    status: Status
    message: str
    scope: str  # "port" for the port's own checks, "device" for the device-level ones


class AcceptanceOut(_Model):
    """Where the port stands under section 1.4, from the ledger of earlier runs."""

    attempt: int
    delivered_on: str
    deemed_accepted_on: str | None
    remedies_available: bool
    statement: str


class ChangeOut(_Model):
    """One difference between the device's facts at acceptance and in this run."""

    section: str  # bgp, isis, interfaces, software, ... (netaccept.report.diff.SECTIONS)
    key: str
    kind: str  # added | removed | changed
    text: str


class NotComparedOut(_Model):
    """A section of facts one side could not read, and why."""

    section: str
    why: str


class SinceAcceptanceOut(_Model):
    """What changed on the device since its port was accepted: on a repair or restoration.

    Information, not a verdict: the checks still decide.
    """

    baseline_run: str  # the run in which the accepted port was tested
    order: str
    accepted: str  # "accepted by NAME on DATE" or "deemed accepted on DATE"
    changes: list[ChangeOut]
    not_compared: list[NotComparedOut]


class PortOut(_Model):
    """A port's certificate: the order, its verdict, its checks and its acceptance status."""

    order: str
    interface: str
    speed: str
    customer: str
    verdict: Overall
    checks: list[PortCheckOut]
    acceptance: AcceptanceOut | None = None


class ContractOut(_Model):
    agreement: str
    provider: str | None
    customer: str | None
    acceptance_days_new: int
    acceptance_days_repair: int
    attempts_before_remedies: int


class RunOut(_Model):
    id: str
    started: str
    finished: str
    reason: str
    reason_text: str
    technician: str
    harness: str
    transport: str
    inventory: str


class Certificate(_Model):
    """The certificate JSON document (`schema`: netaccept.certificate/1)."""

    schema_: str
    certificate_id: str
    contract: ContractOut
    device: DeviceOut
    run: RunOut
    ports: list[PortOut]
    verdict: Overall
    summary: dict[str, int]
    scope: str
    not_run: list[NotRun]
    identity_errors: list[str]
    checks: list[CheckOut]
    evidence: list[EvidenceRef]
    since_acceptance: SinceAcceptanceOut | None = None

    def to_json(self) -> str:
        # pydantic's own serialiser (the same text as json.dumps(indent=2, ensure_ascii=False)
        # of model_dump(mode="json"), six times faster); `schema_` is the first field, and
        # is written as "schema".
        text = self.model_dump_json(indent=2)
        head = '{\n  "schema_": '
        if not text.startswith(head):  # pragma: no cover - the model's first field moved
            raise AssertionError("Certificate.schema_ must stay the model's first field")
        return '{\n  "schema": ' + text[len(head) :] + "\n"


@dataclass(frozen=True)
class RunInfo:
    id: str
    started: datetime
    finished: datetime
    reason: str
    technician: str
    transport: str
    inventory: Inventory


@dataclass(frozen=True)
class Identity:
    """The equipment as the router described itself, or why it could not be read."""

    hostname: str | None = None
    model: str | None = None
    chassis_pid: str | None = None
    chassis_description: str | None = None
    chassis_serial: str | None = None
    processor_board_id: str | None = None
    software_version: str | None = None
    image: str | None = None
    errors: tuple[str, ...] = ()


def new_run_id(started: datetime) -> str:
    """`<UTC start to the second>-<6 random hex digits>`: sorts by time, rarely collides."""
    return started.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def reserve_run_dir(out: Path, started: datetime, run_id: str | None = None) -> Path:
    """Create and return a run directory under `out` that no other run has.

    `mkdir` either creates the directory or fails: two runs started in the same second
    (even in parallel processes) can never share one, so no run overwrites another. On a
    collision a fresh id is drawn.
    """
    out.mkdir(parents=True, exist_ok=True)
    candidate = run_id or new_run_id(started)
    for _attempt in range(100):
        try:
            (out / candidate).mkdir()
        except FileExistsError:
            candidate = new_run_id(started)
            continue
        return out / candidate
    raise FileExistsError(f"no free run directory name under {out} after 100 attempts")


def _slug(command: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", command).strip("-").lower()[:80] or "output"


def _ssh(algorithms: SshAlgorithms) -> SshOut:
    return SshOut(
        kex=algorithms.kex,
        host_key_type=algorithms.host_key_type,
        cipher=algorithms.cipher,
        mac=algorithms.mac,
        weak=list(algorithms.weak),
    )


def evidence_refs(capture: DeviceCapture) -> dict[str, EvidenceRef]:
    """The manifest of a device's evidence files, keyed by command (nothing is written)."""
    return {
        command: EvidenceRef(
            command=command,
            sha256=evidence.sha256,
            file=f"evidence/{number:02d}-{_slug(command)}.txt",
            captured_at=iso(evidence.captured_at),
        )
        for number, (command, evidence) in enumerate(capture.evidence.items(), start=1)
    }


def write_evidence(device_dir: Path, capture: DeviceCapture) -> dict[str, EvidenceRef]:
    """Write each raw output to its own file; return the manifest keyed by command."""
    refs = evidence_refs(capture)
    for command, evidence in capture.evidence.items():
        write_atomic(device_dir / refs[command].file, evidence.output)
    return refs


def build_certificate(
    run: RunInfo,
    device: Device,
    identity: Identity,
    capture: DeviceCapture | None,
    results: Sequence[CheckResult],
    evidence: Mapping[str, EvidenceRef],
) -> Certificate:
    site = run.inventory.sites.get(device.site)
    by_id = {r.id: r for r in results}
    checks = [
        CheckOut(
            id=r.id,
            line=r.line,
            schedule2=r.schedule2,
            status=r.status,
            message=r.message,
            findings=r.findings,
            evidence=[evidence[c] for c in r.commands if c in evidence],
        )
        for r in sorted(results, key=lambda r: r.line)
    ]
    not_run = [
        NotRun(
            id=info.id,
            line=info.line,
            schedule2=info.schedule2,
            reason=_not_run_reason(info.id),
        )
        for info in CATALOGUE
        if info.id not in by_id
    ]
    statuses = [r.status for r in results]
    verdict = overall(statuses)
    if identity.errors and verdict is Overall.PASS:
        verdict = Overall.INCOMPLETE  # a certificate must identify the equipment it certifies
    summary = {s.value: statuses.count(s) for s in Status}
    return Certificate(
        schema_=SCHEMA,
        certificate_id=f"{run.id}/{device.name}",
        contract=ContractOut(**run.inventory.contract.model_dump()),
        device=DeviceOut(
            name=device.name,
            site=SiteOut(
                id=device.site,
                name=site.name if site else device.site,
                address=site.address if site else "",
            ),
            platform=device.platform,
            host=device.host,
            port=device.port,
            hostname_reported=identity.hostname,
            model=identity.model,
            chassis_pid=identity.chassis_pid,
            chassis_description=identity.chassis_description,
            chassis_serial=identity.chassis_serial,
            processor_board_id=identity.processor_board_id,
            software_version=identity.software_version,
            image=identity.image,
            host_key=capture.host_key if capture else None,
            host_key_verification=capture.host_key_check if capture else None,
            ssh=_ssh(capture.algorithms) if capture and capture.algorithms else None,
        ),
        run=RunOut(
            id=run.id,
            started=iso(run.started),
            finished=iso(run.finished),
            reason=run.reason,
            reason_text=REASON_TEXT[run.reason],
            technician=run.technician,
            harness=f"netaccept {__version__}",
            transport=run.transport,
            inventory=str(run.inventory.path),
        ),
        ports=[port_certificate(p, checks, bool(identity.errors)) for p in device.ports],
        verdict=verdict,
        summary=summary,
        scope="full" if not not_run else "partial",
        not_run=not_run,
        identity_errors=list(identity.errors),
        checks=checks,
        evidence=list(evidence.values()),
    )


# The port's own checks (section 1.3: the port is an interface sold to a customer): these
# are narrowed to the findings about the port's interface; every other check applies to the
# port as it does to the device it is on.
PORT_CHECKS = ("interfaces", "interface_descriptions")


def port_certificate(port: PortOrder, checks: Sequence[CheckOut], unidentified: bool) -> PortOut:
    """The certificate of one ordered port: device-level checks plus its own, narrowed."""
    results: list[PortCheckOut] = []
    for check in checks:
        status, message, scope = check.status, check.message, "device"
        if check.id in PORT_CHECKS:
            scope = "port"
            own = [
                f for f in check.findings if f.subject and same_interface(f.subject, port.interface)
            ]
            if check.status in (Status.PASS, Status.FAIL):
                if not own:
                    status, message = Status.ERROR, f"{port.interface} was not examined"
                elif any(not f.met for f in own):
                    status = Status.FAIL
                    message = "; ".join(f.message for f in own if not f.met)
                else:
                    status, message = Status.PASS, "; ".join(f.message for f in own)
        results.append(
            PortCheckOut(
                id=check.id,
                line=check.line,
                schedule2=check.schedule2,
                status=status,
                message=message,
                scope=scope,
            )
        )
    verdict = overall([r.status for r in results])
    if unidentified and verdict is Overall.PASS:
        verdict = Overall.INCOMPLETE
    return PortOut(
        order=port.order,
        interface=port.interface,
        speed=port.speed,
        customer=port.customer,
        verdict=verdict,
        checks=results,
    )


def with_acceptance(
    certificate: Certificate, acceptance: Mapping[str, AcceptanceOut]
) -> Certificate:
    """The certificate with each port's acceptance status (attempt, dates) from the ledger."""
    ports = [
        p.model_copy(update={"acceptance": acceptance.get(p.order)}) for p in certificate.ports
    ]
    return certificate.model_copy(update={"ports": ports})


def _not_run_reason(check_id: str) -> str:
    from netaccept.check import IMPLEMENTED

    return "not selected for this run" if check_id in IMPLEMENTED else "not implemented yet"


# ---------------------------------------------------------------- rendering


@functools.cache
def _environment() -> jinja2.Environment:
    # One per process: building it anew compiled the templates again for every certificate.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(project_dir("templates") / "report"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["catalogue"] = CATALOGUE
    env.globals["checks"] = CHECKS
    return env


def write_device(
    run_dir: Path,
    certificate: Certificate,
    outputs: Mapping[str, str],
    signer: Signer | None = None,
) -> Path:
    """Write certificate.json and certificate.html for one device; return the JSON path.

    `signer`: the key that will sign it, named in the HTML (and so in its PDF)."""
    device_dir = run_dir / certificate.device.name
    json_path = device_dir / "certificate.json"
    write_atomic(json_path, certificate.to_json())
    html = (
        _environment()
        .get_template("certificate.html.j2")
        .render(cert=certificate, outputs=outputs, signer=signer)
    )
    write_atomic(device_dir / "certificate.html", html)
    return json_path


# What makes a device's certificate, beside its evidence (see netaccept.report.manifest).
CERTIFICATE_FILES = (
    "certificate.json",
    "certificate.html",
    "certificate.xml",
    "certificate.sig",
    "SHA256SUMS",
    "SHA256SUMS.sig",
)


def remove_certificate(device_dir: Path) -> None:
    """Remove a device's certificate files (not its evidence): a certificate that could not
    be written in full, or that the ledger could not record, is no certificate."""
    for name in CERTIFICATE_FILES:
        (device_dir / name).unlink(missing_ok=True)


@dataclass(frozen=True)
class NotCompleted:
    """A device the run did not finish (it was interrupted): listed, never certified."""

    name: str
    site: str
    reason: str


def write_index(
    run_dir: Path,
    run: RunInfo,
    certificates: Sequence[Certificate],
    *,
    interrupted: str | None = None,
    not_completed: Sequence[NotCompleted] = (),
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write index.html and run.json summarising every device of the run.

    `interrupted` names the signal that stopped the run; the devices it did not finish are
    `not_completed`. Such a run is marked `"complete": false` and its verdict is incomplete.
    `extra`: more top-level keys of run.json (`merged_from`, for a merged run).
    """
    verdicts = [c.verdict for c in certificates]
    complete = interrupted is None and not not_completed
    run_verdict = (
        Overall.INCOMPLETE
        if not certificates or not complete or Overall.INCOMPLETE in verdicts
        else Overall.FAIL
        if Overall.FAIL in verdicts
        else Overall.PASS
    )
    checks_run = sorted(
        {c.id for cert in certificates for c in cert.checks}, key=lambda i: CHECKS[i].line
    )
    summary: dict[str, Any] = {
        "schema": "netaccept.run/1",
        "run": {
            "id": run.id,
            "started": iso(run.started),
            "finished": iso(run.finished),
            "reason": run.reason,
            "technician": run.technician,
            "harness": f"netaccept {__version__}",
            "transport": run.transport,
            "inventory": str(run.inventory.path),
        },
        "verdict": run_verdict.value,
        "complete": complete,
        "interrupted": interrupted is not None,
        "interrupted_by": interrupted,
        "not_completed": [
            {"name": n.name, "site": n.site, "reason": n.reason} for n in not_completed
        ],
        "devices": [
            {
                "name": c.device.name,
                "site": c.device.site.id,
                "verdict": c.verdict.value,
                "certificate": f"{c.device.name}/certificate.json",
                "checks": {k.id: k.status.value for k in c.checks},
            }
            for c in certificates
        ],
        **(extra or {}),
    }
    write_atomic(run_dir / "run.json", json.dumps(summary, indent=2) + "\n")
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            run=summary["run"],
            verdict=run_verdict.value,
            certificates=certificates,
            checks_run=[CHECKS[i] for i in checks_run],
            interrupted=interrupted,
            not_completed=not_completed,
        )
    )
    path = run_dir / "index.html"
    write_atomic(path, html)
    return path
