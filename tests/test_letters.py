"""Letters (explain/letters.py, explain/templates/): golden letters, every public case in both
languages, the sandbox, the formats and the command line.

Golden letters: tests/letters/cases.toml holds at least one innvilget, one avslag and one ikke
avgjort case per benefit; each is rendered in bokmål and nynorsk to
tests/letters/<benefit>_<granted|denied|undetermined>_<nb|nn>.txt (and .md / .html where the case
says so). `pytest --update-golden` rewrites them; read every change in `git diff`.

Readability: LIX (the Scandinavian readability index) = words / sentences + 100 × long words /
words, where a long word has more than six letters. It is measured on the *body* of the plain
text bokmål letter, that is what the person reads as prose and lists:

* from the line after the letter's title (underlined with "=") to the line before the
  signature ("Med vennlig hilsen"); the letterhead (NAV, the date, the title) and the signature
  are left out;
* section headings (a line underlined with "-") and their underlines are left out;
* everything else counts: paragraphs, condition titles, list items (facts, amounts).

A sentence ends at ".", "!", "?" or ":" followed by a space and a word that does not start in
lower case (so "2. juni" is not a sentence end), or at the end of a paragraph, list item or line
without such a mark (a condition title). A word is a run of letters and digits (with inner
hyphens: "4-4", "0–5"); its letters are counted for "long".
"""
from __future__ import annotations

import datetime as dt
import glob
import json
import re
import statistics
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from babel.dates import format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2.sandbox import SecurityError

import explain
from explain.letters import environment
from rulelang import evaluate, load_rules
from rulelang.errors import InputError
from rulelang.loader import load_sources

ROOT = Path(__file__).resolve().parent.parent
LETTERS = Path(__file__).parent / "letters"
CASES_TOML = LETTERS / "cases.toml"
PUBLIC = sorted(glob.glob(str(ROOT.parent / "shared" / "cases" / "*.json")))
OUTCOME = {"innvilget": "granted", "avslag": "denied", "ikke avgjort": "undetermined"}
ARTEFACTS = ("None", "{{", "}}", "{%", "%}", "{#", "#}", "[]", "Undefined", "<generated>")
_SCRIPT = Path(sys.executable).with_name("rulelang")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rulelang"]


@pytest.fixture(scope="module")
def rules():
    return load_rules(ROOT / "rules")


def _slug(benefit: str) -> str:
    """ASCII file names (GUIDE.md: ø -> o, æ -> ae, å -> aa)."""
    return benefit.replace("æ", "ae").replace("ø", "o").replace("å", "aa")


# --- LIX -----------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[-–'][^\W_]+)*")
_END = re.compile(r"[.!?:](?=\s+[^\sa-zæøå]|\s*$)")


def body(letter: str) -> str:
    """The body of a plain-text letter (see the module docstring)."""
    lines = letter.splitlines()
    start = next(i for i, line in enumerate(lines) if line and set(line) == {"="}) + 1
    end = max(i for i, line in enumerate(lines) if line.startswith(("Med vennlig hilsen", "Med venleg helsing")))
    kept = []
    part = lines[start:end]
    for i, line in enumerate(part):
        underline = bool(line) and set(line) == {"-"}
        heading = i + 1 < len(part) and bool(part[i + 1]) and set(part[i + 1]) == {"-"}
        if not underline and not heading:
            kept.append(line)
    return "\n".join(kept)


