"""The running bot places a bulk import's waiting articles in the background, through the store's writer, and
builds the views of stories that just gained news before anyone asks."""

from __future__ import annotations

import datetime as dt

from newsdigest.app import drain_backlog, place_and_warm
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import ingest_local
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.lookup import find_story
from newsdigest.stories.service import VIEWS
from tests.conftest import SEEDS
from tests.stories.invented import ingest_tram


async def test_the_backlog_is_placed_in_the_background(store: Store) -> None:
    ingest_local(store, [SEEDS])
    assert store.has_unassigned()  # ingestion leaves clustering to commands and to this task
    await drain_backlog(store.gateway, store)
    assert not store.has_unassigned()
    assert store.query("SELECT count(*) FROM stories")[0][0] >= 1


async def test_nothing_waiting_ends_at_once(store: Store) -> None:
    await drain_backlog(store.gateway, store)
    assert not store.has_unassigned()


async def test_placing_news_builds_the_views_the_first_ask_reads(seeded_store: Store, config: Config) -> None:
    clock = Clock(as_of=dt.date(2021, 3, 30))
    await drain_backlog(seeded_store.gateway, seeded_store)
    ingest_tram(seeded_store)
    assert await place_and_warm(seeded_store.gateway, seeded_store, clock) == 4
    tram = find_story(seeded_store, "Verdi", as_of=clock.as_of).story
    assert tram is not None
    key, token = ("view", tram.id, clock.as_of, clock.today()), (seeded_store.content_token(), tram)
    assert VIEWS.holds(seeded_store, key, token)  # built before anyone asked
    answer = Core(store=seeded_store, config=config, clock=clock).answer(ChatRef(Platform.CONSOLE, "warm"), "/status")
    assert "Verdi" in answer.plain_text()
