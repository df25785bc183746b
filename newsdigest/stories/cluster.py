"""Incremental, deterministic clustering of articles into stories.

An article joins the story that shares the most salient weight with it — at least two shared terms,
enough weight in absolute terms and as a share of the article's own — among stories active within
a time window around its publication; otherwise it starts a new story. Articles are taken in
(published, id) order, so the same input always yields the same stories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsdigest.clock import shift_days
from newsdigest.stories.terms import TermProfile

WINDOW_DAYS = 45  # a story is joinable while its articles lie within this many days of the new one
MIN_SHARED = 2
MIN_SCORE = 6.0
MIN_SHARE = 0.22  # of the article's own salient weight
PROFILE_TERMS = 60  # terms a story remembers
PROFILE_ACTORS = 30


@dataclass
class StoryProfile:
    """What a story is about: term document frequencies and weights over its articles, its actors, its dates."""

    key: int  # story id; negative for stories created in this run (not yet stored)
    n: int = 0
    df: dict[str, int] = field(default_factory=dict)
    weight: dict[str, float] = field(default_factory=dict)  # summed article weight per term
    actors: dict[str, float] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    first: dt.date | None = None
    last: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "df": self.df, "weight": self.weight, "actors": self.actors, "surface": self.surface}

    @classmethod
    def from_json(
        cls, key: int, data: dict[str, Any], first: dt.date | None, last: dt.date | None
    ) -> StoryProfile:
        return cls(
            key=key, n=int(data.get("n", 0)), df=dict(data.get("df", {})), weight=dict(data.get("weight", {})),
            actors=dict(data.get("actors", {})), surface=dict(data.get("surface", {})), first=first, last=last,
        )

    def coverage(self, term: str) -> float:
        return self.df.get(term, 0) / self.n if self.n else 0.0

    def add(self, published: dt.date, prof: TermProfile) -> None:
        self.n += 1
        for term, w in prof.weights.items():
            self.df[term] = self.df.get(term, 0) + 1
            self.weight[term] = round(self.weight.get(term, 0.0) + w, 3)
            self.surface.setdefault(term, prof.surface.get(term, term))
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
        if len(self.actors) > PROFILE_ACTORS:
            keep = sorted(self.actors, key=lambda a: (-self.actors[a], a))[:PROFILE_ACTORS]
            self.actors = {a: self.actors[a] for a in keep}

    def top_terms(self, n: int) -> list[str]:
        return sorted(self.df, key=lambda t: (-self.weight.get(t, 0.0), t))[:n]


@dataclass(frozen=True)
class ArticleTerms:
    article_id: int
    published: dt.date
    profile: TermProfile


def match_score(prof: TermProfile, story: StoryProfile) -> tuple[float, int]:
    """(salient weight shared with the story, number of shared terms)."""
    shared = [t for t in prof.weights if t in story.df]
    score = sum(prof.weights[t] * min(1.0, 2.0 * story.coverage(t)) for t in shared)
    return score, len(shared)


def joins(prof: TermProfile, story: StoryProfile) -> float | None:
    """The match score when the article belongs to the story, else None."""
    score, shared = match_score(prof, story)
    own = sum(prof.weights.values()) or 1.0
    if shared >= MIN_SHARED and score >= MIN_SCORE and score / own >= MIN_SHARE:
        return score
    return None


def _in_window(story: StoryProfile, day: dt.date) -> bool:
    if story.first is None or story.last is None:
        return True
    return story.last >= shift_days(day, -WINDOW_DAYS) and story.first <= shift_days(day, WINDOW_DAYS)


@dataclass
class Clustering:
    """The outcome of one run: which story each article went to, and every story profile that changed."""

    assignments: dict[int, int] = field(default_factory=dict)  # article id -> story key
    changed: dict[int, StoryProfile] = field(default_factory=dict)


def assign(articles: Iterable[ArticleTerms], stories: Iterable[StoryProfile]) -> Clustering:
    """Place each article (in published, id order) into the best matching story or a new one."""
    pool = {s.key: s for s in stories}
    index: dict[str, set[int]] = {}
    for s in pool.values():
        for term in s.df:
            index.setdefault(term, set()).add(s.key)
    result = Clustering()
    next_new = -1
    for art in sorted(articles, key=lambda a: (a.published, a.article_id)):
        candidates = sorted({k for t in art.profile.weights for k in index.get(t, ())})
        best: tuple[float, int] | None = None
        for key in candidates:
            story = pool[key]
            if not _in_window(story, art.published):
                continue
            score = joins(art.profile, story)
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
    return result
