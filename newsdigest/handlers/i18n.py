"""Reply texts in English and German. Handlers look up messages by key; missing German falls back to English."""

from __future__ import annotations

from newsdigest.handlers.reply import Block, BulletList, Paragraph, Span, item
from newsdigest.texts import LANGUAGES, Catalog

__all__ = ["LANGUAGES", "MESSAGES", "command_list", "sources", "t"]

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "not_a_command": "“{line}” is not a command. Commands start with /, for example /status.",
        "unknown_command": "Unknown command /{name}.",
        "admin_only": "Sorry, /{name} is for admins of this bot only. Ask an admin to run it.",
        "usage": "Usage",
        "internal_error": "Sorry, something went wrong on our side while answering. It has been logged; please try again.",
        "database_busy": "The database is busy right now (another task is writing); please try again in a moment.",
        "commands": "Commands:",
        "help_intro": "I follow developing news stories: where a story stands, what is due when, and what changed.",
        "no_articles": "No articles yet. Add a feed with /addfeed URL (admins) or ingest files with `newsdigest ingest`.",
        "no_results": "Nothing found for “{query}”.",
        "search_usage": "Tell me what to look for, e.g. /search Oracle",
        "results_for": "Results for “{query}”",
        "as_of": "as of {date}",
        "sources_n": "{n} sources",
        "source_1": "1 source",
        "lang_usage": "Choose a reply language: /lang en or /lang de",
        "lang_set": "I will answer in English in this chat.",
        "lang_set_user": "I will answer you in English. (A channel's digest comes in the language of whoever "
        "subscribed it: subscribe again to change it.)",
    },
    "de": {
        "not_a_command": "„{line}“ ist kein Befehl. Befehle beginnen mit /, zum Beispiel /status.",
        "unknown_command": "Unbekannter Befehl /{name}.",
        "admin_only": "/{name} dürfen nur Admins dieses Bots ausführen. Bitte einen Admin darum.",
        "usage": "Aufruf",
        "internal_error": "Entschuldigung, bei uns ist beim Antworten etwas schiefgegangen. Es wurde protokolliert; "
        "bitte noch einmal versuchen.",
        "database_busy": "Die Datenbank ist gerade beschäftigt (ein anderer Vorgang schreibt); bitte gleich noch "
        "einmal versuchen.",
        "commands": "Befehle:",
        "help_intro": "Ich verfolge laufende Nachrichtenlagen: wo eine Geschichte steht, was wann fällig ist und was "
        "sich geändert hat.",
        "no_articles": "Noch keine Artikel. Admins fügen mit /addfeed URL einen Feed hinzu, oder Dateien mit "
        "`newsdigest ingest`.",
        "no_results": "Nichts gefunden zu „{query}“.",
        "search_usage": "Wonach soll ich suchen? Zum Beispiel /search Oracle",
        "results_for": "Treffer zu „{query}“",
        "as_of": "Stand {date}",
        "sources_n": "{n} Quellen",
        "source_1": "1 Quelle",
        "lang_usage": "Antwortsprache wählen: /lang de oder /lang en",
        "lang_set": "Ich antworte in diesem Chat auf Deutsch.",
        "lang_set_user": "Ich antworte dir auf Deutsch. (Der Überblick eines Kanals kommt in der Sprache dessen, "
        "der ihn abonniert hat: erneut abonnieren ändert sie.)",
    },
}


t = Catalog(MESSAGES)


def sources(lang: str, n: int) -> str:
    return t(lang, "source_1") if n == 1 else t(lang, "sources_n", n=n)


def command_list(lang: str, *, admin: bool = True, prefix: str = "/") -> tuple[Block, ...]:
    """The command table as reply blocks (used by /help and by every error reply)."""
    from newsdigest.handlers import all_commands

    rows = []
    for spec in all_commands().values():
        if spec.admin and not admin:
            continue
        # Plain text, not code: Telegram makes a plain "/command" tappable; Slack and the console show it as is.
        rows.append(item(Span(spec.usage(prefix)), Span(" — " + spec.help(lang))))
    return (Paragraph((Span(t(lang, "commands"), bold=True),)), BulletList(tuple(rows)))
