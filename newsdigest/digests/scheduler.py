"""The digest scheduler: APScheduler 3.x AsyncIOScheduler, one daily trigger per subscription (at the ledger's slots).

Jobs live in APScheduler's default in-memory job store (never a shared one: every process would run
every job) and are rebuilt from the database — the source of truth — at start and after every
subscription change. Each trigger fires at HH:MM in the subscription's own time zone, so 08:00
Europe/Berlin stays 08:00 local across DST changes.

APScheduler drops a run that is more than `misfire_grace_time` late (1 s by default) and knows
nothing of runs missed while the process was down. Delivery is therefore guaranteed by the ledger:
a catch-up job runs at start and every minute and sends whatever slot within `[digest] grace_hours`
the ledger has not settled (delivery.py). A cron job firing is only the punctual fast path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newsdigest.digests.delivery import Deliverer, DeliveryResult
from newsdigest.digests.reminders import ReminderDeliverer
from newsdigest.digests.slots import next_slot, parse_hhmm, zone

log = logging.getLogger("newsdigest.digests")

JOB_PREFIX = "digest-"
CATCH_UP_JOB = "digest-catch-up"
CATCH_UP_SECONDS = 60.0
MISFIRE_GRACE_SECONDS = 30  # a late cron run still fires; anything later is the catch-up's


class SlotTrigger(CronTrigger):  # type: ignore[misc]  # apscheduler 3 ships no type hints
    """A daily CronTrigger whose fire times are the ledger's slots (slots.py), by construction.

    CronTrigger's own field walk adds naive differences in UTC, so around DST changes its next fire time depends on
    where the walk started: from the previous day's fire it skips America/Santiago's 2019-09-08 00:00 (a midnight
    gap; slots.py moves it forward to 01:00) and even America/Tijuana's 2004-04-05 00:00, which exists. No slot rule
    can match that, so the trigger asks slots.py instead; its fields, timezone and str() stay CronTrigger's."""

    def __init__(self, at: dt.time, tz: ZoneInfo) -> None:
        super().__init__(hour=at.hour, minute=at.minute, second=0, timezone=tz)
        self.at = at

    def get_next_fire_time(self, previous_fire_time: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        # As CronTrigger: the first fire at or after now, or right after the previous one if that is earlier.
        # In UTC: aware datetimes sharing a tzinfo compare and add as wall times, wrong across a DST change.
        start = now.astimezone(dt.UTC)
        if previous_fire_time is not None:
            after = previous_fire_time.astimezone(dt.UTC) + dt.timedelta(microseconds=1)
            start = after if start == after - dt.timedelta(microseconds=1) else min(start, after)
        return next_slot(self.at, self.timezone, start - dt.timedelta(microseconds=1))


def cron_trigger(time: str, tz: str) -> SlotTrigger:
    """The daily trigger for HH:MM in an IANA zone (raises ValueError for a bad time or zone)."""
    return SlotTrigger(parse_hhmm(time), zone(tz))


class DigestScheduler:
    """Owns the AsyncIOScheduler: one job per subscription plus the catch-up job.

    app.py: `sched = DigestScheduler(deliverer)`, `await sched.start()` inside the running loop (it rebuilds
    from the database and runs a catch-up at once), pass `sched.request_rebuild` (thread-safe) as
    Core.on_subscriptions_changed, `sched.shutdown()` at exit. The subscriptions are read through the store's
    gateway; only the job table is touched on the loop.
    """

    def __init__(self, deliverer: Deliverer, *, catch_up_seconds: float = CATCH_UP_SECONDS,
                 scheduler: AsyncIOScheduler | None = None, reminders: ReminderDeliverer | None = None,
                 refresh_on_catch_up: bool = False) -> None:
        self.deliverer = deliverer
        self.reminders = reminders  # deadline reminders ride on the same catch-up (the ledger decides, not a cron)
        self.catch_up_seconds = catch_up_seconds
        # Several workers: a subscription changed through another worker reaches this (the leader's) jobs at the
        # next catch-up; the catch-up itself covers its slot meanwhile.
        self.refresh_on_catch_up = refresh_on_catch_up
        self.scheduler = scheduler or AsyncIOScheduler(timezone=dt.UTC)
        self._signatures: dict[int, tuple[str, str]] = {}
        self._built = False
        self._refreshing: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[asyncio.Task[int]] = set()
        deliverer.on_change = deliverer.on_change or self._rebuild_after_change

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    async def start(self, *, catch_up_now: bool = True) -> None:
        """Start inside the running event loop: rebuild jobs, then catch up (now, and every minute)."""
        self._loop = asyncio.get_running_loop()
        await self.refresh()
        first = dt.datetime.now(dt.UTC) if catch_up_now else None
        self.scheduler.add_job(
            self._catch_up, IntervalTrigger(seconds=self.catch_up_seconds, timezone=dt.UTC), id=CATCH_UP_JOB,
            replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
            **({"next_run_time": first} if first else {}),
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def rebuild(self) -> int:
        """Sync rebuild, for code that is not on the event loop (tests, scripts); the app uses `refresh`."""
        return self._apply(self._wanted())

    async def refresh(self) -> int:
        """Bring the jobs in line with the active subscriptions; returns how many subscription jobs exist."""
        if self._refreshing is None:
            self._refreshing = asyncio.Lock()
        async with self._refreshing:  # one snapshot at a time, so an older one never lands after a newer one
            return self._apply(await self.deliverer.ledger.gateway.read(self._wanted))

    def request_rebuild(self) -> None:
        """Thread-safe: a command on a gateway thread changed subscriptions; refresh on the loop soon."""
        if self._loop is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._spawn_refresh)

    def _spawn_refresh(self) -> None:
        task = asyncio.ensure_future(self.refresh())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _wanted(self) -> dict[int, tuple[str, str]]:
        return {sub.id: (sub.time, sub.tz) for sub in self.deliverer.ledger.scheduled_subscriptions()}

    def _apply(self, wanted: dict[int, tuple[str, str]]) -> int:
        changed = not self._built  # the first build is always reported
        self._built = True
        for sub_id in [s for s in self._signatures if s not in wanted]:
            self._remove(sub_id)
            changed = True
        for sub_id, (time, tz) in wanted.items():
            if self._signatures.get(sub_id) == (time, tz):
                continue
            try:
                trigger = cron_trigger(time, tz)
            except ValueError:
                log.warning("subscription %s has a bad schedule %r %r; not scheduled", sub_id, time, tz)
                self._remove(sub_id)
                continue
            if not self.scheduler.running:
                self._remove(sub_id)  # before start, replace_existing does not dedupe APScheduler's pending jobs
            self.scheduler.add_job(
                self.deliverer.run_subscription, trigger, args=[sub_id], id=f"{JOB_PREFIX}{sub_id}",
                replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=MISFIRE_GRACE_SECONDS,
            )
            self._signatures[sub_id] = (time, tz)
            changed = True
        if changed:
            log.info("digest schedule rebuilt: %d subscription(s)", len(wanted))
        return len(wanted)

    def _rebuild_after_change(self) -> None:
        self._spawn_refresh()  # called on the loop by the deliverer (a chat is gone)

    def _remove(self, sub_id: int) -> None:
        if self._signatures.pop(sub_id, None) is not None:
            job = self.scheduler.get_job(f"{JOB_PREFIX}{sub_id}")
            if job is not None:
                job.remove()

    def next_runs(self) -> dict[int, dt.datetime | None]:
        """sub id -> next fire time (for /status-like introspection and tests)."""
        out: dict[int, dt.datetime | None] = {}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id != CATCH_UP_JOB:
                out[int(job.id[len(JOB_PREFIX):])] = getattr(job, "next_run_time", None)
        return out

    async def _catch_up(self) -> list[DeliveryResult]:
        try:
            return await self._catch_up_now()
        except asyncio.CancelledError:
            if self.scheduler.running:
                raise
            # The process is ending (a console chat at EOF, a stop): the next start catches up, nothing to report.
            log.debug("digest catch-up cancelled at shutdown")
            return []

    async def _catch_up_now(self) -> list[DeliveryResult]:
        if self.refresh_on_catch_up:
            try:
                await self.refresh()
            except Exception:  # the database away: the jobs stay as they were
                log.exception("digest schedule refresh failed")
        if self.reminders is not None:
            try:
                sent = [r for r in await self.reminders.catch_up() if r.status == "sent"]
                if sent:
                    log.info("reminder catch-up: sent=%d", len(sent))
            except Exception:  # a reminder problem must not stop the digests
                log.exception("reminder catch-up failed")
        results = await self.deliverer.catch_up()
        if results:
            counts: dict[str, int] = {}
            for r in results:
                counts[r.status] = counts.get(r.status, 0) + 1
            log.info("digest catch-up: %s", " ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        return results
