"""The warnings netaccept's libraries raise never reach a user; netaccept's own still would.

Proven with a real one: asyncssh 2.24 under cryptography 47+ raises five
``CryptographyDeprecationWarning: DSA is deprecated`` at import. Each process starts afresh
(a subprocess), so the import really happens inside the command under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LAB_INVENTORY, ROOT

LIBRARY_WARNING = "CryptographyDeprecationWarning"
USER_TEST = """
def test_user_imports_asyncssh() -> None:
    import asyncssh  # noqa: F401
"""


def _run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        env=env if env is not None else os.environ.copy(),
    )  # fmt: skip


@pytest.fixture
def user_suite(tmp_path: Path) -> Path:
    """A user's own test suite with its own (empty) pytest configuration."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_user.py").write_text(USER_TEST)
    return tmp_path


def _pytest(suite: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(
        [sys.executable, "-m", "pytest", "-c", str(suite / "pytest.ini"), "-p", "no:cacheprovider",
         "-q", *args, str(suite / "test_user.py")],
        cwd=suite,
    )  # fmt: skip


def test_users_own_suite_still_sees_the_library_warning(user_suite: Path) -> None:
    # The plugin is installed (entry point) but not in use: nothing is filtered for the user.
    # This also proves the warning used below is real under the locked versions.
    result = _pytest(user_suite)
    assert result.returncode == 0, result.stdout + result.stderr
    assert LIBRARY_WARNING in result.stdout


def test_netaccept_pytest_run_keeps_library_warnings_out_of_its_summary(user_suite: Path) -> None:
    result = _pytest(
        user_suite, str(ROOT / "checks"), "--netaccept-inventory", str(LAB_INVENTORY),
        "--netaccept-replay", str(ROOT / "inventory" / "lab"),
        "--netaccept-out", str(user_suite / "reports"), "--netaccept-device", "nyc-gsr-01",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "21 passed" in result.stdout  # the checks and the user's test ran
    assert "warning" not in (result.stdout + result.stderr).lower()


def test_own_warning_still_shows_in_a_netaccept_run(user_suite: Path) -> None:
    # Filtered by module: a warning attributed to code outside the libraries is not hidden.
    (user_suite / "test_user.py").write_text(
        "import warnings\n\n\ndef test_own() -> None:\n"
        "    warnings.warn('ours', DeprecationWarning)\n"
    )
    result = _pytest(
        user_suite, "--netaccept-inventory", str(LAB_INVENTORY),
        "--netaccept-out", str(user_suite / "reports"),
    )  # fmt: skip
    assert "DeprecationWarning: ours" in result.stdout, result.stdout + result.stderr


def _without_credentials() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NETACCEPT_")}


@pytest.mark.parametrize("entry", ["python -m netaccept", "netaccept script"])
def test_netaccept_command_prints_no_library_warning(entry: str) -> None:
    # `netaccept lab` imports asyncssh in the command's process and starts the lab's own
    # process, which imports it again; without credentials both end at once.
    command = (
        [sys.executable, "-m", "netaccept"]
        if entry.startswith("python")
        else [str(Path(sys.executable).parent / "netaccept")]
    )
    result = _run(
        [*command, "lab", "--inventory", str(LAB_INVENTORY)], ROOT, _without_credentials()
    )
    assert "NETACCEPT_" in result.stderr  # it did get as far as asking for credentials
    assert "warning" not in (result.stdout + result.stderr).lower(), result.stderr
