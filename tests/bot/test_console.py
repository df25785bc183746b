from __future__ import annotations

import asyncio
import io
from pathlib import Path

from newsdigest.bot.console import ConsoleBot, render_console
from newsdigest.handlers import Core
from newsdigest.handlers.reply import BulletList, Heading, Image, Reply, item, link, text


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
