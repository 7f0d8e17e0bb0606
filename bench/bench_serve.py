"""Requests per second and latency of `derive serve` for a 5-step derivation, 2 workers.

Run: python bench/bench_serve.py [--requests N] [--clients C] [--workers W]
Starts `derive serve` on a free loopback port, warms each worker up, then sends N copies of
worksheet 1b in five steps (every step proved) from C concurrent clients and prints the
throughput and the 50th and 95th percentile latency (the queue is large enough that no
request gets a 503). The figures depend on the machine's load, which is printed with them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIVE_STEPS = r"""% Worksheet 1b in five steps: D_KL(p || q) = H(p, q) - H(p).
% assume: p, q distributions over i = 1..n
\begin{align*}
D_{KL}(p \| q) &= \sum_i p_i \log \frac{p_i}{q_i} \\
  &= \sum_i p_i \left( \log p_i - \log q_i \right) \\
  &= \sum_i p_i \log p_i - \sum_i p_i \log q_i \\
  &= -H(p) + H(p, q) \\
  &= H(p, q) - H(p)
\end{align*}
"""
# The same derivation under other names: a worker's SymPy cache cannot answer these from an
# earlier request, as it can for a text sent twice.
_HEAD, _BODY = FIVE_STEPS.split("\n", 1)
VARIANTS = [_HEAD + "\n" + _BODY.replace("p", a).replace("q", b).replace("_i", f"_{k}")
            .replace("over i", f"over {k}")
            for a, b in ("pq", "rs", "uv", "fg", "ab", "cd") for k in "ijkl"]


def _post(url: str, text: str = FIVE_STEPS) -> float:
    start = time.perf_counter()
    req = urllib.request.Request(url, text.encode(), {"Content-Type": "text/plain"})
    with urllib.request.urlopen(req, timeout=600) as r:
        body = r.read()
    steps = json.loads(body)[0]["steps"]
    if r.status != 200 or [s["verdict"] for s in steps] != ["proved"] * 5:
        raise RuntimeError(f"unexpected answer {r.status}: {body[:200]!r}")
    return time.perf_counter() - start


def _start(workers: int, queue: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "derive", "serve", "--port", str(port),
                             "--workers", str(workers), "--queue", str(queue)],
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/", timeout=5).read()
            return proc, url + "/api/check"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    proc, url = _start(args.workers, max(args.requests, 1))
    try:
        with ThreadPoolExecutor(args.workers) as ex:  # warm up: one check per worker, twice
            list(ex.map(lambda _: _post(url), range(2 * args.workers)))
        single = statistics.median(_post(url) for _ in range(3))
        same = _burst(url, [FIVE_STEPS] * args.requests, args.clients)
        fresh = _burst(url, VARIANTS, args.clients)
    finally:
        proc.terminate()
        proc.wait(30)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"derive serve, {args.workers} workers, a 5-step derivation (all proved); "
          f"{os.cpu_count()} CPUs, load average {load}")
    print(f"one request alone                 {single * 1000:6.0f} ms (median of 3)")
    for what, texts, (rate, p50, p95) in (("the same text", args.requests, same),
                                          ("distinct names", len(VARIANTS), fresh)):
        print(f"{texts:3} requests, {what:14}, {args.clients} clients: {rate:5.2f} "
              f"requests/s; latency p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


def _burst(url: str, texts: list[str], clients: int) -> tuple[float, float, float]:
    """Requests per second, and the 50th and 95th percentile latency."""
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as ex:
        latencies = sorted(ex.map(lambda t: _post(url, t), texts))
    wall = time.perf_counter() - start
    p95 = latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)]
    return len(texts) / wall, statistics.median(latencies), p95


if __name__ == "__main__":
    main()
