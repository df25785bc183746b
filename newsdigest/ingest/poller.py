"""Feed polling: fetch -> parse -> complete teasers from their pages -> dedupe -> extract -> store.

`Poller` runs inside `newsdigest run` as one asyncio task: per-feed interval with jitter, exponential
backoff on errors, a bounded pool of concurrent fetches, health written to the feeds table. `poll_once`
is the same work for the CLI and tests; one-shot URLs (`newsdigest ingest URL`, `/addfeed`) are in oneshot.py.
SQLite and extraction are synchronous: they run behind the store's gateway (store/gateway.py), writes and the
extraction that feeds them on its one writer thread, parsing and reads on its reader threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from newsdigest.clock import Clock
from newsdigest.config import Config, IngestConfig
from newsdigest.ingest.feeds import FeedError, ParsedFeed, parse_feed_result
from newsdigest.ingest.fetch import FEED_ACCEPT, Fetcher, FetchError, Resolver, system_resolver
from newsdigest.ingest.pages import complete_entry
from newsdigest.ingest.pipeline import IngestReport, entry_changed, ingest_entry
from newsdigest.models import ArticleInput, Feed
from newsdigest.ops.metrics import METRICS
from newsdigest.store.gateway import Gateway
from newsdigest.store.store import IngestStore

log = logging.getLogger("newsdigest.ingest.poller")
T = TypeVar("T")

JITTER = 0.1  # +-10% on every interval, so feeds added together drift apart
MAX_BACKOFF = dt.timedelta(hours=24)
ANY_ACCEPT = FEED_ACCEPT.replace("*/*;q=0.5", "text/html;q=0.8, */*;q=0.5")


# -- scheduling (pure) ----------------------------------------------------------------------------------


def next_poll_at(
    now: dt.datetime,
    interval_minutes: int,
    errors: int,
    rng: random.Random,
    *,
    retry_after: float | None = None,
) -> dt.datetime:
    """When to poll next: the interval with jitter; after `errors` consecutive failures, the interval doubled
    per further failure, capped at MAX_BACKOFF (or the interval, when that is longer); never before Retry-After."""
    interval = dt.timedelta(minutes=interval_minutes)
    delay = interval
    if errors > 1:
        delay = min(interval * (2 ** min(errors - 1, 20)), max(MAX_BACKOFF, interval))
    delay *= 1 + rng.uniform(-JITTER, JITTER)
    if retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=retry_after))
    return now + delay


# -- storing ---------------------------------------------------------------------------------------------


def ingest_many(store: IngestStore, articles: Sequence[ArticleInput], *, feed_id: int | None) -> IngestReport:
    """Store a feed's articles one by one: each is stored, updated, known, or recorded as failed."""
    report = IngestReport()
    for inp in articles:
        if not inp.text.strip():
            report.problems.append(f"{inp.url or inp.guid or '?'}: entry without text, skipped")
            continue
        ingest_entry(store, inp, report, feed_id=feed_id)
    return report


# -- one feed --------------------------------------------------------------------------------------------


