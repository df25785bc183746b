"""Wording shared by every layer that talks to people: message catalogs and dates in English and German."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

LANGUAGES = ("en", "de")

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
}


class Catalog:
    """Messages by language and key; a key missing in German falls back to English, then to the key itself."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self.messages = messages

    def __call__(self, lang: str, key: str, **values: object) -> str:
        table = self.messages.get(lang, self.messages["en"])
        template = table.get(key) or self.messages["en"].get(key) or key
        return template.format(**values)


def month_name(lang: str, month: int) -> str:
    return MONTHS.get(lang, MONTHS["en"])[month - 1]


def format_date(day: dt.date, lang: str, *, weekday: bool = False) -> str:
    """'15 September 2020' / '15. September 2020', optionally with the weekday in front."""
    text = (f"{day.day}. {month_name(lang, day.month)} {day.year}" if lang == "de"
            else f"{day.day} {month_name(lang, day.month)} {day.year}")
    if weekday:
        text = f"{WEEKDAYS.get(lang, WEEKDAYS['en'])[day.weekday()]} {text}"
    return text
