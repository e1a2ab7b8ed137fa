"""Explanations (explain/explanation.py, explain/phrases.py, explain/lawrefs.py).

The sentences are matched exactly where they are the point of the test (the issue's example,
the shortfalls); small rule files inline exercise each kind of comparison, so the shortfall is
seen to come from the comparison itself, never from text written per rule.
"""
from __future__ import annotations

import glob
import json
import re
import string
from pathlib import Path

import pytest

import explain
from explain import lawrefs
from explain.language import Lang
from explain.phrases import LAW_NAMES, NB, NN, UNITS, UNITS_ONE
from rulelang import evaluate, load_rules
from rulelang.checker import LAWS
from rulelang.loader import load_sources

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = sorted(glob.glob(str(ROOT.parent / "shared" / "cases" / "*.json")))


@pytest.fixture(scope="module")
def rules():
    return load_rules(ROOT / "rules")


def texts(rules, decision, language="nb") -> dict[str, str]:
    ex = explain.explain_decision(rules, decision, language)
    return {c.id: c.text for c in ex.conditions}


# --- the phrase tables ---------------------------------------------------------------------------

def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_both_languages_have_the_same_phrases():
    assert set(NB) == set(NN)
    for key in NB:
        assert _fields(NB[key]) == _fields(NN[key]), key
    assert set(UNITS["nb"]) == set(UNITS["nn"]) and set(UNITS_ONE["nb"]) == set(UNITS_ONE["nn"])


def test_every_law_a_rule_may_cite_has_a_nynorsk_name():
    assert set(LAWS) == set(LAW_NAMES["nn"])


# --- the example -------------------------------------------------------------------------

DAGPENGER = {
    "fødselsdato": "1985-06-02", "arbeidsinntekt_siste_12_mnd": 150000,
    "arbeidsinntekt_siste_36_mnd": 200000, "vanlig_arbeidstid": 37.5, "ny_arbeidstid": 0,
    "oppholder_seg_i_norge": True, "reell_arbeidssøker": True, "registrert_som_arbeidssøker": True,
    "avtjent_verneplikt": False, "permittert_fra_fiskeindustrien": False, "antall_barn": 0,
}


def test_the_persons_own_figures_and_what_would_have_met_the_rule(rules):
    decision = evaluate(rules, "dagpenger", DAGPENGER, "2025-06-02")
    nb = texts(rules, decision)["minsteinntekt"]
    assert nb.startswith(
        "Arbeidsinntekten din de siste 12 avsluttede kalendermånedene var 150 000 kr. "
        "Kravet er minst 1,5 ganger grunnbeløpet, som er 195 240 kr. ")
    # an `eller` of comparisons: the smallest shortfall (45 240 kr, not 190 480 kr)
    assert "Du mangler 45 240 kr for å oppfylle ett av kravene." in nb
    assert "190 480" not in nb
    assert nb.endswith("Vilkåret er ikke oppfylt.")
    nn = texts(rules, decision, "nn")["minsteinntekt"]
    assert nn.startswith(
        "Arbeidsinntekta di dei siste 12 avslutta kalendermånadene var 150 000 kr. "
        "Kravet er minst 1,5 gonger grunnbeløpet, som er 195 240 kr. ")
    assert "Du manglar 45 240 kr for å oppfylle eitt av krava." in nn
    assert "Unntaket «Avtent verneplikt» gjeld ikkje for deg (folketrygdlova § 4-19)." in nn


def test_a_guard_against_division_by_zero_is_not_explained_when_it_holds(rules):
    decision = evaluate(rules, "dagpenger", DAGPENGER, "2025-06-02")
    assert texts(rules, decision)["tap_av_arbeidstid"] == (
        "Andelen av arbeidstiden du har mistet var 100 %. Kravet er minst 50 %. Vilkåret er oppfylt.")
    zero = evaluate(rules, "dagpenger", {**DAGPENGER, "vanlig_arbeidstid": 0}, "2025-06-02")
    assert "Kravet er mer enn 0. Du må over grensen" in texts(rules, zero)["tap_av_arbeidstid"]


