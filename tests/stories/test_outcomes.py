"""Outcomes of a contest's turn: the same outcome from two sides is one turn, opposite outcomes never are."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.brief import fold, same_turn
from newsdigest.stories.merge import PointIn
from newsdigest.stories.outcomes import LOSE, WIN, Names, has_outcome_verb, one_turn, opposed, outcomes
from newsdigest.stories.status import background, developments, no_comment

D = dt.date(2022, 5, 3)
NAMES = Names.of(["Kvaerna", "Baltic Yards", "Stadt Kiel", "Harbourside Council"])


def _dev(i: int, text: str, day: dt.date, article: int) -> PointIn:
    return PointIn(i, article, text, "event", 1.0 - i / 100, 0, len(text), day)


# the rest of one day's coverage: the names are everywhere, so sharing them alone makes no two tellings one
CONTEXT_EN = (
    "Kvaerna employs hundreds of welders at its yard on the river and has built ferries for decades.",
    "Baltic Yards built research vessels for the navy and hopes for further orders from the islands.",
    "The new ferries are to carry passengers and lorries between the islands from the spring onwards.",
    "Kvaerna and Baltic Yards both promised that the ferries would run on batteries in the harbour.",
)
CONTEXT_DE = (
    "Kvaerna beschäftigt Hunderte Schweißer auf seiner Werft am Fluss und baut seit Jahrzehnten Fähren.",
    "Baltic Yards hat Forschungsschiffe für die Marine gebaut und hofft auf weitere Aufträge von den Inseln.",
    "Die neuen Fähren sollen vom Frühjahr an Fahrgäste und Lastwagen zwischen den Inseln befördern.",
    "Kvaerna und Baltic Yards versprachen beide, dass die Fähren im Hafen mit Batterien fahren würden.",
)


def _turns(*texts: tuple[str, dt.date], context: tuple[str, ...] = CONTEXT_EN) -> list[list[str]]:
    """The turns the tellings fall into (each a sorted list of texts), the day's other coverage left out."""
    everything = [*texts, *((c, D) for c in context)]
    pts = [_dev(i + 1, t, day, i + 1) for i, (t, day) in enumerate(everything)]
    devs = developments(pts, {i + 1: (f"outlet-{i}.example",) for i in range(len(everything))}, {})
    mine = {t for t, _ in texts}
    return sorted(sorted(d.text for d in t.tellings if d.text in mine) for t in fold(devs)
                  if any(d.text in mine for d in t.tellings))


def test_roles_follow_word_order_in_both_languages() -> None:
    assert outcomes("Kiel lehnt das Angebot von Kvaerna ab und wählt Baltic Yards", NAMES) == {
        "Kvaerna": LOSE, "Baltic Yards": WIN}
    assert outcomes("Am Montag zog Kvaerna sein Angebot zurück.", NAMES) == {"Kvaerna": LOSE}
    assert outcomes("Die Stadt hat Baltic Yards als Partner ausgewählt.", NAMES) == {"Baltic Yards": WIN}
    assert outcomes("Kvaerna's bid was rejected by Harbourside Council, which picked Baltic Yards", NAMES) == {
        "Kvaerna": LOSE, "Baltic Yards": WIN}
    assert outcomes("Baltic Yards beat Kvaerna to the ferry contract", NAMES) == {"Baltic Yards": WIN,
                                                                                     "Kvaerna": LOSE}
    # declining to comment acts on no party
    assert outcomes("Kvaerna lehnte eine Stellungnahme ab.", NAMES) == {}


def test_the_same_outcome_from_the_other_side_is_one_turn() -> None:
    council = ("Harbourside Council rejected the bid from Kvaerna and picked Baltic Yards after a vote behind closed "
               "doors on Monday evening.")
    yard = ("Kvaerna withdrew from the race and said its welders would now concentrate on repairs and offshore "
            "platforms, leaving the field to Baltic Yards.")
    assert _turns((council, D), (yard, D)) == [sorted([council, yard])]


