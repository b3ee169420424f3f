"""Slugs made with python-slugify: document ids of the shipped files stay as they were, and names in
other scripts no longer collapse into one id."""

from __future__ import annotations

import re

import pytest

from ingest.metadata import slugify
from search_api.downloads import file_stem

from .conftest import ROOT


def _earlier_id(stem: str) -> str:
    """The rule document ids were made by before python-slugify."""
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"


@pytest.mark.corpus
def test_document_ids_of_the_corpus_files_are_unchanged(shared_corpus):
    files = [p for folder in (shared_corpus, ROOT / "corpus") for p in folder.rglob("*.*") if p.is_file()]
    assert len(files) > 20
    assert {p.stem: slugify(p.stem) for p in files} == {p.stem: _earlier_id(p.stem) for p in files}


def test_ids_transliterate_other_scripts_instead_of_dropping_them():
    assert slugify("de-aufenthg-Übersetzung") == "de-aufenthg-ubersetzung"
    assert slugify("закон") != slugify("قانون")  # both were "document" before
    assert slugify("StGB § 232a") == "stgb-232a"
    assert slugify("§§") == slugify("") == "document"


def test_download_names_are_ascii_and_cut_at_a_word():
    assert file_stem("Temporary residence") == "temporary-residence"
    assert file_stem("Aufenthaltsgesetz, § 25 — Übersicht") == "aufenthaltsgesetz-25-ubersicht"
    long = file_stem("Compensation for victims of trafficking " * 4)
    assert len(long) <= 80 and long.endswith("trafficking") and long.startswith("compensation-for-victims")
    assert file_stem("§ ?!") == "course-pack"
