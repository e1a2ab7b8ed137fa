"""`rulelang batch`: a caseload file in, one result row per case out, resumable.

    rulelang batch BENEFIT --input FILE --output FILE [--date D] [--rules DIR] [--workers N]
                   [--dask SCHEDULER_ADDRESS|local] [--resume/--no-resume] [--row-group-size N]

Input: a caseload read by `caseio.iter_cases` (JSON Lines, JSON, CSV, Parquet file or dataset;
`--date` is the date of rows without one). Output: exactly one row per input row, in input
order, in the format of the output's extension (`caseio.encoder`: the decision JSON per line,
or flat CSV/Parquet columns). Blocks of 512 cases are decided (`batch.evaluate_many`) and
encoded in a pool of worker processes, one per core (in this process for a small input), or
with `--dask` by `daskrun` on a cluster; every way gives the same bytes.

Nothing is half-written at the output path: rows go to `OUTPUT.partial` (with the sidecar
`OUTPUT.partial.state`), or for Parquet to row groups of `--row-group-size` rows, each its own
part file committed by a rename in the directory `OUTPUT.partial/` (with `state.json`), and
the result is renamed to OUTPUT at the end. The state records the input's identity (path, size,
mtime and a hash of its ends, per file), the benefit, the date, the rules' `rules_version`, the
engine's hash, the output format and the rows done. Run again with the same arguments after an
interruption and the batch resumes from the last checkpoint (a torn last line is cut off, the
rows already done are skipped in the input); the final file is byte-identical to an
uninterrupted run. A changed input, rules or argument refuses to resume (exit 2);
`--no-resume` starts over.

Exit codes: 0 every row decided; 3 the output is complete but some rows carry an error (each in
its own row; the first is named on stderr); 2 bad arguments, an input that cannot be read as a
whole (found before anything is written: a missing file, an unknown column, a schema, no date),
or a refused resume; 1 an internal failure; 130 interrupted. After 1, 130, or a damaged input
found midway (exit 2: a CSV that stops being UTF-8, a corrupt Parquet page), the partial output
and its state stay: the same command resumes, `--no-resume` starts over.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import os
import shutil
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from attrs import frozen

from . import caseio
from .batch import ordered_pool
from .errors import InputError, UnknownBenefitError
from .jsonout import dumps

STATE_VERSION = 1
ROW_GROUP_SIZE = 4096   # rows per Parquet row group (and part file); ~14 MB of decision JSON
BLOCK = 512             # rows encoded and checkpointed at a time
SMALL = 2000            # fewer cases than this are decided in this process (no pool start-up)
ROWS_WITH_ERRORS = 3    # the exit code when the output is complete but some rows are errors


def register(sub) -> None:
    """Declare the command's arguments on the `rulelang` sub-parser."""
    b = sub.add_parser(
        "batch", help="decide every case of a caseload file (JSON Lines, CSV, Parquet) into a "
                      "result file, resumably",
        description="Decide every case of a caseload into one output row per case, in input "
                    "order. Formats by extension: .jsonl/.ndjson, .json (input), .csv, .parquet "
                    "(a file or, for input, a directory). Exit 0 all rows decided, 3 some rows "
                    "carry an error, 2 bad input, 1 internal failure.")
    b.add_argument("benefit")
    b.add_argument("--input", "-i", required=True, help="the caseload file (or Parquet directory)")
    b.add_argument("--output", "-o", required=True, help="the result file (.jsonl, .csv, .parquet)")
    b.add_argument("--date", help="the prøvingsdato of rows without a date, YYYY-MM-DD")
    b.add_argument("--rules", default=None, help="rule folder (default: the rules that ship)")
    b.add_argument("--workers", type=int, default=None,
                   help="processes (default: every core; Dask local: workers)")
    b.add_argument("--dask", metavar="SCHEDULER_ADDRESS|local", default=None,
                   help="decide on a Dask cluster (a Parquet input): 'local' starts one on this "
                        "machine, or give tcp://host:port")
    b.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                   help="continue an interrupted run from its partial output (default); "
                        "--no-resume starts over")
    b.add_argument("--row-group-size", type=int, default=ROW_GROUP_SIZE,
                   help=f"rows per Parquet row group (default {ROW_GROUP_SIZE})")
    b.set_defaults(func=cmd_batch)


