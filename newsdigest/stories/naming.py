"""Readable story names ("ByteDance: TikTok-Verkauf", "Rishi Sunak: furlough scheme"), slugs and aliases.

A name says what the story is about — its most salient topic phrase (a compound, a two-word phrase or
a topic word, names aside) — and who it is mainly about (its main actor). A stored name is kept while
both its parts still rank high, so a story does not change its name with every article; old slugs stay
aliases, so links and subscriptions keep resolving.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from newsdigest.stories.cluster import StoryProfile
from newsdigest.stories.terms import is_someone, norm, words, zipf

NAME_PARTS = 2  # fallback when a story has no topic word: its main actor and the next salient name
SLUG_PARTS = 3
MAX_ALIASES = 24
KEEP_TOPIC_RANK = 6  # a stored name's topic stays while among this many top topic terms
KEEP_ACTOR_SHARE = 0.8  # a stored name's actor stays while it weighs at least this share of the main actor's
PHRASE_POOL = 24
PHRASE_LOOK = 3  # a phrase among this many top topic terms names the story
ACTOR_LOOK = 3  # top terms searched for a stand-in actor when none was extracted


def _keys(text: str) -> set[str]:
    """Normalised words of a name, hyphenated parts of any length too ("EU-Ratschef" -> eu, ratschef)."""
    parts = {norm(p) for p in text.replace("-", " ").split() if p[:1].isalpha()}
    return {norm(w) for w in words(text)} | parts or {text.lower()}


def _actors(profile: StoryProfile) -> list[str]:
    return sorted((a for a in profile.actors if is_someone(a)), key=lambda a: (-profile.actors[a], a))


def topics(profile: StoryProfile, n: int = KEEP_TOPIC_RANK) -> list[str]:
    """The story's top topic terms (surface spelling), names aside; a phrase beats the single words in it."""
    names = set(profile.names) | {k for a in profile.actors if " " in a or a.isupper() for k in _keys(a)}
    out: list[str] = []
    pool = profile.top_terms(PHRASE_POOL)
    # what most of its articles speak of, weighted by how salient it is there
    pool.sort(key=lambda t: (-profile.df.get(t, 0) * (profile.weight.get(t, 0.0) / max(1, profile.df.get(t, 1))) ** 0.5, t))
    for term in pool:
        parts = set(term.replace("-", " ").split())
        surface = profile.surface.get(term, term)
        capital = surface[:1].isupper()
        if capital and (term in names or parts <= names or any(p.startswith(n) or n.endswith(p)
                                                                for p in parts for n in names if len(n) > 3)):
            continue
        if not _nounish(surface) or _name_like(surface):
            continue
        out.append(surface)
    # prefer a phrase whose parts are themselves top terms: it says more than either word
    # what it is about before who is in it: a term that is itself an actor ("Verdi", "TikTok") comes last
    actors = {a.casefold() for a in profile.actors}
    out = [t for t in out if t.casefold() not in actors] + [t for t in out if t.casefold() in actors]
    phrases = [t for t in out[:PHRASE_LOOK] if " " in t or "-" in t]
    return (phrases[:1] + [t for t in out if t not in phrases[:1]])[:n]




def _nounish(surface: str) -> bool:
    """A topic is a thing, not an act or a quality: German nouns are capitalised, so a German word in lower case
    is a verb or an adjective ("verletzt", "griechisch", "ehemalige"); English -ing/-ed forms are verbs, -ly
    forms adverbs ("growing increasingly")."""
    last = surface.replace("-", " ").split()[-1]
    if last[:1].islower() and last.endswith(("ing", "ed", "ly")):
        return False
    return not (last[:1].islower() and unicodedata.normalize("NFC", last).isalpha() and _german_word(last))


def _name_like(surface: str) -> bool:
    """An English phrase that ends in a capitalised word ("Nick Pope", "sells Nordnetz") or is led by one reads
    as a name, a verb and its object, or a headline's subject and verb ("Fans fume"), not as a topic; a topic
    phrase ends in a common noun, and an acronym may lead it ("US sale"). One German noun or compound
    ("Hafenstreik", "Corona-Regeln") is no phrase."""
    if " " not in surface:
        return False
    first, last = surface.split()[0], surface.split()[-1]
    return last[:1].isupper() or (first[:1].isupper() and not first.isupper())


