"""Management plane: Schedule 2 lines 10-15 (DNS, ftp/tftp source, console login,
password of last resort, TACACS and the vty access list)."""

from __future__ import annotations

from netaccept.check import check
from netaccept.core.interfaces import same_interface
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device
from netaccept.platforms.configuration import (
    AaaConfig,
    AclEntry,
    ConsoleConfig,
    NameConfig,
    TacacsConfig,
    TransferSources,
    VtyConfig,
    VtyLine,
)
from netaccept.platforms.facts import TacacsServerStats
from netaccept.session.dns import LoopbackDns


@check("loopback_dns")
def test_loopback_dns(
    device: Device, name_config: NameConfig, dns_lookups: LoopbackDns, verdict: Verdict
) -> None:
    """Verify DNS (loopback) (Schedule 2, line 10).

    From the harness, asks the name servers of `dns.servers` for the PTR of the loopback
    address the router reports. Passes when the PTR names the router (`dns.name`, else
    `<device>.<dns.domain>`), that name's A record is the loopback address, and the router's
    own name servers are those of `dns.router_name_servers` (when given).
    Fails with the PTR found (or NXDOMAIN), the A record found, or the name servers found.
    A name server that does not answer makes the check an error, not a failure.
    """
    assert device.dns is not None  # the dns_lookups fixture has made sure
    expected = device.dns.fqdn(device.name)
    address = dns_lookups.address
    for answer in (dns_lookups.ptr, *dns_lookups.forward):
        if not answer.decided:
            raise Undecidable(
                f"DNS {answer.kind} {answer.name} @{answer.server}: {answer.status}; "
                "check dns.servers and dns.port"
            )
    names = [v.rstrip(".").lower() for v in dns_lookups.ptr.values]
    verdict.expect(
        names == [str(expected).lower()],
        ok=f"PTR of {address} is {expected}",
        fail=f"PTR of {address} is {', '.join(names) or dns_lookups.ptr.status}, "
        f"expected {expected}",
    )
    for answer in dns_lookups.forward:
        verdict.expect(
            list(answer.values) == [address],
            ok=f"{answer.kind} of {answer.name} is {address}",
            fail=f"{answer.kind} of {answer.name} is "
            f"{', '.join(answer.values) or answer.status}, expected {address}",
        )
    wanted = [str(a) for a in device.dns.router_name_servers]
    if wanted:
        verdict.expect(
            name_config.name_servers == wanted,
            ok=f"router name servers {' '.join(wanted)}",
            fail=f"router name servers {' '.join(name_config.name_servers) or '(none)'}, "
            f"expected {' '.join(wanted)}",
        )


@check("ftp_tftp_source")
def test_ftp_tftp_source(
    device: Device, transfer_sources: TransferSources, verdict: Verdict
) -> None:
    """Verify source interface loopback for ftp and tftp (Schedule 2, line 11).

    Passes when both the ftp and the tftp source interface are `transfer_source` (default:
    the loopback, `loopback`): IOS `ip ftp|tftp source-interface`, IOS-XR
    `ftp|tftp client source-interface`.
    Fails naming the protocol and the interface found (or that none is set).
    """
    wanted = device.transfer_source or device.loopback
    for protocol, found in (("ftp", transfer_sources.ftp), ("tftp", transfer_sources.tftp)):
        verdict.expect(
            found is not None and same_interface(found, wanted),
            ok=f"{protocol} source-interface {found}",
            fail=f"{protocol} source-interface {found or '(not set)'}, expected {wanted}",
        )