# --- the command ----------------------------------------------------------------------------------

def cmd_batch(args) -> int:
    from .evaluator import parse_date
    from .loader import PACKAGED_RULES, load_rules

    date = parse_date(args.date) if args.date else None
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be 1 or more")
    if args.row_group_size < 1:
        raise InputError("--row-group-size must be 1 or more")
    rules = load_rules(Path(args.rules) if args.rules else PACKAGED_RULES)
    progress = sys.stderr.isatty()
    summary = run_batch(rules, args.benefit, args.input, args.output, date=date,
                        workers=args.workers, dask=args.dask, resume=args.resume,
                        row_group_size=args.row_group_size, progress=progress)
    if summary.errors:
        row, cid, message = summary.first_error
        label = f"row {row}" + (f" (id {caseio.id_text(cid)})" if cid is not None else "")
        message = message.removeprefix(f"row {row}: ")
        print(f"rulelang: {summary.errors} of {summary.rows} rows could not be decided, each has "
              f"its error in its row of {args.output}; the first is {label}: {message}",
              file=sys.stderr)
        return ROWS_WITH_ERRORS
    if progress:
        rows = "1 row" if summary.rows == 1 else f"{summary.rows} rows"
        print(f"rulelang: {rows} decided -> {args.output}", file=sys.stderr)
    return 0


@frozen
class Summary:
    """What a batch did: rows written, rows with an error and the first of them
    (1-based row, id, message), and the row it resumed from (0 for a fresh run)."""

    rows: int
    errors: int
    first_error: tuple | None
    resumed_from: int


@frozen
class Block:
    """Consecutive output rows, encoded (text, or an Arrow table for Parquet)."""

    rows: int
    errors: int
    first_error: tuple | None
    data: object


def run_batch(rules, benefit: str, input_path, output_path, *, date=None, workers=None,
              dask=None, resume: bool = True, row_group_size: int = ROW_GROUP_SIZE,
              progress: bool = False) -> Summary:
    """Decide every case of `input_path` into `output_path` (see the module docstring).

    Args:
        rules: `Rules` from `load_rules`.
        benefit: the benefit id.
        input_path, output_path: files; formats by extension (caseio).
        date: the default date (`datetime.date`) of rows without one.
        workers: processes (None: every core; 1: this process). With `dask="local"`, workers.
        dask: None, "local" or a scheduler address (tcp://host:port).
        resume: continue an interrupted run with the same arguments (else start over).
        row_group_size: rows per row group of a Parquet output.
        progress: show a progress bar on stderr.

    Raises:
        InputError: bad arguments, an unreadable input, a refused resume.
    """
    src, dst = Path(input_path), Path(output_path)
    in_fmt, out_fmt = caseio.input_format(src), caseio.output_format(dst)
    if src.resolve() == dst.resolve() or src.resolve() in dst.resolve().parents:
        raise InputError("the output must not be the input (or inside the input's directory)")
    if not dst.resolve().parent.is_dir():
        raise InputError(f"the output's folder does not exist: {dst.resolve().parent}")
    if benefit not in rules.compiled:
        raise UnknownBenefitError(f"unknown benefit '{benefit}'; the benefits are: "
                                  + ", ".join(rules.benefits))
    if dask and in_fmt != "parquet":
        raise InputError("--dask reads a Parquet caseload (a .parquet file or a directory of "
                         "them); convert the input or run without --dask")
    model = rules.compiled[benefit].model
    caseio.check_input(src, model, date)   # a header or schema it cannot take: before any output
    identity = {"rulelang_batch": STATE_VERSION, "input": caseio.input_identity(src),
                "benefit": benefit, "date": date.isoformat() if date else None,
                "rules_version": model.rules_version, "engine": engine_version(),
                "output": out_fmt}
    enc = caseio.encoder(out_fmt, list(model.amounts))
    if out_fmt == "parquet":
        identity["row_group_size"] = row_group_size
        sink = ParquetSink(dst, identity, enc, row_group_size)
    else:
        sink = TextSink(dst, identity, enc)
    with contextlib.ExitStack() as stack:
        client = None
        if dask:   # connect (or start the local cluster) before anything is written
            from . import daskrun
            client = stack.enter_context(daskrun.connect(dask, workers))
        done = sink.open(resume)
        bar = stack.enter_context(_progress_bar(src, done)) if progress else None
        if client is not None:
            blocks = daskrun.run_blocks(client, rules, benefit, src, date, enc, start=done,
                                        local=dask == "local")
        else:
            blocks = _local_blocks(rules, benefit, src, model, date, enc, done, workers)
        try:
            for block in blocks:
                sink.write(block)
                if bar is not None:
                    bar.update(block.rows)
        except BaseException:
            blocks.close()  # stops the pool, cancels the cluster's tasks
            sink.close()    # interrupted or failed: the last checkpoint stays for resuming
            raise
    sink.finish()
    return Summary(sink.rows, sink.errors, sink.first_error, done)


