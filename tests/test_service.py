"""The HTTP service (rulelang/service.py), called over HTTP on a real uvicorn server.

One server per module runs in a thread on a free loopback port. Every answer is compared with
what the command line prints for the same input (`rulelang.cli.main` in-process): decisions and
the list form byte for byte, letters in every format and language byte for byte, and errors by
message and exit code. The public cases come from ../shared/cases; without that folder, from the
examples beside the rules (rules/**/*.cases.toml). One test starts `rulelang serve` itself in a
subprocess and stops it with SIGINT.
"""
from __future__ import annotations

import io
import json
import logging
import re
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import pytest
import uvicorn

from rulelang import apidoc, cli, service
from rulelang.cases import load_cases
from rulelang.jsonout import dumps
from rulelang.loader import load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
SHARED_CASES = Path(__file__).resolve().parents[2] / "shared" / "cases"
LIMIT = 64 * 1024   # the test server's --max-body
LETTER_FORMS = [(f, lang) for f in ("txt", "md", "html") for lang in ("nb", "nn")]
_SCRIPT = Path(sys.executable).with_name("rulelang")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rulelang"]


def _public_cases() -> list[dict]:
    """{"id", "benefit", "date", "facts"} of every public case (numbers as Decimal)."""
    files = sorted(SHARED_CASES.glob("*.json"))
    if files:
        cases = []
        for f in files:
            cases += json.loads(f.read_text("utf-8"), parse_float=Decimal)
        return [{k: c[k] for k in ("id", "benefit", "date", "facts")} for c in cases]
    return [{"id": f"{Path(c.file).name}:{c.name}", "benefit": c.benefit,
             "date": c.date.isoformat(), "facts": c.facts} for c in load_cases(RULES)]


CASES = _public_cases()
BENEFITS = sorted({c["benefit"] for c in CASES})


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES)


@pytest.fixture(scope="module")
def app(rules):
    return service.create_app(rules=rules, max_body_bytes=LIMIT)


@pytest.fixture(scope="module")
def client(app):
    """An httpx client of the real server (uvicorn in a thread, on a free loopback port)."""
    sock = service.listen_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.01)
    port = sock.getsockname()[1]
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
        yield http
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def log_lines():
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    old_level = service.LOG.level
    service.LOG.addHandler(handler)
    service.LOG.setLevel(logging.INFO)
    yield lines
    service.LOG.removeHandler(handler)
    service.LOG.setLevel(old_level)


def _wait_for(lines, n):
    deadline = time.monotonic() + 5
    while len(lines) < n and time.monotonic() < deadline:
        time.sleep(0.01)  # the line is written after the response has gone out
    return [json.loads(line) for line in lines]


def run_cli(capsys, monkeypatch, argv: list[str], stdin: str) -> tuple[int, str, str]:
    """`rulelang ARGV` in this process with `stdin` on standard input: (exit, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")),
                                                       encoding="utf-8"))
    capsys.readouterr()
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_same(response: httpx.Response, code: int, out: str, err: str, cli_where: str = ""):
    """The response says what the command line said: its stdout byte for byte, or its error."""
    if code == 0:
        assert response.status_code == 200, response.text
        assert response.content == out.encode("utf-8")
        return
    error = response.json()["error"]
    message = error["message"]
    if cli_where:  # the one place the service names its input differently
        message = message.replace("the request body", cli_where)
    assert err == f"rulelang: {message}\n"
    assert error["exit_code"] == code
    assert response.status_code == (422 if code == 2 else 500)


def _case_id(case) -> str:
    return str(case["id"])


def _body(**fields) -> str:
    return dumps(fields)


# -- decisions: the same bytes as `rulelang evaluate` -------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_decision_equals_cli(client, capsys, monkeypatch, case):
    response = client.post(f"/v1/decisions/{case['benefit']}",
                           content=_body(date=case["date"], facts=case["facts"]))
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", case["benefit"], "--facts", "-",
                                                   "--date", case["date"]], dumps(case["facts"]))
    assert_same(response, code, out, err)
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("benefit", BENEFITS)
def test_list_form_equals_cli(client, capsys, monkeypatch, benefit):
    """A JSON array of {"id", "date", "facts"} -> the CLI list form's array, byte for byte."""
    items = [{"id": c["id"], "date": c["date"], "facts": c["facts"]}
             for c in CASES if c["benefit"] == benefit]
    items.append({"date": items[0]["date"], "facts": items[0]["facts"]})  # a case without id
    response = client.post(f"/v1/decisions/{benefit}", content=dumps(items))
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", benefit, "--facts", "-"], dumps(items))
    assert_same(response, code, out, err)


