"""Stories: clusters of articles with a name, slug and aliases (written by the stories layer).

Every query here is bounded (LIMIT) and served by an index (articles_story, key_points_article,
deadlines_article, timexes_article), so story commands stay fast on large databases.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from newsdigest.clock import day_or_none, shift_days
from newsdigest.errors import StoreBusyError
from newsdigest.models import KeyPoint
from newsdigest.store.base import Row, StoreBase, day_after, iso, loads


@dataclass(frozen=True)
class StoryRecord:
    id: int
    slug: str
    name: str
    aliases: tuple[str, ...]
    terms: dict[str, Any]
    first_published: dt.date | None
    last_published: dt.date | None


@dataclass(frozen=True)
class StoryArticle:
    """An article as story views need it: no body text, no extraction."""

    id: int
    title: str
    published: dt.date | None
    url: str | None
    source: str | None
    sources: tuple[str, ...]
    lang: str
    ingested_at: str | None = None


@dataclass(frozen=True)
class DeadlineMention:
    """A deadline mention with what the ledger asks of the time expression it rests on."""

    id: int
    article_id: int
    text: str
    value: str
    what: str
    supersedes: str | None
    start: int
    end: int
    published: dt.date | None
    ttype: str | None  # DURATION when a duration overlaps the mention (the date was counted from it)
    tmod: str | None  # the TIMEX3 modifier of the first overlapping expression that has one
    kind: str = "deadline"  # deadline | expiry
    reason: str = ""  # the decision behind it, for /why
    retired: bool = False  # the text says this date no longer holds


@dataclass(frozen=True)
class DatedTimex:
    """A DATE/TIME expression of an article, with the article's publication day."""

    id: int
    article_id: int
    text: str
    value: str
    start: int
    end: int
    mod: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True)
class StoryWrite:
    """One story to insert (id None) or update, with the articles to attach to it."""

    id: int | None
    slug: str
    name: str
    aliases: list[str]
    terms: dict[str, Any]
    first_published: dt.date | None
    last_published: dt.date | None
    article_ids: list[int]




def _story(r: Row) -> StoryRecord:
    return StoryRecord(
        id=r["id"], slug=r["slug"], name=r["name"], aliases=tuple(loads(r["aliases"], [])),
        terms=loads(r["terms"], {}), first_published=day_or_none(r["first_published"]),
        last_published=day_or_none(r["last_published"]),
    )


_STORY_COLS = "id, slug, name, aliases, terms, first_published, last_published"
_ARTICLE_COLS = (
    "a.id, a.title, a.published, a.url, a.source, a.lang, a.ingested_at,"
    " (SELECT json_group_array(source) FROM article_sources s WHERE s.article_id = a.id) AS sources"
)
_DEADLINE_COLS = ('d.id, d.article_id, d.text, d.value, d.what, d.supersedes, d.start, d."end", a.published,'
                  " d.kind, d.reason, d.retired")
_DATED_COLS = 't.id, t.article_id, t.text, t.value, t.start, t."end", a.published'

# Proposed schema change (the coordinator appends it to store/migrations.py MIGRATIONS): the last numbered
# list each chat was shown, so `/why N` works across processes (`newsdigest ask`). Until it is applied, the
# store keeps that list in memory.
log = logging.getLogger("newsdigest.store")
LIST_WRITE_WAIT_MS = 20  # how long remembering a /why list may wait for the write lock
CHANGES_KEPT = 10_000  # entries of the change log of articles updated in place (article_changes)


