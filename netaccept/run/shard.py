"""Shares of an inventory: `netaccept run --shard i/n` and pytest-xdist workers.

A share is chosen from the device names alone, sorted, dealt out in turn: share `i` of `n`
holds the names at positions i-1, i-1+n, i-1+2n, ... So the same inventory gives the same
shares on every machine and in every run, the shares differ in size by at most one, and
together they hold every device exactly once.

`--shard auto` takes the share from the CI system that runs the job: GitLab's `parallel: N`
(CI_NODE_INDEX, from 1, and CI_NODE_TOTAL), or a Kubernetes Indexed Job, whose
JOB_COMPLETION_INDEX counts from 0 and which gives no count: `--shard auto/N`, N the Job's
`completions`. GitHub Actions has no index of its own: its matrix passes `--shard I/N`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_AUTO = re.compile(r"^\s*auto\s*(?:/\s*(\S*)\s*)?$", re.IGNORECASE)

# The CI systems' variables: GitLab's `parallel:` (index from 1), a Kubernetes Indexed Job's
# (index from 0, no count).
GITLAB_INDEX, GITLAB_TOTAL = "CI_NODE_INDEX", "CI_NODE_TOTAL"
KUBERNETES_INDEX = "JOB_COMPLETION_INDEX"


class ShardError(ValueError):
    """A shard given as something other than i/n with 1 <= i <= n, or `auto` where the CI's
    variables give no such share."""


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

    @classmethod
    def from_option(cls, text: str, environ: Mapping[str, str]) -> Shard:
        """`--shard`'s value: I/N as given, or `auto` (GitLab) and `auto/N` (GitLab or a
        Kubernetes Indexed Job) from the CI's variables in `environ`.

        An empty variable counts as unset. `ShardError` says which variables were read and
        what was wrong with them, in one line.
        """
        auto = _AUTO.match(text)
        if auto is None:
            return cls.parse(text)
        count = None if auto[1] is None else _given_count(auto[1])
        gitlab = environ.get(GITLAB_INDEX) or None
        kubernetes = environ.get(KUBERNETES_INDEX) or None
        if gitlab is not None and kubernetes is not None:
            raise ShardError(
                f"{text.strip()}: both {GITLAB_INDEX} (GitLab) and {KUBERNETES_INDEX} "
                "(Kubernetes) are set, so the share is ambiguous: give --shard I/N"
            )
        if gitlab is not None:
            return _gitlab(gitlab, environ.get(GITLAB_TOTAL) or None, count)
        if kubernetes is not None:
            return _kubernetes(kubernetes, count)
        if environ.get(GITLAB_TOTAL):
            raise ShardError(
                f"{text.strip()}: {GITLAB_INDEX} is not set ({GITLAB_TOTAL} is): GitLab "
                "sets it only in a job with `parallel: N`"
            )
        raise ShardError(
            f"{text.strip()}: no CI share to take: neither {GITLAB_INDEX} and "
            f"{GITLAB_TOTAL} (GitLab `parallel: N`) nor {KUBERNETES_INDEX} (a Kubernetes "
            "Indexed Job, with --shard auto/N) is set; outside those CIs give --shard I/N"
        )

    def select(self, names: Iterable[str]) -> list[str]:
        """This share of `names`, in sorted order."""
        return sorted(set(names))[self.index - 1 :: self.count]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def _given_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ShardError(f"auto/{text}: N must be the number of shards, 1 or more")
    return int(text)


def _whole_number(name: str, value: str) -> int:
    if not value.strip().isdigit():
        raise ShardError(f"auto: {name}={value!r} is not a whole number")
    return int(value)


def _gitlab(index_text: str, total_text: str | None, count: int | None) -> Shard:
    """GitLab's `parallel: N`: CI_NODE_INDEX from 1 to N, CI_NODE_TOTAL N."""
    if total_text is not None:
        total = _whole_number(GITLAB_TOTAL, total_text)
    elif count is not None:
        total = count
    else:
        raise ShardError(
            f"auto: {GITLAB_INDEX} is set but {GITLAB_TOTAL} is not: give the count, --shard auto/N"
        )
    index = _whole_number(GITLAB_INDEX, index_text)
    if total < 1:
        raise ShardError(f"auto: {GITLAB_TOTAL}={total} is no number of shards")
    if count is not None and count != total:
        raise ShardError(
            f"auto/{count}: but {GITLAB_TOTAL}={total}: give the job's `parallel:` count, "
            "or --shard auto"
        )
    if not 1 <= index <= total:
        raise ShardError(f"auto: {GITLAB_INDEX}={index} is not from 1 to {total} ({GITLAB_TOTAL})")
    return Shard(index, total)


def _kubernetes(index_text: str, count: int | None) -> Shard:
    """A Kubernetes Indexed Job: JOB_COMPLETION_INDEX from 0 to completions - 1."""
    if count is None:
        raise ShardError(
            f"auto: {KUBERNETES_INDEX} (a Kubernetes Indexed Job) gives the index but "
            "not the count: give --shard auto/N, N the Job's completions"
        )
    index = _whole_number(KUBERNETES_INDEX, index_text)
    if not index < count:
        raise ShardError(
            f"auto/{count}: {KUBERNETES_INDEX}={index} is not from 0 to {count - 1} "
            "(it counts from 0): is N the Job's completions?"
        )
    return Shard(index + 1, count)


def deal(names: Iterable[str], count: int) -> list[list[str]]:
    """Every share of `names` for `count` holders: `deal(names, n)[k]` is share k+1 of n."""
    ordered = sorted(set(names))  # once: `names` may be an iterator
    return [ordered[k::count] for k in range(count)]


__all__ = ["GITLAB_INDEX", "GITLAB_TOTAL", "KUBERNETES_INDEX", "Shard", "ShardError", "deal"]
