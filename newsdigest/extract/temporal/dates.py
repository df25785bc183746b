"""Absolute dates: explicit days ("15. September 2020", "Sept. 15", "13.09.2020"), months, years, year
ranges, decades, centuries, seasons, quarters and halves, fiscal years."""

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
    SEASON_DE,
    WD_DE,
    WD_EN,
    Y4,
    B,
    E,
    abs_date,
    cand,
    mod_de,
    mod_en,
    month_in_de,
    month_of,
    next_word,
    prev_word,
    rel_offset,
    rule,
    year,
)
from newsdigest.extract.temporal.payloads import Abs, Cand, FiscalYear, Lit, Quarter, QuarterRef, RelUnit, Season

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
    rf"(?P<mon>{MON_EN_FULL}|{MON_EN_ABBR})\.?{E}(?:,?\s+(?P<y>{Y4})(?!\d))?",
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


# -- years, year ranges, decades, centuries, fiscal years ----------------------------------------------------------


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+|(?P<jahr>Jahre?s?)\s+)(?P<y>{Y4})(?![\d]|\.\d|,\d)",
    "de",
    on=("unit", "mod"),
    window=(4, 16),
)
def de_year_ctx(m: re.Match[str], text: str) -> Cand | None:
    y = year(m["y"])
    if y is None or y < 0:
        return None
    return cand(m, "DATE", Abs(y, None, None, mod_de(m["mod"])), prio=3)


@rule(
    rf"{B}(?:(?P<mod>{MOD_EN})[\s-]*|(?P<jahr>(?i:the\s+year))\s+)(?P<y>{Y4})(?![\d]|\.\d|,\d|['’]?s{E})",
    "en",
    on=("mod",),
    window=(4, 30),
)
def en_year_ctx(m: re.Match[str], text: str) -> Cand | None:
    y = year(m["y"])
    if y is None or y < 0:
        return None
    return cand(m, "DATE", Abs(y, None, None, mod_en(m["mod"])), prio=3)


def _is_en(text: str, pos: int) -> bool:
    """The determiner before `pos` is English (German "die 2000" is a count more often than not)."""
    return (
        text[max(0, pos - 5) : pos]
        .rstrip()
        .lower()
        .endswith(("the", " a", "its", "his", "her", "their", "our", "this", "that"))
    )


_IN_THE_YEAR = re.compile(r"\s+(?:im\s+Jahre?|in\s+the\s+year)\b")


@rule(
    r"(?<![\w.,/:\-€$])(?P<y>(?:1[6-9]|20)\d\d)(?P<y2>/\s?\d\d(?!\d))?(?![\d\w%]|[.,:]\d|-\w|\s*%)",
    "de",
    "en",
    on=("year4",),
    window=(6, 10),
)
def bare_year(m: re.Match[str], text: str) -> Cand | None:
    y = int(m["y"])
    if not 1600 <= y <= 2099:
        return None
    prev = prev_word(text, m.start()).lower()
    nxt = next_word(text, m.end())
    if prev in lx.YEAR_BAD_PREV or nxt.lower() in lx.YEAR_BAD_NEXT or _IN_THE_YEAR.match(text, m.end()):
        return None  # "davon 2000 im Jahr 2011": a count of things in a year
    good_prev = prev in lx.YEAR_GOOD_PREV_DE or prev in lx.YEAR_GOOD_PREV_EN or prev in lx.MONTHS_DE
    if prev in lx.DETERMINERS_EN and y >= 1900 and _is_en(text, m.start()):
        good_prev = True  # "the 2000 Olympics", "its 1990 budget" (counts were rejected above)
    good_prev = good_prev or m["y2"] is not None  # "2013/14": a season or school year is a year in any context
    if not good_prev and (y < 1900 or not nxt or nxt[:1].isupper() or nxt[:1].isdigit()):
        # "2000 Menschen", "2000 Sitze" — only years with a date-like left context or a verb/punct after
        after = text[m.end() : m.end() + 3].lstrip(" ")
        if not (after[:1] in ".,;:()!?\"“”'–—\n" and after) or y < 1900:
            return None
    return cand(m, "DATE", Abs(y, None, None), prio=6)


