"""The one message catalog: every text the bot says to people, in English and German, and how it writes dates,
countdowns and counts. A key missing in German falls back to English, then to the key itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

LANGUAGES = ("en", "de")

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # -- chat commands in general
        "not_a_command": "“{line}” is not a command. Commands start with /, for example /status.",
        "empty_line": "Type a command, for example /status or /help.",
        "quoted": "“{text}”",
        "unknown_command": "Unknown command /{name}.",
        "admin_only": "Sorry, /{name} is for admins of this bot only. Ask an admin to run it.",
        "admin_hint": " (Running this bot? Add your user id {user} to [{platform}] admins in its config.)",
        "usage": "Usage",
        "internal_error": "Sorry, something went wrong on our side while answering. It has been logged; please try again.",
        "database_busy": "The database is busy right now (another task is writing); please try again in a moment.",
        "clustering": "Still sorting {n} new articles into stories: this answer uses the ones sorted so far.",
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
        "lang_unknown": "I answer in English or German only, not “{value}”: /lang en or /lang de",
        "lang_set": "I will answer in English in this chat.",
        "lang_set_user": "I will answer you in English. (A channel's digest comes in the language of whoever "
        "subscribed it: subscribe again to change it.)",
        # -- feeds: /feeds, /addfeed, /removefeed
        "no_feeds": "No feeds yet. Admins add one with /addfeed URL.",
        "feeds_heading": "Feeds ({n})",
        "ok": " — updated {when}, {items} articles; next check {next}",
        "failing": " — failing since {when} ({count}×): {error}; next try {next}",
        "pending": " — not checked yet",
        "problems": " — latest problems: {problems}",
        "hint_scheme": "newsdigest fetches only http and https addresses; the feed or one of its redirects points elsewhere (file:, ftp:, …), which allow_hosts cannot open.",
        "addfeed_usage": "Give me the feed's address, e.g. /addfeed https://example.org/feed.xml",
        "not_http": "“{url}” is not an http(s) address. Feeds look like https://example.org/feed.xml",
        "already": "I already follow {name}.",
        "feed_added": "Added {name}: {created}, {known} already known. I check it every {minutes} minutes.",
        "readded": "Following {name} again: {created}, {known} already known.",
        "new_article_1": "1 new article",
        "new_articles_n": "{n} new articles",
        "warnings": "{n} entries could not be completed from their pages (their feed text was kept).",
        "add_failed": "Could not add {url}: {reason}.",
        "removefeed_usage": "Tell me which feed to drop, e.g. /removefeed https://example.org/feed.xml (see /feeds)",
        "removed": "Stopped following {url}. Its articles stay in the archive.",
        "not_following": "I do not follow {url}. /feeds lists the feeds.",
        "hint_refused": "Addresses on private or local networks are blocked to protect the bot's network; if this host is meant to be reachable, an operator can add it to [ingest] allow_hosts.",
        "hint_timeout": "The server is too slow or unreachable; check the address or try again later.",
        "unreachable": "the host “{host}” cannot be found or does not answer",
        "reason_http": "HTTP {status}{phrase}",
        "reason_timeout": "no complete answer in time",
        "reason_large": "the document is larger than the size limit",
        "reason_page": "this is a web page, not an RSS or Atom feed",
        "reason_not_feed": "not a usable RSS or Atom feed",
        "reason_entities": "refused: its XML entity declarations could blow it up",
        "reason_scheme": "only http and https addresses are fetched",
        "reason_redirects": "too many redirects",
        "reason_network": "a network error",
        "reason_internal": "an internal error (logged)",
        "reason_refused": "address refused ({detail})",
        "problem_no_text": "{entry}: entry without text, skipped",
        "problem_headline": "{entry}: no text, stored as a headline only",
        "problem_bytes": "decoding: {n} byte(s) not valid {charset} replaced by U+FFFD (first at byte {at})",
        "hint_unreachable": "Check the address for typos: it needs a full host name such as news.example.org. If it is right, the site or this machine's network is down; try again later.",
        "hint_no_answer": "The address was found, but nothing accepts a connection there: check the port in the address and whether the server runs; otherwise try again later.",
        "hint_large": "The document is larger than the configured limit ([ingest] max_bytes).",
        "hint_auth": "The server refuses access; feeds behind a login are not supported.",
        "hint_404": "Nothing at this address; check it (sites link their feed as RSS, Atom or Feed).",
        "hint_http": "The server has a problem; try again later.",
        "hint_page": "Give the address of the site's RSS or Atom feed instead (sites link it as RSS, Atom or Feed).",
        "hint_no_text": "The page has no article text I can read (too short, or built by scripts); save the text as a .txt file and ingest that.",
        "hint_page_links": "It announces these feeds: {links}",
        "hint_feed": "The document is not a usable RSS or Atom feed; check the address.",
        "hint_other": "Check the address and try again.",
        # -- stories: /status, /deadline, /timeline, /stories, /why
        "no_stories": "No stories yet: there are no articles{when}. Add a feed with /addfeed URL (admins) or ingest files with `newsdigest ingest`.",
        "when_as_of": " published by {date}",
        "no_match": "No story matches “{query}”. See /stories for the stories I follow.",
        "digest_no_story": "No story matches “{value}”. /digest takes a story's name or slug (or nothing, for every "
        "story), e.g. /digest tiktok; /stories lists them.",
        "picture": "[picture: {file}] {caption}",
        "picture_written": "[picture written to {file}] {caption}",
        "which_story": "Several stories match “{query}”. Which one?",
        "ask_again": "Ask again with its name, e.g. /{cmd} {slug}",
        "articles_n": "{n} articles",
        "article_1": "1 article",
        "latest": "Latest developments",
        "now": "Now: ",
        "machine_brief": "Summary (machine-written by {model}, from the numbered facts below):",
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
        "all_passed_1": "The one deadline of this story has passed as of {date}; none is upcoming.",
        "all_passed_2": "Both deadlines of this story have passed as of {date}; none is upcoming.",
        "replaced_by": "replaced by {date}",
        "replaces": "replaces {date}",
        "disagree": "sources disagree: {dates}",
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
        "published_marker": "reported",
        "why_usage": "Which item? /why N explains item N of the last /status or /deadline list in this chat, e.g. /why 1",
        "why_nothing": "There is no list to explain yet: ask /status or /deadline first, then /why N.",
        "why_range": "The last list has items 1 to {n}; /why {n} explains the last one.",
        "why_title": "Why #{n}: {label}",
        "why_from": "From {n} articles:",
        "updated_on": "updated {date}",
        "updated": "updated",
        "status_title": "{name}",
        "more_stories": "More stories: /stories",
        "kind_deadline": "deadline",
        "kind_expiry": "expiry",
        # what an expiry's thing does, by the number of its noun ("Teil-Lockdown" ends, "emergency loan schemes" end)
        "what_ends_1": "{what} ends",
        "what_ends_n": "{what} end",
        "why_reason": "Key date because — {reason}",
        # -- digests and subscriptions
        "title": "Your news digest — {date}",
        "title_now": "News digest — {date}",
        "since": "Changes since {since}.",
        "since_start": "Everything so far.",
        "all_news": "All stories",
        "other_news": "Other news",
        "change_added": "New deadline {date}{countdown}: {what}",
        "change_extended": "Deadline extended from {old} to {date}{countdown}: {what}",
        "change_moved": "Deadline moved from {old} to {date}{countdown}: {what}",
        "change_passed": "Deadline passed on {date}: {what}",
        "digest_upcoming": "Due in the next {days} days",
        "more": "+{n} more",
        "digest_more_stories": "+{n} more stories — ask /status for each",
        "nothing_new": "Nothing new since your last digest ({since}).",
        "nothing_new_start": "Nothing to report yet.",
        "subscribed": "Subscribed: a daily digest at {time} ({tz}) for {what}. Next one: {next}.",
        "subscribed_all": "all stories",
        "subscribed_story": "the story “{story}”",
        "bad_time": "“{value}” is not a time of day. Give it as HH:MM in 24-hour form (or 8am, 7:30pm), e.g. /subscribe 07:30",
        "bad_zone": "“{value}” is not a time zone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC, e.g. /subscribe 08:00 Europe/Berlin",
        "unsubscribed_all": "Unsubscribed: no more scheduled digests in this chat ({subs} ended).",
        "subscription_1": "1 subscription",
        "subscriptions_n": "{n} subscriptions",
        "unsubscribed_story": "Unsubscribed from “{story}”.",
        "not_subscribed": "This chat has no subscription{story_part}. Start one with /subscribe [HH:MM] [TZ] [story].",
        # -- following a story: subscribing, filters, reminders, /subscriptions
        "not_understood": "I did not understand “{value}”: it is no time zone, and no story matches it. "
        "Give a time and zone like /{cmd} 08:00 Europe/Berlin (or CET, Berlin, 8am); /stories lists the stories.",
        "zone_needs_time": "No story matches “{value}”. If you meant the time zone, give it right after the time: "
        "/{cmd} {time} {value}",
        "bad_filter": "“{value}” is not a filter word. Filters are plain words: +word keeps only what names it, "
        "-word leaves out what names it, e.g. /subscribe 08:00 +Oracle -gaming",
        "thread_slack_only": "Threads are a Slack feature; here a digest is always one message.",
        "filter_note": " Only items with {include}.",
        "filter_note_without": " Nothing with {exclude}.",
        "thread_note": " Posted as a thread: one message, each story a reply.",
        "reminder_title": "Reminder: a deadline",
        "reminder_title_expiry": "Reminder: something ends",
        "reminder_rest": " — {what} ({story}), {countdown}",
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
        # -- countdowns (texts.countdown)
        "today": "today",
        "tomorrow": "tomorrow",
        "in_days": "in {n} days",
        "in_weeks": "in {n} weeks",
        "in_months": "in {n} months",
        "in_years": "in {n} years",
        "ago_day": "passed yesterday",
        "ago_days": "passed {n} days ago",
        "ago_weeks": "passed {n} weeks ago",
        "ago_months": "passed {n} months ago",
        "ago_years": "passed {n} years ago",
    },
    "de": {
        # -- chat commands in general
        "not_a_command": "„{line}“ ist kein Befehl. Befehle beginnen mit /, zum Beispiel /status.",
        "empty_line": "Bitte einen Befehl eingeben, zum Beispiel /status oder /help.",
        "quoted": "„{text}“",
        "unknown_command": "Unbekannter Befehl /{name}.",
        "admin_only": "/{name} dürfen nur Admins dieses Bots ausführen. Bitte einen Admin darum.",
        "admin_hint": " (Du betreibst den Bot? Trage deine Nutzer-ID {user} in seiner Konfiguration unter [{platform}] admins ein.)",
        "usage": "Aufruf",
        "internal_error": "Entschuldigung, bei uns ist beim Antworten etwas schiefgegangen. Es wurde protokolliert; bitte noch einmal versuchen.",
        "database_busy": "Die Datenbank ist gerade beschäftigt (ein anderer Vorgang schreibt); bitte gleich noch einmal versuchen.",
        "clustering": "{n} neue Artikel werden noch Geschichten zugeordnet: diese Antwort nutzt die bereits zugeordneten.",
        "commands": "Befehle:",
        "help_intro": "Ich verfolge laufende Nachrichtenlagen: wo eine Geschichte steht, was wann fällig ist und was sich geändert hat.",
        "no_articles": "Noch keine Artikel. Admins fügen mit /addfeed URL einen Feed hinzu, oder Dateien mit `newsdigest ingest`.",
        "no_results": "Nichts gefunden zu „{query}“.",
        "search_usage": "Wonach soll ich suchen? Zum Beispiel /search Oracle",
        "results_for": "Treffer zu „{query}“",
        "as_of": "Stand {date}",
        "sources_n": "{n} Quellen",
        "source_1": "1 Quelle",
        "lang_usage": "Antwortsprache wählen: /lang de oder /lang en",
        "lang_unknown": "Ich antworte nur auf Deutsch oder Englisch, nicht „{value}“: /lang de oder /lang en",
        "lang_set": "Ich antworte in diesem Chat auf Deutsch.",
        "lang_set_user": "Ich antworte dir auf Deutsch. (Der Überblick eines Kanals kommt in der Sprache dessen, "
        "der ihn abonniert hat: erneut abonnieren ändert sie.)",
        # -- feeds: /feeds, /addfeed, /removefeed
        "no_feeds": "Noch keine Feeds. Admins fügen mit /addfeed URL einen hinzu.",
        "feeds_heading": "Feeds ({n})",
        "ok": " — aktualisiert {when}, {items} Artikel; nächste Prüfung {next}",
        "failing": " — Fehler seit {when} ({count}×): {error}; nächster Versuch {next}",
        "pending": " — noch nicht geprüft",
        "problems": " — letzte Probleme: {problems}",
        "hint_scheme": "newsdigest ruft nur http- und https-Adressen ab; der Feed oder eine seiner Weiterleitungen zeigt anderswohin (file:, ftp:, …), das kann auch allow_hosts nicht öffnen.",
        "addfeed_usage": "Bitte die Adresse des Feeds angeben, z. B. /addfeed https://example.org/feed.xml",
        "not_http": "„{url}“ ist keine http(s)-Adresse. Feeds sehen so aus: https://example.org/feed.xml",
        "already": "{name} verfolge ich schon.",
        "feed_added": "{name} hinzugefügt: {created}, {known} schon bekannt. Ich prüfe ihn alle {minutes} Minuten.",
        "readded": "{name} wird wieder verfolgt: {created}, {known} schon bekannt.",
        "new_article_1": "1 neuer Artikel",
        "new_articles_n": "{n} neue Artikel",
        "warnings": "{n} Einträge ließen sich nicht von ihrer Seite ergänzen (der Feed-Text wurde behalten).",
        "add_failed": "{url} konnte nicht hinzugefügt werden: {reason}.",
        "removefeed_usage": "Welcher Feed soll weg? Z. B. /removefeed https://example.org/feed.xml (siehe /feeds)",
        "removed": "{url} wird nicht mehr verfolgt. Seine Artikel bleiben im Archiv.",
        "not_following": "{url} verfolge ich nicht. /feeds zeigt die Feeds.",
        "hint_refused": "Adressen in privaten oder lokalen Netzen sind gesperrt, um das Netz des Bots zu schützen; soll dieser Host erreichbar sein, kann ein Betreiber ihn in [ingest] allow_hosts eintragen.",
        "hint_timeout": "Der Server ist zu langsam oder nicht erreichbar; Adresse prüfen oder später erneut versuchen.",
        "unreachable": "der Host „{host}“ ist nicht auffindbar oder antwortet nicht",
        "reason_http": "der Server antwortete mit HTTP {status}{phrase}",
        "reason_timeout": "keine vollständige Antwort in der vorgesehenen Zeit",
        "reason_large": "das Dokument ist größer als die erlaubte Größe",
        "reason_page": "das ist eine Webseite, kein RSS- oder Atom-Feed",
        "reason_not_feed": "kein brauchbarer RSS- oder Atom-Feed",
        "reason_entities": "abgelehnt: seine XML-Entitäten könnten es ins Unermessliche aufblähen",
        "reason_scheme": "abgerufen werden nur http- und https-Adressen",
        "reason_redirects": "zu viele Weiterleitungen",
        "reason_network": "ein Netzwerkfehler",
        "reason_internal": "ein interner Fehler (protokolliert)",
        "reason_refused": "Adresse gesperrt ({detail})",
        "problem_no_text": "{entry}: Eintrag ohne Text, übersprungen",
        "problem_headline": "{entry}: kein Text, nur als Schlagzeile gespeichert",
        "problem_bytes": "Zeichensatz: {n} Byte(s) kein gültiges {charset}, durch U+FFFD ersetzt (zuerst bei Byte {at})",
        "hint_unreachable": "Bitte die Adresse auf Tippfehler prüfen: Sie braucht einen vollständigen Hostnamen wie news.example.org. Stimmt sie, ist die Seite oder das Netz dieses Rechners gestört; später erneut versuchen.",
        "hint_no_answer": "Die Adresse ist bekannt, aber dort nimmt niemand eine Verbindung an: bitte den Port in der Adresse prüfen und ob der Server läuft; sonst später erneut versuchen.",
        "hint_large": "Das Dokument ist größer als das eingestellte Limit ([ingest] max_bytes).",
        "hint_auth": "Der Server verweigert den Zugriff; Feeds hinter einem Login werden nicht unterstützt.",
        "hint_404": "Unter dieser Adresse gibt es nichts; bitte prüfen (Seiten verlinken ihren Feed als RSS, Atom oder Feed).",
        "hint_http": "Der Server hat ein Problem; später erneut versuchen.",
        "hint_page": "Bitte stattdessen die Adresse des RSS- oder Atom-Feeds der Seite angeben (Seiten verlinken ihn als RSS, Atom oder Feed).",
        "hint_no_text": "Auf der Seite finde ich keinen Artikeltext (zu kurz oder per Skript gebaut); den Text als .txt-Datei speichern und die einlesen.",
        "hint_page_links": "Sie nennt diese Feeds: {links}",
        "hint_feed": "Das Dokument ist kein brauchbarer RSS- oder Atom-Feed; bitte die Adresse prüfen.",
        "hint_other": "Adresse prüfen und erneut versuchen.",
        # -- stories: /status, /deadline, /timeline, /stories, /why
        "no_stories": "Noch keine Geschichten: keine Artikel{when}. Admins fügen mit /addfeed URL einen Feed hinzu, oder Dateien mit `newsdigest ingest`.",
        "when_as_of": ", die bis zum {date} erschienen sind",
        "no_match": "Keine Geschichte passt zu „{query}“. /stories zeigt, welche ich verfolge.",
        "digest_no_story": "Keine Geschichte passt zu „{value}“. /digest nimmt den Namen einer Geschichte (oder nichts, "
        "für alle), z. B. /digest tiktok; /stories zeigt sie.",
        "picture": "[Bild: {file}] {caption}",
        "picture_written": "[Bild gespeichert unter {file}] {caption}",
        "which_story": "Mehrere Geschichten passen zu „{query}“. Welche ist gemeint?",
        "ask_again": "Bitte noch einmal mit ihrem Namen fragen, z. B. /{cmd} {slug}",
        "articles_n": "{n} Artikel",
        "article_1": "1 Artikel",
        "latest": "Neueste Entwicklungen",
        "now": "Jetzt: ",
        "machine_brief": "Zusammenfassung (maschinell von {model}, aus den nummerierten Fakten unten):",
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
        "all_passed_1": "Stand {date}: die eine Frist dieser Geschichte ist abgelaufen; keine steht mehr an.",
        "all_passed_2": "Stand {date}: beide Fristen dieser Geschichte sind abgelaufen; keine steht mehr an.",
        "replaced_by": "ersetzt durch {date}",
        "replaces": "ersetzt {date}",
        "disagree": "Quellen widersprechen sich: {dates}",
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
        "published_marker": "berichtet",
        "why_usage": "Welcher Punkt? /why N erklärt Punkt N der letzten /status- oder /deadline-Liste in diesem Chat, z. B. /why 1",
        "why_nothing": "Es gibt noch keine Liste zum Erklären: erst /status oder /deadline fragen, dann /why N.",
        "why_range": "Die letzte Liste hat die Punkte 1 bis {n}; /why {n} erklärt den letzten.",
        "why_title": "Warum #{n}: {label}",
        "why_from": "Aus {n} Artikeln:",
        "updated_on": "aktualisiert am {date}",
        "updated": "aktualisiert",
        "status_title": "{name}",
        "more_stories": "Weitere Geschichten: /stories",
        "kind_deadline": "Frist",
        "kind_expiry": "Ablauf",
        "what_ends_1": "{what} endet",
        "what_ends_n": "{what} enden",
        "why_reason": "Stichtag, weil — {reason}",
        # -- digests and subscriptions
        "title": "Dein Nachrichtenüberblick — {date}",
        "title_now": "Nachrichtenüberblick — {date}",
        "since": "Änderungen seit {since}.",
        "since_start": "Alles bisher.",
        "all_news": "Alle Themen",
        "other_news": "Weitere Meldungen",
        "change_added": "Neue Frist {date}{countdown}: {what}",
        "change_extended": "Frist verlängert auf {date}{countdown}, bisher {old}: {what}",
        "change_moved": "Frist verschoben auf {date}{countdown}, bisher {old}: {what}",
        "change_passed": "Frist abgelaufen am {date}: {what}",
        "digest_upcoming": "Fällig in den nächsten {days} Tagen",
        "more": "+{n} weitere",
        "digest_more_stories": "+{n} weitere Themen — /status zeigt jedes",
        "nothing_new": "Nichts Neues seit deinem letzten Überblick ({since}).",
        "nothing_new_start": "Noch nichts zu berichten.",
        "subscribed": "Abonniert: täglich um {time} ({tz}) ein Überblick über {what}. Der nächste: {next}.",
        "subscribed_all": "alle Themen",
        "subscribed_story": "das Thema „{story}“",
        "bad_time": "„{value}“ ist keine Uhrzeit. Bitte als HH:MM im 24-Stunden-Format (oder 8am, 7:30pm), z. B. /subscribe 07:30",
        "bad_zone": "„{value}“ kenne ich nicht als Zeitzone. Bitte einen IANA-Namen wie Europe/Berlin, America/New_York oder UTC, z. B. /subscribe 08:00 Europe/Berlin",
        "unsubscribed_all": "Abbestellt: keine geplanten Überblicke mehr in diesem Chat ({subs} beendet).",
        "subscription_1": "1 Abo",
        "subscriptions_n": "{n} Abos",
        "unsubscribed_story": "„{story}“ abbestellt.",
        "not_subscribed": "Dieser Chat hat kein Abo{story_part}. Eines startet /subscribe [HH:MM] [Zone] [Geschichte].",
        # -- following a story: subscribing, filters, reminders, /subscriptions
        "not_understood": "„{value}“ verstehe ich nicht: keine Zeitzone, und keine Geschichte passt dazu. "
        "Bitte Uhrzeit und Zone wie /{cmd} 08:00 Europe/Berlin (oder MEZ, Berlin, 8am); /stories zeigt die Geschichten.",
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
        "reminder_rest": " — {what} ({story}), {countdown}",
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
        # -- countdowns (texts.countdown)
        "today": "heute",
        "tomorrow": "morgen",
        "in_days": "in {n} Tagen",
        "in_weeks": "in {n} Wochen",
        "in_months": "in {n} Monaten",
        "in_years": "in {n} Jahren",
        "ago_day": "gestern abgelaufen",
        "ago_days": "vor {n} Tagen abgelaufen",
        "ago_weeks": "vor {n} Wochen abgelaufen",
        "ago_months": "vor {n} Monaten abgelaufen",
        "ago_years": "vor {n} Jahren abgelaufen",
    },
}


class Catalog:
    """Messages by language and key; a key missing in German falls back to English, then to the key itself."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self.messages = messages

    def __call__(self, lang: str, key: str, **values: object) -> str:
        table = self.messages.get(lang, self.messages["en"])
        template = table.get(key) or self.messages["en"].get(key) or key
        return template.format(**values)


