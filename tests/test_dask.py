"""`rulelang batch --dask`: a partitioned Parquet caseload on a Dask cluster gives, byte for byte,
the output file of the single-machine batch.

A `LocalCluster` of two worker processes (one thread each) runs for the module. The caseload is
100 000 dagpenger cases generated with numpy (deterministic seeds) in five part files with
several row groups each, typed as a caseworker system would export them: dates, booleans,
integers and decimal hours, some facts null, a few rows bad (a negative income, no date).
"""
from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from distributed import LocalCluster

from rulelang import load_rules
from rulelang import batchfile, daskrun
from rulelang.batchfile import run_batch

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).with_name("rulelang")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rulelang"]
ROWS = 100_000
FILES = 5


@pytest.fixture(scope="module")
def rules():
    return load_rules(ROOT / "rules")


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as c:
        yield c


def decimal_column(unscaled: np.ndarray, scale: int, nulls: np.ndarray) -> pa.Array:
    """decimal128 from non-negative unscaled integers (375, scale 1 -> 37.5), no Python loop."""
    words = np.zeros((len(unscaled), 2), dtype="<i8")
    words[:, 0] = unscaled            # little-endian 128 bits: the high word of a value ≥ 0 is 0
    arr = pa.Array.from_buffers(pa.decimal128(18, scale), len(unscaled), [None, pa.py_buffer(words)])
    return pc.if_else(pa.array(nulls), pa.scalar(None, arr.type), arr)


def dagpenger_part(n: int, seed: int, first: int) -> pa.Table:
    """n dagpenger cases around the thresholds, dated 2019–2025; ~5 % of each fact missing."""
    rng = np.random.default_rng(seed)

    def nulls(p=0.05):
        return rng.random(n) < p

    def column(values, p=0.05):
        return pa.array(values, mask=nulls(p))

    day = np.datetime64("2019-01-01") + rng.integers(0, 2500, n).astype("timedelta64[D]")
    born = np.datetime64("1950-01-01") + rng.integers(0, 20000, n).astype("timedelta64[D]")
    a12 = rng.integers(0, 700_000, n)
    a12[rng.random(n) < 0.0002] = -1          # a bad row now and then: a negative income
    a36 = np.maximum(a12 * 3 + rng.integers(-150_000, 150_000, n), 0)
    usual = rng.choice([375, 400, 200, 0], n)  # hours in tenths
    new = (usual * rng.choice([0, 4, 5, 6, 10], n)) // 10
    return pa.table({
        "id": pa.array([f"c{first + i}" for i in range(n)]),
        "date": pa.array(day, pa.date32(), mask=rng.random(n) < 0.0002),  # no date: a bad row
        "fødselsdato": column(born),
        "arbeidsinntekt_siste_12_mnd": column(a12),
        "arbeidsinntekt_siste_36_mnd": column(a36),
        "vanlig_arbeidstid": decimal_column(usual, 1, nulls()),
        "ny_arbeidstid": decimal_column(new, 1, nulls()),
        "oppholder_seg_i_norge": column(rng.random(n) < 0.95),
        "reell_arbeidssøker": column(rng.random(n) < 0.9),
        "registrert_som_arbeidssøker": column(rng.random(n) < 0.9),
        "avtjent_verneplikt": column(rng.random(n) < 0.1),
        "permittert_fra_fiskeindustrien": column(rng.random(n) < 0.05),
        "antall_barn": column(rng.integers(0, 4, n)),
    })


