"""Run in a fresh process by bench/run.py: import rulelang and load every rule under a folder.

Prints one JSON line: import_s, load_s (load_rules: parse, build, check, compile, or read the
on-disk cache and compile), total_s (both, from the first line of this script). The cache
folder is RULELANG_CACHE_DIR, set by the caller (empty for a cold load, warm for a cached one).
"""
import time

T0 = time.perf_counter()
import json  # noqa: E402
import sys  # noqa: E402

import rulelang  # noqa: E402

T1 = time.perf_counter()
rules = rulelang.load_rules(sys.argv[1])
T2 = time.perf_counter()
print(json.dumps({"import_s": T1 - T0, "load_s": T2 - T1, "total_s": T2 - T0,
                  "benefits": len(rules.benefits)}))
