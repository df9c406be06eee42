"""A real OpenSSH sshd on 127.0.0.1 for tests: a server nobody here wrote (issue 10, point 5).

`with Sshd(jump_host()) as sshd:` starts Debian's `/usr/sbin/sshd -D -e -f CONFIG` on a free
port, everything in a temporary directory of its own: host key, `sshd_config` written from
:class:`SshdOptions`, a client key pair whose public key is authorized, the known_hosts
line of the host key, and sshd's log. The config is checked with `sshd -t` first. On exit,
also when the test body raised, sshd is terminated (then killed) and the directory removed.

Password authentication without touching a real account: as root, sshd runs in a private
mount namespace (`unshare --mount`) where /etc/passwd and /etc/shadow are bind-mounted
copies that add the user `netaccept-test` (uid 0, home the temporary directory) with a
fresh random password. The machine's own files are neither read for secrets nor changed;
the user exists only for that sshd. The one change to the machine is sshd's
privilege-separation directory /run/sshd, created if missing, as Debian's ssh service does.
Not as root, sshd logs in only the user running it, by public key (`password` is None).

Two profiles: :func:`jump_host` (modern algorithms, public key, TCP forwarding) and
:func:`legacy_router` (SHA-1 key exchange, ssh-rsa with a 1024-bit RSA host key, CBC
ciphers, hmac-sha1; a ForceCommand plays a lab recording, see tests/router_shell.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from netaccept.lab.spec import load_recording
from netaccept.platforms.registry import platform as registered

__all__ = [
    "HOST",
    "LEGACY_CIPHERS",
    "LEGACY_CLIENT_OPTIONS",
    "LEGACY_KEX",
    "TEST_USER",
    "KeySpec",
    "RouterRecording",
    "Sshd",
    "SshdError",
    "SshdOptions",
    "jump_host",
    "legacy_router",
]

SSHD = Path("/usr/sbin/sshd")
SSH_KEYGEN = "ssh-keygen"
HOST = "127.0.0.1"
TEST_USER = "netaccept-test"
ROUTER_SHELL = Path(__file__).resolve().with_name("router_shell.py")
PRIVSEP_DIR = Path("/run/sshd")
_INSTALL_HINT = "install it with `make sshd` (Debian's openssh-server, needs root)"
_START_ATTEMPTS = 3  # a free port can be taken by someone else before sshd binds it
_STOP_GRACE = 5.0
_PR_SET_PDEATHSIG = 1
_ACCOUNTS = ("passwd", "shadow")  # bind-mounted over /etc/NAME in sshd's mount namespace

LogLevel = Literal["INFO", "VERBOSE", "DEBUG1", "DEBUG2", "DEBUG3"]

# OpenSSH 9.2's defaults without SHA-1, UMAC or post-quantum hybrids: what paramiko 4 and a
# current router both speak.
MODERN_KEX = (
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group14-sha256",
)
MODERN_CIPHERS = (
    "chacha20-poly1305@openssh.com",
    "aes256-gcm@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-ctr",
    "aes192-ctr",
    "aes128-ctr",
)
MODERN_MACS = (
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
)
MODERN_KEY_ALGORITHMS = ("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256")

# What an IOS 12.x/15.x router offers, and nothing else.
LEGACY_KEX = ("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1")
LEGACY_HOST_KEY_ALGORITHMS = ("ssh-rsa",)
LEGACY_CIPHERS = ("aes128-cbc", "3des-cbc", "aes256-cbc")
LEGACY_MACS = ("hmac-sha1",)
# OpenSSH's `ssh` options that let it talk to legacy_router() (its defaults refuse it). The
# client key signs with ssh-rsa only: sshd 9.2 advertises rsa-sha2-* in server-sig-algs even
# when PubkeyAcceptedAlgorithms refuses them (a real IOS sends no server-sig-algs at all).
LEGACY_CLIENT_OPTIONS = (
    "KexAlgorithms=+" + ",".join(LEGACY_KEX),
    "HostKeyAlgorithms=+ssh-rsa",
    "PubkeyAcceptedAlgorithms=ssh-rsa",
    "Ciphers=+" + ",".join(LEGACY_CIPHERS),
)


class SshdError(RuntimeError):
    """sshd could not be set up or started; the message says why and what to do."""


@dataclass(frozen=True)
class KeySpec:
    """A key to generate with ssh-keygen: its type and, for RSA/ECDSA, its size in bits."""

    type: Literal["ed25519", "rsa", "ecdsa"] = "ed25519"
    bits: int | None = None


@dataclass(frozen=True)
class RouterRecording:
    """A lab recording for tests/router_shell.py to play, and the router's enable secret."""

    recording: Path
    secret: str = field(repr=False)


