"""Printer: AST -> canonical rule-file text (used by `rulelang fmt` and the round-trip tests).

Input: `nodes.Module` or any expression. Output: text that parses back to an equal AST
(`build(parse(format_module(m))) == m`) and that `fmt` leaves unchanged when run again. Numbers
are written the Norwegian way (`130 160`, `1,5`), dates in the style they were written in, and
parentheses only where precedence needs them. Comments are kept: a comment on a line of its
own stays above the line it stood above, and a comment at the end of a line stays at its end.
"""
from __future__ import annotations

from decimal import Decimal

from . import nodes as n

INDENT = "  "
MAX_WIDTH = 100

# Binding strength: higher binds tighter.
_PREC = {n.If: 0, n.Or: 1, n.And: 2, n.Not: 3, n.Compare: 4}
_ARITH = {"+": 5, "-": 5, "*": 6, "/": 6}
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
          "oktober", "november", "desember")


def format_number(v: Decimal) -> str:
    """Decimal -> Norwegian number text: 130160 -> '130 160', 1.5 -> '1,5'."""
    sign = "-" if v < 0 else ""
    v = abs(v)
    text = format(v.normalize(), "f") if v != v.to_integral_value() else str(int(v))
    whole, _, frac = text.partition(".")
    if len(whole) > 4:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = " ".join(groups)
    return sign + whole + ("," + frac if frac else "")


def format_date(d: n.DateLit) -> str:
    if d.style == "no":
        return f"{d.value.day}. {MONTHS[d.value.month - 1]} {d.value.year}"
    return d.value.isoformat()


def _prec(e) -> int:
    if isinstance(e, n.BinOp):
        return _ARITH[e.op]
    if isinstance(e, n.Neg):
        return 7
    return _PREC.get(type(e), 8)


def format_expr(e) -> str:
    """One expression, with the parentheses precedence needs."""
    match e:
        case n.Quantity(value=v, unit=unit):
            return format_number(v) + (f" {unit}" if unit else "")
        case n.Bool(value=v):
            return "ja" if v else "nei"
        case n.Text(value=v):
            return f'"{v}"'
        case n.DateLit():
            return format_date(e)
        case n.Name(name=name):
            return name
        case n.Today():
            return "prøvingsdato"
        case n.Neg(operand=x):
            inner = _wrap(x, 7, strict=False)
            return f"-{inner}"
        case n.BinOp(op=op, left=l, right=r):
            p = _ARITH[op]
            return f"{_wrap(l, p, strict=False)} {op} {_wrap(r, p, strict=True)}"
        case n.Compare(op=op, left=l, right=r):
            return f"{_wrap(l, 4, strict=True)} {op} {_wrap(r, 4, strict=True)}"
        case n.And(operands=ops):
            return " og ".join(_wrap(x, 2, strict=True) for x in ops)
        case n.Or(operands=ops):
            return " eller ".join(_wrap(x, 1, strict=True) for x in ops)
        case n.Not(operand=x):
            return f"ikke {_wrap(x, 3, strict=False)}"
        case n.If(cond=c, then=a, else_=b):
            return f"hvis {format_expr(c)} så {format_expr(a)} ellers {format_expr(b)}"
        case n.Call(func=func, args=args):
            return f"{func}({'; '.join(format_expr(a) for a in args)})"
    raise AssertionError(f"unhandled node {e!r}")


def _wrap(e, parent: int, strict: bool) -> str:
    p = _prec(e)
    text = format_expr(e)
    if p < parent or (strict and p == parent) or (isinstance(e, n.Neg) and parent == 7 and False):
        return f"({text})"
    return text


def format_basis(b: n.LegalBasis | None) -> str:
    if b is None:
        return ""
    parts = []
    for r in b.refs:
        s = (f"{r.law} " if r.law else "") + f"§ {r.section}"
        if r.subsection:
            s += f" {r.subsection}"
        if r.letter:
            s += f" bokstav {r.letter}"
        parts.append(s)
    return "(" + "; ".join(parts) + ")"


def _text(nb: str, nn: str | None) -> str:
    """A text for people: `"bokmål"` or `"bokmål" nynorsk "nynorsk"`."""
    return f'"{nb}"' + (f' nynorsk "{nn}"' if nn is not None else "")


def _header(keyword, name, title, basis, extra="", title_nn=None):
    out = f"{keyword} {name}"
    if title is not None:
        out += " " + _text(title, title_nn)
    if basis is not None:
        out += " " + format_basis(basis)
    return out + extra


def _line(node) -> int:
    return node.span.line


def _body(body: n.Body, define: bool) -> list[tuple[int, str]]:
    lines = []
    if body.default is not None:
        lines.append((_line(body.default), f"{INDENT}{'= ' if define else ''}{format_expr(body.default)}"))
    for v in body.versions:
        period = ""
        if v.start is not None:
            period += f" fra {format_date(v.start)}"
        if v.end is not None:
            period += f" til {format_date(v.end)}"
        lines.append((_line(v), f"{INDENT}gjelder{period}:"))
        lines.append((_line(v.expr), f"{INDENT * 2}{format_expr(v.expr)}"))
    for exc in body.exceptions:
        head = "unntak" + (f" {_text(exc.title, exc.title_nn)}" if exc.title is not None else "")
        line = f"{INDENT}{head} {format_basis(exc.basis)} når {format_expr(exc.when)}"
        if isinstance(exc.outcome, n.NotApplicable):
            line += ": gjelder ikke"
        elif exc.outcome is not None:
            outcome = format_expr(exc.outcome)
            if len(line) + 2 + len(outcome) > MAX_WIDTH:
                # a long exception gives its value on the next line
                lines.append((_line(exc), line + ":"))
                lines.append((_line(exc.outcome), f"{INDENT * 2}{outcome}"))
                continue
            line += f": {outcome}"
        lines.append((_line(exc), line))
    return lines


