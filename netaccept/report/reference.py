"""The check reference, written from the checks themselves (`netaccept checks --markdown`).

The documentation's check reference (docs/checks.md) is this output, so what it says each
check runs, expects and decides cannot drift from the code: a test compares them.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from netaccept.check import load_checks, uses
from netaccept.core.catalogue import CATALOGUE
from netaccept.inventory import Device
from netaccept.platforms.facts import FACTS
from netaccept.platforms.registry import platform, sources


def checks_markdown(examples: Sequence[Device]) -> str:
    """Markdown for every check: what it reads on each platform (one example device each, in
    order), when it passes and fails."""
    implemented = load_checks()
    parts: list[str] = []
    for info in CATALOGUE:
        fn = implemented.get(info.id)
        parts.append(f"#### {info.line}. {info.schedule2} — `{info.id}`\n")
        if fn is None:
            parts.append("Not implemented yet.\n")
            continue
        columns = [f"{platform(d.platform).label} (e.g. {d.name})" for d in examples]
        parts.append(f"| reads | {' | '.join(columns)} |")
        parts.append("|---|" + "---|" * len(examples))
        rows: list[str] = []
        for name in uses(fn):
            if name == "dns_lookups":
                rows.append(
                    "| DNS, asked by the harness | PTR of the loopback address, then A of each "
                    "name returned (dnspython) |" + " the same |" * (len(examples) - 1)
                )
                continue
            fact = FACTS[name]
            cells = [
                "<br>".join(
                    dict.fromkeys(f"`{s.command}` ({s.reader})" for s in sources(fact, device))
                )
                for device in examples
            ]
            rows.append(f"| {fact.description} | {' | '.join(cells)} |")
        parts.extend(dict.fromkeys(rows))
        doc = (inspect.getdoc(fn) or "").split("\n", 1)[-1]
        text = " ".join(doc.split())
        text = text.replace(" Passes when", "\n\n**Passes** when").replace(
            "Passes when", "**Passes** when", 1
        )
        text = text.replace(" Fails ", "\n\n**Fails** ", 1)
        parts.append("")
        parts.append(text.strip())
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
