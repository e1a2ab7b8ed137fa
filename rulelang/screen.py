"""Vectorised screening: the vilkår of one benefit over a whole table, column by column.

    from rulelang import load_rules
    from rulelang.screen import screen
    result = screen(load_rules("rules"), "dagpenger", "cases.parquet", on="2025-06-02")
    result.column("outcome")   # "granted" | "denied" | "undetermined", one per row
    result.column("not_met")   # list<string>: ids of the vilkår not met, in declaration order

Input: loaded `Rules`, a benefit id, a table (a `pyarrow.Table` or `RecordBatch`, a pandas
`DataFrame`, a dict of columns, or the path of a Parquet file) with one column per fact, and the
prøvingsdato `on`. Output: a `pyarrow.Table` with the columns `outcome` and `not_met`, one row per
input row, in order. Only the vilkår are screened (the outcome and the ids of the vilkår not
met), not the amounts, obligations or explanations: for those, evaluate the case.

The answer is the one `rulelang.evaluate` gives for each row (a property test checks it for
every benefit under rules/); the differences are listed at the end.

Values, column-wise (numpy)
---------------------------
* A ja/nei expression is two boolean masks `(k, v)`: `k` the row's value is known, `v` it is
  true (always `v ⊆ k`). `og`, `eller`, `ikke` are Kleene's: `og` is false where any operand is
  known false, true where all are true, unknown elsewhere. A null in a fact column is a missing
  fact. A vilkår also has a third mask `na` for `gjelder ikke`.
* A number is an exact rational `n / d`: `n` an int64 array of numerators, `d` either one
  positive integer for the whole column (the usual case: 1 for kroner, 10 for hours with one
  decimal, 100 for a prosent given as 0–100) or a positive int64 array (after dividing by a
  column, as `(v - ny) / v`). No float ever holds a value.
* A date is an int64 array of days since 1970-01-01 (numpy `datetime64[D]` for the calendar
  functions); a text is an int array of codes into one vocabulary of every text literal and
  every value in the text columns, so `=` on codes is `=` on texts.
* Scalars (literals, G on the date, `prøvingsdato`) stay Python ints and broadcast.
* Every value also carries the errors it raises (division by zero, a sats with no value on the
  date, a verdi not in force, a date out of range) as `(row mask, message)` pairs. `og`,
  `eller`, `hvis` and exceptions mask them by the rows where the operand is really evaluated,
  so `v > 0 og x / v >= 50 %` does not fail where v = 0, exactly as the left-to-right short
  circuit of reference.py.

Exactness
---------
`+ - *` on rationals are integer operations (`a/b + c/e = (a·e + c·b) / (b·e)`, with the least
common multiple when both denominators are static); `/` multiplies by the reciprocal and moves
the sign into the numerator so that every denominator stays positive. A comparison of two
rationals with positive denominators is the comparison of the cross products:
`a/b ≥ c/e ⇔ a·e ≥ c·b` for `b, e > 0`; so `arbeidsinntekt_siste_36_mnd / 3 >= 2 G` is
`a·1 ≥ (2·G)·3` and `(v - ny) / v >= 50 %` is `(v - ny)·10·2 ≥ 1·(10·v)` for hours in tenths,
both exact. `avrundet(n/d)` is half up, away from zero like Decimal's ROUND_HALF_UP:
`sign(n)·⌊(2|n| + d) / 2d⌋`; `avrundet_til_øre` the same on `100·n/d`.

Overflow is ruled out by bounds, not hoped away: each value carries an upper bound of `|n|`
and of `d`, taken from the real maximum of each input column and carried through every
operation (`|a·e + c·b| ≤ A·E + C·B`, and so on). int64 is used only when the bound of the
result and of every intermediate product is below 2^63 - 1; otherwise the arrays become
numpy object arrays of Python ints (arbitrary precision, slower) and come back to int64 when
the bound allows. facts.py admits values below 10^15 with up to 12 decimals: 10^27 as a
numerator, which no int64 holds, so no static choice of scale could be exact for every valid
input; the runtime bounds make every input exact and keep real data on int64. For the real
rules with kroner as integers below 10^15 and hours with at most two decimals, the largest
product in the dagpenger vilkår is in `a12 >= 1,5 G`, at worst `a12·2 ≥ 3·G` (when G is odd),
below 2·10^15 and far below 2^63 ≈ 9.2·10^18; `(v - ny) / v` with hours below 168 stays
below 10^7.

Each fact column is converted like facts.py converts one value: a prosent column holds 0–100
and becomes the ratio (d·100); decimal columns are read as their unscaled integers; a float
column is read as the shortest decimal that reads back as the float (facts.py uses `repr`),
found per row for 0–12 decimals with an exact round-trip test, and by `repr` itself where the
float has too many digits for that test to be safe; numbers sent as text ("37.5") are read
row by row by facts.py's own conversion (exact, but slow). Dates may be date32/date64,
timestamps at midnight or ISO text; texts string or dictionary columns. Values facts.py
rejects (negative, 10^15 or more, over 12 decimals, a prosent over 100, a heltall with
decimals, a text not in the allowed values, a NaN) raise the same `FactError`, with the row.

Dates
-----
The date `on` is one date for the table: versions are chosen and satser (G) looked up once. A
column `dato` (see `date_column`) gives each row its own date; rows are then grouped by date and
each group is screened with its own versions and satser (rows with a null `dato` use `on`).
`alder`, `fyller` and `slutten_av_måneden` are vectorised with the 29 February rule of
values.py (the birthday is 28 February in a common year); `± n år` keeps the day the same way,
`± n uker / dager` adds days, truncating n toward zero like `int(Decimal)`.

Fallback
--------
A vilkår whose rule in force (through its verdier) reads a list fact (`liste av`, `sum`,
`antall`, `minste av(liste)`) is not vectorised: that vilkår alone is evaluated row by row
with the compiled closures (compiler.py) on the facts as facts.py converts them. The ids of such
vilkår are in the result's schema metadata under `rulelang.fallback` (JSON); it is `[]` for the
seven benefits under rules/, which are fully vectorised.

Errors
------
Where `evaluate` would raise `RuleEvalError` for a row (division by zero, no sats on the date),
`screen` raises it naming the first such row; with `errors="null"` that row gets a null outcome
and null not_met instead. Unknown benefit: `UnknownBenefitError`; a bad date: `InputError`.

Differences from `evaluate`
---------------------------
* Amounts are not evaluated: an error that only an amount of a granted case would raise (say,
  an amount's sats missing on the date) is not raised here.
* Columns that are not facts of the benefit are ignored (evaluate rejects unknown facts);
  a fact without a column is missing on every row.
* Numbers are exact rationals; the reference computes with Decimal's default 28 significant
  digits, so the two agree whenever the Decimal arithmetic is exact or its rounding cannot
  cross a boundary, which holds for all realistic cases (a quotient like `a / 3` differs from
  any kroner threshold by at least 1/3 of the last decimal of `a`, far more than 10^-28).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import operator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import nodes as n
from . import types as T
from .errors import FactError, InputError, RuleEvalError, UnknownBenefitError
from .evaluator import parse_date
from .facts import convert, validate
from .reference import NOT_IN_FORCE, select_version
from .values import NOT_APPLICABLE, UNKNOWN

__all__ = ["screen", "OUTCOMES"]

OUTCOMES = ("granted", "denied", "undetermined")
I64 = 2**63 - 1
FACT_LIMIT = 10**15
MAX_DECIMALS = 12
EPOCH = dt.date(1970, 1, 1)
DATE_MIN = (dt.date.min - EPOCH).days
DATE_MAX = (dt.date.max - EPOCH).days
_CLIP = 10**7   # |days| or |years| beyond this leave the calendar anyway (checked after)
_CMP = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
        "=": operator.eq, "!=": operator.ne}


class _NotVectorisable(Exception):
    """This expression has no column-wise form here; its vilkår falls back to closures."""


# --- masks: a Python bool (the same for every row) or a numpy bool array ------------------------

def _m(x):
    """Normalise a mask: numpy scalars and 0-d arrays become Python bools."""
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return bool(x)
        if x.dtype != np.bool_:
            return x.astype(np.bool_)
        return x
    return bool(x)


def _and(a, b):
    if a is True:
        return b
    if b is True:
        return a
    if a is False or b is False:
        return False
    return a & b


def _or(a, b):
    if a is False:
        return b
    if b is False:
        return a
    if a is True or b is True:
        return True
    return a | b


def _not(a):
    if a is True:
        return False
    if a is False:
        return True
    return ~a


def _andnot(a, b):
    return _and(a, _not(b))


def _obj(x):
    """A Python int too large for int64 as a 0-d object array (np.where would overflow)."""
    if isinstance(x, int) and not -I64 <= x <= I64:
        r = np.empty((), dtype=object)
        r[()] = x
        return r
    return x


def _where(m, a, b):
    if m is True:
        return a
    if m is False:
        return b
    if isinstance(a, bool) and isinstance(b, bool):
        if a and not b:
            return m
        if b and not a:
            return ~m
        return a
    return np.where(m, _obj(a), _obj(b))


def _any(m) -> bool:
    return bool(m.any()) if isinstance(m, np.ndarray) else bool(m)


def _full(m, size: int) -> np.ndarray:
    """A mask as a bool array of `size` rows."""
    if isinstance(m, np.ndarray):
        return m
    return np.full(size, bool(m))


def _gate(err: tuple, reach) -> tuple:
    """Errors of an operand that is evaluated only where `reach` holds."""
    if not err or reach is True:
        return err
    if reach is False:
        return ()
    return tuple((_and(e, reach), msg) for e, msg in err)


# --- integers: Python int or numpy int64 / object array ----------------------------------------

def _wide(x):
    if isinstance(x, np.ndarray) and x.dtype != object:
        return x.astype(object)
    return x


def _narrow(x, bound: int):
    if isinstance(x, np.ndarray) and x.dtype == object and bound <= I64:
        return x.astype(np.int64)
    return x


def _prep(bound: int, *xs):
    """The operands, as object arrays when `bound` (of the result and of every intermediate
    product) or a scalar operand does not fit int64."""
    if bound <= I64 and all(not isinstance(x, int) or -I64 <= x <= I64 for x in xs):
        return xs
    return tuple(_wide(x) for x in xs)


def _mul(x, f: int):
    """x · f for a static factor f (bounds are checked by the caller)."""
    if f == 1:
        return x
    if isinstance(x, np.ndarray) and x.dtype != object and not -I64 <= f <= I64:
        x = x.astype(object)
    return x * f


def _bools(x):
    """A comparison result as a mask."""
    if isinstance(x, np.ndarray):
        return x if x.dtype == np.bool_ else x.astype(np.bool_)
    return bool(x)


def _static(d) -> bool:
    return isinstance(d, int)


# --- values ------------------------------------------------------------------------------------

class KB:
    """A ja/nei value: known mask, true mask (v ⊆ k), `gjelder ikke` mask (na ∩ k = ∅)."""

    __slots__ = ("k", "v", "na", "err")

    def __init__(self, k, v, err=(), na=False):
        self.k, self.v, self.na, self.err = _m(k), _m(v), _m(na), err

    def with_err(self, err):
        return KB(self.k, self.v, err, self.na)

    def take(self, idx):
        return KB(_take(self.k, idx), _take(self.v, idx), self.err, _take(self.na, idx))


class KN:
    """An exact number n/d: k known mask, n numerators, d > 0 (int or array), bounds nb ≥ |n|,
    db ≥ d."""

    __slots__ = ("k", "n", "d", "nb", "db", "err")

    def __init__(self, k, n, d, nb, db, err=()):
        self.k, self.n, self.d, self.nb, self.db, self.err = _m(k), n, d, nb, db, err

    def with_err(self, err):
        return KN(self.k, self.n, self.d, self.nb, self.db, err)

    def take(self, idx):
        return KN(_take(self.k, idx), _take(self.n, idx), _take(self.d, idx), self.nb, self.db,
                  self.err)


class KD:
    """A date: k known mask, x days since 1970-01-01."""

    __slots__ = ("k", "x", "err")

    def __init__(self, k, x, err=()):
        self.k, self.x, self.err = _m(k), x, err

    def with_err(self, err):
        return KD(self.k, self.x, err)

    def take(self, idx):
        return KD(_take(self.k, idx), _take(self.x, idx), self.err)


class KT:
    """A text: k known mask, x codes into the vocabulary."""

    __slots__ = ("k", "x", "err")

    def __init__(self, k, x, err=()):
        self.k, self.x, self.err = _m(k), x, err

    def with_err(self, err):
        return KT(self.k, self.x, err)

    def take(self, idx):
        return KT(_take(self.k, idx), _take(self.x, idx), self.err)


class _ListFact:
    """A `liste av` fact: not vectorised."""

    def take(self, idx):
        return self


def _take(x, idx):
    return x[idx] if isinstance(x, np.ndarray) else x


def _const(q) -> KN:
    f = Fraction(q)
    return KN(True, f.numerator, f.denominator, abs(f.numerator), f.denominator)


def _unknown(ty: T.Ty, err=()):
    """A value of type `ty` unknown on every row."""
    if ty == T.BOOL:
        return KB(False, False, err)
    if ty == T.DATE:
        return KD(False, 0, err)
    if ty == T.TEXT:
        return KT(False, -1, err)
    if ty.name == "liste":
        return _ListFact()
    return KN(False, 0, 1, 0, 1, err)


# --- generic choice and join (hvis, exceptions) ------------------------------------------------

def _common(a: KN, b: KN):
    """Both numerators over the least common (static) denominator L: (x, y, L, |x| bound,
    |y| bound)."""
    L = math.lcm(a.d, b.d)
    fa, fb = L // a.d, L // b.d
    ba, bb = a.nb * fa, b.nb * fb
    x, y = _prep(max(ba, bb), a.n, b.n)
    return _mul(x, fa), _mul(y, fb), L, ba, bb


def _select(m, a, b):
    """Row-wise `a if m else b` (same kind)."""
    if m is True:
        return a.with_err(())
    if m is False:
        return b.with_err(())
    if isinstance(a, KB):
        na = False if a.na is False and b.na is False else _where(m, a.na, b.na)
        return KB(_where(m, a.k, b.k), _where(m, a.v, b.v), (), na)
    if isinstance(a, KN):
        k = _where(m, a.k, b.k)
        if _static(a.d) and _static(b.d):
            x, y, L, ba, bb = _common(a, b)
            bound = max(ba, bb)
            return KN(k, _narrow(_where(m, x, y), bound), L, bound, L)
        bound = max(a.nb, b.nb)
        x, y = _prep(bound, a.n, b.n)
        return KN(k, _narrow(_where(m, x, y), bound), _where(m, a.d, b.d), bound, max(a.db, b.db))
    return type(a)(_where(m, a.k, b.k), _where(m, a.x, b.x))


def _equal(a, b):
    """Row-wise equality of two values of the same kind (meaningful where both are known)."""
    if isinstance(a, KB):
        return _bools(a.v == b.v)
    if isinstance(a, KN):
        x, y = _cross(a, b)
        return _bools(x == y)
    return _bools(a.x == b.x)


def _join(a, b):
    """V.join row-wise: the common value where both agree, else unknown; for vilkår, met on one
    side and `gjelder ikke` on the other is met."""
    if isinstance(a, KB) and (a.na is not False or b.na is not False):
        t = _or(_and(a.v, _or(b.v, b.na)), _and(a.na, b.v))
        f = _and(_andnot(a.k, a.v), _andnot(b.k, b.v))
        return KB(_or(t, f), t, (), _and(a.na, b.na))
    k = _and(_and(a.k, b.k), _equal(a, b))
    if isinstance(a, KB):
        return KB(k, _and(a.v, k))
    if isinstance(a, KN):
        return KN(k, a.n, a.d, a.nb, a.db)
    return type(a)(k, a.x)


def _choose(c: KB, a, b):
    """`hvis c så a ellers b`, and an exception (c = når, a = its outcome, b = the rest)."""
    t = c.v
    f = _andnot(c.k, c.v)
    if f is False and t is False:
        res = _join(a, b)
    else:
        res = _select(t, a, _select(f, b, _join(a, b)))
    return res.with_err(c.err + _gate(a.err, _not(f)) + _gate(b.err, _not(t)))


# --- exact arithmetic -------------------------------------------------------------------------

def _cross(a: KN, b: KN):
    """(x, y) with a ~ b  ⇔  x ~ y for every comparison ~: a/b ~ c/e ⇔ a·e ~ c·b, as b, e > 0."""
    if _static(a.d) and _static(b.d):
        if a.d == b.d:
            return a.n, b.n
        x, y, _, _, _ = _common(a, b)
        return x, y
    x, yd, y, xd = _prep(max(a.nb * b.db, b.nb * a.db), a.n, b.d, b.n, a.d)
    return x * yd, y * xd


def _add(a: KN, b: KN, sign: int) -> KN:
    k = _and(a.k, b.k)
    if _static(a.d) and _static(b.d):
        x, y, L, ba, bb = _common(a, b)
        bound = ba + bb
        x, y = _prep(bound, x, y)
        r = x + y if sign > 0 else x - y
        return KN(k, _narrow(r, bound), L, bound, L)
    bound = a.nb * b.db + b.nb * a.db
    dbound = a.db * b.db
    x, bd, y, ad = _prep(max(bound, dbound), a.n, b.d, b.n, a.d)
    r = x * bd + y * ad if sign > 0 else x * bd - y * ad
    return KN(k, _narrow(r, bound), _narrow(ad * bd, dbound), bound, dbound)


def _reduce_scalar(k, num: int, den: int) -> KN:
    """A number that is the same on every row, in lowest terms."""
    f = Fraction(num, den)
    return KN(k, f.numerator, f.denominator, abs(f.numerator), f.denominator)


def _mul2(a: KN, b: KN) -> KN:
    k = _and(a.k, b.k)
    bound, dbound = a.nb * b.nb, a.db * b.db
    if isinstance(a.n, int) and isinstance(b.n, int) and _static(a.d) and _static(b.d):
        return _reduce_scalar(k, a.n * b.n, a.d * b.d)
    x, y, ad, bd = _prep(max(bound, dbound), a.n, b.n, a.d, b.d)
    d = ad * bd
    return KN(k, _narrow(x * y, bound), d if _static(d) else _narrow(d, dbound), bound, dbound)


def _div(a: KN, b: KN, where: str) -> KN:
    k = _and(a.k, b.k)
    msg = f"division by zero in {where}"
    if isinstance(b.n, int):           # by a constant
        if b.n == 0:
            return KN(False, 0, 1, 0, 1, ((k, msg),) if k is not False else ())
        sign = 1 if b.n > 0 else -1
        bound, dbound = a.nb * b.d, a.db * abs(b.n)
        if isinstance(a.n, int) and _static(a.d):
            return _reduce_scalar(k, a.n * b.d * sign, a.d * abs(b.n))
        x, ad = _prep(max(bound, dbound), a.n, a.d)
        den = _mul(ad, abs(b.n)) if _static(ad) else _narrow(ad * abs(b.n), dbound)
        return KN(k, _narrow(_mul(x, b.d * sign), bound), den, bound, dbound)
    bound, dbound = a.nb * b.db, max(a.db * b.nb, 1)
    x, bd, bn, ad = _prep(max(bound, dbound), a.n, b.d, b.n, a.d)
    num = x * bd
    den = ad * bn
    err = ()
    if bn.min() < 0:
        neg = _bools(bn < 0)
        num = np.where(neg, -num, num)
        den = np.where(neg, -den, den)
    zero = _bools(bn == 0)
    if zero.any():
        den = np.where(zero, 1, den)
        bad = _and(k, zero)
        if _any(bad):
            err = ((bad, msg),)
    return KN(k, _narrow(num, bound), _narrow(den, dbound), bound, dbound, err)


def _neg(a: KN) -> KN:
    return KN(a.k, -a.n, a.d, a.nb, a.db)


def _round(a: KN, cents: bool) -> KN:
    """Half up, away from zero (Decimal ROUND_HALF_UP), to kroner or øre."""
    f = 100 if cents else 1
    if _static(a.d) and f % a.d == 0:   # already whole kroner (or øre)
        return a.with_err(())
    bound = 2 * f * a.nb + a.db
    x, d = _prep(bound, a.n, a.d)
    if isinstance(x, int) and _static(d):
        q = (2 * f * abs(x) + d) // (2 * d)
        return _reduce_scalar(a.k, -q if x < 0 else q, f)
    q = (2 * f * abs(x) + d) // (2 * d)
    r = np.where(_bools(x < 0), -q, q)
    rb = f * a.nb + 1
    return KN(a.k, _narrow(r, rb), f, rb, f)


def _trunc(a: KN):
    """int(n/d), toward zero, clipped to ±_CLIP."""
    if _static(a.d) and a.d == 1:
        q = a.n
    else:
        x, d = _prep(a.nb, a.n, a.d)
        q = abs(x) // d
        q = np.where(_bools(x < 0), -q, q) if isinstance(q, np.ndarray) else (-q if x < 0 else q)
    if isinstance(q, np.ndarray):
        return np.clip(q, -_CLIP, _CLIP).astype(np.int64)
    return max(-_CLIP, min(_CLIP, int(q)))


def _minmax(vals: list, biggest: bool):
    k = True
    for v in vals:
        k = _and(k, v.k)
    if isinstance(vals[0], KD):
        fn = np.maximum if biggest else np.minimum
        x = vals[0].x
        for v in vals[1:]:
            x = fn(x, v.x)
        return KD(k, int(x) if np.ndim(x) == 0 else x)
    if all(_static(v.d) for v in vals):
        L = math.lcm(*[v.d for v in vals])
        bound = max(v.nb * (L // v.d) for v in vals)
        xs = [_mul(v.n if bound <= I64 else _wide(v.n), L // v.d) for v in vals]
        x = xs[0]
        for y in xs[1:]:
            if isinstance(x, int) and isinstance(y, int):
                x = max(x, y) if biggest else min(x, y)
            else:
                x = np.where(_bools(y > x) if biggest else _bools(y < x), _obj(y), _obj(x))
        return KN(k, _narrow(x, bound), L, bound, L)
    acc = vals[0]
    for v in vals[1:]:
        x, y = _cross(v, acc)
        better = _bools(x > y) if biggest else _bools(x < y)
        acc = _select(better, v, acc)
    return KN(k, acc.n, acc.d, acc.nb, acc.db)


# --- the calendar --------------------------------------------------------------------------------

def _arr(x):
    return np.asarray(x, dtype=np.int64)


def _civil(x):
    """days since 1970-01-01 -> (year, month, day), proleptic Gregorian like datetime.date
    (H. Hinnant's civil_from_days, in integers: 2-3 times faster than datetime64 casts). Every
    date value is within [DATE_MIN - 1, DATE_MAX + 1], so int32 holds every intermediate."""
    z = _arr(x).astype(np.int32) + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year.astype(np.int64), month.astype(np.int64), day.astype(np.int64)


def _make(year, month, day):
    """(year, month, day) -> days since 1970-01-01 (days_from_civil); the day must exist in the
    month. Years are clipped to ±10^5 (beyond 9999 is an error, reported by the caller)."""
    y = np.clip(year, -10**5, 10**5) - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = np.where(month > 2, month - 3, month + 9)
    doy = (153 * mp + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _leap(y):
    return (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))


def _birthday_day(month, day, year):
    """The day of the birthday in `year`: 29 February is 28 February in a common year."""
    return np.where((month == 2) & (day == 29) & ~_leap(year), 28, day)


# --- one screening pass: one date, a set of rows ------------------------------------------------

class _Pass:
    """Vectorised evaluation of one benefit's bodies on one date over given rows."""

    def __init__(self, shared: "_Shared", cols: dict, size: int, on: dt.date):
        self.s = shared
        self.model = shared.model
        self.cols = cols
        self.size = size
        self.on = on
        self.on_days = (on - EPOCH).days
        self.memo: dict = {}
        self.rates: dict = {}

    # -- bodies

    def body(self, body: n.Body):
        expr = select_version(body, self.on)
        if expr is NOT_IN_FORCE:
            return NOT_IN_FORCE
        return self._fold(body.exceptions, 0, expr)

    def _fold(self, excs, i, base):
        if i == len(excs):
            return self.expr(base)
        exc = excs[i]
        c = self.expr(exc.when)
        if exc.outcome is None:
            x = KB(True, True)
        elif isinstance(exc.outcome, n.NotApplicable):
            x = KB(False, False, (), True)
        else:
            x = self.expr(exc.outcome)
        return _choose(c, x, self._fold(excs, i + 1, base))

    def definition(self, name: str):
        if name in self.memo:
            return self.memo[name]
        d = self.model.values.get(name) or self.model.amounts[name]
        v = self.body(d.body)
        if v is NOT_IN_FORCE:
            v = _unknown(self.model.def_types[name],
                         ((True, f"'{name}' is not in force on {self.on.isoformat()}"),))
        self.memo[name] = v
        return v

    def rate(self, name: str) -> KN:
        if name not in self.rates:
            try:
                self.rates[name] = _const(self.s.tables[name].at(self.on))
            except RuleEvalError as exc:
                self.rates[name] = KN(False, 0, 1, 0, 1, ((True, str(exc)),))
        return self.rates[name]

    # -- expressions

    def expr(self, e):
        match e:
            case n.Quantity(value=v, unit=unit):
                if unit == "%":
                    return _const(Fraction(v) / 100)
                if unit == "G":
                    g = self.rate("G")
                    if g.err:
                        return g
                    return _const(Fraction(v) * Fraction(g.n, g.d))
                return _const(v)
            case n.Bool(value=v):
                return KB(True, v)
            case n.Text(value=v):
                return KT(True, self.s.code(v))
            case n.DateLit(value=v):
                return KD(True, (v - EPOCH).days)
            case n.Today():
                return KD(True, self.on_days)
            case n.Name(name=name):
                if name in self.model.fact_types:
                    col = self.cols[name]
                    if isinstance(col, _ListFact):
                        raise _NotVectorisable(f"list fact '{name}'")
                    return col
                if name in self.model.values or name in self.model.amounts:
                    return self.definition(name)
                return self.rate(name)
            case n.Neg(operand=x):
                a = self.expr(x)
                return _neg(a).with_err(a.err)
            case n.BinOp(op=op, left=l, right=r):
                return self._binop(op, self.expr(l), self.expr(r), e)
            case n.Compare(op=op, left=l, right=r):
                return self._compare(op, self.expr(l), self.expr(r))
            case n.And(operands=ops):
                return self._and_or([self.expr(x) for x in ops], is_and=True)
            case n.Or(operands=ops):
                return self._and_or([self.expr(x) for x in ops], is_and=False)
            case n.Not(operand=x):
                a = self.expr(x)
                return KB(a.k, _andnot(a.k, a.v), a.err)
            case n.If(cond=c, then=a, else_=b):
                return _choose(self.expr(c), self.expr(a), self.expr(b))
            case n.Call(func=func, args=args):
                return self._call(func, [self.expr(a) for a in args], e)
        raise AssertionError(f"unhandled node {e!r}")

    def _and_or(self, vals, is_and: bool):
        err = vals[0].err
        reach = True
        acc_decide = False   # og: some operand known false; eller: some operand true
        acc_all = True       # og: all true; eller: all known false
        need_reach = any(v.err for v in vals[1:])
        for i, v in enumerate(vals):
            if i:
                err = err + _gate(v.err, reach)
            if is_and:
                decides, holds = _andnot(v.k, v.v), v.v
            else:
                decides, holds = v.v, _andnot(v.k, v.v)
            acc_decide = _or(acc_decide, decides)
            acc_all = _and(acc_all, holds)
            if need_reach:
                reach = _andnot(reach, decides)
        k = _or(acc_decide, acc_all)
        return KB(k, acc_all if is_and else acc_decide, err)

    def _compare(self, op, a, b):
        err = a.err + b.err
        k = _and(a.k, b.k)
        if k is False:
            return KB(False, False, err)
        cmp = _CMP[op]
        if isinstance(a, KN):
            x, y = _cross(a, b)
        elif isinstance(a, KB):
            x, y = a.v, b.v
        else:
            x, y = a.x, b.x
        r = _bools(cmp(x, y))
        return KB(k, _and(r, k), err)

    def _binop(self, op, a, b, node):
        err = a.err + b.err
        if isinstance(a, KD):
            k = _and(a.k, b.k)
            if isinstance(b, KD):
                return KN(k, a.x - b.x, 1, DATE_MAX - DATE_MIN + 2, 1, err)
            unit = T.OUTPUT_UNITS.get(self.model.expr_types.get(node.right), "dager")
            sign = 1 if op == "+" else -1
            t = _trunc(b)
            scalar = _scalarish(a.x, t)
            if unit == "år":   # V.add_duration: birthday(d, d.year ± n)
                year, month, day = _civil(a.x)
                ty = year + sign * _arr(t)
                x = _make(ty, month, _birthday_day(month, day, ty))
                bad = (ty < 1) | (ty > 9999)
            else:
                x = _arr(a.x) + sign * _arr(t) * (7 if unit == "uker" else 1)
                bad = (x < DATE_MIN) | (x > DATE_MAX)
            err = err + _errs(k, _out(bad, scalar), f"a date out of range at {node.span}")
            return KD(k, _out(_clip_days(x), scalar), err)
        if op == "+":
            r = _add(a, b, 1)
        elif op == "-":
            r = _add(a, b, -1)
        elif op == "*":
            r = _mul2(a, b)
        else:
            r = _div(a, b, str(node.span))
        return r.with_err(err + r.err)

    def _call(self, func, args, node):
        err = ()
        for a in args:
            err = err + a.err
        if func in ("sum", "antall") or (func in ("minste av", "største av") and len(args) == 1):
            raise _NotVectorisable(f"'{func}' of a list")
        if func in ("minste av", "største av"):
            return _minmax(args, func == "største av").with_err(err)
        a = args[0]
        if func == "avrundet":
            return _round(a, False).with_err(err)
        if func == "avrundet_til_øre":
            return _round(a, True).with_err(err)
        if func == "alder":     # V.age: whole years; 29 February -> 28 February
            on = self.on
            year, month, day = _civil(a.x)
            bday = _birthday_day(month, day, np.int64(on.year))
            before = (on.month < month) | ((on.month == month) & (on.day < bday))
            age = on.year - year - before.astype(np.int64)
            return KN(a.k, _out(age, _scalarish(a.x)), 1, 10**4 + 1, 1, err)
        if func == "fyller":    # V.turns: birthday(born, born.year + int(n))
            k = _and(a.k, args[1].k)
            t = _trunc(args[1])
            scalar = _scalarish(a.x, t)
            year, month, day = _civil(a.x)
            ty = year + _arr(t)
            x = _make(ty, month, _birthday_day(month, day, ty))
            err = err + _errs(k, _out((ty < 1) | (ty > 9999), scalar),
                              f"a date out of range at {node.span}")
            return KD(k, _out(_clip_days(x), scalar), err)
        if func == "slutten_av_måneden":   # V.end_of_month
            year, month, day = _civil(a.x)
            last = _MONTH_DAYS[month] + ((month == 2) & _leap(year))
            x = _arr(a.x) + (last - day)
            return KD(a.k, _out(_clip_days(x), _scalarish(a.x)), err)
        raise _NotVectorisable(f"function '{func}'")


def _scalarish(*xs) -> bool:
    return not any(isinstance(x, np.ndarray) for x in xs)


def _out(x, scalar: bool):
    """A result back to a Python scalar when every input was one."""
    if not scalar:
        return x
    v = np.asarray(x).reshape(-1)[0]
    return bool(v) if isinstance(v, np.bool_) else int(v)


def _clip_days(x):
    """Dates outside Python's calendar are errors (see _errs); clipping keeps the bounds of
    later arithmetic valid on those rows."""
    return np.clip(x, DATE_MIN - 1, DATE_MAX + 1)


def _errs(k, bad, msg: str) -> tuple:
    bad = _and(k, _m(bad))
    return ((bad, msg),) if _any(bad) else ()


# --- input: tables and columns -----------------------------------------------------------------

def _as_table(table, wanted: set) -> pa.Table:
    if isinstance(table, (str, Path)):
        import pyarrow.parquet as pq
        names = pq.read_schema(table).names
        return pq.read_table(table, columns=[c for c in names if c in wanted])
    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    if isinstance(table, dict):
        return pa.table({k: v for k, v in table.items() if k in wanted})
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        pd = None
    if pd is not None and isinstance(table, pd.DataFrame):
        cols = [c for c in table.columns if c in wanted]
        return pa.Table.from_pandas(table[cols], preserve_index=False)
    raise InputError(f"screen takes a pyarrow Table, a pandas DataFrame, a dict of columns or a "
                     f"Parquet path, got {type(table).__name__}")


def _array(table: pa.Table, name: str) -> pa.Array:
    col = table.column(name)
    if col.num_chunks == 1:
        return col.chunk(0)
    return col.combine_chunks() if col.num_chunks else pa.array([], col.type)


def _validity(arr: pa.Array):
    if arr.null_count == 0:
        return True
    if arr.null_count == len(arr):
        return False
    return arr.is_valid().to_numpy(zero_copy_only=False)


class _Shared:
    """What the passes of one `screen` call share: the benefit, satser and text codes."""

    def __init__(self, compiled):
        self.compiled = compiled
        self.model = compiled.model
        self.tables = compiled.tables
        self.vocab: dict[str, int] = {}

    def code(self, text: str) -> int:
        return self.vocab.setdefault(text, len(self.vocab))


def _reject(name: str, arr: pa.Array, row: int, ty: T.Ty, allowed, why: str | None = None):
    """The FactError facts.py gives for this row's value (or a generic one)."""
    value = arr[row].as_py()
    try:
        convert(name, value, ty, allowed)
    except FactError as exc:
        return FactError(f"row {row}: {exc}")
    return FactError(f"row {row}: fact '{name}' has an invalid value {value!r}"
                     + (f": {why}" if why else ""))


def _first(mask) -> int:
    return int(np.flatnonzero(mask)[0])


def _decode(table: pa.Table, name: str, ty: T.Ty, allowed, shared: _Shared, size: int):
    """One fact column -> a column value (unknown everywhere when the table has no column)."""
    if name not in table.column_names or size == 0:
        return _unknown(ty)
    arr = _array(table, name)
    if ty.name == "liste":
        return _ListFact()
    valid = _validity(arr)
    if valid is False or pa.types.is_null(arr.type):
        return _unknown(ty)
    kind = ty.name
    if kind == "ja/nei":
        if not pa.types.is_boolean(arr.type):
            raise _reject(name, arr, _first(_full(valid, size)), ty, allowed)
        return KB(valid, pc.fill_null(arr, False).to_numpy(zero_copy_only=False))
    if kind == "dato":
        return KD(valid, _decode_dates(name, arr, valid, ty, size))
    if kind == "tekst":
        return KT(valid, _decode_text(name, arr, valid, ty, allowed, shared, size))
    return _decode_number(name, arr, valid, ty, allowed, size)


def _decode_dates(name, arr, valid, ty, size):
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        ok = pc.match_substring_regex(arr, r"^\d{4}-\d{2}-\d{2}$")
        ok = pc.fill_null(ok, True).to_numpy(zero_copy_only=False)
        if not ok.all():
            raise _reject(name, arr, _first(~ok), ty, ())
        try:
            arr = arr.cast(pa.date32())
        except pa.ArrowInvalid:
            bad = [i for i, v in enumerate(arr.to_pylist()) if v is not None and not _iso_ok(v)]
            raise _reject(name, arr, bad[0], ty, ()) from None
    elif pa.types.is_timestamp(t) or pa.types.is_date64(t):
        days = arr.cast(pa.date32())
        same = pc.fill_null(pc.equal(days.cast(t), arr), True).to_numpy(zero_copy_only=False)
        if not same.all():
            raise _reject(name, arr, _first(~same), ty, ())
        arr = days
    elif not pa.types.is_date32(t):
        raise _reject(name, arr, _first(_full(valid, size)), ty, ())
    x = pc.fill_null(arr.cast(pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    bad = _and(valid, _m((x < DATE_MIN) | (x > DATE_MAX)))
    if _any(bad):
        raise _reject(name, arr, _first(_full(bad, size)), ty, (), "the date is out of range")
    return x


def _iso_ok(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def _decode_text(name, arr, valid, ty, allowed, shared, size):
    t = arr.type
    if pa.types.is_string_view(t):
        arr = arr.cast(pa.string())
        t = arr.type
    if not pa.types.is_dictionary(t):
        if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
            raise _reject(name, arr, _first(_full(valid, size)), ty, allowed)
        arr = pc.dictionary_encode(arr)
    words = arr.dictionary.to_pylist()
    if words and not all(isinstance(w, str) for w in words):
        raise _reject(name, arr.dictionary_decode(), _first(_full(valid, size)), ty, allowed)
    idx = pc.fill_null(arr.indices, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    if allowed:
        used = np.zeros(len(words), dtype=bool)
        used[idx[_full(valid, size)]] = True
        for i, w in enumerate(words):
            if used[i] and w not in allowed:
                rows = _and(valid, _m(idx == i))
                raise _reject(name, arr.dictionary_decode(), _first(_full(rows, size)), ty, allowed)
    lut = np.array([shared.code(w) for w in words] or [-1], dtype=np.int64)
    return lut[idx] if len(words) else np.full(size, -1, dtype=np.int64)


def _decode_number(name, arr, valid, ty, allowed, size) -> KN:
    """A numeric column -> exact n / d (checked as facts.py checks one value)."""
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_integer(t):
        if pa.types.is_unsigned_integer(t):
            big = pc.fill_null(pc.greater_equal(arr, FACT_LIMIT), False).to_numpy(zero_copy_only=False)
            if big.any():
                raise _reject(name, arr, _first(big), ty, allowed)
        num = pc.fill_null(arr, 0).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        den = 1
    elif pa.types.is_decimal(t):
        num, den = _decimal_column(name, arr, valid, ty, allowed, size)
    elif pa.types.is_floating(t):
        num, den = _float_column(name, arr, valid, ty, allowed, size)
    elif pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        num, den = _text_numbers(name, arr, ty, allowed, size)
    else:
        raise _reject(name, arr, _first(_full(valid, size)), ty, allowed)
    # every decoder leaves 0 in the null slots, so the bounds below hold for every row
    lo, hi = (int(num.min()), int(num.max())) if size else (0, 0)
    if lo < 0:
        raise _reject(name, arr, _first(_full(_and(valid, _bools(num < 0)), size)), ty, allowed)
    if hi >= FACT_LIMIT * den:
        raise _reject(name, arr, _first(_full(_and(valid, _bools(num >= FACT_LIMIT * den)), size)),
                      ty, allowed)
    # the smallest power of ten that still holds every value (keeps products small)
    while den > 1 and size and not _any(_bools(num % 10 != 0)):
        num, den, hi = num // 10, den // 10, hi // 10
    if ty == T.INT and den > 1:
        frac = _and(valid, _bools(num % den != 0))
        if _any(frac):
            raise _reject(name, arr, _first(_full(frac, size)), ty, allowed)
    if ty == T.PERCENT:
        if hi > 100 * den:
            raise _reject(name, arr, _first(_full(_and(valid, _bools(num > 100 * den)), size)),
                          ty, allowed)
        den *= 100
    return KN(valid, _narrow(num, hi), den, hi, den)


def _decimal_column(name, arr, valid, ty, allowed, size):
    t = arr.type
    scale = t.scale
    if scale > MAX_DECIMALS:
        # facts.py rejects a Decimal with more than 12 decimal places, trailing zeros included
        raise _reject(name, arr, _first(_full(valid, size)), ty, allowed)
    if scale < 0:
        return _decimal_slow(arr, 0, valid, size)
    if pa.types.is_decimal256(t):
        try:
            arr = arr.cast(pa.decimal128(min(t.precision, 38), scale))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _decimal_slow(arr, scale, valid, size)
    if size == 0:
        return np.zeros(0, dtype=np.int64), 10**scale
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64,
                          count=2 * (arr.offset + len(arr)))[2 * arr.offset:].reshape(-1, 2)
    lo, hi = words[:, 0], words[:, 1]
    fits = _or(_not(valid), _m(hi == (lo >> 63)))
    if fits is True or bool(np.all(fits)):
        return (np.where(valid, lo, 0) if isinstance(valid, np.ndarray) else lo.copy()), 10**scale
    return _decimal_slow(arr, scale, valid, size)


def _decimal_slow(arr, scale, valid, size):
    values = arr.to_pylist()
    num = np.empty(size, dtype=object)
    for i, v in enumerate(values):
        num[i] = 0 if v is None else int(v.scaleb(scale))
    return num, 10**scale


def _text_numbers(name, arr, ty, allowed, size):
    """Numbers sent as text ("37.5"), row by row with facts.py's own conversion (slow path)."""
    values = []
    for i, v in enumerate(arr.to_pylist()):
        if v is None:
            values.append(None)
            continue
        try:
            d = convert(name, v, ty if ty != T.PERCENT else T.DEC, allowed)
        except FactError as exc:
            raise FactError(f"row {i}: {exc}") from None
        values.append(Decimal(d))
    top = max([-v.as_tuple().exponent for v in values if v is not None] + [0])
    num = np.empty(size, dtype=object)
    for i, v in enumerate(values):
        num[i] = 0 if v is None else int(v.scaleb(top))
    return num, 10**top


def _float_column(name, arr, valid, ty, allowed, size):
    """Floats as facts.py reads them: Decimal(repr(x)), the shortest decimal that reads back as
    x. For 0..12 decimals, c = round(x·10^k) is that decimal when c / 10^k == x and |c| < 2^50
    (then the float error of x·10^k is below 1/4 and no other k-decimal reads back as x);
    rows that need more digits than that take repr itself."""
    x = pc.fill_null(arr.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
    vmask = _full(valid, size)
    finite = np.isfinite(x)
    if not finite[vmask].all():
        raise _reject(name, arr, _first(vmask & ~finite), ty, allowed)
    cand = np.zeros(size)
    places = np.full(size, -1, dtype=np.int64)
    todo = np.flatnonzero(vmask)
    for k in range(MAX_DECIMALS + 1):
        if not len(todo):
            break
        p = 10.0**k
        xs = x[todo]
        c = np.round(xs * p)
        ok = (np.abs(c) < 2.0**50) & (c / p == xs)
        hit = todo[ok]
        cand[hit], places[hit] = c[ok], k
        todo = todo[~ok & (np.abs(c) < 2.0**50)]
        # rows where |x·10^k| reached 2^50 are left with places -1: repr below
    slow = np.flatnonzero(vmask & (places < 0))
    exact = {}
    for i in slow:
        d = Decimal(repr(float(x[i])))
        exp = d.as_tuple().exponent
        if exp < -MAX_DECIMALS or d >= FACT_LIMIT:
            raise _reject(name, arr, int(i), ty, allowed)
        exact[int(i)] = d
    top = int(places.max()) if size else 0
    for d in exact.values():
        top = max(top, -d.as_tuple().exponent)
    top = max(top, 0)
    bound = int(np.abs(cand).max()) * 10**top if size else 0
    if bound <= I64 and not exact:
        pow10 = 10 ** np.arange(top + 1, dtype=np.int64)  # a table: `10 ** array` is slow
        num = cand.astype(np.int64) * pow10[top - np.maximum(places, 0)]
        return num, 10**top
    num = np.empty(size, dtype=object)
    for i in range(size):
        num[i] = int(cand[i]) * 10 ** (top - max(int(places[i]), 0))
    for i, d in exact.items():
        num[i] = int(d.scaleb(top))
    return num, 10**top


# --- fallback: one vilkår row by row with the compiled closures ---------------------------------

class _Rows:
    """The facts of each row as facts.py converts them (built only when a vilkår falls back)."""

    def __init__(self, table: pa.Table, compiled, benefit: str):
        self.compiled = compiled
        self.benefit = benefit
        model = compiled.model
        cols = {name: [_as_date(v) for v in table.column(name).to_pylist()]
                if model.fact_types[name] == T.DATE else table.column(name).to_pylist()
                for name in model.facts if name in table.column_names}
        self.facts = []
        for i in range(table.num_rows):
            raw = {name: values[i] for name, values in cols.items()}
            try:
                self.facts.append(validate(raw, model.facts, model.fact_types, benefit))
            except FactError as exc:
                raise FactError(f"row {i}: {exc}") from None
        self.ctxs: dict = {}

    def status(self, fn, rows, on: dt.date):
        """(k, v, na, error rows, first message) for one vilkår over `rows` (indices)."""
        size = len(rows)
        k, v, na, bad = (np.zeros(size, dtype=bool) for _ in range(4))
        msg = None
        for j, i in enumerate(rows):
            ctx = self.ctxs.get((i, on))
            if ctx is None:
                ctx = self.ctxs[(i, on)] = self.compiled.new_ctx(on, self.facts[i])
            try:
                value, _ = fn(ctx)
            except RuleEvalError as exc:
                bad[j] = True
                msg = msg or str(exc)
                continue
            if value is NOT_APPLICABLE:
                na[j] = True
            elif value is not UNKNOWN:
                k[j], v[j] = True, bool(value)
        return k, v, na, bad, msg


def _as_date(v):
    """A timestamp at midnight (accepted by the column decoder) as the date facts.py expects."""
    return v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v


# --- screen ------------------------------------------------------------------------------------

def screen(rules, benefit: str, table, on=None, *, date_column: str | None = "dato",
           errors: str = "raise") -> pa.Table:
    """Screen every row of `table` for `benefit`: the outcome and the vilkår not met.

    Args:
        rules: what `load_rules` returned.
        benefit: the benefit id, e.g. "dagpenger".
        table: a pyarrow Table or RecordBatch, a pandas DataFrame, a dict of columns, or the
            path of a Parquet file; one column per fact (null = missing). Prosent as 0–100.
        on: the prøvingsdato for every row, a `datetime.date` or "YYYY-MM-DD".
        date_column: a column of per-row dates (default "dato"); where present, each row is
            screened on its own date (null: `on`). None to ignore such a column.
        errors: "raise" (default) raises `RuleEvalError` for the first row that `evaluate`
            would fail on; "null" gives that row a null outcome and null not_met.

    Returns:
        A pyarrow Table with `outcome` (string) and `not_met` (list<string>), one row per input
        row; its schema metadata `rulelang.fallback` lists (JSON) the vilkår evaluated row by
        row instead of column-wise.
    """
    if errors not in ("raise", "null"):
        raise InputError(f"errors must be 'raise' or 'null', got {errors!r}")
    compiled = rules.compiled.get(benefit)
    if compiled is None:
        raise UnknownBenefitError(f"unknown benefit '{benefit}'; the benefits are: "
                                  + ", ".join(sorted(rules.compiled)))
    model = compiled.model
    if date_column is not None and date_column in model.facts:
        raise InputError(f"'{date_column}' is a fact of {benefit}; pass date_column=None or "
                         f"another name for the column of per-row dates")
    on = parse_date(on) if on is not None else None
    wanted = set(model.facts) | ({date_column} if date_column else set())
    tbl = _as_table(table, wanted)
    size = tbl.num_rows
    shared = _Shared(compiled)
    for e in _texts(model):
        shared.code(e)
    cols = {name: _decode(tbl, name, model.fact_types[name], decl.type.allowed, shared, size)
            for name, decl in model.facts.items()}

    groups = _groups(tbl, date_column, on, size)
    conditions = compiled.conditions
    nc = len(conditions)
    not_met = np.zeros((size, nc), dtype=bool)
    denied = np.zeros(size, dtype=bool)
    unknown = np.zeros(size, dtype=bool)
    failed = np.zeros(size, dtype=bool)
    first_msg: dict[int, str] = {}
    fallback: list[str] = []
    rows = None

    for day, idx in groups:
        gsize = size if idx is None else len(idx)
        gcols = cols if idx is None else {k: v.take(idx) for k, v in cols.items()}
        p = _Pass(shared, gcols, gsize, day)
        g_not_met = np.zeros((gsize, nc), dtype=bool)
        g_unknown = np.zeros(gsize, dtype=bool)
        g_failed = np.zeros(gsize, dtype=bool)
        for ci, (decl, fn) in enumerate(conditions):
            if select_version(decl.body, day) is NOT_IN_FORCE:
                continue
            try:
                val = p.body(decl.body)
                k, v, na = (_full(x, gsize) for x in (val.k, val.v, val.na))
                for mask, msg in val.err:
                    bad = _full(mask, gsize)
                    if bad.any():
                        g_failed |= bad
                        _note(first_msg, idx, bad, msg)
            except _NotVectorisable:
                if decl.name not in fallback:
                    fallback.append(decl.name)
                if rows is None:
                    rows = _Rows(tbl, compiled, benefit)
                ridx = np.arange(size) if idx is None else idx
                k, v, na, bad, msg = rows.status(fn, ridx, day)
                if bad.any():
                    g_failed |= bad
                    _note(first_msg, idx, bad, msg)
            g_not_met[:, ci] = k & ~v
            g_unknown |= ~k & ~na
        if idx is None:
            not_met, unknown, failed = g_not_met, g_unknown, g_failed
        else:
            not_met[idx], unknown[idx], failed[idx] = g_not_met, g_unknown, g_failed

    if failed.any():
        row = _first(failed)
        if errors == "raise":
            raise RuleEvalError(f"row {row}: {first_msg.get(row, 'evaluation failed')}")
        not_met[failed] = False
    denied = not_met.any(axis=1) if nc else np.zeros(size, dtype=bool)
    codes = np.where(denied, 1, np.where(unknown, 2, 0)).astype(np.int8)
    has_failed = bool(failed.any())
    outcome = pa.array(list(OUTCOMES), pa.string()).take(
        pa.array(codes, mask=failed if has_failed else None))
    counts = not_met.sum(axis=1)
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    flat = np.flatnonzero(not_met.ravel()) % max(nc, 1)
    ids = pa.array([d.name for d, _ in conditions] or [""], pa.string()).take(pa.array(flat))
    list_type = pa.int32 if offsets[-1] < 2**31 else pa.int64
    off = pa.array(offsets.astype(np.int32 if list_type is pa.int32 else np.int64))
    cls = pa.ListArray if list_type is pa.int32 else pa.LargeListArray
    failed_arr = pa.array(failed) if has_failed else None
    not_met_arr = cls.from_arrays(off, ids, mask=failed_arr)
    schema = pa.schema([("outcome", pa.string()), ("not_met", not_met_arr.type)],
                       metadata={"rulelang.benefit": benefit,
                                 "rulelang.fallback": json.dumps(fallback)})
    return pa.Table.from_arrays([outcome, not_met_arr], schema=schema)


def _note(first_msg: dict, idx, bad: np.ndarray, msg: str):
    row = _first(bad)
    row = int(row if idx is None else idx[row])
    first_msg.setdefault(row, msg)


def _groups(tbl: pa.Table, date_column, on, size):
    """[(date, row indices or None for all rows)]."""
    if date_column is None or date_column not in tbl.column_names:
        if on is None:
            raise InputError("give the date: on=YYYY-MM-DD, or a column "
                             f"'{date_column or 'dato'}' of dates")
        return [(on, None)]
    if size == 0:
        return [(on or EPOCH, None)]
    arr = _array(tbl, date_column)
    valid = _full(_validity(arr), size)
    if not valid.any():
        days = np.zeros(size, dtype=np.int64)
    else:
        days = _decode_dates(date_column, arr, valid, T.DATE, size)
    if not valid.all():
        if on is None:
            raise InputError(f"row {_first(~valid)}: no date in column '{date_column}' and no on=")
        days = np.where(valid, days, (on - EPOCH).days)
    uniq, inverse = np.unique(days, return_inverse=True)
    if len(uniq) == 1:
        return [(EPOCH + dt.timedelta(days=int(uniq[0])), None)]
    order = np.argsort(inverse, kind="stable")
    bounds = np.flatnonzero(np.diff(inverse[order])) + 1
    return [(EPOCH + dt.timedelta(days=int(uniq[g])), part)
            for g, part in enumerate(np.split(order, bounds))]


def _texts(model):
    """Every text literal of the benefit (they get the first codes)."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, n.Text):
            found.append(node.value)
        if isinstance(node, n.Node):
            for a in node.__attrs_attrs__:
                v = getattr(node, a.name)
                if isinstance(v, tuple):
                    for x in v:
                        walk(x)
                elif isinstance(v, n.Node):
                    walk(v)

    for d in (*model.values.values(), *model.amounts.values(), *model.conditions.values()):
        walk(d.body)
    return found
