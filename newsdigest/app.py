"""Composition root: config -> store -> core -> adapters, poller and scheduler, all in ONE asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import logging
import os
import signal
import stat
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsdigest.bot.console import ConsoleBot
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.delivery import Deliverer, acquire_instance_lease
from newsdigest.digests.ondemand import run_digest_now
from newsdigest.digests.reminders import ReminderDeliverer
from newsdigest.digests.scheduler import DigestScheduler
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import seed_if_empty
from newsdigest.ingest.poller import Poller
from newsdigest.models import ChatRef
from newsdigest.ops.health import HealthServer, store_probe
from newsdigest.ops.metrics import METRICS
from newsdigest.sender import Adapter, Sender, SendResult
from newsdigest.store.gateway import Gateway
from newsdigest.store.store import Store
from newsdigest.stories.service import ensure_assigned, warm_views
from newsdigest.summarize.service import build_briefs

log = logging.getLogger("newsdigest.app")


def open_store(config: Config, *, seed: bool = True, gateway: Gateway | None = None) -> Store:
    """The database of [storage] (url, else path); with an empty database and a seeds folder, the samples are ingested."""
    store = Store(config.storage.target, gateway=gateway)
    if seed:
        seed_if_empty(store, config.bot.seeds)
    return store


NO_PLATFORM = ("no chat platform configured and no terminal to chat on: set NEWSDIGEST_TELEGRAM_TOKEN "
               "(or NEWSDIGEST_SLACK_BOT_TOKEN with NEWSDIGEST_SLACK_APP_TOKEN or NEWSDIGEST_SLACK_SIGNING_SECRET), "
               "e.g. in .env for docker compose, and restart; staying up (feeds, /healthz) until then")


def stdin_is_a_chat(stdin: TextIO) -> bool:
    """A terminal, a pipe or a file can carry console commands; /dev/null or a closed stdin (a container started
    without a terminal) cannot: reading it would only meet EOF and end the bot."""
    try:
        if stdin.isatty():
            return True
        mode = os.fstat(stdin.fileno()).st_mode
    except io.UnsupportedOperation:  # an in-memory stream handed in by the caller
        return True
    except (OSError, ValueError):  # closed
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode) or stat.S_ISSOCK(mode)


async def drain_backlog(gateway: Gateway, store: Store, *, idle_s: float = 1.0) -> None:
    """Place a bulk import's waiting articles in the background, one batch (one short write) per trip to the writer,
    so other writes interleave and no command has to spend its clustering budget on the backlog."""
    while await gateway.read(store.has_unassigned):
        placed = await gateway.write(ensure_assigned, store, max_batches=1)
        if not placed:  # a command of this process is clustering right now, or the database is busy
            await asyncio.sleep(idle_s)


async def place_and_warm(gateway: Gateway, store: Store, clock: Clock) -> int:
    """Place new articles into stories (on the writer), then build the views of the stories that gained some (a
    read, off the writer), so the first ask after this news finds its view ready. Returns how many were placed."""
    changed: set[int] = set()
    placed = await gateway.write(ensure_assigned, store, changed=changed)
    if changed:
        await gateway.read(warm_views, store, sorted(changed), as_of=clock.as_of, today=clock.today())
    return placed


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
        return Core(store=store, config=self.config, clock=self.clock, observer=METRICS.command_answered,
                    briefs=build_briefs(self.config.summarize, self.clock))

    def platform_adapters(self, core: Core) -> list[Adapter]:
        adapters: list[Adapter] = []
        # The platform SDKs (python-telegram-bot, slack-bolt) are heavy: imported only when that platform is configured.
        if self.config.telegram_enabled:
            from newsdigest.bot.telegram import TelegramBot

            adapters.append(TelegramBot(core, self.config.telegram))
        if self.config.slack_enabled:
            from newsdigest.bot.slack import SlackBot

            adapters.append(SlackBot(core, self.config.slack))
        return adapters

    def _console(self, core: Core) -> ConsoleBot | None:
        """The console chat: asked for, or no platform and a stdin that can carry commands."""
        if self.adapters and not self.force_console:
            return None
        if self.force_console or stdin_is_a_chat(self.stdin or sys.stdin):
            return ConsoleBot(core, self.stdin, self.stdout, self.image_dir)
        log.warning(NO_PLATFORM)
        return None

    async def run(self) -> int:
        gateway = Gateway()
        # Opening (migrations, seeding) and the lease are store writes: on the gateway's writer, off the loop.
        try:
            store = await gateway.write(open_store, self.config, gateway=gateway)
        except BaseException:
            gateway.close()
            raise
        try:
            lease = await gateway.write(acquire_instance_lease, store)  # a second instance stops here
        except BaseException:
            await gateway.write(store.close_connections)
            gateway.close()
            raise
        core = self.build_core(store)
        self.adapters = self.platform_adapters(core)
        gc.freeze()  # start-up objects live forever: keep them out of the collector's scans (shorter pauses)
        console = self._console(core)
        METRICS.prepare(adapter.platform for adapter in self.adapters)
        health = None
        if self.config.ops.health_port:
            health = HealthServer(self.config.ops.health_host, self.config.ops.health_port, store_probe(store))
        senders: dict[str, Sender] = {a.platform: a for a in self.adapters}
        if console is not None:
            senders["console"] = console
        deliverer = Deliverer(store, self.config, self.clock, senders, lease=lease, briefs=core.briefs)
        reminders = ReminderDeliverer(store, self.config, self.clock, senders, lease_held=lambda: lease.held)
        scheduler = DigestScheduler(deliverer, reminders=reminders)
        core.on_subscriptions_changed = scheduler.request_rebuild  # commands run on gateway threads

        async def cluster_new_articles() -> int:
            return await place_and_warm(gateway, store, self.clock)

        poller = Poller(store, self.config, clock=self.clock, after_new_articles=cluster_new_articles)
        tasks: list[asyncio.Task[None]] = []
        backlog = asyncio.create_task(drain_backlog(gateway, store), name="newsdigest-backlog")
        try:
            if health is not None:
                await health.start()
            lease.start()
            for adapter in self.adapters:
                await adapter.start()  # a rejected token raises ConfigError: one line from the CLI
                log.info("started platform=%s", adapter.platform)
            if not self.clock.replaying:  # replaying the past: no polling, no scheduled sends
                await scheduler.start()
                tasks.append(asyncio.create_task(poller.run(), name="newsdigest-poller"))
            if console is not None:
                await console.run()
            else:
                self._install_signal_handlers()
                await self._stop.wait()
        finally:
            backlog.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await backlog
            poller.stop()
            scheduler.shutdown()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(task, 10)
            for adapter in reversed(self.adapters):  # one that failed to start still closes its sessions
                with contextlib.suppress(Exception):
                    await adapter.stop()
            await lease.stop()
            if health is not None:
                await health.stop()
            if core.briefs is not None:
                core.briefs.close()
            await gateway.write(store.close_connections)  # after the writes queued before it
            gateway.close()
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
    if chat.platform == "telegram" and config.telegram_enabled:  # platform SDKs imported only when used (heavy)
        from newsdigest.bot.telegram import TelegramSender, checked_bot, limiter_from_config

        async with checked_bot(config.telegram) as bot:
            sender = TelegramSender(bot, App(config, clock).build_core(store), limiter_from_config(config.telegram))
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
        from newsdigest.bot.telegram import TelegramSender, checked_bot, limiter_from_config

        async with checked_bot(config.telegram) as bot:
            yield TelegramSender(bot, App(config, clock).build_core(store), limiter_from_config(config.telegram))
    elif platform == "slack" and config.slack_enabled:
        from newsdigest.bot.slack import SlackBot

        slack = SlackBot(App(config, clock).build_core(store), config.slack)
        try:
            yield slack
        finally:
            await slack.stop()
    else:
        raise ValueError(f"{platform} is not configured (set its token first)")
