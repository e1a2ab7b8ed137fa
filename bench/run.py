"""rulelang benchmarks (issue 5): every figure side by side, in one run, on the same cases.

    make bench                      # creates bench/.venv, runs this, writes bench/results.json
    BENCH_QUICK=1 make bench        # a fast smoke run (small sizes, 2 rounds)

Every round measures every figure once, in the same process and on the same seeded cases
(bench/cases.py); a figure is the median of the rounds with min and max, and every ratio is
taken per round (both sides measured in that round) and then summarised the same way.

Figures (keys of bench/results.json, numbers; null when a contender is missing):
  evaluate_us            rulelang `evaluate()` + `Decision.to_dict()` per case (full decision:
                         conditions with explanations, amounts, appeal route), one process; the
                         explanation memo is emptied before every timed pass (extra figure
                         `evaluate_again_us`: the same cases again with the memo kept)
  handwritten_us         bench/handwritten.py: the six vilkår with an explanation tree
  openfisca_single_us    OpenFisca: build a one-person simulation (SimulationBuilder.
                         build_from_entities), `simulation.trace = True`, calculate the outcome
  batch_cases_per_s      `evaluate_many` over BENCH_BATCH_N cases on every core, each decision
                         written as a JSON line to a file (pool start-up included)
  screen_1m_s            `rulelang.screen.screen` on a 1 M-row pyarrow Table: outcome + not_met
  openfisca_vector_1m_s  OpenFisca on 1 M persons: build the simulation, set_input every fact,
                         calculate the outcome and the six vilkår
  numpy_handwritten_1m_s the six vilkår by hand in numpy on prepared int columns (the floor)
  load_cold_s            fresh process: import rulelang + load_rules("rules") (parse, build,
                         check, compile) with an empty RULELANG_CACHE_DIR
  load_cached_s          the same with the cache warm
  batch_10m_peak_mib     peak memory (sum of PSS over the process and its workers, sampled) of a
                         fresh process streaming cases from a JSON Lines file through
                         `evaluate_many` into a file; `batch_peak_cases` is the count used:
                         BENCH_PEAK_N when set, else 200 000 or fewer when the rounds' peak
                         runs would not fit in BENCH_PEAK_BUDGET_S (360) at round 1's speed

Environment: BENCH_QUICK, BENCH_REPEATS (5), BENCH_SINGLE_N (2000), BENCH_OPENFISCA_SINGLE_N
(300), BENCH_BATCH_N (20000), BENCH_SCREEN_N (1000000), BENCH_PEAK_N (200000, see above),
BENCH_PEAK_BUDGET_S (360), BENCH_AGREE_N (200), BENCH_WORKERS (0 = every core), BENCH_SEED,
BENCH_OUT (bench/results.json), BENCH_PROFILE_N (1000, cases profiled with cProfile; 0 skips).
"""
from __future__ import annotations

import cProfile
import datetime as dt
import gc
import importlib.metadata as md
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.cases import DATE, boundaries, generate  # noqa: E402
from bench.handwritten import dagpenger as handwritten  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")


def _env_int(name, default, quick):
    return int(os.environ.get(name, quick if QUICK else default))


REPEATS = _env_int("BENCH_REPEATS", 5, 2)
SINGLE_N = _env_int("BENCH_SINGLE_N", 2000, 300)
OF_SINGLE_N = _env_int("BENCH_OPENFISCA_SINGLE_N", 300, 50)
BATCH_N = _env_int("BENCH_BATCH_N", 20_000, 2_000)
SCREEN_N = _env_int("BENCH_SCREEN_N", 1_000_000, 100_000)
PEAK_N = _env_int("BENCH_PEAK_N", 200_000, 5_000)
PEAK_N_SET = "BENCH_PEAK_N" in os.environ
# Without BENCH_PEAK_N, the peak-memory batches of all rounds together get about this many
# seconds (estimated from round 1's batch speed); fewer cases are used when 200 000 would not
# fit, and `batch_peak_cases` says how many.
PEAK_BUDGET_S = float(os.environ.get("BENCH_PEAK_BUDGET_S", "360"))
AGREE_N = _env_int("BENCH_AGREE_N", 200, 200)
PROFILE_N = _env_int("BENCH_PROFILE_N", 1000, 200)
WORKERS = int(os.environ.get("BENCH_WORKERS", "0")) or None
SEED = int(os.environ.get("BENCH_SEED", "20250602"))
OUT = Path(os.environ.get("BENCH_OUT", HERE / "results.json"))
PEAK_OUT = Path(os.environ.get("BENCH_PEAK_OUT", HERE / "results_peak.json"))  # make bench-peak
RULES_DIR = str(ROOT / "rules")
BENEFIT = "dagpenger"
CONDITIONS = ("opphold_i_norge", "tap_av_arbeidstid", "minsteinntekt", "reell_arbeidssøker",
              "registrert_som_arbeidssøker", "alder")

