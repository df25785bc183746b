"""The two databases behind the store: SQLite (the embedded default) and PostgreSQL (psycopg 3).

The repos write ONE SQL text, in SQLite's spelling with `?` placeholders. On SQLite it runs as written, on
the stdlib connection itself (no wrapper, no cost). On PostgreSQL `PgConnection` translates it once per
text (cached): `?` -> `%s`, a literal `%` -> `%%`, and the few spellings that have no common form (listed
in `_REWRITES`, each with why). Everything else is portable SQL in the repos (ON CONFLICT, RETURNING,
NULLS LAST, count(*) - count(col) ...). Rows answer both `row["col"]` and `row[0]`, as sqlite3.Row does.

Writes are one transaction each, and as on SQLite one writer at a time: a PostgreSQL write takes a
transaction-scoped advisory lock first, so the repos' read-then-write steps (dedupe, claims, leases) stay
correct across processes without a retry loop. A write that does its own row locking (SELECT ... FOR UPDATE
SKIP LOCKED) may skip it: `write(exclusive=False)`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sqlite3
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, NoReturn, Protocol

from newsdigest.errors import NotADatabaseError, StoreBusyError, StoreError, StoreUnavailableError

BUSY_TIMEOUT_MS = 10_000
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_NOTADB = 5, 6, 26
# pg_advisory_xact_lock keys (any two numbers no other application on the database uses)
WRITE_LOCK_KEY = 0x6E640001  # one writer at a time, as SQLite's BEGIN IMMEDIATE
MIGRATE_LOCK_KEY = 0x6E640002  # one process migrates; the others wait and find the work done
COPY_MIN_ROWS = 64  # PostgreSQL: from here on `insert_rows` streams with COPY instead of one multi-row INSERT


class Cursor(Protocol):
    """What the repos use of a cursor (sqlite3.Cursor and psycopg's Cursor both are one)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the repos use of a connection: sqlite3.Connection as it is, or PgConnection."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...

    @property
    def in_transaction(self) -> bool: ...

    def close(self) -> None: ...


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def mask_url(url: str) -> str:
    """The URL with its password replaced by `***` (for every message and log line that names it)."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is not None:
        user = urllib.parse.quote(urllib.parse.unquote(parts.username or ""), safe="")
        parts = parts._replace(netloc=f"{user}:***@{parts.netloc.rpartition('@')[2]}")
    if "password=" in parts.query:  # libpq also takes ?password=...
        parts = parts._replace(query=re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query))
    return urllib.parse.urlunsplit(parts)


def open_backend(target: str | Path, busy_timeout_ms: int) -> Backend:
    """The backend for a store target: a `postgresql://` URL, else an SQLite file path (or ":memory:")."""
    if is_postgres_url(target):
        return PostgresBackend(str(target), busy_timeout_ms)
    if re.match(r"postgres(ql)?:", str(target)):  # a mistyped URL (or one that went through Path) is no file name
        raise StoreError(f"{mask_url(str(target))} is not a PostgreSQL URL: write postgresql://user@host:5432/db "
                         "(or give an SQLite file path)")
    return SqliteBackend(str(target), busy_timeout_ms)


class Backend(ABC):
    """One database kind: how to connect, begin, classify errors, and what the store's checks mean there."""

    dialect: str
    label: str  # how messages name the database: the file path, or the URL without its password

    def __init__(self, busy_timeout_ms: int) -> None:
        self.busy_timeout_ms = busy_timeout_ms

    @abstractmethod
    def connect(self) -> Connection: ...

    @abstractmethod
    def usable(self, conn: Connection) -> bool:
        """False for a connection that broke (server restart, dropped socket): the store opens a new one."""

    @abstractmethod
    def begin(self, conn: Connection, *, exclusive: bool, durable: bool = True) -> None: ...

    @abstractmethod
    def typed_error(self, exc: Exception) -> StoreError | None:
        """The store's own error for a driver one (callers decide by type); None: not a store condition."""

    @abstractmethod
    def open_error(self, exc: Exception) -> StoreError:
        """The store's error for a failure while opening, migrating or beginning (always one of ours)."""

    def reraise(self, exc: Exception) -> NoReturn:
        """Raise the store's error for `exc` when it has one, else `exc` itself."""
        typed = self.typed_error(exc)
        if typed is None:
            raise exc
        raise typed from exc

    @property
    @abstractmethod
    def errors(self) -> tuple[type[Exception], ...]:
        """The driver's exception root."""

    @abstractmethod
    def new_ids(self, conn: Connection, table: str, n: int) -> list[int]:
        """Inside a write: `n` ids for new rows of `table` (its `id` column), so the rows and the rows that refer to
        them go in without a RETURNING round trip per row."""

    @abstractmethod
    def insert_rows(self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Inside a write: many NEW rows (no conflict handling: a duplicate key fails the write) in as few round
        trips as the database allows."""

    @abstractmethod
    def lock_wait(self, conn: Connection, ms: int) -> None:
        """How long this connection's next writes wait for another writer."""

    @abstractmethod
    def has_index(self, conn: Connection, name: str) -> bool: ...

    @abstractmethod
    def prepare(self) -> None:
        """Before the first connection: the SQLite file's folder exists."""

    @abstractmethod
    def check(self, conn: Connection) -> None:
        """Raise StoreError when the database cannot take writes any more (file gone, server unreachable)."""

    @abstractmethod
    def integrity(self, conn: Connection) -> str:
        """"ok", or what the database's own consistency check found."""


# ------------------------------------------------------------------------------------------------- SQLite


class SqliteBackend(Backend):
    dialect = "sqlite"

    def __init__(self, path: str, busy_timeout_ms: int) -> None:
        super().__init__(busy_timeout_ms)
        self.path = self.label = path
        self._identity: tuple[int, int] | None = None

    def connect(self) -> Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        if self._identity is None and self.path != ":memory:":
            st = os.stat(self.path)
            self._identity = st.st_dev, st.st_ino
        return conn

    def usable(self, conn: Connection) -> bool:
        return True

    def begin(self, conn: Connection, *, exclusive: bool, durable: bool = True) -> None:
        # WAL with synchronous=NORMAL does not wait for the disk at a commit anyway (`durable` changes nothing).
        # BEGIN IMMEDIATE takes the write lock up front, so no deadlock on upgrade (SQLite has one writer anyway)
        conn.execute("BEGIN IMMEDIATE")

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error,)

    def typed_error(self, exc: Exception) -> StoreError | None:
        if isinstance(exc, sqlite3.OperationalError) and _sqlite_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return self._error(exc)
        return None

    def open_error(self, exc: Exception) -> StoreError:
        return self._error(exc) if isinstance(exc, sqlite3.Error) else StoreError(f"database {self.path}: {exc}")

    def _error(self, exc: sqlite3.Error) -> StoreError:
        code = _sqlite_code(exc)
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return StoreBusyError(f"database {self.path} is busy: another process holds the write lock; "
                                  "try again in a moment")
        if code == _SQLITE_NOTADB:
            return NotADatabaseError(f"{self.path} is not a newsdigest database (not SQLite, or damaged); "
                                     "point --db or [storage] path at another file, or move this one away")
        return StoreError(f"cannot open database {self.path}: {exc} (check the path and its permissions)")

    def new_ids(self, conn: Connection, table: str, n: int) -> list[int]:
        # the ids SQLite would pick itself (INTEGER PRIMARY KEY: one more than the largest); the write lock is held
        top = int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
        return list(range(top + 1, top + 1 + n))

    def insert_rows(self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:  # in-process: executemany is a loop in C over one prepared statement
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})", rows)

    def lock_wait(self, conn: Connection, ms: int) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(ms)}")

    def has_index(self, conn: Connection, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is not None

    def prepare(self) -> None:
        if self.path == ":memory:":
            return
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder {Path(self.path).parent} for the database: {exc.strerror}"
                " (choose another --db or [storage] path)"
            ) from None

    def check(self, conn: Connection) -> None:
        """The open connections keep answering from a file that was moved or deleted (its inode lives on), so a
        query alone would report a healthy store that loses every write at the next restart."""
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

    def integrity(self, conn: Connection) -> str:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _sqlite_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF  # the primary result code


