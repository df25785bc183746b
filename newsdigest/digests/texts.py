"""Digest and subscription texts in English and German (kept here: the digest module owns its wording)."""

from __future__ import annotations

import datetime as dt

from newsdigest.texts import Catalog, format_date, month_name

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your news digest — {date}",
        "title_now": "News digest — {date}",
        "since": "Changes since {since}.",
        "since_start": "Everything so far.",
        "all_news": "All stories",
        "other_news": "Other news",
        "new_developments": "New",
        "deadline_changes": "Deadlines",
        "status_change": "Status: {old} → {new}",
        "status_new": "Status: {new}",
        "added": "New deadline {date}{countdown}: {what}",
        "extended": "Deadline extended from {old} to {date}{countdown}: {what}",
        "moved": "Deadline moved from {old} to {date}{countdown}: {what}",
        "passed": "Deadline passed on {date}: {what}",
        "upcoming": "Due in the next {days} days",
        "more": "+{n} more",
        "more_stories": "+{n} more stories — ask /status for each",
        "nothing_new": "Nothing new since your last digest ({since}).",
        "nothing_new_start": "Nothing to report yet.",
        "sources_1": "1 source",
        "sources_n": "{n} sources",
        "today": "today",
        "tomorrow": "tomorrow",
        "in_days": "in {n} days",
        "days_ago": "{n} days ago",
        "yesterday": "yesterday",
        # subscription commands
        "subscribed": "Subscribed: a daily digest at {time} ({tz}) for {what}. Next one: {next}.",
        "subscribed_all": "all stories",
        "subscribed_story": "the story “{story}”",
        "bad_time": "“{value}” is not a time of day. Give it as HH:MM in 24-hour form, e.g. /subscribe 07:30",
        "bad_zone": "“{value}” is not a time zone I know. Use an IANA name such as Europe/Berlin, "
        "America/New_York or UTC, e.g. /subscribe 08:00 Europe/Berlin",
        "unsubscribed_all": "Unsubscribed: no more scheduled digests in this chat ({n} subscription(s) ended).",
        "unsubscribed_story": "Unsubscribed from “{story}”.",
        "not_subscribed": "This chat has no subscription{story_part}. Start one with /subscribe [HH:MM] [TZ] [story].",
    },
    "de": {
        "title": "Dein Nachrichtenüberblick — {date}",
        "title_now": "Nachrichtenüberblick — {date}",
        "since": "Änderungen seit {since}.",
        "since_start": "Alles bisher.",
        "all_news": "Alle Themen",
        "other_news": "Weitere Meldungen",
        "new_developments": "Neu",
        "deadline_changes": "Fristen",
        "status_change": "Stand: {old} → {new}",
        "status_new": "Stand: {new}",
        "added": "Neue Frist {date}{countdown}: {what}",
        "extended": "Frist verlängert auf {date}{countdown}, bisher {old}: {what}",
        "moved": "Frist verschoben auf {date}{countdown}, bisher {old}: {what}",
        "passed": "Frist abgelaufen am {date}: {what}",
        "upcoming": "Fällig in den nächsten {days} Tagen",
        "more": "+{n} weitere",
        "more_stories": "+{n} weitere Themen — /status zeigt jedes",
        "nothing_new": "Nichts Neues seit deinem letzten Überblick ({since}).",
        "nothing_new_start": "Noch nichts zu berichten.",
        "sources_1": "1 Quelle",
        "sources_n": "{n} Quellen",
        "today": "heute",
        "tomorrow": "morgen",
        "in_days": "in {n} Tagen",
        "days_ago": "vor {n} Tagen",
        "yesterday": "gestern",
        "subscribed": "Abonniert: täglich um {time} ({tz}) ein Überblick über {what}. Der nächste: {next}.",
        "subscribed_all": "alle Themen",
        "subscribed_story": "das Thema „{story}“",
        "bad_time": "„{value}“ ist keine Uhrzeit. Bitte als HH:MM im 24-Stunden-Format, z. B. /subscribe 07:30",
        "bad_zone": "„{value}“ kenne ich nicht als Zeitzone. Bitte einen IANA-Namen wie Europe/Berlin, "
        "America/New_York oder UTC, z. B. /subscribe 08:00 Europe/Berlin",
        "unsubscribed_all": "Abbestellt: keine geplanten Überblicke mehr in diesem Chat ({n} Abo(s) beendet).",
        "unsubscribed_story": "„{story}“ abbestellt.",
        "not_subscribed": "Dieser Chat hat kein Abo{story_part}. Eines startet /subscribe [HH:MM] [TZ] [Thema].",
    },
}

tr = Catalog(TEXTS)


def format_value(value: str, lang: str) -> str:
    """A TIMEX3 date value for people: full dates spelled out, '2020-09' as a month, anything else as is."""
    try:
        return format_date(dt.date.fromisoformat(value[:10]), lang)
    except ValueError:
        pass
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit() and 1 <= int(value[5:]) <= 12:
        return f"{month_name(lang, int(value[5:]))} {value[:4]}"
    return value


def format_moment(when: dt.datetime, lang: str) -> str:
    """A local timestamp: 'Mon 14 September 2020 08:00'."""
    return f"{format_date(when.date(), lang, weekday=True)} {when:%H:%M}"


def countdown(days: int, lang: str) -> str:
    if days == 0:
        return tr(lang, "today")
    if days == 1:
        return tr(lang, "tomorrow")
    if days == -1:
        return tr(lang, "yesterday")
    if days < 0:
        return tr(lang, "days_ago", n=-days)
    return tr(lang, "in_days", n=days)


def sources(lang: str, n: int) -> str:
    return tr(lang, "sources_1") if n == 1 else tr(lang, "sources_n", n=n)
