"""Composition root: config -> store -> core -> adapters, poller and scheduler, all in ONE asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsdigest.bot.base import Adapter, Sender, SendResult
from newsdigest.bot.console import ConsoleBot
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.delivery import Deliverer, acquire_instance_lease
from newsdigest.digests.reminders import ReminderDeliverer
from newsdigest.digests.scheduler import DigestScheduler
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import seed_if_empty
from newsdigest.ingest.poller import Poller
from newsdigest.models import ChatRef
from newsdigest.ops.metrics import METRICS
from newsdigest.store.store import Store

log = logging.getLogger("newsdigest.app")


def open_store(config: Config, *, seed: bool = True) -> Store:
    """The database at [storage] path; with an empty database and a seeds folder, the samples are ingested."""
    store = Store(config.storage.path)
    if seed:
        seed_if_empty(store, config.bot.seeds)
    return store


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
        return Core(store=store, config=self.config, clock=self.clock, observer=METRICS.command_answered)

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
        lease = acquire_instance_lease(store)  # a second instance on this database stops here
        loop = asyncio.get_running_loop()
        core = self.build_core(store)
        self.adapters = self.platform_adapters(core)
        gc.freeze()  # start-up objects live forever: keep them out of the collector's scans (shorter pauses)
        console = ConsoleBot(core, self.stdin, self.stdout, self.image_dir) if (
            self.force_console or not self.adapters
        ) else None
        METRICS.prepare(adapter.platform for adapter in self.adapters)
        health = None
        if self.config.ops.health_port:
            from newsdigest.ops.health import HealthServer, store_probe

            health = HealthServer(self.config.ops.health_host, self.config.ops.health_port, store_probe(store))
        senders: dict[str, Sender] = {a.platform: a for a in self.adapters}
        if console is not None:
            senders["console"] = console
        deliverer = Deliverer(store, self.config, self.clock, senders, lease=lease)
        reminders = ReminderDeliverer(store, self.config, self.clock, senders, lease_held=lambda: lease.held)
        scheduler = DigestScheduler(deliverer, reminders=reminders)
        # Commands run in worker threads; the scheduler belongs to the loop.
        def rebuild_soon() -> None:
            loop.call_soon_threadsafe(scheduler.rebuild)

        core.on_subscriptions_changed = rebuild_soon
        poller = Poller(store, self.config, clock=self.clock)
        tasks: list[asyncio.Task[None]] = []
        try:
            if health is not None:
                await health.start()
            lease.start()
            for adapter in self.adapters:
                await adapter.start()
                log.info("started platform=%s", adapter.platform)
            if not self.clock.replaying:  # replaying the past: no polling, no scheduled sends
                scheduler.start()
                tasks.append(asyncio.create_task(poller.run(), name="newsdigest-poller"))
            if console is not None:
                await console.run()
            else:
                self._install_signal_handlers()
                await self._stop.wait()
        finally:
            poller.stop()
            scheduler.shutdown()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, 10)
            for adapter in reversed(self.adapters):
                with contextlib.suppress(Exception):
                    await adapter.stop()
            await lease.stop()
            if health is not None:
                await health.stop()
            store.close()
        return 0

    def stop(self) -> None:
        self._stop.set()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)


async def platform_sender(store: Store, config: Config, clock: Clock, chat: ChatRef) -> SendResult:
    """`newsdigest digest --chat telegram:ID|slack:CHANNEL`: send through that platform without starting it."""
    from newsdigest.digests.delivery import run_digest_now

    if chat.platform == "telegram" and config.telegram_enabled:
        from newsdigest.bot.telegram import TelegramSender, bot_client, limiter_from_config

        async with bot_client(config.telegram) as bot:
            sender = TelegramSender(bot, store, limiter_from_config(config.telegram))
            run = await run_digest_now(store, config, clock, chat, sender=sender)
    elif chat.platform == "slack" and config.slack_enabled:
        from newsdigest.bot.slack import SlackBot

        slack = SlackBot(App(config, clock).build_core(store), config.slack)
        try:
            run = await run_digest_now(store, config, clock, chat, sender=slack)
        finally:
            await slack.stop()
    else:
        raise ValueError(f"{chat.platform} is not configured (set its token first)")
    assert run.result is not None
    return run.result


@contextlib.asynccontextmanager
async def sender_for(store: Store, config: Config, clock: Clock, platform: str) -> AsyncIterator[Sender]:
    """A Sender for one configured platform, without starting its adapter (for `newsdigest remind`)."""
    if platform == "telegram" and config.telegram_enabled:
        from newsdigest.bot.telegram import TelegramSender, bot_client, limiter_from_config

        async with bot_client(config.telegram) as bot:
            yield TelegramSender(bot, store, limiter_from_config(config.telegram))
    elif platform == "slack" and config.slack_enabled:
        from newsdigest.bot.slack import SlackBot

        slack = SlackBot(App(config, clock).build_core(store), config.slack)
        try:
            yield slack
        finally:
            await slack.stop()
    else:
        raise ValueError(f"{platform} is not configured (set its token first)")
