"""what_changed: new developments and deadline changes between two points in time."""

from __future__ import annotations

import datetime as dt

from newsdigest.store.store import Store
from newsdigest.stories.lookup import find_story
from newsdigest.stories.service import ensure_assigned, what_changed
from tests.stories.invented import ingest_tram


def test_tiktok_changes_between_august_and_september(seeded_store: Store) -> None:
    ensure_assigned(seeded_store)
    story = find_story(seeded_store, "tiktok", as_of=None).story
    assert story is not None
    since = dt.datetime(2020, 8, 21, 8, 0, tzinfo=dt.UTC)
    changes = what_changed(seeded_store, story, since, dt.date(2020, 9, 14))
    assert {a.published for a in changes.new_articles} == {dt.date(2020, 9, 14)}
    assert changes.developments and all(set(d.point.article_ids) <= {a.id for a in changes.new_articles}
                                        for d in changes.developments)
    assert "ByteDance" in changes.developments[0].text
    # 15 September was known since 3 August (the sale talks' cut-off): reported again, not added
    assert [c.item.when.lo for c in changes.deadlines if c.kind == "added"] == []


def test_extension_and_passing_in_the_tram_story(store: Store) -> None:
    ingest_tram(store)
    ensure_assigned(store)
    story = find_story(store, "verdi", as_of=None).story
    assert story is not None
    ext = what_changed(store, story, dt.datetime(2021, 3, 6, tzinfo=dt.UTC), dt.date(2021, 3, 13))
    kinds = [(c.kind, c.item.when.lo, c.old.lo if c.old else None) for c in ext.deadlines]
    assert ("extended", dt.date(2021, 3, 22), dt.date(2021, 3, 15)) in kinds
    passed = what_changed(store, story, dt.datetime(2021, 3, 20, tzinfo=dt.UTC), dt.date(2021, 3, 24))
    assert [(c.kind, c.item.when.lo) for c in passed.deadlines if c.kind == "passed"] == [("passed", dt.date(2021, 3, 22))]
    quiet = what_changed(store, story, dt.datetime(2021, 3, 25, tzinfo=dt.UTC), dt.date(2021, 3, 26))
    assert quiet.empty


def test_new_means_ingested_since_whatever_the_publication_date() -> None:
    from newsdigest.store.stories_repo import StoryArticle
    from newsdigest.stories.status import is_new

    since = dt.datetime(2021, 3, 10, 8, 0, tzinfo=dt.UTC)
    late = StoryArticle(1, "t", dt.date(2021, 3, 1), None, None, (), "de", ingested_at="2021-03-10T09:00:00+00:00")
    old = StoryArticle(2, "t", dt.date(2021, 3, 9), None, None, (), "de", ingested_at="2021-03-09T09:00:00+00:00")
    assert is_new(late, since, dt.date(2021, 3, 10)) and not is_new(old, since, dt.date(2021, 3, 10))
    # replaying the past (ingested after the replayed day): publication decides
    replayed = StoryArticle(3, "t", dt.date(2021, 3, 11), None, None, (), "de", ingested_at="2026-01-01T00:00:00+00:00")
    assert is_new(replayed, since, dt.date(2021, 3, 12)) and not is_new(late, since, dt.date(2021, 3, 9))


def test_a_key_date_first_seen_after_it_passed_is_passed_not_new() -> None:
    from newsdigest.stories.ledger import DeadlineIn
    from newsdigest.stories.status import diff

    old = DeadlineIn(1, 1, dt.date(2021, 3, 1), "bis zum 15. März", "2021-03-15", "ein Angebot vorlegen", None, 0, 5)
    changes, _ = diff([old], {1}, dt.date(2021, 3, 10), dt.date(2021, 3, 20))
    assert [c.kind for c in changes] == ["passed"]
    changes, _ = diff([old], {1}, dt.date(2021, 3, 18), dt.date(2021, 3, 20))
    assert changes == []  # it had passed before the last digest: no news at all
