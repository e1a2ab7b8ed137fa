"""The examples legal staff write beside the rules (`rules/**/*.cases.toml`), one pytest case each.

Every rule file that declares a `ytelse` must have a `<name>.cases.toml` beside it, and every case
in every cases file must give no differences (`rulelang.cases.run_case`). Ids read
`folketrygd/dagpenger::<navn>`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from rulelang import load_rules
from rulelang.cases import case_files, load_cases, run_case

RULES = Path(__file__).resolve().parent.parent / "rules"
CASES = load_cases(RULES)


def _case_id(case) -> str:
    stem = Path(case.file).resolve().relative_to(RULES).as_posix().removesuffix(".cases.toml")
    return f"{stem}::{case.name}"


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


def test_every_benefit_has_a_cases_file(rules):
    benefit_files = {Path(m.file).resolve() for m in rules.program.benefits.values()}
    assert benefit_files, "no rule file under rules/ declares a ytelse"
    missing = sorted(str(p.relative_to(RULES)) for p in benefit_files
                     if not p.with_suffix(".cases.toml").is_file())
    assert not missing, f"rule files without a .cases.toml beside them: {missing}"


def test_every_cases_file_has_cases():
    files = case_files(RULES)
    assert files
    for f in files:
        assert any(Path(c.file) == f for c in CASES), f"{f} holds no [[tilfelle]]"


def test_case_names_are_unique_in_a_file():
    seen = set()
    for case in CASES:
        key = _case_id(case)
        assert key not in seen, f"two cases are named {key!r}"
        seen.add(key)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case(rules, case):
    assert run_case(rules, case) == []
