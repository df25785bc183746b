"""The README is the user's manual: every chat command and CLI subcommand must be in it."""

from __future__ import annotations

from pathlib import Path

from newsdigest.cli import build_parser
from newsdigest.handlers import all_commands

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_chat_command_is_documented() -> None:
    for name in all_commands():
        assert f"`/{name}" in README, f"/{name} is missing from README.md"


def test_every_cli_subcommand_is_documented() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "cmd")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"newsdigest {name}" in README, f"newsdigest {name} is missing from README.md"


def test_quick_start_names_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
