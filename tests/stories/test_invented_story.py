"""A second, invented story beside the seeds: it becomes its own story with its own deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.lookup import find_story
from newsdigest.stories.service import ensure_assigned
from tests.stories.invented import ingest_tram

CHAT = ChatRef(Platform.CONSOLE, "tester")


@pytest.fixture
def both(seeded_store: Store, config: Config) -> Core:
    ingest_tram(seeded_store)
    return Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2021, 3, 13)))


def test_tram_articles_form_their_own_story(both: Core) -> None:
    store = both.store
    ensure_assigned(store)
    rows = store.stories_list(limit=10)
    assert len(rows) == 2, [(s.name, n) for s, n, _ in rows]
    tram = find_story(store, "Verdi", as_of=None).story
    tiktok = find_story(store, "tiktok", as_of=None).story
    assert tram is not None and tiktok is not None and tram.id != tiktok.id
    assert store.story_article_count(tram.id) == 4
    assert store.story_article_count(tiktok.id) == 5
    assert "TikTok" not in tram.name and "Verdi" not in tiktok.name


def test_tram_story_has_its_own_deadlines(both: Core) -> None:
    out = both.answer(CHAT, "/deadline rnv").plain_text()
    assert "22 March 2021" in out, out
    assert "TikTok" not in out and "2020" not in out
    line15 = next((x for x in out.splitlines() if x.split(" · ")[0].endswith("15 March 2021")), "")
    assert "replaced by 22 March 2021" in line15, out
    assert "2 sources" in line15


def test_most_active_story_is_the_default(both: Core) -> None:
    out = both.answer(CHAT, "/status").plain_text()
    assert "Verdi" in out or "RNV" in out
    assert "TikTok" not in out


def test_ambiguous_name_asks_which(both: Core) -> None:
    reply = both.answer(CHAT, "/status Frist")  # both stories speak of a "Frist"
    out = reply.plain_text()
    assert "Which one?" in out, out
    assert "/status tiktok" in out and out.count("/status ") >= 2


def test_unknown_name_says_so_and_points_to_stories(both: Core) -> None:
    reply = both.answer(CHAT, "/status zeppelin")
    assert reply.error
    assert "No story matches “zeppelin”" in reply.plain_text() and "/stories" in reply.plain_text()


def test_the_tram_story_does_not_exist_before_its_first_article(seeded_store: Store, config: Config) -> None:
    ingest_tram(seeded_store)
    core = Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    out = core.answer(CHAT, "/stories").plain_text()
    assert "Verdi" not in out and "RNV" not in out
    assert core.answer(CHAT, "/status rnv").error