def _type(t: n.TypeExpr) -> str:
    if t.name == "liste":
        return f"liste av {_type(t.element)}"
    if t.name == "tekst" and t.allowed:
        return "tekst (" + ", ".join(f'"{a}"' for a in t.allowed) + ")"
    return t.name


def format_decl(d) -> str:
    """One declaration as canonical text (no trailing newline)."""
    return "\n".join(text for _, text in _decl_lines(d))


def _decl_lines(d) -> list[tuple[int, str]]:
    """The lines of a declaration, each tagged with the source line it comes from."""
    head = _line(d)
    match d:
        case n.BenefitDecl():
            lines = [(head, f"ytelse {d.name} {_text(d.title, d.title_nn)}"),
                     (head, f"{INDENT}lov {d.law}" + (f" kapittel {d.chapter}" if d.chapter is not None else "")),
                     (head, f"{INDENT}klagespor {d.track}")]
        case n.FactsDecl():
            lines = [(head, "opplysninger")]
            for f in d.facts:
                desc = f" {_text(f.description, f.description_nn)}" if f.description is not None else ""
                lines.append((_line(f), f"{INDENT}{f.name}: {_type(f.type)}{desc}"))
        case n.ConditionDecl():
            lines = [(head, _header("vilkår", d.name, d.title, d.basis, " skjønn" if d.discretionary else "", d.title_nn))]
            lines += _body(d.body, define=False)
        case n.AmountDecl():
            lines = [(head, _header("beløp", d.name, d.title, d.basis, title_nn=d.title_nn))] + _body(d.body, define=True)
        case n.ValueDecl():
            lines = [(head, _header("verdi", d.name, d.title, d.basis, title_nn=d.title_nn))] + _body(d.body, define=True)
        case n.ObligationDecl():
            lines = [(head, _header("plikt", d.name, d.title, d.basis, title_nn=d.title_nn))] + _body(d.body, define=False)
            if d.text is not None:
                last = lines[-1][0]
                lines.append((last, f"{INDENT}tekst {_text(d.text, d.text_nn)}"))
        case n.RateDecl():
            lines = [(head, _header("sats", d.name, d.title, d.basis))]
            for e in d.entries:
                end = f" til {format_date(e.end)}" if e.end is not None else ""
                lines.append((_line(e), f"{INDENT}fra {format_date(e.start)}{end}: {format_expr(e.value)}"))
        case n.TrackDecl():
            lines = [(head, f"klagespor {d.name}" + (f" {_text(d.title, d.title_nn)}" if d.title is not None else ""))]
            for s in d.steps:
                line = f"{INDENT}{s.kind} til {s.body}"
                if s.name is not None:
                    line += f" {_text(s.name, s.name_nn)}"
                if s.deadline_weeks is not None:
                    line += f" innen {s.deadline_weeks} uker"
                if s.basis is not None:
                    line += " " + format_basis(s.basis)
                lines.append((_line(s), line))
                for sn in s.names:
                    line = f"{INDENT * 2}navn {_text(sn.name, sn.name_nn)}"
                    if sn.start is not None:
                        line += f" fra {format_date(sn.start)}"
                    if sn.end is not None:
                        line += f" til {format_date(sn.end)}"
                    lines.append((_line(sn), line))
            if d.review_limit is not None:
                rl = d.review_limit
                lines.append((_line(rl), f"{INDENT}skjønnsgrense {_text(rl.text, rl.text_nn)} {format_basis(rl.basis)}"))
        case n.LettersDecl():
            lines = [(head, "brev")]
            for t in d.texts:
                lines.append((_line(t), f"{INDENT}{t.outcome}: {_text(t.text, t.text_nn)}"))
        case _:
            raise AssertionError(f"unhandled declaration {d!r}")
    return lines


def format_module(m: n.Module, comments=()) -> str:
    """A whole file: declarations separated by a blank line, ending in a newline.

    Args:
        m: the module.
        comments: (line, column, text) of each comment in the source the module was built from.
    """
    pending = sorted(comments)
    out: list[str] = []
    for i, d in enumerate(m.decls):
        if i:
            out.append("")
        lines = _decl_lines(d)
        for j, (tag, text) in enumerate(lines):
            next_tag = lines[j + 1][0] if j + 1 < len(lines) else None
            last_comment = None
            while pending and pending[0][0] < tag:
                last_comment = pending[0][0]
                out.append(_indent_of(text) + pending.pop(0)[2])
            if j == 0 and last_comment is not None and tag - last_comment > 1:
                out.append("")  # a comment block that stood apart from the declaration stays apart
            # A comment on this line stays at its end, unless a later line has the same tag.
            # The last line also takes the comments on the later source lines of the
            # declaration (inside a multi-line expression, after `tekst`, on the `lov` line of
            # a `ytelse`): written below the declaration they would belong to the next one
            # when the output is formatted again, and `fmt` would not be idempotent.
            if next_tag is None:
                until = max(tag, d.span.end_line)
            else:
                until = tag if next_tag > tag else tag - 1
            trailing = []
            while pending and pending[0][0] <= until:
                trailing.append(pending.pop(0)[2])
            out.append(text + "".join("  " + c for c in trailing))
    for _, _, text in pending:
        out.append(text)
    return "\n".join(out) + ("\n" if out else "")


def _indent_of(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" "))]
