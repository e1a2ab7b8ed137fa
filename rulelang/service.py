"""HTTP service: `rulelang serve`, the engine for caseworker systems that do not run Python.

Input: HTTP requests on a loopback or internal address. Output: the same bytes the command line
prints, so a caller may switch between `rulelang evaluate` and the service without a diff:

    POST /v1/decisions/{benefit}   {"date", "facts"} -> CONTRACT.md's decision (`rulelang evaluate`);
                                   [{"id", "date", "facts"}, ...] -> the list form's JSON array
    POST /v1/letters/{benefit}     {"date", "facts", "format"?, "language"?, "letter_date"?}
                                   -> the letter (`rulelang letter`), text/plain|markdown|html
    GET  /v1/benefits              the benefits: id, title, law, appeal track, rules version
    GET  /v1/benefits/{benefit}    the facts a benefit reads (type, JSON schema, description),
                                   its conditions, amounts and obligations: enough for a form
    GET  /health                   {"status": "ok", "rules_version", "benefits"}
    GET  /openapi.json             OpenAPI 3.1, generated from the loaded rules

Errors are `{"error": {"code", "message", "exit_code"}}` with the command line's message and
exit code: 422 bad input (facts, date, JSON, body shape), 404 unknown benefit or path, 405 wrong
method, 413 a body over `--max-body`, 500 an evaluation or internal failure (one line, never a
traceback). The rules are loaded once, before the socket opens; a request never parses rules.
Every request writes one JSON line to the `rulelang.service` logger (method, route template,
status, duration, body size, outcome) and never a fact, an id, a date or any other value.

Starlette and uvicorn are imported only when the service is built, so `rulelang evaluate` does
not pay for them (`register` only declares the command's arguments).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import re
import socket
import sys
import time
from decimal import Decimal

from .batch import CaseError
from .errors import FactError, InputError, RulelangError, RuleEvalError, UnknownBenefitError
from .apidoc import (LETTER_TYPES, benefit_summary, describe_benefit, openapi_document,
                     tree_version)
from .loader import PACKAGED_RULES, load_rules

DEFAULT_MAX_BODY = 10 * 1024 * 1024
# A body up to this size (one case, or a list of a few dozen) is parsed and decided on the event
# loop; a longer one in the thread pool, so that one big list does not hold the loop for its
# whole length. Evaluation holds the GIL, so a thread buys no parallelism: measured with
# bench/load_test.py, a single decision costs the server ~420 µs of CPU inline against ~540 µs
# through the pool, and a letter ~1.5 ms against ~1.8 ms (with a worse p99).
INLINE_BODY_BYTES = 16 * 1024
LOG = logging.getLogger("rulelang.service")
_ENV_RULES, _ENV_MAX_BODY = "RULELANG_SERVE_RULES", "RULELANG_SERVE_MAX_BODY"
_DECISION_KEYS = ("date", "facts")
_LETTER_KEYS = ("date", "facts", "format", "language", "letter_date")


# -- the command ---------------------------------------------------------------------------------

def register(sub) -> None:
    """Declare the command's arguments on the `rulelang` sub-parser."""
    s = sub.add_parser("serve", help="serve decisions and letters over HTTP (JSON)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free port)")
    s.add_argument("--rules", default=None, help="rule folder (default: the rules that ship)")
    s.add_argument("--max-body", type=byte_size, default=DEFAULT_MAX_BODY, metavar="SIZE",
                   help="largest request body, e.g. 10MiB, 512KiB or bytes (default 10MiB)")
    s.add_argument("--workers", type=int, default=1,
                   help="worker processes sharing the socket (default 1)")
    s.set_defaults(func=cmd_serve)


_MULTIPLES = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def byte_size(text: str) -> int:
    """'10MiB', '512k', '1048576' -> bytes (K, M, G are binary multiples)."""
    m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if m is None or int(m.group(1)) <= 0:
        import argparse
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10MiB, 512KiB, 65536)")
    return int(m.group(1)) * _MULTIPLES[m.group(2).lower()]


