"""One drain at a time: calls that arrive while a drain runs fold into one more pass of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


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
