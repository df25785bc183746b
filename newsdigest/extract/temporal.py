"""TIMEX3 temporal tagger for German and English news (TempEval-3 / KRAUTS conventions).

`tag(text, lang=..., anchor=...)` finds dates, times, durations and sets and normalises them against the
publication date. It is pure, never raises and runs in time linear in the text: each rule is one precompiled
regex without nested quantifiers, matched once over the text; candidates are then chosen longest-first without
overlap and resolved left to right (so a clock time can borrow the day named just before it).

Underspecified expressions (a day without a year, a weekday, "last week") take their year and week from the
anchor and from the tense of their sentence; without an anchor they keep X placeholders ("XXXX-09-15").
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsdigest.extract import temporal_lex as lx
from newsdigest.extract.types import Timex

__all__ = ["tag"]

Fields = dict[str, Any]


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    type: str
    kind: str
    f: Fields = field(default_factory=dict)
    prio: int = 5


Handler = Callable[[re.Match[str], str], "Iterable[_Cand] | _Cand | None"]

# ---------------------------------------------------------------------------------------------------------------
# Shared building blocks
# ---------------------------------------------------------------------------------------------------------------

_B = r"(?<![\w])"  # left word boundary that also works before umlauts and digits
_E = r"(?![\w])"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_Y4 = r"(?:1[0-9]|20|21)\d\d"
_MON_DE = lx.alt_cap(k for k in lx.MONTHS_DE if not k.endswith("."))
_MON_DE_ABBR = lx.alt_cap(k for k in lx.MONTHS_DE if k.endswith("."))
_MON_EN_FULL = lx.alt_cap(k for k in lx.MONTHS_EN if len(k) > 4 or k in {"may", "june", "july"})
_MON_EN_ABBR = lx.alt_cap(k for k in lx.MONTHS_EN if not k.endswith(".") and len(k) <= 4 and k not in {"may"})
_WD_DE = lx.alt_cap(lx.WEEKDAYS_DE)
_WD_EN = lx.alt_cap(lx.WEEKDAYS_EN)
_NUM_DE = "(?i:" + lx.alt(lx.NUMBERS_DE) + ")"
_NUM_EN = "(?i:" + lx.alt(lx.NUMBERS_EN) + ")"
_UNIT_DE = lx.alt_cap(lx.UNITS_DE)
_UNIT_EN = lx.alt(lx.UNITS_EN)
_INFL = r"(?:e|en|er|es|em)?"
_SEASON_DE = r"(?:Frühjahr|Frühling|Sommer|Herbst|Winter)(?:s|es)?"

_NEXT_WORD = re.compile(r"\s*([\w]+)")


def _prev_word(text: str, pos: int) -> str:
    parts = text[max(0, pos - 40) : pos].rstrip(" ,\t\n").rsplit(None, 1)
    return parts[-1].lstrip("([\"'„“»«") if parts else ""


def _next_word(text: str, pos: int) -> str:
    m = _NEXT_WORD.match(text, pos, min(len(text), pos + 40))
    return m.group(1) if m else ""


def _month_of(word: str) -> int:
    w = word.lower()
    return lx.MONTHS_DE.get(w) or lx.MONTHS_DE.get(w + ".") or lx.MONTHS_EN.get(w) or lx.MONTHS_EN[w.rstrip(".")]


def _num(word: str, table: dict[str, float | None]) -> float | None:
    w = " ".join(word.lower().split())
    if w in table:
        return table[w]
    return float(w.replace(",", "."))


def _dur_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration value: P2Y, PT3H, PXD, P1.5Y -> P18M."""
    if unit == "2W":
        n, unit = (2 * n if n is not None else None), "W"
    if unit == "Q":
        n, unit = (3 * n if n is not None else None), "M"
    if n is not None and n != int(n):  # fractional: step down one unit where possible
        down = {"Y": (12, "M"), "M": (None, None), "W": (7, "D"), "D": (24, "H"), "H": (60, "MIN")}
        mul, du = down.get(unit, (None, None))
        if mul is not None and du is not None:
            n, unit = n * mul, du
    q = "X" if n is None else str(int(n)) if n == int(n) else str(n)
    if unit in ("H", "MIN", "S"):
        return f"PT{q}{'M' if unit == 'MIN' else unit}"
    return f"P{q}{unit}"


def _cand(
    mt: re.Match[str],
    typ: str,
    kind: str,
    /,
    group: int | str = 0,
    end_group: int | str | None = None,
    prio: int = 5,
    **f: Any,
) -> _Cand:
    start = mt.start(group)
    end = mt.end(end_group if end_group is not None else group)
    return _Cand(start, end, typ, kind, f, prio)


def _first_group_start(m: re.Match[str], names: Iterable[str]) -> int:
    for n in names:
        if m.group(n) is not None:
            return m.start(n)
    return m.start()


# ---------------------------------------------------------------------------------------------------------------
# Rules. Each rule is (regex, handler); a handler turns a match into candidates or rejects it (None).
# ---------------------------------------------------------------------------------------------------------------

_RULES: dict[str, list[tuple[re.Pattern[str], Handler]]] = {"de": [], "en": []}


def _rule(pattern: str, *langs: str) -> Callable[[Handler], Handler]:
    rx = re.compile(pattern)

    def deco(fn: Handler) -> Handler:
        for lang in langs:
            _RULES[lang].append((rx, fn))
        return fn

    return deco


def _year(s: str | None) -> int | None:
    if not s:
        return None
    y = int(s)
    if y < 100:
        return 2000 + y if y < 50 else 1900 + y
    return y if 1000 <= y <= 2199 else -1


def _abs(
    m: re.Match[str],
    *,
    d: int | None,
    mon: int,
    y: str | None,
    prio: int = 3,
    mod: str | None = None,
    group: int | str = 0,
) -> _Cand | None:
    yr = _year(y)
    if yr == -1 or not 1 <= mon <= 12:
        return None
    if d is not None:
        dt.date(yr or 2000, mon, d)  # ValueError on 31 February etc.; caught by the caller
    return _cand(
        m, "DATE", "abs", group=group, prio=prio, y=yr, m=mon, d=d, mod=mod, gran="day" if d is not None else "month"
    )


# -- explicit day dates -------------------------------------------------------------------------------------------


@_rule(
    rf"{_B}(?:(?P<wd>{_WD_DE})\s*,?\s+(?:(?:den|dem)\s+)?)?(?<![\d.])(?P<d>{_DAY})\.\s*"
    rf"(?P<mon>{_MON_DE}{_E}|{_MON_DE_ABBR})(?:\s+(?P<y>{_Y4})(?!\d))?",
    "de",
)
def _de_day_month(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=_month_of(m["mon"]), y=m["y"], prio=2)


@_rule(
    rf"(?<![\d.,])(?P<d>{_DAY})\.(?=(?:\s*(?:und|bis|oder|u\.|[-–/,])\s*(?:zum\s+)?{_DAY}\.)+\s*"
    rf"(?P<mon>{_MON_DE}{_E}|{_MON_DE_ABBR})(?:\s+(?P<y>{_Y4})(?!\d))?)",
    "de",
)
def _de_day_list(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=_month_of(m["mon"]), y=m["y"], prio=2)


@_rule(
    rf"(?<![\d.,])(?P<d>{_DAY})\.\s?"
    rf"(?P<m>1[0-2]|0?[1-9])\.\s?(?P<y>(?:19|20)\d\d)(?![\d])",
    "de",
)
def _de_numeric_y4(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=1)


@_rule(rf"(?<![\d.,])(?P<d>{_DAY})\.(?P<m>1[0-2]|0?[1-9])\.(?P<y>\d\d)?(?![\d]|\.\d|\s*Uhr)", "de")
def _de_numeric_short(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=2)


@_rule(r"(?<![\d.\-])(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d])", "de", "en")
def _iso(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=1)


@_rule(r"(?<![\d/.])(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>(?:19|20)\d\d)(?![\d/])", "en")
def _en_us_numeric(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=int(m["m"]), y=m["y"], prio=1)


# "September 15th", "Sept. 15, 2020", "Tuesday, Nov. 12" — English order; in German text only with st/nd/rd/th or year
@_rule(
    rf"{_B}(?:(?P<wd>{_WD_EN}|{_WD_DE})\s*,?\s+)?(?P<mon>{_MON_EN_FULL}|{_MON_EN_ABBR})\.?\s+(?P<d>{_DAY})"
    rf"(?P<suf>st|nd|rd|th)?(?![\d\w.,]\d)(?!\w)(?:,?\s+(?P<y>{_Y4})(?!\d))?",
    "de",
    "en",
)
def _month_day(m: re.Match[str], text: str) -> _Cand | None:
    mon = m["mon"].lower()
    if mon.rstrip(".") not in lx.MONTHS_EN and mon not in lx.MONTHS_DE:
        return None
    german = _month_in_de(m["mon"])
    if german and not (m["suf"] or m["y"]):
        return None
    if not german and not (m["suf"] or m["y"]) and mon.rstrip(".") not in lx.MONTHS_EN:
        return None
    nxt = _next_word(text, m.end())
    if not m["y"] and nxt.lower() in ("percent", "prozent", "million", "billion", "people", "menschen", "euro"):
        return None
    return _abs(m, d=int(m["d"]), mon=_month_of(m["mon"].rstrip(".")), y=m["y"], prio=2)


def _month_in_de(word: str) -> bool:
    """True when `word` is only a German month name (so English order needs an ordinal suffix there)."""
    return word.lower() in lx.MONTHS_DE and word.lower() not in lx.MONTHS_EN


# "15th of September", "15 September 2020", "Friday, 13 March"
@_rule(
    rf"{_B}(?:(?P<wd>{_WD_EN})\s*,?\s+)?(?:the\s+)?(?<![\d.,])(?P<d>{_DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<mon>{_MON_EN_FULL}|{_MON_EN_ABBR})\.?{_E}(?:,?\s+(?P<y>{_Y4})(?!\d))?",
    "en",
)
def _en_day_month(m: re.Match[str], text: str) -> _Cand | None:
    return _abs(m, d=int(m["d"]), mon=_month_of(m["mon"].rstrip(".")), y=m["y"], prio=2)


