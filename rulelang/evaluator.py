"""Evaluator: (rules, benefit, facts, date) -> `Decision`.

Input: loaded `Rules`, a benefit id, the caller's facts and the prøvingsdato. Output: a
`Decision` as CONTRACT.md describes it. Raises `UnknownBenefitError`, `FactError` (bad input,
exit 2) or `RuleEvalError` (no rate for the date, division by zero: exit 1).

The fast path runs the compiled closures. The reference evaluator runs only where a decision
needs more than values: which missing facts matter (undetermined conditions, amounts whose
value is null, obligations whose trigger is unknown) and the explanation sentences.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from typing import NamedTuple

from . import reference as R
from . import types as T
from .decision import (DENIED, GRANTED, UNDETERMINED, AmountResult, Appeal, AppealStep,
                       ConditionResult, Decision, ObligationResult)
from .errors import InputError, UnknownBenefitError
from .facts import validate
from .lawrefs import format_ref, format_refs
from .values import NOT_APPLICABLE, UNKNOWN

STATUS = {True: "met", False: "not_met"}


def parse_date(on) -> dt.date:
    """The evaluation date from a date or 'YYYY-MM-DD'."""
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        return on
    if isinstance(on, str):
        try:
            if len(on) == 10:
                return dt.date.fromisoformat(on)
        except ValueError:
            pass
    raise InputError(f"the date must be YYYY-MM-DD (a real date), got {on!r}")


def evaluate(rules, benefit: str, facts: dict, on) -> Decision:
    """Evaluate one case.

    Args:
        rules: what `load_rules` returned.
        benefit: the benefit id, e.g. "dagpenger".
        facts: fact name -> value (JSON types; absent or None means unknown).
        on: the prøvingsdato, a `datetime.date` or "YYYY-MM-DD".

    Returns:
        The Decision.
    """
    compiled = rules.compiled.get(benefit)
    if compiled is None:
        raise UnknownBenefitError(f"unknown benefit '{benefit}'; the benefits are: "
                                  + ", ".join(sorted(rules.compiled)))
    model = compiled.model
    on = parse_date(on)
    values = validate(facts, model.facts, model.fact_types, benefit)
    ctx = compiled.new_ctx(on, values)
    env = R.Env(model, compiled.program, values, on, compiled.tables)
    env.value_of = compiled.value_of(ctx)
    law = model.law

    # Conditions, in declaration order.
    conditions = []
    statuses = []
    for decl, fn in compiled.conditions:
        v, applied = fn(ctx)
        if v is R.NOT_IN_FORCE:
            continue
        status = status_of(v)
        index = _index(decl.body, applied)
        basis, bases = _bases(compiled, decl, index)
        expr = R.select_version(decl.body, on)
        seen = _Seen(status, index, basis)
        conditions.append(ConditionResult(
            id=decl.name, title=decl.title, legal_basis=basis, status=status,
            discretionary=decl.discretionary,
            explanation=_explain(compiled, ctx, env, decl, expr, seen),
            facts_used=_facts_used(compiled, decl, expr, applied, values), bases=bases,
            version=R.version_index(decl.body, on), exception=index))
        statuses.append((decl, status, expr))

    outcome = outcome_of([s for _, s, _ in statuses])

    amounts, obligations, missing = [], [], []
    if outcome == GRANTED:
        for decl, fn in compiled.amounts:
            v, applied = fn(ctx)
            if v is R.NOT_IN_FORCE:
                continue
            index = _index(decl.body, applied)
            basis, bases = _bases(compiled, decl, index)
            ty = model.def_types[decl.name]
            if v is UNKNOWN:
                missing.append(_missing_of(decl.body, env))
            amounts.append(AmountResult(
                id=decl.name, title=decl.title or decl.name, value=None if v is UNKNOWN else v,
                unit=T.OUTPUT_UNITS.get(ty, ""), legal_basis=basis, bases=bases,
                version=R.version_index(decl.body, on), exception=index))
        for decl, fn in compiled.obligations:
            v, applied = fn(ctx)
            if v is R.NOT_IN_FORCE or v is False or v is NOT_APPLICABLE:
                continue
            status = None
            if v is UNKNOWN:
                status = "unknown"
                missing.append(_missing_of(decl.body, env))
            obligations.append(ObligationResult(
                id=decl.name, title=decl.title, legal_basis=format_refs(decl.basis.refs, law),
                text=decl.text or "", status=status))
    elif outcome == UNDETERMINED:
        for decl, status, _ in statuses:
            if status == "unknown":
                missing.append(_missing_of(decl.body, env))

    return Decision(
        benefit=benefit, title=model.decl.title, law=law, date=on, outcome=outcome,
        legal_basis=tuple(_decision_basis(outcome, conditions, amounts)),
        conditions=tuple(conditions), amounts=tuple(amounts), obligations=tuple(obligations),
        missing_facts=tuple(_rank(missing, compiled.fact_names)),
        appeal=_appeal(compiled, on), rules_version=model.rules_version)


def status_of(v) -> str:
    """A condition's status from its value: met, not_met, unknown or not_applicable."""
    return "unknown" if v is UNKNOWN else "not_applicable" if v is NOT_APPLICABLE else STATUS[v]


