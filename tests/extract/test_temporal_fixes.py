"""The tagger bugs measured in issue 15, each pinned in both languages with our own sentences.

Conventions followed (TimeML / TBAQ / KRAUTS): a bare weekday may be the publication day itself, in past and
future tense alike; only "next"/"last" ("nächsten"/"vergangenen") move it a week. Year ranges are two DATEs.
Ages ("a 22-year-old", "der 22-jährige Fahrer") are not durations, and a number glued to a name by a hyphen
("COVID-19") counts nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from newsdigest.extract.temporal import tag

FRI = dt.date(2021, 3, 12)  # a Friday


def values(text: str, lang: str, anchor: dt.date | None = FRI) -> dict[str, str]:
    return {t.text: t.value for t in tag(text, lang=lang, anchor=anchor)}


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("The minister said Friday that the talks had failed.", "en", "Friday", "2021-03-12"),
        ("The two leaders will meet Friday in Geneva.", "en", "Friday", "2021-03-12"),
        ("The board meets again next Friday.", "en", "next Friday", "2021-03-19"),
        ("The strike began last Friday.", "en", "last Friday", "2021-03-05"),
        ("Police arrested the suspect on Monday.", "en", "Monday", "2021-03-08"),
        ("The court will rule on Monday.", "en", "Monday", "2021-03-15"),
        ("Die Ministerin sagte am Freitag, die Gespräche seien gescheitert.", "de", "Freitag", "2021-03-12"),
        ("Die beiden Regierungschefs werden sich am Freitag in Genf treffen.", "de", "Freitag", "2021-03-12"),
        ("Der Ausschuss tagt am kommenden Freitag erneut.", "de", "kommenden Freitag", "2021-03-19"),
        ("Der Streik begann am vergangenen Freitag.", "de", "vergangenen Freitag", "2021-03-05"),
        ("Die Polizei nahm den Verdächtigen am Montag fest.", "de", "Montag", "2021-03-08"),
        ("Das Gericht wird am Montag entscheiden.", "de", "Montag", "2021-03-15"),
    ],
)
def test_weekday_of_the_publication_day_is_that_day(text: str, lang: str, phrase: str, value: str) -> None:
    assert values(text, lang)[phrase] == value


def test_same_weekday_part_of_day_and_following_clock_time() -> None:
    v = values("The vote was held Friday evening. Polls closed at 8 p.m. Friday.", "en")
    assert v["Friday evening"] == "2021-03-12TEV"
    assert v["8 p.m. Friday"] == "2021-03-12T20:00"
    assert values("Am Freitagabend wurde abgestimmt.", "de")["Freitagabend"] == "2021-03-12TEV"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Unemployment fell steadily in 2009-2010.", "en", [("2009", "2009"), ("2010", "2010")]),
        ("He served as mayor in 1957-58.", "en", [("1957", "1957"), ("58", "1958")]),
        ("The 1999-2000 season was his best.", "en", [("1999", "1999"), ("2000", "2000")]),
        ("Die Arbeitslosigkeit sank 2009–2010 deutlich.", "de", [("2009", "2009"), ("2010", "2010")]),
    ],
)
def test_hyphenated_year_ranges_are_two_years(text: str, lang: str, expected: list[tuple[str, str]]) -> None:
    got = [(t.text, t.value) for t in tag(text, lang=lang, anchor=FRI) if t.type == "DATE"]
    assert got == expected


def test_numbers_with_hyphens_that_are_not_year_ranges() -> None:
    assert values("Call 1990-1200 for tickets.", "en") == {}
    assert values("The score was 2010-2005 after overtime.", "en") == {}


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("The law was passed last May.", "en", "last May", "2020-05"),
        ("Prices have risen since last March.", "en", "last March", "2020-03"),
        ("The plant closed last February.", "en", "last February", "2020-02"),
        ("The plant closed last January.", "en", "last January", "2021-01"),
        ("The plant closed last December.", "en", "last December", "2020-12"),
        ("The plant closed in June last year.", "en", "June last year", "2020-06"),
        ("The plant will reopen next April.", "en", "next April", "2021-04"),
        ("Das Gesetz wurde im vergangenen Mai beschlossen.", "de", "vergangenen Mai", "2020-05"),
        ("Die Preise steigen seit letztem März.", "de", "letztem März", "2020-03"),
        ("Die Anlage öffnet im kommenden April wieder.", "de", "kommenden April", "2021-04"),
    ],
)
def test_last_and_next_month_names(text: str, lang: str, phrase: str, value: str) -> None:
    assert values(text, lang)[phrase] == value


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("Sales should rise this fiscal year.", "en", "this fiscal year", "2021"),
        ("Profit fell in the current fiscal year.", "en", "the current fiscal year", "2021"),
        ("Profit fell in the latest fiscal year.", "en", "the latest fiscal year", "2020"),
        ("Revenue doubled in fiscal 2019.", "en", "fiscal 2019", "2019"),
        ("Der Umsatz soll im laufenden Geschäftsjahr steigen.", "de", "laufenden Geschäftsjahr", "2021"),
        ("Im vergangenen Geschäftsjahr sank der Gewinn.", "de", "vergangenen Geschäftsjahr", "2020"),
    ],
)
def test_fiscal_years(text: str, lang: str, phrase: str, value: str) -> None:
    assert values(text, lang)[phrase] == value


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("The bridge was built in the 19th century.", "en", "the 19th century", "18"),
        ("Coal powered the nineteenth century.", "en", "the nineteenth century", "18"),
        ("A custom from the 3rd century survives.", "en", "the 3rd century", "02"),
        ("Die Brücke wurde im 19. Jahrhundert gebaut.", "de", "19. Jahrhundert", "18"),
        ("Das Kloster stammt aus dem 12. Jahrhundert.", "de", "12. Jahrhundert", "11"),
    ],
)
def test_centuries(text: str, lang: str, phrase: str, value: str) -> None:
    assert values(text, lang)[phrase] == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Hospitals prepare for a COVID-19 second wave.", "en"),
        ("A 22-year-old was arrested.", "en"),
        ("The driver, 22 years old, was unhurt.", "en"),
        ("The 136-year-old bank was sold.", "en"),
        ("Der 22-jährige Fahrer blieb unverletzt.", "de"),
        ("Ein zehnjähriges Mädchen wurde gerettet.", "de"),
        ("Die Kinder sind noch keine 14 Jahre alt.", "de"),
        ("Die COVID-19 Jahre haben Spuren hinterlassen.", "de"),
    ],
)
def test_false_durations(text: str, lang: str) -> None:
    assert [t for t in tag(text, lang=lang, anchor=FRI) if t.type == "DURATION"] == []


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("The second wave lasted 19 weeks.", "en", "19 weeks", "P19W"),
        ("Investors bought 10-year bonds.", "en", "10-year", "P10Y"),
        ("Die zweijährige Anmeldefrist beginnt 2022.", "de", "zweijährige", "P2Y"),
        ("Der Verein feiert sein 100-jähriges Bestehen.", "de", "100-jähriges", "P100Y"),
        ("Die Gespräche dauerten 2-3 Stunden.", "de", "3 Stunden", "PT3H"),
    ],
)
def test_true_durations_stay(text: str, lang: str, phrase: str, value: str) -> None:
    assert values(text, lang)[phrase] == value


def test_year_ago_in_a_quarterly_report_is_that_quarter_a_year_back() -> None:
    text = "Profit rose 8% in the third quarter, from $12 million a year earlier. The year-ago quarter was weak."
    v = values(text, "en")
    assert v["the third quarter"] == "2020-Q3"  # reported in March 2021: last year's
    assert v["a year earlier"] == "2019-Q3"
    assert v["The year-ago quarter"] == "2019-Q3"
    assert values("Exports fell sharply a year ago.", "en")["a year ago"] == "2020"


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("Am 3. März trat er zurück. Am selben Tag wurde gewählt.", "de", "am selben Tag", "2021-03-03"),
        ("Die Wahl war am Montag. An diesem Abend feierte die Partei.", "de", "An diesem Abend", "2021-03-08TEV"),
        ("He resigned on March 3. The same day, parliament voted.", "en", "same day", "2021-03-03"),
        ("Die Mode der 80er kehrt zurück, wie in den 80ern.", "de", "80ern", "198"),
        ("Prices soared in the late 1970s.", "en", "the late 1970s", "197"),
    ],
)
def test_anaphoric_days_and_decades(text: str, lang: str, phrase: str, value: str) -> None:
    hits = {t.text.lower(): t.value for t in tag(text, lang=lang, anchor=FRI)}
    assert any(phrase.lower() in k and v == value for k, v in hits.items()), hits


@pytest.mark.parametrize(
    ("text", "phrase", "value", "mod"),
    [
        ("Bis Monatsende müssen alle Zähler abgelesen sein.", "Monatsende", "2021-03", "END"),
        ("Zum Jahresende 2019 lief das Programm aus.", "Jahresende 2019", "2019", "END"),
        ("Ab Jahresbeginn gilt die neue Gebühr.", "Jahresbeginn", "2021", "START"),
        ("Bis zur Jahresmitte soll die Brücke stehen.", "Jahresmitte", "2021", "MID"),
    ],
)
def test_german_compounds_of_year_and_month_parts(text: str, phrase: str, value: str, mod: str) -> None:
    hits = {t.text: t for t in tag(text, lang="de", anchor=FRI)}
    assert (hits[phrase].value, hits[phrase].mod) == (value, mod)


def test_german_midnight_is_a_clock_time() -> None:
    assert values("Das Ultimatum läuft um Mitternacht ab.", "de")["Mitternacht"] == "2021-03-12T24:00"


def test_german_working_days_are_days() -> None:
    assert values("Der Einspruch ist binnen zehn Werktagen einzulegen.", "de")["zehn Werktagen"] == "P10D"


def test_a_count_before_in_the_year_is_no_year() -> None:
    v = values("Es starben 2000 im Jahr 2011 und 1700 im Jahr darauf.", "de")
    assert v.get("Jahr 2011") == "2011" and "2000" not in v and "1700" not in v


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("In nineteen ninety-six a bomb exploded.", "nineteen ninety-six", "1996"),
        ("The approach of the year two thousand worried them.", "the year two thousand", "2000"),
        ("Hate groups grew through the nineties.", "the nineties", "199"),
        ("The deal should close by year-end.", "year-end", "2021-12-31"),
        ("Shares are up 4% since year-end.", "year-end", "2020-12-31"),
        ("Sales for the full year rose 3%.", "the full year", "2021"),
        ("For the year ended Jan. 31, the chain earned $4 million.", "the year", "P1Y"),
        ("He moved to Lyon in 2009 and left later that year.", "that year", "2009"),
        ("She was named player of the year.", "the year", None),
        ("The regulator has given the bank until Tuesday to reply.", "Tuesday", "2021-03-16"),
        ("The vote was postponed until Monday morning.", "Monday morning", "2021-03-15TMO"),
        ("The offer had been due to expire Thursday.", "Thursday", "2021-03-11"),
        ("A bomb exploded next to the embassy on Wednesday.", "Wednesday", "2021-03-10"),
        ("The lease was extended for two more years.", "two more years", "P2Y"),
        ("The talks will take a couple of weeks.", "a couple of weeks", "P2W"),
        ("The pilot waited a minute and a half.", "a minute and a half", "PT1M30S"),
        ("Iraq imports about three-quarters of its grain.", "three-quarters", None),
        ("The chain holds a quarter of the market.", "a quarter", None),
        ("The airline will add 700 seats a week.", "a week", None),
        ("A second group of bidders came forward.", "A second", None),
        ("The protesters were planning to march through the city on Monday.", "Monday", "2021-03-15"),
        ("The mill closed this past winter.", "this past winter", "2020-WI"),
        ("Prices were this low in the autumn of nineteen ninety-eight.", "the autumn of nineteen ninety-eight", "1998-FA"),
        ("Then came January two thousand and four.", "January two thousand and four", "2004-01"),
        ("Shares fell for eight trading days in a row.", "eight trading days", "P8D"),
        ("The landlord must answer within 10 business days.", "10 business days", "P10D"),
        ("Pilgrims walk to the shrine each May.", "each May", "XXXX-05"),
        ("Jobless claims hit a low for almost two decades.", "two decades", "P20Y"),
        ("Sales doubled over the past year.", "past year", "2020"),
        ("The firm had several quarters of losses.", "several quarters", "PXQ"),
        ("The airline lost $5 million in the quarter ended Sept. 30.", "the quarter", "2021-QX"),
        ("Dealers placed big orders in the morning.", "the morning", "2021-03-12TMO"),
        ("Analysts cut their 2022 earnings forecasts.", "2022", "2022"),
        ("In the past, the town flooded often.", "the past", "PAST_REF"),
        ("The company reported a profit for the quarter.", "the quarter", "2020-Q4"),
        (
            "He bought 10,000 shares on the 1988 quarter's close; in the third quarter he sold.",
            "the third quarter",
            "2020-Q3",  # past tense in March 2021: the third quarter that has been
        ),
    ],
)
def test_english_transcripts_and_reports(text: str, phrase: str, value: str | None) -> None:
    assert values(text, "en").get(phrase) == value


@pytest.mark.parametrize(
    "text", ["Two thousand troops arrived.", "He is in his sixties.", "Police arrested 2000 people on the day."]
)
def test_english_numbers_that_are_not_years(text: str) -> None:
    assert [t for t in tag(text, lang="en", anchor=FRI) if t.type == "DATE" and t.value[:1].isdigit()] == []


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Die Solidarność wuchs in den Achtzigerjahren.", "Achtzigerjahren", "198"),
        ("Die siebziger Jahre waren wild.", "siebziger Jahre", "197"),
        ("Dieser Tage zählt das Ministerium die Anträge.", "Dieser Tage", "PRESENT_REF"),
        ("Zwei Tage vor dem Tag der Arbeit wird demonstriert.", "Tag der Arbeit", "2021-05-01"),
        ("Die Prognose für 2022 liegt bei 1,6 Prozent.", "2022", "2022"),
        ("Die Europameisterschaft in Frankreich 2016 (10. Juni bis 10. Juli) war teuer.", "2016", "2016"),
        ("Er sagte, 2003/2004 sei die Firma gewachsen.", "2004", "2004"),
        ("Rund 3000 Schüler haben 2013/14 Deutsch gelernt.", "2013/14", "2013"),
    ],
)
def test_german_decades_holidays_and_years(text: str, phrase: str, value: str) -> None:
    assert values(text, "de")[phrase] == value


def test_german_decade_word_alone_is_no_date() -> None:
    assert values("Die Achtziger kamen zu Besuch.", "de") == {}


@pytest.mark.parametrize(
    ("text", "lang", "phrase", "value"),
    [
        ("They lived in camps for 2 1/2 years.", "en", "2 1/2 years", "P2Y6M"),
        ("The minister spent about 5 1/2 hours in Nairobi.", "en", "5 1/2 hours", "PT5H30M"),
        ("Die Ermittlungen könnten eineinhalb Jahre dauern.", "de", "eineinhalb Jahre", "P1Y6M"),
        ("The blast came at 10:35 a.m. (0735 GMT) Friday.", "en", "10:35 a.m. (0735 GMT) Friday", "2021-03-12T10:35"),
    ],
)
def test_fractions_and_clock_times_with_a_day(text: str, lang: str, phrase: str, value: str) -> None:
    assert values(text, lang)[phrase] == value


def test_clock_style_duration() -> None:
    assert values("Er verließ den Platz nach 3:38 Stunden.", "de")["3:38 Stunden"] == "PT3H38M"


@pytest.mark.parametrize(
    ("text", "phrase", "value", "mod"),
    [
        ("Mitte der 90er Jahre zog er nach Berlin.", "Mitte der 90er Jahre", "199", "MID"),
        ("Ende der achtziger Jahre fiel die Mauer.", "Ende der achtziger Jahre", "198", "END"),
    ],
)
def test_german_decades_with_modifiers(text: str, phrase: str, value: str, mod: str) -> None:
    hit = next(t for t in tag(text, lang="de", anchor=FRI) if t.text == phrase)
    assert (hit.value, hit.mod) == (value, mod)


def test_a_participle_after_a_determiner_is_no_past_tense() -> None:
    text = "The council pays a bonus for every furloughed worker kept on when the scheme winds down at the end of May."
    assert [t.value for t in tag(text, lang="en", anchor=dt.date(2026, 3, 2))] == ["2026-05"]