def write_caseload(folder: Path, rows: int, files: int) -> Path:
    folder.mkdir()
    per = rows // files
    for i in range(files):   # row groups of uneven size, so tasks cut them differently
        pq.write_table(dagpenger_part(per, seed=i, first=i * per),
                       folder / f"part.{i}.parquet", row_group_size=per // 2 + 7)
    return folder


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    return write_caseload(tmp_path_factory.mktemp("dask") / "caseload", ROWS, FILES)


def test_a_dask_cluster_writes_the_single_machine_file_byte_for_byte(rules, cluster, caseload,
                                                                      tmp_path):
    on_dask = tmp_path / "dask.parquet"
    summary = run_batch(rules, "dagpenger", caseload, on_dask, dask=cluster.scheduler_address)
    # the single-machine batch as a user runs it (a process of its own: no fork of this one,
    # which runs the cluster's scheduler thread)
    single = tmp_path / "single.parquet"
    proc = subprocess.run([*COMMAND, "batch", "dagpenger", "--input", str(caseload), "--output",
                           str(single), "--workers", "2"], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 3, proc.stderr    # the bad rows
    assert f"{summary.errors} of {ROWS} rows could not be decided" in proc.stderr
    assert on_dask.read_bytes() == single.read_bytes()
    assert summary.rows == ROWS and 0 < summary.errors < 100
    table = pq.read_table(on_dask, columns=["id", "outcome", "exit_code"])
    assert table.column("id")[ROWS - 1].as_py() == f"c{ROWS - 1}"
    outcomes = set(table.column("outcome").to_pylist())
    assert {"granted", "denied", "undetermined", None} <= outcomes
    assert pq.ParquetFile(on_dask).metadata.num_row_groups == -(-ROWS // batchfile.ROW_GROUP_SIZE)


def test_a_dask_run_resumes_on_the_cluster(rules, cluster, tmp_path, monkeypatch):
    caseload = write_caseload(tmp_path / "small", 6000, 3)
    reference = tmp_path / "reference.jsonl"
    run_batch(rules, "dagpenger", caseload, reference, workers=1)   # in this process: no fork

    class Stop(Exception):
        pass

    real = batchfile.TextSink.write
    calls = []

    def write(self, block):
        if len(calls) == 2:
            raise Stop
        calls.append(block.rows)
        real(self, block)

    monkeypatch.setattr(batchfile.TextSink, "write", write)
    monkeypatch.setattr(daskrun, "TASK_ROWS", 700)   # the client's own constant: smaller tasks
    out = tmp_path / "out.jsonl"
    with pytest.raises(Stop):
        run_batch(rules, "dagpenger", caseload, out, dask=cluster.scheduler_address)
    monkeypatch.undo()
    resumed = run_batch(rules, "dagpenger", caseload, out, dask=cluster.scheduler_address)
    assert resumed.resumed_from == sum(calls) > 0
    assert out.read_bytes() == reference.read_bytes()


def test_tasks_cut_row_groups_and_start_where_asked():
    pieces = [("a", 0, 5), ("a", 1, 3), ("b", 0, 4)]
    assert list(daskrun.tasks(pieces, 0, size=4)) == [
        ("a", 0, 0, 4, 0), ("a", 0, 4, 5, 4), ("a", 1, 0, 3, 5), ("b", 0, 0, 4, 8)]
    assert list(daskrun.tasks(pieces, 6, size=4)) == [("a", 1, 1, 3, 6), ("b", 0, 0, 4, 8)]
    assert list(daskrun.tasks(pieces, 12, size=4)) == []


def test_an_unreachable_scheduler_is_bad_input(caseload, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([*COMMAND, "batch", "dagpenger", "--input", str(caseload), "--output",
                           str(out), "--dask", "nowhere"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("rulelang: cannot reach the Dask scheduler at nowhere")
    assert len(proc.stderr.splitlines()) == 1
    assert not list(tmp_path.iterdir())   # nothing written


def test_a_failed_connection_does_not_hang_the_next_run(rules, cluster, tmp_path):
    """distributed's half-made Client, collected later inside another Client's start,
    deadlocked it; daskrun.connect collects it at once."""
    from rulelang.errors import InputError
    small = write_caseload(tmp_path / "small", 200, 1)
    for i in range(5):
        with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
            run_batch(rules, "dagpenger", small, tmp_path / "x.jsonl", dask="nowhere")
        run_batch(rules, "dagpenger", small, tmp_path / f"{i}.jsonl",
                  dask=cluster.scheduler_address)


def test_dates_and_the_rules_reach_the_workers(rules, cluster, tmp_path):
    """A default date and a rules folder given relative to the working directory."""
    folder = tmp_path / "dated"
    folder.mkdir()
    table = dagpenger_part(50, seed=9, first=0).drop_columns(["date"])
    pq.write_table(table, folder / "part.0.parquet", row_group_size=20)
    on_dask, single = tmp_path / "dask.csv", tmp_path / "single.csv"
    run_batch(rules, "dagpenger", folder, on_dask, date=dt.date(2020, 5, 1),
              dask=cluster.scheduler_address)
    run_batch(rules, "dagpenger", folder, single, date=dt.date(2020, 5, 1), workers=1)
    assert on_dask.read_bytes() == single.read_bytes()
    assert on_dask.read_text("utf-8").count(",2020-05-01,") == 50


def test_dask_local_on_the_command_line(rules, tmp_path):
    """`--dask local` starts (and closes) its own LocalCluster; the same bytes as without."""
    caseload = write_caseload(tmp_path / "cases", 3000, 2)
    out, single = tmp_path / "out.csv", tmp_path / "single.csv"
    proc = subprocess.run([*COMMAND, "batch", "dagpenger", "--input", str(caseload), "--output",
                           str(out), "--dask", "local", "--workers", "2"], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 3), proc.stderr
    assert "Traceback" not in proc.stderr and "distributed" not in proc.stderr, proc.stderr
    run_batch(rules, "dagpenger", caseload, single, workers=1)
    assert out.read_bytes() == single.read_bytes()
