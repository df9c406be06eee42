"""What changed between two runs of a router, on the facts the acceptance checks read.

A `Snapshot` is the comparable part of a device's facts, read from its masked evidence with
its platform's recipes (the same readers the checks use): BGP sessions and their AS, ISIS
adjacencies and their levels, interface states and descriptions, software and image,
chassis, and the configuration the checks read (router isis and bgp, console, AAA, TACACS+,
vty lines and their access lists, ftp/tftp sources, probes, names, the log buffer's level).
Volatile values (uptimes, counters, up/down times, prefix and message counts, time stamps,
`! Last configuration change`) are never part of it, so they can never show as changes.

`compare(before, after)` lists each `Change` with a sentence for people; `not_compared`
says which parts one side could not read. Changes are information, not a verdict: the
checks still decide. A snapshot is JSON (`to_json` / `from_json`), stable for a given set
of outputs, so the accepted run's can be kept as the port's baseline.

`diff_runs` compares two run directories device by device (`netaccept diff`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeAlias

from netaccept.core.verdicts import Undecidable
from netaccept.inventory import Device
from netaccept.platforms import facts, registry
from netaccept.platforms.configuration import (
    AaaConfig,
    BgpConfig,
    ConsoleConfig,
    IsisConfig,
    NameConfig,
    ProbeConfig,
    TacacsConfig,
    TransferSources,
    VtyConfig,
)
from netaccept.platforms.facts import (
    SEVERITY_NAMES,
    BgpSession,
    Chassis,
    Fact,
    InterfaceState,
    IsisAdjacency,
    LogFacts,
    SoftwareFacts,
    Source,
    Unread,
)
from netaccept.platforms.parsing import ParseError

SNAPSHOT_SCHEMA: Final = "netaccept.snapshot/1"
DIFF_SCHEMA: Final = "netaccept.diff/1"

Scalar: TypeAlias = str | int | float | bool | None
Field: TypeAlias = Scalar | list[str]
Value: TypeAlias = str | int | float | bool | list[str] | dict[str, Field]
"""A section's entry: a scalar, a list of strings, or a record of named fields. Never None:
an entry that is not there is absent from its section."""
Entries: TypeAlias = dict[str, Value]


# ---------------------------------------------------------------- the snapshot


@dataclass(frozen=True)
class Snapshot:
    """The comparable facts of one device, section by section (see `SECTIONS`)."""

    device: str
    platform: str
    sections: Mapping[str, Entries]
    """Section name -> entry key -> value, for each section read."""
    unreadable: Mapping[str, str] = field(default_factory=dict)
    """Section name -> why it could not be read (a command not captured, an output the
    reader refused); such a section is not compared."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; `from_json` reads it back into an equal snapshot."""
        return {
            "schema": SNAPSHOT_SCHEMA,
            "device": self.device,
            "platform": self.platform,
            "sections": {name: dict(entries) for name, entries in self.sections.items()},
            "unreadable": dict(self.unreadable),
        }

    @classmethod
    def from_json(cls, data: Any) -> Snapshot:
        """A snapshot from `to_json`'s dict; ValueError naming what is wrong otherwise."""
        if not isinstance(data, dict) or data.get("schema") != SNAPSHOT_SCHEMA:
            raise ValueError(f"not a snapshot ({SNAPSHOT_SCHEMA})")
        device, platform = data.get("device"), data.get("platform")
        sections, unreadable = data.get("sections"), data.get("unreadable", {})
        if not isinstance(device, str) or not isinstance(platform, str):
            raise ValueError("a snapshot names its device and platform")
        if not isinstance(sections, dict) or not all(
            isinstance(entries, dict) for entries in sections.values()
        ):
            raise ValueError("a snapshot's sections map each section to its entries")
        if not isinstance(unreadable, dict) or not all(
            isinstance(v, str) for v in unreadable.values()
        ):
            raise ValueError("a snapshot's unreadable sections map to their reasons")
        return cls(device, platform, {k: dict(v) for k, v in sections.items()}, dict(unreadable))


class _Unreadable(Exception):
    """A fact the evidence does not give; the message says why."""


