"""The platform-neutral rate limiter: GCRA per key, sliding group window, overall budget with priorities."""

from __future__ import annotations

import asyncio

import pytest

from newsdigest.bot.ratelimit import BULK, INTERACTIVE, Gcra, RateLimiter, SlidingWindow
from tests.fakes.virtual_time import VirtualTime


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


def test_sliding_window_counts_an_event_on_the_exact_boundary_once() -> None:
    # 61.266666666666666 - 60 is a hair below 1.2666666666666666 in floats: the first event must still count as
    # gone, and the window must not then let a third event through in the same instant.
    w = SlidingWindow(count=2, period=60)
    w.charge(1.2666666666666666)
    w.charge(1.3)
    now = 61.266666666666666
    assert w.wait(now) == 0
    w.charge(now)
    assert w.wait(now) == pytest.approx(1.3 + 60 - now)


def test_invalid_budgets_refused() -> None:
    with pytest.raises(ValueError):
        Gcra(rate=0)
    with pytest.raises(ValueError):
        SlidingWindow(count=0, period=1)


def limiter(**budgets: float) -> tuple[RateLimiter, VirtualTime]:
    """A limiter on virtual time that jumps ahead whenever every send waits: exact times, no real waiting."""
    vt = VirtualTime(autojump=True)
    return RateLimiter(**budgets, clock=vt.clock, sleep=vt.sleep), vt  # type: ignore[arg-type]


async def _send_times(
    lim: RateLimiter, vt: VirtualTime, keys: list[str], *, group: bool = False
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in keys}

    async def one(key: str) -> None:
        async with lim.exclusive(key), lim.slot(key, group=group):
            times[key].append(vt.clock())

    await asyncio.gather(*(one(k) for k in keys))
    return times


async def test_overall_rate_spaces_sends_across_keys() -> None:
    lim, vt = limiter(overall_rate=100)  # 10 ms apart
    times = await _send_times(lim, vt, [f"c{i}" for i in range(21)])
    stamps = sorted(t for ts in times.values() for t in ts)
    assert stamps == pytest.approx([i * 0.01 for i in range(21)])  # 20 intervals of 10 ms, never faster
    await lim.aclose()


async def test_per_key_rate_and_burst() -> None:
    lim, vt = limiter(key_rate=20, key_burst=2)  # 50 ms apart after 2
    times = await _send_times(lim, vt, ["a"] * 5 + ["b"])
    assert times["a"] == pytest.approx([0.0, 0.0, 0.05, 0.1, 0.15])  # the burst, then the spacing
    assert times["b"] == [0.0]  # another key is not held up


async def test_group_window() -> None:
    lim, vt = limiter(group_count=3, group_period=0.2)
    times = await _send_times(lim, vt, ["g"] * 4, group=True)
    assert times["g"] == pytest.approx([0.0, 0.0, 0.0, 0.2])  # three in the window, the fourth when one leaves it
    other = await _send_times(lim, vt, ["p"] * 4, group=False)  # not a group: no window
    assert other["p"] == [vt.clock()] * 4


async def test_block_holds_only_that_key() -> None:
    lim, vt = limiter(overall_rate=1000)
    lim.block("slow", 0.2)
    assert lim.blocked_for("slow") == pytest.approx(0.2) and lim.blocked_for("fast") == 0
    done: dict[str, float] = {}

    async def one(key: str) -> None:
        async with lim.slot(key):
            done[key] = vt.clock()

    await asyncio.gather(one("slow"), one("fast"))
    assert done["fast"] == 0.0  # not held up by the blocked key
    assert done["slow"] == pytest.approx(0.2)
    assert lim.blocked_for("slow") == 0
    await lim.aclose()


async def test_interactive_goes_before_queued_bulk() -> None:
    vt = VirtualTime()  # manual: the bulk sends stay queued until the test moves the clock
    lim = RateLimiter(overall_rate=50, clock=vt.clock, sleep=vt.sleep)  # 20 ms per slot
    order: list[str] = []

    async def one(name: str, priority: int) -> None:
        async with lim.slot(name, priority=priority):
            order.append(name)

    bulk = [asyncio.create_task(one(f"bulk{i}", BULK)) for i in range(10)]
    await vt.advance(0)  # bulk0 takes the free slot, the other nine queue behind it
    assert order == ["bulk0"]
    user = asyncio.create_task(one("user", INTERACTIVE))
    await vt.advance(0.02)
    assert order == ["bulk0", "user"]  # the next slot, not behind all nine
    while not all(t.done() for t in bulk):
        await vt.advance(0.02)
    assert order[2:] == [f"bulk{i}" for i in range(1, 10)] and user.done()
    await lim.aclose()


async def test_cancelled_waiter_gives_its_slot_away() -> None:
    vt = VirtualTime()
    lim = RateLimiter(overall_rate=20, clock=vt.clock, sleep=vt.sleep)  # 50 ms per slot
    async with lim.slot("first"):
        pass
    waiter = asyncio.create_task(lim.acquire("x"))
    await vt.advance(0.01)
    assert not waiter.done()
    waiter.cancel()
    y = asyncio.create_task(lim.acquire("y"))
    await vt.advance(0.04)
    assert y.done() and vt.clock() == pytest.approx(0.05)  # y got the next slot (50 ms), not the one after
    await lim.aclose()


async def test_exclusive_serializes_one_key_and_cleans_up() -> None:
    lim, vt = limiter()
    inside = 0
    peak = 0

    async def one() -> None:
        nonlocal inside, peak
        async with lim.exclusive("k"):
            inside += 1
            peak = max(peak, inside)
            await vt.sleep(0.005)
            inside -= 1

    await asyncio.gather(*(one() for _ in range(5)))
    assert peak == 1 and vt.clock() == pytest.approx(0.025)
    assert not lim._locks  # no lock left behind per chat
