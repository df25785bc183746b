"""Cues that a sentence is background, a quotation only, or reporting about reporting (invented sentences)."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.stories.cues import (
    dated_before,
    looks_back,
    meta_report,
    pluperfect,
    quotation_only,
    recap,
    states_facts,
)


@pytest.mark.parametrize("s", [
    "Am Freitag hatten sich Senat und Gewerkschaft auf einen Schlichter geeinigt.",
    "Die Reederei hatte den Fahrplan für die Linie nach Oslo bereits gekürzt, und die Crews protestierten.",
    "Die Verhandlungen über den Tarifvertrag waren am Montag gescheitert.",
    "Der Sanierungsplan war im Sommer vom Stadtrat beschlossen worden.",
    "The council had approved the harbour plan in May.",
    "The two sides had already agreed on a mediator.",
    "The pier had been closed to the public for repairs.",
])
def test_a_main_clause_in_the_pluperfect_tells_an_earlier_turn(s: str) -> None:
    assert pluperfect(s) and looks_back(s)


@pytest.mark.parametrize("s", [
    "Der Hafen bleibt bis Ende März für Kreuzfahrtschiffe geschlossen.",
    "Die Werft war am Dienstag wegen des Streiks geschlossen.",  # a past state, not a pluperfect
    "Nachdem sich die Parteien geeinigt hatten, laufen die Kräne wieder.",  # the main clause is the news
    "Kurz nachdem der Senat das Gesetz beschlossen hatte, hat die Reederei Klage eingereicht.",
    "Der Beschluss, den die Länder gefasst hatten, gilt ab Montag.",
    "Die Reederei hatte keine Wahl.",
    "The council had to postpone the vote on the harbour plan.",
    "After the council had voted, the mayor signed the order.",
    "Shortly after the council had voted, the mayor resigned.",
    "The plan, which had been agreed by both unions, starts on Monday.",
])
def test_no_pluperfect_main_clause(s: str) -> None:
    assert not pluperfect(s)


@pytest.mark.parametrize("s", [
    "Am vergangenen Donnerstag legten die Hafenarbeiter die Arbeit nieder.",
    "Die Gewerkschaft drohte bereits in der vergangenen Woche mit einem Streik.",
    "Vor zwei Wochen stimmte der Stadtrat dem Plan zu.",
    "Last week, the council agreed to close the pier.",
    "The union threatened a strike earlier this month.",
    "The operator cut two routes three weeks ago.",
])
def test_recap_markers_date_a_sentence_before_its_article(s: str) -> None:
    assert recap(s) and looks_back(s)


@pytest.mark.parametrize("s", [
    "Die Fähren fahren seit gestern nicht mehr.",  # "gestern"/"yesterday" date the report's own news
    "The ferries stopped yesterday and will not sail before Friday.",
    "The plan, which was agreed last week, starts on Monday.",  # the marker dates an aside only
    "Der Streik soll am Montag beginnen.",
])
def test_no_recap(s: str) -> None:
    assert not recap(s)


@pytest.mark.parametrize("s", [
    "Zunächst hatten die Hafenzeitung und mehrere Agenturen über die Vorlage des Senats berichtet.",
    "Als erstes Blatt hatte die Kieler Rundschau den Entwurf gemeldet.",
    "Mehrere Sender hatten am Morgen über den Entwurf berichtet.",
    "The closure was first reported by the Kiel Courier.",
    "The Courier had reported on the draft before the vote.",
])
def test_reporting_about_reporting(s: str) -> None:
    assert meta_report(s) and looks_back(s)


@pytest.mark.parametrize("s", [
    "Die Rundschau berichtet, der Senat wolle die Sperrung bis Ende März verlängern.",  # reports the news itself
    "The Courier reported that the pier will reopen in May.",
])
def test_a_report_that_tells_the_news_is_no_meta_report(s: str) -> None:
    assert not meta_report(s)


@pytest.mark.parametrize("s", [
    "„Wir geben nicht auf“",
    "„Der Sommer wird lang – aber er geht vorbei“",
    "Bürgermeisterin: „Wir geben nicht auf“",
    '"We will not give up"',
    "Harbour master: ‘The pier is not safe’",
    "Der Senator sagte: „Die Brücke bleibt offen, solange sie hält.“",
])
def test_a_quotation_and_nothing_more(s: str) -> None:
    assert quotation_only(s)


@pytest.mark.parametrize("s", [
    "Hafenstreik in Kiel beendet",
    "Der Streik ist vorbei – „Wir geben nicht auf“, sagt die Gewerkschaft",
    "Senat schließt die Brücke: „Sie ist nicht mehr sicher“ – Sperrung bis Ende März und Umleitung über Gaarden",
    'Council closes pier after "serious damage" found',
])
def test_a_headline_with_an_event_besides_a_quote_is_no_quotation(s: str) -> None:
    assert not quotation_only(s)


@pytest.mark.parametrize(("s", "expected"), [
    ("Die Sperrung gilt vorerst vier Wochen.", True),
    ("The strike will last for two weeks.", True),
    ("Die Fähren fahren ab dem 12. März wieder.", True),
    ("Die Stadt zahlt 500 Euro pro Betrieb.", True),
    ("Restaurants und Bars müssen schließen.", False),
    ("A week of talks begins.", False),  # "a" is no counted number
])
def test_facts_and_counted_durations(s: str, expected: bool) -> None:
    assert states_facts(s) is expected


def test_a_year_alone_is_no_fact_of_a_measure() -> None:
    assert not states_facts("Die Reederei will im Jahr 2021 ein großer Anbieter in Skandinavien werden.")
    assert states_facts("Die Reederei will im Jahr 2021 Fähren für 40 Millionen Euro kaufen.")


MID_SEPT = dt.date(2021, 9, 14)


@pytest.mark.parametrize(("s", "expected"), [
    ("Der Senat hatte keine Wahl, als er Ende August die Brücke sperrte.", True),  # Aug 31: two weeks before
    ("Die Klage folgt auf eine Anordnung des Senats vom 6. August.", True),
    ("The ban follows an order of August 6 by the council.", True),
    ("Die Werft wurde im August 2019 verkauft.", True),
    ("Die Frist läuft am 15. September ab.", False),
    ("Die Sperrung gilt bis zum 10. Januar.", False),  # next January, not last
    ("The new scheme will run from November and last until May.", False),  # "until" points ahead: next May
    ("Die Förderung soll ab Juli fortgesetzt werden.", False),
    ("Der Hafen öffnete im September wieder.", False),  # this month
    ("The order of 6 August was replaced on 20 September.", False),  # one of its dates is not before
    ("You may go now, the harbour master said.", False),  # "may" is no month without a day
    ("August Krone leitet die Werft.", False),  # nor "August" without a word that dates it
])
def test_dated_a_week_or_more_before_the_article(s: str, expected: bool) -> None:
    assert dated_before(s, MID_SEPT) is expected
