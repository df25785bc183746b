"""Relative calendar units: "letzte Woche", "nächstes Jahr", "Ende des Monats", "last month", "the end of
the year", "heuer", "Vorjahr", weekends and "the second week"."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    INFL,
    MOD_EN,
    B,
    E,
    cand,
    dur_value,
    mod_de,
    mod_en,
    next_word,
    rel_offset,
    rule,
)
from newsdigest.extract.temporal.payloads import Abs, Cand, Lit, OrdWeek, RelUnit, Weekend, YearAgo

_REL_DE = (
    r"(?:[Ll]etzt|[Vv]ergangen|[Vv]orig|[Kk]ommend|[Nn]ächst|[Dd]ies|[Ll]aufend|[Dd]arauffolgend|[Ff]olgend|[Hh]eurig)"
)
_PLURAL_DE = frozenset(["Wochen", "Monate", "Monaten", "Jahre", "Jahren", "Tage", "Tagen", "Jahrzehnten"])


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+)?(?:(?P<art>der|die|das|den|dem|des)\s+)?"
    rf"(?P<rel>{_REL_DE}{INFL})\s+"
    rf"(?P<unit>Woche|Wochenende|Monats?|Jahr(?:es|s)?|Quartals?|Tag(?:es|s)?|Jahrzehnts?|Jahrhunderts?"
    rf"|Wochen|Monaten?|Jahren?|Tagen?|Jahrzehnten?){E}",
    "de",
    on=("unit",),
    window=(60, 16),
)
def de_rel_unit(m: re.Match[str], text: str) -> Cand | None:
    off = rel_offset(m["rel"])
    if off is None:
        return None
    unit = lx.UNITS_DE[m["unit"].lower()]
    start = m.start("mod") if m["mod"] else (m.start("art") if m["art"] else m.start("rel"))
    if m["unit"] in _PLURAL_DE:
        if m["mod"] or off == 0:
            return None
        return Cand(start, m.end(), "DURATION", Lit(dur_value(None, unit)), 4)
    if unit == "D" and off == 0:
        return None  # "diesen Tag" is anaphoric, not today
    ref = m["rel"].lower().startswith(("folgend", "darauffolgend"))
    return Cand(start, m.end(), "DATE", RelUnit(unit, off, mod_de(m["mod"]), ref), 3)


_SPECIAL_DE = {"heu": ("Y", 0), "vorj": ("Y", -1), "vorm": ("M", -1), "vorw": ("W", -1), "vort": ("D", -1),
               "folget": ("D", 1), "folgej": ("Y", 1)}  # fmt: skip


@rule(
    rf"{B}(?:(?P<mod>Anfang|Ende|Mitte|Beginn)\s+(?:des|der)\s+(?P<unit>Jahres|Monats|Woche)|"
    rf"(?P<w>[Hh]euer|Vorjahr(?:es|s)?|Vormonat(?:s)?|Vorwoche|Vortag(?:es|s)?|Folgetag(?:es|s)?|"
    rf"Folgejahr(?:es|s)?)){E}",
    "de",
    on=("unit", "relx"),
    window=(30, 16),
)
def de_rel_special(m: re.Match[str], text: str) -> Cand | None:
    if m["mod"]:
        unit = {"Jahres": "Y", "Monats": "M", "Woche": "W"}[m["unit"]]
        nxt = next_word(text, m.end())
        if nxt[:1].isdigit() or nxt in ("der", "des", "dieses", "seines", "ihres", "eines"):
            return None  # "Ende des Jahres 2019" is caught elsewhere; "Ende der Woche der ..." is vague
        return cand(m, "DATE", RelUnit(unit, 0, mod_de(m["mod"])), prio=4)
    w = m["w"].lower()
    unit, off = _SPECIAL_DE[w[:3] if w.startswith("heu") else w[:4] if w.startswith("vor") else w[:7]]
    return cand(m, "DATE", RelUnit(unit, off, ref=w.startswith("folge")), prio=4)


@rule(
    rf"(?<!\w)(?:(?P<mod>{MOD_EN})[\s-]*)?(?P<rel>(?i:last|next|this|coming|previous|current|following|upcoming|"
    r"past))\s+(?P<unit>week|weekend|month|year|quarter|decade|century)(?!\w)",
    "en",
    on=("unit",),
    window=(50, 12),
)
def en_rel_unit(m: re.Match[str], text: str) -> Cand | None:
    unit = lx.UNITS_EN[m["unit"]]
    if m["rel"].lower() == "past":  # "the past decade": P10Y, as TimeBank writes English decades
        if unit == "Y":  # "in the past year" is read as the last year in TimeBank (and by HeidelTime)
            return cand(m, "DATE", RelUnit("Y", -1), prio=4)
        return cand(m, "DURATION", Lit(dur_value(10, "Y") if unit == "DE" else dur_value(1, unit)), prio=4)
    off = rel_offset(m["rel"])
    if off is None:
        return None
    ref = m["rel"].lower() == "following"
    return cand(m, "DATE", RelUnit(unit, off, mod_en(m["mod"]), ref), prio=3)


@rule(
    r"(?<!\w)(?P<mod>(?i:the\s+end|the\s+beginning|the\s+start|the\s+middle))\s+of\s+(?P<rel>(?i:the|this|next|last))\s+"
    r"(?P<unit>week|month|year|quarter)(?!\w)",
    "en",
    on=("unit",),
    window=(40, 12),
)
def en_end_of(m: re.Match[str], text: str) -> Cand | None:
    rel = m["rel"].lower()
    off = 0 if rel in ("the", "this") else (1 if rel == "next" else -1)
    mod = mod_en(" ".join(m["mod"].lower().split()) + " of")
    return cand(m, "DATE", RelUnit(lx.UNITS_EN[m["unit"]], off, mod), prio=3)


@rule(
    r"(?<!\w)(?P<w>[Tt]his\s+time\s+last\s+year|the\s+previous\s+year)(?!\w)"
    r"|(?<!\w)(?P<ago>(?i:a\s+year\s+(?:earlier|ago|before)|(?:the\s+)?(?:comparable\s+|corresponding\s+)?"
    r"year-(?:ago|earlier)(?:\s+(?:(?:first|second|third|fourth)\s+)?(?:quarter|period))?"
    r"|(?:the\s+)?(?:corresponding|comparable|same)\s+(?:period|quarter)\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year)"
    r"|last\s+year['’]s\s+(?:(?:first|second|third|fourth)\s+)?quarter))(?!\w)",
    "en",
    on=("unit",),
    window=(30, 30),
)
def en_rel_misc(m: re.Match[str], text: str) -> Cand | None:
    if m["ago"]:
        return cand(m, "DATE", YearAgo(), prio=3)
    return cand(m, "DATE", RelUnit("Y", -1), prio=3)


@rule(r"(?<!\w)(?P<w>the\s+weekend)(?!\w)", "en", on=("unit",), window=(14, 4))
def en_weekend(m: re.Match[str], text: str) -> Cand:
    return cand(m, "DATE", Weekend(), prio=4)


@rule(
    r"(?<!\w)(?i:am|übers|vom|zum|dieses|diesem|an\s+diesem|an\s+einem)\s+(?P<w>Wochenende)(?!\w)"
    r"|(?<!\w)(?:(?P<art>der|die|den)\s+)?(?P<ord>ersten|zweiten|dritten|vierten|fünften)\s+Woche(?!\w)",
    "de",
    on=("unit",),
    window=(24, 16),
)
def de_weekend_week(m: re.Match[str], text: str) -> Cand | None:
    if m["w"]:
        return cand(m, "DATE", Weekend(), group="w", prio=4)
    n = {"ers": 1, "zwe": 2, "dri": 3, "vie": 4, "fün": 5}[m["ord"][:3]]
    if next_word(text, m.end()) in ("des", "im", "vom", "nach", "seit", "der"):
        return None  # "in der ersten Woche nach der Wahl": counted from an event we do not resolve
    return cand(m, "DATE", OrdWeek(n), prio=4)


# "for the year ended Sept. 30", "the fiscal year ending June 30": a company's twelve months, a span we cannot place
@rule(
    r"(?<!\w)(?P<w>(?i:the|its|their)\s+(?:(?i:fiscal|full|financial|business)\s+)?year)\s+(?:that\s+)?(?:ended|ending|ends)"
    r"(?!\w)",
    "en",
    on=("unit", "fiscal"),
    window=(40, 20),
)
def en_year_ended(m: re.Match[str], text: str) -> Cand:
    return cand(m, "DURATION", Lit("P1Y"), group="w", prio=3)


# "for the year", "earlier in the year", "the first nine months of the year", "that year": in a news report the
# anchor's year (or, with "that", the year last named). Only after a preposition or a part of the year: "the year
# before" counts from another date, "player of the year" is a title.
_YEAR_BEFORE_EN = re.compile(
    r"(?i:(?:for|in|during|through|throughout|over|into|since|by|until|of|from|later|earlier)\s+|"
    r"(?:months|quarters?|half|part|rest|remainder|balance|weeks|days|end|start|beginning|middle)\s+of\s+)$"
)
_YEAR_NOT_AFTER_EN = frozenset(["before", "after", "earlier", "later", "ago", "old", "round", "long"])


@rule(
    r"(?<!\w)(?P<w>(?P<det>the|that|The|That)\s+(?:(?P<adj>full|entire|whole|current|fiscal)\s+)?year)(?![\w-]|['’])",
    "en",
    on=("unit",),
    window=(40, 12),
)
def en_the_year(m: re.Match[str], text: str) -> Cand | None:
    nxt = next_word(text, m.end())
    if nxt[:1].isdigit() or nxt.lower() in _YEAR_NOT_AFTER_EN or nxt.lower() in ("ended", "ending", "ends", "that"):
        return None
    before = text[max(0, m.start() - 40) : m.start()]
    if not _YEAR_BEFORE_EN.search(before):
        return None
    if before.rstrip().lower().endswith(" of") and not re.search(
            r"(?i:months|quarters?|half|part|rest|remainder|balance|weeks|days|end|start|beginning|middle)\s+of\s+$",
            before):
        return None  # "car of the year"
    ref = m["det"].lower() == "that"
    return cand(m, "DATE", RelUnit("Y", 0, ref=ref), prio=5)


# "bis Monatsende", "zum Jahresende 2019", "ab Jahresbeginn", "zur Jahresmitte": a part of this year, month or
# quarter (or of the year written after it)
_COMPOUND_PART_DE = {"ende": "END", "mitte": "MID", "beginn": "START", "anfang": "START"}
_COMPOUND_UNIT_DE = {"jahres": "Y", "monats": "M", "quartals": "Q"}


@rule(
    rf"{B}(?P<w>(?P<u>Jahres|Monats|Quartals)(?P<part>ende|mitte|beginn|anfang)s?){E}(?:\s+(?P<y>(?:19|20)\d\d)(?!\d))?",
    "de",
    on=("compound",),
    window=(2, 20),
)
def de_compound_part(m: re.Match[str], text: str) -> Cand:
    unit, mod = _COMPOUND_UNIT_DE[m["u"].lower()], _COMPOUND_PART_DE[m["part"]]
    if m["y"] and unit == "Y":
        return cand(m, "DATE", Abs(int(m["y"]), None, None, mod), prio=3)
    return cand(m, "DATE", RelUnit(unit, 0, mod), group="w", prio=4)
