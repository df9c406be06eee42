"""Hostile probes of `mask_secrets`: secrets that still leak, and lines masked that must stay.

Each case is output a router (or the configuration logger, or an operator's typing echoed by
it) can realistically produce; none repeats an entry of tests/secret_syntaxes.py. Each test
asserts the correct behaviour, so a case that fails today is a finding:

- a leak case names the secret values planted in its input; none may survive masking, and
  masking must still keep every line and be idempotent;
- an over-mask case is a line that holds no secret and that a check (or an auditor reading
  the evidence) needs as it is: masking must leave it unchanged.

The classes run from the most serious (a secret in the plain output of a routine command)
to the least (a status line losing a word).
"""

from __future__ import annotations

from typing import Any

import pytest

from netaccept.session.masking import MASK, mask_secrets
from tests.secret_syntaxes import CFGLOG

# `show archive log config all`: the logged commands, one a row, after the user and line.
ARCHIVE_LOG = "   12     3        netops@vty0      |"
# `show history all` (IOS-XE): every command typed since boot, configuration ones included.
HISTORY = "CMD: '{}' 10:00:05 UTC Sun Nov 22 2020"


def _leak(text: str, *secrets: str, id: str) -> Any:
    return pytest.param(text, secrets, id=id)


def _assert_no_secret_survives(text: str, secrets: tuple[str, ...]) -> None:
    assert secrets
    assert all(secret in text for secret in secrets), "the case plants its own secrets"
    masked = mask_secrets(text)
    leaked = [secret for secret in secrets if secret in masked]
    assert not leaked, f"leaked {leaked} in {masked!r}"
    assert MASK in masked
    assert masked.count("\n") == text.count("\n")
    assert mask_secrets(masked) == masked


# ---------------------------------------------------------------- 1. show commands
# Routine show commands that print a secret in clear, in a shape no rule and no keyword
# knows: the community of `show snmp host` is its "user", `show crypto isakmp key` is a
# table, `show standby` / `show vrrp` quote the text authentication string.

SHOW_OUTPUTS = [
    _leak(
        "Notification host: 192.0.2.10\tudp-port: 162\ttype: trap\n"
        "user: N0c-Trap-01\tsecurity model: v2c\n",
        "N0c-Trap-01",
        id="show-snmp-host-v2c",
    ),
    _leak(
        "Notification host: 192.0.2.11    udp-port: 162    type: trap\n"
        "user: N0c-Trap-02    security model: v1\n"
        "\n"
        "Notification host: 192.0.2.12    udp-port: 162    type: inform\n"
        "user: netops    security model: v3 priv\n",
        "N0c-Trap-02",
        id="show-snmp-host-v1",
    ),
    _leak(
        "Keyring      Hostname/Address                            Preshared Key\n"
        "\n"
        "default      192.0.2.9                                   Ike-Psk-01\n"
        "KR-BRANCH    198.51.100.0    255.255.255.0               Ike-Psk-02\n",
        "Ike-Psk-01",
        "Ike-Psk-02",
        id="show-crypto-isakmp-key",
    ),
    _leak(
        "Vlan10 - Group 1\n"
        "  State is Active\n"
        "  Virtual IP address is 192.0.2.1\n"
        '  Authentication text, string "Hsrp0001"\n'
        "  Preemption enabled\n",
        "Hsrp0001",
        id="show-standby-text-string",
    ),
    _leak(
        "Vlan50 - Group 1\n"
        "  Local state is Active, priority 200, may preempt\n"
        '  Authentication text "Hsrp0002"\n',
        "Hsrp0002",
        id="show-standby-text",
    ),
    _leak(
        "GigabitEthernet0/0/1 - Group 1\n"
        "  State is Master\n"
        "  Virtual IP address is 192.0.2.65\n"
        '  Authentication text "Vrrp0003"\n',
        "Vrrp0003",
        id="show-vrrp-text",
    ),
    _leak(
        "The maximum archive configurations allowed is 14.\n"
        "The next archive file will be named ftp://netops:Arch1ve-Pw@192.0.2.5/cfg/pe1-lon-3\n"
        " Archive #  Name\n",
        "Arch1ve-Pw",
        id="show-archive-url",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), SHOW_OUTPUTS)
def test_show_output_that_prints_a_secret_is_masked(text: str, secrets: tuple[str, ...]) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 2. configuration syntaxes
# Secrets of IOS, IOS-XE and IOS-XR configurations (and NX-OS-like FHRP children) that no
# rule matches and that follow no secret keyword of the net.