# --- shortfalls from the comparison itself -------------------------------------------------------

PRELUDE = """\
sats G "Grunnbeløpet" (folketrygdloven § 1-4)
  fra 1. mai 2025: 130 160 kr

klagespor folketrygd "Klage" nynorsk "Klage"
  klage til klageinstans "NAV Klageinstans" nynorsk "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)
"""

SHORTFALLS = PRELUDE + """
ytelse proeve "Prøveytelse" nynorsk "Prøveyting"
  lov folketrygdloven kapittel 4
  klagespor folketrygd

opplysninger
  inntekt: beløp "Inntekten din" nynorsk "Inntekta di"
  inntekt_36: beløp "Inntekten din over 36 måneder" nynorsk "Inntekta di over 36 månader"
  arbeidsdager: heltall "Dager i arbeid" nynorsk "Dagar i arbeid"
  timer: desimal "Timer per uke" nynorsk "Timar per veke"
  grad: prosent "Graden din" nynorsk "Graden din"
  alder: heltall "Alderen din" nynorsk "Alderen din"
  brukt: heltall "Dager du har brukt" nynorsk "Dagar du har brukt"
  behov: beløp "Behovet ditt" nynorsk "Behovet ditt"
  midler: beløp "Midlene dine" nynorsk "Midla dine"
  arbeidsuker: heltall "Uker i arbeid" nynorsk "Veker i arbeid"

verdi andel "Andelen av full tid" nynorsk "Delen av full tid"
  = timer / 40

verdi uker_i_arbeid "Tiden i arbeid" nynorsk "Tida i arbeid"
  = arbeidsuker * 1 uker

vilkår v_g "Inntekt" nynorsk "Inntekt" (§ 4-4)
  inntekt >= 1,5 G
vilkår v_eller "Inntekt eller" nynorsk "Inntekt eller" (§ 4-4)
  inntekt >= 1,5 G eller inntekt_36 >= 3 G
vilkår v_heltall "Dager" nynorsk "Dagar" (§ 4-5)
  arbeidsdager > 27
vilkår v_desimal "Timer" nynorsk "Timar" (§ 4-6)
  timer > 20
vilkår v_prosent "Grad" nynorsk "Grad" (§ 4-7)
  grad >= 20 %
vilkår v_under "Alder" nynorsk "Alder" (§ 4-8)
  alder < 70
vilkår v_hoyst "Brukt" nynorsk "Brukt" (§ 4-9)
  brukt <= 248
vilkår v_ikke "Ikke lav inntekt" nynorsk "Ikkje låg inntekt" (§ 4-10)
  ikke inntekt < 100 000 kr
vilkår v_sum "Behov" nynorsk "Behov" (§ 4-11)
  behov > midler + inntekt
vilkår v_andel "Andel" nynorsk "Del" (§ 4-12)
  andel >= 50 %
vilkår v_literal_first "Speilvendt" nynorsk "Spegelvendt" (§ 4-13)
  100 000 kr <= inntekt
vilkår v_varighet "Varighet" nynorsk "Varigheit" (§ 4-14)
  uker_i_arbeid >= 26 uker
"""

FACTS = {"inntekt": 50000, "inntekt_36": 200000, "arbeidsdager": 20, "timer": "19.9996", "grad": 15,
         "alder": 72, "brukt": 250, "behov": 10000, "midler": 2000, "arbeidsuker": 25}


@pytest.fixture(scope="module")
def shortfalls():
    rules = load_sources({"proeve.regel": SHORTFALLS})
    decision = evaluate(rules, "proeve", FACTS, "2025-06-02")
    return texts(rules, decision), texts(rules, decision, "nn")


