"""Business-day arithmetic (temporal/workdays.py) and the tagger's business-day durations, German and English."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.extract.temporal import tag
from newsdigest.extract.temporal.workdays import add_business_days, is_business_day
from newsdigest.extract.types import Timex

FRI = dt.date(2021, 3, 12)
SAT = dt.date(2021, 3, 13)
WED = dt.date(2021, 3, 10)

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
counts = st.integers(min_value=0, max_value=2000)


def naive(start: dt.date, n: int) -> dt.date:
    d = start
    while n:
        d += dt.timedelta(days=1)
        n -= is_business_day(d)
    return d


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (FRI, 1, dt.date(2021, 3, 15)),  # Friday + 1 -> Monday
        (FRI, 5, dt.date(2021, 3, 19)),
        (FRI, 10, dt.date(2021, 3, 26)),
        (WED, 3, dt.date(2021, 3, 15)),  # Thu, Fri, Mon
        (SAT, 1, dt.date(2021, 3, 15)),  # from a weekend the first business day is the Monday
        (SAT, 5, dt.date(2021, 3, 19)),
        (WED, 0, WED),
    ],
)
def test_add_business_days(start: dt.date, n: int, end: dt.date) -> None:
    assert add_business_days(start, n) == end


def test_negative_count_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        add_business_days(FRI, -1)


def test_past_the_calendar_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="past the calendar"):
        add_business_days(dt.date(9999, 12, 30), 10)


@given(days, st.integers(min_value=1, max_value=2000))
def test_never_lands_on_a_weekend(start: dt.date, n: int) -> None:
    assert is_business_day(add_business_days(start, n))


@given(days, counts, counts)
def test_monotone_in_n(start: dt.date, n: int, k: int) -> None:
    a, b = sorted((n, k))
    assert add_business_days(start, a) <= add_business_days(start, b)
    if a < b:
        assert add_business_days(start, a) < add_business_days(start, b)


@given(days, counts)
def test_counts_exactly_n_business_days_after_start(start: dt.date, n: int) -> None:
    end = add_business_days(start, n)
    assert sum(is_business_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)) == n
    assert end == naive(start, n)


@given(days, st.integers(min_value=1, max_value=400))
def test_never_shorter_than_calendar_days(start: dt.date, n: int) -> None:
    assert add_business_days(start, n) >= start + dt.timedelta(days=n)


def only(text: str, lang: str) -> Timex:
    (tx,) = tag(text, lang=lang, anchor=FRI)
    return tx


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("Der Anbieter muss binnen zehn Werktagen antworten.", "de", "P10D"),
        ("Die Gemeinde hat fünf Arbeitstage Zeit für den Einspruch.", "de", "P5D"),
        ("Das Geld kommt nach drei Bankarbeitstagen an.", "de", "P3D"),
        ("The agency must answer within ten business days.", "en", "P10D"),
        ("Shareholders have five working days to object.", "en", "P5D"),
        ("The shares fell for three trading days.", "en", "P3D"),
    ],
)
def test_business_day_durations_are_marked(text: str, lang: str, value: str) -> None:
    tx = only(text, lang)
    assert (tx.type, tx.value, tx.business_days) == ("DURATION", value, True)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Der Anbieter muss binnen zehn Tagen antworten.", "de"),
        ("Die Frist beträgt 14 Kalendertage.", "de"),
        ("The agency must answer within ten days.", "en"),
        ("The agency must answer within ten calendar days.", "en"),
        ("The talks lasted three weeks.", "en"),
    ],
)
def test_calendar_durations_are_not(text: str, lang: str) -> None:
    assert only(text, lang).business_days is False
