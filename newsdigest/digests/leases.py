"""Leases in the database: who may run what.

- the instance lease (SQLite): one process per database file. SQLite has one writer and no row locks to share a
  broadcast with, and a second process would run a second scheduler against the same ledger; so a second
  `newsdigest run` is refused while the first one's lease lives (delivery.py).
- the leader lease (PostgreSQL, several workers): whoever holds it runs the feed poller, the digest scheduler and
  Telegram long polling. Every worker tries for it every `ttl / 3`; the holder renews it just as often, so when the
  leader dies another worker takes over within `[workers] leader_takeover_seconds` (the ttl). A holder on this host
  whose process is gone counts as dead at once (store.LeaseRepo).
- a worker lease per worker (`worker:<holder>`, same ttl): it says the worker lives. A pending ledger row claimed
  by a worker whose lease has expired may be claimed again by another one (store/delivery_repo.py). The one-shot
  `newsdigest digest` / `remind` commands hold one too while they run (`one_shot_worker`), so they and the
  running workers leave each other's claimed rows alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from newsdigest.errors import StoreError
from newsdigest.store.delivery_repo import WORKER_LEASE_PREFIX
from newsdigest.store.store import LeaseHeldError, LeaseRepo

log = logging.getLogger("newsdigest.workers")

INSTANCE_LEASE = "instance"
LEADER_LEASE = "leader"
LEASE_TTL = dt.timedelta(seconds=60)
LEASE_RENEW_SECONDS = 20.0
STORE_RETRY_SECONDS = 1.0  # after a failed renewal (database restarting), try again this soon
T = TypeVar("T")


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def _cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a renewal task and wait until it has ended."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

class InstanceLease:
    """One named lease held by this process; renewed in the background, released on stop."""

    def __init__(self, store: LeaseRepo, holder: str, *, ttl: dt.timedelta = LEASE_TTL,
                 renew_seconds: float = LEASE_RENEW_SECONDS, name: str = INSTANCE_LEASE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self._clock = clock
        self.holder = holder
        self.name = name
        self.ttl = ttl
        self.renew_seconds = renew_seconds
        self.held = False
        self._steady_since = clock()  # since when every renewal succeeded (reset by a failed one)
        self._task: asyncio.Task[None] | None = None

    @property
    def steady(self) -> bool:
        """Renewed without a gap for a whole ttl. Only then may this worker take over rows of a worker whose lease
        expired: after a database outage every lease looks expired, and each live worker needs a ttl to renew."""
        return self._clock() - self._steady_since >= self.ttl.total_seconds()

    def acquire(self) -> None:
        """Raises LeaseHeldError (with a message for the operator) while another process holds it."""
        self.store.acquire_lease(self.name, self.holder, self.ttl)
        self.held = True

    def renew(self) -> bool:
        """Sync (for the writer thread); the renewal task awaits it through the store's gateway."""
        try:
            self.acquire()
        except LeaseHeldError as exc:
            # Someone took over while we stalled past the ttl: stop, the other process owns it now.
            self.held = False
            log.error("%s lease lost: %s", self.name, exc)
        return self.held

    async def _renew_forever(self) -> None:
        while True:
            try:
                await self.call(self.renew)
                await asyncio.sleep(self.renew_seconds)
            except StoreError as exc:  # the database is away (restarting): keep trying, the ttl is the limit
                self._steady_since = self._clock()
                log.warning("%s lease not renewed: %s", self.name, exc)
                await asyncio.sleep(min(self.renew_seconds, STORE_RETRY_SECONDS))

    async def call(self, fn: Callable[..., T], *args: object) -> T:
        """Lease writes on the writer thread with SQLite (one writer per file). With several workers (PostgreSQL) on a
        thread of their own: a broadcast queues hundreds of ledger writes on the writer and rate reservations on the
        readers, and a renewal waiting behind them past the ttl would make this live worker look dead to the others
        (who would then resend its rows)."""
        if self.store.supports_workers:
            return await self.store.gateway.urgent(fn, *args)
        return await self.store.gateway.write(fn, *args)

    def start(self) -> asyncio.Task[None]:
        """Start the renewal task (call inside the running loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._renew_forever(), name=f"newsdigest-lease-{self.name}")
        return self._task

    async def stop(self) -> None:
        await _cancel(self._task)
        self._task = None
        if self.held:
            with contextlib.suppress(StoreError):  # unreachable database: the lease simply expires
                await self.call(self.store.release_lease, self.name, self.holder)
            self.held = False


def acquire_instance_lease(store: LeaseRepo, holder: str | None = None, *, ttl: dt.timedelta = LEASE_TTL,
                           renew_seconds: float = LEASE_RENEW_SECONDS) -> InstanceLease:
    """Take the instance lease or raise LeaseHeldError ("another newsdigest (host:pid) is running on …").

    app.py: `lease = acquire_instance_lease(store)` before starting anything, `lease.start()` inside
    the loop, `await lease.stop()` at shutdown.
    """
    lease = InstanceLease(store, holder or default_holder(), ttl=ttl, renew_seconds=renew_seconds)
    lease.acquire()
    return lease


def worker_lease(store: LeaseRepo, holder: str, ttl: dt.timedelta,
                 clock: Callable[[], float] = time.monotonic) -> InstanceLease:
    """This worker's liveness lease (taken at once: the name is its own), renewed every ttl / 3."""
    lease = InstanceLease(store, holder, ttl=ttl, renew_seconds=ttl.total_seconds() / 3,
                          name=WORKER_LEASE_PREFIX + holder, clock=clock)
    lease.acquire()
    return lease


