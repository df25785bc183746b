"""Extraction result types. `Extraction.as_dict()` is the stable `extract --json` schema (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from newsdigest.models import KeyPointKind


@dataclass(frozen=True)
class Timex:
    """A TIMEX3 expression: offsets are str indices into the text exactly as given."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str  # 2020-09-15, 2020-09, P45D, PRESENT_REF, ...
    mod: str | None = None  # START | MID | END | BEFORE | AFTER | APPROX ...
    # a DURATION in days counted as business days ("binnen zehn Werktagen", "ten business days"): the value stays
    # P10D; its end date is temporal.workdays.add_business_days(start, 10), not start + 10 calendar days
    business_days: bool = False


@dataclass(frozen=True)
class DeadlineRec:
    start: int
    end: int
    text: str
    value: str
    what: str
    supersedes: str | None = None
    kind: str = "deadline"  # deadline (someone must act by then) | expiry (something in force ends then)
    reason: str = ""  # the decision that made it a key date, e.g. "deadline: 'bis zum' + obligation 'muss'"
    retired: bool = False  # the text says this date no longer holds ("no longer applies", "ursprünglich")


@dataclass(frozen=True)
class KeyPointRec:
    start: int
    end: int
    text: str
    kind: KeyPointKind
    score: float


@dataclass(frozen=True)
class Removed:
    start: int
    end: int
    reason: str  # boilerplate | comments


@dataclass(frozen=True)
class Extraction:
    lang: str
    published: str | None
    title: str | None
    temporal: tuple[Timex, ...] = ()
    deadlines: tuple[DeadlineRec, ...] = ()
    key_points: tuple[KeyPointRec, ...] = ()
    actors: tuple[str, ...] = ()
    removed: tuple[Removed, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # not part of the JSON contract

    def as_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "published": self.published,
            "title": self.title,
            "temporal": [asdict(t) for t in self.temporal],
            "deadlines": [asdict(d) for d in self.deadlines],
            "key_points": [asdict(k) for k in self.key_points],
            "actors": list(self.actors),
            "removed": [asdict(r) for r in self.removed],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        return cls(
            lang=d.get("lang", "en"),
            published=d.get("published"),
            title=d.get("title"),
            temporal=tuple(Timex(**t) for t in d.get("temporal", [])),
            deadlines=tuple(DeadlineRec(**x) for x in d.get("deadlines", [])),
            key_points=tuple(KeyPointRec(**k) for k in d.get("key_points", [])),
            actors=tuple(d.get("actors", [])),
            removed=tuple(Removed(**r) for r in d.get("removed", [])),
        )
