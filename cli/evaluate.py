"""`kb eval`: retrieval quality beside the baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.console import fail, out
from kb.config import get_settings


def evaluate(
    gold: Annotated[bool, typer.Option(help="Run the team's gold set (eval/gold_questions.toml).")] = True,
    questions: Annotated[
        Path | None,
        typer.Option(help="Another question set in the gold set's form instead, e.g. the held-out eval/heldout.toml."),
    ] = None,
    bench: Annotated[bool, typer.Option(help="Run the external benchmarks (../shared/bench).")] = True,
    split: Annotated[str, typer.Option(help="Benchmark split: dev (for tuning) or test (to report).")] = "dev",
    output: Annotated[
        Path | None, typer.Option("--out", help="JSON results; default eval/results/eval-<split>.json.")
    ] = None,
) -> None:
    """Retrieval quality (Recall@k, MRR@10, nDCG@10, MAP@10) beside BM25, dense and Haystack-tutorial baselines."""
    from eval.run import EvalError
    from eval.run import main as run_eval

    if split not in ("dev", "test"):
        fail(f"The split must be dev or test, got {split!r}.")
    if questions and not gold:
        fail("--questions runs a question set in place of the gold set; --no-gold would skip it.")
    if not gold and not bench:
        fail("Nothing to run: --no-gold and --no-bench skip both the questions and the benchmarks.")
    try:
        run_eval(get_settings(), gold, bench, split, output, out, questions)
    except EvalError as error:
        fail(error)
