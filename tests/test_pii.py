"""Personal data in client documents (kb/pii.py): found in English, German and Dutch, redacted by kind."""

from __future__ import annotations

import pytest

from kb import pii


def test_personal_data_is_redacted_by_its_kind_and_the_rest_kept():
    text = (
        "My name is Grace Adebayo, born 4 June 1998. Write to grace.a@example.org or call +44 7700 900222. "
        "Section 45 of the Act protects her; she arrived on 3 May 2023."
    )
    redacted = pii.redact(text)
    assert "Grace Adebayo" not in redacted and "[PERSON]" in redacted
    assert "[DATE_OF_BIRTH]" in redacted and "[EMAIL_ADDRESS]" in redacted and "[PHONE_NUMBER]" in redacted
    assert "Section 45 of the Act" in redacted and "3 May 2023" in redacted  # not personal data


@pytest.mark.parametrize(
    ("language", "text", "kind", "piece"),
    [
        ("de", "Frau Costa wohnt in der Bahnhofstraße 4, 50667 Köln.", "ADDRESS", "Bahnhofstraße 4, 50667 Köln"),
        ("de", "Sein Pass mit der Nummer C01X00T47 liegt beim Arbeitgeber.", "ID_NUMBER", "C01X00T47"),
        ("nl", "Mevrouw Abena Mensah is geboren op 12-01-2002.", "DATE_OF_BIRTH", "12-01-2002"),
        ("nl", "Het loon ging naar NL91 ABNA 0417 1643 00.", "IBAN_CODE", "NL91 ABNA 0417 1643 00"),
        ("de", "Die Zeugin Frau Mariana Costa sagte aus.", "PERSON", "Mariana Costa"),
        ("de", "Er ist Schweizer, AHV-Nr. 756.4821.3390.13, wohnhaft in Zürich.", "ID_NUMBER", "756.4821.3390.13"),
        ("nl", "Haar rijksregisternummer is 95.04.12-348.54 volgens de politie.", "ID_NUMBER", "95.04.12-348.54"),
    ],
)
def test_each_kind_is_found_in_german_and_dutch(language: str, text: str, kind: str, piece: str):
    found = {(f.kind, text[f.start : f.end]) for f in pii.find(text, language)}
    assert (kind, piece) in found


def test_capitalised_german_and_dutch_words_are_not_taken_for_names():
    assert not pii.looks_like_a_name("Mein Name") and not pii.looks_like_a_name("Reisepass Nr")
    assert not pii.looks_like_a_name("Personalausweis") and not pii.looks_like_a_name("Mijn naam")
    assert pii.looks_like_a_name("Olumide Bakare") and pii.looks_like_a_name("Pieter de Vries")
    statement = "Mein Name ist unwichtig. Meine Telefonnummer habe ich nicht. Ihr Lohn wurde nie gezahlt."
    assert [f for f in pii.find(statement, "de") if f.kind == "PERSON"] == []


def test_the_teams_fixtures_are_found_with_recall_at_least_0_95():
    from eval.pii import measure

    assert measure()["all"]["recall"] >= 0.95


@pytest.mark.parametrize(
    ("language", "text", "piece"),
    [
        ("en", "She shared a flat with her cousin Wanjiru and two others.", "Wanjiru"),
        ("en", "Kind regards, Tomasz Wieczorek", "Tomasz Wieczorek"),
        ("de", "Sehr geehrter Herr Dr. Lindqvist, wir vertreten die Betroffene.", "Lindqvist"),
        ("de", "Sein Kollege Bogdan arbeitete ebenfalls auf dem Hof.", "Bogdan"),
        ("nl", "Zij woont tijdelijk bij haar zus Nkechi in Zwolle.", "Nkechi"),
        ("nl", "Namens de staatssecretaris, P. Bakhuizen", "P. Bakhuizen"),
        ("nl", "[04-02-2024 21:10] Sorin: je moet vanavond werken", "Sorin"),
        # no word introduces these: the given name does
        ("de", "Im Keller schliefen wir zu dritt. Kemal sagte mir, dass ich gehen soll.", "Kemal"),
        ("nl", "Het geld ging elke week naar Florin en zijn broer.", "Florin"),
        ("en", "WITNESS STATEMENT OF KWAME ASANTE-BOATENG", "KWAME ASANTE-BOATENG"),
        ("en", "We slept in Farid's van behind the depot.", "Farid's"),
        ("de", "Die Miete ging an Adrian Munteanu, der das Haus vermietet.", "Adrian Munteanu"),
    ],
)
def test_a_name_is_found_after_the_words_that_introduce_one_or_by_its_given_name(language: str, text: str, piece: str):
    found = {text[f.start : f.end] for f in pii.find(text, language) if f.kind == "PERSON"}
    assert piece in found


def test_a_name_found_once_is_found_where_its_words_recur():
    text = "The recruiter, Mr Ilie Vasilescu, kept the passports. Later Vasilescu drove them to the farm."
    spans = [text[f.start : f.end] for f in pii.find(text, "en") if f.kind == "PERSON"]
    assert spans.count("Vasilescu") == 1 and "Ilie Vasilescu" in spans


def test_dates_and_roles_are_not_taken_for_phone_numbers_or_names():
    text = "[05-03-2024 08:15] Client: ik ben ziek. Het gesprek vond plaats op 05.03.2024."
    found = [(f.kind, text[f.start : f.end]) for f in pii.find(text, "nl")]
    assert not any(kind == "PHONE_NUMBER" for kind, _ in found)
    assert ("PERSON", "Client") not in found


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Will the Home Office decide soon? Hope is all she has left."),
        ("de", "Im Winter war die Lage im Lager ernst, Mark und Euro gab es keine."),
        ("nl", "Dan kwam de politie. Elke dag werkte ik twaalf uur, Alleen op zondag niet."),
    ],
)
def test_given_names_that_are_ordinary_words_are_not_taken_for_names(language: str, text: str):
    assert [text[f.start : f.end] for f in pii.find(text, language) if f.kind == "PERSON"] == []
