"""Command latency (p50/p95/p99) of status, deadline and search on a 100,000-article database.

In-process: Core.answer() as every adapter calls it, in three states of the caches:
  cached   the same question again, nothing new arrived (the view cache answers);
  fresh    the first ask after new articles arrived elsewhere in the database: every cached view is void (the
           content token moved), so the view is rebuilt from the database, but what the pure layer made of the
           story's unchanged rows (deadline mentions, ledger, key points, developments, brief) is remembered under
           a fingerprint of those rows;
  rebuilt  the first ask after the asked story itself gained an article: nothing of it is remembered, the whole
           answer is computed from the database (as every fresh ask was before the fingerprinted caches).
Baseline in the same run: a bare indexed `SELECT count(*)` round trip on the same database; the ratio columns
divide by it, so they say what our layers add whatever the load of the machine. CPU columns are the asking
thread's CPU time (robust on a shared machine; wall time includes waiting for a core).
Through Telegram (skip with --no-telegram): N concurrent chats type commands through the real
python-telegram-bot stack and the fake Bot API (see bench/telegram_fanout.py). Goal: p99 <= 20 ms in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_large_db, peak_rss_mb, percentile
from telegram_fanout import telegram_command_latency

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.service import VIEWS, clear_caches, ensure_assigned

COMMANDS = ["/status", "/deadline", "/search Regierung", "/status Wien", "/stories"]
GOAL_MS = 20.0
MODES = ("cached", "fresh", "rebuilt")


def forget(store: Store, mode: str) -> None:
    """Put the caches in the state `mode` names (see the module docstring)."""
    if mode == "fresh":
        VIEWS.clear()
    elif mode == "rebuilt":
        clear_caches()
    if mode != "cached":
        store.__dict__.pop("_search_cache", None)


def timed(fn: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU milliseconds of `runs` calls of fn (`before` runs untimed ahead of each)."""
    wall, cpu = [], []
    for _ in range(runs):
        before()
        t0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return wall, cpu


def pcts(values: list[float]) -> tuple[float, float, float]:
    return percentile(values, 50), percentile(values, 95), percentile(values, 99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-telegram", action="store_true", help="skip the run through python-telegram-bot")
    args = parser.parse_args()
    db = build_large_db(args.corpus, args.articles)
    store = Store(db)
    t0 = time.perf_counter()
    placed = ensure_assigned(store, budget_s=math.inf)
    cluster_s = time.perf_counter() - t0
    stories = store.query("SELECT count(*) FROM stories")[0][0]
    core = Core(store, build_config({}), Clock(as_of=dt.date(2020, 12, 31)))
    gc.freeze()  # as the running bot does after start-up
    chat = ChatRef(Platform.CONSOLE, "bench")
    load = os.getloadavg()[0]
    base, base_cpu = timed(lambda: store.query("SELECT count(*) FROM articles WHERE published < '2018-01-01'"),
                           args.runs)
    b50, b95, b99 = pcts(base)
    print(f"{args.articles:,} articles, {stories:,} stories (clustering {placed:,} new articles took {cluster_s:.1f} s);"
          f" {args.runs} asks per row; load average {load:.1f} at the start\n")
    print("| command | caches | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p99 ms | p50 ÷ baseline | p99 ÷ baseline |"
          f" goal p99 ≤ {GOAL_MS:.0f} ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print(f"| baseline: indexed count(*) | | {b50:.2f} | {b95:.2f} | {b99:.2f} | {percentile(base_cpu, 50):.2f} |"
          f" {percentile(base_cpu, 99):.2f} | 1 | 1 | |")
    for command in COMMANDS:
        core.answer(chat, command)  # warm lazy imports
        for mode in MODES:
            wall, cpu = timed(lambda c=command: core.answer(chat, c),  # type: ignore[misc]
                              args.runs, lambda m=mode: forget(store, m))  # type: ignore[misc]
            p50, p95, p99 = pcts(wall)
            goal = ("met" if p99 <= GOAL_MS else "NOT met") if command in ("/status", "/deadline") else ""
            print(f"| `{command}` | {mode} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {percentile(cpu, 50):.2f} |"
                  f" {percentile(cpu, 99):.2f} | {p50 / b50:.0f} | {p99 / b99:.0f} | {goal} |")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end; peak RSS of this process: {peak_rss_mb():.0f} MB")
    if args.no_telegram:
        return 0
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
