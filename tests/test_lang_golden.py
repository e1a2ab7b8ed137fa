"""The language's executable spec: every chunk of tests/lang/syntax/*.regel and
tests/lang/check/*.regel must report exactly the diagnostics its `###` lines expect
(tests/golden.py), and the reader itself must be strict."""
from __future__ import annotations

import re

import pytest

from rulelang.loader import load_sources

from golden import LANG, PRELUDE, Chunk, diagnostics, problems, read_chunks

FILES = sorted(str(p.relative_to(LANG)) for d in ("syntax", "check") for p in (LANG / d).glob("*.regel"))
CHUNKS = [c for f in FILES for c in read_chunks(f)]


@pytest.mark.parametrize("chunk", CHUNKS, ids=[f"{c.file}:{c.number}" for c in CHUNKS])
def test_chunk(chunk: Chunk):
    found = problems(chunk)
    assert not found, f"{chunk.file} chunk {chunk.number} (line {chunk.line}):\n" + "\n".join(found)


def test_the_golden_files_exist():
    assert {"syntax", "check"} == {f.split("/")[0] for f in FILES}
    assert len(CHUNKS) >= 100


@pytest.mark.parametrize("file", FILES)
def test_every_file_starts_with_a_header_comment(file):
    first = (LANG / file).read_text("utf-8").splitlines()[0]
    assert first.startswith("# ") and "###" not in first


@pytest.mark.parametrize("file", FILES)
def test_every_file_has_valid_chunks_and_error_chunks(file):
    chunks = read_chunks(file)
    assert any(not c.expects for c in chunks), "no chunk that must check clean"
    assert any(c.expects for c in chunks), "no chunk with an expected diagnostic"


def test_the_prelude_checks_clean_and_declares_g_and_folketrygd():
    assert diagnostics(Chunk("empty.regel", 1, 1, "", ())) == ()
    program = load_sources({PRELUDE: (LANG / PRELUDE).read_text("utf-8")}).program
    assert (list(program.rates), list(program.tracks)) == (["G"], ["folketrygd"])


# -- the reader is strict ---------------------------------------------------------------------

HEAD = 'ytelse t "T" lov folketrygdloven kapittel 4 klagespor folketrygd\nopplysninger\n  alder: heltall\n'


def _problems(text):
    (chunk,) = read_chunks("t.regel", text)
    return problems(chunk)


def test_met_expectations_pass():
    assert _problems(HEAD + 'vilkår k "K" (§ 4-2)\n  aldr > alder  ### RL201 "unknown name \'aldr\'" hint "alder"\n'
                     'verdi v = alder  ### RL503 "never used"') == []


def test_an_unexpected_error_fails():
    [p] = _problems(HEAD + 'vilkår k "K" (§ 4-2)\n  alder > 1 og y\n')
    assert p.startswith("unexpected t.regel:5:16: RL201")


def test_an_unexpected_warning_fails():
    [p] = _problems(HEAD + 'opplysninger\n  z: dato\nvilkår k "K" (§ 4-2)\n  alder > 1\n')
    assert p.startswith("unexpected t.regel:5:3: RL502")


def test_an_expectation_on_the_wrong_line_fails():
    found = _problems(HEAD + 'vilkår k "K" (§ 4-2)  ### RL201 "y"\n  y > alder\n')
    assert len(found) == 2 and found[0].startswith("unexpected t.regel:5:3: RL201")
    assert found[1] == "t.regel:4: expected RL201 'y', not reported"


def test_a_message_or_hint_that_does_not_match_fails():
    assert len(_problems(HEAD + 'vilkår k "K" (§ 4-2)\n  aldr > alder  ### RL201 "unknown fact"\n')) == 2
    assert len(_problems(HEAD + 'vilkår k "K" (§ 4-2)\n  aldr > alder  ### RL201 "aldr" hint "z"\n')) == 2
    assert len(_problems(HEAD + 'vilkår k "K" (§ 4-2)\n  aldr > alder  ### RL202 "aldr"\n')) == 2


def test_one_expectation_meets_one_diagnostic():
    found = _problems(HEAD + 'vilkår k "K" (§ 4-2)\n  y > alder og y > 1  ### RL201 "y"\n')
    assert len(found) == 1 and found[0].startswith("unexpected t.regel:5:")


def test_a_diagnostic_in_the_prelude_is_unexpected():
    found = _problems('sats G "G" (folketrygdloven § 1-4)\n  fra 1. mai 2025: 1 kr  ### RL203 "G"\n')
    assert found and found[0].startswith("unexpected t.regel:1:1: RL203")


def test_chunks_keep_their_file_lines():
    chunks = read_chunks("t.regel", "# a\n---\n" + HEAD + 'vilkår k "K" (§ 4-2)\n  y > alder  ### RL201 "y"\n')
    assert [(c.number, c.line) for c in chunks] == [(1, 1), (2, 3)]
    assert [e.line for e in chunks[1].expects] == [7]
    assert problems(chunks[1]) == []


def test_several_expectations_on_one_line():
    (chunk,) = read_chunks("t.regel", HEAD + 'vilkår k "K" (§ 4-2)\n  y og z og alder > 1 ### RL201 "y" RL201 \'z\'\n')
    assert [(e.code, e.message) for e in chunk.expects] == [("RL201", "y"), ("RL201", "z")]
    assert problems(chunk) == []


@pytest.mark.parametrize("line", ["x  ###", "x  ### RL201", "x  ### RL201 y", 'x  ### RL20 "y"',
                                  'x  ### RL201 "y" junk', 'x  ### RL201 "(y"', 'x  ### RL201 "y" hint'])
def test_a_malformed_expectation_is_an_error(line):
    with pytest.raises((ValueError, re.error)):
        read_chunks("t.regel", line)
