"""Masking: secrets removed from router output before it is stored, shown or hashed.

`mask_secrets` is applied to the output of every command on both platforms, before the
output is stored as evidence, recorded, logged or parsed, whatever a parser later makes of
it. It is built to fail towards masking too much, in three layers:

1. Each line is matched with its escape sequences and invisible characters taken out (an
   ANSI reset, NUL, DEL, a byte-order mark before `enable secret` hides nothing).
2. Rules for the known syntaxes replace only the secret value with `MASK`, so that what a
   check decides from stays: the keywords, the encryption type (`enable secret 5 <removed>`
   is still a hashed secret, `password 7 <removed>` still a reversible one), the SNMP access
   mode and ACL after a community. The configuration logger's `logged command:` lines are
   read as the command they echo.
3. The net under the rules: a secret keyword anywhere in a line (`password`, `secret`, `key`,
   `key-string`, `md5`, `pre-shared-key`, `community-map`, ...), after its encryption type or
   algorithm, masks the rest of the line, unless a rule masked that command already or the
   word after it says it is no secret (`key chain`, `password encryption aes`); and secret
   values are recognised by their shape wherever they stand: `$1$`, `$5$`, `$6$`, `$8$`,
   `$9$`, `$14$` hashes, type 7 and `encrypted` hex strings.

A line that held a secret is stored as matched (without its invisible characters). Where a
secret is the last item of its command and IOS allows spaces in it, the whole rest of the
line goes, so no tail of a secret is left behind.

Guarantees, tested with hypothesis: it never raises, never adds or removes a line (line
endings are kept byte for byte) and is idempotent (masking twice is masking once). A corpus
of 100 secret syntaxes of IOS, IOS-XE and IOS-XR (tests/secret_syntaxes.py) is planted with
markers into the lab's recordings and `show logging`, and no marker may reach any output.
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
_TRIGGER = re.compile(
    r"secret|pass|key|ommunit|snmp-server|md5|sha1|psk|auth|\$|encrypted|\b7 ", re.IGNORECASE
)
_LOGGED_COMMAND = re.compile(r"^(?P<head>.*?logged command: ?)(?P<command>.*)$")
# Sections whose ` key [T] V` child is a shared secret; elsewhere (`key chain`) ` key 1` is an id.
_KEYED_SECTION = re.compile(
    r"^((tacacs|radius) server |(tacacs|radius)-server host |aaa group server (tacacs\+|radius) "
    r"|aaa server radius |crypto isakmp client configuration group )"
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


# --------------------------------------------------------------------------------------------
# The net under the rules: a secret keyword anywhere in a line, and secret values by shape
# --------------------------------------------------------------------------------------------

# What comes between a keyword and its value without being the value: encryption types,
# algorithms, levels, and the label of `Community name: V`.
_QUALIFIER = (
    r"\d{1,2}|encrypted|clear|level\s+\d+|ascii|hex|text|password|hmac-[\w-]+|md5|sha\w*"
    r"|name|securityname|string"
)
_KEYWORD = re.compile(
    r"(?<![\w./$-])"
    r"(?P<kw>(?:password|passwd|secret|key|key-string|server-key|pre-shared-key|psk|wpa-psk"
    r"|authentication-key|message-digest-key|community-map|snmp-server\s+community|area-password"
    r"|domain-password|lsp-password|hello-password|password-encrypt|text-authentication"
    r"|md5|sha1)"
    r"|auth(?=\s+(?:md5|sha))|community(?=\s+(?:name|securityname|string)\s*:)"
    r"|(?:nhrp|standby|vrrp|glbp)(?:\s+\d+)?\s+authentication)"
    r"(?![\w.-])"
    rf"(?:\s+(?:{_QUALIFIER})(?![\w-]))*"
    r"(?:\s*[:=]\s*|\s+)(?P<v>\S)",
    re.IGNORECASE,
)
# Words after a keyword that make it no secret: a key chain and its ids, `crypto key
# generate`, `password encryption aes`, a key-chain reference, `Community Index: N`.
_NOT_A_VALUE = re.compile(
    r"(?:chain|keychain|key-chain|key-string|encryption|inheritance-disable|disable|index)\b",
    re.IGNORECASE,
)
_KEY_ID = re.compile(r"^\s*key\s+\d+\s*$")
_NTP_KEY_ID = re.compile(r"^\s*ntp\s+(?:server|peer)\b.*\bkey\s+\d+\b")
# Hashes (`$1$`, `$5$`, `$6$`, `$8$`, `$9$`, `$14$`, yescrypt, bcrypt) and reversible type 7
# or `encrypted` hex strings, wherever they stand and whatever keyword (or none) is before.
_SHAPE = re.compile(
    r"(?<![\w$])\$(?:1|5|6|8|9|14|y|2[aby]?)\$[./A-Za-z0-9$]{4,}"
    r"|(?<=\b7 )(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{8,}(?![\w.])"
    r"|(?<=\bencrypted )[0-9A-Fa-f]{8,}(?![\w.])"
)


def _is_value(body: str, match: re.Match[str], after: int, section: str) -> bool:
    start = match.start("v")
    if match.start() < after or body.startswith(MASK, start):
        return False  # a rule masked this command already; the keyword is part of it
    keyword = match["kw"].lower()
    if _NOT_A_VALUE.match(body, start):
        return False
    if keyword == "key":
        if body[: match.start()].rstrip().endswith("crypto") or _NTP_KEY_ID.match(body):
            return False
        if _KEY_ID.match(body) and not _KEYED_SECTION.match(section):
            return False  # `key 1` under `key chain`: an id
    return not (keyword == "md5" and body[: match.start()].rstrip().endswith("mode"))


def _mask_keywords(body: str, section: str) -> str:
    """Mask from the value after the first secret keyword the rules left to the line's end."""
    after = body.rfind(MASK)
    after = after + len(MASK) if after >= 0 else 0
    for match in _KEYWORD.finditer(body):
        if _is_value(body, match, after, section):
            return body[: match.start("v")] + MASK
    return body