# "2009-2010", "1957-58", "2003/2004": two years, as TimeML tags a range (two DATEs); "2019/20" (a season or a
# school year) stays one
@rule(
    r"(?<![\w.,/:\-€$])(?P<y>(?:1[6-9]|20)\d\d)(?:(?P<sep>[-–])(?P<y2>(?:1[6-9]|20)\d\d|\d\d)|/(?P<y3>(?:1[6-9]|20)\d\d))"
    r"(?![\d\w%]|[.,:]\d|-\w)",
    "de",
    "en",
    on=("yrange",),
    window=(0, 8),
)
def year_range(m: re.Match[str], text: str) -> list[Cand] | None:
    y1 = int(m["y"])
    y2s = m["y2"] or m["y3"]
    g2 = "y2" if m["y2"] else "y3"
    y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
    if len(y2s) == 2 and y2 <= y1:
        y2 += 100  # "1999-00"
    if not 0 < y2 - y1 <= 30:
        return None  # "1990-1200" is a phone number or a score
    if prev_word(text, m.start()).lower() in lx.YEAR_BAD_PREV or next_word(text, m.end()).lower() in lx.YEAR_BAD_NEXT:
        return None
    first = Cand(m.start("y"), m.end("y"), "DATE", Abs(y1, None, None), 3)
    second = Cand(m.start(g2), m.end(g2), "DATE", Abs(y2, None, None), 3)
    return [first, second]


@rule(
    rf"{B}(?:(?P<art>die|den|der)\s+)?(?P<c>1[5-9]|20)?(?P<d>\d)0er(?:[- ]?Jahren?|[- ]?Jahre|n)?{E}",
    "de",
    on=("digit",),
    window=(10, 16),
)
def de_decade(m: re.Match[str], text: str) -> Cand | None:
    if not m["c"] and "Jahre" not in m[0] and not (m["art"] and m[0].endswith("ern")):
        return None  # "den 80ern" is a decade, "80er" alone may be a bus line or a birthday
    c = m["c"] or "19"
    start = m.start("c") if m["c"] else m.start("d")
    return Cand(start, m.end(), "DATE", Lit(f"{c}{m['d']}"), 3)


@rule(
    rf"{B}(?:(?P<art>die|den|der)\s+)?(?P<w>(?i:{lx.alt(lx.DECADE_WORDS_DE)}))(?:[- ]?[Jj]ahren?|[- ]?[Jj]ahre|n)?{E}",
    "de",
    on=("decadeword",),
    window=(10, 16),
)
def de_decade_words(m: re.Match[str], text: str) -> Cand | None:
    """ "die Achtzigerjahre", "in den Neunzigern", "die siebziger Jahre": a decade of the last century."""
    if m[0].lower().endswith(m["w"].lower()):
        return None  # "Achtziger" alone may be a person in their eighties
    return Cand(m.start("w"), m.end(), "DATE", Lit(f"19{lx.DECADE_WORDS_DE[m['w'].lower()]}"), 3)


@rule(
    rf"(?<![\w'’])(?:the\s+)?(?:(?P<mod>{MOD_EN})[\s-]*)?(?:(?P<c>1[5-9]|20)(?P<d>\d)0['’]?s|['’](?P<d2>\d)0s)(?!\w)",
    "en",
    on=("digit",),
    window=(30, 8),
)
def en_decade(m: re.Match[str], text: str) -> Cand | None:
    return cand(m, "DATE", Lit(f"{m['c'] or '19'}{m['d'] or m['d2']}", mod_en(m["mod"])), prio=3)


