"""The one message catalog: every key in both languages, one countdown wording, dates as people write them."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from newsdigest.texts import MESSAGES, countdown, format_short, format_value, sources, t

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
