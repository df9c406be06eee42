"""A small authoritative DNS server for the simulated lab, over UDP on the loopback interface.

It answers A, AAAA and PTR questions from a fixed list of records, so the `loopback_dns`
check (PTR of each router's Loopback0 address, then the A record of the name returned) can
be exercised against a real server speaking the DNS protocol::

    server = DnsServer(zone_for({"r1": "198.51.100.1"}, "lab.example.net"))
    port = await server.start()          # 127.0.0.1, a free port
    ...
    server.close()

Behaviour, per question:

* a record of that name and type: NOERROR with the records in the answer, AA set;
* a name that exists (or lies above one that does) but not that type: NOERROR, empty answer;
* any other name: NXDOMAIN (no SOA in the authority section);
* an undecodable query: FORMERR if a DNS header can be read from it, otherwise silence.

Responses go back only to the sender of the query, and the server binds loopback only, so
it never sends traffic off the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.reversename
import dns.rrset

__all__ = ["RECORD_TYPES", "DnsRecord", "DnsServer", "RecordType", "zone_for"]

RecordType = Literal["A", "AAAA", "PTR"]
RECORD_TYPES: tuple[RecordType, ...] = ("A", "AAAA", "PTR")

_log = logging.getLogger(__name__)

_HEADER = struct.Struct("!HHHHHH")
_QR = 0x8000
_OPCODE_MASK = 0x7800
_UDP_MIN_PAYLOAD = 512
_MAX_TTL = 2**31 - 1


def _absolute_name(text: str, what: str) -> str:
    """`text` as an absolute, lower-case domain name ("r1.lab.net" -> "r1.lab.net.")."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{what} must be a non-empty domain name, not {text!r}")
    try:
        name = dns.name.from_text(text.strip())
    except dns.exception.DNSException as exc:
        raise ValueError(f"{what} {text!r} is not a valid domain name: {exc}") from None
    return name.canonicalize().to_text()


def _check_loopback(host: str) -> None:
    # Same rule as netaccept.lab.spec.check_loopback; kept here so this module stands alone.
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"host {host!r} is not an IP address; the lab DNS server binds loopback only"
        ) from None
    if not address.is_loopback:
        raise ValueError(
            f"host {host} is not a loopback address; the lab DNS server binds loopback only"
        )


