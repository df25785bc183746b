"""kill -9 during ingestion, many rounds: what was acknowledged is there, nothing twice, the file is intact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from newsdigest.store.store import Store

ROUNDS = 20
ARTICLES = 300


def _write_articles(folder: Path) -> None:
    folder.mkdir()
    rng = random.Random(7)
    words = ["Rat", "Stadt", "Frist", "Vertrag", "Gericht", "Regierung", "Streik", "Einigung", "Zahlung", "Antrag", "Ministerium", "Bahn"]
    for i in range(ARTICLES):
        body = " ".join(rng.choice(words) for _ in range(300))
        (folder / f"{i:03d}.txt").write_text(
            f"Meldung {i}\n\nDie Behörde muss bis zum {1 + i % 28}. März entscheiden. {body}.\n", encoding="utf-8"
        )


def test_kill_9_during_ingestion_loses_nothing_acknowledged(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    _write_articles(folder)
    db = tmp_path / "news.db"
    Store(db).close()
    acked: set[str] = set()
    interrupted = 0
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for _ in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.ingest_worker", str(db), str(folder)],
            stdout=subprocess.PIPE, text=True, env=env, cwd=Path(__file__).resolve().parents[2],
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda out=lines, proc=child: out.extend(proc.stdout or []), daemon=True)
        reader.start()
        # Start the random fuse once the worker is ingesting (its imports take a varying while).
        ready = time.monotonic() + 60
        while not lines and child.poll() is None and time.monotonic() < ready:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join(5)
        interrupted += child.returncode == -signal.SIGKILL and len(lines) < ARTICLES
        acked |= {line.split()[1] for line in lines if line.startswith("ACK ") and len(line.split()) == 2}
    store = Store(db)
    try:
        assert store.integrity_check() == "ok"
        hashes = [r[0] for r in store.query("SELECT content_hash FROM articles")]
        assert len(hashes) == len(set(hashes)), "duplicate articles after crashes"
        assert acked <= set(hashes), f"{len(acked - set(hashes))} acknowledged articles lost"
        assert acked, "the worker never got to acknowledge an article; the test proves nothing"
        assert interrupted >= ROUNDS // 2, f"only {interrupted} rounds were killed mid-ingestion"
        # key points of every stored article are there (each article is written in one transaction)
        orphans = store.query("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                              "(SELECT 1 FROM key_points k WHERE k.article_id = a.id)")[0][0]
        assert orphans == 0
    finally:
        store.close()
