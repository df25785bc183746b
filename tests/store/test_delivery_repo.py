"""The ledger's batched writes: many rows in one transaction end as each row would alone (both backends)."""

from __future__ import annotations

import datetime as dt

from newsdigest.models import ChatRef, DeliveryStatus, Platform
from newsdigest.store.delivery_repo import DueRow, Finish
from newsdigest.store.store import Store

T0 = dt.datetime(2024, 3, 1, 7, 0, tzinfo=dt.UTC)
SLOT = "2024-03-01T08:00:00+01:00"


def _pending(store: Store, chats: list[str]) -> list[int]:
    """Pending rows for these chats, due a second apart in this order (a claim takes the oldest first)."""
    subs = [store.subscribe(ChatRef(Platform.TELEGRAM, c), time="08:00", tz="Europe/Berlin") for c in chats]
    store.enqueue_deliveries(DueRow("telegram", c, SLOT, None, T0 - dt.timedelta(seconds=len(chats) - i))
                             for i, c in enumerate(chats))
    return [s.id for s in subs]


def test_a_claimed_batch_counts_an_attempt_on_each_row_and_gives_up_on_spent_ones(store: Store) -> None:
    chats = [str(100 + i) for i in range(7)]
    _pending(store, chats)
    with store.write() as conn:  # one row has had all its attempts already
        conn.execute("UPDATE deliveries SET attempts = 5 WHERE chat_id = '103'")
    claimed = store.claim_pending(holder="w1", now=T0, window_start=T0 - dt.timedelta(hours=1), limit=4,
                                  max_attempts=5, exclude={("telegram", "101", SLOT)})
    # it looks at limit + excluded rows, oldest first: the spent one among them is given up, not replaced
    assert [(p.claim.chat_id, p.claim.attempts) for p in claimed] == [("100", 1), ("102", 1), ("104", 1)]
    rows = {r.chat_id: r for r in store.deliveries(platform="telegram")}
    assert {c for c, r in rows.items() if r.attempts == 1} == {"100", "102", "104"}
    assert {c for c, r in rows.items() if r.attempts == 0} == {"101", "105", "106"}
    assert rows["103"].status == "failed" and "gave up" in (rows["103"].detail or "")


def test_many_outcomes_in_one_call_end_as_each_alone(store: Store) -> None:
    ids = _pending(store, ["1", "2", "3", "4"])
    later = T0 + dt.timedelta(minutes=1)
    store.note_composed_many([("telegram", c, SLOT) for c in ("1", "2", "3")], T0)
    store.finish_deliveries([
        Finish("telegram", ("1",), SLOT, DeliveryStatus.SENT, later, 1, None, (ids[0],), T0),
        Finish("telegram", ("2",), SLOT, DeliveryStatus.SENT, later, 2, "split in two", (ids[1],), T0),
        Finish("telegram", ("3",), SLOT, DeliveryStatus.GONE, later, detail="blocked"),
    ])
    rows = {r.chat_id: r for r in store.deliveries(platform="telegram")}
    assert (rows["1"].status, rows["1"].messages, rows["1"].detail, rows["1"].sent_at) == ("sent", 1, None,
                                                                                         later.isoformat())
    assert (rows["2"].status, rows["2"].messages, rows["2"].detail) == ("sent", 2, "split in two")
    assert (rows["3"].status, rows["3"].sent_at, rows["3"].detail) == ("gone", None, "blocked")
    assert rows["4"].status == "pending" and rows["4"].composed_at is None
    assert all(rows[c].composed_at for c in "123")
    moved = {c: store.last_digest_at("telegram", c) for c in "1234"}
    assert moved == {"1": T0, "2": T0, "3": None, "4": None}  # only a sent digest moves last_digest_at
