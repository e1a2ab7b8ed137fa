"""Snapshot tests of `Diagnostic.render` and the rendering of the error exceptions: the exact text
a rule author sees (GUIDE.md §4.11.1: the handful of tests that pin the format).

    file:line:col: error[CODE]: message
       |
    12 |   source line
       |   ^^^^
       = hint: ...
"""
from __future__ import annotations

import pytest

from rulelang.errors import (NO_SPAN, Diagnostic, RuleCheckError, RuleSyntaxError, Severity, Span,
                             render_all)
from rulelang.loader import load_sources


def span(line, col, end_col, end_line=None, file="dagpenger.regel"):
    return Span(file, line, col, line if end_line is None else end_line, end_col)


SOURCE = 'vilkår alder "Alder" (§ 4-23)\n  aldr >= 67\n'


def test_error_with_hint():
    d = Diagnostic("RL201", "unknown name 'aldr'", span(2, 3, 7), hint="did you mean 'alder'?")
    assert d.render(SOURCE) == (
        "dagpenger.regel:2:3: error[RL201]: unknown name 'aldr'\n"
        "  |\n"
        "2 |   aldr >= 67\n"
        "  |   ^^^^\n"
        "  = hint: did you mean 'alder'?")


def test_error_without_hint():
    d = Diagnostic("RL301", "cannot compare 'heltall' with 'dato'", span(2, 3, 13))
    assert d.render(SOURCE) == (
        "dagpenger.regel:2:3: error[RL301]: cannot compare 'heltall' with 'dato'\n"
        "  |\n"
        "2 |   aldr >= 67\n"
        "  |   ^^^^^^^^^^")


def test_warning():
    d = Diagnostic("RL501", "'§ 4-23' is outside kapittel 3 of folketrygdloven", span(1, 23, 29),
                   Severity.WARNING, hint="name the law if this is meant: (folketrygdloven § 4-23)")
    assert d.render(SOURCE) == (
        "dagpenger.regel:1:23: warning[RL501]: '§ 4-23' is outside kapittel 3 of folketrygdloven\n"
        "  |\n"
        '1 | vilkår alder "Alder" (§ 4-23)\n'
        "  |                       ^^^^^^\n"
        "  = hint: name the law if this is meant: (folketrygdloven § 4-23)")


def test_tabs_are_expanded_and_the_caret_follows():
    # columns count characters (a tab is one); the line is shown with tabs at every 8th column
    source = "opplysninger\n\talder:\theltall\n\t\taldr >= 67\n"
    d = Diagnostic("RL201", "unknown name 'aldr'", span(3, 3, 7), hint="did you mean 'alder'?")
    assert d.render(source) == (
        "dagpenger.regel:3:3: error[RL201]: unknown name 'aldr'\n"
        "  |\n"
        "3 |                 aldr >= 67\n"
        "  |                 ^^^^\n"
        "  = hint: did you mean 'alder'?")
    d = Diagnostic("RL502", "fact 'alder' is never used", span(2, 2, 16), Severity.WARNING)
    assert d.render(source) == (
        "dagpenger.regel:2:2: warning[RL502]: fact 'alder' is never used\n"
        "  |\n"
        "2 |         alder:  heltall\n"
        "  |         ^^^^^^^^^^^^^^^")


def test_a_tab_inside_the_span_widens_the_caret():
    source = "x\t= 1\n"
    d = Diagnostic("RL101", "unexpected '='", span(1, 1, 4))
    assert d.render(source).splitlines()[2:] == [
        "1 | x       = 1",
        "  | ^^^^^^^^^"]


def test_multi_digit_line_numbers_widen_the_gutter():
    source = "\n" * 11 + "  aldr >= 67\n"
    d = Diagnostic("RL201", "unknown name 'aldr'", span(12, 3, 7), hint="did you mean 'alder'?")
    assert d.render(source) == (
        "dagpenger.regel:12:3: error[RL201]: unknown name 'aldr'\n"
        "   |\n"
        "12 |   aldr >= 67\n"
        "   |   ^^^^\n"
        "   = hint: did you mean 'alder'?")
    source = "\n" * 1203 + "x\n"
    d = Diagnostic("RL201", "unknown name 'x'", span(1204, 1, 2))
    assert d.render(source) == (
        "dagpenger.regel:1204:1: error[RL201]: unknown name 'x'\n"
        "     |\n"
        "1204 | x\n"
        "     | ^")


