"""Telegram test fixtures (the fake Bot API, a core configured for it); helpers live in telegram_support.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from newsdigest.handlers import Core
from tests.bot.telegram_support import tg_config
from tests.fakes.telegram_api import FakeTelegram, Limits


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


@pytest.fixture
def tg_core(seeded_core: Core, tg_fake: FakeTelegram) -> Core:
    """The seeded core, configured for the fake."""
    seeded_core.config = tg_config(tg_fake, seeded_core.config)
    return seeded_core
