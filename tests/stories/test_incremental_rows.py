"""A story's rows extended by the rows of the articles it gained are the rows a full load reads (StoryRows.extended
against StoryRows.load), over random sequences of additions, with the service's limits and with small ones that
cut every list; and answers built on extended rows equal answers from nothing remembered."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.extract import extract
from newsdigest.extract.types import Extraction
from newsdigest.handlers import Core
from newsdigest.ingest.dedupe import content_hash
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.store.stories_repo import StoryWrite
from newsdigest.stories.service import (
    LIMITS,
    OutletCache,
    RowLimits,
    StoryRows,
    clear_caches,
    ensure_assigned,
    story_rows,
)
from tests.stories.invented import TRAM_ARTICLES

BASE = dt.date(2021, 5, 1)
# An invented story (a bridge in a small town); each text names key dates, plain dates, both or neither.
TEXTS = [
    ("Die Stadt Kleinhausen verlangt von der Baufirma Meyer bis zum 14. Mai einen neuen Zeitplan. Bis zum 14. Mai "
    "muss die Firma auch die Mängel an der Brücke beheben."),
    ("Der Gemeinderat hat die Frist für die Baufirma Meyer bis zum 28. Mai verlängert. Am 14. Mai hatte die Firma "
    "nur einen Teil der Unterlagen eingereicht."),
    ("Die Baufirma Meyer hat am 20. Mai die Arbeiten an der Brücke wieder aufgenommen. Der Bürgermeister sagte, am "
    "28. Mai werde er die Baustelle besuchen."),
    ("Die Sperrung der Brücke gilt bis zum 30. Juni. Anwohner müssen ihre Einwände bis zum 5. Juni schriftlich "
    "einreichen."),
    ("Die Brücke in Kleinhausen bleibt gesperrt. Der Bürgermeister besuchte die Baustelle und sprach mit den "
    "Arbeitern über den Fortschritt."),
    "Binnen 30 Tagen muss die Baufirma Meyer eine Strafe von 20.000 Euro zahlen, teilte die Stadt am 5. Juni mit.",
]
SMALL = RowLimits(deadline_rows=3, support_articles=3, support_rows=4)  # every list is cut
AS_OF = [None, dt.date(2021, 5, 9), dt.date(2021, 5, 20)]
_stories = itertools.count(1)


@functools.cache
def _extraction(i: int) -> Extraction:
    return extract(TEXTS[i], published=BASE, lang="de")


def _new_story(store: Store) -> int:
    n = next(_stories)
    ids = store.save_stories([StoryWrite(None, f"bruecke-{n}", f"Brücke {n}", [], {}, BASE, BASE, [])])
    return ids[0]


def _add(store: Store, story_id: int, text: int, day: int, serial: int) -> int:
    """An article of template `text` published `day` days after BASE, placed in the story."""
    body = f"{TEXTS[text]}\n\n(Meldung {serial})"
    published = BASE + dt.timedelta(days=day)
    inp = ArticleInput(text=body, title=f"Brücke {serial}", published=published, lang="de",
                       source=f"blatt{serial % 3}.example", url=f"https://blatt.example/{story_id}/{serial}")
    ex = dataclasses.replace(_extraction(text), published=published.isoformat())
    aid = store.add_article(inp, ex, content_hash=content_hash(body), canonical_url=inp.url).article_id
    store.save_stories([StoryWrite(story_id, *_story_fields(store, story_id), [aid])])
    return aid


def _story_fields(store: Store, story_id: int) -> tuple[str, str, list[str], dict[str, object], dt.date, dt.date]:
    s = store.story(story_id)
    assert s is not None and s.first_published is not None and s.last_published is not None
    return s.slug, s.name, list(s.aliases), s.terms, s.first_published, s.last_published


def _assert_same(store: Store, grown: StoryRows, full: StoryRows, today: dt.date) -> None:
    assert grown.mentions == full.mentions
    assert grown.days == full.days
    assert grown.count == full.count and grown.newest(12) == full.newest(12)
    assert grown.ledger(today).items == full.ledger(today).items
    newest = full.newest(12)
    assert grown.points(store, newest) == full.points(store, newest)
    outlets = store.article_source_names(newest)
    assert grown.articles(store, newest, outlets) == full.articles(store, newest, outlets)


steps = st.lists(st.lists(st.tuples(st.integers(0, len(TEXTS) - 1), st.integers(0, 30)), min_size=1, max_size=3),
                 min_size=1, max_size=8)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(additions=steps, as_of=st.sampled_from(AS_OF), limits=st.sampled_from([LIMITS, SMALL]))
def test_extended_rows_equal_a_full_load(store: Store, additions: list[list[tuple[int, int]]],
                                         as_of: dt.date | None, limits: RowLimits) -> None:
    sid = _new_story(store)
    serial = itertools.count()
    rows = StoryRows.load(store, sid, store.story_fingerprint(sid, until=as_of), as_of=as_of, limits=limits)
    today = as_of or BASE + dt.timedelta(days=40)
    for batch in additions:
        for text, day in batch:
            _add(store, sid, text, day, next(serial))
        fingerprint = store.story_fingerprint(sid, until=as_of)
        grown = rows.extended(store, fingerprint)
        # only a support list cut at its limit is read again (what lay beyond it is unknown)
        assert (grown is None) == (len(rows.support) >= limits.support_rows)
        full = StoryRows.load(store, sid, fingerprint, as_of=as_of, limits=limits)
        _assert_same(store, grown or full, full, today)
        rows = grown or full


def test_the_same_articles_listed_in_another_order_add_nothing(store: Store) -> None:
    # the fingerprint lists the ids in the order of the index read: another order of the same set is the same rows
    sid = _new_story(store)
    for serial, (text, day) in enumerate([(0, 1), (1, 3), (3, 3), (4, 2)]):
        _add(store, sid, text, day, serial)
    ids, mark = store.story_fingerprint(sid)
    rows = StoryRows.load(store, sid, (ids, mark), as_of=None)
    ledger = rows.ledger(BASE)
    reordered = json.dumps(sorted(json.loads(ids), reverse=True))
    assert reordered != ids
    grown = rows.extended(store, (reordered, mark))
    assert grown is not None and grown.ledger(BASE) is not ledger  # each view gets a copy of the kept ledger ...
    assert grown._ledgers[BASE] is rows._ledgers[BASE]  # ... of the one built (the mentions are the same)
    _assert_same(store, grown, StoryRows.load(store, sid, (reordered, mark), as_of=None), BASE)


def test_rows_that_lose_an_article_are_read_again(store: Store) -> None:
    sid, other = _new_story(store), _new_story(store)
    first = _add(store, sid, 0, 1, 1)
    _add(store, sid, 1, 3, 2)
    rows = StoryRows.load(store, sid, store.story_fingerprint(sid), as_of=None)
    assert rows.days == {"2021-05-14", "2021-05-28"}
    store.save_stories([StoryWrite(other, *_story_fields(store, other), [first])])  # moved to another story
    assert rows.extended(store, store.story_fingerprint(sid)) is None


def _update(store: Store, article_id: int, text: int) -> None:
    """The article's text replaced by template `text` (an update in place, as a feed's corrected entry)."""
    body = f"{TEXTS[text]}\n\n(Korrektur {article_id})"
    inp = ArticleInput(text=body, title="Brücke, korrigiert", published=BASE, lang="de")
    assert store.update_article(article_id, inp, _extraction(text), content_hash=content_hash(body)).updated


def test_rows_of_an_article_updated_in_place_are_read_again(store: Store) -> None:
    sid, other = _new_story(store), _new_story(store)
    mine = _add(store, sid, 0, 1, 1)
    elsewhere = _add(store, other, 1, 1, 2)
    rows = StoryRows.load(store, sid, store.story_fingerprint(sid), as_of=None)
    _update(store, elsewhere, 3)  # another story's article: these rows stand
    grown = rows.extended(store, store.story_fingerprint(sid))
    assert grown is not None and grown.mentions == rows.mentions
    _update(store, mine, 3)  # this story's: its old rows are among these
    fingerprint = store.story_fingerprint(sid)
    assert grown.extended(store, fingerprint) is None
    assert rows.days == {"2021-05-14"} and "2021-05-14" not in StoryRows.load(store, sid, fingerprint, as_of=None).days


def test_answers_from_extended_rows_equal_answers_from_nothing(store: Store, config: Config) -> None:
    core = Core(store=store, config=config, clock=Clock(as_of=dt.date(2021, 3, 30)))
    chat = ChatRef(Platform.CONSOLE, "incremental")
    for n, (published, source, title, body) in enumerate(TRAM_ARTICLES):
        inp = ArticleInput(text=body, title=title, published=published, lang="de", source=source,
                           url=f"https://tram.example/{n}")
        ex = extract(body, published=published, lang="de")
        store.add_article(inp, ex, content_hash=content_hash(body), canonical_url=inp.url)
        ensure_assigned(store)
        sid = store.most_active_story(until=None)
        assert sid is not None
        answers = [core.answer(chat, f"/{cmd}").plain_text() for cmd in ("status", "deadline")]
        # the story only grew: its rows (read in full after the last clear) were extended by the new article
        assert story_rows(store, sid, as_of=core.clock.as_of).extensions == (1 if n else 0)
        clear_caches()
        assert [core.answer(chat, f"/{cmd}").plain_text() for cmd in ("status", "deadline")] == answers
    assert "22" in answers[1]


def test_remembered_outlets_follow_new_outlet_rows(store: Store) -> None:
    cache = OutletCache()
    sid = _new_story(store)
    first, second = _add(store, sid, 0, 1, 1), _add(store, sid, 1, 2, 2)
    assert cache.get(store, [first, second]) == store.article_source_names([first, second])
    body = f"{TEXTS[0]}\n\n(Meldung 1)"  # the first article again, from another outlet: one more outlet row
    again = ArticleInput(text=body, title="Brücke", published=BASE, lang="de", source="anzeiger.example",
                         url="https://anzeiger.example/bruecke")
    assert store.add_article(again, _extraction(0), content_hash=content_hash(body)).article_id == first
    _add(store, _new_story(store), 2, 3, 3)  # and news elsewhere
    assert cache.get(store, [first, second]) == store.article_source_names([first, second])
    assert cache.get(store, [first])[first] == ("anzeiger.example", "blatt1.example")