def test_no_span_has_no_snippet():
    d = Diagnostic("RL900", "the step budget is used up", NO_SPAN, hint="simplify the rule")
    assert d.render(SOURCE) == (
        "<generated>:0:0: error[RL900]: the step budget is used up\n"
        " = hint: simplify the rule")
    assert Diagnostic("RL900", "x", NO_SPAN).render(None) == "<generated>:0:0: error[RL900]: x"


def test_no_source_has_no_snippet():
    d = Diagnostic("RL201", "unknown name 'aldr'", span(2, 3, 7), hint="did you mean 'alder'?")
    assert d.render(None) == (
        "dagpenger.regel:2:3: error[RL201]: unknown name 'aldr'\n"
        "  = hint: did you mean 'alder'?")


def test_a_line_past_the_end_of_the_source_has_no_snippet():
    d = Diagnostic("RL201", "unknown name 'aldr'", span(9, 3, 7))
    assert d.render(SOURCE) == "dagpenger.regel:9:3: error[RL201]: unknown name 'aldr'"


def test_a_span_over_several_lines_is_underlined_to_the_end_of_its_first_line():
    d = Diagnostic("RL401", "vilkår 'alder' has no legal basis", span(1, 1, 13, end_line=2))
    assert d.render('vilkår alder "Alder"\n  alder >= 67\n') == (
        "dagpenger.regel:1:1: error[RL401]: vilkår 'alder' has no legal basis\n"
        "  |\n"
        '1 | vilkår alder "Alder"\n'
        "  | ^^^^^^^^^^^^^^^^^^^^")


def test_an_empty_span_gets_one_caret():
    # the end of the file: just after the last character of the line
    d = Diagnostic("RL101", "unexpected end of file", span(2, 13, 13))
    assert d.render(SOURCE).splitlines()[2:] == [
        "2 |   aldr >= 67",
        "  |             ^"]


def test_letters_beyond_ascii_count_as_one_column():
    d = Diagnostic("RL201", "unknown name 'søkr'", span(1, 10, 14))
    assert d.render("  ø og å og søkr\n").splitlines()[2:] == [
        "1 |   ø og å og søkr",
        "  |          ^^^^"]


def test_windows_line_endings():
    d = Diagnostic("RL201", "unknown name 'aldr'", span(2, 3, 7))
    assert d.render(SOURCE.replace("\n", "\r\n")).splitlines()[2:] == [
        "2 |   aldr >= 67",
        "  |   ^^^^"]


def test_notes_follow_the_hint():
    d = Diagnostic("RL203", "duplicate vilkår 'alder'", span(12, 1, 7), hint="give it another name",
                   notes=[("first declared here", span(3, 1, 7))])
    assert d.render(None) == (
        "dagpenger.regel:12:1: error[RL203]: duplicate vilkår 'alder'\n"
        "   = hint: give it another name\n"
        "   = note: first declared here (dagpenger.regel:3:1)")


def test_render_all_separates_diagnostics_by_a_blank_line_and_finds_each_source():
    a = Diagnostic("RL201", "unknown name 'aldr'", span(2, 3, 7))
    b = Diagnostic("RL404", "'§ 18' is not a paragraph of folketrygdloven", span(1, 2, 6, file="b.regel"))
    assert render_all([a, b], {"dagpenger.regel": SOURCE, "b.regel": "(§ 18)\n"}) == (
        "dagpenger.regel:2:3: error[RL201]: unknown name 'aldr'\n"
        "  |\n"
        "2 |   aldr >= 67\n"
        "  |   ^^^^\n"
        "\n"
        "b.regel:1:2: error[RL404]: '§ 18' is not a paragraph of folketrygdloven\n"
        "  |\n"
        "1 | (§ 18)\n"
        "  |  ^^^^")


