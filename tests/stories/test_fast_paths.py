"""The fast paths of merging and the ledger give exactly what the plain quadratic definitions give."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random

from hypothesis import given
from hypothesis import strategies as st

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.ledger import _best_what
from newsdigest.stories.lookup import find_story
from newsdigest.stories.merge import (
    Mention,
    MergedPoint,
    PointIn,
    merge_points,
    overlap,
    similar,
    stem_weights,
    stems,
    tells_the_same,
    weighted_overlap,
)
from newsdigest.stories.service import VIEWS, ensure_assigned, most_active_story, stories_list, view
from tests.stories.invented import ingest_tram

WORDS = ["Frist", "Angebot", "Angebots", "Oracle", "Microsoft", "Regierung", "Gesetz", "verlängert", "September",
         "Bundestag", "deadline", "offer", "rejected", "partner", "court", "ruling", "Wien", "Bahn"]

sentences = st.lists(st.sampled_from(WORDS), min_size=0, max_size=8).map(" ".join)


def reference_merge(points: list[PointIn]) -> list[MergedPoint]:
    """merge_points as first written: every point compared with every group."""
    groups: list[MergedPoint] = []
    weight = stem_weights(p.text for p in points)
    for p in sorted(points, key=lambda p: (-p.score, p.id)):
        s = stems(p.text)
        mention = Mention(p.article_id, p.published, p.text, p.start, p.end, p.id)
        home = next((g for g in groups if similar(s, g.stems) and tells_the_same(p, g, weight)), None)
        if home is None:
            groups.append(MergedPoint(f"k{p.id}", p.text, p.kind, p.score, [mention], s))
        elif all(m.article_id != p.article_id for m in home.mentions):
            home.mentions.append(mention)
            home.stems = home.stems | s if len(home.stems) < 40 else home.stems
            if p.id < int(home.key[1:]):
                home.key = f"k{p.id}"
    return groups


def reference_best_what(whats: list[str]) -> str:
    cands = [w for w in whats if w and w.strip()]
    if not cands:
        return ""
    sets = [stems(w) for w in cands]

    def support(i: int) -> tuple[float, int]:
        return (round(sum(overlap(sets[i], s) for j, s in enumerate(sets) if j != i), 9), len(cands[i]))

    return cands[max(range(len(cands)), key=support)]


points_strategy = st.lists(
    st.tuples(sentences, st.integers(1, 6), st.sampled_from([0.1, 0.5, 0.9])), max_size=40
).map(lambda rows: [
    PointIn(i + 1, aid, text, "fact", score, 0, len(text), dt.date(2020, 9, 1) + dt.timedelta(days=aid))
    for i, (text, aid, score) in enumerate(rows)
])


@given(points_strategy)
def test_indexed_merge_equals_the_pairwise_one(points: list[PointIn]) -> None:
    fast = [(g.key, g.text, [m.ref_id for m in g.mentions], g.stems) for g in merge_points(points)]
    slow = [(g.key, g.text, [m.ref_id for m in g.mentions], g.stems) for g in reference_merge(points)]
    assert fast == slow


@given(st.lists(sentences, max_size=30))
def test_counted_best_what_equals_the_pairwise_one(whats: list[str]) -> None:
    assert _best_what(whats) == reference_best_what(whats)


def reference_stem_weights(texts: list[str]) -> dict[str, float]:
    """stem_weights as first written: document frequencies counted in a loop."""
    if len(texts) < 4:
        return {}
    df: dict[str, int] = {}
    for t in texts:
        for s in stems(t):
            df[s] = df.get(s, 0) + 1
    n = len(texts)
    return {s: math.log(1 + n / c) / math.log(1 + n) for s, c in df.items()}


@given(st.lists(sentences, max_size=30))
def test_counted_stem_weights_equal_the_looped_ones(texts: list[str]) -> None:
    assert stem_weights(texts) == reference_stem_weights(texts)
    weight = stem_weights(texts)
    for a, b in itertools.pairwise(texts):  # the mapped sums against a sum per stem
        sa, sb = stems(a), stems(b)
        plain = sum(weight.get(x, 1.0) for x in sa & sb) / min(sum(weight.get(x, 1.0) for x in sa),
                                                                  sum(weight.get(x, 1.0) for x in sb)) if sa and sb else 0.0
        assert weighted_overlap(sa, sb, weight) == (plain if weight else overlap(sa, sb))


@given(points_strategy, st.randoms(use_true_random=False))
def test_merge_is_the_same_in_any_input_order(points: list[PointIn], rnd: random.Random) -> None:
    shuffled = list(points)
    rnd.shuffle(shuffled)
    assert [(g.key, g.mentions, g.stems) for g in merge_points(shuffled)] == \
        [(g.key, g.mentions, g.stems) for g in merge_points(points)]


def test_many_repeats_of_one_fact_merge_into_one_item_quickly() -> None:
    text = "Microsoft bestätigt Angebot für TikTok bis Mitte September"
    points = [PointIn(i, i, text, "event", 0.5, 0, 10, dt.date(2020, 9, 1)) for i in range(1, 3001)]
    [group] = merge_points(points)
    assert len(group.mentions) == 3000 and group.key == "k1"
    assert _best_what([text] * 3000 + ["etwas anderes"]) == text


# -- the per-process view cache ---------------------------------------------------------------------------------


def test_views_are_reused_until_articles_arrive(seeded_store: Store, config: Config) -> None:

    day = dt.date(2021, 3, 13)
    ensure_assigned(seeded_store)
    story = find_story(seeded_store, "tiktok", as_of=None).story
    assert story is not None
    first = view(seeded_store, story, as_of=None, today=day)
    assert view(seeded_store, story, as_of=None, today=day) is first  # nothing new: the same view
    assert view(seeded_store, story, as_of=None, today=day + dt.timedelta(days=1)) is not first  # countdowns move

    core = Core(store=seeded_store, config=config, clock=Clock(as_of=day))
    chat = ChatRef(Platform.CONSOLE, "cache")
    before = core.answer(chat, "/status").plain_text()
    assert "TikTok" in before  # only the seeds: their story is the default
    ingest_tram(seeded_store)  # new articles, a new most active story: nothing cached may survive
    after = core.answer(chat, "/status").plain_text()
    assert "TikTok" not in after and ("Verdi" in after or "RNV" in after), after
    VIEWS.clear()
    assert core.answer(chat, "/status").plain_text() == after  # what a cold process says
    story_now = find_story(seeded_store, "tiktok", as_of=None).story
    assert story_now is not None and view(seeded_store, story_now, as_of=None, today=day) is not first


def test_placing_waiting_articles_invalidates_what_was_cached_before(seeded_store: Store) -> None:
    day = dt.date(2021, 3, 13)
    ensure_assigned(seeded_store)
    assert most_active_story(seeded_store, until=day) == seeded_store.most_active_story(until=day) is not None
    ingest_tram(seeded_store)  # stored, not yet placed into a story
    waiting = seeded_store.most_active_story(until=day)  # the seeds are out of the window, the tram has no story
    assert most_active_story(seeded_store, until=day) == waiting
    assert ensure_assigned(seeded_store) > 0
    tram = find_story(seeded_store, "Verdi", as_of=None).story
    assert tram is not None and most_active_story(seeded_store, until=day) == tram.id
    names = [s.name for s, _, _ in stories_list(seeded_store, until=day, limit=5)]
    assert names[0] == tram.name and len(names) == 2