_ORD_EN = r"(?P<n>1\d|20|21|[1-9])(?:st|nd|rd|th)|(?P<w>" + lx.alt(lx.CENTURY_ORDINALS_EN) + ")"


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?:des\s+)?)?(?P<n>1\d|20|21|[1-9])\.\s+"
    rf"(?P<u>Jahrhunderts?|Jahrtausends?){E}",
    "de",
    on=("unit",),
    window=(30, 16),
)
def de_century(m: re.Match[str], text: str) -> Cand | None:
    n = int(m["n"]) - 1
    value = f"{n:02d}" if m["u"].startswith("Jahrh") else f"{n:01d}"
    return cand(m, "DATE", Lit(value, mod_de(m["mod"])), prio=3)


@rule(
    rf"(?<!\w)(?:(?P<mod>{MOD_EN})[\s-]*)?(?:the\s+)?(?:{_ORD_EN})[\s-]+century(?!\w)",
    "en",
    on=("unit",),
    window=(40, 12),
)
def en_century(m: re.Match[str], text: str) -> Cand | None:
    n = int(m["n"]) if m["n"] else lx.CENTURY_ORDINALS_EN[m["w"].lower()]
    return cand(m, "DATE", Lit(f"{n - 1:02d}", mod_en(m["mod"])), prio=3)


# "this fiscal year", "the current fiscal year", "fiscal 1989", "das laufende Geschäftsjahr"
@rule(
    r"(?<!\w)(?:(?P<rel>(?i:this|the\s+current|current|next|last|the\s+latest|the\s+previous|the\s+past))\s+)?"
    rf"(?i:fiscal)(?:\s+year(?!\w)|\s+(?P<y>{Y4})(?!\d))",
    "en",
    on=("fiscal",),
    window=(20, 12),
)
def en_fiscal(m: re.Match[str], text: str) -> Cand | None:
    if m["y"]:
        return cand(m, "DATE", Abs(int(m["y"]), None, None), prio=3)
    if not m["rel"]:
        return None  # "the fiscal year ended Jan. 31" is a span of the company's, not a date we can place
    rel = " ".join(m["rel"].lower().split())
    off = -1 if rel in ("last", "the latest", "the previous", "the past") else 1 if rel == "next" else 0
    return cand(m, "DATE", FiscalYear(off), prio=3)


@rule(
    rf"{B}(?:(?P<art>das|im|dem|des)\s+)?(?P<rel>(?:[Ll]aufend|[Vv]ergangen|[Ll]etzt|[Kk]ommend|[Nn]ächst|"
    rf"[Vv]orig|[Ll]aufend)(?:e|en|er|es|em))\s+(?P<u>Geschäftsjahr|Wirtschaftsjahr|Haushaltsjahr)(?:es|s)?{E}",
    "de",
    on=("fiscal",),
    window=(30, 12),
)
def de_fiscal(m: re.Match[str], text: str) -> Cand | None:
    off = rel_offset(m["rel"])
    if off is None:
        return None
    return cand(m, "DATE", FiscalYear(off), group="rel", end_group=0, prio=3)


# -- seasons, quarters, halves -------------------------------------------------------------------------------------


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?:des\s+|der\s+)?)?"
    rf"(?:(?P<pre>(?:dies|letzt|vergangen|kommend|nächst|vorig)(?:e|en|er|es|em))\s+)?(?P<s>{SEASON_DE}){E}"
    rf"(?:\s+(?P<y>{Y4})(?!\d)|\s+{REL_YEAR_DE})?",
    "de",
    on=("season",),
    window=(50, 40),
)
def de_season(m: re.Match[str], text: str) -> Cand | None:
    if not (m["mod"] or m["pre"] or m["y"] or m["rel"]):
        prev = prev_word(text, m.start()).lower()
        if prev not in ("im", "vom", "zum", "seit", "ab", "bis", "über", "den", "diesen"):
            return None
    s = m["s"].lower().rstrip("s")
    code = next(v for k, v in lx.SEASONS_DE.items() if s.startswith(k[:5]))
    yoff = rel_offset(m["pre"]) if m["pre"] else rel_offset(m["rel"])
    return cand(m, "DATE", Season(year(m["y"]), code, mod_de(m["mod"]), yoff), prio=3)


