"""`rulelang impact`: a caseload through two rule sets, and what the change changes.

Fixtures (tests/impact/make_fixtures.py writes the rule folders into a temporary folder for this
module; only the caseload is kept in tests/impact/): `minsteinntekt_2g/` is rules/
with dagpenger's minsteinntekt over 12 months raised from 1,5 G to 2 G; `g_2026/` is rules/ with
G from 1 May 2026 at 140 000 kr instead of 136 549 kr; `dagpenger_2025.jsonl` is 500
applications from 2025 (two with bad facts). Every figure of a report is checked against
`evaluate`, case by case.
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from rulelang import RulelangError, evaluate, load_rules
from rulelang import impact
from rulelang.caseio import iter_cases
from rulelang.cli import main
from rulelang.jsonout import dumps

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
HERE = Path(__file__).resolve().parent / "impact"
VARIANTS = Path(tempfile.mkdtemp(prefix="rulelang-impact-"))  # filled by the fixture below
RAISED = VARIANTS / "minsteinntekt_2g"
NEW_G = VARIANTS / "g_2026"
CASELOAD = HERE / "dagpenger_2025.jsonl"
SHARED_CASES = ROOT.parent / "shared" / "cases"

G_2025, G_2026_OLD, G_2026_NEW = Decimal(130_160), Decimal(136_549), Decimal(140_000)

_SCRIPT = Path(sys.executable).with_name("rulelang")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rulelang"]


def read_caseload(path=CASELOAD) -> list[dict]:
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]


def moved_to(cases: list[dict], date: str) -> list[dict]:
    return [dict(c, date=date) for c in cases]


def _make_fixtures():
    spec = importlib.util.spec_from_file_location("make_fixtures", HERE / "make_fixtures.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    return make


@pytest.fixture(scope="module", autouse=True)
def variants():
    """The variant rule folders, written from rules/ for this module and removed after it."""
    make = _make_fixtures()
    for name in make.VARIANTS:
        make.write_variant(name, VARIANTS)
    yield VARIANTS
    shutil.rmtree(VARIANTS, ignore_errors=True)


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


@pytest.fixture(scope="module")
def raised():
    return load_rules(RAISED)


@pytest.fixture(scope="module")
def new_g():
    return load_rules(NEW_G)


def run(old, new, cases, **kw):
    """compare() and the change lines it hands out, parsed."""
    lines = []
    report = impact.compare(old, new, "dagpenger", cases, on_change=lines.append, **kw)
    return report, [json.loads(x, parse_float=Decimal) for x in lines]


def decide(rules, case):
    """evaluate() as the reference: (outcome, statuses, known amounts), or None for an error."""
    try:
        d = evaluate(rules, "dagpenger", case["facts"], case["date"])
    except RulelangError:
        return None
    return d.outcome, {c.id: c.status for c in d.conditions}, {
        a.id: a.value for a in d.amounts if a.value is not None}


def tree(tmp_path, name: str, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """A copy of rules/ with each (old, new) text of `edits[file]` replaced (once)."""
    target = tmp_path / name
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.cases.toml"))
    for file, changes in edits.items():
        path = target / file
        text = path.read_text("utf-8")
        for old, new in changes:
            assert text.count(old) == 1, f"{old!r} should occur once in {file}"
            text = text.replace(old, new)
        path.write_text(text, "utf-8")
    return target


# -- the fixtures are rules/ with one line changed

def test_the_variant_rule_folders_are_rules_with_one_line_changed():
    make = _make_fixtures()
    src = {p.relative_to(RULES).as_posix() for p in RULES.rglob("*.regel")}
    for name in make.VARIANTS:
        dst = {p.relative_to(VARIANTS / name).as_posix() for p in (VARIANTS / name).rglob("*.regel")}
        assert src == dst, name
        diff = [(a, b) for rel in sorted(src)
                for a, b in zip((RULES / rel).read_text("utf-8").split("\n"),
                                (VARIANTS / name / rel).read_text("utf-8").split("\n")) if a != b]
        assert diff == [make.VARIANTS[name][1:]], name


# -- the fast verdicts are evaluate's

def _reference_cases():
    yield from (("dagpenger", c) for c in read_caseload())
    yield from (("dagpenger", c) for c in moved_to(read_caseload()[:100], "2026-06-01"))
    for path in sorted(SHARED_CASES.glob("*.json")) if SHARED_CASES.is_dir() else []:
        for c in json.loads(path.read_text("utf-8"), parse_float=Decimal):
            yield c["benefit"], c


@pytest.mark.parametrize("folder", [RULES, RAISED], ids=["rules", "minsteinntekt_2g"])
def test_verdicts_are_the_decisions_of_evaluate(folder):
    rs = load_rules(folder)
    seen = 0
    for benefit, case in _reference_cases():
        side = impact.Side(rs.compiled[benefit], benefit, rs.compiled[benefit])
        got = side.decide(case["facts"], case["date"])
        try:
            d = evaluate(rs, benefit, case["facts"], case["date"])
        except RulelangError as exc:
            assert got == impact.Failure(str(exc), exc.exit_code), case.get("id")
            continue
        assert got == impact.Verdict(d.outcome, {c.id: c.status for c in d.conditions},
                                     {a.id: a.value for a in d.amounts}), case.get("id")
        seen += 1
    assert seen > 500


# -- what a change changes

def test_identical_rule_sets_change_nothing(rules):
    report, lines = run(rules, rules, read_caseload())
    assert report["cases"] == 500 and report["decided"] == 498
    assert report["changed"] == report["outcome_changed"] == 0 and report["transitions"] == []
    assert all(n == 0 for a, row in report["outcomes"].items() for b, n in row.items() if a != b)
    assert all(c["changed"] == 0 for c in report["conditions"])
    for a in report["amounts"]:
        assert a["old"] == a["new"] and a["difference"] == 0 and a["changed"]["cases"] == 0
    assert report["errors"]["both"] == 2
    assert [x["id"] for x in lines] == ["dp-0137", "dp-0402"]  # only the errors


def test_a_raised_threshold_denies_exactly_the_cases_between_the_old_and_the_new(rules, raised):
    cases = read_caseload()
    report, lines = run(rules, raised, cases)
    between = set()
    for case in cases:
        f, old = case["facts"], decide(rules, case)
        a12, a36 = f.get("arbeidsinntekt_siste_12_mnd"), f.get("arbeidsinntekt_siste_36_mnd")
        if (old and old[0] == "granted" and a36 is not None and f.get("avtjent_verneplikt") is False
                and Decimal("1.5") * G_2025 <= a12 < 2 * G_2025 and a36 < 3 * G_2025):
            between.add(case["id"])
    denied = {x["id"] for x in lines if (x["old"], x["new"]) == ("granted", "denied")}
    assert len(between) >= 10 and denied == between
    assert report["outcomes"]["granted"]["denied"] == len(between)
    # attributed to minsteinntekt, and only to it
    assert all(x["conditions"] == {"minsteinntekt": ["met", "not_met"]}
               for x in lines if x["id"] in denied)
    changed = {c["id"]: c for c in report["conditions"] if c["changed"]}
    assert list(changed) == ["minsteinntekt"]
    assert changed["minsteinntekt"]["outcome_changed"] == report["outcome_changed"] > len(between)
    assert {"old": "met", "new": "not_met"}.items() <= changed["minsteinntekt"]["transitions"][0].items()
    # nobody gains from a stricter rule
    assert all(report["outcomes"][a]["granted"] == 0 for a in ("denied", "undetermined"))


@pytest.mark.parametrize("variant,date", [("raised", None), ("new_g", "2026-06-01")])
def test_amount_totals_are_the_sums_of_the_differences_case_by_case(variant, date, rules, request):
    other = request.getfixturevalue(variant)
    cases = read_caseload() if date is None else moved_to(read_caseload(), date)
    report, _ = run(rules, other, cases)
    sums = {}
    for case in cases:
        a, b = decide(rules, case), decide(other, case)
        if a is None or b is None:
            continue
        for aid in set(a[2]) | set(b[2]):
            s = sums.setdefault(aid, {"old": Decimal(0), "new": Decimal(0), "deltas": [],
                                      "appeared": Decimal(0), "disappeared": Decimal(0)})
            va, vb = a[2].get(aid), b[2].get(aid)
            s["old"] += va or 0
            s["new"] += vb or 0
            if va is not None and vb is not None and va != vb:
                s["deltas"].append(vb - va)
            elif va is None and vb is not None:
                s["appeared"] += vb
            elif vb is None and va is not None:
                s["disappeared"] += va
    assert any(s["deltas"] or s["disappeared"] for s in sums.values())
    for amount in report["amounts"]:
        s = sums[amount["id"]]
        assert (amount["old"]["sum"], amount["new"]["sum"]) == (s["old"], s["new"])
        assert amount["difference"] == s["new"] - s["old"] == (
            amount["changed"]["sum"] + amount["appeared"]["sum"] - amount["disappeared"]["sum"])
        assert amount["changed"]["cases"] == len(s["deltas"])
        assert (amount["appeared"]["sum"], amount["disappeared"]["sum"]) == (s["appeared"], s["disappeared"])
        if s["deltas"]:
            mean = (sum(s["deltas"]) / len(s["deltas"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert amount["changed"]["mean"] == mean
            assert amount["changed"]["median"] == statistics.median(s["deltas"])
        else:
            assert amount["changed"]["mean"] is amount["changed"]["median"] is None


def test_a_new_g_changes_amounts_but_not_outcomes_far_from_the_thresholds(rules, new_g):
    def far(case) -> bool:
        f = case["facts"]
        incomes = [f.get("arbeidsinntekt_siste_12_mnd"), f.get("arbeidsinntekt_siste_36_mnd")]
        if None in incomes:
            return True
        a12, a36 = (Decimal(x) for x in incomes)
        near = [(a12, Decimal("1.5")), (a12, 2), (a36, 3), (a36 / 3, 2)]
        return all(abs(x - k * G_2026_OLD) > k * G_2026_OLD / 10 for x, k in near)

    cases = [c for c in moved_to(read_caseload(), "2026-06-01") if far(c)]
    report, lines = run(rules, new_g, cases, examples=1000)
    assert len(cases) > 300
    assert report["outcome_changed"] == 0 and report["transitions"] == []
    assert all(c["changed"] == 0 for c in report["conditions"])
    grunnlag = {a["id"]: a for a in report["amounts"]}["dagpengegrunnlag"]
    assert grunnlag["changed"]["cases"] > 20 and grunnlag["difference"] > 0
    capped = 6 * (G_2026_NEW - G_2026_OLD)  # 6 G for both: the grunnlag rises by 6 × 3 451
    assert grunnlag["changed"]["median"] == capped
    for x in lines:
        f = x.get("amounts", {}).get("dagpengegrunnlag")
        if f is None:
            continue
        case = next(c for c in cases if c["id"] == x["id"])["facts"]
        top = max(Decimal(case["arbeidsinntekt_siste_12_mnd"]),
                  Decimal(case["arbeidsinntekt_siste_36_mnd"]) / 3)
        assert top > 6 * G_2026_OLD or case.get("avtjent_verneplikt"), x
        if top >= 6 * G_2026_NEW:
            assert f["change"] == capped


# -- errors are counted, never dropped

def test_cases_that_fail_under_one_rule_set_are_counted_for_that_side(tmp_path, rules):
    short_g = load_rules(tree(tmp_path, "short_g", {"folketrygd/grunnbelop.regel": [
        ("fra 1. mai 2026 til 30. april 2027", "fra 1. mai 2026 til 31. mai 2026")]}))
    cases = moved_to(read_caseload()[:40], "2026-06-15")
    report, lines = run(rules, short_g, cases)
    assert report["cases"] == 40 and report["decided"] == 0
    assert report["errors"] == {"old_only": 0, "new_only": 40, "both": 0,
                                "examples": report["errors"]["examples"]}
    assert sum(report["outcomes"][a]["error"] for a in impact.OUTCOMES) == 40
    assert len(report["errors"]["examples"]) == 3
    assert len(lines) == 40 and all(set(x["errors"]) == {"new"} for x in lines)
    assert all(x["new"] == "error" and x["old"] != "error" for x in lines)


def reform_tree(tmp_path) -> Path:
    """rules/ with dagpenger's vilkår registrert_som_arbeidssøker replaced by a new vilkår on
    a new fact, permittert_lenge."""
    return tree(tmp_path, "reform", {"folketrygd/dagpenger.regel": [
        ('  antall_barn: heltall "Antall barn du forsørger" nynorsk "Talet på barn du forsørgjer"\n',
         '  antall_barn: heltall "Antall barn du forsørger" nynorsk "Talet på barn du forsørgjer"\n'
         '  permittert_lenge: ja/nei "Du har vært permittert lenge" nynorsk "Du har vore permittert lenge"\n'),
        ('vilkår registrert_som_arbeidssøker "Registrert som arbeidssøker" nynorsk "Registrert som '
         'arbeidssøkjar" (§ 4-8)\n  registrert_som_arbeidssøker\n',
         'vilkår kort_permittering "Kort permittering" nynorsk "Kort permittering" (§ 4-8)\n'
         '  ikke permittert_lenge\n')]})


def test_new_and_removed_conditions_and_a_new_fact(tmp_path, rules):
    folder = reform_tree(tmp_path)
    reform = load_rules(folder)
    base = read_caseload()[0]
    assert decide(rules, base)[0] == "granted"
    variants = [{}, {"permittert_lenge": True}, {"permittert_lenge": False},
                {"registrert_som_arbeidssøker": False, "permittert_lenge": False},
                {"ukjent_opplysning": 1}]
    cases = [{"id": i, "date": base["date"], "facts": {**base["facts"], **v}}
             for i, v in enumerate(variants)]
    report, lines = run(rules, reform, cases)
    conditions = {c["id"]: c for c in report["conditions"]}
    removed, added = conditions["registrert_som_arbeidssøker"], conditions["kort_permittering"]
    assert (removed["in_old"], removed["in_new"], added["in_old"], added["in_new"]) == (True, False, False, True)
    assert [(t["old"], t["new"], t["examples"]) for t in removed["transitions"]] == [
        ("met", "absent", [0, 1, 2]), ("not_met", "absent", [3])]
    assert [(t["old"], t["new"], t["examples"]) for t in added["transitions"]] == [
        ("absent", "met", [2, 3]), ("absent", "not_met", [1]), ("absent", "unknown", [0])]
    assert {x["id"]: (x["old"], x["new"]) for x in lines} == {
        0: ("granted", "undetermined"), 1: ("granted", "denied"), 2: ("granted", "granted"),
        3: ("denied", "granted"), 4: ("error", "error")}
    assert report["errors"]["both"] == 1  # a fact neither rule set knows


# -- input

def test_a_csv_caseload_may_have_the_facts_of_either_rule_set(capsys, tmp_path):
    import csv
    folder = reform_tree(tmp_path)
    base = read_caseload()[0]
    names = [*base["facts"], "permittert_lenge"]
    path = tmp_path / "cases.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "date", *names])
        for i, permitted in enumerate(["true", "false", ""]):
            facts = {**base["facts"], "permittert_lenge": permitted}
            out.writerow([f"c{i}", base["date"], *(str(facts[n]).lower() for n in names)])
    code, out, err = cli(capsys, "--new", folder, "--input", path, "--format", "json")
    report = json.loads(out)
    assert code == 0 and err == "" and report["decided"] == 3
    assert [(t["old"], t["new"], t["examples"]) for t in report["transitions"]] == [
        ("granted", "denied", ["c0"]), ("granted", "undetermined", ["c2"])]


def test_rows_without_an_id_get_their_row_number_and_the_default_date(tmp_path, rules, raised):
    cases = [{"facts": c["facts"]} for c in read_caseload()[:100]]
    path = tmp_path / "cases.json"
    path.write_text(dumps(cases), "utf-8")
    for source, on in ((iter_cases(path, None, "2025-06-02"), None), (cases, "2025-06-02")):
        report, lines = run(rules, raised, source, on=on, examples=100)
        assert report["cases"] == 100 and report["decided"] == 100
        ids = [i for t in report["transitions"] for i in t["examples"]]
        assert ids and all(isinstance(i, int) and 1 <= i <= 100 for i in ids)
        assert ids == sorted(x["id"] for x in lines if x["old"] != x["new"])


def test_rows_that_cannot_be_read_are_errors_under_both_rule_sets(capsys, tmp_path):
    path = tmp_path / "cases.jsonl"
    good = dumps(read_caseload()[0], indent=None)
    path.write_text("\n".join([good, '{"id": "x", "date": "2025-06-02", "facts":', "[1, 2]",
                                '{"id": "udatert", "facts": {}}', good]) + "\n", "utf-8")
    code, out, err = cli(capsys, "--new", RAISED, "--input", path, "--format", "json",
                         "--output", tmp_path / "changes.jsonl")
    report = json.loads(out)
    assert code == 0 and err == "" and report["cases"] == 5 and report["decided"] == 2
    assert report["errors"]["both"] == 3
    failed = [json.loads(x) for x in (tmp_path / "changes.jsonl").read_text("utf-8").splitlines()]
    assert [x["id"] for x in failed] == [2, 3, "udatert"]
    assert "malformed JSON" in failed[0]["errors"]["old"] and "no date" in failed[2]["errors"]["new"]


def test_median_and_mean_are_exact():
    from collections import Counter
    assert impact._median(Counter({Decimal(1): 1, Decimal(4): 1})) == Decimal("2.5")
    assert impact._median(Counter({Decimal(-3): 2, Decimal(10): 1})) == -3
    assert impact._median(Counter()) is None
    assert impact._mean(Decimal(10), 3) == Decimal("3.33")
    assert impact._mean(Decimal(-5), 2) == Decimal("-2.50")


# -- the command line

def cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["impact", "dagpenger", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_byte_identical_run_to_run_and_on_several_processes(capsys, tmp_path,
                                                                           monkeypatch):
    args = ["--new", RAISED, "--input", CASELOAD, "--format", "json"]
    runs = []
    for i, workers in enumerate(("1", "1", "2")):
        if workers == "2":
            monkeypatch.setattr(impact, "CHUNK", 37)  # many chunks, in two worker processes
        code, out, err = cli(capsys, *args, "--workers", workers, "--output", tmp_path / f"{i}.jsonl")
        assert code == 0 and err == ""
        runs.append((out, (tmp_path / f"{i}.jsonl").read_bytes()))
    assert runs[0] == runs[1] == runs[2]
    report = json.loads(runs[0][0], parse_float=Decimal)
    assert list(report) == ["benefit", "title", "rules", "cases", "decided", "changed",
                            "outcome_changed", "outcomes", "transitions", "conditions", "amounts",
                            "errors"]
    lines = runs[0][1].decode("utf-8").splitlines()
    assert len(lines) == report["changed"] + report["errors"]["both"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_text_output_is_norwegian_and_names_the_condition(capsys):
    code, out, _ = cli(capsys, "--new", RAISED, "--input", CASELOAD, "--examples", "2")
    assert code == 0
    assert out.startswith("Konsekvenser av regelendringen for Dagpenger under arbeidsløshet")
    for text in ("Saker: 500.", "innvilget → avslag", "Krav til minsteinntekt (minsteinntekt; "
                 "folketrygdloven § 4-4 første ledd)", "oppfylt → ikke oppfylt", "Beløp (",
                 "falt bort", "Feil (", "i begge 2", "dp-0137"):
        assert text in out, text


@pytest.mark.parametrize("benefit,new,pattern", [
    ("dagpengar", RAISED, r"unknown benefit 'dagpengar'; the benefits are: .*dagpenger"),
    ("dagpenger", "WITHOUT", r"benefit 'dagpenger' is not in the rules after"),
])
def test_a_benefit_missing_from_a_rule_set_exits_2(capsys, tmp_path, benefit, new, pattern):
    if new == "WITHOUT":
        new = tree(tmp_path, "without", {})
        (new / "folketrygd" / "dagpenger.regel").unlink()
    code = main(["impact", benefit, "--new", str(new), "--input", str(CASELOAD)])
    _, err = capsys.readouterr()
    assert code == 2
    assert re.search(pattern, err), err


def test_rules_that_do_not_check_exit_2_with_diagnostics(capsys, tmp_path):
    broken = tree(tmp_path, "broken", {"folketrygd/dagpenger.regel": [
        (">= 1,5 G eller arbeidsinntekt_siste_36_mnd", ">= 1,5 G eller arbeidsinntekt_siste_36_mnd +")]})
    code, out, err = cli(capsys, "--new", broken, "--input", CASELOAD)
    assert code == 2 and out == ""
    assert "dagpenger.regel:" in err and "error[RL" in err


@pytest.mark.parametrize("name,content,pattern", [
    ("nowhere.jsonl", None, r"no such input file: .*nowhere\.jsonl"),
    ("cases.json", '[{"id": 1, "date": "2025-06-02", "facts": {}},\n', r"malformed JSON .* line 2"),
    ("cases.json", '{"id": 1}', r"JSON array"),
    ("cases.txt", "", r"cannot tell the format"),
])
def test_bad_input_exits_2_and_leaves_no_output_file(capsys, tmp_path, name, content, pattern):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, "utf-8")
    out_file = tmp_path / "changes.jsonl"
    code, out, err = cli(capsys, "--new", RAISED, "--input", path, "--output", out_file)
    assert code == 2 and out == ""
    assert re.search(pattern, err), err
    assert not out_file.exists() and not list(tmp_path.glob(".*.tmp"))


def test_bad_options_exit_2(capsys):
    for bad in (["--workers", "0"], ["--examples", "-1"], ["--date", "2025-02-30"]):
        try:
            code = main(["impact", "dagpenger", "--new", str(RAISED), "--input", str(CASELOAD), *bad])
        except SystemExit as exc:  # argparse
            code = exc.code
        capsys.readouterr()
        assert code == 2, bad


def test_the_console_script_runs_the_readme_example():
    proc = subprocess.run([*COMMAND, "impact", "dagpenger", "--old", "rules", "--new",
                           str(RAISED), "--input", "tests/impact/dagpenger_2025.jsonl"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "" and "Traceback" not in proc.stdout
    assert f"Regler etter: {RAISED}" in proc.stdout
