"""Shared building blocks of the rule families: regex fragments, the rule registry and small helpers.

A rule is one precompiled regex and a handler that turns a match into candidates or rejects it (None). Each rule
names the trigger categories (see `scan.TRIGGER_WORDS`) it needs and how far around a trigger a match can reach:
the scanner runs it only in those windows, so most of an article is never looked at by most rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.payloads import Abs, Cand, Payload

Handler = Callable[[re.Match[str], str], "Iterable[Cand] | Cand | None"]


@dataclass(frozen=True, slots=True)
class Rule:
    rx: re.Pattern[str]
    fn: Handler
    triggers: tuple[str, ...]
    left: int  # chars a match may start before its trigger
    right: int  # chars it may end after it


RULES: dict[str, list[Rule]] = {"de": [], "en": []}


def rule(pattern: str, *langs: str, on: tuple[str, ...], window: tuple[int, int]) -> Callable[[Handler], Handler]:
    """Register `fn` for `langs`: it runs on matches of `pattern` found within `window` of an `on` trigger."""
    rx = re.compile(pattern)

    def deco(fn: Handler) -> Handler:
        for lang in langs:
            RULES[lang].append(Rule(rx, fn, on, *window))
        return fn

    return deco


B = r"(?<![\w])"  # left word boundary that also works before umlauts and digits
E = r"(?![\w])"
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
Y4 = r"(?:1[0-9]|20|21)\d\d"
MON_DE = lx.alt_cap(k for k in lx.MONTHS_DE if not k.endswith("."))
MON_DE_ABBR = lx.alt_cap(k for k in lx.MONTHS_DE if k.endswith("."))
MON_EN_FULL = lx.alt_cap(k for k in lx.MONTHS_EN if len(k) > 4 or k in {"may", "june", "july"})
MON_EN_ABBR = lx.alt_cap(k for k in lx.MONTHS_EN if not k.endswith(".") and len(k) <= 4 and k not in {"may"})
WD_DE = lx.alt_cap(lx.WEEKDAYS_DE)
WD_EN = lx.alt_cap(lx.WEEKDAYS_EN)
NUM_DE = "(?i:" + lx.alt(lx.NUMBERS_DE) + ")"
NUM_EN = "(?i:" + lx.alt(lx.NUMBERS_EN) + ")"
UNIT_DE = lx.alt_cap(lx.UNITS_DE)
UNIT_EN = lx.alt(lx.UNITS_EN)
INFL = r"(?:e|en|er|es|em)?"
SEASON_DE = r"(?:Frühjahr|Frühling|Sommer|Herbst|Winter)(?:s|es)?"
MOD_EN = r"(?i:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"
REL_YEAR_DE = r"(?P<rel>dies|nächst|kommend|letzt|vergangen|vorig|laufend|folgend)(?:e|en|er|es|em)\s+Jahres"

MODS_DE = {"anfang": "START", "beginn": "START", "ende": "END", "ausgang": "END", "mitte": "MID"}
MODS_EN = {"early": "START", "the beginning of": "START", "the start of": "START", "mid": "MID",
           "the middle of": "MID", "late": "END", "the end of": "END"}  # fmt: skip

_NEXT_WORD = re.compile(r"\s*([\w]+)")


def prev_word(text: str, pos: int) -> str:
    parts = text[max(0, pos - 40) : pos].rstrip(" ,\t\n").rsplit(None, 1)
    return parts[-1].lstrip("([\"'„“»«") if parts else ""


def next_word(text: str, pos: int) -> str:
    m = _NEXT_WORD.match(text, pos, min(len(text), pos + 40))
    return m.group(1) if m else ""


def month_of(word: str) -> int:
    w = word.lower()
    return lx.MONTHS_DE.get(w) or lx.MONTHS_DE.get(w + ".") or lx.MONTHS_EN.get(w) or lx.MONTHS_EN[w.rstrip(".")]


def month_in_de(word: str) -> bool:
    """True when `word` is only a German month name (so English order needs an ordinal suffix there)."""
    return word.lower() in lx.MONTHS_DE and word.lower() not in lx.MONTHS_EN


def mod_en(word: str | None) -> str | None:
    return MODS_EN.get(" ".join((word or "").lower().split()))


def mod_de(word: str | None) -> str | None:
    return MODS_DE.get((word or "").lower())


def num(word: str, table: dict[str, float | None]) -> float | None:
    w = " ".join(word.lower().split())
    if w in table:
        return table[w]
    return float(w.replace(",", "."))


def dur_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration value: P2Y, PT3H, PXD, P2Q, P1.5Y -> P18M."""
    if unit == "2W":
        n, unit = (2 * n if n is not None else None), "W"
    down = {"Y": (12, "M"), "W": (7, "D"), "D": (24, "H"), "H": (60, "MIN"), "MIN": (60, "S")}
    if n is not None and n != int(n) and unit in down:  # fractional: the rest in the next smaller unit
        mul, du = down[unit]
        whole, rest = int(n), (n - int(n)) * mul
        if whole and rest == int(rest):  # "2 1/2 years" -> P2Y6M, "5 1/2 hours" -> PT5H30M
            return _composite(whole, unit, int(rest), du)
        n, unit = n * mul, du
    q = "X" if n is None else str(int(n)) if n == int(n) else str(n)
    if unit in ("H", "MIN", "S"):
        return f"PT{q}{'M' if unit == 'MIN' else unit}"
    return f"P{q}{unit}"


def _composite(whole: int, unit: str, rest: int, small: str) -> str:
    if unit == "H":
        return f"PT{whole}H{rest}M"
    if unit == "MIN":
        return f"PT{whole}M{rest}S"
    if unit == "D":
        return f"P{whole}DT{rest}H"
    return f"P{whole}{unit}{rest}{small}"


def cand(
    mt: re.Match[str],
    typ: str,
    p: Payload,
    /,
    group: int | str = 0,
    end_group: int | str | None = None,
    prio: int = 5,
) -> Cand:
    """A candidate spanning `group` (to `end_group`) of the match."""
    return Cand(mt.start(group), mt.end(end_group if end_group is not None else group), typ, p, prio)


def year(s: str | None) -> int | None:
    """A written year as a number: two digits are 19xx/20xx; -1 for a number that is no plausible year."""
    if not s:
        return None
    y = int(s)
    if y < 100:
        return 2000 + y if y < 50 else 1900 + y
    return y if 1000 <= y <= 2199 else -1


def abs_date(
    m: re.Match[str],
    *,
    d: int | None,
    mon: int,
    y: str | None,
    prio: int = 3,
    mod: str | None = None,
    group: int | str = 0,
) -> Cand | None:
    yr = year(y)
    if yr == -1 or not 1 <= mon <= 12:
        return None
    if d is not None:
        dt.date(yr or 2000, mon, d)  # ValueError on 31 February etc.; caught by the scanner
    return cand(m, "DATE", Abs(yr, mon, d, mod), group=group, prio=prio)


def rel_offset(word: str | None) -> int | None:
    """-1 / 0 / +1 for last / this / next words of either language."""
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