@dataclass(frozen=True)
class SshdOptions:
    """One sshd's configuration; an empty algorithm list keeps OpenSSH's default."""

    host_key: KeySpec = KeySpec()
    client_key: KeySpec = KeySpec()
    password_auth: bool = False
    kbd_interactive_auth: bool = False
    allow_tcp_forwarding: bool = False
    kex_algorithms: tuple[str, ...] = ()
    host_key_algorithms: tuple[str, ...] = ()
    pubkey_accepted_algorithms: tuple[str, ...] = ()
    ciphers: tuple[str, ...] = ()
    macs: tuple[str, ...] = ()
    force_command: str | None = None
    router: RouterRecording | None = None
    """Run tests/router_shell.py with this recording as the ForceCommand."""
    log_level: LogLevel = "VERBOSE"  # the harness reads "Server listening on" from the log

    def __post_init__(self) -> None:
        if self.force_command is not None and self.router is not None:
            raise ValueError("SshdOptions: give force_command or router, not both")


def jump_host() -> SshdOptions:
    """A bastion: modern algorithms only, public key authentication, TCP forwarding on."""
    return SshdOptions(
        host_key=KeySpec("ed25519"),
        client_key=KeySpec("ed25519"),
        allow_tcp_forwarding=True,
        kex_algorithms=MODERN_KEX,
        host_key_algorithms=("ssh-ed25519",),
        pubkey_accepted_algorithms=MODERN_KEY_ALGORITHMS,
        ciphers=MODERN_CIPHERS,
        macs=MODERN_MACS,
    )


