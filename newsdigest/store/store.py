"""The store: the only place that reads and writes SQLite. Parts live in mixins of this package.

Articles are known by feed GUID, canonical URL and content hash; adding a known article only
records another source for it, so ingestion is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdigest.clock import day_or_none
from newsdigest.errors import LeaseHeldError, StoreError
from newsdigest.extract.types import Extraction
from newsdigest.models import Article, ArticleInput, ChatRef, Deadline, KeyPoint, Subscription
from newsdigest.store.backend import Connection
from newsdigest.store.base import Row, StoreBase, day_after, iso, loads
from newsdigest.store.delivery_repo import DeliveryRepo
from newsdigest.store.feeds_repo import FeedsRepo
from newsdigest.store.migrations import PG_TS_CONFIGS, PG_TS_FALLBACK, pg_ts_config
from newsdigest.store.rates_repo import RatesRepo
from newsdigest.store.reminders_repo import RemindersRepo
from newsdigest.store.stories_repo import CHANGES_KEPT, StoriesRepo


def _published_before(until: dt.date | None, params: list[Any]) -> str:
    """The search's condition for articles published by `until` (its bound appended to `params`); none without."""
    if until is None:
        return ""
    params.append(day_after(until))
    return "AND a.published < ?"


__all__ = ["AddResult", "ArticleWrite", "HealthFacts", "IngestStore", "LeaseHeldError", "LedgerStore", "SearchHit", "Store", "StoreError",
           "StoryStore"]


@dataclass(frozen=True)
class AddResult:
    article_id: int
    created: bool  # False: already known (another source may have been recorded)
    matched_by: str | None = None  # guid | url | hash | near-duplicate
    updated: bool = False  # known by GUID or URL with new content: text and extraction replaced


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    snippet: str
    published: str
    url: str | None
    source: str | None




@dataclass(frozen=True)
class ArticleWrite:
    """One article for `add_articles`: what `add_article` takes."""

    inp: ArticleInput
    extraction: Extraction
    content_hash: str
    canonical_url: str | None = None
    simhash: int | None = None
    feed_id: int | None = None
    duplicate_of: int | None = None  # a near-duplicate of this stored article: only a source is recorded


@dataclass(frozen=True)
class _Pending:
    """A new article of the batch, by its position among the batch's new ones (its id is drawn before the insert)."""

    index: int


_Ref = int | _Pending  # a stored article's id, or a new one of the batch
_ARTICLE_COLUMNS = ("id", "title", "text", "lang", "published", "url", "canonical_url", "guid", "content_hash", "simhash",
                    "source", "feed_id", "ingested_at", "extraction", "date_note", "entry_hash")
_EXTRACTION_COLUMNS = {
    "key_points": ("article_id", "start", '"end"', "text", "kind", "score", "published"),
    "deadlines": ("article_id", "start", '"end"', "text", "value", "what", "supersedes", "published", "kind", "reason",
                  "retired"),
    "timexes": ("article_id", "start", '"end"', "text", "type", "value", "mod", "published"),
    "actors": ("article_id", "name", "rank"),
}
# statement parameters per multi-row INSERT or lookup: under SQLite's 32,766 and PostgreSQL's 65,535; full chunks
# repeat one statement text, so both keep it prepared
MAX_PARAMS = 8000


class _Batch:
    """Which writes of a batch are new and which only add a source, as `add_article` one after another decides:
    an identity (GUID, canonical URL, content hash) known to the database, or to an earlier write of the batch;
    of several articles with it, the oldest."""

    def __init__(self, known: dict[tuple[str, str], int], sources: set[tuple[int, str]]) -> None:
        self.seen: dict[tuple[str, str], _Ref] = dict(known)
        self.pairs: set[tuple[_Ref, str]] = set(sources)  # (article, source) rows there are: the first one stays
        self.new: list[ArticleWrite] = []
        self.sources: list[tuple[_Ref, ArticleWrite]] = []
        self.results: list[tuple[_Ref, str | None]] = []  # None: created

    def place(self, w: ArticleWrite) -> None:
        ref: _Ref | None = None
        name: str | None = None
        for kind, value in _identities(w):
            if value and (kind, value) in self.seen:
                ref, name = self.seen[(kind, value)], kind
                break
        if ref is None and w.duplicate_of is not None:
            ref, name = w.duplicate_of, "near-duplicate"
        if ref is None:
            ref = _Pending(len(self.new))
            self.new.append(w)
            self._know(("hash", w.content_hash), ref)
        source = (ref, _source(w.inp, w.canonical_url))
        if name is None or source not in self.pairs:  # a new source row answers for its GUID and URL from now on
            self.pairs.add(source)
            for kind, value in _identities(w)[:2]:
                if value:
                    self._know((kind, value), ref)
        self.sources.append((ref, w))
        self.results.append((ref, name))

    def _know(self, identity: tuple[str, str], ref: _Ref) -> None:
        held = self.seen.get(identity)
        if held is None or _age(ref) < _age(held):
            self.seen[identity] = ref


