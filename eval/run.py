"""`kb eval`: the team's gold set and the external benchmarks, each with its baselines, in one process.

Gold set: questions about ../shared/corpus in users' words, run against the configured index (build
it first with `kb ingest ../shared/corpus` or `make run`). A result counts for a gold provision when
its citation points into it; passages of one provision count once. The tutorial pipeline's windows
count for a gold provision when they overlap its text.

Benchmarks: each corpus is indexed once into data/eval/ (vectors cached by text), then searched.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from haystack import Document
from rich.console import Console
from rich.table import Table

from eval.datasets import Benchmark, GoldQuestion, benchmarks, load_gold
from eval.metrics import mean_scores, scores, unique
from eval.systems import MODES, BenchIndex, CachedEncoder, TutorialPipeline
from ingest.load import load_file
from kb.config import Settings
from kb.embed import DenseEncoder, QueryEmbedder, SparseEncoder, make_encoder
from kb.model import SearchHit, cites_within
from kb.rank import Ranker
from kb.retrieve import Searcher, SearchFilters
from kb.store import open_index
from kb.store.live import LiveIndex, all_of

DEPTH = 100  # passages retrieved per query
SHOWN = ("recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "map@10")


class EvalError(Exception):
    """The evaluation cannot run as asked (no index, no benchmark data); the message says why."""


@dataclass
class Result:
    dataset: str
    queries: int
    systems: dict[str, dict[str, float]]
    seconds: float
    notes: str = ""


def _table(result: Result) -> Table:
    table = Table(title=f"{result.dataset}: {result.queries} queries", title_justify="left")
    table.add_column("system")
    for name in SHOWN:
        table.add_column(
            name.replace("recall", "R").replace("ndcg", "nDCG").replace("mrr", "MRR").replace("map", "MAP"),
            justify="right",
        )
    for system, metrics in result.systems.items():
        table.add_row(system, *(f"{metrics[name]:.3f}" for name in SHOWN))
    return table


# ---- gold set ----------------------------------------------------------------------------------


def gold_keys(
    question: GoldQuestion, document_id: str, citation: str, coarser: dict[str, set[str]] | None = None
) -> list[str]:
    """The gold provisions a passage answers, else the passage's own key. A passage answers a gold
    provision when it lies within it, or, where the document has no passage that fine (a gold
    "art 24(1)(b)" in an article indexed as "art 24(1)"), when it holds it (`coarser`). A passage
    holding several (an article indexed whole, its paragraphs gold) answers each of them."""
    keys = [
        f"{gold_doc}|{gold_citation}"
        for gold_doc, gold_citation in question.relevant
        if gold_doc == document_id
        and (
            cites_within(citation, gold_citation) or citation in (coarser or {}).get(f"{gold_doc}|{gold_citation}", ())
        )
    ]
    return keys or [f"{document_id}|{citation}"]


def answering_passages(passages: list[Document], gold_citation: str) -> tuple[list[Document], set[str]]:
    """The passages of a gold provision's document that answer it: those within it, or, where no
    passage is that fine, those holding it; and the labels of the holding ones. Each language of a
    bilingual text counts on its own: an English article indexed whole holds a gold "art 15(2)" even
    where the Dutch version of it is split by paragraph."""
    by_language: dict[str, list[Document]] = {}
    for passage in passages:
        by_language.setdefault(passage.meta.get("language") or "", []).append(passage)
    answering: list[Document] = []
    holding: set[str] = set()
    for in_language in by_language.values():
        within = [p for p in in_language if cites_within(p.meta["citation"], gold_citation)]
        if not within:
            within = [p for p in in_language if cites_within(gold_citation, p.meta["citation"])]
            holding.update(p.meta["citation"] for p in within)
        answering += within
    return answering, holding


def gold_passages(
    index: LiveIndex, questions: list[GoldQuestion]
) -> tuple[dict[str, list[tuple[str, int, int]]], dict[str, set[str]]]:
    """For each gold provision ("document|citation"): where its passages lie (document, start, end),
    and the labels of the passages holding it where none is within it (answering_passages)."""
    spans: dict[str, list[tuple[str, int, int]]] = {}
    coarser: dict[str, set[str]] = {}
    for document_id in {doc for q in questions for doc, _ in q.relevant}:
        passages = index.passages(document_id)
        for question in questions:
            for gold_doc, gold_citation in question.relevant:
                if gold_doc != document_id:
                    continue
                key = f"{gold_doc}|{gold_citation}"
                answering, holding = answering_passages(passages, gold_citation)
                if holding:
                    coarser.setdefault(key, set()).update(holding)
                spans.setdefault(key, []).extend((document_id, p.meta["start"], p.meta["end"]) for p in answering)
    return spans, coarser


def run_gold(
    settings: Settings,
    encoder: CachedEncoder,
    questions: list[GoldQuestion],
    name: str = "team gold set",
    tutorial_encoder: CachedEncoder | None = None,
) -> Result:
    started = time.perf_counter()
    index = open_index(settings)
    try:
        records = index.records()
        missing = sorted({doc for q in questions for doc, _ in q.relevant} - set(records))
        if missing:
            raise EvalError(
                f"the index lacks {len(missing)} gold document(s) ({', '.join(missing[:5])}); "
                "index the corpus first: kb ingest ../shared/corpus"
            )
        embedder = QueryEmbedder(encoder, SparseEncoder())
        searcher = Searcher(index, embedder, settings.languages)
        fused = Searcher(index, embedder, settings.languages, Ranker(None))
        spans, coarser = gold_passages(index, questions)
        # A gold provision no passage is cited to counts as missed by every system (said in the notes).
        unmatched = sorted(key for key, found in spans.items() if not found)
        texts = {
            doc_id: "\n\n".join(block.text for block in load_file(Path(record.source)).blocks)
            for doc_id, record in records.items()
        }
        tutorial = TutorialPipeline(
            texts, tutorial_encoder or encoder, {doc_id: r.jurisdiction for doc_id, r in records.items()}
        )
        languages = {"field": "meta.language", "operator": "in", "value": settings.languages}
        scoped = all_of(languages if settings.languages else None, index.live_condition())

        def legs(mode: str) -> Callable[[GoldQuestion], list[str]]:
            def run(question: GoldQuestion) -> list[str]:
                vectors = searcher.query_embedder.embed(question.question)
                if mode == "bm25":
                    hits = index.store.sparse_search(vectors.sparse, filters=scoped, top_k=DEPTH)
                else:
                    hits = index.store.embedding_search(vectors.dense, filters=scoped, top_k=DEPTH)
                meta = [(d.meta["document_id"], d.meta["citation"]) for d in hits]
                return [key for doc, citation in meta for key in gold_keys(question, doc, citation, coarser)]

            return run

        responses: dict[tuple[str, bool, bool], list[SearchHit]] = {}

        def haven(filtered: bool, ranked: bool = True, parallel: bool = False) -> Callable[[GoldQuestion], list[str]]:
            """Haven's results; with `parallel`, each result also counts for the other language's
            version of its provision that it shows (the German original beside the English AufenthG)."""

            def run(question: GoldQuestion) -> list[str]:
                key = (question.id, filtered, ranked)
                if key not in responses:
                    scope = [question.jurisdiction] if filtered and question.jurisdiction else []
                    filters = SearchFilters(jurisdictions=scope, only=True)  # the answer's own jurisdiction
                    responses[key] = (searcher if ranked else fused).search(question.question, filters, DEPTH).hits
                keys = []
                for hit in responses[key]:
                    keys += gold_keys(question, hit.passage.document_id, hit.passage.citation, coarser)
                    if parallel and hit.parallel:
                        for citation in hit.parallel["citations"]:
                            keys += gold_keys(question, hit.parallel["document_id"], citation, coarser)
                return keys

            return run

        def tutorial_run(mode: str, filtered: bool) -> Callable[[GoldQuestion], list[str]]:
            return lambda question: tutorial_keys(question, mode, question.jurisdiction if filtered else "")

        def tutorial_keys(question: GoldQuestion, mode: str, jurisdiction: str) -> list[str]:
            keys = []
            wanted = {f"{d}|{c}" for d, c in question.relevant}
            for window in tutorial.search(question.question, DEPTH, mode, jurisdiction):
                doc, start = window.meta["document_id"], window.meta["split_idx_start"]
                end = start + len(window.content or "")
                # a window overlapping several answering provisions answers each of them, as a passage does
                overlapped = [
                    k
                    for k, found in spans.items()
                    if k in wanted and any(d == doc and s < end and start < e for d, s, e in found)
                ]
                keys += overlapped or [f"window|{window.id}"]
            return keys

        systems = {
            "haven (jurisdiction filter)": haven(True),
            "haven": haven(False),
            "haven, counting the parallel text shown (jurisdiction filter)": haven(True, parallel=True),
            "haven, counting the parallel text shown": haven(False, parallel=True),
            "haven rrf, no ranker (jurisdiction filter)": haven(True, ranked=False),
            "haven rrf, no ranker": haven(False, ranked=False),
            "bm25 only": legs("bm25"),
            "dense only": legs("dense"),
            "tutorial bm25 (jurisdiction filter)": tutorial_run("bm25", True),
            "tutorial dense (jurisdiction filter)": tutorial_run("dense", True),
            "haystack tutorial": tutorial_run("dense", False),
        }
        results = {}
        languages = sorted({q.language for q in questions})
        for system, run in systems.items():
            per_query = []
            for question in questions:
                relevant = {f"{d}|{c}" for d, c in question.relevant}
                per_query.append(scores(unique(run(question)), relevant))
            results[system] = mean_scores(per_query)
            if len(languages) > 1 and system in ("haven", "dense only", "bm25 only"):  # a set in several languages
                for language in languages:
                    mine = [s for s, q in zip(per_query, questions, strict=True) if q.language == language]
                    results[f"{system} [{language}, {len(mine)}]"] = mean_scores(mine)
        notes = f"tutorial: {tutorial.windows} windows of 200 words over the documents' normalised text"
        if unmatched:
            notes += f"; gold provisions no passage is cited to (missed by all): {', '.join(unmatched)}"
        return Result(name, len(questions), results, time.perf_counter() - started, notes)
    finally:
        index.close()


# ---- benchmarks --------------------------------------------------------------------------------


def bench_folder(bench: Benchmark, encoder: DenseEncoder) -> str:
    """The folder of a benchmark corpus's index: one per corpus and dense model."""
    digest = hashlib.sha1(encoder.name.encode())
    for doc_id, (title, text) in sorted(bench.corpus.items()):
        digest.update(f"{doc_id}\0{title}\0{text}\0".encode())
    return f"bench-{digest.hexdigest()[:12]}"


