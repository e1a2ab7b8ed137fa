"""`rulelang batch --dask`: the row groups of a Parquet caseload as tasks on a Dask cluster.

Input: a scheduler address (`local` starts a `LocalCluster` on this machine: one worker process
per core, or `--workers`, one thread each; or `tcp://host:port` of a running scheduler), loaded
`Rules`, the benefit, a Parquet file or directory, the default date, the output encoder and the
row to start from (resuming). Output: `batchfile.Block`s in input order, holding exactly the rows
a single-machine run writes, so the output file is byte-identical.

Each row group, cut into slices of at most `TASK_ROWS` rows, is one task. The worker reads the
slice (`caseio.read_piece`: the same conversion as `caseio.iter_cases`), decides it with the
compiled rules (`batchfile.decide` in the worker's process; the rules are loaded once per
worker process from the rules folder, which the on-disk cache makes cheap) and returns it
encoded for the output format, so the client only writes. At most two tasks per worker are in
flight and the client takes results in submission order: memory stays bounded and the output
keeps the input order.

Why not `screen`: it gives the outcome and the vilkår not met, but an output row also holds the
unknown conditions, the missing facts, the amounts and the whole decision, which need
`evaluate`.

The workers must see the input and the rules folder at the same paths (a shared file system)
and run the same rulelang; a task refuses to run if its rules (`rules_version`) or its engine
(`batchfile.engine_version`) are not the client's. Raises `InputError` when the scheduler
cannot be reached.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from . import caseio
from .errors import InputError

TASK_ROWS = 4096      # rows per task at most (a row group is cut into slices of this size)
CONNECT_TIMEOUT = "10s"

_RULES: dict = {}     # rules folder -> Rules, in each worker process


def tasks(pieces, start: int = 0, size: int = TASK_ROWS) -> Iterator[tuple]:
    """(file, row group, lo, hi, first row) for the rows from `start` on, in input order:
    each row group of `pieces` (`caseio.parquet_pieces`) cut into slices of at most `size`."""
    row = 0
    for file, group, n in pieces:
        for lo in range(0, n, size):
            hi = min(lo + size, n)
            if row + hi > start:
                first = max(lo, start - row)
                yield file, group, first, hi, row + first
        row += n


def run_blocks(client, rules, benefit: str, src, date, enc, start: int = 0,
               local: bool = False) -> Iterator:
    """The output blocks (`batchfile.Block`) of a Parquet caseload decided on the cluster of
    `client`, in input order, from row `start` on. `local`: the workers share this process's
    working directory (a relative rules folder is then given as it is)."""
    model = rules.compiled[benefit].model
    pieces = caseio.parquet_pieces(src, model, date)
    root = rules.root if local else str(Path(rules.root).resolve())
    spec = (enc.fmt, list(getattr(enc, "amount_ids", ())))
    from .batchfile import engine_version
    versions = (model.rules_version, engine_version())
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque = deque()
    try:
        for file, group, lo, hi, first in tasks(pieces, start, TASK_ROWS):
            pending.append(client.submit(
                evaluate_piece, root, benefit, versions, file, group, lo, hi, first, date, spec,
                pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


@contextlib.contextmanager
def connect(address: str, workers: int | None = None):
    """A `distributed.Client`: of a new LocalCluster for "local" (`workers` processes, default
    one per core, one thread each), else of the scheduler at `address`."""
    from distributed import Client, LocalCluster

    if address == "local":
        n = workers or os.cpu_count() or 1
        with _sigint_ignored():   # inherited by the worker processes (see below)
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.CRITICAL)
        with cluster, Client(cluster) as client:
            yield client
        return
    failure = None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        failure = f"cannot reach the Dask scheduler at {address}: {exc}"
    if failure is not None:
        # The half-made Client is garbage in a reference cycle. Its __del__ stops an event loop;
        # run later by the collector inside another Client's start, it deadlocks that start
        # (distributed 2026.8). Collect it now, while no Client is starting.
        gc.collect()
        raise InputError(failure)
    with client:
        yield client


def _version(rules, benefit: str):
    compiled = rules.compiled.get(benefit)
    return compiled.model.rules_version if compiled is not None else None


@contextlib.contextmanager
def _sigint_ignored():
    """Start processes with SIGINT ignored: Ctrl-C reaches the whole process group, and only
    this process should act on it (it closes the cluster); a worker process that got it would
    print a traceback. A process started with SIGINT ignored keeps it ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _rules(root: str, benefit: str, rules_version: str):
    """The worker's rules from `root`, loaded once; again if the folder has changed since."""
    from .loader import load_rules
    rules = _RULES.get(root)
    if rules is None or _version(rules, benefit) != rules_version:
        rules = _RULES[root] = load_rules(root)
    return rules


@functools.cache
def _engine() -> str:
    from .batchfile import engine_version
    return engine_version()


def evaluate_piece(root: str, benefit: str, versions: tuple, file: str, group: int, lo: int,
                   hi: int, first: int, date, spec: tuple):
    """A task: rows lo..hi of one row group, decided and encoded (`batchfile.Block`).
    `versions` are the client's (rules_version, engine version): a worker whose rules or
    rulelang differ would write other bytes, so it refuses."""
    from .batchfile import decide, encode_block

    rules_version, engine = versions
    rules = _rules(root, benefit, rules_version)
    if _version(rules, benefit) != rules_version or _engine() != engine:
        raise InputError(f"the Dask worker's rules in {root} or its rulelang are not the "
                         f"client's: the workers must run the same rulelang and see the same "
                         f"rules folder")
    cases = caseio.read_piece(file, group, lo, hi, rules.compiled[benefit].model, date,
                              first=first)
    results = list(decide(rules, benefit, cases, workers=1, start=first))
    return encode_block(caseio.encoder(*spec), results)