def _age(ref: _Ref) -> tuple[int, int]:
    """Older first: stored articles by id, then the batch's new ones in order (their ids come after)."""
    return (1, ref.index) if isinstance(ref, _Pending) else (0, ref)


def _resolve(ids: list[int], ref: _Ref) -> int:
    return ids[ref.index] if isinstance(ref, _Pending) else ref


def _identities(w: ArticleWrite) -> list[tuple[str, str | None]]:
    """In the order `find_article` tries them."""
    return [("guid", w.inp.guid), ("url", w.canonical_url), ("hash", w.content_hash)]


# where each identity is looked up, as `find_article` does: (kind, column, tables)
_LOOKUPS = (("guid", "guid", ("articles", "article_sources")), ("url", "canonical_url", ("articles", "article_sources")),
            ("hash", "content_hash", ("articles",)))


def _known(conn: Connection, writes: Sequence[ArticleWrite]) -> dict[tuple[str, str], int]:
    """The stored articles the writes' identities name, in one query per chunk: (kind, value) -> article id."""
    found: dict[tuple[str, str], int] = {}
    step = MAX_PARAMS // 5  # five lists of at most one value per write
    for start in range(0, len(writes), step):
        values = {kind: sorted({v for w in writes[start:start + step] if (v := dict(_identities(w))[kind])})
                  for kind, _, _ in _LOOKUPS}
        parts: list[str] = []
        params: list[str] = []
        for kind, column, tables in _LOOKUPS:
            if not values[kind]:
                continue
            marks = ",".join("?" * len(values[kind]))
            for table in tables:
                id_column = "id" if table == "articles" else "article_id"
                parts.append(f"SELECT '{kind}', {column}, {id_column} FROM {table} WHERE {column} IN ({marks})")
                params += values[kind]
        for kind, value, article_id in conn.execute(" UNION ALL ".join(parts), params).fetchall():
            identity = (str(kind), str(value))
            found[identity] = min(found.get(identity, int(article_id)), int(article_id))
    return found


def _sources_of(conn: Connection, article_ids: set[int]) -> set[tuple[int, str]]:
    """The (article, source) rows the given stored articles have."""
    ids = sorted(article_ids)
    pairs: set[tuple[int, str]] = set()
    for start in range(0, len(ids), MAX_PARAMS):
        chunk = ids[start:start + MAX_PARAMS]
        rows = conn.execute(f"SELECT article_id, source FROM article_sources WHERE article_id IN ({','.join('?' * len(chunk))})",
                            chunk).fetchall()
        pairs |= {(int(r[0]), str(r[1])) for r in rows}
    return pairs


