"""Sentence bounds and tense cues of temporal/tense.py."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.extract.temporal.tense import Ctx

QUOTED = "``The plant is going to close in the fall.'' The figures showed a loss."


def test_sentence_ends_after_doubled_closing_quotes() -> None:
    ctx = Ctx(QUOTED, "en", dt.date(2021, 3, 10))
    start, end = ctx.sentence(QUOTED.index("fall"))
    assert QUOTED[start:end].rstrip().endswith(".''")


def test_next_sentence_lends_no_tense_to_a_quote() -> None:
    ctx = Ctx(QUOTED, "en", dt.date(2021, 3, 10))
    s = QUOTED.index("the fall")
    assert ctx.tense(s, s + len("the fall")) == "future"


def _tense_at(text: str, phrase: str) -> str | None:
    ctx = Ctx(text, "de", dt.date(2021, 3, 10))
    s = text.index(phrase)
    return ctx.tense(s, s + len(phrase))


@pytest.mark.parametrize(
    "text",
    [
        "Die Regierung teilte am Montag mit, dass die Wahl bald stattfinden soll.",  # weak past of a reporting verb
        "Der Minister warnte am Montag, die Preise werden steigen.",
        "Der Konzern übernahm am Montag die Firma, die bald schließen soll.",  # strong past with a prefix
        "Wie die Behörde am Montag bekanntgab, wird die Anlage bald geprüft.",
    ],
)
def test_german_simple_past_cues(text: str) -> None:
    assert _tense_at(text, "Montag") == "past"


@pytest.mark.parametrize(
    "text",
    [
        "Die Stellen sollen am Montag ausgeschrieben werden.",  # a participle, not "schrieben"
        "Zwar wird am Montag gewählt.",  # "zwar" is no "war"
        "Die genannte Frist wird am Montag verlängert.",  # a participle adjective
    ],
)
def test_german_participles_are_no_past_cue(text: str) -> None:
    assert _tense_at(text, "Montag") == "future"
