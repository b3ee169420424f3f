"""A provision governing an issue weighs by how often it applied where the issue was raised and it held,
smoothed towards its issue's share; an issue weighs more for each sentence raising it."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.issue_weights import LOCKED, counts, main
from kb.analyse import PRIOR_STATEMENTS, SENTENCE_WEIGHT, Issue, load_issues, provision_weight, raised_issues


def _facts(path: Path, facts: list[tuple[str, str, list[str]]]) -> Path:
    entries = [
        f'[[fact]]\nid = "f{i}"\njurisdiction = "{code}"\nstatement = """{statement}"""\n'
        + f"provisions = {provisions!r}\n".replace("'", '"')
        for i, (code, statement, provisions) in enumerate(facts)
    ]
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def test_counts_which_governing_provisions_applied_where_they_held(tmp_path, corpus_searcher):
    passport = "He took my passport and kept it in his safe."
    doctor = "I saw a doctor once."
    facts = _facts(
        tmp_path / "facts.toml",
        [
            ("US", f"{passport} {doctor}", ["18 U.S.C. § 1592(a)"]),  # the passport's US law applied
            ("US", f"{passport} {doctor}", ["18 U.S.C. § 1592"]),
            ("US", passport, ["Palermo Protocol, art 3(a)"]),
        ],
    )
    found = counts(corpus_searcher, [facts])
    documents = found["withheld_documents"]
    assert (documents.applied, documents.raised) == (3, 3)
    assert documents.provisions["18 U.S.C. § 1592"] == [2, 3]
    assert documents.provisions["Palermo Protocol, art 3(a)"] == [1, 3]
    assert "ECHR, art 4" not in documents.provisions  # it does not bind the United States
    assert (found["assistance"].applied, found["assistance"].raised) == (0, 2)
    assert found["legal_aid"].raised == 0


def test_a_provision_that_applied_more_often_weighs_more_and_an_uncounted_one_weighs_its_issues_share():
    template = load_issues()[0]
    issue = Issue(
        "test", "Test", "right", "query", template.pattern, ("A", "B", "C"), (10, 20), {"A": (9, 10), "B": (0, 10)}
    )
    often, never, uncounted = (provision_weight(issue, c, 0) for c in ("A", "B", "C"))
    assert often > uncounted > never
    # With no count of its own, a provision weighs its issue's share, discounted by position.
    assert provision_weight(issue, "C", 3) < uncounted
    # Ten statements without it pull it from its issue's share as far as PRIOR_STATEMENTS allow.
    assert never == pytest.approx(uncounted * PRIOR_STATEMENTS / (PRIOR_STATEMENTS + 10))


def test_an_issue_raised_by_more_sentences_weighs_more():
    once = raised_issues("He took my passport. I cleaned the house.")
    twice = raised_issues("He took my passport. Later his wife kept my documents.")
    (one,) = [r for r in once if r.issue.id == "withheld_documents"]
    (two,) = [r for r in twice if r.issue.id == "withheld_documents"]
    assert two.weight == one.weight * (1 + SENTENCE_WEIGHT)


def test_a_locked_fact_set_is_never_counted(monkeypatch):
    monkeypatch.setattr("sys.argv", ["issue_weights", str(LOCKED[0])])
    with pytest.raises(SystemExit, match="held-out set in force"):
        main()
