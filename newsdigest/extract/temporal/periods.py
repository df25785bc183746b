"""Parts of a year: seasons ("im Herbst", "last spring"), quarters and halves ("drittes Quartal", "Q3/2020",
"the fiscal first quarter", "the quarter", "the 1988 quarter")."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import (
    REL_YEAR_DE,
    SEASON_DE,
    Y4,
    B,
    E,
    cand,
    mod_de,
    mod_en,
    prev_word,
    rel_offset,
    rule,
    year,
)
from newsdigest.extract.temporal.payloads import Cand, Quarter, QuarterRef, Season

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
    r"(?:(?P<pre>(?i:this\s+past|last|next|this|coming|past|the))\s+)?(?P<s>spring|summer|autumn|fall|winter)(?!\w)"
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
    pre = " ".join((m["pre"] or "").lower().split())
    if pre == "this past":
        return cand(m, "DATE", Season(None, lx.SEASONS_EN[m["s"]], mod_en(m["mod"]), latest=True), prio=3)
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


_ENDED = re.compile(r"\s+(?:that\s+)?end(?:ed|ing|s)\b")


# "the quarter", "that quarter", "the latest quarter": the quarter the report is about
@rule(
    r"(?<!\w)(?P<det>(?i:the|that|this|the\s+latest|the\s+current|the\s+recent|the\s+same|the\s+most\s+recent|"
    r"the\s+just-ended|the\s+just\s+ended))\s+(?:(?P<y>(?:19|20)\d\d)\s+(?:quarter|period)|quarter|(?<=latest\s)period)(?![\w-])"
    r"(?!\s+(?:of|century|point|percent|share|stake))",
    "en",
    on=("quarter",),
    window=(30, 30),
)
def en_quarter_ref(m: re.Match[str], text: str) -> Cand:
    det = " ".join(m["det"].lower().split())
    if m["y"]:
        return cand(m, "DATE", QuarterRef(-1, int(m["y"])), prio=3)
    if det == "the" and _ENDED.match(text, m.end()):  # fiscal quarters are counted from the company's year
        return cand(m, "DATE", QuarterRef(-1, ended=True), prio=3)
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
