"""A catch-up cut off by the process ending is not an error (it logged a traceback at every console EOF)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from newsdigest.digests.delivery import Deliverer
from newsdigest.digests.scheduler import DigestScheduler


class CancelledDeliverer:
    on_change: Any = None

    async def catch_up(self) -> list[Any]:
        raise asyncio.CancelledError


class FakeScheduler:
    def __init__(self, running: bool) -> None:
        self.running = running


async def test_catch_up_cancelled_after_shutdown_ends_quietly() -> None:
    sched = DigestScheduler(cast(Deliverer, CancelledDeliverer()), scheduler=cast(Any, FakeScheduler(running=False)))
    assert await sched._catch_up() == []


async def test_catch_up_cancelled_while_running_stays_cancelled() -> None:
    sched = DigestScheduler(cast(Deliverer, CancelledDeliverer()), scheduler=cast(Any, FakeScheduler(running=True)))
    with pytest.raises(asyncio.CancelledError):
        await sched._catch_up()
