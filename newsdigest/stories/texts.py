"""Story replies in English and German: messages, dates, countdowns and source counts.

Kept beside the stories code (handlers/i18n.py holds the shared command texts); missing German falls back to English.
"""

from __future__ import annotations

import datetime as dt

from newsdigest.texts import Catalog, format_date, month_name

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "no_stories": "No stories yet: there are no articles{when}. Add a feed with /addfeed URL (admins) or ingest "
        "files with `newsdigest ingest`.",
        "when_as_of": " published by {date}",
        "no_match": "No story matches “{query}”. See /stories for the stories I follow.",
        "which_story": "Several stories match “{query}”. Which one?",
        "ask_again": "Ask again with its name, e.g. /{cmd} {slug}",
        "as_of": "as of {date}",
        "articles_n": "{n} articles",
        "article_1": "1 article",
        "sources_n": "{n} sources",
        "source_1": "1 source",
        "latest": "Latest developments",
        "now": "Now: ",
        "earlier": "Earlier",
        "no_developments": "No key points extracted for this story yet.",
        "next_deadline": "Next deadline: ",
        "deadlines_all_passed_status": "All deadlines of this story have passed (the last: {date}, {ago}).",
        "deadlines_title": "Deadlines — {name}",
        "upcoming": "Upcoming",
        "passed": "Passed",
        "replaced": "Replaced",
        "no_deadlines": "No deadlines found in the articles of this story{when}.",
        "all_passed": "All {n} deadlines of this story have passed as of {date}; none is upcoming.",
        "replaced_by": "replaced by {date}",
        "replaces": "replaces {date}",
        "disagree": "sources disagree: {dates}",
        "today": "today",
        "in_days": "in {n} days",
        "in_day": "in 1 day",
        "in_weeks": "in {n} weeks",
        "in_months": "in {n} months",
        "in_years": "in {n} years",
        "ago_days": "passed {n} days ago",
        "ago_day": "passed 1 day ago",
        "ago_weeks": "passed {n} weeks ago",
        "ago_months": "passed {n} months ago",
        "ago_years": "passed {n} years ago",
        "mid": "mid-{month}",
        "early": "early {month}",
        "late": "late {month}",
        "around": "around {date}",
        "stories_title": "Stories I follow",
        "stories_row": "{n} · last {date}",
        "stories_hint": "Ask /status NAME or /deadline NAME for one of them.",
        "timeline_title": "Timeline — {name}",
        "timeline_empty": "No dated events found for this story yet.",
        "deadline_marker": "deadline",
        "kind_deadline": "deadline",
        "kind_expiry": "expiry",
        "why_reason": "Key date because — {reason}",
        "published_marker": "reported",
        "why_usage": "Which item? /why N explains item N of the last /status or /deadline list in this chat, e.g. /why 1",
        "why_nothing": "There is no list to explain yet: ask /status or /deadline first, then /why N.",
        "why_range": "The last list has items 1 to {n}; /why {n} explains the last one.",
        "why_title": "Why #{n}: {label}",
        "why_from": "From {n} articles:",
        "status_title": "{name}",
        "more_stories": "More stories: /stories",
    },
    "de": {
        "no_stories": "Noch keine Geschichten: keine Artikel{when}. Admins fügen mit /addfeed URL einen Feed hinzu, "
        "oder Dateien mit `newsdigest ingest`.",
        "when_as_of": ", die bis zum {date} erschienen sind",
        "no_match": "Keine Geschichte passt zu „{query}“. /stories zeigt, welche ich verfolge.",
        "which_story": "Mehrere Geschichten passen zu „{query}“. Welche ist gemeint?",
        "ask_again": "Bitte noch einmal mit ihrem Namen fragen, z. B. /{cmd} {slug}",
        "as_of": "Stand {date}",
        "articles_n": "{n} Artikel",
        "article_1": "1 Artikel",
        "sources_n": "{n} Quellen",
        "source_1": "1 Quelle",
        "latest": "Neueste Entwicklungen",
        "now": "Jetzt: ",
        "earlier": "Davor",
        "no_developments": "Zu dieser Geschichte wurden noch keine Kernpunkte erkannt.",
        "next_deadline": "Nächste Frist: ",
        "deadlines_all_passed_status": "Alle Fristen dieser Geschichte sind abgelaufen (die letzte: {date}, {ago}).",
        "deadlines_title": "Fristen — {name}",
        "upcoming": "Anstehend",
        "passed": "Abgelaufen",
        "replaced": "Ersetzt",
        "no_deadlines": "Keine Fristen in den Artikeln dieser Geschichte{when}.",
        "all_passed": "Stand {date}: alle {n} Fristen dieser Geschichte sind abgelaufen; keine steht mehr an.",
        "replaced_by": "ersetzt durch {date}",
        "replaces": "ersetzt {date}",
        "disagree": "Quellen widersprechen sich: {dates}",
        "today": "heute",
        "in_days": "in {n} Tagen",
        "in_day": "in 1 Tag",
        "in_weeks": "in {n} Wochen",
        "in_months": "in {n} Monaten",
        "in_years": "in {n} Jahren",
        "ago_days": "vor {n} Tagen abgelaufen",
        "ago_day": "vor 1 Tag abgelaufen",
        "ago_weeks": "vor {n} Wochen abgelaufen",
        "ago_months": "vor {n} Monaten abgelaufen",
        "ago_years": "vor {n} Jahren abgelaufen",
        "mid": "Mitte {month}",
        "early": "Anfang {month}",
        "late": "Ende {month}",
        "around": "um den {date}",
        "stories_title": "Geschichten, die ich verfolge",
        "stories_row": "{n} · zuletzt {date}",
        "stories_hint": "Frag /status NAME oder /deadline NAME zu einer davon.",
        "timeline_title": "Zeitleiste — {name}",
        "timeline_empty": "Zu dieser Geschichte gibt es noch keine datierten Ereignisse.",
        "deadline_marker": "Frist",
        "kind_deadline": "Frist",
        "kind_expiry": "Ablauf",
        "why_reason": "Stichtag, weil — {reason}",
        "published_marker": "berichtet",
        "why_usage": "Welcher Punkt? /why N erklärt Punkt N der letzten /status- oder /deadline-Liste in diesem Chat, "
        "z. B. /why 1",
        "why_nothing": "Es gibt noch keine Liste zum Erklären: erst /status oder /deadline fragen, dann /why N.",
        "why_range": "Die letzte Liste hat die Punkte 1 bis {n}; /why {n} erklärt den letzten.",
        "why_title": "Warum #{n}: {label}",
        "why_from": "Aus {n} Artikeln:",
        "status_title": "{name}",
        "more_stories": "Weitere Geschichten: /stories",
    },
}


