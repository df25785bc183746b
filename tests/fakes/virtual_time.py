"""Made-up seconds for tests: a monotonic clock and an asyncio sleep that never wait for the real clock.

Hand `vt.clock` and `vt.sleep` to whatever takes a clock and a sleep (RateLimiter, SlackBot, TelegramSender,
the fakes' `clock=`). Time moves only when

- a test calls `await vt.advance(seconds)`: sleepers due by then wake, in order of their due time; or
- with `autojump=True`, by itself whenever no task of the loop can run: the clock jumps to the next sleeper's due
  time (trio's MockClock with autojump_threshold=0). Code that sleeps a minute then takes no real time.

Autojump only looks at this loop's ready queue: a request in flight to a server in another thread does not hold
the clock back by itself, so the clock would run on by however much real time the server takes (more under load),
and a fake reading the same clock would see requests arrive later and more bunched than they were sent. Wrap each
request in `with vt.holding():` (tests/bot/telegram_support.py does for the Telegram fake): no jump happens while
one is in flight, so the fake sees each request at the virtual instant it was sent, however slow the machine.
Assert what virtual time guarantees (spacing, order within one key, who waited for what), and test "X is not held
up by Y" with a manual clock: Y sleeps until the test advances, X must finish meanwhile.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Iterator
from contextlib import contextmanager


class VirtualTime:
    def __init__(self, start: float = 0.0, *, autojump: bool = False) -> None:
        self.now = start
        self.autojump = autojump
        self.sleeps: list[float] = []  # every positive sleep asked for, in order (what the code waited for)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._driver: asyncio.Task[None] | None = None
        self._holds = 0  # requests in flight to another thread: autojump waits for them

    @contextmanager
    def holding(self) -> Iterator[None]:
        """No autojump while inside (a request in flight to a server thread that reads this clock)."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1

    def clock(self) -> float:
        """The current virtual time (a float read: safe from other threads)."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        self.sleeps.append(seconds)
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._seq), fut))
        if self.autojump and (self._driver is None or self._driver.done()):
            self._driver = loop.create_task(self._drive(), name="virtual-time")
        await fut

    def start_autojump(self) -> None:
        """From now on move by itself (e.g. after a manual phase that checked who waits for whom)."""
        self.autojump = True
        if self._sleepers and (self._driver is None or self._driver.done()):
            self._driver = asyncio.get_running_loop().create_task(self._drive(), name="virtual-time")

    @property
    def sleeping(self) -> int:
        """Tasks parked in sleep() right now."""
        return sum(1 for *_, fut in self._sleepers if not fut.done())

    async def advance(self, seconds: float) -> None:
        """Move the clock on by `seconds`, waking each sleeper at its due time and letting it run."""
        target = self.now + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            self._wake_next()
            await _settle()
        self.now = max(self.now, target)
        await _settle()

    def _wake_next(self) -> None:
        """Jump to the earliest due time and wake everyone due then."""
        due = self._sleepers[0][0]
        self.now = max(self.now, due)
        while self._sleepers and self._sleepers[0][0] <= due:
            *_, fut = heapq.heappop(self._sleepers)
            if not fut.done():  # a cancelled sleeper is skipped
                fut.set_result(None)

    async def _drive(self) -> None:
        while self._sleepers:
            await asyncio.sleep(0)
            if not self._holds and not _ready(asyncio.get_running_loop()) and self._sleepers:
                self._wake_next()


def _ready(loop: asyncio.AbstractEventLoop) -> int:
    """Callbacks the loop will run without waiting (asyncio keeps them in `_ready`; CPython 3.11+)."""
    return len(getattr(loop, "_ready", ()))


async def _settle(rounds: int = 1000) -> None:
    """Let every runnable task run until none can (bounded: a task spinning on sleep(0) cannot hang a test)."""
    loop = asyncio.get_running_loop()
    for _ in range(rounds):
        await asyncio.sleep(0)
        if not _ready(loop):
            return
