"""The command line as a caseworker system meets it: the real `rulelang` console script, run as a
subprocess. Exit codes and messages follow CONTRACT.md ("Bad input"): 0 done, 2 bad input, 1 an
internal failure in one line; never a Python traceback, never a partial decision on stdout.

Messages are matched by code and regex, not by exact prose (GUIDE §4.11.1).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
_SCRIPT = Path(sys.executable).with_name("rulelang")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rulelang"]

# A dagpenger case that is granted on 2025-06-02 (G = 130 160).
FACTS = {
    "fødselsdato": "1985-06-02",
    "arbeidsinntekt_siste_12_mnd": 400000,
    "arbeidsinntekt_siste_36_mnd": 900000,
    "vanlig_arbeidstid": 37.5,
    "ny_arbeidstid": 0,
    "oppholder_seg_i_norge": True,
    "reell_arbeidssøker": True,
    "registrert_som_arbeidssøker": True,
    "avtjent_verneplikt": False,
    "permittert_fra_fiskeindustrien": False,
    "antall_barn": 2,
}

# One prosent fact: dagpenger has none. The track is declared here so the tree stands alone.
PROSENT_RULES = """\
ytelse mini "Liten ytelse"
  lov folketrygdloven kapittel 8
  klagespor folketrygd

opplysninger
  sykmeldingsgrad: prosent "Sykmeldingsgraden din"

vilkår gradering "Gradering" (§ 8-13)
  sykmeldingsgrad >= 20 %

klagespor folketrygd "Klage etter folketrygdloven"
  klage til klageinstans "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)
