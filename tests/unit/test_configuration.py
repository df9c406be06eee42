"""The typed facts read out of a running configuration, as specifications.

Each test states one behaviour of `netaccept.platforms.configuration` on a small, realistic
`show running-config` excerpt of IOS 12.0S / 12.4 / 15.x or IOS-XR 3.9 / 6.x. Secrets are
written as `netaccept.session.masking` leaves them (`<removed>`): that is the form these
functions see.
"""

from __future__ import annotations

import ipaddress
from textwrap import dedent

import pytest

from netaccept.core.catalogue import PlatformName
from netaccept.platforms.config import Config, parse_config
from netaccept.platforms.configuration import (
    AaaConfig,
    AclEntry,
    BgpConfig,
    BgpNeighborConfig,
    ConsoleConfig,
    IsisConfig,
    LocalCredential,
    NameConfig,
    ProbeConfig,
    TacacsConfig,
    TransferSources,
    VtyConfig,
)
from netaccept.platforms.registry import platform as registered
from netaccept.session.masking import mask_secrets

IOS: PlatformName = "cisco_ios"
XR: PlatformName = "cisco_xr"


# Each platform's rules, reached as the run reaches them: through the registry.
def isis_config(config: Config, platform: PlatformName) -> IsisConfig | None:
    return registered(platform).configuration.isis(config)


def bgp_config(config: Config, platform: PlatformName) -> BgpConfig | None:
    return registered(platform).configuration.bgp(config)


def transfer_sources(config: Config, platform: PlatformName) -> TransferSources:
    return registered(platform).configuration.transfer_sources(config)


def console_config(config: Config, platform: PlatformName) -> ConsoleConfig:
    return registered(platform).configuration.console(config)


def aaa_config(config: Config, platform: PlatformName) -> AaaConfig:
    return registered(platform).configuration.aaa(config)


def tacacs_config(config: Config, platform: PlatformName) -> TacacsConfig:
    return registered(platform).configuration.tacacs(config)


def vty_config(config: Config, platform: PlatformName) -> VtyConfig:
    return registered(platform).configuration.vty(config)


def probes_config(config: Config, platform: PlatformName) -> list[ProbeConfig]:
    return registered(platform).configuration.probes(config)


def name_config(config: Config, platform: PlatformName, loopback: str) -> NameConfig:
    return registered(platform).configuration.names(config, loopback)


def cfg(text: str) -> Config:
    """A running configuration written indented in the test, parsed."""
    return parse_config(dedent(text))