def _insert_rows(conn: Connection, head: str, rows: list[tuple[Any, ...]], tail: str = "") -> None:
    """`head VALUES (...), (...) tail` in chunks of at most MAX_PARAMS parameters (portable; takes ON CONFLICT)."""
    if not rows:
        return
    mark = "(" + ",".join("?" * len(rows[0])) + ")"
    step = max(1, MAX_PARAMS // len(rows[0]))
    for start in range(0, len(rows), step):
        chunk = rows[start:start + step]
        conn.execute(f"{head} VALUES {','.join([mark] * len(chunk))}{tail}", [v for r in chunk for v in r])


def _published(inp: ArticleInput, today: dt.date) -> str:
    return (inp.published or today).isoformat()


def _source(inp: ArticleInput, canonical_url: str | None) -> str:
    return inp.source or canonical_url or inp.url or "local"


def _article_row(w: ArticleWrite, today: dt.date, stamp: str) -> tuple[Any, ...]:
    inp, ex = w.inp, w.extraction
    date_note = inp.date_note or ("undated" if inp.published is None else None)
    return (inp.title or ex.title or _first_line(inp.text), inp.text, ex.lang, _published(inp, today), inp.url,
            w.canonical_url, inp.guid, w.content_hash, w.simhash, inp.source, w.feed_id, stamp,
            json.dumps(ex.as_dict(), ensure_ascii=False), date_note, inp.entry_hash or w.content_hash)



class ArticlesRepo(StoreBase):
    def find_article(
        self, *, guid: str | None = None, canonical_url: str | None = None, content_hash: str | None = None
    ) -> tuple[int, str] | None:
        """The known article matching any identity (of several, the oldest), and which one matched."""
        checks: list[tuple[str, str, str | None]] = [
            ("guid", ("SELECT id FROM articles WHERE guid = ? UNION SELECT article_id FROM article_sources WHERE guid = ?"
                     " ORDER BY 1 LIMIT 1"), guid),
            ("url", ("SELECT id FROM articles WHERE canonical_url = ? UNION "
                     "SELECT article_id FROM article_sources WHERE canonical_url = ? ORDER BY 1 LIMIT 1"), canonical_url),
            ("hash", "SELECT id, ? FROM articles WHERE content_hash = ?", content_hash),
        ]
        for name, sql, value in checks:
            if value:
                row = self.conn.execute(sql, (value, value)).fetchone()
                if row:
                    return int(row[0]), name
        return None

    def add_article(
        self,
        inp: ArticleInput,
        extraction: Extraction,
        *,
        content_hash: str,
        canonical_url: str | None = None,
        simhash: int | None = None,
        feed_id: int | None = None,
        duplicate_of: int | None = None,
    ) -> AddResult:
        """Insert an article with its extraction, or record one more source for a known one. One transaction."""
        return self.add_articles([ArticleWrite(inp, extraction, content_hash=content_hash, canonical_url=canonical_url,
                                               simhash=simhash, feed_id=feed_id, duplicate_of=duplicate_of)])[0]

    def add_articles(self, writes: Sequence[ArticleWrite]) -> list[AddResult]:
        """`add_article` for each write, in order, in ONE transaction: all stored or none. A later write that an
        earlier one of the batch already stored (same GUID, canonical URL or content hash) records a source.

        A fixed number of statements per batch, not per article (one identity lookup, the ids drawn up front, then
        the rows of each table at once: COPY on PostgreSQL): there every statement is a round trip, and they were
        most of an import's time.
        """
        if not writes:
            return []
        today, stamp = self.now().date(), self.stamp()
        with self.write() as conn:
            known = _known(conn, writes)
            stored = set(known.values()) | {w.duplicate_of for w in writes if w.duplicate_of is not None}
            batch = _Batch(known, _sources_of(conn, stored) if stored else set())
            for w in writes:
                batch.place(w)
            ids = self.backend.new_ids(conn, "articles", len(batch.new)) if batch.new else []
            self.backend.insert_rows(conn, "articles", _ARTICLE_COLUMNS,
                                     [(aid, *_article_row(w, today, stamp)) for aid, w in zip(ids, batch.new, strict=True)])
            _insert_rows(conn, "INSERT INTO article_sources (article_id, source, url, canonical_url, guid, feed_id,"
                         " seen_at)", [(_resolve(ids, ref), _source(w.inp, w.canonical_url), w.inp.url, w.canonical_url,
                                        w.inp.guid, w.feed_id, stamp) for ref, w in batch.sources],
                         " ON CONFLICT DO NOTHING")
            self._insert_extractions(conn, [(aid, _published(w.inp, today), w.extraction)
                                            for aid, w in zip(ids, batch.new, strict=True)])
        return [AddResult(_resolve(ids, ref), name is None, name) for ref, name in batch.results]

    def _insert_extractions(self, conn: Connection, articles: list[tuple[int, str, Extraction]]) -> None:
        """The key points, key dates, time expressions and actors of new articles: (id, published day, extraction)."""
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _EXTRACTION_COLUMNS}
        for aid, published, ex in articles:
            rows["key_points"] += [(aid, k.start, k.end, k.text, k.kind, k.score, published) for k in ex.key_points]
            rows["deadlines"] += [(aid, d.start, d.end, d.text, d.value, d.what, d.supersedes, published, d.kind,
                                   d.reason, int(d.retired)) for d in ex.deadlines]
            rows["timexes"] += [(aid, t.start, t.end, t.text, t.type, t.value, t.mod, published) for t in ex.temporal]
            ranks: dict[str, int] = {}
            for rank, name in enumerate(ex.actors):
                ranks.setdefault(name, rank)  # once per article, at its first rank (the key; ON CONFLICT did it)
            rows["actors"] += [(aid, name, rank) for name, rank in ranks.items()]
        for table, columns in _EXTRACTION_COLUMNS.items():
            self.backend.insert_rows(conn, table, columns, rows[table])

    def _add_source(
        self, conn: Connection, article_id: int, inp: ArticleInput, canonical_url: str | None, feed_id: int | None
    ) -> None:
        conn.execute(
            "INSERT INTO article_sources (article_id, source, url, canonical_url, guid, feed_id, seen_at)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            (article_id, _source(inp, canonical_url), inp.url, canonical_url, inp.guid, feed_id, self.stamp()),
        )

    def _add_extraction_rows(self, conn: Connection, article_id: int, ex: Extraction, published: str) -> None:
        conn.executemany(
            'INSERT INTO key_points (article_id, start, "end", text, kind, score, published) VALUES (?,?,?,?,?,?,?)',
            [(article_id, k.start, k.end, k.text, k.kind, k.score, published) for k in ex.key_points],
        )
        conn.executemany(
            'INSERT INTO deadlines (article_id, start, "end", text, value, what, supersedes, published, kind, reason,'
            " retired) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, d.start, d.end, d.text, d.value, d.what, d.supersedes, published, d.kind, d.reason,
              int(d.retired)) for d in ex.deadlines],
        )
        conn.executemany(
            'INSERT INTO timexes (article_id, start, "end", text, type, value, mod, published) VALUES (?,?,?,?,?,?,?,?)',
            [(article_id, t.start, t.end, t.text, t.type, t.value, t.mod, published) for t in ex.temporal],
        )
        conn.executemany(
            "INSERT INTO actors (article_id, name, rank) VALUES (?,?,?) ON CONFLICT DO NOTHING",
            [(article_id, name, rank) for rank, name in enumerate(ex.actors)],
        )

    def entry_hash(self, article_id: int) -> str | None:
        """The hash of the text the source last gave for an article (to tell an update from a repeat)."""
        row = self.conn.execute("SELECT coalesce(entry_hash, content_hash) FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        return str(row[0]) if row else None

    def previous_extraction(self, article_id: int) -> dict[str, Any]:
        """The stored extraction of an article (what an update replaces)."""
        row = self.conn.execute("SELECT extraction FROM articles WHERE id = ?", (article_id,)).fetchone()
        return loads(row[0], {}) if row else {}

    def update_article(
        self,
        article_id: int,
        inp: ArticleInput,
        extraction: Extraction,
        *,
        content_hash: str,
        canonical_url: str | None = None,
        simhash: int | None = None,
        feed_id: int | None = None,
    ) -> AddResult:
        """A known article (same GUID or URL) with new content: text, title, extraction and its rows replaced in
        one transaction; the publication day stays, `updated_at` and `ingested_at` say when the new text came.
        When another stored article already has this exact text, only the source is recorded."""
        with self.write() as conn:
            row = conn.execute("SELECT published, content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                raise KeyError(article_id)
            twin = conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
            if row["content_hash"] == content_hash or (twin is not None and twin[0] != article_id):
                if row["content_hash"] == content_hash:  # the teaser changed, its page did not
                    conn.execute("UPDATE articles SET entry_hash = ? WHERE id = ?",
                                 (inp.entry_hash or content_hash, article_id))
                self._add_source(conn, article_id, inp, canonical_url, feed_id)
                return AddResult(article_id, False, "hash")
            stamp = self.stamp()
            conn.execute(
                "UPDATE articles SET title = coalesce(?, title), text = ?, lang = ?, content_hash = ?, simhash = ?,"
                " extraction = ?, updated_at = ?, ingested_at = ?, entry_hash = ? WHERE id = ?",
                (inp.title or extraction.title, inp.text, extraction.lang, content_hash, simhash,
                 json.dumps(extraction.as_dict(), ensure_ascii=False), stamp, stamp, inp.entry_hash or content_hash,
                 article_id),
            )
            for table in ("key_points", "deadlines", "timexes", "actors"):
                conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
            self._add_source(conn, article_id, inp, canonical_url, feed_id)
            self._add_extraction_rows(conn, article_id, extraction, row["published"])
            # the change log read by StoriesRepo.content_token and story_fingerprint (its newest entries kept)
            change = conn.execute("INSERT INTO article_changes (article_id, changed_at) VALUES (?, ?) RETURNING id",
                                  (article_id, stamp)).fetchone()[0]
            conn.execute("DELETE FROM article_changes WHERE id <= ?", (int(change) - CHANGES_KEPT,))
            return AddResult(article_id, False, "update", updated=True)

    def article_updates(self, article_ids: list[int]) -> dict[int, str]:
        """When each of the given articles that was updated in place last changed (ISO stamp)."""
        if not article_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT id, updated_at FROM articles WHERE updated_at IS NOT NULL AND id IN ({','.join('?' * len(article_ids))})",
            article_ids,
        ).fetchall()
        return {int(r[0]): str(r[1]) for r in rows}

    # -- reading -------------------------------------------------------------------------------------

    def article_count(self, until: dt.date | None = None) -> int:
        if until is None:
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        return int(self.conn.execute("SELECT count(*) FROM articles WHERE published < ?", (day_after(until),)).fetchone()[0])

    def article(self, article_id: int, *, with_text: bool = True) -> Article | None:
        rows = self._articles("WHERE a.id = ?", (article_id,), with_text=with_text)
        return rows[0] if rows else None

    def articles(
        self,
        *,
        until: dt.date | None = None,
        since: dt.datetime | None = None,
        story_id: int | None = None,
        ids: list[int] | None = None,
        with_text: bool = False,
        limit: int | None = None,
    ) -> list[Article]:
        """Articles published up to `until` (inclusive), newest first."""
        where: list[str] = ["1=1"]
        params: list[Any] = []
        if until is not None:
            where.append("a.published < ?")
            params.append(day_after(until))
        if since is not None:
            where.append("a.ingested_at >= ?")
            params.append(iso(since))
        if story_id is not None:
            where.append("a.story_id = ?")
            params.append(story_id)
        if ids is not None:
            where.append(f"a.id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        sql = "WHERE " + " AND ".join(where) + " ORDER BY a.published DESC, a.id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self._articles(sql, tuple(params), with_text=with_text)

    def _articles(self, where: str, params: tuple[Any, ...], *, with_text: bool) -> list[Article]:
        text_col = "a.text" if with_text else "''"
        rows = self.conn.execute(
            f"SELECT a.id, a.title, {text_col} AS text, a.lang, a.published, a.url, a.source, a.content_hash,"
            " a.story_id, a.extraction,"
            " (SELECT json_group_array(source) FROM article_sources s WHERE s.article_id = a.id) AS sources"
            f" FROM articles a {where}",
            params,
        ).fetchall()
        return [
            Article(
                id=r["id"], title=r["title"], text=r["text"], lang=r["lang"], published=day_or_none(r["published"]),
                url=r["url"], source=r["source"], content_hash=r["content_hash"], story_id=r["story_id"],
                extraction=loads(r["extraction"], {}), sources=tuple(loads(r["sources"], [])),
            )
            for r in rows
        ]

    def source_counts(self, article_ids: list[int]) -> dict[int, int]:
        if not article_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT article_id, count(*) FROM article_sources WHERE article_id IN ({','.join('?' * len(article_ids))})"
            " GROUP BY article_id",
            article_ids,
        ).fetchall()
        return {int(r[0]): int(r[1]) for r in rows}

    def key_points(
        self, *, until: dt.date | None = None, story_id: int | None = None, article_ids: list[int] | None = None,
        limit: int | None = None,
    ) -> list[KeyPoint]:
        where, params = self._scope(until, story_id, article_ids, "k")
        sql = (
            'SELECT k.id, k.article_id, k.text, k.kind, k.score, k.start, k."end", k.published FROM key_points k '
            f"JOIN articles a ON a.id = k.article_id WHERE {where} ORDER BY k.published DESC, k.score DESC"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [
            KeyPoint(r[0], r[1], r[2], r[3], float(r[4]), r[5], r[6], day_or_none(r[7]))
            for r in self.conn.execute(sql, params).fetchall()
        ]

    def deadlines(
        self, *, until: dt.date | None = None, story_id: int | None = None, article_ids: list[int] | None = None
    ) -> list[Deadline]:
        where, params = self._scope(until, story_id, article_ids, "d")
        sql = (
            'SELECT d.id, d.article_id, d.text, d.value, d.what, d.supersedes, d.start, d."end", d.published, d.kind,'
            " d.retired"
            f" FROM deadlines d JOIN articles a ON a.id = d.article_id WHERE {where} ORDER BY d.value, d.published"
        )
        return [
            Deadline(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], day_or_none(r[8]), r[9], bool(r[10]))
            for r in self.conn.execute(sql, params).fetchall()
        ]

    def _scope(
        self, until: dt.date | None, story_id: int | None, article_ids: list[int] | None, alias: str
    ) -> tuple[str, tuple[Any, ...]]:
        where: list[str] = ["1=1"]
        params: list[Any] = []
        if until is not None:
            where.append(f"{alias}.published < ?")
            params.append(day_after(until))
        if story_id is not None:
            where.append("a.story_id = ?")
            params.append(story_id)
        if article_ids is not None:
            where.append(f"{alias}.article_id IN ({','.join('?' * len(article_ids))})")
            params.extend(article_ids)
        return " AND ".join(where), tuple(params)

    def search(self, query: str, *, until: dt.date | None = None, limit: int = 10) -> list[SearchHit]:
        """Full-text search over articles (title + text); every word must match (prefix match on the last).

        `ORDER BY rank` (bm25 with default weights, as `bm25(articles_fts)`) lets FTS5 sort inside the index,
        so the join, the date bound and snippet() run only for the rows returned, not for every match; the
        CROSS JOIN keeps the index as the outer loop so that order is kept. On PostgreSQL the same words go
        through the tsvector column in each article's language (`_search_pg`).
        """
        fts = fts_query(query)
        if not fts:
            return []
        # Recent answers are reused while no article was added or updated: one
        # O(log n) query instead of ranking every match again when many chats ask the same thing.
        # Updates replace an article's key points, which raises their newest id.
        newest = tuple(self.conn.execute("SELECT (SELECT max(id) FROM articles), (SELECT max(id) FROM key_points),"
                                         " (SELECT max(id) FROM timexes)").fetchone())
        key = (fts, until, limit)
        cache: OrderedDict[tuple[Any, ...], tuple[Any, list[SearchHit]]]
        cache, lock = self.__dict__.setdefault("_search_cache", (OrderedDict(), threading.Lock()))
        with lock:
            hit = cache.get(key)
            if hit is not None and hit[0] == newest:
                cache.move_to_end(key)
                return list(hit[1])
        if self.dialect == "postgres":
            hits = self._search_pg(query_words(query), until, limit)
        else:
            hits = self._search(fts, until, limit)
        with lock:
            cache[key] = (newest, hits)
            while len(cache) > 128:  # recent queries kept
                cache.popitem(last=False)
        return list(hits)

    def _search(self, fts: str, until: dt.date | None, limit: int) -> list[SearchHit]:
        params: list[Any] = [fts]
        cond = _published_before(until, params)
        params.append(limit)
        rows = self.conn.execute(
            "SELECT a.id, a.title, snippet(articles_fts, 1, '', '', '…', 24) AS snip, a.published, a.url, a.source"
            " FROM articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? {cond} ORDER BY rank LIMIT ?",
            params,
        ).fetchall()
        return [SearchHit(r[0], r[1], " ".join(r[2].split()), r[3], r[4], r[5]) for r in rows]


    def _search_pg(self, words: list[str], until: dt.date | None, limit: int) -> list[SearchHit]:
        """Every word must match in one configuration (German, English or 'simple'), the last as a prefix; ranked
        by ts_rank, the excerpt from ts_headline for the returned rows only."""
        whole = " ".join(f'"{w}"' for w in words[:-1])  # websearch syntax: quoted words are never operators
        prefix = f"'{words[-1]}':*"  # words are letters and digits only (query_words)
        either = " || ".join(f"(websearch_to_tsquery('{c}', w.whole) && to_tsquery('{c}', w.prefix))"
                             for c in PG_SEARCH_CONFIGS)
        params: list[Any] = [whole, prefix]
        cond = _published_before(until, params)
        params.append(limit)
        rows = self.conn.execute(
            f"WITH w(whole, prefix) AS (SELECT ?::text, ?::text), q AS (SELECT {either} AS tsq FROM w),"
            " hits AS (SELECT a.id, ts_rank(a.fts, q.tsq, 1) AS score FROM articles a, q"
            f"  WHERE a.fts @@ q.tsq {cond} ORDER BY score DESC, a.id LIMIT ?)"
            f" SELECT a.id, a.title, ts_headline({pg_ts_config('a.lang')}, a.text, q.tsq, '{PG_HEADLINE}') AS snip,"
            " a.published, a.url, a.source FROM hits JOIN articles a ON a.id = hits.id, q ORDER BY hits.score DESC, a.id",
            params,
        ).fetchall()
        return [SearchHit(r[0], r[1], " ".join(r[2].split()), r[3], r[4], r[5]) for r in rows]


# ts_headline as FTS5's snippet(..., '', '', '…', 24): plain text, about 24 words around the matches
PG_HEADLINE = 'StartSel="", StopSel="", MaxWords=24, MinWords=12, MaxFragments=1, FragmentDelimiter=" … "'
PG_SEARCH_CONFIGS = (*PG_TS_CONFIGS.values(), PG_TS_FALLBACK)


def query_words(text: str) -> list[str]:
    """The words of a search: runs of letters and digits (everything else separates them)."""
    return [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]


def fts_query(text: str) -> str:
    """User words -> a safe FTS5 query: each word a quoted phrase (no operator injection)."""
    words = query_words(text)
    if not words:
        return ""
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(parts)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return "(untitled)"


class ChatsRepo(StoreBase):
    def register_chat(self, chat: ChatRef, title: str | None = None) -> None:
        stamp = self.stamp()
        with self.write() as conn:
            conn.execute(
                "INSERT INTO chats (platform, chat_id, kind, title, created_at, updated_at) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(platform, chat_id) DO UPDATE SET kind = excluded.kind,"
                " title = coalesce(excluded.title, chats.title), active = 1, deactivated_reason = NULL,"
                " updated_at = excluded.updated_at",
                (chat.platform, chat.chat_id, chat.kind, title, stamp, stamp),
            )

    def chat_lang(self, chat: ChatRef) -> str | None:
        row = self.conn.execute(
            "SELECT lang FROM chats WHERE platform = ? AND chat_id = ?", (chat.platform, chat.chat_id)
        ).fetchone()
        return row[0] if row and row[0] else None

    def set_chat_lang(self, chat: ChatRef, lang: str | None) -> None:
        self.register_chat(chat)
        with self.write() as conn:
            conn.execute(
                "UPDATE chats SET lang = ?, updated_at = ? WHERE platform = ? AND chat_id = ?",
                (lang, self.stamp(), chat.platform, chat.chat_id),
            )

    def deactivate_chat(self, chat: ChatRef, reason: str) -> int:
        """The platform says this chat is gone (blocked, kicked, archived): stop sending. Returns subscriptions hit."""
        self.register_chat(chat)
        with self.write() as conn:
            conn.execute(
                "UPDATE chats SET active = 0, deactivated_reason = ?, updated_at = ? WHERE platform = ? AND chat_id = ?",
                (reason, self.stamp(), chat.platform, chat.chat_id),
            )
            cur = conn.execute(
                "UPDATE subscriptions SET active = 0, paused = ?, updated_at = ?"
                " WHERE platform = ? AND chat_id = ? AND active = 1",
                (reason, self.stamp(), chat.platform, chat.chat_id),
            )
            conn.execute(
                "UPDATE reminders SET active = 0, paused = ?, updated_at = ? WHERE platform = ? AND chat_id = ? AND active = 1",
                (reason, self.stamp(), chat.platform, chat.chat_id),
            )
            return cur.rowcount

    def migrate_chat(self, platform: str, old_id: str, new_id: str) -> None:
        """A Telegram group became a supergroup: move its settings, subscriptions and ledger to the new id."""
        with self.write() as conn:
            # A row the new id already has (same key) stays with the old id, as UPDATE OR IGNORE did on SQLite.
            for table, key in (("chats", ""), ("subscriptions", "story"), ("deliveries", "slot"),
                               ("reminders", "story")):
                same_key = f" AND o.{key} = {table}.{key}" if key else ""
                conn.execute(
                    f"UPDATE {table} SET chat_id = ? WHERE platform = ? AND chat_id = ? AND NOT EXISTS"
                    f" (SELECT 1 FROM {table} o WHERE o.platform = {table}.platform AND o.chat_id = ?{same_key})",
                    (new_id, platform, old_id, new_id),
                )

    def chat_active(self, chat: ChatRef) -> bool:
        row = self.conn.execute(
            "SELECT active FROM chats WHERE platform = ? AND chat_id = ?", (chat.platform, chat.chat_id)
        ).fetchone()
        return row is None or bool(row[0])


class SubscriptionsRepo(StoreBase):
    def subscribe(self, chat: ChatRef, *, time: str, tz: str, story: str | None = None, lang: str = "en",
                  filters: str = "", style: str = "") -> Subscription:
        """Create or change the chat's subscription for `story` (subscribing again replaces time, zone and filters)."""
        stamp = self.stamp()
        with self.write() as conn:
            self.activate_chat(conn, chat, stamp)
            conn.execute(
                "INSERT INTO subscriptions (platform, chat_id, story, time, tz, lang, filters, style, active, created_at,"
                " updated_at) VALUES (?,?,?,?,?,?,?,?,1,?,?) ON CONFLICT(platform, chat_id, story) DO UPDATE SET"
                " time = excluded.time, tz = excluded.tz, lang = excluded.lang, filters = excluded.filters,"
                " style = excluded.style, active = 1, paused = NULL, updated_at = excluded.updated_at",
                (chat.platform, chat.chat_id, story or "", time, tz, lang, filters, style, stamp, stamp),
            )
        subs = [s for s in self.subscriptions_for(chat) if (s.story or "") == (story or "")]
        return subs[0]

    def unsubscribe(self, chat: ChatRef, story: str | None = None) -> int:
        """Deactivate one story's subscription, or all of the chat's when story is None."""
        with self.write() as conn:
            sql = "UPDATE subscriptions SET active = 0, updated_at = ? WHERE platform = ? AND chat_id = ? AND active = 1"
            params: list[Any] = [self.stamp(), chat.platform, chat.chat_id]
            if story is not None:
                sql += " AND story = ?"
                params.append(story)
            return conn.execute(sql, params).rowcount

    def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        sql = "SELECT * FROM subscriptions" + (" WHERE active = 1" if active_only else "") + " ORDER BY id"
        return [_subscription(r) for r in self.conn.execute(sql).fetchall()]

    def subscriptions_for(self, chat: ChatRef, *, active_only: bool = True) -> list[Subscription]:
        sql = "SELECT * FROM subscriptions WHERE platform = ? AND chat_id = ?" + (" AND active = 1" if active_only else "")
        return [_subscription(r) for r in self.conn.execute(sql + " ORDER BY id", (chat.platform, chat.chat_id))]

    def subscription(self, sub_id: int) -> Subscription | None:
        row = self.conn.execute("SELECT * FROM subscriptions WHERE id = ?", (sub_id,)).fetchone()
        return _subscription(row) if row else None


def _subscription(r: Row) -> Subscription:
    return Subscription(
        id=r["id"], platform=r["platform"], chat_id=r["chat_id"], time=r["time"], tz=r["tz"],
        story=r["story"] or None, active=bool(r["active"]), lang=r["lang"], filters=r["filters"], style=r["style"],
        paused=r["paused"],
    )


class LeaseRepo(StoreBase):
    def acquire_lease(self, name: str, holder: str, ttl: dt.timedelta) -> None:
        """Take (or renew) a named lease; raises LeaseHeldError while another holder's lease is unexpired."""
        now = self.now()
        with self.write() as conn:
            row = conn.execute("SELECT holder, expires_at FROM leases WHERE name = ?", (name,)).fetchone()
            if (row and row["holder"] != holder and dt.datetime.fromisoformat(row["expires_at"]) > now
                    and not _holder_is_dead(row["holder"])):
                raise LeaseHeldError(
                    f"another newsdigest ({row['holder']}) is running on {self.path} until at least "
                    f"{row['expires_at']}; stop it first, or wait for its lease to expire"
                )
            conn.execute(
                "INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?,?,?,?) ON CONFLICT(name) DO UPDATE"
                " SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at",
                (name, holder, iso(now), iso(now + ttl)),
            )

    def release_lease(self, name: str, holder: str) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


def _holder_is_dead(holder: str) -> bool:
    """A holder "host:pid" on this host whose process is gone (kill -9, crash) no longer blocks a restart.

    A killed process stays a zombie until its parent reaps it (a shell pipeline, a supervisor, a test
    harness may take their time): it answers signals but will never renew, so it counts as dead too.
    """
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:  # gone this instant, or no /proc at all (not Linux: signals are all we have)
        return Path("/proc/self").exists()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]  # the state follows the command name in parentheses


