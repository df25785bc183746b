"""Sending to Slack channels (digests): pacing, 429, gone channels, retries, resuming split replies."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from newsdigest.bot.slack import SlackBot
from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.reply import Image, Paragraph, Reply, Span, text
from newsdigest.sender import SendOutcome
from newsdigest.store.store import Store
from tests.fakes.slack_api import GONE_ERRORS, FakeSlackApi, slack_settings
from tests.fakes.virtual_time import VirtualTime


@pytest.fixture
def vt() -> VirtualTime:
    """The bot's pacing and the fake's clock share virtual seconds: exact spacing, no real waiting."""
    return VirtualTime(autojump=True)


@pytest.fixture
async def slack_fake(vt: VirtualTime) -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi(rate_per_channel=50, burst=50, clock=vt.clock)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def slack_core(tmp_path: Path) -> Core:
    return Core(store=Store(tmp_path / "db.sqlite"), config=build_config({}), clock=Clock(as_of=dt.date(2020, 9, 14)))


BotFactory = Callable[..., SlackBot]


@pytest.fixture
def make_bot(vt: VirtualTime) -> BotFactory:
    """Bots on the test's virtual time (the fake's clock too)."""

    def make(core: Core, fake: FakeSlackApi, rate: float = 20.0, **kw: float) -> SlackBot:
        return SlackBot(core, slack_settings(fake, rate_per_channel=rate), clock=vt.clock, sleep=vt.sleep,
                        backoff=kw.pop("backoff", 0.5), **kw)  # type: ignore[arg-type]

    return make


def long_reply(messages: int) -> Reply:
    """A reply the renderer splits into `messages` Slack messages (50 sections each)."""
    return Reply(tuple(text(f"part {i}") for i in range(50 * messages)))


def parts(fake: FakeSlackApi, channel: str) -> list[str]:
    return [b["text"]["text"] for p in fake.posts_to(channel) for b in p.blocks]


async def test_split_reply_is_posted_in_order_and_paced(
    slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory
) -> None:
    bot = make_bot(slack_core, slack_fake, rate=5.0)
    result = await bot.send("C1", long_reply(4))
    assert result.outcome is SendOutcome.SENT and result.messages == 4
    assert parts(slack_fake, "C1") == [f"part {i}" for i in range(200)]
    times = [p.at for p in slack_fake.posts_to("C1")]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.2 - 1e-9  # 5 a second, never closer
    assert all(p.payload.get("unfurl_links") is False for p in slack_fake.posts)


async def test_concurrent_sends_to_one_channel_share_its_pace(slack_core: Core, slack_fake: FakeSlackApi) -> None:
    vt = VirtualTime()  # time stands still until the other channel is done
    slack_fake.clock = vt.clock
    bot = SlackBot(slack_core, slack_settings(slack_fake, rate_per_channel=10.0), clock=vt.clock, sleep=vt.sleep)
    busy = asyncio.gather(*(bot.send("C1", Reply((text(f"digest {i}"),))) for i in range(4)))
    other = await bot.send("C2", Reply((text("other"),)))
    assert other.outcome is SendOutcome.SENT and vt.clock() == 0  # C2 did not wait for C1's pace
    assert len(slack_fake.posts_to("C1")) <= 1  # while C1 has sent at most its first
    vt.start_autojump()
    results = await busy
    assert all(r.outcome is SendOutcome.SENT for r in results)
    times = sorted(p.at for p in slack_fake.posts_to("C1"))
    assert len(times) == 4 and min(b - a for a, b in itertools.pairwise(times)) >= 0.1 - 1e-9


async def test_429_waits_retry_after_and_resends_once(
    slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory
) -> None:
    bot = make_bot(slack_core, slack_fake)
    slack_fake.fail_next("C1", status=429, retry_after=1)
    result = await bot.send("C1", Reply((text("hello"),)))
    assert result.outcome is SendOutcome.SENT and result.messages == 1
    assert parts(slack_fake, "C1") == ["hello"]
    [(_, limited_at)] = slack_fake.ratelimited
    assert slack_fake.posts_to("C1")[0].at - limited_at >= 1.0  # retry_after honoured (virtual seconds)


async def test_platform_rate_limit_is_honoured_without_duplicates(
    slack_core: Core, vt: VirtualTime, make_bot: BotFactory
) -> None:
    fake = FakeSlackApi(rate_per_channel=2.0, burst=1, clock=vt.clock)  # stricter than our pacing: real 429s
    await fake.start()
    try:
        bot = make_bot(slack_core, fake, rate=100.0)
        result = await bot.send("C1", long_reply(3))
        assert result.outcome is SendOutcome.SENT and result.messages == 3
        assert parts(fake, "C1") == [f"part {i}" for i in range(150)]
        assert fake.ratelimited  # the fake did push back, and we waited instead of dropping
    finally:
        await fake.stop()


@pytest.mark.parametrize("error", GONE_ERRORS)
async def test_gone_channel_is_deactivated(
    error: str, slack_core: Core, slack_fake: FakeSlackApi, caplog: pytest.LogCaptureFixture, make_bot: BotFactory
) -> None:
    chat = ChatRef(Platform.SLACK, "C0OLD", ChatKind.CHANNEL)
    slack_core.store.subscribe(chat, time="08:00", tz="Europe/Berlin")
    slack_fake.channel_errors["C0OLD"] = error
    bot = make_bot(slack_core, slack_fake)
    with caplog.at_level(logging.WARNING, logger="newsdigest.slack"):
        result = await bot.send("C0OLD", Reply((text("digest"),)))
    assert result.outcome is SendOutcome.GONE and result.detail == error and result.messages == 0
    assert not slack_core.store.chat_active(chat)
    assert slack_core.store.subscriptions_for(chat) == []
    assert any("C0OLD" in r.getMessage() and error in r.getMessage() for r in caplog.records)
    assert len([c for c, p in slack_fake.calls if c == "chat.postMessage"]) == 1  # not retried


async def test_5xx_is_retried_then_sent(slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory) -> None:
    slack_fake.fail_next("C1", 2, status=503, error="service_unavailable")
    result = await make_bot(slack_core, slack_fake).send("C1", Reply((text("hello"),)))
    assert result.outcome is SendOutcome.SENT and parts(slack_fake, "C1") == ["hello"]


async def test_persistent_5xx_fails_after_bounded_retries(
    slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory
) -> None:
    slack_fake.fail_next("C1", 100, status=500)
    result = await make_bot(slack_core, slack_fake, max_attempts=3).send("C1", Reply((text("hello"),)))
    assert result.outcome is SendOutcome.FAILED and result.messages == 0
    assert len([c for c, _ in slack_fake.calls if c == "chat.postMessage"]) == 3
    assert slack_core.store.chat_active(ChatRef(Platform.SLACK, "C1", ChatKind.CHANNEL))


async def test_rejected_message_is_not_retried(
    slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory
) -> None:
    slack_fake.fail_next("C1", 1, status=200, error="msg_too_long")
    result = await make_bot(slack_core, slack_fake).send("C1", Reply((text("hello"),)))
    assert result.outcome is SendOutcome.FAILED and result.detail == "msg_too_long"
    assert len(slack_fake.calls) == 1


async def test_failed_split_reply_resumes_without_duplicates(
    slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory
) -> None:
    bot = make_bot(slack_core, slack_fake, max_attempts=2)
    reply = long_reply(3)
    first = await bot.send("C1", long_reply(1))  # something else went out before: it must not count
    assert first.outcome is SendOutcome.SENT
    slack_fake.posts.clear()
    slack_fake.fail_next("C1", 2, status=502, after=1)  # message 1 goes through, message 2 fails twice
    result = await bot.send("C1", reply)
    assert result.outcome is SendOutcome.FAILED and result.messages == 1
    again = await bot.send("C1", reply)
    assert again.outcome is SendOutcome.SENT and again.messages == 2
    assert parts(slack_fake, "C1") == [f"part {i}" for i in range(150)]


async def test_network_failure_is_failed_not_gone(
    slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory
) -> None:
    await slack_fake.stop()  # nothing listens any more
    result = await make_bot(slack_core, slack_fake, max_attempts=2).send("C1", Reply((text("hello"),)))
    assert result.outcome is SendOutcome.FAILED and result.messages == 0
    assert slack_core.store.chat_active(ChatRef(Platform.SLACK, "C1", ChatKind.CHANNEL))


async def test_digest_picture_is_uploaded(slack_core: Core, slack_fake: FakeSlackApi, make_bot: BotFactory) -> None:
    reply = Reply((Paragraph((Span("see the chart"),)), Image(b"\x89PNG-data", "chart.png", "Deadlines")))
    result = await make_bot(slack_core, slack_fake).send("C1", reply)
    assert result.outcome is SendOutcome.SENT
    assert [(f.channel, f.data, f.title) for f in slack_fake.files] == [("C1", b"\x89PNG-data", "Deadlines")]


def test_socket_mode_bot_builds_without_signing_secret(slack_core: Core) -> None:
    from newsdigest.config import build_config as bc

    cfg = bc({"slack": {"bot_token": "xoxb-1", "app_token": "xapp-1", "mode": "socket"}}).slack
    bot = SlackBot(slack_core, cfg)
    assert bot.cfg.mode == "socket" and bot.url is None
    assert any(getattr(lst, "ack_function", None) == bot._on_command for lst in bot.app._async_listeners)
