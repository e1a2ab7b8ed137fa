"""Checker: resolves names, checks types, law references and structure; collects every problem.

Input: the `nodes.Module`s of a rule tree (with their sources). Output: a `program.Program`.
Raises `RuleCheckError` once, at the end, carrying every error found (sorted by position), never
at the first. Warnings (RL5xx) do not stop the program; they are kept in `Program.warnings`.

Codes: RL2xx names (unknown, duplicate, cycles), RL3xx types, RL4xx law references and
structure, RL5xx lint warnings.
"""
from __future__ import annotations

import difflib
import re

from . import nodes as n
from . import types as T
from .errors import Diagnostic, RuleCheckError, Severity, Span
from .program import BenefitModel, Program

# Laws a basis may cite, and how their paragraphs are numbered: folketrygdloven and the
# forskrifter under it number by chapter ("4-4"); the other acts number straight ("18", "20 a").
CHAPTERED = re.compile(r"^\d+-\d+( [a-z])?$")
STRAIGHT = re.compile(r"^\d+( [a-z])?$")
LAWS = {
    "folketrygdloven": CHAPTERED,
    "dagpengeforskriften": CHAPTERED,
    "sosialtjenesteloven": STRAIGHT,
    "forvaltningsloven": STRAIGHT,
    "trygderettsloven": STRAIGHT,
    "arbeidsmarkedsloven": STRAIGHT,
    "tvisteloven": re.compile(r"^\d+-\d+( [a-z])?$"),
}
# Appeal bodies a step may go to (CONTRACT.md, appeal.steps[].body).
BODIES = ("klageinstans", "trygderetten", "fylkesmann", "lagmannsretten", "tingretten")


# The outcomes a letter is written for (`brev`), and the decision outcome each stands for.
LETTER_OUTCOMES = {"innvilget": "granted", "avslag": "denied", "ikke_avgjort": "undetermined"}


def check(modules: dict[str, n.Module], sources: dict[str, str], require_texts: bool = False) -> Program:
    """Check a set of parsed rule files as one program.

    Args:
        modules: file name -> Module.
        sources: file name -> text (for rendering diagnostics).
        require_texts: also require what letters need (`rulelang check` does): a `brev` text for
            every outcome, and a nynorsk form of every text shown to people (RL420–RL422).

    Returns:
        The checked Program (warnings in `.warnings`).

    Raises:
        RuleCheckError: with every error found.
    """
    c = _Checker(modules, sources)
    c.require_texts = require_texts
    c.run()
    errors = [d for d in c.diags if d.severity is Severity.ERROR]
    if errors:
        raise RuleCheckError(c.diags, sources)
    c.program.warnings = tuple(sorted(c.diags, key=lambda d: (d.span.file, d.span.line, d.span.column)))
    return c.program


