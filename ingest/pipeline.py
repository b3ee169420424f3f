"""Incremental, crash-safe indexing of files into the passage store.

Per document: skip it when the store already holds its complete current version; otherwise
write the new passages (deterministic ids, so rewrites are upserts) and only then remove the
passages of older versions. An interruption therefore never loses a document: the next run
sees an incomplete version and redoes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from haystack import Document
from haystack.components.writers import DocumentWriter
from haystack.document_stores.types import DuplicatePolicy

from ingest.load import SUPPORTED_SUFFIXES, LoadError, load_file
from ingest.metadata import ManifestError, Overrides, document_info, manifest_id, source_fingerprint
from ingest.passages import build_passages
from kb.embed import PassageEmbedder
from kb.store.base import PassageStore

# Document formats found in folders that this version does not read yet (reported, not failed).
UNREAD_DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".rtf", ".epub"}

# Bump when splitting or metadata rules change, so unchanged files are re-indexed.
PIPELINE_VERSION = "passages-2"


@dataclass
class IngestReport:
    indexed: list[tuple[Path, str, int]] = field(default_factory=list)  # (path, document id, passages)
    unchanged: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, reason)
    ignored: list[Path] = field(default_factory=list)  # documents in formats not read yet
    pruned: list[str] = field(default_factory=list)  # document ids whose files are gone
    seconds: float = 0.0

    @property
    def passages_written(self) -> int:
        return sum(count for _, _, count in self.indexed)


def collect_files(paths: Iterable[Path], report: IngestReport) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                elif child.suffix.lower() in UNREAD_DOCUMENT_SUFFIXES:
                    report.ignored.append(child)
        elif path.exists():
            files.append(path)
        else:
            report.skipped.append((path, "no such file or directory"))
    return files


class Indexer:
    def __init__(self, store: PassageStore, embedder: PassageEmbedder):
        self.store = store
        self.embedder = embedder
        self.writer = DocumentWriter(store, policy=DuplicatePolicy.OVERWRITE)

    def ingest(self, paths: Iterable[Path], overrides: Overrides | None = None, prune: bool = False) -> IngestReport:
        import time

        paths = list(paths)
        started = time.perf_counter()
        report = IngestReport()
        overrides = overrides or Overrides()
        seen_ids: dict[str, Path] = {}
        for path in collect_files(paths, report):
            try:
                self._ingest_file(path, overrides, report, seen_ids)
            except (LoadError, ManifestError) as error:
                report.skipped.append((path, str(error)))
        if prune:
            report.pruned = self.prune([p for p in paths if p.is_dir()], keep=set(seen_ids))
        if report.indexed:
            self.store.optimize()
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_file(self, path: Path, overrides: Overrides, report: IngestReport, seen: dict[str, Path]) -> None:
        # Everything a document's passages depend on is hashed before the (slow) parse.
        try:
            data = path.read_bytes()
        except OSError as error:
            raise LoadError(f"cannot read: {error.strerror or error}") from error
        digest = source_fingerprint(path, data, overrides, PIPELINE_VERSION)
        known_id = manifest_id(path)
        if known_id and self._is_current(known_id, digest):
            self._claim(known_id, path, seen)
            report.unchanged.append((path, known_id))
            return
        loaded = load_file(path)
        info = document_info(loaded, overrides)
        self._claim(info.id, path, seen)
        if not known_id and self._is_current(info.id, digest):
            report.unchanged.append((path, info.id))
            return
        passages = build_passages(loaded, info, digest)
        if not passages:
            raise LoadError("no passages found")
        embedded = self.embedder.run(documents=[p.to_document() for p in passages])["documents"]
        self.writer.run(documents=embedded)
        self.store.delete_by_filter(
            {
                "operator": "AND",
                "conditions": [
                    _of_document(info.id),
                    {"field": "meta.content_hash", "operator": "!=", "value": digest},
                ],
            }
        )
        report.indexed.append((path, info.id, len(passages)))

    def prune(self, folders: list[Path], keep: set[str]) -> list[str]:
        """Remove documents read from these folders whose files no longer exist."""
        roots = [folder.resolve() for folder in folders]
        removed = []
        for document_id in sorted(self.store.value_counts("document_id")):
            if document_id in keep:
                continue
            source = Path(document_source(self.store, document_id))
            if any(source.is_relative_to(root) for root in roots) and not source.exists():
                remove_document(self.store, document_id)
                removed.append(document_id)
        return removed

    @staticmethod
    def _claim(document_id: str, path: Path, seen: dict[str, Path]) -> None:
        if document_id in seen:
            raise ManifestError(f"document id {document_id!r} is already used by {seen[document_id]}")
        seen[document_id] = path

    def _is_current(self, document_id: str, digest: str) -> bool:
        of_document = _of_document(document_id)
        current = self.store.filter_documents(
            {
                "operator": "AND",
                "conditions": [of_document, {"field": "meta.content_hash", "operator": "==", "value": digest}],
            }
        )
        if not current or len(current) != current[0].meta.get("passage_count"):
            return False
        return self.store.count_documents_by_filter(of_document) == len(current)


def _of_document(document_id: str) -> dict:
    return {"field": "meta.document_id", "operator": "==", "value": document_id}


def document_passages(store: PassageStore, document_id: str) -> list[Document]:
    """A document's passages in reading order."""
    passages = store.filter_documents(_of_document(document_id))
    return sorted(passages, key=lambda d: (d.meta.get("start", 0), d.meta.get("part", 0)))


def document_source(store: PassageStore, document_id: str) -> str:
    passages = store.filter_documents(_of_document(document_id))
    return passages[0].meta.get("source", "") if passages else ""


def remove_document(store: PassageStore, document_id: str) -> int:
    return store.delete_by_filter(_of_document(document_id))