def lix(text: str) -> float:
    """words / sentences + 100 × long words / words."""
    words = _WORD.findall(text)
    sentences = 0
    # units: paragraphs, list items, and single lines that are titles (no end mark)
    for unit in re.split(r"\n\s*\n|\n(?=- |\d+\. )", text):
        unit = unit.strip()
        if not unit:
            continue
        for part in _title_split(unit):
            marks = len(_END.findall(part))
            if not re.search(r"[.!?:]$", part):
                marks += 1  # a list item or a title without a full stop
            sentences += marks
    long_words = sum(1 for w in words if sum(ch.isalpha() for ch in w) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


def _title_split(unit: str) -> list[str]:
    """A condition title line directly above its paragraph is a unit of its own."""
    first, _, rest = unit.partition("\n")
    if rest and not re.search(r"[.!?:]$", first) and first.endswith(")"):
        return [first, rest]
    return [unit]


def test_lix_counts_as_documented():
    assert lix("Du får dagpenger.") == pytest.approx(3 / 1 + 100 * 1 / 3)
    # "2. juni" is no sentence end; a title line without a full stop is a sentence of its own
    text = "Alder (folketrygdloven § 4-23)\nVurderingsdatoen var 2. juni 2025. Vilkåret er oppfylt."
    words = _WORD.findall(text)
    assert len(words) == 11
    assert lix(text) == pytest.approx(11 / 3 + 100 * 4 / 11)


# --- golden letters ------------------------------------------------------------------------------

def _golden_cases():
    data = tomllib.loads(CASES_TOML.read_text("utf-8"), parse_float=Decimal)
    out = []
    for case in data["brev"]:
        for lang in ("nb", "nn"):
            for fmt in case.get("formater", ["txt"]):
                name = f"{_slug(case['ytelse'])}_{OUTCOME[case['utfall']]}_{lang}.{fmt}"
                out.append(pytest.param(case, lang, fmt, name, id=name))
    return out


def _facts(case) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in case["fakta"].items()}


@pytest.mark.parametrize("case, lang, fmt, name", _golden_cases())
def test_golden_letter(rules, update_golden, case, lang, fmt, name):
    decision = evaluate(rules, case["ytelse"], _facts(case), case["dato"])
    assert decision.outcome == OUTCOME[case["utfall"]], case["navn"]
    text = explain.render_letter(rules, decision, fmt, lang, facts=_facts(case))
    path = LETTERS / name
    if update_golden:
        path.write_text(text, "utf-8")
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review it"
    assert text == path.read_text("utf-8"), f"{name} changed: review, then pytest --update-golden"


def test_golden_letters_cover_every_outcome_of_every_benefit(rules):
    data = tomllib.loads(CASES_TOML.read_text("utf-8"))
    have = {(c["ytelse"], OUTCOME[c["utfall"]]) for c in data["brev"]}
    for benefit in rules.benefits:
        for outcome in ("granted", "denied", "undetermined"):
            assert (benefit, outcome) in have, f"no golden letter for {benefit} {outcome}"
            for lang in ("nb", "nn"):
                assert (LETTERS / f"{_slug(benefit)}_{outcome}_{lang}.txt").exists()


def test_no_stale_golden_files():
    names = {p.values[3] for p in _golden_cases()}
    for path in LETTERS.iterdir():
        if path.suffix in (".txt", ".md", ".html"):
            assert path.name in names, f"{path.name} belongs to no case in cases.toml"


# --- every public case ---------------------------------------------------------------------------

def _public():
    out = []
    for file in PUBLIC:
        for case in json.loads(Path(file).read_text("utf-8")):
            out.append(pytest.param(case, id=case["id"]))
    return out


KLAGEINSTANS = {"nb": ("Fylkesmannen", "Statsforvalteren"), "nn": ("Fylkesmannen", "Statsforvaltaren")}
INNSYN = {"nb": "Du har rett til å se dokumentene i saken din. Det følger av forvaltningsloven § 18.",
          "nn": "Du har rett til å sjå dokumenta i saka di. Det følgjer av forvaltningslova § 18."}
WEEKS = {"nb": "uker", "nn": "veker"}
LAW_NN = {"folketrygdloven": "folketrygdlova", "sosialtjenesteloven": "sosialtenestelova",
          "dagpengeforskriften": "dagpengeforskrifta"}
LIX_SCORES: dict[str, float] = {}


