"""Connection handling shared by the store's parts: one connection per thread, WAL, writes in BEGIN IMMEDIATE."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from newsdigest.clock import shift_days
from newsdigest.errors import NotADatabaseError, StoreBusyError, StoreError
from newsdigest.models import ChatRef
from newsdigest.store.gateway import Gateway
from newsdigest.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOTADB = 5, 6, 26


def typed_error(exc: sqlite3.Error, path: str) -> StoreError:
    """The store's own error for an sqlite3 one, so callers decide by type, never by message words."""
    code = _code(exc)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreBusyError(f"database {path} is busy: another process holds the write lock; try again in a moment")
    if code == _SQLITE_NOTADB:
        return NotADatabaseError(f"{path} is not a newsdigest database (not SQLite, or damaged); "
                                 "point --db or [storage] path at another file, or move this one away")
    return StoreError(f"cannot open database {path}: {exc} (check the path and its permissions)")


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF  # the primary result code


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(ts: dt.datetime) -> str:
    return ts.astimezone(dt.UTC).isoformat(timespec="seconds")


def day_after(day: dt.date) -> str:
    """Upper bound (exclusive) for `published < ?` comparisons of ISO dates/datetimes up to `day` inclusive."""
    # The last representable day has no successor: a string that sorts after every stamp of that day.
    return shift_days(day, 1).isoformat() if day < dt.date.max else "9999-12-32"


def loads(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


class StoreBase:
    """Opens the database (creating folders and schema) and hands out per-thread connections."""

    def __init__(
        self, path: str | Path, *, now: Callable[[], dt.datetime] = _utc_now, busy_timeout_ms: int | None = None,
        gateway: Gateway | None = None,
    ) -> None:
        self.path = str(path)
        self.busy_timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        self.now = now
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()
        self.gateway = gateway or Gateway()  # how coroutines reach this store: one writer thread, a few readers
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder {Path(self.path).parent} for the database: {exc.strerror}"
                    " (choose another --db or [storage] path)"
                ) from None
        try:
            migrate(self.db)
        except sqlite3.Error as exc:
            raise typed_error(exc, self.path) from None
        self._identity = self._file_identity()

    @property
    def db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = self._connect()
            self._local.db = db
        return db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def _connect(self) -> sqlite_utils.Database:
        try:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise typed_error(exc, self.path) from None
        db = sqlite_utils.Database(conn, execute_plugins=False)
        with self._lock:
            self._all.append(db)
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: takes the write lock up front, so no deadlock on upgrade)."""
        conn = self.conn
        if conn.in_transaction:  # nested: join the outer transaction
            yield conn
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise typed_error(exc, self.path) from exc
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            conn.execute("ROLLBACK")
            if _code(exc) not in (_SQLITE_BUSY, _SQLITE_LOCKED):
                raise
            raise typed_error(exc, self.path) from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @property
    def supports_workers(self) -> bool:
        """Whether several `newsdigest run` processes may share this database (PostgreSQL: yes; SQLite: no, one
        writer and no row locks, so the instance lease keeps it to one process)."""
        return False

    def transient(self, exc: StoreError) -> bool:
        """Whether trying the same work again soon may succeed (busy / restarting / dropped connection)."""
        return isinstance(exc, StoreBusyError)

    def skip_locked(self) -> str:
        """The clause that makes a claiming SELECT lock its rows and pass over rows another worker has locked
        (PostgreSQL); SQLite has one writer at a time, so its claims need none."""
        return ""

    def row_lock(self) -> str:
        """The clause that locks the row a read-modify-write reads (PostgreSQL: FOR UPDATE); SQLite: none needed."""
        return ""

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    @staticmethod
    def activate_chat(conn: sqlite3.Connection, chat: ChatRef, stamp: str) -> None:
        """Inside a write: the chat exists and is active again (subscribing or asking for reminders revives it)."""
        conn.execute(
            "INSERT INTO chats (platform, chat_id, kind, created_at, updated_at) VALUES (?,?,?,?,?)"
            " ON CONFLICT(platform, chat_id) DO UPDATE SET active = 1, deactivated_reason = NULL",
            (chat.platform, chat.chat_id, chat.kind, stamp, stamp),
        )

    def stamp(self) -> str:
        return iso(self.now())

    def close(self) -> None:
        """Stop the gateway's threads (after their queued work), then close every connection."""
        self.gateway.close()
        self.close_connections()

    def close_connections(self) -> None:
        with self._lock:
            for db in self._all:
                with contextlib.suppress(sqlite3.Error):
                    db.conn.close()
            self._all.clear()
        self._local = threading.local()

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path == ":memory:":
            return None
        st = os.stat(self.path)
        return st.st_dev, st.st_ino

    def check_file(self) -> None:
        """Raise StoreError when the database file is gone, replaced or not writable.

        The open connections keep answering from a file that was moved or deleted (its inode lives on), so a
        query alone would report a healthy store that loses every write at the next restart.
        """
        if self._identity is None:
            return
        path = Path(self.path)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise StoreError(f"the database file {path} is gone (moved or deleted): put it back, or restart "
                             "newsdigest to start a new one") from None
        except OSError as exc:
            raise StoreError(f"the database file {path} cannot be read: {exc.strerror}") from None
        if (st.st_dev, st.st_ino) != self._identity:
            raise StoreError(f"the database file {path} was replaced by another file: restart newsdigest to use it")
        for target in (path, path.parent):
            if not os.access(target, os.W_OK):
                raise StoreError(f"{target} is not writable for this process: fix its permissions (or the volume's "
                                 "read-only mount)")

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])
