"""Masking by construction (issue 12): every secret syntax, whatever bytes come before it.

Each syntax of `tests/secret_syntaxes.py` (IOS, IOS-XE and IOS-XR configuration guides) is
planted with values carrying distinctive markers, then masked as it would arrive: plain, after
an ANSI reset, a NUL, DEL, a byte-order mark or a terminal's erase-and-return at the start of
a line, and echoed by the configuration logger into `show logging`. No marker may remain.
"""

from __future__ import annotations

import pytest

from netaccept.session.masking import MASK, mask_secrets
from tests.secret_syntaxes import CFGLOG, IOS, PREFIXES, SYNTAXES, XR, XR_CFGLOG, planted

CASES = [
    pytest.param(s, n, id=f"{n:03d}-{s.text.splitlines()[-1].strip()[:40]}")
    for n, s in enumerate(SYNTAXES)
]


def test_the_corpus_covers_at_least_80_syntaxes_on_both_platforms() -> None:
    assert len(SYNTAXES) >= 80
    assert {s.platform for s in SYNTAXES} == {IOS, XR}
    assert len(set(SYNTAXES)) == len(SYNTAXES)


def _leaks(text: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in text]


@pytest.mark.parametrize(("syntax", "number"), CASES)
@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_a_planted_secret_is_masked_whatever_comes_before_the_line(
    syntax: object, number: int, prefix: str
) -> None:
    text, markers = planted(syntax, number)  # type: ignore[arg-type]
    assert markers
    received = "".join(f"{prefix}{line}\n" for line in text.splitlines())
    masked = mask_secrets(received)
    assert not _leaks(masked, markers), masked
    assert MASK in masked
    assert masked.count("\n") == received.count("\n")
    assert mask_secrets(masked) == masked


@pytest.mark.parametrize(("syntax", "number"), CASES)
def test_a_planted_secret_echoed_into_show_logging_is_masked(syntax: object, number: int) -> None:
    text, markers = planted(syntax, number)  # type: ignore[arg-type]
    logger = CFGLOG if syntax.platform == IOS else XR_CFGLOG  # type: ignore[attr-defined]
    # The logger prints each command as typed, without its indentation.
    received = "".join(f"{logger}{line.strip()}\n" for line in text.splitlines())
    masked = mask_secrets(received)
    assert not _leaks(masked, markers), masked
