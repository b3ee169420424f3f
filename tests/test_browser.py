"""The web UI in a real browser: Debian's Chromium driven by Playwright, headless, against the
served fixture library. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
# Without the background-networking flags Chromium keeps calling out to a network that is closed here.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    dialogs: list[str] = []
    page.accept_dialogs = False  # confirmations are declined unless a test says otherwise
    page.on(
        "dialog",
        lambda dialog: (dialogs.append(dialog.message), dialog.accept() if page.accept_dialogs else dialog.dismiss()),
    )
    page.dialogs = dialogs
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_from_the_home_page(page):
    page.goto("/")
    page.get_by_label("Question, keywords or citation").fill("claim damages from those who deceived them")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search\?q=claim\+damages"))
    first = page.locator("ol.cards > li").first
    assert first.locator("h3").inner_text().startswith("Model Convention, art 3")
    assert first.locator("mark").count() >= 1  # the query's words are highlighted
    assert page.locator("aside.facets h3").count() == 3
    shot(page, "search-results")


def test_filter_by_jurisdiction(page):
    page.goto("/search?q=permanent+stay")
    page.get_by_label("Jurisdiction").select_option("US")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"jurisdiction=US"))
    badges = page.locator("ol.cards p.meta .badge").all_inner_texts()
    assert badges and set(badges) == {"US"}


def test_a_result_opens_at_its_provision_in_the_document(page):
    page.goto("/search?q=waiting+time+before+removal")
    first = page.locator("ol.cards > li").first
    citation = first.locator("h3 a").inner_text()
    first.get_by_role("link", name="Read in the document").click()
    page.wait_for_url(re.compile(r"/documents/.+#p-"))
    target = page.locator("section.passage.target")
    assert target.count() == 1
    assert target.locator("h2").inner_text().startswith(citation)
    box, viewport = target.bounding_box(), page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"]  # scrolled to
    shot(page, "document-at-provision")


def test_copy_a_citation(page):
    page.goto("/search?q=claim+damages")
    button = page.locator("ol.cards > li").first.get_by_role("button", name="Copy citation")
    expected = button.get_attribute("data-citation")
    button.click()
    page.wait_for_function("document.querySelector('button.copy').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_ask_shows_a_cited_answer_whose_markers_open_the_passages(page):
    page.goto("/ask")
    page.get_by_label("Question").fill("How long must a deceived person be allowed to wait before removal?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector("section.answer")
    assert page.locator("#answer-title").inner_text() == "Draft answer"
    marker = page.locator("a.marker").first
    number = marker.get_attribute("data-cite")
    assert not page.locator(f"#cite-{number} details.cited").evaluate("d => d.open")
    marker.click()
    assert page.locator(f"#cite-{number} details.cited").evaluate("d => d.open")
    shot(page, "ask-answer")


def test_ask_says_first_when_it_quotes_only_the_treaties_binding_a_state_without_its_law(page):
    page.goto("/ask?q=" + quote_plus("How long must a trafficking victim in France be allowed to wait before removal?"))
    assert page.locator("#answer-title").inner_text() == "Draft answer"
    assert page.locator("p.lead").inner_text().startswith("The corpus holds no law of France itself.")
    assert page.locator("ul.sentences li").count() >= 1


def test_ask_shows_an_abstention_as_such(page):
    page.goto("/ask?q=" + quote_plus("How much does Italian citizenship cost?"))
    assert page.locator("#answer-title").inner_text() == "No answer in the corpus"
    assert "no law of Italy" in page.locator("p.abstained").inner_text()


def test_compare_builds_the_matrix_with_links_into_documents(page):
    page.goto("/compare")
    page.get_by_label("United States").check()
    page.get_by_label("Permanent residence and durable solutions").check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("table.matrix")
    assert page.locator("table.matrix thead th").all_inner_texts() == ["Topic", "US"]
    shot(page, "compare")


def test_compare_shows_the_eu_rule_in_a_member_states_row(page):
    page.goto("/compare?jurisdiction=DE&topic=temporary_residence")
    assert page.locator("table.matrix thead th").all_inner_texts() == ["Topic", "EU rule", "DE"]
    eu, germany = page.locator("table.matrix tbody td").all()
    assert "Directive 2004/81/EC, art 8" in eu.inner_text() and "not in the corpus" in eu.inner_text()
    # This library holds no German law: the state's cell says so beside the EU rule.
    assert germany.inner_text() == "no provision found in the corpus"


def test_hostile_document_and_query_stay_inert(page):
    payload = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 1"> shelter'
    page.goto("/search?q=" + quote_plus(payload))
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.get_by_label("Question, keywords or citation").input_value() == payload
    texts = " ".join(page.locator("ol.cards p.text").all_inner_texts())
    assert "<script>window.__pwned = 1</script>" in texts  # shown as text, not run
    assert page.locator("ol.cards img").count() == 0
    page.goto("/ask?q=" + quote_plus(payload))
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    shot(page, "hostile-inert")


def test_search_works_with_javascript_off(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Question, keywords or citation").fill("claim damages")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("ol.cards > li").count() >= 1
    context.close()


def test_phone_width_has_no_sideways_scrolling(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto("/search?q=claim+damages")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.keyboard.press("Tab")  # the first stop is the skip link, for keyboard users
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    shot(page, "phone-search")
    context.close()


def save_into(container, collection: str, note: str = "") -> None:
    if not container.locator("details.save").evaluate("d => d.open"):
        container.locator("details.save summary").click()
    container.locator("input[name=collection]").fill(collection)
    container.locator("input[name=note]").fill(note)
    container.locator("form.save button").click()


def test_save_results_and_citations_then_arrange_and_export_the_collection(page, tmp_path):
    from docx import Document

    name = f"Browser pack {uuid.uuid4().hex[:6]}"
    page.goto("/search?q=claim+damages+from+those+who+deceived+them")
    card = page.locator("ol.cards > li").first
    saved_first = card.locator("h3 a").inner_text()
    save_into(card, name, "read first")
    expect(card.locator(".saved")).to_have_text(f"Saved in {name}")

    page.goto("/ask?q=" + quote_plus("How long must a deceived person be allowed to wait before removal?"))
    citation = page.locator("ol.citations > li").first
    saved_second = citation.locator("summary").first.inner_text().split(" · ")[0]
    save_into(citation, name)
    expect(citation.locator(".saved")).to_have_text(f"Saved in {name}")
    save_into(citation, name)  # the same passage again is refused with the reason
    expect(citation.locator(".saved")).to_contain_text("is already in")

    page.goto("/collections")
    page.get_by_role("link", name=name).click()
    assert page.locator("ol.cards h2").all_inner_texts() == [saved_first, saved_second]
    assert page.locator("#note-" + page.locator("ol.cards > li").first.get_attribute("id")[5:]).input_value() == (
        "read first"
    )
    page.get_by_role("button", name=f"Move {saved_second} up").click()
    expect(page.locator("ol.cards h2").first).to_have_text(saved_second)
    note = page.locator("ol.cards > li").first.locator("input[name=note]")
    note.fill("the waiting period")
    page.locator("ol.cards > li").first.get_by_role("button", name="Save note").click()
    expect(page.locator("ol.cards > li").first.locator("input[name=note]")).to_have_value("the waiting period")
    shot(page, "collection")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download DOCX").click()
    path = tmp_path / "pack.docx"
    download.value.save_as(path)
    document = Document(str(path))
    assert document.paragraphs[0].text == name and document.paragraphs[0].style.name == "Title"
    cited = [p.text for p in document.paragraphs if p.text.startswith("— ")]
    assert [c[2:].split(",")[0] for c in cited] == [saved_second.split(",")[0], saved_first.split(",")[0]]

    page.get_by_role("button", name=f"Remove {saved_first}").click()
    expect(page.locator("ol.cards > li")).to_have_count(1)
    page.get_by_role("button", name="Delete this collection").click()  # declined: nothing happens
    assert page.dialogs[-1].startswith(f"Delete the collection {name}")
    expect(page.locator("ol.cards > li")).to_have_count(1)
    page.accept_dialogs = True
    page.get_by_role("button", name="Delete this collection").click()
    page.wait_for_url(re.compile(r"/collections$"))
    expect(page.get_by_role("link", name=name)).to_have_count(0)


def test_saving_works_with_javascript_off(browser, base_url):
    name = f"No script {uuid.uuid4().hex[:6]}"
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search?q=permanent+stay")
    card = page.locator("ol.cards > li").first
    citation = card.locator("h3 a").inner_text()
    save_into(card, name)
    page.wait_for_url(re.compile(r"/collections/No(%20|\+)script"))
    expect(page.locator("p.notice")).to_have_text(f"Saved {citation}.")
    page.get_by_role("link", name="Back to your results").click()
    page.wait_for_url(re.compile(r"/search\?q=permanent\+stay$"))
    context.close()


def test_the_compare_page_downloads_its_course_pack(page):
    page.goto("/compare?jurisdiction=US&topic=confidentiality_privacy")
    page.get_by_label("Course pack of this matrix").select_option("md")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "confidentiality-and-privacy.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Confidentiality and privacy")
    assert any(line.startswith("— ") and "§ 402" in line for line in text.splitlines())


def test_a_result_that_is_part_of_a_provision_shows_the_whole_provision(browser, tmp_path, model_cache):
    """A part of a long subsection is the result; "Show the whole provision" opens the whole of it."""
    from cli.wiring import open_library
    from kb.config import Settings
    from search_api.app import create_app

    from .conftest import write_split_section
    from .serving import serving

    library = open_library(Settings(data_dir=tmp_path / "data"))
    try:
        library.indexer.ingest([write_split_section(tmp_path / "docs")])
        with serving(create_app(library)) as url:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/search?q={quote_plus('the right to be informed of a plea bargain')}")
            card = page.locator("li.card").first
            expect(card.locator("h3")).to_contain_text("18 U.S.C. § 3771(a)(")
            whole = card.locator("details.provision")
            expect(whole.locator("summary")).to_have_text("Show the whole provision (18 U.S.C. § 3771(a))")
            expect(whole.locator("p.text")).not_to_be_visible()
            whole.locator("summary").click()
            expect(whole.locator("p.text")).to_contain_text("(1) The right to be protected")
            expect(whole.locator("p.text")).to_contain_text("(10) The right to information about rights")
            page.screenshot(path=str(ARTIFACTS / "whole-provision.png"))
            page.close()
    finally:
        library.close()
