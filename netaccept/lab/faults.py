"""The lab's fault catalogue: for every check and platform, one fault that breaks exactly it.

A fault rewrites the recorded outputs of a healthy lab router (the IOS `nyc-gsr-01` or the
IOS-XR `nyc-gsr-02`) the way the real failure would show on the router, and names the
object that the check's failure message must mention. Applied one at a time to a copy of
the healthy router, each fault must fail its own check and no other: that is the proof
that every check decides from what it claims to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from netaccept.core.catalogue import PlatformName

Outputs = dict[str, str]
Edit = Callable[[Outputs], None]

BASE: dict[PlatformName, str] = {"cisco_ios": "nyc-gsr-01", "cisco_xr": "nyc-gsr-02"}


class FaultDoesNotApply(ValueError):
    """A fault's rewrite found nothing to change: the recording no longer has what it breaks."""


@dataclass(frozen=True)
class Fault:
    """One way to break one check on one platform."""

    name: str
    check: str
    platform: PlatformName
    description: str
    names: str  # what the failure message must mention
    edits: tuple[Edit, ...]
    loopback: str | None = None  # a new loopback address, with `ptr` as its wrong PTR name
    ptr: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def apply(self, outputs: Mapping[str, str]) -> Outputs:
        """The outputs of a router with this fault; raises FaultDoesNotApply if it changes nothing."""
        broken = dict(outputs)
        for edit in self.edits:
            edit(broken)
        if broken == dict(outputs):
            raise FaultDoesNotApply(f"fault {self.name} changed nothing")
        return broken


def sub(command: str, pattern: str, replacement: str, count: int = 1) -> Edit:
    """Replace `pattern` (a regular expression, multi-line) in the output of `command`."""

    def edit(outputs: Outputs) -> None:
        new, found = re.subn(pattern, replacement, outputs[command], count=count, flags=re.M)
        if not found:
            raise FaultDoesNotApply(f"{pattern!r} not found in the output of {command!r}")
        outputs[command] = new

    return edit


RUN = "show running-config"
IOS_PING_LINK = "ping 10.1.0.2 repeat 100 size 1500 source GigabitEthernet2/0"
XR_PING_LINK = "ping 10.1.0.1 count 100 size 1500 source GigabitEthernet0/2/0/0"
FAILED_100 = r"Success rate is 0 percent (0/100)"
FAILED_5 = r"Success rate is 0 percent (0/5)"


def _ping_loss(command: str, total: int) -> Edit:
    def edit(outputs: Outputs) -> None:
        text = outputs[command]
        text = re.sub(r"^!+$", lambda m: "." * len(m.group(0)), text, flags=re.M)
        text, found = re.subn(
            r"^Success rate is 100 percent \(\d+/\d+\).*$",
            f"Success rate is 0 percent (0/{total})",
            text,
            flags=re.M,
        )
        if not found:
            raise FaultDoesNotApply(f"no successful ping in {command!r}")
        outputs[command] = text

    return edit


def _add_log(command: str, line: str) -> Edit:
    def edit(outputs: Outputs) -> None:
        outputs[command] = outputs[command].rstrip("\n") + "\n" + line

    return edit


