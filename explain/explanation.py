"""Explanations: a decision, condition by condition, in plain bokmål or nynorsk.

Input: loaded `Rules`, a `Decision` and the case's facts (or, without them, the facts the
decision records in `facts_used`), and a language. Output: an `Explanation` value (frozen attrs)
and `render_explanation(...) -> str`, the text a caseworker reads.

How a condition is explained: the rule in force (or the exception that decided) is walked with
the reference evaluator (`rulelang.reference.evaluate`) on the case's facts, and each part that
decided the verdict becomes one or two sentences with the person's own figures:

* a comparison: "Arbeidsinntekten din … var 150 000 kr. Kravet er minst 1,5 ganger grunnbeløpet,
  som er 195 240 kr." When it is not met, what would have met it, computed from the comparison
  itself: the threshold minus the value, in the comparison's unit (kr, prosentpoeng, uker, …),
  one more for a strict comparison of whole numbers, "mer enn" for a strict one on a continuous
  scale ("Du mangler 45 240 kr for å oppfylle kravet."). For an `eller` of comparisons the
  smallest shortfall is given ("… for å oppfylle ett av kravene").
* a yes/no fact: the statement the rule file gives ("Du oppholder deg i Norge."), or its denial
  ("Det stemmer ikke at du oppholder deg i Norge."); under skjønn as our assessment ("Vi mener
  at …").
* `og`: the parts that failed when it failed, every part when it held, the unknown parts when
  it is unknown; `eller`: the part that held, or every part when none did.

Every phrase comes from `explain/phrases.py`; every name and description from the rule file. For
an undetermined decision the missing facts are listed in `decision.missing_facts` order (most
decisive first), each with the conditions (amounts, duties) it is needed for.

Errors: `MissingTextError` (a nynorsk text missing from a rule file), `InputError` (the decision
was made with other rules, or the facts do not fit the benefit).
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from attrs import frozen

from rulelang import nodes as n
from rulelang import reference as R
from rulelang import types as T
from rulelang import values as V
from rulelang.decision import DENIED, GRANTED, UNDETERMINED, Decision
from rulelang.errors import InputError, RuleEvalError
from rulelang.facts import validate
from rulelang.lawrefs import format_refs
from rulelang.printer import format_expr

from . import lawrefs
from .language import Lang, MissingTextError, capital, lower_first, sentence_end

FLIP = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "!=", "!=": "="}
MIRROR = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "=": "=", "!=": "!="}
WHOLE = (T.INT, T.WEEKS, T.DAYS, T.YEARS)
DIFF_UNIT = {T.MONEY: "kr", T.PERCENT: "prosentpoeng", T.WEEKS: "uker", T.DAYS: "dager",
             T.YEARS: "år", T.INT: "", T.DEC: ""}
VALUE_UNIT = {T.MONEY: "kr", T.WEEKS: "uker", T.DAYS: "dager", T.YEARS: "år", T.INT: "", T.DEC: ""}
_FAILED = object()  # a part the evaluator cannot compute (a share of zero hours): never explained


# --- the explanation as a value ----------------------------------------------------------------

@frozen
class ConditionText:
    """One condition explained."""

    id: str
    title: str
    basis: str
    status: str
    discretionary: bool
    sentences: tuple

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@frozen
class FactText:
    """A fact the decision relied on: its description and its value, formatted."""

    name: str
    label: str
    value: str


@frozen
class AmountText:
    """An amount of a grant; `value` is None when a fact it needs is missing."""

    id: str
    title: str
    value: str | None
    basis: str


@frozen
class ObligationText:
    """A duty attached to a grant; `unknown` when whether it applies needs a missing fact."""

    id: str
    title: str
    basis: str
    text: str
    unknown: bool


@frozen
class MissingText:
    """A missing fact: what we ask for, and what it is needed for."""

    name: str
    label: str
    needed_for: str


@frozen
class Explanation:
    """A decision explained in one language."""

    language: str
    benefit: str
    title: str
    outcome: str
    date: str
    conditions: tuple    # ConditionText, in the benefit's order
    facts: tuple         # FactText
    amounts: tuple       # AmountText
    obligations: tuple   # ObligationText
    missing: tuple       # MissingText, most decisive first


# --- building it -------------------------------------------------------------------------------

def case_facts(rules, decision: Decision, facts: dict | None = None) -> tuple[dict, bool]:
    """The case's facts as run-time values, and whether they were given (True) or recovered
    from the decision's `facts_used` (False: every fact a condition read is there)."""
    model = rules.program.benefits[decision.benefit]
    given = facts is not None
    if not given:
        facts = {}
        for c in decision.conditions:
            for name, value in c.facts_used:
                facts.setdefault(name, value)
    return validate(facts, model.facts, model.fact_types, decision.benefit), given


