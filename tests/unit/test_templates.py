"""The TextFSM templates the harness parses with, proven through
`netaccept.platforms.parsing.parse`.

Two kinds of evidence:
- the real device outputs of the shared corpus (`../shared/corpus/ntc-templates`, the
  ntc-templates project's test fixtures), read in place, one test case per `.raw` file, each
  compared with the `.yml` beside it (what ntc-templates itself parses out of that file);
- outputs written here in the true format of the routers under test (a GSR PRP on IOS
  12.0(32)SY8, a GSR PRP on IOS-XR 3.9.1) for what the corpus does not cover.

The corpus is required: when it is absent every corpus test fails (it is never skipped).
An ntc-templates defect is recorded as `xfail(strict=True)` with the defect as the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from netaccept.platforms.parsing import ParseError, parse

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
NTC_CORPUS = CORPUS / "ntc-templates"

Row = dict[str, Any]

# --------------------------------------------------------------------------------------------
# Corpus helpers
# --------------------------------------------------------------------------------------------


def corpus_raws(platform: str, command_dir: str) -> list[Path]:
    """The `.raw` files of one corpus folder, or one placeholder that fails when it is absent."""
    folder = NTC_CORPUS / platform / command_dir
    raws = sorted(folder.glob("*.raw")) if folder.is_dir() else []
    return raws or [folder / "NO-RAW-FILES-HERE.raw"]


def corpus_cases(platform: str, command_dir: str, *extra: Any) -> list[Any]:
    """pytest params `(*extra, raw)` with the raw file's name as the test id."""
    return [
        pytest.param(
            *extra, raw, id=raw.name if raw.is_file() else f"{platform}-{command_dir}-MISSING"
        )
        for raw in corpus_raws(platform, command_dir)
    ]


def read_raw(raw: Path) -> str:
    if not raw.is_file():
        pytest.fail(
            f"corpus file {raw} is missing: the shared corpus must be present beside the "
            f"checkout at {CORPUS}"
        )
    return raw.read_text(encoding="utf-8")


def expected_records(raw: Path) -> list[Row]:
    """The yml's `parsed_sample`, with the keys upper-cased like the template's Value names."""
    yml = raw.with_suffix(".yml")
    if not yml.is_file():
        pytest.fail(f"corpus file {yml} (the expected records of {raw.name}) is missing")
    data = yaml.safe_load(yml.read_text(encoding="utf-8"))
    records: list[Row] = data["parsed_sample"]
    return [{key.upper(): value for key, value in record.items()} for record in records]


