"""Commands that need no story model: help, search, language."""

from __future__ import annotations

import datetime as dt

from newsdigest import texts
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import UsageError, command, command_list
from newsdigest.models import user_scope
from newsdigest.reply import BulletList, Heading, Reply, Span, item, link, text

SEARCH_LIMIT = 8


@command("help", "", "what I can do and how to ask", "was ich kann und wie man fragt")
def help_cmd(ctx: CommandContext, args: str) -> Reply:
    return Reply((text(texts.t(ctx.lang, "help_intro")), *command_list(ctx.lang, admin=ctx.is_admin)))


SNIPPET_CHARS = 180


def snippet(body: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """A window of the cleaned text around the first query word, cut at word boundaries."""
    low = body.casefold()
    hits = [i for w in query.casefold().split() if len(w) > 1 and (i := low.find(w)) >= 0]
    at = min(hits) if hits else 0
    start = max(0, at - width // 3)
    if start:
        start = body.find(" ", start) + 1 or start
    end = min(len(body), start + width)
    if end < len(body):
        end = body.rfind(" ", start, end) if body.rfind(" ", start, end) > start else end
    return ("…" if start else "") + body[start:end].strip() + ("…" if end < len(body) else "")


def _without_title(body: str, title: str) -> str:
    """The text after its own title line (the hit shows the title already); the whole text if it has none."""
    return body[len(title):].lstrip() if title and body.startswith(title) and len(body) > len(title) else body


def _day(published: str, lang: str) -> str:
    """'2020-09-14' as the replies write dates ('14 September 2020'); anything unreadable as stored."""
    try:
        return texts.format_date(dt.date.fromisoformat(published[:10]), lang)
    except ValueError:
        return published[:10]


@command("search", "TEXT", "find articles mentioning TEXT", "Artikel finden, die TEXT erwähnen")
def search_cmd(ctx: CommandContext, args: str) -> Reply:
    query = args.strip()
    if not query:
        raise UsageError(texts.t(ctx.lang, "search_usage"))
    hits = ctx.store.search(query, until=ctx.clock.as_of, limit=SEARCH_LIMIT)
    if not hits:
        return Reply((text(texts.t(ctx.lang, "no_results", query=query[:80])),))
    rows = []
    clean = ctx.store.article_clean_texts([h.article_id for h in hits])
    for h in hits:
        title = link(h.title, h.url) if h.url else Span(h.title, bold=True)
        body = clean.get(h.article_id)
        snip = snippet(_without_title(body, h.title), query) if body else h.snippet
        rows.append(item(title, Span(f" ({_day(h.published, ctx.lang)}) — "), Span(snip)))
    return Reply((Heading(texts.t(ctx.lang, "results_for", query=query[:80])), BulletList(tuple(rows))))


@command("lang", "en|de", "reply language for this chat", "Antwortsprache für diesen Chat", writes=True)
def lang_cmd(ctx: CommandContext, args: str) -> Reply:
    choice = args.strip().lower()
    if not choice:
        raise UsageError(texts.t(ctx.lang, "lang_usage"))
    if choice not in texts.LANGUAGES:
        raise UsageError(texts.t(ctx.lang, "lang_unknown", value=args.strip()[:20]))
    if ctx.chat.platform == "slack" and ctx.user_id:
        # A Slack channel is shared by many people: /news lang is the asker's own; a channel's digest
        # language is set by whoever subscribes it.
        ctx.store.set_chat_lang(user_scope(ctx.chat.platform, ctx.user_id), choice)
        return Reply((text(texts.t(choice, "lang_set_user")),))
    ctx.store.set_chat_lang(ctx.chat, choice)
    return Reply((text(texts.t(choice, "lang_set")),))
