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
# (Matched against the lower-cased text: much faster than an IGNORECASE alternation.)
_TRIGGER = re.compile(
    r"secret|passw|key|communit|snmp|md5|sha|psk|pmk|authenti|auth\s|token|pin\b|user:|\$"
    r"|encrypted|\b7\s+[0-9a-f]{8}|@|priv|esp\s|traps|informs|version\s+(?:1|2c)\b"
    # the wrappers of echoed commands, where abbreviations are read too
    r"|logged command|cmd:|cli command|\|"
)
# Sections whose ` key [T] V` child is a shared secret; elsewhere (`key chain`) ` key 1` is an id.
_KEYED_SECTION = re.compile(
    r"^((tacacs|radius) server |(tacacs|radius)-server host |aaa group server (tacacs\+|radius) "
    r"|aaa server radius |crypto isakmp client configuration group )"
)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    keyed_section_only: bool = False
    section: re.Pattern[str] | None = None


def _rule(pattern: str, *, keyed_section_only: bool = False, section: str | None = None) -> _Rule:
    # Keywords in any case and separated by any run of blanks: the configuration logger
    # echoes a command as it was typed.
    flexible = (
        pattern.replace(" *", "\0")
        .replace(" +", " ")
        .replace(" ", r"[ \t]+")
        .replace("\0", r"[ \t]*")
    )
    return _Rule(
        re.compile(flexible, re.IGNORECASE),
        keyed_section_only,
        re.compile(section, re.IGNORECASE) if section else None,
    )


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
        r"^\s*(lsp|hello)-password +(?!keychain\b)(accept +)?((text|hmac-md5|hmac-sha\S*) +)?"
        rf"((clear|encrypted) +)?{_V}"
    ),
    _rule(rf"^\s*ppp (chap password|pap sent-username \S+ password) +{_T}{_REST}"),
    _rule(rf"^\s*ip (ftp|http client) password +{_T}{_REST}"),
    _rule(rf"^\s*crypto isakmp key +([06] +)?{_V} +(address|hostname)\b"),
    _rule(rf"^\s*pre-shared-key +(address|hostname) .*? key +{_T}{_V}"),
    _rule(rf"^\s*pre-shared-key +(local +|remote +)?(?!(address|hostname)\b){_T}{_REST}"),
    _rule(rf"^\s*(standby|vrrp|glbp)( +\d+)? +authentication +(text +)?(?!md5\b){_V}"),
    _rule(rf"^\s*wpa-psk +(ascii|hex) +{_T}{_REST}"),
    # IOS-XE SNMPv3 with SHA-2, NX-OS-like `priv [cipher] V` (the cipher defaults to DES)
    _rule(
        rf"^\s*snmp-server user \S+ .*? auth +(md5|sha-2 +\d+|sha\S*) +((clear|encrypted) +)?{_V}"
    ),
    _rule(
        r"^\s*snmp-server user \S+ .*? priv +((3des|des56|des|aes +\d+|aes-?\d+|aes) +)?"
        rf"((clear|encrypted) +)?{_V}"
    ),
    # IOS-XR: `snmp-server vrf V host H ... COMMUNITY`, and ` host` under `snmp-server vrf V`
    _rule(
        r"^\s*snmp-server vrf \S+ host \S+( informs| traps)?(?! version 3\b)( version (1|2c))?"
        rf"( (clear|encrypted))? (?!(version|informs|traps|udp-port)\b){_V}"
    ),
    _rule(
        r"^\s*host \S+( informs| traps)?(?! version 3\b)( version (1|2c))?( (clear|encrypted))? "
        rf"(?!(version|informs|traps|udp-port)\b){_V}",
        section=r"snmp-server vrf ",
    ),
    # HSRP/VRRP text authentication under a group (IOS-XR `router hsrp`, NX-OS-like)
    _rule(rf"^\s+authentication +text +{_V}"),
    _rule(
        rf"^\s*(hsrp \d+ +)?authentication +(?!(keychain|key-chain|md5|text)\b){_V}\s*$",
        section=r"router hsrp\b",
    ),
    # EIGRP named mode, manual IPsec keys, OSPFv3 encryption, TrustSec, Umbrella, PKI token
    _rule(rf"^\s*authentication +mode +hmac-sha-256 +(\d+ +)?{_REST}"),
    _rule(rf"^.*?\bset +session-key +(inbound|outbound) +(esp|ah) +\d+ +(cipher +)?{_REST}"),
    _rule(
        r"^.*?\besp +(null|des|3des|aes-cbc|aes|aes-gcm)( +\d+)? +((clear|encrypted|\d) +)?"
        rf"{_REST}"
    ),
    _rule(rf"^\s*sap +pmk +{_V}"),
    _rule(rf"^\s*token +{_T}{_V}\s*$", section=r"parameter-map type umbrella\b"),
    _rule(rf"^.*?\buser-pin +{_T}{_V}"),
    _rule(rf"^\s*cable +shared-secret +{_T}{_REST}"),
    # Show commands that print secrets: `show snmp host` (a v1/v2c community is its "user"),
    # `show standby` / `show vrrp` (the text authentication string)
    _rule(rf"^\s*user: +{_V}\s+security +model: +v(1|2c)\b"),
    _rule(r'^\s*authentication +(text|md5)?,? *(string|key-string)? *"(?P<v>[^"]*)"'),
)


