"""One-shot URL ingestion: `newsdigest ingest URL` (a feed's entries or one page) and `/addfeed` (check, then follow).

Both fetch once through the same Fetcher and Worker the poller uses, so a broken feed is reported before anything
is stored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from dataclasses import dataclass, field

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.ingest.feeds import NotAFeedError, document_kind, parse_feed, parse_feed_result
from newsdigest.ingest.fetch import Fetcher, Resolver, no_running_loop, system_resolver
from newsdigest.ingest.pages import extract_page, page_article
from newsdigest.ingest.pipeline import IngestReport, ingest_entry
from newsdigest.ingest.poller import ANY_ACCEPT, new_worker, next_poll_at
from newsdigest.models import Feed
from newsdigest.store.store import IngestStore

__all__ = ["AddFeedOutcome", "NotAFeedError", "UrlIngestReport", "add_feed_checked", "ingest_url_async", "ingest_url_sync"]


@dataclass
class UrlIngestReport:
    url: str
    kind: str  # feed | page
    title: str | None = None
    report: IngestReport = field(default_factory=IngestReport)

    @property
    def created(self) -> int:
        return self.report.created

    @property
    def known(self) -> int:
        return self.report.known

    @property
    def errors(self) -> list[str]:
        """Entries NOT stored."""
        return self.report.errors

    @property
    def problems(self) -> list[str]:
        return self.report.problems

    def summary(self) -> str:
        name = f" “{self.title}”" if self.title else ""
        return f"{self.kind}{name}: {self.report.summary()}"

    def lines(self) -> list[str]:
        return self.report.lines()

    def __str__(self) -> str:
        return self.summary()


async def ingest_url_async(
    store: IngestStore, config: Config, url: str, *, published: dt.date | None = None, resolver: Resolver = system_resolver
) -> UrlIngestReport:
    """Fetch a URL once: a feed has its entries ingested (teasers completed), a page is ingested as one article."""
    async with Fetcher(config.ingest, resolver=resolver) as fetcher:
        result = await fetcher.fetch(url, accept=ANY_ACCEPT)
        worker = new_worker(store, config.ingest, fetcher, Clock(), random.Random())
        if document_kind(result.content, result.content_type) != "page":
            parsed = await store.gateway.read(parse_feed, result.content, url=result.url,
                                              content_type=result.content_type)
            known_feed = await store.gateway.read(store.feed, url)
            counts = await worker.ingest_parsed(parsed, feed_id=known_feed.id if known_feed else None)
            return UrlIngestReport(url, "feed", parsed.title, counts)
    page = await store.gateway.read(extract_page, result.content, result.url)
    report = IngestReport()
    await store.gateway.write(ingest_entry, store, page_article(page, published=published), report)
    return UrlIngestReport(url, "page", page.title, report)


def ingest_url_sync(store: IngestStore, config: Config, url: str, *, published: dt.date | None = None) -> UrlIngestReport:
    """`newsdigest ingest URL` from sync code with no event loop (the CLI). Raises FetchError, FeedError or
    PageError with a readable reason. Coroutines await `ingest_url_async` instead (one loop, never nested)."""
    no_running_loop("ingest_url_sync")
    return asyncio.run(ingest_url_async(store, config, url, published=published))


@dataclass
class AddFeedOutcome:
    feed: Feed
    new: bool  # False: it was already followed
    title: str | None
    created: int
    known: int
    warnings: list[str]  # one line per failure and problem
    updated: int = 0


async def add_feed_checked(
    store: IngestStore,
    config: Config,
    url: str,
    *,
    added_by: str | None = None,
    clock: Clock | None = None,
    resolver: Resolver = system_resolver,
) -> AddFeedOutcome:
    """`addfeed`: fetch and parse once (so a broken feed is reported at once), then store it and its entries.
    Raises FetchError, FeedError (NotAFeedError with the feeds a page announces) before anything is stored."""
    clock = clock or Clock()
    async with Fetcher(config.ingest, resolver=resolver) as fetcher:
        result = await fetcher.fetch(url)
        parsed = await store.gateway.read(parse_feed_result, result)
        feed, new = await store.gateway.write(store.add_feed, url, title=parsed.title, added_by=added_by)
        worker = new_worker(store, config.ingest, fetcher, clock, random.Random())
        counts = await worker.ingest_parsed(parsed, feed_id=feed.id)
    now = clock.now()
    await store.gateway.write(
        store.record_feed_success, feed.id, now=now, next_poll=next_poll_at(now, config.ingest.interval_minutes, 0, worker.rng),
        etag=result.etag, last_modified=result.last_modified, title=parsed.title, new_items=counts.created,
    )
    if counts.lines():
        await store.gateway.write(store.record_feed_problems, feed.id, counts.feed_problems(), now=now)
    return AddFeedOutcome(feed, new, parsed.title, counts.created, counts.known, counts.lines(), counts.updated)
