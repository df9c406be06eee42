"""The pytest plugin: acceptance checks as pytest tests, one per (check, device).

Flow, one way only: inventory -> commands needed by the selected checks -> outputs
captured once per device, concurrently (live SSH, or replay) -> facts parsed on demand
-> verdicts -> certificates and reports. The plugin is inert unless
`--netaccept-inventory` is given.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from netaccept.check import MARKER
from netaccept.core.catalogue import CHECK_IDS, CHECKS
from netaccept.core.exitcodes import ExitCode
from netaccept.core.libwarnings import filterwarnings_lines
from netaccept.core.paths import project_dir
from netaccept.core.verdicts import CheckFailed, Undecidable, Verdict
from netaccept.inventory import (
    Device,
    Inventory,
    InventoryError,
    load_inventory,
)
from netaccept.platforms.facts import (
    FACTS,
    Fact,
)
from netaccept.report.signing import SigningError, load_private_key
from netaccept.run.options import add_pytest_options, spelled
from netaccept.run.pipeline import (
    AcceptanceRun,
    ItemState,
    _check_id,
    _device_of,
)
from netaccept.run.preflight import (
    NOT_CONTACTED,
    LedgerWait,
    Output,
    Outputs,
    PreflightError,
    check_outputs,
)
from netaccept.session.dns import (
    LoopbackDns,
    name_server,
)

# Exit codes, shared by `netaccept run` and `pytest --netaccept-inventory`; 1-5 keep
# pytest's meanings so that a CI job reads them the same either way.


def pytest_addoption(parser: pytest.Parser) -> None:
    add_pytest_options(parser)


# ---------------------------------------------------------------- hooks

_RUN = pytest.StashKey[AcceptanceRun]()


def _run(config: pytest.Config) -> AcceptanceRun | None:
    return config.stash.get(_RUN, None)


def pytest_configure(config: pytest.Config) -> None:
    for check_id in CHECK_IDS:
        config.addinivalue_line(
            "markers",
            f"{check_id}: Schedule 2 line {CHECKS[check_id].line}: {CHECKS[check_id].schedule2}",
        )
    config.addinivalue_line("markers", f"{MARKER}(check_id): a Schedule 2 acceptance check")
    path = config.option.netaccept_inventory
    if not path:
        return
    _collect_bundled_checks(config)
    # A netaccept run: the warnings of its libraries stay out of the console and the summary
    # (only in this run; a suite that merely has the plugin installed keeps its filters).
    for line in filterwarnings_lines():
        config.addinivalue_line("filterwarnings", line)
    try:
        inventory = load_inventory(path)
        endpoints = _endpoints(config, inventory, config.option.netaccept_endpoint)
        inventory = inventory.select(config.option.netaccept_device)
        inventory = inventory.with_endpoints(endpoints)
    except InventoryError as exc:
        raise pytest.UsageError(f"the inventory cannot be used:\n{exc}") from None
    for name, what in (("workers", "sessions to open"), ("logins", "logins to run")):
        value = getattr(config.option, f"netaccept_{name}")
        if value is not None and value < 1:
            raise pytest.UsageError(
                f"{spelled(config, name)} {value}: give the number of {what} at once, 1 or more"
            )
    unknown = [c for c in config.option.netaccept_check if c not in CHECKS]
    if unknown:
        raise pytest.UsageError(
            f"unknown check id(s): {', '.join(unknown)}; valid ids: {', '.join(CHECK_IDS)}"
        )
    signer = None
    if config.option.netaccept_sign_key:
        # Read now, before any router is contacted and the ledger counts an attempt: a key
        # that cannot sign is a usage error, not a crash after the run was recorded.
        key_path = Path(config.option.netaccept_sign_key)
        sign_key = spelled(config, "sign-key")
        if not key_path.is_file():
            raise pytest.UsageError(f"{sign_key}: no private key file {key_path}")
        passphrase = os.environ.get("NETACCEPT_SIGN_PASSPHRASE")
        try:
            signer = load_private_key(key_path, passphrase.encode() if passphrase else None)
        except SigningError as exc:
            hint = "" if passphrase else " (the passphrase goes in NETACCEPT_SIGN_PASSPHRASE)"
            raise pytest.UsageError(f"{sign_key}: {exc}{hint}") from None
    if config.option.netaccept_replay and not Path(config.option.netaccept_replay).is_dir():
        raise pytest.UsageError(
            f"{spelled(config, 'replay')}: no directory {config.option.netaccept_replay}"
        )
    if config.option.netaccept_dns_server:
        try:
            name_server(config.option.netaccept_dns_server)
        except ValueError as exc:
            raise pytest.UsageError(f"{spelled(config, 'dns-server')}: {exc}") from None
    # Every output, and the ledger, before any router is contacted (a pytest-xdist worker
    # writes nothing: its controller checked them).
    if not config.option.collectonly and getattr(config, "workerinput", None) is None:
        _check_outputs(config)
    run = AcceptanceRun(config, inventory)
    run.signer = signer
    config.stash[_RUN] = run
    config.pluginmanager.register(run, "netaccept-run")
    from netaccept.run.xdist import register

    register(config, run)


def _check_outputs(config: pytest.Config) -> None:
    """Exit 4 naming each output that cannot be written; exit 2 on Ctrl-C during the wait."""
    option = config.option
    out = Path(option.netaccept_out)
    ledger = Path(option.netaccept_ledger or out / "ledger.sqlite")
    xmlpath = getattr(option, "xmlpath", None)  # pytest's --junitxml
    outputs = Outputs(
        out=Output(spelled(config, "out"), out),
        record=Output(spelled(config, "record"), Path(option.netaccept_record))
        if option.netaccept_record
        else None,
        junitxml=Output("--junitxml", Path(xmlpath)) if xmlpath else None,
        ledger=None if option.netaccept_replay else Output(spelled(config, "ledger"), ledger),
    )
    capman = config.pluginmanager.getplugin("capturemanager")
    try:
        check_outputs(outputs, LedgerWait(ledger, capman))
    except PreflightError as exc:
        raise pytest.UsageError(
            f"the run could not write its results, so {NOT_CONTACTED}:\n{exc}"
        ) from None
    except KeyboardInterrupt:
        pytest.exit(
            f"interrupted while waiting for the ledger {ledger}: {NOT_CONTACTED}",
            returncode=ExitCode.INTERRUPTED,
        )


def _collect_bundled_checks(config: pytest.Config) -> None:
    """`pytest --netaccept-inventory FILE` from anywhere runs the Schedule 2 checks.

    The checks are shipped with netaccept (`checks/` of the checkout or of the installed
    wheel); unless a path given to pytest already holds them, they are collected too.
    """
    checks = project_dir("checks").resolve()
    given = [Path(str(arg).split("::")[0]).resolve() for arg in config.args]
    if any(checks == p or checks.is_relative_to(p) or p.is_relative_to(checks) for p in given):
        return
    config.args.append(str(checks))


def _endpoints(
    config: pytest.Config, inventory: Inventory, values: list[str]
) -> dict[str, tuple[str, int]]:
    """`NAME=HOST:PORT` values; a name the inventory does not know is refused.

    Ignored, a misspelt name would send that device's run to its production address rather
    than to the lab or the port forward the user meant.
    """
    option = spelled(config, "endpoint")
    known = [d.name for d in inventory.devices]
    endpoints: dict[str, tuple[str, int]] = {}
    for value in values:
        name, _, address = value.partition("=")
        host, _, port = address.rpartition(":")
        if not name or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise pytest.UsageError(f"{option} {value!r}: expected NAME=HOST:PORT (port 1-65535)")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise pytest.UsageError(
                f"{option} {value!r}: the inventory has no device {name!r}{hint}; "
                f"devices: {', '.join(known)}"
            )
        endpoints[name] = (host, int(port))
    return endpoints


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker(MARKER) is None:
        return
    run = _run(metafunc.config)
    if run is None:
        return
    devices = run.devices_for(metafunc)
    metafunc.parametrize("device", devices, ids=[d.name for d in devices], scope="function")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = _run(config)
    checks = [i for i in items if _check_id(i) is not None]
    if run is None:
        if checks:
            raise pytest.UsageError(
                "the acceptance checks need an inventory: add --netaccept-inventory FILE "
                "(e.g. inventory/lab.yaml)"
            )
        return
    run.modify_items(config, items)


def pytest_collection_finish(session: pytest.Session) -> None:
    run = _run(session.config)
    if run is None or session.config.option.collectonly:
        return
    for item in session.items:
        check_id, device = _check_id(item), _device_of(item)
        if check_id and device:
            run.items[item.nodeid] = ItemState(check_id, device, Verdict(check_id, device.name))
            run.remaining[device.name] = run.remaining.get(device.name, 0) + 1
            item.user_properties.append(("netaccept.device", device.name))
            item.user_properties.append(("netaccept.check", check_id))
    run.testing = session
    if getattr(session.config, "workerinput", None) is not None:
        run.capture_all(session.items)  # a pytest-xdist worker: xdist runs the test loop
    else:
        run.start_capture(session.items)  # decided device by device by run_checks


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    run = _run(session.config)
    if run is None or session.config.option.collectonly:
        return None
    if getattr(session.config, "workerinput", None) is not None:
        return None  # a pytest-xdist worker: xdist's loop runs the checks it is sent
    if session.config.pluginmanager.get_plugin("dsession") is not None:
        return None  # the pytest-xdist controller: its loop sends the checks to the workers
    run.run_checks(session)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _CURRENT
    run = _run(item.config)
    state = run.items.get(item.nodeid) if run else None
    _CURRENT = (run, state) if run is not None and state is not None else None
    if state and state.check_id in state.device.not_applicable:
        pytest.skip(f"not applicable: {state.device.not_applicable[state.check_id]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    yield
    run = _run(item.config)
    state = run.items.get(item.nodeid) if run else None
    if state and state.verdict.failures:
        raise CheckFailed("\n".join(state.verdict.failures))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    run = _run(item.config)
    if run is not None:
        exc = call.excinfo.value if call.excinfo else None
        if isinstance(exc, CheckFailed | Undecidable):
            # A verdict is not a crash: show what is wrong, not a traceback into the plugin.
            report.longrepr = f"{type(exc).__name__}: {exc}"
        run.record_phase(item, call, report)
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = _run(session.config)
    if run is None:
        return
    if session.config.option.collectonly:
        return
    try:
        run.finish(session)
    finally:
        run.signals.restore()
    if exitstatus in (
        pytest.ExitCode.OK,
        pytest.ExitCode.TESTS_FAILED,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        session.exitstatus = run.exit_code if run.exit_code is not None else ExitCode.NOTHING


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, str] | None:
    if config.option.netaccept_quiet and _run(config) is not None:
        return report.outcome, "", ""
    return None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = _run(config)
    if run is None:
        return
    if run.certificates or run.not_completed:
        from netaccept.run.terminal import render_summary

        render_summary(
            run.certificates,
            run.index,
            file=terminalreporter._tw._file,
            interrupted=run.stop.reason,
            not_completed=[(n.name, n.reason) for n in run.not_completed],
        )
    if run.not_saved:
        _say_not_saved(run)


def _say_not_saved(run: AcceptanceRun) -> None:
    """On stderr: what could not be written, what was kept, and what to do."""
    from rich.console import Console
    from rich.markup import escape

    kept = [c.device.name for c in run.certificates]
    recorded = f" and recorded in the ledger {run.ledger_path}" if run.replay is None else ""
    if kept:
        outcome = (
            f"{len(kept)} device(s) certified{recorded} ({', '.join(kept)}); the other "
            "devices have no certificate and are not in the ledger"
        )
    else:
        outcome = "the evidence written; no device has a certificate or is in the ledger"
    lines = [
        f"[bold red]netaccept:[/] the results could not all be written "
        f"(exit {int(ExitCode.NOT_SAVED)}):",
        *(f"  {escape(problem)}" for problem in run.not_saved),
        escape(
            f"What was written is kept in {run.run_dir}: {outcome}. Solve the problem above (a "
            f"full disk: free space on the file system of {run.out}, or give --out another "
            "directory) and run them again."
        ),
    ]
    Console(stderr=True, highlight=False, soft_wrap=True).print("\n".join(lines))


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def device(request: pytest.FixtureRequest) -> Device:
    """The device a check runs against (parametrized by the plugin from the inventory)."""
    param = getattr(request, "param", None)
    if not isinstance(param, Device):
        raise pytest.UsageError("netaccept checks need --netaccept-inventory FILE")
    return param


# The run and the state of the check being set up (pytest runs one test at a time in a
# process). The fixtures below read it rather than asking for `request`, which pytest
# builds anew, signature and all, every time a fixture asks for it: about 1 s of 4,000
# checks.
_CURRENT: tuple[AcceptanceRun, ItemState] | None = None


def _current(fixture: str) -> tuple[AcceptanceRun, ItemState]:
    if _CURRENT is None:
        raise pytest.UsageError(f"the {fixture} fixture is only for netaccept checks")
    return _CURRENT


@pytest.fixture
def verdict() -> Iterator[Verdict]:
    """The findings of this check on this device; a check must record at least one."""
    _run_now, state = _current("verdict")
    yield state.verdict
    if state.status is None:  # the body returned without recording a single finding
        raise Undecidable("the check reached no decision: it recorded no finding")


@pytest.fixture
def dns_lookups(device: Device) -> LoopbackDns:
    """PTR of the router's loopback address and A of the name returned, asked by the harness."""
    run, state = _current("dns_lookups")
    return run.dns_lookups(device, state.commands)


def _fact_fixture(fact: Fact[Any]) -> Callable[..., Any]:
    def provide(device: Device) -> Any:
        run, state = _current(fact.name)
        return run.fact(device, fact, state.commands)

    provide.__name__ = fact.name
    provide.__doc__ = f"Parsed fact: {fact.description}."
    return pytest.fixture(name=fact.name)(provide)


for _fact in FACTS.values():
    globals()[f"_fixture_{_fact.name}"] = _fact_fixture(_fact)
