"""The command table: name -> handler, usage and help text in English and German.

Command modules register with `@command(...)`; adapters read `COMMANDS` for menus
(Telegram setMyCommands, Slack usage hint) and call `dispatch()`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from newsdigest.errors import UserError
from newsdigest.handlers.context import CommandContext
from newsdigest.reply import Block, BulletList, Paragraph, Reply, Span, item
from newsdigest.texts import arg_names, t

Handler = Callable[[CommandContext, str], Reply]
# A command that awaits network I/O (addfeed) is a coroutine run on the event loop; it reaches the store
# through `ctx.store.gateway` like every other coroutine.
AsyncHandler = Callable[[CommandContext, str], Awaitable[Reply]]
H = TypeVar("H", Handler, AsyncHandler)


class UsageError(UserError):
    """A command was called with wrong arguments; the message says what is wrong."""


@dataclass(frozen=True)
class CommandSpec:
    name: str
    args: str  # usage after the name, e.g. "[story]"
    help_en: str
    help_de: str
    handler: Handler | AsyncHandler
    admin: bool = False
    writes: bool = False  # changes the database: runs on the store's writer thread

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.handler)

    def usage(self, prefix: str = "/", lang: str = "en") -> str:
        return f"{prefix}{self.name} {arg_names(lang, self.args)}".rstrip()

    def help(self, lang: str) -> str:
        return self.help_de if lang == "de" else self.help_en


COMMANDS: dict[str, CommandSpec] = {}
# The order COMMANDS (and so /help and the platform menus) lists commands in: the story first, then digests, feeds,
# settings. Modules register in import order (alphabetical); a command not named here follows in that order.
LISTING_ORDER = (
    "help", "status", "deadline", "timeline", "why", "stories", "search", "digest", "subscribe", "unsubscribe",
    "subscriptions", "remind", "feeds", "addfeed", "removefeed", "lang",
)
ALIASES: dict[str, str] = {"start": "help", "hilfe": "help", "news": "status", "frist": "deadline", "fristen": "deadline",
                           "deadlines": "deadline", "suche": "search", "abo": "subscribe", "stop": "unsubscribe",
                           "erinnern": "remind", "abos": "subscriptions"}


def command(
    name: str, args: str, help_en: str, help_de: str, *, admin: bool = False, writes: bool = False
) -> Callable[[H], H]:
    def register(fn: H) -> H:
        COMMANDS[name] = CommandSpec(name, args, help_en, help_de, fn, admin, writes)
        _keep_listing_order()
        return fn

    return register


_CMD = re.compile(r"^\s*/?([A-Za-z_][A-Za-z0-9_]*)(?:@(\S+))?(?:\s+(.*))?$", re.S)


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    args: str
    addressed_to: str | None  # "botname" in /status@botname


def _keep_listing_order() -> None:
    rank = {name: i for i, name in enumerate(LISTING_ORDER)}
    ordered = sorted(COMMANDS.items(), key=lambda item: rank.get(item[0], len(rank)))  # stable: the rest keep theirs
    COMMANDS.clear()
    COMMANDS.update(ordered)


def parse_command(line: str) -> ParsedCommand | None:
    """'/status@bot tiktok' -> ('status', 'tiktok', 'bot'); None when the line is not a command."""
    m = _CMD.match(line or "")
    if not m:
        return None
    name = m.group(1).lower()
    return ParsedCommand(ALIASES.get(name, name), (m.group(3) or "").strip(), m.group(2))


def command_list(lang: str, *, admin: bool = True, prefix: str = "/") -> tuple[Block, ...]:
    """The command table as reply blocks (used by /help and by every error reply)."""
    rows = []
    for spec in COMMANDS.values():
        if spec.admin and not admin:
            continue
        # Plain text, not code: Telegram makes a plain "/command" tappable; Slack and the console show it as is.
        rows.append(item(Span(spec.usage(prefix, lang)), Span(" — " + spec.help(lang))))
    return (Paragraph((Span(t(lang, "commands"), bold=True),)), BulletList(tuple(rows)))