@dataclass
class Worker:
    """Shared state of one polling run: fetcher, limits and clock (the gateway's writer serialises writes)."""

    store: IngestStore
    cfg: IngestConfig
    fetcher: Fetcher
    clock: Clock
    rng: random.Random
    fetch_slots: asyncio.Semaphore
    page_slots: asyncio.Semaphore

    @property
    def gateway(self) -> Gateway:
        return self.store.gateway

    async def ingest_parsed(self, parsed: ParsedFeed, *, feed_id: int | None) -> IngestReport:
        """Store a parsed feed's entries; new or changed teasers are first completed from their pages."""
        entries = parsed.entries
        changed = await self.gateway.read(lambda: [entry_changed(self.store, e.article) for e in entries])
        page_errors: list[str] = []

        async def complete(inp: ArticleInput) -> ArticleInput:
            async with self.page_slots:
                full, error = await complete_entry(self.fetcher, inp)
            if error:
                page_errors.append(error)
            return full

        jobs: list[Awaitable[ArticleInput]] = []
        for entry, change in zip(entries, changed, strict=True):
            if change is not False and entry.summary_only and self.cfg.fetch_pages:
                jobs.append(complete(entry.article))
            else:
                jobs.append(_ready(entry.article))
        articles = await asyncio.gather(*jobs)
        headlines = [f"{a.url or a.guid or '?'} “{(a.title or '')[:60]}”: no text, stored as a headline only"
                     for e, a in zip(entries, articles, strict=True) if e.headline_only and a.text == e.article.text]
        report = IngestReport(problems=[*parsed.problems, *page_errors, *headlines])
        for article in articles:  # one writer job per article: a command's write waits for one, not a whole feed
            report.merge(await self.gateway.write(ingest_many, self.store, [article], feed_id=feed_id))
        return report

    async def poll(self, feed: Feed) -> FeedPollResult:
        """Poll one feed and record its health; never raises for a broken feed."""
        async with self.fetch_slots:
            return await self._poll(feed)

    async def _poll(self, feed: Feed) -> FeedPollResult:
        started = time.perf_counter()
        interval = await self.gateway.read(self.store.feed_interval, feed.id) or self.cfg.interval_minutes
        try:
            result = await self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            if result.not_modified:
                out = FeedPollResult(feed.url, "not-modified")
                etag, last_modified, title, counts = None, None, None, IngestReport()
            else:
                parsed = await self.gateway.read(parse_feed_result, result)
                counts = await self.ingest_parsed(parsed, feed_id=feed.id)
                out = FeedPollResult(feed.url, "ok", counts.created, counts.known, warnings=counts.lines(),
                                     updated=counts.updated)
                etag, last_modified, title = result.etag, result.last_modified, parsed.title
                if counts.errors:  # entries not stored: no validators, so the next poll gets them again (no 304)
                    etag = last_modified = None
        except (FetchError, FeedError) as exc:
            return await self._failed(feed, interval, str(exc), getattr(exc, "retry_after", None), started)
        except Exception as exc:  # a bug must not stop the poller; the feed shows the error
            log.exception("poll crashed feed=%s", feed.url)
            return await self._failed(feed, interval, f"internal error ({type(exc).__name__}), logged", None, started)
        now = self.clock.now()
        out.next_poll = next_poll_at(now, interval, 0, self.rng)
        await self.gateway.write(self.store.record_feed_success, feed.id, now=now, next_poll=out.next_poll, etag=etag,
                      last_modified=last_modified, title=title, new_items=counts.created,
                      not_modified=out.status == "not-modified")
        if counts.lines():
            await self.gateway.write(self.store.record_feed_problems, feed.id, counts.feed_problems(), now=now)
        log.info("poll feed=%s status=%s new=%d known=%d ms=%.0f", feed.url, out.status, out.created, out.known,
                 (time.perf_counter() - started) * 1000)
        return out

    async def _failed(self, feed: Feed, interval: int, error: str, retry_after: float | None, started: float
                      ) -> FeedPollResult:
        now = self.clock.now()
        next_poll = next_poll_at(now, interval, feed.error_count + 1, self.rng, retry_after=retry_after)
        await self.gateway.write(self.store.record_feed_error, feed.id, error, now=now, next_poll=next_poll)
        METRICS.feed_error(feed.url)
        log.warning("poll feed=%s status=error error=%r next=%s ms=%.0f", feed.url, error, next_poll.isoformat(),
                    (time.perf_counter() - started) * 1000)
        return FeedPollResult(feed.url, "error", error=error, next_poll=next_poll)


async def _ready(value: T) -> T:
    return value


@dataclass
class FeedPollResult:
    url: str
    status: str  # ok | not-modified | error
    created: int = 0
    known: int = 0
    error: str | None = None
    next_poll: dt.datetime | None = None
    warnings: list[str] = field(default_factory=list)  # one line per failure and problem
    updated: int = 0


@dataclass
class PollReport:
    results: list[FeedPollResult] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(r.created for r in self.results)

    @property
    def known(self) -> int:
        return sum(r.known for r in self.results)

    @property
    def failed(self) -> list[FeedPollResult]:
        return [r for r in self.results if r.status == "error"]

    def summary(self) -> str:
        unchanged = sum(r.status == "not-modified" for r in self.results)
        return (f"{len(self.results)} feeds polled: {self.created} new articles, {self.known} already known, "
                f"{unchanged} unchanged, {len(self.failed)} failed")


