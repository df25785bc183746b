"""Incremental, deterministic clustering of articles into stories.

An article joins the story that shares the most salient weight with it — at least two shared terms,
enough weight in absolute terms and as a share of the article's own — among stories active within
a time window around its publication; otherwise it starts a new story. Articles are taken in
(published, id) order, so the same input always yields the same stories.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsdigest.clock import shift_days
from newsdigest.stories.terms import TermProfile, is_someone, salience

WINDOW_DAYS = 45  # a story is joinable while its articles lie within this many days of the new one
HALF_LIFE_DAYS = 14.0  # of a quiet story's pull on new articles
MIN_SHARED = 2
MIN_SCORE = 6.0
MIN_SHARE = 0.22  # of the article's own salient weight
SMALL = 2  # stories of at most this many articles get a second look next to a bigger one
REHOME_SHARE = 0.15  # a lone article's names of its own weigh less once its story has taken shape
LOCAL_DAYS = 7  # a small story is also compared with a big one's articles of these days around it
MIN_TOPIC = 3  # of the shared weight, from topic words rather than names
PROFILE_TERMS = 60  # terms a story remembers
PROFILE_ACTORS = 30
MERGE_SIM = 0.4  # cosine of two stories' profiles above which they are one story
MERGE_TOPIC_SIM = 0.2  # the same cosine over topic words alone (names aside)
OWN_WORD = 5.0  # salience of a shared topic word rare enough (Zipf <= 1) to tie an article to a story on its own
MERGE_TERMS = 20  # top terms compared when looking for stories to merge
MERGE_GAP_DAYS = 21  # stories further apart in time than this stay apart


@dataclass
class StoryProfile:
    """What a story is about: term document frequencies and weights over its articles, its actors, its dates."""

    key: int  # story id; negative for stories created in this run (not yet stored)
    n: int = 0
    df: dict[str, int] = field(default_factory=dict)
    weight: dict[str, float] = field(default_factory=dict)  # summed article weight per term
    actors: dict[str, float] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # terms that are parts of names
    first: dt.date | None = None
    last: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "df": self.df, "weight": self.weight, "actors": self.actors, "surface": self.surface,
                "names": sorted(self.names)}

    @classmethod
    def from_json(
        cls, key: int, data: dict[str, Any], first: dt.date | None, last: dt.date | None
    ) -> StoryProfile:
        return cls(
            key=key, n=int(data.get("n", 0)), df=dict(data.get("df", {})), weight=dict(data.get("weight", {})),
            actors=dict(data.get("actors", {})), surface=dict(data.get("surface", {})),
            names=set(data.get("names", [])), first=first, last=last,
        )

    def coverage(self, term: str) -> float:
        return self.df.get(term, 0) / self.n if self.n else 0.0

    def add(self, published: dt.date, prof: TermProfile) -> None:
        self.n += 1
        for term, w in prof.weights.items():
            self.df[term] = self.df.get(term, 0) + 1
            self.weight[term] = round(self.weight.get(term, 0.0) + w, 3)
            _spell(self.surface, term, prof.surface.get(term, term))
        self.names |= prof.names
        for rank, actor in enumerate(prof.actors[:10]):
            self.actors[actor] = round(self.actors.get(actor, 0.0) + 1.0 / (1 + 0.25 * rank), 3)
        self.first = published if self.first is None else min(self.first, published)
        self.last = published if self.last is None else max(self.last, published)
        self._trim()

    def _trim(self) -> None:
        if len(self.df) > PROFILE_TERMS:
            keep = sorted(self.df, key=lambda t: (-self.weight.get(t, 0.0), t))[:PROFILE_TERMS]
            self.df = {t: self.df[t] for t in keep}
            self.weight = {t: self.weight[t] for t in keep if t in self.weight}
            self.surface = {t: self.surface[t] for t in keep if t in self.surface}
            self.names &= set(keep)
        if len(self.actors) > PROFILE_ACTORS:
            keep = sorted(self.actors, key=lambda a: (-self.actors[a], a))[:PROFILE_ACTORS]
            self.actors = {a: self.actors[a] for a in keep}

    def top_terms(self, n: int) -> list[str]:
        return sorted(self.df, key=lambda t: (-self.weight.get(t, 0.0), t))[:n]


def _spell(surface: dict[str, str], term: str, spelling: str) -> None:
    """Keep the first spelling seen, unless a later one is the term's own (furlough over furloughed)."""
    if term not in surface or (surface[term].lower() != term and spelling.lower() == term):
        surface[term] = spelling


