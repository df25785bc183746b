"""Deadline reminders: a message `offset` days before each key date of a followed story, at HH:MM local time.

Key dates come from each story's deadline ledger, read afresh whenever reminders are due. A key date that
has been replaced (extended, moved) is no key date any more: its reminders are never sent, and the
replacing date's reminders say where it moved from ("12 November 2020 — …, in 3 days (moved from
20 September 2020)"). Reminders therefore "move with" their key date without anything stored per reminder.

Exactly once per (chat, key date, offset), through the digest delivery ledger (store/delivery_repo.py)
with slot keys `remind:<story>:<date>:<offset>d`: claimed before sending, marked after, never claimed
again once final; a catch-up (every minute, with the digests') sends what a restart or an outage missed
within `[digest] grace_hours`. Finding and composing reminders is pure; `ReminderDeliverer` does the I/O.

Several workers: the leader's catch-up writes the due reminders as pending rows carrying what they say (JSON), and
every worker's `drain()` claims and sends them, as for digests (delivery.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.coalesce import Coalescer
from newsdigest.digests.delivery import RETRY_SECONDS, write_persistently
from newsdigest.digests.leases import one_shot_worker
from newsdigest.digests.slots import readable_schedules, slot_on, zone
from newsdigest.errors import StoreError
from newsdigest.models import ChatKind, ChatRef, DeliveryStatus, Platform, ReminderRule
from newsdigest.reply import Heading, Reply, Span, bold, text
from newsdigest.sender import Sender, SendOutcome, SendResult
from newsdigest.store.delivery_repo import Busy, Claim, DueRow
from newsdigest.store.store import Store
from newsdigest.stories.keydate_text import what_text
from newsdigest.stories.service import ensure_assigned, view
from newsdigest.texts import countdown, format_value, t

log = logging.getLogger("newsdigest.reminders")

DEFAULT_OFFSETS = (3, 1)
DEFAULT_TIME = "09:00"
KEY_PREFIX = "remind:"
MAX_ATTEMPTS = 5
STORY_WINDOW_DAYS = 400  # stories with articles this recent can still have key dates ahead
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class KeyDate:
    """A live (not replaced) key date of a story, fixed to the day."""

    story: str  # slug
    story_name: str
    due: dt.date
    what: str
    kind: str = "deadline"  # deadline | expiry
    moved_from: tuple[str, ...] = ()  # TIMEX3 values of the dates it replaced


@dataclass(frozen=True)
class DueReminder:
    chat: ChatRef
    key_date: KeyDate
    offset: int  # days before the key date
    slot: dt.datetime  # aware, in the rule's zone
    lang: str = "en"

    @property
    def key(self) -> str:
        """The ledger slot: one per (chat, key date, offset)."""
        return f"{KEY_PREFIX}{self.key_date.story}:{self.key_date.due.isoformat()}:{self.offset}d"


def reminder_payload(due: DueReminder) -> str:
    """What a pending reminder row carries, so any worker can send it without reading the stories again."""
    kd = due.key_date
    return json.dumps({"kind": due.chat.kind, "story": kd.story, "story_name": kd.story_name, "due": kd.due.isoformat(),
                       "what": kd.what, "date_kind": kd.kind, "moved_from": list(kd.moved_from), "offset": due.offset,
                       "slot": due.slot.isoformat(), "lang": due.lang}, ensure_ascii=False)


def reminder_from_payload(platform: str, chat_id: str, payload: str) -> DueReminder:
    """The inverse of reminder_payload (raises ValueError / KeyError for a row it did not write)."""
    d = json.loads(payload)
    kd = KeyDate(d["story"], d["story_name"], dt.date.fromisoformat(d["due"]), d["what"], d["date_kind"],
                 tuple(d["moved_from"]))
    chat = ChatRef(Platform(platform), chat_id, ChatKind(d["kind"]))
    return DueReminder(chat, kd, int(d["offset"]), dt.datetime.fromisoformat(d["slot"]), d["lang"])


# -- pure: which reminders are due, and what they say -------------------------------------------------------------


def due_reminders(rules: Iterable[ReminderRule], dates: Mapping[str, list[KeyDate]], start: dt.datetime,
                  end: dt.datetime, *, respect_rule_start: bool = True) -> list[DueReminder]:
    """Every reminder whose slot lies in [start, end], one per (chat, key); oldest first.

    `respect_rule_start`: a rule set at 10:00 does not catch up a 09:00 reminder of that morning.
    """
    out: dict[tuple[str, str, str], DueReminder] = {}
    for rule, at, tz in readable_schedules(rules, "reminder rule"):
        lo = max(start, rule.effective_from or _EPOCH) if respect_rule_start else start
        stories = [rule.story] if rule.story else list(dates)
        for slug in stories:
            for kd in dates.get(slug, ()):
                for offset in rule.offsets:
                    slot = slot_on(kd.due - dt.timedelta(days=offset), at, tz)
                    if lo <= slot <= end:
                        due = DueReminder(rule.chat, kd, offset, slot, rule.lang)
                        out.setdefault((rule.platform, rule.chat_id, due.key), due)
    return sorted(out.values(), key=lambda d: (d.slot, d.chat.platform, d.chat.chat_id, d.key))


def reminder_line(kd: KeyDate, days: int, lang: str) -> str:
    """'12 November 2020 — ByteDance: sell its US operations (TikTok: US sale), in 3 days (moved from 20 September 2020)'

    The story's name comes after `what`, in brackets: both may carry a colon ("TikTok: US sale", "ByteDance: sell …").."""
    return format_value(kd.due.isoformat(), lang) + _rest(kd, days, lang)


