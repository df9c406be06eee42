"""The error every reader raises when an output cannot be turned into facts."""

from __future__ import annotations


class ParseError(Exception):
    """The output could not be turned into facts; the checks that needed it cannot decide."""