@dataclass(frozen=True)
class HealthFacts:
    """What /healthz reports from the database: the last recorded poll and digest (ISO strings or None)."""

    last_poll: str | None
    last_digest: str | None


class OpsRepo(StoreBase):
    def health(self) -> HealthFacts:
        """Raises StoreError when the file is gone, replaced or unwritable, or the database does not answer."""
        self.check_file()
        try:
            row = self.conn.execute(
                "SELECT (SELECT MAX(last_success) FROM feeds) AS poll, "
                "(SELECT MAX(sent_at) FROM deliveries WHERE sent_at IS NOT NULL) AS digest"
            ).fetchone()
        except StoreError:
            raise
        except self.backend.errors as exc:
            raise StoreError(f"the database {self.path} does not answer: {exc}") from None
        return HealthFacts(last_poll=row[0], last_digest=row[1])


# The store's parts per consumer: each consumer is typed with the narrowest part it needs, so what it may
# touch is visible in its signature (and a PostgreSQL backend knows which part it replaces for whom).


class IngestStore(ArticlesRepo, FeedsRepo):
    """What ingestion uses: articles (dedupe, add) and feeds (schedule, health)."""


class StoryStore(ArticlesRepo, StoriesRepo):
    """What the stories layer uses: articles and their key points, dates and stories."""


class LedgerStore(DeliveryRepo, ChatsRepo, SubscriptionsRepo, RemindersRepo):
    """What digest delivery and the scheduler use: the delivery ledger, chats, subscriptions and reminder rules."""


class Store(IngestStore, StoryStore, LedgerStore, LeaseRepo, RatesRepo, OpsRepo):
    """newsdigest's database. Construct with a path; the schema is created or migrated on open.

    Parts: IngestStore (poller, pipeline), StoryStore (stories/), LedgerStore (digests/delivery, scheduler),
    LeaseRepo (the instance, leader and worker leases), RatesRepo (rate budgets shared by workers), OpsRepo (/healthz);
    the command core holds the whole Store.
    """
