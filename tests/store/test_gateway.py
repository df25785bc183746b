"""The concurrency rule: the event loop never runs store work; writes go to the one writer thread.

A `WatchedStore` records, for every public store method, the thread it ran on. The tests drive the real
consumers (delivery ledger, scheduler, poller, command core) inside a running loop and then check the record.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.digests.delivery import Deliverer
from newsdigest.digests.scheduler import DigestScheduler
from newsdigest.handlers import Core
from newsdigest.ingest.poller import poll_once
from newsdigest.models import ChatRef, Platform
from newsdigest.store.gateway import Gateway
from newsdigest.store.store import Store
from tests.conftest import StoreTarget
from tests.digests.fakes import FakeSender
from tests.fakes.feed_server import FeedServer, Item, rss

CHAT = ChatRef(Platform.TELEGRAM, "4242")
T0 = dt.datetime(2020, 9, 14, 5, 0, tzinfo=dt.UTC)
WRITES = {"claim_delivery", "note_composed", "note_composed_many", "finish_delivery", "finish_deliveries",
          "note_attempt_failed", "subscribe", "unsubscribe",
          "record_feed_success", "record_feed_error", "add_feed", "add_article", "register_chat", "deactivate_chat",
          "migrate_chat", "acquire_lease", "release_lease", "set_chat_lang"}


class WatchedStore(Store):
    """Records (method, thread ident, on the writer?) for every public method call, and the thread's name."""

    def __init__(self, path: str | Path, **kwargs: Any) -> None:
        self.calls: list[tuple[str, int, bool]] = []
        self.thread_names: dict[int, str] = {}  # thread ident -> name
        super().__init__(path, **kwargs)
        for name in dir(Store):
            attr = getattr(Store, name)
            if name.startswith("_") or not callable(attr) or name in ("close", "close_connections", "write"):
                continue
            setattr(self, name, self._watch(name, getattr(self, name)))

    def _watch(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def watched(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, threading.get_ident(), self.gateway.on_writer()))
            self.thread_names[threading.get_ident()] = threading.current_thread().name
            return fn(*args, **kwargs)

        return watched

    def on_thread(self, ident: int) -> list[str]:
        return [name for name, thread, _ in self.calls if thread == ident]

    def writes_off_the_writer(self) -> list[str]:
        """Writes neither on the writer nor (PostgreSQL, where row locks suffice) on the gateway's ledger lane."""
        return [name for name, thread, writer in self.calls if name in WRITES and not writer
                and not (self.supports_workers and "-ledger" in self.thread_names[thread])]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def watched(store_target: StoreTarget, clock: FakeClock) -> Iterator[WatchedStore]:
    store = WatchedStore(store_target("watched"), now=clock.now)
    yield store
    store.close()


async def test_gateway_runs_writes_on_one_thread_and_reads_beside_it() -> None:
    gw = Gateway(readers=2)
    try:
        writers = {await gw.write(threading.get_ident) for _ in range(20)}
        readers = set(await asyncio.gather(*(gw.read(threading.get_ident) for _ in range(20))))
        assert len(writers) == 1
        assert threading.get_ident() not in writers | readers  # never the loop's thread
        assert not writers & readers
        assert await gw.write(gw.on_writer) and not await gw.read(gw.on_writer)
    finally:
        gw.close()


async def test_the_urgent_and_ledger_lanes_are_threads_of_their_own() -> None:
    """A lease renewal and a broadcast's ledger marks never wait behind the writer (or each other)."""
    gw = Gateway(readers=1)
    release = threading.Event()
    try:
        blocked = asyncio.ensure_future(gw.write(release.wait, 30))  # the writer is busy
        ledger = {await gw.ledger(threading.get_ident) for _ in range(5)}
        urgent = {await gw.urgent(threading.get_ident) for _ in range(5)}
        assert not blocked.done() and len(ledger) == 1 and len(urgent) == 1 and ledger != urgent
        release.set()
        assert await blocked is True and await gw.write(threading.get_ident) not in ledger | urgent
    finally:
        gw.close()


async def test_a_blocked_store_call_does_not_block_the_loop() -> None:
    """While a write waits (a locked database, a slow disk), the loop goes on serving coroutines."""
    gw = Gateway()
    release = threading.Event()
    try:
        blocked = asyncio.ensure_future(gw.write(release.wait, 30))
        await asyncio.sleep(0)
        assert not blocked.done()
        release.set()  # only reachable because the loop was free while the write waited
        assert await blocked is True
    finally:
        gw.close()


async def test_delivery_and_scheduler_keep_store_work_off_the_loop(watched: WatchedStore, clock: FakeClock) -> None:
    watched.subscribe(CHAT, time="07:00", tz="Europe/Berlin")
    sender = FakeSender(now=clock.now)
    deliverer = Deliverer(watched, build_config({}), clock, {"telegram": sender})
    scheduler = DigestScheduler(deliverer)
    watched.calls.clear()
    assert await scheduler.refresh() == 1
    results = await deliverer.catch_up()
    assert [r.status for r in results] == ["sent"] and len(sender.sent) == 1
    assert await deliverer.catch_up() == []  # settled in the ledger
    assert watched.on_thread(threading.get_ident()) == []
    assert {"enqueue_deliveries", "claim_pending", "note_composed_many", "finish_deliveries"} <= {
        name for name, _, _ in watched.calls}
    assert watched.writes_off_the_writer() == []


async def test_polling_keeps_store_work_off_the_loop(watched: WatchedStore, clock: FakeClock) -> None:
    text = ("The council gave the operators until the end of March to file their plans. After that date the "
            "regulator decides on the licences, which cover several regions and many thousands of customers.")
    with FeedServer() as srv:
        srv.route("/feed.xml", rss([Item("Licences", text, link="https://n.example/l", guid="l1")], title="Ticker"))
        config = build_config({"ingest": {"allow_hosts": ["127.0.0.1:*"], "fetch_pages": False}})
        watched.add_feed(srv.url("/feed.xml"))
        watched.calls.clear()
        report = await poll_once(watched, config, clock=clock)
    assert report.created == 1 and not report.failed
    assert watched.on_thread(threading.get_ident()) == []
    assert {"record_feed_success", "add_article"} <= {name for name, _, _ in watched.calls}
    assert watched.writes_off_the_writer() == []


async def test_commands_answer_off_the_loop_and_write_on_the_writer(watched: WatchedStore, clock: FakeClock) -> None:
    core = Core(store=watched, config=build_config({}), clock=clock)
    watched.calls.clear()
    reply = await core.respond(CHAT, "/subscribe 07:30 Europe/Berlin", "7", "en", title="News room")
    assert not reply.error
    assert not (await core.respond(CHAT, "/feeds", "7")).error
    assert (await core.respond(CHAT, "/nonsense", "7")).error
    assert watched.on_thread(threading.get_ident()) == []
    assert {"register_chat", "subscribe"} <= {name for name, _, _ in watched.calls}
    assert watched.writes_off_the_writer() == []
    assert [s.time for s in watched.subscriptions()] == ["07:30"]
