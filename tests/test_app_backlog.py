"""The running bot places a bulk import's waiting articles in the background, through the store's writer."""

from __future__ import annotations

from newsdigest.app import drain_backlog
from newsdigest.ingest.pipeline import ingest_local
from newsdigest.store.store import Store
from tests.conftest import SEEDS


async def test_the_backlog_is_placed_in_the_background(store: Store) -> None:
    ingest_local(store, [SEEDS])
    assert store.has_unassigned()  # ingestion leaves clustering to commands and to this task
    await drain_backlog(store.gateway, store)
    assert not store.has_unassigned()
    assert store.query("SELECT count(*) FROM stories")[0][0] >= 1


async def test_nothing_waiting_ends_at_once(store: Store) -> None:
    await drain_backlog(store.gateway, store)
    assert not store.has_unassigned()
