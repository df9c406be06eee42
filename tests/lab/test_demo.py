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
