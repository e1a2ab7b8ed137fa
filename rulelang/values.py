"""Run-time values and the operations both evaluators share.

Values are `bool`, `Decimal` (every number: kroner, prosent as a ratio, heltall, desimal, uker),
`datetime.date`, `str`, tuples (lists) and two markers: `UNKNOWN` (a fact is missing: Kleene's
third truth value) and `NOT_APPLICABLE` (an exception made a vilkår irrelevant). No float ever.

The date helpers encode the conventions of benefits.md: `alder` counts whole years, and someone
born on 29 February has the birthday on 28 February in other years, as NAV computes it.
"""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from .errors import RuleEvalError


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    def __reduce__(self):
        return (_marker, (self.name,))


def _marker(name):
    return UNKNOWN if name == "ukjent" else NOT_APPLICABLE


UNKNOWN = _Marker("ukjent")
NOT_APPLICABLE = _Marker("gjelder ikke")

ONE = Decimal(1)
CENT = Decimal("0.01")
PERCENT_FACTOR = Decimal(100)


def join(a, b):
    """The value of a choice whose guard is unknown: the common value if both agree, else
    UNKNOWN. A vilkår that is met on one side and not applicable on the other is met."""
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is NOT_APPLICABLE and b is True or a is True and b is NOT_APPLICABLE:
        return True
    if a is NOT_APPLICABLE or b is NOT_APPLICABLE:
        return UNKNOWN if a is not b else a
    if type(a) is bool or type(b) is bool:
        return a if a is b else UNKNOWN
    return a if a == b else UNKNOWN


def round_kr(x: Decimal) -> Decimal:
    """Whole kroner, half up (benefits.md: "rounded")."""
    return x.quantize(ONE, rounding=ROUND_HALF_UP)


def round_ore(x: Decimal) -> Decimal:
    """Whole øre, half up."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def birthday(born: dt.date, year: int) -> dt.date:
    """The birthday in `year`; 29 February falls on 28 February in a common year."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, born.month, born.day)


def age(born: dt.date, on: dt.date) -> Decimal:
    """Whole years between `born` and `on`."""
    years = on.year - born.year
    if on < birthday(born, on.year):
        years -= 1
    return Decimal(years)


def turns(born: dt.date, years: Decimal) -> dt.date:
    """The date on which someone born on `born` turns `years` old."""
    return birthday(born, born.year + int(years))


def end_of_month(d: dt.date) -> dt.date:
    """The last day of the month of `d`."""
    return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def divide(a: Decimal, b: Decimal, where: str) -> Decimal:
    if b == 0:
        raise RuleEvalError(f"division by zero in {where}")
    return a / b


def in_period(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


def add_duration(d: dt.date, amount: Decimal, unit: str, sign: int) -> dt.date:
    """`d ± amount unit`, for unit 'dager', 'uker' or 'år' (years keep the day, 29.2 -> 28.2)."""
    n = int(amount) * sign
    if unit == "år":
        return birthday(d, d.year + n)
    days = n * 7 if unit == "uker" else n
    return d + dt.timedelta(days=days)


def compare(op: str, a, b) -> bool:
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    raise ValueError(op)
