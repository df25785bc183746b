"""Connection handling shared by the store's parts: one connection per thread, writes in one transaction each.

The database behind it is SQLite (WAL, BEGIN IMMEDIATE) or PostgreSQL (psycopg 3): see store/backend.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from newsdigest.clock import shift_days
from newsdigest.errors import StoreBusyError, StoreError, StoreUnavailableError
from newsdigest.models import ChatRef
from newsdigest.store.backend import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from newsdigest.store.backend import Connection, open_backend
from newsdigest.store.gateway import Gateway
from newsdigest.store.migrations import migrate


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row, backend.PgRow)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


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
    """Opens the database (creating folders and schema) and hands out per-thread connections.

    `target` is an SQLite file path (or ":memory:") or a `postgresql://` URL; `path` names it in messages
    (a URL without its password).
    """

    def __init__(
        self, target: str | Path, *, now: Callable[[], dt.datetime] = _utc_now, busy_timeout_ms: int | None = None,
        gateway: Gateway | None = None,
    ) -> None:
        self.busy_timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        self.backend = open_backend(target, self.busy_timeout_ms)
        self.dialect = self.backend.dialect  # "sqlite" | "postgres"
        self.path = self.backend.label
        self.now = now
        self._local = threading.local()
        self._all: list[Connection] = []
        self._lock = threading.Lock()
        self.gateway = gateway or Gateway()  # how coroutines reach this store: one writer thread, a few readers
        self.backend.prepare()
        try:
            migrate(self.conn, self.dialect)
        except self.backend.errors as exc:
            self.close_connections()
            raise self.backend.open_error(exc) from None
        except BaseException:  # a newer schema, a refused login: no connection is left behind
            self.close_connections()
            raise

    @property
    def conn(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or not self.backend.usable(conn):  # a dropped PostgreSQL connection is replaced
            if conn is not None:
                self._forget(conn)
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self) -> Connection:
        conn = self.backend.connect()
        with self._lock:
            self._all.append(conn)
        return conn

    def _forget(self, conn: Connection) -> None:
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        with contextlib.suppress(Exception):
            conn.close()

    @contextlib.contextmanager
    def write(self, *, exclusive: bool = True, durable: bool = True) -> Iterator[Connection]:
        """One write transaction, one writer at a time (SQLite: BEGIN IMMEDIATE takes the write lock up front, so
        no deadlock on upgrade; PostgreSQL: an advisory lock does the same). `exclusive=False` (PostgreSQL only)
        lets writes that lock their own rows (FOR UPDATE SKIP LOCKED) run side by side. `durable=False` (PostgreSQL
        only) commits without waiting for the WAL to reach the disk: for what a crash of the server may lose
        (a chat's last numbered list), as SQLite's WAL with synchronous=NORMAL may lose the last commits anyway."""
        conn = self.conn
        if conn.in_transaction:  # nested: join the outer transaction
            yield conn
            return
        try:
            self.backend.begin(conn, exclusive=exclusive, durable=durable)
        except self.backend.errors as exc:
            raise self.backend.open_error(exc) from exc
        try:
            yield conn
        except BaseException as exc:
            self._rollback(conn)
            if isinstance(exc, self.backend.errors):
                self.backend.reraise(exc)
            raise
        conn.execute("COMMIT")

    @property
    def supports_workers(self) -> bool:
        """Whether several `newsdigest run` processes may share this database (PostgreSQL: yes; SQLite: no, one
        writer and no row locks, so the instance lease keeps it to one process)."""
        return self.dialect == "postgres"

    def transient(self, exc: StoreError) -> bool:
        """Whether trying the same work again soon may succeed (busy / restarting / dropped connection)."""
        return isinstance(exc, (StoreBusyError, StoreUnavailableError))

    def skip_locked(self) -> str:
        """The clause that makes a claiming SELECT lock its rows and pass over rows another worker has locked
        (PostgreSQL, in a `write(exclusive=False)`); SQLite has one writer at a time, so its claims need none."""
        return " FOR UPDATE SKIP LOCKED" if self.dialect == "postgres" else ""

    def row_lock(self) -> str:
        """The clause that locks the row a read-modify-write reads (PostgreSQL: FOR UPDATE); SQLite: none needed."""
        return " FOR UPDATE" if self.dialect == "postgres" else ""

    def _rollback(self, conn: Connection) -> None:
        with contextlib.suppress(StoreError, *self.backend.errors):  # a broken connection has nothing to undo
            conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def lock_wait(self, ms: int) -> Iterator[None]:
        """Writes of this thread inside the block wait at most `ms` for another writer."""
        self.backend.lock_wait(self.conn, ms)
        try:
            yield
        finally:
            self.backend.lock_wait(self.conn, self.busy_timeout_ms)

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    @staticmethod
    def activate_chat(conn: Connection, chat: ChatRef, stamp: str) -> None:
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
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    def check_file(self) -> None:
        """Raise StoreError when the database cannot take writes: the SQLite file is gone, replaced or not writable
        (open connections keep answering from a moved file), or the PostgreSQL server does not answer."""
        self.backend.check(self.conn)

    def integrity_check(self) -> str:
        return self.backend.integrity(self.conn)
