"""The running-configuration parser on hand-written IOS 12.0S and IOS-XR 3.9 configs and on
the real `show running-config` outputs of the shared corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netaccept.platforms.config import Config, Line, parse_config

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ntc-templates"

IOS_12_0S = """\
Building configuration...

Current configuration : 2841 bytes
!
! Last configuration change at 10:00:05 UTC Sun Nov 22 2020 by netops
! NVRAM config last updated at 10:00:07 UTC Sun Nov 22 2020 by netops
!
version 12.0
service timestamps debug datetime msec
service password-encryption
!
hostname pe1-lon
!
boot system flash gsr-p-mz.120-33.S11.bin
enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
!
clock timezone UTC 0
ip subnet-zero
no ip domain-lookup
!
interface Loopback0
 ip address 192.0.2.11 255.255.255.255
 ip router isis CORE
!
interface POS0/0
 description core link to p1-lon POS1/0
 ip address 198.51.100.1 255.255.255.252
 ip router isis CORE
 encapsulation ppp
 crc 32
 clock source internal
 isis metric 10 level-2
 isis circuit-type level-2-only
!
interface GigabitEthernet1/0
 description customer A
 ip address 203.0.113.1 255.255.255.252
 no ip directed-broadcast
 negotiation auto
!
router isis CORE
 net 49.0001.1920.0000.2011.00
 is-type level-2-only
 metric-style wide
 log-adjacency-changes
 passive-interface Loopback0
!
router bgp 64500
 no synchronization
 bgp router-id 192.0.2.11
 bgp log-neighbor-changes
 neighbor 192.0.2.1 remote-as 64500
 neighbor 192.0.2.1 update-source Loopback0
 neighbor 203.0.113.2 remote-as 64511
 no auto-summary
 !
 address-family ipv4 vrf CUSTOMER-A
 neighbor 203.0.113.6 remote-as 64512
 neighbor 203.0.113.6 activate
 no auto-summary
 no synchronization
 exit-address-family
 !
 address-family vpnv4
 neighbor 192.0.2.1 activate
 neighbor 192.0.2.1 send-community extended
 exit-address-family
!
ip classless
ip route 0.0.0.0 0.0.0.0 Null0 250
!
access-list 20 permit 192.0.2.0 0.0.0.255
!
banner motd ^C
*** Authorised access only ***
hostname evil
!
interface Loopback666
^C
!
line con 0
 exec-timeout 5 0
line vty 0 4
 access-class 20 in
 exec-timeout 5 0
 transport input ssh
!
end
"""

IOS_XR_3_9 = """\
Sun Nov 22 10:00:05.486 UTC
Building configuration...
!! IOS XR Configuration 3.9.1
!! Last configuration change at Sun Nov 22 09:58:11 2020 by netops
!
hostname p1-lon
banner motd ;
Authorised access only
router bgp 666
;
line default
 access-class ingress MGMT-IN
 exec-timeout 5 0
!
ipv4 access-list MGMT-IN
 10 permit ipv4 192.0.2.0 0.0.0.255 any
 20 deny ipv4 any any log
!
interface Loopback0
 ipv4 address 192.0.2.1 255.255.255.255
!
interface POS0/1/0/0
 description core link to pe1-lon POS0/0
 ipv4 address 198.51.100.2 255.255.255.252
 encapsulation ppp
!
router isis CORE
 is-type level-2-only
 net 49.0001.1920.0000.2001.00
 address-family ipv4 unicast
  metric-style wide
 !
 interface Loopback0
  passive
  address-family ipv4 unicast
  !
 !
 interface POS0/1/0/0
  point-to-point
  address-family ipv4 unicast
   metric 10
  !
 !
!
router bgp 64500
 bgp router-id 192.0.2.1
 address-family ipv4 unicast
 !
 neighbor 192.0.2.11
  remote-as 64500
  update-source Loopback0
  address-family ipv4 unicast
   route-reflector-client
  !
 !
 neighbor 192.0.2.1
  remote-as 64500
  address-family ipv4 unicast
  !
 !
