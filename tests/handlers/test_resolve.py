"""One story resolution for every command that names a story: choices, misses, the same words everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.store.stories_repo import StoryWrite

CHAT = ChatRef(Platform.CONSOLE, "console")
DAY = dt.date(2021, 3, 4)


@pytest.fixture
def two_kiel_stories(store: Store) -> Core:
    """Two stories whose names share the word 'Kiel', each with one article of its own."""
    texts = ("Hafen Kiel\n\nDie Hafenarbeiter in Kiel streiken seit Montag für mehr Lohn.",
             "Brücke Kiel\n\nDie Brücke über die Förde in Kiel bleibt wegen Rissen gesperrt.")
    ids = [ingest_article(store, ArticleInput(text=t, title=t.split("\n")[0], published=DAY, lang="de",
                                              source=f"blatt{i}.example")).article_id for i, t in enumerate(texts)]
    store.save_stories([
        StoryWrite(None, "kiel-hafenstreik", "Kiel: Hafenstreik", [], {}, DAY, DAY, [ids[0]]),
        StoryWrite(None, "kiel-brueckensperrung", "Kiel: Brückensperrung", [], {}, DAY, DAY, [ids[1]]),
    ])
    return Core(store=store, config=build_config({}), clock=Clock(as_of=DAY))


@pytest.mark.parametrize("cmd", ["status", "deadline", "timeline", "subscribe", "remind"])
def test_several_matches_list_the_same_choices_for_every_command(two_kiel_stories: Core, cmd: str) -> None:
    args = "08:00 UTC kiel" if cmd in ("subscribe", "remind") else "kiel"
    reply = two_kiel_stories.answer(CHAT, f"/{cmd} {args}")
    out = reply.plain_text()
    assert reply.error  # nothing was answered or subscribed yet
    assert "Several stories match “kiel”" in out
    assert f"/{cmd} kiel-hafenstreik" in out and f"/{cmd} kiel-brueckensperrung" in out
    assert "Ask again with its name" in out
    assert two_kiel_stories.store.subscriptions_for(CHAT) == []


def test_a_miss_is_told_in_the_commands_own_terms(two_kiel_stories: Core) -> None:
    status = two_kiel_stories.answer(CHAT, "/status zebrastreifen")
    assert status.error and "No story matches “zebrastreifen”" in status.plain_text()
    subscribe = two_kiel_stories.answer(CHAT, "/subscribe 08:00 zebrastreifen")
    assert subscribe.error and "it is no time zone, and no story matches it" in subscribe.plain_text()


def test_one_match_is_answered(two_kiel_stories: Core) -> None:
    reply = two_kiel_stories.answer(CHAT, "/subscribe 08:00 UTC hafenstreik")
    assert not reply.error, reply.plain_text()
    assert [s.story for s in two_kiel_stories.store.subscriptions_for(CHAT)] == ["kiel-hafenstreik"]
