"""Telegram test helpers: a Config pointing at the fake, a running bot, a sender over a plain PTB Bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot

from newsdigest.bot.ratelimit import RateLimiter, Sleep
from newsdigest.bot.telegram import AiohttpRequest, RetryPolicy, TelegramBot, TelegramSender
from newsdigest.clock import Clock
from newsdigest.config import Config, build_config
from newsdigest.handlers import Core
from newsdigest.store.store import Store
from tests.fakes.telegram_api import FakeTelegram

FAST_RETRY = RetryPolicy(max_attempts=4, backoff=0.01, max_backoff=0.05)


def tg_config(fake: FakeTelegram, base: Config | None = None, **telegram: Any) -> Config:
    """A Config whose [telegram] section points at the fake (short long-poll so stop() is quick)."""
    raw: dict[str, Any] = {"token": fake.token, "base_url": fake.base_url, "base_file_url": fake.base_file_url,
                           "poll_timeout": 2, **telegram}
    cfg = build_config({"telegram": raw})
    return base.replace(telegram=cfg.telegram) if base else cfg


@asynccontextmanager
async def running_bot(core: Core, fake: FakeTelegram, **kwargs: Any) -> AsyncIterator[TelegramBot]:
    """A started TelegramBot (real PTB Application) talking to the fake; stopped on exit."""
    bot = TelegramBot(core, core.config.telegram, **kwargs)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@asynccontextmanager
async def tg_sender(
    fake: FakeTelegram,
    store: Store | None,
    limiter: RateLimiter | None = None,
    retry: RetryPolicy = FAST_RETRY,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[TelegramSender]:
    """A TelegramSender over a plain PTB Bot (no Application), as digests use it; `sleep` is its retry backoff's."""
    bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, request=AiohttpRequest())
    chats = Core(store=store, config=build_config({}), clock=Clock()) if store is not None else None
    async with bot:  # gone and moved chats reach the store through the core, as in the app
        yield TelegramSender(bot, chats, limiter or RateLimiter(), retry, sleep=sleep)
