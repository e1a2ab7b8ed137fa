"""Impact of a rule change on a caseload: `rulelang impact` (after OpenFisca's reforms).

Input: two rule trees, before and after a change (each loaded with `load_rules`), a benefit both
declare, and a caseload: cases `{"id", "date", "facts"}` in order, as `caseio.iter_cases` reads
them from .jsonl, .json, .csv and .parquet (a row it could not read carries an "error"; a row
without an id gets its 1-based row number). Output: `compare()` returns a JSON-ready report
(dicts in a fixed key order, exact `Decimal`s) and can hand each changed case to a callback as
a JSON line; `render_text` shows the report in Norwegian bokmål. Raises `UnknownBenefitError`
when either rule tree lacks the benefit; rule trees that do not check raise in `load_rules`, a
caseload that cannot be read as a whole in `iter_cases`, before anything is compared.

The report:

* how many cases, how many changed (outcome, a condition's status or an amount), and the
  outcome transition matrix (granted / denied / undetermined / error, before -> after);
* per condition, how many cases changed status (met -> not_met, ...; `absent` when the condition
  is not in one rule set or not in force on the date), and how many of those changed outcome:
  the conditions that cause the change;
* per amount, over the cases decided under both rule sets: cases with a value and the sum
  before and after, the difference, the cases whose value changed with the mean (to the øre,
  half up) and median change, and the values that appeared or disappeared (granted <-> not);
* cases that fail under a rule set (bad facts, no G for the date, a row that cannot be read)
  counted per side, with examples; they are left out of the condition and amount figures,
  never dropped silently;
* up to `examples` case ids (the first in input order) for every transition.

How it is fast: each case goes through both rule sets in the same worker on the compiled
closures (values only: condition statuses, outcome, amounts, obligations for their errors), not
through `evaluate`, whose explanations are nine tenths of its time; a test checks that these
verdicts are `evaluate`'s. Workers aggregate their chunk into a `Summary` and send it back
with the chunk's per-case change lines; the parent merges chunks in input order. Memory is the
chunks in flight plus one counter entry per distinct amount change (kept for exact medians;
amounts are whole kroner, so a caseload's changes take few distinct values).
"""
from __future__ import annotations

import collections
import contextlib
import itertools
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import NamedTuple

from . import display
from .batch import ordered_pool
from .compiler import CompiledBenefit
from .caseio import iter_cases
from .decision import DENIED, GRANTED, UNDETERMINED
from .errors import InputError, RulelangError, UnknownBenefitError
from .evaluator import outcome_of, parse_date, status_of
from .facts import validate
from .jsonout import dumps
from .lawrefs import format_refs
from .reference import NOT_IN_FORCE
from .types import OUTPUT_UNITS
from .values import UNKNOWN

ERROR = "error"
ABSENT = "absent"
OUTCOMES = (GRANTED, DENIED, UNDETERMINED, ERROR)
STATUSES = ("met", "not_met", "unknown", "not_applicable", ABSENT)
CHUNK = 512
_CENT = Decimal("0.01")


# -- one case under one rule set

class Verdict(NamedTuple):
    """What a decision says that a rule change can change. `amounts` holds only the amounts in
    the decision (granted, in force); a value None is unknown (it needs a missing fact)."""

    outcome: str
    statuses: dict
    amounts: dict


class Failure(NamedTuple):
    """A case the rule set could not decide: the error's message and exit code."""

    message: str
    exit_code: int


