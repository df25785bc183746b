"""Finding the story a user means: `/status tiktok` by slug, alias (actors, terms, old slugs) or full-text search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdigest.stories.naming import slugify
from newsdigest.stories.service import most_active_story

if TYPE_CHECKING:
    from newsdigest.store.store import Store
    from newsdigest.store.stories_repo import StoryRecord

MAX_CHOICES = 5
FTS_HITS = 40


@dataclass(frozen=True)
class Lookup:
    story: StoryRecord | None = None
    choices: tuple[StoryRecord, ...] = ()  # several stories match: ask which

    @property
    def found(self) -> bool:
        return self.story is not None


def _exists(story: StoryRecord, as_of: dt.date | None) -> bool:
    return as_of is None or (story.first_published is not None and story.first_published <= as_of)


def _alias_score(story: StoryRecord, query: str) -> int:
    """3: the whole query is a name of the story; 2: every query word is in its names; 0: no."""
    q = query.casefold().strip()
    q_slug = slugify(query)
    names = [story.slug, story.name, *story.aliases]
    if any(q == n.casefold() for n in names) or q_slug == story.slug or q_slug in story.terms.get("slugs", []):
        return 3
    name_words = {w for n in names for w in slugify(n).split("-") if w}
    if q_slug and all(w in name_words for w in q_slug.split("-")):
        return 2
    return 0


def find_story(store: Store, query: str, *, as_of: dt.date | None) -> Lookup:
    """The story meant by `query` (empty: the most active one), or the choices when several fit."""
    query = query.strip()
    if not query:
        sid = most_active_story(store, until=as_of)
        story = store.story(sid) if sid is not None else None
        return Lookup(story) if story is not None else Lookup()
    slug = slugify(query)
    exact = store.story_by_slug(slug) if slug else None
    if exact is not None and _exists(exact, as_of):
        return Lookup(exact)
    longest = max(slug.split("-"), key=len) if slug else query
    scored = [(s, _alias_score(s, query)) for s in store.stories_with_alias_like(longest, until=as_of)]
    best = max((score for _, score in scored), default=0)
    if best > 0:
        top = [s for s, score in scored if score == best]
        return _pick(top)
    hits = store.search(query, until=as_of, limit=FTS_HITS)
    ids = store.story_ids_of_articles([h.article_id for h in hits])
    stories = [s for sid in ids if (s := store.story(sid)) is not None and _exists(s, as_of)]
    return _pick(stories)


def _pick(stories: list[StoryRecord]) -> Lookup:
    if len(stories) == 1:
        return Lookup(stories[0])
    if not stories:
        return Lookup()
    ranked = sorted(stories, key=lambda s: (s.last_published or dt.date.min, s.id), reverse=True)
    return Lookup(None, tuple(ranked[:MAX_CHOICES]))
