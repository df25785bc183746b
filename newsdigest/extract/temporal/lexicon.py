"""Time words of German and English as data: months, weekdays, numbers, units, parts of day, holidays.

The one place the package spells month and weekday names: the tagger, the sentence splitter and the actor
finder read them from here (`MONTH_WORDS`, `WEEKDAY_WORDS`). Every table maps a lower-cased surface form to
its meaning; the regex alternations are built from the keys, longest first, so that the regex engine never
prefers a prefix ("Juni" before "Jun.").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable


def alt(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, with regex metacharacters escaped."""
    keys = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(k) for k in keys)


def alt_cap(words: Iterable[str]) -> str:
    """Like `alt`, but each word as written in running text: first letter upper-case (German nouns, months)."""
    return alt(w[:1].upper() + w[1:] for w in words)


MONTHS_DE: dict[str, int] = {
    "januar": 1, "jänner": 1, "jaenner": 1, "februar": 2, "feber": 2, "märz": 3, "maerz": 3, "april": 4,
    "mai": 5, "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
    "dezember": 12,
    "jan.": 1, "jän.": 1, "feb.": 2, "febr.": 2, "mär.": 3, "mrz.": 3, "apr.": 4, "jun.": 6, "jul.": 7,
    "aug.": 8, "sep.": 9, "sept.": 9, "okt.": 10, "nov.": 11, "dez.": 12,
}  # fmt: skip

MONTHS_EN: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "jun.": 6, "jul.": 7, "aug.": 8, "sep.": 9, "sept.": 9,
    "oct.": 10, "nov.": 11, "dec.": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip

# English month names that are also common words or first names: a month only with date-like context.
AMBIGUOUS_MONTHS_EN = frozenset({"may", "march", "april", "june", "august", "jan", "mar", "jun", "sep", "dec"})

WEEKDAYS_DE: dict[str, int] = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5,
    "sonntag": 6,
}  # fmt: skip
WEEKDAYS_EN: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

# Parts of the day -> TIMEX3 part-of-day code.
DAYPARTS_DE: dict[str, str] = {
    "morgen": "MO", "früh": "MO", "vormittag": "MO", "mittag": "MI", "nachmittag": "AF", "abend": "EV",
    "nacht": "NI",
}  # fmt: skip
DAYPARTS_EN: dict[str, str] = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "noon": "MI"}

NUMBERS_DE: dict[str, float | None] = {
    "ein": 1, "eine": 1, "einem": 1, "einen": 1, "einer": 1, "eines": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18,
    "neunzehn": 19, "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90, "hundert": 100, "tausend": 1000, "beiden": 2, "beide": 2,
    "anderthalb": 1.5, "eineinhalb": 1.5, "zweieinhalb": 2.5,
    "einige": None, "einigen": None, "mehrere": None, "mehreren": None, "wenige": None, "wenigen": None,
    "viele": None, "vielen": None, "etliche": None, "etlichen": None, "zahlreiche": None, "zahlreichen": None,
    "lange": None, "langen": None, "ein paar": None, "paar": None,
}  # fmt: skip
NUMBERS_EN: dict[str, float | None] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a few": None, "few": None, "several": None, "many": None, "some": None, "a couple of": 2,
    "couple of": 2,
}  # fmt: skip

# Compound numbers 21-99, written as one word in German ("vierundzwanzig Stunden") and with a hyphen or a space in
# English ("twenty-four hours", "twenty four hours")
_ONES_DE = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
_TENS_DE = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
            "neunzig": 90}  # fmt: skip
_ONES_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TENS_EN = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}  # fmt: skip
NUMBERS_DE.update({o + "und" + t: ov + tv for o, ov in _ONES_DE.items() for t, tv in _TENS_DE.items()})
NUMBERS_EN.update({t + sep + o: tv + ov for t, tv in _TENS_EN.items() for o, ov in _ONES_EN.items() for sep in "- "})

