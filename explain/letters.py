"""Letters: a decision as a vedtaksbrev (or, undetermined, a letter asking for what is missing).

Input: loaded `Rules`, a `Decision` (and optionally the case's facts), a format (`txt`, `md`,
`html`), a language (`nb`, `nn`) and the letter's date (default: the decision's date). Output:
the letter as text. Raises `MissingTextError` when a text the letter needs is missing from the
rule files in the language asked for, `InputError` for an unknown format or language.

The templates (explain/templates/) see one object, `c`: a `LetterContext` of strings, booleans
and tuples of small frozen records, built here from the decision and the explanation. They never
see the decision, the rules or any engine object. They run in jinja's `SandboxedEnvironment`
with `StrictUndefined`: a template cannot reach Python internals (`''.__class__` is refused
with `SecurityError`), and a missing value fails instead of printing a blank into a legal
letter. Every vedtak letter holds what forvaltningsloven §§ 24–27 ask for: the decision, the
rules it rests on, the facts, the main considerations where skjønn was used, and the right to
klage (deadline, klageinstans, where to send it) and to see the case documents (§ 18).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import textwrap

import jinja2
from attrs import frozen
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from rulelang.decision import DENIED, GRANTED, UNDETERMINED, Decision
from rulelang.errors import InputError
from rulelang.lawrefs import format_ref

from . import lawrefs
from .explanation import Explanation, check_rules, explain
from .language import Lang, MissingTextError, lower_first

FORMATS = ("txt", "md", "html")
TEMPLATES = {GRANTED: "granted.j2", DENIED: "denied.j2", UNDETERMINED: "undetermined.j2"}
# The `brev` text of a rule file for each outcome (rulelang/checker.py LETTER_OUTCOMES).
LETTER_KEYS = {GRANTED: "innvilget", DENIED: "avslag", UNDETERMINED: "ikke_avgjort"}
WIDTH = 78


# --- what a template sees ----------------------------------------------------------------------

@frozen
class AppealContext:
    """The right to klage, as it stands on the letter's date."""

    body: str                 # the klageinstans by its name on the letter's date
    weeks: int
    deadline: str             # the letter's date + the deadline, formatted
    basis: str
    anke_body: str | None     # a later anke (Trygderetten) where the track has one
    anke_weeks: int | None
    review_limit: str | None  # "åpenbart urimelig": how far the klageinstans may review skjønn
    review_limit_basis: str | None


@frozen
class LetterContext:
    """Everything a letter template may use, already in the letter's language."""

    lang: str
    fmt: str
    outcome: str
    title: str               # "Dagpenger under arbeidsløshet"
    title_lc: str            # "dagpenger under arbeidsløshet"
    decision_text: str       # the rule file's `brev` text for the outcome
    decision_date: str
    letter_date: str
    basis_line: str          # "folketrygdloven §§ 4-2, 4-4 og 4-23"
    reasons: tuple           # ConditionText: what decided (not met / met / unknown)
    met_others: tuple        # ConditionText met or not applicable, beside the reasons
    unknown_others: tuple    # ConditionText unknown, beside the reasons (a denial)
    discretionary: tuple     # ConditionText resting on skjønn
    facts: tuple             # FactText
    amounts: tuple           # AmountText
    obligations: tuple       # ObligationText
    missing: tuple           # MissingText, most decisive first
    appeal: AppealContext | None


# --- building the context ----------------------------------------------------------------------

