"""Forum topics through the real PTB Application and the fake Bot API: subscribe, answer and pause per topic."""

from __future__ import annotations

import datetime as dt

from newsdigest.bot.telegram import split_topic, topic_chat_id
from newsdigest.clock import Clock, FakeClock
from newsdigest.digests.delivery import Deliverer
from newsdigest.digests.reminders import run_reminders_now
from newsdigest.handlers import Core, all_commands
from newsdigest.models import ChatKind, ChatRef, Platform
from newsdigest.reply import Reply, text
from newsdigest.sender import SendOutcome
from tests.bot.telegram_support import running_bot, tg_sender
from tests.fakes.telegram_api import FakeTelegram

FORUM = -1007000
USER = 555


def _next_0800() -> FakeClock:
    """Just after the next 08:00 UTC slot (subscriptions made now catch up nothing earlier)."""
    day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    return FakeClock(dt.datetime.combine(day, dt.time(8, 0, 30), dt.UTC))


def _deliverer(core: Core, sender: object, clock: FakeClock) -> Deliverer:
    return Deliverer(core.store, core.config, clock, {"telegram": sender})  # type: ignore[dict-item]


def test_a_topic_is_its_own_destination() -> None:
    assert topic_chat_id("-1001", 7) == "-1001/7" and topic_chat_id("-1001", None) == "-1001"
    assert split_topic("-1001/7") == ("-1001", 7) and split_topic("-1001") == ("-1001", None)


async def test_subscribe_in_topic_7_delivers_the_digest_into_topic_7(tg_core: Core, tg_fake: FakeTelegram) -> None:
    tg_fake.add_forum(FORUM, topics=[7, 9])
    async with running_bot(tg_core, tg_fake) as bot:
        tg_fake.push_message(FORUM, "/subscribe 08:00 UTC", user_id=USER, message_thread_id=7)
        [answer] = await tg_fake.wait_for(FORUM, 1)
        clock = _next_0800()
        [result] = await _deliverer(tg_core, bot.sender, clock).catch_up()
    assert answer.thread_id == 7 and answer.text.startswith("Subscribed")  # the command's answer: in the topic
    assert answer.reply_to is not None  # ... replying to the question
    [sub] = tg_core.store.subscriptions_for(ChatRef(Platform.TELEGRAM, f"{FORUM}/7"))
    assert sub.time == "08:00"
    assert result.status == "sent"
    digest = tg_fake.messages(FORUM)[-1]
    assert digest.thread_id == 7 and digest.text.startswith("Your news digest")
    assert not tg_fake.rejected()


async def test_a_topic_deleted_before_delivery_pauses_that_subscription_only(tg_core: Core,
                                                                             tg_fake: FakeTelegram) -> None:
    tg_fake.add_forum(FORUM, topics=[7, 9])
    store = tg_core.store
    async with running_bot(tg_core, tg_fake) as bot:
        for thread in (7, 9):
            tg_fake.push_message(FORUM, "/subscribe 08:00 UTC", user_id=USER, message_thread_id=thread)
        tg_fake.push_message(FORUM, "/subscribe 08:00 UTC", user_id=USER)  # the forum's General topic
        tg_fake.push_message(FORUM, "/remind", user_id=USER, message_thread_id=7)
        await tg_fake.wait_for(FORUM, 4)
        tg_fake.delete_topic(FORUM, 7)
        clock = _next_0800()
        results = await _deliverer(tg_core, bot.sender, clock).catch_up()
        again = await _deliverer(tg_core, bot.sender, clock).catch_up()
    assert sorted((r.chat.chat_id, r.status) for r in results) == [
        (f"{FORUM}", "sent"), (f"{FORUM}/7", "gone"), (f"{FORUM}/9", "sent")]
    assert again == []  # paused, not retried
    topic7 = ChatRef(Platform.TELEGRAM, f"{FORUM}/7")
    [paused] = store.subscriptions_for(topic7, active_only=False)
    assert not paused.active and "message thread not found" in (paused.paused or "").lower()
    assert not store.reminders_for(topic7)  # the topic's reminders pause with it
    assert store.subscriptions_for(ChatRef(Platform.TELEGRAM, f"{FORUM}/9"))[0].active
    assert store.subscriptions_for(ChatRef(Platform.TELEGRAM, str(FORUM)))[0].active
    assert [a.description for a in tg_fake.rejected()] == ["Bad Request: message thread not found"]