@rule(
    r"(?<!\w)(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of))[\s-]*)?"
    r"(?:(?P<pre>(?i:last|next|this|coming|past|the))\s+)?(?P<s>spring|summer|autumn|fall|winter)(?!\w)"
    rf"(?:\s+(?:of\s+)?(?P<y>{Y4})(?!\d))?",
    "en",
    on=("season",),
    window=(50, 20),
)
def en_season(m: re.Match[str], text: str) -> Cand | None:
    if not (m["mod"] or m["pre"] or m["y"]):
        prev = prev_word(text, m.start()).lower()
        if prev not in ("in", "during", "since", "until", "by", "over", "through") or m["s"] == "fall":
            return None
    if m["s"] == "fall" and not (m["pre"] or m["y"]):
        return None
    pre = (m["pre"] or "").lower()
    yoff = rel_offset(pre) if pre and pre != "the" else None
    return cand(m, "DATE", Season(year(m["y"]), lx.SEASONS_EN[m["s"]], mod_en(m["mod"]), yoff), prio=3)


@rule(
    rf"{B}(?:(?P<art>das|dem|des|der)\s+)?(?P<ord>(?:erst|zweit|dritt|viert|letzt)(?:e|en|es|er)|[1-4]\.)\s+"
    rf"(?P<u>Quartal(?:s|es)?|Jahreshälfte|Halbjahr(?:es|s)?){E}(?:\s+(?P<y>{Y4})(?!\d)|\s+{REL_YEAR_DE})?",
    "de",
    on=("quarter",),
    window=(40, 40),
)
def de_quarter(m: re.Match[str], text: str) -> Cand | None:
    o = m["ord"].lower()
    n = int(o[0]) if o[0].isdigit() else {"ers": 1, "zwe": 2, "dri": 3, "vie": 4, "let": -1}[o[:3]]
    half = not m["u"].startswith("Quartal")
    return quarter_cand(m, n, half, m["y"], rel_offset(m["rel"]))


@rule(
    r"(?<!\w)(?:the\s+)?(?:(?P<yq>(?:1[0-9]|20)\d\d)\s+|(?P<relq>(?i:this|next|last))\s+year['’]s\s+)?"
    r"(?:(?i:fiscal)[\s-]+)?(?P<ord>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))[\s-]+"
    rf"(?P<u>(?i:quarter|half))(?!\w)(?:\s+of\s+(?:the\s+year|(?P<y>{Y4})(?!\d))|\s+(?P<y2>{Y4})(?!\d))?",
    "en",
    on=("quarter",),
    window=(60, 30),
)
def en_quarter(m: re.Match[str], text: str) -> Cand | None:
    n = lx.ORDINALS_EN[m["ord"].lower()]
    half = m["u"].lower() == "half"
    if m["ord"].lower() in ("final", "last") and half:
        n = 2
    yoff = rel_offset(m["relq"]) if m["relq"] else None  # "next year's first quarter"
    return quarter_cand(m, n, half, m["y"] or m["y2"] or m["yq"], yoff)


# "the quarter", "that quarter", "the latest quarter": the quarter the report is about
@rule(
    r"(?<!\w)(?P<det>(?i:the|that|this|the\s+latest|the\s+current|the\s+recent|the\s+same|the\s+most\s+recent|"
    r"the\s+just-ended|the\s+just\s+ended))\s+(?:(?P<y>(?:19|20)\d\d)\s+(?:quarter|period)|quarter)(?![\w-])"
    r"(?!\s+(?:of|century|point|percent|share|stake))",
    "en",
    on=("quarter",),
    window=(30, 30),
)
def en_quarter_ref(m: re.Match[str], text: str) -> Cand:
    det = " ".join(m["det"].lower().split())
    if m["y"]:
        return cand(m, "DATE", QuarterRef(-1, int(m["y"])), prio=3)
    return cand(m, "DATE", QuarterRef(0 if det in ("this", "the current") else -1), prio=4)


