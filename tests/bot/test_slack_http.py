"""The HTTP-mode Slack app end to end: signed slash commands over 127.0.0.1, answers through response_url."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newsdigest.bot.slack import SlackBot
from newsdigest.clock import Clock
from newsdigest.config import SlackConfig, build_config
from newsdigest.handlers import Core, all_commands
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput, ChatKind, ChatRef, Platform
from newsdigest.reply import Image, Reply, text
from newsdigest.store.store import Store
from tests.fakes.slack_api import FakeSlackApi, SlashResult, send_slash_command, sign, slack_settings, slash_body

SECRET = "test-signing-secret"



@dataclass
class RecordingCore(Core):
    """A Core that records what it was asked and can be slowed down or made to fail."""

    gate: threading.Event | None = None  # when set up, answering waits until the test opens it
    fixed: Reply | None = None
    boom: bool = False
    asked: list[tuple[ChatRef, str, str | None]] = field(default_factory=list)

    async def respond(self, chat: ChatRef, line: str, user_id: str | None = None, user_lang: str | None = None,
                      *, user_name: str | None = None, title: str | None = None) -> Reply:
        self.asked.append((chat, line, user_id))
        await self.chat_seen(chat, title)
        return await self.store.gateway.read(self._canned, chat, line, user_id, user_lang)  # off the loop, as Core

    def _canned(self, chat: ChatRef, line: str, user_id: str | None, user_lang: str | None) -> Reply:
        if self.gate is not None:  # a slow command blocks its gateway thread, never the event loop
            assert self.gate.wait(10), "the test never opened the gate"
        if self.boom:
            raise RuntimeError("injected failure")
        return self.fixed if self.fixed is not None else self.answer(chat, line, user_id, user_lang)


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def slack_cfg(slack_fake: FakeSlackApi) -> SlackConfig:
    return slack_settings(slack_fake, SECRET, admins=["U0ADMIN"])


@pytest.fixture
def slack_core(tmp_path: Path, slack_cfg: SlackConfig) -> RecordingCore:
    cfg = build_config({}).replace(slack=slack_cfg)
    return RecordingCore(store=Store(tmp_path / "db.sqlite"), config=cfg, clock=Clock(as_of=dt.date(2020, 9, 14)))


@pytest.fixture
def wall() -> int:
    """The bot's wall clock, frozen at the test's start: the signature window is decided against it, not against
    however long the test took. (bolt checks the timestamp once more on the real clock, with the same 300 s.)"""
    return int(time.time())


@pytest.fixture
async def slack_bot_factory(slack_cfg: SlackConfig, wall: int) -> AsyncIterator[Callable[[Core], Any]]:
    bots: list[SlackBot] = []

    async def make(core: Core) -> SlackBot:
        bot = SlackBot(core, slack_cfg, host="127.0.0.1", wall_clock=lambda: wall)
        await bot.start()
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        await bot.stop()


async def wait_for(predicate: Callable[[], Any], timeout: float = 60.0) -> None:
    """Poll until `predicate` holds; the timeout only turns a hang into a failure, it decides nothing."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def slash(bot: SlackBot, body: str, **kwargs: Any) -> SlashResult:
    """A signed slash command, timestamped on the bot's wall clock unless the test forges the timestamp."""
    kwargs.setdefault("timestamp", str(int(bot._wall_clock())))
    return await send_slash_command(bot.url or "", SECRET, body, **kwargs)


def section_texts(payloads: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for p in payloads for b in p.get("blocks", []) if "text" in b)


async def ask(bot: SlackBot, fake: FakeSlackApi, line: str, **fields: str) -> tuple[str, list[dict[str, Any]]]:
    url = fake.new_response_url()
    res = await slash(bot, slash_body(text=line, response_url=url, **fields))
    assert res.status == 200, res
    await wait_for(lambda: fake.response_posts(url) and not bot._tasks)  # answered, every message of it
    return url, fake.response_posts(url)


