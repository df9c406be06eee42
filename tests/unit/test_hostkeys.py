"""Host key policies against a known_hosts file: decisions, messages, files, concurrency."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from netaccept.session.hostkeys import (
    DEFAULT_KNOWN_HOSTS,
    HostKeyOutcome,
    HostKeyPolicy,
    HostKeyRefused,
    KnownHosts,
    KnownHostsPolicy,
    check_host_key,
    fingerprint,
    known_hosts_name,
)

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PORT = 20001
STRICT, ACCEPT_NEW, INSECURE = (
    HostKeyPolicy.STRICT,
    HostKeyPolicy.ACCEPT_NEW,
    HostKeyPolicy.INSECURE,
)


def new_key(algorithm: str = "ssh-ed25519") -> tuple[str, str]:
    key = asyncssh.generate_private_key(algorithm)
    key_type, blob = key.export_public_key("openssh").decode().split()[:2]
    return key_type, blob


KEY = new_key()
OTHER = new_key()
ECDSA = new_key("ecdsa-sha2-nistp256")


def line(key: tuple[str, str], host: str = HOST, port: int = PORT) -> str:
    return f"{known_hosts_name(host, port)} {key[0]} {key[1]}"


def check(path: Path, key: tuple[str, str], policy: HostKeyPolicy, **kw: Any) -> Any:
    return check_host_key(path, kw.get("host", HOST), kw.get("port", PORT), *key, policy)


# --- names, fingerprints, policies -------------------------------------------------------------


def test_fingerprint_is_openssh_sha256() -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    blob = key.export_public_key("openssh").decode().split()[1]
    assert fingerprint(blob) == key.get_fingerprint("sha256")
    assert fingerprint(blob).startswith("SHA256:") and not fingerprint(blob).endswith("=")


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
def test_fingerprint_matches_ssh_keygen(tmp_path: Path) -> None:
    pub = tmp_path / "key.pub"
    pub.write_text(f"{KEY[0]} {KEY[1]}\n")
    out = subprocess.run(
        ["ssh-keygen", "-lf", str(pub)], capture_output=True, text=True, check=True
    ).stdout
    assert fingerprint(KEY[1]) in out


def test_known_hosts_names() -> None:
    assert known_hosts_name("127.0.0.1", 22) == "127.0.0.1"
    assert known_hosts_name("127.0.0.1", 20001) == "[127.0.0.1]:20001"
    assert known_hosts_name("::1", 2222) == "[::1]:2222"
    assert known_hosts_name("Router.Example.NET", 22) == "router.example.net"


def test_policy_parse_and_defaults() -> None:
    assert HostKeyPolicy.parse("accept-new") is ACCEPT_NEW
    assert HostKeyPolicy.parse(" STRICT ") is STRICT
    with pytest.raises(ValueError, match="use one of strict, accept-new, insecure"):
        HostKeyPolicy.parse("yes")
    assert HostKeyPolicy.default(interactive=True) is ACCEPT_NEW
    assert HostKeyPolicy.default(interactive=False) is STRICT
    assert str(DEFAULT_KNOWN_HOSTS) == "~/.netaccept/known_hosts"


def test_a_malformed_presented_key_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not valid base64"):
        check(tmp_path / "kh", ("ssh-ed25519", "%%%"), STRICT)
    with pytest.raises(ValueError, match="is a ssh-ed25519 key, but the line says ssh-rsa"):
        check(tmp_path / "kh", ("ssh-rsa", KEY[1]), STRICT)


# --- strict ----------------------------------------------------------------------------------


def test_strict_refuses_unknown_and_says_how_to_add_it(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    decision = check(path, KEY, STRICT)
    assert decision.outcome is HostKeyOutcome.REFUSED_UNKNOWN and not decision.accepted
    assert f"host key of {HOST}:{PORT} is unknown" in decision.message
    assert fingerprint(KEY[1]) in decision.message
    assert line(KEY) in decision.message  # the exact line to add, once confirmed
    assert not path.exists()


def test_strict_accepts_the_recorded_key(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(f"# lab\n{line(OTHER, port=1)}\n{line(KEY)} comment\n")
    decision = check(path, KEY, STRICT)
    assert decision.outcome is HostKeyOutcome.ACCEPTED and decision.verified
    assert decision.line == 3
    assert f"matches line 3 of {path}" in decision.message


def test_strict_refuses_a_changed_key_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(f"{line(OTHER, port=1)}\n{line(KEY)}\n")
    before = path.read_bytes()
    decision = check(path, OTHER, STRICT)
    assert decision.outcome is HostKeyOutcome.REFUSED_CHANGED
    assert decision.message.startswith(
        f"host key of {HOST}:{PORT} changed (was {fingerprint(KEY[1])}, now "
        f"{fingerprint(OTHER[1])}): if the router was replaced, remove line 2 of {path} "
    )
    assert "otherwise do not connect — this may be an attack" in decision.message
    assert f"ssh-keygen -R '[{HOST}]:{PORT}' -f {path}" in decision.message
    assert decision.previous == (fingerprint(KEY[1]),)
    assert path.read_bytes() == before


def test_a_key_of_another_type_than_recorded_is_a_change(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(line(KEY) + "\n")
    for policy in (STRICT, ACCEPT_NEW):
        decision = check(path, ECDSA, policy)
        assert decision.outcome is HostKeyOutcome.REFUSED_CHANGED
        assert f"was ssh-ed25519 {fingerprint(KEY[1])}" in decision.message
        assert f"now ecdsa-sha2-nistp256 {fingerprint(ECDSA[1])}" in decision.message


def test_port_22_and_other_ports_are_distinct_hosts(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(f"{HOST} {KEY[0]} {KEY[1]}\n")
    assert check(path, KEY, STRICT, port=22).outcome is HostKeyOutcome.ACCEPTED
    assert check(path, KEY, STRICT).outcome is HostKeyOutcome.REFUSED_UNKNOWN


# --- accept-new ------------------------------------------------------------------------------


def test_accept_new_records_then_accepts_then_refuses_a_change(tmp_path: Path) -> None:
    path = tmp_path / "new-dir" / "known_hosts"
    first = check(path, KEY, ACCEPT_NEW)
    assert first.outcome is HostKeyOutcome.RECORDED and first.accepted and first.verified
    assert first.line == 1
    assert f"recorded ssh-ed25519 {fingerprint(KEY[1])} as line 1 of {path}" in first.message
    assert path.read_text() == line(KEY) + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert check(path, KEY, ACCEPT_NEW).outcome is HostKeyOutcome.ACCEPTED
    changed = check(path, OTHER, ACCEPT_NEW)
    assert changed.outcome is HostKeyOutcome.REFUSED_CHANGED
    assert "remove line 1 of" in changed.message
    assert path.read_text() == line(KEY) + "\n"
    # Another port of the same address is another router.
    other_port = check(path, OTHER, ACCEPT_NEW, port=PORT + 1)
    assert other_port.outcome is HostKeyOutcome.RECORDED and other_port.line == 2


def test_accept_new_keeps_the_file_as_it_was_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    original = b"# kept\n\nnot-a-valid-line\n" + line(OTHER, port=9).encode()  # no final \n
    path.write_bytes(original)
    path.chmod(0o644)
    decision = check(path, KEY, ACCEPT_NEW)
    assert decision.outcome is HostKeyOutcome.RECORDED and decision.line == 5
    assert path.read_bytes() == original + b"\n" + line(KEY).encode() + b"\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # the owner's choice is kept
    assert decision.warnings == (f"{path}:3: expected HOSTS KEYTYPE BASE64-KEY [COMMENT]",)


def test_accept_new_leaves_no_lock_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    assert check(path, KEY, ACCEPT_NEW).outcome is HostKeyOutcome.RECORDED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["known_hosts"]


def test_accept_new_updates_a_symlinked_file_in_place(tmp_path: Path) -> None:
    real = tmp_path / "real_known_hosts"
    real.write_text(line(OTHER, port=9) + "\n")
    link = tmp_path / "known_hosts"
    link.symlink_to(real)
    assert check(link, KEY, ACCEPT_NEW).outcome is HostKeyOutcome.RECORDED
    assert link.is_symlink()
    assert real.read_text().splitlines() == [line(OTHER, port=9), line(KEY)]


def test_accept_new_cannot_record_is_a_refusal_that_says_why(tmp_path: Path) -> None:
    # A link to a file in a directory that is not there: nothing to read, nowhere to write
    # (as root, permissions cannot stop a write).
    path = tmp_path / "known_hosts"
    path.symlink_to(tmp_path / "gone" / "known_hosts")
    decision = check(path, KEY, ACCEPT_NEW)
    assert decision.outcome is HostKeyOutcome.REFUSED_ERROR and not decision.accepted
    assert "is unknown and cannot be recorded in" in decision.message
    assert "--known-hosts" in decision.message
    assert not path.exists()  # the link still points nowhere


def test_an_unreadable_file_refuses_except_when_insecure(tmp_path: Path) -> None:
    directory = tmp_path / "known_hosts"
    directory.mkdir()
    for policy in (STRICT, ACCEPT_NEW):
        decision = check(directory, KEY, policy)
        assert decision.outcome is HostKeyOutcome.REFUSED_ERROR
        assert f"cannot read {directory}" in decision.message
    insecure = check(directory, KEY, INSECURE)
    assert insecure.accepted and not insecure.verified


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
def test_recorded_entries_are_found_by_openssh(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    check(path, KEY, ACCEPT_NEW)
    out = subprocess.run(
        ["ssh-keygen", "-F", f"[{HOST}]:{PORT}", "-f", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert KEY[1] in out


# --- insecure --------------------------------------------------------------------------------


def test_insecure_accepts_anything_loudly_and_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    unknown = check(path, KEY, INSECURE)
    assert unknown.outcome is HostKeyOutcome.ACCEPTED and not unknown.verified
    assert unknown.message.startswith(f"INSECURE: host key of {HOST}:{PORT}")
    assert "not in" in unknown.message
    assert not path.exists()
    path.write_text(line(KEY) + "\n")
    changed = check(path, OTHER, INSECURE)
    assert changed.accepted and not changed.verified
    assert f"does NOT match line 1 of {path} (was {fingerprint(KEY[1])})" in changed.message
    known = check(path, KEY, INSECURE)
    assert known.accepted and known.verified and not known.message.startswith("INSECURE")


# --- what the file may contain ---------------------------------------------------------------


def hashed(name: str, salt: bytes = b"0123456789abcdef0123") -> str:
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def test_hashed_hosts_patterns_and_negation(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(f"{hashed(f'[{HOST}]:{PORT}')} {KEY[0]} {KEY[1]}\n")
    assert check(path, KEY, STRICT).line == 1
    path.write_text(f"other,[127.0.0.*]:{PORT} {KEY[0]} {KEY[1]}\n")
    assert check(path, KEY, STRICT).outcome is HostKeyOutcome.ACCEPTED
    path.write_text(f"[127.0.0.*]:*,![127.0.0.1]:{PORT} {KEY[0]} {KEY[1]}\n")
    assert check(path, KEY, STRICT).outcome is HostKeyOutcome.REFUSED_UNKNOWN
    assert check(path, KEY, STRICT, port=PORT + 1).outcome is HostKeyOutcome.ACCEPTED


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")
def test_a_file_hashed_by_openssh_still_matches(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(line(KEY) + "\n")
    subprocess.run(["ssh-keygen", "-H", "-f", str(path)], capture_output=True, check=True)
    assert path.read_text().startswith("|1|")
    assert check(path, KEY, STRICT).outcome is HostKeyOutcome.ACCEPTED
    assert check(path, OTHER, STRICT).outcome is HostKeyOutcome.REFUSED_CHANGED


def test_revoked_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(
        f"@revoked * {KEY[0]} {KEY[1]}\n@cert-authority *.example.net {OTHER[0]} {OTHER[1]}\n"
    )
    for policy in (STRICT, ACCEPT_NEW):
        decision = check(path, KEY, policy)
        assert decision.outcome is HostKeyOutcome.REFUSED_REVOKED
        assert f"marked @revoked at line 1 of {path}" in decision.message
    assert check(path, KEY, INSECURE).accepted
    # A certificate authority line is not a host key: the host is still unknown.
    assert check(path, OTHER, STRICT).outcome is HostKeyOutcome.REFUSED_UNKNOWN


def test_malformed_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    rsa_blob = base64.b64encode(b"\x00\x00\x00\x07ssh-rsa" + b"\x00" * 8).decode()
    lines = [
        "# comment",
        line(KEY),
        f"[{HOST}]:1 ssh-ed25519",  # 3: too short
        f"[{HOST}]:2 ssh-ed25519 not*base64",  # 4
        f"[{HOST}]:3 ssh-ed25519 {rsa_blob}",  # 5: the blob is an RSA key
        f"@trusted [{HOST}]:4 {KEY[0]} {KEY[1]}",  # 6
        f"|2|abc|def {KEY[0]} {KEY[1]}",  # 7
        f"a,,b {KEY[0]} {KEY[1]}",  # 8
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe bad bytes\n")  # 9: not UTF-8
    known = KnownHosts.load(path)
    assert [str(p) for p in known.problems] == [
        f"{path}:3: expected HOSTS KEYTYPE BASE64-KEY [COMMENT]",
        f"{path}:4: the key is not valid base64",
        f"{path}:5: the key is a ssh-rsa key, but the line says ssh-ed25519",
        f"{path}:6: unknown marker @trusted (only @revoked and @cert-authority exist)",
        f"{path}:7: unsupported hashed host (expected |1|SALT|HASH)",
        f"{path}:8: empty host name in 'a,,b'",
        f"{path}:9: not valid UTF-8 text",
    ]
    # The good line still works, and the decision carries the problems as warnings.
    decision = check(path, KEY, STRICT)
    assert decision.outcome is HostKeyOutcome.ACCEPTED and decision.line == 2
    assert len(decision.warnings) == 7 and decision.warnings[0].startswith(f"{path}:3: ")


def test_a_malformed_entry_for_the_host_itself_is_not_trusted_nor_replaced(
    tmp_path: Path,
) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(f"{line(OTHER, port=9)}\n[{HOST}]:{PORT} ssh-ed25519 AAAA-broken\n")
    for policy in (STRICT, ACCEPT_NEW):
        decision = check(path, KEY, policy)
        assert decision.outcome is HostKeyOutcome.REFUSED_ERROR
        assert f"{path}:2: the key is not valid base64" in decision.message
        assert "fix or remove line 2" in decision.message
    assert len(path.read_text().splitlines()) == 2


# --- concurrent writers ----------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from netaccept.session.hostkeys import HostKeyPolicy, check_host_key
    path, go, worker, key_type, blob, contested_blob = sys.argv[1:7]
    Path(go + worker).touch()  # imported and ready: the race starts when both are
    while not Path(go).exists():
        time.sleep(0.001)
    outcomes = []
    for i in range(40):
        port = 30000 + int(worker) * 100 + i
        outcomes.append(check_host_key(Path(path), "127.0.0.1", port, key_type, blob,
                                       HostKeyPolicy.ACCEPT_NEW).outcome.value)
        # Both writers race for the same router, with different keys.
        outcomes.append(check_host_key(Path(path), "127.0.0.1", 29999, key_type,
                                       contested_blob, HostKeyPolicy.ACCEPT_NEW).outcome.value)
    print(" ".join(outcomes))
    """
)


