"""JSON output with exact decimals: a Decimal is written as a JSON number from its digits, never
through float. Keys keep their insertion order, so the same decision gives the same bytes.

orjson does the work (a Decimal goes in as an `orjson.Fragment` of its digits). For an indent
other than 2, the standard library's encoder does it; a Decimal goes through it as a marked string
(the marker holds a NUL, which the encoder always escapes as \\u0000, and a random token, so
no text can look like it) and the marks are then replaced by the bare number.
"""
from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal

import orjson

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
    """Serialise dicts (text keys), lists, str, bool, None, int and Decimal.

    `indent=None` gives the compact form (no spaces: a JSON line of a batch) and `indent=2` the
    standard library's indented layout byte for byte, both through orjson (a Decimal goes in as
    a fragment of its digits); another indent goes through the standard library.
    """
    if indent is None:
        return orjson.dumps(data, default=_fragment, option=_ONLY_JSON).decode("utf-8")
    if indent == 2:
        return orjson.dumps(data, default=_fragment,
                            option=_ONLY_JSON | orjson.OPT_INDENT_2).decode("utf-8")
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=_default)
    return _MARKED.sub(r"\1", text) if _TOKEN in text else text


# orjson would write dates and dataclasses by itself; here they are refused, as json refuses them
_ONLY_JSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _fragment(x):
    if type(x) is Decimal or isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"cannot write {x} as JSON")
        return orjson.Fragment(plain_number(x))
    raise TypeError(f"cannot write {type(x).__name__} as JSON")