def project(rows: list[Row], fields: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [tuple(str(row[field]) for field in fields) for row in rows]


def test_corpus_is_present() -> None:
    assert NTC_CORPUS.is_dir(), f"the shared corpus is missing at {NTC_CORPUS}"
    for platform in ("cisco_ios", "cisco_xr"):
        assert any((NTC_CORPUS / platform).glob("*/*.raw")), f"no {platform} raw files"


# --------------------------------------------------------------------------------------------
# Outputs in the true format of the routers under test
# --------------------------------------------------------------------------------------------

GSR_IOS_SHOW_VERSION = """\
Cisco Internetwork Operating System Software
IOS (tm) GS Software (C12KPRP-K4P-M), Version 12.0(32)SY8, RELEASE SOFTWARE (fc1)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2009 by cisco Systems, Inc.
Compiled Fri 20-Mar-09 19:23 by pwade
Image text-base: 0x00010000, data-base: 0x05EBF000

ROM: System Bootstrap, Version 12.0(20040624:164256) [assafb-PRP1P_20040624 1.11dev(0.11)] \
DEVELOPMENT SOFTWARE
BOOTLDR: GS Software (C12KPRP-K4P-M), Version 12.0(32)SY8, RELEASE SOFTWARE (fc1)

nyc-gsr-01 uptime is 1 year, 12 weeks, 3 days, 4 hours, 5 minutes
Uptime for this control processor is 1 year, 12 weeks, 3 days, 3 hours, 58 minutes
System returned to ROM by reload at 02:14:07 UTC Sun Aug 23 2020
System restarted at 02:16:41 UTC Sun Aug 23 2020
System image file is "disk0:c12kprp-k4p-mz.120-32.SY8.bin"

cisco 12012/PRP (MPC7457) processor (revision 0x00) with 2097152K/8192K bytes of memory.
MPC7457 CPU at 1263Mhz, Rev 1.1, 512KB L2, 2048KB L3 Cache
Last reset from power-on

Redundant RP mode is SSO

2 Route Processor Cards
1 Clock Scheduler Card
3 Switch Fabric Cards
1 Four Port Gigabit Ethernet/IEEE 802.3z controller (4 GigabitEthernet).
1 OC48 POS E.D. controller (1 POS).
1 Ethernet/IEEE 802.3 interface(s)
4 GigabitEthernet/IEEE 802.3 interface(s)
1 Packet over SONET network interface(s)
2043K bytes of non-volatile configuration memory.

1000944K bytes of ATA PCMCIA card at slot 0 (Sector size 512 bytes).
65536K bytes of Flash internal SIMM (Sector size 256K).
Configuration register is 0x2102
"""

GSR_XR_SHOW_VERSION = """\
Sun Nov 22 10:00:00.123 UTC

Cisco IOS XR Software, Version 3.9.1[00]
Copyright (c) 2010 by Cisco Systems, Inc.

ROM: System Bootstrap, Version 12.0(20090309:054526) [assafb-PRP1P_20040101 1.8dev(2.83)] \
DEVELOPMENT SOFTWARE
Copyright (c) 1994-2009 by cisco Systems, Inc.

nyc-gsr-02 uptime is 12 weeks, 3 days, 4 hours, 5 minutes
System image file is "disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm"

cisco 12416/PRP (7457) processor with 2097152K bytes of memory.
7457 processor at 1263Mhz, Revision 1.2

2 Cisco 12000 Series Performance Route Processors
1 Cisco 12000 Series SPA Interface Processor-601/501/401
1 Cisco 12000 4 Port Gigabit Ethernet Line Card
2 Management Ethernet
4 GigabitEthernet
2043k bytes of non-volatile configuration memory.
1000496k bytes of disk0: (Sector size 512 bytes).
1000496k bytes of disk1: (Sector size 512 bytes).
65536k bytes of Flash internal SIMM (Sector size 256k).

Configuration register on node 0/7/CPU0 is 0x102
Boot device on node 0/7/CPU0 is disk0:
Package active on node 0/7/CPU0:
c12k-mini, V 3.9.1[00], Cisco Systems, at disk0:c12k-mini-3.9.1
    Built on Thu Feb 25 18:07:32 DST 2010
    By sjc-lds-364 in /auto/srcarchive3/production/3.9.1/c12k/workspace for c4.2.1-p0

c12k-os-mbi, V 3.9.1[00], Cisco Systems, at disk0:c12k-os-mbi-3.9.1
    Built on Thu Feb 25 17:40:51 DST 2010
    By sjc-lds-364 in /auto/srcarchive3/production/3.9.1/c12k/workspace for c4.2.1-p0

Configuration register on node 0/0/CPU0 is 0x102
Boot device on node 0/0/CPU0 is mem:
Package active on node 0/0/CPU0:
c12k-lc, V 3.9.1[00], Cisco Systems, at disk0:c12k-lc-3.9.1
    Built on Thu Feb 25 17:58:09 DST 2010
    By sjc-lds-364 in /auto/srcarchive3/production/3.9.1/c12k/workspace for c4.2.1-p0
"""

GSR_XR_DIR = """\
Sun Nov 22 10:00:00.123 UTC

Directory of disk0:

2           drwx  16384       Thu Jan  1 00:00:00 1970  LOST.DIR
3           drwx  16384       Mon Mar  8 11:20:16 2010  c12k-os-mbi-3.9.1
131072      drwx  16384       Mon Mar  8 11:21:02 2010  c12k-mini-3.9.1
4           -rwx  1424        Tue Nov 17 09:12:44 2020  startup-backup.cfg

1024606208 bytes total (612347904 bytes free)
"""

IMAGE_MD5 = "0123456789abcdef0123456789abcdef"
IOS_IMAGE = "disk0:c12kprp-k4p-mz.120-32.SY8.bin"
XR_IMAGE = "disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm"

INVALID_INPUT = """\
show md5 file disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm
     ^
% Invalid input detected at '^' marker.
"""

OWN_TEMPLATES = (
    "own:cisco_ios_show_version",
    "own:cisco_xr_show_version",
    "own:cisco_ios_verify_md5",
    "own:cisco_xr_show_md5_file",
)
NTC_TEMPLATES = (
    "ntc:cisco_ios_show_version",
    "ntc:cisco_ios_show_ip_bgp_summary",
    "ntc:cisco_xr_show_ip_bgp_summary",
    "ntc:cisco_ios_show_isis_neighbors",
    "ntc:cisco_xr_show_isis_neighbors",
    "ntc:cisco_ios_dir",
    "ntc:cisco_xr_dir",
    "ntc:cisco_ios_show_inventory",
    "ntc:cisco_xr_admin_show_inventory",
)


def only_row(rows: list[Row]) -> Row:
    assert len(rows) == 1, f"expected exactly one row, got {rows}"
    return rows[0]


# --------------------------------------------------------------------------------------------
# own:cisco_ios_show_version
# --------------------------------------------------------------------------------------------

# The first number of "with NNNK[/NNNK] bytes of [physical] memory" in each corpus file.
IOS_MEMORY_KB = {
    "cisco_ios_show_version.raw": "1048576",
    "cisco_ios_show_version1.raw": "4194304",
    "cisco_ios_show_version2.raw": "1133939",
    "cisco_ios_show_version3.raw": "460137",
    "cisco_ios_show_version4.raw": "1419496",
    "cisco_ios_show_version5.raw": "1867864",
    "cisco_ios_show_version6.raw": "935161",
    "cisco_ios_show_version_01.raw": "118784",
    "cisco_ios_show_version_special_build.raw": "1419496",
}


@pytest.mark.parametrize("raw", corpus_cases("cisco_ios", "show_version"))
def test_own_ios_show_version_on_corpus(raw: Path) -> None:
    output = read_raw(raw)
    expected = only_row(expected_records(raw))
    row = only_row(parse("own:cisco_ios_show_version", output, "show version"))
    ntc_row = only_row(parse("ntc:cisco_ios_show_version", output, "show version"))

    assert row["VERSION"] == expected["VERSION"]
    assert row["VERSION"] == ntc_row["VERSION"]
    assert row["HOSTNAME"] == expected["HOSTNAME"]
    assert row["UPTIME"] == expected["UPTIME"]
    running_image = expected["RUNNING_IMAGE"]
    assert row["IMAGE"] == running_image or row["IMAGE"].endswith(":" + running_image)
    assert ":" in row["IMAGE"], "the image keeps its file system"
    assert row["MODEL"] == expected["HARDWARE"][0]
    assert row["PROCESSOR_BOARD_ID"] == expected["SERIAL"][0]
    assert row["MEMORY_KB"] == IOS_MEMORY_KB.get(raw.name, row["MEMORY_KB"])
    assert row["MEMORY_KB"].isdigit()


def test_own_ios_show_version_on_gsr_12_0_sy() -> None:
    row = only_row(parse("own:cisco_ios_show_version", GSR_IOS_SHOW_VERSION, "show version"))
    assert row == {
        "VERSION": "12.0(32)SY8",
        "IMAGE": IOS_IMAGE,
        "MODEL": "12012/PRP",
        "PROCESSOR_BOARD_ID": "",  # a GSR PRP prints no "Processor board ID" line
        "HOSTNAME": "nyc-gsr-01",
        "UPTIME": "1 year, 12 weeks, 3 days, 4 hours, 5 minutes",
        "MEMORY_KB": "2097152",
    }


def test_own_ios_show_version_bootldr_line_does_not_replace_the_version() -> None:
    # A boot loader of another release has the same "Software (...), Version" shape.
    output = GSR_IOS_SHOW_VERSION.replace(
        "BOOTLDR: GS Software (C12KPRP-K4P-M), Version 12.0(32)SY8,",
        "BOOTLDR: GS Software (C12KPRP-BOOT-M), Version 12.0(32)S5,",
    )
    assert output != GSR_IOS_SHOW_VERSION
    row = only_row(parse("own:cisco_ios_show_version", output, "show version"))
    assert row["VERSION"] == "12.0(32)SY8"


def test_ntc_ios_show_version_agrees_on_gsr_version_but_drops_file_system() -> None:
    """Why the project has its own template: ntc's RUNNING_IMAGE loses "disk0:"."""
    row = only_row(parse("ntc:cisco_ios_show_version", GSR_IOS_SHOW_VERSION, "show version"))
    assert row["VERSION"] == "12.0(32)SY8"
    assert row["RUNNING_IMAGE"] == "c12kprp-k4p-mz.120-32.SY8.bin"


# --------------------------------------------------------------------------------------------
# own:cisco_xr_show_version
# --------------------------------------------------------------------------------------------

# What the corpus yml does not hold: hostname, image and memory as printed in each file.
XR_VERSION_EXTRA = {
    "cisco_xr_show_version.raw": ("", "", ""),
    "cisco_xr_show_version2.raw": ("", "", ""),
    "cisco_xr_show_version_01.raw": ("gemini", "", "64GB"),
    "cisco_xr_show_version_crs.raw": (
        "router",
        "bootflash:disk0/hfr-os-mbi-4.1.0/mbihfr-rp.vm",
        "4194304K",
    ),
    "cisco_xr_show_version_label.raw": ("", "", ""),
}


def bare_xr_version(version: str) -> str:
    """ "7.9.2 LNT" -> "7.9.2", "4.1.0[Default]" -> "4.1.0"."""
    return version.split("[")[0].split()[0]


@pytest.mark.parametrize("raw", corpus_cases("cisco_xr", "show_version"))
def test_own_xr_show_version_on_corpus(raw: Path) -> None:
    output = read_raw(raw)
    expected = only_row(expected_records(raw))
    row = only_row(parse("own:cisco_xr_show_version", output, "show version"))
    ntc_row = only_row(parse("ntc:cisco_xr_show_version", output, "show version"))

    assert row["VERSION"] == bare_xr_version(expected["VERSION"])
    assert row["VERSION"] == bare_xr_version(ntc_row["VERSION"])
    assert "[" not in row["VERSION"]
    assert " " not in row["VERSION"]
    assert row["UPTIME"] == expected["UPTIME"]
    assert row["MODEL"] == expected["HARDWARE"]
    hostname, image, memory = XR_VERSION_EXTRA.get(
        raw.name, (row["HOSTNAME"], row["IMAGE"], row["MEMORY"])
    )
    assert (row["HOSTNAME"], row["IMAGE"], row["MEMORY"]) == (hostname, image, memory)
    if "System uptime is" in output:
        assert row["HOSTNAME"] == ""


def test_own_xr_show_version_on_gsr_3_9_1() -> None:
    row = only_row(parse("own:cisco_xr_show_version", GSR_XR_SHOW_VERSION, "show version"))
    assert row == {
        "VERSION": "3.9.1",
        "IMAGE": XR_IMAGE,
        "MODEL": "12416/PRP",
        "HOSTNAME": "nyc-gsr-02",
        "UPTIME": "12 weeks, 3 days, 4 hours, 5 minutes",
        "MEMORY": "2097152K",
    }


def test_own_xr_show_version_keeps_the_first_processor_line() -> None:
    output = GSR_XR_SHOW_VERSION.replace(
        "7457 processor at 1263Mhz, Revision 1.2",
        "7457 processor at 1263Mhz, Revision 1.2\n"
        "cisco 12000-SIP-601 (7457) processor with 524288K bytes of memory.",
    )
    assert output != GSR_XR_SHOW_VERSION
    row = only_row(parse("own:cisco_xr_show_version", output, "show version"))
    assert (row["MODEL"], row["MEMORY"]) == ("12416/PRP", "2097152K")


@pytest.mark.xfail(
    strict=True,
    raises=ParseError,
    reason="ntc cisco_xr_show_version ends in '^. -> Error' and knows neither the GSR's "
    "line-card lines ('2 Cisco 12000 Series Performance Route Processors') nor its package "
    "lines ('c12k-mini, V 3.9.1[00], ...'): it raises on classic IOS-XR 3.9.1 output",
)
def test_ntc_xr_show_version_on_gsr_3_9_1() -> None:
    row = only_row(parse("ntc:cisco_xr_show_version", GSR_XR_SHOW_VERSION, "show version"))
    assert row["VERSION"] == "3.9.1"


# --------------------------------------------------------------------------------------------
# own:cisco_ios_verify_md5 and own:cisco_xr_show_md5_file
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(
            "..........................................................................\n"
            f"...................MD5 of {IOS_IMAGE} Done!\n"
            f"verify /md5 ({IOS_IMAGE}) = {IMAGE_MD5}\n",
            id="computed",
        ),
        pytest.param(
            f".....MD5 of {IOS_IMAGE} Done!\nVerified ({IOS_IMAGE}) = {IMAGE_MD5}\n",
            id="verified-against-expected",
        ),
    ],
)
def test_own_ios_verify_md5(output: str) -> None:
    rows = parse("own:cisco_ios_verify_md5", output, f"verify /md5 {IOS_IMAGE}")
    assert rows == [{"FILE": IOS_IMAGE, "MD5": IMAGE_MD5}]


