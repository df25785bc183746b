"""Data tables that load on first use (word frequencies, lemma dictionaries) and then live as long as the process.

Left in the collector's generations, every full collection walks their millions of entries: about 15 ms of CPU
each time, which lands on whatever command is running (the p99 of /status). Once such a table is loaded,
everything alive is moved out of the collector's scans, as the bot does with its start-up objects.

What stays scanned (the story caches: rows, ledgers, developments) still costs a full collection ~12 ms on the
100k-article database, and the collector starts one inside about one /status in 80. So once the tables are in,
full collections are held: the oldest generation's threshold is raised so they start about 100 times less often on
their own, and the poller runs one after its warm-up (`collect_off_path`), where no command is waiting for it. The
cost is cyclic garbage living until then; the story caches make none (a full collection after 300 rebuilt /status
found 0 unreachable objects).
"""

from __future__ import annotations

import gc
import threading

HELD_FULL_EVERY = 1000  # young (generation 1) collections between automatic full ones while held; CPython's is 10

_SETTLED: set[str] = set()
_LOCK = threading.Lock()


def settled(table: str) -> None:
    """Call after `table` was loaded: the first time, what is garbage is collected and what lives is frozen, and
    full collections are held from then on."""
    if table in _SETTLED:  # the usual case: one set lookup
        return
    with _LOCK:
        if table in _SETTLED:
            return
        _SETTLED.add(table)
    gc.collect()  # free today's garbage first, so that freezing keeps only what lives
    gc.freeze()
    hold_full_collections()


def hold_full_collections() -> None:
    """Make automatic full collections rare (the young generations are collected as before)."""
    young, middle, oldest = gc.get_threshold()
    if oldest < HELD_FULL_EVERY:
        gc.set_threshold(young, middle, HELD_FULL_EVERY)


def held() -> bool:
    return gc.get_threshold()[2] >= HELD_FULL_EVERY


def collect_off_path() -> int:
    """The full collection the held policy owes, run where nothing waits (after the poller's warm-up); returns how
    many unreachable objects it found (0 when full collections are not held: the collector runs them itself)."""
    return gc.collect() if held() else 0
