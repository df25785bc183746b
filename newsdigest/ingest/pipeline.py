"""Ingestion core: ArticleInput -> extract -> store. Every source (files, feeds, pages) ends here."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsdigest.extract import extract
from newsdigest.extract.types import Extraction
from newsdigest.ingest.dedupe import canonical_url, content_hash, find_near_duplicate, simhash
from newsdigest.ingest.files import MANIFESTS, ArticleFileError, iter_article_files, read_article
from newsdigest.models import ArticleInput
from newsdigest.ops.metrics import METRICS
from newsdigest.store.store import AddResult, IngestStore

log = logging.getLogger("newsdigest.ingest")
_EMPTY = Extraction(lang="und", published=None, title=None)  # stands in when the article is already known


def ingest_article(store: IngestStore, inp: ArticleInput, *, feed_id: int | None = None) -> AddResult:
    """Store one article unless it is known; known ones only gain a source. Idempotent.

    Known means the same GUID, canonical URL or content hash — or a near-duplicate (SimHash) of a
    recent article, so a syndicated copy becomes another source of the original.
    """
    started = time.perf_counter()
    chash = content_hash(inp.text)
    curl = canonical_url(inp.url)
    if store.find_article(guid=inp.guid, canonical_url=curl, content_hash=chash) is not None:
        return store.add_article(inp, _EMPTY, content_hash=chash, canonical_url=curl, feed_id=feed_id)
    value = simhash(inp.text)
    original = find_near_duplicate(store, inp.text, value)
    if original is not None:
        return store.add_article(inp, _EMPTY, content_hash=chash, canonical_url=curl, simhash=value,
                                 feed_id=feed_id, duplicate_of=original)
    extraction = extract(inp.text, published=inp.published, lang=inp.lang, title=inp.title)
    result = store.add_article(inp, extraction, content_hash=chash, canonical_url=curl, simhash=value, feed_id=feed_id)
    if result.created:
        METRICS.article_ingested()
    log.info(
        "ingest article=%s created=%s matched_by=%s source=%s ms=%.1f",
        result.article_id, result.created, result.matched_by, inp.source or inp.url or "local",
        (time.perf_counter() - started) * 1000,
    )
    return result


@dataclass
class IngestReport:
    created: int = 0
    known: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.created} new", f"{self.known} already known"]
        if self.errors:
            parts.append(f"{len(self.errors)} failed")
        return ", ".join(parts)


def ingest_local(
    store: IngestStore,
    paths: list[Path],
    *,
    published: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, never aborts the rest."""
    report = IngestReport()
    files = list(iter_article_files(paths))
    for i, (path, entry) in enumerate(files, 1):
        try:
            result = ingest_article(store, read_article(path, published=published, entry=entry))
        except ArticleFileError as exc:
            report.errors.append(str(exc))
        else:
            if result.created:
                report.created += 1
            else:
                report.known += 1
        if progress:
            progress(i, len(files))
    return report


def find_seeds(configured: str | None, cwd: Path | None = None) -> Path | None:
    """The seeds folder: `[bot] seeds` if set, else ./seeds when it holds a manifest."""
    if configured:
        folder = Path(configured)
        if not folder.is_dir():
            raise ArticleFileError(f"[bot] seeds = {configured!r}: no such folder")
        return folder
    folder = (cwd or Path.cwd()) / "seeds"
    return folder if any((folder / m).is_file() for m in MANIFESTS) else None


def seed_if_empty(store: IngestStore, configured: str | None, cwd: Path | None = None) -> IngestReport | None:
    """The embedded default: an empty database gets the sample articles."""
    if store.article_count() > 0:
        return None
    folder = find_seeds(configured, cwd)
    if folder is None:
        return None
    report = ingest_local(store, [folder])
    log.info("seeded folder=%s %s", folder, report.summary())
    return report
