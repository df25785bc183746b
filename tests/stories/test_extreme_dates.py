"""No stored date can poison a story command: articles and key dates at the edges of the calendar.

Rows are written straight into the store (as an old database or a buggy source may hold them), bypassing
ingestion's date window, so the commands themselves must saturate instead of overflowing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.clock import Clock, shift_days
from newsdigest.config import build_config
from newsdigest.extract import extract
from newsdigest.handlers import Core
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.service import VIEWS
from tests.conftest import fresh_target

EDGES = [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(1400, 1, 1), dt.date(9999, 12, 30), dt.date(2, 1, 2)]
COMMANDS = ["/status", "/deadline", "/timeline", "/stories", "/digest", "/why 1", "/search Frist", "/status frist"]
CHAT = ChatRef(Platform.CONSOLE, "edge")

days = st.one_of(st.sampled_from(EDGES), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))


def _text(deadline: dt.date, n: int) -> str:
    return (f"Die Behörde setzte dem Konzern Halvara eine Frist bis zum {deadline.day}. {deadline:%m}. "
            f"{deadline.year:04d}. Der Konzern Halvara muss bis dahin die Unterlagen zur Fusion einreichen. "
            f"Meldung {n}.")


def _store_with(target: str, published: list[dt.date], deadlines: list[dt.date]) -> Store:
    store = Store(target)
    for n, (day, due) in enumerate(zip(published, deadlines, strict=False)):
        text = _text(due, n)
        inp = ArticleInput(text=text, title=f"Frist für Halvara {n}", published=day, lang="de", source="edge.example")
        store.add_article(inp, extract(text, published=day, lang="de", title=inp.title), content_hash=content_hash(text))
    return store


def test_shift_days_saturates() -> None:
    assert shift_days(dt.date.max, 30) == dt.date.max
    assert shift_days(dt.date.min, -30) == dt.date.min
    assert shift_days(dt.date(2020, 1, 1), 31) == dt.date(2020, 2, 1)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])  # a database per example
@given(published=st.lists(days, min_size=1, max_size=4), deadlines=st.lists(days, min_size=1, max_size=4),
       as_of=st.one_of(st.none(), days))
def test_every_story_command_answers_over_extreme_dates(
    backend: str, request: pytest.FixtureRequest, published: list[dt.date], deadlines: list[dt.date],
    as_of: dt.date | None,
) -> None:
    VIEWS.clear()
    with fresh_target(backend, request) as target:
        store = _store_with(target, published, deadlines * len(published))
        try:
            core = Core(store, build_config({}), Clock(as_of=as_of))
            for line in COMMANDS:
                reply = core.answer(CHAT, line)
                assert "went wrong" not in reply.plain_text(), (line, reply.plain_text())
        finally:
            store.close()
