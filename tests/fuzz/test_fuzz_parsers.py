"""Fuzzing the parsers and the checks with mutated router output: never a false pass.

Two sources of real output, mutated the ways a session can mangle it (cut short, lines lost,
doubled or swapped, binary noise and NULs, numbers and case changed, `% Invalid input`
spliced in, nothing at all, a line of 100,000 characters):

- the shared corpus (`../shared/corpus/ntc-templates`, read in place), through
  `netaccept.platforms.parsing.parse` and the fact recipes of `netaccept/facts.py`;
- the lab's recordings and the fault catalogue (a failing router per check and platform),
  through the real checks of `checks/`, evaluated the way the plugin evaluates them.

What must hold: nothing but `ParseError` or `Undecidable` escapes reading and building a fact;
and when the original output fails a check, the mutated one does not pass it.
"""

from __future__ import annotations

import inspect
import json
import random
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netaccept.check import load_checks
from netaccept.core.catalogue import PlatformName
from netaccept.core.verdicts import Undecidable, Verdict
from netaccept.inventory import Device, load_inventory
from netaccept.lab.faults import BASE, CATALOGUE, Fault
from netaccept.platforms import registry
from netaccept.platforms.facts import FACTS, Fact, Unread
from netaccept.platforms.parsing import ParseError
from tests.conftest import CORPUS, LAB_INVENTORY, LAB_RECORDINGS

INVENTORY = load_inventory(LAB_INVENTORY)
CHECKS = load_checks()
DECIDED = (ParseError, Undecidable)  # the only ways reading output may give up

# ---------------------------------------------------------------- mutations

INVALID = "% Invalid input detected at '^' marker."
Mutation = Callable[[str, random.Random], str]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text) + 1)]


def drop_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def double_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    return "".join(lines[: at + 1] + lines[at:])


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


