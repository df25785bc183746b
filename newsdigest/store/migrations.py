"""Schema migrations, one list for both databases. Append only: a released migration is never edited; the
newest version wins.

Each migration runs inside one transaction together with its version bump, so a crash mid-migration leaves
the previous version intact (SQLite: BEGIN IMMEDIATE, version in PRAGMA user_version; PostgreSQL: DDL is
transactional, an advisory lock lets one process migrate, version in the table schema_version). The tables
are written once, in SQLite's types; `_pg_ddl` spells them for PostgreSQL. Full-text search differs: FTS5
tables on SQLite, a generated tsvector column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable

import sqlite_utils

from newsdigest.errors import SchemaTooNewError as SchemaTooNewError
from newsdigest.store.backend import MIGRATE_LOCK_KEY, Connection

Migration = Callable[[Connection, str], None]  # (connection inside the migration's transaction, dialect)

_V1 = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    added_by TEXT,
    added_at TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    interval_minutes INTEGER,
    etag TEXT,
    last_modified TEXT,
    last_polled TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    next_poll TEXT,
    items_seen INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    terms TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_published TEXT,
    last_published TEXT
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    lang TEXT NOT NULL,
    published TEXT NOT NULL,
    url TEXT,
    canonical_url TEXT,
    guid TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    simhash INTEGER,
    source TEXT,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    ingested_at TEXT NOT NULL,
    story_id INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    extraction TEXT NOT NULL
);
CREATE UNIQUE INDEX articles_canonical_url ON articles(canonical_url) WHERE canonical_url IS NOT NULL;
CREATE INDEX articles_guid ON articles(guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_story ON articles(story_id, published);
CREATE INDEX articles_simhash ON articles(simhash);
CREATE TABLE article_sources (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT,
    canonical_url TEXT,
    guid TEXT,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (article_id, source)
);
CREATE INDEX article_sources_guid ON article_sources(guid) WHERE guid IS NOT NULL;
CREATE INDEX article_sources_url ON article_sources(canonical_url) WHERE canonical_url IS NOT NULL;
CREATE TABLE key_points (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    published TEXT NOT NULL
);
CREATE INDEX key_points_article ON key_points(article_id);
CREATE INDEX key_points_published ON key_points(published);
CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT NOT NULL,
    what TEXT NOT NULL,
    supersedes TEXT,
    published TEXT NOT NULL
);
CREATE INDEX deadlines_article ON deadlines(article_id);
CREATE INDEX deadlines_value ON deadlines(value);
CREATE TABLE timexes (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    mod TEXT,
    published TEXT NOT NULL
);
CREATE INDEX timexes_article ON timexes(article_id);
CREATE TABLE actors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (article_id, name)
);
CREATE INDEX actors_name ON actors(name);
CREATE TABLE chats (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'private',
    title TEXT,
    lang TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    deactivated_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    story TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL,
    tz TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_digest_at TEXT,
    UNIQUE (platform, chat_id, story)
);
CREATE TABLE deliveries (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    slot TEXT NOT NULL,
    subscription_id INTEGER,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    composed_at TEXT,
    sent_at TEXT,
    messages INTEGER NOT NULL DEFAULT 0,
    detail TEXT,
    PRIMARY KEY (platform, chat_id, slot)
);
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""


# Types: 64-bit integers (ids, SimHash), bytewise text order as SQLite's (ISO stamps and names sort alike on
# both, whatever the server's locale), ids drawn from an identity that still takes explicit values (migrate-store).
_PG_TYPES = (
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)

# Articles are searched in their own language's configuration (stemming, stop words); others in 'simple'.
PG_TS_CONFIGS = {"de": "german", "en": "english"}
PG_TS_FALLBACK = "simple"


def pg_ts_config(column: str) -> str:
    cases = " ".join(f"WHEN '{lang}' THEN '{cfg}'::regconfig" for lang, cfg in PG_TS_CONFIGS.items())
    return f"CASE {column} {cases} ELSE '{PG_TS_FALLBACK}'::regconfig END"


def _pg_ddl(statement: str) -> str:
    for pattern, replacement in _PG_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


def _ddl(conn: Connection, dialect: str, *statements: str) -> None:
    for statement in statements:
        conn.execute(_pg_ddl(statement) if dialect == "postgres" else statement)


def _v1(conn: Connection, dialect: str) -> None:
    _ddl(conn, dialect, *_split(_V1))
    if dialect == "postgres":
        conn.execute(
            "ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS"
            f" (to_tsvector({pg_ts_config('lang')}, title || ' ' || text)) STORED"
        )
        conn.execute("CREATE INDEX articles_fts ON articles USING GIN (fts)")
        return
    assert isinstance(conn, sqlite3.Connection)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    for table, columns in (("articles", ["title", "text"]), ("key_points", ["text"])):
        db.table(table).enable_fts(
            columns, fts_version="FTS5", create_triggers=True, tokenize="unicode61 remove_diacritics 2"
        )


def _v2(conn: Connection, dialect: str) -> None:
    # The numbered list a chat saw last, so `/why N` works across processes.
    _ddl(conn, dialect,
         "CREATE TABLE IF NOT EXISTS chat_lists (platform TEXT NOT NULL, chat_id TEXT NOT NULL, kind TEXT NOT NULL,"
         " story_id INTEGER, items TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (platform, chat_id))")


def _v3(conn: Connection, dialect: str) -> None:
    # Story commands answer from index pages: the stories active in a window (a bare /status), and the
    # durations and modified dates behind deadlines (the ledger).
    _ddl(conn, dialect,
         "CREATE INDEX IF NOT EXISTS articles_published_story ON articles(published, story_id)",
         'CREATE INDEX IF NOT EXISTS timexes_marked ON timexes(article_id, start, "end", type, mod)'
         " WHERE type = 'DURATION' OR mod IS NOT NULL")


def _v4(conn: Connection, dialect: str) -> None:
    # Key dates of two kinds (deadline | expiry), the decision behind each (/why), and retired mentions (a date
    # the text says no longer holds: never a source for it). Rows written before keep the defaults.
    _ddl(conn, dialect,
         "ALTER TABLE deadlines ADD COLUMN kind TEXT NOT NULL DEFAULT 'deadline'",
         "ALTER TABLE deadlines ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE deadlines ADD COLUMN retired INTEGER NOT NULL DEFAULT 0")


def _v5(conn: Connection, dialect: str) -> None:
    # Following a story: per-subscription word filters and digest style (Slack threads), and deadline
    # reminder rules (one per chat and story; '' = every story). A Telegram forum topic is its own chat id.
    _ddl(conn, dialect,
         "ALTER TABLE subscriptions ADD COLUMN filters TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE subscriptions ADD COLUMN style TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE subscriptions ADD COLUMN paused TEXT",  # why the platform stopped it (topic closed)
         "CREATE TABLE IF NOT EXISTS reminders (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, chat_id TEXT NOT NULL,"
         " story TEXT NOT NULL DEFAULT '', offsets TEXT NOT NULL, time TEXT NOT NULL, tz TEXT NOT NULL,"
         " lang TEXT NOT NULL DEFAULT 'en', active INTEGER NOT NULL DEFAULT 1, paused TEXT, created_at TEXT NOT NULL,"
         " updated_at TEXT NOT NULL, UNIQUE (platform, chat_id, story))")


def _v6(conn: Connection, dialect: str) -> None:
    # Ingestion faults made visible: the hash of the text a feed entry carried (before its page completed it),
    # so a changed entry is told from a completed teaser; when an article was last updated under the same identity, why its
    # date is not the source's (undated, unparseable, refused), and each feed's latest problems (JSON list).
    _ddl(conn, dialect,
         "ALTER TABLE articles ADD COLUMN updated_at TEXT",
         "ALTER TABLE articles ADD COLUMN date_note TEXT",
         "ALTER TABLE articles ADD COLUMN entry_hash TEXT",
         "ALTER TABLE feeds ADD COLUMN problems TEXT NOT NULL DEFAULT '[]'")
    if dialect == "postgres":  # the generated tsvector follows title and text by itself
        return
    # The full-text index follows title and text only: placing an article into a story (an UPDATE of story_id)
    # re-indexed its whole text, most of the cost of clustering a large import.
    conn.execute("DROP TRIGGER IF EXISTS articles_au")
    conn.execute(
        'CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN'
        ' INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES(\'delete\', old.rowid, old.title, old.text);'
        ' INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text); END'
    )


def _v7(conn: Connection, dialect: str) -> None:
    # A story's articles with what fixes their extraction rows (an update re-extracts only for a new text), read
    # from the index alone: the fingerprint under which a story's deadline mentions are remembered between asks.
    _ddl(conn, dialect, "CREATE INDEX IF NOT EXISTS articles_story_hash ON articles(story_id, published, content_hash)")


def _v8(conn: Connection, dialect: str) -> None:
    # Several workers on one database (PostgreSQL): a pending ledger row names the worker that claimed it (others
    # skip it while that worker's lease lives), when its slot was due (UTC, so the grace window is one comparison),
    # when a failed attempt may be retried, and what a reminder says (any worker can send it). Shared rate budgets
    # (one GCRA bucket per bot and per chat, see bot/ratelimit.py) live in rate_buckets.
    _ddl(conn, dialect,
         "ALTER TABLE deliveries ADD COLUMN claimed_by TEXT",
         "ALTER TABLE deliveries ADD COLUMN due_at TEXT",
         "ALTER TABLE deliveries ADD COLUMN retry_at TEXT",
         "ALTER TABLE deliveries ADD COLUMN payload TEXT",
         "CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries(due_at) WHERE status = 'pending'",
         "CREATE TABLE IF NOT EXISTS rate_buckets (name TEXT PRIMARY KEY, tat REAL)")


def _v9(conn: Connection, dialect: str) -> None:
    # A change log of articles updated in place (update_article writes an entry, keeping the newest 10,000): the
    # content token of cached story views reads its newest id, since re-extracting an article into as many rows as
    # before can leave every other maximum where it was (SQLite reuses the ids of deleted rows), and a story's
    # remembered rows are extended only while none of its articles is in it. The support mentions of a story's
    # key dates (the dated expressions of its newest articles naming one of their days) are looked up from an
    # index of type and value per article, not from the expressions' rows (~1 s to build for 100k articles).
    _ddl(conn, dialect,
         "CREATE TABLE IF NOT EXISTS article_changes (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL,"
         " changed_at TEXT NOT NULL)",
         "CREATE INDEX IF NOT EXISTS timexes_dated ON timexes(article_id, type, value)")


def _split(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: Connection, dialect: str = "sqlite") -> int:
    """The schema version that wrote the database (0: empty)."""
    if dialect == "sqlite":
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return 0
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0])


def _begin(conn: Connection, dialect: str) -> None:
    if dialect == "sqlite":
        conn.execute("BEGIN IMMEDIATE")
        return
    conn.execute("BEGIN")
    conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATE_LOCK_KEY,))
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")


def _set_version(conn: Connection, dialect: str, version: int) -> None:
    if dialect == "sqlite":
        conn.execute(f"PRAGMA user_version = {int(version)}")
        return
    conn.execute("DELETE FROM schema_version")
    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))


def migrate(conn: Connection, dialect: str = "sqlite") -> int:
    """Bring the schema to SCHEMA_VERSION; returns the number of migrations applied."""
    applied = 0
    while True:
        version = current_version(conn, dialect)
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"database schema version {version} is newer than this newsdigest ({SCHEMA_VERSION}); upgrade newsdigest"
            )
        if version == SCHEMA_VERSION:
            return applied
        _begin(conn, dialect)
        try:
            if current_version(conn, dialect) == version:  # another process may have migrated meanwhile
                MIGRATIONS[version](conn, dialect)
                _set_version(conn, dialect, version + 1)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # a broken connection has nothing to undo
                conn.execute("ROLLBACK")
            raise
        applied += 1