@pytest.mark.parametrize("cid, nb, nn", [
    ("v_g", "Inntekten din var 50 000 kr. Kravet er minst 1,5 ganger grunnbeløpet, som er 195 240 kr. "
          "Du mangler 145 240 kr for å oppfylle kravet.",
     "Du manglar 145 240 kr for å oppfylle kravet."),
    # the smallest of two shortfalls in kroner: 145 240 (12 months) against 190 480 (36 months)
    ("v_eller", "Du mangler 145 240 kr for å oppfylle ett av kravene.",
     "Du manglar 145 240 kr for å oppfylle eitt av krava."),
    # > on whole numbers: the next whole number meets it (28 - 20)
    ("v_heltall", "Dager i arbeid var 20. Kravet er mer enn 27. Du mangler 8 for å oppfylle kravet.",
     "Dagar i arbeid var 20. Kravet er meir enn 27. Du manglar 8 for å oppfylle kravet."),
    # > on a continuous scale: "more than" the difference, shown with the decimals it needs
    ("v_desimal", "Timer per uke var 19,9996. Kravet er mer enn 20. "
                "Du mangler mer enn 0,0004 for å oppfylle kravet.",
     "Du manglar meir enn 0,0004 for å oppfylle kravet."),
    # prosent: the difference in prosentpoeng
    ("v_prosent", "Graden din var 15 %. Kravet er minst 20 %. Du mangler 5 prosentpoeng for å oppfylle kravet.",
     "Du manglar 5 prosentpoeng for å oppfylle kravet."),
    # an upper limit: how far over it is (72 against under 70: 69 is the highest that meets it)
    ("v_under", "Alderen din var 72. Kravet er under 70. Det er 3 mer enn kravet gir rom for.",
     "Det er 3 meir enn kravet gir rom for."),
    ("v_hoyst", "Dager du har brukt var 250. Kravet er høyst 248. Det er 2 mer enn kravet gir rom for.",
     "Dagar du har brukt var 250. Kravet er høgst 248. Det er 2 meir enn kravet gir rom for."),
    # `ikke x < 100 000` reads as "at least 100 000"
    ("v_ikke", "Inntekten din var 50 000 kr. Kravet er minst 100 000 kr. Du mangler 50 000 kr for å oppfylle kravet.",
     "Inntekta di var 50 000 kr. Kravet er minst 100 000 kr. Du manglar 50 000 kr for å oppfylle kravet."),
    # an expression as the requirement, in words, with its value
    ("v_sum", "Behovet ditt var 10 000 kr. Kravet er mer enn summen av midlene dine og inntekten din, "
            "som er 52 000 kr. Du mangler mer enn 42 000 kr for å oppfylle kravet.",
     "Kravet er meir enn summen av midla dine og inntekta di, som er 52 000 kr."),
    # a share shown with the decimals that keep the verdict visible (not "50 %")
    ("v_andel", "Andelen av full tid var 49,999 %. Kravet er minst 50 %. "
              "Du mangler 0,001 prosentpoeng for å oppfylle kravet.",
     "Delen av full tid var 49,999 %. Kravet er minst 50 %."),
    # a literal on the left is read the other way round
    ("v_literal_first", "Inntekten din var 50 000 kr. Kravet er minst 100 000 kr.",
     "Inntekta di var 50 000 kr. Kravet er minst 100 000 kr."),
    # units: uker in bokmål, veker in nynorsk, "1 uke" in the singular
    ("v_varighet", "Tiden i arbeid var 25 uker. Kravet er minst 26 uker. Du mangler 1 uke for å oppfylle kravet.",
     "Tida i arbeid var 25 veker. Kravet er minst 26 veker. Du manglar 1 veke for å oppfylle kravet."),
])
def test_shortfall(shortfalls, cid, nb, nn):
    assert nb in shortfalls[0][cid]
    assert nn in shortfalls[1][cid]


