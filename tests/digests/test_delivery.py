"""The delivery ledger end to end with a fake clock: exactly one digest per chat and slot."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import pytest

from newsdigest.digests.delivery import Deliverer
from newsdigest.errors import StoreError
from newsdigest.models import ChatRef, Platform
from newsdigest.store.delivery_repo import Finish
from newsdigest.store.store import Store
from tests.digests.conftest import CHAT, World
from tests.digests.fakes import Crash

UTC = dt.UTC


async def tick(world: World, *, cron: bool = True) -> None:
    """What the running bot does at this instant: the cron job when a slot starts, and the catch-up."""
    if cron:
        for sub in world.store.scheduled_subscriptions():
            await world.deliverer.run_subscription(sub.id)
    await world.deliverer.catch_up()


async def test_a_week_with_an_outage_and_restarts_sends_exactly_seven(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    start = world.clock.now()
    down = (dt.datetime(2020, 9, 16, 5, 0, tzinfo=UTC), dt.datetime(2020, 9, 16, 8, 0, tzinfo=UTC))
    restarts_at = {dt.datetime(2020, 9, 16, 8, 0, tzinfo=UTC), dt.datetime(2020, 9, 18, 6, 15, tzinfo=UTC),
                   dt.datetime(2020, 9, 19, 13, 0, tzinfo=UTC)}
    now = start
    while now < dt.datetime(2020, 9, 21, 0, 0, tzinfo=UTC):
        world.clock.set(now)
        if now.hour == 5 and now.minute == 0 and now.date() > start.date():
            world.add_article(f"Day {now.day} development about the sale.")
        if now in restarts_at:
            world.restart()
        if not down[0] <= now < down[1]:
            await tick(world, cron=now.hour == 6 and now.minute == 0)
            if now == dt.datetime(2020, 9, 18, 6, 0, tzinfo=UTC):
                await tick(world)  # the cron job and the catch-up firing together change nothing
        now += dt.timedelta(minutes=15)

    sent = world.sender.sent
    assert len(sent) == 7
    assert [s.at.date().day for s in sent] == [14, 15, 16, 17, 18, 19, 20]
    # the outage day's digest went out once, when the bot came back at 10:00 Berlin
    assert sent[2].at == dt.datetime(2020, 9, 16, 8, 0, tzinfo=UTC)
    assert all(s.at.hour == 6 for i, s in enumerate(sent) if i != 2)
    rows = world.store.deliveries(platform="telegram", chat_id="4242")
    assert [r.slot for r in rows] == [f"2020-09-{d}T08:00+02:00" for d in range(14, 21)]
    assert all(r.status == "sent" and r.attempts == 1 for r in rows)
    # each digest reports what changed since the previous one: its own day's article, not yesterday's
    for s in sent:
        day = s.at.day
        assert f"Day {day} development" in s.text
        assert f"Day {day - 1} development" not in s.text


async def test_dst_change_keeps_local_time(world: World) -> None:
    world.at("2020-10-23T12:00:00+00:00")
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    now = world.clock.now()
    while now < dt.datetime(2020, 10, 27, 0, 0, tzinfo=UTC):
        world.clock.set(now)
        await tick(world, cron=False)
        now += dt.timedelta(minutes=30)
    assert [s.at for s in world.sender.sent] == [
        dt.datetime(2020, 10, 24, 6, 0, tzinfo=UTC),  # 08:00 CEST
        dt.datetime(2020, 10, 25, 7, 0, tzinfo=UTC),  # 08:00 CET, the day the clocks went back
        dt.datetime(2020, 10, 26, 7, 0, tzinfo=UTC),
    ]
    assert [r.slot for r in world.store.deliveries()] == [
        "2020-10-24T08:00+02:00", "2020-10-25T08:00+01:00", "2020-10-26T08:00+01:00"]


async def test_spring_forward_moves_a_missing_time_forward_once(world: World) -> None:
    world.at("2020-03-28T00:00:00+00:00")
    world.store.subscribe(CHAT, time="02:30", tz="Europe/Berlin")
    now = world.clock.now()
    while now < dt.datetime(2020, 3, 30, 12, 0, tzinfo=UTC):
        world.clock.set(now)
        await tick(world, cron=False)
        now += dt.timedelta(minutes=30)
    assert [r.slot for r in world.store.deliveries()] == [
        "2020-03-28T02:30+01:00", "2020-03-29T03:30+02:00", "2020-03-30T02:30+02:00"]
    assert len(world.sender.sent) == 3


async def test_crash_between_compose_and_send_is_sent_once_after_restart(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.add_article("Oracle chosen as technology partner.")
    world.sender.script = {1: "crash-before"}
    world.at("2020-09-14T06:00:00+00:00")
    with pytest.raises(Crash):
        await world.deliverer.run_subscription(world.store.scheduled_subscriptions()[0].id)
    row = world.store.delivery("telegram", "4242", "2020-09-14T08:00+02:00")
    assert row is not None and row.status == "pending" and row.composed_at is not None
    assert world.sender.sent == []

    world.at("2020-09-14T06:03:00+00:00")
    world.restart()
    await world.deliverer.catch_up()
    await world.deliverer.catch_up()
    assert len(world.sender.sent) == 1
    row = world.store.delivery("telegram", "4242", "2020-09-14T08:00+02:00")
    assert row is not None and row.status == "sent" and row.attempts == 2


async def test_crash_after_the_platform_accepted_is_the_documented_window(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """At-least-once in the window between the platform's acceptance and the ledger commit: resent, and logged."""
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.sender.script = {1: "crash-after"}
    world.at("2020-09-14T06:00:00+00:00")
    with pytest.raises(Crash):
        await world.deliverer.catch_up()
    world.restart()
    with caplog.at_level(logging.WARNING, logger="newsdigest.digests"):
        await world.deliverer.catch_up()
    assert len(world.sender.sent) == 2
    assert "possible duplicate" in caplog.text


