"""Descriptions of loaded rules for machines: the benefits, the facts a form needs, and the
OpenAPI 3.1 document of the HTTP service (`rulelang serve`).

Input: loaded `Rules`. Output: plain dicts (JSON-ready); nothing here evaluates a case.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from .lawrefs import format_refs
from .types import OUTPUT_UNITS

LETTER_TYPES = {"txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8",
                 "html": "text/html; charset=utf-8"}


# -- descriptions of the rules -------------------------------------------------------------------

def tree_version(rules) -> str:
    """A hash of every rule file loaded (a decision carries the hash of the files it used)."""
    digest = hashlib.sha256()
    for name in sorted(rules.program.sources):
        text = rules.program.sources[name]
        digest.update(name.rsplit("rules/", 1)[-1].encode() + b"\0" + text.encode() + b"\0")
    return "sha256:" + digest.hexdigest()


def benefit_summary(rules, benefit: str) -> dict:
    """id, titles, law, appeal track and rules version of a benefit."""
    model = rules.compiled[benefit].model
    return {"id": benefit, "title": model.decl.title, "title_nn": model.decl.title_nn,
            "law": model.law, "chapter": model.decl.chapter, "appeal_track": model.track,
            "rules_version": model.rules_version, "href": f"/v1/benefits/{quote(benefit)}"}


def describe_benefit(rules, benefit: str) -> dict:
    """What a caseworker form needs: every fact (type in the rule language's words, JSON
    schema, allowed values, description in bokmål and nynorsk), then the ids of the
    conditions, amounts and obligations the decision reports."""
    model = rules.compiled[benefit].model
    law = model.law

    def basis(decl):
        return format_refs(decl.basis.refs, law) if decl.basis is not None else None

    facts = []
    for name, decl in model.facts.items():
        entry = {"name": name, "type": str(model.fact_types[name])}
        if decl.type.allowed:
            entry["allowed"] = list(decl.type.allowed)
        entry.update(description=decl.description, description_nn=decl.description_nn,
                     json_schema=fact_schema(decl, model.fact_types[name]))
        facts.append(entry)
    return {
        **benefit_summary(rules, benefit),
        "facts": facts,
        "conditions": [{"id": d.name, "title": d.title, "title_nn": d.title_nn,
                        "legal_basis": basis(d), "discretionary": d.discretionary}
                       for d in model.conditions.values()],
        "amounts": [{"id": d.name, "title": d.title, "title_nn": d.title_nn,
                     "legal_basis": basis(d), "unit": OUTPUT_UNITS.get(model.def_types[d.name], "")}
                    for d in model.amounts.values()],
        "obligations": [{"id": d.name, "title": d.title, "title_nn": d.title_nn,
                         "legal_basis": basis(d)} for d in model.obligations.values()],
    }


# facts.py: numbers are ≥ 0 and below 10^15; a prosent is 0–100; a date is YYYY-MM-DD.
_LIMIT = 10 ** 15
_SCHEMAS = {
    "dato": {"type": "string", "format": "date"},
    "beløp": {"type": "number", "minimum": 0, "exclusiveMaximum": _LIMIT},
    "prosent": {"type": "number", "minimum": 0, "maximum": 100},
    "heltall": {"type": "integer", "minimum": 0, "exclusiveMaximum": _LIMIT},
    "desimal": {"type": "number", "minimum": 0, "exclusiveMaximum": _LIMIT},
    "ja/nei": {"type": "boolean"},
    "tekst": {"type": "string"},
}


def type_schema(ty, allowed=()) -> dict:
    """The JSON Schema of a fact type (`liste av T` is an array of T)."""
    if ty.name == "liste":
        return {"type": "array", "items": type_schema(ty.element)}
    schema = dict(_SCHEMAS[ty.name])
    if allowed:
        schema["enum"] = list(allowed)
    return schema


def fact_schema(decl, ty) -> dict:
    """A fact's schema in a request: its type or null (null and absent mean unknown)."""
    schema = type_schema(ty, decl.type.allowed)
    schema["type"] = [schema["type"], "null"]
    if "enum" in schema:
        schema["enum"] = schema["enum"] + [None]
    if decl.description:
        schema["description"] = decl.description
    schema["x-rulelang-type"] = str(ty)
    return schema


# -- OpenAPI 3.1 -----------------------------------------------------------------------------------

ERROR_CODES = ("bad_body", "bad_fact", "bad_input", "unknown_benefit", "not_found",
               "method_not_allowed", "body_too_large", "evaluation_error", "rules_error",
               "internal_error", "http_error")