def check_rules(rules, decision: Decision):
    """The rules must be the ones the decision was made with."""
    model = rules.program.benefits.get(decision.benefit)
    if model is None:
        raise InputError(f"the rules have no benefit '{decision.benefit}'")
    if decision.rules_version and model.rules_version and decision.rules_version != model.rules_version:
        raise InputError(f"the decision was made with other rules ({decision.rules_version}) "
                         f"than these ({model.rules_version})")
    return model


def explain(rules, decision: Decision, language: str = "nb", facts: dict | None = None) -> Explanation:
    """The decision explained, condition by condition, in `language` ("nb" or "nn").

    Args:
        rules: what `rulelang.load_rules` returned (the rules the decision was made with).
        decision: the decision.
        language: "nb" (bokmål) or "nn" (nynorsk).
        facts: the case's facts as given to `evaluate`; without them the facts recorded in the
            decision's `facts_used` are used (enough for every condition; the facts amounts
            were computed from are then not listed).
    """
    lang = Lang(language)
    model = check_rules(rules, decision)
    values, given = case_facts(rules, decision, facts)
    compiled = rules.compiled[decision.benefit]
    env = R.Env(model, rules.program, values, decision.date, compiled.tables)
    ex = _Explainer(lang, model, env)
    conditions = tuple(ex.condition(model.conditions[c.id], c) for c in decision.conditions)
    return Explanation(
        language=language, benefit=decision.benefit,
        title=lang.text(model.decl, "title", f"the title of '{model.name}'"),
        outcome=decision.outcome, date=lang.date(decision.date), conditions=conditions,
        facts=ex.facts_relied_on(decision, compiled if given else None),
        amounts=tuple(ex.amount(model.amounts[a.id], a) for a in decision.amounts),
        obligations=tuple(ex.obligation(model.obligations[o.id], o) for o in decision.obligations),
        missing=ex.missing(decision))


