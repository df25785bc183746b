"""A small world for digest tests: a database file, a fake clock driving the store, a recording Sender."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsdigest.clock import FakeClock
from newsdigest.config import Config, build_config
from newsdigest.digests.delivery import Deliverer
from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec
from newsdigest.models import ArticleInput, ChatRef, KeyPointKind, Platform
from newsdigest.store.store import Store
from tests.conftest import BACKENDS
from tests.digests.fakes import FakeSender

CHAT = ChatRef(Platform.TELEGRAM, "4242")


@dataclass
class World:
    path: Path | str  # an SQLite file or a postgresql:// URL
    clock: FakeClock
    config: Config
    sender: FakeSender
    store: Store = field(init=False)
    deliverer: Deliverer = field(init=False)
    changes: int = 0
    restarts: int = 0

    def __post_init__(self) -> None:
        self.store = Store(self.path, now=self.clock.now)
        self.deliverer = self._deliverer()

    def _deliverer(self) -> Deliverer:
        return Deliverer(self.store, self.config, self.clock, {"telegram": self.sender}, on_change=self._changed)

    def _changed(self) -> None:
        self.changes += 1

    def restart(self) -> None:
        """A new process on the same database: fresh store connections, fresh deliverer (no memory carried over)."""
        self.store.close()
        self.store = Store(self.path, now=self.clock.now)
        self.deliverer = self._deliverer()
        self.restarts += 1

    def at(self, when: str) -> None:
        self.clock.set(dt.datetime.fromisoformat(when))

    def add_article(self, text: str, *, deadline: tuple[str, str, str | None] | None = None, source: str = "a.example") -> int:
        return add_article(self.store, self.clock.now().date(), text, deadline=deadline, source=source)


def add_article(store: Store, published: dt.date, text: str, *, deadline: tuple[str, str, str | None] | None = None,
                source: str = "a.example") -> int:
    """An article with one key point (its text) and optionally one deadline (value, what, supersedes)."""
    deadlines: tuple[DeadlineRec, ...] = ()
    if deadline:
        value, what, supersedes = deadline
        deadlines = (DeadlineRec(0, 5, value, value, what, supersedes),)
    ex = Extraction(lang="en", published=published.isoformat(), title=text[:40],
                    key_points=(KeyPointRec(0, len(text), text, KeyPointKind.EVENT, 0.9),), deadlines=deadlines)
    inp = ArticleInput(text=text, title=text[:40], published=published, source=source)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return store.add_article(inp, ex, content_hash=digest).article_id


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The world on SQLite, and again on a fresh PostgreSQL database (the same ledger code on both)."""
    target: Path | str = tmp_path / "digests.db"
    if request.param == "postgres":
        target = request.getfixturevalue("pg_url")
    w = World(target, FakeClock(dt.datetime(2020, 9, 13, 12, 0, tzinfo=dt.UTC)),
              build_config({"bot": {"timezone": "Europe/Berlin"}}), FakeSender(now=lambda: dt.datetime.now(dt.UTC)))
    w.sender.now = w.clock.now
    yield w
    w.store.close()
