"""Three-valued (Kleene) logic of conditions, through `rulelang.evaluate`: a ja/nei fact that is
not given is `ukjent`, and `og`, `eller`, `ikke`, `hvis` and `unntak` propagate it only when the
known facts cannot decide the result (GUIDE.md §4.4: `nei og ukjent = nei`, `ja eller ukjent = ja`).
"""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from rulelang import evaluate
from rulelang.loader import load_sources

TRACK = """klagespor folketrygd "Klage"
  klage til klageinstans "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)
"""
HEAD = """ytelse t "T" lov folketrygdloven kapittel 4 klagespor folketrygd
opplysninger
  a: ja/nei
  b: ja/nei
  c: ja/nei
"""
DATE = "2025-06-02"
J, N, U = True, False, None  # ja, nei, ukjent (the fact is left out)
STATUS = {J: "met", N: "not_met", U: "unknown"}


def load(body: str):
    return load_sources({"klagespor.regel": TRACK, "t.regel": HEAD + body})


def given(**values):
    """The facts with the unknown ones left out, as a caller who does not know them would."""
    return {k: v for k, v in values.items() if v is not None}


def status(rules, cond, **values):
    return evaluate(rules, "t", given(**values), DATE).condition(cond).status


@pytest.fixture(scope="module")
def logic():
    rules = load("""
vilkår og_ "a og b" (§ 4-2)
  a og b
vilkår eller_ "a eller b" (§ 4-2)
  a eller b
vilkår ikke_ "ikke a" (§ 4-2)
  ikke a
vilkår c_brukt "c" (§ 4-2)
  c
""")
    assert rules.warnings == ()
    return rules


def kleene_and(x, y):
    if N in (x, y):
        return N
    return U if U in (x, y) else J


def kleene_or(x, y):
    if J in (x, y):
        return J
    return U if U in (x, y) else N


PAIRS = list(itertools.product([J, N, U], repeat=2))
NAMES = {J: "ja", N: "nei", U: "ukjent"}


def _id(pair):
    return " ".join(NAMES[v] for v in pair)


# The tables written out, so that they read as the spec (and the helper above is checked too).
AND_TABLE = {(J, J): J, (J, N): N, (J, U): U, (N, J): N, (N, N): N, (N, U): N,
             (U, J): U, (U, N): N, (U, U): U}
OR_TABLE = {(J, J): J, (J, N): J, (J, U): J, (N, J): J, (N, N): N, (N, U): U,
            (U, J): J, (U, N): U, (U, U): U}


@pytest.mark.parametrize("a,b", PAIRS, ids=[_id(p) for p in PAIRS])
def test_og(logic, a, b):
    assert AND_TABLE[a, b] == kleene_and(a, b)
    assert status(logic, "og_", a=a, b=b) == STATUS[AND_TABLE[a, b]]


@pytest.mark.parametrize("a,b", PAIRS, ids=[_id(p) for p in PAIRS])
def test_eller(logic, a, b):
    assert OR_TABLE[a, b] == kleene_or(a, b)
    assert status(logic, "eller_", a=a, b=b) == STATUS[OR_TABLE[a, b]]


@pytest.mark.parametrize("a,expected", [(J, N), (N, J), (U, U)], ids=["ja", "nei", "ukjent"])
def test_ikke(logic, a, expected):
    assert status(logic, "ikke_", a=a) == STATUS[expected]


TRIPLES = list(itertools.product([J, N, U], repeat=3))


@pytest.mark.parametrize("a,b,c", TRIPLES, ids=[_id(t) for t in TRIPLES])
def test_og_and_eller_are_commutative_associative_and_distributive(a, b, c, logic_laws):
    got = {name: status(logic_laws, name, a=a, b=b, c=c) for name in LAWS}
    assert got["og_ab"] == got["og_ba"] and got["eller_ab"] == got["eller_ba"]
    assert got["og_3"] == got["og_3_right"] == STATUS[kleene_and(kleene_and(a, b), c)]
    assert got["eller_3"] == got["eller_3_right"] == STATUS[kleene_or(kleene_or(a, b), c)]
    assert got["de_morgan"] == got["de_morgan_other"]
    assert got["distributive"] == got["distributive_other"]


LAWS = {
    "og_ab": "a og b", "og_ba": "b og a", "eller_ab": "a eller b", "eller_ba": "b eller a",
    "og_3": "a og b og c", "og_3_right": "a og (b og c)",
    "eller_3": "a eller b eller c", "eller_3_right": "a eller (b eller c)",
    "de_morgan": "ikke (a og b)", "de_morgan_other": "ikke a eller ikke b",
    "distributive": "a og (b eller c)", "distributive_other": "a og b eller a og c",
}


@pytest.fixture(scope="module")
def logic_laws():
    return load("".join(f'vilkår {name} "{name}" (§ 4-2)\n  {rule}\n' for name, rule in LAWS.items()))


# -- hvis with an unknown condition ------------------------------------------------------------

@pytest.fixture(scope="module")
def choice():
    return load("""
vilkår lik "Lik" (§ 4-2)
  hvis a så b ellers b
vilkår ulik "Ulik" (§ 4-2)
  hvis a så b ellers ikke b
vilkår c_brukt "c" (§ 4-2)
  c eller ja
""")


