"""The language of an explanation or a letter: texts from the rule files, phrases and formatting.

Input: a language code ("nb" bokmål, "nn" nynorsk). Output: a `Lang` that picks the right text of
a rule-file node (`title` / `title_nn`, `description` / `description_nn`, …), fills in phrases
from `explain/phrases.py` and formats numbers, amounts and dates the Norwegian way through Babel
(rulelang/display.py with the nb_NO or nn_NO locale).

Errors: `MissingTextError` when a nynorsk text is missing from a rule file (never a silent
fallback to bokmål), `InputError` for an unknown language.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from rulelang import display
from rulelang.errors import InputError, RulelangError

from .phrases import LAW_NAMES, LOCALES, PHRASES, UNITS, UNITS_ONE

LANGUAGES = tuple(PHRASES)


class MissingTextError(RulelangError):
    """A text people read has no form in the language asked for (a rule-file problem: exit 2)."""

    exit_code = 2


def _where(node) -> str:
    span = getattr(node, "span", None)
    if span is None or not span.line:
        return ""
    return f"{span.file}:{span.line}: "


class Lang:
    """One language: texts, phrases and Norwegian formatting."""

    def __init__(self, code: str):
        if code not in PHRASES:
            raise InputError(f"unknown language '{code}'; the languages are: {', '.join(LANGUAGES)}")
        self.code = code
        self.locale = LOCALES[code]
        self.phrases = PHRASES[code]
        self.units = UNITS[code]
        self.units_one = UNITS_ONE[code]

    # -- texts from the rule files

    def text(self, node, attr: str, what: str) -> str | None:
        """The text `attr` of a rule-file node in this language (`attr` for bokmål, `attr_nn`
        for nynorsk). None when the node has no such text at all; MissingTextError when only
        the nynorsk form is missing."""
        nb = getattr(node, attr)
        if self.code == "nb" or nb is None:
            return nb
        nn = getattr(node, f"{attr}_nn", None)
        if nn is None:
            raise MissingTextError(
                f"{_where(node)}{what} has no nynorsk text: write it after the bokmål text, "
                f'"{nb}" nynorsk "…"')
        return nn

    def phrase(self, key: str, **values) -> str:
        """A phrase of the table, filled in."""
        return self.phrases[key].format(**values)

    def law(self, name: str) -> str:
        """A law's name as this language writes it in a reference."""
        if self.code == "nb":
            return name
        try:
            return LAW_NAMES[self.code][name]
        except KeyError:
            raise MissingTextError(f"the law '{name}' has no {self.code} name in "
                                   f"explain/phrases.py LAW_NAMES") from None

    # -- formatting (Babel through rulelang.display)

    def number(self, v: Decimal, places: int | None = None, rounding=ROUND_HALF_UP) -> str:
        """130 160 · 1,5 · 46,67 (at most `places` decimals when given)."""
        if places is not None and -v.as_tuple().exponent > places:
            v = v.quantize(Decimal(1).scaleb(-places), rounding=rounding)
        return display.number(v, self.locale)

    def date(self, d: dt.date) -> str:
        """1. mai 2025."""
        return display.date(d, self.locale)

    def quantity(self, v: Decimal, unit: str, places: int | None = 2, rounding=ROUND_HALF_UP) -> str:
        """A number with its unit word in this language: 130 160 kr, 104 uker / 104 veker, 50 %."""
        text = self.number(v, places, rounding)
        word = self.units_one.get(unit, self.units[unit]) if text == "1" else self.units[unit]
        return f"{text} {word}" if word else text

    def shortfall(self, v: Decimal, unit: str) -> str:
        """A difference, rounded up (to 2, 4 or 6 decimals) so that it is enough: 45 240 kr,
        3,34 prosentpoeng, 0,0004."""
        places = next((p for p in (2, 4) if v == v.quantize(Decimal(1).scaleb(-p), rounding=ROUND_CEILING)), 6)
        return self.quantity(v, unit, places, ROUND_CEILING)

    def join(self, items) -> str:
        """a, b og c."""
        return display.join_and(list(items), self.locale)

    def yes_no(self, v: bool) -> str:
        return self.phrases["yes"] if v else self.phrases["no"]


def capital(text: str) -> str:
    """The first letter in upper case."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The first letter in lower case, unless the word is an abbreviation ("NAV")."""
    if len(text) > 1 and text[0].isupper() and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def sentence_end(text: str) -> str:
    """The text without a final full stop (a statement used inside a sentence)."""
    return text[:-1] if text.endswith(".") else text
