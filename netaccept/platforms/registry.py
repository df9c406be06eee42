"""The platforms netaccept knows, by name: the one door to everything platform-specific.

The run, the reports, the CLI and the lab ask here for a device's `Platform` (its session
traits, fact recipes, configuration rules and lab persona) instead of testing its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from netaccept.core.catalogue import PLATFORM_NAMES, PlatformName
from netaccept.core.verdicts import Undecidable
from netaccept.inventory import Device
from netaccept.platforms import cisco_ios, cisco_xr
from netaccept.platforms.base import Platform
from netaccept.platforms.facts import FACTS, Fact, Recipe, Source
from netaccept.session.traits import CliTraits

PLATFORMS: Mapping[PlatformName, Platform] = {
    p.name: p for p in (cisco_ios.PLATFORM, cisco_xr.PLATFORM)
}
if tuple(PLATFORMS) != PLATFORM_NAMES:  # the names are declared once, in the catalogue
    raise RuntimeError(f"platform packages {tuple(PLATFORMS)} != catalogue {PLATFORM_NAMES}")

CLI: Mapping[str, CliTraits] = {name: p.cli for name, p in PLATFORMS.items()}
"""Platform name -> how the session drives its CLI (what the SSH transport is given)."""


def platform(name: str) -> Platform:
    """The platform called `name`; KeyError naming the known ones otherwise."""
    try:
        return PLATFORMS[name]  # type: ignore[index]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(PLATFORMS)}") from None


def recipe(fact: Fact[Any] | str, platform_name: str) -> Recipe[Any]:
    """How `platform_name` obtains `fact`; Undecidable where the platform cannot."""
    name = fact if isinstance(fact, str) else fact.name
    try:
        return platform(platform_name).recipes[name]
    except KeyError:
        description = FACTS[name].description if name in FACTS else name
        raise Undecidable(f"{description} is not implemented for {platform_name}") from None


def sources(fact: Fact[Any] | str, device: Device) -> list[Source]:
    """The commands and readers that obtain `fact` from `device`."""
    return recipe(fact, device.platform).sources(device)


def commands(fact: Fact[Any] | str, device: Device) -> list[str]:
    """The commands that obtain `fact` from `device`, in order."""
    return [source.command for source in sources(fact, device)]


def supported(fact_names: Iterable[str]) -> list[PlatformName]:
    """The platforms that have a recipe for every one of `fact_names`."""
    needed = list(fact_names)
    return [name for name, p in PLATFORMS.items() if all(f in p.recipes for f in needed)]
