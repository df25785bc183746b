"""The Prometheus registry: exposition format, histogram arithmetic, and counters that move over HTTP."""

from __future__ import annotations

import math
import threading
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.handlers import Core, all_commands
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.ops.health import HealthServer, store_probe
from newsdigest.ops.metrics import LATENCY_BUCKETS, Metrics, Registry
from tests.ops.promtext import parse, value

REQUIRED = {
    "newsdigest_articles_ingested_total": "counter",
    "newsdigest_feed_errors_total": "counter",
    "newsdigest_commands_total": "counter",
    "newsdigest_command_seconds": "histogram",
    "newsdigest_digests_sent_total": "counter",
    "newsdigest_digests_failed_total": "counter",
    "newsdigest_send_retries_total": "counter",
    "newsdigest_last_poll_timestamp_seconds": "gauge",
    "newsdigest_last_digest_timestamp_seconds": "gauge",
    "newsdigest_brief_calls_total": "counter",
    "newsdigest_brief_fallbacks_total": "counter",
    "newsdigest_brief_tokens_total": "counter",
}


def test_every_metric_has_help_and_type() -> None:
    families = parse(Metrics().render())
    assert {name: fam.type for name, fam in families.items()} == REQUIRED
    assert all(fam.help for fam in families.values())


def test_verbs_move_their_series() -> None:
    m = Metrics(wall=lambda: 1_600_000_000.0)
    m.article_ingested(3)
    m.article_ingested()
    m.article_ingested(0)
    m.feed_error("https://example.org/feed.xml")
    m.feed_error("https://example.org/feed.xml")
    m.digest_sent("telegram")
    m.digest_failed("slack")
    m.send_retry("slack")
    m.send_retry("slack")
    m.poll_finished()
    m.brief_called("ok", 120, 40)
    m.brief_called("rate_limited")
    m.brief_fallback("slow")
    f = parse(m.render())
    assert value(f, "newsdigest_articles_ingested_total") == 4
    assert value(f, "newsdigest_feed_errors_total", feed="https://example.org/feed.xml") == 2
    assert value(f, "newsdigest_digests_sent_total", platform="telegram") == 1
    assert value(f, "newsdigest_digests_sent_total", platform="slack") is None
    assert value(f, "newsdigest_digests_failed_total", platform="slack") == 1
    assert value(f, "newsdigest_send_retries_total", platform="slack") == 2
    assert value(f, "newsdigest_last_poll_timestamp_seconds") == 1_600_000_000
    assert value(f, "newsdigest_brief_calls_total", outcome="ok") == 1
    assert value(f, "newsdigest_brief_tokens_total", kind="prompt") == 120
    assert value(f, "newsdigest_brief_tokens_total", kind="completion") == 40
    assert value(f, "newsdigest_brief_fallbacks_total", reason="slow") == 1
    assert value(f, "newsdigest_last_digest_timestamp_seconds") == 1_600_000_000
    assert m.last_poll_time() == 1_600_000_000.0


def test_prepared_platforms_show_zero_series() -> None:
    m = Metrics()
    m.prepare(["telegram", "slack"])
    m.send_retry("slack")
    f = parse(m.render())
    for name in ("newsdigest_digests_sent_total", "newsdigest_digests_failed_total"):
        assert value(f, name, platform="telegram") == 0 and value(f, name, platform="slack") == 0
    assert value(f, "newsdigest_send_retries_total", platform="slack") == 1


def test_histogram_buckets_are_cumulative_and_le_inclusive() -> None:
    m = Metrics()
    for seconds in (0.001, 0.01, 0.3, 0.3, 42.0):
        m.command_answered("slack", "status", seconds, True)
    m.command_answered("slack", "status", 0.02, False)
    f = parse(m.render())
    labels = {"platform": "slack", "command": "status"}

    def bucket(le: str) -> float | None:
        return value(f, "newsdigest_command_seconds_bucket", le=le, **labels)

    assert bucket("0.005") == 1
    assert bucket("0.01") == 2  # 0.01 falls into le="0.01": bounds are inclusive
    assert bucket("0.025") == 3
    assert bucket("0.25") == 3
    assert bucket("0.5") == 5
    assert bucket("10.0") == 5
    assert bucket("+Inf") == 6
    assert value(f, "newsdigest_command_seconds_count", **labels) == 6
    assert value(f, "newsdigest_command_seconds_sum", **labels) == pytest.approx(42.631)
    counts = [bucket(repr(b)) or 0.0 for b in LATENCY_BUCKETS]
    assert counts == sorted(counts)
    assert value(f, "newsdigest_commands_total", ok="true", **labels) == 5
    assert value(f, "newsdigest_commands_total", ok="false", **labels) == 1


@given(st.text(min_size=1, max_size=40))
def test_label_values_survive_escaping(label: str) -> None:
    m = Metrics()
    m.feed_error(label)
    assert value(parse(m.render()), "newsdigest_feed_errors_total", feed=label) == 1


def test_wrong_labels_and_negative_counts_are_refused() -> None:
    r = Registry()
    c = r.counter("x_total", "x", ("platform",))
    with pytest.raises(ValueError):
        c.inc(command="status")
    with pytest.raises(ValueError):
        c.inc(-1, platform="slack")
    with pytest.raises(ValueError):
        r.gauge("x_total", "again")


def test_counts_from_many_threads_add_up() -> None:
    m = Metrics()

    def work() -> None:
        for _ in range(500):
            m.send_retry("telegram")
            m.command_answered("telegram", "help", 0.001, True)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f = parse(m.render())
    assert value(f, "newsdigest_send_retries_total", platform="telegram") == 4000
    assert value(f, "newsdigest_command_seconds_count", platform="telegram", command="help") == 4000


@pytest.fixture
async def scraped(seeded_core: Core) -> AsyncIterator[tuple[Core, Metrics, HealthServer]]:
    # Adapters load the command table at start (menus); Core.answer names a command only once it is loaded.
    all_commands()
    metrics = Metrics()
    seeded_core.observer = metrics.command_answered
    server = HealthServer("127.0.0.1", 0, store_probe(seeded_core.store), metrics=metrics)
    await server.start()
    yield seeded_core, metrics, server
    await server.stop()


async def test_counters_move_when_a_command_is_answered(scraped: tuple[Core, Metrics, HealthServer]) -> None:
    core, _, server = scraped
    chat = ChatRef(Platform.TELEGRAM, "42", ChatKind.PRIVATE)
    async with httpx.AsyncClient(timeout=5) as client:
        before = await client.get(f"{server.url}/metrics")
        assert before.status_code == 200
        assert before.headers["content-type"].startswith("text/plain; version=0.0.4")
        ok = {"platform": "telegram", "command": "deadline", "ok": "true"}
        assert value(parse(before.text), "newsdigest_commands_total", **ok) is None

        assert not core.answer(chat, "/deadline").error
        assert not core.answer(chat, "/deadline").error
        assert core.answer(chat, "/frobnicate").error

        after = parse((await client.get(f"{server.url}/metrics")).text)
    assert value(after, "newsdigest_commands_total", **ok) == 2
    assert value(after, "newsdigest_commands_total", platform="telegram", command="unknown", ok="false") == 1
    count = value(after, "newsdigest_command_seconds_count", platform="telegram", command="deadline")
    total = value(after, "newsdigest_command_seconds_sum", platform="telegram", command="deadline")
    assert count == 2
    assert total is not None and 0 < total < 60 and not math.isnan(total)
