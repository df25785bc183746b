"""The database is busy: another connection holds the write lock (BEGIN IMMEDIATE) for a while.

A write command waits (busy timeout) and then succeeds; a read command is not held up at all (WAL readers never
wait for the writer); a lock held past the busy timeout gives a clear error reply and leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store

CHAT = ChatRef(Platform.TELEGRAM, "777")
HOLD_SECONDS = 1.0

pytestmark = pytest.mark.timeout(30)


class WriteLockHolder:
    """Another process's view: a raw connection that takes the write lock, writes, holds it, then commits."""

    def __init__(self, path: str, hold: float) -> None:
        self.path, self.hold = path, hold
        self.locked, self.released_at = threading.Event(), 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES ('busy-test', 'x', '', '')")
            self.locked.set()
            time.sleep(self.hold)
            self.released_at = time.monotonic()
            conn.execute("COMMIT")
        finally:
            conn.close()

    def __enter__(self) -> WriteLockHolder:
        self.thread.start()
        assert self.locked.wait(5), "the holder never got the write lock"
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(10)


@pytest.fixture
def short_busy_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    s = Store(tmp_path / "short.db", busy_timeout_ms=250)
    yield s
    s.close()


READS = ("/search tiktok", "/stories", "/timeline", "/digest", "/help")


def test_write_waits_for_the_lock_and_reads_are_not_blocked(seeded_core: Core) -> None:
    store = seeded_core.store
    for line in READS:  # warm caches and imports, so the timings below measure waiting only
        assert not seeded_core.answer(CHAT, line).error, line
    with WriteLockHolder(store.path, HOLD_SECONDS) as holder:
        started = time.monotonic()
        replies = [seeded_core.answer(CHAT, line) for line in READS]
        read_seconds = time.monotonic() - started
        assert not any(r.error for r in replies), [r.plain_text()[:80] for r in replies if r.error]
        assert "TikTok" in replies[0].plain_text()
        assert read_seconds < HOLD_SECONDS / 2, f"{len(READS)} read commands waited {read_seconds:.2f}s for the writer"
        # the uncommitted row is invisible to readers meanwhile (snapshot isolation)
        assert store.query("SELECT count(*) FROM leases WHERE name = 'busy-test'")[0][0] == 0

        started = time.monotonic()
        reply = seeded_core.answer(CHAT, "/subscribe 07:30 Europe/Berlin")
        finished = time.monotonic()
    assert not reply.error, reply.plain_text()
    assert finished >= holder.released_at, "the write cannot have committed while the lock was held"
    assert finished - started >= HOLD_SECONDS * 0.5
    [sub] = store.subscriptions_for(CHAT)
    assert (sub.time, sub.tz) == ("07:30", "Europe/Berlin")
    assert store.query("SELECT count(*) FROM leases WHERE name = 'busy-test'")[0][0] == 1


@pytest.mark.parametrize("line", ["/status", "/deadline"])
def test_status_and_deadline_are_not_blocked_by_a_writer(seeded_core: Core, line: str) -> None:
    assert not seeded_core.answer(CHAT, line).error  # warm
    with WriteLockHolder(seeded_core.store.path, 0.6):
        started = time.monotonic()
        reply = seeded_core.answer(CHAT, line)
        waited = time.monotonic() - started
    assert not reply.error and waited < 0.3, f"{line} waited {waited:.2f}s"


def test_lock_held_past_the_busy_timeout_is_a_clear_error_and_writes_nothing(short_busy_store: Store) -> None:
    core = Core(short_busy_store, build_config({}), Clock(as_of=dt.date(2020, 9, 14)))
    with WriteLockHolder(short_busy_store.path, HOLD_SECONDS):
        started = time.monotonic()
        reply = core.answer(CHAT, "/subscribe 07:30 Europe/Berlin")
        waited = time.monotonic() - started
        assert not core.answer(CHAT, "/help").error  # reads still work meanwhile
    assert reply.error
    assert "try again" in reply.plain_text().lower()
    assert 0.2 <= waited < HOLD_SECONDS, f"gave up after {waited:.2f}s"
    # nothing half-written: neither the chat row nor the subscription exists, the transaction never began
    assert short_busy_store.subscriptions_for(CHAT, active_only=False) == []
    assert short_busy_store.query("SELECT count(*) FROM chats")[0][0] == 0
    assert short_busy_store.integrity_check() == "ok"
    # once the lock is gone the same command goes through
    assert not core.answer(CHAT, "/subscribe 07:30 Europe/Berlin").error
    assert len(short_busy_store.subscriptions_for(CHAT)) == 1


def test_busy_error_reply_says_the_database_is_busy(short_busy_store: Store) -> None:
    core = Core(short_busy_store, build_config({}), Clock(as_of=dt.date(2020, 9, 14)))
    with WriteLockHolder(short_busy_store.path, 0.5):
        reply = core.answer(CHAT, "/subscribe 07:30 Europe/Berlin")
    assert reply.error and "busy" in reply.plain_text().lower()
