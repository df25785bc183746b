"""Everything a command needs to answer, injected by the adapter that received it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.models import ChatRef
from newsdigest.summarize.service import BriefService

if TYPE_CHECKING:
    from newsdigest.store.store import Store


@dataclass
class CommandContext:
    store: Store
    config: Config
    clock: Clock
    chat: ChatRef
    user_id: str | None = None
    lang: str = "en"  # reply language: chat override > user's client language > [bot] language
    is_admin: bool = False
    # Called after subscriptions change so the scheduler rebuilds its jobs.
    on_subscriptions_changed: Callable[[], object] | None = None  # its result is ignored
    briefs: BriefService | None = None  # optional machine-written briefs ([summarize])
