"""JSON output with exact decimals: a Decimal is written as a JSON number from its digits, never
through float. Keys keep their insertion order, so the same decision gives the same bytes.

The standard library's C encoder does the work; a Decimal goes through it as a marked string
(the marker holds a NUL, which the encoder always escapes as \\u0000, and a random token, so
no text can look like it) and the marks are then replaced by the bare number.
"""
from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal

# The marker holds a token drawn when the module loads, so no text can forge it.
_TOKEN = secrets.token_hex(8)
_MARK = f"\0{_TOKEN}:"
_MARKED = re.compile(r'"\\u0000' + _TOKEN + r':(-?[0-9.]+)"')


def plain_number(d: Decimal) -> str:
    """A Decimal's digits without exponent or trailing zeros, exactly (no rounding)."""
    if d == d.to_integral_value():
        return str(int(d))
    return format(d, "f").rstrip("0").rstrip(".")


def _default(x):
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"cannot write {x} as JSON")
        return _MARK + plain_number(x)
    raise TypeError(f"cannot write {type(x).__name__} as JSON")


def dumps(data, indent: int | None = 2) -> str:
    """Serialise dicts, lists, str, bool, None, int and Decimal."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=_default)
    return _MARKED.sub(r"\1", text) if _TOKEN in text else text
