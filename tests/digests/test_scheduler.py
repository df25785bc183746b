"""The APScheduler side: cron triggers per subscription in their zones, rebuilt on change, catch-up at start."""

from __future__ import annotations

import asyncio
import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.digests.delivery import Deliverer, acquire_instance_lease
from newsdigest.digests.scheduler import DigestScheduler, cron_trigger
from newsdigest.digests.slots import parse_hhmm, slot_on, zone
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import LeaseHeldError, Store
from tests.digests.conftest import CHAT, World
from tests.digests.fakes import FakeSender

ZONES = sorted(zoneinfo.available_timezones())  # every zone: odd offsets, midnight gaps, 30-minute DST
SANTIAGO_GAP = dt.date(2019, 9, 8)  # America/Santiago springs from 00:00 to 01:00: midnight does not exist


def _utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC)


@settings(max_examples=300)
@given(
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2037, 12, 31)),
    hour=st.integers(0, 23), minute=st.integers(0, 59), tz=st.sampled_from(ZONES),
)
@example(day=SANTIAGO_GAP, hour=0, minute=0, tz="America/Santiago")
@example(day=SANTIAGO_GAP, hour=0, minute=30, tz="America/Santiago")
@example(day=dt.date(2004, 4, 5), hour=0, minute=0, tz="America/Tijuana")  # the day after a spring-forward
@example(day=dt.date(2020, 3, 29), hour=2, minute=30, tz="Europe/Berlin")
@example(day=dt.date(2020, 10, 25), hour=2, minute=30, tz="Europe/Berlin")
@example(day=dt.date(2020, 10, 4), hour=2, minute=15, tz="Australia/Lord_Howe")  # a 30-minute DST gap
def test_cron_trigger_fires_at_the_ledger_slot(day: dt.date, hour: int, minute: int, tz: str) -> None:
    """The scheduler's next fire time and our slot key agree on every day, DST switch days included: whether the
    trigger is asked shortly before the slot or, as a running scheduler does, right after the previous slot."""
    at = parse_hhmm(f"{hour:02d}:{minute:02d}")
    slot = slot_on(day, at, zone(tz))
    trigger = cron_trigger(f"{hour:02d}:{minute:02d}", tz)
    # same instant (aware datetimes sharing a tzinfo compare wall times, so compare in UTC)
    assert _utc(trigger.get_next_fire_time(None, _utc(slot) - dt.timedelta(seconds=30))) == _utc(slot)
    previous = slot_on(day - dt.timedelta(days=1), at, zone(tz))
    assert _utc(trigger.get_next_fire_time(previous, _utc(previous) + dt.timedelta(seconds=1))) == _utc(slot)
    assert _utc(slot_on(day + dt.timedelta(days=1), at, zone(tz))) - _utc(slot) >= dt.timedelta(hours=20)


def test_berlin_dst_switch_days_stay_at_eight_local() -> None:
    trigger = cron_trigger("08:00", "Europe/Berlin")
    fires = []
    t = dt.datetime(2020, 10, 23, 12, 0, tzinfo=dt.UTC)
    prev = None
    for _ in range(4):
        nxt = trigger.get_next_fire_time(prev, t)
        fires.append(nxt)
        prev, t = nxt, nxt
    assert [f.strftime("%Y-%m-%d %H:%M %z") for f in fires] == [
        "2020-10-24 08:00 +0200", "2020-10-25 08:00 +0100", "2020-10-26 08:00 +0100", "2020-10-27 08:00 +0100"]
    assert [f.astimezone(dt.UTC).hour for f in fires] == [6, 7, 7, 7]


async def test_rebuild_follows_subscription_changes(world: World) -> None:
    sched = DigestScheduler(world.deliverer)
    core = Core(world.store, world.config, Clock(source=world.clock.now), on_subscriptions_changed=sched.rebuild)
    assert sched.rebuild() == 0
    core.answer(CHAT, "/subscribe 07:30 America/New_York")
    core.answer(ChatRef(Platform.SLACK, "C9"), "/subscribe 06:00")
    runs = sched.next_runs()
    assert len(runs) == 2
    jobs = {job.id: job for job in sched.scheduler.get_jobs()}
    zones = sorted(str(job.trigger.timezone) for job in jobs.values())
    assert zones == ["America/New_York", "Europe/Berlin"]
    core.answer(CHAT, "/subscribe 09:15 America/New_York")  # same subscription, new time: job replaced
    hours = sorted(str(job.trigger) for job in sched.scheduler.get_jobs())
    assert any("hour='9', minute='15'" in h for h in hours) and not any("hour='7'" in h for h in hours)
    core.answer(CHAT, "/unsubscribe")
    assert len(sched.next_runs()) == 1


