"""The stories layer's I/O edge: assigning new articles to stories and loading what the views need.

Everything else in `stories/` is pure and works on the records loaded here.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from newsdigest.clock import shift_days
from newsdigest.errors import StoreBusyError
from newsdigest.store.stories_repo import StoryWrite
from newsdigest.stories.brief import Turn, brief
from newsdigest.stories.cluster import WINDOW_DAYS, ArticleTerms, StoryProfile, assign
from newsdigest.stories.ledger import DeadlineIn, Ledger, build_ledger, parse_when
from newsdigest.stories.merge import PointIn
from newsdigest.stories.naming import slugify, story_aliases, story_name, story_slug
from newsdigest.stories.status import Development, StoryChanges, developments, diff, is_new
from newsdigest.stories.terms import TermProfile, profile

if TYPE_CHECKING:
    from newsdigest.store.store import Store
    from newsdigest.store.stories_repo import StoryArticle, StoryRecord

log = logging.getLogger("newsdigest.stories")

RECENT_ARTICLES = 12  # articles whose key points feed /status
POINTS_PER_ARTICLE = 8
PASSAGES = 6  # best key points per article used for clustering terms
BRIEF_POOL = 16  # ranked developments folded into turns for the brief
EARLIER_TURNS = 5
CACHE_ENTRIES = 64  # story views (and defaults) remembered per store
LEDGER_DAYS = 4  # ledgers remembered per story rows (one per day asked about)
ROWS_ENTRIES = 32  # stories whose rows and pure results outlive the views (they hold ~1 MB for a 1,000-article story)

T = TypeVar("T")


def article_terms(title: str, extraction: dict[str, Any]) -> TermProfile:
    """Salient terms of a stored article (its title, actors and best key points)."""
    kps = sorted(extraction.get("key_points") or [], key=lambda k: -float(k.get("score", 0.0)))
    passages = [str(k.get("text", "")) for k in kps[:PASSAGES]]
    actors = [str(a) for a in extraction.get("actors") or []]
    lang = extraction.get("lang")
    return profile(title or "", actors, passages, lang=lang if isinstance(lang, str) else None)


_ASSIGN_LOCK = threading.Lock()
ASSIGN_BATCH = 500  # articles placed per transaction: each commit holds the write lock well under a second
ASSIGN_BUDGET_S = 5.0  # clustering one command may do before it answers from what is assigned
YIELD_S = 0.1  # pause between batches, so other writers get the lock


def ensure_assigned(store: Store, *, budget_s: float | None = None, max_batches: int | None = None,
                    batch: int = ASSIGN_BATCH, changed: set[int] | None = None) -> int:
    """Place articles that have no story yet, in small batches, each its own short write transaction; returns how
    many were placed. Stops after `budget_s` seconds (default ASSIGN_BUDGET_S; math.inf: all) or `max_batches`,
    leaving the rest for the next caller: every committed batch survives a kill, and ingestion's writes interleave
    instead of waiting minutes. One cheap query when nothing waits. While another thread of this process clusters,
    this one waits for it at most the budget, then answers from what is assigned. `changed` collects the ids of
    the stories that gained (or lost) articles, for `warm_views`."""
    if not store.has_unassigned():
        return 0
    budget = ASSIGN_BUDGET_S if budget_s is None else budget_s
    started, placed, batches = time.perf_counter(), 0, 0
    if not _ASSIGN_LOCK.acquire(timeout=-1 if budget == math.inf else budget):
        return 0  # another worker of this process is still at it
    try:
        while max_batches is None or batches < max_batches:
            rows = store.unassigned_articles(limit=batch)
            arts = [ArticleTerms(aid, published, article_terms(title, ex)) for aid, title, published, ex in rows]
            if arts:  # terms are computed outside the lock; the write transaction re-checks who is still waiting,
                with store.write():  # so two processes never place the same article
                    waiting = store.still_unassigned([a.article_id for a in arts])
                    arts = [a for a in arts if a.article_id in waiting]
                    if arts:
                        ids = _place(store, arts)
                        if changed is not None:
                            changed.update(ids)
            placed += len(arts)
            batches += 1
            if len(rows) < batch or time.perf_counter() - started >= budget:
                break
            # SQLite's busy handler polls every 100 ms at most and is not fair: leave the lock free that long,
            # so a waiting ingest gets in between two batches instead of waiting out the whole budget.
            time.sleep(YIELD_S)
    except StoreBusyError:
        log.info("stories assignment yielded: database busy")  # another process is placing; try next time
    finally:
        _ASSIGN_LOCK.release()
    log.info("stories assigned=%d batches=%d ms=%.1f", placed, batches, (time.perf_counter() - started) * 1000)
    return placed


def unassigned_count(store: Store) -> int:
    """Articles still waiting for a story (clustering in progress when > 0)."""
    return store.unassigned_count()


def _place(store: Store, arts: list[ArticleTerms]) -> list[int]:
    """Assign the articles to stories and save them; returns the ids of the stories written."""
    records = {
        r.id: r
        for r in store.stories_active_between(
            shift_days(min(a.published for a in arts), -WINDOW_DAYS), shift_days(max(a.published for a in arts), WINDOW_DAYS)
        )
    }
    profiles = [StoryProfile.from_json(r.id, r.terms, r.first_published, r.last_published) for r in records.values()]
    result = assign(arts, profiles)
    members: dict[int, list[int]] = {}
    for aid, key in result.assignments.items():
        members.setdefault(key, []).append(aid)
    taken = store.taken_slugs() - {records[k].slug for k in result.changed if k in records}
    writes: list[StoryWrite] = []
    used: set[str] = set()  # slugs given to this batch's writes
    absorbed = _absorbed(result.merged, records)
    for key in sorted(result.changed, key=lambda k: (k < 0, abs(k))):
        prof = result.changed[key]
        old = records.get(key)
        old_slugs = list(old.terms.get("slugs", [])) if old else []
        for lost in absorbed.get(key, []):  # a merged story's slugs keep resolving to the story it joined
            old_slugs += [s for s in (lost.slug, *lost.terms.get("slugs", [])) if s not in old_slugs]
        name = story_name(prof, old.name if old else None)
        slug = story_slug(prof, taken, name=name)
        if old is not None and _same_slug(old.slug, slug):
            slug = old.slug
        if slug in used:  # an old slug freed above may already be another write's in this batch
            slug = story_slug(prof, taken | used, name=name)
        used.add(slug)
        if old is not None and old.slug != slug and old.slug not in old_slugs:
            old_slugs.append(old.slug)
        taken.add(slug)
        terms = {**prof.to_json(), "slugs": old_slugs}
        writes.append(StoryWrite(
            id=old.id if old else None, slug=slug, name=name, aliases=story_aliases(prof, old_slugs),
            terms=terms, first_published=prof.first, last_published=prof.last, article_ids=members.get(key, []),
        ))
    if absorbed:
        store.absorb_stories({lost.id: into for into, losts in absorbed.items() for lost in losts})
    return list(store.save_stories(writes).values())


def _absorbed(merged: dict[int, int], records: dict[int, StoryRecord]) -> dict[int, list[StoryRecord]]:
    """Stored stories merged into another stored story: winner id -> the records it absorbs."""
    out: dict[int, list[StoryRecord]] = {}
    for lost, into in sorted(merged.items()):
        if lost in records and into in records:
            out.setdefault(into, []).append(records[lost])
    return out


def _same_slug(old: str, new: str) -> bool:
    # "tiktok-bytedance" and "tiktok-bytedance-2" name the same story: keep what users have seen.
    base = new.rsplit("-", 1)[0] if new.rsplit("-", 1)[-1].isdigit() else new
    return old in (new, base) or (old.startswith(base + "-") and old[len(base) + 1:].isdigit())


# -- views -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryView:
    """A story as seen at `as_of` (only articles published by then), loaded with bounded queries."""

    story: StoryRecord
    name: str
    as_of: dt.date | None
    today: dt.date
    article_count: int
    articles: tuple[StoryArticle, ...]  # the newest (at most RECENT_ARTICLES), newest first
    recent: int  # how many of `articles` are the newest ones whose key points are loaded (all of them)
    points: tuple[PointIn, ...]
    ledger: Ledger
    # Older articles that only back deadlines: their outlets (for source counts) and days, not their rows.
    older_sources: dict[int, tuple[str, ...]] = field(default_factory=dict)
    older_published: dict[int, dt.date | None] = field(default_factory=dict)

    @property
    def sources(self) -> dict[int, tuple[str, ...]]:
        return {**self.older_sources, **{a.id: a.sources for a in self.articles}}

    @property
    def titles(self) -> dict[int, str]:
        """Headlines of the newest articles."""
        return {a.id: a.title for a in self.articles[: self.recent]}

    @property
    def published(self) -> dict[int, dt.date | None]:
        return {**self.older_published, **{a.id: a.published for a in self.articles}}

    @functools.cached_property
    def _derived(self) -> Derived:
        return DERIVED.get((self.points, _items(self.sources), _items(self.titles), _items(self.published)),
                           lambda: Derived(self.points, self.sources, self.titles, self.published))

    @property
    def developments(self) -> tuple[Development, ...]:
        """The newest articles' key points and headlines merged and ranked (best first); computed once per input."""
        return self._derived.developments

    @property
    def brief(self) -> tuple[Turn | None, list[Turn]]:
        """The latest turn and the earlier ones (stories/brief.py); computed once per input."""
        return self._derived.brief

    @property
    def older_ids(self) -> list[int]:
        """Deadline sources older than the newest articles, in id order."""
        return sorted(self.older_sources)


