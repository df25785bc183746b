"""A table loaded on first use is frozen once, so full collections stop walking it; later loads of it do nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from newsdigest.heap import settled


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_table_is_frozen_the_first_time_only(thawed: None) -> None:
    table = {f"wort{i}": float(i) for i in range(1000)}
    settled("test-table-a")
    frozen = gc.get_freeze_count()
    assert frozen > 0 and not any(o is table for o in gc.get_objects())  # out of every generation
    later = [{"n": i} for i in range(100)]
    settled("test-table-a")  # already settled: the new objects stay collectable
    assert gc.get_freeze_count() == frozen and any(o is later for o in gc.get_objects())
    settled("test-table-b")
    assert gc.get_freeze_count() > frozen