# -- months, with modifiers and years ---------------------------------------------------------------------------

_MODS_DE = {"anfang": "START", "beginn": "START", "ende": "END", "ausgang": "END", "mitte": "MID"}
_MODS_EN = {"early": "START", "the beginning of": "START", "the start of": "START", "mid": "MID",
            "the middle of": "MID", "late": "END", "the end of": "END"}  # fmt: skip
_TEMPORAL_PREV_DE = frozenset(
    [
        "im",
        "in",
        "seit",
        "bis",
        "ab",
        "vom",
        "zum",
        "von",
        "anfang",
        "ende",
        "mitte",
        "beginn",
        "monat",
        "monats",
        "des",
        "über",
        "nach",
        "vor",
        "für",
        "zwischen",
        "und",
        "oder",
        "bzw.",
        "spätestens",
        "frühestens",
        "noch",
        "schon",
        "bereits",
        "erst",
        "zum",
        "letzten",
        "nächsten",
        "kommenden",
        "vergangenen",
        "diesen",
        "dieses",
    ]
)
_TEMPORAL_PREV_EN = frozenset(
    [
        "in",
        "since",
        "until",
        "till",
        "by",
        "from",
        "through",
        "during",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "of",
        "last",
        "next",
        "this",
        "each",
        "every",
        "and",
        "or",
        "to",
        "between",
        "throughout",
        "around",
        "beginning",
        "end",
        "start",
        "middle",
    ]
)
_REL_YEAR = r"(?P<rel>dies|nächst|kommend|letzt|vergangen|vorig|laufend|folgend)(?:e|en|er|es|em)\s+Jahres"


@_rule(
    rf"{_B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn|Ausgang)\s+(?:des\s+Monats\s+)?)?(?P<mon>{_MON_DE}){_E}"
    rf"(?:\s+(?P<y>{_Y4})(?![\d])|\s+{_REL_YEAR}|\s+des\s+(?P<rel2>Vorjahres|Folgejahres))?",
    "de",
)
def _de_month(m: re.Match[str], text: str) -> _Cand | None:
    if not (m["mod"] or m["y"] or m["rel"] or m["rel2"]):
        prev = _prev_word(text, m.start()).lower()
        nxt = _next_word(text, m.end())
        if prev not in _TEMPORAL_PREV_DE and (nxt[:1].isupper() or (m["mon"] == "August" and not prev)):
            return None
    c = _abs(m, d=None, mon=_month_of(m["mon"]), y=m["y"], prio=4, mod=_MODS_DE.get((m["mod"] or "").lower()))
    if c is not None:
        c.f["yoff"] = _rel_offset(m["rel"] or m["rel2"])
    return c


@_rule(
    rf"{_B}(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of))"
    rf"[\s-]*)?(?P<mon>{_MON_EN_FULL}){_E}(?:,?\s+(?:of\s+)?(?P<y>{_Y4})(?![\d]))?",
    "en",
)
def _en_month(m: re.Match[str], text: str) -> _Cand | None:
    if not (m["mod"] or m["y"]):
        prev = _prev_word(text, m.start()).lower()
        nxt = _next_word(text, m.end())
        if m["mon"].lower() in lx.AMBIGUOUS_MONTHS_EN and (prev not in _TEMPORAL_PREV_EN or nxt[:1].isupper()):
            return None
        if prev[:1].isupper() and prev not in ("In", "Since", "Until", "By", "From", "During"):
            return None  # "Theresa May", "Rev. August Smith"
    mod = _MODS_EN.get(" ".join((m["mod"] or "").lower().split()))
    return _abs(m, d=None, mon=_month_of(m["mon"]), y=m["y"], prio=4, mod=mod)


def _rel_offset(word: str | None) -> int | None:
    if not word:
        return None
    w = word.lower()
    if w.startswith(("dies", "laufend", "this", "current", "heur")):
        return 0
    if w.startswith(
        ("nächst", "kommend", "folgend", "folgejahr", "next", "coming", "following", "upcoming", "darauffolgend")
    ):
        return 1
    if w.startswith(("letzt", "vergangen", "vorig", "vorjahr", "last", "previous", "past")):
        return -1
    return None


# -- years, decades, centuries -----------------------------------------------------------------------------------


@_rule(
    rf"{_B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+|(?P<jahr>Jahre?s?)\s+)(?P<y>{_Y4})(?![\d]|\.\d|,\d)",
    "de",
)
def _de_year_ctx(m: re.Match[str], text: str) -> _Cand | None:
    y = _year(m["y"])
    if y is None or y < 0:
        return None
    return _cand(m, "DATE", "abs", prio=3, y=y, m=None, d=None, mod=_MODS_DE.get((m["mod"] or "").lower()), gran="year")


@_rule(
    rf"{_B}(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of))"
    rf"[\s-]*|(?P<jahr>(?i:the\s+year))\s+)(?P<y>{_Y4})(?![\d]|\.\d|,\d)",
    "en",
)
def _en_year_ctx(m: re.Match[str], text: str) -> _Cand | None:
    y = _year(m["y"])
    if y is None or y < 0:
        return None
    mod = _MODS_EN.get(" ".join((m["mod"] or "").lower().split()))
    start = m.start("jahr") + 4 if m["jahr"] else m.start()
    start = m.start("jahr") if m["jahr"] else start
    return _Cand(start, m.end(), "DATE", "abs", {"y": y, "m": None, "d": None, "mod": mod, "gran": "year"}, 3)


_YEAR_BAD_NEXT = frozenset(
    [
        "euro",
        "eur",
        "dollar",
        "usd",
        "franken",
        "prozent",
        "%",
        "mio",
        "millionen",
        "mrd",
        "milliarden",
        "meter",
        "km",
        "kilometer",
        "kg",
        "tonnen",
        "punkte",
        "stück",
        "menschen",
        "personen",
        "einwohner",
        "mitglieder",
        "besucher",
        "teilnehmer",
        "mal",
        "hektar",
        "quadratmeter",
        "stimmen",
        "percent",
        "million",
        "billion",
        "people",
        "members",
        "votes",
        "points",
        "times",
        "miles",
        "feet",
        "acres",
        "tons",
    ]
)
_YEAR_BAD_PREV = frozenset(
    [
        "rund",
        "etwa",
        "über",
        "unter",
        "ca.",
        "ca",
        "fast",
        "knapp",
        "mindestens",
        "insgesamt",
        "mit",
        "nr.",
        "nr",
        "nummer",
        "artikel",
        "art.",
        "seite",
        "platz",
        "tel.",
        "tel",
        "plz",
        "€",
        "$",
        "around",
        "about",
        "over",
        "under",
        "nearly",
        "almost",
        "some",
        "least",
        "than",
        "no.",
        "number",
        "page",
    ]
)
_YEAR_GOOD_PREV_DE = frozenset(
    [
        "im",
        "in",
        "seit",
        "bis",
        "ab",
        "vor",
        "nach",
        "zwischen",
        "und",
        "oder",
        "bzw.",
        "jahr",
        "jahre",
        "jahres",
        "jahrgang",
        "anfang",
        "ende",
        "mitte",
        "beginn",
        "frühjahr",
        "frühling",
        "sommer",
        "herbst",
        "winter",
        "saison",
        "spielzeit",
        "von",
        "zum",
        "vom",
        "des",
        "um",
        "gegen",
        "spätestens",
    ]
)
_YEAR_GOOD_PREV_EN = frozenset(
    [
        "in",
        "since",
        "until",
        "till",
        "by",
        "from",
        "through",
        "during",
        "before",
        "after",
        "of",
        "and",
        "or",
        "to",
        "between",
        "early",
        "late",
        "mid",
        "year",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
        "season",
        "around",
        "circa",
    ]
)


@_rule(r"(?<![\w.,/:\-€$])(?P<y>(?:1[6-9]|20)\d\d)(?P<y2>/\s?\d\d(?!\d))?(?![\d\w%]|[.,:]\d|-\w|\s*%)", "de", "en")
def _bare_year(m: re.Match[str], text: str) -> _Cand | None:
    y = int(m["y"])
    if not 1600 <= y <= 2099:
        return None
    prev = _prev_word(text, m.start()).lower()
    nxt = _next_word(text, m.end())
    if prev in _YEAR_BAD_PREV or nxt.lower() in _YEAR_BAD_NEXT:
        return None
    good_prev = prev in _YEAR_GOOD_PREV_DE or prev in _YEAR_GOOD_PREV_EN or prev.lower() in lx.MONTHS_DE
    if not good_prev and (y < 1900 or not nxt or nxt[:1].isupper() or nxt[:1].isdigit()):
        # "2000 Menschen", "2000 Sitze" — only years with a date-like left context or a verb/punct after
        after = text[m.end() : m.end() + 2]
        if not (after[:1] in ".,;:)!?\"“”'" or after[:1] == "\n") or y < 1900:
            return None
    return _cand(m, "DATE", "abs", prio=6, y=y, m=None, d=None, mod=None, gran="year")


@_rule(
    rf"{_B}(?:(?P<art>die|den|der)\s+)?(?P<c>1[5-9]|20)?(?P<d>\d)0er(?:[- ]?Jahren?|[- ]?Jahre)?{_E}",
    "de",
)
def _de_decade(m: re.Match[str], text: str) -> _Cand | None:
    if not m["c"] and not re.search(r"Jahre", m[0]):
        return None
    c = m["c"] or "19"
    start = m.start("c") if m["c"] else m.start("d")
    return _Cand(start, m.end(), "DATE", "lit", {"value": f"{c}{m['d']}"}, 3)


@_rule(r"(?<![\w'’])(?:the\s+)?(?:(?P<c>1[5-9]|20)(?P<d>\d)0s|['’](?P<d2>\d)0s)(?!\w)", "en")
def _en_decade(m: re.Match[str], text: str) -> _Cand | None:
    return _cand(m, "DATE", "lit", prio=3, value=f"{m['c'] or '19'}{m['d'] or m['d2']}")


