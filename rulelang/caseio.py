"""Caseloads in, results out: the file formats of `rulelang batch` and `rulelang impact`.

Reading. `iter_cases(path, model, date)` yields one dict `{"id", "date", "facts"}` per input
row, in input order, reading the file in chunks (constant memory, except `.json`, which is read
whole). The format comes from the file's extension:

* `.jsonl`, `.ndjson`: one JSON object per line, `{"id"?, "date"?, "facts": {...}}` (other keys
  are ignored); blank lines are not rows. Numbers are read as exact `Decimal`s.
* `.json`: a JSON array of such objects (read whole: use JSON Lines for big caseloads).
* `.csv`: UTF-8 (a BOM is allowed), comma-separated, RFC 4180 quoting, a header row. One column
  per fact, plus optional `id` and `date` columns. An empty cell is an unknown fact. Cells are
  text and are read by the fact's type (`model.fact_types`): `ja/nei` is `true`/`false` (or
  `ja`/`nei`, any case); numbers in plain decimal notation (`37.5`, not `37,5` or `1e3`);
  dates `YYYY-MM-DD`; a list is JSON text (`[1000, 2500.5]`).
* `.parquet`, `.parq`, `.pq`: a file, or a directory of such files (a dataset, read in natural
  order of their paths: `part.2` before `part.10`; names starting with `.` or `_` are skipped).
  One column per fact plus optional `id` and `date`; null is an unknown fact. Integer, decimal,
  boolean, date32/64 and string columns are read exactly; a string cell in a column of another
  type is read like a CSV cell; a timestamp at midnight is a date; a float cell is read as the
  shortest decimal that reads back as that float (37.5 stays 37.5; prefer decimal or integer
  columns for money); list columns give lists.

A row's date is its `date` (JSON key or column), else the `date` argument (the default). Values
are handed to `evaluate` as read: checking them is `facts.validate`'s job, so a bad value makes
that row's decision an error, with the same message `rulelang evaluate` gives. A row that cannot
be read at all (malformed JSON on one line, a CSV record with the wrong number of fields, no
date) is still yielded, with `"facts": None` and `"error": message`, so one output row per input
row stays possible. Whole-file problems raise `InputError` (exit 2): a missing or unreadable
file, an unknown extension, a column that is not a fact of the benefit (when `model` is given),
a CSV or Parquet input with no `date` column and no default date.

Writing. `encoder(fmt, amount_ids)` turns `RowResult`s into a block of output (text for JSON
Lines and CSV, an Arrow table for Parquet), and `write_results(path, results, amount_ids)`
writes a whole file atomically. The columns of CSV and Parquet output are in `COLUMNS` (see
`FlatEncoder`). `rulelang batch` adds resuming (batchfile.py).
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from attrs import frozen

from .errors import InputError
from .jsonout import dumps

__all__ = ["iter_cases", "check_input", "count_cases", "input_format", "output_format",
           "input_identity", "parquet_files", "parquet_pieces", "read_piece", "RowResult",
           "encoder", "write_results", "COLUMNS", "INPUT_FORMATS", "OUTPUT_FORMATS"]

INPUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
                 ".parquet": "parquet", ".parq": "parquet", ".pq": "parquet"}
OUTPUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet",
                  ".parq": "parquet", ".pq": "parquet"}
RESERVED = ("id", "date")          # the columns of CSV and Parquet input that are not facts
PARQUET_BATCH = 4096               # rows decoded at a time from a Parquet file
_TRUE, _FALSE = ("true", "ja"), ("false", "nei")
_NUMBERS = ("beløp", "prosent", "heltall", "desimal")


# --- formats and identity -------------------------------------------------------------------------

def input_format(path) -> str:
    """`jsonl`, `json`, `csv` or `parquet` by the extension (a directory is a Parquet dataset)."""
    p = Path(path)
    if p.is_dir():
        return "parquet"
    fmt = INPUT_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the format of {p}: the input must end in "
                         + ", ".join(INPUT_FORMATS) + " (or be a directory of Parquet files)")
    if not p.exists():
        raise InputError(f"no such input file: {p}")
    return fmt


def output_format(path) -> str:
    """`jsonl`, `csv` or `parquet` by the extension."""
    fmt = OUTPUT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the format of {path}: the output must end in "
                         + ", ".join(OUTPUT_FORMATS))
    return fmt


def input_identity(path) -> dict:
    """What identifies the input for resuming: path, size, mtime and a hash of its first and
    last 64 KiB, per file (every file of a Parquet dataset)."""
    p = Path(path).resolve()
    files = parquet_files(p) if p.is_dir() else [p]
    out = []
    for f in files:
        st = f.stat()
        digest = hashlib.sha256()
        with f.open("rb") as fh:
            digest.update(fh.read(65536))
            if st.st_size > 65536:
                fh.seek(max(65536, st.st_size - 65536))
                digest.update(fh.read(65536))
        out.append({"file": str(f.relative_to(p)) if p.is_dir() else str(f),
                    "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                    "sample_sha256": digest.hexdigest()})
    return {"path": str(p), "files": out}


# --- reading --------------------------------------------------------------------------------------

def iter_cases(path, model=None, date=None, *, start: int = 0) -> Iterator[dict]:
    """Yield `{"id", "date", "facts"}` for every row of a caseload file, in input order.

    Args:
        path: a .jsonl/.ndjson, .json, .csv or .parquet file, or a directory of Parquet files.
        model: the benefit's `BenefitModel` (`rules.compiled[benefit].model`; only its `name`
            and `fact_types` are read); with it, CSV text is read by the fact types and unknown
            columns are refused. Without it, CSV cells stay text and every column is a fact.
        date: the default date (`datetime.date` or "YYYY-MM-DD") for rows without one.
        start: rows to skip first (resuming), cheaply: they are not converted.

    Yields:
        dicts with "id" (None when the row has none), "date" and "facts"; a row that cannot be
        read has `"facts": None` and an "error" message.

    Raises:
        InputError: the file cannot be read as a whole (see the module docstring).
    """
    fmt = input_format(path)
    reader = {"jsonl": _jsonl, "json": _json_array, "csv": _csv, "parquet": _parquet}[fmt]
    return reader(Path(path), model, date, start)


def check_input(path, model=None, date=None) -> None:
    """Raise the whole-file `InputError` of `iter_cases` now, before any output is written:
    a missing file or unknown format, a CSV header or Parquet schema with a column that is not
    a fact, no date column and no default date, a .json file that is not an array."""
    p = Path(path)
    fmt = input_format(p)
    if fmt == "parquet":
        parquet_pieces(p, model, date)
    elif fmt == "json":
        _read_array(p)
    elif fmt == "csv":
        with _open_csv(p) as fh:
            rows = csv.reader(fh)
            try:
                header = next(rows, None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise _csv_error(p, rows, exc) from None
            if header is not None:
                _columns(p, [h.strip() for h in header], model, date)
    else:
        _open_binary(p).close()


def count_cases(path) -> int:
    """The number of rows `iter_cases` yields (reads the file once, without converting)."""
    p = Path(path)
    fmt = input_format(p)
    if fmt == "parquet":
        import pyarrow.parquet as pq
        return sum(_parquet_file(f, pq).metadata.num_rows for f in parquet_files(p))
    if fmt == "json":
        return len(_read_array(p))
    if fmt == "jsonl":
        with _open_binary(p) as fh:
            return sum(1 for line in fh if line.strip())
    with _open_csv(p) as fh:
        rows = csv.reader(fh)
        next(rows, None)
        try:
            return sum(1 for record in rows if record)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_error(p, rows, exc) from None


def _case(cid, date, facts) -> dict:
    return {"id": cid, "date": date, "facts": facts}


def _bad_row(cid, date, message: str) -> dict:
    return {"id": cid, "date": date, "facts": None, "error": message}


def _no_date(where: str) -> str:
    return f"{where}: the case has no date and no default date (--date) was given"


def _open_binary(p: Path):
    try:
        return p.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}") from None


def _jsonl(p: Path, model, date, start: int) -> Iterator[dict]:
    with _open_binary(p) as fh:
        row = 0
        for lineno, raw in enumerate(fh, 1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            row += 1
            if row <= start:
                continue
            where = f"line {lineno}"
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield _bad_row(None, date, f"{where}: not UTF-8 text")
                continue
            try:
                obj = json.loads(text, parse_float=Decimal)
            except json.JSONDecodeError as exc:
                yield _bad_row(None, date, f"{where}: malformed JSON at column {exc.colno}: "
                                           f"{exc.msg}")
                continue
            yield _json_case(obj, where, model, date)


def _json_case(obj, where: str, model, date) -> dict:
    if not isinstance(obj, dict) or "facts" not in obj:
        cid = obj.get("id") if isinstance(obj, dict) else None
        return _bad_row(cid, date, f'{where}: a case must be a JSON object with "facts" (an '
                                   f'object of name -> value) and optional "id" and "date"')
    cid = obj.get("id")
    on = obj.get("date")
    if on is None:
        on = date
    if model is not None and obj.get("benefit") not in (None, model.name):
        return _bad_row(cid, on, f"{where}: the case is for {obj['benefit']}, not {model.name}")
    if on is None:
        return _bad_row(cid, on, _no_date(where))
    return _case(cid, on, obj["facts"])


def _read_array(p: Path) -> list:
    try:
        text = p.read_text("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{p} is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON in {p} at line {exc.lineno} column {exc.colno}: "
                         f"{exc.msg}") from None
    if not isinstance(data, list):
        raise InputError(f'{p} must hold a JSON array of cases {{"id", "date", "facts"}} '
                         f"(or use JSON Lines, .jsonl)")
    return data


def _json_array(p: Path, model, date, start: int) -> Iterator[dict]:
    data = _read_array(p)
    for i in range(start, len(data)):
        yield _json_case(data[i], f"case {i + 1}", model, date)


# --- CSV

def _open_csv(p: Path):
    try:
        return p.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}") from None


def _csv_error(p: Path, rows, exc) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return InputError(f"{p} is not UTF-8 text (near line {rows.line_num + 1})")
    return InputError(f"{p} line {rows.line_num}: {exc}")


def _csv(p: Path, model, date, start: int) -> Iterator[dict]:
    with _open_csv(p) as fh:
        rows = csv.reader(fh)
        try:
            header = next(rows, None)
            if header is None:
                return
            header = [h.strip() for h in header]
            columns = _columns(p, header, model, date)
            n = 0
            for record in rows:
                if not record:
                    continue
                n += 1
                if n <= start:
                    continue
                yield _csv_case(record, header, columns, rows.line_num, date)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_error(p, rows, exc) from None


def _csv_case(record, header, columns, lineno: int, date) -> dict:
    where = f"line {lineno}"
    cells = dict(zip(header, record))
    cid = cells.get("id") or None
    on = (cells.get("date") or "").strip() or date
    if len(record) != len(header):
        return _bad_row(cid, on, f"{where}: {len(record)} fields, the header has {len(header)}")
    if on is None:
        return _bad_row(cid, on, _no_date(where))
    facts = {}
    for name, ty in columns:
        text = cells[name]
        if text != "":
            facts[name] = from_text(text, ty) if ty is not None else text
    return _case(cid, on, facts)


def _columns(p: Path, names: list[str], model, date) -> list[tuple[str, object]]:
    """(fact, type or None) for every fact column; refuses unknown and duplicate columns."""
    seen = set()
    for name in names:
        if name in seen:
            raise InputError(f"{p}: the column '{name}' appears twice")
        seen.add(name)
    if date is None and "date" not in seen:
        raise InputError(f"{p} has no 'date' column and no default date (--date) was given")
    facts = [n for n in names if n not in RESERVED]
    if model is None:
        return [(n, None) for n in facts]
    for name in facts:
        if name not in model.fact_types:
            close = difflib.get_close_matches(name, list(model.fact_types), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InputError(f"{p}: the column '{name}' is not a fact of {model.name}{hint} "
                             f"(the other columns may be 'id' and 'date')")
    return [(n, model.fact_types[n]) for n in facts]


def from_text(text: str, ty):
    """A CSV cell (or a text cell of a Parquet column) as the JSON value of a fact of type `ty`.
    A text that does not read as the type is returned as it is, for `validate` to report."""
    kind = ty.name
    if kind == "liste":
        try:
            return json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError:
            return text
    if kind == "ja/nei":
        low = text.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else text
    if kind in _NUMBERS or kind == "dato":
        return text.strip()
    return text


# --- Parquet

def _natural(path: Path):
    return [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", str(path))]


def parquet_files(path) -> list[Path]:
    """The Parquet files of an input: the file itself, or every `.parquet`/`.parq`/`.pq` file
    under a directory (recursively; names starting with `.` or `_` skipped), in natural order."""
    p = Path(path)
    if not p.is_dir():
        return [p]
    files = [f for f in p.rglob("*")
             if f.is_file() and f.suffix.lower() in (".parquet", ".parq", ".pq")
             and not any(part.startswith((".", "_")) for part in f.relative_to(p).parts)]
    if not files:
        raise InputError(f"no Parquet files (.parquet) in the directory {p}")
    return sorted(files, key=lambda f: _natural(f.relative_to(p)))


def _parquet_file(f: Path, pq):
    try:
        return pq.ParquetFile(f)
    except OSError as exc:
        raise InputError(f"cannot read {f} as Parquet: {exc}") from None
    except Exception as exc:  # pyarrow raises ArrowInvalid for a file that is not Parquet
        raise InputError(f"cannot read {f} as Parquet: {exc}") from None


def parquet_pieces(path, model=None, date=None) -> list[tuple[str, int, int]]:
    """(file, row group, rows) of every row group of a Parquet input, in input order; checks
    every file's columns first (the whole-file errors of `iter_cases`)."""
    import pyarrow.parquet as pq
    out = []
    for f in parquet_files(path):
        pf = _parquet_file(f, pq)
        _columns(f, pf.schema_arrow.names, model, date)
        out.extend((str(f), rg, pf.metadata.row_group(rg).num_rows)
                   for rg in range(pf.metadata.num_row_groups))
    return out


