"""What every chat platform adapter offers the rest of the bot: sending a Reply to a chat.

Adapters handle rate limits and retries themselves (429 -> wait and resend). They report the
outcomes the caller must act on: the chat is gone (blocked, kicked, archived -> deactivate its
subscriptions) or has moved (Telegram group migrated -> new chat id).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from newsdigest.models import ChatRef, Platform
from newsdigest.reply import Reply


class SendOutcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # the chat will never accept messages again: deactivate it
    FAILED = "failed"  # transient failure after retries: try again at the next opportunity


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    messages: int = 0  # platform messages sent (a long reply may be split)
    new_chat_id: str | None = None  # set when the platform moved the chat (Telegram migrate_to_chat_id)
    detail: str = ""


class Sender(Protocol):
    platform: Platform

    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...


@runtime_checkable
class ThreadSender(Protocol):
    """A platform that can post a digest as one parent message with replies in its thread (Slack)."""

    async def send_thread(self, chat_id: str, parent: Reply, replies: Sequence[Reply]) -> SendResult: ...


class ChatEvents(Protocol):
    """What a sender reports about chats (the Core implements it; adapters never touch the store)."""

    async def chat_gone(self, chat: ChatRef, reason: str) -> int: ...

    async def chat_moved(self, platform: str, old_id: str, new_id: str) -> None: ...


@runtime_checkable
class LeaderReceiver(Protocol):
    """A platform whose way of receiving allows one consumer per bot (Telegram long polling): with several
    workers only the leader receives; app.py starts and stops it as the lead moves."""

    async def start_polling(self) -> None: ...

    async def stop_polling(self) -> None: ...


class Adapter(Sender, Protocol):
    """A running chat platform: started and stopped by app.py inside the one asyncio loop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...