@_rule(rf"{_B}(?P<n>1\d|20|21|[1-9])\.\s+Jahrhunderts?{_E}", "de")
def _de_century(m: re.Match[str], text: str) -> _Cand | None:
    return _cand(m, "DATE", "lit", prio=3, value=f"{int(m['n']) - 1:02d}")


@_rule(r"(?<!\w)(?:the\s+)?(?P<n>1\d|20|21|[1-9])(?:st|nd|rd|th)\s+century(?!\w)", "en")
def _en_century(m: re.Match[str], text: str) -> _Cand | None:
    return _cand(m, "DATE", "lit", prio=3, value=f"{int(m['n']) - 1:02d}")


# -- seasons, quarters, halves -------------------------------------------------------------------------------------


@_rule(
    rf"{_B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?:des\s+|der\s+)?)?"
    rf"(?:(?P<pre>(?:dies|letzt|vergangen|kommend|nächst|vorig)(?:e|en|er|es|em))\s+)?(?P<s>{_SEASON_DE}){_E}"
    rf"(?:\s+(?P<y>{_Y4})(?!\d)|\s+{_REL_YEAR})?",
    "de",
)
def _de_season(m: re.Match[str], text: str) -> _Cand | None:
    if not (m["mod"] or m["pre"] or m["y"] or m["rel"]):
        prev = _prev_word(text, m.start()).lower()
        if prev not in ("im", "vom", "zum", "seit", "ab", "bis", "über", "den", "diesen", "im"):
            return None
    s = m["s"].lower().rstrip("s")
    code = next(v for k, v in lx.SEASONS_DE.items() if s.startswith(k[:5]))
    c = _cand(m, "DATE", "season", prio=3, y=_year(m["y"]), s=code, mod=_MODS_DE.get((m["mod"] or "").lower()))
    c.f["yoff"] = _rel_offset(m["pre"]) if m["pre"] else _rel_offset(m["rel"])
    return c


@_rule(
    r"(?<!\w)(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of))[\s-]*)?"
    r"(?:(?P<pre>(?i:last|next|this|coming|past|the))\s+)?(?P<s>spring|summer|autumn|fall|winter)(?!\w)"
    rf"(?:\s+(?:of\s+)?(?P<y>{_Y4})(?!\d))?",
    "en",
)
def _en_season(m: re.Match[str], text: str) -> _Cand | None:
    if not (m["mod"] or m["pre"] or m["y"]):
        prev = _prev_word(text, m.start()).lower()
        if prev not in ("in", "during", "since", "until", "by", "over", "through") or m["s"] == "fall":
            return None
    if m["s"] == "fall" and not (m["pre"] or m["y"]):
        return None
    pre = (m["pre"] or "").lower()
    mod = _MODS_EN.get(" ".join((m["mod"] or "").lower().split()))
    c = _cand(m, "DATE", "season", prio=3, y=_year(m["y"]), s=lx.SEASONS_EN[m["s"]], mod=mod)
    c.f["yoff"] = _rel_offset(pre) if pre and pre != "the" else None
    return c


@_rule(
    rf"{_B}(?:(?P<art>das|dem|des|der)\s+)?(?P<ord>(?:erst|zweit|dritt|viert|letzt)(?:e|en|es|er)|[1-4]\.)\s+"
    rf"(?P<u>Quartal(?:s|es)?|Jahreshälfte|Halbjahr(?:es|s)?){_E}(?:\s+(?P<y>{_Y4})(?!\d)|\s+{_REL_YEAR})?",
    "de",
)
def _de_quarter(m: re.Match[str], text: str) -> _Cand | None:
    o = m["ord"].lower()
    n = int(o[0]) if o[0].isdigit() else {"ers": 1, "zwe": 2, "dri": 3, "vie": 4, "let": -1}[o[:3]]
    half = not m["u"].startswith("Quartal")
    return _quarter_cand(m, n, half, m["y"], _rel_offset(m["rel"]))


@_rule(
    r"(?<!\w)(?:the\s+)?(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]+(?P<u>quarter|half)"
    rf"(?!\w)(?:\s+of\s+(?:the\s+year|(?P<y>{_Y4})(?!\d))|\s+(?P<y2>{_Y4})(?!\d))?",
    "en",
)
def _en_quarter(m: re.Match[str], text: str) -> _Cand | None:
    n = lx.ORDINALS_EN[m["ord"].lower()]
    if m["ord"].lower() in ("final", "last") and m["u"] == "half":
        n = 2
    return _quarter_cand(m, n, m["u"] == "half", m["y"] or m["y2"], None)


@_rule(
    rf"(?<![\w-])(?:Q(?P<q>[1-4])|(?P<h>H[12]))(?:\s*/?\s*(?P<y>{_Y4})(?!\d)|/(?P<y2>\d\d)(?!\d))?(?![\w-])", "de", "en"
)
def _q_abbrev(m: re.Match[str], text: str) -> _Cand | None:
    if m["h"]:
        return _quarter_cand(m, int(m["h"][1]), True, m["y"] or m["y2"], None)
    return _quarter_cand(m, int(m["q"]), False, m["y"] or m["y2"], None)


def _quarter_cand(m: re.Match[str], n: int, half: bool, y: str | None, yoff: int | None) -> _Cand | None:
    if n == -1:
        n = 2 if half else 4
    if not 1 <= n <= (2 if half else 4):
        return None
    yr = _year(y)
    if yr == -1:
        return None
    return _cand(m, "DATE", "quarter", prio=3, y=yr, q=n, half=half, yoff=yoff)


# -- relative units: "letzte Woche", "nächstes Jahr", "Ende des Jahres", "last month" ---------------------------

_REL_DE = (
    r"(?:[Ll]etzt|[Vv]ergangen|[Vv]orig|[Kk]ommend|[Nn]ächst|[Dd]ies|[Ll]aufend|[Dd]arauffolgend|[Ff]olgend|[Hh]eurig)"
)


@_rule(
    rf"{_B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+)?(?:(?P<art>der|die|das|den|dem|des)\s+)?"
    rf"(?P<rel>{_REL_DE}{_INFL})\s+"
    rf"(?P<unit>Woche|Wochenende|Monats?|Jahr(?:es|s)?|Quartals?|Tag(?:es|s)?|Jahrzehnts?|Jahrhunderts?"
    rf"|Wochen|Monaten?|Jahren?|Tagen?|Jahrzehnten?){_E}",
    "de",
)
def _de_rel_unit(m: re.Match[str], text: str) -> _Cand | None:
    off = _rel_offset(m["rel"])
    if off is None:
        return None
    unit = lx.UNITS_DE[m["unit"].lower()]
    start = m.start("mod") if m["mod"] else (m.start("art") if m["art"] else m.start("rel"))
    plural = m["unit"] in ("Wochen", "Monate", "Monaten", "Jahre", "Jahren", "Tage", "Tagen", "Jahrzehnten")
    if plural:
        if m["mod"] or off == 0:
            return None
        return _Cand(start, m.end(), "DURATION", "lit", {"value": _dur_value(None, unit)}, 4)
    if unit == "D" and off == 0:
        return None  # "diesen Tag" is anaphoric, not today
    mod = _MODS_DE.get((m["mod"] or "").lower())
    return _Cand(start, m.end(), "DATE", "relunit", {"unit": unit, "off": off, "mod": mod}, 3)


@_rule(
    rf"{_B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?:des|der)\s+(?P<unit>Jahres|Monats|Woche)|"
    rf"(?P<w>[Hh]euer|Vorjahr(?:es|s)?|Vormonat(?:s)?|Vorwoche|Vortag(?:es|s)?|Folgetag(?:es|s)?|"
    rf"Folgejahr(?:es|s)?)){_E}",
    "de",
)
def _de_rel_special(m: re.Match[str], text: str) -> _Cand | None:
    if m["mod"]:
        unit = {"Jahres": "Y", "Monats": "M", "Woche": "W"}[m["unit"]]
        nxt = _next_word(text, m.end())
        if nxt[:1].isdigit() or nxt in ("der", "des", "dieses", "seines", "ihres", "eines"):
            return None  # "Ende des Jahres 2019" is caught elsewhere; "Ende der Woche der ..." is vague
        return _cand(m, "DATE", "relunit", prio=4, unit=unit, off=0, mod=_MODS_DE[m["mod"].lower()])
    w = m["w"].lower()
    unit, off = {
        "heu": ("Y", 0),
        "vorj": ("Y", -1),
        "vorm": ("M", -1),
        "vorw": ("W", -1),
        "vort": ("D", -1),
        "folget": ("D", 1),
        "folgej": ("Y", 1),
    }[w[:3] if w.startswith("heu") else w[:4] if w.startswith("vor") else w[:7]]
    return _cand(m, "DATE", "relunit", prio=4, unit=unit, off=off, mod=None)


@_rule(
    r"(?<!\w)(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of))"
    r"[\s-]*)?(?P<rel>(?i:last|next|this|coming|previous|current|following|upcoming|past))\s+"
    r"(?P<unit>week|weekend|month|year|quarter|decade|century)(?!\w)",
    "en",
)
def _en_rel_unit(m: re.Match[str], text: str) -> _Cand | None:
    unit = lx.UNITS_EN[m["unit"]]
    if m["rel"].lower() == "past":
        return _cand(m, "DURATION", "lit", prio=4, value=_dur_value(1, unit))
    off = _rel_offset(m["rel"])
    mod = _MODS_EN.get(" ".join((m["mod"] or "").lower().split()))
    return _cand(m, "DATE", "relunit", prio=3, unit=unit, off=off, mod=mod)


@_rule(
    r"(?<!\w)(?P<mod>(?i:the\s+end|the\s+beginning|the\s+start|the\s+middle))\s+of\s+(?P<rel>(?i:the|this|next|last))\s+"
    r"(?P<unit>week|month|year|quarter)(?!\w)",
    "en",
)
def _en_end_of(m: re.Match[str], text: str) -> _Cand | None:
    rel = m["rel"].lower()
    off = 0 if rel in ("the", "this") else (1 if rel == "next" else -1)
    mod = _MODS_EN[" ".join(m["mod"].lower().split()) + " of"]
    return _cand(m, "DATE", "relunit", prio=3, unit=lx.UNITS_EN[m["unit"]], off=off, mod=mod)


