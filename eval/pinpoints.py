"""How often a search result's `pinpoint` names the right part of its passage.

For each question and each of its top 5 results whose passage holds an answering provision finer
than itself (a gold "art 7(1)" in a passage cited "art 7"), counts the results whose pinpoint lies
within that provision (right), names another part (wrong) or is none (no part stood out). Run on
the configured index (`kb ingest` the corpus first).

    .venv/bin/python -m eval.pinpoints eval/heldout3.toml eval/heldout4.toml
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.wiring import open_searcher
from eval.datasets import load_gold
from eval.run import gold_keys, gold_passages
from kb.config import get_settings
from kb.model import cites_within
from kb.retrieve import SearchFilters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", type=Path, nargs="+")
    args = parser.parse_args()
    with open_searcher(get_settings()) as searcher:
        for path in args.questions:
            questions = load_gold(path)
            _, coarser = gold_passages(searcher.index, questions)
            counts = {"right": 0, "wrong": 0, "none": 0}
            for question in questions:
                for hit in searcher.search(question.question, SearchFilters(only=True), limit=5).hits:
                    p = hit.passage
                    key = gold_keys(question, p.document_id, p.citation, coarser)[0]  # the first it answers
                    finer = [
                        citation
                        for document_id, citation in question.relevant
                        if f"{document_id}|{citation}" == key and not cites_within(p.citation, citation)
                    ]
                    if not finer or not p.units:
                        continue
                    right = hit.pinpoint and any(cites_within(hit.pinpoint, citation) for citation in finer)
                    counts["right" if right else "wrong" if hit.pinpoint else "none"] += 1
            print(f"{path.name}: " + ", ".join(f"{name} {count}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
