"""Searching across languages on a small library the team wrote: a statute in German with its
English translation, and a treaty printed in English and Dutch (tests/fixtures_europe)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.pipeline import Indexer
from kb.jurisdictions import load_jurisdictions
from kb.query_language import query_language
from kb.retrieve import Searcher, SearchFilters
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex

LIBRARY = Path(__file__).resolve().parent / "fixtures_europe"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory, passage_embedder, query_embedder):
    folder = tmp_path_factory.mktemp("europe")
    shutil.copytree(LIBRARY, folder / "docs")
    index = LiveIndex(EdgeDocumentStore(folder / "shard"), DocumentRegistry(EdgeDocumentStore(folder / "registry")))
    report = Indexer(index, passage_embedder).ingest([folder / "docs"])
    assert not report.skipped and len(report.indexed) == 3
    yield Searcher(index, query_embedder, [])
    index.close()


def _first(searcher: Searcher, query: str, **filters) -> list:
    return searcher.search(query, SearchFilters(**filters), limit=3).hits


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Puede una víctima de trata quedarse en el país si declara como testigo?", "es"),
        ("Nạn nhân buôn người có được ở lại nếu làm chứng không?", "vi"),
        ("Kann ein Opfer von Menschenhandel eine Aufenthaltserlaubnis bekommen?", "de"),
        ("T visa", "en"),  # too short to tell: the corpus's main language
        ("§ 232 StGB", "en"),
    ],
)
def test_a_querys_language_is_detected(text: str, language: str):
    assert query_language(text) == language


def test_a_question_in_another_language_finds_the_provision_in_any(searcher: Searcher):
    response = searcher.search("¿Puede una víctima de trata quedarse en el país si declara como testigo?", limit=3)
    assert response.hits[0].passage.document_id.startswith("musterg")
    assert response.hits[0].passage.citation in {"MusterG, s 2", "§ 2 MusterG"}
    # No Spanish text: the keyword leg reads the English texts for the question's concepts
    # (corpus/glossary.toml: "trata" -> "trafficking in persons"), and the answer says so.
    assert response.languages == {"query": "es", "bm25": ["en"], "dense": ["all"]}
    assert {"trafficking in persons", "victim", "residence permit"} <= set(response.also_searched)


def test_a_provision_shows_its_other_language_version(searcher: Searcher):
    hits = _first(searcher, "residence permit for a trafficking victim needed as a witness", languages=["en"])
    english = next(h for h in hits if h.passage.document_id == "musterg-en")
    assert english.passage.citation == "MusterG, s 2"
    assert english.parallel is not None
    assert english.parallel["citation"] == "§ 2 MusterG"
    assert english.parallel["citations"] == ["§ 2 MusterG"]  # each provision it shows, as `kb eval` counts them
    assert english.parallel["relation"] == "authentic German text"
    assert "Aufenthaltserlaubnis" in english.parallel["text"]
    german = _first(searcher, "Aufenthaltserlaubnis für Opfer von Menschenhandel als Zeuge", languages=["de"])[0]
    assert german.passage.citation == "§ 2 MusterG"
    assert german.parallel and german.parallel["relation"] == "English translation"
    assert german.as_json()["parallel"]["citation"] == "MusterG, s 2"


def test_the_keyword_leg_reads_the_querys_own_language(searcher: Searcher):
    response = searcher.search("Aufenthaltserlaubnis für Opfer von Menschenhandel", limit=3)
    assert response.languages["bm25"] == ["de", "en"]  # its own words, then its concepts in English
    assert response.hits[0].passage.language == "de"


def test_an_english_question_naming_a_state_reads_its_law_in_the_states_language(searcher: Searcher):
    named = searcher.search("residence permit for trafficking victims in Germany", limit=3)
    assert named.languages["bm25"] == ["en", "de"]
    assert {"Menschenhandel", "Opfer", "Aufenthaltserlaubnis"} <= set(named.also_searched)
    unnamed = searcher.search("residence permit for trafficking victims", limit=3)
    assert unnamed.languages["bm25"] == ["en"]  # no state named: English only, as before


def test_a_parallel_translation_is_searched_in_its_own_language_only(searcher: Searcher):
    english = searcher.search("free legal aid and an interpreter for victims", limit=10)
    assert english.hits and all(h.passage.language != "nl" for h in english.hits)
    dutch = searcher.search("kosteloze rechtsbijstand en een tolk voor slachtoffers", limit=3)
    assert dutch.languages["bm25"][0] == "nl"
    assert dutch.hits[0].passage.language == "nl" and dutch.hits[0].passage.text_role == "parallel"


def test_the_languages_searched_are_said_in_json(searcher: Searcher, tmp_path: Path):
    payload = searcher.search("Wet over opvang van slachtoffers van mensenhandel", limit=1).as_json()
    assert set(payload["languages"]) == {"query", "bm25", "dense"}


def test_an_answer_in_another_language_keeps_its_quotes_and_frames_them_in_that_language(searcher: Searcher):
    from kb.answer import Answerer

    draft = Answerer(searcher).ask("¿Puede una víctima de trata quedarse en Alemania si declara como testigo?")
    assert not draft.abstained
    assert draft.answer.startswith("Alemania (DE), su propio derecho y los tratados que la vinculan:")
    quoted = {c.citation: c for c in draft.citations}
    assert quoted and set(quoted) <= {"MusterG, s 2", "§ 2 MusterG", "MusterG, s 3", "§ 3 MusterG"}
    assert all(c.text in searcher.passage(c.id).text for c in draft.citations)  # never translated


def test_a_question_in_another_language_outside_the_field_is_abstained_on(searcher: Searcher):
    from kb.answer import Answerer

    draft = Answerer(searcher).ask("Mój mąż nie płaci alimentów na dzieci, co mogę zrobić?")
    assert draft.abstained
    assert draft.answer.startswith("Pytanie wykracza poza zakres korpusu")


def test_the_dense_model_reads_queries_and_passages_each_its_own_way(dense_encoder):
    from kb.embed import similarity

    text = "residence permit for victims of trafficking"
    as_query, as_passage = dense_encoder.encode([text], "query")[0], dense_encoder.encode([text], "passage")[0]
    assert not (as_query == as_passage).all()  # e5 reads "query: " and "passage: " apart
    passages = dense_encoder.encode(
        [
            "A foreigner who has been the victim of trafficking is granted a temporary residence permit.",
            "The tax on capital gains is due on the sale of a second home.",
        ]
    )
    spanish = dense_encoder.encode(["¿Puede una víctima de trata obtener un permiso de residencia?"], "query")[0]
    on_topic, off_topic = (similarity(dense_encoder, spanish, p) for p in passages)
    assert on_topic > off_topic
    assert on_topic >= 0.30 > off_topic  # the answer's floor, on the common scale, tells them apart


@pytest.mark.parametrize("query", ["§ 2 MusterG", "§ 2 Abs. 1 MusterG", "MusterG s 2", "section 2 MusterG"])
def test_a_citation_in_either_form_finds_the_provision_in_both_versions(searcher: Searcher, query: str):
    cited = [h.passage.citation for h in searcher.search(query, limit=3).hits if h.match == "citation"]
    assert sorted(cited) == ["MusterG, s 2", "§ 2 MusterG"]


def test_an_english_answer_quotes_the_authentic_text_with_the_translation_beside_it(searcher: Searcher):
    from eval.answers import sentence_supported
    from kb.answer import Answerer

    draft = Answerer(searcher).ask("Can a victim of trafficking stay in Germany while the criminal case runs?")
    lines = draft.by_jurisdiction["DE"]
    authentic = [i for i, line in enumerate(lines) if line.startswith("§ 2 MusterG (authentic German text): ")]
    translation = [i for i, line in enumerate(lines) if line.startswith("MusterG, s 2 (English translation): ")]
    assert authentic and translation and authentic[0] == translation[0] - 1  # the original first, its translation next
    assert sum(line.startswith(("§ 2 MusterG", "MusterG, s 2")) for line in lines) == len(authentic) + len(translation)
    cited = {c.citation: c for c in draft.citations}
    assert cited["§ 2 MusterG"].document_id == "musterg-de" and cited["MusterG, s 2"].document_id == "musterg-en"
    assert all(sentence_supported(line, draft) for line in lines)  # each quote is in the source it cites


def test_a_cited_paragraph_only_the_other_language_numbers_is_found_in_the_provision_holding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, passage_embedder, query_embedder
):
    """A treaty's Dutch text numbers paragraphs its English text holds in one passage: asked in
    English for "art 3(2)", the English article is found, not nothing."""
    import json

    import ingest.passages

    monkeypatch.setattr(ingest.passages, "MAX_PART_CHARS", 300)
    english = "Each Party shall give victims a place to stay and medical care while they recover. " * 3
    dutch = (
        "1. Iedere Partij biedt slachtoffers een verblijfplaats tijdens hun herstel, zolang dat nodig is voor hun "
        "veiligheid en gezondheid, en zorgt dat zij daar niet worden gevonden door wie hen heeft uitgebuit.\n\n"
        "2. Iedere Partij biedt slachtoffers medische zorg en psychologische hulp, ook wanneer zij niet met de "
        "autoriteiten samenwerken of geen verblijfsvergunning hebben aangevraagd."
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "care.md").write_text(
        f"# Model Treaty on Care\n\nArticle 3\n\n{english}\n\n# Modelverdrag inzake zorg\n\nArtikel 3\n\n{dutch}\n",
        encoding="utf-8",
    )
    entry = {"id": "care", "file": "care.md", "title": "Model Treaty on Care", "short_title": "Model Care Treaty"}
    entry |= {"jurisdiction": "COE", "instrument_type": "treaty", "date": "2020-01-01"}
    (docs / "MANIFEST.json").write_text(json.dumps([entry]), encoding="utf-8")
    index = LiveIndex(EdgeDocumentStore(tmp_path / "shard"), DocumentRegistry(EdgeDocumentStore(tmp_path / "reg")))
    Indexer(index, passage_embedder).ingest([docs])
    labels = {(d.meta["citation"], d.meta["language"]) for d in index.passages("care")}
    assert ("Model Care Treaty, art 3(2)", "nl") in labels and ("Model Care Treaty, art 3", "en") in labels
    english_only = Searcher(index, query_embedder, ["en"])
    assert [p.citation for p in english_only.cited_versions("Model Care Treaty, art 3(2)")] == [
        "Model Care Treaty, art 3"
    ]
    # With no language preferred, the English original answers; the Dutch translation, which numbers
    # the paragraph, is read by a Dutch reader.
    every = Searcher(index, query_embedder, [])
    assert [p.citation for p in every.cited_versions("Model Care Treaty, art 3(2)")] == ["Model Care Treaty, art 3"]
    dutch = Searcher(index, query_embedder, ["nl"])
    assert [p.citation for p in dutch.cited_versions("Model Care Treaty, art 3(2)")] == ["Model Care Treaty, art 3(2)"]
    index.close()


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("¿Qué dice la ley de los Países Bajos? Trabajé en Holanda sin papeles.", {"NL"}),
        ("Cosa prevede la legge olandese per le vittime?", {"NL"}),
        ("Ist das nach deutschem Recht strafbar?", {"DE"}),
        ("Am fost adusă în Anglia și obligată să cerșesc.", {"GB"}),
        ("O que diz a lei americana sobre trabalho forçado?", {"US"}),
        ("Was sagt die EU-Richtlinie dazu? Und der Gerichtshof für Menschenrechte in Straßburg?", {"EU", "COE"}),
        ("Secondo il Protocollo di Palermo, la vittima deve essere protetta?", {"UN"}),
        ("Ich spreche kein Englisch und habe keinen Anwalt.", set()),  # a language is no state
        # its largest places, as written in the question's language and inflected there
        ("Я працювала на кухні ресторану в Кельні без дозволу на роботу.", {"DE"}),
        ("Мене експлуатували на фермі біля Гронінгена.", {"NL"}),
        ("Procesul are loc la un tribunal federal din New York.", {"US"}),
        ("Trabajé en un restaurante en Múnich sin contrato.", {"DE"}),
        ("Pracowałam w Nowym Jorku jako pomoc domowa.", {"US"}),
        ("Der Prozess läuft vor einem Bundesgericht in Kalifornien.", {"US"}),
        ("في أونتاريو، يقول محامي المتهم إن الضحية وافقت.", {"CA"}),
        ("Mijn zus werkte in Londen zonder loon.", {"GB"}),
        # and its regions
        ("Мене змушували працювати на м'ясокомбінаті в Нижній Саксонії.", {"DE"}),
        ("Trabajé en Baviera en una granja.", {"DE"}),
        ("Мене експлуатували на фермі під Ейндговеном.", {"NL"}),
        # and its procedures and bodies, by the names its own people give them
        ("Em trai tôi bị đưa sang Anh và bị ép làm việc.", {"GB"}),
        ("Ho chiesto il visto T: mio marito può raggiungermi?", {"US"}),
        ("During the bedenktijd where will she stay?", {"NL"}),
        ("Can I sue the farm owner here in the States?", {"US"}),
        ("Which states parties must protect victims?", set()),  # a treaty's parties are no state
        # "European law" may be the Union's or the Council of Europe's; the Victims' Directive is the Union's
        ("¿Según las normas europeas tengo derecho a un abogado gratis?", {"COE", "EU"}),
        ("Heeft zij volgens de Europese slachtofferrichtlijn het recht op toetsing?", {"EU"}),
    ],
)
def test_a_jurisdiction_is_named_in_the_language_of_the_question(question: str, named: set[str]):
    assert load_jurisdictions().named_in(question) == named
