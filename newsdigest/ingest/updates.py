"""Updates: an article re-sent under the same GUID or URL with new text replaces the stored one. When the
new text moves a key date without naming the old one ("extended to 12 November"), the article itself is the
link: a date that appeared replaces the date that disappeared, so the story's ledger shows the move."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from newsdigest.extract.types import DeadlineRec, Extraction

_WORD = re.compile(r"\w{3,}")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def link_replacements(previous: dict[str, Any], new: Extraction) -> Extraction:
    """`new` with `supersedes` set on each new key date that replaces one the previous version had."""
    before = [(str(d.get("value", "")), str(d.get("what", ""))) for d in previous.get("deadlines") or []]
    now = {d.value for d in new.deadlines} | {d.supersedes for d in new.deadlines if d.supersedes}
    gone = [(v, w) for v, w in before if v and v not in now]
    fresh = [d for d in new.deadlines if not d.supersedes and d.value not in {v for v, _ in before}]
    if not gone or not fresh:
        return new
    links: dict[int, str] = {}
    for d in fresh:
        value = _partner(d, gone, single=len(gone) == 1 and len(fresh) == 1)
        if value is not None:
            links[id(d)] = value
            gone = [g for g in gone if g[0] != value]
    if not links:
        return new
    deadlines: tuple[DeadlineRec, ...] = tuple(
        dataclasses.replace(d, supersedes=links[id(d)]) if id(d) in links else d for d in new.deadlines
    )
    return dataclasses.replace(new, deadlines=deadlines)


def _partner(d: DeadlineRec, gone: list[tuple[str, str]], *, single: bool) -> str | None:
    """The vanished date `d` replaces: the one about the same thing, or the only one."""
    mine = _words(d.what)
    scored = sorted(((len(mine & _words(w)), v) for v, w in gone), reverse=True)
    if scored and scored[0][0] > 0:
        return scored[0][1]
    return gone[0][0] if single else None