def outcome_of(statuses) -> str:
    """CONTRACT.md: denied when a condition is not met (a decisive failure decides), else
    undetermined when one is unknown, else granted."""
    return DENIED if "not_met" in statuses else UNDETERMINED if "unknown" in statuses else GRANTED


class _Seen(NamedTuple):
    """What the explanation of a condition needs of its result."""

    status: str
    exception: int | None
    legal_basis: str


def _bases(compiled, decl, index) -> tuple[str, tuple]:
    """A declaration's basis as one string and as a tuple of references (main basis, then the
    exception that applied), formatted once per declaration and exception."""
    key = (decl.name, index)
    cached = compiled.basis_cache.get(key)
    if cached is None:
        law = compiled.model.law
        refs = list(decl.basis.refs) + (list(decl.body.exceptions[index].basis.refs)
                                        if index is not None else [])
        cached = (format_refs(refs, law), tuple(format_ref(r, law) for r in refs))
        compiled.basis_cache[key] = cached
    return cached


def _appeal(compiled, on):
    """The appeal route on `on` (names change by date), built once per date."""
    appeal = compiled.appeal_cache.get(on)
    if appeal is None:
        appeal = appeal_for(compiled.program, compiled.model.track, on)
        if len(compiled.appeal_cache) < 4096:
            compiled.appeal_cache[on] = appeal
    return appeal


@functools.cache
def _verbaliser():
    # The one verbaliser lives in explain/ (GUIDE: showing a decision is explain's job); it is
    # imported on first use, because explain itself builds on this module.
    from explain.explanation import condition_explanation
    return condition_explanation


_EXPLAIN_CACHE_MAX = 20_000  # sentences kept per benefit (~10 MB); past it the memo starts over


def _explain(compiled, ctx, env, decl, expr, result) -> str:
    """The condition's explanation, memoised on everything it is a function of: the condition,
    the date (rule version, G and satser), the result, and the value of every fact the rule in
    force and its exceptions read (directly or through a verdi). A caseload repeats these
    often (yes/no facts, ages, the same date), so most conditions are verbalised once."""
    key = (decl.name, ctx.on, result, _reads(compiled, decl, expr, ctx.facts))
    text = compiled.explain_cache.get(key)
    if text is None:
        text = _verbaliser()(env, decl, result)
        cache = compiled.explain_cache
        if len(cache) >= _EXPLAIN_CACHE_MAX:
            cache.clear()
        cache[key] = text
    return text


def _reads(compiled, decl, expr, slots) -> tuple:
    """The values (by slot) of the facts `decl` reads in the version `expr`. A Decimal goes in
    by its text: 1.50 and 1.5 are equal numbers but may be shown differently."""
    idx = compiled.read_slots(decl, expr)
    return tuple(str(v) if type(v) is Decimal else v for v in map(slots.__getitem__, idx))


def _index(body, applied) -> int | None:
    if applied is None:
        return None
    return next(i for i, exc in enumerate(body.exceptions) if exc is applied)


def _missing_of(body, env) -> frozenset:
    _, missing, _ = R.eval_body(body, env)
    return missing


def _rank(missing_sets, order) -> list[str]:
    """Facts that would let the case be decided, most decisive first: a fact needed by more
    undetermined parts ranks higher; ties keep the order the benefit declares its facts in."""
    counts: dict[str, int] = {}
    for s in missing_sets:
        for f in s:
            counts[f] = counts.get(f, 0) + 1
    position = {name: i for i, name in enumerate(order)}
    return sorted(counts, key=lambda f: (-counts[f], position.get(f, 0)))


def _decision_basis(outcome, conditions, amounts) -> list[str]:
    """CONTRACT.md: denied -> every not_met condition; granted -> every met condition (and an
    exception that made it met), then every amount; undetermined -> every unknown condition."""
    want = {DENIED: "not_met", GRANTED: "met", UNDETERMINED: "unknown"}[outcome]
    out: list[str] = []
    for c in conditions:
        if c.status == want:
            out.extend(b for b in c.bases if b not in out)
    if outcome == GRANTED:
        for a in amounts:
            out.extend(b for b in a.bases if b not in out)
    return out


def _facts_used(compiled, decl, expr, applied, values) -> tuple:
    """The known facts the rule in force reads (directly or through a verdi), with their values
    as the caller gave them (prosent as 0–100)."""
    names = compiled.facts_read(decl, expr)
    out = []
    for name in names:
        if name in values:
            v = values[name]
            if compiled.model.fact_types[name] == T.PERCENT:
                v = v * 100
            out.append((name, v))
    return tuple(out)


def appeal_for(program, track_name: str, on: dt.date) -> Appeal:
    """The appeal route of a track as it stands on `on` (names change by date)."""
    track = program.tracks[track_name]
    steps = []
    for s in track.steps:
        name = s.name
        for sn in s.names:
            if (sn.start is None or sn.start.value <= on) and (sn.end is None or on <= sn.end.value):
                name = sn.name
        basis = "; ".join(format_refs([r], None) for r in s.basis.refs) if s.basis else None
        steps.append(AppealStep(body=s.body, name=name or s.body, kind=s.kind,
                                deadline_weeks=s.deadline_weeks, legal_basis=basis))
    rl = track.review_limit
    return Appeal(track=track.name, steps=tuple(steps),
                  review_limit=rl.text if rl else None,
                  review_limit_basis=format_refs(rl.basis.refs, None) if rl else None)
