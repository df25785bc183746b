from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdigest.handlers import all_commands
from newsdigest.handlers.registry import COMMANDS, LISTING_ORDER, command
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
