"""Rules added for temporal quality (issue timex), each pinned with invented sentences in the language it is for.

Anchor: Wednesday 2021-03-10, so "last"/"next" and the tense decide which Sunday or Friday a phrase means.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.extract.temporal import tag

WED = dt.date(2021, 3, 10)


def found(text: str, lang: str, anchor: dt.date | None = WED) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in tag(text, lang=lang, anchor=anchor)]


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("In der Nacht zum Sonntag brannte eine Scheune ab.", "Nacht zum Sonntag", "2021-03-06TNI"),
        ("Die Einbrecher kamen in der Nacht auf Mittwoch.", "Nacht auf Mittwoch", "2021-03-09TNI"),
        ("In der Nacht zu Dienstag einigten sich die Minister.", "Nacht zu Dienstag", "2021-03-08TNI"),
        ("In der Nacht von Samstag auf Sonntag gab es drei Unfälle.", "Nacht von Samstag auf Sonntag", "2021-03-06TNI"),
        ("In der Nacht zum kommenden Montag wird die Straße gesperrt.", "Nacht zum kommenden Montag", "2021-03-14TNI"),
    ],
)
def test_german_night_before_a_weekday(text: str, phrase: str, value: str) -> None:
    assert found(text, "de") == [(phrase, "TIME", value)]


def test_night_of_a_weekday_itself_is_that_day() -> None:
    assert found("In der Sonntagnacht brannte eine Scheune ab.", "de") == [("Sonntagnacht", "TIME", "2021-03-07TNI")]


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("The convoy left at 4 in the morning.", "4 in the morning", "2021-03-10T04:00"),
        ("Polls stay open until eight in the evening.", "eight in the evening", "2021-03-10T20:00"),
        ("The fire started at 11 at night.", "11 at night", "2021-03-10T23:00"),
        ("The vote was held at 2:30 in the afternoon.", "2:30 in the afternoon", "2021-03-10T14:30"),
        ("The baby arrived at 12 in the morning.", "12 in the morning", "2021-03-10T00:00"),
    ],
)
def test_english_clock_with_part_of_day(text: str, phrase: str, value: str) -> None:
    assert found(text, "en") == [(phrase, "TIME", value)]


def test_a_number_without_preposition_before_part_of_day_is_no_clock() -> None:
    # "four in the morning session" counts people; only the part of day is tagged
    assert [t for t in found("Four in the morning group resigned.", "en") if t[1] == "TIME" and "T04" in t[2]] == []


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("The trial is set for the week of March 15.", "the week of March 15", "2021-W11"),
        ("Talks resume the week of Feb. 1, 2021.", "the week of Feb. 1, 2021", "2021-W05"),
    ],
)
def test_week_of_a_day(text: str, phrase: str, value: str) -> None:
    assert found(text, "en") == [(phrase, "DATE", value)]


def test_week_of_without_anchor_keeps_placeholders() -> None:
    assert found("The trial is set for the week of March 15.", "en", None) == [
        ("the week of March 15", "DATE", "XXXX-WXX")
    ]


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("Der Fahrer saß vierundzwanzig Stunden im Schnee fest.", "de", "vierundzwanzig Stunden", "PT24H"),
        ("Die Wartezeit betrug einundzwanzig Tage.", "de", "einundzwanzig Tage", "P21D"),
        ("The talks went on for twenty-five years.", "en", "twenty-five years", "P25Y"),
        ("Prices fell in the last twenty four hours.", "en", "the last twenty four hours", "PT24H"),
    ],
)
def test_compound_number_words(text: str, lang: str, phrase: str, value: str) -> None:
    assert (phrase, "DURATION", value) in found(text, lang)


def test_ago_before_year_one_is_past_ref() -> None:
    assert found("People farmed here 8000 years ago.", "en") == [("8000 years ago", "DATE", "PAST_REF")]


def test_german_vor_stays_a_duration_as_krauts_annotates() -> None:
    assert found("Vor drei Jahren wurde die Brücke gebaut.", "de") == [("drei Jahren", "DURATION", "P3Y")]


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("Am Dienstag vergangener Woche streikten die Piloten.", "de", "Dienstag vergangener Woche", "2021-03-02"),
        ("Am Montag nächster Woche wird gewählt.", "de", "Montag nächster Woche", "2021-03-15"),
        ("Am Dienstagabend letzter Woche brannte es.", "de", "Dienstagabend letzter Woche", "2021-03-02TEV"),
        ("The pilots walked out Tuesday of last week.", "en", "Tuesday of last week", "2021-03-02"),
        ("The plant closes on Friday of next week.", "en", "Friday of next week", "2021-03-19"),
    ],
)
def test_weekday_of_a_named_week(text: str, lang: str, phrase: str, value: str) -> None:
    assert found(text, lang) == [(phrase, "DATE" if "T" not in value else "TIME", value)]


def test_weekday_before_a_comma_and_last_week_stay_apart() -> None:
    assert found("The plant closed Tuesday, last week it opened.", "en") == [
        ("Tuesday", "DATE", "2021-03-09"),
        ("last week", "DATE", "2021-W09"),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("Gewählt wird alle vier Jahre.", "de", "alle vier Jahre", "P4Y"),
        ("Der Bus fährt alle 15 Minuten.", "de", "alle 15 Minuten", "PT15M"),
        ("Die Müllabfuhr kommt alle zwei Wochen.", "de", "alle zwei Wochen", "P2W"),
        ("Trash is collected every two weeks.", "en", "every two weeks", "P2W"),
        ("The census is taken every 10 years.", "en", "every 10 years", "P10Y"),
    ],
)
def test_every_n_units_is_a_set(text: str, lang: str, phrase: str, value: str) -> None:
    assert found(text, lang) == [(phrase, "SET", value)]


def test_all_three_days_is_no_set() -> None:
    assert found("Alle drei Tage waren ausverkauft.", "de") == [("drei Tage", "DURATION", "P3D")]


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("Im Herbst wurde die Halle gebaut.", "de", "Herbst", "2020-FA"),  # March: last autumn
        ("Im Herbst wird die Halle gebaut.", "de", "Herbst", "2021-FA"),
        ("Im Winter wurde die Halle gebaut.", "de", "Winter", "2020-WI"),  # the winter of December 2020
        ("Im Winter wird die Halle gebaut.", "de", "Winter", "2021-WI"),  # that one is over: the next
        ("The plant closed over the summer.", "en", "the summer", "2020-SU"),
        ("The plant will close in the fall.", "en", "the fall", "2021-FA"),
    ],
)
def test_season_year_follows_the_tense(text: str, lang: str, phrase: str, value: str) -> None:
    assert found(text, lang) == [(phrase, "DATE", value)]


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("Die Gemeinde hat bis Freitag Zeit.", "de", "2021-03-12"),
        ("Der Gemeinde bleibt noch bis Freitag Zeit, um zu antworten.", "de", "2021-03-12"),
        ("The council has until Friday to respond.", "en", "2021-03-12"),
        ("The council has only until Friday to respond.", "en", "2021-03-12"),
        # not the idiom: a past "hatte … Zeit" and "worked until" look back
        ("Er hatte bis Freitag Zeit gehabt, ließ sie aber verstreichen.", "de", "2021-03-05"),
        ("Er hat bis Freitag gearbeitet.", "de", "2021-03-05"),
        ("He worked until Friday.", "en", "2021-03-05"),
    ],
)
def test_time_left_until_a_weekday_lies_ahead(text: str, lang: str, value: str) -> None:
    (tx,) = tag(text, lang=lang, anchor=WED)
    assert tx.value == value


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("The plant will close on the first Monday in May.", "en", "the first Monday in May", "2021-05-03"),
        ("Voters go to the polls the first Tuesday in November 2022.", "en", "the first Tuesday in November 2022",
         "2022-11-01"),
        ("The last Friday of February was cold.", "en", "The last Friday of February", "2021-02-26"),
        ("Die Uhr wird am letzten Sonntag im Oktober umgestellt.", "de", "letzten Sonntag im Oktober", "2021-10-31"),
        # the anchor's own month: the day itself must lie where the tense points
        ("Am letzten Sonntag im März wurde gewählt.", "de", "letzten Sonntag im März", "2020-03-29"),
        ("Am ersten Montag im März wird gewählt.", "de", "ersten Montag im März", "2022-03-07"),
    ],
)
def test_nth_weekday_of_a_month(text: str, lang: str, phrase: str, value: str) -> None:
    assert found(text, lang) == [(phrase, "DATE", value)]


def test_a_fifth_weekday_the_month_lacks_is_dropped() -> None:
    assert found("The fifth Monday in February 2021 never came.", "en") == []


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("In der Nacht auf den 5. März brannte eine Scheune.", "Nacht auf den 5. März", "2021-03-04TNI"),
        ("In der Nacht zum 2. März brannte eine Scheune.", "Nacht zum 2. März", "2021-03-01TNI"),
    ],
)
def test_german_night_before_a_date(text: str, phrase: str, value: str) -> None:
    assert found(text, "de") == [(phrase, "TIME", value)]


def test_a_full_month_name_does_not_take_the_full_stop() -> None:
    assert found("The plant closed on the 3rd of March.", "en") == [("the 3rd of March", "DATE", "2021-03-03")]
    assert found("The plant closed on 4 Sept. and reopened.", "en")[0][0] == "4 Sept."
