"""Clustering and naming: pure, incremental, deterministic."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.cluster import ArticleTerms, StoryProfile, assign
from newsdigest.stories.naming import slugify, story_aliases, story_name, story_slug
from newsdigest.stories.terms import profile, salience

D = dt.date
TIKTOK = ("TikTok", "ByteDance", "Oracle")
TRAM = ("Verdi", "RNV", "Sabine Kowalczyk")


def art(i: int, day: dt.date, actors: tuple[str, ...], title: str) -> ArticleTerms:
    return ArticleTerms(i, day, profile(title, actors, [title]))


def test_rare_names_are_salient_and_everyday_words_are_not() -> None:
    assert salience("bytedance") > salience("microsoft") > 0
    assert salience("regierung") == 0 and salience("september") == 0


def test_articles_sharing_salient_actors_join_and_others_start_their_own() -> None:
    arts = [
        art(1, D(2020, 8, 3), TIKTOK, "ByteDance verhandelt über TikTok"),
        art(2, D(2021, 3, 1), TRAM, "Verdi stellt der RNV ein Ultimatum"),
        art(3, D(2020, 9, 14), TIKTOK, "Oracle wird Partner von ByteDance für TikTok"),
        art(4, D(2021, 3, 12), TRAM, "Verdi verlängert Ultimatum an die RNV"),
    ]
    result = assign(arts, [])
    assert result.assignments[1] == result.assignments[3] != result.assignments[2] == result.assignments[4]


def test_outside_the_time_window_a_new_story_starts() -> None:
    result = assign([art(1, D(2020, 1, 1), TIKTOK, "TikTok ByteDance"), art(2, D(2020, 6, 1), TIKTOK, "TikTok ByteDance")],
                    [])
    assert result.assignments[1] != result.assignments[2]


def test_incremental_equals_batch() -> None:
    arts = [art(i, D(2020, 8, i), TIKTOK if i % 2 else TRAM, f"{'TikTok ByteDance' if i % 2 else 'Verdi RNV'} {i}")
            for i in range(1, 9)]
    batch = assign(arts, [])
    first = assign(arts[:4], [])
    stored = [StoryProfile.from_json(-k, p.to_json(), p.first, p.last) for k, p in first.changed.items()]
    second = assign(arts[4:], stored)
    inc = {**{a: -k for a, k in first.assignments.items()}, **second.assignments}
    groups_batch = sorted(sorted(a for a, k in batch.assignments.items() if k == key) for key in set(batch.assignments.values()))
    groups_inc = sorted(sorted(a for a, k in inc.items() if k == key) for key in set(inc.values()))
    assert groups_batch == groups_inc


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(6))))
def test_input_order_does_not_matter(order: list[int]) -> None:
    arts = [art(i, D(2020, 8, 1 + i), TIKTOK if i < 3 else TRAM, "TikTok ByteDance" if i < 3 else "Verdi RNV")
            for i in range(6)]
    a = assign([arts[i] for i in order], []).assignments
    b = assign(arts, []).assignments
    assert a == b


def test_names_slugs_aliases() -> None:
    prof = StoryProfile(key=1)
    prof.add(D(2020, 9, 14), profile("ByteDance wählt Oracle", TIKTOK, []))
    assert story_name(prof) == "TikTok · ByteDance · Oracle"
    assert story_slug(prof) == "tiktok-bytedance-oracle"
    assert story_slug(prof, {"tiktok-bytedance-oracle"}) == "tiktok-bytedance-oracle-2"
    assert {"TikTok", "ByteDance", "Oracle", "old-slug"} <= set(story_aliases(prof, ["old-slug"]))
    assert slugify("Straßenbahn Köln") == "strassenbahn-koln"
