"""Store.add_articles: a batch in one transaction decides as add_article one after another does, on both backends."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec, Timex
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput, KeyPointKind
from newsdigest.store.backend import COPY_MIN_ROWS
from newsdigest.store.store import AddResult, ArticleWrite, Store
from tests.conftest import fresh_target

TEXTS = ["The council must decide by 5 May.", "Die Stadt zahlt bis Freitag.", "Strike talks resume on Monday.",
         "Der Vertrag endet im Juni."]


def _extraction(text: str, points: int = 1) -> Extraction:
    return Extraction(
        lang="en", published="2024-03-01", title=None,
        deadlines=(DeadlineRec(0, 5, "by 5 May", "2024-05-05", "decide", retired=True),),
        key_points=tuple(KeyPointRec(i, i + 3, f"{text} ({i})", KeyPointKind.FACT, 0.5 + i / 100)
                         for i in range(points)),
        temporal=(Timex(0, 5, "5 May", "DATE", "2024-05-05"),),
        actors=("Acme Corp", "City Council", "Acme Corp"),  # a name twice: stored once, at its first rank
    )


def _write(text: str, *, guid: str | None = None, url: str | None = None, source: str | None = None,
           duplicate_of: int | None = None, points: int = 1) -> ArticleWrite:
    inp = ArticleInput(text=text, title=None, published=dt.date(2024, 3, 1), guid=guid, url=url, source=source)
    return ArticleWrite(inp, _extraction(text, points), content_hash=content_hash(text), canonical_url=url,
                        duplicate_of=duplicate_of)


def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    queries = {
        "articles": "SELECT id, title, content_hash, guid, canonical_url, published, entry_hash FROM articles",
        "sources": "SELECT article_id, source, url, canonical_url, guid FROM article_sources",
        "key_points": 'SELECT article_id, start, "end", text, kind, score, published FROM key_points',
        "deadlines": "SELECT article_id, text, value, what, retired FROM deadlines",
        "timexes": "SELECT article_id, text, type, value FROM timexes",
        "actors": "SELECT article_id, name, rank FROM actors",
    }
    return {name: sorted(tuple(r) for r in store.query(sql)) for name, sql in queries.items()}


writes = st.builds(
    lambda text, guid, url, source: _write(TEXTS[text], guid=guid, url=url, source=source),
    st.integers(0, len(TEXTS) - 1), st.sampled_from([None, "g1", "g2"]),
    st.sampled_from([None, "https://a.example/1", "https://a.example/2"]), st.sampled_from([None, "a.example", "b.example"]),
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])  # databases per example
@given(before=st.lists(writes, max_size=3), batch=st.lists(writes, min_size=1, max_size=8))
def test_a_batch_decides_and_stores_as_one_by_one_does(backend: str, request: pytest.FixtureRequest,
                                                       before: list[ArticleWrite], batch: list[ArticleWrite]) -> None:
    outcomes: list[tuple[list[AddResult], dict[str, list[tuple[Any, ...]]]]] = []
    for one_by_one in (True, False):
        with fresh_target(backend, request) as target:
            store = Store(target, now=lambda: dt.datetime(2024, 3, 2, tzinfo=dt.UTC))
            try:
                store.add_articles(before)
                results = ([store.add_article(w.inp, w.extraction, content_hash=w.content_hash,
                                              canonical_url=w.canonical_url) for w in batch]
                           if one_by_one else store.add_articles(batch))
                outcomes.append((results, _snapshot(store)))
            finally:
                store.close()
    assert outcomes[0] == outcomes[1]


def test_a_large_batch_streams_every_row(store: Store) -> None:
    """Enough rows for PostgreSQL's COPY; a NUL in a text is kept (SQLite) or replaced as an INSERT replaces it."""
    n = COPY_MIN_ROWS + 6
    batch = [_write(f"Report {i}: the ministry decides by 5 May.{chr(0) if i == 3 else ''}",
                    url=f"https://a.example/{i}", points=2) for i in range(n)]
    results = store.add_articles(batch)
    assert [r.created for r in results] == [True] * n
    assert len({r.article_id for r in results}) == n
    snap = _snapshot(store)
    assert len(snap["key_points"]) == 2 * n and len(snap["actors"]) == 2 * n and len(snap["deadlines"]) == n
    assert {row[0] for row in snap["key_points"]} == {r.article_id for r in results}
    assert ("Acme Corp", 0) in {(name, rank) for _, name, rank in snap["actors"]}
    nul = store.article(results[3].article_id)
    assert nul is not None and nul.text.replace("\x00", "\ufffd").endswith("5 May.\ufffd")
    assert store.dialect == "sqlite" or "\x00" not in nul.text
    again = store.add_articles(batch)  # the same batch again: all known, one more source each at most
    assert [(r.article_id, r.created, r.matched_by) for r in again] == [(r.article_id, False, "url") for r in results]


def test_a_failing_write_stores_nothing_of_its_batch(store: Store) -> None:
    store.add_articles([_write(TEXTS[0])])
    before = _snapshot(store)
    batch = [_write(TEXTS[1]), _write(TEXTS[2], url="https://a.example/9"), _write(TEXTS[3], duplicate_of=10_000)]
    with pytest.raises(store.backend.errors):  # the last one names an article that does not exist
        store.add_articles(batch)
    assert _snapshot(store) == before
    assert [r.created for r in store.add_articles(batch[:2])] == [True, True]  # the store takes writes again


def test_an_earlier_write_of_the_batch_answers_for_a_later_one(store: Store) -> None:
    results = store.add_articles([
        _write(TEXTS[0], guid="g1", source="a.example"),
        _write(TEXTS[1], guid="g1", source="b.example"),  # same GUID, another text: known by GUID
        _write(TEXTS[0], source="c.example"),  # same text: known by hash
        _write(TEXTS[2], url="https://a.example/1"),
        _write(TEXTS[3], url="https://a.example/1"),  # same URL
    ])
    first, third = results[0].article_id, results[3].article_id
    assert [(r.article_id, r.created, r.matched_by) for r in results] == [
        (first, True, None), (first, False, "guid"), (first, False, "hash"), (third, True, None), (third, False, "url")]
    assert store.source_counts([first]) == {first: 3}
    assert store.add_articles([]) == []
