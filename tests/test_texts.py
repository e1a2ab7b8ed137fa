"""Texts letters need: `rulelang check` demands a brev text per outcome and nynorsk forms."""
import pytest

from rulelang.errors import RuleCheckError
from rulelang.loader import load_sources

TRACK = '''klagespor folketrygd
  klage til klageinstans "NAV Klageinstans" nynorsk "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)
'''
COMPLETE = '''ytelse t "Tittel" nynorsk "Tittel nn" lov folketrygdloven kapittel 4 klagespor folketrygd
opplysninger
  a: ja/nei "Du bor i Norge" nynorsk "Du bur i Noreg"
brev
  innvilget: "Du får stønad." nynorsk "Du får stønad."
  avslag: "Du får ikke stønad." nynorsk "Du får ikkje stønad."
  ikke_avgjort: "Vi trenger mer." nynorsk "Vi treng meir."
vilkår k "Bosted" nynorsk "Bustad" (§ 4-2)
  a
'''


def codes(exc):
    return sorted(d.code for d in exc.value.diagnostics)


def test_a_complete_benefit_checks_clean_with_texts_required():
    rules = load_sources({"t.regel": COMPLETE, "spor.regel": TRACK}, require_texts=True)
    letters = rules.compiled["t"].model.letters
    assert letters["avslag"].text_nn == "Du får ikkje stønad."


def test_a_missing_outcome_text_and_a_missing_nynorsk_form_fail():
    broken = COMPLETE.replace('  ikke_avgjort: "Vi trenger mer." nynorsk "Vi treng meir."\n', "")
    broken = broken.replace(' nynorsk "Bustad"', "")
    with pytest.raises(RuleCheckError) as exc:
        load_sources({"t.regel": broken, "spor.regel": TRACK}, require_texts=True)
    assert codes(exc) == ["RL420", "RL421"]
    messages = " | ".join(d.message for d in exc.value.diagnostics)
    assert "no letter text for 'ikke_avgjort'" in messages
    assert "the title of vilkår 'k' has no nynorsk text" in messages


def test_an_unknown_outcome_gets_a_suggestion():
    broken = COMPLETE.replace("avslag:", "avslått:")
    with pytest.raises(RuleCheckError) as exc:
        load_sources({"t.regel": broken, "spor.regel": TRACK}, require_texts=True)
    assert "RL422" in codes(exc)
    d = next(d for d in exc.value.diagnostics if d.code == "RL422")
    assert d.hint == "did you mean 'avslag'?"


def test_evaluation_does_not_need_letter_texts():
    bare = COMPLETE.replace(' nynorsk "Bustad"', "")
    rules = load_sources({"t.regel": bare, "spor.regel": TRACK})
    assert rules.benefits == ["t"]
