"""The platform-neutral rate limiter: GCRA per key, sliding group window, overall budget with priorities."""

from __future__ import annotations

import asyncio
import time

import pytest

from newsdigest.bot.ratelimit import BULK, INTERACTIVE, Gcra, RateLimiter, SlidingWindow


def test_gcra_allows_burst_then_spaces() -> None:
    g = Gcra(rate=10, burst=3)
    for _ in range(3):
        assert g.wait(0.0) == 0
        g.charge(0.0)
    assert g.wait(0.0) == pytest.approx(0.1)
    assert g.wait(0.1) == 0
    g.charge(0.1)
    assert g.wait(0.1) == pytest.approx(0.1)
    assert g.wait(10.0) == 0  # an idle key earns its burst back


def test_sliding_window_is_exact() -> None:
    w = SlidingWindow(count=3, period=60)
    for t in (0.0, 10.0, 20.0):
        assert w.wait(t) == 0
        w.charge(t)
    assert w.wait(30.0) == pytest.approx(30.0)  # the first one leaves the window at 60
    assert w.wait(60.0) == 0
    w.charge(60.0)
    assert w.wait(61.0) == pytest.approx(9.0)


def test_invalid_budgets_refused() -> None:
    with pytest.raises(ValueError):
        Gcra(rate=0)
    with pytest.raises(ValueError):
        SlidingWindow(count=0, period=1)


async def _send_times(limiter: RateLimiter, keys: list[str], *, group: bool = False) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in keys}

    async def one(key: str) -> None:
        async with limiter.exclusive(key), limiter.slot(key, group=group):
            times[key].append(time.monotonic())

    await asyncio.gather(*(one(k) for k in keys))
    return times


async def test_overall_rate_spaces_sends_across_keys() -> None:
    limiter = RateLimiter(overall_rate=100)  # 10 ms apart
    start = time.monotonic()
    times = await _send_times(limiter, [f"c{i}" for i in range(21)])
    stamps = sorted(t for ts in times.values() for t in ts)
    assert stamps[-1] - start >= 0.19  # 20 intervals of 10 ms, never faster
    assert stamps[-1] - start < 1.0


async def test_per_key_rate_and_burst() -> None:
    limiter = RateLimiter(key_rate=20, key_burst=2)  # 50 ms apart after 2
    times = await _send_times(limiter, ["a"] * 5 + ["b"])
    a = times["a"]
    assert a[1] - a[0] < 0.045  # the burst (well under the 50 ms spacing, with slack for a loaded CI machine)
    assert a[2] - a[1] >= 0.045 and a[4] - a[2] >= 0.095
    assert times["b"][0] - a[0] < 0.045  # another key is not held up


async def test_group_window() -> None:
    limiter = RateLimiter(group_count=3, group_period=0.2)
    start = time.monotonic()
    times = await _send_times(limiter, ["g"] * 4, group=True)
    assert times["g"][2] - start < 0.15  # well inside the 0.2 s window
    assert times["g"][3] - times["g"][0] >= 0.195
    other = await _send_times(limiter, ["p"] * 4, group=False)  # not a group: no window
    assert other["p"][3] - other["p"][0] < 0.15


async def test_block_holds_only_that_key() -> None:
    limiter = RateLimiter(overall_rate=1000)
    limiter.block("slow", 0.2)
    assert limiter.blocked_for("slow") > 0.1 and limiter.blocked_for("fast") == 0
    start = time.monotonic()
    done: dict[str, float] = {}

    async def one(key: str) -> None:
        async with limiter.slot(key):
            done[key] = time.monotonic() - start

    await asyncio.gather(one("slow"), one("fast"))
    assert done["fast"] < 0.15  # not held up by the blocked key (0.2 s)
    assert done["slow"] >= 0.19


async def test_interactive_goes_before_queued_bulk() -> None:
    limiter = RateLimiter(overall_rate=50)  # 20 ms per slot
    order: list[str] = []

    async def one(name: str, priority: int) -> None:
        async with limiter.slot(name, priority=priority):
            order.append(name)

    bulk = [asyncio.create_task(one(f"bulk{i}", BULK)) for i in range(10)]
    await asyncio.sleep(0.005)  # the bulk sends are queued
    await one("user", INTERACTIVE)
    assert order.index("user") <= 2  # one slot behind the first bulk messages, not behind all ten
    await asyncio.gather(*bulk)
    await limiter.aclose()


async def test_cancelled_waiter_gives_its_slot_away() -> None:
    limiter = RateLimiter(overall_rate=20)
    async with limiter.slot("first"):
        pass
    waiter = asyncio.create_task(limiter.acquire("x"))
    await asyncio.sleep(0.01)
    waiter.cancel()
    start = time.monotonic()
    await limiter.acquire("y")
    assert time.monotonic() - start < 0.095  # y got the next slot (50 ms), not the one after (100 ms)


async def test_exclusive_serializes_one_key_and_cleans_up() -> None:
    limiter = RateLimiter()
    inside = 0
    peak = 0

    async def one() -> None:
        nonlocal inside, peak
        async with limiter.exclusive("k"):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.005)
            inside -= 1

    await asyncio.gather(*(one() for _ in range(5)))
    assert peak == 1
    assert not limiter._locks  # no lock left behind per chat