def openapi_document(rules) -> dict:
    """The OpenAPI 3.1 document of the service for these rules.

    The templated paths (`/v1/decisions/{benefit}`) take any benefit's facts; beside them, each
    benefit has concrete paths (`/v1/decisions/dagpenger`, percent-encoded where the id has
    æ, ø or å) whose request schema lists exactly its facts, for code generators.
    """
    from importlib.metadata import PackageNotFoundError, version
    try:
        engine = version("rulelang")
    except PackageNotFoundError:
        engine = "0"
    schemas, paths = _common_schemas(), _generic_paths()
    for benefit in rules.benefits:
        name, title = schema_name(benefit), rules.compiled[benefit].model.decl.title
        schemas.update(_benefit_schemas(rules, benefit, name))
        paths[f"/v1/decisions/{quote(benefit)}"] = _decide(
            f"decide{name}", f"Decide a case of {benefit} ({title})", name)
        paths[f"/v1/letters/{quote(benefit)}"] = _letter(
            f"letter{name}", f"The letter for a case of {benefit} ({title})", name)
    return {
        "openapi": "3.1.0",
        "info": {"title": "rulelang", "version": engine,
                 "description": "Decisions and letters on Norwegian welfare benefits, from the "
                                "rules loaded (CONTRACT.md). Money is exact: send numbers as "
                                "JSON numbers (or decimal strings), never rounded floats.",
                 "x-rules-version": tree_version(rules)},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def schema_name(benefit: str) -> str:
    """'økonomisk_stønad' -> 'OkonomiskStonad' (component names must be ASCII)."""
    ascii_id = benefit.translate(str.maketrans({"æ": "ae", "ø": "o", "å": "aa",
                                                "Æ": "Ae", "Ø": "O", "Å": "Aa"}))
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", ascii_id) if part)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required=(), closed=False, **more) -> dict:
    """An object schema; `closed` (requests only) refuses keys it does not name, as the service
    does; answers stay open, so that a field added later does not break a generated client."""
    schema = {"type": "object", "properties": properties, **more}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


_STR, _DATE = {"type": "string"}, {"type": "string", "format": "date"}
_STRS, _NULL_STR = _array(_STR), {"type": ["string", "null"]}
_ERRORS = {"404": "unknown benefit", "413": "the body is over the limit",
           "422": "bad input: malformed JSON, wrong body shape, bad date or fact",
           "500": "the evaluation failed (e.g. no rate for the date) or an internal error"}


def _operation(operation_id: str, summary: str, ok: dict, request=None, parameters=(),
               errors=("404", "413", "422", "500")) -> dict:
    op = {"operationId": operation_id, "summary": summary, "parameters": list(parameters)}
    if request is not None:
        op["requestBody"] = {"required": True, "content": _json(request)}
    op["responses"] = {"200": {"description": summary, "content": ok},
                       **{s: {"description": _ERRORS[s], "content": _json(_ref("Error"))}
                          for s in errors}}
    return op


def _decide(operation_id: str, summary: str, name: str, parameters=()) -> dict:
    """The decisions operation; `name` prefixes the request schemas ("" for any benefit)."""
    return {"post": _operation(
        operation_id, summary,
        _json({"oneOf": [_ref("Decision"), _array(_ref("Decision"))]}),
        {"oneOf": [_ref(f"{name}DecisionRequest"), _array(_ref(f"{name}Case"))]}, parameters)}


def _letter(operation_id: str, summary: str, name: str, parameters=()) -> dict:
    letters = {t.split(";")[0]: {"schema": _STR} for t in LETTER_TYPES.values()}
    return {"post": _operation(operation_id, summary, letters, _ref(f"{name}LetterRequest"),
                               parameters)}


def _case_properties(facts: dict) -> dict:
    return {"date": {**_DATE, "description": "the prøvingsdato: rules, G and satser in force "
                                             "on it; ages are computed at it"},
            "facts": facts}


def _request_schemas(prefix: str, facts: dict) -> dict:
    """The three request bodies of a benefit (or of any benefit), around its facts schema."""
    case = _case_properties(facts)
    return {
        f"{prefix}DecisionRequest": _obj(case, ("date", "facts"), closed=True),
        f"{prefix}Case": _obj({"id": {"description": "echoed as the decision's first key"},
                               **case}, ("date", "facts")),
        f"{prefix}LetterRequest": _obj({
            **case, "format": {"enum": list(LETTER_TYPES), "default": "txt"},
            "language": {"enum": ["nb", "nn"], "default": "nb",
                         "description": "bokmål (nb) or nynorsk (nn)"},
            "letter_date": {**_DATE, "description": "the letter's date (default: date); the "
                                                    "klagefrist is counted from it"}},
            ("date", "facts"), closed=True),
    }


def _benefit_schemas(rules, benefit: str, name: str) -> dict:
    model = rules.compiled[benefit].model
    properties = {fact: fact_schema(decl, model.fact_types[fact])
                  for fact, decl in model.facts.items()}
    return {f"{name}Facts": _obj(properties, closed=True, description=(
                f"The facts of {benefit}; absent or null means unknown (never defaulted)")),
            **_request_schemas(name, _ref(f"{name}Facts"))}


def _common_schemas() -> dict:
    """The answers (CONTRACT.md's decision, the descriptions, errors) and the requests of the
    templated paths, whose facts may be any benefit's."""
    item = _obj({"id": _STR, "title": _STR, "title_nn": _NULL_STR, "legal_basis": _NULL_STR},
                ("id",))
    return {
        "Error": _obj({"error": _obj({
            "code": {"enum": list(ERROR_CODES)}, "message": _STR,
            "exit_code": {"type": "integer", "description": "what `rulelang` exits with"}},
            ("code", "message", "exit_code"))}, ("error",)),
        "Decision": _obj({
            "id": {"description": "the case's id (list form only, when the case had one)"},
            "benefit": _STR, "title": _STR, "law": _STR, "date": _DATE,
            "outcome": {"enum": ["granted", "denied", "undetermined"]}, "legal_basis": _STRS,
            "conditions": _array(_ref("Condition")),
            "amounts": {"type": "object", "additionalProperties": _ref("Amount")},
            "obligations": _array(_ref("Obligation")), "missing_facts": _STRS,
            "appeal": _ref("Appeal"), "rules_version": _STR},
            ("benefit", "title", "law", "date", "outcome", "legal_basis", "conditions",
             "amounts", "obligations", "missing_facts", "appeal", "rules_version"),
            description="CONTRACT.md's decision object"),
        "Condition": _obj({
            "id": _STR, "title": _STR, "legal_basis": _STR,
            "status": {"enum": ["met", "not_met", "unknown", "not_applicable"]},
            "discretionary": {"type": "boolean"}, "explanation": _STR,
            "facts_used": {"type": "object"}},
            ("id", "title", "legal_basis", "status", "discretionary", "explanation", "facts_used")),
        "Amount": _obj({"value": {"type": ["number", "null"]}, "unit": _STR, "legal_basis": _STR},
                       ("value", "unit", "legal_basis")),
        "Obligation": _obj({"id": _STR, "legal_basis": _STR, "text": _STR,
                            "status": {"enum": ["unknown"]}}, ("id", "legal_basis", "text")),
        "Appeal": _obj({"track": _STR, "steps": _array(_ref("AppealStep")),
                        "review_limit": _obj({"text": _STR, "legal_basis": _STR})},
                       ("track", "steps")),
        "AppealStep": _obj({"body": _STR, "name": _STR,
                            "kind": {"enum": ["klage", "anke", "søksmål"]},
                            "deadline_weeks": {"type": "integer"}, "legal_basis": _STR},
                           ("body", "name", "kind")),
        **_request_schemas("", {"type": "object",
                                "description": "fact name -> value; absent or null: unknown"}),
        "BenefitSummary": _obj({"id": _STR, "title": _STR, "title_nn": _NULL_STR, "law": _STR,
                                "chapter": {"type": ["integer", "null"]}, "appeal_track": _STR,
                                "rules_version": _STR, "href": _STR},
                               ("id", "title", "law", "appeal_track", "rules_version")),
        "BenefitList": _obj({"rules_version": _STR, "benefits": _array(_ref("BenefitSummary"))},
                            ("rules_version", "benefits")),
        "FactInfo": _obj({"name": _STR, "type": {"type": "string", "description": (
                              "dato, beløp, prosent, heltall, desimal, ja/nei, tekst or liste "
                              "av …")},
                          "allowed": _STRS, "description": _NULL_STR, "description_nn": _NULL_STR,
                          "json_schema": {"type": "object"}}, ("name", "type", "json_schema")),
        "BenefitDetail": {"allOf": [_ref("BenefitSummary"), _obj({
            "facts": _array(_ref("FactInfo")), "conditions": _array(item),
            "amounts": _array(item), "obligations": _array(item)},
            ("facts", "conditions", "amounts", "obligations"))]},
        "Health": _obj({"status": {"enum": ["ok"]}, "rules_version": _STR, "benefits": _STRS},
                       ("status", "rules_version", "benefits")),
    }


def _generic_paths() -> dict:
    param = [{"name": "benefit", "in": "path", "required": True, "schema": _STR,
              "description": "the benefit id (percent-encode æ, ø and å)"}]
    return {
        "/v1/decisions/{benefit}": _decide(
            "decide", "Decide a case (or a list of cases) of any benefit", "", param),
        "/v1/letters/{benefit}": _letter("letter", "The letter for a case of any benefit", "",
                                         param),
        "/v1/benefits": {"get": _operation("listBenefits", "The benefits",
                                           _json(_ref("BenefitList")), errors=())},
        "/v1/benefits/{benefit}": {"get": _operation(
            "describeBenefit", "The facts, conditions and amounts of a benefit",
            _json(_ref("BenefitDetail")), parameters=param, errors=("404",))},
        "/health": {"get": _operation("health", "The service is up; the rules loaded",
                                      _json(_ref("Health")), errors=())},
        "/openapi.json": {"get": _operation("openapi", "This document (OpenAPI 3.1)",
                                            _json({"type": "object"}), errors=())},
    }