class _Explainer:
    """Sentences for one case in one language."""

    def __init__(self, lang: Lang, model, env: R.Env):
        self.lang = lang
        self.model = model
        self.env = env
        self.skjønn = False
        self.said: set[str] = set()

    def p(self, key: str, **values) -> str:
        return self.lang.phrase(key, **values)

    def basis(self, refs) -> str:
        return lawrefs.translate(format_refs(refs, self.model.law), self.lang)

    # -- one condition

    def condition(self, decl: n.ConditionDecl, result) -> ConditionText:
        out: list[str] = []
        self.said = set()
        status = result.status
        expr = R.select_version(decl.body, self.env.on)
        applied = decl.body.exceptions[result.exception] if result.exception is not None else None
        if decl.discretionary:
            out.append(self.p("discretion"))
        if applied is not None:
            out.append(self._exception(applied, "exception_applies"))
            out += self.walk(applied.when)
            if applied.outcome is not None and not isinstance(applied.outcome, n.NotApplicable):
                out += self._main(applied.outcome, decl.discretionary)
        else:
            if expr is not R.NOT_IN_FORCE:
                out += self._main(expr, decl.discretionary)
            if status in ("not_met", "unknown"):
                for exc in decl.body.exceptions:
                    when = self.value(exc.when)
                    if when is False and status == "not_met":
                        out.append(self._exception(exc, "exception_not"))
                    elif when is V.UNKNOWN:
                        out.append(self._exception(exc, "exception_unknown"))
                        out += self.walk(exc.when)
                        out += self._if_exception(exc)
        out.append(self.p(f"status_{status}"))
        return ConditionText(
            id=decl.name, title=self.lang.text(decl, "title", f"the title of vilkår '{decl.name}'"),
            basis=lawrefs.translate(result.legal_basis, self.lang), status=status,
            discretionary=decl.discretionary, sentences=tuple(out))

    def _main(self, expr, discretionary: bool) -> list[str]:
        self.skjønn = discretionary
        try:
            return self.walk(expr)
        finally:
            self.skjønn = False

    def _exception(self, exc: n.ExceptionClause, key: str) -> str:
        title = self.lang.text(exc, "title", "the title of the unntak")
        basis = self.basis(exc.basis.refs)
        if title is None:
            return self.p(key + "_plain", basis=basis)
        return self.p(key, title=title, basis=basis)

    def _if_exception(self, exc: n.ExceptionClause) -> list[str]:
        """What the exception would give: "Hvis unntaket gjelder, er kravet minst 40 %."."""
        outcome = exc.outcome
        if outcome is None:
            return [self.p("if_exception_met")]
        if isinstance(outcome, n.NotApplicable):
            return [self.p("if_exception_not_applicable")]
        if isinstance(outcome, n.And):  # the one requirement beside guards, if there is one
            ops = list(outcome.operands)
            real = [x for i, x in enumerate(ops) if not self._guard(x, ops[i + 1:])]
            outcome = real[0] if len(real) == 1 else None
        if isinstance(outcome, n.Compare):
            return [self.p("if_exception_requirement", **self._requirement(outcome))]
        return []

    def _requirement(self, e: n.Compare, neg: bool = False) -> dict:
        """The requirement word and right-hand side of a comparison: minst / 1,5 ganger G."""
        op = FLIP[e.op] if neg else e.op
        left, right = e.left, e.right
        if _is_literal(left) and not _is_literal(right):
            left, right, op = right, left, MIRROR[op]
        ty = _measure(self.model.expr_types.get(left), self.model.expr_types.get(right))
        return {"word": self.p(("date_" if ty == T.DATE else "req_") + op), "rhs": self.phrase(right)}

    # -- walking an expression

    def value(self, e):
        value_of = self.env.value_of
        try:
            if value_of is not None:
                return value_of(e)
            v, _ = R.evaluate(e, self.env)
        except RuleEvalError:
            return _FAILED
        return v

    def effective(self, e, neg: bool):
        v = self.value(e)
        if isinstance(v, bool):
            return v != neg
        return v

    def walk(self, e, neg: bool = False, alternative: bool = False) -> list[str]:
        """The sentences that explain why `e` (negated when `neg`) has its value. An
        `alternative` is one side of an `eller` that did not hold."""
        match e:
            case n.Not(operand=x):
                return self.walk(x, not neg, alternative)
            case n.And(operands=ops) | n.Or(operands=ops):
                return self._logic(e, ops, isinstance(e, n.And) != neg, neg, alternative)
            case n.Compare():
                sentences, short = self.compare(e, neg)
                return sentences + ([self.short(short, False)] if short else [])
            case n.Name():
                return [self.statement(e)]
            case n.If(cond=c, then=a, else_=b):
                cv = self.value(c)
                if cv is True:
                    return self.walk(c) + self.walk(a, neg)
                if cv is False:
                    return self.walk(c) + self.walk(b, neg)
                return self.walk(c)
        return []  # a literal or a yes/no built-in: the verdict says it all

    def _logic(self, e, ops, conjunction: bool, neg: bool, alternative: bool) -> list[str]:
        whole = self.effective(e, neg)
        if whole is _FAILED:
            return []
        parts = [(x, self.effective(x, neg)) for x in ops]
        out: list[str] = []
        if conjunction:
            if whole is False and alternative:
                # one side of an `eller`: the parts up to the first that failed, as `og` stops
                # there ("Du mottar … Kravet er minst 40 %" or "Det stemmer ikke at du mottar …")
                for x, v in parts:
                    out += self.walk(x, neg)
                    if v is False:
                        break
                return out
            if whole is V.UNKNOWN and alternative:
                # one side of an `eller` we cannot decide yet: what we do not know, then what it
                # would take ("Vi vet ikke ennå om du mottar … Hvis det stemmer, er kravet minst 40 %.")
                for x, v in parts:
                    if v is V.UNKNOWN:
                        out += self.walk(x, neg)
                for i, (x, v) in enumerate(parts):
                    cmp = _unwrap(x, neg)
                    if v is True and cmp is not None and not self._guard(x, [y for y, _ in parts[i + 1:]]):
                        out.append(self.p("if_true_requirement", **self._requirement(*cmp)))
                return out
            # held: every part; failed: the parts that failed; unknown: the unknown parts. A
            # guard that holds (`v > 0` before a division by v) is not worth a sentence.
            for i, (x, v) in enumerate(parts):
                if v is True and self._guard(x, [y for y, _ in parts[i + 1:]]):
                    continue
                if whole is True or v is whole:
                    out += self.walk(x, neg)
            return out
        if whole is True:
            first = next(x for x, v in parts if v is True)
            return self.walk(first, neg)
        # none holds (or none is known to hold): every part. When every part is a comparison
        # falling short in the same direction and unit, the smallest shortfall is given once.
        live = [(x, v) for x, v in parts if v is not _FAILED and v is not True]
        cmps = [_unwrap(x, neg) for x, _ in live]
        if len(ops) > 1 and all(c is not None for c in cmps):
            results = [self.compare(*c) for c in cmps]
            shorts = [short for _, short in results if short is not None]
            if shorts and len(shorts) == len(results) and len({(s.unit, s.lower) for s in shorts}) == 1:
                for sentences, _ in results:
                    out += sentences
                return out + [self.short(min(shorts, key=lambda s: s.amount), True)]
        for x, _ in live:
            out += self.walk(x, neg, alternative=True)
        return out

    def _guard(self, x, rest) -> bool:
        """Is `x` a comparison `v > 0` (or `v != 0`) protecting a division by v in `rest`?"""
        if not (isinstance(x, n.Compare) and x.op in (">", "!=") and isinstance(x.right, n.Quantity)
                and x.right.value == 0):
            return False
        seen: set[str] = set()

        def divides(e) -> bool:
            if isinstance(e, n.BinOp) and e.op == "/" and e.right == x.left:
                return True
            if isinstance(e, n.Name) and e.name not in seen:
                seen.add(e.name)
                d = self.model.values.get(e.name) or self.model.amounts.get(e.name)
                return d is not None and divides(d.body)
            if isinstance(e, n.Node):
                return any(divides(getattr(e, a.name)) for a in e.__attrs_attrs__ if a.name != "span")
            if isinstance(e, tuple):
                return any(divides(y) for y in e)
            return False

        return any(divides(y) for y in rest)

    # -- a comparison

    def compare(self, e: n.Compare, neg: bool):
        """-> (sentences, Shortfall or None)."""
        op = FLIP[e.op] if neg else e.op
        left, right = e.left, e.right
        if _is_literal(left) and not _is_literal(right):
            left, right, op = right, left, MIRROR[op]
        lv, rv = self.value(left), self.value(right)
        if lv is _FAILED or rv is _FAILED:
            return [], None
        types = self.model.expr_types
        ty = _measure(types.get(left), types.get(right))
        known = lv is not V.UNKNOWN and rv is not V.UNKNOWN
        places = _places(op, lv, rv, ty) if known else 2
        subject = capital(self.subject(left))
        missing = "not_given" if isinstance(left, n.Name) and left.name in self.model.facts else "not_known"
        first = (self.p(missing, subject=subject) if lv is V.UNKNOWN
                 else self.p("was", subject=subject, value=self.show(lv, ty, places)))
        out = [] if first in self.said else [first]  # a figure is given once per condition
        self.said.add(first)
        word = self.p(("date_" if ty == T.DATE else "req_") + op)
        rhs = self.phrase(right)
        if _is_literal(right) or rv is V.UNKNOWN:
            out.append(self.p("requirement", word=word, rhs=rhs))
        else:
            out.append(self.p("requirement_value", word=word, rhs=rhs, value=self.show(rv, ty, places)))
        short = None
        if known and V.compare(op, lv, rv) is False:
            short = _shortfall(op, lv, rv, ty)
        return out, short

    def short(self, s: "Shortfall", alternatives: bool) -> str:
        diff = self.lang.shortfall(s.amount, s.unit) if s.amount else ""
        if s.lower:
            if s.strict and not s.amount:
                return self.p("at_limit_more")
            key = "short_or" if alternatives else "short"
            return self.p(key + ("_more" if s.strict else ""), diff=diff)
        if s.strict and not s.amount:
            return self.p("at_limit_less")
        return self.p("over_more" if s.strict else "over", diff=diff)

    # -- yes/no statements

    def statement(self, e: n.Name) -> str:
        text = sentence_end(self.name_text(e.name))
        v = self.value(e)
        prefix = "discretion_" if self.skjønn else ""
        if v is True:
            return self.p(f"{prefix}true", statement=lower_first(text) if prefix else capital(text))
        if v is False:
            return self.p(f"{prefix}false", statement=lower_first(text))
        return self.p(f"{prefix}unknown", statement=lower_first(text))

    # -- names and expressions in words

    def name_text(self, name: str) -> str:
        fact = self.model.facts.get(name)
        if fact is not None:
            return self.lang.text(fact, "description", f"the description of fact '{name}'") or name
        d = self.model.values.get(name) or self.model.amounts.get(name)
        if d is not None:
            return self.lang.text(d, "title", f"the title of '{name}'") or name
        if name == "G":
            return self.p("g_one")
        rate = self.env.program.rates.get(name)
        if rate is not None and rate.title:
            if self.lang.code != "nb":
                raise MissingTextError(f"the sats '{name}' has no {self.lang.code} title "
                                       f"(a sats cannot have a nynorsk title yet)")
            return rate.title
        return name

    def subject(self, e) -> str:
        if isinstance(e, n.Name):
            return self.name_text(e.name)
        if isinstance(e, n.Today):
            return self.p("today")
        return self.phrase(e)

    def phrase(self, e) -> str:
        """An expression in words, for the middle of a sentence."""
        lang = self.lang
        match e:
            case n.Quantity(value=v, unit="G"):
                return self.p("g_one") if v == 1 else self.p("g_times", n=lang.number(v))
            case n.Quantity(value=v, unit=unit):
                if unit == "%":
                    return f"{lang.number(v)} %"
                return lang.quantity(v, unit or "", None)
            case n.Bool(value=v):
                return lang.yes_no(v)
            case n.Text(value=v):
                return f"«{v}»"
            case n.DateLit(value=v):
                return lang.date(v)
            case n.Today():
                return self.p("today")
            case n.Name(name=name):
                return lower_first(self.name_text(name))
            case n.Neg(operand=x):
                return self.p("negative", a=self.phrase(x))
            case n.BinOp(op="+"):
                return self.p("sum", items=lang.join(self.phrase(x) for x in _terms(e)))
            case n.BinOp(op="-", left=a, right=b):
                return self.p("minus", a=self.phrase(a), b=self.phrase(b))
            case n.BinOp(op="*", left=a, right=b):
                if isinstance(b, n.Quantity) and b.unit == "%":
                    return self.p("percent_of", p=self.phrase(b), x=self.phrase(a))
                if isinstance(a, n.Quantity) and a.unit == "%":
                    return self.p("percent_of", p=self.phrase(a), x=self.phrase(b))
                return self.p("times", a=self.phrase(a), b=self.phrase(b))
            case n.BinOp(op="/", left=a, right=b):
                return self.p("divided", a=self.phrase(a), b=self.phrase(b))
            case n.Call(func="fyller", args=args):
                return self.p("turns", age=self.phrase(args[1]))
            case n.Call(func="slutten_av_måneden", args=(n.Call(func="fyller", args=inner),)):
                return self.p("end_of_month_turns", age=self.phrase(inner[1]))
            case n.Call(func="slutten_av_måneden", args=args):
                return self.p("end_of_month", x=self.phrase(args[0]))
            case n.Call(func="alder"):
                return self.p("age")
            case n.Call(func="minste av" | "største av" as func, args=args):
                key = "min_of" if func == "minste av" else "max_of"
                return self.p(key, items=lang.join(self.phrase(x) for x in args))
            case n.Call(func="avrundet" | "avrundet_til_øre", args=args):
                return self.p("rounded", x=self.phrase(args[0]))
            case n.Call(func="sum", args=args):
                return self.p("sum_of", x=self.phrase(args[0]))
            case n.Call(func="antall", args=args):
                return self.p("count_of", x=self.phrase(args[0]))
            case n.If(cond=c, then=a, else_=b):
                return self.p("if", a=self.phrase(a), c=self.phrase(c), b=self.phrase(b))
        return format_expr(e)

    # -- values

    def show(self, v, ty, places: int | None = 2) -> str:
        """A run-time value with its unit, the Norwegian way."""
        lang = self.lang
        if v is V.UNKNOWN:
            return "?"
        if isinstance(v, bool):
            return lang.yes_no(v)
        if isinstance(v, dt.date):
            return lang.date(v)
        if isinstance(v, str):
            return v
        if isinstance(v, tuple):
            return lang.join(self.show(x, ty.element if ty else None, places) for x in v)
        if ty == T.PERCENT:
            return f"{lang.number(v * 100, places)} %"
        return lang.quantity(v, VALUE_UNIT.get(ty, ""), places)

    def facts_relied_on(self, decision: Decision, compiled=None) -> tuple:
        """The known facts the decision rests on, in the order the benefit declares them: those
        its conditions read, and (when the facts were given) those its amounts and duties read."""
        names = {name for c in decision.conditions for name, _ in c.facts_used}
        if compiled is not None:
            on = self.env.on
            for table, results in ((self.model.amounts, decision.amounts),
                                   (self.model.obligations, decision.obligations)):
                for r in results:
                    decl = table[r.id]
                    names.update(compiled.facts_read(decl, R.select_version(decl.body, on)))
        out = []
        for name, fact in self.model.facts.items():
            if name in names and name in self.env.facts:
                label = self.lang.text(fact, "description", f"the description of fact '{name}'") or name
                out.append(FactText(name, sentence_end(label),
                                    self.show(self.env.facts[name], self.model.fact_types[name], None)))
        return tuple(out)

    def amount(self, decl, result) -> AmountText:
        title = self.lang.text(decl, "title", f"the title of beløp '{decl.name}'") or decl.name
        unit = {"kr": T.MONEY, "uker": T.WEEKS, "dager": T.DAYS, "år": T.YEARS, "%": T.PERCENT}
        value = None if result.value is None else self.show(result.value, unit.get(result.unit, T.DEC), None)
        return AmountText(decl.name, title, value, lawrefs.translate(result.legal_basis, self.lang))

    def obligation(self, decl, result) -> ObligationText:
        return ObligationText(
            id=decl.name, title=self.lang.text(decl, "title", f"the title of plikt '{decl.name}'"),
            basis=lawrefs.translate(result.legal_basis, self.lang),
            text=self.lang.text(decl, "text", f"the text of plikt '{decl.name}'") or "",
            unknown=result.status == "unknown")

    # -- what is missing

    def missing(self, decision: Decision) -> tuple:
        needs: dict[str, list[str]] = {}

        def add(body, key, decl, basis):
            _, missing, _ = R.eval_body(body, self.env)
            title = self.lang.text(decl, "title", f"the title of '{decl.name}'") or decl.name
            part = self.p(key, title=title, basis=lawrefs.translate(basis, self.lang))
            for name in missing:
                needs.setdefault(name, []).append(part)

        for c in decision.conditions:
            if c.status == "unknown":
                add(self.model.conditions[c.id].body, "need_condition", self.model.conditions[c.id], c.legal_basis)
        for a in decision.amounts:
            if a.value is None:
                add(self.model.amounts[a.id].body, "need_amount", self.model.amounts[a.id], a.legal_basis)
        for o in decision.obligations:
            if o.status == "unknown":
                add(self.model.obligations[o.id].body, "need_obligation", self.model.obligations[o.id],
                    o.legal_basis)
        out = []
        for name in decision.missing_facts:
            fact = self.model.facts[name]
            text = sentence_end(self.lang.text(fact, "description", f"the description of fact '{name}'") or name)
            label = (capital(self.p("ask_bool", statement=lower_first(text)))
                     if self.model.fact_types[name] == T.BOOL else capital(text))
            parts = needs.get(name, [])
            out.append(MissingText(name, label, self.p("needed_for", items=self.lang.join(parts)) if parts else ""))
        return tuple(out)


