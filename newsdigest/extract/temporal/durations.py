"""Durations: "drei Jahre", "45-tägige", "jahrelang", "eine halbe Stunde", "two weeks", "the past 10 years",
and "three years ago" (a DATE counted back from the anchor).

A number glued to a word by a hyphen is a name, not a count ("COVID-19 second wave"), and an age is not a
duration ("a 22-year-old", "der 22-jährige Fahrer"): TBAQ and KRAUTS leave both untagged.
"""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    NUM_DE,
    NUM_EN,
    UNIT_DE,
    UNIT_EN,
    B,
    E,
    cand,
    dur_value,
    next_word,
    num,
    prev_word,
    rule,
)
from newsdigest.extract.temporal.payloads import Ago, Cand, Lit

_AGE_DE = re.compile(r"alt(?:e[nmrs]?)?")
_NOT_GLUED = r"(?<![^\W\d]-)(?<![\w.,/:])"  # not "COVID-19" nor inside "1.5"; "2-3 Stunden" is fine


@rule(
    rf"{B}(?:(?P<art>den|die|der|dem)\s+(?P<rel>letzten|vergangenen|kommenden|nächsten|ersten|folgenden|"
    rf"zurückliegenden)\s+)?(?:{_NOT_GLUED}(?P<num>\d+(?:,\d+)?)|(?P<wnum>{NUM_DE}))\s+(?P<unit>{UNIT_DE}){E}",
    "de",
    on=("unit",),
    window=(48, 16),
)
def de_duration(m: re.Match[str], text: str) -> Cand | None:
    word = m["num"] or m["wnum"]
    n = num(word, lx.NUMBERS_DE)
    unit = lx.UNITS_DE[m["unit"].lower()]
    if n is not None and (n > 10000 or (1800 <= n <= 2100 and m["unit"].lower() in ("jahr", "quartal", "monat"))):
        return None  # "das 2019 Quartal" is a year's, not 2019 of them
    if unit == "Y" and m["num"] and prev_word(text, m.start()).lower() in ("ab", "unter", "über"):
        return None  # an age limit: "ab 16 Jahren"
    if word.lower() in ("lange", "langen") and unit not in ("Y", "M", "W", "DE"):
        return None
    if unit == "Y" and _AGE_DE.fullmatch(next_word(text, m.end()).lower()):
        return None  # an age: "22 Jahre alt", "eine 53 Jahre alte Frau"
    # "vor drei Jahren" stays a DURATION on "drei Jahren", unlike English "three years ago" (a DATE): KRAUTS
    # annotates it so (P90Y, also "vor einigen Tagen" PXD)
    busy = m["unit"].lower() in lx.BUSINESS_DAY_UNITS_DE
    return cand(m, "DURATION", Lit(dur_value(n, unit), business_days=busy), prio=4)


# Endings of the noun after "100-jährige" that make it a span of time (also in compounds: "Anmeldefrist"),
# not a person's age ("der 22-jährige Fahrer", "ein zehnjähriges Mädchen").
_SPAN_NOUN_ENDS_DE = tuple(
    """
    jubiläum jubiläums bestehen bestehens geschichte tradition frist laufzeit pause haft strafe zeit amt
    zusammenarbeit ehe karriere krieg herrschaft abwesenheit unterbrechung vertrag vertrages vertrags
    verlängerung sperre planung forschung programm programms plan projekt phase prozess kampf verbot
    problem vita dienst mandat moratorium studie periode
    """.split()
)


@rule(
    rf"{B}(?P<num>\d+(?:,\d+)?|{NUM_DE})(?P<h>-|\s)?(?P<adj>{lx.alt(lx.ADJ_UNITS_DE)})(?:e|en|er|es|em)?{E}",
    "de",
    on=("adj",),
    window=(30, 12),
)
def de_dur_adj(m: re.Match[str], text: str) -> Cand | None:
    if m["num"][0].isdigit() and m["h"] != "-":
        return None
    n = num(m["num"], lx.NUMBERS_DE)
    if n is None:
        return None
    unit = lx.ADJ_UNITS_DE[m["adj"].lower()]
    if unit == "Y" and not next_word(text, m.end()).lower().endswith(_SPAN_NOUN_ENDS_DE):
        return None  # an age
    return cand(m, "DURATION", Lit(dur_value(n, unit)), prio=4)


@rule(
    r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<mi>[0-5]\d)\s+(?P<u>Stunden|hours)(?!\w)",
    "de",
    "en",
    on=("unit",),
    window=(8, 8),
)
def dur_clock_style(m: re.Match[str], text: str) -> Cand:
    """ "nach 3:38 Stunden" (a match's length): hours and minutes."""
    h, mi = int(m["h"]), int(m["mi"])
    return cand(m, "DURATION", Lit(f"PT{h}H{mi}M" if mi else f"PT{h}H"), prio=3)


_COMPOUND_DE = {"Tage": "D", "Stunden": "H", "Wochen": "W", "Monats": "M", "Jahres": "Y", "Minuten": "MIN"}


@rule(
    r"(?<![\w.,])(?P<num>\d{1,3})-(?P<unit>Tage|Stunden|Wochen|Monats|Jahres|Minuten)(?=-|\s|$|[.,;:!?)])",
    "de",
    on=("unit",),
    window=(8, 10),
)
def de_dur_compound(m: re.Match[str], text: str) -> Cand | None:
    return cand(m, "DURATION", Lit(dur_value(int(m["num"]), _COMPOUND_DE[m["unit"]])), prio=4)


_LANG_DE = {"jahre": "Y", "monate": "M", "wochen": "W", "tage": "D", "stunden": "H", "jahrzehnte": "DE"}


