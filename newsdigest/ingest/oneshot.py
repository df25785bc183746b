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
from newsdigest.ingest.feeds import FeedError, discover_feed_links, document_kind, parse_feed
from newsdigest.ingest.fetch import Fetcher, Resolver, no_running_loop, system_resolver
from newsdigest.ingest.pages import extract_page, page_article
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.ingest.poller import ANY_ACCEPT, new_worker, next_poll_at
from newsdigest.models import Feed
from newsdigest.store.store import IngestStore


class NotAFeedError(FeedError):
    """The URL is a web page, not a feed; `candidates` lists feeds the page announces."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass
class UrlIngestReport:
    url: str
    kind: str  # feed | page
    title: str | None = None
    created: int = 0
    known: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        name = f" “{self.title}”" if self.title else ""
        parts = [f"{self.created} new", f"{self.known} already known"]
        if self.errors:
            parts.append(f"{len(self.errors)} problems")
        return f"{self.kind}{name}: " + ", ".join(parts)

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
            return UrlIngestReport(url, "feed", parsed.title, counts.created, counts.known, counts.errors)
    page = await store.gateway.read(extract_page, result.content, result.url)
    added = await store.gateway.write(ingest_article, store, page_article(page, published=published))
    return UrlIngestReport(url, "page", page.title, int(added.created), int(not added.created))


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
    warnings: list[str]


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
        if document_kind(result.content, result.content_type) == "page":
            raise NotAFeedError("this is a web page, not an RSS or Atom feed",
                                discover_feed_links(result.content, result.url))
        parsed = await store.gateway.read(parse_feed, result.content, url=result.url, content_type=result.content_type)
        feed, new = await store.gateway.write(store.add_feed, url, title=parsed.title, added_by=added_by)
        worker = new_worker(store, config.ingest, fetcher, clock, random.Random())
        counts = await worker.ingest_parsed(parsed, feed_id=feed.id)
    now = clock.now()
    await store.gateway.write(
        store.record_feed_success, feed.id, now=now, next_poll=next_poll_at(now, config.ingest.interval_minutes, 0, worker.rng),
        etag=result.etag, last_modified=result.last_modified, title=parsed.title, new_items=counts.created,
    )
    return AddFeedOutcome(feed, new, parsed.title, counts.created, counts.known, counts.errors)