def _progress_bar(src: Path, initial: int):
    from tqdm import tqdm
    try:
        total = caseio.count_cases(src)
    except InputError:
        total = None
    return tqdm(total=total, initial=initial, unit=" rows", file=sys.stderr, dynamic_ncols=True,
                smoothing=0.1)


# --- deciding -------------------------------------------------------------------------------------

def decide(rules, benefit: str, cases: Iterable[dict], workers: int | None = 1, start: int = 0,
           chunk_size: int = 512) -> Iterator[caseio.RowResult]:
    """`RowResult`s of caseio cases, in order, by `evaluate_many` (in this process, or on
    `workers` processes); a row caseio could not read keeps its read error (exit code 2).
    `start` is the index of the first case in the whole input (resuming)."""
    from .batch import evaluate_many

    side: deque = deque()  # (date, read error) of each case evaluate_many has taken

    def feed():
        for case in cases:
            error = case.get("error")
            side.append((case.get("date"), error))
            # a row that could not be read fails at once in evaluate (no date): its result is
            # replaced below by the read error
            yield case if error is None else {"id": case.get("id"), "date": None, "facts": None}

    for r in evaluate_many(rules, benefit, feed(), workers=workers, chunk_size=chunk_size):
        on, error = side.popleft()
        if error is not None:
            yield caseio.RowResult(start + r.index, r.id, on, None, error, 2)
        else:
            yield caseio.RowResult(start + r.index, r.id, on, r.json, r.error, r.exit_code)


def encode_block(enc, results: list[caseio.RowResult]) -> Block:
    """Encode results as one block, counting the rows with an error."""
    bad = [r for r in results if r.error is not None]
    first = (bad[0].index + 1, bad[0].id, bad[0].error) if bad else None
    return Block(len(results), len(bad), first, enc.encode(results))


def _local_blocks(rules, benefit, src, model, date, enc, start, workers) -> Iterator[Block]:
    """Blocks decided on this machine: in this process for a small input or `workers=1`, else
    on a pool of `workers` processes (default: every core)."""
    cases = caseio.iter_cases(src, model, date, start=start)
    head = list(itertools.islice(cases, SMALL))
    if workers is None:
        workers = 1 if len(head) < SMALL else os.cpu_count() or 1
    cases = itertools.chain(head, cases)
    if workers <= 1 or rules.root in ("<memory>", ""):
        results = decide(rules, benefit, cases, workers=1, start=start)
        while block := list(itertools.islice(results, BLOCK)):
            yield encode_block(enc, block)
        return
    yield from _pool_blocks(rules, benefit, cases, enc, start, workers)


_WORKER: dict = {}   # in a pool process: the rules, the benefit and the encoder


def _init_pool(root: str, benefit: str, spec: tuple) -> None:
    from .loader import load_rules
    _WORKER.update(rules=load_rules(root), benefit=benefit, enc=caseio.encoder(*spec))


def _decide_chunk(args) -> Block:
    start, cases = args
    results = list(decide(_WORKER["rules"], _WORKER["benefit"], cases, workers=1, start=start))
    return encode_block(_WORKER["enc"], results)


