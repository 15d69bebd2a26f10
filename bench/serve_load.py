"""Load on ``compliance serve``: N requests from C concurrent keep-alive clients, on loopback only.

Starts the real server (``compliance serve --port 0`` with the examples' config),
sends the example articles round-robin to POST /v1/check, checks every answer
against the library's own result, and prints throughput, latency percentiles and
the ratio to checking the same articles in process. Exits 1 on any error.

    python bench/serve_load.py [--requests 2000] [--clients 8]
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compliance import Checker, load_config  # noqa: E402
from tests.serving import Connection, running_server  # noqa: E402

CONFIG = ROOT / "examples" / "compliance.yaml"
ARTICLES = sorted((ROOT / "examples" / "content").iterdir())
REQUEST_TIMEOUT = 30  # seconds; bounds every request, so the run always ends


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    checker = Checker.from_config(load_config(CONFIG))
    bodies = [json.dumps({"text": p.read_text(encoding="utf-8"), "path": p.name}).encode() for p in ARTICLES]
    expected = [json.loads(checker.check_text(p.read_text(encoding="utf-8"), path=p.name).model_dump_json())
                for p in ARTICLES]
    in_process = _in_process_rate(checker, ARTICLES, min(args.requests, 300))

    with running_server("--config", str(CONFIG)) as server:
        parts = urlsplit(server.url)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(k: int) -> None:
            conn = Connection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
            for i in range(k, args.requests, args.clients):
                n = i % len(bodies)
                start = time.perf_counter()
                try:
                    conn.request("POST", "/v1/check", bodies[n], {"Content-Type": "application/json"})
                    resp = conn.getresponse()
                    data = resp.read()
                    ok = resp.status == 200 and json.loads(data) == expected[n]
                    problem = None if ok else f"{ARTICLES[n].name}: HTTP {resp.status}, unexpected answer"
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    problem = f"{ARTICLES[n].name}: {type(exc).__name__}: {exc}"
                    conn.close()
                    conn = Connection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
                with lock:
                    latencies.append(time.perf_counter() - start)
                    if problem:
                        errors.append(problem)
            conn.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began

    rate = args.requests / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{args.requests} requests, {args.clients} clients, {len(errors)} errors in {elapsed:.2f} s")
    print(f"throughput: {rate:.0f} requests/s over HTTP; {in_process:.0f} checks/s in process "
          f"(HTTP/in-process ratio {rate / in_process:.2f})")
    print(f"latency ms: p50 {cuts[49] * 1000:.1f}, p95 {cuts[94] * 1000:.1f}, p99 {cuts[98] * 1000:.1f}")
    for problem in errors[:10]:
        print(f"error: {problem}")
    return 1 if errors else 0


def _in_process_rate(checker: Checker, articles: list[Path], count: int) -> float:
    """Checks per second in this process, one thread: the better of two rounds after a warm-up."""
    texts = [p.read_text(encoding="utf-8") for p in articles]
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        for i in range(count):
            checker.check_text(texts[i % len(texts)])
        rates.append(count / (time.perf_counter() - start))
    return max(rates[1:])


if __name__ == "__main__":
    sys.exit(main())
