"""Decision: the engine's output contract (CONTRACT.md, "The decision object").

Input: built by evaluator.py. Output: `Decision.to_dict()` (keys in the contract's order) and
`to_json()` (byte-identical for the same input: fixed key order, no timestamps, exact decimals).
Frozen attrs classes: a decision is a value.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attrs import frozen

GRANTED = "granted"
DENIED = "denied"
UNDETERMINED = "undetermined"


@frozen
class ConditionResult:
    """One vilkår in a decision."""

    id: str
    title: str
    legal_basis: str
    status: str              # met | not_met | unknown | not_applicable
    discretionary: bool
    explanation: str
    facts_used: tuple        # ((name, value), ...)
    bases: tuple = ()        # every reference (main basis, then an exception that applied)
    version: int | None = None   # the dated version in force (index), None for the main rule
    exception: int | None = None  # the exception that decided (index), if any


@frozen
class AmountResult:
    """One amount: exact Decimal or None (a fact it needs is missing)."""

    id: str
    title: str
    value: Decimal | None
    unit: str
    legal_basis: str
    bases: tuple = ()
    version: int | None = None
    exception: int | None = None


@frozen
class ObligationResult:
    """A duty attached to a grant; status "unknown" when its trigger needs a missing fact."""

    id: str
    title: str
    legal_basis: str
    text: str
    status: str | None = None


@frozen
class AppealStep:
    body: str
    name: str
    kind: str
    deadline_weeks: int | None
    legal_basis: str | None


@frozen
class Appeal:
    track: str
    steps: tuple
    review_limit: str | None = None
    review_limit_basis: str | None = None


@frozen
class Decision:
    """The decision for one case."""

    benefit: str
    title: str
    law: str
    date: dt.date
    outcome: str
    legal_basis: tuple
    conditions: tuple
    amounts: tuple
    obligations: tuple
    missing_facts: tuple
    appeal: Appeal
    rules_version: str

    def condition(self, cid: str) -> ConditionResult:
        return next(c for c in self.conditions if c.id == cid)

    def amount(self, aid: str) -> AmountResult:
        return next(a for a in self.amounts if a.id == aid)

    def to_dict(self) -> dict:
        """The decision as CONTRACT.md's JSON object (numbers as Decimal / int)."""
        appeal = {"track": self.appeal.track, "steps": [_step(s) for s in self.appeal.steps]}
        if self.appeal.review_limit:
            appeal["review_limit"] = {"text": self.appeal.review_limit,
                                      "legal_basis": self.appeal.review_limit_basis}
        return {
            "benefit": self.benefit,
            "title": self.title,
            "law": self.law,
            "date": self.date.isoformat(),
            "outcome": self.outcome,
            "legal_basis": list(self.legal_basis),
            "conditions": [
                {"id": c.id, "title": c.title, "legal_basis": c.legal_basis, "status": c.status,
                 "discretionary": c.discretionary, "explanation": c.explanation,
                 "facts_used": {k: _plain(v) for k, v in c.facts_used}}
                for c in self.conditions],
            "amounts": {a.id: {"value": _number(a.value), "unit": a.unit, "legal_basis": a.legal_basis}
                        for a in self.amounts},
            "obligations": [_obligation(o) for o in self.obligations],
            "missing_facts": list(self.missing_facts),
            "appeal": appeal,
            "rules_version": self.rules_version,
        }

    def to_json(self, indent: int | None = 2) -> str:
        from .jsonout import dumps
        return dumps(self.to_dict(), indent=indent)


def _step(s: AppealStep) -> dict:
    d = {"body": s.body, "name": s.name, "kind": s.kind}
    if s.deadline_weeks is not None:
        d["deadline_weeks"] = s.deadline_weeks
    if s.legal_basis:
        d["legal_basis"] = s.legal_basis
    return d


def _obligation(o: ObligationResult) -> dict:
    d = {"id": o.id, "legal_basis": o.legal_basis, "text": o.text}
    if o.status:
        d["status"] = o.status
    return d


def _number(v):
    if v is None:
        return None
    if v == v.to_integral_value():
        return int(v)
    return v  # written from its digits by jsonout


def _plain(v):
    """A fact value as JSON-ready data (prosent back to 0–100 is done by the evaluator)."""
    if isinstance(v, Decimal):
        return _number(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v