@dataclass(frozen=True)
class ArticleTerms:
    article_id: int
    published: dt.date
    profile: TermProfile


def match_score(prof: TermProfile, story: StoryProfile) -> tuple[float, int, float]:
    """(salient weight shared with the story, number of shared terms, the part of that weight not from names)."""
    shared = [t for t in prof.weights if t in story.df]
    parts = {t: prof.weights[t] * min(1.0, 2.0 * story.coverage(t)) for t in shared}
    topic = sum(w for t, w in parts.items() if t not in prof.names and t not in story.names)
    return sum(parts.values()), len(shared), topic


def joins(prof: TermProfile, story: StoryProfile, *, min_share: float = MIN_SHARE) -> float | None:
    """The match score when the article belongs to the story, else None.

    Shared names alone do not make one story (a finance minister is in many): some of the shared
    weight must come from what the story is about. Nor do shared words alone: the article must name someone
    the story names (`shares_someone`)."""
    score, shared, topic = match_score(prof, story)
    own = sum(prof.weights.values()) or 1.0
    if shared >= MIN_SHARED and score >= MIN_SCORE and score / own >= min_share and topic >= MIN_TOPIC \
            and shares_someone(prof, story):
        return score
    return None


def shares_someone(prof: TermProfile, story: StoryProfile) -> bool:
    """Whether the article names someone the story names: an actor, or a word of a name (a legal form is no one).

    Words alone do not make one story either: the quarterly results of two firms, two police reports or two
    briefs under one agency notice share the words of their kind of news, not the news. An article or a story
    that names no one (a headline alone, names the extraction missed) is judged by its words."""
    mine = [a for a in prof.actors[:10] if is_someone(a)]
    if not mine or not any(is_someone(a) for a in story.actors) or any(a in story.actors for a in mine):
        return True
    names = prof.names | story.names
    # a word rare enough to be the story's own ("Hafenstreik") speaks for it as a name would; the words of a kind
    # of news ("festgenommen", "Tatverdächtige", "net income") are common enough in the language
    return any(t in story.df and ((t in names and is_someone(t)) or (t not in names and salience(t) >= OWN_WORD))
               for t in prof.weights)


def decay(story: StoryProfile, day: dt.date) -> float:
    """A story fades the longer it has been quiet: an article prefers the story that is running now."""
    if story.last is None or day <= story.last:
        return 1.0
    return float(0.5 ** ((day - story.last).days / HALF_LIFE_DAYS))


def _in_window(story: StoryProfile, day: dt.date) -> bool:
    if story.first is None or story.last is None:
        return True
    return story.last >= shift_days(day, -WINDOW_DAYS) and story.first <= shift_days(day, WINDOW_DAYS)


@dataclass
class Clustering:
    """The outcome of one run: which story each article went to, and every story profile that changed."""

    assignments: dict[int, int] = field(default_factory=dict)  # article id -> story key
    changed: dict[int, StoryProfile] = field(default_factory=dict)
    merged: dict[int, int] = field(default_factory=dict)  # story key absorbed -> the story key it went into
    split_from: dict[int, int] = field(default_factory=dict)  # new story key -> the stored story it split off