_LAST_GROUP: list = [None, None]   # (file, row group, size, mtime) and its table


def read_piece(file, row_group: int, lo: int, hi: int, model=None, date=None, *,
               first: int = 0) -> list[dict]:
    """The cases of rows lo..hi of one row group: what `iter_cases` yields for them, when
    `first` is the index of row lo in the whole input. The last row group read is kept (one
    per process), so the slices of a big row group decode it once, not once per slice."""
    import pyarrow.parquet as pq
    f = Path(file)
    st = f.stat()
    key = (str(f), row_group, st.st_size, st.st_mtime_ns)
    pf = _parquet_file(f, pq)
    columns = _columns(f, pf.schema_arrow.names, model, date)
    if _LAST_GROUP[0] != key:
        _LAST_GROUP[:] = [None, None]   # the old table goes before the new one is read
        _LAST_GROUP[:] = [key, _read(f, lambda: pf.read_row_group(row_group))]
    table = _LAST_GROUP[1].slice(lo, hi - lo)
    return list(_table_cases(table, columns, date, first))


def _read(f: Path, thunk):
    try:
        return thunk()
    except Exception as exc:  # corrupt pages: ArrowInvalid, OSError
        raise InputError(f"cannot read {f} as Parquet: {exc}") from None


def _parquet(p: Path, model, date, start: int) -> Iterator[dict]:
    import pyarrow.parquet as pq
    row = 0   # the index of the next row in the whole input
    for f in parquet_files(p):
        pf = _parquet_file(f, pq)
        columns = _columns(f, pf.schema_arrow.names, model, date)
        meta = pf.metadata
        groups = list(range(meta.num_row_groups))
        while groups and row + meta.row_group(groups[0]).num_rows <= start:
            row += meta.row_group(groups.pop(0)).num_rows    # skipped unread
        if not groups:
            continue
        batches = _read(f, lambda: pf.iter_batches(batch_size=PARQUET_BATCH, row_groups=groups))
        while True:
            batch = _read(f, lambda: next(batches, None))
            if batch is None:
                break
            if row < start:
                cut = min(start - row, batch.num_rows)
                batch, row = batch.slice(cut), row + cut
            yield from _table_cases(batch, columns, date, row)
            row += batch.num_rows


