"""Run every benchmark and write their tables into README.md's Performance section (`make bench`).

Each benchmark prints a Markdown table (and may print notes); this script collects their output verbatim,
adds the machine it ran on, and replaces the text between the performance markers in the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpora" / "10kgnad_test_de.jsonl"
KRAUTS = SHARED / "eval" / "krauts_dolomiten42_de.jsonl"
STORIES = SHARED / "eval" / "stories"
TBAQ = SHARED / "eval" / "tbaq_en.jsonl"
START, END = "<!-- performance:start -->", "<!-- performance:end -->"

BENCHES: list[tuple[str, list[str]]] = [
    ("Extraction throughput", ["bench/extract_throughput.py", str(CORPUS)]),
    ("Temporal tagging quality (KRAUTS, 42 German articles)", ["bench/temporal_eval.py", str(KRAUTS)]),
    ("Temporal tagging quality (TBAQ, 256 English docs)", ["bench/temporal_eval.py", str(TBAQ), "--by", "source"]),
    ("Story tracking on real stories (clustering, /status, /deadline)", ["bench/story_eval.py", str(STORIES)]),
    ("Ingestion throughput (200 loopback feeds × 50 items)", ["bench/ingest_throughput.py", str(CORPUS)]),
    ("Command latency (100,000-article database)", ["bench/command_latency.py", str(CORPUS)]),
    ("Telegram fan-out (fake Bot API with real limits)", ["bench/telegram_fanout.py"]),
    ("Slack fan-out (fake Web API, per-channel pacing)", ["bench/slack_fanout.py"]),
    ("Digest fan-out", ["bench/digest_fanout.py"]),
    ("Digest fan-out with several workers (PostgreSQL)", ["bench/fanout_workers.py"]),
    ("Command latency with the optional brief layer (3,000 articles)",
     ["bench/brief_latency.py", str(CORPUS), "--articles", "3000", "--asks", "400"]),
    ("Peak memory of the running bot (100,000-article database)", ["bench/memory.py", str(CORPUS)]),
    ("PostgreSQL against SQLite (100,000 articles)", ["bench/pg_latency.py", str(CORPUS)]),
]
SLOW = {"bench/pg_latency.py": 3600}  # builds and clusters 100,000 articles twice: ~40 min on a loaded machine


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def run(title: str, argv: list[str], timeout: int) -> str:
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        body = done.stdout.strip() or "(no output)"
        if not any(line.startswith("|") for line in body.splitlines()):
            body = f"```text\n{body}\n```"  # plain-text tables keep their columns
        if done.returncode != 0:
            body += f"\n\n*failed (exit {done.returncode}):* `{(done.stderr.strip().splitlines() or [''])[-1]}`"
    except subprocess.TimeoutExpired:
        body = f"*timed out after {timeout} s*"
    return f"### {title}\n\n{body}\n\n*({time.perf_counter() - started:.0f} s)*\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", type=Path, help="write the figures into this README")
    parser.add_argument("--only", help="run only benchmarks whose script name contains this")
    parser.add_argument("--timeout", type=int, default=1200)
    args = parser.parse_args()
    sections = [f"Measured {dt.datetime.now(dt.UTC).date().isoformat()} on {machine()} with `make bench`.\n"]
    for title, argv in BENCHES:
        if args.only and args.only not in argv[0]:
            continue
        print(f"running {argv[0]} …", file=sys.stderr)
        section = run(title, argv, max(args.timeout, SLOW.get(argv[0], 0)))
        print(section)
        sections.append(section)
    if args.readme:
        text = args.readme.read_text(encoding="utf-8")
        if START not in text or END not in text:
            print(f"{args.readme}: performance markers not found", file=sys.stderr)
            return 1
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        body = "\n## Performance\n\n" + "\n".join(sections)
        args.readme.write_text(f"{head}{START}{body}{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