def test_empty_list(client):
    response = client.post("/v1/decisions/dagpenger", content="[]")
    assert response.status_code == 200 and response.text == "[]\n"


@pytest.mark.parametrize("case", CASES[::4], ids=_case_id)
def test_concrete_path_equals_templated(client, case):
    """The per-benefit paths of the OpenAPI document (percent-encoded) answer the same."""
    body = _body(date=case["date"], facts=case["facts"])
    direct = client.post(f"/v1/decisions/{quote(case['benefit'])}", content=body)
    assert direct.content == client.post(f"/v1/decisions/{case['benefit']}", content=body).content


# -- letters: the same bytes as `rulelang letter` ------------------------------------------------

@pytest.mark.parametrize("i", range(len(CASES)), ids=lambda i: _case_id(CASES[i]))
def test_letter_equals_cli(client, capsys, monkeypatch, i):
    """Every case, each in one of the six format x language pairs (in turn)."""
    case, (fmt, language) = CASES[i], LETTER_FORMS[i % len(LETTER_FORMS)]
    response = client.post(f"/v1/letters/{case['benefit']}", content=_body(
        date=case["date"], facts=case["facts"], format=fmt, language=language))
    code, out, err = run_cli(capsys, monkeypatch, [
        "letter", case["benefit"], "--facts", "-", "--date", case["date"], "--format", fmt,
        "--språk", language], dumps(case["facts"]))
    assert_same(response, code, out, err)
    if code == 0:
        kind = {"txt": "text/plain", "md": "text/markdown", "html": "text/html"}[fmt]
        assert response.headers["content-type"] == f"{kind}; charset=utf-8"


@pytest.mark.parametrize("fmt,language", LETTER_FORMS)
def test_letter_with_letter_date(client, capsys, monkeypatch, fmt, language):
    case = next(c for c in CASES if c["benefit"] == "dagpenger")
    response = client.post("/v1/letters/dagpenger", content=_body(
        date=case["date"], facts=case["facts"], format=fmt, language=language,
        letter_date="2025-07-01"))
    code, out, err = run_cli(capsys, monkeypatch, [
        "letter", "dagpenger", "--facts", "-", "--date", case["date"], "--format", fmt,
        "--språk", language, "--letter-date", "2025-07-01"], dumps(case["facts"]))
    assert_same(response, code, out, err)


def test_letter_defaults_are_txt_and_bokmal(client, capsys, monkeypatch):
    case = CASES[0]
    response = client.post(f"/v1/letters/{case['benefit']}",
                           content=_body(date=case["date"], facts=case["facts"]))
    code, out, err = run_cli(capsys, monkeypatch, ["letter", case["benefit"], "--facts", "-",
                                                   "--date", case["date"]], dumps(case["facts"]))
    assert_same(response, code, out, err)


# -- bad input: 422 with the command line's message ----------------------------------------------

BAD_FACTS = {
    "wrong type": {"antall_barn": "mange"},
    "out of range": {"arbeidsinntekt_siste_12_mnd": -5},
    "bad date fact": {"fødselsdato": "1985-02-30"},
    "unknown fact": {"antal_barn": 2},
    "facts not an object": "antall_barn",
}


@pytest.mark.parametrize("facts", BAD_FACTS.values(), ids=BAD_FACTS.keys())
def test_bad_facts(client, capsys, monkeypatch, facts):
    response = client.post("/v1/decisions/dagpenger", content=_body(date="2025-06-02", facts=facts))
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", "dagpenger", "--facts", "-",
                                                   "--date", "2025-06-02"], dumps(facts))
    assert code == 2
    assert_same(response, code, out, err)
    assert response.json()["error"]["code"] == "bad_fact"


@pytest.mark.parametrize("date", ["2025-02-30", "2025-6-2", "2. juni 2025"])
def test_bad_date(client, capsys, monkeypatch, date):
    response = client.post("/v1/decisions/dagpenger", content=_body(date=date, facts={}))
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", "dagpenger", "--facts", "-",
                                                   "--date", date], "{}")
    assert code == 2
    assert_same(response, code, out, err)
    letter = client.post("/v1/letters/dagpenger", content=_body(date=date, facts={}))
    assert letter.status_code == 422 and letter.json() == response.json()


