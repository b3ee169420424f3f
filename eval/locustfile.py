"""Load on the HTTP API: clients searching and asking, as `make load` runs it (32 clients, 60 s).

    .venv/bin/locust -f eval/locustfile.py --headless -u 32 -r 32 -t 60s --host http://127.0.0.1:8000

Each client alternates /api/search (three in four requests) and /api/ask, with the benchmark
queries of eval/common.py. By default clients do not wait between requests (the server's
saturation); HAVEN_THINK_S=1,3 makes each wait 1 to 3 s, as a person reading results does.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

from eval.common import QUERIES

_THINK = [float(x) for x in os.environ.get("HAVEN_THINK_S", "0,0").split(",")]


class Lawyer(HttpUser):
    wait_time = between(_THINK[0], _THINK[-1])

    @task(3)
    def search(self) -> None:
        self.client.get("/api/search", params={"q": random.choice(QUERIES), "limit": 10}, name="/api/search")

    @task(1)
    def ask(self) -> None:
        self.client.post("/api/ask", json={"question": random.choice(QUERIES)}, name="/api/ask")