@_rule(r"(?<!\w)(?P<w>[Tt]his\s+time\s+last\s+year|a\s+year\s+earlier|the\s+previous\s+year)(?!\w)", "en")
def _en_rel_misc(m: re.Match[str], text: str) -> _Cand | None:
    return _cand(m, "DATE", "relunit", prio=3, unit="Y", off=-1, mod=None)


@_rule(
    r"(?<!\w)(?i:am|übers|vom|zum|dieses|diesem|an\s+diesem|an\s+einem)\s+(?P<w>Wochenende)(?!\w)"
    r"|(?<!\w)(?:(?P<art>der|die|den)\s+)?(?P<ord>ersten|zweiten|dritten|vierten|fünften)\s+Woche(?!\w)",
    "de",
)
def _de_weekend_week(m: re.Match[str], text: str) -> _Cand | None:
    if m["w"]:
        return _cand(m, "DATE", "weekend", group="w", prio=4)
    n = {"ers": 1, "zwe": 2, "dri": 3, "vie": 4, "fün": 5}[m["ord"][:3]]
    if _next_word(text, m.end()) in ("des", "im", "vom", "nach", "seit", "der"):
        return None  # "in der ersten Woche nach der Wahl": counted from an event we do not resolve
    return _cand(m, "DATE", "ordweek", prio=4, n=n)


# -- durations ---------------------------------------------------------------------------------------------------


@_rule(
    rf"{_B}(?:(?P<art>den|die|der|dem)\s+(?P<rel>letzten|vergangenen|kommenden|nächsten|ersten|folgenden|"
    rf"zurückliegenden)\s+)?(?P<num>{_NUM_DE}|\d+(?:,\d+)?)\s+(?P<unit>{_UNIT_DE}){_E}",
    "de",
)
def _de_duration(m: re.Match[str], text: str) -> _Cand | None:
    n = _num(m["num"], lx.NUMBERS_DE)
    unit = lx.UNITS_DE[m["unit"].lower()]
    if n is not None and n > 10000:
        return None
    if unit == "Y" and m["num"][0].isdigit() and _prev_word(text, m.start()).lower() in ("ab", "unter", "über"):
        return None  # an age limit: "ab 16 Jahren"
    if m["num"].lower() in ("lange", "langen") and unit not in ("Y", "M", "W", "DE"):
        return None
    return _cand(m, "DURATION", "lit", prio=4, value=_dur_value(n, unit))


@_rule(
    rf"{_B}(?P<num>\d+(?:,\d+)?|{_NUM_DE})(?P<h>-|\s)?(?P<adj>{lx.alt(lx.ADJ_UNITS_DE)})(?:e|en|er|es|em)?{_E}",
    "de",
)
def _de_dur_adj(m: re.Match[str], text: str) -> _Cand | None:
    if m["num"][0].isdigit() and m["h"] != "-":
        return None
    n = _num(m["num"], lx.NUMBERS_DE)
    if n is None:
        return None
    return _cand(m, "DURATION", "lit", prio=4, value=_dur_value(n, lx.ADJ_UNITS_DE[m["adj"].lower()]))


@_rule(r"(?<![\w.,])(?P<num>\d{1,3})-(?P<unit>Tage|Stunden|Wochen|Monats|Jahres|Minuten)(?=-|\s|$|[.,;:!?)])", "de")
def _de_dur_compound(m: re.Match[str], text: str) -> _Cand | None:
    unit = {"Tage": "D", "Stunden": "H", "Wochen": "W", "Monats": "M", "Jahres": "Y", "Minuten": "MIN"}[m["unit"]]
    return _cand(m, "DURATION", "lit", prio=4, value=_dur_value(int(m["num"]), unit))


@_rule(
    r"(?<!\w)(?:(?P<pre>(?i:seit|vor|nach|für|über|in))\s+(?P<u>Jahren|Monaten|Wochen|Tagen|Stunden|Jahrzehnten)"
    r"|(?P<lang>(?i:jahre|monate|wochen|tage|stunden|jahrzehnte)lang))(?!\w)",
    "de",
)
def _de_dur_vague(m: re.Match[str], text: str) -> _Cand | None:
    if m["u"]:
        unit = lx.UNITS_DE[m["u"].lower()]
        return _cand(m, "DURATION", "lit", group="u", prio=6, value=_dur_value(None, unit))
    stem = m["lang"].lower()[:-4]
    unit = {"jahre": "Y", "monate": "M", "wochen": "W", "tage": "D", "stunden": "H", "jahrzehnte": "DE"}[stem]
    return _cand(m, "DURATION", "lit", prio=6, value=_dur_value(None, unit))


@_rule(
    r"(?<!\w)(?P<w>(?i:eine|einer|die|der)\s+halbe[nr]?\s+Stunde|(?i:ein|einem|eines)\s+halbe[ns]?\s+Jahr(?:es)?)"
    r"(?!\w)",
    "de",
)
def _de_dur_half(m: re.Match[str], text: str) -> _Cand | None:
    return _cand(m, "DURATION", "lit", prio=4, value="PT30M" if m["w"].endswith("Stunde") else "P6M")


@_rule(
    rf"(?<!\w)(?:(?P<rel>(?i:the\s+(?:last|past|next|coming|first|previous|following)|last|past|next|another|"
    rf"the))\s+)?(?P<num>{_NUM_EN}|\d+(?:\.\d+)?)(?P<h>[\s-]+)(?P<unit>{_UNIT_EN})(?!\w)"
    r"(?P<old>-old)?(?:\s+(?P<ago>ago|earlier|before|later|from\s+now))?",
    "en",
)
def _en_duration(m: re.Match[str], text: str) -> _Cand | None:
    n = _num(m["num"], lx.NUMBERS_EN)
    unit = lx.UNITS_EN[m["unit"].lower()]
    if n is not None and n > 10000:
        return None
    if m["ago"] and m["ago"] == "ago" and m["rel"] is None:
        return _cand(m, "DATE", "ago", prio=3, unit=unit, n=n)
    start = m.start("num") if (m["rel"] or "").strip().lower() == "the" else m.start()
    end = m.end("old") if m["old"] else m.end("unit")
    return _Cand(start, end, "DURATION", "lit", {"value": _dur_value(n, unit)}, 4)


@_rule(
    r"(?<!\w)(?i:for|over|in)\s+(?P<u>years|months|weeks|days|decades|hours)(?!\w)|"
    r"(?<!\w)(?P<u2>recent\s+(?:years|months|weeks|days|decades))(?!\w)",
    "en",
)
def _en_dur_vague(m: re.Match[str], text: str) -> _Cand | None:
    g = "u" if m["u"] else "u2"
    unit = lx.UNITS_EN[m[g].split()[-1]]
    return _cand(m, "DURATION", "lit", group=g, prio=6, value=_dur_value(None, unit))


# -- weekdays and relative days ----------------------------------------------------------------------------------


@_rule(
    rf"{_B}(?:(?P<rel>(?:[Vv]ergangen|[Ll]etzt|[Vv]orig|[Kk]ommend|[Nn]ächst|[Dd]ies|[Ff]olgend){_INFL})\s+|"
    rf"(?P<rx>(?:[Hh]eutig|[Mm]orgig|[Gg]estrig){_INFL})\s+)?(?P<wd>{_WD_DE})"
    rf"(?P<part>morgen|vormittag|mittag|nachmittag|abend|nacht)?{_E}"
    rf"(?:\s+(?P<part2>[Mm]orgen|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht){_E})?",
    "de",
)
def _de_weekday(m: re.Match[str], text: str) -> _Cand | None:
    wd = lx.WEEKDAYS_DE[m["wd"].lower()]
    part = m["part"] or m["part2"]
    rel = None
    if m["rx"]:
        rel = {"heu": "today", "mor": "tomorrow", "ges": "yesterday"}[m["rx"][:3].lower()]
    elif m["rel"]:
        off = _rel_offset(m["rel"])
        rel = {0: "this", 1: "future", -1: "past"}.get(off) if off is not None else None
    start = m.start("wd") if m["rx"] else m.start()
    code = lx.DAYPARTS_DE[part.lower()] if part else None
    return _Cand(start, m.end(), "TIME" if code else "DATE", "weekday", {"wd": wd, "rel": rel, "part": code}, 3)


@_rule(
    rf"(?<!\w)(?:(?P<rel>(?i:last|next|this|coming|past|previous))\s+)?(?P<wd>{_WD_EN})(?!\w)"
    r"(?:\s+(?P<part>morning|afternoon|evening|night)(?!\w))?",
    "en",
)
def _en_weekday(m: re.Match[str], text: str) -> _Cand | None:
    wd = lx.WEEKDAYS_EN[m["wd"].lower()]
    off = _rel_offset(m["rel"])
    rel = {0: "this", 1: "future", -1: "past"}.get(off) if off is not None else None
    code = lx.DAYPARTS_EN[m["part"]] if m["part"] else None
    return _cand(m, "TIME" if code else "DATE", "weekday", prio=3, wd=wd, rel=rel, part=code)


_RELDAY_DE = {"heute": 0, "gestern": -1, "vorgestern": -2, "übermorgen": 2, "morgen": 1}


@_rule(
    r"(?<![\w])(?P<w>[Hh]eute|[Gg]estern|[Vv]orgestern|[Üü]bermorgen|[Mm]orgen)(?![\w])"
    r"(?:\s+(?P<part>[Mm]orgen|früh|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht)(?![\w]))?",
    "de",
)
def _de_relday(m: re.Match[str], text: str) -> _Cand | None:
    off = _RELDAY_DE[m["w"].lower()]
    code = lx.DAYPARTS_DE[m["part"].lower()] if m["part"] else None
    if m["w"] == "morgen" and _prev_word(text, m.start()).lower() in ("guten", "den", "am", "jeden", "heute"):
        return None
    if m["w"] == "Morgen":  # the noun "morning" unless it opens a sentence before a verb: "Morgen wird ..."
        before = text[max(0, m.start() - 3) : m.start()].rstrip(' \t"„“»')
        if (before and before[-1] not in ".!?:\n") or not _next_word(text, m.end())[:1].islower() or m["part"]:
            return None
    return _cand(m, "TIME" if code else "DATE", "relday", prio=3, off=off, part=code)


