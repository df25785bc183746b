"""A loopback fake of the Slack Web API, response_url endpoints and a client that sends signed slash commands.

Serves on 127.0.0.1 (ephemeral port) what newsdigest's Slack adapter uses through slack-bolt / slack-sdk:
`auth.test`, `chat.postMessage` (validates tokens and Block Kit limits, enforces a per-channel rate limit with a
small burst and answers 429 + Retry-After like Slack), the three-step `files_upload_v2` flow, and
`/response/<id>` URLs that take 5 posts in 30 minutes. Per-channel errors (`channel_not_found`, `not_in_channel`,
`is_archived`, `account_inactive`), scripted 429s and 5xx answers are injectable. `apps.connections.open` checks
the app-level token (xapp-) as Slack does before Socket Mode connects. Everything is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import math
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from newsdigest.config import SlackConfig, build_config

GONE_ERRORS = ("channel_not_found", "not_in_channel", "is_archived", "account_inactive")


@dataclass
class Post:
    channel: str
    text: str | None
    blocks: list[dict[str, Any]]
    at: float
    payload: dict[str, Any] = field(repr=False, default_factory=dict)
    ts: str = ""
    thread_ts: str | None = None  # set for a reply in a thread


@dataclass
class SharedFile:
    channel: str
    file_id: str
    title: str | None
    filename: str
    data: bytes = field(repr=False)
    initial_comment: str | None = None


@dataclass
class ResponseUrl:
    created: float
    posts: list[dict[str, Any]] = field(default_factory=list)
    at: list[float] = field(default_factory=list)


@dataclass
class Bucket:
    tokens: float
    stamp: float


def block_errors(blocks: Any) -> list[str]:
    """What Slack would reject in a `blocks` array (the subset of Block Kit rules our renderer must respect)."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors: list[str] = []
    if len(blocks) > 50:
        errors.append(f"{len(blocks)} blocks > 50")
    for i, b in enumerate(blocks):
        kind = b.get("type") if isinstance(b, dict) else None
        if kind == "divider":
            continue
        text = b.get("text") if isinstance(b, dict) else None
        if kind not in ("section", "header") or not isinstance(text, dict) or not isinstance(text.get("text"), str):
            errors.append(f"block {i}: unsupported or malformed {kind!r}")
            continue
        body = text["text"]
        if kind == "header" and (text.get("type") != "plain_text" or not 1 <= len(body) <= 150):
            errors.append(f"block {i}: header must be plain_text of 1-150 chars, got {len(body)}")
        if kind == "section" and (text.get("type") not in ("mrkdwn", "plain_text") or not 1 <= len(body) <= 3000):
            errors.append(f"block {i}: section text must be 1-3000 chars, got {len(body)}")
    return errors