def test_met_comparisons_have_no_shortfall():
    rules = load_sources({"proeve.regel": SHORTFALLS})
    decision = evaluate(rules, "proeve", {**FACTS, "inntekt": 300000, "grad": 20, "alder": 69},
                        "2025-06-02")
    t = texts(rules, decision)
    assert t["v_g"] == ("Inntekten din var 300 000 kr. Kravet er minst 1,5 ganger grunnbeløpet, "
                      "som er 195 240 kr. Vilkåret er oppfylt.")
    # an `eller` that holds: only the part that held
    assert t["v_eller"] == t["v_g"]
    assert t["v_prosent"] == "Graden din var 20 %. Kravet er minst 20 %. Vilkåret er oppfylt."
    assert "mangler" not in t["v_under"] and "gir rom for" not in t["v_under"]


def test_skjønn_and_yes_no_facts(rules):
    decision = evaluate(rules, "dagpenger", {**DAGPENGER, "reell_arbeidssøker": False,
                                             "registrert_som_arbeidssøker": False}, "2025-06-02")
    t = texts(rules, decision)
    assert t["reell_arbeidssøker"] == ("Her har vi brukt skjønn. Vi mener at det ikke stemmer at du er "
                                       "reell arbeidssøker. Vilkåret er ikke oppfylt.")
    assert t["registrert_som_arbeidssøker"] == ("Det stemmer ikke at du er registrert som arbeidssøker. "
                                                "Vilkåret er ikke oppfylt.")
    assert t["opphold_i_norge"] == "Du oppholder deg i Norge. Vilkåret er oppfylt."
    assert texts(rules, decision, "nn")["opphold_i_norge"] == "Du oppheld deg i Noreg. Vilkåret er oppfylt."


def test_exceptions(rules):
    verneplikt = evaluate(rules, "dagpenger", {**DAGPENGER, "avtjent_verneplikt": True}, "2025-06-02")
    assert texts(rules, verneplikt)["minsteinntekt"] == (
        "Unntaket «Avtjent verneplikt» gjelder for deg (folketrygdloven § 4-19). "
        "Du har avtjent verneplikt. Vilkåret er oppfylt.")
    yrkesskade = evaluate(rules, "arbeidsavklaringspenger", {
        "fødselsdato": "1985-06-02", "medlemskap_år": 1, "oppholder_seg_i_norge": True,
        "arbeidsevne_nedsatt_prosent": 60, "sykdom_vesentlig_medvirkende_årsak": True,
        "behov_for_bistand": True, "yrkesskade": True, "beregningsgrunnlag": 400000,
        "antall_barn": 0}, "2025-06-02")
    assert texts(rules, yrkesskade)["medlemskap"] == (
        "Unntaket «Godkjent yrkesskade» gjelder for deg (folketrygdloven § 11-22). Den nedsatte "
        "arbeidsevnen skyldes en godkjent yrkesskade eller yrkessykdom. Vilkåret gjelder ikke for deg.")


# --- undetermined: what is missing, most decisive first ------------------------------------------

def test_missing_facts_most_decisive_first_with_why(rules):
    facts = {k: v for k, v in DAGPENGER.items()
             if k not in ("reell_arbeidssøker", "oppholder_seg_i_norge")}
    facts["arbeidsinntekt_siste_12_mnd"] = 400000
    decision = evaluate(rules, "dagpenger", facts, "2025-06-02")
    assert decision.outcome == "undetermined"
    ex = explain.explain_decision(rules, decision)
    assert [m.name for m in ex.missing] == list(decision.missing_facts)
    first = ex.missing[0]
    assert first.label == "Om du oppholder deg i Norge"
    assert first.needed_for == ("Vi trenger dette for å vurdere vilkåret «Opphold i Norge» "
                                "(folketrygdloven § 4-2).")
    text = explain.render_explanation(rules, decision, "nn")
    assert "Dette manglar, det viktigaste først:\n  1. Om du oppheld deg i Noreg." in text
    assert "Om du er reell arbeidssøkjar" in text


