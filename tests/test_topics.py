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
