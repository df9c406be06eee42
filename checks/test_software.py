"""Software and storage: Schedule 2 lines 16 (Verify IOS version) and 17 (Verify Flash)."""

from __future__ import annotations

from netaccept.check import check
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device
from netaccept.platforms.facts import Directory, FileDigest, MemoryFacts, SoftwareFacts


def _approved(device: Device, check_id: str) -> tuple[str, str, str | None]:
    if device.software is None:
        raise Undecidable(
            f"the inventory gives no approved software for {device.name}: set software.version "
            f"and software.image, or list {check_id} under not_applicable with a reason"
        )
    return device.software.version, device.software.image, device.software.md5


@check("ios_version")
def test_ios_version(device: Device, software: SoftwareFacts, verdict: Verdict) -> None:
    """Verify IOS version (Schedule 2, line 16).

    Passes when the version `show version` reports equals `software.version` and the
    running image equals `software.image`, both exactly (12.0(32)SY8 is not 12.0(32)SY;
    disk0:x.bin is not slot0:x.bin). The version is as printed, an engineering build's
    too (`Experimental Version 17.3.20200113:071936`). The image is show version's system
    image file; 64-bit IOS-XR prints none, and its image is the package that
    `show install active summary` marks `[Boot image]` (`ncs5500-xr-7.3.2`).
    Fails naming the expected and the running value for each that differs.
    An error when the version is the approved one but the router names no image (IOS's
    "Running default software", IOS-XR 7 LNT), or the install summary cannot be read.
    """
    version, image, _md5 = _approved(device, "ios_version")
    same_version = verdict.expect(
        software.version == version,
        ok=f"running version {software.version} is the approved one",
        fail=f"running version {software.version}, approved {version}",
    )
    if not software.image:
        if not same_version:
            return  # the version alone fails the check
        raise Undecidable(
            f"{device.name} names no running image to compare with {image}: "
            f"{software.image_unknown}"
        )
    verdict.expect(
        software.image == image,
        ok=f"running image {software.image} is the approved one",
        fail=f"running image {software.image}, approved {image}",
    )


@check("flash")
def test_flash(
    device: Device, image_directory: Directory, image_md5: FileDigest, verdict: Verdict
) -> None:
    """Verify Flash (Schedule 2, line 17).

    Passes when the approved image (`software.image`) is listed on its flash file system,
    its MD5 (`verify /md5` on IOS, `show md5 file` on IOS-XR) equals `software.md5`, and
    the file system has at least `flash.min_free_bytes` free (default 16 MiB).
    Fails naming the missing file, the expected and computed MD5, or the free space.
    """
    _version, image, md5 = _approved(device, "flash")
    if md5 is None:
        raise Undecidable(
            f"the inventory gives no software.md5 for {device.name}: add the approved image's MD5"
        )
    filename = image.rpartition("/")[2].split(":")[-1]
    size = image_directory.files.get(filename)
    verdict.expect(
        size is not None,
        ok=f"{image} present on flash ({size} bytes)",
        fail=f"{image} not found in the listing of {image_directory.path}",
    )
    verdict.expect(
        image_md5.md5 == md5,
        ok=f"MD5 of {image} is the approved {md5}",
        fail=f"MD5 of {image} is {image_md5.md5}, approved {md5}",
    )
    minimum = device.flash.min_free_bytes
    verdict.expect(
        image_directory.free_bytes >= minimum,
        ok=f"{image_directory.free_bytes} bytes free on {image_directory.path} (minimum {minimum})",
        fail=f"only {image_directory.free_bytes} bytes free on {image_directory.path}, "
        f"minimum {minimum}",
    )


@check("rp_memory")
def test_rp_memory(device: Device, memory: MemoryFacts, verdict: Verdict) -> None:
    """Verify RP memory (Schedule 2, line 18).

    Passes when the route processor has at least `memory.min_dram_mb` of DRAM (from
    `show version`: on IOS main plus I/O memory, `with 491520K/32768K bytes` being 512 MB,
    or IOS-XE's physical memory line; default 512 MB) and at least
    `memory.min_free_percent` of its processor memory free (IOS `show memory statistics`,
    processor pool; IOS-XR `show memory summary`, application memory available; default
    20 %).
    Fails with the installed and required DRAM, or the free and required share.
    """
    required_mb = device.memory.min_dram_mb
    if memory.dram_kb is None:
        raise Undecidable(f"show version on {device.name} states no route processor memory")
    installed_mb = memory.dram_kb // 1024
    verdict.expect(
        installed_mb >= required_mb,
        ok=f"{installed_mb} MB of route processor DRAM (minimum {required_mb} MB)",
        fail=f"{installed_mb} MB of route processor DRAM, minimum {required_mb} MB",
    )
    minimum = device.memory.min_free_percent
    free = memory.free_percent
    verdict.expect(
        free >= minimum,
        ok=f"{free:.1f} % of processor memory free "
        f"({memory.free_bytes} of {memory.total_bytes} bytes; minimum {minimum} %)",
        fail=f"only {free:.1f} % of processor memory free "
        f"({memory.free_bytes} of {memory.total_bytes} bytes), minimum {minimum} %",
    )
