"""Feed commands: `feeds` (health), admin-only `addfeed URL` and `removefeed URL`.

Handlers are sync and run on the store gateway's threads; `addfeed` is a coroutine (its fetch is network I/O).
"""

from __future__ import annotations

import datetime as dt
import re
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


# What ingest/fetch.py and ingest/feeds.py say when a fetch or a feed fails, as /feeds finds it stored with the feed
# (written once, read in every chat's language): (pattern, catalog key). The first that matches wins; a reason
# none matches is shown as written.
REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^HTTP (?P<status>\d{3})(?P<phrase>.*)$"), "reason_http"),
    (re.compile(r"^cannot (?:resolve host |connect to )'?(?P<host>[^' ]+)'?$"), "unreachable"),
    (re.compile(r"^(?:no complete answer within|timed out)"), "reason_timeout"),
    (re.compile(r"exceeds the (?:size limit|\d+ byte limit)$"), "reason_large"),
    (re.compile(r"^this is a web page"), "reason_page"),
    (re.compile(r"^not a (?:usable )?feed"), "reason_not_feed"),
    (re.compile(r"entit(?:y|ies)"), "reason_entities"),
    (re.compile(r"only http and https URLs are fetched"), "reason_scheme"),
    (re.compile(r"^more than \d+ redirects"), "reason_redirects"),
    (re.compile(r"^(?:network error|unexpected HTTP status)"), "reason_network"),
    (re.compile(r"^internal error"), "reason_internal"),
    (re.compile(r"^(?:refused: )?(?P<detail>.*\baddress\b.*)$"), "reason_refused"),
)


def reason_text(reason: str, lang: str) -> str:
    """A stored or raised fetch/feed failure in the reader's language (the technical detail kept where it helps)."""
    reason = reason.strip().rstrip(".")
    for pattern, key in REASONS:
        if m := pattern.search(reason):
            return t(lang, key, **{k: v[:200] for k, v in m.groupdict().items() if v is not None})
    return reason


# What the poller remembers about a feed's entries (ingest/poller.py, ingest/decode.py), read in every chat's
# language: (pattern, catalog key); the entry's label (its URL or GUID, and title) stays as written.
PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<entry>.+): entry without text, skipped$"), "problem_no_text"),
    (re.compile(r"^(?P<entry>.+ “.*”): no text, stored as a headline only$"), "problem_headline"),
    (re.compile(r"^decoding: (?P<n>\d+) byte\(s\) not valid (?P<charset>\S+) replaced by U\+FFFD "
                r"\(first at byte (?P<at>\d+)\)$"), "problem_bytes"),
)


def _problem_text(problem: str, lang: str) -> str:
    """A remembered problem in the reader's language: an entry's problem, or "URL: reason" with a fetch reason
    (a page behind an entry); other problems as stored."""
    for pattern, key in PROBLEMS:
        if m := pattern.match(problem):
            return t(lang, key, **m.groupdict())
    label, sep, reason = problem.partition(": ")
    return f"{label}: {reason_text(reason, lang)}" if sep and "://" in label else problem


def error_reason(exc: Exception, lang: str = "en") -> str:
    """What went wrong, for a chat reply: catalog text where the exception's words are the resolver's, not ours."""
    if isinstance(exc, FetchUnreachable):
        return t(lang, "unreachable", host=exc.host[:200])
    return reason_text(str(exc), lang)


def error_hint(exc: Exception, lang: str = "en") -> str:
    """What an admin can do about a failed fetch or parse (chat commands and the CLI)."""
    if isinstance(exc, FetchUnreachable):  # a name that does not resolve, or an address where nothing answers
        return t(lang, "hint_no_answer" if exc.reason.startswith("cannot connect") else "hint_unreachable")
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
                                 error=reason_text(f.last_error or "?", lang)[:160], next=_when(f.next_poll))
    elif f.last_success:
        mark, detail = "✓ ", t(lang, "ok", when=_when(f.last_success), items=h.items_seen, next=_when(f.next_poll))
    else:
        mark, detail = "… ", t(lang, "pending")
    if problems:
        listed = " · ".join(f"{_when(at)}: {_problem_text(what, lang)[:140]}" for at, what in problems[:3])
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
