"""What a simulated router offers in its SSH key exchange: the set its real software offers.

A GSR on classic IOS 12.0S offers only SHA-1 key exchange, an `ssh-rsa` host key (RSA 1024
bits), CBC ciphers and `hmac-sha1`; IOS-XR 3.x/4.x a slightly larger legacy set. netaccept
negotiates with such a router only when its inventory says `ssh: {legacy_algorithms:
true}`, as with the real ones. `modern` leaves asyncssh's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

OfferName = Literal["modern", "ios-12.0s", "xr-4"]
OFFER_NAMES: tuple[OfferName, ...] = get_args(OfferName)


@dataclass(frozen=True)
class SshOffer:
    kex: tuple[str, ...]
    host_key_algorithm: str
    host_key_bits: int
    ciphers: tuple[str, ...]
    macs: tuple[str, ...]


OFFERS: dict[OfferName, SshOffer | None] = {
    "modern": None,
    "ios-12.0s": SshOffer(
        kex=("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"),
        host_key_algorithm="ssh-rsa",
        host_key_bits=1024,
        ciphers=("aes128-cbc", "3des-cbc", "aes192-cbc", "aes256-cbc"),
        macs=("hmac-sha1", "hmac-sha1-96"),
    ),
    "xr-4": SshOffer(
        kex=(
            "diffie-hellman-group-exchange-sha1",
            "diffie-hellman-group14-sha1",
            "diffie-hellman-group1-sha1",
        ),
        host_key_algorithm="ssh-rsa",
        host_key_bits=1024,
        ciphers=("aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"),
        macs=("hmac-sha1",),
    ),
}


def offer(name: str) -> SshOffer | None:
    """The offer called `name` (None: modern, asyncssh's defaults); ValueError if unknown."""
    if name not in OFFERS:
        raise ValueError(f"unknown SSH offer {name!r}; known: {', '.join(OFFER_NAMES)}")
    return OFFERS[name]
