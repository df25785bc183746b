"""Faults a new operator hits first: each ends in one line that names the fix, never a traceback.

The `run` cases start the real CLI in a subprocess against loopback fakes; the Slack cases start the adapter
in-process against the fake Web API.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from newsdigest.clock import Clock
from newsdigest.config import ConfigError, build_config
from newsdigest.handlers import Core
from newsdigest.store.store import Store
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.timeout(90), pytest.mark.faults]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def test_run_with_a_rejected_telegram_token_exits_with_one_line(telegram: FakeTelegram, tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'[telegram]\nbase_url = "{telegram.base_url}"\nbase_file_url = "{telegram.base_file_url}"\n'
                      f'[storage]\npath = "{tmp_path / "bot.db"}"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "newsdigest", "run", "--config", str(config)], cwd=tmp_path, text=True,
        stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
        env=_env(NEWSDIGEST_TELEGRAM_TOKEN="999999:not-the-token-botfather-gave"),
    )
    assert done.returncode != 0
    lines = _problem_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert "Telegram refused the bot token" in lines[0] and "NEWSDIGEST_TELEGRAM_TOKEN" in lines[0]
    assert "not-the-token" not in done.stderr  # the secret is not echoed


def test_digest_to_telegram_with_a_rejected_token_is_one_line(telegram: FakeTelegram, tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'[telegram]\nbase_url = "{telegram.base_url}"\nbase_file_url = "{telegram.base_file_url}"\n'
                      f'[storage]\npath = "{tmp_path / "bot.db"}"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "newsdigest", "digest", "--chat", "telegram:42", "--config", str(config),
         "--as-of", "2020-09-14"], cwd=tmp_path, text=True, stdin=subprocess.DEVNULL, capture_output=True,
        timeout=60, env=_env(NEWSDIGEST_TELEGRAM_TOKEN="999999:not-the-token-botfather-gave"),
    )
    assert done.returncode != 0
    lines = _problem_lines(done.stderr)
    assert len(lines) == 1 and "Telegram refused the bot token" in lines[0], done.stderr
    assert "not-the-token" not in done.stderr


def test_no_platform_and_no_terminal_stays_up_serving_healthz(tmp_path: Path) -> None:
    """docker compose with the tokens in .env still empty: stdin is /dev/null, not a chat."""
    port = _free_port()
    config = tmp_path / "docker.toml"
    config.write_text(f'[ops]\nhealth_port = {port}\n[storage]\npath = "{tmp_path / "bot.db"}"\n', encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "newsdigest", "run", "--config", str(config)], cwd=tmp_path,
                            text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=_env())
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.extend(proc.stderr or []), daemon=True)
    reader.start()
    try:
        status = _wait_for_health(f"http://127.0.0.1:{port}/healthz", proc)
        assert status == 200
        assert proc.poll() is None, "the bot must stay up"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        reader.join(5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    hints = [line for line in err if "no chat platform configured" in line]
    assert len(hints) == 1, err
    assert "NEWSDIGEST_TELEGRAM_TOKEN" in hints[0] and "NEWSDIGEST_SLACK_BOT_TOKEN" in hints[0]
    assert f"/healthz on port {port}" in hints[0]  # says what it serves meanwhile, and where
    assert not any("Traceback" in line for line in err)


def _wait_for_health(url: str, proc: subprocess.Popen[str]) -> int:
    for _ in range(600):  # polls until the server answers; the bound is attempts, not seconds
        if proc.poll() is not None:
            raise AssertionError(f"the bot exited with {proc.returncode}")
        try:
            return httpx.get(url, timeout=2).status_code
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("/healthz never answered")


def test_a_killed_instance_is_taken_over_at_once(tmp_path: Path) -> None:
    """kill -9, then start again: the dead holder (a zombie until its parent reaps it) does not block."""
    db = tmp_path / "bot.db"
    first = subprocess.Popen([sys.executable, "-m", "newsdigest", "run", "--db", str(db)], cwd=tmp_path, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env())
    assert first.stdin is not None and first.stdout is not None
    try:
        first.stdin.write("/help\n")
        first.stdin.flush()
        for line in first.stdout:  # the console answered: it holds the lease
            if "/subscribe" in line:
                break
        os.kill(first.pid, signal.SIGKILL)  # not reaped yet: a zombie, as under a slow supervisor
        second = subprocess.run([sys.executable, "-m", "newsdigest", "run", "--db", str(db)], cwd=tmp_path, text=True,
                                input="/help\n", capture_output=True, timeout=60, env=_env())
    finally:
        first.kill()
        first.wait(10)
        first.stdin.close()
        first.stdout.close()
    assert second.returncode == 0, second.stderr
    assert "another newsdigest" not in second.stderr
    assert "/subscribe" in second.stdout


# -- Slack tokens, checked when the adapter starts ------------------------------------------------------------


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi(token="xoxb-good", app_token="xapp-1-good")
    await fake.start()
    yield fake
    await fake.stop()


def _core(store: Store) -> Core:
    return Core(store=store, config=build_config({}), clock=Clock())


@pytest.mark.parametrize(("settings", "words"), [
    ({"bot_token": "xoxb-revoked", "mode": "http", "signing_secret": "s"}, "Slack refused the bot token (invalid_auth)"),
    ({"bot_token": "xoxb-good", "app_token": "xapp-1-revoked", "mode": "socket"},
     "Slack refused the app-level token (invalid_auth)"),
])
async def test_slack_tokens_are_checked_at_start(slack: FakeSlackApi, store: Store, settings: dict[str, str],
                                                 words: str) -> None:
    from newsdigest.bot.slack import SlackBot

    cfg = build_config({"slack": {"api_base_url": slack.api_url, "port": 0, **settings}}).slack
    bot = SlackBot(_core(store), cfg, host="127.0.0.1")
    with pytest.raises(ConfigError) as caught:
        await bot.start()
    await bot.stop()
    assert words in str(caught.value)
    assert "NEWSDIGEST_SLACK_" in str(caught.value)
    assert bot.url is None  # nothing was served: the bot did not start deaf


async def test_good_slack_tokens_start(slack: FakeSlackApi, store: Store) -> None:
    from newsdigest.bot.slack import SlackBot

    cfg = build_config({"slack": {"api_base_url": slack.api_url, "port": 0, "mode": "http", "bot_token": "xoxb-good",
                                  "signing_secret": "s"}}).slack
    bot = SlackBot(_core(store), cfg, host="127.0.0.1")
    await bot.start()
    try:
        assert bot.url is not None
        assert [m for m, _ in slack.calls] == ["auth.test"]
    finally:
        await bot.stop()
