"""`screen` (rulelang/screen.py) agrees with `evaluate`, row for row.

(a) For every benefit under rules/: generated tables (each fact column with nulls, realistic and
    boundary values harvested from the benefit's own literals: exactly 1,5 G, 1 øre or 1 kr
    either side, birthdays exactly 18 / 67 / 70 years before the date, 29 February, prosent
    thresholds, ratios such as ny = vanlig / 2), in several column encodings (int, decimal,
    float, date32, ISO strings, timestamps, dictionaries), on one date or with a per-row `dato`
    column: the outcome and the set of not-met vilkår are those of `evaluate` on every row; a
    row `evaluate` fails on is a null row with errors="null", and errors="raise" raises.
(b) A generated benefit with every fact type and generated, well-typed vilkår (Kleene
    connectives, hvis, arithmetic, division by columns, rounding, minste/største av, dates,
    texts, versions and exceptions with `gjelder ikke`): the same agreement.
(c) Unit tests: Kleene truth tables with nulls, short circuit, boundaries, inputs (pandas,
    Parquet, dict, Arrow), errors, exactness beyond int64, and the per-row fallback.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")

from rulelang import nodes as n  # noqa: E402
from rulelang import values as V  # noqa: E402
from rulelang.errors import FactError, InputError, RuleEvalError  # noqa: E402
from rulelang.evaluator import evaluate  # noqa: E402
from rulelang.loader import load_rules, load_sources  # noqa: E402
from rulelang.printer import format_expr  # noqa: E402
from rulelang.screen import screen  # noqa: E402

RULES = Path(__file__).resolve().parent.parent / "rules"
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])
GRUNNBELOP = (RULES / "folketrygd" / "grunnbelop.regel").read_text("utf-8")
KLAGESPOR = (RULES / "folketrygd" / "klagespor.regel").read_text("utf-8")
HEADER = 'ytelse {name} "Test" lov folketrygdloven kapittel 4 klagespor folketrygd\n\nopplysninger\n'

RULE_SET = load_rules(RULES)
BENEFITS = sorted(RULE_SET.compiled)


@pytest.fixture(scope="module")
def rules():
    return RULE_SET


def _load(name: str, body: str):
    return load_sources({f"{name}.regel": HEADER.format(name=name) + body,
                         "grunnbelop.regel": GRUNNBELOP, "klagespor.regel": KLAGESPOR})


def expected(rules, benefit, rows, on):
    """evaluate() on each row: (outcome, set of not-met ids), or None where it raises."""
    out = []
    for facts, day in rows:
        try:
            d = evaluate(rules, benefit, facts, day or on)
        except RuleEvalError:
            out.append(None)
            continue
        out.append((d.outcome, {c.id for c in d.conditions if c.status == "not_met"}))
    return out


def got(result):
    return [None if r["outcome"] is None else (r["outcome"], set(r["not_met"]))
            for r in result.to_pylist()]


def check_agree(rules, benefit, table, rows, on, date_column="dato"):
    want = expected(rules, benefit, rows, on)
    result = screen(rules, benefit, table, on=on, date_column=date_column, errors="null")
    assert result.num_rows == len(rows)
    assert json.loads(result.schema.metadata[b"rulelang.fallback"]) is not None
    for i, (g, w) in enumerate(zip(got(result), want)):
        assert g == w, (i, rows[i], g, w)
    if any(w is None for w in want):
        with pytest.raises(RuleEvalError):
            screen(rules, benefit, table, on=on, date_column=date_column)
    return result


# --- (a) every benefit under rules/ -------------------------------------------------------------

def _walk(node):
    if isinstance(node, n.Node):
        yield node
        for a in node.__attrs_attrs__:
            v = getattr(node, a.name)
            for x in (v if isinstance(v, tuple) else (v,)):
                yield from _walk(x)


def _nodes(model):
    for d in (*model.conditions.values(), *model.values.values(), *model.amounts.values()):
        yield from _walk(d.body)


def _edges(model, program):
    """Dates where a version or a sats of the benefit changes, and the day before."""
    out = set()
    for node in _nodes(model):
        if isinstance(node, n.Version):
            for d in (node.start, node.end):
                if d is not None:
                    out |= {d.value, d.value - dt.timedelta(days=1), d.value + dt.timedelta(days=1)}
    for rate in program.rates.values():
        for e in rate.entries:
            out |= {e.start.value, e.start.value - dt.timedelta(days=1)}
    return sorted(d for d in out if FIRST <= d <= LAST)


# Every benefit has its satser (and its amounts' versions) in force from 2018 to 2024.
FIRST, LAST = dt.date(2018, 1, 1), dt.date(2024, 12, 31)


def _literals(model):
    """Literal numbers of the benefit by unit: 'G', 'kr', '%', None (plain, uker, år ...)."""
    out = {"G": set(), "kr": set(), "%": set(), None: set()}
    for node in _nodes(model):
        if isinstance(node, n.Quantity):
            out[node.unit if node.unit in out else None].add(node.value)
    return out


def _nonneg(d: Decimal) -> Decimal:
    return max(d, Decimal(0))


def _value(draw, ty, lits, g, on, allowed):
    """One fact value (Decimal, date, bool, str), realistic or on a boundary of the rules."""
    name = ty.name
    if name == "ja/nei":   # mostly ja, so that every outcome turns up
        return draw(st.sampled_from([True, True, True, False]))
    if name == "tekst":
        return draw(st.sampled_from(allowed)) if allowed else draw(st.sampled_from(["a", "b"]))
    if name == "dato":
        years = sorted(int(v) for v in lits[None] if v == int(v) and 0 < v < 110) or [18]
        near = st.builds(lambda y, d: V.birthday(on, on.year - y) + dt.timedelta(days=d),
                         st.sampled_from(years), st.sampled_from([-1, 0, 0, 1, 31, -31]))
        month_end = st.builds(lambda y, d: dt.date(on.year - y, on.month, d),
                              st.sampled_from(years), st.integers(1, 28))
        return draw(st.one_of(near, month_end, st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)),
                              st.sampled_from([dt.date(1956, 2, 29), dt.date(1957, 2, 28),
                                               dt.date(2000, 2, 29), dt.date(1952, 3, 1)])))
    delta = st.sampled_from([Decimal(0), Decimal(0), Decimal(1), Decimal(-1),
                             Decimal("0.01"), Decimal("-0.01")])
    if name == "beløp":
        marks = sorted({v * g * k for v in lits["G"] for k in (1, 2, 3)} | lits["kr"]) or [g]
        return draw(st.one_of(
            st.just(Decimal(0)),
            st.integers(0, int(10 * g)).map(Decimal),
            st.decimals(0, 10**6, places=2),
            st.builds(lambda m, d: _nonneg(m + d), st.sampled_from(marks), delta)))
    if name == "prosent":
        marks = sorted(lits["%"]) or [Decimal(50)]
        return draw(st.one_of(
            st.integers(0, 100).map(Decimal),
            st.decimals(0, 100, places=1),
            st.builds(lambda m, d: min(Decimal(100), _nonneg(m + d)), st.sampled_from(marks),
                      st.sampled_from([Decimal(0), Decimal("0.1"), Decimal("-0.1"), Decimal(1)]))))
    plain = sorted(v for v in lits[None] if v < 10**6) or [Decimal(1)]
    if name == "heltall":
        return draw(st.one_of(
            st.integers(0, 300).map(Decimal),
            st.builds(lambda m, d: _nonneg(m + d), st.sampled_from([v for v in plain if v == int(v)] or [1]),
                      st.sampled_from([Decimal(0), Decimal(1), Decimal(-1)]))))
    return draw(st.one_of(  # desimal
        st.decimals(0, 60, places=1),
        st.just(Decimal("37.5")),
        st.builds(lambda m, d: _nonneg(m + d), st.sampled_from(plain),
                  st.sampled_from([Decimal(0), Decimal("0.5"), Decimal("-0.5"), Decimal(1)]))))


def _encode(ty, values, how):
    """(arrow array, values as evaluate() gets them) for one column."""
    name = ty.name
    if name == "ja/nei":
        return pa.array(values, pa.bool_()), values
    if name == "tekst":
        arr = pa.array(values, pa.string())
        return (arr.dictionary_encode() if how else arr), values
    if name == "dato":
        if how == 0:
            return pa.array(values, pa.date32()), values
        if how == 1:
            iso = [None if v is None else v.isoformat() for v in values]
            return pa.array(iso, pa.string()), iso
        stamps = [None if v is None else dt.datetime(v.year, v.month, v.day) for v in values]
        return pa.array(stamps, pa.timestamp("us")), values
    if how == 0 and all(v is None or v == int(v) for v in values):
        ints = [None if v is None else int(v) for v in values]
        return pa.array(ints, pa.int64()), ints
    if how == 1:
        floats = [None if v is None else float(v) for v in values]
        return pa.array(floats, pa.float64()), floats
    return pa.array(values), values


@st.composite
def benefit_tables(draw, compiled, program):
    """(arrow table, [(facts for evaluate, row date or None)], on)."""
    model = compiled.model
    on = draw(st.one_of(st.dates(FIRST, LAST), st.sampled_from(_edges(model, program) or [FIRST])))
    lits = _literals(model)
    size = draw(st.integers(1, 10))
    per_row = draw(st.sampled_from([False, False, False, True]))
    days = draw(st.lists(st.dates(FIRST, LAST), min_size=1, max_size=3)) if per_row else []
    row_days = [draw(st.sampled_from(days + [None])) for _ in range(size)] if per_row else [None] * size
    columns, given = {}, {}
    decimals = [f for f, t in model.fact_types.items() if t.name == "desimal"]
    raw = {f: [] for f in model.facts}
    for i in range(size):
        day = row_days[i] or on
        g = compiled.tables["G"].at(day)
        dense = draw(st.booleans())   # half of the rows have every fact
        for f, ty in model.fact_types.items():
            present = dense or draw(st.sampled_from([True] * 4 + [False]))
            value = _value(draw, ty, lits, g, day, model.facts[f].type.allowed) if present else None
            raw[f].append(value)
        if len(decimals) >= 2 and raw[decimals[0]][i] is not None and draw(st.booleans()):
            ratio = draw(st.sampled_from([Decimal("0.5"), Decimal("0.6"), Decimal("0.4"), Decimal("0.25")]))
            raw[decimals[1]][i] = min(raw[decimals[0]][i], Decimal(40)) * ratio
    for f, ty in model.fact_types.items():
        if draw(st.sampled_from([True] * 9 + [False])):   # sometimes the column is left out
            columns[f], given[f] = _encode(ty, raw[f], draw(st.integers(0, 2)))
    if per_row:
        columns["dato"] = pa.array(row_days, pa.date32())
    table = pa.table(columns) if columns else pa.table({"x": pa.array([0] * size)})
    rows = [({f: given[f][i] for f in given if given[f][i] is not None}, row_days[i])
            for i in range(size)]
    return table, rows, on


@pytest.mark.parametrize("benefit", BENEFITS)
@SLOW
@given(data=st.data())
def test_screen_agrees_with_evaluate_on_every_benefit(rules, benefit, data):
    compiled = rules.compiled[benefit]
    table, rows, on = data.draw(benefit_tables(compiled, rules.program))
    result = check_agree(rules, benefit, table, rows, on)
    assert json.loads(result.schema.metadata[b"rulelang.fallback"]) == []


def test_every_benefit_is_screened(rules):
    assert len(BENEFITS) == 7


# --- (b) generated vilkår over a generated benefit ------------------------------------------------

FACTS = """  b1: ja/nei
  b2: ja/nei
  k1: beløp
  k2: beløp
  p1: prosent
  h1: heltall
  x1: desimal
  d1: dato
  t1: tekst ("a", "b", "c")

