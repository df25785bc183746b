"""The brief: clause compression, one telling per turn, different facts kept apart."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.stories.brief import MAX_CHARS, brief, compress, fold, same_turn
from newsdigest.stories.merge import PointIn, conflicting, merge_points
from newsdigest.stories.status import developments

D = dt.date(2021, 3, 4)


def test_attributions_and_parentheticals_go_first() -> None:
    s = ("Die Hafenbetreiber haben dem Schlichterspruch zugestimmt (nach zwölf Stunden Verhandlung), "
         "und die Kräne in Kiel laufen wieder an, sagte ein Sprecher der Gewerkschaft am Abend. "
         + "Weitere Einzelheiten zur Einigung folgen im Lauf der Woche und werden dann veröffentlicht. " * 2)
    out = compress(s)
    assert "sagte ein Sprecher" not in out and "Verhandlung)" not in out
    assert len(out) <= MAX_CHARS


def test_english_source_familiar_clause_is_dropped() -> None:
    s = ("The port operator accepted the mediator's offer to end the harbour strike after two weeks, "
         "a source familiar with the talks told the Kiel Courier. " + "More details were expected later. " * 4)
    assert "familiar" not in compress(s)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Hafenstreik", "Verdi,", "legt", "Kiel", "(heute)", "lahm;", "und", "der",
                                 "Containerterminal", "–", "sagte", "ein", "Sprecher."]), min_size=1, max_size=120))
def test_never_over_the_limit_and_never_inside_a_word(tokens: list[str]) -> None:
    s = " ".join(tokens)
    out = compress(s)
    assert len(out) <= MAX_CHARS
    if out.endswith("…"):
        head = out[:-1].rstrip(" ,;:–—")
        last = head.split()[-1] if head.split() else ""
        assert last.strip("();,.–") in {t.strip("();,.–") for t in tokens}


def test_the_same_turn_in_other_words_is_one_turn() -> None:
    assert same_turn("Verdi beendet den Hafenstreik in Kiel nach Schlichterspruch",
                     "Hafenstreik in Kiel nach Schlichterspruch beendet")


def test_different_dates_are_different_developments() -> None:
    a, b = "The council will vote on December 12 on the harbour plan", "The council vote on the harbour plan was postponed to January 22"
    assert conflicting(a, b) and not same_turn(a, b)
    assert not conflicting("vote on 12 December", "vote on 12 December 2021")
    points = [PointIn(1, 1, a, "event", 1.0, 0, 10, D), PointIn(2, 2, b, "event", 0.9, 0, 10, D)]
    assert len(merge_points(points)) == 2


def _dev(i: int, text: str, day: dt.date, article: int) -> PointIn:
    return PointIn(i, article, text, "event", 1.0 - i / 100, 0, len(text), day)


def test_the_lead_is_the_newest_turn_with_every_source_that_carried_it() -> None:
    pts = [
        _dev(1, "Verdi beendet den Hafenstreik in Kiel nach dem Schlichterspruch.", dt.date(2021, 3, 9), 1),
        _dev(2, "Hafenstreik in Kiel nach Schlichterspruch beendet, Kräne laufen wieder.", dt.date(2021, 3, 9), 2),
        _dev(3, "Verdi ruft die Hafenarbeiter in Kiel zum unbefristeten Streik auf.", dt.date(2021, 3, 1), 3),
    ]
    devs = developments(pts, {1: ("a.example",), 2: ("b.example",), 3: ("a.example",)}, {})
    lead, earlier = brief(devs)
    assert lead is not None and lead.published == dt.date(2021, 3, 9)
    assert len(lead.sources) == 2 and lead.article_ids == [1, 2]
    assert [t.published for t in earlier] == [dt.date(2021, 3, 1)]
    assert len(fold(devs)) == 2


def test_captions_and_teasers_are_no_developments() -> None:
    told = "The port authority accepted the union's offer on Tuesday and the cranes are running again."
    caption = "Back to work: dock workers walk past the northern gate of the harbour on Tuesday morning"
    teaser = "Read more about the strike and how it began"
    points = [_dev(1, caption, D, 1), _dev(2, told, D, 1), _dev(3, teaser, D, 2)]
    texts = [d.text for d in developments(points, {1: ("a",), 2: ("b",)}, {})]
    assert texts == [told]


def test_a_long_sentence_is_cut_before_a_clause_it_can_do_without() -> None:
    s = ("Der Hafenbetreiber hat nach zwei Wochen Streik und drei gescheiterten Runden beim Schlichter in Kiel am "
         "Dienstag ein neues Angebot vorgelegt, um sicherzustellen, dass die Containerschiffe in der Bucht noch vor "
         "dem Wochenende entladen werden können, was die Reedereien seit Tagen fordern.")
    out = compress(s)
    assert out == ("Der Hafenbetreiber hat nach zwei Wochen Streik und drei gescheiterten Runden beim Schlichter in "
                   "Kiel am Dienstag ein neues Angebot vorgelegt…")


def test_a_trailing_concession_goes_first() -> None:
    s = ("The port authority signed an order on Monday that tells the operator of the northern container terminal "
         "at Kiel, a company owned by three shipping lines, to clear the quay of empty containers by Friday, "
         "although the unions asked for two more weeks and the operator said it lacked the trucks to do it.")
    assert len(s) > MAX_CHARS
    assert compress(s) == ("The port authority signed an order on Monday that tells the operator of the northern "
                           "container terminal at Kiel, a company owned by three shipping lines, to clear the quay "
                           "of empty containers by Friday…")


def test_a_lead_in_before_a_colon_goes() -> None:
    s = ("Was der Bürgermeister am Montagabend im Rathaus nicht sagte: Der Hafen bleibt mindestens bis Ende März für "
         "Kreuzfahrtschiffe gesperrt.")
    assert len(s) > MAX_CHARS // 2
    assert compress(s) == "Der Hafen bleibt mindestens bis Ende März für Kreuzfahrtschiffe gesperrt."
    assert compress("Hafenstreik: Verdi droht mit Ausweitung") == "Hafenstreik: Verdi droht mit Ausweitung"


def test_one_days_tellings_of_the_same_date_for_the_same_thing_are_one_turn() -> None:
    a = "Die Einschränkungen für den Hafen sollen bis Ende Februar verlängert werden."
    b = "Der Senator sagte, die bisherigen Beschränkungen müssten nach seiner Einschätzung bis Ende Februar gelten."
    c = "Die Fähren nach Oslo fahren nach Angaben der Reederei erst wieder ab Ende Februar."
    pts = [_dev(1, a, D, 1), _dev(2, b, D, 2), _dev(3, c, D, 3)]
    turns = fold(developments(pts, {1: ("a",), 2: ("b",), 3: ("c",)}, {}))
    assert sorted(len(t.tellings) for t in turns) == [1, 2]
