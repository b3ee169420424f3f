"""Shared fixtures: one embedding model export, one real-corpus index and one served fixture
library per test session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import kb  # noqa: F401  (offline environment)
from ingest.metadata import Overrides
from kb.config import Settings
from kb.embed import PassageEmbedder, QueryEmbedder, SparseEncoder, make_encoder
from kb.retrieve import Searcher
from kb.store import DocumentRegistry, EdgeDocumentStore, LiveIndex
from search_api.app import create_app

from .serving import serving

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def dense_encoder(model_cache: Path):
    return make_encoder(Settings().embedding_model, "onnx", model_cache)


@pytest.fixture(scope="session")
def passage_embedder(dense_encoder) -> PassageEmbedder:
    return PassageEmbedder(dense_encoder, SparseEncoder())


@pytest.fixture(scope="session")
def query_embedder(dense_encoder) -> QueryEmbedder:
    return QueryEmbedder(dense_encoder, SparseEncoder())


@pytest.fixture
def store(tmp_path: Path):
    s = EdgeDocumentStore(tmp_path / "shard")
    yield s
    s.close()


@pytest.fixture
def registry(tmp_path: Path):
    r = DocumentRegistry(EdgeDocumentStore(tmp_path / "registry"))
    yield r
    r.close()


@pytest.fixture
def index(store, registry) -> LiveIndex:
    """The two stores as the live index every reader and the indexer go through."""
    return LiveIndex(store, registry)


@pytest.fixture
def fixture_docs(tmp_path: Path) -> Path:
    """A writable copy of the team's fixture documents."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "MANIFEST.json").exists():
        pytest.skip("../shared/corpus is not present")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path, passage_embedder):
    """The real corpus, indexed once per session into an embedded store."""
    from ingest.pipeline import Indexer

    folder = tmp_path_factory.mktemp("corpus-index")
    store, registry = EdgeDocumentStore(folder / "shard"), DocumentRegistry(EdgeDocumentStore(folder / "registry"))
    report = Indexer(LiveIndex(store, registry), passage_embedder).ingest([shared_corpus])
    yield store, registry, report
    store.close()
    registry.close()


@pytest.fixture(scope="session")
def corpus_searcher(corpus_index, query_embedder) -> Searcher:
    store, registry, _ = corpus_index
    return Searcher(LiveIndex(store, registry), query_embedder, ["en"])


def write_pdf(path: Path, pages: list[str], title: str = "") -> None:
    """A text PDF with a running head and a page number on every page, as printed statutes have."""
    from fpdf import FPDF

    class Statute(FPDF):
        def header(self):
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, "Model Victims Act 2020 (consolidated)", align="C")
            self.ln(12)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Statute()
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))


API_KEY = "test-key-123"


@pytest.fixture(scope="session")
def library(tmp_path_factory, model_cache):
    """A served library over the fixture documents and one hostile text (script and onerror payloads)."""
    data = tmp_path_factory.mktemp("api-data")
    docs = tmp_path_factory.mktemp("api-docs")
    shutil.copytree(FIXTURES / "legal", docs, dirs_exist_ok=True)
    hostile = tmp_path_factory.mktemp("api-hostile") / "hostile.txt"
    hostile.write_text(
        'Hostile test passage. <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 1"> '
        "A deceived person may ask for shelter.\n",
        encoding="utf-8",
    )
    from cli.wiring import open_library

    settings = Settings(data_dir=data, api_keys=[API_KEY])
    library = open_library(settings)
    library.indexer.ingest([docs], Overrides())
    library.indexer.ingest([hostile], Overrides(jurisdiction="US", instrument_type="guidance", title="<b>Hostile</b>"))
    yield library
    library.close()


@pytest.fixture(scope="session")
def base_url(library):
    with serving(create_app(library)) as url:
        yield url


def write_split_section(folder: Path) -> Path:
    """A US Code section whose subsection (a) is too long for one passage (ten rights), then (b),
    with its manifest: document "crv", cited as "18 U.S.C."."""
    folder.mkdir(parents=True, exist_ok=True)
    rights = ["be protected", "notice", "be present", "be heard", "confer", "restitution", "timely proceedings"]
    rights += ["fair treatment", "be informed of a plea", "information about rights"]
    units = [f"({n}) The right to {words} in every proceeding of the court. " * 3 for n, words in enumerate(rights, 1)]
    text = "# Title 18— CRIMES\n\n#### § 3771. Crime victims' rights\n\n"
    text += "(a) Rights of crime victims. A victim has these rights:\n\n"
    text += "\n\n".join(units) + "\n\n(b) Rights afforded. The court shall ensure them.\n"
    (folder / "victims.md").write_text(text)
    manifest = [
        {
            "id": "crv",
            "file": "victims.md",
            "title": "Crime victims",
            "short_title": "18 U.S.C.",
            "jurisdiction": "US",
            "instrument_type": "statute",
            "date": "2020-01-01",
        }
    ]
    (folder / "MANIFEST.json").write_text(json.dumps(manifest))
    return folder


PASSWORD = "a long test password"


@pytest.fixture(scope="session")
def matters_library(tmp_path_factory, model_cache):
    """A library with matters: people alice and bob (lawyers) and rita (a reader), each with an API
    key and the password PASSWORD; yields (library, keys, data directory)."""
    from cryptography.fernet import Fernet

    from cli.wiring import open_library

    data = tmp_path_factory.mktemp("matters-data")
    docs = tmp_path_factory.mktemp("matters-docs")
    shutil.copytree(FIXTURES / "legal", docs, dirs_exist_ok=True)
    library = open_library(Settings(data_dir=data, secret_key=Fernet.generate_key().decode()))
    library.indexer.ingest([docs], Overrides())
    keys = {name: library.accounts.add(name, role) for name, role in [("alice", "lawyer"), ("bob", "lawyer")]}
    keys["rita"] = library.accounts.add("rita", "reader")
    for name in keys:
        library.accounts.set_password(name, PASSWORD)
    yield library, keys, data
    library.close()


@pytest.fixture(scope="session")
def served(matters_library):
    """matters_library served; yields (base URL, keys, data directory)."""
    library, keys, data = matters_library
    with serving(create_app(library)) as url:
        yield url, keys, data
