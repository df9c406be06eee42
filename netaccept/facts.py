"""Facts: typed things a check can ask for, and how each is obtained on each platform.

A fact names the command to run (in the platform's own syntax, possibly built from the
device's inventory values), the TextFSM template that parses it, and how the parsed rows
become a typed value. Checks request facts by name as pytest fixtures; the plugin
collects the commands of every selected check before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from netaccept.catalogue import Platform
from netaccept.inventory import Device, Software
from netaccept.parsing import ParseError, Row
from netaccept.verdicts import Undecidable

T = TypeVar("T")


# ---------------------------------------------------------------- the facts themselves


@dataclass(frozen=True)
class SoftwareFacts:
    """What `show version` says about the running software and the route processor."""

    hostname: str
    version: str
    image: str
    model: str
    processor_board_id: str
    uptime: str


@dataclass(frozen=True)
class Chassis:
    """The chassis entry of `show inventory`: the equipment's identity for the certificate."""

    name: str
    description: str
    pid: str
    serial: str


@dataclass(frozen=True)
class BgpSession:
    neighbor: str
    remote_as: int
    up_down: str
    state: str
    prefixes: int | None

    @property
    def established(self) -> bool:
        return self.prefixes is not None


@dataclass(frozen=True)
class IsisAdjacency:
    system_id: str
    interface: str
    level: str
    state: str

    @property
    def up(self) -> bool:
        return self.state.lower() == "up"

    @property
    def levels(self) -> set[str]:
        """`{"L1", "L2"}` for an L1L2 adjacency."""
        return {f"L{n}" for n in self.level.removeprefix("L").split("L") if n}


@dataclass(frozen=True)
class Directory:
    """A `dir` listing: the files in one folder and the file system's space."""

    path: str
    files: Mapping[str, int]
    total_bytes: int
    free_bytes: int


@dataclass(frozen=True)
class FileDigest:
    path: str
    md5: str


# ---------------------------------------------------------------- how facts are obtained