async def test_a_closed_topic_answers_topic_closed_and_is_paused(tg_core: Core, tg_fake: FakeTelegram) -> None:
    tg_fake.add_forum(FORUM, topics=[3])
    tg_fake.close_topic(FORUM, 3)
    chat = ChatRef(Platform.TELEGRAM, f"{FORUM}/3", ChatKind.GROUP)
    tg_core.store.subscribe(chat, time="08:00", tz="UTC")
    async with tg_sender(tg_fake, tg_core.store) as sender:
        result = await sender.send(chat.chat_id, Reply((text("digest"),)))
    assert result.outcome is SendOutcome.GONE and "topic_closed" in result.detail.lower()
    assert [a.description for a in tg_fake.rejected()] == ["Bad Request: TOPIC_CLOSED"]  # Telegram's words
    paused = tg_core.store.subscriptions_for(chat, active_only=False)[0]
    assert not paused.active and "topic_closed" in (paused.paused or "").lower()
    listing = tg_core.answer(chat, "/subscriptions").plain_text()
    assert "paused:" in listing and "subscribe again to resume" in listing


async def test_the_fake_refuses_thread_ids_outside_forums_and_replies_to_unknown_messages(
        tg_fake: FakeTelegram) -> None:
    tg_fake.add_chat(-300, "supergroup")
    async with tg_sender(tg_fake, None) as sender:
        refused = await sender.send("-300/5", Reply((text("into a topic of a plain group"),)))
        kept = await sender.send("-300", Reply((text("answer to a deleted question"),)), reply_to=999_999)
    assert refused.outcome is SendOutcome.GONE  # that destination is paused; the chat itself is untouched
    assert [a.description for a in tg_fake.rejected()] == ["Bad Request: message thread not found"]
    assert kept.outcome is SendOutcome.SENT and tg_fake.messages(-300)[-1].reply_to is None


async def test_group_answers_reply_to_the_question_private_ones_do_not(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake):
        tg_fake.push_message(-401, "/stories", user_id=USER)
        tg_fake.push_message(402, "/stories", user_id=402)
        [group] = await tg_fake.wait_for(-401, 1)
        [private] = await tg_fake.wait_for(402, 1)
    assert group.reply_to is not None and group.reply_to < group.message_id
    assert private.reply_to is None


async def test_help_commands_are_tappable(tg_core: Core, tg_fake: FakeTelegram) -> None:
    async with running_bot(tg_core, tg_fake):
        tg_fake.push_message(403, "/help", user_id=403)
        await tg_fake.wait_for(403, 1)
        await tg_fake.wait_idle(quiet=0.2)
    messages = tg_fake.messages(403)
    tapped = {m.text[_py(m.text, e["offset"]): _py(m.text, e["offset"] + e["length"])]
              for m in messages for e in m.entities if e["type"] == "bot_command"}
    public = {f"/{s.name}" for s in all_commands().values() if not s.admin}
    assert public <= tapped, public - tapped
    assert "<code>/" not in "".join(m.html or "" for m in messages)


def _py(s: str, units: int) -> int:
    """A UTF-16 offset -> a str index."""
    n = 0
    for i, c in enumerate(s):
        if n >= units:
            return i
        n += 2 if ord(c) > 0xFFFF else 1
    return len(s)



async def test_remind_in_a_topic_sends_the_reminder_into_that_topic(tg_core: Core, tg_fake: FakeTelegram) -> None:
    tg_fake.add_forum(FORUM, topics=[9])
    async with running_bot(tg_core, tg_fake) as bot:
        tg_fake.push_message(FORUM, "/remind", user_id=USER, message_thread_id=9)
        await tg_fake.wait_for(FORUM, 1)
        topic = ChatRef(Platform.TELEGRAM, f"{FORUM}/9", ChatKind.GROUP)
        replay = Clock(as_of=dt.date(2020, 11, 9))
        [result] = await run_reminders_now(tg_core.store, tg_core.config, replay, topic, sender=bot.sender)
    assert result.status == "sent"
    reminder = tg_fake.messages(FORUM)[-1]
    assert reminder.thread_id == 9 and "12 November 2020" in reminder.text and "moved from" in reminder.text