_RELDAY_EN = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}


@_rule(
    r"(?<!\w)(?:(?P<w>[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]onight)(?:\s+(?P<part>morning|afternoon|evening|night)"
    r"(?!\w))?|(?P<rel>[Tt]his|[Ll]ast)\s+(?P<part2>morning|afternoon|evening|night)"
    r"|(?P<dby>the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)))(?!\w)",
    "en",
)
def _en_relday(m: re.Match[str], text: str) -> _Cand | None:
    if m["dby"]:
        return _cand(m, "DATE", "relday", prio=3, off=-2 if "before" in m["dby"] else 2, part=None)
    if m["rel"]:
        part = lx.DAYPARTS_EN[m["part2"]]
        off = -1 if m["rel"].lower() == "last" and part == "NI" else 0
        if m["rel"].lower() == "last" and part != "NI":
            return None
        return _cand(m, "TIME", "relday", prio=3, off=off, part=part)
    w = m["w"].lower()
    code = "NI" if w == "tonight" else (lx.DAYPARTS_EN[m["part"]] if m["part"] else None)
    return _cand(m, "TIME" if code else "DATE", "relday", prio=3, off=_RELDAY_EN[w], part=code)


@_rule(
    r"(?<!\w)(?i:am|in\s+der|gegen|im\s+Laufe\s+des|in\s+den)\s+(?:(?P<adj>frühen|späten)\s+)?"
    r"(?P<part>Morgen|Vormittag|Mittag|Nachmittag|Abend|Nacht|Morgenstunden|Abendstunden)(?!\w)",
    "de",
)
def _de_daypart(m: re.Match[str], text: str) -> _Cand | None:
    part = m["part"].lower().replace("stunden", "")
    nxt = _next_word(text, m.end())
    if nxt in ("des", "zuvor", "danach", "darauf", "nach", "vor"):
        return None
    g = "adj" if m["adj"] else "part"
    return _cand(m, "TIME", "daypart", group=g, end_group="part", prio=5, part=lx.DAYPARTS_DE[part])


# -- clock times -------------------------------------------------------------------------------------------------

_DP_ADV_DE = r"morgens|früh|vormittags|mittags|nachmittags|abends|nachts"


@_rule(
    rf"(?<![\d.,:])(?P<h>2[0-4]|[01]?\d)(?:[.:](?P<mi>[0-5]\d))?\s*Uhr{_E}(?:\s+(?P<dp>{_DP_ADV_DE}){_E})?",
    "de",
)
def _de_clock(m: re.Match[str], text: str) -> _Cand | None:
    return _time_cand(m, int(m["h"]), int(m["mi"] or 0), m["dp"])


@_rule(
    r"(?<![\d.,:])(?P<h>2[0-4]|[01]?\d)(?:[.:](?P<mi>[0-5]\d))?(?=\s*(?:[-–]|bis)\s*(?:2[0-4]|[01]?\d)"
    r"(?:[.:][0-5]\d)?\s*Uhr(?!\w))",
    "de",
)
def _de_clock_range(m: re.Match[str], text: str) -> _Cand | None:
    return _time_cand(m, int(m["h"]), int(m["mi"] or 0), None)


@_rule(
    r"(?<!\w)(?i:um|ab|gegen|bis|von|zwischen)\s+(?P<h>2[0-3]|[01]?\d)[.:](?P<mi>[0-5]\d)(?![\d.,]\d|\s*[%€$])",
    "de",
)
def _de_clock_bare(m: re.Match[str], text: str) -> _Cand | None:
    nxt = _next_word(text, m.end())
    if nxt[:1].isupper() or nxt.lower() in _YEAR_BAD_NEXT:
        return None
    return _time_cand(m, int(m["h"]), int(m["mi"]), None, group="h", end_group="mi")


def _time_cand(
    m: re.Match[str], h: int, mi: int, dp: str | None, group: int | str = 0, end_group: int | str | None = None
) -> _Cand | None:
    if dp and dp.lower() in ("nachmittags", "abends") and h < 12:
        h += 12
    if dp and dp.lower() == "nachts" and 7 <= h < 12:
        h += 12
    if h > 24 or (h == 24 and mi):
        return None
    return _cand(m, "TIME", "clock", group=group, end_group=end_group, prio=3, h=h, mi=mi)


@_rule(
    r"(?<![\w.:])(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]m|[AP]M|[AP]\.M\.)(?![\w])"
    r"|(?<![\w.:])(?P<h2>1[0-2]|0?[1-9])\s+o['’]clock(?!\w)",
    "en",
)
def _en_clock_ampm(m: re.Match[str], text: str) -> _Cand | None:
    if m["h2"]:
        return _time_cand(m, int(m["h2"]), 0, None)
    h = int(m["h"]) % 12
    if m["ap"].lower().startswith("p"):
        h += 12
    return _time_cand(m, h, int(m["mi"] or 0), None)


@_rule(
    r"(?<!\w)(?i:at|from|until|till|by|before|after|around|to)\s+(?:(?P<h>2[0-3]|[01]?\d):(?P<mi>[0-5]\d)(?![\d:])"
    r"|(?P<w>noon|midday|midnight))(?!\w)",
    "en",
)
def _en_clock_24(m: re.Match[str], text: str) -> _Cand | None:
    if m["w"]:
        h = 24 if m["w"] == "midnight" else 12
        return _time_cand(m, h, 0, None, group="w")
    return _time_cand(m, int(m["h"]), int(m["mi"]), None, group="h", end_group="mi")


# -- sets --------------------------------------------------------------------------------------------------------


@_rule(
    rf"(?<!\w)(?i:jede[nmrs]?)\s+(?:(?P<ord>(?:erst|zweit|dritt|viert|letzt){_INFL})\s+)?"
    rf"(?P<u>{_WD_DE}|Tag|Woche|Wochenende|Monat|Jahr|Quartal|Morgen|Abend|Nacht|Stunde|Minute|Sommer|Winter)"
    rf"(?!\w)(?:\s+(?:im|des)\s+(?P<per>Monats?|Jahr(?:es)?))?",
    "de",
)
def _de_set_every(m: re.Match[str], text: str) -> _Cand | None:
    return _every(m, m["u"].lower(), bool(m["ord"]), m["per"], lx.WEEKDAYS_DE)


@_rule(
    rf"(?<!\w)(?i:every|each)\s+(?:(?P<ord>first|second|third|fourth|last|other)\s+)?"
    rf"(?P<u>{_WD_EN}|day|week|weekend|month|year|quarter|morning|evening|night|hour|minute|summer|winter)"
    r"(?!\w)(?:\s+of\s+the\s+(?P<per>month|year))?",
    "en",
)
def _en_set_every(m: re.Match[str], text: str) -> _Cand | None:
    if m["ord"] == "other":
        unit = lx.UNITS_EN.get(m["u"].lower())
        return _cand(m, "SET", "lit", prio=3, value=_dur_value(2, unit) if unit else "P2W")
    return _every(m, m["u"].lower(), bool(m["ord"]), m["per"], lx.WEEKDAYS_EN)


def _every(m: re.Match[str], u: str, ordinal: bool, per: str | None, weekdays: dict[str, int]) -> _Cand:
    if u in weekdays:
        value = (
            ("P1M" if (per or "").lower().startswith(("mon", "month")) else "P1Y")
            if ordinal and per
            else (f"XXXX-WXX-{weekdays[u] + 1}")
        )
        return _cand(m, "SET", "lit", prio=3, value=value)
    table = {"tag": "P1D", "day": "P1D", "woche": "P1W", "week": "P1W", "wochenende": "XXXX-WXX-WE",
             "weekend": "XXXX-WXX-WE", "monat": "P1M", "month": "P1M", "jahr": "P1Y", "year": "P1Y",
             "quartal": "P3M", "quarter": "P3M", "morgen": "XXXX-XX-XXTMO", "morning": "XXXX-XX-XXTMO",
             "abend": "XXXX-XX-XXTEV", "evening": "XXXX-XX-XXTEV", "nacht": "XXXX-XX-XXTNI",
             "night": "XXXX-XX-XXTNI", "stunde": "PT1H", "hour": "PT1H", "minute": "PT1M",
             "sommer": "XXXX-SU", "summer": "XXXX-SU", "winter": "XXXX-WI"}  # fmt: skip
    return _cand(m, "SET", "lit", prio=3, value=table[u])


@_rule(rf"(?<![\w-])(?P<w>(?i:{lx.alt(lx.SETS_DE)}))(?:e|en|er|es|em)?{_E}", "de")
def _de_set_adv(m: re.Match[str], text: str) -> _Cand | None:
    return _cand(m, "SET", "lit", prio=5, value=lx.SETS_DE[m["w"].lower()])


@_rule(
    r"(?<![\w-])(?P<wd>(?:[Mm]ontag|[Dd]ienstag|[Mm]ittwoch|[Dd]onnerstag|[Ff]reitag|[Ss]amstag|[Ss]onntag)"
    r"|[Ss]onnabend)s(?!\w)",
    "de",
)
def _de_set_weekday(m: re.Match[str], text: str) -> _Cand | None:
    if m["wd"][0].isupper() and _prev_word(text, m.start()).lower() in ("des", "eines", "jeden"):
        return None
    return _cand(m, "SET", "lit", prio=5, value=f"XXXX-WXX-{lx.WEEKDAYS_DE[m['wd'].lower()] + 1}")


@_rule(rf"(?<!\w)(?P<w>(?i:{lx.alt(lx.SETS_EN)}))(?!\w)|(?<!\w)(?:on\s+)(?P<wd>{_WD_EN})s(?!\w)", "en")
def _en_set_adv(m: re.Match[str], text: str) -> _Cand | None:
    if m["wd"]:
        return _cand(
            m, "SET", "lit", group="wd", end_group=0, prio=5, value=f"XXXX-WXX-{lx.WEEKDAYS_EN[m['wd'].lower()] + 1}"
        )
    return _cand(m, "SET", "lit", prio=5, value=lx.SETS_EN[m["w"].lower()])