@check("console_login")
def test_console_login(
    device: Device, console_config: ConsoleConfig, aaa_config: AaaConfig, verdict: Verdict
) -> None:
    """Verify console login (Schedule 2, line 12).

    Passes when the console line (`line con 0`, IOS-XR `line console`) authenticates with an
    AAA login list (its own `login authentication` list, or the default list under
    `aaa new-model`) whose first method is not `none`, has no `no login`, and has an
    exec-timeout that is neither 0 (never) nor above `console.max_exec_timeout_minutes`
    (default 15).
    Fails naming what is wrong: no authentication, a list that is not defined, a list that
    lets anyone in (`none`), `no login`, or the exec-timeout.
    """
    if not console_config.found:
        verdict.fail("no console line in the running configuration")
        return
    verdict.expect(
        not console_config.no_login,
        ok="console has no 'no login'",
        fail="console line has 'no login': anyone at the console gets a prompt",
    )
    name = console_config.login_list
    methods = aaa_config.login_lists.get(name or "") or []
    if name is None:
        verdict.fail(
            "console does not authenticate through AAA (no login authentication list, "
            "no aaa new-model)"
        )
    elif name not in aaa_config.login_lists:
        # What an undefined list does is the platform's and release's business; a
        # certificate cannot state that the console asks for credentials.
        verdict.fail(
            f"console login list {name} is not defined (no aaa authentication login {name})"
        )
    elif methods[:1] == ["none"]:
        # `none` always succeeds, so no method after it is ever asked.
        verdict.fail(
            f"console login list {name} ({' '.join(methods)}) starts with none: "
            "anyone at the console gets a prompt without credentials"
        )
    else:
        verdict.ok(f"console authenticates with AAA list {name}")
    limit = device.console.max_exec_timeout_minutes
    minutes = console_config.exec_timeout_minutes
    verdict.expect(
        minutes is not None and 0 < minutes <= limit,
        ok=f"console exec-timeout {minutes:g} min (maximum {limit})",
        fail=f"console exec-timeout {'0 (never)' if not minutes else f'{minutes:g} min'}, "
        f"expected 1 to {limit} min",
    )


@check("last_resort_password")
def test_last_resort_password(device: Device, aaa_config: AaaConfig, verdict: Verdict) -> None:
    """Verify password of last resort (Schedule 2, line 13).

    Passes when the AAA login list `aaa.login_list` (default "default") falls back, after
    its TACACS+/RADIUS groups, to a local method, and that local credential exists and is
    hashed: `local` needs a local user with a `secret` (type 5, 8 or 9), `enable` needs a
    hashed `enable secret`. Decided from the structure of the configuration alone; the
    secret itself is masked before anything is stored and never printed.
    Fails naming the list's methods, or the missing or reversible credential.
    """
    name = device.aaa.login_list
    if not aaa_config.new_model:
        verdict.fail("aaa new-model is not configured: there is no AAA login list to fall back")
        return
    methods = aaa_config.login_lists.get(name)
    if methods is None:
        verdict.fail(f"no aaa authentication login {name} list")
        return
    listed = " ".join(methods)
    groups = [i for i, m in enumerate(methods) if m.startswith("group ")]
    fallback = [
        m
        for i, m in enumerate(methods)
        if m in ("local", "local-case", "enable") and (not groups or i > groups[0])
    ]
    if not groups:
        verdict.fail(f"login list {name} ({listed}) uses no TACACS+/RADIUS group")
    if not fallback:
        verdict.fail(f"login list {name} ({listed}) has no local fallback (local or enable)")
        return
    method = fallback[0]
    if method == "enable":
        usable = [c for c in aaa_config.credentials if c.name == "enable" and c.hashed]
        what = "a hashed enable secret"
    else:
        usable = [c for c in aaa_config.credentials if c.name != "enable" and c.hashed]
        what = "a local user with a hashed secret"
    if usable:
        verdict.ok(
            f"login list {name} ({listed}) falls back to {method}; "
            f"{usable[0].kind} {usable[0].name} is hashed (type {usable[0].encryption})"
        )
    else:
        weak = [c for c in aaa_config.credentials if not c.hashed]
        detail = (
            "; found " + ", ".join(f"{c.kind} {c.name} (type {c.encryption})" for c in weak)
            if weak
            else ""
        )
        verdict.fail(f"login list {name} falls back to {method} but there is no {what}{detail}")


@check("tacacs")
def test_tacacs(
    device: Device,
    aaa_config: AaaConfig,
    tacacs_config: TacacsConfig,
    tacacs_servers: list[TacacsServerStats],
    verdict: Verdict,
) -> None:
    """Verify TACACS (Schedule 2, line 14).

    Passes when AAA is on (`aaa new-model` on IOS), every server of `tacacs.servers` is
    configured, the source interface is `tacacs.source_interface` (when given), and every
    expected server has answered (`show tacacs`: packets received > 0).
    Fails naming each server missing from the configuration, a wrong source interface, and
    each server that never answered (with its failed connects, timeouts or errors).
    """
    expected = device.tacacs
    if expected is None:
        raise Undecidable(
            f"the inventory gives no tacacs.servers for {device.name}: add them, or list tacacs "
            "under not_applicable with a reason"
        )
    verdict.expect(aaa_config.new_model, ok="aaa new-model", fail="aaa new-model is not configured")
    stats = {s.address: s for s in tacacs_servers}
    for address in (str(a) for a in expected.servers):
        if address not in tacacs_config.servers:
            verdict.fail(f"TACACS+ server {address} is not configured")
            continue
        server = stats.get(address)
        if server is None:
            verdict.fail(f"TACACS+ server {address} has no counters in show tacacs")
        elif server.packets_in == 0:
            verdict.fail(
                f"TACACS+ server {address} never answered: 0 packets received, "
                f"{server.packets_out} sent, {server.failed_connects} failed connects, "
                f"{server.timeouts} timeouts"
            )
        else:
            verdict.ok(f"TACACS+ server {address} answers ({server.packets_in} packets received)")
    if expected.source_interface:
        found = tacacs_config.source_interface
        verdict.expect(
            found is not None and same_interface(found, expected.source_interface),
            ok=f"TACACS+ source-interface {found}",
            fail=f"TACACS+ source-interface {found or '(not set)'}, "
            f"expected {expected.source_interface}",
        )