def test_an_amount_that_needs_a_missing_fact(rules):
    facts = dict(DAGPENGER, arbeidsinntekt_siste_12_mnd=400000)
    del facts["antall_barn"]
    decision = evaluate(rules, "dagpenger", facts, "2025-06-02")
    assert decision.outcome == "granted" and "antall_barn" in decision.missing_facts
    ex = explain.explain_decision(rules, decision)
    [missing] = [m for m in ex.missing if m.name == "antall_barn"]
    assert "beløpet «Barnetillegg per dag» (folketrygdloven § 4-12 andre ledd)" in missing.needed_for
    assert any(a.value is None for a in ex.amounts)
    assert "Barnetillegg per dag: kan ikke regnes ut ennå" in explain.render_explanation(rules, decision)


# --- every public case explains in both languages ------------------------------------------------

def _public():
    return [pytest.param(c, id=c["id"]) for f in PUBLIC for c in json.loads(Path(f).read_text("utf-8"))]


@pytest.mark.skipif(not PUBLIC, reason="the public cases (../shared/cases) are not here")
@pytest.mark.parametrize("case", _public())
def test_public_case_explanation(rules, case):
    decision = evaluate(rules, case["benefit"], case["facts"], case["date"])
    for lang in ("nb", "nn"):
        text = explain.render_explanation(rules, decision, lang, case["facts"])
        # no rule-file identifier, no Python value leaks into the prose
        assert "_" not in text and "None" not in text and "?" not in text, text
        ex = explain.explain_decision(rules, decision, lang)
        for c, result in zip(ex.conditions, decision.conditions):
            assert c.id == result.id and c.sentences, c
            if result.status == "not_met":
                # every numeric comparison that fails says what would have met it
                cmp = re.search(r"Kravet er (minst|mer enn|meir enn|høyst|høgst|under) [\d ,]+", c.text)
                if cmp and not re.search(r"\d{4}\.", c.text):
                    assert re.search(r"mangler|manglar|gir rom for|grensen|grensa", c.text), c.text


# --- legal references ----------------------------------------------------------------------------

@pytest.mark.parametrize("bases, nb, nn", [
    (["folketrygdloven § 4-2", "folketrygdloven § 4-23", "folketrygdloven § 4-4 første ledd"],
     "folketrygdloven §§ 4-2, 4-4 og 4-23", "folketrygdlova §§ 4-2, 4-4 og 4-23"),
    (["sosialtjenesteloven § 18"], "sosialtjenesteloven § 18", "sosialtenestelova § 18"),
    (["sosialtjenesteloven § 20 a", "sosialtjenesteloven § 2", "sosialtjenesteloven § 18"],
     "sosialtjenesteloven §§ 2, 18 og 20 a", "sosialtenestelova §§ 2, 18 og 20 a"),
    (["folketrygdloven § 4-3 andre ledd", "dagpengeforskriften § 6-7", "folketrygdloven § 4-3 andre ledd"],
     "folketrygdloven § 4-3 og dagpengeforskriften § 6-7",
     "folketrygdlova § 4-3 og dagpengeforskrifta § 6-7"),
    (["folketrygdloven § 8-3 andre ledd, § 8-51 andre ledd", "folketrygdloven § 8-12"],
     "folketrygdloven §§ 8-3, 8-12 og 8-51", "folketrygdlova §§ 8-3, 8-12 og 8-51"),
])
def test_gather_references_by_law(bases, nb, nn):
    assert lawrefs.gather(bases, Lang("nb")) == nb
    assert lawrefs.gather(bases, Lang("nn")) == nn


def test_translate_reference():
    nn = Lang("nn")
    assert lawrefs.translate("folketrygdloven § 8-3 andre ledd, § 8-51 andre ledd", nn) == \
        "folketrygdlova § 8-3 andre ledd, § 8-51 andre ledd"
    assert lawrefs.translate("sosialtjenesteloven § 48; forvaltningsloven § 29", nn) == \
        "sosialtenestelova § 48; forvaltningslova § 29"
    with pytest.raises(explain.MissingTextError, match="no nn name"):
        lawrefs.translate("barneloven § 3", nn)