def test_own_ios_verify_md5_keeps_the_digest_as_printed() -> None:
    digest = IMAGE_MD5.upper()
    rows = parse(
        "own:cisco_ios_verify_md5", f"verify /md5 ({IOS_IMAGE}) = {digest}\n", "verify /md5"
    )
    assert rows == [{"FILE": IOS_IMAGE, "MD5": digest}]


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(
            "%Error verifying disk0:x.bin (No such file or directory)\n", id="no-such-file"
        ),
        pytest.param(
            ".....MD5 of disk0:x.bin Done!\n"
            "%Error verifying disk0:x.bin\n"
            f"Computed signature = {IMAGE_MD5}\n"
            "Submitted signature = ffffffffffffffffffffffffffffffff\n",
            id="mismatch-with-expected",
        ),
    ],
)
def test_own_ios_verify_md5_error_raises(output: str) -> None:
    with pytest.raises(ParseError, match="verify /md5 reported an error"):
        parse("own:cisco_ios_verify_md5", output, "verify /md5 disk0:x.bin")


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(f"Sun Nov 22 10:00:00.123 UTC\n\n{IMAGE_MD5}\n", id="timestamp-blank"),
        pytest.param(f"Sun Nov 22 10:00:00.123 UTC\n{IMAGE_MD5}\n", id="timestamp"),
        pytest.param(f"{IMAGE_MD5}\n", id="digest-only"),
    ],
)
def test_own_xr_show_md5_file(output: str) -> None:
    rows = parse("own:cisco_xr_show_md5_file", output, f"show md5 file {XR_IMAGE}")
    assert rows == [{"MD5": IMAGE_MD5}]


