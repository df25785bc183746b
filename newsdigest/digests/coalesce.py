"""Many calls, fewer runs: one drain at a time (calls that arrive while a drain runs fold into one more pass of it),
and group commits (writes that arrive while one is being written go into the next one together)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class Coalescer(Generic[T]):
    """Runs `once` again until no call asked for another look meanwhile.

    The scheduler's jobs, the catch-up and a user's command may all ask the same worker to drain its pending rows;
    a second drain beside the first would only contend for the same claims, so it asks the running one to look
    again and returns at once with nothing.
    """

    def __init__(self) -> None:
        self._running = False
        self._again = False

    async def run(self, once: Callable[[], Awaitable[list[T]]]) -> list[T]:
        if self._running:
            self._again = True
            return []
        self._running = True
        results: list[T] = []
        try:
            again = True
            while again:
                self._again = False
                results += await once()
                again = self._again
        finally:
            self._running = False
        return results


class GroupCommit(Generic[Item, Outcome]):
    """Many callers' small writes as one: items submitted while a flush runs go into the next flush together.

    A broadcast finishes dozens of sends at once, and each ledger mark in its own transaction costs a commit (on
    PostgreSQL several round trips); as one transaction they cost about one. `submit(item)` waits for the flush
    that carried its item and returns that item's outcome. `flush(items)` returns one outcome per item, in order;
    an exception among them is raised to that item's caller only, one raised by `flush` to every caller of the
    batch. The flush runs in a task of its own, so a caller that gives up does not cancel the others' write.
    """

    def __init__(self, flush: Callable[[list[Item]], Awaitable[Sequence[Outcome | Exception]]]) -> None:
        self._flush = flush
        self._queue: list[tuple[Item, asyncio.Future[Outcome]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="newsdigest-group-commit")
        return await future

    async def _run(self) -> None:
        batch: list[tuple[Item, asyncio.Future[Outcome]]] = []
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                try:
                    outcomes: Sequence[Outcome | Exception] = await self._flush([item for item, _ in batch])
                except Exception as exc:  # noqa: BLE001 (handed to every caller of the batch)
                    outcomes = [exc] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller gave up
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        except BaseException:  # cancelled (the loop is closing): nobody is left waiting for nothing
            for _, future in batch + self._queue:
                future.cancel()
            self._queue = []
            raise
        finally:
            self._task = None
