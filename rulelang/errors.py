"""Errors: source spans, diagnostics and the exception family of rulelang.

Every stage reports problems as `Diagnostic`s that point at a `Span` of a rule file. A diagnostic
renders as

    rules/folketrygd/dagpenger.regel:12:5: error[RL201]: unknown name 'aldr'
       |
    12 |   aldr >= 67
       |   ^^^^
       = hint: did you mean 'alder'?

Codes group by stage: RL1xx syntax, RL2xx names, RL3xx types, RL4xx law references and structure,
RL5xx lint warnings, RL6xx facts and input, RL9xx evaluation. Every exception raised to a user of
the Python API is a `RulelangError`; the command line maps them to exit codes without a traceback.
"""
from __future__ import annotations

import enum

from attrs import field, frozen


@frozen
class Span:
    """A source range. Lines and columns are 1-based; end_column is exclusive (as in Lark)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NO_SPAN = Span("<generated>", 0, 0, 0, 0)


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@frozen
class Diagnostic:
    """One problem found in a rule file, with a stable code and an optional hint."""

    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    hint: str | None = None
    notes: tuple[tuple[str, Span], ...] = field(default=(), converter=tuple)

    def render(self, source: str | None) -> str:
        """Render as `file:line:col: error[CODE]: message`, the source line and a caret."""
        head = f"{self.span}: {self.severity.value}[{self.code}]: {self.message}"
        lines = [head]
        lines.extend(_snippet(self.span, source))
        if self.hint:
            lines.append(f"{' ' * _gutter(self.span)}= hint: {self.hint}")
        for text, span in self.notes:
            lines.append(f"{' ' * _gutter(self.span)}= note: {text} ({span})")
        return "\n".join(lines)


def _gutter(span: Span) -> int:
    return len(str(span.line)) + 1 if span.line > 0 else 1


def _snippet(span: Span, source: str | None) -> list[str]:
    """The source line of `span` with a caret underline (tabs expanded, as Lark does)."""
    if source is None or span.line <= 0:
        return []
    all_lines = source.split("\n")  # as Lark counts lines
    if span.line > len(all_lines):
        return []
    raw = all_lines[span.line - 1].rstrip("\r")
    text = raw.expandtabs(8)
    start = len(raw[: span.column - 1].expandtabs(8))
    if span.end_line == span.line and span.end_column > span.column:
        end = len(raw[: span.end_column - 1].expandtabs(8))
    else:
        end = max(len(text), start + 1)
    width = max(1, end - start)
    pad = " " * (len(str(span.line)) + 1)
    return [f"{pad}|", f"{span.line} | {text}", f"{pad}| {' ' * start}{'^' * width}"]


class RulelangError(Exception):
    """The root of every error rulelang raises. `exit_code` is what the command line returns."""

    exit_code = 1


class RuleSyntaxError(RulelangError):
    """A rule file does not parse. Carries one diagnostic (the parser stops at the first)."""

    exit_code = 2

    def __init__(self, diagnostic: Diagnostic, source: str | None = None):
        self.diagnostic = diagnostic
        self.diagnostics = (diagnostic,)
        self.sources = {diagnostic.span.file: source} if source is not None else {}
        super().__init__(diagnostic.render(source))

    @classmethod
    def several(cls, errors: list["RuleSyntaxError"]) -> "RuleSyntaxError":
        """One error carrying the syntax errors of several files."""
        first = errors[0]
        for other in errors[1:]:
            first.diagnostics += other.diagnostics
            first.sources.update(other.sources)
        first.args = (render_all(first.diagnostics, first.sources),)
        return first


class RuleCheckError(RulelangError):
    """The checker found errors. Carries every diagnostic found, sorted by position."""

    exit_code = 2

    def __init__(self, diagnostics, sources: dict[str, str]):
        self.diagnostics = tuple(sorted(diagnostics, key=_diag_key))
        self.sources = dict(sources)
        super().__init__(render_all(self.diagnostics, self.sources))


class RuleEvalError(RulelangError):
    """Evaluation could not finish: a missing rate for the date, division by zero, a limit."""

    exit_code = 1


class InputError(RulelangError):
    """Bad input from the caller: unknown benefit, unknown fact, wrong type, malformed JSON."""

    exit_code = 2


class UnknownBenefitError(InputError):
    """The benefit asked for is not in the loaded rules."""


class FactError(InputError):
    """A fact is unknown, of the wrong type, or out of range."""


def _diag_key(d: Diagnostic):
    return (d.span.file, d.span.line, d.span.column, d.code)


def render_all(diagnostics, sources: dict[str, str]) -> str:
    """Render several diagnostics, each with its snippet, separated by blank lines."""
    return "\n\n".join(d.render(sources.get(d.span.file)) for d in diagnostics)
