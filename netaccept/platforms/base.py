"""What a platform is: the one interface every platform package implements.

A platform package (`netaccept.platforms.cisco_ios`, ...) builds one `Platform`: how the
session drives its CLI, the recipe of every fact it can obtain (its commands, readers and
builders), how its running configuration spells each concern, and how the simulated lab
plays one of its routers. Nothing outside `netaccept.platforms` asks which platform a router
is: it asks the registry (`netaccept.platforms.registry`) for the device's `Platform`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from netaccept.core.catalogue import PlatformName
from netaccept.inventory import Device
from netaccept.platforms import facts
from netaccept.platforms.config import Config
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
from netaccept.platforms.facts import Fact, Recipe, one
from netaccept.session.traits import CliTraits

T = Any


@dataclass(frozen=True)
class ConfigurationRules:
    """How one platform's running configuration spells each concern the checks read."""

    isis: Callable[[Config], IsisConfig | None]
    bgp: Callable[[Config], BgpConfig | None]
    transfer_sources: Callable[[Config], TransferSources]
    console: Callable[[Config], ConsoleConfig]
    aaa: Callable[[Config], AaaConfig]
    tacacs: Callable[[Config], TacacsConfig]
    vty: Callable[[Config], VtyConfig]
    probes: Callable[[Config], list[ProbeConfig]]
    names: Callable[[Config, str], NameConfig]
    """The hostname, name servers and the address of the given loopback interface."""

    def recipes(self) -> dict[str, Recipe[Any]]:
        """The configuration facts, each read out of one `show running-config`."""

        def from_config(fact: Fact[Any], read: Callable[[Config, Device], Any]) -> tuple[str, Any]:
            return fact.name, one(lambda d: "show running-config", "config", read)

        return dict(
            (
                from_config(facts.ISIS_CONFIG, lambda c, d: self.isis(c)),
                from_config(facts.BGP_CONFIG, lambda c, d: self.bgp(c)),
                from_config(facts.TRANSFER_SOURCES, lambda c, d: self.transfer_sources(c)),
                from_config(facts.CONSOLE_CONFIG, lambda c, d: self.console(c)),
                from_config(facts.AAA_CONFIG, lambda c, d: self.aaa(c)),
                from_config(facts.TACACS_CONFIG, lambda c, d: self.tacacs(c)),
                from_config(facts.VTY_CONFIG, lambda c, d: self.vty(c)),
                from_config(facts.PROBES_CONFIG, lambda c, d: self.probes(c)),
                from_config(facts.NAME_CONFIG, lambda c, d: self.names(c, d.loopback)),
            )
        )


@dataclass(frozen=True)
class LabPersona:
    """How the simulated lab plays one of the platform's routers."""

    prompt: str
    """The privileged prompt, `{hostname}` standing for the router's name."""
    user_mode: bool
    """The login lands in user mode (`name>`) and `enable` asks for the enable secret; user
    mode runs only `user_mode_commands`. False: the login lands in exec mode (IOS-XR)."""
    user_mode_commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Platform:
    """One platform: everything netaccept needs to know of it, in one place."""

    name: PlatformName
    label: str
    """How people name it on a certificate or a table: `IOS`, `IOS-XR`."""
    cli: CliTraits
    recipes: Mapping[str, Recipe[Any]]
    """Fact name -> how this platform obtains it; a fact missing here is not implemented."""
    configuration: ConfigurationRules
    lab: LabPersona
