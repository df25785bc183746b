"""GET /healthz and GET /metrics on [ops] health_host:health_port, served by aiohttp inside the app's loop.

/healthz answers 200 with the last successful poll and digest times while the database answers, 503 when it
does not, or when its file was moved, deleted, replaced or made unwritable (the open connection would still
answer; a container orchestrator then restarts a bot whose volume went away). /metrics is the Prometheus text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from newsdigest.config import ConfigError
from newsdigest.errors import StoreError
from newsdigest.ops.metrics import CONTENT_TYPE, METRICS, Metrics

if TYPE_CHECKING:
    from newsdigest.store.store import OpsRepo

log = logging.getLogger("newsdigest.ops")

DB_CHECK_TIMEOUT = 3.0  # seconds; a database locked longer than this counts as unhealthy


@dataclass(frozen=True)
class DbStatus:
    """What the database says: reachable, plus the last poll/digest it has recorded (ISO strings or None)."""

    last_poll: str | None = None
    last_digest: str | None = None


DbProbe = Callable[[], Awaitable[DbStatus]]


def store_probe(store: OpsRepo) -> DbProbe:
    """A probe that checks the database file is still there and writable, then reads its last poll and digest.

    The store answers through its gateway (a reader thread), never on the event loop.
    """

    async def probe() -> DbStatus:
        facts = await store.gateway.read(store.health)
        return DbStatus(last_poll=facts.last_poll, last_digest=facts.last_digest)

    return probe


def _iso(ts: float | None) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds")


def _latest(*values: str | None) -> str | None:
    present = [v for v in values if v]
    return max(present, key=lambda v: dt.datetime.fromisoformat(v.replace("Z", "+00:00"))) if present else None


class HealthServer:
    """`await start()` / `await stop()`; `port` is the bound port (useful when started on port 0 in tests)."""

    def __init__(
        self,
        host: str,
        port: int,
        probe: DbProbe,
        *,
        metrics: Metrics = METRICS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host, self.port, self.probe, self.metrics = host, port, probe, metrics
        self.monotonic = monotonic
        self.started = monotonic()
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_page)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise ConfigError(f"cannot serve /healthz on {self.host}:{self.port}: {exc.strerror or exc} "
                              "(another program uses the port? change [ops] health_port)") from None
        server = site._server
        if isinstance(server, asyncio.Server) and server.sockets:
            self.port = int(server.sockets[0].getsockname()[1])
        log.info("health server listening host=%s port=%d paths=/healthz,/metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def check_database(self) -> tuple[DbStatus | None, str | None]:
        """(status, None) when the database answers in time, else (None, why)."""
        try:
            async with asyncio.timeout(DB_CHECK_TIMEOUT):
                return await self.probe(), None
        except TimeoutError:
            return None, f"no answer within {DB_CHECK_TIMEOUT:g} s (locked?)"
        except (StoreError, OSError) as exc:  # the probe's own errors (tests' probes may raise others)
            return None, f"{type(exc).__name__}: {exc}"

    async def healthz(self, request: web.Request) -> web.Response:
        status, problem = await self.check_database()
        body: dict[str, object] = {
            "status": "ok" if status else "unavailable",
            "database": "ok" if status else problem,
            "last_poll": _latest(_iso(self.metrics.last_poll_time()), status.last_poll if status else None),
            "last_digest": _latest(_iso(self.metrics.last_digest_time()), status.last_digest if status else None),
            "uptime_s": round(self.monotonic() - self.started, 3),
        }
        if status is None:
            log.warning("healthz unavailable database=%r", problem)
        return web.json_response(body, status=200 if status else 503)

    async def metrics_page(self, request: web.Request) -> web.Response:
        return web.Response(body=self.metrics.render().encode(), headers={"Content-Type": CONTENT_TYPE})
