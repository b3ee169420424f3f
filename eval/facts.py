"""From facts to law (kb/analyse.py) on fact patterns with the provisions that apply: Recall@10 and
MRR@10 of the ranked provisions, per jurisdiction, beside plain search on the same statement.

    KB_DATA_DIR=... python -m eval.facts --facts eval/facts_heldout.toml

A provision counts as found when a result is it, a part of it, or the passage that holds it.
"""

from __future__ import annotations

import argparse
import statistics
import tomllib
from pathlib import Path

from cli.wiring import open_searcher
from kb.analyse import RANKED, analyse, facts_query
from kb.answer import law_types
from kb.config import get_settings
from kb.model import SearchHit, cites_overlap
from kb.retrieve import SearchFilters


def _found(gold: str, hits: list[SearchHit]) -> int | None:
    """The 1-based rank of the first result that is, is within, or holds the gold provision."""
    for rank, hit in enumerate(hits, 1):
        if cites_overlap(hit.passage.citation, gold):
            return rank
    return None


def score(gold: list[str], hits: list[SearchHit]) -> tuple[float, float]:
    ranks = [_found(g, hits[:RANKED]) for g in gold]
    recall = sum(r is not None for r in ranks) / len(gold)
    first = min((r for r in ranks if r is not None), default=None)
    return recall, (1 / first if first else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facts", type=Path, default=Path("eval/facts_heldout.toml"))
    args = parser.parse_args()
    facts = tomllib.loads(args.facts.read_text(encoding="utf-8"))["fact"]
    rows: dict[str, dict[str, list[float]]] = {}
    with open_searcher(get_settings()) as searcher:
        types = law_types(searcher)
        for fact in facts:
            code = fact["jurisdiction"]
            analysed = analyse(searcher, fact["statement"], [code]).ranked[code]
            filters = SearchFilters(jurisdictions=[code], instrument_types=types)
            plain = searcher.search(facts_query(fact["statement"]), filters, RANKED).hits
            for system, hits in (("analyse", analysed), ("search", plain)):
                recall, rr = score(fact["provisions"], hits)
                for key in (code, "all"):
                    row = rows.setdefault(f"{system} {key}", {"recall": [], "mrr": []})
                    row["recall"].append(recall)
                    row["mrr"].append(rr)
                if system == "analyse" and recall < 1:
                    missed = [g for g in fact["provisions"] if _found(g, hits) is None]
                    print(f"  {fact['id']} ({code}) missed: {'; '.join(missed)}")
    print(f"{'system':16} {'facts':>5} {'R@10':>6} {'MRR@10':>7}")
    for name, row in sorted(rows.items()):
        recall, mrr = statistics.mean(row["recall"]), statistics.mean(row["mrr"])
        print(f"{name:16} {len(row['recall']):5} {recall:6.3f} {mrr:7.3f}")


if __name__ == "__main__":
    main()
