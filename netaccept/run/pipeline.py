"""The run: from the selected checks to captured outputs, facts, verdicts and certificates.

`AcceptanceRun` is one run of the acceptance suite over an inventory. Flow, one way only:
the commands needed by the selected checks -> outputs captured once per device,
concurrently (live SSH, or replay) -> facts parsed on demand -> verdicts -> certificates,
reports and the ledger. The pytest plugin (`netaccept.run.plugin`) drives it from pytest's
hooks; `netaccept run` and `pytest --netaccept-inventory` both end up here.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from netaccept.check import MARKER
from netaccept.core.catalogue import CHECKS
from netaccept.core.evidence import (
    Evidence,
    RecordingError,
    read_recording,
    recording_path,
    utc_now,
    write_recording,
)
from netaccept.core.exitcodes import ExitCode
from netaccept.core.verdicts import CheckFailed, Overall, Status, Undecidable, Verdict
from netaccept.inventory import (
    CredentialsMissing,
    Device,
    Inventory,
    resolve_credentials,
)
from netaccept.ledger import (
    AcceptanceTerms,
    Ledger,
    LedgerError,
    PendingRun,
    PortAcceptance,
    PortRecord,
)
from netaccept.platforms import registry
from netaccept.platforms.facts import (
    FACTS,
    IDENTITY,
    NAME_CONFIG,
    Chassis,
    Fact,
    SoftwareFacts,
    Source,
    Unread,
)
from netaccept.platforms.parsing import ParseError
from netaccept.platforms.registry import CLI
from netaccept.report.certificates import (
    AcceptanceOut,
    Certificate,
    ChangeOut,
    CheckResult,
    FindingOut,
    Identity,
    NotComparedOut,
    NotCompleted,
    RunInfo,
    SinceAcceptanceOut,
    build_certificate,
    evidence_refs,
    new_run_id,
    remove_certificate,
    reserve_run_dir,
    with_acceptance,
    write_device,
    write_evidence,
    write_index,
)
from netaccept.report.diff import Snapshot, compare, not_compared, snapshot
from netaccept.report.signing import Signer, sign_certificate
from netaccept.report.xmlcert import write_certificate_xml
from netaccept.run.capture import Capture
from netaccept.run.interrupt import SignalStop, StopRequest
from netaccept.run.preflight import LedgerWait, WaitStopped
from netaccept.run.shard import Shard
from netaccept.session.captured import DeviceCapture
from netaccept.session.debuglog import install_masking
from netaccept.session.dns import (
    LiveResolver,
    LoopbackDns,
    ReplayResolver,
    Resolver,
    lookup_loopback,
    name_server,
)
from netaccept.session.hostkeys import DEFAULT_KNOWN_HOSTS, HostKeyPolicy
from netaccept.session.transport import HostKeySettings, ReplayTransport, SshTransport, Transport

RESULT_PROPERTY = "netaccept.result"

# At the end of a run its results wait this long for a ledger another process has locked
# (with a message, and Ctrl-C ends the wait); the wait before the run is the busy timeout.
LEDGER_PATIENCE_S: Final = 600.0

# Fixtures that are not facts themselves but need some: planned like the facts they use.
DERIVED: dict[str, tuple[Fact[Any], ...]] = {"dns_lookups": (NAME_CONFIG,)}


# ---------------------------------------------------------------- the run


@dataclass
class ItemState:
    """What the plugin learns about one test item while pytest runs it."""

    check_id: str
    device: Device
    verdict: Verdict
    commands: list[str] = field(default_factory=list)
    status: Status | None = None
    message: str = ""
    started: float = 0.0


class AcceptanceRun:
    """One acceptance run: the selected devices and checks, their outputs and results."""

    def __init__(self, config: pytest.Config, inventory: Inventory) -> None:
        self.config = config
        self.inventory = inventory
        opt = config.option
        self.replay = Path(opt.netaccept_replay) if opt.netaccept_replay else None
        self.record = Path(opt.netaccept_record) if opt.netaccept_record else None
        self.host_keys = HostKeySettings(
            HostKeyPolicy(opt.netaccept_host_key_policy)
            if opt.netaccept_host_key_policy
            else HostKeyPolicy.default(),
            Path(opt.netaccept_known_hosts or DEFAULT_KNOWN_HOSTS).expanduser(),
        )
        self.workers: int = opt.netaccept_workers or inventory.settings.workers
        self.logins: int = opt.netaccept_logins or inventory.settings.logins
        self.transport: Transport = (
            ReplayTransport(self.replay)
            if self.replay
            else SshTransport(CLI, self.host_keys, logins=self.logins)
        )
        self.reason: str = opt.netaccept_reason
        self.technician = (
            opt.netaccept_technician or os.environ.get("NETACCEPT_TECHNICIAN") or _login()
        )
        self.checks: list[str] = list(opt.netaccept_check)
        # `netaccept run --shard`, which selected the share's devices: recorded in run.json.
        self.shard: Shard | None = opt.netaccept_shard
        self.started = utc_now()
        self.run_id = new_run_id(self.started)
        self.out = Path(opt.netaccept_out)
        self.ledger_path = Path(opt.netaccept_ledger or self.out / "ledger.sqlite")
        self.signer: Ed25519PrivateKey | None = None  # read by pytest_configure
        self.run_dir = self.out / self.run_id
        self.captures: dict[str, DeviceCapture] = {}
        self.plan_errors: dict[tuple[str, str], str] = {}
        self.items: dict[str, ItemState] = {}
        self.results: list[CheckResult] = []
        self.facts: dict[tuple[str, str], Any] = {}
        self.reads: dict[tuple[str, str, str], Any] = {}
        self.remaining: dict[str, int] = {}  # checks not yet decided, by device
        self.identities: dict[str, Identity] = {}  # of the devices whose checks are all done
        self.snapshots: dict[str, Snapshot] = {}  # their facts for a baseline (see _baseline)
        self.dns: dict[str, LoopbackDns] = {}
        self.fact_errors: dict[tuple[str, str], str] = {}
        self.index: Path | None = None
        self.certificates: list[Certificate] = []
        self.not_saved: list[str] = []  # what could not be written, and why (exit NOT_SAVED)
        self.exit_code: int | None = None
        # pytest-xdist (netaccept.run.xdist): the devices a worker captures; None: all of them.
        self.share: frozenset[str] | None = None
        # Ctrl-C / SIGTERM: requested by a signal handler from the capture on (see interrupt.py)
        self.stop = StopRequest()
        self.signals = SignalStop(self.stop)
        if isinstance(self.transport, SshTransport):
            self.transport.stopped = lambda: bool(self.stop)  # no login after a stop
        self.testing: pytest.Session | None = None  # set once the checks run
        self.capturing: Capture | None = None  # the capture in progress, if any
        # time.monotonic() at the capture's start and when its last device was done
        self.capture_span: tuple[float, float] | None = None
        self._display = contextlib.ExitStack()  # the capture's progress display
        self.not_completed: list[NotCompleted] = []

    # -- collection

    def devices_for(self, metafunc: pytest.Metafunc) -> list[Device]:
        return list(self.inventory.devices)

    def modify_items(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if self.checks:
            keep = [i for i in items if _check_id(i) in self.checks]
            dropped = [i for i in items if _check_id(i) not in self.checks]
            if dropped:
                config.hook.pytest_deselected(items=dropped)
            items[:] = keep
        # One device after another, each device's checks in their order: what was parsed
        # for a device can leave memory after its last check (see `_done_with`).
        order = {d.name: n for n, d in enumerate(self.inventory.devices)}

        def device_order(item: pytest.Item) -> int:
            device = _device_of(item)
            return order.get(device.name, -1) if device is not None else -1

        items.sort(key=device_order)

    def plan(self, items: list[pytest.Item]) -> list[tuple[Device, list[str]]]:
        """The commands each device must answer for the selected items, each once, in order."""
        commands: dict[str, list[str]] = {}
        devices: dict[str, Device] = {}
        for item in items:
            check_id = _check_id(item)
            device = _device_of(item)
            if check_id is None or device is None:
                continue
            if self.share is not None and device.name not in self.share:
                continue
            devices[device.name] = device
            wanted = commands.setdefault(device.name, [])
            if check_id in device.not_applicable:
                continue
            names = getattr(item, "fixturenames", [])
            facts = [FACTS[n] for n in names if n in FACTS]
            facts += [fact for n in names for fact in DERIVED.get(n, ())]
            for fact in [*IDENTITY, *facts]:
                self._plan_fact(device, fact, wanted)
        for name, device in devices.items():
            for fact in IDENTITY:
                self._plan_fact(device, fact, commands[name])
        return [(devices[name], cmds) for name, cmds in commands.items()]

    def _plan_fact(self, device: Device, fact: Fact[Any], wanted: list[str]) -> None:
        try:
            commands = registry.commands(fact, device)
        except Undecidable as exc:
            self.plan_errors[(device.name, fact.name)] = str(exc)
            return
        wanted.extend(c for c in commands if c not in wanted)

    def start_capture(self, items: list[pytest.Item]) -> None:
        """Start capturing every device the items need, in the background (see `run_checks`).

        Before any router is contacted: the insecure host key warning, and the missing
        credentials asked once per variable on the terminal. From here on a first Ctrl-C or
        SIGTERM stops the run cleanly (see `run_checks` and `finish`).
        """
        plan = self.plan(items)
        if not plan:
            return
        show = not self.config.option.netaccept_no_progress
        capman = self.config.pluginmanager.getplugin("capturemanager")
        if isinstance(self.transport, SshTransport) and (
            self.host_keys.policy is HostKeyPolicy.INSECURE
        ):
            with _Terminal(capman):
                from rich.console import Console

                Console(stderr=True, highlight=False).print(
                    "[bold red]WARNING: --host-key-policy insecure: the routers' SSH host keys "
                    "are NOT verified.[/] Anyone between this machine and a router can "
                    "impersonate it and read the password. The certificates say so."
                )
        if isinstance(self.transport, SshTransport):
            # Ask for missing credentials now, once per variable, before the sessions start
            # in parallel; a device still without them fails at connect, naming the variable.
            with _Terminal(capman, stdin=True):
                for device, _commands in plan:
                    with contextlib.suppress(CredentialsMissing):
                        resolve_credentials(device)
        from netaccept.run.terminal import capture_progress

        self.signals.install()
        # Whoever shows a log record from here on (--debug, --log-cli-level) sees it masked.
        install_masking(
            v
            for d, _ in plan
            for v in (
                d.credentials.password_env,
                d.credentials.secret_env,
                *([d.ssh.key_passphrase_env] if d.ssh.key_passphrase_env else []),
            )
        )
        # The display draws on a duplicate of the terminal's stderr, taken while pytest's
        # capture is suspended: the capture of the checks' output, which goes on while the
        # devices already captured are decided, does not redirect it.
        stream = None
        if show:
            with _Terminal(capman), contextlib.suppress(AttributeError, OSError, ValueError):
                # (no duplicate for a stderr without a file descriptor: it is drawn there)
                stream = self._display.enter_context(
                    os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="utf-8")
                )
        progress = self._display.enter_context(
            capture_progress(plan, enabled=show, transport=self.transport.name, stream=stream)
        )
        # What exists now (the inventory, the collected checks: 20,000 items at N=1000) lives
        # until the run ends: out of the garbage collector's sight, its full collections stop
        # walking all of it again while the outputs are parsed.
        gc.freeze()
        # A replay reads files: more than one thread would only contend for the interpreter.
        workers = self.workers if isinstance(self.transport, SshTransport) else 1
        self.capturing = Capture(
            plan, self.transport, workers=workers, progress=progress, stop=self.stop
        ).start()

    def capture_all(self, items: list[pytest.Item]) -> None:
        """Capture every device the items need, then drop the items of the devices whose
        capture did not complete (a pytest-xdist worker, which runs xdist's test loop)."""
        self.start_capture(items)
        self._end_capture()
        unfinished = {name for name, cap in self.captures.items() if not cap.complete}
        dropped = [i for i in items if (d := _device_of(i)) is not None and d.name in unfinished]
        if dropped:
            kept = [i for i in items if (d := _device_of(i)) is None or d.name not in unfinished]
            items[:] = kept
            self.config.hook.pytest_deselected(items=dropped)

    def run_checks(self, session: pytest.Session) -> None:
        """pytest's test loop, deciding each device as soon as its capture completes.

        The items are in device order (see `modify_items`). Before a device's first check
        the loop waits for that device's capture, while the others are still being
        captured: a fleet's wall time tends to the longer of capture and decisions rather
        than their sum, and the order of the results, the JUnit file and the ledger stay
        those of a run that captured everything first. A device whose capture did not
        complete (the run was stopped) has its checks dropped: it is listed as not
        completed, never certified. After a stop, the devices captured in full are still
        decided (that contacts no router); a second signal aborts at once.
        """
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            raise session.Interrupted(
                f"{session.testsfailed} error{'s' if session.testsfailed != 1 else ''} "
                "during collection"
            )
        items = session.items
        dropped: list[pytest.Item] = []
        try:
            for number, item in enumerate(items):
                device = _device_of(item)
                if device is not None and not self._captured(device):
                    dropped.append(item)
                    continue
                nextitem = items[number + 1] if number + 1 < len(items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                if session.shouldfail:
                    raise session.Failed(session.shouldfail)
                if session.shouldstop:
                    raise session.Interrupted(session.shouldstop)
        finally:
            if dropped:
                self.config.hook.pytest_deselected(items=dropped)

    def _captured(self, device: Device) -> bool:
        """Whether `device` was captured in full, waiting for its capture if need be."""
        cap = self.captures.get(device.name)
        if cap is None:
            if self.capturing is None:
                return False
            cap = self.captures[device.name] = self.capturing.result(device.name)
        return cap.complete

    def _end_capture(self) -> None:
        """Every device's capture, once all are complete or interrupted; the display closes.

        pytest stopped early (`--maxfail`, `-x`): the devices still being captured are
        stopped, as by a signal, rather than waited for.
        """
        if self.capturing is None:
            return
        testing = self.testing
        if testing is not None and (testing.shouldfail or testing.shouldstop) and not self.stop:
            self.stop.request(f"pytest stopped: {testing.shouldfail or testing.shouldstop}")
        self.captures = self.capturing.results()
        if self.capturing.started_at is not None and self.capturing.finished_at is not None:
            self.capture_span = (self.capturing.started_at, self.capturing.finished_at)
        self.capturing = None
        self._display.close()

    # -- facts

    def fact(self, device: Device, fact: Fact[Any], used: list[str] | None = None) -> Any:
        """The parsed fact for `device`; raises Undecidable with the reason it is unavailable."""
        key = (device.name, fact.name)
        if key in self.plan_errors:
            raise Undecidable(self.plan_errors[key])
        recipe = registry.recipe(fact, device.platform)
        sources = recipe.sources(device)
        if used is not None:
            used.extend(s.command for s in sources if s.command not in used)
        if key in self.facts:
            return self.facts[key]
        if key not in self.fact_errors:
            try:
                parsed = [self._read(device, source) for source in sources]
                self.facts[key] = recipe.build(parsed, device)
                return self.facts[key]
            except Undecidable as exc:
                self.fact_errors[key] = str(exc)
            except ParseError as exc:  # malformed rows included: see facts._decided
                self.fact_errors[key] = f"{device.name}: {exc}"
        raise Undecidable(self.fact_errors[key])

    def _read(self, device: Device, source: Source) -> Any:
        """A command's output read once per device, shared by every fact that needs it."""
        key = (device.name, source.command, source.reader)
        if key in self.reads:
            return self.reads[key]
        cap = self.captures.get(device.name)
        evidence = cap.evidence.get(source.command) if cap else None
        if evidence is None:
            reason = (
                cap.reason_missing(source.command) if cap else f"{device.name} was not captured"
            )
            if cap and source.optional:
                return Unread(reason)  # the fact can do without it, and says so if not
            raise Undecidable(reason)
        self.reads[key] = source.read(evidence.output)
        return self.reads[key]

    def dns_lookups(self, device: Device, used: list[str]) -> LoopbackDns:
        """Forward and reverse DNS of the router's loopback, asked once per device."""
        if device.dns is None:
            raise Undecidable(
                f"the inventory gives no dns section for {device.name}: add dns.servers and "
                "dns.domain (or dns.name), or list loopback_dns under not_applicable"
            )
        names = self.fact(device, NAME_CONFIG, used)
        if names.loopback_address is None:
            raise Undecidable(
                f"{device.name}: the running configuration gives no address on {device.loopback}"
            )
        if device.name not in self.dns:
            self.dns[device.name] = lookup_loopback(
                self._resolver(device), names.loopback_address, device.dns.fqdn(device.name)
            )
            cap = self.captures[device.name]
            found = self.dns[device.name]
            for answer in (found.ptr, *found.forward):
                cap.evidence[answer.key] = Evidence.of(answer.key, answer.text())
        found = self.dns[device.name]
        used.extend(a.key for a in (found.ptr, *found.forward) if a.key not in used)
        return found

    def _resolver(self, device: Device) -> Resolver:
        assert device.dns is not None
        if self.replay is not None:
            try:
                recording = read_recording(recording_path(self.replay, device.name))
            except RecordingError as exc:
                raise Undecidable(str(exc)) from None
            return ReplayResolver(recording.dns, str(self.replay))
        servers = [str(s) for s in device.dns.servers]
        port = device.dns.port
        override = self.config.option.netaccept_dns_server
        if override:  # checked by the plugin before the run: HOST[:PORT], port 53 by default
            host, port = name_server(override)
            servers = [host]
        return LiveResolver(servers, port, device.dns.timeout)

    def identity(self, device: Device) -> Identity:
        errors: list[str] = []
        software: SoftwareFacts | None = None
        chassis: Chassis | None = None
        try:
            software = self.fact(device, FACTS["software"])
        except Undecidable as exc:
            errors.append(f"software version: {exc}")
        board_id = software.processor_board_id if software else ""
        try:
            chassis = self.fact(device, FACTS["chassis"])
        except Undecidable as exc:
            if not board_id:  # show version's processor board id is the chassis serial
                errors.append(f"chassis serial: {exc}")
        hostname = software.hostname or None if software else None
        if hostname and not _same_name(hostname, device.name):
            errors.append(
                f"hostname: the router at {device.host}:{device.port} calls itself "
                f"{hostname}, not {device.name}: a wrong address or port forward? Its results "
                f"are not certified as {device.name}'s"
            )
        return Identity(
            hostname=hostname,
            model=(chassis.pid if chassis else None) or (software.model if software else None),
            chassis_pid=chassis.pid if chassis else None,
            chassis_description=chassis.description if chassis else None,
            chassis_serial=chassis.serial if chassis else (board_id or None),
            processor_board_id=software.processor_board_id or None if software else None,
            software_version=software.version if software else None,
            image=software.image or None if software else None,
            errors=tuple(errors),
        )

    # -- results

    def record_phase(
        self, item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport
    ) -> None:
        state = self.items.get(item.nodeid)
        if state is None or (state.status is not None and report.when != "teardown"):
            return
        if report.when == "setup":
            state.started = time.monotonic()
            if report.skipped:
                state.status, state.message = Status.SKIPPED, _skip_reason(report)
            elif report.failed:
                state.status, state.message = Status.ERROR, _error_text(call)
        elif report.when == "call" and state.status is None:
            if report.failed:
                exc = call.excinfo.value if call.excinfo else None
                if isinstance(exc, CheckFailed | AssertionError) and not isinstance(
                    exc, Undecidable
                ):
                    state.status = Status.FAIL
                    state.message = "; ".join(state.verdict.failures) or str(exc)
                else:
                    state.status, state.message = Status.ERROR, _error_text(call)
            elif report.skipped:
                state.status, state.message = Status.SKIPPED, _skip_reason(report)
            elif state.verdict.decided:
                state.status = Status.PASS
                state.message = "; ".join(f.message for f in state.verdict.findings)
        elif report.when == "teardown":
            if state.status is None:
                state.status = Status.ERROR
                state.message = (
                    _error_text(call) if report.failed else "the check reached no decision"
                )
            info = CHECKS[state.check_id]
            result = CheckResult(
                id=state.check_id,
                line=info.line,
                schedule2=info.schedule2,
                device=state.device.name,
                status=state.status,
                message=state.message,
                findings=[
                    FindingOut(met=f.met, message=f.message, subject=f.subject)
                    for f in state.verdict.findings
                ],
                commands=state.commands,
                duration_s=round(time.monotonic() - state.started, 4) if state.started else 0.0,
            )
            report.user_properties.append(("netaccept.status", result.status.value))
            report.user_properties.append(("netaccept.message", result.message))
            report.user_properties.append((RESULT_PROPERTY, result.model_dump_json()))
            self._done_with(state.device)

    def _done_with(self, device: Device) -> None:
        """After a device's last check: keep its identity, forget what was parsed for it."""
        left = self.remaining[device.name] = self.remaining.get(device.name, 1) - 1
        if left > 0:
            return
        self.identities[device.name] = self.identity(device)
        cap = self.captures.get(device.name)
        if cap is not None and cap.complete and self.replay is None:
            # The facts a baseline keeps, from the outputs this run has read already (see
            # `_baseline`; a replay records nothing), before they leave memory.
            reads = {(c, r): v for (d, c, r), v in self.reads.items() if d == device.name}
            outputs = {c: e.output for c, e in cap.evidence.items()}
            self.snapshots[device.name] = snapshot(cap.device, outputs, reads)
        for cache in (self.facts, self.fact_errors):
            for key in [k for k in cache if k[0] == device.name]:
                del cache[key]
        for parsed in [k for k in self.reads if k[0] == device.name]:
            del self.reads[parsed]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Results travel in the report so that they reach the controller under pytest-xdist
        # too. Where they arrive (not on a worker, which sends the report on), the property
        # is taken out again, before the JUnit writer copies it into every test case.
        if report.when != "teardown":
            return
        for prop in list(report.user_properties):
            if prop[0] == RESULT_PROPERTY:
                self.results.append(CheckResult.model_validate_json(str(prop[1])))
                if self.share is None:
                    report.user_properties.remove(prop)

    # -- reports

    def finish(self, session: pytest.Session) -> None:
        """Write evidence, certificates, ledger and run index for the devices that completed.

        After a stop request (Ctrl-C, SIGTERM) the devices whose capture or checks did not
        finish get no evidence, no certificate and no ledger entry: they are listed as not
        completed in the run index, which is marked interrupted. A device whose files cannot
        all be written (a full disk) gets no certificate and no ledger entry either; the run
        says so and exits NOT_SAVED (see `_save`).
        """
        self._end_capture()
        captured = [d for d in self.inventory.devices if d.name in self.captures]
        if not captured:
            return
        interrupted = self.stop.reason  # a signal from here on lets the reports be written
        devices = [d for d in captured if self._completed(d, interrupted)]
        finished = utc_now()
        try:
            # mkdir, never exist_ok: a run directory is this run's alone (see reserve_run_dir).
            self.run_dir = reserve_run_dir(self.out, self.started, self.run_id)
        except OSError as exc:
            self._not_saved(devices, "the run directory could not be created", self.out, exc)
            self.exit_code = ExitCode.NOT_SAVED
            return
        self.run_id = self.run_dir.name
        info = RunInfo(
            id=self.run_id,
            started=self.started,
            finished=finished,
            reason=self.reason,
            technician=self.technician,
            transport=self.transport.name,
            inventory=self.inventory,
        )
        by_device: dict[str, list[CheckResult]] = {}
        for result in self.results:
            by_device.setdefault(result.device, []).append(result)
        identities = {d.name: self.identities.get(d.name) or self.identity(d) for d in devices}
        # The checks are decided: what was parsed for them is not needed any more, and a
        # fleet's parsed outputs are most of the memory the certificates would add to.
        self.facts.clear()
        self.reads.clear()
        built = [
            build_certificate(
                info,
                device,
                identities[device.name],
                self.captures[device.name],
                by_device.get(device.name, []),
                evidence_refs(self.captures[device.name]),
            )
            for device in devices
        ]
        interrupted = self._save(info, built) or interrupted
        try:
            self.index = write_index(
                self.run_dir,
                info,
                self.certificates,
                interrupted=interrupted,
                not_completed=self.not_completed,
                extra={"shard": None if self.shard is None else vars(self.shard)},
            )
        except OSError as exc:
            self.not_saved.append(_cannot_write("the run index", self.run_dir, exc))
        self.exit_code = (
            ExitCode.NOT_SAVED
            if self.not_saved
            else exit_code_for(
                (r.status for r in self.results),
                interrupted=interrupted is not None,
                not_completed=bool(self.not_completed),
                incomplete=any(c.verdict is Overall.INCOMPLETE for c in self.certificates),
            )
        )

    def _save(self, info: RunInfo, certificates: list[Certificate]) -> str | None:
        """Write each device's files, and record in the ledger exactly the devices written.

        The ledger's transaction lasts while the certificates are written: it numbers each
        port's attempt, and stores only the devices whose files all reached the disk (after
        a sync), so the ledger never holds a port without its certificate. A run the ledger
        cannot record leaves no certificate either (the evidence stays). Returns the signal
        that stopped the run while it waited for a ledger another process held, if any.
        """
        if self.replay is not None:  # a replay decides again from old outputs: no attempt
            self.certificates = [c for c in certificates if self._write_device(c)]
            return None
        capman = self.config.pluginmanager.getplugin("capturemanager")
        waiting = LedgerWait(self.ledger_path, capman, stop=self.stop)
        written: list[Certificate] = []
        try:
            with (
                Ledger(self.ledger_path, waiting=waiting) as ledger,
                ledger.recording(*self._ledger_entry(info, certificates),
                                 patience=LEDGER_PATIENCE_S) as pending,
            ):  # fmt: skip
                acceptance = _acceptance_out(pending.acceptance)
                for cert in certificates:
                    cert = with_acceptance(cert, acceptance)
                    cert = self._baseline(ledger, pending, info, cert)
                    if self._write_device(cert):
                        written.append(cert)
                    else:
                        pending.drop(cert.device.name)
                if written:
                    os.sync()  # the certificates are on disk before the ledger says so
        except WaitStopped as stop:
            self._unwritten(
                certificates,
                written,
                f"the run was interrupted ({stop}) while it waited for the ledger "
                f"{self.ledger_path}",
            )
            return stop.signal_name
        except LedgerError as exc:
            self.not_saved.append(f"the ledger could not record this run: {exc}")
            self._unwritten(
                certificates, written, f"the ledger {self.ledger_path} could not record the run"
            )
            return None
        self.certificates = written
        return None

    def _baseline(
        self, ledger: Ledger, pending: PendingRun, info: RunInfo, cert: Certificate
    ) -> Certificate:
        """Keep the device's facts as a possible baseline, and show what changed since acceptance.

        A full-scope run that passed a port leaves the device's facts (read from its masked
        evidence) with the ledger: once the port is accepted they are its baseline. A repair
        or restoration run is compared with the baseline of the device's ports, and the
        differences go on the certificate, as information.
        """
        repair = info.reason in ("repair", "restoration")
        passed = cert.scope == "full" and any(p.verdict is Overall.PASS for p in cert.ports)
        if not (repair or passed) or not cert.ports:
            return cert
        cap = self.captures[cert.device.name]
        today = self.snapshots.pop(cert.device.name, None) or snapshot(
            cap.device, {c: e.output for c, e in cap.evidence.items()}
        )
        if passed:
            pending.snapshots[cert.device.name] = json.dumps(today.to_json(), sort_keys=True)
        base = ledger.baseline([p.order for p in cert.ports], info.finished) if repair else None
        if base is None:
            return cert
        before = Snapshot.from_json(json.loads(base.snapshot))
        since = SinceAcceptanceOut(
            baseline_run=base.run_id,
            order=base.order,
            accepted=base.how,
            changes=[
                ChangeOut(section=c.section, key=c.key, kind=c.kind, text=c.text)
                for c in compare(before, today)
            ],
            not_compared=[
                NotComparedOut(section=section, why=why)
                for section, why in not_compared(before, today).items()
            ],
        )
        return cert.model_copy(update={"since_acceptance": since})

    def _ledger_entry(self, info: RunInfo, certificates: list[Certificate]) -> tuple[Any, ...]:
        """The run as `Ledger.recording` takes it: run, devices, ports, the contract's terms."""
        terms = self.inventory.contract
        return (
            info.id, info.started, info.finished, info.reason, info.technician,
            [(c.device.name, c.device.site.id, c.verdict.value) for c in certificates],
            [
                PortRecord(
                    p.order, c.device.name, p.interface, p.speed, p.customer, p.verdict.value,
                    # Not every applicable Schedule 2 check decided: a diagnostic run.
                    diagnostic=c.scope != "full",
                )
                for c in certificates
                for p in c.ports
            ],
            AcceptanceTerms(
                terms.acceptance_days_new,
                terms.acceptance_days_repair,
                terms.attempts_before_remedies,
            ),
        )  # fmt: skip

    def _write_device(self, cert: Certificate) -> bool:
        """Write a device's evidence, certificate (JSON, HTML, XML, signature), recording.

        False when its evidence or certificate could not be written: the certificate files
        written so far are removed (an incomplete certificate is none) and the device is
        listed as not saved. A recording that cannot be written is reported, but the
        certificate stands.
        """
        cap = self.captures[cert.device.name]
        device_dir = self.run_dir / cert.device.name
        what = "its evidence"
        try:
            write_evidence(device_dir, cap)
            what = "its certificate"
            signer = Signer.of(self.signer) if self.signer is not None else None
            outputs = {c: e.output for c, e in cap.evidence.items()}
            write_device(self.run_dir, cert, outputs, signer)
            write_certificate_xml(device_dir, cert)
            if self.signer is not None:
                what = "its signature"
                sign_certificate(device_dir, self.signer)
        except OSError as exc:
            remove_certificate(device_dir)
            self._not_saved([cap.device], f"{what} could not be written", device_dir, exc)
            return False
        if self.record and cap.evidence:
            try:
                write_recording(
                    self.record, cap.device.name, cap.device.platform, list(cap.evidence.values())
                )
            except OSError as exc:
                self.not_saved.append(
                    f"{cap.device.name}: " + _cannot_write("its recording", self.record, exc)
                )
        cap.evidence.clear()  # written: the outputs leave memory device by device
        return True

    def _not_saved(self, devices: Sequence[Device], what: str, where: Path, exc: OSError) -> None:
        """List `devices` as not completed, and the run as not saved, saying why and what to do."""
        error = exc.strerror or str(exc)
        named = f"{devices[0].name}: " if len(devices) == 1 else ""
        self.not_saved.append(f"{named}{what} in {where} ({error})")
        for device in devices:
            self.not_completed.append(
                NotCompleted(
                    device.name,
                    device.site,
                    f"{device.name}: not saved: {what} ({error}); it has no certificate and is "
                    f"not in the ledger: free space in {self.out} (or give --out another "
                    "directory) and run it again",
                )
            )

    def _unwritten(
        self, certificates: list[Certificate], written: list[Certificate], why: str
    ) -> None:
        """The run was not recorded: no certificate stays (the evidence does), no device is
        completed."""
        for cert in written:
            remove_certificate(self.run_dir / cert.device.name)
        self.certificates = []
        done = {cert.device.name for cert in written}
        for cert in certificates:
            if cert.device.name not in done:  # its evidence is all that is kept of it
                try:
                    write_evidence(self.run_dir / cert.device.name, self.captures[cert.device.name])
                except OSError as exc:
                    self.not_saved.append(
                        _cannot_write(f"{cert.device.name}: its evidence", self.run_dir, exc)
                    )
            self.not_completed.append(
                NotCompleted(
                    cert.device.name,
                    cert.device.site.id,
                    f"{cert.device.name}: not completed: {why}, so it has no certificate and "
                    "is not in the ledger; run it again to certify it",
                )
            )

    def _completed(self, device: Device, interrupted: str | None) -> bool:
        """Whether `device` was captured and decided in full; if not, list it as not completed."""
        cap = self.captures[device.name]
        reason = cap.interrupted
        if reason is None and interrupted is not None:
            expected = sum(1 for s in self.items.values() if s.device.name == device.name)
            decided = sum(1 for r in self.results if r.device == device.name)
            if decided < expected:
                reason = (
                    f"{device.name}: not completed: the run was interrupted ({interrupted}) "
                    f"after {decided} of its {expected} checks; run it again to certify it"
                )
        if reason is None:
            return True
        self.not_completed.append(NotCompleted(device.name, device.site, reason))
        return False


def _acceptance_out(statements: dict[str, PortAcceptance]) -> dict[str, AcceptanceOut]:
    """What the ledger says of each port, as its certificate carries it."""
    return {
        order: AcceptanceOut(
            attempt=a.attempt,
            delivered_on=a.delivered_on.isoformat(),
            deemed_accepted_on=a.deemed_accepted_on.isoformat() if a.deemed_accepted_on else None,
            remedies_available=a.remedies_available,
            statement=a.statement,
        )
        for order, a in statements.items()
    }


def _cannot_write(what: str, where: Path, exc: OSError) -> str:
    return f"{what} could not be written in {where} ({exc.strerror or exc})"


def _same_name(hostname: str, name: str) -> bool:
    """The router's hostname is the inventory's name (or its first label), in any case."""
    hostname, name = hostname.lower(), name.lower()
    return hostname in (name, name.split(".")[0])


def exit_code_for(
    statuses: Iterable[str],
    *,
    interrupted: bool = False,
    not_completed: bool = False,
    incomplete: bool = False,
) -> int:
    """The run's exit code from its checks' statuses (one rule for `run` and `report merge`).

    Devices not completed leave the run undecided even when every decided check passed; so
    does a certificate left incomplete by its identity (`incomplete`: the equipment could not
    be named, or it is not the one the inventory names).
    """
    found = {Status(s) for s in statuses}
    if interrupted:
        return ExitCode.INTERRUPTED
    if not_completed:
        return ExitCode.UNDECIDED
    if found <= {Status.SKIPPED}:
        return ExitCode.NOTHING
    if Status.ERROR in found or incomplete:
        return ExitCode.UNDECIDED
    if Status.FAIL in found:
        return ExitCode.FAIL
    return ExitCode.PASS


# ---------------------------------------------------------------- helpers


def _check_id(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker(MARKER)
    return str(marker.args[0]) if marker and marker.args else None


def _device_of(item: pytest.Item) -> Device | None:
    callspec = getattr(item, "callspec", None)
    device = callspec.params.get("device") if callspec else None
    return device if isinstance(device, Device) else None


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"


def _error_text(call: pytest.CallInfo[None]) -> str:
    if call.excinfo is None:
        return "the check could not decide"
    exc = call.excinfo.value
    if isinstance(exc, Undecidable):
        return str(exc)
    return f"internal error in the check ({type(exc).__name__}: {exc}); please report it"


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


class _Terminal:
    """The real terminal (and with `stdin`, the keyboard) while pytest's capture is active."""

    def __init__(self, capman: Any, *, stdin: bool = False) -> None:
        self._capman = capman
        self._stdin = stdin
        self._ctx: Any = None

    def __enter__(self) -> None:
        if self._capman is None:
            return
        if self._stdin:
            self._capman.suspend_global_capture(in_=True)
        else:
            self._ctx = self._capman.global_and_fixture_disabled()
            self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        if self._capman is None:
            return
        if self._stdin:
            self._capman.resume_global_capture()
        elif self._ctx is not None:
            self._ctx.__exit__(*exc)
