"""`rulelang batch`: caseload files in, one result row per case out, in order, resumable.

* Every input format (JSON Lines, JSON, CSV, Parquet dataset) into every output format (JSON
  Lines, CSV, Parquet) gives, row for row, what `evaluate` gives for the case: the decision, or
  the error with its exit code. Cases are the realistic ones (/work/shared/cases, or the
  examples beside the rules) and Hypothesis variations of them, for every benefit.
* A row that cannot be read or decided carries its error; the others are decided; exit 3.
* A batch killed halfway (SIGKILL of the process group) and run again gives a file
  byte-identical to an uninterrupted run; a changed input or argument refuses to resume.
* Whole-file problems exit 2 before anything is written.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rulelang import caseio, evaluate, load_rules
from rulelang.batchfile import TextSink, run_batch
from rulelang.cases import load_cases
from rulelang.errors import InputError, RulelangError
from rulelang.jsonout import dumps, plain_number

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SHARED_CASES = ROOT.parent / "shared" / "cases"
_SCRIPT = Path(sys.executable).with_name("rulelang")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rulelang"]
OUTPUTS = ("jsonl", "csv", "parquet")
INPUTS = ("jsonl", "json", "csv", "parquet")


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


RULES_ONCE = load_rules(RULES)
BENEFITS = RULES_ONCE.benefits


@functools.cache
def _realistic(benefit: str) -> tuple:
    return tuple(realistic(benefit))


def realistic(benefit: str) -> list[dict]:
    """The benefit's cases: /work/shared/cases when present, and the examples beside the rules."""
    out = []
    for f in sorted(SHARED_CASES.glob("*.json")) if SHARED_CASES.is_dir() else []:
        for c in json.loads(f.read_text("utf-8"), parse_float=Decimal):
            if c.get("benefit") == benefit:
                out.append({"id": c["id"], "date": c["date"], "facts": c["facts"]})
    for c in load_cases(RULES):
        if c.benefit == benefit:
            out.append({"id": f"toml-{len(out)}", "date": c.date.isoformat(), "facts": c.facts})
    return out


# --- writing inputs ---------------------------------------------------------------------------------

def _json_value(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def write_input(path: Path, fmt: str, cases: list[dict], model, row_group_size=3) -> Path:
    """The cases in a file of `fmt` (Parquet: a directory of two files)."""
    if fmt in ("jsonl", "json"):
        items = [{"id": c["id"], "date": c["date"],
                  "facts": {k: _json_value(v) for k, v in c["facts"].items()}} for c in cases]
        if fmt == "json":
            path.write_text(dumps(items), "utf-8")
        else:
            path.write_text("".join(dumps(i, indent=None) + "\n" for i in items), "utf-8")
        return path
    names = list(model.facts)
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "date", *names])
            for i, c in enumerate(cases):
                w.writerow([c["id"], c["date"] or ""]
                           + [csv_text(c["facts"].get(n), i) for n in names])
        return path
    path.mkdir()
    half = (len(cases) + 1) // 2
    for part, chunk in enumerate((cases[:half], cases[half:])):
        columns = {"id": pa.array([c["id"] for c in chunk], pa.string()),
                   "date": pa.array([dt.date.fromisoformat(c["date"]) if c["date"] else None
                                     for c in chunk], pa.date32())}
        for n in names:
            columns[n] = arrow_column([c["facts"].get(n) for c in chunk], model.fact_types[n])
        pq.write_table(pa.table(columns), path / f"part.{part}.parquet",
                       row_group_size=row_group_size)
    return path


def csv_text(v, row: int) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):  # both spellings caseio reads
        return ("true" if v else "false") if row % 2 else ("ja" if v else "nei")
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, (list, tuple)):
        return dumps(list(v), indent=None)
    return str(_json_value(v))


