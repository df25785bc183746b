"""Domain records shared by every layer. Plain dataclasses: no I/O, no behaviour beyond conversion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Platform(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    SLACK = "slack"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


class KeyPointKind(StrEnum):
    EVENT = "event"
    DEADLINE = "deadline"
    FIGURE = "figure"
    QUOTE = "quote"
    FACT = "fact"


class DeliveryStatus(StrEnum):
    """A digest's row in the delivery ledger; all but PENDING are final."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    GONE = "gone"
    FAILED = "failed"


class ChangeKind(StrEnum):
    """How a key date changed between two digests."""

    ADDED = "added"
    EXTENDED = "extended"  # replaced by a later date
    MOVED = "moved"  # replaced by an earlier date
    PASSED = "passed"


@dataclass(frozen=True)
class ChatRef:
    """Where a command came from and where its reply goes. Strings from storage or config are coerced (and checked)."""

    platform: Platform
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE

    def __post_init__(self) -> None:
        object.__setattr__(self, "platform", Platform(self.platform))
        object.__setattr__(self, "kind", ChatKind(self.kind))

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat_id}"


def user_scope(platform: Platform, user_id: str) -> ChatRef:
    """Where one person's own settings live (a Slack user's reply language), beside the chats they write in."""
    return ChatRef(platform, f"user:{user_id}", ChatKind.PRIVATE)


@dataclass(frozen=True)
class ArticleInput:
    """An article as a source hands it to ingestion, before extraction."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    lang: str | None = None
    url: str | None = None
    guid: str | None = None
    source: str | None = None  # outlet / feed name shown to users
    feed_url: str | None = None


@dataclass(frozen=True)
class Article:
    """An article as stored."""

    id: int
    title: str
    text: str
    lang: str
    published: dt.date | None
    url: str | None
    source: str | None
    content_hash: str
    story_id: int | None = None
    extraction: dict[str, object] = field(default_factory=dict)  # Extraction.as_dict()
    sources: tuple[str, ...] = ()  # every outlet that carried it (syndication)


@dataclass(frozen=True)
class KeyPoint:
    id: int
    article_id: int
    text: str
    kind: KeyPointKind
    score: float
    start: int
    end: int
    published: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", KeyPointKind(self.kind))


@dataclass(frozen=True)
class Deadline:
    id: int
    article_id: int
    text: str
    value: str  # TIMEX3 value: 2020-09-15, 2020-09, ...
    what: str
    supersedes: str | None
    start: int
    end: int
    published: dt.date | None = None
    kind: str = "deadline"  # deadline | expiry
    retired: bool = False  # a date the text says no longer holds


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: Platform
    chat_id: str
    time: str  # HH:MM in tz
    tz: str
    story: str | None = None  # story slug, None = all stories
    active: bool = True
    lang: str = "en"
    filters: str = ""  # "+oracle -gaming": plain words a digest item must / must not contain
    style: str = ""  # "" = one message per digest; "thread" = a parent message, each story a thread reply (Slack)
    paused: str | None = None  # why the platform stopped it (a deleted or closed Telegram topic); None = not paused

    def __post_init__(self) -> None:
        object.__setattr__(self, "platform", Platform(self.platform))

    @property
    def chat(self) -> ChatRef:
        return ChatRef(self.platform, self.chat_id)


@dataclass(frozen=True)
class ReminderRule:
    """A chat's wish to be reminded `offsets` days before each key date of a story (None = every story)."""

    id: int
    platform: Platform
    chat_id: str
    story: str | None
    offsets: tuple[int, ...]  # days before the key date, e.g. (3, 1)
    time: str  # HH:MM in tz
    tz: str
    lang: str = "en"
    active: bool = True
    paused: str | None = None
    effective_from: dt.datetime | None = None  # when the rule was last set (no catch-up before it)

    def __post_init__(self) -> None:
        object.__setattr__(self, "platform", Platform(self.platform))

    @property
    def chat(self) -> ChatRef:
        return ChatRef(self.platform, self.chat_id)


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    error_count: int = 0
    next_poll: str | None = None
    active: bool = True
