"""Cisco IOS-XR: classic 3.x/4.x on the GSR 12000, and the 64-bit releases after it.

The login lands in exec mode (`RP/0/RP0/CPU0:name#`): there is no user mode and no enable."""

from __future__ import annotations

from netaccept.platforms.base import ConfigurationRules, LabPersona, Platform
from netaccept.platforms.cisco_xr import configuration
from netaccept.platforms.cisco_xr.recipes import RECIPES
from netaccept.session.traits import CliTraits

CONFIGURATION = ConfigurationRules(
    isis=configuration.isis_config,
    bgp=configuration.bgp_config,
    transfer_sources=configuration.transfer_sources,
    console=configuration.console_config,
    aaa=configuration.aaa_config,
    tacacs=configuration.tacacs_config,
    vty=configuration.vty_config,
    probes=configuration.probes_config,
    names=configuration.name_config,
)

PLATFORM = Platform(
    name="cisco_xr",
    label="IOS-XR",
    cli=CliTraits(driver="cisco_xr", base_prompt_length=31, enable=False),
    recipes={**RECIPES, **CONFIGURATION.recipes()},
    configuration=CONFIGURATION,
    lab=LabPersona(prompt="RP/0/RP0/CPU0:{hostname}#", user_mode=False),
)
