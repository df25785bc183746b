"""Clustering a story that runs for weeks: its first days, words common to many stories, phases, names.

Every article here is invented.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.stories import cluster
from newsdigest.stories.cluster import MERGE_SIM, ArticleTerms, StoryProfile, assign, similarity
from newsdigest.stories.split import SPLIT_SIM, split
from newsdigest.stories.terms import lemma, profile

D = dt.date


def _de(i: int, day: dt.date, title: str, body: str, actors: tuple[str, ...] = ()) -> ArticleTerms:
    return ArticleTerms(i, day, profile(title, actors, [body], lang="de"))


def _groups(result: cluster.Clustering) -> list[list[int]]:
    keys = sorted(set(result.assignments.values()))
    return sorted(sorted(a for a, k in result.assignments.items() if k == key) for key in keys)


def test_a_word_of_a_name_stays_as_written() -> None:
    """The lemmatiser takes some surnames for verbs ("Lindert" -> lindern); a name's word is kept as it is."""
    assert lemma("Lindert", "de") == "lindern"  # what would happen without the rule
    p = profile("Lindert verteidigt die Hafenumlage", ("Mara Lindert",),
                ["Lindert sagte, die Hafenumlage bleibe."], lang="de")
    assert "lindert" in p.weights and "lindern" not in p.weights


# -- a story's first days ---------------------------------------------------------------------------------------

CORE = "Hafenstreik Hafenarbeiter Warnstreik Containerterminal Tarifrunde Streikposten"
EARLY = CORE + " Lotsenboot Kaimauer Sperrwerk Schleusentor"  # what the first days are about
LATER = CORE + " Tarifabschluss Schlichtung Lohnangebot Tarifvertrag Schlichterspruch Urabstimmung"


def _weeks() -> list[ArticleTerms]:
    first = _de(1, D(2021, 3, 1), "Lotsenboot an der Kaimauer", "Festmacher und Hafenmeisterei: Lotsenboot an der Kaimauer.")
    early = [_de(i, D(2021, 3, 1 + i), EARLY, EARLY, ("Verdi",)) for i in range(2, 6)]
    later = [_de(i, D(2021, 3, 1) + dt.timedelta(days=5 + i), LATER, LATER, ("Verdi",)) for i in range(6, 40)]
    return [first, *early, *later]


def test_the_first_article_joins_a_story_of_weeks_by_its_articles_of_the_same_days() -> None:
    """Before the story took shape its first article stood alone; weeks later the story's profile holds what most
    of its articles say (the talks), not the first days' words, but its articles of those days do."""
    assert _groups(assign(_weeks(), [])) == [list(range(1, 40))]


def test_without_the_look_at_the_same_days_it_stays_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "LOCAL_DAYS", -1000)  # no article lies in the window: the whole profile only
    assert _groups(assign(_weeks(), [])) == [[1], list(range(2, 40))]


# -- words common to many stories ---------------------------------------------------------------------------------

ROTATE = ["Ausgangssperre", "Kontaktverbot", "Bußgeldkatalog"]


def _measure_and_ski() -> list[ArticleTerms]:
    measure = [_de(i, D(2021, 1, 1) + dt.timedelta(days=i), "Landesregierung verschärft Notverordnung",
                   f"Notverordnung Landesregierung Sperrstunde {ROTATE[i % 3]} Maskenpflicht") for i in range(1, 13)]
    ski = [_de(20 + i, D(2021, 1, 5 + i), "Skigebiet schließt Seilbahn",
               "Skigebiet Seilbahn Skipass Gondelbahn Ausgangssperre Neuinfektionsrate") for i in range(2)]
    in_force = _de(30, D(2021, 1, 14), "Ausgangssperre tritt in Kraft: Polizeistreife und Ordnungsamt kontrollieren Nachtruhe",
                   "Ausgangssperre Neuinfektionsrate Sperrstunde Polizeistreife Ordnungsamt Bußgeldbescheid Streifenwagen")
    return [*measure, *ski, in_force]


def test_an_article_a_small_story_took_on_common_words_moves_to_the_story_it_fits_better() -> None:
    """The measure coming into force shares "Ausgangssperre" with two ski-resort articles of the week before and
    joins them as it arrives (the measure's story holds that word in a third of its articles); once all are placed,
    it scores higher with the measure's story than with the ski pair, and moves."""
    assert _groups(assign(_measure_and_ski(), [])) == [[*range(1, 13), 30], [20, 21]]


