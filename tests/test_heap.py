"""A table loaded on first use is frozen once, so full collections stop walking it; later loads of it do nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from newsdigest.heap import HELD_FULL_EVERY, collect_off_path, held, hold_full_collections, settled


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


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], 10)
    yield before
    gc.set_threshold(*before)


def test_settling_a_table_holds_full_collections_and_keeps_the_young_ones(
        thawed: None, thresholds: tuple[int, int, int]) -> None:
    assert not held() and collect_off_path() == 0  # not held: the collector runs full collections itself
    settled("test-table-held")
    young, middle, oldest = gc.get_threshold()
    assert held() and oldest == HELD_FULL_EVERY and (young, middle) == thresholds[:2]


def test_the_held_collection_runs_off_the_path_and_frees_cycles(thawed: None, thresholds: tuple[int, int, int]) -> None:
    hold_full_collections()
    ring: list[object] = []
    ring.append(ring)  # a cycle: only a collection frees it
    del ring
    assert collect_off_path() >= 1