# (key, unit, target text, check(median, ratios) -> bool | None)
TARGETS = {
    "evaluate_us": ("≤ 25 µs", lambda v: v <= 25),
    "handwritten_us": ("(peer: 2–4 µs)", None),
    "openfisca_single_us": ("(peer: ~570 µs)", None),
    "batch_cases_per_s": ("≥ 100 000/s", lambda v: v >= 100_000),
    "screen_1m_s": ("≤ 1 s", lambda v: v <= 1),
    "openfisca_vector_1m_s": ("(peer)", None),
    "numpy_handwritten_1m_s": ("(floor: ~8 ms)", None),
    "load_cold_s": ("≤ 1 s", lambda v: v <= 1),
    "load_cached_s": ("≤ 0.1 s", lambda v: v <= 0.1),
    "batch_10m_peak_mib": ("≤ 300 MiB", lambda v: v <= 300),
}
RATIO_TARGETS = {
    "openfisca_single_vs_evaluate": ("≥ 10×", lambda v: v >= 10),
    "evaluate_vs_handwritten": ("≤ 5×", lambda v: v <= 5),
    "openfisca_vector_vs_screen": ("> 1× (screen faster)", lambda v: v > 1),
    "screen_vs_numpy_handwritten": ("(info)", None),
    "batch_vs_one_core": ("(info: speed-up)", None),
    "load_cold_vs_cached": ("(info)", None),
}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- contenders ---------------------------------------------------------------------------

class Rulelang:
    def __init__(self):
        import rulelang
        self.rulelang = rulelang
        self.rules = rulelang.load_rules(RULES_DIR)
        try:
            from rulelang.screen import screen
            self.screen = screen
        except ImportError as exc:
            log(f"rulelang.screen is not available ({exc}); screen_1m_s will be null")
            self.screen = None

    def forget(self):
        """Empty the explanation memo: every timed pass starts as a first pass over a caseload
        would (the memo then fills from the pass's own cases), never with the answers of an
        earlier round or of the warm-up."""
        for compiled in self.rules.compiled.values():
            compiled.explain_cache.clear()

    def evaluate_all(self, facts):
        self.forget()
        ev, rules = self.rulelang.evaluate, self.rules
        for f in facts:
            ev(rules, BENEFIT, f, DATE).to_dict()

    def evaluate_json_all(self, facts):
        """What a batch worker does per case: the decision as one line of JSON."""
        self.forget()
        ev, rules = self.rulelang.evaluate, self.rules
        for f in facts:
            ev(rules, BENEFIT, f, DATE).to_json(indent=None)

    def evaluate_again_all(self, facts):
        """The same cases a second time with the memo kept (a re-run of a caseload)."""
        ev, rules = self.rulelang.evaluate, self.rules
        for f in facts:
            ev(rules, BENEFIT, f, DATE).to_dict()


class OpenFisca:
    def __init__(self):
        try:
            from openfisca_core.simulation_builder import SimulationBuilder

            from bench.openfisca_dagpenger import CONDITIONS as OF_CONDITIONS
            from bench.openfisca_dagpenger import DagpengerSystem, Utfall
        except ImportError as exc:
            log(f"OpenFisca is not available ({exc}); its figures will be null "
                "(run through `make bench`, which installs it in bench/.venv)")
            self.ok = False
            return
        assert OF_CONDITIONS == CONDITIONS
        self.ok = True
        self.SimulationBuilder = SimulationBuilder
        self.Utfall = Utfall
        self.tbs = DagpengerSystem()

    @staticmethod
    def situation(facts):
        person = {k: {("ETERNITY" if k == "fødselsdato" else DATE): v}
                  for k, v in facts.items() if k != "antall_barn"}
        return {"persons": {"søker": person}}

    def single(self, situation, conditions=False):
        sim = self.SimulationBuilder().build_from_entities(self.tbs, situation)
        sim.trace = True
        utfall = sim.calculate("dagpenger_utfall", DATE)
        if not conditions:
            return utfall
        return utfall, [bool(sim.calculate(f"vilkår_{c}", DATE)[0]) for c in CONDITIONS]

    def single_all(self, situations):
        for s in situations:
            self.single(s)

    def vector(self, inputs, n):
        sim = self.SimulationBuilder().build_default_simulation(self.tbs, n)
        for name, arr in inputs.items():
            sim.set_input(name, "ETERNITY" if name == "fødselsdato" else DATE, arr)
        utfall = sim.calculate("dagpenger_utfall", DATE)
        conds = [sim.calculate(f"vilkår_{c}", DATE) for c in CONDITIONS]
        return utfall, conds