def legacy_router(recording: Path, secret: str) -> SshdOptions:
    """An old Cisco router: SHA-1 KEX, ssh-rsa on RSA 1024, CBC, hmac-sha1, a recorded CLI."""
    return SshdOptions(
        host_key=KeySpec("rsa", 1024),
        client_key=KeySpec("rsa", 2048),
        password_auth=True,
        kex_algorithms=LEGACY_KEX,
        host_key_algorithms=LEGACY_HOST_KEY_ALGORITHMS,
        pubkey_accepted_algorithms=("ssh-rsa",),
        ciphers=LEGACY_CIPHERS,
        macs=LEGACY_MACS,
        router=RouterRecording(recording, secret),
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _keygen(spec: KeySpec, path: Path, comment: str) -> None:
    argv = [SSH_KEYGEN, "-q", "-t", spec.type, "-N", "", "-C", comment, "-f", str(path)]
    if spec.bits is not None:
        argv += ["-b", str(spec.bits)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SshdError(f"ssh-keygen could not make a {spec} key: {done.stderr.strip()}")


def _sha512_crypt(password: str) -> str:
    """The /etc/shadow hash of `password` (glibc's crypt; the crypt module is deprecated)."""
    name = ctypes.util.find_library("crypt")
    if name is None:
        raise SshdError("libcrypt not found: password authentication needs it")
    crypt = ctypes.CDLL(name).crypt
    crypt.restype = ctypes.c_char_p
    crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    alphabet = string.ascii_letters + string.digits + "./"
    salt = "$6$" + "".join(secrets.choice(alphabet) for _ in range(16)) + "$"
    hashed: bytes | None = crypt(password.encode(), salt.encode())
    if not hashed or not hashed.startswith(b"$6$"):
        raise SshdError("libcrypt could not hash the test user's password")
    return hashed.decode()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    # A pytest killed with SIGKILL never reaches Sshd.stop(); the kernel then stops sshd.
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Sshd:
    """A running sshd (a context manager): its port, user, keys and known_hosts line."""

    def __init__(self, options: SshdOptions | None = None, *, start_timeout: float = 10.0) -> None:
        self.options = options if options is not None else SshdOptions()
        self._start_timeout = start_timeout
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._port = 0
        self._as_root = os.geteuid() == 0
        self.user = TEST_USER if self._as_root else pwd.getpwuid(os.geteuid()).pw_name
        self.password: str | None = None

    # -- what tests use -------------------------------------------------------------------

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        if not self._port:
            raise SshdError("sshd is not running: use `with Sshd(...) as sshd:`")
        return self._port

    @property
    def pid(self) -> int:
        if self._process is None:
            raise SshdError("sshd is not running")
        return self._process.pid

    @property
    def directory(self) -> Path:
        if self._tmp is None:
            raise SshdError("sshd is not running")
        return Path(self._tmp.name)

    @property
    def config_path(self) -> Path:
        return self.directory / "sshd_config"

    @property
    def client_key_path(self) -> Path:
        return self.directory / "client_key"

    @property
    def known_hosts_path(self) -> Path:
        return self.directory / "known_hosts"

    @property
    def host_public_key(self) -> str:
        """`TYPE BASE64` of the host key, as in a known_hosts file."""
        fields = (self.directory / "host_key.pub").read_text().split()
        return f"{fields[0]} {fields[1]}"

    @property
    def known_hosts_line(self) -> str:
        return f"[{HOST}]:{self.port} {self.host_public_key}"

    def log(self) -> str:
        """What sshd has logged so far (its stderr, `-e`)."""
        try:
            return (self.directory / "sshd.log").read_text(errors="replace")
        except (OSError, SshdError):
            return ""

    def wait_for_log(self, fragment: str, timeout: float = 5.0) -> str:
        """sshd's log once it holds `fragment` (sshd logs after the client has seen the end)."""
        deadline = time.monotonic() + timeout
        while fragment not in (log := self.log()):
            if time.monotonic() > deadline:
                raise SshdError(f"sshd did not log {fragment!r} in {timeout}s; log: {log}")
            time.sleep(0.01)
        return log

    def effective_config(self) -> dict[str, str]:
        """`sshd -T`: every option as sshd understands it, lower-case keyword -> value."""
        done = self._sshd("-T")
        return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)

    def ssh_argv(self, *remote: str, options: tuple[str, ...] = ()) -> list[str]:
        """OpenSSH's `ssh` to this server: its client key, its host key pinned, no agent.

        `options` (`Name=value`) come first: ssh takes the first value given for an option.
        """
        argv = ["ssh", "-F", "/dev/null", "-p", str(self.port), "-i", str(self.client_key_path)]
        for option in (
            *options,
            "IdentitiesOnly=yes",
            "BatchMode=yes",
            "StrictHostKeyChecking=yes",
            f"UserKnownHostsFile={self.known_hosts_path}",
            "GlobalKnownHostsFile=/dev/null",
            "UpdateHostKeys=no",
            "ConnectTimeout=5",
        ):
            argv += ["-o", option]
        return [*argv, f"{self.user}@{HOST}", *remote]

    # -- life cycle -----------------------------------------------------------------------

    def __enter__(self) -> Sshd:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._tmp is not None:
            raise SshdError("this sshd is already started")
        if not SSHD.exists() or shutil.which(SSH_KEYGEN) is None:
            raise SshdError(f"{SSHD} or {SSH_KEYGEN} is missing: {_INSTALL_HINT}")
        self._tmp = tempfile.TemporaryDirectory(prefix="netaccept-sshd-")
        self._prepare_files()
        if self._as_root:
            PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
        for attempt in range(1, _START_ATTEMPTS + 1):
            self._port = _free_port()
            self._write_config()
            self._check_config()
            self.known_hosts_path.write_text(self.known_hosts_line + "\n")
            if self._spawn_and_wait(last=attempt == _START_ATTEMPTS):
                return

    def stop(self) -> None:
        """Terminate sshd (kill it if it lingers) and remove its directory; idempotent."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._port = 0

    # -- setting up -----------------------------------------------------------------------

    def _prepare_files(self) -> None:
        d = self.directory
        _keygen(self.options.host_key, d / "host_key", "netaccept-test-host")
        _keygen(self.options.client_key, d / "client_key", "netaccept-test-client")
        shutil.copyfile(d / "client_key.pub", d / "authorized_keys")
        if self.options.password_auth or self.options.kbd_interactive_auth:
            if not self._as_root:
                raise SshdError("password authentication needs root (sshd reads /etc/shadow)")
            self.password = "Pw-" + secrets.token_urlsafe(12)
        if self._as_root:
            self._write_accounts()
        if self.options.router is not None:
            self._write_router_session(self.options.router)

    def _write_accounts(self) -> None:
        """passwd and shadow for sshd's mount namespace: the machine's users plus ours."""
        d = self.directory
        passwd = Path("/etc/passwd").read_text()
        if not passwd.endswith("\n"):
            passwd += "\n"
        entry = f"{TEST_USER}:x:0:0:netaccept sshd test user:{d}:/bin/sh\n"
        (d / "passwd").write_text(passwd + entry)
        (d / "passwd").chmod(0o644)
        # Only our user: sshd checks passwords and expiry of no one else here.
        hashed = "*" if self.password is None else _sha512_crypt(self.password)
        today = int(time.time() // 86400)
        _write_private(d / "shadow", f"{TEST_USER}:{hashed}:{today}::::::\n")

    def _write_router_session(self, router: RouterRecording) -> None:
        try:
            device, platform, _ = load_recording(router.recording)
        except ValueError as exc:
            raise SshdError(str(exc)) from exc
        persona = registered(platform).lab
        session = {
            "recording": str(router.recording.resolve()),
            "hostname": device,
            "prompt": persona.prompt,
            "user_mode": persona.user_mode,
            "user_mode_commands": list(persona.user_mode_commands),
            "secret": router.secret,
        }
        _write_private(self.directory / "router_session.json", json.dumps(session))

    def _force_command(self) -> str | None:
        if self.options.router is None:
            return self.options.force_command
        session = self.directory / "router_session.json"
        return shlex.join(["exec", sys.executable, "-I", str(ROUTER_SHELL), str(session)])

    def _write_config(self) -> None:
        o, d = self.options, self.directory
        lines = [
            f"Port {self._port}",
            "AddressFamily inet",
            f"ListenAddress {HOST}",
            f"HostKey {d / 'host_key'}",
            f"PidFile {d / 'sshd.pid'}",
            f"AuthorizedKeysFile {d / 'authorized_keys'}",
            "StrictModes no",
            # keyboard-interactive needs PAM (its "Password:" prompt, as TACACS+ asks)
            f"UsePAM {_yes(o.kbd_interactive_auth)}",
            "PermitRootLogin yes",
            "PubkeyAuthentication yes",
            f"PasswordAuthentication {_yes(o.password_auth)}",
            "PermitEmptyPasswords no",
            f"KbdInteractiveAuthentication {_yes(o.kbd_interactive_auth)}",
            f"AllowTcpForwarding {_yes(o.allow_tcp_forwarding)}",
            "AllowAgentForwarding no",
            "X11Forwarding no",
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "LoginGraceTime 30",
            f"LogLevel {o.log_level}",
        ]
        for keyword, values in (
            ("KexAlgorithms", o.kex_algorithms),
            ("HostKeyAlgorithms", o.host_key_algorithms),
            ("PubkeyAcceptedAlgorithms", o.pubkey_accepted_algorithms),
            ("Ciphers", o.ciphers),
            ("MACs", o.macs),
        ):
            if values:
                lines.append(f"{keyword} {','.join(values)}")
        command = self._force_command()
        if command is not None:
            lines.append(f"ForceCommand {command}")
        self.config_path.write_text("\n".join(lines) + "\n")

    def _sshd(self, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [str(SSHD), *args, "-f", str(self.config_path)]
        return subprocess.run(argv, capture_output=True, text=True, check=False)

    def _check_config(self) -> None:
        done = self._sshd("-t")
        if done.returncode != 0:
            message = (done.stderr or done.stdout).strip()
            raise SshdError(f"sshd -t rejects {self.config_path}: {message}")

    def _argv(self) -> list[str]:
        sshd = [str(SSHD), "-D", "-e", "-f", str(self.config_path)]
        if not self._as_root:
            return sshd
        unshare, mount = shutil.which("unshare"), shutil.which("mount")
        if unshare is None or mount is None:
            raise SshdError("unshare and mount (util-linux) are needed to run sshd as root")
        d = self.directory
        binds = [shlex.join([mount, "--bind", str(d / name), f"/etc/{name}"]) for name in _ACCOUNTS]
        script = " && ".join([*binds, 'exec "$@"'])
        private = [unshare, "--mount", "--propagation", "private", "--"]
        return [*private, "/bin/sh", "-c", script, "sh", *sshd]

    def _spawn_and_wait(self, *, last: bool) -> bool:
        """Start sshd; True once it listens, False if its port was taken (try another)."""
        if self._log_file is not None:
            self._log_file.close()
        log_path = self.directory / "sshd.log"
        self._log_file = log_path.open("wb")
        on_main_thread = threading.current_thread() is threading.main_thread()
        self._process = subprocess.Popen(
            self._argv(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
            # The death signal is tied to the creating thread: only the main thread's lives
            # as long as the process.
            preexec_fn=_die_with_parent if on_main_thread else None,
        )
        listening = f"Server listening on {HOST} port {self._port}."
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            if listening in self.log():
                return True
            if self._process.poll() is not None:
                log = self.log().strip()
                if "Address already in use" in log and not last:
                    return False
                raise SshdError(f"sshd exited ({self._process.returncode}) at start: {log}")
            time.sleep(0.01)
        log = self.log().strip()
        self.stop()
        raise SshdError(f"sshd did not listen on {HOST}:{self._port} in time; log: {log}")


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it holds a secret)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
