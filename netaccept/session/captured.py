"""What one device said over its session, and what it could not say: a capture's record.

Written by the run's capture (`netaccept.run.capture`), read by the checks' facts and by the
certificates: an output that is missing always comes with the reason, in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from netaccept.core.evidence import Evidence
from netaccept.inventory import Device
from netaccept.session.algorithms import SshAlgorithms


@dataclass
class DeviceCapture:
    """What one device said, and what it could not say."""

    device: Device
    transport: str
    started: datetime
    finished: datetime | None = None
    host_key: str | None = None
    host_key_check: str | None = None  # how the host key was verified (SSH), in words
    algorithms: SshAlgorithms | None = None  # negotiated (SSH)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None
    interrupted: str | None = None  # why the capture did not finish: the run was stopped

    @property
    def complete(self) -> bool:
        """Every command was tried: the device can be decided and certified."""
        return self.interrupted is None

    def reason_missing(self, command: str) -> str:
        """Why there is no output for `command`, in words a technician can act on."""
        if self.interrupted:
            return self.interrupted
        if self.unavailable:
            return self.unavailable
        if command in self.failures:
            return self.failures[command]
        return f"{command!r} was not captured from {self.device.name}"