CONFIG_SYNTAXES = [
    _leak(
        "snmp-server vrf MGMT\n host 192.0.2.10 traps version 2c Xr-Vrf-Comm1 udp-port 161\n",
        "Xr-Vrf-Comm1",
        id="xr-snmp-vrf-host",
    ),
    _leak(
        "snmp-server vrf MGMT host 192.0.2.10 traps version 2c Xr-Vrf-Comm2\n",
        "Xr-Vrf-Comm2",
        id="xr-formal-snmp-vrf-host",
    ),
    _leak(
        "router hsrp\n interface GigabitEthernet0/0/0/0\n  address-family ipv4\n   hsrp 1\n"
        "    authentication XrHsrp1\n",
        "XrHsrp1",
        id="xr-hsrp-authentication",
    ),
    _leak(
        "router hsrp\n interface GigabitEthernet0/0/0/1\n  hsrp 2 authentication XrHsrp2\n",
        "XrHsrp2",
        id="xr-hsrp-group-authentication",
    ),
    _leak(
        "router eigrp CORE\n address-family ipv4 unicast autonomous-system 100\n"
        "  af-interface default\n   authentication mode hmac-sha-256 Eigrp-Sha-01\n",
        "Eigrp-Sha-01",
        id="eigrp-named-hmac-sha-256",
    ),
    _leak(
        "interface GigabitEthernet0/0/2\n ospfv3 encryption ipsec spi 256 esp aes-cbc 128 "
        "0A1B2C3D4E5F60718293A4B5C6D7E8F9 sha1 1234567890ABCDEF1234567890ABCDEF12345678\n",
        "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
        "1234567890ABCDEF1234567890ABCDEF12345678",
        id="ospfv3-encryption-esp-key",
    ),
    _leak(
        "interface GigabitEthernet0/0/3\n ipv6 ospf encryption ipsec spi 1001 esp 3des "
        "9F8E7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C5B4A3928 md5 00112233445566778899AABBCCDDEEFF\n",
        "9F8E7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C5B4A3928",
        id="ipv6-ospf-encryption-esp-key",
    ),
    _leak(
        "router ospfv3 1\n area 0\n  interface GigabitEthernet0/0/0/1\n"
        "   encryption ipsec spi 257 esp aes 256 clear "
        "C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00 "
        "authentication sha1 clear 1234567890ABCDEF1234567890ABCDEF12345678\n",
        "C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00C0FFEE00",
        id="xr-ospfv3-encryption-esp-key",
    ),
    _leak(
        "crypto map VPN 10 ipsec-manual\n"
        " set peer 192.0.2.9\n"
        " set session-key inbound esp 256 cipher 6b3f1a9c0d2e4f57 authenticator 9a8b7c6d5e4f3a2b\n"
        " set session-key outbound ah 257 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n",
        "6b3f1a9c0d2e4f57",
        "9a8b7c6d5e4f3a2b",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        id="ipsec-manual-session-keys",
    ),
    _leak(
        "interface TenGigabitEthernet0/1/0\n cts manual\n"
        "  sap pmk 4F2A0C1B2D4E6F708192A3B4C5D6E7F8 mode-list gcm-encrypt null\n",
        "4F2A0C1B2D4E6F708192A3B4C5D6E7F8",
        id="cts-sap-pmk",
    ),
    _leak(
        "parameter-map type umbrella global\n token 3A5F0C1B2D4E6F708192A3B4C5D6E7F8091A2B3C\n",
        "3A5F0C1B2D4E6F708192A3B4C5D6E7F8091A2B3C",
        id="umbrella-token",
    ),
    _leak("crypto pki token default user-pin 0 73915062\n", "73915062", id="pki-token-user-pin"),
    _leak(
        "interface Cable5/0/0\n cable shared-secret Docsis-Sh4red\n",
        "Docsis-Sh4red",
        id="cmts-cable-shared-secret",
    ),
    _leak(
        "interface Vlan10\n  hsrp 10\n    authentication text NxHsrp3\n",
        "NxHsrp3",
        id="nxos-hsrp-authentication-text",
    ),
    _leak(
        "interface Vlan20\n  vrrp 20\n    authentication text NxVrrp4\n",
        "NxVrrp4",
        id="nxos-vrrp-authentication-text",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), CONFIG_SYNTAXES)
def test_configuration_secret_without_a_known_keyword_is_masked(
    text: str, secrets: tuple[str, ...]
) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 3. around a rule's mask
# A rule masks one token of the command (the wrong one, or only the first of two secrets)
# and the net then looks no further: the keyword net skips everything before a rule's mask,
# and no keyword follows it.

