"""The running poller with a bad neighbourhood: feeds down, slow, 5xx and garbage next to a good one.

tests/ingest covers each failure in a single poll_once; here the long-running Poller task goes through two
batches: the good feed's articles arrive once, each bad feed's error is recorded and backs off further, and the
task neither raises nor stalls on the slow feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
import socket
from collections.abc import Iterator

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import Config, build_config
from newsdigest.ingest.poller import Poller
from newsdigest.store.store import Store
from tests.fakes.feed_server import FeedServer, Item, rss
from tests.ingest.conftest import TEXTS, ingest_cfg

NOW = dt.datetime(2020, 9, 14, 12, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.timeout(120), pytest.mark.faults]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def _refused_url() -> str:
    """A loopback port nobody listens on (bound, then closed): connection refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


async def _until(predicate: object, seconds: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_poller_survives_down_slow_5xx_and_garbage_feeds(store: Store, feed_server: FeedServer) -> None:
    good = [Item(k.title(), TEXTS[k], link=f"https://good.example/{k}", guid=f"good-{k}") for k in ("tiktok", "bahn")]
    feed_server.route("/good.xml", rss(good))
    feed_server.route("/garbage.xml", random.Random(9).randbytes(4096))  # binary noise served as RSS
    feed_server.route("/error.xml", "upstream broke", "text/plain", status=503)
    feed_server.slow_drip("/slow.xml", every=0.05, for_seconds=2.0)
    urls = {"down": _refused_url(), "garbage": feed_server.url("/garbage.xml"), "error": feed_server.url("/error.xml"),
            "slow": feed_server.url("/slow.xml"), "good": feed_server.url("/good.xml")}
    for url in urls.values():
        store.add_feed(url)
    config: Config = dataclasses.replace(build_config({}), ingest=ingest_cfg(timeout_seconds=0.8, interval_minutes=30))
    clock = FakeClock(NOW)
    poller = Poller(store, config, clock=clock, rng=random.Random(5), max_sleep=0.1)
    task = asyncio.create_task(poller.run())
    try:
        await _until(lambda: poller.last_report is not None)
        report = poller.last_report
        assert report is not None
        status = {r.url: r.status for r in report.results}
        assert status == {**dict.fromkeys(urls.values(), "error"), urls["good"]: "ok"}, report.results
        assert report.created == 2 and store.article_count() == 2
        first = {name: store.feed(url) for name, url in urls.items()}
        for name in ("down", "garbage", "error", "slow"):
            feed = first[name]
            assert feed is not None and feed.error_count == 1 and feed.last_error, (name, feed)
        assert "503" in (first["error"].last_error or "")  # type: ignore[union-attr]
        assert first["good"].error_count == 0 and first["good"].last_success  # type: ignore[union-attr]

        # two days later everything is due again: the bad ones fail again and wait longer; the good one adds nothing
        clock.advance(days=2)
        await _until(lambda: (store.feed(urls["down"]) or first["down"]).error_count == 2)  # type: ignore[union-attr]
        await _until(lambda: all((store.feed(u) or first["down"]).error_count == 2  # type: ignore[union-attr]
                                 for n, u in urls.items() if n != "good"))
        for name in ("down", "garbage", "error", "slow"):
            before, after = first[name], store.feed(urls[name])
            assert before is not None and after is not None and before.next_poll and after.next_poll
            delay_1 = dt.datetime.fromisoformat(before.next_poll) - NOW
            delay_2 = dt.datetime.fromisoformat(after.next_poll) - clock.now()
            assert delay_2 > 1.5 * delay_1, (name, delay_1, delay_2)
        assert store.article_count() == 2
        assert not task.done(), task
    finally:
        poller.stop()
        await asyncio.wait_for(task, 5)  # returns normally: nothing raised out of the poller
    assert store.integrity_check() == "ok"
