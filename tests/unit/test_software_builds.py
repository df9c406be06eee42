"""Software builds that `ios_version` must read (issue 11): no false pass, no false fail.

- 64-bit IOS-XR prints no `System image file` line in `show version`. Its image is the
  package that `show install active summary` marks `[Boot image]` (`ncs5500-xr-6.1.4`), and
  that is what the inventory's `software.image` names for such a router. A router whose
  `show version` names its image is judged on that, whatever it answers to the install
  summary (classic XR, or a router that refuses the command). A router that names its image
  nowhere (IOS-XR 7 LNT, IOS's "Running default software") is an error, never a pass, and a
  fail only when its version is not the approved one.
- Engineering builds of IOS and IOS-XE (`Experimental Version 17.4.20200702:124009 [...]`)
  are read, the version exactly as printed after "Experimental Version"; IOS-XR's
  engineering builds (`Version 6.1.4.10I[Default]`) too.
- genieparser's golden `show version` outputs (IOS, IOS-XE, IOS-XR) read by this project's
  reader and compared with Genie's own reading of each: version, image, hostname, model,
  uptime, processor board id, memory.
- Two cases through the real path (`netaccept run --replay`), judged on the certificate.

The `show version` outputs are real: the shared corpus and the lab's recordings. The corpus
has no `show install active summary`, so the summaries here are written in the form the
routers print, each for the router whose `show version` it goes with.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from netaccept.check import IMPLEMENTED, load_checks
from netaccept.core.verdicts import Status, Undecidable, Verdict
from netaccept.inventory import Device, Software, load_inventory
from netaccept.platforms import common, registry
from netaccept.platforms.facts import FACTS, SoftwareFacts, Unread
from netaccept.platforms.parsing import ParseError, parse, read
from tests.cli.test_checks import replay
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS
from tests.unit.test_check_decisions import recorded
from tests.unit.test_real_output_traps import (
    IOS,
    XR,
    changed,
    genie,
    genie_expected,
    genie_outputs,
    ntc,
)

load_checks()

SUMMARY = "show install active summary"
SUMMARY_REF = "own:cisco_xr_show_install_active_summary"
REJECTED = f"{SUMMARY}\n        ^\n% Invalid input detected at '^' marker.\n"


def approving(device: Device, version: str, image: str) -> Device:
    """`device` with `software.version` and `.image` as the inventory would hold them.

    Built without validation: a 64-bit IOS-XR boot image is a package name, not a file path,
    and the IOS-XE images of the corpus include a tftp URL.
    """
    software = Software.model_construct(version=version, image=image, md5=None)
    return device.model_copy(update={"software": software})


def software_fact(device: Device, outputs: Mapping[str, str]) -> SoftwareFacts:
    """The software fact from `outputs`, each source read by `Source.read` (which gives an
    optional source's builder `Unread` where the output cannot be read)."""
    recipe = registry.recipe(FACTS["software"], device.platform)
    parsed = [source.read(outputs[source.command]) for source in recipe.sources(device)]
    facts: SoftwareFacts = recipe.build(parsed, device)
    return facts


def judge(device: Device, outputs: Mapping[str, str]) -> tuple[Status, str]:
    """`ios_version`'s status and message for a router that answered `outputs`."""
    verdict = Verdict("ios_version", device.name)
    try:
        software = software_fact(device, {**recorded(device)[0], **outputs})
        IMPLEMENTED["ios_version"](device=device, software=software, verdict=verdict)
    except (Undecidable, ParseError) as exc:
        return Status.ERROR, str(exc)
    if verdict.failures:
        return Status.FAIL, "; ".join(verdict.failures)
    assert verdict.decided, "the check recorded no finding"
    return Status.PASS, "; ".join(f.message for f in verdict.findings)


# --------------------------------------------------------------------------------------------
# 1. 64-bit IOS-XR: the image is the install summary's boot image
# --------------------------------------------------------------------------------------------

# Real 64-bit `show version` outputs (no image line), each with the install summary its
# router prints: (show version, summary, version, boot image).
NCS5500_614 = (
    ntc("cisco_xr", "show_version", "cisco_xr_show_version.raw"),
    """Wed Mar 14 12:31:29.411 UTC
    Active Packages: 5
        ncs5500-xr-6.1.4 version=6.1.4 [Boot image]
        ncs5500-mpls-2.1.0.0-r614
        ncs5500-mgbl-3.0.0.0-r614
        ncs5500-k9sec-3.1.0.0-r614
        ncs5500-mpls-te-rsvp-2.2.0.0-r614
""",
    "6.1.4",
    "ncs5500-xr-6.1.4",
)
XRV9K_651 = (
    ntc("cisco_xr", "show_version", "cisco_xr_show_version2.raw"),
    """Tue Sep 10 11:01:52.702 UTC
    Label : 6.5.1

    Active Packages: 3
        xrv9k-xr-6.5.1 version=6.5.1 [Boot image]
        xrv9k-mgbl-3.0.0.0-r651
        xrv9k-mpls-2.1.0.0-r651
""",
    "6.5.1",
    "xrv9k-xr-6.5.1",
)
# A golden ISO: its label is not the release, and SMUs are active.
NCS5500_663_GISO = (
    ntc("cisco_xr", "show_version", "cisco_xr_show_version_label.raw"),
    """Thu Jul 29 16:12:11.020 UTC
    Label : 6.6.3-80

    Active Packages: 6
        ncs5500-xr-6.6.3 version=6.6.3 [Boot image]
        ncs5500-isis-2.2.0.0-r663
        ncs5500-k9sec-3.2.0.0-r663
        ncs5500-mpls-2.1.0.0-r663
        ncs5500-os-support-4.0.0.3-r663.CSCvr54162
        ncs5500-infra-5.0.0.8-r663.CSCvs24580
""",
    "6.6.3",
    "ncs5500-xr-6.6.3",
)
# An engineering (interim) build of XRv 9000.
XRV9K_ENGINEERING = (
    genie("iosxr/ShowVersion/golden_output_3_output.txt"),
    """Tue Apr 25 09:14:02.315 UTC
    Active Packages: 2
        xrv9k-xr-6.3.1.15I version=6.3.1.15I [Boot image]
        xrv9k-mgbl-3.0.0.0-r63115I
""",
    "6.3.1.15I",
    "xrv9k-xr-6.3.1.15I",
)
SIXTY_FOUR_BIT = [
    pytest.param(*case, id=name)
    for name, case in {
        "ncs5500-6.1.4": NCS5500_614,
        "xrv9k-6.5.1-label": XRV9K_651,
        "ncs5500-6.6.3-giso": NCS5500_663_GISO,
        "xrv9k-6.3.1.15I-engineering": XRV9K_ENGINEERING,
    }.items()
]

# IOS-XR 7 LNT (a Cisco 8202): neither output names an image.
LNT_792 = ntc("cisco_xr", "show_version", "cisco_xr_show_version_01.raw")
LNT_792_SUMMARY = """Tue Jan 16 13:19:28.004 AEST
Active Packages:    XR: 154    All: 1263
Label:              7.9.2
Software Hash:      2b9d67a1c3f04e85b1d6a07c9e3f5d28c41b7e90a6d3f2c5e8b14a7d90c6e3f1

Optional Packages                                                        Version
---------------------------------------------------- ---------------------------
xr-8000-l2mcast                                                    7.9.2v1.0.0-1
xr-8000-mcast                                                      7.9.2v1.0.0-1
xr-8000-netflow                                                    7.9.2v1.0.0-1
xr-bgp                                                             7.9.2v1.0.0-1
xr-is-is                                                           7.9.2v1.0.0-1
Mandatory Packages with Active Bugfixes                                  Version
---------------------------------------------------- ---------------------------
xr-8000-core                                                       7.9.2v1.0.1-1

Active Fixes (count: 1):
  CSCwf53498: xr-8000-core
"""

# Classic XR: the lab's healthy IOS-XR 3.9.1 (show version names its image).
CLASSIC_391_SUMMARY = recorded(XR)[0][SUMMARY]


def test_sixty_four_bit_show_versions_print_no_image_line() -> None:
    for show_version, _summary, _version, _image in (NCS5500_614, XRV9K_651, XRV9K_ENGINEERING):
        assert "System image file" not in show_version
        rows = read("own:cisco_xr_show_version", show_version, "show version")
        assert rows[0]["IMAGE"] == ""


@pytest.mark.parametrize(("show_version", "summary", "version", "image"), SIXTY_FOUR_BIT)
def test_sixty_four_bit_xr_is_judged_on_the_boot_image(
    show_version: str, summary: str, version: str, image: str
) -> None:
    device = approving(XR, version, image)
    outputs = {"show version": show_version, SUMMARY: summary}
    assert software_fact(device, outputs).image == image
    status, message = judge(device, outputs)
    assert status is Status.PASS, message
    assert f"running image {image} is the approved one" in message


@pytest.mark.parametrize(("show_version", "summary", "version", "image"), SIXTY_FOUR_BIT)
def test_sixty_four_bit_xr_running_another_boot_image_fails(
    show_version: str, summary: str, version: str, image: str
) -> None:
    approved = image.rsplit("-", 1)[0] + "-7.0.2"  # ncs5500-xr-7.0.2
    device = approving(XR, version, approved)
    status, message = judge(device, {"show version": show_version, SUMMARY: summary})
    assert status is Status.FAIL, message
    assert f"running image {image}, approved {approved}" in message


def test_sixty_four_bit_xr_that_refuses_the_install_summary_is_an_error() -> None:
    show_version, _summary, version, image = NCS5500_614
    device = approving(XR, version, image)
    status, message = judge(device, {"show version": show_version, SUMMARY: REJECTED})
    assert status is Status.ERROR, message
    assert "no system image file" in message
    assert "% Invalid input detected" in message


def test_sixty_four_bit_xr_whose_install_summary_cannot_be_read_is_an_error() -> None:
    show_version, summary, version, image = NCS5500_614
    device = approving(XR, version, image)
    damaged = summary.replace("        ncs5500-mpls-2.1.0.0-r614\n", "   Inactive Packages: 1\n")
    status, message = judge(device, {"show version": show_version, SUMMARY: damaged})
    assert status is Status.ERROR, message
    assert "a line is not known" in message


def test_sixty_four_bit_xr_with_several_boot_images_is_an_error() -> None:
    show_version, summary, version, image = NCS5500_614
    device = approving(XR, version, image)
    twice = summary + "        ncs5500-xr-6.1.3 version=6.1.3 [Boot image]\n"
    status, message = judge(device, {"show version": show_version, SUMMARY: twice})
    assert status is Status.ERROR, message
    assert "ncs5500-xr-6.1.3, ncs5500-xr-6.1.4" in message


def test_lnt_xr_names_no_image_so_its_image_is_an_error_never_a_pass() -> None:
    device = approving(XR, "7.9.2", "xr-8000-core")
    status, message = judge(device, {"show version": LNT_792, SUMMARY: LNT_792_SUMMARY})
    assert status is Status.ERROR, message
    assert "marks no package as the [Boot image]" in message


def test_lnt_xr_running_another_version_fails_though_its_image_is_unknown() -> None:
    device = approving(XR, "7.9.1", "xr-8000-core")
    status, message = judge(device, {"show version": LNT_792, SUMMARY: LNT_792_SUMMARY})
    assert status is Status.FAIL, message
    assert "running version 7.9.2, approved 7.9.1" in message


def test_classic_xr_is_judged_on_show_versions_image_whatever_its_install_summary() -> None:
    outputs, _dns = recorded(XR)
    assert 'System image file is "disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm"' in outputs["show version"]
    damaged = CLASSIC_391_SUMMARY + "    Inactive Packages:\n"
    for summary in (CLASSIC_391_SUMMARY, REJECTED, damaged):
        status, message = judge(XR, {SUMMARY: summary})
        assert status is Status.PASS, message
        assert "running image disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm is the approved one" in message


def test_an_optional_source_that_is_refused_is_unread_with_the_routers_words() -> None:
    recipe = registry.recipe(FACTS["software"], XR.platform)
    (summary,) = [s for s in recipe.sources(XR) if s.command == SUMMARY]
    (version,) = [s for s in recipe.sources(XR) if s.command == "show version"]
    assert summary.optional and not version.optional
    unread = summary.read(REJECTED)
    assert isinstance(unread, Unread)
    assert "the router rejected 'show install active summary'" in unread.reason
    with pytest.raises(ParseError, match="rejected 'show version'"):
        version.read(REJECTED.replace(SUMMARY, "show version"))


# --------------------------------------------------------------------------------------------
# 2. The install summary's reader: every line read or known
# --------------------------------------------------------------------------------------------

CLASSIC_SDRS = """Mon Jun  3 10:11:12.345 UTC
Default Profile:
  SDRs:
    Owner
    sdr-east
  Active Packages:
    disk0:hfr-mini-px-4.2.3
    disk0:hfr-mpls-px-4.2.3
    disk0:hfr-px-4.2.3.CSCud37351-1.0.0

  SDRs:
    sdr-west
  Active Packages:
    disk0:hfr-mini-px-4.2.3
"""


@pytest.mark.parametrize(
    ("summary", "packages", "boot", "label"),
    [
        pytest.param(NCS5500_614[1], 5, ["ncs5500-xr-6.1.4"], "", id="64-bit"),
        pytest.param(NCS5500_663_GISO[1], 6, ["ncs5500-xr-6.6.3"], "6.6.3-80", id="64-bit-label"),
        pytest.param(LNT_792_SUMMARY, 6, [], "7.9.2", id="lnt"),
        pytest.param(CLASSIC_SDRS, 4, [], "", id="classic-sdrs"),
    ],
)
def test_install_summary_reads_every_package(
    summary: str, packages: int, boot: list[str], label: str
) -> None:
    rows = parse(SUMMARY_REF, summary, SUMMARY)
    assert len(rows) == packages
    assert [r["PACKAGE"] for r in rows if r["BOOT"]] == boot
    assert {r["LABEL"] for r in rows} == {label}
    assert all(r["PACKAGE"] in summary for r in rows)


def test_install_summary_reads_versions_beside_the_packages() -> None:
    boot = parse(SUMMARY_REF, NCS5500_614[1], SUMMARY)[0]
    assert (boot["PACKAGE"], boot["VERSION"], boot["BOOT"]) == (
        "ncs5500-xr-6.1.4",
        "6.1.4",
        "Boot image",
    )
    lnt = {r["PACKAGE"]: r["VERSION"] for r in parse(SUMMARY_REF, LNT_792_SUMMARY, SUMMARY)}
    assert lnt["xr-8000-core"] == "7.9.2v1.0.1-1"


@pytest.mark.parametrize(
    ("summary", "after"),
    [
        pytest.param(NCS5500_614[1], "    Active Packages: 5\n", id="64-bit"),
        pytest.param(LNT_792_SUMMARY, "Software Hash:", id="lnt-header"),
        pytest.param(LNT_792_SUMMARY, "xr-bgp ", id="lnt-table"),
        pytest.param(CLASSIC_SDRS, "    Owner\n", id="classic-sdrs"),
        pytest.param(CLASSIC_SDRS, "disk0:hfr-mpls-px-4.2.3\n", id="classic-packages"),
    ],
)
def test_install_summary_refuses_a_line_it_does_not_know(summary: str, after: str) -> None:
    at = summary.index("\n", summary.index(after)) + 1
    damaged = summary[:at] + "Package state: unknown\n" + summary[at:]
    with pytest.raises(ParseError, match="a line is not known"):
        parse(SUMMARY_REF, damaged, SUMMARY)


def _xr_recordings() -> list[Any]:
    paths = sorted(LAB_RECORDINGS.glob("*.json"))
    xr = [p for p in paths if json.loads(p.read_text(encoding="utf-8"))["platform"] == "cisco_xr"]
    assert xr, f"no IOS-XR recording in {LAB_RECORDINGS}"
    return [pytest.param(p.stem, id=p.stem) for p in xr]


@pytest.mark.parametrize("name", _xr_recordings())
def test_every_lab_xr_router_answers_the_install_summary_as_its_show_version_says(
    name: str,
) -> None:
    outputs = json.loads((LAB_RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))["outputs"]
    version = read("own:cisco_xr_show_version", outputs["show version"], "show version")[0]
    rows = parse(SUMMARY_REF, outputs[SUMMARY], SUMMARY)
    release = version["VERSION"]
    # Classic XR: every active package is on disk0:, of the running release, and the
    # packages `show version` lists are the composite's and these optional ones.
    assert all(r["PACKAGE"].endswith(f"-{release}") for r in rows), rows
    active = set(re.findall(r"\bat (disk0:\S+)", outputs["show version"]))
    composite = f"disk0:c12k-mini-{release}"
    assert composite in {r["PACKAGE"] for r in rows}
    assert {r["PACKAGE"] for r in rows} - {composite} <= active
    assert not any(r["BOOT"] for r in rows)


# --------------------------------------------------------------------------------------------
# 3. IOS: an image nowhere named, and engineering builds
# --------------------------------------------------------------------------------------------

# IOS routers booted without a `boot system` file print "Running default software".
DEFAULT_SOFTWARE = [
    pytest.param("iosxe/ShowVersion/golden_output_c4507_output.txt", "03.03.02.SG", id="c4507"),
    pytest.param("iosxe/ShowVersion/golden_output_ios_1_output.txt", "11.0(10c)XB1", id="as2511"),
]


@pytest.mark.parametrize(("path", "version"), DEFAULT_SOFTWARE)
def test_ios_running_default_software_has_an_unknown_image_an_error(
    path: str, version: str
) -> None:
    output = genie(path)
    assert "Running default software" in output
    assert "System image file" not in output
    device = approving(IOS, version, "bootflash:cat4500e-universalk9.SPA.03.03.02.SG.151-1.SG.bin")
    status, message = judge(device, {"show version": output})
    assert status is Status.ERROR, message
    assert "show version prints no system image file" in message


@pytest.mark.parametrize(("path", "version"), DEFAULT_SOFTWARE)
def test_ios_running_default_software_of_another_version_fails(path: str, version: str) -> None:
    device = approving(IOS, version + "1", "bootflash:x.bin")
    status, message = judge(device, {"show version": genie(path)})
    assert status is Status.FAIL, message
    assert f"running version {version}, approved {version}1" in message


_EXPERIMENTAL = re.compile(r"Experimental Version (\S+)")
EXPERIMENTAL = [
    p
    for p in genie_outputs("ios/ShowVersion", "iosxe/ShowVersion")
    if "Experimental Version" in genie(str(p.values[0]))
]


def test_the_corpus_has_experimental_builds() -> None:
    assert len(EXPERIMENTAL) >= 10


@pytest.mark.parametrize("path", EXPERIMENTAL)
def test_experimental_build_version_is_read_as_printed(path: str) -> None:
    output = genie(path)
    (printed,) = set(_EXPERIMENTAL.findall(output))
    software = software_fact(IOS, {"show version": output})
    assert software.version == printed
    assert software.version == genie_expected(path)["version"]["version"]


@pytest.mark.parametrize("path", EXPERIMENTAL)
def test_experimental_build_passes_only_against_its_exact_version(path: str) -> None:
    output = genie(path)
    (printed,) = set(_EXPERIMENTAL.findall(output))
    image = software_fact(IOS, {"show version": output}).image
    status, message = judge(approving(IOS, printed, image), {"show version": output})
    assert status is Status.PASS, message
    release = printed.split(".20", 1)[0]  # 17.4.20200702:124009 -> 17.4
    status, message = judge(approving(IOS, release, image), {"show version": output})
    assert status is Status.FAIL, message
    assert f"running version {printed}, approved {release}" in message


def test_classic_ios_experimental_build_is_read() -> None:
    # A real IOS 12.4T output, its version line as an engineering build of it prints it.
    output = changed(
        ntc("cisco_ios", "show_version", "cisco_ios_show_version_01.raw"),
        "(C180X-ADVIPSERVICESK9-M), Version 12.4(6)T2, RELEASE SOFTWARE (fc1)",
        "(C180X-ADVIPSERVICESK9-M), Experimental Version 12.4(20060320:185311) "
        "[user-v124_6_t_throttle 101]",
    )
    device = approving(IOS, "12.4(20060320:185311)", "flash:/c180x-advipservicesk9-mz.124-6.T2.bin")
    status, message = judge(device, {"show version": output})
    assert status is Status.PASS, message
    assert "running version 12.4(20060320:185311) is the approved one" in message
    status, message = judge(approving(IOS, "12.4(6)T2", "flash:x.bin"), {"show version": output})
    assert status is Status.FAIL, message


def test_xr_engineering_build_is_read_without_its_bracketed_suffix() -> None:
    path = "iosxr/ShowVersion/golden_output_1_output.txt"
    assert "Version 6.1.4.10I[Default]" in genie(path)
    software = software_fact(XR, {"show version": genie(path), SUMMARY: REJECTED})
    assert software.version == "6.1.4.10I"
    assert software.image == "disk0:asr9k-os-mbi-6.1.4.10I/0x100305/mbiasr9k-rsp3.vm"


# --------------------------------------------------------------------------------------------
# 4. genieparser conformance: every golden `show version`
# --------------------------------------------------------------------------------------------

SHOW_VERSIONS = genie_outputs("ios/ShowVersion", "iosxe/ShowVersion", "iosxr/ShowVersion")

# Path -> {fact: why Genie's reading is wrong}, decided from the raw text; every other fact of
# that output must still agree. None so far: the two disagreements found were ours (the
# engineering builds' version line, the Allen-Bradley processor line), and are fixed.
GENIE_WRONG: dict[str, dict[str, str]] = {}


def _kb(text: str | None) -> int | None:
    """Genie's memory figure ("2027520", IOS-XR's "6291456K") in kilobytes."""
    return None if text is None else int(text.removesuffix("K"))


def genie_facts(path: str) -> dict[str, object]:
    """Genie's reading of what the software fact holds, where Genie's schema has it."""
    expected = genie_expected(path)
    if path.startswith("iosxr/"):
        return {
            "version": expected.get("software_version"),
            "image": expected.get("image"),
            "model": expected.get("device_family"),
            "uptime": expected.get("uptime"),
            "memory_kb": _kb(expected.get("processor_memory_bytes")),
        }
    version = expected["version"]
    return {
        "version": version.get("version"),
        "image": version.get("system_image"),
        "hostname": version.get("hostname"),
        "model": version.get("chassis"),
        "uptime": version.get("uptime"),
        "processor_board_id": version.get("chassis_sn"),
        "memory_kb": _kb(version.get("main_mem")),
    }


def our_facts(path: str) -> dict[str, object]:
    """The same, as this project's `show version` reader and builder read the output."""
    device = XR if path.startswith("iosxr/") else IOS
    sources = registry.sources(FACTS["software"], device)
    (source,) = [s for s in sources if s.command == "show version"]
    software = common.software(source.read(genie(path)), device)
    return {
        "version": software.version,
        "image": software.image or None,
        "hostname": software.hostname or None,
        "model": software.model or None,
        "uptime": software.uptime or None,
        "processor_board_id": software.processor_board_id or None,
        "memory_kb": software.memory_kb,
    }


@pytest.mark.parametrize("path", SHOW_VERSIONS)
def test_show_version_reader_agrees_with_genie(path: str) -> None:
    theirs = genie_facts(path)
    ours = our_facts(path)
    assert theirs["version"] is not None, f"{path}: Genie read no version"
    wrong = GENIE_WRONG.get(path, {})
    assert set(wrong) <= set(theirs), f"{path}: GENIE_WRONG names a fact Genie does not have"
    for fact, value in theirs.items():
        if fact in wrong:
            assert ours[fact] != value, f"{path}: Genie is no longer wrong on {fact}"
        else:
            assert ours[fact] == value, f"{path}: {fact}: ours {ours[fact]!r}, Genie {value!r}"


# --------------------------------------------------------------------------------------------
# 5. Through the real path: CLI, plugin, a recording replayed, the certificate
# --------------------------------------------------------------------------------------------


def test_real_run_of_ios_running_default_software_certifies_an_error(tmp_path: Path) -> None:
    show_version = recorded(IOS)[0]["show version"]
    image_line = 'System image file is "disk0:c12kprp-k4p-mz.120-32.SY8.bin"'
    edited = changed(show_version, image_line, "Running default software")
    result = replay(tmp_path, IOS.name, {"show version": edited}, "ios_version")
    check = result.check(IOS.name, "ios_version")
    assert check["status"] == "error", check
    assert "show version prints no system image file" in check["message"]


def test_real_run_of_xr_naming_its_image_nowhere_certifies_an_error(tmp_path: Path) -> None:
    show_version = recorded(XR)[0]["show version"]
    image_line = 'System image file is "disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm"\n'
    edited = changed(show_version, image_line, "")
    result = replay(tmp_path, XR.name, {"show version": edited}, "ios_version")
    check = result.check(XR.name, "ios_version")
    assert check["status"] == "error", check
    assert "marks no package as the [Boot image]" in check["message"]


# ---------------------------------------------------------------- the inventory's package name


def test_the_inventory_takes_a_64_bit_boot_image_package_as_the_image(tmp_path: Path) -> None:
    text = LAB_INVENTORY.read_text(encoding="utf-8").replace(
        'image: "disk0:c12k-os-mbi-3.9.1/mbiprp-rp.vm"', 'image: "ncs5500-xr-7.3.2"'
    )
    assert "ncs5500-xr-7.3.2" in text
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    device = load_inventory(path).device("nyc-gsr-02")
    assert device.software is not None and device.software.image == "ncs5500-xr-7.3.2"
    assert not device.software.is_file
    # flash needs a file on flash: a package name makes it an error that says so, planned
    # without a malformed command.
    with pytest.raises(Undecidable, match="names a package"):
        registry.sources("image_directory", device)
    with pytest.raises(Undecidable, match="names a package"):
        registry.sources("image_md5", device)