def test_without_the_third_look_it_stays_with_the_ski_resorts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "regroup", lambda *args: None)
    assert _groups(assign(_measure_and_ski(), [])) == [list(range(1, 13)), [20, 21, 30]]


def test_a_pair_joins_a_bigger_story_only_when_most_of_its_articles_would() -> None:
    """Two ski-resort articles, one of them also on the measure: together they hold enough of the measure's words
    to join it at the second look, but only one of them would on its own — they stay a story of their own."""
    measure = [_de(i, D(2021, 1, 1) + dt.timedelta(days=i), "Landesregierung verschärft Notverordnung",
                   "Notverordnung Landesregierung Sperrstunde Ausgangssperre Maskenpflicht") for i in range(1, 9)]
    ski = [_de(20, D(2021, 1, 6), "Skigebiet schließt Seilbahn", "Skigebiet Seilbahn Skipass Gondelbahn Pistenraupe"),
           _de(21, D(2021, 1, 6), "Skigebiet schließt Seilbahn und Gondelbahn",
               "Skigebiet Seilbahn Skipass Notverordnung Landesregierung Sperrstunde Ausgangssperre")]
    pair = StoryProfile(key=2)
    for a in ski:
        pair.add(a.published, a.profile)
    whole = StoryProfile(key=1)
    for a in measure:
        whole.add(a.published, a.profile)
    # the case: as one pseudo-article the pair would join; its ski-only article would not
    assert cluster.joins(cluster._as_terms(pair), whole, min_share=cluster.REHOME_SHARE) is not None
    assert cluster.joins(ski[0].profile, whole, min_share=cluster.REHOME_SHARE) is None
    assert _groups(assign([*measure, *ski], [])) == [list(range(1, 9)), [20, 21]]


# -- phases of one story -------------------------------------------------------------------------------------------

PEOPLE = ("Petra Holmgaard", "Olav Brekke")  # the minister and the union leader, in every article
SCHEME = ["Petra Holmgaard and Olav Brekke defend the Kurzarbeit subsidy",
          "Olav Brekke asks Petra Holmgaard to keep the Kurzarbeit subsidy",
          "Petra Holmgaard: Kurzarbeit subsidy ends in autumn, Olav Brekke warns"]
SUCCESSOR = ["Petra Holmgaard unveils a bridging grant, Olav Brekke welcomes it",
             "Olav Brekke and Petra Holmgaard sign the bridging grant",
             "Bridging grant opens: Petra Holmgaard and Olav Brekke visit a shipyard"]


def _phases(times_scheme: int, times_successor: int) -> tuple[StoryProfile, list[ArticleTerms]]:
    texts = SCHEME * times_scheme + SUCCESSOR * times_successor
    members = [ArticleTerms(i, D(2021, 9, 1 + i), profile(t, PEOPLE, [t], lang="en")) for i, t in enumerate(texts)]
    whole = StoryProfile(key=3)
    for m in members:
        whole.add(m.published, m.profile)
    return whole, members


def test_a_scheme_and_the_plan_that_replaces_it_are_one_story_not_two() -> None:
    """Their topic words differ (what the split looked at alone), but the parts are alike as a whole — the same
    minister and union leader in every article: the story's next phase, not a second story."""
    whole, members = _phases(3, 2)
    assert split(whole, members, -1) is None


@pytest.mark.parametrize(("scheme", "successor"), [(2, 2), (3, 2), (2, 4), (4, 4)])
def test_split_parts_would_not_merge_again(scheme: int, successor: int) -> None:
    """Whatever split() returns, consolidate would not merge its parts again (by either of its measures)."""
    whole, members = _phases(scheme, successor)
    found = split(whole, members, -1)
    if found is not None:
        assert similarity(found.keep, found.part, topic_only=True) < SPLIT_SIM
        assert similarity(found.keep, found.part) < MERGE_SIM


