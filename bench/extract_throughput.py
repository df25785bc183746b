"""Throughput of newsdigest.extract.extract() against dateparser's search_dates on the same articles.

Usage: python bench/extract_throughput.py CORPUS.jsonl [--limit N] [--dateparser-sample N] [--heideltime STATS]

CORPUS.jsonl holds one JSON object a line with a "text" field (e.g. 10kGNAD test set). dateparser is slow, so it
runs on the first --dateparser-sample articles only (default 100); both rates are articles per second on one core.
Peak RSS is the process maximum (resource.getrusage), after both runs. --heideltime takes the JSON line that
../shared/tools/heideltime/run_heideltime.py prints (its "docs" and "cpu_s", JVM and TreeTagger included) for the
first N articles of the same corpus, and compares extract() and tag() CPU on those same N articles.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def load(path: Path, limit: int | None) -> list[str]:
    texts = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
            if limit and len(texts) >= limit:
                break
    return texts


def rate_extract(texts: list[str], published: str) -> tuple[float, float, int, float]:
    from newsdigest.extract import extract

    extract("Warmlauf: Die Frist endet am 15. September.", published=published)  # load lists, compile regexes
    t0, c0 = time.perf_counter(), time.process_time()
    deadlines = 0
    for t in texts:
        deadlines += len(extract(t, published=published, lang="de").deadlines)
    dt_s, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(texts) / dt_s, dt_s, deadlines, len(texts) / cpu


def cpu_tag(texts: list[str], published: str) -> float:
    import datetime as dt

    from newsdigest.extract.temporal import tag

    anchor = dt.date.fromisoformat(published)
    c0 = time.process_time()
    for t in texts:
        tag(t, lang="de", anchor=anchor)
    return time.process_time() - c0


def heideltime_rows(texts: list[str], published: str, stats_path: Path) -> list[tuple[str, str, str]]:
    stats = json.loads(stats_path.read_text(encoding="utf-8").strip().splitlines()[-1])
    n, ht_cpu = int(stats["docs"]), float(stats["cpu_s"])
    same = texts[:n]
    reps = max(1, 2000 // max(1, n))  # repeat the small sample so the CPU time is well above clock resolution
    ex_rate_cpu = rate_extract(same * reps, published)[3]
    ex_cpu = len(same) / ex_rate_cpu
    tag_cpu = cpu_tag(same * reps, published) / reps
    return [
        (f"HeidelTime CPU, first {n}", f"{ht_cpu:.2f} s", f"{ht_cpu / n * 1000:.0f} ms/article (JVM, TreeTagger)"),
        (f"extract() CPU, same {n}", f"{ex_cpu:.3f} s", f"{ht_cpu / ex_cpu:.0f}x less than HeidelTime; goal >= 100x"),
        (f"tag() CPU, same {n}", f"{tag_cpu:.3f} s", f"{ht_cpu / tag_cpu:.0f}x less than HeidelTime"),
    ]


def rate_dateparser(texts: list[str]) -> tuple[float, float, float]:
    from dateparser.search import search_dates

    search_dates("am 15. September", languages=["de"])  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        search_dates(t, languages=["de"])
    dt_s, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(texts) / dt_s, dt_s, len(texts) / cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=None, help="articles for extract() (default: all)")
    ap.add_argument("--dateparser-sample", type=int, default=100, help="articles for dateparser (default 100)")
    ap.add_argument("--published", default="2016-01-01", help="publication date passed to extract()")
    ap.add_argument("--heideltime", type=Path, help="run_heideltime.py stats (JSON) for the first N articles")
    args = ap.parse_args(argv)

    texts = load(args.corpus, args.limit)
    if not texts:
        print("no articles", file=sys.stderr)
        return 1
    chars = sum(len(t) for t in texts) / len(texts)
    ex_rate, ex_time, n_dl, ex_cpu = rate_extract(texts, args.published)
    sample = texts[: args.dateparser_sample]
    _, _, _, ex_sample_cpu = rate_extract(sample, args.published)
    dp_rate, dp_time, dp_cpu = rate_dateparser(sample)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    rows = [
        ("articles (extract)", f"{len(texts)}", f"avg {chars:.0f} chars"),
        ("extract() articles/s (wall)", f"{ex_rate:.1f}", f"{ex_time:.2f} s total, {n_dl} deadlines"),
        ("extract() articles/s (CPU)", f"{ex_cpu:.1f}", "process time: robust on a busy machine"),
        (f"extract() on first {len(sample)} (CPU)", f"{ex_sample_cpu:.1f}", "same sample as dateparser"),
        (
            f"dateparser search_dates, first {len(sample)}",
            f"{dp_cpu:.1f}",
            f"CPU; wall {dp_rate:.1f}/s, {dp_time:.2f} s",
        ),
        ("ratio extract / dateparser (CPU)", f"{ex_sample_cpu / dp_cpu:.1f}x", "same articles; goal >= 5x"),
        ("peak RSS MB", f"{rss_mb:.0f}", "goal <= 200"),
    ]
    if args.heideltime:
        rows += heideltime_rows(texts, args.published, args.heideltime)
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'value':>10}  note")
    print("-" * (w + 40))
    for name, value, note in rows:
        print(f"{name:<{w}}  {value:>10}  {note}")
    print(f"goal >= 300 articles/s (CPU, one core): {'met' if ex_cpu >= 300 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
