"""Telegram test fixtures (imported by the telegram test modules; tests/bot/conftest.py is shared)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from telegram import Bot

from newsdigest.bot.ratelimit import RateLimiter
from newsdigest.bot.telegram import AiohttpRequest, RetryPolicy, TelegramBot, TelegramSender
from newsdigest.clock import Clock
from newsdigest.config import Config, TelegramConfig, build_config
from newsdigest.handlers import Core
from newsdigest.store.store import Store
from tests.fakes.telegram_api import FakeTelegram, Limits

FAST_RETRY = RetryPolicy(max_attempts=4, backoff=0.01, max_backoff=0.05)


@pytest.fixture
def tg_fake() -> Iterator[FakeTelegram]:
    """The fake Bot API with Telegram's real flood limits."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def tg_fake_factory() -> Iterator[Callable[..., FakeTelegram]]:
    """Build fakes with other limits; all are stopped at teardown."""
    fakes: list[FakeTelegram] = []

    def make(limits: Limits | None = None, **kwargs: Any) -> FakeTelegram:
        fake = FakeTelegram(limits=limits, **kwargs)
        fake.start()
        fakes.append(fake)
        return fake

    yield make
    for fake in fakes:
        fake.stop()


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


@pytest.fixture
def tg_core(seeded_core: Core, tg_fake: FakeTelegram) -> Core:
    """The seeded core, configured for the fake."""
    seeded_core.config = tg_config(tg_fake, seeded_core.config)
    return seeded_core


@asynccontextmanager
async def tg_sender(
    fake: FakeTelegram, store: Store | None, limiter: RateLimiter | None = None, retry: RetryPolicy = FAST_RETRY
) -> AsyncIterator[TelegramSender]:
    """A TelegramSender over a plain PTB Bot (no Application), as digests use it."""
    bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, request=AiohttpRequest())
    chats = Core(store=store, config=build_config({}), clock=Clock()) if store is not None else None
    async with bot:
        yield TelegramSender(bot, chats, limiter or RateLimiter(), retry)  # gone/moved chats reach the store via the core


def real_limiter(cfg: TelegramConfig | None = None) -> RateLimiter:
    from newsdigest.bot.telegram import limiter_from_config

    return limiter_from_config(cfg or TelegramConfig())


SenderFactory = Callable[..., AbstractAsyncContextManager[TelegramSender]]
