"""GET /healthz: 200 with last poll/digest and uptime while the database answers, 503 when it does not."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from newsdigest.ops.health import DbStatus, HealthServer, store_probe
from newsdigest.ops.metrics import Metrics
from newsdigest.store.store import Store

T0 = dt.datetime(2020, 9, 14, 6, 0, tzinfo=dt.UTC)


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
async def served(db_dir: Path) -> AsyncIterator[tuple[HealthServer, Store, Metrics, Ticker]]:
    store = Store(db_dir / "newsdigest.db")
    metrics, ticker = Metrics(wall=lambda: T0.timestamp() + 3600), Ticker()
    server = HealthServer("127.0.0.1", 0, store_probe(store), metrics=metrics, monotonic=ticker)
    await server.start()
    yield server, store, metrics, ticker
    await server.stop()
    store.close()


async def get(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.get(url)


async def test_healthy_fresh_database(served: tuple[HealthServer, Store, Metrics, Ticker]) -> None:
    server, _, _, ticker = served
    assert server.port > 0
    ticker.now += 12.5
    r = await get(f"{server.url}/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "last_poll": None, "last_digest": None, "uptime_s": 12.5}


async def test_last_poll_and_digest_come_from_the_database_and_this_process(
    served: tuple[HealthServer, Store, Metrics, Ticker],
) -> None:
    server, store, metrics, _ = served
    feed, _ = store.add_feed("https://example.org/feed.xml")
    store.record_feed_success(feed.id, now=T0, next_poll=T0 + dt.timedelta(minutes=30))
    body = (await get(f"{server.url}/healthz")).json()
    assert body["last_poll"] == "2020-09-14T06:00:00+00:00"  # recorded by an earlier run
    assert body["last_digest"] is None

    metrics.poll_finished()  # this process polled an hour later
    metrics.digest_sent("telegram")
    body = (await get(f"{server.url}/healthz")).json()
    assert body["last_poll"] == "2020-09-14T07:00:00+00:00"
    assert body["last_digest"] == "2020-09-14T07:00:00+00:00"


async def test_unreachable_database_is_503(served: tuple[HealthServer, Store, Metrics, Ticker], db_dir: Path) -> None:
    server, store, _, _ = served
    assert (await get(f"{server.url}/healthz")).status_code == 200
    store.close()
    shutil.rmtree(db_dir)  # the volume went away: reconnecting fails
    r = await get(f"{server.url}/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert "StoreError" in body["database"]
    # /metrics does not depend on the database
    assert (await get(f"{server.url}/metrics")).status_code == 200


async def fine() -> DbStatus:
    return DbStatus()


async def test_database_moved_away_is_503_although_the_open_connection_still_answers(
    served: tuple[HealthServer, Store, Metrics, Ticker], db_dir: Path,
) -> None:
    server, store, _, _ = served
    assert (await get(f"{server.url}/healthz")).status_code == 200
    db = db_dir / "newsdigest.db"
    db.rename(db_dir / "moved-away.db")
    assert store.subscriptions() == []  # SQLite still reads the moved file through the open connection
    r = await get(f"{server.url}/healthz")
    assert r.status_code == 503
    assert "is gone (moved or deleted)" in r.json()["database"]
    db.write_bytes(b"")  # another file in its place is not the database the bot writes to
    r = await get(f"{server.url}/healthz")
    assert r.status_code == 503 and "was replaced" in r.json()["database"]
    db.unlink()
    (db_dir / "moved-away.db").rename(db)  # put back: healthy again
    assert (await get(f"{server.url}/healthz")).status_code == 200


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files; the access check agrees with it")
async def test_unwritable_database_is_503(served: tuple[HealthServer, Store, Metrics, Ticker], db_dir: Path) -> None:
    server = served[0]
    db = db_dir / "newsdigest.db"
    db.chmod(0o444)
    try:
        r = await get(f"{server.url}/healthz")
    finally:
        db.chmod(0o644)
    assert r.status_code == 503 and "is not writable" in r.json()["database"]


async def test_probe_errors_and_timeouts_are_503(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdigest.ops.health as health
    from newsdigest.errors import StoreError

    async def broken() -> DbStatus:
        raise StoreError("the database does not answer: disk I/O error")  # what the store turns sqlite3 errors into

    async def slow() -> DbStatus:  # never answers: the timeout always comes first
        await asyncio.Event().wait()
        return DbStatus()

    monkeypatch.setattr(health, "DB_CHECK_TIMEOUT", 0.1)  # keep the test fast
    for probe, words in ((broken, "disk I/O error"), (slow, "no answer within")):
        server = HealthServer("127.0.0.1", 0, probe, metrics=Metrics())
        await server.start()
        try:
            r = await get(f"{server.url}/healthz")
        finally:
            await server.stop()
        assert r.status_code == 503
        assert words in r.json()["database"]


async def test_unknown_paths_are_404(served: tuple[HealthServer, Store, Metrics, Ticker]) -> None:
    server = served[0]
    assert (await get(f"{server.url}/")).status_code == 404
    assert (await get(f"{server.url}/healthz/../admin")).status_code == 404
    async with httpx.AsyncClient(timeout=5) as client:
        assert (await client.post(f"{server.url}/healthz")).status_code == 405


async def test_port_in_use_is_a_config_error(served: tuple[HealthServer, Store, Metrics, Ticker]) -> None:
    from newsdigest.config import ConfigError

    taken = served[0].port
    second = HealthServer("127.0.0.1", taken, fine, metrics=Metrics())
    with pytest.raises(ConfigError, match=r"health_port"):
        await second.start()
