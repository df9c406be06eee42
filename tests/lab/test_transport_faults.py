"""Transport faults end to end, over real SSH to the lab, on both platforms.

One lab serves a fleet in which every router but the healthy ones carries one fault of the
matrix; one `netaccept run` certifies the whole fleet. Every fault must become `error` for
the checks it affects (never `pass`, never a crash), with a message that says what happened
and what to try; the healthy routers complete normally; the run says it is undecided.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from netaccept.lab.keys import generate_host_key_pair
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import LabCredentials, LabFault, LabRouterSpec
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Lab, Result, endpoint_args, netaccept

pytestmark = pytest.mark.lab

IOS, XR = "nyc-gsr-01", "chi-xr-01"
BASES = {"ios": IOS, "xr": XR}
# ios_version: show version; flash: dir + verify; rp_memory: show memory; logs: show
# logging, show clock and the running configuration's time zone; console_login: show
# running-config.
CHECKS = ("ios_version", "flash", "rp_memory", "logs", "console_login")
TIMEOUTS = {"connect": 2, "banner": 1, "auth": 5, "command": 2, "retry_delay": 0.3}


def _faults() -> dict[str, tuple[str, LabFault | None]]:
    faults: dict[str, tuple[str, LabFault | None]] = {}
    for platform, base in BASES.items():
        each: dict[str, LabFault | None] = {
            "ok": None,
            "refuse": LabFault("refuse"),
            "blackhole": LabFault("blackhole"),
            "no-banner": LabFault("no_banner"),
            "auth-fail": LabFault("auth_fail"),
            "disconnect": LabFault("disconnect_mid_output", command="show logging"),
            "hang": LabFault("hang", command="show logging"),
            "renamed": LabFault("prompt_change", after_commands=2),
            "truncated": LabFault("truncated", command="show running-config"),
            "garbage": LabFault("garbage", command="show version", seed=7),
            "invalid": LabFault("invalid_input", command="show version"),
            # Every answer takes 60% of timeouts.command: slow, but decided normally.
            "slow": LabFault("slow", latency=1.2),
        }
        if platform == "ios":
            each["enable-wrong"] = LabFault("enable_wrong")
            each["demoted"] = LabFault("prompt_change", after_commands=2, mode="unprivileged")
        for name, fault in each.items():
            faults[f"{name}-{platform}"] = (base, fault)
    return faults


FAULTS = _faults()


@dataclass(frozen=True)
class Run:
    result: Result
    seconds: float

    def checks(self, device: str) -> dict[str, dict[str, Any]]:
        return {c["id"]: c for c in self.result.certificate(device)["checks"]}


# Outputs that make the image-checksum template raise (its Error rule): the router could
# not checksum the image.
MD5_ERRORS = {
    "verify /md5 ": "%Error verifying {file} (No such file or directory)\n",
    "show md5 file ": "Sun Nov 22 10:00:00.123 UTC\n%Error opening {file} (No such file)\n",
}


def _clone(work: Path, base: str, name: str) -> Path:
    source = json.loads((LAB_RECORDINGS / f"{base}.json").read_text(encoding="utf-8"))
    source["device"] = name
    if name.startswith("template-raises-"):
        for command in source["outputs"]:
            for prefix, error in MD5_ERRORS.items():
                if command.startswith(prefix):
                    file = command.removeprefix(prefix)
                    source["outputs"][command] = error.format(file=file)
    recording = work / "lab" / f"{name}.json"
    recording.write_text(json.dumps(source), encoding="utf-8")
    return recording


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("transport-faults")
    (work / "lab").mkdir()
    document: dict[str, Any] = yaml.safe_load(LAB_INVENTORY.read_text(encoding="utf-8"))
    bases = {d["name"]: d for d in document["devices"]}
    faults = dict(FAULTS)
    pairs = {}
    for platform, base in BASES.items():
        pairs[f"rekeyed-{platform}"] = pair = generate_host_key_pair(work, f"rekeyed-{platform}")
        faults[f"rekeyed-{platform}"] = (
            base,
            LabFault("host_key_changed", previous_host_key_path=pair.previous, after_connections=0),
        )
        faults[f"stranger-{platform}"] = (base, None)  # its key is in no known_hosts file
        faults[f"template-raises-{platform}"] = (base, None)
    devices, specs = [], []
    for name, (base, fault) in faults.items():
        recording = _clone(work, base, name)
        devices.append({**bases[base], "name": name, "ports": [], "timeouts": TIMEOUTS})
        platform = json.loads(recording.read_text(encoding="utf-8"))["platform"]
        host_key = pairs[name].current if name in pairs else None
        specs.append(LabRouterSpec(name, platform, recording, host_key_path=host_key, fault=fault))
    document["devices"] = devices
    (work / "inventory.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    credentials = LabCredentials("faults", secrets.token_urlsafe(12), secrets.token_urlsafe(12))
    env = {
        "NETACCEPT_USERNAME": credentials.username,
        "NETACCEPT_PASSWORD": credentials.password,
        "NETACCEPT_SECRET": credentials.secret,
    }
    with LabProcess(specs, credentials) as lab:
        known_hosts = work / "known_hosts"
        strangers = [f":{lab.ports[f'stranger-{p}']} " for p in BASES]
        lines = [
            line for line in lab.known_hosts_lines() if not any(port in line for port in strangers)
        ]
        known_hosts.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        args = ["run", "--inventory", str(work / "inventory.yaml"), "--no-progress"]
        args += ["--workers", "64", "--host-key-policy", "strict"]
        args += ["--known-hosts", str(known_hosts)]
        for check in CHECKS:
            args += ["--check", check]
        args += endpoint_args([f"{name}=127.0.0.1:{port}" for name, port in lab.ports.items()])
        started = time.monotonic()
        result = netaccept(*args, out=work / "reports", env=env, timeout=300)
        seconds = time.monotonic() - started
    return Run(result, seconds)


def test_the_run_completes_undecided_without_a_traceback(run: Run) -> None:
    assert run.result.code == 6, run.result.stdout + run.result.stderr
    summary = json.loads((run.result.run_dir / "run.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "incomplete"
    for name in FAULTS:
        verdict = run.result.certificate(name)["verdict"]
        healthy = name.startswith(("ok-", "slow-"))
        assert verdict == ("pass" if healthy else "incomplete"), (name, verdict)
    assert "Traceback" not in run.result.stdout + run.result.stderr
    # Nothing waits out a timeout twice on a dead session, or netmiko's logout on a hung one.
    assert run.seconds < 60


@pytest.mark.parametrize("platform", BASES)
@pytest.mark.parametrize("name", ["ok", "slow"])
def test_healthy_and_slow_routers_are_decided(run: Run, name: str, platform: str) -> None:
    checks = run.checks(f"{name}-{platform}")
    assert set(checks) == set(CHECKS)
    assert {c["status"] for c in checks.values()} == {"pass"}, checks


def all_errors(run: Run, name: str, *needles: str) -> str:
    checks = run.checks(name)
    assert set(checks) == set(CHECKS)
    for check in checks.values():
        assert check["status"] == "error", (name, check)
        for needle in needles:
            assert needle in check["message"], (name, needle, check["message"])
    return str(next(iter(checks.values()))["message"])


def mixed(run: Run, name: str, needle: str) -> list[str]:
    """The checks that errored with `needle`; every other check passed."""
    errored = []
    for check_id, check in run.checks(name).items():
        if check["status"] == "error":
            assert needle in check["message"], (name, check_id, check["message"])
            errored.append(check_id)
        else:
            assert check["status"] == "pass", (name, check_id, check)
    assert errored, f"no check of {name} was affected"
    return errored


@pytest.mark.parametrize("platform", BASES)
def test_refused_is_retried_once_then_error(run: Run, platform: str) -> None:
    all_errors(
        run,
        f"refuse-{platform}",
        "connection refused",
        "check that SSH is enabled",
        "(tried twice, 0.3 s apart)",
    )


@pytest.mark.parametrize("platform", BASES)
def test_no_route_is_a_connect_timeout_retried_once(run: Run, platform: str) -> None:
    all_errors(
        run,
        f"blackhole-{platform}",
        "no TCP connection within 2 s (timeouts.connect)",
        "firewall",
        "tried twice",
    )


@pytest.mark.parametrize("platform", BASES)
def test_no_banner_is_retried_once_then_error(run: Run, platform: str) -> None:
    all_errors(
        run, f"no-banner-{platform}", "no SSH banner within 1 s (timeouts.banner)", "tried twice"
    )


@pytest.mark.parametrize("platform", BASES)
def test_authentication_failure_is_never_retried(run: Run, platform: str) -> None:
    message = all_errors(
        run, f"auth-fail-{platform}", "authentication failed", "NETACCEPT_PASSWORD", "not retried"
    )
    assert "tried twice" not in message


def test_wrong_enable_secret_is_never_retried(run: Run) -> None:
    message = all_errors(run, "enable-wrong-ios", "could not enter privileged mode")
    assert "NETACCEPT_SECRET" in message and "tried twice" not in message


@pytest.mark.parametrize("platform", BASES)
def test_changed_and_unknown_host_keys_are_refused_before_login(run: Run, platform: str) -> None:
    all_errors(run, f"rekeyed-{platform}", "changed", "may be an attack")
    all_errors(run, f"stranger-{platform}", "is unknown", "strict")


@pytest.mark.parametrize("platform", BASES)
def test_disconnect_mid_output(run: Run, platform: str) -> None:
    errored = mixed(run, f"disconnect-{platform}", "the router closed the connection during")
    assert "logs" in errored


@pytest.mark.parametrize("platform", BASES)
def test_hang_is_a_timeout_that_says_the_router_no_longer_answers(run: Run, platform: str) -> None:
    errored = mixed(run, f"hang-{platform}", "no longer answers, not even an empty line")
    assert "logs" in errored


@pytest.mark.parametrize("platform", BASES)
def test_hostname_changed_mid_session(run: Run, platform: str) -> None:
    name = f"renamed-{platform}"
    errored = mixed(run, name, "the prompt changed from '")
    message = run.checks(name)[errored[0]]["message"]
    assert f"{name}#' to '" in message and f"{name}-new#'" in message


def test_privileged_mode_lost_mid_session(run: Run) -> None:
    mixed(run, "demoted-ios", "the prompt changed from 'demoted-ios#' to 'demoted-ios>'")


@pytest.mark.parametrize("platform", BASES)
def test_truncated_configuration_is_not_used(run: Run, platform: str) -> None:
    errored = mixed(run, f"truncated-{platform}", "stops before the configuration's 'end'")
    # logs reads the configuration's time zone: without it the log's time base is unknown.
    assert errored == ["console_login", "logs"]


@pytest.mark.parametrize("platform", BASES)
def test_binary_garbage_is_not_used(run: Run, platform: str) -> None:
    errored = mixed(run, f"garbage-{platform}", "the output of 'show version' holds binary noise")
    assert "ios_version" in errored


@pytest.mark.parametrize("platform", BASES)
def test_rejected_command(run: Run, platform: str) -> None:
    errored = mixed(run, f"invalid-{platform}", "% Invalid input")
    assert "ios_version" in errored


@pytest.mark.parametrize("platform", BASES)
def test_a_template_that_raises_is_an_error_of_its_check_only(run: Run, platform: str) -> None:
    errored = mixed(run, f"template-raises-{platform}", "could not parse the output of")
    assert errored == ["flash"]


def test_every_connected_router_records_how_its_host_key_was_verified(run: Run) -> None:
    device = run.result.certificate("ok-ios")["device"]
    assert device["host_key"].startswith("ssh-ed25519 SHA256:")
    assert device["host_key_verification"].startswith("matches line ")
    assert device["host_key_verification"].endswith("(--host-key-policy strict)")
    assert run.result.certificate("stranger-xr")["device"]["host_key_verification"] is None


# ---------------------------------------------------------------- host key policies


def _one_router(lab: Lab, out: Path, *policy: str) -> Result:
    args = ["run", "--inventory", str(LAB_INVENTORY), "--no-progress"]
    args += ["--device", IOS, "--check", "ios_version", *endpoint_args(lab.endpoints())]
    args += ["--dns-server", lab.dns_server, *policy]
    return netaccept(*args, out=out, env=lab.env())


def test_accept_new_records_a_key_on_first_use_then_strict_accepts_it(
    lab: Lab, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "ssh" / "known_hosts"  # its directory does not exist yet
    first = _one_router(
        lab,
        tmp_path / "first",
        "--host-key-policy",
        "accept-new",
        "--known-hosts",
        str(known_hosts),
    )
    assert first.code == 0, first.stdout + first.stderr
    check = first.certificate(IOS)["device"]["host_key_verification"]
    assert check.startswith("unknown before this run; recorded on first use (ssh-rsa SHA256:")
    assert ") as line 1 of " in check and "check this fingerprint" in check
    assert not (known_hosts.parent / "known_hosts.lock").exists()
    # nyc-gsr-01 runs 12.0S: its host key is the RSA key its software has.
    assert f"[127.0.0.1]:{lab.ports[IOS]} ssh-rsa " in known_hosts.read_text()
    again = _one_router(
        lab, tmp_path / "again", "--host-key-policy", "strict", "--known-hosts", str(known_hosts)
    )
    assert again.code == 0, again.stdout + again.stderr
    assert again.certificate(IOS)["device"]["host_key_verification"].startswith("matches line 1")


def test_insecure_warns_loudly_and_the_certificate_says_so(lab: Lab, tmp_path: Path) -> None:
    known_hosts = tmp_path / "known_hosts"
    result = _one_router(
        lab, tmp_path, "--host-key-policy", "insecure", "--known-hosts", str(known_hosts)
    )
    assert result.code == 0, result.stdout + result.stderr
    assert "WARNING: --host-key-policy insecure" in result.stderr
    device = result.certificate(IOS)["device"]
    assert device["host_key_verification"] == "NOT verified (--host-key-policy insecure)"
    assert not known_hosts.exists()  # insecure records nothing
    html = (result.run_dir / IOS / "certificate.html").read_text(encoding="utf-8")
    assert "NOT verified (--host-key-policy insecure)" in html


def test_strict_without_a_known_hosts_file_refuses_and_says_what_to_do(
    lab: Lab, tmp_path: Path
) -> None:
    result = _one_router(
        lab, tmp_path, "--host-key-policy", "strict", "--known-hosts", str(tmp_path / "none")
    )
    assert result.code == 6, result.stdout + result.stderr
    message = result.certificate(IOS)["checks"][0]["message"]
    assert "is unknown" in message and "accept-new" in message


def test_a_session_whose_host_key_was_never_checked_is_not_used(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If paramiko ever skipped the policy (a key known from elsewhere), there is no decision:
    the session must not be used, rather than certified with an unverified key."""
    import paramiko

    from netaccept.inventory import load_inventory
    from netaccept.platforms import registry
    from netaccept.session import transport
    from netaccept.session.hostkeys import KnownHostsPolicy

    class Skipped(KnownHostsPolicy):
        def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
            paramiko.AutoAddPolicy().missing_host_key(client, hostname, key)  # no decision

    monkeypatch.setattr(transport, "KnownHostsPolicy", Skipped)
    for name, value in lab.env().items():
        monkeypatch.setenv(name, value)
    inventory = load_inventory(LAB_INVENTORY).with_endpoints({IOS: ("127.0.0.1", lab.ports[IOS])})
    device = inventory.device(IOS)
    ssh = transport.SshTransport(
        registry.CLI, transport.HostKeySettings(known_hosts=lab.known_hosts)
    )
    with pytest.raises(transport.DeviceUnavailable, match="host key was not checked"):
        ssh.open(device)
