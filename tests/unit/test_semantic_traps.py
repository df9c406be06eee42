"""Semantic traps (issue 11): router states that read like a pass and are not one.

Each case starts from a healthy lab router's recorded outputs (real IOS 12.0S and IOS-XR 3.9
text) and changes them the way the trap shows on a real router; the decision then runs
in-process through the real readers, recipes and check, as in `test_check_decisions`. The
configuration-level cases read small running-configuration excerpts through the registry.
Every trap case passed before its fix; the controls beside them show that the fix did not
turn a healthy router into a failure.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from netaccept.core.verdicts import Status
from netaccept.inventory import Device
from netaccept.platforms.cisco_ios.configuration import log_time_config as ios_log_time
from netaccept.platforms.cisco_xr.configuration import log_time_config as xr_log_time
from netaccept.platforms.config import Config, parse_config
from netaccept.platforms.parsing import parse
from netaccept.platforms.registry import platform as registered
from tests.conftest import ROOT
from tests.unit.test_check_decisions import INVENTORY, decide, recorded

IOS = INVENTORY.device("nyc-gsr-01")  # IOS 12.0(32)SY8, ordered ports POS4/0 and POS4/1
XR = INVENTORY.device("nyc-gsr-02")  # IOS-XR 3.9.1, ordered port GigabitEthernet0/1/0/0
RTR = INVENTORY.device("chi-gsr-01")  # IOS 12.0S with `rtr` probes
RUN = "show running-config"
GENIE = ROOT.parent / "shared" / "corpus" / "genieparser"


def swap(outputs: dict[str, str], command: str, old: str, new: str, count: int = 1) -> None:
    """Replace `old` in the output of `command`; the recording must still hold it."""
    assert old in outputs[command], f"{old!r} is not in {command!r}: the recording changed"
    outputs[command] = outputs[command].replace(old, new, count)


def log(outputs: dict[str, str], *lines: str) -> None:
    outputs["show logging"] = outputs["show logging"].rstrip("\n") + "\n" + "\n".join(lines)


def run(check_id: str, device: Device, outputs: dict[str, str]) -> tuple[Status, str]:
    _, dns = recorded(device)
    return decide(check_id, device, outputs, dns)


def with_logs(device: Device, **policy: Any) -> Device:
    return device.model_copy(update={"logs": device.logs.model_copy(update=policy)})


# ---------------------------------------------------------------- logs: one time base


def ios_eastern_clock_utc_stamps() -> dict[str, str]:
    """`clock timezone EST -5`, log stamps without `localtime` (so in UTC, no zone shown)."""
    outputs, _ = recorded(IOS)
    swap(outputs, RUN, "clock timezone UTC 0", "clock timezone EST -5")
    swap(
        outputs,
        RUN,
        "service timestamps log datetime msec localtime show-timezone",
        "service timestamps log datetime msec",
    )
    outputs["show clock"] = "05:00:25.189 EST Sun Nov 22 2026\n"  # 10:00:25 UTC
    swap(outputs, "show logging", " UTC: %", ": %", count=-1)
    return outputs


def test_fresh_error_stamped_in_utc_under_a_local_clock_fails_the_logs_check() -> None:
    outputs = ios_eastern_clock_utc_stamps()
    # 09:55 UTC is five minutes before the clock's 05:00 EST; read naively it lies in the
    # future, and "a stamp after the clock" used to mean "last year": out of the window.
    log(
        outputs,
        "Nov 22 09:55:02.311: %SYS-2-MALLOCFAIL: Memory allocation of 65536 bytes failed "
        "from 0x6027A1C4, alignment 0",
    )
    status, message = run("logs", IOS, outputs)
    assert status is Status.FAIL, message
    assert "%SYS-2-MALLOCFAIL" in message
    assert "2026-11-22 04:55:02" in message, "the message's time, in the clock's time base"


def test_an_error_older_than_the_window_in_local_time_passes() -> None:
    # Control: with `localtime` the stamps and the clock agree; a day-and-a-half-old error
    # is outside the 24-hour window and must not be pulled into it.
    outputs, _ = recorded(IOS)
    swap(outputs, RUN, "clock timezone UTC 0", "clock timezone EST -5")
    outputs["show clock"] = "05:00:25.189 EST Sun Nov 22 2026\n"
    log(outputs, "Nov 20 17:00:00.000 EST: %SYS-2-MALLOCFAIL: Memory allocation failed")
    status, message = run("logs", IOS, outputs)
    assert status is Status.PASS, message


def test_xr_clock_offset_given_as_a_region_with_utc_stamps_is_an_error() -> None:
    outputs, _ = recorded(XR)
    swap(outputs, RUN, "clock timezone UTC 0", "clock timezone EST America/New_York")
    swap(
        outputs,
        RUN,
        "service timestamps log datetime localtime msec show-timezone",
        "service timestamps log datetime msec show-timezone",
    )
    outputs["show clock"] = "Sun Nov 22 05:00:26.927 EST\n05:00:26.933 EST Sun Nov 22 2026\n"
    log(outputs, "RP/0/0/CPU0:Nov 22 09:55:04.117 UTC: bgp[1052]: %OS-SYSMGR-2-MALLOCFAIL : x")
    status, message = run("logs", XR, outputs)
    assert status is Status.ERROR, message
    assert "EST" in message


def test_xr_configuration_silent_on_the_stamps_widens_to_both_time_bases() -> None:
    outputs, _ = recorded(XR)
    swap(outputs, RUN, "clock timezone UTC 0", "clock timezone EST -5")
    swap(outputs, RUN, "service timestamps log datetime localtime msec show-timezone\n", "")
    outputs["show clock"] = "Sun Nov 22 05:00:26.927 EST\n05:00:26.933 EST Sun Nov 22 2026\n"
    log(
        outputs,
        "RP/0/0/CPU0:Nov 22 09:55:04.117 UTC: bgp[1052]: %OS-SYSMGR-2-MALLOCFAIL : "
        "Memory allocation of 65536 bytes failed",
    )
    status, message = run("logs", XR, outputs)
    assert status is Status.FAIL, message
    assert "MALLOCFAIL" in message


# ---------------------------------------------------------------- logs: nothing examined


@pytest.mark.parametrize("answer", ["Command authorization failed.\n", "% Authorization failed.\n"])
def test_an_authorization_failure_for_show_logging_is_an_error_not_an_empty_log(
    answer: str,
) -> None:
    outputs, _ = recorded(IOS)
    outputs["show logging"] = answer
    status, message = run("logs", IOS, outputs)
    assert status is Status.ERROR, message
    assert "the router refused the command (authorization failed)" in message


IOS_BUFFER_DISABLED = """\
Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)
    Console logging: disabled
    Monitor logging: level debugging, 0 messages logged
    Buffer logging: disabled
    Logging Exception size (8192 bytes)
    Trap logging: level informational, 634 message lines logged
        Logging to 192.0.2.20, 634 message lines logged
