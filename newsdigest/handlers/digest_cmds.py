"""Digest commands: subscribe [HH:MM] [TZ] [story] [+word -word] [thread], unsubscribe [story], digest (now)."""

from __future__ import annotations

from newsdigest.digests.filters import FilterError, WordFilter
from newsdigest.digests.ondemand import compose_for_chat
from newsdigest.digests.slots import BadTimeError, next_slot, parse_hhmm, zone
from newsdigest.digests.zones import zone_for_words
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import UsageError, command
from newsdigest.handlers.resolve import resolve_story
from newsdigest.handlers.subscribe_args import (
    BadOffsetsError,
    FollowArgs,
    UnknownZoneError,
    parse_follow_args,
)
from newsdigest.reply import Reply, error_reply, text
from newsdigest.stories.lookup import find_story
from newsdigest.texts import format_moment, subscriptions, t


def parse_subscribe_args(args: str, default_time: str, default_tz: str) -> tuple[str, str, str | None]:
    """'07:30 Europe/Berlin tiktok' -> ('07:30', 'Europe/Berlin', 'tiktok'); raises BadTimeError / ValueError(zone)."""
    parsed = parse_follow_args(args)
    return parsed.time or default_time, parsed.tz or default_tz, parsed.story


def read_follow_args(ctx: CommandContext, args: str, *, offsets: bool = False) -> FollowArgs:
    """The arguments, or a UsageError that says which word was not understood and what form is meant."""
    try:
        return parse_follow_args(args, offsets=offsets)
    except BadTimeError as exc:
        raise UsageError(t(ctx.lang, "bad_time", value=str(exc))) from None
    except UnknownZoneError as exc:
        raise UsageError(t(ctx.lang, "bad_zone", value=str(exc))) from None
    except FilterError as exc:
        raise UsageError(t(ctx.lang, "bad_filter", value=str(exc))) from None
    except BadOffsetsError as exc:
        raise UsageError(t(ctx.lang, "bad_offsets", value=str(exc))) from None


def named_story(ctx: CommandContext, query: str | None, cmd: str) -> tuple[str | None, str | None] | Reply:
    """(slug, name) of the story a /subscribe or /remind names, (None, None) for every story, or the reply
    that says no story matches (or asks which one)."""
    if not query:
        return None, None
    found = resolve_story(ctx, query, cmd, _no_story)
    return found if isinstance(found, Reply) else (found.slug, found.name)


def _no_story(ctx: CommandContext, query: str, cmd: str) -> Reply:
    """A word after the time and zone that names no story (nor, in that place, a zone)."""
    if zone_for_words(query):  # "/subscribe Berlin": a city, but where a story's name goes
        return error_reply(t(ctx.lang, "zone_needs_time", value=query[:60], cmd=cmd, time=ctx.config.digest.time))
    return error_reply(t(ctx.lang, "not_understood", value=query[:60], cmd=cmd))


def filter_note(lang: str, flt: WordFilter) -> str:
    note = ""
    if flt.include:
        note += t(lang, "filter_note", include=", ".join(flt.include))
    if flt.exclude:
        note += t(lang, "filter_note_without", exclude=", ".join(flt.exclude))
    return note


@command("subscribe", "[HH:MM] [TZ] [story] [+word] [-word] [thread]",
         "a daily digest in this chat (e.g. /subscribe 07:30 Europe/Berlin, /subscribe 8am CET tiktok -gaming)",
         "täglicher Überblick in diesem Chat (z. B. /subscribe 07:30 Europe/Berlin, /subscribe 8am MEZ tiktok -Gaming)",
         writes=True)
def subscribe_cmd(ctx: CommandContext, args: str) -> Reply:
    parsed = read_follow_args(ctx, args)
    if parsed.style and ctx.chat.platform != "slack":
        raise UsageError(t(ctx.lang, "thread_slack_only"))
    named = named_story(ctx, parsed.story, "subscribe")
    if isinstance(named, Reply):
        return named
    story, name = named
    time, tz = parsed.time or ctx.config.digest.time, parsed.tz or ctx.config.bot.timezone
    ctx.store.subscribe(ctx.chat, time=time, tz=tz, story=story, lang=ctx.lang, filters=str(parsed.filters),
                        style=parsed.style)
    if ctx.on_subscriptions_changed:
        ctx.on_subscriptions_changed()
    upcoming = next_slot(parse_hhmm(time), zone(tz), ctx.clock.now())
    what = t(ctx.lang, "subscribed_story", story=name) if name else t(ctx.lang, "subscribed_all")
    line = t(ctx.lang, "subscribed", time=time, tz=tz, what=what, next=format_moment(upcoming, ctx.lang))
    line += filter_note(ctx.lang, parsed.filters) + (t(ctx.lang, "thread_note") if parsed.style else "")
    return Reply((text(line),))


@command("unsubscribe", "[story]", "stop the daily digest (or one story's)",
         "täglichen Überblick (oder den eines Themas) abbestellen", writes=True)
def unsubscribe_cmd(ctx: CommandContext, args: str) -> Reply:
    story = args.strip() or None
    ended = ctx.store.unsubscribe(ctx.chat, story)
    found = find_story(ctx.store, story, as_of=ctx.clock.as_of).story if story else None
    if not ended and found:  # subscriptions keep the story's slug; the user may say its name
        ended = ctx.store.unsubscribe(ctx.chat, found.slug)
    name = found.name if found else story  # the reply names the story, not the word that found it
    if not ended:
        part = f" ({story})" if story else ""
        return Reply((text(t(ctx.lang, "not_subscribed", story_part=part)),))
    if ctx.on_subscriptions_changed:
        ctx.on_subscriptions_changed()
    if story:
        return Reply((text(t(ctx.lang, "unsubscribed_story", story=name)),))
    return Reply((text(t(ctx.lang, "unsubscribed_all", subs=subscriptions(ctx.lang, ended))),))


# "/digest now" says what the bare command does already (the help line ends in "now").
NOW_WORDS = frozenset({"now", "jetzt", "sofort"})


@command("digest", "[story]", "what changed since this chat's last digest, now (every story, or the one named)",
         "was sich seit dem letzten Überblick geändert hat, sofort (alle Geschichten oder die genannte)")
def digest_cmd(ctx: CommandContext, args: str) -> Reply:
    words = args.strip()
    slug = None
    if words and words.casefold() not in NOW_WORDS:
        found = resolve_story(ctx, words, "digest", _no_digest_story)
        if isinstance(found, Reply):
            return found
        slug = found.slug
    return compose_for_chat(ctx.store, ctx.config, ctx.clock, ctx.chat, lang=ctx.lang, briefs=ctx.briefs,
                            story=slug)


def _no_digest_story(ctx: CommandContext, query: str, cmd: str) -> Reply:
    """/digest's words name no story: say what /digest takes, instead of a digest that ignored them."""
    raise UsageError(t(ctx.lang, "digest_no_story", value=query[:60]))