class Side:
    """One rule set's benefit, ready to decide cases. Facts only the other rule set declares
    are left out here: a change that adds a fact must not make every old decision fail."""

    def __init__(self, compiled: CompiledBenefit, benefit: str, other: CompiledBenefit):
        self.compiled = compiled
        self.benefit = benefit
        self.foreign = frozenset(other.model.facts) - frozenset(compiled.model.facts)

    def check(self, facts) -> dict:
        """The facts validated for this rule set (raises FactError as `evaluate` does)."""
        if self.foreign and isinstance(facts, dict):
            facts = {k: v for k, v in facts.items() if k not in self.foreign}
        model = self.compiled.model
        return validate(facts, model.facts, model.fact_types, self.benefit)

    def decide(self, facts, on, values: dict | None = None) -> Verdict | Failure:
        """The verdict on a case (`values`: its facts already checked), or its failure."""
        try:
            on = parse_date(on)
            return verdict(self.compiled, self.check(facts) if values is None else values, on)
        except RulelangError as exc:
            return Failure(str(exc), exc.exit_code)


def verdict(compiled: CompiledBenefit, values: dict, on) -> Verdict:
    """The outcome, condition statuses and amounts `evaluate` gives on checked facts, without
    its explanations (evaluate is the reference; tests/test_impact.py checks they agree)."""
    ctx = compiled.new_ctx(on, values)
    statuses = {}
    for decl, fn in compiled.conditions:
        v, _ = fn(ctx)
        if v is not NOT_IN_FORCE:
            statuses[decl.name] = status_of(v)
    outcome = outcome_of(statuses.values())
    amounts = {}
    if outcome == GRANTED:
        for decl, fn in compiled.amounts:
            v, _ = fn(ctx)
            if v is not NOT_IN_FORCE:
                amounts[decl.name] = None if v is UNKNOWN else v
        for _, fn in compiled.obligations:  # for their errors only, as evaluate meets them
            fn(ctx)
    return Verdict(outcome, statuses, amounts)


class Pair(NamedTuple):
    """The benefit under the rule set before (`old`) and after (`new`) the change;
    `same_facts` when both declare the same facts alike (they are then checked once a case)."""

    old: Side
    new: Side
    same_facts: bool

    def decide(self, facts, on) -> tuple:
        """(old, new): the verdict or failure of a case under each rule set."""
        if not self.same_facts:
            return self.old.decide(facts, on), self.new.decide(facts, on)
        try:
            on = parse_date(on)
            values = self.old.check(facts)
        except RulelangError as exc:
            failure = Failure(str(exc), exc.exit_code)
            return failure, failure
        return self.old.decide(facts, on, values), self.new.decide(facts, on, values)


def _fact_kinds(model) -> dict:
    return {name: (model.fact_types[name], decl.type.allowed) for name, decl in model.facts.items()}


def pair(rules_old, rules_new, benefit: str) -> Pair:
    """Both sides of a comparison; raises `UnknownBenefitError` naming the rule set that lacks
    the benefit."""
    a, b = rules_old.compiled.get(benefit), rules_new.compiled.get(benefit)
    if a is None and b is None:
        raise UnknownBenefitError(f"unknown benefit '{benefit}'; the benefits are: "
                                  + ", ".join(sorted(set(rules_old.benefits) | set(rules_new.benefits))))
    for have, where in ((a, f"the rules before ({rules_old.root})"),
                        (b, f"the rules after ({rules_new.root})")):
        if have is None:
            raise UnknownBenefitError(f"benefit '{benefit}' is not in {where}; an impact needs "
                                      f"the benefit in both rule sets")
    same = _fact_kinds(a.model) == _fact_kinds(b.model)
    return Pair(Side(a, benefit, b), Side(b, benefit, a), same)


# -- the difference of two verdicts

def _known(amounts: dict, aid: str):
    v = amounts.get(aid)
    return v if isinstance(v, Decimal) else None


def _outcome(x) -> str:
    return ERROR if isinstance(x, Failure) else x.outcome


def status_changes(old: Verdict, new: Verdict) -> dict:
    """condition id -> (status before, status after), for the conditions whose status changed."""
    out = {}
    for cid in itertools.chain(old.statuses, (c for c in new.statuses if c not in old.statuses)):
        a, b = old.statuses.get(cid, ABSENT), new.statuses.get(cid, ABSENT)
        if a != b:
            out[cid] = (a, b)
    return out


