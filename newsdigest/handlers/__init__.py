"""The shared command core: one function per command, each returning a platform-neutral Reply.

Adapters (console, Telegram, Slack) build a `Core` once and call `Core.answer()` for every message;
they never look inside the store themselves.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import i18n
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import COMMANDS, CommandSpec, UsageError, parse_command
from newsdigest.handlers.reply import Reply, error_reply
from newsdigest.models import ChatRef, user_scope

if TYPE_CHECKING:
    from newsdigest.store.store import Store

log = logging.getLogger("newsdigest.handlers")

# Observers of answered commands (metrics); called with (platform, command, seconds, ok).
CommandObserver = Callable[[str, str, float, bool], None]


def _load_commands() -> None:
    # Importing the modules registers their commands.
    from newsdigest.handlers import digest_cmds, feed_cmds, general, remind_cmds, story_cmds  # noqa: F401


def all_commands() -> dict[str, CommandSpec]:
    """Every registered command (for help texts and platform menus)."""
    _load_commands()
    return COMMANDS


def dispatch(ctx: CommandContext, line: str) -> Reply:
    """Parse one chat line and run its command. Unknown commands and bad arguments get a helpful reply."""
    _load_commands()
    parsed = parse_command(line)
    if parsed is None:
        return error_reply(i18n.t(ctx.lang, "not_a_command", line=line.strip()[:60]), *i18n.command_list(ctx.lang))
    spec = COMMANDS.get(parsed.name)
    if spec is None:
        return error_reply(i18n.t(ctx.lang, "unknown_command", name=parsed.name), *i18n.command_list(ctx.lang))
    if spec.admin and not ctx.is_admin:
        return error_reply(i18n.t(ctx.lang, "admin_only", name=spec.name))
    try:
        return spec.handler(ctx, parsed.args)
    except UsageError as exc:
        return error_reply(f"{exc}\n{i18n.t(ctx.lang, 'usage')}: {spec.usage()}")


@dataclass
class Core:
    """What adapters hold: the store, configuration and clock, plus hooks for the scheduler and metrics."""

    store: Store
    config: Config
    clock: Clock
    on_subscriptions_changed: Callable[[], None] | None = None
    observer: CommandObserver | None = None

    def is_admin(self, chat: ChatRef, user_id: str | None, user_name: str | None = None) -> bool:
        """Console users are admins; on platforms, `admins` lists user ids or @usernames."""
        if chat.platform == "console":
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
            if code in i18n.LANGUAGES:
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
        )

    def answer(
        self, chat: ChatRef, line: str, user_id: str | None = None, user_lang: str | None = None,
        *, user_name: str | None = None,
    ) -> Reply:
        """Answer one command line; never raises for bad input (logs and apologises on internal errors)."""
        started = time.perf_counter()
        _load_commands()
        line = line.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored or sent
        parsed = parse_command(line)
        name = parsed.name if parsed and parsed.name in COMMANDS else "unknown"
        ctx = self.context(chat, user_id, user_lang, user_name)
        try:
            reply = dispatch(ctx, line)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                log.exception("command failed platform=%s chat=%s command=%s", chat.platform, chat.chat_id, name)
                reply = error_reply(i18n.t(ctx.lang, "internal_error"))
            else:
                log.warning("command busy platform=%s chat=%s command=%s: %s", chat.platform, chat.chat_id, name, exc)
                reply = error_reply(i18n.t(ctx.lang, "database_busy"))
        except Exception:
            log.exception("command failed platform=%s chat=%s command=%s", chat.platform, chat.chat_id, name)
            reply = error_reply(i18n.t(ctx.lang, "internal_error"))
        elapsed = time.perf_counter() - started
        log.info(
            "command platform=%s chat=%s command=%s ok=%s ms=%.1f",
            chat.platform, chat.chat_id, name, not reply.error, elapsed * 1000,
        )
        if self.observer:
            self.observer(chat.platform, name, elapsed, not reply.error)
        return reply
