"""The fixtures of tests/test_impact.py and of the README's `rulelang impact` example.

    .venv/bin/python tests/impact/make_fixtures.py DIR            # the rule variants under DIR
    .venv/bin/python tests/impact/make_fixtures.py DIR --caseload # and dagpenger_2025.jsonl again

* `minsteinntekt_2g/`: a copy of every rule file under rules/ with one line changed: the
  minsteinntekt of dagpenger (folketrygdloven § 4-4 første ledd) raised from 1,5 G to 2 G over
  the last 12 months (3 G over 36 months is kept).
* `g_2026/`: a copy with one line changed: G from 1 May 2026 is 140 000 kr instead of 136 549 kr.
* `dagpenger_2025.jsonl`: 500 dagpenger applications from 2025, one JSON object a line
  (`{"id", "date", "facts"}`), made from the examples in rules/folketrygd/dagpenger.cases.toml
  with incomes, birth dates and children drawn around the thresholds (seeded: the same file
  every time). Two rows have bad facts, as a real extract may have.

The variants are written when needed (tests/test_impact.py writes them into a temporary folder),
never kept in the repository: a copy of the law would drift from rules/. Only the caseload is kept.
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RULES = ROOT / "rules"

# variant folder -> (file under rules/, the line as it is, the line as it becomes)
VARIANTS = {
    "minsteinntekt_2g": (
        "folketrygd/dagpenger.regel",
        "  arbeidsinntekt_siste_12_mnd >= 1,5 G eller arbeidsinntekt_siste_36_mnd >= 3 G",
        "  arbeidsinntekt_siste_12_mnd >= 2 G eller arbeidsinntekt_siste_36_mnd >= 3 G"),
    "g_2026": (
        "folketrygd/grunnbelop.regel",
        "  fra 1. mai 2026 til 30. april 2027: 136 549 kr",
        "  fra 1. mai 2026 til 30. april 2027: 140 000 kr"),
}
CASELOAD = HERE / "dagpenger_2025.jsonl"
N_CASES = 500


def variant_text(name: str, rel: str, text: str) -> str:
    """The text of rules/<rel> in variant `name` (the one line replaced where it is changed)."""
    file, old, new = VARIANTS[name]
    if rel != file:
        return text
    lines = text.split("\n")
    if lines.count(old) != 1:
        raise SystemExit(f"rules/{file} no longer has exactly one line {old!r}")
    return "\n".join(new if line == old else line for line in lines)


def write_variant(name: str, root: Path) -> Path:
    """rules/ with the variant's one line changed, as the folder `root/name`."""
    target = Path(root) / name
    if target.exists():
        shutil.rmtree(target)
    for src in sorted(RULES.rglob("*.regel")):
        rel = src.relative_to(RULES).as_posix()
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(variant_text(name, rel, src.read_text("utf-8")), "utf-8")
    return target


def caseload() -> list[dict]:
    """The generated applications, in file order."""
    sys.path.insert(0, str(ROOT))
    from rulelang.cases import load_cases

    templates = [c for c in load_cases(RULES / "folketrygd" / "dagpenger.cases.toml")
                 if c.date.year >= 2024 and "feil" not in c.expected]
    rng = random.Random(2025)
    out = []
    for i in range(1, N_CASES + 1):
        facts = dict(rng.choice(templates).facts)
        if "arbeidsinntekt_siste_12_mnd" in facts:
            band = rng.random()
            a12 = (rng.randint(150_000, 320_000) if band < 0.4 else
                   rng.randint(320_001, 1_100_000) if band < 0.85 else rng.randint(0, 150_000))
            facts["arbeidsinntekt_siste_12_mnd"] = a12
            if "arbeidsinntekt_siste_36_mnd" in facts:
                factor = rng.uniform(1.2, 3.0) if rng.random() < 0.6 else rng.uniform(0.5, 1.5)
                facts["arbeidsinntekt_siste_36_mnd"] = round(a12 * factor)
        if "fødselsdato" in facts:
            facts["fødselsdato"] = (dt.date(1958, 1, 1)
                                    + dt.timedelta(days=rng.randint(0, 47 * 365))).isoformat()
        if "antall_barn" in facts:
            facts["antall_barn"] = rng.choice((0, 0, 0, 1, 2, 3))
        date = dt.date(2025, 5, 5) + dt.timedelta(days=rng.randint(0, 220))
        out.append({"id": f"dp-{i:04d}", "date": date.isoformat(), "facts": facts})
    out[136]["facts"]["antall_barn"] = "to"                     # a text where a count belongs
    out[401]["facts"]["arbeidsinntekt_siste_12_mnd"] = -5000    # a negative amount
    return out


def write_caseload() -> None:
    from rulelang.jsonout import dumps

    CASELOAD.write_text("".join(dumps(c, indent=None) + "\n" for c in caseload()), "utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        raise SystemExit("usage: make_fixtures.py DIR [--caseload]")
    for variant in VARIANTS:
        print(f"wrote {write_variant(variant, Path(sys.argv[1]))}")
    if "--caseload" in sys.argv[2:]:
        write_caseload()
        print(f"wrote {CASELOAD}")
