"""Tests of the TIMEX3 tagger: our own German and English sentences, the shipped seed articles, properties."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdigest.extract.temporal import tag
from newsdigest.extract.types import Timex

MON_2020_08_03 = dt.date(2020, 8, 3)  # a Monday
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def found(text: str, lang: str = "de", anchor: dt.date | None = MON_2020_08_03) -> dict[str, Timex]:
    return {t.text: t for t in tag(text, lang=lang, anchor=anchor)}


def one(text: str, phrase: str, lang: str = "de", anchor: dt.date | None = MON_2020_08_03) -> Timex:
    hits = [t for t in tag(text, lang=lang, anchor=anchor) if t.text == phrase]
    assert hits, f"{phrase!r} not tagged in {text!r}: {tag(text, lang=lang, anchor=anchor)}"
    return hits[0]


# -- German: explicit dates, months, seasons, quarters, years ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "typ", "value", "mod"),
    [
        ("Der Vertrag endet am 30. Juni 2021.", "30. Juni 2021", "DATE", "2021-06-30", None),
        ("Die Anmeldung läuft bis zum 15. Oktober.", "15. Oktober", "DATE", "2020-10-15", None),
        ("Die Sitzung vom 04.07.2019 wurde vertagt.", "04.07.2019", "DATE", "2019-07-04", None),
        ("Der Antrag muss bis 1.9. vorliegen.", "1.9.", "DATE", "2020-09-01", None),
        ("Der Bericht erschien im März 2016 im Parlament.", "März 2016", "DATE", "2016-03", None),
        ("Der Umbau soll Ende Oktober fertig sein.", "Ende Oktober", "DATE", "2020-10", "END"),
        ("Die Wahl findet Anfang November statt.", "Anfang November", "DATE", "2020-11", "START"),
        ("Mitte Dezember wird der Haushalt beschlossen.", "Mitte Dezember", "DATE", "2020-12", "MID"),
        ("Im Jänner hatte es geschneit.", "Jänner", "DATE", "2020-01", None),
        ("Heuer gibt es keinen Ball.", "Heuer", "DATE", "2020", None),
        ("Im Herbst beginnt der Bau.", "Herbst", "DATE", "2020-FA", None),
        ("Im Frühjahr 2019 war die Halle voll.", "Frühjahr 2019", "DATE", "2019-SP", None),
        # a quarter that has not begun (anchor 14 Sep 2020) in the past tense is the last one of that number
        ("Im vierten Quartal sank der Gewinn.", "vierten Quartal", "DATE", "2019-Q4", None),
        ("Im vierten Quartal soll der Gewinn steigen.", "vierten Quartal", "DATE", "2020-Q4", None),
        ("Der Konzern wurde im Jahr 1998 gegründet.", "Jahr 1998", "DATE", "1998", None),
        ("Seit 2012 wächst die Stadt.", "2012", "DATE", "2012", None),
        ("Die Mode der 80er Jahre kehrt zurück.", "80er Jahre", "DATE", "198", None),
        ("Im Oktober 2021 soll gewählt werden, so der Plan.", "Oktober 2021", "DATE", "2021-10", None),
    ],
)
def test_german_dates(text: str, phrase: str, typ: str, value: str, mod: str | None) -> None:
    t = one(text, phrase)
    assert (t.type, t.value, t.mod) == (typ, value, mod)


def test_german_two_days_one_month() -> None:
    f = found("Das Fest wird am 14. und 15. August gefeiert.")
    assert f["14."].value == "2020-08-14"
    assert f["15. August"].value == "2020-08-15"


def test_german_range_of_days() -> None:
    f = found("Die Ausstellung ist vom 3. bis 9. Oktober geöffnet.")
    assert (f["3."].value, f["9. Oktober"].value) == ("2020-10-03", "2020-10-09")


def test_weekday_joins_following_date() -> None:
    t = one("Die Feier findet am Freitag, 21. August statt.", "Freitag, 21. August")
    assert t.value == "2020-08-21"


# -- German: relative expressions and tense ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "typ", "value"),
    [
        ("Heute entscheidet der Rat.", "Heute", "DATE", "2020-08-03"),
        ("Gestern gab es einen Unfall.", "Gestern", "DATE", "2020-08-02"),
        ("Das Ergebnis kommt morgen.", "morgen", "DATE", "2020-08-04"),
        ("Er hat heute Morgen angerufen.", "heute Morgen", "TIME", "2020-08-03TMO"),
        ("Gestern Abend brannte eine Scheune.", "Gestern Abend", "TIME", "2020-08-02TEV"),
        ("Letzte Woche war er krank.", "Letzte Woche", "DATE", "2020-W31"),
        ("Diese Woche bleibt das Amt zu.", "Diese Woche", "DATE", "2020-W32"),
        ("Nächstes Jahr wird gebaut.", "Nächstes Jahr", "DATE", "2021"),
        ("Im vergangenen Monat stiegen die Preise.", "vergangenen Monat", "DATE", "2020-07"),
        ("Der Gemeinderat tagte am Donnerstagabend.", "Donnerstagabend", "TIME", "2020-07-30TEV"),
    ],
)
def test_german_relative(text: str, phrase: str, typ: str, value: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value) == (typ, value)


def test_weekday_follows_tense() -> None:
    past = one("Am Mittwoch hatte der Ausschuss abgestimmt.", "Mittwoch")
    future = one("Am Mittwoch wird der Ausschuss abstimmen.", "Mittwoch")
    assert past.value == "2020-07-29"
    assert future.value == "2020-08-05"


def test_past_tense_december_in_january_is_last_year() -> None:
    t = one("Die Abstimmung am 21. Dezember hatte überrascht.", "21. Dezember", anchor=dt.date(2016, 1, 14))
    assert t.value == "2015-12-21"


def test_past_tense_month_is_this_year() -> None:
    t = one("Im Februar hatte die Firma Spenden gesammelt.", "Februar", anchor=dt.date(2020, 9, 14))
    assert t.value == "2020-02"


def test_extended_to_a_later_date_in_a_past_sentence() -> None:
    t = one("Die Frist wurde auf den 12. November verlängert.", "12. November", anchor=dt.date(2020, 8, 20))
    assert t.value == "2020-11-12"


# -- German: durations, sets, clock times, references -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "typ", "value"),
    [
        ("Die Firma hat eine 30-tägige Frist.", "30-tägige", "DURATION", "P30D"),
        ("Er hat binnen 14 Tagen zu zahlen.", "14 Tagen", "DURATION", "P14D"),
        ("Die Sanierung dauerte zwei Jahre.", "zwei Jahre", "DURATION", "P2Y"),
        ("Sie warteten drei Monate auf Antwort.", "drei Monate", "DURATION", "P3M"),
        ("Der Streit schwelt seit Jahren.", "Jahren", "DURATION", "PXY"),
        ("Eine zweijährige Pause folgt.", "zweijährige", "DURATION", "P2Y"),
        ("Der Markt ist jeden Montag geöffnet.", "jeden Montag", "SET", "XXXX-WXX-1"),
        ("Die Werte werden täglich gemessen.", "täglich", "SET", "P1D"),
        ("Die Gebühr wird jährlich fällig.", "jährlich", "SET", "P1Y"),
        ("Das Konzert beginnt um 20.30 Uhr.", "20.30 Uhr", "TIME", "2020-08-03T20:30"),
        ("Treffpunkt ist um 8 Uhr vor dem Rathaus.", "8 Uhr", "TIME", "2020-08-03T08:00"),
        ("Jetzt ist es zu spät.", "Jetzt", "DATE", "PRESENT_REF"),
        ("Die Lage ist derzeit ruhig.", "derzeit", "DATE", "PRESENT_REF"),
        ("Damals gab es keine Straße.", "Damals", "DATE", "PAST_REF"),
        ("Die Brücke wird bald saniert.", "bald", "DATE", "FUTURE_REF"),
    ],
)
def test_german_other_types(text: str, phrase: str, typ: str, value: str) -> None:
    t = one(text, phrase)
    assert (t.type, t.value) == (typ, value)


def test_clock_time_takes_the_day_named_before_it() -> None:
    f = found("Die Versammlung beginnt am Freitag, 7. August um 19 Uhr im Saal.")
    assert f["19 Uhr"].value == "2020-08-07T19:00"


# -- function words and numbers that are not dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Die Mitglieder stimmten mit großer Mehrheit so ab, wie es die Satzung vorsieht.",
        "Mehr als 2000 Menschen demonstrierten in der Innenstadt.",
        "Das Punkte 2020-Ziel wurde verfehlt.",
        "Die Halle bietet Platz für 1500 Besucher.",
        "August Müller leitet den Verein.",
        "Der 44-Jährige wurde festgenommen.",
    ],
)
def test_german_non_dates(text: str) -> None:
    assert tag(text, lang="de", anchor=MON_2020_08_03) == []


@pytest.mark.parametrize(
    "text",
    [
        "They march to the square and may stay there until the sun sets.",
        "Theresa May spoke to reporters.",
        "The stadium holds 2000 people.",
        "She will fall asleep in the car.",
    ],
)
def test_english_non_dates(text: str) -> None:
    assert tag(text, lang="en", anchor=MON_2020_08_03) == []


# -- English ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "typ", "value", "mod"),
    [
        ("The regulator set a deadline of September 15th.", "September 15th", "DATE", "2020-09-15", None),
        ("Bids are due by Sept. 20, the agency said.", "Sept. 20", "DATE", "2020-09-20", None),
        ("The merger closed on 4 March 2019.", "4 March 2019", "DATE", "2019-03-04", None),
        ("Voting ends Nov. 3.", "Nov. 3", "DATE", "2020-11-03", None),
        ("Sales rose in the third quarter.", "the third quarter", "DATE", "2020-Q3", None),
        ("Prices fell last month.", "last month", "DATE", "2020-07", None),
        ("The board meets next Monday.", "next Monday", "DATE", "2020-08-10", None),
        ("Yesterday the firm cut jobs.", "Yesterday", "DATE", "2020-08-02", None),
        ("This week is busy.", "This week", "DATE", "2020-W32", None),
        ("The plant closed two weeks ago.", "two weeks ago", "DATE", "2020-W30", None),
        ("The buyer must pay within 45 days.", "45 days", "DURATION", "P45D", None),
        ("The talks start at 3 p.m.", "3 p.m.", "TIME", "2020-08-03T15:00", None),
        ("Trading opens in mid-September.", "mid-September", "DATE", "2020-09", "MID"),
        ("The bank currently holds the shares.", "currently", "DATE", "PRESENT_REF", None),
        ("The company recently hired a chief.", "recently", "DATE", "PAST_REF", None),
        ("The results come in the near future.", "the near future", "DATE", "FUTURE_REF", None),
        ("The paper is published weekly.", "weekly", "SET", "P1W", None),
        ("The market opens every Saturday.", "every Saturday", "SET", "XXXX-WXX-6", None),
        ("Theresa May resigned in May 2019.", "May 2019", "DATE", "2019-05", None),
        ("The firm was founded in 1987.", "1987", "DATE", "1987", None),
        ("In the summer of 2018 the river dried up.", "the summer of 2018", "DATE", "2018-SU", None),
    ],
)
def test_english(text: str, phrase: str, typ: str, value: str, mod: str | None) -> None:
    t = one(text, phrase, lang="en")
    assert (t.type, t.value, t.mod) == (typ, value, mod)


def test_english_weekday_tense() -> None:
    assert one("On Sunday, the minister said the plan was dead.", "Sunday", lang="en").value == "2020-08-02"
    assert one("On Sunday the minister will present the plan.", "Sunday", lang="en").value == "2020-08-09"


# -- no anchor: never invent a year --------------------------------------------------------------------------------


def test_without_anchor_values_stay_underspecified() -> None:
    f = found("Am Sonntag hatte er bis zum 15. September Zeit, heute nicht mehr, im Jahr 2017 schon.", anchor=None)
    assert f["15. September"].value == "XXXX-09-15"
    assert f["Sonntag"].value == "XXXX-WXX-7"
    assert f["Jahr 2017"].value == "2017"
    assert not f["heute"].value.startswith("20")


# -- the sample articles that ship with the project ---------------------------------------------------------------

SEED_EXPECTED = [
    ("000_1768692d37accbf4.txt", "2020-08-03", "15. September", "2020-09-15"),
    ("001_758883e1d915ceb8.txt", "2020-08-03", "45-tägige", "P45D"),
    ("001_758883e1d915ceb8.txt", "2020-08-03", "Sonntag", "2020-08-02"),
    ("001_758883e1d915ceb8.txt", "2020-08-03", "heute Morgen", "2020-08-03TMO"),
    ("002_8fe24ae748c3ed31.txt", "2020-09-14", "6. August", "2020-08-06"),
    ("002_8fe24ae748c3ed31.txt", "2020-09-14", "Ende August", "2020-08"),
    ("002_8fe24ae748c3ed31.txt", "2020-09-14", "August 2018", "2018-08"),
    ("002_8fe24ae748c3ed31.txt", "2020-09-14", "26. August", "2020-08-26"),
    ("002_8fe24ae748c3ed31.txt", "2020-09-14", "Mitte September", "2020-09"),
    ("003_eeb45d423354ad2c.txt", "2020-08-20", "20. September", "2020-09-20"),
    ("003_eeb45d423354ad2c.txt", "2020-08-20", "12. November", "2020-11-12"),
    ("004_d828ddea084279b2.txt", "2020-09-14", "Jahr 2017", "2017"),
    ("004_d828ddea084279b2.txt", "2020-09-14", "Sonntag", "2020-09-13"),
    ("004_d828ddea084279b2.txt", "2020-09-14", "Februar", "2020-02"),
    ("004_d828ddea084279b2.txt", "2020-09-14", "September 15th", "2020-09-15"),
]


@pytest.mark.parametrize(("name", "published", "phrase", "value"), SEED_EXPECTED)
def test_seed_articles(name: str, published: str, phrase: str, value: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    hits = [t for t in tag(text, lang="de", anchor=dt.date.fromisoformat(published)) if t.text == phrase]
    assert hits, f"{phrase!r} not found in {name}"
    assert all(t.value == value for t in hits), hits


# -- properties: offsets, order, no overlap, never raises ---------------------------------------------------------


def check_well_formed(text: str, out: list[Timex]) -> None:
    last_end = -1
    for t in out:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
        assert t.value
        last_end = t.end


_DATEISH = st.sampled_from(
    [
        " am ",
        " 15. September ",
        " Sonntag",
        "abend",
        " 2020",
        " 12.",
        "09.",
        " Uhr",
        " um 8",
        " letzte Woche ",
        " Ende ",
        " Mai ",
        " May ",
        " 3 p.m.",
        " Sept. ",
        "15th",
        " jeden ",
        " heute Morgen ",
        " vor ",
        " zwei ",
        " Tagen",
        "-tägige",
        " Q3",
        " 1. und ",
        " the ",
        " last ",
        " ago",
        " Jänner",
        " ",
        "\n",
        ",",
        ".",
    ]
)
_ANCHORS = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.sampled_from(["de", "en", "fr", ""]), _ANCHORS)
def test_arbitrary_unicode(text: str, lang: str, anchor: dt.date | None) -> None:
    check_well_formed(text, tag(text, lang=lang, anchor=anchor))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_DATEISH, st.text(max_size=3)), max_size=40), st.sampled_from(["de", "en"]), _ANCHORS)
def test_date_like_soup(parts: list[str], lang: str, anchor: dt.date | None) -> None:
    text = "".join(parts)
    out = tag(text, lang=lang, anchor=anchor)
    check_well_formed(text, out)
    if anchor is None:  # never invent a year: every 4-digit year in a value is written in the text
        for t in out:
            if re.match(r"\d{4}", t.value):
                assert t.value[:4] in text or t.value[2:4] in text, t


def test_empty_and_whitespace() -> None:
    assert tag("", lang="de", anchor=MON_2020_08_03) == []
    assert tag(" \n\t ", lang="en", anchor=None) == []


def test_megabyte_input_is_handled() -> None:
    rng = random.Random(7)
    pieces = [
        "Am Sonntag",
        " wurde",
        " 15. September",
        " 2020",
        " um 20.30 Uhr",
        " die",
        " mit",
        " 1234",
        " letzte Woche",
        "....",
        "1.1.1.1.",
        " Ende",
        " Mai",
        "-",
        " ",
        "\n",
        "ä" * 50,
        "9" * 30,
    ]
    text = "".join(rng.choice(pieces) for _ in range(110_000))[:1_000_000]
    out = tag(text, lang="de", anchor=MON_2020_08_03)
    check_well_formed(text, out)
    assert len(out) > 1000


def test_extreme_anchors_do_not_raise() -> None:
    text = "Am 31. Dezember, letzte Woche, nächstes Jahr, vor 3 Jahren, gestern, am Sonntag, Ostern."
    for anchor in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        check_well_formed(text, tag(text, lang="de", anchor=anchor))


def test_weekend_and_narrative_part_of_day() -> None:
    f = found("Am Wochenende hatte es geregnet. Am Sonntag brannte eine Scheune. Am Nachmittag kam die Feuerwehr.")
    assert f["Wochenende"].value == "2020-W31-WE"
    assert f["Nachmittag"].value == "2020-08-02TAF"


def test_frequencies() -> None:
    f = found("Der Ausschuss tagt zweimal im Monat, die Gebühr beträgt 20 Euro pro Jahr.")
    assert (f["zweimal im Monat"].value, f["pro Jahr"].value) == ("P1M", "P1Y")
    e = found("The club meets twice a month and charges $40 a year.", lang="en")
    assert (e["twice a month"].type, e["twice a month"].value) == ("SET", "P1M")
    assert e["a year"].type == "SET"


def test_english_end_of_year_and_extension() -> None:
    f = found("The deadline was extended to Dec. 31, and a ruling is due by the end of the year.", lang="en")
    assert f["Dec. 31"].value == "2020-12-31"
    assert (f["the end of the year"].value, f["the end of the year"].mod) == ("2020", "END")
