"""Norwegian display of run-time values through Babel: `130 160 kr`, `1,5`, `50 %`, `1. mai 2025`.

Input: a value and its static type. Output: text for explanations, the text format and letters.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern

from . import types as T
from .values import NOT_APPLICABLE, UNKNOWN

LOCALE = "nb_NO"


_PATTERN = parse_pattern("#,##0.######")


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


# Formatting is memoised: thresholds, satser and dates recur in case after case, and Babel's
# formatting costs tens of microseconds a call.
@functools.lru_cache(maxsize=8192)
def number(v: Decimal, locale: str = LOCALE) -> str:
    """A number the Norwegian way, grouped by spaces: 130 160 · 1,5 · 0,0024."""
    text = format_decimal(v, format=_PATTERN, locale=_locale(locale))
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("−", "-")


@functools.lru_cache(maxsize=4096)
def date(d: dt.date, locale: str = LOCALE) -> str:
    """`1. mai 2025`."""
    return format_date(d, format="long", locale=_locale(locale))


def value(v, ty: T.Ty | None, locale: str = LOCALE) -> str:
    """Any run-time value, with its unit."""
    if v is UNKNOWN:
        return "ukjent"
    if v is NOT_APPLICABLE:
        return "gjelder ikke"
    if v is True:
        return "ja"
    if v is False:
        return "nei"
    if isinstance(v, dt.date):
        return date(v, locale)
    if isinstance(v, str):
        return v
    if isinstance(v, tuple):
        return ", ".join(value(x, ty.element if ty else None, locale) for x in v)
    if isinstance(v, Decimal):
        if ty == T.PERCENT:
            return f"{number(v * 100, locale)} %"
        if ty == T.MONEY:
            return f"{number(v, locale)} kr"
        if ty in (T.WEEKS, T.DAYS, T.YEARS):
            return f"{number(v, locale)} {T.OUTPUT_UNITS[ty]}"
        return number(v, locale)
    return str(v)


def join_and(items: list[str], locale: str = LOCALE) -> str:
    """A list the Norwegian way: `a, b og c` (Babel's list patterns; bokmål and nynorsk)."""
    from babel.lists import format_list

    return format_list(items, locale=locale) if items else ""
