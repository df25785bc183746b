"""Resolvers, one per payload kind: a candidate and its context -> (TIMEX3 value, mod), or None to drop it.

Without an anchor, values keep X placeholders ("XXXX-09-15") or are dropped where nothing can be said.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from newsdigest.extract.temporal import anchor as an
from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.payloads import (
    Abs,
    Ago,
    Cand,
    Clock,
    ClockOn,
    DayPart,
    FiscalYear,
    Holiday,
    Lit,
    NightBefore,
    NthWeekday,
    OrdWeek,
    Quarter,
    QuarterRef,
    RelDay,
    RelUnit,
    SameDay,
    Season,
    Weekday,
    Weekend,
    WeekOf,
    YearAgo,
)
from newsdigest.extract.temporal.tense import Ctx

Value = tuple[str, str | None] | None


def _seen(ctx: Ctx, c: Cand, d: dt.date) -> None:
    """Remember a day-precision date: a clock time later in the sentence belongs to it."""
    ctx.last_day = (d, ctx.sentence(c.start)[0])


def lit(p: Lit, c: Cand, ctx: Ctx) -> Value:
    return p.value, p.mod


def absolute(p: Abs, c: Cand, ctx: Ctx) -> Value:
    a = ctx.anchor
    y, m, d = p.y, p.m, p.d
    if m is None:
        if y is not None:
            ctx.last_month, ctx.last_month_end = (y, None), c.end
        return f"{y:04d}", p.mod
    if y is None and p.yoff is not None:
        if a is None:
            return None
        y = a.year + p.yoff
    if y is None and p.dir is not None:
        if a is None:
            return None
        y = an.month_year(a, m, p.dir)
    if y is None and a is not None:
        tense = ctx.tense(c.start, c.end)
        if d is not None:
            y = an.pick_year(a, an.day_key(m, d), a.toordinal(), tense, 90, 7)
        else:
            y = an.pick_year(a, lambda yy: yy * 12 + m, a.year * 12 + a.month, tense, 1, 0, ahead_cost=1.5)
    ys = f"{y:04d}" if y is not None else "XXXX"
    if y is not None:
        ctx.last_month, ctx.last_month_end = (y, m), c.end
    if d is None:
        return f"{ys}-{m:02d}", p.mod
    if y is not None:
        _seen(ctx, c, dt.date(y, m, d))
    return f"{ys}-{m:02d}-{d:02d}", p.mod


def _year_of(y: int | None, yoff: int | None, ctx: Ctx) -> int | None:
    if y is not None:
        return y
    return None if ctx.anchor is None else ctx.anchor.year + (yoff or 0)


_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def season(p: Season, c: Cand, ctx: Ctx) -> Value:
    if p.latest and ctx.anchor is not None:  # "this past spring" in October: this year's
        a = ctx.anchor
        return f"{a.year - (0 if _SEASON_START[p.s] < a.month else 1):04d}-{p.s}", p.mod
    y = _year_of(p.y, p.yoff, ctx)
    if y is None:
        return None if p.yoff not in (None, 0) else (f"XXXX-{p.s}", p.mod)
    if p.y is None and p.yoff is None and ctx.anchor is not None:
        y = _season_year(ctx.anchor, p.s, ctx.tense(c.start, c.end))
    return f"{y:04d}-{p.s}", p.mod


def _season_year(a: dt.date, s: str, tense: str | None) -> int:
    """The year of a season named without one: in a past sentence the last one begun by the anchor ("im Herbst
    wurde gebaut" in March: last autumn), ahead the next one not yet over ("the winter will be hard" in March: next
    winter); else the anchor's year. A winter belongs to the year of its December."""
    start = _SEASON_START[s]
    now = a.year * 12 + a.month - 1
    if tense == "past":
        return max(y for y in (a.year - 1, a.year) if y * 12 + start - 1 <= now)
    if tense in ("future", "limit"):
        return min(y for y in (a.year - 1, a.year, a.year + 1) if y * 12 + start + 1 >= now)
    return a.year


