"""The README's keyword glossary covers every keyword of the grammar, and names it correctly."""
import re
from pathlib import Path

from rulelang.parser import get_parser

README = Path(__file__).resolve().parent.parent / "README.md"
NOT_KEYWORDS = {"COLON", "SEMI", "COMMA", "LPAR", "RPAR", "EQUAL", "NE", "GE", "LE", "GT", "LT",
                "PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "ISO_DATE", "NO_DATE", "NUMBER",
                "SECTION", "LEDD", "LETTER", "STRING", "NAME", "COMMENT"}


def keyword_terminals():
    out = {}
    for t in get_parser().terminals:
        if t.name in NOT_KEYWORDS or t.name.startswith("__"):
            continue
        value = t.pattern.value
        if t.pattern.type == "re":
            value = value.replace("\\b", "")
        out[t.name] = value
    return out


def glossary_rows():
    text = README.read_text("utf-8")
    section = text.split("## Keyword glossary", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        words = re.findall(r"`([^`]+)`", cells[0])
        terms = re.findall(r"`([^`]+)`", cells[1])
        rows.update(zip(terms, words))
    return rows


def test_every_keyword_is_in_the_glossary():
    rows = glossary_rows()
    missing = {name: word for name, word in keyword_terminals().items() if name not in rows}
    assert not missing, f"README glossary lacks {missing}"


def test_glossary_words_match_the_grammar():
    keywords = keyword_terminals()
    wrong = {term: (word, keywords.get(term)) for term, word in glossary_rows().items()
             if keywords.get(term) != word}
    assert not wrong, f"README glossary disagrees with grammar.lark: {wrong}"
