"""A date retired in a later article is shown as replaced, never as live with the retiring sentence as a source
(invented two-article stories, English and German, through ingest -> extract -> ledger -> /deadline)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from tests.stories.invented_replaced import BAD_DE, CURFEW_EN, HARBOUR_EN, Article, ingest

CHAT = ChatRef(Platform.CONSOLE, "tester")


def deadline_answer(store: Store, config: Config, as_of: dt.date, lang: str = "en") -> str:
    if lang != "en":
        store.set_chat_lang(CHAT, lang)
    reply = Core(store=store, config=config, clock=Clock(as_of=as_of)).answer(CHAT, "/deadline")
    assert not reply.error, reply.plain_text()
    return reply.plain_text()


def row(out: str, day: str) -> str:
    return next((x for x in out.splitlines() if x.split(" · ")[0].endswith(day)), "")


@pytest.mark.parametrize(
    ("articles", "lang", "old", "new", "replaced", "replaces"),
    [
        (HARBOUR_EN, "en", "5 December 2022", "15 January 2023", "replaced by 15 January 2023",
         "replaces 5 December 2022"),
        (BAD_DE, "de", "5. Dezember 2022", "15. Januar 2023", "ersetzt durch 15. Januar 2023",
         "ersetzt 5. Dezember 2022"),
    ],
)
def test_later_article_retires_the_date(store: Store, config: Config, articles: list[Article], lang: str, old: str,
                                        new: str, replaced: str, replaces: str) -> None:
    ingest(store, articles, lang)
    before = deadline_answer(store, config, dt.date(2022, 11, 29), lang)
    assert row(before, old) and "replaced" not in row(before, old) and "ersetzt" not in row(before, old)
    out = deadline_answer(store, config, dt.date(2022, 12, 1), lang)
    assert replaced in row(out, old), out
    assert replaces in row(out, new), out
    # the sentence that retires the old date is no source for it: only the first article reported it
    assert "1 source" in row(out, old) or "1 Quelle" in row(out, old), out
    next_line = next(x for x in out.splitlines() if x.startswith("1. "))
    assert new in next_line, out


def test_replacement_links_by_what_not_by_position(store: Store, config: Config) -> None:
    ingest(store, CURFEW_EN, "en")
    out = deadline_answer(store, config, dt.date(2022, 3, 9))
    assert "replaced by 28 March 2022" in row(out, "14 March 2022"), out
    assert "replaced" not in row(out, "10 March 2022"), out  # the rent relief is another thing
    assert "expiry" in row(out, "28 March 2022") and "deadline" in row(out, "10 March 2022"), out
    assert "disagree" not in out
