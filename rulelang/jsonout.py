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
    """Serialise dicts, lists, str, bool, None, int and Decimal. With an indent the text is the
    standard library's (`json.dumps(indent=...)`, byte for byte), but made here: for an indent
    Python falls back to its pure-Python encoder, twice as slow as this."""
    if indent is not None:
        out: list[str] = []
        _pretty(data, "\n", " " * indent, out)
        return "".join(out)
    text = json.dumps(data, ensure_ascii=False, default=_default)
    return _MARKED.sub(r"\1", text) if _TOKEN in text else text


_string = json.encoder.encode_basestring  # the C function json.dumps uses (ensure_ascii=False)


def _pretty(x, newline: str, step: str, out: list) -> None:
    """Append the indented JSON of `x` to `out`; `newline` is "\n" plus the current indent."""
    t = type(x)
    if t is str:
        out.append(_string(x))
    elif t is dict:
        if not x:
            out.append("{}")
            return
        inner = newline + step
        sep = "{" + inner
        for k, v in x.items():
            if type(k) is not str:
                raise TypeError(f"cannot write a key of type {type(k).__name__} as JSON")
            out.append(sep)
            out.append(_string(k))
            out.append(": ")
            _pretty(v, inner, step, out)
            sep = "," + inner
        out.append(newline + "}")
    elif t is list or t is tuple:
        if not x:
            out.append("[]")
            return
        inner = newline + step
        sep = "[" + inner
        for v in x:
            out.append(sep)
            _pretty(v, inner, step, out)
            sep = "," + inner
        out.append(newline + "]")
    elif x is None:
        out.append("null")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(x))
    elif t is Decimal:
        if not x.is_finite():
            raise ValueError(f"cannot write {x} as JSON")
        out.append(plain_number(x))
    else:  # anything rarer (an int subclass, a float) as the standard library writes it
        text = json.dumps(x, ensure_ascii=False, default=_default)
        out.append(_MARKED.sub(r"\1", text) if _TOKEN in text else text)
