"""Ingestion faults end to end over loopback: updates, refused dates, itemised problems, busy databases,
host:port allowlists and the words the guard uses. Every feed here is written for the test."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import Config
from newsdigest.errors import StoreBusyError
from newsdigest.handlers import Core
from newsdigest.handlers.feed_cmds import error_hint, feeds_reply
from newsdigest.ingest.fetch import Fetcher, FetchRefused, FetchSchemeRefused
from newsdigest.ingest.oneshot import ingest_url_async
from newsdigest.ingest.pipeline import IngestReport, ingest_entry
from newsdigest.ingest.poller import poll_once
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import AddResult, Store
from tests.fakes.feed_server import FeedServer, Item, rss
from tests.ingest.conftest import TEXTS, ingest_cfg

NOW = dt.datetime(2020, 9, 14, 12, 0, tzinfo=dt.UTC)
CHAT = ChatRef(Platform.CONSOLE, "faults")
GUID = "urn:probe:frist"
BEFORE = ("Die Regulierungsbehörde hat dem Konzern Veltrix eine Frist bis zum 15. September gesetzt, um den Verkauf "
          "seiner Sparte Nordnetz an einen Käufer abzuschließen. Der Konzern Veltrix verhandelt mit zwei Bietern, "
          "die Belegschaft von Nordnetz wartet auf eine Entscheidung.")
AFTER = ("Die Regulierungsbehörde hat die Frist für den Konzern Veltrix bis zum 12. November verlängert, um den "
         "Verkauf seiner Sparte Nordnetz an einen Käufer abzuschließen. Der Konzern Veltrix verhandelt weiter mit "
         "zwei Bietern, die Belegschaft von Nordnetz wartet auf eine Entscheidung.")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def fstore(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    """A store on the test clock, so ingest days and the date window follow it."""
    s = Store(tmp_path / "faults.db", now=clock.now)
    yield s
    s.close()


def _feed(text: str, **item: object) -> str:
    return rss([Item("Frist für Veltrix", text, guid=GUID, **item)])  # type: ignore[arg-type]


async def test_a_changed_item_updates_the_article_and_its_key_dates(
    fstore: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.route("/feed.xml", _feed(BEFORE))
    fstore.add_feed(feed_server.url("/feed.xml"))
    first = await poll_once(fstore, loopback_config, clock=clock)
    assert first.created == 1
    core = Core(fstore, loopback_config, clock)
    assert "15 Sep" in core.answer(CHAT, "/deadline").plain_text()
    core.answer(CHAT, "/digest")  # the first digest: the next one shows what changed since

    clock.advance(days=1)
    feed_server.route("/feed.xml", _feed(AFTER))
    second = await poll_once(fstore, loopback_config, clock=clock)
    assert (second.created, second.known, second.results[0].updated) == (0, 0, 1)
    [article] = fstore.articles(with_text=True)
    assert "12. November" in article.text and "15. September" not in article.text
    assert [(d.value[5:], d.supersedes) for d in fstore.deadlines()] == [("11-12", "2020-09-15")]

    deadline = core.answer(CHAT, "/deadline").plain_text()
    assert "12 Nov" in deadline and "15 Sep" in deadline, deadline  # the ledger shows the move
    why = core.answer(CHAT, "/why 1").plain_text()
    assert "updated 15 September 2020" in why, why
    digest = core.answer(CHAT, "/digest").plain_text()
    assert "updated" in digest, digest

    third = await poll_once(fstore, loopback_config, clock=clock)  # the same text again: nothing changes
    assert (third.created, third.known, third.results[0].updated) == (0, 1, 0)


async def test_dates_outside_the_window_are_refused_and_itemised(
    fstore: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    feed_server.route("/feed.xml", rss([
        Item("Aus der Zukunft", TEXTS["tiktok"], guid="a", published="Fri, 31 Dec 9999 00:00:00 GMT"),
        Item("Uralt", TEXTS["bahn"], guid="b", published="Mon, 01 Jan 0001 00:00:00 GMT"),
        Item("Übermorgen", TEXTS["klima"], guid="c", published="Wed, 16 Sep 2020 09:00:00 GMT"),
        Item("Ohne Datum", TEXTS["wahl"], guid="d", published=None),
    ]))
    fstore.add_feed(feed_server.url("/feed.xml"))
    report = await poll_once(fstore, loopback_config, clock=clock)
    assert report.created == 4
    days = {a.title: a.published for a in fstore.articles()}
    assert days == {"Aus der Zukunft": NOW.date(), "Uralt": NOW.date(), "Übermorgen": dt.date(2020, 9, 16),
                    "Ohne Datum": NOW.date()}
    notes: dict[str, str] = {r[0]: r[1] or "" for r in fstore.query("SELECT title, date_note FROM articles")}
    assert notes["Aus der Zukunft"].startswith("refused date 9999-12-31: more than 2 days after the fetch")
    assert notes["Uralt"].startswith("refused date 0001-01-01: before 1900")
    assert notes["Übermorgen"] == "" and notes["Ohne Datum"].startswith("undated")
    lines = report.results[0].warnings
    assert sum("refused date" in line for line in lines) == 2 and any("undated" in line for line in lines)
    health = feeds_reply(fstore).plain_text()
    assert health.count("refused date") + health.count("undated") >= 1 and "latest problems" in health
    assert len(fstore.feed_problems(fstore.feeds()[0].id)) == 3  # the last three


async def test_title_only_entries_are_stored_as_headlines(
    fstore: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    body = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Eilticker</title>"
            "<item><title>Veltrix verkauft Nordnetz an Bieter aus Hamburg</title><guid>h1</guid></item>"
            "<item><guid isPermaLink='false'>h2</guid></item></channel></rss>")
    feed_server.route("/feed.xml", body)
    report = await ingest_url_async(fstore, loopback_config, feed_server.url("/feed.xml"))
    assert report.created == 1 and not report.errors
    assert any("stored as a headline only" in p for p in report.problems)
    assert any("without text, title or link" in p for p in report.problems)
    assert any("undated" in p for p in report.problems)  # recorded, not silently the ingest day
    assert f"1 new, 0 already known, {len(report.problems)} problems" in report.summary()
    assert report.lines() == [f"problem: {p}" for p in report.problems]  # one printed line per problem
    assert Core(fstore, loopback_config, clock).answer(CHAT, "/stories").plain_text().count("Veltrix") >= 1


class BusyStore(Store):
    """A store whose writes find the database locked the first `busy` times (another process clustering)."""

    busy = 0

    def add_article(self, *args: object, **kwargs: object) -> AddResult:
        if self.busy:
            self.busy -= 1
            raise StoreBusyError("database is locked")
        return super().add_article(*args, **kwargs)  # type: ignore[arg-type]


def test_a_busy_database_is_waited_for_and_a_lost_write_is_never_acknowledged(tmp_path: Path) -> None:
    store = BusyStore(tmp_path / "busy.db")
    inp = ArticleInput(text=TEXTS["bahn"], title="Bahn", published=dt.date(2020, 9, 1), guid="bahn")
    store.busy = 2  # two attempts fail, the third lands
    report = IngestReport()
    ingest_entry(store, inp, report)
    assert (report.created, report.errors) == (1, []) and store.article_count() == 1
    store.busy = 99  # locked through every retry
    other = dataclasses.replace(inp, text=TEXTS["klima"], guid="klima")
    report = IngestReport()
    ingest_entry(store, other, report)
    assert report.created == 0 and store.article_count() == 1
    assert len(report.errors) == 1 and "not stored" in report.errors[0] and "1 failed" in report.summary()
    store.close()


# -- allow_hosts host:port -----------------------------------------------------------------------------


@pytest.fixture
def other_server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "localhost"])
async def test_a_redirect_to_another_port_is_refused_and_named(
    feed_server: FeedServer, other_server: FeedServer, host: str
) -> None:
    other_server.route("/secret", "internal")
    feed_server.redirect("/feed.xml", f"http://{host}:{other_server.port}/secret")
    cfg = ingest_cfg(allow_hosts=(f"127.0.0.1:{feed_server.port}",))
    async with Fetcher(cfg) as fetcher:
        with pytest.raises(FetchRefused) as caught:
            await fetcher.fetch(feed_server.url("/feed.xml"))
    message = str(caught.value)
    assert f"redirect to http://{host}:{other_server.port}/secret refused" in message, message
    assert f"port {other_server.port}" in message and other_server.hits == {}


async def test_a_bare_host_opens_only_the_web_ports(feed_server: FeedServer) -> None:
    feed_server.route("/feed.xml", rss([Item("t", "x")]))
    async with Fetcher(ingest_cfg(allow_hosts=("127.0.0.1",))) as fetcher:
        with pytest.raises(FetchRefused, match="ports 80 and 443"):
            await fetcher.fetch(feed_server.url("/feed.xml"))
    async with Fetcher(ingest_cfg(allow_hosts=(f"127.0.0.1:{feed_server.port}",))) as fetcher:
        assert (await fetcher.fetch(feed_server.url("/feed.xml"))).status == 200


async def test_page_completion_is_held_to_the_same_rule(
    fstore: Store, loopback_config: Config, feed_server: FeedServer, other_server: FeedServer, clock: FakeClock
) -> None:
    other_server.route("/page.html", "<html><body><p>geheim</p></body></html>", "text/html")
    feed_server.route("/feed.xml", rss([Item("Anriss", "Kurz.", link=other_server.url("/page.html"), guid="p")]))
    config = dataclasses.replace(loopback_config, ingest=ingest_cfg(allow_hosts=(f"127.0.0.1:{feed_server.port}",)))
    fstore.add_feed(feed_server.url("/feed.xml"))
    report = await poll_once(fstore, config, clock=clock)
    assert report.created == 1 and other_server.hits == {}
    assert any(other_server.url("/page.html") in w and f"port {other_server.port}" in w for w in report.results[0].warnings)


async def test_a_redirect_to_a_file_url_names_the_real_fix(feed_server: FeedServer) -> None:
    feed_server.redirect("/feed.xml", "file:///etc/passwd")
    async with Fetcher(ingest_cfg()) as fetcher:
        with pytest.raises(FetchSchemeRefused) as caught:
            await fetcher.fetch(feed_server.url("/feed.xml"))
    assert "redirect from" in str(caught.value) and "file:///etc/passwd" in str(caught.value)
    hint = error_hint(caught.value)
    assert "allow_hosts cannot open" in hint and "add it to" not in hint


async def test_feeds_add_and_the_poller_describe_a_web_page_alike(
    fstore: Store, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    from newsdigest.ingest.oneshot import NotAFeedError, add_feed_checked

    feed_server.route("/page", "<!DOCTYPE html><html><body><p>Startseite</p></body></html>", "text/html")
    with pytest.raises(NotAFeedError) as added:
        await add_feed_checked(fstore, loopback_config, feed_server.url("/page"))
    fstore.add_feed(feed_server.url("/page"))
    report = await poll_once(fstore, loopback_config, clock=clock)
    assert report.results[0].error == str(added.value)


async def test_a_feed_whose_entry_was_not_stored_is_fetched_in_full_again(
    tmp_path: Path, loopback_config: Config, feed_server: FeedServer, clock: FakeClock
) -> None:
    store = BusyStore(tmp_path / "busy-feed.db", now=clock.now)
    feed_server.route("/feed.xml", rss([Item("Bahn", TEXTS["bahn"], guid="bahn")]), etag='"v1"')
    store.add_feed(feed_server.url("/feed.xml"))
    store.busy = 99
    first = await poll_once(store, loopback_config, clock=clock)
    assert first.created == 0 and any(w.startswith("failed:") for w in first.results[0].warnings)
    store.busy = 0
    second = await poll_once(store, loopback_config, clock=clock)
    assert second.results[0].status == "ok" and second.created == 1  # no 304 hid the lost entry
    assert "if-none-match" not in feed_server.requests[-1][1]
    store.close()
