"""The real python-telegram-bot Application against the fake Bot API, typed at as a user would."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from pathlib import Path

import httpx
import pytest

from newsdigest.bot.telegram import TelegramBot
from newsdigest.bot.telegram_render import Photo, render
from newsdigest.clock import Clock
from newsdigest.config import ConfigError
from newsdigest.handlers import Core, all_commands
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput, ChatKind, ChatRef, Platform
from newsdigest.reply import Reply, text
from tests.bot.telegram_support import running_bot, tg_config
from tests.conftest import SEEDS, SEEDS_AS_OF
from tests.fakes.telegram_api import FakeTelegram, SentMessage, parse_html

# Arguments that make each command do its real work on the seeds; others are called bare.
SAMPLE_ARGS = {"search": "Oracle", "why": "1", "subscribe": "08:00 Europe/Berlin", "lang": "de",
               "addfeed": "https://feeds.example/rss.xml", "removefeed": "https://feeds.example/rss.xml"}
# Commands that change state, so a second answer differs from the first.
STATEFUL = {"subscribe", "unsubscribe", "lang", "digest", "addfeed", "removefeed"}
USER = 777


def _line(name: str, at: str = "") -> str:
    return f"/{name}{at} {SAMPLE_ARGS.get(name, '')}".rstrip()


def _same(got: list[SentMessage], expected: list[str | Photo]) -> bool:
    if len(got) != len(expected):
        return False
    for msg, part in zip(got, expected, strict=True):
        if isinstance(part, Photo):
            png = (msg.photo or b"").startswith(b"\x89PNG\r\n\x1a\n")
            if msg.method != "sendPhoto" or not png or msg.filename != part.filename or msg.text != part.caption:
                return False
        elif msg.method != "sendMessage" or msg.html != part or msg.text != parse_html(part)[0]:
            return False
    return True


async def _ask_every_command(core: Core, fake: FakeTelegram, *, group: bool) -> None:
    names = sorted(all_commands())
    chats = {name: (-5000 - i if group else 5000 + i) for i, name in enumerate(names)}
    at = f"@{fake.username}" if group else ""
    async with running_bot(core, fake):
        for name in names:
            fake.push_message(chats[name], _line(name, at), user_id=USER, language_code="en")
        for name in names:
            chat_id = chats[name]
            got = await fake.wait_for(chat_id, 1, timeout=60)
            if name in STATEFUL:
                continue
            ref = ChatRef(Platform.TELEGRAM, str(chat_id), ChatKind.GROUP if group else ChatKind.PRIVATE)
            expected = render(core.answer(ref, _line(name, at), str(USER), "en"))
            got = await fake.wait_for(chat_id, len(expected), timeout=60)
            assert _same(got, expected), f"/{name}: {[m.text[:80] for m in got]}"
    for name in names:
        texts = " ".join(fake.texts(chats[name]))
        assert "went wrong" not in texts, f"/{name} failed inside: {texts[:200]}"
        assert "Unknown command" not in texts, f"/{name} is not routed"
    assert not fake.rejected(), fake.rejected()


async def test_every_command_in_a_private_chat(tg_core: Core, tg_fake: FakeTelegram) -> None:
    await _ask_every_command(tg_core, tg_fake, group=False)


async def test_every_command_in_a_group_addressed_to_the_bot(tg_core: Core, tg_fake: FakeTelegram) -> None:
    await _ask_every_command(tg_core, tg_fake, group=True)


async def test_concurrent_first_commands(tg_core: Core, tg_fake: FakeTelegram) -> None:
    """Updates are handled concurrently, so the core is asked from several threads at once on a fresh database."""
    async with running_bot(tg_core, tg_fake):
        for i in range(8):
            tg_fake.push_message(400 + i, "/stories" if i % 2 else "/status", user_id=400 + i)
        got = [(await tg_fake.wait_for(400 + i, 1))[0].text for i in range(8)]
    assert not [t for t in got if "went wrong" in t]


async def test_group_etiquette(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake, concurrent_updates=1):  # one update after the other, in order
        tg_fake.push_message(-61, "/status@some_other_bot", user_id=USER)  # for another bot
        tg_fake.push_message(-62, "just chatting about /status", user_id=USER)  # not a command
        tg_fake.push_message(-63, "/frobnicate", user_id=USER)  # unknown, addressed to everyone
        tg_fake.push_message(-64, "/STATUS", user_id=USER)  # commands are case-insensitive
        for chat in (-61, -62):  # a command behind the ignored ones: once it is answered, they were handled
            tg_fake.push_message(chat, "/help", user_id=USER)
        ignored = [await tg_fake.wait_for(chat, 1) for chat in (-61, -62)]
        await tg_fake.wait_for(-63, 1)
        await tg_fake.wait_for(-64, 1)
    assert [len(got) for got in ignored] == [1, 1]
    assert all("/status" in got[0].text for got in ignored)  # the help answer, nothing for the ignored lines
    assert tg_fake.texts(-63)[0].startswith("Unknown command /frobnicate.")
    assert "/help" in tg_fake.texts(-63)[0]  # the error reply lists the commands
    assert "as of 14 September 2020" in tg_fake.texts(-64)[0]


async def test_private_chat_hints_and_unknown_commands(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake):
        tg_fake.push_message(71, "hello bot", user_id=71)
        tg_fake.push_message(72, "/frobnicate now", user_id=72)
        hint = (await tg_fake.wait_for(71, 1))[0].text
        unknown = (await tg_fake.wait_for(72, 1))[0].text
    assert hint.startswith("“hello bot” is not a command") and "/status" in hint
    assert unknown.startswith("Unknown command /frobnicate.")


async def test_reply_language_from_user_and_chat_override(tg_core: Core, tg_fake: FakeTelegram) -> None:
    tg_core.store.set_chat_lang(ChatRef(Platform.TELEGRAM, "82"), "en")
    async with running_bot(tg_core, tg_fake):
        tg_fake.push_message(81, "/help", user_id=81, language_code="de-AT")
        tg_fake.push_message(82, "/help", user_id=82, language_code="de")  # the chat says English
        tg_fake.push_message(83, "/help", user_id=83, language_code=None)
        german, english, default = [(await tg_fake.wait_for(c, 1))[0].text for c in (81, 82, 83)]
    assert german.startswith("Ich verfolge laufende Nachrichtenlagen")
    assert english.startswith("I follow developing news stories") and default == english


async def test_menu_published_in_english_and_german(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake) as bot:
        assert bot.username == tg_fake.username
    public = [s for s in all_commands().values() if not s.admin]
    assert [c["command"] for c in tg_fake.commands[""]] == [s.name for s in public]
    assert [c["description"] for c in tg_fake.commands[""]] == [s.help_en for s in public]
    assert [c["description"] for c in tg_fake.commands["de"]] == [s.help_de for s in public]


async def test_chats_are_registered(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake):
        tg_fake.push_message(-91, f"/help@{tg_fake.username}", chat_type="supergroup", title="News <fans>")
        await tg_fake.wait_for(-91, 1)
    rows = tg_core.store.query("SELECT kind, title FROM chats WHERE platform = 'telegram' AND chat_id = '-91'")
    assert [(r["kind"], r["title"]) for r in rows] == [("group", "News <fans>")]


async def test_membership_and_migration_updates_reach_the_store(tg_core: Core, tg_fake: FakeTelegram) -> None:
    store = tg_core.store
    blocked, group, new = ChatRef(Platform.TELEGRAM, "120"), ChatRef(Platform.TELEGRAM, "-121", ChatKind.GROUP), "-1001210000000"
    for chat in (blocked, group):
        store.register_chat(chat)
        store.subscribe(chat, time="08:00", tz="UTC")
    async with running_bot(tg_core, tg_fake):
        tg_fake.push_membership(120, "kicked")  # the user blocked the bot
        tg_fake.push_migration(-121, int(new))
        tg_fake.push_membership(-122, "member", chat_type="group")  # added to a new group

        def done() -> bool:
            return (not store.chat_active(blocked) and not store.subscriptions_for(group)
                    and bool(store.query("SELECT 1 FROM chats WHERE chat_id = '-122'")))

        deadline = asyncio.get_running_loop().time() + 5
        while not done() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
    assert not store.chat_active(blocked) and store.subscriptions_for(blocked) == []
    assert store.subscriptions_for(group) == []
    assert [s.chat_id for s in store.subscriptions_for(ChatRef(Platform.TELEGRAM, new, ChatKind.GROUP))] == [new]
    assert store.query("SELECT kind FROM chats WHERE chat_id = '-122'")[0]["kind"] == "group"


async def test_hostile_article_renders_as_valid_messages(tg_core: Core, tg_fake: FakeTelegram) -> None:
    body = ("Die Frist <script>alert('x')</script> endet am 15. September 2020 & Oracle <b>unclosed <i>tags. "
            * 250)[:20_000]
    ingest_article(tg_core.store, ArticleInput(
        text=body, title="<script>alert(1)</script> TikTok & <b>Oracle", published=dt.date(2020, 9, 13), lang="de",
        url="javascript:alert(1)", source="<b>Evil</b> & Co"))
    async with running_bot(tg_core, tg_fake) as bot:
        tg_fake.push_message(95, "/search Oracle", user_id=95)
        found = (await tg_fake.wait_for(95, 1))[0]
        tg_fake.add_chat(96)
        result = await bot.send("96", Reply((text(body),)))  # the whole body, e.g. in a digest
    assert "<script>alert(1)</script> TikTok & <b>Oracle" in found.text
    assert "javascript:" not in (found.html or "")
    assert result.messages >= 5
    assert "".join(m.text for m in tg_fake.messages(96)).count("<script>") == body.count("<script>")
    assert not tg_fake.rejected(429)


class ExplodingCore(Core):
    async def respond(self, chat: ChatRef, line: str, user_id: str | None = None, user_lang: str | None = None,
                      *, user_name: str | None = None, title: str | None = None) -> Reply:
        raise RuntimeError("boom")  # a bug past the core's own guard: PTB's error handler apologises


async def test_error_handler_logs_and_apologises(tg_core: Core, tg_fake: FakeTelegram,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    core = ExplodingCore(store=tg_core.store, config=tg_core.config, clock=tg_core.clock)
    async with running_bot(core, tg_fake):
        tg_fake.push_message(97, "/status", user_id=97, language_code="de")
        sorry = (await tg_fake.wait_for(97, 1))[0].text
    assert sorry.startswith("Entschuldigung, bei uns ist beim Antworten etwas schiefgegangen")
    assert any("telegram handler failed" in r.message for r in caplog.records)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode(tg_core: Core, tg_fake: FakeTelegram) -> None:
    port = _free_port()
    tg_core.config = tg_config(tg_fake, tg_core.config, mode="webhook", webhook_listen="127.0.0.1",
                               webhook_port=port, webhook_path="/tg", webhook_secret="s3cret-token",
                               webhook_url=f"http://127.0.0.1:{port}/tg")
    async with running_bot(tg_core, tg_fake):
        assert tg_fake.webhook["url"] == f"http://127.0.0.1:{port}/tg"
        tg_fake.push_message(98, "/deadline", user_id=98)
        answer = (await tg_fake.wait_for(98, 1))[0].text
        async with httpx.AsyncClient() as client:  # a forged update without the secret is refused
            forged = await client.post(f"http://127.0.0.1:{port}/tg", json={"update_id": 1})
    assert answer.startswith("Deadlines")
    assert tg_fake.webhook_deliveries == [200]
    assert forged.status_code == 403


async def test_bad_token_fails_start_clearly(tg_core: Core, tg_fake: FakeTelegram) -> None:
    tg_core.config = tg_config(tg_fake, tg_core.config, token="999:wrong")
    bot = TelegramBot(tg_core, tg_core.config.telegram)
    with pytest.raises(ConfigError, match="refused the bot token") as caught:
        await bot.start()
    await bot.stop()
    assert "999:wrong" not in str(caught.value) and "NEWSDIGEST_TELEGRAM_TOKEN" in str(caught.value)


async def test_newsdigest_run_answers_over_telegram(tmp_path: Path, tg_fake: FakeTelegram) -> None:
    from newsdigest.app import App

    config = tg_config(tg_fake).replace()
    config = config.replace(storage=type(config.storage)(path=str(tmp_path / "bot.db")),
                            bot=type(config.bot)(seeds=str(SEEDS), as_of=SEEDS_AS_OF))
    app = App(config=config, clock=Clock(as_of=SEEDS_AS_OF))
    running = asyncio.create_task(app.run())
    try:
        tg_fake.push_message(101, "/deadline", user_id=101)
        tg_fake.push_message(-102, f"/status@{tg_fake.username}", user_id=101)
        deadline = (await tg_fake.wait_for(101, 1, timeout=60))[0].text
        status = (await tg_fake.wait_for(-102, 1, timeout=60))[0].text
    finally:
        app.stop()
        await asyncio.wait_for(running, 10)
    assert "15 September 2020" in deadline and "12 November 2020" in deadline
    assert "as of 14 September 2020" in status