@contextlib.asynccontextmanager
async def one_shot_worker(store: LeaseRepo, ttl: dt.timedelta) -> AsyncIterator[str | None]:
    """The name a one-shot command claims ledger rows under, alive while the block runs (PostgreSQL: a worker lease,
    renewed; released at the end). SQLite: None, the name of the only process, as in `newsdigest run`.

    Without it a `newsdigest remind` beside running workers took a row a live worker was sending (a second copy),
    and a worker could take a row the command was sending (its claim named nobody alive)."""
    if not store.supports_workers:
        yield None
        return
    holder = default_holder()
    lease = await store.gateway.urgent(worker_lease, store, holder, ttl)
    lease.start()
    try:
        yield holder
    finally:
        await lease.stop()


Hook = Callable[[], Awaitable[None]]


class Leadership:
    """Competes for the leader lease; `on_gain` / `on_loss` run on the loop whenever this worker's role changes.

    `step()` is one round (tests drive it); `start()` runs rounds every ttl / 3 until `stop()`, which hands the
    lead back (the next worker takes over at its next round instead of after the ttl).
    """

    def __init__(self, store: LeaseRepo, holder: str, ttl: dt.timedelta, *, on_gain: Hook, on_loss: Hook,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lease = InstanceLease(store, holder, ttl=ttl, renew_seconds=ttl.total_seconds() / 3, name=LEADER_LEASE)
        self.store = store
        self.on_gain, self.on_loss = on_gain, on_loss
        self._clock = clock
        self._renewed = -float("inf")
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self.lease.held

    @property
    def holder(self) -> str:
        return self.lease.holder

    def _try(self) -> bool:
        try:
            self.lease.acquire()
        except LeaseHeldError:
            self.lease.held = False
        return self.lease.held

    async def step(self) -> bool:
        """Take or renew the lead if free or ours; returns whether this worker leads now."""
        was = self.lease.held
        try:
            now_leading = await self.lease.call(self._try)
        except StoreError as exc:
            # No answer from the database: keep the role until our lease would have expired for the others too.
            now_leading = was and self._clock() - self._renewed < self.lease.ttl.total_seconds()
            self.lease.held = now_leading
            log.warning("leader lease not renewed (%s); %s", exc, "still leading" if now_leading else "not leading")
        else:
            if now_leading:
                self._renewed = self._clock()
        if now_leading and not was:
            log.info("worker role: leader holder=%s (runs the feed poller, the scheduler and Telegram polling)",
                     self.holder)
            await self.on_gain()
        elif was and not now_leading:
            log.warning("worker role: follower holder=%s (lost the lead; delivers claimed digests only)", self.holder)
            await self.on_loss()
        return now_leading

    async def _run(self) -> None:
        while True:
            await self.step()
            await asyncio.sleep(self.lease.renew_seconds)

    def start(self) -> asyncio.Task[None]:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="newsdigest-leadership")
        return self._task

    async def stop(self) -> None:
        await _cancel(self._task)
        self._task = None
        if self.lease.held:
            await self.on_loss()
            await self.lease.stop()