def _pool_blocks(rules, benefit, cases, enc, start, workers) -> Iterator[Block]:
    """Blocks of BLOCK cases decided and encoded in worker processes (the encoding too: JSON
    to columns is a fair share of the work, which one process would not keep up with), in
    input order, with at most two blocks per worker in flight: constant memory."""
    spec = (enc.fmt, list(getattr(enc, "amount_ids", ())))

    def tasks():
        nonlocal start
        while chunk := list(itertools.islice(cases, BLOCK)):
            yield start, chunk
            start += len(chunk)
    yield from ordered_pool(_decide_chunk, tasks(), workers, _init_pool, (rules.root, benefit, spec))


# Modules that take no part in reading cases, deciding them or writing the rows.
_NOT_ENGINE = {"__main__.py", "cli.py", "service.py", "impact.py", "screen.py", "coverage.py",
               "cases.py", "printer.py", "textout.py"}


def engine_version() -> str:
    """A hash of the source that decides and writes the rows (the engine, the explanations,
    this command): a resumed run must write the bytes the interrupted one would have."""
    here = Path(__file__).resolve().parent
    files = [p for p in sorted(here.glob("*.py")) if p.name not in _NOT_ENGINE]
    files += [here / "grammar.lark"] + sorted((here.parent / "explain").rglob("*.py"))
    digest = hashlib.sha256()
    for p in files:
        if p.is_file():
            digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return "sha256:" + digest.hexdigest()


# --- output with checkpoints ----------------------------------------------------------------------

_WHAT = {"input": "the input changed", "benefit": "the benefit differs",
         "date": "--date differs", "rules_version": "the rules changed",
         "engine": "rulelang itself changed", "output": "the output format differs",
         "row_group_size": "--row-group-size differs", "rulelang_batch": "it was written by "
         "another version of rulelang batch"}


def _refuse_if_changed(partial: Path, state: dict, identity: dict) -> None:
    changed = [key for key in identity if state.get(key) != identity[key]]
    if changed:
        reasons = "; ".join(_WHAT.get(k, f"{k} differs") for k in changed)
        raise InputError(f"cannot resume the interrupted run in {partial}: {reasons} since it "
                         f"started. Run with --no-resume to start over")


