"""Reminder commands: remind [story] [3d,1d,0d] [HH:MM] [TZ], remind off [story], subscriptions."""

from __future__ import annotations

import datetime as dt

from newsdigest.digests.reminders import (
    DEFAULT_OFFSETS,
    DEFAULT_TIME,
    due_reminders,
    load_key_dates,
    reminder_line,
)
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.digest_cmds import named_story, read_follow_args
from newsdigest.handlers.registry import command
from newsdigest.models import ReminderRule
from newsdigest.reply import BulletList, Heading, Inline, Reply, item, text
from newsdigest.stories.lookup import find_story
from newsdigest.texts import format_date, t

LOOKAHEAD_DAYS = 400
_OFF_WORDS = {"off", "aus", "stop"}


def offsets_text(offsets: tuple[int, ...], lang: str) -> str:
    """(3, 1, 0) -> '3 days and 1 day before each key date, and on the day'."""
    parts = [t(lang, "offset_1") if n == 1 else t(lang, "offset_n", n=n) for n in offsets if n > 0]
    if not parts:
        return t(lang, "offsets_day_only")
    days = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + t(lang, "offsets_and") + parts[-1]
    return t(lang, "offsets_and_day" if 0 in offsets else "offsets_before", days=days)


def _chat_zone(ctx: CommandContext) -> str:
    """The chat's zone: that of its digest or reminders, else the bot's."""
    for rule in ctx.store.reminders_for(ctx.chat):
        return rule.tz
    for sub in ctx.store.subscriptions_for(ctx.chat):
        return sub.tz
    return ctx.config.bot.timezone


@command("remind", "[story] [3d,1d,0d] [HH:MM] [TZ] | off [story]",
         "reminders before a story's key dates (default 3 and 1 days before, 09:00); /remind off stops them",
         "Erinnerungen vor den Stichtagen einer Geschichte (sonst 3 und 1 Tag vorher, 09:00); /remind off beendet sie",
         writes=True)
def remind_cmd(ctx: CommandContext, args: str) -> Reply:
    words = args.split()
    if words and words[0].casefold() in _OFF_WORDS:
        return _remind_off(ctx, " ".join(words[1:]))
    parsed = read_follow_args(ctx, args, offsets=True)
    named = named_story(ctx, parsed.story, "remind")
    if isinstance(named, Reply):
        return named
    story, name = named
    time, tz = parsed.time or DEFAULT_TIME, parsed.tz or _chat_zone(ctx)
    rule = ctx.store.set_reminder(ctx.chat, story=story, offsets=parsed.offsets or DEFAULT_OFFSETS, time=time, tz=tz,
                                  lang=ctx.lang)
    lang = ctx.lang
    what = t(lang, "remind_story", story=name) if name else t(lang, "remind_all")
    line = t(lang, "reminded", what=what, offsets=offsets_text(rule.offsets, lang), time=time, tz=tz)
    upcoming = _next_reminder(ctx, rule)
    line += upcoming or t(lang, "remind_none_ahead")
    return Reply((text(line),))


def _next_reminder(ctx: CommandContext, rule: ReminderRule) -> str | None:
    now = ctx.clock.now()
    scope = {rule.story} if rule.story else None
    dates = load_key_dates(ctx.store, as_of=ctx.clock.as_of, today=now.date(), stories=scope)
    dues = due_reminders([rule], dates, now, now + dt.timedelta(days=LOOKAHEAD_DAYS), respect_rule_start=False)
    if not dues:
        return None
    first = dues[0]
    return t(ctx.lang, "remind_next", date=format_date(first.slot.date(), ctx.lang),
              line=reminder_line(first.key_date, first.offset, ctx.lang))


def _remind_off(ctx: CommandContext, query: str) -> Reply:
    story: str | None = None
    if query:
        found = find_story(ctx.store, query, as_of=ctx.clock.as_of).story
        story = found.slug if found else query
    n = ctx.store.stop_reminders(ctx.chat, story)
    if not n:
        return Reply((text(t(ctx.lang, "remind_off_none", story_part=f" ({query})" if query else "")),))
    return Reply((text(t(ctx.lang, "remind_off", n=n)),))


@command("subscriptions", "", "this chat's digests and reminders, with their filters",
         "die Überblicke und Erinnerungen dieses Chats, mit ihren Filtern")
def subscriptions_cmd(ctx: CommandContext, args: str) -> Reply:
    lang = ctx.lang
    names = _story_names(ctx)
    rows: list[Inline] = []
    for sub in ctx.store.subscriptions_for(ctx.chat, active_only=False):
        if not sub.active and not sub.paused:
            continue  # unsubscribed
        what = names.get(sub.story, sub.story) if sub.story else t(lang, "subscribed_all")
        line = t(lang, "subs_digest", time=sub.time, tz=sub.tz, what=what)
        line += t(lang, "subs_filters", filters=sub.filters) if sub.filters else ""
        line += t(lang, "subs_thread") if sub.style == "thread" else ""
        line += t(lang, "subs_paused", why=sub.paused) if not sub.active and sub.paused else ""
        rows.append(item(line))
    for rule in ctx.store.reminders_for(ctx.chat, active_only=False):
        if not rule.active and not rule.paused:
            continue
        what = names.get(rule.story, rule.story) if rule.story else t(lang, "remind_all")
        line = t(lang, "subs_reminder", offsets=offsets_text(rule.offsets, lang), time=rule.time, tz=rule.tz,
                  what=what)
        line += t(lang, "subs_paused", why=rule.paused) if not rule.active and rule.paused else ""
        rows.append(item(line))
    if not rows:
        return Reply((text(t(lang, "subs_none")),))
    return Reply((Heading(t(lang, "subs_title")), BulletList(tuple(rows))))


def _story_names(ctx: CommandContext) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for slug in {s.story for s in ctx.store.subscriptions_for(ctx.chat, active_only=False)} | {
            r.story for r in ctx.store.reminders_for(ctx.chat, active_only=False)}:
        record = ctx.store.story_by_slug(slug) if slug else None
        if record is not None:
            out[slug] = record.name
    return out


__all__ = ["offsets_text", "remind_cmd", "subscriptions_cmd"]
