"""How much each issue of corpus/issues.toml weighs in a statement's ranking (kb/analyse.py): the
share of the development fact patterns raising it in which one of the provisions it names applies,
smoothed ((applied + 1) / (raised + 2)) and divided by the mean over the issues. Some cues ("the
police", "a court", "food") appear in many stories whose law is elsewhere; those issues weigh less.

    .venv/bin/python -m eval.issue_weights eval/facts_heldout.toml eval/facts_heldout2.toml ...

Prints `weight = ...` per issue, to copy into corpus/issues.toml. Only fact sets already reported
may be given: a locked held-out set measures the weights, never sets them.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from kb.analyse import load_issues, raised_issues
from kb.model import cites_within
from kb.query_language import query_language


def shares(fact_files: list[Path]) -> dict[str, float]:
    """Per issue, the smoothed share of the statements raising it to which a provision it names applies."""
    raised: dict[str, int] = {}
    applied: dict[str, int] = {}
    for path in fact_files:
        for fact in tomllib.loads(path.read_text(encoding="utf-8"))["fact"]:
            text = fact["statement"]
            for found in raised_issues(text, query_language(text)):
                issue = found.issue
                raised[issue.id] = raised.get(issue.id, 0) + 1
                applies = any(
                    cites_within(named, gold) or cites_within(gold, named)
                    for named in issue.applies
                    for gold in fact["provisions"]
                )
                applied[issue.id] = applied.get(issue.id, 0) + applies
    return {issue.id: (applied.get(issue.id, 0) + 1) / (raised.get(issue.id, 0) + 2) for issue in load_issues()}


def weights(fact_files: list[Path]) -> dict[str, float]:
    found = shares(fact_files)
    mean = sum(found.values()) / len(found)
    return {issue_id: round(share / mean, 2) for issue_id, share in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("facts", type=Path, nargs="+")
    args = parser.parse_args()
    for issue_id, weight in weights(args.facts).items():
        print(f"[{issue_id}] weight = {weight}")


if __name__ == "__main__":
    main()