def _masked(match: re.Match[str]) -> str:
    """The matched line with its value group replaced by MASK."""
    start, end = match.span("v")
    return match.string[:start] + MASK + match.string[end:]


def _apply_rules(body: str, section: str) -> str:
    keyed = bool(_KEYED_SECTION.match(section))
    for rule in _RULES:
        if rule.keyed_section_only and not keyed:
            continue
        if rule.section is not None and not rule.section.match(section):
            continue
        match = rule.pattern.match(body)
        if match:
            body = _masked(match)
    return body


# --------------------------------------------------------------------------------------------
# Commands inside other output: the configuration logger, archive logs and diffs, history
# --------------------------------------------------------------------------------------------

# Where a router prints a command inside another line: `logged command:` (IOS config
# logging), `show archive log config all` (`... netops@vty0 |command`), the `+`/`-` of
# `show archive config differences` and IOS-XR commit changes, `show history all`
# (`CMD: 'command'`), an EEM action (`cli command "command"`). A `no` before the command is
# part of the head.
_WRAPPERS = tuple(
    re.compile(p)
    for p in (
        r"^(?P<head>.*?logged command: ?(?:no\s+)?)(?P<command>.*?)(?P<tail>)$",
        r"^(?P<head>\s*\d+\s+\d+\s+\S+\s*\|\s*(?:no\s+)?)(?P<command>.*?)(?P<tail>)$",
        r"^(?P<head>\s*[+-]\s?(?:no\s+)?)(?P<command>[A-Za-z].*?)(?P<tail>)$",
        r"^(?P<head>.*?\bCMD: '(?:no\s+)?)(?P<command>[^']*)(?P<tail>'.*)$",
        r"^(?P<head>.*?\bcli command \"(?:no\s+)?)(?P<command>[^\"]*)(?P<tail>\".*)$",
    )
)
# Abbreviations an operator may type (`enable sec X`, `username u pass X`, `snmp-server comm
# X`), read in echoed commands only: the rest of the command after one goes.
_TYPED = re.compile(
    r"(?<![\w./$-])(?:sec(?:r(?:e(?:t)?)?)?|pas(?:s(?:w(?:o(?:r(?:d)?)?)?)?)?"
    r"|com(?:m(?:u(?:n(?:i(?:t(?:y)?)?)?)?)?)?|key(?:-s(?:t(?:r(?:i(?:n(?:g)?)?)?)?)?)?)"
    r"(?![\w.-])(?:\s+(?:\d{1,2}|encrypted|clear)(?![\w-]))*\s+(?P<v>[^\s<])",
    re.IGNORECASE,
)


def _wrapped(body: str, section: str) -> str:
    """`body` with the command it echoes masked, when it echoes one."""
    for wrapper in _WRAPPERS:
        match = wrapper.match(body)
        if match:
            command = _apply_rules(match["command"], section)
            typed = _TYPED.search(command)
            if typed and MASK not in command[typed.start() :]:
                command = command[: typed.start("v")] + MASK
            return match["head"] + command + match["tail"]
    return _apply_rules(body, section)


# --------------------------------------------------------------------------------------------
# The net under the rules: a secret keyword anywhere in a line, and secret values by shape
# --------------------------------------------------------------------------------------------

