"""Readable story names ("TikTok · ByteDance · Oracle"), slugs and aliases from a story profile."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from newsdigest.stories.cluster import StoryProfile
from newsdigest.stories.terms import norm, words

NAME_PARTS = 3
SLUG_PARTS = 3
MAX_ALIASES = 24


def _name_parts(profile: StoryProfile) -> list[str]:
    """Top actors first (by weight), then salient terms, no part repeating another."""
    parts: list[str] = []
    seen: set[str] = set()

    def take(candidate: str) -> None:
        keys = {norm(w) for w in words(candidate)} or {candidate.lower()}
        if keys & seen or not candidate.strip():
            return
        parts.append(candidate.strip())
        seen.update(keys)

    for actor in sorted(profile.actors, key=lambda a: (-profile.actors[a], a)):
        if len(parts) >= NAME_PARTS:
            break
        take(actor)
    for term in profile.top_terms(NAME_PARTS * 3):
        if len(parts) >= NAME_PARTS:
            break
        take(profile.surface.get(term, term))
    return parts


def story_name(profile: StoryProfile) -> str:
    return " · ".join(_name_parts(profile)) or "Story"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def story_slug(profile: StoryProfile, taken: Iterable[str] = ()) -> str:
    """'tiktok-bytedance-oracle'; made unique against `taken` with a number."""
    parts = [slugify(p.split()[-1] if len(p.split()) > 1 else p) for p in _name_parts(profile)[:SLUG_PARTS]]
    base = "-".join(p for p in parts if p) or "story"
    taken_set = set(taken)
    slug, n = base, 2
    while slug in taken_set:
        slug, n = f"{base}-{n}", n + 1
    return slug


def story_aliases(profile: StoryProfile, old: Iterable[str] = ()) -> list[str]:
    """Names users may call the story by: actors, salient terms, and every slug it had before."""
    out: list[str] = []
    for alias in [
        *sorted(profile.actors, key=lambda a: (-profile.actors[a], a))[:10],
        *(profile.surface.get(t, t) for t in profile.top_terms(10)),
        *old,
    ]:
        if alias and alias.lower() not in {a.lower() for a in out}:
            out.append(alias)
    return out[:MAX_ALIASES]
