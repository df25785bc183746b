"""A loopback Telegram Bot API server for tests and benchmarks.

It speaks enough of the Bot API for python-telegram-bot's Application (getMe, getUpdates long polling,
webhooks, sendMessage, sendPhoto, setMyCommands, ...) and validates like Telegram: token, required fields,
well-formed HTML with the allowed tags, text length after entity parsing, caption length. It enforces
the flood limits (per chat, per group per minute, overall per second) with real 429 shapes and can be
scripted to fail per chat (blocked, kicked, migrated to a supergroup, 429, 5xx bursts).

The server runs in its own thread and event loop, so the code under test (in the test's loop) talks to it
over real HTTP on 127.0.0.1. Every method on `FakeTelegram` is thread-safe.

`Limits.time_scale` shrinks every duration of the fake (rate windows, retry_after): 0.05 makes a 60 s group
window last 3 s, and a 429 then says `retry_after: 0.05` per Telegram second (the Bot API sends whole seconds;
python-telegram-bot accepts fractions, so the client under test waits the scaled time).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import itertools
import json
import math
import re
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import ClientSession, ClientTimeout, web
from aiohttp.web_request import FileField

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_SEND_METHODS = {"sendmessage", "sendphoto", "editmessagetext"}
# What Telegram answers when a second consumer long-polls the same bot (one getUpdates at a time per token).
POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
DEFAULT_TOKEN = "123456:TEST-token_for-loopback"

JSON = dict[str, Any]


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional `parameters`."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


# ---------------------------------------------------------------- Telegram HTML


class EntityParseError(ValueError):
    pass


_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_START_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))*)\s*>")
_ATTR_RE = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))")
_END_RE = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _unescape(s: str, offset: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "&":
            m = _ENTITY_RE.match(s, i)
            if not m:
                raise EntityParseError(f"Unsupported HTML entity at byte offset {offset + i}")
            name = m.group(1)
            out.append(_NAMED[name] if name in _NAMED else chr(int(name[2:], 16) if name[1] == "x" else int(name[1:])))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Telegram-style HTML -> (visible text, entities); raises EntityParseError like "can't parse entities".

    Stricter than Telegram where that catches renderer bugs: a bare `&`, `<` or `>` is an error, a link must be
    http(s), and code/pre hold no other tags and sit inside none.
    """
    visible: list[str] = []
    units = 0
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "<":
            end = _END_RE.match(text, i)
            if end:
                name = end.group(1).lower()
                if not stack or stack[-1][0] != name:
                    expected = f'"</{stack[-1][0]}>"' if stack else "no end tag"
                    raise EntityParseError(f'Unmatched end tag at byte offset {i}, expected {expected}, found "</{name}>"')
                _tag, start_units, closed = stack.pop()
                if units > start_units:
                    closed.update(offset=start_units, length=units - start_units)
                    entities.append(closed)
                i = end.end()
                continue
            start = _START_RE.match(text, i)
            if not start:
                raise EntityParseError(f"Unclosed start tag at byte offset {i}")
            name = start.group(1).lower()
            if name not in _ENTITY_TYPES:
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {i}')
            attrs = {m.group(1).lower(): _unescape(m.group(2) or m.group(3) or m.group(4) or "", i)
                     for m in _ATTR_RE.finditer(start.group(2))}
            open_tags = {t for t, _, _ in stack}
            if open_tags & {"code", "pre"}:
                raise EntityParseError(f'Entity "{name}" can\'t be nested in code at byte offset {i}')
            if name in ("code", "pre") and open_tags:
                raise EntityParseError(f"Code entity can't be nested in other entities at byte offset {i}")
            if name == "a" and "a" in open_tags:
                raise EntityParseError(f"Nested links are not allowed at byte offset {i}")
            entity: JSON = {"type": _ENTITY_TYPES[name]}
            if name == "a":
                href = attrs.get("href", "")
                if not re.match(r"^https?://[^\s/]+", href):
                    raise EntityParseError(f"Wrong HTTP URL specified at byte offset {i}")
                entity["url"] = href
            stack.append((name, units, entity))
            i = start.end()
            continue
        if c == ">":
            raise EntityParseError(f"Unescaped '>' at byte offset {i}")
        j = i
        while j < len(text) and text[j] not in "<>":
            j += 1
        chunk = _unescape(text[i:j], i)
        visible.append(chunk)
        units += utf16_len(chunk)
        i = j
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(visible), entities


