"""Static types of rule expressions and the typing of operators and built-in functions.

Used by the checker (type errors with precise messages) and by the decision output (an amount's
unit). Numbers carry a unit in their type: `beløp` (kr), `prosent`, `uker`, `dager`, `år`; plain
numbers are `heltall` or `desimal`. A prosent is a ratio at run time (50 % is 0.5), so it may be
compared with a computed ratio (`desimal`) but not with a bare whole number (`50`), which is
almost always a forgotten `%`.
"""
from __future__ import annotations

from attrs import frozen


@frozen
class Ty:
    """A type. `element` is set for lists."""

    name: str
    element: "Ty | None" = None

    def __str__(self) -> str:
        if self.name == "liste":
            return f"liste av {self.element}"
        return self.name


BOOL = Ty("ja/nei")
DATE = Ty("dato")
TEXT = Ty("tekst")
INT = Ty("heltall")
DEC = Ty("desimal")
MONEY = Ty("beløp")
PERCENT = Ty("prosent")
WEEKS = Ty("uker")
DAYS = Ty("dager")
YEARS = Ty("år")
ERROR = Ty("<feil>")  # an expression that already has an error: never reported twice
NOT_APPLICABLE = Ty("gjelder ikke")

PLAIN = (INT, DEC)
NUMERIC = (INT, DEC, MONEY, PERCENT, WEEKS, DAYS, YEARS)
UNITS = (MONEY, WEEKS, DAYS, YEARS)

UNIT_TYPES = {None: None, "kr": MONEY, "G": MONEY, "%": PERCENT, "uker": WEEKS, "dager": DAYS,
              "år": YEARS}
FACT_TYPES = {"dato": DATE, "beløp": MONEY, "prosent": PERCENT, "heltall": INT, "desimal": DEC,
              "ja/nei": BOOL, "tekst": TEXT}

# The unit shown for an amount in a decision (CONTRACT.md: kroner, uker, dager).
OUTPUT_UNITS = {MONEY: "kr", WEEKS: "uker", DAYS: "dager", YEARS: "år", PERCENT: "%",
                INT: "", DEC: ""}


def list_of(t: Ty) -> Ty:
    return Ty("liste", t)


def _plain(a: Ty, b: Ty) -> Ty:
    return DEC if DEC in (a, b) else INT


def numeric_compatible(a: Ty, b: Ty) -> bool:
    """May a and b be compared or added? (same unit; plain numbers together; prosent ~ desimal)."""
    if a == b:
        return True
    if a in PLAIN and b in PLAIN:
        return True
    return {a, b} == {PERCENT, DEC}


def arith(op: str, a: Ty, b: Ty) -> Ty | str:
    """The type of `a op b`, or an error message."""
    if ERROR in (a, b):
        return ERROR
    if op in "+-":
        if a in PLAIN and b in PLAIN:
            return _plain(a, b)
        if a == b and a in (MONEY, WEEKS, DAYS, YEARS, PERCENT):
            return a
        if a == DATE and b in (DAYS, WEEKS, YEARS):
            return DATE
        if op == "-" and a == b == DATE:
            return DAYS
        verb = "add" if op == "+" else "subtract"
        return f"cannot {verb} {_a(b)} {'to' if op == '+' else 'from'} {_a(a)}"
    if op == "*":
        scalars = PLAIN + (PERCENT,)
        if a in PLAIN and b in PLAIN:
            return _plain(a, b)
        if a in NUMERIC and b in scalars:
            return a
        if a in scalars and b in NUMERIC:
            return b
        return f"cannot multiply {_a(a)} by {_a(b)}"
    if op == "/":
        if a in NUMERIC and b in PLAIN + (PERCENT,):
            return DEC if a in PLAIN else a
        if a in NUMERIC and a == b:
            return DEC
        return f"cannot divide {_a(a)} by {_a(b)}"
    raise ValueError(op)


def compare(op: str, a: Ty, b: Ty) -> str | None:
    """None when `a op b` is well typed, else an error message."""
    if ERROR in (a, b):
        return None
    if op in ("=", "!="):
        if a == b or (a in NUMERIC and b in NUMERIC and numeric_compatible(a, b)):
            return None
        return f"cannot compare {_a(a)} with {_a(b)}"
    if a == DATE and b == DATE:
        return None
    if a in NUMERIC and b in NUMERIC and numeric_compatible(a, b):
        return None
    return f"cannot compare {_a(a)} with {_a(b)}"


def compare_hint(a: Ty, b: Ty) -> str | None:
    """A hint for a failed comparison of a unit with a bare number."""
    pair = {a, b}
    if PERCENT in pair and INT in pair:
        return "a prosent is compared with a percentage: write e.g. 50 %"
    if MONEY in pair and pair & set(PLAIN):
        return "an amount is compared with kroner or G: write e.g. 100 000 kr or 1,5 G"
    if pair & {WEEKS, DAYS, YEARS} and pair & set(PLAIN):
        return "give the number its unit: uker, dager or år"
    return None


def join(a: Ty, b: Ty) -> Ty | None:
    """The common type of two branches (hvis/ellers, versions), or None if they differ."""
    if ERROR in (a, b):
        return ERROR
    if a == b:
        return a
    if a in PLAIN and b in PLAIN:
        return DEC
    return None


def _a(t: Ty) -> str:
    return f"'{t}'"


# Built-in functions: name -> (argument check, result type). The check returns an error
# message or None. Names are Norwegian because authors write them.
def _check_fn(name, args):
    n = len(args)
    if name in ("avrundet", "avrundet_til_øre"):
        if n != 1:
            return f"'{name}' takes one argument", ERROR
        if args[0] not in NUMERIC and args[0] != ERROR:
            return f"'{name}' rounds a number, not {_a(args[0])}", ERROR
        return None, args[0]
    if name == "alder":
        if n != 1 or args[0] not in (DATE, ERROR):
            return "'alder' takes one date: alder(fødselsdato)", INT
        return None, INT
    if name == "fyller":
        if n != 2 or args[0] not in (DATE, ERROR) or args[1] not in (INT, ERROR):
            return "'fyller' takes a date and an age: fyller(fødselsdato; 67)", DATE
        return None, DATE
    if name == "slutten_av_måneden":
        if n != 1 or args[0] not in (DATE, ERROR):
            return "'slutten_av_måneden' takes one date", DATE
        return None, DATE
    if name in ("minste av", "største av"):
        if n == 1 and args[0].name == "liste":
            return None, args[0].element
        if n < 2:
            return f"'{name}' takes two or more values separated by ';', or one list", ERROR
        result = args[0]
        for t in args[1:]:
            j = join(result, t)
            if j is None:
                return f"'{name}' cannot mix {_a(result)} and {_a(t)}", ERROR
            result = j
        if result not in NUMERIC + (DATE, ERROR):
            return f"'{name}' compares numbers or dates, not {_a(result)}", ERROR
        return None, result
    if name == "sum":
        if n != 1 or args[0].name != "liste" or args[0].element not in NUMERIC:
            return "'sum' takes one list of numbers", ERROR
        return None, args[0].element
    if name == "antall":
        if n != 1 or args[0].name != "liste":
            return "'antall' takes one list", INT
        return None, INT
    return None, None


FUNCTIONS = ("avrundet", "avrundet_til_øre", "alder", "fyller", "slutten_av_måneden",
             "minste av", "største av", "sum", "antall")


def call(name: str, args: list[Ty]) -> tuple[str | None, Ty | None]:
    """(error message or None, result type); result None means an unknown function."""
    return _check_fn(name, args)
