"""Deadline rules on invented sentences (DESIGN.md "What counts as a deadline"), independent of any tagger:
the time expressions are given by hand, so these tests pin the deadline logic alone."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.extract import extract
from newsdigest.extract.deadlines import find_deadlines, resolve_value
from newsdigest.extract.sentences import split
from newsdigest.extract.types import DeadlineRec, Timex

PUB = dt.date(2021, 3, 10)


def tx(text: str, phrase: str, value: str, typ: str = "DATE", mod: str | None = None, nth: int = 0) -> Timex:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Timex(start, start + len(phrase), phrase, typ, value, mod)


def deadlines(text: str, *timexes: Timex, published: dt.date | None = PUB) -> list[DeadlineRec]:
    return find_deadlines(text, split(text), list(timexes), published)


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Die Stadtwerke müssen die Gebühren bis zum 30. Juni zurückzahlen.", "30. Juni", "2021-06-30"),
        ("Der Verein wurde aufgefordert, die Unterlagen bis Freitag einzureichen.", "Freitag", "2021-03-12"),
        ("Anträge sind spätestens am 15. April bei der Gemeinde abzugeben.", "15. April", "2021-04-15"),
        ("Die Frist für Einsprüche endet am 2. Mai.", "2. Mai", "2021-05-02"),
        ("Das Gericht stellte der Firma ein Ultimatum bis Ende April.", "Ende April", "2021-04-30"),
        ("The regulator ordered the bank to repay customers by June 1.", "June 1", "2021-06-01"),
        ("Applicants must submit their forms no later than April 30.", "April 30", "2021-04-30"),
        ("The deadline for comments is March 31.", "March 31", "2021-03-31"),
        ("The club has until Friday to pay the fine.", "Friday", "2021-03-12"),
    ],
)
def test_limits_with_an_obligation_are_deadlines(text: str, phrase: str, value: str) -> None:
    mod = "END" if phrase.startswith("Ende") else None
    found = deadlines(text, tx(text, phrase, value if mod is None else value[:7], mod=mod))
    assert [d.value for d in found] == [value]
    assert phrase in found[0].text


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        # when something happened
        ("Am 3. März unterzeichnete der Bürgermeister den Vertrag.", "3. März", "2021-03-03"),
        ("The company filed for bankruptcy on March 3.", "March 3", "2021-03-03"),
        # scheduled events without obligation
        ("Die Landtagswahl findet am 26. September statt.", "26. September", "2021-09-26"),
        ("The trial is scheduled to begin on May 4.", "May 4", "2021-05-04"),
        # an actor's own plans and targets
        ("Der Konzern soll bis 2030 klimaneutral werden.", "2030", "2030"),
        ("Das Unternehmen plant, bis 2030 alle Filialen umzubauen.", "2030", "2030"),
        ("The carmaker aims to sell only electric cars by 2035.", "2035", "2035"),
        # effective dates
        ("Das neue Gesetz tritt am 1. Januar in Kraft.", "1. Januar", "2022-01-01"),
        ("The rules take effect on July 1.", "July 1", "2021-07-01"),
        # how long a permission, relief or state lasts
        ("Das Kraftwerk darf bis Ende Juni weiterlaufen.", "Ende Juni", "2021-06"),
        ("Repayments are deferred until 2027.", "2027", "2027"),
        ("Die Schulen bleiben bis 5. April geschlossen.", "5. April", "2021-04-05"),
        ("Die Ausstellung läuft bis 3. Oktober.", "3. Oktober", "2021-10-03"),
        # statistics reference dates
        ("Bis zum Stichtag 30. Juni gingen 200 Anträge ein.", "30. Juni", "2021-06-30"),
        ("By March 1, some 4,000 applications had been received.", "March 1", "2021-03-01"),
    ],
)
def test_events_plans_permissions_and_statistics_are_not_deadlines(text: str, phrase: str, value: str) -> None:
    mod = "END" if phrase.startswith("Ende") else None
    assert deadlines(text, tx(text, phrase, value, mod=mod)) == []


def test_duration_resolves_forward_from_publication() -> None:
    text = "Die Behörde hat dem Betreiber eine 30-tägige Frist gesetzt, um die Mängel zu beheben."
    (d,) = deadlines(text, tx(text, "30-tägige", "P30D", "DURATION"))
    assert d.value == "2021-04-09"
    assert d.text == "30-tägige Frist"
    assert d.what == "Betreiber: die Mängel beheben"


def test_duration_resolves_from_the_order_date_in_the_sentence() -> None:
    text = "In der Verfügung vom 1. Februar erhielt die Firma binnen 14 Tagen Zeit, die Strafe zu zahlen."
    found = deadlines(text, tx(text, "1. Februar", "2021-02-01"), tx(text, "14 Tagen", "P14D", "DURATION"))
    assert [d.value for d in found] == ["2021-02-15"]


def test_duration_within_days_english_and_binnen() -> None:
    en = "The ministry gave the operator ten days to respond to the findings."
    (d,) = deadlines(en, tx(en, "ten days", "P10D", "DURATION"))
    assert d.value == "2021-03-20"
    de = "Die Mieter müssen binnen zwei Wochen widersprechen."
    (d2,) = deadlines(de, tx(de, "zwei Wochen", "P2W", "DURATION"))
    assert d2.value == "2021-03-24"
    assert d2.text.startswith("binnen")


def test_duration_without_anchor_keeps_the_period() -> None:
    text = "Der Konzern muss binnen 30 Tagen zahlen."
    (d,) = deadlines(text, tx(text, "30 Tagen", "P30D", "DURATION"), published=None)
    assert d.value == "P30D"


def test_elapsed_duration_is_not_a_deadline() -> None:
    text = "Die Preise stiegen binnen 30 Tagen um zehn Prozent."
    assert deadlines(text, tx(text, "30 Tagen", "P30D", "DURATION")) == []


def test_extension_supersedes_the_earlier_deadline_and_inherits_what() -> None:
    text = (
        "Die Regierung hatte den Betreiber aufgefordert, die Anlage bis zum 31. März stillzulegen. "
        "Am Montag wurde die Frist auf den 30. Juni verlängert."
    )
    found = deadlines(
        text,
        tx(text, "31. März", "2021-03-31"),
        tx(text, "Montag", "2021-03-08"),
        tx(text, "30. Juni", "2021-06-30"),
    )
    assert [(d.value, d.supersedes) for d in found] == [("2021-03-31", None), ("2021-06-30", "2021-03-31")]
    assert found[0].what == "Betreiber: die Anlage stilllegen"
    assert found[1].what == found[0].what
    assert found[1].text == "auf den 30. Juni verlängert"


def test_english_extension() -> None:
    text = "Lawmakers must pass the budget by Oct. 1. On Tuesday the deadline was extended to Nov. 15."
    found = deadlines(
        text, tx(text, "Oct. 1", "2021-10-01"), tx(text, "Tuesday", "2021-03-09"), tx(text, "Nov. 15", "2021-11-15")
    )
    assert [(d.value, d.supersedes) for d in found] == [("2021-10-01", None), ("2021-11-15", "2021-10-01")]


def test_date_reporting_an_extension_is_not_itself_the_deadline() -> None:
    text = "Die Frist wurde diese Woche auf den 1. Juli verlängert."
    found = deadlines(text, tx(text, "diese Woche", "2021-W10"), tx(text, "1. Juli", "2021-07-01"))
    assert [d.value for d in found] == ["2021-07-01"]


def test_expiry_forcing_follow_up() -> None:
    text = "The licence lapses in March unless it is renewed."
    (d,) = deadlines(text, tx(text, "March", "2021-03"))
    assert d.value == "2021-03"  # the month the text gives; the ledger counts down to its last day


def test_what_is_the_action_in_a_few_words() -> None:
    text = "Der Minister verlangt, dass der Konzern seine Tochter bis zum 1. Mai zu verkaufen hat."
    (d,) = deadlines(text, tx(text, "1. Mai", "2021-05-01"))
    assert d.what == "Konzern: seine Tochter verkaufen"
    assert len(d.what.split()) <= 10
    en = "The court ordered Acme to sell its retail arm by May 1."
    (d2,) = deadlines(en, tx(en, "May 1", "2021-05-01"))
    assert d2.what == "Acme: sell its retail arm"


@pytest.mark.parametrize(
    ("value", "mod", "expected"),
    [
        ("2021-06", "END", "2021-06-30"),
        ("2020-02", "END", "2020-02-29"),
        ("2021-09", "MID", "2021-09-15"),
        ("2021-09", None, "2021-09"),
        ("2021", "END", "2021-12-31"),
        ("XXXX-09-15", None, "XXXX-09-15"),
        ("PRESENT_REF", None, None),
    ],
)
def test_resolve_value(value: str, mod: str | None, expected: str | None) -> None:
    assert resolve_value(Timex(0, 1, "x", "DATE", value, mod), PUB) == expected


def test_resolve_periods() -> None:
    assert resolve_value(Timex(0, 1, "x", "DURATION", "P1M"), dt.date(2021, 1, 31)) == "2021-02-28"
    assert resolve_value(Timex(0, 1, "x", "DURATION", "PT48H"), dt.date(2021, 1, 31)) == "2021-02-02"
    assert resolve_value(Timex(0, 1, "x", "DURATION", "PXD"), dt.date(2021, 1, 31)) is None
    assert resolve_value(Timex(0, 1, "x", "DURATION", "P9999Y"), dt.date(2021, 1, 31)) == "P9999Y"


def test_business_days_skip_weekends() -> None:
    friday = dt.date(2021, 3, 12)
    counted = Timex(0, 1, "x", "DURATION", "P10D", business_days=True)
    assert resolve_value(counted, friday) == "2021-03-26"
    assert resolve_value(Timex(0, 1, "x", "DURATION", "P10D"), friday) == "2021-03-22"  # calendar days


def test_business_day_deadline_end_to_end() -> None:
    text = "Berlin. Der Vermieter muss die Abrechnung binnen zehn Werktagen vorlegen, teilte der Verband mit."
    assert [d.value for d in extract(text, published=dt.date(2021, 3, 12), lang="de").deadlines] == ["2021-03-26"]


def test_offsets_index_the_text() -> None:
    text = "Vorspann.\n\nDie Firma muss bis zum 30. Juni zahlen."
    (d,) = deadlines(text, tx(text, "30. Juni", "2021-06-30"))
    assert text[d.start : d.end] == d.text == "bis zum 30. Juni"


def test_a_measure_named_by_its_month_is_replaced_at_that_months_end() -> None:
    text = "Die Oktober-Auflagen für Bars werden bis zum 14. November verlängert."
    (d,) = deadlines(text, tx(text, "Oktober", "2021-10"), tx(text, "14. November", "2021-11-14"))
    assert (d.value, d.supersedes, d.kind) == ("2021-11-14", "2021-10-31", "expiry")


def test_reasons_name_the_rule_and_its_cue_words() -> None:
    text = "Der Konzern muss die Anlage bis zum 30. Juni stilllegen."
    (d,) = deadlines(text, tx(text, "30. Juni", "2021-06-30"))
    assert d.reason == "deadline: limit + obligation (limit 'bis zum' + obligation verb 'muss')"


# -- another country's measure, named for comparison ------------------------------------------------------------

_HOME = (
    "Ministers in the UK will announce a new wage subsidy on Thursday. The UK scheme ends on 31 October, and "
    "British unions want it kept. "
)


def test_a_foreign_measure_named_for_comparison_is_no_key_date() -> None:
    text = _HOME + "The plan resembles the Dutch NOW scheme, which the Netherlands extended until the end of June."
    found = [(d.value, d.what) for d in extract(text, published=dt.date(2026, 9, 20), lang="en").deadlines]
    assert ("2026-10-31", "UK scheme") in found
    assert all(not v.startswith("2027-06") and "NOW" not in w for v, w in found)


def test_a_country_named_as_a_destination_keeps_the_home_obligation() -> None:
    text = _HOME + "Travellers returning from Portugal must isolate until 12 October."
    values = [d.value for d in extract(text, published=dt.date(2026, 9, 20), lang="en").deadlines]
    assert "2026-10-12" in values


def test_the_article_about_that_country_keeps_its_measure() -> None:
    text = ("Die Niederlande verlängern ihre Corona-Hilfen. Das niederländische Kabinett beschloss am Freitag, dass "
            "die Lohnhilfe bis Ende Juni verlängert wird. In den Niederlanden gilt die Ausgangssperre bis zum 3. März. "
            "Auch Deutschland prüft ein ähnliches Modell.")
    values = [d.value for d in extract(text, published=dt.date(2026, 1, 20), lang="de").deadlines]
    assert "2026-03-03" in values


def test_a_soft_modal_date_in_an_article_about_a_draft_says_so() -> None:
    text = ("Die Länder haben einen Entwurf für die Beratungen am Mittwoch vorgelegt. Die Ausgangssperre soll bis "
            "zum 14. Februar gelten. Das Alkoholverbot gilt bis zum 31. Januar.")
    found = {d.value: d.reason for d in extract(text, published=dt.date(2026, 1, 5), lang="de").deadlines}
    assert "planned in a draft ('Entwurf')" in found["2026-02-14"]
    assert "draft" not in found["2026-01-31"]


@pytest.mark.parametrize(("text", "what"), [
    ("Die Reederei hat bis Freitag Zeit, einen Käufer zu finden.", "Reederei: einen Käufer finden"),
    ("Bis Mittwoch haben die Länderchefs nun Zeit, konkrete Vorschläge vorzulegen.",
     "Länderchefs: konkrete Vorschläge vorlegen"),
    ("Der Senat hat die Werft aufgefordert, die Halle bis zum 30. Juni stillzulegen.", "Werft: die Halle stilllegen"),
])
def test_what_names_who_must_act(text: str, what: str) -> None:
    (d,) = extract(text, published=dt.date(2026, 3, 2), lang="de").deadlines
    assert d.what == what


def test_the_addressee_of_a_passive_order_comes_from_the_articles_actors() -> None:
    text = ("Die Stadt Kiel hat eine Verfügung erlassen, in der die Betreiberin des Hafens, die Nordkai GmbH mit Sitz "
            "in Hamburg, aufgefordert wird, die Kräne bis zum 15. April zu prüfen. Die Nordkai GmbH prüft die Verfügung. "
            "Die Nordkai GmbH äußerte sich zunächst nicht.")
    ex = extract(text, published=dt.date(2026, 3, 2), lang="de")
    assert "Nordkai GmbH" in ex.actors
    (d,) = ex.deadlines
    assert d.what == "Nordkai GmbH: die Kräne prüfen"


def test_a_pronoun_is_no_subject_and_stands_for_the_measure_before_it() -> None:
    text = "Die Stadt verhängt ein Alkoholverbot am Hafen. Es soll zunächst bis Ende April dauern."
    (d,) = extract(text, published=dt.date(2026, 3, 2), lang="de").deadlines
    assert d.what == "Alkoholverbot"


def test_fallback_what_leaves_no_word_dangling() -> None:
    text = "On current plans, those repayments fall due in March."
    (d,) = extract(text, published=dt.date(2026, 1, 12), lang="en").deadlines
    assert d.what == "repayments fall due"
