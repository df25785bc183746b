"""subscribe / unsubscribe / digest as every platform sees them."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store

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


def test_subscribe_with_time_zone_and_story(core: Core, store: Store) -> None:
    reply = core.answer(CHAT, "/subscribe 6:05 America/New_York tiktok sale")
    assert not reply.error
    [sub] = store.subscriptions_for(CHAT)
    assert (sub.time, sub.tz, sub.story) == ("06:05", "America/New_York", "tiktok sale")
    assert "Next one: Mon 14 September 2020 06:05" in reply.plain_text()  # 10:00 UTC is 06:00 in New York
    assert "“tiktok sale”" in reply.plain_text()
    core.answer(CHAT, "/subscribe 09:00 UTC")
    assert {(s.time, s.tz, s.story) for s in store.subscriptions_for(CHAT)} == {
        ("06:05", "America/New_York", "tiktok sale"), ("09:00", "UTC", None)}


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


def test_unsubscribe_one_story_or_all(core: Core, store: Store) -> None:
    assert "has no subscription" in core.answer(CHAT, "/unsubscribe").plain_text()
    core.answer(CHAT, "/subscribe tiktok")
    core.answer(CHAT, "/subscribe 09:00 brexit")
    assert core.answer(CHAT, "/unsubscribe tiktok").plain_text() == "Unsubscribed from “tiktok”."
    assert [s.story for s in store.subscriptions_for(CHAT)] == ["brexit"]
    assert "1 subscription(s) ended" in core.answer(CHAT, "/stop").plain_text()
    assert store.subscriptions_for(CHAT) == []
    assert len(core.changed) == 4  # type: ignore[attr-defined]


def test_digest_now_over_the_seeds(seeded_core: Core) -> None:
    reply = seeded_core.answer(ChatRef(Platform.CONSOLE, "console"), "/digest")
    assert not reply.error
    text = reply.plain_text()
    assert text.startswith("News digest — Mon 14 September 2020")
    assert "15 September 2020 (tomorrow)" in text
