"""Shared rate budgets: one row per bucket (a bot's overall budget, one chat's), read-modified-written under a lock.

The arithmetic (GCRA by reservation) is the caller's pure function (bot/ratelimit.py `gcra_reserve`); the store only
makes the read and the write one atomic step across every worker on the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from newsdigest.store.base import StoreBase

T = TypeVar("T")
Update = Callable[[float | None], tuple[float, T]]


class RatesRepo(StoreBase):
    def update_rate_bucket(self, name: str, update: Update[T]) -> T:
        """Run `update(tat)` on bucket `name` (None: never used) with the row locked; stores the new tat it returns."""
        return self.update_rate_buckets([(name, update)])[0]

    def update_rate_buckets(self, updates: Sequence[tuple[str, Update[T]]]) -> list[T]:
        """Many reservations in one transaction, in order, as if one after the other: each bucket's row is locked once
        (every bucket named, in name order, so two workers never wait on each other in a circle) and its tat carried
        from one update to the next. Returns what each update returned."""
        names = sorted({name for name, _ in updates})
        if not names:
            return []
        marks = ",".join("?" * len(names))
        lock = f"SELECT name, tat FROM rate_buckets WHERE name IN ({marks}) ORDER BY name{self.row_lock()}"
        with self.write(exclusive=False) as conn:  # the buckets' row locks are enough
            tats: dict[str, float | None] = {r[0]: r[1] for r in conn.execute(lock, names).fetchall()}
            if len(tats) < len(names):  # a bucket's first use (a statement less on every later one): make its row
                conn.executemany("INSERT INTO rate_buckets (name, tat) VALUES (?, NULL) ON CONFLICT (name) DO NOTHING",
                                 [(n,) for n in names if n not in tats])
                tats = {r[0]: r[1] for r in conn.execute(lock, names).fetchall()}
            out: list[T] = []
            for name, update in updates:
                tat = tats[name]
                tats[name], result = update(None if tat is None else float(tat))
                out.append(result)
            conn.executemany("UPDATE rate_buckets SET tat = ? WHERE name = ?", [(tats[n], n) for n in names])
            return out
