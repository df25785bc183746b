"""Weekdays and days named relative to the anchor: "Freitag", "am kommenden Montag", "last Tuesday",
"heute", "gestern Abend", "tomorrow morning", and parts of the day ("am Nachmittag")."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    INFL,
    MON_DE,
    MON_EN_FULL,
    WD_DE,
    WD_EN,
    B,
    E,
    cand,
    month_of,
    next_word,
    prev_word,
    rel_offset,
    rule,
)
from newsdigest.extract.temporal.payloads import Abs, Cand, DayPart, NthWeekday, RelDay, SameDay, Weekday

_REL_WORD = {0: "this", 1: "future", -1: "past"}


@rule(
    rf"{B}(?:(?P<rel>(?:[Vv]ergangen|[Ll]etzt|[Vv]orig|[Kk]ommend|[Nn]ächst|[Dd]ies|[Ff]olgend){INFL})\s+|"
    rf"(?P<rx>(?:[Hh]eutig|[Mm]orgig|[Gg]estrig){INFL})\s+)?(?P<wd>{WD_DE})"
    rf"(?P<part>morgen|vormittag|mittag|nachmittag|abend|nacht)?{E}"
    rf"(?:\s+(?P<part2>[Mm]orgen|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht){E})?",
    "de",
    on=("wd",),
    window=(30, 30),
)
def de_weekday(m: re.Match[str], text: str) -> Cand | None:
    wd = lx.WEEKDAYS_DE[m["wd"].lower()]
    part = m["part"] or m["part2"]
    rel = None
    if m["rx"]:
        rel = {"heu": "today", "mor": "tomorrow", "ges": "yesterday"}[m["rx"][:3].lower()]
    elif m["rel"]:
        off = rel_offset(m["rel"])
        rel = _REL_WORD.get(off) if off is not None else None
    start = m.start("wd") if m["rx"] else m.start()
    code = lx.DAYPARTS_DE[part.lower()] if part else None
    return Cand(start, m.end(), "TIME" if code else "DATE", Weekday(wd, rel, code), 3)


@rule(
    rf"{B}(?P<n>[Nn]acht)\s+(?:von\s+(?:{WD_DE})\s+)?(?:zum|zu|auf)\s+(?:den\s+)?"
    rf"(?:(?P<rel>(?:[Vv]ergangen|[Ll]etzt|[Vv]orig|[Kk]ommend|[Nn]ächst|[Dd]ies|[Ff]olgend){INFL})\s+)?(?P<wd>{WD_DE}){E}",
    "de",
    on=("wd",),
    window=(40, 16),
)
def de_night_before(m: re.Match[str], text: str) -> Cand:
    """ "in der Nacht zum Sonntag", "in der Nacht auf Montag", "in der Nacht von Samstag auf Sonntag": the night
    ends on the named morning, so it is the evening before's date (TIMEX3 gives a night the day it begins on)."""
    off = rel_offset(m["rel"]) if m["rel"] else None
    rel = _REL_WORD.get(off) if off is not None else None
    return cand(m, "TIME", Weekday(lx.WEEKDAYS_DE[m["wd"].lower()], rel, "NI", eve=True), group="n", end_group="wd",
                prio=3)


@rule(
    rf"(?<!\w)(?:(?P<rel>(?i:last|next|this|coming|past|previous))\s+)?(?P<wd>{WD_EN})(?!\w)"
    r"(?:\s+(?P<part>morning|afternoon|evening|night)(?!\w))?",
    "en",
    on=("wd",),
    window=(20, 20),
)
def en_weekday(m: re.Match[str], text: str) -> Cand | None:
    wd = lx.WEEKDAYS_EN[m["wd"].lower()]
    off = rel_offset(m["rel"])
    rel = _REL_WORD.get(off) if off is not None else None
    code = lx.DAYPARTS_EN[m["part"]] if m["part"] else None
    return cand(m, "TIME" if code else "DATE", Weekday(wd, rel, code), prio=3)


@rule(
    r"(?<![\w])(?P<w>[Hh]eute|[Gg]estern|[Vv]orgestern|[Üü]bermorgen|[Mm]orgen)(?![\w])"
    r"(?:\s+(?P<part>[Mm]orgen|früh|[Vv]ormittag|[Mm]ittag|[Nn]achmittag|[Aa]bend|[Nn]acht)(?![\w]))?",
    "de",
    on=("relday",),
    window=(4, 20),
)
def de_relday(m: re.Match[str], text: str) -> Cand | None:
    off = lx.RELDAY_DE[m["w"].lower()]
    code = lx.DAYPARTS_DE[m["part"].lower()] if m["part"] else None
    if m["w"] == "morgen" and prev_word(text, m.start()).lower() in ("guten", "den", "am", "jeden", "heute"):
        return None
    if m["w"] == "Morgen":  # the noun "morning" unless it opens a sentence before a verb: "Morgen wird ..."
        before = text[max(0, m.start() - 3) : m.start()].rstrip(' \t"„“»')
        if (before and before[-1] not in ".!?:\n") or not next_word(text, m.end())[:1].islower() or m["part"]:
            return None
    return cand(m, "TIME" if code else "DATE", RelDay(off, code), prio=3)


