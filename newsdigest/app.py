"""Composition root: config -> store -> core -> adapters, poller and scheduler, all in ONE asyncio loop.

Worker roles. On SQLite one process runs everything (the instance lease refuses a second one: SQLite has a single
writer and no row locks to share a broadcast with). On PostgreSQL any number of `newsdigest run` processes share the
database: each holds a worker lease, answers commands (Telegram webhook, Slack HTTP or Socket Mode) and claims
pending digests and reminders every `[workers] poll_seconds`; the one holding the leader lease also runs the feed
poller, the digest scheduler (which writes due slots as pending rows), the backlog clustering and Telegram long
polling (single-consumer). Sends draw from rate budgets shared in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import gc
import io
import logging
import os
import signal
import stat
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsdigest.bot.console import ConsoleBot
from newsdigest.bot.ratelimit import SharedBudget, gcra_reserve
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.coalesce import GroupCommit
from newsdigest.digests.delivery import Deliverer
from newsdigest.digests.leases import InstanceLease, Leadership, acquire_instance_lease, default_holder, worker_lease
from newsdigest.digests.ondemand import run_digest_now
from newsdigest.digests.reminders import ReminderDeliverer
from newsdigest.digests.scheduler import DigestScheduler
from newsdigest.errors import StoreError
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import seed_if_empty
from newsdigest.ingest.poller import Poller
from newsdigest.models import ChatRef
from newsdigest.ops.health import HealthServer, store_probe
from newsdigest.ops.metrics import METRICS
from newsdigest.sender import Adapter, LeaderReceiver, Sender, SendResult
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
               "e.g. in .env for docker compose, and restart; staying up ({serving}) until then")


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


class StoreBudget:
    """bot.ratelimit.SharedBudget over the database's rate buckets: one pace for every worker of a bot.

    `clock` is wall time (seconds), the same on every host (NTP), unlike a process's monotonic clock. When the
    database does not answer, a send paces by its own process's budget only (logged once per outage)."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        self._outage = False
        # a broadcast reserves for dozens of messages at once: those that arrive together share one transaction
        self._reservations: GroupCommit[tuple[str, Callable[[float | None], tuple[float, float]]], float] = \
            GroupCommit(self._reserve_many)

    async def reserve(self, key: str, interval: float, tolerance: float) -> float:
        update = functools.partial(self._update, interval=interval, tolerance=tolerance)
        try:
            wait = await self._reservations.submit((key, update))
        except StoreError as exc:
            if not self._outage:
                log.warning("shared rate budget unavailable (%s): pacing by this worker's own budget meanwhile", exc)
            self._outage = True
            return 0.0
        self._outage = False
        return wait

    async def _reserve_many(self, updates: list[tuple[str, Callable[[float | None], tuple[float, float]]]]
                            ) -> list[float]:
        # On a reader thread: the bucket's row lock orders the workers (PostgreSQL only; SQLite runs one process and
        # needs no shared bucket), and reservations must not queue behind the ledger's writes.
        return await self.store.gateway.read(self.store.update_rate_buckets, updates)

    def _update(self, tat: float | None, *, interval: float, tolerance: float) -> tuple[float, float]:
        return gcra_reserve(tat, self.clock(), interval, tolerance)  # read on the writer: as late as possible


@dataclass
class LeaderDuties:
    """What only the leader runs: the feed poller, the digest scheduler, the backlog clustering, long polling.

    `gain()` / `loss()` start and stop them (on SQLite the one process gains at start and loses at exit)."""

    app: App
    store: Store
    core: Core
    deliverer: Deliverer
    reminders: ReminderDeliverer
    refresh_on_catch_up: bool = False  # several workers: subscriptions may change on another worker
    scheduler: DigestScheduler | None = None
    poller: Poller | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def gain(self) -> None:
        gateway = self.store.gateway
        self.tasks.append(asyncio.create_task(drain_backlog(gateway, self.store), name="newsdigest-backlog"))
        if not self.app.clock.replaying:  # replaying the past: no polling, no scheduled sends
            self.scheduler = DigestScheduler(self.deliverer, reminders=self.reminders,
                                             refresh_on_catch_up=self.refresh_on_catch_up)
            self.core.on_subscriptions_changed = self.scheduler.request_rebuild  # commands run on gateway threads
            await self.scheduler.start()

            async def cluster_new_articles() -> int:
                return await place_and_warm(gateway, self.store, self.app.clock)

            self.poller = Poller(self.store, self.app.config, clock=self.app.clock, after_new_articles=cluster_new_articles)
            self.tasks.append(asyncio.create_task(self.poller.run(), name="newsdigest-poller"))
        for adapter in self.app.adapters:
            if isinstance(adapter, LeaderReceiver):
                await adapter.start_polling()

    async def loss(self) -> None:
        for adapter in self.app.adapters:
            if isinstance(adapter, LeaderReceiver):
                with contextlib.suppress(Exception):
                    await adapter.stop_polling()
        if self.poller is not None:
            self.poller.stop()
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.core.on_subscriptions_changed = None
        for task in self.tasks:
            if task.get_name() == "newsdigest-backlog":
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        self.tasks.clear()
        self.scheduler = self.poller = None


