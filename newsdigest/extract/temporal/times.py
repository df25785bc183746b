"""Clock times: "20.30 Uhr", "um 8:15", "10 bis 12 Uhr", "9 a.m.", "at noon"."""

from __future__ import annotations

import re

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.extract.temporal.common import E, cand, next_word, rule
from newsdigest.extract.temporal.payloads import Cand, Clock

_DP_ADV_DE = r"morgens|früh|vormittags|mittags|nachmittags|abends|nachts"


@rule(
    rf"(?<![\d.,:])(?P<h>2[0-4]|[01]?\d)(?:[.:](?P<mi>[0-5]\d))?\s*Uhr{E}(?:\s+(?P<dp>{_DP_ADV_DE}){E})?",
    "de",
    on=("uhr",),
    window=(12, 20),
)
def de_clock(m: re.Match[str], text: str) -> Cand | None:
    return time_cand(m, int(m["h"]), int(m["mi"] or 0), m["dp"])


@rule(
    r"(?<![\d.,:])(?P<h>2[0-4]|[01]?\d)(?:[.:](?P<mi>[0-5]\d))?(?=\s*(?:[-–]|bis)\s*(?:2[0-4]|[01]?\d)"
    r"(?:[.:][0-5]\d)?\s*Uhr(?!\w))",
    "de",
    on=("uhr",),
    window=(40, 6),
)
def de_clock_range(m: re.Match[str], text: str) -> Cand | None:
    return time_cand(m, int(m["h"]), int(m["mi"] or 0), None)


@rule(
    r"(?<!\w)(?i:um|ab|gegen|bis|von|zwischen)\s+(?P<h>2[0-3]|[01]?\d)[.:](?P<mi>[0-5]\d)(?!\d|[.,:]\d|\s*[%€$])",
    "de",
    on=("digit",),
    window=(14, 8),
)
def de_clock_bare(m: re.Match[str], text: str) -> Cand | None:
    nxt = next_word(text, m.end())
    if nxt[:1].isupper() or nxt.lower() in lx.YEAR_BAD_NEXT:
        return None
    return time_cand(m, int(m["h"]), int(m["mi"]), None, group="h", end_group="mi")


def time_cand(
    m: re.Match[str], h: int, mi: int, dp: str | None, group: int | str = 0, end_group: int | str | None = None
) -> Cand | None:
    if dp and dp.lower() in ("nachmittags", "abends") and h < 12:
        h += 12
    if dp and dp.lower() == "nachts" and 7 <= h < 12:
        h += 12
    if h > 24 or (h == 24 and mi):
        return None
    return cand(m, "TIME", Clock(h, mi), group=group, end_group=end_group, prio=3)


@rule(
    r"(?<![\w.:])(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]m|[AP]M|[AP]\.M\.)(?![\w])"
    r"|(?<![\w.:])(?P<h2>1[0-2]|0?[1-9])\s+o['’]clock(?!\w)",
    "en",
    on=("digit",),
    window=(4, 12),
)
def en_clock_ampm(m: re.Match[str], text: str) -> Cand | None:
    if m["h2"]:
        return time_cand(m, int(m["h2"]), 0, None)
    h = int(m["h"]) % 12
    if m["ap"].lower().startswith("p"):
        h += 12
    return time_cand(m, h, int(m["mi"] or 0), None)


@rule(
    r"(?<!\w)(?i:at|from|until|till|by|before|after|around|to)\s+(?:(?P<h>2[0-3]|[01]?\d):(?P<mi>[0-5]\d)(?![\d:])"
    r"|(?P<w>noon|midday|midnight))(?!\w)",
    "en",
    on=("digit", "clockw"),
    window=(16, 10),
)
def en_clock_24(m: re.Match[str], text: str) -> Cand | None:
    if m["w"]:
        return time_cand(m, 24 if m["w"] == "midnight" else 12, 0, None, group="w")
    return time_cand(m, int(m["h"]), int(m["mi"]), None, group="h", end_group="mi")


@rule(
    r"(?<!\w)(?i:um|bis|gegen|ab|vor|nach)\s+(?P<w>Mitternacht)(?!\w)",
    "de",
    on=("clockw",),
    window=(8, 14),
)
def de_clock_word(m: re.Match[str], text: str) -> Cand | None:
    """ "um Mitternacht", "bis Mitternacht": 24:00 of the day (as "midnight" in English)."""
    return time_cand(m, 24, 0, None, group="w")


_HOURS_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip


@rule(
    r"(?<!\w)(?i:at|by|until|till|before|after|around|about|from|since|to)\s+"
    r"(?P<h>1[0-2]|0?[1-9]|(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))"
    r"(?::(?P<mi>[0-5]\d))?(?:\s+o['’]clock)?\s+(?P<dp>in\s+the\s+(?:morning|afternoon|evening)|at\s+night)(?!\w)",
    "en",
    on=("part",),
    window=(40, 4),
)
def en_clock_daypart(m: re.Match[str], text: str) -> Cand | None:
    """ "at 4 in the morning", "until eight in the evening", "at 11 at night": a clock time its part of day puts in
    the 12-hour half (a bare "at 4" stays untagged, it may be a count)."""
    word = m["h"].lower()
    h = _HOURS_EN[word] if word in _HOURS_EN else int(word)
    dp = m["dp"].split()[-1].lower()
    if dp == "morning":
        h %= 12  # "12 in the morning" is midnight's hour
    elif dp in ("afternoon", "evening") or (dp == "night" and h >= 6):
        h = h % 12 + 12
    return time_cand(m, h, int(m["mi"] or 0), None, group="h", end_group="dp")
