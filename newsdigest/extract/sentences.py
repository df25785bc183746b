"""Sentence splitting with offsets into the text exactly as given.

Rules that matter for German and English news:
- every line is a paragraph; a short line without final punctuation is a headline unit of its own;
- a period after a known abbreviation, an initial ("J.") or an ordinal day ("15. September", "3. Liga")
  does not end a sentence; a period followed by a lowercase word does not either;
- closing quotes and brackets after the final punctuation belong to the sentence.
One regex pass per line: linear in the input length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import islice

from newsdigest.extract.temporal import lexicon as lx

__all__ = ["SpanSet", "Unit", "count_words", "paragraphs", "sentence_at", "split", "words"]

HEADLINE_MAX_WORDS = 14
_FINAL = ".!?…:;\"“”»«'’)]"

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
# a candidate boundary: final punctuation, optional closing quotes/brackets, then whitespace
_BOUNDARY = re.compile(r"[.!?…]+[\"“”»«'’)\]]*(?=\s)")
_WORD = re.compile(r"\w[\w'’.-]*", re.UNICODE)
_ALNUM = re.compile(r"[^\W_]")  # str.isalnum(): regex \w is isalnum() or "_"
_NEXT_WORD = re.compile(r"\s*(\S{0,40})")
_PREV_TOKEN = re.compile(r"(\S+?)[.!?…]+[\"“”»«'’)\]]*$")

_ABBREV = frozenset(
    [
        "z",
        "b",
        "zb",
        "bzw",
        "ca",
        "usw",
        "etc",
        "vgl",
        "u",
        "a",
        "d",
        "h",
        "dr",
        "prof",
        "nr",
        "hr",
        "fr",
        "st",
        "str",
        "abs",
        "art",
        "jh",
        "jhd",
        "geb",
        "gest",
        "inkl",
        "exkl",
        "zzgl",
        "ggf",
        "evtl",
        "sog",
        "bspw",
        "tel",
        "dipl",
        "ing",
        "mag",
        "mr",
        "mrs",
        "messrs",
        "ms",
        "inc",
        "corp",
        "ltd",
        "co",
        "jr",
        "sr",
        "vs",
        "no",
        "jan",
        "feb",
        "mär",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "oct",
        "nov",
        "dez",
        "dec",
        "gen",
        "lt",
        "col",
        "gov",
        "sen",
        "rep",
        "mt",
        "ff",
        "bd",
        "hrsg",
        "aufl",
        "ziff",
        "lit",
        "kap",
        "tab",
        "abb",
        "anm",
        "min",
        "max",
        "std",
        "sek",
        "mio",
        "mrd",
        "tsd",
        "bzgl",
        "gem",
        "lfd",
        "resp",
        "u.a",
        "d.h",
        "z.b",
        "u.s",
        "usa",
        "e.v",
        "i.e",
        "e.g",
        "al",
        "approx",
        "dept",
        "est",
        "fig",
        "univ",
    ]
)
_MONTHS = lx.MONTH_WORDS
# sentence starters that make "3. Die …" a real boundary despite the ordinal-looking number
_STARTERS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "es",
        "er",
        "sie",
        "wir",
        "ich",
        "ihr",
        "man",
        "in",
        "im",
        "am",
        "an",
        "auf",
        "aus",
        "bei",
        "mit",
        "nach",
        "von",
        "vom",
        "zum",
        "zur",
        "und",
        "aber",
        "doch",
        "auch",
        "so",
        "als",
        "wenn",
        "weil",
        "dass",
        "da",
        "dann",
        "damit",
        "trotz",
        "nun",
        "noch",
        "jetzt",
        "heute",
        "laut",
        "nur",
        "the",
        "a",
        "an",
        "it",
        "he",
        "she",
        "we",
        "they",
        "i",
        "in",
        "on",
        "at",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "so",
        "yet",
        "for",
        "however",
    ]
)


@dataclass(frozen=True)
class Unit:
    """A sentence or a headline line: text[start:end] is its text (stripped of surrounding spaces)."""

    start: int
    end: int
    kind: str  # sentence | headline
    para: int  # index of the paragraph (line) it belongs to


def words(s: str) -> list[str]:
    return _WORD.findall(s)


def count_words(s: str, cap: int) -> int:
    """min(len(words(s)), cap), without scanning a long paragraph past the cap-th word."""
    return sum(1 for _ in islice(_WORD.finditer(s), cap))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end), stripped of surrounding whitespace."""
    out: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        s, e = _strip(text, m.start(), m.end())
        if s < e:
            out.append((s, e))
    return out


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def is_headline(line: str) -> bool:
    """Short line without sentence-final punctuation."""
    stripped = line.rstrip()
    if not stripped:
        return False
    n = count_words(stripped, HEADLINE_MAX_WORDS + 1)
    if n > HEADLINE_MAX_WORDS:
        return False
    return stripped[-1] not in ".!…:;\"“”»«'’" or (stripped.endswith("?") and n <= 10)