# What comes between a keyword and its value without being the value: encryption types,
# algorithms, levels, and the label of `Community name: V`.
_QUALIFIER = (
    r"\d{1,2}|encrypted|clear|level\s+\d+|ascii|hex|text|password|hmac-[\w-]+|md5|sha-2\s+\d+"
    r"|sha\w*|accept|name|securityname|string|3des|des56|des|aes-?\d+|aes\s+\d+|aes"
)
_KEYWORD = re.compile(
    r"(?<![\w./$-])"
    r"(?P<kw>(?:password|passwd|secret|key|key-string|server-key|pre-shared-key|psk|wpa-psk"
    r"|authentication-key|message-digest-key|community-map|snmp-server\s+community|area-password"
    r"|domain-password|lsp-password|hello-password|password-encrypt|text-authentication"
    r"|md5|sha1|shared-secret|user-pin|pmk)"
    r"|auth(?=\s+(?:md5|sha))|(?<!3 )priv|community(?=\s+(?:name|securityname|string)\s*:)"
    r"|(?:nhrp|standby|vrrp|glbp|hsrp)(?:\s+\d+)?\s+authentication)"
    r"(?![\w.-])"
    rf"(?:\s+(?:{_QUALIFIER})(?![\w-]))*"
    r"(?:\s*[:=]\s*|\s+)(?P<v>\S)",
    re.IGNORECASE,
)
# Words after a keyword that make it no secret: a key chain and its ids, `crypto key
# generate`, `password encryption aes`, a key-chain reference, `Community Index: N`, and the
# words of status lines and log messages (`Simple password authentication enabled`,
# `Password: not required`, `key id is 1`, `No MD5 digest from`, `DH key size`).
_NOT_A_VALUE = re.compile(
    r"(?:chain|keychain|key-chain|key-string|encryption|inheritance-disable|disable|index"
    r"|authentication|required|not|none|id|is|size|keyboard|digest|sha\d+|md5|available"
    r"|enabled|disabled|for|algorithm|read|write|notify|context|access|match)\b",
    re.IGNORECASE,
)
_KEY_ID = re.compile(r"^\s*key\s+\d+\s*$")
_NTP_KEY_ID = re.compile(r"^\s*(?:ntp\s+)?(?:server|peer)\b.*\bkey\s+\d+\b")
_DESCRIPTION = re.compile(r"\bdescription\b", re.IGNORECASE)
# Hashes (`$1$`, `$5$`, `$6$`, `$8$`, `$9$`, `$14$`, yescrypt, bcrypt), reversible type 7 or
# `encrypted` hex strings, and the password of a `user:password@host` URL, wherever they
# stand and whatever keyword (or none) is before.
_SHAPE = re.compile(
    r"(?<![\w$])\$(?:1|5|6|8|9|14|y|2[aby]?)\$[./A-Za-z0-9$]{4,}"
    r"|(?<=\b7 )(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{8,}(?![\w.])"
    r"|(?<=\bencrypted )[0-9A-Fa-f]{8,}(?![\w.])"
    r"|(?<=[\w.-]:)(?<!://)[^\s@/:<>]+(?=@[\w.\[-])"
)


def _is_value(body: str, match: re.Match[str], after: int, section: str) -> bool:
    start = match.start("v")
    if match.start() < after or body.startswith(MASK, start):
        return False  # a rule masked this command already; the keyword is part of it
    if _NOT_A_VALUE.match(body, start) or _DESCRIPTION.search(body, 0, match.start()):
        return False
    keyword = match["kw"].lower()
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


def _one_pass(body: str, section: str, net: bool) -> str:
    body = _wrapped(body, section)
    if net:
        body = _mask_keywords(body, section)
    return _SHAPE.sub(MASK, body)


# Escape sequences and characters that print nothing: a terminal's colour codes, C0 and C1
# controls, DEL, the byte-order mark and other invisible format characters. A secret keyword
# after (or among) any of them is still a keyword: lines are matched with them taken out.
_INVISIBLE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def _mask_line(body: str, section: str, net: bool = True) -> str:
    view = _INVISIBLE.sub("", body)
    if not _TRIGGER.search(view.lower()):
        return body
    # Repeat until nothing changes, so that masking is idempotent by construction. It ends:
    # each change replaces a value other than MASK by MASK, or the rest of the line by MASK.
    masked = view
    while True:
        again = _one_pass(masked, section, net)
        if again == masked:
            break
        masked = again
    # A line that held a secret is stored as matched, without its invisible characters.
    return body if masked == view else masked


# Tables whose every row holds a secret in its last column (`show crypto isakmp key`), and
# tables of free text that name no secret (`show interfaces description`): by their header.
_PSK_TABLE = re.compile(r"^\s*Keyring\s+Hostname/Address\s+Preshared\s+Key\s*$")
_DESCRIPTION_TABLE = re.compile(r"^\s*Interface\s+Status\s+Protocol\s+Description\s*$")
_LAST_WORD = re.compile(r"(?<=\s)\S+\s*$")


def mask_secrets(text: str) -> str:
    """`text` with every secret value it recognises replaced by MASK; lines are kept."""
    lowered = text.lower()
    if not _TRIGGER.search(lowered) and not (
        _INVISIBLE.search(text) and _TRIGGER.search(_INVISIBLE.sub("", lowered))
    ):
        return text  # most outputs: no line could hold a secret, so none is looked at
    out: list[str] = []
    section = table = ""
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        visible = _INVISIBLE.sub("", body)
        if visible and not visible[0].isspace() and not visible.startswith("!"):
            section = visible
        if _PSK_TABLE.match(visible) or _DESCRIPTION_TABLE.match(visible):
            table = visible
        elif table.startswith("Keyring") and visible.strip():
            body = _LAST_WORD.sub(MASK, visible) if MASK not in visible else visible
        masked = _mask_line(body, section, net=not table.startswith("Interface"))
        out.append(masked + line[len(line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")) :])
    return "".join(out)
