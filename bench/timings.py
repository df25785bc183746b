"""Timings that used to be assertions in tests (tests now decide on events; the numbers live here).

    .venv/bin/python bench/timings.py [--repeat N]

- refusing hostile feeds (billion laughs, quadratic blow-up): the entity scan runs before any XML parser;
- each read command, free and while another connection holds the SQLite write lock (WAL readers never wait).
Prints a Markdown table: median and worst of N runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdigest.clock import Clock  # noqa: E402
from newsdigest.config import build_config  # noqa: E402
from newsdigest.handlers import Core  # noqa: E402
from newsdigest.ingest.feeds import FeedRefused, parse_feed  # noqa: E402
from newsdigest.ingest.pipeline import ingest_local  # noqa: E402
from newsdigest.models import ChatRef  # noqa: E402
from newsdigest.store.store import Store  # noqa: E402
from tests.fakes.feed_server import billion_laughs, quadratic_blowup  # noqa: E402

READS = ("/search tiktok", "/stories", "/timeline", "/digest", "/status", "/deadline")
CHAT = ChatRef("telegram", "777")


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _refuse(doc: bytes) -> None:
    try:
        parse_feed(doc)
    except FeedRefused:
        return
    raise AssertionError("the hostile feed was parsed")


def _under_lock(path: str, fn: Callable[[], object]) -> None:
    """Run `fn` while another connection holds the write lock (BEGIN IMMEDIATE)."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(60)
        conn.execute("ROLLBACK")
        conn.close()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(5)
    try:
        fn()
    finally:
        release.set()
        holder.join()


def _answer(core: Core, line: str) -> None:
    assert not core.answer(CHAT, line).error, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rows: list[tuple[str, list[float]]] = []
    rows.append(("refuse billion laughs (10 levels)", _timed(lambda: _refuse(billion_laughs().encode()), args.repeat)))
    rows.append(("refuse quadratic blow-up (50 kB entity × 5,000 references)",
                 _timed(lambda: _refuse(quadratic_blowup().encode()), args.repeat)))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        ingest_local(store, [ROOT / "seeds"])
        core = Core(store=store, config=build_config({}), clock=Clock(as_of=dt.date(2020, 9, 14)))
        for line in READS:  # the first /stories writes the clustered stories
            core.answer(CHAT, line)
        for line in READS:
            ask = functools.partial(_answer, core, line)
            rows.append((f"{line}, database free", _timed(ask, args.repeat)))
            rows.append((f"{line}, writer holds the lock",
                         _timed(functools.partial(_under_lock, store.path, ask), args.repeat)))
        store.close()
    print("| what | median ms | worst ms |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {statistics.median(seconds) * 1000:.1f} | {max(seconds) * 1000:.1f} |")


if __name__ == "__main__":
    main()