# --- shortfalls --------------------------------------------------------------------------------

@frozen
class Shortfall:
    """How far a comparison is from being met, in the unit of the comparison."""

    amount: Decimal
    unit: str
    lower: bool   # the value must rise (>=, >); else fall (<=, <)
    strict: bool  # a strict comparison on a continuous scale: "more than amount"


def _shortfall(op: str, lv, rv, ty) -> Shortfall | None:
    """What would have met `lv op rv`: computed from the comparison alone, never per rule."""
    if not (isinstance(lv, Decimal) and isinstance(rv, Decimal)) or ty not in DIFF_UNIT:
        return None
    if op in (">=", ">"):
        diff, lower = rv - lv, True
    elif op in ("<=", "<"):
        diff, lower = lv - rv, False
    else:
        return None
    strict = op in (">", "<")
    if strict and ty in WHOLE:
        diff, strict = diff + 1, False  # whole numbers: the next one meets it
    if ty == T.PERCENT:
        diff *= 100
    return Shortfall(diff, DIFF_UNIT[ty], lower, strict)


def _measure(lt, rt):
    """The type a comparison is measured in (a computed share against a prosent is a prosent)."""
    if T.PERCENT in (lt, rt):
        return T.PERCENT
    if T.MONEY in (lt, rt):
        return T.MONEY
    return lt if lt is not None else rt