def _rest(kd: KeyDate, days: int, lang: str) -> str:
    what = "; ".join(x for part in kd.what.split("; ") if (x := what_text(lang, kd.kind, part)))
    rest = t(lang, "reminder_rest", story=kd.story_name, what=what or "…",
              countdown=countdown(kd.due, kd.due - dt.timedelta(days=days), lang))
    if kd.moved_from:
        rest += t(lang, "reminder_moved", old=", ".join(format_value(v, lang) for v in kd.moved_from))
    return rest


def compose_reminder(due: DueReminder) -> Reply:
    """The reminder message: the key date (bold), the story, what is due or ends, the countdown, where it moved from."""
    kd, lang = due.key_date, due.lang
    title = t(lang, "reminder_title_expiry" if kd.kind == "expiry" else "reminder_title")
    return Reply((Heading(title), text(bold(format_value(kd.due.isoformat(), lang)), Span(_rest(kd, due.offset, lang)))))


# -- reading key dates from the stories layer ----------------------------------------------------------------------


def load_key_dates(store: Store, *, as_of: dt.date | None, today: dt.date,
                   stories: set[str] | None = None) -> dict[str, list[KeyDate]]:
    """story slug -> its live key dates fixed to a day (as the ledger knows them as of `as_of`).

    A story renamed since a rule was set is found under its old slugs too (the dates carry the current one,
    so the ledger keys stay one per key date)."""
    ensure_assigned(store)
    last = as_of or today
    out: dict[str, list[KeyDate]] = {}
    for story in store.stories_active_between(last - dt.timedelta(days=STORY_WINDOW_DAYS), last):
        slugs = [story.slug, *(s for s in story.terms.get("slugs", ()) if isinstance(s, str))]
        if stories is not None and not stories.intersection(slugs):
            continue
        v = view(store, story, as_of=as_of, today=today)
        dates = [
            KeyDate(story.slug, v.name, item.due, item.what, item.kind,
                    tuple(_value(w) for w in item.replaces))
            for item in v.ledger.items
            if item.superseded_by is None and item.when.precision == "day"
        ]
        if dates:
            ordered = same_day_merged(dates)
            for slug in dict.fromkeys(slugs):
                out.setdefault(slug, ordered)
    return out


def same_day_merged(dates: list[KeyDate]) -> list[KeyDate]:
    """One key date per story and day: two obligations falling due together make one reminder naming both."""
    by_day: dict[dt.date, list[KeyDate]] = {}
    for kd in dates:
        by_day.setdefault(kd.due, []).append(kd)
    out = []
    for day in sorted(by_day):
        group = by_day[day]
        first = group[0]
        whats = list(dict.fromkeys(" ".join(k.what.split()) for k in group if k.what.strip()))
        kind = "deadline" if any(k.kind == "deadline" for k in group) else first.kind
        moved = tuple(dict.fromkeys(v for k in group for v in k.moved_from))
        out.append(KeyDate(first.story, first.story_name, day, "; ".join(whats), kind, moved))
    return out


def _value(when: object) -> str:
    lo = getattr(when, "lo", None)
    return lo.isoformat() if isinstance(lo, dt.date) else str(when)


def _story_scope(rules: Iterable[ReminderRule]) -> set[str] | None:
    slugs: set[str] = set()
    for r in rules:
        if r.story is None:
            return None
        slugs.add(r.story)
    return slugs


# -- delivery ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderResult:
    chat: ChatRef
    key: str
    status: str  # sent | gone | failed | retry | done | dry-run
    reply: Reply | None = None
    detail: str = ""