def _table_cases(table, columns, date, first: int) -> Iterator[dict]:
    names = table.schema.names
    ids = table.column("id").to_pylist() if "id" in names else None
    dates = table.column("date").to_pylist() if "date" in names else None
    cols = [(name, ty, table.column(name).to_pylist()) for name, ty in columns]
    for i in range(table.num_rows):
        cid = ids[i] if ids is not None else None
        on = _arrow_value(dates[i]) if dates is not None else None
        if on is None or on == "":
            on = date
        if on is None:
            yield _bad_row(cid, on, _no_date(f"row {first + i + 1}"))
            continue
        facts = {}
        for name, ty, values in cols:
            v = values[i]
            if v is not None:
                v = _arrow_value(v)
                facts[name] = from_text(v, ty) if isinstance(v, str) and ty is not None else v
        yield _case(cid, on, facts)


def _arrow_value(v):
    """A timestamp at midnight is a date (as screen.py reads it); others stay as they are."""
    if isinstance(v, dt.datetime) and v.time() == dt.time() and v.tzinfo is None:
        return v.date()
    return v


# --- writing --------------------------------------------------------------------------------------

@frozen
class RowResult:
    """One output row: a decision's one-line JSON, or an error.

    `id` is the input row's id (None if none); `date` the row's date as read (used when there is
    no decision); `json` the decision (with "id" first when given) as `evaluate_many` writes it.
    """

    index: int
    id: object
    date: object
    json: str | None
    error: str | None = None
    exit_code: int = 0


