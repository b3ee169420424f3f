"""What each retrieval step adds on its own: a question set run through Haven with one step taken
out at a time, in one process on the configured index.

    .venv/bin/python -m eval.ablation [--questions eval/gold_questions.toml ...]

Variants: Haven as it ships; without the learned ranker (weighted RRF of the legs, with the
jurisdiction and topic boosts); without the expansion's second dense query; without the
thesaurus (neither the BM25 terms nor the second dense query); without the glossary (a question's
concepts are not read in other languages). Each is run as asked and filtered to the jurisdiction
a question names, scored as `kb eval` scores it.
Indexing with context is a property of the index: compare two indexes built with and without
KB_INDEX_CONTEXT (README, "Indexed with its context").
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import kb.retrieve
from cli.wiring import dense_encoder
from eval.datasets import GOLD_QUESTIONS, load_gold
from eval.metrics import mean_scores, scores, unique
from eval.run import gold_keys, gold_passages
from kb.config import get_settings
from kb.embed import QueryEmbedder, SparseEncoder
from kb.rank import Ranker
from kb.retrieve import Searcher, SearchFilters
from kb.store import LiveIndex, open_index

DEPTH = 100


class _WithoutLeg:
    """The live index, with one retrieval leg left out of every search."""

    def __init__(self, index: LiveIndex, leg: str):
        self._index, self._leg = index, leg

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    def legs(
        self, queries: dict[str, Any], filters: dict[str, Any] | None, depth: int, leg_filters: Any = None
    ) -> dict[str, Any]:
        return self._index.legs({k: v for k, v in queries.items() if k != self._leg}, filters, depth, leg_filters)


@contextmanager
def _no_glossary():
    kept = kb.retrieve.translations
    kb.retrieve.translations = lambda query, language, targets, glossary=None: {}
    try:
        yield
    finally:
        kb.retrieve.translations = kept


@contextmanager
def _no_thesaurus():
    kept = kb.retrieve.expansions
    kb.retrieve.expansions = lambda query, jurisdictions=None: []
    try:
        yield
    finally:
        kb.retrieve.expansions = kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, nargs="+", default=[GOLD_QUESTIONS])
    args = parser.parse_args()
    settings = get_settings()
    console = Console()
    index = open_index(settings)
    embedder = QueryEmbedder(dense_encoder(settings), SparseEncoder())
    learned = Searcher(index, embedder, settings.languages)
    fused = Searcher(index, embedder, settings.languages, Ranker(None))
    no_second_dense = Searcher(_WithoutLeg(index, "expanded"), embedder, settings.languages)  # type: ignore[arg-type]
    variants = {
        "haven (learned ranker)": (learned, None),
        "without the learned ranker (weighted RRF)": (fused, None),
        "without the expansion's dense query": (no_second_dense, None),
        "without the thesaurus": (learned, _no_thesaurus),
        "without the glossary": (learned, _no_glossary),
    }
    try:
        for path in args.questions:
            questions = load_gold(path)
            _, coarser = gold_passages(index, questions)
            table = Table(title=f"{path.name}: {len(questions)} questions", title_justify="left")
            for column in ("variant", "R@5", "R@10", "MRR@10", "R@5 (j. filter)", "MRR@10 (j. filter)"):
                table.add_column(column)
            for name, (searcher, context) in variants.items():
                row = []
                for filtered in (False, True):
                    per_query = []
                    with context() if context else nullcontext():
                        for question in questions:
                            scope = [question.jurisdiction] if filtered and question.jurisdiction else []
                            found = searcher.search(question.question, SearchFilters(scope, only=True), DEPTH).hits
                            keys = [
                                key
                                for h in found
                                for key in gold_keys(question, h.passage.document_id, h.passage.citation, coarser)
                            ]
                            relevant = {f"{d}|{c}" for d, c in question.relevant}
                            per_query.append(scores(unique(keys), relevant))
                    metrics = mean_scores(per_query)
                    row += [metrics["recall@5"], metrics["recall@10"], metrics["mrr@10"]] if not filtered else []
                    row += [metrics["recall@5"], metrics["mrr@10"]] if filtered else []
                table.add_row(name, *(f"{value:.3f}" for value in row))
            console.print(table)
    finally:
        index.close()


if __name__ == "__main__":
    main()
