"""Batch evaluation: many cases through the compiled rules, on every core, in order.

Input: loaded `Rules` (or a rule folder), a benefit and an iterable of cases — each a dict
`{"id"?, "date", "facts"}` or a `(facts, date)` pair. Output: an iterator of results in input
order. Cases are streamed in chunks to worker processes (each loads the rules once, from the
on-disk cache) and results come back in order, so memory stays constant however many cases
there are. A case with bad input does not stop the others: its result is the error.
"""
from __future__ import annotations

import collections
import itertools
import multiprocessing as mp
import os
import signal
from collections.abc import Iterable, Iterator

from attrs import frozen

from .errors import InputError, RulelangError
from .evaluator import evaluate
from .jsonout import dumps

_RULES = None  # the rules of a worker process


@frozen
class BatchResult:
    """One case's result: its id, and either a decision's JSON or an error."""

    index: int
    id: object
    json: str | None
    error: str | None = None
    exit_code: int = 0


def _case(item):
    if isinstance(item, dict):
        return item.get("id"), item.get("facts"), item.get("date")
    facts, date = item
    return None, facts, date


def _run_one(rules, benefit, index, item) -> BatchResult:
    cid, facts, date = _case(item)
    try:
        d = evaluate(rules, benefit, facts, date)
    except RulelangError as exc:
        return BatchResult(index, cid, None, str(exc), exc.exit_code)
    obj = d.to_dict()
    if cid is not None:
        obj = {"id": cid, **obj}
    return BatchResult(index, cid, dumps(obj, indent=None))


def _init_worker(root):
    global _RULES
    from .loader import load_rules
    _RULES = load_rules(root)


def _quiet_init(initializer, initargs):
    # Ctrl-C reaches the whole process group: the parent stops the pool, a worker stays quiet
    # (no KeyboardInterrupt traceback from each of them)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer(*initargs)


def ordered_pool(fn, tasks: Iterable, workers: int, initializer, initargs=()) -> Iterator:
    """`fn(task)` for every task in worker processes (each set up once by `initializer`), the
    results in task order. At most 2 tasks per worker are in flight (Pool.imap would read the
    whole input at once), so memory stays constant however many tasks there are."""
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(workers, initializer=_quiet_init, initargs=(initializer, initargs)) as pool:
        pending = collections.deque()
        for task in tasks:
            pending.append(pool.apply_async(fn, (task,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _run_chunk(args):
    benefit, start, items = args
    return [_run_one(_RULES, benefit, start + i, item) for i, item in enumerate(items)]


def _chunks(cases: Iterable, size: int):
    it = iter(cases)
    start = 0
    while True:
        block = list(itertools.islice(it, size))
        if not block:
            return
        yield start, block
        start += len(block)


def evaluate_many(rules, benefit: str, cases: Iterable, workers: int | None = None,
                  chunk_size: int = 512) -> Iterator[BatchResult]:
    """Evaluate cases in order; yields one `BatchResult` per case.

    Args:
        rules: `Rules` from `load_rules` (its `root` folder is loaded again in each worker).
        benefit: the benefit id.
        cases: dicts `{"id", "date", "facts"}` or `(facts, date)` pairs; read lazily.
        workers: processes to use (default: every core); 1 runs in this process.
        chunk_size: cases sent to a worker at a time.
    """
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or rules.root in ("<memory>", ""):
        for start, block in _chunks(cases, chunk_size):
            for i, item in enumerate(block):
                yield _run_one(rules, benefit, start + i, item)
        return
    tasks = ((benefit, start, block) for start, block in _chunks(cases, chunk_size))
    for results in ordered_pool(_run_chunk, tasks, workers, _init_worker, (rules.root,)):
        yield from results


# -- the list form of `rulelang evaluate` (and of POST /v1/decisions): all or nothing

class CaseError(RulelangError):
    """A case of a list failed; carries the exit code the command line gives it."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def list_cases(data: list, date=None, error=InputError, no_date: str = "") -> list[dict]:
    """The cases of a JSON array of `{"id", "date", "facts"}`, each checked for its shape;
    `date` is the date of a case without one. Raises `error` naming the first bad case."""
    items = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "facts" not in item:
            raise error(f"case {i + 1} of the list must be an object with \"facts\" "
                        f"(and \"id\", \"date\")")
        on = item.get("date") or date
        if on is None:
            raise error(f"case {i + 1} has no \"date\"{no_date}")
        items.append({"id": item.get("id"), "date": on, "facts": item["facts"]})
    return items


def decide_list(rules, benefit: str, items: list, workers: int | None = 1) -> str:
    """The decisions of `items` as one JSON array (a decision a line), in order; the first case
    that fails raises `CaseError` and nothing is returned: never half an answer."""
    results = []
    for r in evaluate_many(rules, benefit, items, workers=workers):
        if r.error is not None:
            label = r.id if r.id is not None else r.index + 1
            raise CaseError(f"case {label}: {r.error}", r.exit_code)
        results.append(r.json)
    return "[\n" + ",\n".join(results) + "\n]\n" if results else "[]\n"