class ReminderDeliverer:
    """Finds due reminders, claims them in the delivery ledger, sends them through the platform's Sender."""

    def __init__(self, store: Store, config: Config, clock: Clock, senders: Mapping[str, Sender], *,
                 on_change: Callable[[], None] | None = None, max_attempts: int = MAX_ATTEMPTS,
                 lease_held: Callable[[], bool] = lambda: True, holder: str | None = None,
                 take_over: Callable[[], bool] = lambda: True, takeover_margin: dt.timedelta = dt.timedelta(0)) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.senders = dict(senders)
        self.on_change = on_change
        self.max_attempts = max_attempts
        self.lease_held = lease_held
        self.holder = holder  # this worker's name on the rows it claims; None: the only process (SQLite)
        self.take_over = take_over  # may rows of a worker whose lease expired be claimed (delivery.py)
        self.takeover_margin = takeover_margin
        self._drains: Coalescer[ReminderResult] = Coalescer()
        self._in_flight: set[tuple[str, str, str]] = set()

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.config.digest.grace_hours)

    def due(self, now: dt.datetime | None = None) -> list[DueReminder]:
        """Reminders in the grace window the ledger has not settled."""
        now = now or self.clock.now()
        rules = self.store.active_reminders()
        if not rules:
            return []
        dates = load_key_dates(self.store, as_of=self.clock.as_of, today=now.date(), stories=_story_scope(rules))
        dues = due_reminders(rules, dates, now - self.grace, now)
        states = self.store.delivery_states((d.chat.platform, d.chat.chat_id, d.key) for d in dues)
        return [d for d in dues
                if (s := states.get((d.chat.platform, d.chat.chat_id, d.key))) is None or not s.final]

    async def catch_up(self, now: dt.datetime | None = None) -> list[ReminderResult]:
        """Send what is due and not yet settled (at start and every minute, with the digests' catch-up).

        The leader's part: due reminders are written as pending rows, then drained here as by every worker."""
        if not self.lease_held():
            return []
        # Off the loop, on the store's writer: key dates may need the new articles clustered first (a write).
        dues = await self.store.gateway.write(self.due, now)
        if dues:
            rows = [DueRow(d.chat.platform, d.chat.chat_id, d.key, None, d.slot, reminder_payload(d)) for d in dues]
            await self.store.gateway.write(self.store.enqueue_deliveries, rows)
        return await self.drain(now)

    async def drain(self, now: dt.datetime | None = None) -> list[ReminderResult]:
        """Claim pending reminders one batch at a time and send them (every worker runs this; one drain at a time
        per process: a call while one runs makes that one look again)."""
        return await self._drains.run(lambda: self._drain_once(now))

    async def _drain_once(self, now: dt.datetime | None) -> list[ReminderResult]:
        results: list[ReminderResult] = []
        while self.lease_held():
            stamp = now or self.clock.now()
            try:
                batch = await self.store.gateway.write(
                    self.store.claim_pending, holder=self.holder, now=stamp, window_start=stamp - self.grace,
                    limit=32, max_attempts=self.max_attempts, reminders=True, exclude=frozenset(self._in_flight),
                    take_over=self.take_over(), dead_before=stamp - self.takeover_margin)
            except StoreError as exc:
                log.warning("reminder claim failed: %s", exc)
                break
            if not batch:
                break
            for row in batch:
                c = row.claim
                try:
                    due = reminder_from_payload(c.platform, c.chat_id, row.payload or "")
                except (ValueError, KeyError, TypeError):  # a row from an older version: the catch-up writes it again
                    await self.store.gateway.write(self.store.note_attempt_failed, c.platform, c.chat_id, c.slot,
                                                   "reminder without payload", stamp)
                    continue
                results.append(await self.deliver(due, c))
        return results

    async def deliver(self, due: DueReminder, claim: Claim | None = None) -> ReminderResult:
        flight = (due.chat.platform, due.chat.chat_id, due.key)
        if flight in self._in_flight:
            return ReminderResult(due.chat, due.key, "busy")
        self._in_flight.add(flight)
        try:
            return await self._deliver(due, claim)
        finally:
            self._in_flight.discard(flight)

    async def _deliver(self, due: DueReminder, claimed: Claim | None) -> ReminderResult:
        chat, key = due.chat, due.key
        gateway = self.store.gateway
        claim: Claim | Busy | None = claimed or await gateway.write(
            self.store.claim_delivery, chat.platform, chat.chat_id, key, None, max_attempts=self.max_attempts,
            holder=self.holder)
        if claim is None:
            return ReminderResult(chat, key, "done")
        if isinstance(claim, Busy):
            return ReminderResult(chat, key, "busy")
        if claim.composed_before:
            log.warning("reminder retry chat=%s key=%s attempt=%d: possible duplicate", chat.key, key, claim.attempts)
        reply = compose_reminder(due)
        sender = self.senders.get(chat.platform)
        if sender is None:
            await gateway.write(self.store.note_attempt_failed, chat.platform, chat.chat_id, key,
                                f"no sender for {chat.platform}", self._retry_at())
            return ReminderResult(chat, key, "retry", reply, "no sender")
        await gateway.write(self.store.note_composed, chat.platform, chat.chat_id, key, self.clock.now())
        try:
            result = await sender.send(chat.chat_id, reply)
        except (OSError, RuntimeError, ValueError, TimeoutError) as exc:
            result = SendResult(SendOutcome.FAILED, detail=repr(exc))
        return await write_persistently(self.store, self._record, due, claim.attempts, reply, result)

    def _retry_at(self) -> dt.datetime:
        return self.clock.now() + dt.timedelta(seconds=RETRY_SECONDS)

    def _record(self, due: DueReminder, attempts: int, reply: Reply, result: SendResult) -> ReminderResult:
        chat, key, now = due.chat, due.key, self.clock.now()
        if result.outcome is SendOutcome.SENT:
            ids = [chat.chat_id, *([result.new_chat_id] if result.new_chat_id else [])]
            self.store.finish_delivery(chat.platform, ids, key, DeliveryStatus.SENT, at=now, messages=result.messages)
            log.info("reminder sent chat=%s key=%s", chat.key, key)
            return ReminderResult(chat, key, "sent", reply)
        if result.outcome is SendOutcome.GONE:
            self.store.deactivate_chat(chat, result.detail or "gone")
            self.store.finish_delivery(chat.platform, [chat.chat_id], key, DeliveryStatus.GONE, at=now, detail=result.detail)
            log.info("reminder chat gone chat=%s key=%s: paused", chat.key, key)
            if self.on_change:
                self.on_change()
            return ReminderResult(chat, key, "gone", reply, result.detail)
        if attempts >= self.max_attempts:
            self.store.finish_delivery(chat.platform, [chat.chat_id], key, DeliveryStatus.FAILED, at=now, detail=result.detail)
            return ReminderResult(chat, key, "failed", reply, result.detail)
        self.store.note_attempt_failed(chat.platform, chat.chat_id, key, result.detail or "send failed", self._retry_at())
        return ReminderResult(chat, key, "retry", reply, result.detail)