def net(prefix: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(prefix)


# ---------------------------------------------------------------- ISIS

IOS_ISIS = """\
    interface Loopback0
     ip address 192.0.2.1 255.255.255.255
    !
    interface GigabitEthernet2/0
     ip address 10.1.0.1 255.255.255.252
     ip router isis CORE
     isis network point-to-point
    !
    interface POS3/0
     ip address 10.3.0.1 255.255.255.252
     ip router isis CORE
    !
    interface POS4/0
     description PSO-2001-0042 Example Backbone Corp
     ip address 10.200.0.1 255.255.255.252
    !
    interface GigabitEthernet2/1
     ip address 10.9.0.1 255.255.255.252
     ip router isis OTHER
    !
    router isis CORE
     net 49.0001.1920.0000.2001.00
     is-type level-2-only
     metric-style wide level-2
     log-adjacency-changes
     passive-interface Loopback0
    !
    router isis OTHER
     net 49.0002.1920.0000.2001.00
    !
"""

XR_ISIS = """\
    router isis CORE
     is-type level-2-only
     net 49.0001.1920.0000.2006.00
     log adjacency changes
     address-family ipv4 unicast
      metric-style wide
     !
     interface Loopback0
      passive
      address-family ipv4 unicast
      !
     !
     interface GigabitEthernet0/2/0/0
      point-to-point
      address-family ipv4 unicast
       metric 10
      !
     !
     interface POS0/3/0/0
      point-to-point
      address-family ipv4 unicast
       metric 100
      !
     !
     interface GigabitEthernet0/2/0/7
      point-to-point
     !
    !
"""


def test_ios_isis_reads_tag_net_is_type_and_metric_style_of_the_first_process() -> None:
    isis = isis_config(cfg(IOS_ISIS), IOS)

    assert isis is not None
    assert isis.tag == "CORE"
    assert isis.nets == ["49.0001.1920.0000.2001.00"]
    assert isis.is_type == "level-2-only"
    assert isis.metric_style == "wide"  # `metric-style wide level-2` is wide


def test_ios_isis_interfaces_are_those_with_ip_router_isis_for_its_own_tag() -> None:
    isis = isis_config(cfg(IOS_ISIS), IOS)

    assert isis is not None
    # GigabitEthernet2/1 runs `ip router isis OTHER`; POS4/0 and Loopback0 run no ISIS.
    assert isis.interfaces == ["GigabitEthernet2/0", "POS3/0"]


def test_ios_isis_passive_interfaces_come_from_passive_interface_lines() -> None:
    isis = isis_config(cfg(IOS_ISIS), IOS)

    assert isis is not None
    assert isis.passive == ["Loopback0"]


def test_ios_isis_passive_interface_default_names_no_interface_default() -> None:
    config = cfg("""\
        router isis CORE
         net 49.0001.1920.0000.2001.00
         passive-interface default
         passive-interface Loopback0
        !
    """)

    isis = isis_config(config, IOS)

    assert isis is not None
    assert isis.passive == ["Loopback0"]


def test_ios_isis_without_tag_counts_interfaces_with_a_bare_ip_router_isis_only() -> None:
    config = cfg("""\
        interface POS0/0
         ip address 198.51.100.1 255.255.255.252
         ip router isis
        !
        interface POS1/0
         ip address 198.51.100.5 255.255.255.252
         ip router isis CORE
        !
        router isis
         net 49.0001.1920.0000.2011.00
         net 49.0002.1920.0000.2011.00
        !
    """)

    isis = isis_config(config, IOS)

    assert isis is not None
    assert isis.tag is None
    assert isis.nets == ["49.0001.1920.0000.2011.00", "49.0002.1920.0000.2011.00"]
    assert isis.interfaces == ["POS0/0"]


def test_ios_isis_leaves_unset_is_type_and_metric_style_as_none() -> None:
    config = cfg("""\
        router isis CORE
         net 49.0001.1920.0000.2001.00
        !
    """)

    isis = isis_config(config, IOS)

    assert isis is not None
    assert (isis.is_type, isis.metric_style, isis.interfaces, isis.passive) == (None, None, [], [])


def test_xr_isis_reads_tag_net_is_type_and_metric_style_under_the_ipv4_address_family() -> None:
    isis = isis_config(cfg(XR_ISIS), XR)

    assert isis is not None
    assert isis.tag == "CORE"
    assert isis.nets == ["49.0001.1920.0000.2006.00"]
    assert isis.is_type == "level-2-only"
    assert isis.metric_style == "wide"


def test_xr_isis_interfaces_need_the_ipv4_address_family_and_passive_ones_are_apart() -> None:
    isis = isis_config(cfg(XR_ISIS), XR)

    assert isis is not None
    # GigabitEthernet0/2/0/7 has no address family: ISIS carries nothing on it.
    assert isis.interfaces == ["GigabitEthernet0/2/0/0", "POS0/3/0/0"]
    assert isis.passive == ["Loopback0"]


def test_xr_isis_metric_style_outside_the_address_family_is_not_read() -> None:
    config = cfg("""\
        router isis CORE
         net 49.0001.1920.0000.2006.00
         address-family ipv4 unicast
         !
        !
    """)

    isis = isis_config(config, XR)

    assert isis is not None
    assert isis.metric_style is None


@pytest.mark.parametrize("platform", [IOS, XR])
def test_isis_is_none_without_router_isis(platform: PlatformName) -> None:
    config = cfg("""\
        hostname pe1-lon
        interface Loopback0
         ip address 192.0.2.1 255.255.255.255
        !
        router ospf 1
         network 192.0.2.0 0.0.0.255 area 0
        !
    """)

    assert isis_config(config, platform) is None


# ---------------------------------------------------------------- BGP

IOS_BGP = """\
    router bgp 64500
     no synchronization
     bgp log-neighbor-changes
     neighbor 10.200.0.2 remote-as 64520
     neighbor 10.200.0.2 description upstream transit
     neighbor 10.200.0.2 password 7 <removed>
     neighbor 192.0.2.2 remote-as 64500
     neighbor 192.0.2.2 description nyc-gsr-02
     neighbor 192.0.2.2 update-source Loopback0
     neighbor 192.0.2.2 route-reflector-client
     no auto-summary
    !
"""


def test_ios_bgp_reads_local_as_and_each_neighbour_with_its_settings() -> None:
    bgp = bgp_config(cfg(IOS_BGP), IOS)

    assert bgp is not None
    assert bgp.local_as == 64500
    assert bgp.neighbors == {
        "10.200.0.2": BgpNeighborConfig("10.200.0.2", 64520, None, "upstream transit"),
        "192.0.2.2": BgpNeighborConfig("192.0.2.2", 64500, "Loopback0", "nyc-gsr-02"),
    }


def test_ios_bgp_reads_asdot_as_numbers_as_asplain() -> None:
    config = cfg("""\
        router bgp 1.10
         bgp asnotation dot
         neighbor 192.0.2.2 remote-as 1.10
         neighbor 198.51.100.2 remote-as 65001
         neighbor 203.0.113.2 peer-group EBGP
         neighbor EBGP peer-group
         neighbor EBGP remote-as 2.0
        !
    """)

    bgp = bgp_config(config, IOS)

    assert bgp is not None
    assert bgp.local_as == 65546  # 1 * 65536 + 10, not 1
    assert bgp.neighbors["192.0.2.2"].remote_as == 65546
    assert bgp.neighbors["198.51.100.2"].remote_as == 65001
    assert bgp.neighbors["203.0.113.2"].remote_as == 131072


def test_ios_bgp_neighbours_inherit_settings_from_their_peer_group() -> None:
    config = cfg("""\
        router bgp 64500
         neighbor IBGP peer-group
         neighbor IBGP remote-as 64500
         neighbor IBGP update-source Loopback0
         neighbor IBGP description core iBGP mesh
         neighbor 192.0.2.2 peer-group IBGP
         neighbor 192.0.2.3 peer-group IBGP
         neighbor 192.0.2.3 description nyc-gsr-03 via POS
        !
    """)

    bgp = bgp_config(config, IOS)

    assert bgp is not None
    assert bgp.neighbors == {
        "192.0.2.2": BgpNeighborConfig("192.0.2.2", 64500, "Loopback0", "core iBGP mesh"),
        # the neighbour's own setting wins over its group's
        "192.0.2.3": BgpNeighborConfig("192.0.2.3", 64500, "Loopback0", "nyc-gsr-03 via POS"),
    }
    assert "IBGP" not in bgp.neighbors  # a peer group is not a session


def test_ios_bgp_reads_neighbours_of_an_indented_ipv4_address_family() -> None:
    config = cfg("""\
        router bgp 64500
         bgp log-neighbor-changes
         no bgp default ipv4-unicast
         neighbor IBGP peer-group
         neighbor IBGP remote-as 64500
         neighbor IBGP update-source Loopback0
         neighbor 192.0.2.4 remote-as 64500
         !
         address-family ipv4
          neighbor IBGP send-community
          neighbor 192.0.2.2 peer-group IBGP
          neighbor 192.0.2.4 activate
          neighbor 192.0.2.4 description chi-gsr-01
         exit-address-family
        !
    """)

    bgp = bgp_config(config, IOS)

    assert bgp is not None
    assert bgp.neighbors == {
        "192.0.2.2": BgpNeighborConfig("192.0.2.2", 64500, "Loopback0", None),
        "192.0.2.4": BgpNeighborConfig("192.0.2.4", 64500, None, "chi-gsr-01"),
    }


def test_ios_12_0s_bgp_reads_neighbours_of_a_flat_address_family_block() -> None:
    config = cfg("""\
        router bgp 64500
         neighbor IBGP peer-group
         neighbor IBGP remote-as 64500
         neighbor 192.0.2.4 remote-as 64500
         !
         address-family vpnv4
         neighbor 192.0.2.2 peer-group IBGP
         neighbor 192.0.2.4 activate
         exit-address-family
        !
    """)

    bgp = bgp_config(config, IOS)

    assert bgp is not None
    assert sorted(bgp.neighbors) == ["192.0.2.2", "192.0.2.4"]
    assert bgp.neighbors["192.0.2.2"].remote_as == 64500


def test_ios_bgp_neighbours_of_a_vrf_address_family_are_not_global_sessions() -> None:
    config = cfg("""\
        router bgp 64500
         neighbor 192.0.2.2 remote-as 64500
         !
         address-family ipv4 vrf CUST-A
          neighbor 203.0.113.2 remote-as 64510
          neighbor 203.0.113.2 activate
         exit-address-family
        !
    """)

    bgp = bgp_config(config, IOS)

    assert bgp is not None
    assert list(bgp.neighbors) == ["192.0.2.2"]


XR_BGP = """\
    router bgp 64500
     bgp router-id 192.0.2.6
     address-family ipv4 unicast
     !
     neighbor-group IBGP
      remote-as 64500
      update-source Loopback0
      description core iBGP mesh
      address-family ipv4 unicast
      !
     !
     neighbor 10.210.1.2
      remote-as 64510
      description customer Example Backbone Corp
      address-family ipv4 unicast
       route-policy PASS-ALL in
      !
     !
     neighbor 192.0.2.1
      use neighbor-group IBGP
      description nyc-gsr-01
     !
     neighbor 192.0.2.4
      use neighbor-group IBGP
     !
    !
"""


def test_xr_bgp_reads_local_as_and_neighbours_with_descriptions_with_spaces() -> None:
    bgp = bgp_config(cfg(XR_BGP), XR)

    assert bgp is not None
    assert bgp.local_as == 64500
    assert bgp.neighbors["10.210.1.2"] == BgpNeighborConfig(
        "10.210.1.2", 64510, None, "customer Example Backbone Corp"
    )


def test_xr_bgp_neighbours_take_settings_from_their_neighbor_group_and_their_own_win() -> None:
    bgp = bgp_config(cfg(XR_BGP), XR)

    assert bgp is not None
    assert bgp.neighbors["192.0.2.4"] == BgpNeighborConfig(
        "192.0.2.4", 64500, "Loopback0", "core iBGP mesh"
    )
    assert bgp.neighbors["192.0.2.1"] == BgpNeighborConfig(
        "192.0.2.1", 64500, "Loopback0", "nyc-gsr-01"
    )
    assert "IBGP" not in bgp.neighbors


def test_xr_bgp_reads_asdot_as_numbers_as_asplain() -> None:
    config = cfg("""\
        router bgp 1.10
         neighbor 192.0.2.1
          remote-as 1.10
         !
        !
    """)

    bgp = bgp_config(config, XR)

    assert bgp is not None
    assert bgp.local_as == 65546
    assert bgp.neighbors["192.0.2.1"].remote_as == 65546


@pytest.mark.parametrize("platform", [IOS, XR])
def test_bgp_is_none_without_router_bgp(platform: PlatformName) -> None:
    assert bgp_config(cfg(IOS_ISIS), platform) is None


# ---------------------------------------------------------------- ftp and tftp source


def test_ios_transfer_sources_are_ip_ftp_and_ip_tftp_source_interface() -> None:
    config = cfg("""\
        ip subnet-zero
        ip ftp source-interface Loopback0
        ip tftp source-interface Loopback1
        ip domain-name lab.example.net
    """)

    sources = transfer_sources(config, IOS)

    assert (sources.ftp, sources.tftp) == ("Loopback0", "Loopback1")


def test_ios_transfer_source_not_configured_is_none() -> None:
    config = cfg("""\
        ip tftp source-interface Loopback0
    """)

    sources = transfer_sources(config, IOS)

    assert (sources.ftp, sources.tftp) == (None, "Loopback0")


@pytest.mark.parametrize(
    "lines",
    [
        # IOS-XR 3.9
        ["ftp client source-interface Loopback0", "tftp client source-interface Loopback0"],
        # IOS-XR 6.x
        [
            "ftp client vrf default source-interface Loopback0",
            "tftp client vrf default source-interface Loopback0",
        ],
    ],
)
def test_xr_transfer_sources_are_ftp_and_tftp_client_source_interface(lines: list[str]) -> None:
    sources = transfer_sources(parse_config("\n".join(lines)), XR)

    assert (sources.ftp, sources.tftp) == ("Loopback0", "Loopback0")


def test_xr_tftp_client_source_is_not_read_as_the_ftp_one() -> None:
    config = cfg("""\
        tftp client vrf default source-interface Loopback0
    """)

    sources = transfer_sources(config, XR)

    assert (sources.ftp, sources.tftp) == (None, "Loopback0")


@pytest.mark.parametrize("platform", [IOS, XR])
def test_transfer_sources_absent_are_none(platform: PlatformName) -> None:
    sources = transfer_sources(cfg(IOS_BGP), platform)

    assert (sources.ftp, sources.tftp) == (None, None)


# ---------------------------------------------------------------- console


@pytest.mark.parametrize(
    ("timeout", "minutes"),
    [
        (" exec-timeout 10 0\n", 10.0),
        (" exec-timeout 0 0\n", 0.0),  # never times out
        (" exec-timeout 5 30\n", 5.5),
        (" exec-timeout 15\n", 15.0),
        ("", 10.0),  # the default when the line says nothing
    ],
)
def test_ios_console_exec_timeout_in_minutes(timeout: str, minutes: float) -> None:
    config = parse_config(f"aaa new-model\nline con 0\n{timeout} stopbits 1\nline aux 0\n")

    console = console_config(config, IOS)

    assert console.exec_timeout_minutes == minutes


def test_ios_console_uses_its_own_login_authentication_list() -> None:
    config = cfg("""\
        aaa new-model
        aaa authentication login CONSOLE group tacacs+ local
        !
        line con 0
         exec-timeout 10 0
         login authentication CONSOLE
        line aux 0
         no exec
        line vty 0 4
         login authentication VTY
    """)

    console = console_config(config, IOS)

    assert console.found
    assert console.line == "line con 0"
    assert console.login_list == "CONSOLE"
    assert not console.no_login
    assert not console.login_local


def test_ios_console_under_aaa_new_model_without_a_list_uses_the_default_list() -> None:
    config = cfg("""\
        aaa new-model
        aaa authentication login default group tacacs+ local
        line con 0
         exec-timeout 10 0
    """)

    assert console_config(config, IOS).login_list == "default"


def test_ios_console_without_aaa_new_model_has_no_login_list() -> None:
    config = cfg("""\
        line con 0
         exec-timeout 10 0
         password 7 <removed>
         login
    """)

    console = console_config(config, IOS)

    assert console.found
    assert console.login_list is None


def test_ios_console_with_no_login_says_so() -> None:
    config = cfg("""\
        line con 0
         exec-timeout 0 0
         no login
    """)

    console = console_config(config, IOS)

    assert console.no_login
    assert console.login_list is None
    assert console.exec_timeout_minutes == 0


def test_ios_console_with_login_local_says_so_and_has_no_aaa_list() -> None:
    config = cfg("""\
        username netops privilege 15 secret 5 <removed>
        line con 0
         login local
    """)

    console = console_config(config, IOS)

    assert console.login_local
    assert console.login_list is None
    assert not console.no_login


def test_xr_console_is_line_console_and_always_under_aaa() -> None:
    config = cfg("""\
        line console
         exec-timeout 5 0
        !
        line default
         access-class ingress VTY-ACCESS
         login authentication VTY
        !
    """)

    console = console_config(config, XR)

    assert console.found
    assert console.line == "line console"
    assert console.login_list == "default"
    assert console.exec_timeout_minutes == 5.0


def test_xr_console_reads_its_login_authentication_list() -> None:
    config = cfg("""\
        line console
         exec-timeout 10 0
         login authentication CONSOLE
        !
    """)

    assert console_config(config, XR).login_list == "CONSOLE"


@pytest.mark.parametrize("platform", [IOS, XR])
def test_console_not_found_without_a_console_line(platform: PlatformName) -> None:
    config = cfg("""\
        line aux 0
         no exec
        line vty 0 4
         login local
    """)

    console = console_config(config, platform)

    assert not console.found
    assert console.login_list is None
    assert console.exec_timeout_minutes is None


# ---------------------------------------------------------------- AAA and local credentials


def test_ios_aaa_new_model_is_read_from_its_line() -> None:
    assert aaa_config(cfg("aaa new-model\n"), IOS).new_model
    assert not aaa_config(cfg("no aaa new-model\n"), IOS).new_model
    assert not aaa_config(cfg("hostname pe1-lon\n"), IOS).new_model


def test_xr_aaa_is_always_new_model() -> None:
    assert aaa_config(cfg("hostname chi-xr-01\n"), XR).new_model


@pytest.mark.parametrize("platform", [IOS, XR])
def test_aaa_login_lists_with_their_methods_in_order(platform: PlatformName) -> None:
    config = cfg("""\
        aaa new-model
        aaa authentication login default group tacacs+ local
        aaa authentication login CONSOLE group TACACS-SERVERS enable
        aaa authentication login LOCAL-ONLY local
        aaa authentication login LINE line
        aaa authentication enable default group tacacs+ enable
        aaa authorization exec default group tacacs+ local
    """)

    assert aaa_config(config, platform).login_lists == {
        "default": ["group tacacs+", "local"],
        "CONSOLE": ["group TACACS-SERVERS", "enable"],
        "LOCAL-ONLY": ["local"],
        "LINE": ["line"],
    }


@pytest.mark.parametrize(
    ("line", "credential", "hashed"),
    [
        ("enable secret 5 <removed>", LocalCredential("enable secret", "enable", "5"), True),
        ("enable password 7 <removed>", LocalCredential("enable password", "enable", "7"), False),
        (
            "enable secret level 15 5 <removed>",
            LocalCredential("enable secret", "enable", "5"),
            True,
        ),
        ("enable secret 9 <removed>", LocalCredential("enable secret", "enable", "9"), True),
        (
            "enable password level 5 7 <removed>",
            LocalCredential("enable password", "enable", "7"),
            False,
        ),
        ("enable password <removed>", LocalCredential("enable password", "enable", "0"), False),
        (
            "username netops privilege 15 secret 5 <removed>",
            LocalCredential("username secret", "netops", "5"),
            True,
        ),
        (
            "username old password 7 <removed>",
            LocalCredential("username password", "old", "7"),
            False,
        ),
        (
            "username x secret 9 <removed>",
            LocalCredential("username secret", "x", "9"),
            True,
        ),
        (
            "username y nopassword",
            LocalCredential("username nopassword", "y", "none"),
            False,
        ),
    ],
)
def test_ios_credentials_with_their_encryption_type(
    line: str, credential: LocalCredential, hashed: bool
) -> None:
    credentials = aaa_config(parse_config(line), IOS).credentials

    assert credentials == [credential]
    assert credentials[0].hashed is hashed


def test_ios_username_named_like_a_keyword_is_not_a_second_credential() -> None:
    credentials = aaa_config(cfg("username secret password 7 <removed>\n"), IOS).credentials

    assert credentials == [LocalCredential("username password", "secret", "7")]
    assert not credentials[0].hashed


def test_xr_username_secret_on_its_own_line_is_a_credential() -> None:
    config = cfg("""\
        username netops
         group root-system
         secret 5 <removed>
        !
        username audit
         group operator
         password 7 <removed>
        !
        username nobody
         group operator
        !
    """)

    credentials = aaa_config(config, XR).credentials

    assert credentials == [
        LocalCredential("username secret", "netops", "5"),
        LocalCredential("username password", "audit", "7"),
        LocalCredential("username nopassword", "nobody", "none"),
    ]
    assert [c.hashed for c in credentials] == [True, False, False]


def test_xr_type_10_secret_is_hashed() -> None:
    config = cfg("""\
        username netops
         secret 10 <removed>
        !
    """)

    assert aaa_config(config, XR).credentials[0].hashed


def test_credentials_read_the_same_before_and_after_masking() -> None:
    text = dedent("""\
        enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
        enable password 7 0822455D0A16
        username netops privilege 15 secret 5 $1$nAcc$Xx5rVt7rPNoS4wqbXKX7m0
        username old password 7 094F471A1A0A
    """)

    masked = mask_secrets(text)

    assert "$1$" not in masked
    assert aaa_config(parse_config(masked), IOS) == aaa_config(parse_config(text), IOS)
    assert [c.hashed for c in aaa_config(parse_config(masked), IOS).credentials] == [
        True,
        False,
        True,
        False,
    ]


# ---------------------------------------------------------------- TACACS+


def test_ios_tacacs_servers_from_every_form_without_duplicates() -> None:
    config = cfg("""\
        tacacs-server host 192.0.2.10 key 7 <removed>
        tacacs-server host 192.0.2.11 single-connection key 7 <removed>
        tacacs server TAC-A
         address ipv4 192.0.2.12
         key 7 <removed>
        tacacs server TAC-B
         address ipv4 192.0.2.10
        !
        aaa group server tacacs+ TACACS-SERVERS
         server 192.0.2.13
         server name TAC-A
         server-private 192.0.2.14 key 7 <removed>
         server 192.0.2.11
    """)

    tacacs = tacacs_config(config, IOS)

    assert tacacs.servers == [
        "192.0.2.10",
        "192.0.2.11",
        "192.0.2.12",
        "192.0.2.13",
        "192.0.2.14",
    ]


def test_ios_tacacs_source_interface_is_the_global_ip_tacacs_one() -> None:
    config = cfg("""\
        ip tacacs source-interface Loopback0
        ip radius source-interface Loopback1
        tacacs-server host 192.0.2.10 key 7 <removed>
    """)

    tacacs = tacacs_config(config, IOS)

    assert tacacs.source_interface == "Loopback0"
    assert tacacs.servers == ["192.0.2.10"]


def test_xr_tacacs_servers_and_source_interface_with_vrf() -> None:
    config = cfg("""\
        tacacs source-interface Loopback0 vrf default
        tacacs-server host 192.0.2.10 port 49
         key 7 <removed>
        !
        tacacs-server host 192.0.2.11 port 49
         key 7 <removed>
        !
        aaa group server tacacs+ TACACS-SERVERS
         server 192.0.2.10
         server-private 192.0.2.15 port 49
          key 7 <removed>
         !
        !
    """)

    tacacs = tacacs_config(config, XR)

    assert tacacs.servers == ["192.0.2.10", "192.0.2.11", "192.0.2.15"]
    assert tacacs.source_interface == "Loopback0"


def test_xr_tacacs_does_not_read_the_ios_source_interface_form() -> None:
    assert tacacs_config(cfg("ip tacacs source-interface Loopback0\n"), XR).source_interface is None
    assert tacacs_config(cfg("tacacs source-interface Loopback0\n"), IOS).source_interface is None


@pytest.mark.parametrize("platform", [IOS, XR])
def test_tacacs_without_servers_is_empty(platform: PlatformName) -> None:
    tacacs = tacacs_config(cfg(IOS_BGP), platform)

    assert (tacacs.servers, tacacs.source_interface) == ([], None)


# ---------------------------------------------------------------- vty lines and ACLs

IOS_VTY = """\
    access-list 20 permit 192.0.2.0 0.0.0.63
    access-list 20 permit host 198.51.100.10
    access-list 20 permit 198.51.100.20
    access-list 20 deny   any log
    access-list 20 remark management hosts only
    access-list 120 permit tcp 192.0.2.0 0.0.0.255 any eq 22
    access-list 120 deny   ip any any log
    !
    line con 0
     exec-timeout 10 0
    line vty 0 4
     access-class 20 in
     exec-timeout 10 0
     transport input ssh
    line vty 5 15
     access-class 120 in
     transport input ssh telnet
    line vty 16 20
     transport input telnet
    !
"""


def test_ios_vty_lines_with_access_class_and_transport_input() -> None:
    vty = vty_config(cfg(IOS_VTY), IOS)

    assert [(line.name, line.access_class, line.transport_input) for line in vty.lines] == [
        ("line vty 0 4", "20", ["ssh"]),
        ("line vty 5 15", "120", ["ssh", "telnet"]),
        ("line vty 16 20", None, ["telnet"]),
    ]


def test_ios_numbered_standard_acl_reads_wildcard_host_bare_address_and_any() -> None:
    vty = vty_config(cfg(IOS_VTY), IOS)

    assert [(e.action, e.source) for e in vty.acls["20"]] == [
        ("permit", net("192.0.2.0/26")),
        ("permit", net("198.51.100.10/32")),
        ("permit", net("198.51.100.20/32")),
        ("deny", None),
    ]
    assert vty.acls["20"][0].text == "access-list 20 permit 192.0.2.0 0.0.0.63"


def test_ios_numbered_extended_acl_reads_the_source_after_the_protocol() -> None:
    vty = vty_config(cfg(IOS_VTY), IOS)

    permit = "access-list 120 permit tcp 192.0.2.0 0.0.0.255 any eq 22"
    assert vty.acls["120"] == [
        AclEntry("permit", net("192.0.2.0/24"), permit),
        AclEntry("deny", None, "access-list 120 deny   ip any any log"),
    ]


def test_ios_named_acls_with_and_without_sequence_numbers() -> None:
    config = cfg("""\
        ip access-list standard VTY-ACCESS
         remark management hosts
         permit 192.0.2.0 0.0.0.63
         permit host 198.51.100.10
         deny   any log
        ip access-list standard VTY-15
         10 permit 192.0.2.64 0.0.0.31
         20 deny   any
        ip access-list extended VTY-EXT
         10 permit tcp 192.0.2.0 0.0.0.255 any eq 22
         20 permit tcp host 198.51.100.10 any eq 22
         30 deny ip any any log
        !
        line vty 0 4
         access-class VTY-ACCESS in
         transport input ssh
    """)

    acls = vty_config(config, IOS).acls

    sources = {name: [(e.action, e.source) for e in entries] for name, entries in acls.items()}
    assert sources == {
        "VTY-ACCESS": [
            ("permit", net("192.0.2.0/26")),
            ("permit", net("198.51.100.10/32")),
            ("deny", None),
        ],
        "VTY-15": [("permit", net("192.0.2.64/27")), ("deny", None)],
        "VTY-EXT": [
            ("permit", net("192.0.2.0/24")),
            ("permit", net("198.51.100.10/32")),
            ("deny", None),
        ],
    }
    assert vty_config(config, IOS).lines[0].access_class == "VTY-ACCESS"


@pytest.mark.parametrize(
    "line",
    [
        "access-list 20 permit 192.0.2.0 0.0.255.0",  # non-contiguous wildcard
        "access-list 20 permit 192.0.2.0 255.255.255.192",  # a subnet mask, not a wildcard
        "access-list 120 permit tcp 192.0.2.0 0.0.0.254 any eq 22",
    ],
)
def test_ios_wildcard_that_is_not_a_prefix_permits_any(line: str) -> None:
    entries = vty_config(parse_config(line), IOS).acls[line.split()[1]]

    assert entries == [AclEntry("permit", None, line)]  # the vty check fails on it


def test_ios_permit_with_a_source_not_read_here_permits_any() -> None:
    config = cfg("""\
        ip access-list extended VTY-EXT
         10 permit tcp object-group MGMT-HOSTS any eq 22
         20 deny ip object-group BAD-HOSTS any
         30 permit gre 192.0.2.0 0.0.0.255 any
    """)

    entries = vty_config(config, IOS).acls["VTY-EXT"]

    # the deny is left out: it cannot widen what the ACL permits
    assert [(e.action, e.source) for e in entries] == [
        ("permit", None),
        ("permit", net("192.0.2.0/24")),
    ]


XR_VTY = """\
    line default
     access-class ingress VTY-ACCESS
     exec-timeout 10 0
     transport input ssh
    !
    line template VTY
     access-class ingress VTY-6
     transport input ssh telnet
    !
    line template NOACL
     transport input telnet
    !
    vty-pool default 0 4 line-template VTY
    ipv4 access-list VTY-ACCESS
     10 permit ipv4 192.0.2.0 0.0.0.63 any
     20 permit ipv4 host 198.51.100.10 any
     30 deny ipv4 any any log
    !
    ipv4 access-list VTY-6
     10 remark management
     20 permit ipv4 192.0.2.0/26 any
     30 permit tcp 198.51.100.0 0.0.0.255 any eq ssh
     40 permit ipv4 any any
    !
"""


def test_xr_vty_lines_are_line_default_and_line_templates() -> None:
    vty = vty_config(cfg(XR_VTY), XR)

    assert [(line.name, line.access_class, line.transport_input) for line in vty.lines] == [
        ("line default", "VTY-ACCESS", ["ssh"]),
        ("line template VTY", "VTY-6", ["ssh", "telnet"]),
        ("line template NOACL", None, ["telnet"]),
    ]


def test_xr_acls_read_wildcard_prefix_host_and_any_sources() -> None:
    acls = vty_config(cfg(XR_VTY), XR).acls

    assert [(e.action, e.source) for e in acls["VTY-ACCESS"]] == [
        ("permit", net("192.0.2.0/26")),
        ("permit", net("198.51.100.10/32")),
        ("deny", None),
    ]
    assert [(e.action, e.source) for e in acls["VTY-6"]] == [
        ("permit", net("192.0.2.0/26")),
        ("permit", net("198.51.100.0/24")),
        ("permit", None),
    ]
    assert acls["VTY-ACCESS"][0].text == "10 permit ipv4 192.0.2.0 0.0.0.63 any"


def test_xr_wildcard_that_is_not_a_prefix_permits_any() -> None:
    config = cfg("""\
        ipv4 access-list VTY-ACCESS
         10 permit ipv4 192.0.2.0 0.0.255.0 any
    """)

    entries = vty_config(config, XR).acls["VTY-ACCESS"]

    assert [(e.action, e.source) for e in entries] == [("permit", None)]


def test_ios_vty_config_ignores_xr_lines_and_xr_ignores_ios_lines() -> None:
    assert vty_config(cfg(XR_VTY), IOS).lines == []
    assert vty_config(cfg(IOS_VTY), XR).lines == []


# ---------------------------------------------------------------- response-time probes


def test_ios_ip_sla_icmp_echo_scheduled_now_and_forever() -> None:
    config = cfg("""\
        ip sla 10
         icmp-echo 192.0.2.100 source-interface Loopback0
         frequency 30
        ip sla schedule 10 life forever start-time now
    """)

    [probe] = probes_config(config, IOS)

    assert (probe.id, probe.kind, probe.target, probe.frequency, probe.scheduled) == (
        10,
        "icmp-echo",
        "192.0.2.100",
        30,
        True,
    )
    assert probe.text == "ip sla 10"


@pytest.mark.parametrize(
    "schedule",
    [
        "",  # never scheduled
        "ip sla schedule 10 life forever start-time pending\n",
        "ip sla schedule 10 life forever\n",  # no start time: pending
        "ip sla schedule 20 life forever start-time now\n",  # another probe's
    ],
)
def test_ios_ip_sla_not_started_is_not_scheduled(schedule: str) -> None:
    config = parse_config(f"ip sla 10\n icmp-echo 192.0.2.100\n frequency 60\n{schedule}")

    [probe] = probes_config(config, IOS)

    assert not probe.scheduled


def test_ios_ip_sla_frequency_defaults_to_60_seconds() -> None:
    config = cfg("""\
        ip sla 10
         icmp-echo 192.0.2.100 source-interface Loopback0
        ip sla schedule 10 start-time now life forever
    """)

    [probe] = probes_config(config, IOS)

    assert probe.frequency == 60
    assert probe.scheduled


def test_ios_12_4_ip_sla_monitor_echo() -> None:
    config = cfg("""\
        ip sla monitor 10
         type echo protocol ipIcmpEcho 192.0.2.100 source-interface Loopback0
         frequency 120
        ip sla monitor schedule 10 life forever start-time now
    """)

    [probe] = probes_config(config, IOS)

    assert (probe.id, probe.kind, probe.target, probe.frequency, probe.scheduled) == (
        10,
        "icmp-echo",
        "192.0.2.100",
        120,
        True,
    )


def test_ios_12_0s_rtr_echo() -> None:
    config = cfg("""\
        rtr 10
         type echo protocol ipIcmpEcho 192.0.2.100 source-ipaddr 192.0.2.4
         frequency 60
        rtr 11
         type echo protocol ipIcmpEcho 192.0.2.101 source-ipaddr 192.0.2.4
        rtr schedule 10 life forever start-time now
        rtr schedule 11 life forever start-time pending
    """)

    probes = probes_config(config, IOS)

    assert [(p.id, p.kind, p.target, p.frequency, p.scheduled) for p in probes] == [
        (10, "icmp-echo", "192.0.2.100", 60, True),
        (11, "icmp-echo", "192.0.2.101", 60, False),
    ]


def test_ios_udp_jitter_probe_is_not_an_icmp_echo() -> None:
    config = cfg("""\
        ip sla 30
         udp-jitter 192.0.2.100 5000 source-ip 192.0.2.1 codec g729a
         frequency 60
        ip sla schedule 30 life forever start-time now
    """)

    [probe] = probes_config(config, IOS)

    assert probe.id == 30
    assert probe.kind != "icmp-echo"
    assert probe.scheduled


XR_IPSLA = """\
    ipsla
     operation 10
      type icmp echo
       destination address 192.0.2.100
       source address 192.0.2.6
       frequency 30
      !
     !
     operation 20
      type icmp echo
       destination address 192.0.2.101
      !
     !
     operation 30
      type udp jitter
       destination address 192.0.2.102
       destination port 5000
      !
     !
     operation 40
      type icmp echo
       destination address 192.0.2.103
      !
     !
     schedule operation 10
      start-time now
      life forever
     !
     schedule operation 30
      start-time now
     !
     schedule operation 40
      start-time pending
      life forever
     !
    !
"""


def test_xr_ipsla_operations_with_type_target_frequency_and_schedule() -> None:
    probes = probes_config(cfg(XR_IPSLA), XR)

    assert [(p.id, p.kind, p.target, p.frequency, p.scheduled) for p in probes] == [
        (10, "icmp-echo", "192.0.2.100", 30, True),
        (20, "icmp-echo", "192.0.2.101", 60, False),  # default frequency, no schedule
        (30, "udp-jitter", "192.0.2.102", 60, True),
        (40, "icmp-echo", "192.0.2.103", 60, False),  # start-time pending never starts
    ]
    assert probes[0].text == "operation 10"


@pytest.mark.parametrize("platform", [IOS, XR])
def test_probes_none_configured_is_empty(platform: PlatformName) -> None:
    assert probes_config(cfg(IOS_BGP), platform) == []


# ---------------------------------------------------------------- DNS and loopback


@pytest.mark.parametrize(
    "domain", ["ip domain-name lab.example.net", "ip domain name lab.example.net"]
)
def test_ios_name_config_reads_hostname_domain_and_loopback(domain: str) -> None:
    config = cfg(f"""\
        hostname nyc-gsr-01
        !
        ip vrf MGMT
        {domain}
        ip name-server 192.0.2.53
        !
        interface Loopback0
         ip address 192.0.2.1 255.255.255.255
         no ip directed-broadcast
        !
    """)

    names = name_config(config, IOS, "Loopback0")

    assert names.hostname == "nyc-gsr-01"
    assert names.domain == "lab.example.net"
    assert names.name_servers == ["192.0.2.53"]
    assert names.loopback_address == "192.0.2.1"


def test_ios_vrf_domain_name_is_not_the_router_domain() -> None:
    config = cfg("""\
        ip domain name vrf MGMT mgmt.example.net
        ip domain name lab.example.net
    """)

    assert name_config(config, IOS, "Loopback0").domain == "lab.example.net"


@pytest.mark.parametrize(
    "servers",
    [
        "ip name-server 192.0.2.53 192.0.2.54\n",
        "ip name-server 192.0.2.53\nip name-server 192.0.2.54\n",
    ],
)
def test_ios_name_servers_on_one_line_or_several_in_order(servers: str) -> None:
    names = name_config(parse_config(servers), IOS, "Loopback0")

    assert names.name_servers == ["192.0.2.53", "192.0.2.54"]


def test_xr_name_config_reads_domain_name_servers_and_ipv4_loopback() -> None:
    config = cfg("""\
        hostname chi-xr-01
        domain name lab.example.net
        domain name-server 192.0.2.53
        domain name-server 192.0.2.54
        interface Loopback0
         ipv4 address 192.0.2.6 255.255.255.255
        !
        interface MgmtEth0/7/CPU0/0
         ipv4 address 198.51.100.6 255.255.255.0
        !
    """)

    names = name_config(config, XR, "Loopback0")

    assert names.hostname == "chi-xr-01"
    assert names.domain == "lab.example.net"
    assert names.name_servers == ["192.0.2.53", "192.0.2.54"]
    assert names.loopback_address == "192.0.2.6"


@pytest.mark.parametrize(
    ("platform", "address_line"),
    [(IOS, "ip address 192.0.2.2 255.255.255.255"), (XR, "ipv4 address 192.0.2.2 255.255.255.255")],
)
def test_loopback_address_is_read_from_the_named_loopback(
    platform: PlatformName, address_line: str
) -> None:
    config = parse_config(
        "interface Loopback0\n ip address 192.0.2.1 255.255.255.255\n"
        "interface Loopback10\n ip address 192.0.2.10 255.255.255.255\n"
        f"interface Loopback1\n {address_line}\n"
    )

    assert name_config(config, platform, "Loopback1").loopback_address == "192.0.2.2"


@pytest.mark.parametrize("platform", [IOS, XR])
def test_loopback_address_is_found_when_the_inventory_abbreviates_the_name(
    platform: PlatformName,
) -> None:
    config = cfg("""\
        interface Loopback0
         ipv4 address 192.0.2.6 255.255.255.255
    """)

    assert name_config(config, platform, "Lo0").loopback_address == "192.0.2.6"


@pytest.mark.parametrize(
    "config",
    [
        "hostname pe1-lon\n",  # no loopback at all
        "interface Loopback0\n no ip address\n shutdown\n",  # a loopback without an address
        "interface Loopback0\n ipv6 address 2001:db8::1/128\n",
    ],
)
@pytest.mark.parametrize("platform", [IOS, XR])
def test_loopback_address_absent_is_none(platform: PlatformName, config: str) -> None:
    names = name_config(parse_config(config), platform, "Loopback0")

    assert names.loopback_address is None


@pytest.mark.parametrize("platform", [IOS, XR])
def test_name_config_absent_values_are_none_and_empty(platform: PlatformName) -> None:
    names = name_config(cfg(IOS_BGP), platform, "Loopback0")

    assert (names.hostname, names.domain, names.name_servers) == (None, None, [])


def test_xr_name_config_does_not_read_ios_spellings_and_ios_not_xr_ones() -> None:
    ios = cfg("ip domain-name lab.example.net\nip name-server 192.0.2.53\n")
    xr = cfg("domain name lab.example.net\ndomain name-server 192.0.2.53\n")

    assert name_config(ios, XR, "Loopback0").domain is None
    assert name_config(ios, XR, "Loopback0").name_servers == []
    assert name_config(xr, IOS, "Loopback0").domain is None
    assert name_config(xr, IOS, "Loopback0").name_servers == []
