from __future__ import annotations

import asyncio
import io
from pathlib import Path

from newsdigest.bot.console import ConsoleBot, render_console, respond_line
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.reply import BulletList, Heading, Image, Reply, item, link, text

CHAT_DE = ChatRef(Platform.CONSOLE, "de")


def test_render_console_wraps_lists_and_writes_images(tmp_path: Path) -> None:
    reply = Reply((Heading("Deadlines"), BulletList((item("15 Sep 2020 ", link("src", "https://x.example/a")),)),
                   text("plain"), Image(b"\x89PNG\r\n\x1a\n", "timeline.png", "the story")))
    out = render_console(reply, tmp_path)
    assert "Deadlines\n─────────" in out
    assert "• 15 Sep 2020 src <https://x.example/a>" in out
    assert (tmp_path / "timeline.png").read_bytes().startswith(b"\x89PNG")


def test_console_answers_piped_lines_until_eof(seeded_core: Core, tmp_path: Path) -> None:
    stdin = io.StringIO("/help\n\n/frobnicate\n")
    stdout = io.StringIO()
    asyncio.run(ConsoleBot(seeded_core, stdin, stdout, tmp_path).run())
    out = stdout.getvalue()
    assert out.count("> /") == 2
    assert "Unknown command /frobnicate" in out


def test_plain_text_gets_a_short_hint_not_the_help(seeded_core: Core) -> None:
    reply = asyncio.run(respond_line(seeded_core, "hello"))
    assert reply.error
    out = render_console(reply)
    assert "“hello” is not a command" in out and "/status" in out
    assert "/search" not in out and len(out.splitlines()) == 1  # one hint line, no command table


def test_an_unknown_command_is_quoted_back_short(seeded_core: Core) -> None:
    name = "x" * 5000
    out = render_console(asyncio.run(respond_line(seeded_core, "/" + name)))
    first = out.splitlines()[0]
    assert first.startswith("Unknown command /x") and "x" * 64 not in first
    assert len(first) < 100


def test_the_picture_note_speaks_the_chats_language(seeded_core: Core, tmp_path: Path) -> None:
    seeded_core.answer(CHAT_DE, "/lang de")
    out = render_console(seeded_core.answer(CHAT_DE, "/timeline"), tmp_path)
    assert f"[Bild gespeichert unter {tmp_path}" in out and "[picture" not in out
    assert "[picture: timeline-" in render_console(seeded_core.answer(ChatRef(Platform.CONSOLE, "en"), "/timeline"))
