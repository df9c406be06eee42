"""The HTML reports as a browser renders them: headless Chromium on a replayed lab run.

Chromium is a project dependency (`make test` installs it; Debian: `apt-get install
chromium`), so nothing here is skipped: without it these tests fail and say how to install it.

One run of the lab inventory is replayed (no lab, no network) into a temporary directory;
then the index and two certificates (nyc-gsr-01 passes, chi-gsr-02 fails) are loaded in
Chromium, their DOM (after the inline script ran) and console are checked, screenshots and
PDFs (A4 and Letter) are taken. The page never reaches the network: every asset is inline.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from netaccept.core.catalogue import CATALOGUE
from netaccept.core.verdicts import Overall, Status
from netaccept.report.browser import ChromiumNotFound, ChromiumRun, dump_dom, find_chromium
from netaccept.report.certificates import (
    AcceptanceOut,
    Certificate,
    NotRun,
    with_acceptance,
    write_device,
)
from netaccept.report.pdf import (
    PAPER_POINTS,
    Paper,
    pdf_jobs,
    pdf_page_count,
    pdf_page_size,
    render_pdf,
    render_pdfs,
    screenshot,
)

ROOT = Path(__file__).resolve().parents[2]
PASSING = "nyc-gsr-01"
FAILING = "chi-gsr-02"
PAGES = ("index", PASSING, FAILING)
PNG = b"\x89PNG\r\n\x1a\n"

# --------------------------------------------------------------------------------------------
# A minimal DOM: enough of the parsed page to find elements by tag, id, class and attribute.
# --------------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, id_: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == id_]
        assert len(found) == 1, f"expected one element #{id_}, found {len(found)}"
        return found[0]

    def hidden(self) -> bool:
        node: Node | None = self
        while node is not None:
            if "hidden" in node.attrs:
                return True
            node = node.parent
        return False


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


# --------------------------------------------------------------------------------------------
# The run and the rendered pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    run: ChromiumRun
    dom: Node


@pytest.fixture(scope="module")
def chromium() -> str:
    return find_chromium()  # raises ChromiumNotFound, with how to install it


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "netaccept",
            "run",
            "--inventory",
            "inventory/lab.yaml",
            "--replay",
            "inventory/lab",
            "--out",
            str(out),
            "--no-progress",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 1: some checks fail
    runs = [d for d in out.iterdir() if d.is_dir()]
    assert len(runs) == 1, runs
    return runs[0]


def page_path(run_dir: Path, page: str) -> Path:
    return run_dir / "index.html" if page == "index" else run_dir / page / "certificate.html"


@pytest.fixture(scope="module")
def rendered(run_dir: Path, chromium: str) -> dict[str, Rendered]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = dict(
            zip(
                PAGES,
                pool.map(lambda p: dump_dom(page_path(run_dir, p), chromium=chromium), PAGES),
                strict=True,
            )
        )
    return {page: Rendered(run, parse(run.stdout)) for page, run in runs.items()}


def without_appendix(html: Path, copy: Path) -> Path:
    """A copy of a certificate that does not print its evidence appendix (to count pages)."""
    text = html.read_text(encoding="utf-8")
    at = text.rfind("</head>")
    rule = "<style>#appendix-evidence { display: none !important; }</style>"
    copy.write_text(text[:at] + rule + text[at:], encoding="utf-8")
    return copy


def certificate_json(run_dir: Path, device: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (run_dir / device / "certificate.json").read_text(encoding="utf-8")
    )
    return data


def load_certificate(run_dir: Path, device: str) -> Certificate:
    data = certificate_json(run_dir, device)
    data["schema_"] = data.pop("schema")
    return Certificate.model_validate(data)


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("device", "verdict"), [(PASSING, "PASS"), (FAILING, "FAIL")])
def test_certificate_renders_every_block(
    rendered: dict[str, Rendered], run_dir: Path, device: str, verdict: str
) -> None:
    dom = rendered[device].dom
    cert = load_certificate(run_dir, device)

    assert dom.by_id("doc-title").text == "Acceptance Test Certificate"
    assert dom.by_id("verdict-word").text == verdict
    assert dom.by_id("certificate-id").text == cert.certificate_id
    assert cert.device.chassis_serial
    assert dom.by_id("chassis-serial").text == cert.device.chassis_serial
    assert cert.contract.agreement in dom.text
    for party in (cert.contract.provider, cert.contract.customer):
        assert party and party in dom.text

    # one port certificate per ordered port, each with its twenty checks and its acceptance
    ports = dom.find_all("section", cls="port")
    assert [p.attrs["data-order"] for p in ports] == [p.order for p in cert.ports]
    assert ports, "the lab's devices all have ordered ports"
    for section, port in zip(ports, cert.ports, strict=True):
        assert port.interface in section.text and port.speed in section.text
        assert len(section.find_all("table", cls="port-checks")[0].find_all("tr")) == 21
        assert "Acceptance status not reported" in section.text  # no ledger in a replay

    # the twenty Schedule 2 checks, in order, each with its status and the evidence it read,
    # named and hashed but not printed: the outputs are in the appendix, each once
    rows = dom.by_id("checks").find_all("tr", cls="check-row")
    assert [r.attrs["data-check"] for r in rows] == [c.id for c in CATALOGUE]
    by_id = {c.id: c for c in cert.checks}
    for row in rows:
        check = by_id[row.attrs["data-check"]]
        assert row.attrs["data-status"] == check.status.value
        assert row.find_all("details"), f"{check.id} has no expandable findings"
        assert not row.find_all("pre"), f"{check.id} prints an output outside the appendix"
        for ref in check.evidence:
            assert ref.sha256 in row.text and ref.file in row.text

    appendix = dom.by_id("appendix-evidence")
    assert appendix.by_id("appendix-evidence-title").text == "Appendix: evidence"
    manifest = appendix.by_id("manifest").find_all("tbody")[0].find_all("tr")
    assert len(manifest) == len(cert.evidence)
    outputs = appendix.find_all("section", cls="evidence")
    assert [s.attrs["data-file"] for s in outputs] == [e.file for e in cert.evidence]
    for section, ref in zip(outputs, cert.evidence, strict=True):
        assert ref.command in section.text and ref.sha256 in section.text
        assert section.find_all("a", href=ref.file) and len(section.find_all("pre")) == 1
    assert len(dom.find_all("pre")) == len(cert.evidence)

    provider, customer = dom.by_id("sig-provider"), dom.by_id("sig-customer")
    for block in (provider, customer):
        labels = [s.text for s in block.find_all("p", cls="sig-line")]
        assert labels == ["Name", "Title", "Signature", "Date"]
    assert "Acceptance period" in dom.by_id("acceptance-period").text
    assert f"{cert.contract.acceptance_days_new} days" in customer.text


@pytest.mark.parametrize("device", [PASSING, FAILING])
def test_every_evidence_link_of_a_check_leads_to_its_output_in_the_appendix(
    rendered: dict[str, Rendered], run_dir: Path, device: str
) -> None:
    dom = rendered[device].dom
    cert = load_certificate(run_dir, device)
    appendix = dom.by_id("appendix-evidence")
    links = 0
    for check in cert.checks:
        row = dom.by_id(check.id)
        hrefs = [a.attrs["href"] for a in row.find_all("a", cls="evidence-link")]
        assert len(hrefs) == len(check.evidence), check.id
        for href, ref in zip(hrefs, check.evidence, strict=True):
            assert href.startswith("#"), href
            target = appendix.by_id(href[1:])
            assert target.attrs["data-file"] == ref.file, (check.id, href)
            assert ref.command in target.text
            links += 1
    assert links >= 20


@pytest.mark.parametrize("device", [PASSING, FAILING])
def test_each_output_is_printed_once(run_dir: Path, device: str) -> None:
    html = (run_dir / device / "certificate.html").read_text(encoding="utf-8")
    cert = load_certificate(run_dir, device)
    for ref in cert.evidence:
        text = (run_dir / device / ref.file).read_text(encoding="utf-8")
        assert html.count(str(escape(text))) == 1, ref.file
    # and lines of the outputs many checks read: the configuration (nine checks) and
    # show interfaces (two), as often in the page as in the output itself
    files = {ref.command: run_dir / device / ref.file for ref in cert.evidence}
    config = files["show running-config"].read_text(encoding="utf-8")
    interfaces = files["show interfaces"].read_text(encoding="utf-8")
    readers = [c for c in cert.checks if "show running-config" in (e.command for e in c.evidence)]
    assert len(readers) >= 5
    for text, pattern in ((config, r"^Current configuration : .*$"),
                          (config, r"^hostname .*$"),
                          (interfaces, r"^  Hardware is .*$")):  # fmt: skip
        line = re.search(pattern, text, re.M)
        assert line, pattern
        assert html.count(str(escape(line[0]))) == text.count(line[0]) >= 1, line[0]


def test_failing_certificate_names_its_failures(rendered: dict[str, Rendered]) -> None:
    dom = rendered[FAILING].dom
    verdict = dom.by_id("verdict").text
    assert "8. Verify BGP neighbors" in verdict and "17. Verify Flash" in verdict
    rows = dom.find_all("tr", cls="check-row")
    failed = [r.attrs["data-check"] for r in rows if r.attrs["data-status"] == "fail"]
    assert failed == ["bgp_neighbors", "flash"]
    assert dom.by_id("bgp_neighbors").find_all("li", cls="not-met")


@pytest.mark.parametrize("page", PAGES)
def test_pages_log_no_console_errors(rendered: dict[str, Rendered], page: str) -> None:
    run = rendered[page].run
    assert run.stdout.lstrip().lower().startswith("<!doctype html>") or "<html" in run.stdout
    assert run.console == [], f"{page} wrote to the console: {run.console}"
    assert not [line for line in run.stderr.splitlines() if "Uncaught" in line]


def test_console_errors_are_detected(tmp_path: Path, chromium: str) -> None:
    """The check above is not vacuous: an error on a page does show up."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        "<script>console.error('boom'); notDefined();</script></body></html>",
        encoding="utf-8",
    )
    errors = dump_dom(page, chromium=chromium).console_errors
    assert any("Uncaught ReferenceError" in e.message for e in errors), errors


