"""A decision as readable text for a person at a terminal (`rulelang evaluate --format text`).

Input: a `Decision` and its benefit's fact types. Output: plain Norwegian text. No colour codes:
the output is the same on a terminal and in a file.
"""
from __future__ import annotations

from . import display
from .decision import Decision

OUTCOME = {"granted": "INNVILGET", "denied": "AVSLAG", "undetermined": "IKKE AVGJORT"}
STATUS = {"met": "oppfylt", "not_met": "ikke oppfylt", "unknown": "ukjent",
          "not_applicable": "gjelder ikke"}
MARK = {"met": "[x]", "not_met": "[ ]", "unknown": "[?]", "not_applicable": "[-]"}


def render(d: Decision) -> str:
    """The whole decision: outcome, conditions, amounts, duties, missing facts, appeal."""
    lines = [f"{d.title} ({d.benefit}), prøvingsdato {display.date(d.date)}",
             f"Resultat: {OUTCOME[d.outcome]}",
             f"Hjemmel: {', '.join(d.legal_basis) if d.legal_basis else '–'}", "", "Vilkår:"]
    for c in d.conditions:
        skjønn = " (skjønn)" if c.discretionary else ""
        lines.append(f"  {MARK[c.status]} {c.title}{skjønn} – {STATUS[c.status]} ({c.legal_basis})")
        lines.append(f"      {c.explanation}")
    if d.amounts:
        lines += ["", "Beløp:"]
        width = max(len(a.title) for a in d.amounts)
        for a in d.amounts:
            value = "ukjent" if a.value is None else f"{display.number(a.value)} {a.unit}".strip()
            lines.append(f"  {a.title.ljust(width)}  {value}  ({a.legal_basis})")
    if d.obligations:
        lines += ["", "Plikter:"]
        for o in d.obligations:
            unknown = " (avhenger av manglende opplysninger)" if o.status == "unknown" else ""
            lines.append(f"  {o.title}{unknown} ({o.legal_basis}): {o.text}")
    if d.missing_facts:
        lines += ["", "Mangler for å avgjøre: " + ", ".join(d.missing_facts)]
    lines += ["", "Klage:"]
    for s in d.appeal.steps:
        frist = f" innen {s.deadline_weeks} uker" if s.deadline_weeks else ""
        basis = f" ({s.legal_basis})" if s.legal_basis else ""
        lines.append(f"  {s.kind} til {s.name}{frist}{basis}")
    if d.appeal.review_limit:
        lines.append(f"  Klageinstansen kan bare endre kommunens frie skjønn hvis det er "
                     f"{d.appeal.review_limit} ({d.appeal.review_limit_basis}).")
    lines += ["", f"Regelversjon: {d.rules_version}"]
    return "\n".join(lines) + "\n"