def _nn(basis: str) -> str:
    for nb, nn in LAW_NN.items():
        basis = basis.replace(nb, nn)
    return basis


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(not PUBLIC, reason="the public cases (../shared/cases) are not here")
@pytest.mark.parametrize("lang", ["nb", "nn"])
@pytest.mark.parametrize("case", _public())
def test_public_case_letter(rules, case, lang):
    decision = evaluate(rules, case["benefit"], case["facts"], case["date"])
    letter = explain.render_letter(rules, decision, "txt", lang, facts=case["facts"])
    flat = _flat(letter)
    on = dt.date.fromisoformat(case["date"])
    locale = {"nb": "nb_NO", "nn": "nn_NO"}[lang]

    for artefact in ARTEFACTS:
        assert artefact not in letter, f"template artefact {artefact!r} in the letter"
    assert _flat(INNSYN[lang]) in flat

    # the decision, and every condition that decided a denial with its legal basis
    model = rules.program.benefits[case["benefit"]]
    key = {"granted": "innvilget", "denied": "avslag", "undetermined": "ikke_avgjort"}[decision.outcome]
    brev = model.letters[key]
    assert _flat(brev.text if lang == "nb" else brev.text_nn) in flat
    for c in decision.conditions:
        if c.status == "not_met":
            basis = c.legal_basis if lang == "nb" else _nn(c.legal_basis)
            assert f"({basis})" in flat, f"the basis of {c.id} is missing"

    appeal = case["expected"]["appeal"]
    if decision.outcome == "undetermined":
        # not a vedtak: no klage yet, but every missing fact is asked for
        assert "Fristen er" not in flat
        for name in decision.missing_facts:
            fact = model.facts[name]
            text = (fact.description if lang == "nb" else fact.description_nn).rstrip(".")
            assert text[1:] in flat, f"the missing fact {name} is not asked for"
        return

    # klage: the klageinstans by its name on the letter's date (the decision's date here)
    if appeal["first_body"] == "fylkesmann":
        old, new = KLAGEINSTANS[lang]
        right, wrong = (old, new) if on < dt.date(2021, 1, 1) else (new, old)
        assert f"sender vi klagen til {right}." in flat
        assert wrong not in flat
        assert ("åpenbart urimelig" if lang == "nb" else "openbert urimeleg") in flat
    else:
        assert "sender vi klagen til NAV Klageinstans." in flat
        assert "Trygderetten" in flat
    weeks = appeal["deadline_weeks"]
    deadline = format_date(on + dt.timedelta(weeks=weeks), format="long", locale=locale)
    assert f"Fristen er {weeks} {WEEKS[lang]}" in flat
    assert f"går fristen ut {deadline}." in flat
    assert ("NAV-kontoret som har gjort vedtaket") in flat

    # skjønn said plainly, for every discretionary condition we have assessed
    for c in decision.conditions:
        if c.discretionary and c.status in ("met", "not_met"):
            title = model.conditions[c.id].title if lang == "nb" else model.conditions[c.id].title_nn
            assert "skjønn" in flat and f"«{title}»" in flat
    # amounts and duties of a grant
    if decision.outcome == "granted":
        for a in decision.amounts:
            title = model.amounts[a.id].title if lang == "nb" else model.amounts[a.id].title_nn
            assert title in flat
        for o in decision.obligations:
            title = model.obligations[o.id].title if lang == "nb" else model.obligations[o.id].title_nn
            assert title in flat

    if lang == "nb":
        score = lix(body(letter))
        LIX_SCORES[case["id"]] = score
        assert score <= 40, f"LIX {score:.1f} > 40"


@pytest.mark.skipif(not PUBLIC, reason="the public cases (../shared/cases) are not here")
def test_lix_summary(rules):
    """LIX over every public case's bokmål letter (printed with -s; each is checked above)."""
    scores = []
    for param in _public():
        case = param.values[0]
        decision = evaluate(rules, case["benefit"], case["facts"], case["date"])
        scores.append(lix(body(explain.render_letter(rules, decision, "txt", "nb", facts=case["facts"]))))
    print(f"\nLIX over {len(scores)} bokmål letters: min {min(scores):.1f}, "
          f"median {statistics.median(scores):.1f}, max {max(scores):.1f}")
    assert max(scores) <= 40


# --- any decision the evaluator can make renders ------------------------------------------------

def _fact_value(ty):
    """A strategy for a fact value as a caller sends it (GUIDE.md §4.11.3 "letters render")."""
    name = ty.name
    if name == "ja/nei":
        return st.booleans()
    if name == "dato":
        return st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)).map(dt.date.isoformat)
    if name == "beløp":
        return st.integers(0, 2_000_000)
    if name == "prosent":
        return st.integers(0, 100)
    if name == "heltall":
        return st.integers(0, 300)
    return st.decimals(0, 60, places=1).map(str)