AROUND_A_RULE = [
    _leak(
        "snmp-server user netops NETOPS v3 auth sha-2 256 Sha2-Auth-01 priv aes 256 Aes-Priv-01\n",
        "Sha2-Auth-01",
        "Aes-Priv-01",
        id="iosxe-snmp-user-sha-2-256",
    ),
    _leak(
        "router isis CORE\n lsp-password accept clear Isis-Acc-01 level 2\n",
        "Isis-Acc-01",
        id="xr-isis-lsp-password-accept-clear",
    ),
    _leak(
        "router isis CORE\n lsp-password accept Isis-Acc-02\n",
        "Isis-Acc-02",
        id="xr-isis-lsp-password-accept",
    ),
    _leak(
        "snmp-server user admin network-admin auth sha Nx-Auth-01 priv Nx-Priv-01\n",
        "Nx-Auth-01",
        "Nx-Priv-01",
        id="nxos-snmp-user-priv-default-des",
    ),
    _leak(
        "snmp-server user admin network-admin auth sha Nx-Auth-02 priv aes-128 Nx-Priv-02\n",
        "Nx-Auth-02",
        "Nx-Priv-02",
        id="nxos-snmp-user-priv-aes-128",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), AROUND_A_RULE)
def test_every_secret_of_a_command_a_rule_matched_is_masked(
    text: str, secrets: tuple[str, ...]
) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 4. placement
# The SNMP community of `snmp-server host` has no keyword before it: only the rule, anchored
# at the start of a lower-case, single-spaced line, finds it. Anywhere else it leaks: the
# `+`/`-` of `show archive config differences`, the `|` of `show archive log config all`,
# the quotes of `show history all` and of an EEM action, a `no` form, keywords typed in
# capitals or with two spaces (the logger echoes what was typed). A removed
# `snmp-server community` leaks too: a `-` before a keyword hides it from the net.

PLACEMENTS = [
    _leak(
        "!Contextual Config Diffs:\n+snmp-server host 192.0.2.10 version 2c Diff-Comm-01\n",
        "Diff-Comm-01",
        id="archive-diff-added-host",
    ),
    _leak(
        "!Contextual Config Diffs:\n-snmp-server community Diff-Comm-02 RO 20\n",
        "Diff-Comm-02",
        id="archive-diff-removed-community",
    ),
    _leak(
        "!Contextual Config Diffs:\nsnmp-server vrf MGMT\n +host 192.0.2.10 traps version 2c "
        "Diff-Comm-03\n",
        "Diff-Comm-03",
        id="archive-diff-xr-vrf-host",
    ),
    _leak(
        f"{ARCHIVE_LOG}snmp-server host 192.0.2.10 version 2c Alog-Comm-04\n",
        "Alog-Comm-04",
        id="archive-log-host",
    ),
    _leak(
        HISTORY.format("snmp-server host 192.0.2.10 version 2c Hist-Comm-05") + "\n",
        "Hist-Comm-05",
        id="show-history-all-host",
    ),
    _leak(
        "event manager applet TRAPS\n"
        ' action 1.0 cli command "snmp-server host 192.0.2.10 version 2c Eem-Comm-06"\n',
        "Eem-Comm-06",
        id="eem-cli-command-host",
    ),
    _leak(
        f"{CFGLOG}no snmp-server host 192.0.2.10 version 2c Old-Comm-07\n",
        "Old-Comm-07",
        id="cfglog-no-host",
    ),
    _leak(
        f"{CFGLOG}SNMP-SERVER HOST 192.0.2.10 VERSION 2C Upper-Comm-08\n",
        "Upper-Comm-08",
        id="cfglog-host-in-capitals",
    ),
    _leak(
        f"{CFGLOG}snmp-server  host 192.0.2.10  version 2c Dbl-Comm-09\n",
        "Dbl-Comm-09",
        id="cfglog-host-two-spaces",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), PLACEMENTS)
def test_snmp_community_is_masked_wherever_the_command_stands(
    text: str, secrets: tuple[str, ...]
) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 5. URLs
# `scheme://user:password@host`: the password has no keyword, no shape, often no word that
# even lets the line be looked at.