def quarter(p: Quarter, c: Cand, ctx: Ctx) -> Value:
    code = f"{'H' if p.half else 'Q'}{p.q}"
    y = _year_of(p.y, p.yoff, ctx)
    a = ctx.anchor
    if p.y is None and p.yoff is None and a is not None and y is not None:
        first_month = (p.q - 1) * (6 if p.half else 3) + 1
        if first_month > a.month and ctx.tense(c.start, c.end) == "past":
            y -= 1  # "reported a drop in profits for the fourth quarter" in January: the one just ended
    if y is None:
        return None if p.yoff not in (None, 0) else (f"XXXX-{code}", None)
    if not p.half:
        ctx.last_quarter = (y, p.q, c.end)
    return f"{y:04d}-{code}", None


ENDED_REACH = 600  # chars back to a numbered quarter that "the quarter ended …" is (the same report)


def _q(n: int) -> str:
    return "QX" if n == 0 else f"Q{n}"  # 0: a quarter whose number the text does not fix


def quarter_ref(p: QuarterRef, c: Cand, ctx: Ctx) -> Value:
    if p.y is not None:
        return (f"{p.y:04d}-{_q(ctx.last_quarter[1])}" if ctx.last_quarter else f"{p.y:04d}"), None
    if p.ended and (ctx.last_quarter is None or c.start - ctx.last_quarter[2] > ENDED_REACH):
        # no quarter named just before: the number of a quarter known by its end date is the company's
        if ctx.anchor is None:
            return "XXXX-QX", None
        ctx.last_quarter = (ctx.anchor.year, 0, c.end)
        return f"{ctx.anchor.year:04d}-QX", None
    if ctx.last_quarter is not None and p.off < 0:
        return f"{ctx.last_quarter[0]:04d}-{_q(ctx.last_quarter[1])}", None
    if ctx.anchor is None:
        return "XXXX-QX", None
    y, m = an.shift_month(ctx.anchor.year, ctx.anchor.month, 3 * p.off)
    q = (m - 1) // 3 + 1
    ctx.last_quarter = (y, q, c.end)
    return f"{y:04d}-Q{q}", None


QUARTER_REACH = 4000  # chars back to the quarter a year-ago comparison refers to (an earnings report's length)


def year_ago(p: YearAgo, c: Cand, ctx: Ctx) -> Value:
    q = ctx.last_quarter
    if q is not None and c.start - q[2] <= QUARTER_REACH:
        return f"{q[0] - 1:04d}-{_q(q[1])}", None
    return None if ctx.anchor is None else (f"{ctx.anchor.year - 1:04d}", None)


def relday(p: RelDay, c: Cand, ctx: Ctx) -> Value:
    part = f"T{p.part}" if p.part else ""
    if ctx.anchor is None:
        return "XXXX-XX-XX" + part, None
    d = ctx.anchor + dt.timedelta(days=p.off)
    _seen(ctx, c, d)
    return d.isoformat() + part, None


def weekday(p: Weekday, c: Cand, ctx: Ctx) -> Value:
    part = f"T{p.part}" if p.part else ""
    if ctx.anchor is None:
        return f"XXXX-WXX-{p.wd + 1}{part}", None
    # "by Wednesday", "until Thursday" in a report look back as often as ahead: the verb decides
    tense = None if p.rel is not None else ctx.tense(c.start, c.end, by_preposition=False)
    if p.rel is None and ctx.limit_set(c.start, c.end):
        tense = "future"
    d = an.weekday_date(ctx.anchor, p.wd, p.rel, tense)
    if p.week is not None:  # "Dienstag vergangener Woche": that week's Tuesday, whatever the tense
        d = ctx.anchor + dt.timedelta(days=p.wd - ctx.anchor.weekday(), weeks=p.week)
    if p.eve:
        d -= dt.timedelta(days=1)
    _seen(ctx, c, d)
    return d.isoformat() + part, None


_UNDER = {"YE": "XXXX-12-31", "D": "XXXX-XX-XX", "W": "XXXX-WXX", "WE": "XXXX-WXX-WE", "M": "XXXX-XX", "Y": "XXXX", "Q": "XXXX-QX",
          "DE": "XXX", "CE": "XX"}  # fmt: skip


# "ab Juli 2017 bis Ende des Jahres", "from May 2019 to the end of the month": the end of a range is in the year of its
# start, not the anchor's
_RANGE_GAP = re.compile(r"\s*(?:bis(?:\s+(?:zum|zur))?|to|until|till|through|[-–])\s*")


