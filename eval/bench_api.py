"""The API process: cold start (launch of `kb serve` to the first healthy answer, and to the first
answered search) and resident memory after warm-up (searches and asks), on the configured index.

    .venv/bin/python -m eval.bench_api [--runs 3] [--port 8011]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from eval.common import QUERIES


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_run(port: int) -> dict[str, float]:
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None:
                    raise SystemExit("kb serve exited before answering")
                time.sleep(0.05)
            healthy = time.perf_counter() - started
            client.get("/api/search", params={"q": QUERIES[0]}).raise_for_status()
            first_search = time.perf_counter() - started
            for query in QUERIES:
                client.get("/api/search", params={"q": query}).raise_for_status()
                client.post("/api/ask", json={"question": query}).raise_for_status()
            memory = resident_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"healthy_s": healthy, "first_search_s": first_search, "resident_mb_after_warmup": memory}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args()
    runs = [one_run(args.port) for _ in range(args.runs)]
    result = {name: round(statistics.median(r[name] for r in runs), 2) for name in runs[0]}
    result["runs"] = args.runs
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
