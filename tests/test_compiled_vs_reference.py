"""The compiled closures (compiler.py) and the reference tree-walker (reference.py) agree.

(a) On the real `rules/` tree, benefit `dagpenger`: for generated facts (each present or absent,
    realistic ranges, boundary values such as exactly 1,5 G) and dates 2019–2026, every vilkår,
    beløp and plikt body gives the same value (the same UNKNOWN / NOT_APPLICABLE marker) and the
    same applied exception.
(b) On a small generated benefit (ja/nei, beløp and dato facts, some missing): generated, well
    typed expressions give the same value, or the same error, compiled and by reference.

And two monotonicity properties: adding a missing fact never turns `granted` into `denied` or back
(only `undetermined` can change), and never changes a value that was already known.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import strategies as S
from rulelang import nodes as n
from rulelang import reference as R
from rulelang.errors import RuleEvalError
from rulelang.evaluator import evaluate
from rulelang.facts import validate
from rulelang.loader import load_rules, load_sources
from rulelang.printer import format_expr
from rulelang.values import NOT_APPLICABLE, UNKNOWN

RULES = Path(__file__).resolve().parent.parent / "rules"
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

_MARKERS = (UNKNOWN, NOT_APPLICABLE, R.NOT_IN_FORCE)


def same(a, b) -> bool:
    """Equal values of the same type (True is not Decimal(1)); markers by identity."""
    if a in _MARKERS or b in _MARKERS:
        return a is b
    return type(a) is type(b) and a == b


def outcome(f, *args):
    """f(*args) as ("ok", result) or ("error", exception class)."""
    try:
        return ("ok", f(*args))
    except RuleEvalError as exc:
        return ("error", type(exc))


def agree(x, y) -> bool:
    if x[0] != y[0]:
        return False
    if x[0] == "error":
        return x[1] is y[1]
    return same(x[1], y[1])


# --- (a) the real dagpenger rules ------------------------------------------------------------

@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


@pytest.fixture(scope="module")
def dagpenger(rules):
    return rules.compiled["dagpenger"]


PANDEMIC_EDGES = [dt.date(2020, 3, 19), dt.date(2020, 3, 20), dt.date(2020, 10, 31),
                  dt.date(2020, 11, 1), dt.date(2021, 2, 19), dt.date(2021, 9, 30),
                  dt.date(2021, 12, 15), dt.date(2022, 3, 31), dt.date(2022, 4, 1),
                  dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2025, 4, 30),
                  dt.date(2025, 5, 1)]
dates = st.one_of(st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)),
                  st.sampled_from(PANDEMIC_EDGES))


def _g(compiled, on: dt.date) -> Decimal:
    return compiled.tables["G"].at(on)


def _income(g: Decimal, factors):
    """An income: anything up to 10 G, or exactly (or 1 kr either side of) a threshold."""
    return st.one_of(
        st.just(0),
        st.integers(0, int(10 * g)),
        st.builds(lambda f, d: max(Decimal(0), f * g + d), st.sampled_from(factors),
                  st.sampled_from([Decimal(-1), Decimal(0), Decimal(0), Decimal(1)])),
    )


@st.composite
def dagpenger_cases(draw, compiled):
    """(facts as the caller sends them, date). Each fact is present or absent (mostly present),
    values are biased towards a grant so that every outcome and status turns up."""
    on = draw(dates)
    g = _g(compiled, on)
    mostly = st.sampled_from([True, True, True, False])
    hours = st.one_of(st.just(0), st.just(40), st.just(Decimal("37.5")),
                      st.decimals(0, 60, places=1))
    vanlig = draw(hours)
    v = min(Decimal(vanlig), Decimal(40))
    ny = draw(st.one_of(st.just(0), hours,
                        st.sampled_from([v / 2, v * Decimal("0.6"), v / 2 + Decimal("0.1")])))
    turns_67 = dt.date(on.year - 67, on.month, min(on.day, 28))
    born = draw(st.one_of(st.dates(dt.date(1950, 1, 1), dt.date(2005, 12, 31)),
                          st.builds(lambda d: turns_67 + dt.timedelta(days=d), st.integers(-40, 40)),
                          st.just(dt.date(1956, 2, 29))))
    candidates = {
        "fødselsdato": born.isoformat(),
        "arbeidsinntekt_siste_12_mnd": draw(_income(g, [Decimal("0.75"), Decimal("1.5"), Decimal(2), Decimal(6)])),
        "arbeidsinntekt_siste_36_mnd": draw(_income(g, [Decimal("2.25"), Decimal(3), Decimal(6), Decimal(18)])),
        "vanlig_arbeidstid": vanlig,
        "ny_arbeidstid": ny,
        "oppholder_seg_i_norge": draw(mostly),
        "reell_arbeidssøker": draw(mostly),
        "registrert_som_arbeidssøker": draw(mostly),
        "avtjent_verneplikt": draw(st.booleans()),
        "permittert_fra_fiskeindustrien": draw(st.booleans()),
        "antall_barn": draw(st.integers(0, 6)),
    }
    if draw(st.booleans()):  # a case that is granted when its facts are all there
        candidates.update(oppholder_seg_i_norge=True, reell_arbeidssøker=True,
                          registrert_som_arbeidssøker=True, vanlig_arbeidstid=vanlig or 40,
                          ny_arbeidstid=draw(st.sampled_from([0, v / 2, v / 4])),
                          fødselsdato=draw(st.dates(dt.date(1960, 1, 1), dt.date(2000, 12, 31))).isoformat())
    present = {k: draw(st.sampled_from([True, True, True, True, True, False])) for k in candidates}
    facts = {k: v for k, v in candidates.items() if present[k]}
    return facts, on


def _bodies(compiled):
    yield from compiled.conditions
    yield from compiled.amounts
    yield from compiled.obligations


@SLOW
@given(st.data())
def test_dagpenger_compiled_and_reference_agree(dagpenger, data):
    raw, on = data.draw(dagpenger_cases(dagpenger))
    model = dagpenger.model
    facts = validate(raw, model.facts, model.fact_types, "dagpenger")
    ctx = dagpenger.new_ctx(on, facts)
    env = R.Env(model, dagpenger.program, facts, on, dagpenger.tables)
    for decl, fn in _bodies(dagpenger):
        got = outcome(fn, ctx)
        want = outcome(R.eval_body, decl.body, env)
        assert got[0] == want[0], (decl.name, got, want)
        if got[0] == "error":
            continue
        (value, applied), (ref_value, missing, ref_applied) = got[1], want[1]
        assert same(value, ref_value), (decl.name, value, ref_value)
        assert applied is ref_applied or applied == ref_applied, decl.name
        if ref_value is not UNKNOWN:
            assert missing == frozenset(), decl.name
        else:
            assert missing and missing.isdisjoint(facts), (decl.name, missing)


@SLOW
@given(st.data())
def test_dagpenger_boundaries_are_inclusive(dagpenger, rules, data):
    """Exactly 1,5 G (12 months) or 3 G (36 months) meets minsteinntekt; 1 kr less does not."""
    on = data.draw(st.dates(dt.date(2022, 4, 1), dt.date(2026, 12, 31)))
    g = _g(dagpenger, on)
    which, factor = data.draw(st.sampled_from([("arbeidsinntekt_siste_12_mnd", Decimal("1.5")),
                                               ("arbeidsinntekt_siste_36_mnd", Decimal(3))]))
    base = {"arbeidsinntekt_siste_12_mnd": 0, "arbeidsinntekt_siste_36_mnd": 0,
            "avtjent_verneplikt": False}
    at = evaluate(rules, "dagpenger", {**base, which: factor * g}, on).condition("minsteinntekt")
    below = evaluate(rules, "dagpenger", {**base, which: factor * g - 1}, on).condition("minsteinntekt")
    assert (at.status, below.status) == ("met", "not_met")


# --- monotonicity -----------------------------------------------------------------------------

@SLOW
@given(st.data())
def test_adding_a_missing_fact_never_flips_a_decided_outcome(dagpenger, rules, data):
    full, on = data.draw(dagpenger_cases(dagpenger))
    names = sorted(full)
    assume(names)
    hidden = data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
    partial = {k: v for k, v in full.items() if k not in hidden}
    before = evaluate(rules, "dagpenger", partial, on)
    after = evaluate(rules, "dagpenger", full, on)
    if before.outcome != "undetermined":
        assert after.outcome == before.outcome, (partial, full, on)
    if before.outcome == "denied":
        assert before.missing_facts == ()
    if before.outcome == after.outcome == "granted":
        for a in before.amounts:  # a value known without the facts cannot change with them
            if a.value is not None:
                assert after.amount(a.id).value == a.value, (a.id, partial, full, on)
    for c in before.conditions:  # a met / not_met condition stays decided
        if c.status == "not_met":
            assert after.condition(c.id).status == "not_met", c.id
        if c.status == "met":
            assert after.condition(c.id).status in ("met", "not_applicable"), c.id


# --- (b) generated expressions over a generated benefit -------------------------------------

GRUNNBELOP = (RULES / "folketrygd" / "grunnbelop.regel").read_text("utf-8")
KLAGESPOR = (RULES / "folketrygd" / "klagespor.regel").read_text("utf-8")
_FIXED = {"gen_vilkår", "gen_beløp", "gen_sum", "gen_dato", "gen_vilkår_verdi", "gen"}


@st.composite
def benefits(draw):
    """Fact names by type: 1–3 ja/nei, 1–3 beløp, one dato; all distinct."""
    fresh = S.names.filter(lambda s: s not in _FIXED and s not in S.FUNCTIONS)
    names = draw(st.lists(fresh, min_size=7, max_size=7, unique=True))
    nb, nk = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return {"bool": names[:nb], "kr": names[3:3 + nk], "date": names[6:7]}


def _small():
    return st.one_of(st.sampled_from([0, 1, 2, 100, 1000]), st.integers(0, 10**6)).map(Decimal)


def typed_expressions(facts):
    """(bool, kr) expression strategies over the facts, well typed by construction."""
    kr_leaf = st.one_of(
        st.sampled_from(facts["kr"] + ["gen_sum"]).map(n.Name),
        st.builds(n.Quantity, _small(), st.just("kr")),
        st.builds(n.Quantity, st.sampled_from([Decimal("0.5"), Decimal("1.5"), Decimal(3)]),
                  st.just("G")),
    )
    scalar = st.one_of(
        st.builds(n.Quantity, st.sampled_from([Decimal(0), Decimal(2), Decimal("0.0024")])),
        st.builds(n.Quantity, st.sampled_from([Decimal(50), Decimal("62.4")]), st.just("%")),
    )
    date_leaf = st.one_of(
        st.sampled_from(facts["date"] + ["gen_dato"]).map(n.Name),
        st.builds(n.Today),
        st.builds(n.DateLit, st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31))),
    )
    date = st.one_of(
        date_leaf,
        st.builds(n.BinOp, st.sampled_from("+-"), date_leaf,
                  st.builds(n.Quantity, st.integers(0, 100).map(Decimal),
                            st.sampled_from(["uker", "dager", "år"]))),
        st.builds(lambda d: n.Call("slutten_av_måneden", (d,)), date_leaf),
        st.builds(lambda d, a: n.Call("fyller", (d, n.Quantity(Decimal(a)))), date_leaf,
                  st.integers(0, 80)),
    )

    bool_leaf = st.one_of(
        st.sampled_from(facts["bool"] + ["gen_vilkår_verdi"]).map(n.Name),
        st.builds(n.Bool, st.booleans()),
    )

    def kr_extend(kr):
        return st.one_of(
            st.builds(n.BinOp, st.sampled_from("+-"), kr, kr),
            st.builds(n.BinOp, st.just("*"), kr, scalar),
            st.builds(n.BinOp, st.just("/"), kr, scalar),
            st.builds(n.Neg, kr),
            st.builds(lambda f, args: n.Call(f, tuple(args)),
                      st.sampled_from(["minste av", "største av"]), st.lists(kr, min_size=2, max_size=3)),
            st.builds(lambda a: n.Call("avrundet", (a,)), kr),
            st.builds(n.If, bool_leaf, kr, kr),
        )

    kr = st.recursive(kr_leaf, kr_extend, max_leaves=6)
    ratio = st.builds(n.BinOp, st.just("/"), kr, kr)
    ops = st.sampled_from(["=", "!=", ">=", "<=", ">", "<"])
    atoms = st.one_of(
        bool_leaf,
        st.builds(n.Compare, ops, kr, kr),
        st.builds(n.Compare, ops, ratio, scalar),
        st.builds(n.Compare, ops, date, date),
    )

    def bool_extend(b):
        two = st.lists(b, min_size=2, max_size=3).map(tuple)
        return st.one_of(st.builds(n.And, two), st.builds(n.Or, two), st.builds(n.Not, b),
                         st.builds(n.If, b, b, b))

    return st.recursive(atoms, bool_extend, max_leaves=8), kr


def _source(facts, cond, amount) -> str:
    lines = ['ytelse gen "Generert" lov folketrygdloven kapittel 4 klagespor folketrygd', "",
             "opplysninger"]
    lines += [f"  {f}: ja/nei" for f in facts["bool"]]
    lines += [f"  {f}: beløp" for f in facts["kr"]]
    lines += [f"  {f}: dato" for f in facts["date"]]
    first_kr, first_bool, first_date = facts["kr"][0], facts["bool"][0], facts["date"][0]
    lines += ["",
              f"verdi gen_sum = {first_kr} + 100 kr",
              f"verdi gen_dato = {first_date} + 2 uker",
              f"verdi gen_vilkår_verdi = {first_bool} eller {first_kr} > 1 G",
              f'vilkår gen_vilkår "V" (§ 4-2) {format_expr(cond)}',
              f'beløp gen_beløp "B" (§ 4-11) = {format_expr(amount)}',
              '  unntak (§ 4-19) når gen_vilkår_verdi: 3 G', ""]
    return "\n".join(lines)


@st.composite
def generated_cases(draw):
    facts = draw(benefits())
    bool_expr, kr_expr = typed_expressions(facts)
    cond, amount = draw(bool_expr), draw(kr_expr)
    values = {}
    for f in facts["bool"]:
        values[f] = draw(st.one_of(st.none(), st.booleans()))
    for f in facts["kr"]:
        values[f] = draw(st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal(100)]), _small()))
    for f in facts["date"]:
        values[f] = draw(st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31))))
    on = draw(st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)))
    return facts, cond, amount, {k: v for k, v in values.items() if v is not None}, on


def _load(facts, cond, amount):
    rules = load_sources({"gen.regel": _source(facts, cond, amount),
                          "grunnbelop.regel": GRUNNBELOP, "klagespor.regel": KLAGESPOR})
    return rules.compiled["gen"]


def _env(compiled, values, on):
    return compiled.new_ctx(on, values), R.Env(compiled.model, compiled.program, values, on,
                                              compiled.tables)


@SLOW
@given(generated_cases())
def test_generated_expressions_compiled_and_reference_agree(case):
    facts, cond, amount, values, on = case
    compiled = _load(facts, cond, amount)
    ctx, env = _env(compiled, values, on)
    model = compiled.model
    cond_decl, amount_decl = model.conditions["gen_vilkår"], model.amounts["gen_beløp"]
    assert cond_decl.body.default == cond and amount_decl.body.default == amount
    for node in (cond_decl.body.default, amount_decl.body.default):
        got = outcome(compiled.expr(node), ctx)
        want = outcome(R.evaluate, node, env)
        assert agree(got, (want[0], want[1][0] if want[0] == "ok" else want[1])), (
            format_expr(node), got, want)
        if want[0] == "ok":
            value, missing = want[1]
            assert (value is UNKNOWN) == bool(missing), format_expr(node)
            assert missing.isdisjoint(values)
    for decl, fn in _bodies(compiled):
        got = outcome(lambda: fn(compiled.new_ctx(on, values))[0])
        want = outcome(lambda: R.eval_body(decl.body, _env(compiled, values, on)[1])[0])
        assert agree(got, want), (decl.name, got, want)


@SLOW
@given(generated_cases(), st.data())
def test_a_known_value_stays_known_when_a_fact_is_added(case, data):
    """Kleene monotonicity: a value computed with missing facts is the value with them."""
    facts, cond, amount, values, on = case
    missing = [f for group in facts.values() for f in group if f not in values]
    assume(missing)
    extra = data.draw(st.sampled_from(missing))
    kind = next(k for k, group in facts.items() if extra in group)
    more = dict(values)
    more[extra] = data.draw({"bool": st.booleans(), "kr": _small(),
                             "date": st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31))}[kind])
    compiled = _load(facts, cond, amount)
    for decl, fn in _bodies(compiled):
        before = outcome(lambda: fn(compiled.new_ctx(on, values))[0])
        after = outcome(lambda: fn(compiled.new_ctx(on, more))[0])
        if before[0] == "ok" and before[1] is not UNKNOWN and after[0] == "ok":
            # (an error after is possible: `x / y > 1 og nei` is nei until y = 0 is known)
            assert same(after[1], before[1]), (decl.name, before, after)


# --- (c) explanations: memoised and through the closures = the reference verbaliser ---------

def _reference_explanations(rules, benefit, facts, on) -> list[str]:
    """Each condition's explanation made the slow way: no memo, values by the tree-walker."""
    from explain.explanation import condition_explanation
    from rulelang.evaluator import _Seen, parse_date

    compiled = rules.compiled[benefit]
    model = compiled.model
    on = parse_date(on)
    env = R.Env(model, compiled.program, validate(facts, model.facts, model.fact_types, benefit),
                on, compiled.tables)
    assert env.value_of is None
    out = []
    for c in evaluate(rules, benefit, facts, on).conditions:
        decl = model.conditions[c.id]
        out.append(condition_explanation(env, decl, _Seen(c.status, c.exception, c.legal_basis)))
    return out


