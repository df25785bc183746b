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


def test_every_cli_option_is_on_its_commands_line_in_the_readme() -> None:
    """`newsdigest NAME …` in the Command line block names every long option NAME takes."""
    block = README.split("## Command line", 1)[1].split("```", 2)[1]
    lines = {line.split()[1]: line for line in block.splitlines() if line.startswith("newsdigest ") and " " in line}
    sub = next(a for a in build_parser()._actions if a.dest == "cmd")
    for name, parser in sub.choices.items():  # type: ignore[union-attr]
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
        missing = sorted(o for o in options if f"{o} " not in lines[name] + " " and f"{o}]" not in lines[name])
        assert not missing, f"README's line for newsdigest {name} lacks {missing}"


def test_every_chat_commands_row_shows_its_usage() -> None:
    """The chat commands table starts each row with the command as /help writes it (arguments included)."""
    rows = [line.replace("\\|", "|") for line in README.splitlines() if line.startswith("| `/")]
    for spec in all_commands().values():
        assert any(row.startswith(f"| `{spec.usage()}`") for row in rows), f"README's row for {spec.usage()}"
