"""The leader lease and the worker leases (digests/leases.py) on a fake clock; renewal while the writer is busy."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsdigest.clock import FakeClock
from newsdigest.digests.leases import Leadership, worker_lease
from newsdigest.errors import StoreUnavailableError
from newsdigest.store.store import Store

TTL = dt.timedelta(seconds=30)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[tuple[Store, FakeClock]]:
    clock = FakeClock(dt.datetime(2020, 9, 14, 6, 0, tzinfo=dt.UTC))
    store = Store(pg_url, now=clock.now)
    yield store, clock
    store.close()


class Roles:
    def __init__(self) -> None:
        self.events: list[str] = []

    async def gain(self) -> None:
        self.events.append("gain")

    async def loss(self) -> None:
        self.events.append("loss")


@pytest.mark.postgres
async def test_one_leader_and_a_takeover_once_its_lease_expired(pg_store: tuple[Store, FakeClock]) -> None:
    store, clock = pg_store
    a_roles, b_roles = Roles(), Roles()
    a = Leadership(store, "host-a:1", TTL, on_gain=a_roles.gain, on_loss=a_roles.loss)
    b = Leadership(store, "host-b:2", TTL, on_gain=b_roles.gain, on_loss=b_roles.loss)
    assert await a.step() and not await b.step()
    clock.advance(seconds=20)
    assert await a.step() and not await b.step()  # renewed: still a's
    clock.advance(seconds=31)  # a stalled (or died on another host) past the ttl
    assert await b.step()
    assert not await a.step()  # a hears it lost the lead at its next round
    assert a_roles.events == ["gain", "loss"] and b_roles.events == ["gain"]
    await b.stop()  # hands the lead back at once: a takes it at its next round, not after the ttl
    assert b_roles.events == ["gain", "loss"]
    assert await a.step()


@pytest.mark.postgres
async def test_a_renewal_does_not_wait_behind_the_writer(pg_store: tuple[Store, FakeClock]) -> None:
    """A broadcast queues hundreds of ledger writes on the writer thread; a worker's lease renewal must not wait for
    them, or the worker would look dead to the others and they would resend its rows."""
    store, clock = pg_store
    lease = await store.gateway.write(worker_lease, store, "host-a:1", TTL)
    release = threading.Event()
    busy = asyncio.ensure_future(store.gateway.write(release.wait, 30))  # the writer is held up
    try:
        clock.advance(seconds=10)
        assert await asyncio.wait_for(lease.call(lease.renew), 10)
        expires = store.query("SELECT expires_at FROM leases WHERE name = ?", ("worker:host-a:1",))[0][0]
        assert expires == (clock.now() + TTL).isoformat(timespec="seconds")
        assert not busy.done()
    finally:
        release.set()
        await busy


class FlakyStore(Store):
    """A store whose database stops answering lease writes while `down` is set (a restart under way)."""

    down = False

    def acquire_lease(self, name: str, holder: str, ttl: dt.timedelta) -> None:
        if self.down:
            raise StoreUnavailableError("lost the connection to the database")
        super().acquire_lease(name, holder, ttl)


async def test_a_lease_is_steady_only_after_a_whole_ttl_without_a_failed_renewal(tmp_path: Path) -> None:
    store = FlakyStore(tmp_path / "flaky.db")
    ticks = [100.0]
    try:
        lease = await store.gateway.write(worker_lease, store, "host-a:1", TTL, lambda: ticks[0])
        assert not lease.steady  # just started: others' rows are not taken over yet
        ticks[0] += TTL.total_seconds()
        assert lease.steady
        store.down = True
        lease.start()  # its first renewal fails
        await asyncio.wait_for(_until(lambda: not lease.steady), 20)
        store.down = False
        ticks[0] += TTL.total_seconds() - 1
        assert not lease.steady  # a ttl has not passed since the failure
        ticks[0] += 1
        assert lease.steady
        await lease.stop()
    finally:
        store.close()


async def _until(predicate: Callable[[], bool]) -> None:
    while not predicate():
        await asyncio.sleep(0.01)
