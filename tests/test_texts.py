"""The one message catalog: every key in both languages, one countdown wording, dates as people write them."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from newsdigest.texts import (
    MESSAGES,
    countdown,
    format_date,
    format_moment,
    format_short,
    format_value,
    sources,
    subscriptions,
    t,
)

D = dt.date
TODAY = D(2020, 9, 14)


@pytest.mark.parametrize(
    ("target", "en", "de"),
    [
        (TODAY, "today", "heute"),
        (D(2020, 9, 15), "tomorrow", "morgen"),
        (D(2020, 9, 13), "passed yesterday", "gestern abgelaufen"),
        (D(2020, 9, 21), "in 7 days", "in 7 Tagen"),
        (D(2020, 10, 5), "in 3 weeks", "in 3 Wochen"),
        (D(2020, 11, 12), "in 2 months", "in 2 Monaten"),
        (D(2020, 7, 14), "passed 2 months ago", "vor 2 Monaten abgelaufen"),
        (D(2015, 9, 13), "passed 5 years ago", "vor 5 Jahren abgelaufen"),
    ],
)
def test_one_countdown_wording(target: dt.date, en: str, de: str) -> None:
    assert countdown(target, TODAY, "en") == en
    assert countdown(target, TODAY, "de") == de


def test_every_english_key_has_german_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key, english in MESSAGES["en"].items():
        assert key in MESSAGES["de"], key
        want = {f for _, f, _, _ in fields.parse(english) if f}
        got = {f for _, f, _, _ in fields.parse(MESSAGES["de"][key]) if f}
        assert want == got, key
    assert set(MESSAGES["de"]) <= set(MESSAGES["en"])


def test_missing_keys_fall_back_to_english_then_to_the_key() -> None:
    assert t("fr", "today") == "today"
    assert t("de", "no such key") == "no such key"


def test_dates_and_counts() -> None:
    assert format_value("2020-09-15", "de") == "15. September 2020"
    assert format_value("2020-09", "en") == "September 2020"
    assert format_value("P45D", "en") == "P45D"
    assert format_short(D(2020, 9, 15), "de") == "15. Sep."
    assert sources("en", 1) == "1 source" and sources("de", 4) == "4 Quellen"
    assert not re.search(r"\{\w+\}", sources("en", 3))


def test_weekdays_and_moments_as_each_language_writes_them() -> None:
    moment = dt.datetime(2020, 9, 15, 8, 5, tzinfo=dt.UTC)
    assert format_date(TODAY, "en", weekday=True) == "Mon 14 September 2020"
    assert format_date(TODAY, "de", weekday=True) == "Mo., 14. September 2020"
    assert format_moment(moment, "en") == "Tue 15 September 2020 08:05"
    assert format_moment(moment, "de") == "Di., 15. September 2020, 08:05 Uhr"


@pytest.mark.parametrize(("n", "en", "de"), [(1, "1 subscription", "1 Abo"), (3, "3 subscriptions", "3 Abos")])
def test_counted_subscriptions_have_no_lazy_plural(n: int, en: str, de: str) -> None:
    assert (subscriptions("en", n), subscriptions("de", n)) == (en, de)
    for lang in ("en", "de"):
        assert "(s)" not in t(lang, "unsubscribed_all", subs=subscriptions(lang, n))


def test_quotes_follow_the_language() -> None:
    assert t("en", "quoted", text="bis zum 15. September") == "“bis zum 15. September”"
    assert t("de", "quoted", text="bis zum 15. September") == "„bis zum 15. September“"
