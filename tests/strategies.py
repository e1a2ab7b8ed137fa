"""Hypothesis strategies for rulelang ASTs (GUIDE §4.11.3).

Everything here builds `rulelang.nodes` values directly (spans default to NO_SPAN), in the
shapes the builder produces, so that `parse_module(format_module(m)) == m` is a fair property:

* `names`: identifiers, never a keyword (the keyword set is derived from the grammar's terminals);
* `numbers`, `quantities`, `dates`, `texts`: literals (Norwegian numbers with thousands and
  decimals, the units kr / % / G / uker / dager / år, dates in ISO and Norwegian style);
* `expressions()`: every expression node kind, recursively, with `max_leaves` set;
* `modules()`: whole files with every kind of declaration.

Shapes the builder never produces are avoided on purpose: a negative `Quantity` (the text `-5`
is `Neg(Quantity(5))`), an `And`/`Or` with fewer than two operands, a `Call` without arguments.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from hypothesis import strategies as st

from rulelang import nodes as n
from rulelang.parser import get_parser

# --- names ------------------------------------------------------------------------------------

NAME_RE = r"[a-zæøå_][a-zæøå0-9_]{0,12}"


def _keywords() -> tuple[frozenset[str], frozenset[str]]:
    """(keywords, unsafe words) from the grammar terminals: the keywords are the string
    terminals (`og`, `vilkår`, `kr`, `G`); the unsafe words also include the first word of a
    regex terminal (`minste` of `minste av`, `bokstav` of `bokstav a`), which is a name on its
    own but not in front of the rest of that terminal."""
    keywords, unsafe = set(), set()
    for term in get_parser().terminals:
        if term.name == "NAME":
            continue
        if term.pattern.type == "str":
            keywords.add(term.pattern.value)
        else:
            m = re.match(r"[a-zæøå]+", term.pattern.value)
            if m:
                unsafe.add(m.group(0))
    return frozenset(keywords), frozenset(keywords | unsafe)


STR_KEYWORDS, KEYWORDS = _keywords()

names = st.from_regex(NAME_RE, fullmatch=True).filter(lambda s: s not in KEYWORDS)

# --- literals ---------------------------------------------------------------------------------


@st.composite
def numbers(draw) -> Decimal:
    """A non-negative Decimal: small and large integers (thousands groups) and decimals."""
    whole = draw(st.one_of(st.integers(0, 99), st.integers(100, 99_999),
                           st.integers(100_000, 10**12)))
    places = draw(st.sampled_from([0, 0, 1, 2, 3, 5]))
    if places == 0:
        return Decimal(whole)
    frac = draw(st.integers(0, 10**places - 1))
    return Decimal(whole) + Decimal(frac).scaleb(-places)


UNITS = (None, "kr", "%", "G", "uker", "dager", "år")

quantities = st.builds(n.Quantity, numbers(), st.sampled_from(UNITS))

dates = st.builds(n.DateLit, st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
                  st.sampled_from(["iso", "no"]))

# a text literal: anything without a double quote or a newline (the STRING terminal)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\n\r'),
                max_size=20)

literals = st.one_of(
    quantities,
    st.builds(n.Bool, st.booleans()),
    st.builds(n.Text, texts),
    dates,
    st.builds(n.Today),
)

# --- expressions ------------------------------------------------------------------------------

FUNCTIONS = ("avrundet", "alder", "fyller", "slutten_av_måneden", "sum", "antall")


def _extend(children):
    two_or_more = st.lists(children, min_size=2, max_size=4).map(tuple)
    args = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.builds(n.And, two_or_more),
        st.builds(n.Or, two_or_more),
        st.builds(n.Not, children),
        st.builds(n.Compare, st.sampled_from(["=", "!=", ">=", "<=", ">", "<"]), children, children),
        st.builds(n.BinOp, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(n.Neg, children),
        st.builds(n.If, children, children, children),
        st.builds(n.Call, st.one_of(st.sampled_from(FUNCTIONS + ("minste av", "største av")), names),
                  args),
    )


def expressions(leaves=None, max_leaves: int = 12):
    """Any expression: literals, names (and `G`) at the leaves, every node kind above them."""
    if leaves is None:
        leaves = st.one_of(literals, st.builds(n.Name, st.one_of(names, st.just("G"))))
    return st.recursive(leaves, _extend, max_leaves=max_leaves)


# --- declarations -----------------------------------------------------------------------------

SECTIONS = st.one_of(
    st.builds(lambda a, b: f"{a}-{b}", st.integers(1, 30), st.integers(1, 40)),
    st.integers(1, 200).map(str),
    st.builds(lambda a, c: f"{a} {c}", st.integers(1, 200), st.sampled_from("abcdz")),
)
LEDD = ("første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende", "niende",
        "tiende")

law_refs = st.builds(
    n.LawRef,
    st.one_of(st.none(), names),
    SECTIONS,
    st.one_of(st.none(), st.sampled_from(LEDD).map(lambda w: f"{w} ledd")),
    st.one_of(st.none(), st.sampled_from("abcæøå")),
)
legal_bases = st.builds(n.LegalBasis, st.lists(law_refs, min_size=1, max_size=3).map(tuple))
opt_basis = st.one_of(st.none(), legal_bases)
opt_text = st.one_of(st.none(), texts)


def _types(depth=1):
    simple = st.one_of(
        st.sampled_from(["dato", "beløp", "prosent", "heltall", "desimal", "ja/nei", "tekst"])
        .map(n.TypeExpr),
        st.builds(lambda a: n.TypeExpr("tekst", tuple(a)), st.lists(texts, min_size=1, max_size=3)),
    )
    if depth == 0:
        return simple
    return st.one_of(simple, _types(depth - 1).map(lambda t: n.TypeExpr("liste", (), t)))


type_exprs = _types()
fact_decls = st.builds(n.FactDecl, names, type_exprs, opt_text)
facts_decls = st.builds(n.FactsDecl, st.lists(fact_decls, max_size=4).map(tuple))

benefit_decls = st.builds(n.BenefitDecl, names, texts, names,
                          st.one_of(st.none(), st.integers(0, 99_999)), names,
                          title_nn=st.one_of(st.none(), texts))

opt_date = st.one_of(st.none(), dates)


def bodies(exprs, defaults=True):
    versions = st.builds(n.Version, opt_date, opt_date, exprs)
    outcome = st.one_of(st.none(), st.builds(n.NotApplicable), exprs)
    exceptions = st.builds(n.ExceptionClause, opt_text, legal_bases, exprs, outcome)
    default = st.one_of(st.none(), exprs) if defaults else st.none()
    return st.builds(n.Body, default, st.lists(versions, max_size=2).map(tuple),
                     st.lists(exceptions, max_size=2).map(tuple))


def declarations(exprs=None):
    exprs = exprs if exprs is not None else expressions(max_leaves=6)
    body = bodies(exprs)
    rate_value = st.one_of(st.builds(n.Quantity, numbers(), st.sampled_from(UNITS)),
                           st.builds(n.Neg, st.builds(n.Quantity, numbers(), st.sampled_from(UNITS))))
    rate_entries = st.builds(n.RateEntry, dates, opt_date, rate_value)
    step_names = st.builds(n.StepName, texts, opt_date, opt_date, name_nn=opt_text)
    letter_texts = st.builds(n.LetterText, names, texts, opt_text)
    steps = st.builds(n.Step, st.sampled_from(["klage", "anke", "søksmål"]), names, opt_text,
                      st.one_of(st.none(), st.integers(0, 99_999)), opt_basis,
                      st.lists(step_names, max_size=2).map(tuple))
    return st.one_of(
        benefit_decls,
        facts_decls,
        st.builds(n.ValueDecl, names, opt_text, opt_basis, body),
        st.builds(n.ConditionDecl, names, texts, opt_basis, st.booleans(), body, title_nn=opt_text),
        st.builds(n.AmountDecl, names, opt_text, opt_basis, body),
        st.builds(n.ObligationDecl, names, texts, opt_basis, body, opt_text, title_nn=opt_text),
        st.builds(n.LettersDecl, st.lists(letter_texts, max_size=3).map(tuple)),
        st.builds(n.RateDecl, st.one_of(names, st.just("G")), opt_text, opt_basis,
                  st.lists(rate_entries, max_size=3).map(tuple)),
        st.builds(n.TrackDecl, names, opt_text, st.lists(steps, max_size=3).map(tuple),
                  st.one_of(st.none(), st.builds(n.ReviewLimit, texts, legal_bases, text_nn=opt_text))),
    )


def modules(exprs=None, max_decls: int = 6):
    """A whole rule file (syntax only: the checker would reject most of them)."""
    return st.builds(n.Module, st.lists(declarations(exprs), max_size=max_decls).map(tuple))