@rule(
    rf"(?<![\w-])(?:Q(?P<q>[1-4])|(?P<h>H[12]))(?:\s*/?\s*(?P<y>{Y4})(?!\d)|/(?P<y2>\d\d)(?!\d))?(?![\w-])",
    "de",
    "en",
    on=("qh",),
    window=(2, 12),
)
def q_abbrev(m: re.Match[str], text: str) -> Cand | None:
    if m["h"]:
        return quarter_cand(m, int(m["h"][1]), True, m["y"] or m["y2"], None)
    return quarter_cand(m, int(m["q"]), False, m["y"] or m["y2"], None)


def quarter_cand(m: re.Match[str], n: int, half: bool, y: str | None, yoff: int | None) -> Cand | None:
    if n == -1:
        n = 2 if half else 4
    if not 1 <= n <= (2 if half else 4):
        return None
    yr = year(y)
    if yr == -1:
        return None
    return cand(m, "DATE", Quarter(yr, n, half, yoff), prio=3)


_TENS = lx.alt(k for k, v in lx.YEAR_WORDS_EN.items() if v >= 20)
_TEENS = lx.alt(k for k, v in lx.YEAR_WORDS_EN.items() if v < 20)
_DIGITS = lx.alt(lx.DIGIT_WORDS_EN)


@rule(
    rf"(?<!\w)(?:(?P<yr>the\s+year)\s+)?(?:(?P<c>(?i:nineteen|eighteen))[\s-]+(?P<t>(?i:{_TENS}|{_TEENS}))"
    rf"(?:[\s-]+(?P<u>(?i:{_DIGITS})))?|(?P<k>(?i:two\s+thousand))(?:[\s-]+(?:and[\s-]+)?(?P<u2>(?i:{_DIGITS})))?)(?!\w)",
    "en",
    on=("yearword",),
    window=(12, 40),
)
def en_year_words(m: re.Match[str], text: str) -> Cand | None:
    """Years read out in transcripts: "nineteen ninety-six", "the year two thousand"."""
    if m["k"]:
        if not m["yr"] and not m["u2"]:
            return None  # "two thousand troops"
        y = 2000 + (lx.DIGIT_WORDS_EN[m["u2"].lower()] if m["u2"] else 0)
    else:
        tens = lx.YEAR_WORDS_EN[m["t"].lower()]
        if m["u"] and tens < 20:
            return None
        y = lx.YEAR_WORDS_EN[m["c"].lower()] * 100 + tens + (lx.DIGIT_WORDS_EN[m["u"].lower()] if m["u"] else 0)
    return cand(m, "DATE", Abs(y, None, None), prio=3)


@rule(
    rf"(?<!\w)(?:the\s+)?(?:(?P<mod>{MOD_EN})[\s-]*)?(?P<w>(?i:{lx.alt(lx.DECADE_WORDS_EN)}))(?!\w)",
    "en",
    on=("yearword",),
    window=(30, 4),
)
def en_decade_words(m: re.Match[str], text: str) -> Cand | None:
    """ "the nineties", "the late sixties": the decade of the last century (news before 2030 at least)."""
    if not m[0].lower().startswith(("the", "early", "late", "mid")):
        return None  # "in his sixties" is an age
    if prev_word(text, m.start()).lower() in ("his", "her", "their", "my", "your", "our"):
        return None
    return cand(m, "DATE", Lit(f"19{lx.DECADE_WORDS_EN[m['w'].lower()]}", mod_en(m["mod"])), prio=3)


@rule(
    r"(?<!\w)(?P<w>(?:(?i:by|at|since|until|before|after|around|near|toward|towards)\s+)?"
    r"(?:(?i:the)\s+)?(?i:year)(?:-|\s+|['’]s\s+)(?i:end))(?!\w)",
    "en",
    on=("unit",),
    window=(30, 8),
)
def en_year_end(m: re.Match[str], text: str) -> Cand:
    """ "by year-end", "since year end", "by the year's end": the end of the anchor's year (or the last one's)."""
    words = m["w"].split()
    start = m.start() if words[0].lower() in ("the", "year") else m.start() + len(words[0]) + 1
    since = words[0].lower() == "since"
    return Cand(start, m.end(), "DATE", RelUnit("Y", -1 if since else 0, "END"), 3)
