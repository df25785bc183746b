"""Digest fan-out with several workers on one PostgreSQL database: 1 worker against 2, measured in one run.

    nice .venv/bin/python bench/fanout_workers.py [--subs 10000] [--workers 1,2]

Each phase gets a fresh database on a throwaway PostgreSQL server (tests/pgserver.py) and N real `newsdigest run`
processes, configured for the loopback fake Telegram Bot API (its own process, flood limits off) with the bot's
own budget raised to 5,000 msg/s (so the shared rate bucket is still drawn from on every message). Once every
worker is up, the subscriptions are written and their due (chat, slot) rows enqueued in one transaction, as the
leader's catch-up does; the clock runs from that commit until the fake has accepted a digest for every chat.
Exactly once is checked at the fake (one message per chat) and in the ledger (every row sent).

Wall time on a shared machine depends on everything else it runs, so each phase also prints the CPU time the
workers and the PostgreSQL server (postmaster and every backend, /proc) spent per digest over the same span, and
the load averages at its start and end: the CPU figures are what batching round trips changes.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.digests.delivery import Deliverer
from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec
from newsdigest.models import ArticleInput, KeyPointKind
from newsdigest.store.store import Store
from tests.fakes.telegram_api import FakeTelegramProcess, Limits
from tests.pgserver import PgServer

ROOT = Path(__file__).resolve().parent.parent
BOT_RATE = 5000.0  # msg/s: raised with the fake's limit, still a shared bucket reservation per message
START_TIMEOUT = 120.0
SEND_TIMEOUT = 900.0


@dataclass
class Phase:
    workers: int
    subs: int
    seconds: float
    delivered: int
    once: bool
    per_worker: list[int]
    duplicates: int = 0
    missing: int = 0
    worker_cpu: float = 0.0  # seconds, all workers together
    server_cpu: float = 0.0  # seconds, the PostgreSQL server (every process)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at the start and at the end

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    def per_digest_ms(self, cpu: float) -> float:
        return 1000 * cpu / self.delivered if self.delivered else 0.0


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, float, float]:
    """(parent, own CPU seconds, CPU seconds of its children that ended) from /proc/PID/stat."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, ... utime at index 11
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, (int(fields[13]) + int(fields[14])) / TICK


