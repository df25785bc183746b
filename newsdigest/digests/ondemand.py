"""On demand: the /digest command and `newsdigest digest` — the digest a chat would get now, composed from the store.

Pure of any platform: a caller that sends passes a Sender; the result goes into the same delivery ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.briefs import attach_briefs
from newsdigest.digests.compose import ComposeOptions, compose
from newsdigest.digests.content import load_digest_input
from newsdigest.digests.filters import apply_filters, filters_for
from newsdigest.digests.slots import zone
from newsdigest.models import ChatRef, DeliveryStatus, Platform
from newsdigest.reply import Reply
from newsdigest.sender import Sender, SendOutcome, SendResult
from newsdigest.store.store import Store
from newsdigest.stories.service import ensure_assigned
from newsdigest.summarize.service import BriefService

_TELEGRAM_CHAT = re.compile(r"^-?\d+(/\d+)?$")  # a chat id, optionally with a forum topic


def parse_chat(value: str) -> ChatRef:
    """'console' -> the console chat; 'telegram:-100123' / 'slack:C024BE91L' -> that chat."""
    value = value.strip()
    if value in ("", Platform.CONSOLE):
        return ChatRef(Platform.CONSOLE, "console")
    platform, sep, chat_id = value.partition(":")
    if not sep or platform not in set(Platform) or not chat_id:
        raise ValueError(f"not a chat: {value!r} (use console, telegram:CHAT_ID or slack:CHANNEL_ID)")
    if platform == Platform.TELEGRAM and not _TELEGRAM_CHAT.match(chat_id):
        raise ValueError(f"not a chat: {value!r} (a Telegram chat id is a number, e.g. telegram:-1001234567890, "
                         "or telegram:-1001234567890/7 for a forum topic)")
    return ChatRef(Platform(platform), chat_id)


def _chat_zone(store: Store, config: Config, chat: ChatRef) -> str:
    subs = store.subscriptions_for(chat)
    return subs[0].tz if subs else config.bot.timezone


def compose_for_chat(store: Store, config: Config, clock: Clock, chat: ChatRef, *, lang: str | None = None,
                     briefs: BriefService | None = None, story: str | None = None) -> Reply:
    """The digest this chat would get now: what changed since its last digest (everything, for a first one);
    with `story` (a slug), that story's part only, whatever the chat subscribed to.

    Never recorded in the ledger and never moves last_digest_at: asking is not receiving the scheduled digest.
    """
    tz = zone(_chat_zone(store, config, chat))
    now = clock.now().astimezone(tz)
    as_of = clock.as_of or now.date()
    since = store.last_digest_at(chat.platform, chat.chat_id)
    if since is not None and since > clock.now():
        since = None  # replaying a day before the last digest: show that day's world from the start
    subs = store.subscriptions_for(chat)
    stories = None if not subs or any(s.story is None for s in subs) else frozenset(s.story for s in subs if s.story)
    if story is not None:
        stories = frozenset({story})
    lang = lang or (subs[0].lang if subs else None) or store.chat_lang(chat) or config.bot.language
    inp = load_digest_input(store, as_of=as_of, since=since.astimezone(tz) if since else None, stories=stories)
    inp = apply_filters(inp, *filters_for([(s.story, s.filters) for s in subs]))
    opts = ComposeOptions(lang=lang, scheduled=False)
    inp = attach_briefs(inp, opts, briefs, wait=briefs.command_wait if briefs else None)
    reply = compose(inp, opts)
    assert reply is not None  # skip_quiet is off: a quiet day still answers
    return reply


@dataclass(frozen=True)
class DigestRun:
    reply: Reply
    result: SendResult | None  # None for --dry-run


async def run_digest_now(
    store: Store, config: Config, clock: Clock, chat: ChatRef, *, sender: Sender | None = None, dry_run: bool = False,
) -> DigestRun:
    """`newsdigest digest [--chat ID] [--dry-run] [--as-of DATE]`: compose, and unless dry-run send it.

    A sent digest is recorded in the ledger under slot `manual:<local time>` and moves last_digest_at,
    so the next scheduled digest continues from here.
    """
    gw = store.gateway
    await gw.write(ensure_assigned, store)
    reply = await gw.read(compose_for_chat, store, config, clock, chat)
    if dry_run or sender is None:
        return DigestRun(reply, None)
    now = clock.now()
    slot = "manual:" + now.astimezone(zone(await gw.read(_chat_zone, store, config, chat))).isoformat(timespec="seconds")
    claim = await gw.write(store.claim_delivery, chat.platform, chat.chat_id, slot, None, max_attempts=1)
    result = await sender.send(chat.chat_id, reply)
    if claim is not None:
        status = {SendOutcome.SENT: DeliveryStatus.SENT, SendOutcome.GONE: DeliveryStatus.GONE}.get(
            result.outcome, DeliveryStatus.FAILED
        )
        subs = [s.id for s in await gw.read(store.subscriptions_for, chat)]
        await gw.write(store.finish_delivery, chat.platform, [chat.chat_id], slot, status, at=now,
                       messages=result.messages, detail=result.detail or None, subscription_ids=subs, digest_at=now)
    if result.outcome is SendOutcome.GONE:
        await gw.write(store.deactivate_chat, chat, result.detail or "gone")
    return DigestRun(reply, result)