def amount_changes(old: Verdict, new: Verdict) -> dict:
    """amount id -> (value before, value after) for the amounts that differ (missing from the
    decision and unknown both differ from a value, and from each other)."""
    out = {}
    for aid in itertools.chain(old.amounts, (a for a in new.amounts if a not in old.amounts)):
        a, b = old.amounts.get(aid, ABSENT), new.amounts.get(aid, ABSENT)
        if a != b:
            out[aid] = (a, b)
    return out


def change_record(cid, old, new) -> dict | None:
    """One line of `--output`: the case's changes, or None when nothing changed.

    `amounts` holds the amounts whose value differs: `old` and `new` are the values, null when
    the decision has none (not granted, not in force, or unknown for want of a fact: the
    outcome tells which); `change` is new minus old, an amount not in the decision counting as
    0, and null when one side is unknown."""
    if isinstance(old, Failure) or isinstance(new, Failure):
        errors = {side: x.message for side, x in (("old", old), ("new", new))
                  if isinstance(x, Failure)}
        return {"id": cid, "old": _outcome(old), "new": _outcome(new), "errors": errors}
    conditions = status_changes(old, new)
    amounts = amount_changes(old, new)
    if old.outcome == new.outcome and not conditions and not amounts:
        return None
    deltas = {}
    for aid, (a, b) in amounts.items():
        va, vb = _known(old.amounts, aid), _known(new.amounts, aid)
        if va != vb:
            change = None if (a is None or b is None) else (vb or 0) - (va or 0)
            deltas[aid] = {"old": va, "new": vb, "change": change}
    return {"id": cid, "old": old.outcome, "new": new.outcome,
            "conditions": {k: list(v) for k, v in conditions.items()}, "amounts": deltas}


# -- aggregation

class Summary:
    """The running totals of a comparison. Chunks are summed in workers and merged in input
    order, so the examples are the first cases of the caseload."""

    def __init__(self, examples: int):
        self.k = examples
        self.counts: Counter = Counter()                    # tuple key -> cases
        self.sums: dict = collections.defaultdict(Decimal)  # tuple key -> Decimal
        self.deltas: dict = collections.defaultdict(Counter)  # amount id -> change -> cases
        self.examples: dict = {}                             # tuple key -> [case id, ...]

    def _example(self, key, item) -> None:
        ids = self.examples.setdefault(key, [])
        if len(ids) < self.k:
            ids.append(item)

    def add(self, cid, old, new) -> None:
        """Count one case (`old`, `new`: a Verdict or a Failure)."""
        c = self.counts
        c["cases"] += 1
        transition = (_outcome(old), _outcome(new))
        c[("outcome", *transition)] += 1
        if transition[0] != transition[1]:
            self._example(("outcome", *transition), cid)
        if isinstance(old, Failure) or isinstance(new, Failure):
            self._add_failure(cid, old, new)
            return
        c["decided"] += 1
        conditions = status_changes(old, new)
        changed_amounts = amount_changes(old, new)
        if transition[0] != transition[1] or conditions or changed_amounts:
            c["changed"] += 1
        for cond, (a, b) in conditions.items():
            c[("condition", cond, a, b)] += 1
            self._example(("condition", cond, a, b), cid)
            if transition[0] != transition[1]:
                c[("decisive", cond)] += 1
        for side, v in (("old", old), ("new", new)):
            for aid, value in v.amounts.items():
                if value is None:
                    c[("unknown", side, aid)] += 1
                else:
                    c[("valued", side, aid)] += 1
                    self.sums[("sum", side, aid)] += value
        for aid in changed_amounts:
            self._add_amount(cid, aid, _known(old.amounts, aid), _known(new.amounts, aid))

    def _add_amount(self, cid, aid, a, b) -> None:
        if a is not None and b is not None:
            self.counts[("changed", aid)] += 1
            self.deltas[aid][b - a] += 1
            self._example(("changed", aid), cid)
        elif b is not None:
            self.counts[("appeared", aid)] += 1
            self.sums[("appeared", aid)] += b
        elif a is not None:
            self.counts[("disappeared", aid)] += 1
            self.sums[("disappeared", aid)] += a

    def _add_failure(self, cid, old, new) -> None:
        both = isinstance(old, Failure) and isinstance(new, Failure)
        side = "both" if both else "old" if isinstance(old, Failure) else "new"
        self.counts[("error", side)] += 1
        self._example(("error",), {"id": cid,
                                   "old": old.message if isinstance(old, Failure) else None,
                                   "new": new.message if isinstance(new, Failure) else None})

    def merge(self, other: "Summary") -> None:
        """Add the totals of the chunk that follows this one."""
        self.counts.update(other.counts)
        for key, value in other.sums.items():
            self.sums[key] += value
        for aid, counter in other.deltas.items():
            self.deltas[aid].update(counter)
        for key, ids in other.examples.items():
            for item in ids:
                self._example(key, item)


