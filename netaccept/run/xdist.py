"""pytest-xdist: the devices dealt out between worker processes, one run at the end.

`pytest -n N --netaccept-inventory FILE` (or `netaccept run --processes N`):

- the controller deals the devices out between the workers (netaccept.run.shard: sorted by name,
  in turn) and tells each worker its share when it starts (`workerinput`);
- each worker collects every check as usual, but captures only its share, all of it at once
  (the same thread pool as a serial run), and the controller's scheduler sends it exactly the
  checks of those devices: every device is connected once, in one worker;
- each result travels back in its test report, as in any xdist run, and each worker hands its
  captures (the evidence) to the controller when it finishes;
- the controller alone writes the run: one run directory, index, ledger entry, as serially.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from netaccept.core.evidence import Evidence
from netaccept.inventory import CredentialsMissing, Device, resolve_credentials
from netaccept.run.shard import deal
from netaccept.session.algorithms import SshAlgorithms
from netaccept.session.captured import DeviceCapture
from netaccept.session.transport import SshTransport

if TYPE_CHECKING:
    from netaccept.run.pipeline import AcceptanceRun

SHARE = "netaccept_share"  # workerinput: the device names a worker captures
OUTPUT = "netaccept"  # workeroutput: what a worker captured, for the controller


def register(config: pytest.Config, run: AcceptanceRun) -> None:
    """Take part in a pytest-xdist run, as the controller or as a worker; else do nothing."""
    if not config.pluginmanager.has_plugin("xdist"):
        return
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None:
        config.pluginmanager.register(WorkerShare(config, run, workerinput), "netaccept-xdist")
    elif getattr(config.option, "numprocesses", None) and config.getoption("dist") != "no":
        config.pluginmanager.register(Dealer(config, run), "netaccept-xdist")


def device_of(nodeid: str, names: set[str] | frozenset[str]) -> str | None:
    """The device a check's node id is parametrized with (`...::test_x[<device>]`)."""
    if not nodeid.endswith("]") or "[" not in nodeid:
        return None
    name = nodeid.rsplit("[", 1)[1][:-1]
    return name if name in names else None


# ---------------------------------------------------------------- the controller


class Dealer:
    """The controller: deals the devices out, schedules by device, gathers the captures."""

    def __init__(self, config: pytest.Config, run: AcceptanceRun) -> None:
        self.config = config
        self.run = run
        self.names = frozenset(d.name for d in run.inventory.devices)
        self.shares: dict[str, frozenset[str]] = {}
        self.received: set[str] = set()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Before the workers start (xdist's sessionstart is trylast), while this process
        # still has the terminal: ask once for missing credentials, as a serial run does;
        # the workers inherit the environment they are stored in.
        if not isinstance(self.run.transport, SshTransport):
            return
        from netaccept.run.pipeline import _Terminal

        capman = self.config.pluginmanager.getplugin("capturemanager")
        with _Terminal(capman, stdin=True):
            for device in self.run.inventory.devices:
                with contextlib.suppress(CredentialsMissing):
                    resolve_credentials(device)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        workerid, count = node.workerinput["workerid"], node.workerinput["workercount"]
        share = deal(self.names, count)[int(workerid.removeprefix("gw"))]
        self.shares[workerid] = frozenset(share)
        node.workerinput[SHARE] = share

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> DeviceScheduling:
        from xdist.workermanage import parse_tx_spec_config

        return DeviceScheduling(len(parse_tx_spec_config(config)), self.shares, self.names)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object | None) -> None:
        workerid = node.workerinput["workerid"]
        output = getattr(node, "workeroutput", None) or {}
        devices = {d.name: d for d in self.run.inventory.devices}
        sent = output.get(OUTPUT, {})
        for data in sent.get("captures", []):
            self.run.captures[data["device"]] = capture_from(data, devices)
            self.received.add(data["device"])
        for device, fact, message in sent.get("plan_errors", []):
            self.run.plan_errors[(device, fact)] = message
        if error is None:
            return
        # A worker that died took its captures with it: its devices are not certified.
        for name in sorted(self.shares.get(workerid, frozenset()) - self.received):
            self.run.captures[name] = DeviceCapture(
                devices[name],
                self.run.transport.name,
                self.run.started,
                interrupted=f"{name}: not completed: the pytest-xdist worker {workerid} that "
                f"captured it stopped ({error}); run it again to certify it",
            )


