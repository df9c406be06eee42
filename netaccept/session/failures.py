"""What went wrong on the way to a router, in words a technician can act on.

The transport's exceptions, and the functions that turn what socket, paramiko and netmiko
raise into one `DeviceUnavailable` naming the device, its address, what happened, which
timeout or setting is involved, and whether a retry can help.
"""

from __future__ import annotations

import errno
import socket

from netaccept.inventory import Device
from netaccept.session.algorithms import LEGACY_SETTING, Offer, probe_offer
from netaccept.session.hostkeys import HostKeyRefused


class TransportError(Exception):
    """Base of everything that stops the harness from getting an output."""


class DeviceUnavailable(TransportError):
    """No session could be opened: every command of the device is undecidable.

    `transient` failures (refused, TCP or banner timeout, reset during the handshake) are
    worth one more try; authentication, enable and host key failures never are.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class CommandFailed(TransportError):
    """This one command produced no usable output; the session is still usable."""


class SessionLost(TransportError):
    """The session died mid-way: the remaining commands cannot be run on it."""


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and what it was raised from or during (netmiko keeps paramiko's error there)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def tcp_error(device: Device, exc: OSError) -> DeviceUnavailable:
    """Why the TCP connection failed, and what to do about it."""
    where = f"{device.name} ({device.host}:{device.port})"
    seconds = device.timeouts.connect
    if isinstance(exc, socket.gaierror):
        return DeviceUnavailable(
            f"{where}: cannot resolve {device.host} ({os_reason(exc)}): check the name in "
            "the inventory, or use an address"
        )
    if isinstance(exc, ConnectionRefusedError) or exc.errno == errno.ECONNREFUSED:
        return DeviceUnavailable(
            f"{where}: connection refused: nothing accepts SSH on port {device.port}; check "
            "that SSH is enabled on the router (crypto key, ip ssh / ssh server), the port, "
            "and any ACL or firewall that sends resets",
            transient=True,
        )
    if isinstance(exc, TimeoutError):
        return DeviceUnavailable(
            f"{where}: no TCP connection within {seconds:g} s (timeouts.connect): no route, "
            "or a firewall or ACL drops the packets; check the address and the path, and "
            "raise timeouts.connect on slow links",
            transient=True,
        )
    return DeviceUnavailable(
        f"{where}: no TCP connection ({os_reason(exc)}); check the address, the routing and "
        "any firewall in between",
        transient=exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ECONNRESET),
    )


def _incompatible(
    device: Device, chain: list[BaseException], offer: Offer | None
) -> DeviceUnavailable:
    """No algorithm in common: what the router offers, and the setting that would help."""
    where = f"{device.name} ({device.host}:{device.port})"
    peer = next(e for e in chain if type(e).__name__ == "IncompatiblePeer")
    agreed = (
        str(peer).removeprefix("Incompatible ssh peer ").removeprefix("Incompatible ssh server ")
    )
    try:
        # What the router sent before paramiko gave up; else ask once more (no login).
        offer = offer or probe_offer(device.host, device.port, device.timeouts.banner)
    except (OSError, ValueError) as exc:
        offered = f"its offer could not be read ({exc})"
    else:
        offered = f"it offers {offer.text()}"
        if offer.legacy_only and not device.ssh.legacy_algorithms:
            return DeviceUnavailable(
                f"{where}: the router offers only legacy SSH algorithms, which netaccept does "
                f"not offer unless told to: {offered}. If this router cannot be upgraded, add "
                f"`{LEGACY_SETTING}` to it (or to its group, site or defaults) in the "
                "inventory; the certificate then flags each weak algorithm negotiated"
            )
    return DeviceUnavailable(
        f"{where}: no SSH algorithm in common with the router {agreed}: {offered}"
    )


def connect_error(
    device: Device, exc: BaseException, offer: Offer | None = None
) -> DeviceUnavailable:
    """What went wrong between TCP and a logged-in session, and what to do about it."""
    from netmiko.exceptions import NetmikoAuthenticationException

    where = f"{device.name} ({device.host}:{device.port})"
    t = device.timeouts
    refs = device.credentials
    if isinstance(exc, HostKeyRefused):
        return DeviceUnavailable(f"{where}: {exc.decision.message}")
    chain = _causes(exc)
    if any(type(e).__name__ == "IncompatiblePeer" for e in chain):
        return _incompatible(device, chain, offer)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, NetmikoAuthenticationException):
        if "Authentication timeout" in text:
            return DeviceUnavailable(
                f"{where}: no answer to the login within {t.auth:g} s (timeouts.auth): the "
                "router's AAA servers (TACACS+, RADIUS) may be slow or unreachable; raise "
                "timeouts.auth, or check them from the router; not retried (account lockouts)"
            )
        return DeviceUnavailable(
            f"{where}: authentication failed; check the username and password in "
            f"{refs.username_env} / {refs.password_env}; not retried, because repeated "
            "failures can lock the account (TACACS+)"
        )
    if "Error reading SSH protocol banner" in text:
        return DeviceUnavailable(
            f"{where}: TCP connected but no SSH banner within {t.banner:g} s "
            "(timeouts.banner): the router's SSH server is busy or stuck (all vty lines in "
            "use?), or this port is not SSH; raise timeouts.banner for a slow router",
            transient=True,
        )
    if any(isinstance(e, ConnectionResetError | EOFError) for e in chain) or (
        "Connection reset" in text or "EOF during negotiation" in text
    ):
        return DeviceUnavailable(
            f"{where}: the router closed the connection during the SSH handshake (vty lines "
            "busy, or a vty access-class refusing this address?); run again",
            transient=True,
        )
    if any(isinstance(e, TimeoutError) for e in chain):
        return DeviceUnavailable(
            f"{where}: the SSH handshake did not complete within {t.connect:g} s "
            "(timeouts.connect): the router is overloaded or the path drops packets",
            transient=True,
        )
    cause = chain[-1]
    return DeviceUnavailable(
        f"{where}: the SSH session could not be set up: {type(cause).__name__}: {first_line(cause)}"
    )


def not_ssh(device: Device, head: bytes) -> DeviceUnavailable | None:
    """The port answered, but not with SSH (a web server, a console server's menu, a mail
    server): `head`, what it sent, has no `SSH-` version line. Not retried: a port that is not
    SSH will not become SSH on a second try."""
    lines = [line.strip() for line in head.split(b"\n") if line.strip()]
    if not lines or any(line.startswith(b"SSH-") for line in lines):
        return None
    sent = lines[0][:60].decode("ascii", "replace")
    return DeviceUnavailable(
        f"{device.name} ({device.host}:{device.port}): this port answered, but not SSH: it "
        f"sent {sent!r}; check the device's port in the inventory (SSH is 22 unless the router "
        "says otherwise) or the --endpoint / port forward; not retried"
    )


def stalled_after_banner(
    device: Device, exc: BaseException, head: bytes
) -> DeviceUnavailable | None:
    """The router sent its SSH version line, then nothing of the key exchange, and paramiko
    gave up after timeouts.connect ("No existing session"); `head`: what the router sent."""
    if not any("No existing session" in str(e) for e in _causes(exc)):
        return None
    lines = [line.strip() for line in head.split(b"\n")]
    version = next((line for line in lines if line.startswith(b"SSH-")), None)
    if version is None:
        return None
    banner = version[:80].decode("ascii", "replace")
    began = head.split(version, 1)[1].strip(b"\r\n")  # its KEXINIT, or a part of it
    then = "did not complete the key exchange" if began else "no key exchange"
    return DeviceUnavailable(
        f"{device.name} ({device.host}:{device.port}): the router sent its SSH banner "
        f"({banner!r}) but then {then} within {device.timeouts.connect:g} s "
        "(timeouts.connect): its SSH server accepted the connection and then stalled (all "
        "vty lines busy, or the router short of memory or CPU?); run again, or raise "
        "timeouts.connect for a slow router",
        transient=True,
    )


def dropped_message(command: str) -> str:
    return (
        f"the router closed the connection during {command!r}, before its prompt came back: "
        "it may have reloaded, or its vty session was cleared, or a firewall or NAT dropped "
        "the session; the partial output is not used and the remaining commands were not "
        "run; run again"
    )


def prompt_changed_message(before: str, after: str, command: str) -> str:
    return (
        f"the prompt changed from {before!r} to {after!r} during {command!r}: the hostname "
        "was changed or privileged mode was lost mid-session (is someone configuring the "
        "router?); the session is not trusted any more and the remaining commands were not "
        "run; run again when the router is stable (and update the inventory if it was renamed)"
    )


def os_reason(exc: OSError) -> str:
    return (exc.strerror or first_line(exc)).lower()


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
