"""Long polling is single-consumer: a second poller of the same token gets Telegram's 409 and steps back."""

from __future__ import annotations

import asyncio
import logging

import pytest

from newsdigest.bot.telegram import TelegramBot
from newsdigest.handlers import Core
from tests.bot.telegram_support import running_bot
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
