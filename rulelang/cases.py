"""Examples legal staff write beside the rules: `<regel>.cases.toml`, read with stdlib tomllib.

Input: the TOML files under a folder. Output: `Case`s, and `run_case` -> list of differences.
The keys are Norwegian because legal staff write them:

    [[tilfelle]]
    navn = "En arbeidsledig med 1,5 G i inntekt får dagpenger"
    ytelse = "dagpenger"              # optional: defaults to the file's name
    dato = 2025-06-02
    [tilfelle.fakta]
    arbeidsinntekt_siste_12_mnd = 195240
    [tilfelle.forventet]
    utfall = "innvilget"              # innvilget | avslag | ikke avgjort
    "vilkår" = { minsteinntekt = "oppfylt" }   # oppfylt | ikke oppfylt | ukjent | gjelder ikke
    "beløp" = { dagpengegrunnlag = 195240 }    # exact; "ukjent" for a value that needs a missing fact
    "uten_beløp" = ["egenandel"]      # amounts that must not be in the decision
    mangler = ["antall_barn"]
    hjemmel = ["folketrygdloven § 4-4 første ledd"]
    plikter = ["aktivitetsplikt"]
    feil = "no value"                 # the case must fail evaluation with this text in the message

TOML (tomllib) allows only ASCII in a bare key: a key with æ, ø or å is written in quotes, as
`"vilkår"`, `"fødselsdato"` or `{ "reell_arbeidssøker" = "oppfylt" }`.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

from attrs import frozen

from .errors import InputError, RulelangError
from .evaluator import evaluate

OUTCOMES = {"innvilget": "granted", "avslag": "denied", "ikke avgjort": "undetermined"}
STATUSES = {"oppfylt": "met", "ikke oppfylt": "not_met", "ukjent": "unknown",
            "gjelder ikke": "not_applicable"}
CASE_KEYS = {"navn", "ytelse", "dato", "fakta", "forventet"}
EXPECTED_KEYS = {"utfall", "vilkår", "beløp", "mangler", "hjemmel", "plikter", "uten_beløp", "feil"}


@frozen
class Case:
    file: str
    name: str
    benefit: str
    date: dt.date
    facts: dict
    expected: dict


def case_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.cases.toml"))


def _to_json_value(v):
    """TOML values -> what a caseworker system would send (floats become exact decimals)."""
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return [_to_json_value(x) for x in v]
    return v


def load_cases(path: Path) -> list[Case]:
    """Every case of every cases file under `path`."""
    cases = []
    for f in case_files(path):
        try:
            with f.open("rb") as fh:
                data = tomllib.load(fh, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{f}: {exc}") from None
        default_benefit = f.name.removesuffix(".cases.toml")
        for i, raw in enumerate(data.get("tilfelle", [])):
            missing = [k for k in ("navn", "dato", "forventet") if k not in raw]
            if missing:
                raise InputError(f"{f}: tilfelle {i + 1} lacks {', '.join(missing)}")
            # a misspelt key would otherwise make an expectation that is never checked
            unknown = sorted(set(raw) - CASE_KEYS) + sorted(set(raw["forventet"]) - EXPECTED_KEYS)
            if unknown:
                raise InputError(f"{f}: tilfelle {i + 1} has unknown keys: {', '.join(unknown)}")
            cases.append(Case(
                file=str(f), name=raw["navn"], benefit=raw.get("ytelse", default_benefit),
                date=raw["dato"], facts={k: _to_json_value(v) for k, v in raw.get("fakta", {}).items()},
                expected=raw["forventet"]))
    return cases


def run_case(rules, case: Case, on_decision=None) -> list[str]:
    """The differences between what the case expects and what the engine decides.
    `on_decision`, if given, is called with every decision made (for coverage)."""
    want = case.expected
    try:
        d = evaluate(rules, case.benefit, case.facts, case.date)
        if on_decision is not None:
            on_decision(d)
    except RulelangError as exc:
        if "feil" in want and want["feil"] in str(exc):
            return []
        return [f"evaluation failed: {exc}"]
    if "feil" in want:
        return [f"expected an error containing {want['feil']!r}, got outcome {d.outcome}"]
    errors = []
    if "utfall" in want and OUTCOMES.get(want["utfall"], want["utfall"]) != d.outcome:
        errors.append(f"utfall: expected {want['utfall']}, got {d.outcome}")
    statuses = {c.id: c.status for c in d.conditions}
    for cid, st in want.get("vilkår", {}).items():
        if cid not in statuses:
            errors.append(f"vilkår {cid}: not in the decision")
        elif STATUSES.get(st, st) != statuses[cid]:
            errors.append(f"vilkår {cid}: expected {st}, got {statuses[cid]}")
    amounts = {a.id: a.value for a in d.amounts}
    for aid, value in want.get("beløp", {}).items():
        if aid not in amounts:
            errors.append(f"beløp {aid}: not in the decision")
        elif value == "ukjent":
            if amounts[aid] is not None:
                errors.append(f"beløp {aid}: expected ukjent, got {amounts[aid]}")
        elif amounts[aid] is None or Decimal(str(value)) != amounts[aid]:
            errors.append(f"beløp {aid}: expected {value}, got {amounts[aid]}")
    for aid in want.get("uten_beløp", []):
        if aid in amounts:
            errors.append(f"beløp {aid}: should not be in the decision")
    if "mangler" in want and set(want["mangler"]) != set(d.missing_facts):
        errors.append(f"mangler: expected {sorted(want['mangler'])}, got {sorted(d.missing_facts)}")
    for basis in want.get("hjemmel", []):
        if not any(b == basis or b.startswith(basis + " ") for b in d.legal_basis):
            errors.append(f"hjemmel: expected {basis!r} in {list(d.legal_basis)}")
    if "plikter" in want and set(want["plikter"]) != {o.id for o in d.obligations}:
        errors.append(f"plikter: expected {sorted(want['plikter'])}, got {sorted(o.id for o in d.obligations)}")
    return errors
