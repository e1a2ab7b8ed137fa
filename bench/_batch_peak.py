"""Run in a fresh process by bench/run.py: stream cases from a JSON Lines file through
`evaluate_many` and write every decision as one JSON line; the caller samples the memory of
this process and its workers while it runs.

    python bench/_batch_peak.py CASES.jsonl OUT.jsonl RULES_DIR [WORKERS [LIMIT]]

Each input line is {"id", "date", "facts"}; with LIMIT only the first LIMIT lines are read. Prints one JSON line: cases, seconds, and this
process's and its largest worker's peak RSS (getrusage, MiB).
"""
import json
import resource
import sys
import time

from rulelang import load_rules
from rulelang.batch import evaluate_many


def cases(path, limit=None):
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            yield json.loads(line)


def main():
    src, dst, root = sys.argv[1:4]
    workers = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] != "0" else None
    limit = int(sys.argv[5]) if len(sys.argv) > 5 else None
    t0 = time.perf_counter()
    rules = load_rules(root)
    n = errors = 0
    with open(dst, "w", encoding="utf-8") as out:
        for r in evaluate_many(rules, "dagpenger", cases(src, limit), workers=workers):
            if r.json is None:
                errors += 1
                out.write(json.dumps({"id": r.id, "error": r.error}) + "\n")
            else:
                out.write(r.json + "\n")
            n += 1
    seconds = time.perf_counter() - t0
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"cases": n, "errors": errors, "seconds": seconds,
                      "parent_maxrss_mib": self_kib / 1024, "worker_maxrss_mib": child_kib / 1024}))


if __name__ == "__main__":
    main()