def arrow_column(values, ty):
    """Typed columns: dates, booleans, integers, decimals (beløp), text (other numbers)."""
    kind = ty.name
    if kind == "dato":
        return pa.array([dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values],
                        pa.date32())
    if kind == "ja/nei":
        return pa.array(values, pa.bool_())
    if kind == "heltall":
        return pa.array([None if v is None else int(v) for v in values], pa.int64())
    if kind == "beløp":
        return pa.array([None if v is None else Decimal(v) for v in values], pa.decimal128(20, 2))
    return pa.array([None if v is None else csv_text(v, 1) for v in values], pa.string())


# --- what the output must hold ----------------------------------------------------------------------

def expected(rules, benefit: str, case: dict, default_date=None) -> dict:
    """evaluate() of one case: the decision dict (with "id" first) or the error."""
    facts = {k: _json_value(v) for k, v in case["facts"].items()}
    try:
        d = evaluate(rules, benefit, facts, case["date"] or default_date).to_dict()
    except RulelangError as exc:
        return {"id": case["id"], "error": str(exc), "exit_code": exc.exit_code}
    return {"id": case["id"], "decision": {"id": case["id"], **d}}


def jsonl_rows(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        obj = json.loads(line, parse_float=Decimal)
        if "error" in obj:
            rows.append({"id": obj.get("id"), "error": obj["error"]["message"],
                         "exit_code": obj["error"]["exit_code"]})
        else:
            rows.append({"id": obj.get("id"), "decision": obj})
    return rows


def _amount_text(v):
    return None if v is None else plain_number(Decimal(str(v)))


def flat_expected(want: dict, amount_ids) -> dict:
    """The flat columns the CSV/Parquet output must hold for one row (lists as lists)."""
    if "error" in want:
        return {"outcome": None, "not_met": None, "missing_facts": None, "legal_basis": None,
                "error": want["error"], "exit_code": want["exit_code"], "decision": None,
                **{f"amount_{a}": None for a in amount_ids}}
    d = want["decision"]
    return {"outcome": d["outcome"], "error": None, "exit_code": 0,
            "not_met": [c["id"] for c in d["conditions"] if c["status"] == "not_met"],
            "missing_facts": d["missing_facts"], "legal_basis": d["legal_basis"],
            "decision": dumps(d, indent=None),
            **{f"amount_{a}": _amount_text(d["amounts"].get(a, {}).get("value"))
               for a in amount_ids}}


def flat_rows(path: Path, fmt: str) -> list[dict]:
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    lists = ("not_met", "unknown", "missing_facts", "legal_basis")
    for r in rows:
        failed = r["exit_code"] != "0"
        for k, v in r.items():
            if k in lists:
                r[k] = None if failed else (v.split(";") if v else [])
            elif k == "exit_code":
                r[k] = int(v)
            elif v == "":
                r[k] = None
    return rows


def check_output(rules, benefit, out: Path, fmt: str, wants: list[dict]) -> None:
    """The output holds exactly one row per case, in order, equal to evaluate()."""
    if fmt == "jsonl":
        got = jsonl_rows(out)
        assert len(got) == len(wants)
        for g, w in zip(got, wants):
            if "decision" in w:  # compare as text too: the bytes evaluate's JSON would have
                assert dumps(g["decision"], indent=None) == dumps(w["decision"], indent=None)
            assert g == w
        return
    amount_ids = list(rules.compiled[benefit].model.amounts)
    got = flat_rows(out, fmt)
    assert len(got) == len(wants)
    for g, w in zip(got, wants):
        assert g["id"] == w["id"]
        want = flat_expected(w, amount_ids)
        assert {k: g[k] for k in want} == want
        if "decision" in w:
            assert str(g["date"]) == w["decision"]["date"]


# --- every format, every benefit --------------------------------------------------------------------

def run_all_outputs(rules, benefit, cases, in_fmt, tmp: Path, date=None) -> None:
    model = rules.compiled[benefit].model
    src = write_input(tmp / f"in.{in_fmt}", in_fmt, cases, model)
    wants = [expected(rules, benefit, c, date) for c in cases]
    for out_fmt in OUTPUTS:
        out = tmp / f"out.{out_fmt}"
        summary = run_batch(rules, benefit, src, out, date=date, workers=1)
        assert summary.rows == len(cases)
        assert summary.errors == sum("error" in w for w in wants)
        check_output(rules, benefit, out, out_fmt, wants)
        assert not list(tmp.glob("*.partial*")), "the partial output must be gone"


@pytest.mark.parametrize("in_fmt", INPUTS)
@pytest.mark.parametrize("benefit", BENEFITS)
def test_realistic_cases_give_what_evaluate_gives_in_every_format(rules, benefit, in_fmt, tmp_path):
    cases = realistic(benefit)
    assert cases, f"no realistic cases for {benefit}"
    run_all_outputs(rules, benefit, cases, in_fmt, tmp_path)


def _value(ty, allowed):
    """A value a caseworker system could send for a fact of type `ty` (sometimes a bad one)."""
    kind = ty.name
    if kind == "liste":
        return st.lists(_value(ty.element, ()), max_size=3)
    if kind == "ja/nei":
        return st.booleans()
    if kind == "dato":
        return st.dates(dt.date(1940, 1, 1), dt.date(2012, 12, 31))
    if kind == "tekst":
        return st.sampled_from(allowed) if allowed else st.text("abcæøå ", min_size=1, max_size=6)
    if kind == "prosent":
        return st.decimals(0, 100, places=1)
    if kind == "heltall":
        return st.integers(0, 12)
    if kind == "desimal":
        return st.one_of(st.decimals(0, 60, places=1), st.integers(0, 60))
    return st.one_of(st.integers(0, 1_500_000), st.decimals(0, 1_000_000, places=2))


@st.composite
def variations(draw, benefit: str):
    """A realistic case with each fact kept, dropped or replaced by a generated value, and a
    date kept or drawn from 2019–2026."""
    model = RULES_ONCE.compiled[benefit].model
    base = draw(st.sampled_from(_realistic(benefit)))
    facts = {}
    for name, decl in model.facts.items():
        how = draw(st.sampled_from(["keep", "keep", "keep", "drop", "new"]))
        if how == "keep" and base["facts"].get(name) is not None:
            facts[name] = base["facts"][name]
        elif how == "new":
            facts[name] = draw(_value(model.fact_types[name], decl.type.allowed))
    date = draw(st.one_of(st.just(base["date"]),
                          st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)).map(str)))
    return {"facts": facts, "date": date}