def assign(articles: Iterable[ArticleTerms], stories: Iterable[StoryProfile]) -> Clustering:
    """Place each article (in published, id order) into the best matching story or a new one."""
    pool = {s.key: s for s in stories}
    index: dict[str, set[int]] = {}
    for s in pool.values():
        for term in s.df:
            index.setdefault(term, set()).add(s.key)
    result = Clustering()
    members: dict[int, list[ArticleTerms]] = {}  # this run's articles per story, for the time-local second look
    next_new = -1
    for art in sorted(articles, key=lambda a: (a.published, a.article_id)):
        candidates = sorted({k for t in art.profile.weights for k in index.get(t, ())})
        best: tuple[float, int] | None = None
        for key in candidates:
            story = pool[key]
            if not _in_window(story, art.published):
                continue
            score = joins(art.profile, story)
            if score is not None:
                score *= decay(story, art.published)
            if score is not None and (best is None or score > best[0]):
                best = (score, key)
        if best is None:
            story = StoryProfile(key=next_new)
            next_new -= 1
            pool[story.key] = story
        else:
            story = pool[best[1]]
        story.add(art.published, art.profile)
        for term in story.df:
            index.setdefault(term, set()).add(story.key)
        result.assignments[art.article_id] = story.key
        result.changed[story.key] = story
        members.setdefault(story.key, []).append(art)
    consolidate(result, pool)
    for lost, into in sorted(result.merged.items()):
        members.setdefault(_root(result.merged, into), []).extend(members.pop(lost, []))
    rehome(result, pool, members)
    regroup(result, pool, members)
    return result


def regroup(result: Clustering, pool: dict[int, StoryProfile], members: dict[int, list[ArticleTerms]]) -> None:
    """Third look, article by article: a small story of this run (at most 2 x SMALL articles) may hold an article
    that came to it on a few words common to many stories of those weeks ("Lockdown" with the ski resorts)
    while a story at least twice as big, formed since, fits it better. Each of its articles is scored against
    its companions (the story without it) and against those bigger stories, as `assign` scores (decay included;
    `joins` at REHOME_SHARE for the bigger one), and moves when the bigger story scores higher."""
    big = sorted(k for k, s in result.changed.items() if s.n > 2 * SMALL)
    if not big:
        return
    for key in sorted(k for k, s in result.changed.items() if k < 0 and 1 < s.n <= 2 * SMALL):
        group = sorted(members.get(key, ()), key=lambda a: (a.published, a.article_id))
        if len(group) != pool[key].n:
            continue  # not all of its articles are at hand
        stay: list[ArticleTerms] = []
        for art in group:
            rest = _profile_of([m for m in group if m is not art], key)
            own = (joins(art.profile, rest) or 0.0) * decay(rest, art.published)
            best: tuple[float, int] | None = None
            for other in big:
                if pool[other].n < 2 * len(group) or not _in_window(pool[other], art.published):
                    continue
                score = joins(art.profile, pool[other], min_share=REHOME_SHARE)
                if score is not None and (s := score * decay(pool[other], art.published)) > own \
                        and (best is None or s > best[0]):
                    best = (s, other)
            if best is None:
                stay.append(art)
                continue
            pool[best[1]].add(art.published, art.profile)
            members.setdefault(best[1], []).append(art)
            result.assignments[art.article_id] = best[1]
            result.changed[best[1]] = pool[best[1]]
        if len(stay) < len(group):
            members[key] = stay
            if stay:
                pool[key] = result.changed[key] = _profile_of(stay, key)
            else:
                del pool[key], result.changed[key]


def _profile_of(arts: list[ArticleTerms], key: int) -> StoryProfile:
    prof = StoryProfile(key=key)
    for a in sorted(arts, key=lambda a: (a.published, a.article_id)):
        prof.add(a.published, a.profile)
    return prof


def local(members: list[ArticleTerms], first: dt.date, last: dt.date, key: int) -> StoryProfile:
    """The part of a story reported within LOCAL_DAYS of [first, last]: what the story was about in those days."""
    lo, hi = shift_days(first, -LOCAL_DAYS), shift_days(last, LOCAL_DAYS)
    prof = StoryProfile(key=key)
    for m in members:
        if lo <= m.published <= hi:
            prof.add(m.published, m.profile)
    return prof


