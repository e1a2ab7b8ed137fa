"""Compiler: checked AST -> Python closures.

Input: a checked `Program`. Output: `CompiledBenefit`s whose bodies are closures `f(ctx)`. Names
are resolved to slot indices once, here, so evaluation does no parsing and no look-up by name.
The semantics are those of reference.py (Kleene logic, left-to-right short circuit, default
logic for exceptions, versions by date); a property test checks that both agree.

Only values come out of the closures. Which missing facts matter, and the explanation of a
condition, are worked out by the reference evaluator on the rare paths that need them.
"""
from __future__ import annotations

import datetime as dt
import operator

from . import nodes as n
from . import types as T
from . import values as V
from .errors import RuleEvalError
from .program import BenefitModel, Program
from .rates import RateTable
from .reference import NOT_IN_FORCE

UNKNOWN = V.UNKNOWN
_UNSET = object()

_CMP = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
        "=": operator.eq, "!=": operator.ne}


class Ctx:
    """The state of one evaluation: the date, fact values by slot, memoised definitions."""

    __slots__ = ("on", "facts", "memo")

    def __init__(self, on: dt.date, facts: list, n_defs: int):
        self.on = on
        self.facts = facts
        self.memo = [_UNSET] * n_defs


class CompiledBenefit:
    """A benefit ready to evaluate: slot tables and a closure for every body."""

    def __init__(self, model: BenefitModel, program: Program, tables: dict[str, RateTable]):
        self.model = model
        self.program = program
        self.tables = tables
        self.fact_names = list(model.facts)
        self.fact_index = {name: i for i, name in enumerate(self.fact_names)}
        self.def_names = list(model.values) + list(model.amounts)
        self.def_index = {name: i for i, name in enumerate(self.def_names)}
        self.def_fns: list = [None] * len(self.def_names)
        for name, i in self.def_index.items():
            d = model.values.get(name) or model.amounts[name]
            self.def_fns[i] = self._body(d.body)
        self.conditions = [(d, self._body(d.body)) for d in model.conditions.values()]
        self.amounts = [(d, self.def_fns[self.def_index[d.name]]) for d in model.amounts.values()]
        self.obligations = [(d, self._body(d.body)) for d in model.obligations.values()]
        self._facts_read: dict = {}
        self.basis_cache: dict = {}    # (declaration, exception) -> formatted bases (evaluator)
        self.appeal_cache: dict = {}   # date -> Appeal (evaluator)
        self.explain_cache: dict = {}  # condition, date, result, facts read -> sentence (evaluator)
        self._read_slots: dict = {}
        self._node_fns: dict = {}      # id(expression node) -> closure, for value_of

    def facts_read(self, decl, expr) -> tuple[str, ...]:
        """The facts the rule in force (and the exceptions) of `decl` reads, directly or through
        a verdi or beløp, in the order the benefit declares them. Cached per version."""
        key = (decl.name, id(expr))
        cached = self._facts_read.get(key)
        if cached is None:
            found: set[str] = set()
            seen_defs: set[str] = set()
            roots = [expr] + [x for exc in decl.body.exceptions for x in (exc.when, exc.outcome)]
            for root in roots:
                self._collect(root, found, seen_defs)
            cached = tuple(name for name in self.fact_names if name in found)
            self._facts_read[key] = cached
        return cached

    def value_of(self, ctx: Ctx):
        """`f(expr) -> value` of any expression of this benefit in the case `ctx`, through its
        closure (compiled on first use, then kept; the nodes live as long as the program)."""
        fns = self._node_fns

        def value(e):
            f = fns.get(id(e))
            if f is None:
                f = fns[id(e)] = (self.expr(e), e)  # keep e alive: its id stays its own
            return f[0](ctx)
        return value

    def read_slots(self, decl, expr) -> tuple[int, ...]:
        """The slot indices of `facts_read(decl, expr)`."""
        key = (decl.name, id(expr))
        cached = self._read_slots.get(key)
        if cached is None:
            cached = tuple(self.fact_index[name] for name in self.facts_read(decl, expr))
            self._read_slots[key] = cached
        return cached

    def _collect(self, node, found, seen_defs):
        if node is None or not isinstance(node, n.Node):
            return
        if isinstance(node, n.Name):
            if node.name in self.fact_index:
                found.add(node.name)
            elif node.name in self.def_index and node.name not in seen_defs:
                seen_defs.add(node.name)
                d = self.model.values.get(node.name) or self.model.amounts[node.name]
                self._collect(d.body, found, seen_defs)
            return
        for a in node.__attrs_attrs__:
            v = getattr(node, a.name)
            if isinstance(v, tuple):
                for x in v:
                    self._collect(x, found, seen_defs)
            elif isinstance(v, n.Node):
                self._collect(v, found, seen_defs)

    def new_ctx(self, on: dt.date, facts: dict) -> Ctx:
        return Ctx(on, [facts.get(name, UNKNOWN) for name in self.fact_names], len(self.def_names))

    def definition(self, ctx: Ctx, i: int):
        v = ctx.memo[i]
        if v is _UNSET:
            v, _ = self.def_fns[i](ctx)
            if v is NOT_IN_FORCE:
                raise RuleEvalError(f"'{self.def_names[i]}' is not in force on {ctx.on.isoformat()}")
            ctx.memo[i] = v
        return v

    # -- bodies

    def _body(self, body: n.Body):
        """-> f(ctx) returning (value, applied exception or None); value NOT_IN_FORCE if none."""
        versions = [(v.start.value if v.start else None, v.end.value if v.end else None,
                     self.expr(v.expr)) for v in body.versions]
        default = self.expr(body.default) if body.default is not None else None
        excs = [(exc, self.expr(exc.when), self._outcome(exc)) for exc in body.exceptions]

        def pick(on):
            for start, end, f in versions:
                if (start is None or start <= on) and (end is None or on <= end):
                    return f
            return default

        if not excs:
            if not versions:
                return lambda ctx: (default(ctx), None)

            def plain(ctx):
                f = pick(ctx.on)
                return (NOT_IN_FORCE, None) if f is None else (f(ctx), None)
            return plain

        def fold(i, base, ctx):
            if i == len(excs):
                return base(ctx), None
            exc, when, outcome = excs[i]
            c = when(ctx)
            if c is True:
                return outcome(ctx), exc
            if c is False:
                return fold(i + 1, base, ctx)
            x = outcome(ctx)
            r, _ = fold(i + 1, base, ctx)
            return V.join(x, r), None

        def with_exceptions(ctx):
            f = pick(ctx.on)
            if f is None:
                return NOT_IN_FORCE, None
            return fold(0, f, ctx)
        return with_exceptions

    def _outcome(self, exc: n.ExceptionClause):
        if exc.outcome is None:
            return lambda ctx: True
        if isinstance(exc.outcome, n.NotApplicable):
            return lambda ctx: V.NOT_APPLICABLE
        return self.expr(exc.outcome)

    # -- expressions

    def expr(self, e):
        """Compile one expression to a closure f(ctx) -> value."""
        match e:
            case n.Quantity(value=v, unit=unit):
                if unit == "%":
                    c = v / V.PERCENT_FACTOR
                    return lambda ctx: c
                if unit == "G":
                    table = self.tables["G"]
                    return lambda ctx: v * table.at(ctx.on)
                return lambda ctx: v
            case n.Bool(value=v) | n.Text(value=v) | n.DateLit(value=v):
                return lambda ctx: v
            case n.Today():
                return lambda ctx: ctx.on
            case n.Name(name=name):
                if name in self.fact_index:
                    i = self.fact_index[name]
                    return lambda ctx: ctx.facts[i]
                if name in self.def_index:
                    i = self.def_index[name]
                    definition = self.definition
                    return lambda ctx: definition(ctx, i)
                table = self.tables[name]
                return lambda ctx: table.at(ctx.on)
            case n.Neg(operand=x):
                f = self.expr(x)

                def neg(ctx):
                    a = f(ctx)
                    return UNKNOWN if a is UNKNOWN else -a
                return neg
            case n.BinOp(op=op, left=l, right=r):
                return self._binop(op, self.expr(l), self.expr(r), e)
            case n.Compare(op=op, left=l, right=r):
                fl, fr, cmp = self.expr(l), self.expr(r), _CMP[op]

                def compare(ctx):
                    a = fl(ctx)
                    b = fr(ctx)
                    if a is UNKNOWN or b is UNKNOWN:
                        return UNKNOWN
                    return cmp(a, b)
                return compare
            case n.And(operands=ops):
                fs = [self.expr(x) for x in ops]

                def and_(ctx):
                    result = True
                    for f in fs:
                        v = f(ctx)
                        if v is False:
                            return False
                        if v is UNKNOWN:
                            result = UNKNOWN
                    return result
                return and_
            case n.Or(operands=ops):
                fs = [self.expr(x) for x in ops]

                def or_(ctx):
                    result = False
                    for f in fs:
                        v = f(ctx)
                        if v is True:
                            return True
                        if v is UNKNOWN:
                            result = UNKNOWN
                    return result
                return or_
            case n.Not(operand=x):
                f = self.expr(x)

                def not_(ctx):
                    v = f(ctx)
                    return UNKNOWN if v is UNKNOWN else not v
                return not_
            case n.If(cond=c, then=a, else_=b):
                fc, fa, fb = self.expr(c), self.expr(a), self.expr(b)

                def if_(ctx):
                    v = fc(ctx)
                    if v is True:
                        return fa(ctx)
                    if v is False:
                        return fb(ctx)
                    return V.join(fa(ctx), fb(ctx))
                return if_
            case n.Call(func=func, args=args):
                return self._call(func, [self.expr(a) for a in args], e)
        raise AssertionError(f"unhandled node {e!r}")

    def _binop(self, op, fl, fr, node):
        right_type = self.model.expr_types.get(node.right)
        left_type = self.model.expr_types.get(node.left)
        if left_type == T.DATE:
            unit = T.OUTPUT_UNITS.get(right_type, "dager")
            sign = 1 if op == "+" else -1
            if right_type == T.DATE:
                def date_diff(ctx):
                    a, b = fl(ctx), fr(ctx)
                    if a is UNKNOWN or b is UNKNOWN:
                        return UNKNOWN
                    return V.Decimal((a - b).days)
                return date_diff

            def date_shift(ctx):
                a, b = fl(ctx), fr(ctx)
                if a is UNKNOWN or b is UNKNOWN:
                    return UNKNOWN
                return V.add_duration(a, b, unit, sign)
            return date_shift
        if op == "/":
            where = str(node.span)

            def div(ctx):
                a, b = fl(ctx), fr(ctx)
                if a is UNKNOWN or b is UNKNOWN:
                    return UNKNOWN
                return V.divide(a, b, where)
            return div
        fn = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]

        def arith(ctx):
            a, b = fl(ctx), fr(ctx)
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN
            return fn(a, b)
        return arith

    def _call(self, func, fs, node):
        from .reference import call as apply

        def call(ctx):
            args = [f(ctx) for f in fs]
            for a in args:
                if a is UNKNOWN:
                    return UNKNOWN
            return apply(func, args, ctx.on, node)
        if func == "avrundet":
            f0 = fs[0]

            def round_kr(ctx):
                a = f0(ctx)
                return UNKNOWN if a is UNKNOWN else V.round_kr(a)
            return round_kr
        return call


def compile_program(program: Program) -> dict[str, CompiledBenefit]:
    """Compile every benefit of a checked program."""
    tables = {name: RateTable(decl) for name, decl in program.rates.items()}
    return {name: CompiledBenefit(model, program, tables) for name, model in program.benefits.items()}
