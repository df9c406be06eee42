"""Every Schedule 2 check, on every platform, decided in-process from a table of cases.

Each row is (check, platform, outputs, expected status, what the message must say). The
outputs are a healthy lab router's recorded outputs (real IOS 12.0S and IOS-XR 3.9 text),
the same outputs with the fault catalogue's fault for that check applied (the way the real
failure shows on a router), or with the check's first command missing. The decision runs
through the real readers (TextFSM, the configuration parser), the platform's recipes from
the registry and the check function itself - no SSH, no pytest plugin, no subprocess - so
the whole table runs in about a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from netaccept.check import IMPLEMENTED, load_checks, uses
from netaccept.core.catalogue import CHECK_IDS, PLATFORM_NAMES
from netaccept.core.evidence import read_recording, recording_path
from netaccept.core.verdicts import Status, Undecidable, Verdict
from netaccept.inventory import Device, load_inventory
from netaccept.lab.faults import BASE, CATALOGUE, Fault
from netaccept.platforms import registry
from netaccept.platforms.facts import FACTS, NAME_CONFIG
from netaccept.platforms.parsing import ParseError, read
from netaccept.session.dns import ReplayResolver, lookup_loopback
from netaccept.session.masking import mask_secrets
from tests.conftest import LAB_INVENTORY, LAB_RECORDINGS

INVENTORY = load_inventory(LAB_INVENTORY)
load_checks()


def recorded(device: Device) -> tuple[dict[str, str], dict[str, str]]:
    """The device's recorded outputs (masked, as capture stores them) and DNS answers."""
    recording = read_recording(recording_path(LAB_RECORDINGS, device.name))
    outputs = {command: mask_secrets(text) for command, text in recording.outputs.items()}
    return outputs, dict(recording.dns)


def build(name: str, device: Device, outputs: Mapping[str, str]) -> Any:
    """A fact as the run builds it: the registry's recipe, each output read once."""
    recipe = registry.recipe(FACTS[name], device.platform)
    parsed = []
    for source in recipe.sources(device):
        if source.command not in outputs:
            raise Undecidable(f"{source.command!r} was not captured from {device.name}")
        parsed.append(read(source.reader, outputs[source.command], source.command, source.empty_ok))
    return recipe.build(parsed, device)


def decide(
    check_id: str, device: Device, outputs: Mapping[str, str], dns: Mapping[str, str]
) -> tuple[Status, str]:
    """The check's status and message, as the certificate would state them."""
    fn: Callable[..., Any] = IMPLEMENTED[check_id]
    verdict = Verdict(check_id, device.name)
    try:
        kwargs: dict[str, Any] = {}
        for name in uses(fn):
            if name == "dns_lookups":
                names = build(NAME_CONFIG.name, device, outputs)
                assert device.dns is not None and names.loopback_address is not None
                resolver = ReplayResolver(dns, "the recording")
                kwargs[name] = lookup_loopback(
                    resolver, names.loopback_address, device.dns.fqdn(device.name)
                )
            else:
                kwargs[name] = build(name, device, outputs)
        fn(device=device, verdict=verdict, **kwargs)
    except (Undecidable, ParseError) as exc:
        return Status.ERROR, str(exc)
    if verdict.failures:
        return Status.FAIL, "; ".join(verdict.failures)
    if not verdict.decided:
        return Status.ERROR, "the check recorded no finding"
    return Status.PASS, "; ".join(f.message for f in verdict.findings)


def first_command(check_id: str, device: Device) -> str:
    fn = IMPLEMENTED[check_id]
    name = next(n for n in uses(fn) if n in FACTS)
    return registry.commands(name, device)[0]


def with_fault(fault: Fault, outputs: dict[str, str], dns: dict[str, str]) -> dict[str, str]:
    """The DNS answers of a router whose loopback moved to an address with a wrong PTR."""
    if fault.loopback is None or fault.ptr is None:
        return dns
    return {
        **dns,
        f"dns PTR {fault.loopback}": f";; PTR {fault.loopback} @lab NOERROR\n{fault.ptr}.",
        f"dns A {fault.ptr}": f";; A {fault.ptr} @lab NXDOMAIN",
    }


# ---------------------------------------------------------------- the table

HEALTHY = [(c, p) for p in PLATFORM_NAMES for c in CHECK_IDS]
FAULTS = [pytest.param(f, id=f"{f.platform}-{f.check}-{f.name}") for f in CATALOGUE]


def test_the_table_covers_every_check_on_every_platform() -> None:
    assert sorted(IMPLEMENTED) == sorted(CHECK_IDS)
    assert sorted((f.check, f.platform) for f in CATALOGUE) == sorted(HEALTHY)


@pytest.mark.parametrize(("check_id", "platform"), HEALTHY)
def test_healthy_router_passes(check_id: str, platform: str) -> None:
    device = INVENTORY.device(BASE[platform])  # type: ignore[index]
    outputs, dns = recorded(device)
    status, message = decide(check_id, device, outputs, dns)
    assert status is Status.PASS, message


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_fails_its_check_naming_the_object(fault: Fault) -> None:
    device = INVENTORY.device(BASE[fault.platform])
    outputs, dns = recorded(device)
    status, message = decide(
        fault.check, device, fault.apply(outputs), with_fault(fault, outputs, dns)
    )
    assert status is Status.FAIL, message
    assert fault.names in message, message


@pytest.mark.parametrize(("check_id", "platform"), HEALTHY)
def test_missing_output_is_an_error_never_a_pass(check_id: str, platform: str) -> None:
    device = INVENTORY.device(BASE[platform])  # type: ignore[index]
    outputs, dns = recorded(device)
    command = first_command(check_id, device)
    del outputs[command]
    status, message = decide(check_id, device, outputs, dns)
    assert status is Status.ERROR, message
    assert command in message


@pytest.mark.parametrize(("check_id", "platform"), HEALTHY)
def test_empty_output_is_never_a_pass(check_id: str, platform: str) -> None:
    # A lost answer (an empty output) is an error, or a failure where the table being empty
    # is itself the finding (an empty log buffer): never a pass.
    device = INVENTORY.device(BASE[platform])  # type: ignore[index]
    outputs, dns = recorded(device)
    outputs[first_command(check_id, device)] = ""
    status, message = decide(check_id, device, outputs, dns)
    assert status is not Status.PASS, message
