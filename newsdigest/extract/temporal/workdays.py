"""Business-day arithmetic for durations counted in working days ("binnen zehn Werktagen", "five business days").

A week has five business days, Monday to Friday. Public holidays are not known here (they differ by country and
region, and the tagger has no calendar of them), so an end date may fall on a holiday and be a day or two early.
German law does not agree on Saturday either: some statutes count it as a "Werktag" (BUrlG § 3), rent law does
not (BGH VIII ZR 291/09); like the news usage, Werktage here are Monday to Friday.
"""

from __future__ import annotations

import datetime as dt

WORKDAYS_PER_WEEK = 5
_FRIDAY = 4


def is_business_day(d: dt.date) -> bool:
    return d.weekday() <= _FRIDAY


def add_business_days(start: dt.date, n: int) -> dt.date:
    """The n-th business day after `start` (`start` itself not counted); `start` itself for n = 0.

    "Within 10 business days" of a Friday ends on the Friday two weeks later; counted from a Saturday or Sunday,
    the first business day is the Monday after. Raises ValueError for n < 0 or a result past year 9999.
    """
    if n < 0:
        raise ValueError(f"business days to add must be >= 0, got {n}")
    if n == 0:
        return start
    wd = start.weekday()
    if wd > _FRIDAY:  # a weekend start counts like the Friday before it: the next business day is the Monday
        start -= dt.timedelta(days=wd - _FRIDAY)
        wd = _FRIDAY
    weeks, rest = divmod(n, WORKDAYS_PER_WEEK)
    days = 7 * weeks + rest + (2 if wd + rest > _FRIDAY else 0)
    try:
        return start + dt.timedelta(days=days)
    except OverflowError:
        raise ValueError(f"{n} business days after {start} is past the calendar") from None
