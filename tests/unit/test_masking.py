"""Secret masking: every known secret form on IOS and IOS-XR, no change to anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netaccept.session.masking import MASK, mask_secrets

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ntc-templates"

M = MASK

# (input line, expected line); each is also checked inside a config, after a header line.
SECRET_LINES = [
    # enable
    ("enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", f"enable secret 5 {M}"),
    ("enable secret level 15 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0", f"enable secret level 15 5 {M}"),
    (
        "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
        f"enable secret 9 {M}",
    ),
    (
        "enable secret 8 $8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs",
        f"enable secret 8 {M}",
    ),
    ("enable secret 0 Plaintext1", f"enable secret 0 {M}"),
    ("enable secret Plaintext1", f"enable secret {M}"),
    (
        "enable algorithm-type scrypt secret 9 $9$abc$def",
        f"enable algorithm-type scrypt secret 9 {M}",
    ),
    ("enable password 7 0822455D0A16", f"enable password 7 {M}"),
    ("enable password level 5 7 0822455D0A16", f"enable password level 5 7 {M}"),
    ("enable password 0 cisco", f"enable password 0 {M}"),
    ("enable password cisco", f"enable password {M}"),
    # IOS username
    (
        "username netops privilege 15 secret 5 $1$xyz$abc",
        f"username netops privilege 15 secret 5 {M}",
    ),
    ("username x password 7 0822455D0A16", f"username x password 7 {M}"),
    ("username x password cleartext", f"username x password {M}"),
    ("username x privilege 15 password 0 two words", f"username x privilege 15 password 0 {M}"),
    ("username secret password 0 s3cr3t", f"username secret password 0 {M}"),
    (
        "username admin privilege 15 algorithm-type scrypt secret 9 $9$aaa$bbb",
        f"username admin privilege 15 algorithm-type scrypt secret 9 {M}",
    ),
    # IOS-XR username children, IOS line passwords
    (" secret 5 $1$xyz$abc", f" secret 5 {M}"),
    (" secret 10 $6$salt$hash", f" secret 10 {M}"),
    (" password 7 0822455D0A16", f" password 7 {M}"),
    (" password linepass", f" password {M}"),
    # TACACS+ and RADIUS
    ("tacacs-server key 7 0822455D0A16", f"tacacs-server key 7 {M}"),
    ("tacacs-server key 0 tackey", f"tacacs-server key 0 {M}"),
    ("tacacs-server key tackey", f"tacacs-server key {M}"),
    (
        "tacacs-server host 192.0.2.50 key 7 0822455D0A16",
        f"tacacs-server host 192.0.2.50 key 7 {M}",
    ),
    (
        "tacacs-server host 192.0.2.50 port 49 single-connection key tac key",
        f"tacacs-server host 192.0.2.50 port 49 single-connection key {M}",
    ),
    ("radius-server key 7 0822455D0A16", f"radius-server key 7 {M}"),
    (
        "radius-server host 192.0.2.51 auth-port 1645 acct-port 1646 key 7 0822455D0A16",
        f"radius-server host 192.0.2.51 auth-port 1645 acct-port 1646 key 7 {M}",
    ),
    (" server-private 192.0.2.52 key 7 0822455D0A16", f" server-private 192.0.2.52 key 7 {M}"),
    (" client 192.0.2.53 server-key 7 0822455D0A16", f" client 192.0.2.53 server-key 7 {M}"),
    # SNMP
    ("snmp-server community public RO 20", f"snmp-server community {M} RO 20"),
    ("snmp-server community private RW", f"snmp-server community {M} RW"),
    ("snmp-server community n3tw0rk view ALL RO", f"snmp-server community {M} view ALL RO"),
    ("snmp-server community public RO SystemOwner", f"snmp-server community {M} RO SystemOwner"),
    ("snmp-server community encrypted 0822455D RO", f"snmp-server community encrypted {M} RO"),
    (
        "snmp-server host 192.0.2.10 version 2c trapcomm",
        f"snmp-server host 192.0.2.10 version 2c {M}",
    ),
    ("snmp-server host 192.0.2.10 trapcomm", f"snmp-server host 192.0.2.10 {M}"),
    (
        "snmp-server host 192.0.2.10 informs version 2c trapcomm bgp config",
        f"snmp-server host 192.0.2.10 informs version 2c {M} bgp config",
    ),
    (
        "snmp-server host 192.0.2.10 vrf MGMT version 2c trapcomm",
        f"snmp-server host 192.0.2.10 vrf MGMT version 2c {M}",
    ),
    (
        "snmp-server host 192.0.2.10 traps version 2c trapcomm udp-port 162",
        f"snmp-server host 192.0.2.10 traps version 2c {M} udp-port 162",
    ),
    (
        "snmp-server host 192.0.2.10 traps encrypted 0822455D",
        f"snmp-server host 192.0.2.10 traps encrypted {M}",
    ),
    (
        "snmp-server user netops NETOPS v3 auth md5 AuthPass1 priv des PrivPass1",
        f"snmp-server user netops NETOPS v3 auth md5 {M} priv des {M}",
    ),
    (
        "snmp-server user netops NETOPS v3 auth sha AuthPass1 priv aes 128 PrivPass1 access 20",
        f"snmp-server user netops NETOPS v3 auth sha {M} priv aes 128 {M} access 20",
    ),
    (
        "snmp-server user netops NETOPS v3 auth md5 encrypted 0822455D priv des56 encrypted "
        "1511021F SystemOwner",
        f"snmp-server user netops NETOPS v3 auth md5 encrypted {M} priv des56 encrypted {M} "
        "SystemOwner",
    ),
    ("Community name: public", f"Community name: {M}"),
    ("Community SecurityName: public", f"Community SecurityName: {M}"),
    # key chains
    ("  key-string 7 0822455D0A16", f"  key-string 7 {M}"),
    ("  key-string chainpass", f"  key-string {M}"),
    ("  key-string password 08701E1D5D4C5340", f"  key-string password {M}"),
    ("  key-string clear chainpass", f"  key-string clear {M}"),
    ('    key 1 -- text "chainpass"', f'    key 1 -- text "{M}"'),
    # NTP, BGP, IS-IS, OSPF, PPP, IKE, HSRP, wireless
    ("ntp authentication-key 1 md5 104D000A0618 7", f"ntp authentication-key 1 md5 {M} 7"),
    ("ntp authentication-key 2 md5 ntpkey", f"ntp authentication-key 2 md5 {M}"),
    (" authentication-key 1 md5 encrypted 104D000A", f" authentication-key 1 md5 encrypted {M}"),
    (" neighbor 192.0.2.1 password 7 0822455D0A16", f" neighbor 192.0.2.1 password 7 {M}"),
    (" neighbor IBGP password bgp pass", f" neighbor IBGP password {M}"),
    ("  password encrypted 0822455D0A16", f"  password encrypted {M}"),
    (
        "mpls ldp neighbor 192.0.2.1 password 7 0822455D",
        f"mpls ldp neighbor 192.0.2.1 password 7 {M}",
    ),
    (" isis password isispass level-2", f" isis password {M} level-2"),
    (" area-password areapass", f" area-password {M}"),
    (
        " domain-password dompass authenticate snp validate",
        f" domain-password {M} authenticate snp validate",
    ),
    (
        " lsp-password hmac-md5 encrypted 0822455D level 2",
        f" lsp-password hmac-md5 encrypted {M} level 2",
    ),
    ("  hello-password text clear hellopass", f"  hello-password text clear {M}"),
    (" authentication-key 7 0822455D0A16", f" authentication-key 7 {M}"),
    (" ip ospf authentication-key ospfpass", f" ip ospf authentication-key {M}"),
    (" authentication-key encrypted 0822455D", f" authentication-key encrypted {M}"),
    (" ip ospf message-digest-key 1 md5 7 0822455D", f" ip ospf message-digest-key 1 md5 7 {M}"),
    ("  message-digest-key 1 md5 encrypted 0822455D", f"  message-digest-key 1 md5 encrypted {M}"),
    ("  md5 7 0822455D", f"  md5 7 {M}"),
    ("  md5 md5pass", f"  md5 {M}"),
    (" ppp chap password 7 0822455D0A16", f" ppp chap password 7 {M}"),
    (" ppp chap password chappass", f" ppp chap password {M}"),
    (" ppp pap sent-username r1 password 0 pappass", f" ppp pap sent-username r1 password 0 {M}"),
    (
        "crypto isakmp key ikepass address 192.0.2.9",
        f"crypto isakmp key {M} address 192.0.2.9",
    ),
    (
        "crypto isakmp key 0 ikepass address 0.0.0.0 0.0.0.0",
        f"crypto isakmp key 0 {M} address 0.0.0.0 0.0.0.0",
    ),
    (" pre-shared-key address 192.0.2.9 key ikepass", f" pre-shared-key address 192.0.2.9 key {M}"),
    ("  pre-shared-key local ikepass", f"  pre-shared-key local {M}"),
    (" standby 1 authentication text hsrppass", f" standby 1 authentication text {M}"),
    (
        " standby 1 authentication md5 key-string 7 0822455D",
        f" standby 1 authentication md5 key-string 7 {M}",
    ),
    (" wpa-psk ascii 7 0822455D0A16", f" wpa-psk ascii 7 {M}"),
    (" wpa-psk ascii 0 wifi pass phrase", f" wpa-psk ascii 0 {M}"),
    (" ip ftp password 7 0822455D", f" ip ftp password 7 {M}"),
    # config logging echoes commands
    (
        "*Nov 22 10:00:05.123: %PARSER-5-CFGLOG_LOGGEDCMD: User:netops  logged command:"
        "username y password 0 leaked",
        "*Nov 22 10:00:05.123: %PARSER-5-CFGLOG_LOGGEDCMD: User:netops  logged command:"
        f"username y password 0 {M}",
    ),
]

# Lines that must pass unchanged: they carry no secret, often near words that do.
PLAIN_LINES = [
    "ip http authentication local",
    "aaa authentication login default group tacacs+ local",
    "aaa authentication login default group tacacs+ local",
    "aaa authorization exec default group tacacs+ local",
    "aaa new-model",
    "security passwords min-length 8",
    "service password-encryption",
    "password encryption aes",
    " no password",
    " login authentication default",
    "username y nopassword",
    "username netops",
    "username x privilege 15 autocommand show users",
    "  password inheritance-disable",
    "key chain ISIS-KEYS",
    " key 1",
    "  accept-lifetime 00:00:00 Jan 1 2020 infinite",
    " isis authentication mode md5",
    " isis authentication key-chain ISIS-KEYS",
    " lsp-password keychain ISIS-KEYS",
    " ip ospf authentication message-digest",
    " standby 1 authentication md5 key-chain HSRP-KEYS",
    "ntp authenticate",
    "ntp trusted-key 1",
    "ntp server 192.0.2.123 key 1 prefer",
    "tacacs-server timeout 5",
    "tacacs-server directed-request",
    "radius-server dead-criteria time 5 tries 3",
    "snmp-server enable traps bgp",
    "snmp-server host 192.0.2.10 version 3 priv netops",
    "snmp-server host 192.0.2.10 traps version 3 auth netops",
    "snmp-server group NETOPS v3 priv read ALL",
    "snmp-server location London",
    "snmp-server trap-source Loopback0",
    "Community Index: cisco0",
    "Authentication Protocol: SHA",
    "User name: user_snmp1",
    "  Key-chain ISIS-KEYS:",
    "crypto key generate rsa modulus 2048",
    "ip ssh version 2",
    "Tacacs+ Server -  public  :",
    "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 192.0.2.1]",
    "  Keepalive set (10 sec)",
    "  5 minute input rate 2000 bits/sec, 3 packets/sec",
    "Sending 5, 100-byte ICMP Echos to 192.0.2.1, timeout is 2 seconds:",
    "!!!!!",
    "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/2/4 ms",
    "BGP router identifier 192.0.2.11, local AS number 64500",
    "   3  -rw-    33591768  Nov 22 2020 10:00:00 +00:00  password.txt",
]


@pytest.mark.parametrize(("line", "expected"), SECRET_LINES, ids=lambda v: v[:50])
def test_secret_line_is_masked(line: str, expected: str) -> None:
    assert mask_secrets(line) == expected
    assert mask_secrets(line + "\n") == expected + "\n"
    assert mask_secrets(expected) == expected


@pytest.mark.parametrize("line", PLAIN_LINES)
def test_plain_line_is_unchanged(line: str) -> None:
    assert mask_secrets(line) == line


# ` key V` is a shared secret under a TACACS+/RADIUS server, and a key id under `key chain`.
KEYED_SECTIONS = [
    (
        "tacacs server TAC1\n address ipv4 192.0.2.50\n key 7 0822455D0A16\n",
        f"tacacs server TAC1\n address ipv4 192.0.2.50\n key 7 {M}\n",
    ),
    (
        "radius server RAD1\n address ipv4 192.0.2.51 auth-port 1812 acct-port 1813\n"
        " key 0 radius key\n",
        f"radius server RAD1\n address ipv4 192.0.2.51 auth-port 1812 acct-port 1813\n key 0 {M}\n",
    ),
    (
        "tacacs-server host 192.0.2.50 port 49\n key 7 0822455D0A16\n!\n",
        f"tacacs-server host 192.0.2.50 port 49\n key 7 {M}\n!\n",
    ),
    (
        "aaa group server tacacs+ TACACS\n server-private 192.0.2.50 port 49\n  key 7 0822\n",
        f"aaa group server tacacs+ TACACS\n server-private 192.0.2.50 port 49\n  key 7 {M}\n",
    ),
    (
        "key chain OSPF\n key 1\n  key-string 7 0822455D0A16\n key 2\n",
        f"key chain OSPF\n key 1\n  key-string 7 {M}\n key 2\n",
    ),
    (
        "tacacs server TAC1\n key 7 0822\n!\nkey chain KC\n key 1\n",
        f"tacacs server TAC1\n key 7 {M}\n!\nkey chain KC\n key 1\n",
    ),
]


@pytest.mark.parametrize(("text", "expected"), KEYED_SECTIONS)
def test_key_lines_depend_on_their_section(text: str, expected: str) -> None:
    assert mask_secrets(text) == expected


# ---------------------------------------------------------------- whole configurations

PLANTED = [
    "PLANTED-enable-9f1",
    "PLANTED-user-2c4",
    "PLANTED-line-77a",
    "PLANTED-tacacs-0e3",
    "PLANTED-radius-5b8",
    "PLANTED-comm-ro-11",
    "PLANTED-comm-rw-12",
    "PLANTED-trap-13",
    "PLANTED-chain-a1",
    "PLANTED-ntp-b2",
    "PLANTED-bgp-c3",
    "PLANTED-isis-d4",
    "PLANTED-area-e5",
    "PLANTED-ospf-f6",
    "PLANTED-auth-07",
    "PLANTED-priv-08",
    "PLANTED-xr-secret-31",
    "PLANTED-xr-tacacs-32",
    "PLANTED-xr-comm-33",
    "PLANTED-xr-lsp-34",
    "PLANTED-xr-chain-35",
    "PLANTED-xr-bgp-36",
]

IOS_CONFIG = """\
Building configuration...

