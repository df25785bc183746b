"""The one async rate limiter for chat platforms, platform-neutral: Telegram and Slack both send through it.

Three budgets, all optional:
- overall: messages per second for the whole bot, handed out in priority order (interactive replies
  before bulk digests), so a running broadcast delays a user's answer by one slot, not by the queue;
- per key (a chat or channel): messages per second with a small burst, GCRA;
- per group key: at most N messages in any sliding window (Telegram: 20 a minute in a group).
Plus a per-key "blocked until" that a 429 `retry_after` sets: that key waits, every other key goes on.

Several workers sending for one bot share the overall and per-key budgets through a `SharedBudget` (app.py backs
it with a table in the database): every message also reserves its place in the shared bucket, GCRA by reservation
(`gcra_reserve`), and waits until that place comes. The local budgets stay as they are, so one worker alone paces
exactly as before and the shared bucket only adds the other workers' messages.

Per-key budgets are charged with the time a send *finished*, which is never earlier than the moment the
platform saw it, so the limiter stays on the safe side of the platform's own clock. Sends to one key are
meant to be serialized by the caller with `exclusive(key)` (a multi-part reply must arrive in order).
The clock and the sleep are injected (monotonic seconds, asyncio.sleep by default), so tests run it on virtual time.
"""

from __future__ import annotations

import asyncio
import collections
import heapq
import itertools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

_EPSILON = 1e-9  # float noise: 0.1 + 0.2 - 0.3 must not mean "wait"
INTERACTIVE = 0  # a user is waiting for this answer
BULK = 1  # digests and broadcasts

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Gcra:
    """Generic cell rate algorithm: `rate` per second with bursts of `burst` (a token bucket without a timer)."""

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.interval = 1.0 / rate
        self.tolerance = (burst - 1) * self.interval
        self.tat = -math.inf  # theoretical arrival time of the next conforming event

    def wait(self, now: float) -> float:
        """Seconds until one more event conforms (0 = now)."""
        wait = self.tat - self.tolerance - now
        return wait if wait > _EPSILON else 0.0

    def charge(self, at: float) -> None:
        """Count one event that happened at `at`."""
        self.tat = max(self.tat, at) + self.interval

    def idle(self, now: float) -> bool:
        return self.tat <= now


def gcra_reserve(tat: float | None, now: float, interval: float, tolerance: float) -> tuple[float, float]:
    """One event reserved in a shared GCRA bucket: (the bucket's new theoretical arrival time, seconds to wait).

    Pure, for the store's row-locked read-modify-write: the event is always accepted, at the first instant it
    conforms, so concurrent workers queue in the order their reservations reached the database."""
    start = now if tat is None else max(tat, now)
    wait = start - tolerance - now
    return start + interval, (wait if wait > _EPSILON else 0.0)


class SharedBudget(Protocol):
    """A bucket shared by every worker of one bot (a database row), keyed by name."""

    async def reserve(self, key: str, interval: float, tolerance: float) -> float:
        """Charge one event to bucket `key`; returns the seconds to wait before sending it (0 = now)."""
        ...


class SlidingWindow:
    """At most `count` events in any `period` seconds (an exact log; counts are small)."""

    def __init__(self, count: int, period: float) -> None:
        if count < 1 or period <= 0:
            raise ValueError("count must be at least 1 and period positive")
        self.count, self.period = count, period
        self.times: collections.deque[float] = collections.deque()

    def wait(self, now: float) -> float:
        # An event exactly one period ago has left the window (with float noise: on a virtual clock, or after a
        # sleep of exactly the wait, `now - period` can come out a hair below it).
        while self.times and self.times[0] <= now - self.period + _EPSILON:
            self.times.popleft()
        if len(self.times) < self.count:
            return 0.0
        return self.times[-self.count] + self.period - now

    def charge(self, at: float) -> None:
        self.times.append(at)

    def idle(self, now: float) -> bool:
        return self.wait(now) == 0.0 and not self.times


@dataclass
class _KeyState:
    rate: Gcra | None
    window: SlidingWindow | None = None
    blocked_until: float = 0.0

    def wait(self, now: float) -> float:
        return max(
            self.blocked_until - now,
            self.rate.wait(now) if self.rate else 0.0,
            self.window.wait(now) if self.window else 0.0,
        )

    def idle(self, now: float) -> bool:
        return (
            self.blocked_until <= now
            and (self.rate is None or self.rate.idle(now))
            and (self.window is None or self.window.idle(now))
        )