!
ipsla
 operation 10
  type icmp echo
   destination address 192.0.2.11
   frequency 60
  !
 !
 schedule operation 10
  start-time now
  life forever
 !
!
end
"""


@pytest.fixture(scope="module")
def ios() -> Config:
    return parse_config(IOS_12_0S)


@pytest.fixture(scope="module")
def xr() -> Config:
    return parse_config(IOS_XR_3_9)


def _texts(lines: list[Line] | tuple[Line, ...]) -> list[str]:
    return [line.text for line in lines]


# ---------------------------------------------------------------- IOS 12.0S


def test_ios_top_level_lines_skip_headers_comments_and_end(ios: Config) -> None:
    texts = _texts(ios.lines)
    assert texts[:4] == [
        "version 12.0",
        "service timestamps debug datetime msec",
        "service password-encryption",
        "hostname pe1-lon",
    ]
    assert texts[-2:] == ["line con 0", "line vty 0 4"]
    assert not [t for t in texts if t.startswith(("!", "Building", "Current", "end"))]


def test_ios_isis_section(ios: Config) -> None:
    isis = ios.first(r"router isis CORE$")
    assert isis is not None
    assert isis.first(r"net ") is not None
    net = isis.first(r"net (\S+)")
    assert net is not None
    match = net.match(r"net (\S+)")
    assert match is not None and match[1] == "49.0001.1920.0000.2011.00"
    assert _texts(isis.find(r"(is-type|metric-style) ")) == [
        "is-type level-2-only",
        "metric-style wide",
    ]


def test_ios_interfaces_in_isis(ios: Config) -> None:
    in_isis = [i.text for i in ios.find(r"interface ") if i.first(r"ip router isis CORE$")]
    assert in_isis == ["interface Loopback0", "interface POS0/0"]
    pos = ios.first(r"interface POS0/0$")
    assert pos is not None and pos.number == 25
    assert pos.first(r"isis metric 10 level-2$") is not None


def test_ios_bgp_exit_address_family_closes_the_section(ios: Config) -> None:
    bgp = ios.first(r"router bgp 64500$")
    assert bgp is not None
    assert _texts(bgp.find(r"address-family ")) == [
        "address-family ipv4 vrf CUSTOMER-A",
        "address-family vpnv4",
    ]
    vrf = bgp.first(r"address-family ipv4 vrf")
    assert vrf is not None
    assert _texts(vrf.children) == [
        "neighbor 203.0.113.6 remote-as 64512",
        "neighbor 203.0.113.6 activate",
        "no auto-summary",
        "no synchronization",
    ]
    assert not ios.find_all(r"exit")
    peers = [re.findall(r"neighbor (\S+)", n.text)[0] for n in bgp.find(r"neighbor \S+ remote-as")]
    assert peers == ["192.0.2.1", "203.0.113.2"]


def test_ios_banner_is_one_line_and_its_content_is_not_config(ios: Config) -> None:
    banners = ios.find(r"banner ")
    assert len(banners) == 1
    banner = banners[0]
    assert banner.children == ()
    assert banner.text.splitlines() == [
        "banner motd ^C",
        "*** Authorised access only ***",
        "hostname evil",
        "!",
        "interface Loopback666",
        "^C",
    ]
    assert _texts(ios.find(r"hostname ")) == ["hostname pe1-lon"]
    assert ios.find_all(r"(?s).*(evil|Loopback666)") == [banner]
    # Parsing resumes after the banner.
    assert ios.first(r"line con 0$") is not None


def test_ios_section_text(ios: Config) -> None:
    isis = ios.first(r"router isis")
    assert isis is not None
    assert ios.section_text(isis) == (
        "router isis CORE\n"
        " net 49.0001.1920.0000.2011.00\n"
        " is-type level-2-only\n"
        " metric-style wide\n"
        " log-adjacency-changes\n"
        " passive-interface Loopback0"
    )


# ---------------------------------------------------------------- IOS-XR 3.9


def test_xr_top_level(xr: Config) -> None:
    assert _texts(xr.lines) == [
        "hostname p1-lon",
        "banner motd ;\nAuthorised access only\nrouter bgp 666\n;",
        "line default",
        "ipv4 access-list MGMT-IN",
        "interface Loopback0",
        "interface POS0/1/0/0",
        "router isis CORE",
        "router bgp 64500",
        "ipsla",
    ]
    assert len(xr.find(r"router bgp")) == 1


def test_xr_isis_interfaces_and_address_families(xr: Config) -> None:
    isis = xr.first(r"router isis CORE$")
    assert isis is not None
    assert isis.first(r"net 49\.0001\.1920\.0000\.2001\.00$") is not None
    interfaces = isis.find(r"interface ")
    assert _texts(interfaces) == ["interface Loopback0", "interface POS0/1/0/0"]
    pos_af = interfaces[1].first(r"address-family ipv4 unicast$")
    assert pos_af is not None and _texts(pos_af.children) == ["metric 10"]
    assert interfaces[0].first(r"passive$") is not None
    top_af = isis.first(r"address-family ipv4 unicast$")
    assert top_af is not None and _texts(top_af.children) == ["metric-style wide"]


def test_xr_bgp_neighbours(xr: Config) -> None:
    bgp = xr.first(r"router bgp 64500$")
    assert bgp is not None
    neighbours = bgp.find(r"neighbor ")
    assert _texts(neighbours) == ["neighbor 192.0.2.11", "neighbor 192.0.2.1"]
    peer = neighbours[1]
    assert peer.first(r"remote-as 64500$") is not None
    assert peer.first(r"address-family ipv4 unicast$") is not None
    rr = neighbours[0].first(r"address-family ipv4 unicast$")
    assert rr is not None and _texts(rr.children) == ["route-reflector-client"]


def test_xr_ipsla_line_and_access_list(xr: Config) -> None:
    ipsla = xr.first(r"ipsla$")
    assert ipsla is not None
    operation = ipsla.first(r"operation 10$")
    assert operation is not None
    echo = operation.first(r"type icmp echo$")
    assert echo is not None
    destination = echo.first(r"destination address (\S+)$")
    assert destination is not None and destination.number == 65
    assert _texts(list(ipsla.walk()))[:4] == [
        "operation 10",
        "type icmp echo",
        "destination address 192.0.2.11",
        "frequency 60",
    ]
    line = xr.first(r"line default$")
    assert line is not None and line.first(r"access-class ingress MGMT-IN$") is not None
    acl = xr.first(r"ipv4 access-list MGMT-IN$")
    assert acl is not None
    assert _texts(acl.children) == [
        "10 permit ipv4 192.0.2.0 0.0.0.255 any",
        "20 deny ipv4 any any log",
    ]


def test_xr_find_all_reaches_any_depth(xr: Config) -> None:
    assert len(xr.find_all(r"address-family ipv4 unicast$")) == 6
    assert _texts(xr.find_all(r"remote-as")) == ["remote-as 64500", "remote-as 64500"]


def test_xr_section_text_reindents(xr: Config) -> None:
    bgp = xr.first(r"router bgp 64500")
    assert bgp is not None
    neighbour = bgp.first(r"neighbor 192.0.2.11")
    assert neighbour is not None
    assert xr.section_text(neighbour) == (
        "neighbor 192.0.2.11\n"
        " remote-as 64500\n"
        " update-source Loopback0\n"
        " address-family ipv4 unicast\n"
        "  route-reflector-client"
    )


# ---------------------------------------------------------------- rules in isolation


def test_nesting_follows_any_consistent_indent() -> None:
    config = parse_config("a\n    b\n        c\n    d\ne\n")
    assert _texts(config.lines) == ["a", "e"]
    a = config.lines[0]
    assert _texts(a.children) == ["b", "d"]
    assert _texts(a.children[0].children) == ["c"]


def test_a_shallower_line_closes_several_sections() -> None:
    config = parse_config("a\n b\n  c\n   d\n e\n")
    assert _texts(config.lines[0].children) == ["b", "e"]
    assert [line.text for line in config.walk()] == ["a", "b", "c", "d", "e"]


def test_skipped_lines_and_numbers() -> None:
    text = "!\r\nhostname r1   \r\n !\r\n\r\nend\r\n"
    config = parse_config(text)
    assert config.lines == (Line("hostname r1", 2),)


def test_exit_closes_the_section_at_its_indent() -> None:
    config = parse_config("router bgp 1\n address-family ipv4\n  x\n exit-address-family\n  y\n")
    bgp = config.lines[0]
    assert _texts(bgp.children) == ["address-family ipv4", "y"]


def test_ios_15_indented_address_family_with_exit() -> None:
    config = parse_config(
        "router bgp 1\n"
        " neighbor 192.0.2.1 remote-as 1\n"
        " !\n"
        " address-family ipv4\n"
        "  neighbor 192.0.2.1 activate\n"
        " exit-address-family\n"
        " !\n"
        " template peer-session IBGP\n"
        " remote-as 1\n"
        " exit-peer-session\n"
        " bgp log-neighbor-changes\n"
    )
    bgp = config.lines[0]
    assert _texts(bgp.children) == [
        "neighbor 192.0.2.1 remote-as 1",
        "address-family ipv4",
        "template peer-session IBGP",
        "bgp log-neighbor-changes",
    ]
    assert _texts(bgp.children[1].children) == ["neighbor 192.0.2.1 activate"]
    assert _texts(bgp.children[2].children) == ["remote-as 1"]


def test_flat_address_family_without_its_closer_stays_flat() -> None:
    config = parse_config("router bgp 1\n address-family vpnv4\n neighbor x activate\n")
    assert _texts(config.lines[0].children) == ["address-family vpnv4", "neighbor x activate"]


def test_single_line_banner_and_unclosed_banner() -> None:
    config = parse_config("banner exec #Hello#\nhostname r1\n")
    assert _texts(config.lines) == ["banner exec #Hello#", "hostname r1"]
    cut_short = parse_config("banner login ^C\nhostname evil\n")
    assert _texts(cut_short.lines) == ["banner login ^C\nhostname evil\n"]


def test_xr_end_policy_is_not_skipped() -> None:
    config = parse_config("route-policy PASS\n  pass\nend-policy\n!\nend\n")
    assert _texts(config.lines) == ["route-policy PASS", "end-policy"]


def test_empty_text() -> None:
    assert parse_config("") == Config(())
    assert list(parse_config("\n!\nend\n").walk()) == []


# ---------------------------------------------------------------- the shared corpus

_CORPUS_FILES = sorted(
    [
        *CORPUS.glob("cisco_ios/show_running-config_*/*.raw"),
        *CORPUS.glob("cisco_xr/show_running-config_*/*.raw"),
    ]
)
_NOT_CONFIG = re.compile(
    r"^(!.*|end|Building configuration\.\.\.|Current configuration : \d+ bytes"
    r"|Configuration of Partition - .*|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ [\d:.]+ \w+)?$"
)


def test_the_corpus_is_there() -> None:
    assert len(_CORPUS_FILES) >= 8, f"no running-config outputs under {CORPUS}"


@pytest.mark.parametrize("path", _CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_every_meaningful_line_is_accounted_for(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "banner" not in text  # the count below does not model banners
    meaningful = [
        (number, raw.strip())
        for number, raw in enumerate(text.split("\n"), start=1)
        if not _NOT_CONFIG.match(raw.strip())
    ]
    config = parse_config(text)
    assert [(line.number, line.text) for line in config.walk()] == meaningful
    assert config.lines, path.name
    # Sections: every indented line has a parent, and children are deeper than parents.
    indent_of = {n: len(r) - len(r.lstrip()) for n, r in enumerate(text.split("\n"), 1)}
    for line in config.lines:
        for child in line.walk():
            assert indent_of[child.number] > indent_of[line.number]
