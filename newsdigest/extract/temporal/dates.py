"""Explicit days and months: "15. September 2020", "Sept. 15", "13.09.2020", "2020-09-15", "Ende Oktober",
"last May", "June last year"."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    DAY,
    MOD_EN,
    MON_DE,
    MON_DE_ABBR,
    MON_EN_ABBR,
    MON_EN_FULL,
    REL_YEAR_DE,
    WD_DE,
    WD_EN,
    Y4,
    B,
    E,
    abs_date,
    mod_de,
    mod_en,
    month_in_de,
    month_of,
    next_word,
    prev_word,
    rel_offset,
    rule,
)
from newsdigest.extract.temporal.payloads import Abs, Cand

# -- explicit day dates -------------------------------------------------------------------------------------------


@rule(
    rf"{B}(?:(?P<wd>{WD_DE})\s*,?\s+(?:(?:den|dem)\s+)?)?(?<![\d.])(?P<d>{DAY})\.\s*"
    rf"(?P<mon>{MON_DE}{E}|{MON_DE_ABBR})(?:\s+(?P<y>{Y4})(?!\d))?",
    "de",
    on=("month",),
    window=(50, 20),
)
def de_day_month(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=month_of(m["mon"]), y=m["y"], prio=2)


@rule(
    rf"(?<![\d.,])(?P<d>{DAY})\.(?=(?:\s*(?:und|bis|oder|u\.|[-–/,])\s*(?:zum\s+)?{DAY}\.)+\s*"
    rf"(?P<mon>{MON_DE}{E}|{MON_DE_ABBR})(?:\s+(?P<y>{Y4})(?!\d))?)",
    "de",
    on=("month",),
    window=(80, 20),
)
def de_day_list(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=month_of(m["mon"]), y=m["y"], prio=2)


@rule(
    rf"(?<![\d.,])(?P<d>{DAY})\.\s?(?P<m>1[0-2]|0?[1-9])\.\s?(?P<y>(?:19|20)\d\d)(?![\d])",
    "de",
    on=("year4",),
    window=(10, 0),
)
def de_numeric_y4(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=1)


@rule(
    r"(?<![\d.,/])(?P<d>" + DAY + r")\.(?P<m>1[0-2]|0?[1-9])\.(?P<y>\d\d)?(?![\d]|\.\d|\s*Uhr)",
    "de",
    on=("digit",),
    window=(12, 12),
)
def de_numeric_short(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=2)


@rule(
    r"(?<![\d.\-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d])",
    "de",
    "en",
    on=("year4",),
    window=(0, 8),
)
def iso(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=1)


@rule(
    r"(?<![\d/.])(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>(?:19|20)\d\d)(?![\d/])",
    "en",
    on=("year4",),
    window=(8, 0),
)
def en_us_numeric(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=1)


_NOT_A_DAY_NEXT = frozenset(["percent", "prozent", "million", "billion", "people", "menschen", "euro"])


# "September 15th", "Sept. 15, 2020", "Tuesday, Nov. 12" — English order; in German text only with st/nd/rd/th or year
@rule(
    rf"{B}(?:(?P<wd>{WD_EN}|{WD_DE})\s*,?\s+)?(?P<mon>{MON_EN_FULL}|{MON_EN_ABBR})\.?\s+(?P<d>{DAY})"
    rf"(?P<suf>st|nd|rd|th)?(?![\d\w.,]\d)(?!\w)(?:,?\s+(?P<y>{Y4})(?!\d))?",
    "de",
    "en",
    on=("month",),
    window=(40, 30),
)
def month_day(m: re.Match[str], text: str) -> Cand | None:
    mon = m["mon"].lower()
    if mon.rstrip(".") not in lx.MONTHS_EN and mon not in lx.MONTHS_DE:
        return None
    german = month_in_de(m["mon"])
    if german and not (m["suf"] or m["y"]):
        return None
    if not german and not (m["suf"] or m["y"]) and mon.rstrip(".") not in lx.MONTHS_EN:
        return None
    if not m["y"] and next_word(text, m.end()).lower() in _NOT_A_DAY_NEXT:
        return None
    return abs_date(m, d=int(m["d"]), mon=month_of(m["mon"].rstrip(".")), y=m["y"], prio=2)


# "15th of September", "15 September 2020", "Friday, 13 March"
@rule(
    rf"{B}(?:(?P<wd>{WD_EN})\s*,?\s+)?(?:the\s+)?(?<![\d.,])(?P<d>{DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<mon>{MON_EN_FULL}|(?:{MON_EN_ABBR})\.?){E}(?:,?\s+(?P<y>{Y4})(?!\d))?",  # "March." ends a sentence
    "en",
    on=("month",),
    window=(50, 20),
)
def en_day_month(m: re.Match[str], text: str) -> Cand | None:
    return abs_date(m, d=int(m["d"]), mon=month_of(m["mon"].rstrip(".")), y=m["y"], prio=2)


# -- months, with modifiers and years ---------------------------------------------------------------------------


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn|Ausgang)\s+(?:des\s+Monats\s+)?)?"
    rf"(?:(?P<pre>(?:[Ll]etzt|[Vv]ergangen|[Vv]orig|[Kk]ommend|[Nn]ächst|[Dd]ies)(?:e|en|er|es|em))\s+)?"
    rf"(?P<mon>{MON_DE}){E}"
    rf"(?:\s+(?P<y>{Y4})(?![\d])|\s+{REL_YEAR_DE}|\s+des\s+(?P<rel2>Vorjahres|Folgejahres))?",
    "de",
    on=("month",),
    window=(60, 40),
)
def de_month(m: re.Match[str], text: str) -> Cand | None:
    if not (m["mod"] or m["pre"] or m["y"] or m["rel"] or m["rel2"]):
        prev = prev_word(text, m.start()).lower()
        nxt = next_word(text, m.end())
        if prev not in lx.TEMPORAL_PREV_DE and (nxt[:1].isupper() or (m["mon"] == "August" and not prev)):
            return None
    c = abs_date(m, d=None, mon=month_of(m["mon"]), y=m["y"], prio=4, mod=mod_de(m["mod"]))
    if c is not None and isinstance(c.p, Abs):
        if m["pre"] and not m["y"]:  # "im vergangenen Mai": the last May before the anchor
            c.prio = 3
            return _month_rel(c, rel_offset(m["pre"]))
        c.p = Abs(c.p.y, c.p.m, None, c.p.mod, rel_offset(m["rel"] or m["rel2"]))
    return c


@rule(
    rf"{B}(?:(?P<mod>{MOD_EN})[\s-]*)?(?:(?P<pre>(?i:last|next|this|coming|past))\s+)?"
    rf"(?P<mon>{MON_EN_FULL}){E}(?:,?\s+(?:of\s+)?(?P<y>{Y4})(?![\d])|\s+(?P<yrel>(?i:this|last|next))\s+year{E})?",
    "en",
    on=("month",),
    window=(40, 30),
)
def en_month(m: re.Match[str], text: str) -> Cand | None:
    if m["yrel"]:  # "June last year", "in January this year"
        c = abs_date(m, d=None, mon=month_of(m["mon"]), y=None, prio=3, mod=mod_en(m["mod"]))
        if c is not None and isinstance(c.p, Abs) and not m["pre"]:
            c.p = Abs(None, c.p.m, None, c.p.mod, yoff=rel_offset(m["yrel"]))
            return c
        return None
    if m["pre"] and not m["y"]:  # "last May", "next March": the one before/after the anchor's month
        c = abs_date(m, d=None, mon=month_of(m["mon"]), y=None, prio=3, mod=mod_en(m["mod"]))
        return _month_rel(c, rel_offset(m["pre"])) if c is not None else None
    if m["pre"]:
        return None  # "last May 2019" is odd; the bare month rule sees "May 2019" on its own
    if not (m["mod"] or m["y"]):
        prev = prev_word(text, m.start()).lower()
        nxt = next_word(text, m.end())
        if m["mon"].lower() in lx.AMBIGUOUS_MONTHS_EN and (prev not in lx.TEMPORAL_PREV_EN or nxt[:1].isupper()):
            return None
        if prev[:1].isupper() and prev not in ("In", "Since", "Until", "By", "From", "During"):
            return None  # "Theresa May", "Rev. August Smith"
    return abs_date(m, d=None, mon=month_of(m["mon"]), y=m["y"], prio=4, mod=mod_en(m["mod"]))


def _month_rel(c: Cand, off: int | None) -> Cand:
    """'last May' / 'nächsten März': the year is chosen by direction ("this May" is the anchor year's)."""
    if isinstance(c.p, Abs):
        c.p = Abs(None, c.p.m, None, c.p.mod, yoff=0 if off == 0 else None, dir=off or None)
    return c
