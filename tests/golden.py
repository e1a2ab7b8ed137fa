"""Reader for the chunked language test files in tests/lang (GUIDE.md §4.11.2, after starlark-go's
`chunkedfile`).

A file holds chunks separated by a line `---`. A line with `### CODE "regex"` (several may follow
one `###`, each optionally with `hint "regex"`; 'regex' in single quotes works too) expects a
diagnostic with that code on that line, whose message (and hint) the regex matches.

Every chunk is loaded as a program of its own, together with `tests/lang/prelude.regel` (the sats
G and the appeal track `folketrygd`). The check is strict: every diagnostic, error or warning, must
be expected, on its line of the chunk's file (never in the prelude), and every expectation must be
met; a warning code (RL5xx) must come as a warning, every other code as an error. A chunk is padded
with blank lines, so the lines reported are lines of the whole file.
"""
from __future__ import annotations

import re
from pathlib import Path

from attrs import frozen

from rulelang.errors import RuleCheckError, RuleSyntaxError, Severity
from rulelang.loader import load_sources

LANG = Path(__file__).parent / "lang"
PRELUDE = "prelude.regel"
_QUOTED = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""  # "regex", or 'regex' on a line with a lone "
_ONE = re.compile(rf"\s*(RL\d{{3}})\s+{_QUOTED}(?:\s+hint\s+{_QUOTED})?")


def _unquote(quoted: str | None) -> str | None:
    return re.sub(r"""\\(["'])""", r"\1", quoted[1:-1]) if quoted else None


@frozen
class Expect:
    line: int
    code: str
    message: str  # a regex, searched in the message
    hint: str | None = None  # a regex, searched in the hint

    def matches(self, d) -> bool:
        hint_ok = self.hint is None or re.search(self.hint, d.hint or "") is not None
        return (d.span.line, d.code) == (self.line, self.code) and hint_ok \
            and re.search(self.message, d.message) is not None


@frozen
class Chunk:
    file: str  # the path under tests/lang: what diagnostics name
    number: int  # 1-based
    line: int  # the first line of the chunk in the file
    text: str
    expects: tuple[Expect, ...]


def read_chunks(file: str, text: str | None = None) -> list[Chunk]:
    """The chunks of `tests/lang/<file>` (or of `text`), with their expectations."""
    lines = (LANG / file).read_text("utf-8").splitlines() if text is None else text.splitlines()
    chunks, start = [], 0
    for i, line in enumerate([*lines, "---"]):
        if line.rstrip() != "---":
            continue
        expects = []
        for no in range(start, i):
            _, sep, rest = lines[no].partition("###")
            while sep:  # one or more expectations follow ###
                m = _ONE.match(rest)
                if not m:
                    raise ValueError(f"{file}:{no + 1}: malformed expectation: ###{rest}")
                message, hint = (_unquote(g) for g in m.groups()[1:])
                re.compile(message), re.compile(hint or "")  # a bad regex fails here, not later
                expects.append(Expect(no + 1, m[1], message, hint))
                rest = rest[m.end():]
                sep = rest.strip()
        body = "\n" * start + "\n".join(lines[start:i]) + "\n"
        chunks.append(Chunk(file, len(chunks) + 1, start + 1, body, tuple(expects)))
        start = i + 1
    return chunks


def diagnostics(chunk: Chunk) -> tuple:
    """Every diagnostic that loading the chunk (with the prelude) reports."""
    sources = {PRELUDE: (LANG / PRELUDE).read_text("utf-8"), chunk.file: chunk.text}
    try:
        return tuple(load_sources(sources).warnings)
    except (RuleSyntaxError, RuleCheckError) as exc:
        return tuple(exc.diagnostics)


def problems(chunk: Chunk) -> list[str]:
    """What is wrong with a chunk: unexpected diagnostics and unmet expectations."""
    lines, out = chunk.text.splitlines(), []
    pending = list(chunk.expects)
    for d in diagnostics(chunk):
        where = f"{d.span.file}:{d.span.line}:{d.span.column}: {d.code} {d.message!r} (hint: {d.hint!r})"
        if (d.severity is Severity.WARNING) != d.code.startswith("RL5"):
            out.append(f"{where}: severity {d.severity.value} does not fit the code")
        if d.span.file == chunk.file and not (1 <= d.span.line <= len(lines) and
                                              1 <= d.span.column <= len(lines[d.span.line - 1]) + 1):
            out.append(f"{where}: the position lies outside the text")
        found = next((e for e in pending if d.span.file == chunk.file and e.matches(d)), None)
        if found is None:
            out.append(f"unexpected {where}")
        else:
            pending.remove(found)
    out += [f"{chunk.file}:{e.line}: expected {e.code} {e.message!r}"
            + (f" hint {e.hint!r}" if e.hint else "") + ", not reported" for e in pending]
    return out
