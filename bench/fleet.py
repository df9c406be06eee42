"""A fleet of N simulated routers for the benchmark, cloned from the six lab routers.

Router `i` is a copy of lab router `i % 6` (both platforms, two of them faulty on purpose)
named `<base>-<i:04d>`, with every command of its recording and its own port orders. The
clone keeps its base's loopback, so its DNS name is the base's (`dns.name`), and the lab's
zone answers for all clones. `Fleet.inventory` is written once the lab's ports are known,
so `netaccept run --inventory` reaches every router at its real port, as a user would.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netaccept.inventory import load_inventory
from netaccept.lab.dns import DnsRecord
from netaccept.lab.spec import LabRouterSpec, PlatformName, renamed
from netaccept.lab.zone import lab_zone

ROOT = Path(__file__).resolve().parents[1]
LAB_INVENTORY = ROOT / "inventory" / "lab.yaml"
LAB_RECORDINGS = ROOT / "inventory" / "lab"


@dataclass(frozen=True)
class Router:
    """One router of the fleet: what the alternatives need to talk to it."""

    name: str
    base: str
    platform: PlatformName
    commands: tuple[str, ...]
    recording: Path
    port: int = 0


@dataclass
class Fleet:
    """The routers, their recordings and lab specs; the inventory once ports are known."""

    directory: Path
    routers: list[Router]
    specs: list[LabRouterSpec]
    dns_records: list[DnsRecord]
    document: dict[str, Any]

    @property
    def inventory(self) -> Path:
        return self.directory / "inventory.yaml"

    @property
    def known_hosts(self) -> Path:
        return self.directory / "known_hosts"

    @property
    def manifest(self) -> Path:
        return self.directory / "fleet.json"

    def write(self, ports: dict[str, int], dns_port: int, workers: int | None = None) -> None:
        """The inventory (real ports, the lab's DNS port) and the manifest for the clients."""
        self.routers = [
            Router(r.name, r.base, r.platform, r.commands, r.recording, ports[r.name])
            for r in self.routers
        ]
        document = dict(self.document)
        # --workers, else the defaults a user's inventory has (not the demo lab's settings)
        document.pop("settings", None)
        if workers is not None:
            document["settings"] = {"workers": workers}
        defaults = dict(document["defaults"])
        defaults["dns"] = {**defaults["dns"], "port": dns_port}
        document["defaults"] = defaults
        document["devices"] = [{**d, "port": ports[d["name"]]} for d in document["devices"]]
        self.inventory.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        manifest = [
            {
                "name": r.name,
                "platform": r.platform,
                "port": r.port,
                "commands": list(r.commands),
                "recording": str(r.recording),
            }
            for r in self.routers
        ]
        self.manifest.write_text(json.dumps(manifest), encoding="utf-8")


GSR = "gsr"
"""The realistic latency profile: each command takes about what it takes on a GSR 12000."""


def gsr_seconds(command: str) -> float:
    """Seconds a GSR 12000 takes to answer `command` (a route processor of 2004, not a lab).

    `verify /md5` (IOS) or `show md5 file` (IOS-XR) reads the whole image from flash: several
    seconds. A 100-packet ping of 1,500 bytes waits for each reply: about 2 s; five small
    ones half a second. `show running-config` builds the configuration: about 1 s.
    `show interfaces` and `show logging` print a lot: half a second. The rest 100-300 ms, each
    command its own (a hash of its text: the same in every run).
    """
    if command.startswith(("verify /md5", "show md5 file")):
        return 6.0
    if command.startswith("ping"):
        return 2.0 if (" repeat 100 " in command or " count 100 " in command) else 0.5
    if command == "show running-config":
        return 1.0
    if command in ("show interfaces", "show logging"):
        return 0.5
    return 0.1 + (zlib.crc32(command.encode()) % 201) / 1000


def make_fleet(
    size: int,
    directory: Path,
    latency: float | str = 0.0,
    only: Sequence[str] | None = None,
) -> Fleet:
    """Recordings and lab specs for `size` routers under `directory` (created).

    `latency`: seconds every command takes, or `GSR` for the realistic profile
    (`gsr_seconds`; the login's commands then take 0.1 s). `only`: clone only these lab
    routers, in turn (default: all six).
    """
    recordings = directory / "lab"
    recordings.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = yaml.safe_load(LAB_INVENTORY.read_text(encoding="utf-8"))
    bases = [dict(d) for d in document["devices"] if only is None or d["name"] in only]
    inventory = load_inventory(LAB_INVENTORY)
    sources = {
        b["name"]: json.loads((LAB_RECORDINGS / f"{b['name']}.json").read_text(encoding="utf-8"))
        for b in bases
    }
    devices: list[dict[str, Any]] = []
    routers: list[Router] = []
    specs: list[LabRouterSpec] = []
    for number in range(size):
        base = bases[number % len(bases)]
        name = f"{base['name']}-{number:04d}"
        source = sources[base["name"]]
        suffix = f"-{number:04d}"
        ports = [{**p, "order": p["order"] + suffix} for p in base.get("ports", [])]
        outputs: dict[str, str] = dict(source["outputs"])
        for port in base.get("ports", []):  # order ids are unique across an inventory
            outputs = {
                c: o.replace(port["order"], port["order"] + suffix) for c, o in outputs.items()
            }
        # Each clone prints its own name, as the lab serves it (and as the harness checks).
        outputs = renamed(outputs, base["name"], name)
        recording = {**source, "device": name, "outputs": outputs}
        path = recordings / f"{name}.json"
        path.write_text(json.dumps(recording), encoding="utf-8")
        base_device = inventory.device(base["name"])
        assert base_device.dns is not None
        fqdn = base_device.dns.fqdn(base["name"])
        devices.append({**base, "name": name, "port": 22, "ports": ports, "dns": {"name": fqdn}})
        platform: PlatformName = source["platform"]
        routers.append(Router(name, base["name"], platform, tuple(outputs), path))
        if latency == GSR:
            latencies = {command: gsr_seconds(command) for command in outputs}
            specs.append(LabRouterSpec(name, platform, path, latency=0.1, latencies=latencies))
        else:
            specs.append(LabRouterSpec(name, platform, path, latency=float(latency)))
    document["devices"] = devices
    document["lab"] = {"recordings": "lab"}
    return Fleet(directory, routers, specs, lab_zone(inventory), document)