@st.composite
def _cases(draw, rules, benefit):
    model = rules.program.benefits[benefit]
    facts = {}
    for name, fact in model.facts.items():
        if draw(st.integers(0, 5)) == 0:
            continue  # missing
        ty = model.fact_types[name]
        facts[name] = (draw(st.sampled_from(fact.type.allowed)) if fact.type.allowed
                       else draw(_fact_value(ty)))
    # every sats of every benefit has a value in this window (økonomisk stønad ends 2024)
    on = draw(st.dates(dt.date(2018, 6, 1), dt.date(2024, 12, 31)))
    return facts, on


@pytest.mark.parametrize("benefit", ["arbeidsavklaringspenger", "dagpenger", "kvalifiseringsprogram",
                                     "midlertidig_botilbud", "sykepenger", "uføretrygd",
                                     "økonomisk_stønad"])
def test_every_decision_renders_in_both_languages(rules, benefit):
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
              deadline=None)
    @given(_cases(rules, benefit))
    def check(case):
        facts, on = case
        decision = evaluate(rules, benefit, facts, on)
        for lang in ("nb", "nn"):
            letter = explain.render_letter(rules, decision, "txt", lang, facts=facts)
            for artefact in ARTEFACTS:
                assert artefact not in letter
            explain.render_explanation(rules, decision, lang, facts)
    check()


# --- the letter's date ---------------------------------------------------------------------------

BOTILBUD = {"oppholder_seg_i_norge": True, "kan_skaffe_bolig_selv": False}


def test_deadline_and_klageinstans_follow_the_letter_date(rules):
    decision = evaluate(rules, "midlertidig_botilbud", BOTILBUD, "2020-12-31")
    same = _flat(explain.render_letter(rules, decision))
    assert "går fristen ut 21. januar 2021." in same and "til Fylkesmannen." in same
    later = _flat(explain.render_letter(rules, decision, letter_date="2021-01-04"))
    assert "går fristen ut 25. januar 2021." in later and "til Statsforvalteren." in later
    assert "Fylkesmannen" not in later
    assert "Statsforvaltaren" in explain.render_letter(rules, decision, language="nn",
                                                       letter_date=dt.date(2021, 1, 4))
    with pytest.raises(InputError, match="letter date"):
        explain.render_letter(rules, decision, letter_date="2021-02-30")


def test_the_facts_recorded_in_the_decision_are_enough(rules):
    """Without the facts, the conditions' own `facts_used` give the same reasons."""
    facts = json.loads((ROOT / "examples" / "dagpenger_innvilget.json").read_text("utf-8"))
    decision = evaluate(rules, "dagpenger", facts, "2025-06-02")
    with_facts = explain.render_letter(rules, decision, facts=facts)
    without = explain.render_letter(rules, decision)
    reasons = lambda text: text[text.index("Begrunnelse"):text.index("Skjønn\n")]  # noqa: E731
    assert reasons(with_facts) == reasons(without)
    assert "Antall barn du forsørger: 2" in with_facts  # an amount's fact, known only with the facts


# --- the sandbox ---------------------------------------------------------------------------------

@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("source", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ c.__class__ }}",
    "{{ c.reasons.__class__.__base__ }}",
    "{{ c.title.format.__globals__ }}",
])
def test_templates_cannot_reach_python_internals(rules, html, source):
    decision = evaluate(rules, "midlertidig_botilbud", BOTILBUD, "2025-06-02")
    ctx = explain.letter_context(rules, decision)
    with pytest.raises(SecurityError):
        environment(html).from_string(source).render(c=ctx)


def test_a_missing_value_fails_instead_of_printing_a_blank(rules):
    decision = evaluate(rules, "midlertidig_botilbud", BOTILBUD, "2025-06-02")
    ctx = explain.letter_context(rules, decision)
    with pytest.raises(jinja2.UndefinedError):
        environment(False).from_string("Beløp: {{ c.amount }}").render(c=ctx)