def numpy_handwritten(cols, n, on=DATE, g=130_160):
    """The six vilkår by hand in numpy, on int columns (kroner, tenths of hours, days):
    outcome (granted mask) and the not-met matrix. The floor for any vectorised engine."""
    c = {k: v[:n] for k, v in cols.items()}
    cap10 = np.minimum(c["vanlig10"], 400)
    krav = np.where(c["fisk"], 40, 50)
    met = np.empty((6, n), dtype=bool)
    met[0] = c["opphold"]
    met[1] = (cap10 > 0) & ((cap10 - c["ny10"]) * 100 >= krav * cap10)
    met[2] = (c["a12"] * 2 >= 3 * g) | (c["a36"] >= 3 * g) | c["verneplikt"]
    met[3] = c["reell"]
    met[4] = c["registrert"]
    born_month = c["birth"].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    on_month = np.datetime64(on, "M").astype(np.int64)
    met[5] = born_month + 67 * 12 >= on_month
    not_met = ~met
    return ~not_met.any(axis=0), not_met


# --- measuring ----------------------------------------------------------------------------

def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def batch_to_file(rl, cases, path):
    from rulelang.batch import evaluate_many
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for r in evaluate_many(rl.rules, BENEFIT, cases, workers=WORKERS):
            fh.write((r.json if r.json is not None else json.dumps({"error": r.error})) + "\n")
            n += 1
    return n


