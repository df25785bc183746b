"""Chat commands feeds / addfeed / removefeed through the real dispatcher, against a loopback feed server."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.handlers.feed_cmds import error_hint, reason_text
from newsdigest.ingest.fetch import FetchUnreachable
from newsdigest.ingest.poller import poll_once
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from tests.fakes.feed_server import FeedServer, Item, html_page, rss

ADMIN, USER = "42", "7"
CHAT = ChatRef(Platform.TELEGRAM, "100")
TEXT = ("Die Kommission gibt den Mitgliedstaaten bis Ende Oktober Zeit, ihre Pläne einzureichen. Danach entscheidet "
        "sie über die Verteilung der Mittel aus dem Fonds, der insgesamt mehrere Milliarden Euro umfasst. Mehrere "
        "Regierungen haben bereits angekündigt, ihre Entwürfe früher vorzulegen, andere bitten um Aufschub.")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        # The article link is on the same loopback server: the poller may fetch the page behind it.
        srv.route("/f", html_page("Fonds", [TEXT]), "text/html")
        srv.route("/feed.xml", rss([Item("Fonds", TEXT, link=srv.url("/f"), guid="f")], title="EU-Ticker"))
        srv.route("/page.html", html_page("Seite", ["Text."]).replace(
            "</head>", "<link rel='alternate' type='application/rss+xml' href='/feed.xml'></head>"), "text/html")
        yield srv


def core_for(store: Store, allow: tuple[str, ...] = ("127.0.0.1:*",)) -> Core:
    base = build_config({"telegram": {"admins": [ADMIN]}})
    config = dataclasses.replace(base, ingest=dataclasses.replace(base.ingest, allow_hosts=allow, timeout_seconds=3))
    return Core(store=store, config=config, clock=FakeClock(dt.datetime(2020, 9, 14, 8, tzinfo=dt.UTC)))


def ask(core: Core, line: str, user: str = ADMIN, lang: str = "en") -> tuple[str, bool]:
    reply = asyncio.run(core.respond(CHAT, line, user_id=user, user_lang=lang))  # as every adapter asks
    return reply.plain_text(), reply.error


def test_addfeed_fetches_stores_and_lists_health(store: Store, server: FeedServer) -> None:
    core = core_for(store)
    out, error = ask(core, f"/addfeed {server.url('/feed.xml')}")
    assert not error and "Added “EU-Ticker”: 1 new article, 0 already known" in out
    assert store.article_count() == 1 and store.feed(server.url("/feed.xml")) is not None
    out, _ = ask(core, "/feeds", user=USER)
    assert "✓ EU-Ticker — updated 2020-09-14 08:00 UTC, 1 articles" in out
    out, _ = ask(core, f"/addfeed {server.url('/feed.xml')}")
    assert "already follow" in out and server.hits["/feed.xml"] == 1


def test_non_admins_are_refused_and_nothing_is_fetched(store: Store, server: FeedServer) -> None:
    out, error = ask(core_for(store), f"/addfeed {server.url('/feed.xml')}", user=USER)
    assert error and "admins" in out and server.hits == {} and store.feeds() == []
    out, error = ask(core_for(store), f"/removefeed {server.url('/feed.xml')}", user=USER)
    assert error


def test_addfeed_failures_say_what_is_wrong_and_what_to_do(store: Store, server: FeedServer) -> None:
    core = core_for(store)
    out, error = ask(core, "/addfeed")
    assert error and "/addfeed https://" in out
    out, error = ask(core, "/addfeed ftp://example.org/feed")
    assert error and "not an http(s) address" in out
    out, error = ask(core, f"/addfeed {server.url('/gone.xml')}")
    assert error and "HTTP 404" in out and "check it" in out
    out, error = ask(core, f"/addfeed {server.url('/page.html')}")
    assert error and "web page, not an RSS or Atom feed" in out and f"It announces these feeds: {server.url('/feed.xml')}" in out
    out, error = ask(core_for(store, allow=()), f"/addfeed {server.url('/feed.xml')}")
    assert error and "loopback address 127.0.0.1" in out and "allow_hosts" in out
    out, error = ask(core, "/addfeed http://10.0.0.5/feed.xml")
    assert error and "private address 10.0.0.5 (RFC 1918)" in out
    assert store.feeds() == [] and store.article_count() == 0


def test_german_replies(store: Store, server: FeedServer) -> None:
    out, _ = ask(core_for(store), f"/addfeed {server.url('/feed.xml')}", lang="de")
    assert "hinzugefügt" in out
    out, _ = ask(core_for(store), "/feeds", lang="de")
    assert "aktualisiert" in out


@pytest.mark.parametrize(("lang", "what", "fix"), [
    ("de", "konnte nicht hinzugefügt werden: der Host „127.0.0.1“ ist nicht auffindbar oder antwortet nicht.",
     "bitte den Port in der Adresse prüfen"),
    ("en", "Could not add http://127.0.0.1:9/feed.xml: the host “127.0.0.1” cannot be found or does not answer.",
     "check the port in the address"),
])
def test_an_unreachable_host_is_explained_in_the_chat_language(store: Store, lang: str, what: str, fix: str) -> None:
    out, error = ask(core_for(store), "/addfeed http://127.0.0.1:9/feed.xml", lang=lang)  # nothing listens on 9
    assert error and what in out and fix in out
    assert "Errno" not in out and "network error" not in out and store.feeds() == []


def test_feeds_shows_failures_with_next_retry(store: Store) -> None:
    feed, _ = store.add_feed("https://broken.example/rss", title="Kaputt")
    now = dt.datetime(2020, 9, 14, 8, tzinfo=dt.UTC)
    store.record_feed_error(feed.id, "HTTP 503 Service Unavailable", now=now, next_poll=now + dt.timedelta(hours=1))
    store.add_feed("https://new.example/rss")
    out, _ = ask(core_for(store), "/feeds")
    assert "✗ Kaputt — failing since 2020-09-14 08:00 UTC (1×): HTTP 503 Service Unavailable; next try 2020-09-14 09:00 UTC" in out
    assert "… https://new.example/rss — not checked yet" in out


def test_removefeed(store: Store) -> None:
    store.add_feed("https://news.example/rss/")
    core = core_for(store)
    out, error = ask(core, "/removefeed https://NEWS.example/rss?utm_source=x")
    assert not error and "Stopped following https://news.example/rss/" in out and store.feeds() == []
    out, error = ask(core, "/removefeed https://news.example/rss/")
    assert error and "do not follow" in out
    out, error = ask(core, "/removefeed")
    assert error


def test_no_feeds_message(store: Store) -> None:
    out, _ = ask(core_for(store), "/feeds")
    assert "No feeds yet" in out


def test_feeds_shows_a_polled_feeds_failures_in_the_chat_language(store: Store, server: FeedServer) -> None:
    """Failures as the poller stores them (a real poll of a loopback server), read back in a German chat: the
    reason is the catalog's German, not the fetch code's English; in English the reason keeps its words."""
    server.route("/kaputt.xml", html_page("Startseite", ["Willkommen auf unserer Seite."]), "text/html")
    store.add_feed(server.url("/gone.xml"), title="Weg")
    store.add_feed(server.url("/kaputt.xml"), title="Seite")
    store.add_feed("http://127.0.0.1:9/feed.xml", title="Niemand")  # nothing listens on port 9
    core = core_for(store)
    asyncio.run(poll_once(store, core.config, clock=core.clock))
    de, _ = ask(core, "/feeds", lang="de")
    assert "Weg — Fehler seit 2020-09-14 08:00 UTC (1×): der Server antwortete mit HTTP 404" in de
    assert "Seite — Fehler seit 2020-09-14 08:00 UTC (1×): das ist eine Webseite, kein RSS- oder Atom-Feed" in de
    assert "Niemand — Fehler seit 2020-09-14 08:00 UTC (1×): der Host „127.0.0.1“ ist nicht auffindbar" in de
    assert "web page" not in de and "cannot connect" not in de
    en, _ = ask(core, "/feeds", lang="en")
    assert "(1×): HTTP 404" in en and "(1×): this is a web page, not an RSS or Atom feed" in en


def test_addfeed_of_a_page_says_why_in_german(store: Store, server: FeedServer) -> None:
    out, error = ask(core_for(store), f"/addfeed {server.url('/page.html')}", lang="de")
    assert error and "konnte nicht hinzugefügt werden: das ist eine Webseite, kein RSS- oder Atom-Feed." in out
    out, error = ask(core_for(store, allow=()), f"/addfeed {server.url('/feed.xml')}", lang="de")
    assert error and "Adresse gesperrt (" in out and "refused:" not in out


@pytest.mark.parametrize(("stored", "german"), [
    ("HTTP 503 Service Unavailable", "der Server antwortete mit HTTP 503 Service Unavailable"),
    ("no complete answer within 20 s", "keine vollständige Antwort in der vorgesehenen Zeit"),
    ("body exceeds the 5000000 byte limit", "das Dokument ist größer als die erlaubte Größe"),
    ("not a feed (no RSS or Atom elements found)", "kein brauchbarer RSS- oder Atom-Feed"),
    ("more than 5 redirects", "zu viele Weiterleitungen"),
    ("a reason nobody wrote a pattern for", "a reason nobody wrote a pattern for"),  # shown as stored
])
def test_stored_reasons_read_in_german(stored: str, german: str) -> None:
    assert reason_text(stored, "de") == german


def test_a_name_that_does_not_resolve_and_an_address_that_does_not_answer_get_their_own_hint() -> None:
    unresolved = FetchUnreachable("cannot resolve host 'news.exmaple.org'", host="news.exmaple.org")
    refused = FetchUnreachable("cannot connect to 127.0.0.1", host="127.0.0.1")
    assert "full host name" in error_hint(unresolved, "en") and "port" not in error_hint(unresolved, "en")
    assert "check the port" in error_hint(refused, "en") and "Port" in error_hint(refused, "de")


def test_feeds_shows_an_entrys_problem_in_the_chat_language(store: Store, server: FeedServer) -> None:
    server.route("/titel.xml", rss([Item("Nur eine Schlagzeile", "", guid="h1"), Item("Fonds", TEXT, guid="f")],
                                   title="Ticker"))
    store.add_feed(server.url("/titel.xml"), title="Ticker")
    core = core_for(store)
    asyncio.run(poll_once(store, core.config, clock=core.clock))
    de, _ = ask(core, "/feeds", lang="de")
    assert "h1 “Nur eine Schlagzeile”: kein Text, nur als Schlagzeile gespeichert" in de, de
    en, _ = ask(core, "/feeds", lang="en")
    assert "h1 “Nur eine Schlagzeile”: no text, stored as a headline only" in en


def test_feeds_shows_replaced_bytes_in_german(store: Store) -> None:
    feed, _ = store.add_feed("https://latin.example/rss", title="Latin")
    now = dt.datetime(2020, 9, 14, 8, tzinfo=dt.UTC)
    store.record_feed_problems(feed.id, ["decoding: 3 byte(s) not valid utf-8 replaced by U+FFFD (first at byte 120)"],
                               now=now)
    de, _ = ask(core_for(store), "/feeds", lang="de")
    assert "Zeichensatz: 3 Byte(s) kein gültiges utf-8, durch U+FFFD ersetzt (zuerst bei Byte 120)" in de
