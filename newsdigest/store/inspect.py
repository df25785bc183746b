"""Read-only looks at a database file, for `newsdigest doctor`: never creates, migrates or writes it.

`Store()` would create and migrate the file; the doctor must report on it as it is, so these open it with
SQLite's `mode=ro` and close it again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from newsdigest.errors import NotADatabaseError, StoreError
from newsdigest.store.migrations import current_version

OPEN_TIMEOUT = 5.0  # seconds to wait for a lock held by a running bot


@dataclass(frozen=True)
class DatabaseReport:
    version: int  # PRAGMA user_version: the schema version that wrote it
    integrity: str  # PRAGMA integrity_check: "ok" or the first problems


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


def inspect_database(path: str | Path) -> DatabaseReport:
    """Schema version and integrity of an existing database file.

    Raises StoreError when it cannot be opened, NotADatabaseError when it is not a readable SQLite database.
    """
    with _read_only(Path(path)) as conn:
        try:
            version = current_version(sqlite_utils.Database(conn))
            integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise NotADatabaseError(f"not a readable SQLite database: {exc}") from None
    return DatabaseReport(version, integrity)


def active_feed_urls(path: str | Path) -> list[str]:
    """Feeds followed in that database (added in chat or with `newsdigest feeds add`); none when it has no
    schema yet or cannot be read (the database checks report why)."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        with _read_only(path) as conn:
            if current_version(sqlite_utils.Database(conn)) < 1:
                return []
            return [str(r[0]) for r in conn.execute("SELECT url FROM feeds WHERE active = 1 ORDER BY url")]
    except (sqlite3.Error, StoreError):
        return []