def cmd_serve(args) -> int:
    """Load the rules (a rule error stops here, exit 2), open the socket, serve until SIGINT."""
    rules = load_rules(args.rules or PACKAGED_RULES)
    try:
        import uvicorn
        from uvicorn.supervisors import Multiprocess
    except ImportError:
        raise RulelangError("rulelang serve needs starlette and uvicorn: "
                            "pip install 'rulelang[serve]'") from None
    _configure_logging()
    sock = listen_socket(args.host, args.port)
    host, port = sock.getsockname()[:2]
    options = dict(log_config=None, access_log=False, lifespan="off", server_header=False)
    if args.workers > 1:
        # Each worker process imports the app factory and loads the rules from the disk cache.
        os.environ[_ENV_RULES] = str(args.rules or PACKAGED_RULES)
        os.environ[_ENV_MAX_BODY] = str(args.max_body)
        config = uvicorn.Config("rulelang.service:app_from_environment", factory=True,
                                workers=args.workers, **options)
        run = Multiprocess(config, sockets=[sock]).run
    else:
        config = uvicorn.Config(create_app(rules=rules, max_body_bytes=args.max_body), **options)
        run = functools.partial(uvicorn.Server(config).run, sockets=[sock])
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    _event("started", url=url, benefits=len(rules.benefits), workers=args.workers,
           rules_version=tree_version(rules))
    try:
        run()
    except KeyboardInterrupt:  # uvicorn re-raises the SIGINT it shut down for: a normal end
        pass
    finally:
        sock.close()
        _event("stopped", url=url)
    return 0


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket (port 0: a free one; getsockname() tells which).

    The protocol is given as IPPROTO_TCP so that asyncio sets TCP_NODELAY on each connection
    (it checks the protocol); with Nagle on, a response written as headers then body waits
    for the client's delayed ACK, 40 ms per request on a kept-alive connection."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise RulelangError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _configure_logging() -> None:
    """One JSON line per request on stderr; uvicorn's own warnings and errors go there too."""
    if not LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s: %(message)s")


def _event(event: str, **fields) -> None:
    LOG.info(json.dumps({"time": _now(), "event": event, **fields}, ensure_ascii=False))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def app_from_environment():
    """The app of one `--workers` process: rules and limit from the parent's environment."""
    _configure_logging()
    return create_app(os.environ.get(_ENV_RULES),
                      int(os.environ.get(_ENV_MAX_BODY, DEFAULT_MAX_BODY)))


# -- the application -----------------------------------------------------------------------------

def create_app(rules_dir=None, max_body_bytes: int = DEFAULT_MAX_BODY, *, rules=None):
    """The Starlette application.

    Args:
        rules_dir: the rule folder (default: the rules that ship); ignored when `rules` is given.
        max_body_bytes: the largest request body accepted (413 above it).
        rules: already loaded `Rules` (the command loads them before opening the socket).

    Raises:
        RuleSyntaxError, RuleCheckError, InputError: the rules do not load.
    """
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.routing import Route

    service = _Service(rules if rules is not None else load_rules(rules_dir or PACKAGED_RULES),
                       max_body_bytes)
    routes = [
        Route("/v1/decisions/{benefit}", service.decide, methods=["POST"]),
        Route("/v1/letters/{benefit}", service.letter, methods=["POST"]),
        Route("/v1/benefits", service.benefits, methods=["GET"]),
        Route("/v1/benefits/{benefit}", service.benefit, methods=["GET"]),
        Route("/health", service.health, methods=["GET"]),
        Route("/openapi.json", service.openapi, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: service.http_error},
                     middleware=[Middleware(_AccessLog, routes=routes, benefits=service.names)])


class _Service:
    """The endpoints, over rules loaded once; the read-only answers are built once too."""

    def __init__(self, rules, max_body: int):
        self.rules = rules
        self.max_body = max_body
        self.names = frozenset(rules.compiled)
        version = tree_version(rules)
        summaries = [benefit_summary(rules, b) for b in rules.benefits]
        self._health = _json_bytes({"status": "ok", "rules_version": version,
                                    "benefits": rules.benefits})
        self._benefits = _json_bytes({"rules_version": version, "benefits": summaries})
        self._details = {b: _json_bytes(describe_benefit(rules, b)) for b in rules.benefits}
        self._openapi = _json_bytes(openapi_document(rules))
        self._warm_up()

    def _warm_up(self) -> None:
        """Make the imports, phrase tables and letter templates the first request would make."""
        for fmt in LETTER_TYPES:
            body = json.dumps({"date": dt.date.today().isoformat(), "facts": {}, "format": fmt})
            try:
                letter_body(self.rules, self.rules.benefits[0], body.encode())
            except (RulelangError, IndexError):
                return

    # -- decisions and letters

    async def decide(self, request):
        return await self._answer(request, decide_body)

    async def letter(self, request):
        return await self._answer(request, letter_body)

    async def _answer(self, request, work):
        """Read the body, do the work (inline, or in the thread pool for a long body), answer;
        every failure becomes an error object, never a traceback."""
        try:
            benefit = self._benefit(request)
            body = await _read_body(request, self.max_body)
            outcome, cases, text, media_type = await _maybe_threaded(
                len(body) > INLINE_BODY_BYTES, work, self.rules, benefit, body)
            _note(request, cases=cases, outcome=outcome)
        except Exception as exc:
            return _error_response(request, exc)
        return _response(text.encode("utf-8"), media_type)

    # -- descriptions

    async def benefits(self, request):
        return _response(self._benefits, "application/json")

    async def benefit(self, request):
        try:
            return _response(self._details[self._benefit(request)], "application/json")
        except UnknownBenefitError as exc:
            return _error_response(request, exc)

    async def health(self, request):
        return _response(self._health, "application/json")

    async def openapi(self, request):
        return _response(self._openapi, "application/json")

    async def http_error(self, request, exc):
        """404 and 405 from the router, as error objects."""
        if exc.status_code == 405:
            allow = exc.headers.get("Allow", "") if exc.headers else ""
            message = f"{request.method} is not allowed on {request.url.path}; allowed: {allow}"
            return _error(405, "method_not_allowed", message, 2, {"Allow": allow} if allow else None)
        if exc.status_code == 404:
            return _error(404, "not_found", f"no such path: {request.url.path}; see /openapi.json", 2)
        return _error(exc.status_code, "http_error", str(exc.detail), 2)

    def _benefit(self, request) -> str:
        benefit = request.path_params["benefit"]
        if benefit not in self.names:
            raise UnknownBenefitError(f"unknown benefit '{benefit}'; the benefits are: "
                                      + ", ".join(self.rules.benefits))
        return benefit