def rehome(result: Clustering, pool: dict[int, StoryProfile],
           members: dict[int, list[ArticleTerms]] | None = None) -> None:
    """Second pass: small stories (at most SMALL articles) next to a story of this run that has taken shape (at
    least 2 x SMALL articles, and twice their size: a pair is no story yet to take in a lone article on its
    names) join it when they would join it as one article does (`joins`, with a lower share since a
    lone article's names of its own weigh less once its story has taken shape) — against the whole story or
    against its articles of the same days (`local`). This catches the article that came before its story took
    shape — in this run or stored by an earlier one — and leaves alone stories of their own size. A small story
    whose articles are at hand joins only when most of them would, each on its own: two articles together hold
    more words than either, and a pair about the ski resorts is no part of a lockdown story for sharing
    "Lockdown". Smallest and newest first; a stored story keeps its id when one side is stored."""
    members = {} if members is None else members
    big = [k for k, s in result.changed.items() if s.n > 1]
    index: dict[str, set[int]] = {}
    for key in big:
        for term in pool[key].df:
            index.setdefault(term, set()).add(key)
    smalls = sorted((k for k, s in pool.items() if s.n <= SMALL), key=lambda k: (pool[k].n, -abs(k) if k < 0 else k))
    alive = set(pool)
    for key in smalls:
        key = _root(result.merged, key)
        if key not in alive or pool[key].n > SMALL:
            continue
        small = pool[key]
        prof = _as_terms(small)
        own = members.get(key, [])
        best: tuple[float, int] | None = None
        for other in sorted({_root(result.merged, k) for t in prof.weights for k in index.get(t, ())}):
            if other == key or other not in alive or pool[other].n < 2 * max(SMALL, small.n) \
                    or not _overlapping(small, pool[other]):
                continue
            if small.n > 1 and len(own) < small.n:
                break  # a pair stored by an earlier run: its articles are not at hand to ask one by one
            score = _fits(prof, small, pool[other], members.get(other, []))
            if score is not None and small.n > 1 \
                    and 2 * sum(_fits(a.profile, small, pool[other], members.get(other, [])) is not None
                                for a in own) <= len(own):
                score = None
            if score is not None and (best is None or score > best[0]):
                best = (score, other)
        if best is not None:
            lost = _fold(result, pool, key, best[1])
            alive.discard(lost)
            members.setdefault(_root(result.merged, lost), []).extend(members.pop(lost, []))
    _settle(result)


def _fits(prof: TermProfile, small: StoryProfile, other: StoryProfile, near: list[ArticleTerms]) -> float | None:
    """`joins` at REHOME_SHARE against the whole of `other`, else against its articles of the small story's days."""
    score = joins(prof, other, min_share=REHOME_SHARE)
    if score is None and len(near) >= 2 * max(SMALL, small.n) and small.first is not None and small.last is not None:
        # a story of weeks moves on: its profile, trimmed to what most of its articles say, may no longer hold
        # the words of its first days; its articles of the same days do (at least 2 x SMALL of them, so that
        # a word of one article counts at most half)
        part = local(near, small.first, small.last, other.key)
        if part.n >= 2 * max(SMALL, small.n):
            score = joins(prof, part, min_share=REHOME_SHARE)
    return score


def _fold(result: Clustering, pool: dict[int, StoryProfile], a: int, b: int) -> int:
    """Merge stories a and b; a stored story absorbs a new one (its id and slug stay), else the larger the
    smaller. Returns the key that is gone."""
    win, lose = sorted((a, b), key=lambda k: (k < 0, -pool[k].n, abs(k)))
    absorb(pool[win], pool[lose])
    result.merged[lose] = win
    result.changed[win] = pool[win]
    result.changed.pop(lose, None)
    return lose


def _settle(result: Clustering) -> None:
    """Point every assignment and merge at the story it finally went to."""
    for aid, key in result.assignments.items():
        result.assignments[aid] = _root(result.merged, key)
    result.merged = {k: _root(result.merged, k) for k in result.merged}


