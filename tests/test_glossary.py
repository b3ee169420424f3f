"""The field's concepts across languages (corpus/glossary.toml), read from questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.glossary import SEARCHED_TERMS, fold, load_glossary, translations


@pytest.mark.parametrize(
    ("question", "language", "concepts"),
    [
        ("¿Puede una víctima de trata quedarse si declara como testigo?", "es", {"trafficking in persons", "victim"}),
        ("Les victimes de la traite ont-elles droit à un titre de séjour ?", "fr", {"victim", "residence permit"}),
        ("Czy ofiara handlu ludźmi dostanie zezwolenie na pobyt?", "pl", {"trafficking in persons", "victim"}),
        ("Nạn nhân buôn người có được ở lại không?", "vi", {"trafficking in persons", "victim"}),
        ("هل يحق لضحايا الاتجار بالبشر الحصول على تعويض؟", "ar", {"trafficking in persons", "compensation"}),
        ("Чи може жертва торгівлі людьми отримати компенсацію?", "uk", {"victim", "compensation"}),
        ("Pwede bang manatili ang biktima kung tumestigo siya?", "tl", {"victim", "criminal proceedings"}),
        ("Le ragazze africane vengono trattate peggio delle altre vittime", "it", {"without discrimination"}),
        ("Werden ausländische Opfer benachteiligt?", "de", {"without discrimination"}),
        ("Pot să depun plângere acum, după ce m-am întors acasă?", "ro", {"resident in another Member State"}),
        ("Il est entré illégalement avec un faux passeport, peut-il être puni ?", "fr", {"illegal entry or presence"}),
        ("Mi hanno costretto a vendere un rene", "it", {"organ removal"}),
        ("Czy schronisko może odmówić ofierze, która nie chce zeznawać?", "pl", {"not made conditional"}),
        ("Mój mąż pracował za 3 euro na godzinę", "pl", {"particularly exploitative working conditions"}),
        ("Kailangan daw nilang i-report sa Home Office na biktima ako", "tl", {"duty to notify"}),
        ("Ele pode ter acesso aos mesmos benefícios que um refugiado?", "pt", {"benefits and services"}),
        ("Czy prokuratura może ścigać, jeśli ofiara się boi i je wycofa?", "pl", {"withdrawn his or her statement"}),
    ],
)
def test_a_questions_concepts_are_found_in_its_own_language(question: str, language: str, concepts: set[str]):
    assert concepts <= set(translations(question, language, ["en"])["en"])


def test_inflected_and_joined_forms_match_and_accents_may_be_missing():
    assert "compensation" in translations("despagubiri pentru victime", "ro", ["en"])["en"]  # no diacritics
    assert "victim" in translations("ofiarami", "pl", ["en"])["en"]  # "ofiar*": an inflected form
    assert "victim" in translations("للضحايا", "ar", ["en"])["en"]  # a preposition joined to the word


def test_a_polish_l_typed_without_its_stroke_is_read_as_the_same_word():
    assert fold("Zgłosić", "pl") == "zglosic"
    assert "duty to notify" in translations("policja musi mnie zglosic do Home Office", "pl", ["en"])["en"]


def test_vietnamese_keeps_its_marks():
    assert fold("Nạn nhân", "vi") == "nạn nhân"
    assert fold("Víctima", "es") == "victima"
    # A question with marks means what its marks say: "nan nhan" there is other words.
    assert not translations("Tôi là nan nhan", "vi", ["en"])


def test_a_vietnamese_question_typed_without_marks_reads_terms_of_several_words():
    found = translations("toi la nan nhan buon nguoi, bi ep lam viec", "vi", ["en"])["en"]
    assert {"victim", "trafficking in persons", "forced labour"} <= set(found)
    # One syllable without marks is too often another word: "no" (full) is not "nợ" (a debt).
    assert "debt bondage" not in translations("toi an no roi", "vi", ["en"]).get("en", [])


def test_an_english_question_reads_dutch_and_german_in_their_terms_and_no_term_twice():
    found = translations("What sentence do traffickers get for forced labour?", "en", ["nl", "de"])
    assert set(found) == {"nl", "de"}
    assert "mensenhandel" in found["nl"] and "Zwangsarbeit" in found["de"]
    assert all(len(terms) == len(set(terms)) for terms in found.values())


def test_in_its_own_language_a_question_gets_the_statutory_words_for_its_lay_ones():
    own = translations("Er lässt sie in einer Wohnung Freier empfangen.", "de", ["de", "en"])
    assert "Zwangsprostitution" in own["de"] and "forced prostitution" in own["en"]
    # A concept the question already names in the statute's words adds nothing in its language.
    assert "de" not in translations("Ist Zwangsprostitution strafbar?", "de", ["de", "en"])


def test_a_word_inside_another_is_not_the_concept():
    assert not translations("The pastrami sandwich", "en", ["de"])  # "trafficking" is not in it either
    assert "Asyl" not in translations("the asylums of the nineteenth century", "en", ["de"]).get("de", [])


def test_only_a_concepts_first_terms_are_searched(tmp_path: Path):
    (tmp_path / "glossary.toml").write_text(
        '[[concept]]\nen = ["alpha", "beta", "gamma", "delta"]\nes = ["alfa*"]\n', encoding="utf-8"
    )
    glossary = load_glossary(tmp_path / "glossary.toml")
    found = translations("un alfabeto", "es", ["en"], glossary)["en"]  # "alfa*" matches a word beginning
    assert found == ["alpha", "beta", "gamma", "delta"][:SEARCHED_TERMS]  # the file's order: statutory words first


def test_an_english_question_about_a_forced_offence_or_danger_on_return_reads_the_general_rule():
    # Duress excuses in the criminal codes' own words (§ 35 StGB, art. 40 Sr); a danger to life on
    # return is the Residence Act's deportation ban.
    duress = translations("She committed a crime because she was forced to deal drugs", "en", ["de", "nl"])
    assert "entschuldigender Notstand" in duress["de"] and "overmacht" in duress["nl"]
    danger = translations("the network will kill her if she's deported to Nigeria", "en", ["de"])
    assert "Abschiebungsverbot" in danger["de"]
    assert "Abschiebungsverbot" not in translations("she was deported last year", "en", ["de"]).get("de", [])
