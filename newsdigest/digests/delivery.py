"""Digest delivery: exactly one digest per chat and slot, restart-safe, driven by the ledger.

The scheduler only says "now might be a good time"; the ledger decides. For each (chat, slot):

1. claim  — a `pending` row is written (or an existing pending one takes another attempt) BEFORE
            anything is composed or sent; sent / skipped / gone / failed rows are never claimed again;
2. compose — the content is loaded and composed; `composed_at` is stamped (committed before the send);
3. send    — through the platform's Sender;
4. mark    — right after the platform accepted it: `sent` with sent_at and messages, in the same
            transaction that moves the subscriptions' `last_digest_at`.

A crash before step 3 completes leaves a pending row: the next catch-up (at start and every minute)
sends it once. Residual window, stated honestly: a crash after the platform accepted the message but
before step 4 committed (a trip to a store thread and one transaction; the sends in flight beside it may land in
that window too, at most MAX_UNMARKED of them) makes the
retry send it a second time — no chat platform offers an idempotency key for messages, so at-least-once is
the best possible there. Such a retry is logged as a possible duplicate (`composed_at` was set).

On SQLite a second process on the same database would break exactly-once, so `acquire_instance_lease()`
(leases.py) refuses to start while another live process holds the instance lease.

Several workers on PostgreSQL share the work: the leader's catch-up and cron jobs only write due (chat, slot)
rows as pending (`enqueue`); every worker's `drain()` claims batches of them (FOR UPDATE SKIP LOCKED, see
store/delivery_repo.py) and runs steps 2-4 for each, so a broadcast is split across workers and each row has one
owner at a time. The residual window is the same as above: a worker killed after the platform accepted a message
and before its mark committed leaves a composed pending row; once that worker's lease has expired another worker
claims it and sends it again, logged as a possible duplicate. SQLite runs the same path in its one process.

Round trips: the stamps of the digests composed meanwhile are one transaction, and so are the marks of the sends
that finished meanwhile (`GroupCommit`); a claim takes its whole batch in one statement per slot. A broadcast
costs about half a statement per digest instead of seven or eight, which matters on PostgreSQL, where each is a
round trip to the server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.briefs import attach_briefs
from newsdigest.digests.coalesce import Coalescer, GroupCommit
from newsdigest.digests.compose import ComposeOptions, DigestInput, compose
from newsdigest.digests.content import load_digest_input
from newsdigest.digests.filters import apply_filters, filters_for
from newsdigest.digests.leases import (
    INSTANCE_LEASE,
    LEASE_RENEW_SECONDS,
    LEASE_TTL,
    InstanceLease,
    acquire_instance_lease,
)
from newsdigest.digests.slots import (
    latest_slot,
    parse_hhmm,
    parse_slot,
    readable_schedules,
    slot_key,
    slots_between,
    zone,
)
from newsdigest.digests.threads import THREAD_MAX_STORIES, ThreadedDigest, thread_digest
from newsdigest.errors import StoreError
from newsdigest.models import ChatRef, DeliveryStatus, Platform
from newsdigest.ops.metrics import METRICS
from newsdigest.reply import Reply
from newsdigest.sender import Sender, SendOutcome, SendResult, ThreadSender
from newsdigest.store.delivery_repo import Busy, Claim, DueRow, Finish, ScheduledSubscription
from newsdigest.store.store import LedgerStore, Store
from newsdigest.stories.service import ensure_assigned
from newsdigest.summarize.service import BriefService

log = logging.getLogger("newsdigest.digests")

MAX_ATTEMPTS = 5
# Sends that may be accepted by the platform but not yet marked in the ledger at once: what a kill -9 can duplicate.
# Marks queue on the writer thread behind other writes (on PostgreSQL a mark is a few round trips), so without this
# bound a backlog of accepted-but-unmarked digests grows with the fan-out's concurrency.
MAX_UNMARKED = 32
INPUT_CACHE_SECONDS = 30.0  # a digest fan-out shares loaded content for this long
RETRY_SECONDS = 60.0  # a failed attempt is retried this much later (by any worker), as the catch-up's period
MARK_RETRY_SECONDS = 120.0  # how long a ledger mark after a send is retried while the database is unreachable
T = TypeVar("T")
__all__ = ["INSTANCE_LEASE", "LEASE_RENEW_SECONDS", "LEASE_TTL", "Deliverer", "DeliveryResult", "DueDigest",
           "InstanceLease", "acquire_instance_lease"]  # the leases moved to leases.py; imported from here too


# -- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDigest:
    """One chat's digest for one slot, covering every subscription of that chat due at that slot."""

    chat: ChatRef
    slot: dt.datetime  # aware, in the subscriptions' zone
    subscriptions: tuple[ScheduledSubscription, ...]

    @property
    def key(self) -> str:
        return slot_key(self.slot)

    @property
    def lang(self) -> str:
        return self.subscriptions[0].lang

    @property
    def stories(self) -> frozenset[str] | None:
        if any(s.story is None for s in self.subscriptions):
            return None
        return frozenset(s.story for s in self.subscriptions if s.story)

    @property
    def since(self) -> dt.datetime | None:
        stamps = [s.last_digest_at for s in self.subscriptions]
        if any(s is None for s in stamps):
            return None
        return min(s for s in stamps if s is not None)


