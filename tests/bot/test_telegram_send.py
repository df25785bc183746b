"""TelegramSender against the fake Bot API: limits, 429, 403, migration, 5xx, resuming multi-part replies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from newsdigest.bot.ratelimit import RateLimiter
from newsdigest.bot.telegram import RetryPolicy, limiter_from_config
from newsdigest.bot.telegram_render import render_messages
from newsdigest.config import TelegramConfig
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.reply import Heading, Image, Reply, text
from newsdigest.sender import SendOutcome
from newsdigest.store.store import Store
from tests.bot.telegram_support import tg_sender
from tests.fakes.telegram_api import FakeTelegram, Limits, parse_html
from tests.fakes.virtual_time import VirtualTime

HOSTILE = ("<script>alert('x')</script> Tom & Jerry <b>unclosed <i>tags &amp; &lt; entities. " * 300)[:20_000]


def _subscribed(store: Store, chat_id: str) -> ChatRef:
    chat = ChatRef(Platform.TELEGRAM, chat_id, ChatKind.GROUP if chat_id.startswith("-") else ChatKind.PRIVATE)
    store.register_chat(chat)
    store.subscribe(chat, time="08:00", tz="UTC")
    return chat


def _parts(n: int) -> Reply:
    """A reply that renders to exactly n messages (one ~3000-character paragraph each)."""
    return Reply(tuple(text(f"part {i} " + "x" * 3000) for i in range(n)))


async def test_long_hostile_reply_goes_out_in_order_as_valid_messages(tg_fake: FakeTelegram, store: Store) -> None:
    tg_fake.add_chat(5)
    reply = Reply((Heading("<b>Evil</b> & co"), text(HOSTILE)))
    async with tg_sender(tg_fake, store, limiter_from_config(TelegramConfig())) as sender:
        result = await sender.send("5", reply)
    expected = render_messages(reply)
    assert result.outcome is SendOutcome.SENT and result.messages == len(expected) >= 5
    got = tg_fake.messages(5)
    assert [m.html for m in got] == expected  # in order, each accepted once by the validating fake
    assert "".join(m.text for m in got).count("<script>") == HOSTILE.count("<script>")
    assert not tg_fake.rejected()


async def test_429_waits_retry_after_for_that_chat_only(
    tg_fake_factory: Callable[..., FakeTelegram], store: Store
) -> None:
    vt = VirtualTime()  # stands still until the test moves it: chat 1 cannot resend before that
    fake = tg_fake_factory(clock=vt.clock)
    for chat in (1, 2):
        fake.add_chat(chat)
    fake.fail_next(1, 429, retry_after=1)  # Telegram's shape: whole seconds
    limiter = limiter_from_config(TelegramConfig(), clock=vt.clock, sleep=vt.sleep)
    async with tg_sender(fake, store, limiter, sleep=vt.sleep, vt=vt) as sender:
        slow = asyncio.create_task(sender.send("1", Reply((text("to one"),))))
        while not fake.attempts:  # chat 1's first try got its 429
            await asyncio.sleep(0.01)
        fast = await sender.send("2", Reply((text("to two"),)))
        assert fast.outcome is SendOutcome.SENT and not slow.done()  # the other chat went on meanwhile
        assert vt.clock() == 0
        vt.start_autojump()
        result = await slow
    assert result.outcome is SendOutcome.SENT and result.messages == 1
    assert fake.texts(1) == ["to one"]  # resent exactly once
    limited, accepted = [a for a in fake.attempts if a.chat_id == 1]
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.at - limited.at >= 1.0  # waited retry_after (virtual seconds) before resending


async def test_fake_flood_limits_are_recovered_from(tg_fake_factory: Callable[..., FakeTelegram], store: Store) -> None:
    # A sender with no budgets of its own floods one chat; the fake answers 429 + retry_after and nothing is lost.
    vt = VirtualTime(autojump=True)
    fake = tg_fake_factory(Limits(), clock=vt.clock)  # 1 msg/s per chat after a burst of 3
    fake.add_chat(7)
    async with tg_sender(fake, store, RateLimiter(clock=vt.clock, sleep=vt.sleep), sleep=vt.sleep, vt=vt) as sender:
        results = [await sender.send("7", Reply((text(f"m{i}"),))) for i in range(8)]
    assert all(r.outcome is SendOutcome.SENT for r in results)
    assert fake.texts(7) == [f"m{i}" for i in range(8)]
    assert fake.rejected(429)  # the burst really hit the limit
    assert vt.sleeps and min(vt.sleeps) >= 1.0  # every wait was a retry_after (whole seconds), none shorter


@pytest.mark.parametrize("fake_lag", [0.0, 0.003], ids=["idle", "loaded"])
async def test_limits_respected_without_any_429(
    tg_fake_factory: Callable[..., FakeTelegram], store: Store, fake_lag: float
) -> None:
    vt = VirtualTime(autojump=True)  # Telegram's real limits, in virtual seconds shared with the fake

    def fake_clock() -> float:  # "loaded": the fake's thread answers slowly, as on a busy machine
        time.sleep(fake_lag)
        return vt.clock()

    # The sender holds virtual time while a request is in flight (vt=vt): without that, a slow fake let the clock
    # jump on meanwhile, the fake saw messages later and bunched, and the overall bucket answered 429.
    fake = tg_fake_factory(Limits(), clock=fake_clock)
    limiter = limiter_from_config(TelegramConfig(), clock=vt.clock, sleep=vt.sleep)
    chats = [*range(100, 140)]
    for chat in [*chats, -77]:
        fake.add_chat(chat)
    async with tg_sender(fake, store, limiter, sleep=vt.sleep, vt=vt) as sender:
        sends = [sender.send(str(c), Reply((text(f"hello {c}"),))) for c in chats]
        sends += [sender.send("-77", Reply((text(f"group {i}"),))) for i in range(25)]
        results = await asyncio.gather(*sends)
    assert all(r.outcome is SendOutcome.SENT for r in results)
    assert not fake.rejected(429)  # the fake enforces Telegram's limits on the same (virtual) clock
    assert fake.texts(-77) == [f"group {i}" for i in range(25)]  # in order
    assert all(fake.texts(c) == [f"hello {c}"] for c in chats)
    group_times = [m.at for m in fake.messages(-77)]
    assert group_times[20] - group_times[0] >= 60  # 20 a minute in a group


async def test_blocked_user_is_deactivated(tg_fake: FakeTelegram, store: Store) -> None:
    chat = _subscribed(store, "9")
    tg_fake.block(9)
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("9", _parts(2))
    assert result.outcome is SendOutcome.GONE and "blocked" in result.detail
    assert not store.chat_active(chat)
    assert store.subscriptions_for(chat) == []
    assert tg_fake.texts(9) == []
    assert len(tg_fake.rejected(403)) == 1  # no retries against a 403


async def test_kicked_from_group_is_deactivated(tg_fake: FakeTelegram, store: Store) -> None:
    chat = _subscribed(store, "-300")
    tg_fake.kick(-300)
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("-300", Reply((text("digest"),)))
    assert result.outcome is SendOutcome.GONE and "kicked" in result.detail
    assert not store.chat_active(chat)


async def test_unknown_chat_is_gone(tg_fake: FakeTelegram, store: Store) -> None:
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("424242", Reply((text("hi"),)))
    assert result.outcome is SendOutcome.GONE and "chat not found" in result.detail.lower()


async def test_migrated_group_is_followed_and_store_updated(tg_fake: FakeTelegram, store: Store) -> None:
    old = _subscribed(store, "-400")
    tg_fake.migrate(-400, -1001234567890)
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("-400", _parts(2))
    assert result.outcome is SendOutcome.SENT and result.messages == 2
    assert result.new_chat_id == "-1001234567890"
    assert len(tg_fake.messages(-1001234567890)) == 2 and tg_fake.messages(-400) == []
    new = ChatRef(Platform.TELEGRAM, "-1001234567890", ChatKind.GROUP)
    assert [s.chat.chat_id for s in store.subscriptions_for(new)] == ["-1001234567890"]
    assert store.subscriptions_for(old) == []


async def test_5xx_storm_is_retried(tg_fake: FakeTelegram, store: Store) -> None:
    tg_fake.add_chat(11)
    tg_fake.fail_next(None, 502, count=2)
    tg_fake.fail_next(None, 500, count=1)
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("11", Reply((text("after the storm"),)))
    assert result.outcome is SendOutcome.SENT
    assert tg_fake.texts(11) == ["after the storm"]
    assert [a.status for a in tg_fake.attempts] == [502, 502, 500, 200]


async def test_persistent_failure_reports_failed_then_resumes_without_repeats(
    tg_fake: FakeTelegram, store: Store
) -> None:
    tg_fake.add_chat(12)
    tg_fake.fail_next(12, 500, count=3, after=1)  # part 0 passes, part 1 fails three times
    reply = _parts(3)
    async with tg_sender(tg_fake, store, retry=RetryPolicy(max_attempts=3, backoff=0.01)) as sender:
        first = await sender.send("12", reply)
        assert first.outcome is SendOutcome.FAILED and first.messages == 1
        second = await sender.send("12", reply)  # the next opportunity (e.g. the digest retry)
    assert second.outcome is SendOutcome.SENT and second.messages == 2
    assert [t.split()[1] for t in tg_fake.texts(12)] == ["0", "1", "2"]  # nothing twice, nothing lost


async def test_bad_request_is_not_retried(tg_fake: FakeTelegram, store: Store) -> None:
    tg_fake.add_chat(13)
    tg_fake.fail_next(13, 400)
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("13", Reply((text("x"),)))
    assert result.outcome is SendOutcome.FAILED and "bad request" in result.detail.lower()
    assert len(tg_fake.attempts) == 1


async def test_photo_goes_out_with_caption(tg_fake: FakeTelegram, store: Store) -> None:
    tg_fake.add_chat(14)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    reply = Reply((Heading("Timeline"), Image(png, "timeline.png", "TikTok <deal> & " * 100)))
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("14", reply)
    assert result.outcome is SendOutcome.SENT and result.messages == 2
    heading, photo = tg_fake.messages(14)
    assert parse_html(heading.html or "")[0] == "Timeline"
    assert photo.method == "sendPhoto" and photo.photo == png and photo.filename == "timeline.png"
    assert photo.text.startswith("TikTok <deal> & ") and len(photo.text) <= 1024


async def test_empty_reply_sends_nothing(tg_fake: FakeTelegram, store: Store) -> None:
    async with tg_sender(tg_fake, store) as sender:
        result = await sender.send("15", Reply((text("  "),)))
    assert result.outcome is SendOutcome.SENT and result.messages == 0
    assert tg_fake.attempts == []


async def test_fake_answers_like_telegram(tg_fake_factory: Callable[..., FakeTelegram]) -> None:
    fake = tg_fake_factory(Limits(per_chat_burst=1, per_chat_rate=0.5), clock=VirtualTime().clock)  # time stands still
    fake.add_chat(21)
    fake.add_chat(-22)
    url = f"{fake.base_url}{fake.token}"
    async with httpx.AsyncClient() as http:

        async def call(method: str, base: str = url, **params: object) -> tuple[int, dict[str, object]]:
            resp = await http.post(f"{base}/{method}", json=params)
            return resp.status_code, resp.json()

        assert await call("getMe", base=f"{fake.base_url}999:nope") == (
            401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        assert (await call("sendMessage", chat_id=21, text=""))[1]["description"] == "Bad Request: message text is empty"
        assert (await call("sendMessage", chat_id=5, text="x"))[1]["description"] == "Bad Request: chat not found"
        status, body = await call("sendMessage", chat_id=21, text="<b>open", parse_mode="HTML")
        assert status == 400 and str(body["description"]).startswith("Bad Request: can't parse entities")
        status, body = await call("sendMessage", chat_id=21, text="x" * 4097)
        assert body["description"] == "Bad Request: message is too long"
        assert (await call("sendMessage", chat_id=21, text="&lt;" * 4096, parse_mode="HTML"))[0] == 200  # visible 4096
        status, body = await call("sendMessage", chat_id=21, text="again")  # 0.5/s, no burst
        assert status == 429 and body["parameters"] == {"retry_after": 2}
        assert body["description"] == "Too Many Requests: retry after 2"
        fake.block(-22)
        assert (await call("sendMessage", chat_id=-22, text="x"))[1]["description"] == (
            "Forbidden: bot was blocked by the user")
        fake.migrate(-22, -1009)
        fake.unblock(-22)
        status, body = await call("sendMessage", chat_id=-22, text="x")
        assert status == 400 and body["parameters"] == {"migrate_to_chat_id": -1009}
        status, body = await call("getUpdates", timeout=0)
        assert status == 200 and body["result"] == []
    assert [m.text for m in fake.messages()] == ["<" * 4096]
