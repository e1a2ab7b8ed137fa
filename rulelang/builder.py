"""Builder: `lark.Tree` -> `nodes.Module`.

A Lark transformer that turns the parse tree into our own AST, giving every node the span of
the text it came from. It also turns literal text into values: Norwegian numbers (`130 160`,
`1,5`) into Decimal, dates (`1. mai 2025`, `2025-05-01`) into `datetime.date`. A literal that
looks right but is no real value (`30. februar 2025`) raises `RuleSyntaxError` at its span.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import VisitError

from . import nodes as n
from .errors import NO_SPAN, Diagnostic, RuleSyntaxError, Span
from .parser import parse

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")


def build(tree: Tree, file: str = "<string>", source: str | None = None) -> n.Module:
    """Build the AST of one rule file.

    Raises:
        RuleSyntaxError: for a literal that is no real value (an impossible date).
    """
    try:
        return _Builder(file).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _LiteralError):
            raise RuleSyntaxError(exc.orig_exc.diagnostic, source) from None
        raise


def parse_module(text: str, file: str = "<string>") -> n.Module:
    """parse + build: rule-file text -> Module."""
    return build(parse(text, file), file, text)


class _Label:
    """A text with its optional nynorsk form, on its way into a node."""

    __slots__ = ("nb", "nn")

    def __init__(self, nb: str, nn: str | None):
        self.nb, self.nn = nb, nn


def _label(children, i=None):
    """The first _Label among children (or None)."""
    for c in children:
        if isinstance(c, _Label):
            return c
    return None


class _LiteralError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def token_span(tok: Token, file: str) -> Span:
    return Span(file, tok.line, tok.column, tok.end_line, tok.end_column)


def parse_number(text: str) -> Decimal:
    """Norwegian number text -> Decimal: '130 160' -> 130160, '1,5' -> 1.5."""
    return Decimal(text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", "."))


def parse_date(text: str) -> dt.date:
    """'2025-05-01' or '1. mai 2025' -> date. Raises ValueError for an impossible date."""
    text = text.replace("\u00a0", " ")
    if "-" in text:
        return dt.date.fromisoformat(text)
    day, rest = text.split(".", 1)
    month, year = rest.split()
    return dt.date(int(year), MONTHS.index(month) + 1, int(day))


def _unquote(tok: Token) -> str:
    return str(tok)[1:-1]


@v_args(meta=True)
class _Builder(Transformer):
    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return NO_SPAN
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    @staticmethod
    def _tokens(children, *types):
        return [c for c in children if isinstance(c, Token) and c.type in types]

    @staticmethod
    def _nodes(children, cls):
        return [c for c in children if isinstance(c, cls)]

    def _one(self, children, cls):
        found = self._nodes(children, cls)
        return found[0] if found else None

    def _whole(self, tok: Token, what: str) -> int:
        value = parse_number(tok)
        if value != value.to_integral_value():
            raise _LiteralError(Diagnostic("RL104", f"{what} must be a whole number, not '{tok}'",
                                           token_span(tok, self.file)))
        return int(value)

    # -- module and declarations

    def start(self, meta, children):
        return n.Module(tuple(children), span=self._span(meta))

    def label(self, meta, children):
        strings = self._tokens(children, "STRING")
        return _Label(_unquote(strings[0]), _unquote(strings[1]) if len(strings) > 1 else None)

    def benefit_decl(self, meta, children):
        name = self._tokens(children, "NAME")[0]
        title = children[2]
        law, chapter = children[3]
        track = children[4]
        return n.BenefitDecl(str(name), title.nb, law, chapter, track, title_nn=title.nn,
                             span=self._span(meta))

    def law_clause(self, meta, children):
        law = str(self._tokens(children, "NAME")[0])
        num = self._tokens(children, "NUMBER")
        return (law, self._whole(num[0], "a chapter") if num else None)

    def track_clause(self, meta, children):
        return str(self._tokens(children, "NAME")[0])

    def facts_decl(self, meta, children):
        return n.FactsDecl(tuple(self._nodes(children, n.FactDecl)), span=self._span(meta))

    def fact_decl(self, meta, children):
        name = children[0]
        desc = _label(children[3:])
        return n.FactDecl(str(name), children[2], desc.nb if desc else None,
                          description_nn=desc.nn if desc else None, span=self._span(meta))

    def _simple_type(name):
        def method(self, meta, children):
            return n.TypeExpr(name, span=self._span(meta))
        return method

    date_type = _simple_type("dato")
    money_type = _simple_type("beløp")
    percent_type = _simple_type("prosent")
    int_type = _simple_type("heltall")
    dec_type = _simple_type("desimal")
    bool_type = _simple_type("ja/nei")

    def text_type(self, meta, children):
        allowed = tuple(_unquote(t) for t in self._tokens(children, "STRING"))
        return n.TypeExpr("tekst", allowed, span=self._span(meta))

    def list_type(self, meta, children):
        return n.TypeExpr("liste", (), children[-1], span=self._span(meta))

    def legal_basis(self, meta, children):
        return n.LegalBasis(tuple(self._nodes(children, n.LawRef)), span=self._span(meta))

    def law_ref(self, meta, children):
        law = self._tokens(children, "NAME")
        section = str(self._tokens(children, "SECTION")[0])
        section = section.replace("\u00a0", " ")[1:].strip()
        ledd = self._tokens(children, "LEDD")
        letter = self._tokens(children, "LETTER")
        return n.LawRef(str(law[0]) if law else None, section,
                        str(ledd[0]).replace("\u00a0", " ") if ledd else None,
                        str(letter[0])[-1] if letter else None, span=self._span(meta))

    def body(self, meta, children):
        rest = [c for c in children if not (isinstance(c, Token) and c.type == "EQUAL")]
        default = None
        if rest and not isinstance(rest[0], (n.Version, n.ExceptionClause)):
            default, rest = rest[0], rest[1:]
        return n.Body(default, tuple(self._nodes(rest, n.Version)),
                      tuple(self._nodes(rest, n.ExceptionClause)), span=self._span(meta))

    def_body = body  # `= main rule` in a beløp or verdi: the same shape after the '='

    @staticmethod
    def _period(children):
        """(start, end) of `fra A til B` among children; either may be None."""
        start = end = None
        for i, c in enumerate(children):
            if isinstance(c, Token) and c.type == "FROM":
                start = children[i + 1]
            elif isinstance(c, Token) and c.type == "TO" and isinstance(children[i + 1], n.DateLit):
                end = children[i + 1]
        return start, end

    def version(self, meta, children):
        start, end = self._period(children)
        return n.Version(start, end, children[-1], span=self._span(meta))

    def exception(self, meta, children):
        title = _label(children[:2])
        basis = self._one(children, n.LegalBasis)
        when_idx = next(i for i, c in enumerate(children) if isinstance(c, Token) and c.type == "WHEN")
        when = children[when_idx + 1]
        outcome = children[when_idx + 3] if len(children) > when_idx + 3 else None
        return n.ExceptionClause(title.nb if title else None, basis, when, outcome,
                                 title_nn=title.nn if title else None, span=self._span(meta))

    def not_applicable(self, meta, children):
        return n.NotApplicable(span=self._span(meta))

    def _header(self, children):
        """name, title, basis and nynorsk title of a definition header."""
        name = str(children[1])
        title = children[2] if len(children) > 2 and isinstance(children[2], _Label) else None
        strings = [c for c in children[2:3] if isinstance(c, Token) and c.type == "STRING"]
        if title is None and strings:
            title = _Label(_unquote(strings[0]), None)
        return (name, title.nb if title else None, self._one(children, n.LegalBasis),
                title.nn if title else None)

    def condition_decl(self, meta, children):
        name, title, basis, title_nn = self._header(children)
        discretionary = bool(self._tokens(children, "DISCRETION"))
        return n.ConditionDecl(name, title, basis, discretionary, children[-1], title_nn=title_nn,
                               span=self._span(meta))

    def amount_decl(self, meta, children):
        name, title, basis, title_nn = self._header(children)
        return n.AmountDecl(name, title, basis, children[-1], title_nn=title_nn, span=self._span(meta))

    def value_decl(self, meta, children):
        name, title, basis, title_nn = self._header(children)
        return n.ValueDecl(name, title, basis, children[-1], title_nn=title_nn, span=self._span(meta))

    def obligation_decl(self, meta, children):
        name, title, basis, title_nn = self._header(children)
        body = self._one(children, n.Body)
        idx = next(i for i, c in enumerate(children) if c is body)
        text = _label(children[idx + 1:])
        return n.ObligationDecl(name, title, basis, body, text.nb if text else None,
                                title_nn=title_nn, text_nn=text.nn if text else None,
                                span=self._span(meta))

    def rate_decl(self, meta, children):
        name, title, basis, _ = self._header(children)
        return n.RateDecl(name, title, basis, tuple(self._nodes(children, n.RateEntry)),
                          span=self._span(meta))

    def rate_entry(self, meta, children):
        start, end = self._period(children)
        return n.RateEntry(start, end, children[-1], span=self._span(meta))

    def track_decl(self, meta, children):
        name = str(children[1])
        title = children[2] if len(children) > 2 and isinstance(children[2], _Label) else None
        return n.TrackDecl(name, title.nb if title else None,
                           tuple(self._nodes(children, n.Step)), self._one(children, n.ReviewLimit),
                           title_nn=title.nn if title else None, span=self._span(meta))

    def step(self, meta, children):
        kind = str(children[0])
        body = str(children[2])
        label = children[3] if len(children) > 3 and isinstance(children[3], _Label) else None
        weeks = None
        for c in children:
            if isinstance(c, Token) and c.type == "NUMBER":
                weeks = self._whole(c, "a deadline in weeks")
        return n.Step(kind, body, label.nb if label else None, weeks, self._one(children, n.LegalBasis),
                      tuple(self._nodes(children, n.StepName)), name_nn=label.nn if label else None,
                      span=self._span(meta))

    def step_kind(self, meta, children):
        return children[0]

    def step_name(self, meta, children):
        start, end = self._period(children)
        label = children[1]
        return n.StepName(label.nb, start, end, name_nn=label.nn, span=self._span(meta))

    def review_limit(self, meta, children):
        label = children[1]
        return n.ReviewLimit(label.nb, children[2], text_nn=label.nn, span=self._span(meta))

    def letters_decl(self, meta, children):
        return n.LettersDecl(tuple(self._nodes(children, n.LetterText)), span=self._span(meta))

    def letter_text(self, meta, children):
        label = children[2]
        return n.LetterText(str(children[0]), label.nb, label.nn, span=self._span(meta))

    # -- expressions

    def if_then(self, meta, children):
        return n.If(children[1], children[3], children[5], span=self._span(meta))

    def or_(self, meta, children):
        ops = [c for c in children if not isinstance(c, Token)]
        if len(ops) == 1:
            return ops[0]
        return n.Or(tuple(ops), span=self._span(meta))

    def and_(self, meta, children):
        ops = [c for c in children if not isinstance(c, Token)]
        if len(ops) == 1:
            return ops[0]
        return n.And(tuple(ops), span=self._span(meta))

    def not_(self, meta, children):
        return n.Not(children[1], span=self._span(meta))

    def compare(self, meta, children):
        op = str(children[1])
        op = {"≥": ">=", "≤": "<=", "≠": "!="}.get(op, op)
        return n.Compare(op, children[0], children[2], span=self._span(meta))

    def cmp_op(self, meta, children):
        return children[0]

    def binop(self, meta, children):
        op = {"×": "*", "−": "-"}.get(str(children[1]), str(children[1]))
        return n.BinOp(op, children[0], children[2], span=self._span(meta))

    def neg(self, meta, children):
        return n.Neg(children[1], span=self._span(meta))

    def quantity(self, meta, children):
        unit = str(children[1]) if len(children) > 1 else None
        return n.Quantity(parse_number(children[0]), unit, span=self._span(meta))

    def unit(self, meta, children):
        return children[0]

    def name(self, meta, children):
        return n.Name(str(children[0]), span=self._span(meta))

    def text(self, meta, children):
        return n.Text(_unquote(children[0]), span=self._span(meta))

    def true(self, meta, children):
        return n.Bool(True, span=self._span(meta))

    def false(self, meta, children):
        return n.Bool(False, span=self._span(meta))

    def today(self, meta, children):
        return n.Today(span=self._span(meta))

    def call(self, meta, children):
        func = str(children[0])
        func = "minste av" if func.startswith("minste") and children[0].type == "MIN_OF" else func
        func = "største av" if children[0].type == "MAX_OF" else func
        args = children[2]
        return n.Call(func, tuple(args), span=self._span(meta))

    def args(self, meta, children):
        return [c for c in children if not isinstance(c, Token)]

    def atom(self, meta, children):
        # only the parenthesised form reaches here: ( expr )
        return children[1]

    def date(self, meta, children):
        tok = children[0]
        try:
            value = parse_date(str(tok))
        except ValueError:
            raise _LiteralError(Diagnostic(
                "RL103", f"'{tok}' is not a date", token_span(tok, self.file),
                hint="check the day and the month")) from None
        return n.DateLit(value, "iso" if tok.type == "ISO_DATE" else "no", span=self._span(meta))