def brief_pool(devs: Sequence[Development], size: int = BRIEF_POOL) -> list[Development]:
    """The best-ranked developments plus each other article's best one, so that the brief can reach back
    over the story's weeks and not only retell its newest day."""
    pool = list(devs[:size])
    seen = {a for d in pool for a in d.point.article_ids}
    for d in devs[size:]:
        if not set(d.point.article_ids) & seen:
            pool.append(d)
            seen.update(d.point.article_ids)
    return pool


def display_name(store: Store, story: StoryRecord, as_of: dt.date | None) -> str:
    """The story's name: the same in every command and every replay, so a reader can ask for it again."""
    return story.name


def load_points(store: Store, article_ids: Sequence[int], per_article: int = POINTS_PER_ARTICLE) -> list[PointIn]:
    return [
        PointIn(k.id, k.article_id, k.text, k.kind, k.score, k.start, k.end, k.published)
        for k in store.story_key_points(list(article_ids), per_article=per_article)
    ]


def load_deadline_mentions(store: Store, story_id: int, *, as_of: dt.date | None) -> list[DeadlineIn]:
    """The story's deadline mentions, plus plain mentions of their exact dates in other articles (support)."""
    rows = store.story_deadlines(story_id, until=as_of)
    mentions = [
        DeadlineIn(r.id, r.article_id, r.published, r.text, r.value, r.what, r.supersedes, r.start, r.end, r.ttype,
                   r.tmod, kind=r.kind, reason=r.reason, retired=r.retired)
        for r in rows
    ]
    days = sorted({m.value[:10] for m in mentions if (w := m.when) is not None and w.exact})
    mentions += [
        DeadlineIn(-t.id, t.article_id, t.published, t.text, t.value[:10], "", None, t.start, t.end, "DATE", None,
                   support_only=True)
        for t in store.story_date_mentions(story_id, days, until=as_of)
    ]
    return mentions