@SLOW
@given(st.data())
def test_memoised_explanations_equal_the_reference_verbaliser(rules, dagpenger, data):
    facts, on = data.draw(dagpenger_cases(dagpenger))
    fast = [c.explanation for c in evaluate(rules, "dagpenger", facts, on).conditions]
    again = [c.explanation for c in evaluate(rules, "dagpenger", facts, on).conditions]  # memo hit
    assert fast == again == _reference_explanations(rules, "dagpenger", facts, on)


def test_memo_tells_equal_numbers_written_differently_apart(rules):
    """1.5 and 1.50 are equal Decimals with one hash; the memo keys on the text, so each case
    gets the explanation the reference verbaliser gives it."""
    base = {"fødselsdato": "1980-01-01", "vanlig_arbeidstid": 40, "oppholder_seg_i_norge": True,
            "reell_arbeidssøker": True, "registrert_som_arbeidssøker": True,
            "arbeidsinntekt_siste_36_mnd": 0}
    for income in (Decimal("150000.5"), Decimal("150000.50"), Decimal("150000.500")):
        for hours in (Decimal("20"), Decimal("20.0")):
            facts = {**base, "arbeidsinntekt_siste_12_mnd": income, "ny_arbeidstid": hours}
            fast = [c.explanation for c in evaluate(rules, "dagpenger", facts, "2025-06-02").conditions]
            assert fast == _reference_explanations(rules, "dagpenger", facts, "2025-06-02")