"""


def test_buffer_logging_disabled_is_an_error_on_12_0s() -> None:
    outputs, _ = recorded(IOS)
    outputs["show logging"] = IOS_BUFFER_DISABLED
    status, message = run("logs", IOS, outputs)
    assert status is Status.ERROR, message
    assert "disabled" in message


def test_buffer_logging_disabled_is_an_error_on_ios_xe() -> None:
    # A real IOS-XE answer: "Buffer logging:  disabled, xml disabled," and an empty buffer.
    raw = GENIE / "iosxe" / "ShowLogging" / "golden_output_10_output.txt"
    outputs, _ = recorded(IOS)
    outputs["show logging"] = raw.read_text(encoding="utf-8")
    status, message = run("logs", IOS, outputs)
    assert status is Status.ERROR, message
    assert "disabled" in message


def test_xr_buffer_logging_disabled_is_an_error() -> None:
    outputs, _ = recorded(XR)
    header, _, _ = outputs["show logging"].partition("Log Buffer")
    swap(outputs, "show logging", outputs["show logging"], header)
    swap(outputs, "show logging", "Buffer logging: level debugging, 494 messages logged",
         "Buffer logging: disabled")  # fmt: skip
    status, message = run("logs", XR, outputs)
    assert status is Status.ERROR, message
    assert "disabled" in message


def test_a_buffer_that_keeps_only_critical_messages_is_an_error() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, "show logging", "Buffer logging: level debugging, 630 messages logged",
         "Buffer logging: level critical, 3 messages logged")  # fmt: skip
    status, message = run("logs", IOS, outputs)
    assert status is Status.ERROR, message
    assert "critical" in message


def test_a_buffer_below_the_configured_threshold_is_an_error() -> None:
    # logs.max_severity 4 (warnings), the buffer keeps errors (3) and above only.
    outputs, _ = recorded(IOS)
    swap(outputs, "show logging", "Buffer logging: level debugging, 630 messages logged",
         "Buffer logging: level errors, 12 messages logged")  # fmt: skip
    status, message = run("logs", with_logs(IOS, max_severity=4), outputs)
    assert status is Status.ERROR, message
    assert "errors" in message


def test_a_buffer_that_keeps_warnings_is_enough_for_errors() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, "show logging", "Buffer logging: level debugging, 630 messages logged",
         "Buffer logging: level warnings, 12 messages logged")  # fmt: skip
    status, message = run("logs", IOS, outputs)
    assert status is Status.PASS, message


# ---------------------------------------------------------------- logs: allow-list


PORT_DOWN = (
    "Nov 22 09:41:17.902 UTC: %LINK-3-UPDOWN: Interface POS4/0, changed state to down",
    "Nov 22 09:41:17.905 UTC: %LINEPROTO-5-UPDOWN: Line protocol on Interface POS4/0, "
    "changed state to down",
)
FLAP_NOISE = with_logs(IOS, allow=[r"%LINK-3-UPDOWN", r"%LINEPROTO-5-UPDOWN"])


def test_an_allow_pattern_never_exempts_an_ordered_port_going_down() -> None:
    outputs, _ = recorded(IOS)
    log(outputs, *PORT_DOWN)
    status, message = run("logs", FLAP_NOISE, outputs)
    assert status is Status.FAIL, message
    assert "POS4/0" in message and "ordered port down" in message


def test_an_allow_pattern_still_exempts_other_interfaces() -> None:
    outputs, _ = recorded(IOS)
    log(outputs, *(line.replace("POS4/0", "GigabitEthernet2/3") for line in PORT_DOWN))
    status, message = run("logs", FLAP_NOISE, outputs)
    assert status is Status.PASS, message


# ---------------------------------------------------------------- interfaces


def test_a_looped_ordered_port_is_not_up_up() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, "show interfaces", "POS4/0 is up, line protocol is up ",
         "POS4/0 is up, line protocol is up (looped)")  # fmt: skip
    status, message = run("interfaces", IOS, outputs)
    assert status is Status.FAIL, message
    assert "POS4/0: up/up (looped), expected up/up" in message


BRI = """\
BRI0 is up, line protocol is up (spoofing)
  Hardware is PQUICC BRI with U interface
  Internet address is 10.250.0.1/30
  MTU 1500 bytes, BW 64 Kbit, DLY 20000 usec,
     reliability 255/255, txload 1/255, rxload 1/255
  Encapsulation PPP, loopback not set
     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort
     0 output errors, 0 collisions, 0 interface resets
