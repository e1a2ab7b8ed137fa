"""Coverage of the rules by their examples (`rulelang test --coverage`).

Input: the decisions the examples produced. Output: a report per benefit and law paragraph of
which vilkår were met and not met, which dated versions were in force and which exceptions
decided, and whether that is complete: every vilkår met and not met at least once, every
exception (unntak) used at least once. Versions never in force are listed but do not fail.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from . import printer
from .lawrefs import format_refs

STATUS = {"met": "oppfylt", "not_met": "ikke oppfylt", "unknown": "ukjent",
          "not_applicable": "gjelder ikke"}


class Coverage:
    """Counts, per benefit and declaration, what the examples exercised."""

    def __init__(self, rules):
        self.rules = rules
        self.status: dict = defaultdict(Counter)
        self.versions: dict = defaultdict(Counter)
        self.exceptions: dict = defaultdict(Counter)
        self.evaluated: Counter = Counter()

    def record(self, decision) -> None:
        """Add one decision."""
        b = decision.benefit
        for c in decision.conditions:
            self.status[(b, c.id)][c.status] += 1
            self.versions[(b, c.id)][c.version] += 1
            if c.exception is not None:
                self.exceptions[(b, c.id)][c.exception] += 1
        for a in decision.amounts:
            self.evaluated[(b, a.id)] += 1
            self.versions[(b, a.id)][a.version] += 1
            if a.exception is not None:
                self.exceptions[(b, a.id)][a.exception] += 1

    def report(self) -> tuple[str, bool]:
        """The report text and whether coverage is complete."""
        lines: list[str] = []
        gaps = 0
        totals = Counter()
        for name in self.rules.benefits:
            model = self.rules.compiled[name].model
            lines.append(name)
            groups: dict[str, list] = defaultdict(list)
            for decl in list(model.conditions.values()) + list(model.amounts.values()):
                groups[format_refs(decl.basis.refs, model.law)].append(decl)
            for basis, decls in groups.items():
                lines.append(f"  {basis}")
                for decl in decls:
                    gaps += self._declaration(name, decl, model.conditions, lines, totals)
        lines.append("")
        lines.append(f"coverage: {totals['cond_ok']} of {totals['cond']} vilkår met and not met; "
                     f"{totals['exc_ok']} of {totals['exc']} unntak used; "
                     f"{totals['ver_ok']} of {totals['ver']} dated versions in force")
        return "\n".join(lines) + "\n", gaps == 0

    def _declaration(self, benefit, decl, conditions, lines, totals) -> int:
        key = (benefit, decl.name)
        gaps = 0
        if decl.name in conditions and conditions[decl.name] is decl:
            seen = self.status[key]
            counts = " · ".join(f"{STATUS[s]} {seen[s]}" for s in STATUS if seen[s])
            missing = [STATUS[s] for s in ("met", "not_met") if not seen[s]]
            totals["cond"] += 1
            if missing:
                gaps += 1
                counts += f"  MANGLER: {', '.join(missing)}"
            else:
                totals["cond_ok"] += 1
            lines.append(f"    vilkår {decl.name}: {counts or 'aldri prøvd'}")
        else:
            lines.append(f"    beløp {decl.name}: beregnet {self.evaluated[key]}")
        versions = self.versions[key]
        for i, v in enumerate(decl.body.versions):
            totals["ver"] += 1
            totals["ver_ok"] += bool(versions[i])
            period = _period(v)
            lines.append(f"      gjelder {period}: {versions[i]}"
                         + ("" if versions[i] else "  (aldri i kraft i eksemplene)"))
        for i, exc in enumerate(decl.body.exceptions):
            totals["exc"] += 1
            used = self.exceptions[key][i]
            title = f' "{exc.title}"' if exc.title else ""
            basis = printer.format_basis(exc.basis)
            if used:
                totals["exc_ok"] += 1
                lines.append(f"      unntak {basis}{title}: brukt {used}")
            else:
                gaps += 1
                lines.append(f"      unntak {basis}{title}: MANGLER (aldri brukt)")
        return gaps


def _period(v) -> str:
    text = ""
    if v.start is not None:
        text += f"fra {printer.format_date(v.start)}"
    if v.end is not None:
        text += f"{' ' if text else ''}til {printer.format_date(v.end)}"
    return text
