"""Vague references (PRESENT_REF / PAST_REF / FUTURE_REF: "derzeit", "damals", "bald", "now", "recently")
and holidays ("Ostern", "Heiligabend 2019", "Christmas", "Thanksgiving")."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import Y4, cand, next_word, rule, year
from newsdigest.extract.temporal.payloads import Cand, Holiday, Lit


@rule(
    rf"(?<![\w-])(?P<w>(?i:{lx.alt(lx.REFS_DE)}))(?![\w-])|(?<![\w-])(?P<ex>Ex)-(?=\w)"
    r"|(?<!\w)(?P<eh>[Ee]hemalig(?:e|en|er|es|em)?)(?!\w)",
    "de",
    on=("ref",),
    window=(10, 24),
)
def de_ref(m: re.Match[str], text: str) -> Cand:
    if m["ex"]:
        return cand(m, "DATE", Lit("PAST_REF"), group="ex", prio=6)
    if m["eh"]:
        return cand(m, "DATE", Lit("PAST_REF"), prio=6)
    return cand(m, "DATE", Lit(lx.REFS_DE[" ".join(m["w"].lower().split())]), prio=6)


_NOT_ONCE_NEXT = frozenset(["again", "more", "a", "the", "you", "it", "they"])


@rule(rf"(?<![\w-])(?P<w>(?i:{lx.alt(lx.REFS_EN)}))(?![\w-])", "en", on=("ref",), window=(10, 30))
def en_ref(m: re.Match[str], text: str) -> Cand | None:
    w = " ".join(m["w"].lower().split())
    if w == "once" and next_word(text, m.end()).lower() in _NOT_ONCE_NEXT:
        return None
    return cand(m, "DATE", Lit(lx.REFS_EN[w]), prio=6)


@rule(
    rf"(?<!\w)(?P<w>(?i:{lx.alt(lx.HOLIDAYS_DE)}))(?!\w)(?:\s+(?P<y>{Y4})(?!\d))?",
    "de",
    on=("holiday",),
    window=(40, 40),
)
def de_holiday(m: re.Match[str], text: str) -> Cand | None:
    if m["w"][0].islower():
        return None
    kind, a, b = lx.HOLIDAYS_DE[" ".join(m["w"].lower().split())]
    return cand(m, "DATE", Holiday(kind, a, b, year(m["y"])), prio=3)


HOLIDAY_WORDS_EN = lx.alt(w.title().replace("'S", "'s") for w in lx.HOLIDAYS_EN)


@rule(rf"(?<!\w)(?P<w>{HOLIDAY_WORDS_EN})(?!\w)(?:,?\s+(?P<y>{Y4})(?!\d))?", "en", on=("holiday",), window=(30, 20))
def en_holiday(m: re.Match[str], text: str) -> Cand:
    kind, a, b = lx.HOLIDAYS_EN[" ".join(m["w"].lower().split())]
    return cand(m, "DATE", Holiday(kind, a, b, year(m["y"])), prio=3)