class _Reader:
    """A device's facts read from its evidence, each output read once per reader."""

    def __init__(
        self,
        device: Device,
        evidence: Mapping[str, str],
        reads: Mapping[tuple[str, str], Any] | None = None,
    ) -> None:
        self.device = device
        self.evidence = evidence
        self.reads: dict[tuple[str, str], Any] = dict(reads or {})

    def fact(self, fact: Fact[Any]) -> Any:
        try:
            recipe = registry.recipe(fact, self.device.platform)
            parsed = [self._read(source) for source in recipe.sources(self.device)]
            return recipe.build(parsed, self.device)
        except (Undecidable, ParseError) as exc:
            raise _Unreadable(str(exc)) from None

    def _read(self, source: Source) -> Any:
        key = (source.command, source.reader)
        if key not in self.reads:
            output = self.evidence.get(source.command)
            if output is None:
                reason = f"{source.command!r} is not in the evidence"
                if not source.optional:
                    raise _Unreadable(reason)
                return Unread(reason)
            self.reads[key] = source.read(output)
        return self.reads[key]


def snapshot(
    device: Device,
    evidence: Mapping[str, str],
    reads: Mapping[tuple[str, str], Any] | None = None,
) -> Snapshot:
    """The comparable facts of `device` read from its evidence (command -> masked output).

    Only the device's platform chooses the readers, and every command read is one whose
    text depends on no inventory value: a baseline stays comparable after the inventory
    changes. A section whose outputs are missing or cannot be read is recorded as
    unreadable, with the reason; nothing here raises for what a router printed. `reads`:
    outputs already read from this evidence, by (command, reader), so that they are not
    read again (the run's own, see `netaccept.run.pipeline`).
    """
    reader = _Reader(device, evidence, reads)
    sections: dict[str, Entries] = {}
    unreadable: dict[str, str] = {}
    for section in SECTIONS:
        try:
            values = [reader.fact(fact) for fact in section.facts]
        except _Unreadable as exc:
            unreadable[section.name] = str(exc)
            continue
        sections[section.name] = section.entries(*values)
    return Snapshot(device.name, device.platform, sections, unreadable)


# ---------------------------------------------------------------- the sections


def _software(software: SoftwareFacts) -> Entries:
    return _present({"version": software.version, "image": software.image})


def _chassis(chassis: Chassis) -> Entries:
    return _present(
        {"PID": chassis.pid, "serial number": chassis.serial, "description": chassis.description}
    )


def _bgp_state(session: BgpSession) -> str:
    """Established or not: the word a down session prints (Active, Connect, Idle) changes
    by the second, an administrative shutdown does not."""
    if session.established:
        return "Established"
    return "administratively down" if "admin" in session.state.lower() else "not established"


def _bgp(sessions: list[BgpSession]) -> Entries:
    entries: Entries = {}
    for s in sessions:
        key = f"{s.neighbor} {s.address_family}".strip()
        entries.setdefault(key, {"remote_as": s.remote_as, "state": _bgp_state(s)})
    return entries


def _isis(adjacencies: list[IsisAdjacency]) -> Entries:
    return {f"{a.system_id} {a.interface} {a.level}": a.state for a in adjacencies}


def _interfaces(interfaces: list[InterfaceState]) -> Entries:
    return {
        i.name: {
            "link": i.link,
            "protocol": i.protocol,
            "description": i.description,
            "address": i.address,
        }
        for i in interfaces
    }


def _isis_config(config: IsisConfig | None) -> Entries:
    if config is None:
        return {}
    key = f"router isis {config.tag}" if config.tag else "router isis"
    return {
        key: {
            "nets": list(config.nets),
            "is_type": config.is_type,
            "metric_style": config.metric_style,
            "interfaces": sorted(config.interfaces),
            "passive": sorted(config.passive),
        }
    }


def _bgp_config(config: BgpConfig | None) -> Entries:
    if config is None:
        return {}
    entries: Entries = {"router bgp": config.local_as}
    for address, neighbor in config.neighbors.items():
        entries[f"neighbor {address}"] = {
            "remote_as": neighbor.remote_as,
            "update_source": neighbor.update_source,
            "description": neighbor.description,
        }
    return entries


