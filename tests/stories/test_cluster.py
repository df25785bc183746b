"""Clustering and naming: pure, incremental, deterministic."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.cluster import ArticleTerms, StoryProfile, assign
from newsdigest.stories.naming import slugify, story_aliases, story_name, story_slug
from newsdigest.stories.terms import profile, salience

D = dt.date
TIKTOK = ("TikTok", "ByteDance", "Oracle")
TRAM = ("Verdi", "RNV", "Sabine Kowalczyk")


def art(i: int, day: dt.date, actors: tuple[str, ...], title: str) -> ArticleTerms:
    return ArticleTerms(i, day, profile(title, actors, [title]))


def test_rare_names_are_salient_and_everyday_words_are_not() -> None:
    assert salience("bytedance") > salience("microsoft") > 0
    assert salience("regierung") == 0 and salience("september") == 0


def test_articles_sharing_salient_actors_join_and_others_start_their_own() -> None:
    arts = [
        art(1, D(2020, 8, 3), TIKTOK, "ByteDance verhandelt über TikTok"),
        art(2, D(2021, 3, 1), TRAM, "Verdi stellt der RNV ein Ultimatum"),
        art(3, D(2020, 9, 14), TIKTOK, "Oracle wird Partner von ByteDance für TikTok"),
        art(4, D(2021, 3, 12), TRAM, "Verdi verlängert Ultimatum an die RNV"),
    ]
    result = assign(arts, [])
    assert result.assignments[1] == result.assignments[3] != result.assignments[2] == result.assignments[4]


def test_outside_the_time_window_a_new_story_starts() -> None:
    result = assign([art(1, D(2020, 1, 1), TIKTOK, "TikTok ByteDance"), art(2, D(2020, 6, 1), TIKTOK, "TikTok ByteDance")],
                    [])
    assert result.assignments[1] != result.assignments[2]


def test_incremental_equals_batch() -> None:
    arts = [art(i, D(2020, 8, i), TIKTOK if i % 2 else TRAM, f"{'TikTok ByteDance' if i % 2 else 'Verdi RNV'} {i}")
            for i in range(1, 9)]
    batch = assign(arts, [])
    first = assign(arts[:4], [])
    stored = [StoryProfile.from_json(-k, p.to_json(), p.first, p.last) for k, p in first.changed.items()]
    second = assign(arts[4:], stored)
    inc = {**{a: -k for a, k in first.assignments.items()}, **second.assignments}
    groups_batch = sorted(sorted(a for a, k in batch.assignments.items() if k == key) for key in set(batch.assignments.values()))
    groups_inc = sorted(sorted(a for a, k in inc.items() if k == key) for key in set(inc.values()))
    assert groups_batch == groups_inc


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(6))))
def test_input_order_does_not_matter(order: list[int]) -> None:
    arts = [art(i, D(2020, 8, 1 + i), TIKTOK if i < 3 else TRAM, "TikTok ByteDance" if i < 3 else "Verdi RNV")
            for i in range(6)]
    a = assign([arts[i] for i in order], []).assignments
    b = assign(arts, []).assignments
    assert a == b


def test_names_say_what_and_who_and_slugs_aliases_follow() -> None:
    prof = StoryProfile(key=1)
    for i, title in enumerate(["Verdi ruft zum Hafenstreik in Kiel auf", "Hafenstreik geht weiter"]):
        prof.add(D(2021, 3, 1 + i), profile(title, ("Verdi", "Kiel"), ["Der Hafenstreik legt den Hafen lahm."],
                                            lang="de"))
    assert story_name(prof) == "Verdi: Hafenstreik"
    assert story_slug(prof) == "verdi-hafenstreik"
    assert story_slug(prof, {"verdi-hafenstreik"}) == "verdi-hafenstreik-2"
    assert {"Hafenstreik", "Verdi", "old-slug"} <= set(story_aliases(prof, ["old-slug"]))


def test_a_stored_name_stays_while_its_parts_still_rank_high() -> None:
    prof = StoryProfile(key=1)
    prof.add(D(2021, 3, 1), profile("Hafenstreik in Kiel", ("Verdi", "Kiel"), ["Hafenstreik"], lang="de"))
    assert story_name(prof, "Verdi: Hafenstreik") == "Verdi: Hafenstreik"
    assert story_name(prof, "Oracle: TikTok") != "Oracle: TikTok"


def test_english_two_word_phrases_are_terms() -> None:
    prof = profile("Dockers begin harbour strike", ("Unite",), ["The harbour strike closed the port."], lang="en")
    assert "harbour strike" in prof.weights


def test_lemmas_make_one_term_of_inflected_forms() -> None:
    a = profile("Lockdowns verlängert", (), [], lang="de")
    b = profile("Lockdown verlängern", (), [], lang="de")
    assert set(a.weights) == set(b.weights)


def test_stories_that_turn_out_to_be_one_merge() -> None:
    words = "Hafenstreik Containerterminal Hafenarbeiter Verdi Kiel Tarifverhandlung Warnstreik Lohnforderung"
    a = art(1, D(2021, 3, 1), ("Verdi",), words)
    b = art(2, D(2021, 3, 2), ("Kiel",), words + " Schlichtung")
    first = assign([a], [])
    stored = [StoryProfile.from_json(7, p.to_json(), p.first, p.last) for p in first.changed.values()]
    other = StoryProfile.from_json(8, first.changed[-1].to_json(), D(2021, 3, 1), D(2021, 3, 1))
    result = assign([b], [*stored, other])
    assert result.merged == {8: 7} and result.assignments[2] == 7


    assert slugify("Straßenbahn Köln") == "strassenbahn-koln"


def test_a_quiet_story_pulls_less_than_a_running_one() -> None:
    from newsdigest.stories.cluster import decay

    story = StoryProfile(key=1, first=D(2021, 3, 1), last=D(2021, 3, 10))
    assert decay(story, D(2021, 3, 10)) == 1.0 > decay(story, D(2021, 3, 24)) > decay(story, D(2021, 4, 7)) > 0


def test_an_article_that_came_before_its_story_took_shape_joins_it_later() -> None:
    core = "Hafenstreik Containerterminal Hafenarbeiter Tarifverhandlung Warnstreik Lohnforderung"
    early = art(1, D(2021, 3, 1), ("Jana Kowalski", "Sven Brodersen", "Hafenbetreiber"),
                "Hafenstreik Warnstreik Kowalski Brodersen Ultimatum Hafenbetreiber Lotsenboot Kaimauer")
    later = [art(i, D(2021, 3, 1 + i), ("Verdi",), core) for i in range(2, 6)]
    result = assign([early, *later], [])
    assert len(set(result.assignments.values())) == 1


def test_an_english_article_joins_the_german_story_by_its_names() -> None:
    de = [ArticleTerms(i, D(2021, 3, i), profile(t, ("Verdi", "Sabine Kowalczyk", "RNV"), [t], lang="de")) for i, t in
          enumerate(["Verdi droht der RNV mit Warnstreik", "Sabine Kowalczyk: Verdi verlängert Ultimatum an die RNV"], 1)]
    en = ArticleTerms(3, D(2021, 3, 4), profile("Verdi extends RNV ultimatum, says Sabine Kowalczyk",
                                                 ("Verdi", "Sabine Kowalczyk", "RNV"), ["Verdi and RNV keep talking."],
                                                 lang="en"))
    result = assign([*de, en], [])
    assert len(set(result.assignments.values())) == 1


def test_a_name_says_what_not_a_second_who() -> None:
    prof = StoryProfile(key=1)
    for i in range(2):
        prof.add(D(2021, 3, 1 + i), profile("Harbour strike: Dockers Union and Mira Talbot meet", ("Mira Talbot",),
                                            ["Dockers Union stays on harbour strike, says Mira Talbot."], lang="en"))
    name = story_name(prof)
    assert name.startswith("Mira Talbot: ") and "Dockers Union" not in name, name


def test_a_story_without_topic_words_is_named_by_two_names_not_three() -> None:
    prof = StoryProfile(key=1)
    prof.add(D(2021, 3, 1), profile("Mira Talbot, Ole Brink, Sven Aalto", ("Mira Talbot", "Ole Brink", "Sven Aalto"),
                                    [], lang="en"))
    assert story_name(prof).count(" · ") <= 1, story_name(prof)


def test_an_acronym_part_is_no_topic_of_its_own() -> None:
    prof = StoryProfile(key=1)
    for i in range(2):
        prof.add(D(2021, 3, 1 + i), profile("EU-Gipfel zur Fischereiquote", ("EU",), ["Der EU-Gipfel berät die Fischereiquote."],
                                            lang="de"))
    assert not story_name(prof).startswith("EU: EU-"), story_name(prof)


def test_german_compounds_count_by_their_parts() -> None:
    from newsdigest.stories.terms import compound_parts

    assert compound_parts("kontaktbeschränkung") == ("kontakt", "beschränkung")
    assert compound_parts("infektionszahl") == ("infektion", "zahl")  # the linking s goes
    assert compound_parts("lockerung") == ()  # no word and a suffix
    assert compound_parts("wirtschaft") == () and compound_parts("mitgliedschaft") == ()  # common; a suffix
    a = profile("Neuinfektionen steigen wieder", (), [], lang="de")
    b = profile("Die Infektionszahlen im Landkreis", (), [], lang="de")
    assert "infektion" in set(a.weights) & set(b.weights)
    assert a.weights["infektion"] < a.weights["neuinfektion"]  # a part weighs less than the compound


def test_a_name_is_no_compound() -> None:
    """A camel-cased brand or a one-word actor keeps its own weight and gives none to parts of its spelling."""
    p = profile("Kontaktbeschränkung bei Sonnstrahl", ("Sonnstrahl",), ["Die DatenWolke wächst."], lang="de")
    assert "sonnstrahl" in p.weights and "datenwolke" in p.weights
    assert not {"son", "strahl", "daten", "wolke"} & set(p.weights)
    assert {"kontakt", "beschränkung"} <= set(p.weights)  # a plain compound still counts by its parts


def test_a_stored_lone_article_joins_the_story_that_took_shape_after_it() -> None:
    core = "Hafenstreik Containerterminal Hafenarbeiter Tarifverhandlung Warnstreik Lohnforderung"
    early = art(1, D(2021, 3, 1), ("Jana Kowalski", "Sven Brodersen", "Hafenbetreiber"),
                "Hafenstreik Warnstreik Kowalski Brodersen Ultimatum Hafenbetreiber Lotsenboot Kaimauer")
    first = assign([early], [])
    stored = [StoryProfile.from_json(5, p.to_json(), p.first, p.last) for p in first.changed.values()]
    later = [art(i, D(2021, 3, 1 + i), ("Verdi",), core) for i in range(2, 6)]
    result = assign(later, stored)
    assert set(result.assignments.values()) == {5}  # the stored story keeps its id and slug
    assert result.changed[5].n == 5


def test_the_compact_frequency_table_agrees_with_wordfreq() -> None:
    from wordfreq import zipf_frequency

    from newsdigest.stories.terms import FLOOR_ZIPF, zipf

    for word in ["Regierung", "Straße", "Hafen", "streik", "government", "it's", "Teil-Lockdown", "harbour"]:
        for lang in ("de", "en"):
            expected = zipf_frequency(word, lang)
            assert zipf(word, lang) == (expected if expected >= FLOOR_ZIPF else 0.0), (word, lang)
    assert zipf("Xqzvblort", "de") == 0.0


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghiklmnoprstuäöüß", min_size=1, max_size=24))
def test_compound_parts_are_the_word_s_own_ends(word: str) -> None:
    from newsdigest.stories.terms import compound_parts

    parts = compound_parts(word)
    assert parts == () or (len(parts) == 2 and word.startswith(parts[0]) and word.endswith(parts[1])
                           and len(parts[0]) + len(parts[1]) <= len(word))


def test_a_headline_without_actors_is_named_by_its_two_most_salient_words() -> None:
    prof = StoryProfile(key=1)
    prof.add(D(2021, 3, 1), profile("Quarvion buys Helmbrook from a Hamburg bidder", (), [], lang="en"))
    name = story_name(prof)
    assert ": " in name and "Quarvion" in name and "Helmbrook" in name and " buys" not in name, name
