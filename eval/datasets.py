"""Evaluation data: BEIR-style benchmarks (corpus.jsonl, queries*.jsonl, qrels*.tsv) and the team's gold set."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
GOLD_QUESTIONS = Path(__file__).resolve().parent / "gold_questions.toml"


@dataclass
class Benchmark:
    name: str
    corpus: dict[str, tuple[str, str]]  # id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, set[str]]  # query id -> relevant corpus ids


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        query_id, doc_id, relevance = line.split("\t")
        if int(relevance) > 0:
            qrels.setdefault(query_id, set()).add(doc_id)
    return qrels


def load_benchmark(
    folder: Path, name: str, queries_file: str, qrels_file: str, relevant_only: bool = False
) -> Benchmark:
    """One split of a BEIR-style dataset. `relevant_only` keeps only the documents some query of
    any split needs (MTEB's 82-statute AILA setting)."""
    qrels = _qrels(folder / qrels_file)
    queries = {q["id"]: q["text"] for q in _jsonl(folder / queries_file) if q["id"] in qrels}
    corpus = {d["id"]: (d.get("title", ""), d["text"]) for d in _jsonl(folder / "corpus.jsonl")}
    if relevant_only:
        needed = set().union(*_qrels(folder / "qrels.tsv").values())
        corpus = {doc_id: doc for doc_id, doc in corpus.items() if doc_id in needed}
    return Benchmark(name, corpus, queries, qrels)


def benchmarks(split: str, bench_dir: Path = BENCH) -> list[Benchmark]:
    """The external benchmarks for a split: "dev" (for tuning) or "test" (reported once)."""
    aila, obliqa = bench_dir / "aila2019_statutes", bench_dir / "obliqa"
    if split == "dev":
        return [
            load_benchmark(aila, "aila-197 (train queries)", "queries.jsonl", "qrels_train.tsv"),
            load_benchmark(obliqa, "obliqa (dev)", "queries_dev.jsonl", "qrels_dev.tsv"),
        ]
    return [
        load_benchmark(aila, "aila-82 (MTEB setting)", "queries.jsonl", "qrels.tsv", relevant_only=True),
        load_benchmark(aila, "aila-197 (official test)", "queries.jsonl", "qrels_test.tsv"),
        load_benchmark(obliqa, "obliqa (test)", "queries.jsonl", "qrels.tsv"),
    ]


@dataclass
class GoldQuestion:
    id: str
    question: str
    relevant: list[tuple[str, str]]  # (document id, citation of the provision that answers it)
    jurisdiction: str = ""
    topic: str = ""
    language: str = "en"  # the question's language (the cross-lingual set gives it)


def load_gold(path: Path = GOLD_QUESTIONS) -> list[GoldQuestion]:
    questions = []
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["question"]:
        relevant = [(r["document_id"], r["citation"]) for r in entry["relevant"]]
        jurisdiction, topic = entry.get("jurisdiction", ""), entry.get("topic", "")
        language = entry.get("language", "en")
        questions.append(GoldQuestion(entry["id"], entry["question"], relevant, jurisdiction, topic, language))
    return questions
