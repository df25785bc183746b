from __future__ import annotations

import datetime as dt

from newsdigest.clock import Clock
from newsdigest.config import build_config
from newsdigest.handlers import Core, all_commands
from newsdigest.handlers.registry import parse_command
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store

CHAT = ChatRef(Platform.TELEGRAM, "42")


def test_parse_command_handles_bot_suffix_aliases_and_plain_text() -> None:
    p = parse_command("/status@newsdigest_bot  tiktok deal")
    assert p is not None and (p.name, p.args, p.addressed_to) == ("status", "tiktok deal", "newsdigest_bot")
    assert parse_command("deadline") is not None
    alias = parse_command("/Frist")
    assert alias is not None and alias.name == "deadline"
    assert parse_command("what's new?") is None
    assert parse_command("¿qué?") is None
    assert parse_command("") is None


def test_unknown_command_lists_the_commands(store: Store) -> None:
    core = Core(store, build_config({}), Clock())
    reply = core.answer(CHAT, "/frobnicate")
    assert reply.error
    out = reply.plain_text()
    assert "Unknown command /frobnicate" in out
    for name in ("help", "search"):
        assert f"/{name}" in out


def test_not_a_command_says_how(store: Store) -> None:
    reply = Core(store, build_config({}), Clock()).answer(CHAT, "what's new?")
    assert reply.error and "start with /" in reply.plain_text()


def test_help_is_german_for_german_clients_and_chat_override_wins(store: Store) -> None:
    core = Core(store, build_config({}), Clock())
    assert "Befehle" in core.answer(CHAT, "/help", user_lang="de-DE").plain_text()
    assert core.answer(CHAT, "/lang en", user_lang="de").plain_text().startswith("I will answer in English")
    assert "Commands" in core.answer(CHAT, "/help", user_lang="de").plain_text()
    bad = core.answer(CHAT, "/lang fr")
    assert bad.error and "Usage: /lang" in bad.plain_text()


def test_admin_commands_are_hidden_and_refused_for_others(store: Store) -> None:
    cfg = build_config({"telegram": {"admins": ["7"]}})
    core = Core(store, cfg, Clock())
    admin_only = [s.name for s in all_commands().values() if s.admin]
    for name in admin_only:
        assert f"/{name}" not in core.answer(CHAT, "/help", user_id="8").plain_text()
        refused = core.answer(CHAT, f"/{name} http://127.0.0.1/feed.xml", user_id="8")
        assert refused.error and "admins" in refused.plain_text()
        assert "Add your user id 8 to [telegram] admins" in refused.plain_text()  # how the operator lets them in


def test_search_needs_text_and_respects_as_of(seeded_store: Store) -> None:
    core = Core(seeded_store, build_config({}), Clock(as_of=dt.date(2020, 8, 21)))
    assert core.answer(CHAT, "/search").error
    titles = core.answer(CHAT, "/search Oracle").plain_text()
    assert "2020-09-14" not in titles  # September articles do not exist yet on 21 August
    later = Core(seeded_store, build_config({}), Clock(as_of=dt.date(2020, 9, 14)))
    assert "Oracle" in later.answer(CHAT, "/search Oracle").plain_text()


def test_internal_error_is_polite_and_logged(store: Store, caplog) -> None:  # type: ignore[no-untyped-def]
    from newsdigest.handlers.registry import COMMANDS, command

    @command("boom_test", "", "fails", "scheitert")
    def boom(ctx, args):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("bug")

    try:
        reply = Core(store, build_config({}), Clock()).answer(CHAT, "/boom_test")
        assert reply.error and "went wrong" in reply.plain_text()
        assert "command failed" in caplog.text
    finally:
        COMMANDS.pop("boom_test", None)


def test_search_shows_cleaned_text_without_page_furniture(store: Store) -> None:
    from newsdigest.ingest.pipeline import ingest_article
    from newsdigest.models import ArticleInput

    body = ("MENÜ\nMENÜ\nStartseite\nLogin\n\nDer Hafenstreik in Kiel geht in die zweite Woche. Die Gewerkschaft "
            "fordert sechs Prozent mehr Lohn für die Hafenarbeiter.\n\nPhoto by Jan Muster on Unsplash\n\n"
            "Die Reedereien leiten Schiffe nach Hamburg um, weil im Kieler Hafen kein Kran mehr läuft.\n")
    ingest_article(store, ArticleInput(text=body, title="Hafenstreik in Kiel", published=dt.date(2021, 3, 2),
                                       lang="de", source="kieler-blatt.example"))
    out = Core(store, build_config({}), Clock(as_of=dt.date(2021, 3, 3))).answer(CHAT, "/search Hafenstreik").plain_text()
    assert "Hafenstreik" in out and "MENÜ" not in out and "Unsplash" not in out
