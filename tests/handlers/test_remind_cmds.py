"""/remind, /remind off and /subscriptions as every platform sees them (over the samples)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.service import stories_list

CHAT = ChatRef(Platform.TELEGRAM, "88")


@pytest.fixture
def core(seeded_store: Store) -> Core:
    return Core(seeded_store, build_config({"bot": {"timezone": "Europe/Berlin"}}), Clock(as_of=dt.date(2020, 9, 10)))


def test_remind_defaults_to_3_and_1_days_at_9_in_the_chat_zone(core: Core) -> None:
    reply = core.answer(CHAT, "/remind")
    assert not reply.error
    [rule] = core.store.reminders_for(CHAT)
    assert (rule.story, rule.offsets, rule.time, rule.tz) == (None, (3, 1), "09:00", "Europe/Berlin")
    said = " ".join(reply.plain_text().split())
    assert said.startswith("Reminders set for every story: 3 days and 1 day before each key date, at 09:00")
    # the first reminder is three days before the first key date ahead (as known on 10 September)
    m = re.search(r"First reminder on (\d+ \w+ 2020): (\d+ \w+ 2020) — .+, in 3 days", said)
    assert m, said
    first, due = (dt.datetime.strptime(g, "%d %B %Y").replace(tzinfo=dt.UTC).date() for g in m.groups())
    assert due - first == dt.timedelta(days=3) and first > dt.date(2020, 9, 10)


def test_remind_a_story_with_offsets_time_and_the_zone_of_the_digest(core: Core) -> None:
    core.answer(CHAT, "/subscribe 07:00 America/New_York")
    reply = core.answer(CHAT, "/remind tiktok 0d,7d 18:30")
    assert not reply.error, reply.plain_text()
    [rule] = core.store.reminders_for(CHAT)
    [(story, _, _)] = stories_list(core.store, until=None, limit=5)  # the samples are one story
    assert (rule.story, rule.offsets, rule.time, rule.tz) == (story.slug, (7, 0), "18:30", "America/New_York")
    assert "7 days before each key date, and on the day" in reply.plain_text()
    core.answer(CHAT, "/remind tiktok 2d")  # again: replaces the rule
    assert [r.offsets for r in core.store.reminders_for(CHAT)] == [(2,)]


@pytest.mark.parametrize(("args", "says"), [
    ("3x", "“3x” is not a list of days before the date. Write them like 3d,1d,0d"),  # a try at days, not a story
    ("tiktok 3tage", "“3tage” is not a list of days before the date"),
    ("99d", "is not a list of days"),
    ("brexit", "did not understand “brexit”"),
    ("25:00", "is not a time of day"),
])
def test_bad_remind_arguments_set_nothing(core: Core, args: str, says: str) -> None:
    reply = core.answer(CHAT, f"/remind {args}")
    assert reply.error and says in reply.plain_text()
    assert core.store.reminders_for(CHAT) == []


def test_remind_off_stops_one_story_or_all(core: Core) -> None:
    assert "has no reminders" in core.answer(CHAT, "/remind off").plain_text()
    core.answer(CHAT, "/remind")
    core.answer(CHAT, "/remind tiktok 1d")
    assert core.answer(CHAT, "/remind off tiktok").plain_text() == "Reminders stopped (1)."
    assert [r.story for r in core.store.reminders_for(CHAT)] == [None]
    assert core.answer(CHAT, "/remind off").plain_text() == "Reminders stopped (1)."
    assert core.store.reminders_for(CHAT) == []


def test_subscriptions_lists_digests_with_filters_and_reminders(core: Core) -> None:
    assert "no digests and no reminders" in core.answer(CHAT, "/subscriptions").plain_text()
    core.answer(CHAT, "/subscribe 08:00 CET tiktok -gaming +oracle")
    core.answer(CHAT, "/remind 3d,0d")
    lines = core.answer(CHAT, "/subscriptions").plain_text().splitlines()
    assert lines[0] == "Subscriptions of this chat"
    [(story, _, _)] = stories_list(core.store, until=None, limit=5)
    assert lines[1] == (f"• Digest at 08:00 (Europe/Berlin) — {story.name} · filters +oracle -gaming")
    assert lines[2] == ("• Reminders 3 days before each key date, and on the day, at 09:00 (Europe/Berlin) — "
                        "every story")


def test_german(core: Core) -> None:
    core.store.set_chat_lang(CHAT, "de")
    assert core.answer(CHAT, "/erinnern").plain_text().startswith(
        "Erinnerungen für alle Geschichten: 3 Tage und 1 Tag vor jedem Stichtag, um 09:00")
    assert core.answer(CHAT, "/abos").plain_text().startswith("Abos dieses Chats")


def test_a_word_remind_does_not_understand_is_explained_with_remind(core: Core) -> None:
    for lang in ("en", "de"):
        core.answer(CHAT, f"/lang {lang}")
        reply = core.answer(CHAT, "/remind zebrastreifen")
        out = " ".join(reply.plain_text().split())
        assert reply.error and "/remind 08:00 Europe/Berlin" in out and "/subscribe" not in out, out
    assert core.store.reminders_for(CHAT) == []


def test_a_time_with_am_pm_is_no_try_at_days(core: Core) -> None:
    reply = core.answer(CHAT, "/remind tiktok 8am 2d")
    assert not reply.error, reply.plain_text()
    [rule] = core.store.reminders_for(CHAT)
    assert (rule.time, rule.offsets) == ("08:00", (2,))
