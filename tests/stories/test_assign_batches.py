"""Story assignment in small resumable batches: each batch commits on its own, a command that finds clustering
in progress answers from what is assigned and says so, and a locked database never breaks a command."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.extract import extract
from newsdigest.handlers import Core
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories import service
from newsdigest.stories.service import ensure_assigned
from tests.conftest import StoreTarget

CHAT = ChatRef(Platform.CONSOLE, "batches")
TOWNS = ["Lindau", "Passau", "Husum", "Goslar", "Zittau"]


def _fill(store: Store) -> None:
    for n, town in enumerate(TOWNS):
        text = (f"Der Stadtrat von {town} beschließt einen neuen Haushalt. Die Stadt {town} muss bis zum "
                f"{n + 1}. Oktober ihre Pläne für das Hallenbad {town} vorlegen.")
        inp = ArticleInput(text=text, title=f"Haushalt in {town}", published=dt.date(2020, 9, 1 + n), lang="de")
        store.add_article(inp, extract(text, published=inp.published, lang="de", title=inp.title),
                          content_hash=content_hash(text))


def test_each_batch_commits_on_its_own(store_target: StoreTarget) -> None:
    store = Store(store_target())
    _fill(store)
    assert ensure_assigned(store, max_batches=1, batch=2) == 2
    store.close()  # as if the process were killed after the first batch
    reopened = Store(store_target())
    assert reopened.unassigned_count() == 3  # the first batch survived
    assert ensure_assigned(reopened, batch=2) == 3 and reopened.unassigned_count() == 0
    reopened.close()


def test_a_command_during_clustering_answers_from_what_is_assigned(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "ASSIGN_BUDGET_S", 0.01)  # how long a command waits for the other worker
    _fill(store)
    ensure_assigned(store, max_batches=1, batch=2)
    core = Core(store, build_config({}), Clock(as_of=dt.date(2020, 9, 30)))
    with service._ASSIGN_LOCK:  # another worker of this process is clustering right now
        reply = core.answer(CHAT, "/stories")
    text = reply.plain_text()
    assert not reply.error and "Still sorting 3 new articles into stories" in text, text
    assert store.unassigned_count() == 3  # the command did not wait for, or duplicate, the other worker
    assert "Still sorting" not in core.answer(CHAT, "/stories").plain_text()  # now it clusters, then answers


def test_a_locked_database_yields_instead_of_failing(store_target: StoreTarget) -> None:
    store = Store(store_target(), busy_timeout_ms=20)
    _fill(store)
    other = Store(store_target())  # another process holds the write lock
    try:
        with other.write():
            assert ensure_assigned(store) == 0
            reply = Core(store, build_config({}), Clock(as_of=dt.date(2020, 9, 30))).answer(CHAT, "/status")
            assert "Still sorting 5 new articles" in reply.plain_text()
    finally:
        other.close()
        store.close()