"""

HEADER = re.compile(r"^(?P<file>\S+\.regel):(?P<line>\d+):(?P<col>\d+): "
                    r"error\[(?P<code>RL\d{3})\]: (?P<message>.+)$", re.M)


def rulelang(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the console script from the repository root; no run may show a traceback."""
    proc = subprocess.run([*COMMAND, *map(str, args)], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout
    return proc


def evaluate(facts, *extra, benefit="dagpenger", date="2025-06-02") -> subprocess.CompletedProcess:
    args = ["evaluate", benefit, "--facts", "-", *extra]
    if date is not None:
        args += ["--date", date]
    return rulelang(*args, stdin=facts if isinstance(facts, str) else json.dumps(facts))


def one_line(proc) -> str:
    """The stderr of a failed run: exactly one line."""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def broken_tree(tmp_path):
    """A copy of the shipped rules; `break_(file, old, new)` edits one spot of it."""
    tree = tmp_path / "rules"
    shutil.copytree(RULES, tree, ignore=shutil.ignore_patterns("*.cases.toml"))

    def break_(file: str, old: str, new: str) -> Path:
        path = tree / file
        text = path.read_text("utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {file}"
        path.write_text(text.replace(old, new), "utf-8")
        return path

    break_.tree = tree
    return break_


def diagnostics(stderr: str, path: Path) -> list[dict]:
    """Each `file:line:col: error[CODE]: message` of `path`, checked to be followed by its source
    line and a caret under the column it names."""
    source = path.read_text("utf-8").splitlines()
    out = []
    lines = stderr.splitlines()
    for i, text in enumerate(lines):
        m = HEADER.match(text)
        if not m or Path(m["file"]).name != path.name:
            continue
        line, col = int(m["line"]), int(m["col"])
        gutter = len(str(line)) + 1
        assert lines[i + 2] == f"{line} | {source[line - 1]}", stderr
        caret = lines[i + 3]
        assert caret.startswith(" " * gutter + "| "), stderr
        assert re.fullmatch(r" *\^+", caret[gutter + 2:]), stderr
        assert caret.index("^") - (gutter + 2) == col - 1, f"caret not under column {col}:\n{stderr}"
        out.append({"line": line, "col": col, "code": m["code"], "message": m["message"],
                    "block": "\n".join(lines[i:i + 6])})
    return out


# -- rule files with errors

def test_syntax_error_in_a_rule_file(broken_tree):
    path = broken_tree("folketrygd/grunnbelop.regel", "fra 1. mai 2003: 56 861 kr",
                       "fra 1. mai 2003 56 861 kr")
    check = rulelang("check", broken_tree.tree)
    run = evaluate(FACTS, "--rules", broken_tree.tree)
    assert run.stdout == ""  # nothing evaluated
    for proc in (check, run):
        assert proc.returncode == 2
        [diag] = diagnostics(proc.stderr, path)
        assert diag["code"].startswith("RL1")
        assert "56 861" in path.read_text("utf-8").splitlines()[diag["line"] - 1]


def test_type_error_in_a_rule_file(broken_tree):
    path = broken_tree("folketrygd/dagpenger.regel", "\n  registrert_som_arbeidssøker\n",
                       "\n  registrert_som_arbeidssøker og antall_barn\n")
    proc = evaluate(FACTS, "--rules", broken_tree.tree)
    assert proc.returncode == 2
    assert proc.stdout == ""  # nothing evaluated
    [diag] = diagnostics(proc.stderr, path)
    assert diag["code"].startswith("RL3")
    assert "ja/nei" in diag["message"]


def test_misspelt_name_gets_a_did_you_mean(broken_tree):
    path = broken_tree("folketrygd/dagpenger.regel", "\n  oppholder_seg_i_norge\n",
                       "\n  oppholder_seg_i_norg\n")
    proc = rulelang("check", broken_tree.tree)
    assert proc.returncode == 2
    [diag] = diagnostics(proc.stderr, path)
    assert diag["code"].startswith("RL2")
    assert "oppholder_seg_i_norg'" in diag["message"]
    assert re.search(r"= hint: did you mean 'oppholder_seg_i_norge'", diag["block"])


def test_check_reports_every_error(broken_tree):
    """Two mistakes in two places: both are reported, not only the first."""
    path = broken_tree("folketrygd/dagpenger.regel", "\n  oppholder_seg_i_norge\n",
                       "\n  oppholder_seg_i_norg\n")
    broken_tree("folketrygd/dagpenger.regel", "\n  registrert_som_arbeidssøker\n",
                "\n  registrert_som_arbeidssøker og antall_barn\n")
    proc = rulelang("check", broken_tree.tree)
    assert proc.returncode == 2
    codes = sorted(d["code"][:3] for d in diagnostics(proc.stderr, path))
    assert codes == ["RL2", "RL3"], proc.stderr


def test_check_reports_a_syntax_error_in_each_file(broken_tree):
    a = broken_tree("folketrygd/grunnbelop.regel", "fra 1. mai 2003: 56 861 kr",
                    "fra 1. mai 2003 56 861 kr")
    b = broken_tree("folketrygd/klagespor.regel", "innen 6 uker (folketrygdloven § 21-12)\n  anke",
                    "innen 6 (folketrygdloven § 21-12)\n  anke")
    proc = rulelang("check", broken_tree.tree)
    assert proc.returncode == 2
    assert len(diagnostics(proc.stderr, a)) == 1
    assert len(diagnostics(proc.stderr, b)) == 1


# -- bad input to evaluate

def test_unknown_benefit_lists_the_benefits():
    proc = evaluate(FACTS, benefit="dagpengr")
    assert proc.returncode == 2
    assert proc.stdout == ""
    message = one_line(proc)
    assert "'dagpengr'" in message
    assert re.search(r"benefits.*\bdagpenger\b", message)


def test_unknown_benefit_with_an_empty_list_of_cases():
    proc = evaluate("[]", benefit="dagpengr", date=None)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "'dagpengr'" in one_line(proc)


def test_unknown_fact_names_the_closest_known_one():
    facts = dict(FACTS)
    facts["antal_barn"] = facts.pop("antall_barn")
    proc = evaluate(facts)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert re.search(r"'antal_barn'.*'antall_barn'", one_line(proc))


@pytest.mark.parametrize("fact, value, type_name, shown", [
    ("arbeidsinntekt_siste_12_mnd", "mye", "beløp", "mye"),
    ("arbeidsinntekt_siste_12_mnd", -1, "beløp", "-1"),
    ("fødselsdato", "2025-02-30", "dato", "2025-02-30"),
    ("antall_barn", True, "heltall", "true"),
    ("antall_barn", 2.5, "heltall", "2.5"),
    ("oppholder_seg_i_norge", "ja", "ja/nei", "ja"),
], ids=["text-for-beløp", "negative-beløp", "2025-02-30", "true-for-heltall", "2.5-barn",
        "text-for-ja/nei"])
def test_fact_of_the_wrong_type(fact, value, type_name, shown):
    proc = evaluate({**FACTS, fact: value})
    assert proc.returncode == 2
    assert proc.stdout == ""
    message = one_line(proc)
    assert re.search(rf"'{re.escape(fact)}'.*\b{re.escape(type_name)}\b.*{re.escape(shown)}", message)


def test_a_text_that_is_not_unicode_is_a_bad_fact():
    """JSON may spell a lone surrogate ("\\ud800"); it is no text a decision can carry."""
    proc = evaluate('{"husstand": "enslig\\ud800"}', benefit="økonomisk_stønad", date="2024-06-03")
    assert proc.returncode == 2 and proc.stdout == ""
    assert re.search(r"'husstand'.*\btekst\b.*lone surrogate", one_line(proc))


def test_prosent_over_100(tmp_path):
    (tmp_path / "mini.regel").write_text(PROSENT_RULES, "utf-8")
    ok = evaluate({"sykmeldingsgrad": 100}, "--rules", tmp_path, benefit="mini")
    assert ok.returncode == 0, ok.stderr
    proc = evaluate({"sykmeldingsgrad": 130}, "--rules", tmp_path, benefit="mini")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert re.search(r"'sykmeldingsgrad'.*\bprosent\b.*\b130\b", one_line(proc))


def test_malformed_json_gives_its_position():
    proc = evaluate('{"antall_barn": 2,\n  "ny_arbeidstid": }')
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert re.search(r"\bline 2\b.*\bcolumn 20\b", one_line(proc))


def test_facts_and_output_are_utf8_whatever_the_locale():
    """JSON is UTF-8 (RFC 8259): a Latin-1 locale must neither misread 'fødselsdato' on stdin
    nor fail to write '–' on stdout."""
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    for fmt in ("json", "text"):
        proc = subprocess.run([*COMMAND, "evaluate", "dagpenger", "--facts", "-", "--date",
                               "2025-06-02", "--format", fmt],
                              input=json.dumps(FACTS, ensure_ascii=False).encode("utf-8"),
                              capture_output=True, cwd=ROOT, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        out = proc.stdout.decode("utf-8")
        assert "arbeidsløshet" in out
        if fmt == "json":
            assert json.loads(out)["outcome"] == "granted"


def test_facts_that_are_not_utf8():
    proc = subprocess.run([*COMMAND, "evaluate", "dagpenger", "--facts", "-", "--date", "2025-06-02"],
                          input='{"fødselsdato": "1985-06-02"}'.encode("latin-1"),
                          capture_output=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"UTF-8" in proc.stderr and b"Traceback" not in proc.stderr


def test_missing_date():
    proc = evaluate(FACTS, date=None)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "--date" in one_line(proc)


def test_impossible_date():
    proc = evaluate(FACTS, date="2025-02-30")
    assert proc.returncode == 2
    assert "2025-02-30" in one_line(proc)


def test_internal_failure_is_one_line_and_no_decision():
    """1999-01-01 has no G in the rules: the engine cannot finish, and says why."""
    proc = evaluate(FACTS, date="1999-01-01")
    assert proc.returncode == 1
    assert proc.stdout == ""
    message = one_line(proc)
    assert re.search(r"\bsats 'G'", message)
    assert "1999-01-01" in message


# -- a list of cases

def _list_of_cases():
    return [
        {"id": "innvilget", "date": "2025-06-02", "facts": FACTS},
        {"id": "korona", "date": "2021-06-01", "facts": {**FACTS, "arbeidsinntekt_siste_12_mnd": 100000}},
        {"id": "avslag", "date": "2025-06-02", "facts": {**FACTS, "oppholder_seg_i_norge": False}},
        {"id": "ukjent", "date": "2024-03-01", "facts": {**FACTS, "reell_arbeidssøker": None}},
    ]


def test_list_of_cases_gives_the_single_decisions_in_order():
    cases = _list_of_cases()
    proc = evaluate(cases, date=None)
    assert proc.returncode == 0, proc.stderr
    decisions = json.loads(proc.stdout, parse_float=Decimal)
    assert [d["id"] for d in decisions] == [c["id"] for c in cases]
    assert [d["outcome"] for d in decisions] == ["granted", "granted", "denied", "undetermined"]
    for case, decision in zip(cases, decisions):
        assert next(iter(decision)) == "id"
        single = evaluate(case["facts"], date=case["date"])
        assert single.returncode == 0
        assert decision == {"id": case["id"], **json.loads(single.stdout, parse_float=Decimal)}


def test_a_bad_case_in_a_list_prints_nothing():
    cases = _list_of_cases()
    cases[2]["facts"] = {**FACTS, "antall_barn": 2.5}
    proc = evaluate(cases, date=None)
    assert proc.returncode == 2
    assert proc.stdout == ""
    message = one_line(proc)
    assert "avslag" in message and "'antall_barn'" in message


def test_an_internal_failure_in_a_list_prints_nothing():
    cases = _list_of_cases()
    cases[1]["date"] = "1999-06-01"
    proc = evaluate(cases, date=None)
    assert proc.returncode == 1
    assert proc.stdout == ""
    one_line(proc)


def test_a_case_in_a_list_without_a_date():
    cases = _list_of_cases()
    del cases[1]["date"]
    proc = evaluate(cases, date=None)
    assert proc.returncode == 2
    assert proc.stdout == ""
    one_line(proc)


@pytest.mark.parametrize("facts", [FACTS, _list_of_cases()], ids=["single", "list"])
def test_same_input_gives_byte_identical_output(facts):
    first = evaluate(facts, date="2025-06-02")
    second = evaluate(facts, date="2025-06-02")
    assert first.returncode == 0
    assert first.stdout.encode() == second.stdout.encode()


@pytest.mark.parametrize("change, word", [
    ({}, "INNVILGET"),
    ({"oppholder_seg_i_norge": False}, "AVSLAG"),
    ({"reell_arbeidssøker": None}, "IKKE AVGJORT"),
])
def test_text_format_says_the_outcome(change, word):
    proc = evaluate({**FACTS, **change}, "--format", "text")
    assert proc.returncode == 0, proc.stderr
    assert re.search(rf"\b{word}\b", proc.stdout)
    others = {"INNVILGET", "AVSLAG", "IKKE AVGJORT"} - {word}
    assert not any(re.search(rf"\b{w}\b", proc.stdout) for w in others)


# -- check, fmt and test on the shipped rules

def test_check_accepts_the_shipped_rules():
    proc = rulelang("check", "rules")
    assert proc.returncode == 0, proc.stderr
    assert "error" not in proc.stderr


def test_shipped_rules_are_formatted():
    proc = rulelang("fmt", "--check", "rules")
    assert proc.returncode == 0, proc.stdout


def test_examples_beside_the_rules_pass():
    proc = rulelang("test", "rules")
    assert proc.returncode == 0, proc.stdout
    m = re.search(r"^(\d+) passed, 0 failed$", proc.stdout, re.M)
    assert m and int(m[1]) > 0, proc.stdout
