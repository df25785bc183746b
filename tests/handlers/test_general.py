"""Commands without a story model, as a user reads them: /search, /lang, and lines that are no command."""

from __future__ import annotations

import re

from newsdigest.handlers import Core, not_a_command
from newsdigest.models import ChatRef, Platform

CHAT = ChatRef(Platform.CONSOLE, "console")


def test_search_hits_carry_the_date_as_replies_write_it_and_no_second_title(seeded_core: Core) -> None:
    out = seeded_core.answer(CHAT, "/search Oracle").plain_text()
    hits = [line for line in out.splitlines() if line.startswith("• ")]
    assert hits
    assert not re.search(r"\(\d{4}-\d\d-\d\d\)", out)  # no ISO dates among "14 September 2020" everywhere else
    assert "(14 September 2020) — " in out
    for hit in hits:
        title, _, snippet = hit[2:].partition(" (")
        assert not snippet.split(" — ", 1)[1].startswith(title)  # the snippet does not repeat the title


def test_search_dates_in_german(seeded_core: Core) -> None:
    seeded_core.answer(CHAT, "/lang de")
    assert "(14. September 2020) — " in seeded_core.answer(CHAT, "/suche Oracle").plain_text()


def test_an_unsupported_language_is_named(seeded_core: Core) -> None:
    reply = seeded_core.answer(CHAT, "/lang fr")
    assert reply.error and "English or German only, not “fr”" in reply.plain_text()
    assert "Choose a reply language" in seeded_core.answer(CHAT, "/lang").plain_text()


def test_an_empty_line_asks_for_a_command() -> None:
    for lang, says in (("en", "Type a command, for example /status"), ("de", "Bitte einen Befehl eingeben")):
        reply = not_a_command(lang, "   ")
        assert reply.error and reply.plain_text().startswith(says)
    assert "“hello” is not a command" in not_a_command("en", "hello").plain_text()
