"""Several workers of one bot: long polling is single-consumer (a second poller gets Telegram's 409 and steps back);
a webhook is served by every worker behind a load balancer."""

from __future__ import annotations

import asyncio
import logging

import pytest

from newsdigest.bot.telegram import TelegramBot
from newsdigest.handlers import Core
from tests.bot.telegram_support import running_bot, tg_config
from tests.fakes.telegram_api import POLL_CONFLICT, FakeTelegram

pytestmark = pytest.mark.timeout(60)


async def _until(predicate: object, timeout: float = 20.0) -> None:
    """Wait for an event (bounded): the predicate is polled, nothing is decided on elapsed time."""
    async def wait() -> None:
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.02)
    await asyncio.wait_for(wait(), timeout)


async def test_the_fake_answers_a_second_concurrent_get_updates_with_409(tg_fake: FakeTelegram) -> None:
    import httpx

    url = f"{tg_fake.base_url}{tg_fake.token}/getUpdates"
    async with httpx.AsyncClient(timeout=10) as client:
        first = asyncio.create_task(client.post(url, json={"timeout": 2}))
        await _until(lambda: tg_fake.calls["getUpdates"] == 1)
        second = await client.post(url, json={"timeout": 0})
        assert second.status_code == 409
        assert second.json() == {"ok": False, "error_code": 409, "description": POLL_CONFLICT}
        assert (await first).json() == {"ok": True, "result": []}
        third = await client.post(url, json={"timeout": 0})  # the first is done: polling is free again
        assert third.status_code == 200


async def test_second_poller_logs_one_line_and_stops_while_the_first_keeps_answering(
    tg_core: Core, tg_fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(tg_core, tg_fake) as first:
        await _until(lambda: tg_fake.calls["getUpdates"] >= 1)
        second = TelegramBot(tg_core, tg_core.config.telegram)
        with caplog.at_level(logging.INFO, logger="newsdigest.telegram"):
            await second.start()
            try:
                await _until(lambda: second.conflicted and not second.polling)
                conflicts = tg_fake.poll_conflicts
                tg_fake.push_message(31, "/help", user_id=7)
                got = await tg_fake.wait_for(31, 1, timeout=20)  # the first poller still receives and answers
                assert "/status" in got[0].text
                assert tg_fake.poll_conflicts == conflicts  # the second one did not try again
            finally:
                await second.stop()
        lines = [r for r in caplog.records if "409" in r.getMessage()]
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert "another process polls getUpdates" in lines[0].getMessage()
        assert first.polling and not first.conflicted


async def test_a_worker_that_does_not_lead_does_not_poll_until_told(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake, poll=False) as bot:
        assert not bot.polling and tg_fake.calls["getUpdates"] == 0
        await bot.start_polling()  # it became the leader
        tg_fake.push_message(32, "/help", user_id=7)
        await tg_fake.wait_for(32, 1, timeout=20)
        await bot.stop_polling()  # the role moved on
        assert not bot.polling


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    """An update as Telegram POSTs it to the webhook (what the load balancer forwards to one worker)."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1600000000, "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Tester"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Tester", "language_code": "en"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def test_every_worker_serves_the_webhook_behind_a_load_balancer(tg_core: Core, tg_fake: FakeTelegram) -> None:
    import httpx

    ports = [_free_port(), _free_port()]
    public = "http://127.0.0.1:8443/tg"  # the load balancer's address: the same for every worker
    bots = []
    for port in ports:
        cfg = tg_config(tg_fake, tg_core.config, mode="webhook", webhook_listen="127.0.0.1", webhook_port=port,
                        webhook_path="/tg", webhook_secret="s3cret-token", webhook_url=public)
        bot = TelegramBot(tg_core, cfg.telegram)
        await bot.start()
        bots.append(bot)
    try:
        assert tg_fake.webhook["url"] == public and tg_fake.calls["getUpdates"] == 0
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        async with httpx.AsyncClient() as client:
            for n, port in enumerate(ports):  # the balancer hands one update to each worker
                tg_fake.add_chat(41 + n)
                sent = await client.post(f"http://127.0.0.1:{port}/tg", json=_command(n + 1, 41 + n, "/help"),
                                         headers=headers)
                assert sent.status_code == 200
        for n in range(len(ports)):
            got = await tg_fake.wait_for(41 + n, 1, timeout=20)
            assert "/status" in got[0].text
    finally:
        for bot in bots:
            await bot.stop()