async def test_gone_chat_deactivates_and_is_never_retried(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.sender.always = "gone"
    world.at("2020-09-14T06:00:00+00:00")
    results = await world.deliverer.catch_up()
    assert [r.status for r in results] == ["gone"]
    assert world.store.subscriptions_for(CHAT) == []
    assert not world.store.chat_active(CHAT)
    assert world.changes == 1  # the scheduler is told to rebuild
    calls = world.sender.calls
    for minutes in (1, 2, 60, 24 * 60):
        world.clock.advance(minutes=minutes)
        assert await world.deliverer.catch_up() == []
    assert world.sender.calls == calls


async def test_transient_failures_retry_until_sent_or_given_up(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.sender.script = {1: "fail", 2: "fail"}
    world.at("2020-09-14T06:00:00+00:00")
    statuses = []
    for _ in range(4):
        statuses += [r.status for r in await world.deliverer.catch_up()]
        world.clock.advance(minutes=1)
    assert statuses == ["retry", "retry", "sent"]
    assert len(world.sender.sent) == 1

    world.sender.always = "fail"
    world.at("2020-09-15T06:00:00+00:00")
    for _ in range(8):
        await world.deliverer.catch_up()
        world.clock.advance(minutes=1)
    row = world.store.delivery("telegram", "4242", "2020-09-15T08:00+02:00")
    assert row is not None and row.status == "failed" and row.attempts == 5


async def test_outage_longer_than_grace_skips_the_slot(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.at("2020-09-14T18:30:00+00:00")  # 12.5 h after the slot, grace is 12 h
    assert await world.deliverer.catch_up() == []
    world.at("2020-09-14T17:30:00+00:00")
    assert [r.status for r in await world.deliverer.catch_up()] == ["sent"]


async def test_no_catch_up_for_a_slot_before_the_subscription(world: World) -> None:
    world.at("2020-09-14T07:00:00+00:00")  # 09:00 Berlin
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    assert await world.deliverer.catch_up() == []
    world.at("2020-09-15T06:00:00+00:00")
    assert [r.slot for r in await world.deliverer.catch_up()] == ["2020-09-15T08:00+02:00"]


async def test_one_digest_per_chat_and_slot_for_several_subscriptions(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin", story="tiktok")
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin", story="brexit")
    world.at("2020-09-14T06:00:00+00:00")
    ids = [s.id for s in world.store.scheduled_subscriptions()]
    await asyncio.gather(world.deliverer.catch_up(), *(world.deliverer.run_subscription(i) for i in ids))
    assert len(world.sender.sent) == 1
    assert all(world.store.subscription(i) for i in ids)
    stamps = world.store.query("SELECT last_digest_at FROM subscriptions ORDER BY id")
    assert [r[0] for r in stamps] == ["2020-09-14T06:00:00+00:00"] * 2


async def test_migrated_chat_moves_the_ledger_and_subscription(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.sender.script = {1: "migrate:-100777"}
    world.at("2020-09-14T06:00:00+00:00")
    await world.deliverer.catch_up()
    moved = ChatRef(Platform.TELEGRAM, "-100777")
    assert [s.chat_id for s in world.store.subscriptions_for(moved)] == ["-100777"]
    row = world.store.delivery("telegram", "-100777", "2020-09-14T08:00+02:00")
    assert row is not None and row.status == "sent"
    world.clock.advance(minutes=5)
    assert await world.deliverer.catch_up() == []
    assert len(world.sender.sent) == 1


async def test_quiet_day_is_skipped_when_configured(world: World) -> None:
    world.config = world.config.replace(digest=type(world.config.digest)(skip_quiet=True))
    world.restart()
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.at("2020-09-14T06:00:00+00:00")
    assert [r.status for r in await world.deliverer.catch_up()] == ["skipped"]
    assert world.sender.sent == []
    world.clock.advance(minutes=1)
    assert await world.deliverer.catch_up() == []


async def test_quiet_day_says_nothing_new_by_default(world: World) -> None:
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.add_article("The first development.")
    world.at("2020-09-14T06:00:00+00:00")
    await world.deliverer.catch_up()
    world.at("2020-09-15T06:00:00+00:00")
    await world.deliverer.catch_up()
    assert "The first development." in world.sender.sent[0].text
    assert world.sender.sent[1].text.startswith("Nothing new since your last digest (Mon 14 September 2020 08:00)")


async def test_no_sender_for_a_platform_keeps_the_slot_pending(world: World) -> None:
    world.store.subscribe(ChatRef(Platform.SLACK, "C1"), time="08:00", tz="Europe/Berlin")
    world.at("2020-09-14T06:00:00+00:00")
    assert [r.status for r in await world.deliverer.catch_up()] == ["retry"]
    row = world.store.delivery("slack", "C1", "2020-09-14T08:00+02:00")
    assert row is not None and row.status == "pending" and row.detail == "no sender for slack"


async def test_second_process_does_not_double_send_while_lease_lost(world: World) -> None:
    from newsdigest.digests.delivery import acquire_instance_lease
    from newsdigest.store.store import LeaseHeldError

    lease = acquire_instance_lease(world.store, "host-a:1")
    with pytest.raises(LeaseHeldError, match="another newsdigest \\(host-a:1\\) is running"):
        acquire_instance_lease(world.store, "host-b:2")
    world.clock.advance(seconds=61)  # host-a stalled past the ttl
    other = acquire_instance_lease(world.store, "host-b:2")
    assert other.held
    assert not lease.renew()
    world.store.subscribe(CHAT, time="08:00", tz="Europe/Berlin")
    world.at("2020-09-14T06:00:00+00:00")
    stale = Deliverer(world.store, world.config, world.clock, {"telegram": world.sender}, lease=lease)
    assert [r.status for r in await stale.catch_up()] == ["busy"]
    assert world.sender.sent == []


class CountingStore(Store):
    """Counts the ledger's batched writes; refuses (not transiently) any mark batch holding chat `refuse`."""

    def __init__(self, target: Path | str, refuse: str | None = None, **kwargs: Any) -> None:
        super().__init__(target, **kwargs)
        self.refuse = refuse
        self.writes: Counter[str] = Counter()

    def note_composed_many(self, keys: Collection[tuple[str, str, str]], at: dt.datetime) -> None:
        self.writes["composed"] += 1
        super().note_composed_many(keys, at)

    def finish_deliveries(self, finishes: Iterable[Finish]) -> None:
        finishes = list(finishes)
        self.writes["marks"] += 1
        if any(self.refuse in f.chat_ids for f in finishes):
            raise StoreError("this mark is refused")
        super().finish_deliveries(finishes)


def _broadcast(world: World, chats: int) -> list[ChatRef]:
    refs = [ChatRef(Platform.TELEGRAM, str(5000 + i)) for i in range(chats)]
    for ref in refs:
        world.store.subscribe(ref, time="08:00", tz="Europe/Berlin")
    world.at("2020-09-14T06:00:00+00:00")
    return refs


async def test_a_broadcast_stamps_and_marks_many_digests_per_transaction(world: World) -> None:
    refs = _broadcast(world, 40)
    store = CountingStore(world.path, now=world.clock.now)
    try:
        results = await Deliverer(store, world.config, world.clock, {"telegram": world.sender}).catch_up()
        assert [r.status for r in results] == ["sent"] * 40 and len(world.sender.sent) == 40
        assert {s.chat_id for s in world.sender.sent} == {r.chat_id for r in refs}
        assert all(r.status == "sent" and r.composed_at for r in store.deliveries(platform="telegram"))
        assert 0 < store.writes["composed"] <= 10 and 0 < store.writes["marks"] <= 10  # not one per digest
    finally:
        store.close()


async def test_one_refused_mark_does_not_hold_back_the_others(world: World, caplog: pytest.LogCaptureFixture) -> None:
    refs = _broadcast(world, 12)
    store = CountingStore(world.path, refuse=refs[3].chat_id, now=world.clock.now)
    try:
        results = {r.chat.chat_id: r.status for r in
                   await Deliverer(store, world.config, world.clock, {"telegram": world.sender}).catch_up()}
        rows = {r.chat_id: r for r in store.deliveries(platform="telegram")}
    finally:
        store.close()
    assert results.pop(refs[3].chat_id) == "unmarked" and set(results.values()) == {"sent"}
    assert rows[refs[3].chat_id].status == "pending" and rows[refs[3].chat_id].composed_at  # a possible duplicate
    assert sum(r.status == "sent" for r in rows.values()) == 11
    assert any("ledger mark failed" in r.getMessage() for r in caplog.records)