@dataclass(frozen=True)
class DnsRecord:
    """One resource record: owner name, type and value (address, or target name for PTR).

    Names are normalised to absolute lower-case ("R1.Lab.Net" -> "r1.lab.net."); addresses
    to their canonical text form. Invalid input raises ValueError.
    """

    name: str
    type: RecordType
    value: str

    def __post_init__(self) -> None:
        if self.type not in RECORD_TYPES:
            raise ValueError(f"DNS record type must be one of {RECORD_TYPES}, not {self.type!r}")
        name = _absolute_name(self.name, "DNS record name")
        value: str
        try:
            if self.type == "A":
                value = str(ipaddress.IPv4Address(self.value))
            elif self.type == "AAAA":
                value = str(ipaddress.IPv6Address(self.value))
            else:
                value = _absolute_name(self.value, f"PTR target of {name}")
        except ValueError as exc:
            raise ValueError(
                f"DNS record {name} {self.type}: bad value {self.value!r}: {exc}"
            ) from None
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "value", value)

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type, "value": self.value}

    @classmethod
    def from_json(cls, data: Any) -> DnsRecord:
        """Build a record from {"name", "type", "value"} (raises ValueError if malformed)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"DNS record must be an object, not {data!r}")
        fields = {key: data.get(key) for key in ("name", "type", "value")}
        missing = [key for key, value in fields.items() if not isinstance(value, str)]
        if missing:
            raise ValueError(f"DNS record {dict(data)!r}: {', '.join(missing)} must be strings")
        return cls(
            cast(str, fields["name"]), cast(RecordType, fields["type"]), cast(str, fields["value"])
        )


def zone_for(
    loopbacks: Mapping[str, str], domain: str, wrong_ptr: Mapping[str, str] | None = None
) -> list[DnsRecord]:
    """Forward and reverse records for each device's loopback address.

    For each device -> address: an A (or AAAA) record "<device>.<domain>." -> address, and the
    PTR of the address -> "<device>.<domain>.". ``wrong_ptr`` maps a device to the name its PTR
    returns instead (the forward record is unchanged), to simulate a misconfigured zone.
    """
    domain_name = _absolute_name(domain, "domain")
    wrong = dict(wrong_ptr or {})
    unknown = sorted(set(wrong) - set(loopbacks))
    if unknown:
        raise ValueError(f"wrong_ptr names devices without a loopback: {', '.join(unknown)}")
    records: list[DnsRecord] = []
    for device, address_text in loopbacks.items():
        try:
            address = ipaddress.ip_address(address_text)
        except ValueError:
            raise ValueError(f"device {device}: {address_text!r} is not an IP address") from None
        fqdn = _absolute_name(f"{device}.{domain_name}", f"name of device {device!r}")
        forward: RecordType = "A" if address.version == 4 else "AAAA"
        records.append(DnsRecord(fqdn, forward, str(address)))
        reverse = dns.reversename.from_address(str(address)).to_text()
        records.append(DnsRecord(reverse, "PTR", wrong.get(device, fqdn)))
    return records


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, server: DnsServer) -> None:
        self._server = server
        self._transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        try:
            reply = self._server.answer(data)
        except Exception:  # never let one packet take the server down
            _log.exception("lab DNS: failed to answer a %d-byte packet", len(data))
            return
        if reply is not None and self._transport is not None:
            # Only ever back to the sender, who reached a loopback-bound socket.
            self._transport.sendto(reply, addr)

    def error_received(self, exc: Exception) -> None:
        # e.g. ICMP port unreachable from a client that already gave up: not our problem.
        _log.debug("lab DNS: %s", exc)


class DnsServer:
    """Authoritative DNS over UDP for a fixed set of A, AAAA and PTR records."""

    def __init__(self, records: Sequence[DnsRecord], ttl: int = 300) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= _MAX_TTL:
            raise ValueError(f"ttl must be an integer from 0 to {_MAX_TTL}, not {ttl!r}")
        self.records = tuple(records)
        self.ttl = ttl
        values: dict[tuple[str, RecordType], list[str]] = {}
        for record in self.records:
            if not isinstance(record, DnsRecord):
                raise TypeError(f"expected DnsRecord, got {type(record).__name__}")
            values.setdefault((record.name, record.type), []).append(record.value)
        self._rrsets: dict[tuple[dns.name.Name, dns.rdatatype.RdataType], dns.rrset.RRset] = {}
        self._existing: set[dns.name.Name] = set()
        for (name_text, rdtype), texts in values.items():
            rrset = dns.rrset.from_text_list(name_text, ttl, "IN", rdtype, texts)
            self._rrsets[(rrset.name, rrset.rdtype)] = rrset
            # The name and every name above it exist (empty non-terminals answer NODATA).
            name = rrset.name
            while True:
                self._existing.add(name)
                if name == dns.name.root:
                    break
                name = name.parent()
        self._transport: asyncio.DatagramTransport | None = None
        self._port: int | None = None

    @property
    def port(self) -> int | None:
        """The bound UDP port while started, else None."""
        return self._port if self._transport is not None else None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Bind host:port (loopback only; 0 picks a free port) and return the bound port.

        Raises ValueError for a non-loopback host or a bad port, OSError if the bind fails.
        """
        _check_loopback(host)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port {port!r} out of range")
        if self._transport is not None:
            raise RuntimeError("DNS server already started")
        loop = asyncio.get_running_loop()
        transport, _protocol = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), local_addr=(host, port)
        )
        self._transport = transport
        self._port = int(transport.get_extra_info("sockname")[1])
        return self._port

    def close(self) -> None:
        """Stop answering and release the socket (safe to call more than once)."""
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    # -- the protocol, independent of any socket ------------------------------------------------

    def answer(self, wire: bytes) -> bytes | None:
        """The response to one query in wire format, or None to stay silent."""
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return self._formerr(wire)
        if query.flags & dns.flags.QR:
            return None  # a response, not a query: answering could start a loop
        if query.opcode() != dns.opcode.QUERY:
            return self._reply(query, dns.rcode.NOTIMP)
        if len(query.question) != 1:
            return self._reply(query, dns.rcode.FORMERR)
        question = query.question[0]
        if question.rdclass not in (dns.rdataclass.IN, dns.rdataclass.ANY):
            return self._reply(query, dns.rcode.REFUSED)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        qname, qtype = question.name, question.rdtype
        if qname not in self._existing:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif qtype == dns.rdatatype.ANY:
            response.answer.extend(rrset for (n, _t), rrset in self._rrsets.items() if n == qname)
        else:
            rrset = self._rrsets.get((qname, qtype))
            if rrset is not None:
                response.answer.append(rrset)
        limit = max(_UDP_MIN_PAYLOAD, query.payload) if query.edns >= 0 else _UDP_MIN_PAYLOAD
        try:
            return response.to_wire(max_size=limit)
        except dns.exception.TooBig:
            response.answer.clear()
            response.flags |= dns.flags.TC
            return response.to_wire(max_size=limit)

    def _reply(self, query: dns.message.Message, rcode: dns.rcode.Rcode) -> bytes | None:
        try:
            response = dns.message.make_response(query)
            response.set_rcode(rcode)
            return response.to_wire(max_size=_UDP_MIN_PAYLOAD)
        except Exception:
            return None

    @staticmethod
    def _formerr(wire: bytes) -> bytes | None:
        """A bare FORMERR header echoing the query's id, if the packet has a query header."""
        if len(wire) < _HEADER.size:
            return None
        query_id, flags = struct.unpack_from("!HH", wire)
        if flags & _QR:
            return None
        with contextlib.suppress(Exception):
            response = dns.message.Message(id=query_id)
            response.flags = dns.flags.QR | (flags & _OPCODE_MASK)
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        return None