def _german_word(word: str) -> bool:
    """Looks German (umlauts, -en endings) or is more common in German than in English."""
    return (any(c in word for c in "äöüß") or word.endswith(("en", "ern", "eln"))
            or zipf(word, "de") > zipf(word, "en"))


def _name_parts(profile: StoryProfile) -> list[str]:
    """Fallback parts: top actors first (by weight), then salient terms, no part repeating another."""
    parts: list[str] = []
    seen: set[str] = set()

    def take(candidate: str) -> None:
        keys = _keys(candidate)
        if keys & seen or not candidate.strip():
            return
        parts.append(candidate.strip())
        seen.update(keys)

    for actor in _actors(profile):
        if len(parts) >= NAME_PARTS:
            break
        take(actor)
    for term in profile.top_terms(NAME_PARTS * 3):
        if len(parts) >= NAME_PARTS:
            break
        take(profile.surface.get(term, term))
    return parts


def name_parts(profile: StoryProfile) -> tuple[str, str] | None:
    """(main actor, topic phrase), or None when the story has no topic apart from names."""
    tops = topics(profile, 1)
    if not tops:
        return None
    topic = tops[0]
    tkeys = _keys(topic)
    actor = next((a for a in _actors(profile) if not _keys(a) & tkeys), "")
    if not actor:  # no actor extracted (a headline alone): the next salient capitalised term stands in
        spelled = (profile.surface.get(t, t) for t in profile.top_terms(ACTOR_LOOK))
        actor = next((w for w in spelled if w[:1].isupper() and " " not in w and not _keys(w) & tkeys), "")
    return actor, topic


def story_name(profile: StoryProfile, old: str | None = None) -> str:
    """'Actor: topic'; the stored `old` name while its actor and topic still rank high."""
    if old and _still_fits(profile, old):
        return old
    parts = name_parts(profile)
    if parts is None:
        return " · ".join(_name_parts(profile)) or "Story"
    actor, topic = parts
    return f"{actor}: {topic}" if actor else topic


def _still_fits(profile: StoryProfile, old: str) -> bool:
    """The stored name's topic still ranks high and its actor still weighs nearly as much as the main actor. A
    name does not change with every article, but it follows who the story's articles are most about: one that
    was named while its first articles were about someone else ends with the name it would have been given
    with all its articles at once."""
    if ": " not in old:
        return False
    actor, topic = old.split(": ", 1)
    if topic not in topics(profile):
        return False
    if not actor:
        return True
    ranked = _actors(profile)
    if actor not in profile.actors or not ranked:
        return False
    main = next((a for a in ranked if not _keys(a) & _keys(topic)), ranked[0])
    return profile.actors[actor] >= KEEP_ACTOR_SHARE * profile.actors[main]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def story_slug(profile: StoryProfile, taken: Iterable[str] = (), name: str | None = None) -> str:
    """The slug of the story's name ('tiktok-ubernahme'); made unique against `taken` with a number."""
    name = name or story_name(profile)
    if ": " in name or " · " not in name:
        base = slugify(name)
    else:
        parts = [slugify(p.split()[-1] if len(p.split()) > 1 else p) for p in name.split(" · ")[:SLUG_PARTS]]
        base = "-".join(p for p in parts if p)
    base = base or "story"
    taken_set = set(taken)
    slug, n = base, 2
    while slug in taken_set:
        slug, n = f"{base}-{n}", n + 1
    return slug


def story_aliases(profile: StoryProfile, old: Iterable[str] = ()) -> list[str]:
    """Names users may call the story by: topic words, actors, salient terms, and every slug it had before."""
    out: list[str] = []
    for alias in [
        *topics(profile),
        *_actors(profile)[:10],
        *(profile.surface.get(t, t) for t in profile.top_terms(10)),
        *old,
    ]:
        if alias and alias.lower() not in {a.lower() for a in out}:
            out.append(alias)
    return out[:MAX_ALIASES]
