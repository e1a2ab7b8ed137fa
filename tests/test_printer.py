"""Unit tests of the printer: Norwegian numbers, parentheses, comments, and `fmt` on the real
rule files (idempotent, and the output parses back to the same AST)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from rulelang import nodes as n
from rulelang.builder import build, parse_module, parse_number
from rulelang.parser import parse_with_comments
from rulelang.printer import format_date, format_expr, format_module, format_number

RULES = Path(__file__).resolve().parent.parent / "rules"


def fmt(text: str) -> str:
    tree, comments = parse_with_comments(text)
    return format_module(build(tree, "<fmt>", text), comments)


def expr(text: str):
    return parse_module(f"verdi v = {text}\n").decls[0].body.default


# --- numbers and dates ------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    ("130160", "130 160"),
    ("1.5", "1,5"),
    ("1000", "1000"),          # four digits stay ungrouped (the printer's choice)
    ("9999", "9999"),
    ("10000", "10 000"),       # from five digits on, groups of three
    ("1234567.891", "1 234 567,891"),
    ("0", "0"),
    ("0.0024", "0,0024"),
    ("1.50", "1,5"),           # trailing zeros go
    ("2.000", "2"),
    ("1E+3", "1000"),
    ("-1234567", "-1 234 567"),
    ("-0.5", "-0,5"),
], ids=lambda v: str(v))
def test_format_number(value, text):
    assert format_number(Decimal(value)) == text
    assert parse_number(text.lstrip("-")) == abs(Decimal(value))


@pytest.mark.parametrize("text", ["130 160", "130\u00a0160", "130\u202f160", "1,5", "1 000 000,25"])
def test_grouped_numbers_read_back(text):
    assert format_number(parse_number(text)) == text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("style, text", [("iso", "2025-05-01"), ("no", "1. mai 2025")])
def test_dates_keep_their_style(style, text):
    d = n.DateLit(dt.date(2025, 5, 1), style)
    assert format_date(d) == text
    assert expr(text) == d and expr(text).style == style


@pytest.mark.parametrize("text", ["1,5 G", "130 160 kr", "50 %", "26 uker", "14 dager", "67 år"])
def test_quantities_print_as_written(text):
    assert format_expr(expr(text)) == text


# --- parentheses ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a - (b - c)",
    "a - b - c",
    "a / (b * c)",
    "a * (b + c)",
    "a + b * c",
    "(a eller b) og c",
    "a eller b og c",
    "ikke (a og b)",
    "ikke a og b",
    "ikke ikke a",
    "ikke a > b",
    "-(x + y)",
    "-x * y",
    "-(x * y)",
    "--x",
    "a - -b",
    "(a > b) = c",
    "(hvis a så 1 ellers 2) + 3",
    "hvis hvis a så b ellers c så d ellers e",
    "hvis a så b ellers hvis c så d ellers e",
    "a og (hvis b så c ellers d)",
    "(a og b) og c",
    "a og (b og c)",
    "minste av(a + b; største av(c; 1,5 G))",
    "f(hvis a så b ellers c; -1)",
])
def test_canonical_expressions_print_unchanged(text):
    assert format_expr(expr(text)) == text


@pytest.mark.parametrize("written, canonical", [
    ("(a - b) - c", "a - b - c"),
    ("((a))", "a"),
    ("a og (b eller c)", "a og (b eller c)"),
    ("(ikke a) og b", "ikke a og b"),
    ("-(x)", "-x"),
    ("-(-x)", "--x"),
    ("a ≥ b", "a >= b"),
    ("a ≠ b", "a != b"),
    ("a × b − c", "a * b - c"),
    ("(a * b) / c", "a * b / c"),
])
def test_redundant_parentheses_go(written, canonical):
    assert format_expr(expr(written)) == canonical
    assert expr(canonical) == expr(written)


def test_the_ast_decides_the_parentheses():
    minus = n.BinOp("-", n.Name("a"), n.BinOp("-", n.Name("b"), n.Name("c")))
    assert format_expr(minus) == "a - (b - c)"
    conj = n.And((n.Or((n.Name("a"), n.Name("b"))), n.Name("c")))
    assert format_expr(conj) == "(a eller b) og c"
    assert format_expr(n.Not(n.And((n.Name("a"), n.Name("b"))))) == "ikke (a og b)"
    assert format_expr(n.Neg(n.BinOp("+", n.Name("x"), n.Name("y")))) == "-(x + y)"
    assert format_expr(n.Neg(n.Quantity(Decimal(5), "kr"))) == "-5 kr"


# --- comments ---------------------------------------------------------------------------------

SOURCE = '''\
# Filhode.

# Om ytelsen.
ytelse x "X"
  lov folketrygdloven kapittel 4
  klagespor folketrygd

opplysninger
  # om a
  a: ja/nei "A"  # etter a
  b: beløp

vilkår v "V" (§ 4-2)  # etter hodet
  # over regelen
  a  # etter regelen
  # over versjonen
  gjelder fra 1. mai 2020:  # etter gjelder
    ikke a  # etter versjonen
  unntak (§ 4-19) når b > 0 kr  # etter unntaket

# over beløpet
beløp c "C" (§ 4-11)
  = b * 2  # etter beløpet
# til slutt
'''


def test_comments_stay_where_they_were():
    assert fmt(SOURCE) == SOURCE.replace("# Filhode.\n\n", "# Filhode.\n")


def test_own_line_comments_stay_above_and_trailing_comments_trail():
    out = fmt('vilkår v "V"\n      # over\n  a       # bak\n').splitlines()
    assert out == ['vilkår v "V"', "  # over", "  a  # bak"]


@pytest.mark.parametrize("source", [
    # a comment at the end of an inner line of a multi-line expression
    'beløp x "t" =\n  a +   # first\n  b     # second\n\nvilkår y "t"\n  a\n',
    'beløp x "t" =\n  a +   # first\n  b     # second\n',
    # comments on the `lov` and `klagespor` lines of a ytelse (the three lines share one span)
    'ytelse y "Y"  # c0\n  lov l  # c1\n  klagespor k  # c2\n\nverdi v = 1\n',
    # a comment after `tekst` of a plikt
    'plikt p "P" (§ 1)\n  a\n  tekst "T"  # c3\n\nverdi v = 1\n',
    # a comment inside an exception's outcome written on the next line
    'vilkår v "V"\n  a\n  unntak (§ 1) når b:  # c4\n    c  # c5\n',
])
def test_comments_inside_a_declaration_format_to_a_fixpoint(source):
    """Regression: these comments were written below the declaration, and a second `fmt`
    moved them to the next declaration (or out of the indentation)."""
    once = fmt(source)
    assert fmt(once) == once
    assert parse_module(once) == parse_module(source)
    pos = 0
    for c in ["# first", "# second", "# c0", "# c1", "# c2", "# c3", "# c4", "# c5"]:
        if c in source:
            pos = once.index(c, pos)


def test_no_comments_without_comments():
    m = parse_module('verdi v = 1  \n\n\n\nverdi w = 2\n')
    assert format_module(m) == "verdi v\n  = 1\n\nverdi w\n  = 2\n"
    assert format_module(n.Module(())) == ""


# --- the real rule files ----------------------------------------------------------------------

RULE_FILES = sorted(RULES.rglob("*.regel"))


def test_there_are_rule_files():
    assert any(p.name == "dagpenger.regel" for p in RULE_FILES)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(RULES)))
def test_fmt_on_rule_file_is_idempotent_and_keeps_the_ast(path):
    text = path.read_text("utf-8")
    once = fmt(text)
    assert fmt(once) == once
    assert parse_module(once) == parse_module(text)
    _, comments = parse_with_comments(text)
    _, kept = parse_with_comments(once)
    assert [c for _, _, c in kept] == [c for _, _, c in comments]