BAD_LISTS = {
    "malformed JSON": '[{"date": "2025-06-02", "facts": {"antall_barn": 1,}}]',
    "unbalanced brackets": '[{"date": "2025-06-02", "facts": {"antall_barn": 1}]',
    "item without facts": '[{"date": "2025-06-02"}]',
    "item not an object": '[1]',
    "bad fact in the second case": '[{"date": "2025-06-02", "facts": {}}, '
                                   '{"id": "x", "date": "2025-06-02", "facts": {"antall_barn": -1}}]',
    "bad date in a case": '[{"date": "2025-13-01", "facts": {}}]',
}


@pytest.mark.parametrize("body", BAD_LISTS.values(), ids=BAD_LISTS.keys())
def test_bad_list_bodies(client, capsys, monkeypatch, body):
    """The list form reads the same text on the command line: the same message, exit code."""
    response = client.post("/v1/decisions/dagpenger", content=body)
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", "dagpenger", "--facts", "-"], body)
    assert code == 2
    assert_same(response, code, out, err, cli_where="standard input")


BAD_SHAPES = {
    "not JSON": ("{date: 2025-06-02}", "malformed JSON in the request body at line 1 column 2"),
    "a number": ("42", "must be a JSON object"),
    "no date": ('{"facts": {}}', '"date"'),
    "no facts": ('{"date": "2025-06-02"}', '"facts"'),
    "unknown key": ('{"date": "2025-06-02", "fakta": {}}', "unknown key \"fakta\""),
    "id in a single case": ('{"id": 1, "date": "2025-06-02", "facts": {}}', "unknown key \"id\""),
    "empty body": ("", "malformed JSON"),
    "huge integer": ('{"date": "2025-06-02", "facts": {"antall_barn": ' + "9" * 5000 + "}}",
                     "a number has more than"),
    "deep nesting": ("[" * 20_000 + "]" * 20_000, "it nests too deeply"),
}


@pytest.mark.parametrize("body,expect", BAD_SHAPES.values(), ids=BAD_SHAPES.keys())
def test_bad_body_shapes(client, body, expect):
    response = client.post("/v1/decisions/dagpenger", content=body.encode("utf-8"))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_body" and error["exit_code"] == 2
    assert expect in error["message"]


def test_body_not_utf8(client):
    response = client.post("/v1/decisions/dagpenger", content=b'{"date": "2025-06-02", "facts": {"\xff": 1}}')
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "the request body is not UTF-8 text"


@pytest.mark.parametrize("body,expect", [
    ('{"date": "2025-06-02", "facts": {}, "format": "pdf"}', "unknown letter format 'pdf'"),
    ('{"date": "2025-06-02", "facts": {}, "language": "sv"}', "unknown language 'sv'"),
    ('{"date": "2025-06-02", "facts": {}, "language": ["nb"]}', '"language" must be a text'),
    ('{"date": "2025-06-02", "facts": {}, "letter_date": "1. juli"}', "the date must be YYYY-MM-DD"),
    ('{"date": "2025-06-02", "facts": []}', "letter takes the facts of one case"),
    ('[{"date": "2025-06-02", "facts": {}}]', "must be a JSON object"),
])
def test_bad_letter_bodies(client, body, expect):
    response = client.post("/v1/letters/dagpenger", content=body)
    assert response.status_code == 422, response.text
    assert expect in response.json()["error"]["message"]


def test_unknown_benefit_is_404_with_the_cli_message(client, capsys, monkeypatch):
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", "barnetrygd", "--facts", "-",
                                                   "--date", "2025-06-02"], "{}")
    for path in ("/v1/decisions/barnetrygd", "/v1/letters/barnetrygd"):
        response = client.post(path, content=_body(date="2025-06-02", facts={}))
        assert response.status_code == 404
        error = response.json()["error"]
        assert (error["code"], error["exit_code"]) == ("unknown_benefit", code)
        assert err == f"rulelang: {error['message']}\n"
    response = client.get("/v1/benefits/barnetrygd")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_benefit"


def test_unknown_path_and_wrong_method(client):
    response = client.get("/v2/decisions/dagpenger")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client.get("/v1/decisions/dagpenger")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["allow"] == "POST"
    assert client.delete("/health").status_code == 405


# -- limits and failures -------------------------------------------------------------------------

