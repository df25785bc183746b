"""A second, invented story beside the seeds: it becomes its own story with its own deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.clock import Clock
from newsdigest.config import Config
from newsdigest.handlers import Core
from newsdigest.models import ChatRef, Platform
from newsdigest.store.store import Store
from newsdigest.stories.lookup import find_story
from newsdigest.stories.service import ensure_assigned
from tests.stories.invented import ingest_tram

CHAT = ChatRef(Platform.CONSOLE, "tester")


@pytest.fixture
def both(seeded_store: Store, config: Config) -> Core:
    ingest_tram(seeded_store)
    return Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2021, 3, 13)))


def test_tram_articles_form_their_own_story(both: Core) -> None:
    store = both.store
    ensure_assigned(store)
    rows = store.stories_list(limit=10)
    assert len(rows) == 2, [(s.name, n) for s, n, _ in rows]
    tram = find_story(store, "Verdi", as_of=None).story
    tiktok = find_story(store, "tiktok", as_of=None).story
    assert tram is not None and tiktok is not None and tram.id != tiktok.id
    assert store.story_article_count(tram.id) == 4
    assert store.story_article_count(tiktok.id) == 5
    assert "TikTok" not in tram.name and "Verdi" not in tiktok.name


def test_tram_story_has_its_own_deadlines(both: Core) -> None:
    out = both.answer(CHAT, "/deadline rnv").plain_text()
    assert "22 March 2021" in out, out
    assert "TikTok" not in out and "2020" not in out
    line15 = next((x for x in out.splitlines() if x.split(" · ")[0].endswith("15 March 2021")), "")
    assert "replaced by 22 March 2021" in line15, out
    assert "2 sources" in line15


def test_most_active_story_is_the_default(both: Core) -> None:
    out = both.answer(CHAT, "/status").plain_text()
    assert "Verdi" in out or "RNV" in out
    assert "TikTok" not in out


def test_ambiguous_name_asks_which(both: Core) -> None:
    reply = both.answer(CHAT, "/status Frist")  # both stories speak of a "Frist"
    out = reply.plain_text()
    assert "Which one?" in out, out
    assert "/status tiktok" in out and out.count("/status ") >= 2


def test_unknown_name_says_so_and_points_to_stories(both: Core) -> None:
    reply = both.answer(CHAT, "/status zeppelin")
    assert reply.error
    assert "No story matches “zeppelin”" in reply.plain_text() and "/stories" in reply.plain_text()


def test_the_tram_story_does_not_exist_before_its_first_article(seeded_store: Store, config: Config) -> None:
    ingest_tram(seeded_store)
    core = Core(store=seeded_store, config=config, clock=Clock(as_of=dt.date(2020, 9, 14)))
    out = core.answer(CHAT, "/stories").plain_text()
    assert "Verdi" not in out and "RNV" not in out
    assert core.answer(CHAT, "/status rnv").error


def test_loose_lookup_by_topic_word_and_a_merged_storys_old_slug(both: Core) -> None:
    store = both.store
    ensure_assigned(store)
    tram = find_story(store, "Verdi", as_of=None).story
    assert tram is not None
    # a topic word of the story, not one of its actors, finds it
    assert (found := find_story(store, "Warnstreik", as_of=None).story) is not None and found.id == tram.id
    # a story merged into another keeps answering to its old slug
    from newsdigest.store.stories_repo import StoryWrite

    ids = store.save_stories([StoryWrite(None, "rnv-ultimatum-alt", "RNV: Ultimatum", ["Ultimatum"], {"n": 1},
                                         tram.first_published, tram.last_published, [])])
    lost = ids[0]
    store.absorb_stories({lost: tram.id})
    terms = {**tram.terms, "slugs": [*tram.terms.get("slugs", []), "rnv-ultimatum-alt"]}
    store.save_stories([StoryWrite(tram.id, tram.slug, tram.name, [*tram.aliases, "rnv-ultimatum-alt"], terms,
                                   tram.first_published, tram.last_published, [])])
    assert store.story(lost) is None
    again = find_story(store, "rnv-ultimatum-alt", as_of=None).story
    assert again is not None and again.id == tram.id


def test_two_stored_stories_that_prove_one_are_merged_and_the_old_slug_stays(store: Store) -> None:
    from newsdigest.ingest.pipeline import ingest_article
    from newsdigest.models import ArticleInput
    from newsdigest.store.stories_repo import StoryWrite

    body = ("Der Hafenstreik in Kiel legt das Containerterminal lahm. Die Hafenarbeiter fordern in der "
            "Tarifverhandlung mehr Lohn, der Warnstreik dauert an. Verdi und die Hafenbetreiber verhandeln weiter.")
    ids = [ingest_article(store, ArticleInput(text=f"Hafenstreik in Kiel, Tag {i}\n\n{body}", title=f"Hafenstreik in Kiel, Tag {i}",
                                              published=dt.date(2021, 5, i), lang="de", source=f"blatt{i}.example")).article_id
           for i in (1, 2, 3)]
    ensure_assigned(store)
    one = store.story_ids_of_articles(ids[:1])[0]
    story = store.story(one)
    assert story is not None
    # split by hand into two stored stories with the same profile, as an earlier run might have left them
    saved = store.save_stories([StoryWrite(None, "hafen-alt", "Kiel: Hafen", ["Hafen"], story.terms,
                                           story.first_published, story.last_published, [ids[1]])])
    twin = saved[0]
    ingest_article(store, ArticleInput(text=f"Hafenstreik in Kiel, Tag 4\n\n{body}", title="Hafenstreik in Kiel, Tag 4",
                                       published=dt.date(2021, 5, 4), lang="de", source="blatt4.example"))
    ensure_assigned(store)
    survivors = set(store.story_ids_of_articles(ids))
    assert len(survivors) == 1
    kept = store.story(survivors.pop())
    assert kept is not None and (store.story(twin) is None or store.story(one) is None)
    again = find_story(store, "hafen-alt", as_of=None).story
    assert again is not None and again.id == kept.id


def test_a_story_that_takes_the_name_of_one_it_absorbs_takes_its_slug_too(store: Store) -> None:
    """The absorbed story is dropped before the writes, so its slug is free: no "-2" for the story it joined."""
    from newsdigest.ingest.pipeline import ingest_article
    from newsdigest.models import ArticleInput
    from newsdigest.store.stories_repo import StoryWrite

    body = ("Der Fährstreik auf Sylt legt den Inselverkehr lahm. Die Fährleute fordern in der Tarifverhandlung "
            "mehr Lohn, der Warnstreik dauert an. Verdi und die Reederei verhandeln weiter.")
    ids = [ingest_article(store, ArticleInput(text=f"Fährstreik auf Sylt, Tag {i}\n\n{body}",
                                              title=f"Fährstreik auf Sylt, Tag {i}", published=dt.date(2021, 6, i),
                                              lang="de", source=f"blatt{i}.example")).article_id for i in (1, 2, 3)]
    ensure_assigned(store)
    one = store.story(store.story_ids_of_articles(ids[:1])[0])
    assert one is not None
    natural = one.slug
    # an earlier run left two stories: the older under a name that no longer fits, the twin under the fitting one
    store.save_stories([StoryWrite(one.id, "alt-name", "Alt: Name", ["Alt"], one.terms, one.first_published,
                                   one.last_published, [ids[0], ids[2]])])
    twin = store.save_stories([StoryWrite(None, natural, one.name, ["Sylt"], one.terms, one.first_published,
                                          one.last_published, [ids[1]])])[0]
    ingest_article(store, ArticleInput(text=f"Fährstreik auf Sylt, Tag 4\n\n{body}", title="Fährstreik auf Sylt, Tag 4",
                                       published=dt.date(2021, 6, 4), lang="de", source="blatt4.example"))
    ensure_assigned(store)
    survivors = set(store.story_ids_of_articles(ids))
    assert survivors == {one.id} and store.story(twin) is None
    kept = store.story(one.id)
    assert kept is not None
    assert kept.slug == natural, kept.slug
    assert find_story(store, "alt-name", as_of=None).story == kept
