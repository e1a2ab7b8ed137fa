"""Reference evaluator: a small tree-walker over the checked AST.

Input: a `BenefitModel`, the `Program`, validated facts and a date. Output: for each expression
a pair `(value, missing)`, where `missing` is the set of missing facts that the value depends on
(empty whenever the value is known). It is the executable definition of the semantics:

* Kleene logic: `og` is false as soon as one side is false, `eller` true as soon as one side is
  true, whatever the others are; otherwise a missing fact makes the result UNKNOWN.
* Operands are evaluated left to right and `og`/`eller` stop at the first deciding operand, so
  `v > 0 og x / v >= 50 %` never divides by zero.
* `hvis` with an unknown condition, and an exception whose `når` is unknown, give the common value
  of both branches if they agree, else UNKNOWN (default logic under uncertainty).
* A body uses the version in force on the date; its exceptions are tried in order and the first
  whose `når` holds decides.

The compiler (compiler.py) must agree with it on every input; a property test checks that. The
evaluator also uses it on the slow path, to find which missing facts matter.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from . import nodes as n
from . import types as T
from . import values as V
from .errors import RuleEvalError
from .program import BenefitModel, Program
from .rates import RateTable

NONE = frozenset()
NOT_IN_FORCE = object()


class Env:
    """Everything one evaluation needs."""

    def __init__(self, model: BenefitModel, program: Program, facts: dict, on: dt.date,
                 rate_tables: dict[str, RateTable] | None = None):
        self.model = model
        self.program = program
        self.facts = facts
        self.on = on
        self.rate_tables = rate_tables or {k: RateTable(r) for k, r in program.rates.items()}
        self.memo: dict[str, tuple] = {}
        # An optional `f(expr) -> value` the explanation may use for plain values: the compiled
        # closures of the same case (the evaluator sets it; same semantics, property-tested).
        self.value_of = None

    def rate(self, name: str) -> Decimal:
        return self.rate_tables[name].at(self.on)


def select_version(body: n.Body, on: dt.date):
    """The expression in force on `on`: a dated version if one covers the date, else the main
    rule, else NOT_IN_FORCE."""
    for v in body.versions:
        if V.in_period(v.start.value if v.start else None, v.end.value if v.end else None, on):
            return v.expr
    return body.default if body.default is not None else NOT_IN_FORCE


def version_index(body: n.Body, on: dt.date) -> int | None:
    """The index of the dated version in force on `on`, or None for the main rule."""
    for i, v in enumerate(body.versions):
        if V.in_period(v.start.value if v.start else None, v.end.value if v.end else None, on):
            return i
    return None


def eval_body(body: n.Body, env: Env):
    """-> (value, missing, applied exception or None); value NOT_IN_FORCE if no version holds."""
    expr = select_version(body, env.on)
    if expr is NOT_IN_FORCE:
        return NOT_IN_FORCE, NONE, None
    return _fold(body.exceptions, 0, expr, env)


def _outcome(exc: n.ExceptionClause, env: Env):
    if exc.outcome is None:
        return True, NONE
    if isinstance(exc.outcome, n.NotApplicable):
        return V.NOT_APPLICABLE, NONE
    return evaluate(exc.outcome, env)


def _fold(excs, i, base, env):
    if i == len(excs):
        v, m = evaluate(base, env)
        return v, m, None
    exc = excs[i]
    c, mc = evaluate(exc.when, env)
    if c is True:
        v, m = _outcome(exc, env)
        return v, m, exc
    if c is False:
        return _fold(excs, i + 1, base, env)
    x, mx = _outcome(exc, env)
    r, mr, _ = _fold(excs, i + 1, base, env)
    v = V.join(x, r)
    return v, (NONE if v is not V.UNKNOWN else mc | mx | mr), None


def eval_definition(name: str, env: Env):
    """A verdi or beløp, memoised per evaluation."""
    if name in env.memo:
        return env.memo[name]
    d = env.model.values.get(name) or env.model.amounts[name]
    v, m, _ = eval_body(d.body, env)
    if v is NOT_IN_FORCE:
        raise RuleEvalError(f"'{name}' is not in force on {env.on.isoformat()}")
    env.memo[name] = (v, m)
    return v, m


def evaluate(e, env: Env):
    """-> (value, missing facts it depends on)."""
    match e:
        case n.Quantity(value=v, unit=unit):
            if unit == "%":
                return v / V.PERCENT_FACTOR, NONE
            if unit == "G":
                return v * env.rate("G"), NONE
            return v, NONE
        case n.Bool(value=v) | n.Text(value=v) | n.DateLit(value=v):
            return v, NONE
        case n.Today():
            return env.on, NONE
        case n.Name(name=name):
            if name in env.model.fact_types:
                v = env.facts.get(name, V.UNKNOWN)
                return v, (frozenset((name,)) if v is V.UNKNOWN else NONE)
            if name in env.model.values or name in env.model.amounts:
                return eval_definition(name, env)
            return env.rate(name), NONE
        case n.Neg(operand=x):
            v, m = evaluate(x, env)
            return (V.UNKNOWN, m) if v is V.UNKNOWN else (-v, NONE)
        case n.BinOp(op=op, left=l, right=r):
            (a, ma), (b, mb) = evaluate(l, env), evaluate(r, env)
            if a is V.UNKNOWN or b is V.UNKNOWN:
                return V.UNKNOWN, ma | mb
            return _arith(op, a, b, env.model.expr_types.get(r), e), NONE
        case n.Compare(op=op, left=l, right=r):
            (a, ma), (b, mb) = evaluate(l, env), evaluate(r, env)
            if a is V.UNKNOWN or b is V.UNKNOWN:
                return V.UNKNOWN, ma | mb
            return V.compare(op, a, b), NONE
        case n.And(operands=ops):
            missing = NONE
            unknown = False
            for x in ops:
                v, m = evaluate(x, env)
                if v is False:
                    return False, NONE
                if v is V.UNKNOWN:
                    unknown = True
                    missing = missing | m
            return (V.UNKNOWN, missing) if unknown else (True, NONE)
        case n.Or(operands=ops):
            missing = NONE
            unknown = False
            for x in ops:
                v, m = evaluate(x, env)
                if v is True:
                    return True, NONE
                if v is V.UNKNOWN:
                    unknown = True
                    missing = missing | m
            return (V.UNKNOWN, missing) if unknown else (False, NONE)
        case n.Not(operand=x):
            v, m = evaluate(x, env)
            return (V.UNKNOWN, m) if v is V.UNKNOWN else (not v, NONE)
        case n.If(cond=c, then=a, else_=b):
            cv, mc = evaluate(c, env)
            if cv is True:
                return evaluate(a, env)
            if cv is False:
                return evaluate(b, env)
            (av, ma), (bv, mb) = evaluate(a, env), evaluate(b, env)
            v = V.join(av, bv)
            return v, (NONE if v is not V.UNKNOWN else mc | ma | mb)
        case n.Call(func=func, args=args):
            pairs = [evaluate(a, env) for a in args]
            if any(v is V.UNKNOWN for v, _ in pairs):
                missing = NONE
                for v, m in pairs:
                    missing |= m
                return V.UNKNOWN, missing
            return call(func, [v for v, _ in pairs], env.on, e), NONE
    raise AssertionError(f"unhandled node {e!r}")


def _arith(op, a, b, right_type, node):
    if isinstance(a, dt.date):
        if isinstance(b, dt.date):
            return Decimal((a - b).days)
        return V.add_duration(a, b, T.OUTPUT_UNITS.get(right_type, "dager"), 1 if op == "+" else -1)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return V.divide(a, b, f"{node.span}")


def call(func: str, args: list, on: dt.date, node) -> object:
    """Apply a built-in function to known arguments."""
    if func == "avrundet":
        return V.round_kr(args[0])
    if func == "avrundet_til_øre":
        return V.round_ore(args[0])
    if func == "alder":
        return V.age(args[0], on)
    if func == "fyller":
        return V.turns(args[0], args[1])
    if func == "slutten_av_måneden":
        return V.end_of_month(args[0])
    if func in ("minste av", "største av"):
        items = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
        if not items:
            raise RuleEvalError(f"'{func}' of an empty list at {node.span}")
        return min(items) if func == "minste av" else max(items)
    if func == "sum":
        return sum(args[0], Decimal(0))
    if func == "antall":
        return Decimal(len(args[0]))
    raise AssertionError(func)
