"""Ingestion core: ArticleInput -> extract -> store. Every source (files, feeds, pages) ends here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from newsdigest.errors import StoreBusyError
from newsdigest.extract import extract
from newsdigest.extract.types import Extraction
from newsdigest.ingest.dates import refusal
from newsdigest.ingest.dedupe import (
    NEAR_DUP_DISTANCE,
    canonical_url,
    content_hash,
    find_near_duplicate,
    hamming,
    is_copy,
    simhash,
)
from newsdigest.ingest.files import MANIFESTS, ArticleFileError, iter_article_files, read_article
from newsdigest.ingest.updates import link_replacements
from newsdigest.models import ArticleInput
from newsdigest.ops.metrics import METRICS
from newsdigest.store.store import AddResult, ArticleWrite, IngestStore

log = logging.getLogger("newsdigest.ingest")
_EMPTY = Extraction(lang="und", published=None, title=None)  # stands in when the article is already known


T = TypeVar("T")
RETRIES = 3  # attempts at a write while another process holds the database (each waits the busy timeout)


def checked_input(inp: ArticleInput, fetched: dt.date) -> tuple[ArticleInput, list[str]]:
    """The article with its date inside the sane window (a refused date is dropped and noted), and the problems."""
    if inp.published is None:
        return inp, []
    reason = refusal(inp.published, fetched)
    if reason is None:
        return inp, []
    return dataclasses.replace(inp, published=None, date_note=reason), [f"{_label(inp)}: {reason}; filed under the ingest day"]


def _label(inp: ArticleInput) -> str:
    return inp.url or inp.guid or (f"“{inp.title[:80]}”" if inp.title else "entry")


def entry_changed(store: IngestStore, inp: ArticleInput) -> bool | None:
    """None: not known. False: known and unchanged. True: known by GUID or URL, and its source text changed."""
    found = store.find_article(guid=inp.guid, canonical_url=canonical_url(inp.url), content_hash=content_hash(inp.text))
    if found is None:
        return None
    article_id, matched_by = found
    return matched_by in ("guid", "url") and store.entry_hash(article_id) != (inp.entry_hash or content_hash(inp.text))


def _retrying(write: Callable[[], T]) -> T:
    """A write that waits out other writers: each attempt waits the busy timeout; the last failure propagates."""
    for attempt in range(1, RETRIES + 1):
        try:
            return write()
        except StoreBusyError:
            if attempt == RETRIES:
                raise
            log.warning("database busy, retrying write attempt=%d", attempt)
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def ingest_article(store: IngestStore, inp: ArticleInput, *, feed_id: int | None = None) -> AddResult:
    """Store one article unless it is known; known ones only gain a source, changed ones are updated. Idempotent.

    Known means the same GUID, canonical URL or content hash — or a near-duplicate (SimHash) of a
    recent article, so a syndicated copy becomes another source of the original. Known by GUID or URL with a
    changed text is an update: text, extraction, key points and key dates are replaced.
    Raises StoreBusyError when the database stayed locked through every retry (nothing was stored).
    """
    started = time.perf_counter()
    inp, _ = checked_input(inp, store.now().date())
    chash = content_hash(inp.text)
    curl = canonical_url(inp.url)
    found = store.find_article(guid=inp.guid, canonical_url=curl, content_hash=chash)
    if found is not None:
        article_id, matched_by = found
        if matched_by in ("guid", "url") and store.entry_hash(article_id) != (inp.entry_hash or chash):
            result = _update(store, article_id, inp, chash, curl, feed_id)
        else:
            result = _retrying(lambda: store.add_article(inp, _EMPTY, content_hash=chash, canonical_url=curl,
                                                         feed_id=feed_id))
        _log(result, inp, started)
        return result
    value = simhash(inp.text)
    original = find_near_duplicate(store, inp.text, value)
    if original is not None:
        return _retrying(lambda: store.add_article(inp, _EMPTY, content_hash=chash, canonical_url=curl, simhash=value,
                                                   feed_id=feed_id, duplicate_of=original))
    extraction = extract(inp.text, published=inp.published, lang=inp.lang, title=inp.title)
    result = _retrying(lambda: store.add_article(inp, extraction, content_hash=chash, canonical_url=curl,
                                                 simhash=value, feed_id=feed_id))
    if result.created:
        METRICS.article_ingested()
    _log(result, inp, started)
    return result


def _update(store: IngestStore, article_id: int, inp: ArticleInput, chash: str, curl: str | None,
            feed_id: int | None) -> AddResult:
    stored = store.article(article_id, with_text=False)
    published = stored.published if stored is not None else inp.published
    extraction = extract(inp.text, published=published, lang=inp.lang, title=inp.title)
    extraction = link_replacements(store.previous_extraction(article_id), extraction)
    return _retrying(lambda: store.update_article(article_id, inp, extraction, content_hash=chash, canonical_url=curl,
                                                  simhash=simhash(inp.text), feed_id=feed_id))


def _log(result: AddResult, inp: ArticleInput, started: float) -> None:
    log.info(
        "ingest article=%s created=%s updated=%s matched_by=%s source=%s ms=%.1f",
        result.article_id, result.created, result.updated, result.matched_by, inp.source or inp.url or "local",
        (time.perf_counter() - started) * 1000,
    )


@dataclass
class IngestReport:
    """What one ingest run did. `failed` entries were NOT stored; `problems` were stored with a caveat."""

    created: int = 0
    known: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # not stored: why
    problems: list[str] = field(default_factory=list)  # stored, but: refused date, headline only, bytes replaced

    def count(self, result: AddResult) -> None:
        if result.created:
            self.created += 1
        elif result.updated:
            self.updated += 1
        else:
            self.known += 1

    def merge(self, other: IngestReport) -> None:
        self.created += other.created
        self.known += other.known
        self.updated += other.updated
        self.errors.extend(other.errors)
        self.problems.extend(other.problems)

    def summary(self) -> str:
        parts = [f"{self.created} new"]
        if self.updated:
            parts.append(f"{self.updated} updated")
        parts.append(f"{self.known} already known")
        if self.errors:
            parts.append(f"{len(self.errors)} failed")
        if self.problems:
            parts.append(f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """One line per failure and per problem, for the CLI and logs."""
        return [f"failed: {e}" for e in self.errors] + [f"problem: {p}" for p in self.problems]

    def feed_problems(self) -> list[str]:
        """The lines a feed remembers (`/feeds` lists them under "latest problems", which already says problem)."""
        return [f"failed: {e}" for e in self.errors] + list(self.problems)


def ingest_entry(store: IngestStore, inp: ArticleInput, report: IngestReport, *, feed_id: int | None = None) -> None:
    """Ingest one article into `report`: a failure is recorded (nothing stored), never raised, never counted as done."""
    inp, problems = checked_input(inp, store.now().date())
    try:
        result = ingest_article(store, inp, feed_id=feed_id)
    except StoreBusyError as exc:
        report.errors.append(f"{_label(inp)}: not stored, the database stayed busy ({exc})")
        return
    except Exception as exc:  # one bad entry (or an extractor bug) must not lose the rest
        log.exception("entry failed entry=%s", _label(inp))
        report.errors.append(f"{_label(inp)}: not stored, internal error ({type(exc).__name__}), logged")
        return
    report.count(result)
    report.problems.extend(problems)


BATCH = 100  # new articles an import writes per transaction (a crash loses at most these, none acknowledged)


@dataclass
class _Batch:
    """New articles of an import waiting for their one write: what a later file must not be a copy of."""

    writes: list[ArticleWrite] = field(default_factory=list)
    problems: list[list[str]] = field(default_factory=list)

    def copied_by(self, text: str, value: int | None) -> bool:
        """Whether `text` is a near-duplicate of an article of the batch (which the store cannot see yet)."""
        if value is None:
            return False
        return any(w.simhash is not None and hamming(value, w.simhash) <= NEAR_DUP_DISTANCE and is_copy(text, w.inp.text)
                   for w in self.writes)


def _new_write(store: IngestStore, inp: ArticleInput, batch: _Batch) -> ArticleWrite | None:
    """The write for an article nobody has yet, extracted; None for a known one, an update or a copy, which take
    `ingest_entry`'s way (after the batch is written, so it sees the batch)."""
    chash, curl = content_hash(inp.text), canonical_url(inp.url)
    if store.find_article(guid=inp.guid, canonical_url=curl, content_hash=chash) is not None:
        return None
    value = simhash(inp.text)
    if batch.copied_by(inp.text, value) or find_near_duplicate(store, inp.text, value) is not None:
        return None
    extraction = extract(inp.text, published=inp.published, lang=inp.lang, title=inp.title)
    return ArticleWrite(inp, extraction, content_hash=chash, canonical_url=curl, simhash=value)


