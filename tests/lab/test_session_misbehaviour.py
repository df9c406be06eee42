"""Sessions that misbehave the way real terminals do, over real SSH to the lab, on both platforms.

Each fake router misbehaves in one way found by probing real ones: it pages its outputs, wraps
or scrolls the echo of long commands, prints its own prompt inside an output and pauses, sends
CR and LF of its line ends apart, never stops printing, or sends its SSH banner and falls
silent. Each session must end in the verdict its healthy twin gets, with the evidence its twin
gives (as if unpaged, without the mangled echo, line ends as printed), or in an `error` whose
message says what happened.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from netaccept.inventory import Device, load_inventory
from netaccept.inventory.model import Timeouts
from netaccept.lab.process import LabProcess
from netaccept.lab.spec import (
    LabCredentials,
    LabFault,
    LabRouterSpec,
    PlatformName,
    load_spec,
    renamed,
)
from netaccept.platforms import registry
from netaccept.run.capture import capture_device
from netaccept.session.captured import DeviceCapture
from netaccept.session.transport import DeviceUnavailable, HostKeySettings, SshTransport
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS, Result, endpoint_args, netaccept

pytestmark = pytest.mark.lab

BASES = {"ios": "nyc-gsr-01", "xr": "chi-xr-01"}
PLATFORMS: dict[str, PlatformName] = {"ios": "cisco_ios", "xr": "cisco_xr"}
TIMEOUTS = {"connect": 2, "banner": 1, "auth": 5, "command": 2, "retry_delay": 0.3}
CHECKS: tuple[str, ...] = ("ios_version", "flash", "rp_memory", "logs", "console_login")
CHECKS += ("intrapop_links", "ip_connectivity", "isis_neighbors")

# A recent message that fails Examine Logs, printed after a line that is the router's prompt.
SEVERE = {
    "ios": "Nov 22 09:30:00.000 UTC: %SYS-2-MALLOCFAIL: Memory allocation of 65536 bytes "
    "failed from 0x6036A2E8, alignment 0",
    "xr": "RP/0/7/CPU0:Nov 22 09:30:00.000 UTC: ifmgr[159]: %PKT_INFRA-LINK-3-UPDOWN : "
    "Interface GigabitEthernet0/2/0/0, changed state to Down",
}

FAULTS: dict[str, LabFault | None] = {
    "healthy-ios": None,
    "healthy-xr": None,
    "pager-ios": LabFault("pager"),  # 23 lines, " --More-- ", erased with backspaces
    "pager-xr": LabFault("pager", lines=10, style="ansi"),  # "<--- More --->", CR ESC [K
    "wrap-xr": LabFault("echo_wrap"),  # CR LF at column 80
    "spacecr-xr": LabFault("echo_wrap", style="space_cr"),
    "scroll-xr": LabFault("echo_wrap", style="scroll"),
    "scroll-ios": LabFault("echo_wrap", width=60, style="scroll"),
    "prompt-ios": LabFault("prompt_in_output", command="show logging"),
    "prompt-xr": LabFault("prompt_in_output", command="show logging"),
    "twin-ios": None,  # the prompt-* recordings, served without the pause
    "twin-xr": None,
    "split-ios": LabFault("split_crlf", command="show logging"),
    "split-xr": LabFault("split_crlf", command="show logging"),
    "endless-ios": LabFault("endless_output", command="show logging"),
    "silent-ios": LabFault("banner_then_silent"),
}


def platform_of(name: str) -> str:
    return name.rsplit("-", 1)[1]


def prompt_of(name: str) -> str:
    return registry.platform(PLATFORMS[platform_of(name)]).lab.prompt.format(hostname=name)


@dataclass(frozen=True)
class Fleet:
    work: Path
    ports: dict[str, int]
    credentials: LabCredentials
    known_hosts: Path
    outputs: dict[str, dict[str, str]]  # router -> its recording's outputs

    def env(self) -> dict[str, str]:
        return {
            "NETACCEPT_USERNAME": self.credentials.username,
            "NETACCEPT_PASSWORD": self.credentials.password,
            "NETACCEPT_SECRET": self.credentials.secret,
        }


def _recording(work: Path, name: str) -> Path:
    base = BASES[platform_of(name)]
    source = json.loads((LAB_RECORDINGS / f"{base}.json").read_text(encoding="utf-8"))
    # Each router calls itself by its own name, as the lab would serve it anyway.
    source["outputs"] = renamed(source["outputs"], base, name)
    source["device"] = name
    if name.startswith(("prompt-", "twin-")):
        # The last log line is preceded by a line that is exactly the prompt of prompt-*,
        # and followed by a recent severe message: cut at that line, the log would pass.
        prompt = prompt_of(name.replace("twin-", "prompt-"))
        platform = platform_of(name)
        lines = source["outputs"]["show logging"].split("\n")
        lines[-1:] = [prompt, SEVERE[platform], lines[-1]]
        source["outputs"]["show logging"] = "\n".join(lines)
    path = work / "lab" / f"{name}.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    work = tmp_path_factory.mktemp("misbehaviour")
    (work / "lab").mkdir()
    specs, outputs = [], {}
    for name, fault in FAULTS.items():
        recording = _recording(work, name)
        outputs[name] = json.loads(recording.read_text(encoding="utf-8"))["outputs"]
        specs.append(LabRouterSpec(name, PLATFORMS[platform_of(name)], recording, fault=fault))
    credentials = LabCredentials("probe", secrets.token_urlsafe(12), secrets.token_urlsafe(12))
    with LabProcess(specs, credentials) as lab:
        known_hosts = lab.write_known_hosts(work / "known_hosts")
        yield Fleet(work, dict(lab.ports), credentials, known_hosts, outputs)
    assert lab.returncode == 0, lab.stderr_text()


def device(fleet: Fleet, name: str) -> Device:
    base = load_inventory(LAB_INVENTORY).device(BASES[platform_of(name)])
    return base.model_copy(
        update={
            "name": name,
            "host": "127.0.0.1",
            "port": fleet.ports[name],
            "timeouts": Timeouts(**TIMEOUTS),
        }
    )


def capture(
    fleet: Fleet, name: str, monkeypatch: pytest.MonkeyPatch, commands: list[str] | None = None
) -> DeviceCapture:
    """Every command of the router's recording (or `commands`), over one real SSH session."""
    for variable, value in fleet.env().items():
        monkeypatch.setenv(variable, value)
    transport = SshTransport(registry.CLI, HostKeySettings(known_hosts=fleet.known_hosts))
    commands = commands if commands is not None else list(fleet.outputs[name])
    return capture_device(device(fleet, name), commands, transport)


