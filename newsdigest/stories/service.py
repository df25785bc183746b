"""The stories layer's I/O edge: assigning new articles to stories and loading what the views need.

Everything else in `stories/` is pure and works on the records loaded here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
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
from newsdigest.extract.keydate_what import stored_what
from newsdigest.heap import collect_off_path
from newsdigest.store.stories_repo import StoryWrite
from newsdigest.stories import split
from newsdigest.stories.brief import Turn, brief
from newsdigest.stories.cluster import WINDOW_DAYS, ArticleTerms, Clustering, StoryProfile, assign
from newsdigest.stories.keydate_text import what_text
from newsdigest.stories.ledger import DeadlineIn, Ledger, build_ledger, parse_when
from newsdigest.stories.merge import PointIn
from newsdigest.stories.naming import slugify, story_aliases, story_name, story_slug
from newsdigest.stories.status import Development, StoryChanges, developments, diff, is_new
from newsdigest.stories.terms import TermProfile, profile

if TYPE_CHECKING:
    from newsdigest.store.store import Store
    from newsdigest.store.stories_repo import DatedTimex, DeadlineMention, StoryArticle, StoryRecord

log = logging.getLogger("newsdigest.stories")

RECENT_ARTICLES = 12  # articles whose key points feed /status
POINTS_PER_ARTICLE = 8
PASSAGES = 6  # best key points per article used for clustering terms
BRIEF_POOL = 16  # ranked developments folded into turns for the brief
EARLIER_TURNS = 5
CACHE_ENTRIES = 64  # story views (and defaults) remembered per store
LEDGER_DAYS = 4  # ledgers remembered per story rows (one per day asked about)
OUTLET_ENTRIES = 50_000  # articles whose outlets are remembered (a few MB)
ROWS_ENTRIES = 32  # stories whose rows and pure results outlive the views (they hold ~1 MB for a 1,000-article story)

T = TypeVar("T")


@dataclass(frozen=True)
class RowLimits:
    """How many rows StoryRows holds: the newest deadline mentions, and the support mentions of their days (at
    most `support_rows`) in the newest `support_articles` articles."""

    deadline_rows: int = 400
    support_articles: int = 300
    support_rows: int = 500


LIMITS = RowLimits()


def article_terms(title: str, extraction: dict[str, Any], *, passages: int = PASSAGES) -> TermProfile:
    """Salient terms of a stored article (its title, actors and best `passages` key points)."""
    kps = sorted(extraction.get("key_points") or [], key=lambda k: -float(k.get("score", 0.0)))
    best = [str(k.get("text", "")) for k in kps[:passages]]
    actors = [str(a) for a in extraction.get("actors") or []]
    lang = extraction.get("lang")
    return profile(title or "", actors, best, lang=lang if isinstance(lang, str) else None)


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
    _split_grown(store, result, records, arts)
    members: dict[int, list[int]] = {}
    for aid, key in result.assignments.items():
        members.setdefault(key, []).append(aid)
    absorbed = _absorbed(result.merged, records)
    # a story merged into another is dropped before the writes: its slug is free for the story it joined
    taken = store.taken_slugs() - {records[k].slug for k in result.changed if k in records} \
        - {lost.slug for losts in absorbed.values() for lost in losts}
    writes: list[StoryWrite] = []
    used: set[str] = set()  # slugs given to this batch's writes
    for key in sorted(result.changed, key=lambda k: (k < 0, abs(k))):
        prof = result.changed[key]
        old = records.get(key)
        old_slugs = list(old.terms.get("slugs", [])) if old else []
        for lost in absorbed.get(key, []):  # a merged story's slugs keep resolving to the story it joined
            old_slugs += [s for s in (lost.slug, *lost.terms.get("slugs", [])) if s not in old_slugs]
        # a part split off answers to its story's old slugs too: asked by one, the user chooses the part
        # (unless the kept part still has it as its slug)
        if (origin := records.get(result.split_from.get(key, 0))) is not None:
            old_slugs += [origin.slug, *origin.terms.get("slugs", [])]
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


def _split_grown(store: Store, result: Clustering, records: dict[int, StoryRecord], arts: list[ArticleTerms]) -> None:
    """A story that has grown to a check size is split when it holds two (stories/split.py); the articles of
    the new part, stored ones too, are reassigned in `result`. A check reads the stored articles' terms again
    (~2 ms each), so it is made at a few sizes only (split.due). Headlines and actors alone were tried as a
    cheaper first check: they group the articles worse, both ways."""
    batch = {a.article_id: a for a in arts}
    new_key = min([*result.changed, 0]) - 1
    for key in sorted(result.changed):
        prof = result.changed[key]
        before = int(records[key].terms.get("n", 0)) if key in records else 0
        if not split.due(before, prof.n) or prof.n > split.SPLIT_MAX:
            continue
        stored = [k for k in (key, *(lost for lost, into in result.merged.items() if into == key)) if k in records]
        placed = [aid for aid, k in result.assignments.items() if k == key and aid in batch]
        rows = store.story_members(stored, limit=split.SPLIT_MAX + 1, also=placed)
        members = [batch.get(aid) or ArticleTerms(aid, pub, article_terms(title, ex)) for aid, title, pub, ex in rows]
        found = split.split(prof, members, new_key)
        if found is not None:
            log.info("story %d split: %d articles stay, %d form a new story", key, found.keep.n, found.part.n)
            split.apply(result, found)
            new_key -= 1


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
    deadlines, support = _read_mentions(store, story_id, as_of=as_of, limits=LIMITS)
    return [*deadlines, *support]


def _read_mentions(store: Store, story_id: int, *, as_of: dt.date | None,
                   limits: RowLimits) -> tuple[list[DeadlineIn], list[DeadlineIn]]:
    """The story's newest deadline mentions, and the support mentions of their exact days."""
    deadlines = _deadline_ins(store.story_deadlines(story_id, until=as_of, limit=limits.deadline_rows))
    support = _support_ins(store.story_date_mentions(story_id, _exact_days(deadlines), until=as_of,
                                                     articles=limits.support_articles, limit=limits.support_rows))
    return deadlines, support


