"""Telegram adapter: a python-telegram-bot v22 Application run inside our own asyncio loop.

`TelegramBot.start()` initializes the Application, publishes the command menu (English and German),
starts it and then long-polls (or serves a webhook) — never `run_polling()`, which would own the loop.
Every command of the shared core gets a CommandHandler (PTB ignores `/cmd@otherbot`); unknown commands
go to the core too, so they get its "unknown command" reply; plain text in a private chat gets a hint.

`TelegramSender` delivers Replies — answers and digests alike — within Telegram's flood limits (overall,
per chat, per group per minute; see `ratelimit.py`) and acts on what Telegram answers:
429 -> that chat waits `retry_after` and the same part is sent again; 403 -> the chat is gone (deactivated);
400 migrate_to_chat_id -> the chat moved (store updated, resent there); 5xx / network -> bounded
exponential backoff. A multi-part reply is sent in order and resumes at the part that failed.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import functools
import hashlib
import html
import json
import logging
import os
import random
import re
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

# Opt in to python-telegram-bot's coming semantics (durations as timedelta; silences its v22 deprecation warnings).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot, BotCommand, InputFile, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

from newsdigest import texts
from newsdigest.bot.ratelimit import BULK, INTERACTIVE, Clock, RateLimiter, SharedBudget, Sleep
from newsdigest.bot.telegram_render import Part, Photo, render
from newsdigest.config import ConfigError, TelegramConfig
from newsdigest.handlers import all_commands, not_a_command
from newsdigest.handlers.registry import ALIASES
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.reply import Reply, error_reply
from newsdigest.sender import ChatEvents, SendOutcome, SendResult

if TYPE_CHECKING:
    from newsdigest.handlers import Core

log = logging.getLogger("newsdigest.telegram")

PLATFORM = Platform.TELEGRAM
ALLOWED_UPDATES = ["message", "my_chat_member"]  # commands; the bot added to / removed from a chat
CHAT_BURST = 3  # Telegram tolerates short bursts above 1 msg/s in one chat
OVERALL_BURST = 3  # lets the pacing catch up after the event loop woke a few ms late, so 30/s is really reached
GROUP_PERIOD = 60.0
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before reporting FAILED. Backoff doubles from `backoff` up to `max_backoff` seconds."""

    max_attempts: int = 5  # for 5xx / network errors, per message
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_rate_limited: int = 10  # 429s in a row for one message before giving up


def limiter_from_config(
    cfg: TelegramConfig, *, group_period: float = GROUP_PERIOD, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep,
    shared: SharedBudget | None = None,
) -> RateLimiter:
    """The bot's budgets; `shared`: the bucket every worker of this bot draws from (several workers)."""
    return RateLimiter(
        overall_rate=cfg.rate_per_second or None,
        overall_burst=OVERALL_BURST,
        key_rate=cfg.rate_per_chat or None,
        key_burst=CHAT_BURST,
        group_count=cfg.rate_per_group_minute or None,
        group_period=group_period,
        clock=clock,
        sleep=sleep,
        shared=shared,
        shared_name="telegram",
    )


def is_group(chat_id: str) -> bool:
    """Telegram group, supergroup and channel ids are negative."""
    return chat_id.startswith("-")


TOPIC_SEPARATOR = "/"
# What Telegram answers for a forum topic that is gone or closed: only that topic stops, the chat carries on.
_TOPIC_GONE = ("message thread not found", "topic_closed", "topic_deleted", "topic_id_invalid")


def topic_chat_id(chat_id: str, thread_id: int | None) -> str:
    """A forum topic is its own destination: '-1001234/7' (subscriptions, ledger and pauses are per topic)."""
    return f"{chat_id}{TOPIC_SEPARATOR}{thread_id}" if thread_id else chat_id