def _range_end(c: Cand, ctx: Ctx) -> bool:
    return ctx.last_month is not None and 0 <= c.start - ctx.last_month_end <= 12 and \
        _RANGE_GAP.fullmatch(ctx.text, ctx.last_month_end, c.start) is not None


def relunit(p: RelUnit, c: Cand, ctx: Ctx) -> Value:
    if p.off == 0 and not p.ref and p.unit in ("Y", "M") and _range_end(c, ctx):
        p = RelUnit(p.unit, 0, p.mod, ref=True)
    if p.ref and ctx.last_month is not None and p.unit in ("Y", "M"):
        y, m = ctx.last_month
        if p.unit == "Y":
            return f"{y + p.off:04d}", p.mod
        if m is not None:
            y, m = an.shift_month(y, m, p.off)
            return f"{y:04d}-{m:02d}", p.mod
    a, off, mod = ctx.anchor, p.off, p.mod
    if a is None:
        return _UNDER.get(p.unit, "XXXX"), mod
    if p.unit == "YE":  # year-end: its last day
        return f"{a.year + off:04d}-12-31", mod
    if p.unit == "D":
        d = a + dt.timedelta(days=off)
        _seen(ctx, c, d)
        return d.isoformat(), mod
    if p.unit == "W":
        return an.week(a + dt.timedelta(weeks=off)), mod
    if p.unit == "WE":
        return an.weekend(a, off), mod
    if p.unit in ("M", "Q"):
        y, m = an.shift_month(a.year, a.month, off * (3 if p.unit == "Q" else 1))
        return (f"{y:04d}-{m:02d}" if p.unit == "M" else f"{y:04d}-Q{(m - 1) // 3 + 1}"), mod
    if p.unit == "DE":
        return f"{(a.year // 10 + off):03d}", mod
    if p.unit == "CE":
        return f"{(a.year // 100 + off):02d}", mod
    return f"{a.year + off:04d}", mod


def weekend(p: Weekend, c: Cand, ctx: Ctx) -> Value:
    if ctx.anchor is None:
        return "XXXX-WXX-WE", None
    return an.weekend(ctx.anchor, 1 if ctx.tense(c.start, c.end) in ("future", "limit") else -1), None


def ordweek(p: OrdWeek, c: Cand, ctx: Ctx) -> Value:
    if ctx.last_day is None:
        return "XXXX-WXX", None
    return an.week(ctx.last_day[0] + dt.timedelta(weeks=p.n - 1)), None


def ago(p: Ago, c: Cand, ctx: Ctx) -> Value:
    a = ctx.anchor
    if a is None or p.n is None or p.n != int(p.n):
        return "PAST_REF", None
    n = int(p.n)
    if n >= a.year:  # "vor 8000 Jahren": before the calendar's year 1
        return "PAST_REF", None
    if p.unit == "D":
        return (a - dt.timedelta(days=n)).isoformat(), None
    if p.unit == "W":
        return an.week(a - dt.timedelta(weeks=n)), None
    if p.unit == "M":
        y, m = an.shift_month(a.year, a.month, -n)
        return f"{y:04d}-{m:02d}", None
    if p.unit == "Y":
        return f"{a.year - n:04d}", None
    if p.unit == "DE":
        return f"{(a.year - 10 * n) // 10:03d}", None
    return "PAST_REF", None


def _context_day(c: Cand, ctx: Ctx, *, previous_sentence: bool = False) -> dt.date | None:
    """The day a clock time or part of day belongs to: a day named earlier in its sentence, else the anchor.

    A part of day ("am Nachmittag") also takes the day of the previous sentence, the narrative day; clock
    times do not, because listings of events put one item a sentence, each on the publication day.
    """
    if ctx.last_day is not None:
        s = ctx.sentence(c.start)[0]
        if ctx.last_day[1] == s or (previous_sentence and s > 0 and ctx.last_day[1] == ctx.sentence(s - 1)[0]):
            return ctx.last_day[0]
    return ctx.anchor


def same_day(p: SameDay, c: Cand, ctx: Ctx) -> Value:
    day = ctx.last_day[0] if ctx.last_day is not None else ctx.anchor
    return (day.isoformat() if day else "XXXX-XX-XX") + (f"T{p.part}" if p.part else ""), None


def clock(p: Clock, c: Cand, ctx: Ctx) -> Value:
    day = _context_day(c, ctx)
    return (day.isoformat() if day else "XXXX-XX-XX") + f"T{p.h:02d}:{p.mi:02d}", None


