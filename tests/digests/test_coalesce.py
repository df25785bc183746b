"""Group commits: what arrives while a flush is written goes into the next flush, and each caller gets its own outcome."""

from __future__ import annotations

import asyncio

import pytest

from newsdigest.digests.coalesce import GroupCommit


class Flusher:
    """Records each batch; holds every flush until `release` is set; an item "bad" fails alone."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = asyncio.Event()

    async def flush(self, items: list[str]) -> list[str | Exception]:
        self.batches.append(items)
        await self.release.wait()
        if "all-fail" in items:
            raise RuntimeError("the write failed")
        return [ValueError(item) if item == "bad" else item.upper() for item in items]


async def test_items_that_arrive_during_a_flush_go_together_into_the_next() -> None:
    f = Flusher()
    group: GroupCommit[str, str] = GroupCommit(f.flush)
    first = asyncio.ensure_future(group.submit("a"))
    await asyncio.sleep(0)  # the first flush has started with "a" alone
    rest = [asyncio.ensure_future(group.submit(x)) for x in ("b", "c", "bad")]
    await asyncio.sleep(0)
    f.release.set()
    assert await first == "A"
    assert [await t for t in rest[:2]] == ["B", "C"]
    with pytest.raises(ValueError, match="bad"):  # its own failure, to its own caller only
        await rest[2]
    assert f.batches == [["a"], ["b", "c", "bad"]]


async def test_a_failed_flush_fails_its_batch_and_the_next_batch_still_runs() -> None:
    f = Flusher()
    f.release.set()
    group: GroupCommit[str, str] = GroupCommit(f.flush)
    doomed = [asyncio.ensure_future(group.submit(x)) for x in ("x", "all-fail")]
    results = await asyncio.gather(*doomed, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert await group.submit("y") == "Y"


async def test_a_caller_that_gives_up_does_not_cancel_the_write() -> None:
    f = Flusher()
    group: GroupCommit[str, str] = GroupCommit(f.flush)
    impatient = asyncio.ensure_future(group.submit("a"))
    patient = asyncio.ensure_future(group.submit("b"))
    await asyncio.sleep(0)
    impatient.cancel()
    f.release.set()
    assert await patient == "B"
    assert f.batches == [["a", "b"]]  # "a" was written all the same