class FakeSlackApi:
    """Start with `await fake.start()`; point the bot at `fake.api_url` (ends with /api/)."""

    def __init__(
        self,
        *,
        token: str = "xoxb-test-token",
        app_token: str = "xapp-test-token",
        rate_per_channel: float = 1.0,
        burst: int = 3,
        response_url_limit: int = 5,
        response_url_ttl: float = 1800.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.app_token = app_token
        self.socket_url = "ws://127.0.0.1:9/socket"  # what apps.connections.open hands out (nothing listens there)
        self.rate_per_channel = rate_per_channel
        self.burst = burst
        self.response_url_limit = response_url_limit
        self.response_url_ttl = response_url_ttl
        self.clock = clock
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.posts: list[Post] = []
        self.rejected: list[tuple[str, str, str]] = []  # (method, channel, error)
        self.ratelimited: list[tuple[str, float]] = []  # (channel, at)
        self.files: list[SharedFile] = []
        self.responses: dict[str, ResponseUrl] = {}
        self.channel_errors: dict[str, str] = {}  # channel -> permanent error (e.g. "is_archived")
        self._scripted: dict[str, list[tuple[int, str, float]]] = defaultdict(list)  # channel -> [(status, error, ra)]
        self._buckets: dict[str, Bucket] = {}
        self._pass: dict[str, int] = {}  # channel -> calls to let through before the scripted failures
        self._uploads: dict[str, tuple[str, int, bytes | None]] = {}  # file_id -> (filename, length, data)
        self._ids = itertools.count(1)
        self._parents: dict[str, set[str]] = {}  # channel -> ts of its top-level messages
        self._last_ts = 0.0
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{rid}", self._response)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.api_url

    def _add_routes(self, app: web.Application) -> None:
        """Subclasses serve more (the Socket Mode fake adds its websocket)."""

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[web.Response]]]:
        return {
            "apps.connections.open": self._connections_open,
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "conversations.join": self._join,
        }

    def _authorized(self, request: web.Request, params: dict[str, Any], method: str) -> bool:
        if method == "apps.connections.open":  # the one method that takes the app-level token
            return request.headers.get("Authorization") == f"Bearer {self.app_token}"
        return request.headers.get("Authorization") == f"Bearer {self.token}" or params.get("token") == self.token

    async def _connections_open(self, params: dict[str, Any]) -> web.Response:
        return self._ok(url=self.socket_url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # -- scripting ---------------------------------------------------------------------------------------------

    def fail_next(self, channel: str, times: int = 1, *, status: int = 500, error: str = "internal_error",
                  retry_after: float = 1.0, after: int = 0) -> None:
        """After `after` more accepted calls, the next `times` calls to `channel` fail (429 -> Retry-After)."""
        self._pass[channel] = after
        self._scripted[channel].extend([(status, error, retry_after)] * times)

    def new_response_url(self) -> str:
        rid = f"R{next(self._ids)}"
        self.responses[rid] = ResponseUrl(created=self.clock())
        return f"{self.base_url}/response/{rid}"

    def posts_to(self, channel: str) -> list[Post]:
        return [p for p in self.posts if p.channel == channel]

    async def wait_for_response(self, url: str, *, timeout: float = 30.0, quiet: float = 0.5) -> list[dict[str, Any]]:
        """The posts a response_url received, once the first arrived and no more came for `quiet` seconds."""
        entry = self.responses[url.rsplit("/", 1)[1]]
        start = time.monotonic()
        seen, since = 0, time.monotonic()
        while time.monotonic() - start < timeout:
            if len(entry.posts) != seen:
                seen, since = len(entry.posts), time.monotonic()
            elif seen and time.monotonic() - since >= quiet:
                break
            await asyncio.sleep(0.05)
        return entry.posts

    def response_posts(self, url: str) -> list[dict[str, Any]]:
        return self.responses[url.rsplit("/", 1)[1]].posts

    # -- handlers ----------------------------------------------------------------------------------------------

    @staticmethod
    def _ok(**data: Any) -> web.Response:
        return web.json_response({"ok": True, **data})

    @staticmethod
    def _err(error: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return web.json_response({"ok": False, "error": error}, status=status, headers=headers)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(dict(await request.post()))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        if not self._authorized(request, params, method):
            return self._err("invalid_auth")
        handler = self._methods().get(method)
        if handler is None:
            return self._err("unknown_method", status=404)
        return await handler(params)

    async def _auth_test(self, params: dict[str, Any]) -> web.Response:
        return self._ok(url="https://fake.slack.test/", team="Fake", user="newsdigest", team_id="T0FAKE",
                        user_id="U0BOT", bot_id="B0BOT")

    async def _join(self, params: dict[str, Any]) -> web.Response:
        return self._ok(channel={"id": params.get("channel")})

    def _take_token(self, channel: str) -> float:
        """0 when a send is allowed now, else seconds until the bucket refills one token."""
        now = self.clock()
        b = self._buckets.setdefault(channel, Bucket(float(self.burst), now))
        b.tokens = min(float(self.burst), b.tokens + (now - b.stamp) * self.rate_per_channel)
        b.stamp = now
        if b.tokens >= 1.0:
            b.tokens -= 1.0
            return 0.0
        return (1.0 - b.tokens) / self.rate_per_channel

    def _channel_problem(self, channel: str) -> web.Response | None:
        if not channel:
            return self._err("channel_not_found")
        if channel in self.channel_errors:
            return self._err(self.channel_errors[channel])
        if self._pass.get(channel):
            self._pass[channel] -= 1
        elif self._scripted.get(channel):
            status, error, retry_after = self._scripted[channel].pop(0)
            if status == 429:
                self.ratelimited.append((channel, self.clock()))
                return self._err("ratelimited", 429, {"Retry-After": _header_seconds(retry_after)})
            return self._err(error, status)
        return None

    async def _post_message(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel") or "")
        problem = self._channel_problem(channel)
        if problem is not None:
            self.rejected.append(("chat.postMessage", channel, "scripted"))
            return problem
        wait = self._take_token(channel)
        if wait > 0:
            self.ratelimited.append((channel, self.clock()))
            return self._err("ratelimited", 429, {"Retry-After": _header_seconds(wait)})
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        text = params.get("text")
        if not text and not blocks:
            self.rejected.append(("chat.postMessage", channel, "no_text"))
            return self._err("no_text")
        if block_errors(blocks):
            self.rejected.append(("chat.postMessage", channel, "invalid_blocks"))
            return self._err("invalid_blocks")
        thread_ts = str(params.get("thread_ts") or "") or None
        if thread_ts is not None and thread_ts not in self._parents.get(channel, set()):
            # Slack threads hang off a top-level message of the same channel
            self.rejected.append(("chat.postMessage", channel, "thread_not_found"))
            return self._err("thread_not_found")
        self._last_ts = max(time.time(), self._last_ts + 1e-6)  # unique and increasing, like Slack's
        ts = f"{self._last_ts:.6f}"
        self.posts.append(Post(channel, text, blocks, self.clock(), params, ts, thread_ts))
        if thread_ts is None:
            self._parents.setdefault(channel, set()).add(ts)
        return self._ok(channel=channel, ts=ts, message={"text": text, "blocks": blocks,
                                                         **({"thread_ts": thread_ts} if thread_ts else {})})

    async def _get_upload_url(self, params: dict[str, Any]) -> web.Response:
        filename, length = params.get("filename"), params.get("length")
        if not filename or not str(length or "").isdigit():
            return self._err("invalid_arguments")
        file_id = f"F{next(self._ids):06d}"
        self._uploads[file_id] = (str(filename), int(str(length)), None)
        return self._ok(upload_url=f"{self.base_url}/upload/{file_id}", file_id=file_id)

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self._uploads:
            return web.Response(status=404, text="unknown upload")
        data = await request.read()
        filename, length, _ = self._uploads[file_id]
        self._uploads[file_id] = (filename, length, data)
        return web.Response(text=f"OK - {len(data)}")

    async def _complete_upload(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel_id") or "")
        if channel:
            problem = self._channel_problem(channel)
            if problem is not None:
                return problem
        files = json.loads(params.get("files") or "[]")
        done = []
        for f in files:
            entry = self._uploads.get(f.get("id"))
            if entry is None or entry[2] is None or len(entry[2]) != entry[1]:
                return self._err("file_upload_incomplete")
            self.files.append(SharedFile(channel, f["id"], f.get("title"), entry[0], entry[2],
                                         params.get("initial_comment")))
            done.append({"id": f["id"], "title": f.get("title"), "name": entry[0]})
        return self._ok(files=done)

    async def _response(self, request: web.Request) -> web.Response:
        entry = self.responses.get(request.match_info["rid"])
        if entry is None:
            return web.Response(status=404, text="no_such_url")
        if self.clock() - entry.created > self.response_url_ttl:
            return web.Response(status=404, text="expired_url")
        if len(entry.posts) >= self.response_url_limit:
            return web.Response(status=404, text="used_url")
        try:
            payload = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="invalid_payload")
        if not payload.get("text") and not payload.get("blocks"):
            return web.Response(status=400, text="no_text")
        if block_errors(payload.get("blocks") or []):
            return web.Response(status=400, text="invalid_blocks")
        entry.posts.append(payload)
        entry.at.append(self.clock())
        return web.Response(text="ok")


def _header_seconds(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


# -------------------------------------------------------------------------------------------------------------
# Slash commands, signed exactly as Slack signs them


def sign(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def slash_body(*, text: str, response_url: str, command: str = "/news", channel_id: str = "C0NEWS",
               user_id: str = "U0ALICE", channel_name: str = "news", user_name: str = "alice",
               team_id: str = "T0FAKE") -> str:
    fields = {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "team_domain": "fake",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "A0NEWS",
        "response_url": response_url,
        "trigger_id": f"{int(time.time())}.1.abc",
    }
    return urllib.parse.urlencode(fields)


@dataclass
class SlashResult:
    status: int
    body: str
    seconds: float


async def send_slash_command(
    url: str,
    secret: str,
    body: str,
    *,
    timestamp: str | None = None,
    signature: str | None = None,
    tamper: Callable[[str], str] | None = None,
    timeout: float = 60.0,
) -> SlashResult:
    """POST a slash command to the app. `timestamp`/`signature` override the real ones; `tamper` edits the body
    after signing (a man in the middle)."""
    ts = timestamp if timestamp is not None else str(int(time.time()))
    sig = signature if signature is not None else sign(secret, ts, body)
    sent = tamper(body) if tamper else body
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sig,
    }
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session, \
            session.post(url, data=sent.encode(), headers=headers) as resp:
        text = await resp.text()
        return SlashResult(resp.status, text, time.perf_counter() - started)


def slack_settings(fake: FakeSlackApi, secret: str = "test-signing-secret", **overrides: Any) -> SlackConfig:
    """A SlackConfig for an HTTP-mode bot on an ephemeral loopback port talking to `fake`."""
    raw: dict[str, Any] = {"bot_token": fake.token, "signing_secret": secret, "mode": "http", "port": 0,
                           "api_base_url": fake.api_url, **overrides}
    return build_config({"slack": raw}).slack