def load_probe(cache_dir):
    """A fresh process loading rules/ with `cache_dir` as the rule cache. Python may keep
    bytecode (as an installed package does): "cold" means an empty rule cache, not an
    interpreter compiling rulelang's own source; run.py warms the bytecode once first."""
    env = dict(os.environ, RULELANG_CACHE_DIR=str(cache_dir))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / "_load_probe.py"), RULES_DIR], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_s"] = wall
    return out


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _mem_kib(pid):
    """(rss, pss) of one process in KiB, from smaps_rollup (or status when it is missing)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
        return rss, pss
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return rss, rss


def peak_probe(jsonl, limit, tmp, env, out_path=None):
    """Run _batch_peak.py on the first `limit` cases of the file, sampling the memory of its
    process tree every 20 ms. `out_path` os.devnull writes the decisions nowhere (a 10 M run
    would fill a disk); its line count is then the count the run reports."""
    out_path = Path(out_path or Path(tmp) / "peak_out.jsonl")
    proc = subprocess.Popen([sys.executable, str(HERE / "_batch_peak.py"), str(jsonl),
                             str(out_path), RULES_DIR, str(WORKERS or 0), str(limit)],
                            cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"pss": 0, "rss": 0, "procs": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            pids, todo = [], [proc.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(_children(p))
            rss = pss = 0
            for p in pids:
                r, s = _mem_kib(p)
                rss += r
                pss += s
            peak["pss"] = max(peak["pss"], pss)
            peak["rss"] = max(peak["rss"], rss)
            peak["procs"] = max(peak["procs"], len(pids))
            stop.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    stdout, stderr = proc.communicate()
    stop.set()
    th.join()
    if proc.returncode != 0:
        raise RuntimeError(f"_batch_peak.py failed: {stderr[-2000:]}")
    res = json.loads(stdout.strip().splitlines()[-1])
    if str(out_path) == os.devnull:
        out_lines = res["cases"]
    else:
        out_lines = sum(1 for _ in open(out_path, "rb"))
        out_path.unlink()
    res.update(pss_mib=peak["pss"] / 1024, rss_mib=peak["rss"] / 1024, processes=peak["procs"],
               output_lines=out_lines)
    return res


def summary(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "runs": vals}


# --- agreement ----------------------------------------------------------------------------

def agreement(rl, of, cases, n):
    """The outcome and the vilkår not met, case by case, from every engine."""
    facts = cases.facts(0, n)
    engines = {}
    engines["rulelang"] = []
    for f in facts:
        d = rl.rulelang.evaluate(rl.rules, BENEFIT, f, DATE)
        engines["rulelang"].append((d.outcome, [c.id for c in d.conditions
                                                if c.status == "not_met"]))
    engines["handwritten"] = [(h["outcome"], h["not_met"])
                              for h in (handwritten(f, DATE) for f in facts)]
    if of.ok:
        rows = []
        for f in facts:
            utfall, met = of.single(of.situation(f), conditions=True)
            granted = bool(np.asarray(utfall == of.Utfall.innvilget)[0])
            rows.append(("granted" if granted else "denied",
                         [c for c, m in zip(CONDITIONS, met) if not m]))
        engines["openfisca_single"] = rows
        utfall, conds = of.vector(cases.openfisca_inputs(n), n)
        granted = np.asarray(utfall == of.Utfall.innvilget)
        engines["openfisca_vector"] = [
            ("granted" if granted[i] else "denied",
             [c for c, m in zip(CONDITIONS, conds) if not m[i]]) for i in range(n)]
    if rl.screen is not None:
        tbl = rl.screen(rl.rules, BENEFIT, cases.arrow_table(n), on=DATE)
        engines["screen"] = list(zip(tbl.column("outcome").to_pylist(),
                                     tbl.column("not_met").to_pylist()))
    engines["numpy_handwritten"] = []
    granted, not_met = numpy_handwritten(cases.cols, n)
    for i in range(n):
        engines["numpy_handwritten"].append(
            ("granted" if granted[i] else "denied",
             [c for j, c in enumerate(CONDITIONS) if not_met[j, i]]))

    ref = engines["rulelang"]
    result = {"cases": n, "date": DATE,
              "outcomes": {o: sum(1 for r in ref if r[0] == o)
                           for o in ("granted", "denied", "undetermined")},
              "boundary_cases": boundaries(cases.cols, n),
              "engines": {}}
    for name, rows in engines.items():
        if name == "rulelang":
            continue
        mism = [i for i in range(n) if rows[i] != ref[i]]
        out_mism = [i for i in range(n) if rows[i][0] != ref[i][0]]
        result["engines"][name] = {
            "outcome_mismatches": len(out_mism), "not_met_mismatches": len(mism),
            "examples": [{"row": i, "facts": facts[i], "rulelang": ref[i], name: rows[i]}
                         for i in mism[:5]]}
    return result


def vector_agreement(of, utfall, conds, screen_tbl, np_result):
    """screen vs OpenFisca (and vs numpy by hand) on every row of the timed 1 M table: the
    outcome and each vilkår."""
    import pyarrow.compute as pc
    n = len(utfall)
    np_granted, np_not_met = np_result
    s_granted = pc.equal(screen_tbl.column("outcome"), "granted").to_numpy(zero_copy_only=False)
    o_granted = np.asarray(utfall == of.Utfall.innvilget)
    lists = screen_tbl.column("not_met").combine_chunks()
    flat = pc.list_flatten(lists).to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(lists).to_numpy()
    cond_mism = {}
    np_mism = 0
    for c, met in zip(CONDITIONS, conds):
        s_not = np.zeros(n, dtype=bool)
        s_not[parents[flat == c]] = True
        cond_mism[c] = int(np.count_nonzero(s_not == np.asarray(met)))
        np_mism += int(np.count_nonzero(s_not != np_not_met[CONDITIONS.index(c)]))
    return {"rows": n, "outcome_mismatches": int(np.count_nonzero(s_granted != o_granted)),
            "not_met_mismatches_by_condition": cond_mism,
            "numpy_handwritten_vs_screen_mismatches":
                int(np.count_nonzero(s_granted != np_granted)) + np_mism,
            "granted_share": float(s_granted.mean())}


# --- profile ------------------------------------------------------------------------------

def profile_evaluate(rl, facts):
    prof = cProfile.Profile()
    prof.enable()
    rl.evaluate_all(facts)
    prof.disable()
    st = pstats.Stats(prof)
    total = st.total_tt
    rows = []
    for (file, line, fn), (cc, nc, tt, ct, _) in st.stats.items():
        short = f"{Path(file).parent.name}/{Path(file).name}:{line}({fn})" if line else fn
        rows.append({"function": short, "ncalls": nc, "tottime_s": tt, "cumtime_s": ct,
                     "tottime_share": tt / total if total else 0.0})
    by_tot = sorted(rows, key=lambda r: -r["tottime_s"])[:15]
    # own time summed per module (exclusive, adds up to 100 %)
    modules: dict[str, float] = {}
    for (file, _line, fn), (_cc, _nc, tt, _ct, _) in st.stats.items():
        p = Path(file)
        if "site-packages" in p.parts:
            key = p.parts[p.parts.index("site-packages") + 1]
        elif p.parent.name in ("rulelang", "explain"):
            key = f"{p.parent.name}/{p.name}"
        elif file.startswith("<attrs generated"):
            key = "attr (generated __init__)"
        elif file == "~":
            key = "builtins"
        else:
            key = p.name or file
        modules[key] = modules.get(key, 0.0) + tt
    by_module = [{"module": k, "tottime_share": v / total if total else 0.0}
                 for k, v in sorted(modules.items(), key=lambda kv: -kv[1])]
    # cumulative share of the parts of evaluate() (they overlap: each is everything under it)
    parts = {"evaluator.py:_explain (explanation sentences, explain/)": ("evaluator.py", "_explain"),
             "reference.py:evaluate (reference interpreter)": ("reference.py", "evaluate"),
             "facts.py:validate": ("facts.py", "validate"),
             "decision.py:to_dict": ("decision.py", "to_dict"),
             "evaluator.py:_facts_used": ("evaluator.py", "_facts_used"),
             "evaluator.py:appeal_for": ("evaluator.py", "appeal_for"),
             "lawrefs.py:format_refs": ("lawrefs.py", "format_refs"),
             "attr evolve": ("_make.py", "evolve")}
    under = {}
    for label, (fname, func) in parts.items():
        ct = max((v[3] for (f, _l, fn), v in st.stats.items()
                  if fn == func and Path(f).name == fname), default=0.0)
        under[label] = ct / total if total else 0.0
    by_cum = sorted((r for r in rows if "bench/run.py" not in r["function"]),
                    key=lambda r: -r["cumtime_s"])[:25]
    # time spent under each of evaluate's own helpers (cumulative, per case)
    return {"cases": len(facts), "profiled_total_s": total,
            "per_case_us_under_profiler": total / len(facts) * 1e6,
            "cumulative_share": under, "own_time_by_module": by_module,
            "top_tottime": by_tot, "top_cumtime": by_cum}


# --- machine ------------------------------------------------------------------------------

def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")),
                       None)
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as fh:
            mem = int(next(ln for ln in fh if ln.startswith("MemTotal")).split()[1]) // 1024
    except (OSError, StopIteration):
        pass

    def ver(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    return {"cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count(),
            "cpu_model": cpu, "memory_mib": mem,
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "loadavg_start": list(os.getloadavg()),
            "packages": {p: ver(p) for p in ("rulelang", "numpy", "pyarrow", "openfisca-core")},
            "git_commit": git("rev-parse", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


# --- report -------------------------------------------------------------------------------

UNITS = {"evaluate_us": "µs/case", "handwritten_us": "µs/case", "openfisca_single_us": "µs/case",
         "batch_cases_per_s": "cases/s", "screen_1m_s": "s", "openfisca_vector_1m_s": "s",
         "numpy_handwritten_1m_s": "s", "load_cold_s": "s", "load_cached_s": "s",
         "batch_10m_peak_mib": "MiB"}


def fmt(v):
    if v is None:
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def table(results):
    lines = []
    head = f"{'figure':<30} {'median':>10} {'min':>10} {'max':>10}  {'unit':<9} {'target':<22} verdict"
    lines += [head, "-" * len(head)]
    for key, (target, check) in TARGETS.items():
        s = results["figures"].get(key)
        med = None if s is None else s["median"]
        verdict = "—" if med is None else ("" if check is None else
                                           "PASS" if check(med) else "MISS")
        if key == "batch_10m_peak_mib" and s is not None:
            target += f" ({results['batch_peak_cases']:,} cases)".replace(",", " ")
        lines.append(f"{key:<30} {fmt(med):>10} {fmt(s and s['min']):>10} "
                     f"{fmt(s and s['max']):>10}  {UNITS[key]:<9} {target:<22} {verdict}")
    lines += ["", f"{'ratio (per round, same run)':<30} {'median':>10} {'min':>10} {'max':>10}  "
              f"{'':<9} {'target':<22} verdict", "-" * len(head)]
    for key, (target, check) in RATIO_TARGETS.items():
        s = results["ratios"].get(key)
        med = None if s is None else s["median"]
        verdict = "—" if med is None else ("" if check is None else
                                           "PASS" if check(med) else "MISS")
        lines.append(f"{key:<30} {fmt(med):>10} {fmt(s and s['min']):>10} "
                     f"{fmt(s and s['max']):>10}  {'×':<9} {target:<22} {verdict}")
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------

def main():
    t_start = time.perf_counter()
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="rulelang-bench-"))
    # every rule load of this run (this process, batch workers, probes) uses our own cache
    os.environ["RULELANG_CACHE_DIR"] = str(tmp / "cache-main")
    log(f"rulelang bench: {'QUICK ' if QUICK else ''}{REPEATS} rounds, single {SINGLE_N}, "
        f"OpenFisca single {OF_SINGLE_N}, batch {BATCH_N}, screen {SCREEN_N}, peak {PEAK_N}, "
        f"cpus {info['cpu_count']}, python {info['python']}")
    try:
        n_gen = max(SINGLE_N, OF_SINGLE_N, BATCH_N, SCREEN_N, PEAK_N, AGREE_N)
        cases = generate(n_gen, SEED)
        rl = Rulelang()
        of = OpenFisca()

        log(f"agreement on {AGREE_N} cases ...")
        agree = agreement(rl, of, cases, AGREE_N)
        for name, a in agree["engines"].items():
            log(f"  {name:<18} outcome mismatches {a['outcome_mismatches']}, "
                f"not_met mismatches {a['not_met_mismatches']}")

        single_facts = cases.facts(0, SINGLE_N)
        of_situations = [OpenFisca.situation(f) for f in cases.facts(0, OF_SINGLE_N)]
        batch_cases = [{"id": i, "date": DATE, "facts": f}
                       for i, f in enumerate(cases.facts(0, BATCH_N))]
        arrow = cases.arrow_table(SCREEN_N) if rl.screen is not None else None
        of_inputs = cases.openfisca_inputs(SCREEN_N) if of.ok else None
        jsonl = tmp / "cases.jsonl"
        cases.write_jsonl(jsonl, PEAK_N)
        peak_env = dict(os.environ, RULELANG_CACHE_DIR=str(tmp / "cache-peak"))

        # warm-up (imports, caches, first-call costs), not timed
        rl.evaluate_all(single_facts[:200])
        for f in single_facts[:200]:
            handwritten(f, DATE)
        if of.ok:
            of.single_all(of_situations[:20])
        vec_cache = {"screen": None, "openfisca": None}
        load_probe(tmp / "cache-warmup")  # writes rulelang's bytecode if it is missing

        runs = {k: [] for k in TARGETS}
        extra = {"evaluate_to_json_us": [], "evaluate_again_us": [], "load_cold_import_s": [], "load_cold_process_s": [],
                 "load_cached_import_s": [], "load_cached_process_s": [],
                 "batch_peak_rss_sum_mib": [], "batch_peak_parent_maxrss_mib": [],
                 "batch_peak_worker_maxrss_mib": [], "batch_peak_cases_per_s": [],
                 "batch_peak_small_pss_mib": []}
        ratios = {k: [] for k in RATIO_TARGETS}
        peak_meta = {}
        peak_n = PEAK_N

        for rnd in range(REPEATS):
            log(f"round {rnd + 1}/{REPEATS}")
            gc.collect()
            t, _ = timed(rl.evaluate_all, single_facts)
            ev_us = t / SINGLE_N * 1e6
            t, _ = timed(rl.evaluate_json_all, single_facts)
            evj_us = t / SINGLE_N * 1e6
            t, _ = timed(rl.evaluate_again_all, single_facts)
            eva_us = t / SINGLE_N * 1e6
            reps = 5  # the hand-written function is fast: 5 passes for a stable figure

            def hw():
                for _ in range(reps):
                    for f in single_facts:
                        handwritten(f, DATE)
            t, _ = timed(hw)
            hw_us = t / (SINGLE_N * reps) * 1e6
            of_us = None
            if of.ok:
                t, _ = timed(of.single_all, of_situations)
                of_us = t / OF_SINGLE_N * 1e6
            log(f"  evaluate {ev_us:.1f} µs (with to_json {evj_us:.1f} µs, again {eva_us:.1f} µs), "
                f"handwritten {hw_us:.2f} µs, OpenFisca single {fmt(of_us)} µs")

            t, n = timed(batch_to_file, rl, iter(batch_cases), tmp / "batch_out.jsonl")
            assert n == BATCH_N
            batch_ps = BATCH_N / t
            log(f"  batch {batch_ps:,.0f} cases/s")

            scale = 1_000_000 / SCREEN_N
            scr = None
            if rl.screen is not None:
                gc.collect()
                t, vec_cache["screen"] = timed(rl.screen, rl.rules, BENEFIT, arrow, DATE)
                scr = t * scale
            ofv = None
            if of.ok:
                gc.collect()
                vec_cache["openfisca"] = None
                t, vec_cache["openfisca"] = timed(of.vector, of_inputs, SCREEN_N)
                ofv = t * scale
            t, vec_cache["numpy"] = timed(numpy_handwritten, cases.cols, SCREEN_N)
            npv = t * scale
            log(f"  screen {fmt(scr)} s, OpenFisca vector {fmt(ofv)} s, numpy {npv:.4f} s "
                f"(per 1 M rows)")

            cold_dir = tmp / f"cache-cold-{rnd}"
            cold = load_probe(cold_dir)
            cached = load_probe(cold_dir)
            shutil.rmtree(cold_dir, ignore_errors=True)
            log(f"  load cold {cold['total_s']:.3f} s, cached {cached['total_s']:.3f} s")

            if rnd == 0 and not PEAK_N_SET:
                # streaming from a file is a little slower than the in-memory batch
                fits = int(PEAK_BUDGET_S / REPEATS * batch_ps * 0.85 / 1.1) // 10_000 * 10_000
                peak_n = min(PEAK_N, max(10_000, fits))
                if peak_n < PEAK_N:
                    log(f"  peak batch: {peak_n} cases instead of {PEAK_N} to stay within "
                        f"{PEAK_BUDGET_S:.0f} s (set BENCH_PEAK_N to force a size)")
            pk = peak_probe(jsonl, peak_n, tmp, peak_env)
            if pk["cases"] != peak_n or pk["output_lines"] != peak_n or pk["errors"]:
                raise RuntimeError(f"peak run did not decide every case: {pk}")
            small = peak_probe(jsonl, max(1, peak_n // 10), tmp, peak_env)
            peak_meta = {"processes": pk["processes"]}
            log(f"  batch peak {pk['pss_mib']:.0f} MiB PSS ({peak_n} cases, "
                f"{pk['cases'] / pk['seconds']:,.0f}/s); {small['pss_mib']:.0f} MiB for "
                f"{small['cases']} cases")

            for key, v in (("evaluate_us", ev_us), ("handwritten_us", hw_us),
                           ("openfisca_single_us", of_us), ("batch_cases_per_s", batch_ps),
                           ("screen_1m_s", scr), ("openfisca_vector_1m_s", ofv),
                           ("numpy_handwritten_1m_s", npv), ("load_cold_s", cold["total_s"]),
                           ("load_cached_s", cached["total_s"]),
                           ("batch_10m_peak_mib", pk["pss_mib"])):
                runs[key].append(v)
            extra["evaluate_to_json_us"].append(evj_us)
            extra["evaluate_again_us"].append(eva_us)
            extra["load_cold_import_s"].append(cold["import_s"])
            extra["load_cold_process_s"].append(cold["process_s"])
            extra["load_cached_import_s"].append(cached["import_s"])
            extra["load_cached_process_s"].append(cached["process_s"])
            extra["batch_peak_rss_sum_mib"].append(pk["rss_mib"])
            extra["batch_peak_parent_maxrss_mib"].append(pk["parent_maxrss_mib"])
            extra["batch_peak_worker_maxrss_mib"].append(pk["worker_maxrss_mib"])
            extra["batch_peak_cases_per_s"].append(pk["cases"] / pk["seconds"])
            extra["batch_peak_small_pss_mib"].append(small["pss_mib"])

            ratios["evaluate_vs_handwritten"].append(ev_us / hw_us)
            ratios["openfisca_single_vs_evaluate"].append(of_us / ev_us if of_us else None)
            ratios["openfisca_vector_vs_screen"].append(ofv / scr if ofv and scr else None)
            ratios["screen_vs_numpy_handwritten"].append(scr / npv if scr else None)
            ratios["batch_vs_one_core"].append(batch_ps / (1e6 / evj_us))
            ratios["load_cold_vs_cached"].append(cold["total_s"] / cached["total_s"])

        vector_check = None
        if of.ok and vec_cache["screen"] is not None:
            vector_check = vector_agreement(of, *vec_cache["openfisca"], vec_cache["screen"],
                                            vec_cache["numpy"])
            log(f"screen vs OpenFisca on all {SCREEN_N} rows: outcome mismatches "
                f"{vector_check['outcome_mismatches']}, per vilkår "
                f"{vector_check['not_met_mismatches_by_condition']}")
        vec_cache.clear()

        profile = None
        if PROFILE_N:
            log(f"profiling evaluate() on {PROFILE_N} cases (cProfile) ...")
            profile = profile_evaluate(rl, single_facts[:PROFILE_N])

        figures = {k: summary(v) for k, v in runs.items()}
        results = {k: (None if s is None else s["median"]) for k, s in figures.items()}
        results.update({
            "batch_peak_cases": peak_n,
            "batch_peak_workers": WORKERS or os.cpu_count(),
            "bench_version": 1,
            "quick": QUICK,
            "date": DATE,
            "benefit": BENEFIT,
            "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "figures": figures,
            "ratios": {k: summary(v) for k, v in ratios.items()},
            "extra": {k: summary(v) for k, v in extra.items()},
            "config": {"repeats": REPEATS, "single_n": SINGLE_N, "openfisca_single_n": OF_SINGLE_N,
                       "batch_n": BATCH_N, "screen_n": SCREEN_N,
                       "vector_figures_scaled_to_1m": SCREEN_N != 1_000_000,
                       "peak_n_requested": PEAK_N, "peak_n": peak_n,
                       "peak_small_n": max(1, peak_n // 10),
                       "peak_capped_by_time_budget": peak_n < PEAK_N,
                       "peak_budget_s": None if PEAK_N_SET else PEAK_BUDGET_S,
                       "peak_processes": peak_meta.get("processes"),
                       "load_probe_bytecode": "kept (a warm-up probe writes it first)",
                       "agree_n": AGREE_N, "workers": WORKERS or os.cpu_count(), "seed": SEED},
            "targets": {k: t for k, (t, _) in {**TARGETS, **RATIO_TARGETS}.items()},
            "agreement": agree,
            "vector_agreement": vector_check,
            "profile_evaluate": profile,
            "machine": info,
        })
        big = PEAK_OUT.exists() and not QUICK and json.loads(PEAK_OUT.read_text("utf-8"))
        if big and big.get("batch_peak_cases", 0) > peak_n:
            # `make bench-peak` measured a larger batch (10 M): its figure is the target's
            results["extra"]["batch_peak_rounds_mib"] = figures["batch_10m_peak_mib"]
            results["extra"]["batch_peak_rounds_cases"] = peak_n
            results.update(big)
        results["machine"]["loadavg_end"] = list(os.getloadavg())
        results["bench_seconds"] = time.perf_counter() - t_start
        OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n",
                       encoding="utf-8")

        print()
        print(f"rulelang bench — dagpenger on {DATE}, {REPEATS} rounds"
              f"{' (QUICK: small sizes, not the real figures)' if QUICK else ''}; "
              f"{info['cpu_count']} cpus ({info['cpu_model']}), Python {info['python']}")
        print(table(results))
        print()
        a = agree["engines"]
        print(f"agreement with rulelang evaluate() on {AGREE_N} cases "
              f"({agree['outcomes']['granted']} granted): " + ", ".join(
                  f"{k} {v['not_met_mismatches']} mismatches" for k, v in a.items()))
        if vector_check:
            print(f"screen vs OpenFisca on all {vector_check['rows']:,} rows: "
                  f"{vector_check['outcome_mismatches']} outcome mismatches, "
                  f"{sum(vector_check['not_met_mismatches_by_condition'].values())} vilkår "
                  f"mismatches (numpy by hand vs screen: "
                  f"{vector_check['numpy_handwritten_vs_screen_mismatches']})")
        e = results["extra"]
        print(f"batch peak: PSS sum {fmt(results['batch_10m_peak_mib'])} MiB for {peak_n:,} "
              f"cases vs {fmt(e['batch_peak_small_pss_mib']['median'])} MiB for "
              f"{max(1, peak_n // 10):,} (RSS sum {fmt(e['batch_peak_rss_sum_mib']['median'])}, "
              f"largest worker {fmt(e['batch_peak_worker_maxrss_mib']['median'])} MiB); "
              f"streaming {fmt(e['batch_peak_cases_per_s']['median'])} cases/s")
        print(f"evaluate() + to_json(indent=None), what a batch worker does per case: "
              f"{fmt(e['evaluate_to_json_us']['median'])} µs (evaluate + to_dict "
              f"{fmt(results['evaluate_us'])} µs); batch speed-up over one core "
              f"{fmt(results['ratios']['batch_vs_one_core']['median'])}×")
        print(f"load: import alone {fmt(e['load_cold_import_s']['median'])} s; whole process "
              f"cold {fmt(e['load_cold_process_s']['median'])} s / cached "
              f"{fmt(e['load_cached_process_s']['median'])} s")
        if profile:
            print(f"evaluate() profile (cProfile, {PROFILE_N} cases): share of the time under")
            for label, share in profile["cumulative_share"].items():
                print(f"  {share * 100:5.1f} %  {label}")
            print("  own time by module: " + ", ".join(
                f"{m['module']} {m['tottime_share'] * 100:.0f} %"
                for m in profile["own_time_by_module"][:8]))
        print(f"written {OUT.relative_to(ROOT) if OUT.is_relative_to(ROOT) else OUT} "
              f"in {results['bench_seconds']:.0f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
