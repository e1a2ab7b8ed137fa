"""The checked program: what the checker hands to the compiler, the evaluator and `explain/`.

Input: nothing (a data module). Output: `Program`, `BenefitModel`. A `Program` is only built by
`checker.check`, so everything in it has resolved names, correct types and a legal basis.
"""
from __future__ import annotations

from attrs import define, field

from . import nodes as n
from .types import Ty


@define
class BenefitModel:
    """One benefit (`ytelse`) with everything its file declares, in declaration order."""

    decl: n.BenefitDecl
    file: str
    facts: dict[str, n.FactDecl] = field(factory=dict)
    fact_types: dict[str, Ty] = field(factory=dict)
    values: dict[str, n.ValueDecl] = field(factory=dict)
    amounts: dict[str, n.AmountDecl] = field(factory=dict)
    conditions: dict[str, n.ConditionDecl] = field(factory=dict)
    obligations: dict[str, n.ObligationDecl] = field(factory=dict)
    letters: dict[str, n.LetterText] = field(factory=dict)   # brev: outcome -> text
    def_types: dict[str, Ty] = field(factory=dict)   # values and amounts
    expr_types: dict = field(factory=dict)           # expression node -> Ty
    files: tuple[str, ...] = ()                      # every rule file this benefit uses
    rules_version: str = ""

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def law(self) -> str:
        return self.decl.law

    @property
    def track(self) -> str:
        return self.decl.track


@define
class Program:
    """All checked rule files: benefits, rates (satser) and appeal tracks."""

    benefits: dict[str, BenefitModel] = field(factory=dict)
    rates: dict[str, n.RateDecl] = field(factory=dict)
    rate_types: dict[str, Ty] = field(factory=dict)
    rate_files: dict[str, str] = field(factory=dict)
    tracks: dict[str, n.TrackDecl] = field(factory=dict)
    track_files: dict[str, str] = field(factory=dict)
    sources: dict[str, str] = field(factory=dict)
    modules: dict[str, n.Module] = field(factory=dict)
    warnings: tuple = ()
