"""What netaccept offers a router, and how it reads the router's offer (no network)."""

from __future__ import annotations

import socket
import struct

import paramiko
import pytest

from netaccept.session.algorithms import (
    WEAK_CIPHERS,
    WEAK_HOST_KEYS,
    WEAK_KEX,
    WEAK_MACS,
    disabled_algorithms,
    parse_offer,
)


def kexinit(*lists: str) -> bytes:
    """A router's first bytes: its version line, then a KEXINIT packet with `lists`."""
    names = [*lists, *([""] * (10 - len(lists)))]
    payload = bytes([20]) + b"\x07" * 16
    payload += b"".join(struct.pack(">I", len(n)) + n.encode() for n in names)
    payload += b"\x00" + b"\x00\x00\x00\x00"
    padding = 8 - (len(payload) + 5) % 8 + 8
    packet = struct.pack(">IB", len(payload) + padding + 1, padding) + payload + b"\0" * padding
    return b"SSH-1.99-Cisco-1.25\r\n" + packet


GSR = kexinit(
    "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
    "ssh-rsa",
    "aes128-cbc,3des-cbc,aes192-cbc,aes256-cbc",
    "aes128-cbc,3des-cbc,aes192-cbc,aes256-cbc",
    "hmac-sha1,hmac-sha1-96",
    "hmac-sha1,hmac-sha1-96",
    "none",
    "none",
)


def test_a_gsr_offer_is_read_and_is_legacy_only() -> None:
    offer = parse_offer(b"Please wait...\r\n" + GSR)  # a line before the version is allowed
    assert offer.kex == ("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1")
    assert offer.host_keys == ("ssh-rsa",)
    assert offer.macs == ("hmac-sha1", "hmac-sha1-96")
    assert offer.legacy_only
    assert offer.text().startswith("key exchange diffie-hellman-group1-sha1, ")


def test_a_modern_offer_is_not_legacy_only() -> None:
    modern = kexinit(
        "curve25519-sha256,diffie-hellman-group14-sha1,kex-strict-s-v00@openssh.com",
        "ssh-ed25519,ssh-rsa", "aes128-ctr,aes128-cbc", "aes128-ctr",
        "hmac-sha2-256", "hmac-sha2-256",
    )  # fmt: skip
    offer = parse_offer(modern)
    assert offer.kex == ("curve25519-sha256", "diffie-hellman-group14-sha1")
    assert not offer.legacy_only


@pytest.mark.parametrize("cut", [10, 25, len(GSR) - 1])
def test_a_kexinit_cut_short_is_not_an_offer(cut: int) -> None:
    with pytest.raises(ValueError, match=r"KEXINIT|version"):
        parse_offer(GSR[:cut])


def test_without_the_setting_paramiko_offers_nothing_weak() -> None:
    a, b = socket.socketpair()
    try:
        transport = paramiko.Transport(a, disabled_algorithms=disabled_algorithms(False))
        assert transport.preferred_kex and not set(transport.preferred_kex) & WEAK_KEX
        assert not set(transport.preferred_keys) & WEAK_HOST_KEYS
        assert not set(transport.preferred_ciphers) & WEAK_CIPHERS
        assert not set(transport.preferred_macs) & WEAK_MACS
        legacy = paramiko.Transport(b, disabled_algorithms=disabled_algorithms(True))
        # the route chosen (netmiko's par4 extra, paramiko 4) still knows the GSR's set
        assert {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"} <= set(
            legacy.preferred_kex
        )
        assert "ssh-rsa" in legacy.preferred_keys and "3des-cbc" in legacy.preferred_ciphers
    finally:
        a.close()
        b.close()
