"""Pure extraction: article text -> Extraction. No network, no database, no wall clock.

PLACEHOLDER: a minimal sentence-based version so the rest of the system can run; the extraction
work (issue 3) replaces the body of `extract` with the full pipeline.
"""

from __future__ import annotations

import datetime as dt
import re

from newsdigest.extract.types import DeadlineRec, Extraction, KeyPointRec, Removed, Timex

__all__ = ["DeadlineRec", "Extraction", "KeyPointRec", "Removed", "Timex", "extract"]

_SENT = re.compile(r"[^.!?\n]+[.!?]?")


def extract(
    text: str,
    *,
    published: dt.date | str | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> Extraction:
    if isinstance(published, str):
        published = dt.date.fromisoformat(published[:10])
    kps = []
    for m in _SENT.finditer(text):
        s = m.group().strip()
        if len(s) > 40:
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            kps.append(KeyPointRec(start, start + len(s), s, "fact", 0.5))
    return Extraction(
        lang=lang or "de",
        published=published.isoformat() if published else None,
        title=title,
        key_points=tuple(kps[:10]),
    )
