"""JSON output: exact decimals through the standard encoder, byte for byte stable."""
import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulelang.jsonout import dumps, plain_number


def test_decimals_are_written_from_their_digits():
    data = {"a": Decimal("0.1"), "b": Decimal("130160.00"), "c": Decimal("-0.0024"),
            "d": Decimal("12345678901234567890.123456789")}
    assert dumps(data, indent=None) == ('{"a":0.1,"b":130160,"c":-0.0024,'
                                       '"d":12345678901234567890.123456789}')
    assert json.loads(dumps(data), parse_float=Decimal)["d"] == data["d"]


def test_a_text_that_looks_like_the_marker_stays_a_text():
    text = "\0rulelang-decimal:5"
    assert json.loads(dumps({"t": text, "u": ["x" + text]})) == {"t": text, "u": ["x" + text]}


def test_key_order_and_layout_are_kept():
    data = {"z": 1, "a": [], "m": {}, "b": [True, None, "æøå"]}
    assert dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


_leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**64 - 1), st.text(),
                    st.decimals(allow_nan=False, allow_infinity=False, places=4))
_json = st.recursive(_leaves, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                      st.dictionaries(st.text(), kids, max_size=4)),
                     max_leaves=25)


def _standard(data, indent):
    """The standard library's text (indented, or compact without spaces), decimals as their
    digits: the reference."""
    text = json.dumps(data, ensure_ascii=False, indent=indent,
                      separators=(",", ":") if indent is None else None,
                      default=lambda d: "\0DEC:" + plain_number(d))
    return re.sub(r'"\\u0000DEC:(-?[0-9.]+)"', r"\1", text)


@given(_json, st.sampled_from([None, 1, 2, 4]))
def test_the_writer_is_the_standard_librarys_byte_for_byte(data, indent):
    assert dumps(data, indent=indent) == _standard(data, indent)


def test_what_json_cannot_hold_is_refused():
    for bad in ({"a": Decimal("NaN")}, [dt.date(2025, 1, 1)], {1: "x"}, [2**70]):
        with pytest.raises((TypeError, ValueError)):
            dumps(bad)
