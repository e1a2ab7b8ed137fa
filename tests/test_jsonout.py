"""JSON output: exact decimals through the standard encoder, byte for byte stable."""
import json
from decimal import Decimal

from rulelang.jsonout import dumps


def test_decimals_are_written_from_their_digits():
    data = {"a": Decimal("0.1"), "b": Decimal("130160.00"), "c": Decimal("-0.0024"),
            "d": Decimal("12345678901234567890.123456789")}
    assert dumps(data, indent=None) == ('{"a": 0.1, "b": 130160, "c": -0.0024, '
                                       '"d": 12345678901234567890.123456789}')
    assert json.loads(dumps(data), parse_float=Decimal)["d"] == data["d"]


def test_a_text_that_looks_like_the_marker_stays_a_text():
    text = "\0rulelang-decimal:5"
    assert json.loads(dumps({"t": text, "u": ["x" + text]})) == {"t": text, "u": ["x" + text]}


def test_key_order_and_layout_are_kept():
    data = {"z": 1, "a": [], "m": {}, "b": [True, None, "æøå"]}
    assert dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)
