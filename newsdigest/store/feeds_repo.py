"""Feeds and their health (conditional-GET validators, last success/error, next poll)."""

from __future__ import annotations

from newsdigest.models import Feed
from newsdigest.store.base import StoreBase


class FeedsRepo(StoreBase):
    def add_feed(self, url: str, *, title: str | None = None, added_by: str | None = None) -> tuple[Feed, bool]:
        """Add (or re-activate) a feed; returns it and whether it was new."""
        with self.write() as conn:
            row = conn.execute("SELECT id, active FROM feeds WHERE url = ?", (url,)).fetchone()
            if row:
                conn.execute("UPDATE feeds SET active = 1 WHERE id = ?", (row["id"],))
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


def _feed(r: object) -> Feed:
    row = r  # sqlite3.Row
    return Feed(
        id=row["id"], url=row["url"], title=row["title"], etag=row["etag"],  # type: ignore[index]
        last_modified=row["last_modified"], last_success=row["last_success"],  # type: ignore[index]
        last_error=row["last_error"], error_count=row["error_count"],  # type: ignore[index]
        next_poll=row["next_poll"], active=bool(row["active"]),  # type: ignore[index]
    )