def _deadline_ins(rows: Sequence[DeadlineMention]) -> list[DeadlineIn]:
    return [
        DeadlineIn(r.id, r.article_id, r.published, r.text, r.value, stored_what(r.kind, r.what, r.reason),
                   r.supersedes, r.start, r.end, r.ttype, r.tmod, kind=r.kind, reason=r.reason, retired=r.retired)
        for r in rows
    ]


def _support_ins(rows: Sequence[DatedTimex]) -> list[DeadlineIn]:
    return [
        DeadlineIn(-t.id, t.article_id, t.published, t.text, t.value[:10], "", None, t.start, t.end, "DATE", None,
                   support_only=True)
        for t in rows
    ]


def _exact_days(mentions: Sequence[DeadlineIn]) -> list[str]:
    """The days the support query looks for: those of the exact deadline mentions."""
    return sorted({m.value[:10] for m in mentions if (w := m.when) is not None and w.exact})


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


Fingerprint = tuple[str, int]  # StoriesRepo.story_fingerprint: the story's article ids (JSON), the change log's newest id


class StoryRows:
    """What a story's extraction rows say, for one fingerprint of its articles: its deadline mentions (the newest
    `deadline_rows`, then the support mentions of their days), the ledgers built from them (one per day asked about),
    and what the articles asked for carry that their text fixes (headline, link, key points).

    `extended` makes the rows of a fingerprint that only adds articles to this one from the added articles' rows
    alone; `load` reads everything. Both give the same rows (tests/stories/test_incremental_rows.py). Reads made
    while news lands may see an article's rows before its id: merging by row id makes that harmless."""

    def __init__(self, order: list[tuple[str, int]], mark: int, deadlines: Sequence[DeadlineIn],
                 support: Sequence[DeadlineIn], *, days: Sequence[str] | None = None, limits: RowLimits | None = None,
                 articles: dict[int, StoryArticle] | None = None,
                 points: dict[int, tuple[PointIn, ...]] | None = None) -> None:
        self.order = order  # (published, id) of every article, newest first: story_articles' order
        self.ids = frozenset(aid for _, aid in order)
        self.mark = mark  # the change log's newest id when these rows were read
        self.limits = limits or LIMITS
        self.deadlines, self.support = tuple(deadlines), tuple(support)
        self.mentions = self.deadlines + self.support
        self.days = frozenset(_exact_days(self.deadlines) if days is None else days)
        self.extensions = 0  # how many times these rows were extended since they were read in full
        self._ledgers: dict[dt.date, Ledger] = {}
        self._articles = dict(articles or {})  # article id -> the article (its outlets are read on every view)
        self._points = dict(points or {})  # article id -> its best key points

    @property
    def count(self) -> int:
        """How many articles the story has (published by the as-of day)."""
        return len(self.ids)

    def newest(self, n: int) -> list[int]:
        """Ids of the newest `n` articles, newest first."""
        return [aid for _, aid in self.order[:n]]

    @classmethod
    def load(cls, store: Store, story_id: int, fingerprint: Fingerprint, *, as_of: dt.date | None,
             limits: RowLimits | None = None) -> StoryRows:
        lim = limits or LIMITS
        order = store.story_article_days(story_id, until=as_of)
        deadlines, support = _read_mentions(store, story_id, as_of=as_of, limits=lim)
        return cls(order, fingerprint[1], deadlines, support, limits=lim)

    def extended(self, store: Store, fingerprint: Fingerprint) -> StoryRows | None:
        """The rows of `fingerprint`, made from these and the rows of the articles it adds; None when it does not
        only add articles (one was removed, moved away or updated in place: its old rows may be among these), or
        when the support list was cut at its limit (what lay beyond it is unknown)."""
        now = frozenset(json.loads(fingerprint[0]))
        lim = self.limits
        if not self.ids <= now or len(self.support) >= lim.support_rows or not self._unchanged(store, fingerprint[1]):
            return None
        new = sorted(store.article_days(sorted(now - self.ids)), reverse=True)
        order = sorted([*self.order, *new], reverse=True)  # two sorted runs: one merge
        added = [aid for _, aid in new]
        # The newest `deadline_rows` of (old ∪ added) are the newest of (the old newest ∪ added): rows that fell off
        # the old list rank below all of it.
        deadlines = _merged(self.deadlines, _deadline_ins(store.article_deadlines(added)), _deadline_order,
                            lim.deadline_rows)
        days = _exact_days(deadlines)
        newest = {aid for _, aid in order[: lim.support_articles]}
        # Support for the new newest articles and days: the old mentions that still count, the added articles'
        # mentions of every day, and the mentions of days new to the list in the articles that were newest already
        # (an article among the newest now was among them before, unless it was added).
        wanted = set(days)
        kept = [m for m in self.support if m.article_id in newest and m.value in wanted]
        fresh = sorted(newest.intersection(added))
        stayed = sorted(newest.difference(added)) if wanted - self.days else []
        rows = [*store.article_date_mentions(fresh, days),
                *store.article_date_mentions(stayed, sorted(wanted - self.days))]
        support = _merged(kept, _support_ins(rows), _support_order, lim.support_rows)
        grown = StoryRows(order, fingerprint[1], deadlines, support, days=days, limits=lim, articles=self._articles,
                          points=self._points)
        grown.extensions = self.extensions + 1
        if grown.mentions == self.mentions:  # the added articles name no key date: the ledgers stand
            grown._ledgers = dict(self._ledgers)
        return grown

    def _unchanged(self, store: Store, mark: int) -> bool:
        """Was none of these articles updated in place since the rows were read?"""
        if mark == self.mark:
            return True
        changed = store.articles_changed_between(self.mark, mark)
        return changed is not None and not changed & self.ids

    def ledger(self, today: dt.date) -> Ledger:
        led = self._ledgers.get(today)
        if led is None:  # two threads may both build it; both are right
            if len(self._ledgers) >= LEDGER_DAYS:  # a story that stays unchanged for weeks keeps a few days only
                self._ledgers.clear()
            led = self._ledgers[today] = build_ledger(self.mentions, today)
        return Ledger(list(led.items), today)

    def points(self, store: Store, article_ids: Sequence[int]) -> tuple[PointIn, ...]:
        """The best key points of the articles, in article id and text order (as load_points gives them); each
        article's are read once and kept while its text is unchanged."""
        missing = [a for a in article_ids if a not in self._points]
        if missing:
            loaded: dict[int, list[PointIn]] = {a: [] for a in missing}
            for pt in load_points(store, missing):
                loaded[pt.article_id].append(pt)
            self._points.update((a, tuple(pts)) for a, pts in loaded.items())
        return tuple(pt for a in sorted(set(article_ids)) for pt in self._points[a])

    def articles(self, store: Store, article_ids: Sequence[int],
                 outlets: dict[int, tuple[str, ...]]) -> list[StoryArticle]:
        """The articles (headline, link, language, day: fixed by their text), with the given current outlets."""
        missing = [a for a in article_ids if a not in self._articles]
        if missing:
            self._articles.update(store.articles_by_id(missing))
        return [dataclasses.replace(self._articles[a], sources=outlets.get(a, ())) for a in article_ids
                if a in self._articles]


