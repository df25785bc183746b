"""Headline points: a title's score is how much of it the *other* articles' key points support (property: the
same as counting against the union of the other articles' stems)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.merge import PointIn, stems
from newsdigest.stories.status import headline_points

WORDS = ["Regierung", "Frist", "verlängert", "Schulen", "geöffnet", "Parlament", "Gesetz", "beschlossen", "Wahl",
         "budget", "deadline", "extended", "schools", "council", "vote"]


def _union_support(points: list[PointIn], aid: int, title: str) -> float:
    own: dict[int, set[str]] = {}
    for p in points:
        own.setdefault(p.article_id, set()).update(stems(p.text))
    others = set().union(*(v for k, v in own.items() if k != aid)) if len(own) > 1 else set()
    t = stems(title)
    return len(t & others) / len(t)


sentences = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(" ".join)


@settings(max_examples=60, derandomize=True)
@given(st.lists(st.tuples(st.integers(1, 4), sentences), max_size=8), st.dictionaries(st.integers(1, 5), sentences))
def test_title_support_counts_the_other_articles_stems(pts: list[tuple[int, str]], titles: dict[int, str]) -> None:
    points = [PointIn(i + 1, aid, text, "fact", 1.0, 0, len(text), None) for i, (aid, text) in enumerate(pts)]
    out = {p.article_id: p for p in headline_points(points, titles, {})}
    for aid, title in titles.items():
        if len(stems(title)) < 2:
            assert aid not in out
            continue
        assert out[aid].score == round(0.6 + 0.8 * _union_support(points, aid, title), 4)


def test_a_title_backed_only_by_its_own_article_gets_no_support() -> None:
    points = [PointIn(1, 1, "Die Regierung hat die Frist verlängert", "event", 1.0, 0, 10, dt.date(2020, 3, 1)),
              PointIn(2, 2, "Das Parlament stimmt über das Budget ab", "event", 1.0, 0, 10, dt.date(2020, 3, 1))]
    (one, two) = headline_points(points, {1: "Regierung verlängert Frist", 2: "Regierung verlängert Frist"}, {})
    assert one.score < two.score  # article 2's title is told by article 1's point, article 1's by no other
