"""Load test of `rulelang serve` (a script, not a pytest test; it asserts no timing).

Starts `rulelang serve --port 0` on loopback in a subprocess, sends each public case once in
turn to learn its answer, then sends --requests requests over --concurrency kept-alive
connections, the cases drawn round-robin, and compares every answer with the sequential one:
a different status or body, a broken connection or a timeout is an error. Prints requests/s
and the latency percentiles; exits 1 on any error or when --time-limit passes before all
requests are answered.

The client is plain asyncio sockets writing pre-built HTTP/1.1 requests, so that the client's
own cost (it shares the machine) stays small beside the server's.

    .venv/bin/python bench/load_test.py [--requests 2000] [--concurrency 32] [--workers 1]
                                        [--endpoint decisions|letters|lists] [--time-limit 120]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED_CASES = ROOT.parent / "shared" / "cases"
sys.path.insert(0, str(ROOT))

from rulelang.jsonout import dumps  # noqa: E402


def public_cases() -> list[dict]:
    """The public cases (../shared/cases), else the examples beside the rules."""
    files = sorted(SHARED_CASES.glob("*.json"))
    if files:
        return [c for f in files for c in json.loads(f.read_text("utf-8"), parse_float=Decimal)]
    from rulelang.cases import load_cases
    return [{"id": c.name, "benefit": c.benefit, "date": c.date.isoformat(), "facts": c.facts}
            for c in load_cases(ROOT / "rules")]


def requests_for(endpoint: str, host: str) -> list[bytes]:
    """Pre-built HTTP/1.1 requests, one per case (or per benefit, for lists of its cases)."""
    cases = public_cases()
    bodies = []
    if endpoint == "lists":
        for benefit in sorted({c["benefit"] for c in cases}):
            items = [{"id": c["id"], "date": c["date"], "facts": c["facts"]}
                     for c in cases if c["benefit"] == benefit]
            bodies.append((f"/v1/decisions/{quote(benefit)}", dumps(items)))
    else:
        for i, c in enumerate(cases):
            body = {"date": c["date"], "facts": c["facts"]}
            if endpoint == "letters":
                body.update(format=("txt", "md", "html")[i % 3], language=("nb", "nn")[i % 2])
            bodies.append((f"/v1/{endpoint}/{quote(c['benefit'])}", dumps(body)))
    out = []
    for path, body in bodies:
        data = body.encode("utf-8")
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n")
        out.append(head.encode("ascii") + data)
    return out


async def exchange(reader, writer, request: bytes) -> tuple[int, bytes]:
    """Send one request on a kept-alive connection; (status, body) of the answer."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            return status, await reader.readexactly(int(line.split(":", 1)[1]))
    raise ValueError("an answer without Content-Length")


async def load(host: str, port: int, requests: list[bytes], expected: list, total: int,
               concurrency: int, deadline: float) -> tuple[list[float], list[str], int]:
    """`total` requests over `concurrency` connections; (latencies, errors, answered)."""
    latencies, errors = [], []
    counter = iter(range(total))

    async def connection():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for n in counter:
                if time.monotonic() > deadline:
                    return
                k = n % len(requests)
                start = time.perf_counter()
                try:
                    answer = await asyncio.wait_for(exchange(reader, writer, requests[k]),
                                                    deadline - time.monotonic())
                except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                        ValueError) as exc:
                    errors.append(f"request {n}: {type(exc).__name__}: {exc}")
                    return
                latencies.append(time.perf_counter() - start)
                if answer != expected[k]:
                    errors.append(f"request {n} (case {k}): status {answer[0]}, expected "
                                  f"{expected[k][0]}, or a different body")
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return latencies, errors, len(latencies)


async def learn(host: str, port: int, requests: list[bytes]) -> list:
    """Each request once, in turn: the answer the load phase must get again."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        return [await exchange(reader, writer, r) for r in requests]
    finally:
        writer.close()


def start_server(workers: int, log) -> tuple[subprocess.Popen, str]:
    """`rulelang serve --port 0` in a subprocess, its stderr (the request log) into the file
    `log`, read after the run so the client spends nothing on it; the URL from the started
    line."""
    proc = subprocess.Popen([sys.executable, "-m", "rulelang", "serve", "--port", "0",
                             "--rules", str(ROOT / "rules"), "--workers", str(workers)],
                            stderr=log, stdout=subprocess.DEVNULL, cwd=ROOT)
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up and proc.poll() is None:
        log.seek(0)
        line = log.readline()
        if line.endswith("\n"):
            return proc, json.loads(line)["url"]
        time.sleep(0.05)
    proc.kill()
    log.seek(0)
    raise SystemExit(f"load_test: the server did not start: {log.read()}")


def server_durations(log) -> list[float]:
    """duration_ms of every request line of the server's log."""
    log.seek(0)
    return [json.loads(line)["duration_ms"] for line in log if '"event": "request"' in line]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=1, help="server worker processes")
    ap.add_argument("--endpoint", choices=("decisions", "letters", "lists"), default="decisions")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds, start to end")
    ap.add_argument("--url", help="load a server that is already running (e.g. under a profiler)")
    args = ap.parse_args()

    deadline = time.monotonic() + args.time_limit
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    proc, url = start_server(args.workers, log) if args.url is None else (None, args.url)
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
        requests = requests_for(args.endpoint, f"{host}:{port}")
        expected = asyncio.run(learn(host, port, requests))
        learned = len(server_durations(log))
        start = time.perf_counter()
        latencies, errors, answered = asyncio.run(load(
            host, port, requests, expected, args.requests, args.concurrency, deadline))
        elapsed = time.perf_counter() - start
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    server_ms = server_durations(log)[learned:]
    if answered < args.requests and not errors:
        errors.append(f"time limit: {answered} of {args.requests} answered in {args.time_limit} s")
    statuses = sorted({status for status, _ in expected})
    where = url if proc is None else f"rulelang serve --workers {args.workers}"
    print(f"{where}: {answered} {args.endpoint} requests "
          f"({len(requests)} distinct, answers {statuses}) over {args.concurrency} connections")
    if latencies:
        ms = [x * 1000 for x in latencies]
        print(f"  {answered / elapsed:,.0f} requests/s in {elapsed:.2f} s")
        print(f"  latency ms: p50 {percentile(ms, 50):.2f}  p90 {percentile(ms, 90):.2f}  "
              f"p99 {percentile(ms, 99):.2f}  max {max(ms):.2f}")
    if server_ms:
        print(f"  in the server (request log): median {statistics.median(server_ms):.3f} ms, "
              f"p99 {percentile(server_ms, 99):.3f} ms")
    print(f"  errors: {len(errors)}")
    for e in errors[:10]:
        print(f"    {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