def letter_context(rules, decision: Decision, fmt: str = "txt", language: str = "nb",
                   letter_date=None, facts: dict | None = None,
                   explanation: Explanation | None = None) -> LetterContext:
    """The context a letter template gets (see `render_letter` for the arguments)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown letter format '{fmt}'; the formats are: {', '.join(FORMATS)}")
    lang = Lang(language)
    model = check_rules(rules, decision)
    on = _date(letter_date) if letter_date is not None else decision.date
    ex = explanation or explain(rules, decision, language, facts)
    key = LETTER_KEYS[decision.outcome]
    letter = model.letters.get(key)
    if letter is None:
        raise MissingTextError(f"benefit '{decision.benefit}' has no letter text for '{key}': "
                               f'add it to the brev block: {key}: "…" nynorsk "…"')
    title = ex.title
    want = {GRANTED: ("met", "not_applicable"), DENIED: ("not_met",), UNDETERMINED: ("unknown",)}
    reasons = tuple(c for c in ex.conditions if c.status in want[decision.outcome])
    others = [c for c in ex.conditions if c not in reasons]
    return LetterContext(
        lang=language, fmt=fmt, outcome=decision.outcome, title=title, title_lc=lower_first(title),
        decision_text=lang.text(letter, "text", f"the brev text '{key}' of '{decision.benefit}'"),
        decision_date=lang.date(decision.date), letter_date=lang.date(on),
        # the decision's basis, and that of a duty the grant lays on the person (§ 20 a)
        basis_line=lawrefs.gather(list(decision.legal_basis) + [
            o.legal_basis for o in decision.obligations if o.status is None], lang),
        reasons=reasons,
        met_others=tuple(c for c in others if c.status in ("met", "not_applicable")),
        unknown_others=tuple(c for c in others if c.status == "unknown"),
        # skjønn used: the discretionary conditions we have assessed (met or not)
        discretionary=tuple(c for c in ex.conditions if c.discretionary and c.status in ("met", "not_met")),
        facts=ex.facts, amounts=ex.amounts, obligations=ex.obligations, missing=ex.missing,
        appeal=None if decision.outcome == UNDETERMINED else _appeal(rules, model, on, lang))


def _date(on) -> dt.date:
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        return on
    try:
        return dt.date.fromisoformat(on)
    except (TypeError, ValueError):
        raise InputError(f"the letter date must be YYYY-MM-DD (a real date), got {on!r}") from None


def _appeal(rules, model, on: dt.date, lang: Lang) -> AppealContext:
    """The route of appeal of the benefit's track, with names as they are on the letter's date
    (Fylkesmannen before 1 January 2021, Statsforvalteren from that date)."""
    track = rules.program.tracks[model.track]
    klage = next((s for s in track.steps if s.kind == "klage"), None)
    if klage is None or klage.deadline_weeks is None:
        raise MissingTextError(f"the appeal track '{track.name}' has no klage step with a deadline")
    anke = next((s for s in track.steps if s.kind == "anke"), None)
    rl = track.review_limit
    return AppealContext(
        body=_step_name(klage, on, lang), weeks=klage.deadline_weeks,
        deadline=lang.date(on + dt.timedelta(weeks=klage.deadline_weeks)),
        basis=_refs(klage.basis, lang),
        anke_body=_step_name(anke, on, lang) if anke is not None else None,
        anke_weeks=anke.deadline_weeks if anke is not None else None,
        review_limit=lang.text(rl, "text", "the skjønnsgrense") if rl else None,
        review_limit_basis=_refs(rl.basis, lang) if rl else None)


def _step_name(step, on: dt.date, lang: Lang) -> str:
    chosen = step
    for sn in step.names:
        if (sn.start is None or sn.start.value <= on) and (sn.end is None or on <= sn.end.value):
            chosen = sn
    name = lang.text(chosen, "name", f"the name of the appeal step to '{step.body}'")
    if not name:
        raise MissingTextError(f"the appeal step to '{step.body}' has no name on {on.isoformat()}")
    return name


def _refs(basis, lang: Lang) -> str:
    """Each reference in full (with ledd), joined: "sosialtjenesteloven § 48 andre ledd"."""
    if basis is None:
        return ""
    return lang.join(lawrefs.translate(format_ref(r, None), lang) for r in basis.refs)


# --- the template environment ------------------------------------------------------------------

# Spaces a line must not break at: after §, inside numbers (130 160), before a unit, in a date.
_KEEP = re.compile(r"(?<=§) |(?<=\d) (?=\d{3}(?!\d))|(?<=\d) (?=(?:kr|%|uker|veker|dager|dagar|år|"
                   r"prosentpoeng)\b)|(?<=\d\.) (?=[a-zæøå]+ \d{4})|(?<=[a-zæøå]) (?=\d{4}\b)")
_NBSP = "\u00a0"


def _squash(text):
    """All whitespace runs to one space (paragraph text written over several template lines)."""
    out = " ".join(str(text).split())
    return Markup(out) if isinstance(text, Markup) else out


def _keep(text):
    """HTML: no line break inside a reference (§ 18), an amount (150 000 kr) or a date."""
    out = _KEEP.sub(_NBSP, str(text))
    return Markup(out) if isinstance(text, Markup) else out


def _wrap(text, hang: int = 0, width: int = WIDTH) -> str:
    """A paragraph of the plain-text letter, wrapped at `width` without breaking a reference,
    an amount or a date; `hang` indents the lines after the first (list items)."""
    text = _KEEP.sub(_NBSP, " ".join(str(text).split()))
    lines = textwrap.wrap(text, width=width, subsequent_indent=" " * hang, break_long_words=False,
                          break_on_hyphens=False)
    return "\n".join(lines).replace(_NBSP, " ")


@functools.cache
def environment(html: bool) -> SandboxedEnvironment:
    """The sandboxed jinja environment letters render in (one escapes for HTML, one does not:
    the same templates make all three formats)."""
    env = SandboxedEnvironment(
        loader=jinja2.PackageLoader("explain", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["squash"] = _squash
    env.filters["keep"] = _keep
    env.filters["wrap"] = _wrap
    env.filters["guillemets"] = lambda text: f"«{text}»"
    env.filters["and_list"] = lambda items, lang: Lang(lang).join(items)
    return env


def _tidy(text: str, fmt: str) -> str:
    """At most one blank line in a row, no trailing spaces, one final newline."""
    if fmt != "html":
        text = "\n".join(line.rstrip() for line in text.splitlines())
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def render_letter(rules, decision: Decision, format: str = "txt", language: str = "nb",
                  letter_date=None, facts: dict | None = None) -> str:
    """The letter for a decision.

    Args:
        rules: what `rulelang.load_rules` returned (the rules the decision was made with).
        decision: the decision (`rulelang.evaluate`).
        format: "txt", "md" or "html" (self-contained, prints on A4).
        language: "nb" (bokmål) or "nn" (nynorsk).
        letter_date: the letter's date (date or "YYYY-MM-DD"); the klagefrist is counted from
            it and the klageinstans is named as on it. Default: the decision's date.
        facts: the case's facts as given to `evaluate`. Without them the letter lists the facts
            the decision records (`facts_used` of its conditions); with them also the facts
            the amounts were computed from.

    Raises:
        MissingTextError: a text the letter needs is missing from the rules in `language`.
        InputError: unknown format, language or letter date; rules that do not fit.
    """
    ctx = letter_context(rules, decision, format, language, letter_date, facts)
    template = environment(format == "html").get_template(TEMPLATES[decision.outcome])
    return _tidy(template.render(c=ctx), format)
