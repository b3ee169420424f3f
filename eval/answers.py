"""Draft-answer evaluation: answer recall, citation precision, jurisdiction correctness, abstention.

On the team's gold set (eval/gold_questions.toml, each asked with its jurisdiction when it has
one), the out-of-scope questions (eval/out_of_scope.toml, split into "tune" and "check") and a
held-out "fresh" set written apart from the abstention rules (eval/out_of_scope_fresh.toml, and
eval/in_scope_fresh.toml: questions the corpus answers, each with the provision that does):
- answer recall: the share of gold answers that cite a gold provision;
- citation precision: the share of answer sentences whose quote is in the passage it cites;
- jurisdiction correctness: the share of answers to a jurisdiction's question that cite only
  documents within that jurisdiction's scope;
- abstention: the share of out-of-scope questions abstained on (per split and kind), and of gold
  and fresh in-scope questions abstained on (false abstentions); of the questions about a state
  whose law the corpus lacks, the share declined: abstained on, or answered from the treaties
  binding the state alone, saying that its own law is not held;
- fresh recall: the share of fresh in-scope answers citing the provision recorded for them;
- `kb ask` latency p50/p95 over the gold questions after one warm-up.
`--calibrate` searches the support thresholds of kb/answer.py on the gold set and the "tune"
out-of-scope questions (the "check" ones are held out) and prints the best settings.
`--calibrate-support` sets the sentence checks of kb/generate.py: on the gold set's drafts, each
quoted statement against the passage it comes from (supported) and against another cited passage
that does not hold it (a wrong citation, the error a model makes).

    .venv/bin/python -m eval.answers [--calibrate | --calibrate-support] [--questions eval/heldout.toml]
        [--out eval/results/answers.json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

import kb  # noqa: F401  (offline model settings)
from cli.wiring import open_searcher
from eval.datasets import GoldQuestion, load_gold
from kb import answer
from kb.alternatives import quoted_in
from kb.answer import Answerer, Draft
from kb.citations import split_label
from kb.config import get_settings
from kb.generate import support
from kb.model import cites_within

HERE = Path(__file__).resolve().parent
OUT_OF_SCOPE = (HERE / "out_of_scope.toml", HERE / "out_of_scope_fresh.toml")
IN_SCOPE_FRESH = HERE / "in_scope_fresh.toml"
_SENTENCE = re.compile(r'^(?P<citation>.+?): "(?P<quote>.*)" \[(?P<markers>[\d, ]+)\]$')


@dataclass
class OutOfScope:
    id: str
    question: str
    kind: str
    split: str
    language: str = "en"


@dataclass
class InScope:
    id: str
    question: str
    document_id: str
    provision: str  # as the document numbers it: "art 7", "§ 1255(l)", "para VTS 3.1"

    def cited_by(self, draft: Draft) -> bool:
        """Cited: the provision itself, a part of it, or the provision it is part of (an answer citing
        "art 3" quotes art 3(b) as well)."""
        wanted = re.sub(r"^(?:art|§|s|para|section|rule)\s+", "", self.provision)
        designators = [
            label[1]
            for c in draft.citations
            if c.document_id == self.document_id and (label := split_label(c.citation))
        ]
        return any(d == wanted or wanted.startswith(d + "(") or d.startswith(wanted + "(") for d in designators)


def load_out_of_scope(paths: tuple[Path, ...] = OUT_OF_SCOPE) -> list[OutOfScope]:
    """The questions of `paths`; read together, each id is prefixed with its file's name, since sets
    written apart reuse ids ("xs01") and answers are kept by id."""
    entries = [(path, e) for path in paths for e in tomllib.loads(path.read_text(encoding="utf-8"))["question"]]
    qualified = len(paths) > 1
    return [
        # A set written without the kinds (absent_answer, absent_state, other_law) counts as one kind.
        OutOfScope(
            f"{path.stem}:{e['id']}" if qualified else e["id"],
            e["question"],
            e.get("kind", "unclassified"),
            e.get("split", "held-out"),
            e.get("language", "en"),
        )
        for path, e in entries
    ]


def load_in_scope(path: Path = IN_SCOPE_FRESH) -> list[InScope]:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["question"]
    return [InScope(e["id"], e["question"], e["document_id"], e["provision"]) for e in entries]


def treaties_only(draft: Draft) -> bool:
    """An answer that quotes no state's own law and opens by saying the corpus holds none of it."""
    return bool(draft.lead) and all(c.layer != "national" for c in draft.citations)


def sentence_supported(sentence: str, draft: Draft) -> bool:
    """A drafted sentence is supported when every passage it cites contains its quote verbatim."""
    match = _SENTENCE.match(sentence)
    if not match:
        return False
    numbers = [int(n) for n in match["markers"].split(",")]
    quote = match["quote"]
    return all(1 <= n <= len(draft.citations) and quoted_in(quote, draft.citations[n - 1].text) for n in numbers)