def outputs(result: DeviceCapture) -> dict[str, str]:
    assert result.unavailable is None, result.unavailable
    assert result.failures == {}, result.failures
    return {command: evidence.output for command, evidence in result.evidence.items()}


@pytest.fixture(scope="module")
def healthy(fleet: Fleet) -> dict[str, dict[str, str]]:
    """What the healthy twins say: the evidence every misbehaving router must give."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {p: outputs(capture(fleet, f"healthy-{p}", monkeypatch)) for p in PLATFORMS}


# ---------------------------------------------------------------- the spec file


def test_the_misbehaviour_faults_round_trip_and_are_checked(tmp_path: Path) -> None:
    recording = tmp_path / "r.json"
    recording.write_text(json.dumps({"device": "r", "platform": "cisco_ios", "outputs": {}}))
    entry = {"name": "a", "platform": "cisco_ios", "recording": str(recording)}
    spec = tmp_path / "spec.json"
    for fault in (*(f for f in FAULTS.values() if f is not None), LabFault("split_crlf", pause=0)):
        spec.write_text(json.dumps({"routers": [{**entry, "fault": fault.to_json()}]}))
        assert load_spec(spec).routers[0].fault == fault
    bad = [
        ({"kind": "pager", "style": "scroll"}, "style must be one of backspace, ansi"),
        ({"kind": "echo_wrap", "style": "ansi"}, "style must be one of crlf, space_cr, scroll"),
        ({"kind": "pager", "lines": 1}, "lines must be an integer >= 2"),
        ({"kind": "echo_wrap", "width": 20}, "width must be an integer >= 40"),
        ({"kind": "prompt_in_output", "pause": -1}, "pause must be a finite number"),
        ({"kind": "split_crlf", "pause": "soon"}, "pause must be a number"),
        ({"kind": "echo_wrap", "command": "show clock"}, "unexpected command"),
        ({"kind": "banner_then_silent", "pause": 1}, "unexpected pause"),
    ]
    for raw, message in bad:
        spec.write_text(json.dumps({"routers": [{**entry, "fault": raw}]}))
        with pytest.raises(ValueError, match=message):
            load_spec(spec)


# ---------------------------------------------------------------- the evidence, command by command


def test_the_healthy_twins_give_the_recorded_outputs(
    fleet: Fleet, healthy: dict[str, dict[str, str]]
) -> None:
    for platform, said in healthy.items():
        recorded = fleet.outputs[f"healthy-{platform}"]
        assert set(said) == set(recorded)
        # Compared where no secret is masked: the configuration holds some.
        assert said["show logging"] == recorded["show logging"]
        assert said["show version"] == recorded["show version"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_pager_is_paged_through_and_the_evidence_is_as_if_unpaged(
    fleet: Fleet, healthy: dict[str, dict[str, str]], platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = outputs(capture(fleet, f"pager-{platform}", monkeypatch))
    # The same recording, served under another name: the router calls itself by its own.
    assert said == renamed(healthy[platform], f"healthy-{platform}", f"pager-{platform}")
    joined = "".join(said.values())
    assert "More" not in joined and "\b" not in joined and "\x1b" not in joined


@pytest.mark.parametrize("name", ["wrap-xr", "spacecr-xr", "scroll-xr", "scroll-ios"])
def test_a_wrapped_or_scrolled_echo_is_recognised_and_left_out(
    fleet: Fleet, healthy: dict[str, dict[str, str]], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = [c for c in fleet.outputs[name] if c.startswith("ping ")]
    assert max(len(prompt_of(name)) + len(c) for c in pings) > (60 if "ios" in name else 80)
    result = capture(fleet, name, monkeypatch, pings + ["show clock"])
    said = outputs(result)
    reference = healthy[platform_of(name)]
    assert said == {command: reference[command] for command in said}
    assert all(not output.startswith(("ping", "$", "0/")) for output in said.values())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_prompt_line_inside_an_output_does_not_end_it(
    fleet: Fleet, platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = time.monotonic()
    said = outputs(capture(fleet, f"prompt-{platform}", monkeypatch))
    twin = outputs(capture(fleet, f"twin-{platform}", monkeypatch))
    # The twin calls itself by its own name; the prompt line in its log is prompt-*'s.
    assert said == renamed(twin, f"twin-{platform}", f"prompt-{platform}")
    log = said["show logging"].split("\n")
    assert log[-3:-1] == [prompt_of(f"prompt-{platform}"), SEVERE[platform]]
    assert time.monotonic() - started < 8  # no command waited out timeouts.command


@pytest.mark.parametrize("platform", PLATFORMS)
def test_cr_and_lf_in_separate_reads_make_one_line_end(
    fleet: Fleet, healthy: dict[str, dict[str, str]], platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = outputs(capture(fleet, f"split-{platform}", monkeypatch, ["show logging"]))
    assert said["show logging"] == healthy[platform]["show logging"]


def test_an_output_that_never_ends_is_cut_at_its_timeout(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = time.monotonic()
    result = capture(
        fleet, "endless-ios", monkeypatch, ["show clock", "show logging", "dir disk0:"]
    )
    seconds = time.monotonic() - started
    assert seconds < TIMEOUTS["command"] + 3, seconds
    assert set(result.evidence) == {"show clock"}
    message = result.failures["show logging"]
    assert "'show logging' did not finish within 2 s (timeouts.command)" in message
    assert "still printing" in message and "never ends" in message
    assert "no longer answers" not in message and "is slow" not in message
    assert result.failures["dir disk0:"] == message  # the session is not used any more


def test_a_router_silent_after_its_banner_says_so(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in fleet.env().items():
        monkeypatch.setenv(variable, value)
    transport = SshTransport(registry.CLI, HostKeySettings(known_hosts=fleet.known_hosts))
    started = time.monotonic()
    with pytest.raises(DeviceUnavailable) as excinfo:
        transport.open(device(fleet, "silent-ios"))
    seconds = time.monotonic() - started
    message = str(excinfo.value)
    port = fleet.ports["silent-ios"]
    assert message.startswith(f"silent-ios (127.0.0.1:{port}): the router sent its SSH banner")
    assert "'SSH-2.0-Cisco-1.25'" in message
    assert "no key exchange within 2 s (timeouts.connect)" in message
    assert "closed the connection" not in message
    assert "tried twice" in message  # transient: a stuck SSH server may come back
    assert 2 * TIMEOUTS["connect"] <= seconds < 2 * TIMEOUTS["connect"] + 3


# ---------------------------------------------------------------- the verdicts, as a run gives them


@pytest.fixture(scope="module")
def run(fleet: Fleet) -> Result:
    document: dict[str, Any] = yaml.safe_load(LAB_INVENTORY.read_text(encoding="utf-8"))
    bases = {d["name"]: d for d in document["devices"]}
    document["devices"] = [
        {**bases[BASES[platform_of(name)]], "name": name, "ports": [], "timeouts": TIMEOUTS}
        for name in FAULTS
    ]
    inventory = fleet.work / "inventory.yaml"
    inventory.write_text(yaml.safe_dump(document), encoding="utf-8")
    args = ["run", "--inventory", str(inventory), "--no-progress", "--workers", "32"]
    args += ["--host-key-policy", "strict", "--known-hosts", str(fleet.known_hosts)]
    for check in CHECKS:
        args += ["--check", check]
    args += endpoint_args([f"{name}=127.0.0.1:{port}" for name, port in fleet.ports.items()])
    return netaccept(*args, out=fleet.work / "reports", env=fleet.env(), timeout=300)


def statuses(run: Result, name: str) -> dict[str, str]:
    return {c["id"]: c["status"] for c in run.certificate(name)["checks"]}


def not_passed(run: Result, name: str) -> dict[str, str]:
    """Why each check of `name` that did not pass did not (for the failure messages)."""
    checks = run.certificate(name)["checks"]
    return {c["id"]: c["message"] for c in checks if c["status"] != "pass"}


@pytest.mark.parametrize(
    "name",
    ["pager-ios", "pager-xr", "wrap-xr", "spacecr-xr", "scroll-xr", "scroll-ios"]
    + ["split-ios", "split-xr"],
)
def test_paged_wrapped_and_split_sessions_get_their_twins_verdicts(run: Result, name: str) -> None:
    assert "Traceback" not in run.stdout + run.stderr
    twin = statuses(run, f"healthy-{platform_of(name)}")
    assert set(twin.values()) == {"pass"}, not_passed(run, f"healthy-{platform_of(name)}")
    assert statuses(run, name) == twin, not_passed(run, name)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_log_with_a_prompt_line_is_read_to_its_end_and_fails(run: Result, platform: str) -> None:
    for name in (f"prompt-{platform}", f"twin-{platform}"):
        checks = statuses(run, name)
        assert checks.pop("logs") == "fail", not_passed(run, name)
        assert set(checks.values()) == {"pass"}, not_passed(run, name)
        message = run.check(name, "logs")["message"]
        assert ("MALLOCFAIL" if platform == "ios" else "PKT_INFRA-LINK-3-UPDOWN") in message


def test_endless_output_and_silent_banner_are_errors_that_say_why(run: Result) -> None:
    checks = run.certificate("endless-ios")["checks"]
    logs = next(c for c in checks if c["id"] == "logs")
    assert logs["status"] == "error"
    assert "'show logging' did not finish within 2 s" in logs["message"]
    assert "still printing" in logs["message"]
    for check in run.certificate("silent-ios")["checks"]:
        assert check["status"] == "error"
        assert "sent its SSH banner" in check["message"]
        assert "(timeouts.connect)" in check["message"]