verdi v_sum = k1 + 100 kr
verdi v_dato = d1 + 2 uker
verdi v_b = b1 eller k1 > 1 G
verdi v_andel = (k1 - k2) / k1
"""


def _q(v, unit=None):
    return n.Quantity(Decimal(v), unit)


def typed(max_leaves=6):
    """Strategies for well-typed expressions: (bool, kr)."""
    name = lambda *xs: st.sampled_from(xs).map(n.Name)  # noqa: E731
    scalar = st.one_of(st.sampled_from(["0", "2", "0,5", "0,0024", "4"]).map(
        lambda s: _q(s.replace(",", "."))), st.sampled_from(["50", "62,4", "20"]).map(
        lambda s: _q(s.replace(",", "."), "%")))
    divisor = st.sampled_from(["2", "4", "0,5", "0,0025", "0"]).map(lambda s: _q(s.replace(",", ".")))
    kr_leaf = st.one_of(
        name("k1", "k2", "v_sum"),
        st.sampled_from(["0", "100", "1000", "99,5", "250000"]).map(lambda s: _q(s.replace(",", "."), "kr")),
        st.sampled_from(["0,5", "1,5", "2", "3"]).map(lambda s: _q(s.replace(",", "."), "G")),
        st.builds(lambda k: n.Call("avrundet", (n.BinOp("/", k, _q(3)),)), name("k1", "k2")),
        st.builds(lambda k: n.Call("avrundet_til_øre", (n.BinOp("/", k, _q(260)),)), name("k1", "k2")),
    )
    bool_leaf = st.one_of(name("b1", "b2", "v_b"), st.builds(n.Bool, st.booleans()))

    def kr_extend(kr):
        return st.one_of(
            st.builds(n.BinOp, st.sampled_from("+-"), kr, kr),
            st.builds(n.BinOp, st.just("*"), kr, scalar),
            st.builds(n.BinOp, st.just("/"), kr, divisor),
            st.builds(n.Neg, kr),
            st.builds(lambda f, args: n.Call(f, tuple(args)),
                      st.sampled_from(["minste av", "største av"]), st.lists(kr, min_size=2, max_size=3)),
            st.builds(lambda a: n.Call("avrundet", (a,)), kr),
            st.builds(lambda a: n.Call("avrundet_til_øre", (a,)), kr),
            st.builds(n.If, bool_leaf, kr, kr),
        )

    kr = st.recursive(kr_leaf, kr_extend, max_leaves=max_leaves)
    date_leaf = st.one_of(name("d1", "v_dato"), st.builds(n.Today),
                          st.builds(n.DateLit, st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31))))
    date = st.one_of(
        date_leaf,
        st.builds(n.BinOp, st.sampled_from("+-"), date_leaf,
                  st.builds(_q, st.integers(0, 100), st.sampled_from(["uker", "dager", "år"]))),
        st.builds(lambda d: n.Call("slutten_av_måneden", (d,)), date_leaf),
        st.builds(lambda d, a: n.Call("fyller", (d, a)), date_leaf,
                  st.one_of(st.integers(0, 80).map(_q), st.just(n.Name("h1")))),
        st.builds(lambda f, a, b: n.Call(f, (a, b)), st.sampled_from(["minste av", "største av"]),
                  date_leaf, date_leaf),
    )
    whole = st.one_of(name("h1"), st.integers(0, 100).map(_q),
                      st.builds(lambda d: n.Call("alder", (d,)), date_leaf))
    whole = st.one_of(whole, st.builds(n.BinOp, st.sampled_from("+-*"), whole, whole))
    days = st.one_of(st.builds(lambda a, b: n.BinOp("-", a, b), date_leaf, date_leaf),
                     st.builds(_q, st.integers(0, 20000), st.just("dager")))
    dec = st.one_of(name("x1", "v_andel"), st.sampled_from(["37,5", "0,5", "2,5"]).map(
        lambda s: _q(s.replace(",", "."))), st.builds(lambda a: n.BinOp("/", a, _q(2)), name("x1")))
    pct = st.one_of(name("p1"), st.sampled_from(["50", "40", "30", "62,4"]).map(
        lambda s: _q(s.replace(",", "."), "%")), st.builds(lambda k1, k2: n.BinOp("/", k1, k2), kr, kr))
    text = st.one_of(name("t1"), st.sampled_from(["a", "b", "c"]).map(n.Text),
                     st.builds(n.If, bool_leaf, st.sampled_from(["a", "c"]).map(n.Text), name("t1")))
    ops = st.sampled_from(["=", "!=", ">=", "<=", ">", "<"])
    eq = st.sampled_from(["=", "!="])
    atoms = st.one_of(
        bool_leaf,
        st.builds(n.Compare, ops, kr, kr),
        st.builds(n.Compare, ops, st.builds(lambda k, d: n.BinOp("/", k, _q(d)), kr,
                                            st.sampled_from([3, 260])), kr),
        st.builds(n.Compare, ops, pct, pct),
        st.builds(n.Compare, ops, pct, dec),
        st.builds(n.Compare, ops, whole, whole),
        st.builds(n.Compare, ops, dec, whole),
        st.builds(n.Compare, ops, days, days),
        st.builds(n.Compare, ops, date, date),
        st.builds(n.Compare, eq, text, text),
        st.builds(n.Compare, eq, bool_leaf, bool_leaf),
    )

    def bool_extend(b):
        two = st.lists(b, min_size=2, max_size=3).map(tuple)
        return st.one_of(st.builds(n.And, two), st.builds(n.Or, two), st.builds(n.Not, b),
                         st.builds(n.If, b, b, b))

    return st.recursive(atoms, bool_extend, max_leaves=max_leaves), kr


@st.composite
def generated(draw):
    bools, _ = typed()
    main, ver, c1, c2, c3, out = (draw(bools) for _ in range(6))
    exc_kind = draw(st.sampled_from(["gjelder ikke", "expr", "none"]))
    outcome = {"gjelder ikke": ": gjelder ikke", "expr": f":\n    {format_expr(out)}", "none": ""}[exc_kind]
    src = FACTS + f"""
