"""Merging the same fact reported by several articles into one item with its sources. Pure.

Key points merge when their content words overlap strongly (crude prefix stemming makes "Angebot"
and "Angebots" one word, and works the same for English) and they state no different facts: "will
vote on December 12" and "vote postponed to January 22" stay two developments. Each merged item keeps every mention,
so `/why N` can show the sentences and articles behind it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import NamedTuple

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.stories.outcomes import opposite
from newsdigest.stories.terms import _STOP

STEM = 6
MIN_OVERLAP = 0.6  # shared stems / stems of the shorter point
MIN_SHARED = 3
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


class Mention(NamedTuple):
    """One article's statement of a fact: where it stands, so it can be quoted back. A named tuple, not a frozen
    dataclass: a rebuilt ledger makes one per mention of the story (hundreds), at a third of the cost."""

    article_id: int
    published: dt.date | None
    text: str
    start: int
    end: int
    ref_id: int  # the key point / deadline row id


@dataclass(frozen=True)
class PointIn:
    """A key point as loaded for merging."""

    id: int
    article_id: int
    text: str
    kind: str
    score: float
    start: int
    end: int
    published: dt.date | None


@dataclass
class MergedPoint:
    key: str  # stable: "k" + the smallest key point id in the group
    text: str
    kind: str
    score: float
    mentions: list[Mention] = field(default_factory=list)  # only ever appended to
    stems: frozenset[str] = frozenset()
    # (mentions counted, first day, last day) and (mentions counted, article ids): the ranking and the brief ask for
    # these hundreds of times
    _days: tuple[int, dt.date | None, dt.date | None] = field(default=(-1, None, None), init=False, repr=False,
                                                               compare=False)
    _ids: tuple[int, tuple[int, ...]] = field(default=(-1, ()), init=False, repr=False, compare=False)

    @property
    def article_ids(self) -> list[int]:
        if self._ids[0] != len(self.mentions):  # computed again once a mention was appended
            self._ids = (len(self.mentions), tuple(sorted({m.article_id for m in self.mentions})))
        return list(self._ids[1])

    def _span(self) -> tuple[int, dt.date | None, dt.date | None]:
        if self._days[0] != len(self.mentions):
            days = [m.published for m in self.mentions if m.published]
            self._days = (len(self.mentions), min(days) if days else None, max(days) if days else None)
        return self._days

    @property
    def first_published(self) -> dt.date | None:
        return self._span()[1]

    @property
    def last_published(self) -> dt.date | None:
        return self._span()[2]


_FACT = re.compile(r"\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTHS = lx.MONTH_WORDS


@functools.lru_cache(maxsize=16384)
def facts(text: str) -> frozenset[str]:
    """Numbers and month names a sentence states: two tellings with different ones are different turns."""
    low = text.lower()
    return frozenset(_FACT.findall(low)) | frozenset(w for w in re.findall(r"\w+", low) if w in _MONTHS)


# What makes a later report a new turn of a story, not a retelling (word beginnings, German and English).
TURN_MARKERS: dict[str, tuple[str, ...]] = {
    "moved": ("verlänger", "verschob", "verschieb", "vertag", "extend", "extension", "postpon", "delay", "pushed back"),
    "ended": ("beendet", "aufgehoben", "abgesagt", "gekippt", "eingestellt", "called off", "scrapped", "lifted",
              "cancel", "ended"),
    "agreed": ("einig", "zugestimmt", "beschlossen", "agreed", "approved", "deal reached"),
    "refused": ("abgelehnt", "lehnt", "rejected", "refused", "turned down"),
    "started": ("begonnen", "beginnt", "in kraft", "began", "begins", "came into force"),
}


@functools.lru_cache(maxsize=16384)
def turn_markers(text: str) -> frozenset[str]:
    low = text.casefold()
    return frozenset(kind for kind, stems_ in TURN_MARKERS.items()
                     if any(re.search(r"\b" + re.escape(st), low) for st in stems_))


APART_DAYS = 2  # tellings further apart than this are one turn only when they say nearly the same


def days_apart(a: dt.date | None, b: dt.date | None) -> int:
    return abs((a - b).days) if a is not None and b is not None else 0


@functools.lru_cache(maxsize=65536)
def conflicting(a: str, b: str) -> bool:
    """Two statements with different facts (other dates or numbers) are different developments.

    A year one of them adds ("12 December" / "12 December 2020") is detail, not a different fact. Cached: a
    rebuilt view compares the same pairs of sentences again (a few MB at most)."""
    fa, fb = facts(a), facts(b)
    if not (fa and fb):
        return False
    return any(not _YEAR.fullmatch(f) for f in fa ^ fb)


@functools.lru_cache(maxsize=16384)
def stems(text: str) -> frozenset[str]:
    """Content-word stems (first STEM letters); cached since the same sentences are compared on every command."""
    return frozenset(w[:STEM] for w in _TOKEN.findall(text.lower()) if len(w) >= 3 and w not in _STOP)


def similar(a: frozenset[str], b: frozenset[str], *, min_overlap: float = MIN_OVERLAP, min_shared: int = MIN_SHARED) -> bool:
    if not a or not b:
        return False
    shared = len(a & b)
    return shared >= min(min_shared, len(a), len(b)) and shared / min(len(a), len(b)) >= min_overlap


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def stem_weights(texts: Iterable[str]) -> dict[str, float]:
    """How telling each stem is within one story: a stem most of its sentences use (its main names) weighs
    little, so sharing it does not make two statements one (idf over the story's sentences, in (0, 1])."""
    sets = [stems(t) for t in texts]
    n = len(sets)
    if n < 4:  # too few sentences to tell what is common
        return {}
    df = Counter(chain.from_iterable(sets))  # stem -> sentences using it
    norm = math.log(1 + n)
    by_count = {c: math.log(1 + n / c) / norm for c in set(df.values())}
    return {st: by_count[c] for st, c in df.items()}


def weighted_overlap(a: frozenset[str], b: frozenset[str], weight: dict[str, float]) -> float:
    """Shared weight / the lighter side's weight (plain `overlap` when no weights are known)."""
    if not weight:
        return overlap(a, b)
    return _weighted_overlap(a, b, weight, _mass(a, weight), _mass(b, weight))


def _mass(s: frozenset[str], weight: dict[str, float]) -> float:
    return sum(map(weight.get, s, repeat(1.0)))  # weight.get(x, 1.0) for each x, summed in the same order


def _weighted_overlap(a: frozenset[str], b: frozenset[str], weight: dict[str, float], wa: float, wb: float) -> float:
    shared = _mass(a & b, weight)
    return shared / min(wa, wb) if wa and wb else 0.0


def merge_points(points: Iterable[PointIn]) -> list[MergedPoint]:
    """Group near-identical key points (best-scored first); the representative text is the best-scored one.

    Two points are one when they share enough stems (`similar`), enough of their telling weight (stems
    the whole story uses count little) and state no different facts."""
    points = sorted(points, key=lambda p: (-p.score, p.id))
    weight = stem_weights(p.text for p in points)
    masses: dict[str, float] = {}
    groups: list[MergedPoint] = []
    sizes: list[int] = []  # each group's stem count (len(groups[i].stems))
    by_stem: dict[str, list[int]] = {}  # stem -> groups having it: similar groups share a stem, so only those are tried
    for p in points:
        s = stems(p.text)
        n = len(s)
        shared: dict[int, int] = {}  # group -> stems it shares with this point (by_stem mirrors each group's stems)
        for st in s:
            for i in by_stem.get(st, ()):
                shared[i] = shared.get(i, 0) + 1
        # in creation order, as a full scan would: the first similar group takes the point (`similar` from the
        # counts, inlined: this runs for every point and every group sharing a stem with it)
        gi = None
        for i in sorted(shared):
            c, g = shared[i], sizes[i]
            least = n if n < g else g
            if c >= (MIN_SHARED if least > MIN_SHARED else least) and c / least >= MIN_OVERLAP \
                    and tells_the_same(p, groups[i], weight, masses):
                gi = i
                break
        if gi is None:
            k = len(groups)
            groups.append(MergedPoint(f"k{p.id}", p.text, p.kind, p.score,
                                      [Mention(p.article_id, p.published, p.text, p.start, p.end, p.id)], s))
            sizes.append(n)
            for st in s:
                if (have := by_stem.get(st)) is None:
                    by_stem[st] = [k]
                else:
                    have.append(k)
            continue
        home = groups[gi]
        if all(m.article_id != p.article_id for m in home.mentions):
            home.mentions.append(Mention(p.article_id, p.published, p.text, p.start, p.end, p.id))
            if sizes[gi] < 40:
                for st in s - home.stems:
                    by_stem.setdefault(st, []).append(gi)
                home.stems = home.stems | s
                sizes[gi] = len(home.stems)
            if p.id < int(home.key[1:]):
                home.key = f"k{p.id}"
        # the same article repeating itself (title + lead) adds nothing
    return groups


def tells_the_same(p: PointIn, group: MergedPoint, weight: dict[str, float],
                   masses: dict[str, float] | None = None) -> bool:
    """Beyond sharing stems: enough of the group's first telling's weight, no different facts, and not,
    days later, a report that something was extended, called off or agreed (news, not a retelling).
    `masses` memoises each text's stem weight within one merge."""
    a, b = stems(p.text), stems(group.text)
    if weight:
        masses = {} if masses is None else masses
        wa = masses.get(p.text)
        if wa is None:
            wa = masses[p.text] = _mass(a, weight)
        wb = masses.get(group.text)
        if wb is None:
            wb = masses[group.text] = _mass(b, weight)
        similar_enough = _weighted_overlap(a, b, weight, wa, wb) >= MIN_OVERLAP
    else:
        similar_enough = overlap(a, b) >= MIN_OVERLAP
    if not similar_enough or _differ(p.text, group.text):
        return False  # other dates or numbers, or one party ahead in one and behind in the other
    return not (days_apart(p.published, group.first_published) > APART_DAYS
                and turn_markers(p.text) != turn_markers(group.text))


@functools.lru_cache(maxsize=65536)
def _differ(a: str, b: str) -> bool:
    """Other facts, or opposite outcomes: cached, as a rebuilt view compares the same pairs again."""
    return conflicting(a, b) or opposite(a, b)


def source_names(article_ids: Sequence[int], sources: dict[int, tuple[str, ...]]) -> list[str]:
    """Distinct outlets behind the given articles (an article without a named source counts as its own)."""
    names: list[str] = []
    for aid in article_ids:
        for s in sources.get(aid) or (f"#{aid}",):
            if s not in names:
                names.append(s)
    return names
