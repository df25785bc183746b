"""Shared rate budgets: one row per bucket (a bot's overall budget, one chat's), read-modified-written under a lock.

The arithmetic (GCRA by reservation) is the caller's pure function (bot/ratelimit.py `gcra_reserve`); the store only
makes the read and the write one atomic step across every worker on the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from newsdigest.store.base import StoreBase

T = TypeVar("T")


class RatesRepo(StoreBase):
    def update_rate_bucket(self, name: str, update: Callable[[float | None], tuple[float, T]]) -> T:
        """Run `update(tat)` on bucket `name` (None: never used) with the row locked; stores the new tat it returns."""
        lock = f"SELECT tat FROM rate_buckets WHERE name = ?{self.row_lock()}"
        with self.write(exclusive=False) as conn:  # the bucket's row lock is enough
            row = conn.execute(lock, (name,)).fetchone()
            if row is None:  # its first use (one statement less on every later one): make the row, then lock it
                conn.execute("INSERT INTO rate_buckets (name, tat) VALUES (?, NULL) ON CONFLICT (name) DO NOTHING", (name,))
                row = conn.execute(lock, (name,)).fetchone()
            tat, out = update(None if row is None or row[0] is None else float(row[0]))
            conn.execute("UPDATE rate_buckets SET tat = ? WHERE name = ?", (tat, name))
            return out