def _suggest(name: str, candidates) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Checker:
    def __init__(self, modules, sources):
        self.modules = modules
        self.sources = sources
        self.diags: list[Diagnostic] = []
        self.program = Program(sources=dict(sources), modules=dict(modules))
        self.benefit = None
        self.require_texts = False

    # -- reporting

    def error(self, code, message, span, hint=None):
        self.diags.append(Diagnostic(code, message, span, hint=hint))

    def warn(self, code, message, span, hint=None):
        self.diags.append(Diagnostic(code, message, span, Severity.WARNING, hint=hint))

    # -- driver

    def run(self):
        benefit_modules = []
        for file, module in self.modules.items():
            benefits = [d for d in module.decls if isinstance(d, n.BenefitDecl)]
            for extra in benefits[1:]:
                self.error("RL410", f"a file declares one benefit; '{extra.name}' is the second here",
                           extra.span, hint="put each 'ytelse' in a file of its own")
            for d in module.decls:
                if isinstance(d, n.RateDecl):
                    self._declare_global(self.program.rates, self.program.rate_files, d, file, "sats")
                elif isinstance(d, n.TrackDecl):
                    self._declare_global(self.program.tracks, self.program.track_files, d, file, "klagespor")
            if benefits:
                benefit_modules.append((file, module, benefits[0]))
            else:
                for d in module.decls:
                    if isinstance(d, (n.FactsDecl, n.ValueDecl, n.ConditionDecl, n.AmountDecl,
                                      n.ObligationDecl)):
                        self.error("RL411", "this declaration belongs to a benefit, but the file has no 'ytelse'",
                                   d.span, hint="start the file with: ytelse id \"Tittel\" lov ... klagespor ...")
        for name, rate in self.program.rates.items():
            self._check_rate(rate, self.program.rate_files[name])
        for name, track in self.program.tracks.items():
            self._check_track(track, self.program.track_files[name])
        for file, module, decl in benefit_modules:
            if decl.name in self.program.benefits:
                other = self.program.benefits[decl.name]
                self.error("RL203", f"duplicate benefit '{decl.name}'", decl.span,
                           hint=f"it is also declared in {other.file}")
                continue
            self.program.benefits[decl.name] = self._check_benefit(file, module, decl)

    def _declare_global(self, table, files, decl, file, what):
        if decl.name in table:
            self.error("RL203", f"duplicate {what} '{decl.name}'", decl.span,
                       hint=f"it is already declared at {table[decl.name].span}")
            return
        table[decl.name] = decl
        files[decl.name] = file

    # -- benefits

    def _check_benefit(self, file, module, decl: n.BenefitDecl) -> BenefitModel:
        b = BenefitModel(decl=decl, file=file)
        self.benefit = b
        if decl.law not in LAWS:
            self.error("RL402", f"unknown law '{decl.law}'", decl.span, hint=_suggest(decl.law, LAWS))
        if decl.track not in self.program.tracks:
            self.error("RL206", f"unknown klagespor '{decl.track}'", decl.span,
                       hint=_suggest(decl.track, self.program.tracks) or "declare it with 'klagespor'")
        for d in module.decls:
            if isinstance(d, n.FactsDecl):
                for f in d.facts:
                    if f.name in b.facts:
                        self.error("RL202", f"fact '{f.name}' is declared twice", f.span,
                                   hint=f"first declared at line {b.facts[f.name].span.line}")
                        continue
                    b.facts[f.name] = f
                    b.fact_types[f.name] = self._fact_type(f.type)
            elif isinstance(d, (n.ValueDecl, n.AmountDecl)):
                if d.name in b.values or d.name in b.amounts:
                    self.error("RL203", f"duplicate definition '{d.name}'", d.span)
                    continue
                (b.values if isinstance(d, n.ValueDecl) else b.amounts)[d.name] = d
            elif isinstance(d, n.ConditionDecl):
                if d.name in b.conditions:
                    self.error("RL203", f"duplicate vilkår '{d.name}'", d.span)
                    continue
                b.conditions[d.name] = d
            elif isinstance(d, n.ObligationDecl):
                if d.name in b.obligations:
                    self.error("RL203", f"duplicate plikt '{d.name}'", d.span)
                    continue
                b.obligations[d.name] = d
            elif isinstance(d, n.LettersDecl):
                for t in d.texts:
                    if t.outcome not in LETTER_OUTCOMES:
                        self.error("RL422", f"unknown outcome '{t.outcome}' in brev", t.span,
                                   hint=_suggest(t.outcome, LETTER_OUTCOMES)
                                   or f"one of: {', '.join(LETTER_OUTCOMES)}")
                    elif t.outcome in b.letters:
                        self.error("RL203", f"duplicate brev text for '{t.outcome}'", t.span)
                    else:
                        b.letters[t.outcome] = t
        for name, d in {**b.values, **b.amounts}.items():
            if name in b.facts:
                self.error("RL204", f"'{name}' is both a fact and a {'beløp' if name in b.amounts else 'verdi'}",
                           d.span, hint="give the definition another name")
            if name in self.program.rates:
                self.error("RL204", f"'{name}' is also the name of a sats", d.span)
        if not b.conditions:
            self.error("RL412", f"benefit '{decl.name}' has no vilkår", decl.span)

        self.used: set[str] = set()
        self.def_state: dict[str, str] = {}
        self.stack: list[str] = []
        for name in list(b.values) + list(b.amounts):
            self._def_type(name)
        for d in b.conditions.values():
            self._check_basis(d.basis, d.span, required=True, what=f"vilkår '{d.name}'")
            self._check_body(d.body, d, T.BOOL, conditions=True)
        for d in b.amounts.values():
            self._check_basis(d.basis, d.span, required=True, what=f"beløp '{d.name}'")
            t = b.def_types.get(d.name, T.ERROR)
            if t not in T.NUMERIC and t != T.ERROR:
                self.error("RL303", f"beløp '{d.name}' must be a number, not '{t}'", d.span)
        for d in b.values.values():
            if d.basis is not None:
                self._check_basis(d.basis, d.span, required=False, what=f"verdi '{d.name}'")
        for d in b.obligations.values():
            self._check_basis(d.basis, d.span, required=True, what=f"plikt '{d.name}'")
            self._check_body(d.body, d, T.BOOL, conditions=False)
            if not d.text:
                self.error("RL413", f"plikt '{d.name}' has no text", d.span,
                           hint='add tekst "..." saying what the person must do')
        if self.require_texts:
            self._check_texts(b, module)
        for f in b.facts.values():
            if f.name not in self.used:
                self.warn("RL502", f"fact '{f.name}' is never used", f.span)
        for v in b.values.values():
            if v.name not in self.used:
                self.warn("RL503", f"verdi '{v.name}' is never used", v.span)
        b.files = tuple(sorted({file, *(self.program.rate_files[r] for r in self.used if r in self.program.rates),
                                *([self.program.track_files[decl.track]] if decl.track in self.program.tracks else [])}))
        return b

    def _fact_type(self, t: n.TypeExpr) -> T.Ty:
        if t.name == "liste":
            return T.list_of(self._fact_type(t.element))
        return T.FACT_TYPES[t.name]

    def _def_type(self, name: str) -> T.Ty:
        """The type of a verdi or beløp, inferred once; reports cycles."""
        b = self.benefit
        if name in b.def_types:
            return b.def_types[name]
        if self.def_state.get(name) == "busy":
            cycle = self.stack[self.stack.index(name):] + [name]
            d = b.values.get(name) or b.amounts.get(name)
            self.error("RL207", f"definitions depend on each other in a cycle: {' -> '.join(cycle)}", d.span)
            return T.ERROR
        d = b.values.get(name) or b.amounts.get(name)
        self.def_state[name] = "busy"
        self.stack.append(name)
        t = self._check_body(d.body, d, None, conditions=False)
        self.stack.pop()
        self.def_state[name] = "done"
        b.def_types[name] = t
        return t

    def _check_body(self, body: n.Body, decl, expected: T.Ty | None, conditions: bool) -> T.Ty:
        """Type-check a definition body; returns its type (expected, or the inferred one)."""
        what = f"'{decl.name}'"
        if body.default is None and not body.versions:
            self.error("RL414", f"{what} has no rule", decl.span,
                       hint="write the rule, or 'gjelder fra <dato>: <regel>' for a dated one")
            return T.ERROR
        result = expected
        exprs = ([body.default] if body.default is not None else []) + [v.expr for v in body.versions]
        for e in exprs:
            t = self.infer(e)
            if result is None:
                result = t
            elif expected is not None:
                if t not in (expected, T.ERROR):
                    self.error("RL302", f"{what} must be '{expected}', but this is '{t}'", e.span)
            else:
                j = T.join(result, t)
                if j is None:
                    self.error("RL302", f"the versions of {what} differ in type: '{result}' and '{t}'", e.span)
                    j = T.ERROR
                result = j
        # a version with neither 'fra' nor 'til' is reported below, not as overlapping all others
        self._check_periods([(v.start, v.end, v) for v in body.versions if v.start or v.end], what, "version")
        for v in body.versions:
            if v.start is None and v.end is None:
                self.error("RL409", "a version needs 'fra' or 'til'", v.span)
        for exc in body.exceptions:
            self._check_basis(exc.basis, exc.span, required=True, what="unntak")
            self._expect_bool(exc.when, "the condition of an unntak")
            if isinstance(exc.outcome, n.NotApplicable):
                if not conditions:
                    self.error("RL306", "'gjelder ikke' is only for a vilkår", exc.outcome.span)
            elif exc.outcome is not None:
                t = self.infer(exc.outcome)
                if result is not None and T.join(result, t) is None:
                    self.error("RL302", f"the unntak gives '{t}', but {what} is '{result}'", exc.outcome.span)
            elif result not in (T.BOOL, T.ERROR, None):
                self.error("RL307", f"an unntak without a value needs a ja/nei rule, but {what} is '{result}'",
                           exc.span, hint="give the value after ':'")
        return result or T.ERROR

    def _check_periods(self, items, what, noun, open_until_next=False):
        """Periods [fra, til] must not overlap. With open_until_next (satser), an entry without
        'til' holds until the next one starts."""
        dated = sorted(items, key=lambda x: (x[0].value if x[0] else _MIN))
        for (s1, e1, a), (s2, e2, b) in zip(dated, dated[1:]):
            end1 = e1.value if e1 else None
            start2 = s2.value if s2 else _MIN
            if end1 is None and open_until_next and s2 is not None and (s1 is None or s1.value < start2):
                continue
            if end1 is None or end1 >= start2:
                self.error("RL408", f"the {noun}s of {what} overlap", b.span,
                           hint=f"the {noun} at line {a.span.line} is still in force then")
        for s, e, x in items:
            if s and e and e.value < s.value:
                self.error("RL409", f"this {noun} ends before it starts", x.span)

    def _expect_bool(self, e, what):
        t = self.infer(e)
        if t not in (T.BOOL, T.ERROR):
            self.error("RL302", f"{what} must be ja/nei, but this is '{t}'", e.span)

    # -- expressions

    def infer(self, e) -> T.Ty:
        """The type of an expression; reports problems and returns T.ERROR for a broken one.
        Records it in the benefit's `expr_types` (the evaluators need units of date arithmetic)."""
        t = self._infer(e)
        if self.benefit is not None:
            self.benefit.expr_types[e] = t
        return t

    def _infer(self, e) -> T.Ty:
        match e:
            case n.Quantity(value=v, unit=unit):
                if unit == "G":
                    self._use_rate("G", e.span)
                if unit is None:
                    return T.INT if v == v.to_integral_value() else T.DEC
                return T.UNIT_TYPES[unit]
            case n.Bool():
                return T.BOOL
            case n.Text():
                return T.TEXT
            case n.DateLit():
                return T.DATE
            case n.Today():
                return T.DATE
            case n.Name(name=name):
                return self._resolve(name, e.span)
            case n.Neg(operand=x):
                t = self.infer(x)
                if t not in T.NUMERIC and t != T.ERROR:
                    self.error("RL301", f"cannot negate '{t}'", e.span)
                    return T.ERROR
                return t
            case n.BinOp(op=op, left=l, right=r):
                res = T.arith(op, self.infer(l), self.infer(r))
                if isinstance(res, str):
                    self.error("RL301", res, e.span)
                    return T.ERROR
                return res
            case n.Compare(op=op, left=l, right=r):
                lt, rt = self.infer(l), self.infer(r)
                msg = T.compare(op, lt, rt)
                if msg:
                    self.error("RL301", msg, e.span, hint=T.compare_hint(lt, rt))
                self._check_text_value(l, r)
                self._check_text_value(r, l)
                return T.BOOL
            case n.And(operands=ops) | n.Or(operands=ops):
                for x in ops:
                    self._expect_bool(x, f"each side of '{'og' if isinstance(e, n.And) else 'eller'}'")
                return T.BOOL
            case n.Not(operand=x):
                self._expect_bool(x, "what follows 'ikke'")
                return T.BOOL
            case n.If(cond=c, then=a, else_=b):
                self._expect_bool(c, "the condition after 'hvis'")
                ta, tb = self.infer(a), self.infer(b)
                j = T.join(ta, tb)
                if j is None:
                    self.error("RL301", f"'så' gives '{ta}' but 'ellers' gives '{tb}'", e.span)
                    return T.ERROR
                return j
            case n.Call(func=func, args=args):
                arg_types = [self.infer(a) for a in args]
                msg, result = T.call(func, arg_types)
                if result is None:
                    self.error("RL205", f"unknown function '{func}'", e.span, hint=_suggest(func, T.FUNCTIONS))
                    return T.ERROR
                if msg and T.ERROR not in arg_types:  # a broken argument is reported already
                    self.error("RL304", msg, e.span)
                return result
        raise AssertionError(f"unhandled node {e!r}")

    def _resolve(self, name: str, span: Span) -> T.Ty:
        b = self.benefit
        if name in b.fact_types:
            self.used.add(name)
            return b.fact_types[name]
        if name in b.values or name in b.amounts:
            self.used.add(name)
            return self._def_type(name)
        if name in self.program.rates:
            return self._use_rate(name, span)
        candidates = list(b.facts) + list(b.values) + list(b.amounts) + list(self.program.rates)
        hint = _suggest(name, candidates)
        if hint is None and name in b.conditions:
            hint = f"'{name}' is a vilkår; a rule cannot use another vilkår's result, define a 'verdi'"
        self.error("RL201", f"unknown name '{name}'", span, hint=hint)
        return T.ERROR

    def _use_rate(self, name, span) -> T.Ty:
        if name not in self.program.rates:
            self.error("RL201", f"unknown sats '{name}'", span,
                       hint="declare it with 'sats' in a rule file of the tree")
            return T.ERROR
        self.used.add(name)
        return self.program.rate_types.get(name, T.ERROR)

    def _check_text_value(self, side, other):
        if isinstance(side, n.Name) and isinstance(other, n.Text):
            f = self.benefit.facts.get(side.name)
            if f and f.type.name == "tekst" and f.type.allowed and other.value not in f.type.allowed:
                allowed = ", ".join(f'"{a}"' for a in f.type.allowed)
                self.error("RL305", f"'{other.value}' is not an allowed value of '{side.name}'", other.span,
                           hint=_suggest(other.value, f.type.allowed) or f"allowed: {allowed}")

    # -- texts for letters

    def _check_texts(self, b: BenefitModel, module: n.Module):
        """Every outcome has a letter text, and every text shown to people has a nynorsk form."""
        for outcome in LETTER_OUTCOMES:
            if outcome not in b.letters:
                self.error("RL420", f"benefit '{b.name}' has no letter text for '{outcome}'", b.decl.span,
                           hint=f'add it to the brev block: {outcome}: "…" nynorsk "…"')
        for t in b.letters.values():
            self._need_nn(t.text, t.text_nn, t.span, f"the brev text '{t.outcome}'")
        self._need_nn(b.decl.title, b.decl.title_nn, b.decl.span, f"the title of '{b.name}'")
        for f in b.facts.values():
            self._need_nn(f.description, f.description_nn, f.span, f"the description of fact '{f.name}'")
        for kind, table in (("vilkår", b.conditions), ("beløp", b.amounts), ("verdi", b.values),
                            ("plikt", b.obligations)):
            for d in table.values():
                self._need_nn(d.title, d.title_nn, d.span, f"the title of {kind} '{d.name}'")
                for exc in d.body.exceptions:
                    self._need_nn(exc.title, exc.title_nn, exc.span, "the title of the unntak")
        for d in b.obligations.values():
            self._need_nn(d.text, d.text_nn, d.span, f"the text of plikt '{d.name}'")

    def _need_nn(self, nb, nn, span, what):
        if nb is not None and nn is None:
            self.error("RL421", f"{what} has no nynorsk text", span,
                       hint=f'write it after the bokmål text: "{nb[:30]}…" nynorsk "…"')

    # -- rates and tracks

    def _check_rate(self, rate: n.RateDecl, file: str):
        self._check_basis(rate.basis, rate.span, required=True, what=f"sats '{rate.name}'", file=file)
        if not rate.entries:
            self.error("RL415", f"sats '{rate.name}' has no values", rate.span)
        types = set()
        for entry in rate.entries:
            v = entry.value
            if isinstance(v, n.Neg):
                v = v.operand
            if not isinstance(v, n.Quantity) or v.unit == "G":
                self.error("RL308", "a sats value must be a number with its unit, e.g. 130 160 kr", entry.value.span)
                continue
            types.add(T.UNIT_TYPES[v.unit] if v.unit else (T.INT if v.value == v.value.to_integral_value() else T.DEC))
        plain = types <= {T.INT, T.DEC}
        if len(types) > 1 and not plain:
            self.error("RL308", f"the values of sats '{rate.name}' have different units", rate.span)
        self.program.rate_types[rate.name] = (T.DEC if plain and T.DEC in types else types.pop()) if types else T.ERROR
        self._check_periods([(e.start, e.end, e) for e in rate.entries], f"sats '{rate.name}'", "value",
                           open_until_next=True)

    def _check_track(self, track: n.TrackDecl, file: str):
        if not track.steps:
            self.error("RL416", f"klagespor '{track.name}' has no steps", track.span)
        for step in track.steps:
            if step.body not in BODIES:
                self.error("RL417", f"unknown appeal body '{step.body}'", step.span,
                           hint=_suggest(step.body, BODIES) or f"one of: {', '.join(BODIES)}")
            if step.name is None and not step.names:
                self.error("RL418", f"the step to '{step.body}' has no name", step.span,
                           hint='write its name in quotes, or navn "…" fra/til <dato> lines')
            if step.kind in ("klage", "anke"):
                if step.deadline_weeks is None:
                    self.error("RL419", f"a {step.kind} needs a deadline: innen N uker", step.span)
                self._check_basis(step.basis, step.span, required=True, what=f"the {step.kind}", file=file)
            elif step.basis is not None:
                self._check_basis(step.basis, step.span, required=False, what="the step", file=file)
            self._check_periods([(s.start, s.end, s) for s in step.names], f"the step to '{step.body}'", "name")
            if self.require_texts:
                self._need_nn(step.name, step.name_nn, step.span, f"the name of the step to '{step.body}'")
                for sn in step.names:
                    self._need_nn(sn.name, sn.name_nn, sn.span, f"the name '{sn.name}'")
        if track.review_limit and self.require_texts:
            rl = track.review_limit
            self._need_nn(rl.text, rl.text_nn, rl.span, "the skjønnsgrense")
        if track.review_limit:
            self._check_basis(track.review_limit.basis, track.review_limit.span, required=True,
                              what="skjønnsgrense", file=file)

    # -- law references

    def _check_basis(self, basis, span, required, what, file=None):
        if basis is None:
            if required:
                self.error("RL401", f"{what} has no legal basis", span,
                           hint="write its hjemmel in parentheses after the title, e.g. (§ 4-4 første ledd)")
            return
        own_law = self.benefit.decl.law if file is None else None
        for ref in basis.refs:
            law = ref.law or own_law
            if law is None:
                self.error("RL403", f"'§ {ref.section}' does not say which law", ref.span,
                           hint="outside a benefit file, name the law: (folketrygdloven § 1-4)")
                continue
            if law not in LAWS:
                if ref.law is not None:  # the benefit's own unknown law is reported at its header
                    self.error("RL402", f"unknown law '{law}'", ref.span, hint=_suggest(law, LAWS))
                continue
            if not LAWS[law].match(ref.section):
                example = "§ 4-4" if LAWS[law] is CHAPTERED else "§ 18"
                self.error("RL404", f"'§ {ref.section}' is not a paragraph of {law}", ref.span,
                           hint=f"{law} numbers its paragraphs like {example}")
                continue
            chapter = self.benefit.decl.chapter if file is None else None
            if ref.law is None and chapter is not None and LAWS[law] is CHAPTERED:
                if ref.section.split("-")[0] != str(chapter):
                    self.warn("RL501", f"'§ {ref.section}' is outside kapittel {chapter} of {law}", ref.span,
                              hint=f"name the law if this is meant: ({law} § {ref.section})")


import datetime as _dt  # noqa: E402  (used only for period sorting)

_MIN = _dt.date.min
