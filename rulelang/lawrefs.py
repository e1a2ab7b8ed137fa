"""The one formatter of legal references (CONTRACT.md: `<lov> § <paragraf>[ <ledd>][ bokstav x]`).

Input: `nodes.LawRef`s / `LegalBasis` and the law they default to. Output: strings such as
`folketrygdloven § 4-4 første ledd`. Used by the decision, the explanations and the letters.
"""
from __future__ import annotations

from . import nodes as n


def format_ref(ref: n.LawRef, default_law: str | None, with_law: bool = True) -> str:
    """`folketrygdloven § 4-4 første ledd bokstav a` (or `§ 4-4 …` when with_law is False)."""
    law = ref.law or default_law
    text = f"§ {ref.section}"
    if ref.subsection:
        text += f" {ref.subsection}"
    if ref.letter:
        text += f" bokstav {ref.letter}"
    return f"{law} {text}" if with_law and law else text


def format_refs(refs, default_law: str | None) -> str:
    """Several references in one string; a law is named once for consecutive references to it:
    `folketrygdloven § 8-3 andre ledd, § 8-51`."""
    parts = []
    last_law = None
    for ref in refs:
        law = ref.law or default_law
        parts.append(format_ref(ref, default_law, with_law=law != last_law))
        last_law = law
    return ", ".join(parts)


def basis_strings(basis: n.LegalBasis | None, default_law: str | None) -> list[str]:
    """Each reference of a basis as its own full string."""
    if basis is None:
        return []
    return [format_ref(r, default_law) for r in basis.refs]
