"""Scanning: find trigger words once, run each rule only in windows around its triggers, then choose the
longest candidates without overlap.

Each rule is one precompiled regex without nested quantifiers, so a scan is linear in the text; the trigger
regex is one prefix-factored alternation of every time word, so most characters are skipped in C.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import RULES
from newsdigest.extract.temporal.payloads import (
    Abs,
    Cand,
    Clock,
    ClockOn,
    DayPart,
    NightBefore,
    RelDay,
    RelUnit,
    Season,
    Weekday,
    WeekOf,
)

RESOLVE_ERRORS = (ValueError, KeyError, IndexError, OverflowError, StopIteration)


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
        | {"Jahrhundert", "Jahrtausend"}
        | {u + "lang" for u in ("jahre", "monate", "wochen", "tage", "stunden", "jahrzehnte")},
        "relday": _both_cases(lx.RELDAY_DE),
        "part": _both_cases(lx.DAYPARTS_DE) | {"Morgenstunden", "Abendstunden"},
        "uhr": {"Uhr"},
        "ref": _both_cases(lx.REFS_DE) | {"Ex-", "ehemalig", "Ehemalig", "Dieser Tage", "dieser Tage"},
        "set": _both_cases(lx.SETS_DE) | {"jede", "Jede", "JEDE"},
        "season": _both_cases(lx.SEASONS_DE),
        "quarter": {"Quartal", "Halbjahr", "Jahreshälfte"},
        "relx": _both_cases(["heuer", "Vorjahr", "Vormonat", "Vorwoche", "Vortag", "Folgetag", "Folgejahr"]),
        "adj": _both_cases(lx.ADJ_UNITS_DE)
        | {n + a for n in lx.NUMBERS_DE if n.isalpha() and lx.NUMBERS_DE[n] for a in lx.ADJ_UNITS_DE},
        "qh": {"Q1", "Q2", "Q3", "Q4", "H1", "H2"},
        "mod": {"Anfang", "Ende", "Mitte", "Beginn"},
        "holiday": _both_cases(_holiday_words(lx.HOLIDAYS_DE)),
        "fiscal": {"Geschäftsjahr", "Wirtschaftsjahr", "Haushaltsjahr"},
        "decadeword": _both_cases(lx.DECADE_WORDS_DE),
        "compound": {u + p for u in ("Jahres", "Monats", "Quartals") for p in ("ende", "mitte", "beginn", "anfang")},
        "clockw": {"Mitternacht"},
    },
    "en": {
        "month": _both_cases(lx.MONTHS_EN),
        "wd": _both_cases(lx.WEEKDAYS_EN),
        "unit": _both_cases(lx.UNITS_EN),
        "relday": _both_cases(lx.RELDAY_EN) | {"the day"},
        "part": _both_cases(lx.DAYPARTS_EN),
        "ref": _both_cases(lx.REFS_EN),
        "set": _both_cases(lx.SETS_EN) | _both_cases(["every", "each"]),
        "season": _both_cases(lx.SEASONS_EN),
        "quarter": {"quarter", "half", "Quarter", "Half", "latest period"},
        "clockw": {"noon", "midday", "midnight"},
        "qh": {"Q1", "Q2", "Q3", "Q4", "H1", "H2"},
        "mod": _both_cases(["early", "late", "mid", "the end", "the beginning", "the start", "the middle", "year"]),
        "holiday": {w.title().replace("'S", "'s") for w in _holiday_words(lx.HOLIDAYS_EN)},
        "fiscal": {"fiscal", "Fiscal"},
        "yearword": _both_cases(["nineteen", "eighteen", "two thousand", *lx.DECADE_WORDS_EN]),
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


def candidates(text: str, lang: str) -> list[Cand]:
    hits: dict[str, list[tuple[int, int]]] = {}
    cats_of = _TRIGGER_CATS[lang]
    for m in _TRIGGER_RX[lang].finditer(text):
        for cat in cats_of.get(m.group(), ()):
            hits.setdefault(cat, []).append(m.span())
    digits = hits["digit"] = [m.span() for m in _DIGITS.finditer(text)]
    # year-like numbers and year ranges: the many rules about years need not look at every price and score
    year4 = hits["year4"] = [(s, e) for s, e in digits if e - s == 4 and "16" <= text[s : s + 2] <= "21"]
    hits["yrange"] = [(s, e) for s, e in year4 if text[e : e + 1] in ("-", "–", "/") and text[e + 1 : e + 2].isdigit()]
    n = len(text)
    out: list[Cand] = []
    for r in RULES[lang]:
        for lo, hi in _windows(hits, r.triggers, r.left, r.right, n):
            for m in r.rx.finditer(text, lo, hi):
                try:
                    found = r.fn(m, text)
                except RESOLVE_ERRORS:
                    continue
                if found is None:
                    continue
                for c in (found,) if isinstance(found, Cand) else found:
                    if c.end > c.start:
                        out.append(c)
    return out


def select(cands: list[Cand]) -> list[Cand]:
    """Longest candidates first (then the rule's priority), dropping any that overlap one already chosen.

    Greedy choice is done per cluster of mutually overlapping candidates, so the cost stays O(n log n).
    """
    cands.sort(key=lambda c: (c.start, -c.end))
    chosen: list[Cand] = []
    i = 0
    while i < len(cands):
        j, end = i + 1, cands[i].end
        while j < len(cands) and cands[j].start < end:
            end = max(end, cands[j].end)
            j += 1
        cluster = sorted(cands[i:j], key=lambda c: (-(c.end - c.start), c.prio, c.start))
        picked: list[Cand] = []
        for c in cluster:
            if all(c.end <= p.start or p.end <= c.start for p in picked):
                picked.append(c)
        chosen.extend(sorted(picked, key=lambda c: c.start))
        i = j
    return chosen


_NIGHT_GLUE = re.compile(r"\s+(?:zum|zu|auf(?:\s+den)?)\s+")
_WEEK_GLUE = re.compile(r"\s+(?:of\s+)?")
# "the week of March 6", "during the week of Nov. 9": the week is the value, the day names it
_WEEK_OF = re.compile(r"(?<!\w)(?:the\s+)?week\s+of\s+$")
_WD_GLUE = re.compile(r"\s*,?\s*(?:(?:den|dem|the)\s+)?")


_CLOCK_GLUE = re.compile(r"\s*(?:[ECMP][SD]T|GMT|UTC|\(\d{4}\s+(?:GMT|UTC)\))?\s*,?\s*(?:on\s+)?")


def _day_named(c: Cand) -> bool:
    p = c.p
    if isinstance(p, Weekday | RelDay):
        return p.part is None
    return isinstance(p, Abs) and p.d is not None


_OF_GLUE = re.compile(r"\s*,?\s*(?:of\s+)?")


def _spoken_year_of(prev: Cand, c: Cand, text: str) -> bool:
    """A month or season without a year, followed by a year alone (as transcripts read years out)."""
    year_only = isinstance(c.p, Abs) and c.p.y is not None and c.p.m is None
    undated = (isinstance(prev.p, Abs) and prev.p.y is None and prev.p.m is not None and prev.p.yoff is None
               and prev.p.dir is None) or (isinstance(prev.p, Season) and prev.p.y is None and prev.p.yoff is None
                                           and not prev.p.latest)
    return year_only and undated and _OF_GLUE.fullmatch(text, prev.end, c.start) is not None


def merge_weekday_dates(chosen: list[Cand], text: str) -> list[Cand]:
    """ "Donnerstag, 25. Februar" / "Sonntag, 13.09.2020": the weekday joins the date that follows it;
    "10 p.m. Wednesday" / "5 p.m. EST Nov. 9": a clock time joins the day that follows it."""
    out: list[Cand] = []
    for c in chosen:
        prev = out[-1] if out else None
        if (
            prev is not None
            and isinstance(prev.p, Clock)
            and _day_named(c)
            and isinstance(c.p, Weekday | Abs | RelDay)
            and _CLOCK_GLUE.fullmatch(text, prev.end, c.start)
            and not (isinstance(c.p, RelDay) and "," in text[prev.end : c.start])  # "15-20 Uhr, morgen 10-15 Uhr"
        ):
            out[-1] = Cand(prev.start, c.end, "TIME", ClockOn(prev.p, c.p), prev.prio)
            continue
        if prev is not None and _spoken_year_of(prev, c, text):
            # "January nineteen ninety-seven", "the winter of nineteen ninety-four": the year read out after it
            y = c.p.y if isinstance(c.p, Abs) else None
            p = prev.p
            if isinstance(p, Abs):
                out[-1] = Cand(prev.start, c.end, prev.type, Abs(y, p.m, p.d, p.mod), prev.prio)
            elif isinstance(p, Season):
                out[-1] = Cand(prev.start, c.end, prev.type, Season(y, p.s, p.mod), prev.prio)
            continue
        if (
            prev is not None
            and isinstance(prev.p, Weekday)
            and prev.p.rel is None
            and prev.p.part is None
            and isinstance(c.p, Abs)
            and c.p.d is not None
            and _WD_GLUE.fullmatch(text, prev.end, c.start)
        ):
            out[-1] = Cand(prev.start, c.end, c.type, c.p, c.prio)
            continue
        if (
            prev is not None
            and isinstance(prev.p, Weekday)
            and prev.p.rel is None
            and prev.p.week is None
            and isinstance(c.p, RelUnit)
            and c.p.unit == "W"
            and c.p.mod is None
            and not c.p.ref
            and _WEEK_GLUE.fullmatch(text, prev.end, c.start)
        ):  # "Dienstag vergangener Woche", "Tuesday of next week": the weekday in that week
            p = prev.p
            out[-1] = Cand(prev.start, c.end, prev.type, Weekday(p.wd, None, p.part, p.eve, c.p.off), prev.prio)
            continue
        if (
            prev is not None
            and isinstance(prev.p, DayPart)
            and prev.p.part == "NI"
            and isinstance(c.p, Abs)
            and c.p.d is not None
            and text[prev.start : prev.end] == "Nacht"
            and _NIGHT_GLUE.fullmatch(text, prev.end, c.start)
        ):  # "in der Nacht zum 1. Mai": the night before that day
            out[-1] = Cand(prev.start, c.end, "TIME", NightBefore(c.p), prev.prio)
            continue
        week = _WEEK_OF.search(text, max(0, c.start - 16), c.start) if isinstance(c.p, Abs) and c.p.d else None
        if week is not None and isinstance(c.p, Abs) and (prev is None or prev.end <= week.start()):
            out.append(Cand(week.start(), c.end, "DATE", WeekOf(c.p), c.prio))
            continue
        out.append(c)
    return out