def test_acceptance_statements_render(run_dir: Path, tmp_path: Path) -> None:
    """Attempt, delivery and deemed-acceptance dates, and the customer's options."""
    passing, failing = load_certificate(run_dir, PASSING), load_certificate(run_dir, FAILING)
    accepted = AcceptanceOut(
        attempt=1,
        delivered_on="2026-11-22",
        deemed_accepted_on="2026-11-27",
        remedies_available=False,
        statement="Attempt 1 (initial connection). Deemed accepted on 2026-11-27.",
    )
    remedies = AcceptanceOut(
        attempt=2,
        delivered_on="2026-11-22",
        deemed_accepted_on=None,
        remedies_available=True,
        statement="Attempt 2 (initial connection) failed. The customer's options apply.",
    )
    cases = [
        with_acceptance(passing, {p.order: accepted for p in passing.ports}),
        with_acceptance(failing, {p.order: remedies for p in failing.ports}),
    ]
    for cert in cases:
        write_device(tmp_path, cert, {})
    ok = parse((tmp_path / PASSING / "certificate.html").read_text(encoding="utf-8"))
    bad = parse((tmp_path / FAILING / "certificate.html").read_text(encoding="utf-8"))
    assert ok.find_all("section", cls="port") and bad.find_all("section", cls="port")
    for section in ok.find_all("section", cls="port"):
        assert "27 November 2026" in section.text and "22 November 2026" in section.text
        assert accepted.statement in section.text
        assert not section.find_all("p", cls="remedies")
    for section in bad.find_all("section", cls="port"):
        assert remedies.statement in section.text
        assert "section 1.4(b) are available" in section.find_all("p", cls="remedies")[0].text
    assert "not reported" not in " ".join(
        td.text for td in ok.find_all("table", cls="ports-summary")[0].find_all("td")
    )