def visible_length(text: str) -> int:
    """What Telegram checks against 1..4096: the visible text without leading/trailing whitespace."""
    return utf16_len(text.strip())


# ---------------------------------------------------------------- rate limits


@dataclass
class Limits:
    per_chat_rate: float = 1.0  # messages per second to one chat ...
    per_chat_burst: float = 3.0  # ... after a short burst
    group_per_minute: int = 20  # sliding 60 s window per group (chat id < 0)
    overall_rate: float = 30.0  # messages per second for the whole bot ...
    overall_burst: float = 30.0  # ... bucket size
    time_scale: float = 1.0  # multiplies every duration of the fake (0.1 = ten times faster)
    enabled: bool = True

    @classmethod
    def unlimited(cls) -> Limits:
        return cls(enabled=False)


_EPSILON = 1e-9  # float noise: on a virtual clock a send lands exactly on the boundary, which must count as in time


class _Bucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity, self.tokens, self.last = rate, capacity, capacity, now

    def wait(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return 0.0 if self.tokens >= 1.0 - _EPSILON else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


class _Window:
    def __init__(self, count: int, period: float) -> None:
        self.count, self.period = count, period
        self.times: collections.deque[float] = collections.deque()

    def wait(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.period + _EPSILON:
            self.times.popleft()
        return 0.0 if len(self.times) < self.count else self.times[0] + self.period - now

    def take(self, now: float) -> None:
        self.times.append(now)


# ---------------------------------------------------------------- recorded state


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    method: str  # sendMessage | sendPhoto | editMessageText
    text: str  # visible text (caption for photos)
    html: str | None  # raw text as sent, when parse_mode was HTML
    entities: list[JSON]
    at: float  # the fake's clock() when accepted
    photo: bytes | None = None
    filename: str | None = None
    thread_id: int | None = None  # message_thread_id: the forum topic it went to
    reply_to: int | None = None  # reply_parameters.message_id


@dataclass
class Attempt:
    chat_id: int | None
    method: str
    status: int
    at: float
    description: str = ""


@dataclass
class _Chat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    blocked: str | None = None  # 403 description for every send
    migrated_to: int | None = None
    blocked_until: float = 0.0  # after a 429, in fake time
    failures: collections.deque[ApiError | None] = field(default_factory=collections.deque)  # None = let it pass
    is_forum: bool = False  # a supergroup with topics
    topics: dict[int, str] = field(default_factory=dict)  # message_thread_id -> open | closed (deleted: absent)
    message_ids: set[int] = field(default_factory=set)  # messages in this chat (what a reply may refer to)


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class FakeTelegram:
    """The fake Bot API. Use as a context manager (or start()/stop()); `base_url` goes into ApplicationBuilder."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        limits: Limits | None = None,
        bot_username: str = "newsdigest_test_bot",
        bot_id: int = 4242,
        response_delay: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self._clock = clock  # seconds for rate windows and `at` stamps (tests pass a virtual clock)
        self.limits = limits or Limits()
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": "NewsDigest", "username": bot_username,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.response_delay = response_delay  # seconds every send takes (a slow network)
        self._lock = threading.RLock()
        self._t0 = clock()
        self._chats: dict[int, _Chat] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._global_failures: collections.deque[ApiError | None] = collections.deque()
        self._overall = _Bucket(self.limits.overall_rate, self.limits.overall_burst, 0.0)
        self._per_chat: dict[int, _Bucket] = {}
        self._per_group: dict[int, _Window] = {}
        self.sent: list[SentMessage] = []
        self.attempts: list[Attempt] = []
        self.calls: collections.Counter[str] = collections.Counter()
        self.commands: dict[str, list[JSON]] = {}  # language_code ("" = default) -> commands
        self.webhook: JSON = {"url": ""}
        self.allowed_updates: list[str] | None = None
        self.webhook_deliveries: list[int] = []  # HTTP status of every update POSTed to the webhook
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._updates_changed: asyncio.Event | None = None
        self._polls: dict[int, web.Request] = {}  # getUpdates requests waiting right now (their client still there)
        self.poll_conflicts = 0  # getUpdates answered 409 because another one was waiting
        self._session: ClientSession | None = None
        self._closing = False
        self.port = 0

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> FakeTelegram:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(ready, errors), name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10) or errors:
            raise RuntimeError(f"fake Telegram did not start: {errors}")

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = None

    def _serve(self, ready: threading.Event, errors: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._setup())
        except OSError as exc:  # pragma: no cover - port trouble
            errors.append(exc)
            ready.set()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _setup(self) -> None:
        self._updates_changed = asyncio.Event()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/_fake/{op}", self._control)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        self._session = ClientSession(timeout=ClientTimeout(total=5))

    async def _shutdown(self) -> None:
        self._closing = True
        if self._updates_changed:
            self._updates_changed.set()
        if self._session:
            await self._session.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def username(self) -> str:
        return str(self.bot_user["username"])

    def now(self) -> float:
        """Fake time in Telegram seconds (clock seconds / time_scale)."""
        return (self._clock() - self._t0) / self.limits.time_scale

    # ------------------------------------------------------------ scripting (thread-safe)

    def add_chat(self, chat_id: int, chat_type: str | None = None, title: str | None = None) -> None:
        """Make a chat known (the bot may send to it). Negative ids default to groups."""
        with self._lock:
            chat = self._chats.get(chat_id)
            kind = chat_type or (chat.type if chat else None) or ("group" if chat_id < 0 else "private")
            if chat is None:
                self._chats[chat_id] = _Chat(chat_id, kind, title)
            else:
                chat.type, chat.title = kind, title or chat.title

    def add_forum(self, chat_id: int, topics: Iterable[int] = (), title: str | None = None) -> None:
        """A supergroup with topics turned on, and its open topics (message_thread_id)."""
        self.add_chat(chat_id, "supergroup", title)
        with self._lock:
            chat = self._chats[chat_id]
            chat.is_forum = True
            chat.topics.update(dict.fromkeys(topics, "open"))

    def close_topic(self, chat_id: int, thread_id: int) -> None:
        with self._lock:
            self._chats[chat_id].topics[thread_id] = "closed"

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        with self._lock:
            self._chats[chat_id].topics.pop(thread_id, None)

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        chat_type: str | None = None,
        user_id: int | None = None,
        language_code: str | None = "en",
        first_name: str = "Tester",
        title: str | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        """Queue an incoming message as Telegram would deliver it; returns its update_id.

        `message_thread_id`: written in that topic of a forum (add_forum first; a thread id anywhere else is a
        test mistake, since Telegram sets it only there)."""
        self.add_chat(chat_id, chat_type, title)
        with self._lock:
            known = self._chats[chat_id]
            kind = known.type
            forum = known.is_forum
            if message_thread_id is not None and (not forum or message_thread_id not in known.topics):
                raise ValueError(f"chat {chat_id} has no topic {message_thread_id}: add_forum(chat_id, topics) first")
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 1000)
        sender: JSON = {"id": uid, "is_bot": False, "first_name": first_name}
        if language_code:
            sender["language_code"] = language_code
        chat: JSON = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title or f"Group {chat_id}"
        if forum:
            chat["is_forum"] = True
        message: JSON = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                         "from": sender, "text": text}
        if message_thread_id is not None:
            message.update(message_thread_id=message_thread_id, is_topic_message=True)
        with self._lock:
            known.message_ids.add(int(message["message_id"]))
        entities = _command_entities(text)
        if entities:
            message["entities"] = entities
        return self.push_update({"message": message})

    def push_membership(self, chat_id: int, status: str, *, user_id: int = 1000, chat_type: str | None = None) -> int:
        """The bot's own membership changed (my_chat_member): "kicked" when a user blocks it, "member" when added."""
        kind = chat_type or ("group" if chat_id < 0 else "private")
        self.add_chat(chat_id, kind)
        with self._lock:
            chat = _chat_json(self._chats[chat_id])
        old = "member" if status in ("kicked", "left") else "left"
        return self.push_update({"my_chat_member": {
            "chat": chat, "from": {"id": user_id, "is_bot": False, "first_name": "Tester"}, "date": int(time.time()),
            "old_chat_member": {"status": old, "user": self.bot_user},
            "new_chat_member": {"status": status, "user": self.bot_user, **({"until_date": 0} if status == "kicked" else {})},
        }})

    def push_migration(self, chat_id: int, new_chat_id: int) -> int:
        """The service message Telegram posts in a group that became a supergroup (and makes the old id fail)."""
        self.migrate(chat_id, new_chat_id)
        with self._lock:
            chat = _chat_json(self._chats[chat_id])
        return self.push_update({"message": {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
            "from": {"id": 1000, "is_bot": False, "first_name": "Tester"}, "migrate_to_chat_id": new_chat_id,
        }})

    def push_update(self, update: JSON) -> int:
        with self._lock:
            update = {"update_id": next(self._update_ids), **update}
            webhook = self.webhook.get("url")
            if not webhook:
                self._updates.append(update)
        if webhook and self._loop:
            asyncio.run_coroutine_threadsafe(self._deliver_webhook(update), self._loop)
        elif self._loop and self._updates_changed:
            self._loop.call_soon_threadsafe(self._updates_changed.set)
        return int(update["update_id"])

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send gets 403."""
        self._set_chat(chat_id, blocked="Forbidden: bot was blocked by the user")

    def unblock(self, chat_id: int) -> None:
        self._set_chat(chat_id, blocked=None)

    def kick(self, chat_id: int) -> None:
        self._set_chat(chat_id, blocked="Forbidden: bot was kicked from the group chat")

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: sends to the old id get 400 with migrate_to_chat_id."""
        self._set_chat(chat_id, migrated_to=new_chat_id)
        self.add_chat(new_chat_id, "supergroup")

    def fail_next(
        self, chat_id: int | None, status: int = 500, count: int = 1, *, retry_after: float = 1, after: int = 0
    ) -> None:
        """After `after` more sends pass, the next `count` sends (to chat_id, or to anyone when None) fail with
        `status` (429 carries retry_after, in real seconds)."""
        script = [None] * after + [_status_error(status, retry_after) for _ in range(count)]
        with self._lock:
            queue = self._global_failures if chat_id is None else self._chat(chat_id).failures
            queue.extend(script)

    def _set_chat(self, chat_id: int, **changes: Any) -> None:
        with self._lock:
            chat = self._chat(chat_id)
            for key, value in changes.items():
                setattr(chat, key, value)

    def _chat(self, chat_id: int) -> _Chat:
        if chat_id not in self._chats:
            self.add_chat(chat_id)
        return self._chats[chat_id]

    # ------------------------------------------------------------ inspection (thread-safe)

    def messages(self, chat_id: int | None = None) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if chat_id is None or m.chat_id == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.messages(chat_id)]

    def rejected(self, status: int | None = None) -> list[Attempt]:
        with self._lock:
            return [a for a in self.attempts if a.status != 200 and (status is None or a.status == status)]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    async def wait_for(self, chat_id: int | None, count: int, timeout: float = 30.0) -> list[SentMessage]:
        """Wait (in the caller's loop) until `count` messages reached chat_id; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.messages(chat_id)
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise TimeoutError(f"chat {chat_id}: {len(got)} of {count} messages after {timeout}s: {got}")
            await asyncio.sleep(0.01)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no message was accepted for `quiet` seconds (a reply that should not come did not)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.sent[-1].at if self.sent else 0.0
            if time.monotonic() - last >= quiet:
                return
            await asyncio.sleep(0.02)

    # ------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        handler = self._methods().get(method.lower())
        self.calls[method] += 1
        if handler is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        params: JSON = {}
        try:
            params = await _params(request)
            if handler == self._get_updates:
                result = await self._one_poller(request, params)
            else:
                result = await handler(params)
        except ApiError as err:
            if method.lower() in _SEND_METHODS:
                self._record(params.get("chat_id"), method, err.code, err.description)
            if err.code >= 500 and err.code != 500:
                return web.Response(status=err.code, text=f"<html><body>{err.description}</body></html>",
                                    content_type="text/html")
            return web.json_response(err.body(), status=err.code)
        if method.lower() in _SEND_METHODS:
            self._record(params.get("chat_id"), method, 200)
        return web.json_response({"ok": True, "result": result})

    async def _control(self, request: web.Request) -> web.Response:
        """Remote control for FakeTelegramProcess (benchmarks run the fake in another process)."""
        op, args = request.match_info["op"], await request.json()
        if op == "add_chats":
            for chat_id in args["chat_ids"]:
                self.add_chat(chat_id, args.get("chat_type"))
            return web.json_response(True)
        if op == "push_messages":
            ids = [self.push_message(m.pop("chat_id"), m.pop("text"), **m) for m in args["messages"]]
            return web.json_response(ids)
        if op == "messages":
            got = self.messages(args.get("chat_id"))[args.get("start", 0):]
            return web.json_response([{**dataclasses.asdict(m), "photo": None} for m in got])
        if op == "counts":
            counts = collections.Counter(m.chat_id for m in self.messages())
            return web.json_response({str(k): v for k, v in counts.items()})
        if op == "rejected":
            return web.json_response([dataclasses.asdict(a) for a in self.rejected(args.get("status"))])
        return web.json_response({"error": f"unknown op {op}"}, status=404)

    def _methods(self) -> dict[str, Callable[[JSON], Awaitable[Any]]]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "editmessagetext": self._edit_message_text,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "answercallbackquery": self._true,
            "sendchataction": self._send_chat_action,
            "close": self._true,
            "logout": self._true,
        }

    async def _true(self, params: JSON) -> bool:
        return True

    async def _get_me(self, params: JSON) -> JSON:
        return self.bot_user

    async def _one_poller(self, request: web.Request, params: JSON) -> list[JSON]:
        """Telegram serves one getUpdates per bot at a time: a second consumer meanwhile gets the real 409.

        A waiting request whose client went away (stopped, killed) no longer counts."""
        self._polls = {k: r for k, r in self._polls.items() if r.transport is not None and not r.transport.is_closing()}
        if self._polls:
            with self._lock:
                self.poll_conflicts += 1
            raise ApiError(409, POLL_CONFLICT)
        self._polls[id(request)] = request
        try:
            return await self._get_updates(params)
        finally:
            self._polls.pop(id(request), None)

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = _int(params.get("offset"), 0)
        limit = min(max(_int(params.get("limit"), 100), 1), 100)
        timeout = max(_float(params.get("timeout"), 0.0), 0.0)
        if "allowed_updates" in params:
            self.allowed_updates = _json(params["allowed_updates"]) or None
        deadline = time.monotonic() + timeout
        assert self._updates_changed is not None
        while True:
            self._updates_changed.clear()
            with self._lock:
                if offset > 0:  # confirms everything before it
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                elif offset < 0:
                    self._updates = self._updates[offset:]
                wanted = self.allowed_updates
                ready = [u for u in self._updates if not wanted or any(k in u for k in wanted)][:limit]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closing:
                return ready
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_changed.wait(), remaining)

    async def _send_chat_action(self, params: JSON) -> bool:
        self._known_chat(params)
        return True

    def _target(self, chat: _Chat, params: JSON) -> JSON:
        """message_thread_id and reply_parameters checked as Telegram does; the fields to record."""
        out: JSON = {}
        if params.get("message_thread_id") not in (None, ""):
            thread = _int(params["message_thread_id"], 0)
            with self._lock:
                state = chat.topics.get(thread) if chat.is_forum and chat.type == "supergroup" else None
            if state is None:
                raise _bad("message thread not found")
            if state == "closed":
                raise _bad("TOPIC_CLOSED")
            out["thread_id"] = thread
        if params.get("reply_parameters") not in (None, ""):
            ref = _json(params["reply_parameters"])
            if not isinstance(ref, dict) or "message_id" not in ref:
                raise _bad("can't parse reply parameters JSON object")
            mid = _int(ref["message_id"], 0)
            with self._lock:
                known = mid in chat.message_ids
            if not known and not ref.get("allow_sending_without_reply"):
                raise _bad("message to be replied not found")
            out["reply_to"] = mid if known else None
        return out

    async def _send_message(self, params: JSON) -> JSON:
        chat = self._known_chat(params)
        target = self._target(chat, params)
        text = params.get("text")
        if text is None or text == "":
            raise _bad("message text is empty")
        if "link_preview_options" in params and not isinstance(_json(params["link_preview_options"]), dict):
            # Telegram takes the JSON object itself (JSON body) or its serialization (form field), nothing else
            raise _bad("can't parse link preview options JSON object")
        visible, entities = _parse_text(str(text), params.get("parse_mode"), "message text")
        n = visible_length(visible)
        if n == 0:
            raise _bad("message text is empty")
        if n > TEXT_LIMIT:
            raise _bad("message is too long")
        entities = sorted([*entities, *_outgoing_commands(visible, entities)], key=lambda e: (e["offset"], -e["length"]))
        return await self._accept(chat, "sendMessage", visible, entities, text if params.get("parse_mode") else None,
                                  **target)

    async def _send_photo(self, params: JSON) -> JSON:
        chat = self._known_chat(params)
        target = self._target(chat, params)
        photo = params.get("photo")
        if photo is None or photo == "":
            raise _bad("there is no photo in the request")
        if isinstance(photo, FileField):
            data, filename = photo.file.read(), photo.filename
        else:
            data, filename = str(photo).encode(), None  # a file_id or URL
        if not data:
            raise _bad("IMAGE_PROCESS_FAILED")
        cap = str(params.get("caption") or "")
        visible, entities = _parse_text(cap, params.get("parse_mode"), "caption") if cap else ("", [])
        if visible_length(visible) > CAPTION_LIMIT:
            raise _bad("message caption is too long")
        return await self._accept(chat, "sendPhoto", visible, entities, None, photo=data, filename=filename, **target)

    async def _edit_message_text(self, params: JSON) -> JSON:
        chat = self._known_chat(params)
        if params.get("message_id") in (None, ""):
            raise _bad("message to edit not found")
        visible, entities = _parse_text(str(params.get("text") or ""), params.get("parse_mode"), "message text")
        if not 0 < visible_length(visible) <= TEXT_LIMIT:
            raise _bad("message text is empty" if not visible.strip() else "message is too long")
        return await self._accept(chat, "editMessageText", visible, entities, None)

    def _known_chat(self, params: JSON) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise _bad("chat not found") from None
        with self._lock:
            chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad("chat not found")
        return chat

    async def _accept(
        self, chat: _Chat, method: str, visible: str, entities: list[JSON], html: str | None, **extra: Any
    ) -> JSON:
        if self.response_delay:
            await asyncio.sleep(self.response_delay)
        with self._lock:
            err = self._refusal(chat)
            if err is not None:
                raise err
            msg = SentMessage(chat.id, next(self._message_ids), method, visible, html, entities, self._clock(),
                              **extra)
            self.sent.append(msg)
            chat.message_ids.add(msg.message_id)
        result: JSON = {"message_id": msg.message_id, "date": int(time.time()), "from": self.bot_user,
                        "chat": _chat_json(chat)}
        if method == "sendPhoto":
            result["photo"] = [{"file_id": f"photo{msg.message_id}", "file_unique_id": f"u{msg.message_id}",
                                "width": 800, "height": 400, "file_size": len(extra.get("photo") or b"")}]
            if visible:
                result["caption"] = visible
        else:
            result["text"] = visible
            if entities:
                result["entities"] = entities
        return result

    def _refusal(self, chat: _Chat) -> ApiError | None:
        """Scripted failures, chat state and flood limits, in Telegram's order. Called under the lock."""
        if self._global_failures and (err := self._global_failures.popleft()) is not None:
            return err
        if chat.failures and (err := chat.failures.popleft()) is not None:
            if err.code == 429 and err.parameters:
                chat.blocked_until = self.now() + float(err.parameters["retry_after"]) / self.limits.time_scale
            return err
        if chat.blocked:
            return ApiError(403, chat.blocked)
        if chat.migrated_to is not None:
            return ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            {"migrate_to_chat_id": chat.migrated_to})
        return self._flood(chat)

    def _flood(self, chat: _Chat) -> ApiError | None:
        now = self.now()
        if chat.blocked_until > now:
            return self._too_many(chat, chat.blocked_until - now)
        lim = self.limits
        if not lim.enabled:
            return None
        per_chat = self._per_chat.setdefault(chat.id, _Bucket(lim.per_chat_rate, lim.per_chat_burst, now))
        group = self._per_group.setdefault(chat.id, _Window(lim.group_per_minute, 60.0)) if chat.id < 0 else None
        wait = max(per_chat.wait(now), self._overall.wait(now), group.wait(now) if group else 0.0)
        if wait > 0:
            chat.blocked_until = now + math.ceil(wait)
            return self._too_many(chat, math.ceil(wait))
        per_chat.take()
        self._overall.take()
        if group:
            group.take(now)
        return None

    def _too_many(self, chat: _Chat, wait: float) -> ApiError:
        seconds = max(1, math.ceil(wait - 1e-9))
        retry: float = seconds if self.limits.time_scale == 1 else round(seconds * self.limits.time_scale, 4)
        return ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    def _record(self, chat_id: Any, method: str, status: int, description: str = "") -> None:
        try:
            cid: int | None = int(chat_id)
        except (TypeError, ValueError):
            cid = None
        with self._lock:
            self.attempts.append(Attempt(cid, method, status, self._clock(), description))

    async def _set_my_commands(self, params: JSON) -> bool:
        commands = _json(params.get("commands"))
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be a list of at most 100 BotCommand")
        for cmd in commands:
            name, desc = str(cmd.get("command", "")), str(cmd.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(desc) <= 256:
                raise _bad("command description is empty" if not desc else "command description is too long")
        lang = str(params.get("language_code") or "")
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise _bad("invalid language code specified")
        with self._lock:
            self.commands[lang] = commands
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        with self._lock:
            return self.commands.get(str(params.get("language_code") or ""), [])

    async def _delete_my_commands(self, params: JSON) -> bool:
        with self._lock:
            self.commands.pop(str(params.get("language_code") or ""), None)
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        with self._lock:
            self.webhook = {"url": ""}
            if str(params.get("drop_pending_updates")).lower() == "true":
                self._updates.clear()
        return True

    async def _set_webhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith(("https://", "http://127.0.0.1")):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        with self._lock:
            self.webhook = {"url": url, "secret_token": params.get("secret_token"),
                            "allowed_updates": _json(params.get("allowed_updates"))}
            if str(params.get("drop_pending_updates")).lower() == "true":
                self._updates.clear()
            pending, self._updates = (self._updates, []) if url else ([], self._updates)
        for update in pending:  # Telegram delivers what was queued once a webhook exists
            await self._deliver_webhook(update)
        return True

    async def _get_webhook_info(self, params: JSON) -> JSON:
        with self._lock:
            return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                    "pending_update_count": len(self._updates)}

    async def _deliver_webhook(self, update: JSON) -> None:
        url = self.webhook.get("url")
        if not url or self._session is None:
            return
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret_token"])
        try:
            async with self._session.post(str(url), json=update, headers=headers) as resp:
                status = resp.status
        except OSError:
            status = 0
        with self._lock:
            self.webhook_deliveries.append(status)


