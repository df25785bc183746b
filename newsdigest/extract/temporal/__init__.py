"""TIMEX3 temporal tagger for German and English news (TempEval-3 / KRAUTS conventions).

`tag(text, lang=..., anchor=...)` finds dates, times, durations and sets and normalises them against the
publication date. It is pure (no I/O, no clock), never raises and runs in time linear in the text.

The package is cut by rule family, as feedparser's `datetimes/`:

    lexicon     time words of both languages as data (months, weekdays, numbers, units, holidays)
    common      regex fragments, the rule registry, helpers shared by the families
    dates       explicit days and months
    years       years, year ranges, decades, centuries, fiscal years, spelled-out years
    periods     seasons, quarters, halves
    relative    "letzte Woche", "next year", "Ende des Monats", weekends
    weekdays    weekdays, today/yesterday/morgen, parts of the day
    durations   "drei Jahre", "45-tägige", "two weeks", "three years ago", "zehn Werktage" (business days)
    workdays    business-day arithmetic: the end date of "binnen zehn Werktagen"
    times       clock times
    sets        "jeden Montag", "täglich", "every week", "twice a year"
    fuzzy       PRESENT_REF / PAST_REF / FUTURE_REF, holidays
    payloads    the typed payload each rule returns
    tense       sentence bounds and tense cues
    anchor      placing underspecified expressions relative to the anchor
    resolve     one resolver per payload kind -> TIMEX3 value
    scan        trigger windows, candidate choice

Underspecified expressions (a day without a year, a weekday, "last week") take their year and week from the
anchor and from the tense of their sentence; without an anchor they keep X placeholders ("XXXX-09-15").
"""

from __future__ import annotations

import datetime as dt

# The rule families register themselves on import; their order is the tie-break order of equal candidates.
# isort: off
from newsdigest.extract.temporal import dates, years, periods, relative, durations, weekdays, times, sets, fuzzy  # noqa: F401

# isort: on
from newsdigest.extract.temporal.payloads import Lit
from newsdigest.extract.temporal.resolve import resolve
from newsdigest.extract.temporal.scan import RESOLVE_ERRORS, candidates, merge_weekday_dates, select
from newsdigest.extract.temporal.tense import Ctx
from newsdigest.extract.temporal.workdays import add_business_days
from newsdigest.extract.types import Timex

__all__ = ["Timex", "add_business_days", "tag"]


def tag(text: str, *, lang: str, anchor: dt.date | None) -> list[Timex]:
    """TIMEX3 expressions in `text`, sorted by start and non-overlapping; values anchored on `anchor`."""
    if not isinstance(text, str) or not text:
        return []
    lg = "de" if str(lang or "").lower().startswith("de") else "en"
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    if anchor is not None and not isinstance(anchor, dt.date):
        anchor = None
    ctx = Ctx(text, lg, anchor)
    out: list[Timex] = []
    for c in merge_weekday_dates(select(candidates(text, lg)), text):
        try:
            r = resolve(c, ctx)
        except RESOLVE_ERRORS:
            continue
        if r is None:
            continue
        value, mod = r
        busy = isinstance(c.p, Lit) and c.p.business_days and c.type == "DURATION"
        out.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, mod, business_days=busy))
    return out
