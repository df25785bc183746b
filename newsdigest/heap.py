"""Data tables that load on first use (word frequencies, lemma dictionaries) and then live as long as the process.

Left in the collector's generations, every full collection walks their millions of entries: about 15 ms of CPU
each time, which lands on whatever command is running (the p99 of /status). Once such a table is loaded,
everything alive is moved out of the collector's scans, as the bot does with its start-up objects.
"""

from __future__ import annotations

import gc
import threading

_SETTLED: set[str] = set()
_LOCK = threading.Lock()


def settled(table: str) -> None:
    """Call after `table` was loaded: the first time, what is garbage is collected and what lives is frozen."""
    if table in _SETTLED:  # the usual case: one set lookup
        return
    with _LOCK:
        if table in _SETTLED:
            return
        _SETTLED.add(table)
    gc.collect()  # free today's garbage first, so that freezing keeps only what lives
    gc.freeze()
