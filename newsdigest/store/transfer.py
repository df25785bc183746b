"""`newsdigest migrate-store`: copy an SQLite database into an empty PostgreSQL one, and check the copy.

Table by table in foreign-key order, rows in primary-key order, in batches through COPY; ids are kept, and
each identity sequence is moved past the highest id copied, so new rows do not collide. The whole copy is one
transaction that commits only after the check (row counts and a SHA-256 over every row, read back from the
target in the same order) passed on every table: a failed run leaves the target as empty as it found it.

Not copied: SQLite's full-text tables (PostgreSQL computes its own search column from the copied text) and
the instance lease (who runs the bot is no data; the new workers take their own).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import graphlib
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from newsdigest.errors import StoreError
from newsdigest.store.backend import is_postgres_url, mask_url
from newsdigest.store.store import Store

BATCH_ROWS = 5_000
SKIPPED = frozenset({"leases"})

Progress = Callable[[str, int, int], None]  # (table, rows copied so far, rows in the table)


@dataclass(frozen=True)
class TableCheck:
    name: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass(frozen=True)
class TransferReport:
    tables: tuple[TableCheck, ...]
    committed: bool  # False: the check failed and the copy was rolled back

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)


def migrate_store(
    source: Path, target_url: str, *, batch_rows: int = BATCH_ROWS, progress: Progress | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> TransferReport:
    """Copy the SQLite database `source` into the PostgreSQL database at `target_url` (empty) and check it."""
    if not is_postgres_url(target_url):
        raise StoreError(f"--to must be a postgresql:// URL, not {target_url!r}")
    if not source.is_file():
        raise StoreError(f"{source}: no such SQLite database file")
    Store(source).close()  # brings an older file to the current schema, as every command does
    Store(target_url).close()  # creates the schema on the target
    with contextlib.closing(_read_only(source)) as src:
        _refuse_live_source(src, source, (now or _utc_now)())
        tables = source_tables(src)
        try:
            dst = psycopg.connect(target_url)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {mask_url(target_url)}: {_one_line(exc)}") from None
        with dst:
            return _copy_all(src, dst, tables, mask_url(target_url), batch_rows, progress)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _refuse_live_source(src: sqlite3.Connection, path: Path, now: dt.datetime) -> None:
    """A bot still writing to the source would lose everything it writes after the copy."""
    stamp = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    row = src.execute("SELECT holder, expires_at FROM leases WHERE expires_at > ? ORDER BY expires_at DESC LIMIT 1",
                      (stamp,)).fetchone()
    if row:
        raise StoreError(f"{path} is in use: {row[0]} holds its lease until {row[1]}; stop that bot first "
                            "(or wait for the lease to expire)")


def source_tables(src: sqlite3.Connection) -> list[str]:
    """The SQLite data tables to copy, parents before the tables that reference them."""
    rows = src.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    named = dict(rows.fetchall())
    virtual = [name for name, ddl in named.items() if (ddl or "").upper().startswith("CREATE VIRTUAL TABLE")]
    shadows = {name for name in named for v in virtual if name == v or name.startswith(f"{v}_")}
    tables = set(named) - shadows - SKIPPED
    order: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for table in sorted(tables):
        parents = {r[2] for r in src.execute(f"PRAGMA foreign_key_list({_quote(table)})")} & tables
        order.add(table, *sorted(parents - {table}))
    return list(order.static_order())


def _copy_all(
    src: sqlite3.Connection, dst: psycopg.Connection[Any], tables: Sequence[str], label: str, batch_rows: int,
    progress: Progress | None,
) -> TransferReport:
    target_columns = _target_columns(dst)
    _refuse_non_empty(dst, tables, target_columns, label)
    checks: list[TableCheck] = []
    for table in tables:
        columns = _source_columns(src, table)
        missing = [c for c in columns if c not in target_columns.get(table, ())]
        if missing:
            raise StoreError(f"{label} has no column {table}.{missing[0]} (is it newsdigest's schema, "
                                "of the same version?)")
        key = _order_key(src, table, columns)
        total = int(src.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])
        source_sum = _copy_table(src, dst, table, columns, key, total, batch_rows, progress)
        target_rows, target_sum = _target_check(dst, table, columns, key, batch_rows)
        checks.append(TableCheck(table, total, target_rows, source_sum, target_sum))
    _fix_sequences(dst, tables)
    committed = all(c.ok for c in checks)
    if committed:
        dst.commit()
    else:
        dst.rollback()
    return TransferReport(tuple(checks), committed)


def _target_columns(dst: psycopg.Connection[Any]) -> dict[str, set[str]]:
    """Each target table's writable columns (a generated search column is computed, never copied)."""
    rows = dst.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_generated = 'NEVER'"
    ).fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def _refuse_non_empty(
    dst: psycopg.Connection[Any], tables: Sequence[str], target_columns: dict[str, set[str]], label: str
) -> None:
    for table in tables:
        if table not in target_columns:
            raise StoreError(f"{label} has no table {table} (is it newsdigest's schema, of the same version?)")
        if dst.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))).fetchone() == (True,):
            raise StoreError(f"{label} already holds data (table {table} is not empty); migrate-store copies "
                                "into an empty database only: create a new one, or drop this one's tables")


