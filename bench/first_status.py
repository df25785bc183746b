"""The first `/status` after a big import: wall time and peak RSS of a fresh process asking it.

Usage: python bench/first_status.py CORPUS.jsonl [--articles 100000]

The database comes from corpus.build_large_db (cached). A copy has every story assignment removed, as
after importing N articles into an empty bot; a child process (so its peak RSS is its own) opens it and
asks `/status` once, then again. The child also reports how many articles were still unassigned after the
first answer, and a second child measures how long placing the rest takes when nothing else runs.
Goal: first /status ≤ 10 s and ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def fresh_copy(db: Path, folder: Path) -> Path:
    """The database with no article in a story and no story: what a bulk import leaves behind."""
    target = folder / "import.db"
    shutil.copy(db, target)
    conn = sqlite3.connect(target)
    conn.execute("UPDATE articles SET story_id = NULL")
    conn.execute("DELETE FROM stories")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return target


def child(db: str, mode: str) -> None:
    from corpus import peak_rss_mb

    from newsdigest.clock import Clock
    from newsdigest.config import build_config
    from newsdigest.handlers import Core
    from newsdigest.models import ChatRef
    from newsdigest.store.store import Store

    store = Store(db)
    out: dict[str, float | int | str] = {}
    if mode == "drain":
        from newsdigest.stories.service import ensure_assigned

        t0 = time.perf_counter()
        while store.has_unassigned():
            ensure_assigned(store)
        out["drain_s"] = time.perf_counter() - t0
    else:
        core = Core(store, build_config({}), Clock(as_of=dt.date(2020, 12, 31)))
        chat = ChatRef("console", "bench")
        t0 = time.perf_counter()
        reply = core.answer(chat, "/status")
        out["first_s"] = time.perf_counter() - t0
        out["first_text"] = reply.plain_text()[:400]
        out["unassigned"] = int(store.query("SELECT count(*) FROM articles WHERE story_id IS NULL")[0][0])
        t0 = time.perf_counter()
        core.answer(chat, "/status")
        out["second_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def run_child(db: Path, mode: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, __file__, "--child", str(db), "--mode", mode],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--child")
    parser.add_argument("--mode", default="ask")
    parser.add_argument("--no-drain", action="store_true", help="skip timing the full clustering")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mode)
        return 0
    if not args.corpus:
        parser.error("CORPUS.jsonl is required")
    from corpus import build_large_db

    db = build_large_db(args.corpus, args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        ask = run_child(fresh_copy(db, Path(tmp)), "ask")
        drain = None if args.no_drain else run_child(fresh_copy(db, Path(tmp)), "drain")
    first, rss = float(ask["first_s"]), float(ask["peak_rss_mb"])  # type: ignore[arg-type]
    print(f"{args.articles:,} articles imported, none in a story yet\n")
    print("| measure | value | goal |")
    print("|---|---:|---|")
    print(f"| first /status | {first:.1f} s | ≤ 10 s: {'met' if first <= 10 else 'NOT met'} |")
    print(f"| peak RSS of the asking process | {rss:.0f} MB | ≤ 300 MB: {'met' if rss <= 300 else 'NOT met'} |")
    print(f"| articles still unassigned after the first answer | {ask['unassigned']:,} | |")
    print(f"| second /status | {float(ask['second_s']):.2f} s | |")  # type: ignore[arg-type]
    if drain is not None:
        print(f"| placing every article (repeated passes, nothing else running) | {float(drain['drain_s']):.1f} s, "  # type: ignore[arg-type]
              f"{float(drain['peak_rss_mb']):.0f} MB | |")  # type: ignore[arg-type]
    print(f"\nfirst answer begins: {str(ask['first_text'])[:200]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
