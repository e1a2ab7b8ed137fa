"""Golden decisions: `Decision.to_json()` for a handful of dagpenger cases, compared byte for byte
with tests/golden/<case>.json.

`pytest tests/test_golden_traces.py --update-golden` rewrites the files; review every changed file
in `git diff` against CONTRACT.md before committing it.

`rules_version` is the hash of the rule files (comments and layout included), so it changes with
every edit of dagpenger.regel, grunnbelop.regel or klagespor.regel. The golden files store it
masked as "sha256:<masked>"; a separate check pins its form. Everything else is compared exactly.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rulelang import evaluate, load_rules

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
RULES = HERE.parent / "rules"
MASK = "sha256:<masked>"

# A person who is granted in 2025: 420 000 kr last 12 months (> 1,5 G = 195 240 kr),
# working hours down from 37,5 to 0, two children.
# The granted dagpenger case the demo uses (G = 130 160 on 2025-06-02).
_GRANTED = json.loads((Path(__file__).resolve().parent.parent / "examples" / "dagpenger_innvilget.json")
                      .read_text("utf-8"))


def _without(facts: dict, *names: str) -> dict:
    return {k: v for k, v in facts.items() if k not in names}


CASES = {
    # every condition met; every amount computed (egenandel exists from 2024)
    "granted": ("2025-06-02", _GRANTED),
    # 150 000 kr < 1,5 G = 195 240 kr and 200 000 kr < 3 G = 390 480 kr: minsteinntekt not met
    "denied_minsteinntekt": ("2025-06-02", {**_GRANTED, "arbeidsinntekt_siste_12_mnd": 150000,
                                            "arbeidsinntekt_siste_36_mnd": 200000}),
    # whether he is a reell arbeidssøker is not known: nothing else fails, so undetermined
    "undetermined_missing_fact": ("2025-06-02", _without(_GRANTED, "reell_arbeidssøker")),
    # 2020-06-15 is in the first pandemic period (G = 101 351 kr): 90 000 kr meets 0,75 G
    # (76 013,25 kr) but not 1,5 G, working hours down 45 % meet the 40 % rule, and the raised
    # dagsats (80 % up to 3 G, / 260) applies; no egenandel before 2024
    "pandemic_period": ("2020-06-15", {**_GRANTED, "arbeidsinntekt_siste_12_mnd": 90000,
                                       "arbeidsinntekt_siste_36_mnd": 150000,
                                       "vanlig_arbeidstid": 40, "ny_arbeidstid": 22,
                                       "antall_barn": 0}),
    # § 4-19: minsteinntekt met by verneplikt without income; grunnlag 3 G, 26 weeks
    "verneplikt": ("2025-06-02", {**_GRANTED, "arbeidsinntekt_siste_12_mnd": 0,
                                  "arbeidsinntekt_siste_36_mnd": 0, "avtjent_verneplikt": True,
                                  "antall_barn": 0}),
    # granted, but antall_barn is missing: the amounts that need it are null and it is listed
    "granted_null_amount": ("2025-06-02", _without(_GRANTED, "antall_barn")),
}


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


def _decision_json(rules, name: str) -> str:
    on, facts = CASES[name]
    decision = evaluate(rules, "dagpenger", facts, on)
    data = json.loads(decision.to_json())
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", data["rules_version"])
    return decision.to_json().replace(data["rules_version"], MASK) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_decision(rules, name, update_golden):
    got = _decision_json(rules, name)
    path = GOLDEN / f"{name}.json"
    if update_golden:
        path.write_text(got, "utf-8")
        return
    assert path.exists(), f"no golden file {path}: run pytest --update-golden and review it"
    want = path.read_text("utf-8")
    assert got == want, f"{path.name} differs; if the change is intended, run --update-golden"


def test_every_golden_file_has_a_case():
    stale = {p.stem for p in GOLDEN.glob("*.json")} - set(CASES)
    assert not stale, f"golden files without a case: {sorted(stale)}"


@pytest.mark.parametrize("name, outcome", [
    ("granted", "granted"), ("denied_minsteinntekt", "denied"),
    ("undetermined_missing_fact", "undetermined"), ("pandemic_period", "granted"),
    ("verneplikt", "granted"), ("granted_null_amount", "granted"),
])
def test_golden_cases_are_what_their_names_say(rules, name, outcome):
    """A guard against rewriting a golden file into something else: the outcome and the point
    of each case are checked without the golden file."""
    on, facts = CASES[name]
    d = evaluate(rules, "dagpenger", facts, on)
    assert d.outcome == outcome
    if name == "denied_minsteinntekt":
        assert [c.id for c in d.conditions if c.status == "not_met"] == ["minsteinntekt"]
        assert d.amounts == () and d.missing_facts == ()
    if name == "undetermined_missing_fact":
        assert d.missing_facts == ("reell_arbeidssøker",)
        assert d.amounts == ()
    if name == "pandemic_period":
        assert d.condition("minsteinntekt").status == "met"
        assert d.condition("tap_av_arbeidstid").status == "met"
        assert "egenandel" not in {a.id for a in d.amounts}
    if name == "verneplikt":
        assert d.amount("stønadsperiode_uker").value == 26
        assert "folketrygdloven § 4-19" in d.legal_basis
    if name == "granted_null_amount":
        assert d.amount("barnetillegg").value is None
        assert d.amount("dagsats").value is not None
        assert d.missing_facts == ("antall_barn",)