def cites_gold(draft: Draft, question: GoldQuestion) -> bool:
    """The answer cites an answering provision: a passage it cites, or the part of one a sentence
    quotes ("art 7(1)" of a passage cited "art 7"), lies within it."""
    cited = [(c.document_id, c.citation) for c in draft.citations]
    for lines in draft.by_jurisdiction.values():
        for match in filter(None, map(_SENTENCE.match, lines)):
            numbers = [int(n) for n in match["markers"].split(",") if 1 <= int(n) <= len(draft.citations)]
            cited += [(draft.citations[n - 1].document_id, match["citation"]) for n in numbers]
    return any(
        document_id == doc and cites_within(label, citation)
        for document_id, label in cited
        for doc, citation in question.relevant
    )


def gold_share(draft: Draft, question: GoldQuestion) -> float:
    """The share of an answer's citations that lie within an answering provision: a lower bound on
    how much of what it quotes is on point (a question's list of answering provisions is rarely all
    the law that bears on it)."""
    within = [
        any(c.document_id == doc and cites_within(c.citation, citation) for doc, citation in question.relevant)
        for c in draft.citations
    ]
    return sum(within) / len(within) if within else 0.0


def evaluate(
    answerer: Answerer, gold: list[GoldQuestion], out_of_scope: list[OutOfScope], fresh: list[InScope]
) -> dict:
    answerer.ask(gold[0].question)  # warm-up: model sessions, caches
    drafts = {q.id: answerer.ask(q.question, [q.jurisdiction] if q.jurisdiction else None) for q in gold}
    answered = [q for q in gold if not drafts[q.id].abstained]
    sentences = [(s, drafts[q.id]) for q in answered for lines in drafts[q.id].by_jurisdiction.values() for s in lines]
    scoped = [q for q in answered if q.jurisdiction]
    in_scope = {q.jurisdiction: set(answerer.searcher.in_scope([q.jurisdiction])) for q in scoped}
    outside = [
        q.id for q in scoped if any(c.document_id not in in_scope[q.jurisdiction] for c in drafts[q.id].citations)
    ]
    oos = {o.id: answerer.ask(o.question) for o in out_of_scope}
    fresh_drafts = {q.id: answerer.ask(q.question) for q in fresh}
    latency = sorted(d.took_ms for d in drafts.values())

    def abstained(items: list[OutOfScope], declines: Callable[[Draft], bool] = lambda d: d.abstained) -> float:
        return round(sum(declines(oos[o.id]) for o in items) / len(items), 3) if items else float("nan")

    return {
        "gold_questions": len(gold),
        "answer_recall": round(sum(cites_gold(drafts[q.id], q) for q in gold) / len(gold), 3),
        "citation_precision": round(sum(sentence_supported(s, d) for s, d in sentences) / max(len(sentences), 1), 4),
        "citations_on_gold": round(sum(gold_share(drafts[q.id], q) for q in answered) / max(len(answered), 1), 3),
        "citations_per_answer": round(sum(len(drafts[q.id].citations) for q in answered) / max(len(answered), 1), 2),
        "sentences": len(sentences),
        "jurisdiction_correctness": round(1 - len(outside) / max(len(scoped), 1), 4),
        "outside_scope": outside,
        "false_abstentions": round(sum(d.abstained for d in drafts.values()) / len(gold), 3),
        "falsely_abstained": [q.id for q in gold if drafts[q.id].abstained],
        "out_of_scope_questions": len(out_of_scope),
        "abstention_accuracy": abstained(out_of_scope),
        "abstention_by_split": {
            s: abstained([o for o in out_of_scope if o.split == s]) for s in sorted({o.split for o in out_of_scope})
        },
        "abstention_by_language": {
            lang: abstained([o for o in out_of_scope if o.language == lang])
            for lang in sorted({o.language for o in out_of_scope})
        },
        "abstention_by_kind": {
            k: abstained([o for o in out_of_scope if o.kind == k]) for k in sorted({o.kind for o in out_of_scope})
        },
        # A question about a state whose law the corpus lacks may be answered from the treaties binding
        # it alone, saying so: that declines the state's own law as an abstention does.
        "absent_state_declined": abstained(
            [o for o in out_of_scope if o.kind == "absent_state"], lambda d: d.abstained or treaties_only(d)
        ),
        "answered_out_of_scope": [o.id for o in out_of_scope if not oos[o.id].abstained],
        "fresh_in_scope_questions": len(fresh),
        "fresh_recall": round(sum(q.cited_by(fresh_drafts[q.id]) for q in fresh) / max(len(fresh), 1), 3),
        "fresh_false_abstentions": round(sum(d.abstained for d in fresh_drafts.values()) / max(len(fresh), 1), 3),
        "fresh_abstained": [q.id for q in fresh if fresh_drafts[q.id].abstained],
        "fresh_missed": [
            q.id for q in fresh if not fresh_drafts[q.id].abstained and not q.cited_by(fresh_drafts[q.id])
        ],
        "ask_p50_ms": round(statistics.median(latency), 1),
        "ask_p95_ms": round(latency[min(len(latency) - 1, round(0.95 * (len(latency) - 1)))], 1),
        "support": {
            "gold": {q.id: drafts[q.id].support for q in gold},
            "out_of_scope": {o.id: oos[o.id].support for o in out_of_scope},
        },
    }


