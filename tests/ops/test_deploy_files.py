"""The files an operator follows (Slack manifest, compose, .env.example, Dockerfile, docs) agree with the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from newsdigest.config import ENV_SECRETS, SlackConfig, build_config
from newsdigest.handlers import all_commands
from newsdigest.ops.metrics import Metrics
from tests.ops.promtext import parse

REPO = Path(__file__).resolve().parents[2]


def read(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


def _yaml_list(text: str, key: str) -> list[str]:
    """Items of a block list `key:` followed by `- item` lines (enough YAML for the manifest)."""
    m = re.search(rf"^(\s*){re.escape(key)}:\s*\n((?:\1\s+- .*\n)+)", text, re.M)
    assert m, f"{key} not found"
    return [line.split("- ", 1)[1].strip() for line in m.group(2).splitlines()]


def test_manifest_scopes_command_and_transport() -> None:
    manifest = read("slack/manifest.yml")
    body = "\n".join(line for line in manifest.splitlines() if not line.lstrip().startswith("#")) + "\n"
    assert _yaml_list(body, "bot") == ["commands", "chat:write", "chat:write.public", "files:write"]
    assert re.search(rf"- command: {re.escape(SlackConfig().command)}\n", body)
    assert "socket_mode_enabled: true" in body
    assert "app_home" not in body and "event_subscriptions" not in body
    hint = re.search(r'usage_hint: "(.*)"', body)
    assert hint
    names = [part.split()[0] for part in hint.group(1).split(" | ")]
    commands = all_commands()
    assert names and all(name in commands for name in names), names


def test_env_example_names_every_secret() -> None:
    example = read(".env.example")
    for var in ENV_SECRETS.values():
        assert re.search(rf"^{var}=$", example, re.M), var


def test_healthcheck_port_matches_the_docker_config() -> None:
    cfg = build_config(tomllib.loads(read("config.docker.toml")), {})
    port = cfg.ops.health_port
    assert port > 0
    probe = f"http://127.0.0.1:{port}/healthz"
    assert probe in read("Dockerfile")
    compose = read("compose.yaml")
    assert probe in compose and f"127.0.0.1:{port}:{port}" in compose
    assert "env_file: .env" in compose and ":/data" in compose


def test_docs_cover_every_metric_and_the_checks() -> None:
    docs = read("README.md")
    for name in parse(Metrics().render()):
        assert f"`{name}" in docs, name
    for needle in ("slack/manifest.yml", "newsdigest doctor", "/healthz", "@BotFather", "connections:write",
                   "python -m tests.ops.try_fakes"):
        assert needle in docs, needle


def test_the_postgres_profile_agrees_with_its_config_and_image() -> None:
    """compose's workers read config.postgres.toml (baked by the Dockerfile) and reach compose's postgres service."""
    compose, dockerfile = read("compose.yaml"), read("Dockerfile")
    cfg = build_config(tomllib.loads(read("config.postgres.toml")), {})
    assert cfg.storage.url is not None
    m = re.match(r"postgresql://(\w+)@(\w+):5432/(\w+)$", cfg.storage.url)
    assert m, cfg.storage.url
    user, host, db = m.groups()
    assert re.search(rf"^  {host}:\n\s+profiles: \[postgres\]", compose, re.M)
    assert f"POSTGRES_USER: {user}" in compose and f"POSTGRES_DB: {db}" in compose
    path = re.search(r"NEWSDIGEST_CONFIG: (\S+)", compose)
    assert path and f"COPY config.postgres.toml {path.group(1)}" in dockerfile
    assert f"http://127.0.0.1:{cfg.ops.health_port}/healthz" in compose.split("  workers:")[1]
    assert re.search(r"^NEWSDIGEST_PG_PASSWORD=$", read(".env.example"), re.M)
    assert "PGPASSWORD: ${NEWSDIGEST_PG_PASSWORD" in compose
