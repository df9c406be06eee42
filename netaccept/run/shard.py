"""Shares of an inventory: `netaccept run --shard i/n` and pytest-xdist workers.

A share is chosen from the device names alone, sorted, dealt out in turn: share `i` of `n`
holds the names at positions i-1, i-1+n, i-1+2n, ... So the same inventory gives the same
shares on every machine and in every run, the shares differ in size by at most one, and
together they hold every device exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A shard given as something other than i/n with 1 <= i <= n."""


@dataclass(frozen=True)
class Shard:
    """Share `index` (from 1) of `count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.match(text)
        if not match:
            raise ShardError(f"{text!r}: expected I/N, e.g. 1/4 (share 1 of 4)")
        index, count = int(match[1]), int(match[2])
        if count < 1 or not 1 <= index <= count:
            raise ShardError(f"{text}: I must be from 1 to N (and N at least 1)")
        return cls(index, count)

    def select(self, names: Iterable[str]) -> list[str]:
        """This share of `names`, in sorted order."""
        return sorted(set(names))[self.index - 1 :: self.count]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def deal(names: Iterable[str], count: int) -> list[list[str]]:
    """Every share of `names` for `count` holders: `deal(names, n)[k]` is share k+1 of n."""
    ordered = sorted(set(names))  # once: `names` may be an iterator
    return [ordered[k::count] for k in range(count)]


__all__ = ["Shard", "ShardError", "deal"]
