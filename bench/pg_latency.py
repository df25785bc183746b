"""PostgreSQL against SQLite on a 100,000-article database: ingest throughput, clustering, /status and /deadline.

Both stores hold the same articles in the same run (bench/corpus.py's LargeCorpus: the corpus extracted once, so
extraction, the same pure code on both, is out of the store figures):
- bulk ingest, 2,000 articles to a write transaction (an import): the first `--compare` articles into an empty
  database on each; SQLite then goes on to all N;
- `newsdigest migrate-store` copies those N into PostgreSQL (copy and check, timed), so both hold the same N;
- ingest one by one: M more articles on each, a transaction each (as the feed poller stores them);
- clustering: placing every new article into a story (the first story command after an import does it);
- command latency in-process (Core.answer, as every adapter calls it), wall time, in bench/command_latency.py's
  three cache states (cached; fresh: news elsewhere, the story's rows remembered; rebuilt: every cache cleared),
  plus a bare indexed count(*) round trip as baseline.

PostgreSQL is a server started for the run from the machine's binaries (tests/pgserver.py) with a deployment's
durability (fsync, synchronous_commit, full_page_writes on; shared_buffers 128 MB), over TCP on 127.0.0.1.
SQLite runs as the bot runs it (WAL, synchronous=NORMAL). After each import both get their planner statistics
(`settle`). Ratios are PostgreSQL / SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from command_latency import MODES, forget, timed
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
    bulk_per_s: float = 0.0  # the first --compare articles into an empty database
    single_per_s: float = 0.0
    cluster_s: float = 0.0
    stories: int = 0
    latency: dict[str, list[float]] = field(default_factory=dict)  # "baseline", "/status fresh", ...


def bulk(store: Store, corpus: LargeCorpus, numbers: range) -> float:
    """Articles per second for a bulk import of `numbers`."""
    t0 = time.perf_counter()
    fill_store(store, corpus, numbers)
    return len(numbers) / (time.perf_counter() - t0)


def settle(store: Store, target: str) -> None:
    """Planner statistics after a large import, as a running database has them: ANALYZE on SQLite; on PostgreSQL
    VACUUM ANALYZE (what autovacuum does after many inserts; without it the visibility map is empty and the
    planner turns index-only scans down: count(*) went from a seq scan to an index-only scan, 4x faster at 3,000)."""
    if target.startswith("postgresql://"):
        with psycopg.connect(target, autocommit=True) as conn:  # VACUUM runs outside a transaction only
            conn.execute("VACUUM ANALYZE")
    else:
        store.conn.execute("ANALYZE")


def measure(store: Store, target: str, corpus: LargeCorpus, out: Figures, n: int, m: int, runs: int,
            say: Callable[[str], None]) -> None:
    """On a store holding articles 0..n-1: M more one by one, clustering, latency."""
    t0 = time.perf_counter()
    fill_store(store, corpus, range(n, n + m), per_transaction=1)
    out.single_per_s = m / (time.perf_counter() - t0)
    say(f"one by one {m:,}: {out.single_per_s:,.0f} articles/s")
    settle(store, target)
    t0 = time.perf_counter()
    ensure_assigned(store, budget_s=math.inf)
    out.cluster_s = time.perf_counter() - t0
    out.stories = int(store.query("SELECT count(*) FROM stories")[0][0])
    say(f"clustering: {out.cluster_s:.1f} s, {out.stories:,} stories")
    settle(store, target)
    core = Core(store, build_config({}), Clock(as_of=dt.date(2020, 12, 31)))
    chat = ChatRef(Platform.CONSOLE, "bench")
    out.latency["baseline"] = timed(lambda: store.query(BASELINE), runs)[0]
    for command in COMMANDS:
        core.answer(chat, command)  # warm lazy imports and the cache
        for mode in MODES:
            out.latency[f"{command} {mode}"] = timed(lambda c=command: core.answer(chat, c),  # type: ignore[misc]
                                                     runs, lambda m=mode: forget(store, m))[0]  # type: ignore[misc]
    say("latency measured")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="JSONL corpus with a `text` field per line")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--compare", type=int, default=10_000, help="articles bulk-ingested on both")
    parser.add_argument("--one-by-one", type=int, default=1_000, help="articles stored one transaction each")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    corpus = LargeCorpus(args.corpus)

    def say(text: str) -> None:
        print(f"  [{time.perf_counter() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    lite_fig, pg_fig = Figures(), Figures()
    n, k, m = args.articles, min(args.compare, args.articles), args.one_by_one
    server = PgServer.launch(settings=DURABLE)
    try:
        say(f"PostgreSQL {server.admin('SHOW server_version')[0][0]}: bulk ingest of {k:,} into an empty database")
        store = Store(server.url_for(server.create_database()))
        try:
            pg_fig.bulk_per_s = bulk(store, corpus, range(k))
        finally:
            store.close()
        say(f"PostgreSQL bulk: {pg_fig.bulk_per_s:,.0f} articles/s")
        with tempfile.TemporaryDirectory(prefix="pg-latency-") as tmp:
            lite = Path(tmp) / "bench.db"
            store = Store(lite)
            try:
                lite_fig.bulk_per_s = bulk(store, corpus, range(k))
                say(f"SQLite bulk: {lite_fig.bulk_per_s:,.0f} articles/s; filling up to {n:,}")
                lite_all = (n - k) and bulk(store, corpus, range(k, n))
            finally:
                store.close()
            target = server.url_for(server.create_database())
            t0 = time.perf_counter()
            copied = migrate_store(lite, target)
            migrate_s = time.perf_counter() - t0
            rows = sum(t.target_rows for t in copied.tables)
            say(f"migrate-store: {rows:,} rows in {migrate_s:.0f} s, check {'ok' if copied.ok else 'FAILED'}")
            for label, path, fig in (("SQLite", str(lite), lite_fig), ("PostgreSQL", target, pg_fig)):
                say(label)
                store = Store(path)
                try:
                    measure(store, path, corpus, fig, n, m, args.runs, say)
                finally:
                    store.close()
    finally:
        server.close()
    results = {"SQLite": lite_fig, "PostgreSQL": pg_fig}
    report(results, args)
    if n > k:
        print(f"\nSQLite went on to {n:,} articles at {lite_all:,.0f} articles/s (bulk, articles {k:,}–{n:,}).")
    print(f"\n`newsdigest migrate-store` of the SQLite database: {rows:,} rows in {len(copied.tables)} tables in "
          f"{migrate_s:.0f} s ({rows / migrate_s:,.0f} rows/s), counts and checksums "
          f"{'match' if copied.ok else 'DO NOT match'}")
    return 0


def report(results: dict[str, Figures], args: argparse.Namespace) -> None:
    lite, pg = results["SQLite"], results["PostgreSQL"]
    print(f"{args.articles:,} articles ({lite.stories:,} stories on SQLite, {pg.stories:,} on PostgreSQL); "
          f"latency over {args.runs} asks each\n")
    print("| measure | SQLite | PostgreSQL | PostgreSQL / SQLite |")
    print("|---|---:|---:|---:|")
    rows = [
        (f"bulk ingest into an empty database, articles/s ({args.compare:,}, 2,000 per transaction)", lite.bulk_per_s,
         pg.bulk_per_s, "{:,.0f}"),
        (f"ingest one by one into the full database, articles/s ({args.one_by_one:,}, a transaction each)",
         lite.single_per_s,
         pg.single_per_s, "{:,.0f}"),
        (f"clustering {args.articles + args.one_by_one:,} new articles, s", lite.cluster_s, pg.cluster_s, "{:.1f}"),
    ]
    for key in lite.latency:
        for p in (50, 99):
            label = "indexed count(*)" if key == "baseline" else f"`{key.split()[0]}` {key.split()[1]}"
            rows.append((f"{label} p{p} ms", percentile(lite.latency[key], p), percentile(pg.latency[key], p), "{:.2f}"))
    for label, a, b, fmt in rows:
        print(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {b / a:.2f}× |")


if __name__ == "__main__":
    raise SystemExit(main())
