"""Stories as data (`newsdigest stories --json`): each story with its articles, as of a day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from newsdigest.stories.service import ensure_assigned

if TYPE_CHECKING:
    from newsdigest.store.store import Store

MAX_STORIES = 100_000
MAX_ARTICLES = 100_000


def stories_json(store: Store, *, as_of: dt.date | None) -> dict[str, Any]:
    """{"as_of", "stories": [{"id", "slug", "name", "aliases", "articles": [{"id", "title", "published"}]}]}."""
    ensure_assigned(store)
    out = []
    for story, _n, _last in store.stories_list(until=as_of, limit=MAX_STORIES):
        arts = store.story_articles(story.id, until=as_of, limit=MAX_ARTICLES)
        out.append({
            "id": story.id, "slug": story.slug, "name": story.name, "aliases": list(story.aliases),
            "old_slugs": list(story.terms.get("slugs", [])),
            "articles": [{"id": a.id, "title": a.title, "published": a.published.isoformat() if a.published else None}
                         for a in sorted(arts, key=lambda a: (a.published or dt.date.min, a.id))],
        })
    return {"as_of": as_of.isoformat() if as_of else None, "stories": out}