def test_missing_values_render_as_not_reported(run_dir: Path, tmp_path: Path) -> None:
    """An unidentified device, no parties, no ports, an undecided and an unrun check."""
    cert = load_certificate(run_dir, FAILING)
    unknown = dict.fromkeys(
        ("hostname_reported", "model", "chassis_pid", "chassis_description", "chassis_serial",
         "processor_board_id", "software_version", "image", "host_key"),
    )  # fmt: skip
    flash = next(c for c in cert.checks if c.id == "flash")
    undecided = flash.model_copy(
        update={"status": Status.ERROR, "message": "timed out", "findings": [], "evidence": []}
    )
    dropped = next(c for c in cert.checks if c.id == "logs")
    checks = [undecided if c.id == "flash" else c for c in cert.checks if c is not dropped]
    cert = cert.model_copy(
        update={
            "device": cert.device.model_copy(update=unknown),
            "contract": cert.contract.model_copy(update={"provider": None, "customer": None}),
            "identity_errors": ["show inventory: timed out"],
            "verdict": Overall.INCOMPLETE,
            "ports": [],
            "scope": "partial",
            "checks": checks,
            "not_run": [
                NotRun(id="logs", line=19, schedule2=dropped.schedule2, reason="not selected")
            ],
        }
    )
    write_device(tmp_path, cert, {})
    dom = parse((tmp_path / FAILING / "certificate.html").read_text(encoding="utf-8"))
    assert dom.by_id("verdict-word").text == "INCOMPLETE"
    assert "17. Verify Flash" in dom.by_id("verdict").text
    assert dom.by_id("chassis-serial").text == "not reported"
    assert "show inventory: timed out" in dom.text and "Partial certificate" in dom.text
    assert not dom.find_all("section", cls="port")
    assert dom.by_id("logs").attrs["data-status"] == "not-run"
    assert dom.by_id("flash").attrs["data-status"] == "error"
    assert len(dom.by_id("checks").find_all("tr", cls="check-row")) == 20
    assert "not reported" in dom.by_id("sig-provider").text


