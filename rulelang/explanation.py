"""The short explanation of each condition in a decision (CONTRACT.md `conditions[].explanation`).

Input: a condition, its status, the expression in force and a reference-evaluator `Env`.
Output: plain bokmål sentences with the person's own figures, e.g. "Brutto arbeidsinntekt de
siste 12 avsluttede kalendermånedene er 150 000 kr. Kravet er minst 1,5 G, som er 195 240 kr.
Vilkåret er ikke oppfylt." The phrasing lives in the tables below, not per benefit: a new
benefit gets explanations from its rule file alone.
"""
from __future__ import annotations

from . import display
from . import nodes as n
from . import types as T
from . import reference as R
from .errors import RuleEvalError
from .lawrefs import format_refs
from .printer import format_expr

# How a comparison reads in a requirement: "Kravet er minst 1,5 G".
REQUIREMENT = {">=": "minst", ">": "mer enn", "<=": "høyst", "<": "under", "=": "", "!=": "ikke"}
STATUS = {
    "met": "Vilkåret er oppfylt.",
    "not_met": "Vilkåret er ikke oppfylt.",
    "unknown": "Vilkåret kan ikke avgjøres ennå fordi det mangler opplysninger.",
    "not_applicable": "Vilkåret gjelder ikke i denne saken.",
}
MAX_LEAVES = 4


def leaves(e) -> list:
    """The comparisons and yes/no facts an explanation talks about, in reading order."""
    match e:
        case n.And(operands=ops) | n.Or(operands=ops):
            return [x for op in ops for x in leaves(op)]
        case n.Not(operand=x):
            return leaves(x)
        case n.Compare() | n.Name():
            return [e]
    return []


def subject(e, env: R.Env) -> str:
    """What a sentence is about: a fact's description, a definition's title, or the rule text."""
    if isinstance(e, n.Today):
        return "Prøvingsdatoen"
    if isinstance(e, n.Name):
        fact = env.model.facts.get(e.name)
        if fact is not None and fact.description:
            return fact.description
        d = env.model.values.get(e.name) or env.model.amounts.get(e.name)
        if d is not None and d.title:
            return d.title
    return format_expr(e)


def _value(e, env: R.Env, as_type=None) -> str:
    v, _ = R.evaluate(e, env)
    return display.value(v, as_type or env.model.expr_types.get(e))


def _is_literal(e) -> bool:
    return isinstance(e, (n.Quantity, n.DateLit, n.Bool, n.Text)) and getattr(e, "unit", None) != "G"


def sentence(leaf, env: R.Env) -> str:
    """One sentence per leaf."""
    if isinstance(leaf, n.Name):
        v, _ = R.evaluate(leaf, env)
        if v is R.V.UNKNOWN:
            return f"{_capital(subject(leaf, env))}: ikke oppgitt."
        return f"{_capital(subject(leaf, env))}: {display.value(v, env.model.expr_types.get(leaf))}."
    lv, _ = R.evaluate(leaf.left, env)
    if lv is R.V.UNKNOWN:
        first = f"{_capital(subject(leaf.left, env))} er ikke oppgitt."
    else:
        # a computed share compared with a percentage is shown as a percentage
        as_percent = T.PERCENT if env.model.expr_types.get(leaf.right) == T.PERCENT else None
        first = f"{_capital(subject(leaf.left, env))} er {_value(leaf.left, env, as_percent)}."
    req = REQUIREMENT[leaf.op]
    right = format_expr(leaf.right)
    text = f"Kravet er {req + ' ' if req else ''}{right}"
    if not _is_literal(leaf.right):
        rv, _ = R.evaluate(leaf.right, env)
        if rv is not R.V.UNKNOWN:
            text += f", som er {_value(leaf.right, env)}"
    return f"{first} {text}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain(decl: n.ConditionDecl, status: str, expr, applied, env: R.Env) -> str:
    """The explanation of one condition."""
    parts = []
    if applied is not None:
        basis = format_refs(applied.basis.refs, env.model.law)
        title = f" ({applied.title})" if applied.title else ""
        parts.append(f"Unntaket i {basis}{title} gjelder.")
        if applied.outcome is not None and not isinstance(applied.outcome, n.NotApplicable):
            expr = applied.outcome
        elif applied.outcome is None:
            expr = applied.when
    if expr is not None and expr is not R.NOT_IN_FORCE:
        for leaf in leaves(expr)[:MAX_LEAVES]:
            try:
                parts.append(sentence(leaf, env))
            except RuleEvalError:
                # a part the rule never reached (e.g. a share of zero working hours)
                continue
    parts.append(STATUS[status])
    return " ".join(parts)
