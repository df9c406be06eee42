"""SSH algorithms: what netaccept offers a router, what was negotiated, and what is weak.

Modern routers get modern algorithms only. A router whose inventory says
`ssh: {legacy_algorithms: true}` (a GSR on classic IOS 12.0S, IOS-XR 3.x/4.x) is also
offered the SHA-1 key exchanges, `ssh-rsa` host keys, CBC ciphers and SHA-1/MD5 MACs it
needs; every certificate then records what was negotiated and flags each weak algorithm.
When a router offers nothing modern and the setting is off, `probe_offer` reads the
router's own offer (its KEXINIT, sent in clear before any login) so that the error can say
what the router offers and which setting to add.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field
from typing import Any

# Weak, and offered only with ssh.legacy_algorithms (paramiko 4 knows them all).
WEAK_KEX = frozenset({
    "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "gss-group1-sha1-toWM5Slw5Ew8Mqkay+al2g==", "gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g==",
    "gss-gex-sha1-toWM5Slw5Ew8Mqkay+al2g==",
})  # fmt: skip
WEAK_HOST_KEYS = frozenset({"ssh-rsa", "ssh-dss"})
WEAK_CIPHERS = frozenset({"aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc"})
WEAK_MACS = frozenset({"hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96"})

LEGACY_SETTING = "ssh: {legacy_algorithms: true}"


def disabled_algorithms(legacy: bool) -> dict[str, list[str]]:
    """paramiko's `disabled_algorithms` for a router: nothing weak unless `legacy`."""
    if legacy:
        return {}
    return {
        "kex": sorted(WEAK_KEX),
        "keys": sorted(WEAK_HOST_KEYS),
        "pubkeys": sorted(WEAK_HOST_KEYS),  # the client's own key signatures
        "ciphers": sorted(WEAK_CIPHERS),
        "macs": sorted(WEAK_MACS),
    }


@dataclass(frozen=True)
class SshAlgorithms:
    """What one session negotiated (client to router; the router's direction is the same
    whenever the router and paramiko prefer alike, as they do in practice)."""

    kex: str
    host_key_type: str
    cipher: str
    mac: str
    weak: tuple[str, ...] = field(default=())
    """One line per weak algorithm: `negotiated X: weak, allowed by ssh.legacy_algorithms`."""

    def text(self) -> str:
        return (
            f"key exchange {self.kex}, host key {self.host_key_type}, cipher {self.cipher}, "
            f"MAC {self.mac}"
        )


def negotiated(transport: Any, offer: Offer | None) -> SshAlgorithms:
    """The algorithms a connected paramiko Transport agreed on, the weak ones flagged.

    paramiko keeps the cipher, MAC and host key type but not the key exchange's name: as a
    client it takes the first of its own preferences that the router offers (RFC 4253 7.1),
    so `offer` (the router's KEXINIT, as received) gives it.
    """
    theirs = offer.kex if offer is not None else ()
    kex = next((k for k in transport.preferred_kex if k in theirs), "unknown")
    host_key = str(transport.host_key_type or "")
    cipher = str(transport.local_cipher or "")
    mac = str(transport.local_mac or "")
    weak = tuple(
        f"negotiated {name}: weak, allowed by ssh.legacy_algorithms"
        for name, weak_set in (
            (kex, WEAK_KEX),
            (host_key, WEAK_HOST_KEYS),
            (cipher, WEAK_CIPHERS),
            (mac, WEAK_MACS),
        )
        if name in weak_set
    )
    return SshAlgorithms(kex, host_key, cipher, mac, weak)


@dataclass(frozen=True)
class Offer:
    """The algorithms a router offers in its KEXINIT."""

    kex: tuple[str, ...]
    host_keys: tuple[str, ...]
    ciphers: tuple[str, ...]
    macs: tuple[str, ...]

    @property
    def legacy_only(self) -> bool:
        """Nothing modern in one of the lists: only ssh.legacy_algorithms can talk to it."""
        return (
            all(k in WEAK_KEX for k in self.kex)
            or all(k in WEAK_HOST_KEYS for k in self.host_keys)
            or all(c in WEAK_CIPHERS for c in self.ciphers)
            or all(m in WEAK_MACS for m in self.macs)
        )

    def text(self) -> str:
        return (
            f"key exchange {', '.join(self.kex)}; host keys {', '.join(self.host_keys)}; "
            f"ciphers {', '.join(self.ciphers)}; MACs {', '.join(self.macs)}"
        )


_MAX_PACKET = 35000
_KEXINIT = 20


class RecordingSocket:
    """A socket that keeps the first bytes it receives: the router's banner and KEXINIT,
    sent in clear before any key is agreed. paramiko takes any socket-like object."""

    LIMIT = 65536

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self.head = bytearray()

    def recv(self, size: int) -> bytes:
        data: bytes = self._sock.recv(size)
        if len(self.head) < self.LIMIT:
            self.head += data[: self.LIMIT - len(self.head)]
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def offer(self) -> Offer | None:
        """The router's offer, if its KEXINIT was received whole; else None."""
        try:
            return parse_offer(bytes(self.head))
        except ValueError:
            return None


def parse_offer(data: bytes) -> Offer:
    """The offer in the first bytes a router sent: version line(s), then its KEXINIT packet."""
    while not data.startswith(b"SSH-"):  # lines before the version (RFC 4253 4.2)
        if b"\n" not in data:
            raise ValueError("no SSH version line")
        data = data.split(b"\n", 1)[1]
    if b"\n" not in data:
        raise ValueError("no SSH version line")
    packet = data.split(b"\n", 1)[1]
    if len(packet) < 5 or len(packet) < 4 + struct.unpack(">I", packet[:4])[0]:
        raise ValueError("the KEXINIT was not received whole")
    return _parse_kexinit(packet)


def probe_offer(host: str, port: int, timeout: float) -> Offer:
    """Read a router's KEXINIT: connect, exchange version lines, read its first packet.

    Nothing is authenticated, so no login is attempted (nothing a TACACS+ server counts).
    Raises OSError or ValueError when the router does not answer as an SSH server.
    """
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(b"SSH-2.0-netaccept_probe\r\n")
        data = b""
        while len(data) < _MAX_PACKET:
            try:
                return parse_offer(data)
            except ValueError:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ValueError(
                        "the router closed the connection before its KEXINIT"
                    ) from None
                data += chunk
    raise ValueError("no KEXINIT in the router's first packets")


def _parse_kexinit(packet: bytes) -> Offer:
    length, padding = struct.unpack(">IB", packet[:5])
    payload = packet[5 : 4 + length - padding]
    if not payload or payload[0] != _KEXINIT:
        raise ValueError("the router's first packet is not a KEXINIT")
    offset = 1 + 16  # message number, cookie
    lists: list[tuple[str, ...]] = []
    for _ in range(6):  # kex, host keys, ciphers c->s, s->c, MACs c->s, s->c
        (size,) = struct.unpack(">I", payload[offset : offset + 4])
        names = payload[offset + 4 : offset + 4 + size].decode("ascii", "replace")
        lists.append(tuple(n for n in names.split(",") if n))
        offset += 4 + size
    kex = tuple(k for k in lists[0] if not k.startswith(("ext-info-", "kex-strict-")))
    return Offer(kex, lists[1], lists[2], lists[4])