def test_oversize_body_by_content_length(client):
    body = _body(date="2025-06-02", facts={"x": "a" * LIMIT})
    response = client.post("/v1/decisions/dagpenger", content=body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert str(LIMIT) in response.json()["error"]["message"]


def test_oversize_chunked_body_stops_reading(client, log_lines):
    """No Content-Length: the service stops reading once the body passes the limit. (It counts
    what uvicorn hands it, which comes in pieces of up to a few hundred KiB; uvicorn drops the
    rest of the body unread into memory.)"""
    chunk, total = 4096, 16 * LIMIT
    response = client.post("/v1/decisions/dagpenger",
                           content=(b" " * chunk for _ in range(total // chunk)))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    (entry,) = _wait_for(log_lines, 1)
    assert LIMIT < entry["body_bytes"] < total / 2


def test_chunked_body_under_the_limit(client):
    body = _body(date="2025-06-02", facts={"antall_barn": 1}).encode()
    response = client.post("/v1/decisions/dagpenger", content=iter([body[:10], body[10:]]))
    assert response.status_code == 200 and response.json()["benefit"] == "dagpenger"


def test_evaluation_error_is_500_one_line(client, capsys, monkeypatch):
    facts = {"arbeidsinntekt_siste_12_mnd": 500000}  # 1990: no G in force
    response = client.post("/v1/decisions/dagpenger", content=_body(date="1990-01-01", facts=facts))
    code, out, err = run_cli(capsys, monkeypatch, ["evaluate", "dagpenger", "--facts", "-",
                                                   "--date", "1990-01-01"], dumps(facts))
    assert code == 1
    assert_same(response, code, out, err)
    assert response.json()["error"]["code"] == "evaluation_error"


def test_internal_error_is_500_without_traceback(client, monkeypatch):
    def broken(*args):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(service, "_evaluate", broken)
    response = client.post("/v1/decisions/dagpenger", content=_body(date="2025-06-02", facts={}))
    assert response.status_code == 500
    error = response.json()["error"]
    assert error == {"code": "internal_error", "exit_code": 1,
                     "message": "internal error: ZeroDivisionError: division by zero second line"}
    assert "Traceback" not in response.text


# -- descriptions ---------------------------------------------------------------------------------

def test_health(client, rules):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["benefits"] == rules.benefits
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", body["rules_version"])


def test_benefit_list(client, rules):
    body = client.get("/v1/benefits").json()
    assert [b["id"] for b in body["benefits"]] == rules.benefits
    for b in body["benefits"]:
        model = rules.compiled[b["id"]].model
        assert (b["title"], b["law"], b["appeal_track"]) == (model.decl.title, model.law, model.track)
        assert client.get(b["href"]).json()["id"] == b["id"]


@pytest.mark.parametrize("benefit", sorted(load_rules(RULES).benefits))
def test_benefit_detail_is_enough_for_a_form(client, rules, benefit):
    detail = client.get(f"/v1/benefits/{benefit}").json()
    model = rules.compiled[benefit].model
    assert [f["name"] for f in detail["facts"]] == list(model.facts)
    vocabulary = r"(liste av )*(dato|beløp|prosent|heltall|desimal|ja/nei|tekst)"
    for fact in detail["facts"]:
        assert re.fullmatch(vocabulary, fact["type"]), fact
        assert fact["description"] == model.facts[fact["name"]].description
        assert fact["json_schema"]["x-rulelang-type"] == fact["type"]
        if fact["type"] == "tekst" and model.facts[fact["name"]].type.allowed:
            assert fact["allowed"] == list(model.facts[fact["name"]].type.allowed)
    assert [c["id"] for c in detail["conditions"]] == list(model.conditions)
    assert [a["id"] for a in detail["amounts"]] == list(model.amounts)
    assert all(c["legal_basis"] for c in detail["conditions"] + detail["amounts"])


# -- OpenAPI ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def openapi(client):
    return client.get("/openapi.json").json()


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def validate(doc, schema, value, where="$") -> list[str]:
    """The JSON Schema keywords the document uses: a small validator for the tests."""
    schema = _resolve(doc, schema)
    if "oneOf" in schema:
        fits = [s for s in schema["oneOf"] if not validate(doc, s, value, where)]
        return [] if len(fits) == 1 else [f"{where}: {len(fits)} of oneOf fit"]
    if "allOf" in schema:
        return [e for s in schema["allOf"] for e in validate(doc, s, value, where)]
    errors = []
    types = schema.get("type")
    kinds = {"string": str, "boolean": bool, "object": dict, "array": list, "null": type(None),
             "integer": (int, Decimal), "number": (int, Decimal, float)}
    if types is not None:
        types = [types] if isinstance(types, str) else types
        ok = [t for t in types if isinstance(value, kinds[t]) and not (
            isinstance(value, bool) and t in ("integer", "number"))
            and not (t == "integer" and isinstance(value, Decimal) and value != int(value))]
        if not ok:
            return [f"{where}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "date" and isinstance(value, str) and not re.fullmatch(
            r"\d{4}-\d\d-\d\d", value):
        errors.append(f"{where}: {value!r} is not a date")
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < minimum")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > maximum")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{where}: {k} is required" for k in schema.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                errors += validate(doc, props[k], v, f"{where}.{k}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += validate(doc, schema["additionalProperties"], v, f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errors += validate(doc, schema["items"], v, f"{where}[{i}]")
    return errors


def test_openapi_documents_every_route(app, openapi):
    assert openapi["openapi"] == "3.1.0"
    routes = {r.path for r in app.routes}
    assert routes <= set(openapi["paths"])
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", op["operationId"])
            assert "200" in op["responses"]
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path
    ids = [op["operationId"] for item in openapi["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_openapi_refs_resolve_and_names_are_ascii(openapi):
    schemas = openapi["components"]["schemas"]
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", name) for name in schemas)
    for ref in _refs(openapi):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref


@pytest.mark.parametrize("benefit", sorted(load_rules(RULES).benefits))
def test_openapi_facts_schema_lists_the_facts(openapi, rules, benefit):
    model = rules.compiled[benefit].model
    name = apidoc.schema_name(benefit)
    facts = openapi["components"]["schemas"][f"{name}Facts"]
    assert list(facts["properties"]) == list(model.facts)
    assert facts["additionalProperties"] is False
    paths = {unquote(p): item for p, item in openapi["paths"].items()}
    request = paths[f"/v1/decisions/{benefit}"]["post"]["requestBody"]["content"]["application/json"]
    assert {"$ref": f"#/components/schemas/{name}DecisionRequest"} in request["schema"]["oneOf"]
    assert f"/v1/letters/{benefit}" in paths


@pytest.mark.parametrize("case", CASES[::3], ids=_case_id)
def test_openapi_schemas_fit_the_cases_and_the_decisions(client, openapi, case):
    """A case the engine decides fits its benefit's request schema, and the decision fits
    Decision; an error fits Error."""
    request = {"date": case["date"], "facts": case["facts"]}
    response = client.post(f"/v1/decisions/{case['benefit']}", content=dumps(request))
    if response.status_code == 200:
        name = apidoc.schema_name(case["benefit"])
        assert validate(openapi, {"$ref": f"#/components/schemas/{name}DecisionRequest"},
                        request) == []
        decision = json.loads(response.text, parse_float=Decimal)
        assert validate(openapi, {"$ref": "#/components/schemas/Decision"}, decision) == []
    else:
        assert validate(openapi, {"$ref": "#/components/schemas/Error"}, response.json()) == []


def test_openapi_describes_the_answers(client, openapi, rules):
    """Every GET answer, and the error objects, fit the schemas the document gives them."""
    for path, item in openapi["paths"].items():
        if "get" in item:
            schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            for benefit in rules.benefits if "{benefit}" in path else [None]:
                url = path.replace("{benefit}", quote(benefit or ""))
                assert validate(openapi, schema, client.get(url).json()) == [], url
    for response in (client.get("/nope"), client.put("/health"),
                     client.post("/v1/decisions/dagpenger", content="{"),
                     client.post("/v1/letters/nope", content="{}")):
        assert validate(openapi, {"$ref": "#/components/schemas/Error"}, response.json()) == []


def test_openapi_schema_rejects_what_the_engine_rejects(openapi):
    facts = {"$ref": "#/components/schemas/DagpengerFacts"}
    for bad in BAD_FACTS.values():
        if isinstance(bad, dict) and "fødselsdato" not in bad:  # 30 February fits the pattern
            assert validate(openapi, facts, bad), bad


# -- request log: no personal data -----------------------------------------------------------------

def test_request_log_has_no_personal_data(client, log_lines):
    secret = {"fødselsdato": "1971-03-17", "arbeidsinntekt_siste_12_mnd": 412345,
              "arbeidsinntekt_siste_36_mnd": 987654, "antall_barn": 7}
    requests = [
        ("/v1/decisions/dagpenger", _body(date="2025-06-02", facts=secret)),
        ("/v1/decisions/dagpenger", dumps([{"id": "person-31337", "date": "2025-06-02",
                                            "facts": secret}])),
        ("/v1/letters/dagpenger", _body(date="2025-06-02", facts=secret, format="html")),
        ("/v1/decisions/dagpenger", _body(date="2025-06-02", facts={**secret, "antall_barn": "sju"})),
        ("/v1/decisions/17037112345", _body(date="2025-06-02", facts=secret)),
    ]
    statuses = [client.post(path, content=body).status_code for path, body in requests]
    assert statuses == [200, 200, 200, 422, 404]
    entries = _wait_for(log_lines, len(requests))
    text = "\n".join(log_lines)
    for value in ("1971", "412345", "412 345", "987654", "31337", "sju", "17037112345"):
        assert value not in text
    assert [e["status"] for e in entries] == statuses
    assert [e["route"] for e in entries] == [
        "/v1/decisions/{benefit}"] * 2 + ["/v1/letters/{benefit}"] + ["/v1/decisions/{benefit}"] * 2
    assert [e["benefit"] for e in entries] == ["dagpenger"] * 4 + [None]
    assert [e["outcome"] for e in entries][3:] == ["bad_fact", "unknown_benefit"]
    first = entries[0]
    assert first["method"] == "POST" and first["cases"] == 1 and first["duration_ms"] >= 0
    assert first["body_bytes"] == len(requests[0][1].encode())
    assert set(first) == {"time", "event", "method", "route", "benefit", "status", "duration_ms",
                          "body_bytes", "cases", "outcome"}


def test_request_log_of_unknown_paths(client, log_lines):
    client.get("/v1/person/17037112345")
    client.put("/v1/decisions/dagpenger")
    entries = _wait_for(log_lines, 2)
    assert [(e["route"], e["status"]) for e in entries] == [
        (None, 404), ("/v1/decisions/{benefit}", 405)]
    assert "17037112345" not in "".join(log_lines)


# -- the command itself ------------------------------------------------------------------------------

def _start(*args) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([*COMMAND, "serve", "--port", "0", "--rules", str(RULES), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")
    line = proc.stderr.readline()
    started = json.loads(line)
    assert started["event"] == "started", line
    return proc, started["url"]


def test_rulelang_serve_command_and_sigint(capsys, monkeypatch):
    proc, url = _start("--max-body", "1KiB")
    try:
        case = CASES[0]
        body = _body(date=case["date"], facts=case["facts"])
        with httpx.Client(base_url=url, timeout=20) as http:
            assert http.get("/health").json()["status"] == "ok"
            response = http.post(f"/v1/decisions/{case['benefit']}", content=body)
            big = http.post("/v1/decisions/dagpenger", content=b" " * 2048)
        code, out, err = run_cli(capsys, monkeypatch, ["evaluate", case["benefit"], "--facts", "-",
                                                       "--date", case["date"]], dumps(case["facts"]))
        assert_same(response, code, out, err)
        assert big.status_code == 413
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    events = [json.loads(line)["event"] for line in stderr.splitlines()]
    assert events == ["request", "request", "request", "stopped"]


def test_rulelang_serve_workers():
    """--workers 2: the processes share the socket; SIGINT stops them all."""
    proc, url = _start("--workers", "2")
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            assert all(http.get("/health").status_code == 200 for _ in range(4))
            response = http.post("/v1/decisions/dagpenger", content=_body(date="2025-06-02", facts={}))
            assert response.status_code == 200 and response.json()["outcome"] == "undetermined"
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and stderr.splitlines()[-1].startswith('{"time"')


def test_rulelang_serve_with_bad_rules(tmp_path):
    (tmp_path / "x.regel").write_text("ytelse\n", "utf-8")
    proc = subprocess.run([*COMMAND, "serve", "--port", "0", "--rules", str(tmp_path)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "error[RL" in proc.stderr and "Traceback" not in proc.stderr


def test_byte_size():
    assert service.byte_size("10MiB") == 10 * 1024 * 1024
    assert service.byte_size("512k") == 512 * 1024
    assert service.byte_size("65536") == 65536
    with pytest.raises(Exception):
        service.byte_size("ten")
