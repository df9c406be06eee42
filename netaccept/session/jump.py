"""Jump hosts: reaching a router through one or more SSH bastions, as OpenSSH's ProxyJump.

A device's route is its address and the hops in front of it: `ssh.jump` in the inventory
(`user@host:port`, several for a chain), or `ProxyJump`/`HostName`/`Port` from an OpenSSH
client configuration file named by `ssh.config_file`. Each hop is an SSH session of its
own: its host key is verified by the same policy and known_hosts file as the routers', it
authenticates with `ssh.key_file` or the ssh-agent (never with the router's password), and
it forwards one `direct-tcpip` channel to the next hop, the last to the router. Nothing is
retried: a refused key on a bastion can lock the account as a router's TACACS+ can.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netaccept.inventory import CredentialsMissing, Device, Hop
from netaccept.session.algorithms import disabled_algorithms
from netaccept.session.hostkeys import HostKeyRefused, KnownHostsPolicy


@dataclass(frozen=True)
class KeySettings:
    """The public keys a device's sessions offer (the router's and its jump hosts')."""

    key_file: str | None
    passphrase: str | None
    agent: bool

    @classmethod
    def of(cls, device: Device) -> KeySettings:
        """From the inventory; CredentialsMissing if the passphrase's variable is not set."""
        ssh = device.ssh
        passphrase = None
        if ssh.key_passphrase_env:
            passphrase = os.environ.get(ssh.key_passphrase_env)
            if passphrase is None:
                raise CredentialsMissing(
                    f"{device.name}: no passphrase for {ssh.key_file}: set the environment "
                    f"variable {ssh.key_passphrase_env} (ssh.key_passphrase_env)"
                )
        return cls(
            key_file=str(Path(ssh.key_file).expanduser()) if ssh.key_file else None,
            passphrase=passphrase,
            # On by default when an agent is there to ask (SSH_AUTH_SOCK set and not empty).
            agent=bool(os.environ.get("SSH_AUTH_SOCK")) if ssh.agent is None else ssh.agent,
        )


class JumpError(Exception):
    """A hop could not be used; the message names the hop and what happened."""


@dataclass(frozen=True)
class Route:
    """Where the router is reached (after the SSH client configuration) and through what."""

    host: str
    port: int
    hops: tuple[Hop, ...] = ()


def route(device: Device) -> Route:
    """The device's route: `ssh.jump`, else its OpenSSH client configuration, else direct."""
    host, port, hops = device.host, device.port, [Hop.parse(j) for j in device.ssh.jump]
    if device.ssh.config_file:
        import paramiko

        config = paramiko.SSHConfig.from_path(str(Path(device.ssh.config_file).expanduser()))
        found = config.lookup(device.host)
        host = str(found.get("hostname", host))
        port = int(found.get("port", port)) if device.port == 22 else port
        if not hops and found.get("proxyjump", "none").lower() != "none":
            hops = [_hop_from_config(config, j) for j in str(found["proxyjump"]).split(",")]
    return Route(host, port, tuple(hops))


def _hop_from_config(config: Any, text: str) -> Hop:
    """A ProxyJump entry, itself looked up in the configuration (HostName, Port, User)."""
    hop = Hop.parse(text)
    found = config.lookup(hop.host)
    port = hop.port if ":" in text.split("@")[-1] else int(found.get("port", 22))
    return Hop(hop.user or found.get("user"), str(found.get("hostname", hop.host)), port)


class JumpChain:
    """The SSH sessions through the hops; `open` returns the channel to the router."""

    def __init__(self, device: Device, route: Route, known_hosts: Any, policy: Any) -> None:
        self.device = device
        self.route = route
        self.known_hosts = known_hosts
        self.policy = policy
        self.clients: list[Any] = []
        self.keys = KeySettings.of(device)

    def open(self, connect: Any) -> Any:
        """A socket-like channel to the router; `connect(host, port)` opens the first TCP hop.

        Raises JumpError naming the hop.
        """
        import paramiko

        t = self.device.timeouts
        first = self.route.hops[0]
        sock: Any = connect(first.host, first.port)
        targets = [*self.route.hops[1:], Hop(None, self.route.host, self.route.port)]
        for hop, target in zip(self.route.hops, targets, strict=True):
            client = paramiko.SSHClient()
            self.clients.append(client)
            client.set_missing_host_key_policy(
                KnownHostsPolicy(self.known_hosts, self.policy, hop.host, hop.port)
            )
            try:
                client.connect(
                    hop.host, hop.port, username=self._user(hop), sock=sock,
                    key_filename=self.keys.key_file, passphrase=self.keys.passphrase,
                    allow_agent=self.keys.agent, look_for_keys=False,
                    timeout=t.connect, banner_timeout=t.banner, auth_timeout=t.auth,
                    disabled_algorithms=disabled_algorithms(False),
                )  # fmt: skip
                channel = client.get_transport().open_channel(
                    "direct-tcpip", (target.host, target.port), ("127.0.0.1", 0),
                    timeout=t.connect,
                )  # fmt: skip
            except HostKeyRefused as exc:
                raise JumpError(f"jump host {hop}: {exc.decision.message}") from None
            except paramiko.AuthenticationException as exc:
                raise JumpError(
                    f"jump host {hop}: authentication as {self._user(hop)} failed ({exc}); jump "
                    "hosts take ssh.key_file or the ssh-agent; not retried"
                ) from None
            except paramiko.ChannelException as exc:
                raise JumpError(
                    f"jump host {hop}: it would not forward to {target.host}:{target.port} "
                    f"({exc.text}): is the next hop reachable from it, and TCP forwarding "
                    "allowed (AllowTcpForwarding)?"
                ) from None
            except (paramiko.SSHException, OSError, EOFError) as exc:
                raise JumpError(f"jump host {hop}: {type(exc).__name__}: {exc}") from None
            sock = channel
        return sock

    def close(self) -> None:
        for client in reversed(self.clients):
            with contextlib.suppress(Exception):
                client.close()
        self.clients.clear()

    def _user(self, hop: Hop) -> str:
        if hop.user:
            return hop.user
        return os.environ.get(self.device.credentials.username_env) or _login()


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "root"
