"""Issue 4 "Done when", tried as a new user would: the real pipeline (ingest -> extract -> stories -> commands)."""

from __future__ import annotations

import datetime as dt
import re

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.outcomes import LOSE, Names, outcomes
from newsdigest.stories.service import ensure_assigned

CHAT = ChatRef(Platform.CONSOLE, "console")
SEPTEMBER_TITLES = ("ByteDance lehnt Microsoft-Angebot ab", "Oracle gewinnt Bietergefecht")


def ask(core: Core, line: str) -> str:
    reply = core.answer(CHAT, line)
    assert not reply.error, reply.plain_text()
    return reply.plain_text()


def test_seeds_form_one_story(seeded_core: Core) -> None:
    out = ask(seeded_core, "/stories")
    assert sum(line.startswith("• ") for line in out.splitlines()) == 1, out
    assert "5 articles" in out


def test_deadline_15_september_has_four_sources(seeded_core: Core) -> None:
    out = ask(seeded_core, "/deadline")
    line = next(x for x in out.splitlines() if "15 September 2020" in x and "replaced" not in x)
    assert "4 sources" in line
    assert "tomorrow" in line


def test_deadline_12_november_replaces_20_september(seeded_core: Core) -> None:
    out = ask(seeded_core, "/deadline")
    nov = next(x for x in out.splitlines() if x.split(" · ")[0].endswith("12 November 2020"))
    assert "replaces 20 September 2020" in nov
    sep20 = next(x for x in out.splitlines() if x.split(" · ")[0].endswith("20 September 2020"))
    assert "replaced by 12 November 2020" in sep20
    # upcoming ones come first, soonest first
    assert out.index("15 September 2020") < out.index("12 November 2020") < out.index("replaced by")


def test_status_leads_with_bytedance_rejecting_microsoft_and_choosing_oracle(seeded_core: Core) -> None:
    out = ask(seeded_core, "/status")
    lead = next(x for x in out.splitlines() if x.startswith("Now: "))
    assert "ByteDance" in lead and "Microsoft" in lead and "Oracle" in lead, out
    assert "(14 Sep 2020 · 2 sources)" in lead, out
    earlier = out.split("Earlier", 1)[1].split("Next deadline")[0]
    assert "Oracle gewinnt" not in earlier and "Rennen" not in earlier, out  # the same turn, told once
    # nor told again from Microsoft's side ("Microsoft zog … zurück", "… sein Angebot … abgelehnt wurde")
    parties = Names.of(["ByteDance", "Microsoft", "Oracle"])
    items = [" ".join(i.split()) for i in re.split(r"\n\d+\. ", "\n" + earlier.strip()) if i.strip()]
    assert items and all(outcomes(i, parties).get("Microsoft") != LOSE for i in items), out
    assert "Next deadline: 15 September 2020" in out


def test_replay_before_september_knows_nothing_of_it(seeded_store: Store, config: Config) -> None:
    core = Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2020, 8, 21)))
    out = ask(core, "/status")
    assert "TikTok" in out
    assert "Oracle" not in out and "September 2020 ·" not in out.split("Next deadline")[0]
    assert all(t not in out for t in SEPTEMBER_TITLES)
    assert "3 articles" in out
    dl = ask(core, "/deadline")
    # the sale talks' cut-off, published on 3 August, is a key date from then on
    assert "15 September 2020 · in 4 weeks" in dl


def test_without_as_of_all_deadlines_have_passed(seeded_store: Store, config: Config) -> None:
    core = Core(store=seeded_store, config=config, clock=Clock(source=lambda: dt.datetime(2026, 1, 5, tzinfo=dt.UTC)))
    out = ask(core, "/deadline")
    assert "have passed" in out and "none is upcoming" in out
    assert "passed 5 years ago" in out
    assert "tomorrow" not in out


def test_status_in_german_counts_quellen(seeded_store: Store, config: Config) -> None:
    seeded_store.set_chat_lang(CHAT, "de")
    core = Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    out = ask(core, "/deadline")
    assert "15. September 2020" in out and "4 Quellen" in out and "morgen" in out
    assert "ersetzt durch 12. November 2020" in out


def test_assignment_is_cheap_when_nothing_is_new(seeded_store: Store) -> None:
    assert ensure_assigned(seeded_store) == 5
    assert ensure_assigned(seeded_store) == 0
