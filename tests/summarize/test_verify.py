"""The answer check: only sentences that cite existing facts holding their numbers and months survive."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from newsdigest.summarize.facts import Fact
from newsdigest.summarize.verify import check, normalise_number, numbers_in, split_sentences

FACTS = {
    1: Fact(1, "The city council chose the northern route for the tram", dt.date(2026, 3, 4), 2),
    2: Fact(2, "Objections must be filed by 30 April, the transport office said", dt.date(2026, 3, 2), 1),
    3: Fact(3, "Der Bau soll 1,2 Milliarden Euro kosten", dt.date(2026, 2, 20), 3),
}


def test_sentences_citing_real_facts_with_their_numbers_are_kept() -> None:
    verdict = check("The council chose the northern route on 4 March [1]. Objections are due by 30 April [2].", FACTS)
    assert [s.cites for s in verdict.kept] == [(1,), (2,)]
    assert verdict.dropped == ()


def test_a_sentence_without_citation_is_dropped() -> None:
    verdict = check("The council chose the northern route [1]. Everyone is happy about it.", FACTS)
    assert len(verdict.kept) == 1
    assert verdict.dropped[0][1] == "no citation"


def test_a_sentence_citing_a_missing_fact_is_dropped() -> None:
    verdict = check("The tram opens next year [99].", FACTS)
    assert verdict.kept == ()
    assert "[99]" in verdict.dropped[0][1]


def test_a_date_the_cited_facts_do_not_hold_is_dropped() -> None:
    verdict = check("Objections are due by 15 May [2].", FACTS)
    assert verdict.kept == ()
    assert verdict.dropped[0][1].startswith("states 15")


def test_a_month_the_cited_facts_do_not_hold_is_dropped() -> None:
    verdict = check("Objections are due in June [2].", FACTS)
    assert verdict.kept == () and "month 6" in verdict.dropped[0][1]


def test_a_number_must_come_from_the_facts_the_sentence_cites_not_from_others() -> None:
    verdict = check("Objections are due by 30 April and cost 1.2 billion euros [2].", FACTS)
    assert verdict.kept == ()
    assert check("Objections are due by 30 April [2] and the tram costs 1.2 billion euros [3].", FACTS).kept


def test_german_and_english_number_forms_meet() -> None:
    assert normalise_number("1.000") == normalise_number("1,000") == "1000"
    assert normalise_number("1,2") == "1.2"
    assert check("Der Bau kostet 1.2 Milliarden Euro [3].", FACTS).kept


def test_citation_after_the_full_stop_and_list_markup_are_understood() -> None:
    assert split_sentences("- The council chose the route. [1]\n- Objections by 30 April. [2]") == [
        "The council chose the route [1].", "Objections by 30 April [2]."]


def test_at_most_three_sentences() -> None:
    answer = " ".join(["The council chose the northern route [1]."] * 5)
    verdict = check(answer, FACTS)
    assert len(verdict.kept) == 3 and len(verdict.dropped) == 2


def _allowed(cites: tuple[int, ...]) -> set[str]:
    out: set[str] = set()
    for n in cites:
        fact = FACTS[n]
        assert fact.day is not None
        out |= numbers_in(fact.text) | {str(fact.day.day), f"{fact.day.day:02d}", str(fact.day.year), str(fact.sources)}
    return out


def _assert_grounded(answer: str) -> None:
    for sentence in check(answer, FACTS).kept:
        assert sentence.cites and all(n in FACTS for n in sentence.cites)
        claim = re.sub(r"\[[\d,; ]+\]", " ", sentence.text)
        assert numbers_in(claim) <= _allowed(sentence.cites)


@given(st.text(max_size=300))
def test_whatever_the_model_says_every_kept_sentence_is_grounded(answer: str) -> None:
    _assert_grounded(answer)


@given(st.lists(st.sampled_from(["The council chose", "4 March", "30 April", "15 May", "[1]", "[2]", "[7]", ".",
                                 "1,2", "Milliarden", "June", " "]), max_size=30))
def test_grounding_holds_for_sentences_built_from_fact_words(words: list[str]) -> None:
    _assert_grounded(" ".join(words))