def _transfer(sources: TransferSources) -> Entries:
    return _present({"ftp source-interface": sources.ftp, "tftp source-interface": sources.tftp})


def _console(console: ConsoleConfig) -> Entries:
    if not console.found:
        return {}
    return {
        console.line: {
            "login_list": console.login_list,
            "no_login": console.no_login,
            "login_local": console.login_local,
            "exec_timeout_minutes": console.exec_timeout_minutes,
        }
    }


def _aaa(aaa: AaaConfig) -> Entries:
    entries: Entries = {"aaa new-model": aaa.new_model}
    for name, methods in aaa.login_lists.items():
        entries[f"aaa authentication login {name}"] = list(methods)
    for credential in aaa.credentials:
        key = f"{credential.kind} {credential.name}".removesuffix(" enable")
        entries[key] = {"encryption": credential.encryption}
    return entries


def _tacacs(tacacs: TacacsConfig) -> Entries:
    return _present(
        {
            "TACACS+ servers": list(tacacs.servers),
            "TACACS+ source-interface": tacacs.source_interface,
        }
    )


def _vty(vty: VtyConfig) -> Entries:
    entries: Entries = {
        line.name: {
            "access_class": line.access_class,
            "ipv6_access_class": line.ipv6_access_class,
            "transport_input": sorted(line.transport_input),
        }
        for line in vty.lines
    }
    for name, acl in vty.acls.items():
        entries[f"access-list {name}"] = [entry.text for entry in acl]
    for name, acl in vty.ipv6_acls.items():
        entries[f"ipv6 access-list {name}"] = [entry.text for entry in acl]
    entries["interfaces with IPv6"] = sorted(vty.ipv6_interfaces)
    return entries


def _probes(probes: list[ProbeConfig]) -> Entries:
    return {
        f"probe {p.id}": {
            "kind": p.kind,
            "target": p.target,
            "frequency": p.frequency,
            "scheduled": p.scheduled,
            "life": "forever" if p.life_seconds is None else p.life_seconds,
        }
        for p in probes
    }


def _names(names: NameConfig) -> Entries:
    return _present(
        {
            "hostname": names.hostname,
            "ip domain-name": names.domain,
            "name servers": list(names.name_servers),
        }
    )


def _logging(logs: LogFacts) -> Entries:
    level = logs.buffer_level
    return {"log buffer level": "disabled" if level is None else SEVERITY_NAMES[level]}


def _present(entries: Mapping[str, Value | None]) -> Entries:
    """The entries that are there: a setting not configured is absent, never None or ""."""
    return {k: v for k, v in entries.items() if v is not None and v != ""}


@dataclass(frozen=True)
class Section:
    """One comparable part of a device: the facts it is read from and how it is told."""

    name: str
    title: str
    facts: tuple[Fact[Any], ...]
    entries: Callable[..., Entries]
    subject: Callable[[str, Value | None], str] = lambda key, value: key
    """How a sentence names an entry, from its key and one of its values."""
    state: bool = False
    """A state (gone, new) rather than a setting (removed, added)."""
    headline: str | None = None
    """The field that sums up a record that is gone or new."""


def _bgp_subject(key: str, value: Value | None) -> str:
    neighbor, _, family = key.partition(" ")
    details = [f"AS {value['remote_as']}"] if isinstance(value, dict) else []
    details += [family] if family else []
    return f"BGP neighbour {neighbor}" + (f" ({', '.join(details)})" if details else "")


def _isis_subject(key: str, value: Value | None) -> str:
    system_id, interface, level = (key.split(" ", 2) + ["", ""])[:3]
    return f"ISIS adjacency with {system_id} on {interface}" + (f" ({level})" if level else "")