def load_ledger(store: Store, story_id: int, *, as_of: dt.date | None, today: dt.date) -> Ledger:
    return story_rows(store, story_id, as_of=as_of).ledger(today)


# -- what the pure layer made of unchanged inputs, remembered -------------------------------------------------------
#
# A story view is rebuilt whenever anything arrives in the database (the content token), but most of what it computes
# depends only on rows that did not change: the ledger on the story's deadline mentions, the developments and the
# brief on its newest articles' key points. Remembered under those inputs (or a fingerprint that fixes them), these
# entries are never stale, and a rebuild after news elsewhere costs a few index reads, not the merging.


class Memo:
    """A bounded, thread-safe LRU of pure results keyed by their (hashable) inputs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        k = _Key(key)
        with self._lock:
            if k in self._entries:
                self._entries.move_to_end(k)
                return cast(T, self._entries[k])
        value = compute()  # outside the lock: two threads may compute the same result; both are right
        with self._lock:
            self._entries[k] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _Key:
    """A large key hashed once (a tuple of dataclasses rehashes every field on each dict operation)."""

    __slots__ = ("hash", "key")

    def __init__(self, key: Hashable) -> None:
        self.key, self.hash = key, hash(key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.key == other.key


class Derived:
    """Developments and brief of one set of inputs; the brief is computed on first use (/deadline needs neither)."""

    def __init__(self, points: Sequence[PointIn], sources: dict[int, tuple[str, ...]], titles: dict[int, str],
                 published: dict[int, dt.date | None]) -> None:
        self.developments = tuple(developments(points, sources, titles, published=published))

    @functools.cached_property
    def brief(self) -> tuple[Turn | None, list[Turn]]:
        return brief(brief_pool(self.developments), EARLIER_TURNS)


class StoryRows:
    """What a story's extraction rows say, for one fingerprint of its articles: its deadline mentions, the ledgers
    built from them (one per day asked about), and the key points of the articles asked for."""

    def __init__(self, mentions: Sequence[DeadlineIn]) -> None:
        self.mentions = tuple(mentions)
        self._ledgers: dict[dt.date, Ledger] = {}
        self._points: dict[tuple[int, ...], tuple[PointIn, ...]] = {}

    def ledger(self, today: dt.date) -> Ledger:
        led = self._ledgers.get(today)
        if led is None:  # two threads may both build it; both are right
            if len(self._ledgers) >= LEDGER_DAYS:  # a story that stays unchanged for weeks keeps a few days only
                self._ledgers.clear()
            led = self._ledgers[today] = build_ledger(self.mentions, today)
        return Ledger(list(led.items), today)

    def points(self, store: Store, article_ids: Sequence[int]) -> tuple[PointIn, ...]:
        key = tuple(article_ids)
        pts = self._points.get(key)
        if pts is None:
            pts = self._points[key] = tuple(load_points(store, key))
        return pts


DERIVED = Memo(ROWS_ENTRIES)  # newest articles' points, outlets, titles, days -> developments and brief


def _items(mapping: dict[int, Any]) -> tuple[tuple[int, Any], ...]:
    return tuple(sorted(mapping.items()))


def clear_caches() -> None:
    """Forget every remembered view and pure result (benchmarks measuring a cold start)."""
    VIEWS.clear()
    ROWS.clear()
    DERIVED.clear()


class ViewCache:
    """A few recent results per store, valid while the store's content token is unchanged.

    Story views are rebuilt from scratch only when articles (or their extraction rows) arrive; asking
    the same story again in between costs one O(log n) query. Thread-safe; values are shared read-only.
    """

    def __init__(self, size: int = CACHE_ENTRIES) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._stores: weakref.WeakKeyDictionary[Store, OrderedDict[Hashable, tuple[Any, Any]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, store: Store, key: Hashable, token: Any, compute: Callable[[], T]) -> T:
        with self._lock:
            entries = self._stores.setdefault(store, OrderedDict())
            hit = entries.get(key)
            if hit is not None and hit[0] == token:
                entries.move_to_end(key)
                return cast(T, hit[1])
        value = compute()  # outside the lock: two threads may compute the same view; both are right
        with self._lock:
            entries = self._stores.setdefault(store, OrderedDict())
            entries[key] = (token, value)
            entries.move_to_end(key)
            while len(entries) > self.size:
                entries.popitem(last=False)
        return value

    def holds(self, store: Store, key: Hashable, token: Any) -> bool:
        """Is a value for `key` remembered under `token`?"""
        with self._lock:
            entries = self._stores.get(store)
            hit = entries.get(key) if entries is not None else None
            return hit is not None and hit[0] == token

    def clear(self) -> None:
        with self._lock:
            self._stores.clear()


VIEWS = ViewCache()


def view(store: Store, story: StoryRecord, *, as_of: dt.date | None, today: dt.date) -> StoryView:
    """`load_view`, served from VIEWS while nothing was added to the database and the story is unchanged."""
    token = (store.content_token(), story)
    return VIEWS.get(store, ("view", story.id, as_of, today), token,
                     lambda: load_view(store, story, as_of=as_of, today=today))


def most_active_story(store: Store, *, until: dt.date | None) -> int | None:
    """The story a bare /status means (see StoriesRepo.most_active_story), cached like the views."""
    return VIEWS.get(store, ("most_active", until), store.content_token(),
                     lambda: store.most_active_story(until=until))


def stories_list(store: Store, *, until: dt.date | None, limit: int) -> list[tuple[StoryRecord, int, dt.date]]:
    """StoriesRepo.stories_list (what /stories shows), cached like the views."""
    return list(VIEWS.get(store, ("stories", until, limit), store.content_token(),
                          lambda: store.stories_list(until=until, limit=limit)))


ROWS = ViewCache(ROWS_ENTRIES)  # a story's StoryRows, valid while its articles' fingerprint is unchanged


def story_rows(store: Store, story_id: int, *, as_of: dt.date | None) -> StoryRows:
    """The story's deadline mentions (and what is made of them), remembered while its articles, and so their
    extraction rows, are the same: news elsewhere leaves them valid; only the story that grew reloads its rows."""
    fingerprint = store.story_fingerprint(story_id, until=as_of)
    return ROWS.get(store, ("rows", story_id, as_of), fingerprint,
                    lambda: StoryRows(load_deadline_mentions(store, story_id, as_of=as_of)))


WARM_STORIES = 20  # stories whose views one poll prepares at most (a bulk import is left to the asks)


def warm_views(store: Store, story_ids: Sequence[int], *, as_of: dt.date | None, today: dt.date,
               limit: int = WARM_STORIES) -> int:
    """Build, ahead of the first ask, the views of stories that just gained articles (the poller calls this after
    placing them), the newest first, and what a bare /status means; returns how many views were built.

    The first ask after news then finds its view ready instead of rebuilding it from the database."""
    stories = sorted((s for sid in dict.fromkeys(story_ids) if (s := store.story(sid)) is not None),
                     key=lambda s: (s.last_published or dt.date.min, s.id), reverse=True)[:limit]
    for story in stories:
        view(store, story, as_of=as_of, today=today).brief  # noqa: B018 (computed now, remembered for the ask)
    most_active_story(store, until=as_of)
    return len(stories)


def load_view(store: Store, story: StoryRecord, *, as_of: dt.date | None, today: dt.date) -> StoryView:
    articles = store.story_articles(story.id, until=as_of, limit=RECENT_ARTICLES)
    count = len(articles) if len(articles) < RECENT_ARTICLES else store.story_article_count(story.id, until=as_of)
    rows = story_rows(store, story.id, as_of=as_of)
    ledger = rows.ledger(today)
    have = {a.id for a in articles}
    older = sorted({aid for i in ledger.items for aid in i.article_ids} - have)
    days = {m.article_id: m.published for m in rows.mentions}
    return StoryView(
        story=story, name=display_name(store, story, as_of), as_of=as_of, today=today, article_count=count,
        articles=tuple(articles), recent=len(articles), points=rows.points(store, [a.id for a in articles]),
        ledger=ledger, older_sources=store.article_source_names(older), older_published={a: days[a] for a in older},
    )




__all__ = ["DERIVED", "ROWS", "VIEWS", "StoryRows", "StoryView", "ViewCache", "article_terms", "clear_caches",
           "display_name", "ensure_assigned", "load_ledger", "load_view", "most_active_story", "parse_when", "slugify",
           "stories_list", "story_rows", "unassigned_count", "view", "warm_views"]


def what_changed(
    store: Store,
    story: StoryRecord,
    since: dt.datetime,
    as_of: dt.date | None = None,
    *,
    today: dt.date | None = None,
    limit: int = 5,
) -> StoryChanges:
    """What changed in `story` since `since`, seeing only articles published by `as_of`.

    `today` (default: as_of, else since's date) is "now" for deadlines that passed in between.
    """
    today = today or as_of or dt.datetime.now(dt.UTC).date()
    recent = store.story_articles(story.id, until=as_of, limit=RECENT_ARTICLES * 2)
    have = {a.id for a in recent}
    # articles that arrived late (published long before, ingested since) are news too
    late = [a for a in store.story_articles_ingested_since(story.id, since, until=as_of) if a.id not in have]
    recent = sorted([*recent, *late], key=lambda a: (a.published or dt.date.min, a.id), reverse=True)
    # An article updated in place (same GUID, new text) is new again, whatever its publication day.
    stamp = since.astimezone(dt.UTC).isoformat(timespec="seconds") if since.tzinfo else since.isoformat()
    updated = frozenset(i for i, at in store.article_updates([a.id for a in recent]).items() if at >= stamp)
    new = tuple(a for a in recent if is_new(a, since, as_of) or a.id in updated)
    new_ids = {a.id for a in new}
    mentions = load_deadline_mentions(store, story.id, as_of=as_of)
    changes, ledger = diff(mentions, new_ids, since.date(), today)
    devs: list[Development] = []
    if new:
        points = load_points(store, [a.id for a in recent[: RECENT_ARTICLES]])
        ranked = developments(points, {a.id: a.sources for a in recent}, {a.id: a.title for a in recent},
                              published={a.id: a.published for a in recent})
        devs = [d for d in ranked if set(d.point.article_ids) <= new_ids][:limit]
    return StoryChanges(story, since, as_of, new, tuple(devs), tuple(changes), ledger, updated=updated)