def test_a_pair_is_no_story_yet_to_take_in_a_lone_article() -> None:
    """A stored lone article on the minister's subsidy and, next day, a pair on her fuel levy that mentions the
    shipyards: the lone article's few words are all in the pair (it would join it at the second look's share),
    but two articles are no story that has taken shape — both stay as they are."""
    lone = ArticleTerms(1, D(2021, 9, 1), profile("Shipyards lose their Kurzarbeit subsidy", ("Petra Holmgaard",),
                                                  ["Petra Holmgaard says the shipyards lose the subsidy."], lang="en"))

    def levy(i: int, title: str) -> ArticleTerms:
        return ArticleTerms(i, D(2021, 9, 2), profile(title, PEOPLE, [title, "Olav Brekke speaks for the shipyards."],
                                                      lang="en"))

    pair = [levy(2, "Holmgaard weighs a ferry fuel levy on harbour tugs and pilot boats"),
            levy(3, "Ferry fuel levy on harbour tugs and pilot boats splits the coalition")]
    first = assign([lone], [])
    stored = [StoryProfile.from_json(5, p.to_json(), p.first, p.last) for p in first.changed.values()]
    together = StoryProfile(key=9)
    for a in pair:
        together.add(a.published, a.profile)
    assert cluster.joins(lone.profile, together, min_share=cluster.REHOME_SHARE) is not None  # the case
    result = assign(pair, stored)
    assert result.merged == {} and set(result.assignments.values()) == {-1}


def test_a_hyphenated_name_s_parts_are_the_name_not_a_topic() -> None:
    """The text's words are split at hyphens: "Brodt-Kalinski" gives brodt and kalinski, which are the minister's
    name, not a topic two of her stories share."""
    actors = ("Johanna Brodt-Kalinski",)
    port = _de(1, D(2021, 5, 3), "Brodt-Kalinski besucht den Fährhafen",
               "Innenministerin Brodt-Kalinski sprach im Fährhafen mit Lotsen über die Kaimauer.", actors)
    school = _de(2, D(2021, 5, 4), "Brodt-Kalinski stellt die Schulreform vor",
                 "Innenministerin Brodt-Kalinski will Ganztagsschulen und mehr Lehrerstellen.", actors)
    assert {"brodt", "kalinski"} <= port.profile.names
    assert len(set(assign([port, school], []).assignments.values())) == 2


# -- someone in common --------------------------------------------------------------------------------------------

POLICE = "Der Tatverdächtige wurde festgenommen, ein Beamter wurde verletzt, sagte ein Polizeisprecher."


def test_two_reports_of_one_kind_naming_no_one_in_common_stay_apart() -> None:
    """Two police reports from two towns share the words of police reports, not a story."""
    a = _de(1, D(2021, 5, 3), "Einbrecher in Lindau festgenommen", f"In Lindau stieg ein Mann in ein Juweliergeschäft "
            f"ein. {POLICE}", ("Lindau",))
    b = _de(2, D(2021, 5, 3), "Brandstifter in Husum festgenommen", f"In Husum brannte eine Scheune. {POLICE}",
            ("Husum",))
    story = cluster._profile_of([a], -1)
    score, shared, topic = cluster.match_score(b.profile, story)
    own = sum(b.profile.weights.values())
    # by its words alone the second report would join the first
    assert shared >= cluster.MIN_SHARED and score >= cluster.MIN_SCORE and topic >= cluster.MIN_TOPIC
    assert score / own >= cluster.MIN_SHARE
    assert not cluster.shares_someone(b.profile, story)
    assert len(set(assign([a, b], []).assignments.values())) == 2


def test_a_month_read_as_a_name_is_no_one_in_common() -> None:
    """Extraction may take "Dec" or "Montag" for an actor; two reports naming only that share no one."""
    a = _de(1, D(2021, 5, 3), "Fährreederei Nord meldet Gewinn", "Die Fährreederei Nord meldet am Montag Gewinn.",
            ("Montag", "Fährreederei Nord"))
    b = _de(2, D(2021, 5, 3), "Kabelwerke Süd melden Gewinn", "Die Kabelwerke Süd melden am Montag Gewinn.",
            ("Montag", "Kabelwerke Süd"))
    assert not cluster.shares_someone(b.profile, cluster._profile_of([a], -1))
    assert cluster.shares_someone(a.profile, cluster._profile_of([a], -1))