@pytest.fixture(scope="module")
def amounts():
    return load("""
vilkår k "K" (§ 4-2)
  c
beløp samme "Samme" (§ 4-12) = hvis a så 100 kr ellers 100 kr
beløp forskjellig "Forskjellig" (§ 4-12) = hvis a så 100 kr ellers 200 kr
beløp nestet "Nestet" (§ 4-12) = hvis a så (hvis b så 1 kr ellers 2 kr) ellers 1 kr
""")


@pytest.mark.parametrize("a", [J, N])
def test_hvis_with_a_known_condition_picks_its_branch(choice, a):
    assert status(choice, "lik", a=a, b=J) == "met"
    assert status(choice, "ulik", a=a, b=J) == ("met" if a else "not_met")


def test_hvis_with_an_unknown_condition_and_agreeing_branches_is_known(choice):
    assert status(choice, "lik", b=J) == "met"
    assert status(choice, "lik", b=N) == "not_met"


def test_hvis_with_an_unknown_condition_and_differing_branches_is_unknown(choice):
    assert status(choice, "ulik", b=J) == "unknown"
    assert status(choice, "ulik", b=N) == "unknown"


def test_an_unknown_branch_that_is_not_taken_does_not_matter(choice):
    assert status(choice, "ulik", a=J) == "unknown"  # b decides, and b is unknown
    assert status(choice, "lik") == "unknown"


def test_hvis_in_an_amount(amounts):
    d = evaluate(amounts, "t", {"c": True}, DATE)  # a and b unknown
    assert d.outcome == "granted"
    assert d.amount("samme").value == Decimal(100)
    assert d.amount("forskjellig").value is None
    assert d.amount("nestet").value is None  # a unknown, and b decides one side
    d = evaluate(amounts, "t", {"b": True, "c": True}, DATE)
    assert d.amount("nestet").value == Decimal(1)  # a unknown, but both sides give 1 kr when b is ja
    d = evaluate(amounts, "t", {"a": False, "c": True}, DATE)
    assert [d.amount(x).value for x in ("samme", "forskjellig", "nestet")] == [100, 200, 1]


# -- exceptions --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exceptions():
    return load("""
vilkår med_unntak "Med unntak" (§ 4-2)
  a
  unntak "U" (§ 4-19) når c
vilkår unntak_nei "Unntak som gir nei" (§ 4-2)
  a
  unntak "U" (§ 4-19) når c: nei
vilkår gjelder_ikke "Gjelder ikke" (§ 4-2)
  a
  unntak "U" (§ 4-19) når c: gjelder ikke
vilkår b_brukt "b" (§ 4-2)
  b eller ja
""")


@pytest.mark.parametrize("a,c,expected", [
    (J, J, "met"), (J, N, "met"), (J, U, "met"),           # the main rule holds: met either way
    (N, J, "met"), (N, N, "not_met"), (N, U, "unknown"),   # the exception decides
    (U, J, "met"), (U, N, "unknown"), (U, U, "unknown"),
], ids=lambda v: NAMES.get(v, v) if v in (J, N, U) else v)
def test_an_exception_without_a_value_makes_the_vilkår_met(exceptions, a, c, expected):
    assert status(exceptions, "med_unntak", a=a, c=c) == expected


@pytest.mark.parametrize("a,c,expected", [
    (J, J, "not_met"), (J, N, "met"), (J, U, "unknown"),
    (N, J, "not_met"), (N, N, "not_met"), (N, U, "not_met"),
    (U, J, "not_met"), (U, N, "unknown"), (U, U, "unknown"),
], ids=lambda v: NAMES.get(v, v) if v in (J, N, U) else v)
def test_an_exception_with_a_value_replaces_the_rule(exceptions, a, c, expected):
    assert status(exceptions, "unntak_nei", a=a, c=c) == expected


@pytest.mark.parametrize("a,c,expected", [
    (J, J, "not_applicable"), (N, J, "not_applicable"), (U, J, "not_applicable"),
    (J, N, "met"), (N, N, "not_met"), (U, N, "unknown"),
    (J, U, "met"), (N, U, "unknown"), (U, U, "unknown"),
], ids=lambda v: NAMES.get(v, v) if v in (J, N, U) else v)
def test_gjelder_ikke(exceptions, a, c, expected):
    assert status(exceptions, "gjelder_ikke", a=a, c=c) == expected


def test_a_vilkår_that_does_not_apply_does_not_stop_a_grant():
    rules = load("""
vilkår k "K" (§ 4-2)
  b
vilkår gi "Gjelder ikke" (§ 4-2)
  a
  unntak "U" (§ 4-19) når c: gjelder ikke
""")
    d = evaluate(rules, "t", {"a": False, "b": True, "c": True}, DATE)
    assert [(c.id, c.status) for c in d.conditions] == [("k", "met"), ("gi", "not_applicable")]
    assert d.outcome == "granted"
    assert evaluate(rules, "t", {"b": True, "c": True}, DATE).outcome == "granted"  # a unknown
    assert evaluate(rules, "t", {"a": False, "b": True, "c": False}, DATE).outcome == "denied"
    assert evaluate(rules, "t", {"a": False, "b": True}, DATE).outcome == "undetermined"