@pytest.mark.parametrize(
    "output",
    [
        pytest.param(
            "Sun Nov 22 10:00:00.123 UTC\n%Error opening disk0:x.vm (No such file or directory)\n",
            id="percent-error",
        ),
        pytest.param(
            "Sun Nov 22 10:00:00.123 UTC\n\nError: disk0:x.vm: No such file or directory\n",
            id="error-no-such-file",
        ),
        pytest.param(
            "Sun Nov 22 10:00:00.123 UTC\n\nMD5 calculation in progress\n", id="unknown-line"
        ),
    ],
)
def test_own_xr_show_md5_file_error_raises(output: str) -> None:
    with pytest.raises(ParseError, match="show md5 file"):
        parse("own:cisco_xr_show_md5_file", output, "show md5 file disk0:x.vm")


# --------------------------------------------------------------------------------------------
# ntc-templates choices, against the corpus
# --------------------------------------------------------------------------------------------

# (template, corpus platform, corpus folder, the fields the harness relies on)
NTC_TABLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "ntc:cisco_ios_show_ip_bgp_summary",
        "cisco_ios",
        "show_ip_bgp_summary",
        ("ADDRESS_FAMILY", "BGP_NEIGHBOR", "NEIGHBOR_AS", "UP_DOWN", "STATE_OR_PREFIXES_RECEIVED"),
    ),
    (
        "ntc:cisco_xr_show_ip_bgp_summary",
        "cisco_xr",
        "show_ip_bgp_summary",
        ("BGP_NEIGH", "NEIGH_AS", "UP_DOWN", "STATE_PFXRCD"),
    ),
    (
        "ntc:cisco_ios_show_isis_neighbors",
        "cisco_ios",
        "show_isis_neighbors",
        ("SYSTEM_ID", "TYPE", "INTERFACE", "STATE"),
    ),
    (
        "ntc:cisco_xr_show_isis_neighbors",
        "cisco_xr",
        "show_isis_neighbors",
        ("SYSTEM_ID", "INTERFACE", "STATE", "TYPE"),
    ),
    (
        "ntc:cisco_ios_dir",
        "cisco_ios",
        "dir",
        ("FILE_SYSTEM", "NAME", "SIZE", "TOTAL_SIZE", "TOTAL_FREE"),
    ),
    (
        "ntc:cisco_xr_dir",
        "cisco_xr",
        "dir",
        ("FILE_SYSTEM", "NAME", "SIZE", "TOTAL_SIZE", "TOTAL_FREE"),
    ),
    ("ntc:cisco_ios_show_inventory", "cisco_ios", "show_inventory", ("NAME", "PID", "SN")),
    # The template the harness uses for IOS-XR `show inventory` (there is no
    # cisco_xr_show_inventory in ntc-templates 9.3.0).
    ("ntc:cisco_xr_admin_show_inventory", "cisco_xr", "show_inventory", ("NAME", "PID", "SN")),
    (
        "ntc:cisco_xr_admin_show_inventory",
        "cisco_xr",
        "admin_show_inventory",
        ("NAME", "PID", "SN"),
    ),
)