IOS: list[Fault] = [
    Fault("ping-loss-on-intrapop-link", "intrapop_links", "cisco_ios",
          "ping 0/100 across the link to nyc-gsr-02", "10.1.0.2",
          (_ping_loss(IOS_PING_LINK, 100),)),
    Fault("probe-unscheduled", "rpms_config", "cisco_ios",
          "ip sla 20 is configured but never scheduled", "probe 20",
          (sub(RUN, r"^ip sla schedule 20 .*\n", ""),)),
    Fault("probe-timeout", "rpms_test", "cisco_ios",
          "probe 10's latest operation timed out", "probe 10",
          (sub("show ip sla statistics", r"Latest RTT: 1 milliseconds", "Latest RTT: NoConnection/Busy/Timeout"),
           sub("show ip sla statistics", r"Latest operation return code: OK", "Latest operation return code: Timeout"))),
    Fault("noc-unreachable", "ip_connectivity", "cisco_ios",
          "the NOC host does not answer pings from Loopback0", "198.51.100.10",
          (_ping_loss("ping 198.51.100.10 repeat 5 size 100 source Loopback0", 5),)),
    Fault("isis-net-missing", "isis_config", "cisco_ios",
          "router isis CORE has no NET", "net",
          (sub(RUN, r"^ net 49\.0001\.1920\.0000\.2001\.00\n", ""),)),
    Fault("bgp-wrong-remote-as", "bgp_config", "cisco_ios",
          "neighbour 192.0.2.4 configured in AS 64999", "192.0.2.4",
          (sub(RUN, r"^ neighbor 192\.0\.2\.4 remote-as 64500$", " neighbor 192.0.2.4 remote-as 64999"),)),
    Fault("isis-adjacency-init", "isis_neighbors", "cisco_ios",
          "adjacency to nyc-gsr-02 stuck in INIT", "nyc-gsr-02",
          (sub("show isis neighbors", r"^(nyc-gsr-02\s+L2\s+Gi2/0\s+\S+\s+)UP ", r"\1INIT"),)),
    Fault("bgp-neighbor-idle", "bgp_neighbors", "cisco_ios",
          "iBGP session to chi-gsr-01 Idle", "192.0.2.4",
          (sub("show ip bgp summary", r"^(192\.0\.2\.4\s+.*?)\s+\S+\s+\d+$", r"\1 never    Idle"),)),
    Fault("crc-errors", "interfaces", "cisco_ios",
          "CRC errors on the link to nyc-gsr-02", "GigabitEthernet2/0",
          (sub("show interfaces",
               r"(GigabitEthernet2/0 is up(?s:.*?)\n\s+)0 input errors, 0 CRC",
               r"\g<1>1532 input errors, 1532 CRC"),)),
    Fault("wrong-ptr", "loopback_dns", "cisco_ios",
          "the loopback's PTR names another router", "PTR",
          (sub(RUN, r"ip address 192\.0\.2\.1 255\.255\.255\.255", "ip address 192.0.2.201 255.255.255.255"),),
          loopback="192.0.2.201", ptr="nyc-gsr-99.lab.example.net"),
    Fault("ftp-source-wrong", "ftp_tftp_source", "cisco_ios",
          "ip ftp source-interface on a core link", "ftp source-interface",
          (sub(RUN, r"^ip ftp source-interface Loopback0$", "ip ftp source-interface GigabitEthernet2/0"),)),
    Fault("console-no-login", "console_login", "cisco_ios",
          "line con 0 has no login", "no login",
          (sub(RUN, r"^(line con 0\n)", r"\1 no login\n"),)),
    Fault("aaa-without-local", "last_resort_password", "cisco_ios",
          "the login list has no local fallback", "no local fallback",
          (sub(RUN, r"^aaa authentication login default group tacacs\+ local$",
               "aaa authentication login default group tacacs+"),)),
    Fault("tacacs-unreachable", "tacacs", "cisco_ios",
          "TACACS+ server 192.0.2.11 never answers", "192.0.2.11",
          (sub("show tacacs",
               r"(192\.0\.2\.11/49\n(?:.*\n)*?\s+Failed Connect Attempts:\s+)0(\n(?:.*\n)*?\s+Total Packets Recv:\s+)\d+",
               r"\g<1>57\g<2>0"),)),
    Fault("vty-without-access-class", "vty_acl", "cisco_ios",
          "line vty 5 15 without access-class", "line vty 5 15",
          (sub(RUN, r"^(line vty 5 15\n(?:.*\n)*?) access-class 20 in\n", r"\1"),)),
    Fault("image-not-approved", "ios_version", "cisco_ios",
          "running 12.0(32)SY7, not the approved 12.0(32)SY8", "12.0(32)SY7",
          (sub("show version", r"Version 12\.0\(32\)SY8,", "Version 12.0(32)SY7,"),)),
    Fault("md5-mismatch", "flash", "cisco_ios",
          "the image on flash has another MD5", "MD5",
          (sub("verify /md5 disk0:c12kprp-k4p-mz.120-32.SY8.bin", r"= [0-9a-f]{32}",
               "= 00000000000000000000000000000bad"),)),
    Fault("low-free-memory", "rp_memory", "cisco_ios",
          "processor memory almost exhausted", "processor memory free",
          (sub("show memory statistics",
               r"^Processor(\s+\S+\s+)(\d+)\s+\d+\s+\d+",
               r"Processor\g<1>\g<2>  1855000000    48271168"),)),
    Fault("malloc-failure-logged", "logs", "cisco_ios",
          "%SYS-2-MALLOCFAIL in the last hour", "%SYS-2-MALLOCFAIL",
          (_add_log("show logging", "Nov 22 09:31:04.117 UTC: %SYS-2-MALLOCFAIL: Memory allocation "
                    "of 65536 bytes failed from 0x6027A1C4, alignment 0"),)),
    Fault("description-without-order", "interface_descriptions", "cisco_ios",
          "POS4/0's description lacks its order id", "POS4/0",
          (sub("show interfaces description", r"PSO-2001-0042 Example Backbone Corp",
               "Example Backbone Corp"),)),
]  # fmt: skip

