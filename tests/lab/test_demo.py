"""`netaccept demo` (issue 14): the demo's attempts stay out of the ledger real runs keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from netaccept.ledger import Ledger
from tests.conftest import netaccept

pytestmark = pytest.mark.lab


def test_the_demo_keeps_its_own_ledger(tmp_path: Path) -> None:
    result = netaccept("demo", "--no-progress", out=tmp_path, timeout=300)
    assert result.code == 0, result.stdout + result.stderr
    assert not (tmp_path / "ledger.sqlite").exists()  # where real runs keep theirs
    with Ledger(tmp_path / "demo-ledger.sqlite", create=False) as ledger:
        assert {row.device for row in ledger.history()} >= {"nyc-gsr-01", "chi-gsr-02"}
    assert "demo-ledger.sqlite" in result.stderr


def test_the_demo_signs_its_certificates_and_says_by_which_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = netaccept("demo", "--no-progress", out=tmp_path, timeout=300)
    assert result.code == 0, result.stdout + result.stderr
    (run,) = [p for p in tmp_path.iterdir() if p.is_dir() and p.name != "demo-key"]
    html = (run / "nyc-gsr-01" / "certificate.html").read_text(encoding="utf-8")
    assert 'data-signed="yes"' in html and "Signed by the Provider's Ed25519 key" in html
    public = tmp_path / "demo-key" / "signing.pub"
    assert str(public) in result.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "netaccept", "verify", str(run), "--public-key", str(public)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