def id_text(cid) -> str | None:
    """An id as text for CSV and Parquet: a string as it is, anything else as JSON."""
    if cid is None or isinstance(cid, str):
        return cid
    return dumps(cid, indent=None)


def _iso(on) -> str | None:
    """A row's date as ISO text when it is a real date, else None."""
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        return on.isoformat()
    if isinstance(on, str) and len(on) == 10:
        try:
            return dt.date.fromisoformat(on).isoformat()
        except ValueError:
            return None
    return None


def amount_column(amount_id: str) -> str:
    """The CSV/Parquet column of an amount: `amount_<id>`."""
    return f"amount_{amount_id}"


COLUMNS = ("id", "date", "outcome", "not_met", "unknown", "missing_facts", "amount_*",
           "legal_basis", "exit_code", "error", "decision")
_LISTS = ("not_met", "unknown", "missing_facts", "legal_basis")


def flat(result: RowResult, amount_ids) -> dict:
    """The flat columns of one result (lists as lists, amounts as exact decimal text)."""
    row = {"id": id_text(result.id), "date": _iso(result.date), "outcome": None,
           "not_met": None, "unknown": None, "missing_facts": None}
    amounts = dict.fromkeys(amount_ids)
    basis = None
    if result.json is not None:
        # parse_float=str: an amount's decimals come back as the exact text jsonout wrote
        d = json.loads(result.json, parse_float=str)
        row["date"] = d["date"]
        row["outcome"] = d["outcome"]
        row["not_met"] = [c["id"] for c in d["conditions"] if c["status"] == "not_met"]
        row["unknown"] = [c["id"] for c in d["conditions"] if c["status"] == "unknown"]
        row["missing_facts"] = d["missing_facts"]
        for aid, a in d["amounts"].items():
            if aid in amounts and a["value"] is not None:
                amounts[aid] = str(a["value"])
        basis = d["legal_basis"]
    row.update((amount_column(a), v) for a, v in amounts.items())
    row["legal_basis"] = basis
    row["exit_code"] = result.exit_code
    row["error"] = result.error
    row["decision"] = result.json
    return row


