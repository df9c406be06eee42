"""Capture: run every command each device needs, once, concurrently across devices.

The commands come from the selected checks; the outputs become evidence. A device that
cannot be reached, or a command that fails, is recorded with its reason so that the
checks which needed it become `error` with that reason, never `pass`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from netaccept.commands import ForbiddenCommand, ensure_read_only
from netaccept.evidence import Evidence, utc_now
from netaccept.inventory import CredentialsMissing, Device
from netaccept.masking import mask_secrets
from netaccept.transport import (
    CommandFailed,
    DeviceUnavailable,
    Session,
    SessionLost,
    Transport,
)


@dataclass
class DeviceCapture:
    """What one device said, and what it could not say."""

    device: Device
    transport: str
    started: datetime
    finished: datetime | None = None
    host_key: str | None = None
    host_key_check: str | None = None  # how the host key was verified (SSH), in words
    evidence: dict[str, Evidence] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None

    def reason_missing(self, command: str) -> str:
        """Why there is no output for `command`, in words a technician can act on."""
        if self.unavailable:
            return self.unavailable
        if command in self.failures:
            return self.failures[command]
        return f"{command!r} was not captured from {self.device.name}"


ProgressCallback = Callable[[str, str, int], None]
"""Called as (device name, event, commands done): events are start, command, done, failed."""


def capture_device(
    device: Device,
    commands: Sequence[str],
    transport: Transport,
    progress: ProgressCallback | None = None,
) -> DeviceCapture:
    """Run `commands` on `device` in order over one session."""
    result = DeviceCapture(device, transport.name, utc_now())
    notify = progress or (lambda _name, _event, _done: None)
    notify(device.name, "start", 0)
    for command in commands:  # nothing unsafe may even be attempted
        try:
            ensure_read_only(command)
        except ForbiddenCommand as exc:
            result.failures[command] = str(exc)
    runnable = [c for c in commands if c not in result.failures]
    session: Session | None = None
    try:
        session = transport.open(device)
        result.host_key = session.host_key
        result.host_key_check = getattr(session, "host_key_check", None)
        for done, command in enumerate(runnable, start=1):
            try:
                output = session.run(command)
            except CommandFailed as exc:
                result.failures[command] = str(exc)
            except SessionLost as exc:
                for rest in runnable[done - 1 :]:
                    result.failures[rest] = f"{device.name} ({device.host}:{device.port}): {exc}"
                notify(device.name, "failed", done)
                break
            else:
                # Secrets are masked before the output is stored, shown or hashed: the
                # masked text is the evidence.
                result.evidence[command] = Evidence.of(command, mask_secrets(output))
            notify(device.name, "command", done)
        else:
            notify(device.name, "done", len(runnable))
    except (DeviceUnavailable, CredentialsMissing) as exc:
        result.unavailable = str(exc)
        notify(device.name, "failed", 0)
    except Exception as exc:  # a transport bug must not take the other devices down with it
        result.unavailable = (
            f"{device.name} ({device.host}:{device.port}): internal error while capturing: "
            f"{type(exc).__name__}: {exc}; please report it with this message"
        )
        notify(device.name, "failed", 0)
    finally:
        if session is not None:
            session.close()
        result.finished = utc_now()
    return result


def capture(
    plan: Sequence[tuple[Device, Sequence[str]]],
    transport: Transport,
    *,
    workers: int,
    progress: ProgressCallback | None = None,
) -> dict[str, DeviceCapture]:
    """Capture every device's commands with at most `workers` sessions open at once."""
    if not plan:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(plan)))) as pool:
        futures = {
            device.name: pool.submit(capture_device, device, commands, transport, progress)
            for device, commands in plan
        }
        return {name: future.result() for name, future in futures.items()}
