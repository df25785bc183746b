"""The one bridge between the event loop and synchronous work (SQLite, the command core, parsing, extraction).

The rule (README "Concurrency"): a coroutine never calls the store, the command core or CPU-heavy pure code
directly; it awaits `gateway.write(fn, ...)` or `gateway.read(fn, ...)`. As in datasette, writes queue on ONE
writer thread, so this process never has two write transactions competing for SQLite's lock; reads and
read-mostly work (commands, composing, parsing) run in a small pool of reader threads. Each thread keeps its
own SQLite connection (`StoreBase.conn`). Sync code already inside a worker thread calls the store directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

READERS = 4  # reader threads: enough for a few concurrent commands on 2 cores; SQLite reads do not block in WAL


Call = tuple[contextvars.Context, Callable[..., Any], tuple[Any, ...], dict[str, Any], "asyncio.Future[Any]"]


class Gateway:
    """`await gateway.write(store.add_feed, url)` / `await gateway.read(store.feeds)`; `close()` at shutdown.

    Writes queue in order; the writer drains whatever is queued in one go and hands the results back to the
    loop in one wake-up (a digest fan-out queues hundreds at once: one thread hop per batch, not per write).
    """

    def __init__(self, *, readers: int = READERS, name: str = "newsdigest") -> None:
        self._name = name
        self._readers_count = readers
        self._lock = threading.Lock()
        self._writer: ThreadPoolExecutor | None = None
        self._readers: ThreadPoolExecutor | None = None
        self._lanes: dict[str, ThreadPoolExecutor] = {}  # one thread each: "urgent", "ledger"
        self._writer_thread: int | None = None
        self._queue: list[tuple[asyncio.AbstractEventLoop, Call]] = []
        self._draining = False

    async def write(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn` on the single writer thread (store writes, clustering, anything that writes)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        call: Call = (contextvars.copy_context(), fn, args, kwargs, future)
        with self._lock:
            self._queue.append((loop, call))
            start, self._draining = not self._draining, True
        if start:
            try:
                self._pool(writer=True).submit(self._drain)
            except RuntimeError:  # closed
                with self._lock:
                    self._draining = False
                raise
        return await future

    async def read(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn` on a reader thread (queries, commands that only read, parsing and composing)."""
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()  # log context and the like follow the work, as with asyncio.to_thread
        return await loop.run_in_executor(self._pool(writer=False), functools.partial(ctx.run, fn, *args, **kwargs))

    async def urgent(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn` on a thread of its own: for the few short writes that must never queue behind the writer's or the
        readers' work (a worker's lease renewal while a broadcast keeps both busy; PostgreSQL only, where a write
        does not need the single writer)."""
        return await self._on_lane("urgent", fn, *args, **kwargs)

    async def ledger(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn` on another thread of its own: for a broadcast's ledger writes that lock only their own rows
        (PostgreSQL's `write(exclusive=False)`), so a digest's mark does not wait behind the writer composing the
        next ones. SQLite has one writer: its ledger writes go through `write`."""
        return await self._on_lane("ledger", fn, *args, **kwargs)

    async def _on_lane(self, lane: str, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        with self._lock:
            pool = self._lanes.get(lane)
            if pool is None:
                pool = self._lanes[lane] = ThreadPoolExecutor(1, f"{self._name}-{lane}")
        ctx = contextvars.copy_context()
        return await loop.run_in_executor(pool, functools.partial(ctx.run, fn, *args, **kwargs))

    def on_writer(self) -> bool:
        """True on the writer thread (for assertions in tests and debug checks)."""
        return self._writer_thread == threading.get_ident()

    def close(self) -> None:
        """Stop the threads after the work already queued (a write in progress is finished, not cut)."""
        with self._lock:
            pools = (self._writer, self._readers, *self._lanes.values())
            self._writer = self._readers = None
            self._lanes = {}
        inside = self.on_writer() or threading.current_thread().name.startswith(self._name)
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait=not inside)  # a pool thread cannot wait for itself

    def _pool(self, *, writer: bool) -> ThreadPoolExecutor:
        with self._lock:
            if writer:
                if self._writer is None:
                    self._writer = ThreadPoolExecutor(1, f"{self._name}-writer", initializer=self._mark_writer)
                return self._writer
            if self._readers is None:
                self._readers = ThreadPoolExecutor(self._readers_count, f"{self._name}-reader")
            return self._readers

    def _mark_writer(self) -> None:
        self._writer_thread = threading.get_ident()

    def _drain(self) -> None:
        """On the writer: run queued writes in order until none is left; results go back per loop in one call."""
        while True:
            with self._lock:
                batch, self._queue = self._queue, []
                if not batch:
                    self._draining = False
                    return
            done: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any, BaseException | None]]] = {}
            for loop, (ctx, fn, args, kwargs, future) in batch:
                try:
                    outcome: tuple[Any, BaseException | None] = (ctx.run(fn, *args, **kwargs), None)
                except BaseException as exc:  # noqa: BLE001 (handed to the awaiting coroutine, as run_in_executor does)
                    outcome = (None, exc)
                done.setdefault(loop, []).append((future, *outcome))
            for loop, results in done.items():
                with contextlib.suppress(RuntimeError):  # that loop is closed: nobody is waiting any more
                    loop.call_soon_threadsafe(_resolve, results)


def _resolve(results: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, value, exc in results:
        if future.cancelled():
            continue
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(value)
