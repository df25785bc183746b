from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput, ChatKind, ChatRef, KeyPointKind, Platform
from newsdigest.store.migrations import SCHEMA_VERSION, SchemaTooNewError, current_version
from newsdigest.store.store import LeaseHeldError, Store, fts_query
from tests.conftest import StoreTarget, sqlite_only


def _extraction(text: str) -> Extraction:
    return Extraction(
        lang="en", published="2024-03-01", title="T",
        deadlines=(DeadlineRec(0, 5, "by 5 May", "2024-05-05", "pay the fee"),),
        key_points=(KeyPointRec(0, len(text), text, KeyPointKind.FACT, 0.7),),
        actors=("Acme Corp",),
    )


def _add(store: Store, text: str, **kw: object) -> int:
    inp = ArticleInput(text=text, title=kw.pop("title", "T"), published=dt.date(2024, 3, 1), **kw)  # type: ignore[arg-type]
    return store.add_article(inp, _extraction(text), content_hash=content_hash(text),
                             canonical_url=inp.url).article_id


def test_schema_is_created_at_the_current_version(store: Store) -> None:
    assert current_version(store.conn, store.dialect) == SCHEMA_VERSION
    for table in ("articles", "key_points", "deadlines", "stories", "chats", "subscriptions", "feeds", "deliveries",
                  "article_sources", "reminders", "chat_lists", "leases"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


@sqlite_only
def test_sqlite_schema_is_created_with_wal(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "key_points", "deadlines", "stories", "chats", "subscriptions", "feeds", "deliveries",
            "articles_fts", "key_points_fts", "article_sources"} <= tables


def test_same_article_twice_is_one_article_with_sources(store: Store) -> None:
    first = _add(store, "Acme must pay the fee by 5 May.", source="a.example", url="https://a.example/x?utm_source=t")
    again = store.add_article(ArticleInput(text="Acme  must pay the fee by 5 May. ", source="b.example"),
                              _extraction("x"), content_hash=content_hash("Acme  must pay the fee by 5 May. "))
    assert again.article_id == first and not again.created and again.matched_by == "hash"
    assert store.article_count() == 1
    assert store.source_counts([first]) == {first: 2}


def test_guid_identifies_an_article_even_when_text_changes(store: Store) -> None:
    first = _add(store, "Version one of the story.", guid="urn:1", source="feed")
    result = store.add_article(ArticleInput(text="Version two, edited.", guid="urn:1", source="feed"),
                               _extraction("y"), content_hash=content_hash("Version two, edited."))
    assert (result.article_id, result.created, result.matched_by) == (first, False, "guid")


def test_extraction_rows_are_stored_and_scoped_by_date(store: Store) -> None:
    aid = _add(store, "Acme must pay the fee by 5 May.")
    assert [d.value for d in store.deadlines()] == ["2024-05-05"]
    assert store.deadlines(until=dt.date(2024, 2, 29)) == []
    assert store.key_points(article_ids=[aid])[0].kind == "fact"
    assert store.article_count(until=dt.date(2024, 3, 1)) == 1
    assert store.article_count(until=dt.date(2024, 2, 29)) == 0


def test_search_is_safe_against_fts_syntax(store: Store) -> None:
    _add(store, "Oracle chosen as technology partner.", title="Oracle wins")
    assert [h.title for h in store.search("oracle")] == ["Oracle wins"]
    assert [h.title for h in store.search("Orac")] == ["Oracle wins"]  # prefix on the last word
    for hostile in ['"', "NEAR(", "a OR", "*", "title:x", ")", "-"]:
        store.search(hostile)  # must not raise
    assert fts_query('x" OR y') == '"x" "OR" "y"*'


def test_write_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("INSERT INTO feeds (url, added_at) VALUES ('http://x', 'now')")
        raise RuntimeError("crash mid-write")
    assert store.feeds(active_only=False) == []


def test_chat_language_deactivation_and_migration(store: Store) -> None:
    chat = ChatRef(Platform.TELEGRAM, "-100", ChatKind.GROUP)
    store.register_chat(chat, "Team")
    assert store.chat_lang(chat) is None
    store.set_chat_lang(chat, "de")
    assert store.chat_lang(chat) == "de"
    store.subscribe(chat, time="08:00", tz="Europe/Berlin")
    store.migrate_chat("telegram", "-100", "-1009")
    moved = ChatRef(Platform.TELEGRAM, "-1009", ChatKind.GROUP)
    assert store.chat_lang(moved) == "de" and len(store.subscriptions_for(moved)) == 1
    assert store.deactivate_chat(moved, "blocked") == 1
    assert store.subscriptions_for(moved) == [] and not store.chat_active(moved)


def test_subscribe_is_an_upsert_per_story(store: Store) -> None:
    chat = ChatRef(Platform.SLACK, "C1", ChatKind.CHANNEL)
    store.subscribe(chat, time="08:00", tz="UTC")
    store.subscribe(chat, time="09:30", tz="UTC")
    store.subscribe(chat, time="07:00", tz="UTC", story="tiktok")
    subs = store.subscriptions_for(chat)
    assert sorted((s.story or "", s.time) for s in subs) == [("", "09:30"), ("tiktok", "07:00")]
    assert store.unsubscribe(chat, "tiktok") == 1
    assert store.unsubscribe(chat) == 1
    assert store.subscriptions() == []


def test_lease_refuses_a_second_holder_until_expiry(store_target: StoreTarget) -> None:
    now = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]
    a = Store(store_target(), now=lambda: now[0])
    b = Store(store_target(), now=lambda: now[0])
    a.acquire_lease("instance", "host:1", dt.timedelta(seconds=60))
    with pytest.raises(LeaseHeldError, match="another newsdigest"):
        b.acquire_lease("instance", "host:2", dt.timedelta(seconds=60))
    now[0] += dt.timedelta(seconds=61)
    b.acquire_lease("instance", "host:2", dt.timedelta(seconds=60))
    a.close()
    b.close()


