"""AS numbers: asplain (`4260495372`) or asdot (`65010.12`, high.low), compared as asplain.

One conversion for what the inventory says and what the router prints (its BGP summary,
its running configuration).
"""

from __future__ import annotations


def asplain(text: str) -> int:
    """An AS number in asplain or asdot notation, as asplain."""
    high, _, low = text.partition(".")
    return int(high) * 65536 + int(low) if low else int(high)