XR: list[Fault] = [
    Fault("ping-loss-on-intrapop-link", "intrapop_links", "cisco_xr",
          "ping 0/100 across the link to nyc-gsr-01", "10.1.0.1",
          (_ping_loss(XR_PING_LINK, 100),)),
    Fault("probe-unscheduled", "rpms_config", "cisco_xr",
          "operation 20 is configured but never scheduled", "probe 20",
          (sub(RUN, r"^ schedule operation 20\n(  .*\n)* !\n", ""),)),
    Fault("probe-timeout", "rpms_test", "cisco_xr",
          "operation 10's latest operation timed out", "probe 10",
          (sub("show ipsla statistics", r"Latest operation return code  : OK",
               "Latest operation return code  : Timeout"),)),
    Fault("noc-unreachable", "ip_connectivity", "cisco_xr",
          "the NOC host does not answer pings from Loopback0", "198.51.100.10",
          (_ping_loss("ping 198.51.100.10 count 5 size 100 source Loopback0", 5),)),
    Fault("isis-metric-narrow", "isis_config", "cisco_xr",
          "router isis CORE runs narrow metrics", "metric-style",
          (sub(RUN, r"^  metric-style wide$", "  metric-style narrow"),)),
    Fault("bgp-missing-update-source", "bgp_config", "cisco_xr",
          "neighbour 192.0.2.1 without update-source", "192.0.2.1",
          (sub(RUN, r"^( neighbor 192\.0\.2\.1\n(?:  .*\n)*?)  update-source Loopback0\n", r"\1"),)),
    Fault("isis-adjacency-init", "isis_neighbors", "cisco_xr",
          "adjacency to nyc-gsr-01 stuck in Init", "nyc-gsr-01",
          (sub("show isis neighbors", r"^(nyc-gsr-01\s+Gi0/2/0/0\s+\S+\s+)Up  ", r"\1Init"),)),
    Fault("bgp-neighbor-idle", "bgp_neighbors", "cisco_xr",
          "iBGP session to nyc-gsr-01 Idle", "192.0.2.1",
          (sub("show bgp summary", r"^(192\.0\.2\.1\s+.*?)\s+\S+\s+\d+$", r"\1 never    Idle"),)),
    Fault("crc-errors", "interfaces", "cisco_xr",
          "CRC errors on the link to nyc-gsr-01", "GigabitEthernet0/2/0/0",
          (sub("show interfaces",
               r"(GigabitEthernet0/2/0/0 is up(?s:.*?)\n\s+)0 input errors, 0 CRC",
               r"\g<1>871 input errors, 871 CRC"),)),
    Fault("wrong-ptr", "loopback_dns", "cisco_xr",
          "the loopback's PTR names another router", "PTR",
          (sub(RUN, r"ipv4 address 192\.0\.2\.2 255\.255\.255\.255", "ipv4 address 192.0.2.202 255.255.255.255"),),
          loopback="192.0.2.202", ptr="nyc-gsr-98.lab.example.net"),
    Fault("tftp-source-missing", "ftp_tftp_source", "cisco_xr",
          "no tftp client source-interface", "tftp source-interface",
          (sub(RUN, r"^tftp client source-interface Loopback0\n", ""),)),
    Fault("console-never-times-out", "console_login", "cisco_xr",
          "line console exec-timeout 0 0", "exec-timeout",
          (sub(RUN, r"^(line console\n) exec-timeout 10 0$", r"\1 exec-timeout 0 0"),)),
    Fault("aaa-without-local", "last_resort_password", "cisco_xr",
          "the login list has no local fallback", "no local fallback",
          (sub(RUN, r"^aaa authentication login default group tacacs\+ local$",
               "aaa authentication login default group tacacs+"),)),
    Fault("tacacs-unreachable", "tacacs", "cisco_xr",
          "TACACS+ server 192.0.2.11 never answers", "192.0.2.11",
          (sub("show tacacs",
               r"^(Server: 192\.0\.2\.11/49 opens=)\d+ closes=\d+ aborts=0 errors=0\n(\s+)packets in=\d+",
               r"\g<1>0 closes=0 aborts=0 errors=57\n\g<2>packets in=0"),)),
    Fault("acl-permits-any", "vty_acl", "cisco_xr",
          "VTY-ACCESS permits any source", "permit ipv4 any any",
          (sub(RUN, r"^( 20 permit ipv4 198\.51\.100\.0 0\.0\.0\.255 any\n)", r"\1 25 permit ipv4 any any\n"),)),
    Fault("image-not-approved", "ios_version", "cisco_xr",
          "running 3.9.0, not the approved 3.9.1", "3.9.0",
          (sub("show version", r"Version 3\.9\.1\[00\]", "Version 3.9.0[00]"),)),
    Fault("md5-mismatch", "flash", "cisco_xr",
          "the image on flash has another MD5", "MD5",
          (sub("show md5 file disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm", r"^[0-9a-f]{32}$",
               "00000000000000000000000000000bad"),)),
    Fault("low-free-memory", "rp_memory", "cisco_xr",
          "application memory almost exhausted", "processor memory free",
          (sub("show memory summary", r"\(\d+M available\)", "(37M available)"),)),
    Fault("malloc-failure-logged", "logs", "cisco_xr",
          "a process reported a memory allocation failure", "MALLOCFAIL",
          (_add_log("show logging", "RP/0/0/CPU0:Nov 22 09:31:04.117 UTC: bgp[1052]: "
                    "%OS-SYSMGR-2-MALLOCFAIL : Memory allocation of 65536 bytes failed"),)),
    Fault("description-without-order", "interface_descriptions", "cisco_xr",
          "Gi0/1/0/0's description lacks its order id", "GigabitEthernet0/1/0/0",
          (sub("show interfaces description", r"PSO-2001-0051 Example Backbone Corp",
               "Example Backbone Corp"),)),
]  # fmt: skip

CATALOGUE: tuple[Fault, ...] = (*IOS, *XR)


def fault(platform: PlatformName, check_id: str) -> Fault:
    """The catalogue's fault for `check_id` on `platform`."""
    for candidate in CATALOGUE:
        if candidate.platform == platform and candidate.check == check_id:
            return candidate
    raise KeyError(f"no fault for {check_id} on {platform}")
