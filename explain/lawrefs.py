"""Legal references as letters write them.

Input: reference strings as a `Decision` carries them (CONTRACT.md: `<lov> § <paragraf>[ <ledd>]
[ bokstav x]`, several joined by ", " with the law named once) and a `Lang`. Output:

* `translate(basis, lang)`: the same reference in the letter's language
  ("folketrygdloven § 4-4 første ledd" -> nynorsk "folketrygdlova § 4-4 første ledd");
* `gather(bases, lang)`: the rules a decision rests on in one line, grouped by law, paragraphs
  in numeric order without repeats: "folketrygdloven §§ 4-2, 4-4 og 4-23" (nynorsk
  "folketrygdlova §§ 4-2, 4-4 og 4-23"). The line names paragraphs only; each condition's
  explanation gives its reference in full, with ledd and bokstav.

Errors: `MissingTextError` (from `Lang.law`) for a law without a nynorsk name.
"""
from __future__ import annotations

import re

from .language import Lang

# "folketrygdloven § 4-4 første ledd", "§ 8-51 andre ledd", "sosialtjenesteloven § 20 a"
_REF = re.compile(r"^(?:(?P<law>[^\s§]+) )?§ (?P<section>\d+(?:-\d+)?(?: [a-z](?=\s|$))?)(?P<rest>.*)$")
_LAW_WORD = re.compile(r"(?<![\w-])([^\W\d_]+(?:loven|forskriften))(?!\w)")


def parse(basis: str) -> list[tuple[str, str, str]]:
    """`(law, section, rest)` for each reference of a basis string; a reference without a law
    belongs to the law named before it."""
    out, law = [], None
    for part in basis.split(", "):
        m = _REF.match(part.strip())
        if m is None:
            raise ValueError(f"not a legal reference: {part!r}")
        law = m["law"] or law
        out.append((law, m["section"], m["rest"].strip()))
    return out


def translate(basis: str, lang: Lang) -> str:
    """A reference string with every law name in the language of the letter."""
    if lang.code == "nb":
        return basis
    return _LAW_WORD.sub(lambda m: lang.law(m[1]), basis)


def _section_key(section: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|[a-z]+", section)]


def gather(bases, lang: Lang) -> str:
    """The references grouped by law in one line: "folketrygdloven §§ 4-2, 4-4 og 4-23"."""
    groups: dict[str, list[str]] = {}
    for basis in bases:
        for law, section, _ in parse(basis):
            sections = groups.setdefault(law, [])
            if section not in sections:
                sections.append(section)
    parts = []
    for law, sections in groups.items():
        sections = sorted(sections, key=_section_key)
        mark = "§§" if len(sections) > 1 else "§"
        parts.append(f"{lang.law(law)} {mark} {lang.join(sections)}")
    return lang.join(parts)
