from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdigest.handlers import Core, all_commands
from newsdigest.handlers.registry import COMMANDS, LISTING_ORDER, command
from newsdigest.models import ChatRef, Platform
from newsdigest.reply import Reply


@pytest.fixture
def registry_snapshot() -> Iterator[None]:
    saved = dict(COMMANDS)
    yield
    COMMANDS.clear()
    COMMANDS.update(saved)


def test_help_and_menus_list_the_story_commands_first() -> None:
    names = list(all_commands())
    assert names[:3] == ["help", "status", "deadline"]
    listed = [n for n in names if n in LISTING_ORDER]
    assert listed == [n for n in LISTING_ORDER if n in names]


def test_a_command_registered_later_keeps_the_order_and_comes_after_the_listed_ones(registry_snapshot: None) -> None:
    command("zeta", "", "a test command", "ein Testbefehl")(lambda ctx, args: Reply(()))
    command("alpha", "", "another", "noch einer")(lambda ctx, args: Reply(()))
    names = list(all_commands())
    assert names[-2:] == ["zeta", "alpha"] and names[0] == "help"


def test_german_help_and_usage_lines_name_the_arguments_in_german(seeded_core: Core) -> None:
    chat = ChatRef(Platform.TELEGRAM, "5")
    seeded_core.answer(chat, "/lang de")
    helped = seeded_core.answer(chat, "/help").plain_text()
    assert "/status [Geschichte] —" in helped and "/subscribe [HH:MM] [Zone] [Geschichte] [+Wort] [-Wort] [thread]" in helped
    assert "[story]" not in helped and "[+word]" not in helped and "[TZ]" not in helped
    wrong = seeded_core.answer(chat, "/subscribe 25:00").plain_text()
    assert wrong.endswith("Aufruf: /subscribe [HH:MM] [Zone] [Geschichte] [+Wort] [-Wort] [thread]")
    english = seeded_core.answer(ChatRef(Platform.TELEGRAM, "6"), "/help").plain_text()
    assert "/status [story] —" in english  # English keeps its names
