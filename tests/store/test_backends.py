"""The two databases behind one store: the CLI answers alike, the SQL translation, rows, errors, reconnects."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import socket
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.cli import main
from newsdigest.config import StorageConfig, build_config
from newsdigest.errors import ConfigError, StoreBusyError, StoreError, StoreUnavailableError
from newsdigest.extract.types import Extraction
from newsdigest.models import ArticleInput
from newsdigest.store.backend import PostgresBackend, mask_url, to_postgres
from newsdigest.store.migrations import SCHEMA_VERSION, current_version
from newsdigest.store.store import Store
from tests.conftest import SEEDS, StoreTarget
from tests.pgserver import PgServer
from tests.store.test_store import _add

AS_OF = "2020-09-14"
# Replies that depend on nothing but the stored facts: identical text on both databases.
SAME_TEXT = ["/deadline", "/status", "/timeline", "/stories", "/why 1", "/status tiktok", "/deadline microsoft"]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    return tmp_path


def _ask(line: str, db: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ask", line, "--as-of", AS_OF, "--db", db]) == 0
    return capsys.readouterr().out


def test_the_cli_answers_on_postgresql_as_on_sqlite(workdir: Path, pg_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    sqlite = str(workdir / "s.db")
    for db in (sqlite, pg_url):
        assert main(["ingest", str(SEEDS), "--db", db]) == 0
        assert "5 new" in capsys.readouterr().out
    for line in SAME_TEXT:
        on_sqlite = _ask(line, sqlite, capsys)
        assert _ask(line, pg_url, capsys) == on_sqlite, line
        assert on_sqlite.strip()
    # /search: the same articles (ranked by bm25 on SQLite, ts_rank on PostgreSQL: the order may differ)
    for line in ("/search TikTok", "/search Frist", "/search Micro"):
        titles = [{x for x in _ask(line, db, capsys).splitlines() if x.startswith("•")} for db in (sqlite, pg_url)]
        assert titles[0] == titles[1] and titles[0], line


def test_search_finds_every_word_with_a_prefix_last_and_respects_the_day(store: Store) -> None:
    _add(store, "The regulator extended the deadline for the merger filing.", title="Deadline extended")
    _add(store, "Die Behörde verlängerte die Frist für die Fusion.", title="Frist verlängert", lang="de")
    assert [h.title for h in store.search("deadline merger")] == ["Deadline extended"]
    assert [h.title for h in store.search("regulator dead")] == ["Deadline extended"]  # prefix on the last word
    assert [h.title for h in store.search("Frist Fus")] == ["Frist verlängert"]
    assert store.search("deadline Fusion") == []  # every word must match
    assert store.search("Frist", until=dt.date(2024, 2, 28)) == []  # published 2024-03-01
    hit = store.search("Behörde")[0]
    assert "Frist" in hit.snippet and hit.published == "2024-03-01"


def test_a_nul_in_a_text_is_stored_not_refused(store: Store) -> None:
    aid = _add(store, "The council must pay\x00 the fee by 5 May.", title="Fee\x00 due")
    article = store.article(aid)
    assert article is not None and article.text.replace("\ufffd", "\x00") == "The council must pay\x00 the fee by 5 May."
    assert [h.article_id for h in store.search("council fee")] == [aid]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])  # searches only read
@given(text=st.text(max_size=30))
def test_any_search_text_is_safe(store: Store, text: str) -> None:
    if not store.article_count():
        _add(store, "Oracle chosen as technology partner.", title="Oracle wins")
    hits = store.search(text)  # no operator, quote or backslash of the text reaches either query parser
    assert all(h.title == "Oracle wins" for h in hits)


def test_sql_translation_keeps_literals_and_escapes_percent() -> None:
    assert to_postgres("SELECT a FROM t WHERE b = ? AND c LIKE '%?%' ESCAPE '\\'") == (
        "SELECT a FROM t WHERE b = %s AND c ILIKE '%%?%%' ESCAPE '\\'")
    assert to_postgres('SELECT "end" FROM t WHERE x = ?') == 'SELECT "end" FROM t WHERE x = %s'
    assert to_postgres("SELECT (SELECT json_group_array(source) FROM s) AS sources") == (
        "SELECT (SELECT (json_agg(source))::text FROM s) AS sources")
    assert to_postgres("SELECT json_extract(extraction, '$.removed') FROM a CROSS JOIN b ON b.id = a.id") == (
        "SELECT ((extraction)::json -> 'removed')::text FROM a JOIN b ON b.id = a.id")
    assert to_postgres("SELECT id FROM articles INDEXED BY articles_published_story WHERE x") == (
        "SELECT id FROM articles WHERE x")


def test_passwords_are_masked() -> None:
    assert mask_url("postgresql://bot:s3cr%40t@db.internal:5432/news") == "postgresql://bot:***@db.internal:5432/news"
    assert mask_url("postgresql://bot@db:5432/news") == "postgresql://bot@db:5432/news"
    assert mask_url("postgresql://db/news?sslmode=require&password=pw") == "postgresql://db/news?sslmode=require&password=***"


def test_a_mistyped_url_is_refused_not_made_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for typo in ("postgresql:/bot@127.0.0.1/news", Path("postgresql://bot@127.0.0.1/news")):
        with pytest.raises(StoreError, match="is not a PostgreSQL URL"):
            Store(typo)
    assert list(tmp_path.iterdir()) == []


def test_storage_url_config_and_db_argument() -> None:
    cfg = build_config({"storage": {"url": "postgresql://bot@127.0.0.1/news"}})
    assert cfg.storage.target == "postgresql://bot@127.0.0.1/news"
    assert cfg.storage.with_db("other.db").target == "other.db"  # --db FILE wins over [storage] url
    assert StorageConfig().with_db("postgresql://x@h/d").target == "postgresql://x@h/d"
    assert StorageConfig().target == "data/newsdigest.db"
    with pytest.raises(ConfigError, match=r"storage\.url must be a postgresql://"):
        build_config({"storage": {"url": "mysql://bot@h/news"}})


def test_processes_opening_an_empty_database_at_once_migrate_it_once(pg_url: str) -> None:
    with concurrent.futures.ThreadPoolExecutor(4) as pool:  # each Store has its own connections, as processes do
        stores = list(pool.map(lambda _: Store(pg_url), range(4)))
    try:
        assert {current_version(s.conn, "postgres") for s in stores} == {SCHEMA_VERSION}
        assert stores[0].conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1
    finally:
        for s in stores:
            s.close()


def test_rows_answer_by_name_and_position(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        row = store.conn.execute("SELECT 1 AS one, 'x' AS two").fetchone()
        assert (row["one"], row[1], tuple(row), row.keys()) == (1, "x", (1, "x"), ["one", "two"])
    finally:
        store.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_server_says_so_without_the_password() -> None:
    url = f"postgresql://bot:hunter2@127.0.0.1:{_free_port()}/news"
    with pytest.raises(StoreUnavailableError, match=r"cannot reach PostgreSQL at 127\.0\.0\.1") as info:
        Store(url, busy_timeout_ms=1000)
    assert "hunter2" not in str(info.value) and "start the server" in str(info.value)


def test_a_missing_database_names_the_fix(pg_server: PgServer) -> None:
    with pytest.raises(StoreError, match=r"'no_such_db' does not exist.*createdb no_such_db"):
        Store(pg_server.url_for("no_such_db"))


def test_a_refused_login_names_the_fix() -> None:
    backend = PostgresBackend("postgresql://bot:hunter2@db:5432/news", 1000)
    refused = psycopg.OperationalError('connection failed: FATAL:  password authentication failed for user "bot"')
    error = backend._connect_error(refused)
    assert "refused the login of user 'bot'" in str(error) and "hunter2" not in str(error)


def test_a_writer_holding_the_lock_makes_others_busy_not_broken(store_target: StoreTarget) -> None:
    holder, waiter = Store(store_target()), Store(store_target(), busy_timeout_ms=50)
    try:
        with holder.write():
            with pytest.raises(StoreBusyError, match="busy"):
                waiter.add_feed("https://example.org/feed.xml")
            assert waiter.feeds() == []  # reads never wait
        assert waiter.add_feed("https://example.org/feed.xml")[1]  # free again: the write goes through
    finally:
        holder.close()
        waiter.close()


def test_a_shorter_lock_wait_holds_for_the_writes_inside_its_block_only(store_target: StoreTarget) -> None:
    holder, waiter = Store(store_target()), Store(store_target())
    try:
        with holder.write(), waiter.lock_wait(50), pytest.raises(StoreBusyError, match="busy"):
            waiter.add_feed("https://example.org/feed.xml")  # gave up after 50 ms, not the default 10 s
        assert waiter.add_feed("https://example.org/feed.xml")[1]
        if waiter.dialect == "postgres":  # it was the transaction's own setting: the session keeps its default
            assert waiter.query("SHOW lock_timeout")[0][0] == "10s"
    finally:
        holder.close()
        waiter.close()


def test_a_write_that_need_not_wait_for_the_disk_commits_like_any_other(pg_url: str) -> None:
    store, other = Store(pg_url), Store(pg_url)
    try:
        with store.write(durable=False) as conn:
            assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "off"
            conn.execute("INSERT INTO chats (platform, chat_id, kind, created_at, updated_at) VALUES (?,?,?,?,?)",
                         ("telegram", "77", "private", "2024-03-01", "2024-03-01"))
        assert other.query("SELECT count(*) FROM chats WHERE chat_id = '77'")[0][0] == 1  # visible at once
        assert store.query("SHOW synchronous_commit")[0][0] == "on"  # that transaction's setting only
    finally:
        store.close()
        other.close()


def test_a_dropped_connection_is_replaced(pg_server: PgServer, pg_url: str) -> None:
    store = Store(pg_url)
    try:
        store.add_feed("https://example.org/a.xml")
        assert pg_server.terminate_connections(pg_url.rsplit("/", 1)[1]) >= 1
        assert [f.url for f in store.feeds()] == ["https://example.org/a.xml"]  # a read reconnects by itself
        pg_server.terminate_connections(pg_url.rsplit("/", 1)[1])
        store.add_feed("https://example.org/b.xml")  # so does a write (its BEGIN runs on a fresh connection)
        with pytest.raises(StoreUnavailableError, match="lost the connection"), store.write() as conn:
            conn.execute("UPDATE feeds SET title = 'lost'")
            pg_server.terminate_connections(pg_url.rsplit("/", 1)[1])
            conn.execute("UPDATE feeds SET title = 'lost again'")
        assert {f.title for f in store.feeds()} == {None}  # the write was not half applied
    finally:
        store.close()


def test_articles_in_each_language_are_found_by_inflected_words_on_postgresql(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        store.add_article(ArticleInput(text="Die Fristen wurden verlängert.", title="Fristen", lang="de",
                                       published=dt.date(2024, 3, 1)),
                          _extraction_for("de"), content_hash="h1")
        store.add_article(ArticleInput(text="The deadlines were extended.", title="Deadlines", lang="en",
                                       published=dt.date(2024, 3, 1)),
                          _extraction_for("en"), content_hash="h2")
        assert [h.title for h in store.search("Frist verlängert")] == ["Fristen"]  # German stemming
        assert [h.title for h in store.search("deadline extend")] == ["Deadlines"]  # English stemming
    finally:
        store.close()


def _extraction_for(lang: str) -> Extraction:
    return Extraction(lang=lang, published="2024-03-01", title="T")
