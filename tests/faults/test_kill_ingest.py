"""kill -9 during ingestion, many rounds: what was acknowledged is there, nothing twice, the file is intact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdigest.store.store import Store

pytestmark = [pytest.mark.faults, pytest.mark.slow]

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


def _kill_after(db: Path, folder: Path, acks: int, jitter: float) -> tuple[list[str], bool]:
    """Run the worker, SIGKILL it once it has acknowledged `acks` articles (plus a little jitter, so the kill lands
    anywhere in the next article's work); the ACK lines it printed, and whether it died before finishing."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "tests.faults.ingest_worker", str(db), str(folder)]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=root) as child:
        assert child.stdout is not None
        lines: list[str] = []
        while len(lines) < acks and (line := child.stdout.readline()):
            lines.append(line)
        time.sleep(jitter)  # varies the kill point only; nothing is decided on time
        child.send_signal(signal.SIGKILL)
        lines += child.stdout.readlines()  # what it acknowledged before the signal landed
    finished = any(line.startswith("DONE") for line in lines)
    return [line for line in lines if line.startswith("ACK ")], child.returncode == -signal.SIGKILL and not finished


def test_kill_9_during_ingestion_loses_nothing_acknowledged(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    _write_articles(folder)
    db = tmp_path / "news.db"
    Store(db).close()
    acked: set[str] = set()
    interrupted = 0
    rng = random.Random(11)
    for _ in range(ROUNDS):
        # The worker walks the files in order and re-acknowledges stored ones at once (duplicates): kill it a few
        # new articles further on, always well before the end.
        target = min(len(acked) + rng.randint(1, 12), ARTICLES - 50)
        lines, killed = _kill_after(db, folder, target, rng.uniform(0.0, 0.005))
        interrupted += killed
        acked |= {line.split()[1] for line in lines if len(line.split()) == 2}
    store = Store(db)
    try:
        assert store.integrity_check() == "ok"
        hashes = [r[0] for r in store.query("SELECT content_hash FROM articles")]
        assert len(hashes) == len(set(hashes)), "duplicate articles after crashes"
        assert acked <= set(hashes), f"{len(acked - set(hashes))} acknowledged articles lost"
        assert len(acked) >= ROUNDS, "the worker acknowledged fewer articles than the rounds asked for"
        assert interrupted == ROUNDS, f"only {interrupted} of {ROUNDS} rounds were killed mid-ingestion"
        # key points of every stored article are there (each article is written in one transaction)
        orphans = store.query("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                              "(SELECT 1 FROM key_points k WHERE k.article_id = a.id)")[0][0]
        assert orphans == 0
    finally:
        store.close()