_PER_UNIT = {"tag": "P1D", "day": "P1D", "woche": "P1W", "week": "P1W", "monat": "P1M", "month": "P1M", "jahr": "P1Y",
             "year": "P1Y", "stunde": "PT1H", "hour": "PT1H", "quartal": "P3M", "quarter": "P3M"}  # fmt: skip


@_rule(
    r"(?<!\w)(?:(?P<times>(?i:ein|zwei|drei|vier|fünf|zehn|mehr|\d+)mal|(?i:ein|zwei|drei|vier|fünf|zehn|\d+)\s+Mal)\s+)?"
    r"(?:pro|je|im|in\s+der|am)\s+(?P<u>Tag|Woche|Monat|Jahr|Stunde|Quartal)(?!\w)",
    "de",
)
def _de_set_per(m: re.Match[str], text: str) -> _Cand | None:
    pre = m[0].split()[0].lower() if not m["times"] else ""
    if not m["times"] and pre not in ("pro", "je"):
        return None  # "im Jahr" alone is a date context, not a frequency
    return _cand(m, "SET", "lit", prio=4, value=_PER_UNIT[m["u"].lower()])


_MONEY_WORDS = frozenset(["million", "billion", "trillion", "dollars", "euros", "pounds", "%"])


@_rule(
    r"(?<!\w)(?:(?P<times>once|twice|thrice|(?:\w+|\d+)\s+times)\s+)?(?P<per>a|an|per|each)\s+"
    r"(?P<u>day|week|month|year|hour|quarter)(?!\w)",
    "en",
)
def _en_set_per(m: re.Match[str], text: str) -> _Cand | None:
    if not m["times"]:
        prev = _prev_word(text, m.start()).lower()
        money = prev.lstrip("$€£")[:1].isdigit() or prev in _MONEY_WORDS
        if m["per"] != "per" and not money:
            return None  # "for a year" is a duration
        if not money and m["per"] == "per":
            return _cand(m, "SET", "lit", prio=4, value=_PER_UNIT[m["u"]])
        return _cand(m, "SET", "lit", group="per", end_group=0, prio=2, value=_PER_UNIT[m["u"]])
    return _cand(m, "SET", "lit", prio=2, value=_PER_UNIT[m["u"]])


# -- PRESENT_REF / PAST_REF / FUTURE_REF -------------------------------------------------------------------------


@_rule(
    rf"(?<![\w-])(?P<w>(?i:{lx.alt(lx.REFS_DE)}))(?![\w-])|(?<![\w-])(?P<ex>Ex)-(?=\w)"
    r"|(?<!\w)(?P<eh>[Ee]hemalig(?:e|en|er|es|em)?)(?!\w)",
    "de",
)
def _de_ref(m: re.Match[str], text: str) -> _Cand | None:
    if m["ex"]:
        return _cand(m, "DATE", "lit", group="ex", prio=6, value="PAST_REF")
    if m["eh"]:
        return _cand(m, "DATE", "lit", prio=6, value="PAST_REF")
    return _cand(m, "DATE", "lit", prio=6, value=lx.REFS_DE[" ".join(m["w"].lower().split())])


@_rule(rf"(?<![\w-])(?P<w>(?i:{lx.alt(lx.REFS_EN)}))(?![\w-])", "en")
def _en_ref(m: re.Match[str], text: str) -> _Cand | None:
    w = " ".join(m["w"].lower().split())
    if w == "once" and _next_word(text, m.end()).lower() in ("again", "more", "a", "the", "you", "it", "they"):
        return None
    return _cand(m, "DATE", "lit", prio=6, value=lx.REFS_EN[w])


# -- holidays ----------------------------------------------------------------------------------------------------


@_rule(rf"(?<!\w)(?P<w>(?i:{lx.alt(lx.HOLIDAYS_DE)}))(?!\w)(?:\s+(?P<y>{_Y4})(?!\d))?", "de")
def _de_holiday(m: re.Match[str], text: str) -> _Cand | None:
    if m["w"][0].islower():
        return None
    kind, a, b = lx.HOLIDAYS_DE[" ".join(m["w"].lower().split())]
    return _cand(m, "DATE", "holiday", prio=3, hk=kind, a=a, b=b, y=_year(m["y"]))


_HOL_EN = lx.alt(w.title().replace("'S", "'s") for w in lx.HOLIDAYS_EN)


@_rule(rf"(?<!\w)(?P<w>{_HOL_EN})(?!\w)(?:,?\s+(?P<y>{_Y4})(?!\d))?", "en")
def _en_holiday(m: re.Match[str], text: str) -> _Cand | None:
    kind, a, b = lx.HOLIDAYS_EN[" ".join(m["w"].lower().split())]
    return _cand(m, "DATE", "holiday", prio=3, hk=kind, a=a, b=b, y=_year(m["y"]))


# ---------------------------------------------------------------------------------------------------------------
# Tense and sentence context
# ---------------------------------------------------------------------------------------------------------------

# Punctuation first, then the look-behinds: the same matches, but the look-behinds run only at . ! ? (5x faster).
_SENT_END = re.compile(
    r"[.!?](?<!\d.)(?<!\b[A-Z].)(?<!Nr.)(?<!Dr.)(?<!St.)(?<!Mr.)(?<!ca.)(?<!bzw.)[.!?]*[\"“”»«']?(?=\s)|\n"
)

_PAST_DE = re.compile(
    r"\b(?:war|waren|wurde|wurden|worden|hatte|hatten|gab|gaben|kam|kamen|ging|gingen|stand|standen|fand|fanden|"
    r"sah|sahen|hieß|zog|zogen|nahm|nahmen|sprach|sprachen|traf|trafen|lag|lagen|starb|starben|gewann|brachte|"
    r"brachten|begann|begannen|blieb|blieben|fiel|fielen|rief|riefen|schrieb|schrieben|stieg|stiegen|trat|traten|"
    r"wies|bat|bot|boten|fuhr|flog|lief|saß|schlug|sagte|sagten|setzte|setzten|stellte|stellten|legte|legten|"
    r"machte|machten|wollte|wollten|musste|mussten|konnte|konnten|durfte|erhielt|erhielten|hielt|hielten|ließ|"
    r"ließen|entschied|beschloss|gelang|geschah|verlor|verloren|zeigte|zeigten|dachte|kannte|nannte|sandte|"
    r"brach|sank|wuchs|galt|lud|zuletzt|bereits|zuvor|damals|kürzlich|jüngst|einst|[a-zäöüß]{2,}(?:ierte|ierten|erte|erten|elte|elten)|"
    r"[a-zäöüß]{3,}(?:[dt]ete|[dt]eten|gte|gten|kte|kten|ßte|ßten|hrte|hrten|llte|llten))\b"
)
_PERFECT_DE = re.compile(
    r"\b(?:hat|haben|habe|hast|ist|sind|bin|sei|seien)\b[^.!?\n]{0,80}?\b(?:[a-zäöü]*ge[a-zäöüß]{2,}(?:t|en)|"
    r"[a-zäöüß]{3,}iert)\b"
)
_FUTURE_DE = re.compile(
    r"\b(?:wird|werden|wirst|werde|soll|sollen|solle|will|wollen|plant|planen|geplant|voraussichtlich|findet|"
    r"finden|stattfinden|beginnt|beginnen|startet|starten|endet|enden|läuft|laufen|bevor|steht|stehen|"
    r"kommende[nmrs]?|nächste[nmrs]?|künftig|folgt|folgen|lädt|laden)\b"
)
_PAST_EN = re.compile(
    r"\b(?:was|were|had|did|said|told|went|came|took|made|gave|got|saw|met|left|won|lost|began|became|held|led|"
    r"fell|rose|spoke|wrote|sold|bought|paid|brought|found|thought|knew|ran|sent|struck|hit|quit|"
    r"[a-z]{2,}[^e\W]ed|[a-z]+ied)\b"
)
_FUTURE_EN = re.compile(
    r"\b(?:will|shall|won't|going\s+to|is\s+to|are\s+to|scheduled|expected|planned|plans?|due|upcoming|"
    r"slated|set\s+to|next|coming|starts|begins|ends|expires)\b|'ll\b"
)
_NEUTRAL_PREV = frozenset(
    ["bis", "spätestens", "zum", "auf", "until", "by", "before", "bevor", "ab", "frühestens", "to"]
)
_PAST_PREV = frozenset(["vom", "seit", "since"])
_TENSE_REACH = 160


class _Ctx:
    def __init__(self, text: str, lang: str, anchor: dt.date | None) -> None:
        self.text = text
        self.lang = lang
        self.anchor = anchor
        self._ends: list[int] | None = None
        self._cues: dict[int, list[tuple[int, str]]] = {}
        self.last_day: tuple[dt.date, int] | None = None  # last day-precision date and its sentence start

    def sentence(self, pos: int) -> tuple[int, int]:
        if self._ends is None:
            self._ends = [m.end() for m in _SENT_END.finditer(self.text)]
        i = bisect.bisect_right(self._ends, pos)
        start = self._ends[i - 1] if i > 0 else 0
        end = self._ends[i] if i < len(self._ends) else len(self.text)
        return start, end

    def tense(self, start: int, end: int) -> str | None:
        """'past' / 'future' / None: the nearest tense cue in the sentence around [start, end)."""
        prev = _prev_word(self.text, start).lower()
        if prev in _NEUTRAL_PREV:
            return None
        if prev in _PAST_PREV and _next_word(self.text, end).lower() not in ("bis", "to", "until"):
            return "past"
        s, e = self.sentence(start)
        # only cues near the expression count; the reach also keeps the cost per expression bounded
        lo, hi = max(s, start - _TENSE_REACH), min(e, end + _TENSE_REACH)
        if e - s <= 4 * _TENSE_REACH:  # ordinary sentence: find its cues once
            cues = self._cues.get(s)
            if cues is None:
                cues = self._cues[s] = self._find_cues(s, e)
        else:
            cues = self._find_cues(lo, hi)
        best: tuple[int, str] | None = None
        for p, t in cues[bisect.bisect_left(cues, (lo, "")) :]:
            if p >= hi:
                break
            if start <= p < end:
                continue
            dist = start - p if p < start else p - end
            if best is None or dist < best[0]:
                best = (dist, t)
        return best[1] if best else None

    def _find_cues(self, s: int, e: int) -> list[tuple[int, str]]:
        past, fut, perf = (_PAST_DE, _FUTURE_DE, _PERFECT_DE) if self.lang == "de" else (_PAST_EN, _FUTURE_EN, None)
        cues = [(m.start(), "future") for m in fut.finditer(self.text, s, e)]
        future_pos = {p for p, _ in cues}
        cues += [(m.start(), "past") for m in past.finditer(self.text, s, e) if m.start() not in future_pos]
        if perf is not None:
            cues += [(m.start(), "past") for m in perf.finditer(self.text, s, e)]
        cues.sort()
        return cues


