"""Sets (recurring times): "jeden Montag", "täglich", "montags", "pro Jahr", "every week", "twice a year"."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    INFL,
    MON_EN_FULL,
    NUM_DE,
    NUM_EN,
    WD_DE,
    WD_EN,
    E,
    cand,
    dur_value,
    month_of,
    next_word,
    num,
    prev_word,
    rule,
)
from newsdigest.extract.temporal.payloads import Cand, Lit


@rule(
    rf"(?<!\w)(?i:jede[nmrs]?)\s+(?:(?P<ord>(?:erst|zweit|dritt|viert|letzt){INFL})\s+)?"
    rf"(?P<u>{WD_DE}|Tag|Woche|Wochenende|Monat|Jahr|Quartal|Morgen|Abend|Nacht|Stunde|Minute|Sommer|Winter)"
    rf"(?!\w)(?:\s+(?:im|des)\s+(?P<per>Monats?|Jahr(?:es)?))?",
    "de",
    on=("set",),
    window=(4, 60),
)
def de_set_every(m: re.Match[str], text: str) -> Cand:
    return _every(m, m["u"].lower(), bool(m["ord"]), m["per"], lx.WEEKDAYS_DE)


@rule(
    rf"(?<!\w)(?i:every|each)\s+(?:(?P<ord>first|second|third|fourth|last|other)\s+)?"
    rf"(?P<u>{WD_EN}|day|week|weekend|month|year|quarter|morning|evening|night|hour|minute|summer|winter|"
    rf"(?P<mon>{MON_EN_FULL}))(?!\w)(?:\s+of\s+the\s+(?P<per>month|year))?",
    "en",
    on=("set",),
    window=(4, 50),
)
def en_set_every(m: re.Match[str], text: str) -> Cand:
    if m["mon"]:  # "each July": that month of every year
        return cand(m, "SET", Lit(f"XXXX-{month_of(m['mon']):02d}"), prio=3)
    if m["ord"] == "other":
        unit = lx.UNITS_EN.get(m["u"].lower())
        return cand(m, "SET", Lit(dur_value(2, unit) if unit else "P2W"), prio=3)
    return _every(m, m["u"].lower(), bool(m["ord"]), m["per"], lx.WEEKDAYS_EN)


def _every(m: re.Match[str], u: str, ordinal: bool, per: str | None, weekdays: dict[str, int]) -> Cand:
    if u in weekdays:
        if ordinal and per:  # "jeden ersten Montag im Monat"
            value = "P1M" if per.lower().startswith(("mon", "month")) else "P1Y"
        else:
            value = f"XXXX-WXX-{weekdays[u] + 1}"
        return cand(m, "SET", Lit(value), prio=3)
    return cand(m, "SET", Lit(lx.EVERY[u]), prio=3)


@rule(rf"(?<![\w-])(?P<w>(?i:{lx.alt(lx.SETS_DE)}))(?:e|en|er|es|em)?{E}", "de", on=("set",), window=(20, 8))
def de_set_adv(m: re.Match[str], text: str) -> Cand:
    return cand(m, "SET", Lit(lx.SETS_DE[m["w"].lower()]), prio=5)


@rule(
    r"(?<![\w-])(?P<wd>(?:[Mm]ontag|[Dd]ienstag|[Mm]ittwoch|[Dd]onnerstag|[Ff]reitag|[Ss]amstag|[Ss]onntag)"
    r"|[Ss]onnabend)s(?!\w)",
    "de",
    on=("wd",),
    window=(4, 8),
)
def de_set_weekday(m: re.Match[str], text: str) -> Cand | None:
    if m["wd"][0].isupper() and prev_word(text, m.start()).lower() in ("des", "eines", "jeden"):
        return None
    return cand(m, "SET", Lit(f"XXXX-WXX-{lx.WEEKDAYS_DE[m['wd'].lower()] + 1}"), prio=5)


@rule(
    rf"(?<!\w)(?P<w>(?i:{lx.alt(lx.SETS_EN)}))(?!\w)|(?<!\w)(?:on\s+)(?P<wd>{WD_EN})s(?!\w)",
    "en",
    on=("set", "wd"),
    window=(8, 12),
)
def en_set_adv(m: re.Match[str], text: str) -> Cand:
    if m["wd"]:
        value = f"XXXX-WXX-{lx.WEEKDAYS_EN[m['wd'].lower()] + 1}"
        return cand(m, "SET", Lit(value), group="wd", end_group=0, prio=5)
    return cand(m, "SET", Lit(lx.SETS_EN[m["w"].lower()]), prio=5)


@rule(
    r"(?<!\w)(?:(?P<times>(?i:ein|zwei|drei|vier|fünf|zehn|mehr|\d+)mal|(?i:ein|zwei|drei|vier|fünf|zehn|\d+)\s+Mal)\s+)?"
    r"(?:pro|je|im|in\s+der|am)\s+(?P<u>Tag|Woche|Monat|Jahr|Stunde|Quartal)(?!\w)",
    "de",
    on=("unit",),
    window=(24, 4),
)
def de_set_per(m: re.Match[str], text: str) -> Cand | None:
    pre = m[0].split()[0].lower() if not m["times"] else ""
    if not m["times"] and pre not in ("pro", "je"):
        return None  # "im Jahr" alone is a date context, not a frequency
    return cand(m, "SET", Lit(lx.PER_UNIT[m["u"].lower()]), prio=4)


@rule(
    r"(?<!\w)(?:(?P<times>once|twice|thrice|(?:\w+|\d+)\s+times)\s+)?(?P<per>a|an|per|each)\s+"
    r"(?P<u>day|week|month|year|hour|quarter)(?!\w)",
    "en",
    on=("unit",),
    window=(24, 4),
)
def en_set_per(m: re.Match[str], text: str) -> Cand | None:
    value = Lit(lx.PER_UNIT[m["u"]])
    if m["times"]:
        return cand(m, "SET", value, prio=2)
    prev = prev_word(text, m.start()).lower()
    money = prev.lstrip("$€£")[:1].isdigit() or prev in lx.MONEY_WORDS
    if m["per"] != "per" and not money:
        return None  # "for a year" is a duration
    if not money:
        return cand(m, "SET", value, prio=4)
    return cand(m, "SET", value, group="per", end_group=0, prio=2)


# "alle vier Jahre", "alle 14 Tage", "alle zwei Wochen": every n units. Not "alle drei Tage waren ausverkauft" (all
# three days), where a plural verb follows the noun.
_ALL_THREE_VERB = frozenset(
    "waren sind wurden werden haben hatten hätten sollen sollten müssen mussten können konnten lagen liegen blieben "
    "bleiben".split()
)
_EVERY_N_UNIT_DE = {"tage": "D", "wochen": "W", "monate": "M", "jahre": "Y", "stunden": "H", "minuten": "MIN",
                    "sekunden": "S", "jahrzehnte": "DE"}  # fmt: skip


@rule(
    rf"(?<!\w)(?i:alle)\s+(?P<num>\d{{1,3}}|{NUM_DE})\s+(?P<u>Tage|Wochen|Monate|Jahre|Stunden|Minuten|Sekunden|"
    r"Jahrzehnte)(?!\w)",
    "de",
    on=("unit",),
    window=(24, 4),
)
def de_set_every_n(m: re.Match[str], text: str) -> Cand | None:
    if next_word(text, m.end()).lower() in _ALL_THREE_VERB:
        return None
    n = num(m["num"], lx.NUMBERS_DE)
    if n is None or n != int(n) or n < 2:
        return None  # "alle paar Tage" is no fixed period; "alle ein Jahre" no German
    return cand(m, "SET", Lit(dur_value(n, _EVERY_N_UNIT_DE[m["u"].lower()])), prio=3)


@rule(
    rf"(?<!\w)(?i:every)\s+(?P<num>\d{{1,3}}|{NUM_EN})\s+(?P<u>days|weeks|months|years|hours|minutes|seconds|"
    r"decades)(?!\w)",
    "en",
    on=("unit",),
    window=(24, 4),
)
def en_set_every_n(m: re.Match[str], text: str) -> Cand | None:
    """ "every two weeks", "every 15 minutes": every n units."""
    n = num(m["num"], lx.NUMBERS_EN)
    if n is None or n != int(n) or n < 2:
        return None
    return cand(m, "SET", Lit(dur_value(n, lx.UNITS_EN[m["u"].lower()])), prio=3)