def _places(op: str, lv, rv, ty) -> int | None:
    """The fewest decimals (2, 4, 6, else all) that show both sides of a comparison without
    changing its verdict: 49,999 % must not be shown as 50 % next to "minst 50 %"."""
    if not (isinstance(lv, Decimal) and isinstance(rv, Decimal)):
        return 2
    scale = 100 if ty == T.PERCENT else 1
    a, b = lv * scale, rv * scale
    truth = V.compare(op, a, b)
    for places in (2, 4, 6):
        q = Decimal(1).scaleb(-places)
        qa, qb = a.quantize(q), b.quantize(q)
        if V.compare(op, qa, qb) == truth and (qa != qb or a == b):
            return places
    return None


def _is_literal(e) -> bool:
    if isinstance(e, n.Neg):
        return _is_literal(e.operand)
    return isinstance(e, (n.Quantity, n.DateLit, n.Bool, n.Text)) and getattr(e, "unit", None) != "G"


def _unwrap(e, neg: bool):
    """(comparison, negated) when `e` is a comparison under zero or more `ikke`, else None."""
    while isinstance(e, n.Not):
        e, neg = e.operand, not neg
    return (e, neg) if isinstance(e, n.Compare) else None


def _terms(e) -> list:
    if isinstance(e, n.BinOp) and e.op == "+":
        return _terms(e.left) + _terms(e.right)
    return [e]


