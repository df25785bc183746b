"""Pure extraction: article text -> Extraction. No network, no database, no wall clock.

Pipeline: clean (boilerplate, reader comments) -> sentences -> temporal tagging -> deadlines -> actors ->
key points. Every offset is a str index into `text` exactly as given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from newsdigest.extract.clean import find_removed
from newsdigest.extract.deadlines import find_deadlines
from newsdigest.extract.entities import find_actors
from newsdigest.extract.keypoints import rank_key_points
from newsdigest.extract.lang import detect_lang
from newsdigest.extract.sentences import SpanSet, Unit, split
from newsdigest.extract.temporal import tag
from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec, Removed, Timex

__all__ = ["DeadlineRec", "Extraction", "KeyPointRec", "Removed", "Timex", "extract", "extract_with"]

Tagger = Callable[..., Sequence[Timex]]  # tag(text, *, lang, anchor) -> [Timex]
Detector = Callable[[str], str]  # detect_lang(text) -> "de" | "en"

_DE_HINTS = re.compile(r"\b(?:der|die|das|und|nicht|ist|mit|sich|auf|für|dem|den|ein|eine|auch|wurde|werden)\b")
_EN_HINTS = re.compile(r"\b(?:the|and|not|is|with|of|to|for|on|that|was|were|has|have|will|this|which)\b")


def extract(
    text: str,
    *,
    published: dt.date | str | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> Extraction:
    """One article's extraction (the `newsdigest extract FILE --json` object is `.as_dict()`)."""
    return extract_with(text, published=published, lang=lang, title=title, tagger=tag, detector=detect_lang)


def extract_with(
    text: str,
    *,
    published: dt.date | str | None = None,
    lang: str | None = None,
    title: str | None = None,
    tagger: Tagger | None = None,
    detector: Detector | None = None,
) -> Extraction:
    """`extract` with the temporal tagger and language detector injected (tests, benchmarks)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    pub = _date(published)
    language = _language(text, lang, detector)
    errors: list[str] = []

    removed = find_removed(text, language)
    skip = SpanSet([(r.start, r.end) for r in removed])
    units = split(text)
    timexes = _tag(text, language, pub, tagger, errors)
    kept_tx = [t for t in timexes if not skip.contains(t.start)]
    actors = find_actors(text, units, language, skip=skip)
    deadlines = find_deadlines(text, units, kept_tx, pub, actors=actors)
    key_points = rank_key_points(text, units, actors=actors, deadlines=deadlines, timexes=kept_tx, skip=skip)
    extra: dict[str, object] = {"errors": errors} if errors else {}
    return Extraction(
        lang=language,
        published=pub.isoformat() if pub else None,
        title=title if title is not None else _infer_title(text, units, skip),
        temporal=tuple(timexes),
        deadlines=tuple(deadlines),
        key_points=tuple(key_points),
        actors=tuple(actors),
        removed=tuple(removed),
        extra=extra,
    )


def _date(published: dt.date | str | None) -> dt.date | None:
    if published is None:
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(str(published).strip()[:10])
    except ValueError:
        return None  # an unreadable date is no anchor; relative dates then stay unresolved


def _language(text: str, lang: str | None, detector: Detector | None) -> str:
    if lang in ("de", "en"):
        return lang
    if detector is not None:
        try:
            found = detector(text)
        except Exception:  # noqa: BLE001 (extraction never crashes on bad input: the hint counts below decide)
            found = None
        if found in ("de", "en"):
            return found
    sample = text[:5000].lower()
    return "en" if len(_EN_HINTS.findall(sample)) > len(_DE_HINTS.findall(sample)) else "de"


def _tag(text: str, lang: str, pub: dt.date | None, tagger: Tagger | None, errors: list[str]) -> list[Timex]:
    if tagger is None:
        return []
    try:
        found = list(tagger(text, lang=lang, anchor=pub))
    except Exception as exc:  # noqa: BLE001 (never crash on bad input: the failure is recorded in the result)
        errors.append(f"temporal: {type(exc).__name__}: {exc}"[:200])
        return []
    ok = [t for t in found if 0 <= t.start < t.end <= len(text) and text[t.start : t.end] == t.text]
    return sorted(ok, key=lambda t: (t.start, t.end))


def _infer_title(text: str, units: Sequence[Unit], skip: SpanSet) -> str | None:
    """The first line when it is a headline (a short line without final punctuation) and not boilerplate."""
    for u in units:
        if skip.contains(u.start):
            continue
        return text[u.start : u.end] if u.kind == "headline" else None
    return None

