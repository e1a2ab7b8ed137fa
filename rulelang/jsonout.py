"""JSON output with exact decimals: Decimal is written as a JSON number from its digits, never
through float. Keys keep their insertion order, so the same decision gives the same bytes.
"""
from __future__ import annotations

import json
from decimal import Decimal


def dumps(data, indent: int | None = 2) -> str:
    """Serialise dicts, lists, str, bool, None, int and Decimal."""
    out: list[str] = []
    _write(data, out, indent, 0)
    return "".join(out)


def _number(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _write(x, out, indent, level):
    if x is None:
        out.append("null")
    elif x is True:
        out.append("true")
    elif x is False:
        out.append("false")
    elif isinstance(x, int):
        out.append(str(x))
    elif isinstance(x, Decimal):
        out.append(_number(x))
    elif isinstance(x, str):
        out.append(json.dumps(x, ensure_ascii=False))
    elif isinstance(x, dict):
        if not x:
            out.append("{}")
            return
        items = list(x.items())
        if indent is None:
            out.append("{")
            for i, (k, v) in enumerate(items):
                if i:
                    out.append(", ")
                out.append(json.dumps(str(k), ensure_ascii=False) + ": ")
                _write(v, out, indent, level + 1)
            out.append("}")
            return
        pad = " " * (indent * (level + 1))
        out.append("{\n")
        for i, (k, v) in enumerate(items):
            out.append(pad + json.dumps(str(k), ensure_ascii=False) + ": ")
            _write(v, out, indent, level + 1)
            out.append(",\n" if i < len(items) - 1 else "\n")
        out.append(" " * (indent * level) + "}")
    elif isinstance(x, (list, tuple)):
        if not x:
            out.append("[]")
            return
        if indent is None:
            out.append("[")
            for i, v in enumerate(x):
                if i:
                    out.append(", ")
                _write(v, out, indent, level + 1)
            out.append("]")
            return
        pad = " " * (indent * (level + 1))
        out.append("[\n")
        for i, v in enumerate(x):
            out.append(pad)
            _write(v, out, indent, level + 1)
            out.append(",\n" if i < len(x) - 1 else "\n")
        out.append(" " * (indent * level) + "]")
    else:
        raise TypeError(f"cannot write {type(x).__name__} as JSON")
