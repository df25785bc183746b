"""The publication-date window: a source's date before 1900 or more than two days after the fetch is
refused (the article is filed under the ingest day and says why), so no stored date can poison arithmetic."""

from __future__ import annotations

import datetime as dt

from newsdigest.clock import shift_days

EARLIEST = dt.date(1900, 1, 1)
FUTURE_SLACK_DAYS = 2  # time zones and embargoed items run slightly ahead of the fetch


def refusal(day: dt.date, fetched: dt.date) -> str | None:
    """Why `day` is not a believable publication date for something fetched on `fetched`, or None."""
    if day < EARLIEST:
        return f"refused date {day.isoformat()}: before {EARLIEST.year}"
    if day > shift_days(fetched, FUTURE_SLACK_DAYS):
        return f"refused date {day.isoformat()}: more than {FUTURE_SLACK_DAYS} days after the fetch ({fetched.isoformat()})"
    return None
