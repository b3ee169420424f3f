"""Topic tagging measured against provisions labelled by hand.

eval/topic_gold.toml is the set the topic terms were tuned on; eval/topic_heldout.toml was
labelled afterwards, on other provisions, and measures the tagger on text it was not tuned on.
Passages are built from the corpus (no index needed) and tagged; a provision's predicted topics
are those of its passages. Prints precision and recall per topic and writes JSON.

    .venv/bin/python -m eval.topics_eval [--gold eval/topic_heldout.toml] [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import tomllib
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

import kb  # noqa: F401
from ingest.load import load_file
from ingest.metadata import Overrides, document_info, read_manifest
from ingest.passages import build_passages
from ingest.topics import tag_passages
from kb.model import cites_within
from kb.topics import load_topics

GOLD = Path(__file__).resolve().parent / "topic_gold.toml"


def predicted_topics(corpus: Path, gold: list[dict]) -> dict[tuple[str, str], set[str] | None]:
    manifest = {entry["id"]: name for name, entry in read_manifest(corpus).items()}
    passages_by_doc = {}
    for document_id in sorted({g["document_id"] for g in gold}):
        loaded = load_file(corpus / manifest[document_id])
        passages = tag_passages(build_passages(loaded, document_info(loaded, Overrides()), "eval"))
        passages_by_doc[document_id] = [p for p in passages if p.language == "en"]
    result: dict[tuple[str, str], set[str] | None] = {}
    for g in gold:
        matching = [p for p in passages_by_doc[g["document_id"]] if cites_within(p.citation, g["citation"])]
        result[(g["document_id"], g["citation"])] = {t for p in matching for t in p.topics} if matching else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--gold", type=Path, default=GOLD, help="topic_gold.toml (tuning) or topic_heldout.toml")
    parser.add_argument("--out", type=Path, default=None, help="default: eval/results/topics-<gold name>.json")
    args = parser.parse_args()
    args.out = args.out or Path(f"eval/results/topics-{args.gold.stem}.json")

    gold = tomllib.loads(args.gold.read_text())["provision"]
    predicted = predicted_topics(args.corpus, gold)
    missing = [key for key, value in predicted.items() if value is None]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    for g in gold:
        found = predicted[(g["document_id"], g["citation"])] or set()
        expected = set(g["topics"])
        for topic in found | expected:
            key = "tp" if topic in found and topic in expected else "fp" if topic in found else "fn"
            counts[topic][key] += 1
    rows = {}
    table = Table("topic", "gold", "precision", "recall", "F1")
    for topic in (t.id for t in load_topics()):
        c = counts[topic]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows[topic] = {**c, "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
        table.add_row(topic, str(c["tp"] + c["fn"]), f"{precision:.2f}", f"{recall:.2f}", f"{f1:.2f}")
    tp, fp, fn = (sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn"))
    micro = {"precision": round(tp / (tp + fp), 3) if tp + fp else 0.0, "recall": round(tp / (tp + fn), 3)}
    table.add_row("micro", str(tp + fn), f"{micro['precision']:.2f}", f"{micro['recall']:.2f}", "")
    Console().print(table)
    if missing:
        Console().print(f"[red]{len(missing)} gold provisions not found:[/red] {missing}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"provisions": len(gold), "per_topic": rows, "micro": micro, "missing": missing}))


if __name__ == "__main__":
    main()