# --- the text a caseworker reads ---------------------------------------------------------------

def render(ex: Explanation) -> str:
    """An `Explanation` as plain text: every condition with its verdict and reasons, amounts,
    and for an undetermined decision what is missing, most decisive first."""
    lang = Lang(ex.language)
    lines = [f"{ex.title}: {lang.phrase('outcome_' + ex.outcome)}",
             lang.phrase("assessed_on", date=ex.date), ""]
    order = {DENIED: ("not_met", "unknown", "met", "not_applicable"),
             UNDETERMINED: ("unknown", "met", "not_applicable", "not_met"),
             GRANTED: ("met", "not_applicable", "unknown", "not_met")}[ex.outcome]
    for status in order:
        for c in ex.conditions:
            if c.status != status:
                continue
            label = lang.phrase("label_" + c.status)
            if c.discretionary:
                label += f" ({lang.phrase('label_discretion')})"
            lines += [f"{c.title} ({c.basis}): {label}", f"  {c.text}", ""]
    if ex.amounts:
        lines.append(lang.phrase("amounts_heading"))
        for a in ex.amounts:
            lines.append(f"  {a.title}: {a.value or lang.phrase('amount_unknown')} ({a.basis})")
        lines.append("")
    if ex.missing:
        lines.append(lang.phrase("missing_heading"))
        for i, m in enumerate(ex.missing, 1):
            lines.append(f"  {i}. {m.label}. {m.needed_for}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def condition_explanation(env: R.Env, decl: n.ConditionDecl, result, language: str = "nb") -> str:
    """One condition's explanation as plain text: the `explanation` of CONTRACT.md's decision
    object, made by the same verbaliser as the letters.

    Args:
        env: the reference evaluator's environment of the case.
        decl: the condition.
        result: its `ConditionResult` (status, applied exception, basis).
        language: "nb" or "nn".
    """
    return _Explainer(_lang(language), env.model, env).condition(decl, result).text


@functools.cache
def _lang(code: str) -> Lang:
    return Lang(code)