t = Catalog(MESSAGES)

# /why's "Key date because — deadline: limit + obligation (limit 'bis zum' + obligation verb 'muss')" in German:
# the words of extract/deadlines.py's key-date rules (their names and cue labels), one for one. The cue words
# themselves are the article's and stay; a word missing here is shown as extract wrote it.
REASON_WORDS: dict[str, dict[str, str]] = {
    "de": {
        # kinds
        "deadline": "Frist", "expiry": "Ablauf",
        # rule names
        "application window": "Antragsfrist", "application window closes": "Antragsfrist endet",
        "date + obligation verb": "Datum + Pflichtverb", "deadline noun": "Fristwort",
        "deadline runs out": "Frist läuft ab", "decision put off": "Entscheidung vertagt", "ends": "endet",
        "expires": "läuft aus", "extension": "Verlängerung", "extension of a deadline": "Verlängerung einer Frist",
        "extension of a measure": "Verlängerung einer Maßnahme", "extension of an obligation": "Verlängerung einer Pflicht",
        "initial term of a measure": "erste Laufzeit einer Maßnahme", "lapses unless renewed": "endet ohne Verlängerung",
        "limit + action": "Grenze + Handlung", "limit + infinitive": "Grenze + Infinitiv",
        "limit + obligation": "Grenze + Pflicht", "limit in a condition": "Grenze in einer Bedingung",
        "limit set by a duration": "Frist durch eine Dauer", "measure in force until": "Maßnahme gilt bis",
        "obliged to act on a date": "Pflicht, an einem Tag zu handeln", "recurring obligation": "wiederkehrende Pflicht",
        "replacement": "Ersatz", "strict limit": "strikte Grenze", "tender window": "Ausschreibungsfrist",
        "term set until": "Laufzeit bis", "to be finished by": "bis dahin zu erledigen",
        "window for whoever acts": "Frist für jeden, der handelt", "window set by an obligation": "Zeitraum einer Pflicht",
        # cue labels
        "action verb": "Handlungsverb", "again": "wieder", "application word": "Antragswort", "condition": "Bedingung",
        "decision": "Entscheidung", "ending verb": "Endeverb", "infinitive": "Infinitiv", "initial term": "erste Laufzeit",
        "lasting state": "Dauerzustand", "limit": "Grenze", "limit word": "Grenzwort", "measure": "Maßnahme",
        "modal": "Modalverb", "obligation verb": "Pflichtverb", "range": "Zeitspanne", "tender word": "Ausschreibungswort",
        "to be done": "zu erledigen", "unless": "sofern nicht", "whoever acts": "wer handelt", "within": "binnen",
        # the note on a date planned in a draft
        "planned in a draft": "geplant in einem Entwurf",
    },
}

