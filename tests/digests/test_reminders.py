"""Deadline reminders over a simulated month with the injected clock: moved with their key date, sent once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsdigest.digests.reminders import (
    DueReminder,
    KeyDate,
    ReminderDeliverer,
    compose_reminder,
    due_reminders,
    reminder_payload,
    run_reminders_now,
)
from newsdigest.models import ChatRef, Platform, ReminderRule
from newsdigest.store.delivery_repo import DueRow
from tests.digests.conftest import CHAT, World, add_article
from tests.digests.fakes import Crash

UTC = dt.UTC
WHAT = "Acme to sell its cloud unit"


def _reminders(world: World) -> ReminderDeliverer:
    return ReminderDeliverer(world.store, world.config, world.clock, {"telegram": world.sender})


async def _month(world: World, events: dict[dt.datetime, str], *, step: dt.timedelta = dt.timedelta(hours=1),
                 until: dt.datetime = dt.datetime(2020, 11, 1, tzinfo=UTC)) -> None:
    """Walk the clock hour by hour; at each instant run the scripted event, then the reminder catch-up."""
    reminders = _reminders(world)
    now = world.clock.now()
    while now < until:
        world.clock.set(now)
        action = events.get(now, "")
        if action == "down":
            now += step
            continue
        if action.startswith("article:"):
            value, supersedes = action.split(":")[1:3]
            world.add_article(f"Regulators say Acme must sell its cloud unit by {value}; the Acme cloud sale "
                              f"deadline {'was extended' if supersedes else 'stands'}.",
                              deadline=(value, WHAT, supersedes or None), source=f"{value}.example")
        if action == "restart":
            world.restart()
            reminders = _reminders(world)
        await reminders.catch_up()
        if action == "twice":
            await reminders.catch_up()
        now += step


def _start(world: World) -> None:
    world.at("2020-10-01T06:00:00+00:00")
    world.add_article("Regulators say Acme must sell its cloud unit by 20 October; the Acme cloud sale deadline "
                      "stands.", deadline=("2020-10-20", WHAT, None), source="first.example")
    world.store.set_reminder(CHAT, story=None, offsets=(3, 1), time="09:00", tz="Europe/Berlin")


async def test_an_extension_mid_month_moves_the_reminders_and_none_comes_at_the_old_date(world: World) -> None:
    _start(world)
    extended = dt.datetime(2020, 10, 14, 12, 0, tzinfo=UTC)
    await _month(world, {extended: "article:2020-10-30:2020-10-20"})
    sent = world.sender.sent
    assert [s.at for s in sent] == [dt.datetime(2020, 10, 27, 8, 0, tzinfo=UTC),  # 09:00 CET, after the DST change
                                    dt.datetime(2020, 10, 29, 8, 0, tzinfo=UTC)]
    assert "30 October 2020" in sent[0].text and "in 3 days" in sent[0].text
    assert "(moved from 20 October 2020)" in sent[0].text
    assert "tomorrow" in sent[1].text
    assert not any(s.at.date() in (dt.date(2020, 10, 17), dt.date(2020, 10, 19)) for s in sent)
    keys = [r.slot for r in world.store.deliveries(platform="telegram", chat_id="4242")]
    assert all("2020-10-20" not in k for k in keys)


async def test_a_reminder_sent_before_the_extension_stays_the_only_one_for_the_old_date(world: World) -> None:
    _start(world)
    await _month(world, {dt.datetime(2020, 10, 18, 12, 0, tzinfo=UTC): "article:2020-10-30:2020-10-20"})
    days = [s.at.date().day for s in world.sender.sent]
    assert days == [17, 27, 29]  # 17: three days before the 20th, as known then; the 19th's never came
    assert "20 October 2020" in world.sender.sent[0].text


async def test_a_restart_during_the_slot_sends_the_reminder_once(world: World) -> None:
    _start(world)
    slot = dt.datetime(2020, 10, 17, 7, 0, tzinfo=UTC)  # 09:00 CEST
    await _month(world, {slot: "restart", slot + dt.timedelta(hours=1): "twice"},
                 step=dt.timedelta(minutes=30), until=dt.datetime(2020, 10, 18, tzinfo=UTC))
    assert [s.at for s in world.sender.sent] == [slot]


async def test_a_crash_while_sending_is_caught_up_once_after_the_restart(world: World) -> None:
    _start(world)
    world.at("2020-10-17T07:00:00+00:00")
    world.sender.script = {1: "crash-before"}
    with pytest.raises(Crash):
        await _reminders(world).catch_up()
    world.restart()
    world.clock.advance(minutes=20)
    await _reminders(world).catch_up()
    await _reminders(world).catch_up()
    assert len(world.sender.sent) == 1
    [row] = world.store.deliveries(platform="telegram", chat_id="4242")
    assert (row.status, row.attempts) == ("sent", 2)


async def test_an_outage_is_caught_up_within_the_grace_window_only(world: World) -> None:
    _start(world)  # grace_hours is 12 by default
    down = {dt.datetime(2020, 10, 17, 0, 0, tzinfo=UTC) + dt.timedelta(hours=h): "down" for h in range(14)}
    down |= {dt.datetime(2020, 10, 19, 0, 0, tzinfo=UTC) + dt.timedelta(hours=h): "down" for h in range(30)}
    await _month(world, down, until=dt.datetime(2020, 10, 21, tzinfo=UTC))
    # the 17th's came late at 14:00 UTC (within 12 h of 09:00 CEST); the 19th's was still down after 12 h
    assert [s.at for s in world.sender.sent] == [dt.datetime(2020, 10, 17, 14, 0, tzinfo=UTC)]


async def test_a_gone_chat_pauses_its_reminders_only(world: World) -> None:
    _start(world)
    other = ChatRef(Platform.TELEGRAM, "5151")
    world.store.set_reminder(other, story=None, offsets=(3,), time="09:00", tz="Europe/Berlin")
    world.at("2020-10-17T07:05:00+00:00")
    world.sender.script = {1: "gone"}
    results = await _reminders(world).catch_up()
    assert sorted(r.status for r in results) == ["gone", "sent"]
    [paused] = world.store.reminders_for(CHAT, active_only=False)
    assert not paused.active and paused.paused
    assert world.store.reminders_for(other)[0].active


# -- pure parts ------------------------------------------------------------------------------------------------------


def _rule(**kw: object) -> ReminderRule:
    base: dict[str, object] = {"id": 1, "platform": "console", "chat_id": "console", "story": None,
                               "offsets": (3, 1, 0), "time": "09:00", "tz": "UTC"}
    base.update(kw)
    return ReminderRule(**base)  # type: ignore[arg-type]


def test_due_reminders_are_one_per_chat_key_date_and_offset() -> None:
    kd = KeyDate("acme", "Acme", dt.date(2020, 10, 20), WHAT)
    dates = {"acme": [kd]}
    start, end = dt.datetime(2020, 10, 1, tzinfo=UTC), dt.datetime(2020, 10, 31, tzinfo=UTC)
    dues = due_reminders([_rule(), _rule(id=2, story="acme")], dates, start, end)
    assert [(d.offset, d.slot.day) for d in dues] == [(3, 17), (1, 19), (0, 20)]
    assert len({d.key for d in dues}) == 3
    assert due_reminders([_rule(story="other")], dates, start, end) == []


def test_a_rule_with_a_bad_schedule_is_skipped_and_the_others_are_due() -> None:
    kd = KeyDate("acme", "Acme", dt.date(2020, 10, 20), WHAT)
    start, end = dt.datetime(2020, 10, 1, tzinfo=UTC), dt.datetime(2020, 10, 31, tzinfo=UTC)
    other = "telegram"
    dues = due_reminders([_rule(tz="Nowhere/Land"), _rule(id=2, platform=other, chat_id="5")], {"acme": [kd]},
                         start, end)
    assert {(d.chat.platform, d.offset) for d in dues} == {(other, 3), (other, 1), (other, 0)}


def test_a_rule_set_after_the_slot_does_not_catch_up_that_morning() -> None:
    kd = KeyDate("acme", "Acme", dt.date(2020, 10, 20), WHAT)
    set_at = dt.datetime(2020, 10, 17, 10, 0, tzinfo=UTC)
    dues = due_reminders([_rule(effective_from=set_at)], {"acme": [kd]}, set_at - dt.timedelta(hours=12), set_at)
    assert dues == []


@pytest.mark.parametrize(("lang", "kind", "title", "says"), [
    ("en", "deadline", "Reminder: a deadline", ("30 October 2020 — Acme to sell its cloud unit (Acme), in 3 days "
                                                "(moved from 20 October 2020)")),
    ("de", "expiry", "Erinnerung: etwas läuft aus", ("30. Oktober 2020 — Acme to sell its cloud unit (Acme), in 3 Tagen "
                                                     "(verschoben vom 20. Oktober 2020)")),
])
def test_the_message_names_the_date_what_the_countdown_and_the_old_date(lang: str, kind: str, title: str,
                                                                        says: str) -> None:
    kd = KeyDate("acme", "Acme", dt.date(2020, 10, 30), WHAT, kind, ("2020-10-20",))
    reply = compose_reminder(DueReminder(ChatRef(Platform.CONSOLE, "console"), kd, 3,
                                         dt.datetime(2020, 10, 27, 9, tzinfo=UTC), lang))
    assert reply.plain_text() == f"{title}\n{says}"


def test_two_obligations_on_one_day_make_one_reminder_naming_both() -> None:
    from newsdigest.digests.reminders import same_day_merged

    day = dt.date(2020, 10, 20)
    merged = same_day_merged([KeyDate("acme", "Acme", day, "file the papers", "deadline", ("2020-10-10",)),
                              KeyDate("acme", "Acme", day, "the truce ends", "expiry"),
                              KeyDate("acme", "Acme", dt.date(2020, 10, 30), "pay")])
    assert [(k.due.day, k.what, k.kind, k.moved_from) for k in merged] == [
        (20, "file the papers; the truce ends", "deadline", ("2020-10-10",)), (30, "pay", "deadline", ())]


async def test_reminder_delivery_keeps_store_work_off_the_loop(tmp_path: Path) -> None:
    import threading

    from newsdigest.clock import FakeClock
    from newsdigest.config import build_config
    from tests.digests.fakes import FakeSender
    from tests.store.test_gateway import WatchedStore

    clock = FakeClock(dt.datetime(2020, 10, 1, 6, 0, tzinfo=UTC))
    store = WatchedStore(tmp_path / "watched.db", now=clock.now)
    try:
        add_article(store, clock.now().date(), "Regulators say Acme must sell its cloud unit by 20 October.",
                    deadline=("2020-10-20", WHAT, None))
        store.set_reminder(CHAT, story=None, offsets=(3,), time="09:00", tz="Europe/Berlin")
        clock.set(dt.datetime(2020, 10, 17, 7, 1, tzinfo=UTC))
        sender = FakeSender(now=clock.now)
        store.calls.clear()
        results = await ReminderDeliverer(store, build_config({}), clock, {"telegram": sender}).catch_up()
        assert [r.status for r in results] == ["sent"] and len(sender.sent) == 1
        assert store.on_thread(threading.get_ident()) == []  # nothing on the loop's thread
        writes = {"enqueue_deliveries", "claim_pending", "note_composed", "finish_delivery"}
        assert writes <= {name for name, _, _ in store.calls}
        assert [n for n, _, writer in store.calls if n in writes and not writer] == []
    finally:
        store.close()


async def test_a_one_shot_remind_leaves_a_row_a_live_worker_holds_to_that_worker(world: World) -> None:
    """`newsdigest remind` beside running workers (PostgreSQL): a reminder a live worker has claimed is that
    worker's to send; the one-shot command says busy instead of sending it a second time."""
    if not world.store.supports_workers:
        pytest.skip("one process per SQLite database: no other worker can hold a row")
    _start(world)
    world.at("2020-10-17T07:01:00+00:00")  # 09:01 in Berlin, three days before the 20th
    worker = _reminders(world)
    worker.holder = "host-b:7"
    world.store.acquire_lease("worker:host-b:7", "host-b:7", dt.timedelta(minutes=1))
    dues = await world.store.gateway.write(worker.due, world.clock.now())
    assert len(dues) == 1
    await world.store.gateway.write(world.store.enqueue_deliveries, [
        DueRow(d.chat.platform, d.chat.chat_id, d.key, None, d.slot, reminder_payload(d)) for d in dues])
    claimed = world.store.claim_pending(holder="host-b:7", now=world.clock.now(),
                                        window_start=world.clock.now() - dt.timedelta(hours=6), limit=8,
                                        max_attempts=5, reminders=True)
    assert len(claimed) == 1  # the worker is sending it right now
    results = await run_reminders_now(world.store, world.config, world.clock, CHAT, sender=world.sender)
    assert [r.status for r in results] == ["busy"] and world.sender.sent == []
    assert world.store.query("SELECT count(*) FROM leases WHERE name LIKE 'worker:%'")[0][0] == 1  # its own is gone