@dataclass
class _LockEntry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class RateLimiter:
    """Budgets for sending; `None` disables a budget. Use `exclusive(key)` around a reply, `slot()` per message."""

    def __init__(
        self,
        *,
        overall_rate: float | None = None,
        overall_burst: int = 1,
        key_rate: float | None = None,
        key_burst: int = 1,
        group_count: int | None = None,
        group_period: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        shared: SharedBudget | None = None,
        shared_name: str = "bot",
    ) -> None:
        self._overall = Gcra(overall_rate, overall_burst) if overall_rate else None
        self._shared, self._shared_name = shared, shared_name
        self._key_rate, self._key_burst = key_rate, key_burst
        self._group_count, self._group_period = group_count, group_period
        self._clock, self._sleep = clock, sleep
        self._keys: dict[str, _KeyState] = {}
        self._locks: dict[str, _LockEntry] = {}
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        self._charges = 0

    # ------------------------------------------------------------ per key

    def _state(self, key: str, group: bool) -> _KeyState:
        state = self._keys.get(key)
        if state is None:
            rate = Gcra(self._key_rate, self._key_burst) if self._key_rate else None
            state = self._keys[key] = _KeyState(rate)
        if group and state.window is None and self._group_count:
            state.window = SlidingWindow(self._group_count, self._group_period)
        return state

    def block(self, key: str, seconds: float) -> None:
        """The platform said "retry after `seconds`" for this key: nothing goes to it before then."""
        state = self._state(key, group=False)
        state.blocked_until = max(state.blocked_until, self._clock() + max(seconds, 0.0))

    def blocked_for(self, key: str) -> float:
        state = self._keys.get(key)
        return max(0.0, state.blocked_until - self._clock()) if state else 0.0

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[None]:
        """Serialize everything sent to one key (parts of a reply stay in order and are not interleaved)."""
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _LockEntry()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[key]

    # ------------------------------------------------------------ acquiring

    async def acquire(self, key: str, *, group: bool = False, priority: int = BULK) -> None:
        """Wait until one message may go to `key` (its own budgets first, then the overall budget)."""
        state = self._state(key, group)
        while (wait := state.wait(self._clock())) > 0:
            await self._sleep(wait)
        await self._acquire_overall(priority)
        if self._shared is not None:
            await self._acquire_shared(key, state)

    async def _acquire_shared(self, key: str, state: _KeyState) -> None:
        """The other workers' share: this message's place in the bot's shared buckets (overall, then its key)."""
        assert self._shared is not None
        budgets = [(f"{self._shared_name}:*", self._overall)] if self._overall else []
        if state.rate is not None:
            budgets.append((f"{self._shared_name}:{key}", state.rate))
        for name, gcra in budgets:
            wait = await self._shared.reserve(name, gcra.interval, gcra.tolerance)
            if wait > 0:
                await self._sleep(wait)

    def release(self, key: str, *, group: bool = False) -> None:
        """A send to `key` finished (accepted or not): charge its per-key budgets at this moment."""
        now = self._clock()
        state = self._state(key, group)
        if state.rate:
            state.rate.charge(now)
        if group and state.window:
            state.window.charge(now)
        self._charges += 1
        if self._charges % 1024 == 0:
            self._prune(now)

    @asynccontextmanager
    async def slot(self, key: str, *, group: bool = False, priority: int = BULK) -> AsyncIterator[None]:
        """`acquire` before one send, `release` after it (also when it raised)."""
        await self.acquire(key, group=group, priority=priority)
        try:
            yield
        finally:
            self.release(key, group=group)

    async def _acquire_overall(self, priority: int) -> None:
        if self._overall is None:
            return
        now = self._clock()
        if not self._waiters and self._overall.wait(now) == 0:
            self._overall.charge(now)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), fut))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run_pump(), name="ratelimit-pump")
        await fut

    async def _run_pump(self) -> None:
        """Hand out overall slots one by one to the best waiter (lowest priority value, then first come)."""
        assert self._overall is not None
        while self._waiters:
            wait = self._overall.wait(self._clock())
            if wait > 0:
                await self._sleep(wait)
                continue
            _, _, fut = heapq.heappop(self._waiters)
            if fut.done():  # the waiter was cancelled
                continue
            self._overall.charge(self._clock())
            fut.set_result(None)

    def _prune(self, now: float) -> None:
        for key in [k for k, s in self._keys.items() if s.idle(now) and k not in self._locks]:
            del self._keys[key]

    async def aclose(self) -> None:
        if self._pump and not self._pump.done():
            self._pump.cancel()
        for _, _, fut in self._waiters:
            fut.cancel()
        self._waiters.clear()