# The placeholders of a command's usage line ("/subscribe [HH:MM] [TZ] [story] [+word]") in the reader's language;
# the words typed as they are (thread, off, 3d, HH:MM, N, URL, TEXT) stay.
ARG_NAMES: dict[str, dict[str, str]] = {
    "de": {"story": "Geschichte", "word": "Wort", "TZ": "Zone"},
}
_ARG_WORD = re.compile(r"(?<=[\[+-])[A-Za-z]+(?=\])")  # a word right inside brackets, after "[", "[+" or "[-"


def arg_names(lang: str, args: str) -> str:
    """A usage line's placeholders in `lang`: '[story] [+word]' -> '[Geschichte] [+Wort]' in German."""
    names = ARG_NAMES.get(lang)
    if not names:
        return args
    return _ARG_WORD.sub(lambda m: names.get(m.group(0), m.group(0)), args)


def month_name(lang: str, month: int) -> str:
    return MONTHS.get(lang, MONTHS["en"])[month - 1]


def format_date(day: dt.date, lang: str, *, weekday: bool = False) -> str:
    """'15 September 2020' / '15. September 2020', optionally with the weekday in front."""
    text = (f"{day.day}. {month_name(lang, day.month)} {day.year}" if lang == "de"
            else f"{day.day} {month_name(lang, day.month)} {day.year}")
    if weekday:  # German sets the weekday off with a comma: "Mo., 14. September 2020"
        name = WEEKDAYS.get(lang, WEEKDAYS["en"])[day.weekday()]
        text = f"{name}, {text}" if lang == "de" else f"{name} {text}"
    return text


