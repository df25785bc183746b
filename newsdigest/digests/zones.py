"""Time zone words people type after a time: abbreviations and city names -> IANA zones (data + lookup).

`/subscribe 08:00 CET` and `/subscribe 08:00 Berlin` mean Europe/Berlin. Abbreviations name the zone
people mean by them all year (CET and CEST both mean German clocks, with their DST), not a fixed offset.
Every IANA city ("Berlin", "New York", "Sao Paulo") is known from the tz database itself; the table adds
abbreviations, native spellings and big cities that are no IANA zone name.
"""

from __future__ import annotations

import functools
import zoneinfo

from newsdigest.digests.filters import fold

ABBREVIATIONS: dict[str, str] = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "mez": "Europe/Berlin", "mesz": "Europe/Berlin",
    "wet": "Europe/Lisbon", "west": "Europe/Lisbon", "bst": "Europe/London",
    "eet": "Europe/Helsinki", "eest": "Europe/Helsinki", "msk": "Europe/Moscow",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "ist": "Asia/Kolkata", "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore", "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "nzst": "Pacific/Auckland",
}

# Cities and spellings the tz database does not carry as a zone name.
CITIES: dict[str, str] = {
    "munich": "Europe/Berlin", "munchen": "Europe/Berlin", "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin", "koln": "Europe/Berlin", "stuttgart": "Europe/Berlin", "dusseldorf": "Europe/Berlin",
    "leipzig": "Europe/Berlin", "dresden": "Europe/Berlin", "hannover": "Europe/Berlin", "bonn": "Europe/Berlin",
    "wien": "Europe/Vienna", "zurich": "Europe/Zurich", "genf": "Europe/Zurich", "geneva": "Europe/Zurich",
    "bern": "Europe/Zurich", "basel": "Europe/Zurich", "salzburg": "Europe/Vienna", "graz": "Europe/Vienna",
    "rom": "Europe/Rome", "mailand": "Europe/Rome", "milan": "Europe/Rome", "prag": "Europe/Prague",
    "warschau": "Europe/Warsaw", "brussel": "Europe/Brussels", "den haag": "Europe/Amsterdam",
    "lissabon": "Europe/Lisbon", "moskau": "Europe/Moscow", "kiew": "Europe/Kyiv", "kyiv": "Europe/Kyiv",
    "washington": "America/New_York", "boston": "America/New_York", "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "dallas": "America/Chicago", "houston": "America/Chicago",
    "peking": "Asia/Shanghai", "beijing": "Asia/Shanghai", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata",
}

MAX_WORDS = 3  # "Rio de Janeiro"-style names; longer runs are never a zone


@functools.lru_cache(maxsize=1)
def _iana_cities() -> dict[str, str]:
    """'new york' -> America/New_York for every zone whose last part names one place (ambiguous names dropped)."""
    seen: dict[str, set[str]] = {}
    for name in zoneinfo.available_timezones():
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")):
            continue
        city = fold(name.rsplit("/", 1)[1].replace("_", " "))
        seen.setdefault(city, set()).add(name)
    return {city: next(iter(names)) for city, names in seen.items() if len(names) == 1}


def zone_for_words(words: str, *, cities: bool = True) -> str | None:
    """The IANA zone meant by 'CET', 'Berlin', 'new york', 'Europe/Berlin'; None when it names none.

    `cities=False` reads only zone names and abbreviations (a city may just as well be part of a story's name)."""
    text = " ".join(words.split())
    if not text:
        return None
    if "/" in text:
        return text if _is_zone(text) else None
    key = fold(text).replace("-", " ")
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key]
    return (CITIES.get(key) or _iana_cities().get(key)) if cities else None


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
