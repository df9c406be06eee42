"""The inventory: sites, devices, their ordered ports and the values each check expects.

An inventory is a YAML file the customer's engineers can read and review (section 2.2).
Values are layered: `defaults`, then the device's site `defaults`, then each group it
names (in order), then the device itself; mappings merge, everything else is replaced.

Loading never shows a traceback for a bad file: every problem becomes an
`InventoryError` naming the file, the line and the field, and what to do about it.

This package's API is re-exported here; its modules, in the order loading uses them:
`reading` (the file as YAML with the line of every value), `layers` (a device's layers,
merged), `model` (the validated `Device`, `Inventory` and the rest), `loading`
(`load_inventory`), `errors` (`Problem`, `InventoryError` and their wording), and
`credentials` (a device's login, from the environment or the terminal).
"""

from __future__ import annotations

from netaccept.core.catalogue import CHECK_IDS
from netaccept.inventory.credentials import CredentialsMissing, resolve_credentials
from netaccept.inventory.errors import InventoryError, Problem
from netaccept.inventory.errors import _fields_at as _fields_at  # for the tests
from netaccept.inventory.loading import load_inventory
from netaccept.inventory.model import (
    Aaa,
    Bgp,
    BgpNeighbor,
    CheckId,
    Connectivity,
    ConnectivityTarget,
    Console,
    Contract,
    Credentials,
    Descriptions,
    Device,
    Dns,
    DomainName,
    EnvVar,
    FilePath,
    Flash,
    Hop,
    InterfaceName,
    InterfacePolicy,
    Intrapop,
    IntrapopLink,
    Inventory,
    Isis,
    IsisNeighbor,
    IsisNet,
    Lab,
    Logs,
    Md5,
    Memory,
    Name,
    Ping,
    PortOrder,
    Probe,
    Rpms,
    Settings,
    Site,
    Software,
    Ssh,
    Tacacs,
    Text,
    Timeouts,
    Vty,
)
from netaccept.inventory.reading import Loc

__all__ = [
    "CHECK_IDS",
    "Aaa",
    "Bgp",
    "BgpNeighbor",
    "CheckId",
    "Connectivity",
    "ConnectivityTarget",
    "Console",
    "Contract",
    "Credentials",
    "CredentialsMissing",
    "Descriptions",
    "Device",
    "Dns",
    "DomainName",
    "EnvVar",
    "FilePath",
    "Flash",
    "Hop",
    "InterfaceName",
    "InterfacePolicy",
    "Intrapop",
    "IntrapopLink",
    "Inventory",
    "InventoryError",
    "Isis",
    "IsisNeighbor",
    "IsisNet",
    "Lab",
    "Loc",
    "Logs",
    "Md5",
    "Memory",
    "Name",
    "Ping",
    "PortOrder",
    "Probe",
    "Problem",
    "Rpms",
    "Settings",
    "Site",
    "Software",
    "Ssh",
    "Tacacs",
    "Text",
    "Timeouts",
    "Vty",
    "load_inventory",
    "resolve_credentials",
]
