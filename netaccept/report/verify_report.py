"""What verifying signed certificates found, per device and over all, and its text report.

`DeviceVerification` holds one device directory's outcome: the state of its signature,
how many files matched, and its problems, checked facts and notes, each a line naming the
device and the file. `VerifyReport` gathers them for everything `verify` was given and
renders the report `netaccept verify` prints: FAILED when any problem was found, VERIFIED
when every signature was checked with the given public key, UNVERIFIED-KEY when the files
are intact but no key was given to check who signed them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SignatureState = Literal["valid", "invalid", "unchecked", "missing"]


@dataclass
class DeviceVerification:
    """What was found for one device directory."""

    name: str
    directory: Path
    signature: SignatureState = "missing"
    run: str | None = None  # the run its certificate names
    files_matched: int = 0
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        if self.problems:
            return "FAILED"
        return "VERIFIED" if self.signature == "valid" else "UNVERIFIED-KEY"


@dataclass
class VerifyReport:
    """The outcome of `verify`: `ok` when no problem was found.

    `ok` means integrity: every covered file is as signed. It means authenticity as well
    only when a public key was given (`authenticated`); without one, `status` is
    UNVERIFIED-KEY.
    """

    target: Path
    key: str | None
    devices: list[DeviceVerification] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def authenticated(self) -> bool:
        return (
            self.ok
            and self.key is not None
            and bool(self.devices)
            and all(d.signature == "valid" for d in self.devices)
        )

    @property
    def status(self) -> str:
        if not self.ok:
            return "FAILED"
        return "VERIFIED" if self.authenticated else "UNVERIFIED-KEY"

    def render(self, verbose: bool = False) -> str:
        """The report as text; any character that is not printable (a file name is anyone's
        choice) is shown escaped, never sent to the terminal."""
        failed = sum(1 for d in self.devices if not d.ok)
        count = f"{len(self.devices)} device{'s' if len(self.devices) != 1 else ''}"
        if self.status == "FAILED" and not failed:
            head = f"FAILED: the run does not verify, though each of {count} does ({self.target})"
        elif self.status == "FAILED":
            head = f"FAILED: {failed} of {count} did not verify ({self.target})"
        elif self.status == "VERIFIED":
            head = f"VERIFIED: {count}, signed with {self.key} ({self.target})"
        else:
            head = f"UNVERIFIED-KEY: {count}, files intact, signer not checked ({self.target})"
        lines = [head]
        if self.key is None:
            lines.append(
                "UNVERIFIED-KEY: no public key was given, so no signature was checked and "
                "authenticity cannot be established. The files match certificate.sig and the "
                "certificates' own hashes (integrity only), but whoever can edit them can also "
                "rewrite certificate.sig. Verify with --public-key FILE."
            )
        else:
            lines.append(f"public key: {self.key}")
        width = max((len(d.name) for d in self.devices), default=0)
        for device in self.devices:
            if device.problems:
                plural = "s" if len(device.problems) != 1 else ""
                detail = f"{len(device.problems)} problem{plural}"
            elif device.signature == "valid":
                detail = f"signature valid, {device.files_matched} files match"
            else:
                detail = f"signature NOT checked, {device.files_matched} files match"
            if device.run is not None:
                detail += f", run {device.run}"
            lines.append(f"  {device.name:<{width}}  {device.status:<14}  {detail}")
        if self.problems:
            lines.append("Problems:")
            lines.extend(f"  {p}" for p in self.problems)
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  {n}" for n in self.notes)
        if verbose and self.checked:
            lines.append("Checked:")
            lines.extend(f"  {c}" for c in self.checked)
        return "\n".join(_printable(line) for line in lines) + "\n"


def _printable(line: str) -> str:
    if line.isprintable():
        return line
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in line)
