"""Rate budgets shared by several workers of one bot through the database, on virtual time."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

from newsdigest.app import StoreBudget
from newsdigest.bot.ratelimit import RateLimiter, gcra_reserve
from newsdigest.errors import StoreUnavailableError
from newsdigest.store.store import Store
from tests.conftest import BACKENDS
from tests.fakes.virtual_time import VirtualTime

T = TypeVar("T")


class InlineGateway:
    """Runs store work on the loop itself, so virtual time cannot move while a reservation is under way."""

    async def write(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)

    async def read(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)

    def close(self) -> None:
        pass


@pytest.fixture(params=BACKENDS)
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    target = request.getfixturevalue("pg_url") if request.param == "postgres" else tmp_path / "rates.db"
    s = Store(target, gateway=InlineGateway())  # type: ignore[arg-type]
    yield s
    s.close()


def workers(store: Store, vt: VirtualTime, n: int, *, shared: bool = True, **budgets: Any) -> list[RateLimiter]:
    """n workers of one bot: each its own limiter (own process), all drawing from the store's buckets."""
    budget = StoreBudget(store, clock=vt.clock) if shared else None
    return [RateLimiter(**budgets, clock=vt.clock, sleep=vt.sleep, shared=budget, shared_name="telegram")
            for _ in range(n)]


async def granted(limiters: list[RateLimiter], keys: Callable[[int, int], str], per_worker: int,
                  vt: VirtualTime) -> list[float]:
    times: list[float] = []

    async def one(limiter: RateLimiter, key: str) -> None:
        async with limiter.slot(key):
            times.append(vt.clock())

    await asyncio.gather(*(one(lim, keys(w, i)) for w, lim in enumerate(limiters) for i in range(per_worker)))
    return sorted(times)


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0 - 1e-9) for start in times)


def test_gcra_reserve_queues_events_at_the_rate_after_the_burst() -> None:
    tat, waits = None, []
    for _ in range(5):
        tat, wait = gcra_reserve(tat, 0.0, 0.1, 0.2)  # 10/s, burst 3
        waits.append(wait)
    assert waits == pytest.approx([0.0, 0.0, 0.0, 0.1, 0.2])
    assert gcra_reserve(tat, 10.0, 0.1, 0.2)[1] == 0.0  # an idle bucket earns its burst back


async def test_two_workers_together_keep_telegrams_30_per_second(shared_store: Store) -> None:
    vt = VirtualTime(autojump=True)
    times = await granted(workers(shared_store, vt, 2, overall_rate=30, overall_burst=3),
                          lambda w, i: f"{w}-{i}", 60, vt)
    assert len(times) == 120
    assert most_in_one_second(times) <= 30 + 3  # the rate plus the burst, whichever worker sent
    assert times[-1] - times[0] >= (120 - 3) / 30 - 1e-6


async def test_without_the_shared_bucket_two_workers_would_send_twice_the_rate(shared_store: Store) -> None:
    vt = VirtualTime(autojump=True)
    times = await granted(workers(shared_store, vt, 2, shared=False, overall_rate=30, overall_burst=3),
                          lambda w, i: f"{w}-{i}", 60, vt)
    assert most_in_one_second(times) > 33  # what the shared bucket prevents: the assertion above can fail


async def test_slack_channel_pace_holds_across_workers(shared_store: Store) -> None:
    vt = VirtualTime(autojump=True)
    times = await granted(workers(shared_store, vt, 3, key_rate=1.0), lambda w, i: "C0123", 3, vt)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 9 and min(gaps) >= 1.0 - 1e-6  # one a second into the channel, from all three workers


class DownStore(Store):
    """A store whose database does not answer the bucket (a PostgreSQL restart under way)."""

    def update_rate_buckets(self, updates: Sequence[tuple[str, Callable[[float | None], tuple[float, T]]]]) -> list[T]:
        raise StoreUnavailableError("lost the connection to PostgreSQL")


async def test_an_unreachable_database_falls_back_to_the_workers_own_pace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = DownStore(tmp_path / "down.db", gateway=InlineGateway())  # type: ignore[arg-type]
    try:
        budget = StoreBudget(store, clock=lambda: 0.0)
        assert [await budget.reserve("telegram:*", 0.1, 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    finally:
        store.close()
    assert sum("shared rate budget unavailable" in r.getMessage() for r in caplog.records) == 1
