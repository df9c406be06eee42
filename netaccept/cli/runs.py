"""`netaccept run`, `lab` and `demo`: the acceptance suite over SSH (or a replay), and the lab."""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path

from netaccept import __version__
from netaccept.cli.common import load_selected, print_error
from netaccept.core.console import output_console
from netaccept.core.exitcodes import ExitCode
from netaccept.core.paths import project_dir
from netaccept.inventory import Inventory, InventoryError
from netaccept.run.options import pytest_args
from netaccept.run.preflight import NOT_CONTACTED, Output, file_problem
from netaccept.session.hostkeys import HostKeyPolicy

# ---------------------------------------------------------------- run


def _pytest_args(args: argparse.Namespace, extra: Sequence[str] = ()) -> list[str]:
    argv = [
        str(project_dir("checks")),
        "-p", "no:cacheprovider",
        # Only the plugins a run uses: autoloading would start every pytest plugin installed
        # beside netaccept in each run (hypothesis's alone costs a second).
        "--disable-plugin-autoload", "-p", "netaccept.run.plugin",
        # Per check, pytest's warnings plugin re-applies every filterwarnings line of the
        # rootdir's configuration and its logging plugin sets up log capture: about a tenth
        # of the time the checks take. A run needs neither: netaccept's entry point filters
        # its libraries' warnings for the whole process, and --debug logs on its own handler.
        "-p", "no:warnings", "-p", "no:logging",
        # The checks print nothing: their output is captured at the Python level, without
        # pytest's file-descriptor swaps (six system calls per check, each one a chance for
        # the capture's threads to take the interpreter lock from the deciding thread).
        "--capture=sys",
        # This process imported the plugin already (for its exit codes): pytest says it
        # cannot rewrite its asserts, which it has none of.
        "-W", "ignore::pytest.PytestAssertRewriteWarning",
        "-o", "addopts=",
        "-qq", "--no-header", "--tb=no", "-rN", "--netaccept-quiet",
        *pytest_args(args),
    ]  # fmt: skip
    if getattr(args, "processes", None):
        # pytest-xdist: the devices are dealt out between the processes (netaccept.run.xdist).
        argv += ["-p", "xdist", "-n", args.processes]
    if getattr(args, "junitxml", None):
        argv += ["--junitxml", args.junitxml]
    return [*argv, *extra]


def _run_pytest(argv: list[str]) -> int:
    import logging

    import pytest

    # A run does not load pytest's logging plugin (see _pytest_args), which kept the log
    # records of the libraries (paramiko's "Exception (client): ..." for every router that
    # fails its handshake) off the terminal: they still go nowhere but to --debug's handler,
    # never to logging's last-resort handler on stderr. Each failure is in the results.
    logging.getLogger().addHandler(logging.NullHandler())
    return int(pytest.main(argv))


def cmd_run(args: argparse.Namespace) -> int:
    try:
        inventory = load_selected(args.inventory, args.device)
    except InventoryError as exc:
        print_error(f"the inventory cannot be used:\n{exc}")
        return ExitCode.USAGE
    if args.shard is not None:
        names = args.shard.select(d.name for d in inventory.devices)
        if not names:
            print_error(
                f"--shard {args.shard}: this share of the {len(inventory.devices)} selected "
                "device(s) is empty (more shards than devices); nothing to test"
            )
            return ExitCode.NOTHING
        args.device = names
    if getattr(args, "debug", False):
        from netaccept.session.debuglog import enable_debug_logging

        enable_debug_logging()
    if not args.junitxml:
        return _run_pytest(_pytest_args(args))
    # pytest writes the JUnit file in place: have it write a temporary file beside it,
    # renamed over the real one when complete, so that a crash never leaves half of it.
    junit = Path(args.junitxml)
    problem = file_problem(Output("--junitxml", junit), "a JUnit XML file")
    if problem:  # before any router is contacted, as the plugin checks the other outputs
        print_error(f"the run could not write its results, so {NOT_CONTACTED}:\n{problem}")
        return ExitCode.USAGE
    partial = junit.with_name(f".{junit.name}.{os.getpid()}.partial")
    args.junitxml = str(partial)
    try:
        code = _run_pytest(_pytest_args(args))
        if partial.exists():
            partial.replace(junit)
    except OSError as exc:
        print_error(f"--junitxml {junit} could not be written ({exc.strerror or exc})")
        return ExitCode.NOT_SAVED
    finally:
        args.junitxml = str(junit)
        partial.unlink(missing_ok=True)
    return code