def test_the_context_is_small_and_frozen(rules):
    decision = evaluate(rules, "midlertidig_botilbud", BOTILBUD, "2025-06-02")
    ctx = explain.letter_context(rules, decision)
    with pytest.raises(AttributeError):
        ctx.title = "x"

    def plain(v):
        if isinstance(v, (str, int, bool, type(None))):
            return True
        if isinstance(v, tuple):
            return all(plain(x) for x in v)
        return type(v).__module__.startswith("explain.") and all(
            plain(getattr(v, a.name)) for a in v.__attrs_attrs__)
    assert plain(ctx), "the context holds an engine object"


# --- formats -------------------------------------------------------------------------------------

def test_html_is_self_contained_and_prints_on_a4(rules):
    decision = evaluate(rules, "økonomisk_stønad", {
        "fødselsdato": "1995-06-03", "oppholder_seg_i_norge": True, "husstand": "enslig",
        "barn_0_5": 0, "barn_6_10": 0, "barn_11_17": 0, "boutgifter": 8000, "netto_inntekt": 2000,
        "disponibel_formue": 0, "tungtveiende_grunner_mot_aktivitet": False}, "2024-06-03")
    for lang in ("nb", "nn"):
        html = explain.render_letter(rules, decision, "html", lang)
        assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
        assert '<meta charset="utf-8">' in html
        for external in ("http:", "https:", "//", "<link", "<script", "<img", "url(", "@import",
                         "src=", "href="):
            assert external not in html, f"{external!r}: the HTML must stand alone"
        assert "@page" in html and "size: A4" in html and "@media print" in html
        assert "<h2>Du kan klage</h2>" in html
        for artefact in ARTEFACTS:
            assert artefact not in html


def test_html_escapes_texts_from_the_rules():
    rules = load_sources({"t.regel": MINI.replace('"Du oppholder deg i Norge"',
                                                  '"Du bor i <Norge> & Svalbard"')})
    decision = evaluate(rules, "mini", {"opphold": True, "inntekt": 300000}, "2025-06-02")
    html = explain.render_letter(rules, decision, "html")
    assert "Du bor i &lt;Norge&gt; &amp; Svalbard" in html and "<Norge>" not in html
    assert "Du bor i <Norge> & Svalbard" in explain.render_letter(rules, decision, "txt")


def test_markdown_letter(rules):
    decision = evaluate(rules, "midlertidig_botilbud", BOTILBUD, "2025-06-02")
    md = explain.render_letter(rules, decision, "md", "nn")
    assert md.startswith("**NAV**") and "\n# Vedtak om mellombels butilbod\n" in md
    assert "\n## Du kan klage\n" in md and "<" not in md


def test_unknown_format_and_language(rules):
    decision = evaluate(rules, "midlertidig_botilbud", BOTILBUD, "2025-06-02")
    with pytest.raises(InputError, match="format"):
        explain.render_letter(rules, decision, "pdf")
    with pytest.raises(InputError, match="language"):
        explain.render_letter(rules, decision, "txt", "se")


# --- texts missing from the rules ------------------------------------------------------------------

MINI = """\
sats G "Grunnbeløpet" (folketrygdloven § 1-4)
  fra 1. mai 2025: 130 160 kr

klagespor folketrygd "Klage" nynorsk "Klage"
  klage til klageinstans "NAV Klageinstans" nynorsk "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)

ytelse mini "Liten ytelse" nynorsk "Lita yting"
  lov folketrygdloven kapittel 4
  klagespor folketrygd

opplysninger
  opphold: ja/nei "Du oppholder deg i Norge" nynorsk "Du oppheld deg i Noreg"
  inntekt: beløp "Inntekten din" nynorsk "Inntekta di"

brev
  innvilget: "Du får ytelsen." nynorsk "Du får ytinga."
  avslag: "Du får ikke ytelsen." nynorsk "Du får ikkje ytinga."
  ikke_avgjort: "Vi trenger mer." nynorsk "Vi treng meir."

vilkår opphold "Opphold" nynorsk "Opphald" (§ 4-2)
  opphold

vilkår inntekt "Inntekt" nynorsk "Inntekt" (§ 4-4)
  inntekt >= 1,5 G
"""


