"""The poller end to end against loopback feed servers: fetch -> parse -> pages -> dedupe -> store -> health."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
import threading
from collections.abc import Callable

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import Config
from newsdigest.ingest.poller import MAX_BACKOFF, Poller, next_poll_at, poll_once
from newsdigest.models import Feed
from newsdigest.store.store import Store
from tests.fakes.feed_server import (
    FeedServer,
    Item,
    atom,
    billion_laughs,
    html_date_page,
    make_gzip_bomb,
    malformed,
    quadratic_blowup,
    rdf,
    rss,
)
from tests.ingest.conftest import TEXTS, ingest_cfg

NOW = dt.datetime(2020, 9, 14, 12, 0, tzinfo=dt.UTC)


def rows(store: Store) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "article_sources", "key_points", "timexes")}


def items(*keys: str, site: str = "https://news.example") -> list[Item]:
    return [Item(k.title(), TEXTS[k], link=f"{site}/{k}", guid=f"{site}/{k}") for k in keys]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


async def test_rss_atom_rdf_and_malformed_feeds_are_ingested(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.route("/rss.xml", rss(items("tiktok")))
    feed_server.route("/atom.xml", atom(items("bahn", site="https://atom.example")), "application/atom+xml")
    feed_server.route("/rdf.xml", rdf(items("klima", site="https://rdf.example")), "application/rdf+xml")
    feed_server.route("/bad.xml", malformed(items("wahl", site="https://bad.example")))
    for path in ("/rss.xml", "/atom.xml", "/rdf.xml", "/bad.xml"):
        store.add_feed(feed_server.url(path))
    report = await poll_once(store, loopback_config, clock=clock)
    assert [r.status for r in report.results] == ["ok"] * 4, report
    assert report.created == 4 and store.article_count() == 4
    titles = {a.title: a for a in store.articles(with_text=True)}
    assert titles["Tiktok"].text.startswith("Die US-Regierung") and titles["Tiktok"].source == "Test Wire"
    assert titles["Bahn"].source == "Atom Wire" and titles["Klima"].source == "RDF Wire"
    for feed in store.feeds():
        assert feed.last_success == NOW.isoformat() and feed.error_count == 0 and feed.title


async def test_unchanged_feed_adds_no_rows_with_or_without_304(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.route("/etag.xml", rss(items("tiktok", "bahn")), etag='"v7"')
    feed_server.route("/plain.xml", rss(items("klima"), title="Plain"))
    store.add_feed(feed_server.url("/etag.xml"))
    store.add_feed(feed_server.url("/plain.xml"))
    first = await poll_once(store, loopback_config, clock=clock)
    before = rows(store)
    assert first.created == 3 and store.feed(feed_server.url("/etag.xml")).etag == '"v7"'  # type: ignore[union-attr]
    clock.advance(hours=1)
    second = await poll_once(store, loopback_config, clock=clock)
    assert {r.url.rsplit("/", 1)[1]: r.status for r in second.results} == {"etag.xml": "not-modified", "plain.xml": "ok"}
    assert second.created == 0 and second.known == 1
    assert rows(store) == before
    etag_requests = [headers for path, headers in feed_server.requests if path == "/etag.xml"]
    assert "if-none-match" not in etag_requests[0] and etag_requests[1]["if-none-match"] == '"v7"'
    etag_feed = store.feed(feed_server.url("/etag.xml"))
    assert etag_feed is not None and etag_feed.etag == '"v7"' and etag_feed.last_success == clock.now().isoformat()


async def test_same_item_in_two_feeds_is_one_article_with_two_sources(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    exact = Item("TikTok", TEXTS["tiktok"], link="https://a.example/tt", guid="a-1")
    copy = Item("TikTok (Agentur)", TEXTS["tiktok"], link="https://b.example/x/123", guid="b-9")
    feed_server.route("/a.xml", rss([exact], title="Outlet A"))
    feed_server.route("/b.xml", rss([copy], title="Outlet B"))
    store.add_feed(feed_server.url("/a.xml"))
    store.add_feed(feed_server.url("/b.xml"))
    await poll_once(store, loopback_config, clock=clock)
    [article] = store.articles()
    assert sorted(article.sources) == ["Outlet A", "Outlet B"]


async def test_syndicated_near_copy_becomes_another_source(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    original = Item("Bahn saniert", TEXTS["bahn"], link="https://a.example/bahn", guid="a-bahn")
    syndicated = Item("Bahn will Schienen erneuern",
                      "Berlin (dpa) - " + TEXTS["bahn"].replace("Der Fahrgastverband", "Der Verband") + " (dpa)",
                      link="https://c.example/2020/bahn.html", guid="c-77")
    unrelated = Item("Wald", TEXTS["klima"], link="https://c.example/wald", guid="c-78")
    feed_server.route("/a.xml", rss([original], title="Outlet A"))
    feed_server.route("/c.xml", rss([syndicated, unrelated], title="Outlet C"))
    store.add_feed(feed_server.url("/a.xml"))
    await poll_once(store, loopback_config, clock=clock)
    store.add_feed(feed_server.url("/c.xml"))
    report = await poll_once(store, loopback_config, clock=clock)
    assert store.article_count() == 2  # bahn (two sources) + klima
    bahn = next(a for a in store.articles() if a.title == "Bahn saniert")
    assert sorted(bahn.sources) == ["Outlet A", "Outlet C"]
    assert report.created == 1


async def test_an_update_that_changes_a_date_is_not_merged(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    first = Item("Frist", TEXTS["tiktok"], link="https://a.example/1", guid="1")
    update = Item("Frist verlängert", TEXTS["tiktok"].replace("15. September", "12. November"),
                  link="https://a.example/2", guid="2")
    feed_server.route("/a.xml", rss([first, update]))
    store.add_feed(feed_server.url("/a.xml"))
    await poll_once(store, loopback_config, clock=clock)
    assert store.article_count() == 2


async def test_teaser_entries_get_their_page(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    dated = Item("Wald in Not", "Fichten leiden unter Trockenheit.", link=feed_server.url("/wald.html"), guid="w")
    undated = Item("Wahl am Sonntag", "Fünf Kandidaten.", link=feed_server.url("/wahl.html"), guid="v", published=None)
    broken = Item("Kaputt", "Nur ein Anriss ohne Seite.", link=feed_server.url("/missing.html"), guid="m")
    feed_server.route("/teasers.xml", rss([dated, undated, broken]))
    feed_server.route("/wald.html", html_date_page("Wald in Not", TEXTS["klima"], "2020-09-01"), "text/html")
    feed_server.route("/wahl.html", html_date_page("Wahl am Sonntag", TEXTS["wahl"], "2020-09-10"), "text/html")
    store.add_feed(feed_server.url("/teasers.xml"))
    report = await poll_once(store, loopback_config, clock=clock)
    by_title = {a.title: a for a in store.articles(with_text=True)}
    assert "Mischwälder mit Buchen" in by_title["Wald in Not"].text
    assert "<" not in by_title["Wald in Not"].text and "Impressum" not in by_title["Wald in Not"].text
    assert by_title["Wald in Not"].published == dt.date(2020, 9, 14)  # the entry's date wins
    assert by_title["Wahl am Sonntag"].published == dt.date(2020, 9, 10)  # the page's date fills in
    assert by_title["Kaputt"].text == "Nur ein Anriss ohne Seite."  # the teaser is kept when the page fails
    assert any("missing.html" in w for w in report.results[0].warnings)
    # A second poll does not fetch known pages again.
    hits = dict(feed_server.hits)
    await poll_once(store, loopback_config, clock=clock)
    assert feed_server.hits["/wald.html"] == hits["/wald.html"] == 1


async def test_pages_are_not_fetched_when_disabled(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    cfg = dataclasses.replace(loopback_config, ingest=dataclasses.replace(loopback_config.ingest, fetch_pages=False))
    feed_server.route("/t.xml", rss([Item("Kurz", "Kurzer Anriss.", link=feed_server.url("/p.html"), guid="k")]))
    store.add_feed(feed_server.url("/t.xml"))
    await poll_once(store, cfg, clock=clock)
    assert "/p.html" not in feed_server.hits and store.article_count() == 1


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda s: s.route("/f.xml", billion_laughs()), "entit"),
        (lambda s: s.route("/f.xml", quadratic_blowup()), "entit"),
        (lambda s: s.redirect("/f.xml", "http://192.168.0.10/feed.xml"), "private address 192.168.0.10"),
        (lambda s: s.route("/f.xml", "<html><body>no feed</body></html>", "text/html"), "not"),
        (lambda s: s.route("/f.xml", "gone", "text/plain", status=404), "404"),
    ],
)
async def test_broken_feeds_record_errors_and_back_off(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock, setup: Callable[[FeedServer], object],
    error: str,
) -> None:
    setup(feed_server)
    store.add_feed(feed_server.url("/f.xml"))
    report = await poll_once(store, loopback_config, clock=clock, rng=random.Random(1))
    assert report.results[0].status == "error" and error in (report.results[0].error or "")
    feed = store.feed(feed_server.url("/f.xml"))
    assert feed is not None and feed.error_count == 1 and error in (feed.last_error or "")
    assert store.article_count() == 0
    first_delay = dt.datetime.fromisoformat(feed.next_poll or "") - NOW
    for _ in range(3):
        await poll_once(store, loopback_config, clock=clock, rng=random.Random(1))
    feed = store.feed(feed_server.url("/f.xml"))
    assert feed is not None and feed.error_count == 4
    assert dt.datetime.fromisoformat(feed.next_poll or "") - NOW > 7 * first_delay  # 1x, 2x, 4x, 8x the interval


async def test_gzip_bomb_feed_is_an_error_not_an_outage(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.gzip_bomb("/bomb.xml", make_gzip_bomb(64 << 20))
    feed_server.route("/ok.xml", rss(items("wahl")))
    store.add_feed(feed_server.url("/bomb.xml"))
    store.add_feed(feed_server.url("/ok.xml"))
    report = await poll_once(store, loopback_config, clock=clock)
    assert [r.status for r in report.results] == ["error", "ok"]
    assert "exceeds" in (report.results[0].error or "") and store.article_count() == 1


async def test_a_success_after_errors_resets_the_count(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    store.add_feed(feed_server.url("/later.xml"))
    await poll_once(store, loopback_config, clock=clock)
    feed_server.route("/later.xml", rss(items("bahn")))
    await poll_once(store, loopback_config, clock=clock)
    feed = store.feed(feed_server.url("/later.xml"))
    assert feed is not None and feed.error_count == 0 and feed.last_error and feed.last_success


def test_next_poll_jitter_backoff_cap_and_retry_after() -> None:
    rng = random.Random(3)
    normal = [next_poll_at(NOW, 30, 0, rng) - NOW for _ in range(200)]
    assert all(dt.timedelta(minutes=27) <= d <= dt.timedelta(minutes=33) for d in normal)
    assert len({d.total_seconds() for d in normal}) > 100  # jitter spreads them
    delays = [next_poll_at(NOW, 30, errors, random.Random(0)) - NOW for errors in range(1, 12)]
    assert delays[1] > 1.6 * delays[0] and delays[2] > 1.6 * delays[1]
    assert max(delays) <= MAX_BACKOFF * 1.1
    assert next_poll_at(NOW, 30, 1, rng, retry_after=7200) - NOW >= dt.timedelta(hours=2)
    assert next_poll_at(NOW, 2880, 9, rng) - NOW >= dt.timedelta(hours=43)  # a long interval is never shortened


async def test_due_only_skips_feeds_scheduled_later(
    store: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.route("/a.xml", rss(items("tiktok")))
    feed_server.route("/b.xml", rss(items("bahn")))
    a, _ = store.add_feed(feed_server.url("/a.xml"))
    store.add_feed(feed_server.url("/b.xml"))
    store.schedule_feed(a.id, NOW + dt.timedelta(minutes=10))
    report = await poll_once(store, loopback_config, clock=clock, due_only=True)
    assert [r.url for r in report.results] == [feed_server.url("/b.xml")]


async def test_concurrent_fetches_are_bounded(store: Store, loopback_config: Config, feed_server: FeedServer,
                                              clock: FakeClock) -> None:
    active, peak, both_in = [0], [0], threading.Condition()
    body = rss(items("wahl")).encode()

    def slow(h):  # type: ignore[no-untyped-def]
        with both_in:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            both_in.notify_all()
            # the first requests wait for each other, so the bound is reached whatever the machine's load
            both_in.wait_for(lambda: peak[0] >= 2, timeout=10)
        with both_in:
            active[0] -= 1
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    for i in range(6):
        feed_server.handler(f"/s{i}.xml", slow)
        store.add_feed(feed_server.url(f"/s{i}.xml"))
    cfg = dataclasses.replace(loopback_config, ingest=dataclasses.replace(loopback_config.ingest, concurrency=2))
    report = await poll_once(store, cfg, clock=clock)
    assert all(r.status == "ok" for r in report.results) and peak[0] == 2


async def test_poller_seeds_config_feeds_polls_and_stops_cleanly(
    store: Store, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.route("/cfg.xml", rss(items("klima")))
    config = dataclasses.replace(
        Config(), ingest=ingest_cfg(feeds=(feed_server.url("/cfg.xml"),), interval_minutes=30)
    )
    removed, _ = store.add_feed(feed_server.url("/removed.xml"))
    store.remove_feed(removed.url)
    asked: list[dt.datetime] = []
    due_feeds = store.due_feeds

    def spying_due_feeds(now: dt.datetime) -> list[Feed]:
        asked.append(now)
        return due_feeds(now)

    store.due_feeds = spying_due_feeds  # type: ignore[method-assign]
    poller = Poller(store, config, clock=clock, max_sleep=0.05)
    task = asyncio.create_task(poller.run())
    for _ in range(100):
        await asyncio.sleep(0.05)
        if poller.last_report is not None:
            break
    assert poller.last_report is not None and poller.last_report.created == 1
    assert [f.url for f in store.feeds()] == [feed_server.url("/cfg.xml")]  # the removed feed stays removed
    polls, rounds = feed_server.hits["/cfg.xml"], len(asked)
    while len(asked) < rounds + 2:  # the poller woke twice more and asked what is due
        await asyncio.sleep(0.01)
    assert feed_server.hits["/cfg.xml"] == polls  # not due again for 30 minutes (clock stands still)
    poller.stop()
    await asyncio.wait_for(task, 2)


async def test_stop_cancels_a_batch_stuck_on_a_slow_feed(store: Store, feed_server: FeedServer, clock: FakeClock) -> None:
    feed_server.slow_drip("/slow.xml", every=0.05, for_seconds=60)  # a batch that would take a minute
    store.add_feed(feed_server.url("/slow.xml"))
    poller = Poller(store, dataclasses.replace(Config(), ingest=ingest_cfg(timeout_seconds=120)), clock=clock)
    task = asyncio.create_task(poller.run())
    while not feed_server.hits.get("/slow.xml"):  # the batch is under way, stuck on the drip
        await asyncio.sleep(0.01)
    poller.stop()
    await asyncio.wait_for(task, 30)  # only a hang fails: without the cancel this takes the whole minute
