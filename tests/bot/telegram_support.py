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
from tests.fakes.virtual_time import VirtualTime

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


class HeldRequest(AiohttpRequest):
    """The bot's own networking, holding virtual time while each request is in flight to the fake's thread."""

    def __init__(self, vt: VirtualTime) -> None:
        super().__init__()
        self._vt = vt

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        with self._vt.holding():
            return await super().do_request(*args, **kwargs)


@asynccontextmanager
async def tg_sender(
    fake: FakeTelegram,
    store: Store | None,
    limiter: RateLimiter | None = None,
    retry: RetryPolicy = FAST_RETRY,
    sleep: Sleep = asyncio.sleep,
    vt: VirtualTime | None = None,
) -> AsyncIterator[TelegramSender]:
    """A TelegramSender over a plain PTB Bot (no Application), as digests use it; `sleep` is its retry backoff's.

    With `vt` (the virtual time the fake and the limiter run on), its clock stands still while a request is in
    flight, so the fake sees each message at the virtual instant the limiter let it go."""
    request = AiohttpRequest() if vt is None else HeldRequest(vt)
    bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, request=request)
    chats = Core(store=store, config=build_config({}), clock=Clock()) if store is not None else None
    async with bot:  # gone and moved chats reach the store through the core, as in the app
        yield TelegramSender(bot, chats, limiter or RateLimiter(), retry, sleep=sleep)
