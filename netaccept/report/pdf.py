"""Certificates as PDF (and PNG screenshots), printed by headless Chromium.

The HTML reports are print-ready on their own (`@page` rules, page breaks, a footer with the
certificate id and page numbers); this module only asks Chromium to print them:

    render_pdf(Path("reports/<run>/nyc-gsr-01/certificate.html"), Path("nyc-gsr-01.pdf"))

The templates leave the paper size to the printer (`size: auto`, margins that fit A4 and
Letter). Headless Chromium has no paper option on its command line, so the page is printed
from a temporary copy beside the original (relative links to the evidence files still
resolve) with one added rule, `@page { size: A4 }` or `Letter`; the copy is removed after.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

from netaccept.report.browser import (
    DEFAULT_TIMEOUT_S,
    ChromiumError,
    ChromiumNotFound,
    file_url,
    find_chromium,
    run_chromium,
)

Paper = Literal["A4", "Letter"]
PAPERS: tuple[Paper, ...] = ("A4", "Letter")

# Page size in PostScript points (1/72 in), as Chromium writes it in each page's MediaBox.
PAPER_POINTS: dict[Paper, tuple[float, float]] = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0)}

_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s+([-\d.]+)\s*\]")

__all__ = [
    "PAPERS",
    "PAPER_POINTS",
    "ChromiumError",
    "ChromiumNotFound",
    "Paper",
    "find_chromium",
    "pdf_jobs",
    "pdf_page_count",
    "pdf_page_size",
    "render_pdf",
    "render_pdfs",
    "screenshot",
]


def render_pdf(
    html: Path,
    pdf: Path,
    *,
    chromium: str | None = None,
    paper: Paper = "A4",
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Path:
    """Print `html` to `pdf` on `paper` with headless Chromium; return the PDF's path.

    Raises ChromiumNotFound (with how to install it) when no browser is found, and
    ChromiumError when Chromium fails, times out or writes no PDF.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    html = html.resolve()
    if not html.is_file():
        raise FileNotFoundError(f"no such HTML file: {html}")
    executable = find_chromium(chromium)
    pdf = pdf.resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf.with_name(f".{pdf.name}.partial")
    partial.unlink(missing_ok=True)
    with _print_copy(html, paper) as source:
        run_chromium(
            file_url(source),
            [
                "--no-pdf-header-footer",
                "--run-all-compositor-stages-before-draw",
                f"--print-to-pdf={partial}",
            ],
            chromium=executable,
            timeout=timeout,
        )
    if not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise ChromiumError(f"Chromium printed no PDF for {html} (expected {pdf})")
    head = partial.read_bytes()[:5]
    if head != b"%PDF-":
        partial.unlink(missing_ok=True)
        raise ChromiumError(f"Chromium wrote something that is not a PDF for {html}")
    partial.replace(pdf)
    return pdf


def pdf_jobs(path: Path, out: Path | None = None) -> list[tuple[Path, Path]]:
    """The (HTML, PDF) pairs `render_pdfs` prints for `path`.

    `path` is one HTML file (a certificate.html, an index.html): its PDF is `out`, or the same
    name with .pdf beside it (certificate.pdf is the copy a signature covers when present).
    Or `path` is a run directory (it has index.html): every `<device>/certificate.html` and
    the index; without `out` each PDF is written beside its HTML (`<device>/certificate.pdf`,
    `index.pdf`), with `out` (a directory) as `out/<device>.pdf` and `out/index.pdf`.
    """
    if path.is_file():
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"{path} is not an HTML file")
        return [(path, out if out is not None else path.with_suffix(".pdf"))]
    index = path / "index.html"
    if not path.is_dir() or not index.is_file():
        raise FileNotFoundError(
            f"{path} is neither an HTML file nor a run directory (a directory with index.html)"
        )
    certificates = sorted(path.glob("*/certificate.html"))
    if out is None:
        return [(c, c.with_suffix(".pdf")) for c in certificates] + [(index, path / "index.pdf")]
    return [(c, out / f"{c.parent.name}.pdf") for c in certificates] + [(index, out / "index.pdf")]


def render_pdfs(
    path: Path,
    out: Path | None = None,
    *,
    paper: Paper = "A4",
    chromium: str | None = None,
    workers: int = 4,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> list[Path]:
    """Print a certificate, or every certificate of a run and its index (see `pdf_jobs`).

    Several Chromium processes print at once (each with its own throw-away profile).
    Returns the PDFs written, in the order of `pdf_jobs`.
    """
    jobs = pdf_jobs(path, out)
    executable = find_chromium(chromium)  # fail once, before starting anything
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [
            pool.submit(render_pdf, html, pdf, chromium=executable, paper=paper, timeout=timeout)
            for html, pdf in jobs
        ]
        return [f.result() for f in futures]


def screenshot(
    html: Path,
    png: Path,
    width: int = 1280,
    height: int = 1800,
    *,
    chromium: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Path:
    """Save the top `width` x `height` CSS pixels of `html` as it renders on screen to `png`."""
    html = html.resolve()
    if not html.is_file():
        raise FileNotFoundError(f"no such HTML file: {html}")
    png = png.resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    run_chromium(
        file_url(html),
        [
            f"--window-size={width},{height}",
            "--force-device-scale-factor=1",
            f"--screenshot={png}",
        ],
        chromium=chromium,
        timeout=timeout,
    )
    if not png.is_file() or png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise ChromiumError(f"Chromium took no screenshot of {html} (expected {png})")
    return png


def pdf_page_count(pdf: Path) -> int:
    """How many pages a PDF printed by Chromium has (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf.read_bytes()))


def pdf_page_size(pdf: Path) -> tuple[float, float]:
    """The first page's width and height in points."""
    match = _MEDIABOX.search(pdf.read_bytes())
    if not match:
        raise ValueError(f"{pdf} has no MediaBox")
    return float(match[1]), float(match[2])


@contextlib.contextmanager
def _print_copy(html: Path, paper: Paper) -> Iterator[Path]:
    """A copy of `html` beside it that prints on `paper`, removed on exit."""
    text = html.read_text(encoding="utf-8")
    rule = f"<style>@page {{ size: {paper}; }}</style>\n"
    # After the page's own styles, so that it wins over their `size: auto`.
    at = text.lower().rfind("</head>")
    text = text[:at] + rule + text[at:] if at >= 0 else rule + text
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, removed on exit)
            "w",
            encoding="utf-8",
            dir=html.parent,
            prefix=f".{html.stem}.print-",
            suffix=".html",
            delete=False,
        )
    except OSError:
        # A read-only report directory: print from elsewhere, resolving links from the original.
        base = f'<base href="{file_url(html)}">\n'
        at = text.lower().find("<head>")
        text = text[: at + 6] + base + text[at + 6 :] if at >= 0 else base + text
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", encoding="utf-8", prefix="netaccept-print-", suffix=".html", delete=False
        )
    path = Path(handle.name)
    try:
        with handle:
            handle.write(text)
        yield path
    finally:
        path.unlink(missing_ok=True)