def run_benchmark(
    bench: Benchmark, encoder: CachedEncoder, cache_dir: Path, tutorial_encoder: CachedEncoder | None = None
) -> Result:
    started = time.perf_counter()
    index = BenchIndex.build(bench.corpus, cache_dir / bench_folder(bench, encoder), encoder)
    try:
        whole = {doc_id: f"{title}\n\n{text}" for doc_id, (title, text) in bench.corpus.items()}
        tutorial = TutorialPipeline(whole, tutorial_encoder or encoder)
        systems: dict[str, Callable[[str], list[str]]] = {
            name: (lambda query, mode=mode: [d.meta["document_id"] for d in index.search(query, mode, DEPTH)])
            for name, mode in zip(("haven", "haven (rrf, no ranker)", "bm25 only", "dense only"), MODES, strict=True)
        }
        systems["haystack tutorial"] = lambda query: [d.meta["document_id"] for d in tutorial.search(query, DEPTH)]
        results = {
            name: mean_scores(
                [scores(unique(run(text)), bench.qrels[query_id]) for query_id, text in bench.queries.items()]
            )
            for name, run in systems.items()
        }
        encoder.save()
        if tutorial_encoder:
            tutorial_encoder.save()
        notes = f"{len(bench.corpus)} documents; tutorial: {tutorial.windows} windows"
        return Result(bench.name, len(bench.queries), results, time.perf_counter() - started, notes)
    finally:
        index.close()