# ---------------------------------------------------------------------------------------------------------------
# Resolution of candidates to TIMEX3 values
# ---------------------------------------------------------------------------------------------------------------


def _pick_year(
    anchor: dt.date,
    key: Callable[[int], int],
    akey: int,
    tense: str | None,
    slack_past: int,
    slack_future: int,
    ahead_cost: float = 1.25,
) -> int:
    years = (anchor.year - 1, anchor.year, anchor.year + 1)
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


def _day_key(m: int, d: int) -> Callable[[int], int]:
    def key(y: int) -> int:
        try:
            return dt.date(y, m, d).toordinal()
        except ValueError:  # 29 February in a common year
            return dt.date(y, m, 28).toordinal()

    return key


def _week(d: dt.date) -> str:
    iso = d.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def _weekend(a: dt.date, off: int) -> str:
    """The weekend before (off < 0), of this week (0) or after (off > 0) the anchor, as 2020-W31-WE."""
    aw = a.weekday()
    if off < 0:
        sat = a - dt.timedelta(days=(aw - 5) % 7 or 7)
    elif off > 0:
        sat = a + dt.timedelta(days=(5 - aw) % 7 or 7)
    else:
        sat = a + dt.timedelta(days=5 - aw)
    return _week(sat) + "-WE"


def _shift_month(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _resolve(c: _Cand, ctx: _Ctx) -> tuple[str, str | None] | None:
    f = c.f
    a = ctx.anchor
    kind = c.kind
    if kind == "lit":
        return f["value"], f.get("mod")
    if kind == "abs":
        return _resolve_abs(c, ctx)
    if kind == "season" or kind == "quarter":
        y = f.get("y")
        if y is None:
            yoff = f.get("yoff")
            if a is None:
                return (
                    None
                    if yoff not in (None, 0)
                    else (
                        "XXXX-" + (f"{'H' if f.get('half') else 'Q'}{f['q']}" if kind == "quarter" else f["s"]),
                        f.get("mod"),
                    )
                )
            y = a.year + (yoff or 0)
        suffix = f["s"] if kind == "season" else f"{'H' if f['half'] else 'Q'}{f['q']}"
        return f"{y:04d}-{suffix}", f.get("mod")
    if kind == "relday":
        if a is None:
            return ("XXXX-XX-XX" + (f"T{f['part']}" if f["part"] else "")), None
        d = a + dt.timedelta(days=f["off"])
        ctx.last_day = (d, ctx.sentence(c.start)[0])
        return d.isoformat() + (f"T{f['part']}" if f["part"] else ""), None
    if kind == "weekday":
        return _resolve_weekday(c, ctx)
    if kind == "relunit":
        return _resolve_relunit(c, ctx)
    if kind == "weekend":
        if a is None:
            return "XXXX-WXX-WE", None
        off = 1 if ctx.tense(c.start, c.end) == "future" else -1
        return _weekend(a, off), None
    if kind == "ordweek":
        if ctx.last_day is None:
            return "XXXX-WXX", None
        return _week(ctx.last_day[0] + dt.timedelta(weeks=f["n"] - 1)), None
    if kind == "ago":
        return _resolve_ago(c, ctx)
    if kind == "clock":
        day = _context_day(c, ctx)
        hm = f"T{f['h']:02d}:{f['mi']:02d}"
        return (day.isoformat() if day else "XXXX-XX-XX") + hm, None
    if kind == "daypart":
        day = _context_day(c, ctx, previous_sentence=True)
        return (day.isoformat() if day else "XXXX-XX-XX") + f"T{f['part']}", None
    if kind == "holiday":
        y = f.get("y")
        if y is None:
            if a is None:
                if f["hk"] == "fix":
                    return f"XXXX-{f['a']:02d}-{f['b']:02d}", None
                return None
            tense = ctx.tense(c.start, c.end)
            akey = a.toordinal()
            y = _pick_year(a, lambda yy: lx.holiday_date(f["hk"], f["a"], f["b"], yy).toordinal(), akey, tense, 7, 7)
        d = lx.holiday_date(f["hk"], f["a"], f["b"], y)
        ctx.last_day = (d, ctx.sentence(c.start)[0])
        return d.isoformat(), None
    return None


def _resolve_abs(c: _Cand, ctx: _Ctx) -> tuple[str, str | None] | None:
    f = c.f
    a = ctx.anchor
    y, m, d = f["y"], f["m"], f["d"]
    mod = f.get("mod")
    if m is None:
        return f"{y:04d}", mod
    if y is None and f.get("yoff") is not None:
        if a is None:
            return None
        y = a.year + f["yoff"]
    if y is None and a is not None:
        tense = ctx.tense(c.start, c.end)
        if d is not None:
            y = _pick_year(a, _day_key(m, d), a.toordinal(), tense, 90, 7)
        else:
            y = _pick_year(a, lambda yy: yy * 12 + m, a.year * 12 + a.month, tense, 2, 0, ahead_cost=1.5)
    ys = f"{y:04d}" if y is not None else "XXXX"
    if d is None:
        return f"{ys}-{m:02d}", mod
    if y is not None:
        ctx.last_day = (dt.date(y, m, d), ctx.sentence(c.start)[0])
    return f"{ys}-{m:02d}-{d:02d}", mod


def _resolve_weekday(c: _Cand, ctx: _Ctx) -> tuple[str, str | None] | None:
    f = c.f
    a = ctx.anchor
    part = f"T{f['part']}" if f["part"] else ""
    if a is None:
        return f"XXXX-WXX-{f['wd'] + 1}{part}", None
    rel = f["rel"]
    aw = a.weekday()
    if rel == "today":
        d = a
    elif rel == "tomorrow":
        d = a + dt.timedelta(days=1)
    elif rel == "yesterday":
        d = a - dt.timedelta(days=1)
    elif rel == "this":
        d = a + dt.timedelta(days=f["wd"] - aw)
    else:
        tense = rel if rel in ("past", "future") else ctx.tense(c.start, c.end)
        if tense == "future":
            d = a + dt.timedelta(days=(f["wd"] - aw) % 7 or 7)
        else:
            d = a - dt.timedelta(days=(aw - f["wd"]) % 7 or 7)
    ctx.last_day = (d, ctx.sentence(c.start)[0])
    return d.isoformat() + part, None


def _resolve_relunit(c: _Cand, ctx: _Ctx) -> tuple[str, str | None] | None:
    f = c.f
    a = ctx.anchor
    unit, off, mod = f["unit"], f["off"], f.get("mod")
    if a is None:
        under = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "WE": "XXXX-WXX-WE", "M": "XXXX-XX", "Y": "XXXX", "Q": "XXXX-QX",
                 "DE": "XXX", "CE": "XX"}  # fmt: skip
        return under.get(unit, "XXXX"), mod
    if unit == "D":
        d = a + dt.timedelta(days=off)
        ctx.last_day = (d, ctx.sentence(c.start)[0])
        return d.isoformat(), mod
    if unit == "W":
        return _week(a + dt.timedelta(weeks=off)), mod
    if unit == "WE":
        return _weekend(a, off), mod
    if unit == "M":
        y, m = _shift_month(a.year, a.month, off)
        return f"{y:04d}-{m:02d}", mod
    if unit == "Q":
        y, m = _shift_month(a.year, a.month, 3 * off)
        return f"{y:04d}-Q{(m - 1) // 3 + 1}", mod
    if unit == "DE":
        return f"{(a.year // 10 + off):03d}", mod
    if unit == "CE":
        return f"{(a.year // 100 + off):02d}", mod
    return f"{a.year + off:04d}", mod


def _resolve_ago(c: _Cand, ctx: _Ctx) -> tuple[str, str | None] | None:
    f = c.f
    a = ctx.anchor
    n, unit = f["n"], f["unit"]
    if a is None or n is None or n != int(n):
        return "PAST_REF", None
    n = int(n)
    if unit == "D":
        return (a - dt.timedelta(days=n)).isoformat(), None
    if unit == "W":
        return _week(a - dt.timedelta(weeks=n)), None
    if unit == "M":
        y, m = _shift_month(a.year, a.month, -n)
        return f"{y:04d}-{m:02d}", None
    if unit == "Y":
        return f"{a.year - n:04d}", None
    if unit == "DE":
        return f"{(a.year - 10 * n) // 10:03d}", None
    return "PAST_REF", None


def _context_day(c: _Cand, ctx: _Ctx, *, previous_sentence: bool = False) -> dt.date | None:
    """The day a clock time or part of day belongs to: a day named earlier in its sentence, else the anchor.

    A part of day ("am Nachmittag") also takes the day of the previous sentence, the narrative day; clock
    times do not, because listings of events put one item a sentence, each on the publication day.
    """
    if ctx.last_day is not None:
        s = ctx.sentence(c.start)[0]
        if ctx.last_day[1] == s or (previous_sentence and s > 0 and ctx.last_day[1] == ctx.sentence(s - 1)[0]):
            return ctx.last_day[0]
    return ctx.anchor


# ---------------------------------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------------------------------

_RESOLVE_ERRORS = (ValueError, KeyError, IndexError, OverflowError, StopIteration)


