"""Print an environment's packages beside uv.lock's versions (used by `make test-latest`).

Reads `pip freeze` lines on standard input and the lock file named on the command line;
prints one line per package, marked `*` where the environment differs from the lock.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(argv: list[str]) -> int:
    lock = tomllib.loads(Path(argv[1]).read_text(encoding="utf-8"))
    locked = {_canonical(p["name"]): p.get("version", "") for p in lock.get("package", [])}
    changed = 0
    for line in sys.stdin:
        name, sep, version = line.strip().partition("==")
        if not sep:
            continue
        was = locked.get(_canonical(name))
        if was == version:
            print(f"    {name} {version}")
        else:
            changed += 1
            print(f"  * {name} {version} (uv.lock: {was or 'not locked'})")
    print(f"  {changed} package(s) differ from uv.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
