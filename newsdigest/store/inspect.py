"""Read-only looks at a database, for `newsdigest doctor`: never creates, migrates or writes it.

`Store()` would create and migrate it; the doctor must report on it as it is, so these open an SQLite file
with `mode=ro`, a PostgreSQL database in a read-only session, and close it again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsdigest.errors import NotADatabaseError, StoreError
from newsdigest.store.backend import Connection, PostgresBackend, is_postgres_url
from newsdigest.store.migrations import current_version

OPEN_TIMEOUT = 5.0  # seconds to wait for a lock held by a running bot


@dataclass(frozen=True)
class DatabaseReport:
    version: int  # the schema version that wrote it (SQLite: PRAGMA user_version; PostgreSQL: schema_version)
    integrity: str  # SQLite: PRAGMA integrity_check, "ok" or the first problems; PostgreSQL: "ok" when it answers


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=OPEN_TIMEOUT)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from None
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def _pg_read_only(url: str) -> Iterator[tuple[Connection, PostgresBackend]]:
    backend = PostgresBackend(url, int(OPEN_TIMEOUT * 1000))
    conn = backend.connect()  # StoreError (masked URL, what to fix) when it cannot
    try:
        conn.execute("SET default_transaction_read_only = on")
        yield conn, backend
    finally:
        conn.close()


def inspect_database(path: str | Path) -> DatabaseReport:
    """Schema version and integrity of an existing database (file path or postgresql:// URL).

    Raises StoreError when it cannot be opened, NotADatabaseError when it is not a readable SQLite database.
    """
    if is_postgres_url(path):
        with _pg_read_only(str(path)) as (pg, backend):
            version = current_version(pg, "postgres")
            return DatabaseReport(version, backend.integrity(pg) if version else "ok")
    with _read_only(Path(path)) as conn:
        try:
            version = current_version(conn)
            integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise NotADatabaseError(f"not a readable SQLite database: {exc}") from None
    return DatabaseReport(version, integrity)


def active_feed_urls(path: str | Path) -> list[str]:
    """Feeds followed in that database (added in chat or with `newsdigest feeds add`); none when it has no
    schema yet or cannot be read (the database checks report why)."""
    if is_postgres_url(path):
        try:
            with _pg_read_only(str(path)) as (pg, _):
                if current_version(pg, "postgres") < 1:
                    return []
                return [str(r[0]) for r in pg.execute("SELECT url FROM feeds WHERE active = 1 ORDER BY url")]
        except StoreError:
            return []
    path = Path(path)
    if not path.is_file():
        return []
    try:
        with _read_only(path) as conn:
            if current_version(conn) < 1:
                return []
            return [str(r[0]) for r in conn.execute("SELECT url FROM feeds WHERE active = 1 ORDER BY url")]
    except (sqlite3.Error, StoreError):
        return []
