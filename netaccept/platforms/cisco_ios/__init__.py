"""Cisco IOS and IOS-XE: the classic GSR 12000 on 12.0S, and the IOS-XE routers after it.

The login may land in user mode (`name>`); `enable` with the enable secret leads to the
privileged prompt (`name#`)."""

from __future__ import annotations

from netaccept.platforms.base import ConfigurationRules, LabPersona, Platform
from netaccept.platforms.cisco_ios import configuration
from netaccept.platforms.cisco_ios.recipes import RECIPES
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
    name="cisco_ios",
    label="IOS",
    cli=CliTraits(driver="cisco_ios", base_prompt_length=16, enable=True),
    recipes={**RECIPES, **CONFIGURATION.recipes()},
    configuration=CONFIGURATION,
    lab=LabPersona(
        prompt="{hostname}#",
        user_mode=True,
        # What IOS lets a user-mode session run (privilege level 1).
        user_mode_commands=("show version", "ping", "traceroute"),
    ),
)