vilkår c_main "A" (§ 4-2)
  {format_expr(main)}

vilkår c_dated "B" (§ 4-3)
  {format_expr(ver)}
  gjelder fra 1. januar 2021 til 31. desember 2022:
    {format_expr(c3)}
  unntak (§ 4-19) når {format_expr(c1)}{outcome}
  unntak (§ 4-20) når {format_expr(c2)}: gjelder ikke

vilkår c_bare "C" (§ 4-4)
  gjelder fra 1. januar 2022:
    {format_expr(c2)}
"""
    return src


def _gen_value(draw, kind):
    if kind == "b":
        return draw(st.booleans())
    if kind == "k":
        return draw(st.one_of(st.sampled_from([Decimal(0), Decimal(100), Decimal("99.5")]),
                              st.integers(0, 400000).map(Decimal), st.decimals(0, 10**5, places=2)))
    if kind == "p":
        return draw(st.one_of(st.sampled_from([Decimal(50), Decimal(40), Decimal("62.4")]),
                              st.decimals(0, 100, places=1)))
    if kind == "h":
        return draw(st.integers(0, 100))
    if kind == "x":
        return draw(st.one_of(st.decimals(0, 60, places=1), st.sampled_from([Decimal(3), Decimal(5)])))
    if kind == "d":
        return draw(st.one_of(st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
                              st.sampled_from([dt.date(2000, 2, 29), dt.date(1960, 2, 29)])))
    return draw(st.sampled_from(["a", "b", "c"]))


GEN_FACTS = {"b1": "b", "b2": "b", "k1": "k", "k2": "k", "p1": "p", "h1": "h", "x1": "x",
             "d1": "d", "t1": "t"}
GEN_TYPES = {"b1": pa.bool_(), "b2": pa.bool_(), "k1": None, "k2": None, "p1": None,
             "h1": pa.int64(), "x1": None, "d1": pa.date32(), "t1": pa.string()}


@SLOW
@given(generated(), st.data())
def test_generated_vilkår_agree_with_evaluate(src, data):
    rules = _load("gen", src)
    on = data.draw(st.one_of(st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)),
                             st.sampled_from([dt.date(2021, 1, 1), dt.date(2022, 12, 31),
                                              dt.date(2023, 1, 1), dt.date(2024, 2, 29)])))
    size = data.draw(st.integers(1, 8))
    cols = {f: [] for f in GEN_FACTS}
    for _ in range(size):
        for f, kind in GEN_FACTS.items():
            present = data.draw(st.sampled_from([True, True, True, False]))
            cols[f].append(_gen_value(data.draw, kind) if present else None)
    table = pa.table({f: pa.array(v, GEN_TYPES[f]) if GEN_TYPES[f] else pa.array(v)
                      for f, v in cols.items()})
    rows = [({f: cols[f][i] for f in cols if cols[f][i] is not None}, None) for i in range(size)]
    check_agree(rules, "gen", table, rows, on)


# --- (c) unit tests ---------------------------------------------------------------------------------

K = [True, False, None]


def _kand(a, b):
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _kor(a, b):
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


OUTCOME = {True: "granted", False: "denied", None: "undetermined"}


@pytest.mark.parametrize("op, fn", [("og", _kand), ("eller", _kor)])
def test_kleene_truth_tables_with_nulls(op, fn):
    rules = _load("k", f'  a: ja/nei\n  b: ja/nei\n\nvilkår v "V" (§ 4-2)\n  a {op} b\n')
    pairs = [(a, b) for a in K for b in K]
    t = pa.table({"a": pa.array([a for a, _ in pairs], pa.bool_()),
                  "b": pa.array([b for _, b in pairs], pa.bool_())})
    res = screen(rules, "k", t, on="2025-06-02").to_pylist()
    assert [r["outcome"] for r in res] == [OUTCOME[fn(*p)] for p in pairs]
    assert [r["not_met"] for r in res] == [["v"] if fn(*p) is False else [] for p in pairs]


def test_kleene_not_and_missing_column():
    rules = _load("k", '  a: ja/nei\n  b: ja/nei\n\nvilkår v "V" (§ 4-2)\n  ikke a\n'
                       'vilkår w "W" (§ 4-3)\n  b eller ikke b\n')
    t = pa.table({"a": pa.array(K, pa.bool_())})   # no column b: unknown everywhere
    res = screen(rules, "k", t, on="2025-06-02").to_pylist()
    assert [r["outcome"] for r in res] == ["denied", "undetermined", "undetermined"]
    assert [r["not_met"] for r in res] == [["v"], [], []]


def test_unknown_guard_joins_equal_branches():
    """`hvis` with an unknown condition is known when both branches agree; an exception whose
    `når` is unknown and whose outcome agrees with the rule is decided too."""
    rules = _load("k", '  a: ja/nei\n  x: beløp\n\nvilkår v "V" (§ 4-2)\n'
                       '  hvis a så x >= 10 kr ellers x > 9 kr\n'
                       'vilkår w "W" (§ 4-3)\n  x >= 5 kr\n  unntak (§ 4-19) når a: gjelder ikke\n')
    t = pa.table({"a": pa.array([None, None, None, None, True], pa.bool_()),
                  "x": pa.array([Decimal(10), Decimal("9.5"), Decimal(9), Decimal(3), Decimal(3)])})
    res = screen(rules, "k", t, on="2025-06-02").to_pylist()
    # x = 10: v true on both sides, w met or gjelder ikke: met -> granted; x = 9,5: v unknown;
    # x = 9: v false on both sides; x = 3: w not met or gjelder ikke: unknown; a: w gjelder ikke
    assert [r["outcome"] for r in res] == ["granted", "undetermined", "denied", "denied", "denied"]
    assert [r["not_met"] for r in res] == [[], [], ["v"], ["v"], ["v"]]
    only_w = pa.table({"a": pa.array([None, None, True], pa.bool_()),
                       "x": pa.array([Decimal(10), Decimal(3), Decimal(3)])})
    rules_w = _load("k", '  a: ja/nei\n  x: beløp\n\nvilkår w "W" (§ 4-3)\n  x >= 5 kr\n'
                         '  unntak (§ 4-19) når a: gjelder ikke\n')
    res = screen(rules_w, "k", only_w, on="2025-06-02").to_pylist()
    assert [r["outcome"] for r in res] == ["granted", "undetermined", "granted"]


def test_short_circuit_protects_division_and_errors_surface(rules):
    guarded = {"vanlig_arbeidstid": [0, 40, None], "ny_arbeidstid": [0, 20, 5]}
    res = screen(rules, "dagpenger", guarded, on="2025-06-02")
    assert ["tap_av_arbeidstid" in r for r in res.column("not_met").to_pylist()] == [True, False, False]
    bare = _load("k", '  v: desimal\n  x: desimal\n\nvilkår q "Q" (§ 4-2)\n  x / v >= 50 %\n')
    t = {"v": [Decimal(2), Decimal(0), None], "x": [Decimal(1), Decimal(1), Decimal(1)]}
    with pytest.raises(RuleEvalError, match="row 1"):
        screen(bare, "k", t, on="2025-06-02")
    assert screen(bare, "k", t, on="2025-06-02", errors="null").column("outcome").to_pylist() == [
        "granted", None, "undetermined"]


@pytest.mark.parametrize("which, factor", [("arbeidsinntekt_siste_12_mnd", "1.5"),
                                           ("arbeidsinntekt_siste_36_mnd", "3")])
@pytest.mark.parametrize("encode", ["int", "decimal", "decimal4", "float"])
def test_minsteinntekt_boundary_is_exact(rules, which, factor, encode):
    """Exactly 1,5 G (or 3 G over 36 months) meets minsteinntekt; 1 øre or 1 kr less does not."""
    g = RULE_SET.compiled["dagpenger"].tables["G"].at(dt.date(2025, 6, 2))
    at = Decimal(factor) * g
    values = [at, at - 1, at + 1] if encode == "int" else [at, at - Decimal("0.01"), at + Decimal("0.01")]
    col = {"int": lambda: pa.array([int(v) for v in values], pa.int64()),
           "decimal": lambda: pa.array(values),
           "decimal4": lambda: pa.array(values, pa.decimal128(24, 4)),
           "float": lambda: pa.array([float(v) for v in values], pa.float64())}[encode]()
    other = ({"arbeidsinntekt_siste_12_mnd", "arbeidsinntekt_siste_36_mnd"} - {which}).pop()
    t = pa.table({which: col, other: pa.array([0, 0, 0]), "avtjent_verneplikt": [False] * 3})
    res = screen(rules, "dagpenger", t, on="2025-06-02")
    assert ["minsteinntekt" in r for r in res.column("not_met").to_pylist()] == [False, True, False]


def test_per_row_dates_use_their_own_g(rules):
    """1,5 G of 2024 is below 1,5 G of 2025: the same income is met on one date, not the other."""
    g24 = RULE_SET.compiled["dagpenger"].tables["G"].at(dt.date(2024, 6, 1))
    t = pa.table({"arbeidsinntekt_siste_12_mnd": [Decimal("1.5") * g24] * 3,
                  "arbeidsinntekt_siste_36_mnd": [0, 0, 0], "avtjent_verneplikt": [False] * 3,
                  "dato": pa.array([dt.date(2024, 6, 1), dt.date(2025, 6, 1), None], pa.date32())})
    res = screen(rules, "dagpenger", t, on="2024-06-01")
    assert ["minsteinntekt" in r for r in res.column("not_met").to_pylist()] == [False, True, False]
    with pytest.raises(InputError):
        screen(rules, "dagpenger", t)   # row 2 has no date and there is no on=


def test_rate_missing_on_the_date_is_an_error(rules):
    t = {"husstand": ["enslig", None], "netto_inntekt": [0, 0], "boutgifter": [1000, 1000],
         "disponibel_formue": [0, 0], "barn_0_5": [0, 0], "barn_6_10": [0, 0], "barn_11_17": [0, 0]}
    assert screen(rules, "økonomisk_stønad", t, on="2024-12-31").num_rows == 2
    with pytest.raises(RuleEvalError, match="livsopphold"):
        screen(rules, "økonomisk_stønad", t, on="2025-01-01")
    nulls = screen(rules, "økonomisk_stønad", t, on="2025-01-01", errors="null")
    assert nulls.column("outcome").to_pylist() == [None, None]
    assert nulls.column("not_met").to_pylist() == [None, None]


@pytest.mark.parametrize("column, values, message", [
    ("arbeidsinntekt_siste_12_mnd", [100, -1], "must not be negative"),
    ("arbeidsinntekt_siste_12_mnd", [10**15], "out of range"),
    ("arbeidsinntekt_siste_12_mnd", [Decimal("0.0000000000001")], "out of range"),
    ("arbeidsinntekt_siste_12_mnd", [0.1 + 0.2], "out of range"),
    ("arbeidsinntekt_siste_12_mnd", [float("nan")], "expects"),
    ("antall_barn", [Decimal("1.5")], "expects"),
    ("oppholder_seg_i_norge", [1], "expects"),
    ("fødselsdato", ["2025-02-30"], "expects"),
    ("fødselsdato", ["1.1.1980"], "expects"),
])
def test_bad_facts_are_rejected_like_evaluate(rules, column, values, message):
    with pytest.raises(FactError, match=message):
        screen(rules, "dagpenger", {column: values}, on="2025-06-02")


def test_text_and_prosent_facts(rules):
    t = {"husstand": ["enslig", "par", "bofellesskap", None], "netto_inntekt": [0] * 4,
         "boutgifter": [0] * 4, "disponibel_formue": [7849, 13100, 6599, 0],
         "barn_0_5": [0] * 4, "barn_6_10": [0] * 4, "barn_11_17": [0] * 4,
         "oppholder_seg_i_norge": [True] * 4}
    res = screen(rules, "økonomisk_stønad", t, on="2024-06-01").to_pylist()
    assert [r["outcome"] for r in res] == ["granted", "denied", "granted", "undetermined"]
    with pytest.raises(FactError, match="expects one of"):
        screen(rules, "økonomisk_stønad", {"husstand": ["enslig", "familie"]}, on="2024-06-01")
    grad = {"sykmeldingsgrad": pa.array([Decimal(20), Decimal("19.9"), Decimal("19.99"),
                                         Decimal(100), None])}
    res = screen(rules, "sykepenger", grad, on="2024-06-01")
    assert ["gradering" in r for r in res.column("not_met").to_pylist()] == [False, True, True, False, False]
    with pytest.raises(FactError, match="at most 100"):
        screen(rules, "sykepenger", {"sykmeldingsgrad": [100.5]}, on="2024-06-01")
    as_text = {"sykmeldingsgrad": ["20", "19.9", None], "årsinntekt": ["100000", "0.5", None]}
    res = screen(rules, "sykepenger", as_text, on="2024-06-01").column("not_met").to_pylist()
    assert [("gradering" in r, "minste_inntekt" in r) for r in res] == [
        (False, False), (True, True), (False, False)]
    with pytest.raises(FactError, match="row 1"):
        screen(rules, "sykepenger", {"årsinntekt": ["1", "1e3"]}, on="2024-06-01")


def test_exact_beyond_int64():
    """Values up to 10^15 with 12 decimals (numerators near 10^27) are compared exactly."""
    rules = _load("k", '  x: beløp\n  y: beløp\n\nvilkår v "V" (§ 4-2)\n  (x - y) / x >= 50 %\n'
                       'vilkår w "W" (§ 4-3)\n  x >= 1,5 G\n')
    big = Decimal("999999999999999.999999999999")
    xs = [big, big, Decimal("195240"), Decimal("195239.999999999999")]
    ys = [big / 2, big / 2 + Decimal("0.000000000001"), Decimal("97620"), Decimal(0)]
    ys = [y.quantize(Decimal("0.000000000001")) for y in ys]
    t = pa.table({"x": pa.array(xs, pa.decimal128(28, 12)), "y": pa.array(ys, pa.decimal128(28, 12))})
    rows = [({"x": x, "y": y}, None) for x, y in zip(xs, ys)]
    check_agree(rules, "k", t, rows, dt.date(2025, 6, 2))


def test_dates_29_february_and_end_of_month(rules):
    """alder and fyller with the 29 February rule; dagpenger is paid to the end of the month of
    the 67th birthday."""
    born = [dt.date(1958, 2, 28), dt.date(1956, 2, 29), dt.date(1958, 3, 1), dt.date(1958, 2, 27),
            dt.date(1957, 2, 10), dt.date(1957, 2, 28), dt.date(1957, 3, 1)]
    t = pa.table({"fødselsdato": pa.array(born, pa.date32())})
    rows = [({"fødselsdato": b}, None) for b in born]
    for on in (dt.date(2025, 2, 27), dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2025, 3, 31),
               dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2023, 2, 28),
               dt.date(2023, 3, 1)):
        for benefit in ("dagpenger", "sykepenger", "arbeidsavklaringspenger", "uføretrygd"):
            check_agree(rules, benefit, t, rows, on)


def test_rounding_signs_and_truncation():
    """avrundet is half up away from zero (ROUND_HALF_UP), avrundet_til_øre the same in øre;
    a quotient with a negative divisor keeps its sign; `± n dager` truncates n toward zero."""
    rules = _load("k", '  x: beløp\n  y: beløp\n  t: desimal\n  d: dato\n\n'
                       'vilkår opp "A" (§ 4-2)\n  avrundet(x) >= 3 kr\n'
                       'vilkår ned "B" (§ 4-3)\n  avrundet(0 kr - x) <= -3 kr\n'
                       'vilkår ore "C" (§ 4-4)\n  avrundet_til_øre(x / 100) >= 0,03 kr\n'
                       'vilkår fortegn "D" (§ 4-5)\n  x / (x - y) >= 50 %\n'
                       'vilkår skift "E" (§ 4-6)\n  d + (t - 5) * 1 dager = 2025-01-01\n')
    xs = [Decimal("2.5"), Decimal("2.49"), Decimal("3.5"), Decimal("2.51")]
    ys = [Decimal(5), Decimal(1), Decimal("3.5"), Decimal("2.50")]
    ts = [Decimal("2.5"), Decimal("7.5"), Decimal(5), Decimal("4.9")]
    ds = [dt.date(2025, 1, 3), dt.date(2024, 12, 30), dt.date(2025, 1, 1), dt.date(2025, 1, 1)]
    t = pa.table({"x": pa.array(xs), "y": pa.array(ys), "t": pa.array(ts), "d": pa.array(ds)})
    rows = [({"x": x, "y": y, "t": tt, "d": d}, None) for x, y, tt, d in zip(xs, ys, ts, ds)]
    res = check_agree(rules, "k", t, rows, dt.date(2025, 6, 2), date_column=None)
    not_met = res.column("not_met").to_pylist()
    assert not_met[0] == ["fortegn"]          # 2,5 -> 3, -2,5 -> -3, 0,025 -> 0,03; 2,5 / -2,5 < 0
    assert not_met[1] == ["opp", "ned", "ore"]    # 2,49 -> 2; 0,0249 -> 0,02 kr
    assert not_met[3] == []                   # -0,1 dager is 0 dager (toward zero), not -1


def test_pandas_dataframe(rules):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({
        "fødselsdato": pd.to_datetime(["1980-01-01", None, "1958-06-29"]),
        "arbeidsinntekt_siste_12_mnd": [300000.0, 195240.0, float("nan")],   # NaN: missing
        "arbeidsinntekt_siste_36_mnd": [None, 0, 0],
        "vanlig_arbeidstid": [40, 37.5, 0],
        "ny_arbeidstid": [20, 18.75, 0],
        "oppholder_seg_i_norge": pd.array([True, None, True], dtype="boolean"),
        "reell_arbeidssøker": [True, True, None],
        "registrert_som_arbeidssøker": [True, False, True],
        "avtjent_verneplikt": [False, None, True],
        "permittert_fra_fiskeindustrien": [False, True, None],
        "antall_barn": pd.array([1, None, 0], dtype="Int64"),
        "saksnummer": ["a", "b", "c"],   # not a fact: ignored
    })
    res = screen(rules, "dagpenger", df, on="2025-06-02").to_pylist()
    assert [r["outcome"] for r in res] == ["granted", "denied", "denied"]
    assert [r["not_met"] for r in res] == [[], ["registrert_som_arbeidssøker"], ["tap_av_arbeidstid"]]
    rows = []
    for rec in df.to_dict("records"):
        facts = {}
        for k, v in rec.items():
            if k == "saksnummer" or v is None or v is pd.NA or (isinstance(v, float) and v != v):
                continue
            if k == "fødselsdato":
                if pd.isna(v):
                    continue
                v = v.date()
            elif hasattr(v, "item"):
                v = v.item()
            facts[k] = v
        rows.append((facts, None))
    assert got(screen(rules, "dagpenger", df, on="2025-06-02")) == expected(
        rules, "dagpenger", rows, dt.date(2025, 6, 2))


def test_parquet_file(rules, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    g = RULE_SET.compiled["dagpenger"].tables["G"].at(dt.date(2025, 6, 2))
    t = pa.table({
        "arbeidsinntekt_siste_12_mnd": pa.array([Decimal("1.5") * g, Decimal("1.5") * g - 1, None],
                                                pa.decimal128(12, 2)),
        "arbeidsinntekt_siste_36_mnd": pa.array([0, 0, 0], pa.int32()),
        "avtjent_verneplikt": pa.array([False, False, False]),
        "fødselsdato": pa.array(["1990-05-17", "1990-05-17", None]),
        "id": pa.array([1, 2, 3]),
    })
    path = tmp_path / "cases.parquet"
    pq.write_table(t, path, row_group_size=2)   # two row groups: chunked columns
    res = screen(rules, "dagpenger", path, on="2025-06-02")
    assert ["minsteinntekt" in r for r in res.column("not_met").to_pylist()] == [False, True, False]
    assert res.column("outcome").to_pylist() == ["undetermined", "denied", "undetermined"]
    assert screen(rules, "dagpenger", str(path), on="2025-06-02").equals(res)


def test_record_batch_dict_and_empty_table(rules):
    batch = pa.record_batch({"oppholder_seg_i_norge": pa.array([False, True])})
    assert screen(rules, "dagpenger", batch, on="2025-06-02").column("outcome").to_pylist() == [
        "denied", "undetermined"]
    empty = screen(rules, "dagpenger", {"oppholder_seg_i_norge": pa.array([], pa.bool_())},
                   on="2025-06-02")
    assert empty.num_rows == 0 and empty.schema.names == ["outcome", "not_met"]
    with pytest.raises(InputError):
        screen(rules, "dagpenger", [1, 2, 3], on="2025-06-02")


def test_list_facts_fall_back_to_closures_for_that_vilkår_only():
    rules = _load("k", '  inntekter: liste av beløp\n  a: ja/nei\n\n'
                       'vilkår sum_inntekt "S" (§ 4-2)\n  sum(inntekter) >= 1 G\n'
                       'vilkår annet "A" (§ 4-3)\n  a\n')
    on = dt.date(2025, 6, 2)
    g = rules.compiled["k"].tables["G"].at(on)
    lists = [[g / 2, g / 2], [g / 2], None, [], [g / 2 - 1, g / 2 - 1]]
    flags = [True, None, False, True, True]
    days = [on, None, dt.date(2024, 6, 3), None, dt.date(2024, 6, 3)]   # G of 2024 is lower
    t = pa.table({"inntekter": pa.array(lists, pa.list_(pa.decimal128(12, 2))),
                  "a": pa.array(flags), "dato": pa.array(days, pa.date32())})
    rows = [({k: v for k, v in (("inntekter", x), ("a", f)) if v is not None}, d)
            for x, f, d in zip(lists, flags, days)]
    res = check_agree(rules, "k", t, rows, on)
    assert json.loads(res.schema.metadata[b"rulelang.fallback"]) == ["sum_inntekt"]
    assert res.column("outcome").to_pylist() == ["granted", "denied", "denied", "denied", "granted"]
