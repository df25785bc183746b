"""subscribe / unsubscribe / digest as every platform sees them."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput, ChatKind, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.service import ensure_assigned, stories_list

CHAT = ChatRef(Platform.TELEGRAM, "77")


@pytest.fixture
def core(store: Store) -> Core:
    changed: list[int] = []
    c = Core(store, build_config({"bot": {"timezone": "Europe/Berlin"}, "digest": {"time": "07:15"}}),
             FakeClock(dt.datetime(2020, 9, 14, 10, 0, tzinfo=dt.UTC)),
             on_subscriptions_changed=lambda: changed.append(1))
    c.changed = changed  # type: ignore[attr-defined]
    return c


def test_subscribe_defaults_from_config(core: Core, store: Store) -> None:
    reply = core.answer(CHAT, "/subscribe")
    assert not reply.error
    [sub] = store.subscriptions_for(CHAT)
    assert (sub.time, sub.tz, sub.story, sub.lang) == ("07:15", "Europe/Berlin", None, "en")
    assert reply.plain_text() == ("Subscribed: a daily digest at 07:15 (Europe/Berlin) for all stories. "
                                  "Next one: Tue 15 September 2020 07:15.")
    assert core.changed == [1]  # type: ignore[attr-defined]


@pytest.fixture
def seeded(seeded_store: Store) -> Core:
    return Core(seeded_store, build_config({"bot": {"timezone": "Europe/Berlin"}, "digest": {"time": "07:15"}}),
                FakeClock(dt.datetime(2020, 9, 14, 10, 0, tzinfo=dt.UTC)))


def test_subscribe_with_time_zone_and_story(seeded: Core) -> None:
    store = seeded.store
    reply = seeded.answer(CHAT, "/subscribe 6:05 America/New_York tiktok")
    assert not reply.error, reply.plain_text()
    [sub] = store.subscriptions_for(CHAT)
    [(story, _, _)] = stories_list(store, until=None, limit=5)  # the samples are one story
    assert (sub.time, sub.tz, sub.story) == ("06:05", "America/New_York", story.slug)
    assert "Next one: Mon 14 September 2020 06:05" in reply.plain_text()  # 10:00 UTC is 06:00 in New York
    assert f"“{story.name}”" in reply.plain_text()
    seeded.answer(CHAT, "/subscribe 09:00 UTC")
    assert {(s.time, s.tz, s.story) for s in store.subscriptions_for(CHAT)} == {
        ("06:05", "America/New_York", story.slug), ("09:00", "UTC", None)}


@pytest.mark.parametrize(("args", "time", "tz"), [
    ("08:00 CET", "08:00", "Europe/Berlin"),
    ("08:00 Berlin", "08:00", "Europe/Berlin"),
    ("8am", "08:00", "Europe/Berlin"),
    ("7:30pm new york", "19:30", "America/New_York"),
    ("6 am PST", "06:00", "America/Los_Angeles"),
    ("12am München", "00:00", "Europe/Berlin"),
])
def test_abbreviations_cities_and_12_hour_times_are_time_and_zone(core: Core, store: Store, args: str, time: str,
                                                                   tz: str) -> None:
    reply = core.answer(CHAT, f"/subscribe {args}")
    assert not reply.error, reply.plain_text()
    [sub] = store.subscriptions_for(CHAT)
    assert (sub.time, sub.tz, sub.story) == (time, tz, None)


@pytest.mark.parametrize("words", ["CETT", "Berlinn", "tiktok"])
def test_words_that_are_no_zone_and_no_story_are_not_subscribed(core: Core, store: Store, words: str) -> None:
    reply = core.answer(CHAT, f"/subscribe 08:00 {words}")
    assert reply.error
    assert f"did not understand “{words}”" in reply.plain_text()
    assert store.subscriptions_for(CHAT) == []
    assert core.changed == []  # type: ignore[attr-defined]


def test_a_city_without_a_time_is_explained_not_guessed(core: Core, store: Store) -> None:
    reply = core.answer(CHAT, "/subscribe Berlin")
    assert reply.error and store.subscriptions_for(CHAT) == []
    assert "give it right after the time: /subscribe 07:15 Berlin" in reply.plain_text()


def test_a_city_inside_a_story_name_stays_part_of_it(seeded: Core) -> None:
    # "Gaza", "Kyiv", "London" are tz-database cities; only right after the time are they read as zones
    reply = seeded.answer(CHAT, "/subscribe tiktok london")
    assert reply.error and "did not understand “tiktok london”" in reply.plain_text()


def test_filters_are_stored_shown_and_replaced_by_subscribing_again(seeded: Core) -> None:
    reply = seeded.answer(CHAT, "/subscribe 07:30 Europe/Berlin +Oracle -Gäming")
    assert not reply.error, reply.plain_text()
    assert "Only items with oracle. Nothing with gaming." in reply.plain_text()
    [sub] = seeded.store.subscriptions_for(CHAT)
    assert sub.filters == "+oracle -gaming"
    seeded.answer(CHAT, "/subscribe 07:30 +microsoft")
    [sub] = seeded.store.subscriptions_for(CHAT)
    assert sub.filters == "+microsoft"
    assert "filters +microsoft" in seeded.answer(CHAT, "/subscriptions").plain_text()


@pytest.mark.parametrize("bad", ["+a.b", "-(x|y)*", "+"])
def test_filters_are_plain_words(core: Core, store: Store, bad: str) -> None:
    reply = core.answer(CHAT, f"/subscribe 08:00 {bad}")
    assert reply.error and store.subscriptions_for(CHAT) == []
    assert "plain words" in reply.plain_text() or "did not understand" in reply.plain_text()


def test_thread_style_is_for_slack(core: Core, store: Store) -> None:
    assert core.answer(CHAT, "/subscribe 08:00 thread").error
    slack = ChatRef(Platform.SLACK, "C1", ChatKind.CHANNEL)
    reply = core.answer(slack, "/subscribe 08:00 thread")
    assert not reply.error and "thread" in reply.plain_text()
    assert store.subscriptions_for(slack)[0].style == "thread"


@pytest.mark.parametrize(("line", "says"), [
    ("/subscribe 25:00", "“25:00” is not a time of day. Give it as HH:MM in 24-hour form"),
    ("/subscribe 08:61 Europe/Berlin", "“08:61” is not a time of day"),
    ("/subscribe 08:00 Mars/Base", "“Mars/Base” is not a time zone I know. Use an IANA name such as Europe/Berlin"),
    ("/subscribe Mars/Base", "“Mars/Base” is not a time zone I know"),
])
def test_bad_time_or_zone_explains_the_right_form(core: Core, store: Store, line: str, says: str) -> None:
    reply = core.answer(CHAT, line)
    assert reply.error
    assert says in reply.plain_text()
    assert "/subscribe [HH:MM] [TZ] [story]" in reply.plain_text()
    assert store.subscriptions_for(CHAT) == []
    assert core.changed == []  # type: ignore[attr-defined]


def test_german_error_and_confirmation(core: Core, store: Store) -> None:
    store.set_chat_lang(CHAT, "de")
    assert "ist keine Uhrzeit" in core.answer(CHAT, "/abo 7.30").plain_text()
    reply = core.answer(CHAT, "/abo 07:00")
    assert reply.plain_text().startswith("Abonniert: täglich um 07:00 (Europe/Berlin) ein Überblick über alle Themen.")
    assert store.subscriptions_for(CHAT)[0].lang == "de"


def test_unsubscribe_one_story_or_all(seeded: Core) -> None:
    store, core = seeded.store, seeded
    assert "has no subscription" in core.answer(CHAT, "/unsubscribe").plain_text()
    core.answer(CHAT, "/subscribe tiktok")
    core.answer(CHAT, "/subscribe 09:00")
    [(story, _, _)] = stories_list(store, until=None, limit=5)
    assert core.answer(CHAT, "/unsubscribe tiktok").plain_text() == f"Unsubscribed from “{story.name}”."
    assert [s.story for s in store.subscriptions_for(CHAT)] == [None]
    assert "(1 subscription ended)" in core.answer(CHAT, "/stop").plain_text()
    assert store.subscriptions_for(CHAT) == []


def test_digest_now_over_the_seeds(seeded_core: Core) -> None:
    reply = seeded_core.answer(ChatRef(Platform.CONSOLE, "console"), "/digest")
    assert not reply.error
    text = reply.plain_text()
    assert text.startswith("News digest — Mon 14 September 2020")
    assert "15 September 2020 (tomorrow)" in text


HAFEN = [
    ("Verdi ruft zum Hafenstreik in Kiel auf", dt.date(2020, 9, 10), "https://kiel.example/a1",
     ("Die Gewerkschaft Verdi hat die Beschäftigten im Kieler Hafen zum Streik aufgerufen. Der Hafenbetreiber muss "
      "bis zum 10. Oktober ein neues Angebot vorlegen, sonst wird der Streik ausgeweitet.")),
    ("Hafenstreik in Kiel: Frist verlängert", dt.date(2020, 9, 12), "https://kiel.example/a2",
     ("Im Kieler Hafenstreik hat Verdi die Frist für ein neues Angebot des Hafenbetreibers bis zum 17. Oktober "
      "verlängert. Die Verhandlungen sollen am Freitag fortgesetzt werden.")),
]


@pytest.fixture
def two_stories(seeded_store: Store) -> Core:
    for title, day, url, body in HAFEN:
        ingest_article(seeded_store, ArticleInput(text=body, title=title, published=day, lang="de", url=url,
                                                  source="kieler-blatt.example"))
    return Core(seeded_store, build_config({"bot": {"timezone": "Europe/Berlin"}}),
                FakeClock(dt.datetime(2020, 9, 14, 10, 0, tzinfo=dt.UTC)))


def test_digest_for_one_story_leaves_the_others_out(two_stories: Core) -> None:
    ensure_assigned(two_stories.store)
    names = {s.slug: s.name for s, _, _ in stories_list(two_stories.store, until=None, limit=5)}
    assert len(names) == 2
    everything = two_stories.answer(CHAT, "/digest").plain_text()
    assert all(name in everything for name in names.values())
    for slug, name in names.items():
        one = two_stories.answer(CHAT, f"/digest {slug}")
        assert not one.error and name in one.plain_text()
        assert not any(other in one.plain_text() for other in names.values() if other != name)


@pytest.mark.parametrize("word", ["now", "jetzt", "Now"])
def test_digest_now_is_the_plain_digest(two_stories: Core, word: str) -> None:
    assert two_stories.answer(CHAT, f"/digest {word}").plain_text() == two_stories.answer(CHAT, "/digest").plain_text()


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "No story matches “gaming”. /digest takes a story's name or slug (or nothing, for every story)"),
    ("de", "Keine Geschichte passt zu „gaming“. /digest nimmt den Namen einer Geschichte"),
])
def test_digest_with_words_naming_no_story_says_what_it_takes(two_stories: Core, lang: str, said: str) -> None:
    two_stories.answer(CHAT, f"/lang {lang}")
    reply = two_stories.answer(CHAT, "/digest gaming")
    assert reply.error and said in reply.plain_text()
    assert reply.plain_text().endswith("/digest [story]" if lang == "en" else "/digest [Geschichte]")


def test_german_unsubscribe_without_a_subscription_shows_the_german_usage(core: Core) -> None:
    core.answer(CHAT, "/lang de")
    out = core.answer(CHAT, "/unsubscribe").plain_text()
    assert "/subscribe [HH:MM] [Zone] [Geschichte]" in out and "[TZ]" not in out


@pytest.mark.parametrize("word", ["+", "++Oracle", "--gaming"])
def test_a_broken_filter_gets_the_filters_own_error(core: Core, store: Store, word: str) -> None:
    reply = core.answer(CHAT, f"/subscribe 08:00 {word}")
    assert reply.error and f"“{word}” is not a filter word" in reply.plain_text()
    assert store.subscriptions_for(CHAT) == []
