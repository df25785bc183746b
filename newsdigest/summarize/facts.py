"""The numbered facts a brief may cite: a story's stored developments and key dates, nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsdigest.texts import format_date


@dataclass(frozen=True)
class Fact:
    """One citable statement. `n` is the number the model cites, `[n]`; it is also the item's number in /status."""

    n: int
    text: str
    day: dt.date | None = None
    sources: int = 1
    article_ids: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class BriefSentence:
    text: str  # as shown, citations included
    cites: tuple[int, ...]


@dataclass(frozen=True)
class Brief:
    """A checked machine-written brief: only sentences that cite facts holding what they say."""

    sentences: tuple[BriefSentence, ...]
    model: str
    lang: str

    @property
    def cites(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(n for s in self.sentences for n in s.cites))


def render_fact(fact: Fact, lang: str) -> str:
    """`[3] 14 September 2020 · 2 sources: ByteDance chose Oracle` (the form the model reads)."""
    when = format_date(fact.day, lang) if fact.day else ("undated" if lang == "en" else "ohne Datum")
    sources = f"{fact.sources} source{'s' if fact.sources != 1 else ''}" if lang == "en" else (
        f"{fact.sources} Quelle{'n' if fact.sources != 1 else ''}")
    return f"[{fact.n}] {when} · {sources}: {fact.text}"


def facts_version(facts: Sequence[Fact], as_of: dt.date, lang: str) -> str:
    """A digest of everything the model would see: same facts, day and language -> same brief (the cache key)."""
    payload = [(f.n, f.text, f.day.isoformat() if f.day else None, f.sources) for f in facts]
    raw = json.dumps([payload, as_of.isoformat(), lang], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]