SECTIONS: Final[tuple[Section, ...]] = (
    Section("software", "Software", (facts.SOFTWARE,), _software,
            lambda k, v: f"software {k}", state=True),
    Section("chassis", "Chassis", (facts.CHASSIS,), _chassis,
            lambda k, v: f"chassis {k}", state=True),
    Section("bgp", "BGP sessions", (facts.BGP_SESSIONS,), _bgp, _bgp_subject,
            state=True, headline="state"),
    Section("isis", "ISIS adjacencies", (facts.ISIS_ADJACENCIES,), _isis, _isis_subject,
            state=True),
    Section("interfaces", "Interfaces", (facts.INTERFACES,), _interfaces,
            lambda k, v: f"interface {k}", state=True),
    Section("isis_config", "ISIS configuration", (facts.ISIS_CONFIG,), _isis_config),
    Section("bgp_config", "BGP configuration", (facts.BGP_CONFIG,), _bgp_config,
            lambda k, v: k if k == "router bgp" else f"router bgp {k}"),
    Section("transfer_sources", "ftp and tftp sources", (facts.TRANSFER_SOURCES,), _transfer),
    Section("console", "Console", (facts.CONSOLE_CONFIG,), _console),
    Section("aaa", "AAA and local credentials", (facts.AAA_CONFIG,), _aaa),
    Section("tacacs", "TACACS+", (facts.TACACS_CONFIG,), _tacacs),
    Section("vty", "vty lines and access lists", (facts.VTY_CONFIG,), _vty),
    Section("probes", "RPMS probes", (facts.PROBES_CONFIG,), _probes,
            lambda k, v: f"IP SLA {k}"),
    Section("names", "Names", (facts.NAME_CONFIG,), _names),
    Section("logging", "Logging", (facts.LOGS,), _logging),
)  # fmt: skip
"""The sections of a snapshot, in the order changes are listed."""

SECTION_TITLES: Final[Mapping[str, str]] = {s.name: s.title for s in SECTIONS}


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Change:
    """One entry that differs: gone (`after` None), new (`before` None) or changed."""

    section: str
    key: str
    before: Value | None
    after: Value | None
    text: str
    """The change in one sentence: `BGP neighbour 192.0.2.4 (AS 64500): was Established,
    now gone`."""

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "key": self.key,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Any) -> Change:
        """A change from `to_json`'s dict; ValueError naming what is wrong otherwise."""
        try:
            change = cls(
                str(data["section"]), str(data["key"]), data["before"], data["after"],
                str(data["text"]),
            )  # fmt: skip
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a change ({type(exc).__name__}: {exc})") from None
        return change


def compare(before: Snapshot, after: Snapshot) -> list[Change]:
    """What differs between two snapshots of a device, section by section, in `SECTIONS`
    order. A section either side could not read is left out (see `not_compared`)."""
    changes: list[Change] = []
    for name in _section_names(before, after):
        if name not in before.sections or name not in after.sections:
            continue
        section = _section(name)
        old, new = before.sections[name], after.sections[name]
        for key in [*old, *(k for k in new if k not in old)]:
            a, b = old.get(key), new.get(key)
            if _differs(a, b):
                changes.append(Change(name, key, a, b, _sentence(section, key, a, b)))
    return changes


def not_compared(before: Snapshot, after: Snapshot) -> dict[str, str]:
    """Section name -> why it was not compared (a side could not read it, or lacks it)."""
    reasons: dict[str, str] = {}
    for name in _section_names(before, after):
        why = [
            f"{side}: {_absent(snap, name)}"
            for side, snap in (("before", before), ("after", after))
            if name not in snap.sections
        ]
        if why:
            reasons[name] = "; ".join(why)
    return reasons


def _absent(snap: Snapshot, name: str) -> str:
    return snap.unreadable.get(name) or "not recorded"


def _section_names(before: Snapshot, after: Snapshot) -> list[str]:
    known = [s.name for s in SECTIONS]
    seen = {*before.sections, *before.unreadable, *after.sections, *after.unreadable}
    return [n for n in known if n in seen] + sorted(seen - set(known))


def _section(name: str) -> Section:
    """The section called `name`; one told plainly when a newer snapshot has it."""
    for section in SECTIONS:
        if section.name == name:
            return section
    return Section(name, name, (), lambda: {})


