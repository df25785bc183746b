"""Shared rate buckets: reservations made together are the same as made one after the other (both backends)."""

from __future__ import annotations

from newsdigest.store.store import Store


def _count(tat: float | None) -> tuple[float, float | None]:
    """A bucket that counts its events: the new tat is one more, the result what it was before."""
    return (tat or 0.0) + 1.0, tat


def test_reservations_in_one_call_are_applied_in_order(store: Store) -> None:
    assert store.update_rate_bucket("bot:*", _count) is None  # first use: the row is made
    together = store.update_rate_buckets([("bot:*", _count), ("bot:42", _count), ("bot:*", _count)])
    assert together == [1.0, None, 2.0]
    assert store.update_rate_bucket("bot:*", _count) == 3.0
    assert store.update_rate_bucket("bot:42", _count) == 1.0
    assert store.update_rate_buckets([]) == []
