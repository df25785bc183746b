"""Reading `/subscribe` and `/remind` arguments (pure): time, zone, filters, style, offsets; the rest names a story.

`/subscribe 08:00 CET`, `/subscribe 8am Berlin +Oracle -gaming`, `/subscribe 07:30 Europe/Berlin tiktok thread`,
`/remind tiktok 3d,1d,0d 18:00`. Time, zone and keywords may come in any order; whatever is left over is the
story's name, which the command then looks up (and refuses when no story matches: no silent surprises). A city
counts as a zone right after the time ("08:00 Berlin"); elsewhere it may be part of a story's name ("Gaza truce").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsdigest.digests.filters import WordFilter, is_filter_token, parse_filter
from newsdigest.digests.slots import BadTimeError, parse_hhmm
from newsdigest.digests.zones import MAX_WORDS, zone_for_words

STYLE_WORDS = {"thread": "thread", "threaded": "thread"}
MAX_OFFSET_DAYS = 60
_CLOCK12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$", re.IGNORECASE)
_MERIDIEM = ("am", "pm", "a.m", "p.m")
_OFFSETS = re.compile(r"^\d{1,2}d?(?:,\d{1,2}d?)*,?$", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"^\d{1,3}[^\W\d_]+$")  # "3x", "3tage"


class UnknownZoneError(ValueError):
    """A word written as a time zone (Area/City) that the tz database does not know."""


class BadOffsetsError(ValueError):
    """Reminder offsets that are not a list of days (3d,1d,0d)."""


@dataclass(frozen=True)
class FollowArgs:
    time: str | None = None  # HH:MM when given
    tz: str | None = None  # IANA zone when given
    story: str | None = None  # the words left over
    filters: WordFilter = field(default_factory=WordFilter)
    style: str = ""  # "" | "thread"
    offsets: tuple[int, ...] | None = None  # /remind only


def looks_like_time(token: str) -> bool:
    # "8:00", "25:00", "7.30", "0800", "8am": meant as a time (and refused with the right form when wrong)
    if _CLOCK12.match(token):
        return True
    return any(c.isdigit() for c in token) and (":" in token or all(c.isdigit() or c == "." for c in token))


def parse_time(token: str) -> str:
    """'8:05' -> '08:05', '8am' -> '08:00', '7:30pm' -> '19:30', '12am' -> '00:00'; raises BadTimeError."""
    m = _CLOCK12.match(token)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise BadTimeError(token)
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
        return f"{hour:02d}:{minute:02d}"
    at = parse_hhmm(token)
    return f"{at.hour:02d}:{at.minute:02d}"


def parse_offsets(token: str) -> tuple[int, ...]:
    """'3d,1d,0d' -> (3, 1, 0): distinct, largest first; raises BadOffsetsError."""
    if not _OFFSETS.match(token):
        raise BadOffsetsError(token)
    days = {int(part.rstrip("dD")) for part in token.split(",") if part}
    if not days or max(days) > MAX_OFFSET_DAYS:
        raise BadOffsetsError(token)
    return tuple(sorted(days, reverse=True))


def _looks_like_offsets(token: str) -> bool:
    """Days before a date, or a mistyped try at them ("3x", "3tage"): a number with letters that is no time
    gets the offsets' own error ("write them like 3d,1d,0d"), not "no story matches"."""
    if re.match(r"^\d{1,3}d\b", token, re.IGNORECASE) or ("," in token and token[:1].isdigit()):
        return True
    return bool(_NUMBER_WORD.match(token)) and not looks_like_time(token)


def parse_follow_args(args: str, *, offsets: bool = False) -> FollowArgs:
    """Split arguments into their parts; raises BadTimeError, UnknownZoneError, FilterError or BadOffsetsError."""
    tokens = args.split()
    time = tz = style = None
    days: tuple[int, ...] | None = None
    filters: list[str] = []
    story: list[str] = []
    i = 0
    time_ends = -1  # index of the token the time ended at: a city right after it is a zone
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if offsets and days is None and _looks_like_offsets(tok):
            days = parse_offsets(tok)
        elif time is None and tok.isdigit() and nxt.lower().strip(".") in _MERIDIEM:
            time = parse_time(tok + nxt.replace(".", ""))
            i += 1
            time_ends = i
        elif time is None and looks_like_time(tok):
            time = parse_time(tok)
            time_ends = i
        elif is_filter_token(tok) or tok.startswith("+") or (tok.startswith("-") and len(tok) > 1):
            filters.append(tok)  # "+", "++x", "--x": a try at a filter, which gets the filter's own error
        elif tok.casefold() in STYLE_WORDS and not offsets:
            style = STYLE_WORDS[tok.casefold()]
        elif tz is None and (found := _zone_at(tokens, i, cities=time_ends >= 0 and i == time_ends + 1)) is not None:
            tz, used = found
            i += used - 1
        else:
            story.append(tok)
        i += 1
    return FollowArgs(time, tz, " ".join(story) or None, parse_filter(" ".join(filters)), style or "", days)


def _zone_at(tokens: list[str], i: int, *, cities: bool) -> tuple[str, int] | None:
    """The zone named by the longest run of words starting at i (e.g. 'New York'), with how many words it took."""
    if "/" in tokens[i]:
        zone = zone_for_words(tokens[i])
        if zone is None:
            raise UnknownZoneError(tokens[i])
        return zone, 1
    for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
        zone = zone_for_words(" ".join(tokens[i : i + n]), cities=cities)
        if zone is not None:
            return zone, n
    return None