def test_two_processes_recording_at_once_do_not_corrupt_the_file(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text("# shared\n")
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    contested = {"0": KEY[1], "1": OTHER[1]}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(go), worker, KEY[0], KEY[1], blob],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for worker, blob in contested.items()
    ]
    deadline = time.monotonic() + 30
    while not all(Path(f"{go}{worker}").exists() for worker in contested):
        assert time.monotonic() < deadline, "the writers did not start"
        time.sleep(0.01)
    go.touch()
    results = [proc.communicate(timeout=60)[0].split() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    known = KnownHosts.load(path)
    assert known.problems == ()
    names = [entry.hosts for entry in known.entries]
    assert len(names) == len(set(names)) == 81  # 2 x 40 routers, and the contested one once
    assert path.read_text().startswith("# shared\n")
    # Exactly one writer recorded the contested router; the other saw a changed key.
    contested_outcomes = [outcome for result in results for outcome in result[1::2]]
    assert contested_outcomes.count("recorded") == 1
    (winner,) = known.lookup(HOST, 29999)
    loser = OTHER[1] if winner.key_base64 == KEY[1] else KEY[1]
    loser_results = results[0] if loser == KEY[1] else results[1]
    assert set(loser_results[1::2]) == {"refused-changed"}
    assert {outcome for result in results for outcome in result[0::2]} == {"recorded"}


def test_threads_recording_the_same_host_record_it_once(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda _: check(path, KEY, ACCEPT_NEW).outcome, range(32)))
    assert outcomes.count(HostKeyOutcome.RECORDED) == 1
    assert outcomes.count(HostKeyOutcome.ACCEPTED) == 31
    assert path.read_text() == line(KEY) + "\n"