def split(text: str) -> list[Unit]:
    units: list[Unit] = []
    for pi, (ps, pe) in enumerate(paragraphs(text)):
        line = text[ps:pe]
        if is_headline(line):
            units.append(Unit(ps, pe, "headline", pi))
            continue
        start = 0
        for m in _BOUNDARY.finditer(line):
            if _is_boundary(line, start, m.start(), m.end()):
                _add(units, line, ps, pi, start, m.end())
                start = m.end()
        _add(units, line, ps, pi, start, len(line))
    return units


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence(s) holding text[start:end], by the same rules as `split` (an ordinal such as
    "12. November" ends no sentence). Only the paragraph (line) around the span is split."""
    if not 0 <= start <= end <= len(text):
        return start, start
    lo = max(text.rfind(c, 0, start) for c in "\n\r\u2028\u2029") + 1
    ends = [i for c in "\n\r\u2028\u2029" if (i := text.find(c, end)) != -1]
    hi = min(ends) if ends else len(text)
    units = [u for u in split(text[lo:hi]) if u.start + lo < max(end, start + 1) and u.end + lo > start]
    if not units:
        return start, end
    return units[0].start + lo, units[-1].end + lo


def _add(units: list[Unit], line: str, ps: int, pi: int, start: int, end: int) -> None:
    s, e = _strip(line, start, end)
    if s >= e:
        return
    if units and units[-1].para == pi and _ALNUM.search(line, s, e) is None:
        prev = units[-1]  # a stray closing quote belongs to the sentence before it
        units[-1] = Unit(prev.start, ps + e, prev.kind, pi)
        return
    units.append(Unit(ps + s, ps + e, "sentence", pi))


def _next_word(line: str, pos: int) -> str:
    """Up to 40 non-space characters after the spaces at `pos` (regex \\s is str.isspace)."""
    m = _NEXT_WORD.match(line, pos)
    return m.group(1) if m else ""


def _is_boundary(line: str, sent_start: int, punct_start: int, punct_end: int) -> bool:
    nxt = _next_word(line, punct_end)
    if not nxt:
        return True
    first = nxt[0]
    if first.islower():
        return False
    punct = line[punct_start:punct_end]
    if not punct.startswith("."):
        return True  # ! ? … end a sentence before any non-lowercase word
    if punct.rstrip("\"“”»«'’)]") != "." or len(punct.rstrip("\"“”»«'’)]")) > 1:
        return True  # "..." or a quote closed after the period
    # the token before the period
    ws = line.rfind(" ", max(sent_start, punct_start - 40), punct_start)
    prev = line[ws + 1 : punct_start]
    prev_l = prev.lower().lstrip("(\"„“'")
    if not prev_l:
        return True
    nxt_l = nxt.lower().strip(".,;:!?\"“”„'’()")
    if prev_l in _ABBREV:
        return nxt_l in _STARTERS and prev_l not in _MONTHS and len(prev_l) > 2
    if len(prev_l) == 1 and prev_l.isalpha():
        return False  # an initial: "Donald J. Trump"
    if "." in prev_l and all(len(p) <= 2 for p in prev_l.split(".")):
        return nxt_l in _STARTERS  # dotted acronym "U.S." / "z.B."
    if prev_l.isdigit() and len(prev_l) <= 2:
        # ordinal: "15. September", "3. Liga"; a real end only before a typical sentence starter
        return nxt_l not in _MONTHS and nxt_l in _STARTERS
    return True


class SpanSet:
    """Sorted, non-overlapping spans with O(log n) membership and overlap tests."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]

    def __bool__(self) -> bool:
        return bool(self._spans)

    def contains(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._spans[i][1]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0 and start < self._spans[i][1]:
            return True
        j = i + 1
        return j < len(self._spans) and self._spans[j][0] < end
