"""Loading with unstructured (offline) and the heading-aware splitter, on the team's fixtures."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ingest.load import SUPPORTED_SUFFIXES, LoadedFile, LoadError, clean_markdown, load_file
from ingest.metadata import DocumentInfo, ManifestError, Overrides, document_info
from ingest.passages import MAX_PART_CHARS, build_passages, cite, provision_url
from ingest.structure import Block, split_provisions

from .conftest import FIXTURES, write_pdf


def info(style: str, cite_as: str = "Act") -> DocumentInfo:
    return DocumentInfo("doc", "A Title", "Short", "XX", "statute", cite_as, style)


def test_clean_markdown_removes_artefacts_and_unglues_headings():
    text, front = clean_markdown(
        "---\nurl: https://example.org/x\n---\n<meta http-equiv='Content-Type' />\n####Status of victims\nBody\n"
        "[table of contents](https://example.org/toc)\n"
    )
    assert front == {"url": "https://example.org/x"}
    assert "<meta" not in text and "table of contents" not in text
    assert "#### Status of victims" in text


def test_a_treaty_databases_status_line_is_not_an_articles_heading(tmp_path: Path):
    path = tmp_path / "protocol.md"
    path.write_text(
        "# Protocol on Work\n\n### Article  1\nTreedt in werking op een nader te bepalen tijdstip\n\n"
        "1.  Each Member shall take effective measures to prevent forced labour.\n",
        encoding="utf-8",
    )
    loaded = load_file(path)
    passages = build_passages(loaded, document_info(loaded, Overrides()), "hash")
    assert passages and all("Treedt" not in p.heading and "Treedt" not in p.text for p in passages)
    assert any("effective measures" in p.text for p in passages)


def test_front_matter_is_read_as_yaml():
    text, front = clean_markdown(
        '---\ntitle: "Directive 2011/36/EU: on \\"trafficking\\""\nsummary: >\n  One long\n  folded line\n'
        "published: 2011-04-15\nnumber: 36\nsubjects:\n  - trafficking\n---\n# Article 1\nBody\n"
    )
    assert front == {
        "title": 'Directive 2011/36/EU: on "trafficking"',
        "summary": "One long folded line\n",
        "published": "2011-04-15",
        "number": "36",
    }  # lists and maps are not fields a document has
    assert text.lstrip().startswith("# Article 1")


def test_front_matter_that_yaml_refuses_is_read_line_by_line(tmp_path: Path):
    page = tmp_path / "part11.md"
    page.write_text(
        "---\nurl: https://www.gov.uk/x\npart_name: Immigration Rules part 11: asylum\n---\n\n"
        "# Part 11\n\n334. An asylum applicant may be granted asylum.\n"
    )
    loaded = load_file(page)
    assert loaded.front_matter == {"url": "https://www.gov.uk/x", "part_name": "Immigration Rules part 11: asylum"}
    assert not any("part_name" in block.text for block in loaded.blocks)


def test_front_matter_after_the_title_lines_is_read_and_left_out():
    text, front = clean_markdown(
        "Gesetz\nüber den Aufenthalt\n---\njurabk: AufenthG 2004\nslug: aufenthg_2004\n\n---\n\n# § 1 Zweck\n"
    )
    assert front == {"jurabk": "AufenthG 2004", "slug": "aufenthg_2004"}
    assert text.startswith("Gesetz\nüber den Aufenthalt\n") and "slug" not in text and "# § 1 Zweck" in text


def test_markdown_without_front_matter_keeps_all_its_text():
    plain = "Introduction\n\nFirst part\n---\n\nSecond part\n------\n\nEnd\n"  # setext headings, not front matter
    assert clean_markdown(plain) == (plain, {})
    ruled = "---\n\nA rule at the top that nothing closes.\n"
    assert clean_markdown(ruled) == (ruled, {})


def test_partitioning_makes_no_network_attempt(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    loaded = load_file(FIXTURES / "notes.txt")
    assert any("helpline" in block.text.lower() for block in loaded.blocks)


@pytest.mark.parametrize(
    ("name", "blocks", "first"),
    [
        ("legal/model-convention.md", 24, "Modelverdrag inzake de bescherming van personen"),
        ("guidance.html", 5, "Shelter guidance"),
        ("notes.txt", 3, "Helpline notes"),
        ("legal/model-code.md", 9, "Title 9— MODEL CODE"),
    ],
)
def test_each_format_loads(name, blocks, first):
    loaded = load_file(FIXTURES / name)
    assert len(loaded.blocks) == blocks
    assert loaded.blocks[0].text == first


def test_every_supported_suffix_is_listed_once_in_order_and_a_text_file_loads(tmp_path: Path):
    assert list(SUPPORTED_SUFFIXES) == sorted(set(SUPPORTED_SUFFIXES))
    assert "report.TEXT".lower().endswith(SUPPORTED_SUFFIXES)  # usable as uploads check them
    notes = tmp_path / "notes.text"
    notes.write_text("Victims have a recovery and reflection period of at least 30 days.\n")
    assert "reflection period" in load_file(notes).blocks[0].text


def test_broken_and_unsupported_files_raise_clear_errors(tmp_path: Path):
    with pytest.raises(LoadError, match="not UTF-8"):
        load_file(FIXTURES / "broken.md")
    odd = tmp_path / "x.pdfx"
    odd.write_text("hello")
    with pytest.raises(LoadError, match="unsupported format"):
        load_file(odd)
    empty = tmp_path / "empty.md"
    empty.write_text("   \n")
    with pytest.raises(LoadError, match="no text"):
        load_file(empty)


@pytest.mark.parametrize("code", ["XX", "UK", "ZZ", "EUR"])
def test_a_jurisdiction_must_be_a_real_country_code_or_body(code):
    loaded = LoadedFile(Path("t.md"), [Block("NarrativeText", "Victims shall be assisted.")], {})
    with pytest.raises(ManifestError, match=f"unknown jurisdiction '{code}': use an ISO 3166-1 code or one of UN,"):
        document_info(loaded, Overrides(jurisdiction=code))


@pytest.mark.parametrize(("given", "code"), [("FR", "FR"), ("fr", "FR"), ("nl", "NL"), ("COE", "COE"), ("ilo", "ILO")])
def test_iso_country_codes_and_international_bodies_are_accepted(given, code):
    loaded = LoadedFile(Path("t.md"), [Block("NarrativeText", "Victims shall be assisted.")], {})
    assert document_info(loaded, Overrides(jurisdiction=given)).jurisdiction == code


def test_treaty_articles_become_cited_passages_with_headings():
    loaded = load_file(FIXTURES / "legal/model-convention.md")
    doc = document_info(loaded, Overrides())
    passages = build_passages(loaded, doc, "hash")
    english = {p.citation: p for p in passages if p.language == "en"}
    assert doc.cite_as == "Model Convention" and doc.jurisdiction == "COE"
    art2 = english["Model Convention, art 2"]
    assert art2.heading == "Waiting time before removal"
    assert "forty-five days" in art2.text and "shelter and medical care" in art2.text
    assert art2.provision_path[0].startswith("Chapter I")
    assert "Model Convention, art 3" in english and "Model Convention, preamble" in english
    # Offsets point into the normalised text of the document.
    normalised = "\n\n".join(block.text for block in loaded.blocks)
    assert normalised[art2.start : art2.end].startswith("1. Each Party shall grant")  # the number is kept


def test_translation_is_tagged_and_gets_distinct_ids():
    loaded = load_file(FIXTURES / "legal/model-convention.md")
    passages = build_passages(loaded, document_info(loaded, Overrides()), "hash")
    dutch = [p for p in passages if p.language == "nl"]
    assert dutch and all(p.citation.startswith("Model Convention, art") for p in dutch)
    assert not any("Wachttijd" in p.text for p in passages if p.language == "en")
    assert len({p.id for p in passages}) == len(passages)


def test_us_code_subsections_are_pinpointed():
    loaded = load_file(FIXTURES / "legal/model-code.md")
    passages = build_passages(loaded, document_info(loaded, Overrides()), "hash")
    assert [p.citation for p in passages] == ["9 M.C. § 401(a)", "9 M.C. § 401(b)", "9 M.C. § 402"]
    assert passages[1].heading == "Permanent stay"


def test_statute_sections_and_rule_paragraphs():
    blocks = [
        Block("UncategorizedText", "Chapter 2 Entry"),
        Block("UncategorizedText", "Section 25a Residence for victims"),
        Block("NarrativeText", "(1) A victim may be granted a residence permit."),
        Block("NarrativeText", "(2) The permit may be extended."),
    ]
    (provision,) = split_provisions(blocks, "statute")
    assert (provision.number, provision.heading) == ("25a", "Residence for victims")
    assert provision.groups == ["Chapter 2 Entry"]
    assert cite(info("statute", "AufenthG"), provision) == "AufenthG, s 25a"

    rules = [
        Block("Title", "Eligibility requirements"),
        Block("NarrativeText", "VTS 3.1. The requirements to be met are that the person is a confirmed victim."),
        Block("ListItem", "(a) assisting the person in their recovery"),
        Block("NarrativeText", "VTS 3.2. For the purpose of VTS 3.1 the following apply."),
    ]
    first, second = split_provisions(rules, "rules")
    rules_info = info("rules", "Immigration Rules, Appendix VTS")
    assert cite(rules_info, first) == "Immigration Rules, Appendix VTS, para VTS 3.1"
    assert first.heading == "Eligibility requirements"
    assert first.blocks[0][2].startswith("VTS 3.1.") and "recovery" in first.blocks[1][2]
    assert second.number == "VTS 3.2"


def test_a_rule_number_standing_alone_opens_the_rule_in_the_items_after_it():
    rules = [
        Block("NarrativeText", "339NE The Secretary of State may require an audio recording."),
        Block("Title", "Internal relocation"),
        Block("ListItem", "339O"),
        Block("ListItem", "(i) The Secretary of State will not grant humanitarian protection if ..."),
    ]
    first, second = split_provisions(rules, "rules")
    assert (first.number, second.number, second.heading) == ("339NE", "339O", "Internal relocation")
    assert "humanitarian protection" in second.blocks[-1][2]


def test_a_section_with_a_long_heading_is_its_own_provision():
    long_heading = (
        "Section 23 Granting of residence by the supreme Land authorities; admission when special political"
        " interests apply; resettling persons seeking protection"
    )
    blocks = [
        Block("NarrativeText", "Section 22 Admission from abroad"),
        Block("NarrativeText", "A foreigner may be granted a temporary residence permit."),
        Block("NarrativeText", long_heading),
        Block("NarrativeText", "(1) The supreme Land authority may order a temporary residence permit."),
    ]
    first, second = split_provisions(blocks, "statute")
    assert (first.number, second.number) == ("22", "23")
    assert second.heading.startswith("Granting of residence") and "supreme Land authority" in second.blocks[0][2]
    assert all("supreme" not in text for _, _, text in first.blocks)


def test_long_provision_splits_at_paragraphs_and_keeps_its_citation():
    paragraphs = [f"({i}) " + "word " * 60 for i in range(1, 9)]
    blocks = [Block("Title", "Article 9"), Block("Title", "Long provision")] + [
        Block("NarrativeText", text) for text in paragraphs
    ]
    loaded = LoadedFile(Path("t.md"), blocks, {})
    passages = build_passages(loaded, info("treaty", "Test Treaty"), "h")
    assert [p.text[:4] for p in passages] == ["(1) ", "(4) ", "(7) "]  # three, three and two paragraphs
    assert {p.citation for p in passages} == {"Test Treaty, art 9"}
    assert all(len(p.text) <= MAX_PART_CHARS + 400 for p in passages)
    assert all(p.heading == "Long provision" for p in passages)
    joined = "\n\n".join(p.text for p in passages)
    assert all(text.strip() in joined for text in paragraphs)  # nothing lost, nothing cut mid-paragraph


def test_long_provisions_are_cited_to_their_numbered_paragraphs():
    filler = "word " * 120
    statute = (
        [Block("Title", "Section 25 Residence on humanitarian grounds")]
        + [Block("NarrativeText", f"({label}) {filler}") for label in ("1", "4", "4a")]
        + [Block("NarrativeText", "1. a numbered item inside subsection (4a)")]
    )
    loaded = LoadedFile(Path("t.md"), statute, {})
    passages = build_passages(loaded, info("statute", "AufenthG"), "h")
    assert [p.citation for p in passages] == ["AufenthG, s 25(1)", "AufenthG, s 25(4)", "AufenthG, s 25(4a)"]
    assert passages[-1].text.endswith("inside subsection (4a)")
    assert passages[-1].provision_path[-2:] == ["25", "(4a)"]

    treaty = [Block("Title", "Article 7"), Block("Title", "Status of victims")] + [
        Block("NarrativeText", f"{n}. {filler}") for n in (1, 2)
    ]
    loaded = LoadedFile(Path("t.md"), treaty, {})
    citations = [p.citation for p in build_passages(loaded, info("treaty", "Palermo Protocol"), "h")]
    assert citations == ["Palermo Protocol, art 7(1)", "Palermo Protocol, art 7(2)"]


@pytest.mark.parametrize(
    ("style", "cite_as", "heading", "texts", "expected"),
    [
        (
            "treaty",
            "Palermo Protocol",
            "Article 7",
            ["1. Each Party shall consider:", "a) a residence permit;", "b) a work permit.", "2. Humane factors."],
            ["art 7(1)", "art 7(1)(a)", "art 7(1)(b)", "art 7(2)"],
        ),
        (  # text before the first numbered part is cited as the passage itself; (i) after (a) is a clause
            "statute",
            "IRPR",
            "Section 208 Humanitarian reasons",
            ["A permit may be issued if the person", "(a) holds a permit,", "(i) valid,", "(b) is destitute."],
            ["s 208", "s 208(a)", "s 208(a)(i)", "s 208(b)"],
        ),
        (  # a subsection inserted into a UK Act by a later one: (1A) between (1) and (2)
            "statute",
            "Modern Slavery Act 2015",
            "Section 49 Guidance about identifying and supporting victims",
            ["(1) Guidance must be issued about—", "(a) indicators;", "(1A) It sets the standard.", "(2) Revise."],
            ["s 49(1)", "s 49(1)(a)", "s 49(1A)", "s 49(2)"],
        ),
        (
            "de",
            "StGB",
            "§ 233 Ausbeutung der Arbeitskraft",
            ["(1) Bestraft wird, wer", "1. durch Beschäftigung,", "2. bei der Bettelei,", "(2) Der Versuch."],
            ["§ 233 Abs. 1", "§ 233 Abs. 1 Nr. 1", "§ 233 Abs. 1 Nr. 2", "§ 233 Abs. 2"],
        ),
        (
            "nl",
            "Vb 2000",
            "Artikel 3.48",
            ["1. De vergunning wordt verleend aan wie:", "a. aangifte doet;", "b. getuige is.", "2. Geen leges."],
            ["art. 3.48 lid 1", "art. 3.48 lid 1 onder a", "art. 3.48 lid 1 onder b", "art. 3.48 lid 2"],
        ),
        (
            "usc",
            "22 U.S.C.",
            "§ 7105. Protection",
            ["Victims in custody shall—", "(A) not be detained in jails;", "(B) receive medical care."],
            ["§ 7105", "§ 7105(A)", "§ 7105(B)"],
        ),
        ("treaty", "Palermo Protocol", "Article 12", ["Each State Party shall take measures."], []),  # one unit
    ],
)
def test_each_part_of_a_passage_is_cited_to_its_pinpoint(style, cite_as, heading, texts, expected):
    blocks = [Block("Title", heading)] + [Block("NarrativeText", text) for text in texts]
    (passage,) = build_passages(LoadedFile(Path("t.md"), blocks, {}), info(style, cite_as), "h")
    # Each part's label in the style's own form, and its span: the part's own text.
    forms = [{f"{cite_as}, {want}", f"{cite_as} {want}", f"{want} {cite_as}"} for want in expected]
    assert len(passage.units) == len(expected)
    assert all(label in form for (label, _, _), form in zip(passage.units, forms, strict=True))
    assert [passage.text[start:end] for _, start, end in passage.units] == (texts if expected else [])


def test_markdown_numbered_paragraphs_keep_their_numbers_but_list_artefacts_do_not():
    text, _ = clean_markdown("c) cooperation.     \n2.  In order to ensure\n\n1.   VTS 1.1. An applicant\n")
    assert "\n\n2\\.  In order" in text  # a new block, number escaped from Markdown's list syntax
    assert "1.   VTS 1.1." in text  # a rendering artefact in front of a rule number stays a list marker


def test_lims_xml_takes_the_tree_from_the_markup():
    loaded = load_file(FIXTURES / "xml/model-act.xml")
    doc = document_info(loaded, Overrides(jurisdiction="CA"))
    assert doc.title == "Model Protection Act"
    passages = build_passages(loaded, doc, "h")
    by_citation = {p.citation: p for p in passages}
    section = by_citation["Model Protection Act, s 24"]
    assert section.heading == "Temporary permit"
    assert section.provision_path == ["PART 1 Protection", "24"]
    assert "(2) The permit lasts for at least" in section.text and "(b) the length of the proceedings" in section.text
    assert "2001, c. 1" not in section.text  # historical notes are not law
    offence = by_citation["Model Protection Act, s 118"]
    assert offence.provision_path[:2] == ["PART 1 Protection", "DIVISION 1 Offences"]
    assert offence.text == "No person shall move another person across a border by deception, see section 24."


def xml_passages(name: str) -> tuple[DocumentInfo, dict]:
    loaded = load_file(FIXTURES / "xml" / name)
    doc = document_info(loaded, Overrides())
    return doc, {p.citation: p for p in build_passages(loaded, doc, "h")}


def test_uslm_sections_and_headed_subsections_are_provisions():
    doc, passages = xml_passages("uslm-title.xml")
    assert (doc.jurisdiction, doc.instrument_type, doc.cite_as) == ("US", "statute", "99 U.S.C.")
    assert list(passages) == ["99 U.S.C. § 501(a)", "99 U.S.C. § 501(b)", "99 U.S.C. § 502"]
    eligibility = passages["99 U.S.C. § 501(a)"]
    assert eligibility.heading == "Eligibility"
    assert eligibility.provision_path == ["Title 99 Model Protections", "CHAPTER 5 STATUS OF VICTIMS", "501(a)"]
    assert eligibility.text.split("\n\n") == [
        "The Secretary may adjust the status of an alien who",
        "(1) has been physically present for a continuous period of at least 3 years; and",
        "(2) has complied with any reasonable request for assistance.",  # the footnote mark is gone
    ]
    assert not any("source credit" in p.text or "Amendment note" in p.text for p in passages.values())


def test_akoma_ntoso_articles_paragraphs_and_points():
    doc, passages = xml_passages("akn-convention.xml")
    assert (doc.title, doc.jurisdiction, doc.instrument_type, doc.style) == (
        "Model Shelter Convention",
        "UN",
        "treaty",
        "treaty",
    )
    assert list(passages) == [
        "Model Shelter Convention, preamble",
        "Model Shelter Convention, art 1",
        "Model Shelter Convention, art 2",
    ]
    shelter = passages["Model Shelter Convention, art 1"]
    assert shelter.heading == "Shelter" and shelter.provision_path == ["Chapter I Protection", "1"]
    assert shelter.text.split("\n\n") == [
        "1. Each Party shall provide safe shelter to victims.",
        "2. Shelter shall include:",
        "(a) medical care;",
        "(b) interpretation.",  # the authorial note is left out
    ]


def test_clml_sections_carry_their_legislation_gov_uk_address():
    doc, passages = xml_passages("clml-act.xml")
    assert (doc.title, doc.jurisdiction, doc.url) == (
        "Model Victims Act 2099",
        "GB",
        "http://www.legislation.gov.uk/ukpga/2099/1",
    )
    assistance = passages["Model Victims Act 2099, s 1"]
    assert assistance.heading == "Assistance for victims" and assistance.provision_path == ["Part 1 Support", "1"]
    assert assistance.url == "http://www.legislation.gov.uk/ukpga/2099/1/section/1"
    assert assistance.text.startswith("(1) The Secretary of State") and "(b) legal advice." in assistance.text
    assert not any("not law" in p.text or "footnote" in p.text.lower() for p in passages.values())


def test_justice_laws_sections_link_to_their_anchor():
    url = "https://laws-lois.justice.gc.ca/eng/acts/I-2.5/"
    assert provision_url(url, "s-24") == "https://laws-lois.justice.gc.ca/eng/acts/I-2.5/FullText.html#s-24"
    assert provision_url("https://example.org/act", "s-24") == "https://example.org/act"  # no known anchors
    assert provision_url("https://example.org/act", "https://example.org/act/section/1").endswith("/section/1")


@pytest.mark.parametrize(
    ("name", "reason"),
    [("xml/truncated.xml", "invalid XML"), ("xml/akoma.xml", "no provisions found in the Akoma Ntoso XML")],
)
def test_bad_or_unread_xml_is_reported(name, reason):
    with pytest.raises(LoadError, match=reason):
        load_file(FIXTURES / name)


def test_oversized_and_wrongly_encoded_files_are_refused(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # 100 MB, sparse: refused from its size, never read
        handle.truncate(100 * 2**20)
    with pytest.raises(LoadError, match="file too large \\(100 MB"):
        load_file(huge)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Aufenthaltsgesetz § 25 Härtefall".encode("latin-1"))
    with pytest.raises(LoadError, match="not UTF-8"):
        load_file(latin1)


def test_docx_headings_and_paragraphs_become_provisions(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_heading("Model Shelter Regulations", level=1)
    document.add_heading("Article 1", level=2)
    document.add_paragraph("A shelter shall admit every person referred by a first responder.")
    document.add_heading("Article 2", level=2)
    document.add_paragraph("A resident may stay for ninety nights without charge.")
    path = tmp_path / "regulations.docx"
    document.save(path)
    loaded = load_file(path)
    passages = build_passages(loaded, info("treaty", "Model Shelter Regulations"), "h")
    assert [p.citation for p in passages] == ["Model Shelter Regulations, art 1", "Model Shelter Regulations, art 2"]
    assert "ninety nights" in passages[1].text


def test_zip_bomb_and_broken_docx_are_refused_unread(tmp_path: Path):
    import zipfile

    bomb = tmp_path / "bomb.docx"
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w") as member,
    ):
        for _ in range(300):  # 300 MB of zeros, a few hundred KB on disk
            member.write(b"\0" * 2**20)
    assert bomb.stat().st_size < 2 * 2**20
    with pytest.raises(LoadError, match="zip bomb"):
        load_file(bomb)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(LoadError, match="not a valid DOCX"):
        load_file(broken)


def test_pdf_sections_carry_their_page_and_lose_running_heads(tmp_path: Path, monkeypatch):
    path = tmp_path / "act.pdf"
    write_pdf(
        path,
        [
            "Section 1 Reflection period\n\n(1) A victim shall be given a recovery and reflection period of 30 days."
            "\n\n(2) No expulsion order shall be enforced during that period.",
            "Section 2 Residence permit\n\nA renewable residence permit shall be issued to a victim who cooperates.",
            "Section 3 Compensation\n\nA victim has the right to compensation from the offender.",
        ],
        title="Model Victims Act 2020",
    )
    monkeypatch.setattr(socket.socket, "connect", lambda *a: pytest.fail("network access attempted"))
    loaded = load_file(path)
    assert loaded.title == "Model Victims Act 2020"
    texts = [block.text for block in loaded.blocks]
    assert not any("consolidated" in text or text.startswith("Page ") for text in texts)
    passages = build_passages(loaded, info("statute", "Model Act"), "h")
    assert [(p.citation, p.page) for p in passages] == [
        ("Model Act, s 1", 1),
        ("Model Act, s 2", 2),
        ("Model Act, s 3", 3),
    ]
    assert "30 days" in passages[0].text and "expulsion" in passages[0].text


def test_truncated_fake_and_textless_pdfs_are_refused(tmp_path: Path):
    whole = tmp_path / "whole.pdf"
    write_pdf(whole, ["Section 1 Scope\n\nThis Act applies to every victim."])
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(LoadError, match="truncated"):
        load_file(truncated)
    fake = tmp_path / "fake.pdf"
    fake.write_text("Section 1 plain text saved as .pdf")
    with pytest.raises(LoadError, match="not a PDF"):
        load_file(fake)

    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()
    blank.rect(20, 20, 50, 50)  # a drawing and no text layer, like a scan
    textless = tmp_path / "scan.pdf"
    blank.output(str(textless))
    with pytest.raises(LoadError, match="no text found"):
        load_file(textless)


def test_us_code_parts_are_cited_as_deep_as_their_text_goes():
    filler = "word " * 40
    units = [
        "(a) As used in this chapter—",
        "(15) The term nonimmigrant means—",
        *[f"({letter}) {filler}" for letter in "GH"],
        "(i) an alien who is a member of the foreign press;",  # after (H)... a clause (i) of (H)
        "(T)",
        f"(i) an alien who is a victim of trafficking {filler}",
        f"(I) is physically present {filler}",
        "(II) has complied with any request, and",
        f"(a) a nested list that is not subsection (a) {filler}",
        f"(ii) the spouse of such an alien {filler * 2}",
        f"(U) an alien who has suffered abuse {filler * 2}",
        f"(16) The term immigrant visa {filler * 2}",
    ]
    blocks = [Block("Title", "§ 1101. Definitions")] + [Block("NarrativeText", text) for text in units]
    passages = build_passages(LoadedFile(Path("t.md"), blocks, {}), info("usc", "8 U.S.C."), "h")
    assert [(p.citation, p.text[:4]) for p in passages] == [
        ("8 U.S.C. § 1101(a)", "(a) "),
        ("8 U.S.C. § 1101(a)(15)(T)", "(T)\n"),  # chunks end between units, each cited to what it holds
        ("8 U.S.C. § 1101(a)(15)(T)(i)-(ii)", "(a) "),  # (a) nested under (T)(i)(II), then clause (ii)
        ("8 U.S.C. § 1101(a)(15)-(16)", "(U) "),  # (a)(15)(U) and (a)(16)
    ]
    assert "\n\n".join(p.text for p in passages) == "\n\n".join(units)


def test_an_email_loads_with_its_headers_and_plain_body(tmp_path: Path):
    message = tmp_path / "referral.eml"
    message.write_bytes(
        b"From: Case Worker <worker@example.org>\r\nTo: lawyer@example.org\r\nSubject: Referral of a client\r\n"
        b"Date: Mon, 2 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Her passport was taken by the employer on arrival. She worked =\r\nsixteen hours a day.\r\n"
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML copy</p>\r\n--b--\r\n"
    )
    text = "\n".join(block.text for block in load_file(message).blocks)
    assert "Subject: Referral of a client" in text and "From: Case Worker <worker@example.org>" in text
    assert "She worked sixteen hours a day." in text  # the quoted-printable soft break undone
    assert "HTML copy" not in text  # the plain part is read, not both
    broken = tmp_path / "empty.eml"
    broken.write_bytes(b"From: a@example.org\r\nContent-Type: image/png\r\n\r\n\x89PNG")
    with pytest.raises(LoadError, match="without a text body"):
        load_file(broken)


def test_a_us_code_letter_after_its_predecessor_is_the_next_unit_not_a_nested_list():
    filler = "word " * (MAX_PART_CHARS // 20)  # each subsection fits a passage, the section does not
    units = [
        "(h) For purposes of this section, the term serious criminal offense means—",
        *[f"({n}) {filler}" for n in (1, 2, 3)],
        "(i) With respect to each nonimmigrant alien described in subsection (a)(15)(T)(i)—",  # (i) follows (h)
        f"(1) the alien shall be referred to a nongovernmental organization {filler}",
        f"(2) the alien shall be authorized to work {filler}",
    ]
    blocks = [Block("Title", "§ 1101. Definitions")] + [Block("NarrativeText", text) for text in units]
    passages = build_passages(LoadedFile(Path("t.md"), blocks, {}), info("usc", "8 U.S.C."), "h")
    assert [(p.citation, p.text[:4]) for p in passages] == [
        ("8 U.S.C. § 1101(h)", "(h) "),
        ("8 U.S.C. § 1101(i)", "(i) "),
    ]