CITY = ("Die Stadt Kiel lehnt das Kvaerna-Angebot ab, der Zuschlag geht nach einer Sitzung hinter verschlossenen "
        "Türen an Baltic Yards.")


def test_german_the_same_outcome_from_the_other_side_is_one_turn() -> None:
    yard = ("Kvaerna zog am Montag sein Interesse zurück und will sich nun auf Reparaturen und Plattformen für "
            "Windparks konzentrieren, Baltic Yards bleibt.")
    assert _turns((CITY, D), (yard, D), context=CONTEXT_DE) == [sorted([CITY, yard])]


def test_other_days_other_dates_and_opposite_outcomes_stay_apart() -> None:
    city = ("Harbourside Council rejected the bid from Kvaerna and picked Baltic Yards after a vote behind closed "
            "doors on 3 May.")
    # reported a week later: a new report, not the same day's other side
    later = ("Kvaerna withdrew from the race and said its welders would now concentrate on repairs and offshore "
             "platforms, leaving the field to Baltic Yards.")
    assert len(_turns((city, D), (later, D + dt.timedelta(days=7)))) == 2
    # another date is another fact
    dated = later.replace("race", "race on 5 May")
    assert len(_turns((city, D), (dated, D))) == 2
    # one party ahead in one telling and behind in the other
    won, lost = "Kvaerna won the ferry contract of Harbourside Council.", "Kvaerna lost the ferry contract of Harbourside Council."
    assert not same_turn(won, lost, same_day=True)
    assert len(_turns((won, D), (lost, D))) == 2
    # two different winners of one day are two claims, not one turn
    rival = "Baltic Yards won the ferry contract of Harbourside Council."
    assert len(_turns((won, D), (rival, D))) == 2


def test_one_party_named_alone_needs_a_word_in_common() -> None:
    yard = ("Kvaerna bestätigte am Abend in einer Mitteilung an die Belegschaft, dass sein Angebot für die Fähren "
            "abgelehnt wurde.")
    lawsuit = ("Kvaerna verlor am Abend vor dem Landgericht die Klage gegen die Werftaufsicht wegen der Auflagen für "
               "die Belegschaft.")
    assert _turns((CITY, D), (yard, D), context=CONTEXT_DE) == [sorted([CITY, yard])]
    assert len(_turns((CITY, D), (lawsuit, D), context=CONTEXT_DE)) == 2


_PARTIES = st.sampled_from(["Kvaerna", "Baltic Yards", "Stadt Kiel"])
_RESULTS = st.sampled_from([WIN, LOSE])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dictionaries(_PARTIES, _RESULTS), st.dictionaries(_PARTIES, _RESULTS))
def test_opposite_outcomes_are_never_one_turn(a: dict[str, int], b: dict[str, int]) -> None:
    both = frozenset(a) | frozenset(b)
    if opposed(a, b):
        assert not one_turn(a, b, both, both)
    assert one_turn(a, b, both, both) == one_turn(b, a, both, both)


def test_the_verb_test_is_cheap_and_exact() -> None:
    assert has_outcome_verb("Oracle gewinnt Bietergefecht")
    assert not has_outcome_verb("Oracle plant eine Übernahme")


def test_no_comment_and_background_are_no_turns() -> None:
    assert no_comment("A spokesman for Kvaerna declined to comment.")
    assert no_comment("Vertreter der Werft lehnten eine Stellungnahme ab.")
    assert not no_comment("Kvaerna withdrew its bid on Monday, and a spokesman declined to comment on what "
                          "the yard would do with the hall it had built for the ferries, which cost the company "
                          "a great deal of money over the last three years.")
    assert background("Kvaerna wurde im Jahr 2009 von zwei Ingenieuren gegründet.", D)
    assert not background("Kvaerna will 2022 zwei Fähren liefern.", D)
    assert not background("Die Frist von 2021 wurde verlängert.", D)
