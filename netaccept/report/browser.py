"""Headless Chromium, driven from its command line, kept off the network.

The reports are single self-contained HTML files; Chromium turns them into PDFs and
screenshots and lets the tests look at the page as a browser renders it (the DOM after
the inline script ran, and what the page logged to the console).

Every run gets a fresh, throw-away profile and flags that stop Chromium's own traffic
(updates, sync, metrics, safe browsing, DNS prefetch); host names resolve to nothing, so
even a page that asked for a remote asset could not fetch it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "chrome",
    "msedge",
)
# Where the browsers install themselves outside PATH: macOS application bundles, and
# Windows' per-machine and per-user program folders.
_MACOS_APPS = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Chromium.app/Contents/MacOS/Chromium",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)
_WINDOWS_ROOTS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
_WINDOWS_APPS = (
    "Google/Chrome/Application/chrome.exe",
    "Chromium/Application/chrome.exe",
    "Microsoft/Edge/Application/msedge.exe",
)
DEFAULT_TIMEOUT_S = 60.0

INSTALL_HINT = (
    "netaccept needs Chromium (or Google Chrome) to print PDFs and take screenshots.\n"
    "  Debian/Ubuntu:  sudo apt-get install chromium   (Ubuntu: chromium-browser)\n"
    "  Fedora/RHEL:    sudo dnf install chromium\n"
    "  macOS:          brew install --cask chromium   (or Google Chrome, Microsoft Edge)\n"
    "  Windows:        Google Chrome or Microsoft Edge (Edge comes with Windows)\n"
    "or pass the browser's path explicitly (chromium=... / --chromium PATH)."
)

# Flags for every run: headless, no sandbox (containers, CI), and no network of its own.
BASE_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--dns-prefetch-disable",
    "--metrics-recording-only",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-color-profile=srgb",
)

# `[pid:tid:date/time:INFO:CONSOLE(12)] "message", source: file:///... (12)` (older builds
# write `CONSOLE(12)`, newer ones `CONSOLE:12`).
_CONSOLE = re.compile(r':CONSOLE[:(](?P<line>\d+)\)?\] "(?P<message>.*)", source: (?P<source>.*)$')


class ChromiumNotFound(RuntimeError):
    """No Chromium or Chrome executable on PATH (or at the path given)."""


class ChromiumError(RuntimeError):
    """Chromium ran but did not do what was asked (crash, timeout, no output file)."""


@dataclass(frozen=True)
class ConsoleMessage:
    """One line the page wrote to the console (or Chromium logged for the page)."""

    message: str
    source: str
    line: int

    @property
    def is_error(self) -> bool:
        text = self.message
        return "Uncaught" in text or "Error" in text or "Failed to load" in text


@dataclass(frozen=True)
class ChromiumRun:
    """What one Chromium invocation printed."""

    stdout: str
    stderr: str

    @property
    def console(self) -> list[ConsoleMessage]:
        messages: list[ConsoleMessage] = []
        for raw in self.stderr.splitlines():
            match = _CONSOLE.search(raw)
            if match:
                source = re.sub(r" \(\d+\)$", "", match["source"])
                messages.append(ConsoleMessage(match["message"], source, int(match["line"])))
        return messages

    @property
    def console_errors(self) -> list[ConsoleMessage]:
        return [m for m in self.console if m.is_error]


def find_chromium(chromium: str | None = None) -> str:
    """The Chromium executable: `chromium` if given (a path or a name on PATH), else the first
    of chromium, chromium-browser, google-chrome found on PATH. Raises ChromiumNotFound."""
    if chromium:
        found = shutil.which(chromium)
        if found:
            return found
        raise ChromiumNotFound(f"Chromium not found at {chromium!r}.\n{INSTALL_HINT}")
    env = os.environ.get("NETACCEPT_CHROMIUM")
    if env and shutil.which(env):
        return str(shutil.which(env))
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    for path in install_locations(sys.platform, os.environ):
        if path.is_file():
            return str(path)
    raise ChromiumNotFound(
        f"Chromium not found on PATH (looked for {', '.join(CANDIDATES)}) nor where Chrome, "
        f"Chromium and Edge install themselves on macOS and Windows.\n{INSTALL_HINT}"
    )


def install_locations(platform: str, environ: Mapping[str, str]) -> list[Path]:
    """Where Chrome, Chromium and Edge are installed on `platform` (`sys.platform`), in order
    of preference; nothing for other platforms, whose browsers are on PATH."""
    if platform == "darwin":
        home = environ.get("HOME")
        folders = [Path("/Applications"), *([Path(home) / "Applications"] if home else [])]
        return [folder / app for folder in folders for app in _MACOS_APPS]
    if platform == "win32":
        roots = [Path(environ[name]) for name in _WINDOWS_ROOTS if environ.get(name)]
        return [root / app for app in _WINDOWS_APPS for root in roots]
    return []


def file_url(path: Path) -> str:
    """The file:// URL of a local file."""
    return path.resolve().as_uri()


def run_chromium(
    url: str,
    flags: Sequence[str],
    *,
    chromium: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    log_console: bool = False,
) -> ChromiumRun:
    """Run headless Chromium once on `url` with `flags` (e.g. --dump-dom, --screenshot=...).

    A fresh profile directory is created for the run and removed after it. With
    `log_console`, Chromium logs to stderr, which carries the page's console messages.
    """
    executable = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="netaccept-chromium-") as profile:
        argv = [executable, *BASE_FLAGS, f"--user-data-dir={profile}", *flags]
        if log_console:
            argv += ["--enable-logging=stderr", "--v=0"]
        argv.append(url)
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # its helpers share the group, so a timeout ends them all
            cwd=profile,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise ChromiumError(
                f"Chromium did not finish within {timeout:g} s on {url} ({executable})"
            ) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
    if process.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-8:])
        raise ChromiumError(
            f"Chromium exited with status {process.returncode} on {url} ({executable}):\n{tail}"
        )
    return ChromiumRun(stdout=stdout, stderr=stderr)


def _kill_group(process: subprocess.Popen[str]) -> None:
    killpg = getattr(os, "killpg", None)  # POSIX; on Windows only the browser itself is ended
    with contextlib.suppress(ProcessLookupError):
        if killpg is not None:
            killpg(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        else:
            process.kill()
    process.wait()


def dump_dom(
    html: Path, *, chromium: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
) -> ChromiumRun:
    """Load `html` and return the DOM after its scripts ran (stdout) and its console (stderr)."""
    if not html.is_file():
        raise FileNotFoundError(html)
    return run_chromium(
        file_url(html),
        ["--dump-dom", "--virtual-time-budget=2000"],
        chromium=chromium,
        timeout=timeout,
        log_console=True,
    )
