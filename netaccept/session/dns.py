"""DNS lookups made by the harness itself, for `loopback_dns` (Schedule 2 line 10).

The harness asks the inventory's name servers (with dnspython) for the PTR of the
loopback address the router reports, then for the A record of each name returned. Every
answer is kept as evidence, as text that a recording can carry and a replay can read back:

    ;; PTR 192.0.2.1 @127.0.0.1:5353 NOERROR
    nyc-gsr-01.lab.example.net.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, Protocol

Query = Literal["PTR", "A", "AAAA"]
DNS_PORT: Final = 53


def name_server(text: str) -> tuple[str, int]:
    """The address and port of `HOST[:PORT]` (`--dns-server`); the port defaults to 53.

    An IPv6 address stands alone (`2001:db8::53`) or, before a port, in brackets
    (`[2001:db8::53]:5353`). Raises ValueError saying what is expected.
    """
    host, port = text, str(DNS_PORT)
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            host = ""
        port = rest[1:] if rest else port
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    try:
        ipaddress.ip_address(host)
        number = int(port) if port.isdigit() else 0
        if not 0 < number < 65536:
            raise ValueError(port)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a name server's address: give HOST[:PORT], an IP address and "
            f"optionally a port (default {DNS_PORT}), e.g. 192.0.2.53, 192.0.2.53:5353 or "
            "[2001:db8::53]:5353"
        ) from None
    return host, number


@dataclass(frozen=True)
class DnsAnswer:
    """One question and what the name servers said."""

    kind: Query
    name: str
    server: str
    status: str  # NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT, ...
    values: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"dns {self.kind} {self.name}"

    @property
    def decided(self) -> bool:
        """True when the servers gave an answer (even 'no such name'), not a failure."""
        return self.status in ("NOERROR", "NXDOMAIN")

    def text(self) -> str:
        return "\n".join([f";; {self.kind} {self.name} @{self.server} {self.status}", *self.values])

    @classmethod
    def from_text(cls, text: str) -> DnsAnswer:
        lines = text.splitlines()
        if not lines or not lines[0].startswith(";; "):
            raise ValueError(f"not a DNS answer: {text[:60]!r}")
        words = lines[0][3:].split()
        if len(words) != 4 or words[0] not in ("PTR", "A", "AAAA"):
            raise ValueError(f"not a DNS answer header: {lines[0]!r}")
        kind: Query = words[0]  # type: ignore[assignment]
        return cls(kind, words[1], words[2].lstrip("@"), words[3], tuple(v for v in lines[1:] if v))


class Resolver(Protocol):
    def resolve(self, kind: Query, name: str) -> DnsAnswer: ...


class LiveResolver:
    """Asks real name servers over UDP (falling back to TCP when an answer is truncated)."""

    def __init__(self, servers: Sequence[str], port: int, timeout: float) -> None:
        self.servers = list(servers)
        self.port = port
        self.timeout = timeout

    def resolve(self, kind: Query, name: str) -> DnsAnswer:
        import dns.exception
        import dns.resolver
        import dns.reversename

        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = self.servers
        resolver.port = self.port
        resolver.lifetime = self.timeout
        resolver.timeout = self.timeout
        server = ",".join(f"{s}:{self.port}" for s in self.servers)
        qname = dns.reversename.from_address(name) if kind == "PTR" else name
        try:
            answer = resolver.resolve(qname, kind, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return DnsAnswer(kind, name, server, "NXDOMAIN", ())
        except dns.resolver.LifetimeTimeout:
            return DnsAnswer(kind, name, server, "TIMEOUT", ())
        except (dns.resolver.NoNameservers, dns.exception.DNSException) as exc:
            return DnsAnswer(kind, name, server, type(exc).__name__.upper(), ())
        values = tuple(sorted(r.to_text() for r in answer.rrset)) if answer.rrset else ()
        return DnsAnswer(kind, name, server, "NOERROR", values)


class ReplayResolver:
    """Answers from a recording's `dns` section; a question it lacks cannot be decided."""

    def __init__(self, answers: Mapping[str, str], source: str) -> None:
        self.answers = answers
        self.source = source

    def resolve(self, kind: Query, name: str) -> DnsAnswer:
        key = f"dns {kind} {name}"
        if key not in self.answers:
            return DnsAnswer(kind, name, self.source, "NOT-RECORDED", ())
        return DnsAnswer.from_text(self.answers[key])


@dataclass(frozen=True)
class LoopbackDns:
    """The forward and reverse lookups of a router's loopback address."""

    address: str
    ptr: DnsAnswer
    forward: tuple[DnsAnswer, ...]


def lookup_loopback(resolver: Resolver, address: str, expected_name: str | None) -> LoopbackDns:
    """PTR of `address`, then A (or AAAA) of every name it returns, else of the expected name."""
    ptr = resolver.resolve("PTR", address)
    kind: Query = "AAAA" if ipaddress.ip_address(address).version == 6 else "A"
    names = [v.rstrip(".") for v in ptr.values] or ([expected_name] if expected_name else [])
    forward = tuple(resolver.resolve(kind, name) for name in dict.fromkeys(names))
    return LoopbackDns(address, ptr, forward)