URLS = [
    _leak(
        "archive\n path scp://netops:Scp-Arch-01@192.0.2.5/cfg/$h-$t\n",
        "Scp-Arch-01",
        id="archive-path",
    ),
    _leak(
        "kron policy-list BACKUP\n cli copy running-config ftp://netops:Kron-Ftp-02@192.0.2.5/r1\n",
        "Kron-Ftp-02",
        id="kron-cli-copy",
    ),
    _leak(
        "alias exec backup copy running-config scp://netops:Alias-Scp-03@192.0.2.5/pe1.cfg\n",
        "Alias-Scp-03",
        id="alias-exec",
    ),
    _leak(
        "crypto pki trustpoint SCEP\n enrollment url http://scep:Scep-Pw-04@192.0.2.30:80\n",
        "Scep-Pw-04",
        id="trustpoint-enrollment-url",
    ),
    _leak(
        "boot system ftp://netops:Boot-Ftp-05@192.0.2.5/c2900-universalk9-mz.SPA.157-3.M4.bin\n",
        "Boot-Ftp-05",
        id="boot-system-ftp",
    ),
    _leak(
        "call-home\n mail-server netops:Smtp-Pw-06@192.0.2.26 priority 1\n",
        "Smtp-Pw-06",
        id="call-home-mail-server",
    ),
    _leak(
        f"{CFGLOG}path ftp://netops:Cfg-Ftp-07@192.0.2.5/cfg/$h\n",
        "Cfg-Ftp-07",
        id="cfglog-archive-path",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), URLS)
def test_password_in_a_url_is_masked(text: str, secrets: tuple[str, ...]) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 6. abbreviations
# The configuration logger (and `show archive log config all`, `show history all`) echo a
# command as the operator typed it, abbreviations included (`interface g 0`): `sec`,
# `pass`, `comm` are no keyword of the net and start no rule.

ABBREVIATIONS = [
    _leak(f"{CFGLOG}enable sec Abbr-En-01\n", "Abbr-En-01", id="cfglog-enable-sec"),
    _leak(f"{CFGLOG}username bob priv 15 sec Abbr-Us-02\n", "Abbr-Us-02", id="cfglog-username-sec"),
    _leak(f"{CFGLOG}username bob pass Abbr-Us-03\n", "Abbr-Us-03", id="cfglog-username-pass"),
    _leak(f"{CFGLOG}snmp-server comm Abbr-Comm-04 RO\n", "Abbr-Comm-04", id="cfglog-community"),
    _leak(
        f"{ARCHIVE_LOG}snmp-server comm Abbr-Comm-05 RO\n", "Abbr-Comm-05", id="archive-log-comm"
    ),
    _leak(
        HISTORY.format("username bob sec Abbr-Us-06") + "\n",
        "Abbr-Us-06",
        id="show-history-all-sec",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), ABBREVIATIONS)
def test_abbreviated_command_echoed_by_the_router_is_masked(
    text: str, secrets: tuple[str, ...]
) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 7. invisible bytes
# Layer 1 promises that invisible characters hide no keyword, but the whole output is first
# tested for a trigger word as received: a NUL, an escape sequence or a zero-width space
# inside `secret`, in an output with no other trigger word, returns it untouched.

INVISIBLE = [
    _leak("enable se\x00cret 0 Nul-En-01\n", "Nul-En-01", id="nul-inside-secret"),
    _leak("enable s\x1b[1mecret 0 Ansi-En-02\n", "Ansi-En-02", id="ansi-inside-secret"),
    _leak(
        "hostname pe1-lon\nusername bob s\u200becret 0 Zw-Us-03\n",
        "Zw-Us-03",
        id="zero-width-space-inside-secret",
    ),
]


@pytest.mark.parametrize(("text", "secrets"), INVISIBLE)
def test_invisible_byte_inside_a_keyword_hides_no_secret(
    text: str, secrets: tuple[str, ...]
) -> None:
    _assert_no_secret_survives(text, secrets)


# ---------------------------------------------------------------- 8. sections
# ` key N` is taken for a key id when the last unindented line is no TACACS+/RADIUS section.
# `show running-config | include key` drops the `tacacs server` line, so the numeric shared
# key of a TACACS+ server lands under the `key chain` printed before it.

SECTIONS = [
    pytest.param(
        "key chain OSPF-KEYS\n key 1\n  key-string 7 0822455D0A16\n key 48213957\n",
        ("48213957",),
        id="include-key-numeric-tacacs-key",
        marks=pytest.mark.xfail(
            strict=True,
            reason="a numeric TACACS+ key printed without its section (`| include key`) reads "
            "as a key-chain id; netaccept never sends `| include`, and its own `show "
            "running-config` keeps every section",
        ),
    ),
]


@pytest.mark.parametrize(("text", "secrets"), SECTIONS)
def test_numeric_shared_key_without_its_section_is_masked(
    text: str, secrets: tuple[str, ...]
) -> None:
    _assert_no_secret_survives(text, secrets)