Current configuration : 3120 bytes
!
version 12.0
service password-encryption
!
hostname pe1-lon
!
enable secret 5 PLANTED-enable-9f1
!
username netops privilege 15 password 7 PLANTED-user-2c4
aaa new-model
aaa authentication login default group tacacs+ local
!
key chain OSPF-KEYS
 key 1
  key-string 7 PLANTED-chain-a1
!
interface POS0/0
 ip address 198.51.100.1 255.255.255.252
 ip router isis CORE
 isis password PLANTED-isis-d4 level-2
 ip ospf message-digest-key 1 md5 7 PLANTED-ospf-f6
!
router isis CORE
 net 49.0001.1920.0000.2011.00
 area-password PLANTED-area-e5
!
router bgp 64500
 neighbor 192.0.2.1 remote-as 64500
 neighbor 192.0.2.1 password 7 PLANTED-bgp-c3
!
tacacs-server host 192.0.2.50 key 7 PLANTED-tacacs-0e3
radius-server key 7 PLANTED-radius-5b8
snmp-server community PLANTED-comm-ro-11 RO 20
snmp-server community PLANTED-comm-rw-12 RW 21
snmp-server host 192.0.2.10 version 2c PLANTED-trap-13
snmp-server user netops NETOPS v3 auth md5 PLANTED-auth-07 priv des PLANTED-priv-08
ntp authentication-key 1 md5 PLANTED-ntp-b2 7
!
line vty 0 4
 password 7 PLANTED-line-77a
 transport input ssh
