"""Search with a matter against a public search, in one process: p50 and p95 of each and their ratio
(the target: a matter search no slower than 1.5x a public one). The matter holds the team's
fictional statements (tests/fixtures/pii), uploaded as a lawyer would; the two searches take turns on
each query, so they share the machine's state.

    KB_DATA_DIR=... .venv/bin/python -m eval.bench_matters [--rounds 5]

It opens the index in KB_DATA_DIR (run `make run` first), and leaves no matter behind.
"""

from __future__ import annotations

import argparse
import json
import tomllib

from cryptography.fernet import Fernet

import kb  # noqa: F401
from cli.wiring import open_library
from eval.common import QUERIES, summary, timed
from eval.pii import FIXTURES
from kb.accounts import User
from kb.config import get_settings
from kb.retrieve import SearchFilters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings = get_settings().model_copy(update={"secret_key": Fernet.generate_key().decode()})
    library = open_library(settings)
    lawyer = User("bench-lawyer", "lawyer")
    matter = library.matters.create("Benchmark matter", lawyer)
    try:
        for statement in tomllib.loads(FIXTURES.read_text(encoding="utf-8"))["statement"]:
            library.add_matter_file(matter.id, lawyer, f"{statement['id']}.txt", statement["text"].encode())
        samples: dict[str, list[float]] = {"public": [], "matter": []}
        for _ in range(args.rounds):
            for query in QUERIES:
                samples["public"] += timed(lambda q=query: library.search(q, SearchFilters(), 10), repeats=1)
                samples["matter"] += timed(
                    lambda q=query: library.search(q, SearchFilters(), 10, matter=matter.id, user=lawyer), repeats=1
                )
        result = {name: summary(values) for name, values in samples.items()}
        result["ratio_p50"] = round(result["matter"]["p50_ms"] / result["public"]["p50_ms"], 2)
        print(json.dumps(result, indent=2))
    finally:
        library.erase_matter(matter.id, lawyer)
        library.close()


if __name__ == "__main__":
    main()
