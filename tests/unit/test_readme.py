"""The README documents what the code does: its check reference is generated from the checks."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_readme_check_reference_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    begin, end = "<!-- checks:begin -->\n", "<!-- checks:end -->"
    documented = readme[readme.index(begin) + len(begin) : readme.index(end)]
    generated = subprocess.run(
        [sys.executable, "-m", "netaccept", "checks", "--markdown"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    assert documented == generated, "README is stale: paste `netaccept checks --markdown`"


def test_readme_gives_demo_and_test_as_its_first_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make demo") < readme.index("make test") < readme.index("## The demo")