# Duration units: surface form -> (TIMEX3 unit code, is-time-unit)
UNITS_DE: dict[str, str] = {
    "sekunde": "S", "sekunden": "S", "minute": "MIN", "minuten": "MIN", "stunde": "H", "stunden": "H",
    "tag": "D", "tage": "D", "tagen": "D", "tages": "D", "woche": "W", "wochen": "W",
    "wochenende": "WE", "wochenenden": "WE", "monat": "M", "monate": "M", "monaten": "M", "monats": "M",
    "jahr": "Y", "jahre": "Y", "jahren": "Y", "jahres": "Y", "jahrzehnt": "DE", "jahrzehnte": "DE",
    "jahrzehnten": "DE", "jahrhundert": "CE", "jahrhunderte": "CE", "jahrhunderten": "CE", "quartal": "Q",
    "quartale": "Q", "quartalen": "Q",
    # counted days of work or trading ("binnen zehn Werktagen", "nach fünf Arbeitstagen"): value P10D, but the
    # end date is counted in business days (BUSINESS_DAY_UNITS_DE, temporal/workdays.py)
    "werktag": "D", "werktage": "D", "werktagen": "D", "arbeitstag": "D", "arbeitstage": "D", "arbeitstagen": "D",
    "kalendertag": "D", "kalendertage": "D", "kalendertagen": "D", "bankarbeitstag": "D", "bankarbeitstage": "D",
    "bankarbeitstagen": "D",
}  # fmt: skip
BUSINESS_DAY_UNITS_DE = frozenset(
    ["werktag", "werktage", "werktagen", "arbeitstag", "arbeitstage", "arbeitstagen", "bankarbeitstag",
     "bankarbeitstage", "bankarbeitstagen"]
)  # fmt: skip
UNITS_EN: dict[str, str] = {
    "second": "S", "seconds": "S", "minute": "MIN", "minutes": "MIN", "hour": "H", "hours": "H", "day": "D",
    "days": "D", "week": "W", "weeks": "W", "weekend": "WE", "weekends": "WE", "month": "M", "months": "M",
    "year": "Y", "years": "Y", "decade": "DE", "decades": "DE", "century": "CE", "centuries": "CE",
    "quarter": "Q", "quarters": "Q", "fortnight": "2W",
}  # fmt: skip
# words before "days" that count business days: "ten business days", "five working days", "three trading days"
BUSINESS_DAY_WORDS_EN = frozenset(["business", "working", "trading"])

# German adjective stems of durations: "45-tägige", "dreimonatige", "zweijährigen"
ADJ_UNITS_DE: dict[str, str] = {
    "sekündig": "S", "minütig": "MIN", "stündig": "H", "tägig": "D", "wöchig": "W", "monatig": "M",
    "jährig": "Y",
}  # fmt: skip

ORDINALS_DE: dict[str, int] = {
    "erste": 1, "ersten": 1, "erstes": 1, "zweite": 2, "zweiten": 2, "zweites": 2, "dritte": 3, "dritten": 3,
    "drittes": 3, "vierte": 4, "vierten": 4, "viertes": 4, "letzte": -1, "letzten": -1, "letztes": -1,
    "1.": 1, "2.": 2, "3.": 3, "4.": 4,
}  # fmt: skip
ORDINALS_EN: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "final": -1,
    "last": -1,
}  # fmt: skip

SEASONS_DE: dict[str, str] = {
    "frühjahr": "SP", "frühling": "SP", "sommer": "SU", "herbst": "FA", "winter": "WI",
}  # fmt: skip
SEASONS_EN: dict[str, str] = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

# Sets: adverbs / adjectives of frequency (stems; inflection suffix is allowed by the pattern)
SETS_DE: dict[str, str] = {
    "täglich": "P1D", "tagtäglich": "P1D", "wöchentlich": "P1W", "allwöchentlich": "P1W",
    "monatlich": "P1M", "allmonatlich": "P1M", "vierteljährlich": "P3M", "halbjährlich": "P6M",
    "jährlich": "P1Y", "alljährlich": "P1Y", "stündlich": "PT1H", "allabendlich": "P1D",
}  # fmt: skip
# "daily", "quarterly", "annually" are left out: in news they are mostly adjectives of things ("a quarterly
# dividend", "daily turnover"), which TimeBank does not tag.
SETS_EN: dict[str, str] = {
    "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "hourly": "PT1H", "biweekly": "P2W", "nightly": "P1D",
}  # fmt: skip