def _differs(a: Value | None, b: Value | None) -> bool:
    """Whether two entries differ; fields a record has on one side only are not compared
    (a snapshot of an older netaccept knows fewer)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return any(a[f] != b[f] for f in a.keys() & b.keys())
    return a != b


# ---------------------------------------------------------------- telling a change

_WORDS: Final = {
    "remote_as": "remote AS",
    "protocol": "line protocol",
    "nets": "NET",
    "is_type": "is-type",
    "metric_style": "metric-style",
    "passive": "passive interfaces",
    "update_source": "update-source",
    "login_list": "login authentication",
    "no_login": "no login",
    "login_local": "login local",
    "exec_timeout_minutes": "exec-timeout (minutes)",
    "access_class": "access-class",
    "ipv6_access_class": "ipv6 access-class",
    "transport_input": "transport input",
    "frequency": "frequency (s)",
    "life": "life (s)",
    "encryption": "encryption type",
}


def _word(name: str) -> str:
    return _WORDS.get(name, name.replace("_", " "))


def _text(value: Field | Value | None, name: str = "") -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_quoted(v) for v in value)
    if isinstance(value, dict):
        told = [f"{_word(f)} {_text(v, f)}" for f, v in value.items() if v not in (None, "", [])]
        return ", ".join(told) or "none"
    return f'"{value}"' if name == "description" else str(value)


def _quoted(item: str) -> str:
    return f'"{item}"' if " " in item else item


def _list_change(old: Sequence[str], new: Sequence[str]) -> str:
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    parts = [f"added {', '.join(map(_quoted, added))}"] if added else []
    parts += [f"removed {', '.join(map(_quoted, removed))}"] if removed else []
    return ", ".join(parts) or f"reordered, now {_text(list(new))}"


def _field_change(name: str, old: Field, new: Field) -> str:
    if isinstance(old, list) and isinstance(new, list):
        return f"{_word(name)}: {_list_change(old, new)}"
    return f"{_word(name)} was {_text(old, name)}, now {_text(new, name)}"


def _sentence(section: Section, key: str, before: Value | None, after: Value | None) -> str:
    subject = section.subject(key, before if before is not None else after)
    if after is None and before is not None:
        was = _summary(section, before)
        return (
            f"{subject}: was {was}, now gone"
            if section.state
            else f"{subject}: removed (was {was})"
        )
    if before is None and after is not None:
        now = _summary(section, after)
        return f"{subject}: new, {now}" if section.state else f"{subject}: added ({now})"
    if isinstance(before, dict) and isinstance(after, dict):
        fields = [f for f in before if f in after and before[f] != after[f]]
        return f"{subject}: " + "; ".join(_field_change(f, before[f], after[f]) for f in fields)
    if isinstance(before, list) and isinstance(after, list):
        return f"{subject}: {_list_change(before, after)}"
    return f"{subject}: was {_text(before)}, now {_text(after)}"


def _summary(section: Section, value: Value) -> str:
    if isinstance(value, dict) and section.headline and section.headline in value:
        return _text(value[section.headline])
    return _text(value)


# ---------------------------------------------------------------- two runs


class DiffError(Exception):
    """Two runs cannot be compared; the message says why in one line."""


RUN_SCHEMA: Final = "netaccept.run/1"


@dataclass(frozen=True)
class RecordedDevice:
    """A device as a run directory holds it: its certificate and its evidence files."""

    directory: Path
    certificate: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.certificate["device"]["name"])

    def device(self) -> Device:
        """The device as its certificate names it: enough to choose its platform's readers."""
        recorded = self.certificate["device"]
        return Device(
            name=recorded["name"],
            host=recorded["host"],
            port=recorded["port"],
            platform=recorded["platform"],
            site=recorded["site"]["id"],
        )

    def evidence(self) -> dict[str, str]:
        """Command -> output, for each evidence file the certificate lists that is there."""
        outputs: dict[str, str] = {}
        root = self.directory.resolve()
        for ref in self.certificate.get("evidence", []):
            file = (self.directory / str(ref["file"])).resolve()
            if not file.is_relative_to(root):
                continue  # a manifest naming a file outside the device's directory
            try:
                outputs[str(ref["command"])] = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # missing: the sections that need it say so
        return outputs

    def snapshot(self) -> Snapshot:
        return snapshot(self.device(), self.evidence())


