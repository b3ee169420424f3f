"""Topic tagging from corpus/topics.toml."""

from kb.topics import load_topics, topics_for


def test_taxonomy_has_the_sixteen_victim_rights_topics_with_descriptions():
    topics = load_topics()
    assert len(topics) == 16
    assert all(topic.label and topic.description for topic in topics)
    assert {"reflection_period", "non_punishment", "compensation", "child_victims"} <= {t.id for t in topics}


def test_terms_match_word_beginnings_and_headings_count_double():
    found = topics_for("Recovery and reflection period", "Each Party shall provide a period of at least 30 days.")
    assert "reflection_period" in found
    # "compensat" style prefixes match inflections; an unrelated provision gets no topic.
    assert "compensation" in topics_for("", "The victim may claim compensation from the offender.")
    assert topics_for("Signature", "This Protocol shall be open for signature by all States.") == []
    # Broad topics need two mentions: one passing word is not enough.
    assert "assistance_support" not in topics_for("", "The Secretary may request assistance from other agencies.")
    assert "assistance_support" in topics_for("Assistance to victims", "Victims receive medical care and shelter.")


def test_key_terms_tag_and_mark_a_provision_as_about_the_topic():
    topics = {t.id: t for t in load_topics()}
    palermo_7 = "Each State Party shall consider measures that permit victims to remain in its territory, temporarily."
    assert "temporary_residence" in topics_for("Status of victims in receiving States", palermo_7)
    assert topics["temporary_residence"].has_key_term("Status of victims", palermo_7)
    continued = "The Secretary may permit the alien to remain in the United States."
    assert topics["reflection_period"].has_key_term("Authority to permit continued presence", continued)
    # a topic's ordinary terms tag a provision without making it a key one
    assert "temporary_residence" in topics_for("", "A nonimmigrant worker may be admitted for a season.")
    assert not topics["temporary_residence"].has_key_term("", "A nonimmigrant worker may be admitted for a season.")
    assert topics["child_victims"].key_pattern is None


def test_a_taxonomy_change_changes_its_digest(tmp_path):
    from kb.topics import TOPICS_FILE, taxonomy_digest

    copy = tmp_path / "topics.toml"
    copy.write_text(TOPICS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    before = taxonomy_digest(copy)
    assert before == taxonomy_digest(TOPICS_FILE)
    copy.write_text(copy.read_text(encoding="utf-8").replace('"asylum"]', '"asylum", "haven"]'), encoding="utf-8")
    assert taxonomy_digest(copy) != before
