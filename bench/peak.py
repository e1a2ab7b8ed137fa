"""`make bench-peak`: the peak memory of one batch of BENCH_PEAK_N cases (default 10 000 000)
streamed from a JSON Lines file through `evaluate_many` on every core, each decision written as
a JSON line (to os.devnull: 10 M decisions are about 25 GB). The figure is the peak of the sum
of PSS over the batch process and its workers, sampled every 20 ms (bench/run.py's probe).

Writes `batch_10m_peak_mib`, `batch_peak_cases` and the run's speed into bench/results_peak.json
and merges them into bench/results.json (`make bench` also takes them from results_peak.json
when they are for more cases than its own rounds' peak runs), and prints them. Takes about N / (batch
speed) seconds: roughly 20 minutes for 10 M cases on 2 cores.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.cases import generate  # noqa: E402
from bench.run import OUT, PEAK_OUT, SEED, log, peak_probe  # noqa: E402

N = int(os.environ.get("BENCH_PEAK_N", 10_000_000))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="rulelang-peak-"))
    try:
        env = dict(os.environ, RULELANG_CACHE_DIR=str(tmp / "cache"))
        jsonl = tmp / "cases.jsonl"
        t0 = time.perf_counter()
        generate(N, SEED).write_jsonl(jsonl, N)
        log(f"wrote {N:,} cases ({jsonl.stat().st_size / 2**30:.1f} GiB) in "
            f"{time.perf_counter() - t0:.0f} s; running the batch ...")
        pk = peak_probe(jsonl, N, tmp, env, out_path=os.devnull)
        if pk["cases"] != N or pk["errors"]:
            raise SystemExit(f"the batch did not decide every case: {pk}")
        figures = {"batch_10m_peak_mib": pk["pss_mib"], "batch_peak_cases": N,
                   "batch_peak_rss_sum_mib": pk["rss_mib"],
                   "batch_peak_cases_per_s": pk["cases"] / pk["seconds"],
                   "batch_peak_processes": pk["processes"],
                   "batch_peak_measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        PEAK_OUT.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
        results = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {}
        results.update(figures)
        OUT.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        print(f"batch of {N:,} cases: peak {pk['pss_mib']:.0f} MiB PSS (RSS sum "
              f"{pk['rss_mib']:.0f} MiB, {pk['processes']} processes), "
              f"{figures['batch_peak_cases_per_s']:,.0f} cases/s; target ≤ 300 MiB: "
              f"{'PASS' if pk['pss_mib'] <= 300 else 'MISS'}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
