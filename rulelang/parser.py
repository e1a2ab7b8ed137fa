"""Parser: rule-file text -> `lark.Tree`.

Builds the LALR parser from `grammar.lark` once. Every Lark error becomes a `RuleSyntaxError`
with a `file:line:col` span, the tokens that were expected (as the Norwegian keywords an author
writes, not terminal names) and, for common mistakes, a hint. No Lark exception leaves this module.
"""
from __future__ import annotations

import functools
import importlib.resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic, RuleSyntaxError, Span


@functools.cache
def grammar_text() -> str:
    """The grammar source (shipped as package data)."""
    return importlib.resources.files("rulelang").joinpath("grammar.lark").read_text("utf-8")


@functools.cache
def get_parser() -> Lark:
    """The one LALR parser, built on first use."""
    return Lark(grammar_text(), parser="lalr", lexer="basic", propagate_positions=True,
                maybe_placeholders=False)


@functools.cache
def keyword_table() -> dict[str, str]:
    """Terminal name -> the text an author writes (`WHEN` -> `når`), from the grammar."""
    table = {}
    for term in get_parser().terminals:
        pattern = term.pattern
        if pattern.type == "str":
            table[term.name] = pattern.value
    table.update({"MIN_OF": "minste av", "MAX_OF": "største av", "NAME": "a name",
                  "NUMBER": "a number", "STRING": 'a text in "quotes"', "ISO_DATE": "a date",
                  "NO_DATE": "a date", "SECTION": "§ paragraph", "LEDD": "ledd",
                  "LETTER": "bokstav", "$END": "end of file", "NE": "!=", "GE": ">=",
                  "LE": "<=", "MINUS": "-", "STAR": "*"})
    return table


_COMMENTS: list = []


@functools.cache
def _comment_parser() -> Lark:
    return Lark(grammar_text(), parser="lalr", lexer="basic", propagate_positions=True,
                maybe_placeholders=False, lexer_callbacks={"COMMENT": _COMMENTS.append})


def parse_with_comments(text: str, file: str = "<string>"):
    """Parse and also return the comments as (line, column, text), for the formatter."""
    _COMMENTS.clear()
    try:
        tree = _comment_parser().parse(text)
    except UnexpectedInput as exc:
        raise RuleSyntaxError(_diagnostic(exc, text, file), text) from None
    comments = [(c.line, c.column, str(c).rstrip()) for c in _COMMENTS]
    _COMMENTS.clear()
    return tree, comments


def parse(text: str, file: str = "<string>") -> Tree:
    """Parse rule-file text.

    Args:
        text: the source.
        file: the file name used in spans.

    Returns:
        The Lark parse tree (positions propagated).

    Raises:
        RuleSyntaxError: at the first syntax error, with position, expected tokens and a hint.
    """
    try:
        return get_parser().parse(text)
    except UnexpectedInput as exc:
        raise RuleSyntaxError(_diagnostic(exc, text, file), text) from None


def _describe(token_types) -> list[str]:
    table = keyword_table()
    names = sorted({table.get(t, t) for t in token_types if not t.startswith("__")})
    return [f"'{n}'" if n in table.values() and not n.startswith("a ") else n for n in names]


def _accepted(exc: UnexpectedToken) -> set[str]:
    """The tokens the parser would really accept here. LALR merges states (a text may be
    followed by many things in different places), so `exc.expected` can list far more than
    is possible at this spot; the interactive parser tries each token and knows."""
    try:
        if exc.interactive_parser is not None:
            return set(exc.interactive_parser.accepts())
    except Exception:  # a best effort for a message: fall back to the LALR table
        pass
    return set(exc.expected)


def _token_text(tok: Token) -> str:
    if tok.type == "$END":
        return "end of file"
    return f"'{tok.value}'"