"""


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("BRI0 is up, line protocol is up (spoofing)", "up/up (spoofing)"),
        ("BRI0 is up (spoofing), line protocol is up (spoofing)", "up (spoofing)/up (spoofing)"),
    ],
)
def test_a_spoofing_interface_is_not_up_up(header: str, shown: str) -> None:
    outputs, _ = recorded(IOS)
    outputs["show interfaces"] = outputs["show interfaces"].rstrip("\n") + "\n"
    outputs["show interfaces"] += BRI.replace("BRI0 is up, line protocol is up (spoofing)", header)
    device = IOS.model_copy(
        update={"interfaces": IOS.interfaces.model_copy(update={"in_service": ["BRI0"]})}
    )
    status, message = run("interfaces", device, outputs)
    assert status is Status.FAIL, message
    assert f"BRI0: {shown}, expected up/up" in message


def test_an_err_disabled_link_reads_as_down_and_says_why() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, "show interfaces", "GigabitEthernet2/0 is up, line protocol is up ",
         "GigabitEthernet2/0 is down, line protocol is down (err-disabled)")  # fmt: skip
    status, message = run("interfaces", IOS, outputs)
    assert status is Status.FAIL, message
    assert "GigabitEthernet2/0: down/down (err-disabled), expected up/up" in message


def test_a_switch_port_up_connected_is_up_up() -> None:
    # Control: IOS switch ports print "line protocol is up (connected)" when all is well.
    outputs, _ = recorded(IOS)
    swap(outputs, "show interfaces", "GigabitEthernet2/0 is up, line protocol is up ",
         "GigabitEthernet2/0 is up, line protocol is up (connected)")  # fmt: skip
    status, message = run("interfaces", IOS, outputs)
    assert status is Status.PASS, message


# ---------------------------------------------------------------- probes that stop


def test_an_ip_sla_probe_without_life_forever_fails_rpms_config() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, RUN, "ip sla schedule 10 life forever start-time now",
         "ip sla schedule 10 start-time now")  # fmt: skip
    status, message = run("rpms_config", IOS, outputs)
    assert status is Status.FAIL, message
    assert "probe 10" in message and "3600 s" in message and "life forever" in message


def test_an_rtr_probe_with_a_life_of_an_hour_fails_rpms_config() -> None:
    outputs, _ = recorded(RTR)
    swap(outputs, RUN, "rtr schedule 10 life forever start-time now",
         "rtr schedule 10 life 3600 start-time now")  # fmt: skip
    status, message = run("rpms_config", RTR, outputs)
    assert status is Status.FAIL, message
    assert "probe 10" in message and "3600 s" in message


def test_an_xr_operation_scheduled_without_life_forever_fails_rpms_config() -> None:
    outputs, _ = recorded(XR)
    swap(outputs, RUN, " schedule operation 10\n  start-time now\n  life forever\n",
         " schedule operation 10\n  start-time now\n")  # fmt: skip
    status, message = run("rpms_config", XR, outputs)
    assert status is Status.FAIL, message
    assert "probe 10" in message and "3600 s" in message


def test_an_ip_sla_probe_whose_life_ran_out_weeks_ago_fails_rpms_test() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, "show ip sla statistics",
         "Latest operation start time: 09:59:22.415 UTC Sun Nov 22 2026",
         "Latest operation start time: 04:15:22.415 UTC Sun Nov 1 2026")  # fmt: skip
    swap(outputs, "show ip sla statistics", "Operation time to live: Forever",
         "Operation time to live: 0")  # fmt: skip
    status, message = run("rpms_test", IOS, outputs)
    assert status is Status.FAIL, message
    assert "probe 10" in message and "21 days" in message
    assert "probe 20" not in message


def test_an_rtr_entry_whose_latest_operation_is_hours_old_fails_rpms_test() -> None:
    outputs, _ = recorded(RTR)
    swap(outputs, "show rtr operational-state",
         "Latest operation start time: 09:59:45.233 UTC Sun Nov 22 2026",
         "Latest operation start time: 04:17:45.233 UTC Sun Nov 22 2026")  # fmt: skip
    status, message = run("rpms_test", RTR, outputs)
    assert status is Status.FAIL, message
    assert "probe 10" in message and "5 h" in message


def test_an_xr_operation_whose_latest_result_is_weeks_old_fails_rpms_test() -> None:
    outputs, _ = recorded(XR)
    swap(outputs, "show ipsla statistics",
         "Latest operation start time   : 10:00:07.902 UTC Sun Nov 22 2026",
         "Latest operation start time   : 04:20:07.902 UTC Sun Nov 1 2026")  # fmt: skip
    swap(outputs, "show ipsla statistics", "Current seconds left in Life  : Forever",
         "Current seconds left in Life  : 0")  # fmt: skip
    status, message = run("rpms_test", XR, outputs)
    assert status is Status.FAIL, message
    assert "probe 10" in message and "21 days" in message


def test_a_probe_within_its_periods_passes_rpms_test() -> None:
    # Control: two minutes old, at a frequency of 60 s, is within three periods.
    outputs, _ = recorded(IOS)
    swap(outputs, "show ip sla statistics",
         "Latest operation start time: 09:59:22.415 UTC Sun Nov 22 2026",
         "Latest operation start time: 09:58:22.415 UTC Sun Nov 22 2026")  # fmt: skip
    status, message = run("rpms_test", IOS, outputs)
    assert status is Status.PASS, message


# ---------------------------------------------------------------- console login


@pytest.mark.parametrize("methods", ["none", "none local"])
def test_a_console_login_list_that_starts_with_none_does_not_authenticate(methods: str) -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, RUN, "aaa authentication login default group tacacs+ local\n",
         "aaa authentication login default group tacacs+ local\n"
         f"aaa authentication login CONSOLE {methods}\n")  # fmt: skip
    swap(outputs, RUN, "line con 0\n exec-timeout 10 0\n login authentication default",
         "line con 0\n exec-timeout 10 0\n login authentication CONSOLE")  # fmt: skip
    status, message = run("console_login", IOS, outputs)
    assert status is Status.FAIL, message
    assert "CONSOLE" in message and "none" in message


def test_a_console_login_list_that_is_not_defined_is_not_authentication() -> None:
    outputs, _ = recorded(IOS)
    swap(outputs, RUN, "line con 0\n exec-timeout 10 0\n login authentication default",
         "line con 0\n exec-timeout 10 0\n login authentication NOSUCH")  # fmt: skip
    status, message = run("console_login", IOS, outputs)
    assert status is Status.FAIL, message
    assert "console login list NOSUCH is not defined" in message


# ---------------------------------------------------------------- vty: IPv6 too


def ios_with_ipv6_vty(entries: str, name: str = "MGMT-V6") -> dict[str, str]:
    outputs, _ = recorded(IOS)
    swap(outputs, RUN, "ip sla 10\n", f"ipv6 access-list MGMT-V6\n{entries}ip sla 10\n")
    for vty in ("line vty 0 4", "line vty 5 15"):
        swap(outputs, RUN, f"{vty}\n access-class 20 in\n",
             f"{vty}\n access-class 20 in\n ipv6 access-class {name} in\n")  # fmt: skip
    return outputs


def test_an_ios_ipv6_access_class_that_permits_any_fails_vty_acl() -> None:
    outputs = ios_with_ipv6_vty(" permit ipv6 any any\n")
    status, message = run("vty_acl", IOS, outputs)
    assert status is Status.FAIL, message
    assert "line vty 0 4" in message and "permit ipv6 any any" in message


def test_an_ios_ipv6_access_class_naming_no_list_fails_vty_acl() -> None:
    outputs = ios_with_ipv6_vty(" deny ipv6 any any log\n", name="MGMT-V6-TYPO")
    status, message = run("vty_acl", IOS, outputs)
    assert status is Status.FAIL, message
    assert "MGMT-V6-TYPO does not exist" in message


def test_an_ios_ipv6_access_class_inside_the_management_prefixes_passes() -> None:
    outputs = ios_with_ipv6_vty(
        " sequence 10 permit ipv6 2001:DB8:100::/48 any\n"
        " sequence 20 permit tcp host 2001:DB8:200::10 any eq 22\n"
        " sequence 30 deny ipv6 any any log\n"
    )
    assert IOS.vty is not None
    vty = IOS.vty.model_validate(
        {
            "permitted_prefixes": [
                *(str(p) for p in IOS.vty.permitted_prefixes),
                "2001:db8:100::/48",
                "2001:db8:200::/64",
            ],
            "transport_input": IOS.vty.transport_input,
        }
    )
    status, message = run("vty_acl", IOS.model_copy(update={"vty": vty}), outputs)
    assert status is Status.PASS, message


def test_an_ios_ipv6_access_class_that_denies_all_passes() -> None:
    outputs = ios_with_ipv6_vty(" deny ipv6 any any log\n")
    status, message = run("vty_acl", IOS, outputs)
    assert status is Status.PASS, message


def test_an_xr_ipv6_acl_of_the_vty_access_class_name_that_permits_any_fails_vty_acl() -> None:
    # IOS-XR applies the IPv4 and the IPv6 list of the access-class's name, both.
    outputs, _ = recorded(XR)
    swap(outputs, RUN, "ipv4 access-list VTY-ACCESS\n",
         "ipv6 access-list VTY-ACCESS\n 10 permit ipv6 any any\n!\n"
         "ipv4 access-list VTY-ACCESS\n")  # fmt: skip
    status, message = run("vty_acl", XR, outputs)
    assert status is Status.FAIL, message
    assert "line default" in message and "permit ipv6 any any" in message


def with_ipv6_on_loopback(device: Device, outputs: dict[str, str]) -> None:
    if device.platform == "cisco_ios":
        swap(outputs, RUN, "interface Loopback0\n ip address 192.0.2.1 255.255.255.255\n",
             "interface Loopback0\n ip address 192.0.2.1 255.255.255.255\n"
             " ipv6 address 2001:DB8:1::1/128\n")  # fmt: skip
    else:
        swap(outputs, RUN, "interface Loopback0\n ipv4 address 192.0.2.2 255.255.255.255\n",
             "interface Loopback0\n ipv4 address 192.0.2.2 255.255.255.255\n"
             " ipv6 address 2001:db8:1::2/128\n")  # fmt: skip


@pytest.mark.parametrize("device", [IOS, XR], ids=["ios", "xr"])
def test_ipv6_on_the_router_without_an_ipv6_vty_filter_fails_vty_acl(device: Device) -> None:
    # The IPv4 access-class filters IPv4 logins only: with an IPv6 address on the router,
    # anyone can reach the vty lines over IPv6.
    outputs, _ = recorded(device)
    with_ipv6_on_loopback(device, outputs)
    status, message = run("vty_acl", device, outputs)
    assert status is Status.FAIL, message
    assert "IPv6" in message and "Loopback0" in message


def test_ipv6_on_the_router_with_an_ipv6_access_class_that_denies_all_passes() -> None:
    outputs = ios_with_ipv6_vty(" deny ipv6 any any log\n")
    with_ipv6_on_loopback(IOS, outputs)
    status, message = run("vty_acl", IOS, outputs)
    assert status is Status.PASS, message


# ---------------------------------------------------------------- ISIS on IOS-XR


def test_an_xr_isis_interface_that_is_shut_down_is_not_an_isis_interface() -> None:
    outputs, _ = recorded(XR)
    swap(outputs, RUN, " interface GigabitEthernet0/2/0/1\n  point-to-point\n",
         " interface GigabitEthernet0/2/0/1\n  shutdown\n  point-to-point\n")  # fmt: skip
    status, message = run("isis_config", XR, outputs)
    assert status is Status.FAIL, message
    assert "GigabitEthernet0/2/0/1" in message


def test_xr_isis_reads_a_shut_down_interface_as_neither_enabled_nor_passive() -> None:
    config = parse_config(
        dedent("""\
        router isis CORE
         net 49.0001.1920.0000.2002.00
         interface Loopback0
          passive
          shutdown
          address-family ipv4 unicast
          !
         !
         interface POS0/3/0/0
          shutdown
          address-family ipv4 unicast
          !
         !
         interface GigabitEthernet0/2/0/0
          address-family ipv4 unicast
          !
         !
        !
        """)
    )
    isis = registered("cisco_xr").configuration.isis(config)
    assert isis is not None
    assert (isis.interfaces, isis.passive) == (["GigabitEthernet0/2/0/0"], [])


# ---------------------------------------------------------------- the guard of the table


def test_every_trap_case_starts_from_a_router_that_passes() -> None:
    """The traps above are the only difference: the recorded routers pass these checks."""
    for device in (IOS, XR, RTR):
        outputs, _ = recorded(device)
        for check_id in ("logs", "interfaces", "rpms_config", "rpms_test", "vty_acl"):
            status, message = run(check_id, device, outputs)
            assert status is Status.PASS, (device.name, check_id, message)


# ---------------------------------------------------------------- the readers behind them


def cfg(text: str) -> Config:
    return parse_config(dedent(text))


EASTERN = """\
    clock timezone EST -5 0
    clock summer-time EDT recurring
    service timestamps log datetime msec show-timezone