@check("vty_acl")
def test_vty_acl(device: Device, vty_config: VtyConfig, verdict: Verdict) -> None:
    """Verify access-list for vty (Schedule 2, line 15).

    Passes when every vty line (IOS `line vty`, IOS-XR `line default` / `line template`)
    has an inbound access-class, that ACL exists, each of its permit entries lies inside
    one of `vty.permitted_prefixes` (and none permits any), and transport input is exactly
    `vty.transport_input` (default ssh). The IPv6 list on the line (IOS `ipv6
    access-class`; on IOS-XR the `ipv6 access-list` of the access-class's name) must exist
    and permit nothing outside the IPv6 prefixes of `vty.permitted_prefixes` either; a
    router with IPv6 on any interface that is not shut down needs that IPv6 list.
    Fails naming the line without access-class, the missing ACL, the ACL line permitting
    too much, or the transport found.
    """
    if device.vty is None:
        raise Undecidable(
            f"the inventory gives no vty.permitted_prefixes for {device.name}: add them, or "
            "list vty_acl under not_applicable with a reason"
        )
    if not vty_config.lines:
        verdict.fail("no vty line in the running configuration")
        return
    for line in vty_config.lines:
        if line.access_class is None:
            verdict.fail(f"{line.name}: no inbound access-class")
            continue
        _vty_list(device, line, "access-class", vty_config.acls, verdict)
        if line.ipv6_access_class is not None:
            _vty_list(device, line, "ipv6 access-class", vty_config.ipv6_acls, verdict)
        elif vty_config.ipv6_interfaces:
            # The IPv4 list filters IPv4 logins only.
            verdict.fail(
                f"{line.name}: no IPv6 access list, while IPv6 is enabled on "
                f"{', '.join(vty_config.ipv6_interfaces)}: logins over IPv6 are not filtered"
            )
        wanted = sorted(device.vty.transport_input)
        found = sorted(line.transport_input)
        verdict.expect(
            found == wanted,
            ok=f"{line.name}: transport input {' '.join(found)}",
            fail=f"{line.name}: transport input {' '.join(found) or '(default: all)'}, "
            f"expected {' '.join(wanted)}",
        )


def _vty_list(
    device: Device,
    line: VtyLine,
    keyword: str,
    acls: dict[str, list[AclEntry]],
    verdict: Verdict,
) -> None:
    """One access list of a vty line (IPv4, or IPv6) against the management prefixes."""
    assert device.vty is not None
    ipv6 = keyword.startswith("ipv6")
    name = line.ipv6_access_class if ipv6 else line.access_class
    entries = acls.get(name or "")
    if entries is None:
        verdict.fail(f"{line.name}: {keyword} {name} does not exist")
        return
    allowed = device.vty.permitted_prefixes
    permits = [e for e in entries if e.action == "permit"]
    loose = [e.text for e in permits if not e.inside(allowed)]
    for text in loose:
        verdict.fail(
            f"{line.name}: {'ipv6 ' if ipv6 else ''}access-list {name} line {text!r} "
            "permits more than the management prefixes"
        )
    if loose:
        return
    if permits:
        verdict.ok(
            f"{line.name}: {keyword} {name} permits only "
            f"{', '.join(str(p) for p in allowed if p.version == (6 if ipv6 else 4))}"
        )
    elif ipv6:
        # An IPv6 list that permits nothing keeps logins to IPv4: that is allowed.
        verdict.ok(f"{line.name}: {keyword} {name} permits no IPv6 source")
    else:
        verdict.fail(f"{line.name}: access-list {name} permits nothing")