# -- end to end: what load_sources raises renders like this ------------------------------------

PRELUDE = """klagespor folketrygd "Klage"
  klage til klageinstans "NAV Klageinstans" innen 6 uker (folketrygdloven § 21-12)
"""
HEAD = 'ytelse t "T" lov folketrygdloven kapittel 4 klagespor folketrygd\nopplysninger\n\talder: heltall\n'


def test_a_syntax_error_renders_with_its_position():
    with pytest.raises(RuleSyntaxError) as info:
        load_sources({"p.regel": PRELUDE, "t.regel": HEAD + 'vilkår k "K" (§ 4-23)\n\talder >= 1.5\n'})
    assert str(info.value) == (
        "t.regel:5:12: error[RL102]: unexpected character '.'\n"
        "  |\n"
        "5 |         alder >= 1.5\n"
        "  |                   ^\n"
        "  = hint: decimal numbers use a comma: 1,5 — dates are written 1. mai 2025 or 2025-05-01")


def test_an_impossible_date_renders_with_its_position():
    with pytest.raises(RuleSyntaxError) as info:
        load_sources({"p.regel": PRELUDE, "t.regel": HEAD + 'vilkår k "K" (§ 4-23)\n'
                                                           '  alder > 1 og 30. februar 2025 > prøvingsdato\n'})
    assert str(info.value) == (
        "t.regel:5:16: error[RL103]: '30. februar 2025' is not a date\n"
        "  |\n"
        "5 |   alder > 1 og 30. februar 2025 > prøvingsdato\n"
        "  |                ^^^^^^^^^^^^^^^^\n"
        "  = hint: check the day and the month")


def test_check_errors_render_sorted_by_position_with_their_warnings():
    text = HEAD + 'opplysninger\n  bosted: tekst\nvilkår k "K" (§ 4-23)\n  aldr >= 67 og alder < 70 kr\n'
    with pytest.raises(RuleCheckError) as info:
        load_sources({"t.regel": text, "p.regel": PRELUDE})
    assert [d.code for d in info.value.diagnostics] == ["RL502", "RL201", "RL301"]
    assert str(info.value) == (
        "t.regel:5:3: warning[RL502]: fact 'bosted' is never used\n"
        "  |\n"
        "5 |   bosted: tekst\n"
        "  |   ^^^^^^^^^^^^^\n"
        "\n"
        "t.regel:7:3: error[RL201]: unknown name 'aldr'\n"
        "  |\n"
        "7 |   aldr >= 67 og alder < 70 kr\n"
        "  |   ^^^^\n"
        "  = hint: did you mean 'alder'?\n"
        "\n"
        "t.regel:7:17: error[RL301]: cannot compare 'heltall' with 'beløp'\n"
        "  |\n"
        "7 |   aldr >= 67 og alder < 70 kr\n"
        "  |                 ^^^^^^^^^^^^^\n"
        "  = hint: an amount is compared with kroner or G: write e.g. 100 000 kr or 1,5 G")


def test_syntax_errors_of_several_files_render_together():
    with pytest.raises(RuleSyntaxError) as info:
        load_sources({"a.regel": "vilkår k K\n", "b.regel": "sats S (§ 1) fra 1 mai 2025: 1 kr\n"})
    assert [(d.span.file, d.code) for d in info.value.diagnostics] == [("a.regel", "RL101"), ("b.regel", "RL101")]
    assert str(info.value) == (
        "a.regel:1:10: error[RL101]: unexpected 'K', expected a text in \"quotes\"\n"
        "  |\n"
        "1 | vilkår k K\n"
        "  |          ^\n"
        "  = hint: a title is a text in quotes: vilkår alder \"Alderskrav\" (§ 4-23)\n"
        "\n"
        "b.regel:1:18: error[RL101]: unexpected '1', expected a date\n"
        "  |\n"
        "1 | sats S (§ 1) fra 1 mai 2025: 1 kr\n"
        "  |                  ^\n"
        "  = hint: write a date as 1. mai 2025 or 2025-05-01, followed by ':'")
