"""Feeds and their health (conditional-GET validators, last success/error, next poll), and the
near-duplicate lookup ingestion needs (SimHash bands over recent articles)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from newsdigest.models import Feed
from newsdigest.store.base import Row, StoreBase, iso, loads

MAX_ERROR_TEXT = 500


@dataclass(frozen=True)
class FeedHealth:
    """A feed's full row, for listings and diagnostics (Feed carries the subset every layer needs)."""

    feed: Feed
    added_by: str | None
    added_at: str
    interval_minutes: int | None
    last_polled: str | None
    last_error_at: str | None
    items_seen: int

    @property
    def healthy(self) -> bool:
        return self.feed.error_count == 0 and self.feed.last_success is not None


class FeedsRepo(StoreBase):
    def add_feed(self, url: str, *, title: str | None = None, added_by: str | None = None) -> tuple[Feed, bool]:
        """Add (or re-activate) a feed; returns it and whether it was new."""
        with self.write() as conn:
            row = conn.execute("SELECT id, active FROM feeds WHERE url = ?", (url,)).fetchone()
            if row:
                conn.execute("UPDATE feeds SET active = 1, title = coalesce(title, ?) WHERE id = ?", (title, row["id"]))
                created = not row["active"]
            else:
                conn.execute(
                    "INSERT INTO feeds (url, title, added_by, added_at) VALUES (?,?,?,?)",
                    (url, title, added_by, self.stamp()),
                )
                created = True
        feed = self.feed(url)
        assert feed is not None
        return feed, created

    def remove_feed(self, url: str) -> bool:
        with self.write() as conn:
            return conn.execute("UPDATE feeds SET active = 0 WHERE url = ? AND active = 1", (url,)).rowcount > 0

    def feed(self, url: str) -> Feed | None:
        row = self.conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return _feed(row) if row else None

    def feeds(self, *, active_only: bool = True) -> list[Feed]:
        sql = "SELECT * FROM feeds" + (" WHERE active = 1" if active_only else "") + " ORDER BY id"
        return [_feed(r) for r in self.conn.execute(sql).fetchall()]

    def feed_health(self, *, active_only: bool = True) -> list[FeedHealth]:
        sql = "SELECT * FROM feeds" + (" WHERE active = 1" if active_only else "") + " ORDER BY id"
        return [
            FeedHealth(_feed(r), r["added_by"], r["added_at"], r["interval_minutes"], r["last_polled"],
                       r["last_error_at"], r["items_seen"])
            for r in self.conn.execute(sql).fetchall()
        ]

    def due_feeds(self, now: dt.datetime) -> list[Feed]:
        """Active feeds whose next poll is due (never-polled feeds first)."""
        rows = self.conn.execute(
            "SELECT * FROM feeds WHERE active = 1 AND (next_poll IS NULL OR next_poll <= ?)"
            " ORDER BY next_poll IS NOT NULL, next_poll, id",
            (iso(now),),
        ).fetchall()
        return [_feed(r) for r in rows]

    def next_poll_due(self) -> dt.datetime | None:
        """The earliest scheduled poll among active feeds (None: no feeds, or one never polled is waiting)."""
        row = self.conn.execute(
            "SELECT min(next_poll), count(*) - count(next_poll) FROM feeds WHERE active = 1"
        ).fetchone()
        if row is None or row[0] is None or row[1]:
            return None
        return dt.datetime.fromisoformat(row[0])

    def feed_interval(self, feed_id: int) -> int | None:
        row = self.conn.execute("SELECT interval_minutes FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return int(row[0]) if row and row[0] else None

    def schedule_feed(self, feed_id: int, next_poll: dt.datetime) -> None:
        with self.write() as conn:
            conn.execute("UPDATE feeds SET next_poll = ? WHERE id = ?", (iso(next_poll), feed_id))

    def record_feed_success(
        self,
        feed_id: int,
        *,
        now: dt.datetime,
        next_poll: dt.datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        new_items: int = 0,
        not_modified: bool = False,
    ) -> None:
        """A poll worked: reset the error count, keep the validators for the next conditional GET."""
        stamp = iso(now)
        with self.write() as conn:
            if not_modified:  # a 304 carries no new validators as a rule; keep the stored ones
                conn.execute(
                    "UPDATE feeds SET last_polled = ?, last_success = ?, error_count = 0, next_poll = ? WHERE id = ?",
                    (stamp, stamp, iso(next_poll), feed_id),
                )
                return
            conn.execute(
                "UPDATE feeds SET last_polled = ?, last_success = ?, error_count = 0, next_poll = ?, etag = ?,"
                " last_modified = ?, title = coalesce(title, ?), items_seen = items_seen + ? WHERE id = ?",
                (stamp, stamp, iso(next_poll), etag, last_modified, title, new_items, feed_id),
            )

    def record_feed_error(self, feed_id: int, error: str, *, now: dt.datetime, next_poll: dt.datetime) -> int:
        """A poll failed: remember why and when, count it; returns the consecutive error count."""
        stamp = iso(now)
        with self.write() as conn:
            conn.execute(
                "UPDATE feeds SET last_polled = ?, last_error = ?, last_error_at = ?, error_count = error_count + 1,"
                " next_poll = ? WHERE id = ?",
                (stamp, error[:MAX_ERROR_TEXT], stamp, iso(next_poll), feed_id),
            )
            row = conn.execute("SELECT error_count FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return int(row[0]) if row else 0

    def record_feed_problems(self, feed_id: int, problems: list[str], *, now: dt.datetime, keep: int = 3) -> None:
        """Remember a poll's problems (entries skipped, dates refused, bytes replaced): the newest `keep` distinct
        ones stay; a problem seen again moves to the front with its new time instead of being listed twice."""
        if not problems:
            return
        stamp = iso(now)
        with self.write() as conn:
            row = conn.execute("SELECT problems FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if row is None:
                return
            new = [{"at": stamp, "text": p[:MAX_ERROR_TEXT]} for p in problems]
            merged = _distinct_problems(new + _problem_entries(row[0]))[:keep]
            conn.execute("UPDATE feeds SET problems = ? WHERE id = ?",
                         (json.dumps(merged, ensure_ascii=False), feed_id))

    def feed_problems(self, feed_id: int) -> list[tuple[str, str]]:
        """(when, problem) of a feed's latest distinct problems, newest first."""
        row = self.conn.execute("SELECT problems FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        entries = _distinct_problems(_problem_entries(row[0] if row else None))
        return [(e["at"], e["text"]) for e in entries]

    # -- near-duplicate lookup (articles.simhash) -------------------------------------------------------

    def simhash_candidates(self, band_values: tuple[int, ...], *, band_bits: int, window: int) -> list[tuple[int, int]]:
        """(id, simhash) of the last `window` articles sharing at least one SimHash band with the given bands."""
        mask = (1 << band_bits) - 1
        n = len(band_values)
        conds = " OR ".join(f"((simhash >> {band_bits * (n - 1 - i)}) & {mask}) = ?" for i in range(n))
        rows = self.conn.execute(
            "SELECT id, simhash FROM articles WHERE id > (SELECT coalesce(max(id), 0) FROM articles) - ?"
            f" AND simhash IS NOT NULL AND ({conds})",
            (window, *band_values),
        ).fetchall()
        return [(int(r[0]), int(r[1])) for r in rows]

    def article_text(self, article_id: int) -> str | None:
        row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row else None


LEGACY_PROBLEM_PREFIX = "problem: "  # rows written before the prefix was dropped from stored problems


def _problem_entries(raw: str | None) -> list[dict[str, str]]:
    return [{"at": str(p.get("at", "")), "text": str(p.get("text", "")).removeprefix(LEGACY_PROBLEM_PREFIX)}
            for p in loads(raw, []) if isinstance(p, dict)]


def _distinct_problems(entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """The first (newest) entry of each problem text, order kept."""
    seen: set[str] = set()
    out = []
    for e in entries:
        if e["text"] not in seen:
            seen.add(e["text"])
            out.append(e)
    return out


def _feed(row: Row) -> Feed:
    return Feed(
        id=row["id"], url=row["url"], title=row["title"], etag=row["etag"],
        last_modified=row["last_modified"], last_success=row["last_success"],
        last_error=row["last_error"], error_count=row["error_count"],
        next_poll=row["next_poll"], active=bool(row["active"]),
    )