"""


@pytest.mark.parametrize(
    ("clock_zone", "shifts"),
    [("EST", [timedelta(hours=-5)]), ("EDT", [timedelta(hours=-4)]), ("PST", None)],
)
def test_ios_utc_stamps_are_shifted_by_the_offset_of_the_zone_the_clock_shows(
    clock_zone: str, shifts: list[timedelta] | None
) -> None:
    # The run reaches this rule through the platform's `logs` recipe.
    assert ios_log_time(cfg(EASTERN)).stamp_shifts(clock_zone) == shifts


def test_ios_localtime_stamps_are_in_the_clock_s_time_base() -> None:
    config = cfg(EASTERN.replace("msec show-timezone", "msec localtime show-timezone"))
    assert ios_log_time(config).stamp_shifts("PST") == [timedelta(0)]


@pytest.mark.parametrize(
    ("lines", "clock_zone", "shift"),
    [
        ("clock timezone NST -3 30\n", "NST", -timedelta(hours=3, minutes=30)),
        ("clock timezone IST 5 30\n", "IST", timedelta(hours=5, minutes=30)),
        (
            "clock timezone LHST 10 30\n"
            "clock summer-time LHDT recurring 1 Sun Oct 2:00 1 Sun Apr 2:00 30\n",
            "LHDT",
            timedelta(hours=11),
        ),
        ("", "UTC", timedelta(0)),  # no clock timezone: the clock runs in UTC
    ],
)
def test_clock_offsets_with_minutes_and_summer_time_shifts(
    lines: str, clock_zone: str, shift: timedelta
) -> None:
    config = parse_config(lines + "service timestamps log datetime msec\n")
    assert ios_log_time(config).stamp_shifts(clock_zone) == [shift]


def test_xr_configuration_silent_on_the_stamps_gives_both_time_bases() -> None:
    config = cfg("""\
        clock timezone EST -5
    """)
    assert xr_log_time(config).stamp_shifts("EST") == [timedelta(hours=-5), timedelta(0)]
    assert ios_log_time(config).stamp_shifts("EST") == [timedelta(hours=-5)]


@pytest.mark.parametrize(
    ("schedule", "life"),
    [
        ("ip sla schedule 10 life forever start-time now", None),
        ("ip sla schedule 10 start-time now", 3600),
        ("ip sla schedule 10 life 7200 start-time now", 7200),
        ("ip sla schedule 10 life 86400 start-time 00:00:00 recurring", None),
        ("ip sla schedule 10 life 3600 start-time 00:00:00 recurring", 3600),
    ],
)
def test_ios_probe_life_from_its_schedule(schedule: str, life: int | None) -> None:
    config = parse_config(f"ip sla 10\n icmp-echo 192.0.2.100\n frequency 60\n{schedule}\n")
    [probe] = registered("cisco_ios").configuration.probes(config)
    assert probe.life_seconds == life


def test_ios_ipv6_access_lists_are_read_with_their_sources() -> None:
    config = cfg("""\
        ipv6 access-list MGMT-V6
         remark NOC and jump hosts
         sequence 10 permit ipv6 2001:DB8:100::/48 any
         sequence 20 permit tcp host 2001:DB8:200::10 any eq 22
         permit ipv6 object-group NOC any
         deny ipv6 any any log
        line vty 0 4
         access-class 20 in
         ipv6 access-class MGMT-V6 in
    """)
    vty = registered("cisco_ios").configuration.vty(config)
    assert vty.lines[0].ipv6_access_class == "MGMT-V6"
    assert [(e.action, str(e.source)) for e in vty.ipv6_acls["MGMT-V6"]] == [
        ("permit", "2001:db8:100::/48"),
        ("permit", "2001:db8:200::10/128"),
        ("permit", "None"),  # an object-group is not read: counted as any
        ("deny", "None"),
    ]


def test_xr_vty_line_takes_the_ipv6_list_of_its_access_class_name_only_when_there_is_one() -> None:
    config = cfg("""\
        line default
         access-class ingress VTY-ACCESS
        !
        line template NOC
         access-class ingress NOC-ONLY
        !
        ipv4 access-list VTY-ACCESS
         10 permit ipv4 192.0.2.0 0.0.0.63 any
        !
        ipv6 access-list VTY-ACCESS
         10 permit ipv6 2001:db8:100::/48 any
        !
        ipv4 access-list NOC-ONLY
         10 permit ipv4 198.51.100.0 0.0.0.255 any
        !
    """)
    vty = registered("cisco_xr").configuration.vty(config)
    assert [(line.access_class, line.ipv6_access_class) for line in vty.lines] == [
        ("VTY-ACCESS", "VTY-ACCESS"),
        ("NOC-ONLY", None),
    ]
    assert set(vty.acls) == {"VTY-ACCESS", "NOC-ONLY"} and set(vty.ipv6_acls) == {"VTY-ACCESS"}


COMPLETE_LOGGING = sorted(
    path
    for path in [
        *(ROOT.parent / "shared" / "corpus" / "ntc-templates" / "cisco_ios" / "show_logging").glob(
            "*.raw"
        ),
        *GENIE.glob("ios*/ShowLogging/*_output.txt"),
    ]
    if "Syslog logging:" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("raw", COMPLETE_LOGGING, ids=[p.name for p in COMPLETE_LOGGING])
def test_every_real_show_logging_gives_its_buffer_line(raw: Path) -> None:
    text = raw.read_text(encoding="utf-8")
    platform = "cisco_xr" if "iosxr" in str(raw) else "cisco_ios"
    [row] = parse(f"own:{platform}_show_logging_buffer", text, "show logging")
    said = re.search(r"Buffer logging:\s+(?:level\s+)?(\w+)", text)
    assert said is not None
    assert (row["STATE"] or row["LEVEL"]) == said.group(1)


def test_the_corpus_has_complete_show_logging_outputs_of_each_kind() -> None:
    texts = [p.read_text(encoding="utf-8") for p in COMPLETE_LOGGING]
    assert len(texts) >= 20
    assert any("Buffer logging:  disabled" in t for t in texts)
    assert any("Buffer logging: level" in t or "Buffer logging:  level" in t for t in texts)


def test_a_clock_in_a_zone_the_configuration_does_not_name_has_no_known_offset() -> None:
    # No `clock timezone` read, yet the clock shows EST: the two do not belong together.
    config = parse_config("service timestamps log datetime msec\n")
    assert ios_log_time(config).stamp_shifts("EST") is None
    assert ios_log_time(config).stamp_shifts("UTC") == [timedelta(0)]