# ---------------------------------------------------------------- helpers


async def _params(request: web.Request) -> JSON:
    params: JSON = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise _bad("request body must be a JSON object")
            params.update(body)
        else:
            form = await request.post()
            params.update(dict(form.items()))
    return params


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse JSON value {value[:40]!r}") from None
    return value


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise _bad(f"invalid integer {value!r}") from None


def _float(value: Any, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise _bad(f"invalid number {value!r}") from None


def _parse_text(text: str, parse_mode: Any, what: str) -> tuple[str, list[JSON]]:
    mode = str(parse_mode or "").lower()
    if not mode:
        return text, []
    if mode != "html":
        raise _bad(f"unsupported parse_mode {parse_mode!r} in this fake")
    try:
        return parse_html(text)
    except EntityParseError as exc:
        raise _bad(f"can't parse entities: {exc}") from None


def _status_error(status: int, retry_after: float) -> ApiError:
    if status == 429:
        return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
    if status == 403:
        return ApiError(403, "Forbidden: bot was blocked by the user")
    if status == 400:
        return _bad("scripted failure")
    return ApiError(status, {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(
        status, "Internal Server Error"))


def _chat_json(chat: _Chat) -> JSON:
    out: JSON = {"id": chat.id, "type": chat.type}
    if chat.is_forum:
        out["is_forum"] = True
    if chat.type == "private":
        out["first_name"] = "Tester"
    else:
        out["title"] = chat.title or f"Group {chat.id}"
    return out


_COMMAND_RE = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def _outgoing_commands(visible: str, entities: list[JSON]) -> list[JSON]:
    """The bot_command entities Telegram adds to a sent text: commands outside code and pre are tappable."""
    fixed = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in ("code", "pre")]
    return [e for e in _command_entities(visible)
            if not any(a <= e["offset"] < b for a, b in fixed)]


def _command_entities(text: str) -> list[JSON]:
    """bot_command entities as Telegram marks them (offsets in UTF-16 units)."""
    return [{"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
            for m in _COMMAND_RE.finditer(text)]


# ---------------------------------------------------------------- the fake in its own process (benchmarks)


class FakeTelegramProcess:
    """The same fake in a child process, so its CPU time and GIL do not slow the code under measurement.

    Offers the subset of FakeTelegram's API that benchmarks use (base_url, token, username, add_chat(s),
    push_message(s), messages, rejected, wait_for, wait_idle); `at` times are time.monotonic(), which is
    system-wide on Linux and so comparable with the caller's.
    """

    def __init__(self, limits: Limits | None = None, token: str = DEFAULT_TOKEN) -> None:
        self.limits = limits or Limits()
        self.token = token
        self.username = "newsdigest_test_bot"
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None
        self._client = httpx.Client(timeout=30)

    def __enter__(self) -> FakeTelegramProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        cmd = [sys.executable, "-m", "tests.fakes.telegram_api", "--limits", json.dumps(dataclasses.asdict(self.limits)),
               "--token", self.token]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"fake Telegram process did not start: {line!r}")
        self.port = int(line)

    def stop(self) -> None:
        self._client.close()
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            self._proc = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _call(self, op: str, **args: Any) -> Any:
        resp = self._client.post(f"http://127.0.0.1:{self.port}/_fake/{op}", json=args)
        resp.raise_for_status()
        return resp.json()

    def add_chat(self, chat_id: int, chat_type: str | None = None, title: str | None = None) -> None:
        self._call("add_chats", chat_ids=[chat_id], chat_type=chat_type)

    def add_chats(self, chat_ids: list[int], chat_type: str | None = None) -> None:
        self._call("add_chats", chat_ids=chat_ids, chat_type=chat_type)

    def push_message(self, chat_id: int, text: str, **kwargs: Any) -> int:
        return int(self._call("push_messages", messages=[{"chat_id": chat_id, "text": text, **kwargs}])[0])

    def push_messages(self, messages: list[JSON]) -> list[int]:
        return list(self._call("push_messages", messages=messages))

    def messages(self, chat_id: int | None = None) -> list[SentMessage]:
        return [SentMessage(**m) for m in self._call("messages", chat_id=chat_id)]

    def messages_since(self, start: int) -> list[SentMessage]:
        """Messages accepted after the first `start` ones (all chats)."""
        return [SentMessage(**m) for m in self._call("messages", start=start)]

    def counts(self) -> dict[int, int]:
        return {int(k): v for k, v in self._call("counts").items()}

    def rejected(self, status: int | None = None) -> list[Attempt]:
        return [Attempt(**a) for a in self._call("rejected", status=status)]

    async def wait_for(self, chat_id: int | None, count: int, timeout: float = 30.0) -> list[SentMessage]:
        deadline = time.monotonic() + timeout
        while True:
            got = await asyncio.to_thread(self.messages, chat_id)
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise TimeoutError(f"chat {chat_id}: {len(got)} of {count} messages after {timeout}s")
            await asyncio.sleep(0.02)

    async def wait_counts(self, chat_ids: list[int], timeout: float = 60.0) -> dict[int, int]:
        """Wait until every chat got at least one message; returns the message count per chat."""
        deadline = time.monotonic() + timeout
        while True:
            counts = await asyncio.to_thread(self.counts)
            if all(counts.get(c, 0) for c in chat_ids) or time.monotonic() > deadline:
                return counts
            await asyncio.sleep(0.05)


def _main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API on 127.0.0.1; prints its port.")
    parser.add_argument("--limits", default="{}", help="Limits as JSON")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    args = parser.parse_args()
    fake = FakeTelegram(args.token, limits=Limits(**json.loads(args.limits)))
    fake.start()
    print(fake.port, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    _main()