def _diagnostic(exc: UnexpectedInput, text: str, file: str) -> Diagnostic:
    line = getattr(exc, "line", 1) or 1
    col = getattr(exc, "column", 1) or 1
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            lines = text.rstrip().split("\n")  # the end of the last line with text; lines by "\n" as Lark
            line, col = len(lines), len(lines[-1]) + 1
            span = Span(file, line, col, line, col + 1)
        else:
            end_col = tok.end_column if tok.end_line == tok.line else col + len(str(tok.value))
            span = Span(file, line, col, line, end_col)
        accepted = _accepted(exc)
        expected = _describe(accepted)
        message = f"unexpected {_token_text(tok)}"
        if expected and len(expected) <= 8:
            message += f", expected {', '.join(expected)}"
        return Diagnostic("RL101", message, span,
                          hint=_hint(tok, accepted, _open_if(exc)))
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else "?"
        span = Span(file, line, col, line, col + 1)
        hint = None
        if ch == '"':
            hint = "a text must start and end with \" on the same line"
        elif ch == ".":
            hint = "decimal numbers use a comma: 1,5 — dates are written 1. mai 2025 or 2025-05-01"
        elif ch == "§":
            hint = "a paragraph is written '§ 4-4' or '§ 20 a'"
        return Diagnostic("RL102", f"unexpected character '{ch}'", span, hint=hint)
    if isinstance(exc, UnexpectedEOF):
        lines = text.rstrip().split("\n")  # the end of the last line with text; lines by "\n" as Lark
        span = Span(file, len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 2)
        return Diagnostic("RL101", "unexpected end of file", span)
    return Diagnostic("RL100", str(exc).splitlines()[0], Span(file, line, col, line, col + 1))


def _open_if(exc: UnexpectedToken) -> str | None:
    """What an unfinished `hvis` on the parser stack lacks: "THEN", "ELSE" or None.

    The expected set of an LALR state is no guide here: after any expression it holds THEN and
    ELSE, whether or not a `hvis` is open."""
    state = getattr(exc, "state", None)
    stack = list(getattr(state, "value_stack", None) or [])
    kinds = [t.type if isinstance(t, Token) else None for t in stack]
    if "IF" not in kinds:
        return None
    after_if = kinds[len(kinds) - 1 - kinds[::-1].index("IF"):]
    if "THEN" not in after_if:
        return "THEN"
    if "ELSE" not in after_if:
        return "ELSE"
    return None


# Typical author mistakes, recognised from the unexpected token and what was expected.
def _hint(tok: Token, expected: set[str], open_if: str | None) -> str | None:
    if tok.type == "EQUAL" and "EQUAL" not in expected:
        return "'=' compares two values; a 'beløp' or 'verdi' is defined with 'navn \"tittel\" (hjemmel) = ...'"
    if open_if == "THEN" and "THEN" in expected:
        return "write 'hvis <vilkår> så <verdi> ellers <verdi>'"
    if open_if == "ELSE" and "ELSE" in expected:
        return "every 'hvis … så …' needs an 'ellers'"
    if tok.type == "NAME" and "STRING" in expected:
        return 'a title is a text in quotes: vilkår alder "Alderskrav" (§ 4-23)'
    if "RPAR" in expected and tok.type in ("NUMBER", "NAME") and "SEMI" in expected:
        return "arguments are separated by ';' (the comma is the decimal sign)"
    if tok.type == "COMMA":
        return "the comma is the decimal sign: separate arguments with ';'"
    if tok.type == "SECTION" and "LPAR" in expected:
        return "a legal basis is written in parentheses: (§ 4-4 første ledd)"
    if tok.type == "NUMBER" and {"ISO_DATE", "NO_DATE"} & expected:
        return "write a date as 1. mai 2025 or 2025-05-01, followed by ':'"
    return None


def iter_tokens(text: str):
    """Lex `text` (for tests and tools); raises RuleSyntaxError on a bad character."""
    try:
        yield from get_parser().lex(text)
    except UnexpectedInput as exc:
        raise RuleSyntaxError(_diagnostic(exc, text, "<string>"), text) from None