def test_newer_schema_is_refused(store_target: StoreTarget) -> None:
    store = Store(store_target())
    if store.dialect == "sqlite":
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        store.conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    store.close()
    with pytest.raises(SchemaTooNewError, match=f"version {SCHEMA_VERSION + 1} is newer"):
        Store(store_target())


def test_unwritable_location_gives_a_clear_error(tmp_path: Path) -> None:
    from newsdigest.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        Store(blocker / "sub" / "db.sqlite")


def test_feed_problems_are_distinct_and_newest_first(store: Store) -> None:
    feed, _ = store.add_feed("https://wire.example/rss", title="Wire")
    day = dt.datetime(2021, 5, 3, 7, tzinfo=dt.UTC)
    store.record_feed_problems(feed.id, ["entry 2: undated", "entry 3: headline only"], now=day)
    store.record_feed_problems(feed.id, ["entry 3: headline only"], now=day + dt.timedelta(hours=1))
    assert [text for _, text in store.feed_problems(feed.id)] == ["entry 3: headline only", "entry 2: undated"]
    assert store.feed_problems(feed.id)[0][0].startswith("2021-05-03T08:00")


def test_feed_problems_stored_with_the_old_prefix_are_read_without_it_and_once(store: Store) -> None:
    feed, _ = store.add_feed("https://wire.example/rss", title="Wire")
    day = dt.datetime(2021, 5, 3, 7, tzinfo=dt.UTC)
    store.record_feed_problems(feed.id, ["problem: entry 3: headline only"], now=day)
    store.record_feed_problems(feed.id, ["entry 3: headline only", "failed: entry 4: no text"], now=day)
    assert [text for _, text in store.feed_problems(feed.id)] == ["entry 3: headline only", "failed: entry 4: no text"]
