"""Ingest throughput, SQLite against PostgreSQL: the store's write path, the same articles on both in one run.

Usage: python bench/ingest_backends.py CORPUS [--articles 3000] [--batch 2000] [--one-by-one 300]

The corpus is extracted once (bench/corpus.py's LargeCorpus), so the figures are the store's: dedupe lookups,
inserts of the article, its source and its extraction rows, commits. Modes, each into an empty database
(bench/corpus.py's fill_store):
  bulk        --batch articles to a write transaction (an import)
  one by one  a transaction each (as the feed poller stores what it fetched)
  ingest files  `newsdigest ingest FOLDER` of --files text files: reading, dedupe reads, extraction (the same
              CPU on both) and the writes
PostgreSQL is a server started for the run (tests/pgserver.py) with a deployment's durability (fsync,
synchronous_commit, full_page_writes on), over TCP on 127.0.0.1; SQLite runs as the bot runs it (WAL,
synchronous=NORMAL). Round trips: statements sent to PostgreSQL per article (a pipelined executemany or a COPY counts
as one). Ratios are PostgreSQL / SQLite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import LargeCorpus, fill_store

from newsdigest.ingest.pipeline import ingest_local
from newsdigest.store import backend
from newsdigest.store.store import Store
from tests.pgserver import PgServer

DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "128MB"}


@contextmanager
def counted() -> Iterator[list[int]]:
    """Counts the round trips PgConnection makes (each statement, script or executemany) while the block runs."""
    calls = [0]
    run, many = backend.PgConnection._run, backend.PgConnection.executemany
    copy = getattr(backend.PostgresBackend, "_copy", None)

    def counting_run(self: backend.PgConnection, query: str, params: Any) -> Any:
        calls[0] += 1
        return run(self, query, params)

    def counting_many(self: backend.PgConnection, sql: str, parameters: Any, /) -> Any:
        rows = list(parameters)
        if len(rows) > 1:  # one row goes through execute (counted there)
            calls[0] += 1
        return many(self, sql, rows)

    def counting_copy(self: backend.PostgresBackend, *args: Any) -> Any:
        calls[0] += 1
        return copy(self, *args)  # type: ignore[misc]

    if copy is not None:
        backend.PostgresBackend._copy = counting_copy  # type: ignore[method-assign,assignment]
    backend.PgConnection._run = counting_run  # type: ignore[method-assign]
    backend.PgConnection.executemany = counting_many  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        backend.PgConnection._run = run  # type: ignore[method-assign]
        backend.PgConnection.executemany = many  # type: ignore[method-assign]
        if copy is not None:
            backend.PostgresBackend._copy = copy  # type: ignore[method-assign]


def import_files(store: Store, corpus: LargeCorpus, numbers: range, batch: int) -> None:
    """`newsdigest ingest FOLDER` (pipeline.ingest_local) of the articles as text files: extraction included."""
    with tempfile.TemporaryDirectory(prefix="ingest-files-") as folder:
        for i in numbers:
            inp, _ = corpus.article(i)
            (Path(folder) / f"{i:06d}.txt").write_text(f"{inp.title}\n\n{inp.text}\n", encoding="utf-8")
        report = ingest_local(store, [Path(folder)])
        assert report.created == len(numbers), report.summary()


MODES: dict[str, Callable[[Store, LargeCorpus, range, int], None]] = {
    "bulk": lambda s, c, r, b: fill_store(s, c, r, per_transaction=b),
    "one by one": lambda s, c, r, b: fill_store(s, c, r, per_transaction=1),
    "ingest files": import_files,
}


def run_mode(target: str, corpus: LargeCorpus, mode: str, n: int, batch: int) -> tuple[float, float]:
    """Articles/s and round trips per article for `mode` into the empty database at `target`."""
    store = Store(target)
    try:
        with counted() as calls:
            t0 = time.perf_counter()
            MODES[mode](store, corpus, range(n), batch)
            elapsed = time.perf_counter() - t0
        stored = int(store.query("SELECT count(*) FROM articles")[0][0])
        assert stored == n, f"{mode}: {stored} of {n} articles stored"
    finally:
        store.close()
    return n / elapsed, calls[0] / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="JSONL corpus with a `text` field per line")
    parser.add_argument("--articles", type=int, default=3000, help="articles per bulk run")
    parser.add_argument("--batch", type=int, default=2000, help="articles per write transaction in bulk runs")
    parser.add_argument("--one-by-one", type=int, default=300, help="articles in the one-transaction-each run")
    parser.add_argument("--files", type=int, default=300, help="text files in the `ingest files` run")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of: " + ", ".join(MODES))
    args = parser.parse_args()
    corpus = LargeCorpus(args.corpus)
    server = PgServer.launch(settings=DURABLE)
    rows: list[tuple[str, float, float, float]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="ingest-backends-") as tmp:
            for mode in args.modes.split(","):
                n = {"one by one": args.one_by_one, "ingest files": args.files}.get(mode, args.articles)
                lite, _ = run_mode(str(Path(tmp) / f"{len(rows)}.db"), corpus, mode, n, args.batch)
                pg, trips = run_mode(server.url_for(server.create_database()), corpus, mode, n, args.batch)
                rows.append((f"{mode} ({n:,})", lite, pg, trips))
                print(f"  {mode}: SQLite {lite:,.0f}/s, PostgreSQL {pg:,.0f}/s", file=sys.stderr, flush=True)
    finally:
        server.stop()
    print(f"{'mode (articles)':<24}{'SQLite/s':>10}{'PG/s':>10}{'PG/SQLite':>11}{'PG trips/article':>18}")
    for label, lite, pg, trips in rows:
        print(f"{label:<24}{lite:>10,.0f}{pg:>10,.0f}{pg / lite:>10.2f}×{trips:>18.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
