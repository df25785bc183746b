"""What a key date is about (invented sentences, time expressions given by hand): an expiry's `what` is the noun
phrase of what ends, in the nominative and with no verb; a deadline's says who must do what."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.extract.deadlines import find_deadlines
from newsdigest.extract.keydate_what import (
    head_noun,
    is_noun_phrase,
    is_plural,
    nominative,
    noun_phrase,
    stored_what,
)
from newsdigest.extract.sentences import split
from newsdigest.extract.types import DeadlineRec, Timex

PUB = dt.date(2021, 3, 10)


def tx(text: str, phrase: str, value: str, typ: str = "DATE", mod: str | None = None) -> Timex:
    start = text.index(phrase)
    return Timex(start, start + len(phrase), phrase, typ, value, mod)


def deadlines(text: str, *timexes: Timex) -> list[DeadlineRec]:
    return find_deadlines(text, split(text), list(timexes), PUB)


def whats(text: str, *timexes: Timex) -> list[tuple[str, str]]:
    return [(d.kind, d.what) for d in deadlines(text, *timexes)]


@pytest.mark.parametrize(("text", "phrase", "value", "what"), [
    ("Das Versammlungsverbot gilt bis zum 3. Mai.", "3. Mai", "2021-05-03", "Versammlungsverbot"),
    ("The 90-day pause ends on July 9.", "July 9", "2021-07-09", "90-day pause"),
    ("Die Kontaktsperren werden bis zum 30. April verlängert.", "30. April", "2021-04-30", "Kontaktsperren"),
    ("The ferry loan schemes end on 30 April.", "30 April", "2021-04-30", "ferry loan schemes"),
])
def test_an_expiry_names_what_ends_without_a_verb(text: str, phrase: str, value: str, what: str) -> None:
    assert whats(text, tx(text, phrase, value)) == [("expiry", what)]


@pytest.mark.parametrize(("text", "phrase", "value", "what"), [
    ("Der Senat beschloss die Verlängerung des Alkoholverbots bis zum 30. April.", "30. April", "2021-04-30",
     "Alkoholverbot"),
    ("Der Senat beschloss die Verlängerung des bis Ende März befristeten Hafen-Lockdowns bis zum 30. April.",
     "30. April", "2021-04-30", "Hafen-Lockdown"),
])
def test_a_measure_in_the_genitive_is_named_in_the_nominative(text: str, phrase: str, value: str, what: str) -> None:
    found = deadlines(text, tx(text, phrase, value))
    assert [d.what for d in found] == [what]


def test_steps_a_pronoun_stands_for_are_the_measure_the_article_names() -> None:
    text = ("Die Ausgangssperre gilt ab Montag. Die Ausgangssperre betrifft alle Bezirke. Bund und Länder einigten "
            "sich am Mittwoch auf die harten Schritte. Sie sollen zunächst bis Ende April dauern.")
    assert whats(text, tx(text, "Ende April", "2021-04", mod="END")) == [("expiry", "Ausgangssperre")]


def test_an_extension_of_something_unnamed_names_the_noun_phrase_it_opens_with() -> None:
    text = "So sollen Bonuszahlungen für Familien bis März 2022 verlängert werden."
    assert whats(text, tx(text, "März 2022", "2022-03")) == [("expiry", "Bonuszahlungen für Familien")]


def test_bracing_for_restrictions_is_an_expectation_not_a_key_date() -> None:
    text = 'Der Bürgermeister sagte: "Ich richte mich darauf ein, dass wir bis April mit Auflagen leben müssen."'
    assert deadlines(text, tx(text, "April", "2021-04")) == []


@pytest.mark.parametrize(("text", "phrase", "value", "what"), [
    ("The council extended the filing deadline for the harbour permits until May 30.", "May 30", "2021-05-30",
     "harbour permits"),
    ("Die Frist zur Abgabe der Steuererklärung endet am 31. Juli.", "31. Juli", "2021-07-31",
     "Abgabe der Steuererklärung"),
])
def test_a_deadline_noun_is_not_repeated_in_what_is_due(text: str, phrase: str, value: str, what: str) -> None:
    assert [d.what for d in deadlines(text, tx(text, phrase, value))] == [what]


def test_a_demonstrative_object_is_the_object_the_sentence_before_gives_the_same_verb() -> None:
    text = ("Ferry rules state that operators looking to cut more than 20 routes have to start a 30-day consultation "
            "period. It means those planning to cut routes before the winter timetable legally have to start those "
            "talks before Friday, 9 October.")
    found = deadlines(text, tx(text, "Friday, 9 October", "2021-10-09"))
    assert [d.what for d in found] == ["Those planning to cut routes: start a 30-day consultation period"]


def test_a_demonstrative_with_no_antecedent_reads_as_the() -> None:
    text = "The council wrote to the shops in March. Traders must send those papers by 3 April."
    assert [d.what for d in deadlines(text, tx(text, "3 April", "2021-04-03"))] == ["Traders: send the papers"]


# -- the noun phrase and its number ------------------------------------------------------------------------------


@pytest.mark.parametrize(("head", "before", "nominative_form"), [
    ("Teil-Lockdowns", "die Verlängerung des", "Teil-Lockdown"),
    ("Verbotes", "die Aufhebung des", "Verbot"),
    ("Beschlusses", "wegen eines", "Beschluss"),
    ("Hilfsprogramms", "nach dem Ende des am 30. Juni auslaufenden", "Hilfsprogramm"),
    ("Lockdowns", "die", "Lockdowns"),  # a plural
    ("Status", "des", "Status"),
    ("lockdowns", "the end of the", "lockdowns"),
])
def test_nominative(head: str, before: str, nominative_form: str) -> None:
    assert nominative(head, before) == nominative_form


@pytest.mark.parametrize(("np", "plural"), [
    ("Kontaktbeschränkungen", True), ("Teil-Lockdown", False), ("Weihnachtsferien", True), ("Regel", False),
    ("Entschädigungsansprüche für Eltern", True), ("Corona-Auflagen", True), ("emergency loan schemes", True),
    ("job retention scheme", False), ("Large Business Interruption Loans", True), ("CBILS", False),
    ("temporary VAT cut", False), ("state of emergency", False), ("status", False),
])
def test_number(np: str, plural: bool) -> None:
    assert is_plural(np) is plural


def test_head_noun() -> None:
    assert head_noun("Einschränkungen des Teil-Lockdowns") == "Einschränkungen"
    assert head_noun("Government's furlough scheme") == "scheme"


def test_rows_stored_with_an_english_verb_read_as_today() -> None:
    assert stored_what("expiry", "Kontaktbeschränkungen ends") == "Kontaktbeschränkungen"
    assert stored_what("expiry", "Schulen: geschlossen bleiben") == "Schulen: geschlossen bleiben"
    assert stored_what("deadline", "trends") == "trends"
    extended = "expiry: extension of a measure (extension 'verlängerung' + measure 'lockdown')"
    assert stored_what("expiry", "Teil-Lockdowns ends", extended) == "Teil-Lockdown"
    assert stored_what("expiry", "Lockdowns ends", "expiry: ends (ending verb 'enden')") == "Lockdowns"


@pytest.mark.parametrize(("what", "np"), [
    ("Teil-Lockdown", True), ("the truce", True), ("Acme to sell its cloud unit", False),
    ("Schulen geschlossen halten", False), ("payments fall due", True), ("Schulen: zu bleiben", False),
])
def test_is_noun_phrase(what: str, np: bool) -> None:
    # "payments fall due" has no verb the list knows: it reads "payments fall due ends" only as an expiry, and
    # extraction never stores such a clause for one (an expiry's what is made by noun_phrase)
    assert is_noun_phrase(what) is np


def test_a_lasting_state_or_a_pronoun_names_no_thing_that_ends() -> None:
    assert noun_phrase("Die Schulen bleiben geschlossen") == ""
    assert noun_phrase("It had been due to expire") == ""


def test_an_ultimatum_on_behalf_of_someone_keeps_its_noun() -> None:
    text = "The envoys delivered an ultimatum on behalf of the allies by March 4."
    found = deadlines(text, tx(text, "March 4", "2021-03-04"))
    assert [d.what for d in found] == ["ultimatum on behalf of the allies"]


_WORD = st.text(alphabet="abcdefghijklmnoprstuvwzäöüßABCDEFGHKLMNOPRSTUVWZÄÖÜ- ", min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(_WORD)
def test_noun_phrase_is_idempotent(s: str) -> None:
    once = noun_phrase(s)
    assert noun_phrase(once) == once
    assert set(once.split()) <= set(s.split())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghilmnorstuäöüABDEGKLMSTÄÖÜ", min_size=1, max_size=20), _WORD)
def test_nominative_strips_at_most_a_genitive_ending(head: str, before: str) -> None:
    out = nominative(head, before)
    assert head.startswith(out) and len(head) - len(out) <= 2 and out


@settings(max_examples=200, deadline=None)
@given(_WORD)
def test_number_is_decided_for_any_phrase(s: str) -> None:
    assert isinstance(is_plural(s), bool)
    assert stored_what("expiry", stored_what("expiry", s + " ends")) == stored_what("expiry", s + " ends")


def test_a_date_after_for_is_what_a_figure_is_of_not_an_extended_end() -> None:
    text = "The sales figures for March extended a run of gains that began in the autumn."
    assert deadlines(text, tx(text, "March", "2021-03")) == []



def test_a_measure_in_a_list_of_measures_names_the_list() -> None:
    text = ("The minister extended the availability of Harbour Grants, Ferry Recovery Loans, Coastal Business Loans "
            "and the Island Fund until November 30.")
    assert whats(text, tx(text, "November 30", "2021-11-30")) == [
        ("expiry", "Harbour Grants, Ferry Recovery Loans, Coastal Business Loans and the Island Fund")]


def test_a_list_of_names_is_not_what_ends() -> None:
    text = "Wolfgang Schmidt, Anna Berg und das Programm laufen bis Ende Mai."
    assert [d.what for d in deadlines(text, tx(text, "Ende Mai", "2021-05", mod="END"))] == ["Programm"]


@pytest.mark.parametrize(("np", "plural"), [
    ("Kontaktsperren und Schulschließungen", True), ("Harbour Grants, Ferry Loans and the Island Fund", True),
    ("Verbot für Ein- und Ausreise", False),
])
def test_a_coordination_is_plural(np: str, plural: bool) -> None:
    assert is_plural(np) is plural