async def _until(predicate: Callable[[], object]) -> None:
    """Poll until `predicate` holds (the test's timeout turns a hang into a failure)."""
    while not predicate():
        await asyncio.sleep(0.01)


async def test_real_scheduler_catches_up_at_start(tmp_path: Path) -> None:
    """The running AsyncIOScheduler: a slot missed minutes ago goes out once, right after start."""
    real = Clock()
    subscribed = [real.now() - dt.timedelta(hours=1)]
    store = Store(tmp_path / "live.db", now=lambda: subscribed[0])
    sender = FakeSender(now=real.now)
    config = build_config({})
    missed = (real.now() - dt.timedelta(minutes=3)).astimezone(zone("UTC"))
    store.subscribe(CHAT, time=f"{missed:%H:%M}", tz="UTC")
    subscribed[0] = real.now()
    sched = DigestScheduler(Deliverer(store, config, real, {"telegram": sender}), catch_up_seconds=0.05)
    catch_ups: list[object] = []
    sched.scheduler.add_listener(
        lambda event: catch_ups.append(event) if event.job_id == "digest-catch-up" else None, EVENT_JOB_EXECUTED
    )
    await sched.start()
    try:
        assert list(sched.next_runs()) == [store.subscriptions()[0].id]  # the subscription's cron job
        await _until(lambda: sender.sent)
        runs = len(catch_ups)
        await _until(lambda: len(catch_ups) >= runs + 3)  # three more catch-up runs: none may resend
    finally:
        sched.shutdown()
        await asyncio.sleep(0)
    assert len(sender.sent) == 1
    store.close()


async def test_lease_renews_in_background_and_releases(tmp_path: Path) -> None:
    t0 = dt.datetime(2020, 9, 14, 8, 0, tzinfo=dt.UTC)
    now = [t0]  # the store's clock; the renewals run on their own (real) schedule
    store = Store(tmp_path / "lease.db", now=lambda: now[0])

    def expires() -> dt.datetime:
        return dt.datetime.fromisoformat(store.query("SELECT expires_at FROM leases WHERE holder = 'a:1'")[0][0])

    ttl = dt.timedelta(seconds=10)
    lease = acquire_instance_lease(store, "a:1", ttl=ttl, renew_seconds=0.01)
    assert expires() == t0 + ttl
    lease.start()
    now[0] = t0 + dt.timedelta(seconds=8)
    await _until(lambda: expires() == now[0] + ttl)  # renewed at the new time
    now[0] = t0 + dt.timedelta(seconds=12)  # past the first ttl: still ours because it was renewed
    with pytest.raises(LeaseHeldError, match="stop it first"):
        acquire_instance_lease(store, "b:2")
    await lease.stop()
    assert acquire_instance_lease(store, "b:2").held
    store.close()


@pytest.mark.parametrize(("tz", "day", "hhmm", "key"), [
    ("Europe/Berlin", dt.date(2020, 3, 29), "02:30", "2020-03-29T03:30+02:00"),  # gap: same instant as cron's
    ("Europe/Berlin", dt.date(2020, 10, 25), "02:30", "2020-10-25T02:30+02:00"),  # overlap: the first 02:30
    ("America/New_York", dt.date(2020, 3, 8), "02:15", "2020-03-08T03:15-04:00"),
    ("America/New_York", dt.date(2020, 11, 1), "01:30", "2020-11-01T01:30-04:00"),
])
def test_dst_edge_slots_match_cron(tz: str, day: dt.date, hhmm: str, key: str) -> None:
    from newsdigest.digests.slots import slot_key

    slot = slot_on(day, parse_hhmm(hhmm), zone(tz))
    assert slot_key(slot) == key
    before = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), zone(tz))
    fire = cron_trigger(hhmm, tz).get_next_fire_time(None, before)
    assert fire.astimezone(dt.UTC) == slot.astimezone(dt.UTC)