class DeviceScheduling:
    """Each worker runs exactly the checks of the devices it captured, all at once."""

    def __init__(
        self, numnodes: int, shares: dict[str, frozenset[str]], names: frozenset[str]
    ) -> None:
        self.numnodes = numnodes
        self.shares = shares
        self.names = names
        self.collections: dict[Any, list[str]] = {}
        self.pending: dict[Any, list[int]] = {}
        self.started: set[Any] = set()
        self.collection_is_completed = False

    @property
    def nodes(self) -> list[Any]:
        return list(self.pending)

    @property
    def tests_finished(self) -> bool:
        # A worker keeps its last check until it is told to shut down (it needs the next
        # item to run one): one pending check per worker is as good as none.
        return self.collection_is_completed and all(len(p) < 2 for p in self.pending.values())

    @property
    def has_pending(self) -> bool:
        return any(self.pending.values())

    def add_node(self, node: Any) -> None:
        self.pending[node] = []

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        self.collections[node] = list(collection)
        if len(self.collections) >= self.numnodes:
            self.collection_is_completed = True

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        self.pending[node].remove(item_index)

    def mark_test_pending(self, item: str) -> None:
        raise NotImplementedError("netaccept schedules each device's checks on one worker")

    def remove_pending_tests_from_node(self, node: Any, indices: Sequence[int]) -> None:
        raise NotImplementedError("netaccept schedules each device's checks on one worker")

    def remove_node(self, node: Any) -> str | None:
        pending = self.pending.pop(node, [])
        # Its devices' other checks go nowhere else: no other worker has their outputs.
        return self.collections[node][pending[0]] if pending else None

    def schedule(self) -> None:
        assert self.collection_is_completed
        for node, pending in self.pending.items():
            if node in self.started:
                continue
            self.started.add(node)
            share = self.shares.get(node.workerinput["workerid"], frozenset())
            collection = self.collections.get(node, [])
            # Checks of no known device (none in checks/) go to the first worker.
            first = node.workerinput["workerid"] == "gw0"
            pending[:] = [
                index
                for index, nodeid in enumerate(collection)
                if (device := device_of(nodeid, self.names)) in share or (device is None and first)
            ]
            if pending:
                node.send_runtest_some(pending)
            node.shutdown()


# ---------------------------------------------------------------- a worker


class WorkerShare:
    """A worker: captures and decides its share; the controller writes the reports."""

    def __init__(self, config: pytest.Config, run: AcceptanceRun, workerinput: dict[str, Any]):
        self.config = config
        self.run = run
        run.share = frozenset(workerinput.get(SHARE, ()))
        # The controller owns the terminal; a worker's output is not shown.
        config.option.netaccept_no_progress = True

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # The captures move to the controller, which writes the reports: this worker keeps
        # none, so the plugin's own sessionfinish, after this one, writes nothing here.
        # xdist sends `workeroutput` once every sessionfinish has run.
        workeroutput: dict[str, Any] = self.config.workeroutput  # type: ignore[attr-defined]
        workeroutput[OUTPUT] = {
            "captures": [capture_data(c) for c in self.run.captures.values()],
            "plan_errors": [
                [device, fact, message]
                for (device, fact), message in self.run.plan_errors.items()
                if device in self.run.captures
            ],
        }
        self.run.captures = {}


# ---------------------------------------------------------------- captures on the wire


def capture_data(capture: DeviceCapture) -> dict[str, Any]:
    """A DeviceCapture as plain data execnet can send (the evidence in its order)."""
    data: dict[str, Any] = {}
    for f in fields(capture):
        value = getattr(capture, f.name)
        if f.name == "device":
            value = capture.device.name
        elif f.name == "evidence":
            value = [
                [key, e.command, e.output, e.captured_at.isoformat(), e.sha256]
                for key, e in capture.evidence.items()
            ]
        elif f.name == "algorithms" and value is not None:
            value = [value.kex, value.host_key_type, value.cipher, value.mac, list(value.weak)]
        elif isinstance(value, datetime):
            value = ["datetime", value.isoformat()]
        data[f.name] = value
    return data


def capture_from(data: dict[str, Any], devices: dict[str, Device]) -> DeviceCapture:
    """The DeviceCapture `capture_data` described."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "device":
            value = devices[value]
        elif name == "evidence":
            value = {
                key: Evidence(command, output, datetime.fromisoformat(at), sha256)
                for key, command, output, at, sha256 in value
            }
        elif name == "algorithms" and value is not None:
            kex, host_key_type, cipher, mac, weak = value
            value = SshAlgorithms(kex, host_key_type, cipher, mac, tuple(weak))
        elif isinstance(value, list) and len(value) == 2 and value[0] == "datetime":
            value = datetime.fromisoformat(value[1])
        values[name] = value
    return DeviceCapture(**values)


__all__ = ["Dealer", "DeviceScheduling", "WorkerShare", "capture_data", "capture_from", "register"]