@dataclass(frozen=True)
class RecordedRun:
    """A run directory: its run.json and the devices it certified."""

    directory: Path
    summary: Mapping[str, Any]
    devices: Mapping[str, RecordedDevice]

    @property
    def id(self) -> str:
        return str(self.summary["run"]["id"])

    def to_json(self) -> dict[str, Any]:
        run = self.summary["run"]
        return {
            "id": self.id,
            "directory": str(self.directory),
            "reason": run.get("reason"),
            "started": run.get("started"),
            "inventory": run.get("inventory"),
        }


def read_run(path: Path) -> RecordedRun:
    """The run directory at `path`; DiffError when it is not one or cannot be read."""
    file = path / "run.json"
    if not file.is_file():
        raise DiffError(f"{path}: not a run directory (no run.json)")
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(summary, dict) or summary.get("schema") != RUN_SCHEMA:
            raise ValueError(f"not a netaccept run ({RUN_SCHEMA})")
        str(summary["run"]["id"])
        listed = [str(d["certificate"]) for d in summary["devices"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DiffError(f"{file}: cannot be read ({exc})") from None
    devices: dict[str, RecordedDevice] = {}
    for relative in listed:
        certificate = path / relative
        try:
            data = json.loads(certificate.read_text(encoding="utf-8"))
            recorded = RecordedDevice(certificate.parent, data)
            recorded.device()  # names a device netaccept can read
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DiffError(f"{certificate}: not a readable certificate ({exc})") from None
        devices[recorded.name] = recorded
    return RecordedRun(path, summary, devices)


@dataclass(frozen=True)
class DeviceDiff:
    device: str
    changes: list[Change]
    not_compared: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "changes": [c.to_json() for c in self.changes],
            "not_compared": self.not_compared,
        }


@dataclass(frozen=True)
class RunDiff:
    """Two runs compared, device by device; the devices only one of them certified."""

    before: RecordedRun
    after: RecordedRun
    devices: list[DeviceDiff]
    only_before: list[str]
    only_after: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": DIFF_SCHEMA,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "devices": [d.to_json() for d in self.devices],
            "only_before": self.only_before,
            "only_after": self.only_after,
        }


def diff_runs(before: Path, after: Path, *, device: str | None = None) -> RunDiff:
    """Compare the devices two run directories share (or only `device`).

    DiffError when either is not a run, when they ran different inventories, when they
    share no device, or when `device` is not in both.
    """
    runs = read_run(before), read_run(after)
    inventories = [str(r.summary["run"].get("inventory") or "") for r in runs]
    if not _same_inventory(*inventories):
        raise DiffError(
            f"run {runs[0].id} ran inventory {inventories[0]} and run {runs[1].id} ran "
            f"{inventories[1]}: compare runs of one inventory"
        )
    names = _devices(runs[0], runs[1], device)
    return RunDiff(
        runs[0],
        runs[1],
        [_device_diff(runs[0].devices[n], runs[1].devices[n]) for n in names],
        [] if device else [n for n in runs[0].devices if n not in runs[1].devices],
        [] if device else [n for n in runs[1].devices if n not in runs[0].devices],
    )


def _devices(before: RecordedRun, after: RecordedRun, device: str | None) -> list[str]:
    if device is not None:
        missing = [r.id for r in (before, after) if device not in r.devices]
        if missing:
            raise DiffError(f"--device {device}: not certified in run {' or run '.join(missing)}")
        return [device]
    common = [n for n in before.devices if n in after.devices]
    if not common:
        raise DiffError(
            f"run {before.id} ({_listed(before.devices)}) and run {after.id} "
            f"({_listed(after.devices)}) have no device in common"
        )
    return common


def _listed(devices: Iterable[str]) -> str:
    listed = list(devices)
    return ", ".join(listed) if listed else "no device"


def _device_diff(before: RecordedDevice, after: RecordedDevice) -> DeviceDiff:
    a, b = before.snapshot(), after.snapshot()
    return DeviceDiff(before.name, compare(a, b), not_compared(a, b))


def _same_inventory(a: str, b: str) -> bool:
    """The same inventory file, however each run spelt its path."""
    if os.path.normpath(a) == os.path.normpath(b):
        return True
    try:
        return Path(a).samefile(b)
    except OSError:
        return False
