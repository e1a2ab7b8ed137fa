"""Dated parameters (satser): the value of a `sats` on a date.

Input: a checked `RateDecl`. Output: `RateTable.at(date)`. A sats entry holds from its `fra`
date until its `til` date, or, without `til`, until the next entry starts. A date before the
first entry, after an entry's `til` with no later entry, or in a gap, has no value: that raises
`RuleEvalError` naming the sats and the date; a rate is never carried over silently.
"""
from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal

from . import nodes as n
from .errors import RuleEvalError
from .values import PERCENT_FACTOR


def literal_value(q: n.Expr) -> Decimal:
    """The run-time value of a sats entry (a prosent is stored as a ratio)."""
    sign = 1
    if isinstance(q, n.Neg):
        q, sign = q.operand, -1
    value = q.value * sign
    return value / PERCENT_FACTOR if q.unit == "%" else value


class RateTable:
    """A sats, ready for look-ups by date."""

    __slots__ = ("name", "starts", "ends", "values", "_cache")

    def __init__(self, decl: n.RateDecl):
        entries = sorted(decl.entries, key=lambda e: e.start.value)
        self.name = decl.name
        self.starts = [e.start.value for e in entries]
        self.ends = [e.end.value if e.end else None for e in entries]
        self.values = [literal_value(e.value) for e in entries]
        self._cache: dict[dt.date, Decimal] = {}

    def at(self, on: dt.date) -> Decimal:
        """The value in force on `on`. Raises RuleEvalError when none is known."""
        try:
            return self._cache[on]
        except KeyError:
            pass
        value = self._lookup(on)
        if len(self._cache) < 4096:
            self._cache[on] = value
        return value

    def _lookup(self, on: dt.date) -> Decimal:
        i = bisect.bisect_right(self.starts, on) - 1
        if i < 0:
            raise RuleEvalError(f"sats '{self.name}' has no value on {on.isoformat()}: "
                                f"the first value is from {self.starts[0].isoformat()}")
        end = self.ends[i]
        if end is not None and on > end:
            raise RuleEvalError(f"sats '{self.name}' has no value on {on.isoformat()}: "
                                f"the value from {self.starts[i].isoformat()} ended {end.isoformat()}"
                                + ("" if i + 1 == len(self.starts) else
                                   f" and the next starts {self.starts[i + 1].isoformat()}"))
        return self.values[i]