def new_worker(store: IngestStore, cfg: IngestConfig, fetcher: Fetcher, clock: Clock, rng: random.Random) -> Worker:
    """A Worker with its own fetch and page-completion limits (one per poll round or one-shot fetch)."""
    return Worker(store, cfg, fetcher, clock, rng, asyncio.Semaphore(cfg.concurrency), asyncio.Semaphore(cfg.concurrency))


async def poll_once(
    store: IngestStore,
    config: Config,
    *,
    clock: Clock | None = None,
    fetcher: Fetcher | None = None,
    due_only: bool = False,
    rng: random.Random | None = None,
    resolver: Resolver = system_resolver,
) -> PollReport:
    """Poll every active feed (or only the due ones) once, `concurrency` at a time."""
    clock = clock or Clock()
    async with contextlib.AsyncExitStack() as stack:
        if fetcher is None:
            fetcher = await stack.enter_async_context(Fetcher(config.ingest, resolver=resolver))
        worker = new_worker(store, config.ingest, fetcher, clock, rng or random.Random())
        feeds = await (store.gateway.read(store.due_feeds, clock.now()) if due_only else store.gateway.read(store.feeds))
        results = await asyncio.gather(*(worker.poll(f) for f in feeds))
    return PollReport(list(results))


def seed_config_feeds(store: IngestStore, config: Config) -> int:
    """Add `[ingest] feeds` not yet in the table (a feed an admin removed stays removed)."""
    added = 0
    for url in config.ingest.feeds:
        if store.feed(url) is None:
            store.add_feed(url, added_by="config")
            added += 1
    return added


class Poller:
    """The polling task of `newsdigest run`: `task = asyncio.create_task(poller.run())`, later `poller.stop()`."""

    def __init__(
        self,
        store: IngestStore,
        config: Config,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        resolver: Resolver = system_resolver,
        max_sleep: float = 60.0,
        after_new_articles: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock or Clock()
        self.rng = rng or random.Random()
        self.resolver = resolver
        self.max_sleep = max_sleep
        self.after_new_articles = after_new_articles  # app.py: cluster them on the writer, off the read paths
        self.last_report: PollReport | None = None
        self._stop = asyncio.Event()

    def stop(self) -> None:
        """Ask `run()` to return: an ongoing batch is cancelled (each feed's writes are atomic)."""
        self._stop.set()

    async def run(self) -> None:
        added = await self.store.gateway.write(seed_config_feeds, self.store, self.config)
        if added:
            log.info("feeds seeded from config count=%d", added)
        async with Fetcher(self.config.ingest, resolver=self.resolver) as fetcher:
            worker = new_worker(self.store, self.config.ingest, fetcher, self.clock, self.rng)
            while not self._stop.is_set():
                if not await self._until_stopped(self._batch(worker)):
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), await self.store.gateway.read(self._sleep_seconds))
        log.info("poller stopped")

    async def _batch(self, worker: Worker) -> None:
        feeds = await self.store.gateway.read(self.store.due_feeds, self.clock.now())
        if feeds:
            self.last_report = PollReport(list(await asyncio.gather(*(worker.poll(f) for f in feeds))))
            if self.last_report.created and self.after_new_articles is not None:
                await self.after_new_articles()
            METRICS.poll_finished()
            log.info("poll batch %s", self.last_report.summary())

    async def _until_stopped(self, work: Awaitable[None]) -> bool:
        """Run `work` unless stop() comes first; False when stopped."""
        task = asyncio.ensure_future(work)
        stopper = asyncio.ensure_future(self._stop.wait())
        done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for pending in (task, stopper):
            if pending not in done:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
        if task in done:
            task.result()  # surface a crash of the batch itself
            return True
        return False

    def _sleep_seconds(self) -> float:
        due = self.store.next_poll_due()
        if due is None:
            return self.max_sleep if not self.store.due_feeds(self.clock.now()) else 0.0
        return min(self.max_sleep, max(1.0, (due - self.clock.now()).total_seconds()))