def _one_pass(body: str, section: str) -> str:
    keyed = bool(_KEYED_SECTION.match(section))
    logged = _LOGGED_COMMAND.match(body)
    if logged:
        # IOS config logging (`%PARSER-5-CFGLOG_LOGGEDCMD`) echoes whole commands.
        body = logged["head"] + _apply_rules(logged["command"], in_keyed_section=False)
    else:
        body = _apply_rules(body, keyed)
    return _SHAPE.sub(MASK, _mask_keywords(body, section))


# Escape sequences and characters that print nothing: a terminal's colour codes, C0 and C1
# controls, DEL, the byte-order mark and other invisible format characters. A secret keyword
# after any of them is still a keyword: lines are matched with them taken out.
_INVISIBLE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def _mask_line(body: str, section: str) -> str:
    view = _INVISIBLE.sub("", body)
    if not _TRIGGER.search(view):
        return body
    # Repeat until nothing changes, so that masking is idempotent by construction. It ends:
    # each change replaces a value other than MASK by MASK, or the rest of the line by MASK.
    masked = view
    while True:
        again = _one_pass(masked, section)
        if again == masked:
            break
        masked = again
    # A line that held a secret is stored as matched, without its invisible characters.
    return body if masked == view else masked


def mask_secrets(text: str) -> str:
    """`text` with every secret value it recognises replaced by MASK; lines are kept."""
    if not _TRIGGER.search(text):
        return text  # most outputs: no line could hold a secret, so none is looked at
    out: list[str] = []
    section = ""
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        visible = _INVISIBLE.sub("", body)
        if visible and not visible[0].isspace() and not visible.startswith("!"):
            section = visible
        out.append(_mask_line(body, section) + line[len(body) :])
    return "".join(out)