def _merged(old: Sequence[DeadlineIn], new: Sequence[DeadlineIn], order: Callable[[DeadlineIn], tuple[int, int]],
            limit: int) -> list[DeadlineIn]:
    """The first `limit` of both lists in `order`, each row once (by id). `old` is in `order` already (read so, or
    merged here), so without new rows it is kept as it is: most news adds no key date."""
    if not new:
        return list(old[:limit])
    return sorted({m.id: m for m in (*old, *new)}.values(), key=order)[:limit]


def _deadline_order(m: DeadlineIn) -> tuple[int, int]:
    """story_deadlines' order: newest article first, then deadline id."""
    return -(m.published or dt.date.min).toordinal(), m.id


def _support_order(m: DeadlineIn) -> tuple[int, int]:
    """story_date_mentions' order: oldest article first, then time expression id (support ids are negated)."""
    return (m.published or dt.date.min).toordinal(), -m.id


DERIVED = Memo(ROWS_ENTRIES)  # newest articles' points, outlets, titles, days -> developments and brief


def _items(mapping: dict[int, Any]) -> tuple[tuple[int, Any], ...]:
    return tuple(sorted(mapping.items()))


def clear_caches() -> None:
    """Forget every remembered view and pure result (benchmarks measuring a cold start)."""
    VIEWS.clear()
    ROWS.clear()
    DERIVED.clear()
    OUTLETS.clear()


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

    def peek(self, store: Store, key: Hashable) -> Any:
        """The value remembered for `key` under any token (None: nothing), for a caller that can update it."""
        with self._lock:
            entries = self._stores.get(store)
            hit = entries.get(key) if entries is not None else None
            return hit[1] if hit is not None else None

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


