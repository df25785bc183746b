"""Anchor arithmetic: placing an underspecified expression (a day without a year, a weekday, "last week")
relative to the publication date, by direction words and by the tense of its sentence.

TimeML / HeidelTime conventions: a bare weekday is the nearest such day in the direction of the tense and may
be the anchor's own day ("said Friday" and "will meet Friday" in a Friday article are that Friday); only "next"
or "last" move a same-named weekday a week away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

LIMIT_AHEAD_COST = 0.75


def pick_year(
    anchor: dt.date,
    key: Callable[[int], int],
    akey: int,
    tense: str | None,
    slack_past: int,
    slack_future: int,
    ahead_cost: float = 1.25,
) -> int:
    """The year (anchor's, one before or one after) that puts `key(year)` where the tense points."""
    years = (anchor.year - 1, anchor.year, anchor.year + 1)
    if tense == "limit":  # the nearest, leaning ahead
        tense, ahead_cost = None, LIMIT_AHEAD_COST
    if tense == "past":
        ok = [y for y in years if key(y) <= akey + slack_past]
        return max(ok) if ok else anchor.year
    if tense == "future":
        ok = [y for y in years if key(y) >= akey - slack_future]
        return min(ok) if ok else anchor.year
    # no tense cue: the nearest, but news more often looks back than ahead (months more so than exact days,
    # which are often deadlines and schedules)
    return min(
        years, key=lambda y: (akey - key(y) if key(y) <= akey else ahead_cost * (key(y) - akey), y != anchor.year)
    )


def day_key(m: int, d: int) -> Callable[[int], int]:
    def key(y: int) -> int:
        try:
            return dt.date(y, m, d).toordinal()
        except ValueError:  # 29 February in a common year
            return dt.date(y, m, 28).toordinal()

    return key


def month_year(anchor: dt.date, month: int, direction: int) -> int:
    """The year of `month` named with last (-1) / next (+1), strictly before / after the anchor's month. The
    month just gone is "this February" in speech, so "last February" in a March article is a year back (as
    TBAQ reads it)."""
    if direction < 0:
        return anchor.year if month < anchor.month - 1 else anchor.year - 1
    return anchor.year if month > anchor.month else anchor.year + 1


def weekday_date(anchor: dt.date, wd: int, rel: str | None, tense: str | None) -> dt.date:
    """The date of weekday `wd` (0 = Monday) as the text places it relative to `anchor`."""
    aw = anchor.weekday()
    if rel == "today":
        return anchor
    if rel == "tomorrow":
        return anchor + dt.timedelta(days=1)
    if rel == "yesterday":
        return anchor - dt.timedelta(days=1)
    if rel == "this":
        return anchor + dt.timedelta(days=wd - aw)
    if rel == "future":  # "next Friday", "kommenden Freitag": never the anchor's own day
        return anchor + dt.timedelta(days=(wd - aw) % 7 or 7)
    if rel == "past":  # "last Friday", "vergangenen Freitag"
        return anchor - dt.timedelta(days=(aw - wd) % 7 or 7)
    if tense == "future":
        return anchor + dt.timedelta(days=(wd - aw) % 7)
    return anchor - dt.timedelta(days=(aw - wd) % 7)


def week(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def weekend(a: dt.date, off: int) -> str:
    """The weekend before (off < 0), of this week (0) or after (off > 0) the anchor, as 2020-W31-WE."""
    aw = a.weekday()
    if off < 0:
        sat = a - dt.timedelta(days=(aw - 5) % 7 or 7)
    elif off > 0:
        sat = a + dt.timedelta(days=(5 - aw) % 7 or 7)
    else:
        sat = a + dt.timedelta(days=5 - aw)
    return week(sat) + "-WE"


def shift_month(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1