def garbage(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    noise = "".join(chr(rng.choice([0, 1, 7, 8, 0x1B, 0x7F, 0xFF, 0xFFFD])) for _ in range(8))
    return text[:at] + noise + text[at:]


def nuls(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + "\x00" * rng.randint(1, 64) + text[at:]


def change_number(text: str, rng: random.Random) -> str:
    numbers = list(re.finditer(r"\d+", text))
    if not numbers:
        return text
    found = rng.choice(numbers)
    new = rng.choice(["0", "1", "9" * 30, str(int(found.group()) + 1), "-1"])
    return text[: found.start()] + new + text[found.end() :]


def change_case(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    at = rng.randrange(len(lines))
    lines[at] = lines[at].upper() if rng.random() < 0.5 else lines[at].lower()
    return "".join(lines)


def invalid_input(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    lines.insert(rng.randrange(len(lines) + 1), f"          ^\n{INVALID}\n")
    return "".join(lines)


def empty(text: str, rng: random.Random) -> str:
    return rng.choice(["", "\n", "   \n\n"])


def huge_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    lines.insert(rng.randrange(len(lines) + 1), rng.choice("x !.0") * 100_000 + "\n")
    return "".join(lines)


MUTATIONS: dict[str, Mutation] = {
    f.__name__: f
    for f in (
        truncate, drop_line, double_line, swap_lines, garbage, nuls, change_number,
        change_case, invalid_input, empty, huge_line,
    )
}  # fmt: skip


def seed(*words: str) -> int:
    """A seed that is the same on every run (`hash` of a string is not)."""
    return zlib.crc32("/".join(words).encode("utf-8"))


def mutants(text: str, seed: int, per_kind: int) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    for name, mutate in MUTATIONS.items():
        for _ in range(per_kind if name != "empty" else 1):
            yield name, mutate(text, rng)


# ---------------------------------------------------------------- facts and verdicts


def build_fact(fact: Fact[Any], device: Device, outputs: Mapping[str, str]) -> Any:
    """Read and build `fact` from `outputs` as the plugin does; only DECIDED may escape."""
    recipe = registry.recipe(fact, device.platform)
    parsed = []
    for source in recipe.sources(device):
        if source.command not in outputs:
            if source.optional:
                parsed.append(Unread(f"no output for {source.command!r}"))
                continue
            raise Undecidable(f"no output for {source.command!r}")
        parsed.append(source.read(outputs[source.command]))
    return recipe.build(parsed, device)


@dataclass(frozen=True)
class Outcome:
    status: str  # pass, fail or error
    facts: tuple[Any, ...]
    message: str


def evaluate(check_id: str, device: Device, outputs: Mapping[str, str]) -> Outcome:
    """The check's verdict on `outputs`, the way the plugin reaches it, in process."""
    fn = CHECKS[check_id]
    verdict = Verdict(check_id, device.name)
    kwargs: dict[str, Any] = {}
    facts: list[Any] = []
    for name in inspect.signature(fn).parameters:
        if name == "device":
            kwargs[name] = device
        elif name == "verdict":
            kwargs[name] = verdict
        else:
            try:
                kwargs[name] = build_fact(FACTS[name], device, outputs)
            except DECIDED as exc:
                return Outcome("error", tuple(facts), str(exc))
            facts.append(kwargs[name])
    try:
        fn(**kwargs)
    except Undecidable as exc:
        return Outcome("error", tuple(facts), str(exc))
    except AssertionError as exc:
        return Outcome("fail", tuple(facts), str(exc))
    if verdict.failures:
        return Outcome("fail", tuple(facts), "; ".join(verdict.failures))
    if not verdict.findings:
        return Outcome("error", tuple(facts), "no finding")
    return Outcome("pass", tuple(facts), "; ".join(f.message for f in verdict.findings))


def recording(device: str) -> dict[str, str]:
    data = json.loads((LAB_RECORDINGS / f"{device}.json").read_text(encoding="utf-8"))
    return dict(data["outputs"])


def commands_of(check_id: str, device: Device) -> list[str]:
    fn = CHECKS[check_id]
    return [
        source.command
        for name in inspect.signature(fn).parameters
        if name in FACTS
        for source in registry.sources(name, device)
    ]


def checkable(check_id: str) -> bool:
    """Checks decided from command output alone (loopback_dns also asks a name server)."""
    return "dns_lookups" not in inspect.signature(CHECKS[check_id]).parameters


# Outputs that are lists of independent lines: a configuration, a log buffer. Without one
# of its lines, or with two swapped, such an output is the true output of another router (one
# without `exec-timeout 0 0`, a log without its worst message), not damaged output, so its
# verdict may differ from the original's. A log buffer may also be cut short anywhere; a
# configuration may not (it must end with `end`).
LINE_LISTS = {"show running-config", "show logging"}
# Known, and pinned here: in IOS-XR `show interfaces` (ntc's template) an interface's header
# line moved below its counters gives its counters to the interface before it, and it
# passes on the next ones. (On IOS the own template's missing counters are an error.)
KNOWN_GAPS = {("cisco_xr", "show interfaces", "swap_lines")}
CUT_ANYWHERE = {"show logging"}


def judge(
    platform: str, command: str, original: Outcome, kind: str, mutated: Outcome, where: str
) -> None:
    if len(mutated.facts) == len(original.facts) and mutated.facts == original.facts:
        assert mutated.status == original.status, f"same facts, another verdict: {where}"
    if original.status != "fail" or mutated.status != "pass":
        return
    if kind == "change_number":
        return  # a changed figure is a different router (more free flash, fewer errors)
    if kind in ("drop_line", "swap_lines") and command in LINE_LISTS:
        return
    if kind == "truncate" and command in CUT_ANYWHERE:
        return
    if (platform, command, kind) in KNOWN_GAPS:
        return
    raise AssertionError(f"false pass: {where}: {mutated.message}")


# ---------------------------------------------------------------- the faulty routers


def fault_cases() -> list[Any]:
    return [
        pytest.param(f, id=f"{f.platform}-{f.check}-{f.name}")
        for f in CATALOGUE
        if checkable(f.check)
    ]


@pytest.mark.parametrize("fault", fault_cases())
def test_mutated_output_of_a_failing_router_never_passes(fault: Fault) -> None:
    device = INVENTORY.device(BASE[fault.platform])
    outputs = fault.apply(recording(device.name))
    original = evaluate(fault.check, device, outputs)
    assert original.status == "fail", original
    for command in dict.fromkeys(commands_of(fault.check, device)):
        for kind, text in mutants(outputs[command], seed(fault.name, command), 10):
            mutated = evaluate(fault.check, device, {**outputs, command: text})
            where = f"{fault.name} {command} {kind}"
            judge(device.platform, command, original, kind, mutated, where)


def lab_cases() -> list[Any]:
    return [
        pytest.param(d.name, c, id=f"{d.name}-{c}")
        for d in INVENTORY.devices
        for c in CHECKS
        if checkable(c) and c not in d.not_applicable
    ]


@pytest.mark.parametrize(("name", "check_id"), lab_cases())
def test_mutated_lab_output_is_the_same_verdict_an_error_or_never_a_false_pass(
    name: str, check_id: str
) -> None:
    device = INVENTORY.device(name)
    outputs = recording(name)
    original = evaluate(check_id, device, outputs)
    for command in dict.fromkeys(commands_of(check_id, device)):
        if command not in outputs:
            continue
        for kind, text in mutants(outputs[command], seed(name, command), 3):
            mutated = evaluate(check_id, device, {**outputs, command: text})
            where = f"{name} {check_id} {command} {kind}"
            judge(device.platform, command, original, kind, mutated, where)


# ---------------------------------------------------------------- the corpus


def corpus_cases() -> list[Any]:
    """(platform, fact, raw file) for every single-command fact whose template has a corpus."""
    cases = []
    for platform in ("cisco_ios", "cisco_xr"):
        device = INVENTORY.device(BASE[platform])
        for fact in FACTS.values():
            if fact.name not in registry.platform(platform).recipes:
                continue
            sources = [s for s in registry.sources(fact, device) if not s.optional]
            if len(sources) != 1 or sources[0].reader == "config":
                continue
            folder = (
                CORPUS / platform / sources[0].reader.split(":", 1)[1].removeprefix(f"{platform}_")
            )
            for raw in sorted(folder.glob("*.raw")):
                cases.append(pytest.param(platform, fact.name, raw, id=f"{fact.name}-{raw.name}"))
    return cases


CORPUS_CASES = corpus_cases()


def test_the_corpus_feeds_many_facts() -> None:
    facts = {case.values[1] for case in CORPUS_CASES}
    assert len(CORPUS_CASES) > 40 and len(facts) >= 8, (len(CORPUS_CASES), facts)


@pytest.mark.parametrize(("platform", "fact_name", "raw"), CORPUS_CASES)
def test_mutated_corpus_output_is_a_fact_or_a_decided_error(
    platform: PlatformName, fact_name: str, raw: Path
) -> None:
    device = INVENTORY.device(BASE[platform])
    fact = FACTS[fact_name]
    command = next(s.command for s in registry.sources(fact, device) if not s.optional)
    text = raw.read_text(encoding="utf-8")
    build_fact(fact, device, {command: text})  # the real output must give the fact
    for kind, mutated in mutants(text, seed(raw.name), 8):
        try:
            build_fact(fact, device, {command: mutated})
        except DECIDED:
            pass
        except Exception as exc:  # the finding: anything else is a crash in the parser
            raise AssertionError(f"{kind} of {raw.name}: {type(exc).__name__}: {exc}") from exc


def test_there_are_cases_of_every_kind() -> None:
    assert len(fault_cases()) >= 35 and len(lab_cases()) >= 100  # 38 and 114 today


@pytest.mark.parametrize("check_id", sorted(c for c in CHECKS if checkable(c)))
def test_an_empty_answer_is_an_error_never_a_verdict(check_id: str) -> None:
    """A lost answer must not read as "no neighbours" or "no such interface"."""
    for name in (BASE["cisco_ios"], BASE["cisco_xr"]):
        device = INVENTORY.device(name)
        outputs = recording(name)
        for command in dict.fromkeys(commands_of(check_id, device)):
            if command in optional_commands(check_id, device):
                continue  # the check can decide without it (show version names the image)
            outcome = evaluate(check_id, device, {**outputs, command: ""})
            assert outcome.status in ("error", "skipped"), (name, check_id, command, outcome)


@pytest.mark.parametrize("counter", ["input errors", "output errors"])  # CRC: with input
def test_an_ios_interface_without_its_error_counters_is_an_error_not_zero(counter: str) -> None:
    device = INVENTORY.device("nyc-gsr-01")
    outputs = recording(device.name)
    lines = outputs["show interfaces"].splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{device.loopback} is"))
    gone = next(i for i in range(start, len(lines)) if counter in lines[i])
    damaged = "".join(lines[:gone] + lines[gone + 1 :])
    assert evaluate("interfaces", device, outputs).status == "pass"
    outcome = evaluate("interfaces", device, {**outputs, "show interfaces": damaged})
    assert outcome.status == "error", outcome
    assert f"gives no {counter} count" in outcome.message, outcome.message


def test_a_definite_failure_is_not_hidden_by_an_interface_without_counters() -> None:
    device = INVENTORY.device("nyc-gsr-01")
    outputs = recording(device.name)
    lines = outputs["show interfaces"].splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{device.loopback} is"))
    gone = next(i for i in range(start, len(lines)) if "input errors" in lines[i])
    port = device.ports[0].interface
    text = "".join(lines[:gone] + lines[gone + 1 :]).replace(
        f"{port} is up, line protocol is up", f"{port} is down, line protocol is down"
    )
    assert f"{port} is down" in text
    outcome = evaluate("interfaces", device, {**outputs, "show interfaces": text})
    assert outcome.status == "fail", outcome
    assert f"{port}: down/down, expected up/up" in outcome.message, outcome.message


def optional_commands(check_id: str, device: Device) -> set[str]:
    fn = CHECKS[check_id]
    return {
        source.command
        for name in inspect.signature(fn).parameters
        if name in FACTS
        for source in registry.sources(name, device)
        if source.optional
    }