# --------------------------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------------------------


def test_index_renders_summary_filters_matrix_ports_problems(
    rendered: dict[str, Rendered], run_dir: Path
) -> None:
    dom = rendered["index"].dom
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    devices = [d["name"] for d in summary["devices"]]

    assert dom.by_id("verdict-word").text == summary["verdict"].upper() == "FAIL"

    # filters: present, shown by the script, one option per site and per verdict
    form = dom.by_id("filters")
    assert not form.hidden(), "the inline script did not run"
    sites = {o.attrs["value"] for o in dom.by_id("filter-site").find_all("option")}
    assert sites == {"", *(d["site"] for d in summary["devices"])}
    verdicts = {o.attrs["value"] for o in dom.by_id("filter-status").find_all("option")}
    assert verdicts == {"", "pass", "fail", "incomplete"}
    assert dom.by_id("filter-count").text == f"{len(devices)} devices"

    table = dom.by_id("device-table")
    rows = table.find_all("tbody")[0].find_all("tr")
    assert [r.attrs["data-device"] for r in rows] == devices
    for row, device in zip(rows, summary["devices"], strict=True):
        assert row.find_all("a", href=f"{device['name']}/certificate.html")
        assert row.attrs["data-status"] == device["verdict"]
        assert not row.hidden()

    # the matrix: twenty columns headed by the Schedule 2 line, the name as a tooltip
    matrix = dom.by_id("check-matrix")
    heads = matrix.find_all("th", cls="mx-col")
    assert [h.text for h in heads] == [str(c.line) for c in CATALOGUE]
    assert [h.find_all("abbr")[0].attrs["title"] for h in heads] == [
        f"{c.line}. {c.schedule2}" for c in CATALOGUE
    ]
    for row in matrix.find_all("tbody")[0].find_all("tr"):
        assert len(row.find_all("td", cls="mx-c")) == 20
    legend = dom.by_id("matrix-legend").text
    assert all(c.schedule2 in legend for c in CATALOGUE)

    # every port order with its verdict and acceptance status
    orders = [p.order for d in devices for p in load_certificate(run_dir, d).ports]
    port_rows = dom.by_id("port-table").find_all("tr", cls=None)
    assert [r.attrs["data-order"] for r in port_rows if "data-order" in r.attrs] == orders

    # problems: one row per failed check
    failed = sum(list(d["checks"].values()).count("fail") for d in summary["devices"])
    problems = dom.by_id("problem-table").find_all("tbody")[0].find_all("tr")
    assert len(problems) == failed == 5


def test_index_filters_hide_rows(run_dir: Path, chromium: str) -> None:
    """Choosing a site and a verdict hides the other devices' rows in every table."""
    index = run_dir / "index.html"
    script = (
        "<script>var s = document.getElementById('filter-site'); s.value = 'CHI1';"
        "s.dispatchEvent(new Event('change'));"
        "var v = document.getElementById('filter-status'); v.value = 'fail';"
        "v.dispatchEvent(new Event('change'));</script></body>"
    )
    probe = run_dir / ".filter-probe.html"
    probe.write_text(index.read_text(encoding="utf-8").replace("</body>", script), encoding="utf-8")
    try:
        run = dump_dom(probe, chromium=chromium)
    finally:
        probe.unlink()
    assert run.console == []
    dom = parse(run.stdout)
    rows = [r for r in dom.find_all("tr") if "data-device" in r.attrs]
    shown = {r.attrs["data-device"] for r in rows if not r.hidden()}
    assert shown == {FAILING}
    assert dom.by_id("filter-count").text == "showing 1 of 6 devices"


# --------------------------------------------------------------------------------------------
# Self-containment
# --------------------------------------------------------------------------------------------

