"""Feed commands: `feeds` (health), admin-only `addfeed URL` and `removefeed URL`.

Handlers are sync and run on the store gateway's threads; `addfeed` is a coroutine (its fetch is network I/O).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import UsageError, command
from newsdigest.ingest.dedupe import canonical_url
from newsdigest.ingest.feeds import FeedError
from newsdigest.ingest.fetch import (
    FetchError,
    FetchHTTPError,
    FetchRefused,
    FetchSchemeRefused,
    FetchTimeout,
    FetchTooLarge,
    FetchUnreachable,
    check_url,
)
from newsdigest.ingest.oneshot import NotAFeedError, add_feed_checked
from newsdigest.ingest.pages import PageError
from newsdigest.reply import BulletList, Heading, Inline, Reply, Span, error_reply, item, link, text
from newsdigest.texts import t

if TYPE_CHECKING:
    from newsdigest.store.feeds_repo import FeedHealth
    from newsdigest.store.store import Store



def _when(stamp: str | None) -> str:
    if not stamp:
        return "—"
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp


def error_reason(exc: Exception, lang: str = "en") -> str:
    """What went wrong, for a chat reply: catalog text where the exception's words are the resolver's, not ours."""
    if isinstance(exc, FetchUnreachable):
        return t(lang, "unreachable", host=exc.host[:200])
    return str(exc).rstrip(".")


def error_hint(exc: Exception, lang: str = "en") -> str:
    """What an admin can do about a failed fetch or parse (chat commands and the CLI)."""
    if isinstance(exc, FetchUnreachable):
        return t(lang, "hint_unreachable")
    if isinstance(exc, FetchSchemeRefused):
        return t(lang, "hint_scheme")
    if isinstance(exc, FetchRefused):
        return t(lang, "hint_refused")
    if isinstance(exc, FetchTimeout):
        return t(lang, "hint_timeout")
    if isinstance(exc, FetchTooLarge):
        return t(lang, "hint_large")
    if isinstance(exc, FetchHTTPError):
        key = "hint_auth" if exc.status in (401, 403) else "hint_404" if exc.status in (404, 410) else "hint_http"
        return t(lang, key)
    if isinstance(exc, NotAFeedError):
        if exc.candidates:
            return t(lang, "hint_page_links", links=", ".join(exc.candidates[:3]))
        return t(lang, "hint_page")
    if isinstance(exc, FeedError):
        return t(lang, "hint_feed")
    if isinstance(exc, PageError):
        return t(lang, "hint_no_text")
    return t(lang, "hint_other")


def _health_line(h: FeedHealth, lang: str, problems: list[tuple[str, str]]) -> Inline:
    f = h.feed
    name = link(f.title or f.url, f.url)
    if f.error_count:
        mark, detail = "✗ ", t(lang, "failing", when=_when(h.last_error_at), count=f.error_count,
                                 error=(f.last_error or "?")[:160], next=_when(f.next_poll))
    elif f.last_success:
        mark, detail = "✓ ", t(lang, "ok", when=_when(f.last_success), items=h.items_seen, next=_when(f.next_poll))
    else:
        mark, detail = "… ", t(lang, "pending")
    if problems:
        listed = " · ".join(f"{_when(at)}: {what[:140]}" for at, what in problems[:3])
        detail += t(lang, "problems", problems=listed)
    return item(Span(mark), name, Span(detail))


def feeds_reply(store: Store, lang: str = "en") -> Reply:
    """The feed list with health: ✓ last success / ✗ last error and next retry."""
    health = store.feed_health()
    if not health:
        return Reply((text(t(lang, "no_feeds")),))
    return Reply((Heading(t(lang, "feeds_heading", n=len(health))),
                  BulletList(tuple(_health_line(h, lang, store.feed_problems(h.feed.id)) for h in health))))


@command("feeds", "", "the feeds I follow and their health", "die verfolgten Feeds und ihr Zustand")
def feeds_cmd(ctx: CommandContext, args: str) -> Reply:
    return feeds_reply(ctx.store, ctx.lang)


def _url_arg(args: str, lang: str, usage_key: str) -> str:
    url = args.strip().split()[0] if args.strip() else ""
    if not url:
        raise UsageError(t(lang, usage_key))
    return url.strip("<>")  # Slack and some clients wrap links in <…>


@command("addfeed", "URL", "follow a feed (admins)", "einen Feed verfolgen (Admins)", admin=True, writes=True)
async def addfeed_cmd(ctx: CommandContext, args: str) -> Reply:
    """A coroutine: the fetch runs on the event loop, store calls go through the gateway (inside add_feed_checked)."""
    url = _url_arg(args, ctx.lang, "addfeed_usage")
    try:
        check_url(url)
    except FetchRefused:
        return error_reply(t(ctx.lang, "not_http", url=url[:200]))
    known = await ctx.store.gateway.read(ctx.store.feed, url)
    if known is not None and known.active:
        return Reply((text(t(ctx.lang, "already", name=known.title or url)),))
    added_by = f"{ctx.chat.platform}:{ctx.user_id}" if ctx.user_id else ctx.chat.platform
    try:
        outcome = await add_feed_checked(ctx.store, ctx.config, url, added_by=added_by, clock=ctx.clock)
    except (FetchError, FeedError) as exc:
        return error_reply(t(ctx.lang, "add_failed", url=url[:200], reason=error_reason(exc, ctx.lang)), text(error_hint(exc, ctx.lang)))
    name = f"“{outcome.title}”" if outcome.title else url
    key = "feed_added" if outcome.new and known is None else "readded"
    created = t(ctx.lang, "new_article_1") if outcome.created == 1 else t(ctx.lang, "new_articles_n", n=outcome.created)
    blocks = [text(t(ctx.lang, key, name=name, created=created, known=outcome.known,
                      minutes=ctx.config.ingest.interval_minutes))]
    if outcome.warnings:
        blocks.append(text(t(ctx.lang, "warnings", n=len(outcome.warnings))))
    return Reply(tuple(blocks))


@command("removefeed", "URL", "stop following a feed (admins)", "einen Feed nicht mehr verfolgen (Admins)", admin=True,
         writes=True)
def removefeed_cmd(ctx: CommandContext, args: str) -> Reply:
    url = _url_arg(args, ctx.lang, "removefeed_usage")
    target = url
    if ctx.store.feed(url) is None:  # tolerate tracking parameters, case and trailing slashes
        wanted = canonical_url(url)
        target = next((f.url for f in ctx.store.feeds() if wanted and canonical_url(f.url) == wanted), url)
    if ctx.store.remove_feed(target):
        return Reply((text(t(ctx.lang, "removed", url=target)),))
    return error_reply(t(ctx.lang, "not_following", url=url[:200]))
