"""A digest fan-out through the real Slack adapter into the loopback fake Slack Web API, in a storm.

Channels answer with scripted 429s (Retry-After), short and long 5xx bursts, a tight per-channel rate limit, and some
are archived or gone. Catch-up runs until nothing is due: every live channel ends with its digest exactly once,
the archived / gone ones are deactivated and never posted to, the ledger agrees.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newsdigest.bot.slack import SlackBot
from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.digests.delivery import Deliverer
from newsdigest.handlers import Core
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.store.store import Store
from tests.fakes.slack_api import FakeSlackApi, slack_settings
from tests.fakes.virtual_time import VirtualTime

SUBSCRIBED_AT = dt.datetime(2020, 9, 13, 12, 0, tzinfo=dt.UTC)
SLOT_OPENS = dt.datetime(2020, 9, 14, 6, 0, 30, tzinfo=dt.UTC)
SLOT = "2020-09-14T08:00+02:00"
CHANNELS = [f"C{i:03d}" for i in range(36)]
RATE_LIMITED = CHANNELS[0:8]  # 429 with Retry-After, twice
SHORT_5XX = CHANNELS[8:16]  # a burst the adapter rides out itself
LONG_5XX = CHANNELS[16:20]  # longer than the adapter's attempts: the ledger retries at the next catch-up
ARCHIVED = CHANNELS[20:23]
NOT_FOUND = CHANNELS[23:24]
GONE = ARCHIVED + NOT_FOUND

pytestmark = [pytest.mark.timeout(60), pytest.mark.faults]


@pytest.fixture
def vt() -> VirtualTime:
    """Retry-After, backoff and pacing in virtual seconds, shared by the adapter and the fake."""
    return VirtualTime(autojump=True)


@pytest.fixture
async def fake(vt: VirtualTime) -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi(rate_per_channel=2.0, burst=1, clock=vt.clock)
    await api.start()
    yield api
    await api.stop()


async def test_digest_storm_through_slack_delivers_each_channel_once(
    tmp_path: Path, fake: FakeSlackApi, vt: VirtualTime
) -> None:
    clock = FakeClock(SUBSCRIBED_AT)
    store = Store(tmp_path / "storm.db", now=clock.now)
    try:
        for channel in CHANNELS:
            store.subscribe(ChatRef(Platform.SLACK, channel, ChatKind.CHANNEL), time="08:00", tz="Europe/Berlin")
        for channel in RATE_LIMITED:
            fake.fail_next(channel, 2, status=429, error="ratelimited", retry_after=1)
        for channel in SHORT_5XX:
            fake.fail_next(channel, 2, status=503, error="service_unavailable")
        for channel in LONG_5XX:
            fake.fail_next(channel, 4, status=500, error="internal_error")
        for channel in ARCHIVED:
            fake.channel_errors[channel] = "is_archived"
        for channel in NOT_FOUND:
            fake.channel_errors[channel] = "channel_not_found"

        clock.set(SLOT_OPENS)
        core = Core(store=store, config=build_config({}), clock=clock)
        bot = SlackBot(core, slack_settings(fake, rate_per_channel=50.0), max_attempts=3, backoff=0.5,
                       clock=vt.clock, sleep=vt.sleep)
        deliverer = Deliverer(store, build_config({}), clock, {"slack": bot})
        rounds: list[collections.Counter[str]] = []
        for _ in range(4):  # the bot's every-minute catch-up
            results = await deliverer.catch_up()
            rounds.append(collections.Counter(r.status for r in results))
            if not results:
                break
            clock.advance(minutes=1)
        assert rounds[-1] == collections.Counter(), rounds  # nothing left due
        assert rounds[1]["sent"] == len(LONG_5XX), rounds  # the long bursts went out on the retry

        posts = collections.Counter(p.channel for p in fake.posts)
        live = [c for c in CHANNELS if c not in GONE]
        assert {c: posts[c] for c in live} == dict.fromkeys(live, 1), "a live channel got no digest or two"
        assert not any(posts[c] for c in GONE)
        assert len(fake.ratelimited) >= 2 * len(RATE_LIMITED)  # the storm really happened
        assert all(p.blocks and p.text for p in fake.posts)

        ledger = {r.chat_id: r for r in store.deliveries(platform="slack")}
        assert {c for c, r in ledger.items() if r.status == "sent"} == set(live)
        assert {c for c, r in ledger.items() if r.status == "gone"} == set(GONE)
        assert all(ledger[c].slot == SLOT and ledger[c].attempts == 1 for c in live if c not in LONG_5XX)
        assert all(ledger[c].attempts == 2 for c in LONG_5XX)
        for channel in GONE:
            chat = ChatRef(Platform.SLACK, channel, ChatKind.CHANNEL)
            assert not store.chat_active(chat) and store.subscriptions_for(chat) == []
        assert len(store.scheduled_subscriptions()) == len(live)
    finally:
        store.close()
