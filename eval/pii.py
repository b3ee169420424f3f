"""Personal data detection (kb/pii.py) on the team's fictional statements (tests/fixtures/pii):
recall and precision per language and kind.

    python -m eval.pii                                 # the team's fixtures (written beside kb/pii.py)
    python -m eval.pii --set eval/pii_heldout.toml     # held out: written by a helper who saw neither

An expected piece counts as found when a finding overlaps it (redaction hides it), and as typed
when that finding also has its kind; a finding that overlaps no expected piece is a false alarm.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from kb import pii

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pii" / "statements.toml"


def expected_spans(text: str, expected: list[list[str]]) -> list[tuple[str, int, int]]:
    spans = []
    for kind, piece in expected:
        start = text.find(piece)
        if start < 0:
            raise ValueError(f"{piece!r} is not in the statement")
        while start >= 0:
            spans.append((kind, start, start + len(piece)))
            start = text.find(piece, start + 1)
    return spans


def measure(path: Path = FIXTURES) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for statement in tomllib.loads(path.read_text(encoding="utf-8"))["statement"]:
        text, language = " ".join(statement["text"].split()), statement["language"]  # lines joined
        wanted = expected_spans(text, statement["expected"])
        found = pii.find(text, language)
        for key in ("all", language):
            row = rows.setdefault(key, {"expected": 0, "found": 0, "typed": 0, "findings": 0, "false": 0})
            row["expected"] += len(wanted)
            row["findings"] += len(found)
            for kind, start, end in wanted:
                hits = [f for f in found if f.start < end and start < f.end]
                row["found"] += bool(hits)
                row["typed"] += any(f.kind == kind for f in hits)
            row["false"] += sum(not any(f.start < e and s < f.end for _, s, e in wanted) for f in found)
    for row in rows.values():
        row["recall"] = row["found"] / row["expected"]
        row["typed_recall"] = row["typed"] / row["expected"]
        row["precision"] = 1 - row["false"] / row["findings"] if row["findings"] else 1.0
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=FIXTURES, help="A TOML file of statements.")
    args = parser.parse_args()
    print(f"{'set':5} {'expected':>8} {'recall':>7} {'typed':>7} {'precision':>9}")
    for key, row in measure(args.set).items():
        print(f"{key:5} {row['expected']:8.0f} {row['recall']:7.3f} {row['typed_recall']:7.3f} {row['precision']:9.3f}")


if __name__ == "__main__":
    main()
