"""Merging the same fact reported by several articles into one item with its sources. Pure.

Key points merge when their content words overlap strongly (crude prefix stemming makes "Angebot"
and "Angebots" one word, and works the same for English) and they state no different facts: "will
vote on December 12" and "vote postponed to January 22" stay two developments. Each merged item keeps every mention,
so `/why N` can show the sentences and articles behind it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsdigest.stories.terms import _STOP

STEM = 6
MIN_OVERLAP = 0.6  # shared stems / stems of the shorter point
MIN_SHARED = 3
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Mention:
    """One article's statement of a fact: where it stands, so it can be quoted back."""

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
    mentions: list[Mention] = field(default_factory=list)
    stems: frozenset[str] = frozenset()

    @property
    def article_ids(self) -> list[int]:
        return sorted({m.article_id for m in self.mentions})

    @property
    def first_published(self) -> dt.date | None:
        days = [m.published for m in self.mentions if m.published]
        return min(days) if days else None

    @property
    def last_published(self) -> dt.date | None:
        days = [m.published for m in self.mentions if m.published]
        return max(days) if days else None


_FACT = re.compile(r"\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTHS = frozenset(
    "januar februar märz april mai juni juli august september oktober november dezember january february march "
    "may june july october december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@functools.lru_cache(maxsize=16384)
def facts(text: str) -> frozenset[str]:
    """Numbers and month names a sentence states: two tellings with different ones are different turns."""
    low = text.lower()
    return frozenset(_FACT.findall(low)) | frozenset(w for w in re.findall(r"\w+", low) if w in _MONTHS)


def conflicting(a: str, b: str) -> bool:
    """Two statements with different facts (other dates or numbers) are different developments.

    A year one of them adds ("12 December" / "12 December 2020") is detail, not a different fact."""
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


def _similar_counts(shared: int, len_a: int, len_b: int) -> bool:
    """`similar` from the sizes alone: shared stems, stems of each side."""
    if not len_a or not len_b:
        return False
    return shared >= min(MIN_SHARED, len_a, len_b) and shared / min(len_a, len_b) >= MIN_OVERLAP


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def merge_points(points: Iterable[PointIn]) -> list[MergedPoint]:
    """Group near-identical key points (best-scored first); the representative text is the best-scored one."""
    groups: list[MergedPoint] = []
    by_stem: dict[str, list[int]] = {}  # stem -> groups having it: similar groups share a stem, so only those are tried
    for p in sorted(points, key=lambda p: (-p.score, p.id)):
        s = stems(p.text)
        mention = Mention(p.article_id, p.published, p.text, p.start, p.end, p.id)
        shared: dict[int, int] = {}  # group -> stems it shares with this point (by_stem mirrors each group's stems)
        for st in s:
            for i in by_stem.get(st, ()):
                shared[i] = shared.get(i, 0) + 1
        # in creation order, as a full scan would: the first similar group takes the point
        gi = next((i for i in sorted(shared) if _similar_counts(shared[i], len(s), len(groups[i].stems))
                   and not conflicting(p.text, groups[i].text)), None)
        if gi is None:
            groups.append(MergedPoint(f"k{p.id}", p.text, p.kind, p.score, [mention], s))
            for st in s:
                by_stem.setdefault(st, []).append(len(groups) - 1)
            continue
        home = groups[gi]
        if all(m.article_id != p.article_id for m in home.mentions):
            home.mentions.append(mention)
            if len(home.stems) < 40:
                for st in s - home.stems:
                    by_stem.setdefault(st, []).append(gi)
                home.stems = home.stems | s
            if p.id < int(home.key[1:]):
                home.key = f"k{p.id}"
        # the same article repeating itself (title + lead) adds nothing
    return groups


def source_names(article_ids: Sequence[int], sources: dict[int, tuple[str, ...]]) -> list[str]:
    """Distinct outlets behind the given articles (an article without a named source counts as its own)."""
    names: list[str] = []
    for aid in article_ids:
        for s in sources.get(aid) or (f"#{aid}",):
            if s not in names:
                names.append(s)
    return names
