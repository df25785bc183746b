"""Slot arithmetic (pure): when a daily digest at HH:MM in a time zone is due.

A slot is the scheduled local date and time of one digest, written with its UTC offset
("2020-09-14T08:00+02:00"), so the same wall-clock time on either side of a DST change is two
distinct, unambiguous keys. Times that do not exist locally (02:30 on a spring-forward night, 00:00 where
the clocks jump at midnight) are moved forward by the gap. The scheduler fires at exactly these slots
(scheduler.SlotTrigger), so the ledger and the trigger cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdigest.errors import UserError

log = logging.getLogger("newsdigest.digests")

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


class BadTimeError(UserError):
    """Not a time of day in 24-hour HH:MM form."""


def parse_hhmm(value: str) -> dt.time:
    """'8:00' / '08:00' -> time(8, 0); raises BadTimeError for '25:00', '8.00', '08:61'."""
    m = _HHMM.match(value.strip())
    if not m:
        raise BadTimeError(value)
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise BadTimeError(value)
    return dt.time(hour, minute)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder such as America/Argentina
        raise ValueError(f"unknown time zone {name!r}") from None


class Scheduled(Protocol):
    """A stored daily schedule: a subscription or a reminder rule."""

    @property
    def id(self) -> int: ...
    @property
    def time(self) -> str: ...
    @property
    def tz(self) -> str: ...


S = TypeVar("S", bound=Scheduled)


def readable_schedules(rows: Iterable[S], what: str) -> Iterator[tuple[S, dt.time, ZoneInfo]]:
    """Each row with its time of day and zone. A stored schedule that no longer reads (a zone gone from tzdata,
    a row edited by hand) is logged and skipped: one bad row never stops the other chats' digests."""
    for row in rows:
        try:
            at, tz = parse_hhmm(row.time), zone(row.tz)
        except ValueError:
            log.warning("%s %s has a bad schedule %r %r; skipped", what, row.id, row.time, row.tz)
            continue
        yield row, at, tz


def slot_on(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The slot on a local calendar day, normalised through UTC (a non-existent local time moves forward)."""
    naive = dt.datetime.combine(day, at)
    local = naive.replace(tzinfo=tz)
    # zoneinfo keeps a non-existent wall time as given; a UTC round trip resolves it to a real instant.
    return local.astimezone(dt.UTC).astimezone(tz)


def slot_key(slot: dt.datetime) -> str:
    """'2020-09-14T08:00+02:00'."""
    return slot.isoformat(timespec="minutes")


def parse_slot(key: str) -> dt.datetime:
    return dt.datetime.fromisoformat(key)


def slots_between(at: dt.time, tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Every slot s with start <= s <= end (aware datetimes), oldest first."""
    first = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date() + dt.timedelta(days=1)
    out: list[dt.datetime] = []
    day = first
    while day <= last:
        s = slot_on(day, at, tz)
        if start <= s <= end:
            out.append(s)
        day += dt.timedelta(days=1)
    return out


def latest_slot(at: dt.time, tz: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The most recent slot at or before now."""
    local_day = now.astimezone(tz).date()
    for back in range(3):
        s = slot_on(local_day - dt.timedelta(days=back), at, tz)
        if s <= now:
            return s
    raise AssertionError("unreachable: a daily slot exists within three days")


def next_slot(at: dt.time, tz: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The first slot strictly after now."""
    local_day = now.astimezone(tz).date()
    for ahead in range(3):
        s = slot_on(local_day + dt.timedelta(days=ahead), at, tz)
        if s > now:
            return s
    raise AssertionError("unreachable: a daily slot exists within three days")
