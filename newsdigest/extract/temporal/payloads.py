"""Typed rule payloads: what a rule found, before the anchor and the tense turn it into a TIMEX3 value.

A rule returns a `Cand` (span, TIMEX3 type, priority) carrying one payload; `resolve.RESOLVERS` maps each
payload class to the function that resolves it, so adding a kind means adding a class and a resolver.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Lit:
    """A value fixed by the text alone: P3D, 19, PRESENT_REF, XXXX-WXX-1. `business_days`: a count of days in
    business days ("zehn Werktage", "ten working days"), whose end date skips weekends."""

    value: str
    mod: str | None = None
    business_days: bool = False


@dataclass(slots=True, frozen=True)
class Abs:
    """A calendar date, month or year. A missing year comes from the anchor: `yoff` years away, else the
    nearest such month before (`dir` -1, "last May") or after (+1, "next May") it, else by tense."""

    y: int | None
    m: int | None
    d: int | None
    mod: str | None = None
    yoff: int | None = None
    dir: int | None = None


@dataclass(slots=True, frozen=True)
class Season:
    """A season; `latest`: the last one begun before the anchor ("this past spring")."""

    y: int | None
    s: str  # SP SU FA WI
    mod: str | None = None
    yoff: int | None = None
    latest: bool = False


@dataclass(slots=True, frozen=True)
class Quarter:
    y: int | None
    q: int
    half: bool
    yoff: int | None = None


@dataclass(slots=True, frozen=True)
class RelDay:
    """today / gestern / übermorgen (+ part of day)."""

    off: int
    part: str | None = None


@dataclass(slots=True, frozen=True)
class Weekday:
    """A weekday; `rel` is this / future ("next") / past ("last") / today / tomorrow / yesterday or None.
    `eve`: the night before it ("in der Nacht zum Sonntag" is Saturday night). `week`: in the calendar week that
    many weeks from the anchor's ("Dienstag vergangener Woche" -1, "Tuesday of next week" +1)."""

    wd: int
    rel: str | None = None
    part: str | None = None
    eve: bool = False
    week: int | None = None


@dataclass(slots=True, frozen=True)
class RelUnit:
    """ "last week", "nächstes Jahr", "Ende des Monats": a calendar unit `off` units from the anchor's, or
    with `ref` from the last date the text named ("the following year", "im darauffolgenden Monat")."""

    unit: str  # D W WE M Q Y YE (year-end) DE CE
    off: int
    mod: str | None = None
    ref: bool = False


@dataclass(slots=True, frozen=True)
class Weekend:
    pass


@dataclass(slots=True, frozen=True)
class OrdWeek:
    """ "in der zweiten Woche": counted from the last day named."""

    n: int


@dataclass(slots=True, frozen=True)
class Ago:
    """ "three years ago": n units before the anchor."""

    unit: str
    n: float | None


@dataclass(slots=True, frozen=True)
class Clock:
    h: int
    mi: int


@dataclass(slots=True, frozen=True)
class DayPart:
    part: str  # MO MI AF EV NI


@dataclass(slots=True, frozen=True)
class Holiday:
    hk: str  # fix | easter | thanksgiving
    a: int
    b: int
    y: int | None = None


@dataclass(slots=True, frozen=True)
class FiscalYear:
    """ "this fiscal year", "the current fiscal year": the anchor's year, `off` years away."""

    off: int


@dataclass(slots=True, frozen=True)
class ClockOn:
    """ "10 p.m. Wednesday", "5 p.m. EST Nov. 9", "midnight Friday": a clock time on the day named after it."""

    clock: Clock
    day: Weekday | Abs | RelDay


@dataclass(slots=True, frozen=True)
class NthWeekday:
    """ "the first Monday in May", "am letzten Sonntag im Oktober": the n-th (-1: last) weekday of a month."""

    n: int
    wd: int
    month: Abs


@dataclass(slots=True, frozen=True)
class NightBefore:
    """ "in der Nacht zum 1. Mai": the night that ends on the day named, dated by the evening before it."""

    day: Abs


@dataclass(slots=True, frozen=True)
class WeekOf:
    """ "the week of March 6": the calendar week that holds the day named."""

    day: Abs


@dataclass(slots=True, frozen=True)
class SameDay:
    """ "am selben Tag", "an diesem Abend", "that day", "later in the day": the day last named, else the anchor."""

    part: str | None = None


@dataclass(slots=True, frozen=True)
class QuarterRef:
    """ "the quarter", "that quarter": the last quarter named, else the anchor's quarter `off` quarters away
    (-1: news reports on the quarter just ended). With `y` ("the 1988 quarter", "the 1989 period") that
    year's quarter of the same number as the last one named."""

    off: int
    y: int | None = None
    ended: bool = False  # "the quarter ended Sept. 30": a company's quarter by its end date, its number unknown


@dataclass(slots=True, frozen=True)
class YearAgo:
    """ "a year ago", "a year earlier", "the year-ago quarter": in a report on a quarter, that quarter a year
    back (TimeBank's reading of earnings comparisons); otherwise the year before the anchor's."""


Payload = (
    Lit
    | Abs
    | Season
    | Quarter
    | RelDay
    | Weekday
    | RelUnit
    | Weekend
    | OrdWeek
    | Ago
    | Clock
    | DayPart
    | Holiday
    | FiscalYear
    | YearAgo
    | QuarterRef
    | SameDay
    | ClockOn
    | WeekOf
    | NightBefore
    | NthWeekday
)


@dataclass(slots=True)
class Cand:
    """A candidate expression: its span, TIMEX3 type, payload and priority (lower wins among equal lengths)."""

    start: int
    end: int
    type: str
    p: Payload
    prio: int = 5