def test_a_missing_nynorsk_text_is_an_error_never_a_fallback():
    rules = load_sources({"t.regel": MINI.replace(' nynorsk "Inntekta di"', "")})
    decision = evaluate(rules, "mini", {"opphold": True, "inntekt": 100000}, "2025-06-02")
    assert "Inntekten din var 100 000 kr." in explain.render_letter(rules, decision)
    with pytest.raises(explain.MissingTextError, match=r"fact 'inntekt' has no nynorsk text") as err:
        explain.render_letter(rules, decision, language="nn")
    assert err.value.exit_code == 2 and "t.regel:" in str(err.value)
    with pytest.raises(explain.MissingTextError, match="no nynorsk"):
        explain.render_explanation(rules, decision, "nn")


def test_a_missing_letter_text_is_an_error():
    source = MINI.replace('  avslag: "Du får ikke ytelsen." nynorsk "Du får ikkje ytinga."\n', "")
    rules = load_sources({"t.regel": source})
    decision = evaluate(rules, "mini", {"opphold": False, "inntekt": 300000}, "2025-06-02")
    with pytest.raises(explain.MissingTextError, match="no letter text for 'avslag'"):
        explain.render_letter(rules, decision)


def test_a_decision_from_other_rules_is_refused(rules):
    mini = load_sources({"t.regel": MINI})
    decision = evaluate(mini, "mini", {"opphold": True, "inntekt": 300000}, "2025-06-02")
    other = load_sources({"t.regel": MINI.replace("1,5 G", "2 G")})
    with pytest.raises(InputError, match="other rules"):
        explain.render_letter(other, decision)
    with pytest.raises(InputError, match="no benefit 'mini'"):
        explain.render_letter(rules, decision)


# --- the command line ----------------------------------------------------------------------------

def run(*args, stdin=None):
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT)


def test_cli_letter_and_explain():
    facts = str(ROOT / "examples" / "dagpenger_innvilget.json")
    p = run("letter", "dagpenger", "--facts", facts, "--date", "2025-06-02")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("NAV\n") and "Du får dagpenger." in p.stdout
    p = run("letter", "dagpenger", "--facts", facts, "--date", "2025-06-02", "--format", "html",
            "--språk", "nn", "--letter-date", "2025-06-10")
    assert p.returncode == 0, p.stderr
    html = p.stdout.replace("\u00a0", " ")  # html keeps dates and amounts on one line
    assert "Du får dagpengar." in html and "22. juli 2025" in html
    assert "22.\u00a0juli\u00a02025" in p.stdout
    p = run("explain", "dagpenger", "--facts", "-", "--date", "2025-06-02", "--språk", "nn",
            stdin=json.dumps({**json.loads(Path(facts).read_text("utf-8")),
                              "arbeidsinntekt_siste_12_mnd": 150000,
                              "arbeidsinntekt_siste_36_mnd": 200000}))
    assert p.returncode == 0, p.stderr
    assert "Du manglar 45 240 kr" in p.stdout


@pytest.mark.parametrize("command", ["letter", "explain"])
@pytest.mark.parametrize("args, stdin, message", [
    (["dagpengr", "--date", "2025-06-02"], "{}", r"unknown benefit 'dagpengr'.*dagpenger"),
    (["dagpenger", "--date", "2025-06-02"], '{"alder": 3}', r"unknown fact 'alder'"),
    (["dagpenger", "--date", "2025-06-02"], '{"antall_barn": "to"}', r"antall_barn.*heltall"),
    (["dagpenger", "--date", "2025-06-02"], '{"antall_barn": ', r"malformed JSON.*line 1"),
    (["dagpenger", "--date", "2025-06-02"], "[]", r"one case"),
    (["dagpenger", "--date", "2025-02-30"], "{}", r"2025-02-30"),
])
def test_cli_bad_input_exits_2_without_traceback(command, args, stdin, message):
    p = run(command, *args, "--facts", "-", stdin=stdin)
    assert p.returncode == 2, p.stderr
    assert p.stdout == ""
    assert "Traceback" not in p.stderr
    assert re.search(message, p.stderr), p.stderr