t = Catalog(MESSAGES)


def sources(lang: str, n: int) -> str:
    return t(lang, "source_1") if n == 1 else t(lang, "sources_n", n=n)


def articles(lang: str, n: int) -> str:
    return t(lang, "article_1") if n == 1 else t(lang, "articles_n", n=n)


fmt_date = format_date


def fmt_short(day: dt.date, lang: str) -> str:
    """15 Sep / 15. Sep. — for compact lists ("sources disagree: 15 Sep vs 20 Sep")."""
    name = month_name(lang, day.month)[:3]
    return f"{day.day}. {name}." if lang == "de" else f"{day.day} {name}"


def countdown(target: dt.date, today: dt.date, lang: str) -> str:
    """'in 1 day', 'today', 'passed 2 months ago' (German: 'in 1 Tag', 'vor 2 Monaten abgelaufen')."""
    days = (target - today).days
    if days == 0:
        return t(lang, "today")
    future = days > 0
    n = abs(days)
    if n == 1:
        return t(lang, "in_day" if future else "ago_day")
    if n < 14:
        unit, count = "days", n
    elif n < 45:
        unit, count = "weeks", round(n / 7)
    elif n < 730:
        unit, count = "months", max(2, round(n / 30.44))
    else:
        unit, count = "years", round(n / 365.25)
    return t(lang, ("in_" if future else "ago_") + unit, n=count)


def fmt_short_year(day: dt.date, lang: str) -> str:
    """14 Sep 2020 / 14. Sep. 2020 — the date of a status lead."""
    return f"{fmt_short(day, lang)} {day.year}"
