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