# "künftig" is left out: KRAUTS does not tag it (it says how long, not when: "soll künftig gelten").
REFS_DE: dict[str, str] = {
    "jetzt": "PRESENT_REF", "derzeit": "PRESENT_REF", "zurzeit": "PRESENT_REF", "zur zeit": "PRESENT_REF",
    "aktuell": "PRESENT_REF", "gegenwärtig": "PRESENT_REF", "momentan": "PRESENT_REF",
    "heutzutage": "PRESENT_REF", "nunmehr": "PRESENT_REF", "dieser tage": "PRESENT_REF",
    "damals": "PAST_REF", "einst": "PAST_REF", "kürzlich": "PAST_REF", "vor kurzem": "PAST_REF",
    "vor kurzer zeit": "PAST_REF", "unlängst": "PAST_REF", "neulich": "PAST_REF", "jüngst": "PAST_REF",
    "bald": "FUTURE_REF", "demnächst": "FUTURE_REF",
    "in zukunft": "FUTURE_REF", "in naher zukunft": "FUTURE_REF", "in kürze": "FUTURE_REF",
}  # fmt: skip
# Adverbs of sequence ("previously", "once", "soon") are left out: TimeBank tags them rarely (in under half
# of their uses), as they order events rather than name a time. "the past" is tagged without its "in".
REFS_EN: dict[str, str] = {
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "current": "PRESENT_REF", "at present": "PRESENT_REF",
    "presently": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF",
    "the past": "PAST_REF", "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
    "in the coming days": "FUTURE_REF", "in the coming weeks": "FUTURE_REF", "in the coming months": "FUTURE_REF",
    "in the coming years": "FUTURE_REF", "coming days": "FUTURE_REF", "coming weeks": "FUTURE_REF",
    "coming months": "FUTURE_REF", "coming years": "FUTURE_REF", "coming quarters": "FUTURE_REF",
    "recent days": "PAST_REF", "recent weeks": "PAST_REF", "recent months": "PAST_REF", "recent years": "PAST_REF",
    "recent decades": "PAST_REF", "recent quarters": "PAST_REF",
}  # fmt: skip

# Fixed-date holidays (month, day) and Easter-relative ones (offset in days from Easter Sunday).
HOLIDAYS_DE: dict[str, tuple[str, int, int]] = {
    "weihnachten": ("fix", 12, 25), "heiligabend": ("fix", 12, 24), "heiligen abend": ("fix", 12, 24),
    "silvester": ("fix", 12, 31), "neujahr": ("fix", 1, 1), "neujahrstag": ("fix", 1, 1),
    "allerheiligen": ("fix", 11, 1), "allerseelen": ("fix", 11, 2), "valentinstag": ("fix", 2, 14),
    "mariä himmelfahrt": ("fix", 8, 15), "maria himmelfahrt": ("fix", 8, 15),
    "tag der deutschen einheit": ("fix", 10, 3), "dreikönigstag": ("fix", 1, 6),
    "tag der arbeit": ("fix", 5, 1), "staatsfeiertag": ("fix", 5, 1), "nationalfeiertag": ("fix", 10, 26),
    "stephanitag": ("fix", 12, 26), "stefanitag": ("fix", 12, 26), "christtag": ("fix", 12, 25),
    "ostern": ("easter", 0, 0), "ostersonntag": ("easter", 0, 0), "ostermontag": ("easter", 1, 0),
    "karfreitag": ("easter", -2, 0), "gründonnerstag": ("easter", -3, 0), "pfingsten": ("easter", 49, 0),
    "pfingstsonntag": ("easter", 49, 0), "pfingstmontag": ("easter", 50, 0),
    "christi himmelfahrt": ("easter", 39, 0), "fronleichnam": ("easter", 60, 0),
    "aschermittwoch": ("easter", -46, 0),
}  # fmt: skip
HOLIDAYS_EN: dict[str, tuple[str, int, int]] = {
    "christmas": ("fix", 12, 25), "christmas day": ("fix", 12, 25), "christmas eve": ("fix", 12, 24),
    "new year's eve": ("fix", 12, 31), "new year's day": ("fix", 1, 1), "valentine's day": ("fix", 2, 14),
    "halloween": ("fix", 10, 31), "independence day": ("fix", 7, 4), "easter": ("easter", 0, 0),
    "easter sunday": ("easter", 0, 0), "easter monday": ("easter", 1, 0), "good friday": ("easter", -2, 0),
    "thanksgiving": ("thanksgiving", 0, 0), "thanksgiving day": ("thanksgiving", 0, 0),
}  # fmt: skip


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def holiday_date(kind: str, a: int, b: int, year: int) -> dt.date:
    if kind == "fix":
        return dt.date(year, a, b)
    if kind == "easter":
        return easter(year) + dt.timedelta(days=a)
    # thanksgiving: fourth Thursday of November
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


# Words before a bare month name that make it a date ("im Mai"), not a name ("Mai Thi").
TEMPORAL_PREV_DE = frozenset(
    """
    im in seit bis ab vom zum von anfang ende mitte beginn monat monats des über nach vor für zwischen und
    oder bzw. spätestens frühestens noch schon bereits erst zum letzten nächsten kommenden vergangenen
    diesen dieses
    """.split()
)