# ================================================================ over-masking
# Lines without a secret that must be stored as they are.

# The interface_descriptions check compares each description with "{order} {customer}";
# bgp_config compares a neighbour's description. A customer called Key Travel or Secret
# Escapes fails both today.
DESCRIPTIONS = [
    pytest.param(
        "interface GigabitEthernet0/0/1\n description SO-10422 Key Travel Ltd\n",
        id="interface-description-key",
    ),
    pytest.param(
        "interface GigabitEthernet0/0/2\n description SO-10423 Secret Escapes Ltd\n",
        id="interface-description-secret",
    ),
    pytest.param(
        "Interface                      Status         Protocol Description\n"
        "Gi0/0/1                        up             up       SO-10422 Key Travel Ltd\n",
        id="show-interfaces-description-key",
    ),
    pytest.param(
        "router bgp 64500\n neighbor 192.0.2.1 description Key Travel transit\n",
        id="bgp-neighbor-description-key",
    ),
]


@pytest.mark.parametrize("text", DESCRIPTIONS)
def test_description_naming_a_customer_is_not_masked(text: str) -> None:
    assert mask_secrets(text) == text


# Status and configuration lines that say how authentication is set up, not with what:
# `show ip ospf interface`, `show mpls ldp neighbor detail`, `show ip ssh`, IOS-XE SSH, LDP
# and IKEv2 configuration, and the key id of an IOS-XR NTP server (as IOS `ntp server ...
# key 1`, which stays).
STATUS_LINES = [
    pytest.param("  Simple password authentication enabled\n", id="ospf-interface-simple-password"),
    pytest.param(
        "  Message digest authentication enabled\n    Youngest key id is 1\n",
        id="ospf-interface-youngest-key-id",
    ),
    pytest.param(
        "  Cryptographic authentication enabled\n    Youngest key id is 2\n"
        "    Rollover in progress, 1 neighbor(s) using the old key(s):\n"
        "      key id 1 algorithm MD5\n",
        id="ospf-interface-key-rollover",
    ),
    pytest.param("\tPassword: required, neighbor, in use\n", id="ldp-neighbor-password-required"),
    pytest.param("\tPassword: not required, none, in use\n", id="ldp-neighbor-password-none"),
    pytest.param(
        "Minimum expected Diffie Hellman key size : 2048 bits\n", id="show-ip-ssh-dh-size"
    ),
    pytest.param(
        "ip ssh server algorithm authentication publickey password keyboard\n",
        id="ssh-server-algorithm-authentication",
    ),
    pytest.param("mpls ldp password required for LDP-PEERS\n", id="ldp-password-required"),
    pytest.param(
        "crypto ikev2 proposal PROP\n encryption aes-cbc-256\n integrity sha1 sha256\n group 14\n",
        id="ikev2-proposal-integrity",
    ),
    pytest.param(
        "ntp\n authenticate\n trusted-key 1\n server 192.0.2.123 key 1 prefer\n",
        id="xr-ntp-server-key-id",
    ),
    pytest.param(
        "ntp\n server vrf MGMT 192.0.2.124 key 1 source MgmtEth0/RP0/CPU0/0\n",
        id="xr-ntp-server-vrf-key-id",
    ),
]


@pytest.mark.parametrize("text", STATUS_LINES)
def test_authentication_status_line_is_not_masked(text: str) -> None:
    assert mask_secrets(text) == text


# `show logging`: the peer and the interface of an authentication failure are the evidence.
LOG_LINES = [
    pytest.param(
        "*Nov 22 10:00:05.123: %TCP-6-BADAUTH: No MD5 digest from 192.0.2.1(179) to "
        "192.0.2.2(34567) (RST) tableid - 0\n",
        id="tcp-badauth-no-md5",
    ),
    pytest.param(
        "*Nov 22 10:00:05.123: %TCP-6-BADAUTH: Invalid MD5 digest from 192.0.2.1(179) to "
        "192.0.2.2(34567) tableid - 0\n",
        id="tcp-badauth-invalid-md5",
    ),
    pytest.param(
        "*Nov 22 10:00:05.123: %OSPF-4-NOVALIDKEY: No valid authentication send key is "
        "available on interface GigabitEthernet0/0/1\n",
        id="ospf-novalidkey",
    ),
]


@pytest.mark.parametrize("text", LOG_LINES)
def test_authentication_failure_log_line_is_not_masked(text: str) -> None:
    assert mask_secrets(text) == text