@dataclass(frozen=True)
class DeliveryResult:
    chat: ChatRef
    slot: str
    status: str  # sent | skipped | gone | failed | retry | done (already final) | busy (in flight / no lease) | unmarked
    messages: int = 0
    detail: str = ""


@dataclass(frozen=True)
class _Settle:
    """A send to record in the ledger (step 4)."""

    due: DueDigest
    attempts: int
    loaded_at: dt.datetime
    result: SendResult


# -- the deliverer ---------------------------------------------------------------------------------------


class Deliverer:
    """Finds due digests, claims them in the ledger, composes and sends them through the platform's Sender."""

    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock,
        senders: Mapping[str, Sender],
        *,
        lease: InstanceLease | None = None,
        on_change: Callable[[], None] | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        concurrency: int = 256,
        briefs: BriefService | None = None,
        holder: str | None = None,
        claim_batch: int = 64,
        max_unmarked: int = MAX_UNMARKED,
    ) -> None:
        self.store = store  # the whole store for loading the digest's content (stories layer)
        self.ledger: LedgerStore = store  # the part the ledger work touches
        self.config = config
        self.clock = clock
        self.senders = dict(senders)
        self.lease = lease
        self.on_change = on_change
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.briefs = briefs
        self.holder = holder  # this worker's name on the rows it claims; None: the only process (SQLite)
        self.claim_batch = claim_batch
        self.max_unmarked = max_unmarked
        self._unmarked: asyncio.Semaphore | None = None  # made in the running loop
        self._in_flight: set[tuple[str, str, str]] = set()  # (platform, chat, slot) being sent by this process
        self._flight_lock = threading.Lock()  # the claim adds to it on the writer thread, the loop removes
        self._drains: Coalescer[DeliveryResult] = Coalescer()
        # Ledger writes of many digests at once, each kind one transaction: "composed" stamps before the sends,
        # marks after them (a broadcast's digests reach these steps together).
        self._stamps: GroupCommit[tuple[str, str, str], None] = GroupCommit(self._stamp_many)
        self._marks: GroupCommit[_Settle, DeliveryResult] = GroupCommit(self._mark_many)
        self._cache: dict[tuple[object, ...], tuple[float, dt.datetime, DigestInput]] = {}

    # which digests are due

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.config.digest.grace_hours)

    def due(self, now: dt.datetime | None = None) -> list[DueDigest]:
        """Every (chat, slot) in the grace window that the ledger does not list as final, oldest first."""
        now = now or self.clock.now()
        return self._due(self.ledger.scheduled_subscriptions(), now, now - self.grace)

    def _due(self, subs: list[ScheduledSubscription], now: dt.datetime, window_start: dt.datetime) -> list[DueDigest]:
        groups: dict[tuple[str, str, str], list[tuple[dt.datetime, ScheduledSubscription]]] = {}
        for sub, at, tz in readable_schedules(subs, "subscription"):
            for slot in slots_between(at, tz, max(window_start, sub.effective_from), now):
                groups.setdefault((sub.platform, sub.chat_id, slot_key(slot)), []).append((slot, sub))
        states = self.ledger.delivery_states(groups)
        out = [
            DueDigest(ChatRef(Platform(key[0]), key[1]), members[0][0], tuple(s for _, s in members))
            for key, members in groups.items()
            if key not in states or not states[key].final
        ]
        return sorted(out, key=lambda d: (d.slot, d.chat.platform, d.chat.chat_id))

    # running deliveries

    @property
    def may_deliver(self) -> bool:
        return self.lease is None or self.lease.held

    @property
    def takeover_margin(self) -> dt.timedelta:
        """A worker's rows are taken over only this long after its lease expired: a late renewal (a loop stalled by
        a busy machine) must not make a live worker look dead. Half its lease's ttl."""
        return self.lease.ttl / 2 if self.lease is not None else dt.timedelta(0)

    @property
    def may_take_over(self) -> bool:
        """Rows claimed by a worker whose lease expired are ours to retry only while our own lease is steady."""
        return self.lease is None or self.lease.steady

    async def catch_up(self, now: dt.datetime | None = None) -> list[DeliveryResult]:
        """Send every due digest not yet sent (at start, and every minute: missed slots, pending retries).

        The leader's part: the due (chat, slot) rows are written as pending, then drained here as by every worker."""
        dues = await self.store.gateway.read(self.due, now)
        if not self.may_deliver:
            return [DeliveryResult(d.chat, d.key, "busy") for d in dues]
        await self.enqueue(dues)
        return await self.drain(now)

    async def run_subscription(self, sub_id: int) -> DeliveryResult | None:
        """The scheduler's job for one subscription: its latest slot, if the ledger has not settled it."""
        due = await self.store.gateway.read(self._latest_due, sub_id, self.clock.now())
        if due is None or not self.may_deliver:
            return DeliveryResult(due.chat, due.key, "busy") if due else None
        await self.enqueue([due])
        results = await self.drain()
        return next((r for r in results if r.chat == due.chat and r.slot == due.key), None)

    def _latest_due(self, sub_id: int, now: dt.datetime) -> DueDigest | None:
        subs = self.ledger.scheduled_subscriptions_of(sub_id)
        mine = next((s for s in subs if s.id == sub_id), None)
        if mine is None:
            return None
        slot = latest_slot(parse_hhmm(mine.time), zone(mine.tz), now)
        dues = self._due(subs, now, slot)
        return next((d for d in dues if d.key == slot_key(slot)), None)

    async def enqueue(self, dues: list[DueDigest]) -> int:
        """Write these due digests as pending ledger rows, for whichever worker claims them first."""
        if not dues:
            return 0
        rows = [DueRow(d.chat.platform, d.chat.chat_id, d.key, d.subscriptions[0].id, d.slot) for d in dues]
        return await self.store.gateway.write(self.ledger.enqueue_deliveries, rows)

    async def drain(self, now: dt.datetime | None = None) -> list[DeliveryResult]:
        """Claim pending digests in batches and deliver them until none is left; every worker runs this.

        One drain at a time per process: a call while one runs makes that one look again and returns at once."""
        results = await self._drains.run(lambda: self._drain_once(now))
        return sorted(results, key=lambda r: (r.slot, r.chat.platform, r.chat.chat_id))

    async def _drain_once(self, now: dt.datetime | None) -> list[DeliveryResult]:
        """Keep up to `concurrency` deliveries running, claiming the next batch when half the room is free."""
        results: list[DeliveryResult] = []
        running: set[asyncio.Task[DeliveryResult]] = set()
        low_water = max(1, min(self.claim_batch, self.concurrency) // 2)
        claiming = True
        while True:
            room = self.concurrency - len(running)
            if claiming and self.may_deliver and room >= low_water:
                limit = min(room, self.claim_batch)
                try:
                    claimed = await self.store.gateway.write(self._claim, now, limit)
                except StoreError as exc:  # the database is away: finish what runs, the next drain claims again
                    log.warning("digest claim failed: %s", exc)
                    claimed = []
                claiming = len(claimed) == limit  # fewer: nothing more is free right now
                running |= {asyncio.create_task(self._deliver_claimed(due, claim)) for due, claim in claimed}
            if not running:
                return results
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            results += [task.result() for task in done]  # a crash (BaseException) ends the drain, as it ends a process

    def _claim(self, now: dt.datetime | None, limit: int) -> list[tuple[DueDigest, Claim]]:
        """On the writer: claim a batch of pending rows and rebuild each one's due digest from its subscriptions."""
        now = now or self.clock.now()
        with self._flight_lock:
            busy = frozenset(self._in_flight)
        pending = self.ledger.claim_pending(holder=self.holder, now=now, window_start=now - self.grace, limit=limit,
                                            max_attempts=self.max_attempts, exclude=busy, take_over=self.may_take_over,
                                            dead_before=now - self.takeover_margin)
        if not pending:
            return []
        subs = self.ledger.scheduled_subscriptions_for_chats((p.claim.platform, p.claim.chat_id) for p in pending)
        by_chat: dict[tuple[str, str], list[ScheduledSubscription]] = {}
        for sub in subs:
            by_chat.setdefault((sub.platform, sub.chat_id), []).append(sub)
        out: list[tuple[DueDigest, Claim]] = []
        gone: list[Finish] = []
        for p in pending:
            c = p.claim
            due = self._due_at(by_chat.get((c.platform, c.chat_id), []), ChatRef(Platform(c.platform), c.chat_id), c.slot)
            if due is None:  # unsubscribed (or rescheduled) since it was due: nothing to send for that slot
                gone.append(Finish(c.platform, (c.chat_id,), c.slot, DeliveryStatus.SKIPPED, now,
                                   detail="no subscription due at this slot any more"))
                continue
            out.append((due, c))
        self.ledger.finish_deliveries(gone)
        with self._flight_lock:
            self._in_flight.update((c.platform, c.chat_id, c.slot) for _, c in out)
        return out

    @staticmethod
    def _due_at(subs: list[ScheduledSubscription], chat: ChatRef, key: str) -> DueDigest | None:
        """The chat's digest for slot `key`: its subscriptions whose daily slot falls on that instant."""
        slot = parse_slot(key)
        members = []
        for sub in subs:
            try:
                at, tz = parse_hhmm(sub.time), zone(sub.tz)
            except ValueError:
                continue
            if sub.effective_from <= slot and latest_slot(at, tz, slot) == slot:
                members.append(sub)
        if not members:
            return None
        return DueDigest(chat, slot.astimezone(zone(members[0].tz)), tuple(members))

    async def _deliver_claimed(self, due: DueDigest, claim: Claim) -> DeliveryResult:
        """A row `_claim` took (and marked as in flight)."""
        try:
            return await self._deliver(due, claim)
        except StoreError as exc:  # the database went away before the send: the row stays ours, claimed next round
            log.warning("digest chat=%s slot=%s not sent: %s", due.chat.key, due.key, exc)
            return DeliveryResult(due.chat, due.key, "retry", detail=str(exc))
        finally:
            with self._flight_lock:
                self._in_flight.discard((claim.platform, claim.chat_id, claim.slot))

    async def deliver_all(self, dues: list[DueDigest]) -> list[DeliveryResult]:
        sem = asyncio.Semaphore(self.concurrency)

        async def one(due: DueDigest) -> DeliveryResult:
            async with sem:
                return await self.deliver(due)

        return list(await asyncio.gather(*(one(d) for d in dues)))

    async def deliver(self, due: DueDigest) -> DeliveryResult:
        key = (due.chat.platform, due.chat.chat_id, due.key)
        with self._flight_lock:
            if not self.may_deliver or key in self._in_flight:
                return DeliveryResult(due.chat, due.key, "busy")
            self._in_flight.add(key)
        try:
            return await self._deliver(due)
        finally:
            with self._flight_lock:
                self._in_flight.discard(key)

    async def _deliver(self, due: DueDigest, claim: Claim | None = None) -> DeliveryResult:
        sender = self.senders.get(due.chat.platform)
        if self.briefs is not None and sender is not None:
            if not self._cached(due):  # cluster first, so the briefs are of the stories the digest will show
                await self.store.gateway.write(ensure_assigned, self.store)
            await self.store.gateway.read(self._warm_briefs, due)  # may wait for the model: never on the writer
        # Claim and compose in one trip to the writer thread; "composed" is stamped with the other digests' stamps
        ready = await self.store.gateway.write(self._prepare, due, sender is not None,
                                               isinstance(sender, ThreadSender), claim)
        if isinstance(ready, DeliveryResult):
            return ready
        attempts, loaded_at, reply, threaded = ready
        assert sender is not None
        await self._stamps.submit((due.chat.platform, due.chat.chat_id, due.key))  # committed before the send
        if self._unmarked is None:
            self._unmarked = asyncio.Semaphore(self.max_unmarked)
        async with self._unmarked:  # from the send until its mark committed: the duplicate window's width
            result = await self._send(sender, due.chat, reply, threaded)
            try:
                return await self._record(due, attempts, loaded_at, result)
            except StoreError as exc:  # the database stayed away longer than the mark's retries
                log.error("digest chat=%s slot=%s went out but its ledger mark failed (%s): a later retry may send "
                          "it again (possible duplicate)", due.chat.key, due.key, exc)
                return DeliveryResult(due.chat, due.key, "unmarked", result.messages, detail=str(exc))

    def _prepare(self, due: DueDigest, can_send: bool, can_thread: bool = False, claim: Claim | Busy | None = None
                 ) -> DeliveryResult | tuple[int, dt.datetime, Reply, ThreadedDigest | None]:
        """Steps 1-2 of the module docstring but the "composed" stamp, on the writer: the settled result, or
        (attempts, loaded_at, reply, threaded).

        `claim`: the row was claimed already (drain); else it is claimed here."""
        chat, slot = due.chat, due.key
        if claim is None:
            claim = self.ledger.claim_delivery(chat.platform, chat.chat_id, slot, due.subscriptions[0].id,
                                               max_attempts=self.max_attempts, holder=self.holder)
        if claim is None:
            return DeliveryResult(chat, slot, "done")
        if isinstance(claim, Busy):
            return DeliveryResult(chat, slot, "busy")
        if claim.composed_before:
            log.warning("digest retry chat=%s slot=%s attempt=%d: an earlier attempt was composed and may have "
                        "reached the platform before a crash (possible duplicate)", chat.key, slot, claim.attempts)
        if not self._cached(due):
            ensure_assigned(self.store)  # clustering writes: here on the writer, before the content is loaded
        loaded_at, inp, opts = self._content(due)
        inp = attach_briefs(inp, opts, self.briefs, wait=None)  # warmed before: only the cache, never a wait
        reply = compose(inp, opts)
        now = self.clock.now()
        if reply is None:
            self.ledger.finish_delivery(chat.platform, [chat.chat_id], slot, DeliveryStatus.SKIPPED, at=now, detail="quiet day")
            return DeliveryResult(chat, slot, "skipped")
        if not can_send:
            self.ledger.note_attempt_failed(chat.platform, chat.chat_id, slot, f"no sender for {chat.platform}",
                                            retry_at=self._retry_at(now))
            return DeliveryResult(chat, slot, "retry", detail="no sender")
        threaded = None
        if can_thread and self._threaded(due):
            threaded = thread_digest(inp, dataclasses.replace(opts, max_stories=THREAD_MAX_STORIES))
        return claim.attempts, loaded_at, reply, threaded

    def _content(self, due: DueDigest) -> tuple[dt.datetime, DigestInput, ComposeOptions]:
        """What this chat's digest shows (its subscriptions' filters applied) and how it is composed."""
        loaded_at, inp = self._input(due)
        inp = apply_filters(inp, *filters_for([(s.story, s.filters) for s in due.subscriptions]))
        return loaded_at, inp, ComposeOptions(lang=due.lang, skip_quiet=self.config.digest.skip_quiet)

    def _warm_briefs(self, due: DueDigest) -> None:
        if self.briefs is None:
            return
        _, inp, opts = self._content(due)
        attach_briefs(inp, opts, self.briefs, wait=self.briefs.digest_wait)

    def _threaded(self, due: DueDigest) -> bool:
        """Per subscription (`/news subscribe 08:00 thread`), else the workspace's [slack] digest_style."""
        if any(s.style == "thread" for s in due.subscriptions):
            return True
        return due.chat.platform == "slack" and self.config.slack.digest_style == "thread"

    async def _send(self, sender: Sender, chat: ChatRef, reply: Reply, threaded: ThreadedDigest | None = None
                    ) -> SendResult:
        try:
            if threaded is not None and threaded.replies and isinstance(sender, ThreadSender):
                return await sender.send_thread(chat.chat_id, threaded.parent, threaded.replies)
            return await sender.send(chat.chat_id, reply)
        except (OSError, RuntimeError, ValueError, TimeoutError) as exc:
            # Adapters report failures as SendResult; anything raised is treated as transient.
            log.warning("digest send raised chat=%s: %r", chat.key, exc)
            return SendResult(SendOutcome.FAILED, detail=repr(exc))

    @property
    def _ledger_lane(self) -> Callable[..., Awaitable[Any]]:
        """Where the stamps and marks are written: beside the writer on PostgreSQL (their row locks suffice, and a
        mark must not wait behind the composing of the next digests), on the writer with SQLite (one writer)."""
        gateway = self.store.gateway
        return gateway.ledger if self.store.supports_workers else gateway.write

    async def _stamp_many(self, keys: list[tuple[str, str, str]]) -> list[None]:
        await self._ledger_lane(self.ledger.note_composed_many, keys, self.clock.now())
        return [None] * len(keys)

    async def _record(self, due: DueDigest, attempts: int, loaded_at: dt.datetime, result: SendResult
                      ) -> DeliveryResult:
        """Step 4, in one transaction with the other digests' marks; the scheduler hears of a gone chat on the loop."""
        done = await self._marks.submit(_Settle(due, attempts, loaded_at, result))
        if done.status == "gone" and self.on_change:
            self.on_change()
        return done

    async def _mark_many(self, settles: list[_Settle]) -> list[DeliveryResult | Exception]:
        try:
            return list(await self._write_persistently(self._settle_many, settles))
        except StoreError as exc:
            if len(settles) == 1 or self.store.transient(exc):  # the database stayed away: so it does for each one
                raise
        # the database refused this batch: one bad mark must not take the others with it
        outcomes: list[DeliveryResult | Exception] = []
        for one in settles:
            try:
                outcomes += await self._write_persistently(self._settle_many, [one])
            except StoreError as exc:
                outcomes.append(exc)
        return outcomes

    def _settle_many(self, settles: list[_Settle]) -> list[DeliveryResult]:
        """On the writer: the marks of these sends in one transaction, logged once it committed."""
        now = self.clock.now()
        finishes: list[Finish] = []
        # a chat that moved or is gone changes chats and subscriptions too: those writes take the global lock
        exclusive = any(s.result.outcome is SendOutcome.GONE or s.result.new_chat_id for s in settles)
        with self.ledger.write(exclusive=exclusive):
            results = [self._settle(s, now, finishes) for s in settles]
            self.ledger.finish_deliveries(finishes)
        for s, done in zip(settles, results, strict=True):
            self._log_settled(s, done)
        return results

    def _settle(self, s: _Settle, now: dt.datetime, finishes: list[Finish]) -> DeliveryResult:
        """One send's outcome: its ledger row's final state goes into `finishes`; other writes run here."""
        chat, slot, result = s.due.chat, s.due.key, s.result
        if result.outcome is SendOutcome.SENT:
            ids = [chat.chat_id]
            if result.new_chat_id and result.new_chat_id != chat.chat_id:
                # The ledger follows the chat (a no-op when the adapter has already migrated it).
                self.ledger.migrate_chat(chat.platform, chat.chat_id, result.new_chat_id)
                ids.append(result.new_chat_id)
            finishes.append(Finish(chat.platform, tuple(ids), slot, DeliveryStatus.SENT, now, result.messages,
                                   result.detail or None, tuple(sub.id for sub in s.due.subscriptions), s.loaded_at))
            return DeliveryResult(chat, slot, "sent", result.messages)
        if result.outcome is SendOutcome.GONE:
            self.ledger.deactivate_chat(chat, result.detail or "gone")
            finishes.append(Finish(chat.platform, (chat.chat_id,), slot, DeliveryStatus.GONE, now, detail=result.detail))
            return DeliveryResult(chat, slot, "gone", detail=result.detail)
        if s.attempts >= self.max_attempts:
            finishes.append(Finish(chat.platform, (chat.chat_id,), slot, DeliveryStatus.FAILED, now, detail=result.detail))
            return DeliveryResult(chat, slot, "failed", detail=result.detail)
        self.ledger.note_attempt_failed(chat.platform, chat.chat_id, slot, result.detail or "send failed",
                                        retry_at=self._retry_at(now))
        return DeliveryResult(chat, slot, "retry", detail=result.detail)

    @staticmethod
    def _log_settled(s: _Settle, done: DeliveryResult) -> None:
        chat, slot = s.due.chat, s.due.key
        if done.status == "sent":
            METRICS.digest_sent(chat.platform)
            log.info("digest sent chat=%s slot=%s messages=%d", chat.key, slot, done.messages)
        elif done.status == "gone":
            log.info("digest chat gone chat=%s slot=%s: subscriptions deactivated", chat.key, slot)
        elif done.status == "failed":
            METRICS.digest_failed(chat.platform)
            log.error("digest failed for good chat=%s slot=%s: %s", chat.key, slot, done.detail)

    @staticmethod
    def _retry_at(now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(seconds=RETRY_SECONDS)

    async def _write_persistently(self, fn: Callable[..., T], *args: object) -> T:
        """A ledger mark after a send must land: while the database is away (a restart, a dropped connection),
        try again with backoff instead of leaving the row for a retry that would send the message twice."""
        return await write_persistently(self.store, fn, *args, via=self._ledger_lane)

    def _key(self, due: DueDigest) -> tuple[object, ...]:
        since = due.since.astimezone(due.slot.tzinfo) if due.since else None
        return (since, due.stories, due.slot.date(), self.clock.replaying)

    def _cached(self, due: DueDigest) -> bool:
        hit = self._cache.get(self._key(due))
        return hit is not None and time.monotonic() - hit[0] < INPUT_CACHE_SECONDS

    def _input(self, due: DueDigest) -> tuple[dt.datetime, DigestInput]:
        """The digest content, shared briefly across a fan-out (same since, stories and day)."""
        now = self.clock.now()
        as_of = due.slot.date()
        since = due.since.astimezone(due.slot.tzinfo) if due.since else None
        key = self._key(due)
        mono = time.monotonic()
        hit = self._cache.get(key)
        if hit and mono - hit[0] < INPUT_CACHE_SECONDS:
            return hit[1], hit[2]
        if len(self._cache) > 1024:
            self._cache.clear()
        inp = load_digest_input(self.store, as_of=as_of, since=since, stories=due.stories)
        self._cache[key] = (mono, now, inp)
        return now, inp


async def write_persistently(store: Store, fn: Callable[..., T], *args: object, budget: float = MARK_RETRY_SECONDS,
                             sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                             via: Callable[..., Awaitable[Any]] | None = None) -> T:
    """`store.gateway.write(fn, *args)` (or `via(fn, *args)`), retried on store errors (not on LeaseHeldError and the
    like: those are answers) with backoff for up to `budget` seconds of waiting; the last error is raised when it
    runs out."""
    run = via or store.gateway.write
    delay, waited = 0.1, 0.0
    while True:
        try:
            return await run(fn, *args)
        except StoreError as exc:
            if not store.transient(exc) or waited >= budget:
                raise
            log.warning("ledger write failed (%s); retrying in %.1fs", exc, delay)
            await sleep(delay)
            waited += delay
            delay = min(delay * 2, 5.0)
