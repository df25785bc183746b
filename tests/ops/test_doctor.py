"""`newsdigest doctor` against loopback fakes: all ✓ when set up right; each kind of breakage -> ✗ and the fix."""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from newsdigest import cli
from newsdigest.config import Config, SummarizeConfig, build_config
from newsdigest.doctor import Check, collect_checks, doctor_main, run_doctor, run_doctor_async
from newsdigest.store.migrations import SCHEMA_VERSION
from newsdigest.store.store import Store
from tests.fakes.chat_api import ChatAPI
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram
from tests.pgserver import PgServer

SLACK_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-A0TEST-123-abcdef0123456789"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi(token=SLACK_TOKEN, app_token=APP_TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "newsdigest.db"
    Store(path).close()
    return path


def make_config(db: Path, *, telegram: FakeTelegram | None = None, slack: FakeSlackApi | None = None,
                feeds: tuple[str, ...] = (), allow: tuple[str, ...] = ("127.0.0.1:*",), **env: str) -> Config:
    raw: dict[str, dict[str, object]] = {
        "storage": {"path": str(db)},
        "ingest": {"feeds": list(feeds), "allow_hosts": list(allow), "timeout_seconds": 5.0},
    }
    secrets = dict(env)
    if telegram is not None:
        raw["telegram"] = {"base_url": telegram.base_url, "base_file_url": telegram.base_file_url}
        secrets.setdefault("NEWSDIGEST_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    if slack is not None:
        raw["slack"] = {"api_base_url": slack.api_url}
        secrets.setdefault("NEWSDIGEST_SLACK_BOT_TOKEN", SLACK_TOKEN)
        secrets.setdefault("NEWSDIGEST_SLACK_APP_TOKEN", APP_TOKEN)
    return build_config(raw, secrets)


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


async def test_all_green_against_the_fakes(
    telegram: FakeTelegram, slack: FakeSlackApi, feed_server: str, db_path: Path
) -> None:
    cfg = make_config(db_path, telegram=telegram, slack=slack, feeds=(f"{feed_server}/feed.xml",))
    with ChatAPI() as model:
        cfg = cfg.replace(summarize=SummarizeConfig(enabled=True, base_url=model.base_url, model="fake-model"))
        out = io.StringIO()
        assert await run_doctor_async(cfg, out) == 0
        checks = by_name(await collect_checks(cfg))
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[-1] == "all checks passed"
    assert not [ln for ln in lines if ln.startswith("✗")]
    assert all(c.ok for c in checks.values()), checks
    assert "@newsdigest_test_bot" in checks["Telegram getMe"].detail
    assert "workspace Fake" in checks["Slack auth.test"].detail
    assert checks["Slack socket mode"].ok
    assert "2 entries" in checks[f"feed {feed_server}/feed.xml"].detail
    assert f"version {SCHEMA_VERSION} (current)" in checks["database schema"].detail
    assert "serves fake-model" in checks["summarising model"].detail
    assert checks["database integrity"].ok
    assert telegram.calls["getMe"] >= 1
    assert any(method == "auth.test" for method, _ in slack.calls)
    for secret in (DEFAULT_TOKEN, SLACK_TOKEN, APP_TOKEN):
        assert secret not in text


def test_sync_entry_point_and_exit_code(telegram: FakeTelegram, feed_server: str, db_path: Path) -> None:
    out = io.StringIO()
    cfg = make_config(db_path, telegram=telegram, feeds=(f"{feed_server}/feed.xml",))
    assert run_doctor(cfg, out) == 0
    assert "✓ Telegram getMe: @newsdigest_test_bot" in out.getvalue()
    assert "- Slack auth.test: not configured" in out.getvalue()


async def test_wrong_telegram_token(telegram: FakeTelegram, db_path: Path) -> None:
    wrong = "654321:WRONG-token_wrong-token_wrong-token"
    cfg = make_config(db_path, telegram=telegram, NEWSDIGEST_TELEGRAM_TOKEN=wrong)
    out = io.StringIO()
    assert await run_doctor_async(cfg, out) == 1
    text = out.getvalue()
    assert "✗ Telegram getMe: token rejected (401 Unauthorized)" in text
    assert "fix: copy the token from @BotFather" in text
    assert wrong not in text and "WRONG-token" not in text
    assert text.splitlines()[-1] == "1 problem found"


async def test_telegram_unreachable(closed_port: int, db_path: Path) -> None:
    cfg = build_config({"storage": {"path": str(db_path)},
                        "telegram": {"base_url": f"http://127.0.0.1:{closed_port}/bot"}},
                       {"NEWSDIGEST_TELEGRAM_TOKEN": DEFAULT_TOKEN})
    check = by_name(await collect_checks(cfg))["Telegram getMe"]
    assert check.ok is False
    assert "cannot reach 127.0.0.1: ConnectError" in check.detail
    assert check.fix and "telegram.base_url" in check.fix


async def test_wrong_slack_token(slack: FakeSlackApi, db_path: Path) -> None:
    cfg = make_config(db_path, slack=slack, NEWSDIGEST_SLACK_BOT_TOKEN="xoxb-revoked-000000000000")
    out = io.StringIO()
    assert await run_doctor_async(cfg, out) == 1
    text = out.getvalue()
    assert "✗ Slack auth.test: token rejected (invalid_auth)" in text
    assert "Bot User OAuth Token" in text
    assert "xoxb-revoked" not in text


async def test_slack_mode_credentials(slack: FakeSlackApi, db_path: Path) -> None:
    user_token = make_config(db_path, slack=slack, NEWSDIGEST_SLACK_BOT_TOKEN="xoxp-user-token-0000000000")
    check = by_name(await collect_checks(user_token))["Slack auth.test"]
    assert check.ok is False and "xoxb-" in check.detail

    bot_token_as_app_token = make_config(db_path, slack=slack, NEWSDIGEST_SLACK_APP_TOKEN=SLACK_TOKEN)
    mode = by_name(await collect_checks(bot_token_as_app_token))["Slack socket mode"]
    assert mode.ok is False and mode.fix and "connections:write" in mode.fix

    http = build_config({"storage": {"path": str(db_path)}, "slack": {"api_base_url": slack.api_url, "mode": "http"}},
                        {"NEWSDIGEST_SLACK_BOT_TOKEN": SLACK_TOKEN, "NEWSDIGEST_SLACK_SIGNING_SECRET": SIGNING})
    checks = by_name(await collect_checks(http))
    assert checks["Slack http mode"].ok and "/slack/events" in checks["Slack http mode"].detail


async def test_revoked_app_level_token_fails_doctor(slack: FakeSlackApi, db_path: Path) -> None:
    """A well-formed xapp- token Slack no longer accepts: apps.connections.open says invalid_auth."""
    cfg = make_config(db_path, slack=slack, NEWSDIGEST_SLACK_APP_TOKEN="xapp-1-A0OLD-000-revoked")
    out = io.StringIO()
    assert await run_doctor_async(cfg, out) == 1
    text = out.getvalue()
    assert "✗ Slack socket mode: app-level token rejected (invalid_auth)" in text
    assert "connections:write" in text and "xapp-1-A0OLD" not in text
    assert ("apps.connections.open", {}) in slack.calls


def test_unwritable_database_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    cfg = build_config({"storage": {"path": str(blocker / "newsdigest.db")}}, {})
    out = io.StringIO()
    assert run_doctor(cfg, out) == 1
    text = out.getvalue()
    assert "✗ database: cannot create" in text and "is not a folder" in text
    assert "fix: set [storage] path (or --db)" in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_database_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        check = by_name(run_checks(build_config({"storage": {"path": str(folder / "x.db")}}, {})))["database"]
    finally:
        folder.chmod(0o700)
    assert check.ok is False and "Permission denied" in check.detail


def run_checks(cfg: Config) -> list[Check]:
    return asyncio.run(collect_checks(cfg))


def test_missing_database_is_fine_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "newsdigest.db"
    check = by_name(run_checks(build_config({"storage": {"path": str(path)}}, {})))["database"]
    assert check.ok is True and "created at the first start" in check.detail
    assert not path.exists() and not path.parent.exists()


def test_schema_too_new_and_corrupt_database(db_path: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    schema = by_name(run_checks(build_config({"storage": {"path": str(db_path)}}, {})))["database schema"]
    assert schema.ok is False and "newer" in schema.detail and schema.fix and "upgrade newsdigest" in schema.fix

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not an SQLite file" * 100)
    bad = by_name(run_checks(build_config({"storage": {"path": str(garbage)}}, {})))["database schema"]
    assert bad.ok is False and "not a readable SQLite database" in bad.detail


def test_postgresql_database_is_checked_read_only(pg_server: PgServer, pg_url: str) -> None:
    fresh = by_name(run_checks(build_config({"storage": {"url": pg_url}}, {})))
    assert fresh["database"].ok is True and "answers" in fresh["database"].detail
    assert fresh["database schema"].ok is True and "created at the first start" in fresh["database schema"].detail
    Store(pg_url).close()
    current = by_name(run_checks(build_config({"storage": {"url": pg_url}}, {})))["database schema"]
    assert current.ok is True and f"version {SCHEMA_VERSION} (current)" in current.detail
    missing = pg_server.url_for("nowhere").replace("postgres@", "postgres:hunter2@")
    gone = by_name(run_checks(build_config({"storage": {"url": missing}}, {})))["database"]
    assert gone.ok is False and "createdb nowhere" in gone.detail and "hunter2" not in gone.detail


async def test_feed_problems_each_get_their_fix(feed_server: str, closed_port: int, db_path: Path) -> None:
    urls = {
        "ok": f"{feed_server}/feed.xml",
        "page": f"{feed_server}/page.html",
        "missing": f"{feed_server}/gone.xml",
        "down": f"http://127.0.0.1:{closed_port}/feed.xml",
    }
    cfg = make_config(db_path, feeds=tuple(urls.values()))
    checks = by_name(await collect_checks(cfg))
    feed = {k: checks[f"feed {u}"] for k, u in urls.items()}
    assert feed["ok"].ok is True
    assert feed["page"].ok is False and feed["page"].detail.startswith("not a feed")
    assert feed["page"].fix and "RSS/Atom" in feed["page"].fix
    assert feed["missing"].ok is False and "HTTP 404" in feed["missing"].detail
    assert feed["down"].ok is False and feed["down"].detail.startswith("unreachable")
    assert feed["down"].fix and "network" in feed["down"].fix


async def test_ssrf_policy_refusal_names_the_reason(feed_server: str, db_path: Path) -> None:
    url = f"{feed_server}/feed.xml"
    cfg = make_config(db_path, feeds=(url,), allow=())
    out = io.StringIO()
    assert await run_doctor_async(cfg, out) == 1
    check = by_name(await collect_checks(cfg))[f"feed {url}"]
    assert check.ok is False
    assert "refused by the SSRF guard" in check.detail and "loopback" in check.detail
    assert check.fix and "allow_hosts" in check.fix


async def test_feeds_added_in_chat_are_checked_too(feed_server: str, db_path: Path) -> None:
    store = Store(db_path)
    store.add_feed(f"{feed_server}/page.html", added_by="telegram:1")
    store.close()
    checks = by_name(await collect_checks(make_config(db_path)))
    assert checks[f"feed {feed_server}/page.html"].ok is False


def test_broken_config_file_is_a_cross_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "newsdigest.toml"
    bad.write_text('[slack]\nmode = "carrier-pigeon"\n')
    out = io.StringIO()
    token = "xoxb-0000000000-secret-value"
    assert doctor_main(str(bad), out=out, env={"NEWSDIGEST_SLACK_BOT_TOKEN": token}) == 1
    text = out.getvalue()
    assert text.startswith("✗ configuration:") and "slack.mode" in text and "fix:" in text
    assert token not in text


def test_cli_doctor_command(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NEWSDIGEST_TELEGRAM_TOKEN", "NEWSDIGEST_SLACK_BOT_TOKEN", "NEWSDIGEST_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    conf = tmp_path / "newsdigest.toml"
    conf.write_text(f'[storage]\npath = "{tmp_path / "db" / "n.db"}"\n')
    assert cli.main(["doctor", "--config", str(conf)]) == 0
    assert "all checks passed" in capsys.readouterr().out
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["doctor", "--config", str(conf), "--db", str(blocker / "n.db")]) == 1
    assert "✗ database" in capsys.readouterr().out


def test_doctor_main_with_a_good_file(tmp_path: Path, telegram: FakeTelegram) -> None:
    conf = tmp_path / "newsdigest.toml"
    conf.write_text(f'[telegram]\nbase_url = "{telegram.base_url}"\n', encoding="utf-8")
    out = io.StringIO()
    code = doctor_main(str(conf), str(tmp_path / "d" / "n.db"), out,
                       {"NEWSDIGEST_TELEGRAM_TOKEN": DEFAULT_TOKEN}, configure_logging=False)
    assert code == 0, out.getvalue()
    assert f"valid ({conf})" in out.getvalue() and DEFAULT_TOKEN not in out.getvalue()
