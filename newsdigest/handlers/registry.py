"""The command table: name -> handler, usage and help text in English and German.

Command modules register with `@command(...)`; adapters read `COMMANDS` for menus
(Telegram setMyCommands, Slack usage hint) and call `dispatch()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.reply import Reply

Handler = Callable[[CommandContext, str], Reply]


class UsageError(ValueError):
    """A command was called with wrong arguments; the message says what is wrong."""


@dataclass(frozen=True)
class CommandSpec:
    name: str
    args: str  # usage after the name, e.g. "[story]"
    help_en: str
    help_de: str
    handler: Handler
    admin: bool = False

    def usage(self, prefix: str = "/") -> str:
        return f"{prefix}{self.name} {self.args}".rstrip()

    def help(self, lang: str) -> str:
        return self.help_de if lang == "de" else self.help_en


COMMANDS: dict[str, CommandSpec] = {}
ALIASES: dict[str, str] = {"start": "help", "hilfe": "help", "news": "status", "frist": "deadline", "fristen": "deadline",
                           "deadlines": "deadline", "suche": "search", "abo": "subscribe", "stop": "unsubscribe",
                           "erinnern": "remind", "abos": "subscriptions"}


def command(name: str, args: str, help_en: str, help_de: str, *, admin: bool = False) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = CommandSpec(name, args, help_en, help_de, fn, admin)
        return fn

    return register


_CMD = re.compile(r"^\s*/?([A-Za-z_][A-Za-z0-9_]*)(?:@(\S+))?(?:\s+(.*))?$", re.S)


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    args: str
    addressed_to: str | None  # "botname" in /status@botname


def parse_command(line: str) -> ParsedCommand | None:
    """'/status@bot tiktok' -> ('status', 'tiktok', 'bot'); None when the line is not a command."""
    m = _CMD.match(line or "")
    if not m:
        return None
    name = m.group(1).lower()
    return ParsedCommand(ALIASES.get(name, name), (m.group(3) or "").strip(), m.group(2))
