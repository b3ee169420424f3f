"""An issue weighs by how often its provisions applied where its cues appeared, and by how many of a
statement's sentences raise it."""

from __future__ import annotations

from pathlib import Path

from eval.issue_weights import shares, weights
from kb.analyse import SENTENCE_WEIGHT, raised_issues


def _facts(path: Path, facts: list[tuple[str, list[str]]]) -> Path:
    entries = [
        f'[[fact]]\nid = "f{i}"\nstatement = """{statement}"""\nprovisions = {provisions!r}\n'.replace("'", '"')
        for i, (statement, provisions) in enumerate(facts)
    ]
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def test_an_issue_whose_provisions_applied_where_it_was_raised_weighs_more(tmp_path):
    passport = "He took my passport and kept it in his safe."
    doctor = "I saw a doctor once."
    facts = _facts(
        tmp_path / "facts.toml",
        [
            (f"{passport} {doctor}", ["18 U.S.C. § 1592(a)"]),  # the passport's law applied, the doctor's did not
            (f"{passport} {doctor}", ["18 U.S.C. § 1592"]),
            (passport, ["CETS No 197, art 20"]),
        ],
    )
    found = shares([facts])
    assert found["withheld_documents"] == (3 + 1) / (3 + 2)
    assert found["assistance"] == (0 + 1) / (2 + 2)
    assert found["legal_aid"] == 0.5  # never raised: no evidence either way
    weighed = weights([facts])
    assert weighed["withheld_documents"] > weighed["legal_aid"] > weighed["assistance"]


def test_an_issue_raised_by_more_sentences_weighs_more():
    once = raised_issues("He took my passport. I cleaned the house.")
    twice = raised_issues("He took my passport. Later his wife kept my documents.")
    (one,) = [r for r in once if r.issue.id == "withheld_documents"]
    (two,) = [r for r in twice if r.issue.id == "withheld_documents"]
    assert two.weight == one.weight * (1 + SENTENCE_WEIGHT)