def _evaluate(rules, benefit, facts, on):
    from .evaluator import evaluate
    return evaluate(rules, benefit, facts, on)


def decide_body(rules, benefit: str, body: bytes) -> tuple[str, int, str, str]:
    """(outcome, cases, JSON, media type) of a decisions body, as `rulelang evaluate` prints
    it: one case `{"date", "facts"}` -> `decision.to_json() + "\n"`; a list -> the list form's
    array (its outcome is "decided")."""
    data = _parse(body)
    if isinstance(data, list):
        return "decided", len(data), decide_list(rules, benefit, data), "application/json"
    on, facts = _fields(data, _DECISION_KEYS, "a case")
    decision = _evaluate(rules, benefit, facts, on)
    return decision.outcome, 1, decision.to_json() + "\n", "application/json"


def decide_list(rules, benefit: str, data: list) -> str:
    """The list form, as `rulelang evaluate` with a JSON array prints it (cli._evaluate_list):
    every case is checked first, then all are decided; the first failure fails the request.
    In this process: a pool forked from a threaded server could deadlock; `--workers` scales."""
    from .batch import decide_list as decide, list_cases

    return decide(rules, benefit, list_cases(data, error=BodyError), workers=1)


def letter_body(rules, benefit: str, body: bytes) -> tuple[str, int, str, str]:
    """(outcome, 1, letter, media type) of a letters body, as `rulelang letter` writes it
    (cli.cmd_letter)."""
    from explain import render_letter

    from .evaluator import parse_date

    date, facts, fmt, language, letter_date = _fields(_parse(body), _LETTER_KEYS, "a letter")
    fmt, language = _text_option(fmt, "format", "txt"), _text_option(language, "language", "nb")
    if not isinstance(facts, dict):
        raise BodyError("letter takes the facts of one case: a JSON object of name -> value")
    decision = _evaluate(rules, benefit, facts, parse_date(date))
    if letter_date is not None:
        letter_date = parse_date(letter_date)
    letter = render_letter(rules, decision, fmt, language, letter_date, facts)
    return decision.outcome, 1, letter, LETTER_TYPES[fmt]


async def _maybe_threaded(threaded: bool, fn, *args):
    if not threaded:
        return fn(*args)
    from starlette.concurrency import run_in_threadpool
    return await run_in_threadpool(fn, *args)


# -- request bodies ------------------------------------------------------------------------------

class BodyError(InputError):
    """The request body is not JSON, or not of the shape the endpoint takes."""


class BodyTooLarge(InputError):
    """The request body is longer than the service accepts."""


async def _read_body(request, limit: int) -> bytes:
    """The body, refused (413) past `limit`: at once by Content-Length, else while it streams."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise BodyTooLarge(f"the request body has {int(length)} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            _note(request, body_bytes=size)
            raise BodyTooLarge(f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    _note(request, body_bytes=size)
    return b"".join(chunks)


def _parse(body: bytes):
    """JSON with numbers as exact Decimal, as the command line reads it (cli.read_json)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the request body is not UTF-8 text") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise BodyError(f"malformed JSON in the request body at line {exc.lineno} column "
                        f"{exc.colno}: {exc.msg}") from None
    except ValueError:  # the only other ValueError: an integer past Python's digit limit
        raise BodyError(f"malformed JSON in the request body: a number has more than "
                        f"{sys.get_int_max_str_digits()} digits") from None
    except RecursionError:
        raise BodyError("malformed JSON in the request body: it nests too deeply") from None


