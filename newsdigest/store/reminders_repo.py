"""Deadline reminder rules: one per (chat, story), '' meaning every story the bot follows.

What was sent lives in the digest delivery ledger (`deliveries`), under slot keys of the form
`remind:<story>:<key date>:<offset>d` — the same exactly-once machinery as digests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdigest.models import ChatRef, ReminderRule
from newsdigest.store.base import Row, StoreBase


def _stamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _rule(r: Row) -> ReminderRule:
    offsets = tuple(int(x) for x in str(r["offsets"]).split(",") if x.strip().lstrip("-").isdigit())
    return ReminderRule(
        id=r["id"], platform=r["platform"], chat_id=r["chat_id"], story=r["story"] or None, offsets=offsets,
        time=r["time"], tz=r["tz"], lang=r["lang"], active=bool(r["active"]), paused=r["paused"],
        effective_from=_stamp(r["updated_at"]),
    )


class RemindersRepo(StoreBase):
    def set_reminder(self, chat: ChatRef, *, story: str | None, offsets: tuple[int, ...], time: str, tz: str,
                     lang: str = "en") -> ReminderRule:
        """Create or replace the chat's reminder rule for `story` (None: every story)."""
        stamp = self.stamp()
        with self.write() as conn:
            self.activate_chat(conn, chat, stamp)
            conn.execute(
                "INSERT INTO reminders (platform, chat_id, story, offsets, time, tz, lang, active, created_at,"
                " updated_at) VALUES (?,?,?,?,?,?,?,1,?,?) ON CONFLICT(platform, chat_id, story) DO UPDATE SET"
                " offsets = excluded.offsets, time = excluded.time, tz = excluded.tz, lang = excluded.lang,"
                " active = 1, paused = NULL, updated_at = excluded.updated_at",
                (chat.platform, chat.chat_id, story or "", ",".join(str(o) for o in offsets), time, tz, lang,
                 stamp, stamp),
            )
        return next(r for r in self.reminders_for(chat) if (r.story or "") == (story or ""))

    def stop_reminders(self, chat: ChatRef, story: str | None = None) -> int:
        """Stop one story's reminder rule, or every rule of the chat when story is None."""
        sql = "UPDATE reminders SET active = 0, updated_at = ? WHERE platform = ? AND chat_id = ? AND active = 1"
        params: list[Any] = [self.stamp(), chat.platform, chat.chat_id]
        if story is not None:
            sql += " AND story = ?"
            params.append(story)
        with self.write() as conn:
            return conn.execute(sql, params).rowcount

    def reminders_for(self, chat: ChatRef, *, active_only: bool = True) -> list[ReminderRule]:
        sql = "SELECT * FROM reminders WHERE platform = ? AND chat_id = ?" + (" AND active = 1" if active_only else "")
        return [_rule(r) for r in self.conn.execute(sql + " ORDER BY id", (chat.platform, chat.chat_id))]

    def paused_reminders_for(self, chat: ChatRef) -> list[ReminderRule]:
        sql = "SELECT * FROM reminders WHERE platform = ? AND chat_id = ? AND active = 0 AND paused IS NOT NULL"
        return [_rule(r) for r in self.conn.execute(sql + " ORDER BY id", (chat.platform, chat.chat_id))]

    def active_reminders(self) -> list[ReminderRule]:
        """Every active rule of an active chat (what the reminder catch-up looks at)."""
        rows = self.conn.execute(
            "SELECT r.* FROM reminders r LEFT JOIN chats c ON c.platform = r.platform AND c.chat_id = r.chat_id"
            " WHERE r.active = 1 AND coalesce(c.active, 1) = 1 ORDER BY r.id"
        ).fetchall()
        return [_rule(r) for r in rows]