# --------------------------------------------------------------------------------------------- PostgreSQL

# SQLite spellings with no common form, and what PostgreSQL says instead.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    # SQLite's planner hints: `a CROSS JOIN b ON ...` fixes the loop order; PostgreSQL plans joins itself
    (re.compile(r"\bCROSS JOIN\b"), "JOIN"),
    (re.compile(r"\s+INDEXED BY \w+"), ""),
    # a JSON array of a column's values, as text (the repos parse it)
    (re.compile(r"\bjson_group_array\(([^()]*)\)"), r"(json_agg(\1))::text"),
    # one member of a JSON text column, as JSON text
    (re.compile(r"\bjson_extract\(([\w.]+), '\$\.(\w+)'\)"), r"((\1)::json -> '\2')::text"),
    # SQLite's LIKE ignores (ASCII) case; PostgreSQL's does not
    (re.compile(r"\bLIKE\b"), "ILIKE"),
)


@functools.lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """One SQL text of the repos in PostgreSQL's spelling (placeholders outside quotes; `%` escaped for psycopg)."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if ch == "%":
            out.append("%%")  # psycopg reads % everywhere in the text, literals included
        elif quote:
            out.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        else:
            out.append("%s" if ch == "?" else ch)
    text = "".join(out)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


class PgRow(tuple[Any, ...]):
    """A row by position or by column name (as sqlite3.Row); one subclass per column list holds the names."""

    __slots__ = ()
    _names: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@functools.lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[PgRow]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)  # a repeated name means its first column, as with sqlite3.Row
    return type("Row", (PgRow,), {"__slots__": (), "_names": index})


def _row_factory(cursor: Any) -> Any:
    desc = cursor.description
    cls = _row_class(tuple(c.name for c in desc) if desc else ())
    return lambda values: tuple.__new__(cls, values)


class PgConnection:
    """A psycopg connection that speaks the repos' SQL (see the module doc); autocommit outside `write()`.

    A connection that dropped between transactions (server restart, idle socket cut) is replaced on the next
    statement, which then runs once more: outside a transaction that statement is a read, a BEGIN or a
    setting, so nothing runs twice. Inside one, the loss is raised (StoreUnavailableError) and the write
    rolled back with the connection; the next write starts on a fresh one.
    """

    def __init__(self, raw: Any, backend: PostgresBackend) -> None:
        self.raw = raw
        self._backend = backend
        self.lock_timeout_ms = backend.busy_timeout_ms  # what this connection's next writes wait (`lock_wait`)

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        return self._run(to_postgres(sql), _params(parameters))

    def script(self, statements: Sequence[str]) -> None:
        """Several statements without parameters in ONE round trip (the simple query protocol): a write's BEGIN, its
        lock wait and its advisory lock. Taken for a read by the reconnect rule: it runs only between transactions."""
        self._run("; ".join(statements), None)

    def _run(self, query: str, params: Any) -> Cursor:
        between = not self.in_transaction
        try:
            return self.raw.execute(query, params)  # type: ignore[no-any-return]
        except self._backend.errors as exc:
            if not (between and self.raw.broken):
                self._backend.reraise(exc)
        self.raw = self._backend.reconnect(self.raw)
        try:
            return self.raw.execute(query, params)  # type: ignore[no-any-return]
        except self._backend.errors as exc:
            self._backend.reraise(exc)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor:
        params = [_params(p) for p in parameters]
        if len(params) == 1:  # psycopg runs executemany as a pipeline: for one row a plain statement costs less
            return self.execute(sql, params[0])
        cur = self.raw.cursor()
        try:
            cur.executemany(to_postgres(sql), params)
        except self._backend.errors as exc:
            self._backend.reraise(exc)
        return cur  # type: ignore[no-any-return]

    @property
    def in_transaction(self) -> bool:
        # a broken connection (status UNKNOWN) holds no transaction any more: the next write begins afresh
        return self.raw.info.transaction_status in self._backend.open_states

    def close(self) -> None:
        self.raw.close()


def _params(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        return {k: _param(v) for k, v in parameters.items()}
    return [_param(v) for v in parameters]


def _param(value: Any) -> Any:
    if isinstance(value, bool):  # sqlite3 binds True as 1 into INTEGER columns; PostgreSQL refuses a boolean there
        return int(value)
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL text cannot hold NUL: the replacement character,
        return value.replace("\x00", "\ufffd")  # as decoding does for bad bytes (offsets stay)
    return value


class PostgresBackend(Backend):
    dialect = "postgres"

    def __init__(self, url: str, busy_timeout_ms: int) -> None:
        super().__init__(busy_timeout_ms)
        try:
            import psycopg
        except ImportError:  # declared in pyproject; a hand-made venv may lack it
            raise StoreError("PostgreSQL needs the psycopg package: pip install 'psycopg[binary]'") from None
        self._psycopg = psycopg
        status = psycopg.pq.TransactionStatus
        self.open_states = frozenset({status.ACTIVE, status.INTRANS, status.INERROR})
        self.url = url
        self.label = mask_url(url)
        parts = urllib.parse.urlsplit(url)
        self._where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
        self._database = parts.path.lstrip("/") or parts.username or "postgres"
        self._user = urllib.parse.unquote(parts.username or "") or os.environ.get("PGUSER", "")

    def connect(self) -> Connection:
        return PgConnection(self._raw_connect(), self)

    def _raw_connect(self) -> Any:
        try:
            raw = self._psycopg.connect(self.url, autocommit=True, row_factory=_row_factory,
                                        connect_timeout=max(1, self.busy_timeout_ms // 1000))
            raw.execute(f"SET lock_timeout = {int(self.busy_timeout_ms)}")
        except self._psycopg.Error as exc:
            raise self._connect_error(exc) from None
        return raw

    def reconnect(self, broken: Any) -> Any:
        with contextlib.suppress(Exception):
            broken.close()
        return self._raw_connect()

    def _connect_error(self, exc: Exception) -> StoreError:
        # libpq reports why a connection failed in words only (no SQLSTATE): read them here, once
        text = str(exc)
        if "does not exist" in text and "database" in text:
            return StoreError(f"the PostgreSQL database {self._database!r} does not exist on {self._where}: create it "
                              f"(createdb {self._database}) or fix [storage] url / --db")
        if "authentication failed" in text or ("role" in text and "does not exist" in text) or "password" in text:
            return StoreError(f"PostgreSQL at {self._where} refused the login of user {self._user!r}: check the user "
                              "and password in [storage] url (or PGPASSWORD / ~/.pgpass)")
        if ("refused" in text or "could not connect" in text or "timeout" in text or "No such file" in text
                or "starting up" in text or "shutting down" in text or "in recovery mode" in text  # a restart
                or "closed the connection" in text or "terminating connection" in text):
            return StoreUnavailableError(f"cannot reach PostgreSQL at {self._where} ({_first_line(text)}): start the "
                                         "server, or fix host and port in [storage] url / --db")
        return StoreError(f"cannot open the PostgreSQL database {self.label}: {_first_line(text)}")

    def usable(self, conn: Connection) -> bool:
        return isinstance(conn, PgConnection) and not conn.raw.broken and not conn.raw.closed

    def begin(self, conn: Connection, *, exclusive: bool, durable: bool = True) -> None:
        """BEGIN, this write's settings (SET LOCAL: they end with the transaction) and the one-writer advisory lock,
        in one round trip."""
        assert isinstance(conn, PgConnection)
        statements = ["BEGIN"]
        if conn.lock_timeout_ms != self.busy_timeout_ms:  # `lock_wait`
            statements.append(f"SET LOCAL lock_timeout = {int(conn.lock_timeout_ms)}")
        if not durable:  # visible at once to every other connection; only the flush to disk comes a little later
            statements.append("SET LOCAL synchronous_commit = off")
        if exclusive:
            statements.append(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        try:
            conn.script(statements)
        except BaseException:
            if conn.in_transaction:  # the lock wait ran out: the transaction is open, and aborted
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")
            raise

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        return (self._psycopg.Error,)

    def typed_error(self, exc: Exception) -> StoreError | None:
        errors = self._psycopg.errors
        if isinstance(exc, (errors.LockNotAvailable, errors.SerializationFailure, errors.DeadlockDetected)):
            return StoreBusyError(f"database {self.label} is busy: another process holds the lock; try again in a moment")
        if isinstance(exc, errors.QueryCanceled):
            return StoreBusyError(f"database {self.label} took too long to answer (statement cancelled); try again")
        if isinstance(exc, self._psycopg.OperationalError):  # connection lost, server shutting down or restarting
            return StoreUnavailableError(f"lost the connection to PostgreSQL at {self._where} "
                                         f"({_first_line(str(exc))}); newsdigest reconnects on the next call — "
                                         "check that the server is running if this repeats")
        return None

    def open_error(self, exc: Exception) -> StoreError:
        return self.typed_error(exc) or StoreError(f"cannot prepare the PostgreSQL database {self.label}: "
                                                   f"{_first_line(str(exc))}")

    def new_ids(self, conn: Connection, table: str, n: int) -> list[int]:
        # one round trip for n values of the identity column's sequence (a rolled-back write leaves a gap, as always)
        rows = conn.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, ?)",
                            (n,)).fetchall()
        return sorted(int(r[0]) for r in rows)

    def insert_rows(self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A few rows: one multi-row INSERT (one round trip). Many: COPY, which streams them and parses no statement
        (two round trips; 3x faster than a multi-row INSERT for a batch's key points, measured)."""
        if len(rows) >= COPY_MIN_ROWS:
            self._copy(conn, table, columns, rows)
        elif rows:
            mark = "(" + ",".join("?" * len(columns)) + ")"
            conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {','.join([mark] * len(rows))}",
                         [v for row in rows for v in row])

    def _copy(self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        assert isinstance(conn, PgConnection)
        try:
            with conn.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_params(row))
        except self.errors as exc:
            self.reraise(exc)

    def lock_wait(self, conn: Connection, ms: int) -> None:
        assert isinstance(conn, PgConnection)
        conn.lock_timeout_ms = int(ms)  # applied by the next write's BEGIN: no statement of its own
        if conn.in_transaction:  # inside a write already: from its next statement on
            conn.execute(f"SET LOCAL lock_timeout = {int(ms)}")

    def has_index(self, conn: Connection, name: str) -> bool:
        return conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = ?", (name,)).fetchone() is not None

    def prepare(self) -> None:
        return None

    def check(self, conn: Connection) -> None:
        try:
            conn.execute("SELECT 1").fetchone()
        except self._psycopg.Error as exc:
            raise self.typed_error(exc) or StoreError(f"the database {self.label} does not answer: {exc}") from None
        if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
            raise StoreError(f"the PostgreSQL server at {self._where} is a read-only standby: point [storage] url "
                             "at the primary")

    def integrity(self, conn: Connection) -> str:
        # PostgreSQL checks its own pages (checksums, WAL); what the store can see is whether its tables answer
        conn.execute("SELECT count(*) FROM schema_version").fetchone()
        return "ok"


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else text
