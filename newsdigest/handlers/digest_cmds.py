"""Digest commands: subscribe [HH:MM] [TZ] [story], unsubscribe [story], digest (now)."""

from __future__ import annotations

from newsdigest.config import valid_timezone
from newsdigest.digests.ondemand import compose_for_chat
from newsdigest.digests.slots import BadTimeError, next_slot, parse_hhmm, zone
from newsdigest.handlers.context import CommandContext
from newsdigest.handlers.registry import UsageError, command
from newsdigest.reply import Reply, text
from newsdigest.texts import format_moment, t

_ZONE_WORDS = {"utc", "gmt", "z"}


def _looks_like_time(token: str) -> bool:
    # "8:00", "25:00", "7.30", "0800": meant as a time (and refused with the right form when wrong)
    return any(c.isdigit() for c in token) and (":" in token or all(c.isdigit() or c == "." for c in token))


def _looks_like_zone(token: str) -> bool:
    # IANA names carry a slash (Europe/Berlin); UTC/GMT stand alone. Anything else is part of the story name.
    return "/" in token or token.casefold() in _ZONE_WORDS


def parse_subscribe_args(args: str, default_time: str, default_tz: str) -> tuple[str, str, str | None]:
    """'07:30 Europe/Berlin tiktok' -> ('07:30', 'Europe/Berlin', 'tiktok'); raises BadTimeError / ValueError(zone)."""
    tokens = args.split()
    time, tz = default_time, default_tz
    if tokens and _looks_like_time(tokens[0]):
        at = parse_hhmm(tokens.pop(0))
        time = f"{at.hour:02d}:{at.minute:02d}"
    if tokens and _looks_like_zone(tokens[0]):
        candidate = tokens.pop(0)
        candidate = "UTC" if candidate.casefold() in _ZONE_WORDS else candidate
        if not valid_timezone(candidate):
            raise ValueError(candidate)
        tz = candidate
    story = " ".join(tokens).strip() or None
    return time, tz, story


@command("subscribe", "[HH:MM] [TZ] [story]", "a daily digest in this chat (e.g. /subscribe 07:30 Europe/Berlin)",
         "täglicher Überblick in diesem Chat (z. B. /subscribe 07:30 Europe/Berlin)", writes=True)
def subscribe_cmd(ctx: CommandContext, args: str) -> Reply:
    try:
        time, tz, story = parse_subscribe_args(args, ctx.config.digest.time, ctx.config.bot.timezone)
    except BadTimeError as exc:
        raise UsageError(t(ctx.lang, "bad_time", value=str(exc))) from None
    except ValueError as exc:
        raise UsageError(t(ctx.lang, "bad_zone", value=str(exc))) from None
    ctx.store.subscribe(ctx.chat, time=time, tz=tz, story=story, lang=ctx.lang)
    if ctx.on_subscriptions_changed:
        ctx.on_subscriptions_changed()
    upcoming = next_slot(parse_hhmm(time), zone(tz), ctx.clock.now())
    what = t(ctx.lang, "subscribed_story", story=story) if story else t(ctx.lang, "subscribed_all")
    return Reply((text(t(ctx.lang, "subscribed", time=time, tz=tz, what=what, next=format_moment(upcoming, ctx.lang))),))


@command("unsubscribe", "[story]", "stop the daily digest (or one story's)",
         "täglichen Überblick (oder den eines Themas) abbestellen", writes=True)
def unsubscribe_cmd(ctx: CommandContext, args: str) -> Reply:
    story = args.strip() or None
    ended = ctx.store.unsubscribe(ctx.chat, story)
    if not ended:
        part = f" ({story})" if story else ""
        return Reply((text(t(ctx.lang, "not_subscribed", story_part=part)),))
    if ctx.on_subscriptions_changed:
        ctx.on_subscriptions_changed()
    if story:
        return Reply((text(t(ctx.lang, "unsubscribed_story", story=story)),))
    return Reply((text(t(ctx.lang, "unsubscribed_all", n=ended)),))


@command("digest", "", "what changed since this chat's last digest, now",
         "was sich seit dem letzten Überblick geändert hat, sofort")
def digest_cmd(ctx: CommandContext, args: str) -> Reply:
    return compose_for_chat(ctx.store, ctx.config, ctx.clock, ctx.chat, lang=ctx.lang)
