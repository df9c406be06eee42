"""Where the project's own files live: the repository in a checkout, the wheel otherwise."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def project_dir(name: str) -> Path:
    """`templates` or `checks`: from the source tree when present, else as bundled in the wheel."""
    in_repo = _PACKAGE.parent / name
    if in_repo.is_dir():
        return in_repo
    return _PACKAGE / "_bundled" / name
