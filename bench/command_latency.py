"""Command latency (p50/p95/p99) of status, deadline and search on a 100,000-article database.

In-process: Core.answer() as every adapter calls it, in four states of the caches:
  cached   the same question again, nothing new arrived (the view cache answers);
  fresh    the first ask after new articles arrived elsewhere in the database: every cached view is void (the
           content token moved), so the view is rebuilt from the database, but what the pure layer made of the
           story's unchanged rows (deadline mentions, ledger, key points, developments, brief) is remembered under
           a fingerprint of those rows;
  rebuilt  (/status and /deadline) the first ask after a news article landed in the asked story itself, before
           the poller's warm-up: before each ask an article is added to the story (the text of one of its 20
           newest articles with a line appended, published on its newest day, extracted like any article) and,
           after it, removed again (untimed, with one untimed ask), so every ask finds the story at its real size
           plus one article. The story's rows are extended by the new article's rows (StoryRows.extended); the
           ledger, developments and brief are computed again;
  cold     nothing remembered at all (the first ask of a process): everything from the database.
These runs write articles, so they use a scratch copy of the cached database, removed at the end.
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
import functools
import gc
import math
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_large_db, peak_rss_mb, percentile
from telegram_fanout import telegram_command_latency

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.extract import extract
from newsdigest.extract.types import Extraction
from newsdigest.handlers import Core
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.store.stories_repo import StoryWrite
from newsdigest.stories.service import OUTLETS, VIEWS, clear_caches, ensure_assigned, most_active_story

COMMANDS = ["/status", "/deadline", "/search Regierung", "/status Wien", "/stories"]
STORY_COMMANDS = ("/status", "/deadline")  # the goal's commands: they ask the most active story, which gets news
GOAL_MS = 20.0
MODES = ("cached", "fresh", "cold")  # the states that need no news (bench/pg_latency.py measures these)
STATES = (*MODES, "rebuilt")
NEWS_SOURCES = 20  # the story's newest articles whose texts are the news articles of the rebuilt state
AS_OF = dt.date(2020, 12, 31)


class News:
    """Articles that land in a story: one added before an ask, removed after it (see the module docstring)."""

    def __init__(self, store: Store, story_id: int) -> None:
        self.store, self.story_id, self.count = store, story_id, 0
        self.added: int | None = None
        ids = [int(r[0]) for r in store.query("SELECT id FROM articles WHERE story_id = ? AND published < ?"
                                               " ORDER BY published DESC, id DESC LIMIT ?",
                                               (story_id, "2021-01-01", NEWS_SOURCES))]
        arts, texts = store.articles_by_id(ids), store.article_texts(ids)
        self.day = max(a.published for a in arts.values() if a.published)
        self.sources: list[tuple[str, str, str, Extraction]] = [
            (arts[i].title, texts[i], arts[i].lang, extract(texts[i], published=self.day, lang=arts[i].lang))
            for i in ids
        ]

    def land(self) -> None:
        """Add the next news article to the story (as ingestion and clustering would)."""
        title, text, lang, ex = self.sources[self.count % len(self.sources)]
        self.count += 1
        body = f"{text}\n\n(Nachtrag {self.count})"
        inp = ArticleInput(text=body, title=f"{title} ({self.count})", published=self.day, lang=lang,
                           source="news.example", url=f"https://news.example/{self.count}")
        added = self.store.add_article(inp, ex, content_hash=content_hash(body), canonical_url=inp.url).article_id
        s = self.store.story(self.story_id)
        assert s is not None
        self.store.save_stories([StoryWrite(s.id, s.slug, s.name, list(s.aliases), s.terms, s.first_published,
                                            s.last_published, [added])])
        self.added = added

    def retract(self) -> None:
        if self.added is not None:
            with self.store.write() as conn:
                conn.execute("DELETE FROM articles WHERE id = ?", (self.added,))
            OUTLETS.forget(self.store, [self.added])  # SQLite gives the next article the same ids
            self.added = None


def forget(store: Store, mode: str, ask: Callable[[], object] | None = None, news: News | None = None) -> None:
    """Put the caches in the state `mode` names (see the module docstring); "rebuilt" needs the ask and the news."""
    if mode == "fresh":
        VIEWS.clear()
    elif mode == "cold":
        clear_caches()
    elif mode == "rebuilt":
        assert ask is not None and news is not None
        news.retract()
        ask()  # the story as it was: its rows remembered
        news.land()
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
    parser.add_argument("--commands", nargs="+", default=COMMANDS, metavar="CMD",
                        help='the commands to time (default: all of them); e.g. --commands /status /deadline')
    args = parser.parse_args()
    cached_db = build_large_db(args.corpus, args.articles)
    db = cached_db.with_name(f"scratch-{args.articles}.db")  # the rebuilt state writes: never into the cache
    for suffix in ("", "-wal"):
        if Path(f"{cached_db}{suffix}").exists():
            shutil.copyfile(f"{cached_db}{suffix}", f"{db}{suffix}")
    try:
        return run(args, db)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def run(args: argparse.Namespace, db: Path) -> int:
    store = Store(db)
    t0 = time.perf_counter()
    placed = ensure_assigned(store, budget_s=math.inf)
    cluster_s = time.perf_counter() - t0
    stories = store.query("SELECT count(*) FROM stories")[0][0]
    core = Core(store, build_config({}), Clock(as_of=AS_OF))
    story_id = most_active_story(store, until=AS_OF)
    assert story_id is not None
    news = News(store, story_id)
    gc.freeze()  # as the running bot does after start-up
    chat = ChatRef(Platform.CONSOLE, "bench")
    load = os.getloadavg()[0]
    base, base_cpu = timed(lambda: store.query("SELECT count(*) FROM articles WHERE published < '2018-01-01'"),
                           args.runs)
    b50, b95, b99 = pcts(base)
    print(f"{args.articles:,} articles, {stories:,} stories (clustering {placed:,} new articles took {cluster_s:.1f} s);"
          f" {args.runs} asks per row; the story asked has {store.story_article_count(story_id, until=AS_OF):,}"
          f" articles; load average {load:.1f} at the start\n")
    print("| command | caches | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p99 ms | p50 ÷ baseline | p99 ÷ baseline |"
          f" goal p99 ≤ {GOAL_MS:.0f} ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print(f"| baseline: indexed count(*) | | {b50:.2f} | {b95:.2f} | {b99:.2f} | {percentile(base_cpu, 50):.2f} |"
          f" {percentile(base_cpu, 99):.2f} | 1 | 1 | |")
    for command in args.commands:
        core.answer(chat, command)  # warm lazy imports
        for mode in STATES:
            if mode == "rebuilt" and command not in STORY_COMMANDS:
                continue
            ask = functools.partial(core.answer, chat, command)
            wall, cpu = timed(ask, args.runs, functools.partial(forget, store, mode, ask, news))
            news.retract()
            p50, p95, p99 = pcts(wall)
            goal = ("met" if p99 <= GOAL_MS else "NOT met") if command in STORY_COMMANDS and mode != "cold" else ""
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
