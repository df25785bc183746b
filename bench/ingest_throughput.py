"""Ingestion throughput: feeds/s and articles/s through fetch -> parse -> dedupe -> extract -> store.

Usage: python bench/ingest_throughput.py [CORPUS.jsonl] [--feeds 200] [--items 50] [--concurrency 8]

A loopback feed server (in its own process, so it does not share our GIL) serves FEEDS RSS 2.0 feeds of
ITEMS full-text entries each, with ETags. Article texts pair two corpus texts so every entry is distinct
(without a corpus, synthetic German-like text). Stages, each with its figures:
  baseline fetch   plain httpx GETs, no guard, no cap (the cost floor of HTTP on loopback)
  guarded fetch    fetch.py: SSRF guard, raw-byte cap, bounded decompression, total deadline
  parse            feedparser + HTML-to-text over the fetched bodies (one thread)
  store only       pipeline.ingest_article of the same entries (extract + store, no network; timed on a
                   sample of --baseline-items and extrapolated)
  full poll        poll_once into an empty database (fetch, parse, SimHash, extract, store)
  re-poll (304)    the same feeds again: conditional GET, nothing parsed or stored
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from newsdigest.config import build_config
from newsdigest.ingest.feeds import parse_feed
from newsdigest.ingest.fetch import Fetcher
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.ingest.poller import poll_once
from newsdigest.store.store import Store

WORDS = ["Regierung", "Frist", "Verhandlung", "Unternehmen", "Bericht", "Gericht", "Entscheidung", "Kommission", "Behörde", "Vertrag", "Antrag", "Minister", "Parlament", "Gesetz", "Verfahren", "Markt", "Preis", "Bank", "Stadt", "Land", "Bürger", "Schule", "Klima", "Energie", "Bahn"]


def corpus_texts(path: str | None, need: int) -> list[str]:
    texts: list[str] = []
    if path and Path(path).is_file():
        with open(path, encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
    if not texts:  # synthetic fallback: random sentences over a small vocabulary
        rng = random.Random(7)
        texts = [" ".join(" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(20)) for _ in range(500)]
    n = len(texts)
    # Pair two texts so every article differs (shared halves stay under the copy threshold).
    return [texts[k % n] + "\n\n" + texts[(k // n + 7 * k + 1) % n] for k in range(need)]


def build_feeds(texts: list[str], feeds: int, items: int) -> dict[str, bytes]:
    from xml.sax.saxutils import escape

    docs = {}
    for f in range(feeds):
        entries = []
        for i in range(items):
            k = f * items + i
            text = texts[k]
            title = text.split(".")[0][:90]
            body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
            entries.append(
                f"<item><title>{escape(title)}</title><link>https://bench{f}.example/a/{k}</link><guid>b-{k}</guid>"
                f"<pubDate>Mon, 14 Sep 2020 10:00:00 GMT</pubDate><description>{escape(text[:200])}</description>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
            )
        docs[f"/feed{f}.xml"] = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/"
            f"content/'><channel><title>Bench {f}</title><link>https://bench{f}.example/</link><language>de</language>"
            + "".join(entries) + "</channel></rss>"
        ).encode()
    return docs


def serve(docs: dict[str, bytes], port_q: Any) -> None:
    from tests.fakes.feed_server import FeedServer

    with FeedServer() as srv:
        for path, body in docs.items():
            srv.route(path, body, etag=f'"{hash(body) & 0xFFFFFF:x}"')
        port_q.put(srv.port)
        while True:
            time.sleep(3600)


async def baseline_fetch(urls: list[str], concurrency: int) -> int:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(trust_env=False) as client:
        async def one(url: str) -> int:
            async with sem:
                return len((await client.get(url)).content)

        return sum(await asyncio.gather(*(one(u) for u in urls)))


async def guarded_fetch(urls: list[str], cfg: Any) -> list[bytes]:
    sem = asyncio.Semaphore(cfg.concurrency)
    async with Fetcher(cfg) as fetcher:
        async def one(url: str) -> bytes:
            async with sem:
                return (await fetcher.fetch(url)).content

        return list(await asyncio.gather(*(one(u) for u in urls)))


def timed(fn: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", help="JSONL with a 'text' field (e.g. 10kgnad_test_de.jsonl)")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--baseline-items", type=int, default=1000, help="entries timed for 'store only' (extrapolated)")
    args = ap.parse_args()

    texts = corpus_texts(args.corpus, args.feeds * args.items)
    docs = build_feeds(texts, args.feeds, args.items)
    total_bytes = sum(len(d) for d in docs.values())
    port_q: Any = mp.get_context("spawn").Queue()
    server = mp.get_context("spawn").Process(target=serve, args=(docs, port_q), daemon=True)
    server.start()
    try:
        port = port_q.get(timeout=60)
        urls = [f"http://127.0.0.1:{port}{path}" for path in docs]
        base = build_config({})
        cfg = dataclasses.replace(base, ingest=dataclasses.replace(
            base.ingest, allow_hosts=("127.0.0.1:*",), concurrency=args.concurrency, max_bytes=20_000_000,
            timeout_seconds=60, fetch_pages=False))
        rows = run_stages(cfg, urls, total_bytes, args.baseline_items)
    finally:
        server.terminate()
    n_feeds, n_items = len(docs), args.feeds * args.items
    print(f"\nIngestion throughput: {n_feeds} loopback feeds × {args.items} items, {total_bytes / 1e6:.1f} MB of feeds, "
          f"concurrency {args.concurrency}, corpus {'synthetic' if not args.corpus else Path(args.corpus).name}\n")
    print(f"{'stage':<16} {'seconds':>8} {'feeds/s':>9} {'articles/s':>11} {'MB/s':>7} {'vs baseline':>12}")
    floor = rows[0][1]
    for name, secs, articles in rows:
        ratio = f"{secs / floor:.2f}x" if name.endswith("fetch") else ""
        per = f"{articles / secs:,.0f}" if articles else ""
        print(f"{name:<16} {secs:8.2f} {n_feeds / secs:9.1f} {per:>11} {total_bytes / 1e6 / secs:7.1f} {ratio:>12}")
    print(f"\n{n_items} entries; ratios: time against the plain-httpx baseline fetch of the same feeds.")


def run_stages(
    cfg: Any, urls: list[str], total_bytes: int, baseline_items: int
) -> list[tuple[str, float, int]]:
    rows: list[tuple[str, float, int]] = []
    _, secs = timed(lambda: asyncio.run(baseline_fetch(urls, cfg.ingest.concurrency)))
    rows.append(("baseline fetch", secs, 0))
    bodies, secs = timed(lambda: asyncio.run(guarded_fetch(urls, cfg.ingest)))
    assert sum(len(b) for b in bodies) == total_bytes
    rows.append(("guarded fetch", secs, 0))
    parsed, secs = timed(lambda: [parse_feed(b) for b in bodies])
    entries = [e.article for p in parsed for e in p.entries]
    rows.append(("parse", secs, len(entries)))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "pipeline.db")
        sample = entries[:baseline_items]  # extraction dominates; a sample gives the rate
        _, secs = timed(lambda: [ingest_article(store, e) for e in sample])
        rows.append(("store only", secs * len(entries) / len(sample), len(entries)))
        store.close()
        store = Store(Path(tmp) / "poll.db")
        for url in urls:
            store.add_feed(url)
        report, secs = timed(lambda: asyncio.run(poll_once(store, cfg)))
        rows.append(("full poll", secs, report.created))
        assert not report.failed, report.failed[:3]
        report, secs = timed(lambda: asyncio.run(poll_once(store, cfg)))
        assert report.created == 0
        rows.append(("re-poll (304)", secs, 0))
        store.close()
    return rows


if __name__ == "__main__":
    main()
