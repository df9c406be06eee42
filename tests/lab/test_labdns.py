"""The lab's DNS server: real UDP queries on 127.0.0.1 with dnspython, in and out of the lab."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.resolver
import dns.reversename
import pytest
from netmiko import ConnectHandler

from netaccept.lab.dns import DnsRecord, DnsServer, zone_for
from netaccept.lab.process import LabProcess
from netaccept.lab.server import main
from netaccept.lab.spec import (
    DNS_READY_KEY,
    ENV_PASSWORD,
    ENV_SECRET,
    ENV_USERNAME,
    LabCredentials,
    LabDnsSpec,
    LabRouterSpec,
    load_spec,
)

HOST = "127.0.0.1"
DOMAIN = "lab.example.net"
LOOPBACKS = {
    "nyc-gsr-01": "198.51.100.1",
    "lon-asr9k-01": "198.51.100.2",
    "fra-gsr-02": "198.51.100.3",
    "ams-v6-01": "2001:db8:100::1",
}
WRONG = {"fra-gsr-02": "fra-gsr-99.lab.example.net"}
CREDS = LabCredentials(username="acceptance", password="Pw-dns-4c1e", secret="En-dns-9d07")


def fqdn(device: str) -> str:
    return f"{device}.{DOMAIN}."


class ThreadedServer:
    """A DnsServer running in its own event loop thread, so tests can query it blockingly."""

    def __init__(self, server: DnsServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = asyncio.run_coroutine_threadsafe(server.start(HOST), self.loop).result(5)

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await asyncio.sleep(0)  # let the transport release its socket

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    running = ThreadedServer(DnsServer(zone_for(LOOPBACKS, DOMAIN, wrong_ptr=WRONG), ttl=60))
    try:
        yield running
    finally:
        running.stop()


def resolver_for(port: int) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [HOST]
    resolver.port = port
    resolver.timeout = 2.0
    resolver.lifetime = 2.0
    return resolver


def ask(port: int, name: str, rdtype: str = "A") -> dns.message.Message:
    query = dns.message.make_query(name, rdtype)
    return dns.query.udp(query, HOST, port=port, timeout=2.0)


# --- records ---------------------------------------------------------------------------------


def test_zone_for_builds_forward_and_reverse_records() -> None:
    records = zone_for({"R1": "198.51.100.1", "r2": "2001:db8::2"}, "Lab.Example.NET.", {"r2": "x"})
    assert records == [
        DnsRecord("r1.lab.example.net.", "A", "198.51.100.1"),
        DnsRecord("1.100.51.198.in-addr.arpa.", "PTR", "r1.lab.example.net."),
        DnsRecord("r2.lab.example.net.", "AAAA", "2001:db8::2"),
        DnsRecord(dns.reversename.from_address("2001:db8::2").to_text(), "PTR", "x."),
    ]
    with pytest.raises(ValueError, match="nope"):
        zone_for({"r1": "198.51.100.1"}, DOMAIN, {"nope": "x.example.net"})
    with pytest.raises(ValueError, match="not an IP address"):
        zone_for({"r1": "198.51.100.300"}, DOMAIN)


def test_record_normalisation_and_validation() -> None:
    record = DnsRecord("R1.Lab.Example.NET", "PTR", "Target.Example.NET")
    assert (record.name, record.value) == ("r1.lab.example.net.", "target.example.net.")
    assert DnsRecord("x", "AAAA", "2001:DB8:0::1").value == "2001:db8::1"
    assert DnsRecord.from_json(record.to_json()) == record
    with pytest.raises(ValueError, match="type"):
        DnsRecord("x", "MX", "mail.example.net")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bad value"):
        DnsRecord("x", "A", "2001:db8::1")
    with pytest.raises(ValueError, match="domain name"):
        DnsRecord("a..b", "A", "192.0.2.1")
    with pytest.raises(ValueError, match="must be strings"):
        DnsRecord.from_json({"name": "x", "type": "A"})
    with pytest.raises(ValueError, match="ttl"):
        DnsServer([], ttl=-1)


# --- the server over real UDP ----------------------------------------------------------------


def test_forward_and_reverse_answers(server: ThreadedServer) -> None:
    resolver = resolver_for(server.port)
    for device, address in LOOPBACKS.items():
        rdtype = "AAAA" if ":" in address else "A"
        forward = resolver.resolve(fqdn(device), rdtype)
        assert [rdata.to_text() for rdata in forward] == [address]
        assert forward.rrset is not None and forward.rrset.ttl == 60
        reverse = resolver.resolve_address(address)
        expected = WRONG.get(device, fqdn(device).rstrip("."))
        assert [rdata.to_text() for rdata in reverse] == [expected + "."]


def test_wrong_ptr_round_trip_fails_as_the_check_would_see_it(server: ThreadedServer) -> None:
    resolver = resolver_for(server.port)
    ptr = resolver.resolve_address(LOOPBACKS["fra-gsr-02"])
    assert ptr[0].to_text() == "fra-gsr-99.lab.example.net."
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve(ptr[0].to_text(), "A")


def test_authoritative_flags_and_case_insensitive_names(server: ThreadedServer) -> None:
    response = ask(server.port, "NYC-GSR-01.Lab.Example.Net.")
    assert response.rcode() == dns.rcode.NOERROR
    assert response.flags & dns.flags.AA
    assert not response.flags & dns.flags.RA
    assert [rr.to_text() for rrset in response.answer for rr in rrset] == ["198.51.100.1"]


def test_nxdomain_for_unknown_names_and_addresses(server: ThreadedServer) -> None:
    resolver = resolver_for(server.port)
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve(f"nobody.{DOMAIN}.", "A")
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve_address("198.51.100.77")
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve_address("2001:db8:100::99")
    response = ask(server.port, "www.example.org.")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.flags & dns.flags.AA
    assert response.answer == []


def test_nodata_when_name_exists_without_that_type(server: ThreadedServer) -> None:
    resolver = resolver_for(server.port)
    with pytest.raises(dns.resolver.NoAnswer):
        resolver.resolve(fqdn("nyc-gsr-01"), "AAAA")
    with pytest.raises(dns.resolver.NoAnswer):
        resolver.resolve(fqdn("nyc-gsr-01"), "MX")
    # The domain itself has no records, but names below it do: NODATA, not NXDOMAIN.
    response = ask(server.port, f"{DOMAIN}.")
    assert (response.rcode(), response.answer) == (dns.rcode.NOERROR, [])


def test_garbage_does_not_kill_the_server(server: ThreadedServer) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2.0)
        sock.connect((HOST, server.port))
        # A header claiming five questions and carrying none: FORMERR, same id.
        sock.send(struct.pack("!HHHHHH", 0x1234, 0x0100, 5, 0, 0, 0))
        reply = dns.message.from_wire(sock.recv(512))
        assert (reply.id, reply.rcode()) == (0x1234, dns.rcode.FORMERR)
        assert reply.flags & dns.flags.QR
        # Too short for a header, and a "response" of junk: silently dropped.
        sock.send(b"\x00")
        sock.send(struct.pack("!HH", 0x4321, 0x8000) + b"\xff" * 30)
        sock.send(b"\xff" * 600)
    response = ask(server.port, fqdn("lon-asr9k-01"))
    assert [rr.to_text() for rrset in response.answer for rr in rrset] == ["198.51.100.2"]


def test_unsupported_queries_get_an_error_reply(server: ThreadedServer) -> None:
    status = dns.message.make_query(fqdn("nyc-gsr-01"), "A")
    status.set_opcode(dns.opcode.STATUS)
    assert dns.query.udp(status, HOST, port=server.port, timeout=2).rcode() == dns.rcode.NOTIMP
    chaos = dns.message.make_query("version.bind.", "TXT", "CH")
    assert dns.query.udp(chaos, HOST, port=server.port, timeout=2).rcode() == dns.rcode.REFUSED
    two = dns.message.make_query(fqdn("nyc-gsr-01"), "A")
    two.question.append(dns.message.make_query(fqdn("fra-gsr-02"), "A").question[0])
    assert dns.query.udp(two, HOST, port=server.port, timeout=2).rcode() == dns.rcode.FORMERR


def test_refuses_non_loopback_hosts() -> None:
    async def attempt(host: str) -> None:
        server = DnsServer([])
        try:
            await server.start(host)
        finally:
            server.close()

    for host in ("192.0.2.53", "0.0.0.0", "::", "localhost"):
        with pytest.raises(ValueError, match="loopback"):
            asyncio.run(attempt(host))


def test_router_names_cannot_clash_with_the_dns_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid router name"):
        LabRouterSpec(DNS_READY_KEY, "cisco_ios", tmp_path / "x.json")


# --- inside the lab process ------------------------------------------------------------------


def write_recording(directory: Path, name: str, loopback: str) -> Path:
    outputs = {
        "show version": f"Cisco IOS XE Software, Version 17.09.04a\n{name} uptime is 5 weeks",
        "show ip interface brief": "\n".join(
            [
                "Interface              IP-Address      OK? Method Status                Protocol",
                f"Loopback0              {loopback:<15} YES NVRAM  up                    up",
            ]
        ),
    }
    path = directory / f"{name}.json"
    recording = {"device": name, "platform": "cisco_ios", "outputs": outputs}
    path.write_text(json.dumps(recording), encoding="utf-8")
    return path


def test_lab_process_serves_dns_beside_the_routers(tmp_path: Path) -> None:
    loopbacks = {"nyc-gsr-01": "198.51.100.1", "fra-gsr-02": "198.51.100.3"}
    specs = [
        LabRouterSpec(name, "cisco_ios", write_recording(tmp_path, name, address))
        for name, address in loopbacks.items()
    ]
    records = zone_for(loopbacks, DOMAIN, wrong_ptr=WRONG)
    with LabProcess(specs, CREDS, dns_records=records) as lab:
        assert set(lab.ports) == set(loopbacks)  # "_dns" is not a router
        assert lab.dns_port is not None and lab.dns_port not in lab.ports.values()
        resolver = resolver_for(lab.dns_port)
        assert resolver.resolve_address("198.51.100.1")[0].to_text() == fqdn("nyc-gsr-01")
        assert resolver.resolve_address("198.51.100.3")[0].to_text() == WRONG["fra-gsr-02"] + "."
        assert resolver.resolve(fqdn("fra-gsr-02"), "A")[0].to_text() == "198.51.100.3"
        with pytest.raises(dns.resolver.NXDOMAIN):
            resolver.resolve_address("198.51.100.200")
        conn = ConnectHandler(
            device_type="cisco_ios",
            host=HOST,
            port=lab.ports["nyc-gsr-01"],
            username=CREDS.username,
            password=CREDS.password,
            secret=CREDS.secret,
        )
        try:
            conn.enable()
            assert "198.51.100.1" in conn.send_command("show ip interface brief")
        finally:
            conn.disconnect()
    assert lab.returncode == 0


def test_lab_process_without_dns_has_no_dns_port(tmp_path: Path) -> None:
    recording = write_recording(tmp_path, "nyc-gsr-01", "198.51.100.1")
    lab = LabProcess([LabRouterSpec("nyc-gsr-01", "cisco_ios", recording)], CREDS)
    with lab:
        assert lab.dns_port is None
        assert list(lab.ports) == ["nyc-gsr-01"]


def test_spec_dns_section(tmp_path: Path) -> None:
    recording = write_recording(tmp_path, "nyc-gsr-01", "198.51.100.1")
    router = {"name": "nyc-gsr-01", "platform": "cisco_ios", "recording": str(recording)}
    spec_path = tmp_path / "spec.json"

    def load(dns_section: object) -> LabDnsSpec | None:
        spec_path.write_text(json.dumps({"routers": [router], "dns": dns_section}))
        return load_spec(spec_path).dns

    record = {"name": "nyc-gsr-01.lab.example.net", "type": "A", "value": "198.51.100.1"}
    parsed = load({"domain": DOMAIN, "port": 0, "records": [record]})
    assert parsed is not None
    assert parsed.records == (DnsRecord(record["name"], "A", record["value"]),)
    assert (parsed.port, parsed.domain) == (0, DOMAIN)
    assert load(None) is None
    for bad, message in (
        ([], "'dns' must be an object"),
        ({"port": "53"}, "dns.port"),
        ({"port": 70000}, "out of range"),
        ({"records": [{"name": "x", "type": "TXT", "value": "v"}]}, "type"),
    ):
        with pytest.raises(ValueError, match=message):
            load(bad)


def test_lab_refuses_a_dns_port_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable, value in (
        (ENV_USERNAME, CREDS.username),
        (ENV_PASSWORD, CREDS.password),
        (ENV_SECRET, CREDS.secret),
    ):
        monkeypatch.setenv(variable, value)
    recording = write_recording(tmp_path, "nyc-gsr-01", "198.51.100.1")
    ready = tmp_path / "ready.json"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind((HOST, 0))
        port = blocker.getsockname()[1]
        spec = {
            "routers": [
                {"name": "nyc-gsr-01", "platform": "cisco_ios", "recording": str(recording)}
            ],
            "dns": {"port": port, "records": []},
        }
        spec_path = tmp_path / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        assert main(["--spec", str(spec_path), "--ready-file", str(ready)]) == 3
    assert f"{HOST}:{port}/udp" in capsys.readouterr().err
    assert not ready.exists()
