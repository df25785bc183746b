"""Injectable clock. `--as-of DATE` replays the past: the clock then stands at the end of that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Clock:
    """`now()` is timezone-aware UTC. `as_of` (a date) freezes the view of the world at that day's end."""

    as_of: dt.date | None = None
    source: Callable[[], dt.datetime] = field(default=_utc_now)

    def now(self) -> dt.datetime:
        if self.as_of is not None:
            return dt.datetime.combine(self.as_of, dt.time(23, 59, 59), dt.UTC)
        return self.source()

    def today(self) -> dt.date:
        return self.now().date()

    @property
    def replaying(self) -> bool:
        return self.as_of is not None


class FakeClock(Clock):
    """A clock tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        super().__init__(as_of=None)
        self._now = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
        self.source = lambda: self._now

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)

    def set(self, when: dt.datetime) -> None:
        self._now = when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """ISO date (or datetime) -> date; raises ValueError with a readable message."""
    if value is None or isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    s = str(value).strip()
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD, e.g. 2020-09-14)") from None


def shift_days(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, saturating at date.min / date.max (a feed dated 9999-12-31 must not overflow a window)."""
    ordinal = day.toordinal() + days
    return dt.date.fromordinal(min(max(ordinal, 1), dt.date.max.toordinal()))


def day_or_none(value: str | None) -> dt.date | None:
    """The date of a stored ISO date/datetime string; None when empty or malformed (never raises)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
