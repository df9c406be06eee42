"""Interface names: routers abbreviate them (`PO1/0`, `Gi0/0/0/1`), inventories spell them out.

`interface_key` reduces any spelling to a comparable key so that `POS1/0`, `PO1/0` and
`pos1/0` compare equal, while `POS1/0` and `POS1/1` never do.
"""

from __future__ import annotations

import re

# Longest aliases first. `Po` in ISIS and CDP tables means POS with a slot (`PO4/0`), a
# Port-channel without one (`Po12`).
_FAMILIES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "pos": "pos", "po": "pos",
            "gigabitethernet": "gige", "gige": "gige", "gi": "gige", "ge": "gige",
            "tengigabitethernet": "tengige", "tengige": "tengige", "te": "tengige",
            # IOS-XE and IOS-XR spell these two ways; Twe is 25G, Tw is 2.5G (TwoGigabit).
            "twentyfivegigabitethernet": "twentyfivegige", "twentyfivegige": "twentyfivegige",
            "twe": "twentyfivegige",
            "twogigabitethernet": "twogige", "tw": "twogige",
            "fortygigabitethernet": "fortygige", "fortygige": "fortygige", "fo": "fortygige",
            "hundredgigabitethernet": "hundredgige",
            "hundredgige": "hundredgige", "hu": "hundredgige",
            "fastethernet": "fastethernet", "fa": "fastethernet",
            "ethernet": "ethernet", "et": "ethernet", "eth": "ethernet",
            "loopback": "loopback", "lo": "loopback",
            "serial": "serial", "se": "serial",
            "atm": "atm", "at": "atm",
            "bundle-ether": "bundle-ether", "be": "bundle-ether",
            "mgmteth": "mgmteth", "mg": "mgmteth",
            "port-channel": "port-channel",
            "tunnel": "tunnel", "tu": "tunnel",
            "vlan": "vlan", "vl": "vlan",
        }.items(),
        key=lambda item: -len(item[0]),
    )
)  # fmt: skip
_SPLIT = re.compile(r"^([A-Za-z][A-Za-z-]*?)\s*([0-9][0-9/.:]*)$")


def interface_key(name: str) -> str:
    """A canonical key for an interface name, e.g. `pos:1/0` for `POS1/0` and `PO1/0`."""
    match = _SPLIT.match(name.strip())
    if not match:
        return name.strip().lower()
    prefix, numbers = match.group(1).lower(), match.group(2)
    if prefix == "po" and "/" not in numbers:
        return f"port-channel:{numbers}"  # `Po12`: a POS port always has a slot (`PO4/0`)
    for alias, family in _FAMILIES:
        if prefix == alias:
            return f"{family}:{numbers}"
    return f"{prefix}:{numbers}"


def same_interface(a: str, b: str) -> bool:
    return interface_key(a) == interface_key(b)