NTC_CASES = [
    case
    for ref, platform, folder, fields in NTC_TABLES
    for case in corpus_cases(platform, folder, ref, folder.replace("_", " "), fields)
]


@pytest.mark.parametrize(("ref", "command", "fields", "raw"), NTC_CASES)
def test_ntc_template_matches_corpus(
    ref: str, command: str, fields: tuple[str, ...], raw: Path
) -> None:
    rows = parse(ref, read_raw(raw), command)
    expected = expected_records(raw)
    assert expected, f"{raw.name}: the yml has no records to compare with"
    assert project(rows, fields) == project(expected, fields)


@pytest.mark.xfail(
    strict=True,
    raises=ParseError,
    reason="ntc cisco_xr_dir knows only the 64-bit (Linux) layout ('74 drwxrwxrwx. 2 4096 "
    "Dec  6 19:39 name', 'kbytes total') and raises on the classic IOS-XR 3.x layout of the "
    "GSR ('2  drwx  16384  Thu Jan  1 00:00:00 1970  LOST.DIR', 'bytes total')",
)
def test_ntc_xr_dir_on_gsr_3_9_1() -> None:
    rows = parse("ntc:cisco_xr_dir", GSR_XR_DIR, "dir disk0:")
    assert [row["NAME"] for row in rows] == [
        "LOST.DIR",
        "c12k-os-mbi-3.9.1",
        "c12k-mini-3.9.1",
        "startup-backup.cfg",
    ]
    assert (rows[0]["TOTAL_SIZE"], rows[0]["TOTAL_FREE"]) == ("1024606208", "612347904")