def split_topic(chat_id: str) -> tuple[str, int | None]:
    """'-1001234/7' -> ('-1001234', 7); a plain chat id -> (chat_id, None)."""
    base, sep, thread = chat_id.partition(TOPIC_SEPARATOR)
    return (base, int(thread)) if sep and thread.isdigit() else (chat_id, None)


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form is deprecated; we accept both
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _plain(text: str) -> str:
    """The visible text of our own HTML (fallback when Telegram refuses to parse it)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


_DefaultValue = type(BaseRequest.DEFAULT_NONE)  # PTB's "argument not given" marker
_JSON_HEADERS = {"Content-Type": "application/json"}
# Bot API method names are case-insensitive; the lower-case spelling is not a Bot attribute, so PTB does not
# ask us to "use Bot.send_message instead" (which would parse the answer we do not need; see _send_text).
_SEND_MESSAGE = "sendmessage"
_NO_PREVIEW = {"is_disabled": True}


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's networking over aiohttp instead of httpx.

    Same Bot API, same PTB exceptions; measured on loopback, httpx spends about eight times the CPU per request,
    which decides how many digests a second one process can hand to Telegram.
    """

    def __init__(
        self,
        *,
        pool_size: int = 16,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        pool_timeout: float = 30.0,
    ) -> None:
        self._pool_size = pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, _DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, _DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, _DefaultValue) else pool_timeout
        timeout = _client_timeout(connect, pool, read)
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and request_data.contains_files:
            body = aiohttp.FormData()
            for key, value in request_data.json_parameters.items():
                body.add_field(key, value)
            for name, (filename, content, mime) in request_data.multipart_data.items():
                body.add_field(name, content, filename=filename, content_type=mime)
        elif request_data is not None:
            # A JSON body (the Bot API takes application/json): url-encoding a 4 kB HTML digest character by
            # character cost a fifth of the CPU of a send. Nested values (link_preview_options) stay objects.
            body, headers = json.dumps(request_data.parameters).encode(), _JSON_HEADERS
        try:
            async with self._session.request(method, url, data=body, headers=headers, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


@functools.lru_cache(maxsize=16)
def _client_timeout(connect: float | None, pool: float | None, read: float | None) -> aiohttp.ClientTimeout:
    """One immutable timeout object per combination (building an attrs object per send showed in profiles)."""
    return aiohttp.ClientTimeout(
        connect=None if connect is None or pool is None else connect + pool, sock_connect=connect, sock_read=read
    )


def bot_client(cfg: TelegramConfig, request: AiohttpRequest | None = None) -> Bot:
    """A bare PTB Bot for sending without an Application; `checked_bot` is the one to `async with`."""
    assert cfg.token is not None
    return Bot(cfg.token, base_url=cfg.base_url, base_file_url=cfg.base_file_url, request=request or AiohttpRequest())


TOKEN_REFUSED = ("Telegram refused the bot token (getMe: unauthorized): copy the token from @BotFather "
                 "(/mybots → API Token) into NEWSDIGEST_TELEGRAM_TOKEN")


@contextlib.asynccontextmanager
async def checked_bot(cfg: TelegramConfig) -> AsyncIterator[Bot]:
    """`async with checked_bot(cfg) as bot:` (e.g. `newsdigest digest`); a refused token is one ConfigError line."""
    request = AiohttpRequest()
    bot = bot_client(cfg, request)
    try:
        await bot.initialize()  # getMe
    except InvalidToken:  # PTB's message quotes the token: not repeated here
        await request.shutdown()  # Bot.shutdown skips a bot whose initialize failed
        raise ConfigError(TOKEN_REFUSED) from None
    try:
        yield bot
    finally:
        await bot.shutdown()


class _Gone(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Moved(Exception):
    def __init__(self, new_chat_id: str) -> None:
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id


class _GaveUp(Exception):
    pass


class TelegramSender:
    """Sends Replies through a PTB Bot within the flood limits; see the module docstring for the error policy."""

    platform = PLATFORM

    def __init__(
        self,
        bot: Bot,
        chats: ChatEvents | None,
        limiter: RateLimiter,
        retry: RetryPolicy | None = None,
        *,
        max_in_flight: int = 16,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self._sleep = sleep  # the retry backoff's (tests pass a virtual one)
        self.chats = chats  # told about gone and migrated chats (None: nobody to tell, e.g. a benchmark)
        self.limiter = limiter
        self.retry = retry or RetryPolicy()
        # Bounded concurrency: a broadcast to 10,000 chats must not queue 10,000 requests in the HTTP pool.
        self._in_flight = asyncio.Semaphore(max_in_flight)
        # (chat, reply digest) -> parts already delivered, so a retried reply resumes instead of repeating.
        self._progress: collections.OrderedDict[tuple[str, str], int] = collections.OrderedDict()

    async def send(self, chat_id: str, reply: Reply, *, interactive: bool = False,
                   reply_to: int | None = None) -> SendResult:
        """Send to a chat or a forum topic ('-1001234/7'); `reply_to`: the first part answers that message."""
        parts, digest = _render(reply)
        if not parts:
            return SendResult(SendOutcome.SENT, 0, detail="nothing to send")
        key = (chat_id, digest)
        priority = INTERACTIVE if interactive else BULK
        target = chat_id
        sent = migrations = 0
        async with self.limiter.exclusive(split_topic(chat_id)[0]):
            index = self._progress.get(key, 0)
            while index < len(parts):
                try:
                    await self._send_part(target, parts[index], priority, reply_to if index == 0 else None)
                except _Moved as moved:
                    migrations += 1
                    if moved.new_chat_id == target or migrations > 2:  # Telegram migrates a group once
                        return SendResult(SendOutcome.FAILED, sent, _moved(chat_id, target), "migration loop")
                    await self._migrate(target, moved.new_chat_id)
                    target = moved.new_chat_id
                    continue
                except _Gone as gone:
                    self._progress.pop(key, None)
                    await self._deactivate(target, gone.reason)
                    return SendResult(SendOutcome.GONE, sent, _moved(chat_id, target), gone.reason)
                except _GaveUp as exc:
                    self._remember(key, index)
                    return SendResult(SendOutcome.FAILED, sent, _moved(chat_id, target), str(exc))
                index += 1
                sent += 1
                self._remember(key, index)
            self._progress.pop(key, None)
        return SendResult(SendOutcome.SENT, sent, _moved(chat_id, target))

    def _remember(self, key: tuple[str, str], index: int) -> None:
        self._progress[key] = index
        self._progress.move_to_end(key)
        while len(self._progress) > 4096:
            self._progress.popitem(last=False)

    async def _send_part(self, destination: str, part: Part, priority: int, reply_to: int | None = None) -> None:
        """Deliver one message, retrying 429 and transient errors; raises _Moved, _Gone or _GaveUp."""
        failures = rate_limited = 0
        plain = False
        chat_id, thread = split_topic(destination)  # Telegram's limits count per chat, topics included
        group = is_group(chat_id)
        while True:
            try:
                async with self.limiter.slot(chat_id, group=group, priority=priority), self._in_flight:
                    await self._deliver(chat_id, part, plain=plain, thread=thread, reply_to=reply_to)
                return
            except RetryAfter as exc:
                rate_limited += 1
                wait = _retry_seconds(exc)
                log.warning("telegram 429 chat=%s retry_after=%.2fs (%d)", chat_id, wait, rate_limited)
                if rate_limited > self.retry.max_rate_limited:
                    raise _GaveUp(f"still rate limited after {rate_limited} tries") from exc
                self.limiter.block(chat_id, wait)
            except ChatMigrated as exc:
                raise _Moved(str(exc.new_chat_id)) from exc
            except Forbidden as exc:
                raise _Gone(exc.message) from exc
            except BadRequest as exc:
                reason = exc.message.lower()
                if "chat not found" in reason or "user is deactivated" in reason:
                    raise _Gone(exc.message) from exc
                if thread is not None and any(t in reason for t in _TOPIC_GONE):
                    raise _Gone(exc.message) from exc  # the topic was deleted or closed: pause it, not the chat
                if "can't parse entities" in reason and isinstance(part, str) and not plain:
                    log.error("telegram refused our HTML chat=%s: %s; resending as plain text", chat_id, exc.message)
                    plain = True
                    continue
                raise _GaveUp(f"bad request: {exc.message}") from exc
            except InvalidToken as exc:
                raise _GaveUp(f"invalid token: {exc.message}") from exc
            except NetworkError as exc:  # 5xx, timeouts, connection errors (BadRequest is handled above)
                failures += 1
                if failures >= self.retry.max_attempts:
                    raise _GaveUp(f"{failures} attempts failed, last: {exc.message}") from exc
                delay = min(self.retry.max_backoff, self.retry.backoff * 2 ** (failures - 1))
                delay *= random.uniform(0.8, 1.2)  # jitter: many chats hit by one outage do not retry in lockstep
                log.warning("telegram send failed chat=%s: %s; retry %d in %.2fs", chat_id, exc.message, failures,
                            delay)
                await self._sleep(delay)
            except TelegramError as exc:
                raise _GaveUp(exc.message) from exc

    async def _deliver(self, chat_id: str, part: Part, *, plain: bool = False, thread: int | None = None,
                       reply_to: int | None = None) -> None:
        target: int | str = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
        where: dict[str, Any] = {}
        if thread is not None:
            where["message_thread_id"] = thread
        if reply_to is not None:  # an answer in a group quotes the question; sent anyway if it was deleted
            where["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
        if isinstance(part, Photo):
            await self.bot.send_photo(
                chat_id=target, photo=InputFile(part.data, filename=part.filename), caption=part.caption or None,
                message_thread_id=thread,
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None,
            )
        elif plain:
            await self._send_text({"chat_id": target, "text": _plain(part), "link_preview_options": _NO_PREVIEW,
                                   **where})
        else:
            await self._send_text(
                {"chat_id": target, "text": part, "parse_mode": ParseMode.HTML.value, "link_preview_options": _NO_PREVIEW,
                 **where}
            )

    async def _send_text(self, params: dict[str, Any]) -> None:
        """sendMessage without building PTB's Message from the answer: we only need "accepted", and turning the
        echoed text and its entities into frozen PTB objects was a fifth of the CPU of a send. Errors (429, 403,
        migration, 5xx) are raised by PTB's request layer exactly as for send_message."""
        await self.bot.do_api_request(_SEND_MESSAGE, api_kwargs=params)

    async def _deactivate(self, chat_id: str, reason: str) -> None:
        log.warning("telegram chat gone chat=%s: %s", chat_id, reason)
        if self.chats is not None:
            await self.chats.chat_gone(ChatRef(PLATFORM, chat_id, _kind(chat_id)), reason)

    async def _migrate(self, old: str, new: str) -> None:
        log.info("telegram chat migrated %s -> %s", old, new)
        if self.chats is not None:
            await self.chats.chat_moved(PLATFORM, old, new)


def _moved(original: str, target: str) -> str | None:
    return target if target != original else None


def _kind(chat_id: str) -> ChatKind:
    return ChatKind.GROUP if is_group(chat_id) else ChatKind.PRIVATE


@functools.lru_cache(maxsize=64)
def _render(reply: Reply) -> tuple[list[Part], str]:
    """A broadcast sends the same digest to thousands of chats: render and hash it once (parts are never mutated)."""
    parts = render(reply)
    return parts, _digest(parts)


def _digest(parts: list[Part]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, Photo):
            h.update(b"P" + hashlib.blake2b(part.data, digest_size=16).digest() + part.caption.encode())
        else:
            h.update(b"T" + part.encode("utf-8", "replace"))
        h.update(b"\0")
    return h.hexdigest()


def chat_ref(chat: Any, message: Any = None) -> ChatRef:
    """A PTB Chat -> our ChatRef (groups and supergroups are both 'group').

    A message written in a forum topic makes the topic the chat ('-1001234/7'): answers, digests and reminders
    subscribed there go back into that topic. (Replies in other groups carry a message_thread_id too: only a
    forum's topic messages count.)"""
    kind = {"private": ChatKind.PRIVATE, "channel": ChatKind.CHANNEL}.get(chat.type, ChatKind.GROUP)
    thread = None
    if message is not None and getattr(chat, "is_forum", False) and getattr(message, "is_topic_message", False):
        thread = getattr(message, "message_thread_id", None)
    return ChatRef(PLATFORM, topic_chat_id(str(chat.id), thread), kind)


def menu(lang: str) -> list[BotCommand]:
    """The command menu for setMyCommands: every non-admin command of the core with its help text."""
    out = []
    for spec in all_commands().values():
        if spec.admin or not _COMMAND_NAME.match(spec.name):
            continue
        desc = (spec.help(lang) or spec.name).strip()[:256]
        out.append(BotCommand(spec.name, desc))
    return out[:100]


class TelegramBot:
    """The Telegram platform adapter (Adapter protocol): start/stop inside the app's loop, send Replies."""

    platform = PLATFORM

    def __init__(
        self,
        core: Core,
        cfg: TelegramConfig | None = None,
        *,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        concurrent_updates: int = 64,
        poll: bool = True,
    ) -> None:
        self.core = core
        # Long polling is single-consumer (Telegram answers a second getUpdates with 409): with several workers only
        # the leader polls (app.py calls start_polling / stop_polling as the role moves); webhooks are served by all.
        self.poll = poll
        self._polling_task: asyncio.Task[None] | None = None
        self.conflicted = False
        self.cfg = cfg or core.config.telegram
        if not self.cfg.token:
            raise ValueError("TelegramBot needs [telegram] token (or NEWSDIGEST_TELEGRAM_TOKEN)")
        self.app: Application[Any, Any, Any, Any, Any, Any] = self._build(concurrent_updates)
        self.limiter = limiter or limiter_from_config(self.cfg)
        self.sender = TelegramSender(self.app.bot, core, self.limiter, retry)
        self._chat_order = RateLimiter()  # budgets off: only its per-chat exclusive() is used
        self.username: str | None = None

    # ------------------------------------------------------------ wiring

    def _build(self, concurrent_updates: int) -> Application[Any, Any, Any, Any, Any, Any]:
        cfg = self.cfg
        assert cfg.token is not None
        request = AiohttpRequest(pool_size=16)
        # get_updates adds its long-poll timeout to read_timeout itself
        updates_request = AiohttpRequest(pool_size=2, read_timeout=10.0, pool_timeout=5.0)
        self._requests = (request, updates_request)
        app = (
            ApplicationBuilder()
            .token(cfg.token)
            .base_url(cfg.base_url)
            .base_file_url(cfg.base_file_url)
            .request(request)
            .get_updates_request(updates_request)
            .concurrent_updates(concurrent_updates)
            .job_queue(None)
            .build()
        )
        names = sorted({*all_commands(), *(a for a, target in ALIASES.items() if target in all_commands())})
        app.add_handler(CommandHandler([n for n in names if _COMMAND_NAME.match(n)], self._on_command,
                                       filters=filters.UpdateType.MESSAGE))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, self._on_other_command))
        app.add_handler(MessageHandler(
            filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, self._on_text
        ))
        app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        app.add_handler(ChatMemberHandler(self._on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self._on_error)
        return app

    async def start(self) -> None:
        try:
            await self.app.initialize()  # getMe: checks the token, learns our @username
        except InvalidToken:  # PTB's message quotes the token: not repeated here
            await self._close_requests()  # a failed initialize leaves PTB's sessions open (shutdown skips them)
            raise ConfigError(TOKEN_REFUSED) from None
        except NetworkError as exc:
            await self._close_requests()
            raise ConfigError(f"cannot reach the Telegram Bot API ({exc.message}): check the network / proxy "
                              "and [telegram] base_url") from None
        self.username = self.app.bot.username
        await self._publish_menu()
        await self.app.start()
        updater = self.app.updater
        assert updater is not None
        if self.cfg.mode == "webhook":
            await updater.start_webhook(
                listen=self.cfg.webhook_listen,
                port=self.cfg.webhook_port,
                url_path=self.cfg.webhook_path.lstrip("/"),
                webhook_url=self.cfg.webhook_url,
                secret_token=self.cfg.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        elif self.poll:
            await self.start_polling()
        log.info("telegram started as @%s mode=%s%s", self.username, self.cfg.mode,
                 "" if self.cfg.mode == "webhook" or self.poll else " (not polling: another worker leads)")

    @property
    def polling(self) -> bool:
        updater = self.app.updater
        return updater is not None and updater.running and self.cfg.mode != "webhook"

    async def start_polling(self) -> None:
        """Begin long polling (the leader's part in polling mode); a no-op in webhook mode or when already polling."""
        updater = self.app.updater
        if self.cfg.mode == "webhook" or updater is None or updater.running or not self.app.running:
            return
        self.conflicted = False
        await updater.start_polling(
            timeout=self.cfg.poll_timeout, allowed_updates=ALLOWED_UPDATES, error_callback=self._on_poll_error
        )
        log.info("telegram long polling started")

    async def stop_polling(self) -> None:
        """Stop long polling (the role moved to another worker); a no-op when not polling."""
        updater = self.app.updater
        if self.cfg.mode != "webhook" and updater is not None and updater.running:
            await updater.stop()
            log.info("telegram long polling stopped")

    async def stop(self) -> None:
        if self._polling_task is not None:
            with contextlib.suppress(Exception):
                await self._polling_task
        updater = self.app.updater
        was_running = self.app.running
        if updater is not None and updater.running:
            await updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self._close_requests()
        await self.limiter.aclose()
        if was_running:
            log.info("telegram stopped")

    async def send(self, chat_id: str, reply: Reply, *, interactive: bool = False) -> SendResult:
        return await self.sender.send(chat_id, reply, interactive=interactive)

    async def _close_requests(self) -> None:
        for request in self._requests:
            await request.shutdown()  # idempotent

    async def _publish_menu(self) -> None:
        try:
            await self.app.bot.set_my_commands(menu("en"))
            await self.app.bot.set_my_commands(menu("de"), language_code="de")
        except TelegramError as exc:  # the bot still works without a menu
            log.warning("telegram setMyCommands failed: %s", exc)

    # ------------------------------------------------------------ handlers

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._answer(update)

    async def _on_other_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text or not message.entities:
            return
        first = message.text[1 : message.entities[0].length]
        _, _, addressed = first.partition("@")
        if addressed and self.username and addressed.lower() != self.username.lower():
            return  # /cmd@otherbot in a group: not for us
        await self._answer(update)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._answer(update, command=False)

    async def _answer(self, update: Update, *, command: bool = True) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not message.text:
            return
        user = update.effective_user
        ref = chat_ref(chat, message)
        # Updates run concurrently; answers to one chat still go out in the order the questions came.
        async with self._chat_order.exclusive(ref.chat_id):
            reply = await self._reply(ref, chat.title, message.text, user, command)
            # In a group, the answer replies to the question, so it is clear whom it answers.
            reply_to = message.message_id if ref.kind != ChatKind.PRIVATE else None
            result = await self.sender.send(ref.chat_id, reply, interactive=True, reply_to=reply_to)
        if result.outcome is not SendOutcome.SENT:
            log.warning("telegram reply not delivered chat=%s: %s %s", ref.chat_id, result.outcome.value, result.detail)

    async def _reply(self, chat: ChatRef, title: str | None, line: str, user: Any, command: bool) -> Reply:
        user_lang = user.language_code if user else None
        if not command:  # plain text in a private chat: a short hint, not a guess at a command
            await self.core.chat_seen(chat, title)
            return not_a_command(await self.core.reply_language(chat, user_lang), line)
        return await self.core.respond(chat, line, str(user.id) if user else None, user_lang,
                                       user_name=user.username if user else None, title=title)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: move its settings and subscriptions before a digest bounces off it."""
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self.core.chat_moved(PLATFORM, str(message.chat.id), str(message.migrate_to_chat_id))
            log.info("telegram chat migrated %s -> %s", message.chat.id, message.migrate_to_chat_id)

    async def _on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was blocked / removed (stop sending there) or added to a chat (remember it)."""
        change = update.my_chat_member
        if change is None:
            return
        ref = chat_ref(change.chat)
        status = change.new_chat_member.status
        if status in ("kicked", "left"):
            reason = "bot was blocked by the user" if ref.kind == "private" else f"bot {status} the chat"
            await self.core.chat_gone(ref, reason)
            log.info("telegram chat gone chat=%s: %s", ref.chat_id, reason)
        else:
            await self.core.chat_seen(ref, change.chat.title)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram handler failed: %r", context.error, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        ref = chat_ref(update.effective_chat, update.effective_message)
        try:
            lang = await self.core.reply_language(ref, user.language_code if user else None)
        except Exception:  # noqa: BLE001 (the store may be what failed; apologise in the default language)
            lang = self.core.config.bot.language
        sorry = error_reply(texts.t(lang, "internal_error"))
        try:
            await self.sender.send(ref.chat_id, sorry, interactive=True)
        except TelegramError:
            log.exception("telegram could not apologise")

    def _on_poll_error(self, exc: TelegramError) -> None:
        if isinstance(exc, Conflict):
            self._on_poll_conflict(exc)
            return
        log.warning("telegram polling error: %s", exc)

    def _on_poll_conflict(self, exc: Conflict) -> None:
        """Someone else long-polls this token: say so once and step back instead of taking turns with it forever."""
        if self.conflicted:
            return
        self.conflicted = True
        log.error("telegram long polling stopped: another process polls getUpdates with this bot token (409 %s); "
                  "this worker does not compete — run one poller per token, or use [telegram] mode = \"webhook\"",
                  exc.message)
        self._polling_task = asyncio.get_running_loop().create_task(self.stop_polling(), name="telegram-stop-polling")