@dataclass(frozen=True)
class Recipe(Generic[T]):
    """How one platform yields a fact: the command, its template, and the row -> fact step."""

    command: Callable[[Device], str]
    template: str
    build: Callable[[list[Row], Device], T]


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A named fact with a recipe per supported platform."""

    name: str
    description: str
    recipes: Mapping[Platform, Recipe[T]]

    def recipe(self, platform: Platform) -> Recipe[T]:
        try:
            return self.recipes[platform]
        except KeyError:
            raise Undecidable(f"{self.description} is not implemented for {platform}") from None

    def command(self, device: Device) -> str:
        return self.recipe(device.platform).command(device)


def _one(rows: list[Row], what: str) -> Row:
    if len(rows) != 1:
        raise ParseError(f"expected one {what} record, found {len(rows)}")
    return rows[0]


def _approved(device: Device) -> Software:
    if device.software is None:
        raise Undecidable(
            f"the inventory gives no approved software for {device.name}: set software.version "
            "and software.image (and software.md5) on the device, its site or group, or defaults"
        )
    return device.software


def _software(rows: list[Row], _device: Device) -> SoftwareFacts:
    row = _one(rows, "show version")
    if not row["VERSION"]:
        raise ParseError("show version has no software version line")
    return SoftwareFacts(
        hostname=row["HOSTNAME"],
        version=row["VERSION"],
        image=row["IMAGE"],
        model=row["MODEL"],
        processor_board_id=row.get("PROCESSOR_BOARD_ID", ""),
        uptime=row["UPTIME"],
    )


def _chassis(rows: list[Row], _device: Device) -> Chassis:
    if not rows:
        raise ParseError("show inventory lists no equipment")
    # The chassis is listed first; prefer an entry that says so.
    chosen = next(
        (r for r in rows if re.search(r"chassis|rack", r["NAME"], re.I)),
        rows[0],
    )
    return Chassis(chosen["NAME"], chosen["DESCR"], chosen["PID"], chosen["SN"])


def _int_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _bgp_ios(rows: list[Row], _device: Device) -> list[BgpSession]:
    return [
        BgpSession(
            neighbor=r["BGP_NEIGHBOR"],
            remote_as=int(str(r["NEIGHBOR_AS"]).split(".")[0]),
            up_down=r["UP_DOWN"],
            state=r["STATE_OR_PREFIXES_RECEIVED"],
            prefixes=_int_or_none(r["STATE_OR_PREFIXES_RECEIVED"]),
        )
        for r in rows
        if r["BGP_NEIGHBOR"]
    ]


def _bgp_xr(rows: list[Row], _device: Device) -> list[BgpSession]:
    return [
        BgpSession(
            neighbor=r["BGP_NEIGH"],
            remote_as=int(r["NEIGH_AS"]),
            up_down=r["UP_DOWN"],
            state=r["STATE_PFXRCD"],
            prefixes=_int_or_none(r["STATE_PFXRCD"]),
        )
        for r in rows
        if r["BGP_NEIGH"]
    ]


def _isis_ios(rows: list[Row], _device: Device) -> list[IsisAdjacency]:
    return [IsisAdjacency(r["SYSTEM_ID"], r["INTERFACE"], r["TYPE"], r["STATE"]) for r in rows]


def _isis_xr(rows: list[Row], _device: Device) -> list[IsisAdjacency]:
    return [IsisAdjacency(r["SYSTEM_ID"], r["INTERFACE"], r["TYPE"], r["STATE"]) for r in rows]


def _directory(rows: list[Row], device: Device) -> Directory:
    if not rows:
        raise ParseError("dir printed no listing")
    totals = [r for r in rows if r.get("TOTAL_SIZE") and r.get("TOTAL_FREE")]
    if not totals:
        raise ParseError("dir printed no 'bytes total (bytes free)' line")
    # Linux-based IOS-XR counts the totals in kbytes; IOS and classic IOS-XR in bytes.
    multiplier = 1024 if totals[-1].get("UNIT") == "kbytes" else 1
    files = {r["NAME"]: int(r["SIZE"]) for r in rows if r.get("NAME") and r.get("SIZE")}
    return Directory(
        path=_dir_path(device),
        files=files,
        total_bytes=int(totals[-1]["TOTAL_SIZE"]) * multiplier,
        free_bytes=int(totals[-1]["TOTAL_FREE"]) * multiplier,
    )


def _dir_path(device: Device) -> str:
    software = _approved(device)
    return software.filesystem + software.directory


def _md5(rows: list[Row], device: Device) -> FileDigest:
    row = _one(rows, "MD5")
    return FileDigest(_approved(device).image, str(row["MD5"]).lower())


SOFTWARE: Fact[SoftwareFacts] = Fact(
    "software",
    "the running software (show version)",
    {
        "cisco_ios": Recipe(lambda d: "show version", "own:cisco_ios_show_version", _software),
        "cisco_xr": Recipe(lambda d: "show version", "own:cisco_xr_show_version", _software),
    },
)

CHASSIS: Fact[Chassis] = Fact(
    "chassis",
    "the chassis identity (show inventory)",
    {
        "cisco_ios": Recipe(lambda d: "show inventory", "ntc:cisco_ios_show_inventory", _chassis),
        "cisco_xr": Recipe(
            lambda d: "show inventory", "ntc:cisco_xr_admin_show_inventory", _chassis
        ),
    },
)

BGP_SESSIONS: Fact[list[BgpSession]] = Fact(
    "bgp_sessions",
    "the BGP session table (show ip bgp summary / show bgp summary)",
    {
        "cisco_ios": Recipe(
            lambda d: "show ip bgp summary", "ntc:cisco_ios_show_ip_bgp_summary", _bgp_ios
        ),
        # ntc-templates has no `show bgp summary` template for IOS-XR; the table is the same
        # as `show ip bgp summary`, whose template is named here explicitly.
        "cisco_xr": Recipe(
            lambda d: "show bgp summary", "ntc:cisco_xr_show_ip_bgp_summary", _bgp_xr
        ),
    },
)

ISIS_ADJACENCIES: Fact[list[IsisAdjacency]] = Fact(
    "isis_adjacencies",
    "the ISIS adjacency table (show isis neighbors)",
    {
        "cisco_ios": Recipe(
            lambda d: "show isis neighbors", "ntc:cisco_ios_show_isis_neighbors", _isis_ios
        ),
        "cisco_xr": Recipe(
            lambda d: "show isis neighbors", "ntc:cisco_xr_show_isis_neighbors", _isis_xr
        ),
    },
)

IMAGE_DIRECTORY: Fact[Directory] = Fact(
    "image_directory",
    "the flash listing of the approved image's folder (dir)",
    {
        "cisco_ios": Recipe(lambda d: f"dir {_dir_path(d)}", "ntc:cisco_ios_dir", _directory),
        # ntc-templates' cisco_xr_dir knows only the Linux-based layout, not classic XR's.
        "cisco_xr": Recipe(lambda d: f"dir {_dir_path(d)}", "own:cisco_xr_dir", _directory),
    },
)

IMAGE_MD5: Fact[FileDigest] = Fact(
    "image_md5",
    "the MD5 of the approved image on flash (verify /md5 / show md5 file)",
    {
        "cisco_ios": Recipe(
            lambda d: f"verify /md5 {_approved(d).image}", "own:cisco_ios_verify_md5", _md5
        ),
        "cisco_xr": Recipe(
            lambda d: f"show md5 file {_approved(d).image}", "own:cisco_xr_show_md5_file", _md5
        ),
    },
)

FACTS: dict[str, Fact[Any]] = {
    fact.name: fact
    for fact in (SOFTWARE, CHASSIS, BGP_SESSIONS, ISIS_ADJACENCIES, IMAGE_DIRECTORY, IMAGE_MD5)
}

IDENTITY: tuple[Fact[Any], ...] = (SOFTWARE, CHASSIS)
"""Captured from every device, whatever checks run: the certificate identifies the equipment."""