@rule(
    r"(?<!\w)(?:(?P<pre>(?i:seit|vor|nach|für|über|in))\s+(?P<u>Jahren|Monaten|Wochen|Tagen|Stunden|Jahrzehnten)"
    r"|(?P<lang>(?i:jahre|monate|wochen|tage|stunden|jahrzehnte)lang))(?!\w)",
    "de",
    on=("unit",),
    window=(16, 16),
)
def de_dur_vague(m: re.Match[str], text: str) -> Cand | None:
    if m["u"]:
        return cand(m, "DURATION", Lit(dur_value(None, lx.UNITS_DE[m["u"].lower()])), group="u", prio=6)
    return cand(m, "DURATION", Lit(dur_value(None, _LANG_DE[m["lang"].lower()[:-4]])), prio=6)


@rule(
    r"(?<!\w)(?P<w>(?i:eine|einer|die|der)\s+halbe[nr]?\s+Stunde|(?i:ein|einem|eines)\s+halbe[ns]?\s+Jahr(?:es)?)"
    r"(?!\w)",
    "de",
    on=("unit",),
    window=(30, 10),
)
def de_dur_half(m: re.Match[str], text: str) -> Cand | None:
    return cand(m, "DURATION", Lit("PT30M" if m["w"].endswith("Stunde") else "P6M"), prio=4)


@rule(
    rf"(?<!\w)(?:(?P<rel>(?i:the\s+(?:last|past|next|coming|first|previous|following)|last|past|next|another|"
    rf"the))\s+)?(?:{_NOT_GLUED}(?P<num>\d+(?:\.\d+)?)(?P<half>\s+1/2|½)?|(?P<wnum>{NUM_EN}))"
    rf"(?:\s+(?:more|additional|further|extra))?(?:\s+(?P<kind>business|trading|working|calendar|school|court))?"
    rf"(?P<h>[\s-]+)(?P<unit>{UNIT_EN})(?!\w)(?P<andhalf>\s+and\s+a\s+half)?"
    r"(?P<old>[\s-]+old)?(?:\s+(?P<ago>ago|earlier|before|later|from\s+now))?",
    "en",
    on=("unit",),
    window=(60, 30),
)
def en_duration(m: re.Match[str], text: str) -> Cand | None:
    if m["old"]:
        return None  # an age: "a 22-year-old", "22 years old"
    if _not_a_span_en(m, text):
        return None
    n = num(m["num"] or m["wnum"], lx.NUMBERS_EN)
    if n is not None and (m["half"] or m["andhalf"]):
        n += 0.5  # "5 1/2 hours", "a minute and a half"
    unit = lx.UNITS_EN[m["unit"].lower()]
    if n is not None and (n > 10000 or (1800 <= n <= 2100 and not m["unit"].endswith("s"))):
        return None  # "the 1988 quarter" is a year's quarter, not 1988 of them
    if m["ago"] and m["ago"] == "ago" and m["rel"] is None:
        return cand(m, "DATE", Ago(unit, n), prio=3)
    if unit == "DE" and n is not None:  # "two decades": TimeBank writes English decades as years (P20Y)
        n, unit = n * 10, "Y"
    start = m.start("num" if m["num"] else "wnum") if (m["rel"] or "").strip().lower() == "the" else m.start()
    busy = unit == "D" and (m["kind"] or "").lower() in lx.BUSINESS_DAY_WORDS_EN
    return Cand(start, m.end("andhalf" if m["andhalf"] else "unit"), "DURATION",
                Lit(dur_value(n, unit), business_days=busy), 4)


# words before "a week" / "a year" that make it a rate ("700 seats a week", "$500 million a year", "4% a year")
_AMOUNT = re.compile(r"(?i:[\d$%£€][\d,.]*%?|million|billion|thousand|percent|cents?|dollars?|pounds?|euros?|a\s+piece)$")
_FRACTION_COUNTS = frozenset(["a", "an", "one", "two", "three"])
# words after "a second" that make it an ordinal ("a second group", "a second term"), not a span of time
_AFTER_SPAN = frozenset(["later", "ago", "earlier", "before", "after", "or", "and", "of", "in", "to", "longer", "more",
                         "too", "late", "early", "left", "", "the", "when", "for", "at", "on"])


def _not_a_span_en(m: re.Match[str], text: str) -> bool:
    """A fraction ("three-quarters of its food", "a quarter of the market"), a rate ("700 seats a week") or an
    ordinal ("a second group") is no duration."""
    unit = m["unit"].lower()
    word = (m["wnum"] or "").lower()
    nxt = next_word(text, m.end())
    if unit.startswith("quarter") and nxt.lower() == "of" and not m["rel"] and word in _FRACTION_COUNTS:
        return True  # "three-quarters of its food", not "several quarters of losses"
    if word in ("a", "an") and not m["rel"] and unit in ("week", "month", "year", "day", "hour"):
        before = text[max(0, m.start() - 40) : m.start()].split()
        if before and (_AMOUNT.search(before[-1]) or (len(before) > 1 and _AMOUNT.search(before[-2]))):
            return True
    return unit == "second" and word == "a" and nxt.isalpha() and nxt.lower() not in _AFTER_SPAN


@rule(
    r"(?<!\w)(?i:for|over|in|within)\s+(?P<u>years|months|weeks|days|decades|hours|minutes|centuries)(?!\w)",
    "en",
    on=("unit",),
    window=(20, 12),
)
def en_dur_vague(m: re.Match[str], text: str) -> Cand | None:
    return cand(m, "DURATION", Lit(dur_value(None, lx.UNITS_EN[m["u"]])), group="u", prio=6)