def _write_batch(store: IngestStore, batch: _Batch, report: IngestReport) -> None:
    """The batch's articles in one transaction, counted into `report` once committed; on failure none is stored."""
    if not batch.writes:
        return
    started = time.perf_counter()
    writes, problems = batch.writes, batch.problems
    batch.writes, batch.problems = [], []
    try:
        results = _retrying(lambda: store.add_articles(writes))
    except StoreBusyError as exc:
        report.errors += [f"{_label(w.inp)}: not stored, the database stayed busy ({exc})" for w in writes]
        return
    except Exception as exc:  # a store or driver failure: the whole batch was rolled back
        log.exception("batch failed articles=%d", len(writes))
        report.errors += [f"{_label(w.inp)}: not stored, internal error ({type(exc).__name__}), logged" for w in writes]
        return
    for w, result, found in zip(writes, results, problems, strict=True):
        if result.created:
            METRICS.article_ingested()
        report.count(result)
        report.problems.extend(found)
        _log(result, w.inp, started)


def ingest_local(
    store: IngestStore,
    paths: list[Path],
    *,
    published: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, never aborts the rest. New articles are
    written `batch_size` to a transaction (on PostgreSQL a transaction per article cost most of an import's time)."""
    report = IngestReport()
    batch = _Batch()
    files = list(iter_article_files(paths))
    for i, (path, entry) in enumerate(files, 1):
        try:
            read = read_article(path, published=published, entry=entry)
            inp, problems = checked_input(read, store.now().date())
            write = _new_write(store, inp, batch)
        except ArticleFileError as exc:
            report.errors.append(str(exc))
        except Exception as exc:  # one bad entry (or an extractor bug) must not lose the rest
            log.exception("entry failed file=%s", path)
            report.errors.append(f"{path}: not stored, internal error ({type(exc).__name__}), logged")
        else:
            if write is None:
                _write_batch(store, batch, report)
                ingest_entry(store, read, report)
            else:
                batch.writes.append(write)
                batch.problems.append(problems)
                if len(batch.writes) >= batch_size:
                    _write_batch(store, batch, report)
        if progress:
            progress(i, len(files))
    _write_batch(store, batch, report)
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