async def test_signed_deadline_is_answered_with_the_seeds_deadlines(
    seeded_core: Core, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    if "deadline" not in all_commands():
        pytest.skip("the deadline command is not registered yet")
    bot = await slack_bot_factory(seeded_core)
    _, posts = await ask(bot, slack_fake, "deadline")
    body = section_texts(posts) + " ".join(p["text"] for p in posts)
    assert all(p["response_type"] == "ephemeral" for p in posts)
    assert re.search(r"15\.? ?Sep|2020-09-15|September 15", body), body
    assert re.search(r"12\.? ?Nov|2020-11-12|November 12", body), body


async def test_bare_command_is_help_with_slack_subcommands(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "", channel_id="C0GEN", user_id="U0BOB")
    assert slack_core.asked == [(ChatRef(Platform.SLACK, "C0GEN", ChatKind.CHANNEL), "help", "U0BOB")]
    body = section_texts(posts)
    assert "/news search TEXT" in body and "• /search" not in body
    # our start-up token check, then bolt's own at the first request; nothing else is posted
    assert [c for c, _ in slack_fake.calls] == ["auth.test", "auth.test"]


async def test_status_subcommand_reaches_the_core_with_args(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    await ask(bot, slack_fake, "  search   Oracle  ", channel_id="D0DM")
    assert slack_core.asked[-1][:2] == (ChatRef(Platform.SLACK, "D0DM", ChatKind.PRIVATE), "search Oracle")
    assert slack_core.store.chat_active(ChatRef(Platform.SLACK, "D0DM", ChatKind.PRIVATE))


@pytest.mark.parametrize(
    "case",
    ["bad_signature", "stale_past", "stale_future", "tampered_body", "non_numeric_ts", "missing_headers", "empty_ts"],
)
async def test_forged_requests_get_401_and_cause_nothing(
    case: str, slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    url = slack_fake.new_response_url()
    body = slash_body(text="search Oracle", response_url=url)
    now = int(bot._wall_clock())
    forgeries: dict[str, dict[str, Any]] = {
        "bad_signature": {"signature": sign("wrong-secret", str(now), body)},
        "stale_past": {"timestamp": str(now - 301)},
        "stale_future": {"timestamp": str(now + 301)},
        "tampered_body": {"tamper": lambda b: b.replace("search+Oracle", "search+Microsoft")},
        "non_numeric_ts": {"timestamp": "17e9", "signature": sign(SECRET, "17e9", body)},
        "missing_headers": {"timestamp": "", "signature": ""},
        "empty_ts": {"timestamp": " ", "signature": sign(SECRET, " ", body)},
    }
    kwargs = forgeries[case]
    res = await slash(bot, body, **kwargs)
    assert res.status == 401, res
    assert not bot._tasks and slack_core.asked == []  # refused before any work was started
    assert slack_fake.response_posts(url) == []
    assert [c for c, _ in slack_fake.calls] == ["auth.test"]  # the start-up token check only


async def test_signature_window_edge_is_accepted(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    url = slack_fake.new_response_url()
    res = await slash(bot, slash_body(text="help", response_url=url), timestamp=str(int(bot._wall_clock()) - 250))
    assert res.status == 200
    await wait_for(lambda: slack_fake.response_posts(url))


async def test_slow_command_acks_in_time_and_answers_later(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    slack_core.gate = threading.Event()  # the answer cannot be computed until the test says so
    bot = await slack_bot_factory(slack_core)
    url = slack_fake.new_response_url()
    res = await slash(bot, slash_body(text="help", response_url=url))
    assert res.status == 200, res  # acknowledged while the core is still working
    assert slack_fake.response_posts(url) == [] and bot._tasks
    slack_core.gate.set()
    await wait_for(lambda: slack_fake.response_posts(url))
    assert "/news help" in section_texts(slack_fake.response_posts(url))


async def test_hostile_article_renders_inert(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    hostile = "Übernahme <!channel> & <http://evil|click> @here: Oracle kauft TikTok <@U0BOSS>"
    ingest_article(slack_core.store, ArticleInput(
        text=f"{hostile}\n\n{hostile}. Oracle und TikTok einigen sich, sagt <!everyone> der Sprecher.",
        title=hostile, published=dt.date(2020, 9, 14), url="https://news.example/a?x=1&y=<2>", lang="de"))
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "search Oracle")
    everything = [p["text"] for p in posts] + [b["text"]["text"] for p in posts for b in p["blocks"] if "text" in b]
    joined = "\n".join(everything)
    assert "&lt;!channel&gt;" in joined and "&amp;" in joined and "&lt;http://evil|click&gt;" in joined
    for s in everything:
        rest = re.sub(r"<https?://[^\s<>|]+\|[^<>|]*>", "", s)
        assert "<" not in rest and ">" not in rest, s
        assert not re.search(r"@(channel|here|everyone)", s), s
    assert "<https://news.example/a?x=1&amp;y=%3C2%3E|" in joined  # the article's own link survives, escaped


async def test_timeline_answer_is_ephemeral_and_shares_no_picture_in_the_channel(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    slack_core.fixed = Reply((text("Timeline of the sale"), Image(png, "timeline.png", "TikTok timeline")))
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "timeline", channel_id="C0PICS")
    assert [p["response_type"] for p in posts] == ["ephemeral"]
    assert "Timeline of the sale" in section_texts(posts)
    assert slack_fake.files == [] and slack_fake.posts == []  # nothing reached the channel


async def test_lang_sets_the_askers_language_not_the_channels(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    slack_core.fixed = None
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "lang de", channel_id="C0LANG", user_id="U0ANNA")
    assert "Ich antworte dir auf Deutsch" in section_texts(posts)
    _, anna = await ask(bot, slack_fake, "help", channel_id="C0LANG", user_id="U0ANNA")
    _, bob = await ask(bot, slack_fake, "help", channel_id="C0LANG", user_id="U0BOB")
    assert section_texts(anna).startswith("Ich verfolge") and section_texts(bob).startswith("I follow")
    assert slack_core.store.chat_lang(ChatRef(Platform.SLACK, "C0LANG")) is None
    await ask(bot, slack_fake, "subscribe 08:00 Europe/Berlin", channel_id="C0LANG", user_id="U0ANNA")
    [sub] = slack_core.store.subscriptions_for(ChatRef(Platform.SLACK, "C0LANG"))
    assert sub.lang == "de"  # the channel's digest language: set by subscribing


async def test_a_slow_answer_is_waited_for_as_the_try_tool_does(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    slack_core.gate = threading.Event()  # the answer is held back until the test lets it go
    bot = await slack_bot_factory(slack_core)
    url = slack_fake.new_response_url()
    res = await send_slash_command(bot.url or "", SECRET, slash_body(text="help", response_url=url))
    waiting = asyncio.create_task(slack_fake.wait_for_response(url, timeout=20, quiet=0.2))
    for _ in range(20):
        await asyncio.sleep(0)
    assert res.status == 200 and not waiting.done() and slack_fake.response_posts(url) == []
    slack_core.gate.set()
    posts = await waiting
    assert "I follow developing news stories" in section_texts(posts)


async def test_subscribe_answer_is_visible_to_the_channel(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "subscribe 08:00 Europe/Berlin", channel_id="C0SUB")
    assert posts[0]["response_type"] == "in_channel", posts
    assert slack_core.store.subscriptions_for(ChatRef(Platform.SLACK, "C0SUB", ChatKind.CHANNEL))


async def test_admin_flag_follows_slack_user_id(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    await ask(bot, slack_fake, "help", user_id="U0ADMIN")
    await ask(bot, slack_fake, "help", user_id="U0BOB")
    chat = ChatRef(Platform.SLACK, "C0NEWS", ChatKind.CHANNEL)
    assert [slack_core.is_admin(chat, u) for _, _, u in slack_core.asked] == [True, False]


async def test_handler_error_is_answered_politely(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    slack_core.boom = True
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "help")
    assert "something went wrong" in posts[0]["text"]
    assert "injected failure" not in posts[0]["text"]


async def test_too_long_answer_respects_response_url_limit(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    slack_core.fixed = Reply(tuple(text(f"paragraph {i}") for i in range(400)))
    bot = await slack_bot_factory(slack_core)
    url, _ = await ask(bot, slack_fake, "help")
    posts = slack_fake.response_posts(url)
    assert len(posts) == 5 and sum(len(p["blocks"]) for p in posts) == 250


async def test_an_unknown_subcommand_is_named_as_typed_with_the_slack_form(
    slack_core: RecordingCore, slack_fake: FakeSlackApi, slack_bot_factory: Any
) -> None:
    bot = await slack_bot_factory(slack_core)
    _, posts = await ask(bot, slack_fake, "frobnicate now", channel_id="D0DM")
    body = section_texts(posts)
    assert "Unknown command /news frobnicate." in body and "/news search TEXT" in body
    assert re.search(r"(?<!news )/frobnicate", body) is None, body
