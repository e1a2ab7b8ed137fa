"""explain: decisions as plain-language Norwegian explanations and letters (bokmål and nynorsk).

    from rulelang import load_rules, evaluate
    import explain

    rules = load_rules("rules")
    decision = evaluate(rules, "dagpenger", facts, on="2025-06-02")
    explain.render_explanation(rules, decision, language="nn", facts=facts)
    explain.render_letter(rules, decision, format="html", language="nb", facts=facts)

    # or in one step, from the facts:
    explain.letter(rules, "dagpenger", facts, "2025-06-02", format="txt", language="nn")
    explain.explanation(rules, "dagpenger", facts, "2025-06-02")

The stage after evaluation (GUIDE.md §4.2): input a `Decision` and the rules it was made with,
output text. Raises `MissingTextError` (a text missing from the rule files in the language asked
for) and `InputError`; both are `rulelang.RulelangError`s.
"""
from __future__ import annotations

from rulelang.evaluator import evaluate as _evaluate

from .explanation import Explanation as Explanation
from .explanation import explain as explain_decision
from .explanation import render as _render
from .language import LANGUAGES as LANGUAGES
from .language import MissingTextError as MissingTextError
from .letters import FORMATS as FORMATS
from .letters import LetterContext as LetterContext
from .letters import letter_context as letter_context
from .letters import render_letter as render_letter

__all__ = ["FORMATS", "LANGUAGES", "Explanation", "LetterContext", "MissingTextError",
           "explain_decision", "explanation", "letter", "letter_context", "render_explanation",
           "render_letter"]


def render_explanation(rules, decision, language: str = "nb", facts: dict | None = None) -> str:
    """The decision explained condition by condition, as text for a caseworker.

    Args:
        rules: what `rulelang.load_rules` returned (the rules the decision was made with).
        decision: the decision.
        language: "nb" (bokmål) or "nn" (nynorsk).
        facts: the case's facts; without them the facts the decision records are used.
    """
    return _render(explain_decision(rules, decision, language, facts))


def letter(rules, benefit: str, facts: dict, on, format: str = "txt", language: str = "nb",
           letter_date=None) -> str:
    """Evaluate a case and render its letter (see `render_letter`)."""
    decision = _evaluate(rules, benefit, facts, on)
    return render_letter(rules, decision, format, language, letter_date, facts)


def explanation(rules, benefit: str, facts: dict, on, language: str = "nb") -> str:
    """Evaluate a case and render its explanation (see `render_explanation`)."""
    return render_explanation(rules, _evaluate(rules, benefit, facts, on), language, facts)
