"""Slack adapter: one slash command (`/news <subcommand> [args]`) over slack-bolt, and digests via chat.postMessage.

Runs inside the application's asyncio loop. HTTP mode serves Slack's signed requests with aiohttp (signature
checked here before bolt sees the request, so every forged or stale request gets 401, never a 500); Socket Mode
connects out with the app token. A command is acknowledged at once (Slack wants an answer within 3 s) and answered
afterwards through `response_url`.

Answers are ephemeral (only the caller sees them): a lookup like `/news deadline` or `/news timeline` is a private
question and should not post into a busy channel, which is also what Slack users expect from slash commands. Only
`subscribe` / `unsubscribe` / `remind` answers go to the whole channel (they change what the channel receives, so
everyone should see who changed it). A picture in an answer (the timeline) would have to be shared in the channel to
be seen, so ephemeral answers go without it; the text carries the same dates.

Digests post as one message, or (`/news subscribe 08:00 thread`, or `[slack] digest_style = "thread"`) as a parent
message listing the stories with each story's details as a reply in its thread (`thread_ts`).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from newsdigest.bot.ratelimit import RateLimiter, SharedBudget
from newsdigest.bot.slack_render import SlackFile, render
from newsdigest.config import ConfigError, SlackConfig
from newsdigest.handlers import Core, all_commands
from newsdigest.handlers.registry import parse_command
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.ops.metrics import METRICS
from newsdigest.reply import BulletList, Heading, Image, Paragraph, Reply, Span
from newsdigest.sender import SendOutcome, SendResult

log = logging.getLogger("newsdigest.slack")

GONE_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "account_inactive"})
SIGNATURE_WINDOW = 300  # seconds; Slack's replay window
RESPONSE_URL_POSTS = 5  # Slack accepts five posts per response_url
MAX_RATELIMITED = 10  # 429s in a row for one message before we give up until the next opportunity
CHANNEL_WIDE = frozenset({"subscribe", "unsubscribe", "remind"})
_TIMESTAMP = re.compile(r"^\d{1,12}$")
_NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, SlackRequestError, OSError)


BOT_TOKEN_FIX = ("copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into "
                 "NEWSDIGEST_SLACK_BOT_TOKEN (install the app to the workspace first)")
APP_TOKEN_FIX = ("generate an App-Level Token with connections:write (Basic Information → App-Level Tokens) into "
                 "NEWSDIGEST_SLACK_APP_TOKEN, and enable Socket Mode")
REJECTED = frozenset({"invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired",
                      "not_allowed_token_type"})


async def slack_token_problem(client: AsyncWebClient, cfg: SlackConfig) -> str | None:
    """None when Slack accepts the configured tokens, else one line: what is wrong and how to fix it.

    The bot token goes through auth.test; in Socket Mode the app-level token through apps.connections.open
    (what the socket client calls first; a rejected one would otherwise be retried forever).
    """
    checks: list[tuple[str, str, Callable[[], Awaitable[Any]]]] = [
        ("bot token", BOT_TOKEN_FIX, client.auth_test)]
    if cfg.mode == "socket" and cfg.app_token:
        app_token = cfg.app_token
        checks.append(("app-level token", APP_TOKEN_FIX, lambda: client.apps_connections_open(app_token=app_token)))
    for what, fix, call in checks:
        try:
            await call()
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in REJECTED:
                return f"Slack refused the {what} ({error}): {fix}"
            return f"Slack answered {error} to the {what} check: check [slack] api_base_url (it ends with /api/)"
        except _NETWORK_ERRORS as exc:
            return (f"cannot reach the Slack API at {cfg.api_base_url} ({type(exc).__name__}): check the network / "
                    "proxy and [slack] api_base_url")
    return None


def chat_ref(channel_id: str) -> ChatRef:
    """Slack ids say what they are: C public channel, G private channel / group DM, D direct message."""
    kind = {"C": ChatKind.CHANNEL, "G": ChatKind.GROUP, "D": ChatKind.PRIVATE}.get(channel_id[:1], ChatKind.CHANNEL)
    return ChatRef(Platform.SLACK, channel_id, kind)


def verify_signature(secret: str, headers: Any, body: bytes, now: float) -> str | None:
    """None when the request is Slack's; else why not (for the log). Never raises on hostile headers."""
    ts = headers.get("X-Slack-Request-Timestamp", "")
    sig = headers.get("X-Slack-Signature", "")
    if not _TIMESTAMP.match(ts):
        return "missing or non-numeric timestamp"
    if abs(now - int(ts)) > SIGNATURE_WINDOW:
        return "stale timestamp"
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), sig.encode("utf-8", "replace")):
        return "bad signature"
    return None


