"""A recording Sender for digest tests: it can be told to fail, report the chat gone, move it, or crash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from newsdigest.models import Platform
from newsdigest.reply import Reply
from newsdigest.sender import SendOutcome, SendResult


class Crash(BaseException):
    """Stands in for the process dying (kill -9): nothing below the raise runs, nothing catches it."""


@dataclass
class Sent:
    chat_id: str
    text: str
    at: dt.datetime


@dataclass
class FakeSender:
    """Records every digest the 'platform' accepted. `script` maps a call number (1-based) to a behaviour."""

    now: Callable[[], dt.datetime]
    platform: Platform = Platform.TELEGRAM
    sent: list[Sent] = field(default_factory=list)
    calls: int = 0
    script: dict[int, str] = field(default_factory=dict)  # crash-before | crash-after | fail | gone | migrate:ID
    always: str | None = None

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.calls += 1
        action = self.script.get(self.calls, self.always or "ok")
        if action == "crash-before":
            raise Crash
        if action == "fail":
            return SendResult(SendOutcome.FAILED, detail="HTTP 502")
        if action == "gone":
            return SendResult(SendOutcome.GONE, detail="Forbidden: bot was blocked by the user")
        self.sent.append(Sent(chat_id, reply.plain_text(), self.now()))
        if action == "crash-after":
            raise Crash
        if action.startswith("migrate:"):
            return SendResult(SendOutcome.SENT, messages=1, new_chat_id=action.split(":", 1)[1])
        return SendResult(SendOutcome.SENT, messages=1)