# -- on demand: `newsdigest remind` -------------------------------------------------------------------------------


def reminders_on(store: Store, rules: list[ReminderRule], day: dt.date, *, as_of: dt.date | None) -> list[DueReminder]:
    """Every reminder of these rules whose day is `day` (whatever the hour), as the ledger stood `as_of`."""
    if not rules:
        return []
    dates = load_key_dates(store, as_of=as_of, today=day, stories=_story_scope(rules))
    out: list[DueReminder] = []
    for rule in rules:
        tz = zone(rule.tz)
        start = dt.datetime.combine(day, dt.time(0, 0), tz)
        end = dt.datetime.combine(day, dt.time(23, 59, 59), tz)
        out.extend(due_reminders([rule], dates, start, end, respect_rule_start=False))
    unique: dict[tuple[str, str], DueReminder] = {}
    for d in out:
        unique.setdefault((d.chat.key, d.key), d)
    return list(unique.values())


def _due_today(store: Store, config: Config, clock: Clock, chat: ChatRef) -> list[DueReminder]:
    rules = store.reminders_for(chat)
    tz = zone(rules[0].tz) if rules else zone(config.bot.timezone)
    day = clock.as_of or clock.now().astimezone(tz).date()
    return reminders_on(store, rules, day, as_of=clock.as_of)


async def run_reminders_now(store: Store, config: Config, clock: Clock, chat: ChatRef, *,
                            sender: Sender | None = None, dry_run: bool = False) -> list[ReminderResult]:
    """`newsdigest remind [--chat ID] [--dry-run] [--as-of DATE]`: the chat's reminders due that day.

    Without --dry-run each is sent once: the delivery ledger skips what was already sent.
    """
    dues = await store.gateway.write(_due_today, store, config, clock, chat)
    if dry_run or sender is None:
        return [ReminderResult(d.chat, d.key, "dry-run", compose_reminder(d)) for d in dues]
    async with one_shot_worker(store, dt.timedelta(seconds=config.workers.leader_takeover_seconds)) as holder:
        deliverer = ReminderDeliverer(store, config, clock, {chat.platform: sender}, holder=holder)
        return [await deliverer.deliver(d) for d in dues]
