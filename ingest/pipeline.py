"""Incremental, crash-safe indexing of files into the passage store.

Per document: skip it when the index already holds its complete current version; otherwise
write the new passages beside the old (deterministic ids, so rewrites are upserts) and commit
them through the live index (kb/store/live.py), which then removes the older version. An
interruption therefore never loses a document: the next run sees an incomplete version and
redoes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ingest.load import SUPPORTED_SUFFIXES, LoadError, load_file, read_source
from ingest.metadata import ManifestError, Overrides, document_info, manifest_id, source_fingerprint
from ingest.passages import build_passages
from ingest.topics import tag_passages
from kb.embed import PassageEmbedder
from kb.references import references_digest
from kb.store.live import LiveIndex
from kb.store.registry import DocumentRecord
from kb.topics import taxonomy_digest

# Document formats found in folders that this version does not read yet (reported, not failed).
UNREAD_DOCUMENT_SUFFIXES = {".doc", ".odt", ".rtf", ".epub"}

# Bump when splitting or metadata rules change, so unchanged files are re-indexed.
PIPELINE_VERSION = "passages-19"


@dataclass
class IngestReport:
    indexed: list[tuple[Path, str, int]] = field(default_factory=list)  # (path, document id, passages)
    unchanged: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, reason)
    ignored: list[Path] = field(default_factory=list)  # documents in formats not read yet
    pruned: list[str] = field(default_factory=list)  # document ids whose files are gone
    files_total: int = 0  # files found to read
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=lambda: {"parsing": 0.0, "embedding": 0.0, "writing": 0.0})

    @property
    def passages_written(self) -> int:
        return sum(count for _, _, count in self.indexed)

    def as_json(self) -> dict:
        return {
            "indexed": [{"path": str(p), "document_id": d, "passages": n} for p, d, n in self.indexed],
            "unchanged": [{"path": str(p), "document_id": d} for p, d in self.unchanged],
            "skipped": [{"path": str(p), "reason": r} for p, r in self.skipped],
            "ignored": [str(p) for p in self.ignored],
            "pruned": self.pruned,
            "passages_written": self.passages_written,
            "seconds": round(self.seconds, 2),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


@dataclass(frozen=True)
class FileProgress:
    """Where an ingest stands, reported after each embedding batch."""

    path: Path
    file_number: int  # 1-based
    files_total: int
    passages_done: int
    passages_total: int


# Passages are embedded in batches of this size so that progress is reported within a file.
EMBED_BATCH = 64


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
    def __init__(self, index: LiveIndex, embedder: PassageEmbedder):
        self.index = index
        self.embedder = embedder
        # Everything besides a file that its indexed version depends on.
        self._version = f"{PIPELINE_VERSION}:{taxonomy_digest()}:{references_digest()}:{embedder.version}"

    def ingest(
        self,
        paths: Iterable[Path],
        overrides: Overrides | None = None,
        prune: bool = False,
        on_file: Callable[[str, Path, str, IngestReport], None] | None = None,
        on_progress: Callable[[FileProgress], None] | None = None,
    ) -> IngestReport:
        """Index files; `on_file(outcome, path, detail, report)` hears of each file as it is done,
        `on_progress` of the passages embedded so far in the current file."""
        paths = list(paths)
        started = time.perf_counter()
        report = IngestReport()
        overrides = overrides or Overrides()
        seen_ids: dict[str, Path] = {}
        files = collect_files(paths, report)
        report.files_total = len(files)
        for path, reason in report.skipped:  # paths that do not exist
            if on_file:
                on_file("skipped", path, reason, report)
        for number, path in enumerate(files, 1):
            progress = partial(FileProgress, path, number, len(files))
            try:
                outcome, detail = self._ingest_file(path, overrides, report, seen_ids, progress, on_progress)
            except (LoadError, ManifestError) as error:
                report.skipped.append((path, str(error)))
                outcome, detail = "skipped", str(error)
            if on_file:
                on_file(outcome, path, detail, report)
        if prune:
            report.pruned = self.prune([p for p in paths if p.is_dir()], keep=set(seen_ids))
        if report.indexed:
            clock = time.perf_counter()
            self.index.optimize()
            _lap(report, "writing", clock)
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_file(
        self,
        path: Path,
        overrides: Overrides,
        report: IngestReport,
        seen: dict[str, Path],
        progress: Callable[[int, int], FileProgress],
        on_progress: Callable[[FileProgress], None] | None,
    ) -> tuple[str, str]:
        if on_progress:
            on_progress(progress(0, 0))
        # Everything a document's passages depend on is hashed before the (slow) parse.
        data = read_source(path)
        digest = source_fingerprint(path, data, overrides, self._version)
        known_id = manifest_id(path)
        if known_id and self.index.is_current(known_id, digest):
            self._claim(known_id, path, seen)
            report.unchanged.append((path, known_id))
            return "unchanged", known_id
        clock = time.perf_counter()
        loaded = load_file(path)
        info = document_info(loaded, overrides)
        self._claim(info.id, path, seen)
        if not known_id and self.index.is_current(info.id, digest):
            report.unchanged.append((path, info.id))
            return "unchanged", info.id
        passages = tag_passages(build_passages(loaded, info, digest))
        if not passages:
            raise LoadError("no passages found")
        clock = _lap(report, "parsing", clock)
        documents = [p.to_document() for p in passages]
        embedded = []
        for start in range(0, len(documents), EMBED_BATCH):
            embedded += self.embedder.embed(documents[start : start + EMBED_BATCH])
            if on_progress:
                on_progress(progress(len(embedded), len(documents)))
        clock = _lap(report, "embedding", clock)
        # The new version goes in beside the old (its ids differ); the commit makes it live and then
        # deletes the old. A crash anywhere leaves the live version whole.
        self.index.write(embedded)
        record = DocumentRecord(
            info.id,
            digest,
            len(passages),
            str(path.resolve()),
            info.title,
            info.jurisdiction,
            info.instrument_type,
            info.cite_as,
            list(info.aliases),
        )
        self.index.commit(record)
        _lap(report, "writing", clock)
        report.indexed.append((path, info.id, len(passages)))
        return "indexed", f"{info.id} ({len(passages)} passages)"

    def prune(self, folders: list[Path], keep: set[str]) -> list[str]:
        """Remove documents read from these folders whose files no longer exist."""
        roots = [folder.resolve() for folder in folders]
        removed = []
        for document_id, record in sorted(self.index.records().items()):
            source = Path(record.source)
            if document_id in keep or not any(source.is_relative_to(root) for root in roots) or source.exists():
                continue
            self.index.remove(document_id)
            removed.append(document_id)
        return removed

    @staticmethod
    def _claim(document_id: str, path: Path, seen: dict[str, Path]) -> None:
        if document_id in seen:
            raise ManifestError(f"document id {document_id!r} is already used by {seen[document_id]}")
        seen[document_id] = path


def _lap(report: IngestReport, phase: str, since: float) -> float:
    now = time.perf_counter()
    report.timings[phase] += now - since
    return now