!
end
"""

XR_CONFIG = """\
Sun Nov 22 10:00:05.486 UTC
Building configuration...
!! IOS XR Configuration 3.9.1
!
hostname p1-lon
username netops
 group root-system
 secret 5 PLANTED-xr-secret-31
!
tacacs-server host 192.0.2.50 port 49
 key 7 PLANTED-xr-tacacs-32
!
snmp-server community PLANTED-xr-comm-33 RO SystemOwner
key chain ISIS
 key 1
  key-string password PLANTED-xr-chain-35
 !
!
router isis CORE
 lsp-password hmac-md5 encrypted PLANTED-xr-lsp-34 level 2
!
router bgp 64500
 neighbor 192.0.2.11
  remote-as 64500
  password encrypted PLANTED-xr-bgp-36
 !
!
end
"""


@pytest.mark.parametrize("config", [IOS_CONFIG, XR_CONFIG], ids=["ios", "xr"])
def test_whole_config_loses_every_planted_value_and_no_line(config: str) -> None:
    planted = sorted((v for v in PLANTED if v in config), key=config.index)
    assert planted  # the test means something
    masked = mask_secrets(config)
    assert [value for value in planted if value in masked] == []
    assert len(masked.splitlines()) == len(config.splitlines())
    assert masked.count(MASK) == len(planted)
    # Only the planted values went: putting them back gives the original.
    restored = masked
    for value in planted:
        restored = restored.replace(MASK, value, 1)
    assert restored == config
    assert mask_secrets(masked) == masked


def test_line_endings_are_kept() -> None:
    text = "enable secret 5 x\r\nhostname r1\r\n snmp-server community c RO\rend"
    assert (
        mask_secrets(text)
        == f"enable secret 5 {M}\r\nhostname r1\r\n snmp-server community {M} RO\rend"
    )


# ---------------------------------------------------------------- real outputs

_COMMANDS = (
    "show_interfaces",
    "show_interfaces_description",
    "show_ip_bgp_summary",
    "show_bgp",
    "show_bgp_instance_all_summary",
    "show_bgp_vrf_all_ipv4_unicast_summary",
    "show_version",
    "show_version_brief",
    "show_logging",
    "ping",
    "show_isis_neighbors",
    "dir",
)
_PLAIN_OUTPUTS = sorted(
    path
    for platform in ("cisco_ios", "cisco_xr")
    for command in _COMMANDS
    for path in (CORPUS / platform / command).glob("*.raw")
)
# Every other corpus output too: none of them holds a secret but `show snmp community`.
_OTHER_OUTPUTS = sorted(
    path
    for path in CORPUS.glob("cisco_*/*/*.raw")
    if path not in _PLAIN_OUTPUTS and path.parent.name != "show_snmp_community"
)


def test_the_corpus_is_there() -> None:
    assert len(_PLAIN_OUTPUTS) >= 20, f"too few outputs under {CORPUS}"
    platforms = {path.parent.parent.name for path in _PLAIN_OUTPUTS}
    assert platforms == {"cisco_ios", "cisco_xr"}


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="surrogateescape")


@pytest.mark.parametrize("path", _PLAIN_OUTPUTS + _OTHER_OUTPUTS, ids=lambda p: p.name)
def test_corpus_output_without_secret_is_unchanged(path: Path) -> None:
    text = _read(path)
    assert mask_secrets(text) == text


def test_corpus_snmp_communities_are_masked() -> None:
    (path,) = (CORPUS / "cisco_ios" / "show_snmp_community").glob("*.raw")
    text = _read(path)
    masked = mask_secrets(text)
    for community in ("public", "private", "Monitoring"):
        assert community in text
        assert community not in masked
    assert "Community Index: cisco1" in masked
    assert len(masked.splitlines()) == len(text.splitlines())


# ---------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    [
        "enable", "secret", "password", "key", "key-string", "snmp-server", "community", "host",
        "username", "tacacs-server", "radius-server", "tacacs", "server", "version", "2c", "3",
        "auth", "priv", "md5", "des", "encrypted", "clear", "5", "7", "level", "15", "ntp",
        "authentication-key", "neighbor", "isis", "area-password", "text", "logged command:",
        "Community name:", "--", '"', "!", MASK, "\t", "\r", "\x0b", "\u2028", "x",
    ]
)  # fmt: skip
_LINE = st.lists(_WORDS, max_size=10).map(" ".join)
_CONFIGISH = st.lists(
    st.tuples(st.sampled_from(["", " ", "  "]), _LINE).map("".join), max_size=12
).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), _CONFIGISH))
def test_masking_never_raises_keeps_lines_and_is_idempotent(text: str) -> None:
    once = mask_secrets(text)
    assert len(once.splitlines()) == len(text.splitlines())
    assert once.count("\n") == text.count("\n")
    assert mask_secrets(once) == once
