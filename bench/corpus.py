"""Shared benchmark helpers: read a JSONL corpus, build (and cache) a large database from it, percentiles, RSS."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.extract import extract
from newsdigest.extract.types import Extraction
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput
from newsdigest.store.store import ArticleWrite, Store

CACHE = Path(__file__).resolve().parent / ".cache"


def read_corpus(path: str | Path, limit: int | None = None) -> list[dict[str, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LargeCorpus:
    """The corpus's articles, extracted once, handed out as article number i of a large database: the text with
    its number (a distinct content hash), a date spread over five years, one of 40 outlets."""

    BASE = dt.date(2016, 1, 1)

    def __init__(self, corpus: str | Path) -> None:
        self.rows = read_corpus(corpus)
        self.extractions = [extract(r["text"], published=self.BASE, lang="de") for r in self.rows]

    def article(self, i: int) -> tuple[ArticleInput, Extraction]:
        row, ex = self.rows[i % len(self.rows)], self.extractions[i % len(self.rows)]
        day = self.BASE + dt.timedelta(days=(i * 37) % 1800)
        text = f"{row['text']}\n\n(Meldung {i})"
        inp = ArticleInput(text=text, title=f"{row.get('label', 'News')} {i}: {row['text'][:60]}",
                           published=day, lang="de", source=f"outlet{i % 40}.example",
                           url=f"https://outlet{i % 40}.example/a/{i}")
        return inp, dataclasses.replace(ex, published=day.isoformat())


def fill_store(store: Store, corpus: LargeCorpus, numbers: range, *, per_transaction: int = 2000) -> None:
    """Add articles `numbers` of the large corpus, `per_transaction` to a write transaction (`Store.add_articles`)."""
    for start in range(numbers.start, numbers.stop, per_transaction):
        writes = []
        for i in range(start, min(numbers.stop, start + per_transaction)):
            inp, ex = corpus.article(i)
            writes.append(ArticleWrite(inp, ex, content_hash=content_hash(inp.text), canonical_url=inp.url))
        store.add_articles(writes)


def build_large_db(corpus: str | Path, n: int = 100_000, path: Path | None = None, *, force: bool = False) -> Path:
    """A database of n articles made from the corpus with varied dates and sources (cached by n)."""
    path = path or CACHE / f"large-{n}.db"
    if path.exists() and not force:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    store = Store(path)
    fill_store(store, LargeCorpus(corpus), range(n))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("ANALYZE")
    store.close()
    print(f"built {path} with {n} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path