def xr_bgp_summary_asdot() -> str:
    """The corpus IOS-XR `show bgp summary` as printed with `bgp as-format asdot` peers."""
    raw = NTC_CORPUS / "cisco_xr" / "show_ip_bgp_summary" / "cisco_xr_show_ip_bgp_summary.raw"
    output = read_raw(raw)
    changed = output.replace("10.10.132.240     0 64727 ", "10.10.132.240     0 1.10 ")
    assert changed != output, "the corpus file changed; rewrite this test"
    return changed


@pytest.mark.xfail(
    strict=True,
    raises=ParseError,
    reason="ntc cisco_xr_show_ip_bgp_summary has NEIGH_AS and LOCAL_AS as (\\d+): a 4-byte "
    "AS in asdot ('1.10') makes the neighbour line unknown and the template raises "
    "'LINE NOT FOUND'; an asdot local AS is silently cut ('1.200' -> '1'). The IOS "
    "template accepts asdot",
)
def test_ntc_xr_bgp_summary_asdot_neighbour() -> None:
    rows = parse("ntc:cisco_xr_show_ip_bgp_summary", xr_bgp_summary_asdot(), "show bgp summary")
    assert [row["NEIGH_AS"] for row in rows] == ["64924", "64727", "1.10", "64727"]


# --------------------------------------------------------------------------------------------
# Outputs that are not results must raise ParseError
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", OWN_TEMPLATES + NTC_TEMPLATES)
def test_invalid_input_raises_for_every_template(ref: str) -> None:
    with pytest.raises(ParseError, match="rejected"):
        parse(ref, INVALID_INPUT, "show md5 file")