# -- running a comparison

_PAIR: Pair | None = None  # the rule sets of a worker process


def _init_worker(root_old: str, root_new: str, benefit: str) -> None:
    global _PAIR
    from .loader import load_rules
    _PAIR = pair(load_rules(root_old), load_rules(root_new), benefit)


def _compare_chunk(sides: Pair, items: list, k: int, records: bool):
    """Compare a chunk of (id, date, facts, error): its Summary and its change lines (JSON)."""
    summary, lines = Summary(k), []
    for cid, on, facts, error in items:
        if error is not None:  # a row that could not be read fails under both rule sets
            old = new = Failure(error, InputError.exit_code)
        else:
            old, new = sides.decide(facts, on)
        summary.add(cid, old, new)
        if records:
            rec = change_record(cid, old, new)
            if rec is not None:
                lines.append(dumps(rec, indent=None))
    return summary, lines


def _worker_chunk(args):
    return _compare_chunk(_PAIR, *args)


def _items(cases: Iterable, on) -> Iterator[tuple]:
    """(id, date, facts, error) per case, as `caseio.iter_cases` yields them (a row it could
    not read carries an "error"); a case without an id gets its 1-based row number."""
    for row, case in enumerate(cases, start=1):
        if not isinstance(case, dict):
            yield row, None, None, f"case {row}: a case must be an object with \"facts\""
            continue
        cid = row if case.get("id") is None else case["id"]
        date = case.get("date") or on
        error = case.get("error")
        if error is None and date is None:
            error = f"case {row}: the case has no date and no default date (--date) was given"
        yield cid, date, case.get("facts"), error


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while block := list(itertools.islice(items, size)):
        yield block


def compare(rules_old, rules_new, benefit: str, cases: Iterable, *, on=None,
            workers: int | None = None, examples: int = 3,
            on_change: Callable[[str], None] | None = None) -> dict:
    """Run a caseload through two rule sets and report what changes.

    Args:
        rules_old, rules_new: `Rules` before and after the change.
        benefit: the benefit id (in both).
        cases: dicts `{"id", "date", "facts"}` (or with "error"), read lazily, in order.
        on: the date for cases without one (a date or "YYYY-MM-DD").
        workers: processes (default: every core when there are more than one chunk of cases).
        examples: case ids kept per transition.
        on_change: called in input order with the JSON line of every changed or failed case.

    Returns:
        The report (see the module docstring), ready for `jsonout.dumps` or `render_text`.

    Raises:
        UnknownBenefitError: a rule set lacks the benefit.
    """
    sides = pair(rules_old, rules_new, benefit)
    on = parse_date(on) if on is not None else None
    chunks = _chunks(_items(cases, on), CHUNK)
    first = next(chunks, [])
    second = next(chunks, None)
    blocks = itertools.chain([first], [second] if second is not None else [], chunks)
    if workers is None:
        workers = 1 if second is None else (os.cpu_count() or 1)
    memory = "<memory>" in (rules_old.root, rules_new.root)
    if workers <= 1 or memory:
        parts = (_compare_chunk(sides, b, examples, on_change is not None) for b in blocks)
        summary = _collect(parts, examples, on_change)
    else:
        summary = _parallel(rules_old.root, rules_new.root, benefit, blocks, workers,
                            examples, on_change)
    return report(summary, sides, rules_old, rules_new)