# --- the paramiko adapter --------------------------------------------------------------------


class FakeKey:
    def __init__(self, key: tuple[str, str]) -> None:
        self._key = key

    def get_name(self) -> str:
        return self._key[0]

    def get_base64(self) -> str:
        return self._key[1]


class FakeClient:
    closed = False

    def close(self) -> None:
        self.closed = True


def test_paramiko_policy_refuses_by_raising_and_closing(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(line(KEY) + "\n")
    policy = KnownHostsPolicy(path, STRICT, HOST, PORT)
    fake = FakeClient()
    with pytest.raises(HostKeyRefused, match="changed") as excinfo:
        policy.missing_host_key(fake, f"[{HOST}]:{PORT}", FakeKey(OTHER))
    assert fake.closed
    assert excinfo.value.decision is policy.decision
    # Not a paramiko SSHException: netmiko would report those as timeouts.
    import paramiko

    assert not isinstance(excinfo.value, paramiko.SSHException)
    fake = FakeClient()
    policy.missing_host_key(fake, f"[{HOST}]:{PORT}", FakeKey(KEY))
    assert not fake.closed and policy.decision.outcome is HostKeyOutcome.ACCEPTED


def test_paramiko_policy_warns_when_insecure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    policy = KnownHostsPolicy(tmp_path / "known_hosts", INSECURE, HOST, PORT)
    with caplog.at_level(logging.WARNING, logger="netaccept.session.hostkeys"):
        policy.missing_host_key(FakeClient(), f"[{HOST}]:{PORT}", FakeKey(KEY))
    assert any(record.getMessage().startswith("INSECURE") for record in caplog.records)


def test_a_file_is_parsed_once_until_its_bytes_change(tmp_path: Path) -> None:
    path = tmp_path / "known_hosts"
    path.write_text(line(KEY) + "\n", encoding="utf-8")
    first = KnownHosts.load(path)
    assert KnownHosts.load(path) is first  # the fleet's sessions share one parse
    path.write_text(line(KEY) + "\n" + line(OTHER, port=PORT + 1) + "\n", encoding="utf-8")
    again = KnownHosts.load(path)
    assert again is not first
    assert [e.line for e in again.lookup(HOST, PORT + 1)] == [2]


def test_lookup_by_name_patterns_and_hashes_keeps_file_order(tmp_path: Path) -> None:
    name = f"[{HOST}]:{PORT}"
    salt = os.urandom(20)
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    hashed = f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"
    path = tmp_path / "known_hosts"
    path.write_text(
        f"[127.0.0.*]:{PORT} {KEY[0]} {KEY[1]}\n"
        f"{name.upper()} {OTHER[0]} {OTHER[1]}\n"
        f"{hashed} {KEY[0]} {KEY[1]}\n"
        f"[127.0.0.*]:{PORT},!{name} {KEY[0]} {KEY[1]}\n"
        f"[10.0.0.1]:{PORT} {KEY[0]} {KEY[1]}\n",
        encoding="utf-8",
    )
    assert [e.line for e in KnownHosts.load(path).lookup(HOST, PORT)] == [1, 2, 3]