# Words before an ambiguous English month name that make it a date ("in May", not "May said").
TEMPORAL_PREV_EN = frozenset(
    """
    in since until till by from through during before after early late mid of last next this each every and
    or to between throughout around beginning end start middle
    """.split()
)

# Words after a four-digit number that make it a quantity, not a year ("2000 Euro").
YEAR_BAD_NEXT = frozenset(
    """
    euro eur dollar usd franken prozent % mio millionen mrd milliarden meter km kilometer kg tonnen punkte
    stück menschen personen einwohner mitglieder besucher teilnehmer mal hektar quadratmeter stimmen percent
    million billion people members votes points times miles feet acres tons
    """.split()
)

# Words before a four-digit number that make it a quantity ("rund 2000", "no. 1999").
YEAR_BAD_PREV = frozenset(
    """
    rund etwa über unter ca. ca fast knapp mindestens insgesamt mit nr. nr nummer artikel art. seite platz
    tel. tel plz € $ around about over under nearly almost some least than no. number page
    """.split()
)

# Words before a four-digit number that make it a year ("seit 2015").
YEAR_GOOD_PREV_DE = frozenset(
    """
    im in seit bis ab vor nach zwischen und oder bzw. jahr jahre jahres jahrgang anfang ende mitte beginn
    frühjahr frühling sommer herbst winter saison spielzeit von zum vom des um gegen spätestens für
    """.split()
)

# Words before a four-digit number that make it a year ("since 2015").
YEAR_GOOD_PREV_EN = frozenset(
    """
    in since until till by from through during before after of and or to between early late mid year spring
    summer autumn fall winter season around circa
    """.split()
)

RELDAY_DE: dict[str, int] = {"heute": 0, "gestern": -1, "vorgestern": -2, "übermorgen": 2, "morgen": 1}
RELDAY_EN: dict[str, int] = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}

# "jeden Tag", "every month": the unit -> the TIMEX3 SET value
EVERY: dict[str, str] = {
    "tag": "P1D", "day": "P1D", "woche": "P1W", "week": "P1W", "wochenende": "XXXX-WXX-WE",
    "weekend": "XXXX-WXX-WE", "monat": "P1M", "month": "P1M", "jahr": "P1Y", "year": "P1Y", "quartal": "P1Q",
    "quarter": "P1Q", "morgen": "XXXX-XX-XXTMO", "morning": "XXXX-XX-XXTMO", "abend": "XXXX-XX-XXTEV",
    "evening": "XXXX-XX-XXTEV", "nacht": "XXXX-XX-XXTNI", "night": "XXXX-XX-XXTNI", "stunde": "PT1H",
    "hour": "PT1H", "minute": "PT1M", "sommer": "XXXX-SU", "summer": "XXXX-SU", "winter": "XXXX-WI",
}  # fmt: skip
# "pro Tag", "twice a week"
PER_UNIT: dict[str, str] = {
    "tag": "P1D", "day": "P1D", "woche": "P1W", "week": "P1W", "monat": "P1M", "month": "P1M", "jahr": "P1Y",
    "year": "P1Y", "stunde": "PT1H", "hour": "PT1H", "quartal": "P1Q", "quarter": "P1Q",
}  # fmt: skip
MONEY_WORDS = frozenset(["million", "billion", "trillion", "dollars", "euros", "pounds", "%"])

# Every month and weekday name of both languages, lower-case, abbreviations without their dot.
MONTH_WORDS: frozenset[str] = frozenset(k.rstrip(".") for k in (*MONTHS_DE, *MONTHS_EN))
# Full month names only (not "Jan", also a first name).
MONTH_NAMES: frozenset[str] = frozenset(k for k in (*MONTHS_DE, *MONTHS_EN) if "." not in k) - {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
WEEKDAY_WORDS: frozenset[str] = frozenset((*WEEKDAYS_DE, *WEEKDAYS_EN))
CENTURY_ORDINALS_EN: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21, "twenty first": 21,
}  # fmt: skip

# Spelled-out years of broadcast transcripts: "nineteen ninety-six", "the year two thousand"
YEAR_WORDS_EN: dict[str, int] = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
DIGIT_WORDS_EN: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
DECADE_WORDS_EN: dict[str, int] = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8,
    "nineties": 9,
}  # fmt: skip
DETERMINERS_EN = frozenset(["the", "a", "its", "his", "her", "their", "our", "this", "that"])
DECADE_WORDS_DE: dict[str, int] = {
    "zwanziger": 2, "dreißiger": 3, "vierziger": 4, "fünfziger": 5, "sechziger": 6, "siebziger": 7,
    "achtziger": 8, "neunziger": 9,
}  # fmt: skip
