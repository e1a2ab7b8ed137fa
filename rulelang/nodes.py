"""AST for rule files. Built by builder.py; consumed by checker.py, compiler.py, reference.py
and printer.py.

Nodes are immutable `attrs` classes. Every node carries a `Span`; equality and hashing ignore
spans, so two trees with the same structure compare equal wherever they came from (the
round-trip property `build(parse(print(m))) == m` relies on this). Child sequences are tuples.
Nodes hold data only: checking, evaluation and printing are functions in their stage modules.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attrs import field, frozen

from .errors import NO_SPAN, Span


@frozen
class Node:
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


# --- Expressions -------------------------------------------------------------------------------

@frozen
class Quantity(Node):
    """A number with an optional unit: `40`, `1,5 G`, `130 160 kr`, `50 %`, `26 uker`."""

    value: Decimal
    unit: str | None = None  # None, "kr", "%", "G", "uker", "dager", "år"


@frozen
class Bool(Node):
    """`ja` / `nei`."""

    value: bool


@frozen
class Text(Node):
    """A text literal: `"enslig"`."""

    value: str


@frozen
class DateLit(Node):
    """A date: `2025-05-01` (style "iso") or `1. mai 2025` (style "no")."""

    value: dt.date
    style: str = "iso"


@frozen
class Name(Node):
    """A reference to a fact, a value, an amount or a rate (`G`)."""

    name: str


@frozen
class Today(Node):
    """`prøvingsdato`: the date the rules are applied at."""


@frozen
class Neg(Node):
    """`-x`."""

    operand: "Expr"


@frozen
class BinOp(Node):
    """Arithmetic: op is one of + - * /."""

    op: str
    left: "Expr"
    right: "Expr"


@frozen
class Compare(Node):
    """A comparison: op is one of = != >= <= > <."""

    op: str
    left: "Expr"
    right: "Expr"


@frozen
class And(Node):
    """`a og b og c`: three-valued (Kleene) conjunction."""

    operands: tuple = field(converter=tuple)


@frozen
class Or(Node):
    """`a eller b`: three-valued (Kleene) disjunction."""

    operands: tuple = field(converter=tuple)


@frozen
class Not(Node):
    """`ikke a`."""

    operand: "Expr"


@frozen
class If(Node):
    """`hvis c så a ellers b`."""

    cond: "Expr"
    then: "Expr"
    else_: "Expr"


@frozen
class Call(Node):
    """A built-in function: `avrundet(x)`, `alder(fødselsdato)`, `minste av(a; b)`."""

    func: str
    args: tuple = field(converter=tuple)


Expr = Quantity | Bool | Text | DateLit | Name | Today | Neg | BinOp | Compare | And | Or | Not | If | Call


# --- Declarations ------------------------------------------------------------------------------

@frozen
class LawRef(Node):
    """One legal provision: `folketrygdloven § 4-4 første ledd bokstav a`. `law` is None when
    the reference is to the benefit's own law."""

    law: str | None
    section: str            # "4-4", "20 a"
    subsection: str | None = None  # "første ledd"
    letter: str | None = None      # "a"


@frozen
class LegalBasis(Node):
    """`(§ 4-4 første ledd)` or several references separated by `;`."""

    refs: tuple = field(converter=tuple)


@frozen
class TypeExpr(Node):
    """A fact type: dato, beløp, prosent, heltall, desimal, ja/nei, tekst (with allowed values),
    or `liste av T`."""

    name: str
    allowed: tuple = field(default=(), converter=tuple)
    element: "TypeExpr | None" = None


@frozen
class FactDecl(Node):
    """`navn: type "beskrivelse"` inside `opplysninger`."""

    name: str
    type: TypeExpr
    description: str | None = None
    description_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class FactsDecl(Node):
    """The `opplysninger` block."""

    facts: tuple = field(converter=tuple)


@frozen
class BenefitDecl(Node):
    """`ytelse id "tittel" lov LOV [kapittel N] klagespor SPOR`."""

    name: str
    title: str
    law: str
    chapter: int | None
    track: str
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class Version(Node):
    """`gjelder fra A til B: expr`: replaces the main rule for dates in [A, B]."""

    start: DateLit | None
    end: DateLit | None
    expr: Expr