# ---------------------------------------------------------------- lab


def _lab_specs(inventory: Inventory) -> list[object]:
    from netaccept.lab.spec import LabRouterSpec

    specs: list[object] = []
    problems: list[str] = []
    for device in inventory.devices:
        recording = inventory.lab_recordings / f"{device.name}.json"
        if not recording.is_file():
            problems.append(f"{device.name}: no recording at {recording}")
            continue
        specs.append(
            LabRouterSpec(
                name=device.name,
                platform=device.platform,
                recording=recording,
                port=device.port,
                ssh_offer=inventory.lab.ssh_offers.get(device.name, "modern"),
            )
        )
    if problems:
        raise _LabError("\n".join(problems))
    return specs


class _LabError(Exception):
    pass


def cmd_lab(args: argparse.Namespace) -> int:
    from netaccept.lab import server as lab

    try:
        inventory = load_selected(args.inventory, args.device)
        for device in inventory.devices:
            try:
                loopback = ipaddress.ip_address(device.host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                raise _LabError(
                    f"{device.name}: host {device.host} is not a loopback address; the lab only "
                    "serves on 127.0.0.1"
                )
        specs = _lab_specs(inventory)
    except InventoryError as exc:
        print_error(f"the inventory cannot be used:\n{exc}")
        return ExitCode.USAGE
    except _LabError as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    needed = ("NETACCEPT_USERNAME", "NETACCEPT_PASSWORD", "NETACCEPT_SECRET")
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        # Checked before "Serving ...": the lab's routers accept only these credentials.
        print_error(
            f"set {', '.join(missing)} first: the lab's routers accept the username, password "
            "and enable secret in NETACCEPT_USERNAME, NETACCEPT_PASSWORD and NETACCEPT_SECRET "
            "(any values; give the same ones to `netaccept run`), or try `netaccept demo`, "
            "which makes its own"
        )
        return ExitCode.USAGE
    import tempfile

    with tempfile.TemporaryDirectory(prefix="netaccept-lab-") as tmp:
        spec_file = Path(tmp) / "spec.json"
        from netaccept.lab.zone import lab_zone

        ports = {d.dns.port for d in inventory.devices if d.dns is not None} or {5353}
        spec = {
            "host": "127.0.0.1",
            "routers": [s.to_json() for s in specs],  # type: ignore[attr-defined]
            "dns": {"port": min(ports), "records": [r.to_json() for r in lab_zone(inventory)]},
        }
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        ready = args.ready_file or str(Path(tmp) / "ready.json")
        output_console(stderr=True).print(
            "Serving "
            + ", ".join(f"{d.name} on 127.0.0.1:{d.port}" for d in inventory.devices)
            + f", and DNS on 127.0.0.1:{min(ports)}/udp"
            + "\nCredentials: the values of NETACCEPT_USERNAME, NETACCEPT_PASSWORD and "
            "NETACCEPT_SECRET. Stop with Ctrl-C."
        )
        return lab.main(["--spec", str(spec_file), "--ready-file", ready])


# ---------------------------------------------------------------- demo


DEMO_LEDGER = "demo-ledger.sqlite"
"""The demo's ledger, in its reports directory: apart from the ledger of real runs."""


DEMO_KEY = "demo-key"
"""The demo's signing key pair, in its reports directory: every demo certificate is signed."""


def _demo_key(out: Path) -> str:
    """The demo's own key (made once, unencrypted: it signs nothing but the demo's runs)."""
    from netaccept.report.keys import generate_keypair

    private, public = out / DEMO_KEY / "signing.key", out / DEMO_KEY / "signing.pub"
    if not private.is_file():
        private.parent.mkdir(parents=True, exist_ok=True)
        generate_keypair(private, public)
    return str(private)


def cmd_demo(args: argparse.Namespace) -> int:
    """Start the lab on free loopback ports with throw-away credentials and run the suite."""
    from netaccept.lab.process import LabProcess
    from netaccept.lab.spec import LabCredentials

    inventory_path = args.inventory or str(project_dir("inventory") / "lab.yaml")
    try:
        inventory = load_selected(inventory_path)
        specs = _lab_specs(inventory)
    except InventoryError as exc:
        print_error(f"the inventory cannot be used:\n{exc}")
        return ExitCode.USAGE
    except _LabError as exc:
        print_error(str(exc))
        return ExitCode.USAGE
    # Fresh random credentials for this demo only: nothing to commit, nothing to print.
    credentials = LabCredentials(
        username="netaccept-demo",
        password=secrets.token_urlsafe(18),
        secret=secrets.token_urlsafe(18),
    )
    free = [spec.__class__(**{**spec.__dict__, "port": 0}) for spec in specs]
    console = output_console(stderr=True)
    console.print(
        f"[bold]netaccept {__version__} demo[/]: starting the simulated lab "
        f"({len(free)} routers) on 127.0.0.1"
    )
    os.environ["NETACCEPT_USERNAME"] = credentials.username
    os.environ["NETACCEPT_PASSWORD"] = credentials.password
    os.environ["NETACCEPT_SECRET"] = credentials.secret
    from netaccept.lab.zone import lab_zone

    with (
        LabProcess(free, credentials, dns_records=lab_zone(inventory)) as running,  # type: ignore[arg-type]
        tempfile.TemporaryDirectory(prefix="netaccept-demo-") as keys,
    ):
        # The lab's host keys are known (it made them): the demo verifies them strictly,
        # as CI does, unless told otherwise.
        known_hosts = args.known_hosts or str(running.write_known_hosts(Path(keys) / "known_hosts"))
        ns = argparse.Namespace(
            inventory=inventory_path,
            reason=args.reason,
            out=args.out,
            device=[],
            check=[],
            record=args.record,
            replay=None,
            technician=args.technician,
            workers=None,
            no_progress=args.no_progress,
            junitxml=None,
            dns_server=f"127.0.0.1:{running.dns_port}",
            sign_key=args.sign_key or _demo_key(Path(args.out)),
            # The demo's attempts are no real port's: its ledger is its own, never the one
            # real runs keep in the same reports directory.
            ledger=args.ledger or str(Path(args.out) / DEMO_LEDGER),
            host_key_policy=args.host_key_policy or HostKeyPolicy.STRICT.value,
            known_hosts=known_hosts,
        )
        extra: list[str] = []
        for name, port in running.ports.items():
            extra += ["--netaccept-endpoint", f"{name}=127.0.0.1:{port}"]
        code = _run_pytest(_pytest_args(ns, extra))
    if code in (ExitCode.USAGE, ExitCode.INTERRUPTED, ExitCode.INTERNAL, ExitCode.NOT_SAVED):
        return code
    console.print(
        "The demo lab has faulty routers on purpose (chi-gsr-02, nyc-gsr-03): their failures "
        f"above are expected. `netaccept run` on this lab exits {code}. The demo's attempts "
        f"are in its own ledger, {ns.ledger} (`netaccept history --ledger {ns.ledger}`)."
        + (
            ""
            if args.sign_key
            else " Its certificates are signed with the demo's own key: `netaccept verify "
            f"RUN_DIRECTORY --public-key {Path(args.out) / DEMO_KEY / 'signing.pub'}`."
        ),
        soft_wrap=True,
    )
    return ExitCode.PASS