def _source_columns(src: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in src.execute(f"PRAGMA table_info({_quote(table)})")]


def _order_key(src: sqlite3.Connection, table: str, columns: Sequence[str]) -> list[str]:
    """The primary key's columns in key order (every newsdigest table has one), else all columns."""
    pk = sorted((int(r[5]), str(r[1])) for r in src.execute(f"PRAGMA table_info({_quote(table)})") if int(r[5]))
    return [name for _, name in pk] or list(columns)


def _copy_table(
    src: sqlite3.Connection, dst: psycopg.Connection[Any], table: str, columns: Sequence[str], key: Sequence[str],
    total: int, batch_rows: int, progress: Progress | None,
) -> str:
    """COPY the rows over in key order; returns the checksum of what was read."""
    select = f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)} ORDER BY {', '.join(map(_quote, key))}"
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    digest = hashlib.sha256()
    done = 0
    cursor = src.execute(select)
    try:
        with dst.cursor() as cur, cur.copy(copy_sql) as copy:
            while batch := cursor.fetchmany(batch_rows):
                for row in batch:
                    copy.write_row(row)
                _digest_rows(digest, batch)
                done += len(batch)
                if progress is not None:
                    progress(table, done, total)
    except psycopg.Error as exc:
        raise StoreError(f"copying {table} failed near row {done + 1}: {_one_line(exc)}; nothing was kept") from None
    if progress is not None and total == 0:
        progress(table, 0, 0)
    return digest.hexdigest()


def _target_check(
    dst: psycopg.Connection[Any], table: str, columns: Sequence[str], key: Sequence[str], batch_rows: int
) -> tuple[int, str]:
    """Row count and checksum of the table as the target holds it (inside the copying transaction)."""
    select = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, key)),
    )
    digest = hashlib.sha256()
    rows = 0
    with dst.cursor(name=f"check_{table}") as cur:
        cur.itersize = batch_rows
        cur.execute(select)
        for batch in _chunks(cur, batch_rows):
            _digest_rows(digest, batch)
            rows += len(batch)
    return rows, digest.hexdigest()


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _digest_rows(digest: Any, rows: Iterable[Sequence[Any]]) -> None:
    for row in rows:
        digest.update(json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode())
        digest.update(b"\n")


def _canonical(value: Any) -> Any:
    """One spelling per value on both sides: SQLite hands back 1 where PostgreSQL's double says 1.0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _fix_sequences(dst: psycopg.Connection[Any], tables: Sequence[str]) -> None:
    """Move each identity/serial sequence past the highest id copied (the next insert gets max + 1)."""
    rows = dst.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')"
    ).fetchall()
    for table, column in rows:
        if table not in tables:
            continue
        dst.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence({t}, {c}), coalesce(max({col}), 0) + 1, false) FROM {tab}")
            .format(t=sql.Literal(table), c=sql.Literal(column), col=sql.Identifier(column), tab=sql.Identifier(table))
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
