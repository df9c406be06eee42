"""Secret syntaxes of IOS, IOS-XE and IOS-XR configurations, each able to carry a marker.

Written from the vendor's configuration guides and command references (security, AAA,
SNMP, routing protocol authentication, VPN, first-hop redundancy, wireless). Each entry is
one configuration command (with its parent section where the command lives in one) with
`{S}` where a plain-text secret stands, `{H}` where a type 7 / `encrypted` hex string
stands, and `{C}` where a one-way hash (`$1$...`, `$9$...`, `$6$...`) stands. `planted()`
fills them with values that each carry a distinctive marker, so that a test can grep every
output of a run for the markers: any found is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Syntax:
    platform: str  # "ios" (IOS and IOS-XE) or "xr"
    text: str


IOS = "ios"
XR = "xr"

SYNTAXES: tuple[Syntax, ...] = (
    # ---- IOS / IOS-XE: local credentials
    Syntax(IOS, "enable secret 5 {C}"),
    Syntax(IOS, "enable secret 9 {C}"),
    Syntax(IOS, "enable secret 0 {S}"),
    Syntax(IOS, "enable secret level 15 5 {C}"),
    Syntax(IOS, "enable algorithm-type scrypt secret {S}"),
    Syntax(IOS, "enable password 7 {H}"),
    Syntax(IOS, "enable password {S}"),
    Syntax(IOS, "username netops privilege 15 secret 5 {C}"),
    Syntax(IOS, "username netops privilege 15 secret 9 {C}"),
    Syntax(IOS, "username tech password 7 {H}"),
    Syntax(IOS, "username tech password 0 {S}"),
    Syntax(IOS, "username admin privilege 15 algorithm-type sha256 secret {S}"),
    Syntax(IOS, "line con 0\n password 7 {H}"),
    Syntax(IOS, "line vty 0 4\n password {S}"),
    Syntax(IOS, "key config-key password-encrypt {S}"),
    # ---- IOS / IOS-XE: AAA servers
    Syntax(IOS, "tacacs-server key 7 {H}"),
    Syntax(IOS, "tacacs-server key {S}"),
    Syntax(IOS, "tacacs-server host 192.0.2.50 key 7 {H}"),
    Syntax(IOS, "tacacs-server host 192.0.2.50 port 49 timeout 5 key {S}"),
    Syntax(IOS, "tacacs server TAC1\n address ipv4 192.0.2.50\n key 7 {H}"),
    Syntax(IOS, "tacacs server TAC2\n address ipv4 192.0.2.51\n key 0 {S}"),
    Syntax(IOS, "radius-server key 7 {H}"),
    Syntax(IOS, "radius-server host 192.0.2.60 auth-port 1812 acct-port 1813 key {S}"),
    Syntax(IOS, "radius server RAD1\n address ipv4 192.0.2.60 auth-port 1812\n key 7 {H}"),
    Syntax(IOS, "aaa group server tacacs+ TACS\n server-private 192.0.2.52 key 7 {H}"),
    Syntax(IOS, "aaa group server radius RADS\n server-private 192.0.2.61 key {S}"),
    Syntax(IOS, "aaa server radius dynamic-author\n client 192.0.2.62 server-key 7 {H}"),
    Syntax(IOS, "aaa server radius dynamic-author\n server-key {S}"),
    # ---- IOS / IOS-XE: SNMP
    Syntax(IOS, "snmp-server community {S} RO 20"),
    Syntax(IOS, "snmp-server community {S} view ALL RW 21"),
    Syntax(IOS, "snmp-server host 192.0.2.10 version 2c {S}"),
    Syntax(IOS, "snmp-server host 192.0.2.10 informs version 2c {S} bgp config"),
    Syntax(IOS, "snmp-server host 192.0.2.10 {S}"),
    Syntax(IOS, "snmp-server user netops NETOPS v3 auth sha {S} priv aes 128 {S}"),
    Syntax(IOS, "snmp-server user netops NETOPS v3 auth md5 {S} priv des {S}"),
    # ---- IOS / IOS-XE: routing protocol authentication
    Syntax(IOS, "key chain ISIS-KEYS\n key 1\n  key-string 7 {H}"),
    Syntax(IOS, "key chain OSPF-KEYS\n key 2\n  key-string {S}"),
    Syntax(IOS, "router bgp 64500\n neighbor 192.0.2.1 password 7 {H}"),
    Syntax(IOS, "router bgp 64500\n neighbor IBGP password {S}"),
    Syntax(
        IOS, "router bgp 64500\n address-family ipv4 vrf CUST\n  neighbor 10.0.0.1 password {S}"
    ),
    Syntax(IOS, "interface POS0/0\n isis password {S} level-2"),
    Syntax(IOS, "router isis CORE\n area-password {S}"),
    Syntax(IOS, "router isis CORE\n domain-password {S} authenticate snp validate"),
    Syntax(IOS, "interface POS0/1\n ip ospf authentication-key 7 {H}"),
    Syntax(IOS, "interface POS0/1\n ip ospf authentication-key {S}"),
    Syntax(IOS, "interface POS0/2\n ip ospf message-digest-key 1 md5 7 {H}"),
    Syntax(IOS, "interface POS0/2\n ip ospf message-digest-key 2 md5 {S}"),
    Syntax(IOS, "router ospf 1\n area 0 virtual-link 192.0.2.9 message-digest-key 1 md5 {S}"),
    Syntax(IOS, "interface POS0/3\n ipv6 ospf authentication ipsec spi 256 md5 {H}"),
    Syntax(IOS, "interface POS0/3\n ipv6 ospf authentication ipsec spi 257 sha1 {H}"),
    Syntax(IOS, "router eigrp 1\n neighbor 10.0.0.2 password {S}"),
    Syntax(IOS, "mpls ldp neighbor 192.0.2.1 password 7 {H}"),
    Syntax(IOS, "ntp authentication-key 1 md5 {H} 7"),
    Syntax(IOS, "ntp authentication-key 2 md5 {S}"),
    Syntax(IOS, "interface Vlan10\n standby 1 authentication text {S}"),
    Syntax(IOS, "interface Vlan10\n standby 1 authentication md5 key-string 7 {H}"),
    Syntax(IOS, "interface Vlan11\n vrrp 1 authentication text {S}"),
    Syntax(IOS, "interface Vlan12\n glbp 1 authentication text {S}"),
    Syntax(IOS, "interface Tunnel0\n ip nhrp authentication {S}"),
    Syntax(IOS, "interface Serial0/0\n ppp chap password 7 {H}"),
    Syntax(IOS, "interface Serial0/1\n ppp pap sent-username r1 password 0 {S}"),
    # ---- IOS / IOS-XE: VPN and services
    Syntax(IOS, "crypto isakmp key {S} address 192.0.2.9"),
    Syntax(IOS, "crypto isakmp key 6 {S} hostname peer.example.net"),
    Syntax(IOS, "crypto keyring KR\n pre-shared-key address 192.0.2.9 key {S}"),
    Syntax(IOS, "crypto ikev2 keyring KR2\n peer P1\n  pre-shared-key local {S}"),
    Syntax(IOS, "crypto ikev2 profile PROF\n authentication remote pre-share key {S}"),
    Syntax(IOS, "crypto ikev2 profile PROF2\n authentication local pre-share key {S}"),
    Syntax(IOS, "crypto isakmp client configuration group EZVPN\n key {S}"),
    Syntax(IOS, "l2tp-class L2TP\n password 7 {H}"),
    Syntax(IOS, "vpdn-group 1\n l2tp tunnel password 7 {H}"),
    Syntax(IOS, "ip ftp password 7 {H}"),
    Syntax(IOS, "ip http client password {S}"),
    Syntax(IOS, "dot11 ssid CORP\n wpa-psk ascii 0 {S}"),
    Syntax(IOS, "wlan CORP 1 CORP\n security wpa psk set-key ascii 0 {S}"),
    # ---- IOS-XR
    Syntax(XR, "username netops\n group root-system\n secret 5 {C}"),
    Syntax(XR, "username netops2\n secret 10 {C}"),
    Syntax(XR, "username tech\n password 7 {H}"),
    Syntax(XR, "line template VTY\n secret 5 {C}"),
    Syntax(XR, "tacacs-server host 192.0.2.50 port 49\n key 7 {H}"),
    Syntax(XR, "tacacs-server key 7 {H}"),
    Syntax(XR, "aaa group server tacacs+ TACS\n server-private 192.0.2.53 port 49\n  key 7 {H}"),
    Syntax(XR, "radius-server host 192.0.2.60 auth-port 1812 acct-port 1813\n key 7 {H}"),
    Syntax(XR, "radius-server key 7 {H}"),
    Syntax(XR, "snmp-server community {S} RO SystemOwner"),
    Syntax(XR, "snmp-server community encrypted {H} RO"),
    Syntax(XR, "snmp-server community-map {S} context CTX"),
    Syntax(XR, "snmp-server user netops NETOPS v3 auth md5 encrypted {H} priv des56 encrypted {H}"),
    Syntax(XR, "snmp-server host 192.0.2.10 traps version 2c {S}"),
    Syntax(XR, "key chain ISIS\n key 1\n  key-string password {H}"),
    Syntax(XR, "key chain BGP\n key 2\n  key-string clear {S}"),
    Syntax(XR, "router isis CORE\n lsp-password hmac-md5 encrypted {H} level 2"),
    Syntax(XR, "router isis CORE\n lsp-password text clear {S}"),
    Syntax(XR, "router isis CORE\n interface POS0/1/0/0\n  hello-password hmac-md5 encrypted {H}"),
    Syntax(XR, "router bgp 64500\n neighbor 192.0.2.11\n  password encrypted {H}"),
    Syntax(XR, "router bgp 64500\n neighbor-group IBGP\n  password clear {S}"),
    Syntax(
        XR, "router ospf 1\n area 0\n  interface POS0/2/0/0\n   authentication-key encrypted {H}"
    ),
    Syntax(XR, "router ospf 1\n area 0\n  message-digest-key 1 md5 encrypted {H}"),
    Syntax(XR, "mpls ldp\n neighbor 192.0.2.1:0 password encrypted {H}"),
    Syntax(XR, "ntp\n authentication-key 1 md5 encrypted {H}"),
    Syntax(
        XR,
        "router vrrp\n interface Gi0/0/0/0\n  address-family ipv4\n   vrrp 1\n"
        "    text-authentication {S}",
    ),
)

# What the configuration logger prints for a command entered in configuration mode
# (`archive` / `log config` / `logging enable`): the command, as typed, in `show logging`.
CFGLOG = "*Nov 22 10:00:05.123: %PARSER-5-CFGLOG_LOGGEDCMD: User:netops  logged command:"
XR_CFGLOG = (
    "RP/0/RP0/CPU0:Nov 22 10:00:05.123 UTC: config[65952]: %MGBL-CONFIG-6-DB_COMMIT : "
    "Configuration committed by user 'netops'. Use 'show configuration commit changes "
    "1000000042' to view the changes. logged command:"
)

# Bytes a router, a terminal server or a line in between can put before a line.
PREFIXES = ("", "\x1b[0m", "\x00", "\x7f", "\ufeff", "\x1b[K\r")


def planted(syntax: Syntax, number: int) -> tuple[str, list[str]]:
    """`syntax` with each placeholder filled by a value carrying a marker; and the markers."""
    text, markers = syntax.text, []
    for index in range(text.count("{S}") + text.count("{H}") + text.count("{C}")):
        marker = f"{number:03d}{index}"
        slot = min((text.find(p), p) for p in ("{S}", "{H}", "{C}") if text.find(p) >= 0)[1]
        if slot == "{S}":
            value, mark = f"Pl4nt3d-{marker}-x", f"Pl4nt3d-{marker}"
        elif slot == "{H}":
            value = mark = f"0A1B2C{marker}DEADBEEF"
        else:
            value, mark = f"$9$Pl4nt{marker}$Zq8rT3vW5yX7a9cE1gI3kM5oQ7sU9wY", f"Pl4nt{marker}"
        text = text.replace(slot, value, 1)
        markers.append(mark)
    return text, markers


def all_planted(platform: str) -> list[tuple[str, list[str]]]:
    return [planted(s, n) for n, s in enumerate(SYNTAXES) if s.platform == platform]
