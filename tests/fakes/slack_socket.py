"""A loopback fake of Slack's Socket Mode, on top of the Web API fake.

`apps.connections.open` (called with the app-level `xapp-` token) answers a `ws://127.0.0.1:<port>/link/?ticket=…`
URL; a websocket connected there gets Slack's envelope protocol:

- the server greets every new connection with `{"type": "hello", "num_connections": n, …}`;
- `send_slash_command()` pushes a `slash_commands` envelope (`envelope_id`, `payload` holding the form fields
  Slack would POST in HTTP mode, `accepts_response_payload`), and the app must ack with `{"envelope_id": …}`;
- `refresh()` sends `{"type": "disconnect", "reason": "refresh_requested"}` as Slack does before it retires a
  connection (the client opens a new one), and `drop()` closes the socket without warning.

Connections, acks and envelopes are recorded, so tests count what the real bolt handler did.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.slack_api import FakeSlackApi, slash_body


@dataclass
class Connection:
    ticket: str
    ws: web.WebSocketResponse = field(repr=False)
    opened: float
    closed: float | None = None


class FakeSlackSocket(FakeSlackApi):
    """The Web API fake plus Socket Mode; `await start()`, give the bot `app_token` and `api_url`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tickets: set[str] = set()
        self.connections: list[Connection] = []
        self.acks: dict[str, dict[str, Any]] = {}  # envelope_id -> the app's ack
        self.envelopes: list[dict[str, Any]] = []
        self._ack_events: dict[str, asyncio.Event] = {}
        self._envelope_ids = itertools.count(1)

    # -- serving ---------------------------------------------------------------------------------------------------

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_get("/link/", self._link)

    async def _connections_open(self, params: dict[str, Any]) -> web.Response:
        ticket = uuid.uuid4().hex
        self.tickets.add(ticket)
        return self._ok(url=f"ws://127.0.0.1:{self.base_url.rsplit(':', 1)[1]}/link/?ticket={ticket}")

    async def _link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self.tickets:  # a ticket is good for one connection
            return web.Response(status=401, text="invalid ticket")
        self.tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = Connection(ticket, ws, time.monotonic())
        self.connections.append(conn)
        await ws.send_json({"type": "hello", "num_connections": len(self.live()),
                            "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
                            "connection_info": {"app_id": "A0NEWS"}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_text(msg.data)
        finally:
            conn.closed = time.monotonic()
        return ws

    def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            return
        envelope = message.get("envelope_id") if isinstance(message, dict) else None
        if envelope:
            self.acks[envelope] = message
            event = self._ack_events.get(envelope)
            if event is not None:
                event.set()

    # -- scripting ---------------------------------------------------------------------------------------------------

    def live(self) -> list[Connection]:
        return [c for c in self.connections if c.closed is None and not c.ws.closed]

    async def wait_connected(self, count: int = 1, timeout: float = 10.0) -> Connection:
        """Wait until `count` connections were ever made and one is open; returns the newest open one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            live = self.live()
            if len(self.connections) >= count and live:
                return live[-1]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no socket mode connection #{count} within {timeout} s ({len(self.connections)} made)")

    async def send_slash_command(self, text: str, *, channel_id: str = "C0NEWS", user_id: str = "U0ALICE",
                                 command: str = "/news") -> tuple[str, str]:
        """Push a slash command over the open socket; returns (envelope_id, response_url)."""
        conn = await self.wait_connected()
        response_url = self.new_response_url()
        payload = dict(urllib.parse.parse_qsl(slash_body(text=text, response_url=response_url, command=command,
                                                         channel_id=channel_id, user_id=user_id)))
        envelope_id = f"env-{next(self._envelope_ids)}-{uuid.uuid4().hex[:8]}"
        self._ack_events[envelope_id] = asyncio.Event()
        envelope = {"envelope_id": envelope_id, "type": "slash_commands", "payload": payload,
                    "accepts_response_payload": True}
        self.envelopes.append(envelope)
        await conn.ws.send_json(envelope)
        return envelope_id, response_url

    async def wait_ack(self, envelope_id: str, timeout: float = 3.0) -> dict[str, Any]:
        """The app's ack (Slack wants it within 3 s, or it retries the envelope)."""
        await asyncio.wait_for(self._ack_events[envelope_id].wait(), timeout)
        return self.acks[envelope_id]

    async def refresh(self) -> None:
        """Slack's warning before it retires a connection: the client should open a new one."""
        for conn in self.live():
            await conn.ws.send_json({"type": "disconnect", "reason": "refresh_requested",
                                     "debug_info": {"host": "fake-slack"}})

    async def drop(self) -> None:
        """Close every open socket at once (a Slack restart, a network cut)."""
        for conn in self.live():
            await conn.ws.close()

    async def stop(self) -> None:
        for conn in self.live():
            await conn.ws.close()
        await super().stop()