def main(
    settings: Settings,
    gold: bool,
    bench: bool,
    split: str,
    out: Path | None,
    console: Console,
    questions_file: Path | None = None,
) -> list[Result]:
    cache_dir = settings.data_dir / "eval"
    dense = make_encoder(settings.embedding_model, settings.embedding_backend, settings.data_dir / "models")
    encoder = CachedEncoder(dense, cache_dir / f"vectors-{dense.name}.npz")
    # The tutorial's dense retriever keeps the tutorial's model, MiniLM, whatever Haven's is.
    minilm = dense if dense.name == "all-MiniLM-L6-v2" else make_encoder("minilm", "onnx", settings.data_dir / "models")
    tutorial_encoder = CachedEncoder(minilm, cache_dir / f"vectors-{minilm.name}.npz")
    results = []
    if gold:
        try:
            questions = load_gold(questions_file) if questions_file else load_gold()
        except FileNotFoundError as error:
            raise EvalError(f"gold set not found: {error.filename}") from error
        name = f"question set {questions_file.name}" if questions_file else "team gold set"
        results.append(run_gold(settings, encoder, questions, name, tutorial_encoder))
        console.print(_table(results[-1]))
    if bench:
        try:
            datasets = benchmarks(split)
        except FileNotFoundError as error:
            raise EvalError(f"benchmark data not found: {error.filename}") from error
        for dataset in datasets:
            results.append(run_benchmark(dataset, encoder, cache_dir, tutorial_encoder))
            console.print(_table(results[-1]))
    encoder.save()
    tutorial_encoder.save()
    out = out or Path("eval/results") / f"eval-{split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([vars(r) for r in results], indent=2))
    console.print(f"written to {out}")
    return results
