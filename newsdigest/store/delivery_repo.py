"""The digest delivery ledger: one row per (chat, slot), exactly-once across restarts.

Life of a row: `claim_delivery` inserts it as `pending` (attempts 1) *before* anything is composed
or sent, or takes an existing pending row for another attempt; `note_composed` stamps the compose
time; `finish_delivery` records the outcome — `sent` in the same transaction that moves the
subscriptions' `last_digest_at`, or `skipped` / `gone` / `failed`. Final rows are never claimed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsdigest.models import DeliveryStatus
from newsdigest.store.base import Row, StoreBase, iso

FINAL_STATUSES = frozenset(DeliveryStatus) - {DeliveryStatus.PENDING}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_KEY_CHUNK = 300  # keys per lookup query (3 parameters each, far below SQLite's variable limit)


@dataclass(frozen=True)
class DeliveryRow:
    platform: str
    chat_id: str
    slot: str
    subscription_id: int | None
    status: DeliveryStatus
    attempts: int
    composed_at: str | None
    sent_at: str | None
    messages: int
    detail: str | None

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class Claim:
    """A slot this process may now compose and send."""

    platform: str
    chat_id: str
    slot: str
    attempts: int  # 1 on the first try
    composed_before: bool  # an earlier attempt got as far as composing (it may have been sent: see delivery.py)


@dataclass(frozen=True)
class ScheduledSubscription:
    """An active subscription with what the scheduler needs beyond models.Subscription."""

    id: int
    platform: str
    chat_id: str
    story: str | None
    time: str
    tz: str
    lang: str
    effective_from: dt.datetime  # when the current schedule was set (no catch-up for slots before it)
    last_digest_at: dt.datetime | None
    filters: str = ""  # "+word -word" (digests/filters.py)
    style: str = ""  # "" | "thread"


def _dt(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class DeliveryRepo(StoreBase):
    # -- the ledger ------------------------------------------------------------------------------------

    def claim_delivery(
        self, platform: str, chat_id: str, slot: str, subscription_id: int | None, *, max_attempts: int
    ) -> Claim | None:
        """Claim (chat, slot) for one attempt; None when it is final or out of attempts. One transaction."""
        with self.write() as conn:
            row = conn.execute(
                "SELECT status, attempts, composed_at FROM deliveries WHERE platform = ? AND chat_id = ? AND slot = ?",
                (platform, chat_id, slot),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO deliveries (platform, chat_id, slot, subscription_id, status, attempts)"
                    " VALUES (?,?,?,?, 'pending', 1)",
                    (platform, chat_id, slot, subscription_id),
                )
                return Claim(platform, chat_id, slot, 1, False)
            if row["status"] in FINAL_STATUSES:
                return None
            if row["attempts"] >= max_attempts:
                conn.execute(
                    "UPDATE deliveries SET status = 'failed', detail = coalesce(detail, '') || ' (gave up)'"
                    " WHERE platform = ? AND chat_id = ? AND slot = ?",
                    (platform, chat_id, slot),
                )
                return None
            conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1 WHERE platform = ? AND chat_id = ? AND slot = ?",
                (platform, chat_id, slot),
            )
            return Claim(platform, chat_id, slot, int(row["attempts"]) + 1, row["composed_at"] is not None)

    def note_composed(self, platform: str, chat_id: str, slot: str, at: dt.datetime) -> None:
        with self.write() as conn:
            conn.execute(
                "UPDATE deliveries SET composed_at = ? WHERE platform = ? AND chat_id = ? AND slot = ?",
                (iso(at), platform, chat_id, slot),
            )

    def finish_delivery(
        self,
        platform: str,
        chat_ids: Sequence[str],
        slot: str,
        status: DeliveryStatus,
        *,
        at: dt.datetime,
        messages: int = 0,
        detail: str | None = None,
        subscription_ids: Iterable[int] = (),
        digest_at: dt.datetime | None = None,
    ) -> None:
        """Record the outcome; `sent` also moves the subscriptions' last_digest_at — in the same transaction.

        chat_ids lists the old and the new id when the platform moved the chat while sending.
        """
        ids = list(dict.fromkeys(chat_ids))
        marks = ",".join("?" * len(ids))
        with self.write() as conn:
            conn.execute(
                "UPDATE deliveries SET status = ?, sent_at = ?, messages = ?, detail = ?"
                f" WHERE platform = ? AND slot = ? AND chat_id IN ({marks})",
                (status, iso(at) if status == "sent" else None, messages, detail, platform, slot, *ids),
            )
            if status == "sent" and digest_at is not None:
                sub_ids = list(subscription_ids)
                if sub_ids:
                    conn.execute(
                        f"UPDATE subscriptions SET last_digest_at = ? WHERE id IN ({','.join('?' * len(sub_ids))})",
                        (iso(digest_at), *sub_ids),
                    )

    def note_attempt_failed(self, platform: str, chat_id: str, slot: str, detail: str) -> None:
        """A transient failure: the row stays pending for the next catch-up."""
        with self.write() as conn:
            conn.execute(
                "UPDATE deliveries SET detail = ? WHERE platform = ? AND chat_id = ? AND slot = ?",
                (detail[:500], platform, chat_id, slot),
            )

    def delivery(self, platform: str, chat_id: str, slot: str) -> DeliveryRow | None:
        row = self.conn.execute(
            "SELECT * FROM deliveries WHERE platform = ? AND chat_id = ? AND slot = ?", (platform, chat_id, slot)
        ).fetchone()
        return _delivery(row) if row else None

    def deliveries(self, *, platform: str | None = None, chat_id: str | None = None) -> list[DeliveryRow]:
        sql, params = "SELECT * FROM deliveries WHERE 1=1", []
        if platform is not None:
            sql += " AND platform = ?"
            params.append(platform)
        if chat_id is not None:
            sql += " AND chat_id = ?"
            params.append(chat_id)
        return [_delivery(r) for r in self.conn.execute(sql + " ORDER BY slot", params).fetchall()]

    def delivery_states(self, keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], DeliveryRow]:
        """Ledger rows for many (platform, chat_id, slot) keys, looked up through the primary key."""
        out: dict[tuple[str, str, str], DeliveryRow] = {}
        pending = list(keys)
        for start in range(0, len(pending), _KEY_CHUNK):
            chunk = pending[start : start + _KEY_CHUNK]
            values = ",".join("(?,?,?)" for _ in chunk)
            params = [v for key in chunk for v in key]
            rows = self.conn.execute(
                f"WITH k(p, c, s) AS (VALUES {values}) SELECT d.* FROM k"
                " JOIN deliveries d ON d.platform = k.p AND d.chat_id = k.c AND d.slot = k.s",
                params,
            ).fetchall()
            for r in rows:
                d = _delivery(r)
                out[(d.platform, d.chat_id, d.slot)] = d
        return out

    # -- what the scheduler reads ----------------------------------------------------------------------

    def scheduled_subscriptions(self) -> list[ScheduledSubscription]:
        """Every active subscription of an active chat."""
        return self._scheduled("", ())

    def scheduled_subscriptions_of(self, sub_id: int) -> list[ScheduledSubscription]:
        """The active subscriptions of the chat that subscription `sub_id` belongs to."""
        return self._scheduled(
            " AND (s.platform, s.chat_id) = (SELECT platform, chat_id FROM subscriptions WHERE id = ?)", (sub_id,)
        )

    def _scheduled(self, where: str, params: tuple[object, ...]) -> list[ScheduledSubscription]:
        rows = self.conn.execute(
            "SELECT s.id, s.platform, s.chat_id, s.story, s.time, s.tz, s.lang, s.updated_at, s.last_digest_at,"
            " s.filters, s.style"
            " FROM subscriptions s LEFT JOIN chats c ON c.platform = s.platform AND c.chat_id = s.chat_id"
            f" WHERE s.active = 1 AND coalesce(c.active, 1) = 1{where} ORDER BY s.id",
            params,
        ).fetchall()
        return [
            ScheduledSubscription(
                id=r["id"], platform=r["platform"], chat_id=r["chat_id"], story=r["story"] or None, time=r["time"],
                tz=r["tz"], lang=r["lang"], effective_from=_dt(r["updated_at"]) or _EPOCH,
                last_digest_at=_dt(r["last_digest_at"]), filters=r["filters"], style=r["style"],
            )
            for r in rows
        ]

    def last_digest_at(self, platform: str, chat_id: str) -> dt.datetime | None:
        row = self.conn.execute(
            "SELECT max(last_digest_at) FROM subscriptions WHERE platform = ? AND chat_id = ? AND active = 1",
            (platform, chat_id),
        ).fetchone()
        return _dt(row[0]) if row else None


def _delivery(r: Row) -> DeliveryRow:
    return DeliveryRow(
        platform=r["platform"], chat_id=r["chat_id"], slot=r["slot"], subscription_id=r["subscription_id"],
        status=DeliveryStatus(r["status"]), attempts=int(r["attempts"]), composed_at=r["composed_at"], sent_at=r["sent_at"],
        messages=int(r["messages"]), detail=r["detail"],
    )
