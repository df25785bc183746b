"""A story that has grown into two is split; one that drifts within its topic is not; old slugs keep resolving."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.ingest.pipeline import ingest_article
from newsdigest.models import ArticleInput
from newsdigest.store.store import Store
from newsdigest.store.stories_repo import StoryWrite
from newsdigest.stories.cluster import MERGE_TOPIC_SIM, ArticleTerms, StoryProfile
from newsdigest.stories.lookup import find_story
from newsdigest.stories.naming import story_name
from newsdigest.stories.service import article_terms, ensure_assigned
from newsdigest.stories.split import SPLIT_SIM, due, split
from newsdigest.stories.terms import profile

D = dt.date
MAYOR = "Ulrike Brandt"  # invented: the town's mayor speaks on both stories

HARBOUR = [
    "Hafenstreik in Kiel: Hafenarbeiter legen das Containerterminal lahm. Verdi fordert mehr Lohn.",
    "Der Hafenstreik geht weiter, Containerschiffe warten vor der Förde. Die Tarifverhandlung stockt.",
    "Hafenarbeiter verlängern den Warnstreik, Verdi und die Hafenbetreiber treffen sich zur Tarifverhandlung.",
    "Schlichtung im Hafenstreik: die Hafenbetreiber legen ein neues Lohnangebot vor, Verdi prüft es.",
    "Containerterminal wieder in Betrieb: der Hafenstreik endet mit einem Tarifabschluss, sagt Verdi.",
]
LAST_HARBOUR = "Nach dem Hafenstreik: Verdi und die Hafenbetreiber unterzeichnen den Tarifvertrag für die Hafenarbeiter."
BRIDGE = [
    "Brückensperrung in Kiel: die Hochbrücke über den Kanal ist wegen Rissen im Stahlträger gesperrt.",
    "Pendler stehen im Stau, die Umleitung über die Kanalfähre ist überlastet, seit die Hochbrücke gesperrt ist.",
    "Gutachter prüfen die Stahlträger der Hochbrücke, die Brückensperrung dauert bis zur Sanierung.",
]


def _art(i: int, day: dt.date, text: str) -> ArticleTerms:
    return ArticleTerms(i, day, profile(text, (MAYOR, "Kiel"), [text], lang="de"))


def _story(key: int, members: list[ArticleTerms]) -> StoryProfile:
    whole = StoryProfile(key=key)
    for m in members:
        whole.add(m.published, m.profile)
    return whole


def test_split_parts_are_too_unlike_to_merge_again() -> None:
    assert SPLIT_SIM < MERGE_TOPIC_SIM


def test_a_story_is_checked_when_it_crosses_a_check_size() -> None:
    assert due(15, 16) and due(0, 17) and due(127, 128) and due(20, 130)
    assert not due(16, 17) and not due(17, 127) and not due(0, 15) and not due(128, 512)


def test_a_story_holding_two_is_split_and_the_part_more_like_it_keeps_its_id() -> None:
    members = [_art(i, D(2021, 5, 1 + i), t) for i, t in enumerate(HARBOUR)]
    members += [_art(10 + i, D(2021, 5, 3 + i), t) for i, t in enumerate(BRIDGE)]
    found = split(_story(7, members), members, -1)
    assert found is not None
    assert found.keep.key == 7 and found.part.key == -1
    assert sorted(found.part_ids) == [10, 11, 12]
    assert found.keep.n == 5 and found.part.n == 3
    assert "Hafenstreik" in story_name(found.keep) and "Hafenstreik" not in story_name(found.part)


def test_a_story_that_drifts_within_its_topic_stays_one() -> None:
    members = [_art(i, D(2021, 5, 1 + 2 * i), t) for i, t in enumerate(HARBOUR + HARBOUR[:3])]
    assert split(_story(7, members), members, -1) is None


def test_a_few_strays_are_no_second_story() -> None:
    members = [_art(i, D(2021, 5, 1 + i), t) for i, t in enumerate(HARBOUR + HARBOUR)]
    members.append(_art(99, D(2021, 5, 20), BRIDGE[0]))
    assert split(_story(7, members), members, -1) is None


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(HARBOUR + BRIDGE), min_size=6, max_size=14))
def test_a_split_loses_and_repeats_no_article(texts: list[str]) -> None:
    members = [_art(i, D(2021, 5, 1 + i), t) for i, t in enumerate(texts)]
    found = split(_story(7, members), members, -1)
    if found is not None:
        assert found.keep.n + found.part.n == len(members)
        assert set(found.part_ids) < {m.article_id for m in members}
        assert len(set(found.part_ids)) == found.part.n >= 3


def _ingest(store: Store, i: int, day: dt.date, text: str) -> int:
    title = text.split(":")[0] if ":" in text else text[:50]
    body = f"{text} Bürgermeisterin {MAYOR} äußert sich in Kiel am {day.day}. Mai."
    return ingest_article(store, ArticleInput(text=f"{title}\n\n{body}", title=title, published=day, lang="de",
                                              source=f"blatt{i}.example")).article_id


def _grown_into_two(store: Store, name: str, slug: str) -> tuple[list[int], list[int], int]:
    """Fifteen articles of two stories stored as one story (as an earlier run might have left them), then a
    sixteenth that makes it cross the check size. Returns (harbour ids, bridge ids, the story's id)."""
    harbour = [_ingest(store, i, D(2021, 5, 1 + i), t) for i, t in enumerate(HARBOUR + HARBOUR[:4])]
    bridge = [_ingest(store, 20 + i, D(2021, 5, 2 + i), t) for i, t in enumerate(BRIDGE + BRIDGE)]
    ensure_assigned(store)
    old = store.story(store.story_ids_of_articles(harbour)[0])
    assert old is not None
    rows = store.story_members(sorted(set(store.story_ids_of_articles(harbour + bridge))), limit=40)
    whole = _story(old.id, [ArticleTerms(aid, pub, article_terms(title, ex)) for aid, title, pub, ex in rows])
    for sid in set(store.story_ids_of_articles(harbour + bridge)) - {old.id}:
        store.absorb_stories({sid: old.id})
    store.save_stories([StoryWrite(old.id, slug, name, [], whole.to_json(), whole.first, whole.last, harbour + bridge)])
    assert store.story_article_count(old.id) == 15
    harbour.append(_ingest(store, 9, D(2021, 5, 12), LAST_HARBOUR))
    ensure_assigned(store)
    return harbour, bridge, old.id


def test_a_stored_story_that_grew_into_two_is_split_and_its_old_slug_stays(store: Store) -> None:
    harbour, bridge, old_id = _grown_into_two(store, "Kiel: Hafen und Brücke", "kiel-alt")
    stories = set(store.story_ids_of_articles([*harbour, *bridge]))
    assert len(stories) == 2
    assert set(store.story_ids_of_articles(harbour)) == {old_id}
    new_id = (stories - {old_id}).pop()
    assert set(store.story_ids_of_articles(bridge)) == {new_id}
    kept, part = store.story(old_id), store.story(new_id)
    assert kept is not None and part is not None and kept.slug != part.slug
    # the old slug keeps resolving: to both parts, to choose from, as the kept part has a new name now
    assert kept.slug != "kiel-alt" and "kiel-alt" in kept.terms["slugs"] and "kiel-alt" in part.terms["slugs"]
    assert {s.id for s in find_story(store, "kiel-alt", as_of=None).choices} == {old_id, new_id}
    # each part answers to its topic words
    assert (hafen := find_story(store, "Hafenstreik", as_of=None).story) is not None and hafen.id == old_id
    assert (brücke := find_story(store, "Brückensperrung", as_of=None).story) is not None and brücke.id == new_id


def test_a_split_story_whose_name_still_fits_keeps_its_slug(store: Store) -> None:
    name = f"{MAYOR}: Hafenstreik"
    _, bridge, old_id = _grown_into_two(store, name, "ulrike-brandt-hafenstreik")
    kept = store.story(old_id)
    assert kept is not None and kept.name == name and kept.slug == "ulrike-brandt-hafenstreik"
    assert set(store.story_ids_of_articles(bridge)) != {old_id}
    assert (found := find_story(store, "ulrike-brandt-hafenstreik", as_of=None).story) is not None and found.id == old_id
