"""Story names: who the story's articles are most about, and what — a thing, not a quality.

Every article here is invented.
"""

from __future__ import annotations

import datetime as dt

from newsdigest.stories.cluster import StoryProfile
from newsdigest.stories.naming import KEEP_ACTOR_SHARE, story_name, topics
from newsdigest.stories.terms import profile

D = dt.date


Article = tuple[str, tuple[str, ...], str]  # title, actors, body


def _story(articles: list[Article], lang: str = "de") -> StoryProfile:
    prof = StoryProfile(key=1)
    for i, (title, actors, body) in enumerate(articles):
        prof.add(D(2021, 6, 1 + i), profile(title, actors, [body], lang=lang))
    return prof


FERRY = "Der Fährstreik auf Sylt legt den Inselverkehr lahm."
EARLY: list[Article] = [("Fährstreik auf Sylt beginnt", ("Ole Brink", "Mira Talbot"), FERRY)] * 2
LATER: list[Article] = [("Fährstreik auf Sylt geht weiter", ("Mira Talbot", "Verdi", "Ole Brink"), FERRY)] * 6


def test_a_stored_name_follows_who_the_story_is_most_about() -> None:
    """Named while its first articles were about Brink, the story ends as it would be named all at once."""
    first = story_name(_story(EARLY))
    assert first.startswith("Ole Brink: ")
    grown = _story(EARLY + LATER)
    assert grown.actors["Ole Brink"] < KEEP_ACTOR_SHARE * grown.actors["Mira Talbot"]
    assert "Ole Brink" in sorted(grown.actors, key=lambda a: -grown.actors[a])[:3]  # the old rule kept it
    assert story_name(grown, first) == story_name(grown) == first.replace("Ole Brink", "Mira Talbot")


def test_a_stored_name_stays_while_its_actor_is_nearly_the_main_one() -> None:
    """One more article about someone else does not rename the story: names do not flap on near ties."""
    prof = _story(EARLY + LATER[:2])
    assert max(prof.actors, key=lambda a: prof.actors[a]) == "Mira Talbot"
    first = story_name(_story(EARLY))
    assert story_name(prof, first) == first


def test_a_german_word_in_lower_case_is_no_topic() -> None:
    """German capitalises nouns: "ehemalige" or "griechische" say how, not what."""
    prof = _story([(f"Der ehemalige griechische Hafenmeister {t}", ("Nikos Varadis",),
                    f"Der ehemalige griechische Hafenmeister {t} in Piräus.") for t in
                   ("klagt", "Fährgebühr", "Kaimauer", "Lotsendienst")])
    words = {t.casefold() for t in topics(prof)}
    assert words and not words & {"ehemalige", "griechische", "griechisch", "ehemalig"}, words


def test_an_english_noun_in_lower_case_stays_a_topic() -> None:
    prof = _story([("Ferry strike on the island", ("Mira Talbot",), "The ferry strike stops the island's traffic.")] * 2,
                  lang="en")
    assert any("strike" in t for t in topics(prof)), topics(prof)


def test_a_month_taken_for_an_actor_does_not_name_the_story() -> None:
    prof = _story([("Ferry strike on the island", ("Dec", "Mira Talbot"), ("The ferry strike stops the island's "
                    "traffic until Dec. 12."))] * 2, lang="en")
    assert story_name(prof).startswith("Mira Talbot: "), story_name(prof)


def test_an_english_adverb_ends_no_topic() -> None:
    prof = _story([("Harbour tension growing steadily", ("Mira Talbot",),
                    "Harbour tension growing steadily as the ferry strike goes on.")] * 2, lang="en")
    assert not any(t.endswith("steadily") for t in topics(prof)), topics(prof)