def tree_cpu(roots: list[int]) -> float:
    """CPU seconds of these processes and all their descendants, living or ended (Linux /proc)."""
    procs: dict[int, tuple[int, float, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):  # gone meanwhile
                procs[int(entry.name)] = _stat(entry.name)
    children = collections.defaultdict(list)
    for pid, (ppid, _, _) in procs.items():
        children[ppid].append(pid)
    total, stack = 0.0, list(roots)
    while stack:
        pid = stack.pop()
        if pid in procs:
            total += procs[pid][1] + procs[pid][2]
            stack += children[pid]
    return total


def add_articles(store: Store, day: dt.date) -> None:
    """A dozen short articles of the day, so every digest has stories to compose (the same content for all)."""
    for i in range(12):
        text = f"Development {i}: the regulator set a new condition for the sale, sources say."
        ex = Extraction("en", day.isoformat(), f"Article {i}",
                        key_points=(KeyPointRec(0, len(text), text, KeyPointKind.EVENT, 0.5 + i / 100),),
                        deadlines=(DeadlineRec(0, 4, "date", (day + dt.timedelta(days=2 + i % 5)).isoformat(),
                                               f"decide on item {i}"),))
        store.add_article(ArticleInput(text, f"Article {i}", day, source=f"s{i % 3}.example"), ex,
                          content_hash=hashlib.sha256(f"{day}{text}".encode()).hexdigest())


def subscribe_and_enqueue(url: str, first_chat: int, subs: int) -> int:
    """Write `subs` subscriptions whose slot is two minutes old, then their pending rows (one transaction each)."""
    now = dt.datetime.now(dt.UTC)
    at = (now - dt.timedelta(minutes=2)).strftime("%H:%M")
    yesterday = (now - dt.timedelta(days=1)).isoformat(timespec="seconds")
    store = Store(url, now=lambda: now)
    try:
        with store.write() as conn:  # bulk set-up: the bench measures delivery, not subscribing
            conn.executemany(
                "INSERT INTO subscriptions (platform, chat_id, story, time, tz, lang, active, created_at, updated_at)"
                " VALUES ('telegram', ?, '', ?, 'UTC', ?, 1, ?, ?)",
                [(str(first_chat + i), at, "de" if i % 4 == 0 else "en", yesterday, yesterday) for i in range(subs)],
            )
        deliverer = Deliverer(store, build_config({}), FakeClock(now), {})
        dues = deliverer.due(now)
        rows = [(d.chat.platform, d.chat.chat_id, d.key, d.subscriptions[0].id, d.slot) for d in dues]
        from newsdigest.store.delivery_repo import DueRow

        return store.enqueue_deliveries([DueRow(*r) for r in rows])
    finally:
        store.close()


def config_file(folder: Path, url: str, fake: FakeTelegramProcess, bot_rate: float = BOT_RATE) -> Path:
    path = folder / "bench-workers.toml"
    path.write_text(
        f'[storage]\nurl = "{url}"\n'
        f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\nbase_file_url = "{fake.base_file_url}"\n'
        f"poll_timeout = 1\nrate_per_second = {bot_rate}\nrate_per_chat = 0.0\nrate_per_group_minute = 0\n"
        "[workers]\nleader_takeover_seconds = 10.0\npoll_seconds = 0.2\n"
        '[ops]\nlog_level = "WARNING"\n'
    )
    return path


def start_workers(n: int, config: Path, folder: Path) -> list[tuple[subprocess.Popen[str], Path]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}
    env["PYTHONPATH"] = str(ROOT)
    out = []
    for i in range(n):
        log = folder / f"worker{i}.log"
        with log.open("w") as err:
            proc = subprocess.Popen([sys.executable, "-m", "newsdigest", "run", "--config", str(config)], cwd=folder,
                                    env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, text=True)
        out.append((proc, log))
    return out


def wait_until(what: str, predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop_workers(workers: list[tuple[subprocess.Popen[str], Path]]) -> None:
    for proc, _ in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in workers:
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()


def warm_up(url: str, fake: FakeTelegramProcess, n: int, first_chat: int, rounds: int = 5) -> None:
    """Small broadcasts until every worker has sent one: a running bot has loaded its word lists and lemmatiser
    (about 3 s, at the first digest) long before a broadcast, so that must not be charged to the measurement."""
    for k in range(rounds):
        chats = [first_chat + 200 * k + i for i in range(200)]
        fake.add_chats(chats)
        subscribe_and_enqueue(url, chats[0], len(chats))
        wait_until("the warm-up broadcast", lambda chats=chats: all(fake.counts().get(c, 0) for c in chats),
                   SEND_TIMEOUT)
        probe = Store(url)
        try:
            senders = probe.query("SELECT count(DISTINCT claimed_by) FROM deliveries WHERE status = 'sent'")[0][0]
        finally:
            probe.close()
        if int(senders) >= n:
            return


def run_phase(server: PgServer, fake: FakeTelegramProcess, n: int, subs: int, first_chat: int, folder: Path,
              bot_rate: float = BOT_RATE) -> Phase:
    with server.database() as url:
        store = Store(url)
        add_articles(store, dt.datetime.now(dt.UTC).date())
        store.close()
        fake.add_chats([first_chat + i for i in range(subs)])
        workers = start_workers(n, config_file(folder, url, fake, bot_rate), folder)
        try:
            probe = Store(url)
            try:
                # Up means: each worker holds its lease, and one of them leads (migrations and start-up are done).
                wait_until("the workers", lambda: int(probe.query(
                    "SELECT count(*) FROM leases WHERE name LIKE 'worker:%'")[0][0]) == n and bool(probe.query(
                    "SELECT 1 FROM leases WHERE name = 'leader'")), START_TIMEOUT)
            finally:
                probe.close()
            warm_up(url, fake, n, first_chat + subs)
            assert server.server_pid is not None
            pids = [proc.pid for proc, _ in workers]
            load0, cpu0, server0 = os.getloadavg()[0], tree_cpu(pids), tree_cpu([server.server_pid])
            started = time.perf_counter()
            subscribe_and_enqueue(url, first_chat, subs)
            chats = set(range(first_chat, first_chat + subs))

            def served() -> bool:
                counts = fake.counts()
                return all(counts.get(c, 0) for c in chats)

            wait_until("every chat served", served, SEND_TIMEOUT)
            seconds = time.perf_counter() - started
            worker_cpu, server_cpu = tree_cpu(pids) - cpu0, tree_cpu([server.server_pid]) - server0
            load = (load0, os.getloadavg()[0])
        finally:
            stop_workers(workers)
        counts = collections.Counter({c: v for c, v in fake.counts().items() if c in chats})
        check = Store(url)
        try:
            lo, hi = str(first_chat), str(first_chat + subs - 1)  # the measured chats (same number of digits)
            sent = int(check.query("SELECT count(*) FROM deliveries WHERE status = 'sent' AND chat_id BETWEEN ? AND ?",
                                   (lo, hi))[0][0])
            shares = [int(r[1]) for r in check.query(
                "SELECT claimed_by, count(*) FROM deliveries WHERE status = 'sent' AND chat_id BETWEEN ? AND ?"
                " GROUP BY claimed_by ORDER BY 2 DESC", (lo, hi))]
        finally:
            check.close()
    once = len(counts) == subs and set(counts.values()) == {1} and sent == subs
    return Phase(n, subs, seconds, len(counts), once, shares, sum(counts.values()) - len(counts), subs - len(counts),
                 worker_cpu, server_cpu, load)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subs", type=int, default=10_000)
    ap.add_argument("--workers", default="1,2", help="worker counts to compare, the first is the base")
    ap.add_argument("--bot-rate", type=float, default=BOT_RATE, help="the bot's own msg/s budget (0 = off)")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    phases: list[Phase] = []
    server = PgServer.launch()
    try:
        with tempfile.TemporaryDirectory(prefix="fanout-workers-") as tmp, \
                FakeTelegramProcess(limits=Limits.unlimited()) as fake:
            for k, n in enumerate(counts):
                folder = Path(tmp) / f"phase{k}"
                folder.mkdir()
                phases.append(run_phase(server, fake, n, args.subs, 1_000_000 * (k + 1), folder, args.bot_rate))
    finally:
        server.close()
    base = phases[0].rate
    budget = f"bot budget {args.bot_rate:.0f}/s shared" if args.bot_rate else "bot budget off"
    print(f"Digest fan-out through the fake Telegram Bot API (limits off; {budget}), "
          "PostgreSQL, real `newsdigest run` workers")
    print(f"{'workers':>7} {'subs':>6} {'seconds':>8} {'digests/s':>10} {'vs 1':>6} {'once':>5} {'dupes':>5} "
          f"{'missing':>7} {'worker CPU':>10} {'PG CPU':>7} {'load':>11}  sent per worker")
    for p in phases:
        print(f"{p.workers:>7} {p.subs:>6} {p.seconds:>8.2f} {p.rate:>10.1f} {p.rate / base:>6.2f} "
              f"{'yes' if p.once else 'NO':>5} {p.duplicates:>5} {p.missing:>7} {p.per_digest_ms(p.worker_cpu):>7.2f} ms "
              f"{p.per_digest_ms(p.server_cpu):>4.2f} ms {p.load[0]:>5.1f}-{p.load[1]:<5.1f}  "
              f"{' / '.join(str(s) for s in p.per_worker)}")
    print("worker CPU, PG CPU: CPU time per digest of all workers together and of the PostgreSQL server; "
          "load: the 1-minute load average at the phase's start and end")
    print(f"cores: {os.cpu_count()} (the workers, the fake and PostgreSQL share them)")


if __name__ == "__main__":
    main()
