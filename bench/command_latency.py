"""Command latency (p50/p99) of status, deadline and search on a 100,000-article database.

In-process: Core.answer() as every adapter calls it. Baseline in the same run: a bare indexed
`SELECT count(*)` round trip on the same database, so the ratio says what our layers add.
Through Telegram: if the fake Bot API is available, N concurrent chats type commands through the real
python-telegram-bot stack (see bench/telegram_fanout.py). Goal: p99 ≤ 20 ms in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_large_db, peak_rss_mb, percentile
from telegram_fanout import telegram_command_latency

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.service import VIEWS, ensure_assigned

COMMANDS = ["/status", "/deadline", "/search Regierung", "/status Wien", "/stories"]


def clear_caches(store: Store) -> None:
    VIEWS.clear()
    store.__dict__.pop("_search_cache", None)


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    db = build_large_db(args.corpus, args.articles)
    store = Store(db)
    t0 = time.perf_counter()
    placed = ensure_assigned(store)
    cluster_s = time.perf_counter() - t0
    stories = store.query("SELECT count(*) FROM stories")[0][0]
    core = Core(store, build_config({}), Clock(as_of=dt.date(2020, 12, 31)))
    gc.freeze()  # as the running bot does after start-up
    chat = ChatRef(Platform.CONSOLE, "bench")
    base = timed(lambda: store.query("SELECT count(*) FROM articles WHERE published < '2018-01-01'"), args.runs)
    print(f"{args.articles:,} articles, {stories:,} stories (clustering {placed:,} new articles took {cluster_s:.1f} s)\n")
    print("Repeated asks are answered from a per-process cache until new data arrives; *fresh* clears it before\n"
          "every ask, so the whole answer is rebuilt from the database (the first ask after new articles).\n")
    print("| command | cached p50 ms | cached p99 ms | fresh p50 ms | fresh p99 ms | goal p99 ≤ 20 ms (fresh) |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| baseline: indexed count(*) | {percentile(base, 50):.2f} | {percentile(base, 99):.2f} | | | |")
    for command in COMMANDS:
        core.answer(chat, command)  # warm lazy imports
        cached = timed(lambda c=command: core.answer(chat, c), args.runs)  # type: ignore[misc]
        fresh = timed(lambda c=command: (clear_caches(store), core.answer(chat, c)), args.runs)  # type: ignore[misc]
        goal = ""
        if command in ("/status", "/deadline"):
            goal = "met" if percentile(fresh, 99) <= 20 else "NOT met"
        print(f"| `{command}` | {percentile(cached, 50):.2f} | {percentile(cached, 99):.2f} | "
              f"{percentile(fresh, 50):.2f} | {percentile(fresh, 99):.2f} | {goal} |")
    print(f"\npeak RSS of this process: {peak_rss_mb():.0f} MB")
    print("\nThrough the real python-telegram-bot stack and the fake Bot API (in a child process), 200 chats:\n")
    print("| load | commands | p50 ms | p99 ms | max ms | goal p99 ≤ 250 ms |")
    print("|---|---:|---:|---:|---:|---|")
    for steady in (True, False):
        res = asyncio.run(telegram_command_latency(core, chats=200, lines=("/status", "/deadline", "/search Regierung"),
                                                   steady=steady, duration=20.0, rounds=2))
        label = "steady: each chat asks every ~5 s" if steady else "burst: 200 commands at the same instant"
        verdict = "met" if res.p99_ms <= 250 else "NOT met"
        print(f"| {label} | {res.commands} | {res.p50_ms:.0f} | {res.p99_ms:.0f} | {res.max_ms:.0f} | {verdict} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
