"""What the API and web UI serve from, and their only way to the knowledge base: the live index
(through the searcher), the drafter, the indexer and the collections, opened once per process (the
embedded store locks its directory; cli/wiring.py opens them). Routes call its methods, never the
parts themselves."""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.metadata import Overrides
from ingest.pipeline import Indexer, IngestReport
from kb import export, pii
from kb.accounts import Accounts, User
from kb.analyse import analyse
from kb.answer import Answerer, Draft
from kb.collections import Collection, Collections, Item
from kb.compare import Matrix, compare
from kb.config import Settings
from kb.jurisdictions import load_jurisdictions
from kb.matters import MatterNotFound, MatterRefused, Matters
from kb.model import MATTER_DOCUMENT, Passage
from kb.related import cited_by, cites_in_outline, related
from kb.retrieve import Searcher, SearchError, SearchFilters, SearchResponse, interleave
from kb.topics import load_topics
from kb.transpositions import transpositions


class NotFound(LookupError):
    """No such document or passage; the message names it."""


@dataclass
class Library:
    settings: Settings
    searcher: Searcher
    answerer: Answerer
    indexer: Indexer
    collections: Collections
    accounts: Accounts
    matters: Matters
    _write_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _matter_searchers: dict[str, Searcher] = field(default_factory=dict, init=False, repr=False)

    def close(self) -> None:
        self.collections.close()
        self.matters.close()
        self.accounts.close()
        self.searcher.close()

    # --- research ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        filters: SearchFilters,
        limit: int = 10,
        facets: bool = False,
        context: bool = False,
        matter: str | None = None,
        user: User | None = None,
    ) -> SearchResponse:
        """The law; with a matter (for a member), the matter's documents and the law together."""
        response = self.searcher.search(query, filters, limit, facets, context)
        if matter is None:
            return response
        if user is None:
            raise MatterNotFound(f"No matter {matter!r}.")
        own = self._matter_searcher(matter, user)
        found = own.search(query, SearchFilters(instrument_types=[MATTER_DOCUMENT]), limit, context=context).hits
        for hit in found:
            hit.matter = matter
        self.matters.audit(matter, user, "searched", f"{len(found)} matter results")
        response.hits = interleave(found, response.hits)[:limit]
        return response

    def _matter_searcher(self, matter: str, user: User) -> Searcher:
        index = self.matters.index(matter, user)  # MatterNotFound for a non-member
        if matter not in self._matter_searchers:
            self._matter_searchers[matter] = Searcher(index, self.searcher.query_embedder, [], self.searcher.ranker)
        return self._matter_searchers[matter]

    # --- matters ----------------------------------------------------------------------------
    def add_matter_file(self, matter: str, user: User, name: str, content: bytes) -> IngestReport:
        """Keep a client's file encrypted in the matter and index it in the matter's own index. It
        is parsed from a temporary copy in memory (/dev/shm) where the system has one."""
        index = self.matters.index(matter, user)
        kept = self.matters.keep_original(matter, user, name, content)
        scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
        with self._write_lock, tempfile.TemporaryDirectory(dir=scratch) as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            report = Indexer(index, self.indexer.embedder).ingest([path], Overrides(instrument_type=MATTER_DOCUMENT))
        if report.skipped:
            kept.unlink(missing_ok=True)
        for _, document_id, _ in report.indexed:
            found = pii.counts(*self.matter_text(matter, user, document_id))
            listed = ", ".join(f"{kind} {n}" for kind, n in sorted(found.items())) or "none found"
            self.matters.audit(matter, user, "added document", f"{document_id} (personal data: {listed})")
        return report

    def matter_documents(self, matter: str, user: User) -> list[dict[str, Any]]:
        records = self.matters.index(matter, user).records().values()
        return sorted((_record_json(r) for r in records), key=lambda d: d["title"])

    def matter_text(self, matter: str, user: User, document_id: str) -> tuple[str, str]:
        """A matter document's text in reading order, and its language."""
        index = self.matters.index(matter, user)
        if index.record(document_id) is None:
            raise NotFound(f"No document {document_id!r} in this matter.")
        passages = [Passage.from_document(d) for d in index.passages(document_id)]
        return "\n\n".join(p.text for p in passages), passages[0].language if passages else "en"

    def analyse(
        self, matter: str, user: User, jurisdictions: list[str], document_id: str | None, text: str | None
    ) -> dict[str, Any]:
        """The issues a client's statement raises and the law that applies, per jurisdiction."""
        self.matters.get(matter, user)
        if document_id:
            text = self.matter_text(matter, user, document_id)[0]
        if not text or not text.strip():
            raise SearchError("Give the statement: a document_id of the matter, or its text.")
        unknown = sorted(set(jurisdictions) - self.searcher.known_values("jurisdiction"))
        if unknown:
            raise SearchError(f"Unknown jurisdiction {', '.join(unknown)}.")
        analysis = analyse(self.searcher, text, jurisdictions).as_json()
        self.matters.audit(matter, user, "analysed", document_id or "pasted text")
        return analysis

    def export_matter_document(self, matter: str, user: User, document_id: str, redact: bool) -> str:
        """A matter document as Markdown for use outside the matter: its personal data redacted,
        unless the matter's owner asks for it whole."""
        if not redact and self.matters.get(matter, user).owner != user.name:
            raise MatterRefused("Only the matter's owner may export a document without redaction.")
        text, language = self.matter_text(matter, user, document_id)
        shown = pii.redact(text, language) if redact else text
        self.matters.audit(matter, user, "exported document", f"{document_id} ({'redacted' if redact else 'whole'})")
        return f"# {document_id}\n\n{shown}\n"

    def matter_owner(self, matter: str, user: User) -> str:
        """The owner name a matter's collections are kept under, for a member of the matter."""
        self.matters.get(matter, user)
        return f"matter:{matter}"  # no account name holds ":"

    def erase_matter(self, matter: str, user: User) -> None:
        self.matters.get(matter, user)
        with self._write_lock:
            self._matter_searchers.pop(matter, None)
            self.matters.erase(matter, user)
            self.collections.scoped(f"matter:{matter}").erase_all()

    def ask(self, question: str, jurisdictions: list[str]) -> Draft:
        return self.answerer.ask(question, jurisdictions)

    def compare(self, jurisdictions: list[str], topics: list[str]) -> Matrix:
        return compare(self.searcher, jurisdictions, topics)

    # --- reading -------------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        records = self.searcher.index.records().values()
        return sorted((_record_json(r) for r in records), key=lambda d: (d["jurisdiction"], d["title"]))

    def document(self, document_id: str) -> dict[str, Any]:
        record = self.searcher.index.record(document_id)
        if record is None:
            raise NotFound(f"No document {document_id!r} in the index.")
        passages = [Passage.from_document(d) for d in self.searcher.index.passages(document_id)]
        first = passages[0] if passages else None
        citing = cited_by(self.searcher, passages)
        cites = cites_in_outline(self.searcher, passages)
        outline = [
            {
                "id": p.id,
                "citation": p.citation,
                "heading": p.heading,
                "path": p.provision_path,
                "language": p.language,
                "text": p.text,
                "url": p.url,
                "page": p.page,
                "cites": cites[p.id],
                "cited_by": [link.as_json() for link in citing[p.id]],
                "transpositions": [t.as_json() for t in transpositions(p.citation)],
            }
            for p in passages
        ]
        return {**_record_json(record), "url": first.url if first else "", "passages": outline}

    def passage(self, passage_id: str) -> dict[str, Any]:
        p = self.searcher.passage(passage_id)
        if p is None:
            raise NotFound(f"No passage {passage_id!r} in the index.")
        return p.as_json()

    def related(self, passage_id: str) -> dict[str, Any]:
        """What a passage cites and what cites it, each linked to its passage where the corpus holds it."""
        p = self.searcher.passage(passage_id)
        if p is None:
            raise NotFound(f"No passage {passage_id!r} in the index.")
        return related(self.searcher, p).as_json()

    def jurisdictions(self) -> list[dict[str, Any]]:
        counts = self.searcher.index.facets("jurisdiction")
        scope = load_jurisdictions()
        codes = sorted(set(scope.by_code) | set(counts))
        return [
            {
                "code": code,
                "name": scope.by_code[code].name if code in scope.by_code else code,
                "layer": scope.layer(code),
                "member_of": list(scope.by_code[code].member_of) if code in scope.by_code else [],
                "passages": counts.get(code, 0),
            }
            for code in codes
        ]

    def topics(self) -> list[dict[str, Any]]:
        counts = self.searcher.index.facets("topics")
        return [
            {"id": t.id, "label": t.label, "description": t.description, "passages": counts.get(t.id, 0)}
            for t in load_topics()
        ]

    def collection_pack(self, name: str, title: str = "", owner: str = "") -> export.Pack:
        return export.from_collection(self.collections.scoped(owner), self.searcher, name, title)

    def topic_pack(self, topics: list[str], jurisdictions: list[str], title: str = "") -> export.Pack:
        return export.from_topics(self.searcher, topics, jurisdictions, title)

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "documents": len(self.searcher.index.records()),
            "passages": self.searcher.index.count(),
            "store": "server" if self.settings.qdrant_url else "embedded",
            "drafter": "generative" if self.answerer.generator else "extractive",
        }

    # --- collections (each person's own and those shared with them; "" the shared workspace) -----
    def collection_names(self, owner: str = "") -> list[dict[str, Any]]:
        """The collections the owner sees, with their item counts, by name."""
        return self.collections.scoped(owner).names()

    def collection(self, name: str, owner: str = "") -> dict[str, Any]:
        """A collection with its items in order, each saying whether its passage is still indexed."""
        return self._with_index(self.collections.scoped(owner).get(name))

    def create_collection(self, name: str, owner: str = "") -> dict[str, Any]:
        """A new, empty collection (AlreadyThere when the name is taken)."""
        return self._with_index(self.collections.scoped(owner).create(name))

    def rename_collection(self, name: str, new_name: str, owner: str = "") -> dict[str, Any]:
        return self._with_index(self.collections.scoped(owner).rename(name, new_name))

    def delete_collection(self, name: str, owner: str = "") -> None:
        self.collections.scoped(owner).delete(name)

    def share_collection(self, name: str, person: str, owner: str) -> dict[str, Any]:
        if self.accounts.user(person) is None:
            raise NotFound(f"No user {person!r}.")
        return self._with_index(self.collections.scoped(owner).share(name, person))

    def save(
        self, name: str, passage_id: str = "", citation: str = "", note: str = "", owner: str = ""
    ) -> tuple[str, Item]:
        """Save a passage (by id, or the provision a citation names) into a collection, creating the
        collection when it does not exist yet; the collection's name (tidied) and the new item."""
        passage = self.searcher.passage(passage_id) if passage_id else self.searcher.cited_passage(citation)
        if passage is None:
            raise NotFound(f"No passage {passage_id or citation!r} in the index.")
        collections = self.collections.scoped(owner)
        name = collections.ensure(name).name
        return name, collections.add(name, passage, note)

    def change_item(
        self, name: str, item_id: int, note: str | None = None, position: int | None = None, owner: str = ""
    ) -> dict[str, Any]:
        """Change an item's note and/or move it (1 = first); the collection as it is then."""
        collections = self.collections.scoped(owner)
        if note is not None:
            collections.set_note(name, item_id, note)
        if position is not None:
            return self._with_index(collections.move(name, item_id, position))
        return self.collection(name, owner)

    def remove_item(self, name: str, item_id: int, owner: str = "") -> None:
        self.collections.scoped(owner).remove(name, item_id)

    def _with_index(self, collection: Collection) -> dict[str, Any]:
        gone = self.searcher.missing_passages([item.passage_id for item in collection.items])
        payload = collection.as_json()
        for item in payload["items"]:
            item["in_index"] = item["passage_id"] not in gone
        return payload

    # --- writing (one at a time) ---------------------------------------------------------
    def add_file(self, name: str, content: bytes, overrides: Overrides) -> IngestReport:
        """Keep an uploaded file under the data directory's uploads/ and index it; a file that
        cannot be indexed is not kept. The same name again is a new version of that document."""
        if overrides.instrument_type == MATTER_DOCUMENT:
            raise SearchError("A client's document goes into its matter (/api/matters/{id}/documents), not the corpus.")
        folder = self.settings.data_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        with self._write_lock:
            path.write_bytes(content)
            report = self.indexer.ingest([path], overrides)
            if report.skipped:
                path.unlink(missing_ok=True)
        return report

    def remove(self, document_id: str) -> int:
        with self._write_lock:
            if self.searcher.index.record(document_id) is None:
                raise NotFound(f"No document {document_id!r} in the index.")
            return self.searcher.index.remove(document_id)


def _record_json(record: Any) -> dict[str, Any]:
    return {
        "id": record.document_id,
        "title": record.title,
        "jurisdiction": record.jurisdiction,
        "layer": load_jurisdictions().layer(record.jurisdiction),
        "instrument_type": record.instrument_type,
        "cite_as": record.cite_as,
        "passages": record.passage_count,
    }
