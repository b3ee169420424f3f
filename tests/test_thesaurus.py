"""Lay words to statutory terms (corpus/thesaurus.toml)."""

from __future__ import annotations

import pytest

from kb.thesaurus import expansions, load_thesaurus


def test_every_entry_says_and_means_something_and_names_known_jurisdictions():
    terms = load_thesaurus()
    assert len(terms) >= 30
    for term in terms:
        assert term.says and term.means and all(s.strip() for s in (*term.says, *term.means))
        assert term.jurisdictions <= {"US", "GB", "DE", "NL", "CA", "UN", "COE", "EU"}


def test_lay_words_bring_the_statutes_terms_once_and_not_those_already_asked():
    assert expansions("T visa holder applying for a green card") == [
        "lawful permanent resident",
        "adjustment of status",
        "T nonimmigrant",
        "101(a)(15)(T)",
    ]
    assert expansions("legal aid or a free lawyer?") == [
        "legal assistance",
        "legal counselling",
        "legal representation",
        "free of charge",
    ]
    assert expansions("who is a refugee") == []


def test_whole_words_only_and_any_case():
    assert expansions("the nrm decision") == ["National Referral Mechanism"]
    assert expansions("kidnapping") == []  # not "kid"
    assert expansions("a strasbourg judgment") == ["European Court of Human Rights"]
    assert expansions("can we sue him") == ["civil action", "civil proceedings", "damages"]
    assert expansions("an issue of fact") == []  # not "sue"


def test_a_victims_story_brings_the_rule_that_answers_it():
    assert "not to impose penalties" in expansions("can I go to prison for things they forced me to do?")
    assert "release or escape" in expansions("will anyone tell me if he gets out of prison")
    assert "absence of the public" in expansions("is my refugee hearing open to the public?")
    assert "withholds" in expansions("my boss is holding my passport")
    assert "not made conditional" in expansions("the shelter will keep her only if she testifies")
    assert "not made conditional" not in expansions("will they tell anyone, or only if they refuse me?")


def test_one_lay_phrase_means_each_jurisdictions_own_term():
    assert "inreisverbod" in expansions("can they give her an entry ban?", ["NL"])
    assert "ban on entry and residence" in expansions("can they give her an entry ban?", ["DE"])
    assert "inreisverbod" not in expansions("can they give her an entry ban?", ["DE"])
    assert "plea bargain" in expansions("nobody told me about the plea deal", ["US"])
    assert "dependent child" in expansions("her son is here with her, can he get leave as well?", ["GB"])
    assert "dependent child" not in expansions("her son is here with her, can he get leave as well?", ["CA"])


@pytest.mark.parametrize(
    ("asked", "expected"), [([], ["temporary resident permit"]), (["CA"], ["temporary resident permit"]), (["DE"], [])]
)
def test_a_term_of_one_jurisdiction_applies_unless_the_search_is_filtered_to_others(asked, expected):
    assert expansions("can she get a TRP", asked) == expected
