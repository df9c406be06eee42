"""Masking: secrets removed from router output before it is stored, shown or hashed.

`mask_secrets` is applied to the output of every command on both platforms, so it works
line by line on known line shapes only: a rule is anchored on the keywords that start a
configuration line (or on `key`/`password`/`secret` tokens inside one) and replaces only the
secret value with `MASK`. Everything a check decides from stays: the keywords, the
encryption type (`enable secret 5 <removed>` is still a hashed secret, `password 7
<removed>` still a reversible one), the SNMP access mode and ACL after a community.

Where a secret is the last item of its command and IOS allows spaces in it (`username`,
`enable`, BGP `neighbor ... password`, `key` of a TACACS+/RADIUS server) the whole rest of
the line goes, so no tail of a secret is left behind.

Guarantees, tested with hypothesis: it never raises, never adds or removes a line (line
endings are kept byte for byte) and is idempotent (masking twice is masking once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "<removed>"

# The encryption type before a secret: IOS 0/5/6/7/8/9, IOS-XR 10, and IOS-XR's words.
# A lone token is the secret itself, never a type: regex backtracking sees to that.
_T = r"(?:(?:\d{1,2}|encrypted|clear) +)?"
_V = r"(?P<v>\S+)"
_REST = r"(?P<v>\S(?:.*\S)?)"
# Lines without any of these words are left alone without trying every rule.
_TRIGGER = re.compile(r"secret|password|[Kk]ey|ommunity|snmp-server|md5|wpa-psk|authentication")
_LOGGED_COMMAND = re.compile(r"^(?P<head>.*?logged command: ?)(?P<command>.*)$")
# Sections whose ` key [T] V` child is a shared secret; elsewhere (`key chain`) ` key 1` is an id.
_KEYED_SECTION = re.compile(
    r"^((tacacs|radius) server |(tacacs|radius)-server host |aaa group server (tacacs\+|radius) "
    r"|aaa server radius )"
)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    keyed_section_only: bool = False


def _rule(pattern: str, *, keyed_section_only: bool = False) -> _Rule:
    return _Rule(re.compile(pattern), keyed_section_only)


_RULES = (
    # enable secret [level N] [T] V, enable algorithm-type scrypt secret V, enable password
    _rule(rf"^\s*enable (algorithm-type \S+ +)?(secret|password) +(level \d+ +)?{_T}{_REST}"),
    # IOS: username U [privilege 15] [algorithm-type T] secret|password [T] V
    _rule(rf"^\s*username \S+( .*?)? (secret|password) +{_T}{_REST}"),
    # IOS-XR `username U` children, IOS `line` children, IOS-XR BGP/LDP neighbour children
    _rule(rf"^\s+(secret|password) +(?!inheritance-disable\b|disable\b){_T}{_REST}"),
    _rule(rf"^\s*(tacacs|radius)-server key +{_T}{_REST}"),
    _rule(rf"^\s*(tacacs|radius)-server host \S+( .*?)? key +{_T}{_REST}"),
    _rule(rf"^\s+key +{_T}{_REST}", keyed_section_only=True),
    _rule(rf"^\s*server-private \S+( .*?)? key +{_T}{_REST}"),
    _rule(rf"^\s*(client \S+( .*?)? )?server-key +{_T}{_REST}"),
    # SNMP: the community is the secret; the access mode and ACL after it stay
    _rule(rf"^\s*snmp-server community +((clear|encrypted) +)?{_V}"),
    _rule(
        r"^\s*snmp-server host \S+( vrf \S+)?( informs| traps)?(?! version 3\b)"
        r"( version (1|2c))?( (clear|encrypted))? "
        rf"(?!(version|vrf|informs|traps|udp-port)\b){_V}"
    ),
    _rule(rf"^\s*snmp-server user \S+ .*? auth +(md5|sha\S*) +((clear|encrypted) +)?{_V}"),
    _rule(
        r"^\s*snmp-server user \S+ .*? priv +(3des|des56|des|aes +\d+|aes\d+) +"
        rf"((clear|encrypted) +)?{_V}"
    ),
    # `show snmp community` prints the communities themselves
    _rule(rf"^Community (name|SecurityName): +{_V}"),
    # key chains: IOS ` key-string [T] V`, IOS-XR ` key-string password|clear V`, HSRP/VRRP
    _rule(rf"^\s*(\S.*? )?key-string +(password +)?{_T}{_V}"),
    # `show key chain`: key 1 -- text "V"
    _rule(r'^\s*[Kk]ey +\d+ +-- +text +"(?P<v>[^"]*)"'),
    _rule(
        r"^\s*(ntp )?authentication-key +\d+ +(md5|sha\S*|hmac-\S+|cmac-\S+) +"
        rf"((clear|encrypted) +)?{_V}"
    ),
    # OSPF ` ip ospf authentication-key [T] V`, IOS-XR ` authentication-key encrypted V`
    _rule(
        r"^\s*((ip|ipv6) ospf +)?authentication-key +"
        rf"(?!\d+ +(md5|sha\S*|hmac-\S+|cmac-\S+) ){_T}{_REST}"
    ),
    _rule(rf"^\s*(ip |ipv6 )?(ospf )?message-digest-key +\d+ +md5 +{_T}{_REST}"),
    _rule(rf"^\s+md5 +{_T}{_V}\s*$"),
    _rule(rf"^\s*(mpls ldp )?neighbor \S+ password +{_T}{_REST}"),
    # IS-IS: IOS `isis password V [level-N]`, `area-password V`, `domain-password V` and
    # IOS-XR `lsp-password|hello-password [hmac-md5|text] [encrypted|clear] V [level N]`
    _rule(rf"^\s*(isis |area-|domain-)password +{_V}"),
    _rule(
        r"^\s*(lsp|hello)-password +(?!keychain\b)((text|hmac-md5|hmac-sha\S*) +)?"
        rf"((clear|encrypted) +)?{_V}"
    ),
    _rule(rf"^\s*ppp (chap password|pap sent-username \S+ password) +{_T}{_REST}"),
    _rule(rf"^\s*ip (ftp|http client) password +{_T}{_REST}"),
    _rule(rf"^\s*crypto isakmp key +([06] +)?{_V} +(address|hostname)\b"),
    _rule(rf"^\s*pre-shared-key +(address|hostname) .*? key +{_T}{_V}"),
    _rule(rf"^\s*pre-shared-key +(local +|remote +)?(?!(address|hostname)\b){_T}{_REST}"),
    _rule(rf"^\s*(standby|vrrp|glbp)( +\d+)? +authentication +(text +)?(?!md5\b){_V}"),
    _rule(rf"^\s*wpa-psk +(ascii|hex) +{_T}{_REST}"),
)


def _masked(match: re.Match[str]) -> str:
    """The matched line with its value group replaced by MASK."""
    start, end = match.span("v")
    return match.string[:start] + MASK + match.string[end:]


def _apply_rules(body: str, in_keyed_section: bool) -> str:
    for rule in _RULES:
        if rule.keyed_section_only and not in_keyed_section:
            continue
        match = rule.pattern.match(body)
        if match:
            body = _masked(match)
    return body


def _one_pass(body: str, in_keyed_section: bool) -> str:
    logged = _LOGGED_COMMAND.match(body)
    if logged:
        # IOS config logging (`%PARSER-5-CFGLOG_LOGGEDCMD`) echoes whole commands.
        return logged["head"] + _apply_rules(logged["command"], in_keyed_section=False)
    return _apply_rules(body, in_keyed_section)


def _mask_line(body: str, in_keyed_section: bool) -> str:
    if not _TRIGGER.search(body):
        return body
    # Repeat until nothing changes, so that masking is idempotent by construction. It ends:
    # each change replaces a whitespace-bounded value other than MASK by MASK.
    while True:
        masked = _one_pass(body, in_keyed_section)
        if masked == body:
            return body
        body = masked


def mask_secrets(text: str) -> str:
    """`text` with every secret value it recognises replaced by MASK; lines are kept."""
    if not _TRIGGER.search(text):
        return text  # most outputs: no line could hold a secret, so none is looked at
    out: list[str] = []
    section = ""
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        if body and not body[0].isspace() and not body.startswith("!"):
            section = body
        if not _TRIGGER.search(body):
            out.append(line)
            continue
        keyed = bool(_KEYED_SECTION.match(section))
        out.append(_mask_line(body, keyed) + line[len(body) :])
    return "".join(out)