def _collect(parts, k: int, on_change) -> Summary:
    total = Summary(k)
    for summary, lines in parts:
        total.merge(summary)
        for line in lines:
            on_change(line)
    return total


def _parallel(root_old, root_new, benefit, blocks, workers, k, on_change) -> Summary:
    tasks = ((block, k, on_change is not None) for block in blocks)
    parts = ordered_pool(_worker_chunk, tasks, workers, _init_worker, (root_old, root_new, benefit))
    return _collect(parts, k, on_change)


# -- the report

def _mean(total: Decimal, n: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (total / n).quantize(_CENT, rounding=ROUND_HALF_UP)


def _median(counter: Counter) -> Decimal | None:
    """The exact median of values given as value -> count."""
    n = sum(counter.values())
    if n == 0:
        return None
    wanted = sorted({(n - 1) // 2, n // 2})
    found, seen = [], 0
    for value in sorted(counter):
        seen += counter[value]
        while wanted and seen > wanted[0]:
            found.append(value)
            wanted.pop(0)
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


def _declared(sides: Pair, kind: str) -> list:
    """(id, decl, in_old, in_new) for the conditions or amounts of both sides: the old rule
    set's order, then what only the new one declares."""
    old = getattr(sides.old.compiled.model, kind)
    new = getattr(sides.new.compiled.model, kind)
    names = list(old) + [x for x in new if x not in old]
    return [(x, new.get(x) or old[x], x in old, x in new) for x in names]


def report(s: Summary, sides: Pair, rules_old, rules_new) -> dict:
    """The JSON-ready report of a finished Summary (fixed key order, exact decimals)."""
    c = s.counts
    model = sides.new.compiled.model
    matrix = {a: {b: c[("outcome", a, b)] for b in OUTCOMES} for a in OUTCOMES}
    return {
        "benefit": model.name,
        "title": model.decl.title,
        "rules": {side: {"path": _show_path(r.root), "version": x.compiled.model.rules_version}
                  for side, r, x in (("old", rules_old, sides.old), ("new", rules_new, sides.new))},
        "cases": c["cases"],
        "decided": c["decided"],
        "changed": c["changed"],
        "outcome_changed": sum(n for (a, b), n in _pairs(matrix) if a != b and ERROR not in (a, b)),
        "outcomes": matrix,
        "transitions": [{"old": a, "new": b, "cases": n, "examples": s.examples.get(("outcome", a, b), [])}
                        for (a, b), n in _pairs(matrix) if a != b and n],
        "conditions": [_condition_report(s, sides, *x) for x in _declared(sides, "conditions")],
        "amounts": [_amount_report(s, sides, *x) for x in _declared(sides, "amounts")],
        "errors": {"old_only": c[("error", "old")], "new_only": c[("error", "new")],
                   "both": c[("error", "both")], "examples": s.examples.get(("error",), [])},
    }


def _show_path(root) -> str:
    """A rule folder as the user would write it: relative to the working folder when inside."""
    path = Path(root)
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix() or "."
    except (ValueError, OSError):
        return str(root)


def _pairs(matrix: dict):
    return (((a, b), matrix[a][b]) for a in OUTCOMES for b in OUTCOMES)


def _condition_report(s: Summary, sides: Pair, cid, decl, in_old, in_new) -> dict:
    law = (sides.new if in_new else sides.old).compiled.model.law
    transitions = [{"old": a, "new": b, "cases": s.counts[("condition", cid, a, b)],
                    "examples": s.examples.get(("condition", cid, a, b), [])}
                   for a in STATUSES for b in STATUSES if s.counts[("condition", cid, a, b)]]
    return {"id": cid, "title": decl.title, "legal_basis": format_refs(decl.basis.refs, law),
            "in_old": in_old, "in_new": in_new,
            "changed": sum(t["cases"] for t in transitions),
            "outcome_changed": s.counts[("decisive", cid)], "transitions": transitions}


def _amount_report(s: Summary, sides: Pair, aid, decl, in_old, in_new) -> dict:
    c, sums = s.counts, s.sums
    side = sides.new if in_new else sides.old
    n_changed = c[("changed", aid)]
    change_sum = sum((d * n for d, n in s.deltas.get(aid, {}).items()), Decimal(0))
    old, new = sums[("sum", "old", aid)], sums[("sum", "new", aid)]
    return {
        "id": aid, "title": decl.title or aid,
        "unit": OUTPUT_UNITS.get(side.compiled.model.def_types[aid], ""),
        "in_old": in_old, "in_new": in_new,
        "old": {"cases": c[("valued", "old", aid)], "sum": old, "unknown": c[("unknown", "old", aid)]},
        "new": {"cases": c[("valued", "new", aid)], "sum": new, "unknown": c[("unknown", "new", aid)]},
        "difference": new - old,
        "changed": {"cases": n_changed, "sum": change_sum,
                    "mean": _mean(change_sum, n_changed) if n_changed else None,
                    "median": _median(s.deltas.get(aid, Counter())),
                    "examples": s.examples.get(("changed", aid), [])},
        "appeared": {"cases": c[("appeared", aid)], "sum": sums[("appeared", aid)]},
        "disappeared": {"cases": c[("disappeared", aid)], "sum": sums[("disappeared", aid)]},
    }


# -- text

OUTCOME_NB = {GRANTED: "innvilget", DENIED: "avslag", UNDETERMINED: "ikke avgjort", ERROR: "feil"}
STATUS_NB = {"met": "oppfylt", "not_met": "ikke oppfylt", "unknown": "ukjent",
             "not_applicable": "gjelder ikke", ABSENT: "finnes ikke"}


def _n(v) -> str:
    return display.number(Decimal(v))


def _signed(v: Decimal | None, unit: str = "") -> str:
    if v is None:
        return "–"
    text = ("+" if v > 0 else "") + _n(v)
    return f"{text} {unit}".rstrip()


def _amount(v: Decimal, unit: str) -> str:
    return f"{_n(v)} {unit}".rstrip()


def _cases(n: int) -> str:
    return "1 sak" if n == 1 else f"{_n(n)} saker"


def _ids(ids: list) -> str:
    return f"  f.eks. {', '.join(str(i) for i in ids)}" if ids else ""


def _table(rows: list[list[str]], left: int = 1) -> list[str]:
    """Columns padded to their widest cell; the first `left` columns left-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(w) if i < left else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
            for row in rows]


def render_text(r: dict) -> str:
    """The report for an analyst at a terminal, in Norwegian bokmål."""
    short = {side: r["rules"][side]["version"].removeprefix("sha256:")[:12] for side in ("old", "new")}
    errors = r["errors"]["old_only"] + r["errors"]["new_only"] + r["errors"]["both"]
    lines = [f"Konsekvenser av regelendringen for {r['title']} ({r['benefit']})",
             f"Regler før:   {r['rules']['old']['path']} (sha256:{short['old']})",
             f"Regler etter: {r['rules']['new']['path']} (sha256:{short['new']})",
             f"Saker: {_n(r['cases'])}. Avgjort etter begge regelsettene: {_n(r['decided'])}. "
             f"Endret: {_n(r['changed'])}, av dem {_n(r['outcome_changed'])} med nytt utfall. "
             f"Feil: {_n(errors)}.", ""]
    lines += _outcome_lines(r) + [""] + _condition_lines(r) + [""] + _amount_lines(r)
    if errors:
        lines += [""] + _error_lines(r)
    return "\n".join(lines) + "\n"


def _outcome_lines(r: dict) -> list[str]:
    m = r["outcomes"]
    rows = [["før \\ etter"] + [OUTCOME_NB[o] for o in OUTCOMES] + ["sum"]]
    for a in OUTCOMES:
        rows.append([OUTCOME_NB[a]] + [_n(m[a][b]) for b in OUTCOMES] + [_n(sum(m[a].values()))])
    rows.append(["sum"] + [_n(sum(m[a][b] for a in OUTCOMES)) for b in OUTCOMES] + [_n(r["cases"])])
    lines = ["Utfall før og etter endringen (rader: før, kolonner: etter):"] + _table(rows)
    if r["transitions"]:
        lines += ["", "Endrede utfall:"]
        rows = [[f"{OUTCOME_NB[t['old']]} → {OUTCOME_NB[t['new']]}", _cases(t["cases"]),
                 _ids(t["examples"]).strip()] for t in r["transitions"]]
        lines += _table(rows, left=3)
    return lines


def _condition_lines(r: dict) -> list[str]:
    changed = [c for c in r["conditions"] if c["changed"]]
    if not changed:
        return ["Ingen vilkår endret status."]
    lines = ["Vilkår som endret status (en sak med nytt utfall telles under hvert vilkår som "
             "endret seg i saken):"]
    for c in changed:
        mark = " – nytt vilkår" if not c["in_old"] else " – fjernet" if not c["in_new"] else ""
        lines.append(f"  {c['title']} ({c['id']}; {c['legal_basis']}){mark}: {_cases(c['changed'])}, "
                     f"{_n(c['outcome_changed'])} med nytt utfall")
        rows = [[f"  {STATUS_NB[t['old']]} → {STATUS_NB[t['new']]}", _cases(t["cases"]),
                 _ids(t["examples"]).strip()] for t in c["transitions"]]
        lines += _table(rows, left=3)
    return lines


def _amount_lines(r: dict) -> list[str]:
    if not r["amounts"]:
        return ["Ytelsen har ingen beløp."]
    head = (f"Beløp (summert over de {_n(r['decided'])} sakene som er avgjort etter begge "
            f"regelsettene):")
    rows = [["beløp", "saker før", "saker etter", "sum før", "sum etter", "endring"]]
    for a in r["amounts"]:
        u = a["unit"]
        rows.append([a["title"], _n(a["old"]["cases"]), _n(a["new"]["cases"]),
                     _amount(a["old"]["sum"], u), _amount(a["new"]["sum"], u),
                     _signed(a["difference"], u)])
    per_case = [["beløp", "endret i", "snitt endring", "median endring", "kom til", "falt bort"]]
    for a in r["amounts"]:
        u, ch = a["unit"], a["changed"]
        per_case.append([a["title"], _cases(ch["cases"]), _signed(ch["mean"], u),
                         _signed(ch["median"], u), _moved(a["appeared"], u, +1),
                         _moved(a["disappeared"], u, -1)])
    lines = [head] + _table(rows) + [
        "", "Endring per sak («endret i»: saker med beløp både før og etter; «kom til»: beløp bare",
        "etter endringen; «falt bort»: beløp bare før):"]
    lines += _table(per_case)
    unknown = [[a["title"], _n(a["old"]["unknown"]), _n(a["new"]["unknown"])]
               for a in r["amounts"] if a["old"]["unknown"] or a["new"]["unknown"]]
    if unknown:
        lines += ["", "Ukjente beløp (innvilget, men en opplysning mangler; ikke med i summene):"]
        lines += _table([["beløp", "saker før", "saker etter"]] + unknown)
    return lines


def _moved(x: dict, unit: str, sign: int) -> str:
    if not x["cases"]:
        return "0"
    return f"{_n(x['cases'])} ({_signed(sign * x['sum'], unit)})"


def _error_lines(r: dict) -> list[str]:
    e = r["errors"]
    lines = ["Feil (saker som ikke kunne avgjøres; ikke med i vilkårene og beløpene over):",
             f"  bare før {_n(e['old_only'])}, bare etter {_n(e['new_only'])}, "
             f"i begge {_n(e['both'])}"]
    for x in e["examples"]:
        if x["old"] == x["new"]:
            lines.append(f"  {x['id']} (før og etter): {x['old']}")
            continue
        for side, label in (("old", "før"), ("new", "etter")):
            if x[side] is not None:
                lines.append(f"  {x['id']} ({label}): {x[side]}")
    return lines


# -- the command line

def register(sub) -> None:
    """Declare the command's arguments on the `rulelang` sub-parser."""
    p = sub.add_parser("impact", help="what a change of the rules changes for a caseload "
                                      "(outcomes, conditions, amounts)")
    p.add_argument("benefit")
    p.add_argument("--old", default=None,
                   help="rule folder before the change (default: the rules that ship)")
    p.add_argument("--new", required=True, help="rule folder after the change")
    p.add_argument("--input", required=True, help="the caseload: .jsonl, .json, .csv or .parquet")
    p.add_argument("--date", help="the prøvingsdato, YYYY-MM-DD, for cases without a date")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--output", help="write every changed or failed case as JSON Lines to FILE")
    p.add_argument("--workers", type=_positive, default=None,
                   help="processes (default: every core for a large caseload)")
    p.add_argument("--examples", type=_count, default=3,
                   help="case ids shown per transition (default 3)")
    p.set_defaults(func=cmd_impact)


def _positive(text: str) -> int:
    return _int(text, 1)


def _count(text: str) -> int:
    return _int(text, 0)


def _int(text: str, least: int) -> int:
    import argparse
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ {least}, got {text!r}")
    return value


def cmd_impact(args) -> int:
    from .loader import PACKAGED_RULES, load_rules

    on = parse_date(args.date) if args.date else None
    rules_old = load_rules(Path(args.old) if args.old else PACKAGED_RULES)
    rules_new = load_rules(Path(args.new))
    sides = pair(rules_old, rules_new, args.benefit)  # before the input is opened
    cases = iter_cases(args.input, reading_model(sides), on)
    with _AtomicLines(args.output) if args.output else contextlib.nullcontext() as out:
        result = compare(rules_old, rules_new, args.benefit, cases, on=on, workers=args.workers,
                         examples=args.examples, on_change=out.write if out else None)
    sys.stdout.write(render_text(result) if args.format == "text" else dumps(result) + "\n")
    return 0


class _FactTypes(NamedTuple):
    """What `iter_cases` reads of a model (the fact types, the benefit's name), for a change
    that adds facts and removes others."""

    name: str
    fact_types: dict


def reading_model(sides: Pair):
    """The model the caseload is read with: the one that declares every fact of both rule
    sets, or the union of their fact types (a column of either set is a fact)."""
    a, b = sides.old.compiled.model, sides.new.compiled.model
    if b.fact_types.items() <= a.fact_types.items():
        return a
    if a.fact_types.items() <= b.fact_types.items():
        return b
    return _FactTypes(a.name, {**a.fact_types, **b.fact_types})


class _AtomicLines:
    """A JSON Lines file written beside its target and renamed into place at the end: a
    failed run leaves no half-written file (and an old file untouched)."""

    def __init__(self, path: str):
        self.path = Path(path)

    def __enter__(self):
        folder = self.path.parent if str(self.path.parent) else Path(".")
        try:
            fd, self.tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as exc:
            raise InputError(f"cannot write {self.path}: {exc.strerror}") from None
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def write(self, line: str) -> None:
        self.fh.write(line + "\n")

    def __exit__(self, kind, exc, tb):
        self.fh.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
        return False