class OutletCache:
    """The outlets of each article (StoriesRepo.article_source_names), remembered per store. Outlet rows are only
    ever added, with growing ids: the rows added since the last look name the articles to read again.

    Writes are serialised (SQLite's one writer, PostgreSQL's write lock), so when the newest id is visible every
    smaller one is too."""

    def __init__(self, size: int = OUTLET_ENTRIES) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._stores: weakref.WeakKeyDictionary[Store, tuple[int, dict[int, tuple[str, ...]]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, store: Store, article_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        with self._lock:  # held over the reads: a few index pages, and the entries stay consistent with the mark
            mark, entries = self._stores.get(store, (0, {}))
            newest = store.newest_source_id()
            if newest != mark:
                if newest < mark or len(entries) > self.size:  # a rolled-back or new database; or too many
                    entries = {}
                for aid in store.articles_with_sources_between(mark, newest) if entries else ():
                    entries.pop(aid, None)
            missing = [a for a in article_ids if a not in entries]
            if missing:
                entries.update(store.article_source_names(missing))
            self._stores[store] = (newest, entries)
            return {a: entries[a] for a in article_ids if a in entries}

    def forget(self, store: Store, article_ids: Sequence[int]) -> None:
        """Drop what is remembered of these articles (for a caller that deleted them: SQLite may reuse the ids of
        deleted rows, outlet rows included, and the bot itself never deletes an article)."""
        with self._lock:
            _, entries = self._stores.get(store, (0, {}))
            for aid in article_ids:
                entries.pop(aid, None)

    def clear(self) -> None:
        with self._lock:
            self._stores.clear()


OUTLETS = OutletCache()


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
    extraction rows, are the same: news elsewhere leaves them valid. When the story only gained articles, its rows
    are extended by theirs (StoryRows.extended); otherwise (an article removed, moved away or re-extracted) they
    are read again."""
    fingerprint = store.story_fingerprint(story_id, until=as_of)
    key = ("rows", story_id, as_of)

    def rows() -> StoryRows:
        before = ROWS.peek(store, key)
        grown = before.extended(store, fingerprint) if isinstance(before, StoryRows) else None
        return grown or StoryRows.load(store, story_id, fingerprint, as_of=as_of)

    return ROWS.get(store, key, fingerprint, rows)


WARM_STORIES = 20  # stories whose views one poll prepares at most (a bulk import is left to the asks)


def warm_views(store: Store, story_ids: Sequence[int], *, as_of: dt.date | None, today: dt.date,
               limit: int = WARM_STORIES) -> int:
    """Build, ahead of the first ask, the views of stories that just gained articles (the poller calls this after
    placing them), the newest first, and what a bare /status means; returns how many views were built.

    The first ask after news then finds its view ready instead of rebuilding it from the database."""
    stories = sorted((s for sid in dict.fromkeys(story_ids) if (s := store.story(sid)) is not None),
                     key=lambda s: (s.last_published or dt.date.min, s.id), reverse=True)[:limit]
    for story in stories:
        built = view(store, story, as_of=as_of, today=today)
        built.brief  # noqa: B018 (computed now, remembered for the ask)
        for it in built.ledger.items:  # a key date's number; the first one loads a lemma dictionary (~0.3 s)
            what_text("en", it.kind, it.what)
    most_active_story(store, until=as_of)
    collect_off_path()  # the full collection held off the commands (newsdigest/heap.py)
    return len(stories)


def load_view(store: Store, story: StoryRecord, *, as_of: dt.date | None, today: dt.date) -> StoryView:
    rows = story_rows(store, story.id, as_of=as_of)
    newest = rows.newest(RECENT_ARTICLES)
    ledger = rows.ledger(today)
    older = sorted({aid for i in ledger.items for aid in i.article_ids}.difference(newest))
    outlets = OUTLETS.get(store, [*newest, *older])
    articles = rows.articles(store, newest, outlets)
    days = {m.article_id: m.published for m in rows.mentions}
    return StoryView(
        story=story, name=display_name(store, story, as_of), as_of=as_of, today=today, article_count=rows.count,
        articles=tuple(articles), recent=len(articles), points=rows.points(store, newest), ledger=ledger,
        older_sources={a: outlets.get(a, ()) for a in older}, older_published={a: days[a] for a in older},
    )


__all__ = ["DERIVED", "OUTLETS", "ROWS", "VIEWS", "StoryRows", "StoryView", "ViewCache", "article_terms", "clear_caches",
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
