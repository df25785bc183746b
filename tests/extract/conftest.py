"""Fixtures for the extraction tests.

`run_extract` is `extract_with` wired to the real temporal tagger and language detector when they are importable,
else to a tiny stand-in tagger defined here (tests only; product code always imports the real modules).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence

import pytest

from newsdigest.extract import extract_with
from newsdigest.extract.types import Extraction, Timex

_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8,
    "september": 9, "oktober": 10, "november": 11, "dezember": 12, "january": 1, "february": 2, "march": 3,
    "may": 5, "june": 6, "july": 7, "october": 10, "december": 12,
}  # fmt: skip
_WEEKDAYS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_NUM = {
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "zehn": 10,
    "zwölf": 12,
    "vierzehn": 14,
    "dreißig": 30,
    "two": 2,
    "three": 3,
    "five": 5,
    "seven": 7,
    "ten": 10,
    "thirty": 30,
}
_M = "|".join(sorted(_MONTHS, key=len, reverse=True))
_W = "|".join(_WEEKDAYS)
_N = r"\d+|" + "|".join(_NUM)
_RX = re.compile(
    rf"(?P<dm>(?P<d1>\d{{1,2}})\.\s*(?P<m1>{_M})(?:\s+(?P<y1>\d{{4}}))?)"
    rf"|(?P<md>(?P<m2>{_M})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}}))?)"
    rf"|(?P<dme>(?P<d3>\d{{1,2}})\s+(?P<m3>{_M})(?:\s+(?P<y3>\d{{4}}))?)"
    rf"|(?P<part>(?P<mod>Anfang|Mitte|Ende|early|mid|late|end\s+of)\s+(?P<m4>{_M})(?:\s+(?P<y4>\d{{4}}))?)"
    rf"|(?P<my>(?P<m5>{_M})\s+(?P<y5>\d{{4}}))"
    rf"|(?P<jahr>(?:im\s+Jahr|in)\s+(?P<y6>(?:19|20)\d\d))"
    rf"|(?P<wd>(?P<w>{_W}))\b"
    rf"|(?P<dur>(?P<n>{_N})(?:-tägige|\s+(?P<unit>Tagen|Tage|Tag|days|day|Wochen|weeks|Monaten|Monate|months)))"
    rf"|(?P<im>\b(?:im|in)\s+(?P<m6>{_M}))\b",
    re.IGNORECASE,
)
_MOD = {"anfang": "START", "early": "START", "mitte": "MID", "mid": "MID", "ende": "END", "late": "END"}


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _NUM[s.lower()]


def standin_tag(text: str, *, lang: str, anchor: dt.date | None) -> list[Timex]:
    year = anchor.year if anchor else None

    def ys(y: str | None) -> str:
        return y or (str(year) if year else "XXXX")

    out = []
    for m in _RX.finditer(text):
        g = m.groupdict()
        typ, mod = "DATE", None
        if g["dm"] or g["md"] or g["dme"]:
            d = g["d1"] or g["d2"] or g["d3"]
            mo = _MONTHS[(g["m1"] or g["m2"] or g["m3"]).lower()]
            val = f"{ys(g['y1'] or g['y2'] or g['y3'])}-{mo:02d}-{int(d):02d}"
        elif g["part"]:
            val = f"{ys(g['y4'])}-{_MONTHS[g['m4'].lower()]:02d}"
            mod = _MOD.get(g["mod"].lower().split()[0], "END")
        elif g["my"]:
            val = f"{g['y5']}-{_MONTHS[g['m5'].lower()]:02d}"
        elif g["jahr"]:
            val = g["y6"]
        elif g["wd"]:
            if anchor is None:
                continue
            wd = _WEEKDAYS[g["w"].lower()]
            before = text[max(0, m.start() - 12) : m.start()].lower()
            if re.search(r"(bis|until|by|zum)\s+$", before):
                delta = (wd - anchor.weekday()) % 7 or 7
            else:
                delta = -((anchor.weekday() - wd) % 7 or 7)
            val = (anchor + dt.timedelta(days=delta)).isoformat()
        elif g["dur"]:
            n = _num(g["n"])
            unit = (g["unit"] or "D")[0].upper()
            unit = {"T": "D", "D": "D", "W": "W", "M": "M"}.get(unit, "D")
            val, typ = f"P{n}{unit}", "DURATION"
        else:
            val = f"{ys(None)}-{_MONTHS[g['m6'].lower()]:02d}"
        out.append(Timex(m.start(), m.end(), m.group(), typ, val, mod))
    return out


def _real_tagger() -> Callable[..., Sequence[Timex]] | None:
    try:
        from newsdigest.extract.temporal import tag
    except ImportError:
        return None
    return tag


@pytest.fixture(scope="session")
def tagger() -> Callable[..., Sequence[Timex]]:
    return _real_tagger() or standin_tag


@pytest.fixture(scope="session")
def run_extract(tagger: Callable[..., Sequence[Timex]]) -> Callable[..., Extraction]:
    def run(text: str, **kw: object) -> Extraction:
        return extract_with(text, tagger=tagger, **kw)  # type: ignore[arg-type]

    return run


_ = calendar  # keep import for month-length helpers in future stand-in cases
