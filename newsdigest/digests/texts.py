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
        "bad_time": "“{value}” is not a time of day. Give it as HH:MM in 24-hour form (or 8am, 7:30pm), "
        "e.g. /subscribe 07:30",
        "bad_zone": "“{value}” is not a time zone I know. Use an IANA name such as Europe/Berlin, "
        "America/New_York or UTC, e.g. /subscribe 08:00 Europe/Berlin",
        "unsubscribed_all": "Unsubscribed: no more scheduled digests in this chat ({n} subscription(s) ended).",
        "unsubscribed_story": "Unsubscribed from “{story}”.",
        "not_subscribed": "This chat has no subscription{story_part}. Start one with /subscribe [HH:MM] [TZ] [story].",
        # subscribing without surprises
        "not_understood": "I did not understand “{value}”: it is no time zone, and no story matches it. "
        "Give a time and zone like /subscribe 08:00 Europe/Berlin (or CET, Berlin, 8am); /stories lists the stories.",
        "zone_needs_time": "No story matches “{value}”. If you meant the time zone, give it right after the time: "
        "/{cmd} {time} {value}",
        "bad_filter": "“{value}” is not a filter word. Filters are plain words: +word keeps only what names it, "
        "-word leaves out what names it, e.g. /subscribe 08:00 +Oracle -gaming",
        "thread_slack_only": "Threads are a Slack feature; here a digest is always one message.",
        "filter_note": " Only items with {include}.",
        "filter_note_without": " Nothing with {exclude}.",
        "thread_note": " Posted as a thread: one message, each story a reply.",
        # reminders
        "reminder_title": "Reminder: a deadline",
        "reminder_title_expiry": "Reminder: something ends",
        "reminder_rest": " — {story}: {what}, {countdown}",
        "reminder_moved": " (moved from {old})",
        "reminded": "Reminders set for {what}: {offsets}, at {time} ({tz}).",
        "remind_all": "every story",
        "remind_story": "“{story}”",
        "remind_next": " First reminder on {date}: {line}.",
        "remind_none_ahead": " No key date ahead yet; I will remind you when one is reported.",
        "remind_off": "Reminders stopped ({n}).",
        "remind_off_none": "This chat has no reminders{story_part}.",
        "bad_offsets": "“{value}” is not a list of days before the date. Write them like 3d,1d,0d (0d = on the day).",
        "offset_1": "1 day",
        "offset_n": "{n} days",
        "offsets_and": " and ",
        "offsets_before": "{days} before each key date",
        "offsets_and_day": "{days} before each key date, and on the day",
        "offsets_day_only": "on the day of each key date",
        "subs_title": "Subscriptions of this chat",
        "subs_none": "This chat has no digests and no reminders. Start with /subscribe or /remind.",
        "subs_digest": "Digest at {time} ({tz}) — {what}",
        "subs_reminder": "Reminders {offsets}, at {time} ({tz}) — {what}",
        "subs_filters": " · filters {filters}",
        "subs_thread": " · as a thread",
        "subs_paused": " · paused: {why} (subscribe again to resume)",
        "remind_nothing": "No reminders due for {chat} on {date}.",
        "remind_no_rules": "{chat} has no reminders; set them with /remind first.",
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
        "extended": "Frist verlängert von {old} auf {date}{countdown}: {what}",
        "moved": "Frist verschoben von {old} auf {date}{countdown}: {what}",
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
        "bad_time": "„{value}“ ist keine Uhrzeit. Bitte als HH:MM im 24-Stunden-Format (oder 8am, 7:30pm), "
        "z. B. /subscribe 07:30",
        "bad_zone": "„{value}“ kenne ich nicht als Zeitzone. Bitte einen IANA-Namen wie Europe/Berlin, "
        "America/New_York oder UTC, z. B. /subscribe 08:00 Europe/Berlin",
        "unsubscribed_all": "Abbestellt: keine geplanten Überblicke mehr in diesem Chat ({n} Abo(s) beendet).",
        "unsubscribed_story": "„{story}“ abbestellt.",
        "not_subscribed": "Dieser Chat hat kein Abo{story_part}. Eines startet /subscribe [HH:MM] [TZ] [Thema].",
        "not_understood": "„{value}“ verstehe ich nicht: keine Zeitzone, und keine Geschichte passt dazu. "
        "Bitte Uhrzeit und Zone wie /subscribe 08:00 Europe/Berlin (oder MEZ, Berlin, 8am); /stories zeigt die Themen.",
        "zone_needs_time": "Keine Geschichte passt zu „{value}“. Als Zeitzone bitte direkt nach der Uhrzeit: "
        "/{cmd} {time} {value}",
        "bad_filter": "„{value}“ ist kein Filterwort. Filter sind einfache Wörter: +Wort behält nur, was es nennt, "
        "-Wort lässt weg, was es nennt, z. B. /subscribe 08:00 +Oracle -Gaming",
        "thread_slack_only": "Threads gibt es in Slack; hier ist ein Überblick immer eine Nachricht.",
        "filter_note": " Nur Meldungen mit {include}.",
        "filter_note_without": " Nichts mit {exclude}.",
        "thread_note": " Als Thread: eine Nachricht, jedes Thema eine Antwort.",
        "reminder_title": "Erinnerung: eine Frist",
        "reminder_title_expiry": "Erinnerung: etwas läuft aus",
        "reminder_rest": " — {story}: {what}, {countdown}",
        "reminder_moved": " (verschoben vom {old})",
        "reminded": "Erinnerungen für {what}: {offsets}, um {time} ({tz}).",
        "remind_all": "alle Geschichten",
        "remind_story": "„{story}“",
        "remind_next": " Erste Erinnerung am {date}: {line}.",
        "remind_none_ahead": " Noch kein Stichtag in Sicht; ich erinnere, sobald einer gemeldet wird.",
        "remind_off": "Erinnerungen beendet ({n}).",
        "remind_off_none": "Dieser Chat hat keine Erinnerungen{story_part}.",
        "bad_offsets": "„{value}“ ist keine Liste von Tagen vor dem Stichtag. Bitte so: 3d,1d,0d (0d = am Tag selbst).",
        "offset_1": "1 Tag",
        "offset_n": "{n} Tage",
        "offsets_and": " und ",
        "offsets_before": "{days} vor jedem Stichtag",
        "offsets_and_day": "{days} vor jedem Stichtag und am Tag selbst",
        "offsets_day_only": "am Tag jedes Stichtags",
        "subs_title": "Abos dieses Chats",
        "subs_none": "Dieser Chat hat keine Überblicke und keine Erinnerungen. Los geht es mit /subscribe oder /remind.",
        "subs_digest": "Überblick um {time} ({tz}) — {what}",
        "subs_reminder": "Erinnerungen {offsets}, um {time} ({tz}) — {what}",
        "subs_filters": " · Filter {filters}",
        "subs_thread": " · als Thread",
        "subs_paused": " · pausiert: {why} (erneut abonnieren setzt fort)",
        "remind_nothing": "Keine Erinnerungen für {chat} am {date}.",
        "remind_no_rules": "{chat} hat keine Erinnerungen; zuerst /remind.",
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