def _read_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text("utf-8"), parse_float=Decimal)
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _write_state(path: Path, state: dict) -> None:
    """Write beside, then rename: the state is always whole (ids may be any JSON value)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(state, indent=1), "utf-8")
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class _Counts:
    """Rows written so far, rows with an error, the first error (1-based row, id, message)."""

    def __init__(self):
        self.rows, self.errors, self.first_error = 0, 0, None

    def add(self, block: Block) -> None:
        self.rows += block.rows
        self.errors += block.errors
        if self.first_error is None and block.first_error is not None:
            self.first_error = tuple(block.first_error)


class TextSink(_Counts):
    """JSON Lines or CSV into `OUTPUT.partial`; after every block the file is flushed and
    `OUTPUT.partial.state` records the rows, bytes and errors so far (written by a rename, so
    it never describes more than the file holds)."""

    def __init__(self, final: Path, identity: dict, enc):
        super().__init__()
        self.final, self.identity, self.enc = final, identity, enc
        self.partial = final.with_name(final.name + ".partial")
        self.state_path = final.with_name(final.name + ".partial.state")
        self.fh = None
        self.size = 0

    def open(self, resume: bool) -> int:
        """Resume (returns the rows already written) or start over (returns 0)."""
        state = _read_state(self.state_path) if resume and self.partial.is_file() else None
        if state is not None:
            _refuse_if_changed(self.partial, state, self.identity)
            if self.partial.stat().st_size >= state.get("bytes", -1) >= 0:
                self.fh = self.partial.open("r+b")
                self.fh.truncate(state["bytes"])   # cut a torn last line (or block)
                self.fh.seek(state["bytes"])
                self.size, self.rows, self.errors = state["bytes"], state["rows"], state["errors"]
                self.first_error = tuple(state["first_error"]) if state["first_error"] else None
                return self.rows
            print(f"rulelang: {self.partial} is shorter than its state records; starting over",
                  file=sys.stderr)
        _remove(self.partial)
        _remove(self.state_path)
        self.fh = self.partial.open("wb")
        head = self.enc.header().encode("utf-8")
        self.fh.write(head)
        self.size = len(head)
        self._checkpoint()
        return 0

    def write(self, block: Block) -> None:
        data = block.data.encode("utf-8")
        self.fh.write(data)
        self.size += len(data)
        self.add(block)
        self._checkpoint()

    def _checkpoint(self) -> None:
        self.fh.flush()
        _write_state(self.state_path, {**self.identity, "rows": self.rows, "bytes": self.size,
                                       "errors": self.errors,
                                       "first_error": list(self.first_error or []) or None})

    def close(self) -> None:
        if self.fh is not None and not self.fh.closed:
            self.fh.close()

    def finish(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.partial, self.final)
        _remove(self.state_path)


class ParquetSink(_Counts):
    """Parquet: rows are cut into parts of exactly `row_group_size` rows (the last may be
    shorter), each written as `part-NNNNNN.parquet` in `OUTPUT.partial/` by a rename; at the
    end the parts become the row groups of one file. The parts on disk are the checkpoint, so
    the row groups do not depend on where a run was interrupted."""

    def __init__(self, final: Path, identity: dict, enc, row_group_size: int):
        super().__init__()
        self.final, self.identity, self.enc, self.size = final, identity, enc, row_group_size
        self.partial = final.with_name(final.name + ".partial")
        self.state_path = self.partial / "state.json"
        self.pending: list = []     # Arrow tables not yet in a part
        self.pending_rows = 0
        self.parts = 0
        self.committed = 0          # rows in committed parts

    def _part(self, i: int) -> Path:
        return self.partial / f"part-{i:06d}.parquet"

    def open(self, resume: bool) -> int:
        """Resume (returns the rows in committed parts) or start over (returns 0)."""
        state = _read_state(self.state_path) if resume and self.partial.is_dir() else None
        if state is not None:
            _refuse_if_changed(self.partial, state, self.identity)
            self._recover()
            self.committed = self.rows
            return self.rows
        _remove(self.partial)
        self.partial.mkdir(parents=True)
        _write_state(self.state_path, self.identity)
        return 0

    def _recover(self) -> None:
        """Count the committed parts (contiguous from 0) and their errors; drop the rest."""
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
        while self._part(self.parts).is_file():
            try:
                t = pq.read_table(self._part(self.parts), columns=["id", "exit_code", "error"])
            except Exception:   # damaged (a crash of the machine, not of the run): redo it
                break
            bad = pc.not_equal(t.column("exit_code"), 0)
            errors = pc.sum(bad).as_py() or 0
            if errors and self.first_error is None:
                at = pc.index(bad, True).as_py()
                self.first_error = (self.rows + at + 1, t.column("id")[at].as_py(),
                                    t.column("error")[at].as_py())
            self.rows += t.num_rows
            self.errors += errors
            self.parts += 1
        keep = {"state.json"} | {self._part(i).name for i in range(self.parts)}
        for p in self.partial.iterdir():
            if p.name not in keep:   # a part after a gap, a temporary file
                _remove(p)

    def write(self, block: Block) -> None:
        self.pending.append(block.data)
        self.pending_rows += block.rows
        self.add(block)
        while self.pending_rows >= self.size:
            self._flush(self.size)

    def _flush(self, n: int) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        table = pa.concat_tables(self.pending)
        part, rest = table.slice(0, n).combine_chunks(), table.slice(n)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        tmp = self.partial / f".part-{self.parts:06d}.tmp"
        pq.write_table(part, tmp, row_group_size=n)
        os.replace(tmp, self._part(self.parts))
        self.parts += 1
        self.committed += n
        # informative only: the committed parts on disk are what a resumed run trusts
        _write_state(self.state_path, {**self.identity, "rows": self.committed})

    def close(self) -> None:
        self.pending, self.pending_rows = [], 0

    def finish(self) -> None:
        import pyarrow.parquet as pq
        if self.pending_rows:
            self._flush(self.pending_rows)
        schema = self.enc.schema()
        tmp = self.partial / ".combined.tmp"
        with pq.ParquetWriter(tmp, schema) as writer:
            for i in range(self.parts):
                part = pq.ParquetFile(self._part(i)).read(use_threads=False)
                writer.write_table(part.cast(schema), row_group_size=self.size)
        _fsync(tmp)
        os.replace(tmp, self.final)
        _remove(self.partial)
