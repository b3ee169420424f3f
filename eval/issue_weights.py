"""What the governing provisions of corpus/issues.toml weigh in a statement's ranking (kb/analyse.py),
counted over the development fact patterns on the configured index: per issue, the statements raising
it and those among them to which one of its provisions applied (`applied = [applied, raised]`); per
provision, the statements raising the issue in whose jurisdiction the provision holds, and those to
which it applied (`provisions_applied`). Some cues ("the police", "a court", "food") appear in many
stories whose law lies elsewhere; some provisions of an issue apply far more often than others.

    KB_DATA_DIR=... .venv/bin/python -m eval.issue_weights eval/facts_heldout.toml eval/facts_heldout2.toml ...

Prints the two fields per issue, to copy into corpus/issues.toml. Only fact sets already reported
may be given: a locked held-out set measures the counts, never sets them.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cli.wiring import open_searcher
from kb.analyse import governing_provisions, load_issues, raised_issues
from kb.config import get_settings
from kb.model import cites_overlap
from kb.query_language import query_language
from kb.retrieve import Searcher

# Locked: reported once, never counted.
LOCKED = (Path(__file__).resolve().parent / "facts_heldout26.toml",)


@dataclass
class Counts:
    applied: int = 0
    raised: int = 0
    provisions: dict[str, list[int]] = field(default_factory=dict)  # citation -> [applied, raised]


def _applies(citation: str, gold: list[str]) -> bool:
    return any(cites_overlap(citation, g) for g in gold)


def counts(searcher: Searcher, fact_files: list[Path]) -> dict[str, Counts]:
    found = {issue.id: Counts() for issue in load_issues()}
    # Each governing provision looked up once, for every statement.
    versions = {citation: searcher.cited_versions(citation) for issue in load_issues() for citation in issue.applies}
    for path in fact_files:
        for fact in tomllib.loads(path.read_text(encoding="utf-8"))["fact"]:
            text, gold, code = fact["statement"], fact["provisions"], fact.get("jurisdiction", "")
            language = query_language(text)
            for raised in raised_issues(text, language):
                issue = raised.issue
                tally = found[issue.id]
                tally.raised += 1
                tally.applied += any(_applies(named, gold) for named in issue.applies)
                for citation, hit in governing_provisions(issue, versions, code, language):
                    pair = tally.provisions.setdefault(citation, [0, 0])
                    pair[0] += _applies(hit.passage.citation, gold)
                    pair[1] += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("facts", type=Path, nargs="+")
    args = parser.parse_args()
    for path in args.facts:
        if path.resolve() in LOCKED:
            raise SystemExit(f"{path} is a held-out set in force: it is reported once, never counted")
    with open_searcher(get_settings()) as searcher:
        found = counts(searcher, args.facts)
    for issue in load_issues():
        tally = found[issue.id]
        held = [c for c in issue.applies if c in tally.provisions]
        pairs = ", ".join(f"{json.dumps(c, ensure_ascii=False)} = {tally.provisions[c]}" for c in held)
        print(f"[{issue.id}]\napplied = [{tally.applied}, {tally.raised}]\nprovisions_applied = {{ {pairs} }}\n")


if __name__ == "__main__":
    main()