def calibrate(answerer: Answerer, gold: list[GoldQuestion], out_of_scope: list[OutOfScope], console: Console) -> None:
    """Grid search of MIN_SIMILARITY: most tuning out-of-scope questions abstained on, with at most
    5 % false abstentions on the gold set."""
    tune = [o for o in out_of_scope if o.split == "tune"]
    answer.MIN_SIMILARITY = -1.0  # see every question's support
    gold_support = [answerer.ask(q.question, [q.jurisdiction] if q.jurisdiction else None).support for q in gold]
    tune_drafts = [answerer.ask(o.question) for o in tune]
    best = None
    for similarity in [x / 100 for x in range(20, 71, 2)]:
        false = sum(s["similarity"] < similarity for s in gold_support) / len(gold_support)
        caught = sum(d.abstained or d.support["similarity"] < similarity for d in tune_drafts) / len(tune_drafts)
        key = (false <= 0.05, caught, -false)
        if best is None or key > best[0]:
            best = (key, similarity, false, caught)
    assert best is not None
    _, similarity, false, caught = best
    console.print(
        f"MIN_SIMILARITY = {similarity:.2f}: "
        f"false abstentions {false:.3f} on the gold set, {caught:.3f} of the tuning out-of-scope questions abstained"
    )


def calibrate_support(answerer: Answerer, gold: list[GoldQuestion], console: Console) -> None:
    dense = answerer.searcher.query_embedder.dense
    right: list[tuple[float, float]] = []
    wrong: list[tuple[float, float]] = []
    for question in gold:
        draft = answerer.ask(question.question, [question.jurisdiction] if question.jurisdiction else None)
        if draft.abstained:
            continue
        texts = [f"{c.citation}\n{c.text}" for c in draft.citations]
        vectors = dense.encode(texts)
        for lines in draft.by_jurisdiction.values():
            for sentence in lines:
                match = _SENTENCE.match(sentence)
                if not match:
                    continue
                claim, number = match["quote"], int(match["markers"].split(",")[0])
                claim_vector = dense.encode([claim], "query")[0]
                for index, text in enumerate(texts, 1):
                    holds = quoted_in(claim, text)
                    if index != number and holds:
                        continue  # another passage holds it as well: not a wrong citation
                    scores = support(
                        claim, [text], [vectors[index - 1]], claim_vector, answerer.searcher.query_embedder.similarity
                    )
                    (right if index == number else wrong).append(scores)
    best = None
    # Quoted statements share every word with their passage, a model's sentence does not: the grid
    # stops at 0.8 so that one word in five may be the model's own (connectives, reworded verbs).
    for lexical in [x / 20 for x in range(0, 17)]:
        for embedding in [x / 20 for x in range(0, 21)]:
            kept = sum(a >= lexical and b >= embedding for a, b in right) / len(right)
            rejected = sum(a < lexical or b < embedding for a, b in wrong) / len(wrong)
            key = (kept >= 0.95, rejected, kept)
            if best is None or key > best[0]:
                best = (key, lexical, embedding, kept, rejected)
    assert best is not None
    _, lexical, embedding, kept, rejected = best
    console.print(
        f"MIN_LEXICAL_SUPPORT = {lexical:.2f}, MIN_EMBEDDING_SUPPORT = {embedding:.2f}: {kept:.3f} of "
        f"{len(right)} rightly cited statements kept, {rejected:.3f} of {len(wrong)} wrongly cited rejected"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--calibrate-support", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("eval/results/answers.json"))
    parser.add_argument(
        "--questions", type=Path, help="another question set in the gold set's form, e.g. eval/heldout.toml"
    )
    parser.add_argument(
        "--out-of-scope", type=Path, nargs="+", help="other out-of-scope sets, e.g. eval/heldout_xl_out_of_scope.toml"
    )
    args = parser.parse_args()
    console = Console()
    with open_searcher(get_settings()) as searcher:
        answerer = Answerer(searcher)
        gold = load_gold(args.questions) if args.questions else load_gold()
        out_of_scope = load_out_of_scope(tuple(args.out_of_scope)) if args.out_of_scope else load_out_of_scope()
        if args.calibrate:
            calibrate(answerer, gold, out_of_scope, console)
            return
        if args.calibrate_support:
            calibrate_support(answerer, gold, console)
            return
        results = evaluate(answerer, gold, out_of_scope, load_in_scope())
    table = Table("metric", "value", title="Draft answers (extractive drafter)")
    for name, value in results.items():
        if name != "support":
            table.add_row(name, str(value))
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
