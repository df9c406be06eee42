"""Layering: the values a device gets from `defaults`, its site's `defaults`, each group it
names (in order) and its own entry, merged in that order.

Mappings merge key by key; anything else (a list, a number, a string) is replaced whole by a
later layer. Each merged value remembers the location in the file it came from, so that a
value a device inherits and gets wrong is reported at the line where it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netaccept.inventory.errors import _dotted, _suggest
from netaccept.inventory.reading import Loc, _Document

_DEVICE_ONLY_KEYS = ("name", "host", "port", "site", "groups", "ports")

# A layer: values that apply to a device, and the location in the file they come from.
_Layer = tuple[Mapping[str, Any], Loc]


@dataclass(frozen=True)
class _Sections:
    """The inventory's sections that layers come from, and its list of devices, as written."""

    defaults: dict[str, Any]
    groups: dict[str, Any]
    sites: dict[str, Any]
    devices: list[Any]

    @classmethod
    def read(cls, data: Mapping[Any, Any], document: _Document) -> _Sections:
        """The sections of `data`; one of the wrong type is reported and taken as empty."""
        return cls(
            defaults=_section(data, "defaults", dict, document),
            groups=_section(data, "groups", dict, document),
            sites=_section(data, "sites", dict, document),
            devices=_section(data, "devices", list, document),
        )


def _section(data: Mapping[Any, Any], key: str, kind: type, document: _Document) -> Any:
    value = data.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        document.report((key,), f"must be a {'list' if kind is list else 'mapping'}")
        return kind()
    return value


def _check_shared_layers(sections: _Sections, document: _Document) -> None:
    """Report the keys only a device's own entry may set, found in a layer shared by devices."""
    # A device's own keys cannot come from a layer: `site` and `groups` choose the layers
    # (from a group they were silently not checked), and a shared `name` escapes the
    # duplicate-name check.
    shared_layers: list[tuple[Loc, Any]] = [(("defaults",), sections.defaults)]
    shared_layers += [(("groups", g), v) for g, v in sections.groups.items()]
    shared_layers += [
        (("sites", s, "defaults"), v["defaults"])
        for s, v in sections.sites.items()
        if isinstance(v, dict) and isinstance(v.get("defaults"), dict)
    ]
    for layer_loc, layer in shared_layers:
        if not isinstance(layer, dict):
            continue
        for key in layer:
            if key in _DEVICE_ONLY_KEYS and key != "port":
                document.report(
                    layer_loc + (key,), f"belongs on each device, not in {_dotted(layer_loc)}"
                )


def _device_layers(
    raw: Mapping[str, Any], dloc: Loc, sections: _Sections, document: _Document
) -> list[_Layer]:
    """The layers of the device `raw` at `dloc`, in order; an unknown site or group is reported."""
    layers: list[_Layer] = [(sections.defaults, ("defaults",))]
    layers += _site_layer(raw.get("site"), dloc, sections, document)
    layers += _group_layers(raw.get("groups", []), dloc, sections, document)
    layers.append((raw, dloc))
    return layers


def _site_layer(site: Any, dloc: Loc, sections: _Sections, document: _Document) -> list[_Layer]:
    """The `defaults` of the device's site, if it has any."""
    if not isinstance(site, str):
        return []
    if site not in sections.sites:
        document.report(
            dloc + ("site",),
            f"no site {site!r}{_suggest(site, list(sections.sites))}; "
            f"sites: {', '.join(map(str, sections.sites)) or '(none defined)'}",
        )
        return []
    raw_site = sections.sites[site]
    if isinstance(raw_site, dict) and isinstance(raw_site.get("defaults"), dict):
        return [(raw_site["defaults"], ("sites", site, "defaults"))]
    return []


def _group_layers(
    raw_groups: Any, dloc: Loc, sections: _Sections, document: _Document
) -> list[_Layer]:
    """The groups the device names, in its order; an unknown or malformed group is reported."""
    if not isinstance(raw_groups, list):
        return []
    groups = sections.groups
    layers: list[_Layer] = []
    for gi, group in enumerate(raw_groups):
        if not isinstance(group, str) or group not in groups:
            document.report(
                dloc + ("groups", gi),
                f"no group {group!r}{_suggest(str(group), list(groups))}; "
                f"groups: {', '.join(map(str, groups)) or '(none defined)'}",
            )
        elif not isinstance(groups[group], dict):
            document.report(("groups", group), "a group must be a mapping of device fields")
        else:
            layers.append((groups[group], ("groups", group)))
    return layers


def _merge_layers(layers: list[_Layer]) -> tuple[dict[str, Any], dict[Loc, Loc]]:
    """The layers merged in order, and the file location each merged value came from."""
    merged: dict[str, Any] = {}
    origin: dict[Loc, Loc] = {}
    for layer, layer_loc in layers:
        _merge(merged, origin, layer, layer_loc)
    return merged, origin


def _source_of(loc: Loc, origin: Mapping[Loc, Loc], default: Loc) -> Loc:
    """The file location the merged value at `loc` (or the nearest enclosing one) came from."""
    src = origin.get(loc)
    probe = loc
    while src is None and probe:
        probe = probe[:-1]
        src = origin.get(probe)
    return src or default


def _merge(
    base: dict[str, Any],
    base_origin: dict[Loc, Loc],
    layer: Mapping[str, Any],
    layer_loc: Loc,
    at: Loc = (),
) -> None:
    """Merge `layer` into `base` in place, remembering which file location each value came from."""
    for key, value in layer.items():
        here = at + (key,)
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base_origin[here] = layer_loc + (key,)
            _merge(base[key], base_origin, value, layer_loc + (key,), here)
        else:
            if key in base:  # only a key set before can have origins to forget
                for old in [k for k in base_origin if k[: len(here)] == here]:
                    del base_origin[old]
            base[key] = _deep_copy(value)
            _record(value, here, layer_loc + (key,), base_origin)


def _record(value: Any, at: Loc, src: Loc, origin: dict[Loc, Loc]) -> None:
    origin[at] = src
    if isinstance(value, Mapping):
        for key, item in value.items():
            _record(item, at + (key,), src + (key,), origin)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _record(item, at + (index,), src + (index,), origin)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