def _as_terms(story: StoryProfile) -> TermProfile:
    """A one-article story's profile as that article's terms."""
    return TermProfile(weights=dict(story.weight), surface=dict(story.surface),
                       actors=tuple(_by_weight(story.actors)), names=frozenset(story.names))


def _by_weight(d: dict[str, float]) -> list[str]:
    return sorted(d, key=lambda k: (-d[k], k))


def absorb(into: StoryProfile, other: StoryProfile) -> None:
    """Fold `other`'s articles into `into` (the profile of one story that turned out to be two)."""
    into.n += other.n
    for term, c in other.df.items():
        into.df[term] = into.df.get(term, 0) + c
        into.weight[term] = round(into.weight.get(term, 0.0) + other.weight.get(term, 0.0), 3)
        _spell(into.surface, term, other.surface.get(term, term))
    for actor, w in other.actors.items():
        into.actors[actor] = round(into.actors.get(actor, 0.0) + w, 3)
    into.names |= other.names
    days = [d for d in (into.first, into.last, other.first, other.last) if d is not None]
    into.first, into.last = (min(days), max(days)) if days else (None, None)
    into._trim()


def _overlapping(a: StoryProfile, b: StoryProfile) -> bool:
    if a.first is None or a.last is None or b.first is None or b.last is None:
        return True
    gap = max((b.first - a.last).days, (a.first - b.last).days)
    return gap <= MERGE_GAP_DAYS


def _same_topic(a: StoryProfile, b: StoryProfile) -> bool:
    return similarity(a, b, topic_only=True) >= MERGE_TOPIC_SIM


def consolidate(result: Clustering, pool: dict[int, StoryProfile]) -> None:
    """Merge stories that turned out to be one: a changed story and any story in the pool whose term
    profiles are alike (cosine >= MERGE_SIM) and close in time. Best pairs first; stored stories absorb new
    ones (their ids and slugs stay), otherwise the larger absorbs the smaller."""
    index: dict[str, set[int]] = {}
    for key, s in pool.items():
        for term in s.top_terms(MERGE_TERMS):
            index.setdefault(term, set()).add(key)
    pairs: list[tuple[float, int, int]] = []
    for a in sorted(result.changed):
        near = Counter(k for t in pool[a].top_terms(MERGE_TERMS) for k in index.get(t, ()) if k != a)
        for b, shared in near.items():
            if shared >= MIN_SHARED and (b not in result.changed or a < b):
                sim = similarity(pool[a], pool[b])
                if sim >= MERGE_SIM and _overlapping(pool[a], pool[b]) and _same_topic(pool[a], pool[b]):
                    pairs.append((sim, a, b))
    alive = set(pool)
    for _, a, b in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        a, b = _root(result.merged, a), _root(result.merged, b)
        if a == b or a not in alive or b not in alive:
            continue
        if similarity(pool[a], pool[b]) < MERGE_SIM or not _same_topic(pool[a], pool[b]):  # grown apart since
            continue
        alive.discard(_fold(result, pool, a, b))
    _settle(result)


def _root(merged: dict[int, int], key: int) -> int:
    while key in merged:
        key = merged[key]
    return key


def _vector(story: StoryProfile, topic_only: bool = False) -> dict[str, float]:
    n = story.n or 1
    return {t: story.weight.get(t, 0.0) / n * min(1.0, 2.0 * story.df[t] / n)
            for t in story.df if not (topic_only and t in story.names)}


def similarity(a: StoryProfile, b: StoryProfile, *, topic_only: bool = False) -> float:
    """Cosine of two stories' term vectors (average weight x coverage per term); optionally without names."""
    va, vb = _vector(a, topic_only), _vector(b, topic_only)
    dot = sum(w * vb[t] for t, w in va.items() if t in vb)
    na = math.sqrt(sum(w * w for w in va.values()))
    nb = math.sqrt(sum(w * w for w in vb.values()))
    return dot / (na * nb) if na and nb else 0.0