def jsonl_line(result: RowResult) -> str:
    """A JSON Lines output row: the decision, or `{"id", "error": {"message", "exit_code"}}`."""
    if result.json is not None:
        return result.json + "\n"
    obj = {} if result.id is None else {"id": result.id}
    obj["error"] = {"message": result.error, "exit_code": result.exit_code}
    return dumps(obj, indent=None) + "\n"


class JsonlEncoder:
    """JSON Lines: one decision (or error object) per line."""

    fmt = "jsonl"

    def header(self) -> str:
        return ""

    def encode(self, results) -> str:
        return "".join(jsonl_line(r) for r in results)


class FlatEncoder:
    """CSV and Parquet output: one row per case with the columns (in this order)

    id, date, outcome, not_met, unknown, missing_facts, amount_<id> (one per amount of the
    benefit, in declaration order), legal_basis, exit_code, error, decision.

    `not_met`/`unknown` are the ids of the conditions with that status; `missing_facts` and
    `legal_basis` as in the decision. In CSV a list is its items joined by ";" and an amount is
    exact decimal text ("1234.5"); in Parquet lists are list<string> and amounts strings (never
    float). An error row has only id, date (when it is a real date), exit_code and error.
    """

    def __init__(self, fmt: str, amount_ids):
        self.fmt = fmt
        self.amount_ids = list(amount_ids)
        self.names = (["id", "date", "outcome", "not_met", "unknown", "missing_facts"]
                      + [amount_column(a) for a in self.amount_ids]
                      + ["legal_basis", "exit_code", "error", "decision"])

    def header(self) -> str:
        if self.fmt != "csv":
            return ""
        return self._csv([self.names])

    def schema(self):
        import pyarrow as pa
        types = {"date": pa.date32(), "exit_code": pa.int32()}
        # "element": the name Parquet gives a list's items, so a table read back is the same
        types.update((name, pa.list_(pa.field("element", pa.string()))) for name in _LISTS)
        return pa.schema([(name, types.get(name, pa.string())) for name in self.names])

    def encode(self, results):
        rows = [flat(r, self.amount_ids) for r in results]
        if self.fmt == "csv":
            return self._csv([[_cell(row[n]) for n in self.names] for row in rows])
        import pyarrow as pa
        columns = {}
        for name in self.names:
            values = [row[name] for row in rows]
            if name == "date":
                values = [dt.date.fromisoformat(v) if v else None for v in values]
            columns[name] = values
        return pa.table(columns, schema=self.schema())

    @staticmethod
    def _csv(records) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(records)
        return buf.getvalue()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(v)
    return str(v)


def encoder(fmt: str, amount_ids=()):
    """The encoder of an output format: `.header()` and `.encode(results)` (text for jsonl and
    csv, a `pyarrow.Table` with `.schema()` for parquet)."""
    if fmt == "jsonl":
        return JsonlEncoder()
    return FlatEncoder(fmt, amount_ids)


def write_results(path, results, amount_ids=(), chunk: int = 8192) -> int:
    """Write results to a file in the format of its extension, atomically (beside, then
    renamed); returns the number of rows. For resumable writing see `rulelang batch`."""
    import itertools
    p = Path(path)
    enc = encoder(output_format(p), amount_ids)
    tmp = p.with_name(f".{p.name}.tmp")
    rows = 0
    it = iter(results)
    if enc.fmt == "parquet":
        import pyarrow.parquet as pq
        with pq.ParquetWriter(tmp, enc.schema()) as writer:
            while block := list(itertools.islice(it, chunk)):
                writer.write_table(enc.encode(block), row_group_size=chunk)
                rows += len(block)
    else:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            fh.write(enc.header())
            while block := list(itertools.islice(it, chunk)):
                fh.write(enc.encode(block))
                rows += len(block)
    os.replace(tmp, p)
    return rows