def _trie_regex(words: Iterable[str]) -> str:
    """A prefix-factored alternation: every branch starts with a literal, so `re` skips non-starting chars fast."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _both_cases(words: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for w in words:
        if w:
            out |= {w, w[:1].upper() + w[1:], w[:1].lower() + w[1:]}
    return out


def _holiday_words(table: dict[str, tuple[str, int, int]]) -> set[str]:
    return {p for k in table for p in k.split() if len(p) > 3}


# Trigger words by category: a rule runs only in windows around the triggers it needs (see _PLAN).
_TRIGGER_WORDS: dict[str, dict[str, set[str]]] = {
    "de": {
        "month": _both_cases(lx.MONTHS_DE) | _both_cases(k for k in lx.MONTHS_EN if len(k) > 3),
        "wd": _both_cases(lx.WEEKDAYS_DE) | _both_cases(lx.WEEKDAYS_EN),
        "unit": _both_cases(lx.UNITS_DE)
        | {"Jahrhundert"}
        | {u + "lang" for u in ("jahre", "monate", "wochen", "tage", "stunden", "jahrzehnte")},
        "relday": _both_cases(_RELDAY_DE),
        "part": _both_cases(lx.DAYPARTS_DE) | {"Morgenstunden", "Abendstunden"},
        "uhr": {"Uhr"},
        "ref": _both_cases(lx.REFS_DE) | {"Ex-", "ehemalig", "Ehemalig"},
        "set": _both_cases(lx.SETS_DE) | {"jede", "Jede", "JEDE"},
        "season": _both_cases(lx.SEASONS_DE),
        "quarter": {"Quartal", "Halbjahr", "Jahreshälfte"},
        "relx": _both_cases(["heuer", "Vorjahr", "Vormonat", "Vorwoche", "Vortag", "Folgetag", "Folgejahr"]),
        "adj": _both_cases(lx.ADJ_UNITS_DE)
        | {n + a for n in lx.NUMBERS_DE if n.isalpha() and lx.NUMBERS_DE[n] for a in lx.ADJ_UNITS_DE},
        "qh": {"Q1", "Q2", "Q3", "Q4", "H1", "H2"},
        "mod": {"Anfang", "Ende", "Mitte", "Beginn"},
        "holiday": _both_cases(_holiday_words(lx.HOLIDAYS_DE)),
    },
    "en": {
        "month": _both_cases(lx.MONTHS_EN),
        "wd": _both_cases(lx.WEEKDAYS_EN),
        "unit": _both_cases(lx.UNITS_EN),
        "relday": _both_cases(_RELDAY_EN) | {"the day"},
        "part": _both_cases(lx.DAYPARTS_EN),
        "ref": _both_cases(lx.REFS_EN),
        "set": _both_cases(lx.SETS_EN) | _both_cases(["every", "each"]),
        "season": _both_cases(lx.SEASONS_EN),
        "quarter": {"quarter", "half", "Quarter", "Half"},
        "clockw": {"noon", "midday", "midnight"},
        "qh": {"Q1", "Q2", "Q3", "Q4", "H1", "H2"},
        "mod": _both_cases(["early", "late", "mid", "the end", "the beginning", "the start", "the middle", "year"]),
        "holiday": {w.title().replace("'S", "'s") for w in _holiday_words(lx.HOLIDAYS_EN)},
    },
}
_TRIGGER_RX = {
    lang: re.compile(r"(?<!\w)" + _trie_regex({w for ws in cats.values() for w in ws}))
    for lang, cats in _TRIGGER_WORDS.items()
}
_TRIGGER_CATS = {
    lang: {w: tuple(c for c, ws in cats.items() if w in ws) for ws in cats.values() for w in ws}
    for lang, cats in _TRIGGER_WORDS.items()
}
_DIGITS = re.compile(r"\d+")

# rule -> (trigger categories, chars before the trigger, chars after it) that bound any match of the rule
_WINDOWS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "_de_day_month": (("month",), 50, 20), "_de_day_list": (("month",), 80, 20),
    "_de_numeric_y4": (("digit",), 12, 20), "_de_numeric_short": (("digit",), 12, 12), "_iso": (("digit",), 12, 12),
    "_en_us_numeric": (("digit",), 12, 12), "_month_day": (("month",), 40, 30), "_en_day_month": (("month",), 50, 20),
    "_de_month": (("month",), 50, 40), "_en_month": (("month",), 40, 20), "_de_year_ctx": (("unit", "mod"), 4, 16),
    "_en_year_ctx": (("mod",), 4, 30), "_bare_year": (("digit",), 6, 10), "_de_decade": (("digit",), 10, 16),
    "_en_decade": (("digit",), 10, 8), "_de_century": (("unit",), 12, 16), "_en_century": (("unit",), 16, 12),
    "_de_season": (("season",), 50, 40), "_en_season": (("season",), 50, 20), "_de_quarter": (("quarter",), 40, 40),
    "_en_quarter": (("quarter",), 40, 30), "_q_abbrev": (("qh",), 2, 12), "_de_rel_unit": (("unit",), 60, 16),
    "_de_rel_special": (("unit", "relx"), 30, 16), "_en_rel_unit": (("unit",), 50, 12),
    "_en_rel_misc": (("unit",), 30, 12), "_en_end_of": (("unit",), 40, 12), "_de_set_per": (("unit",), 24, 4), "_en_set_per": (("unit",), 24, 4), "_de_weekend_week": (("unit",), 24, 16), "_de_duration": (("unit",), 48, 16), "_de_dur_adj": (("adj",), 30, 12),
    "_de_dur_compound": (("unit",), 8, 10), "_de_dur_vague": (("unit",), 16, 16), "_de_dur_half": (("unit",), 30, 10),
    "_en_duration": (("unit",), 60, 30), "_en_dur_vague": (("unit",), 20, 12), "_de_weekday": (("wd",), 30, 30),
    "_en_weekday": (("wd",), 20, 20), "_de_relday": (("relday",), 4, 20), "_en_relday": (("relday", "part"), 40, 20),
    "_de_daypart": (("part",), 40, 20), "_de_clock": (("uhr",), 12, 20), "_de_clock_range": (("uhr",), 40, 6),
    "_de_clock_bare": (("digit",), 14, 8), "_en_clock_ampm": (("digit",), 4, 12),
    "_en_clock_24": (("digit", "clockw"), 16, 10), "_de_set_every": (("set",), 4, 60), "_en_set_every": (("set",), 4, 50),
    "_de_set_adv": (("set",), 20, 8), "_de_set_weekday": (("wd",), 4, 8), "_en_set_adv": (("set", "wd"), 8, 12),
    "_de_ref": (("ref",), 10, 24), "_en_ref": (("ref",), 10, 30), "_de_holiday": (("holiday",), 40, 40),
    "_en_holiday": (("holiday",), 30, 20),
}  # fmt: skip


def _windows(
    hits: dict[str, list[tuple[int, int]]], cats: tuple[str, ...], left: int, right: int, n: int
) -> list[tuple[int, int]]:
    spans = sorted(s for c in cats for s in hits.get(c, ())) if len(cats) > 1 else hits.get(cats[0], [])
    out: list[tuple[int, int]] = []
    for s, e in spans:
        lo, hi = max(0, s - left), min(n, e + right)
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _candidates(text: str, lang: str) -> list[_Cand]:
    hits: dict[str, list[tuple[int, int]]] = {}
    cats_of = _TRIGGER_CATS[lang]
    for m in _TRIGGER_RX[lang].finditer(text):
        for cat in cats_of.get(m.group(), ()):
            hits.setdefault(cat, []).append(m.span())
    hits["digit"] = [m.span() for m in _DIGITS.finditer(text)]
    n = len(text)
    out: list[_Cand] = []
    for rx, fn in _RULES[lang]:
        cats, left, right = _WINDOWS[fn.__name__]
        for lo, hi in _windows(hits, cats, left, right, n):
            for m in rx.finditer(text, lo, hi):
                try:
                    r = fn(m, text)
                except _RESOLVE_ERRORS:
                    continue
                if r is None:
                    continue
                for c in (r,) if isinstance(r, _Cand) else r:
                    if c.end > c.start:
                        out.append(c)
    return out


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest candidates first (then the rule's priority), dropping any that overlap one already chosen.

    Greedy choice is done per cluster of mutually overlapping candidates, so the cost stays O(n log n).
    """
    cands.sort(key=lambda c: (c.start, -c.end))
    chosen: list[_Cand] = []
    i = 0
    while i < len(cands):
        j, end = i + 1, cands[i].end
        while j < len(cands) and cands[j].start < end:
            end = max(end, cands[j].end)
            j += 1
        cluster = sorted(cands[i:j], key=lambda c: (-(c.end - c.start), c.prio, c.start))
        picked: list[_Cand] = []
        for c in cluster:
            if all(c.end <= p.start or p.end <= c.start for p in picked):
                picked.append(c)
        chosen.extend(sorted(picked, key=lambda c: c.start))
        i = j
    return chosen


_WD_GLUE = re.compile(r"\s*,?\s*(?:(?:den|dem|the)\s+)?")


def _merge_weekday_dates(chosen: list[_Cand], text: str) -> list[_Cand]:
    """ "Donnerstag, 25. Februar" / "Sonntag, 13.09.2020": the weekday joins the date that follows it."""
    out: list[_Cand] = []
    for c in chosen:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "weekday"
            and prev.f["rel"] is None
            and prev.f["part"] is None
            and c.kind == "abs"
            and c.f.get("d") is not None
            and _WD_GLUE.fullmatch(text, prev.end, c.start)
        ):
            out[-1] = _Cand(prev.start, c.end, c.type, c.kind, c.f, c.prio)
            continue
        out.append(c)
    return out


def tag(text: str, *, lang: str, anchor: dt.date | None) -> list[Timex]:
    """TIMEX3 expressions in `text`, sorted by start and non-overlapping; values anchored on `anchor`."""
    if not isinstance(text, str) or not text:
        return []
    lg = "de" if str(lang or "").lower().startswith("de") else "en"
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    if anchor is not None and not isinstance(anchor, dt.date):
        anchor = None
    ctx = _Ctx(text, lg, anchor)
    out: list[Timex] = []
    for c in _merge_weekday_dates(_select(_candidates(text, lg)), text):
        try:
            r = _resolve(c, ctx)
        except _RESOLVE_ERRORS:
            continue
        if r is None:
            continue
        value, mod = r
        out.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, mod))
    return out
