from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsdigest.config import ConfigError, build_config, load_config

REPO = Path(__file__).resolve().parent.parent


def test_example_config_is_valid_and_holds_no_secrets() -> None:
    cfg = load_config(REPO / "config.example.toml", env={})
    assert cfg.telegram.token is None and cfg.slack.bot_token is None
    assert cfg.slack.command == "/news" and cfg.telegram.base_url == "https://api.telegram.org/bot"


def test_every_config_key_is_documented_in_the_example() -> None:
    import dataclasses

    from newsdigest.config import _SECTIONS

    example = (REPO / "config.example.toml").read_text()
    for section, cls in _SECTIONS.items():
        assert f"[{section}]" in example
        for f in dataclasses.fields(cls):
            assert f"{f.name} =" in example, f"{section}.{f.name} is not documented in config.example.toml"


def test_environment_secret_wins_over_file() -> None:
    cfg = build_config({"telegram": {"token": "from-file"}}, {"NEWSDIGEST_TELEGRAM_TOKEN": "from-env"})
    assert cfg.telegram.token == "from-env"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"bott": {}}, "unknown section [bott]"),
        ({"bot": {"langage": "de"}}, "unknown key bot.langage"),
        ({"bot": {"language": "fr"}}, "bot.language must be one of en, de"),
        ({"bot": {"timezone": "Mars/Base"}}, "not an IANA zone"),
        ({"digest": {"time": "25:00"}}, "digest.time must be HH:MM"),
        ({"ingest": {"interval_minutes": "often"}}, "ingest.interval_minutes must be a whole number"),
        ({"ingest": {"feeds": "http://x"}}, None),  # a single string is accepted as a list
        ({"slack": {"bot_token": "xoxb-1", "mode": "http"}}, "needs slack.signing_secret"),
        ({"slack": {"command": "news"}}, "slack.command must look like /news"),
        ({"bot": {"as_of": "yesterday"}}, "bot.as_of must be a date"),
        ({"ingest": {"feeds": ["example.org/feed.xml"]}},
         "ingest.feeds entry 'example.org/feed.xml' must be an http:// or https:// URL"),
        ({"ingest": {"feeds": ["ftp://example.org/feed"]}}, "must be an http:// or https:// URL"),
        ({"telegram": {"admins": ["me"]}}, "telegram.admins entry 'me' must be a numeric user id"),
        ({"slack": {"admins": ["john"]}}, "slack.admins entry 'john' must be a Slack user id such as U012AB3CD"),
        ({"workers": {"poll_seconds": 100}}, "workers.poll_seconds must be between 0.05 and 60 seconds, got 100"),
        ({"workers": {"leader_takeover_seconds": 0.5}},
         "workers.leader_takeover_seconds must be between 1 and 3600 seconds, got 0.5"),
    ],
)
def test_wrong_keys_and_values_are_named(raw: dict[str, Any], message: str | None) -> None:
    if message is None:
        assert build_config(raw).ingest.feeds == ("http://x",)
        return
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_config(raw)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad, env={})


def test_admins_may_be_ids_or_usernames() -> None:
    cfg = build_config({"telegram": {"admins": ["123456789", "@chef_vom_dienst"]}, "slack": {"admins": ["U012AB3CD"]}})
    assert cfg.telegram.admins == ("123456789", "@chef_vom_dienst") and cfg.slack.admins == ("U012AB3CD",)
