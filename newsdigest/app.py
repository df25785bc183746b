"""Composition root: config -> store -> core -> adapters, poller and scheduler, all in ONE asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsdigest.bot.base import Adapter
from newsdigest.bot.console import ConsoleBot
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import seed_if_empty
from newsdigest.store.store import Store

log = logging.getLogger("newsdigest.app")


def open_store(config: Config, *, seed: bool = True) -> Store:
    """The database at [storage] path; with an empty database and a seeds folder, the samples are ingested."""
    store = Store(config.storage.path)
    if seed:
        seed_if_empty(store, config.bot.seeds)
    return store


def instance_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class App:
    """The running bot. `run()` returns when the console reaches EOF or a stop signal arrives."""

    config: Config
    clock: Clock
    force_console: bool = False
    stdin: TextIO | None = None
    stdout: TextIO | None = None
    image_dir: Path | None = None
    adapters: list[Adapter] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    def build_core(self, store: Store) -> Core:
        return Core(store=store, config=self.config, clock=self.clock)

    def platform_adapters(self, core: Core) -> list[Adapter]:
        adapters: list[Adapter] = []
        if self.config.telegram_enabled:
            from newsdigest.bot.telegram import TelegramBot

            adapters.append(TelegramBot(core, self.config.telegram))
        if self.config.slack_enabled:
            from newsdigest.bot.slack import SlackBot

            adapters.append(SlackBot(core, self.config.slack))
        return adapters

    async def run(self) -> int:
        store = open_store(self.config)
        core = self.build_core(store)
        self.adapters = self.platform_adapters(core)
        console = ConsoleBot(core, self.stdin, self.stdout, self.image_dir) if (
            self.force_console or not self.adapters
        ) else None
        try:
            for adapter in self.adapters:
                await adapter.start()
                log.info("started platform=%s", adapter.platform)
            if console is not None:
                await console.run()
            else:
                self._install_signal_handlers()
                await self._stop.wait()
        finally:
            for adapter in reversed(self.adapters):
                with contextlib.suppress(Exception):
                    await adapter.stop()
            store.close()
        return 0

    def stop(self) -> None:
        self._stop.set()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)