EXTERNAL = re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_pages_are_self_contained(run_dir: Path) -> None:
    pages = [run_dir / "index.html", *sorted(run_dir.glob("*/certificate.html"))]
    assert len(pages) == 7
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.findall(html), f"{page}: external reference"
        dom = parse(html)
        assert not dom.find_all("link"), f"{page}: <link> element"
        assert not [s for s in dom.find_all("script") if "src" in s.attrs], f"{page}: script src"
        assert not dom.find_all("img") and not dom.find_all("iframe"), page
        css = " ".join(s.text for s in dom.find_all("style"))
        assert "@import" not in css and not re.search(r"url\(", css), f"{page}: CSS fetches"
        assert "@font-face" not in css
        assert dom.find_all("html")[0].attrs.get("lang") == "en"
        # local links only: the evidence files, the certificates, the JSON twins, anchors
        for a in dom.find_all("a"):
            href = a.attrs.get("href", "")
            assert href and ":" not in href, f"{page}: link {href!r}"
            target = href.split("#")[0]
            assert not target or (page.parent / target).is_file(), f"{page}: broken {href!r}"


# --------------------------------------------------------------------------------------------
# Screenshots and PDF
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["index", FAILING])
def test_screenshots(run_dir: Path, tmp_path: Path, chromium: str, page: str) -> None:
    png = screenshot(page_path(run_dir, page), tmp_path / f"{page}.png", chromium=chromium)
    data = png.read_bytes()
    assert data.startswith(PNG)
    assert len(data) > 20_000, "a blank page compresses to almost nothing"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1800)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_pdf(run_dir: Path, tmp_path: Path, chromium: str, paper: Paper) -> None:
    html = page_path(run_dir, PASSING)
    pdf = render_pdf(html, tmp_path / f"{paper}.pdf", chromium=chromium, paper=paper)
    assert pdf.read_bytes().startswith(b"%PDF-")
    width, height = pdf_page_size(pdf)
    expected = PAPER_POINTS[paper]
    assert abs(width - expected[0]) < 2 and abs(height - expected[1]) < 2
    # summary, two port certificates, the test results, signatures: about ten pages; then
    # the appendix, every output printed once
    body = without_appendix(html, tmp_path / "body.html")
    before_appendix = pdf_page_count(
        render_pdf(body, tmp_path / f"{paper}-body.pdf", chromium=chromium, paper=paper)
    )
    assert 5 <= before_appendix <= 12
    assert pdf_page_count(pdf) >= before_appendix + 5
    leftovers = [p.name for p in html.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "the temporary print copy is removed"


def test_pdf_jobs_for_a_file_and_a_run(run_dir: Path, tmp_path: Path) -> None:
    cert = page_path(run_dir, PASSING)
    assert pdf_jobs(cert) == [(cert, cert.with_name("certificate.pdf"))]
    assert pdf_jobs(cert, tmp_path / "x.pdf") == [(cert, tmp_path / "x.pdf")]
    beside = pdf_jobs(run_dir)
    assert [pdf.relative_to(run_dir).as_posix() for _, pdf in beside] == [
        *(f"{d}/certificate.pdf" for d in sorted(d.name for d in run_dir.iterdir() if d.is_dir())),
        "index.pdf",
    ]
    flat = pdf_jobs(run_dir, tmp_path)
    assert [pdf.name for _, pdf in flat][-1] == "index.pdf"
    assert {pdf.parent for _, pdf in flat} == {tmp_path}
    with pytest.raises(FileNotFoundError, match="run directory"):
        pdf_jobs(tmp_path)


def test_render_every_certificate_of_a_run(run_dir: Path, tmp_path: Path, chromium: str) -> None:
    written = render_pdfs(run_dir, tmp_path / "pdf", paper="Letter", chromium=chromium, workers=4)
    assert [p.name for p in written] == [
        *(f"{p.parent.name}.pdf" for p in sorted(run_dir.glob("*/certificate.html"))),
        "index.pdf",
    ]
    for pdf in written:
        assert pdf.read_bytes().startswith(b"%PDF-") and pdf_page_count(pdf) > 1
        assert pdf_page_size(pdf) == pytest.approx(PAPER_POINTS["Letter"], abs=2)


def test_missing_chromium_says_how_to_install(run_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ChromiumNotFound, match=r"apt-get install chromium"):
        render_pdf(
            page_path(run_dir, PASSING), tmp_path / "x.pdf", chromium="/nonexistent/chromium"
        )
    assert not (tmp_path / "x.pdf").exists()
