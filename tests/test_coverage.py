"""`rulelang test --coverage`: what the examples exercise, and that a gap fails."""
from pathlib import Path

from rulelang.cases import Case, load_cases, run_case
from rulelang.coverage import Coverage
from rulelang.loader import load_rules, load_sources

ROOT = Path(__file__).resolve().parent.parent
TRACK = '''klagespor folketrygd
  klage til klageinstans "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)
'''
BENEFIT = '''ytelse t "T" lov folketrygdloven kapittel 4 klagespor folketrygd
opplysninger
  a: ja/nei
  b: ja/nei
vilkår k "K" (§ 4-2)
  a
  gjelder fra 2024-01-01: a og b
  unntak "U" (§ 4-19) når b
'''


def test_the_shipped_examples_cover_every_condition_and_exception():
    rules = load_rules(ROOT / "rules")
    coverage = Coverage(rules)
    for case in load_cases(ROOT / "rules"):
        assert run_case(rules, case, coverage.record) == []
    text, complete = coverage.report()
    assert complete, text
    assert "folketrygdloven § 4-4 første ledd" in text
    assert "MANGLER" not in text


def test_a_condition_never_failed_and_an_unused_exception_are_gaps():
    rules = load_sources({"t.regel": BENEFIT, "spor.regel": TRACK})
    coverage = Coverage(rules)
    case = Case("t.cases.toml", "a holds", "t", __import__("datetime").date(2023, 1, 1),
                {"a": True, "b": False}, {"utfall": "innvilget"})
    assert run_case(rules, case, coverage.record) == []
    text, complete = coverage.report()
    assert not complete
    assert "vilkår k: oppfylt 1  MANGLER: ikke oppfylt" in text
    assert 'unntak (§ 4-19) "U": MANGLER (aldri brukt)' in text
    assert "gjelder fra 2024-01-01: 0  (aldri i kraft i eksemplene)" in text