@pytest.mark.parametrize("benefit", BENEFITS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_cases_give_what_evaluate_gives_in_every_format(rules, benefit, data):
    cases = data.draw(st.lists(variations(benefit), min_size=1, max_size=6))
    cases = [{"id": f"g{i}", **c} for i, c in enumerate(cases)]
    in_fmt = data.draw(st.sampled_from(INPUTS))
    with tempfile.TemporaryDirectory() as tmp:
        run_all_outputs(rules, benefit, cases, in_fmt, Path(tmp))


# --- bad rows -------------------------------------------------------------------------------------

GOOD = {"fødselsdato": "1985-06-02", "arbeidsinntekt_siste_12_mnd": 400000,
        "arbeidsinntekt_siste_36_mnd": 900000, "vanlig_arbeidstid": Decimal("37.5"),
        "ny_arbeidstid": 0, "oppholder_seg_i_norge": True, "reell_arbeidssøker": True,
        "registrert_som_arbeidssøker": True, "avtjent_verneplikt": False,
        "permittert_fra_fiskeindustrien": False, "antall_barn": 2}


def rulelang_cli(*args, timeout=120) -> subprocess.CompletedProcess:
    proc = subprocess.run([*COMMAND, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_bad_jsonl_rows_carry_their_error_and_the_others_are_decided(rules, tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [dumps({"id": "ok1", "date": "2025-06-02", "facts": GOOD}, indent=None),
             "{not json",
             "",                                              # blank: not a row
             "[1, 2]",
             dumps({"id": "nodate", "date": None, "facts": GOOD}, indent=None),
             dumps({"id": "badfact", "date": "2025-06-02", "facts": dict(GOOD, antall_barn="mange")}, indent=None),
             dumps({"id": "unknown", "date": "2025-06-02", "facts": dict(GOOD, aldr=3)}, indent=None),
             dumps({"id": "baddate", "date": "2025-02-30", "facts": GOOD}, indent=None),
             dumps({"id": "nog", "date": "1900-01-01", "facts": GOOD}, indent=None),
             dumps({"id": "other", "date": "2025-06-02", "benefit": "sykepenger", "facts": GOOD}, indent=None),
             dumps({"id": 7, "date": "2025-06-02", "facts": GOOD}, indent=None)]
    src.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", out)
    assert proc.returncode == 3, proc.stderr
    assert "could not be decided" in proc.stderr and "row 2" in proc.stderr
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 10
    assert rows[0]["id"] == "ok1" and rows[0]["outcome"] == "granted"
    assert rows[-1]["id"] == 7 and rows[-1]["outcome"] == "granted"
    errors = [r.get("error") for r in rows[1:-1]]
    assert all(e is not None for e in errors)
    messages = [e["message"] for e in errors]
    assert "line 2" in messages[0] and "malformed JSON" in messages[0] and "id" not in rows[1]
    assert "line 4" in messages[1]
    assert "no date" in messages[2] and rows[3]["id"] == "nodate"
    assert "antall_barn" in messages[3] and "mange" in messages[3]
    assert "aldr" in messages[4]
    assert "2025-02-30" in messages[5]
    assert [e["exit_code"] for e in errors] == [2, 2, 2, 2, 2, 2, 1, 2]
    assert "sykepenger" in messages[7]


def test_bad_csv_rows_carry_their_error(rules, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,date,arbeidsinntekt_siste_12_mnd,avtjent_verneplikt,antall_barn\n"
                   "a,2025-06-02,400000,nei,2\n"
                   "b,2025-06-02,400000,kanskje,2\n"
                   "c,2025-06-02,400000\n"
                   "d,,37.5,true,\n"
                   "e,2025-06-02,\"400 000\",false,1\n", "utf-8")
    out = tmp_path / "out.csv"
    summary = run_batch(rules, "dagpenger", src, out, workers=1)
    assert (summary.rows, summary.errors) == (5, 4)
    rows = flat_rows(out, "csv")
    assert [r["id"] for r in rows] == list("abcde")
    assert rows[0]["outcome"] == "undetermined" and rows[0]["error"] is None
    assert "avtjent_verneplikt" in rows[1]["error"] and "kanskje" in rows[1]["error"]
    assert "3 fields" in rows[2]["error"] and "line 4" in rows[2]["error"]
    assert "no date" in rows[3]["error"]
    assert "400 000" in rows[4]["error"]
    assert summary.first_error[:2] == (2, "b")


def test_parquet_float_and_timestamp_columns_are_read_exactly(rules, tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({
        "date": pa.array([dt.datetime(2025, 6, 2), dt.datetime(2025, 6, 2, 12)], pa.timestamp("s")),
        "vanlig_arbeidstid": pa.array([37.5, 0.1], pa.float64()),
        "arbeidsinntekt_siste_12_mnd": pa.array(["400000", None]),
        "avtjent_verneplikt": pa.array(["ja", "false"]),
    }), src)
    cases = list(caseio.iter_cases(src, rules.compiled["dagpenger"].model))
    assert cases[0] == {"id": None, "date": dt.date(2025, 6, 2),
                        "facts": {"vanlig_arbeidstid": 37.5, "arbeidsinntekt_siste_12_mnd": "400000",
                                  "avtjent_verneplikt": True}}
    out = tmp_path / "out.jsonl"
    run_batch(rules, "dagpenger", src, out, workers=1)
    first, second = jsonl_rows(out)
    used = {k: v for c in first["decision"]["conditions"] for k, v in c["facts_used"].items()}
    assert used["vanlig_arbeidstid"] == Decimal("37.5")
    assert "the date must be" in second["error"]   # a timestamp that is not a date


def test_a_dataset_is_read_in_natural_order_of_its_files(tmp_path):
    ds = tmp_path / "ds"
    ds.mkdir()
    for i in (10, 2, 1):
        pq.write_table(pa.table({"id": [f"r{i}"], "date": ["2025-06-02"]}), ds / f"part.{i}.parquet")
    pq.write_table(pa.table({"x": [1]}), ds / "_common_metadata.parquet")
    assert [c["id"] for c in caseio.iter_cases(ds)] == ["r1", "r2", "r10"]
    assert caseio.count_cases(ds) == 3
    assert [c["id"] for c in caseio.iter_cases(ds, start=2)] == ["r10"]


def test_empty_inputs_give_empty_outputs(rules, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n", "utf-8")
    for fmt in OUTPUTS:
        out = tmp_path / f"out.{fmt}"
        assert run_batch(rules, "dagpenger", src, out, date=dt.date(2025, 6, 2)).rows == 0
    assert (tmp_path / "out.jsonl").read_text() == ""
    assert (tmp_path / "out.csv").read_text().startswith("id,date,outcome,not_met,unknown,")
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0


# --- whole-file problems ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, extra, pattern", [
    ("in.csv", "id,date,aldr\nx,2025-06-02,3\n", [], r"column 'aldr' is not a fact of dagpenger"),
    ("in.csv", "id,antall_barn\nx,3\n", [], r"no 'date' column and no default date"),
    ("in.txt", "", [], r"cannot tell the format"),
    ("missing.jsonl", None, [], r"no such input file"),
    ("in.json", '{"facts": {}}', [], r"JSON array"),
    ("in.json", '[{"facts": {}', [], r"malformed JSON .* line 1"),
    ("in.jsonl", "", ["--dask", "local"], r"--dask reads a Parquet caseload"),
    ("in.jsonl", "", ["--date", "2025-13-01"], r"YYYY-MM-DD"),
    ("in.jsonl", "", ["--workers", "0"], r"--workers"),
])
def test_whole_file_problems_exit_2_and_write_nothing(tmp_path, name, content, extra, pattern):
    src = tmp_path / name
    if content is not None:
        src.write_text(content, "utf-8")
    out = tmp_path / "out.jsonl"
    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", out, *extra)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert re.search(pattern, proc.stderr), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_unknown_benefit_and_output_format(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("", "utf-8")
    proc = rulelang_cli("batch", "dagpengr", "--input", src, "--output", tmp_path / "o.jsonl")
    assert proc.returncode == 2 and "the benefits are" in proc.stderr
    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", tmp_path / "o.xlsx")
    assert proc.returncode == 2 and "cannot tell the format" in proc.stderr


def test_a_progress_bar_only_on_a_terminal(tmp_path):
    src = write_input(tmp_path / "in.jsonl", "jsonl",
                      [{"id": "a", "date": "2025-06-02", "facts": GOOD}], None)
    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", tmp_path / "a.jsonl")
    assert proc.returncode == 0 and proc.stderr == ""
    leader, follower = pty.openpty()
    termios.tcsetwinsize(follower, (24, 100))
    run = subprocess.run([*COMMAND, "batch", "dagpenger", "--input", str(src), "--output",
                          str(tmp_path / "b.jsonl")], stderr=follower, stdout=subprocess.DEVNULL,
                         cwd=ROOT, timeout=60)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert run.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "1/1" in text and "rows" in text and "Traceback" not in text


# --- resume -----------------------------------------------------------------------------------------

def big_input(tmp_path: Path, n: int, fmt: str) -> Path:
    """n dagpenger cases (every 997th without a date: an error row), as JSON Lines, CSV or
    Parquet."""
    cases = []
    for i in range(n):
        facts = dict(GOOD, arbeidsinntekt_siste_12_mnd=100_000 + 37 * i, antall_barn=i % 4)
        if i % 5 == 0:
            del facts["reell_arbeidssøker"]
        date = "2025-06-02" if i % 3 else "2021-03-01"
        cases.append({"id": f"c{i}", "date": None if i % 997 == 0 else date, "facts": facts})
    model = RULES_ONCE.compiled["dagpenger"].model
    if fmt == "parquet":
        return write_input(tmp_path / "in.parquet", "parquet", cases, model, 1000)
    return write_input(tmp_path / f"in.{fmt}", fmt, cases, model)


def _rows_done(out: Path, fmt: str) -> int:
    partial = out.with_name(out.name + ".partial")
    if fmt == "parquet":
        return len(list(partial.glob("part-*.parquet"))) if partial.is_dir() else 0
    state = out.with_name(out.name + ".partial.state")
    try:
        return json.loads(state.read_text("utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        return 0


@pytest.mark.parametrize("fmt", OUTPUTS)
def test_a_killed_batch_resumes_to_a_byte_identical_file(rules, tmp_path, fmt):
    src = big_input(tmp_path, 6000, "parquet" if fmt == "parquet" else "jsonl")
    args = ["batch", "dagpenger", "--input", str(src), "--workers", "2", "--row-group-size", "500"]
    reference = tmp_path / f"reference.{fmt}"
    run_batch(rules, "dagpenger", src, reference, workers=2, row_group_size=500)

    out = tmp_path / f"out.{fmt}"
    proc = subprocess.Popen([*COMMAND, *args, "--output", str(out)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    # parts of 500 rows, or text checkpoints of 512: kill once a few are written
    deadline = time.monotonic() + 60
    while _rows_done(out, fmt) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be killed: use more rows"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    if fmt != "parquet":   # a torn last line after the checkpoint
        with out.with_name(out.name + ".partial").open("ab") as fh:
            fh.write(b'{"id": "c99999", "benefit": "dagp')

    resumed = rulelang_cli(*args, "--output", out)
    assert resumed.returncode == 3, resumed.stderr   # the rows without a date
    assert out.read_bytes() == reference.read_bytes()
    assert not out.with_name(out.name + ".partial").exists()
    assert not out.with_name(out.name + ".partial.state").exists()


class _Stop(Exception):
    pass


@pytest.mark.parametrize("fmt", OUTPUTS)
def test_an_interrupted_batch_resumes_from_its_checkpoint(rules, tmp_path, fmt, monkeypatch):
    """In-process: stop after a few blocks, leave debris after the checkpoint, resume."""
    src = big_input(tmp_path, 2500, "csv")
    reference = tmp_path / f"reference.{fmt}"
    full = run_batch(rules, "dagpenger", src, reference, workers=1, row_group_size=700)

    from rulelang import batchfile
    real_write = {"text": batchfile.TextSink.write, "parquet": batchfile.ParquetSink.write}
    seen = []

    def stop_after_three(kind):
        def write(self, block):
            if len(seen) == 3:
                raise _Stop
            seen.append(block.rows)
            real_write[kind](self, block)
        return write
    monkeypatch.setattr(batchfile.TextSink, "write", stop_after_three("text"))
    monkeypatch.setattr(batchfile.ParquetSink, "write", stop_after_three("parquet"))
    out = tmp_path / f"out.{fmt}"
    with pytest.raises(_Stop):
        run_batch(rules, "dagpenger", src, out, workers=1, row_group_size=700)
    monkeypatch.undo()
    partial = out.with_name(out.name + ".partial")
    if fmt == "parquet":
        assert sorted(p.name for p in partial.iterdir()) == ["part-000000.parquet",
                                                             "part-000001.parquet", "state.json"]
        (partial / ".part-000002.tmp").write_bytes(b"PAR1 torn")
        (partial / "part-000005.parquet").write_bytes(b"after a gap")
    else:
        with partial.open("ab") as fh:
            fh.write("ø-torn line".encode())
    again = run_batch(rules, "dagpenger", src, out, workers=1, row_group_size=700)
    assert again.resumed_from == (1400 if fmt == "parquet" else 1536)
    assert (again.rows, again.errors, again.first_error) == (full.rows, full.errors, full.first_error)
    assert out.read_bytes() == reference.read_bytes()


def test_resume_is_refused_when_the_input_or_arguments_changed(rules, tmp_path, monkeypatch):
    src = big_input(tmp_path, 1200, "jsonl")
    out = tmp_path / "out.jsonl"

    def interrupted(**kw):
        def write(self, block):
            raise _Stop
        monkeypatch.setattr(TextSink, "write", write)
        with pytest.raises(_Stop):
            run_batch(rules, "dagpenger", src, out, workers=1, **kw)
        monkeypatch.undo()
        assert out.with_name("out.jsonl.partial").exists()

    interrupted(date=dt.date(2025, 6, 2))
    with pytest.raises(InputError, match=r"cannot resume .*--date differs.*--no-resume"):
        run_batch(rules, "dagpenger", src, out, workers=1)

    with src.open("a", encoding="utf-8") as fh:
        fh.write(dumps({"id": "late", "facts": GOOD}, indent=None) + "\n")
    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", out, "--date", "2025-06-02")
    assert proc.returncode == 2 and "the input changed" in proc.stderr, proc.stderr
    assert out.with_name("out.jsonl.partial").exists() and not out.exists()

    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", out, "--date",
                        "2025-06-02", "--no-resume", "--workers", "1")
    assert proc.returncode == 0, proc.stderr   # --date dates the rows without a date
    fresh = tmp_path / "fresh.jsonl"
    run_batch(rules, "dagpenger", src, fresh, date=dt.date(2025, 6, 2), workers=1)
    assert out.read_bytes() == fresh.read_bytes()
    assert len(out.read_text("utf-8").splitlines()) == 1201


def test_the_output_must_not_be_inside_the_input_or_nowhere(rules, tmp_path):
    ds = tmp_path / "ds"
    ds.mkdir()
    pq.write_table(pa.table({"id": ["a"], "date": ["2025-06-02"]}), ds / "part.0.parquet")
    with pytest.raises(InputError, match="inside the input"):
        run_batch(rules, "dagpenger", ds, ds / "out.parquet")
    with pytest.raises(InputError, match="folder does not exist"):
        run_batch(rules, "dagpenger", ds, tmp_path / "no" / "out.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_resume_is_refused_when_the_rules_changed(tmp_path, monkeypatch):
    tree = tmp_path / "rules"
    shutil.copytree(RULES, tree, ignore=shutil.ignore_patterns("*.cases.toml"))
    src = big_input(tmp_path, 600, "jsonl")
    out = tmp_path / "out.csv"

    def write(self, block):
        raise _Stop
    monkeypatch.setattr(TextSink, "write", write)
    with pytest.raises(_Stop):
        run_batch(load_rules(tree), "dagpenger", src, out, date=dt.date(2025, 6, 2))
    monkeypatch.undo()
    rule = tree / "folketrygd" / "dagpenger.regel"
    rule.write_text(rule.read_text("utf-8").replace("1,5 G", "2 G", 1), "utf-8")
    proc = rulelang_cli("batch", "dagpenger", "--input", src, "--output", out, "--date",
                        "2025-06-02", "--rules", tree)
    assert proc.returncode == 2 and "the rules changed" in proc.stderr, proc.stderr
