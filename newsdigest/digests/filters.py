"""Per-subscription word filters (PURE): `+oracle -gaming` keeps what names Oracle and never gaming.

Plain words only, never user regular expressions (no ReDoS, nothing to escape). Matching is case- and
accent-insensitive and by word start, so `+tiktok` finds "TikToks"; accents are dropped on both sides (`+ubernahme` and `+übernahme` both find "Übernahme"). A story's name
(made from its articles' titles) counts for every item of that story.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

from newsdigest.digests.compose import DigestInput
from newsdigest.stories.status import StoryChanges

_WORD = re.compile(r"\w+")
MAX_WORDS = 10
MAX_WORD_CHARS = 40


class FilterError(ValueError):
    """A filter word that is not a plain word (the message names it)."""


def fold(text: str) -> str:
    """Lower case without accents: 'Übernahme' -> 'ubernahme', 'STRASSE' / 'Straße' -> 'strasse'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class WordFilter:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.include or self.exclude)

    def __str__(self) -> str:
        return " ".join([*(f"+{w}" for w in self.include), *(f"-{w}" for w in self.exclude)])

    def keeps(self, text: str) -> bool:
        """Every +word and no -word among the text's words (matched at word starts)."""
        words = _WORD.findall(fold(text))
        return all(_has(words, w) for w in self.include) and not any(_has(words, w) for w in self.exclude)


def _has(words: list[str], wanted: str) -> bool:
    return any(w.startswith(wanted) for w in words)


def is_filter_token(token: str) -> bool:
    return len(token) > 1 and token[0] in "+-" and token[1] not in "+-"


def parse_filter(text: str) -> WordFilter:
    """'+Oracle -gaming' -> WordFilter(('oracle',), ('gaming',)); raises FilterError for anything else."""
    include: list[str] = []
    exclude: list[str] = []
    for token in text.split():
        if not is_filter_token(token):
            raise FilterError(token)
        word = fold(token[1:])
        if not _WORD.fullmatch(word) or len(word) > MAX_WORD_CHARS:
            raise FilterError(token)
        target = include if token[0] == "+" else exclude
        if word not in target:
            target.append(word)
    if len(include) + len(exclude) > MAX_WORDS:
        raise FilterError(" ".join(text.split()[MAX_WORDS:]))
    return WordFilter(tuple(include), tuple(exclude))


def apply_filter(inp: DigestInput, flt: WordFilter) -> DigestInput:
    """The digest input with only the developments, deadline changes and upcoming dates the filter keeps."""
    return apply_filters(inp, flt, {})


def _story(story: StoryChanges, flt: WordFilter) -> StoryChanges:
    name = story.story.name
    developments = tuple(d for d in story.developments if flt.keeps(f"{name} {d.text}"))
    deadlines = tuple(c for c in story.deadlines if flt.keeps(f"{name} {c.item.what}"))
    # nothing kept: the story's new articles do not make it news for this subscription either
    articles = story.new_articles if developments or deadlines else ()
    return dataclasses.replace(story, developments=developments, deadlines=deadlines, new_articles=articles)


def filters_for(subscriptions: list[tuple[str | None, str]]) -> tuple[WordFilter, dict[str, WordFilter]]:
    """[(story slug or None, '+a -b')] -> (filter for all stories, filter per subscribed story slug)."""
    default = WordFilter()
    per_story: dict[str, WordFilter] = {}
    for story, text in subscriptions:
        try:
            flt = parse_filter(text)
        except FilterError:
            flt = WordFilter()  # stored filters were parsed once already; a bad row filters nothing
        if story is None:
            default = flt
        else:
            per_story[story] = flt
    return default, per_story


def apply_filters(inp: DigestInput, default: WordFilter, per_story: dict[str, WordFilter]) -> DigestInput:
    """Each story filtered by its own subscription's words, the rest (and upcoming dates) by the chat-wide ones."""
    if default.empty and all(f.empty for f in per_story.values()):
        return inp
    stories = tuple(
        s for s in (_story(st, per_story.get(st.story.slug, default)) for st in inp.stories) if not s.empty
    )
    upcoming = tuple(u for u in inp.upcoming if default.keeps(f"{u.story or ''} {u.what}"))
    return dataclasses.replace(inp, stories=stories, upcoming=upcoming)
