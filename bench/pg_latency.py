"""PostgreSQL against SQLite on a 100,000-article database: ingest throughput, clustering, /status and /deadline.

Both stores get the same articles in the same run (bench/corpus.py's LargeCorpus: the corpus extracted once, so
extraction, the same pure code on both, is out of the store figures):
- bulk ingest: all N articles, 2,000 to a write transaction (an import);
- ingest one by one: M more articles, each its own transaction (as the feed poller stores them);
- clustering: placing every new article into a story (the first story command after the import does it);
- `newsdigest migrate-store` of the SQLite database into PostgreSQL (copy and check);
- command latency in-process (Core.answer, as every adapter calls it), cached and *fresh* (caches cleared before
  every ask, so the answer is rebuilt from the database), plus a bare indexed count(*) round trip as baseline.

PostgreSQL is a server started for the run from the machine's binaries (tests/pgserver.py) with a deployment's
durability (fsync, synchronous_commit, full_page_writes on; shared_buffers 128 MB), over TCP on 127.0.0.1.
SQLite runs as the bot runs it (WAL, synchronous=NORMAL). Ratios are PostgreSQL / SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from command_latency import clear_caches, timed
from corpus import LargeCorpus, fill_store, percentile

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.store.transfer import migrate_store
from newsdigest.stories.service import ensure_assigned
from tests.pgserver import PgServer

DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "128MB"}
COMMANDS = ("/status", "/deadline")
BASELINE = "SELECT count(*) FROM articles WHERE published < '2018-01-01'"


@dataclass
class Figures:
    bulk_per_s: float = 0.0
    single_per_s: float = 0.0
    cluster_s: float = 0.0
    stories: int = 0
    latency: dict[str, list[float]] | None = None  # "baseline", "/status fresh", "/status cached", ...


def measure(store: Store, corpus: LargeCorpus, n: int, m: int, runs: int, say: Callable[[str], None]) -> Figures:
    out = Figures()
    t0 = time.perf_counter()
    fill_store(store, corpus, range(n))
    out.bulk_per_s = n / (time.perf_counter() - t0)
    say(f"bulk ingest {n:,}: {out.bulk_per_s:,.0f} articles/s")
    t0 = time.perf_counter()
    fill_store(store, corpus, range(n, n + m), per_transaction=1)
    out.single_per_s = m / (time.perf_counter() - t0)
    say(f"one by one {m:,}: {out.single_per_s:,.0f} articles/s")
    store.conn.execute("ANALYZE")  # fresh planner statistics, as after any large import
    t0 = time.perf_counter()
    ensure_assigned(store, budget_s=math.inf)
    out.cluster_s = time.perf_counter() - t0
    out.stories = int(store.query("SELECT count(*) FROM stories")[0][0])
    say(f"clustering: {out.cluster_s:.1f} s, {out.stories:,} stories")
    store.conn.execute("ANALYZE")
    core = Core(store, build_config({}), Clock(as_of=dt.date(2020, 12, 31)))
    chat = ChatRef(Platform.CONSOLE, "bench")
    lat = {"baseline": timed(lambda: store.query(BASELINE), runs)}
    for command in COMMANDS:
        core.answer(chat, command)  # warm lazy imports and the cache
        lat[f"{command} cached"] = timed(lambda c=command: core.answer(chat, c), runs)  # type: ignore[misc]
        lat[f"{command} fresh"] = timed(lambda c=command: (clear_caches(store), core.answer(chat, c)), runs)  # type: ignore[misc]
    out.latency = lat
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="JSONL corpus with a `text` field per line")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--one-by-one", type=int, default=1_000, help="articles stored one transaction each")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    corpus = LargeCorpus(args.corpus)

    def say(text: str) -> None:
        print(f"  [{time.perf_counter() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    results: dict[str, Figures] = {}
    server = PgServer.launch(settings=DURABLE)
    try:
        with tempfile.TemporaryDirectory(prefix="pg-latency-") as tmp:
            say("SQLite")
            lite = Path(tmp) / "bench.db"
            store = Store(lite)
            try:
                results["SQLite"] = measure(store, corpus, args.articles, args.one_by_one, args.runs, say)
            finally:
                store.close()
            say("migrate-store of that database")
            t0 = time.perf_counter()
            copied = migrate_store(lite, server.url_for(server.create_database()))
            migrate_s = time.perf_counter() - t0
            rows = sum(t.target_rows for t in copied.tables)
            say(f"migrate-store: {rows:,} rows in {migrate_s:.0f} s, check {'ok' if copied.ok else 'FAILED'}")
        say(f"PostgreSQL ({server.admin('SHOW server_version')[0][0]})")
        store = Store(server.url_for(server.create_database()))
        try:
            results["PostgreSQL"] = measure(store, corpus, args.articles, args.one_by_one, args.runs, say)
        finally:
            store.close()
    finally:
        server.close()
    report(results, args)
    print(f"\n`newsdigest migrate-store` of the SQLite database: {rows:,} rows in {len(copied.tables)} tables in "
          f"{migrate_s:.0f} s ({rows / migrate_s:,.0f} rows/s), counts and checksums "
          f"{'match' if copied.ok else 'DO NOT match'}")
    print(f"\n*({time.perf_counter() - started:.0f} s)*")
    return 0


def report(results: dict[str, Figures], args: argparse.Namespace) -> None:
    lite, pg = results["SQLite"], results["PostgreSQL"]
    print(f"{args.articles:,} articles ({lite.stories:,} stories on SQLite, {pg.stories:,} on PostgreSQL); "
          f"latency over {args.runs} asks each\n")
    print("| measure | SQLite | PostgreSQL | PostgreSQL / SQLite |")
    print("|---|---:|---:|---:|")
    rows = [
        ("bulk ingest, articles/s (2,000 per transaction)", lite.bulk_per_s, pg.bulk_per_s, "{:,.0f}"),
        (f"ingest one by one, articles/s ({args.one_by_one:,}, a transaction each)", lite.single_per_s,
         pg.single_per_s, "{:,.0f}"),
        (f"clustering {args.articles + args.one_by_one:,} new articles, s", lite.cluster_s, pg.cluster_s, "{:.1f}"),
    ]
    assert lite.latency is not None and pg.latency is not None
    for key in lite.latency:
        for p in (50, 99):
            label = "indexed count(*)" if key == "baseline" else f"`{key.split()[0]}` {key.split()[1]}"
            rows.append((f"{label} p{p} ms", percentile(lite.latency[key], p), percentile(pg.latency[key], p), "{:.2f}"))
    for label, a, b, fmt in rows:
        print(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {b / a:.2f}× |")


if __name__ == "__main__":
    raise SystemExit(main())