def _fields(data, keys: tuple, what: str) -> list:
    """The values of `keys` in a JSON object body ("date" and "facts" required, others None)."""
    if not isinstance(data, dict):
        forms = ' or a list of {"id", "date", "facts"}' if what == "a case" else ""
        raise BodyError(f"the request body must be a JSON object with \"date\" and \"facts\"{forms}")
    for key in data:
        if key not in keys:
            known = ", ".join(f'"{k}"' for k in keys)
            raise BodyError(f"unknown key {json.dumps(key, ensure_ascii=False)} in the request "
                            f"body for {what}; the keys are: {known}")
    if data.get("date") is None:
        raise BodyError('the request body needs "date": "YYYY-MM-DD" (the prøvingsdato)')
    if "facts" not in data:
        raise BodyError('the request body needs "facts": {"fact name": value, ...}')
    return [data.get(k) for k in keys]


def _text_option(value, name: str, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise BodyError(f'"{name}" must be a text, got {json.dumps(value, default=str)}')
    return value


# -- responses and errors ------------------------------------------------------------------------

def _response(body: bytes, media_type: str):
    from starlette.responses import Response
    return Response(body, media_type=media_type)


def _json_bytes(data) -> bytes:
    from .jsonout import dumps
    return (dumps(data) + "\n").encode("utf-8")


def _error(status: int, code: str, message: str, exit_code: int, headers=None):
    from starlette.responses import Response
    body = {"error": {"code": code, "message": message, "exit_code": exit_code}}
    return Response(_json_bytes(body), status_code=status, media_type="application/json",
                    headers=headers)


def _classify(exc: Exception) -> tuple[int, str]:
    """HTTP status and error code of an exception."""
    if isinstance(exc, CaseError):  # a case of a list: bad input (exit 2) or a failure (exit 1)
        return (422, "bad_input") if exc.exit_code == 2 else (500, "evaluation_error")
    for cls, status, code in ((BodyTooLarge, 413, "body_too_large"),
                              (UnknownBenefitError, 404, "unknown_benefit"),
                              (FactError, 422, "bad_fact"), (BodyError, 422, "bad_body"),
                              (InputError, 422, "bad_input"),
                              (RuleEvalError, 500, "evaluation_error"),
                              (RulelangError, 500, "rules_error")):
        if isinstance(exc, cls):
            return status, code
    return 500, "internal_error"


def _error_response(request, exc: Exception):
    """The error object of an exception: the command line's message and exit code; for an
    exception that is not rulelang's, one line naming it (no traceback, no values in the log)."""
    status, code = _classify(exc)
    if isinstance(exc, RulelangError):
        message, exit_code = str(exc), exc.exit_code
    else:
        message, exit_code = f"internal error: {type(exc).__name__}: {exc}", 1
        _note(request, error_type=type(exc).__name__)
    _note(request, outcome=code)
    return _error(status, code, " ".join(message.split()) if status >= 500 else message, exit_code)


# -- request log ---------------------------------------------------------------------------------

def _note(request, **fields) -> None:
    """Add fields to the request's log line (only counts and codes: never a value)."""
    note = request.scope.get("rulelang.log")
    if note is not None:
        note.update(fields)


class _AccessLog:
    """ASGI middleware: one JSON line per request, written after the response is sent.

    The line has the route template (and the benefit id when it is a known one), never the raw
    path, the query, the body or anything derived from the facts."""

    def __init__(self, app, routes, benefits):
        self.app = app
        self.routes = routes
        self.benefits = benefits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not LOG.isEnabledFor(logging.INFO):
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        note = scope["rulelang.log"] = {}
        status = [500]

        async def send_status(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            LOG.info(self._line(scope, status[0], start, note))

    def _line(self, scope, status: int, start: float, note: dict) -> str:
        from starlette.routing import Match

        route, benefit = None, None
        for r in self.routes:
            match, child = r.matches(scope)
            if match is not Match.NONE:
                route = r.path
                name = child.get("path_params", {}).get("benefit")
                benefit = name if name in self.benefits else None
                break
        line = {"time": _now(), "event": "request", "method": scope["method"], "route": route,
                "benefit": benefit, "status": status,
                "duration_ms": round((time.perf_counter() - start) * 1000, 3),
                "body_bytes": note.pop("body_bytes", 0), **note}
        return json.dumps(line, ensure_ascii=False)
