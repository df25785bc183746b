"""Threaded digests through the Slack fake: one parent message, one thread reply per story."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newsdigest.bot.slack import SlackBot
from newsdigest.clock import Clock, FakeClock
from newsdigest.config import build_config
from newsdigest.digests.compose import ComposeOptions, DigestInput, UpcomingDeadline
from newsdigest.digests.delivery import Deliverer
from newsdigest.digests.threads import thread_digest
from newsdigest.handlers import Core
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.sender import SendOutcome
from newsdigest.store.store import Store
from newsdigest.store.stories_repo import StoryRecord
from newsdigest.stories.ledger import Ledger
from newsdigest.stories.merge import MergedPoint
from newsdigest.stories.status import Development, StoryChanges
from tests.fakes.slack_api import FakeSlackApi, slack_settings

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi(rate_per_channel=50, burst=50)
    await fake.start()
    yield fake
    await fake.stop()


def _bot(core: Core, fake: FakeSlackApi, **slack: str) -> SlackBot:
    return SlackBot(core, slack_settings(fake, rate_per_channel=50.0, **slack), backoff=0.01)


AS_OF = dt.date(2020, 9, 14)


def _dev(text: str, outlets: int = 1) -> Development:
    return Development(MergedPoint(f"k{abs(hash(text))}", text, "fact", 0.5), tuple(f"o{i}" for i in range(outlets)), 1.0)


def _story(i: int, *texts: str) -> StoryChanges:
    record = StoryRecord(i + 1, f"story-{i}", f"Story {i}", (), {}, None, None)
    since = dt.datetime(2020, 9, 13, 8, 0, tzinfo=dt.UTC)
    return StoryChanges(record, since, AS_OF, (), tuple(_dev(t, 2) for t in texts), (), Ledger([], AS_OF))


def _ten_stories() -> DigestInput:
    stories = tuple(_story(i, f"Development {i}a happened.", f"Development {i}b happened.") for i in range(10))
    return DigestInput(AS_OF, None, stories, (UpcomingDeadline("2020-09-15", "sell", "Story 1"),))


async def test_a_threaded_digest_is_one_parent_plus_one_reply_per_story(slack_fake: FakeSlackApi,
                                                                         tmp_path: Path) -> None:
    core = Core(Store(tmp_path / "db.sqlite"), build_config({}), Clock())
    bot = _bot(core, slack_fake)
    opts = ComposeOptions(max_stories=10)
    threaded = thread_digest(_ten_stories(), opts)
    assert threaded is not None
    result = await bot.send_thread("C0NEWS", threaded.parent, threaded.replies)
    posts = slack_fake.posts_to("C0NEWS")
    assert result.outcome is SendOutcome.SENT and result.messages == 11
    parent, replies = posts[0], posts[1:]
    assert parent.thread_ts is None and len(replies) == 10
    assert all(r.thread_ts == parent.ts for r in replies)
    parent_text = " ".join(b["text"]["text"] for b in parent.blocks)
    assert all(f"Story {i}" in parent_text for i in range(10)) and "Development" not in parent_text
    assert "15 September 2020" in parent_text  # upcoming key dates stay in the parent
    for i, reply in enumerate(replies):
        body = " ".join(b["text"]["text"] for b in reply.blocks)
        assert f"Development {i}a" in body and f"Development {(i + 1) % 10}a" not in body
    await bot.stop()


async def test_a_thread_reply_needs_an_existing_parent(slack_fake: FakeSlackApi, tmp_path: Path) -> None:
    core = Core(Store(tmp_path / "db.sqlite"), build_config({}), Clock())
    bot = _bot(core, slack_fake)
    await bot.client.chat_postMessage(channel="C0A", text="parent")
    with pytest.raises(Exception, match="thread_not_found"):
        await bot.client.chat_postMessage(channel="C0B", text="reply", thread_ts=slack_fake.posts[0].ts)
    with pytest.raises(Exception, match="thread_not_found"):
        await bot.client.chat_postMessage(channel="C0A", text="reply", thread_ts="1.000001")
    await bot.stop()


async def test_subscribe_thread_sends_the_scheduled_digest_as_a_thread(slack_fake: FakeSlackApi,
                                                                        seeded_store: Store) -> None:
    channel = ChatRef(Platform.SLACK, "C0THREAD", ChatKind.CHANNEL)
    core = Core(seeded_store, build_config({}), Clock(as_of=dt.date(2020, 9, 14)))
    assert not core.answer(channel, "/subscribe 08:00 UTC thread").error
    bot = _bot(core, slack_fake)
    clock = FakeClock(dt.datetime.now(dt.UTC).replace(hour=8, minute=0, second=30) + dt.timedelta(days=1))
    [result] = await Deliverer(seeded_store, core.config, clock, {"slack": bot}).catch_up()
    posts = slack_fake.posts_to("C0THREAD")
    assert result.status == "sent" and len(posts) == 2  # the seeds are one story: parent + its reply
    assert posts[1].thread_ts == posts[0].ts
    await bot.stop()


async def test_workspace_config_threads_every_digest(slack_fake: FakeSlackApi, seeded_store: Store) -> None:
    channel = ChatRef(Platform.SLACK, "C0WS", ChatKind.CHANNEL)
    cfg = build_config({"slack": {"digest_style": "thread"}})
    core = Core(seeded_store, cfg.replace(slack=slack_settings(slack_fake, digest_style="thread")),
                Clock(as_of=dt.date(2020, 9, 14)))
    assert not core.answer(channel, "/subscribe 08:00 UTC").error
    bot = _bot(core, slack_fake, digest_style="thread")
    clock = FakeClock(dt.datetime.now(dt.UTC).replace(hour=8, minute=0, second=30) + dt.timedelta(days=1))
    await Deliverer(seeded_store, core.config, clock, {"slack": bot}).catch_up()
    posts = slack_fake.posts_to("C0WS")
    assert len(posts) == 2 and posts[1].thread_ts == posts[0].ts
    await bot.stop()


def test_a_thread_lists_up_to_its_limit_and_counts_the_rest() -> None:
    many = DigestInput(AS_OF, None, tuple(_story(i, f"Item {i}.") for i in range(25)))
    threaded = thread_digest(many, ComposeOptions(max_stories=20))
    assert threaded is not None and len(threaded.replies) == 20
    assert "+5 more stories" in threaded.parent.plain_text()
