"""Years and longer: "im Jahr 1998", "seit 2015", year ranges ("2009-2010", "1957-58"), decades ("80er Jahre",
"the late 1970s", "die Achtzigerjahre"), centuries, fiscal years, spelled-out years and year-end."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    MOD_EN,
    Y4,
    B,
    E,
    cand,
    mod_de,
    mod_en,
    next_word,
    prev_word,
    rel_offset,
    rule,
    year,
)
from newsdigest.extract.temporal.payloads import Abs, Cand, FiscalYear, Lit, RelUnit

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
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?=der\s))?(?:(?P<art>die|den|der)\s+)?(?P<c>1[5-9]|20)?(?P<d>\d)0er"
    rf"(?:[- ]?Jahren?|[- ]?Jahre|n)?{E}",
    "de",
    on=("digit",),
    window=(24, 16),
)
def de_decade(m: re.Match[str], text: str) -> Cand | None:
    if not m["c"] and "Jahre" not in m[0] and not (m["art"] and m[0].endswith("ern")):
        return None  # "den 80ern" is a decade, "80er" alone may be a bus line or a birthday
    c = m["c"] or "19"
    start = m.start("mod") if m["mod"] else m.start("c") if m["c"] else m.start("d")
    return Cand(start, m.end(), "DATE", Lit(f"{c}{m['d']}", mod_de(m["mod"])), 3)


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?=der\s))?(?:(?P<art>die|den|der)\s+)?"
    rf"(?P<w>(?i:{lx.alt(lx.DECADE_WORDS_DE)}))(?:[- ]?[Jj]ahren?|[- ]?[Jj]ahre|n)?{E}",
    "de",
    on=("decadeword",),
    window=(24, 16),
)
def de_decade_words(m: re.Match[str], text: str) -> Cand | None:
    """ "die Achtzigerjahre", "in den Neunzigern", "die siebziger Jahre": a decade of the last century."""
    if m[0].lower().endswith(m["w"].lower()):
        return None  # "Achtziger" alone may be a person in their eighties
    start = m.start("mod") if m["mod"] else m.start("w")
    return Cand(start, m.end(), "DATE", Lit(f"19{lx.DECADE_WORDS_DE[m['w'].lower()]}", mod_de(m["mod"])), 3)


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
    """ "by year-end", "since year end", "by the year's end": the last day of the anchor's year (or the last one's)."""
    words = m["w"].split()
    start = m.start() if words[0].lower() in ("the", "year") else m.start() + len(words[0]) + 1
    since = words[0].lower() == "since"
    return Cand(start, m.end(), "DATE", RelUnit("YE", -1 if since else 0), 3)