@rule(
    r"(?<!\w)(?:(?P<w>[Tt]oday|[Yy]esterday|[Tt]omorrow|[Tt]onight)(?:\s+(?P<part>morning|afternoon|evening|night)"
    r"(?!\w))?|(?P<rel>[Tt]his|[Ll]ast)\s+(?P<part2>morning|afternoon|evening|night)"
    r"|(?P<dby>the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)))(?!\w)",
    "en",
    on=("relday", "part"),
    window=(40, 20),
)
def en_relday(m: re.Match[str], text: str) -> Cand | None:
    if m["dby"]:
        return cand(m, "DATE", RelDay(-2 if "before" in m["dby"] else 2), prio=3)
    if m["rel"]:
        part = lx.DAYPARTS_EN[m["part2"]]
        if m["rel"].lower() == "last" and part != "NI":
            return None
        off = -1 if m["rel"].lower() == "last" else 0
        return cand(m, "TIME", RelDay(off, part), prio=3)
    w = m["w"].lower()
    code = "NI" if w == "tonight" else (lx.DAYPARTS_EN[m["part"]] if m["part"] else None)
    return cand(m, "TIME" if code else "DATE", RelDay(lx.RELDAY_EN[w], code), prio=3)


@rule(
    r"(?<!\w)(?i:am|in\s+der|gegen|im\s+Laufe\s+des|in\s+den)\s+(?:(?P<adj>frühen|späten)\s+)?"
    r"(?P<part>Morgen|Vormittag|Mittag|Nachmittag|Abend|Nacht|Morgenstunden|Abendstunden)(?!\w)",
    "de",
    on=("part",),
    window=(40, 20),
)
def de_daypart(m: re.Match[str], text: str) -> Cand | None:
    part = m["part"].lower().replace("stunden", "")
    if next_word(text, m.end()) in ("des", "zuvor", "danach", "darauf", "nach", "vor"):
        return None
    g = "adj" if m["adj"] else "part"
    return cand(m, "TIME", DayPart(lx.DAYPARTS_DE[part]), group=g, end_group="part", prio=5)


@rule(
    r"(?<!\w)(?:(?i:am)\s+(?:selben|gleichen|nämlichen)|(?i:an)\s+(?:diesem|jenem|dem\s+selben))\s+"
    r"(?P<u>Tag|Morgen|Vormittag|Mittag|Nachmittag|Abend)(?!\w)",
    "de",
    on=("unit", "part"),
    window=(24, 4),
)
def de_same_day(m: re.Match[str], text: str) -> Cand | None:
    if next_word(text, m.end()) in ("des", "der", "nach", "vor", "zuvor", "danach"):
        return None  # "an diesem Tag der Entscheidung", "am selben Tag nach ...": other reference points
    u = m["u"].lower()
    part = None if u == "tag" else lx.DAYPARTS_DE[u]
    return cand(m, "TIME" if part else "DATE", SameDay(part), prio=3)


@rule(
    r"(?<!\w)(?:(?i:the)\s+same\s+(?P<u>day|morning|afternoon|evening|night)"
    r"|(?i:that)\s+(?P<u2>morning|afternoon|evening|night)|(?i:later|earlier)\s+in\s+the\s+(?P<u3>day))(?!\w)",
    "en",
    on=("unit", "part"),
    window=(24, 4),
)
def en_same_day(m: re.Match[str], text: str) -> Cand:
    # "that day" alone is left out: mostly generic ("redemptions that day"), which TimeBank does not tag
    u = m["u"] or m["u2"] or m["u3"]
    part = None if u == "day" else lx.DAYPARTS_EN[u]
    return cand(m, "TIME" if part else "DATE", SameDay(part), prio=3)


@rule(
    r"(?<!\w)(?:(?i:in|during|by|early|late|later|earlier|through|overnight|all)\s+)(?:in\s+)?(?P<w>(?:the|this)\s+"
    r"(?P<part>morning|afternoon|evening))(?!\w)",
    "en",
    on=("part",),
    window=(30, 20),
)
def en_daypart(m: re.Match[str], text: str) -> Cand | None:
    """ "in the morning", "during the afternoon": a part of the day of the narrative (or the anchor)."""
    if next_word(text, m.end()).lower() in ("of", "after", "before"):
        return None  # "the morning of the election": another day
    return cand(m, "TIME", DayPart(lx.DAYPARTS_EN[m["part"]]), group="w", prio=5)


_NTH_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "1st": 1, "2nd": 2, "3rd": 3,
           "4th": 4}  # fmt: skip
_NTH_DE = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "letzt": -1}


@rule(
    rf"(?<!\w)(?:(?i:the)\s+)?(?P<ord>(?i:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th))\s+(?P<wd>{WD_EN})"
    rf"\s+(?:in|of)\s+(?P<mon>{MON_EN_FULL})(?:,?\s+(?P<y>1[6-9]\d\d|20\d\d))?(?!\w)",
    "en",
    on=("wd",),
    window=(24, 30),
)
def en_nth_weekday(m: re.Match[str], text: str) -> Cand:
    """ "the first Tuesday in November", "the second Sunday of May 2022"."""
    month = Abs(int(m["y"]) if m["y"] else None, month_of(m["mon"]), None)
    nth = NthWeekday(_NTH_EN[m["ord"].lower()], lx.WEEKDAYS_EN[m["wd"].lower()], month)
    return cand(m, "DATE", nth, group="ord" if not m[0].lower().startswith("the") else 0, end_group=0, prio=2)


@rule(
    rf"{B}(?P<ord>(?i:erst|zweit|dritt|viert|fünft|letzt))en\s+(?P<wd>{WD_DE})\s+(?:im|des)\s+(?P<mon>{MON_DE})s?"
    rf"(?:\s+(?P<y>1[6-9]\d\d|20\d\d))?{E}",
    "de",
    on=("wd",),
    window=(16, 30),
)
def de_nth_weekday(m: re.Match[str], text: str) -> Cand:
    """ "am ersten Montag im Mai", "am letzten Sonntag im Oktober 2022"."""
    month = Abs(int(m["y"]) if m["y"] else None, month_of(m["mon"]), None)
    return cand(m, "DATE", NthWeekday(_NTH_DE[m["ord"].lower()], lx.WEEKDAYS_DE[m["wd"].lower()], month), prio=2)
