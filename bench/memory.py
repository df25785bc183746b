"""Peak RSS of the running bot (console mode) answering commands on a 100,000-article database.

Baseline in the same run: the peak RSS of a Python process that only imports newsdigest. Goal: ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import build_large_db

COMMANDS = ["/status", "/deadline", "/search Regierung", "/stories", "/timeline", "/digest", "/status Wien"]


def child_peak_mb(argv: list[str], stdin: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(argv, input=stdin, capture_output=True, text=True, check=True, timeout=1800)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all waited-for children: run the bigger one last.
    return max(after, before) / 1024, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    db = build_large_db(args.corpus, args.articles)
    base, _ = child_peak_mb([sys.executable, "-c", "import newsdigest.app, newsdigest.cli"], "")
    script = "\n".join(COMMANDS) + "\n"
    bot, seconds = child_peak_mb(
        [sys.executable, "-m", "newsdigest", "run", "--console", "--db", str(db), "--as-of", "2020-12-31"], script
    )
    print("| what | peak RSS | note |\n|---|---:|---|")
    print(f"| import newsdigest (baseline) | {base:.0f} MB | |")
    print(f"| bot answering {len(COMMANDS)} commands on {args.articles:,} articles | {bot:.0f} MB | "
          f"{seconds:.1f} s incl. start; {bot / base:.1f}× baseline |")
    print(f"\nGoal ≤ 300 MB: {'met' if bot <= 300 else 'NOT met'} ({bot:.0f} MB).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
