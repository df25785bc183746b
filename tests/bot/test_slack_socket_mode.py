"""Socket Mode end to end: the real bolt AsyncSocketModeHandler against a loopback fake of Slack's websocket."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from newsdigest.bot.slack import SlackBot
from newsdigest.config import build_config
from newsdigest.handlers import Core
from tests.fakes.slack_socket import FakeSlackSocket

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
async def socket_fake() -> AsyncIterator[FakeSlackSocket]:
    fake = FakeSlackSocket()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def socket_bot(seeded_core: Core, socket_fake: FakeSlackSocket) -> AsyncIterator[SlackBot]:
    cfg = build_config({"slack": {"bot_token": socket_fake.token, "app_token": socket_fake.app_token,
                                  "mode": "socket", "api_base_url": socket_fake.api_url}}).slack
    seeded_core.config = seeded_core.config.replace(slack=cfg)
    bot = SlackBot(seeded_core, cfg)
    await bot.start()
    yield bot
    await bot.stop()


def _text(posts: list[dict[str, Any]]) -> str:
    return " ".join(b["text"]["text"] for p in posts for b in p.get("blocks", []) if "text" in b)


async def _ask(fake: FakeSlackSocket, line: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    envelope, url = await fake.send_slash_command(line)
    ack = await fake.wait_ack(envelope)
    return ack, await fake.wait_for_response(url, timeout=15, quiet=0.2)


async def test_the_bolt_handler_connects_acks_and_answers_deadline(socket_bot: SlackBot,
                                                                    socket_fake: FakeSlackSocket) -> None:
    await socket_fake.wait_connected()
    assert len(socket_fake.connections) == 1  # (start-up also checks the app token with apps.connections.open)
    ack, posts = await _ask(socket_fake, "deadline")
    assert set(ack) <= {"envelope_id", "payload"}  # an ack, nothing posted back through the socket
    body = _text(posts)
    assert re.search(r"15 September 2020", body) and re.search(r"12 November 2020", body), body
    assert all(p["response_type"] == "ephemeral" for p in posts)


async def test_it_reconnects_after_the_socket_is_dropped(socket_bot: SlackBot, socket_fake: FakeSlackSocket) -> None:
    await socket_fake.wait_connected()
    opened = [m for m, _ in socket_fake.calls].count("apps.connections.open")
    await socket_fake.drop()
    await socket_fake.wait_connected(count=2)
    assert [m for m, _ in socket_fake.calls].count("apps.connections.open") == opened + 1  # a fresh URL for it
    _, posts = await _ask(socket_fake, "deadline")
    assert "12 November 2020" in _text(posts)


async def test_a_refresh_request_moves_to_a_new_connection(socket_bot: SlackBot, socket_fake: FakeSlackSocket) -> None:
    await socket_fake.wait_connected()
    await socket_fake.refresh()
    await socket_fake.wait_connected(count=2)
    _, posts = await _ask(socket_fake, "help")
    assert "/news deadline" in _text(posts)


async def test_stop_closes_the_socket(seeded_core: Core, socket_fake: FakeSlackSocket) -> None:
    cfg = build_config({"slack": {"bot_token": socket_fake.token, "app_token": socket_fake.app_token,
                                  "mode": "socket", "api_base_url": socket_fake.api_url}}).slack
    bot = SlackBot(seeded_core, cfg)
    await bot.start()
    await socket_fake.wait_connected()
    await bot.stop()
    for _ in range(100):
        if not socket_fake.live():
            break
        await asyncio.sleep(0.02)
    assert socket_fake.live() == []
