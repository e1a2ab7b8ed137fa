"""Hypothesis properties of the parser, the builder and the printer (GUIDE §4.11.3).

* print -> parse round trip: `parse_module(format_module(m)) == m` for generated modules, and the
  same for generated expressions wrapped in a `verdi` or a `vilkår`;
* fmt idempotence: formatting the formatted text again changes nothing;
* parser robustness: any text parses or raises `RuleSyntaxError` at a position inside the text;
* parse -> print fixpoint for strings drawn from the grammar itself (`from_lark`), comments
  included: the formatted text parses to the same AST, keeps every comment, and is a fixpoint.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import strategies as S
from rulelang import nodes as n
from rulelang.builder import build, parse_module
from rulelang.errors import RuleSyntaxError
from rulelang.parser import get_parser, parse_with_comments
from rulelang.printer import format_date, format_expr, format_module, format_number

# Generated modules and grammar strings are large; the data-size health checks are noise here.
BIG = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
               deadline=None)


def fmt(text: str) -> str:
    """What `rulelang fmt` does to a file: parse with comments, build, print."""
    tree, comments = parse_with_comments(text)
    return format_module(build(tree, "<fmt>", text), comments)


# --- keywords ---------------------------------------------------------------------------------

def test_generated_names_avoid_every_keyword():
    assert {"og", "eller", "ikke", "hvis", "så", "ellers", "vilkår", "gjelder", "kr", "år",
            "minste", "største"} <= S.KEYWORDS
    assert "G" in S.KEYWORDS


@pytest.mark.parametrize("word", sorted(w for w in S.STR_KEYWORDS if w.isidentifier()))
def test_a_keyword_is_not_a_name(word):
    with pytest.raises(RuleSyntaxError):
        parse_module(f"verdi {word} = 1\n")


# --- print -> parse round trip ----------------------------------------------------------------

@BIG
@given(S.expressions())
@example(n.BinOp("-", n.Name("a"), n.BinOp("-", n.Name("b"), n.Name("c"))))
@example(n.And((n.Or((n.Name("a"), n.Name("b"))), n.Name("c"))))
@example(n.Not(n.And((n.Name("a"), n.Name("b")))))
@example(n.Neg(n.Neg(n.Quantity(Decimal(5), "kr"))))
@example(n.Neg(n.BinOp("+", n.Name("x"), n.Name("y"))))
@example(n.Compare("=", n.Compare("<", n.Name("a"), n.Name("b")), n.Bool(True)))
def test_expression_round_trip(e):
    as_value = parse_module(f"verdi v = {format_expr(e)}\n")
    assert as_value.decls[0].body.default == e
    # after a title with no legal basis, an expression may start with "(": not a basis
    as_condition = parse_module(f'vilkår x "t"\n  {format_expr(e)}\n')
    assert as_condition.decls[0].body.default == e


@BIG
@given(S.modules())
def test_module_round_trip(m):
    assert parse_module(format_module(m)) == m


@BIG
@given(S.modules())
def test_format_is_idempotent(m):
    once = format_module(m)
    assert format_module(parse_module(once)) == once
    assert fmt(once) == once


# --- parser robustness ------------------------------------------------------------------------

# Words and pieces of the language, so that random text reaches deep parser states.
_PIECES = sorted(S.KEYWORDS | {"minste av", "største av", "ja/nei"}) + [
    "x", "G", '"t"', "1", "130 160", "1,5", "2025-02-30", "30. februar 2025", "1. mai 2025",
    "§ 4-4", "første ledd", "bokstav a", "# c", "(", ")", ";", ":", ",", "=", ">=", "-", "\n",
    "§", ".", '"', "\t"]
token_soup = st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join)


def _inside(text: str, line: int, column: int) -> bool:
    """Is line:column a position in `text`, or just after its last character?

    Lark counts lines by "\\n"; the diagnostic renderer (and the end-of-file position) by
    `str.splitlines`, which also breaks at \\r, \\f, \\v, \\x1c-\\x1e, \\x85, \\u2028, \\u2029. The
    two agree on ordinary text; a position is accepted if it is inside the text by either count
    (see test_end_of_file_position_counts_lines_like_lark for the disagreement)."""
    for lines in (text.split("\n"), text.splitlines() or [""]):
        if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1:
            return True
    return False


@given(st.one_of(st.text(), token_soup))
@example("")
@example("ytelse")
@example('vilkår a "t" b og\n')
@example("verdi v = 30. februar 2025\n")
@example('vilkår a "t\n')
def test_parser_raises_only_syntax_errors_inside_the_text(text):
    for parse in (parse_module, parse_with_comments):
        try:
            parse(text)
        except RuleSyntaxError as exc:
            span = exc.diagnostic.span
            assert _inside(text, span.line, span.column), (text, span)
            assert exc.diagnostic.code.startswith("RL1")


def test_end_of_file_position_counts_lines_like_lark():
    text = "ytelse\r\r\r"
    with pytest.raises(RuleSyntaxError) as info:
        parse_module(text)
    assert info.value.diagnostic.span.line == text.count("\n") + 1


# --- parse -> print fixpoint for strings from the grammar ------------------------------------

# `from_lark` joins terminals with nothing between them, so every terminal gets whitespace (or a
# line break) on both sides, and the terminals whose regex Hypothesis cannot draw well (lookahead,
# keywords that NAME would match, impossible dates) get explicit strategies.
_SEP = st.sampled_from([" ", " ", " ", "\n", "\n  ", "\t"])


def _spaced(strategy):
    return st.tuples(_SEP, strategy, _SEP).map("".join)


def _grammar_strings():
    explicit = {t.name: _spaced(st.just(t.pattern.value))
                for t in get_parser().terminals if t.pattern.type == "str"}
    explicit.update({
        "NAME": _spaced(S.names),
        "NUMBER": _spaced(S.numbers().map(format_number)),
        "STRING": _spaced(S.texts.map(lambda t: f'"{t}"')),
        "ISO_DATE": _spaced(S.dates.map(lambda d: d.value.isoformat())),
        "NO_DATE": _spaced(S.dates.map(lambda d: format_date(n.DateLit(d.value, "no")))),
        "SECTION": _spaced(S.SECTIONS.map(lambda s: f"§ {s}")),
        "LEDD": _spaced(st.sampled_from(S.LEDD).map(lambda w: f"{w} ledd")),
        "LETTER": _spaced(st.sampled_from("abcæøå").map(lambda c: f"bokstav {c}")),
        "MIN_OF": _spaced(st.just("minste av")),
        "MAX_OF": _spaced(st.just("største av")),
        "NE": _spaced(st.sampled_from(["!=", "≠"])),
        "GE": _spaced(st.sampled_from([">=", "≥"])),
        "LE": _spaced(st.sampled_from(["<=", "≤"])),
        "MINUS": _spaced(st.sampled_from(["-", "−"])),
        "STAR": _spaced(st.sampled_from(["*", "×"])),
        "COMMENT": st.integers(0, 999).map(lambda i: f" # k{i}\n"),
    })
    return from_lark(get_parser(), start="start", explicit=explicit)


@BIG
@given(_grammar_strings())
@example(' ytelse _ "" lov _ # k0\n klagespor _ ')
@example('beløp x "t" =\n  a +   # k1\n  b     # k2\n')
@example('plikt p "t"\n  a\n  tekst "x"  # k3\n')
def test_grammar_strings_format_to_a_fixpoint(src):
    try:
        module = parse_module(src)
    except RuleSyntaxError as exc:
        # the grammar admits literals the builder rejects on purpose (a chapter of 0,1)
        assume(exc.diagnostic.code not in ("RL103", "RL104"))
        raise
    _, comments = parse_with_comments(src)
    out = fmt(src)
    assert parse_module(out) == module
    assert fmt(out) == out
    pos = 0
    for _, _, text in comments:  # every comment is kept, in order
        pos = out.index(text, pos) + len(text)
