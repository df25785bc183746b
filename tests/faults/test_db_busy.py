"""The database is busy: another connection holds the write lock (BEGIN IMMEDIATE) for a while.

A write command waits (busy timeout) and then succeeds; a read command is not held up at all (WAL readers never
wait for the writer); a lock held past the busy timeout gives a clear error reply and leaves nothing half-written.
The lock is released when the test says so, never after a time, so load on the machine cannot change an outcome.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.reply import Reply
from newsdigest.store.store import Store
from tests.conftest import StoreTarget

CHAT = ChatRef(Platform.TELEGRAM, "777")

pytestmark = [pytest.mark.timeout(120), pytest.mark.faults]


class WriteLockHolder:
    """Another process's view: a raw connection that takes the write lock, writes, and holds the lock until the test
    says `release()` (or the block ends). Nothing here waits for a time: the test decides when the lock goes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.locked, self.release_now, self.committed = threading.Event(), threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        store = Store(self.path)  # its own connections: SQLite's BEGIN IMMEDIATE, or PostgreSQL's write lock
        try:
            with store.write() as conn:
                conn.execute("INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES ('busy-test', 'x', '', '')")
                self.locked.set()
                self.release_now.wait(20)
            self.committed.set()
        finally:
            store.close()

    def release(self) -> None:
        self.release_now.set()

    def __enter__(self) -> WriteLockHolder:
        self.thread.start()
        assert self.locked.wait(5), "the holder never got the write lock"
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.thread.join(10)


@pytest.fixture
def short_busy_store(store_target: StoreTarget) -> Iterator[Store]:
    s = Store(store_target("short"), busy_timeout_ms=250)
    yield s
    s.close()


READS = ("/search tiktok", "/stories", "/timeline", "/digest", "/help", "/status", "/deadline")


def test_reads_are_answered_while_a_writer_holds_the_lock(seeded_core: Core) -> None:
    store = seeded_core.store
    for line in READS:  # the first /stories clusters the articles and stores the stories (a write); later ones read
        assert not seeded_core.answer(CHAT, line).error, line
    with WriteLockHolder(store.path):  # held until every read has its answer: a read that waited would deadlock
        replies = [seeded_core.answer(CHAT, line) for line in READS]  # ...into the busy error asserted away here
        assert not any(r.error for r in replies), [r.plain_text()[:80] for r in replies if r.error]
        assert "TikTok" in replies[0].plain_text()
        # the uncommitted row is invisible to readers meanwhile (snapshot isolation)
        assert store.query("SELECT count(*) FROM leases WHERE name = 'busy-test'")[0][0] == 0


def test_write_waits_for_the_lock_then_succeeds(seeded_core: Core) -> None:
    store = seeded_core.store
    done: list[tuple[Reply, bool]] = []

    def write() -> None:
        reply = seeded_core.answer(CHAT, "/subscribe 07:30 Europe/Berlin")
        done.append((reply, holder.committed.is_set()))

    with WriteLockHolder(store.path) as holder:
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(0.2)
        assert not done, "a write finished while another connection held the write lock"
        holder.release()
        writer.join(10)
    [(reply, after_commit)] = done
    assert not reply.error, reply.plain_text()
    assert after_commit, "the write cannot have committed while the lock was held"
    [sub] = store.subscriptions_for(CHAT)
    assert (sub.time, sub.tz) == ("07:30", "Europe/Berlin")
    assert store.query("SELECT count(*) FROM leases WHERE name = 'busy-test'")[0][0] == 1


def test_lock_held_past_the_busy_timeout_is_a_clear_error_and_writes_nothing(short_busy_store: Store) -> None:
    core = Core(short_busy_store, build_config({}), Clock(as_of=dt.date(2020, 9, 14)))
    with WriteLockHolder(short_busy_store.path):  # released only after the write gave up by itself
        reply = core.answer(CHAT, "/subscribe 07:30 Europe/Berlin")
        assert not core.answer(CHAT, "/help").error  # reads still work meanwhile
    assert reply.error
    text = reply.plain_text().lower()
    assert "try again" in text and "busy" in text
    # nothing half-written: neither the chat row nor the subscription exists, the transaction never began
    assert short_busy_store.subscriptions_for(CHAT, active_only=False) == []
    assert short_busy_store.query("SELECT count(*) FROM chats")[0][0] == 0
    assert short_busy_store.integrity_check() == "ok"
    # once the lock is gone the same command goes through
    assert not core.answer(CHAT, "/subscribe 07:30 Europe/Berlin").error
    assert len(short_busy_store.subscriptions_for(CHAT)) == 1
