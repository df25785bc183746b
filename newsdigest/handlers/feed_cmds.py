"""Feed commands: `feeds` (health), admin-only `addfeed URL` and `removefeed URL`.

Handlers are sync and run on the store gateway's threads; `addfeed` is a coroutine (its fetch is network I/O).
The HTTP stack is imported only when a feed is added, so other commands start fast.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import UsageError, command
from newsdigest.handlers.reply import BulletList, Heading, Inline, Reply, Span, error_reply, item, link, text
from newsdigest.ingest.dedupe import canonical_url
from newsdigest.texts import Catalog

if TYPE_CHECKING:
    from newsdigest.store.feeds_repo import FeedHealth
    from newsdigest.store.store import Store

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "no_feeds": "No feeds yet. Admins add one with /addfeed URL.",
        "feeds_heading": "Feeds ({n})",
        "ok": " — updated {when}, {items} articles; next check {next}",
        "failing": " — failing since {when} ({count}×): {error}; next try {next}",
        "pending": " — not checked yet",
        "addfeed_usage": "Give me the feed's address, e.g. /addfeed https://example.org/feed.xml",
        "not_http": "“{url}” is not an http(s) address. Feeds look like https://example.org/feed.xml",
        "already": "I already follow {name}.",
        "added": "Added {name}: {created} new articles, {known} already known. I check it every {minutes} minutes.",
        "readded": "Following {name} again: {created} new articles, {known} already known.",
        "warnings": "{n} entries could not be completed from their pages (their feed text was kept).",
        "add_failed": "Could not add {url}: {reason}.",
        "removefeed_usage": "Tell me which feed to drop, e.g. /removefeed https://example.org/feed.xml (see /feeds)",
        "removed": "Stopped following {url}. Its articles stay in the archive.",
        "not_following": "I do not follow {url}. /feeds lists the feeds.",
        "hint_refused": "Addresses on private or local networks are blocked to protect the bot's network; if this host "
                        "is meant to be reachable, an operator can add it to [ingest] allow_hosts.",
        "hint_timeout": "The server is too slow or unreachable; check the address or try again later.",
        "hint_large": "The document is larger than the configured limit ([ingest] max_bytes).",
        "hint_auth": "The server refuses access; feeds behind a login are not supported.",
        "hint_404": "Nothing at this address; check it (sites link their feed as RSS, Atom or Feed).",
        "hint_http": "The server has a problem; try again later.",
        "hint_page": "That is a web page, not a feed.",
        "hint_page_links": "That is a web page, not a feed. It announces: {links}",
        "hint_feed": "The document is not a usable RSS or Atom feed; check the address.",
        "hint_other": "Check the address and try again.",
    },
    "de": {
        "no_feeds": "Noch keine Feeds. Admins fügen mit /addfeed URL einen hinzu.",
        "feeds_heading": "Feeds ({n})",
        "ok": " — aktualisiert {when}, {items} Artikel; nächste Prüfung {next}",
        "failing": " — Fehler seit {when} ({count}×): {error}; nächster Versuch {next}",
        "pending": " — noch nicht geprüft",
        "addfeed_usage": "Bitte die Adresse des Feeds angeben, z. B. /addfeed https://example.org/feed.xml",
        "not_http": "„{url}“ ist keine http(s)-Adresse. Feeds sehen so aus: https://example.org/feed.xml",
        "already": "{name} verfolge ich schon.",
        "added": "{name} hinzugefügt: {created} neue Artikel, {known} schon bekannt. Ich prüfe ihn alle {minutes} Minuten.",
        "readded": "{name} wird wieder verfolgt: {created} neue Artikel, {known} schon bekannt.",
        "warnings": "{n} Einträge ließen sich nicht von ihrer Seite ergänzen (der Feed-Text wurde behalten).",
        "add_failed": "{url} konnte nicht hinzugefügt werden: {reason}.",
        "removefeed_usage": "Welcher Feed soll weg? Z. B. /removefeed https://example.org/feed.xml (siehe /feeds)",
        "removed": "{url} wird nicht mehr verfolgt. Seine Artikel bleiben im Archiv.",
        "not_following": "{url} verfolge ich nicht. /feeds zeigt die Feeds.",
        "hint_refused": "Adressen in privaten oder lokalen Netzen sind gesperrt, um das Netz des Bots zu schützen; soll "
                        "dieser Host erreichbar sein, kann ein Betreiber ihn in [ingest] allow_hosts eintragen.",
        "hint_timeout": "Der Server ist zu langsam oder nicht erreichbar; Adresse prüfen oder später erneut versuchen.",
        "hint_large": "Das Dokument ist größer als das eingestellte Limit ([ingest] max_bytes).",
        "hint_auth": "Der Server verweigert den Zugriff; Feeds hinter einem Login werden nicht unterstützt.",
        "hint_404": "Unter dieser Adresse gibt es nichts; bitte prüfen (Seiten verlinken ihren Feed als RSS, Atom oder Feed).",
        "hint_http": "Der Server hat ein Problem; später erneut versuchen.",
        "hint_page": "Das ist eine Webseite, kein Feed.",
        "hint_page_links": "Das ist eine Webseite, kein Feed. Sie nennt diese Feeds: {links}",
        "hint_feed": "Das Dokument ist kein brauchbarer RSS- oder Atom-Feed; bitte die Adresse prüfen.",
        "hint_other": "Adresse prüfen und erneut versuchen.",
    },
}


_t = Catalog(MESSAGES)


def _when(stamp: str | None) -> str:
    if not stamp:
        return "—"
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp


def error_hint(exc: Exception, lang: str = "en") -> str:
    """What an admin can do about a failed fetch or parse (chat commands and the CLI)."""
    from newsdigest.ingest.feeds import FeedError
    from newsdigest.ingest.fetch import FetchHTTPError, FetchRefused, FetchTimeout, FetchTooLarge
    from newsdigest.ingest.poller import NotAFeedError

    if isinstance(exc, FetchRefused):
        return _t(lang, "hint_refused")
    if isinstance(exc, FetchTimeout):
        return _t(lang, "hint_timeout")
    if isinstance(exc, FetchTooLarge):
        return _t(lang, "hint_large")
    if isinstance(exc, FetchHTTPError):
        key = "hint_auth" if exc.status in (401, 403) else "hint_404" if exc.status in (404, 410) else "hint_http"
        return _t(lang, key)
    if isinstance(exc, NotAFeedError):
        if exc.candidates:
            return _t(lang, "hint_page_links", links=", ".join(exc.candidates[:3]))
        return _t(lang, "hint_page")
    if isinstance(exc, FeedError):
        return _t(lang, "hint_feed")
    return _t(lang, "hint_other")


def _health_line(h: FeedHealth, lang: str) -> Inline:
    f = h.feed
    name = link(f.title or f.url, f.url)
    if f.error_count:
        mark, detail = "✗ ", _t(lang, "failing", when=_when(h.last_error_at), count=f.error_count,
                                 error=(f.last_error or "?")[:160], next=_when(f.next_poll))
    elif f.last_success:
        mark, detail = "✓ ", _t(lang, "ok", when=_when(f.last_success), items=h.items_seen, next=_when(f.next_poll))
    else:
        mark, detail = "… ", _t(lang, "pending")
    return item(Span(mark), name, Span(detail))


def feeds_reply(store: Store, lang: str = "en") -> Reply:
    """The feed list with health: ✓ last success / ✗ last error and next retry."""
    health = store.feed_health()
    if not health:
        return Reply((text(_t(lang, "no_feeds")),))
    return Reply((Heading(_t(lang, "feeds_heading", n=len(health))),
                  BulletList(tuple(_health_line(h, lang) for h in health))))


@command("feeds", "", "the feeds I follow and their health", "die verfolgten Feeds und ihr Zustand")
def feeds_cmd(ctx: CommandContext, args: str) -> Reply:
    return feeds_reply(ctx.store, ctx.lang)


def _url_arg(args: str, lang: str, usage_key: str) -> str:
    url = args.strip().split()[0] if args.strip() else ""
    if not url:
        raise UsageError(_t(lang, usage_key))
    return url.strip("<>")  # Slack and some clients wrap links in <…>


@command("addfeed", "URL", "follow a feed (admins)", "einen Feed verfolgen (Admins)", admin=True, writes=True)
async def addfeed_cmd(ctx: CommandContext, args: str) -> Reply:
    """A coroutine: the fetch runs on the event loop, store calls go through the gateway (inside add_feed_checked)."""
    from newsdigest.ingest.feeds import FeedError
    from newsdigest.ingest.fetch import FetchError, FetchRefused, check_url
    from newsdigest.ingest.poller import add_feed_checked

    url = _url_arg(args, ctx.lang, "addfeed_usage")
    try:
        check_url(url)
    except FetchRefused:
        return error_reply(_t(ctx.lang, "not_http", url=url[:200]))
    known = await ctx.store.gateway.read(ctx.store.feed, url)
    if known is not None and known.active:
        return Reply((text(_t(ctx.lang, "already", name=known.title or url)),))
    added_by = f"{ctx.chat.platform}:{ctx.user_id}" if ctx.user_id else ctx.chat.platform
    try:
        outcome = await add_feed_checked(ctx.store, ctx.config, url, added_by=added_by, clock=ctx.clock)
    except (FetchError, FeedError) as exc:
        return error_reply(_t(ctx.lang, "add_failed", url=url[:200], reason=str(exc).rstrip(".")), text(error_hint(exc, ctx.lang)))
    name = f"“{outcome.title}”" if outcome.title else url
    key = "added" if outcome.new and known is None else "readded"
    blocks = [text(_t(ctx.lang, key, name=name, created=outcome.created, known=outcome.known,
                      minutes=ctx.config.ingest.interval_minutes))]
    if outcome.warnings:
        blocks.append(text(_t(ctx.lang, "warnings", n=len(outcome.warnings))))
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
        return Reply((text(_t(ctx.lang, "removed", url=target)),))
    return error_reply(_t(ctx.lang, "not_following", url=url[:200]))