@functools.lru_cache(maxsize=4)
def _command_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    return re.compile(rf"(?<![\w/.:])/({alternatives})\b")


def slack_command_names(reply: Reply, command: str, typed: str | None = None) -> Reply:
    """The core names commands `/status`; in Slack they are subcommands: `/news status`. `typed` is the name the
    user gave, known or not, so "Unknown command /frobnicate" reads as the `/news frobnicate` they typed."""
    names = tuple(all_commands())
    pattern = _command_pattern(names if typed is None or typed in names else (*names, typed))

    def fix(s: str) -> str:
        return pattern.sub(lambda m: f"{command} {m.group(1)}", s)

    def spans(items: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple(Span(fix(s.text), s.bold, s.italic, s.code, s.url) for s in items)

    blocks: list[Any] = []
    for b in reply.blocks:
        if isinstance(b, Paragraph):
            blocks.append(Paragraph(spans(b.spans)))
        elif isinstance(b, BulletList):
            blocks.append(BulletList(tuple(spans(i) for i in b.items), b.numbered))
        elif isinstance(b, Heading):
            blocks.append(Heading(fix(b.text)))
        else:
            blocks.append(b)
    return Reply(tuple(blocks), reply.error)


class SlackBot:
    """The Slack Adapter: `start()` / `stop()` in our loop, `send()` for digests."""

    platform = Platform.SLACK

    def __init__(
        self,
        core: Core,
        cfg: SlackConfig | None = None,
        *,
        host: str = "0.0.0.0",
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared: SharedBudget | None = None,
    ) -> None:
        self.core = core
        self.cfg = cfg or core.config.slack
        if not self.cfg.bot_token:
            raise ValueError("SlackBot needs slack.bot_token")
        self.host = host
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._wall_clock = wall_clock
        # Per-channel spacing of chat.postMessage (Slack allows about one a second per channel); a 429 or a
        # transient failure blocks only that channel. With several workers, `shared` holds the pace across all of them.
        rate = self.cfg.rate_per_channel
        self._limiter = RateLimiter(key_rate=rate if rate > 0 else None, clock=clock, sleep=sleep, shared=shared,
                                    shared_name="slack")
        self._progress: OrderedDict[tuple[str, str], int] = OrderedDict()  # (channel, reply digest) -> messages sent
        self._threads: dict[tuple[str, str], tuple[str | None, int]] = {}  # threaded digest -> (thread_ts, sent)
        # retry_handlers=[]: send() owns retries, so they do not multiply with the SDK's own.
        self.client = AsyncWebClient(token=self.cfg.bot_token, base_url=self.cfg.api_base_url, retry_handlers=[])
        http = self.cfg.mode == "http" or not self.cfg.app_token
        self.app = AsyncApp(
            client=self.client,  # carries the bot token; bolt runs auth.test through it
            signing_secret=self.cfg.signing_secret if http else None,
            # Socket Mode requests arrive over the app-token websocket and carry no signature.
            request_verification_enabled=http,
            logger=logging.getLogger("newsdigest.slack.bolt"),
        )
        self.app.command(self.cfg.command)(self._on_command)
        self.app.error(self._on_error)
        self._runner: web.AppRunner | None = None
        self._socket: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.url: str | None = None  # the HTTP endpoint once started

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the tokens first (one clear ConfigError instead of a bot that starts deaf), then listen."""
        await self.check_tokens()
        if self.cfg.mode == "http" or not self.cfg.app_token:
            await self._start_http()
        else:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self.cfg.app_token)
            await self._socket.connect_async()
            log.info("slack socket mode connected command=%s", self.cfg.command)

    async def check_tokens(self) -> None:
        """auth.test with the bot token; in Socket Mode also apps.connections.open with the app-level token."""
        problem = await slack_token_problem(self.client, self.cfg)
        if problem is not None:
            await self._close_client_session()
            raise ConfigError(problem)

    async def _start_http(self) -> None:
        if not self.cfg.signing_secret:
            raise ValueError("Slack HTTP mode needs slack.signing_secret")
        web_app = web.Application(client_max_size=1024 * 1024)
        web_app.router.add_post(self.cfg.path, self._http_handler)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.cfg.port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{'127.0.0.1' if self.host in ('0.0.0.0', '') else self.host}:{port}{self.cfg.path}"
        log.info("slack http mode listening host=%s port=%s path=%s command=%s", self.host, port, self.cfg.path,
                 self.cfg.command)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        await self._close_client_session()

    async def _close_client_session(self) -> None:
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()

    # -- HTTP mode -------------------------------------------------------------------------------------------

    async def _http_handler(self, request: web.Request) -> web.Response:
        body = await request.read()
        assert self.cfg.signing_secret is not None
        problem = verify_signature(self.cfg.signing_secret, request.headers, body, self._wall_clock())
        if problem is not None:
            log.warning("slack request refused reason=%s remote=%s", problem, request.remote)
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "invalid body"}, status=400)
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    # -- the slash command -----------------------------------------------------------------------------------

    async def _on_command(self, ack: Any, command: dict[str, Any]) -> None:
        await ack()  # within Slack's 3 s, before any work
        # The work runs in our own task: bolt's HTTP response then never waits on it, and a failure reaches the
        # one error handler below instead of bolt's ack bookkeeping.
        task = asyncio.create_task(self._work(command))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _work(self, command: dict[str, Any]) -> None:
        try:
            await self._answer(command)
        except Exception as exc:  # noqa: BLE001 (any failure still gets the user a polite answer; _on_error logs it)
            await self._on_error(exc, command)

    async def _answer(self, command: dict[str, Any]) -> None:
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "") or None
        line = " ".join(str(command.get("text") or "").split()) or "help"
        response_url = str(command.get("response_url") or "")
        chat = chat_ref(channel)
        reply = await self.core.respond(chat, line, user, None, title=command.get("channel_name"))
        parsed = parse_command(line)
        public = parsed is not None and parsed.name in CHANNEL_WIDE and not reply.error
        if not public and reply.images:
            reply = Reply(tuple(b for b in reply.blocks if not isinstance(b, Image)), reply.error)
        typed = parsed.name if parsed is not None else None
        await self._respond(response_url, channel, slack_command_names(reply, self.cfg.command, typed), public)

    async def _respond(self, response_url: str, channel: str, reply: Reply, public: bool) -> None:
        rendered = render(reply)
        notes: list[str] = []
        for f in rendered.files:
            err = await self._upload(channel, f)
            if err is not None:
                notes.append(f"(I could not share the picture here: {err}. Invite me to the channel with /invite.)")
        messages = list(rendered.messages)
        if notes:
            messages.append({"text": notes[0], "blocks": [{"type": "section", "text": {
                "type": "mrkdwn", "text": notes[0], "verbatim": True}}]})
        if len(messages) > RESPONSE_URL_POSTS:
            log.warning("slack reply of %d messages cut to %d (response_url limit)", len(messages), RESPONSE_URL_POSTS)
            messages = messages[:RESPONSE_URL_POSTS]
        hook = AsyncWebhookClient(response_url)
        for msg in messages:
            resp = await hook.send(
                text=msg["text"], blocks=msg["blocks"], response_type="in_channel" if public else "ephemeral",
                replace_original=False, unfurl_links=False, unfurl_media=False,
            )
            if resp.status_code != 200:
                log.warning("slack response_url refused status=%s body=%s", resp.status_code, resp.body[:200])
                return

    async def _upload(self, channel: str, f: SlackFile) -> str | None:
        """Share a picture in the channel; the Slack error code on failure."""
        try:
            await self.client.files_upload_v2(channel=channel, file=f.data, filename=f.filename, title=f.title)
        except SlackApiError as exc:
            return str(exc.response.get("error") or exc.response.status_code)
        except _NETWORK_ERRORS as exc:
            log.warning("slack file upload failed channel=%s error=%s", channel, exc)
            return "network error"
        return None

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("slack handler failed: %s", error, exc_info=error)
        url = body.get("response_url") if isinstance(body, dict) else None
        if url:
            try:
                await AsyncWebhookClient(str(url)).send(
                    text="Sorry, something went wrong while answering. It has been logged; please try again.",
                    response_type="ephemeral",
                )
            except _NETWORK_ERRORS:
                log.warning("slack could not report the error to the user")

    # -- sending (digests) -----------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        """Post a reply to a channel: paced per channel, 429 honoured, gone channels deactivated.

        A reply split into several messages that failed part-way resumes at the first unsent message when the
        same reply is sent to the same channel again, so nothing is posted twice.
        """
        rendered = render(slack_command_names(reply, self.cfg.command))
        key = (chat_id, hashlib.sha256(json.dumps(rendered.messages, sort_keys=True).encode()).hexdigest())
        done = self._progress.get(key, 0)
        sent = 0
        for i, msg in enumerate(rendered.messages):
            if i < done:
                continue
            outcome, detail = await self._post(chat_id, msg)
            if outcome is not SendOutcome.SENT:
                self._remember(key, i)
                return await self._failed(chat_id, (outcome, detail), sent)
            sent += 1
        self._progress.pop(key, None)
        for f in rendered.files:
            err = await self._upload(chat_id, f)
            if err is not None:
                if err in GONE_ERRORS:
                    return await self._failed(chat_id, (SendOutcome.GONE, err), sent)
                log.warning("slack picture not shared channel=%s error=%s", chat_id, err)
        return SendResult(SendOutcome.SENT, messages=sent)

    async def send_thread(self, chat_id: str, parent: Reply, replies: Sequence[Reply]) -> SendResult:
        """A digest as a thread: the parent message, then each story's details as a reply to it (thread_ts).

        Resumes like send(): a retry after a failure part-way continues in the same thread, posting nothing twice.
        """
        messages = [render(slack_command_names(r, self.cfg.command)).messages for r in (parent, *replies)]
        key = (chat_id, hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest())
        thread_ts, done = self._threads.get(key, (None, 0))
        flat = [(i, m) for i, group in enumerate(messages) for m in group]
        sent = 0
        for n, (_group, msg) in enumerate(flat):
            if n < done:
                continue
            outcome, detail = await self._post(chat_id, msg, thread_ts=thread_ts)
            if outcome is not SendOutcome.SENT:
                self._threads[key] = (thread_ts, n)
                return await self._failed(chat_id, (outcome, detail), sent)
            thread_ts = thread_ts or detail  # the first message is the parent; its ts names the thread
            sent += 1
        self._threads.pop(key, None)
        return SendResult(SendOutcome.SENT, messages=sent, detail=f"thread {thread_ts}")

    def _remember(self, key: tuple[str, str], done: int) -> None:
        self._progress[key] = done
        self._progress.move_to_end(key)
        while len(self._progress) > 10_000:
            self._progress.popitem(last=False)

    async def _failed(self, chat_id: str, failure: tuple[SendOutcome, str], sent: int) -> SendResult:
        outcome, detail = failure
        if outcome is SendOutcome.GONE:
            hit = await self.core.chat_gone(chat_ref(chat_id), f"slack: {detail}")
            log.warning("slack channel gone channel=%s error=%s subscriptions_deactivated=%d", chat_id, detail, hit)
        else:
            log.error("slack send failed channel=%s error=%s sent=%d", chat_id, detail, sent)
        return SendResult(outcome, messages=sent, detail=detail)

    async def _post(self, channel: str, msg: dict[str, Any], *, thread_ts: str | None = None
                    ) -> tuple[SendOutcome, str]:
        """One chat.postMessage with pacing and retries: (SENT, the message's ts) or (outcome, what went wrong)."""
        async with self._limiter.exclusive(channel):
            transient = limited = 0
            while True:
                await self._limiter.acquire(channel)
                try:
                    resp = await self.client.chat_postMessage(channel=channel, text=msg["text"], blocks=msg["blocks"],
                                                              unfurl_links=False, unfurl_media=False,
                                                              thread_ts=thread_ts)
                    return SendOutcome.SENT, str(resp.get("ts") or "")
                except SlackApiError as exc:
                    status = exc.response.status_code
                    error = str(exc.response.get("error") or f"http {status}")
                    if status == 429 or error == "ratelimited":
                        retry_after = _retry_after(exc.response.headers)
                        limited += 1
                        if retry_after > self.max_retry_after or limited > MAX_RATELIMITED:
                            return SendOutcome.FAILED, f"ratelimited (retry after {retry_after:.0f}s, {limited} times)"
                        METRICS.send_retry("slack")
                        log.info("slack 429 channel=%s retry_after=%.1f", channel, retry_after)
                        self._limiter.block(channel, retry_after)
                        continue
                    if error in GONE_ERRORS:
                        return SendOutcome.GONE, error
                    if status < 500:
                        return SendOutcome.FAILED, error  # a request Slack will never accept (bad blocks, auth)
                    detail = error
                except _NETWORK_ERRORS as exc:
                    detail = f"{type(exc).__name__}: {exc}"
                finally:
                    # Charged when the answer came, not when the request went: a slow request cannot squeeze the
                    # next one closer to it at Slack's end than the interval.
                    self._limiter.release(channel)
                transient += 1
                if transient >= self.max_attempts:
                    return SendOutcome.FAILED, detail
                METRICS.send_retry("slack")
                self._limiter.block(channel, self.backoff * 2 ** (transient - 1))


def _retry_after(headers: Any) -> float:
    raw = None
    if headers is not None:
        for k, v in dict(headers).items():
            if str(k).lower() == "retry-after":
                raw = v[0] if isinstance(v, list) else v
    try:
        return max(0.0, float(raw)) if raw is not None else 1.0
    except ValueError:
        return 1.0
