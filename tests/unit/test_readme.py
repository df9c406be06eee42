"""The README and docs/ document what the code does, and every page of docs/ is reachable.

The check reference in docs/checks.md is generated from the checks; the README gives the
two commands first and links into docs/ only where a page (and anchor) exists; the site's
nav (mkdocs.yml) and the pages in docs/ are the same set. `make docs` builds the site with
`--strict`, which checks every link and anchor between the pages themselves.
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import yaml

from tests.conftest import ROOT

DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def nav_pages(entries: list[Any]) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        target = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(nav_pages(target) if isinstance(target, list) else [target])
    return pages


def anchors(markdown: str) -> set[str]:
    """The ids MkDocs' toc gives the headings of a page (outside code blocks)."""
    found, fence = set(), False
    for line in markdown.splitlines():
        fence ^= line.startswith("```")
        heading = re.match(r"#+ (.*)", line)
        if heading and not fence:
            words = re.sub(r"[^\w\s-]", "", heading.group(1)).strip().lower()
            found.add(re.sub(r"[-\s]+", "-", words))
    return found


def test_check_reference_is_the_generated_one() -> None:
    page = (DOCS / "checks.md").read_text(encoding="utf-8")
    begin, end = "<!-- checks:begin -->\n", "<!-- checks:end -->"
    documented = page[page.index(begin) + len(begin) : page.index(end)]
    generated = subprocess.run(
        [sys.executable, "-m", "netaccept", "checks", "--markdown"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    assert documented == generated, "docs/checks.md is stale: paste `netaccept checks --markdown`"


def test_readme_gives_demo_and_test_as_its_first_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make demo") < readme.index("make test") < readme.index("## The demo")


def test_readme_fits_on_a_few_screens() -> None:
    assert len((ROOT / "README.md").read_bytes()) < 10_000, "the reference belongs in docs/"


def test_the_nav_lists_every_docs_page_and_only_pages_that_exist() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_pages(config["nav"])
    on_disk = sorted(path.name for path in DOCS.glob("*.md"))
    assert len(listed) == len(set(listed)), f"a page is in the nav twice: {listed}"
    assert sorted(listed) == on_disk


def test_every_readme_link_into_docs_resolves_to_a_page_and_heading() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = [link for link in LINK.findall(readme) if link.startswith("docs/")]
    assert links, "the README links into docs/"
    for link in links:
        path, _, anchor = link.partition("#")
        target = ROOT / path
        assert target.is_file(), f"README links to {path}, which does not exist"
        if anchor:
            assert anchor in anchors(target.read_text(encoding="utf-8")), f"README: {link}"


def test_anchors_follow_mkdocs_slugs() -> None:
    assert anchors("## Configuration file: netaccept.toml\n") == {
        "configuration-file-netaccepttoml"
    }
    assert anchors("```\n# a comment\n```\n## Exit codes\n") == {"exit-codes"}
