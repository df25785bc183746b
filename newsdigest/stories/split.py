"""Splitting a story that has grown into two. Pure and deterministic.

Stories grow one article at a time, and an article that speaks of two things (the harbour strike and the
bridge closure in the same town) can lead a second story into the first. Now and then — when a story has
grown to SPLIT_AT x GROWTH^k articles (16, 128) — its articles are divided into the two groups that are each most alike
(2-means over their term vectors, seeded by the most central article and the most central of the half
least like it; linear in the story's size). The story is split when both groups are big enough to be stories of their own, their topic
words (names aside: the mayor speaks on both) have little in common — less than stories that merge
(`cluster.MERGE_TOPIC_SIM`) by a margin, so the two do not merge again on the next run — and their whole
profiles are less alike than stories that merge (`cluster.MERGE_SIM`): parts that share their actors and
much of their words are one story's phases, not two stories.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from newsdigest.stories.cluster import MERGE_SIM, ArticleTerms, Clustering, StoryProfile, similarity

SPLIT_AT = 16  # articles a story needs before it is checked; then again at 8x that size
GROWTH = 8
SPLIT_MAX = 512  # larger stories are not checked (a check reads every article's terms)
MIN_PART = 3  # articles each part must hold
MIN_PART_SHARE = 0.2  # of the story's articles in the smaller part: a few strays are no second story
SPLIT_SIM = 0.15  # parts whose topic words (names aside) are less alike than this are two stories(merging needs
# cluster.MERGE_TOPIC_SIM, which is higher: the parts never merge again)
ROUNDS = 10


def due(before: int, after: int) -> bool:
    """Whether a story that grew from `before` to `after` articles has crossed a size at which it is checked."""
    size = SPLIT_AT
    while size <= after:
        if before < size:
            return True
        size *= GROWTH
    return False


@dataclass(frozen=True)
class Split:
    """The two stories one turned out to hold: `keep` stays the stored story, `part` becomes a new one."""

    keep: StoryProfile
    part: StoryProfile
    part_ids: tuple[int, ...]  # articles that move to the new story


def _normalised(v: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
    return {t: w / norm for t, w in v.items()}


def _unit(members: Sequence[ArticleTerms]) -> list[dict[str, float]]:
    return [_normalised(m.profile.weights) for m in members]


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _centroid(vectors: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in vectors:
        for t, w in v.items():
            out[t] = out.get(t, 0.0) + w
    return _normalised(out)


def two_groups(members: Sequence[ArticleTerms]) -> tuple[list[int], list[int]]:
    """Indexes of `members` in the two groups that are each most alike (the first holds the most central one)."""
    vecs = _unit(members)
    n = len(vecs)
    whole = _centroid(vecs)
    center = max(range(n), key=lambda i: (_cos(vecs[i], whole), -i))
    # the second seed: the most central of the half least like the first (not a lone stray)
    far_half = sorted(range(n), key=lambda i: (_cos(vecs[center], vecs[i]), i))[: max(1, n // 2)]
    rest = _centroid([vecs[i] for i in far_half])
    far = max(far_half, key=lambda i: (_cos(vecs[i], rest), -i))
    cents = [vecs[center], vecs[far]]
    groups: tuple[list[int], list[int]] = ([], [])
    for _ in range(ROUNDS):
        new: tuple[list[int], list[int]] = ([], [])
        for i, v in enumerate(vecs):
            new[0 if _cos(v, cents[0]) >= _cos(v, cents[1]) else 1].append(i)
        if new == groups or not new[1]:
            groups = new
            break
        groups = new
        cents = [_centroid([vecs[i] for i in g]) for g in groups]
    return groups


def _profile(key: int, members: Sequence[ArticleTerms]) -> StoryProfile:
    prof = StoryProfile(key=key)
    for m in sorted(members, key=lambda a: (a.published, a.article_id)):
        prof.add(m.published, m.profile)
    return prof


def split(whole: StoryProfile, members: Sequence[ArticleTerms], new_key: int) -> Split | None:
    """The two stories `members` (the articles of story `whole`) hold, or None when they are one story.

    `members` must be every article of the story. The part more like the story as it was keeps its id (and
    so its slug and subscriptions); the other becomes story `new_key`."""
    members = sorted(members, key=lambda a: (a.published, a.article_id))
    if not 2 * MIN_PART <= len(members) <= SPLIT_MAX:
        return None
    first, second = two_groups(members)
    smaller = min(len(first), len(second))
    if smaller < max(MIN_PART, MIN_PART_SHARE * len(members)):
        return None
    a = _profile(whole.key, [members[i] for i in first])
    b = _profile(new_key, [members[i] for i in second])
    # two stories only when unlike in topic words and as a whole: parts that share their actors and some of
    # their words (a scheme and the plan that replaces it, both the minister's) are phases of one story
    if similarity(a, b, topic_only=True) >= SPLIT_SIM or similarity(a, b) >= MERGE_SIM:
        return None
    if (similarity(b, whole), b.n) > (similarity(a, whole), a.n):
        a, b = replace(b, key=whole.key), replace(a, key=new_key)
        first, second = second, first
    return Split(keep=a, part=b, part_ids=tuple(members[i].article_id for i in second))


def apply(result: Clustering, s: Split) -> None:
    """Record a split in a clustering run: the kept story's new profile, the new story, and the articles
    (stored ones included) that move to it."""
    result.changed[s.keep.key] = s.keep
    result.changed[s.part.key] = s.part
    result.split_from[s.part.key] = s.keep.key
    for aid in s.part_ids:
        result.assignments[aid] = s.part.key
