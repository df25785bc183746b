"""The shared command core: one function per command, each returning a platform-neutral Reply.

Adapters (console, Telegram, Slack) build a `Core` once and call `Core.answer()` for every message;
they never look inside the store themselves.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsdigest import texts
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.errors import StoreBusyError
from newsdigest.handlers import digest_cmds, feed_cmds, general, remind_cmds, story_cmds
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import COMMANDS, CommandSpec, UsageError, command_list, parse_command
from newsdigest.models import ChatRef, Platform, user_scope
from newsdigest.reply import Reply, error_reply, text
from newsdigest.summarize.service import BriefService

if TYPE_CHECKING:
    from newsdigest.store.store import Store

log = logging.getLogger("newsdigest.handlers")

COMMAND_MODULES = (digest_cmds, feed_cmds, general, remind_cmds, story_cmds)  # importing them registers their commands
QUOTE_LIMIT = 64  # user text quoted back in an error reply is cut to this many characters

# Observers of answered commands (metrics); called with (platform, command, seconds, ok).
CommandObserver = Callable[[str, str, float, bool], None]


# Commands that answer from story assignments; while clustering is unfinished they say so.
STORY_COMMANDS = frozenset({"status", "deadline", "timeline", "stories", "digest"})


def _with_clustering_note(ctx: CommandContext, reply: Reply) -> Reply:
    pending = ctx.store.unassigned_count()
    if not pending:
        return reply
    return dataclasses.replace(reply, blocks=(*reply.blocks, text(texts.t(ctx.lang, "clustering", n=f"{pending:,}"))))


def all_commands() -> dict[str, CommandSpec]:
    """Every registered command (for help texts and platform menus)."""
    return COMMANDS


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text as an error reply quotes it: one line, at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def not_a_command(lang: str, line: str) -> Reply:
    """Plain text where a command was expected: a one-line hint, not the whole help."""
    if not line.strip():
        return error_reply(texts.t(lang, "empty_line"))
    return error_reply(texts.t(lang, "not_a_command", line=quote(line)))


def _resolve(ctx: CommandContext, line: str) -> tuple[CommandSpec, str] | Reply:
    """The command and its arguments, or the reply for an unknown, unparseable or forbidden one."""
    parsed = parse_command(line)
    if parsed is None:
        return not_a_command(ctx.lang, line)
    spec = COMMANDS.get(parsed.name)
    if spec is None:
        return error_reply(texts.t(ctx.lang, "unknown_command", name=quote(parsed.name)), *command_list(ctx.lang))
    if spec.admin and not ctx.is_admin:
        hint = texts.t(ctx.lang, "admin_hint", user=ctx.user_id, platform=ctx.chat.platform) if ctx.user_id else ""
        return error_reply(texts.t(ctx.lang, "admin_only", name=spec.name) + hint)
    return spec, parsed.args


def _usage(ctx: CommandContext, spec: CommandSpec, exc: UsageError) -> Reply:
    return error_reply(f"{exc}\n{texts.t(ctx.lang, 'usage')}: {spec.usage(lang=ctx.lang)}")


def dispatch(ctx: CommandContext, line: str) -> Reply:
    """Parse one chat line and run its command. Unknown commands and bad arguments get a helpful reply.

    Sync: for code already on a worker thread. A coroutine command (addfeed) needs `dispatch_async`.
    """
    resolved = _resolve(ctx, line)
    if isinstance(resolved, Reply):
        return resolved
    spec, args = resolved
    try:
        reply = spec.handler(ctx, args)
    except UsageError as exc:
        return _usage(ctx, spec, exc)
    if not isinstance(reply, Reply):  # a coroutine command called from sync code: never started
        reply.close()  # type: ignore[attr-defined]
        raise TypeError(f"/{spec.name} is a coroutine command: answer it with Core.respond()")
    return reply


async def dispatch_async(ctx: CommandContext, line: str) -> Reply:
    """`dispatch` from the event loop: sync commands run on the gateway (writer thread when they write)."""
    gateway = ctx.store.gateway
    resolved = await gateway.read(_resolve, ctx, line)
    if isinstance(resolved, Reply):
        return resolved
    spec, args = resolved
    if not spec.is_async:
        return await (gateway.write if spec.writes else gateway.read)(dispatch, ctx, line)
    try:
        reply = spec.handler(ctx, args)
        assert not isinstance(reply, Reply)
        return await reply
    except UsageError as exc:
        return _usage(ctx, spec, exc)


@dataclass
class Core:
    """What adapters hold: the store, configuration and clock, plus hooks for the scheduler and metrics.

    Adapters reach the store only through the Core's coroutines (`respond`, `chat_seen`, `chat_gone`,
    `chat_moved`, `reply_language`), which run the sync work on the store's gateway threads.
    """

    store: Store
    config: Config
    clock: Clock
    on_subscriptions_changed: Callable[[], object] | None = None  # its result is ignored
    observer: CommandObserver | None = None
    briefs: BriefService | None = None
    _known_chats: set[str] = field(default_factory=set, repr=False)

    def is_admin(self, chat: ChatRef, user_id: str | None, user_name: str | None = None) -> bool:
        """Console users are admins; on platforms, `admins` lists user ids or @usernames."""
        if chat.platform == Platform.CONSOLE:
            return True
        admins = {"telegram": self.config.telegram.admins, "slack": self.config.slack.admins}.get(chat.platform, ())
        names = {a.lstrip("@").lower() for a in admins if a.startswith("@")}
        return (user_id is not None and user_id in admins) or (user_name is not None and user_name.lower() in names)

    def language(self, chat: ChatRef, user_lang: str | None = None, user_id: str | None = None) -> str:
        """The asker's own choice (Slack) > per-chat override > the user's client language (de*/en*) > [bot] language."""
        if chat.platform == "slack" and user_id:
            own = self.store.chat_lang(user_scope(chat.platform, user_id))
            if own:
                return own
        override = self.store.chat_lang(chat)
        if override:
            return override
        if user_lang:
            code = user_lang.lower()[:2]
            if code in texts.LANGUAGES:
                return code
        return self.config.bot.language

    def context(
        self, chat: ChatRef, user_id: str | None = None, user_lang: str | None = None, user_name: str | None = None
    ) -> CommandContext:
        return CommandContext(
            store=self.store,
            config=self.config,
            clock=self.clock,
            chat=chat,
            user_id=user_id,
            lang=self.language(chat, user_lang, user_id),
            is_admin=self.is_admin(chat, user_id, user_name),
            on_subscriptions_changed=self.on_subscriptions_changed,
            briefs=self.briefs,
        )

    def answer(
        self, chat: ChatRef, line: str, user_id: str | None = None, user_lang: str | None = None,
        *, user_name: str | None = None,
    ) -> Reply:
        """Answer one command line from sync code; never raises for bad input (logs and apologises on errors)."""
        started, line, name = self._begin(line)
        ctx = self.context(chat, user_id, user_lang, user_name)
        try:
            reply = dispatch(ctx, line)
        except Exception as exc:  # noqa: BLE001 (never raises for a command: _failed logs it and apologises)
            reply = self._failed(ctx, name, exc)
        if name in STORY_COMMANDS and not reply.error:
            reply = _with_clustering_note(ctx, reply)
        return self._finish(chat, name, reply, started)

    async def respond(
        self, chat: ChatRef, line: str, user_id: str | None = None, user_lang: str | None = None,
        *, user_name: str | None = None, title: str | None = None,
    ) -> Reply:
        """`answer` for the event loop (every adapter): the chat is remembered, the work runs off the loop."""
        started, line, name = self._begin(line)
        try:
            await self.chat_seen(chat, title)
            ctx = await self.store.gateway.read(self.context, chat, user_id, user_lang, user_name)
        except Exception as exc:  # noqa: BLE001 (as above)
            ctx = CommandContext(self.store, self.config, self.clock, chat, user_id, self.config.bot.language)
            return self._finish(chat, name, self._failed(ctx, name, exc), started)
        try:
            reply = await dispatch_async(ctx, line)
            if name in STORY_COMMANDS and not reply.error:
                reply = await self.store.gateway.read(_with_clustering_note, ctx, reply)
        except Exception as exc:  # noqa: BLE001 (never raises for a command: _failed logs it and apologises)
            reply = self._failed(ctx, name, exc)
        return self._finish(chat, name, reply, started)

    async def reply_language(self, chat: ChatRef, user_lang: str | None = None) -> str:
        return await self.store.gateway.read(self.language, chat, user_lang)

    async def chat_seen(self, chat: ChatRef, title: str | None = None) -> None:
        """Remember a platform chat the bot hears from (once per process and chat; the console is not stored)."""
        if chat.platform == Platform.CONSOLE or chat.key in self._known_chats:
            return
        await self.store.gateway.write(self.store.register_chat, chat, title)
        self._known_chats.add(chat.key)

    async def chat_gone(self, chat: ChatRef, reason: str) -> int:
        """The platform says the chat is gone: stop sending there. Returns the subscriptions deactivated."""
        self._known_chats.discard(chat.key)  # heard from again (unblocked, re-invited): registered active again
        return await self.store.gateway.write(self.store.deactivate_chat, chat, reason)

    async def chat_moved(self, platform: str, old_id: str, new_id: str) -> None:
        """A Telegram group became a supergroup: its settings, subscriptions and ledger follow it."""
        await self.store.gateway.write(self.store.migrate_chat, platform, old_id, new_id)

    def _begin(self, line: str) -> tuple[float, str, str]:
        line = line.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored or sent
        parsed = parse_command(line)
        return time.perf_counter(), line, parsed.name if parsed and parsed.name in COMMANDS else "unknown"

    def _failed(self, ctx: CommandContext, name: str, exc: Exception) -> Reply:
        chat = ctx.chat
        if isinstance(exc, StoreBusyError):
            log.warning("command busy platform=%s chat=%s command=%s: %s", chat.platform, chat.chat_id, name, exc)
            return error_reply(texts.t(ctx.lang, "database_busy"))
        log.error("command failed platform=%s chat=%s command=%s", chat.platform, chat.chat_id, name, exc_info=exc)
        return error_reply(texts.t(ctx.lang, "internal_error"))

    def _finish(self, chat: ChatRef, name: str, reply: Reply, started: float) -> Reply:
        elapsed = time.perf_counter() - started
        log.info(
            "command platform=%s chat=%s command=%s ok=%s ms=%.1f",
            chat.platform, chat.chat_id, name, not reply.error, elapsed * 1000,
        )
        if self.observer:
            self.observer(chat.platform, name, elapsed, not reply.error)
        return reply
