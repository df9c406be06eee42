"""The lab's DNS zone, built from the lab inventory and its recordings.

Each router's loopback address is read from its recorded `show running-config`, as the
harness would read it; the names come from the inventory (`dns.name` or
`<device>.<dns.domain>`), and `lab.dns_wrong_ptr` plants wrong PTR records on purpose.
"""

from __future__ import annotations

from netaccept.core.evidence import read_recording, recording_path
from netaccept.inventory import Inventory
from netaccept.lab.dns import DnsRecord, zone_for
from netaccept.platforms.config import parse_config
from netaccept.platforms.registry import platform


def lab_zone(inventory: Inventory) -> list[DnsRecord]:
    """A and PTR records for every lab router whose recording states a loopback address."""
    records: list[DnsRecord] = []
    for device in inventory.devices:
        if device.dns is None or device.dns.fqdn(device.name) is None:
            continue
        recording = read_recording(recording_path(inventory.lab_recordings, device.name))
        config = recording.outputs.get("show running-config")
        if config is None:
            continue
        names = platform(device.platform).configuration.names
        address = names(parse_config(config), device.loopback)
        if address.loopback_address is None:
            continue
        fqdn = str(device.dns.fqdn(device.name))
        host, _, domain = fqdn.partition(".")
        wrong = inventory.lab.dns_wrong_ptr.get(device.name)
        records += zone_for(
            {host: address.loopback_address}, domain, {host: wrong} if wrong else None
        )
    return records