def daypart(p: DayPart, c: Cand, ctx: Ctx) -> Value:
    day = _context_day(c, ctx, previous_sentence=True)
    return (day.isoformat() if day else "XXXX-XX-XX") + f"T{p.part}", None


def holiday(p: Holiday, c: Cand, ctx: Ctx) -> Value:
    a, y = ctx.anchor, p.y
    if y is None:
        if a is None:
            return (f"XXXX-{p.a:02d}-{p.b:02d}", None) if p.hk == "fix" else None
        tense = ctx.tense(c.start, c.end)
        y = an.pick_year(a, lambda yy: lx.holiday_date(p.hk, p.a, p.b, yy).toordinal(), a.toordinal(), tense, 7, 7)
    d = lx.holiday_date(p.hk, p.a, p.b, y)
    _seen(ctx, c, d)
    return d.isoformat(), None


def fiscal_year(p: FiscalYear, c: Cand, ctx: Ctx) -> Value:
    return None if ctx.anchor is None else (f"{ctx.anchor.year + p.off:04d}", None)


RESOLVERS: dict[type, Callable[[Any, Cand, Ctx], Value]] = {
    Lit: lit, Abs: absolute, Season: season, Quarter: quarter, RelDay: relday, Weekday: weekday, RelUnit: relunit,
    Weekend: weekend, OrdWeek: ordweek, Ago: ago, Clock: clock, DayPart: daypart, Holiday: holiday,
    FiscalYear: fiscal_year, YearAgo: year_ago, QuarterRef: quarter_ref, SameDay: same_day,
}  # fmt: skip


def clock_on(p: ClockOn, c: Cand, ctx: Ctx) -> Value:
    day = RESOLVERS[type(p.day)](p.day, c, ctx)
    if day is None:
        return None
    return day[0][:10] + f"T{p.clock.h:02d}:{p.clock.mi:02d}", None


RESOLVERS[ClockOn] = clock_on


def week_of(p: WeekOf, c: Cand, ctx: Ctx) -> Value:
    day = absolute(p.day, c, ctx)
    if day is None or not re.fullmatch(r"\d{4}-\d\d-\d\d", day[0]):
        return None if day is None else ("XXXX-WXX", None)
    return an.week(dt.date.fromisoformat(day[0])), None


RESOLVERS[WeekOf] = week_of


def night_before(p: NightBefore, c: Cand, ctx: Ctx) -> Value:
    day = absolute(p.day, c, ctx)
    if day is None:
        return None
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", day[0]):
        return "XXXX-XX-XXTNI", None
    return (dt.date.fromisoformat(day[0]) - dt.timedelta(days=1)).isoformat() + "TNI", None


RESOLVERS[NightBefore] = night_before


def nth_weekday(p: NthWeekday, c: Cand, ctx: Ctx) -> Value:
    month = absolute(p.month, c, ctx)
    if month is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)", month[0])
    if m is None:
        return f"{month[0]}-XX", None
    y, mo = int(m[1]), int(m[2])
    d = _nth_weekday(y, mo, p.n, p.wd)
    a = ctx.anchor
    if d is not None and a is not None and p.month.y is None and d.month == a.month and d.year == a.year:
        # the anchor's own month: the day itself decides against the tense ("am letzten Sonntag im März wurde")
        tense = ctx.tense(c.start, c.end)
        if (tense == "past" and d > a) or (tense == "future" and d < a):
            d = _nth_weekday(y + (-1 if tense == "past" else 1), mo, p.n, p.wd)
    if d is None:
        return None  # "the fifth Monday in February" of a year that has none
    _seen(ctx, c, d)
    return d.isoformat(), None


def _nth_weekday(y: int, mo: int, n: int, wd: int) -> dt.date | None:
    if n < 0:
        last = dt.date(y, mo, calendar.monthrange(y, mo)[1])
        return last - dt.timedelta(days=(last.weekday() - wd) % 7)
    first = dt.date(y, mo, 1)
    d = first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    return d if d.month == mo else None


RESOLVERS[NthWeekday] = nth_weekday


def resolve(c: Cand, ctx: Ctx) -> Value:
    return RESOLVERS[type(c.p)](c.p, c, ctx)
