"""Stories as data (`newsdigest stories --json`): each story with its articles, as of a day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from newsdigest.stories.cluster import StoryProfile
from newsdigest.stories.naming import story_aliases
from newsdigest.stories.service import article_terms, ensure_assigned

if TYPE_CHECKING:
    from newsdigest.store.store import Store
    from newsdigest.store.stories_repo import StoryRecord

MAX_STORIES = 100_000
MAX_ARTICLES = 100_000


def stories_json(store: Store, *, as_of: dt.date | None) -> dict[str, Any]:
    """{"as_of", "stories": [{"id", "slug", "name", "aliases", "articles": [{"id", "title", "published"}]}]}."""
    ensure_assigned(store)
    out = []
    for story, _n, _last in store.stories_list(until=as_of, limit=MAX_STORIES):
        arts = store.story_articles(story.id, until=as_of, limit=MAX_ARTICLES)
        out.append({
            "id": story.id, "slug": story.slug, "name": story.name,
            "aliases": list(story.aliases) if as_of is None else aliases_as_of(store, story, as_of),
            "old_slugs": list(story.terms.get("slugs", [])),
            "articles": [{"id": a.id, "title": a.title, "published": a.published.isoformat() if a.published else None}
                         for a in sorted(arts, key=lambda a: (a.published or dt.date.min, a.id))],
        })
    return {"as_of": as_of.isoformat() if as_of else None, "stories": out}


def aliases_as_of(store: Store, story: StoryRecord, as_of: dt.date) -> list[str]:
    """The aliases the story's articles published by `as_of` give it: a replay shows no name from a later
    article. The stored aliases also hold the story's old slugs, which may be later renames; `old_slugs` lists them."""
    prof = StoryProfile(key=story.id)
    for _aid, title, published, extraction in store.story_members([story.id], limit=MAX_ARTICLES):
        if dt.date.min < published <= as_of:  # dt.date.min: no publication day, so never "by as_of"
            prof.add(published, article_terms(title, extraction))
    return story_aliases(prof)
