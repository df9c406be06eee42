"""Loading an inventory: read the file, check its sections, layer and validate every device.

`load_inventory` runs the steps in order and collects every problem they find, so that one
run shows all of them, sorted by line. Loading never shows a traceback for a bad file: every
problem becomes an `InventoryError` naming the file, the line and the field, and what to do
about it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from netaccept.inventory.errors import (
    _PLAIN_KEY,
    InventoryError,
    _dotted,
    _pydantic_message,
    _suggest,
)
from netaccept.inventory.layers import (
    _check_shared_layers,
    _device_layers,
    _merge_layers,
    _Sections,
    _source_of,
)
from netaccept.inventory.model import Contract, Device, Inventory, Lab, Settings, Site
from netaccept.inventory.reading import Loc, _Document, _read_document

M = TypeVar("M", bound=BaseModel)

_TOP_KEYS = ("defaults", "groups", "sites", "devices", "settings", "lab", "contract")
_SECRET_KEYS = re.compile(r"(?i)^(password|passwd|secret|enable_secret|enable_password|key)$")


def load_inventory(path: str | os.PathLike[str]) -> Inventory:
    """Read, merge and validate an inventory file. Raises InventoryError, never a traceback."""
    file = Path(path)
    document = _read_document(file)
    data = document.data
    if not isinstance(data, dict):
        raise InventoryError(
            document.problems
            or [document.problem((), "the inventory must be a mapping with a 'devices' list")]
        )

    _check_no_literal_secrets(data, document)
    _check_top_keys(data, document)
    sections = _Sections.read(data, document)
    _check_shared_layers(sections, document)
    sites = _validate_sites(sections.sites, document)
    settings = _validate_top(data, "settings", Settings, document)
    lab = _validate_top(data, "lab", Lab, document)
    contract = _validate_top(data, "contract", Contract, document)
    if not sections.devices and "devices" not in [p.field for p in document.problems]:
        document.report(("devices",), "no devices: list at least one under 'devices'")
    devices, names = _validate_devices(sections, document)
    _check_orders_unique(devices, names, document)

    if document.problems:
        document.problems.sort(key=lambda p: (p.line or 0, p.field))
        raise InventoryError(document.problems)
    return Inventory(file, sites, tuple(devices), settings, lab, contract)


def _check_no_literal_secrets(data: Mapping[Any, Any], document: _Document) -> None:
    """Report every credential written into the file: they belong in the environment."""
    secrets: list[Loc] = []
    _find_literal_secrets(data, (), secrets)
    for loc in secrets:
        document.report(
            loc,
            "a literal credential is not allowed in the inventory. Put it in the environment "
            "(NETACCEPT_USERNAME, NETACCEPT_PASSWORD, NETACCEPT_SECRET), or name other "
            "variables per device with credentials.username_env / password_env / secret_env; "
            "when none is set, netaccept prompts for it",
        )


def _find_literal_secrets(value: Any, loc: Loc, found: list[Loc]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and _SECRET_KEYS.match(key):
                found.append(loc + (key,))
            _find_literal_secrets(item, loc + (key,), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_literal_secrets(item, loc + (index,), found)


def _check_top_keys(data: Mapping[Any, Any], document: _Document) -> None:
    for key in data:
        if key not in _TOP_KEYS:
            document.report((key,), f"unknown section{_suggest(str(key), _TOP_KEYS)}")


def _validate_sites(raw_sites: Mapping[Any, Any], document: _Document) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    for site_id, raw_site in raw_sites.items():
        try:
            sites[str(site_id)] = Site.model_validate(raw_site)
        except ValidationError as exc:
            _report_validation(exc, ("sites", site_id), Site, document)
    return sites


def _validate_top(data: Mapping[Any, Any], key: str, model: type[M], document: _Document) -> M:
    """The top-level section `key` as a `model`; its defaults if the section is wrong."""
    try:
        value = data.get(key)
        return model.model_validate({} if value is None else value)
    except ValidationError as exc:
        _report_validation(exc, (key,), model, document)
        return model()


def _report_validation(
    exc: ValidationError, at: Loc, model: type[BaseModel], document: _Document
) -> None:
    """Report each of pydantic's errors on the `model` validated from the value at `at`."""
    for err in exc.errors():
        document.report((*at, *err["loc"]), _pydantic_message(err, model))


def _validate_devices(
    sections: _Sections, document: _Document
) -> tuple[list[Device], dict[str, int]]:
    """The devices that are valid, and the index in the file of each device name."""
    devices: list[Device] = []
    names: dict[str, int] = {}
    for index, raw in enumerate(sections.devices):
        device = _validate_device(index, raw, sections, names, document)
        if device is not None:
            devices.append(device)
    return devices, names


def _validate_device(
    index: int, raw: Any, sections: _Sections, names: dict[str, int], document: _Document
) -> Device | None:
    """The device `devices[index]` with its layers merged in, or None when it has problems.

    Its name goes into `names`; a name seen before is reported as a duplicate.
    """
    dloc: Loc = ("devices", index)
    if not isinstance(raw, dict):
        document.report(dloc, "each device must be a mapping with name, host, platform, site")
        return None
    name = raw.get("name")
    if isinstance(name, str):
        if name in names:
            document.report(
                dloc + ("name",), f"duplicate device name {name!r} (also devices[{names[name]}])"
            )
        names[name] = index

    merged, origin = _merge_layers(_device_layers(raw, dloc, sections, document))
    try:
        return Device.model_validate(merged)
    except ValidationError as exc:
        label = _device_label(index, raw)
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = f"{label} {_dotted(loc)}" if loc else label
            message = _pydantic_message(err, Device)
            document.report(_source_of(loc, origin, dloc), message, field)
        return None


def _device_label(index: int, raw: Mapping[str, Any]) -> str:
    """`devices[3] (chi-gsr-01)`: the device's place in the list and, if plain, its name."""
    return f"devices[{index}]" + (
        f" ({raw['name']})"
        if isinstance(raw.get("name"), str) and _PLAIN_KEY.fullmatch(raw["name"])
        else ""
    )


def _check_orders_unique(
    devices: list[Device], names: Mapping[str, int], document: _Document
) -> None:
    """Report an order id on the ports of two devices: an order id names one port."""
    seen_orders: dict[str, str] = {}
    for device in devices:
        for port in device.ports:
            other = seen_orders.setdefault(port.order, device.name)
            if other != device.name:
                index = names.get(device.name, 0)
                document.report(
                    ("devices", index, "ports"),
                    f"order {port.order} is already on {other}: an order id names one port",
                )
