"""What a story's rows made is remembered under its articles' fingerprint: reused after news elsewhere, rebuilt
when the story's own articles change (a new one, or an update of one), and never different from a cold answer."""

from __future__ import annotations

import datetime as dt

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.extract.keydate_what import is_plural
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput, ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.lookup import find_story
from newsdigest.stories.service import VIEWS, clear_caches, ensure_assigned, story_rows, view, warm_views
from tests.stories.invented import ingest_tram

DAY = dt.date(2021, 3, 30)
URL = "https://rheinpost.example/tram/ultimatum"


def _ultimatum(deadline: str) -> ArticleInput:
    text = ("Verdi setzt den Mannheimer Verkehrsbetrieben eine Frist\n\n"
            f"Die Gewerkschaft Verdi verlangt von den Rhein-Neckar-Verkehrsbetrieben bis zum {deadline} ein neues "
            "Angebot. Sonst sollen die Straßenbahnen in Mannheim bestreikt werden, kündigte Sabine Kowalczyk an.\n")
    return ArticleInput(text=text, title="Verdi setzt den Verkehrsbetrieben eine Frist", published=dt.date(2021, 3, 2),
                        lang="de", source="rheinpost.example", url=URL)


def _tram_story(store: Store) -> int:
    ensure_assigned(store)
    story = find_story(store, "Verdi", as_of=None).story
    assert story is not None
    return story.id


def test_story_rows_survive_news_in_another_story(seeded_store: Store) -> None:
    ensure_assigned(seeded_store)
    tiktok = find_story(seeded_store, "tiktok", as_of=None).story
    assert tiktok is not None
    rows = story_rows(seeded_store, tiktok.id, as_of=None)
    before = view(seeded_store, tiktok, as_of=None, today=DAY)
    ingest_tram(seeded_store)
    assert _tram_story(seeded_store) != tiktok.id
    assert story_rows(seeded_store, tiktok.id, as_of=None) is rows  # the tram is another story's news
    after = view(seeded_store, tiktok, as_of=None, today=DAY)
    assert after is not before  # the view itself is rebuilt (the content token moved) ...
    assert after.ledger.items == before.ledger.items and after.developments is before.developments  # ... from memory


def test_a_new_article_of_the_story_rebuilds_its_rows(store: Store) -> None:
    ingest_tram(store, until=dt.date(2021, 3, 5))
    sid = _tram_story(store)
    rows = story_rows(store, sid, as_of=None)
    ingest_tram(store)  # the extension to 22 March joins the same story
    assert _tram_story(store) == sid
    fresh = story_rows(store, sid, as_of=None)
    assert fresh is not rows and len(fresh.mentions) > len(rows.mentions)
    assert dt.date(2021, 3, 22) in {i.when.lo for i in fresh.ledger(DAY).items}


def test_an_updated_article_rebuilds_its_rows(store: Store, config: Config) -> None:
    ingest_article(store, _ultimatum("16. März"))  # not the newest article (for the newest, see the test below)
    ingest_tram(store)
    sid = _tram_story(store)
    core = Core(store=store, config=config, clock=Clock(as_of=DAY))
    chat = ChatRef(Platform.CONSOLE, "rows")
    assert "16 March" in core.answer(chat, "/deadline Verdi").plain_text()
    result = ingest_article(store, _ultimatum("18. März"))  # the same URL with a new text: an update in place
    assert result.updated
    assert _tram_story(store) == sid
    remembered = story_rows(store, sid, as_of=None).ledger(DAY).items
    assert dt.date(2021, 3, 18) in {i.when.lo for i in remembered}
    answer = core.answer(chat, "/deadline Verdi").plain_text()
    assert "18 March" in answer
    clear_caches()
    assert story_rows(store, sid, as_of=None).ledger(DAY).items == remembered
    assert core.answer(chat, "/deadline Verdi").plain_text() == answer


def test_remembered_answers_equal_cold_ones(seeded_store: Store, config: Config) -> None:
    core = Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    chat = ChatRef(Platform.CONSOLE, "rows")
    lines = ["/status", "/deadline", "/status tiktok", "/timeline tiktok"]
    cold = []
    for line in lines:
        clear_caches()
        cold.append((core.answer(chat, line).plain_text(), core.answer(chat, line).data))
    for line, want in zip(lines, cold, strict=True):
        VIEWS.clear()  # what news elsewhere does: views go, remembered rows stay
        got = core.answer(chat, line)
        assert (got.plain_text(), got.data) == want


def test_warming_after_placement_prepares_the_view_the_first_ask_reads(seeded_store: Store, config: Config) -> None:
    ensure_assigned(seeded_store)
    ingest_tram(seeded_store)
    changed: set[int] = set()
    assert ensure_assigned(seeded_store, changed=changed) == 4
    tram = find_story(seeded_store, "Verdi", as_of=None).story
    assert tram is not None and changed == {tram.id}
    token = (seeded_store.content_token(), tram)
    assert not VIEWS.holds(seeded_store, ("view", tram.id, None, DAY), token)
    assert warm_views(seeded_store, sorted(changed), as_of=None, today=DAY) == 1
    assert VIEWS.holds(seeded_store, ("view", tram.id, None, DAY), token)
    warmed = view(seeded_store, tram, as_of=None, today=DAY)
    clear_caches()
    cold = view(seeded_store, tram, as_of=None, today=DAY)
    assert cold is not warmed and cold.ledger.items == warmed.ledger.items and cold.brief == warmed.brief


def test_warming_also_settles_how_each_key_date_reads(store: Store) -> None:
    text = ("Mannheim verlängert das Alkoholverbot\n\nDie Stadt Mannheim hat das Alkoholverbot in der Innenstadt bis "
            "zum 30. April verlängert, teilte Oberbürgermeister Peter Kurz mit. Die Polizei kontrolliert weiter.\n")
    ingest_article(store, ArticleInput(text=text, title="Mannheim verlängert das Alkoholverbot",
                                       published=dt.date(2021, 3, 2), lang="de", source="rheinpost.example", url=URL))
    changed: set[int] = set()
    ensure_assigned(store, changed=changed)
    is_plural.cache_clear()
    warm_views(store, sorted(changed), as_of=None, today=DAY)
    (story_id,) = changed
    story = store.story(story_id)
    assert story is not None
    expiring = [it.what for it in view(store, story, as_of=None, today=DAY).ledger.items if it.kind == "expiry"]
    assert expiring  # the ask that follows renders this phrase's number: warming has settled it
    assert is_plural.cache_info().currsize >= len(expiring)


def test_updating_the_newest_article_in_place_voids_the_cached_views(store: Store, config: Config) -> None:
    ingest_tram(store)
    ingest_article(store, _ultimatum("16. März"))  # the newest article: its rows hold every maximum id
    _tram_story(store)
    core = Core(store=store, config=config, clock=Clock(as_of=DAY))
    chat = ChatRef(Platform.CONSOLE, "rows")
    assert "16 March" in core.answer(chat, "/deadline Verdi").plain_text()
    token = store.content_token()
    assert ingest_article(store, _ultimatum("18. März")).updated  # as many rows as before, under the same ids
    assert store.content_token() != token
    answer = core.answer(chat, "/deadline Verdi").plain_text()
    assert "18 March" in answer
    clear_caches()
    assert core.answer(chat, "/deadline Verdi").plain_text() == answer
