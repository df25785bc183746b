"""Benchmark: one digest to N Slack channels through the loopback fake Web API with Slack's per-channel limit.

Checks that every channel gets every message exactly once and that per-channel pacing holds, and prints total
time, achieved rate and the smallest gap between two messages to one channel. Baseline, measured in the same run:
the same digest to a single channel (fan-out should cost about the same wall time, not N times as much).

    .venv/bin/python bench/slack_fanout.py [--channels 50] [--messages 3] [--rate 1.0] [--burst 3]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.bot.slack import SlackBot
from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.reply import Heading, Reply, text
from newsdigest.sender import SendOutcome
from newsdigest.store.store import Store
from tests.fakes.slack_api import FakeSlackApi, slack_settings


def digest(messages: int) -> Reply:
    """A digest the renderer splits into `messages` Slack messages (50 blocks each)."""
    blocks: list[object] = [Heading("TikTok: what changed since yesterday")]
    for i in range(messages * 50 - 1):
        blocks.append(text(f"Development {i}: Oracle & ByteDance <!channel> — deadline 2020-09-15"))
    return Reply(tuple(blocks[: messages * 50]))  # type: ignore[arg-type]


@dataclass
class Run:
    name: str
    channels: int
    messages: int
    seconds: float
    sent: int
    missing: int
    duplicates: int
    min_gap: float
    median_gap: float
    ratelimited: int
    outcomes_ok: bool


async def fan_out(core: Core, name: str, channels: int, messages: int, bot_rate: float, rate: float,
                  burst: int) -> Run:
    fake = FakeSlackApi(rate_per_channel=rate, burst=burst)
    await fake.start()
    bot = SlackBot(core, slack_settings(fake, rate_per_channel=bot_rate))
    reply = digest(messages)
    ids = [f"C{n:05d}" for n in range(channels)]
    started = time.perf_counter()
    results = await asyncio.gather(*(bot.send(c, reply) for c in ids))
    seconds = time.perf_counter() - started
    await fake.stop()
    missing = duplicates = 0
    gaps: list[float] = []
    for c in ids:
        posts = fake.posts_to(c)
        firsts = [p.blocks[0]["text"]["text"] for p in posts]
        missing += max(0, messages - len(set(firsts)))
        duplicates += len(firsts) - len(set(firsts))
        times = [p.at for p in posts]
        gaps.extend(b - a for a, b in itertools.pairwise(times))
    return Run(name, channels, messages, seconds, len(fake.posts), missing, duplicates,
               min(gaps) if gaps else float("nan"), statistics.median(gaps) if gaps else float("nan"),
               len(fake.ratelimited), all(r.outcome is SendOutcome.SENT for r in results))


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--messages", type=int, default=3, help="Slack messages per digest")
    ap.add_argument("--rate", type=float, default=1.0, help="per-channel limit of the fake (and our pacing)")
    ap.add_argument("--burst", type=int, default=3, help="burst the fake tolerates per channel")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        core = Core(store=Store(Path(tmp) / "db.sqlite"), config=build_config({}), clock=Clock(as_of=dt.date(2020, 9, 14)))
        runs = [
            await fan_out(core, "baseline: 1 channel, paced", 1, args.messages, args.rate, args.rate, args.burst),
            await fan_out(core, f"{args.channels} channels, paced", args.channels, args.messages, args.rate,
                          args.rate, args.burst),
            await fan_out(core, f"{args.channels} channels, unpaced (429s)", args.channels, args.messages, 1000.0,
                          args.rate, 1),
        ]
    base = runs[0]
    print(f"Slack digest fan-out through the loopback fake (per-channel limit {args.rate}/s, burst {args.burst})")
    header = (f"{'scenario':34} {'chans':>5} {'msgs':>5} {'total s':>8} {'msg/s':>7} {'x base':>7} "
              f"{'min gap':>8} {'med gap':>8} {'429s':>5} {'missing':>7} {'dupes':>5} {'all SENT':>8}")
    print(header)
    print("-" * len(header))
    for r in runs:
        rate = r.sent / r.seconds if r.seconds else float("nan")
        base_rate = base.sent / base.seconds if base.seconds else float("nan")
        print(f"{r.name:34} {r.channels:>5} {r.sent:>5} {r.seconds:>8.2f} {rate:>7.1f} {rate / base_rate:>7.1f} "
              f"{r.min_gap:>8.3f} {r.median_gap:>8.3f} {r.ratelimited:>5} {r.missing:>7} {r.duplicates:>5} "
              f"{r.outcomes_ok!s:>8}")
    ideal = (args.messages - 1) / args.rate
    print(f"ideal wall time per channel at {args.rate}/s: {ideal:.2f} s; 'min gap' is the smallest interval between two "
          "messages to one channel (pacing holds when it is >= 1/rate, less the fake's burst in the unpaced run)")


if __name__ == "__main__":
    asyncio.run(main())