async def claim_forever(deliverer: Deliverer, reminders: ReminderDeliverer, seconds: float, stop: asyncio.Event) -> None:
    """Every worker: claim and send pending digests and reminders (whoever wrote them), until `stop` is set."""
    while not stop.is_set():
        try:
            await deliverer.drain()
            await reminders.drain()
        except StoreError as exc:  # the database restarting: the next round claims again
            log.warning("claiming pending deliveries failed: %s", exc)
        except Exception:  # one bad row must not stop this worker's deliveries
            log.exception("claiming pending deliveries failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)


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

    def platform_adapters(self, core: Core, shared: SharedBudget | None = None) -> list[Adapter]:
        """`shared`: several workers (the rate budgets they share; Telegram then long-polls only on the leader)."""
        adapters: list[Adapter] = []
        # The platform SDKs (python-telegram-bot, slack-bolt) are heavy: imported only when that platform is configured.
        if self.config.telegram_enabled:
            from newsdigest.bot.telegram import TelegramBot, limiter_from_config

            adapters.append(TelegramBot(core, self.config.telegram, poll=False,
                                        limiter=limiter_from_config(self.config.telegram, shared=shared)))
        if self.config.slack_enabled:
            from newsdigest.bot.slack import SlackBot

            adapters.append(SlackBot(core, self.config.slack, shared=shared))
        return adapters

    def _console(self, core: Core) -> ConsoleBot | None:
        """The console chat: asked for, or no platform and a stdin that can carry commands."""
        if self.adapters and not self.force_console:
            return None
        if self.force_console or stdin_is_a_chat(self.stdin or sys.stdin):
            return ConsoleBot(core, self.stdin, self.stdout, self.image_dir)
        port = self.config.ops.health_port  # /healthz only where [ops] health_port opens it
        log.warning(NO_PLATFORM.format(serving=f"feeds, /healthz on port {port}" if port else "feeds"))
        return None

    async def run(self) -> int:
        gateway = Gateway()
        # Opening (migrations, seeding) and the lease are store writes: on the gateway's writer, off the loop.
        try:
            store = await gateway.write(open_store, self.config, gateway=gateway)
        except BaseException:
            gateway.close()
            raise
        workers = store.supports_workers  # PostgreSQL: several processes share the work
        holder = default_holder()
        ttl = dt.timedelta(seconds=self.config.workers.leader_takeover_seconds)
        try:
            lease: InstanceLease = await (gateway.write(worker_lease, store, holder, ttl) if workers
                                          else gateway.write(acquire_instance_lease, store))  # SQLite: a 2nd one stops here
        except BaseException:
            await gateway.write(store.close_connections)
            gateway.close()
            raise
        core = self.build_core(store)
        self.adapters = self.platform_adapters(core, StoreBudget(store) if workers else None)
        gc.freeze()  # start-up objects live forever: keep them out of the collector's scans (shorter pauses)
        console = self._console(core)
        METRICS.prepare(adapter.platform for adapter in self.adapters)
        health = None
        if self.config.ops.health_port:
            health = HealthServer(self.config.ops.health_host, self.config.ops.health_port, store_probe(store))
        senders: dict[str, Sender] = {a.platform: a for a in self.adapters}
        if console is not None:
            senders["console"] = console
        mine = holder if workers else None  # SQLite: the only process, claims need no name
        deliverer = Deliverer(store, self.config, self.clock, senders, lease=lease, briefs=core.briefs, holder=mine)
        reminders = ReminderDeliverer(store, self.config, self.clock, senders, lease_held=lambda: lease.held, holder=mine,
                                      take_over=lambda: lease.steady, takeover_margin=ttl / 2)
        duties = LeaderDuties(self, store, core, deliverer, reminders, refresh_on_catch_up=workers)
        leadership = Leadership(store, holder, ttl, on_gain=duties.gain, on_loss=duties.loss) if workers else None
        stop_claiming = asyncio.Event()
        claimer: asyncio.Task[None] | None = None
        try:
            if health is not None:
                await health.start()
            lease.start()
            for adapter in self.adapters:
                await adapter.start()  # a rejected token raises ConfigError: one line from the CLI
                log.info("started platform=%s", adapter.platform)
            if leadership is None:
                await duties.gain()
            else:
                log.info("worker started holder=%s (PostgreSQL: several workers share this database)", holder)
                leadership.start()
                if not self.clock.replaying:
                    claimer = asyncio.create_task(claim_forever(deliverer, reminders, self.config.workers.poll_seconds,
                                                                stop_claiming), name="newsdigest-claims")
            if console is not None:
                await console.run()
            else:
                self._install_signal_handlers()
                await self._stop.wait()
        finally:
            stop_claiming.set()
            if leadership is not None:
                await leadership.stop()  # hands the lead over at once
            else:
                await duties.loss()
            if claimer is not None:  # lets the sends under way finish and be marked
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(claimer, 30)
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