@pytest.mark.parametrize(
    ("ref", "output"),
    [
        pytest.param(
            "own:cisco_ios_show_version",
            "Cisco IOS XR Software, Version 3.9.1[00]\nnyc-gsr-02 uptime is 5 minutes\n",
            id="ios-version-template-on-xr-output",
        ),
        pytest.param(
            "own:cisco_xr_show_version",
            GSR_IOS_SHOW_VERSION,
            id="xr-version-template-on-ios-output",
        ),
        pytest.param(
            "own:cisco_ios_verify_md5",
            f"..........................MD5 of {IOS_IMAGE} Done!\n",
            id="verify-md5-without-digest",
        ),
        pytest.param(
            "ntc:cisco_ios_show_ip_bgp_summary", "% BGP not active\n", id="bgp-not-active"
        ),
        pytest.param(
            "ntc:cisco_ios_show_isis_neighbors",
            GSR_IOS_SHOW_VERSION,
            id="isis-template-on-show-version",
        ),
        pytest.param(
            "ntc:cisco_ios_show_inventory", GSR_IOS_SHOW_VERSION, id="inventory-on-show-version"
        ),
    ],
)
def test_nothing_found_in_non_empty_output_raises(ref: str, output: str) -> None:
    with pytest.raises(ParseError, match="found nothing"):
        parse(ref, output, "the command")


@pytest.mark.parametrize(
    "damaged",
    [
        pytest.param("IOS (tm) GS SOFTWARE (C12KPRP-K4P-M), VERSION 12.0(32)SY8,", id="case"),
        pytest.param("", id="missing"),
    ],
)
def test_own_ios_show_version_never_takes_the_boot_loaders_version(damaged: str) -> None:
    """BOOTLDR repeats the image's version line: a damaged or missing version line must be
    an error, not the boot loader's version (which may well be the approved one)."""
    output = (
        "Cisco Internetwork Operating System Software \n"
        f"{damaged}\n"
        "ROM: System Bootstrap, Version 12.0(20080219:162539) DEVELOPMENT SOFTWARE\n"
        "BOOTLDR: GS Software (C12KPRP-K4P-M), Version 12.0(32)SY8, RELEASE SOFTWARE (fc1)\n"
        "\n"
        "r1 uptime is 1 year, 12 weeks\n"
        'System image file is "disk0:c12kprp-k4p-mz.120-32.SY8.bin"\n'
    )
    with pytest.raises(ParseError):
        parse("own:cisco_ios_show_version", output, "show version")
