"""On-demand digests: `newsdigest digest --chat console --dry-run --as-of 2020-09-14` over the seeds."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from newsdigest.bot.console import ConsoleSender
from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.digests.ondemand import compose_for_chat, parse_chat, run_digest_now
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store

CONSOLE = ChatRef(Platform.CONSOLE, "console")
AS_OF = dt.date(2020, 9, 14)


def test_seeds_digest_names_the_deadlines_and_oracle(seeded_store: Store, config: Config) -> None:
    body = compose_for_chat(seeded_store, config, Clock(as_of=AS_OF), CONSOLE).plain_text()
    assert "15 September 2020" in body
    assert "12 November 2020" in body
    assert any("ByteDance" in line and "Oracle" in line for line in body.splitlines()), body


def test_seeds_digest_in_german(seeded_store: Store, config: Config) -> None:
    body = compose_for_chat(seeded_store, config, Clock(as_of=AS_OF), CONSOLE, lang="de").plain_text()
    assert body.startswith("Nachrichtenüberblick — Mo., 14. September 2020")
    assert "15. September 2020 (morgen)" in body


def test_replay_before_the_news_shows_only_that_day(seeded_store: Store, config: Config) -> None:
    body = compose_for_chat(seeded_store, config, Clock(as_of=dt.date(2020, 8, 5)), CONSOLE).plain_text()
    assert "Oracle" not in body  # the Oracle articles are from 14 September
    assert "Microsoft" in body


async def test_dry_run_sends_nothing_and_records_nothing(seeded_store: Store, config: Config) -> None:
    out = io.StringIO()
    run = await run_digest_now(seeded_store, config, Clock(as_of=AS_OF), CONSOLE, sender=ConsoleSender(out),
                               dry_run=True)
    assert run.result is None and out.getvalue() == ""
    assert seeded_store.deliveries() == []


async def test_send_prints_and_records_a_manual_slot(seeded_store: Store, config: Config) -> None:
    out = io.StringIO()
    seeded_store.subscribe(CONSOLE, time="08:00", tz="UTC")
    run = await run_digest_now(seeded_store, config, Clock(as_of=AS_OF), CONSOLE, sender=ConsoleSender(out))
    assert run.result is not None and run.result.messages == 1
    assert out.getvalue().startswith("News digest — Mon 14 September 2020\n")
    [row] = seeded_store.deliveries()
    assert row.slot == "manual:2020-09-14T23:59:59+00:00" and row.status == "sent"
    assert seeded_store.last_digest_at("console", "console") == dt.datetime(2020, 9, 14, 23, 59, 59, tzinfo=dt.UTC)


def test_parse_chat() -> None:
    assert parse_chat("console") == CONSOLE
    assert parse_chat("telegram:-100123") == ChatRef(Platform.TELEGRAM, "-100123")
    assert parse_chat("slack:C024BE91L") == ChatRef(Platform.SLACK, "C024BE91L")
    assert parse_chat("telegram:-100123/7") == ChatRef(Platform.TELEGRAM, "-100123/7")  # a forum topic
    for bad in ("irc:#x", "telegram:", "12345", "telegram:abc", "telegram:-100/x"):
        with pytest.raises(ValueError, match="not a chat"):
            parse_chat(bad)
