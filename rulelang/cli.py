"""Command line: `rulelang evaluate | letter | explain | check | test | fmt | serve | batch | impact`.

Input: argv. Output: on stdout the result (JSON or text), on stderr the diagnostics. Exit codes
(CONTRACT.md): 0 done; 1 an internal or evaluation failure (one line, never a traceback, never
a partial decision); 2 bad input (rule files that do not check, unknown benefit, unknown or
ill-typed fact, malformed JSON, bad date).
"""
from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from .errors import InputError, RulelangError, RuleSyntaxError, UnknownBenefitError, render_all
from .loader import PACKAGED_RULES, load_rules, read_sources, load_sources


def main(argv=None) -> int:
    """Entry point of the `rulelang` console script."""
    # The output is UTF-8 whatever the locale: a caller reads JSON as UTF-8 (RFC 8259), and a
    # locale that cannot encode '–' or '≥' must not turn a decision into an internal error.
    if isinstance(sys.stdout, io.TextIOWrapper) and codecs.lookup(sys.stdout.encoding).name != "utf-8":
        sys.stdout.reconfigure(encoding="utf-8")
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RulelangError as exc:
        print(f"rulelang: {exc}" if "\n" not in str(exc) else str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last guard: one line, exit 1, no traceback
        print(f"rulelang: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rulelang", description="Rules as code for Norwegian welfare law.")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("evaluate", help="decide a case (or a list of cases)")
    e.add_argument("benefit")
    e.add_argument("--facts", required=True, help="a JSON file of facts, or - for stdin")
    e.add_argument("--date", help="the prøvingsdato, YYYY-MM-DD")
    e.add_argument("--rules", default=None, help="rule folder (default: the rules that ship)")
    e.add_argument("--format", choices=("json", "text"), default="json")
    e.set_defaults(func=cmd_evaluate)

    for name, help_text in (("letter", "write the letter for a case (vedtaksbrev, or a request for "
                                       "what is missing)"),
                            ("explain", "explain a case condition by condition, in plain language")):
        x = sub.add_parser(name, help=help_text)
        x.add_argument("benefit")
        x.add_argument("--facts", required=True, help="a JSON file of facts, or - for stdin")
        x.add_argument("--date", required=True, help="the prøvingsdato, YYYY-MM-DD")
        x.add_argument("--rules", default=None, help="rule folder (default: the rules that ship)")
        x.add_argument("--språk", "--sprak", dest="language", choices=("nb", "nn"), default="nb",
                       help="bokmål (nb, default) or nynorsk (nn)")
        if name == "letter":
            x.add_argument("--format", choices=("txt", "md", "html"), default="txt")
            x.add_argument("--letter-date", default=None,
                           help="the letter's date, YYYY-MM-DD (default: --date); the klagefrist "
                                "is counted from it")
            x.set_defaults(func=cmd_letter)
        else:
            x.set_defaults(func=cmd_explain)

    c = sub.add_parser("check", help="check rule files and print every diagnostic")
    c.add_argument("path", nargs="?", default=None)
    c.set_defaults(func=cmd_check)

    t = sub.add_parser("test", help="run the examples (*.cases.toml) beside the rules")
    t.add_argument("path", nargs="?", default=None)
    t.add_argument("--verbose", "-v", action="store_true")
    t.add_argument("--coverage", action="store_true",
                   help="report per law paragraph what the examples exercise; fail on a gap")
    t.set_defaults(func=cmd_test)

    f = sub.add_parser("fmt", help="rewrite rule files in the canonical layout")
    f.add_argument("paths", nargs="+")
    f.add_argument("--check", action="store_true", help="only report files that would change (exit 1)")
    f.set_defaults(func=cmd_fmt)

    # Commands in their own modules: each `register(sub)` only declares its arguments; the heavy
    # imports (the ASGI stack, pyarrow, dask) happen when the command runs.
    from . import batchfile, impact, service
    for module in (service, batchfile, impact):
        module.register(sub)
    return p


def _rules_path(arg) -> Path:
    return Path(arg) if arg else PACKAGED_RULES


# -- evaluate

def read_json(source: str):
    """JSON from a file or stdin, numbers as exact Decimal; malformed JSON -> InputError with
    its position."""
    where = "standard input" if source == "-" else source
    try:
        if source == "-":  # JSON is UTF-8 whatever the locale says (RFC 8259)
            raw = getattr(sys.stdin, "buffer", None)
            text = raw.read().decode("utf-8") if raw is not None else sys.stdin.read()
        else:
            text = Path(source).read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {where}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{where} is not UTF-8 text") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON in {where} at line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def cmd_evaluate(args) -> int:
    from .evaluator import evaluate, parse_date
    from .jsonout import dumps
    from .textout import render

    data = read_json(args.facts)
    date = parse_date(args.date) if args.date else None
    rules = load_rules(_rules_path(args.rules))
    if args.benefit not in rules.compiled:  # here too: an empty list must not pass unchecked
        raise UnknownBenefitError(f"unknown benefit '{args.benefit}'; the benefits are: "
                                  + ", ".join(rules.benefits))
    if isinstance(data, list):
        return _evaluate_list(args, rules, data, date)
    if date is None:
        raise InputError("--date YYYY-MM-DD is required")
    d = evaluate(rules, args.benefit, data, date)
    sys.stdout.write(render(d) if args.format == "text" else d.to_json() + "\n")
    return 0


def _evaluate_list(args, rules, data: list, date) -> int:
    """The list-of-cases form: every case is checked first, then evaluated (on every core for a
    long list) and the decisions are written only when all succeeded: never half an answer."""
    from .batch import decide_list, list_cases
    from .evaluator import evaluate
    from .textout import render

    if args.benefit not in rules.compiled:
        evaluate(rules, args.benefit, {}, date or "2000-01-01")  # raises UnknownBenefitError
    items = list_cases(data, date, no_date=" and no --date was given")
    if args.format == "text":
        out = [render(evaluate(rules, args.benefit, it["facts"], it["date"])) for it in items]
        sys.stdout.write("\n".join(out))
        return 0
    sys.stdout.write(decide_list(rules, args.benefit, items, workers=1 if len(items) < 2000 else None))
    return 0


# -- letter, explain

def _one_case(args):
    """The rules, the decision and the facts of a `letter` / `explain` command (one case)."""
    from .evaluator import evaluate, parse_date

    data = read_json(args.facts)
    if not isinstance(data, dict):
        raise InputError(f"{args.command} takes the facts of one case: a JSON object of "
                         f"name -> value")
    on = parse_date(args.date)
    rules = load_rules(_rules_path(args.rules))
    if args.benefit not in rules.compiled:
        raise UnknownBenefitError(f"unknown benefit '{args.benefit}'; the benefits are: "
                                  + ", ".join(rules.benefits))
    return rules, evaluate(rules, args.benefit, data, on), data


def cmd_letter(args) -> int:
    from explain import render_letter

    rules, decision, facts = _one_case(args)
    letter_date = args.letter_date
    if letter_date is not None:
        from .evaluator import parse_date
        letter_date = parse_date(letter_date)
    sys.stdout.write(render_letter(rules, decision, args.format, args.language, letter_date, facts))
    return 0


def cmd_explain(args) -> int:
    from explain import render_explanation

    rules, decision, facts = _one_case(args)
    sys.stdout.write(render_explanation(rules, decision, args.language, facts))
    return 0


# -- check

def cmd_check(args) -> int:
    path = _rules_path(args.path)
    sources = read_sources(path)
    try:
        rules = load_sources(sources, root=str(path), require_texts=True)
    except RuleSyntaxError as exc:
        print(render_all(exc.diagnostics, exc.sources), file=sys.stderr)
        print(f"{len(exc.diagnostics)} error(s)", file=sys.stderr)
        return 2
    except RulelangError as exc:
        diags = getattr(exc, "diagnostics", None)
        if diags is None:
            raise
        print(render_all(diags, exc.sources), file=sys.stderr)
        errors = sum(1 for d in diags if d.severity.value == "error")
        print(f"{errors} error(s), {len(diags) - errors} warning(s)", file=sys.stderr)
        return 2
    if rules.warnings:
        print(render_all(rules.warnings, sources), file=sys.stderr)
    print(f"ok: {len(sources)} files, {len(rules.benefits)} benefits "
          f"({', '.join(rules.benefits)}), {len(rules.warnings)} warning(s)")
    return 0


# -- test

def cmd_test(args) -> int:
    from .cases import load_cases, run_case

    path = _rules_path(args.path)
    rules = load_rules(path if path.is_dir() else path.parent)
    cases = load_cases(path)
    coverage = None
    if args.coverage:
        from .coverage import Coverage
        coverage = Coverage(rules)
    passed = failed = 0
    for case in cases:
        errors = run_case(rules, case, coverage.record if coverage else None)
        label = f"{Path(case.file).name}: {case.name}"
        if errors:
            failed += 1
            print(f"FAIL {label}")
            for e in errors:
                print(f"     - {e}")
        else:
            passed += 1
            if args.verbose:
                print(f"ok   {label}")
    complete = True
    if coverage is not None:
        text, complete = coverage.report()
        print(text)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 and complete else 1


# -- fmt

def cmd_fmt(args) -> int:
    from .builder import build
    from .loader import rule_files
    from .parser import parse_with_comments
    from .printer import format_module

    changed = []
    results = {}
    for arg in args.paths:
        for p in rule_files(Path(arg)):
            text = p.read_text("utf-8")
            tree, comments = parse_with_comments(text, str(p))
            new = format_module(build(tree, str(p), text), comments)
            if new != text:
                changed.append(p)
                results[p] = new
    if args.check:
        for p in changed:
            print(f"would reformat {p}")
        return 1 if changed else 0
    for p, new in results.items():
        # write beside, then rename: a file is never left half-written
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new)
        os.replace(tmp, p)
        print(f"reformatted {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
