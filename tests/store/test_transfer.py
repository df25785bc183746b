"""migrate-store's copy (store/transfer.py): SQLite into a real, empty PostgreSQL database, checked, all or nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import psycopg
import pytest

from newsdigest.errors import StoreError
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.store.transfer import migrate_store, source_tables
from newsdigest.stories.service import ensure_assigned
from tests.conftest import sqlite_only

CHAT = ChatRef(Platform.TELEGRAM, "4711")
pytestmark = sqlite_only  # the source is an SQLite file; the target is PostgreSQL in every test


@pytest.fixture
def source(seeded_store: Store) -> Path:
    """The seeds, placed into stories, with a feed, a chat, a subscription and a reminder rule: every kind of row."""
    ensure_assigned(seeded_store)
    seeded_store.add_feed("https://example.org/feed.xml", title="Beispiel")
    seeded_store.register_chat(CHAT, title="Redaktion")
    seeded_store.subscribe(CHAT, time="08:00", tz="Europe/Berlin", lang="de")
    seeded_store.set_reminder(CHAT, story=None, offsets=(1, 7), time="09:00", tz="Europe/Berlin", lang="de")
    path = Path(seeded_store.path)
    seeded_store.close()
    return path


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_copy_keeps_every_row_and_id_and_checks_them(source: Path, pg_url: str) -> None:
    report = migrate_store(source, pg_url)
    assert report.ok and report.committed
    by_name = {t.name: t for t in report.tables}
    for table in ("articles", "key_points", "deadlines", "stories", "feeds", "subscriptions", "reminders", "chats"):
        assert by_name[table].target_rows == _rows(source, table) > 0, table
    with sqlite3.connect(source) as lite, psycopg.connect(pg_url) as pg:
        sql = "SELECT id, story_id, title FROM articles ORDER BY id"
        assert lite.execute(sql).fetchall() == pg.execute(sql).fetchall()


def test_the_store_on_the_copy_answers_as_the_original(source: Path, pg_url: str) -> None:
    migrate_store(source, pg_url)
    original, copy = Store(source), Store(pg_url)
    try:
        assert copy.article_count() == original.article_count()
        assert [d.value for d in copy.deadlines()] == [d.value for d in original.deadlines()]
        assert [s.chat_id for s in copy.subscriptions()] == [s.chat_id for s in original.subscriptions()]
    finally:
        original.close()
        copy.close()


def test_new_rows_after_the_copy_get_fresh_ids(source: Path, pg_url: str) -> None:
    migrate_store(source, pg_url)
    top = _max_id(source, "feeds")
    store = Store(pg_url)
    try:
        feed, created = store.add_feed("https://example.org/another.xml")
    finally:
        store.close()
    assert created and feed.id == top + 1


def _max_id(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0])


def test_a_target_with_data_is_refused_and_left_alone(source: Path, pg_url: str) -> None:
    migrate_store(source, pg_url)
    with pytest.raises(StoreError, match="already holds data"):
        migrate_store(source, pg_url)
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT count(*) FROM articles").fetchone() == (_rows(source, "articles"),)


def test_a_failed_check_rolls_the_whole_copy_back(source: Path, pg_url: str) -> None:
    """A target that alters what it is given (here a trigger) fails the checksum, and keeps nothing."""
    Store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("CREATE FUNCTION shout() RETURNS trigger AS $$ BEGIN NEW.title := upper(NEW.title); RETURN NEW; END"
                   " $$ LANGUAGE plpgsql")
        pg.execute("CREATE TRIGGER shout BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION shout()")
    report = migrate_store(source, pg_url)
    assert not report.ok and not report.committed
    bad = [t for t in report.tables if not t.ok]
    assert [t.name for t in bad] == ["articles"]
    assert bad[0].source_rows == bad[0].target_rows and bad[0].source_sum != bad[0].target_sum
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT count(*) FROM feeds").fetchone() == (0,)


def test_a_source_a_bot_still_runs_on_is_refused(source: Path, pg_url: str) -> None:
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    store = Store(source, now=lambda: now)
    store.acquire_lease("instance", "host-a:123", dt.timedelta(minutes=5))
    store.close()
    with pytest.raises(StoreError, match="in use: host-a:123"):
        migrate_store(source, pg_url, now=lambda: now)
    later = now + dt.timedelta(minutes=6)
    assert migrate_store(source, pg_url, now=lambda: later).ok  # an expired lease is a bot that is gone


def test_progress_reports_each_table_up_to_its_total(source: Path, pg_url: str) -> None:
    seen: dict[str, list[tuple[int, int]]] = {}
    migrate_store(source, pg_url, batch_rows=2, progress=lambda t, done, total: seen.setdefault(t, []).append((done, total)))
    assert seen["articles"][-1] == (_rows(source, "articles"),) * 2
    assert len(seen["articles"]) > 1  # batches of two
    assert all(done <= total for steps in seen.values() for done, total in steps)


def test_bad_arguments_say_what_is_wrong(tmp_path: Path, source: Path) -> None:
    with pytest.raises(StoreError, match="no such SQLite database file"):
        migrate_store(tmp_path / "missing.db", "postgresql://127.0.0.1:1/x")
    with pytest.raises(StoreError, match="postgresql:// URL"):
        migrate_store(source, str(tmp_path / "other.db"))
    assert not (tmp_path / "missing.db").exists()


def test_tables_come_parents_first_without_search_or_lease_tables(source: Path) -> None:
    with sqlite3.connect(source) as conn:
        order = source_tables(conn)
    assert not [t for t in order if "fts" in t] and "leases" not in order
    assert order.index("feeds") < order.index("articles") < order.index("key_points")
    assert order.index("stories") < order.index("articles") < order.index("deadlines")
