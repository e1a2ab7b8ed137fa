"""Facts: the caller's fact values -> typed run-time values, or a clear error.

Input: a mapping fact name -> JSON value (or Python value) and the benefit's declarations.
Output: dict name -> value (absent or null facts are left out: they are unknown, never given a
default). Raises `FactError` naming the fact, the expected type and the value for an unknown
name (with the closest known one), a wrong type, or a value out of range (a prosent over 100,
a negative count or amount, 2025-02-30).
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation

from .errors import FactError
from .types import Ty
from .values import PERCENT_FACTOR

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A number sent as a JSON string, as systems that serialise BigDecimal do ("37.5"). Only plain
# decimal notation: "37,5", "1e3" or "mange" are not numbers here.
_NUMERIC_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
# No fact in welfare law comes near 10^15 (kroner, hours, days, children) or needs more than
# 12 decimals; larger values are input errors, not cases.
_LIMIT = Decimal(10) ** 15
_EXPECT = {"dato": "a date YYYY-MM-DD", "beløp": "an amount in kroner (a number ≥ 0)",
           "prosent": "a percentage (a number from 0 to 100)", "heltall": "a whole number ≥ 0",
           "desimal": "a number ≥ 0", "ja/nei": "true or false", "tekst": "a text"}


def validate(facts, declared: dict, types: dict[str, Ty], benefit: str) -> dict:
    """Check and convert every fact.

    Args:
        facts: name -> value, as JSON gives it (numbers may be int, Decimal or float).
        declared: name -> FactDecl of the benefit.
        types: name -> Ty of the benefit.
        benefit: the benefit id, for messages.
    """
    if not isinstance(facts, dict):
        raise FactError(f"the facts must be a JSON object of name -> value, got {_show(facts)}")
    out = {}
    for name, value in facts.items():
        if name not in types:
            close = difflib.get_close_matches(str(name), list(types), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise FactError(f"unknown fact '{name}' for {benefit}{hint}")
        if value is None:
            continue
        out[name] = convert(name, value, types[name], declared[name].type.allowed)
    return out


def convert(name: str, value, ty: Ty, allowed=()):
    """One fact value -> run-time value (a prosent becomes a ratio)."""
    if ty.name == "liste":
        if not isinstance(value, (list, tuple)):
            raise FactError(f"fact '{name}' expects a list of {ty.element}, got {_show(value)}")
        return tuple(convert(f"{name}[{i}]", v, ty.element) for i, v in enumerate(value))
    kind = ty.name
    if kind == "ja/nei":
        if isinstance(value, bool):
            return value
        raise _bad(name, kind, value)
    if kind == "dato":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _ISO.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise _bad(name, kind, value)
    if kind == "tekst":
        if not isinstance(value, str):
            raise _bad(name, kind, value)
        if "\0" in value:
            raise _bad(name, kind, value.replace("\0", "\\0"), "it contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON) is not Unicode text
            raise _bad(name, kind, value.encode("utf-8", "backslashreplace").decode("ascii"),
                       "it is not Unicode text (a lone surrogate)") from None
        if allowed and value not in allowed:
            choices = ", ".join(f'"{a}"' for a in allowed)
            raise FactError(f"fact '{name}' expects one of {choices}, got {_show(value)}")
        return value
    number = _number(value)
    if number is None:
        raise _bad(name, kind, value)
    if kind == "heltall" and number != number.to_integral_value():
        raise _bad(name, kind, value)
    if number < 0:
        raise _bad(name, kind, value, "it must not be negative")
    if number >= _LIMIT or number.as_tuple().exponent < -12:
        raise _bad(name, kind, value, "it is out of range")
    if kind == "prosent":
        if number > 100:
            raise _bad(name, kind, value, "it must be at most 100")
        return number / PERCENT_FACTOR
    return number


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value) if _NUMERIC_TEXT.match(value) else None
    if isinstance(value, float):
        try:
            d = Decimal(repr(value))  # the shortest decimal that reads back as this float
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _bad(name, kind, value, why=None) -> FactError:
    msg = f"fact '{name}' expects {kind} ({_EXPECT[kind]}), got {_show(value)}"
    return FactError(msg + (f": {why}" if why else ""))


def _show(value) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if len(text) <= 30 else str(value)
    if isinstance(value, (list, dict)):
        return type(value).__name__ == "list" and "a list" or "an object"
    return repr(value)