@frozen
class NotApplicable(Node):
    """`gjelder ikke`: the outcome of an exception that makes a condition irrelevant."""


@frozen
class ExceptionClause(Node):
    """`unntak (basis) når c[: outcome]`. Without an outcome the condition is met when c holds."""

    title: str | None
    basis: LegalBasis
    when: Expr
    outcome: "Expr | NotApplicable | None" = None
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class Body(Node):
    """A definition: a main rule (optional), dated versions and exceptions."""

    default: "Expr | None"
    versions: tuple = field(default=(), converter=tuple)
    exceptions: tuple = field(default=(), converter=tuple)


@frozen
class ConditionDecl(Node):
    """`vilkår id "tittel" (hjemmel) [skjønn] body`."""

    name: str
    title: str
    basis: LegalBasis | None
    discretionary: bool
    body: Body
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class AmountDecl(Node):
    """`beløp id "tittel" (hjemmel) = body`: an amount the decision reports when granted."""

    name: str
    title: str | None
    basis: LegalBasis | None
    body: Body
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class ValueDecl(Node):
    """`verdi id ["tittel"] [(hjemmel)] = body`: a named intermediate value."""

    name: str
    title: str | None
    basis: LegalBasis | None
    body: Body
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class ObligationDecl(Node):
    """`plikt id "tittel" (hjemmel) body tekst "..."`: a duty attached to a grant when body holds."""

    name: str
    title: str
    basis: LegalBasis | None
    body: Body
    text: str | None = None
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk
    text_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class RateEntry(Node):
    """`fra A [til B]: value` inside a `sats`."""

    start: DateLit
    end: DateLit | None
    value: Expr


@frozen
class RateDecl(Node):
    """`sats id "tittel" (hjemmel)` with dated entries: a parameter that changes by date."""

    name: str
    title: str | None
    basis: LegalBasis | None
    entries: tuple = field(converter=tuple)


@frozen
class StepName(Node):
    """`navn "Statsforvalteren" fra 1. januar 2021`: the name of an appeal body by date."""

    name: str
    start: DateLit | None = None
    end: DateLit | None = None
    name_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class Step(Node):
    """One step of an appeal track: `klage til klageinstans "NAV Klageinstans" innen 6 uker (...)`."""

    kind: str                 # "klage", "anke", "søksmål"
    body: str                 # "klageinstans", "trygderetten", "fylkesmann", ...
    name: str | None
    deadline_weeks: int | None
    basis: LegalBasis | None
    names: tuple = field(default=(), converter=tuple)
    name_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class ReviewLimit(Node):
    """`skjønnsgrense "åpenbart urimelig" (hjemmel)`: how far the klageinstans may review skjønn."""

    text: str
    basis: LegalBasis
    text_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class TrackDecl(Node):
    """`klagespor id`: the route of appeal for decisions under a law."""

    name: str
    title: str | None
    steps: tuple = field(converter=tuple)
    review_limit: ReviewLimit | None = None
    title_nn: str | None = field(default=None, kw_only=True)  # nynorsk


@frozen
class LetterText(Node):
    """`innvilget: "Du får dagpenger." nynorsk "Du får dagpengar."` inside `brev`."""

    outcome: str          # innvilget | avslag | ikke_avgjort
    text: str
    text_nn: str | None = None


@frozen
class LettersDecl(Node):
    """`brev`: the opening sentence of the letter for each outcome, in bokmål and nynorsk."""

    texts: tuple = field(converter=tuple)


@frozen
class Module(Node):
    """One rule file."""

    decls: tuple = field(converter=tuple)


Decl = (BenefitDecl | FactsDecl | ValueDecl | ConditionDecl | AmountDecl | ObligationDecl
        | RateDecl | TrackDecl | LettersDecl)


def dump(node) -> str:
    """An s-expression of a node, for golden tests: `(Compare >= (Name alder) (Quantity 67))`."""
    if isinstance(node, tuple):
        return "(" + " ".join(dump(n) for n in node) + ")"
    if not isinstance(node, Node):
        return repr(node) if isinstance(node, str) else str(node)
    parts = [type(node).__name__]
    for a in node.__attrs_attrs__:
        if a.name == "span":
            continue
        v = getattr(node, a.name)
        if v is None or v == ():
            continue
        parts.append(dump(v))
    return "(" + " ".join(parts) + ")"
