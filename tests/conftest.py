"""Shared fixtures: a real SQLite file per test, the shipped sample articles, a Core to ask."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from newsdigest.clock import Clock
from newsdigest.config import Config, build_config
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import ingest_local
from newsdigest.store.store import Store

# CI machines are shared and slow: no per-example deadline, no "too slow" health check.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEEDS_AS_OF = dt.date(2020, 9, 14)


@pytest.fixture
def config() -> Config:
    return build_config({})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "newsdigest.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest the seeds once per session; tests get a copy of the file."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    s = Store(path)
    report = ingest_local(s, [SEEDS])
    assert report.created == 5, report
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture
def seeded_store(_seeded_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "seeded.db"
    shutil.copy(_seeded_template, path)
    s = Store(path)
    yield s
    s.close()


@pytest.fixture
def seeded_core(seeded_store: Store, config: Config) -> Core:
    """A Core over the seeds, the clock standing on 2020-09-14 (the day of the last sample article)."""
    return Core(store=seeded_store, config=config, clock=Clock(as_of=SEEDS_AS_OF))
