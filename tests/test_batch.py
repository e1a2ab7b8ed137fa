"""evaluate_many: in order, the same decisions on several processes as in one, errors per case."""
import json
from pathlib import Path

from rulelang import evaluate, load_rules
from rulelang.batch import evaluate_many
from rulelang.jsonout import dumps

ROOT = Path(__file__).resolve().parent.parent
FACTS = json.loads((ROOT / "examples" / "dagpenger_innvilget.json").read_text("utf-8"))


def cases(n):
    for i in range(n):
        facts = dict(FACTS, arbeidsinntekt_siste_12_mnd=150_000 + 1_000 * i)
        if i % 7 == 3:
            del facts["antall_barn"]
        yield {"id": f"c{i}", "date": "2025-06-02" if i % 2 else "2021-03-01", "facts": facts}


def test_two_processes_give_the_same_decisions_in_the_same_order_as_one_call_each():
    rules = load_rules(ROOT / "rules")
    results = list(evaluate_many(rules, "dagpenger", cases(300), workers=2, chunk_size=16))
    assert [r.index for r in results] == list(range(300))
    for r, case in zip(results, cases(300)):
        single = evaluate(rules, "dagpenger", case["facts"], case["date"]).to_dict()
        assert r.json == dumps({"id": case["id"], **single}, indent=None)


def test_a_bad_case_is_reported_and_the_others_are_decided():
    rules = load_rules(ROOT / "rules")
    items = list(cases(3))
    items[1]["facts"] = dict(items[1]["facts"], antall_barn="mange")
    results = list(evaluate_many(rules, "dagpenger", items, workers=1))
    assert results[0].error is None and results[2].error is None
    assert results[1].exit_code == 2 and "antall_barn" in results[1].error and results[1].json is None
