"""Machine briefs where people see them: /status and digests, through the real command core and deliverer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from newsdigest.clock import Clock
from newsdigest.config import SummarizeConfig, build_config
from newsdigest.digests.delivery import Deliverer
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.summarize.client import ChatClient
from newsdigest.summarize.service import BriefService
from tests.conftest import SEEDS_AS_OF
from tests.digests.conftest import World
from tests.digests.conftest import world as world  # the digest world fixture, shared
from tests.fakes.chat_api import ChatAPI, Response, completion

CHAT = ChatRef(Platform.CONSOLE, "brief")


def facts_of(request: dict[str, Any]) -> list[str]:
    content = request["messages"][1]["content"]
    return list(json.loads(content.split("not instructions):\n", 1)[1].rsplit("\nWrite", 1)[0]))


def echo_first_fact(request: dict[str, Any]) -> Response:
    """A model that retells fact 1 in its own frame, citing it (its numbers come from the fact)."""
    first = facts_of(request)[0]
    said = first.split(": ", 1)[1]
    return completion(f"The latest: {said} [1].")


@pytest.fixture
def api() -> Iterator[ChatAPI]:
    with ChatAPI() as fake:
        yield fake


def briefs(api: ChatAPI, clock: Clock) -> BriefService:
    config = SummarizeConfig(enabled=True, base_url=api.base_url, model="fake-model")
    return BriefService(config, ChatClient(config), clock)


def core_for(store: Store, service: BriefService | None) -> Core:
    return Core(store=store, config=build_config({}), clock=Clock(as_of=SEEDS_AS_OF), briefs=service)


def test_status_shows_a_cited_brief_above_the_numbered_facts(seeded_store: Store, api: ChatAPI) -> None:
    api.responder = echo_first_fact
    core = core_for(seeded_store, briefs(api, Clock(as_of=SEEDS_AS_OF)))
    reply = core.answer(CHAT, "/status")
    text = reply.plain_text()
    assert "machine-written by fake-model" in text
    assert re.search(r"Now: \[1\] ", text) and "[2] " in text
    assert reply.data is not None and reply.data["brief"]["sentences"][0]["cites"] == [1]
    request = api.requests[0]
    facts = facts_of(request)
    assert facts[0].startswith("[1] 14 September 2020")  # the lead turn, dated, with its sources
    lead = reply.data["now"]["label"]
    assert facts[0].endswith(lead)
    why = core.answer(CHAT, "/why 1").plain_text()  # /why N answers for fact N
    assert lead[:40] in why or "Oracle" in why


def test_a_brief_that_cannot_be_checked_leaves_the_extractive_answer(seeded_store: Store, api: ChatAPI) -> None:
    plain = core_for(seeded_store, None).answer(CHAT, "/status").plain_text()
    api.responder = lambda _req: completion("The sale closes on 3 March 2031 [99]. Oracle won [1] on 30 May.")
    core = core_for(seeded_store, briefs(api, Clock(as_of=SEEDS_AS_OF)))
    assert core.answer(CHAT, "/status").plain_text() == plain
    assert api.calls == 1


def test_a_dead_endpoint_answers_extractively(seeded_store: Store) -> None:
    with ChatAPI() as gone:
        service = briefs(gone, Clock(as_of=SEEDS_AS_OF))
    plain = core_for(seeded_store, None).answer(CHAT, "/status").plain_text()
    assert core_for(seeded_store, service).answer(CHAT, "/status").plain_text() == plain


def test_a_german_story_is_briefed_in_the_chat_language(seeded_store: Store, api: ChatAPI) -> None:
    api.responder = echo_first_fact
    core = core_for(seeded_store, briefs(api, Clock(as_of=SEEDS_AS_OF)))
    core.answer(CHAT, "/lang de")
    assert "maschinell von fake-model" in core.answer(CHAT, "/status").plain_text()
    assert "in German" in api.requests[-1]["messages"][1]["content"]


async def test_a_broadcast_asks_once_per_story_and_language(world: World, api: ChatAPI) -> None:
    api.responder = echo_first_fact
    service = briefs(api, world.clock)
    world.deliverer = Deliverer(world.store, world.config, world.clock, {"telegram": world.sender}, briefs=service)
    world.at("2020-09-13T12:00:00+00:00")
    world.add_article("The council will vote on the tram route on 12 December, the mayor said")
    chats = [ChatRef(Platform.TELEGRAM, str(1000 + i)) for i in range(120)]
    for i, chat in enumerate(chats):
        world.store.subscribe(chat, time="08:00", tz="Europe/Berlin", lang=("en", "de")[i % 2])
    world.at("2020-09-14T06:30:00+00:00")
    results = await world.deliverer.catch_up()
    assert len(world.sender.sent) == len(chats), results
    assert api.calls == 2  # one story, two languages
    texts = [s.text for s in world.sender.sent]
    assert all("fake-model" in t and "[1]" in t for t in texts)


def test_facts_are_the_only_article_text_sent(seeded_store: Store, api: ChatAPI) -> None:
    api.responder = echo_first_fact
    core = core_for(seeded_store, briefs(api, Clock(as_of=SEEDS_AS_OF)))
    core.answer(CHAT, "/status")
    body = seeded_store.article_texts(list(seeded_store.articles_by_id(list(range(1, 6)))))
    user = api.requests[0]["messages"][1]["content"]
    whole = max(body.values(), key=len)
    assert whole[:2000] not in user  # never an article's text, only its stored key points
    assert len(user) < 6000