def format_short(day: dt.date, lang: str) -> str:
    """15 Sep / 15. Sep. — for compact lists ("sources disagree: 15 Sep vs 20 Sep")."""
    name = month_name(lang, day.month)[:3]
    return f"{day.day}. {name}." if lang == "de" else f"{day.day} {name}"


def format_short_year(day: dt.date, lang: str) -> str:
    """14 Sep 2020 / 14. Sep. 2020 — the date of a status lead."""
    return f"{format_short(day, lang)} {day.year}"


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
    """A local timestamp: 'Mon 14 September 2020 08:00' / 'Mo., 14. September 2020, 08:00 Uhr'."""
    day = format_date(when.date(), lang, weekday=True)
    return f"{day}, {when:%H:%M} Uhr" if lang == "de" else f"{day} {when:%H:%M}"


def countdown(target: dt.date, today: dt.date, lang: str) -> str:
    """How far a key date is, the same in every reply: 'today', 'tomorrow', 'in 5 days', 'in 2 months',
    'passed yesterday', 'passed 2 months ago' (German: 'heute', 'morgen', 'in 5 Tagen', 'vor 2 Monaten abgelaufen')."""
    days = (target - today).days
    if days == 0:
        return t(lang, "today")
    if days == 1:
        return t(lang, "tomorrow")
    if days == -1:
        return t(lang, "ago_day")
    n = abs(days)
    if n < 14:
        unit, count = "days", n
    elif n < 45:
        unit, count = "weeks", round(n / 7)
    elif n < 730:
        unit, count = "months", max(2, round(n / 30.44))
    else:
        unit, count = "years", round(n / 365.25)
    return t(lang, ("in_" if days > 0 else "ago_") + unit, n=count)


def sources(lang: str, n: int) -> str:
    return t(lang, "source_1") if n == 1 else t(lang, "sources_n", n=n)


def subscriptions(lang: str, n: int) -> str:
    return t(lang, "subscription_1") if n == 1 else t(lang, "subscriptions_n", n=n)


def articles(lang: str, n: int) -> str:
    return t(lang, "article_1") if n == 1 else t(lang, "articles_n", n=n)
