"""Command latency with the optional brief layer: off, against a dead endpoint, a hung one and a healthy one.

Asks `/status` for many stories of a database built from the corpus (each story a new brief: the worst case).
Baseline in the same run: the layer off. Goal (issue 18): under a dead endpoint the p99 stays within 50 ms of
the p99 without the layer. "hung" accepts and never answers: each of the first asks waits `timeout_seconds`
until the circuit breaker opens, which this bench shows as its own row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import build_large_db, percentile

from newsdigest.clock import Clock
from newsdigest.config import SummarizeConfig, build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef
from newsdigest.store.store import Store
from newsdigest.stories.service import VIEWS, ensure_assigned, stories_list
from newsdigest.summarize.client import ChatClient
from newsdigest.summarize.service import BriefService
from tests.fakes.chat_api import ChatAPI, Response, completion

AS_OF = dt.date(2020, 12, 31)


def service(base_url: str, clock: Clock, timeout: float) -> BriefService:
    cfg = SummarizeConfig(enabled=True, base_url=base_url, model="fake-model", timeout_seconds=timeout)
    return BriefService(cfg, ChatClient(cfg), clock)


def run(core: Core, slugs: list[str]) -> list[float]:
    chat = ChatRef("console", "bench")
    out = []
    for slug in slugs:
        VIEWS.clear()  # fresh views: the same work as the first ask after new articles
        t0 = time.perf_counter()
        core.answer(chat, f"/status {slug}")
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--asks", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=2.0, help="[summarize] timeout_seconds")
    args = parser.parse_args()
    store = Store(build_large_db(args.corpus, args.articles))
    ensure_assigned(store)
    clock = Clock(as_of=AS_OF)
    slugs = [s.slug for s, _, _ in stories_list(store, until=AS_OF, limit=args.asks)]
    slugs = (slugs * (args.asks // max(1, len(slugs)) + 1))[: args.asks]
    config = build_config({})
    run(Core(store, config, clock), slugs)  # warm-up: lazy imports, SQLite page cache, search caches
    rows: list[tuple[str, list[float], str]] = []
    rows.append(("layer off (baseline)", run(Core(store, config, clock), slugs), ""))
    with ChatAPI() as gone:
        dead_url = gone.base_url
    dead = service(dead_url, clock, args.timeout)
    rows.append(("dead endpoint (connection refused)", run(Core(store, config, clock, briefs=dead), slugs), ""))
    never = threading.Event()
    with ChatAPI() as hung_api:
        hung_api.responder = lambda _req: Response(body=b"{}", hold=never)
        hung = service(hung_api.base_url, clock, args.timeout)
        rows.append(("hung endpoint (never answers)", run(Core(store, config, clock, briefs=hung), slugs),
                     "breaker opens after 3 waits"))
        never.set()
    with ChatAPI() as ok_api:
        ok_api.responder = lambda _req: completion("Nothing here cites a fact.")
        ok = service(ok_api.base_url, clock, args.timeout)
        rows.append(("healthy loopback endpoint (answer rejected)", run(Core(store, config, clock, briefs=ok), slugs),
                     f"{ok_api.calls} model calls"))
    base99 = percentile(rows[0][1], 99)
    print(f"{args.articles:,} articles, `/status` for {len(slugs)} stories, fresh views, "
          f"timeout_seconds = {args.timeout:g}\n")
    print("| brief layer | p50 ms | p99 ms | p99 − baseline ms | goal (dead: ≤ +50 ms) | note |")
    print("|---|---:|---:|---:|---|---|")
    for name, times, note in rows:
        p99 = percentile(times, 99)
        goal = ("met" if p99 - base99 <= 50 else "NOT met") if name.startswith("dead") else ""
        print(f"| {name} | {percentile(times, 50):.2f} | {p99:.2f} | {p99 - base99:+.2f} | {goal} | {note} |")
    for s in (dead, hung, ok):
        s.close()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