class StoriesRepo(StoreBase):
    # -- clustering ------------------------------------------------------------------------------------

    def has_unassigned(self) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE story_id IS NULL LIMIT 1").fetchone() is not None

    def unassigned_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0])

    def still_unassigned(self, article_ids: list[int]) -> set[int]:
        """Which of the given articles still have no story (another process may have placed some meanwhile)."""
        if not article_ids:
            return set()
        rows = self.conn.execute(
            f"SELECT id FROM articles WHERE story_id IS NULL AND id IN ({','.join('?' * len(article_ids))})", article_ids
        ).fetchall()
        return {int(r[0]) for r in rows}

    def unassigned_articles(self, limit: int = 500) -> list[tuple[int, str, dt.date, dict[str, Any]]]:
        """(id, title, published, extraction) of articles without a story, oldest first."""
        # Pick the ids from the (published, story_id) index, then read only those rows: sorting every waiting
        # row with its extraction took most of a batch's time after a big import.
        hint = " INDEXED BY articles_published_story" if self._has_index("articles_published_story") else ""
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.published, a.extraction FROM articles a WHERE a.id IN"
            f" (SELECT id FROM articles{hint} WHERE story_id IS NULL ORDER BY published, id LIMIT ?)"
            " ORDER BY a.published, a.id",
            (limit,),
        ).fetchall()
        return [(r[0], r[1], day_or_none(r[2]) or dt.date.min, loads(r[3], {})) for r in rows]

    def story_members(
        self, story_ids: list[int], *, limit: int, also: list[int] | None = None
    ) -> list[tuple[int, str, dt.date, dict[str, Any]]]:
        """(article id, title, published, extraction) of the stories' articles and of the articles `also`
        (not yet placed), at most `limit` rows, for a check whether a story holds two (articles_story index)."""
        ids, more = story_ids or [0], also or [0]
        rows = self.conn.execute(
            "SELECT id, title, published, extraction FROM articles"
            f" WHERE story_id IN ({','.join('?' * len(ids))}) OR id IN ({','.join('?' * len(more))})"
            " ORDER BY id LIMIT ?",
            (*ids, *more, limit),
        ).fetchall()
        return [(r[0], r[1], day_or_none(r[2]) or dt.date.min, loads(r[3], {})) for r in rows]

    def stories_active_between(self, first: dt.date, last: dt.date) -> list[StoryRecord]:
        """Stories with articles between `first` and `last` (the clustering window)."""
        rows = self.conn.execute(
            f"SELECT {_STORY_COLS} FROM stories WHERE last_published >= ? AND first_published < ? ORDER BY id",
            (first.isoformat(), day_after(last)),
        ).fetchall()
        return [_story(r) for r in rows]

    def taken_slugs(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT slug FROM stories")}

    def save_stories(self, writes: list[StoryWrite]) -> dict[int, int]:
        """Insert/update stories and attach their new articles, in one transaction. Returns index -> story id."""
        ids: dict[int, int] = {}
        stamp = self.stamp()
        with self.write() as conn:
            # Free every slug that changes first, so two stories may swap names within one run.
            for w in writes:
                if w.id is not None:
                    conn.execute("UPDATE stories SET slug = ? WHERE id = ?", (f"__tmp{w.id}", w.id))
            for i, w in enumerate(writes):
                args = (w.slug, w.name, json.dumps(w.aliases, ensure_ascii=False),
                        json.dumps(w.terms, ensure_ascii=False), stamp,
                        w.first_published.isoformat() if w.first_published else None,
                        w.last_published.isoformat() if w.last_published else None)
                if w.id is None:
                    cur = conn.execute(
                        "INSERT INTO stories (slug, name, aliases, terms, updated_at, first_published,"
                        " last_published, created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                        (*args, stamp),
                    )
                    ids[i] = int(cur.fetchone()[0])
                else:
                    conn.execute(
                        "UPDATE stories SET slug = ?, name = ?, aliases = ?, terms = ?, updated_at = ?,"
                        " first_published = ?, last_published = ? WHERE id = ?",
                        (*args, w.id),
                    )
                    ids[i] = w.id
                conn.executemany(
                    "UPDATE articles SET story_id = ? WHERE id = ?", [(ids[i], a) for a in w.article_ids]
                )
        return ids

    def absorb_stories(self, into: dict[int, int]) -> None:
        """Move every article of story `lost` to story `into[lost]` and drop `lost` (stories that proved one)."""
        with self.write() as conn:
            for lost, winner in sorted(into.items()):
                conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (winner, lost))
                conn.execute("DELETE FROM stories WHERE id = ?", (lost,))

    # -- reading stories --------------------------------------------------------------------------------

    def story(self, story_id: int) -> StoryRecord | None:
        row = self.conn.execute(f"SELECT {_STORY_COLS} FROM stories WHERE id = ?", (story_id,)).fetchone()
        return _story(row) if row else None

    def story_by_slug(self, slug: str) -> StoryRecord | None:
        row = self.conn.execute(f"SELECT {_STORY_COLS} FROM stories WHERE slug = ?", (slug,)).fetchone()
        return _story(row) if row else None

    def stories_list(self, *, until: dt.date | None = None, limit: int = 20) -> list[tuple[StoryRecord, int, dt.date]]:
        """(story, articles, last published) of stories that exist by `until`, most recently active first."""
        bound = day_after(until) if until else "9999"
        rows = self.conn.execute(
            f"SELECT {_STORY_COLS},"
            " (SELECT count(*) FROM articles a WHERE a.story_id = s.id AND a.published < ?) AS n,"
            " (SELECT max(published) FROM articles a WHERE a.story_id = s.id AND a.published < ?) AS last"
            " FROM stories s WHERE first_published < ? ORDER BY last DESC NULLS LAST, n DESC, id LIMIT ?",
            (bound, bound, bound, limit),
        ).fetchall()
        return [(_story(r), int(r["n"]), day_or_none(r["last"]) or dt.date.min) for r in rows]

    def stories_with_alias_like(self, word: str, *, until: dt.date | None = None, limit: int = 50) -> list[StoryRecord]:
        """Stories whose slug, name or aliases contain `word` (case-insensitive); callers refine."""
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            f"SELECT {_STORY_COLS} FROM stories WHERE first_published < ? AND"
            " (slug LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR aliases LIKE ? ESCAPE '\\') ORDER BY id LIMIT ?",
            (day_after(until) if until else "9999", pattern, pattern, pattern, limit),
        ).fetchall()
        return [_story(r) for r in rows]

    def story_ids_of_articles(self, article_ids: list[int]) -> list[int]:
        """Story ids of the given articles, in the order of the articles (first occurrence)."""
        if not article_ids:
            return []
        rows = self.conn.execute(
            f"SELECT id, story_id FROM articles WHERE id IN ({','.join('?' * len(article_ids))})", article_ids
        ).fetchall()
        by_article = {r[0]: r[1] for r in rows}
        out: list[int] = []
        for a in article_ids:
            sid = by_article.get(a)
            if sid is not None and sid not in out:
                out.append(sid)
        return out

    def most_active_story(self, *, until: dt.date | None, window_days: int = 14) -> int | None:
        """The story with most articles in the window before `until` (or before its newest article)."""
        bound = day_after(until) if until else "9999"
        # The newest article already in a story: while a big import is being clustered, the answer comes from
        # what is assigned instead of a window that holds no story yet.
        row = self.conn.execute("SELECT max(published) FROM articles WHERE published < ? AND story_id IS NOT NULL",
                                (bound,)).fetchone()
        newest = day_or_none(row[0]) if row else None
        if newest is None:
            return None
        start = shift_days(newest, -window_days).isoformat()
        # The index articles_published_story (published, story_id), where migrated, reads only the window's
        # entries; otherwise the planner skip-scans articles_story once per story (a few ms on 100k articles).
        hint = " INDEXED BY articles_published_story" if self._has_index("articles_published_story") else ""
        row = self.conn.execute(
            f"SELECT story_id FROM articles{hint} WHERE published >= ? AND published < ? AND story_id IS NOT NULL"
            " GROUP BY story_id ORDER BY count(*) DESC, max(published) DESC, story_id LIMIT 1",
            (start, bound),
        ).fetchone()
        return int(row[0]) if row else None

    def content_token(self) -> tuple[Any, ...]:
        """The validity stamp of cached story views: the newest row id of every table they read. O(log n).

        Articles, outlets and extraction rows are only ever added, so any change raises a maximum; stories change
        when new articles are placed, which the next field (are any waiting?) tells apart from before. An update
        in place replaces an article's rows, which may keep every maximum (SQLite reuses the ids of deleted rows):
        the last field, the change counter update_article raises, tells it.
        """
        row = self.conn.execute(
            "SELECT (SELECT max(id) FROM articles), (SELECT max(id) FROM article_sources),"
            " (SELECT max(id) FROM key_points), (SELECT max(id) FROM deadlines), (SELECT max(id) FROM timexes),"
            " EXISTS (SELECT 1 FROM articles WHERE story_id IS NULL), (SELECT max(id) FROM article_changes)"
        ).fetchone()
        return tuple(row)

    # -- a story's content ----------------------------------------------------------------------------------

    def story_articles(self, story_id: int, *, until: dt.date | None = None, limit: int = 20) -> list[StoryArticle]:
        """The story's newest articles published by `until`, newest first."""
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles a WHERE a.story_id = ? AND a.published < ?"
            " ORDER BY a.published DESC, a.id DESC LIMIT ?",
            (story_id, day_after(until) if until else "9999", limit),
        ).fetchall()
        return [_story_article(r) for r in rows]

    def story_articles_ingested_since(
        self, story_id: int, since: dt.datetime, *, until: dt.date | None = None, limit: int = 40
    ) -> list[StoryArticle]:
        """The story's articles ingested at or after `since` (naive = UTC), whatever their publication date."""
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles a WHERE a.story_id = ? AND a.published < ? AND a.ingested_at >= ?"
            " ORDER BY a.published DESC, a.id DESC LIMIT ?",
            (story_id, day_after(until) if until else "9999", _utc_stamp(since), limit),
        ).fetchall()
        return [_story_article(r) for r in rows]

    def stories_ingested_since(self, since: dt.datetime, *, until: dt.date | None = None) -> list[StoryRecord]:
        """Stories with an article ingested at or after `since` (naive = UTC) and published by `until`."""
        rows = self.conn.execute(
            f"SELECT {_STORY_COLS} FROM stories WHERE id IN (SELECT DISTINCT story_id FROM articles"
            " WHERE ingested_at >= ? AND published < ? AND story_id IS NOT NULL) ORDER BY id",
            (_utc_stamp(since), day_after(until) if until else "9999"),
        ).fetchall()
        return [_story(r) for r in rows]

    def story_fingerprint(self, story_id: int, *, until: dt.date | None = None) -> tuple[str, int]:
        """The ids of the story's articles published by `until` (a JSON list, from the index articles_story alone;
        compare it as a set) and the newest id of the change log of articles updated in place (article_changes).
        An article's publication day never changes and its extraction rows only with an update in place, so the
        two fix every key point, deadline and time expression of the story.

        The ids come in the order of the index read (no sort: a third of the query's time on a 1,000-article story),
        the same for the same articles; a list in another order holds the same set, and StoryRows.extended finds
        that it adds nothing."""
        row = self.conn.execute(
            "SELECT (SELECT json_group_array(id) FROM articles WHERE story_id = ? AND published < ?),"
            " (SELECT max(id) FROM article_changes)",
            (story_id, day_after(until) if until else "9999"),
        ).fetchone()
        return str(row[0] or "[]"), int(row[1] or 0)

    def story_article_days(self, story_id: int, *, until: dt.date | None = None) -> list[tuple[str, int]]:
        """(publication day, id) of each of the story's articles published by `until`, newest first (a total
        order: story_articles' and story_date_mentions')."""
        rows = self.conn.execute(
            "SELECT published, id FROM articles WHERE story_id = ? AND published < ? ORDER BY published DESC, id DESC",
            (story_id, day_after(until) if until else "9999"),
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def article_days(self, article_ids: list[int]) -> list[tuple[str, int]]:
        """(publication day, id) of the given articles."""
        if not article_ids:
            return []
        rows = self.conn.execute(
            f"SELECT published, id FROM articles WHERE id IN ({','.join('?' * len(article_ids))})", article_ids
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def articles_changed_between(self, after: int, upto: int) -> set[int] | None:
        """Articles updated in place with a change id in (after, upto]; None when the change log no longer reaches
        back that far (update_article keeps the newest CHANGES_KEPT entries)."""
        if after <= upto - CHANGES_KEPT:
            return None
        rows = self.conn.execute("SELECT DISTINCT article_id FROM article_changes WHERE id > ? AND id <= ?",
                                 (after, upto)).fetchall()
        return {int(r[0]) for r in rows}

    def story_article_count(self, story_id: int, *, until: dt.date | None = None) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM articles WHERE story_id = ? AND published < ?",
            (story_id, day_after(until) if until else "9999"),
        ).fetchone()
        return int(row[0])

    def articles_by_id(self, article_ids: list[int]) -> dict[int, StoryArticle]:
        if not article_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles a WHERE a.id IN ({','.join('?' * len(article_ids))})",
            article_ids,
        ).fetchall()
        return {r["id"]: _story_article(r) for r in rows}

    def article_source_names(self, article_ids: list[int]) -> dict[int, tuple[str, ...]]:
        """The outlets of each article (as `StoryArticle.sources`), from the covering index of article_sources.

        Cheap even for hundreds of articles, since it never reads an article row (whose text comes first).
        """
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        out: dict[int, list[str]] = {}
        for aid, source in self.conn.execute(
            f"SELECT article_id, source FROM article_sources WHERE article_id IN ({marks}) ORDER BY article_id, source",
            article_ids,
        ):
            if source:
                out.setdefault(aid, []).append(source)
        missing = [a for a in article_ids if a not in out]
        if missing:  # no outlet recorded: fall back to the article's own source column
            rows = self.conn.execute(
                f"SELECT id, source FROM articles WHERE id IN ({','.join('?' * len(missing))})", missing
            ).fetchall()
            for aid, source in rows:
                out[aid] = [source] if source else []
        return {aid: tuple(names) for aid, names in out.items()}

    def newest_source_id(self) -> int:
        """The newest outlet row's id (0: none): outlets are only ever added, so a larger one means new outlets."""
        row = self.conn.execute("SELECT max(id) FROM article_sources").fetchone()
        return int(row[0] or 0)

    def articles_with_sources_between(self, after: int, upto: int) -> set[int]:
        """Articles that gained an outlet row with an id in (after, upto] (a primary key range: cheap)."""
        rows = self.conn.execute("SELECT DISTINCT article_id FROM article_sources WHERE id > ? AND id <= ?",
                                 (after, upto)).fetchall()
        return {int(r[0]) for r in rows}

    def story_key_points(self, article_ids: list[int], *, per_article: int = 8) -> list[KeyPoint]:
        """The best key points of each article, in article and text order."""
        if not article_ids:
            return []
        rows = self.conn.execute(
            'SELECT id, article_id, text, kind, score, start, "end", published FROM ('
            ' SELECT k.*, row_number() OVER (PARTITION BY k.article_id ORDER BY k.score DESC, k.start, k.id) AS r'
            f" FROM key_points k WHERE k.article_id IN ({','.join('?' * len(article_ids))})"
            ") ranked WHERE r <= ? ORDER BY article_id, start, id",
            (*article_ids, per_article),
        ).fetchall()
        return [KeyPoint(r[0], r[1], r[2], r[3], float(r[4]), r[5], r[6], day_or_none(r[7])) for r in rows]

    def story_deadlines(
        self, story_id: int, *, until: dt.date | None = None, limit: int = 400
    ) -> list[DeadlineMention]:
        """Deadline mentions of the story's newest articles, with the type/mod of the time expression they rest on,
        newest article first, then in id order (a total order, so a list can be extended by `article_deadlines`).

        ttype is DURATION when a duration overlaps the mention (the date was counted from it), else None (the
        ledger only asks whether it was a duration); tmod is the modifier of the first overlapping expression
        that has one.
        """
        rows = self.conn.execute(
            f"SELECT {_DEADLINE_COLS}"
            # CROSS JOIN keeps the story's articles (covering index articles_story, newest first) as the outer
            # loop; left to itself the planner scans every deadline of the database.
            " FROM articles a CROSS JOIN deadlines d ON d.article_id = a.id"
            " WHERE a.story_id = ? AND a.published < ? ORDER BY a.published DESC, d.id LIMIT ?",
            (story_id, day_after(until) if until else "9999", limit),
        ).fetchall()
        return self._deadline_mentions(rows)

    def article_deadlines(self, article_ids: list[int]) -> list[DeadlineMention]:
        """The deadline mentions of the given articles (whatever their story), as `story_deadlines` gives them."""
        if not article_ids:
            return []
        rows = self.conn.execute(  # the mention's own copy of the publication day (see article_date_mentions)
            'SELECT d.id, d.article_id, d.text, d.value, d.what, d.supersedes, d.start, d."end", d.published,'
            f" d.kind, d.reason, d.retired FROM deadlines d WHERE d.article_id IN ({','.join('?' * len(article_ids))})"
            " ORDER BY d.published DESC, d.id",
            article_ids,
        ).fetchall()
        return self._deadline_mentions(rows)

    def _deadline_mentions(self, rows: list[Row]) -> list[DeadlineMention]:
        spans = self._marked_timexes(sorted({r["article_id"] for r in rows}))
        out = []
        for r in rows:
            over = [t for t in spans.get(r["article_id"], ()) if t[0] < r["end"] and t[1] > r["start"]]
            out.append(DeadlineMention(
                r["id"], r["article_id"], r["text"], r["value"], r["what"], r["supersedes"], r["start"], r["end"],
                day_or_none(r["published"]), "DURATION" if any(t[2] == "DURATION" for t in over) else None,
                next((t[3] for t in over if t[3] is not None), None),
                r["kind"], r["reason"], bool(r["retired"]),
            ))
        return out

    def _marked_timexes(self, article_ids: list[int]) -> dict[int, list[tuple[int, int, str, str | None]]]:
        """(start, end, type, mod) of the durations and modified expressions of the given articles, in id order.

        One query instead of two correlated subqueries per deadline; unmarked expressions are skipped. Where the
        partial index timexes_marked is migrated, it answers from the index alone (hence no ORDER BY: sorted here).
        """
        out: dict[int, list[tuple[int, int, str, str | None]]] = {}
        if not article_ids:
            return out
        rows = self.conn.execute(
            'SELECT id, article_id, start, "end", type, mod FROM timexes'
            f" WHERE article_id IN ({','.join('?' * len(article_ids))}) AND (type = 'DURATION' OR mod IS NOT NULL)",
            article_ids,
        ).fetchall()
        for _, aid, start, end, ttype, mod in sorted(rows, key=lambda r: (r[1], r[0])):
            out.setdefault(aid, []).append((start, end, ttype, mod))
        return out

    def story_date_mentions(
        self, story_id: int, days: list[str], *, until: dt.date | None = None, articles: int = 300, limit: int = 500
    ) -> list[DatedTimex]:
        """Time expressions naming one of the given days in the story's newest `articles` articles (newest by
        publication day, then id: a total order), the oldest article first, at most `limit`."""
        if not days:
            return []
        rows = self.conn.execute(
            f"SELECT {_DATED_COLS} FROM"
            " (SELECT id, published FROM articles WHERE story_id = ? AND published < ?"
            "  ORDER BY published DESC, id DESC LIMIT ?) a JOIN timexes t ON t.article_id = a.id"
            f" WHERE t.type IN ('DATE', 'TIME') AND substr(t.value, 1, 10) IN ({','.join('?' * len(days))})"
            " ORDER BY a.published, t.id LIMIT ?",
            (story_id, day_after(until) if until else "9999", articles, *days, limit),
        ).fetchall()
        return [DatedTimex(r[0], r[1], r[2], r[3], r[4], r[5], published=day_or_none(r[6])) for r in rows]

    def article_date_mentions(self, article_ids: list[int], days: list[str]) -> list[DatedTimex]:
        """Time expressions naming one of the given days in the given articles, as `story_date_mentions` orders
        them (no limit)."""
        if not days or not article_ids:
            return []
        # the expression's own copy of the publication day: reading the article's would walk past its text
        rows = self.conn.execute(
            'SELECT t.id, t.article_id, t.text, t.value, t.start, t."end", t.published FROM timexes t'
            f" WHERE t.article_id IN ({','.join('?' * len(article_ids))}) AND t.type IN ('DATE', 'TIME')"
            f" AND substr(t.value, 1, 10) IN ({','.join('?' * len(days))}) ORDER BY t.published, t.id",
            (*article_ids, *days),
        ).fetchall()
        return [DatedTimex(r[0], r[1], r[2], r[3], r[4], r[5], published=day_or_none(r[6])) for r in rows]

    def story_timexes(self, article_ids: list[int]) -> list[DatedTimex]:
        """Dated time expressions (DATE/TIME) of the given articles, in article and text order."""
        if not article_ids:
            return []
        rows = self.conn.execute(
            'SELECT id, article_id, text, value, start, "end", mod FROM timexes'
            f" WHERE article_id IN ({','.join('?' * len(article_ids))}) AND type IN ('DATE', 'TIME')"
            " ORDER BY article_id, start",
            article_ids,
        ).fetchall()
        return [DatedTimex(*r) for r in rows]

    def article_clean_texts(self, article_ids: list[int]) -> dict[int, str]:
        """Article texts with what extraction marked as page furniture (boilerplate, comments) cut out."""
        if not article_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT id, text, json_extract(extraction, '$.removed') FROM articles"
            f" WHERE id IN ({','.join('?' * len(article_ids))})", article_ids
        ).fetchall()
        out: dict[int, str] = {}
        for aid, body, removed in rows:  # only the removed spans are read out of the extraction JSON
            spans = sorted((int(r["start"]), int(r["end"])) for r in loads(removed, []) or [])
            parts, at = [], 0
            for start, end in spans:
                if start >= at:
                    parts.append(body[at:start])
                at = max(at, end)
            parts.append(body[at:])
            out[aid] = " ".join("".join(parts).split())
        return out

    def article_texts(self, article_ids: list[int]) -> dict[int, str]:
        if not article_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(article_ids))})", article_ids
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- the last numbered list shown in a chat (for /why N) ---------------------------------------------------

    def _has_index(self, name: str) -> bool:
        known: dict[str, bool] = self.__dict__.setdefault("_indexes_seen", {})
        if name not in known:
            known[name] = self.backend.has_index(self.conn, name)
        return known[name]

    def remember_list(self, chat_key: str, kind: str, story_id: int | None, items: list[dict[str, Any]]) -> None:
        """Remember the numbered list a chat saw (for /why N). Best effort: a read command never waits on a writer.

        The list is kept in memory for this process and written to the database (for other processes, such as
        `newsdigest ask`) only if the write lock is free within a few milliseconds.
        """
        platform, _, chat_id = chat_key.partition(":")
        payload = json.dumps(items, ensure_ascii=False)
        memory: dict[str, tuple[str, int | None, str]] = self.__dict__.setdefault("_chat_lists_memory", {})
        memory[chat_key] = (kind, story_id, payload)
        if self.conn.in_transaction:
            return
        try:
            # not durable: each list answer writes one, and a commit waiting for the disk took most of the answer's time
            with self.lock_wait(LIST_WRITE_WAIT_MS), self.write(durable=False) as conn:
                conn.execute(
                    "INSERT INTO chat_lists (platform, chat_id, kind, story_id, items, created_at) VALUES (?,?,?,?,?,?)"
                    " ON CONFLICT(platform, chat_id) DO UPDATE SET kind = excluded.kind, story_id = excluded.story_id,"
                    " items = excluded.items, created_at = excluded.created_at",
                    (platform, chat_id, kind, story_id, payload, self.stamp()),
                )
        except (StoreBusyError, sqlite3.OperationalError) as exc:  # locked by a writer: the in-memory copy serves
            log.debug("chat list not persisted chat=%s: %s", chat_key, exc)

    def last_list(self, chat_key: str) -> tuple[str, int | None, list[dict[str, Any]]] | None:
        memory: dict[str, tuple[str, int | None, str]] = self.__dict__.get("_chat_lists_memory", {})
        hit = memory.get(chat_key)
        if hit:
            return hit[0], hit[1], loads(hit[2], [])
        platform, _, chat_id = chat_key.partition(":")
        row = self.conn.execute(
            "SELECT kind, story_id, items FROM chat_lists WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        ).fetchone()
        return (row[0], row[1], loads(row[2], [])) if row else None


def _story_article(r: Row) -> StoryArticle:
    sources = tuple(s for s in loads(r["sources"], []) if s)
    return StoryArticle(
        id=r["id"], title=r["title"], published=day_or_none(r["published"]), url=r["url"], source=r["source"],
        sources=sources or ((r["source"],) if r["source"] else ()), lang=r["lang"], ingested_at=r["ingested_at"],
    )


def _utc_stamp(moment: dt.datetime) -> str:
    """`moment` as ingestion stamps are stored (UTC ISO, seconds); a naive time is taken as UTC."""
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
